//! Share kits as community managers use them: a text fitted to each network
//! on every page of the example, kits only for pages meant to be shared, the
//! kit page as a tool (its title, light previews, the zip's size, copy
//! buttons announced, the tracking address whole), and `check`'s warning
//! on a hand-written text over its network's limit (docs/share.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use crate::support::{SiteTest, example, read, read_texts, select, tree};

/// The texts of a kit's zip (`texts.txt`), by network name.
fn zip_texts(zip: &Path) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name("texts.txt")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let mut out = BTreeMap::new();
    for part in text.split("## ").filter(|p| !p.is_empty()) {
        let (name, body) = part.split_once("\n\n").unwrap();
        out.insert(name.to_string(), body.trim_end().to_string());
    }
    out
}

/// Every kit folder of the example (`tourisme/lac-d-orbiere/kit/`).
fn kits(out: &Path) -> Vec<String> {
    tree(out)
        .into_keys()
        .filter(|p| p.ends_with("/kit/index.html"))
        .map(|p| p.trim_end_matches("index.html").to_string())
        .collect()
}

#[test]
fn no_two_networks_get_the_same_text_on_any_page_of_the_example() {
    let out = example();
    let kits = kits(out);
    assert!(kits.len() >= 20, "{kits:?}");
    for kit in &kits {
        let zip = std::fs::read_dir(out.join(kit))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "zip"))
            .unwrap_or_else(|| panic!("{kit} has no zip"));
        let texts = zip_texts(&zip);
        assert_eq!(
            texts.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            BTreeSet::from([
                "Bluesky",
                "E-mail",
                "Facebook",
                "Instagram",
                "LinkedIn",
                "Mastodon",
                "Threads",
                "WhatsApp",
                "X"
            ]),
            "{kit}"
        );
        let distinct: BTreeSet<&String> = texts.values().collect();
        assert_eq!(distinct.len(), texts.len(), "{kit}: {texts:#?}");
        // The link where it works, "link in bio" where it does not.
        let insta = &texts["Instagram"];
        assert!(!insta.contains("https://"), "{kit}: {insta}");
        assert!(
            ["Lien en bio", "Link in bio", "Link in der Bio"]
                .iter()
                .any(|w| insta.contains(w)),
            "{kit}: {insta}"
        );
        for (name, text) in &texts {
            if name != "Instagram" {
                assert!(text.contains("utm_medium=social"), "{kit} {name}: {text}");
            }
            // Hashtags in CamelCase: a capital after `#`.
            for tag in text.split_whitespace().filter(|w| w.starts_with('#')) {
                let first = tag.chars().nth(1).unwrap();
                assert!(first.is_uppercase(), "{kit} {name}: {tag}");
            }
        }
        // The territory's own account on each network it has one on.
        assert!(
            texts["Mastodon"].contains("@valdorbiere@mastodon.example"),
            "{kit}"
        );
        assert!(!texts["Bluesky"].contains("@valdorbiere"), "{kit}");
    }
    // A page in English gets English texts, a page for businesses a
    // LinkedIn text for them.
    let en = zip_texts(&out.join("en/tourisme/lac-d-orbiere/kit/lac-d-orbiere-kit.zip"));
    assert!(en["Instagram"].contains("Link in bio"), "{en:#?}");
    let pro = zip_texts(
        &out.join("economie/pepiniere-d-entreprises/kit/pepiniere-d-entreprises-kit.zip"),
    );
    assert!(
        pro["LinkedIn"].contains("Entreprises, porteurs de projet"),
        "{pro:#?}"
    );
}

