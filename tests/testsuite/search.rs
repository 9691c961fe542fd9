//! Search: the index files of the build, the results page and the header
//! field, and the theme's own script (search.js) run in Node on the built
//! example to search it (tests/search/harness.cjs); the facets of places
//! on the fixture `search/places`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::support::{SiteTest, example, read, select};

const EXAMPLE_BASE: &str = "https://www.val-orbiere.example";

/// The manifest address a results page gives its script.
fn manifest_of(out: &Path, page: &str) -> String {
    let html = scraper::Html::parse_document(&read(&out.join(page)));
    let found = select(&html, "#search[data-index]");
    assert_eq!(found.len(), 1, "{page}: one #search with its index");
    found[0].value().attr("data-index").unwrap().to_string()
}

/// Runs the harness on `queries` (JSON) on the example: its answers.
fn search(out: &Path, manifest: &str, queries: &serde_json::Value) -> Vec<serde_json::Value> {
    search_site(out, EXAMPLE_BASE, manifest, 3, queries)
}

/// Runs the harness on `queries` (JSON) on the site built in `out` with
/// `base` as its address, keeping the `top` first results of each.
fn search_site(
    out: &Path,
    base: &str,
    manifest: &str,
    top: usize,
    queries: &serde_json::Value,
) -> Vec<serde_json::Value> {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/harness.cjs");
    let mut child = Command::new("node")
        .arg(harness)
        .arg(out)
        .arg(base)
        .arg(manifest)
        .arg(top.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node (v18 or later) runs the search script in this test");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(queries.to_string().as_bytes())
        .unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "the harness failed: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&done.stdout).unwrap()
}

fn assert_first(answers: &[serde_json::Value], expected: &[(&str, &str)]) {
    for ((q, want), a) in expected.iter().zip(answers) {
        assert_eq!(a["q"], *q);
        assert_eq!(
            a["urls"][0], *want,
            "« {q} » should find {want} first: {}",
            a["urls"]
        );
    }
}

#[test]
fn the_script_finds_the_expected_page_first_with_accents_typos_and_plurals() {
    let out = example();
    let expected = [
        ("marché", "/agenda/marche-du-samedi/"),
        ("marche samedi", "/agenda/marche-du-samedi/"),
        ("belvedere fees", "/tourisme/belvedere-des-fees/"),
        ("sante", "/qualite-de-vie/sante/"),
        ("l'horlogerie", "/culture/musee-de-l-horlogerie/"),
        ("fromagerie", "/tourisme/fromageries/"),
        ("lanterne", "/culture/festival-des-lanternes/"),
        ("jardin partage", "/qualite-de-vie/jardins-partages/"),
        (
            "pepinieres entreprise",
            "/economie/pepiniere-d-entreprises/",
        ),
        ("chappelle", "/culture/chapelle-saint-aubin/"),
        ("horlogrie", "/culture/musee-de-l-horlogerie/"),
        ("gorges doye", "/tourisme/gorges-de-la-doye/"),
    ];
    let queries: Vec<&str> = expected.iter().map(|(q, _)| *q).collect();
    let answers = search(
        out,
        &manifest_of(out, "recherche/index.html"),
        &serde_json::json!(queries),
    );
    assert_first(&answers, &expected);
    // The word being typed is the beginning of longer ones.
    let typing = search(
        out,
        &manifest_of(out, "recherche/index.html"),
        &serde_json::json!([{"q": "fromag", "typing": true}, {"q": "fromag"}]),
    );
    assert_eq!(typing[0]["urls"][0], "/tourisme/fromageries/");
    assert_eq!(typing[1]["count"], 0, "a whole word is not a beginning");
    // Each language has its own index, with its own stemmer.
    let en = search(
        out,
        &manifest_of(out, "en/search/index.html"),
        &serde_json::json!(["markets", "lanterns festival", "lake"]),
    );
    assert_first(
        &en,
        &[
            ("markets", "/en/agenda/marche-du-samedi/"),
            ("lanterns festival", "/en/culture/festival-des-lanternes/"),
            ("lake", "/en/tourisme/lac-d-orbiere/"),
        ],
    );
}

#[test]
fn excerpts_mark_the_words_found_whatever_their_accents() {
    let out = example();
    let answers = search(
        out,
        &manifest_of(out, "recherche/index.html"),
        &serde_json::json!(["lanternes"]),
    );
    let marked: Vec<&str> = answers[0]["excerpt"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|part| part[1] == true)
        .map(|part| part[0].as_str().unwrap())
        .collect();
    assert!(
        marked.iter().any(|m| m.eq_ignore_ascii_case("lanternes")),
        "{marked:?}"
    );
}

#[test]
fn a_query_reads_a_few_small_files() {
    let out = example();
    let answers = search(
        out,
        &manifest_of(out, "recherche/index.html"),
        &serde_json::json!(["marché du samedi"]),
    );
    // Manifest, two shards, three result files.
    let files = answers[0]["files"].as_u64().unwrap();
    assert!(files <= 6, "{files} files");
    assert!(answers[0]["bytes"].as_u64().unwrap() < 40_000);
}

#[test]
fn pages_have_the_header_field_and_each_language_its_results_page() {
    let out = example();
    let home = scraper::Html::parse_document(&read(&out.join("index.html")));
    let form = select(&home, "header form.header-search[role=search]");
    assert_eq!(form.len(), 1);
    // Without the script, the field leads to the site map.
    assert_eq!(
        form[0].value().attr("action"),
        Some("https://www.val-orbiere.example/plan-du-site/")
    );
    assert_eq!(
        form[0].value().attr("data-search"),
        Some("https://www.val-orbiere.example/recherche/")
    );
    assert_eq!(select(&home, "label[for=header-q]").len(), 1);
    assert_eq!(select(&home, "script[src$='/search.js']").len(), 1);
    let page = scraper::Html::parse_document(&read(&out.join("recherche/index.html")));
    assert_eq!(select(&page, "[role=status][aria-live=polite]").len(), 1);
    assert_eq!(select(&page, "meta[name=robots][content=noindex]").len(), 1);
    // (A parser that runs scripts reads <noscript> as text: the markup is checked.)
    let raw = read(&out.join("recherche/index.html"));
    let noscript = &raw[raw.find("<noscript>").unwrap()..raw.find("</noscript>").unwrap()];
    assert!(noscript.contains("href=\"https://www.val-orbiere.example/plan-du-site/\""));
    assert!(out.join("en/search/index.html").is_file());
    assert!(out.join("search.js").is_file());
    // Every index file is named by its content (or sits in a folder that is).
    let manifest = manifest_of(out, "recherche/index.html");
    let name = manifest.rsplit('/').next().unwrap();
    let bytes = std::fs::read(
        out.join(
            manifest
                .trim_start_matches(EXAMPLE_BASE)
                .trim_start_matches('/'),
        ),
    )
    .unwrap();
    let hash = blake3::hash(&bytes).to_hex()[..16].to_string();
    assert_eq!(name, format!("manifest.{hash}.json"));
}

#[test]
fn search_can_be_turned_off() {
    let b = SiteTest::from_fixture("search/off")
        .build()
        .assert_success();
    assert!(!b.out().join("search-index").exists());
    assert!(!b.out().join("search/index.html").exists());
    let home = b.html("index.html");
    assert!(select(&home, "form.header-search").is_empty());
    assert!(select(&home, "script[src$='/search.js']").is_empty());
}

#[test]
fn the_report_counts_the_index_and_check_warns_about_what_search_cannot_do() {
    let site = SiteTest::from_fixture("search/unfindable");
    let (_, report) = site.build_with_report();
    assert!(report["stages_ms"]["search"].is_number());
    let search = &report["search"];
    assert!(search["documents"].as_u64().unwrap() >= 3, "{search}");
    assert!(search["terms"].as_u64().unwrap() > 0);
    assert!(search["files"].as_u64().unwrap() > 3);
    assert!(search["bytes"].as_u64().unwrap() > 0);
    let check = site.check_json();
    let diags = check.json();
    let list = diags["diagnostics"].as_array().unwrap();
    let find = |code: &str| {
        list.iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {diags}"))
    };
    let unfindable = find("search-unfindable");
    assert_eq!(unfindable["file"], "content/tourisme/vide.md");
    assert_eq!(unfindable["severity"], "warning");
    let stemmer = find("search-no-stemmer");
    assert!(stemmer["message"].as_str().unwrap().contains("`eu`"));
    // The pages with text are not named.
    assert_eq!(
        list.iter()
            .filter(|d| d["code"] == "search-unfindable")
            .count(),
        1
    );
}

const PLACES_BASE: &str = "https://www.example-territoire.fr";

/// The fixture `search/places`, built once for the tests of facets.
fn places() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = SiteTest::from_fixture("search/places").output(&dir.join("public"));
        site.build().assert_success();
        site.out().to_path_buf()
    })
}

