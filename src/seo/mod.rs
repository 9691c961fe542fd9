//! What search engines, feed readers and calendars read: sitemap.xml,
//! robots.txt, Atom feeds, iCalendar files and JSON-LD; and the share links
//! and kit texts people post on social networks (`share`).
//!
//! Built from the content and the site model, with absolute URLs; no template
//! involved, so a theme cannot break them.

pub mod feed;
pub mod ics;
pub mod jsonld;
pub mod share;

use std::fmt::Write as _;

use crate::config::Config;
use crate::content::Content;
use crate::content::site::SiteModel;
use crate::url::absolute;
use crate::xml::escape as xml_escape;

/// One URL of the sitemap.
struct Entry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<(String, String)>,
    images: Vec<String>,
}

fn cover_url(base: &str, owner_path: &str, cover: Option<&str>) -> Vec<String> {
    match cover {
        Some(c) if c.starts_with('/') => vec![absolute(base, c)],
        Some(c) => vec![absolute(base, &format!("{owner_path}{c}"))],
        None => Vec::new(),
    }
}

/// sitemap.xml: every page, section and listing (and `extra` paths), with
/// hreflang alternates and cover images.
pub fn sitemap(config: &Config, content: &Content, model: &SiteModel, extra: &[String]) -> String {
    let base = config.base();
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
        if s.fm.render == Some(false) || s.fm.redirect_to.is_some() {
            continue;
        }
        entries.push(Entry {
            loc: absolute(base, &s.path),
            lastmod: None,
            alternates: alternates(&format!("section:{}", s.translation_key)),
            images: cover_url(base, &s.path, s.fm.cover.as_deref()),
        });
    }
    for p in &content.pages {
        entries.push(Entry {
            loc: absolute(base, &p.path),
            lastmod: p.fm.updated.or(p.date).map(|d| d.date().to_string()),
            alternates: alternates(&format!("page:{}", p.translation_key)),
            images: cover_url(base, &p.path, p.fm.cover.as_deref()),
        });
    }
    let plain = |path: &str| Entry {
        loc: absolute(base, path),
        lastmod: None,
        alternates: Vec::new(),
        images: Vec::new(),
    };
    entries.extend(
        model
            .listings
            .iter()
            .filter(|l| l.section.is_none())
            .map(|l| plain(&l.path)),
    );
    entries.extend(model.taxonomies.iter().map(|t| plain(&t.path)));
    entries.extend(extra.iter().map(|p| plain(p)));
    entries.sort_by(|a, b| a.loc.cmp(&b.loc));
    entries.dedup_by(|a, b| a.loc == b.loc);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">\n",
    );
    for e in entries {
        let _ = write!(out, "  <url>\n    <loc>{}</loc>\n", xml_escape(&e.loc));
        if let Some(m) = e.lastmod {
            let _ = writeln!(out, "    <lastmod>{m}</lastmod>");
        }
        for (lang, href) in e.alternates {
            let _ = writeln!(
                out,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                xml_escape(&href)
            );
        }
        for img in e.images {
            let _ = writeln!(
                out,
                "    <image:image><image:loc>{}</image:loc></image:image>",
                xml_escape(&img)
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
