//! Bad input: each case breaks one thing; the build fails with exit code 1,
//! names the file (and line), and leaves the previous output as it was.

use crate::support::{SiteTest, tree};

/// Builds `base` into OUT, then the broken fixture into the same OUT, and
/// checks: exit 1, the message names the file (and line), OUT is unchanged,
/// and no staging folder is left behind.
fn assert_bad_input(name: &str, file: &str, line: Option<usize>, words: &str) -> String {
    let good = SiteTest::from_fixture("build/base");
    good.build().assert_success();
    let before = tree(good.out());
    assert!(!before.is_empty());

    let o = SiteTest::from_fixture(name).output(good.out()).build();
    let err = o.stderr();
    assert_eq!(o.code(), Some(1), "{name}: {err}");
    let located = match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_string(),
    };
    assert!(
        err.contains(&located),
        "{name}: expected `{located}` in:\n{err}"
    );
    assert!(err.contains(words), "{name}: expected `{words}` in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        tree(good.out()),
        before,
        "{name}: the previous output changed"
    );
    assert_left_as_it_was(&good, name);
    err
}

/// The folder of `site` holds its site, its output and the output's lock
/// file, and nothing else: no staging folder.
fn assert_left_as_it_was(site: &SiteTest, name: &str) {
    let mut left: Vec<_> = std::fs::read_dir(site.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [".out.blason-lock", "out", "site"],
        "{name}: left behind {left:?}"
    );
}

#[test]
fn malformed_toml_front_matter() {
    assert_bad_input(
        "errors/bad-toml",
        "content/page.md",
        Some(2),
        "not valid TOML",
    );
}

#[test]
fn malformed_yaml_front_matter() {
    assert_bad_input(
        "errors/bad-yaml",
        "content/page.md",
        Some(4),
        "not valid YAML",
    );
}

#[test]
fn invalid_utf8() {
    let err = assert_bad_input(
        "errors/bad-utf8",
        "content/page.md",
        Some(2),
        "not valid UTF-8",
    );
    assert!(
        err.contains("help: save the file with the UTF-8 encoding"),
        "{err}"
    );
}

#[test]
fn unknown_front_matter_key_suggests() {
    let err = assert_bad_input(
        "errors/unknown-key",
        "content/page.md",
        Some(3),
        "unknown key `descripton`",
    );
    assert!(err.contains("did you mean `description`?"), "{err}");
}

#[test]
fn wrong_type_has_line_and_column() {
    assert_bad_input(
        "errors/wrong-type",
        "content/page.md:4:9",
        None,
        "wrong type for `draft`",
    );
}

#[test]
fn missing_cover_file() {
    assert_bad_input(
        "errors/missing-cover",
        "content/lac/index.md",
        None,
        "the cover `aube.jpg` does not exist",
    );
}

#[test]
fn cover_leaving_the_site_is_refused() {
    assert_bad_input(
        "errors/cover-outside",
        "content/lac/index.md",
        None,
        "leaves the site folder",
    );
}

