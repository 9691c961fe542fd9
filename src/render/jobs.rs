//! The site's files, job by job: every page, listing, redirect, feed,
//! calendar and share kit, rendered from the views.
//!
//! [`plan_jobs`] lists what to make; [`render_job`] makes one job's files and
//! returns them (path in the output, bytes), so the pipeline decides where
//! they go. Every HTML job also gets `seo` (what Open Graph, X cards and the
//! canonical link need, with the page's social card, asked for here) and
//! `jsonld` (schema.org data) in its context, and pages their `share` bar.

use std::collections::HashMap;

use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::content::Content;
use crate::content::event::EventTimes;
use crate::content::frontmatter::EventStatus;
use crate::content::site::{ListingKind, SiteModel};
use crate::error::Diagnostic;
use crate::media::ImagePipeline;
use crate::media::card::{CARD_BUDGET, CARD_SIZE, CardSpec, CardStudio, KIT_BUDGET, stem_of};
use crate::output::file_for;
use crate::render::Renderer;
use crate::render::community::CommunityViews;
use crate::render::routes;
use crate::render::views::{
    CoverView, NavItem, PaginatorView, TranslationView, ViewSource, full_page_value,
    language_links, listing_value,
};
use crate::seo::share::{ShareInput, kit_texts, share_view, with_utm};
use crate::seo::{feed, ics, jsonld};
use crate::theme::Strings;
use crate::url::absolute;

/// One piece of work of the render stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Page(usize),
    Section {
        section: usize,
        pager: usize,
    },
    Listing {
        listing: usize,
        pager: usize,
    },
    TaxonomyIndex(usize),
    AudiencesIndex(String),
    /// The agenda page of a language (when no section sits at its address).
    Agenda(String),
    /// The site-map page of a language.
    SiteMap(String),
    Alias {
        from: String,
        to: String,
    },
    NotFound,
    /// A template rendered to a file of the same name (the theme's brand.css).
    Asset(String),
    /// The .ics file of an event page.
    PageCalendar(usize),
    /// `/agenda.ics` of a language.
    AgendaCalendar(String),
    /// The Atom feed of a section (the home section's is the site's).
    Feed(usize),
    /// A photo's own page: set of photo pages, photo index.
    Photo {
        set: usize,
        index: usize,
    },
    /// The share kit of a page, at `<page-url>kit/`.
    Kit(usize),
    /// The page that asks a visitor for their Mastodon instance.
    MastodonShare,
    /// The community page of a language: all posts, or one tag's.
    Community {
        lang: String,
        tag: Option<String>,
    },
}

/// The formats of a share kit: name, width, height, networks that use it.
pub const KIT_FORMATS: [(&str, u32, u32, &str); 5] = [
    ("square", 1080, 1080, "Instagram, Facebook"),
    ("portrait", 1080, 1350, "Instagram"),
    ("story", 1080, 1920, "Stories, Reels, TikTok"),
    ("landscape", 1200, 630, "Facebook, LinkedIn, X"),
    ("wide", 1600, 900, "X, Bluesky, Mastodon"),
];

/// A kit's zip, made once its images are drawn: path in the output, files
/// (name in the zip, card file in the output), and small files (name, bytes).
#[derive(Debug, Clone)]
pub struct KitZip {
    pub path: String,
    pub images: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Templates rendered to files of the same name, when the theme has them.
pub const ASSET_TEMPLATES: [&str; 1] = ["brand.css"];

/// How many upcoming events the home page gets as `agenda`.
const EVENTS_ON_HOME: usize = 3;
/// How many pages with a cover the home page's photos block shows.
const PHOTOS_ON_HOME: usize = 6;
/// Community posts on the home page and on each pillar page.
const POSTS_ON_HOME: usize = 6;
const POSTS_ON_PILLAR: usize = 3;

/// Upcoming and past events of one language.
#[derive(Debug, Default, Clone)]
pub struct Agenda {
    /// Soonest first.
    pub upcoming: Vec<usize>,
    /// Most recent first.
    pub past: Vec<usize>,
}

/// Builds each language's agenda from the resolved events.
pub fn agendas(
    config: &Config,
    content: &Content,
    events: &[Option<EventTimes>],
) -> HashMap<String, Agenda> {
    let mut out: HashMap<String, Agenda> = HashMap::new();
    for lang in config.all_languages() {
        let mut a = Agenda::default();
        for (i, p) in content.pages.iter().enumerate() {
            if p.lang != lang {
                continue;
            }
            if let Some(t) = &events[i] {
                if t.upcoming() {
                    a.upcoming.push(i)
                } else {
                    a.past.push(i)
                }
            }
        }
        let key = |i: &usize| events[*i].as_ref().map(|t| t.sort_key());
        a.upcoming
            .sort_by(|x, y| key(x).cmp(&key(y)).then(x.cmp(y)));
        a.past.sort_by(|x, y| key(y).cmp(&key(x)).then(x.cmp(y)));
        out.insert(lang.to_string(), a);
    }
    out
}

fn prefix(config: &Config, lang: &str) -> String {
    config.lang_prefix(lang)
}

fn pagers(count: usize, per_page: usize) -> usize {
    if per_page == 0 {
        1
    } else {
        count.div_ceil(per_page).max(1)
    }
}

/// Everything a job reads.
#[derive(Clone, Copy)]
pub struct RenderInputs<'a> {
    /// The photos with a page of their own.
    pub photo_pages: &'a [crate::render::views::PhotoPages],
    pub views: &'a ViewSource<'a>,
    /// Each page's summary view, made once.
    pub summaries: &'a [tera::Value],
    /// The most recent dated pages of each language.
    pub latest: &'a HashMap<String, Vec<usize>>,
    pub agendas: &'a HashMap<String, Agenda>,
    pub renderer: &'a Renderer,
    pub config: &'a Config,
    pub content: &'a Content,
    pub model: &'a SiteModel,
    pub events: &'a [Option<EventTimes>],
    pub tz: &'a jiff::tz::TimeZone,
    pub strings: &'a std::collections::BTreeMap<String, Strings>,
    /// Social cards and kit images (None when `[cards]` and kits are off).
    pub cards: Option<&'a CardStudio>,
    pub images: &'a ImagePipeline,
    /// Warnings found while rendering (a card title cut).
    pub warnings: &'a std::sync::Mutex<Vec<Diagnostic>>,
    /// Kit zips to make after drawing.
    pub kits: &'a std::sync::Mutex<Vec<KitZip>>,
    /// Published community posts.
    pub community: &'a CommunityViews,
}