#[test]
fn kits_are_made_for_pages_meant_to_be_shared_only() {
    let out = example();
    let kits = kits(out);
    for shared in [
        "tourisme/lac-d-orbiere/kit/",
        "agenda/nuit-des-etoiles/kit/",
        "economie/filiere-bois/kit/",
        "en/tourisme/lac-d-orbiere/kit/",
    ] {
        assert!(kits.iter().any(|k| k == shared), "{shared}: {kits:?}");
    }
    for kit in &kits {
        for never in [
            "mentions-legales",
            "accessibilite",
            "donnees-personnelles",
            "plan-du-site",
            "404",
        ] {
            assert!(!kit.contains(never), "{kit}");
        }
    }
    // The front matter decides where it says: a page outside the pillars
    // asks for one, a legal page gets none.
    let b = SiteTest::from_fixture("share/written-texts")
        .build()
        .assert_success();
    assert!(b.out().join("presse/kit/index.html").is_file());
    assert!(!b.out().join("mentions-legales/kit").exists());
    assert!(b.out().join("tourisme/lac/kit/index.html").is_file());
}

/// Every file a page makes the browser fetch: images, scripts, styles,
/// icons, preloads, and the fonts its stylesheets name.
fn page_weight(out: &Path, page: &str) -> (usize, Vec<(usize, String)>) {
    let html = read(&out.join(page));
    let doc = scraper::Html::parse_document(&html);
    let local = |url: &str| -> Option<String> {
        let path = url
            .strip_prefix("https://www.val-orbiere.example/")
            .or_else(|| url.strip_prefix('/'))?;
        Some(path.to_string())
    };
    let mut wanted = BTreeSet::new();
    for e in select(&doc, "img[src], script[src]") {
        wanted.extend(local(e.value().attr("src").unwrap()));
    }
    for e in select(&doc, "link[href]") {
        let rel = e.value().attr("rel").unwrap_or("");
        if ["stylesheet", "icon", "preload"].contains(&rel) {
            wanted.extend(local(e.value().attr("href").unwrap()));
        }
    }
    for css in wanted.clone().iter().filter(|p| p.ends_with(".css")) {
        let text = read(&out.join(css));
        for part in text.split("url(").skip(1) {
            let url = part.split(')').next().unwrap().trim_matches(['"', '\'']);
            wanted.extend(local(url));
        }
    }
    let mut files: Vec<(usize, String)> = wanted
        .into_iter()
        .filter_map(|p| {
            let len = std::fs::metadata(out.join(&p)).ok()?.len() as usize;
            Some((len, p))
        })
        .collect();
    files.sort();
    (html.len() + files.iter().map(|f| f.0).sum::<usize>(), files)
}

