//! The site's own data as open data (`[open_data]`, docs/trails.md): the
//! `schema_randonnee` feed of the `trails/feed` fixture (eight real
//! Cévennes trails) comes back out as the site's `schema_randonnee` file,
//! with its places and events as GeoJSON points; nothing is published
//! without a licence.

use serde_json::Value;

use crate::support::{SiteTest, read};

const OPEN_DATA: &str = "\n[open_data]\nlicense = \"Licence Ouverte / Etalab 2.0\"\nproducer = \"Office de tourisme test\"\n";

fn with_open_data(fixture: &str) -> SiteTest {
    let site = SiteTest::from_fixture(fixture);
    let toml = read(&site.root().join("blason.toml"));
    site.file("blason.toml", format!("{toml}{OPEN_DATA}"))
}

fn json(path: &std::path::Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// What schema_randonnee requires of each feature's properties, and the
/// values two of its fields may take (its schema.json).
const REQUIRED: [&str; 7] = [
    "id_local",
    "producteur",
    "nom_itineraire",
    "pratique",
    "depart",
    "arrivee",
    "instructions",
];
const PRACTICES: [&str; 10] = [
    "pédestre",
    "trail",
    "VTT",
    "cyclo",
    "gravel",
    "équestre",
    "ski de fond",
    "ski de rando",
    "raquettes",
    "autre",
];
const KINDS: [&str; 5] = [
    "aller-retour",
    "boucle",
    "aller simple",
    "itinérance",
    "étape",
];

#[test]
fn a_trail_feed_comes_back_out_as_the_sites_schema_randonnee_file() {
    let site = with_open_data("trails/feed");
    site.build().assert_success();
    let input = json(&site.root().join("data/rando.json"));
    let out = json(&site.out().join("donnees/randonnees.geojson"));
    assert_eq!(out["type"], "FeatureCollection");
    assert_eq!(out["licence"], "Licence Ouverte / Etalab 2.0");
    let features = out["features"].as_array().unwrap();
    let inputs = input["features"].as_array().unwrap();
    assert_eq!(features.len(), inputs.len(), "one feature per trail");
    for f in features {
        let p = &f["properties"];
        for key in REQUIRED {
            assert!(p[key].is_string(), "{key} in {p}");
        }
        assert_eq!(p["producteur"], "Office de tourisme test");
        assert!(PRACTICES.contains(&p["pratique"].as_str().unwrap()), "{p}");
        assert!(
            KINDS.contains(&p["type_itineraire"].as_str().unwrap()),
            "{p}"
        );
        assert!(
            p["url"]
                .as_str()
                .unwrap()
                .starts_with("https://www.example-territoire.fr/"),
            "{p}"
        );
        // The line: at least two points, longitude first, in range.
        assert_eq!(f["geometry"]["type"], "LineString");
        let line = f["geometry"]["coordinates"].as_array().unwrap();
        assert!(line.len() >= 2);
        for c in line {
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (3.0..5.0).contains(&lon) && (43.5..45.0).contains(&lat),
                "{c}"
            );
        }
        // The trail the feed gave, by its name: the same figures.
        let name = p["nom_itineraire"].as_str().unwrap();
        let given = inputs
            .iter()
            .map(|i| &i["properties"])
            .find(|i| i["nom_itineraire"] == name)
            .unwrap_or_else(|| panic!("{name} is not in the feed"));
        assert_eq!(p["pratique"], given["pratique"], "{name}");
        assert_eq!(p["type_itineraire"], given["type_itineraire"], "{name}");
        let (ours, theirs) = (
            p["longueur"].as_f64().unwrap(),
            given["longueur"].as_f64().unwrap(),
        );
        assert!(
            (ours - theirs).abs() <= theirs * 0.01,
            "{name}: {ours} m, {theirs} m"
        );
        assert!(
            p["denivele_negatif"].as_f64().is_none_or(|d| d <= 0.0),
            "{p}"
        );
    }
    // The fixture's places and events with coordinates are points.
    let places = json(&site.out().join("donnees/lieux.geojson"));
    let points = places["features"].as_array().unwrap();
    assert!(!points.is_empty());
    for f in points {
        assert_eq!(f["geometry"]["type"], "Point");
        let kind = f["properties"]["type"].as_str().unwrap();
        assert!(kind == "lieu" || kind == "événement", "{f}");
        if kind == "événement" {
            assert!(f["properties"]["debut"].is_string(), "{f}");
        }
    }
    // Byte-identical from one build to the next.
    let first = std::fs::read(site.out().join("donnees/randonnees.geojson")).unwrap();
    site.build().assert_success();
    assert_eq!(
        first,
        std::fs::read(site.out().join("donnees/randonnees.geojson")).unwrap()
    );
}

#[test]
fn without_a_licence_nothing_is_published_and_a_producer_alone_is_an_error() {
    let site = SiteTest::from_fixture("trails/feed");
    site.build().assert_success();
    assert!(!site.out().join("donnees").exists());
    let toml = read(&site.root().join("blason.toml"));
    let site = site.file(
        "blason.toml",
        format!("{toml}\n[open_data]\nproducer = \"Office\"\n"),
    );
    let run = site.build().assert_failure();
    assert!(run.stderr().contains("no licence"), "{}", run.stderr());
}

#[test]
fn a_tour_known_only_by_its_declared_figures_is_not_an_empty_line() {
    // The DATAtourisme tour before `sync` brings its GPX: a trail page with
    // figures and no track. GeoJSON has no empty line: no trail to publish.
    let site = with_open_data("trails/tour");
    site.build().assert_success();
    assert!(site.out().join("balades").is_dir());
    assert!(
        !site.out().join("donnees/randonnees.geojson").exists(),
        "{:?}",
        std::fs::read_dir(site.out().join("donnees")).map(|d| d.count())
    );
}