/// Lists every job of the render stage.
/// The pages whose bodies a job shows (in summaries or whole), when those
/// and the site's front matter are all its output depends on; `None` for
/// jobs that read more (the home page's blocks, agendas, indexes).
pub fn listed_pages(job: &Job, inputs: &RenderInputs<'_>) -> Option<Vec<usize>> {
    let (content, model) = (inputs.content, inputs.model);
    let of_section = |si: usize| match model.merged_sections.get(&si) {
        Some(&l) => model.listings[l].pages.clone(),
        None => content.sections[si].pages.clone(),
    };
    match job {
        Job::Section { section, .. } if !content.sections[*section].is_home() => {
            Some(of_section(*section))
        }
        Job::Listing { listing, .. } => Some(model.listings[*listing].pages.clone()),
        Job::Feed(si) if !content.sections[*si].is_home() => Some(of_section(*si)),
        _ => None,
    }
}

/// Whether `job` shows other pages' HTML (a feed, a photo's page): such
/// jobs run before the pages' own, which take their HTML ([`PageHtml`]).
///
/// [`PageHtml`]: crate::render::views::PageHtml
pub fn reads_page_html(job: &Job) -> bool {
    matches!(job, Job::Feed(_) | Job::Photo { .. })
}

/// The error for a page's HTML asked for after its own output took it: a
/// job missing from [`reads_page_html`].
fn released(p: &crate::content::Page) -> Diagnostic {
    Diagnostic::error(
        "internal",
        "the page's HTML was asked for after its own output was made",
    )
    .file(p.file.rel.clone())
    .help("this is a bug in blason: please report it with the site")
}

pub fn plan_jobs(inputs: &RenderInputs<'_>, assets: &[&str]) -> Vec<Job> {
    let RenderInputs {
        config,
        content,
        model,
        ..
    } = *inputs;
    let mut jobs = Vec::new();
    jobs.extend((0..content.pages.len()).map(Job::Page));
    for (i, s) in content.sections.iter().enumerate() {
        if s.fm.render == Some(false) {
            continue;
        }
        let count = match model.merged_sections.get(&i) {
            Some(&l) => model.listings[l].pages.len(),
            None => s.pages.len(),
        };
        for pager in 0..pagers(count, s.fm.paginate_by) {
            jobs.push(Job::Section { section: i, pager });
        }
        if s.fm.generate_feeds != Some(false) && s.fm.redirect_to.is_none() {
            jobs.push(Job::Feed(i));
        }
    }
    for (l, listing) in model.listings.iter().enumerate() {
        if listing.section.is_some() {
            continue;
        }
        let per = if matches!(listing.kind, ListingKind::Term { .. }) {
            config.paginate_taxonomies
        } else {
            0
        };
        for pager in 0..pagers(listing.pages.len(), per) {
            jobs.push(Job::Listing { listing: l, pager });
        }
    }
    jobs.extend((0..model.taxonomies.len()).map(Job::TaxonomyIndex));
    for lang in config.all_languages() {
        if !config.audiences.is_empty() {
            jobs.push(Job::AudiencesIndex(lang.to_string()));
        }
        let has_events = inputs
            .agendas
            .get(lang)
            .is_some_and(|a| !a.upcoming.is_empty() || !a.past.is_empty());
        if has_events {
            if let Some(st) = inputs.strings.get(lang) {
                let path = routes::agenda(config, st, lang);
                if !content.sections.iter().any(|s| s.path == path) {
                    jobs.push(Job::Agenda(lang.to_string()));
                }
            }
            jobs.push(Job::AgendaCalendar(lang.to_string()));
        }
        jobs.push(Job::SiteMap(lang.to_string()));
        if !inputs.community.is_empty() {
            jobs.push(Job::Community {
                lang: lang.to_string(),
                tag: None,
            });
            jobs.extend(
                inputs
                    .community
                    .tags()
                    .into_iter()
                    .map(|tag| Job::Community {
                        lang: lang.to_string(),
                        tag: Some(tag.to_string()),
                    }),
            );
        }
    }
    jobs.extend(
        inputs
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_some())
            .map(|(i, _)| Job::PageCalendar(i)),
    );
    for (from, to) in &model.aliases {
        jobs.push(Job::Alias {
            from: from.clone(),
            to: to.clone(),
        });
    }
    for (set, pages) in inputs.photo_pages.iter().enumerate() {
        jobs.extend((0..pages.photos.len()).map(|index| Job::Photo { set, index }));
    }
    if config.share.kit && inputs.cards.is_some() {
        jobs.extend((0..content.pages.len()).map(Job::Kit));
    }
    if config.share.networks.iter().any(|n| n == "mastodon") {
        jobs.push(Job::MastodonShare);
    }
    jobs.push(Job::NotFound);
    jobs.extend(assets.iter().map(|a| Job::Asset(a.to_string())));
    jobs
}

fn paginate(
    all: &[usize],
    per_page: usize,
    pager: usize,
    base_path: &str,
    paginate_path: &str,
    base_url: &str,
) -> (Vec<usize>, Option<PaginatorView>, String) {
    if per_page == 0 {
        return (all.to_vec(), None, base_path.to_string());
    }
    let total = pagers(all.len(), per_page);
    let url_of = |n: usize| {
        if n == 0 {
            absolute(base_url, base_path)
        } else {
            absolute(base_url, &format!("{base_path}{paginate_path}/{}/", n + 1))
        }
    };
    let path = if pager == 0 {
        base_path.to_string()
    } else {
        format!("{base_path}{paginate_path}/{}/", pager + 1)
    };
    let start = (pager * per_page).min(all.len());
    let end = (start + per_page).min(all.len());
    let view = PaginatorView {
        current_index: pager + 1,
        number_pagers: total,
        total_pages: all.len(),
        first: url_of(0),
        last: url_of(total - 1),
        previous: (pager > 0).then(|| url_of(pager - 1)),
        next: (pager + 1 < total).then(|| url_of(pager + 1)),
    };
    (all[start..end].to_vec(), Some(view), path)
}

fn page_template(content: &Content, i: usize) -> String {
    let p = &content.pages[i];
    if let Some(t) = &p.fm.template {
        return t.clone();
    }
    let mut s = Some(p.section);
    while let Some(si) = s {
        if let Some(t) = &content.sections[si].fm.page_template {
            return t.clone();
        }
        s = content.sections[si].parent;
    }
    "page.html".into()
}

