//! The head of every HTML page, and the step every HTML job ends with.
//!
//! A job says what its page is ([`Head`]: title, description, image,
//! breadcrumb, what its social card shows, whether it has a share bar);
//! [`finish`] turns that into what the `<head>` needs — Open Graph and X
//! tags with the page's social card (asked of the card studio here), hreflang
//! alternates, feeds, JSON-LD with the breadcrumb — adds the share bar and
//! renders the template. It writes nothing: the files and the warnings it
//! found come back in a [`JobOutput`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::content::frontmatter::{CardFrontMatter, ShareFrontMatter};
use crate::error::Diagnostic;
use crate::media::card::{CARD_BUDGET, CARD_SIZE, CardSpec, stem_of};
use crate::output::file_for;
use crate::render::jobs::{JobOutput, RenderInputs};
use crate::render::views::{CoverView, NavItem, TranslationView, language_links};
use crate::render::{feeds, routes};
use crate::seo::jsonld;
use crate::seo::share::{ShareInput, Tracking, share_view};
use crate::url::absolute;

/// An HTML page a job makes: where it goes, its template and context, and
/// what its head says.
pub(crate) struct Frame<'a> {
    pub lang: String,
    pub template: String,
    /// The page's address: `/tourisme/lac/`.
    pub path: String,
    /// The content file it comes from, named in template errors and warnings.
    pub file: Option<String>,
    pub ctx: Context,
    /// The page in each language it exists in (hreflang, language switch).
    pub translations: Vec<TranslationView>,
    /// `None` for redirects and assets, which have no head of their own.
    pub head: Option<Head<'a>>,
}

impl<'a> Frame<'a> {
    pub fn new(lang: &str, template: &str, path: String) -> Frame<'a> {
        Frame {
            lang: lang.to_string(),
            template: template.to_string(),
            path,
            file: None,
            ctx: Context::new(),
            translations: Vec::new(),
            head: None,
        }
    }

    pub fn file(mut self, file: impl Into<String>) -> Frame<'a> {
        self.file = Some(file.into());
        self
    }

    pub fn head(mut self, head: Head<'a>) -> Frame<'a> {
        self.head = Some(head);
        self
    }
}

/// What a page says of itself for its head.
pub(crate) struct Head<'a> {
    pub title: String,
    pub description: Option<String>,
    /// `website` or `article`.
    pub og_type: &'static str,
    pub image: Option<CoverView>,
    /// The breadcrumb above the page, home first.
    pub crumbs: Vec<NavItem>,
    /// The page's own breadcrumb item, when it has one.
    pub here: Option<String>,
    /// JSON-LD items besides the breadcrumb.
    pub extra_ld: Vec<serde_json::Value>,
    pub noindex: bool,
    /// The page's own feed, announced beside the site's.
    pub feed: Option<FeedLink>,
    /// What the page's social card shows; `None`: its title and description.
    pub card: Option<CardIntent>,
    pub share: ShareBar<'a>,
}

impl Head<'_> {
    pub fn new(title: String) -> Self {
        Head {
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
            share: ShareBar::Off,
        }
    }
}

/// Whether a page has a share bar, and with which texts.
#[derive(Clone, Copy)]
pub(crate) enum ShareBar<'a> {
    Off,
    /// Texts made from the page's title and description.
    Default,
    /// The page's `[share]` texts.
    Texts(&'a ShareFrontMatter),
}

