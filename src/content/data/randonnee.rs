//! `schema_randonnee`: the national schema of walking, cycling and riding
//! trails (PnX-SI/schema_randonnee, published on schema.data.gouv.fr and
//! written by Geotrek among others): a GeoJSON `FeatureCollection` whose
//! features are `LineString`s in WGS84 with the trail's properties. One
//! feature is one [`Object`] of category `tour` carrying its track, so
//! that `pages` makes it a trail page (`content::trail`).
//!
//! What a feature gives:
//!
//! | object | properties |
//! |---|---|
//! | `id` | `id_local` (else `uuid`) |
//! | `name` | `nom_itineraire` |
//! | `short`, `description` | `presentation_courte`; `presentation` then `instructions` (HTML made plain text) |
//! | `type_label`, `tour.activity` | `pratique`: `pédestre`, `trail`, `raquettes` walking; `cyclo`, `gravel` cycling; `VTT` mountain biking; `équestre` horse riding (`ski de fond`, `ski de rando`, `autre`: the time rule of walking, and no activity shown beyond the type) |
//! | `tour.is_loop`, `tour.out_and_back` | `type_itineraire`: `boucle`; `aller-retour`; `aller simple`, `itinérance`, `étape` one way |
//! | `tour.distance_m`, `duration_min` | `longueur` (m), `duree` (hours) |
//! | `tour.ascent_m`, `descent_m`, `highest_m`, `lowest_m` | `denivele_positif`, `denivele_negatif` (written negative), `altitude_max`, `altitude_min` |
//! | `tour.difficulty` | `difficulte`: "Très facile", "Facile", "Moyen(ne)", "Difficile", "Très difficile" (other scales: not shown) |
//! | `tour.start`, `parking`, `transport`, `road_access`, `accessibility`, `waymarking`, `advice` | `depart`, `parking_info`, `transports_commun` (or `transports`, its name before version 1.1), `acces_routier`, `accessibilite`, `balisage`, `recommandations` |
//! | `tour.track` | `geometry` (`LineString` or `MultiLineString`) |
//! | `commune`, `insee` | the first of `communes_nom`, `communes_code` |
//! | `lat`, `lon` | the track's first point |
//! | `web`, `emails`, `producer`, `updated` | `url`, `contact`, `producteur`, `date_modification` |
//! | `images` | `medias` of `type_media` `image`: `url`, `titre`, `auteur` and `licence` as the credit |
//!
//! The texts are French (the schema's language). Those written in HTML
//! (Geotrek writes `<p>` and `&eacute;`) are made plain text; the page
//! escapes what is left. The `crs`, when given, must be WGS84 (`CRS84`
//! or EPSG:4326): coordinates in another system are an error, not a
//! trail in the sea.

use serde_json::Value;

use super::fields::{Fields, each_of, strip_html};
use super::json::{self, Node};
use super::source::ReadResult;
use super::{Image, Object, Texts, Tour};
use crate::content::practical::Category;
use crate::content::trail::Difficulty;
use crate::geo::Activity;

/// Reads one schema_randonnee file.
pub fn read(bytes: &[u8], file: &str) -> ReadResult {
    let root = json::parse(bytes, file).map_err(|e| vec![e])?;
    let mut fields = Fields::new(file);
    let node = Node::root(&root);
    let kind = root.get("type").and_then(Value::as_str);
    if kind != Some("FeatureCollection") {
        fields.error(
            node,
            "expected a GeoJSON FeatureCollection of trails (schema_randonnee)",
        );
        return fields.finish(Vec::new());
    }
    if let Some(crs) = root
        .get("crs")
        .and_then(|c| c.get("properties"))
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        && !(crs.ends_with("CRS84") || crs.ends_with("4326"))
    {
        json::with_key(node, "crs", |n| {
            fields.error(
                n,
                format_args!(
                    "the coordinates are in `{crs}`; schema_randonnee wants WGS84 (longitude, latitude in degrees, EPSG:4326)"
                ),
            )
        });
        return fields.finish(Vec::new());
    }
    let mut objects = Vec::new();
    each_of(
        &mut fields,
        node,
        "features",
        "a list of trails",
        |f, feature| objects.extend(trail(f, feature)),
    );
    fields.finish(objects)
}

