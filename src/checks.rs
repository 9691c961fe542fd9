//! Checks across files: what no single file can tell is wrong. Covers and
//! images that exist and stay inside the site, `@/` links whose anchor is
//! a heading of the page they point to, addresses wanted by two things
//! (a page and the agenda, a page and a photo of a gallery), events that
//! cannot happen, the warnings `check` shows (descriptions, files of a
//! bundle that nothing uses), and how far each language is translated
//! (with the `@/` links that lead a reader out of the page's language).
//!
//! Each check returns every problem it finds; the pipeline decides when it
//! runs and what stops the build. No check writes or renders anything.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::event::EventTimes;
use crate::content::site::SiteModel;
use crate::content::{Content, CoverFiles};
use crate::error::{Diagnostic, Error, display_path};
use crate::markdown::Rendered;
use crate::paths::Resolver;
use crate::render::routes;
use crate::render::views::PhotoPages;
use crate::theme::Strings;

/// Where a cover resolved to, with whether a file is there, or why it
/// does not resolve.
type Resolved = Result<(PathBuf, bool), String>;

/// Covers: exist, and stay inside the site. Gives each one's file, and the
/// errors of those that do not resolve to one.
pub(crate) fn files(root: &Path, content: &Content) -> (CoverFiles, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let resolver = Resolver::new(root);
    let resolve = |written: &str, dir: &Path| -> Resolved { resolver.resolve(dir, written) };
    let pages: Vec<Option<Resolved>> = content
        .pages
        .par_iter()
        .map(|p| p.fm.cover.as_deref().map(|c| resolve(c, &p.dir)))
        .collect();
    let sections: Vec<Option<Resolved>> = content
        .sections
        .par_iter()
        .map(|s| s.fm.cover.as_deref().map(|c| resolve(c, &s.dir)))
        .collect();
    let mut errors = Vec::new();
    let mut check = |written: &str, resolved: &Resolved, file: &str| match resolved {
        Ok((_, true)) => {}
        Ok((p, false)) => {
            let d = Diagnostic::error("missing-file", format!("the cover `{written}` does not exist"))
                .file(file)
                .help(crate::paths::near_miss(p).unwrap_or_else(|| {
                    "a bare name is looked for beside the markdown file; a name starting with / under static/".into()
                }));
            errors.push(match key_line(root, file, "cover") {
                Some(line) => d.line(line),
                None => d,
            })
        }
        Err(why) => errors.push(
            Diagnostic::error("path-outside-site", format!("the cover `{written}` {why}"))
                .file(file)
                .help("use a file inside the site: beside the page, or under static/"),
        ),
    };
    for (p, r) in content.pages.iter().zip(&pages) {
        if let (Some(c), Some(r)) = (&p.fm.cover, r) {
            check(c, r, &p.file.rel);
        }
    }
    for (s, r) in content.sections.iter().zip(&sections) {
        if let (Some(c), Some(r), Some(f)) = (&s.fm.cover, r, &s.file) {
            check(c, r, &f.rel);
        }
    }
    let file = |r: Option<Resolved>| match r {
        Some(Ok((p, true))) => Some(p),
        _ => None,
    };
    let covers = CoverFiles {
        pages: pages.into_iter().map(file).collect(),
        sections: sections.into_iter().map(file).collect(),
    };
    (covers, errors)
}

/// The line of `file` (relative to `root`) where front matter sets `key`;
/// read again on the way to an error only.
fn key_line(root: &Path, file: &str, key: &str) -> Option<usize> {
    let text = std::fs::read_to_string(root.join(file)).ok()?;
    let split = crate::content::frontmatter::split(&text).ok()?;
    crate::content::frontmatter::key_line(split.front_matter, key)
        .map(|l| l + split.front_matter_line - 1)
}

/// Hand-written share texts (`[share] x = "…"`) longer than their network
/// allows, counted as the network counts them, with the link the kit adds
/// (docs/share.md): `share-text-too-long`, naming the network and the count.
pub(crate) fn share_texts(root: &Path, config: &Config, content: &Content) -> Vec<Diagnostic> {
    use crate::config::Network;
    use crate::seo::share::{Tracking, with_utm, written_over_limit, written_text};
    let mut out = Vec::new();
    for p in &content.pages {
        let Some(fm) = &p.fm.share else { continue };
        let url = crate::url::absolute(config.base(), &p.path);
        for n in Network::KIT_TEXTS {
            let Some(text) = written_text(fm, n) else {
                continue;
            };
            let link = with_utm(
                &url,
                n.key(),
                "social",
                Tracking::of(config.share_utm(), config.share.utm_campaign.as_deref()),
            );
            if let Some((count, limit)) = written_over_limit(n, text, &link) {
                let d = Diagnostic::warning(
                    "share-text-too-long",
                    format!(
                        "[share] {}: the text for {} is {count} characters long as {} counts it, over its limit of {limit}",
                        n.key(),
                        n.name(),
                        n.name()
                    ),
                )
                .file(p.file.rel.clone())
                .help(if crate::seo::share::takes_link(n) {
                    "shorten it: the count includes the page's link, which the share kit adds (docs/share.md says how each network counts)"
                } else {
                    "shorten it (docs/share.md says how each network counts)"
                });
                out.push(match key_line(root, &p.file.rel, n.key()) {
                    Some(line) => d.line(line),
                    None => d,
                });
            }
        }
    }
    out
}

/// The line of `file` where `[share.schedule]` sets `key` (or the table's
/// own line): `x` is also a key of `[share]`, so the search starts at the
/// table.
fn schedule_line(root: &Path, file: &str, key: &str) -> Option<usize> {
    let text = std::fs::read_to_string(root.join(file)).ok()?;
    let split = crate::content::frontmatter::split(&text).ok()?;
    let fm = split.front_matter;
    let start = fm.lines().position(|l| {
        let l = l.trim();
        l == "[share.schedule]" || l.starts_with("schedule:") || l.starts_with("schedule =")
    })?;
    let rest: String = fm.lines().skip(start + 1).collect::<Vec<_>>().join("\n");
    let line =
        crate::content::frontmatter::key_line(&rest, key).map_or(start + 1, |l| start + 1 + l);
    Some(line + split.front_matter_line - 1)
}

