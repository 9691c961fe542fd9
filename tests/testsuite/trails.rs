//! Trail pages (`trails/bundle`, the base site with three trails): a
//! fictional loop of the Val d'Orbière with waypoints and the office's own
//! words, the real Orléans cycling loop (ODbL) whose figures are known,
//! and a KML green way without elevations; a malformed GPX and a path that
//! leaves the site.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scraper::Html;
use serde_json::Value;

use crate::support::{SiteTest, read, read_text, select};

fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = SiteTest::from_fixture("trails/bundle").output(&dir.join("public"));
        let run = site.build().assert_success();
        // The track files are used: no "unused file" warning for them.
        assert!(!run.stderr().contains("unused-file"), "{}", run.stderr());
        site.out().to_path_buf()
    })
}

fn page(path: &str) -> (String, Html) {
    let html = read(&built().join(path));
    let doc = Html::parse_document(&html);
    (html, doc)
}

/// The key facts as (term, description) pairs, in the page's order.
fn facts(doc: &Html) -> Vec<(String, String)> {
    let dl = select(doc, "section.trail dl.trail-facts");
    assert_eq!(dl.len(), 1, "one key-facts list");
    let dts: Vec<String> = select(doc, "dl.trail-facts dt")
        .iter()
        .map(read_text)
        .collect();
    let dds: Vec<String> = select(doc, "dl.trail-facts dd")
        .iter()
        .map(read_text)
        .collect();
    assert_eq!(dts.len(), dds.len());
    dts.into_iter().zip(dds).collect()
}

fn fact(doc: &Html, term: &str) -> String {
    facts(doc)
        .into_iter()
        .find(|(t, _)| t == term)
        .unwrap_or_else(|| panic!("no {term} in {:?}", facts(doc)))
        .1
}

#[test]
fn the_real_orleans_loop_shows_its_figures() {
    let (_, doc) = page("tourisme/orleans/index.html");
    assert_eq!(fact(&doc, "Distance"), "55,6 km");
    assert_eq!(fact(&doc, "Dénivelé positif"), "175 m");
    assert_eq!(fact(&doc, "Dénivelé négatif"), "177 m");
    assert_eq!(fact(&doc, "Point le plus haut"), "150 m");
    assert_eq!(fact(&doc, "Point le plus bas"), "97 m");
    assert_eq!(fact(&doc, "Parcours"), "Boucle");
    assert_eq!(fact(&doc, "Pratique"), "Vélo");
    // 55.6 km at 15 km/h and 175 m at 600 m an hour.
    assert_eq!(fact(&doc, "Durée"), "4 h (estimation)");
    // A row every 2 km (55.6 km), then the end.
    let cells = |css: &str| -> Vec<String> {
        select(&doc, &format!("figure.trail-profile tbody tr {css}"))
            .iter()
            .map(read_text)
            .collect()
    };
    let (at, ele) = (cells("td:first-child"), cells("td:last-child"));
    assert_eq!(at.len(), 29);
    assert_eq!((at[0].as_str(), ele[0].as_str()), ("0 km", "99 m"));
    assert_eq!((at[10].as_str(), ele[10].as_str()), ("20 km", "149 m"));
    assert_eq!((at[28].as_str(), ele[28].as_str()), ("55,6 km", "99 m"));
}

