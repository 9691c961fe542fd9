//! Share kits: for each page, at `<page-url>kit/` (noindex, linked from
//! nowhere), the page's picture in the formats each network wants, the
//! texts to post on each network, a QR code of the page's address for
//! posters, and a zip of all of it.
//!
//! The kit's images are asked of the card studio (drawn after rendering);
//! its zip is described here ([`KitZip`]) and made by the pipeline once
//! they are drawn.

use crate::content::PageId;
use crate::error::Diagnostic;
use crate::media::card::{CardSpec, KIT_BUDGET};
use crate::render::head::{CardIntent, Frame, Head, card_values};
use crate::render::jobs::{JobOutput, RenderInputs};
use crate::render::routes;
use crate::render::views::Detail;
use crate::seo::share::{ShareInput, kit_texts, with_utm};
use crate::url::absolute;

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

/// The share kit of page `i`: its page, its QR code, and its zip to make.
pub(crate) fn kit(inputs: &RenderInputs<'_>, i: PageId) -> Result<JobOutput, Diagnostic> {
    let config = inputs.config();
    let base = config.base();
    let p = &inputs.content().pages[i.0];
    let Some(studio) = inputs.cards else {
        return Ok(JobOutput::default());
    };
    let view = inputs.views.page(i, Detail::Summary);
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
        let download = format!("{}-{name}-{w}x{h}.jpg", p.slug);
        zip_images.push((download.clone(), card.file.clone()));
        images.push(serde_json::json!({
            "format": name, "width": w, "height": h, "networks": networks,
            "url": card.url,
            "download": download,
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
    let qr = qr_svg(&qr_target).map_err(|e| {
        Diagnostic::error(
            "kit",
            format!("the page's address is too long for the share kit's QR code ({e})"),
        )
        .file(p.file.rel.clone())
        .help("give the page a shorter address (its slug), or turn kits off: [share] kit = false")
    })?;
    let kit_path = routes::kit(&p.path);
    let rel = kit_path.trim_start_matches('/').to_string();
    let mut texts_file = String::new();
    for t in &texts {
        texts_file.push_str(&format!("## {}\n\n{}\n\n", t.name, t.text));
    }
    let zip_name = format!("{}-kit.zip", p.slug);
    let zip = KitZip {
        path: format!("{rel}{zip_name}"),
        images: zip_images,
        files: vec![
            ("texts.txt".into(), texts_file.into_bytes()),
            ("qr.svg".into(), qr.clone().into_bytes()),
        ],
    };
    let mut head = Head::new(view.title.to_string());
    head.noindex = true;
    head.description = view.description.map(String::from);
    head.image = view.cover.clone();
    let mut frame = Frame::new(&p.lang, "kit.html", kit_path.clone())
        .file(p.file.rel.clone())
        .head(head);
    frame.ctx.insert(
        "kit",
        &serde_json::json!({
            "images": images,
            "texts": texts,
            "qr": absolute(base, &format!("{kit_path}qr.svg")),
            "qr_target": qr_target,
            "zip": absolute(base, &format!("{kit_path}{zip_name}")),
        }),
    );
    frame
        .ctx
        .insert_value("page", inputs.summaries[i.0].clone());
    let mut out = crate::render::head::finish(frame, inputs)?;
    out.files.push((format!("{rel}qr.svg"), qr.into_bytes()));
    out.kit = Some(zip);
    Ok(out)
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

    #[test]
    fn qr_codes_are_svg_and_refuse_what_they_cannot_hold() {
        let svg = qr_svg("https://x.fr/tourisme/lac/?utm_source=qr").unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        assert!(qr_svg(&"x".repeat(5000)).is_err());
    }
}