/// The publishing calendar's warnings (docs/share.md): two posts on the
/// same network less than an hour apart, naming both pages
/// (`share-schedule-crowded`); a post after its page's `publish_until`
/// (`share-schedule-after-unpublish`); a page with posts but no share
/// kit, whose posts then go without a picture (`share-schedule-without-kit`).
pub(crate) fn share_schedule(root: &Path, config: &Config, content: &Content) -> Vec<Diagnostic> {
    use crate::seo::plan::crowded;
    let tz = &config.timezone;
    let local = |t: jiff::Timestamp| {
        t.to_zoned(tz.tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut out = Vec::new();
    // Every post of the site: page, network, instant.
    let mut posts: Vec<(usize, crate::config::Network, jiff::Timestamp)> = Vec::new();
    for (i, p) in content.pages.iter().enumerate() {
        let Some(share) = &p.fm.share else { continue };
        let Some(schedule) = share.schedule.as_ref().filter(|s| !s.posts.is_empty()) else {
            continue;
        };
        posts.extend(schedule.instants().map(|(n, t)| (i, n, t)));
        let at = |d: Diagnostic, key: &str| match schedule_line(root, &p.file.rel, key) {
            Some(line) => d.line(line),
            None => d,
        };
        if share.kit == Some(false) || !config.share.kit {
            let why = if share.kit == Some(false) {
                "its front matter says [share] kit = false"
            } else {
                "blason.toml says [share] kit = false"
            };
            out.push(at(
                Diagnostic::warning(
                    "share-schedule-without-kit",
                    format!("the page has posts in [share.schedule] but no share kit ({why}): the publishing calendar lists them without a picture"),
                )
                .file(p.file.rel.clone())
                .help("remove `kit = false`, so the posts carry the kit's pictures"),
                "schedule",
            ));
        }
        if let Some(until) = p.fm.publish_until {
            // A day alone: the page stays until the end of that day.
            let end = match until.date_only {
                true => until
                    .date()
                    .tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned(tz.tz.clone()).ok())
                    .map_or(until.timestamp(tz), |z| z.timestamp()),
                false => until.timestamp(tz),
            };
            for (n, t) in schedule.instants() {
                if t >= end {
                    out.push(at(
                        Diagnostic::warning(
                            "share-schedule-after-unpublish",
                            format!(
                                "[share.schedule] {}: the post on {} at {} comes after the page leaves the site (publish_until = {})",
                                n.key(),
                                n.name(),
                                local(t),
                                until.iso()
                            ),
                        )
                        .file(p.file.rel.clone())
                        .help("post it earlier, or keep the page longer (publish_until)"),
                        n.key(),
                    ));
                }
            }
        }
    }
    let pairs: Vec<(crate::config::Network, jiff::Timestamp)> =
        posts.iter().map(|&(_, n, t)| (n, t)).collect();
    for (a, b) in crowded(&pairs) {
        let ((pa, n, ta), (pb, _, tb)) = (posts[a], posts[b]);
        let (first, second) = (&content.pages[pa], &content.pages[pb]);
        let other = if pa == pb {
            "another post of the same page".to_string()
        } else {
            format!("the post of {}", first.file.rel)
        };
        let d = Diagnostic::warning(
            "share-schedule-crowded",
            format!(
                "[share.schedule] {}: the post on {} at {} is less than an hour after {other} at {}",
                n.key(),
                n.name(),
                local(tb),
                local(ta)
            ),
        )
        .file(second.file.rel.clone())
        .help("space posts on one network at least an hour apart: the second buries the first in followers' feeds");
        out.push(match schedule_line(root, &second.file.rel, n.key()) {
            Some(line) => d.line(line),
            None => d,
        });
    }
    out
}

/// `@/page.md#anchor`: the anchor must be a heading of that page.
pub(crate) fn anchors(
    content: &Content,
    pages: &[Rendered],
    sections: &[Rendered],
) -> Result<(), Error> {
    // Each body's file name is made only for an error, and the table of
    // pages by file only once a link names an anchor: `serve` checks
    // every body at each save (10,000 names and entries, 4 ms on one
    // thread, for most sites' few anchors).
    let mut ids: Option<rustc_hash::FxHashMap<&str, &Rendered>> = None;
    let mut errors = Vec::new();
    let page_bodies = content
        .pages
        .iter()
        .zip(pages)
        .map(|(p, r)| (Source::Page(p.file.rel.as_str()), r));
    let section_bodies = content
        .sections
        .iter()
        .zip(sections)
        .map(|(s, r)| (Source::Section(s), r));
    for (file, r) in page_bodies.chain(section_bodies) {
        for link in &r.internal_links {
            let Some(anchor) = &link.anchor else {
                continue;
            };
            let ids = ids.get_or_insert_with(|| {
                let pages = content
                    .pages
                    .iter()
                    .zip(pages)
                    .map(|(p, r)| (p.file.content_rel.as_str(), r));
                let sections = content
                    .sections
                    .iter()
                    .zip(sections)
                    .filter_map(|(s, r)| Some((s.file.as_ref()?.content_rel.as_str(), r)));
                pages.chain(sections).collect()
            });
            let Some(known) = ids.get(link.target.trim_start_matches('/')) else {
                continue;
            };
            if !known.has_heading(anchor) {
                let known = known.heading_ids();
                let mut d = Diagnostic::error(
                    "broken-anchor",
                    format!(
                        "the link `@/{}#{anchor}` points to a heading that does not exist",
                        link.target
                    ),
                )
                .file(file.name())
                .at(link.line, link.column);
                d = match crate::error::suggest(anchor, known.iter().copied()) {
                    Some(s) => d.help(format!("did you mean #{s}?")),
                    None if known.is_empty() => {
                        d.help("that page has no headings; link to the page without #")
                    }
                    None => d.help(format!(
                        "the headings of that page are: {}",
                        known
                            .iter()
                            .map(|k| format!("#{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                errors.push(d);
            }
        }
    }
    Error::or_value(errors, ())
}

/// Where a body was written, named when it has an error.
enum Source<'a> {
    Page(&'a str),
    Section(&'a crate::content::Section),
}

impl Source<'_> {
    fn name(&self) -> String {
        match self {
            Source::Page(rel) => rel.to_string(),
            Source::Section(s) => s.source_name(),
        }
    }
}

fn is_local_ref(src: &str) -> bool {
    !(src.is_empty()
        || src.starts_with('#')
        || src.starts_with('/')
        || src.starts_with("@/")
        || src.starts_with("data:")
        || src.contains("://")
        || src.starts_with("mailto:")
        || src.starts_with("tel:"))
}

/// Images written in markdown with a relative path must exist beside the page.
pub(crate) fn local_refs(root: &Path, content: &Content, bodies: &[Rendered]) -> Result<(), Error> {
    let resolver = Resolver::new(root);
    let mut errors = Vec::new();
    for (p, r) in content.pages.iter().zip(bodies) {
        for img in &r.images {
            let src = img.src.split(['?', '#']).next().unwrap_or("");
            if !is_local_ref(src) {
                continue;
            }
            let decoded = percent_decode(src);
            match resolver.resolve(&p.dir, &decoded) {
                Ok((_, true)) => {}
                Ok((path, false)) => errors.push(
                    Diagnostic::error("missing-file", format!("the image `{src}` does not exist"))
                        .file(p.file.rel.clone())
                        .line(img.line)
                        .help(crate::paths::near_miss(&path).unwrap_or_else(|| {
                            "put the image in the page's folder (a page bundle), or fix its name"
                                .into()
                        })),
                ),
                Err(why) => errors.push(
                    Diagnostic::error("path-outside-site", format!("the image `{src}` {why}"))
                        .file(p.file.rel.clone())
                        .line(img.line),
                ),
            }
        }
    }
    Error::or_value(errors, ())
}

/// A path written in markdown, decoded (`mon%20plan.pdf`); as written when it
/// is not percent-encoding.
fn percent_decode(s: &str) -> String {
    crate::url::decode(s).unwrap_or_else(|| s.to_string())
}

/// Warnings: descriptions, unused bundle files.
pub(crate) fn content_warnings(
    content: &Content,
    bodies: &[Rendered],
    gallery_files: &HashSet<PathBuf>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, r) in content.pages.iter().zip(bodies) {
        if p.fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            out.push(
                Diagnostic::warning(
                    "title-missing",
                    format!("the page has no title; its address `{}` stands in for it", p.slug),
                )
                .file(p.file.rel.clone())
                .help("add title = \"...\": it is the page's heading, its title in the browser and on its social card"),
            );
        }
        match p.fm.description.as_deref().map(str::trim) {
            // Pages of a feed: `data` says it once for the feed.
            None | Some("") if p.origin.is_some() => {}
            None | Some("") => out.push(
                Diagnostic::warning("description-missing", "the page has no description")
                    .file(p.file.rel.clone())
                    .help("add description = \"...\": search engines and share previews show it (160 characters at most)"),
            ),
            Some(d) if d.chars().count() > 160 => out.push(
                Diagnostic::warning("description-too-long", format!("the description has {} characters; search engines cut it after 160", d.chars().count()))
                    .file(p.file.rel.clone())
                    .help("shorten it to 160 characters or fewer"),
            ),
            _ => {}
        }
        if p.bundle && !p.assets.is_empty() {
            let mut used: HashSet<PathBuf> = HashSet::new();
            if let Some(c) = &p.fm.cover {
                used.insert(crate::paths::normalize(&p.dir.join(c)));
            }
            if let Some(t) = p.fm.trail.as_ref().and_then(|t| t.file.as_ref()) {
                used.insert(crate::paths::normalize(&p.dir.join(t)));
            }
            for img in &r.images {
                used.insert(crate::paths::normalize(
                    &p.dir.join(percent_decode(&img.src)),
                ));
            }
            for l in &r.local_links {
                used.insert(crate::paths::normalize(&p.dir.join(percent_decode(l))));
            }
            for a in &p.assets {
                let name = a
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                if name == "gallery.toml" || used.contains(a) || gallery_files.contains(a) {
                    continue;
                }
                let is_track = a
                    .extension()
                    .and_then(|e| e.to_str())
                    .and_then(crate::geo::Format::of_extension)
                    .is_some_and(|f| {
                        f != crate::geo::Format::GeoJson || name.ends_with(".geojson")
                    });
                if is_track {
                    out.push(
                        Diagnostic::warning("trail-unused", format!("the track `{}` is in the page's folder but no `trail` names it", display_path(a, &p.dir)))
                            .file(p.file.rel.clone())
                            .help(format!("make the page a trail page with trail = \"{name}\", or remove the file: it is published as it is, with the times, device and names it may hold")),
                    );
                    continue;
                }
                out.push(
                    Diagnostic::warning("unused-file", format!("`{}` is in the page's folder but nothing uses it", display_path(a, &p.dir)))
                        .file(p.file.rel.clone())
                        .help("use it in the page (cover, image, link), or remove it: it is published all the same"),
                );
            }
        }
    }
    out
}

/// A photo page must not take the address of another page.
/// `[analytics]` in exempt mode needs a way for visitors to opt out: a
/// page with `{{ analytics_opt_out() }}` (docs/analytics.md).
pub(crate) fn analytics(
    config: &Config,
    pages: &[Rendered],
    sections: &[Rendered],
) -> Vec<Diagnostic> {
    let tracked = config
        .analytics
        .as_ref()
        .is_some_and(|a| a.exempt && a.tracker.is_some());
    if !tracked {
        return Vec::new();
    }
    // The opt-out is a shortcode's output: the bodies that call one are
    // read first. The others are read only when none of them has it (a
    // body held packed is read back to be searched).
    let has = |r: &&Rendered| r.html.text().contains("data-analytics-opt-out");
    let (calls, others): (Vec<&Rendered>, Vec<&Rendered>) = pages
        .iter()
        .chain(sections)
        .partition(|r| r.calls_shortcodes);
    let offered = calls.iter().any(has) || others.iter().any(has);
    if offered {
        return Vec::new();
    }
    vec![
        Diagnostic::warning(
            "analytics-no-opt-out",
            "the audience is measured under the CNIL's exemption, but no page lets visitors opt out",
        )
        .file("blason.toml")
        .help("add {{ analytics_opt_out() }} to the privacy page (docs/analytics.md); the exemption asks for it"),
    ]
}

pub(crate) fn photo_routes(
    content: &Content,
    model: &SiteModel,
    sets: &[PhotoPages],
) -> Result<(), Error> {
    let mut errors = Vec::new();
    for set in sets {
        for i in 0..set.photos.len() {
            let path = set.path(content, i);
            if let Some(r) = model.routes.get(&path) {
                errors.push(
                    Diagnostic::error(
                        "url-collision",
                        format!(
                            "the address {path} is wanted by both {} and a photo of its gallery",
                            r.source
                        ),
                    )
                    .file(content.pages[set.page].file.rel.clone())
                    .help("rename the photo file or the page"),
                );
            }
        }
    }
    Error::or_value(errors, ())
}

/// Every page's `[event]`, resolved; an impossible event is an error naming its page.
/// Every page's `[event]`, resolved (`None` for a page without one, or
/// whose event is impossible), and an error for each impossible one.
pub(crate) fn events(
    content: &Content,
    tz: &jiff::tz::TimeZone,
    clock: &crate::clock::Clock,
) -> (Vec<Option<EventTimes>>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    // On every thread: a region's agenda has tens of thousands of events.
    let resolved: Vec<Result<Option<EventTimes>, Diagnostic>> = content
        .pages
        .par_iter()
        .map(|p| {
            let Some(ev) = p.fm.event.as_ref() else {
                return Ok(None);
            };
            EventTimes::resolve(ev, tz, clock).map(Some).map_err(|why| {
                Diagnostic::error("event", format!("the [event] is not possible: {why}"))
                    .file(p.file.rel.clone())
                    .help("check start, end and rrule in [event]")
            })
        })
        .collect();
    let mut errors = Vec::new();
    let events = resolved
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        })
        .collect();
    (events, errors)
}

/// The agenda and the site-map page must not take a page's address.
pub(crate) fn theme_routes(
    config: &Config,
    content: &Content,
    model: &SiteModel,
    strings: &BTreeMap<String, Strings>,
) -> Result<(), Error> {
    let mut errors = Vec::new();
    for lang in config.all_languages() {
        let Some(st) = strings.get(lang) else {
            continue;
        };
        let agenda = routes::agenda(config, st, lang);
        let search = config
            .search
            .enable
            .then(|| (routes::search(config, st, lang), "the search page"));
        for (path, what) in [
            (routes::site_map(config, st, lang), "the site-map page"),
            (routes::community(config, st, lang), "the community page"),
        ]
        .into_iter()
        .chain(search)
        {
            if let Some(r) = model.routes.get(&path) {
                errors.push(
                    Diagnostic::error(
                        "url-collision",
                        format!(
                            "the address {path} is wanted by both {} and {what}",
                            r.source
                        ),
                    )
                    .help("rename the page (slug), or change the theme's site_map_slug, community_slug or search_slug string"),
                );
            }
        }
        // The publishing calendar, where a page of the language has posts.
        let plan = routes::plan(config, lang);
        let scheduled = content.pages.iter().any(|p| {
            p.lang == lang
                && p.fm
                    .share
                    .as_ref()
                    .and_then(|s| s.schedule.as_ref())
                    .is_some_and(|s| !s.posts.is_empty())
        });
        if let Some(r) = model.routes.get(&plan).filter(|_| scheduled) {
            errors.push(
                Diagnostic::error(
                    "url-collision",
                    format!(
                        "the address {plan} is wanted by both {} and the publishing calendar",
                        r.source
                    ),
                )
                .help("give the page another slug: the publishing calendar stands at /kit/plan/ (docs/share.md)"),
            );
        }
        // A section may stand at the agenda's address (it then shows the agenda); a page may not.
        if let Some(p) = content.pages.iter().find(|p| p.path == agenda) {
            errors.push(
                Diagnostic::error("url-collision", format!("the address {agenda} is wanted by both {} and the agenda", p.file.rel))
                    .file(p.file.rel.clone())
                    .help("make it a section (agenda/_index.md), which shows the agenda, or give the page another slug"),
            );
        }
    }
    Error::or_value(errors, ())
}

/// How far one language is translated: what `check --format json` and the
/// build report say under `translations`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LanguageCoverage {
    pub lang: String,
    /// The language's policy for what it has not translated (`link`,
    /// `leave-out`); none for the default language, which has everything.
    pub untranslated: Option<crate::config::Untranslated>,
    /// The default language's pages, and how many have this language's version.
    pub pages: Coverage,
    /// The default language's sections (with an `_index.md`), likewise.
    pub sections: Coverage,
    /// The default language's pages without this language's version.
    pub untranslated_pages: Vec<String>,
    /// Interface strings this language lacks (English is shown instead).
    pub missing_strings: Vec<String>,
    /// `@/` links from a page of this language to a page of another.
    pub links_to_other_languages: Vec<LinkAcross>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Coverage {
    pub translated: usize,
    pub total: usize,
}

/// An `@/` link that leads a reader out of the page's language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkAcross {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// As written, without the anchor: `tourisme/lac.md`.
    pub target: String,
    pub target_lang: String,
    /// The target's version in the linking page's language, when there is
    /// one (then the link should name it).
    pub translation: Option<String>,
}

/// Translation coverage per language, and a warning for each `@/` link to
/// another language's page when the page's own language has a version of it.
pub(crate) fn translations(
    config: &Config,
    content: &Content,
    pages: &[Rendered],
    strings: &BTreeMap<String, Strings>,
) -> (Vec<LanguageCoverage>, Vec<Diagnostic>) {
    let default = config.default_language.as_str();
    // (language, translation key) → the file written in that language.
    // Looked up only, never listed: hashed with FxHash (SipHash was most
    // of this check's time at each save of `serve`).
    let mut versions: rustc_hash::FxHashMap<(&str, &str), &str> = rustc_hash::FxHashMap::default();
    let mut by_file: rustc_hash::FxHashMap<&str, (&str, &str)> = rustc_hash::FxHashMap::default();
    // A site in one language has every page in it, and no link to another
    // language: neither table is needed (4 ms a save on 10,000 pages).
    let monolingual =
        config.languages.is_empty() && content.pages.iter().all(|p| p.lang == default);
    if !monolingual {
        versions.reserve(content.pages.len());
        by_file.reserve(content.pages.len());
        for p in &content.pages {
            versions.insert((&p.lang, &p.translation_key), &p.file.content_rel);
            by_file.insert(&p.file.content_rel, (&p.lang, &p.translation_key));
        }
    }
    let sections: rustc_hash::FxHashSet<(&str, &str)> = content
        .sections
        .iter()
        .filter(|s| s.file.is_some())
        .map(|s| (s.lang.as_str(), s.translation_key.as_str()))
        .collect();
    let mut warnings = Vec::new();
    let mut out = Vec::new();
    for lang in config.all_languages() {
        let mut cov = LanguageCoverage {
            lang: lang.to_string(),
            untranslated: (lang != default).then(|| config.untranslated(lang)),
            pages: Coverage::default(),
            sections: Coverage::default(),
            untranslated_pages: Vec::new(),
            missing_strings: Vec::new(),
            links_to_other_languages: Vec::new(),
        };
        for p in content.pages.iter().filter(|p| p.lang == default) {
            cov.pages.total += 1;
            if monolingual || versions.contains_key(&(lang, p.translation_key.as_str())) {
                cov.pages.translated += 1;
            } else {
                cov.untranslated_pages.push(p.file.rel.clone());
            }
        }
        for (l, key) in &sections {
            if *l == default {
                cov.sections.total += 1;
                cov.sections.translated += usize::from(sections.contains(&(lang, key)));
            }
        }
        if let Some(own) = strings.get(lang) {
            cov.missing_strings = own.missing.clone();
        }
        out.push(cov);
    }
    for (p, r) in content.pages.iter().zip(pages) {
        for link in &r.internal_links {
            let Some(&(target_lang, key)) = by_file.get(link.target.as_str()) else {
                continue;
            };
            if target_lang == p.lang {
                continue;
            }
            let translation = versions.get(&(p.lang.as_str(), key)).map(|f| f.to_string());
            if let Some(t) = &translation {
                warnings.push(
                    Diagnostic::warning(
                        "link-to-other-language",
                        format!(
                            "this page is in `{}` but its link @/{} leads to the `{target_lang}` version of that page",
                            p.lang, link.target
                        ),
                    )
                    .file(&p.file.rel)
                    .at(link.line, link.column)
                    .help(format!(
                        "write @/{t} instead, so that readers stay in their language"
                    )),
                );
            }
            if let Some(cov) = out.iter_mut().find(|c| c.lang == p.lang) {
                cov.links_to_other_languages.push(LinkAcross {
                    file: p.file.rel.clone(),
                    line: link.line,
                    column: link.column,
                    target: link.target.clone(),
                    target_lang: target_lang.to_string(),
                    translation,
                });
            }
        }
    }
    (out, warnings)
}

/// What `check` says of the pages made from tourism data feeds, one
/// warning per feed and kind of problem (a feed of 800 objects would bury
/// anything else under one line each): opening periods that all ended
/// (stale hours are what visitors complain about most), events over but
/// still published, objects without a photo or a description, types blason
/// does not know (shown as generic places), and one object in two feeds.
pub(crate) fn data(
    config: &Config,
    content: &Content,
    events: &[Option<EventTimes>],
    clock: &crate::clock::Clock,
) -> Vec<Diagnostic> {
    if config.data.is_empty() {
        return Vec::new();
    }
    let today = clock.today(&config.timezone.tz);
    // (feed file, code) -> names of the objects.
    let mut found: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
    let mut twins: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    for (i, p) in content.pages.iter().enumerate() {
        let Some(o) = &p.origin else { continue };
        if p.lang != config.default_language {
            continue;
        }
        let feed = config
            .data
            .iter()
            .find(|d| d.format == o.format && o.file.starts_with(&*d.path.to_string_lossy()))
            .map_or_else(
                || o.file.clone(),
                |d| d.path.to_string_lossy().replace('\\', "/"),
            );
        let name = format!("{} ({})", p.title(), o.id);
        let mut note = |code: &'static str| {
            found
                .entry((feed.clone(), code))
                .or_default()
                .push(name.clone());
        };
        if p.fm.cover.is_none() {
            note("data-no-image");
        }
        if p.fm.description.is_none() && p.body.text().trim().is_empty() {
            note("data-no-description");
        }
        if o.category == crate::config::Category::Other {
            note("data-unknown-type");
        }
        if let Some(place) = &p.fm.place
            && !place.hours.is_empty()
            && place.hours.iter().all(|h| h.ended_before(today))
        {
            note("data-hours-ended");
        }
        if let Some(Some(t)) = events.get(i)
            && !t.upcoming()
        {
            note("data-event-past");
        }
        let commune = o.commune.as_deref().map(crate::content::collation_key);
        twins
            .entry((
                crate::content::collation_key(p.title()),
                commune.unwrap_or_default(),
            ))
            .or_default()
            .push((feed.clone(), name.clone()));
    }
    for list in twins.into_values() {
        let feeds: HashSet<&str> = list.iter().map(|(f, _)| f.as_str()).collect();
        if feeds.len() > 1 {
            for (feed, name) in &list {
                found
                    .entry((feed.clone(), "data-duplicate"))
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    let mut out = Vec::new();
    for ((feed, code), mut names) in found {
        names.sort();
        let n = names.len();
        let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
        let more = if n > shown.len() {
            format!(" and {} more", n - shown.len())
        } else {
            String::new()
        };
        let list = format!("{}{more}", shown.join(", "));
        let (objects, have) = if n == 1 {
            ("object", "has")
        } else {
            ("objects", "have")
        };
        let (message, help) = match code {
            "data-no-image" => (
                format!("{n} {objects} of the feed {have} no photo that may be published: {list}"),
                "add photos in the information system, or run `blason sync` to download them",
            ),
            "data-no-description" => (
                format!("{n} {objects} of the feed {have} no description: {list}"),
                "write a description in the information system, or attach a markdown page with data_id",
            ),
            "data-unknown-type" => (
                format!(
                    "{n} {objects} of the feed have a type blason does not know, shown as a place: {list}"
                ),
                "give them a page with data_id to say more, or choose their folder with [[data]] sections.other",
            ),
            "data-hours-ended" => (
                format!(
                    "the opening periods of {n} {objects} have all ended (their pages show the last one, with its dates): {list}"
                ),
                "ask the places for this season's hours: stale hours are what visitors complain about most",
            ),
            "data-event-past" => (
                format!("{n} {objects} are events that are over but still published: {list}"),
                "the next `blason sync` may drop them; remove them from the feed's selection",
            ),
            _ => (
                format!("{n} {objects} appear in two feeds (same name and commune): {list}"),
                "keep each object in one feed, or leave one feed's copy out of its selection",
            ),
        };
        out.push(Diagnostic::warning(code, message).file(feed).help(help));
    }
    out
}

/// Two points of a track further apart than this: a gap, metres.
pub(crate) const TRACK_GAP_M: f64 = 1000.0;
/// Two points whose elevations differ by this much or more, and by more
/// than the distance between them (a slope over 100 %, 45°, that no
/// one walks or rides): a jump, metres. A terrain model's error or a GPS
/// without a fix writes such jumps; a sparse track on a real climb (300 m
/// between points a kilometre apart) does not.
pub(crate) const TRACK_JUMP_M: f64 = 100.0;

/// What a track says of its own quality, once per track file: a segment
/// of a single point, gaps over [`TRACK_GAP_M`] inside a segment (the
/// device lost its fix, or two trails were joined), elevation jumps (see
/// [`TRACK_JUMP_M`]), and a feed's declared distance far from the
/// measured one ([`DISTANCE_TOLERANCE`]). Each names the track file and
/// where along the track the first problem is.
///
/// [`DISTANCE_TOLERANCE`]: crate::content::trail::DISTANCE_TOLERANCE
pub(crate) fn tracks(content: &Content) -> Vec<Diagnostic> {
    use crate::geo::figures::haversine;
    let mut out = Vec::new();
    let mut seen: HashSet<(&str, *const crate::geo::Track)> = HashSet::new();
    for p in &content.pages {
        let Some(trail) = p.trail.as_deref() else {
            continue;
        };
        // Translations share their track; a feed's file holds many.
        if !seen.insert((trail.file.as_str(), std::sync::Arc::as_ptr(&trail.track))) {
            continue;
        }
        let what = match &p.origin {
            Some(o) => format!("the track of `{}`", o.id),
            None => "the track".to_string(),
        };
        let km = |m: f64| format!("{:.1} km", m / 1000.0);
        let (mut lone, mut gaps, mut jumps) = (0usize, Vec::new(), Vec::new());
        let mut along = 0.0;
        for seg in &trail.track.segments {
            if seg.len() == 1 {
                lone += 1;
            }
            for pair in seg.windows(2) {
                let d = haversine(&pair[0], &pair[1]);
                if d > TRACK_GAP_M {
                    gaps.push((along, d));
                }
                if let (Some(a), Some(b)) = (pair[0].ele, pair[1].ele) {
                    let rise = (b - a).abs();
                    if rise >= TRACK_JUMP_M && rise > d {
                        jumps.push((along + d, rise, d));
                    }
                }
                along += d;
            }
        }
        let warn = |code: &'static str, message: String, help: &str| {
            Diagnostic::warning(code, message)
                .file(trail.file.clone())
                .help(help.to_string())
        };
        if lone > 0 {
            out.push(warn(
                "trail-lone-point",
                format!(
                    "{what} has {lone} segment{} of a single point: not drawn, not counted",
                    if lone == 1 { "" } else { "s" }
                ),
                "remove the stray point in a GPS editor, or join it to the track",
            ));
        }
        if let Some(&(at, d)) = gaps.first() {
            out.push(warn(
                "trail-gap",
                format!(
                    "{what} jumps {} between two points after {} ({} gap{} over {} m in all)",
                    km(d),
                    km(at),
                    gaps.len(),
                    if gaps.len() == 1 { "" } else { "s" },
                    TRACK_GAP_M
                ),
                "the device lost its position, or two tracks were joined: draw the missing part, or split the track into segments",
            ));
        }
        if let Some(&(at, rise, d)) = jumps.first() {
            out.push(warn(
                "trail-elevation-jump",
                format!(
                    "{what}'s elevation jumps {rise:.0} m in {d:.0} m after {} ({} such jump{})",
                    km(at),
                    jumps.len(),
                    if jumps.len() == 1 { "" } else { "s" }
                ),
                "the elevations are wrong there (a GPS without a fix, a terrain model's hole): correct them, or remove the elevations of those points",
            ));
        }
        if let Some(declared) = trail.declared_m {
            let gap = (trail.measured_m - declared) / declared;
            if gap.abs() > crate::content::trail::DISTANCE_TOLERANCE {
                out.push(warn(
                    "trail-distance-mismatch",
                    format!(
                        "{what} measures {} but the feed declares {} ({:+.0} %)",
                        km(trail.measured_m),
                        km(declared),
                        gap * 100.0
                    ),
                    "the page shows the declared distance: check that the track is the trail's whole track, and tell the feed's producer",
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::LoadOptions;
    use crate::testing::site;

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_782_864_000).unwrap()
    }

    /// The site at `root`, loaded, with its model.
    fn load(root: &Path) -> (Config, Content, SiteModel) {
        let config = Config::load(root).unwrap();
        let opts = LoadOptions {
            drafts: false,
            clock: crate::clock::Clock::new(now()),
            keep_going: false,
        };
        let content = crate::content::load(root, &config, opts, None).unwrap();
        let (model, errors) = crate::content::site::build(&content, &config);
        assert!(errors.is_empty(), "{errors:?}");
        (config, content, model)
    }

    /// Every page's body as rendered markdown (no shortcodes, no images).
    fn bodies(content: &Content) -> Vec<Rendered> {
        struct Plain;
        impl crate::markdown::RenderContext for Plain {
            fn resolve_link(&self, _: &str) -> Option<String> {
                Some("/".into())
            }
            fn shortcode(
                &self,
                _: &crate::markdown::shortcode::Call,
            ) -> Result<String, crate::markdown::ShortcodeError> {
                Ok(String::new())
            }
        }
        let opts = crate::markdown::MarkdownOptions {
            typography: crate::config::Typography::PLAIN,
            external_links_new_tab: false,
            raw_html: crate::config::RawHtml::Sanitize,
            site_host: "www.x.fr",
            anchor_links: crate::markdown::AnchorLinks::None,
        };
        content
            .pages
            .iter()
            .map(|p| crate::markdown::render(&p.body.text(), p.body_line, &opts, &Plain).unwrap())
            .collect()
    }

    #[test]
    fn an_anchor_must_be_a_heading_of_the_page_it_points_to() {
        let dir = site(&[
            (
                "content/a.md",
                "+++\ntitle = \"A\"\n+++\n## Horaires d'été\n",
            ),
            (
                "content/b.md",
                "+++\ntitle = \"B\"\n+++\n[ok](@/a.md#horaires-d-ete) [typo](@/a.md#horaire-d-ete)\n",
            ),
        ]);
        let (_, content, _) = load(dir.path());
        let md = bodies(&content);
        let err = anchors(&content, &md, &[Rendered::default()]).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(err.diagnostics().len(), 1, "{err}");
        assert_eq!(
            (d.code, d.file.as_deref()),
            ("broken-anchor", Some("content/b.md"))
        );
        assert_eq!(d.help.as_deref(), Some("did you mean #horaires-d-ete?"));
    }

    #[test]
    fn covers_must_exist_inside_the_site() {
        let dir = site(&[
            (
                "content/a.md",
                "+++\ntitle = \"A\"\ncover = \"a.jpg\"\n+++\n",
            ),
            (
                "content/b.md",
                "+++\ntitle = \"B\"\ncover = \"../../b.jpg\"\n+++\n",
            ),
        ]);
        let (_, content, _) = load(dir.path());
        let a = content
            .pages
            .iter()
            .position(|p| p.file.rel == "content/a.md")
            .unwrap();
        let b = content
            .pages
            .iter()
            .position(|p| p.file.rel == "content/b.md")
            .unwrap();
        let code = |d: Vec<Diagnostic>| d.iter().map(|d| d.code).collect::<Vec<_>>();
        let (covers, errors) = files(dir.path(), &content);
        assert_eq!(code(errors), ["missing-file", "path-outside-site"]);
        assert_eq!((covers.page(a), covers.page(b)), (None, None));
        crate::testing::write(dir.path(), "content/a.jpg", "x");
        let (covers, errors) = files(dir.path(), &content);
        assert_eq!(code(errors), ["path-outside-site"]);
        // The file found is the one every later stage is given.
        assert_eq!(
            covers.page(a),
            Some(dir.path().join("content/a.jpg").as_path())
        );
        assert_eq!(covers.page(b), None);
    }

    #[test]
    fn a_page_may_not_stand_at_the_agenda_or_the_site_map() {
        let dir = site(&[
            ("content/agenda.md", "+++\ntitle = \"Agenda\"\n+++\n"),
            (
                "content/plan.md",
                "+++\ntitle = \"Plan\"\nslug = \"plan-du-site\"\n+++\n",
            ),
        ]);
        let (config, content, model) = load(dir.path());
        let theme = crate::theme::Theme::load(dir.path(), &config.theme).unwrap();
        let strings: BTreeMap<String, Strings> = [(
            "fr".to_string(),
            Strings::load(&theme, dir.path(), "fr").unwrap(),
        )]
        .into();
        let err = theme_routes(&config, &content, &model, &strings).unwrap_err();
        let messages: Vec<&str> = err
            .diagnostics()
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("/plan-du-site/") && m.contains("site-map"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("/agenda/") && m.contains("the agenda"))
        );
    }

    #[test]
    fn a_page_may_not_stand_at_the_publishing_calendar_once_there_is_one() {
        let page = "+++\ntitle = \"Plan\"\nslug = \"plan\"\n+++\n";
        let lac = "+++\ntitle = \"Lac\"\n[share.schedule]\nx = 2027-06-12T09:00:00+02:00\n+++\n";
        let run = |files: &[(&str, &str)]| {
            let dir = site(files);
            let (config, content, model) = load(dir.path());
            let theme = crate::theme::Theme::load(dir.path(), &config.theme).unwrap();
            let strings: BTreeMap<String, Strings> = [(
                "fr".to_string(),
                Strings::load(&theme, dir.path(), "fr").unwrap(),
            )]
            .into();
            theme_routes(&config, &content, &model, &strings)
        };
        // No post: the address is free.
        assert!(run(&[("content/kit/plan.md", page)]).is_ok());
        let err = run(&[
            ("content/kit/plan.md", page),
            ("content/tourisme/lac.md", lac),
        ])
        .unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.code, "url-collision");
        assert!(
            d.message.contains("/kit/plan/") && d.message.contains("publishing calendar"),
            "{d:?}"
        );
    }

    #[test]
    fn descriptions_and_unused_bundle_files_are_warnings() {
        let long = "x".repeat(161);
        let dir = site(&[
            ("content/a.md", "+++\ntitle = \"A\"\n+++\n"),
            (
                "content/b.md",
                &format!("+++\ntitle = \"B\"\ndescription = \"{long}\"\n+++\n"),
            ),
            (
                "content/c/index.md",
                "+++\ntitle = \"C\"\ndescription = \"C.\"\n+++\n[plan](plan.pdf)\n",
            ),
            ("content/c/plan.pdf", "%PDF"),
            ("content/c/oubli.pdf", "%PDF"),
        ]);
        let (_, content, _) = load(dir.path());
        let w = content_warnings(&content, &bodies(&content), &HashSet::new());
        let found: Vec<(&str, &str)> = w
            .iter()
            .map(|d| (d.code, d.file.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            found,
            [
                ("description-missing", "content/a.md"),
                ("description-too-long", "content/b.md"),
                ("unused-file", "content/c/index.md"),
            ]
        );
        assert!(w[2].message.contains("oubli.pdf"), "{}", w[2].message);
    }

    #[test]
    fn tracks_with_stray_points_gaps_and_jumps_and_unused_tracks_are_warnings() {
        // Points 111 m apart, then 2.2 km, an elevation jump of 400 m in
        // 111 m, and a segment of one point.
        let gpx = r#"<gpx><trk><trkseg>
<trkpt lat="46.600" lon="5.9"><ele>800</ele></trkpt>
<trkpt lat="46.601" lon="5.9"><ele>805</ele></trkpt>
<trkpt lat="46.621" lon="5.9"><ele>900</ele></trkpt>
<trkpt lat="46.622" lon="5.9"><ele>1300</ele></trkpt>
<trkpt lat="46.623" lon="5.9"><ele>1302</ele></trkpt>
</trkseg><trkseg><trkpt lat="46.7" lon="5.9"/></trkseg></trk></gpx>"#;
        let clean = r#"<gpx><trk><trkseg><trkpt lat="46.6" lon="5.9"><ele>800</ele></trkpt><trkpt lat="46.601" lon="5.9"><ele>850</ele></trkpt></trkseg></trk></gpx>"#;
        let dir = site(&[
            (
                "content/t/index.md",
                "+++\ntitle = \"T\"\ndescription = \"T.\"\ntrail = \"t.gpx\"\n+++\n",
            ),
            ("content/t/t.gpx", gpx),
            ("content/t/old.gpx", clean),
            (
                "content/u/index.md",
                "+++\ntitle = \"U\"\ndescription = \"U.\"\ntrail = \"u.gpx\"\n+++\n",
            ),
            ("content/u/u.gpx", clean),
        ]);
        let (_, content, _) = load(dir.path());
        let w = tracks(&content);
        let found: Vec<(&str, &str)> = w
            .iter()
            .map(|d| (d.code, d.file.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            found,
            [
                ("trail-lone-point", "content/t/t.gpx"),
                ("trail-gap", "content/t/t.gpx"),
                ("trail-elevation-jump", "content/t/t.gpx"),
            ]
        );
        assert!(
            w[1].message
                .contains("jumps 2.2 km between two points after 0.1 km"),
            "{}",
            w[1].message
        );
        assert!(
            w[2].message.contains("jumps 400 m in 111 m after 2.4 km"),
            "{}",
            w[2].message
        );
        let unused = content_warnings(&content, &bodies(&content), &HashSet::new());
        let found: Vec<(&str, &str)> = unused
            .iter()
            .map(|d| (d.code, d.file.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(found, [("trail-unused", "content/t/index.md")]);
        assert!(
            unused[0].message.contains("old.gpx"),
            "{}",
            unused[0].message
        );
    }

    #[test]
    fn an_impossible_event_names_its_page() {
        let dir = site(&[(
            "content/f.md",
            "+++\ntitle = \"F\"\n[event]\nstart = 2026-08-14T21:00:00+02:00\nend = 2026-08-13T21:00:00+02:00\n+++\n",
        )]);
        let (config, content, _) = load(dir.path());
        let (resolved, errors) =
            events(&content, &config.timezone, &crate::clock::Clock::new(now()));
        assert!(resolved[0].is_none());
        let d = &errors[0];
        assert_eq!((d.code, d.file.as_deref()), ("event", Some("content/f.md")));
        assert!(d.message.contains("ends"), "{}", d.message);
    }

    #[test]
    fn hand_written_share_texts_over_their_network_limit_are_named_with_the_count() {
        // The link the kit adds: https://www.x.fr/tourisme/lac/?utm_source=…&utm_medium=social
        let page = |x: usize| {
            format!(
                "+++\ntitle = \"Lac\"\n[share]\ntext = \"{}\"\nx = \"{}\"\nbluesky = \"{}\"\nmastodon = \"Court\"\n+++\n",
                "b".repeat(900),
                "a".repeat(x),
                "🌅".repeat(280)
            )
        };
        let run = |x: usize| {
            let dir = site(&[("content/tourisme/lac.md", &page(x))]);
            let (config, content, _) = load(dir.path());
            share_texts(dir.path(), &config, &content)
        };
        // X: 256 characters, a line break, the link as 23: 280, not over.
        // Bluesky: 280 graphemes, a line break and the link as written.
        // `text` is not measured: composed texts are cut to fit.
        let warnings = run(256);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let link = "https://www.x.fr/tourisme/lac/?utm_source=bluesky&utm_medium=social";
        assert_eq!(warnings[0].code, "share-text-too-long");
        assert_eq!(
            warnings[0].message,
            format!(
                "[share] bluesky: the text for Bluesky is {} characters long as Bluesky counts it, over its limit of 300",
                280 + 1 + link.len()
            )
        );
        assert_eq!(warnings[0].file.as_deref(), Some("content/tourisme/lac.md"));
        assert_eq!(warnings[0].line, Some(6), "the line of `bluesky =`");
        let warnings = run(257);
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings[0]
                .message
                .starts_with("[share] x: the text for X is 281 characters"),
            "{}",
            warnings[0].message
        );
        assert_eq!(warnings[0].line, Some(5));
    }

    #[test]
    fn posts_crowded_on_a_network_or_after_unpublishing_are_named() {
        let dir = site(&[
            (
                "content/tourisme/lac.md",
                "+++\ntitle = \"Lac\"\npublish_until = 2027-06-12\n[share]\nx = \"Texte\"\n[share.schedule]\nx = 2027-06-12T18:00:00+02:00\ninstagram = [2027-06-12T09:00:00+02:00, 2027-06-13T00:30:00+02:00]\n+++\n",
            ),
            (
                "content/tourisme/fete.md",
                "+++\ntitle = \"Fête\"\n[share]\nkit = true\n[share.schedule]\nfacebook = 2027-06-12T18:00:00+02:00\nx = 2027-06-12T18:45:00+02:00\n+++\n",
            ),
        ]);
        let (mut config, content, _) = load(dir.path());
        config.share.kit = true;
        let warnings = share_schedule(dir.path(), &config, &content);
        let codes: Vec<(&str, Option<&str>, Option<usize>)> = warnings
            .iter()
            .map(|w| (w.code, w.file.as_deref(), w.line))
            .collect();
        assert_eq!(
            codes,
            [
                (
                    "share-schedule-after-unpublish",
                    Some("content/tourisme/lac.md"),
                    Some(8)
                ),
                (
                    "share-schedule-crowded",
                    Some("content/tourisme/fete.md"),
                    Some(7)
                ),
            ],
            "{warnings:?}"
        );
        assert_eq!(
            warnings[0].message,
            "[share.schedule] instagram: the post on Instagram at 2027-06-13 00:30 comes after the page leaves the site (publish_until = 2027-06-12)"
        );
        let crowded = &warnings[1].message;
        assert!(
            crowded.contains("the post on X at 2027-06-12 18:45")
                && crowded.contains("content/tourisme/lac.md")
                && crowded.contains("2027-06-12 18:00"),
            "{crowded}"
        );
        // No kit: the posts go without a picture, and check says so.
        config.share.kit = false;
        let warnings = share_schedule(dir.path(), &config, &content);
        assert_eq!(
            warnings
                .iter()
                .filter(|w| w.code == "share-schedule-without-kit")
                .count(),
            2
        );
        // An hour apart exactly is not crowded.
        let dir = site(&[(
            "content/a.md",
            "+++\ntitle = \"A\"\n[share.schedule]\nx = [2027-06-12T18:00:00+02:00, 2027-06-12T17:00:00Z]\n+++\n",
        )]);
        let (config, content, _) = load(dir.path());
        let warnings = share_schedule(dir.path(), &config, &content);
        assert!(
            warnings
                .iter()
                .all(|w| w.code == "share-schedule-without-kit"),
            "{warnings:?}"
        );
    }
}
