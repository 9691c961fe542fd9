//! What templates see: borrowed, serializable views of the site, pages and listings.
//!
//! Templates never get the loader's structs or the raw configuration: they get
//! these views, whose fields are documented for theme authors in
//! docs/themes.md. Every field is always present (`null` when empty), because
//! Tera 2 treats an undefined field as an error.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Colors, Config, GroupingKind};
use crate::content::event::{self, EventTimes};
use crate::content::frontmatter::EventStatus;
use crate::content::site::ListingId;
use crate::content::site::{ListingKind, SiteModel};
use crate::content::{Content, Page, PageId, Section, SectionId};
use crate::markdown::{Heading, Rendered};
use crate::render::map::{MapFor, MapPlace, MapView};
use crate::render::practical::{PhoneView, PlaceView, phone, place_view};
use crate::render::routes;
use crate::render::trail::{TrailView, trail_view};
use crate::theme::Strings;
use crate::url::absolute;

/// A link in navigation or a list: a pillar, an audience, a tag, a breadcrumb.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: String,
    pub title: String,
    /// Absolute URL.
    pub permalink: String,
    /// Path from the site root: `/tourisme/`.
    pub path: String,
    /// The language of what it links to, when that may differ from the
    /// page's (a page not translated into the page's language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    pub code: String,
    /// The language's name in that language ("Français", "English").
    pub name: String,
    pub permalink: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SocialLink {
    pub network: String,
    /// The network's name as it writes it ("LinkedIn", "YouTube").
    pub name: String,
    pub url: String,
}

/// An audience in the header: its link, and who the visitor is.
#[derive(Debug, Clone, Serialize)]
pub struct AudienceLink {
    #[serde(flatten)]
    pub nav: NavItem,
    /// Who the visitor is ("visiteur"): `who`, else the title.
    pub who: String,
}

/// `site.contact`: the office's contact block, in the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub name: String,
    pub address: Vec<String>,
    pub phone: Option<PhoneView>,
    pub email: Option<String>,
    pub hours: Vec<String>,
    /// The language of `hours` when it is not the page's (null otherwise).
    pub hours_lang: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandView<'a> {
    pub name: &'a str,
    pub tagline: &'a str,
    pub logo: Option<String>,
    /// The brand font's URL, when `[brand] font` is set.
    pub font: Option<String>,
    pub hashtag: Option<&'a str>,
    pub colors: &'a Colors,
}

/// The site, in one language: `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    pub links: SiteLinks,
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub lang: &'a str,
    pub default_language: &'a str,
    pub home: String,
    pub languages: Vec<LanguageLink>,
    pub brand: BrandView<'a>,
    pub pillars: Vec<NavItem>,
    pub audiences: Vec<AudienceLink>,
    pub social: Vec<SocialLink>,
    /// The office's contact block (`[contact]`), null when empty.
    pub contact: Option<ContactView>,
    /// `[accessibility] status`: `full`, `partial` or `none`; null when not said.
    pub accessibility_status: Option<&'static str>,
    /// `[accessibility]` as the theme's `accessibility_statement()` shows
    /// it, its texts in the page's language where they are translated
    /// (`written_in` names the others' language); null when it says nothing.
    pub accessibility: Option<crate::config::accessibility::Statement>,
    pub extra: &'a toml::Table,
    pub has_audiences_index: bool,
    /// True when at least one community post is published.
    pub has_community: bool,
    /// True when the site's feed of this language is written (its home page
    /// may say `generate_feeds = false`), so that no link leads nowhere.
    pub has_feed: bool,
    /// True when the site has its search (`[search] enable`).
    pub has_search: bool,
    /// `[analytics]`'s tracker: the Matomo it reports to, null without
    /// one (no `[analytics]`, or Matomo reading the server's logs).
    pub analytics: Option<&'a crate::config::Tracker>,
}

/// Published URLs of the brand's files.
#[derive(Debug, Clone, Default)]
pub struct BrandAssets {
    pub logo: Option<String>,
    pub font: Option<String>,
}

/// Addresses every page may link to.
#[derive(Debug, Clone, Serialize)]
pub struct SiteLinks {
    pub agenda: String,
    pub agenda_calendar: String,
    pub site_map: String,
    pub feed: String,
    pub tags: String,
    pub audiences: String,
    pub community: String,
    /// The search results page.
    pub search: String,
}

pub fn site_view<'a>(
    config: &'a Config,
    strings: &Strings,
    lang: &'a str,
    assets: &BrandAssets,
) -> SiteView<'a> {
    let base = config.base();
    let prefix = config.lang_prefix(lang);
    let languages = config
        .all_languages()
        .into_iter()
        .map(|code| {
            let p = if code == config.default_language {
                "/".to_string()
            } else {
                format!("/{code}/")
            };
            LanguageLink {
                code: code.to_string(),
                name: language_name(code),
                permalink: absolute(base, &p),
                current: code == lang,
            }
        })
        .collect();
    let links = SiteLinks {
        agenda: absolute(base, &routes::agenda(config, strings, lang)),
        agenda_calendar: absolute(base, &routes::agenda_calendar(config, lang)),
        site_map: absolute(base, &routes::site_map(config, strings, lang)),
        feed: absolute(base, &routes::home_feed(config, lang)),
        tags: absolute(base, &routes::tags_index(config, lang)),
        audiences: absolute(base, &routes::audiences_index(config, lang)),
        community: absolute(base, &routes::community(config, strings, lang)),
        search: absolute(base, &routes::search(config, strings, lang)),
    };
    SiteView {
        links,
        title: config.title_in(lang),
        description: config.description_in(lang),
        base_url: base,
        lang,
        default_language: &config.default_language,
        home: absolute(base, &format!("{prefix}/")),
        languages,
        brand: BrandView {
            name: config.brand_name_in(lang),
            tagline: config.tagline_in(lang),
            logo: assets.logo.clone(),
            font: assets.font.clone(),
            hashtag: config.brand.hashtag.as_deref(),
            colors: &config.brand.colors,
        },
        pillars: config
            .pillars
            .keys()
            .map(|k| {
                nav(
                    base,
                    k,
                    config.pillar_title(k, lang).unwrap_or(k),
                    &format!("{prefix}/{k}/"),
                )
            })
            .collect(),
        audiences: config
            .audiences
            .keys()
            .map(|k| AudienceLink {
                nav: nav(
                    base,
                    k,
                    config.audience_title(k, lang).unwrap_or(k),
                    &routes::audience(config, lang, k),
                ),
                who: config.audience_who(k, lang).unwrap_or(k).to_string(),
            })
            .collect(),
        social: config
            .social
            .iter()
            .map(|(n, u)| SocialLink {
                network: n.clone(),
                name: network_name(n),
                url: u.clone(),
            })
            .collect(),
        contact: contact_view(config, lang),
        accessibility_status: config.accessibility.status,
        accessibility: Some(&config.accessibility)
            .filter(|a| !a.is_empty())
            .map(|a| a.in_language(lang, &config.default_language)),
        extra: &config.extra,
        has_audiences_index: !config.audiences.is_empty(),
        has_community: false,
        has_feed: false,
        has_search: config.search.enable,
        analytics: config.analytics.as_ref().and_then(|a| a.tracker.as_ref()),
    }
}

