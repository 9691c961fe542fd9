//! `blason.toml` as written: serde structures with their documented
//! defaults, every table denying unknown keys. Nothing here is checked
//! beyond types; [`Config::from_raw`](super::Config::from_raw) validates it
//! into the model the build uses.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The whole `blason.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The absolute URL the site is published at. Required.
    pub base_url: String,
    /// The site's name in the default language. Required.
    pub title: String,
    /// The site's description (meta description of the home page). Default: empty.
    #[serde(default)]
    pub description: String,
    /// Language of the content without a language suffix. Default: `fr`.
    #[serde(default = "default_language")]
    pub default_language: String,
    /// IANA time zone for events without an offset and for .ics TZID. Default: `Europe/Paris`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Theme name: `themes/NAME/` if present, else the built-in one. Default: `postale`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Other languages, keyed by code (`en`, `de`...).
    #[serde(default)]
    pub languages: IndexMap<String, LanguageConfig>,
    #[serde(default)]
    pub brand: RawBrand,
    /// The pillars of attractiveness, in the site's order. Default: none.
    #[serde(default)]
    pub pillars: IndexMap<String, Grouping>,
    /// Who pages speak to, in the site's order. Default: none.
    #[serde(default)]
    pub audiences: IndexMap<String, Grouping>,
    /// The territory's own accounts: network name to URL.
    #[serde(default)]
    pub social: IndexMap<String, String>,
    /// The office's contact block, in every page's footer. Default: none.
    #[serde(default)]
    pub contact: RawContact,
    /// The site's accessibility compliance, said in every page's footer.
    #[serde(default)]
    pub accessibility: RawAccessibility,
    /// The licence of the site's own data published in `/donnees/`
    /// (docs/trails.md). Default: none, and nothing published.
    #[serde(default)]
    pub open_data: super::open_data::RawOpenData,
    /// Audience measurement (docs/analytics.md). Default: none.
    pub analytics: Option<RawAnalytics>,
    #[serde(default)]
    pub share: RawShare,
    #[serde(default)]
    pub cards: CardsConfig,
    #[serde(default)]
    pub images: RawImages,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub search: SearchConfig,
    /// Tourism data feeds (`[[data]]`), read into pages. Default: none.
    #[serde(default)]
    pub data: Vec<RawData>,
    /// Static maps: the tile server and its credit. Default: none (maps on
    /// a plain background).
    pub maps: Option<super::maps::RawMaps>,
    /// The press library: licences that make a photo a press photo, its
    /// address, the press contact. Default: none (photos marked
    /// `press = true` only).
    pub press: Option<super::press::RawPress>,
    /// Zola-style taxonomies other than tags are accepted in front matter; this
    /// lists how many pages per listing page (0: all). Default: 0.
    #[serde(default)]
    pub paginate_taxonomies: usize,
    /// Events per page of the agenda (0: all on one page). Default: 50. An
    /// agenda section's own `paginate_by` wins.
    #[serde(default = "default_paginate_agenda")]
    pub paginate_agenda: usize,
    /// Free data for templates (`config.extra`).
    #[serde(default)]
    pub extra: toml::Table,
}

fn default_paginate_agenda() -> usize {
    50
}

fn default_language() -> String {
    "fr".into()
}
fn default_timezone() -> String {
    "Europe/Paris".into()
}
fn default_theme() -> String {
    "postale".into()
}

/// A translation of the site's names, under `[languages.xx]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The site's title in this language. Default: the main title.
    pub title: Option<String>,
    /// The site's description in this language. Default: the main description.
    pub description: Option<String>,
    #[serde(default)]
    pub brand: LanguageBrand,
    /// Pillar names in this language, by pillar key.
    #[serde(default)]
    pub pillars: IndexMap<String, Grouping>,
    /// Audience names in this language, by audience key.
    #[serde(default)]
    pub audiences: IndexMap<String, Grouping>,
    /// The contact block's texts in this language.
    #[serde(default)]
    pub contact: LanguageContact,
    /// The accessibility statement's texts in this language.
    #[serde(default)]
    pub accessibility: LanguageAccessibility,
    /// What this language's navigation and listings do with a page that is
    /// not translated into it. Default: `link` (to the default language's
    /// page, marked as such).
    #[serde(default)]
    pub untranslated: Untranslated,
}

