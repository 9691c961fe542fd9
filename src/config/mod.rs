//! `blason.toml`: read as written ([`raw`]), then validated into the
//! [`Config`] the build uses, whose values are typed: the time zone, image
//! formats, colours and share networks are parsed once, here, and every
//! later stage takes them as they are.
//!
//! Every table denies unknown keys; a typo is an error that names the table and
//! suggests the nearest known key ("unknown key `colour` in [brand]; did you mean
//! `colors`?"). Validation gathers every problem of the file before it fails,
//! so that one run shows them all. Defaults are written on each field of
//! [`raw`]. This module only reads and validates configuration; it never
//! touches content or output.

pub mod accessibility;
pub mod data;
pub mod maps;
pub mod open_data;
pub mod press;
pub mod raw;

use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Serialize;

use crate::error::{Diagnostic, Error, suggest, toml_diagnostic};
pub use data::{Category, DataFormat, DataSource};
pub use maps::{Maps, TileSource};
pub use press::Press;
pub use raw::{CardsConfig, Grouping, LanguageConfig, SearchConfig, Untranslated};
use raw::{MarkdownConfig, RawBrand, RawConfig, RawContact, RawImages, RawShare};

/// The site's configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The absolute URL the site is published at.
    pub base_url: String,
    /// The site's name in the default language.
    pub title: String,
    pub description: String,
    /// Language of the content without a language suffix.
    pub default_language: String,
    /// For events without an offset and for .ics TZID.
    pub timezone: TimeZone,
    pub theme: String,
    /// Other languages, keyed by code (`en`, `de`...).
    pub languages: IndexMap<String, LanguageConfig>,
    pub brand: Brand,
    /// The pillars of attractiveness, in the site's order.
    pub pillars: IndexMap<String, Grouping>,
    /// Who pages speak to, in the site's order.
    pub audiences: IndexMap<String, Grouping>,
    /// The territory's own accounts: network name to URL.
    pub social: IndexMap<String, String>,
    /// The office's contact block.
    pub contact: Contact,
    /// The accessibility statement (`[accessibility]`): the compliance
    /// status every footer says, the audit and the contact.
    pub accessibility: accessibility::Accessibility,
    /// The licence of the site's own data (`[open_data]`), when it
    /// publishes them.
    pub open_data: Option<open_data::OpenData>,
    /// Audience measurement (`[analytics]`), when the site has it.
    pub analytics: Option<Analytics>,
    pub share: Share,
    pub cards: CardsConfig,
    pub images: Images,
    pub markdown: Markdown,
    pub search: SearchConfig,
    /// Tourism data feeds, in the order written.
    pub data: Vec<DataSource>,
    /// Static maps' tiles (`[maps]`).
    pub maps: Maps,
    /// The press library (`[press]`).
    pub press: Press,
    /// Pages per taxonomy listing page (0: all).
    pub paginate_taxonomies: usize,
    /// Events per agenda page (0: all); an agenda section's `paginate_by` wins.
    pub paginate_agenda: usize,
    /// Free data for templates (`config.extra`).
    pub extra: toml::Table,
}

/// `[analytics]`: the office's own Matomo (docs/analytics.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analytics {
    /// The JavaScript tracker; `None` with `provider = "logs"`, where
    /// Matomo reads the web server's logs and the pages carry no script.
    pub tracker: Option<Tracker>,
    /// Set as the CNIL's audience-measurement exemption asks.
    pub exempt: bool,
}

/// Where Matomo's JavaScript tracker reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tracker {
    /// The Matomo server, ending with `/`: the tracker is `matomo.js` there.
    pub url: String,
    /// The server's origin (`https://stats.example.fr`), for the CSP line.
    pub origin: String,
    pub site_id: u32,
    /// Set as the exemption asks (the same as [`Analytics::exempt`]).
    pub exempt: bool,
}

impl Config {
    /// How the site measures its audience: `none`, `exempt` (the CNIL's
    /// exemption: no consent banner) or `consent` (a banner is needed).
    pub fn measurement(&self) -> &'static str {
        match &self.analytics {
            None => "none",
            Some(a) if a.exempt => "exempt",
            Some(_) => "consent",
        }
    }

    /// Whether share links and QR codes carry `utm_*` parameters: not
    /// when the audience is measured under the exemption, which campaign
    /// parameters break.
    pub fn share_utm(&self) -> bool {
        self.measurement() != "exempt"
    }
}

/// An IANA time zone, with the name it was written as (for iCalendar's TZID).
#[derive(Debug, Clone)]
pub struct TimeZone {
    pub name: String,
    pub tz: jiff::tz::TimeZone,
}

impl std::ops::Deref for TimeZone {
    type Target = jiff::tz::TimeZone;
    fn deref(&self) -> &jiff::tz::TimeZone {
        &self.tz
    }
}

/// The brand: name, tagline, logo, font, hashtag and colours.
#[derive(Debug, Clone)]
pub struct Brand {
    /// The territory's brand name (the site title when not set).
    pub name: Option<String>,
    pub tagline: String,
    /// Logo file, relative to the site root.
    pub logo: Option<PathBuf>,
    /// Brand font (TTF/OTF), relative to the site root.
    pub font: Option<PathBuf>,
    /// Hashtag without `#`.
    pub hashtag: Option<String>,
    pub colors: Colors,
}

/// `[contact]`: how to reach the office, checked. Texts are trimmed;
/// a field left empty is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    /// The address's lines, empty lines left out.
    pub address: Vec<String>,
    /// The phone number as written (at least three digits, only the
    /// characters numbers are written with).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Opening hours' lines, in the default language.
    pub hours: Vec<String>,
}

impl Contact {
    /// Whether there is anything to show.
    pub fn is_empty(&self) -> bool {
        self.address.is_empty()
            && self.phone.is_none()
            && self.email.is_none()
            && self.hours.is_empty()
    }
}

/// The brand's colours.
#[derive(Debug, Clone, Serialize)]
pub struct Colors {
    pub primary: Color,
    pub accent: Color,
    pub text: Color,
    pub background: Color,
}

/// A colour: as written (`#0b5d6b`, `#fff`), and its RGB value. Templates
/// and cards see it as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Color {
    pub hex: String,
    pub rgb: [u8; 3],
}

impl Color {
    /// `#0b5d6b` or `#fff`; `None` for anything else.
    pub fn parse(s: &str) -> Option<Color> {
        parse_hex_color(s).map(|rgb| Color {
            hex: s.to_string(),
            rgb,
        })
    }

    /// WCAG 2.1 contrast ratio with `other` (1 to 21).
    pub fn contrast(&self, other: &Color) -> f64 {
        contrast_ratio(self.rgb, other.rgb)
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex)
    }
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex)
    }
}

impl Colors {
    /// The colour of text on `bg`: white, or the brand's text colour,
    /// whichever contrasts more.
    pub fn text_on(&self, bg: &Color) -> &str {
        if contrast_ratio(bg.rgb, [255, 255, 255]) >= bg.contrast(&self.text) {
            "#ffffff"
        } else {
            &self.text.hex
        }
    }
}

