//! Share kits: for each page meant to be shared ([`wanted`]), at
//! `<page-url>kit/` (noindex, linked from nowhere), the page's picture in
//! the formats each network wants, the texts to post on each network
//! (composed per network by [`crate::seo::share::kit_texts`]), a QR code of
//! the page's address for posters (and for a trail, its trailhead panel),
//! a trail page's square map card (drawn with the site's maps,
//! `render::map::card_map`), and a zip of all of it.
//!
//! The kit's images are asked of the card studio (drawn after rendering),
//! each with a small preview drawn from the same template, so the kit page
//! stays light (docs/share.md). Its zip is described here ([`KitZip`]) and
//! made by the pipeline once they are drawn; the kit page, which shows the
//! zip's size, is written then ([`KitZip::page`]).

use std::path::PathBuf;

use crate::content::PageId;
use crate::error::Diagnostic;
use crate::media::ResponsiveImage;
use crate::media::card::{CARD_BUDGET, CardSpec, CardStudio, KIT_BUDGET, SocialCard};
use crate::render::head::{CardIntent, Frame, Head, card_values};
use crate::render::jobs::{JobOutput, RenderInputs};
use crate::render::routes;
use crate::render::views::Detail;
use crate::seo::share::{NetworkText, PostSource, ShareWords, Tracking, kit_texts, with_utm};
use crate::theme::locale::NumberFormat;
use crate::url::absolute;

/// The formats of a share kit: name, width, height, networks that use it.
pub const KIT_FORMATS: [(&str, u32, u32, &str); 5] = [
    ("square", 1080, 1080, "Instagram, Facebook"),
    ("portrait", 1080, 1350, "Instagram"),
    ("story", 1080, 1920, "Stories, Reels, TikTok"),
    ("landscape", 1200, 630, "Facebook, LinkedIn, X"),
    ("wide", 1600, 900, "X, Bluesky, Mastodon"),
];

/// The width of a kit image's preview on the kit page: twice the widest
/// the theme usually shows it (a 12rem column), for sharp screens; at
/// quality 68 the five keep the kit page under 400 KB.
pub const PREVIEW_WIDTH: u32 = 360;

/// Where the kit page's HTML says the zip's size, until the zip is made.
const ZIP_SIZE_MARK: &str = "@@blason-kit-zip-size@@";

/// A kit's zip, made once its images are drawn: path in the output, files
/// (name in the zip, card file in the output), small files (name, bytes),
/// variants of the image pipeline (name in the zip, file in the image
/// cache: a trail's map card), and the kit page to write once the zip's
/// size is known.
#[derive(Debug, Clone)]
pub struct KitZip {
    pub path: String,
    pub images: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
    pub variants: Vec<(String, PathBuf)>,
    pub page: Option<KitPage>,
}

/// A kit page waiting for its zip's size.
#[derive(Debug, Clone)]
pub struct KitPage {
    /// Path in the output.
    pub path: String,
    pub html: String,
    /// `{size}` in the page's language ("{size} Mo").
    pub size_words: String,
    pub numbers: NumberFormat,
}

impl KitZip {
    /// The files the zip holds beside its cards: the variants, read from
    /// the image cache (made by the images stage, before the zips), then
    /// the small files.
    pub fn all_files(&self) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        let mut out = Vec::new();
        for (name, path) in &self.variants {
            let bytes = std::fs::read(path).map_err(|e| {
                Diagnostic::error(
                    "kit",
                    format!(
                        "the share kit `{}` cannot hold {name}: {} cannot be read ({e})",
                        self.path,
                        path.display()
                    ),
                )
            })?;
            out.push((name.clone(), bytes));
        }
        out.extend(self.files.iter().cloned());
        Ok(out)
    }

    /// The kit page with the size of its zip (`zip_len` bytes) written in.
    pub fn page(&self, zip_len: usize) -> Option<(String, Vec<u8>)> {
        let p = self.page.as_ref()?;
        let size =
            super::practical::fill(&p.size_words, &[("size", &megabytes(zip_len, &p.numbers))]);
        let html = p.html.replace(ZIP_SIZE_MARK, &crate::xml::escape(&size));
        Some((p.path.clone(), html.into_bytes()))
    }
}