/// The language policy of `[languages.xx]`: what a page, section, pillar,
/// audience or tag page missing in that language becomes in its navigation
/// and listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Untranslated {
    /// Listed and linked to the default language's version, with `hreflang`,
    /// `lang` and a notice in the visitor's language.
    #[default]
    Link,
    /// Left out of that language's navigation and listings.
    LeaveOut,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageBrand {
    /// The brand's name in this language ("Orbière Valley"). Default: the
    /// main brand name.
    pub name: Option<String>,
    /// The tagline in this language. Default: the main tagline.
    pub tagline: Option<String>,
}

/// `[contact]`: how to reach the office, shown in every page's footer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    /// The block's heading ("Office de tourisme du Val d'Orbière").
    /// Default: the brand name.
    pub name: Option<String>,
    /// The postal address, one line per written line. Default: none.
    pub address: Option<String>,
    /// A phone number (`04 84 12 34 56`, `+33 4 84 12 34 56`). Default: none.
    pub phone: Option<String>,
    /// An e-mail address. Default: none.
    pub email: Option<String>,
    /// Opening hours, as text, one line per written line. Default: none.
    pub hours: Option<String>,
}

/// `[accessibility]`: what the site's accessibility audit found.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccessibility {
    /// `full`, `partial` or `none`: the site's compliance with the
    /// accessibility standard (RGAA in France), as its statement says.
    /// Default: not said.
    pub status: Option<String>,
    /// The day of the audit the status rests on: a TOML date
    /// (`2026-09-01`) or the same as text. Default: none.
    pub audit_date: Option<toml::Value>,
    /// Who audited (a firm, or the office itself for a self-assessment).
    /// Default: none.
    pub auditor: Option<String>,
    /// The version of the RGAA audited against. Default: `4.1.2`.
    pub rgaa_version: Option<String>,
    /// The share of the RGAA criteria met, in percent (0 to 100).
    /// Default: none.
    pub rate: Option<f64>,
    /// The pages audited: `{ title = "Accueil", url = "/" }` (a site path,
    /// `@/file.md` or an https:// address). Default: none.
    #[serde(default)]
    pub pages: Vec<RawAuditedPage>,
    /// What the audit found not compliant, one text each. Default: none.
    #[serde(default)]
    pub non_conformities: Vec<String>,
    /// Content exempted from the obligation or kept by a disproportionate
    /// burden: `{ content = "...", reason = "..." }`. Default: none.
    #[serde(default)]
    pub exemptions: Vec<RawExemption>,
    /// Technologies the site relies on (`HTML5`, `CSS`...). Default: none.
    #[serde(default)]
    pub technologies: Vec<String>,
    /// Tools and environments of the audit. Default: none.
    #[serde(default)]
    pub tools: Vec<String>,
    /// The e-mail address visitors report a problem to. Default: none.
    pub email: Option<String>,
    /// The https:// address of a contact form. Default: none.
    pub form: Option<String>,
}

/// One page of `[accessibility] pages`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuditedPage {
    pub title: String,
    pub url: String,
}

/// One of `[accessibility] exemptions`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawExemption {
    /// What is not made accessible.
    pub content: String,
    /// Why: not subject to the obligation, or a disproportionate burden.
    pub reason: String,
}

/// `[analytics]`: a self-hosted Matomo measuring the audience.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnalytics {
    /// `matomo` (its JavaScript tracker) or `logs` (Matomo's log
    /// analytics on the web server's logs: no script). Default: matomo.
    pub provider: Option<String>,
    /// The Matomo server's address (`https://stats.example.fr/`); required
    /// with `matomo`.
    pub url: Option<String>,
    /// The site's id in Matomo; required with `matomo`.
    pub site_id: Option<u32>,
    /// Whether the tracker is set as the CNIL's consent exemption asks (no
    /// consent banner needed). Default: true.
    #[serde(default = "yes")]
    pub exempt: bool,
}

/// `[languages.xx.contact]`: the contact block's texts in that language.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageContact {
    /// The block's heading in this language. Default: the main one.
    pub name: Option<String>,
    /// Opening hours in this language. Default: the main ones, marked as
    /// written in the default language.
    pub hours: Option<String>,
}