/// The facets the script reads for the result at `url` of an answer.
fn facets_of<'a>(answer: &'a serde_json::Value, url: &str) -> &'a serde_json::Value {
    let urls = answer["urls"].as_array().unwrap();
    let at = urls
        .iter()
        .position(|u| u == url)
        .unwrap_or_else(|| panic!("« {} » does not find {url}: {urls:?}", answer["q"]));
    &answer["facets"][at]
}

#[test]
fn places_are_faceted_by_type_commune_and_accessibility() {
    let out = places();
    let manifest = manifest_of(out, "recherche/index.html");
    let file = out.join(
        manifest
            .trim_start_matches(PLACES_BASE)
            .trim_start_matches('/'),
    );
    let m: serde_json::Value = serde_json::from_str(&read(&file)).unwrap();
    // Each value once in a small table: the types as the pages show them
    // (the garden has a category only, the events come from OpenAgenda,
    // the gîte des Crêtes from DATAtourisme), hostile text kept as text.
    assert_eq!(
        m["types"],
        serde_json::json!([
            "Bar <b>de nuit</b>",
            "Événement",
            "Gîte",
            "Lieu de visite",
            "Meublés de tourisme",
            "Musée"
        ])
    );
    assert_eq!(m["communes"], serde_json::json!(["Orbière", "Saint-Lac"]));
    let access: Vec<&str> = m["access"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a[0].as_str().unwrap())
        .collect();
    assert_eq!(
        access,
        ["motor", "hearing", "visual", "mental", "reduced_mobility"]
    );
    assert_eq!(m["access"][0][1], "Handicap moteur");
    // Pages carry numbers into the tables: a few characters each.
    let codes = m["facets"].as_str().unwrap();
    assert_eq!(codes.len() % m["pages"].as_u64().unwrap() as usize, 0);
    assert!(
        codes.len() <= 6 * m["pages"].as_u64().unwrap() as usize,
        "{codes}"
    );

    // The theme's script reads each page's values back.
    let answers = search_site(
        out,
        PLACES_BASE,
        &manifest,
        20,
        &serde_json::json!(["saint-lac", "jardin sources", "pomme"]),
    );
    let museum = facets_of(&answers[0], "/tourisme/musee/");
    assert_eq!(museum["type"], serde_json::json!(["Musée"]));
    assert_eq!(museum["commune"], serde_json::json!(["Saint-Lac"]));
    assert_eq!(museum["access"].as_array().unwrap().len(), 5);
    let gite = facets_of(&answers[0], "/tourisme/gite-des-cretes/");
    assert_eq!(gite["type"], serde_json::json!(["Meublés de tourisme"]));
    assert_eq!(gite["commune"], serde_json::json!(["Saint-Lac"]));
    assert_eq!(
        gite["access"],
        serde_json::json!([
            "Handicap moteur",
            "Handicap auditif",
            "Accessible aux personnes à mobilité réduite"
        ])
    );
    let fountain = facets_of(&answers[0], "/tourisme/fontaine/");
    assert_eq!(fountain["type"], serde_json::json!([]));
    assert_eq!(fountain["commune"], serde_json::json!([]));
    let garden = facets_of(&answers[1], "/tourisme/jardin/");
    assert_eq!(garden["type"], serde_json::json!(["Lieu de visite"]));
    assert_eq!(garden["commune"], serde_json::json!(["Orbière"]));
    assert_eq!(
        garden["access"],
        serde_json::json!(["Accessible aux personnes à mobilité réduite"])
    );
    let fete = &answers[2]["facets"][0];
    assert_eq!(fete["type"], serde_json::json!(["Événement"]));
    assert_eq!(fete["commune"], serde_json::json!(["Orbière"]));
    assert!(!fete["access"].as_array().unwrap().is_empty(), "{fete}");

    // Each language names its values: the English museum is a Museum.
    let en = search_site(
        out,
        PLACES_BASE,
        &manifest_of(out, "en/search/index.html"),
        10,
        &serde_json::json!(["museum"]),
    );
    let museum = facets_of(&en[0], "/en/tourisme/musee/");
    assert_eq!(museum["type"], serde_json::json!(["Museum"]));
    assert_eq!(museum["access"][0], "Motor impairment");
}

#[test]
fn the_results_page_has_a_hidden_filter_for_each_place_facet() {
    let out = places();
    for (page, labels) in [
        (
            "recherche/index.html",
            ["Type", "Communes", "Accessibilité"],
        ),
        (
            "en/search/index.html",
            ["Type", "Towns and villages", "Accessibility"],
        ),
    ] {
        let html = scraper::Html::parse_document(&read(&out.join(page)));
        for (name, label) in ["type", "commune", "access"].iter().zip(labels) {
            let found = select(
                &html,
                &format!(".search-filters label[hidden] select[name={name}]"),
            );
            assert_eq!(
                found.len(),
                1,
                "{page}: a {name} filter, hidden until a result has a value"
            );
            let text: String = found[0]
                .parent()
                .and_then(scraper::ElementRef::wrap)
                .unwrap()
                .text()
                .collect();
            assert!(text.trim_start().starts_with(label), "{page}: {text}");
        }
    }
}