/// One feature, or nothing when it is too broken to show.
fn trail(f: &mut Fields<'_>, feature: Node<'_>) -> Option<Object> {
    if !f.object(feature, "a trail (a GeoJSON Feature)") {
        return None;
    }
    let mut o = Object {
        category: Category::Tour,
        file: f.file.to_string(),
        pointer: feature.path(),
        ..Object::default()
    };
    let mut track = crate::geo::Track::default();
    let geometry = json::with_key(feature, "geometry", |g| {
        if g.value.is_null() {
            f.error(g, "a trail without a geometry");
            return false;
        }
        match crate::geo::geojson::geometry(g.value, &g.path(), "", &mut track) {
            Ok(()) if track.segments.iter().any(|s| s.len() >= 2) => true,
            Ok(()) => {
                f.error(g, "expected a LineString of two points or more");
                false
            }
            Err((path, message)) => {
                f.push(
                    crate::error::Diagnostic::error("data", format!("{path}: {message}"))
                        .file(f.file)
                        .help("the geometry of a trail is a LineString of [longitude, latitude] positions in WGS84"),
                );
                false
            }
        }
    });
    if geometry != Some(true) {
        if geometry.is_none() {
            f.error(feature, "a trail without a `geometry`");
        }
        return None;
    }
    let mut path = None;
    let Some(props) = super::fields::child(feature, "properties", &mut path) else {
        f.error(feature, "a trail without `properties`");
        return None;
    };
    if !f.object(props, "the trail's properties (an object)") {
        return None;
    }
    match f
        .key_text(props, "id_local")
        .or_else(|| f.key_text(props, "uuid"))
    {
        Some(id) => o.id = id,
        None => {
            f.error(props, "a trail without `id_local`");
            return None;
        }
    }
    let fr =
        |t: Option<String>| -> Texts { t.into_iter().map(|t| ("fr".to_string(), t)).collect() };
    let html = |f: &mut Fields<'_>, key: &str| -> Option<String> {
        f.key_text(props, key)
            .map(|t| strip_html(&t))
            .filter(|t| !t.is_empty())
    };
    match f.key_text(props, "nom_itineraire") {
        Some(name) => o.name = fr(Some(name)),
        None => f.error(props, "a trail without `nom_itineraire`"),
    }
    o.short = fr(html(f, "presentation_courte"));
    let long: Vec<String> = [html(f, "presentation"), html(f, "instructions")]
        .into_iter()
        .flatten()
        .collect();
    o.description = fr((!long.is_empty()).then(|| long.join("\n\n")));
    let pratique = f.key_text(props, "pratique");
    let (activity, label) = pratique.as_deref().map_or((None, None), practice);
    o.types = pratique.into_iter().collect();
    if let Some((fr_label, en_label)) = label {
        o.type_label = [("fr", fr_label), ("en", en_label)]
            .into_iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect();
    }
    let kind = f.key_text(props, "type_itineraire");
    let metres = |f: &mut Fields<'_>, key: &str| {
        f.key_number(props, key)
            .filter(|n| n.is_finite())
            .map(f64::abs)
    };
    let tour = Tour {
        distance_m: metres(f, "longueur").filter(|m| *m > 0.0),
        ascent_m: metres(f, "denivele_positif"),
        descent_m: metres(f, "denivele_negatif"),
        highest_m: f.key_number(props, "altitude_max"),
        lowest_m: f.key_number(props, "altitude_min"),
        duration_min: f
            .key_number(props, "duree")
            .filter(|h| h.is_finite() && *h > 0.0 && *h < 24.0 * 60.0)
            .map(|h| (h * 60.0).round() as u32),
        is_loop: kind.as_deref().map(|k| k == "boucle"),
        out_and_back: kind.as_deref() == Some("aller-retour"),
        activity,
        difficulty: f.key_text(props, "difficulte").and_then(|d| difficulty(&d)),
        start: f.key_text(props, "depart"),
        parking: html(f, "parking_info"),
        transport: html(f, "transports_commun").or_else(|| html(f, "transports")),
        road_access: html(f, "acces_routier"),
        accessibility: html(f, "accessibilite"),
        waymarking: html(f, "balisage"),
        advice: html(f, "recommandations"),
        track: Some(track),
        ..Tour::default()
    };
    let first = |t: Option<String>| {
        t.and_then(|t| {
            t.split(',')
                .map(str::trim)
                .find(|s| !s.is_empty())
                .map(String::from)
        })
    };
    o.commune = first(f.key_text(props, "communes_nom"));
    o.insee = first(f.key_text(props, "communes_code"));
    if let Some(p) = tour.track.as_ref().and_then(|t| t.points().next()) {
        (o.lat, o.lon) = (Some(p.lat), Some(p.lon));
    }
    o.web = f.key_text(props, "url");
    // `contact` is free text in the schema: kept only when it is an address.
    o.emails = f
        .key_text(props, "contact")
        .filter(|c| crate::url::is_email(c.trim()))
        .into_iter()
        .collect();
    o.producer = f.key_text(props, "producteur");
    o.updated = f
        .key_date(props, "date_modification")
        .or_else(|| f.key_date(props, "date_creation"));
    each_of(f, props, "medias", "a list of media", |f, m| {
        if !f.object(m, "a media (an object)") {
            return;
        }
        let image = f
            .key_text(m, "type_media")
            .is_none_or(|t| t.eq_ignore_ascii_case("image"));
        let Some(url) = f.key_text(m, "url").filter(|_| image) else {
            return;
        };
        let credit = [f.key_text(m, "auteur"), f.key_text(m, "licence")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        o.images.push(Image {
            url,
            credit: (!credit.is_empty()).then_some(credit),
            title: fr(f.key_text(m, "titre")),
            until: None,
        });
    });
    o.tour = Some(tour);
    Some(o)
}