/// A network blason writes share links or kit texts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Network {
    Instagram,
    Facebook,
    X,
    Linkedin,
    Whatsapp,
    Bluesky,
    Mastodon,
    Threads,
    Email,
}

impl Network {
    /// Networks with a share link, in the default order of `[share] networks`.
    pub const SHARE_LINKS: [Network; 7] = [
        Network::Facebook,
        Network::X,
        Network::Linkedin,
        Network::Whatsapp,
        Network::Bluesky,
        Network::Mastodon,
        Network::Email,
    ];

    /// Networks a share kit has a text for (Instagram and Threads have no
    /// share link).
    pub const KIT_TEXTS: [Network; 9] = [
        Network::Instagram,
        Network::Facebook,
        Network::X,
        Network::Linkedin,
        Network::Whatsapp,
        Network::Bluesky,
        Network::Mastodon,
        Network::Threads,
        Network::Email,
    ];

    /// The key written in blason.toml, also the icon's and the CSS class's name.
    pub fn key(self) -> &'static str {
        match self {
            Network::Instagram => "instagram",
            Network::Facebook => "facebook",
            Network::X => "x",
            Network::Linkedin => "linkedin",
            Network::Whatsapp => "whatsapp",
            Network::Bluesky => "bluesky",
            Network::Mastodon => "mastodon",
            Network::Threads => "threads",
            Network::Email => "email",
        }
    }

    /// The name the network goes by.
    pub fn name(self) -> &'static str {
        match self {
            Network::Instagram => "Instagram",
            Network::Facebook => "Facebook",
            Network::X => "X",
            Network::Linkedin => "LinkedIn",
            Network::Whatsapp => "WhatsApp",
            Network::Bluesky => "Bluesky",
            Network::Mastodon => "Mastodon",
            Network::Threads => "Threads",
            Network::Email => "E-mail",
        }
    }

    pub fn parse(key: &str) -> Option<Network> {
        Network::KIT_TEXTS.into_iter().find(|n| n.key() == key)
    }
}

/// Whether `lang` is written right to left (Arabic, Hebrew, Persian, Urdu…).
pub fn is_right_to_left(lang: &str) -> bool {
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    matches!(
        base,
        "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "dv" | "ckb" | "sd" | "ug"
    )
}

/// Pillars or audiences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupingKind {
    Pillar,
    Audience,
}

/// The typographic rules text in one language gets (applied by
/// `markdown::typography` to prose, never to code, URLs or attributes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typography {
    /// The quotation marks straight double quotes become (opening, closing),
    /// or `None` to leave them as written.
    pub quotes: Option<(char, char)>,
    /// Straight apostrophes become ’ (and, where the language quotes with
    /// them, a single quote opening a word becomes `single_open`).
    pub apostrophe: bool,
    /// The single quotation mark that opens a quote (‘ in English and Dutch),
    /// or `None` where a straight apostrophe is always an apostrophe.
    pub single_open: Option<char>,
    /// French spacing: narrow no-break spaces before `;:!?` and inside « ».
    pub french_spacing: bool,
}

impl Typography {
    /// The text as written.
    pub const PLAIN: Typography = Typography {
        quotes: None,
        apostrophe: false,
        single_open: None,
        french_spacing: false,
    };

    /// French rules: « » with narrow no-break spaces, ’, spaces before `;:!?`.
    pub const FRENCH: Typography = Typography {
        quotes: Some(('«', '»')),
        apostrophe: true,
        single_open: None,
        french_spacing: true,
    };

    /// The rules of a language: `fr`, `en`, `de`, `es`, `it`, `nl` and their
    /// regional variants (`fr-CA`, `de-CH` quotes with « »); other languages'
    /// text is left as written, since wrong quotes are worse than straight ones.
    pub fn for_language(lang: &str) -> Typography {
        let mut parts = lang.split(['-', '_']);
        let base = parts.next().unwrap_or(lang).to_ascii_lowercase();
        let region = parts.next().unwrap_or("").to_ascii_uppercase();
        let rules = |quotes, single_open| Typography {
            quotes: Some(quotes),
            apostrophe: true,
            single_open,
            french_spacing: false,
        };
        match base.as_str() {
            "fr" => Typography::FRENCH,
            "de" if region == "CH" || region == "LI" => rules(('«', '»'), None),
            "de" => rules(('„', '“'), None),
            "en" => rules(('“', '”'), Some('‘')),
            "nl" => rules(('“', '”'), Some('‘')),
            "es" | "it" => rules(('«', '»'), None),
            _ => Typography::PLAIN,
        }
    }

    /// Whether these rules change anything.
    pub fn is_plain(&self) -> bool {
        *self == Typography::PLAIN
    }
}

/// `[markdown]`: how content is rendered.
#[derive(Debug, Clone)]
pub struct Markdown {
    /// French typography: `None` for French pages only; `Some(false)` off.
    pub french_typography: Option<bool>,
    /// Each language's typography (quotes, apostrophes, French spaces).
    pub typography: bool,
    pub external_links_new_tab: bool,
    pub raw_html: RawHtml,
}

/// What becomes of HTML written in markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawHtml {
    /// Cleaned against the allow-list that keeps the theme's
    /// Content-Security-Policy promise; each removal is a warning.
    #[default]
    Sanitize,
    /// Published as written: the site's editors answer for it.
    Trusted,
}

impl RawHtml {
    const KEYS: [&str; 2] = ["sanitize", "trusted"];

    pub fn parse(key: &str) -> Option<RawHtml> {
        match key {
            "sanitize" => Some(RawHtml::Sanitize),
            "trusted" => Some(RawHtml::Trusted),
            _ => None,
        }
    }
}

/// `[share]`: share links and kits.
#[derive(Debug, Clone)]
pub struct Share {
    /// Networks with a share link, in order.
    pub networks: Vec<Network>,
    /// `utm_campaign` of share links.
    pub utm_campaign: Option<String>,
    /// A share kit per page.
    pub kit: bool,
}

/// `[images]`: responsive image variants and the cache.
#[derive(Debug, Clone)]
pub struct Images {
    /// Widths of the responsive variants, in pixels.
    pub widths: Vec<u32>,
    /// Formats, the `<img>` fallback last.
    pub formats: Vec<Format>,
    /// Encoder quality, 1 to 100.
    pub quality: u8,
    /// WebP encoder effort, 0 to 6.
    pub effort: u8,
    /// The content-addressed cache, relative to the site root.
    pub cache_dir: PathBuf,
}