/// A network's name as it writes it, from its key in `[social]`.
pub fn network_name(key: &str) -> String {
    if let Some(n) = crate::config::Network::parse(key) {
        return n.name().to_string();
    }
    match key {
        "youtube" => "YouTube".to_string(),
        "tiktok" => "TikTok".to_string(),
        "peertube" => "PeerTube".to_string(),
        "pinterest" => "Pinterest".to_string(),
        "threads" => "Threads".to_string(),
        "pixelfed" => "Pixelfed".to_string(),
        "vimeo" => "Vimeo".to_string(),
        "flickr" => "Flickr".to_string(),
        _ => {
            let mut chars = key.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The contact block in `lang`, or `None` when `[contact]` says nothing.
fn contact_view(config: &Config, lang: &str) -> Option<ContactView> {
    let c = &config.contact;
    if c.is_empty() {
        return None;
    }
    let (hours, foreign) = config.contact_hours_in(lang);
    Some(ContactView {
        name: config.contact_name_in(lang).to_string(),
        address: c.address.clone(),
        phone: c.phone.as_deref().and_then(|p| phone(p, lang)),
        email: c.email.clone(),
        hours: hours.into_iter().map(String::from).collect(),
        hours_lang: foreign.then(|| config.default_language.clone()),
    })
}

/// The name of a language in that language.
pub fn language_name(code: &str) -> String {
    match code {
        "fr" => "Français",
        "en" => "English",
        "de" => "Deutsch",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "br" => "Brezhoneg",
        "oc" => "Occitan",
        "eu" => "Euskara",
        "ca" => "Català",
        "co" => "Corsu",
        other => other,
    }
    .to_string()
}

/// The language switcher of a page: each language's version of this page, or
/// that language's home when the page is not translated.
pub fn language_links(
    config: &Config,
    translations: &[TranslationView],
    lang: &str,
) -> Vec<LanguageLink> {
    config
        .all_languages()
        .into_iter()
        .map(|code| {
            let permalink = translations.iter().find(|t| t.lang == code).map_or_else(
                || {
                    let p = if code == config.default_language {
                        "/".to_string()
                    } else {
                        format!("/{code}/")
                    };
                    absolute(config.base(), &p)
                },
                |t| t.permalink.clone(),
            );
            LanguageLink {
                code: code.to_string(),
                name: language_name(code),
                permalink,
                current: code == lang,
            }
        })
        .collect()
}

fn nav(base: &str, key: &str, title: &str, path: &str) -> NavItem {
    NavItem {
        key: key.to_string(),
        title: title.to_string(),
        permalink: absolute(base, path),
        path: path.to_string(),
        lang: None,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverView {
    /// Path from the site root.
    pub url: String,
    pub permalink: String,
    pub alt: Option<String>,
    /// Pixel size, read from the file's header (null if it cannot be read).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// MIME type: `image/jpeg`, `image/png`, `image/webp`, `image/svg+xml`.
    pub mime: &'static str,
    /// Responsive variants for `<picture>` (`sources`: `mime`, `srcset`;
    /// `fallback`: `url`, `width`, `height`), or null for SVG and the like.
    pub image: Option<crate::media::ResponsiveImage>,
    /// The processed source file (for social cards).
    #[serde(skip)]
    pub source: Option<std::path::PathBuf>,
}

/// An event, ready to show: `page.event`.
#[derive(Debug, Clone, Serialize)]
pub struct EventView<'a> {
    /// ISO 8601 with offset (a date alone for all-day events).
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub multi_day: bool,
    /// `scheduled`, `cancelled` or `postponed`.
    pub status: &'static str,
    /// Not over yet (for a recurring event: one occurrence is still to come).
    pub upcoming: bool,
    /// The next occurrence's start (ISO), when there is one.
    pub next: Option<String>,
    /// When, in words: "14 juillet 2026, 21 h – 23 h 30".
    pub when: String,
    /// How it repeats, in words: "tous les samedis" (null when it does not).
    pub recurrence: Option<String>,
    /// The shown occurrence's day and short month for a date badge
    /// ("12", "déc."): the same date as `when`, which says it in words.
    pub badge_day: String,
    pub badge_month: String,
    /// Every occurrence in words, when `[[event.dates]]` gives more than
    /// one (empty otherwise, and in listings): days in a row at the same
    /// hours are said once, as a range ("du 9 au 30 novembre 2026, 10 h –
    /// 18 h").
    pub dates: Vec<String>,
    /// How many occurrences `dates` says (each day of a range counts).
    pub date_count: usize,
    pub location: Option<&'a str>,
    pub booking_url: Option<&'a str>,
    /// The page's .ics file.
    pub ics: String,
    /// An "add to Google Calendar" link (a plain link: nothing is loaded until clicked).
    pub google_calendar: String,
}

/// The feed a page comes from, for the theme's notices and credits.
#[derive(Debug, Clone, Serialize)]
pub struct DataView<'a> {
    /// `datatourisme`, `apidae`, `openagenda` or `tourinsoft`.
    pub format: &'static str,
    pub id: &'a str,
    /// `visit`, `eat`, `stay`, `do`, `shop`, `service`, `event`, `tour`, `other`.
    pub category: &'static str,
    /// Who made the record.
    pub producer: Option<&'a str>,
    /// The service that translated the text, when a machine did.
    pub machine_translated: Option<&'a str>,
    /// The language of the text when it is not the page's (the object has
    /// none in the page's language).
    pub text_lang: Option<&'a str>,
    /// The language of the name (the title), when it is not the page's.
    pub name_lang: Option<&'a str>,
    /// The language of the description, when it is not the page's.
    pub description_lang: Option<&'a str>,
    /// The cover photo's credit.
    pub credit: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TranslationView {
    pub lang: String,
    pub permalink: String,
    pub current: bool,
}

/// A page: `page` in page templates, and each item of a listing's `pages`
/// (without `content` and `toc`).
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// ISO 8601 (`2026-06-01` or with time); format with `| format_date`.
    pub date: Option<String>,
    pub updated: Option<String>,
    pub permalink: String,
    pub path: &'a str,
    pub slug: &'a str,
    pub lang: &'a str,
    pub content: &'a str,
    pub summary: Option<&'a str>,
    pub toc: &'a [Heading],
    pub word_count: usize,
    /// Minutes, at 200 words a minute.
    pub reading_time: usize,
    pub pillar: Option<NavItem>,
    pub audiences: Vec<NavItem>,
    pub tags: Vec<NavItem>,
    pub taxonomies: BTreeMap<String, Vec<NavItem>>,
    pub cover: Option<CoverView>,
    pub translations: Vec<TranslationView>,
    pub ancestors: Vec<NavItem>,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The place and its practical information, formatted in the page's
    /// language (null without `[place]`).
    pub place: Option<PlaceView>,
    pub event: Option<EventView<'a>>,
    /// The trail's key facts, steps and elevation profile, in the page's
    /// language (null without a trail).
    pub trail: Option<TrailView>,
    /// The key facts box (render::facts): empty when there is little to say.
    pub facts: Vec<crate::render::facts::FactView>,
    /// Places and upcoming events near the page's place (within
    /// [`NEARBY_PLACE_RADIUS_M`] of its coordinates, else in its commune),
    /// nearest first; only on the page's own view (empty in summaries and
    /// on trail pages, whose trail lists what lies near the track).
    pub nearby: Vec<NearbyItem>,
    /// The place's map: a pin at its coordinates (null without them, and
    /// on a trail page, whose map is `trail.map`).
    pub map: Option<MapView>,
    /// Where a page made from a tourism data feed comes from (null for
    /// markdown pages).
    pub data: Option<DataView<'a>>,
    /// Whether the place opens on the day the site was built (null when
    /// its hours are not given).
    pub open_today: Option<bool>,
    pub authors: &'a [String],
    pub draft: bool,
    pub has_code: bool,
    /// URLs (paths) of the bundle's files.
    pub assets: Vec<String>,
    /// The source, relative to content/.
    pub file: &'a str,
}

/// How far from a place another is "nearby", metres.
pub const NEARBY_PLACE_RADIUS_M: f64 = 10_000.0;
/// The most places and events a page lists as nearby.
pub const NEARBY_PLACE_MAX: usize = 4;

/// A place or an event near a page's place: `page.nearby`.
#[derive(Debug, Clone, Serialize)]
pub struct NearbyItem {
    pub title: String,
    pub permalink: String,
    /// `place` or `event`.
    pub kind: &'static str,
    /// "à 2,3 km", or "à Orbière" when the page has no coordinates.
    pub distance: String,
    pub cover: Option<CoverView>,
    /// The event's when, in words (null for places).
    pub when: Option<String>,
}

/// `section.map`: a listing's map and the places it numbers, in order.
#[derive(Debug, Clone, Serialize)]
pub struct ListingMapView {
    #[serde(flatten)]
    pub map: MapView,
    pub places: Vec<MapPlace>,
}

/// A listing: a section, a pillar, an audience, a tag, or the home page.
#[derive(Debug, Clone, Serialize)]
pub struct ListingView<'a> {
    /// `home`, `section`, `pillar`, `audience`, `term`, `taxonomy`, `audiences`.
    pub kind: &'static str,
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub content: std::borrow::Cow<'a, str>,
    pub permalink: String,
    pub path: String,
    pub lang: &'a str,
    /// The listed pages, as page views without `content`. Indices here; the
    /// renderer puts the views in, made once per page for the whole build.
    #[serde(skip)]
    pub pages: Vec<usize>,
    pub subsections: Vec<NavItem>,
    /// For taxonomy and audience index pages: the terms, with page counts.
    pub terms: Vec<TermView>,
    pub paginator: Option<PaginatorView>,
    pub translations: Vec<TranslationView>,
    pub ancestors: Vec<NavItem>,
    pub cover: Option<CoverView>,
    pub extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
    pub toc: &'a [Heading],
    /// A section's map of its places and trails, numbered like its
    /// `places` (null for other listings and without coordinates).
    pub map: Option<ListingMapView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub key: String,
    pub title: String,
    pub permalink: String,
    pub path: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaginatorView {
    pub current_index: usize,
    pub number_pagers: usize,
    pub total_pages: usize,
    pub first: String,
    pub last: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// Each page's rendered HTML while outputs are made. In a build, a page's
/// own output takes its HTML, and the outputs that show other pages' HTML
/// (feeds, photo pages) share it before any page output runs: the HTML of
/// a large site is released page by page instead of being held whole until
/// the end (10,000 pages: about 90 MB, 38 MB packed). `serve` keeps every page's HTML
/// for its next build.
pub struct PageHtml {
    html: Vec<std::sync::Mutex<Option<crate::markdown::held::Html>>>,
    after_use: HtmlAfterUse,
}

impl PageHtml {
    /// Moves each page's HTML out of `bodies` (given back by [`restore`]).
    ///
    /// [`restore`]: PageHtml::restore
    pub fn new(bodies: &mut [Rendered], after_use: HtmlAfterUse) -> PageHtml {
        PageHtml {
            html: bodies
                .iter_mut()
                .map(|b| std::sync::Mutex::new(Some(std::mem::take(&mut b.html))))
                .collect(),
            after_use,
        }
    }

    /// Page `i`'s HTML for an output beside its page's own; `None` once that
    /// page's output has taken it.
    pub fn share(&self, i: usize) -> Option<crate::markdown::held::Html> {
        self.html[i]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Page `i`'s HTML for its own output, the last to read it: taken in a
    /// build, shared when kept.
    pub fn take(&self, i: usize) -> Option<crate::markdown::held::Html> {
        let mut html = self.html[i].lock().unwrap_or_else(|p| p.into_inner());
        match self.after_use {
            HtmlAfterUse::Keep => html.clone(),
            HtmlAfterUse::Release => html.take(),
        }
    }

    /// Gives what is left of each page's HTML back to `bodies`.
    pub fn restore(self, bodies: &mut [Rendered]) {
        for (body, html) in bodies.iter_mut().zip(self.html) {
            if let Some(h) = html.into_inner().unwrap_or_else(|p| p.into_inner()) {
                body.html = h;
            }
        }
    }
}

/// How much of a page a view holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// What listings show: no breadcrumb, table of contents or translations.
    Summary,
    /// What the page's own template shows (its HTML is added apart).
    Full,
}

/// Whether the pages' HTML is kept after their output is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlAfterUse {
    /// Released as each page is written: a build.
    Release,
    /// Kept for the next build to reuse: `serve`.
    Keep,
}

/// Everything views are built from.
pub struct ViewSource<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub model: &'a SiteModel,
    /// Pages' rendered markdown, their HTML moved to `html`.
    pub page_bodies: &'a [Rendered],
    pub html: &'a PageHtml,
    pub section_bodies: &'a [Rendered],
    /// Each page's event, resolved (None for pages without `[event]`).
    pub events: &'a [Option<EventTimes>],
    pub strings: &'a BTreeMap<String, Strings>,
    /// Responsive variants of every cover, by source file.
    pub images: &'a std::collections::HashMap<std::path::PathBuf, crate::media::ResponsiveImage>,
    /// Each page's and section's cover file.
    pub cover_files: &'a crate::content::CoverFiles,
    /// Each map drawn: of a page (its trail or its place), of a section.
    pub maps:
        &'a std::collections::HashMap<crate::render::map::MapFor, crate::media::ResponsiveImage>,
    /// The build's day in the site's zone ("open today" on places).
    pub today: jiff::civil::Date,
    /// The build's clock: which scheduled posts are past.
    pub clock: &'a crate::clock::Clock,
    /// The places a page may show as nearby, made on first use.
    pub near: Near,
}

/// The places pages may show as nearby (places, not drafts, not events
/// over), by language (a page lists only pages of its own), made on first
/// use for the "nearby" blocks.
#[derive(Default)]
pub struct Near {
    /// Those with coordinates.
    points: std::sync::OnceLock<std::collections::HashMap<String, crate::geo::near::PointIndex>>,
    /// All, by (language, their commune's slug), in the order a page
    /// without coordinates lists them (by title): one list made once, not
    /// every page of the site read for each such page.
    communes: std::sync::OnceLock<std::collections::HashMap<(String, String), Vec<usize>>>,
}

/// Each page's summary view (what listings show) as a Tera value. A build
/// makes them one language at a time, for the outputs of that language,
/// on first use (a page's own output makes its summary, its listings take
/// it), and drops them before the next language (a region's portal's are a
/// gigabyte in all); one asked for outside that language is made for the
/// asking. `serve` makes them all and keeps them for its next build.
pub struct Summaries<'a> {
    /// By page index: the summaries kept once made (filled first by
    /// `serve`, on first use by a build); `None`, or past the end: made for
    /// each asking.
    kept: Vec<Option<std::sync::OnceLock<tera::Value>>>,
    make: &'a (dyn Fn(usize) -> tera::Value + Sync + 'a),
    /// What `make` does to a summary's value once made (sharing its small
    /// maps), for a summary made from its page's full view instead.
    adopt: Option<&'a (dyn Fn(tera::Value) -> tera::Value + Sync + 'a)>,
}

