//! The command line: `init`, `new`, `theme eject`, the output formats of
//! `check`, and usage errors.

use crate::support::{SiteTest, blason, read};

#[test]
fn check_reports_warnings_as_json_and_strict_fails() {
    let site = SiteTest::from_fixture("cli/check-warnings");
    let root = site.root();
    let o = site.check_json();
    assert_eq!(o.code(), Some(0), "{}", o.stderr());
    let v = o.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["errors"], 0);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"description-missing"), "{codes:?}");
    assert!(codes.contains(&"description-too-long"), "{codes:?}");
    assert!(codes.contains(&"unused-file"), "{codes:?}");
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "sorted by file");
    assert!(!root.join("public").exists(), "check writes no output");
    site.run(&["check", root.to_str().unwrap(), "--strict"])
        .assert_failure();
}

#[test]
fn check_writes_nothing_but_the_cache() {
    // The gallery's images and cards, and a feed's objects.
    for (fixture, kept, made) in [
        (
            "images/gallery",
            ".blason-cache/",
            "the gallery's images are checked through the cache",
        ),
        (
            "data/feeds",
            ".blason-cache/data/",
            "the feeds' objects are kept in the cache",
        ),
    ] {
        let site = SiteTest::from_fixture(fixture);
        let cache = site.root().join(".blason-cache");
        let _ = std::fs::remove_dir_all(&cache);
        let sources = crate::support::tree(site.root());
        let outside: Vec<_> = std::fs::read_dir(site.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        site.check_json();
        let mut after = crate::support::tree(site.root());
        let cached: Vec<String> = after
            .keys()
            .filter(|k| k.starts_with(".blason-cache/"))
            .cloned()
            .collect();
        assert!(
            cached.iter().any(|k| k.starts_with(kept)),
            "{fixture}: {made}: {cached:?}"
        );
        after.retain(|k, _| !k.starts_with(".blason-cache/"));
        assert_eq!(after, sources, "{fixture}: check changed the site's files");
        let outside_after: Vec<_> = std::fs::read_dir(site.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            outside_after, outside,
            "{fixture}: check wrote beside the site"
        );
    }
}

#[test]
fn check_reports_errors_with_lines() {
    let o = SiteTest::from_fixture("errors/broken-link")
        .check_json()
        .assert_failure();
    let v = o.json();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "broken-link");
    assert_eq!(d["file"], "content/page.md");
    assert_eq!(d["line"], 8);
    assert_eq!(d["severity"], "error");
}

#[test]
fn check_warns_about_low_contrast_brand_colours() {
    let o = SiteTest::from_fixture("cli/low-contrast").check_json();
    assert_eq!(o.code(), Some(0), "{}", o.stderr());
    let v = o.json();
    let low: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "low-contrast")
        .collect();
    assert_eq!(low.len(), 1, "{v}");
    assert!(
        low[0]["message"]
            .as_str()
            .unwrap()
            .contains("primary (#f2a900) and background (#ffffff)")
    );
    assert_eq!(low[0]["file"], "blason.toml");
}

#[test]
fn init_writes_a_site_that_builds_and_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mon-site");
    blason(&["init", dir.to_str().unwrap()], None).assert_success();
    assert!(dir.join("blason.toml").is_file());
    assert!(!dir.join("themes").exists(), "the theme stays built in");
    // The new site is the example: its photos and cards, made once for the
    // example's own tests, are linked in rather than made again (15 s of
    // the suite). Whether the site builds is the point here.
    crate::support::example();
    crate::support::link_dir(&crate::support::example_cache(), &dir.join(".blason-cache"));
    blason(&["build"], Some(&dir)).assert_success();
    assert!(dir.join("public/index.html").is_file());
    blason(&["init", dir.to_str().unwrap()], None).assert_usage_error();
}

/// The example's sources, as a site's folder holds them: whatever a build of
/// the example left in its folder (output, cache, spare) is not one of them.
fn example_sources() -> Vec<String> {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let mut files: Vec<String> = crate::support::tree(&example)
        .into_keys()
        .filter(|f| {
            ["content/", "community/", "data/", "static/"]
                .iter()
                .any(|d| f.starts_with(d))
                || f == "blason.toml"
                || f == "CREDITS.md"
        })
        .filter(|f| !f.split('/').any(|part| part.starts_with('.')))
        .collect();
    files.sort();
    files
}

#[test]
fn init_writes_exactly_the_example_s_sources_and_a_gitignore() {
    // The example is built where it stands (its image cache is in its
    // folder, as its output would be with `blason build content-example`):
    // none of that may reach the binary, nor a new site.
    crate::support::example();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    blason(&["init", dir.to_str().unwrap()], None).assert_success();
    let mut written: Vec<String> = crate::support::tree(&dir).into_keys().collect();
    written.sort();
    let mut expected = example_sources();
    expected.push(".gitignore".into());
    expected.sort();
    assert_eq!(written, expected);
    let ignore = read(&dir.join(".gitignore"));
    for line in ["/public/", "/.public.blason-*", "/.blason-cache/", "/desk/"] {
        assert!(ignore.lines().any(|l| l == line), "{ignore}");
    }
}