#[test]
fn unknown_shortcode() {
    let err = assert_bad_input(
        "errors/unknown-shortcode",
        "content/page.md",
        Some(8),
        "unknown shortcode `galerie`",
    );
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn template_syntax_error() {
    assert_bad_input(
        "errors/template-syntax",
        "templates/page.html",
        Some(3),
        "template",
    );
}

#[test]
fn broken_internal_link() {
    assert_bad_input(
        "errors/broken-link",
        "content/page.md",
        Some(8),
        "@/culture/chapelle.md",
    );
}

#[test]
fn url_collision_names_both_sources() {
    let err = assert_bad_input(
        "errors/url-collision",
        "content/tourisme/",
        None,
        "url-collision",
    );
    assert!(
        err.contains("content/tourisme/lac.md") && err.contains("content/tourisme/le-lac.md"),
        "{err}"
    );
}

#[test]
fn a_failure_in_the_last_rendered_page_keeps_the_previous_output() {
    assert_bad_input(
        "errors/late-template",
        "content/zz-derniere.md",
        None,
        "templates/special.html",
    );
}

#[test]
fn a_failure_in_the_last_stage_keeps_the_previous_output() {
    let good = SiteTest::from_fixture("build/base");
    good.build().assert_success();
    let before = tree(good.out());
    // static/ files are copied last; a link to nowhere cannot be copied (a
    // link a fixture cannot hold, so it is made here).
    let broken = SiteTest::from_fixture("build/base").output(good.out());
    std::fs::create_dir_all(broken.root().join("static")).unwrap();
    std::os::unix::fs::symlink(
        "/nonexistent/blason-test",
        broken.root().join("static/perdu.css"),
    )
    .unwrap();
    let o = broken.build().assert_failure();
    assert!(o.stderr().contains("static/perdu.css"), "{}", o.stderr());
    assert_eq!(tree(good.out()), before);
    assert_left_as_it_was(&good, "base");
}

#[test]
fn unknown_pillar_suggests_the_right_one() {
    let err = assert_bad_input(
        "errors/unknown-pillar",
        "content/page.md",
        None,
        "`tourism` is not a pillar",
    );
    assert!(err.contains("did you mean `tourisme`?"), "{err}");
}

#[test]
fn config_typo_names_the_table() {
    let err = assert_bad_input(
        "errors/config-typo",
        "blason.toml:14",
        None,
        "unknown key `colour` in [brand]",
    );
    assert!(err.contains("did you mean `colors`?"), "{err}");
}

#[test]
fn an_impossible_event_is_an_error_naming_the_page() {
    let err = assert_bad_input(
        "errors/bad-event",
        "content/marche.md",
        None,
        "BYSETPOS is not supported",
    );
    assert!(err.contains("[event]"), "{err}");
}

#[test]
fn hostile_content_is_an_error_or_a_page_never_a_crash() {
    // Generated: nesting and lengths no one would keep in a fixture file.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("deep-quotes", format!("+++\ntitle = \"x\"\n+++\n{}", ">".repeat(50_000)).into_bytes()),
        ("deep-lists", format!("+++\ntitle = \"x\"\n+++\n{}", "- ".repeat(20_000)).into_bytes()),
        ("deep-brackets", format!("+++\ntitle = \"x\"\n+++\n{}", "[".repeat(100_000)).into_bytes()),
        ("deep-emphasis", format!("+++\ntitle = \"x\"\n+++\n{}", "*a ".repeat(50_000)).into_bytes()),
        ("deep-toml", format!("+++\ntitle = \"x\"\n[extra]\nv = {}\n+++\n", "[".repeat(10_000)).into_bytes()),
        ("deep-yaml", format!("---\ntitle: x\nextra:\n  v: {}\n---\n", "[".repeat(10_000)).into_bytes()),
        ("nul-bytes", b"+++\ntitle = \"a\0b\"\n+++\n\0\0\0".to_vec()),
        ("huge-heading", format!("+++\ntitle = \"x\"\n+++\n# {}\n", "é".repeat(200_000)).into_bytes()),
        ("html-in-title", b"+++\ntitle = \"</title><script>alert(1)</script>\"\ndescription = \"\\\"><img src=x onerror=alert(1)>\"\n+++\n".to_vec()),
        ("shortcode-soup", b"+++\ntitle = \"x\"\n+++\n{{ {% {{/* }} %} {{ a( {% end %} `{{ x() }}".to_vec()),
    ];
    for (name, bytes) in cases {
        let site = SiteTest::from_fixture("build/base").file("content/hostile.md", &bytes);
        let o = site.build();
        let code = o.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{name}: exit {code:?}\n{}",
            o.stderr()
        );
        assert!(!o.stderr().contains("panicked"), "{name}: {}", o.stderr());
        if code == Some(1) {
            assert!(
                o.stderr().contains("content/hostile.md"),
                "{name}: {}",
                o.stderr()
            );
        }
        if name == "html-in-title" {
            let html = o.read("hostile/index.html");
            assert!(!html.contains("<script>alert"), "titles are escaped");
            assert!(!html.contains("<img src=x"), "descriptions are escaped");
        }
    }
}