/// The activity of a `pratique`, and the type as a visitor reads it.
fn practice(p: &str) -> (Option<Activity>, Option<(&'static str, &'static str)>) {
    match p.trim().to_lowercase().as_str() {
        "pédestre" | "pedestre" => (
            Some(Activity::Walking),
            Some(("Randonnée pédestre", "Walking trail")),
        ),
        "trail" => (Some(Activity::Walking), Some(("Trail", "Trail running"))),
        "raquettes" => (
            Some(Activity::Walking),
            Some(("Randonnée en raquettes", "Snowshoe trail")),
        ),
        "vtt" => (
            Some(Activity::Mtb),
            Some(("Itinéraire VTT", "Mountain bike trail")),
        ),
        "cyclo" => (
            Some(Activity::Cycling),
            Some(("Itinéraire cyclable", "Cycling route")),
        ),
        "gravel" => (
            Some(Activity::Cycling),
            Some(("Itinéraire gravel", "Gravel route")),
        ),
        "équestre" | "equestre" => (
            Some(Activity::Horse),
            Some(("Randonnée équestre", "Horse riding trail")),
        ),
        "ski de fond" => (None, Some(("Ski de fond", "Cross-country skiing"))),
        "ski de rando" => (None, Some(("Ski de randonnée", "Ski touring"))),
        _ => (None, Some(("Itinéraire de randonnée", "Trail"))),
    }
}