/// What the `<head>` of a page needs for search engines and share previews.
#[derive(Debug, Clone, Serialize)]
pub struct SeoView {
    pub title: String,
    pub description: String,
    pub canonical: String,
    /// `website` or `article`.
    pub og_type: &'static str,
    /// `fr_FR`.
    pub locale: String,
    pub locale_alternates: Vec<String>,
    pub site_name: String,
    pub image: Option<CoverView>,
    /// `summary_large_image` with an image, `summary` without.
    pub twitter_card: &'static str,
    /// Hreflang alternates: `lang`, `permalink`.
    pub alternates: Vec<TranslationView>,
    /// Feeds to announce: `title`, `url`.
    pub feeds: Vec<FeedLink>,
    pub noindex: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
}

/// `fr` → `fr_FR`, for Open Graph.
pub fn og_locale(lang: &str) -> String {
    let region = match lang {
        "fr" | "br" | "oc" | "co" => "FR",
        "en" => "GB",
        "de" => "DE",
        "es" | "eu" | "ca" => "ES",
        "it" => "IT",
        "nl" => "NL",
        "pt" => "PT",
        other => return other.to_string(),
    };
    format!("{lang}_{region}")
}

/// Facts about the page being rendered, gathered by each job for the head.
struct Meta {
    title: String,
    description: Option<String>,
    og_type: &'static str,
    image: Option<CoverView>,
    crumbs: Vec<NavItem>,
    here: Option<String>,
    extra_ld: Vec<serde_json::Value>,
    noindex: bool,
    feed: Option<FeedLink>,
    /// What the page's social card shows (None: no card).
    card: Option<CardIntent>,
    /// The page's `[share]` texts, when it has a share bar.
    share: Option<Option<crate::content::frontmatter::ShareFrontMatter>>,
}

/// What a social card shows.
struct CardIntent {
    title: String,
    description: Option<String>,
    template: Option<String>,
    photo: Option<(std::path::PathBuf, (f64, f64))>,
    alt: Option<String>,
    /// The content file, for warnings and errors.
    file: Option<String>,
}

impl CardIntent {
    fn new(title: &str, description: Option<&str>) -> CardIntent {
        CardIntent {
            title: title.to_string(),
            description: description.map(String::from),
            template: None,
            photo: None,
            alt: None,
            file: None,
        }
    }

    /// Takes a page's or section's `[card]` and cover.
    fn with(
        mut self,
        fm: Option<&crate::content::frontmatter::CardFrontMatter>,
        cover: Option<&CoverView>,
        file: &str,
    ) -> CardIntent {
        let focus = fm.and_then(|c| c.focus).map_or((0.5, 0.5), |[x, y]| (x, y));
        if let Some(src) = cover.and_then(|c| c.source.clone()) {
            self.photo = Some((src, focus));
            self.alt = cover.and_then(|c| c.alt.clone());
        }
        if let Some(c) = fm {
            if let Some(t) = &c.title {
                self.title = t.clone();
            }
            if let Some(d) = &c.description {
                self.description = Some(d.clone());
            }
            if c.template.is_some() {
                self.template = c.template.clone();
            }
            if c.alt.is_some() {
                self.alt = c.alt.clone();
            }
        }
        self.file = Some(file.to_string());
        self
    }
}

/// What card templates see as `card`.
fn card_values(
    config: &Config,
    lang: &str,
    title: &str,
    description: Option<&str>,
) -> std::collections::BTreeMap<&'static str, String> {
    let c = &config.brand.colors;
    let on = |bg: &str| {
        let bg = crate::config::parse_hex_color(bg).unwrap_or([0, 0, 0]);
        let text = crate::config::parse_hex_color(&c.text).unwrap_or([0, 0, 0]);
        if crate::config::contrast_ratio(bg, [255, 255, 255])
            >= crate::config::contrast_ratio(bg, text)
        {
            "#ffffff".to_string()
        } else {
            c.text.clone()
        }
    };
    let host = crate::url::authority(config.base())
        .trim_start_matches("www.")
        .to_string();
    [
        ("title", title.to_string()),
        ("description", description.unwrap_or("").to_string()),
        ("hashtag", config.brand.hashtag.clone().unwrap_or_default()),
        ("site", config.brand_name().to_string()),
        ("tagline", config.tagline_in(lang).to_string()),
        ("host", host),
        ("primary", c.primary.clone()),
        ("accent", c.accent.clone()),
        ("text", c.text.clone()),
        ("background", c.background.clone()),
        ("on_primary", on(&c.primary)),
        ("on_accent", on(&c.accent)),
    ]
    .into_iter()
    .collect()
}

impl Meta {
    fn new(title: String) -> Meta {
        Meta {
            title,
            description: None,
            og_type: "website",
            image: None,
            crumbs: Vec::new(),
            here: None,
            extra_ld: Vec::new(),
            noindex: false,
            feed: None,
            card: None,
            share: None,
        }
    }
}