/// `[languages.xx.accessibility]`: the statement's texts an office writes,
/// in that language. Each one not given is the main one, marked as written
/// in the default language; the status, dates, rate and contact addresses
/// are the same in every language.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageAccessibility {
    /// Who audited, in this language. Default: the main one.
    pub auditor: Option<String>,
    /// The pages audited, titled in this language. Default: the main ones.
    pub pages: Option<Vec<RawAuditedPage>>,
    /// What the audit found not compliant. Default: the main ones.
    pub non_conformities: Option<Vec<String>>,
    /// Content not made accessible, and why. Default: the main ones.
    pub exemptions: Option<Vec<RawExemption>>,
    /// Technologies the site relies on. Default: the main ones.
    pub technologies: Option<Vec<String>>,
    /// Tools and environments of the audit. Default: the main ones.
    pub tools: Option<Vec<String>>,
}

/// The brand: name, tagline, logo, font, hashtag and colours.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    /// The territory's brand name. Default: the site title.
    pub name: Option<String>,
    /// A short line shown in the hero. Default: empty.
    #[serde(default)]
    pub tagline: String,
    /// Logo file, relative to the site root (SVG or PNG). Default: none.
    pub logo: Option<PathBuf>,
    /// Brand font (TTF/OTF), relative to the site root. Default: the theme's font.
    pub font: Option<PathBuf>,
    /// Hashtag without `#`. Default: none.
    pub hashtag: Option<String>,
    #[serde(default)]
    pub colors: RawColors,
}

/// Brand colours, as CSS colours (`#rrggbb`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawColors {
    /// Default: `#0b5d6b`.
    #[serde(default = "c_primary")]
    pub primary: String,
    /// Default: `#f2a900`.
    #[serde(default = "c_accent")]
    pub accent: String,
    /// Default: `#1d1d1b`.
    #[serde(default = "c_text")]
    pub text: String,
    /// Default: `#ffffff`.
    #[serde(default = "c_background")]
    pub background: String,
}

fn c_primary() -> String {
    "#0b5d6b".into()
}
fn c_accent() -> String {
    "#f2a900".into()
}
fn c_text() -> String {
    "#1d1d1b".into()
}
fn c_background() -> String {
    "#ffffff".into()
}

impl Default for RawColors {
    fn default() -> Self {
        RawColors {
            primary: c_primary(),
            accent: c_accent(),
            text: c_text(),
            background: c_background(),
        }
    }
}

/// A pillar or an audience: its display name.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grouping {
    pub title: String,
    /// A short description shown on its page. Default: empty.
    #[serde(default)]
    pub description: String,
    /// Audiences only: who the visitor is, after "You are:" in the header
    /// ("visiteur", "habitant"). Default: the title.
    pub who: Option<String>,
}

/// `[share]`: share links and kits.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawShare {
    /// Networks with a share link, in order. Default: facebook, x, linkedin, whatsapp, bluesky, mastodon, email.
    #[serde(default = "default_networks")]
    pub networks: Vec<String>,
    /// `utm_campaign` of share links. Default: none.
    pub utm_campaign: Option<String>,
    /// A share kit per page. Default: true.
    #[serde(default = "yes")]
    pub kit: bool,
}

fn default_networks() -> Vec<String> {
    [
        "facebook", "x", "linkedin", "whatsapp", "bluesky", "mastodon", "email",
    ]
    .map(String::from)
    .to_vec()
}
fn yes() -> bool {
    true
}

impl Default for RawShare {
    fn default() -> Self {
        RawShare {
            networks: default_networks(),
            utm_campaign: None,
            kit: true,
        }
    }
}

/// `[cards]`: social cards.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardsConfig {
    /// A social card per page and per photo. Default: true.
    #[serde(default = "yes")]
    pub enable: bool,
    /// The theme's card template. Default: `photo-band`.
    #[serde(default = "default_card_template")]
    pub template: String,
}

fn default_card_template() -> String {
    "photo-band".into()
}

impl Default for CardsConfig {
    fn default() -> Self {
        CardsConfig {
            enable: true,
            template: default_card_template(),
        }
    }
}

/// `[search]`: the site's own search (index files, results page, header field).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Index the site and show the search field and results page. Default: true.
    #[serde(default = "yes")]
    pub enable: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enable: true }
    }
}

