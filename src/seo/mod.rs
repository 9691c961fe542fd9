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
/// covers (their originals are not published).
pub struct SitemapImages<'a> {
    pub root: &'a Path,
    pub covers: &'a HashMap<PathBuf, ResponsiveImage>,
}

impl SitemapImages<'_> {
    /// The published URL of a cover: the `<img>` fallback of a processed
    /// one, the file itself otherwise (an SVG).
    fn cover(&self, base: &str, owner_path: &str, dir: &Path, cover: Option<&str>) -> Vec<String> {
        let Some(c) = cover else {
            return Vec::new();
        };
        let file = crate::paths::resolve_content_path(self.root, dir, c).ok();
        if let Some(img) = file.as_ref().and_then(|f| self.covers.get(f)) {
            return vec![img.fallback.url.clone()];
        }
        match c.strip_prefix('/') {
            Some(_) => vec![absolute(base, c)],
            None => vec![absolute(base, &format!("{owner_path}{c}"))],
        }
    }
}

/// sitemap.xml: every indexable page once — pages, sections and listings
/// (drafts built with `--drafts`, redirects and unrendered sections left
/// out) and `extra` pages — with hreflang alternates and the published
/// images of covers and photos.
pub fn sitemap(
    config: &Config,
    content: &Content,
    model: &SiteModel,
    images: &SitemapImages<'_>,
    extra: &[SitemapPage],
) -> String {
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
        if s.fm.render == Some(false) || s.fm.redirect_to.is_some() || s.fm.draft {
            continue;
        }
        entries.push(Entry {
            loc: absolute(base, &s.path),
            lastmod: None,
            alternates: alternates(&format!("section:{}", s.translation_key)),
            images: images.cover(base, &s.path, &s.dir, s.fm.cover.as_deref()),
        });
    }
    for p in content.pages.iter().filter(|p| !p.fm.draft) {
        entries.push(Entry {
            loc: absolute(base, &p.path),
            lastmod: p.fm.updated.or(p.date).map(|d| d.date().to_string()),
            alternates: alternates(&format!("page:{}", p.translation_key)),
            images: images.cover(base, &p.path, &p.dir, p.fm.cover.as_deref()),
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
    write_sitemap(merged)
}

fn write_sitemap(entries: Vec<Entry>) -> String {
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
