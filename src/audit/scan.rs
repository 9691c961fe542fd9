//! What one output file links to and what it offers as anchors, read in
//! one pass over its bytes.
//!
//! A hand-written scanner over tags and attributes rather than html5ever's
//! tokenizer: the audit reads every byte of the output (about 1 GB at 100k
//! pages), needs only a handful of attributes, and html5ever builds a
//! tendril per attribute and a token per text run. The scanner handles what
//! the output can hold: double-, single- and unquoted attribute values,
//! character references in values (`&amp;`, `&#39;`, `&#x2F;`), comments,
//! CDATA sections, doctype and processing instructions, and the raw text of
//! `<script>` and `<style>` (whose `<` are not tags).

use std::borrow::Cow;

/// A link found in a file: the URL as written (references decoded) and
/// where it was (`href`, `src`, `loc`…), for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub url: String,
    pub attr: &'static str,
}

/// What a file links to and offers.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub links: Vec<Link>,
    /// `id`s, and `name`s of `<a>` (HTML only).
    pub ids: Vec<String>,
    /// An HTML page search engines are told to leave out: `noindex`, or a
    /// redirect (`<meta http-equiv="refresh">`).
    pub noindex: bool,
    /// The page addresses a sitemap lists (`<loc>`, not `<image:loc>`).
    pub locs: Vec<String>,
}

/// The kinds of file the audit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Html,
    Xml,
    Calendar,
    Text,
}

impl Kind {
    /// The kind of the output file `rel`, by its extension.
    pub fn of(rel: &str) -> Option<Kind> {
        let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        match ext.as_str() {
            "html" | "htm" => Some(Kind::Html),
            "xml" => Some(Kind::Xml),
            "ics" => Some(Kind::Calendar),
            "txt" => Some(Kind::Text),
            _ => None,
        }
    }
}

/// Reads `text` as a file of `kind`; `base` is the site's base URL, for
/// the addresses of plain text.
pub(crate) fn scan(kind: Kind, text: &str, base: &str) -> Found {
    let mut found = Found::default();
    match kind {
        Kind::Html => tags(text, true, |tag, _| html_tag(tag, &mut found)),
        Kind::Xml => tags(text, false, |tag, after| xml_tag(tag, after, &mut found)),
        Kind::Calendar => calendar(text, &mut found),
        Kind::Text => plain(text, base, &mut found),
    }
    found
}

/// A start tag: its name (lowercase) and attributes (names lowercase,
/// values with references decoded).
pub(crate) struct Tag<'a> {
    pub name: Cow<'a, str>,
    pub attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl Tag<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    }
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Index of `needle` in `hay` from `from`, or the end of `hay`.
fn find_from(hay: &str, from: usize, needle: &str) -> usize {
    memchr::memmem::find(&hay.as_bytes()[from.min(hay.len())..], needle.as_bytes())
        .map_or(hay.len(), |i| from + i)
}

/// Calls `on_tag` with every start tag of `text` and the text after it.
/// In HTML, the content of `<script>` and `<style>` is skipped.
pub(crate) fn tags<'a>(text: &'a str, html: bool, mut on_tag: impl FnMut(&Tag<'a>, &'a str)) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off;
        // Byte tests first: a start tag is by far the most common case.
        let next = b.get(i + 1).copied().unwrap_or(0);
        if next.is_ascii_alphabetic() {
            let (tag, end) = start_tag(text, i + 1);
            i = end;
            if html && matches!(tag.name.as_ref(), "script" | "style") {
                i = raw_text_end(text, i, &tag.name);
            }
            on_tag(&tag, &text[i.min(text.len())..]);
        } else if next == b'!' && b[i..].starts_with(b"<!--") {
            i = find_from(text, i + 4, "-->") + 3;
        } else if next == b'!' && b[i..].starts_with(b"<![CDATA[") {
            i = find_from(text, i + 9, "]]>") + 3;
        } else if matches!(next, b'!' | b'?' | b'/') {
            i = find_from(text, i + 2, ">") + 1;
        } else {
            i += 1;
        }
        if i >= text.len() {
            break;
        }
    }
}

