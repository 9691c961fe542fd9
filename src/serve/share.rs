//! `/_blason/share/PATH`: how a page will look when shared on Facebook, X,
//! LinkedIn and WhatsApp, drawn from the Open Graph and X tags of the page
//! as built (the same tags the networks read), with its social card.
//!
//! Tag values are read from the built page, where they are already escaped
//! for HTML attributes, and put back into HTML as they are.

/// The tags a preview needs, as written in the page (HTML-escaped).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Preview {
    pub title: String,
    pub description: String,
    pub image: Option<String>,
    pub image_alt: String,
    pub url: String,
    pub site_name: String,
}

/// The `content` of `<meta property|name="key" content="...">` in `html`.
fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    for attr in ["property", "name"] {
        let needle = format!("<meta {attr}=\"{key}\" content=\"");
        if let Some(at) = html.find(&needle) {
            let rest = &html[at + needle.len()..];
            return rest.find('"').map(|end| &rest[..end]);
        }
    }
    None
}

/// Reads a built page's sharing tags.
pub fn preview(html: &str) -> Preview {
    let get = |k: &str| meta(html, k).unwrap_or("").to_string();
    Preview {
        title: get("og:title"),
        description: get("og:description"),
        image: meta(html, "og:image").map(String::from),
        image_alt: get("og:image:alt"),
        url: get("og:url"),
        site_name: get("og:site_name"),
    }
}

/// The preview page for the built page at `path`, in the words of the site's language.
pub fn page(path: &str, p: &Preview, live_tags: &str, words: &super::words::Words) -> String {
    let img = |class: &str| match &p.image {
        Some(src) => format!(
            "<img class=\"{class}\" src=\"{src}\" alt=\"{}\" width=\"1200\" height=\"630\">",
            p.image_alt
        ),
        None => format!(
            "<div class=\"{class} share-noimage\">{}</div>",
            words.no_image
        ),
    };
    let h = crate::url::authority(&p.url);
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{preview_title} {path}</title><link rel=\"stylesheet\" href=\"/_blason/share.css\">{live_tags}</head><body>\
<main class=\"share-previews\"><h1>{before}<a href=\"{path}\">{path}</a>{after}</h1>\
<p class=\"share-note\">{note}</p>\
<section><h2>Facebook</h2><div class=\"fb\">{fb_img}<div class=\"fb-text\"><p class=\"fb-host\">{host_up}</p><p class=\"fb-title\">{title}</p><p class=\"fb-desc\">{desc}</p></div></div></section>\
<section><h2>X</h2><div class=\"x\">{x_img}<p class=\"x-host\">{h}</p></div><p class=\"x-title\">{title}</p></section>\
<section><h2>LinkedIn</h2><div class=\"li\">{li_img}<p class=\"li-title\">{title}</p><p class=\"li-host\">{h}</p></div></section>\
<section><h2>WhatsApp</h2><div class=\"wa\"><div class=\"wa-card\">{wa_img}<p class=\"wa-title\">{title}</p><p class=\"wa-desc\">{desc}</p><p class=\"wa-host\">{h}</p></div><p class=\"wa-link\">{url}</p></div></section>\
</main></body></html>",
        lang = words.lang,
        preview_title = words.preview_title,
        before = words.preview_heading.0,
        after = words.preview_heading.1,
        note = words.preview_note,
        fb_img = img("fb-img"),
        x_img = img("x-img"),
        li_img = img("li-img"),
        wa_img = img("wa-img"),
        host_up = h.to_uppercase(),
        title = p.title,
        desc = p.description,
        url = p.url,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tags_networks_read() {
        let html = r#"<head><meta property="og:title" content="Le lac &amp; la brume">
<meta property="og:description" content="Aube">
<meta property="og:url" content="http://127.0.0.1:1111/lac/">
<meta property="og:image" content="http://127.0.0.1:1111/processed_images/card-lac-1.jpg">
<meta property="og:image:alt" content="Brume &quot;bleue&quot;"></head>"#;
        let p = preview(html);
        assert_eq!(p.title, "Le lac &amp; la brume");
        assert_eq!(p.image_alt, "Brume &quot;bleue&quot;");
        let out = page("/lac/", &p, "", &crate::serve::words::Words::default());
        assert_eq!(out.matches("Le lac &amp; la brume").count(), 4);
        assert_eq!(out.matches("card-lac-1.jpg").count(), 4);
        assert!(out.contains("127.0.0.1:1111"));
        assert_eq!(preview("<p>no tags</p>"), Preview::default());
    }
}