impl Config {
    /// Reads and validates `ROOT/blason.toml`.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let path = root.join("blason.toml");
        let text = std::fs::read(&path).map_err(|e| {
            let d = Diagnostic::io(&path, root, "read the configuration file", &e);
            if e.kind() == std::io::ErrorKind::NotFound {
                d.help("run `blason init DIR` to create a site, or pass the site folder: `blason build path/to/site`")
            } else {
                d
            }
        })?;
        let text = String::from_utf8(text).map_err(|e| {
            Diagnostic::error("encoding", "the file is not valid UTF-8 text")
                .file("blason.toml")
                .cause(e)
                .help("save the file with the UTF-8 encoding")
        })?;
        Config::parse(&text)
    }

    /// Parses configuration text (the contents of `blason.toml`).
    pub fn parse(text: &str) -> Result<Config, Error> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| toml_diagnostic(&e, text, 0, "config").file("blason.toml"))?;
        Config::from_raw(raw)
            .map_err(|ds| Error::Site(ds.into_iter().map(|d| d.file("blason.toml")).collect()))
    }

    /// Validates `blason.toml` as written; every problem at once.
    pub fn from_raw(raw: RawConfig) -> Result<Config, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        if let Err(d) = check_base_url(&raw.base_url) {
            errors.push(d);
        }
        let timezone = match jiff::tz::TimeZone::get(&raw.timezone) {
            Ok(tz) => Some(TimeZone {
                name: raw.timezone.clone(),
                tz,
            }),
            Err(_) => {
                errors.push(
                    Diagnostic::error("config", format!("unknown time zone `{}`", raw.timezone))
                        .help("use an IANA time zone name such as \"Europe/Paris\""),
                );
                None
            }
        };
        errors.extend(check_languages(&raw));
        for (network, url) in &raw.social {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                errors.push(
                    Diagnostic::error(
                        "config",
                        format!("[social] {network} = \"{url}\" is not a web address"),
                    )
                    .help("write the address of the account's page, starting with https://"),
                );
            }
        }
        errors.extend(check_who(&raw));
        let contact = validate_contact(raw.contact, &mut errors);
        let accessibility =
            accessibility::validate(&raw.accessibility, &raw.languages, &mut errors);
        let open_data = open_data::validate(
            raw.open_data.clone(),
            &raw.title,
            contact.email.as_deref(),
            &mut errors,
        );
        let analytics = raw
            .analytics
            .clone()
            .and_then(|a| validate_analytics(a, &mut errors));
        let brand = validate_brand(raw.brand, &mut errors);
        let share = validate_share(raw.share, &mut errors);
        let images = validate_images(raw.images, &mut errors);
        let markdown = validate_markdown(raw.markdown, &mut errors);
        let data = data::validate(raw.data, &raw.pillars, &raw.audiences, &mut errors);
        let maps = maps::validate(raw.maps, &mut errors);
        let press = press::validate(raw.press, &mut errors);
        match (timezone, brand, share, images, markdown) {
            (Some(timezone), Some(brand), Some(share), Some(images), Some(markdown))
                if errors.is_empty() =>
            {
                Ok(Config {
                    base_url: raw.base_url,
                    title: raw.title,
                    description: raw.description,
                    default_language: raw.default_language,
                    timezone,
                    theme: raw.theme,
                    languages: raw.languages,
                    brand,
                    pillars: raw.pillars,
                    audiences: raw.audiences,
                    social: raw.social,
                    contact,
                    accessibility,
                    open_data,
                    analytics,
                    share,
                    cards: raw.cards,
                    images,
                    markdown,
                    search: raw.search,
                    data,
                    maps,
                    press,
                    paginate_taxonomies: raw.paginate_taxonomies,
                    paginate_agenda: raw.paginate_agenda,
                    extra: raw.extra,
                })
            }
            _ => Err(errors),
        }
    }

    /// The same configuration published at another address (`--base-url`).
    pub fn with_base_url(mut self, url: &str) -> Result<Config, Error> {
        if check_base_url(url).is_err() {
            return Err(Error::Usage(format!(
                "--base-url {url} is not an absolute http(s) address (e.g. http://localhost:8000)"
            )));
        }
        self.base_url = url.to_string();
        Ok(self)
    }
}

impl Config {
    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// All languages, the default one first.
    pub fn all_languages(&self) -> Vec<&str> {
        std::iter::once(self.default_language.as_str())
            .chain(self.languages.keys().map(String::as_str))
            .collect()
    }

    /// What `lang`'s navigation and listings do with pages not translated
    /// into it (the default language has every page it has).
    pub fn untranslated(&self, lang: &str) -> Untranslated {
        self.languages
            .get(lang)
            .map_or(Untranslated::LeaveOut, |l| l.untranslated)
    }

    /// The URL prefix of a language: "" for the default one, `/en` for others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    /// The site title in `lang`.
    pub fn title_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    pub fn description_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.description.as_deref())
            .unwrap_or(&self.description)
    }

    pub fn tagline_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.brand.tagline.as_deref())
            .unwrap_or(&self.brand.tagline)
    }

    pub fn brand_name(&self) -> &str {
        self.brand.name.as_deref().unwrap_or(&self.title)
    }

    /// The brand's name in `lang`: `[languages.xx.brand] name`, or the
    /// main one.
    pub fn brand_name_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.brand.name.as_deref())
            .unwrap_or_else(|| self.brand_name())
    }

    /// Who a visitor of audience `key` is, in `lang` ("visiteur"): the
    /// language's `who`, or its title when it has its own name for the
    /// audience, or the main `who`, or the title.
    pub fn audience_who<'a>(&'a self, key: &str, lang: &str) -> Option<&'a str> {
        let base = self.audiences.get(key)?;
        let own = self.languages.get(lang).and_then(|l| l.audiences.get(key));
        Some(match own {
            Some(g) => g.who.as_deref().unwrap_or(&g.title),
            None => base.who.as_deref().unwrap_or(&base.title),
        })
    }

    /// The contact block's heading in `lang`.
    pub fn contact_name_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.contact.name.as_deref())
            .or(self.contact.name.as_deref())
            .unwrap_or_else(|| self.brand_name_in(lang))
    }

    /// The opening hours' lines in `lang`, and whether they are the default
    /// language's (to be marked with its `lang`).
    pub fn contact_hours_in(&self, lang: &str) -> (Vec<&str>, bool) {
        match self
            .languages
            .get(lang)
            .and_then(|l| l.contact.hours.as_deref())
        {
            Some(h) => (lines(h).collect(), false),
            None => (
                self.contact.hours.iter().map(String::as_str).collect(),
                lang != self.default_language,
            ),
        }
    }

    /// A pillar's name in `lang`.
    pub fn pillar_title<'a>(&'a self, key: &str, lang: &str) -> Option<&'a str> {
        let base = self.pillars.get(key)?;
        Some(
            self.languages
                .get(lang)
                .and_then(|l| l.pillars.get(key))
                .map_or(base.title.as_str(), |g| g.title.as_str()),
        )
    }

    /// An audience's name in `lang`.
    pub fn audience_title<'a>(&'a self, key: &str, lang: &str) -> Option<&'a str> {
        let base = self.audiences.get(key)?;
        Some(
            self.languages
                .get(lang)
                .and_then(|l| l.audiences.get(key))
                .map_or(base.title.as_str(), |g| g.title.as_str()),
        )
    }

    /// A pillar's or audience's description in `lang`: the language's own,
    /// or the main one in the default language (never the main one's text
    /// under another language's heading).
    pub fn grouping_description<'a>(
        &'a self,
        kind: GroupingKind,
        key: &str,
        lang: &str,
    ) -> &'a str {
        let (main, own) = match kind {
            GroupingKind::Pillar => (
                self.pillars.get(key),
                self.languages.get(lang).and_then(|l| l.pillars.get(key)),
            ),
            GroupingKind::Audience => (
                self.audiences.get(key),
                self.languages.get(lang).and_then(|l| l.audiences.get(key)),
            ),
        };
        match own {
            Some(g) => &g.description,
            None if lang == self.default_language => main.map_or("", |g| &g.description),
            None => "",
        }
    }

    /// The typography of text in `lang` ([`Typography::for_language`]):
    /// by the text's language only, so French spaces never land in English
    /// text. `[markdown] typography = false` turns it off for every
    /// language, `french_typography = false` (the older key) for French.
    pub fn typography(&self, lang: &str) -> Typography {
        let rules = Typography::for_language(lang);
        let off = !self.markdown.typography
            || (rules.french_spacing && self.markdown.french_typography == Some(false));
        if off { Typography::PLAIN } else { rules }
    }

    /// Resolves a path from blason.toml (relative to the site root), refusing
    /// any path that leaves the root.
    pub fn site_path(root: &Path, rel: &Path, key: &str) -> Result<PathBuf, Diagnostic> {
        crate::paths::inside_root(root, root, rel).map_err(|why| {
            Diagnostic::error(
                "path-outside-site",
                format!("{key} = \"{}\" {why}", rel.display()),
            )
            .file("blason.toml")
            .help("paths in blason.toml are relative to the site folder and must stay inside it")
        })
    }
}