/// Renders one job; returns the files it makes.
pub fn render_job(
    job: &Job,
    inputs: &RenderInputs<'_>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let RenderInputs {
        views,
        summaries,
        latest,
        agendas,
        renderer,
        config,
        content,
        model,
        events,
        tz,
        strings,
        ..
    } = *inputs;
    let base = config.base();
    let mut ctx = Context::new();
    let mut translations: Vec<TranslationView> = Vec::new();
    let mut extra_files: Vec<(String, Vec<u8>)> = Vec::new();
    let strings_of = |lang: &str| {
        strings
            .get(lang)
            .or_else(|| strings.get(&config.default_language))
    };
    let agenda_value = |lang: &str, upcoming_limit: Option<usize>| -> tera::Value {
        let a = agendas.get(lang).cloned().unwrap_or_default();
        let pick = |list: &[usize]| {
            tera::Value::from(
                list.iter()
                    .map(|&i| summaries[i].clone())
                    .collect::<Vec<_>>(),
            )
        };
        let upcoming: Vec<usize> = match upcoming_limit {
            Some(n) => a.upcoming.iter().copied().take(n).collect(),
            None => a.upcoming.clone(),
        };
        let mut m = tera::Map::new();
        m.insert(tera::value::Key::Str("upcoming"), pick(&upcoming));
        m.insert(
            tera::value::Key::Str("past"),
            pick(if upcoming_limit.is_some() {
                &[]
            } else {
                &a.past
            }),
        );
        let path = strings_of(lang)
            .map(|s| routes::agenda(config, s, lang))
            .unwrap_or_default();
        m.insert(
            tera::value::Key::Str("permalink"),
            tera::Value::from(absolute(base, &path)),
        );
        m.insert(
            tera::value::Key::Str("calendar"),
            tera::Value::from(absolute(
                base,
                &format!("{}/agenda.ics", prefix(config, lang)),
            )),
        );
        tera::Value::from(m)
    };

    let (lang, template, path, file, meta): (String, String, String, Option<String>, Option<Meta>) =
        match job {
            Job::Page(i) => {
                let p = &content.pages[*i];
                let html = views.html.take(*i).ok_or_else(|| released(p))?;
                let view = views.page_full(*i, &html);
                translations = view.translations.clone();
                let mut meta = Meta::new(view.title.to_string());
                meta.description = view.description.map(String::from);
                meta.og_type = "article";
                meta.image = view.cover.clone();
                meta.crumbs = view.ancestors.clone();
                meta.here = Some(view.title.to_string());
                meta.card = Some(CardIntent::new(view.title, view.description).with(
                    p.fm.card.as_ref(),
                    view.cover.as_ref(),
                    &p.file.rel,
                ));
                meta.share = Some(p.fm.share.clone());
                let thing = jsonld::Thing {
                    name: view.title,
                    description: view.description,
                    url: &view.permalink,
                    image: view.cover.as_ref().map(|c| c.permalink.as_str()),
                };
                if let Some(place) = &p.fm.place {
                    meta.extra_ld.push(jsonld::place(
                        &jsonld::Thing {
                            name: place.name.as_deref().unwrap_or(view.title),
                            ..thing
                        },
                        place.address.as_deref(),
                        place.lat,
                        place.lon,
                    ));
                }
                if let (Some(ev), Some(t)) = (&view.event, &events[*i]) {
                    let (start, end) = match (&t.next, t.rrule.is_some()) {
                        (Some(n), true) => {
                            let dur = t.end.timestamp().duration_since(t.start.timestamp());
                            let end = n.checked_add(dur).unwrap_or_else(|_| t.end.clone());
                            (
                                crate::content::event::iso(n, t.all_day),
                                crate::content::event::iso(&end, t.all_day),
                            )
                        }
                        _ => (ev.start.clone(), ev.end.clone()),
                    };
                    let status = match t.status {
                        EventStatus::Scheduled => "EventScheduled",
                        EventStatus::Cancelled => "EventCancelled",
                        EventStatus::Postponed => "EventPostponed",
                    };
                    meta.extra_ld.push(jsonld::event(
                        &thing,
                        &jsonld::EventFields {
                            start,
                            end,
                            status,
                            location: ev.location,
                            booking_url: ev.booking_url,
                        },
                    ));
                }
                ctx.insert_value("page", full_page_value(&summaries[*i], &view));
                let s = &content.sections[p.section];
                ctx.insert("parent", &serde_json::json!({"title": s.title(), "permalink": absolute(base, &s.path), "path": s.path}));
                (
                    p.lang.clone(),
                    page_template(content, *i),
                    p.path.clone(),
                    Some(p.file.rel.clone()),
                    Some(meta),
                )
            }
            Job::Section { section, .. } if content.sections[*section].fm.redirect_to.is_some() => {
                let s = &content.sections[*section];
                let to = s.fm.redirect_to.as_deref().unwrap_or("/");
                ctx.insert("url", &absolute(base, to));
                (
                    s.lang.clone(),
                    "alias.html".into(),
                    s.path.clone(),
                    Some(s.source_name()),
                    None,
                )
            }
            Job::Section { section, pager } => {
                let s = &content.sections[*section];
                let all: &[usize] = match model.merged_sections.get(section) {
                    Some(&l) => &model.listings[l].pages,
                    None => &s.pages,
                };
                let mut all = all.to_vec();
                if s.fm.paginate_reversed {
                    all.reverse();
                }
                let pp = s.fm.paginate_path.as_deref().unwrap_or("page");
                let (pages, paginator, path) =
                    paginate(&all, s.fm.paginate_by, *pager, &s.path, pp, base);
                let view = views.section(*section, &pages, paginator);
                translations = view.translations.clone();
                let mut meta = Meta::new(view.title.clone());
                meta.description = view.description.clone();
                meta.image = view.cover.clone();
                meta.crumbs = view.ancestors.clone();
                meta.card = Some(
                    CardIntent::new(&view.title, view.description.as_deref()).with(
                        s.fm.card.as_ref(),
                        view.cover.as_ref(),
                        &s.source_name(),
                    ),
                );
                meta.share = Some(s.fm.share.clone());
                meta.feed = Some(FeedLink {
                    title: view.title.clone(),
                    url: absolute(base, &format!("{}atom.xml", s.path)),
                });
                let agenda_here = strings_of(&s.lang)
                    .is_some_and(|st| routes::agenda(config, st, &s.lang) == s.path);
                if s.is_home() {
                    let recent: Vec<tera::Value> = latest
                        .get(&s.lang)
                        .map(|l| l.iter().map(|&i| summaries[i].clone()).collect())
                        .unwrap_or_default();
                    ctx.insert_value("latest", tera::Value::from(recent));
                    ctx.insert_value("agenda", agenda_value(&s.lang, Some(EVENTS_ON_HOME)));
                    ctx.insert_value(
                        "community",
                        inputs.community.select(None, Some(POSTS_ON_HOME)),
                    );
                    // The photos block: the newest pages with a cover.
                    let mut with_cover: Vec<usize> = (0..content.pages.len())
                        .filter(|&i| {
                            content.pages[i].lang == s.lang && content.pages[i].fm.cover.is_some()
                        })
                        .collect();
                    crate::content::sort_pages(
                        &mut with_cover,
                        &content.pages,
                        crate::content::frontmatter::SortBy::Date,
                        tz,
                    );
                    with_cover.truncate(PHOTOS_ON_HOME);
                    ctx.insert_value(
                        "photos",
                        tera::Value::from(
                            with_cover
                                .iter()
                                .map(|&i| summaries[i].clone())
                                .collect::<Vec<_>>(),
                        ),
                    );
                    let same_as: Vec<String> = config.social.values().cloned().collect();
                    meta.extra_ld.push(jsonld::destination(
                        config.brand_name(),
                        config.description_in(&s.lang),
                        &view.permalink,
                        view.cover.as_ref().map(|c| c.permalink.as_str()),
                        &same_as,
                    ));
                } else {
                    meta.here = Some(view.title.clone());
                }
                if agenda_here {
                    ctx.insert_value("agenda", agenda_value(&s.lang, None));
                }
                ctx.insert_value("section", listing_value(&view, summaries));
                if let Some(&l) = model.merged_sections.get(section) {
                    let key = model.listings[l].key.as_str();
                    ctx.insert_value(
                        "community",
                        inputs.community.select(Some(key), Some(POSTS_ON_PILLAR)),
                    );
                    ctx.insert("community_tag", key);
                }
                let template = match &s.fm.template {
                    Some(t) => t.clone(),
                    None if s.is_home() => "index.html".into(),
                    None if agenda_here => "agenda.html".into(),
                    None if model.merged_sections.contains_key(section) => "pillar.html".into(),
                    None => "section.html".into(),
                };
                (
                    s.lang.clone(),
                    template,
                    path,
                    Some(s.source_name()),
                    Some(meta),
                )
            }
            Job::Listing { listing, pager } => {
                let l = &model.listings[*listing];
                let per = if matches!(l.kind, ListingKind::Term { .. }) {
                    config.paginate_taxonomies
                } else {
                    0
                };
                let (pages, paginator, path) =
                    paginate(&l.pages, per, *pager, &l.path, "page", base);
                let view = views.listing(*listing, &pages, paginator);
                translations = view.translations.clone();
                let mut meta = Meta::new(view.title.clone());
                meta.description = view.description.clone();
                meta.crumbs = view.ancestors.clone();
                meta.here = Some(view.title.clone());
                ctx.insert_value("section", listing_value(&view, summaries));
                if l.kind == ListingKind::Pillar {
                    ctx.insert_value(
                        "community",
                        inputs.community.select(Some(&l.key), Some(POSTS_ON_PILLAR)),
                    );
                    ctx.insert("community_tag", &l.key);
                }
                let template = match l.kind {
                    ListingKind::Pillar => "pillar.html",
                    ListingKind::Audience => "audience.html",
                    ListingKind::Term { .. } => "taxonomy_single.html",
                };
                (l.lang.clone(), template.into(), path, None, Some(meta))
            }
            Job::TaxonomyIndex(t) => {
                let tax = &model.taxonomies[*t];
                let terms = tax.terms.iter().map(|&l| views.term(l)).collect();
                let view = views.index(
                    "taxonomy",
                    &tax.name,
                    tax.name.clone(),
                    tax.path.clone(),
                    &tax.lang,
                    terms,
                );
                let title = strings_of(&tax.lang)
                    .and_then(|s| s.strings.get("all_tags").cloned())
                    .unwrap_or_else(|| tax.name.clone());
                let mut meta = Meta::new(title.clone());
                meta.crumbs = view.ancestors.clone();
                meta.here = Some(title);
                ctx.insert_value("section", listing_value(&view, summaries));
                (
                    tax.lang.clone(),
                    "taxonomy_list.html".into(),
                    tax.path.clone(),
                    None,
                    Some(meta),
                )
            }
            Job::AudiencesIndex(lang) => {
                let terms = model
                    .listings
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.kind == ListingKind::Audience && &l.lang == lang)
                    .map(|(i, _)| views.term(i))
                    .collect();
                let path = format!("{}/audiences/", prefix(config, lang));
                let view = views.index(
                    "audiences",
                    "audiences",
                    String::new(),
                    path.clone(),
                    lang,
                    terms,
                );
                let title = strings_of(lang)
                    .and_then(|s| s.strings.get("audiences_title").cloned())
                    .unwrap_or_default();
                let mut meta = Meta::new(title.clone());
                meta.crumbs = view.ancestors.clone();
                meta.here = Some(title);
                ctx.insert_value("section", listing_value(&view, summaries));
                (
                    lang.clone(),
                    "audience_list.html".into(),
                    path,
                    None,
                    Some(meta),
                )
            }
            Job::Agenda(lang) => {
                let st = strings_of(lang);
                let path = st
                    .map(|s| routes::agenda(config, s, lang))
                    .unwrap_or_default();
                let title = st
                    .and_then(|s| s.strings.get("agenda").cloned())
                    .unwrap_or_else(|| "Agenda".into());
                let meta = generated_page(views, summaries, &mut ctx, "agenda", lang, title, &path);
                ctx.insert_value("agenda", agenda_value(lang, None));
                (lang.clone(), "agenda.html".into(), path, None, Some(meta))
            }
            Job::Community { lang, tag } => {
                let st = strings_of(lang);
                let string = |k: &str, or: &str| {
                    st.and_then(|s| s.strings.get(k).cloned())
                        .unwrap_or_else(|| or.to_string())
                };
                let all_path = st
                    .map(|s| routes::community(config, s, lang))
                    .unwrap_or_default();
                let community_title = string("community", "Community");
                let (title, path) = match tag {
                    None => (community_title.clone(), all_path.clone()),
                    Some(t) => (
                        format!("{community_title} · #{t}"),
                        st.map(|s| routes::community_tag(config, s, lang, t))
                            .unwrap_or_default(),
                    ),
                };
                let mut meta =
                    generated_page(views, summaries, &mut ctx, "community", lang, title, &path);
                meta.description = Some(string("community_intro", ""));
                if tag.is_some() {
                    meta.crumbs.push(NavItem {
                        key: "community".into(),
                        title: community_title,
                        permalink: absolute(base, &all_path),
                        path: all_path.clone(),
                    });
                }
                let tags: Vec<serde_json::Value> = inputs
                    .community
                    .tags()
                    .into_iter()
                    .map(|t| {
                        let p = st
                            .map(|s| routes::community_tag(config, s, lang, t))
                            .unwrap_or_default();
                        serde_json::json!({
                            "name": t,
                            "permalink": absolute(base, &p),
                            "current": p == path,
                        })
                    })
                    .collect();
                ctx.insert_value("posts", inputs.community.select(tag.as_deref(), None));
                ctx.insert("tags", &tags);
                ctx.insert("tag", tag);
                ctx.insert("all_permalink", &absolute(base, &all_path));
                (
                    lang.clone(),
                    "community.html".into(),
                    path,
                    None,
                    Some(meta),
                )
            }
            Job::SiteMap(lang) => {
                let st = strings_of(lang);
                let path = st
                    .map(|s| routes::site_map(config, s, lang))
                    .unwrap_or_default();
                let title = st
                    .and_then(|s| s.strings.get("site_map").cloned())
                    .unwrap_or_else(|| "Site map".into());
                let meta =
                    generated_page(views, summaries, &mut ctx, "site_map", lang, title, &path);
                ctx.insert("site_map", &site_map(inputs, lang));
                (lang.clone(), "site_map.html".into(), path, None, Some(meta))
            }
            Job::Photo { set, index } => {
                let pages = &inputs.photo_pages[*set];
                let p = &content.pages[pages.page];
                let photo = &pages.photos[*index];
                let path = pages.path(content, *index);
                let html = views.html.share(pages.page).ok_or_else(|| released(p))?;
                let page_view = views.page_full(pages.page, &html);
                let title = photo.caption.clone().unwrap_or_else(|| photo.alt.clone());
                let mut meta = Meta::new(title.clone());
                meta.description = Some(match &photo.credit {
                    Some(c) => format!("{} — {c}", photo.alt),
                    None => photo.alt.clone(),
                });
                meta.og_type = "article";
                meta.image = Some(CoverView {
                    url: photo.full.fallback.url.clone(),
                    permalink: photo.full.fallback.url.clone(),
                    alt: Some(photo.alt.clone()),
                    width: Some(photo.full.width),
                    height: Some(photo.full.height),
                    mime: if photo.full.fallback.url.ends_with(".webp") {
                        "image/webp"
                    } else {
                        "image/jpeg"
                    },
                    image: Some(photo.full.clone()),
                    source: None,
                });
                meta.card = Some(CardIntent {
                    title: title.clone(),
                    description: meta.description.clone(),
                    template: None,
                    photo: Some((photo.source.clone(), photo.focus)),
                    alt: Some(photo.alt.clone()),
                    file: Some(p.file.rel.clone()),
                });
                meta.share = Some(None);
                meta.crumbs = page_view.ancestors.clone();
                meta.crumbs.push(NavItem {
                    key: p.slug.clone(),
                    title: p.title().to_string(),
                    permalink: page_view.permalink.clone(),
                    path: p.path.clone(),
                });
                meta.here = Some(title);
                meta.extra_ld.push(jsonld::image_object(
                    &photo.full.fallback.url,
                    &absolute(base, &path),
                    &photo.alt,
                    photo.caption.as_deref(),
                    photo.credit.as_deref(),
                    photo.license.as_deref(),
                ));
                let neighbour = |i: usize| {
                    pages
                        .photos
                        .get(i)
                        .map(|ph| serde_json::json!({"permalink": ph.permalink, "alt": ph.alt}))
                };
                ctx.insert("photo", photo);
                ctx.insert("photo_index", &(index + 1));
                ctx.insert("photo_count", &pages.photos.len());
                ctx.insert("previous", &index.checked_sub(1).and_then(neighbour));
                ctx.insert("next", &neighbour(index + 1));
                ctx.insert_value("page", summaries[pages.page].clone());
                (
                    p.lang.clone(),
                    "photo.html".into(),
                    path,
                    Some(p.file.rel.clone()),
                    Some(meta),
                )
            }
            Job::Alias { from, to } => {
                ctx.insert("url", &absolute(base, to));
                (
                    config.default_language.clone(),
                    "alias.html".into(),
                    from.clone(),
                    None,
                    None,
                )
            }
            Job::Kit(i) => {
                let p = &content.pages[*i];
                let Some(studio) = inputs.cards else {
                    return Ok(Vec::new());
                };
                let view = views.page(*i, false);
                let url = absolute(base, &p.path);
                let intent = CardIntent::new(view.title, view.description).with(
                    p.fm.card.as_ref(),
                    view.cover.as_ref(),
                    &p.file.rel,
                );
                let values = card_values(
                    config,
                    &p.lang,
                    &intent.title,
                    intent.description.as_deref(),
                );
                let mut images = Vec::new();
                let mut zip_images = Vec::new();
                for (name, w, h, networks) in KIT_FORMATS {
                    let card = studio
                        .request(
                            inputs.images,
                            &CardSpec {
                                template: "kit",
                                width: w,
                                height: h,
                                stem: &format!("{}-{name}", p.slug),
                                values: &values,
                                photo: intent.photo.as_ref().map(|(path, f)| (path.as_path(), *f)),
                                budget: KIT_BUDGET,
                                quality: 92,
                            },
                        )
                        .map_err(|d| d.in_file(p.file.rel.clone()))?;
                    zip_images.push((format!("{}-{name}-{w}x{h}.jpg", p.slug), card.file.clone()));
                    images.push(serde_json::json!({
                        "format": name, "width": w, "height": h, "networks": networks,
                        "url": card.url,
                        "download": format!("{}-{name}-{w}x{h}.jpg", p.slug),
                    }));
                }
                let input = ShareInput {
                    title: &intent.title,
                    description: intent.description.as_deref(),
                    fm: p.fm.share.as_ref(),
                    brand_hashtag: config.brand.hashtag.as_deref(),
                    campaign: config.share.utm_campaign.as_deref(),
                };
                let texts = kit_texts(&input, &url);
                let qr_target = with_utm(&url, "qr", "print", config.share.utm_campaign.as_deref());
                let qr = qrcode::QrCode::with_error_correction_level(
                    qr_target.as_bytes(),
                    qrcode::EcLevel::M,
                )
                .map_err(|e| {
                    Diagnostic::error(
                        "kit",
                        format!("the page's address is too long for the share kit's QR code ({e})"),
                    )
                    .file(p.file.rel.clone())
                    .help("give the page a shorter address (its slug), or turn kits off: [share] kit = false")
                })?
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(512, 512)
                .quiet_zone(true)
                .build();
                let kit_path = format!("{}kit/", p.path);
                let rel = kit_path.trim_start_matches('/').to_string();
                extra_files.push((format!("{rel}qr.svg"), qr.clone().into_bytes()));
                let mut texts_file = String::new();
                for t in &texts {
                    texts_file.push_str(&format!("## {}\n\n{}\n\n", t.name, t.text));
                }
                let zip_name = format!("{}-kit.zip", p.slug);
                inputs
                    .kits
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(KitZip {
                        path: format!("{rel}{zip_name}"),
                        images: zip_images,
                        files: vec![
                            ("texts.txt".into(), texts_file.into_bytes()),
                            ("qr.svg".into(), qr.into_bytes()),
                        ],
                    });
                ctx.insert(
                    "kit",
                    &serde_json::json!({
                        "images": images,
                        "texts": texts,
                        "qr": absolute(base, &format!("{kit_path}qr.svg")),
                        "qr_target": qr_target,
                        "zip": absolute(base, &format!("{kit_path}{zip_name}")),
                    }),
                );
                ctx.insert_value("page", summaries[*i].clone());
                let mut meta = Meta::new(view.title.to_string());
                meta.noindex = true;
                meta.description = view.description.map(String::from);
                meta.image = view.cover.clone();
                (
                    p.lang.clone(),
                    "kit.html".into(),
                    kit_path,
                    Some(p.file.rel.clone()),
                    Some(meta),
                )
            }
            Job::MastodonShare => {
                let lang = config.default_language.clone();
                let title = strings_of(&lang)
                    .and_then(|s| s.strings.get("share_mastodon").cloned())
                    .unwrap_or_else(|| "Mastodon".into());
                let mut meta = Meta::new(title);
                meta.noindex = true;
                (
                    lang,
                    "share_mastodon.html".into(),
                    routes::MASTODON_SHARE.into(),
                    None,
                    Some(meta),
                )
            }
            Job::NotFound => {
                let title = strings_of(&config.default_language)
                    .and_then(|s| s.strings.get("page_not_found").cloned())
                    .unwrap_or_default();
                let mut meta = Meta::new(title);
                meta.noindex = true;
                (
                    config.default_language.clone(),
                    "404.html".into(),
                    "/404.html".into(),
                    None,
                    Some(meta),
                )
            }
            Job::Asset(name) => (
                config.default_language.clone(),
                name.clone(),
                format!("/{name}"),
                None,
                None,
            ),
            Job::PageCalendar(i) => {
                let p = &content.pages[*i];
                let Some(t) = &events[*i] else {
                    return Ok(Vec::new());
                };
                let cal =
                    ics::calendar(p.title(), &config.timezone, tz, &[ics_event(inputs, *i, t)]);
                return Ok(vec![(
                    format!("{}{}.ics", p.path.trim_start_matches('/'), p.slug),
                    cal.into_bytes(),
                )]);
            }
            Job::AgendaCalendar(lang) => {
                let a = agendas.get(lang).cloned().unwrap_or_default();
                let list: Vec<ics::IcsEvent<'_>> = a
                    .upcoming
                    .iter()
                    .chain(a.past.iter())
                    .filter_map(|&i| events[i].as_ref().map(|t| ics_event(inputs, i, t)))
                    .collect();
                let cal = ics::calendar(config.title_in(lang), &config.timezone, tz, &list);
                let path = format!("{}/agenda.ics", prefix(config, lang));
                return Ok(vec![(
                    path.trim_start_matches('/').to_string(),
                    cal.into_bytes(),
                )]);
            }
            Job::Feed(si) => {
                let s = &content.sections[*si];
                let mut pages: Vec<usize> = if s.is_home() {
                    (0..content.pages.len())
                        .filter(|&i| content.pages[i].lang == s.lang)
                        .collect()
                } else {
                    match model.merged_sections.get(si) {
                        Some(&l) => model.listings[l].pages.clone(),
                        None => s.pages.clone(),
                    }
                };
                pages.retain(|&i| content.pages[i].date.is_some());
                crate::content::sort_pages(
                    &mut pages,
                    &content.pages,
                    crate::content::frontmatter::SortBy::Date,
                    tz,
                );
                pages.truncate(feed::FEED_LIMIT);
                let html: Vec<std::sync::Arc<String>> = pages
                    .iter()
                    .map(|&i| {
                        views
                            .html
                            .share(i)
                            .ok_or_else(|| released(&content.pages[i]))
                    })
                    .collect::<Result<_, _>>()?;
                let entries: Vec<feed::FeedEntry<'_>> = pages
                    .iter()
                    .zip(&html)
                    .map(|(&i, html)| {
                        let p = &content.pages[i];
                        let published = p
                            .date
                            .map_or(jiff::Timestamp::UNIX_EPOCH, |d| d.timestamp(tz));
                        feed::FeedEntry {
                            title: p.title(),
                            url: absolute(base, &p.path),
                            published,
                            updated: p.fm.updated.map_or(published, |d| d.timestamp(tz)),
                            summary: p.fm.description.as_deref(),
                            content_html: html,
                        }
                    })
                    .collect();
                let title = if s.is_home() {
                    config.title_in(&s.lang).to_string()
                } else {
                    format!("{} | {}", s.title(), config.title_in(&s.lang))
                };
                let info = feed::FeedInfo {
                    title: &title,
                    subtitle: s.fm.description.as_deref().unwrap_or(""),
                    lang: &s.lang,
                    self_url: absolute(base, &format!("{}atom.xml", s.path)),
                    alternate_url: absolute(base, &s.path),
                    author: config.brand_name(),
                };
                return Ok(match feed::atom(&info, &entries) {
                    Some(xml) => vec![(
                        format!("{}atom.xml", s.path.trim_start_matches('/')),
                        xml.into_bytes(),
                    )],
                    None => Vec::new(),
                });
            }
        };

    ctx.insert("languages", &language_links(config, &translations, &lang));
    ctx.insert("current_path", &path);
    ctx.insert("current_url", &absolute(base, &path));
    if let Some(mut meta) = meta {
        let canonical = absolute(base, &path);
        if let Some(share_fm) = meta.share.take() {
            let input = ShareInput {
                title: &meta.title,
                description: meta.description.as_deref(),
                fm: share_fm.as_ref(),
                brand_hashtag: config.brand.hashtag.as_deref(),
                campaign: config.share.utm_campaign.as_deref(),
            };
            ctx.insert(
                "share",
                &share_view(
                    &input,
                    &canonical,
                    &config.share.networks,
                    &absolute(base, routes::MASTODON_SHARE),
                ),
            );
        }
        if let Some(studio) = inputs
            .cards
            .filter(|_| config.cards.enable && !meta.noindex)
        {
            let intent = meta
                .card
                .take()
                .unwrap_or_else(|| CardIntent::new(&meta.title, meta.description.as_deref()));
            let template = match &intent.template {
                Some(t) => t.clone(),
                None if intent.photo.is_some() => config.cards.template.clone(),
                None => "brand".to_string(),
            };
            let values = card_values(config, &lang, &intent.title, intent.description.as_deref());
            let in_file = |d: Diagnostic| match &intent.file {
                Some(f) => d.in_file(f.clone()),
                None => d,
            };
            let card = studio
                .request(
                    inputs.images,
                    &CardSpec {
                        template: &template,
                        width: CARD_SIZE.0,
                        height: CARD_SIZE.1,
                        stem: &stem_of(&path),
                        values: &values,
                        photo: intent.photo.as_ref().map(|(p, f)| (p.as_path(), *f)),
                        budget: CARD_BUDGET,
                        quality: 85,
                    },
                )
                .map_err(in_file)?;
            let mut found = Vec::new();
            for what in &card.cut {
                found.push(in_file(
                    Diagnostic::warning(
                        "card-text-cut",
                        format!("the {what} is too long for the social card of {path} and was cut"),
                    )
                    .help("shorten it, or give the card its own: [card] title = \"...\""),
                ));
            }
            if intent.photo.is_some() && intent.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                found.push(in_file(
                    Diagnostic::warning(
                        "card-alt-missing",
                        format!("the social card of {path} has no image description"),
                    )
                    .help("add cover_alt = \"...\" (or [card] alt) describing the photo"),
                ));
            }
            if !found.is_empty() {
                inputs
                    .warnings
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(found);
            }
            meta.image = Some(CoverView {
                url: card.url.strip_prefix(base).unwrap_or(&card.url).to_string(),
                permalink: card.url.clone(),
                alt: Some(intent.alt.clone().unwrap_or_else(|| intent.title.clone())),
                width: Some(card.width),
                height: Some(card.height),
                mime: card.mime,
                image: None,
                source: None,
            });
        }
        let site_name = config.title_in(&lang).to_string();
        let home_feed = FeedLink {
            title: site_name.clone(),
            url: absolute(base, &format!("{}/atom.xml", prefix(config, &lang))),
        };
        let mut feeds = vec![home_feed];
        if let Some(f) = meta.feed
            && f.url != feeds[0].url
        {
            feeds.push(f);
        }
        let title = if meta.title.is_empty() || meta.title == site_name {
            site_name.clone()
        } else {
            meta.title.clone()
        };
        let seo = SeoView {
            description: meta
                .description
                .clone()
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| config.description_in(&lang).to_string()),
            canonical: canonical.clone(),
            og_type: meta.og_type,
            locale: og_locale(&lang),
            locale_alternates: translations
                .iter()
                .filter(|t| t.lang != lang)
                .map(|t| og_locale(&t.lang))
                .collect(),
            site_name: site_name.clone(),
            twitter_card: if meta.image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
            image: meta.image,
            alternates: if translations.len() > 1 {
                translations.clone()
            } else {
                Vec::new()
            },
            feeds,
            noindex: meta.noindex,
            title,
        };
        let mut crumbs: Vec<(String, String)> = meta
            .crumbs
            .iter()
            .map(|c| (c.title.clone(), c.permalink.clone()))
            .collect();
        if crumbs.is_empty() && !matches!(job, Job::NotFound) {
            crumbs.push((
                site_name.clone(),
                absolute(base, &format!("{}/", prefix(config, &lang))),
            ));
        }
        if let Some(here) = meta.here {
            crumbs.push((here, canonical));
        }
        let mut items = meta.extra_ld;
        if !meta.noindex {
            items.push(jsonld::breadcrumb(&crumbs));
        }
        ctx.insert("seo", &seo);
        ctx.insert_value("jsonld", tera::Value::safe_string(&jsonld::script(items)));
    }
    let html = renderer.render_bytes(&lang, &template, &ctx, file.as_deref())?;
    let mut files = vec![(file_for(&path), html)];
    files.extend(extra_files);
    Ok(files)
}