#[test]
fn values_that_parse_but_cannot_be_right_name_their_file_and_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "content/escape.md",
            "+++\ntitle = \"Le\\u001b lac\"\n+++\n",
            "content/escape.md:2",
            "invisible character U+001B",
        ),
        (
            "content/fffe.md",
            "+++\ntitle = \"Lac\\uFFFE\"\n+++\n",
            "content/fffe.md:2",
            "invisible character U+FFFE",
        ),
        (
            "content/nan.md",
            "+++\ntitle = \"Lac\"\n[place]\nlat = nan\nlon = 5.9\n+++\n",
            "content/nan.md:4",
            "lat = NaN is not a coordinate",
        ),
        (
            "content/focus.md",
            "+++\ntitle = \"Lac\"\n[card]\nfocus = [nan, inf]\n+++\n",
            "content/focus.md:4",
            "is not a point of the photo",
        ),
        (
            "content/alias.md",
            "+++\ntitle = \"Lac\"\naliases = [\"javascript:alert(1)\"]\n+++\n",
            "content/alias.md:3",
            "`javascript:` address",
        ),
        (
            "content/link.md",
            "+++\ntitle = \"Lac\"\n+++\nVoir [ici](JaVaScRiPt:alert(1)).\n",
            "content/link.md:4",
            "`javascript:` address",
        ),
        (
            "content/long-slug.md",
            &format!(
                "+++\ntitle = \"Lac\"\nslug = \"{}\"\n+++\n",
                "a".repeat(300)
            ),
            "content/long-slug.md",
            "300 characters long",
        ),
        (
            "content/long-tag.md",
            &format!(
                "+++\ntitle = \"Lac\"\ntags = [\"{}\"]\n+++\n",
                "é".repeat(300)
            ),
            "content/long-tag.md",
            "a tag is",
        ),
        (
            "blason.toml",
            "base_url = \"https://x.fr\"\ntitle = \"T\"\n[images]\nwidths = [0]\ncache_dir = \"../elsewhere\"\n",
            "blason.toml",
            "widths: 0",
        ),
        (
            "community/nul.toml",
            "network = \"mastodon\"\nurl = \"https://piaille.fr/@a/1\"\nauthor = \"Ca\\u0000mille\"\ndate = 2026-07-14T22:30:00+02:00\ntext = \"Beau\"\nconsent = true\nstatus = \"approved\"\n",
            "community/nul.toml",
            "invisible character U+0000",
        ),
    ];
    for (file, text, at, words) in cases {
        let site = SiteTest::from_fixture("build/base").file(file, text);
        let o = site.build();
        let err = o.stderr();
        assert_eq!(o.code(), Some(1), "{file}: {err}");
        assert!(err.contains(at), "{file}: expected `{at}` in {err}");
        assert!(err.contains(words), "{file}: expected `{words}` in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The configuration's problems come all at once.
    let site = SiteTest::from_fixture("build/base").file("blason.toml", cases[8].1);
    assert!(site.build().stderr().contains("cache_dir"));
}

#[test]
fn a_jpeg_whose_header_claims_more_pixels_than_its_data_is_refused() {
    let site = SiteTest::from_fixture("build/base");
    let photo = site.root().join("content/tourisme/lac/rouge.jpg");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    let small = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 30, 30]));
    small.save(&photo).unwrap();
    let mut bytes = std::fs::read(&photo).unwrap();
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 9].copy_from_slice(&[0x0B, 0xB8, 0x0F, 0xA0]);
    std::fs::write(&photo, &bytes).unwrap();
    std::fs::rename(
        site.root().join("content/tourisme/lac.md"),
        site.root().join("content/tourisme/lac/index.md"),
    )
    .unwrap();
    let page = std::fs::read_to_string(site.root().join("content/tourisme/lac/index.md")).unwrap();
    std::fs::write(
        site.root().join("content/tourisme/lac/index.md"),
        page.replacen(
            "+++\n",
            "+++\ncover = \"rouge.jpg\"\ncover_alt = \"Rouge\"\n",
            1,
        ),
    )
    .unwrap();
    let o = site.build();
    assert_eq!(o.code(), Some(1), "{}", o.stderr());
    assert!(o.stderr().contains("rouge.jpg"), "{}", o.stderr());
    assert!(o.stderr().contains("4000×3000"), "{}", o.stderr());
}

#[test]
fn a_missing_template_says_which_exist_and_how_to_add_one() {
    let site = SiteTest::from_fixture("build/base").file(
        "content/theme.md",
        "+++\ntitle = \"Thème\"\ndescription = \"D.\"\ntemplate = \"theme.html\"\n+++\n",
    );
    let o = site.build();
    let err = o.stderr();
    assert_eq!(o.code(), Some(1), "{err}");
    assert!(err.contains("content/theme.md"), "{err}");
    assert!(
        err.contains("the template `theme.html` does not exist"),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "no far-fetched guess: {err}");
    assert!(
        err.contains("page.html") && err.contains("section.html"),
        "{err}"
    );
    assert!(err.contains("create templates/theme.html"), "{err}");
    let typo = SiteTest::from_fixture("build/base").file(
        "content/theme.md",
        "+++\ntitle = \"Thème\"\ndescription = \"D.\"\ntemplate = \"pages.html\"\n+++\n",
    );
    assert!(typo.build().stderr().contains("did you mean `page.html`?"));
}
