//! Atom feeds (RFC 4287): one for the site (each language) and one per section.
//!
//! Entries are the dated pages, newest first; the feed's `updated` is its
//! newest entry's, so a feed changes only when its content does. A feed
//! with no entry yet (a language or section with no dated page) is still
//! written, since pages link to it: its `updated` is the Unix epoch, which
//! says "never" and keeps two builds identical.

use std::fmt::Write as _;

use jiff::Timestamp;

use crate::xml::escape as xml_escape;

/// One entry.
pub struct FeedEntry<'a> {
    pub title: &'a str,
    pub url: String,
    pub published: Timestamp,
    pub updated: Timestamp,
    pub summary: Option<&'a str>,
    pub content_html: &'a str,
}

/// The feed itself.
pub struct FeedInfo<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub lang: &'a str,
    /// The feed's own URL.
    pub self_url: String,
    /// The page the feed is about.
    pub alternate_url: String,
    pub author: &'a str,
}

/// How many entries a feed keeps.
pub const FEED_LIMIT: usize = 30;

fn rfc3339(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An Atom document.
pub fn atom(info: &FeedInfo<'_>, entries: &[FeedEntry<'_>]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(info.lang)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(info.title));
    if !info.subtitle.is_empty() {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml_escape(info.subtitle));
    }
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&info.self_url)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&info.alternate_url)
    );
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&info.alternate_url));
    let _ = writeln!(out, "  <updated>{}</updated>", rfc3339(updated));
    let _ = writeln!(
        out,
        "  <author><name>{}</name></author>",
        xml_escape(info.author)
    );
    let _ = writeln!(out, "  <generator>blason</generator>");
    for e in entries {
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", xml_escape(e.title));
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&e.url)
        );
        let _ = writeln!(out, "    <id>{}</id>", xml_escape(&e.url));
        let _ = writeln!(out, "    <published>{}</published>", rfc3339(e.published));
        let _ = writeln!(out, "    <updated>{}</updated>", rfc3339(e.updated));
        if let Some(s) = e.summary {
            let _ = writeln!(out, "    <summary>{}</summary>", xml_escape(s));
        }
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>",
            xml_escape(e.content_html)
        );
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_with_escaped_entries() {
        let info = FeedInfo {
            title: "Val & co",
            subtitle: "",
            lang: "fr",
            self_url: "https://x.fr/atom.xml".into(),
            alternate_url: "https://x.fr/".into(),
            author: "Office",
        };
        let ts: Timestamp = "2026-06-01T10:00:00Z".parse().unwrap();
        let e = FeedEntry {
            title: "<b>",
            url: "https://x.fr/a/".into(),
            published: ts,
            updated: ts,
            summary: Some("s"),
            content_html: "<p>x</p>",
        };
        let xml = atom(&info, &[e]);
        assert!(xml.contains("<title>Val &amp; co</title>"));
        assert!(xml.contains("<updated>2026-06-01T10:00:00Z</updated>"));
        assert!(xml.contains("&lt;p&gt;x&lt;/p&gt;"));
        let empty = atom(&info, &[]);
        assert!(empty.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(!empty.contains("<entry>"));
    }
}