#[test]
fn init_bare_writes_a_small_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nu");
    blason(&["init", "--bare", dir.to_str().unwrap()], None).assert_success();
    let mut written: Vec<String> = crate::support::tree(&dir).into_keys().collect();
    written.sort();
    assert_eq!(written, [".gitignore", "blason.toml", "content/_index.md"]);
    blason(&["build"], Some(&dir)).assert_success();
    assert!(read(&dir.join("public/index.html")).contains("Mon territoire"));
}

#[test]
fn new_writes_a_bundle_with_front_matter() {
    let site = SiteTest::from_fixture("build/base");
    let root = site.root();
    let new = [
        "new",
        "tourisme/belvedere",
        "--root",
        root.to_str().unwrap(),
    ];
    site.run(&new).assert_success();
    let text = read(&root.join("content/tourisme/belvedere/index.md"));
    assert!(text.contains("title = \"Belvedere\""), "{text}");
    assert!(text.contains("pillar = \"tourisme\""));
    assert!(text.contains("draft = true"));
    assert!(
        text.contains("date = 2026-07-01"),
        "today from SOURCE_DATE_EPOCH: {text}"
    );
    site.run(&new).assert_usage_error();
    let b = site.build_with(&["--drafts"]).assert_success();
    assert!(b.out().join("tourisme/belvedere/index.html").is_file());
}

#[test]
fn ejected_theme_and_site_templates_override_the_built_in_one() {
    let site = SiteTest::from_fixture("build/base");
    let root = site.root();
    let eject = ["theme", "eject", root.to_str().unwrap()];
    site.run(&eject).assert_success();
    let page = root.join("themes/postale/templates/page.html");
    let text = read(&page).replace(
        "<article class=\"article-page\"",
        "<article class=\"article-page ejected\"",
    );
    std::fs::write(&page, text).unwrap();
    let b = site.build().assert_success();
    assert!(
        b.read("tourisme/lac/index.html")
            .contains("article-page ejected")
    );
    // The site's templates/ win over the theme's.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        "<!DOCTYPE html><title>{{ page.title }}</title><p>site</p>",
    )
    .unwrap();
    let b = site.build().assert_success();
    assert_eq!(
        b.read("tourisme/lac/index.html"),
        "<!DOCTYPE html><title>Le lac</title><p>site</p>"
    );
    site.run(&eject).assert_usage_error();
}

#[test]
fn output_inside_the_sources_is_refused() {
    let site = SiteTest::from_fixture("build/base");
    let root = site.root();
    let content = root.join("content");
    site.run(&[
        "build",
        root.to_str().unwrap(),
        "-o",
        content.to_str().unwrap(),
    ])
    .assert_usage_error();
    site.run(&[
        "build",
        root.to_str().unwrap(),
        "-o",
        root.to_str().unwrap(),
    ])
    .assert_usage_error();
    assert!(root.join("content/_index.md").is_file());
}

#[test]
fn missing_config_says_how_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    let o = blason(&["build", tmp.path().to_str().unwrap()], None).assert_failure();
    assert!(
        o.stderr().contains("blason.toml") && o.stderr().contains("blason init"),
        "{}",
        o.stderr()
    );
}

#[test]
fn check_reports_every_independent_problem_in_one_run() {
    let site = SiteTest::from_fixture("cli/five-mistakes");
    let o = site.check_json();
    assert_eq!(o.code(), Some(1), "{}", o.stderr());
    let v = o.json();
    let errors: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (file, code) in [
        ("content/tourisme/belvedere.md", "unknown-shortcode"),
        ("content/tourisme/cascade.md", "broken-link"),
        ("content/tourisme/col.md", "unknown-pillar"),
        ("content/tourisme/foret.md", "missing-file"),
        ("content/tourisme/marche.md", "front-matter"),
    ] {
        assert!(
            errors.iter().any(|(f, c)| f == file && c == code),
            "{code} in {file} missing from {errors:?}"
        );
    }
    assert_eq!(v["errors"], 5, "{errors:?}");
    // A build stops at the first stage that finds a problem, and says so.
    let b = site.build();
    assert_eq!(b.code(), Some(1));
    assert!(
        b.stderr().contains("content/tourisme/marche.md"),
        "{}",
        b.stderr()
    );
}

#[test]
fn a_page_without_a_title_is_a_warning_in_build_and_an_error_in_check() {
    let site = SiteTest::from_fixture("build/base").file(
        "content/tourisme/sans-titre.md",
        "+++\ndescription = \"Une page.\"\n+++\nTexte.\n",
    );
    let b = site.build().assert_success();
    assert!(
        b.stderr()
            .contains("warning[title-missing]: content/tourisme/sans-titre.md"),
        "{}",
        b.stderr()
    );
    let c = site.check_json();
    assert_eq!(c.code(), Some(1));
    let v = c.json();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "title-missing")
        .unwrap();
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "content/tourisme/sans-titre.md");
}