fn check_base_url(url: &str) -> Result<(), Diagnostic> {
    let u = url.trim();
    if u.starts_with("https://") || u.starts_with("http://") {
        return Ok(());
    }
    Err(Diagnostic::error(
        "config",
        format!("base_url `{url}` is not an absolute http(s) URL"),
    )
    .help("write the address the site is published at, e.g. base_url = \"https://www.example-territoire.fr\""))
}

fn check_languages(raw: &RawConfig) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (key, lang) in &raw.languages {
        if key == &raw.default_language {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("[languages.{key}] repeats the default language"),
                )
                .help("[languages] lists the other languages only; remove this table"),
            );
        }
        for (kind, names, known) in [
            ("pillars", &lang.pillars, &raw.pillars),
            ("audiences", &lang.audiences, &raw.audiences),
        ] {
            for k in names.keys() {
                if !known.contains_key(k) {
                    let mut d = Diagnostic::error(
                        "unknown-key",
                        format!("[languages.{key}.{kind}] names `{k}`, which is not in [{kind}]"),
                    );
                    if let Some(s) = suggest(k, known.keys().map(String::as_str)) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    errors.push(d);
                }
            }
        }
    }
    errors
}

/// `who` names a kind of visitor: it belongs to audiences, not pillars.
fn check_who(raw: &RawConfig) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let tables = std::iter::once((String::from("[pillars]"), &raw.pillars)).chain(
        raw.languages
            .iter()
            .map(|(code, l)| (format!("[languages.{code}.pillars]"), &l.pillars)),
    );
    for (table, pillars) in tables {
        for (key, g) in pillars {
            if g.who.is_some() {
                errors.push(
                    Diagnostic::error("config", format!("{table} {key}: `who` is for audiences"))
                        .help("`who` says who the visitor is (\"visiteur\") after \"Vous êtes :\"; remove it from the pillar"),
                );
            }
        }
    }
    let audiences = std::iter::once((String::from("[audiences]"), &raw.audiences)).chain(
        raw.languages
            .iter()
            .map(|(code, l)| (format!("[languages.{code}.audiences]"), &l.audiences)),
    );
    for (table, audiences) in audiences {
        for (key, g) in audiences {
            if g.who.as_deref().is_some_and(|w| w.trim().is_empty()) {
                errors.push(
                    Diagnostic::error("config", format!("{table} {key}: `who` is empty"))
                        .help("write who the visitor is (who = \"visiteur\"), or remove `who` to show the title"),
                );
            }
        }
    }
    errors
}

/// The non-empty lines of a text, trimmed.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn validate_analytics(raw: raw::RawAnalytics, errors: &mut Vec<Diagnostic>) -> Option<Analytics> {
    let provider = raw.provider.as_deref().map_or("matomo", str::trim);
    match provider {
        "logs" => {
            if raw.url.is_some() || raw.site_id.is_some() {
                errors.push(
                    Diagnostic::error(
                        "config",
                        "[analytics] provider = \"logs\" reads the web server's logs: it takes no url or site_id",
                    )
                    .help("remove url and site_id, or use provider = \"matomo\" for the JavaScript tracker"),
                );
                return None;
            }
            return Some(Analytics {
                tracker: None,
                exempt: raw.exempt,
            });
        }
        "matomo" => {}
        p => {
            errors.push(
                Diagnostic::error("config", format!("[analytics] provider = \"{p}\" is not one blason knows"))
                    .help("blason measures with a Matomo the office hosts: provider = \"matomo\" (its tracker) or \"logs\" (its log analytics)"),
            );
            return None;
        }
    }
    let mut ok = true;
    let url = raw.url.as_deref().unwrap_or("").trim();
    let host = crate::url::https_host(url);
    let plain = !url.contains(['?', '#', '"', '\'', '<', '>', ' ', '\\']);
    if host.is_none() || !plain {
        errors.push(
            Diagnostic::error(
                "config",
                if url.is_empty() {
                    "[analytics] has no url: the address of the office's Matomo".to_string()
                } else {
                    format!("[analytics] url = \"{url}\" is not the https:// address of a Matomo server")
                },
            )
            .help("write the address of the office's Matomo, where matomo.js is: url = \"https://stats.example.fr/\""),
        );
        ok = false;
    }
    if raw.site_id.unwrap_or(0) == 0 {
        errors.push(
            Diagnostic::error(
                "config",
                "[analytics] has no site_id, Matomo's number for this site",
            )
            .help(
                "copy the site's id from Matomo (Administration > Websites > Manage): site_id = 1",
            ),
        );
        ok = false;
    }
    let host = host?;
    if !ok {
        return None;
    }
    let url = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    // The origin: scheme and host (with its port), without the path.
    let authority = url["https://".len()..]
        .split('/')
        .next()
        .unwrap_or(host.as_str());
    Some(Analytics {
        tracker: Some(Tracker {
            origin: format!("https://{authority}"),
            url,
            site_id: raw.site_id.unwrap_or(0),
            exempt: raw.exempt,
        }),
        exempt: raw.exempt,
    })
}