impl<'a> Summaries<'a> {
    /// `make` makes page `i`'s summary; `made` holds those already made
    /// (by page index; shorter or `None` where not), the others are made
    /// for each asking.
    pub fn new(
        make: &'a (dyn Fn(usize) -> tera::Value + Sync + 'a),
        made: Vec<Option<tera::Value>>,
    ) -> Summaries<'a> {
        Summaries {
            kept: made
                .into_iter()
                .map(|v| v.map(std::sync::OnceLock::from))
                .collect(),
            make,
            adopt: None,
        }
    }

    /// Summaries made on first use, and kept for the pages `keep` says.
    /// `adopt`: what `make` does to a summary's value once made; a
    /// summary first asked for by its own page is then made from the
    /// page's full view rather than its own ([`Summaries::with_full`]).
    pub fn on_first_use(
        make: &'a (dyn Fn(usize) -> tera::Value + Sync + 'a),
        adopt: &'a (dyn Fn(tera::Value) -> tera::Value + Sync + 'a),
        keep: impl Iterator<Item = bool>,
    ) -> Summaries<'a> {
        Summaries {
            kept: keep.map(|k| k.then(std::sync::OnceLock::new)).collect(),
            make,
            adopt: Some(adopt),
        }
    }

    /// Page `i`'s value for its own template, from its full view `full`.
    /// When its summary is not made yet, it is made from the same value
    /// (the fields only full views have, emptied): the page's view is
    /// made once, not once more for its summary.
    pub fn with_full(&self, i: usize, full: &PageView<'_>) -> tera::Value {
        if let (Some(adopt), Some(Some(cell))) = (self.adopt, self.kept.get(i))
            && cell.get().is_none()
        {
            let value = tera::Value::from_serializable(full);
            let mut from_here = false;
            let summary = cell.get_or_init(|| {
                from_here = true;
                adopt(summary_from_full(&value))
            });
            if from_here {
                return value;
            }
            return full_page_value(summary, full);
        }
        full_page_value(&self.get(i), full)
    }

    /// Page `i`'s summary: a cheap clone of the one made (Tera values
    /// share their data), else made now.
    pub fn get(&self, i: usize) -> tera::Value {
        match self.kept.get(i) {
            Some(Some(cell)) => cell.get_or_init(|| (self.make)(i)).clone(),
            _ => (self.make)(i),
        }
    }

    /// The summaries made, by page index.
    pub fn into_made(self) -> Vec<Option<tera::Value>> {
        self.kept
            .into_iter()
            .map(|cell| cell.and_then(std::sync::OnceLock::into_inner))
            .collect()
    }
}

/// Serializes a listing for templates, with its `pages` taken from the
/// page summaries (cheap clones: Tera values share data).
pub fn listing_value(view: &ListingView<'_>, summaries: &Summaries<'_>) -> tera::Value {
    let value = tera::Value::from_serializable(view);
    let mut map = value.into_map().unwrap_or_default();
    let pages: Vec<tera::Value> = view.pages.iter().map(|&i| summaries.get(i)).collect();
    map.insert(tera::value::Key::Str("pages"), tera::Value::from(pages));
    tera::Value::from(map)
}

