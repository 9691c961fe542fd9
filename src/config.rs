//! `blason.toml`: the site's configuration, parsed with serde into documented data.
//!
//! Every table denies unknown keys; a typo is an error that names the table and
//! suggests the nearest known key ("unknown key `colour` in [brand]; did you mean
//! `colors`?"). Defaults are written on each field. This module only reads and
//! validates configuration; it never touches content or output.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, line_col, suggest};

/// The whole `blason.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
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
    pub brand: Brand,
    /// The pillars of attractiveness, in the site's order. Default: none.
    #[serde(default)]
    pub pillars: IndexMap<String, Grouping>,
    /// Who pages speak to, in the site's order. Default: none.
    #[serde(default)]
    pub audiences: IndexMap<String, Grouping>,
    /// The territory's own accounts: network name to URL.
    #[serde(default)]
    pub social: IndexMap<String, String>,
    #[serde(default)]
    pub share: ShareConfig,
    #[serde(default)]
    pub cards: CardsConfig,
    #[serde(default)]
    pub images: ImagesConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Zola-style taxonomies other than tags are accepted in front matter; this
    /// lists how many pages per listing page (0: all). Default: 0.
    #[serde(default)]
    pub paginate_taxonomies: usize,
    /// Free data for templates (`config.extra`).
    #[serde(default)]
    pub extra: toml::Table,
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
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageBrand {
    /// The tagline in this language. Default: the main tagline.
    pub tagline: Option<String>,
}

/// The brand: name, tagline, logo, font, hashtag and colours.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
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
    pub colors: Colors,
}

/// Brand colours, as CSS colours (`#rrggbb`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
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