/// `bytes` in megabytes, one decimal, as the language writes numbers.
fn megabytes(bytes: usize, numbers: &NumberFormat) -> String {
    let mb = (bytes as f64 / 1_000_000.0).max(0.1);
    numbers.format(mb, Some(1)).0
}

/// Whether page `i` gets a share kit: what its `[share] kit` says, else
/// pages meant to be shared: a page with posts in `[share.schedule]`, a
/// page of a pillar, an event, a page with photo pages. Legal notices, the site map and the 404 (no pillar, no
/// event, no gallery) get none.
pub(crate) fn wanted(inputs: &RenderInputs<'_>, i: PageId) -> bool {
    let p = &inputs.content().pages[i.0];
    if let Some(kit) = p.fm.share.as_ref().and_then(|s| s.kit) {
        return kit;
    }
    // A page with posts in the publishing calendar: their pictures are the kit's.
    let scheduled = p.fm.share.as_ref().and_then(|s| s.schedule.as_ref());
    scheduled.is_some_and(|s| !s.posts.is_empty())
        || p.pillar.is_some()
        || inputs.events().get(i.0).is_some_and(Option::is_some)
        || inputs.photo_pages.iter().any(|s| s.page == i.0)
}

/// What a kit shares: a page, or one of its photos.
struct Subject<'a> {
    lang: &'a str,
    /// The content file, for errors.
    file: &'a str,
    /// The shared page's path (the kit is at `<path>kit/`).
    path: String,
    /// The stem of the kit's file names.
    slug: String,
    title: String,
    description: Option<String>,
    /// `[card] title`, when the page has one.
    card_title: Option<&'a str>,
    intent: CardIntent,
    tags: &'a [String],
    audiences: &'a [String],
    share: Option<&'a crate::content::frontmatter::ShareFrontMatter>,
    cover: Option<crate::render::views::CoverView>,
    /// What the kit page says of the shared page (`permalink`, `title`).
    page: tera::Value,
    /// A trail page's square map card, its variants made.
    map_card: Option<&'a ResponsiveImage>,
}

/// The share kit of page `i`: its page, its QR code, and its zip to make.
pub(crate) fn kit(inputs: &RenderInputs<'_>, i: PageId) -> Result<JobOutput, Diagnostic> {
    make(inputs, page_subject(inputs, i))
}

/// Page `i` as a kit's subject.
fn page_subject<'a>(inputs: &RenderInputs<'a>, i: PageId) -> Subject<'a> {
    let p = &inputs.content().pages[i.0];
    let view = inputs.views.page(i, Detail::Summary);
    let intent = CardIntent::new(view.title, view.description).with(
        p.fm.card.as_deref(),
        view.cover.as_ref(),
        &p.file.rel,
    );
    Subject {
        lang: &p.lang,
        file: &p.file.rel,
        path: p.path.clone(),
        slug: p.slug.clone(),
        title: view.title.to_string(),
        description: view.description.map(String::from),
        card_title: p.fm.card.as_ref().and_then(|c| c.title.as_deref()),
        intent,
        tags: &p.fm.tags,
        audiences: &p.fm.audiences,
        share: p.fm.share.as_deref(),
        cover: view.cover.clone(),
        page: inputs.summaries.get(i.0),
        map_card: inputs
            .views
            .maps
            .get(&crate::render::map::MapFor::Card(i.0)),
    }
}

/// The texts page `i`'s kit offers, one per network ([`kit_texts`]):
/// what its kit page and the publishing calendar show.
pub(crate) fn texts(inputs: &RenderInputs<'_>, i: PageId) -> Vec<NetworkText> {
    subject_texts(inputs, &page_subject(inputs, i))
}

/// Page `i`'s kit images in `formats` (names of [`KIT_FORMATS`]), asked of
/// the card studio: the same request gives the same file, so the kit page
/// and the publishing calendar show one drawing.
pub(crate) fn draw(
    inputs: &RenderInputs<'_>,
    studio: &CardStudio,
    i: PageId,
    formats: &[&str],
) -> Result<Vec<KitImage>, Diagnostic> {
    draw_subject(inputs, studio, &page_subject(inputs, i), formats)
}