/// Where the raw text of `<script>` or `<style>` ends: at its end tag,
/// whatever its case.
fn raw_text_end(text: &str, from: usize, name: &str) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    while let Some(off) = memmem_lt_slash(&b[i..]) {
        let at = i + off + 2;
        if b.len() >= at + name.len()
            && b[at..at + name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return i + off;
        }
        i = at;
    }
    text.len()
}

fn memmem_lt_slash(b: &[u8]) -> Option<usize> {
    memchr::memmem::find(b, b"</")
}

/// Reads a start tag whose name starts at `at`; returns it and the index
/// after its `>`.
fn start_tag(text: &str, at: usize) -> (Tag<'_>, usize) {
    let b = text.as_bytes();
    let stop = |c: u8| c.is_ascii_whitespace() || c == b'>' || c == b'/';
    let mut i = at;
    while i < b.len() && !stop(b[i]) {
        i += 1;
    }
    let name = lower(&text[at..i]);
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (Tag { name, attrs }, b.len());
        }
        if b[i] == b'>' {
            return (Tag { name, attrs }, i + 1);
        }
        let start = i;
        i += 1; // a name may start with `=`
        while i < b.len() && !(stop(b[i]) || b[i] == b'=') {
            i += 1;
        }
        let attr = lower(&text[start..i]);
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            attrs.push((attr, Cow::Borrowed("")));
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value, end) = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |o| i + 1 + o);
                (&text[i + 1..end], (end + 1).min(b.len()))
            }
            _ => {
                let s = i;
                while i < b.len() && !(b[i].is_ascii_whitespace() || b[i] == b'>') {
                    i += 1;
                }
                (&text[s..i], i)
            }
        };
        i = end;
        attrs.push((attr, decode_references(value)));
    }
}

