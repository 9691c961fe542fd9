//! The desk's pages (docs/community.md, "The desk"): the moderation page
//! (pending posts, each with the consent request to send in its author's
//! language; published posts without terms; rights that end soon) and the
//! ambassadors page with its CSV. They are written by `blason desk` into a
//! folder of their own, never into the site: they hold posts their authors
//! have not agreed to share and the names of the people who post. Each page
//! stands alone (its style inside it), so it opens from the disk or a CI
//! artifact.

use std::collections::HashMap;

use crate::community::desk::{Ambassador, Desk, Record, Terms};
use crate::config::Config;
use crate::render::practical::fill;
use crate::theme::Strings;
use crate::xml::escape;

/// The desk's files: name in the desk folder, bytes.
pub type DeskFiles = Vec<(&'static str, Vec<u8>)>;

/// The strings of the languages consent requests are written in: the
/// site's language first, then the authors' languages the theme has.
pub struct DeskStrings {
    /// The site's default language: the pages' own language.
    pub site: Strings,
    /// Other languages, by their primary subtag (`en` for `en-GB`).
    pub others: HashMap<String, Strings>,
}

impl DeskStrings {
    /// The strings a request to an author writing in `lang` is written
    /// with: that language's when the theme has it, else the site's.
    fn for_author(&self, lang: Option<&str>) -> &Strings {
        lang.map(primary)
            .and_then(|l| self.others.get(&l))
            .unwrap_or(&self.site)
    }
}

/// `en` for `en-GB`, lowercased.
pub fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or(lang)
        .to_ascii_lowercase()
}

fn t<'a>(s: &'a Strings, key: &'a str) -> &'a str {
    s.strings.get(key).map_or(key, String::as_str)
}

/// The consent request for `record` under `terms`, in its author's
/// language, ready to paste as a reply or a direct message.
pub fn request(config: &Config, strings: &Strings, record: &Record, terms: &Terms) -> String {
    let lang = strings.lang.as_str();
    let duration = strings
        .counted("desk_months", f64::from(terms.months), None)
        .unwrap_or_else(|| terms.months.to_string());
    let version = terms.version.as_str();
    let named = match &terms.url {
        Some(u) => {
            let url = crate::url::absolute(&config.base_url, u);
            fill(
                t(strings, "desk_terms_link"),
                &[("version", version), ("url", &url)],
            )
        }
        None => fill(t(strings, "desk_terms_version"), &[("version", version)]),
    };
    fill(
        t(strings, "desk_request"),
        &[
            ("author", &record.author),
            ("brand", config.brand_name_in(lang)),
            ("scope", terms.scope_in(lang)),
            ("duration", &duration),
            ("terms", &named),
        ],
    )
}

/// The moderation page, the ambassadors page and the ambassadors' CSV.
pub fn pages(
    config: &Config,
    strings: &DeskStrings,
    desk: &Desk,
    tz: &jiff::tz::TimeZone,
) -> DeskFiles {
    let people = crate::community::desk::ambassadors(desk, tz);
    vec![
        (
            "moderation.html",
            moderation(config, strings, desk, tz).into_bytes(),
        ),
        (
            "ambassadors.html",
            ambassadors_page(config, &strings.site, &people).into_bytes(),
        ),
        ("ambassadors.csv", ambassadors_csv(&people).into_bytes()),
    ]
}

const STYLE: &str = "body{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}\
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #ddd}\
.private{background:#fff4e5;border-left:4px solid #b35900;padding:.5rem 1rem}\
article{border:1px solid #ccc;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}\
blockquote{margin:.5rem 0;padding-left:1rem;border-left:3px solid #ccc}blockquote[dir]{white-space:pre-line}\
textarea{width:100%;font:inherit;box-sizing:border-box}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
.soon{color:#a00;font-weight:bold}nav a{margin-right:1rem}";

fn head(lang: &str, title: &str, site: &Strings) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n\
         <p class=\"private\">{private}</p>\n<nav><a href=\"moderation.html\">{moderation}</a>\
         <a href=\"ambassadors.html\">{ambassadors}</a></nav>\n</header>\n<main>\n",
        lang = escape(lang),
        title = escape(title),
        private = escape(t(site, "desk_private")),
        moderation = escape(t(site, "desk_moderation")),
        ambassadors = escape(t(site, "desk_ambassadors")),
    )
}

const FOOT: &str = "</main>\n</body>\n</html>\n";

