//! The site's pages and sections as the index sees them ([`Doc`]), per
//! language, and the warnings about what search cannot do: pages that no
//! query can find, languages without a stemmer.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::Content;
use crate::content::event::EventTimes;
use crate::error::Diagnostic;
use crate::markdown::Rendered;
use crate::media::ResponsiveImage;

use super::index::{Doc, EventState, Facet};
use super::text::{html_text, stemmer};

/// What the documents are made from.
pub(crate) struct Sources<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub content: &'a Content,
    pub pages: &'a [Rendered],
    pub sections: &'a [Rendered],
    pub events: &'a [Option<EventTimes>],
    pub covers: &'a HashMap<PathBuf, ResponsiveImage>,
}

/// The address of the smallest variant of a processed cover.
fn thumbnail(src: &Sources<'_>, dir: &Path, cover: Option<&str>) -> Option<String> {
    let file = crate::paths::resolve_content_path(src.root, dir, cover?).ok()?;
    let img = src.covers.get(&file)?;
    let first = img.sources.last()?.srcset.split(", ").next()?;
    let url = first.split(' ').next()?;
    Some(url.to_string())
}

fn headings(r: &Rendered) -> Vec<String> {
    fn walk(h: &[crate::markdown::Heading], out: &mut Vec<String>) {
        for x in h {
            out.push(x.title.clone());
            walk(&x.children, out);
        }
    }
    let mut out = Vec::new();
    walk(&r.toc, &mut out);
    out
}

fn pillar(config: &Config, key: Option<&str>, lang: &str) -> Option<(String, String)> {
    let key = key?;
    let name = config.pillar_title(key, lang)?;
    Some((key.to_string(), name.to_string()))
}

/// The pages and sections of each language, and warnings (file named) for
/// pages no query can find.
pub(crate) fn documents(src: &Sources<'_>) -> (BTreeMap<String, Vec<Doc>>, Vec<Diagnostic>) {
    let (config, content) = (src.config, src.content);
    let mut out: BTreeMap<String, Vec<Doc>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (i, p) in content.pages.iter().enumerate() {
        if p.fm.in_search_index == Some(false) {
            continue;
        }
        let r = &src.pages[i];
        let body = html_text(&r.html);
        let description = p.fm.description.clone().unwrap_or_default();
        if body.is_empty() && description.trim().is_empty() {
            warnings.push(
                Diagnostic::warning(
                    "search-unfindable",
                    "this page has no text and no description: search finds it by its title only",
                )
                .in_file(p.file.rel.clone())
                .help("write a `description` in its front matter, or a few lines of text"),
            );
        }
        let mut labels: Vec<String> = p.taxonomy_terms().into_values().flatten().collect();
        let pillar = pillar(config, p.pillar.as_deref(), &p.lang);
        labels.extend(pillar.iter().map(|(_, name)| name.clone()));
        labels.extend(
            p.fm.audiences
                .iter()
                .filter_map(|a| config.audience_title(a, &p.lang).map(String::from)),
        );
        out.entry(p.lang.clone()).or_default().push(Doc {
            path: p.path.clone(),
            url: crate::url::absolute(config.base(), &p.path),
            title: p.title().to_string(),
            description,
            headings: headings(r),
            body,
            labels,
            pillar,
            audiences: p.fm.audiences.clone(),
            thumbnail: thumbnail(src, &p.dir, p.fm.cover.as_deref()),
            event: src.events.get(i).and_then(|e| e.as_ref()).map(|e| {
                if e.upcoming() {
                    EventState::Upcoming
                } else {
                    EventState::Past
                }
            }),
        });
    }
    for (i, s) in content.sections.iter().enumerate() {
        if s.fm.render == Some(false)
            || s.fm.redirect_to.is_some()
            || s.fm.in_search_index == Some(false)
        {
            continue;
        }
        let r = &src.sections[i];
        let top = s
            .dir_rel
            .split('/')
            .next()
            .filter(|k| config.pillars.contains_key(*k));
        let title = if s.is_home() {
            config.title_in(&s.lang).to_string()
        } else {
            s.title().to_string()
        };
        out.entry(s.lang.clone()).or_default().push(Doc {
            path: s.path.clone(),
            url: crate::url::absolute(config.base(), &s.path),
            title,
            description: s.fm.description.clone().unwrap_or_default(),
            headings: headings(r),
            body: html_text(&r.html),
            pillar: pillar(config, top, &s.lang),
            ..Doc::default()
        });
    }
    (out, warnings)
}

/// A warning for each of the site's languages without a stemmer.
pub(crate) fn stemmer_warnings(config: &Config) -> Vec<Diagnostic> {
    config
        .all_languages()
        .into_iter()
        .filter(|lang| stemmer(lang).is_none())
        .map(|lang| {
            Diagnostic::warning(
                "search-no-stemmer",
                format!("search has no stemmer for `{lang}`: its words are found as written (accents and case aside) and by their beginning"),
            )
            .in_file("blason.toml")
            .help("stemmers: fr, en, de, es, it, nl, pt, da, sv, no, fi, ro, hu, ru, el, tr, ar, ta")
        })
        .collect()
}

/// The facets of `lang`: pillars and audiences with their names.
pub(crate) fn facets(config: &Config, lang: &str) -> (Vec<Facet>, Vec<Facet>) {
    let pillars = config
        .pillars
        .keys()
        .map(|k| {
            (
                k.clone(),
                config.pillar_title(k, lang).unwrap_or(k).to_string(),
            )
        })
        .collect();
    let audiences = config
        .audiences
        .keys()
        .map(|k| {
            (
                k.clone(),
                config.audience_title(k, lang).unwrap_or(k).to_string(),
            )
        })
        .collect();
    (pillars, audiences)
}
