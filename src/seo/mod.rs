//! What search engines, feed readers and calendars read: sitemap.xml,
//! robots.txt, Atom feeds, iCalendar files and JSON-LD; and the share links
//! and kit texts people post on social networks (`share`).
//!
//! Built from the content and the site model, with absolute URLs; no template
//! involved, so a theme cannot break them.

pub mod feed;
pub mod ics;
pub mod jsonld;
pub mod plan;
pub mod share;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::Content;
use crate::content::site::SiteModel;
use crate::media::ResponsiveImage;
use crate::url::absolute;
use crate::xml::escape as xml_escape;

/// One URL of the sitemap.
struct Entry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<(String, String)>,
    images: Vec<String>,
}

/// A page of the sitemap beyond content and listings: a theme-made page
/// (agenda, site map, community) or a photo's page, with its image.
pub struct SitemapPage {
    pub path: String,
    /// Absolute URLs of the published images the page shows.
    pub images: Vec<String>,
}

/// Where the sitemap finds the images of pages: the site's root (covers
/// are named relative to their page) and the published variants of raster
/// covers (what pages show of them).
pub struct SitemapImages<'a> {
    pub covers: &'a HashMap<PathBuf, ResponsiveImage>,
    /// Each page's and section's cover file.
    pub cover_files: &'a crate::content::CoverFiles,
}

impl SitemapImages<'_> {
    /// The published URL of a cover: the `<img>` fallback of a processed
    /// one, the file itself otherwise (an SVG).
    fn cover(
        &self,
        base: &str,
        owner_path: &str,
        cover: Option<&str>,
        file: Option<&Path>,
    ) -> Vec<String> {
        let Some(c) = cover else {
            return Vec::new();
        };
        if let Some(img) = file.and_then(|f| self.covers.get(f)) {
            return vec![img.fallback.url.clone()];
        }
        match c.strip_prefix('/') {
            Some(_) => vec![absolute(base, c)],
            None => vec![absolute(base, &format!("{owner_path}{c}"))],
        }
    }
}

/// The sitemaps protocol's limits for one file: 50,000 addresses and
/// 50 MiB before compression. A larger site gets a sitemap index.
pub const SITEMAP_MAX_URLS: usize = 50_000;
pub const SITEMAP_MAX_BYTES: usize = 50 * 1024 * 1024;