fn date(s: &Strings, d: &crate::content::frontmatter::FmDate) -> String {
    s.format_date(d.date())
}

fn moderation(
    config: &Config,
    strings: &DeskStrings,
    desk: &Desk,
    tz: &jiff::tz::TimeZone,
) -> String {
    let s = &strings.site;
    let mut h = head(
        &config.default_language,
        &format!("{} — {}", t(s, "desk_moderation"), config.brand_name()),
        s,
    );
    let pending: Vec<&Record> = desk.pending().collect();
    h.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(&fill(
            t(s, "desk_pending"),
            &[("n", &pending.len().to_string())]
        ))
    ));
    let terms = desk.current_terms();
    if terms.is_none() && !pending.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(t(s, "desk_no_terms"))));
    }
    if pending.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(t(s, "desk_none"))));
    }
    for (i, r) in pending.iter().enumerate() {
        h.push_str(&format!(
            "<article>\n<h3>{author}{handle} · {network} · {date}</h3>\n\
             <p>{file} · <a href=\"{url}\" rel=\"noreferrer\">{open}</a></p>\n\
             <blockquote dir=\"auto\"{lang}>{text}</blockquote>\n",
            author = escape(&r.author),
            handle = r
                .handle
                .as_deref()
                .map(|h| format!(" ({})", escape(h)))
                .unwrap_or_default(),
            network = escape(r.network.name()),
            date = escape(&date(s, &r.date)),
            file = escape(&fill(t(s, "desk_file"), &[("file", &r.file)])),
            url = escape(&r.url),
            open = escape(&fill(
                t(s, "desk_open_post"),
                &[("network", r.network.name())]
            )),
            lang = r
                .lang
                .as_deref()
                .filter(|l| crate::community::is_language_tag(l))
                .map(|l| format!(" lang=\"{l}\""))
                .unwrap_or_default(),
            text = escape(&r.text),
        ));
        if let Some(img) = r
            .image_url
            .as_deref()
            .filter(|u| crate::url::https_host(u).is_some())
        {
            h.push_str(&format!(
                "<p><a href=\"{}\" rel=\"noreferrer\">{}</a></p>\n",
                escape(img),
                escape(t(s, "desk_image"))
            ));
        }
        if let Some(terms) = terms {
            let author_strings = strings.for_author(r.lang.as_deref());
            let text = request(config, author_strings, r, terms);
            h.push_str(&format!(
                "<label for=\"request-{i}\">{label}</label>\n\
                 <textarea id=\"request-{i}\" readonly rows=\"6\" lang=\"{lang}\">{text}</textarea>\n",
                label = escape(&fill(
                    t(s, "desk_request_label"),
                    &[("version", &terms.version)]
                )),
                lang = escape(&author_strings.lang),
                text = escape(&text),
            ));
        }
        h.push_str("</article>\n");
    }

    let expiring = desk.expiring(tz);
    h.push_str(&format!("<h2>{}</h2>\n", escape(t(s, "desk_expiring"))));
    if expiring.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(t(s, "desk_none"))));
    } else {
        h.push_str("<ul>\n");
        for r in expiring {
            h.push_str(&format!(
                "<li><a href=\"{url}\" rel=\"noreferrer\">{author} · {network}</a> — {until} — {file}</li>\n",
                url = escape(&r.url),
                author = escape(&r.author),
                network = escape(r.network.name()),
                until = escape(&rights_words(s, r)),
                file = escape(&r.file),
            ));
        }
        h.push_str("</ul>\n");
    }

    let without = desk.without_terms();
    h.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(t(s, "desk_without_terms"))
    ));
    if without.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(t(s, "desk_none"))));
    } else {
        let version = terms.map_or("2027-01", |t| t.version.as_str());
        h.push_str(&format!(
            "<p>{}</p>\n<ul>\n",
            escape(&fill(
                t(s, "desk_without_terms_help"),
                &[("version", version)]
            ))
        ));
        for r in without {
            h.push_str(&format!(
                "<li>{file} — {author} · {network}</li>\n",
                file = escape(&r.file),
                author = escape(&r.author),
                network = escape(r.network.name()),
            ));
        }
        h.push_str("</ul>\n");
    }
    if let Some(terms) = terms {
        h.push_str(&format!(
            "<h2>{}</h2>\n<blockquote>\n",
            escape(&fill(
                t(s, "desk_terms_heading"),
                &[("version", &terms.version)]
            ))
        ));
        // The terms' paragraphs, as written between blank lines.
        for para in terms.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
            h.push_str(&format!("<p>{}</p>\n", escape(&joined)));
        }
        h.push_str("</blockquote>\n");
    }
    h.push_str(FOOT);
    h
}