/// The grade of a `difficulte` written on the common French scale,
/// whatever its accents, case, hyphens or spaces.
fn difficulty(d: &str) -> Option<Difficulty> {
    Some(match crate::slug::slugify(d).as_str() {
        "tres-facile" => Difficulty::VeryEasy,
        "facile" => Difficulty::Easy,
        "moyen" | "moyenne" | "intermediaire" => Difficulty::Medium,
        "difficile" => Difficulty::Hard,
        "tres-difficile" => Difficulty::VeryHard,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::figures::figures;

    const SAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trails/samples/schema-randonnee-cevennes.json"
    );

    fn errors(json: &str) -> Vec<String> {
        read(json.as_bytes(), "data/rando.json")
            .unwrap_err()
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn the_cevennes_trails_read_with_their_figures_and_texts() {
        let bytes = std::fs::read(SAMPLE).unwrap();
        let objects = read(&bytes, "data/rando.json").unwrap();
        assert_eq!(objects.len(), 8);
        let o = &objects[0];
        assert_eq!(o.id, "37959");
        assert_eq!(o.pointer, "$.features[0]");
        assert_eq!(o.category, Category::Tour);
        assert_eq!(o.name["fr"], "Sentier de Coudoulous");
        assert_eq!(o.type_label["fr"], "Randonnée pédestre");
        assert_eq!(o.commune.as_deref(), Some("Chamborigaud"));
        assert_eq!(o.insee.as_deref(), Some("30080"));
        assert_eq!(
            o.producer.as_deref(),
            Some("SIVOM sources du Tarn et mont-Lozère")
        );
        assert_eq!(
            o.updated.map(|d| d.to_string()).as_deref(),
            Some("2021-06-03")
        );
        // HTML made text: entities decoded, paragraphs kept, no tag.
        let d = &o.description["fr"];
        assert!(d.starts_with("Le sentier de Coudoulous offre"), "{d}");
        assert!(d.contains("• "), "{d}");
        assert!(!d.contains('<') && !d.contains("&eacute;"), "{d}");
        assert_eq!(o.images.len(), 1);
        assert_eq!(
            o.images[0].credit.as_deref(),
            Some("© Laurent Bélier, CC-BY-SA-ND")
        );
        let t = o.tour.as_ref().unwrap();
        assert_eq!(t.distance_m, Some(2484.0));
        assert_eq!((t.ascent_m, t.descent_m), (Some(107.0), Some(108.0)));
        assert_eq!((t.highest_m, t.lowest_m), (Some(759.0), Some(707.0)));
        assert_eq!(t.duration_min, Some(90));
        assert_eq!(t.is_loop, Some(true));
        assert_eq!(t.activity, Some(Activity::Walking));
        assert_eq!(t.difficulty, Some(Difficulty::VeryEasy));
        assert_eq!(t.start.as_deref(), Some("Parking"));
        assert_eq!(
            t.parking.as_deref(),
            Some("Parking en bordure de la route des crêtes (D 35)")
        );
        assert_eq!(t.waymarking.as_deref(), Some("Interprétation"));
        assert!(
            t.advice
                .as_deref()
                .unwrap()
                .starts_with("Par temps de pluie")
        );
        assert!(t.road_access.as_deref().unwrap().contains("D 35 en Lozère"));
        assert_eq!(t.transport, None, "an empty text is none");
        let track = t.track.as_ref().unwrap();
        assert_eq!(track.point_count(), 91);
        assert_eq!((o.lat, o.lon), (Some(44.288937), Some(3.938679)));
        // Mountain biking, and transport under the field's old name.
        let vtt = &objects[4];
        assert_eq!(vtt.tour.as_ref().unwrap().activity, Some(Activity::Mtb));
        assert_eq!(vtt.type_label["en"], "Mountain bike trail");
        let bus = &objects[3];
        assert!(
            bus.tour
                .as_ref()
                .unwrap()
                .transport
                .as_deref()
                .unwrap()
                .starts_with("liO est le Service Public"),
        );
    }

    #[test]
    fn every_sample_trail_measures_close_to_its_declared_length() {
        // The feed's geometry is thinned and flat; the declared length is
        // the producer's, measured on the full track with its relief
        // (Geotrek's 3D length): the computed one falls 0.3 % to 2.1 %
        // short of it on these eight.
        let bytes = std::fs::read(SAMPLE).unwrap();
        for o in read(&bytes, "data/rando.json").unwrap() {
            let t = o.tour.unwrap();
            let computed = figures(t.track.as_ref().unwrap()).distance_m;
            let declared = t.distance_m.unwrap();
            let gap = (computed - declared) / declared;
            assert!((-0.025..=0.0).contains(&gap), "{}: {gap}", o.id);
        }
    }

    #[test]
    fn broken_features_name_their_json_path() {
        let e = errors(r#"{"type": "Feature"}"#);
        assert!(e[0].contains("FeatureCollection"), "{e:?}");
        let e = errors(
            r#"{"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"id_local": "1", "nom_itineraire": "A"},
                 "geometry": {"type": "LineString", "coordinates": [[3.9, 44.2], [3.9, "x"]]}},
                {"type": "Feature", "properties": {"nom_itineraire": "B"},
                 "geometry": {"type": "LineString", "coordinates": [[3.9, 44.2], [3.91, 44.21]]}},
                {"type": "Feature", "properties": {"id_local": "3"}, "geometry": null},
                {"type": "Feature", "properties": {"id_local": "4"},
                 "geometry": {"type": "LineString", "coordinates": [[3.9, 144.2], [3.91, 44.21]]}}
            ]}"#,
        );
        assert!(
            e[0].starts_with("$.features[0].geometry.coordinates[1]"),
            "{e:?}"
        );
        assert!(e[1].starts_with("$.features[1].properties"), "{e:?}");
        assert!(e[1].contains("id_local"), "{e:?}");
        assert!(e[2].starts_with("$.features[2].geometry"), "{e:?}");
        assert!(e[3].contains("latitude 144.2"), "{e:?}");
        let e = errors(
            r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}, "features": []}"#,
        );
        assert!(e[0].starts_with("$.crs") && e[0].contains("WGS84"), "{e:?}");
    }

    #[test]
    fn scales_and_kinds() {
        assert_eq!(difficulty("Très facile"), Some(Difficulty::VeryEasy));
        assert_eq!(difficulty(" Moyen "), Some(Difficulty::Medium));
        assert_eq!(difficulty("Tres-facile"), Some(Difficulty::VeryEasy));
        assert_eq!(difficulty("intermediaire"), Some(Difficulty::Medium));
        assert_eq!(difficulty("Très  difficile"), Some(Difficulty::VeryHard));
        assert_eq!(difficulty("T3"), None);
        assert_eq!(practice("équestre").0, Some(Activity::Horse));
        assert_eq!(practice("ski de fond").0, None);
        let json = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id_local": "9", "nom_itineraire": "Aller-retour",
              "pratique": "cyclo", "type_itineraire": "aller-retour", "denivele_negatif": -40, "duree": 1.25},
             "geometry": {"type": "LineString", "coordinates": [[3.9, 44.2, 500], [3.91, 44.21, 540]]}}]}"#;
        let o = &read(json.as_bytes(), "r.json").unwrap()[0];
        let t = o.tour.as_ref().unwrap();
        assert_eq!((t.is_loop, t.out_and_back), (Some(false), true));
        assert_eq!(t.descent_m, Some(40.0));
        assert_eq!(t.duration_min, Some(75));
        assert_eq!(t.activity, Some(Activity::Cycling));
        assert_eq!(t.track.as_ref().unwrap().segments[0][1].ele, Some(540.0));
    }
}