impl<'a> ShareBar<'a> {
    /// A page's share bar: its `[share]` texts, when it has some.
    pub fn of(fm: Option<&'a ShareFrontMatter>) -> ShareBar<'a> {
        fm.map_or(ShareBar::Default, ShareBar::Texts)
    }
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

/// What a social card shows.
pub(crate) struct CardIntent {
    pub title: String,
    pub description: Option<String>,
    pub template: Option<String>,
    /// The photo and its focal point.
    pub photo: Option<(PathBuf, (f64, f64))>,
    pub alt: Option<String>,
    /// The content file, for warnings and errors.
    pub file: Option<String>,
}

impl CardIntent {
    pub fn new(title: &str, description: Option<&str>) -> CardIntent {
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
    pub fn with(
        mut self,
        fm: Option<&CardFrontMatter>,
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

    /// A diagnostic about this card, placed in its content file.
    fn locate(&self, d: Diagnostic) -> Diagnostic {
        match &self.file {
            Some(f) => d.in_file(f.clone()),
            None => d,
        }
    }
}

/// What card templates see as `card`.
pub(crate) fn card_values(
    config: &Config,
    lang: &str,
    title: &str,
    description: Option<&str>,
) -> BTreeMap<&'static str, String> {
    let c = &config.brand.colors;
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
        ("primary", c.primary.hex.clone()),
        ("accent", c.accent.hex.clone()),
        ("text", c.text.hex.clone()),
        ("background", c.background.hex.clone()),
        ("on_primary", c.text_on(&c.primary).to_string()),
        ("on_accent", c.text_on(&c.accent).to_string()),
    ]
    .into_iter()
    .collect()
}

/// Renders a frame: its head (share bar, social card, SEO, JSON-LD) into
/// its context, then its template.
pub(crate) fn finish(
    mut frame: Frame<'_>,
    inputs: &RenderInputs<'_>,
) -> Result<JobOutput, Diagnostic> {
    let config = inputs.config();
    let base = config.base();
    let (lang, path) = (frame.lang.as_str(), frame.path.as_str());
    let mut warnings = Vec::new();
    let ctx = &mut frame.ctx;
    ctx.insert(
        "languages",
        &language_links(config, &frame.translations, lang),
    );
    ctx.insert("current_path", path);
    ctx.insert("current_url", &absolute(base, path));
    // The footer links the press library where this language has one.
    ctx.insert(
        "press_library",
        &inputs.press.root(lang).map(|p| absolute(base, p)),
    );
    if let Some(mut head) = frame.head.take() {
        let canonical = absolute(base, path);
        if let Some(share) = share_bar(&head, config, &canonical) {
            ctx.insert("share", &share);
        }
        if let Some(studio) = inputs
            .cards
            .filter(|_| config.cards.enable && !head.noindex)
        {
            let intent = head
                .card
                .take()
                .unwrap_or_else(|| CardIntent::new(&head.title, head.description.as_deref()));
            let template = match &intent.template {
                Some(t) => t.clone(),
                None if intent.photo.is_some() => config.cards.template.clone(),
                None => "brand".to_string(),
            };
            let values = card_values(config, lang, &intent.title, intent.description.as_deref());
            let card = studio
                .request(
                    inputs.images,
                    &CardSpec {
                        template: &template,
                        width: CARD_SIZE.0,
                        height: CARD_SIZE.1,
                        stem: &stem_of(path),
                        values: &values,
                        photo: intent.photo.as_ref().map(|(p, f)| (p.as_path(), *f)),
                        budget: CARD_BUDGET,
                        quality: 85,
                    },
                )
                .map_err(|d| intent.locate(d))?;
            for what in &card.cut {
                warnings.push(
                    intent.locate(
                        Diagnostic::warning(
                            "card-text-cut",
                            format!(
                                "the {what} is too long for the social card of {path} and was cut"
                            ),
                        )
                        .help("shorten it, or give the card its own: [card] title = \"...\""),
                    ),
                );
            }
            if intent.photo.is_some() && intent.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                warnings.push(
                    intent.locate(
                        Diagnostic::warning(
                            "card-alt-missing",
                            format!("the social card of {path} has no image description"),
                        )
                        .help("add cover_alt = \"...\" (or [card] alt) describing the photo"),
                    ),
                );
            }
            head.image = Some(CoverView {
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
        // The site's feed is linked only when it is written: always, with
        // or without entries, unless its home page turns feeds off.
        let home_feed = feeds::has_home_feed(inputs.content(), lang);
        let (seo, ld) = seo(
            head,
            config,
            lang,
            &canonical,
            &frame.translations,
            home_feed,
        );
        ctx.insert("seo", &seo);
        ctx.insert_value("jsonld", tera::Value::safe_string(&ld));
    }
    let html = inputs.renderer.render_bytes(
        &frame.lang,
        &frame.template,
        &frame.ctx,
        frame.file.as_deref(),
    )?;
    Ok(JobOutput {
        files: vec![(file_for(&frame.path), html)],
        warnings,
        templates: vec![frame.template],
        ..JobOutput::default()
    })
}

/// The share bar of a page, when it has one.
fn share_bar(
    head: &Head<'_>,
    config: &Config,
    canonical: &str,
) -> Option<crate::seo::share::ShareView> {
    let fm = match head.share {
        ShareBar::Off => return None,
        ShareBar::Default => None,
        ShareBar::Texts(fm) => Some(fm),
    };
    let input = ShareInput {
        title: &head.title,
        description: head.description.as_deref(),
        fm,
        brand_hashtag: config.brand.hashtag.as_deref(),
        tracking: Tracking::of(config.share_utm(), config.share.utm_campaign.as_deref()),
    };
    Some(share_view(
        &input,
        canonical,
        &config.share.networks,
        &absolute(config.base(), routes::MASTODON_SHARE),
    ))
}

/// The head's SEO view and its JSON-LD script (with the breadcrumb).
fn seo(
    head: Head<'_>,
    config: &Config,
    lang: &str,
    canonical: &str,
    translations: &[TranslationView],
    home_feed: bool,
) -> (SeoView, String) {
    let base = config.base();
    let site_name = config.title_in(lang).to_string();
    let mut feeds = Vec::new();
    if home_feed {
        feeds.push(FeedLink {
            title: site_name.clone(),
            url: absolute(base, &routes::home_feed(config, lang)),
        });
    }
    if let Some(f) = head.feed
        && feeds.first().is_none_or(|h| f.url != h.url)
    {
        feeds.push(f);
    }
    let title = if head.title.is_empty() || head.title == site_name {
        site_name.clone()
    } else {
        head.title.clone()
    };
    let seo = SeoView {
        description: head
            .description
            .clone()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| config.description_in(lang).to_string()),
        canonical: canonical.to_string(),
        og_type: head.og_type,
        locale: og_locale(lang),
        locale_alternates: translations
            .iter()
            .filter(|t| t.lang != lang)
            .map(|t| og_locale(&t.lang))
            .collect(),
        site_name: site_name.clone(),
        twitter_card: if head.image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        },
        image: head.image,
        alternates: if translations.len() > 1 {
            translations.to_vec()
        } else {
            Vec::new()
        },
        feeds,
        noindex: head.noindex,
        title,
    };
    let mut items = head.extra_ld;
    // Pages out of the index (the 404 among them) have no breadcrumb.
    if !head.noindex {
        let mut crumbs: Vec<(String, String)> = head
            .crumbs
            .iter()
            .map(|c| (c.title.clone(), c.permalink.clone()))
            .collect();
        if crumbs.is_empty() {
            crumbs.push((
                site_name,
                absolute(base, &format!("{}/", config.lang_prefix(lang))),
            ));
        }
        if let Some(here) = head.here {
            crumbs.push((here, canonical.to_string()));
        }
        items.push(jsonld::breadcrumb(&crumbs));
    }
    (seo, jsonld::script(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_locales_name_a_region_for_the_site_languages() {
        assert_eq!(og_locale("fr"), "fr_FR");
        assert_eq!(og_locale("en"), "en_GB");
        assert_eq!(og_locale("nl"), "nl_NL");
        assert_eq!(og_locale("ja"), "ja");
    }

    #[test]
    fn a_card_takes_the_cover_and_the_card_table_over_the_page() {
        let cover = CoverView {
            url: "/lac.jpg".into(),
            permalink: "https://x.fr/lac.jpg".into(),
            alt: Some("Le lac".into()),
            width: None,
            height: None,
            mime: "image/jpeg",
            image: None,
            source: Some(PathBuf::from("/site/content/lac.jpg")),
        };
        let fm = CardFrontMatter {
            title: Some("Court".into()),
            focus: Some([0.2, 0.8]),
            ..Default::default()
        };
        let card = CardIntent::new("Un très long titre", Some("Desc")).with(
            Some(&fm),
            Some(&cover),
            "content/lac.md",
        );
        assert_eq!(card.title, "Court");
        assert_eq!(card.description.as_deref(), Some("Desc"));
        assert_eq!(card.alt.as_deref(), Some("Le lac"));
        assert_eq!(
            card.photo,
            Some((PathBuf::from("/site/content/lac.jpg"), (0.2, 0.8)))
        );
        let plain = CardIntent::new("T", None).with(None, None, "content/a.md");
        assert!(plain.photo.is_none() && plain.template.is_none());
    }

    #[test]
    fn card_text_colours_follow_contrast_with_the_background() {
        let config = Config::parse(
            "base_url = \"https://www.x.fr\"\ntitle = \"T\"\n[brand]\ncolors = { primary = \"#0b5d6b\", accent = \"#f2e900\" }\n",
        )
        .unwrap();
        let v = card_values(&config, "fr", "Titre", None);
        assert_eq!(v["on_primary"], "#ffffff");
        assert_eq!(v["on_accent"], "#1d1d1b");
        assert_eq!(v["host"], "x.fr");
        assert_eq!(v["description"], "");
    }
}