/// One kit image: its format, size, the networks it suits, the download
/// and its small preview.
pub(crate) struct KitImage {
    pub format: &'static str,
    pub width: u32,
    pub height: u32,
    pub networks: &'static str,
    pub card: SocialCard,
    pub preview: SocialCard,
}

/// The kit images of `subject` in `formats`.
fn draw_subject(
    inputs: &RenderInputs<'_>,
    studio: &CardStudio,
    subject: &Subject<'_>,
    formats: &[&str],
) -> Result<Vec<KitImage>, Diagnostic> {
    let (intent, slug) = (&subject.intent, &subject.slug);
    let values = card_values(
        inputs.config(),
        subject.lang,
        &intent.title,
        intent.description.as_deref(),
    );
    let mut out = Vec::new();
    for (name, w, h, networks) in KIT_FORMATS {
        if !formats.contains(&name) {
            continue;
        }
        let photo = intent.photo.as_ref().map(|(path, f)| (path.as_path(), *f));
        let stem = format!("{slug}-{name}");
        let draw = |width: u32, height: u32, budget: usize, quality: u8| {
            studio
                .request(
                    inputs.images,
                    &CardSpec {
                        template: "kit",
                        width,
                        height,
                        stem: &stem,
                        values: &values,
                        photo,
                        budget,
                        quality,
                    },
                )
                .map_err(|d| d.in_file(subject.file.to_string()))
        };
        let card = draw(w, h, KIT_BUDGET, 92)?;
        // The same drawing, small: what the kit page shows.
        let (pw, ph) = (PREVIEW_WIDTH, (h * PREVIEW_WIDTH).div_ceil(w));
        let preview = draw(pw, ph, CARD_BUDGET, 68)?;
        out.push(KitImage {
            format: name,
            width: w,
            height: h,
            networks,
            card,
            preview,
        });
    }
    Ok(out)
}

/// The texts of `subject`'s kit, one per network.
fn subject_texts(inputs: &RenderInputs<'_>, subject: &Subject<'_>) -> Vec<NetworkText> {
    let config = inputs.config();
    let strings = |key: &str| inputs.string(subject.lang, key);
    let words = ShareWords::from_strings(strings);
    let source = PostSource {
        title: &subject.title,
        description: subject.description.as_deref(),
        card_title: subject.card_title,
        tags: subject.tags,
        audiences: subject.audiences,
        brand: config.brand_name_in(subject.lang),
        brand_hashtag: config.brand.hashtag.as_deref(),
        fm: subject.share,
        social: &config.social,
        tracking: Tracking::of(config.share_utm(), config.share.utm_campaign.as_deref()),
        words: &words,
    };
    kit_texts(&source, &absolute(config.base(), &subject.path))
}

/// Whether the photos of page `page` get kits: unless the page's own
/// `[share] kit = false` says no, or it is a draft.
pub(crate) fn photos_wanted(inputs: &RenderInputs<'_>, page: usize) -> bool {
    let p = &inputs.content().pages[page];
    !p.fm.draft && p.fm.share.as_ref().and_then(|s| s.kit) != Some(false)
}