/// `[images]`: responsive image variants and the cache.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawImages {
    /// Widths of the responsive variants, in pixels. Default: 320, 640, 800,
    /// 960, 1280, 1600, 2400: a phone at 1x to a wide screen at 2x finds one
    /// within a step of what it shows (800: a full-width photo on the most
    /// common Android phone, 412 pixels at 1.75x, which 640 leaves blurred
    /// and 960 makes half as heavy again). An original narrower than a width
    /// is not upscaled: its own width stands in for the wider ones.
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// Formats: `webp`, `jpg` (and `avif` with the avif feature). Default: webp, jpg.
    #[serde(default = "default_formats")]
    pub formats: Vec<String>,
    /// Encoder quality, 1 to 100. Default: 70. With the default effort, a
    /// WebP at 70 is as faithful to the photo as one at 75 with effort 2
    /// (the same PSNR within 0.05 dB, 2–3 % more bytes) for about 29 % less
    /// encoding time. The JPEG fallback and AVIF take the same number.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// WebP encoder effort, 0 (fastest) to 6 (smallest files). Default: 1:
    /// for the same fidelity to the photo, 2 makes files 2–3 % smaller for
    /// 1.4 times the encoding time, and libwebp's own default (4) about a
    /// tenth smaller for four times, paid on every cold build.
    #[serde(default = "default_effort")]
    pub effort: u8,
    /// The content-addressed cache, relative to the site root. Default: `.blason-cache`.
    #[serde(default = "default_cache_dir")]
    pub cache_dir: PathBuf,
}

fn default_widths() -> Vec<u32> {
    vec![320, 640, 800, 960, 1280, 1600, 2400]
}
fn default_formats() -> Vec<String> {
    vec!["webp".into(), "jpg".into()]
}
pub(super) fn default_quality() -> u8 {
    70
}
pub(super) fn default_effort() -> u8 {
    1
}
fn default_cache_dir() -> PathBuf {
    ".blason-cache".into()
}

impl Default for RawImages {
    fn default() -> Self {
        RawImages {
            widths: default_widths(),
            formats: default_formats(),
            quality: default_quality(),
            effort: default_effort(),
            cache_dir: default_cache_dir(),
        }
    }
}

/// `[markdown]`: how content is rendered.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// French typography (narrow no-break spaces before ; : ! ? and inside « »).
    /// Default: on for pages in French, off for other languages.
    pub french_typography: Option<bool>,
    /// Each language's typography on the text of pages: quotes, apostrophes
    /// and, in French, narrow no-break spaces. Default: true.
    #[serde(default = "default_true")]
    pub typography: bool,
    /// Open external links in a new tab. Default: false (WCAG advises against it).
    #[serde(default)]
    pub external_links_new_tab: bool,
    /// HTML written in markdown: `"sanitize"` (cleaned against the theme's
    /// allow-list, each removal a warning) or `"trusted"` (published as
    /// written). Default: `"sanitize"`.
    #[serde(default = "default_raw_html")]
    pub raw_html: String,
}

fn default_true() -> bool {
    true
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            french_typography: None,
            typography: true,
            external_links_new_tab: false,
            raw_html: default_raw_html(),
        }
    }
}

fn default_raw_html() -> String {
    "sanitize".into()
}

/// `[[data]]`: a feed of a tourist information system.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    /// `datatourisme`, `apidae`, `openagenda` or `tourinsoft`. Required.
    pub format: String,
    /// Where the feed is, relative to the site: a folder of JSON files, a
    /// zip (a DATAtourisme flux as it ships), or one JSON file. Required.
    pub path: PathBuf,
    /// Where `blason sync` downloads the feed from. Default: none (the
    /// feed is put in `path` by other means).
    pub url: Option<String>,
    /// A name for messages and `check`. Default: the format's name.
    pub name: Option<String>,
    /// Where `blason sync` puts the feed's images, relative to the site.
    /// Default: `data/media`.
    pub media: Option<PathBuf>,
    /// The content folder the pages go in (`lieux`). Default: the name.
    pub section: Option<String>,
    /// A content folder per kind of object (`eat = "tourisme/ou-manger"`),
    /// winning over `section`. Kinds: visit, eat, stay, do, shop,
    /// service, event, tour, other.
    #[serde(default)]
    pub sections: IndexMap<String, String>,
    /// The pillar of the pages. Default: the section's top folder when it
    /// is a pillar.
    pub pillar: Option<String>,
    /// Tags given to every page. Default: none.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Audiences of every page. Default: none.
    #[serde(default)]
    pub audiences: Vec<String>,
}
