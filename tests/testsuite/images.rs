//! Images: the cache of variants, galleries, photo pages and photo rights.

use std::path::Path;

use crate::support::{SiteTest, blason, fragment, read, select, tree};

fn report_images(site: &SiteTest) -> serde_json::Value {
    site.build_with_report().1["images"].clone()
}

/// Writes a 12x8 PNG of one colour.
fn image_png(path: &Path, rgb: [u8; 3]) {
    image::RgbImage::from_pixel(12, 8, image::Rgb(rgb))
        .save(path)
        .unwrap();
}

#[test]
fn the_image_cache_is_keyed_by_content() {
    let site = SiteTest::from_fixture("images/cache");
    let root = site.root();
    let out = site.out();
    let first = report_images(&site);
    assert_eq!(
        (first["decoded"].as_u64(), first["encoded"].as_u64()),
        (Some(1), Some(2)),
        "{first}"
    );
    let published: Vec<String> = std::fs::read_dir(out.join("processed_images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        published.len(),
        3,
        "two variants and placeholders.css: {published:?}"
    );
    let css = read(&out.join("processed_images/placeholders.css"));
    assert!(css.contains("{background-color:#"), "{css}");
    // A cover in static/ is also published as it is, like every file of
    // static/ (docs/configuration.md says so: the stripped variants are
    // for covers beside their page).
    assert_eq!(
        std::fs::read(out.join("img/lac.png")).unwrap(),
        std::fs::read(root.join("static/img/lac.png")).unwrap()
    );
    // A second build does no image work.
    let second = report_images(&site);
    assert_eq!(
        (
            second["decoded"].as_u64(),
            second["encoded"].as_u64(),
            second["cached"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );
    // Changing text encodes nothing.
    let page = root.join("content/tourisme/lac/index.md");
    std::fs::write(
        &page,
        read(&page).replace(
            "description = \"Un lac.\"",
            "description = \"Un grand lac.\"",
        ),
    )
    .unwrap();
    assert_eq!(report_images(&site)["encoded"].as_u64(), Some(0));
    // Replacing the photo encodes exactly its variants.
    image_png(&root.join("static/img/lac.png"), [200, 10, 10]);
    let replaced = report_images(&site);
    assert_eq!(
        (replaced["decoded"].as_u64(), replaced["encoded"].as_u64()),
        (Some(1), Some(2)),
        "{replaced}"
    );
    // The site and its cache copied elsewhere (fresh mtimes) encode nothing.
    let elsewhere = report_images(&site.copy());
    assert_eq!(
        (elsewhere["decoded"].as_u64(), elsewhere["encoded"].as_u64()),
        (Some(0), Some(0)),
        "{elsewhere}"
    );
}

/// The `<picture>` of the `lac` page's cover: each `<source>`'s type and
/// candidates, and the `<img>`'s src, width and height.
fn cover_picture(out: &Path) -> (Vec<(String, usize)>, String, (u32, u32)) {
    let doc = scraper::Html::parse_document(&read(&out.join("tourisme/lac/index.html")));
    let pictures = select(&doc, "picture");
    assert_eq!(pictures.len(), 1, "one picture: the cover");
    let sources = pictures[0]
        .select(&scraper::Selector::parse("source").unwrap())
        .map(|s| {
            let v = s.value();
            (
                v.attr("type").unwrap().to_string(),
                v.attr("srcset").unwrap().split(", ").count(),
            )
        })
        .collect();
    let img = pictures[0]
        .select(&scraper::Selector::parse("img").unwrap())
        .next()
        .unwrap();
    let attr = |a: &str| img.value().attr(a).unwrap().to_string();
    let size = (
        attr("width").parse().unwrap(),
        attr("height").parse().unwrap(),
    );
    (sources, attr("src"), size)
}

/// The size of a published variant, decoded.
fn published_size(out: &Path, url: &str) -> (u32, u32) {
    let name = url.split_once("/processed_images/").unwrap().1;
    let img = image::open(out.join("processed_images").join(name)).unwrap();
    (img.width(), img.height())
}

#[test]
fn after_webp_the_jpeg_fallback_is_one_variant_of_its_img_s_size() {
    let site = SiteTest::from_fixture("images/cache");
    let root = site.root();
    // Wider than the 1600 fallback, and an odd height (10.7 at 1600).
    image::RgbImage::from_fn(1800, 12, |x, _| image::Rgb([(x / 8) as u8, 90, 140]))
        .save(root.join("static/img/lac.png"))
        .unwrap();
    let toml = root.join("blason.toml");
    let settings = read(&toml);
    let with = |formats: &str| {
        std::fs::write(
            &toml,
            format!("{settings}\n[images]\nwidths = [320, 1600, 2400]\nformats = {formats}\n"),
        )
        .unwrap();
    };
    let published = |out: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(out.join("processed_images"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".css"))
            .map(|n| n.rsplit('.').next().unwrap().to_string())
            .collect();
        names.sort();
        names
    };

    with(r#"["webp", "jpg"]"#);
    let b = site.build().assert_success();
    let (sources, src, size) = cover_picture(b.out());
    // WebP at 320, 1600 and the photo's own 1800; no JPEG source.
    assert_eq!(sources, [("image/webp".to_string(), 3)]);
    assert!(src.ends_with(".jpg"), "{src}");
    assert_eq!(size, (1600, 11));
    assert_eq!(
        published_size(b.out(), &src),
        size,
        "width and height are the src's"
    );
    assert_eq!(published(b.out()), ["jpg", "webp", "webp", "webp"]);
    // Link previews without a social card and the sitemap take that JPEG.
    let page = b.read("tourisme/lac/index.html");
    assert!(
        page.contains(&format!("<meta property=\"og:image\" content=\"{src}\">"))
            && page.contains("<meta property=\"og:image:width\" content=\"1600\">")
            && page.contains("<meta property=\"og:image:height\" content=\"11\">"),
        "{page}"
    );
    let sitemap = b.read("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<image:loc>{src}</image:loc>")),
        "{sitemap}"
    );

    // Without WebP the JPEG is every browser's: all its widths stay.
    with(r#"["jpg"]"#);
    let b = site.build().assert_success();
    let (sources, src, size) = cover_picture(b.out());
    assert_eq!(sources, [("image/jpeg".to_string(), 3)]);
    assert_eq!(size, (1800, 12), "the largest JPEG");
    assert_eq!(published_size(b.out(), &src), size);
    assert_eq!(published(b.out()), ["jpg", "jpg", "jpg"]);
}

#[test]
fn galleries_photo_pages_and_rights() {
    let site = SiteTest::from_fixture("images/gallery");
    let root = site.root();
    let bundle = root.join("content/tourisme/lac");
    let b = site.build().assert_success();
    let out = b.out();
    let err = b.stderr();
    assert!(
        err.contains("warning[missing-credit]") && err.contains("warning[rights-expired]"),
        "{err}"
    );
    let page = b.read("tourisme/lac/index.html");
    // The portrait layout; each photo links to its page, with its alt text,
    // caption and credit.
    let gallery = fragment(&b.html("tourisme/lac/index.html"), "section.gallery");
    insta::assert_snapshot!("gallery_portrait", gallery);
    assert!(
        !page.contains("ancienne"),
        "an expired photo leaves no trace"
    );
    let photo = b.read("tourisme/lac/photos/aube/index.html");
    assert!(
        photo.contains("\"@type\":\"ImageObject\"")
            && photo.contains("\"license\":\"CC BY 4.0\"")
            && photo.contains("Camille R.")
    );
    assert!(out.join("tourisme/lac/photos/soir/index.html").is_file());
    assert!(!out.join("tourisme/lac/photos/ancienne").exists());
    // Originals and gallery.toml are not published; variants are.
    // An image written in markdown is published as variants too.
    assert!(
        page.contains("<picture><source type=\"image/webp\"")
            && page.contains("alt=\"Le ponton &amp; le lac\""),
        "{page}"
    );
    for f in [
        "aube.png",
        "soir.png",
        "ancienne.png",
        "ponton.png",
        "gallery.toml",
    ] {
        assert!(
            !out.join("tourisme/lac").join(f).exists(),
            "{f} was published as it is"
        );
    }
    // The same from inside the site (`blason build .`): the originals were
    // published when the root was spelled with `.`, as the paths found by
    // walking the folder (`./content/…`) did not match those resolved from
    // gallery.toml and the markdown (`content/…`).
    for spelled in [".", "./"] {
        let out_here = site.dir().join("out-here");
        blason(
            &["build", spelled, "-o", out_here.to_str().unwrap()],
            Some(root),
        )
        .assert_success();
        assert_eq!(
            tree(&out_here).keys().collect::<Vec<_>>(),
            tree(out).keys().collect::<Vec<_>>(),
            "built as `{spelled}`"
        );
        assert_eq!(tree(&out_here), tree(out), "built as `{spelled}`");
        std::fs::remove_dir_all(&out_here).unwrap();
    }
    let processed: Vec<String> = std::fs::read_dir(out.join("processed_images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        processed
            .iter()
            .any(|n| n.starts_with("aube-") && n.ends_with(".webp")),
        "{processed:?}"
    );
    assert!(!processed.iter().any(|n| n.starts_with("ancienne-")));
    // Changing a caption encodes nothing.
    let toml = read(&bundle.join("gallery.toml"))
        .replace("caption = \"L'aube\"", "caption = \"L'aube sur le lac\"");
    std::fs::write(bundle.join("gallery.toml"), toml).unwrap();
    let images = report_images(&site);
    assert_eq!(
        (images["decoded"].as_u64(), images["encoded"].as_u64()),
        (Some(0), Some(0)),
        "{images}"
    );
    assert!(
        b.read("tourisme/lac/index.html")
            .contains("L&#39;aube sur le lac")
            || b.read("tourisme/lac/index.html")
                .contains("L'aube sur le lac")
    );
    // check: the expired photo is an error there.
    let c = site.check_json();
    assert_eq!(c.code(), Some(1), "{}", c.stdout());
    assert!(c.stdout().contains("\"rights-expired\""));
    // A photo without alt text is an error naming gallery.toml.
    let o = SiteTest::from_fixture("images/gallery-without-alt")
        .build()
        .assert_failure();
    assert!(
        o.stderr().contains("content/tourisme/lac/gallery.toml")
            && o.stderr().contains("no alt text"),
        "{}",
        o.stderr()
    );
}

#[test]
fn an_image_written_with_encoded_spaces_goes_through_the_pipeline() {
    let site = SiteTest::from_fixture("build/base");
    let bundle = site.root().join("content/tourisme/col");
    std::fs::create_dir_all(&bundle).unwrap();
    image::RgbImage::from_fn(640, 400, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    })
    .save(bundle.join("vue du col.jpg"))
    .unwrap();
    std::fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"Le col\"\ndescription = \"Un col.\"\n+++\n![La vue](vue%20du%20col.jpg)\n\n![La vue encore](<vue du col.jpg>)\n",
    )
    .unwrap();
    let b = site.build().assert_success();
    let page = b.read("tourisme/col/index.html");
    assert_eq!(page.matches("<picture>").count(), 2, "{page}");
    assert!(
        !page.contains("%20du%20col.jpg\""),
        "no link to the original"
    );
    let published: Vec<String> = crate::support::tree(b.out()).into_keys().collect();
    assert!(
        !published.iter().any(|f| f.ends_with("vue du col.jpg")),
        "the original (with its metadata) is never published: {published:?}"
    );
    // Written plainly, with spaces, it is an error that says how to write it.
    std::fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"Le col\"\ndescription = \"Un col.\"\n+++\n![La vue](vue du col.jpg)\n",
    )
    .unwrap();
    let err = site.build().assert_failure().stderr();
    assert!(err.contains("content/tourisme/col/index.md:5"), "{err}");
    assert!(err.contains("![…](<vue du col.jpg>)"), "{err}");
}