/// A page's summary value from its full view's value: the fields only a
/// full view fills (its HTML, table of contents, translations, ancestors,
/// nearby places and an event's list of dates) as a summary has them.
pub fn summary_from_full(full: &tera::Value) -> tera::Value {
    use tera::value::Key;
    let Some(full) = full.as_map() else {
        return full.clone();
    };
    let empty = || tera::Value::from(Vec::<tera::Value>::new());
    let mut map = full.clone();
    map.insert(Key::Str("content"), tera::Value::from(""));
    for key in ["toc", "translations", "ancestors", "nearby"] {
        map.insert(Key::Str(key), empty());
    }
    if let Some(event) = full.get(&Key::Str("event")).and_then(tera::Value::as_map) {
        let mut event = event.clone();
        event.insert(Key::Str("dates"), empty());
        map.insert(Key::Str("event"), tera::Value::from(event));
    }
    tera::Value::from(map)
}

/// A page as its own template sees it: its summary (made once per build)
/// with the fields summaries leave empty taken from `full`, the page's
/// full view (and its event, whose list of dates summaries leave out).
/// The same value as serializing `full`, without serializing the whole
/// page a second time.
pub fn full_page_value(summary: &tera::Value, full: &PageView<'_>) -> tera::Value {
    use tera::value::Key;
    let mut map = summary.as_map().cloned().unwrap_or_default();
    map.insert(Key::Str("content"), tera::Value::from(full.content));
    map.insert(Key::Str("toc"), tera::Value::from_serializable(&full.toc));
    map.insert(
        Key::Str("translations"),
        tera::Value::from_serializable(&full.translations),
    );
    map.insert(
        Key::Str("ancestors"),
        tera::Value::from_serializable(&full.ancestors),
    );
    map.insert(
        Key::Str("nearby"),
        tera::Value::from_serializable(&full.nearby),
    );
    if let Some(event) = full.event.as_ref().filter(|e| !e.dates.is_empty()) {
        map.insert(Key::Str("event"), tera::Value::from_serializable(event));
    }
    let value = tera::Value::from(map);
    // Every build of the test suite checks each page against the plain way.
    debug_assert!(
        same_value(&value, &tera::Value::from_serializable(full)),
        "the full view of {} differs from its summary beyond content, toc, translations, ancestors, nearby and the event's dates",
        full.path
    );
    value
}

/// Equal values, with the same keys in the same order and the same text
/// marked safe (`==` on values compares neither).
pub(crate) fn same_value(a: &tera::Value, b: &tera::Value) -> bool {
    match (a.as_map(), b.as_map(), a.as_array(), b.as_array()) {
        (Some(x), Some(y), _, _) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
        }
        (_, _, Some(x), Some(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(va, vb)| same_value(va, vb))
        }
        _ => a == b && a.is_safe() == b.is_safe(),
    }
}

/// Small maps of text met in many page summaries (a pillar, a tag, an
/// audience, a breadcrumb link) kept once: `value` comes back with each such
/// map replaced by the first equal one in `seen`. Tera values are counted
/// references, so ten thousand pages tagged `randonnee` share one map. Maps
/// with long texts (a page's share links) are unique to their page and left
/// alone, and a map or list none of whose parts was replaced is kept as it
/// is rather than built again.
pub fn share_small_maps(
    value: tera::Value,
    seen: &std::sync::Mutex<std::collections::HashMap<String, tera::Value>>,
) -> tera::Value {
    /// The longest text a shared map holds, keys included.
    const SMALL: usize = 256;
    // A list or map is copied only once one of its parts is replaced, and
    // a map's copy keeps its table: no key is hashed again (a region's
    // summaries are 100,000 maps of about thirty keys).
    if let Some(items) = value.as_array() {
        let mut copy: Option<Vec<tera::Value>> = None;
        for (i, v) in items.iter().enumerate() {
            let shared = share_small_maps(v.clone(), seen);
            if !same_object(&shared, v) {
                copy.get_or_insert_with(|| items.to_vec())[i] = shared;
            }
        }
        return copy.map_or(value, tera::Value::from);
    }
    let Some(map) = value.as_map() else {
        return value;
    };
    let size = map.iter().try_fold(0, |n, (k, v)| {
        Some(n + k.as_str().unwrap_or_default().len() + v.as_str()?.len())
    });
    if !size.is_some_and(|n| map.len() <= 8 && n <= SMALL) {
        let mut copy: Option<tera::value::Map> = None;
        for (i, v) in map.values().enumerate() {
            let shared = share_small_maps(v.clone(), seen);
            if !same_object(&shared, v)
                && let Some((_, slot)) = copy.get_or_insert_with(|| map.clone()).get_index_mut(i)
            {
                *slot = shared;
            }
        }
        return copy.map_or(value, tera::Value::from);
    }
    // Keys, values and whether each is marked safe, with separators no text holds.
    let mut id = String::with_capacity(size.unwrap_or(0) + 2 * map.len());
    for (k, v) in map {
        id.push_str(k.as_str().unwrap_or_default());
        id.push('\u{0}');
        id.push_str(v.as_str().unwrap_or_default());
        id.push(if v.is_safe() { '\u{2}' } else { '\u{1}' });
    }
    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
    seen.entry(id).or_insert(value).clone()
}

/// The same map or list (not only an equal one); other values always are.
fn same_object(a: &tera::Value, b: &tera::Value) -> bool {
    match (a.as_map(), b.as_map(), a.as_array(), b.as_array()) {
        (Some(x), Some(y), _, _) => std::ptr::eq(x, y),
        (_, _, Some(x), Some(y)) => std::ptr::eq(x, y),
        _ => true,
    }
}