/// A page the theme makes on its own (agenda, site map): its `section` view
/// (title and breadcrumb, no pages) in the context, and its head facts.
fn generated_page(
    views: &ViewSource<'_>,
    summaries: &[tera::Value],
    ctx: &mut Context,
    kind: &'static str,
    lang: &str,
    title: String,
    path: &str,
) -> Meta {
    let view = views.index(
        kind,
        kind,
        title.clone(),
        path.to_string(),
        lang,
        Vec::new(),
    );
    let mut meta = Meta::new(title.clone());
    meta.crumbs = view.ancestors.clone();
    meta.here = Some(title);
    ctx.insert_value("section", listing_value(&view, summaries));
    meta
}

fn ics_event<'a>(inputs: &RenderInputs<'a>, i: usize, t: &'a EventTimes) -> ics::IcsEvent<'a> {
    let p = &inputs.content.pages[i];
    let base = inputs.config.base();
    let host = crate::url::authority(base);
    let tz = inputs.tz;
    let stamp =
        p.fm.updated
            .or(p.date)
            .map_or_else(|| t.start.timestamp(), |d| d.timestamp(tz));
    ics::IcsEvent {
        uid: format!("{}@{host}", p.path.trim_matches('/').replace('/', "-")),
        summary: p.title(),
        description: p.fm.description.as_deref(),
        location: p.fm.event.as_ref().and_then(|e| e.location.as_deref()),
        url: absolute(base, &p.path),
        times: t,
        stamp,
    }
}