/// The `sizes` each layout declares (src/media/sizes.rs), as the example's
/// pages must carry them.
const HERO: &str = "100vw";
const COVER: &str = "100vw";
const WIDE: &str = "(min-width: 72rem) 69.5rem, calc(100vw - 2.5rem)";
const CARD: &str =
    "(min-width: 72rem) 22.3rem, (min-width: 40rem) calc(50vw - 1.9rem), calc(100vw - 2.5rem)";
const PHOTO_GRID: &str = "(min-width: 72rem) 22.8rem, (min-width: 64rem) calc(33.3vw - 1.2rem), (min-width: 40rem) calc(50vw - 1.5rem), calc(78vw - 2rem)";
const TILE: &str = "(min-width: 72rem) 16.6rem, (min-width: 64rem) calc(25vw - 1.4rem), 7rem";
const GALLERY: &str =
    "(min-width: 72rem) 15.6rem, (min-width: 48.5rem) 11.1rem, calc(50vw - 1.5rem)";
const POST_WALL: &str =
    "(min-width: 72rem) 15rem, (min-width: 34rem) calc(50vw - 3.4rem), calc(100vw - 4.3rem)";

/// The `sizes` of every `<source>` of the pictures whose `<img>` matches `img`.
fn sizes_of(doc: &scraper::Html, img: &str) -> Vec<String> {
    let mut out: Vec<String> = crate::support::select(doc, "picture")
        .into_iter()
        .filter(|p| {
            p.select(&scraper::Selector::parse(img).unwrap())
                .next()
                .is_some()
        })
        .flat_map(|p| {
            p.select(&scraper::Selector::parse("source").unwrap())
                .map(|s| s.value().attr("sizes").unwrap_or("").to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    out.dedup();
    out
}

#[test]
fn each_image_declares_the_sizes_of_the_layout_it_sits_in() {
    let out = crate::support::example();
    let page = |f: &str| scraper::Html::parse_document(&read(&out.join(f)));
    let home = page("index.html");
    assert_eq!(sizes_of(&home, "img.hero-img"), [HERO]);
    assert_eq!(sizes_of(&home, ".photo-grid img"), [PHOTO_GRID]);
    assert_eq!(sizes_of(&home, "img.tile-img"), [TILE]);
    let article = page("tourisme/gorges-de-la-doye/index.html");
    assert_eq!(sizes_of(&article, "img.cover"), [COVER]);
    assert_eq!(sizes_of(&article, ".gallery img"), [GALLERY]);
    assert_eq!(sizes_of(&page("agenda/index.html"), "img.card-img"), [CARD]);
    assert_eq!(
        sizes_of(&page("culture/index.html"), "img.post-image"),
        [POST_WALL]
    );
    let photo = page("en/tourisme/gorges-de-la-doye/photos/sittelle/index.html");
    assert_eq!(sizes_of(&photo, ".photo-page img"), [WIDE]);
}

#[test]
fn the_first_large_image_is_preloaded_and_every_other_is_lazy() {
    let out = crate::support::example();
    for (file, eager, sizes) in [
        ("index.html", "img.hero-img", HERO),
        ("tourisme/gorges-de-la-doye/index.html", "img.cover", COVER),
        (
            "en/tourisme/gorges-de-la-doye/photos/sittelle/index.html",
            ".photo-page img",
            WIDE,
        ),
    ] {
        let doc = scraper::Html::parse_document(&read(&out.join(file)));
        let preloads = crate::support::select(&doc, "head link[rel=preload][as=image]");
        assert_eq!(preloads.len(), 1, "{file}: one image preloaded");
        let p = preloads[0].value();
        assert_eq!(p.attr("fetchpriority"), Some("high"), "{file}");
        assert_eq!(p.attr("imagesizes"), Some(sizes), "{file}");
        // The same candidates as the picture's first source: the browser
        // takes the preloaded file for the image.
        let first = crate::support::select(&doc, "picture")
            .into_iter()
            .find(|pic| {
                pic.select(&scraper::Selector::parse(eager).unwrap())
                    .next()
                    .is_some()
            })
            .and_then(|pic| {
                pic.select(&scraper::Selector::parse("source").unwrap())
                    .next()
            })
            .unwrap_or_else(|| panic!("{file}: no picture for {eager}"));
        assert_eq!(
            p.attr("imagesrcset"),
            first.value().attr("srcset"),
            "{file}"
        );
        assert_eq!(p.attr("type"), first.value().attr("type"), "{file}");
        let imgs = crate::support::select(&doc, "main img");
        assert!(!imgs.is_empty(), "{file}");
        for img in imgs {
            let v = img.value();
            let is_eager = crate::support::select(&doc, eager)
                .first()
                .is_some_and(|e| e.id() == img.id());
            if is_eager {
                assert_eq!(v.attr("fetchpriority"), Some("high"), "{file}");
                assert_eq!(
                    v.attr("loading"),
                    None,
                    "{file}: the first image is not lazy"
                );
            } else {
                assert_eq!(
                    v.attr("loading"),
                    Some("lazy"),
                    "{file}: {:?}",
                    v.attr("src")
                );
                assert_eq!(v.attr("fetchpriority"), None, "{file}");
            }
        }
    }
    // A page without a cover preloads no image.
    let doc = scraper::Html::parse_document(&read(&out.join("agenda/index.html")));
    assert!(crate::support::select(&doc, "head link[rel=preload][as=image]").is_empty());
}