#[test]
fn the_loop_of_the_val_reads_in_order_with_its_steps_and_profile() {
    let (html, doc) = page("tourisme/boucle-des-fees/index.html");
    let terms: Vec<String> = facts(&doc).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        terms,
        [
            "Distance",
            "Durée",
            "Dénivelé positif",
            "Dénivelé négatif",
            "Point le plus haut",
            "Point le plus bas",
            "Difficulté",
            "Parcours",
            "Pratique",
            "Départ",
            "Stationnement",
            "Transports en commun"
        ]
    );
    assert_eq!(fact(&doc, "Distance"), "5,4 km");
    assert_eq!(fact(&doc, "Difficulté"), "Moyenne");
    assert_eq!(fact(&doc, "Parcours"), "Boucle");
    // The office's words are text, never markup.
    assert_eq!(
        fact(&doc, "Stationnement"),
        "Parking du lac, 40 places <gratuit>"
    );
    assert!(html.contains("40 places &lt;gratuit&gt;"));
    // Steps from the file's waypoints.
    let steps: Vec<String> = select(&doc, "ol.trail-steps li")
        .iter()
        .map(read_text)
        .collect();
    assert_eq!(steps, ["Belvédère des Fées", "Gorges de la Doye"]);
    // The profile: an SVG with a viewBox, named by the caption, no style.
    let svg = select(&doc, "figure.trail-profile svg.profile");
    assert_eq!(svg.len(), 1);
    let svg = svg[0].value();
    assert_eq!(svg.attr("viewBox"), Some("0 0 480 200"));
    assert_eq!(svg.attr("role"), Some("img"));
    assert_eq!(svg.attr("aria-labelledby"), Some("trail-profile-caption"));
    let caption = select(&doc, "figcaption#trail-profile-caption");
    assert!(
        read_text(&caption[0]).starts_with("Profil altimétrique : 5,4 km de 782 m à 786 m"),
        "{}",
        read_text(&caption[0])
    );
    let section = select(&doc, "section.trail")[0].html();
    assert!(!section.contains("style="), "{section}");
    // A row each kilometre, then the end.
    let rows: Vec<String> = select(&doc, "figure.trail-profile tbody tr td:first-child")
        .iter()
        .map(read_text)
        .collect();
    assert_eq!(
        rows,
        ["0 km", "1 km", "2 km", "3 km", "4 km", "5 km", "5,4 km"]
    );
    // JSON-LD: a TouristTrip along the start and the steps.
    let scripts = select(&doc, r#"script[type="application/ld+json"]"#);
    let raw: String = scripts[0].text().collect();
    let v: Value = serde_json::from_str(&raw).unwrap();
    let trip = v["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["@type"] == "TouristTrip")
        .unwrap_or_else(|| panic!("no TouristTrip in {raw}"));
    let stops = trip["itinerary"]["itemListElement"].as_array().unwrap();
    assert_eq!(stops.len(), 3);
    assert_eq!(stops[0]["item"]["name"], "Parking du lac d'Orbière");
    assert_eq!(stops[1]["item"]["name"], "Belvédère des Fées");
    assert_eq!(stops[1]["item"]["geo"]["latitude"], 46.603);
}

#[test]
fn a_track_without_elevations_says_so_instead_of_a_profile() {
    let (_, doc) = page("tourisme/voie-verte/index.html");
    assert!(select(&doc, "figure.trail-profile").is_empty());
    let said: Vec<String> = select(&doc, "p.trail-no-profile")
        .iter()
        .map(read_text)
        .collect();
    assert_eq!(
        said,
        ["Le fichier du parcours ne donne pas d’altitudes : pas de profil altimétrique."]
    );
    assert_eq!(fact(&doc, "Parcours"), "Aller simple");
    assert!(facts(&doc).iter().all(|(t, _)| t != "Dénivelé positif"));
}

#[test]
fn a_malformed_gpx_names_its_file_and_line_and_keeps_the_previous_site() {
    let good = SiteTest::from_fixture("build/base");
    good.build().assert_success();
    let before = crate::support::tree(good.out());
    let o = SiteTest::from_fixture("trails/bad-gpx")
        .output(good.out())
        .build()
        .assert_failure();
    let err = o.stderr();
    assert!(
        err.contains("content/tourisme/boucle/boucle.gpx:5"),
        "{err}"
    );
    assert!(err.contains("lon=\"abc\" is not a number"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(crate::support::tree(good.out()), before);
}

#[test]
fn a_trail_outside_the_site_is_refused() {
    let o = SiteTest::from_fixture("trails/outside")
        .build()
        .assert_failure();
    let err = o.stderr();
    assert!(err.contains("content/tourisme/boucle/index.md"), "{err}");
    assert!(err.contains("leaves the site folder"), "{err}");
}