fn validate_contact(raw: RawContact, errors: &mut Vec<Diagnostic>) -> Contact {
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let phone = text(raw.phone);
    if let Some(p) = &phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let allowed = p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()/\u{a0}\u{202f}".contains(c));
        if !allowed || !(3..=20).contains(&digits) {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("[contact] phone = \"{p}\" is not a phone number"),
                )
                .help("write the number with its digits, spaces and an optional +, e.g. phone = \"04 84 12 34 56\" or \"+33 4 84 12 34 56\""),
            );
        }
    }
    let email = text(raw.email);
    if let Some(e) = &email
        && !crate::url::is_email(e)
    {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[contact] email = \"{e}\" is not an e-mail address"),
            )
            .help("write the address alone, e.g. email = \"accueil@val-orbiere.example\" (without mailto:)"),
        );
    }
    Contact {
        name: text(raw.name),
        address: raw
            .address
            .as_deref()
            .map(lines)
            .into_iter()
            .flatten()
            .map(String::from)
            .collect(),
        phone,
        email,
        hours: raw
            .hours
            .as_deref()
            .map(lines)
            .into_iter()
            .flatten()
            .map(String::from)
            .collect(),
    }
}

fn validate_brand(raw: RawBrand, errors: &mut Vec<Diagnostic>) -> Option<Brand> {
    let c = raw.colors;
    let mut color = |name: &str, value: String| {
        let parsed = Color::parse(&value);
        if parsed.is_none() {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("[brand] colors.{name} = \"{value}\" is not a colour"),
                )
                .help("write colours as #rrggbb (or #rgb), e.g. \"#0b5d6b\""),
            );
        }
        parsed
    };
    let (primary, accent, text, background) = (
        color("primary", c.primary),
        color("accent", c.accent),
        color("text", c.text),
        color("background", c.background),
    );
    Some(Brand {
        name: raw.name,
        tagline: raw.tagline,
        logo: raw.logo,
        font: raw.font,
        hashtag: raw.hashtag,
        colors: Colors {
            primary: primary?,
            accent: accent?,
            text: text?,
            background: background?,
        },
    })
}

fn validate_share(raw: RawShare, errors: &mut Vec<Diagnostic>) -> Option<Share> {
    let mut networks = Vec::with_capacity(raw.networks.len());
    let mut ok = true;
    for key in &raw.networks {
        match Network::parse(key).filter(|n| Network::SHARE_LINKS.contains(n)) {
            Some(n) => networks.push(n),
            None => {
                ok = false;
                let known = Network::SHARE_LINKS.map(Network::key);
                let d = Diagnostic::error(
                    "config",
                    format!(
                        "[share] networks: `{key}` is not a network blason makes share links for"
                    ),
                );
                errors.push(if key == "instagram" {
                    d.help("Instagram has no share link: its text is in each page's share kit; remove it from networks")
                } else {
                    match suggest(key, known) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!("use some of: {}", known.join(", "))),
                    }
                });
            }
        }
    }
    ok.then_some(Share {
        networks,
        utm_campaign: raw.utm_campaign,
        kit: raw.kit,
    })
}

fn validate_markdown(raw: MarkdownConfig, errors: &mut Vec<Diagnostic>) -> Option<Markdown> {
    let Some(raw_html) = RawHtml::parse(&raw.raw_html) else {
        let d = Diagnostic::error(
            "config",
            format!(
                "[markdown] raw_html: `{}` is not a way blason treats HTML",
                raw.raw_html
            ),
        );
        errors.push(match suggest(&raw.raw_html, RawHtml::KEYS) {
            Some(s) => d.help(format!("did you mean \"{s}\"?")),
            None => d.help("use \"sanitize\" (the default) or \"trusted\""),
        });
        return None;
    };
    Some(Markdown {
        french_typography: raw.french_typography,
        typography: raw.typography,
        external_links_new_tab: raw.external_links_new_tab,
        raw_html,
    })
}

fn validate_images(raw: RawImages, errors: &mut Vec<Diagnostic>) -> Option<Images> {
    let before = errors.len();
    let mut formats = Vec::with_capacity(raw.formats.len());
    for f in &raw.formats {
        match Format::parse(f) {
            Some(format) => formats.push(format),
            None => {
                let d = Diagnostic::error(
                    "config",
                    format!("[images] formats: `{f}` is not a format blason writes"),
                );
                errors.push(if f.eq_ignore_ascii_case("avif") {
                    d.help("AVIF needs a blason built with the `avif` feature (cargo build --release --features avif); otherwise use \"webp\" and \"jpg\"")
                } else {
                    d.help("use \"webp\" and \"jpg\"")
                });
            }
        }
    }
    if let Some(last) = raw.formats.last()
        && last.eq_ignore_ascii_case("avif")
    {
        errors.push(Diagnostic::error(
            "config",
            "[images] formats: `avif` cannot come last",
        )
        .help("the last format is the <img> fallback every browser must read: write [\"avif\", \"webp\", \"jpg\"]"));
    }
    if raw.formats.is_empty() || raw.widths.is_empty() {
        errors.push(
            Diagnostic::error("config", "[images] needs at least one width and one format").help(
                "e.g. widths = [320, 640, 800, 960, 1280, 1600, 2400] and formats = [\"webp\", \"jpg\"]",
            ),
        );
    }
    if let Some(w) = raw.widths.iter().find(|w| !(16..=8192).contains(*w)) {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[images] widths: {w} is not a width blason makes"),
            )
            .help("write widths in pixels from 16 to 8192, e.g. widths = [320, 640, 800, 960, 1280, 1600, 2400]"),
        );
    }
    let cache = &raw.cache_dir;
    if cache.is_absolute()
        || cache.has_root()
        || !crate::paths::normalize(&Path::new("site").join(cache)).starts_with("site")
        || crate::paths::normalize(cache).as_os_str().is_empty()
        || crate::paths::SOURCE_FOLDERS
            .iter()
            .any(|f| crate::paths::normalize(cache).starts_with(f))
    {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[images] cache_dir = \"{}\" is not a folder of the site of its own", cache.display()),
            )
            .help("write a folder inside the site and outside content/, static/ and the other source folders, e.g. cache_dir = \".blason-cache\""),
        );
    }
    if !(1..=100).contains(&raw.quality) {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[images] quality = {} is out of range", raw.quality),
            )
            .help(format!(
                "use a value from 1 to 100 (the default, {}, suits photos)",
                raw::default_quality()
            )),
        );
    }
    if raw.effort > 6 {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[images] effort = {} is out of range", raw.effort),
            )
            .help(format!(
                "use a value from 0 (fastest) to 6 (smallest files); the default is {}",
                raw::default_effort()
            )),
        );
    }
    (errors.len() == before).then_some(Images {
        widths: raw.widths,
        formats,
        quality: raw.quality,
        effort: raw.effort,
        cache_dir: raw.cache_dir,
    })
}

