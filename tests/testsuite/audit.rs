//! The whole-output link audit of `check`: on the example, on every
//! fixture site that builds, and on a site with a broken template link and
//! a broken anchor.

use crate::support::{self, SiteTest};

/// The codes of the audit's diagnostics.
const AUDIT: [&str; 4] = [
    "broken-output-link",
    "sitemap-duplicate",
    "sitemap-unindexable",
    "sitemap-missing-page",
];

/// Errors `check` makes of what a build only warns about: a site that has
/// them still builds.
const CHECK_ONLY: [&str; 3] = ["rights-expired", "post-without-consent", "title-missing"];

fn diagnostics(run: &support::Run) -> Vec<serde_json::Value> {
    run.json()["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn is_audit(d: &serde_json::Value) -> bool {
    AUDIT.contains(&d["code"].as_str().unwrap_or(""))
}

#[test]
fn check_finds_no_broken_link_in_the_example() {
    let run = SiteTest::example().check_json();
    let found: Vec<_> = diagnostics(&run).into_iter().filter(is_audit).collect();
    assert!(found.is_empty(), "{found:#?}");
    // The same audit on the built output folder.
    let folder =
        blason::audit_folder(support::example(), "https://www.val-orbiere.example").unwrap();
    assert!(folder.is_empty(), "{folder:#?}");
}

/// The fixture cases: folders two levels under tests/fixtures/ holding a
/// site (`blason.toml`) or an overlay of one (`extends.txt`).
fn fixture_sites() -> Vec<String> {
    let mut out = Vec::new();
    for area in std::fs::read_dir(support::fixtures()).unwrap() {
        let area = area.unwrap().path();
        let Ok(cases) = std::fs::read_dir(&area) else {
            continue;
        };
        for case in cases {
            let case = case.unwrap().path();
            if case.join("blason.toml").is_file() || case.join("extends.txt").is_file() {
                let name = case.strip_prefix(support::fixtures()).unwrap();
                out.push(name.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn check_finds_no_broken_link_in_any_fixture_that_builds() {
    let mut audited = Vec::new();
    let mut broken = Vec::new();
    for name in fixture_sites() {
        // Cases whose broken links are the point of the test.
        if name.starts_with("audit/") {
            continue;
        }
        let run = SiteTest::from_fixture(&name).check_json();
        let all = diagnostics(&run);
        let fails = all.iter().any(|d| {
            let code = d["code"].as_str().unwrap_or("");
            d["severity"] == "error" && !AUDIT.contains(&code) && !CHECK_ONLY.contains(&code)
        });
        if fails {
            continue;
        }
        audited.push(name.clone());
        broken.extend(all.into_iter().filter(is_audit).map(|d| (name.clone(), d)));
    }
    assert!(
        audited.len() >= 15,
        "too few fixtures were audited: {audited:?}"
    );
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn a_broken_template_link_and_a_broken_anchor_are_caught_with_the_page_named() {
    let run = SiteTest::from_fixture("audit/broken-links").check_json();
    let found = diagnostics(&run);
    assert_eq!(run.code(), Some(1));
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(
        codes,
        ["broken-output-link", "broken-output-link"],
        "{found:#?}"
    );
    let with = |text: &str| {
        found
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(text))
            .unwrap_or_else(|| panic!("no diagnostic about {text}: {found:#?}"))
    };
    // The anchor: named in the page it is written in, and its source.
    let anchor = with("#nulle-part");
    assert_eq!(anchor["file"], "content/culture/chapelle.md");
    let message = anchor["message"].as_str().unwrap();
    assert!(
        message.contains("`/tourisme/lac/#nulle-part`")
            && message.contains("`culture/chapelle/index.html`")
            && message.contains("`tourisme/lac/index.html` has no element with that id"),
        "{message}"
    );
    // The template's link: one diagnostic for every page that shows it,
    // naming the first made from a content file, and a count of the others.
    let nowhere = with("`/nowhere/`");
    let message = nowhere["message"].as_str().unwrap();
    assert!(
        message.contains("`nowhere/index.html`")
            && message.contains("`culture/chapelle/index.html` and ")
            && message.contains(" other files"),
        "{message}"
    );
    assert_eq!(nowhere["file"], "content/culture/chapelle.md");
    // The build still succeeds: the audit is `check`'s.
    SiteTest::from_fixture("audit/broken-links")
        .build()
        .assert_success();
}

#[test]
fn the_sitemap_names_published_images_and_every_photo_page() {
    let out = support::example();
    let sitemap = support::read(&out.join("sitemap.xml"));
    let base = "https://www.val-orbiere.example/";
    // Each image is a file of the output, under processed_images/ (the
    // originals are not published).
    let images: Vec<&str> = sitemap
        .split("<image:loc>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert!(images.len() > 10, "{sitemap}");
    for url in &images {
        let rel = url.strip_prefix(base).unwrap();
        assert!(rel.starts_with("processed_images/"), "{url}");
        assert!(out.join(rel).is_file(), "{url}");
    }
    // The home page's cover: the JPEG its <img> shows, 1600 px wide.
    let home = sitemap
        .split("<url>")
        .find(|u| u.contains(&format!("<loc>{base}</loc>")))
        .unwrap();
    let cover = home.split("<image:loc>").nth(1).unwrap();
    let cover = cover.split('<').next().unwrap();
    let page = support::read(&out.join("index.html"));
    assert!(page.contains(&format!("src=\"{cover}\"")), "{cover}");
    let file = image::open(out.join(cover.strip_prefix(base).unwrap())).unwrap();
    assert_eq!(file.width(), 1600, "{cover}");
    // Photo pages are listed, each once, with their photo.
    let photo = format!("<loc>{base}tourisme/gorges-de-la-doye/photos/cascades/</loc>");
    assert_eq!(sitemap.matches(&photo).count(), 1, "{sitemap}");
    let entry = sitemap.split("<url>").find(|u| u.contains(&photo)).unwrap();
    assert!(entry.contains("<image:loc>"), "{entry}");
}

#[test]
fn drafts_built_with_the_flag_are_noindex_and_out_of_the_sitemap() {
    let b = SiteTest::from_fixture("build/zola-features")
        .build_with(&["--drafts"])
        .assert_success();
    let draft = b.read("tourisme/brouillon/index.html");
    assert!(
        draft.contains(r#"<meta name="robots" content="noindex">"#),
        "{draft}"
    );
    assert!(!b.read("sitemap.xml").contains("/tourisme/brouillon/"));
    let found = blason::audit_folder(b.out(), "https://www.example-territoire.fr").unwrap();
    assert!(found.is_empty(), "{found:#?}");
}
