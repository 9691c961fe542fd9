//! Tourism data feeds made into pages: the fixture `data/feeds` (two
//! DATAtourisme places, OpenAgenda events of which one is hostile, one on
//! three dates, one cancelled and one over) and the example site (places,
//! events and a markdown page attached to its object with `data_id`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scraper::Html;
use serde_json::Value;

use crate::support::{SiteTest, assert_no_link_runs_code, example, read, select};

fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = SiteTest::from_fixture("data/feeds").output(&dir.join("public"));
        site.build().assert_success();
        site.out().to_path_buf()
    })
}

fn text_of(doc: &Html, css: &str) -> String {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['\u{a0}', '\u{202f}'], " ")
}

fn ld_types(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let raw: String = select(&doc, r#"script[type="application/ld+json"]"#)[0]
        .text()
        .collect();
    let v: Value = serde_json::from_str(&raw).unwrap();
    v["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["@type"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn every_object_has_a_page_in_the_languages_it_has_text_in() {
    let out = built();
    // The restaurant has French, English and German text; the site has
    // French and English.
    assert!(
        out.join("lieux/manger/l-auberge-du-lac/index.html")
            .is_file()
    );
    assert!(
        out.join("en/lieux/manger/l-auberge-du-lac/index.html")
            .is_file()
    );
    assert!(
        out.join("lieux/dormir/gite-des-cretes/index.html")
            .is_file()
    );
    // Events: every one, in the agenda folder.
    for slug in [
        "marche-script-alert-x-script-du-soir",
        "feu-d-artifice-annule",
        "veillee-passee",
    ] {
        assert!(
            out.join(format!("agenda/{slug}/index.html")).is_file(),
            "{slug}: {:?}",
            std::fs::read_dir(out.join("agenda")).map(|d| d.count())
        );
    }
    // An event with French text only has no English page.
    assert!(
        !out.join("en/agenda/feu-d-artifice-annule/index.html")
            .exists()
    );
}

#[test]
fn a_place_shows_its_practical_information_and_json_ld() {
    let html = read(&built().join("lieux/manger/l-auberge-du-lac/index.html"));
    let doc = Html::parse_document(&html);
    let block = text_of(&doc, "section.practical");
    for expected in [
        "2 route du Lac",
        "Orbière",
        "03 84 00 00 11",
        "Qualité Tourisme",
        "18 € – 34 €",
    ] {
        assert!(block.contains(expected), "{expected} in {block}");
    }
    assert!(ld_types(&html).contains(&"FoodEstablishment".to_string()));
    // The photo is the site's own, never the feed's host.
    assert!(
        !html.contains("medias.val-orbiere.example"),
        "the feed's media host leaks"
    );
    assert!(!select(&doc, "img.cover, .cover img, picture img").is_empty());
    // The credit and the record's producer.
    let source = text_of(&doc, ".data-source");
    assert!(
        source.contains("Office de tourisme du Val d'Orbière")
            || source.contains("Office de tourisme du Val d’Orbière"),
        "{source}"
    );
}

#[test]
fn machine_translations_are_said_and_a_missing_language_is_not_invented() {
    let html = read(&built().join("en/lieux/manger/l-auberge-du-lac/index.html"));
    let doc = Html::parse_document(&html);
    assert!(
        text_of(&doc, ".notice-translated").contains("translated by a machine"),
        "{html}"
    );
    // The French page is the producer's own words.
    let fr = Html::parse_document(&read(
        &built().join("lieux/manger/l-auberge-du-lac/index.html"),
    ));
    assert!(select(&fr, ".notice-translated").is_empty());
}

#[test]
fn hostile_text_from_a_feed_is_shown_never_run() {
    let out = built();
    let html = read(&out.join("agenda/marche-script-alert-x-script-du-soir/index.html"));
    assert!(
        !html.contains("<script>alert"),
        "a script from the feed is in the page"
    );
    let doc = Html::parse_document(&html);
    assert!(
        select(&doc, "[onerror]").is_empty(),
        "an attribute from the feed is in the page"
    );
    assert_no_link_runs_code(&doc);
    assert!(text_of(&doc, "h1").contains("<script>alert('x')</script>"));
    // Written as text, markdown is not read either.
    assert!(select(&doc, ".prose em").is_empty());
}

#[test]
fn events_of_the_feed_join_the_agenda_and_the_calendars_with_every_date() {
    let out = built();
    let ics = read(&out.join(
        "agenda/marche-script-alert-x-script-du-soir/marche-script-alert-x-script-du-soir.ics",
    ));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3, "{ics}");
    assert!(
        ics.contains("DTSTART;TZID=Europe/Paris:20260723T170000"),
        "{ics}"
    );
    let page = Html::parse_document(&read(
        &out.join("agenda/marche-script-alert-x-script-du-soir/index.html"),
    ));
    assert_eq!(select(&page, ".event-box ul.dates li").len(), 3);
    let cancelled = read(&out.join("agenda/feu-d-artifice-annule/index.html"));
    assert!(cancelled.contains("status-cancelled"));
    let agenda = read(&out.join("agenda/index.html"));
    assert!(
        agenda.contains("/agenda/marche-script-alert-x-script-du-soir/"),
        "{agenda}"
    );
    // The site's calendar has the three dates too.
    let all = std::fs::read_dir(out.join("agenda"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".ics"))
        .map(|e| read(&e.path()))
        .unwrap_or_default();
    assert!(
        all.matches("Marché").count() >= 3 || all.is_empty(),
        "{all}"
    );
}

#[test]
fn listings_by_commune_and_label() {
    let out = built();
    let commune = read(&out.join("communes/orbiere/index.html"));
    assert!(
        commune.contains("/lieux/manger/l-auberge-du-lac/"),
        "{commune}"
    );
    let labels = read(&out.join("labels/tourisme-handicap/index.html"));
    assert!(
        labels.contains("/lieux/dormir/gite-des-cretes/"),
        "{labels}"
    );
    // Cards of places say their commune.
    // `lieux/manger` has no `_index.md`: the nearest section lists its pages.
    let listing = Html::parse_document(&read(&out.join("lieux/index.html")));
    assert!(text_of(&listing, ".card .meta").contains("Orbière"));
}

#[test]
fn check_says_what_the_feeds_lack() {
    let site = SiteTest::from_fixture("data/feeds");
    let run = site.check_json();
    let v = run.json();
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    // The gîte's photo was never downloaded; the evening was last winter.
    assert!(codes.contains(&"data-no-image"), "{codes:?}");
    assert!(codes.contains(&"data-event-past"), "{codes:?}");
    let past = diags
        .iter()
        .find(|d| d["code"] == "data-event-past")
        .unwrap();
    assert!(
        past["message"].as_str().unwrap().contains("Veillée passée"),
        "{past}"
    );
    assert_eq!(past["file"], "data/agenda.json");
}

#[test]
fn a_javascript_web_address_is_an_error() {
    let site = SiteTest::from_fixture("build/base").file(
        "content/tourisme/bar.md",
        "+++\ntitle = \"Bar\"\n[place]\nweb = \" JavaScript:alert(1)\"\n+++\n",
    );
    let err = site.build().assert_failure().stderr();
    assert!(err.contains("content/tourisme/bar.md:4"), "{err}");
    assert!(err.contains("`web` is a `javascript:` address"), "{err}");
}

#[test]
fn a_broken_feed_names_the_file_and_the_json_path_and_keeps_the_previous_site() {
    let site = SiteTest::from_fixture("data/feeds");
    site.build().assert_success();
    let before = site.build().tree();
    let text = std::fs::read_to_string(site.root().join("data/agenda.json")).unwrap();
    std::fs::write(
        site.root().join("data/agenda.json"),
        text.replacen("\"latitude\": 46.59", "\"latitude\": \"nord\"", 1),
    )
    .unwrap();
    let run = site.build().assert_failure();
    let err = run.stderr();
    assert!(err.contains("data/agenda.json"), "{err}");
    assert!(err.contains("$.events[0].location.latitude"), "{err}");
    assert_eq!(
        crate::support::tree(site.out()),
        before,
        "the previous site was damaged"
    );
    // A truncated file: line and column.
    std::fs::write(
        site.root().join("data/agenda.json"),
        &text[..text.len() / 2],
    )
    .unwrap();
    let err = site.build().assert_failure().stderr();
    assert!(err.contains("data/agenda.json:"), "{err}");
}

#[test]
fn the_example_attaches_its_museum_page_to_its_object() {
    let out = example();
    let html = read(&out.join("culture/musee-de-l-horlogerie/index.html"));
    let doc = Html::parse_document(&html);
    // The writer's text, then the feed's hours and prices.
    assert!(html.contains("établi de 1880"));
    let block = text_of(&doc, "section.practical");
    assert!(block.contains("14 h"), "{block}");
    assert!(block.contains("6 €"), "{block}");
    // The example's places and events.
    assert!(
        out.join("tourisme/ou-manger/l-auberge-du-lac/index.html")
            .is_file()
    );
    assert!(
        out.join("tourisme/ou-dormir/gite-des-cretes/index.html")
            .is_file()
    );
    assert!(
        out.join("agenda/marche-des-producteurs-de-pays/index.html")
            .is_file()
    );
}

#[test]
fn apidae_and_tourinsoft_feeds_become_pages_too() {
    let site = SiteTest::from_fixture("data/formats");
    let run = site.build().assert_success();
    let out = run.out();
    let pages: Vec<(String, String)> = crate::support::tree(out)
        .into_iter()
        .filter(|(f, _)| f.ends_with("index.html"))
        .filter_map(|(f, bytes)| {
            let html = String::from_utf8(bytes).ok()?;
            let doc = Html::parse_document(&html);
            let article = select(&doc, "article[data-object]").into_iter().next()?;
            let v = article.value();
            Some((
                format!("{}:{}", v.attr("data-feed")?, v.attr("data-object")?),
                f,
            ))
        })
        .collect();
    let ids: Vec<&str> = pages.iter().map(|(id, _)| id.as_str()).collect();
    for id in [
        "apidae:9900101",
        "apidae:9900201",
        "tourinsoft:HOTVAL0990010001",
        "tourinsoft:FMAVAL0990060001",
        "tourinsoft:PCUVAL0990030001",
    ] {
        assert!(ids.contains(&id), "{id} in {pages:?}");
    }
    // The structure (an organisation) is no tourist object.
    assert_eq!(ids.iter().filter(|i| i.starts_with("apidae:")).count(), 2);
    // Events go to the agenda, with their dates.
    let (_, event) = pages.iter().find(|(id, _)| id == "apidae:9900201").unwrap();
    assert!(event.starts_with("agenda/"), "{event}");
    let html = run.read(event);
    assert!(html.contains("class=\"event-box\""), "{html}");
    // A title with markup is text.
    let (_, fete) = pages
        .iter()
        .find(|(id, _)| id == "tourinsoft:FMAVAL0990060001")
        .unwrap();
    let html = run.read(fete);
    assert!(!html.contains("<b>2026</b>"));
    assert!(html.contains("&lt;b&gt;2026&lt;/b&gt;"));
}

#[test]
fn old_addresses_of_renamed_objects_redirect_unless_a_page_lives_there() {
    let site = SiteTest::from_fixture("data/feeds").file(
        "data/renames.toml",
        "[sit]\n\"99-5d1e0a2c-3b41-4c6e-9a55-0c1f6b7e2a01\" = [\"lieux/manger/auberge-d-orbiere\", \"lieux/dormir/gite-des-cretes\"]\n",
    );
    let run = site.build().assert_success();
    for (old, new) in [
        (
            "lieux/manger/auberge-d-orbiere/index.html",
            "/lieux/manger/l-auberge-du-lac/",
        ),
        (
            "en/lieux/manger/auberge-d-orbiere/index.html",
            "/en/lieux/manger/l-auberge-du-lac/",
        ),
    ] {
        let html = run.read(old);
        assert!(html.contains(new), "{old} redirects to {new}: {html}");
    }
    // The gîte lives at the second address now: its page stays.
    let gite = run.read("lieux/dormir/gite-des-cretes/index.html");
    assert!(gite.contains("<h1"), "{gite}");
    assert!(!gite.contains("http-equiv=\"refresh\""), "{gite}");

    let broken = SiteTest::from_fixture("data/feeds")
        .file("data/renames.toml", "[sit]\n\"99-x\" = [\"../../etc\"]\n");
    let run = broken.build().assert_failure();
    assert!(
        run.stderr().contains("data/renames.toml") && run.stderr().contains("`../../etc`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn selections_pick_places_by_what_they_offer() {
    let home = "+++\ntitle = \"Accueil\"\n\
        [[selection]]\ntitle = \"Où manger\"\nkinds = [\"eat\"]\n\
        [[selection]]\ntitle = \"Accessibles\"\naccessible = true\n\
        [[selection]]\ntitle = \"À Saint-Lac\"\ncommune = \"saint lac\"\n\
        [[selection]]\ntitle = \"Labellisés Gîtes de France\"\nlabel = \"Gîtes de France\"\n\
        [[selection]]\ntitle = \"Nulle part\"\ncommune = \"Nulle-Part\"\n+++\n";
    let site = SiteTest::from_fixture("data/feeds").file("content/_index.md", home);
    let run = site.build().assert_success();
    let doc = run.html("index.html");
    let blocks: Vec<(String, Vec<String>)> = select(&doc, "section.selection")
        .iter()
        .map(|s| {
            let h2 = s
                .select(&scraper::Selector::parse("h2").unwrap())
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            let titles = s
                .select(&scraper::Selector::parse(".card h3").unwrap())
                .map(|t| t.text().collect::<String>().trim().to_string())
                .collect();
            (h2, titles)
        })
        .collect();
    assert_eq!(
        blocks,
        [
            (
                "Où manger".to_string(),
                vec!["L'Auberge du Lac".to_string()]
            ),
            ("Accessibles".into(), vec!["Gîte des Crêtes".into()]),
            ("À Saint-Lac".into(), vec!["Gîte des Crêtes".into()]),
            (
                "Labellisés Gîtes de France".into(),
                vec!["Gîte des Crêtes".into()]
            ),
        ],
        "an empty selection is left out"
    );

    let wrong = SiteTest::from_fixture("data/feeds").file(
        "content/_index.md",
        "+++\ntitle = \"Accueil\"\n[[selection]]\ntitle = \"Tout\"\nlimit = 100\n+++\n",
    );
    let run = wrong.build().assert_failure();
    assert!(
        run.stderr().contains("`limit = 100`") && run.stderr().contains("content/_index.md:5"),
        "{}",
        run.stderr()
    );
}

#[test]
fn each_text_that_falls_back_is_marked_with_its_language() {
    // A name in French only, a description in English too.
    let feed = r#"{"events": [{"uid": 7001, "title": {"fr": "La Vouivre"},
        "description": {"fr": "Un conte au bord du lac.", "en": "A tale by the lake."},
        "timings": [{"begin": "2031-07-10T20:00:00+02:00", "end": "2031-07-10T22:00:00+02:00"}],
        "location": {"name": "Plage", "city": "Orbière"}, "status": 1}]}"#;
    let run = SiteTest::from_fixture("data/feeds")
        .file("data/agenda.json", feed)
        .build()
        .assert_success();
    let en = run.html("en/agenda/la-vouivre/index.html");
    let h1 = select(&en, "article h1");
    assert_eq!(h1[0].value().attr("lang"), Some("fr"), "the name fell back");
    let lead = select(&en, "article .lead");
    assert_eq!(
        lead[0].value().attr("lang"),
        None,
        "the description is English"
    );
    assert!(select(&en, ".notice-language").is_empty());
    // The French page marks nothing.
    let fr = run.html("agenda/la-vouivre/index.html");
    assert_eq!(select(&fr, "article h1")[0].value().attr("lang"), None);
    // Nor do the English agenda's cards, but for the name.
    let agenda = run.html("en/agenda/index.html");
    let link = select(&agenda, r#".card-title a[href$="/en/agenda/la-vouivre/"]"#);
    assert_eq!(link[0].value().attr("lang"), Some("fr"));
}
