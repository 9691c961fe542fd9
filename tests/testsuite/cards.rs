//! Social cards, share links and the share kits of community managers.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{SiteTest, fragment, read, read_text, select, tree};

/// The `content` of `<meta property|name="key" content="...">`.
fn meta(html: &str, key: &str) -> Option<String> {
    for attr in ["property", "name"] {
        let tag = format!("<meta {attr}=\"{key}\" content=\"");
        if let Some(i) = html.find(&tag) {
            let rest = &html[i + tag.len()..];
            return Some(rest[..rest.find('"').unwrap()].replace("&amp;", "&"));
        }
    }
    None
}

/// The og:image of every HTML page of `out`, by path.
fn og_images(out: &Path) -> BTreeMap<String, String> {
    tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .filter_map(|(p, b)| meta(&String::from_utf8(b).unwrap(), "og:image").map(|m| (p, m)))
        .collect()
}

fn cards_drawn(site: &SiteTest) -> u64 {
    site.build_with_report().1["cards_drawn"].as_u64().unwrap()
}

#[test]
fn social_cards_are_drawn_once_and_named_by_what_they_show() {
    let site = SiteTest::from_fixture("cards/photo-and-text");
    let root = site.root();
    let out = site.out();
    assert!(cards_drawn(&site) > 0);
    let lac = read(&out.join("tourisme/lac/index.html"));
    let image = meta(&lac, "og:image").unwrap();
    let hash = image
        .strip_prefix("https://www.example-territoire.fr/processed_images/card-lac-")
        .and_then(|rest| rest.strip_suffix(".jpg"))
        .unwrap_or_else(|| panic!("{image}"));
    // The card's size, type and alt text, for Open Graph and X alike (the
    // name's hash changes with every drawing: HASH in the snapshot).
    let tags = fragment(
        &scraper::Html::parse_document(&lac),
        "head meta[property^='og:image'], head meta[name^='twitter:']",
    );
    insta::assert_snapshot!("card_head_tags", tags.replace(hash, "HASH"));
    let file = out.join(image.trim_start_matches("https://www.example-territoire.fr/"));
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() <= 300 * 1024, "{} bytes", bytes.len());
    let card = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(card.dimensions(), (1200, 630));
    // The brand's band (#0b5d6b) under the title, the photo above it.
    let band = card.get_pixel(20, 470).0;
    assert!(
        band.iter()
            .zip([0x0b, 0x5d, 0x6b])
            .all(|(a, b)| a.abs_diff(b) < 12),
        "{band:?}"
    );
    assert_ne!(card.get_pixel(600, 100).0, band);
    // A page without a photo gets the text-only brand card; every page has one.
    let col = read(&out.join("tourisme/col/index.html"));
    assert!(meta(&col, "og:image").unwrap().contains("/card-col-"));
    let before = og_images(out);
    assert!(before.len() >= 5, "{before:?}");

    assert_eq!(cards_drawn(&site), 0, "a second build draws nothing");

    // A new title: that page's card and its kit images, nothing else.
    let page = root.join("content/tourisme/lac/index.md");
    std::fs::write(
        &page,
        read(&page).replace("title = \"Le lac\"", "title = \"Le grand lac\""),
    )
    .unwrap();
    // The card, the kit's five images and their five previews.
    assert_eq!(cards_drawn(&site), 1 + 5 + 5);
    let after = og_images(out);
    for (path, url) in &before {
        if path.starts_with("tourisme/lac/index.html") {
            assert_ne!(after[path], *url, "the card's URL changes with it");
        } else if !path.contains("/kit/") {
            assert_eq!(after[path], *url, "{path}");
        }
    }

    // An ejected theme draws the same cards: nothing to redraw.
    site.run(&["theme", "eject", root.to_str().unwrap()])
        .assert_success();
    assert_eq!(cards_drawn(&site), 0);
    // A new template: every card drawn from it again.
    let brand = root.join("themes/postale/cards/brand.svg");
    std::fs::write(
        &brand,
        read(&brand).replace("opacity=\"0.22\"", "opacity=\"0.5\""),
    )
    .unwrap();
    let redrawn = cards_drawn(&site);
    let last = og_images(out);
    let changed = last.iter().filter(|(p, u)| after[*p] != **u).count() as u64;
    assert!(changed >= 4, "{changed}");
    assert_eq!(redrawn, changed);
    assert_eq!(
        last["tourisme/lac/index.html"],
        after["tourisme/lac/index.html"]
    );
}