/// The share kit of a photo's page: the photo in each format, texts from
/// its caption, and a QR code of its page (docs/share.md).
pub(crate) fn photo_kit(
    inputs: &RenderInputs<'_>,
    set: usize,
    index: usize,
) -> Result<JobOutput, Diagnostic> {
    let content = inputs.content();
    let pages = &inputs.photo_pages[set];
    let p = &content.pages[pages.page];
    let photo = &pages.photos[index];
    let title = super::pages::photo_title(photo.caption.as_deref().unwrap_or(&photo.alt));
    // The texts say what the photo shows and credit its author, as its
    // licence usually asks: "Les rudbeckias fleurissent…. Photo : C. B."
    let sentence = photo.caption.as_deref().unwrap_or(&photo.alt).trim();
    let description = match &photo.credit {
        Some(c) => {
            let credit = inputs
                .string(&p.lang, "photo_credit")
                .unwrap_or_else(|| "Photo: {credit}.".into());
            let credit = super::practical::fill(&credit, &[("credit", c)]);
            let stop = if sentence.ends_with(['.', '!', '?', '…']) {
                ""
            } else {
                "."
            };
            format!("{sentence}{stop} {credit}")
        }
        None => sentence.to_string(),
    };
    let intent = CardIntent {
        title: title.clone(),
        description: Some(description.clone()),
        template: None,
        photo: Some((photo.source.clone(), photo.focus)),
        alt: Some(photo.alt.clone()),
        file: Some(p.file.rel.clone()),
    };
    make(
        inputs,
        Subject {
            lang: &p.lang,
            file: &p.file.rel,
            path: pages.path(content, index),
            slug: format!("{}-{}", p.slug, photo.stem),
            title: title.clone(),
            description: Some(description),
            card_title: None,
            intent,
            tags: &p.fm.tags,
            audiences: &p.fm.audiences,
            share: None,
            cover: None,
            page: tera::Value::from_serializable(
                &serde_json::json!({ "permalink": photo.permalink, "title": title }),
            ),
            map_card: None,
        },
    )
}