/// One entry of the site-map page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteMapEntry {
    pub title: String,
    pub permalink: String,
    pub depth: usize,
    pub pages: Vec<NavItem>,
}

fn site_map(inputs: &RenderInputs<'_>, lang: &str) -> Vec<SiteMapEntry> {
    let RenderInputs {
        config,
        content,
        model,
        ..
    } = *inputs;
    let base = config.base();
    let mut out = Vec::new();
    let nav_page = |i: usize| {
        let p = &content.pages[i];
        NavItem {
            key: p.slug.clone(),
            title: p.title().to_string(),
            permalink: absolute(base, &p.path),
            path: p.path.clone(),
        }
    };
    fn walk(
        inputs: &RenderInputs<'_>,
        i: usize,
        depth: usize,
        out: &mut Vec<SiteMapEntry>,
        nav_page: &dyn Fn(usize) -> NavItem,
    ) {
        let s = &inputs.content.sections[i];
        if s.fm.render != Some(false) && s.fm.redirect_to.is_none() {
            let title = match inputs.model.merged_sections.get(&i) {
                Some(&l) if s.fm.title.is_none() => inputs.model.listings[l].title.clone(),
                _ if s.is_home() => inputs.config.title_in(&s.lang).to_string(),
                _ => s.title().to_string(),
            };
            out.push(SiteMapEntry {
                title,
                permalink: absolute(inputs.config.base(), &s.path),
                depth,
                pages: s
                    .pages
                    .iter()
                    .filter(|&&p| inputs.content.pages[p].section == i)
                    .map(|&p| nav_page(p))
                    .collect(),
            });
        }
        for &c in &s.subsections {
            walk(inputs, c, depth + 1, out, nav_page);
        }
    }
    if let Some(home) = content.home(lang) {
        walk(inputs, home, 0, &mut out, &nav_page);
    }
    for l in model
        .listings
        .iter()
        .filter(|l| l.lang == lang && l.section.is_none() && l.kind == ListingKind::Pillar)
    {
        out.push(SiteMapEntry {
            title: l.title.clone(),
            permalink: absolute(base, &l.path),
            depth: 1,
            pages: l.pages.iter().map(|&p| nav_page(p)).collect(),
        });
    }
    out
}
