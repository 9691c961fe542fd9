//! Site-wide files read by search engines: sitemap.xml and robots.txt.
//!
//! Built from the content and the site model, with absolute URLs; no template
//! involved, so a theme cannot break them.

use std::fmt::Write as _;

use crate::config::Config;
use crate::content::Content;
use crate::content::site::SiteModel;
use crate::render::absolute;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// sitemap.xml: every page, section and listing, with hreflang alternates.
pub fn sitemap(config: &Config, content: &Content, model: &SiteModel) -> String {
    let base = config.base();
    // (location, last modification, hreflang alternates)
    type Entry = (String, Option<String>, Vec<(String, String)>);
    let mut entries: Vec<Entry> = Vec::new();
    let alternates = |key: &str| -> Vec<(String, String)> {
        match model.translations.get(key) {
            Some(list) if list.len() > 1 => list
                .iter()
                .map(|(l, p)| (l.clone(), absolute(base, p)))
                .collect(),
            _ => Vec::new(),
        }
    };
    for s in &content.sections {
        if s.fm.render == Some(false) {
            continue;
        }
        entries.push((
            absolute(base, &s.path),
            None,
            alternates(&format!("section:{}", s.translation_key)),
        ));
    }
    for p in &content.pages {
        let lastmod = p.fm.updated.or(p.date).map(|d| d.date().to_string());
        entries.push((
            absolute(base, &p.path),
            lastmod,
            alternates(&format!("page:{}", p.translation_key)),
        ));
    }
    for l in &model.listings {
        if l.section.is_none() {
            entries.push((absolute(base, &l.path), None, Vec::new()));
        }
    }
    for t in &model.taxonomies {
        entries.push((absolute(base, &t.path), None, Vec::new()));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (loc, lastmod, alts) in entries {
        let _ = write!(out, "  <url>\n    <loc>{}</loc>\n", xml_escape(&loc));
        if let Some(m) = lastmod {
            let _ = writeln!(out, "    <lastmod>{m}</lastmod>");
        }
        for (lang, href) in alts {
            let _ = writeln!(
                out,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                xml_escape(&href)
            );
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// robots.txt, pointing to the sitemap.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        absolute(config.base(), "/sitemap.xml")
    )
}