impl Default for Colors {
    fn default() -> Self {
        Colors {
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
}

/// `[share]`: share links and kits.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShareConfig {
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

impl Default for ShareConfig {
    fn default() -> Self {
        ShareConfig {
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

/// `[images]`: responsive image variants and the cache.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// Widths of the responsive variants, in pixels. Default: 480, 960, 1600.
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// Formats: `webp`, `jpg` (and `avif` with the avif feature). Default: webp, jpg.
    #[serde(default = "default_formats")]
    pub formats: Vec<String>,
    /// Encoder quality, 1 to 100. Default: 82.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// WebP encoder effort, 0 (fastest) to 6 (smallest files). Default: 2:
    /// libwebp's own default (4) makes files ~4 % smaller at the same
    /// quality for ~2.5 times the encoding time, paid on every cold build.
    #[serde(default = "default_effort")]
    pub effort: u8,
    /// The content-addressed cache, relative to the site root. Default: `.blason-cache`.
    #[serde(default = "default_cache_dir")]
    pub cache_dir: PathBuf,
}

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}
fn default_formats() -> Vec<String> {
    vec!["webp".into(), "jpg".into()]
}
fn default_quality() -> u8 {
    82
}
fn default_effort() -> u8 {
    2
}
fn default_cache_dir() -> PathBuf {
    ".blason-cache".into()
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: default_widths(),
            formats: default_formats(),
            quality: default_quality(),
            effort: default_effort(),
            cache_dir: default_cache_dir(),
        }
    }
}

/// `[markdown]`: how content is rendered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// French typography (narrow no-break spaces before ; : ! ? and inside « »).
    /// Default: on for pages in French, off for other languages.
    pub french_typography: Option<bool>,
    /// Open external links in a new tab. Default: false (WCAG advises against it).
    #[serde(default)]
    pub external_links_new_tab: bool,
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
        let config: Config = toml::from_str(text)
            .map_err(|e| toml_diagnostic(&e, text, 0, "config").file("blason.toml"))?;
        config.validate().map_err(|d| d.file("blason.toml"))?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), Diagnostic> {
        let url = self.base_url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Diagnostic::error(
                "config",
                format!("base_url `{}` is not an absolute http(s) URL", self.base_url),
            )
            .help("write the address the site is published at, e.g. base_url = \"https://www.example-territoire.fr\""));
        }
        if jiff::tz::TimeZone::get(&self.timezone).is_err() {
            return Err(Diagnostic::error(
                "config",
                format!("unknown time zone `{}`", self.timezone),
            )
            .help("use an IANA time zone name such as \"Europe/Paris\""));
        }
        for (key, lang) in &self.languages {
            if key == &self.default_language {
                return Err(Diagnostic::error(
                    "config",
                    format!("[languages.{key}] repeats the default language"),
                )
                .help("[languages] lists the other languages only; remove this table"));
            }
            for (kind, names, known) in [
                ("pillars", &lang.pillars, &self.pillars),
                ("audiences", &lang.audiences, &self.audiences),
            ] {
                for k in names.keys() {
                    if !known.contains_key(k) {
                        let mut d = Diagnostic::error(
                            "unknown-key",
                            format!(
                                "[languages.{key}.{kind}] names `{k}`, which is not in [{kind}]"
                            ),
                        );
                        if let Some(s) = suggest(k, known.keys().map(String::as_str)) {
                            d = d.help(format!("did you mean `{s}`?"));
                        }
                        return Err(d);
                    }
                }
            }
        }
        let c = &self.brand.colors;
        for (name, value) in [
            ("primary", &c.primary),
            ("accent", &c.accent),
            ("text", &c.text),
            ("background", &c.background),
        ] {
            if parse_hex_color(value).is_none() {
                return Err(Diagnostic::error(
                    "config",
                    format!("[brand] colors.{name} = \"{value}\" is not a colour"),
                )
                .help("write colours as #rrggbb (or #rgb), e.g. \"#0b5d6b\""));
            }
        }
        for f in &self.images.formats {
            if Format::parse(f).is_none() {
                let d = Diagnostic::error(
                    "config",
                    format!("[images] formats: `{f}` is not a format blason writes"),
                );
                return Err(if f.eq_ignore_ascii_case("avif") {
                    d.help("AVIF needs a blason built with the `avif` feature (cargo build --release --features avif); otherwise use \"webp\" and \"jpg\"")
                } else {
                    d.help("use \"webp\" and \"jpg\"")
                });
            }
        }
        if let Some(last) = self.images.formats.last()
            && last.eq_ignore_ascii_case("avif")
        {
            return Err(Diagnostic::error(
                "config",
                "[images] formats: `avif` cannot come last",
            )
            .help("the last format is the <img> fallback every browser must read: write [\"avif\", \"webp\", \"jpg\"]"));
        }
        if self.images.formats.is_empty() || self.images.widths.is_empty() {
            return Err(Diagnostic::error(
                "config",
                "[images] needs at least one width and one format",
            )
            .help("e.g. widths = [480, 960, 1600] and formats = [\"webp\", \"jpg\"]"));
        }
        if !(1..=100).contains(&self.images.quality) {
            return Err(Diagnostic::error(
                "config",
                format!("[images] quality = {} is out of range", self.images.quality),
            )
            .help("use a value from 1 to 100 (82 is a good default)"));
        }
        if self.images.effort > 6 {
            return Err(Diagnostic::error(
                "config",
                format!("[images] effort = {} is out of range", self.images.effort),
            )
            .help("use a value from 0 (fastest) to 6 (smallest files); the default is 2"));
        }
        Ok(())
    }

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

    /// Whether French typography applies to content in `lang`.
    pub fn french_typography(&self, lang: &str) -> bool {
        self.markdown.french_typography.unwrap_or(false)
            || (self.markdown.french_typography.is_none() && lang == "fr")
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
    /// Warnings for brand colour pairs under WCAG AA contrast (4.5:1 for text).
    pub fn contrast_warnings(&self) -> Vec<Diagnostic> {
        let c = &self.brand.colors;
        let mut out = Vec::new();
        for (fg_name, fg, bg_name, bg) in [
            ("text", &c.text, "background", &c.background),
            ("primary", &c.primary, "background", &c.background),
        ] {
            let (Some(f), Some(b)) = (parse_hex_color(fg), parse_hex_color(bg)) else {
                continue;
            };
            let ratio = contrast_ratio(f, b);
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

/// Turns a TOML deserialization error into a diagnostic with line and column.
///
/// `offset` is where `text` starts in the file (front matter starts after the
/// `+++` line), `file_text` is used to compute the line. The unknown-field
/// message of serde is rewritten to name the table and suggest a key.
pub(crate) fn toml_diagnostic(
    err: &toml::de::Error,
    text: &str,
    line_offset: usize,
    what: &str,
) -> Diagnostic {
    let raw = err.message().trim().to_string();
    let (line, col) = err
        .span()
        .map(|s| line_col(text, s.start))
        .unwrap_or((1, 1));
    let table = err.span().and_then(|s| enclosing_table(text, s.start));
    let mut d = match parse_unknown_field(&raw) {
        Some((field, expected)) => {
            let place = match &table {
                Some(t) => format!(" in [{t}]"),
                None if what == "config" => " at the top level".to_string(),
                None => String::new(),
            };
            let mut d = Diagnostic::error("unknown-key", format!("unknown key `{field}`{place}"));
            match suggest(&field, expected.iter().map(String::as_str)) {
                Some(s) => d = d.help(format!("did you mean `{s}`?")),
                None if !expected.is_empty() => {
                    d = d.help(format!("known keys here: {}", expected.join(", ")))
                }
                None => {}
            }
            d
        }
        None => {
            let key = err.span().and_then(|s| key_at(text, s.start));
            let msg = humanize_toml_message(&raw, key.as_deref());
            let code = if what == "config" {
                "config"
            } else {
                "front-matter"
            };
            if msg == raw {
                // A syntax error: say what the file is, and what usually goes wrong.
                let name = if what == "config" {
                    "blason.toml"
                } else {
                    "the front matter"
                };
                Diagnostic::error(code, format!("{name} is not valid TOML: {raw}")).help(
                    "check the quotes, brackets and `=` signs around this place; text values need \"quotes\"",
                )
            } else {
                Diagnostic::error(code, msg)
            }
        }
    };
    d = d.at(line + line_offset, col);
    d
}

/// The key written on the line of `offset` (`draft = "yes"` → `draft`).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(' ')).then(|| key.to_string())
}

fn humanize_toml_message(raw: &str, key: Option<&str>) -> String {
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        return match key {
            Some(k) => format!("wrong type for `{k}`: {rest}"),
            None => format!("wrong type: {rest}"),
        };
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    raw.to_string()
}

/// `unknown field `x`, expected one of `a`, `b`` → ("x", ["a", "b"]).
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let field = rest[..end].to_string();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    Some((field, expected))
}

/// The `[table]` header in force at `offset` (for error messages).
fn enclosing_table(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let current_line = before.rsplit('\n').next().unwrap_or("");
    // An inline table on the same line: `colors = { ... }` is inside [brand].
    let inline = current_line.find('{').map(|i| {
        current_line[..i]
            .trim()
            .trim_end_matches('=')
            .trim()
            .to_string()
    });
    let header = before.lines().rev().find_map(|l| {
        let l = l.trim();
        if l.starts_with('[') && !l.starts_with("[[") {
            Some(l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        } else if l.starts_with("[[") {
            Some(l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        } else {
            None
        }
    });
    match (header, inline) {
        (Some(h), Some(i)) if !i.is_empty() => Some(format!("{h}.{i}")),
        (None, Some(i)) if !i.is_empty() => Some(i),
        (h, _) => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "base_url = \"https://example.org\"\ntitle = \"T\"\n";

    #[test]
    fn minimal_config_gets_documented_defaults() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.default_language, "fr");
        assert_eq!(c.theme, "postale");
        assert_eq!(c.images.widths, vec![480, 960, 1600]);
        assert_eq!(c.brand.colors.primary, "#0b5d6b");
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
    fn webp_effort_defaults_to_2_and_stays_within_libwebp_range() {
        assert_eq!(Config::parse(MINIMAL).unwrap().images.effort, 2);
        let six = format!("{MINIMAL}[images]\neffort = 6\n");
        assert_eq!(Config::parse(&six).unwrap().images.effort, 6);
        let seven = format!("{MINIMAL}[images]\neffort = 7\n");
        let err = Config::parse(&seven).unwrap_err();
        let d = &err.diagnostics()[0];
        assert!(d.message.contains("effort = 7"), "{}", d.message);
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
}