#[test]
fn the_kit_page_is_a_tool_that_weighs_under_400_kb() {
    let out = example();
    // Every kit page of the example, with all it makes the browser fetch.
    for kit in kits(out) {
        let (bytes, files) = page_weight(out, &format!("{kit}index.html"));
        assert!(bytes < 400 * 1024, "{kit}: {bytes} bytes: {files:#?}");
        assert!(files.iter().any(|f| f.1.contains("-story-")), "{files:?}");
    }

    let html = read(&out.join("tourisme/lac-d-orbiere/kit/index.html"));
    let doc = scraper::Html::parse_document(&html);
    // A title of its own.
    let title = crate::support::read_texts(&doc, "title");
    assert_eq!(
        title,
        ["Kit de partage — Le lac d'Orbière au lever du jour | Val d'Orbière"]
    );
    assert_eq!(
        crate::support::read_texts(&doc, "h1"),
        ["Kit de partage — Le lac d'Orbière au lever du jour"]
    );
    // Previews are small drawings; the downloads are the full formats.
    let previews = select(&doc, ".kit-images img");
    assert_eq!(previews.len(), 5);
    for img in &previews {
        assert_eq!(img.value().attr("width"), Some("360"));
        let src = img.value().attr("src").unwrap();
        assert!(
            !html.contains(&format!("href=\"{src}\"")),
            "{src} is a preview, not a download"
        );
    }
    let downloads = select(&doc, ".kit-images a[download]");
    assert_eq!(downloads.len(), 5);
    let story = downloads
        .iter()
        .find(|a| {
            a.value()
                .attr("download")
                .unwrap()
                .ends_with("-1080x1920.jpg")
        })
        .unwrap();
    let file = story
        .value()
        .attr("href")
        .unwrap()
        .trim_start_matches("https://www.val-orbiere.example/");
    let img = image::open(out.join(file)).unwrap();
    assert_eq!((img.width(), img.height()), (1080, 1920));
    // The zip's size, as it is.
    let zip = out.join("tourisme/lac-d-orbiere/kit/lac-d-orbiere-kit.zip");
    let len = std::fs::metadata(&zip).unwrap().len() as f64;
    let size = format!("{:.1}", (len / 1_000_000.0).max(0.1)).replace('.', ",");
    assert_eq!(
        crate::support::read_texts(&doc, ".kit-size"),
        [format!("{size} Mo")]
    );
    // Copy buttons styled as the theme's buttons, each announcing what it
    // copied through one live region; no inline script or style.
    let status = select(&doc, "#kit-status");
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].value().attr("aria-live"), Some("polite"));
    assert_eq!(status[0].value().attr("role"), Some("status"));
    let buttons = select(&doc, "button[data-copy]");
    assert_eq!(buttons.len(), 9);
    for b in &buttons {
        assert!(b.value().classes().any(|c| c == "button"));
        assert_eq!(b.value().attr("data-status"), Some("kit-status"));
        assert!(
            b.value()
                .attr("data-announce")
                .unwrap()
                .starts_with("Texte pour ")
        );
    }
    assert!(select(&doc, "[style]").is_empty());
    for s in select(&doc, "script") {
        // JSON-LD is data, which the policy does not run.
        let data = s.value().attr("type") == Some("application/ld+json");
        assert!(s.value().attr("src").is_some() || data, "no inline script");
    }
    let js = read(&out.join("share.js"));
    assert!(js.contains("dataset.announce") && js.contains("status.textContent"));
    // The tracking address whole, wrapping at its punctuation.
    let url = select(&doc, "code.kit-url");
    assert_eq!(url.len(), 1);
    let shown: String = url[0].text().collect();
    assert_eq!(
        shown,
        "https://www.val-orbiere.example/tourisme/lac-d-orbiere/?utm_source=qr&utm_medium=print&utm_campaign=ete-2026"
    );
    assert!(url[0].inner_html().contains("utm_source=<wbr>qr&amp;<wbr>"));
    let css = read(&out.join("style.css"));
    assert!(
        css.contains(
            ".kit-url { overflow-wrap: break-word; word-break: normal; hyphens: manual; }"
        )
    );
    // Each text's length as its network counts it.
    let x = select(&doc, "#kit-x-length");
    let x: String = x[0].text().collect();
    assert!(x.contains("sur 280"), "{x}");
}

#[test]
fn check_warns_about_a_written_text_over_its_network_limit() {
    let v = SiteTest::from_fixture("share/written-texts")
        .check_json()
        .json();
    let long: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "share-text-too-long")
        .collect();
    assert_eq!(long.len(), 1, "{v:#}");
    let d = long[0];
    assert_eq!(d["file"], "content/tourisme/lac/index.md");
    assert_eq!(d["line"], 8);
    // 279 characters once trimmed, a line break, the link counted as 23.
    assert_eq!(
        d["message"],
        "[share] x: the text for X is 303 characters long as X counts it, over its limit of 280"
    );
    // The kit keeps the writer's texts as written.
    let b = SiteTest::from_fixture("share/written-texts")
        .build()
        .assert_success();
    let texts = zip_texts(&b.out().join("tourisme/lac/kit/lac-kit.zip"));
    assert!(
        texts["X"].starts_with("Au lever du jour, la brume"),
        "{texts:#?}"
    );
    assert!(
        texts["Mastodon"].starts_with("Le lac, à l'aube 🌅 #Lac"),
        "{texts:#?}"
    );
    assert!(
        !texts["Facebook"].starts_with("Le lac, à l'aube"),
        "composed"
    );
}