/// `#0b5d6b` or `#fff` to RGB.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).ok();
    match hex.len() {
        6 => Some([v(0, 2)?, v(2, 2)?, v(4, 2)?]),
        3 => Some([v(0, 1)? * 17, v(1, 1)? * 17, v(2, 1)? * 17]),
        _ => None,
    }
}

/// WCAG 2.1 contrast ratio of two colours (1 to 21).
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    fn luminance(c: [u8; 3]) -> f64 {
        let lin = |v: u8| {
            let s = v as f64 / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

impl Config {
    /// The warning that HTML written in markdown is published as written:
    /// the pages' Content-Security-Policy promise then rests on the editors.
    pub fn raw_html_warning(&self) -> Option<Diagnostic> {
        (self.markdown.raw_html == RawHtml::Trusted).then(|| {
            Diagnostic::warning(
                "raw-html-trusted",
                "[markdown] raw_html = \"trusted\": HTML written in pages is published as written, scripts and frames included",
            )
            .file("blason.toml")
            .help("the promise of pages without inline script or style and without requests to another host now rests on every editor; remove the line to have pasted HTML cleaned, each removal reported")
        })
    }

    /// Warnings for brand colour pairs under WCAG AA contrast (4.5:1 for text).
    pub fn contrast_warnings(&self) -> Vec<Diagnostic> {
        let c = &self.brand.colors;
        let mut out = Vec::new();
        for (fg_name, fg, bg_name, bg) in [
            ("text", &c.text, "background", &c.background),
            ("primary", &c.primary, "background", &c.background),
        ] {
            let ratio = fg.contrast(bg);
            if ratio < 4.5 {
                out.push(
                    Diagnostic::warning(
                        "low-contrast",
                        format!("the brand colours {fg_name} ({fg}) and {bg_name} ({bg}) have a contrast of {ratio:.2}:1, under the 4.5:1 that WCAG AA asks for text"),
                    )
                    .file("blason.toml")
                    .help(format!("darken {fg_name} or lighten {bg_name} in [brand] colors")),
                );
            }
        }
        out
    }
}

/// An image format blason writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// AVIF (rav1e), only with the `avif` cargo feature: its encoder adds
    /// minutes to a cold compile and seconds per photo to a cold build.
    #[cfg(feature = "avif")]
    Avif,
    Webp,
    Jpeg,
    /// Lossless, kept in the cache only: the photo layer of social cards.
    Png,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            #[cfg(feature = "avif")]
            "avif" => Some(Format::Avif),
            "webp" => Some(Format::Webp),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            _ => None,
        }
    }
    pub fn ext(self) -> &'static str {
        match self {
            #[cfg(feature = "avif")]
            Format::Avif => "avif",
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            #[cfg(feature = "avif")]
            Format::Avif => "image/avif",
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "base_url = \"https://example.org\"\ntitle = \"T\"\n";

    #[test]
    fn contact_is_read_trimmed_and_per_language() {
        let text = format!(
            "{MINIMAL}[contact]\nname = \"Office\"\naddress = \"1 place du Lac\\n\\n  73000 Orbière \"\nphone = \" 04 84 12 34 56\"\nemail = \"accueil@orbiere.example\"\nhours = \"Lun.-sam. : 9 h-18 h\\nDim. : 10 h-12 h\"\n[languages.en.contact]\nhours = \"Mon-Sat: 9am-6pm\"\n[languages.de]\n"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.contact.address, ["1 place du Lac", "73000 Orbière"]);
        assert_eq!(c.contact.phone.as_deref(), Some("04 84 12 34 56"));
        assert_eq!(c.contact.email.as_deref(), Some("accueil@orbiere.example"));
        assert_eq!(
            c.contact_hours_in("fr"),
            (vec!["Lun.-sam. : 9 h-18 h", "Dim. : 10 h-12 h"], false)
        );
        assert_eq!(c.contact_hours_in("en"), (vec!["Mon-Sat: 9am-6pm"], false));
        // German has no hours of its own: the French ones, marked as French.
        assert!(c.contact_hours_in("de").1);
        assert_eq!(c.contact_name_in("de"), "Office");
        assert!(!c.contact.is_empty());
        assert!(Config::parse(MINIMAL).unwrap().contact.is_empty());
    }

    #[test]
    fn contact_phone_and_email_are_checked_and_typos_suggested() {
        let bad = format!(
            "{MINIMAL}[contact]\nphone = \"call us\"\nemail = \"mailto:accueil@orbiere.example\"\n"
        );
        let err = Config::parse(&bad).unwrap_err();
        let messages: Vec<&str> = err
            .diagnostics()
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "[contact] phone = \"call us\" is not a phone number",
                "[contact] email = \"mailto:accueil@orbiere.example\" is not an e-mail address",
            ]
        );
        let typo = format!("{MINIMAL}[contact]\nadress = \"1 rue\"\n");
        let err = Config::parse(&typo).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "unknown key `adress` in [contact]");
        assert_eq!(d.help.as_deref(), Some("did you mean `address`?"));
        let worded = format!("{MINIMAL}[contact]\nphone = \"+33 (0)4 84 12 34 56\"\n");
        assert!(Config::parse(&worded).is_ok());
    }

    #[test]
    fn audiences_say_who_the_visitor_is_and_pillars_may_not() {
        let text = format!(
            "{MINIMAL}[audiences]\nvisiteurs = {{ title = \"Visiter\", who = \"visiteur\" }}\nhabitants = {{ title = \"Habiter\" }}\n[languages.en.audiences]\nvisiteurs = {{ title = \"Visitors\", who = \"visitor\" }}\n[languages.de.audiences]\nvisiteurs = {{ title = \"Gäste\" }}\n[languages.en.brand]\nname = \"Orbière Valley\"\n"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.audience_who("visiteurs", "fr"), Some("visiteur"));
        assert_eq!(c.audience_who("visiteurs", "en"), Some("visitor"));
        // A language's own name wins over the French `who`.
        assert_eq!(c.audience_who("visiteurs", "de"), Some("Gäste"));
        assert_eq!(c.audience_who("habitants", "fr"), Some("Habiter"));
        assert_eq!(c.audience_who("nobody", "fr"), None);
        assert_eq!(c.brand_name_in("en"), "Orbière Valley");
        assert_eq!(c.brand_name_in("fr"), "T");

        let pillar =
            format!("{MINIMAL}[pillars]\nculture = {{ title = \"Culture\", who = \"x\" }}\n");
        let err = Config::parse(&pillar).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "[pillars] culture: `who` is for audiences");
        let empty =
            format!("{MINIMAL}[audiences]\nvisiteurs = {{ title = \"Visiter\", who = \" \" }}\n");
        let err = Config::parse(&empty).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "[audiences] visiteurs: `who` is empty");
    }

    #[test]
    fn minimal_config_gets_documented_defaults() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.default_language, "fr");
        assert_eq!(c.theme, "postale");
        assert_eq!(c.images.widths, vec![320, 640, 800, 960, 1280, 1600, 2400]);
        assert_eq!(c.images.quality, 70);
        assert_eq!(c.brand.colors.primary.hex, "#0b5d6b");
        assert_eq!(c.brand.colors.primary.rgb, [0x0b, 0x5d, 0x6b]);
        assert_eq!(c.timezone.name, "Europe/Paris");
        assert_eq!(c.images.formats, vec![Format::Webp, Format::Jpeg]);
        assert_eq!(c.share.networks, Network::SHARE_LINKS.to_vec());
        assert!(c.cards.enable);
    }

    #[test]
    fn unknown_key_names_the_table_and_suggests() {
        let text = format!("{MINIMAL}[brand]\nname = \"X\"\ncolour = \"red\"\n");
        let err = Config::parse(&text).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "unknown key `colour` in [brand]");
        assert_eq!(d.help.as_deref(), Some("did you mean `colors`?"));
        assert_eq!(d.line, Some(5));
        assert_eq!(d.file.as_deref(), Some("blason.toml"));
    }

    #[test]
    fn maps_keys_are_read_and_a_typo_is_named() {
        let text = format!(
            "{MINIMAL}[maps]\ntiles = \"https://t.example.org/{{z}}/{{x}}/{{y}}.png\"\nattribution = \"© OSM\"\nmax_zoom = 15\n"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.maps.max_zoom, 15);
        assert_eq!(c.maps.tiles.unwrap().attribution, "© OSM");
        let text = format!("{MINIMAL}[maps]\nattributon = \"© OSM\"\n");
        let err = Config::parse(&text).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "unknown key `attributon` in [maps]");
        assert_eq!(d.help.as_deref(), Some("did you mean `attribution`?"));
        let text =
            format!("{MINIMAL}[maps]\ntiles = \"https://t.example.org/{{z}}/{{x}}/{{y}}.png\"\n");
        let err = Config::parse(&text).unwrap_err();
        assert!(err.diagnostics()[0].message.contains("attribution"));
        assert_eq!(err.diagnostics()[0].file.as_deref(), Some("blason.toml"));
    }

    #[test]
    fn unknown_key_in_inline_table() {
        let text = format!("{MINIMAL}[brand]\ncolors = {{ primry = \"#000\" }}\n");
        let err = Config::parse(&text).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "unknown key `primry` in [brand.colors]");
        assert_eq!(d.help.as_deref(), Some("did you mean `primary`?"));
    }

    #[test]
    fn wrong_type_has_line_and_column() {
        let text = format!("{MINIMAL}[images]\nquality = \"high\"\n");
        let err = Config::parse(&text).unwrap_err();
        let d = &err.diagnostics()[0];
        assert!(d.message.contains("wrong type"), "{}", d.message);
        assert_eq!((d.line, d.column), (Some(4), Some(11)));
    }

    #[test]
    fn webp_effort_defaults_to_1_and_stays_within_libwebp_range() {
        assert_eq!(Config::parse(MINIMAL).unwrap().images.effort, 1);
        let six = format!("{MINIMAL}[images]\neffort = 6\n");
        assert_eq!(Config::parse(&six).unwrap().images.effort, 6);
        let seven = format!("{MINIMAL}[images]\neffort = 7\n");
        let err = Config::parse(&seven).unwrap_err();
        let d = &err.diagnostics()[0];
        assert!(d.message.contains("effort = 7"), "{}", d.message);
    }

    #[test]
    fn raw_html_is_sanitized_unless_the_site_trusts_it() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.markdown.raw_html, RawHtml::Sanitize);
        assert!(c.raw_html_warning().is_none());

        let trusted = format!("{MINIMAL}[markdown]\nraw_html = \"trusted\"\n");
        let c = Config::parse(&trusted).unwrap();
        assert_eq!(c.markdown.raw_html, RawHtml::Trusted);
        let w = c.raw_html_warning().unwrap();
        assert_eq!(w.code, "raw-html-trusted");
        assert_eq!(w.file.as_deref(), Some("blason.toml"));
        assert!(!w.is_error());

        // British spelling, the likely slip of a French editor.
        let typo = format!("{MINIMAL}[markdown]\nraw_html = \"sanitise\"\n");
        let err = Config::parse(&typo).unwrap_err();
        let d = &err.diagnostics()[0];
        assert!(d.message.contains("raw_html: `sanitise`"), "{}", d.message);
        assert_eq!(d.help.as_deref(), Some("did you mean \"sanitize\"?"));
        assert_eq!(d.file.as_deref(), Some("blason.toml"));
    }

    #[test]
    fn contrast_of_brand_colours() {
        assert!((contrast_ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert_eq!(parse_hex_color("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex_color("red"), None);
        let c = Config::parse(MINIMAL).unwrap();
        assert!(c.contrast_warnings().is_empty());
        let low = format!("{MINIMAL}[brand]\ncolors = {{ primary = \"#f2a900\" }}\n");
        let w = Config::parse(&low).unwrap().contrast_warnings();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message
                .contains("primary (#f2a900) and background (#ffffff)")
                && w[0].message.contains("2.0"),
            "{}",
            w[0].message
        );
        let bad = format!("{MINIMAL}[brand]\ncolors = {{ text = \"#000;}}body{{\" }}\n");
        assert!(Config::parse(&bad).is_err());
    }

    #[test]
    fn every_problem_of_the_file_is_reported_at_once() {
        let text = format!(
            "{MINIMAL}timezone = \"Europe/Pariss\"\n[brand]\ncolors = {{ primary = \"teal\", accent = \"#12\" }}\n[share]\nnetworks = [\"facebok\", \"instagram\", \"x\"]\n[images]\nformats = [\"gif\"]\nquality = 0\n"
        );
        let err = Config::parse(&text).unwrap_err();
        let messages: Vec<&str> = err
            .diagnostics()
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(messages.len(), 7, "{messages:#?}");
        assert!(
            err.diagnostics()
                .iter()
                .all(|d| d.file.as_deref() == Some("blason.toml"))
        );
        assert!(messages[0].contains("Europe/Pariss"));
        let helps: Vec<&str> = err
            .diagnostics()
            .iter()
            .filter_map(|d| d.help.as_deref())
            .collect();
        assert!(helps.contains(&"did you mean `facebook`?"), "{helps:?}");
        assert!(
            helps
                .iter()
                .any(|h| h.starts_with("Instagram has no share link"))
        );
    }

    #[test]
    fn typed_values_are_parsed_once() {
        let text = format!(
            "{MINIMAL}timezone = \"America/Martinique\"\n[brand]\ncolors = {{ primary = \"#fff\" }}\n[share]\nnetworks = [\"mastodon\", \"email\"]\n[images]\nformats = [\"JPG\"]\n"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.timezone.name, "America/Martinique");
        assert_eq!(c.timezone.tz.iana_name(), Some("America/Martinique"));
        assert_eq!(c.brand.colors.primary.rgb, [255, 255, 255]);
        assert_eq!(c.brand.colors.primary.to_string(), "#fff");
        assert_eq!(c.share.networks, [Network::Mastodon, Network::Email]);
        assert_eq!(c.images.formats, [Format::Jpeg]);
        assert_eq!(c.brand.colors.text_on(&c.brand.colors.primary), "#1d1d1b");
        let moved = c.clone().with_base_url("http://localhost:8000").unwrap();
        assert_eq!(moved.base(), "http://localhost:8000");
        assert!(matches!(c.with_base_url("localhost"), Err(Error::Usage(_))));
    }

    #[test]
    fn values_that_parse_but_cannot_be_right_are_refused() {
        for (table, value) in [
            ("[images]\nwidths = [0]", "widths: 0"),
            ("[images]\ncache_dir = \"/tmp/cache\"", "cache_dir"),
            ("[images]\ncache_dir = \"../cache\"", "cache_dir"),
            ("[images]\ncache_dir = \"static/cache\"", "cache_dir"),
            (
                "[social]\ninstagram = \"javascript:alert(1)\"",
                "[social] instagram",
            ),
        ] {
            let err = Config::parse(&format!("{MINIMAL}{table}\n")).unwrap_err();
            assert!(err.to_string().contains(value), "{table}: {err}");
        }
        let ok = format!("{MINIMAL}[images]\ncache_dir = \"cache/blason\"\n");
        assert!(Config::parse(&ok).is_ok());
    }

    #[test]
    fn typography_follows_the_language_of_the_text() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.typography("fr"), Typography::FRENCH);
        assert_eq!(c.typography("fr-CA"), Typography::FRENCH);
        let en = c.typography("en");
        assert_eq!(en.quotes, Some(('“', '”')));
        assert!(en.apostrophe && !en.french_spacing);
        assert_eq!(c.typography("de").quotes, Some(('„', '“')));
        assert_eq!(c.typography("de-CH").quotes, Some(('«', '»')));
        assert_eq!(c.typography("pt"), Typography::PLAIN);
        let forced =
            Config::parse(&format!("{MINIMAL}[markdown]\nfrench_typography = true\n")).unwrap();
        assert!(
            !forced.typography("en").french_spacing,
            "never French spaces on English text"
        );
        // The older key turns French off, and only French.
        let off =
            Config::parse(&format!("{MINIMAL}[markdown]\nfrench_typography = false\n")).unwrap();
        assert_eq!(off.typography("fr"), Typography::PLAIN);
        assert_eq!(off.typography("en"), en);
        let none = Config::parse(&format!("{MINIMAL}[markdown]\ntypography = false\n")).unwrap();
        assert!(
            ["fr", "en", "de"]
                .iter()
                .all(|l| none.typography(l).is_plain())
        );
    }

    /// Languages written right to left get `dir="rtl"`.
    #[test]
    fn right_to_left_languages_are_known() {
        assert!(is_right_to_left("ar") && is_right_to_left("he") && is_right_to_left("fa-IR"));
        assert!(!is_right_to_left("fr") && !is_right_to_left("en"));
    }

    #[test]
    fn relative_base_url_is_refused() {
        let err = Config::parse("base_url = \"example.org\"\ntitle = \"T\"").unwrap_err();
        assert!(err.to_string().contains("base_url"));
    }

    #[test]
    fn languages_resolve_translated_names() {
        let text = format!(
            "{MINIMAL}[pillars]\ntourisme = {{ title = \"Découvrir\" }}\n[languages.en]\ntitle = \"Loue\"\n[languages.en.pillars]\ntourisme = {{ title = \"Discover\" }}\n"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.pillar_title("tourisme", "en"), Some("Discover"));
        assert_eq!(c.pillar_title("tourisme", "fr"), Some("Découvrir"));
        assert_eq!(c.title_in("en"), "Loue");
        assert_eq!(c.all_languages(), vec!["fr", "en"]);
    }

    #[test]
    fn analytics_modes_and_what_they_do_to_share_links() {
        let with = |t: &str| Config::parse(&format!("{MINIMAL}[analytics]\n{t}\n"));
        let none = Config::parse(MINIMAL).unwrap();
        assert_eq!((none.measurement(), none.share_utm()), ("none", true));

        let c = with("url = \"https://stats.example.fr/matomo\"\nsite_id = 3").unwrap();
        assert_eq!((c.measurement(), c.share_utm()), ("exempt", false));
        let t = c.analytics.unwrap().tracker.unwrap();
        assert_eq!(t.url, "https://stats.example.fr/matomo/");
        assert_eq!(t.origin, "https://stats.example.fr");
        assert_eq!(t.site_id, 3);

        let c =
            with("url = \"https://stats.example.fr:8443/\"\nsite_id = 1\nexempt = false").unwrap();
        assert_eq!((c.measurement(), c.share_utm()), ("consent", true));
        assert_eq!(
            c.analytics.unwrap().tracker.unwrap().origin,
            "https://stats.example.fr:8443"
        );

        let c = with("provider = \"logs\"").unwrap();
        assert_eq!((c.measurement(), c.share_utm()), ("exempt", false));
        assert_eq!(c.analytics.unwrap().tracker, None);

        for (bad, said) in [
            (
                "url = \"http://stats.example.fr/\"\nsite_id = 1",
                "http://stats.example.fr/",
            ),
            (
                "url = \"https://stats.example.fr/\\\"><script>\"\nsite_id = 1",
                "is not the https://",
            ),
            (
                "url = \"https://user:pw@stats.example.fr/\"\nsite_id = 1",
                "user:pw",
            ),
            ("url = \"https://stats.example.fr/\"", "no site_id"),
            ("site_id = 2", "no url"),
            (
                "provider = \"google\"\nurl = \"https://x.fr/\"\nsite_id = 1",
                "google",
            ),
            (
                "provider = \"logs\"\nsite_id = 1",
                "takes no url or site_id",
            ),
            (
                "url = \"https://stats.example.fr/\"\nsite_id = 1\ncookie = true",
                "cookie",
            ),
        ] {
            let err = format!("{:?}", with(bad).unwrap_err());
            assert!(err.contains(said), "{bad}: {err}");
        }
    }

    #[test]
    fn the_accessibility_status_is_one_of_three() {
        let with = |v: &str| {
            Config::parse(&format!(
                "{MINIMAL}[accessibility]\nstatus = \"{v}\"\nemail = \"a@b.example\"\n"
            ))
        };
        assert_eq!(with("none").unwrap().accessibility.status, Some("none"));
        assert_eq!(with(" none ").unwrap().accessibility.status, Some("none"));
        assert_eq!(Config::parse(MINIMAL).unwrap().accessibility.status, None);
        let err = format!("{:?}", with("partiellement").unwrap_err());
        assert!(
            err.contains("[accessibility] status") && err.contains("partiellement"),
            "{err}"
        );
        let typo = format!(
            "{:?}",
            Config::parse(&format!("{MINIMAL}[accessibility]\nstatut = \"full\"\n")).unwrap_err()
        );
        assert!(typo.contains("statut"), "{typo}");
    }
}