/// The sitemap files (output path, XML): every indexable page once —
/// pages, sections and listings (drafts built with `--drafts`, redirects
/// and unrendered sections left out) and `extra` pages — with hreflang
/// alternates and the published images of covers and photos. One
/// `sitemap.xml` while the site fits the protocol's limits; else
/// `sitemap-1.xml`, `sitemap-2.xml`… each within them, and `sitemap.xml`
/// is their index (robots.txt names it either way).
pub fn sitemap(
    config: &Config,
    content: &Content,
    model: &SiteModel,
    images: &SitemapImages<'_>,
    extra: &[SitemapPage],
) -> Vec<(String, String)> {
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
    for (i, s) in content.sections.iter().enumerate() {
        if s.fm.render == Some(false) || s.fm.redirect_to.is_some() || s.fm.draft {
            continue;
        }
        entries.push(Entry {
            loc: absolute(base, &s.path),
            lastmod: None,
            alternates: alternates(&format!("section:{}", s.translation_key)),
            images: images.cover(
                base,
                &s.path,
                s.fm.cover.as_deref(),
                images.cover_files.section(i),
            ),
        });
    }
    for (i, p) in content
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.fm.draft)
    {
        entries.push(Entry {
            loc: absolute(base, &p.path),
            lastmod: p.fm.updated.or(p.date).map(|d| d.date().to_string()),
            alternates: alternates(&format!("page:{}", p.translation_key)),
            images: images.cover(
                base,
                &p.path,
                p.fm.cover.as_deref(),
                images.cover_files.page(i),
            ),
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
    entries.extend(extra.iter().map(|p| Entry {
        images: p.images.clone(),
        ..plain(&p.path)
    }));
    entries.sort_by(|a, b| a.loc.cmp(&b.loc));
    // One entry per address: the first (a page's, with its alternates)
    // takes the images of the others.
    let mut merged: Vec<Entry> = Vec::with_capacity(entries.len());
    for e in entries {
        match merged.last_mut() {
            Some(last) if last.loc == e.loc => {
                for img in e.images {
                    if !last.images.contains(&img) {
                        last.images.push(img);
                    }
                }
            }
            _ => merged.push(e),
        }
    }
    write_sitemaps(base, merged, SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES)
}

const URLSET_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">\n";
const URLSET_END: &str = "</urlset>\n";

/// `entries` as one sitemap, or as files of at most `max_urls` entries
/// and `max_bytes` bytes each and their index (see [`sitemap`]).
fn write_sitemaps(
    base: &str,
    entries: Vec<Entry>,
    max_urls: usize,
    max_bytes: usize,
) -> Vec<(String, String)> {
    let room = max_bytes.saturating_sub(URLSET_START.len() + URLSET_END.len());
    let mut files: Vec<String> = Vec::new();
    let mut current = String::from(URLSET_START);
    let mut count = 0;
    for e in entries {
        let url = url_xml(e);
        if count > 0 && (count == max_urls || current.len() - URLSET_START.len() + url.len() > room)
        {
            current.push_str(URLSET_END);
            files.push(std::mem::replace(&mut current, String::from(URLSET_START)));
            count = 0;
        }
        current.push_str(&url);
        count += 1;
    }
    current.push_str(URLSET_END);
    files.push(current);
    if files.len() == 1 {
        return vec![("sitemap.xml".to_string(), files.remove(0))];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut out = Vec::with_capacity(files.len() + 1);
    for (n, xml) in files.into_iter().enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(
            index,
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>",
            xml_escape(&absolute(base, &format!("/{name}")))
        );
        out.push((name, xml));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, ("sitemap.xml".to_string(), index));
    out
}

/// One `<url>` element of a sitemap.
fn url_xml(e: Entry) -> String {
    let mut out = String::new();
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
    out
}

/// robots.txt, pointing to the sitemap.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        absolute(config.base(), "/sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                loc: format!("https://x.example/p{i}/"),
                lastmod: Some("2026-12-01".into()),
                alternates: vec![("en".into(), format!("https://x.example/en/p{i}/"))],
                images: Vec::new(),
            })
            .collect()
    }

    /// The `<loc>`s of an XML file, checking that it is well-formed.
    fn locs(xml: &str) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut out, mut in_loc) = (Vec::new(), false);
        loop {
            match reader.read_event().expect("well-formed XML") {
                quick_xml::events::Event::Start(e) => in_loc = e.name().as_ref() == b"loc",
                quick_xml::events::Event::Text(t) if in_loc => {
                    out.push(String::from_utf8(t.to_vec()).unwrap());
                }
                quick_xml::events::Event::End(_) => in_loc = false,
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn a_site_within_the_limits_has_one_sitemap() {
        let files = write_sitemaps("https://x.example", entries(3), 3, SITEMAP_MAX_BYTES);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "sitemap.xml");
        assert!(files[0].1.starts_with(URLSET_START) && files[0].1.ends_with(URLSET_END));
        assert_eq!(locs(&files[0].1).len(), 3);
    }

    #[test]
    fn a_larger_site_has_files_within_the_limits_and_their_index() {
        let all: Vec<String> = entries(5).into_iter().map(|e| e.loc).collect();
        for (max_urls, max_bytes) in [
            (2, SITEMAP_MAX_BYTES),
            // Room for two entries a file, by size.
            (
                SITEMAP_MAX_URLS,
                URLSET_START.len() + URLSET_END.len() + 2 * url_xml(entries(1).remove(0)).len(),
            ),
        ] {
            let files = write_sitemaps("https://x.example", entries(5), max_urls, max_bytes);
            let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(
                names,
                [
                    "sitemap.xml",
                    "sitemap-1.xml",
                    "sitemap-2.xml",
                    "sitemap-3.xml"
                ]
            );
            let index = &files[0].1;
            assert!(index.contains("<sitemapindex "), "{index}");
            assert_eq!(
                locs(index),
                [
                    "https://x.example/sitemap-1.xml",
                    "https://x.example/sitemap-2.xml",
                    "https://x.example/sitemap-3.xml"
                ]
            );
            let mut listed = Vec::new();
            for (_, xml) in &files[1..] {
                assert!(xml.len() <= max_bytes, "{} bytes", xml.len());
                let urls = xml.matches("<url>").count();
                assert!((1..=2).contains(&urls), "{xml}");
                // Each entry's own address; its alternate is not a <loc>.
                listed.extend(locs(xml));
            }
            assert_eq!(listed, all, "every address once, in order");
        }
    }
}