/// The kit of `subject`.
fn make(inputs: &RenderInputs<'_>, subject: Subject<'_>) -> Result<JobOutput, Diagnostic> {
    let config = inputs.config();
    let base = config.base();
    let Some(studio) = inputs.cards else {
        return Ok(JobOutput::default());
    };
    let drawn = draw_subject(inputs, studio, &subject, &KIT_FORMATS.map(|f| f.0))?;
    let texts = subject_texts(inputs, &subject);
    let Subject {
        lang,
        file,
        path,
        slug,
        title: page_title,
        description,
        cover,
        page,
        map_card,
        ..
    } = subject;
    let url = absolute(base, &path);
    let strings = |key: &str| inputs.string(lang, key);
    let format_name = |name: &str| strings(&format!("kit_format_{name}")).unwrap_or_default();
    let mut images = Vec::new();
    let mut zip_images = Vec::new();
    let mut zip_variants = Vec::new();
    // A trail's map card first: on a trail's kit, the picture most posted.
    if let Some((download_url, preview_url)) = map_card.and_then(card_files) {
        let (w, h) = crate::media::map::CARD_SIZE;
        let file = download_url.rsplit('/').next().unwrap_or_default();
        let ext = file.rsplit_once('.').map_or("jpg", |(_, e)| e);
        let download = format!("{slug}-map-{w}x{h}.{ext}");
        zip_variants.push((download.clone(), inputs.images.cached_file(file)));
        let alt = super::practical::fill(
            &strings("kit_map_alt").unwrap_or_else(|| "{title}".into()),
            &[("title", &page_title)],
        );
        images.push(serde_json::json!({
            "format": "map", "width": w, "height": h, "networks": "Instagram, Facebook",
            "url": download_url,
            "preview": { "url": preview_url, "width": PREVIEW_WIDTH, "height": PREVIEW_WIDTH },
            "download": download,
            "alt": alt,
        }));
    }
    for im in drawn {
        let (name, w, h) = (im.format, im.width, im.height);
        let (pw, ph) = (PREVIEW_WIDTH, (h * PREVIEW_WIDTH).div_ceil(w));
        let download = format!("{slug}-{name}-{w}x{h}.jpg");
        zip_images.push((download.clone(), im.card.file.clone()));
        images.push(serde_json::json!({
            "format": name, "width": w, "height": h, "networks": im.networks,
            "url": im.card.url,
            "preview": { "url": im.preview.url, "width": pw, "height": ph },
            "download": download,
            "alt": format!("{}, {w}×{h}", format_name(name)),
        }));
    }
    let numbers = inputs
        .strings_of(lang)
        .map(|s| s.numbers.clone())
        .unwrap_or_default();
    let fill = |key: &str, values: &[(&str, &str)]| {
        super::practical::fill(&strings(key).unwrap_or_default(), values)
    };
    let texts_view: Vec<serde_json::Value> = texts
        .iter()
        .map(|t| {
            let count = numbers.format(t.count as f64, None).0;
            let length = match t.limit {
                Some(l) => fill(
                    "kit_length",
                    &[
                        ("count", &count),
                        ("limit", &numbers.format(l as f64, None).0),
                    ],
                ),
                None => fill("kit_length_free", &[("count", &count)]),
            };
            serde_json::json!({
                "network": t.network,
                "name": t.name,
                "text": t.text,
                "length": length,
                "over": t.limit.is_some_and(|l| t.count > l),
                "copied": fill("kit_copied", &[("network", t.name)]),
            })
        })
        .collect();
    let qr_target = with_utm(
        &url,
        "qr",
        "print",
        Tracking::of(config.share_utm(), config.share.utm_campaign.as_deref()),
    );
    let qr = qr_svg(&qr_target).map_err(|e| {
        Diagnostic::error(
            "kit",
            format!("the page's address is too long for the share kit's QR code ({e})"),
        )
        .file(file.to_string())
        .help("give the page a shorter address (its slug), or turn its kit off: [share] kit = false in its front matter")
    })?;
    let kit_path = routes::kit(&path);
    let rel = kit_path.trim_start_matches('/').to_string();
    let mut texts_file = String::new();
    for t in &texts {
        texts_file.push_str(&format!("## {}\n\n{}\n\n", t.name, t.text));
    }
    let zip_name = format!("{slug}-kit.zip");
    let title = fill("kit_page_title", &[("title", &page_title)]);
    let mut head = Head::new(title.clone());
    head.noindex = true;
    head.description = description.clone();
    head.image = cover;
    let mut frame = Frame::new(lang, "kit.html", kit_path.clone())
        .file(file.to_string())
        .head(head);
    frame.ctx.insert(
        "kit",
        &serde_json::json!({
            "title": title,
            "images": images,
            "texts": texts_view,
            "qr": absolute(base, &format!("{kit_path}qr.svg")),
            "qr_target": qr_target,
            "qr_target_parts": break_points(&qr_target),
            "zip": absolute(base, &format!("{kit_path}{zip_name}")),
            "zip_size": ZIP_SIZE_MARK,
        }),
    );
    frame.ctx.insert_value("page", page);
    let mut out = crate::render::head::finish(frame, inputs)?;
    // The page waits for its zip's size; the QR code is written now.
    let page_file = crate::output::file_for(&kit_path);
    let page = out
        .files
        .iter()
        .position(|(path, _)| *path == page_file)
        .map(|k| out.files.remove(k))
        .map(|(path, bytes)| KitPage {
            path,
            html: String::from_utf8_lossy(&bytes).into_owned(),
            size_words: strings("kit_zip_size").unwrap_or_else(|| "{size} MB".into()),
            numbers,
        });
    out.files
        .push((format!("{rel}qr.svg"), qr.clone().into_bytes()));
    out.kit = Some(KitZip {
        path: format!("{rel}{zip_name}"),
        images: zip_images,
        files: vec![
            ("texts.txt".into(), texts_file.into_bytes()),
            ("qr.svg".into(), qr.into_bytes()),
        ],
        variants: zip_variants,
        page,
    });
    Ok(out)
}

/// A map card's download (its `<img>` fallback: the card's own size in the
/// site's last image format, JPEG by default) and its preview (the smallest
/// variant of its last `<source>`, WebP by default, made [`PREVIEW_WIDTH`]
/// wide: `render::map::CARD_WIDTHS`).
fn card_files(card: &ResponsiveImage) -> Option<(&str, &str)> {
    let preview = card
        .sources
        .last()?
        .srcset
        .split(", ")
        .next()?
        .rsplit_once(' ')?
        .0;
    Some((card.fallback.url.as_str(), preview))
}