impl<'a> ViewSource<'a> {
    fn base(&self) -> &'a str {
        self.config.base()
    }

    fn prefix(&self, lang: &str) -> String {
        self.config.lang_prefix(lang)
    }

    fn translations(&self, key: &str, lang: &str) -> Vec<TranslationView> {
        self.model
            .translations
            .get(key)
            .map(|list| {
                list.iter()
                    .map(|(l, p)| TranslationView {
                        lang: l.clone(),
                        permalink: absolute(self.base(), p),
                        current: l == lang,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Breadcrumb: home, then the sections above (pillar sections by their pillar name).
    fn ancestors(&self, mut section: Option<usize>) -> Vec<NavItem> {
        let mut out = Vec::new();
        while let Some(i) = section {
            let s = &self.content.sections[i];
            out.push(self.section_nav(i));
            section = s.parent;
        }
        out.reverse();
        out
    }

    fn section_nav(&self, i: usize) -> NavItem {
        let s = &self.content.sections[i];
        let title = match self.model.merged_sections.get(&i) {
            Some(&l) if s.fm.title.is_none() => self.model.listings[l].title.clone(),
            _ if s.is_home() => self.config.title_in(&s.lang).to_string(),
            _ => s.title().to_string(),
        };
        nav(self.base(), &s.dir_rel, &title, &s.path)
    }

    /// A cover as written (`cover`), the file it resolved to
    /// ([`crate::content::CoverFiles`]), its description, its owner's path.
    fn cover(
        &self,
        cover: Option<&str>,
        file: Option<&std::path::Path>,
        alt: Option<&str>,
        owner_path: &str,
    ) -> Option<CoverView> {
        let c = cover?;
        let url = match c.strip_prefix('/') {
            Some(_) => c.to_string(),
            None => format!("{owner_path}{c}"),
        };
        let lower = c.to_ascii_lowercase();
        let mime = if lower.ends_with(".png") {
            "image/png"
        } else if lower.ends_with(".webp") {
            "image/webp"
        } else if lower.ends_with(".svg") {
            "image/svg+xml"
        } else if lower.ends_with(".avif") {
            "image/avif"
        } else {
            "image/jpeg"
        };
        // A processed cover is published as its variants only (metadata stripped);
        // `url` is then the `<img>` fallback (`media::ResponsiveImage`).
        if let Some(img) = file.and_then(|f| self.images.get(f)) {
            let fallback = &img.fallback;
            let mime = if fallback.url.ends_with(".webp") {
                "image/webp"
            } else {
                "image/jpeg"
            };
            return Some(CoverView {
                permalink: fallback.url.clone(),
                url: fallback
                    .url
                    .strip_prefix(self.base())
                    .unwrap_or(&fallback.url)
                    .to_string(),
                alt: alt.map(String::from),
                width: Some(fallback.width),
                height: Some(fallback.height),
                mime,
                image: Some(img.clone()),
                source: file.map(std::path::Path::to_path_buf),
            });
        }
        // An image published as it is (an SVG, a GIF), or one whose
        // variants were not made (`check` after a failed image): its size
        // from its header.
        let size = file.and_then(|f| imagesize::size(f).ok());
        Some(CoverView {
            permalink: absolute(self.base(), &url),
            url,
            alt: alt.map(String::from),
            width: size.map(|s| s.width as u32),
            height: size.map(|s| s.height as u32),
            mime,
            image: None,
            source: None,
        })
    }

    /// The cover of page `i` (null without one).
    pub fn page_cover(&self, i: usize) -> Option<CoverView> {
        let p = &self.content.pages[i];
        self.cover(
            p.fm.cover.as_deref(),
            self.cover_files.page(i),
            p.fm.cover_alt.as_deref(),
            &p.path,
        )
    }

    /// The cover of section `i` (null without one).
    pub fn section_cover(&self, i: usize) -> Option<CoverView> {
        let s = &self.content.sections[i];
        self.cover(
            s.fm.cover.as_deref(),
            self.cover_files.section(i),
            s.fm.cover_alt.as_deref(),
            &s.path,
        )
    }

    /// The place of page `i`, in the page's language, on the build's date.
    pub fn place_view(&self, i: usize) -> Option<PlaceView> {
        let p: &'a Page = &self.content.pages[i];
        let place = p.fm.place.as_ref()?;
        let strings = self.strings.get(&p.lang)?;
        Some(place_view(place, strings, self.today))
    }

    /// The trail of page `i`, in the page's language.
    pub fn trail_view(&self, i: usize) -> Option<TrailView> {
        let p: &'a Page = &self.content.pages[i];
        let trail = p.trail.as_deref()?;
        let strings = self.strings.get(&p.lang)?;
        let mut view = trail_view(trail, strings);
        if trail.has_track() {
            view = crate::render::trail::with_download(view, self.base(), &p.path, &p.slug);
            view.nearby = self.near_trail(i, trail, strings);
        }
        view.map = self.maps.get(&MapFor::Page(i)).map(|img| {
            let numbered = !super::map::numbered_steps(trail).is_empty();
            let v = super::map::map_view(img, self.config, strings, numbered);
            super::map::with_interactive(v, self.config, &super::map::trail_map(trail))
        });
        Some(view)
    }

    /// The places and upcoming events of the page's language near the
    /// trail of page `i` (pages with a trail of their own left out).
    fn near_trail(
        &self,
        i: usize,
        trail: &crate::content::trail::Trail,
        strings: &Strings,
    ) -> Vec<crate::render::trail::NearbyView> {
        let lang = &self.content.pages[i].lang;
        let shown = crate::content::site::Shown::new(self.content, self.config);
        let candidates: Vec<crate::render::trail::Candidate<'_>> = self
            .content
            .pages
            .iter()
            .enumerate()
            .filter(|&(j, q)| j != i && q.trail.is_none() && shown.in_lang(q, lang))
            .filter_map(|(j, q)| {
                let place = q.fm.place.as_ref()?;
                let event = self.events.get(j).and_then(Option::as_ref);
                if event.is_some_and(|t| !t.upcoming()) {
                    return None;
                }
                Some(crate::render::trail::Candidate {
                    title: q.title(),
                    permalink: absolute(self.base(), &q.path),
                    kind: if event.is_some() { "event" } else { "place" },
                    lat: place.lat.filter(|l| l.is_finite())?,
                    lon: place.lon.filter(|l| l.is_finite())?,
                })
            })
            .collect();
        crate::render::trail::nearby(trail, &candidates, strings)
    }

    /// The places and upcoming events near page `i`'s place: within
    /// [`NEARBY_PLACE_RADIUS_M`] of its coordinates, else in the same
    /// commune; pages of its language only, at most [`NEARBY_PLACE_MAX`].
    fn nearby(&self, i: usize) -> Vec<NearbyItem> {
        let p = &self.content.pages[i];
        let (Some(place), None, Some(strings)) =
            (p.fm.place.as_ref(), &p.trail, self.strings.get(&p.lang))
        else {
            return Vec::new();
        };
        let word = |key: &str| strings.strings.get(key).cloned().unwrap_or_default();
        // Pages a page may show as nearby: places, not drafts, not events
        // over. The index holds only these, by language, so a query
        // checks no page beyond its own distance (in a dense town, a page
        // read for each point read cost a region 5 % of its build).
        let fits = |j: usize| {
            let q = &self.content.pages[j];
            !q.fm.draft
                && q.fm.place.is_some()
                && self
                    .events
                    .get(j)
                    .and_then(Option::as_ref)
                    .is_none_or(|t| t.promotable())
        };
        let found: Vec<(usize, String)> = match (place.lat, place.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
                let indexes = self.near.points.get_or_init(|| {
                    let mut points: std::collections::HashMap<String, Vec<(f64, f64, usize)>> =
                        Default::default();
                    for (j, q) in self.content.pages.iter().enumerate() {
                        if let Some((Some(lat), Some(lon))) =
                            q.fm.place.as_ref().map(|pl| (pl.lat, pl.lon))
                            && fits(j)
                        {
                            points
                                .entry(q.lang.clone())
                                .or_default()
                                .push((lat, lon, j));
                        }
                    }
                    points
                        .into_iter()
                        .map(|(lang, points)| (lang, crate::geo::near::PointIndex::new(points)))
                        .collect()
                });
                indexes
                    .get(&p.lang)
                    .map(|index| {
                        index.nearest(lat, lon, NEARBY_PLACE_RADIUS_M, NEARBY_PLACE_MAX, |j| {
                            j != i
                        })
                    })
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(j, d)| {
                        let n = if d < 1000.0 {
                            let m = ((d / 10.0).round() * 10.0).max(10.0);
                            super::practical::fill(
                                &word("trail_metres"),
                                &[("n", &strings.format_number(m, Some(0)))],
                            )
                        } else {
                            let km = (d / 100.0).round() / 10.0;
                            let decimals = if km >= 100.0 || km.fract() == 0.0 {
                                0
                            } else {
                                1
                            };
                            super::practical::fill(
                                &word("trail_km"),
                                &[("n", &strings.format_number(km, Some(decimals)))],
                            )
                        };
                        (
                            j,
                            super::practical::fill(&word("nearby_distance"), &[("distance", &n)]),
                        )
                    })
                    .collect()
            }
            _ => {
                let Some(commune) = place.commune.as_deref() else {
                    return Vec::new();
                };
                let communes = self.near.communes.get_or_init(|| {
                    let mut by: std::collections::HashMap<(String, String), Vec<usize>> =
                        Default::default();
                    for (j, q) in self.content.pages.iter().enumerate() {
                        if let Some(c) = q.fm.place.as_ref().and_then(|pl| pl.commune.as_deref())
                            && fits(j)
                        {
                            by.entry((q.lang.clone(), crate::slug::slugify(c)))
                                .or_default()
                                .push(j);
                        }
                    }
                    for same in by.values_mut() {
                        same.sort_by_cached_key(|&j| {
                            let q = &self.content.pages[j];
                            (crate::slug::slugify(q.title()), q.path.clone())
                        });
                    }
                    by
                });
                let key = (p.lang.clone(), crate::slug::slugify(commune));
                let same: Vec<usize> = communes
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&j| j != i)
                    .take(NEARBY_PLACE_MAX)
                    .collect();
                let text = super::practical::fill(&word("nearby_commune"), &[("commune", commune)]);
                same.into_iter().map(|j| (j, text.clone())).collect()
            }
        };
        found
            .into_iter()
            .map(|(j, distance)| {
                let q = &self.content.pages[j];
                NearbyItem {
                    title: q.title().to_string(),
                    permalink: absolute(self.base(), &q.path),
                    kind: if q.fm.event.is_some() {
                        "event"
                    } else {
                        "place"
                    },
                    distance,
                    cover: self.page_cover(j),
                    when: q
                        .fm
                        .event
                        .as_ref()
                        .and_then(|_| self.event_view(j, Detail::Summary))
                        .map(|e| e.when),
                }
            })
            .collect()
    }

    /// The event of page `i`, in the page's language; in a summary (what
    /// listings show) without its list of dates, which an exhibition open
    /// every day of a season makes long.
    fn event_view(&self, i: usize, detail: Detail) -> Option<EventView<'a>> {
        let p: &'a Page = &self.content.pages[i];
        let fm = p.fm.event.as_ref()?;
        let t = self.events.get(i)?.as_ref()?;
        let strings = self.strings.get(&p.lang)?;
        let repeats = t.rrule.is_some() || !t.more.is_empty();
        let shown = t.next.as_ref().filter(|_| repeats).unwrap_or(&t.start);
        // The end of the shown occurrence: one of `[[event.dates]]` has its own.
        let shown_end = match t.more.iter().find(|(s, _)| s == shown) {
            Some((_, e)) => e.clone(),
            None if t.rrule.is_some() && t.next.is_some() => t.occurrence_end(shown),
            None => t.end.clone(),
        };
        let in_words = |start: &jiff::Zoned, end: &jiff::Zoned| {
            if t.all_day {
                let last = crate::content::event::last_day(start, end);
                if last > start.date() {
                    strings.date_range(start.date(), last)
                } else {
                    strings.format_date(start.date())
                }
            } else {
                strings.time_span(start, end)
            }
        };
        let when = in_words(shown, &shown_end);
        let (badge_day, badge_month) = strings.date_badge(shown.date());
        let date_count = 1 + t.more.len();
        let mut all_dates: Vec<String> = Vec::new();
        if !t.more.is_empty() && detail == Detail::Full {
            for run in t.daily_runs(|z| z.datetime()) {
                let ((s, e), (last, last_end)) = (run.first, run.last);
                if run.days == 1 {
                    all_dates.push(in_words(s, e));
                } else if t.all_day {
                    let last_day = crate::content::event::last_day(last, last_end);
                    all_dates.push(strings.date_range(s.date(), last_day));
                } else if s.date() == e.date() {
                    all_dates.push(strings.days_span(s, e, last.date()));
                } else {
                    // Each past midnight: said one by one.
                    let each = t.occurrences().skip(run.number).take(run.days);
                    all_dates.extend(each.map(|(s, e)| in_words(s, e)));
                }
            }
        }
        let ics = absolute(self.base(), &format!("{}{}.ics", p.path, p.slug));
        let fmt_utc = |z: &jiff::Zoned| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
        let dates = if t.all_day {
            format!(
                "{}/{}",
                t.start.date().strftime("%Y%m%d"),
                t.end.date().strftime("%Y%m%d")
            )
        } else {
            format!("{}/{}", fmt_utc(shown), fmt_utc(&shown_end))
        };
        let mut google = format!(
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={dates}&details={}",
            crate::url::encode(p.title()),
            crate::url::encode(&absolute(self.base(), &p.path))
        );
        if let Some(l) = &fm.location {
            google.push_str(&format!("&location={}", crate::url::encode(l)));
        }
        Some(EventView {
            start: event::iso(&t.start, t.all_day),
            end: if t.all_day {
                t.last_day.to_string()
            } else {
                event::iso(&t.end, false)
            },
            all_day: t.all_day,
            multi_day: t.multi_day(),
            status: match t.status {
                EventStatus::Scheduled => "scheduled",
                EventStatus::Cancelled => "cancelled",
                EventStatus::Postponed => "postponed",
            },
            upcoming: t.upcoming(),
            next: t.next.as_ref().map(|n| event::iso(n, t.all_day)),
            when,
            recurrence: t.rrule.as_ref().map(|r| strings.recurrence(r)),
            badge_day,
            badge_month,
            dates: all_dates,
            date_count,
            location: fm.location.as_deref(),
            booking_url: fm.booking_url.as_deref(),
            ics,
            google_calendar: google,
        })
    }

    /// A page's full view with its HTML, `html` (from [`PageHtml`]).
    pub fn page_full<'b>(&'b self, id: PageId, html: &'b str) -> PageView<'b> {
        let mut view: PageView<'b> = self.page(id, Detail::Full);
        view.content = html;
        view
    }

    /// A page's view: its summary, or all but its HTML
    /// ([`page_full`](ViewSource::page_full) adds it).
    pub fn page(&self, id: PageId, detail: Detail) -> PageView<'a> {
        let i = id.0;
        let full = detail == Detail::Full;
        let p: &'a Page = &self.content.pages[i];
        let body: &'a Rendered = &self.page_bodies[i];
        let base = self.base();
        let prefix = self.prefix(&p.lang);
        let mut taxonomies = BTreeMap::new();
        for (tax, terms) in p.taxonomy_terms() {
            let tax_slug = crate::slug::slugify(&tax);
            let items: Vec<NavItem> = terms
                .iter()
                .map(|t| {
                    let slug = crate::slug::slugify(t);
                    nav(base, &slug, t, &format!("{prefix}/{tax_slug}/{slug}/"))
                })
                .collect();
            taxonomies.insert(tax, items);
        }
        let tags = taxonomies.get("tags").cloned().unwrap_or_default();
        let place = self.place_view(i);
        let event = self.event_view(i, detail);
        let trail = self.trail_view(i);
        PageView {
            kind: "page",
            title: p.title(),
            description: p.fm.description.as_deref(),
            date: p.date.map(|d| d.iso()),
            updated: p.fm.updated.map(|d| d.iso()),
            permalink: absolute(base, &p.path),
            path: &p.path,
            slug: &p.slug,
            lang: &p.lang,
            content: "",
            summary: body.summary.as_deref(),
            toc: if full { &body.toc } else { &[] },
            word_count: body.word_count,
            reading_time: body.word_count.div_ceil(200).max(1),
            pillar: p.pillar.as_ref().map(|k| {
                nav(
                    base,
                    k,
                    self.config.pillar_title(k, &p.lang).unwrap_or(k),
                    &format!("{prefix}/{k}/"),
                )
            }),
            audiences: p
                .fm
                .audiences
                .iter()
                .map(|k| {
                    nav(
                        base,
                        k,
                        self.config.audience_title(k, &p.lang).unwrap_or(k),
                        &routes::audience(self.config, &p.lang, k),
                    )
                })
                .collect(),
            tags,
            taxonomies,
            cover: self.cover(
                p.fm.cover.as_deref(),
                self.cover_files.page(i),
                p.fm.cover_alt.as_deref(),
                &p.path,
            ),
            translations: if full {
                self.translations(&format!("page:{}", p.translation_key), &p.lang)
            } else {
                Vec::new()
            },
            ancestors: if full {
                self.ancestors(Some(p.section))
            } else {
                Vec::new()
            },
            extra: &p.fm.extra,
            facts: self.strings.get(&p.lang).map_or_else(Vec::new, |strings| {
                crate::render::facts::key_facts(
                    &crate::render::facts::Sources {
                        written: p.fm.facts.as_deref(),
                        trail: trail.as_ref(),
                        place: place.as_ref(),
                        event_booking: event
                            .as_ref()
                            .filter(|e| e.status == "scheduled" && e.upcoming)
                            .and_then(|e| e.booking_url),
                    },
                    strings,
                )
            }),
            nearby: if full { self.nearby(i) } else { Vec::new() },
            place,
            event,
            trail,
            map: self.place_map_view(i),
            open_today: p.fm.place.as_ref().and_then(|pl| pl.open_on(self.today)),
            data: p.origin.as_deref().map(|o| DataView {
                format: o.format.key(),
                id: &o.id,
                category: o.category.key(),
                producer: o.producer.as_deref(),
                machine_translated: o.machine_translated.as_deref(),
                text_lang: o.text_lang.as_deref(),
                name_lang: o.name_lang.as_deref(),
                description_lang: o.description_lang.as_deref(),
                credit: o.credit.as_deref(),
            }),
            authors: &p.fm.authors,
            draft: p.fm.draft,
            has_code: body.has_code,
            assets: p
                .assets
                .iter()
                .filter_map(|a| a.strip_prefix(&p.dir).ok())
                .map(|r| format!("{}{}", p.path, r.to_string_lossy().replace('\\', "/")))
                .collect(),
            file: &p.file.content_rel,
        }
    }

    /// A section (or the home page), with the given page indices already paginated.
    pub fn section(
        &self,
        id: SectionId,
        pages: &[usize],
        paginator: Option<PaginatorView>,
    ) -> ListingView<'a> {
        let i = id.0;
        let s: &'a Section = &self.content.sections[i];
        let body: &'a Rendered = &self.section_bodies[i];
        let merged = self
            .model
            .merged_sections
            .get(&i)
            .map(|&l| &self.model.listings[l]);
        let kind = if s.is_home() {
            "home"
        } else if merged.is_some() {
            "pillar"
        } else {
            "section"
        };
        let title = self.section_title(id);
        let description = s.fm.description.clone().or_else(|| {
            merged
                .and_then(|l| self.config.pillars.get(&l.key))
                .map(|g| g.description.clone())
                .filter(|d| !d.is_empty())
        });
        ListingView {
            kind,
            key: merged.map_or_else(|| s.dir_rel.clone(), |l| l.key.clone()),
            title,
            description,
            content: body.html.text(),
            permalink: absolute(self.base(), &s.path),
            path: s.path.clone(),
            lang: &s.lang,
            pages: pages.to_vec(),
            subsections: s.subsections.iter().map(|&c| self.section_nav(c)).collect(),
            terms: Vec::new(),
            paginator,
            translations: self.translations(&format!("section:{}", s.translation_key), &s.lang),
            ancestors: self.ancestors(s.parent),
            cover: self.cover(
                s.fm.cover.as_deref(),
                self.cover_files.section(i),
                s.fm.cover_alt.as_deref(),
                &s.path,
            ),
            extra: Some(&s.fm.extra),
            toc: &body.toc,
            map: self.listing_map_view(i),
        }
    }

    /// The map of section `si`'s places and trails, with the list that
    /// names them in the markers' order.
    fn listing_map_view(&self, si: usize) -> Option<ListingMapView> {
        let img = self.maps.get(&MapFor::Section(si))?;
        let s = &self.content.sections[si];
        let strings = self.strings.get(&s.lang)?;
        let places = crate::render::map::listing_places(self.content, si)
            .into_iter()
            .map(|i| {
                let q = &self.content.pages[i];
                MapPlace {
                    title: q.title().to_string(),
                    permalink: absolute(self.base(), &q.path),
                }
            })
            .collect();
        let map = crate::render::map::described(img, self.config, strings, "listing_map_alt");
        let map = match crate::render::map::listing_map(self.content, si) {
            Some(req) => crate::render::map::with_interactive(map, self.config, &req),
            None => map,
        };
        Some(ListingMapView { map, places })
    }

    /// The map of page `i`'s place (none on a trail page).
    fn place_map_view(&self, i: usize) -> Option<MapView> {
        let p = &self.content.pages[i];
        if p.trail.is_some() {
            return None;
        }
        let img = self.maps.get(&MapFor::Page(i))?;
        let strings = self.strings.get(&p.lang)?;
        let map = crate::render::map::described(img, self.config, strings, "place_map_alt");
        Some(match crate::render::map::place_map(p) {
            Some(req) => crate::render::map::with_interactive(map, self.config, &req),
            None => map,
        })
    }

    /// A section's title: its own; a pillar section without one takes the
    /// pillar's name, the home page without one the site's title.
    pub fn section_title(&self, id: SectionId) -> String {
        let s = &self.content.sections[id.0];
        let merged = self
            .model
            .merged_sections
            .get(&id.0)
            .map(|&l| &self.model.listings[l]);
        match merged {
            Some(l) if s.fm.title.is_none() => l.title.clone(),
            _ if s.is_home() && s.fm.title.is_none() => self.config.title_in(&s.lang).to_string(),
            _ => s.title().to_string(),
        }
    }

    /// A pillar without a section, an audience, or a taxonomy term.
    pub fn listing(
        &self,
        id: ListingId,
        pages: &[usize],
        paginator: Option<PaginatorView>,
    ) -> ListingView<'a> {
        let listing = &self.model.listings[id.0];
        let (kind, description) = match &listing.kind {
            ListingKind::Pillar => (
                "pillar",
                Some(self.config.grouping_description(
                    GroupingKind::Pillar,
                    &listing.key,
                    &listing.lang,
                )),
            ),
            ListingKind::Audience => (
                "audience",
                Some(self.config.grouping_description(
                    GroupingKind::Audience,
                    &listing.key,
                    &listing.lang,
                )),
            ),
            ListingKind::Term { .. } => ("term", None),
        };
        let home = self.content.home(&listing.lang);
        let mut ancestors = self.ancestors(home);
        if let ListingKind::Term { taxonomy } = &listing.kind {
            let p = format!(
                "{}/{}/",
                self.prefix(&listing.lang),
                crate::slug::slugify(taxonomy)
            );
            let name = self
                .strings
                .get(&listing.lang)
                .and_then(|s| s.strings.get(&format!("taxonomy_{taxonomy}")))
                .map_or(taxonomy.as_str(), String::as_str);
            ancestors.push(nav(self.base(), taxonomy, name, &p));
        }
        ListingView {
            kind,
            key: listing.key.clone(),
            title: listing.title.clone(),
            description: description.filter(|d| !d.is_empty()).map(String::from),
            content: "".into(),
            permalink: absolute(self.base(), &listing.path),
            path: listing.path.clone(),
            lang: self.lang_ref(&listing.lang),
            pages: pages.to_vec(),
            subsections: Vec::new(),
            terms: Vec::new(),
            paginator,
            translations: self.listing_translations(listing),
            ancestors,
            cover: None,
            extra: None,
            toc: &[],
            map: None,
        }
    }

    fn lang_ref(&self, lang: &str) -> &'a str {
        self.config
            .all_languages()
            .into_iter()
            .find(|l| *l == lang)
            .unwrap_or(&self.config.default_language)
    }

    fn listing_translations(
        &self,
        listing: &crate::content::site::Listing,
    ) -> Vec<TranslationView> {
        self.model
            .listings
            .iter()
            .filter(|o| o.kind == listing.kind && o.key == listing.key)
            .map(|o| TranslationView {
                lang: o.lang.clone(),
                permalink: absolute(self.base(), &o.path),
                current: o.lang == listing.lang,
            })
            .collect()
    }

    /// An index of terms: `/tags/` or `/audiences/`.
    pub fn index(
        &self,
        kind: &'static str,
        key: &str,
        title: String,
        path: String,
        lang: &str,
        terms: Vec<TermView>,
    ) -> ListingView<'a> {
        let home = self.content.home(lang);
        ListingView {
            kind,
            key: key.to_string(),
            title,
            description: None,
            content: "".into(),
            permalink: absolute(self.base(), &path),
            path,
            lang: self.lang_ref(lang),
            pages: Vec::new(),
            subsections: Vec::new(),
            terms,
            paginator: None,
            translations: Vec::new(),
            ancestors: self.ancestors(home),
            cover: None,
            extra: None,
            toc: &[],
            map: None,
        }
    }

    pub fn term(&self, id: ListingId) -> TermView {
        let listing = &self.model.listings[id.0];
        TermView {
            key: listing.key.clone(),
            title: listing.title.clone(),
            permalink: absolute(self.base(), &listing.path),
            path: listing.path.clone(),
            count: listing.pages.len(),
        }
    }
}

