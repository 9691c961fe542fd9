//! End-to-end tests: the `blason` command on small fixture sites (tests/fixtures/).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// 2026-07-01T00:00:00Z: "now" for every build of the tests.
const NOW: &str = "1782864000";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// A fresh copy of a fixture site in a temporary folder.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(name), &dir.path().join("site"));
    dir
}

fn run(args: &[&str], cwd: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_blason"));
    cmd.args(args)
        .env("SOURCE_DATE_EPOCH", NOW)
        .env_remove("RUST_BACKTRACE");
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `blason check SITE --format json`.
fn check_json(site: &Path) -> Output {
    run(&["check", site.to_str().unwrap(), "--format", "json"], None)
}

fn build(site: &Path, out: &Path) -> Output {
    run(
        &["build", site.to_str().unwrap(), "-o", out.to_str().unwrap()],
        None,
    )
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example site, built once for the whole test run.
fn example() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = dir.join("public");
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
        let o = build(&site, &out);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    })
}

/// Builds `base` into OUT, then the broken fixture into the same OUT, and
/// checks: exit 1, the message names the file (and line), OUT is unchanged,
/// and no staging folder is left behind.
fn assert_bad_input(name: &str, file: &str, line: Option<usize>, words: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let good = build(&fixtures().join("base"), &out);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = tree(&out);
    assert!(!before.is_empty());

    let site = fixture(name);
    let o = build(&site.path().join("site"), &out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {err}");
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
    assert_eq!(tree(&out), before, "{name}: the previous output changed");
    // OUT and its lock file: no staging folder left.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != ".public.blason-lock")
        .collect();
    assert_eq!(left.len(), 1, "{name}: left behind {left:?}");
    err
}

#[test]
fn malformed_toml_front_matter() {
    assert_bad_input("bad-toml", "content/page.md", Some(2), "not valid TOML");
}

#[test]
fn malformed_yaml_front_matter() {
    assert_bad_input("bad-yaml", "content/page.md", Some(4), "not valid YAML");
}

#[test]
fn invalid_utf8() {
    let err = assert_bad_input("bad-utf8", "content/page.md", Some(2), "not valid UTF-8");
    assert!(
        err.contains("help: save the file with the UTF-8 encoding"),
        "{err}"
    );
}

#[test]
fn unknown_front_matter_key_suggests() {
    let err = assert_bad_input(
        "unknown-key",
        "content/page.md",
        Some(3),
        "unknown key `descripton`",
    );
    assert!(err.contains("did you mean `description`?"), "{err}");
}

#[test]
fn wrong_type_has_line_and_column() {
    assert_bad_input(
        "wrong-type",
        "content/page.md:4:9",
        None,
        "wrong type for `draft`",
    );
}

#[test]
fn missing_cover_file() {
    assert_bad_input(
        "missing-cover",
        "content/lac/index.md",
        None,
        "the cover `aube.jpg` does not exist",
    );
}

#[test]
fn cover_leaving_the_site_is_refused() {
    assert_bad_input(
        "cover-outside",
        "content/lac/index.md",
        None,
        "leaves the site folder",
    );
}

#[test]
fn unknown_shortcode() {
    let err = assert_bad_input(
        "unknown-shortcode",
        "content/page.md",
        Some(8),
        "unknown shortcode `galerie`",
    );
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn template_syntax_error() {
    assert_bad_input(
        "template-syntax",
        "templates/page.html",
        Some(3),
        "template",
    );
}

#[test]
fn broken_internal_link() {
    assert_bad_input(
        "broken-link",
        "content/page.md",
        Some(8),
        "@/culture/chapelle.md",
    );
}

#[test]
fn url_collision_names_both_sources() {
    let err = assert_bad_input("url-collision", "content/tourisme/", None, "url-collision");
    assert!(
        err.contains("content/tourisme/lac.md") && err.contains("content/tourisme/le-lac.md"),
        "{err}"
    );
}

#[test]
fn a_failure_in_the_last_rendered_page_keeps_the_previous_output() {
    assert_bad_input(
        "late-template",
        "content/zz-derniere.md",
        None,
        "templates/special.html",
    );
}

#[test]
fn a_failure_in_the_last_stage_keeps_the_previous_output() {
    // static/ files are copied last; a link to nowhere cannot be copied.
    let site = fixture("base");
    let root = site.path().join("site");
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/blason-test", root.join("static/perdu.css")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert!(build(&fixtures().join("base"), &out).status.success());
    let before = tree(&out);
    let o = build(&root, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("static/perdu.css"), "{}", stderr(&o));
    assert_eq!(tree(&out), before);
    // OUT and its lock file: no staging folder left.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
}

#[test]
fn unknown_pillar_suggests_the_right_one() {
    let err = assert_bad_input(
        "unknown-pillar",
        "content/page.md",
        None,
        "`tourism` is not a pillar",
    );
    assert!(err.contains("did you mean `tourisme`?"), "{err}");
}

#[test]
fn config_typo_names_the_table() {
    let err = assert_bad_input(
        "config-typo",
        "blason.toml:14",
        None,
        "unknown key `colour` in [brand]",
    );
    assert!(err.contains("did you mean `colors`?"), "{err}");
}

#[test]
fn the_example_site_builds_with_its_pillars_audiences_and_translations() {
    let out = example();
    for f in [
        "index.html",
        "en/index.html",
        "tourisme/index.html",
        "tourisme/lac-d-orbiere/index.html",
        "en/tourisme/lac-d-orbiere/index.html",
        "audiences/visiteurs/index.html",
        "tags/lac/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "brand.css",
        "style.css",
        "logo.svg",
        "decouvrir/lac.html",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let lac = read(&out.join("tourisme/lac-d-orbiere/index.html"));
    assert!(lac.contains("<html lang=\"fr\">"));
    assert!(lac.contains(
        "hreflang=\"en\" href=\"https://www.val-orbiere.example/en/tourisme/lac-d-orbiere/\""
    ));
    assert!(
        lac.contains("1er juin 2026"),
        "dates are formatted in French"
    );
    assert!(lac.contains("pontons\u{202F};"), "French typography");
    assert!(!lac.contains("style="), "no style attribute (strict CSP)");
    let en = read(&out.join("en/tourisme/lac-d-orbiere/index.html"));
    assert!(en.contains("<html lang=\"en\">") && en.contains("June 1, 2026"));
    assert!(!en.contains('\u{202F}'), "no French typography in English");
    let pillar = read(&out.join("tourisme/index.html"));
    for p in ["lac-d-orbiere", "sentier-des-cretes", "fromageries"] {
        assert!(
            pillar.contains(&format!("/tourisme/{p}/")),
            "pillar page lists {p}"
        );
    }
}

#[test]
fn builds_are_deterministic() {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(build(&site, &a).status.success());
    assert!(build(&site, &b).status.success());
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two builds");
    }
}

#[test]
fn features_of_zola_and_spec_keys() {
    let site = fixture("features");
    let root = site.path().join("site");
    let out = site.path().join("out");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    // Drafts and expired campaign pages are left out.
    assert!(!out.join("tourisme/brouillon").exists());
    assert!(!out.join("tourisme/campagne").exists());
    // A date in the file name gives the date and the slug.
    let foret = read(&out.join("tourisme/foret/index.html"));
    assert!(foret.contains("datetime=\"2026-05-01\""));
    // Pagination: 3 pages, 2 per pager.
    let p1 = read(&out.join("tourisme/index.html"));
    let p2 = read(&out.join("tourisme/page/2/index.html"));
    assert!(
        p1.contains("/tourisme/lac/")
            && p1.contains("/tourisme/foret/")
            && !p1.contains("/tourisme/col/\"")
    );
    assert!(p2.contains("/tourisme/col/") && p2.contains("rel=\"prev\""));
    // Aliases become redirect pages.
    let alias = read(&out.join("ancien/lac.html"));
    assert!(alias.contains("url=https://www.example-territoire.fr/tourisme/lac/"));
    assert!(out.join("vieux-lac/index.html").is_file());
    // Tags with French slugs, Zola taxonomies, audiences.
    assert!(out.join("tags/qualite-de-vie/index.html").is_file());
    assert!(out.join("categories/nature/index.html").is_file());
    assert!(read(&out.join("audiences/habitants/index.html")).contains("/tourisme/foret/"));
    // Bundle assets are published beside the page, for each language.
    assert!(out.join("tourisme/lac/guide.txt").is_file());
    assert!(out.join("en/tourisme/lac/guide.txt").is_file());
    // A site shortcode; French typography in the home page.
    assert!(
        read(&out.join("tourisme/lac/index.html"))
            .contains("<strong class=\"custom\">BONJOUR</strong>")
    );
    assert!(read(&out.join("index.html")).contains("«\u{202F}Territoire test\u{202F}»"));
    // Translations: /en/ URLs, the English pillar name, hreflang both ways.
    let en = read(&out.join("en/tourisme/lac/index.html"));
    assert!(en.contains("Discover"));
    assert!(
        en.contains("hreflang=\"fr\" href=\"https://www.example-territoire.fr/tourisme/lac/\"")
    );
    // A transparent section's pages are listed by its parent.
    assert!(read(&out.join("culture/index.html")).contains("/culture/expos/peinture/"));
    // redirect_to.
    assert!(
        read(&out.join("agenda/index.html"))
            .contains("url=https://www.example-territoire.fr/tourisme/")
    );
    // The sitemap has pages and alternates; robots.txt points to it.
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://www.example-territoire.fr/tourisme/lac/</loc>"));
    assert!(sitemap.contains("hreflang=\"en\""));
    assert!(
        read(&out.join("robots.txt"))
            .contains("Sitemap: https://www.example-territoire.fr/sitemap.xml")
    );
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = fixture("features");
    let root = site.path().join("site");
    let out = site.path().join("out");
    let o = run(
        &[
            "build",
            root.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--drafts",
            "--base-url",
            "http://localhost:8080",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(&out.join("tourisme/brouillon/index.html"));
    assert!(page.contains("http://localhost:8080/tourisme/brouillon/"));
}

#[test]
fn publish_until_follows_source_date_epoch() {
    let site = fixture("features");
    let root = site.path().join("site");
    let out = site.path().join("out");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_blason"));
    // 2026-03-01: the campaign is still on.
    let o = cmd
        .args(["build", root.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1772323200")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("tourisme/campagne/index.html").is_file());
}

#[test]
fn report_counts_pages_and_stages() {
    let site = fixture("base");
    let root = site.path().join("site");
    let out = site.path().join("out");
    let (o, v) = build_with_report(&root, &out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["pages"], 2);
    assert_eq!(v["images"]["encoded"], 0);
    assert!(v["stages_ms"]["markdown"].is_number());
    assert!(
        stderr(&o).contains("built "),
        "one summary line: {}",
        stderr(&o)
    );
}

#[test]
fn check_reports_warnings_as_json_and_strict_fails() {
    let site = fixture("check-warnings");
    let root = site.path().join("site");
    let o = check_json(&root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
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
    let strict = run(&["check", root.to_str().unwrap(), "--strict"], None);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn check_reports_errors_with_lines() {
    let site = fixture("broken-link");
    let o = check_json(&site.path().join("site"));
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "broken-link");
    assert_eq!(d["file"], "content/page.md");
    assert_eq!(d["line"], 8);
    assert_eq!(d["severity"], "error");
}

#[test]
fn init_writes_a_site_that_builds_and_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mon-site");
    let o = run(&["init", dir.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("blason.toml").is_file());
    assert!(!dir.join("themes").exists(), "the theme stays built in");
    let b = run(&["build"], Some(&dir));
    assert!(b.status.success(), "{}", stderr(&b));
    assert!(dir.join("public/index.html").is_file());
    let again = run(&["init", dir.to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn new_writes_a_bundle_with_front_matter() {
    let site = fixture("base");
    let root = site.path().join("site");
    let o = run(
        &[
            "new",
            "tourisme/belvedere",
            "--root",
            root.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = read(&root.join("content/tourisme/belvedere/index.md"));
    assert!(text.contains("title = \"Belvedere\""), "{text}");
    assert!(text.contains("pillar = \"tourisme\""));
    assert!(text.contains("draft = true"));
    assert!(
        text.contains("date = 2026-07-01"),
        "today from SOURCE_DATE_EPOCH: {text}"
    );
    let again = run(
        &[
            "new",
            "tourisme/belvedere",
            "--root",
            root.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(again.status.code(), Some(2));
    let out = site.path().join("out");
    let b = run(
        &[
            "build",
            root.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--drafts",
        ],
        None,
    );
    assert!(b.status.success(), "{}", stderr(&b));
    assert!(out.join("tourisme/belvedere/index.html").is_file());
}

#[test]
fn ejected_theme_and_site_templates_override_the_built_in_one() {
    let site = fixture("base");
    let root = site.path().join("site");
    let o = run(&["theme", "eject", root.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = root.join("themes/postale/templates/page.html");
    let text = read(&page).replace(
        "<article class=\"article\">",
        "<article class=\"article ejected\">",
    );
    std::fs::write(&page, text).unwrap();
    let out = site.path().join("out");
    assert!(build(&root, &out).status.success());
    assert!(read(&out.join("tourisme/lac/index.html")).contains("article ejected"));
    // The site's templates/ win over the theme's.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        "<!DOCTYPE html><title>{{ page.title }}</title><p>site</p>",
    )
    .unwrap();
    assert!(build(&root, &out).status.success());
    assert_eq!(
        read(&out.join("tourisme/lac/index.html")),
        "<!DOCTYPE html><title>Le lac</title><p>site</p>"
    );
    let again = run(&["theme", "eject", root.to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn output_inside_the_sources_is_refused() {
    let site = fixture("base");
    let root = site.path().join("site");
    let o = run(
        &[
            "build",
            root.to_str().unwrap(),
            "-o",
            root.join("content").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &[
            "build",
            root.to_str().unwrap(),
            "-o",
            root.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(root.join("content/_index.md").is_file());
}

#[test]
fn missing_config_says_how_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["build", tmp.path().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("blason.toml") && stderr(&o).contains("blason init"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn snapshot_of_a_page() {
    let site = fixture("base");
    let root = site.path().join("site");
    let out = site.path().join("out");
    assert!(build(&root, &out).status.success());
    let html = read(&out.join("tourisme/lac/index.html"));
    let article = &html[html.find("<article").unwrap()..html.find("</article>").unwrap() + 10];
    insta::assert_snapshot!("base_page_article", article);
    insta::assert_snapshot!("base_sitemap", read(&out.join("sitemap.xml")));
}

#[test]
fn hostile_content_is_an_error_or_a_page_never_a_crash() {
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
        let site = fixture("base");
        let root = site.path().join("site");
        std::fs::write(root.join("content/hostile.md"), &bytes).unwrap();
        let out = site.path().join("out");
        let o = build(&root, &out);
        let code = o.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{name}: exit {code:?}\n{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
        if code == Some(1) {
            assert!(
                stderr(&o).contains("content/hostile.md"),
                "{name}: {}",
                stderr(&o)
            );
        }
        if name == "html-in-title" {
            let html = read(&out.join("hostile/index.html"));
            assert!(!html.contains("<script>alert"), "titles are escaped");
            assert!(!html.contains("<img src=x"), "descriptions are escaped");
        }
    }
}

#[test]
fn events_agenda_calendars_and_feeds() {
    let site = fixture("events");
    let root = site.path().join("site");
    let out = site.path().join("out");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    // The agenda (NOW is 2026-07-01): upcoming soonest first, then past.
    let agenda = read(&out.join("agenda/index.html"));
    let pos = |s: &str| {
        agenda
            .find(s)
            .unwrap_or_else(|| panic!("{s} not in the agenda"))
    };
    assert!(
        pos("Marché du samedi") < pos("Fête du lac") && pos("Fête du lac") < pos("Salon du livre")
    );
    assert!(
        pos("Salon du livre") < pos("Course"),
        "the past cancelled race comes last"
    );
    assert!(
        agenda.contains("4 juillet 2026, 8 h – 12 h 30") && agenda.contains("tous les samedis"),
        "next Saturday, in French"
    );
    assert!(agenda.contains("du 11 septembre 2026 au 13 septembre 2026"));
    assert!(agenda.contains("14 juillet 2026, 21 h – 15 juillet 2026, 1 h"));
    // One .ics per event page, and the agenda's.
    let fete = read(&out.join("agenda/fete/fete.ics"));
    assert!(
        fete.contains("DTSTART;TZID=Europe/Paris:20260714T210000\r\n"),
        "{fete}"
    );
    assert!(fete.contains("DTEND;TZID=Europe/Paris:20260715T010000\r\n"));
    let all = read(&out.join("agenda.ics"));
    assert_eq!(all.matches("BEGIN:VEVENT").count(), 4);
    assert!(all.contains("DTSTART;VALUE=DATE:20260911\r\nDTEND;VALUE=DATE:20260914\r\n"));
    assert!(all.contains("RRULE:FREQ=WEEKLY;BYDAY=SA") && all.contains("STATUS:CANCELLED"));
    // JSON-LD and the event page.
    let page = read(&out.join("agenda/fete/index.html"));
    assert!(
        page.contains("\"@type\":\"Event\"")
            && page.contains("\"startDate\":\"2026-07-14T21:00:00+02:00\"")
    );
    assert!(
        page.contains("https://schema.org/EventScheduled")
            && page.contains("https://billets.example.org/fete")
    );
    assert!(page.contains("href=\"https://www.example-territoire.fr/agenda/fete/fete.ics\""));
    // Feeds: the site's and the section's.
    let feed = read(&out.join("atom.xml"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">"));
    assert!(
        feed.contains("<title>Fête du lac</title>")
            && feed.contains("<published>2026-06-14T22:00:00Z</published>"),
        "{feed}"
    );
}

#[test]
fn head_has_open_graph_and_twitter_tags() {
    let site = fixture("features");
    let root = site.path().join("site");
    let out = site.path().join("out");
    assert!(build(&root, &out).status.success());
    let html = read(&out.join("tourisme/lac/index.html"));
    let head = &html[..html.find("</head>").unwrap()];
    let meta: Vec<&str> = head
        .lines()
        .filter(|l| {
            l.contains("og:")
                || l.contains("twitter:")
                || l.contains("canonical")
                || l.contains("hreflang")
        })
        .collect();
    insta::assert_snapshot!("features_page_head", meta.join("\n"));
}

#[test]
fn an_impossible_event_is_an_error_naming_the_page() {
    let err = assert_bad_input(
        "bad-event",
        "content/marche.md",
        None,
        "BYSETPOS is not supported",
    );
    assert!(err.contains("[event]"), "{err}");
}

#[test]
fn check_warns_about_low_contrast_brand_colours() {
    let site = fixture("events");
    let o = check_json(&site.path().join("site"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
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

/// Builds with `--report`; returns the command's output and the report.
fn build_with_report(site: &Path, out: &Path) -> (Output, serde_json::Value) {
    let report = out.with_extension("json");
    let o = run(
        &[
            "build",
            site.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = serde_json::from_str(&read(&report)).unwrap();
    (o, v)
}

fn report_images(site: &Path, out: &Path) -> serde_json::Value {
    build_with_report(site, out).1["images"].clone()
}

#[test]
fn the_image_cache_is_keyed_by_content() {
    let site = fixture("features");
    let root = site.path().join("site");
    let out = site.path().join("out");
    let first = report_images(&root, &out);
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
    // A second build does no image work.
    let second = report_images(&root, &out);
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
    assert_eq!(report_images(&root, &out)["encoded"].as_u64(), Some(0));
    // Replacing the photo encodes exactly its variants.
    image_png(&root.join("static/img/lac.png"), [200, 10, 10]);
    let replaced = report_images(&root, &out);
    assert_eq!(
        (replaced["decoded"].as_u64(), replaced["encoded"].as_u64()),
        (Some(1), Some(2)),
        "{replaced}"
    );
    // The site and its cache copied elsewhere (fresh mtimes) encode nothing.
    let moved = tempfile::tempdir().unwrap();
    copy_dir(&root, &moved.path().join("site"));
    let elsewhere = report_images(&moved.path().join("site"), &moved.path().join("out"));
    assert_eq!(
        (elsewhere["decoded"].as_u64(), elsewhere["encoded"].as_u64()),
        (Some(0), Some(0)),
        "{elsewhere}"
    );
}

/// Writes a 12x8 PNG of one colour.
fn image_png(path: &Path, rgb: [u8; 3]) {
    image::RgbImage::from_pixel(12, 8, image::Rgb(rgb))
        .save(path)
        .unwrap();
}

#[test]
fn galleries_photo_pages_and_rights() {
    let site = fixture("base");
    let root = site.path().join("site");
    let bundle = root.join("content/tourisme/lac");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::remove_file(root.join("content/tourisme/lac.md")).unwrap();
    std::fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"Le lac\"\ndescription = \"Un lac.\"\n+++\n\n## Accès\n\n![Le ponton & le lac](ponton.png)\n\n{{ gallery(layout=\"portrait\") }}\n",
    )
    .unwrap();
    image_png(&bundle.join("aube.png"), [10, 60, 120]);
    image_png(&bundle.join("soir.png"), [220, 120, 20]);
    image_png(&bundle.join("ancienne.png"), [90, 90, 90]);
    image_png(&bundle.join("ponton.png"), [30, 30, 30]);
    std::fs::write(
        bundle.join("gallery.toml"),
        "[[photo]]\nfile = \"aube.png\"\nalt = \"Brume sur le lac\"\ncaption = \"L'aube\"\ncredit = \"Camille R.\"\nlicense = \"CC BY 4.0\"\n\n\
         [[photo]]\nfile = \"soir.png\"\nalt = \"Le lac au soir\"\n\n\
         [[photo]]\nfile = \"ancienne.png\"\nalt = \"Une vieille photo\"\ncredit = \"X\"\nlicense = \"Y\"\nuntil = 2026-01-31\n",
    )
    .unwrap();
    let out = site.path().join("out");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning[missing-credit]") && err.contains("warning[rights-expired]"),
        "{err}"
    );
    let page = read(&out.join("tourisme/lac/index.html"));
    assert!(page.contains("class=\"gallery gallery-portrait\""));
    assert!(page.contains("href=\"https://www.example-territoire.fr/tourisme/lac/photos/aube/\""));
    assert!(page.contains("alt=\"Brume sur le lac\"") && page.contains("© Camille R. (CC BY 4.0)"));
    assert!(
        !page.contains("ancienne"),
        "an expired photo leaves no trace"
    );
    let photo = read(&out.join("tourisme/lac/photos/aube/index.html"));
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
        let out_here = site.path().join("out-here");
        let o = run(
            &["build", spelled, "-o", out_here.to_str().unwrap()],
            Some(&root),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            tree(&out_here).keys().collect::<Vec<_>>(),
            tree(&out).keys().collect::<Vec<_>>(),
            "built as `{spelled}`"
        );
        assert_eq!(tree(&out_here), tree(&out), "built as `{spelled}`");
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
    let images = report_images(&root, &out);
    assert_eq!(
        (images["decoded"].as_u64(), images["encoded"].as_u64()),
        (Some(0), Some(0)),
        "{images}"
    );
    assert!(
        read(&out.join("tourisme/lac/index.html")).contains("L&#39;aube sur le lac")
            || read(&out.join("tourisme/lac/index.html")).contains("L'aube sur le lac")
    );
    // check: the expired photo is an error there.
    let c = run(&["check", root.to_str().unwrap(), "--format", "json"], None);
    assert_eq!(c.status.code(), Some(1), "{}", stdout(&c));
    assert!(stdout(&c).contains("\"rights-expired\""));
    // A photo without alt text is an error naming gallery.toml.
    std::fs::write(
        bundle.join("gallery.toml"),
        "[[photo]]\nfile = \"aube.png\"\n",
    )
    .unwrap();
    let o = build(&root, &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/tourisme/lac/gallery.toml")
            && stderr(&o).contains("no alt text"),
        "{}",
        stderr(&o)
    );
}

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

fn cards_drawn(site: &Path, out: &Path) -> u64 {
    build_with_report(site, out).1["cards_drawn"]
        .as_u64()
        .unwrap()
}

#[test]
fn social_cards_are_drawn_once_and_named_by_what_they_show() {
    let dir = fixture("cards");
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    assert!(cards_drawn(&root, &out) > 0);
    let lac = read(&out.join("tourisme/lac/index.html"));
    let image = meta(&lac, "og:image").unwrap();
    assert!(
        image.starts_with("https://www.example-territoire.fr/processed_images/card-lac-")
            && image.ends_with(".jpg"),
        "{image}"
    );
    assert_eq!(meta(&lac, "og:image:width").as_deref(), Some("1200"));
    assert_eq!(meta(&lac, "og:image:height").as_deref(), Some("630"));
    assert_eq!(meta(&lac, "og:image:type").as_deref(), Some("image/jpeg"));
    assert_eq!(
        meta(&lac, "og:image:alt").as_deref(),
        Some("Le lac sous la brume")
    );
    assert_eq!(
        meta(&lac, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(meta(&lac, "twitter:image"), Some(image.clone()));
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
    let before = og_images(&out);
    assert!(before.len() >= 5, "{before:?}");

    assert_eq!(cards_drawn(&root, &out), 0, "a second build draws nothing");

    // A new title: that page's card and its kit images, nothing else.
    let page = root.join("content/tourisme/lac/index.md");
    std::fs::write(
        &page,
        read(&page).replace("title = \"Le lac\"", "title = \"Le grand lac\""),
    )
    .unwrap();
    assert_eq!(cards_drawn(&root, &out), 1 + 5);
    let after = og_images(&out);
    for (path, url) in &before {
        if path.starts_with("tourisme/lac/index.html") {
            assert_ne!(after[path], *url, "the card's URL changes with it");
        } else if !path.contains("/kit/") {
            assert_eq!(after[path], *url, "{path}");
        }
    }

    // An ejected theme draws the same cards: nothing to redraw.
    let o = run(&["theme", "eject", root.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(cards_drawn(&root, &out), 0);
    // A new template: every card drawn from it again.
    let brand = root.join("themes/postale/cards/brand.svg");
    std::fs::write(
        &brand,
        read(&brand).replace("opacity=\"0.22\"", "opacity=\"0.5\""),
    )
    .unwrap();
    let redrawn = cards_drawn(&root, &out);
    let last = og_images(&out);
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
    let dir = fixture("cards");
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let lac = read(&out.join("tourisme/lac/index.html"));
    assert!(lac.contains(
        "https://x.com/intent/post?text=Le%20lac%2C%20%C3%A0%20l%27aube%20%23lac%20%23TerritoireTest&amp;url=https%3A%2F%2Fwww.example-territoire.fr%2Ftourisme%2Flac%2F%3Futm_source%3Dx%26utm_medium%3Dsocial%26utm_campaign%3Dete-2026"
    ), "{lac}");
    assert!(lac.contains("https://www.facebook.com/sharer/sharer.php?u="));
    assert!(lac.contains("href=\"https://www.example-territoire.fr/share/mastodon/?text="));
    assert!(
        !lac.contains("linkedin.com"),
        "only the configured networks"
    );
    let mastodon = read(&out.join("share/mastodon/index.html"));
    assert!(mastodon.contains("noindex") && mastodon.contains("id=\"mastodon-share\""));

    // The kit: not indexed, not in the sitemap, linked from nowhere.
    let kit = read(&out.join("tourisme/lac/kit/index.html"));
    assert!(kit.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!read(&out.join("sitemap.xml")).contains("/kit/"));
    for (path, bytes) in tree(&out) {
        if path.ends_with(".html") && !path.contains("/kit/") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("lac/kit/"),
                "{path}"
            );
        }
    }
    assert!(kit.contains("id=\"kit-instagram\""));
    assert!(
        kit.contains("utm_medium=print"),
        "the QR code's address is shown"
    );
    let zip_path = out.join("tourisme/lac/kit/lac-kit.zip");
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
            assert!(t.contains("## X\n\nLe lac, à l'aube #lac #TerritoireTest\nhttps://www.example-territoire.fr/tourisme/lac/?utm_source=x&utm_medium=social&utm_campaign=ete-2026"), "{t}");
            assert!(
                t.contains("## Instagram\n\nUn lac au lever du jour. #lac #TerritoireTest\n\n"),
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
    let dir = fixture("cards");
    let root = dir.path().join("site");
    let long = "Une très longue promenade ".repeat(30);
    std::fs::write(
        root.join("content/tourisme/col.md"),
        format!("+++\ntitle = \"{long}\"\ndescription = \"Un col.\"\n+++\nLe col.\n"),
    )
    .unwrap();
    let o = check_json(&root);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
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

/// Every HTML file of a built site, parsed.
fn html_files(out: &Path) -> Vec<(String, scraper::Html)> {
    tree(out)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| {
            let doc = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
            (name, doc)
        })
        .collect()
}

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

fn build_community() -> (tempfile::TempDir, PathBuf, Output) {
    let tmp = fixture("community");
    let site = tmp.path().join("site");
    let out = tmp.path().join("out");
    let o = build(&site, &out);
    (tmp, out, o)
}

#[test]
fn hostile_community_posts_reach_the_page_as_text_only() {
    let (_tmp, out, o) = build_community();
    assert!(o.status.success(), "{}", stderr(&o));
    let base = "https://www.example-territoire.fr/";
    for (name, doc) in html_files(&out) {
        for el in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let tag = el.value().name();
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.to_ascii_lowercase().starts_with("on"),
                    "{name}: <{tag} {attr}=...> is an event handler"
                );
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !(v.starts_with("javascript:")
                        || v.starts_with("data:text")
                        || v.starts_with("vbscript:")),
                    "{name}: <{tag} {attr}=\"{value}\"> is a script URL"
                );
            }
            assert!(
                !matches!(tag, "iframe" | "object" | "embed"),
                "{name}: <{tag}> in the page"
            );
            if matches!(tag, "script") {
                let src = el.value().attr("src");
                let data = el.value().attr("type") == Some("application/ld+json");
                assert!(
                    src.is_some_and(|s| s.starts_with(base)) || data,
                    "{name}: a script that is not the site's own: {}",
                    el.html()
                );
            }
            if tag == "svg" {
                assert!(el.value().attr("onload").is_none());
            }
        }
    }
    let page = scraper::Html::parse_document(&read(&out.join("tourisme/lac/index.html")));
    let posts = select(&page, "#post-hostile .post-text");
    assert!(!posts.is_empty(), "the hostile post is on the page");
    let text: String = posts[0].text().collect();
    assert!(
        text.contains(
            "<script>alert(1)</script> <img src=x onerror=alert(2)> \"><svg onload=alert(3)>"
        ),
        "the markup is shown as text: {text}"
    );
    let author: String = select(&page, "#post-hostile .post-author")[0]
        .text()
        .collect();
    assert_eq!(author, "\"><script>alert('author')</script>");
    let img = select(&page, "#post-hostile img.post-image")[0];
    assert_eq!(img.value().attr("alt"), Some("\" onerror=\"alert(6)"));
    assert!(
        img.value()
            .attr("src")
            .unwrap()
            .starts_with(&format!("{base}processed_images/coucher-"))
    );
    let link = select(&page, "#post-hostile .post-meta a")[0];
    assert_eq!(
        link.value().attr("href"),
        Some("https://www.instagram.com/p/hostile/?a=1&b=\"><script>alert(1)</script>")
    );
    assert_eq!(link.value().attr("rel"), Some("nofollow ugc noopener"));
    // The hashtag and the mention are links on the post's network (the mention
    // stops at the quote); the `<a href=javascript:>` in the text is text.
    let tags: Vec<_> = select(&page, "#post-hostile .post-text a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        tags,
        [
            "https://www.instagram.com/explore/tags/lac/",
            "https://www.instagram.com/evil/"
        ]
    );
}

#[test]
fn long_and_right_to_left_posts() {
    let (_tmp, out, o) = build_community();
    assert!(o.status.success(), "{}", stderr(&o));
    let page = scraper::Html::parse_document(&read(&out.join("communaute/index.html")));
    let long = select(&page, "#post-long .post-text")[0];
    let text: String = long.text().collect();
    assert!(
        !text.contains("FIN-DU-TEXTE-LONG"),
        "the 5,600-character text is cut"
    );
    assert!(
        text.chars().count() < 420,
        "{} characters",
        text.chars().count()
    );
    assert!(
        text.contains("brume se lève…") || text.contains('…'),
        "{text}"
    );
    let more = select(&page, "#post-long .post-more")[0];
    assert_eq!(
        more.value().attr("href"),
        Some("https://bsky.app/profile/long.bsky.social/post/3long")
    );
    assert!(more.text().collect::<String>().contains("Bluesky"));
    let rtl = select(&page, "#post-rtl .post-text")[0];
    assert_eq!(rtl.value().attr("dir"), Some("auto"));
    assert_eq!(
        rtl.value().attr("lang"),
        Some("ar"),
        "the post's language is said"
    );
    let text: String = rtl.text().collect();
    assert!(text.contains("غروب الشمس على البحيرة 🌅"), "{text}");
    assert!(text.contains("שָׁלוֹם"), "Hebrew with its points");
    assert!(
        text.contains("e\u{301}te\u{301}"),
        "combining accents kept as written"
    );
    assert!(
        text.contains("👨\u{200d}👩\u{200d}👧"),
        "a joined emoji kept whole"
    );
    let author: String = select(&page, "#post-rtl .post-author")[0].text().collect();
    assert_eq!(author, "كريم");
    // The Mastodon hashtag links to the post's own server.
    let tag = select(&page, "#post-rtl .post-text a")[0];
    assert_eq!(
        tag.value().attr("href"),
        Some("https://piaille.example/tags/lac")
    );
    // Dates in the page's language.
    let time: String = select(&page, "#post-rtl time")[0].text().collect();
    assert_eq!(time, "3 juin 2026");
}

#[test]
fn unpublished_posts_leave_no_trace_in_any_output_file() {
    let (_tmp, out, o) = build_community();
    assert!(o.status.success(), "{}", stderr(&o));
    let files = tree(&out);
    assert!(files.len() > 20);
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for marker in ["secret-", "pending-only-photo"] {
            assert!(!text.contains(marker), "{name} mentions `{marker}`");
            assert!(
                !name.to_lowercase().contains(marker),
                "{name} is named after an unpublished post"
            );
        }
    }
    // The published ones are there: on their tag's page, and in the sitemap.
    let lac = read(&out.join("communaute/lac/index.html"));
    for id in ["post-hostile", "post-long", "post-rtl"] {
        assert!(lac.contains(id), "{id} on the #lac page");
    }
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("https://www.example-territoire.fr/communaute/lac/"));
    // Why each was left out is said (the build goes on; check makes them errors).
    let err = stderr(&o);
    assert!(
        err.contains("warning[post-without-consent]: community/no-consent.toml"),
        "{err}"
    );
    assert!(
        err.contains("warning[rights-expired]: community/expired.toml"),
        "{err}"
    );
    assert!(
        err.contains("warning[rights-expiring]: community/rtl.toml"),
        "{err}"
    );
    assert!(
        !err.contains("pending.toml") && !err.contains("rejected.toml"),
        "{err}"
    );
}

#[test]
fn check_reports_consent_rights_and_missing_images_of_posts() {
    let tmp = fixture("community");
    let site = tmp.path().join("site");
    std::fs::copy(
        site.join("community/coucher.jpg"),
        site.join("community/orphan.jpg"),
    )
    .unwrap();
    let o = check_json(&site);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found = |code: &str, file: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code && d["file"] == file)
            .map(|d| d["severity"].as_str().unwrap().to_string())
    };
    assert_eq!(
        found("post-without-consent", "community/no-consent.toml").as_deref(),
        Some("error")
    );
    assert_eq!(
        found("rights-expired", "community/expired.toml").as_deref(),
        Some("error")
    );
    assert_eq!(
        found("rights-expiring", "community/rtl.toml").as_deref(),
        Some("warning")
    );
    // An image no post names; the pending post's image is named, so not reported.
    assert_eq!(
        found("unused-file", "community/orphan.jpg").as_deref(),
        Some("warning")
    );
    assert_eq!(
        found("unused-file", "community/pending-only-photo.jpg"),
        None
    );
    // A missing image and a missing alt text are errors of the build itself.
    std::fs::remove_file(site.join("community/coucher.jpg")).unwrap();
    std::fs::write(
        site.join("community/long.toml"),
        read(&site.join("community/long.toml")).replace("tags =", "image = \"long.jpg\"\ntags ="),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = build(&site, &out);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "error[missing-file]: community/hostile.toml: the image `coucher.jpg` does not exist"
        ),
        "{err}"
    );
    assert!(
        err.contains("error[missing-alt]: community/long.toml"),
        "{err}"
    );
}

#[test]
fn post_addresses_follow_the_host_rules() {
    for (network, url) in [
        ("instagram", "javascript:alert(1)"),
        ("instagram", "https://instagram.com.evil.example/p/1"),
        ("x", "http://x.com/a/status/1"),
        ("mastodon", "data:text/html,<script>alert(1)</script>"),
    ] {
        let tmp = fixture("community");
        let site = tmp.path().join("site");
        std::fs::write(
            site.join("community/bad.toml"),
            format!(
                "network = \"{network}\"\nurl = \"{url}\"\nauthor = \"A\"\ndate = 2026-06-01\ntext = \"t\"\nconsent = true\nstatus = \"approved\"\n"
            ),
        )
        .unwrap();
        let o = build(&site, &tmp.path().join("out"));
        assert_eq!(o.status.code(), Some(1), "{url}");
        let err = stderr(&o);
        assert!(
            err.contains("error[post-url]: community/bad.toml"),
            "{url}: {err}"
        );
    }
    // Mastodon, Pixelfed and PeerTube posts may live on any https server.
    let tmp = fixture("community");
    let site = tmp.path().join("site");
    std::fs::write(
        site.join("community/federated.toml"),
        "network = \"pixelfed\"\nurl = \"https://pixel.example.net/p/a/1\"\nauthor = \"A\"\ndate = 2026-06-01\ntext = \"t\"\nconsent = true\nstatus = \"approved\"\n",
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("out"));
    assert!(o.status.success(), "{}", stderr(&o));
    // A typo in a key names the file, line and column.
    std::fs::write(
        site.join("community/typo.toml"),
        "network = \"instagram\"\nurll = \"x\"\n",
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("out"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("community/typo.toml:2:"), "{err}");
}

#[test]
fn walls_pillar_blocks_community_pages_and_videos() {
    let (_tmp, out, o) = build_community();
    assert!(o.status.success(), "{}", stderr(&o));
    let page = scraper::Html::parse_document(&read(&out.join("tourisme/lac/index.html")));
    let carousel = select(&page, "ul.posts-carousel > li.post");
    assert_eq!(carousel.len(), 2, "limit=2");
    assert_eq!(
        select(&page, "ul.posts-carousel")[0]
            .value()
            .attr("tabindex"),
        Some("0")
    );
    let wall: Vec<_> = select(&page, "ul.posts-wall > li.post")
        .iter()
        .map(|p| p.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(
        wall,
        ["post-rtl", "post-long", "post-hostile"],
        "newest first"
    );
    // Videos: a poster and a link, no player until a click.
    let videos = select(&page, "figure.video");
    assert_eq!(videos.len(), 2);
    assert_eq!(
        videos[0].value().attr("data-embed"),
        Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1")
    );
    let poster = select(&page, "figure.video a.video-poster")[0];
    assert_eq!(
        poster.value().attr("href"),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
    let label: String = poster.text().collect();
    assert!(
        label.contains("YouTube") && label.contains("Le lac en hiver"),
        "{label}"
    );
    assert_eq!(
        videos[1].value().attr("data-embed"),
        Some("https://tube.example.org/videos/embed/9c9de5e8-0a1b?autoplay=1")
    );
    assert!(select(&page, "iframe").is_empty());
    // The pillar page shows the posts tagged with its key; the home page the newest.
    let pillar = scraper::Html::parse_document(&read(&out.join("tourisme/index.html")));
    let ids: Vec<_> = select(&pillar, "li.post")
        .iter()
        .map(|p| p.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(ids, ["post-hostile"]);
    let home = scraper::Html::parse_document(&read(&out.join("index.html")));
    assert_eq!(select(&home, "li.post").len(), 3);
    // One page per tag, filtering without JavaScript.
    let all = scraper::Html::parse_document(&read(&out.join("communaute/index.html")));
    let chips: Vec<_> = select(&all, ".community-tags a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(chips.contains(&"https://www.example-territoire.fr/communaute/lac/".to_string()));
    assert!(
        chips.contains(&"https://www.example-territoire.fr/communaute/b-tag-b/".to_string()),
        "{chips:?}"
    );
    let tourisme =
        scraper::Html::parse_document(&read(&out.join("communaute/tourisme/index.html")));
    assert_eq!(select(&tourisme, "li.post").len(), 1);
    // A video without a known provider is an error naming the page and line.
    let tmp = fixture("community");
    let site = tmp.path().join("site");
    let md = site.join("content/tourisme/lac/index.md");
    std::fs::write(
        &md,
        read(&md).replace("provider=\"youtube\"", "provider=\"myvideo\""),
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/tourisme/lac/index.md:16"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("video(provider=\"myvideo\") is not a provider"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn import_writes_pending_posts_once_and_publishes_nothing() {
    let tmp = fixture("community");
    let site = tmp.path().join("site");
    let samples = fixtures().join("import");
    let m = run(
        &[
            "import",
            "mastodon",
            samples.join("mastodon-tag.json").to_str().unwrap(),
            site.to_str().unwrap(),
        ],
        None,
    );
    assert!(m.status.success(), "{}", stderr(&m));
    assert!(stdout(&m).contains("imported 2 post(s)"), "{}", stdout(&m));
    assert!(
        stderr(&m).contains("status 3 is left out"),
        "the http:// status: {}",
        stderr(&m)
    );
    let b = run(
        &[
            "import",
            "bluesky",
            samples.join("bluesky-search.json").to_str().unwrap(),
            site.to_str().unwrap(),
        ],
        None,
    );
    assert!(b.status.success(), "{}", stderr(&b));
    // Twice: nothing new.
    let again = run(
        &[
            "import",
            "mastodon",
            samples.join("mastodon-tag.json").to_str().unwrap(),
            site.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        stdout(&again).contains("imported 0 post(s) as pending, 2 already there"),
        "{}",
        stdout(&again)
    );
    let lea =
        read(&site.join("community/mastodon-lea-jura-piaille-example-113456789012345678.toml"));
    let post: toml::Table = lea.parse().unwrap();
    assert_eq!(post["status"].as_str(), Some("pending"));
    assert_eq!(post["consent"].as_bool(), Some(false));
    assert_eq!(
        post["url"].as_str(),
        Some("https://piaille.example/@lea_jura/113456789012345678")
    );
    assert_eq!(post["handle"].as_str(), Some("@lea_jura@piaille.example"));
    assert_eq!(post["date"].to_string(), "2026-07-14T20:31:07Z");
    assert_eq!(
        post["text"].as_str(),
        Some(
            "Feu d'artifice sur le lac ce soir, merci aux bénévoles ! #ValDeLoue #lac\n\nRendez-vous l'an prochain & bon été\nà tous"
        )
    );
    assert!(
        post["image_url"]
            .as_str()
            .unwrap()
            .ends_with("/original/feu.jpg")
    );
    assert!(post.get("image").is_none(), "nothing downloaded");
    assert_eq!(post["lang"].as_str(), Some("fr"));
    let boost: toml::Table =
        read(&site.join("community/mastodon-marc-toot-example-org-113456600000000009.toml"))
            .parse()
            .unwrap();
    assert_eq!(
        boost["url"].as_str(),
        Some("https://toot.example.org/@marc/112233"),
        "a boost is read as the boosted status"
    );
    let sam: toml::Table =
        read(&site.join("community/bluesky-sam-fictif-bsky-social-3lb7kqz4xyz2a.toml"))
            .parse()
            .unwrap();
    assert_eq!(
        sam["url"].as_str(),
        Some("https://bsky.app/profile/sam-fictif.bsky.social/post/3lb7kqz4xyz2a")
    );
    assert_eq!(
        sam["image_alt"].as_str(),
        Some("Brume au lever du soleil sur les gorges, une passerelle en bois.")
    );
    assert_eq!(
        sam["tags"].as_array().unwrap()[0].as_str(),
        Some("valdeloue")
    );
    // Imported posts are pending: the site shows none of them.
    let out = tmp.path().join("out");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    for (name, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("bénévoles") && !text.contains("6 h 40"),
            "{name} shows an imported post"
        );
    }
    // Bad input: not JSON, or the wrong shape, names the file.
    std::fs::write(tmp.path().join("bad.json"), "{\"posts\": [}").unwrap();
    let o = run(
        &[
            "import",
            "bluesky",
            tmp.path().join("bad.json").to_str().unwrap(),
            site.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.json:1:"), "{}", stderr(&o));
    let o = run(
        &[
            "import",
            "mastodon",
            samples.join("bluesky-search.json").to_str().unwrap(),
            site.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("JSON array of statuses"),
        "{}",
        stderr(&o)
    );
}

/// A `blason serve` process, stopped when dropped.
struct Served {
    child: std::process::Child,
    port: u16,
    log: std::sync::mpsc::Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Served {
    fn start(site: &Path, port: u16) -> Served {
        Served::start_with(site, port, &[])
    }

    fn start_with(site: &Path, port: u16, extra: &[&str]) -> Served {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_blason"))
            .args(["serve", site.to_str().unwrap(), "-p", &port.to_string()])
            .args(extra)
            .env("SOURCE_DATE_EPOCH", NOW)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let served = Served { child, port, log };
        served.wait_line("serving ");
        served
    }

    /// Waits for a line of the terminal output containing `what`.
    fn wait_line(&self, what: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("serve never said `{what}`");
    }

    /// A raw GET (the path is sent as written): status, headers, body.
    fn get(&self, path: &str) -> (u16, String, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }

    /// Opens the event stream.
    fn events(&self) -> std::io::BufReader<std::net::TcpStream> {
        use std::io::{BufRead, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        write!(s, "GET /_blason/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut r = std::io::BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        r
    }
}

/// Reads events until one named `name`; returns its data.
fn next_event(r: &mut std::io::BufReader<std::net::TcpStream>, name: &str) -> String {
    use std::io::BufRead;
    let mut current = String::new();
    // Keep-alive comments arrive every 15 s: a missing event must still fail the test.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "no `{name}` event within 60 s"
        );
        let mut line = String::new();
        let n = r.read_line(&mut line).expect("the event stream stays open");
        assert!(n > 0, "the event stream closed");
        let line = line.trim_end();
        if let Some(e) = line.strip_prefix("event: ") {
            current = e.to_string();
        } else if let Some(d) = line.strip_prefix("data: ") {
            if current == name {
                return d.to_string();
            }
            assert_ne!(current, "failed", "a build failed: {d}");
        }
    }
}

#[test]
fn serve_reloads_on_save_shows_errors_and_recovers() {
    let tmp = fixture("base");
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("static")).unwrap();
    let served = Served::start(&site, free_port());
    let (status, head, body) = served.get("/tourisme/lac/");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        body.contains("<script src=\"/_blason/live.js\" defer></script></head>"),
        "the live-reload script is injected"
    );
    assert!(
        body.contains(&format!("http://127.0.0.1:{}/tourisme/lac/", served.port)),
        "links point to the local server"
    );
    assert!(
        !site.join("public").exists(),
        "serve never writes the user's public/"
    );
    let (status, _, js) = served.get("/_blason/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource('/_blason/events')"));

    // A content edit: one rebuild, a reload event, the new page.
    let mut events = served.events();
    let page = site.join("content/tourisme/lac.md");
    let original = read(&page);
    assert!(original.contains("title = \"Le lac\""), "{original}");
    std::fs::write(
        &page,
        original.replace("title = \"Le lac\"", "title = \"Le lac gelé\""),
    )
    .unwrap();
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":null}",
        "the page reloads where it is"
    );
    assert!(
        served
            .wait_line("rebuilt ")
            .contains("content/tourisme/lac.md")
    );
    assert!(served.get("/tourisme/lac/").2.contains("Le lac gelé"));

    // Broken front matter: the terminal and the browser say where; the last good page stays.
    std::fs::write(
        &page,
        original.replace("title = \"Le lac\"", "title = \"Le lac"),
    )
    .unwrap();
    let failed: serde_json::Value =
        serde_json::from_str(&next_event(&mut events, "failed")).unwrap();
    let d = &failed["diagnostics"][0];
    assert_eq!(d["file"], "content/tourisme/lac.md");
    assert_eq!(d["line"], 2);
    assert!(d["column"].as_u64().is_some());
    served.wait_line("error[front-matter]: content/tourisme/lac.md:2:");
    let (status, _, body) = served.get("/tourisme/lac/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Le lac gelé"),
        "the last good site is still served"
    );
    // A browser that connects now hears about the failure at once.
    let mut late = served.events();
    next_event(&mut late, "failed");
    drop(late);

    // Fixed: a reload, and the page again.
    std::fs::write(&page, &original).unwrap();
    next_event(&mut events, "reload");
    assert!(!served.get("/tourisme/lac/").2.contains("Le lac gelé"));

    // A stylesheet alone: a `css` event, no reload.
    std::fs::write(site.join("static/extra.css"), "body { color: #222; }").unwrap();
    next_event(&mut events, "css");
    let (status, head, css) = served.get("/extra.css");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    assert!(css.contains("#222"));
    // An editor's swap file changes nothing.
    std::fs::write(site.join("content/tourisme/.lac.md.swp"), "x").unwrap();
    std::fs::write(
        &page,
        original.replace("title = \"Le lac\"", "title = \"Le lac 2\""),
    )
    .unwrap();
    next_event(&mut events, "reload");
}

#[test]
fn serve_stays_inside_the_site() {
    let tmp = fixture("base");
    let site = tmp.path().join("site");
    std::fs::write(tmp.path().join("secret.txt"), "SECRET").unwrap();
    let served = Served::start(&site, free_port());
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%00",
        "/C:/Windows/win.ini",
    ] {
        let (status, _, body) = served.get(path);
        assert_eq!(status, 400, "{path}");
        assert!(
            !body.contains("SECRET") && !body.contains("root:"),
            "{path}"
        );
    }
    // Absolute paths are paths of the site, never of the disk.
    let (status, _, body) = served.get("//etc/passwd");
    assert_eq!(status, 404);
    assert!(!body.contains("root:"));
    // The theme's 404 page, with its status.
    let (status, _, body) = served.get("/nulle-part/");
    assert_eq!(status, 404);
    assert!(body.contains("Page introuvable"), "{body}");
    // Folders redirect to their address with a slash.
    let (status, head, _) = served.get("/tourisme");
    assert_eq!(status, 301);
    assert!(
        head.contains("Location: /tourisme/") || head.contains("location: /tourisme/"),
        "{head}"
    );
    // The share preview of a page: its title and card as four networks show them.
    let (status, _, body) = served.get("/_blason/share/tourisme/lac/");
    assert_eq!(status, 200);
    let preview = scraper::Html::parse_document(&body);
    assert_eq!(select(&preview, "section h2").len(), 4);
    assert_eq!(
        select(&preview, ".fb-title")[0].text().collect::<String>(),
        "Le lac"
    );
    let card = select(&preview, "img.wa-img")[0]
        .value()
        .attr("src")
        .unwrap()
        .to_string();
    assert!(card.contains("/processed_images/card-"), "{card}");
    let (status, head, _) = served.get(card.split(&format!("{}", served.port)).nth(1).unwrap());
    assert_eq!(status, 200, "the card is served");
    assert!(head.to_lowercase().contains("image/jpeg"));
    assert_eq!(served.get("/_blason/share/../../etc/passwd").0, 400);
    assert_eq!(served.get("/_blason/share/nulle-part/").0, 404);
    // A port that is taken, when asked for, is a usage error.
    let o = run(
        &[
            "serve",
            site.to_str().unwrap(),
            "-p",
            &served.port.to_string(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not free"), "{}", stderr(&o));
}

#[test]
fn serve_follow_takes_the_browser_to_the_saved_page() {
    let tmp = fixture("base");
    let site = tmp.path().join("site");
    let served = Served::start_with(&site, free_port(), &["--follow"]);
    let mut events = served.events();
    let page = site.join("content/tourisme/lac.md");
    std::fs::write(
        &page,
        read(&page).replace("title = \"Le lac\"", "title = \"Le lac vert\""),
    )
    .unwrap();
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":\"/tourisme/lac/\"}"
    );
    // A template is no page: the browser stays where it is.
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/404.html"),
        "{% extends \"base.html\" %}",
    )
    .unwrap();
    assert_eq!(next_event(&mut events, "reload"), "{\"path\":null}");
}

/// `serve` keeps what a save did not change; the site it then serves must be
/// the one a full build makes, byte for byte.
#[test]
fn serve_builds_that_keep_pages_equal_full_builds() {
    use blason::Files;
    use blason::Memo;
    use blason::{BuildOptions, build_changes};

    fn full(opts: &BuildOptions) -> Files {
        build_changes(opts, &mut Memo::default(), &[]).unwrap().1
    }
    fn warnings(opts: &BuildOptions) -> Vec<String> {
        let r = build_changes(opts, &mut Memo::default(), &[]).unwrap().0;
        r.warnings.iter().map(|w| format!("{w:?}")).collect()
    }
    fn assert_same(kept: &Files, full: &Files, what: &str) {
        let mut a: Vec<&String> = kept.keys().collect();
        let mut b: Vec<&String> = full.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{what}: not the same files");
        for (k, v) in full {
            assert!(kept[k] == *v, "{what}: {k} differs from a full build");
        }
    }
    fn append(path: &Path, text: &str) {
        let mut s = read(path);
        s.push_str(text);
        std::fs::write(path, s).unwrap();
    }

    // (fixture, a page or section without shortcodes, a page with shortcodes
    // or images, whether some page can be kept: the community fixture's one
    // page shows posts, which a build always reads again)
    for (name, plain, rich, keeps) in [
        (
            "features",
            "content/tourisme/col.md",
            "content/tourisme/lac/index.md",
            true,
        ),
        (
            "cards",
            "content/tourisme/col.md",
            "content/tourisme/lac/index.md",
            true,
        ),
        (
            "community",
            "content/tourisme/_index.md",
            "content/tourisme/lac/index.md",
            false,
        ),
    ] {
        let dir = fixture(name);
        let root = &dir.path().join("site");
        let mut opts = BuildOptions::new(root);
        opts.base_url = Some("http://127.0.0.1:1111".into());
        opts.now = "2026-07-01T10:00:00Z".parse().unwrap();
        if name == "cards" {
            // A page whose card photo has no description: a warning that a
            // kept page must still give.
            let pont = root.join("content/tourisme/pont");
            std::fs::create_dir_all(&pont).unwrap();
            std::fs::copy(
                root.join("content/tourisme/lac/lac.png"),
                pont.join("pont.png"),
            )
            .unwrap();
            std::fs::write(
                pont.join("index.md"),
                "+++\ntitle = \"Le pont\"\ncover = \"pont.png\"\n+++\nLe pont.\n",
            )
            .unwrap();
        }
        let mut memo = Memo::default();
        let (first, _) = build_changes(&opts, &mut memo, &[]).unwrap();
        if name == "cards" {
            assert!(
                first.warnings.iter().any(|w| w.code == "card-alt-missing"),
                "{:?}",
                first.warnings
            );
        }
        assert_eq!(first.pages_kept, 0, "{name}: the first build keeps nothing");

        // Body edits: the other pages are kept.
        for page in [plain, rich] {
            append(&root.join(page), "\n\nUne phrase ajoutée : voilà !\n");
            let (r, files) = build_changes(&opts, &mut memo, &[root.join(page)]).unwrap();
            assert_eq!(r.pages_kept > 0, keeps, "{name}: {page} edited");
            let html = files
                .iter()
                .filter(|(k, _)| k.ends_with(".html"))
                .any(|(_, v)| String::from_utf8_lossy(v).contains("Une phrase ajoutée"));
            assert!(html, "{name}: {page}'s new text is not in the site");
            assert_same(&files, &full(&opts), &format!("{name}, body of {page}"));
            let kept: Vec<String> = r.warnings.iter().map(|w| format!("{w:?}")).collect();
            assert_eq!(kept, warnings(&opts), "{name}: warnings of {page}");
        }

        // A minute later, times may have moved on: pages are made again.
        let mut later = opts.clone();
        later.now = "2026-07-01T10:01:00Z".parse().unwrap();
        append(&root.join(plain), "\nEncore.\n");
        let (r, files) = build_changes(&later, &mut memo, &[root.join(plain)]).unwrap();
        assert_eq!(r.pages_kept, 0, "{name}: kept pages across a minute");
        assert_same(&files, &full(&later), &format!("{name}, a minute later"));

        // A template: every page is made again, from kept markdown.
        let theme_page =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/postale/templates/page.html");
        let template = root.join("templates/page.html");
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        std::fs::write(
            &template,
            read(&theme_page).replace("</article>", "<p>TEMPLATE-EDIT</p></article>"),
        )
        .unwrap();
        let (r, files) = build_changes(&later, &mut memo, std::slice::from_ref(&template)).unwrap();
        assert_eq!(r.pages_kept, 0, "{name}: a template edit keeps no page");
        assert!(
            files
                .values()
                .any(|v| String::from_utf8_lossy(v).contains("TEMPLATE-EDIT")),
            "{name}: the template edit is not in the site"
        );
        assert_same(&files, &full(&later), &format!("{name}, template"));

        // A front matter edit: a full build.
        let text = read(&root.join(plain)).replacen("title = \"", "title = \"Nouveau ", 1);
        std::fs::write(root.join(plain), text).unwrap();
        let (r, files) = build_changes(&later, &mut memo, &[root.join(plain)]).unwrap();
        assert_eq!(r.pages_kept, 0, "{name}");
        assert_same(&files, &full(&later), &format!("{name}, front matter"));

        // A failed build leaves the memory as it was; the fix builds again.
        let broken = root.join(rich);
        let good = read(&broken);
        std::fs::write(&broken, "+++\ntitle = \n+++\n").unwrap();
        assert!(build_changes(&later, &mut memo, std::slice::from_ref(&broken)).is_err());
        std::fs::write(&broken, good.replace("voilà", "voici")).unwrap();
        let (_, files) = build_changes(&later, &mut memo, std::slice::from_ref(&broken)).unwrap();
        assert_same(&files, &full(&later), &format!("{name}, after a failure"));

        // A save within the same clock tick (same size, same modification
        // time), reported relative to the root: read again all the same.
        let path = root.join(plain);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let before = read(&path);
        let edited = before.replacen("Nouveau", "NOUVEAU", 1);
        assert!(edited.len() == before.len() && edited != before);
        std::fs::write(&path, &edited).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        let (_, files) = build_changes(&later, &mut memo, &[PathBuf::from(plain)]).unwrap();
        assert!(
            files
                .values()
                .any(|v| String::from_utf8_lossy(v).contains("NOUVEAU")),
            "{name}: a same-stamp save reported by the watcher was not read"
        );
    }
}