/// Decodes the character references of an attribute value or text: the
/// named ones markup escapes with, and every numeric one. An unknown name
/// stays as written.
pub(crate) fn decode_references(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = crate::xml::decode_entity(name);
        match decoded {
            Some(c) => {
                out.push(c);
                let after = &rest[end..];
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn link(found: &mut Found, url: &str, attr: &'static str) {
    found.links.push(Link {
        url: url.to_string(),
        attr,
    });
}

/// What one HTML start tag links to and offers.
fn html_tag(tag: &Tag<'_>, found: &mut Found) {
    for (name, value) in &tag.attrs {
        // Most attributes (class, rel, aria-*, data-*…) are none of these:
        // a test of two bytes skips them before the names are compared.
        let n = name.as_bytes();
        if n.len() > 7 || !matches!(n.first(), Some(b'i' | b'n' | b'h' | b's' | b'p' | b'a')) {
            continue;
        }
        match name.as_ref() {
            "id" if !value.is_empty() => found.ids.push(value.to_string()),
            "name" if tag.name == "a" && !value.is_empty() => found.ids.push(value.to_string()),
            "href" => link(found, value, "href"),
            "src" => link(found, value, "src"),
            "poster" => link(found, value, "poster"),
            "action" if tag.name == "form" => link(found, value, "action"),
            "srcset" => {
                for url in srcset(value) {
                    link(found, url, "srcset");
                }
            }
            _ => {}
        }
    }
    if tag.name != "meta" {
        return;
    }
    let content = tag.get("content").unwrap_or("");
    let key = tag
        .get("property")
        .or_else(|| tag.get("name"))
        .unwrap_or("");
    match key.to_ascii_lowercase().as_str() {
        "og:image" | "og:image:url" | "og:image:secure_url" | "twitter:image" | "og:url" => {
            link(found, content, "content")
        }
        "robots" if content.to_ascii_lowercase().contains("noindex") => found.noindex = true,
        _ => {}
    }
    if tag
        .get("http-equiv")
        .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
    {
        found.noindex = true;
        // `0; url=/a/`: the redirect's target.
        if let Some(i) = content.to_ascii_lowercase().find("url=") {
            let target = content[i + 4..].trim().trim_matches(['\'', '"']);
            link(found, target, "refresh");
        }
    }
}

/// The URLs of a `srcset` (each followed by optional descriptors, comma
/// separated; a URL itself may hold commas, but not end with one).
pub(crate) fn srcset(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let url = &rest[..end];
        let trimmed = url.trim_end_matches(',');
        out.push(trimmed);
        rest = &rest[end..];
        if trimmed.len() < url.len() {
            continue;
        }
        // Descriptors up to the next comma (outside parentheses).
        let mut depth = 0usize;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[cut..];
    }
}

/// Atom's `<link href>`, `<icon>` and `<logo>`; a sitemap's `<loc>`,
/// `<image:loc>` and `<xhtml:link href>`.
fn xml_tag(tag: &Tag<'_>, after: &str, found: &mut Found) {
    let text = || decode_references(after[..after.find('<').unwrap_or(after.len())].trim());
    match tag.name.as_ref() {
        "link" | "xhtml:link" => {
            if let Some(href) = tag.get("href") {
                link(found, href, "href");
            }
        }
        "loc" => {
            let url = text();
            found.locs.push(url.to_string());
            link(found, &url, "loc");
        }
        "image:loc" => link(found, &text(), "image:loc"),
        "icon" | "logo" => link(found, &text(), "icon"),
        _ => {}
    }
}

/// The `URL` properties of an iCalendar file (folded lines unfolded).
fn calendar(text: &str, found: &mut Found) {
    let unfolded = text
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
        .replace("\n\t", "");
    for line in unfolded.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let prop = name.split(';').next().unwrap_or("");
        if prop.eq_ignore_ascii_case("URL") {
            link(found, value.trim(), "URL");
        }
    }
}

/// The site's addresses in plain text (share-kit texts, robots.txt): each
/// occurrence of the base URL, up to the next space.
fn plain(text: &str, base: &str, found: &mut Found) {
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        return;
    }
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&text.as_bytes()[from..], base.as_bytes()) {
        let start = from + i;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>'))
            .map_or(text.len(), |e| start + e);
        // A sentence may end right after an address.
        let url = text[start..end].trim_end_matches(['.', ',', ';', ')', '!']);
        link(found, url, "text");
        from = end.max(start + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(f: &Found) -> Vec<&str> {
        f.links.iter().map(|l| l.url.as_str()).collect()
    }

    #[test]
    fn attribute_values_in_any_quotes_with_references_decoded() {
        let html = r#"<a href="/a/?x=1&amp;y=2">A</a><a href='/b/'>B</a><a href=/c/>C</a>
            <A HREF = "/d/&#39;e&#x27;/" ID=Top>D</A><img src="/i.jpg"alt='x>y'><a data-x="&" href="/f/">"#;
        let f = scan(Kind::Html, html, "");
        assert_eq!(
            urls(&f),
            ["/a/?x=1&y=2", "/b/", "/c/", "/d/'e'/", "/i.jpg", "/f/"]
        );
        assert_eq!(f.ids, ["Top"]);
    }

    #[test]
    fn comments_scripts_and_styles_hide_their_tags() {
        let html = r#"<!-- <a href="/hidden/"> --><!DOCTYPE html><script>if (a<b) x = '<a href="/js/">';</script>
            <style>a[href="/css/"]{}</style><SCRIPT type="module">"</Script>"</SCRIPT><a href="/seen/">x</a><!-- unclosed <a href="/no/">"#;
        let f = scan(Kind::Html, html, "");
        assert_eq!(urls(&f), ["/seen/"]);
    }

    #[test]
    fn srcset_entries_posters_forms_meta_images_and_anchors() {
        let html = r#"<img srcset="/a-480.jpg 480w, /a-960.jpg 960w,/b,c.jpg 2x"><video poster="/p.jpg"></video>
            <form action="/recherche/"></form><meta property="og:image" content="/og.jpg"><meta name="twitter:image" content="/tw.jpg">
            <meta name="robots" content="noindex, follow"><a name="old"></a><h2 id="plan">"#;
        let f = scan(Kind::Html, html, "");
        assert_eq!(
            urls(&f),
            [
                "/a-480.jpg",
                "/a-960.jpg",
                "/b,c.jpg",
                "/p.jpg",
                "/recherche/",
                "/og.jpg",
                "/tw.jpg"
            ]
        );
        assert_eq!(f.ids, ["old", "plan"]);
        assert!(f.noindex);
        // As browsers read it: a comma inside a URL is part of it.
        assert_eq!(
            srcset(" a.jpg,b.jpg 1x , c.jpg (x, y) 2w, d.jpg,, e.jpg"),
            ["a.jpg,b.jpg", "c.jpg", "d.jpg", "e.jpg"]
        );
    }

    #[test]
    fn a_redirect_is_not_indexable_and_links_to_its_target() {
        let f = scan(
            Kind::Html,
            r#"<meta http-equiv="refresh" content="0; url=https://x.example/new/">"#,
            "",
        );
        assert!(f.noindex);
        assert_eq!(urls(&f), ["https://x.example/new/"]);
    }

    #[test]
    fn sitemaps_feeds_calendars_and_texts() {
        let xml = "<?xml version=\"1.0\"?><urlset><url><loc>https://x.example/a/?p=1&amp;q=2</loc>\n<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://x.example/en/a/\"/>\n<image:image><image:loc> https://x.example/i.jpg </image:loc></image:image></url></urlset>";
        let f = scan(Kind::Xml, xml, "");
        assert_eq!(
            urls(&f),
            [
                "https://x.example/a/?p=1&q=2",
                "https://x.example/en/a/",
                "https://x.example/i.jpg"
            ]
        );
        assert_eq!(f.locs, ["https://x.example/a/?p=1&q=2"]);
        let feed = "<feed><link rel=\"self\" href=\"/atom.xml\"/><content type=\"html\">&lt;a href=\"/not-a-tag/\"&gt;</content><content><![CDATA[<a href=\"/cdata/\">]]></content></feed>";
        assert_eq!(urls(&scan(Kind::Xml, feed, "")), ["/atom.xml"]);
        let ics = "BEGIN:VEVENT\r\nURL;VALUE=URI:https://x.example/agenda/fe\r\n te/\r\nDESCRIPTION:URL:no\r\nEND:VEVENT\r\n";
        assert_eq!(
            urls(&scan(Kind::Calendar, ics, "")),
            ["https://x.example/agenda/fete/"]
        );
        let text =
            "Venez ! https://x.example/a/?utm=1. Et https://x.example/b/\nhttps://other.example/c/";
        assert_eq!(
            urls(&scan(Kind::Text, text, "https://x.example/")),
            ["https://x.example/a/?utm=1", "https://x.example/b/"]
        );
    }

    #[test]
    fn references_decode_named_and_numeric_and_keep_the_unknown() {
        assert_eq!(
            decode_references("a&amp;b&lt;&#233;&#xE9;&unknown;&"),
            "a&b<éé&unknown;&"
        );
        assert_eq!(decode_references("&quot;x&apos;"), "\"x'");
        assert_eq!(decode_references("plain"), "plain");
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of("a/index.html"), Some(Kind::Html));
        assert_eq!(Kind::of("sitemap.xml"), Some(Kind::Xml));
        assert_eq!(Kind::of("agenda.ics"), Some(Kind::Calendar));
        assert_eq!(Kind::of("robots.txt"), Some(Kind::Text));
        assert_eq!(Kind::of("style.css"), None);
        assert_eq!(Kind::of("LICENSE"), None);
    }
}