/// `url` cut after each `/`, `?`, `&` and `=`: where the kit page lets a
/// long address wrap (`<wbr>`), so it is shown whole and never hyphenated.
fn break_points(url: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in url.char_indices() {
        if matches!(c, '/' | '?' | '&' | '=') && i + 1 < url.len() {
            parts.push(&url[start..=i]);
            start = i + 1;
        }
    }
    parts.push(&url[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The QR code of `target`, as SVG, at least 512 pixels wide.
fn qr_svg(target: &str) -> Result<String, qrcode::types::QrError> {
    Ok(
        qrcode::QrCode::with_error_correction_level(target.as_bytes(), qrcode::EcLevel::M)?
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(512, 512)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pipeline::stages::with_render_inputs;
    use crate::testing::{CONFIG, site};

    #[test]
    fn kits_are_for_pages_meant_to_be_shared_unless_front_matter_says() {
        let config = CONFIG
            .replace("enable = false", "enable = true")
            .replace("kit = false", "kit = true");
        let dir = site(&[
            ("blason.toml", &config),
            ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
            ("content/tourisme/lac.md", "+++\ntitle = \"Le lac\"\n+++\n"),
            (
                "content/mentions-legales.md",
                "+++\ntitle = \"Mentions légales\"\n+++\n",
            ),
            (
                "content/contact.md",
                "+++\ntitle = \"Contact\"\n[share]\nkit = true\n+++\n",
            ),
            (
                "content/tourisme/brouillon.md",
                "+++\ntitle = \"Brouillon\"\n[share]\nkit = false\n+++\n",
            ),
            (
                "content/fete.md",
                "+++\ntitle = \"La fête\"\n[event]\nstart = 2026-08-14T21:00:00+02:00\n+++\n",
            ),
        ]);
        with_render_inputs(dir.path(), |inputs| {
            let wanted: Vec<&str> = (0..inputs.content().pages.len())
                .filter(|&i| wanted(inputs, PageId(i)))
                .map(|i| inputs.content().pages[i].slug.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            assert_eq!(wanted, ["contact", "fete", "lac"]);
        });
    }

    #[test]
    fn long_addresses_wrap_at_their_punctuation_and_sizes_read_in_megabytes() {
        assert_eq!(
            break_points("https://x.fr/a/?utm_source=qr&b=1"),
            [
                "https:/",
                "/",
                "x.fr/",
                "a/",
                "?",
                "utm_source=",
                "qr&",
                "b=",
                "1"
            ]
        );
        assert_eq!(break_points("abc"), ["abc"]);
        let fr = NumberFormat {
            decimal: ",".into(),
            group: "\u{202f}".into(),
            min_grouping_digits: 1,
        };
        assert_eq!(megabytes(2_345_678, &fr), "2,3");
        assert_eq!(megabytes(12, &NumberFormat::default()), "0.1");
    }

    #[test]
    fn a_map_card_is_downloaded_at_its_largest_and_previewed_at_its_smallest() {
        let variant = |w: u32| crate::media::Variant {
            url: format!("https://x.fr/processed_images/map-{w}.jpg"),
            width: w,
            height: w,
        };
        let card = ResponsiveImage {
            placeholder: String::new(),
            sources: vec![
                crate::media::ImageSource {
                    mime: "image/webp",
                    srcset: "https://x.fr/processed_images/map-360.webp 360w, https://x.fr/processed_images/map-1080.webp 1080w".into(),
                },
                crate::media::ImageSource {
                    mime: "image/jpeg",
                    srcset: "https://x.fr/processed_images/map-360.jpg 360w, https://x.fr/processed_images/map-1080.jpg 1080w".into(),
                },
            ],
            fallback: variant(1080),
            width: 1080,
            height: 1080,
        };
        assert_eq!(
            card_files(&card),
            Some((
                "https://x.fr/processed_images/map-1080.jpg",
                "https://x.fr/processed_images/map-360.jpg"
            ))
        );
    }

    #[test]
    fn qr_codes_are_svg_and_refuse_what_they_cannot_hold() {
        let svg = qr_svg("https://x.fr/tourisme/lac/?utm_source=qr").unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        assert!(qr_svg(&"x".repeat(5000)).is_err());
    }
}