/// A photo, as templates see it (gallery grids and photo pages).
#[derive(Debug, Clone, Serialize)]
pub struct PhotoView {
    pub stem: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub license: Option<String>,
    /// The photo's own page.
    pub permalink: String,
    /// The photo at the configured widths.
    pub full: crate::media::ResponsiveImage,
    /// The grid's thumbnail (square, 4:5, or uncropped for mosaics).
    pub thumb: crate::media::ResponsiveImage,
    /// The source file and its focal point, for the photo's social card.
    #[serde(skip)]
    pub source: std::path::PathBuf,
    #[serde(skip)]
    pub focus: (f64, f64),
}

/// The photos that get a page of their own, page by page.
#[derive(Debug, Clone)]
pub struct PhotoPages {
    pub page: usize,
    pub photos: Vec<PhotoView>,
}

impl PhotoPages {
    pub fn path(&self, content: &Content, index: usize) -> String {
        format!(
            "{}photos/{}/",
            content.pages[self.page].path, self.photos[index].stem
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::held::Html;

    #[test]
    fn summaries_on_first_use_are_made_once_for_the_pages_kept() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = AtomicUsize::new(0);
        let make = |i: usize| {
            calls.fetch_add(1, Ordering::Relaxed);
            tera::Value::from(i)
        };
        // Pages 0 and 2 are of the round's language, 1 is not.
        let adopt = |v: tera::Value| v;
        let s = Summaries::on_first_use(&make, &adopt, [true, false, true].into_iter());
        assert_eq!(
            calls.load(Ordering::Relaxed),
            0,
            "nothing is made before it is asked"
        );
        for _ in 0..3 {
            assert_eq!(s.get(0), tera::Value::from(0));
            assert_eq!(s.get(1), tera::Value::from(1));
        }
        // Page 0 made once and kept, page 1 made at each asking.
        assert_eq!(calls.load(Ordering::Relaxed), 4);
        let made = s.into_made();
        assert_eq!(made.first(), Some(&Some(tera::Value::from(0))));
        assert!(made.iter().skip(1).all(Option::is_none), "{made:?}");
    }

    #[test]
    fn a_full_page_value_is_its_summary_with_the_full_fields() {
        struct NoLinks;
        impl crate::markdown::RenderContext for NoLinks {
            fn resolve_link(&self, _: &str) -> Option<String> {
                None
            }
            fn shortcode(
                &self,
                _: &crate::markdown::shortcode::Call,
            ) -> Result<String, crate::markdown::ShortcodeError> {
                Err(crate::markdown::ShortcodeError::Unknown { known: Vec::new() })
            }
        }
        let options = crate::markdown::MarkdownOptions {
            typography: crate::config::Typography::FRENCH,
            external_links_new_tab: false,
            site_host: "x.fr",
            anchor_links: crate::markdown::AnchorLinks::None,
            raw_html: crate::config::RawHtml::Sanitize,
        };
        let body = crate::markdown::render(
            "## Accès <b>\"x\"</b>\n\n### Parking\n\nTexte *gras* : oui.\n",
            1,
            &options,
            &NoLinks,
        )
        .unwrap();
        assert!(!body.html.is_empty() && !body.toc.is_empty());
        let body_html = body.html.text();
        let extra = serde_json::Map::new();
        let authors = vec!["Office".to_string()];
        let view = |full: bool| PageView {
            kind: "page",
            title: "Le lac",
            description: Some("Baignade"),
            date: Some("2026-06-01".into()),
            updated: None,
            permalink: "https://x.fr/lac/".into(),
            path: "/lac/",
            slug: "lac",
            lang: "fr",
            content: if full { &body_html } else { "" },
            summary: Some("<p>Résumé</p>"),
            toc: if full { &body.toc } else { &[] },
            word_count: 3,
            reading_time: 1,
            pillar: Some(nav("https://x.fr", "tourisme", "Tourisme", "/tourisme/")),
            audiences: Vec::new(),
            tags: vec![nav("https://x.fr", "lac", "lac", "/tags/lac/")],
            taxonomies: BTreeMap::new(),
            cover: None,
            translations: if full {
                vec![TranslationView {
                    lang: "en".into(),
                    permalink: "https://x.fr/en/lake/".into(),
                    current: false,
                }]
            } else {
                Vec::new()
            },
            ancestors: if full {
                vec![nav("https://x.fr", "tourisme", "Tourisme", "/tourisme/")]
            } else {
                Vec::new()
            },
            extra: &extra,
            place: None,
            event: None,
            trail: None,
            facts: Vec::new(),
            nearby: if full {
                vec![NearbyItem {
                    title: "Le belvédère".into(),
                    permalink: "https://x.fr/belvedere/".into(),
                    kind: "place",
                    distance: "à 450 m".into(),
                    cover: None,
                    when: None,
                }]
            } else {
                Vec::new()
            },
            map: None,
            data: None,
            open_today: None,
            authors: &authors,
            draft: false,
            has_code: false,
            assets: vec!["/lac/plan.pdf".into()],
            file: "lac.md",
        };
        let summary = tera::Value::from_serializable(&view(false));
        let full = full_page_value(&summary, &view(true));
        let expected = tera::Value::from_serializable(&view(true));
        assert!(same_value(&full, &expected));
        assert_eq!(format!("{full}"), format!("{expected}"));
        // The comparison sees order, safety and nested differences.
        let plain = tera::Value::from("<p>x</p>");
        assert!(!same_value(&tera::Value::safe_string("<p>x</p>"), &plain));
        assert!(!same_value(&summary, &expected));
        let mut swapped: tera::value::Map = expected.as_map().unwrap().clone();
        swapped.swap_indices(0, 1);
        assert!(!same_value(&tera::Value::from(swapped), &expected));
    }

    #[test]
    fn page_html_is_released_by_its_page_and_kept_for_serve() {
        let bodies = || {
            ["<p>a</p>", "<p>b</p>"]
                .map(|h| Rendered {
                    html: h.into(),
                    ..Rendered::default()
                })
                .to_vec()
        };
        // A build: a feed copies, the page takes, nothing is left after.
        let mut built = bodies();
        let html = PageHtml::new(&mut built, HtmlAfterUse::Release);
        assert!(built.iter().all(|b| b.html.is_empty()), "moved out");
        let shared = html.share(0).unwrap();
        assert_eq!(shared.text(), "<p>a</p>");
        let taken = html.take(0).unwrap();
        assert!(Html::ptr_eq(&shared, &taken), "shared, not copied");
        assert!(html.share(0).is_none(), "released once its page took it");
        assert!(html.take(0).is_none());
        html.restore(&mut built);
        assert_eq!(built[0].html.text(), "", "released HTML is not given back");
        assert_eq!(built[1].html.text(), "<p>b</p>", "untaken HTML is");
        // serve: every page's HTML stays for the next build.
        let mut kept = bodies();
        let html = PageHtml::new(&mut kept, HtmlAfterUse::Keep);
        assert_eq!(html.take(0).unwrap().text(), "<p>a</p>");
        assert_eq!(html.take(0).unwrap().text(), "<p>a</p>");
        html.restore(&mut kept);
        assert_eq!(
            (kept[0].html.text(), kept[1].html.text()),
            ("<p>a</p>".into(), "<p>b</p>".into())
        );
    }

    #[test]
    fn equal_small_maps_are_shared_and_values_kept() {
        let tag = |k: &str| nav("https://x.fr", k, k, &format!("/tags/{k}/"));
        let page = |tags: &[&str], title: &str| {
            tera::Value::from_serializable(&serde_json::json!({
                "title": title,
                "word_count": 12,
                "tags": tags.iter().map(|t| tag(t)).collect::<Vec<_>>(),
                "pillar": tag("tourisme"),
                "taxonomies": {"saison": [tag("ete")]},
            }))
        };
        let seen = std::sync::Mutex::new(std::collections::HashMap::new());
        let a_before = page(&["lac", "velo"], "A");
        let a = share_small_maps(a_before.clone(), &seen);
        let b = share_small_maps(page(&["velo"], "B"), &seen);
        // Same content as before, for templates.
        assert_eq!(a, a_before);
        assert_eq!(format!("{a}"), format!("{a_before}"));
        let get = |v: &tera::Value, k: &str| v.as_map().unwrap()[&tera::value::Key::Str(k)].clone();
        let (ta, tb) = (get(&a, "tags"), get(&b, "tags"));
        let velo_a = ta.as_array().unwrap()[1].as_map().unwrap() as *const _;
        let velo_b = tb.as_array().unwrap()[0].as_map().unwrap() as *const _;
        assert_eq!(velo_a, velo_b, "one map for the tag both pages carry");
        let lac = ta.as_array().unwrap()[0].as_map().unwrap() as *const _;
        assert_ne!(lac, velo_a);
        assert_eq!(
            get(&a, "pillar").as_map().unwrap() as *const _,
            get(&b, "pillar").as_map().unwrap() as *const _
        );
        // The page maps themselves (with a number) are not shared.
        assert_ne!(
            a.as_map().unwrap() as *const _,
            b.as_map().unwrap() as *const _
        );
        // A page with nothing to share is kept whole, not built again.
        let c_before = page(&["foret"], "C");
        let c = share_small_maps(c_before.clone(), &seen);
        assert!(
            same_object(&get(&c, "tags"), &get(&c_before, "tags")),
            "a tag seen first: its list is kept"
        );
        assert!(!same_object(&get(&c, "pillar"), &get(&c_before, "pillar")));
        let d_before = tera::Value::from_serializable(&serde_json::json!({
            "tags": [tag("riviere")], "n": 1
        }));
        let d = share_small_maps(d_before.clone(), &seen);
        assert!(same_object(&d, &d_before), "nothing replaced: the same map");
        // Long texts (a page's own share links) are never kept for sharing.
        let long = "https://example.org/".repeat(20);
        let link = || tera::Value::from_serializable(&serde_json::json!({"url": long.clone()}));
        let (l1, l2) = (
            share_small_maps(link(), &seen),
            share_small_maps(link(), &seen),
        );
        assert!(!same_object(&l1, &l2));
        assert!(!seen.lock().unwrap().keys().any(|k| k.len() > 256));
        // A safe string does not stand for the same text unmarked.
        let plain = tera::Value::from_serializable(&serde_json::json!({"t": "<b>"}));
        let safe_map: tera::value::Map =
            [(tera::value::Key::Str("t"), tera::Value::safe_string("<b>"))]
                .into_iter()
                .collect();
        let x = share_small_maps(plain, &seen);
        let y = share_small_maps(tera::Value::from(safe_map), &seen);
        assert_ne!(
            x.as_map().unwrap() as *const _,
            y.as_map().unwrap() as *const _
        );
    }
}