#[test]
fn share_links_and_kits_for_community_managers() {
    let b = SiteTest::from_fixture("cards/photo-and-text")
        .build()
        .assert_success();
    let lac = b.read("tourisme/lac/index.html");
    // One link per configured network, with the page's texts, hashtags and
    // campaign; Mastodon through the site's own share page.
    let links = fragment(&b.html("tourisme/lac/index.html"), "ul.share-links");
    insta::assert_snapshot!("share_links", links);
    assert!(
        !lac.contains("linkedin.com"),
        "only the configured networks"
    );
    let mastodon = b.read("share/mastodon/index.html");
    assert!(mastodon.contains("noindex") && mastodon.contains("id=\"mastodon-share\""));
    // The server field says it is required in its label and its format in a
    // hint tied to it, not only as a placeholder (RGAA 11.10).
    let form = b.html("share/mastodon/index.html");
    let label = select(&form, "label[for='mastodon-instance']");
    assert!(
        read_text(&label[0]).contains("(obligatoire)"),
        "{}",
        read_text(&label[0])
    );
    let input = select(&form, "#mastodon-instance");
    assert_eq!(
        input[0].value().attr("aria-describedby"),
        Some("mastodon-instance-hint")
    );
    assert!(input[0].value().attr("required").is_some());
    let hint = select(&form, "#mastodon-instance-hint");
    assert!(read_text(&hint[0]).contains("mastodon.social"));

    // The kit: not indexed, not in the sitemap, linked from nowhere.
    let kit = b.read("tourisme/lac/kit/index.html");
    assert!(kit.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!b.read("sitemap.xml").contains("/kit/"));
    for (path, bytes) in b.tree() {
        if path.ends_with(".html") && !path.contains("/kit/") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("lac/kit/"),
                "{path}"
            );
        }
    }
    assert!(kit.contains("id=\"kit-instagram\""));
    assert!(
        kit.contains("utm_medium=<wbr>print"),
        "the QR code's address is shown"
    );
    let zip_path = b.out().join("tourisme/lac/kit/lac-kit.zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names = Vec::new();
    for i in 0..zip.len() {
        use std::io::Read;
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        names.push(f.name().to_string());
        if f.name().ends_with(".jpg") {
            assert!(bytes.len() <= 8 * 1024 * 1024);
            let img = image::load_from_memory(&bytes).unwrap();
            let size = format!("{}x{}", img.width(), img.height());
            assert!(
                f.name().ends_with(&format!("-{size}.jpg")),
                "{} is {size}",
                f.name()
            );
        } else if f.name() == "texts.txt" {
            let t = String::from_utf8(bytes).unwrap();
            // The writer's text for X, with the hashtags X's guidance
            // suggests (two, CamelCase) and the link.
            assert!(t.contains("## X\n\nLe lac, à l'aube #Lac #TerritoireTest\nhttps://www.example-territoire.fr/tourisme/lac/?utm_source=x&utm_medium=social&utm_campaign=ete-2026"), "{t}");
            // Instagram's is composed: no link, "link in bio" instead.
            let insta = t.split("## ").find(|p| p.starts_with("Instagram")).unwrap();
            assert!(
                insta.contains("Le lac ✨\n\nUn lac au lever du jour."),
                "{t}"
            );
            assert!(
                insta.contains("🔗 Lien en bio") && !insta.contains("https://"),
                "{t}"
            );
        } else {
            assert_eq!(f.name(), "qr.svg");
            assert!(String::from_utf8(bytes).unwrap().contains("<svg"));
        }
    }
    assert_eq!(names.len(), 7, "{names:?}");
    for format in [
        "1080x1080",
        "1080x1350",
        "1080x1920",
        "1200x630",
        "1600x900",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(&format!("{format}.jpg"))),
            "{format}"
        );
    }
}

#[test]
fn check_warns_when_a_card_title_is_cut() {
    let v = SiteTest::from_fixture("cards/long-title")
        .check_json()
        .json();
    let cut: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "card-text-cut")
        .collect();
    assert!(!cut.is_empty(), "{v}");
    assert_eq!(cut[0]["file"], "content/tourisme/col.md");
    assert_eq!(cut[0]["severity"], "warning");
}

#[test]
fn a_logo_that_refers_to_a_file_of_the_machine_is_refused() {
    let secret = tempfile::tempdir().unwrap();
    let photo = secret.path().join("secret.png");
    image::RgbImage::new(8, 8).save(&photo).unwrap();
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><image href=\"{}\" width=\"64\" height=\"64\"/></svg>",
        photo.display()
    );
    let site = SiteTest::from_fixture("build/base").file("static/logo.svg", svg);
    let config = read(&site.root().join("blason.toml")) + "\n[brand]\nlogo = \"static/logo.svg\"\n";
    let site = site.file("blason.toml", config);
    let err = site.build().assert_failure().stderr();
    assert!(err.contains("static/logo.svg"), "{err}");
    assert!(err.contains(&photo.display().to_string()), "{err}");
    assert!(err.contains("outside the site"), "{err}");
}