/// "Droits jusqu'au 20 décembre 2026", or "Sans date de fin".
fn rights_words(s: &Strings, r: &Record) -> String {
    match &r.until {
        Some(u) => fill(t(s, "desk_rights_until"), &[("date", &date(s, u))]),
        None => t(s, "desk_rights_open").to_string(),
    }
}

fn ambassadors_page(config: &Config, s: &Strings, people: &[Ambassador<'_>]) -> String {
    let mut h = head(
        &config.default_language,
        &format!("{} — {}", t(s, "desk_ambassadors"), config.brand_name()),
        s,
    );
    h.push_str(&format!(
        "<p>{}</p>\n<p><a href=\"ambassadors.csv\" download>{}</a></p>\n",
        escape(t(s, "desk_ambassadors_intro")),
        escape(t(s, "desk_csv")),
    ));
    if people.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(t(s, "desk_none"))));
        h.push_str(FOOT);
        return h;
    }
    h.push_str("<table>\n<thead><tr>");
    for key in [
        "desk_col_author",
        "desk_col_posts",
        "desk_col_networks",
        "desk_col_tags",
        "desk_col_last",
        "desk_col_rights",
    ] {
        h.push_str(&format!("<th scope=\"col\">{}</th>", escape(t(s, key))));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for p in people {
        let last = p.posts[0];
        let rights = match &p.rights_end {
            Some(u) => fill(t(s, "desk_rights_until"), &[("date", &date(s, u))]),
            None => t(s, "desk_rights_open").to_string(),
        };
        h.push_str(&format!(
            "<tr><th scope=\"row\">{name}</th><td>{posts}</td><td>{accounts}</td><td>{tags}</td>\
             <td><a href=\"{url}\" rel=\"noreferrer\">{last}</a></td><td{soon}>{rights}</td></tr>\n",
            name = escape(p.name),
            posts = p.posts.len(),
            accounts = escape(&accounts(p)),
            tags = escape(&tags(p)),
            url = escape(&last.url),
            last = escape(&date(s, &last.date)),
            soon = if p.ending_soon { " class=\"soon\"" } else { "" },
            rights = escape(&rights),
        ));
    }
    h.push_str("</tbody>\n</table>\n");
    h.push_str(FOOT);
    h
}

/// "Instagram @a, Mastodon @a@piaille.fr".
fn accounts(p: &Ambassador<'_>) -> String {
    p.accounts
        .iter()
        .map(|(n, handles)| {
            if handles.is_empty() {
                n.name().to_string()
            } else {
                format!("{} {}", n.name(), handles.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "lac (3), culture (1)".
fn tags(p: &Ambassador<'_>) -> String {
    p.tags
        .iter()
        .map(|(t, n)| format!("{t} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One CSV field as [`crate::seo::plan::field`] quotes it (RFC 4180). This
/// file is opened in spreadsheets, so a field one would read as a formula
/// (`=`, `+`, `-`, `@` first) gets a leading apostrophe.
pub fn csv_field(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        crate::seo::plan::field(&format!("'{value}")).into_owned()
    } else {
        crate::seo::plan::field(value).into_owned()
    }
}

fn ambassadors_csv(people: &[Ambassador<'_>]) -> String {
    let mut out = String::from(
        "author,posts,networks,tags,last_post,last_post_url,rights_until,rights_ending_soon\r\n",
    );
    for p in people {
        let last = p.posts[0];
        let row = [
            p.name.to_string(),
            p.posts.len().to_string(),
            accounts(p),
            tags(p),
            last.date.date().to_string(),
            last.url.clone(),
            p.rights_end
                .map(|u| u.date().to_string())
                .unwrap_or_default(),
            if p.ending_soon { "yes" } else { "no" }.to_string(),
        ];
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Léa"), "Léa");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("dit \"oui\""), "\"dit \"\"oui\"\"\"");
        assert_eq!(csv_field("deux\nlignes"), "\"deux\nlignes\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@camille"), "'@camille");
    }

    #[test]
    fn primary_subtags() {
        assert_eq!(primary("en-GB"), "en");
        assert_eq!(primary("FR"), "fr");
        assert_eq!(primary("pt_BR"), "pt");
    }
}