/// The photo-and-text site with `[analytics]` added.
fn measured(analytics: &str) -> SiteTest {
    let site = SiteTest::from_fixture("cards/photo-and-text");
    let config = site.root().join("blason.toml");
    let text = format!("{}\n[analytics]\n{analytics}\n", read(&config));
    std::fs::write(&config, text).unwrap();
    site
}

/// The text files of a build (HTML, feeds, sitemaps, kits' texts).
fn text_files(b: &crate::support::Run) -> Vec<(String, String)> {
    b.tree()
        .into_iter()
        .filter(|(n, _)| {
            [".html", ".xml", ".txt", ".json", ".ics", ".md"]
                .iter()
                .any(|e| n.ends_with(e))
        })
        .map(|(n, bytes)| (n, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn exempt_measurement_loads_the_office_s_matomo_as_the_cnil_asks_and_drops_campaign_parameters() {
    let site = measured("url = \"https://stats.example-territoire.fr/matomo/\"\nsite_id = 7");
    let b = site.build().assert_success();
    let lac = b.html("tourisme/lac/index.html");
    let script = select(&lac, "script[src$=\"/analytics.js\"]");
    assert_eq!(script.len(), 1, "the tracker's loader on every page");
    let s = script[0].value();
    assert_eq!(
        s.attr("data-matomo"),
        Some("https://stats.example-territoire.fr/matomo/")
    );
    assert_eq!(s.attr("data-site"), Some("7"));
    assert_eq!(s.attr("data-exempt"), Some("true"));
    assert!(s.attr("defer").is_some());
    // Nothing is inline: the strict CSP holds.
    assert!(
        select(
            &lac,
            "script:not([src]):not([type=\"application/ld+json\"])"
        )
        .is_empty()
    );

    // The tracker's settings, held against the exemption's conditions.
    let js = b.read("analytics.js");
    for must in [
        "'setDoNotTrack', true",
        "'disableBrowserFeatureDetection'",
        "'disableCampaignParameters'",
        "'setSessionCookieTimeout', 1800",
        "'setSecureCookie', true",
        "base + 'matomo.js'",
        "base + 'matomo.php'",
        "isUserOptedOut",
        "optUserOut",
    ] {
        assert!(js.contains(must), "analytics.js lacks {must}");
    }
    let timeout: u64 = js
        .split("'setVisitorCookieTimeout', ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("a visitor cookie timeout");
    assert!(
        timeout <= 13 * 30 * 86_400,
        "the visitor cookie lives {timeout} s: over 13 months"
    );
    for never in [
        "setUserId",
        "enableCrossDomainLinking",
        "setCustomDimension",
        "Ecommerce",
        "setCookieDomain",
        "enableJSErrorTracking",
    ] {
        assert!(!js.contains(never), "analytics.js calls {never}");
    }

    // Share links, kit texts and QR codes carry no campaign parameters.
    for (name, text) in text_files(&b) {
        assert!(!text.contains("utm_"), "{name} carries a utm_ parameter");
    }

    // check says the mode, and asks for a way to opt out.
    let o = site.check_json();
    assert!(o.stderr().contains("measurement: exempt"), "{}", o.stderr());
    let v = o.json();
    assert_eq!(v["measurement"], "exempt");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"analytics-no-opt-out"), "{codes:?}");

    // The opt-out block on a page: disabled until the tracker is there,
    // saying that without JavaScript nothing is measured.
    let page = site.root().join("content/tourisme/col.md");
    std::fs::write(
        &page,
        format!("{}\n\n{{{{ analytics_opt_out() }}}}\n", read(&page)),
    )
    .unwrap();
    let v = site.check_json().json();
    assert!(
        !v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "analytics-no-opt-out")
    );
    let b = site.build().assert_success();
    let col = b.html("tourisme/col/index.html");
    let form = select(&col, "form[data-analytics-opt-out]");
    assert_eq!(form.len(), 1);
    assert!(form[0].value().attr("data-in").unwrap().contains("mesurée"));
    let input = select(
        &col,
        "form[data-analytics-opt-out] input#analytics-opt-out[disabled]",
    );
    assert_eq!(input.len(), 1);
    assert_eq!(select(&col, "label[for=\"analytics-opt-out\"]").len(), 1);
    assert!(
        read_texts(&col, "[data-analytics-opt-out] [role=\"status\"]")[0]
            .contains("Sans JavaScript")
    );
}

#[test]
fn measurement_with_consent_keeps_campaign_parameters_and_log_analytics_adds_no_script() {
    let site =
        measured("url = \"https://stats.example-territoire.fr/\"\nsite_id = 7\nexempt = false");
    let b = site.build().assert_success();
    let lac = b.html("tourisme/lac/index.html");
    assert_eq!(
        select(&lac, "script[data-exempt=\"false\"]").len(),
        1,
        "the tracker, told it is not exempt"
    );
    let kit = b.read("tourisme/lac/kit/index.html");
    assert!(
        kit.contains("utm_source=x&amp;utm_medium=social"),
        "share links are tagged"
    );
    let o = site.check_json();
    assert!(
        o.stderr().contains("measurement: consent"),
        "{}",
        o.stderr()
    );
    assert_eq!(o.json()["measurement"], "consent");

    let site = measured("provider = \"logs\"");
    let b = site.build().assert_success();
    let lac = b.html("tourisme/lac/index.html");
    assert!(
        select(&lac, "script[src$=\"/analytics.js\"]").is_empty(),
        "no script with log analytics"
    );
    for (name, text) in text_files(&b) {
        assert!(!text.contains("utm_"), "{name} carries a utm_ parameter");
    }
    assert_eq!(site.check_json().json()["measurement"], "exempt");

    let site = measured("url = \"http://stats.example-territoire.fr/\"\nsite_id = 7");
    let o = site.build().assert_failure();
    assert!(o.stderr().contains("[analytics] url"), "{}", o.stderr());
}

#[test]
fn every_photo_page_of_the_example_has_a_kit_of_its_photo() {
    let out = example();
    let photo_pages: Vec<String> = tree(out)
        .into_keys()
        .filter(|p| p.contains("/photos/") && p.ends_with("/index.html") && !p.contains("/kit/"))
        .map(|p| p.trim_end_matches("index.html").to_string())
        .collect();
    assert!(photo_pages.len() >= 8, "{photo_pages:?}");
    for page in &photo_pages {
        let kit = out.join(page).join("kit/index.html");
        assert!(kit.is_file(), "{page} has no kit");
        let photo = scraper::Html::parse_document(&read(&out.join(page).join("index.html")));
        let title = read_texts(&photo, "h1").remove(0);
        let doc = scraper::Html::parse_document(&read(&kit));
        assert_eq!(
            read_texts(&doc, "h1"),
            [format!("Kit de partage — {title}")],
            "{page}"
        );
        assert!(read(&kit).contains("noindex"));
        // The QR code and the texts lead to the photo's own page.
        let url = format!("https://www.val-orbiere.example/{page}");
        let qr = read_texts(&doc, ".kit-url").remove(0);
        assert!(qr.starts_with(&url), "{page}: {qr}");
        let zip = std::fs::read_dir(out.join(page).join("kit"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "zip"))
            .unwrap_or_else(|| panic!("{page} kit has no zip"));
        let texts = zip_texts(&zip);
        assert!(texts["X"].contains(&url), "{page}: {}", texts["X"]);
        assert!(
            texts["Facebook"].contains(&title),
            "{page}: {}",
            texts["Facebook"]
        );
        // Its images are the photo in the kit's five formats.
        let mut names = Vec::new();
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
        for i in 0..archive.len() {
            names.push(archive.by_index(i).unwrap().name().to_string());
        }
        assert_eq!(
            names.iter().filter(|n| n.ends_with(".jpg")).count(),
            5,
            "{names:?}"
        );
    }
    // Not in the sitemap, like every kit.
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(!sitemap.contains("/kit/"));
}
