//! The site's own data as open data, in `/donnees/` when `[open_data]`
//! declares a licence (docs/trails.md): its trails as a `schema_randonnee`
//! GeoJSON file (the national trail schema that DATAtourisme and
//! data.gouv.fr harvest), and its places and events as GeoJSON points.
//! Events are also in each language's `/agenda.ics` (iCalendar).
//!
//! The files hold the pages of every language once: a trail or a place
//! translated into several languages is written in the default language's
//! words. Coordinates keep six decimals (about 10 cm); a long track is
//! thinned to the points farther than about a metre from the line through
//! its neighbours, like the maps' drawing.

use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::config::open_data::OpenData;
use crate::content::trail::{Difficulty, Trail};
use crate::content::{Content, Page};
use crate::geo::figures::Activity;
use crate::url::absolute;

/// Where the trails are published.
pub const TRAILS_PATH: &str = "donnees/randonnees.geojson";
/// Where the places and events are published.
pub const PLACES_PATH: &str = "donnees/lieux.geojson";

/// About a metre, in degrees of latitude: what thinning a track may move.
const THIN_DEGREES: f64 = 0.00001;

/// The open data files of the site: path in the output, then bytes. None
/// without `[open_data] license`; a file only when there is something in it.
pub fn files(config: &Config, content: &Content) -> Vec<(&'static str, Vec<u8>)> {
    let Some(od) = &config.open_data else {
        return Vec::new();
    };
    let pages = once_per_translation(config, content);
    let mut out = Vec::new();
    let trails: Vec<Value> = pages
        .iter()
        .filter_map(|p| trail_feature(config, od, p, p.trail.as_deref()?))
        .collect();
    if !trails.is_empty() {
        out.push((TRAILS_PATH, collection(od, "randonnees", trails)));
    }
    let places: Vec<Value> = pages
        .iter()
        .filter_map(|p| place_feature(config, p))
        .collect();
    if !places.is_empty() {
        out.push((PLACES_PATH, collection(od, "lieux", places)));
    }
    out
}

/// The pages that are not drafts, each translation group once: the default
/// language's page when it has one, else the first by language.
fn once_per_translation<'a>(config: &Config, content: &'a Content) -> Vec<&'a Page> {
    let mut pages: Vec<&Page> = content.pages.iter().filter(|p| !p.fm.draft).collect();
    pages.sort_by(|a, b| {
        (a.lang != config.default_language, &a.lang, &a.path).cmp(&(
            b.lang != config.default_language,
            &b.lang,
            &b.path,
        ))
    });
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&Page> = pages
        .into_iter()
        .filter(|p| seen.insert(p.translation_key.as_str()))
        .collect();
    kept.sort_by(|a, b| a.path.cmp(&b.path));
    kept
}

fn collection(od: &OpenData, name: &str, features: Vec<Value>) -> Vec<u8> {
    let v = json!({
        "type": "FeatureCollection",
        "name": name,
        // Foreign members (RFC 7946, 6.1): who publishes it, under what.
        "licence": od.license,
        "producteur": od.producer,
        "features": features,
    });
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Text, or JSON null when empty.
fn text(s: Option<&str>) -> Value {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or(Value::Null, |s| Value::String(s.to_string()))
}

fn practice(a: Activity) -> &'static str {
    match a {
        Activity::Walking => "pédestre",
        Activity::Cycling => "cyclo",
        Activity::Mtb => "VTT",
        Activity::Horse => "équestre",
    }
}

fn difficulty(d: Difficulty) -> &'static str {
    match d {
        Difficulty::VeryEasy => "Très facile",
        Difficulty::Easy => "Facile",
        Difficulty::Medium => "Moyenne",
        Difficulty::Hard => "Difficile",
        Difficulty::VeryHard => "Très difficile",
    }
}

/// A trail as a `schema_randonnee` feature: a line and its properties.
/// None for a trail without a line of two points at least (a tour known
/// by the figures its feed declares): GeoJSON has no empty line.
fn trail_feature(config: &Config, od: &OpenData, p: &Page, t: &Trail) -> Option<Value> {
    if !t.has_track() {
        return None;
    }
    let f = &t.figures;
    let points: Vec<(f64, f64)> = t
        .track
        .points()
        .filter_map(|pt| crate::render::map::degrees(Some(pt.lon), Some(pt.lat)))
        .collect();
    let line: Vec<Value> = crate::geo::tiles::simplify(&points, THIN_DEGREES)
        .into_iter()
        .map(|(lon, lat)| json!([round6(lon), round6(lat)]))
        .collect();
    if line.len() < 2 {
        return None;
    }
    let first_step = t.steps.first().map(|s| s.name.as_str());
    let depart = t
        .start
        .as_deref()
        .or(first_step)
        .unwrap_or_else(|| p.title())
        .trim()
        .to_string();
    let arrivee = if f.is_loop || t.out_and_back {
        depart.clone()
    } else {
        t.steps
            .last()
            .map_or_else(|| depart.clone(), |s| s.name.trim().to_string())
    };
    let instructions: Vec<String> = t
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| match s.note.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => format!("{}. {} : {}", i + 1, s.name.trim(), n),
            _ => format!("{}. {}", i + 1, s.name.trim()),
        })
        .collect();
    let int = |x: Option<f64>| x.map_or(Value::Null, |x| json!(x.round() as i64));
    let place = p.fm.place.as_ref();
    let mut props = Map::new();
    let mut put = |k: &str, v: Value| {
        props.insert(k.to_string(), v);
    };
    put("id_local", json!(p.path.trim_matches('/')));
    put("producteur", json!(od.producer));
    put("contact", text(od.contact.as_deref()));
    put("uuid", Value::Null);
    put("url", json!(absolute(&config.base_url, &p.path)));
    put("id_osm", Value::Null);
    put("nom_itineraire", json!(p.title()));
    put("pratique", json!(practice(t.activity)));
    put(
        "type_itineraire",
        json!(if t.out_and_back {
            "aller-retour"
        } else if f.is_loop {
            "boucle"
        } else {
            "aller simple"
        }),
    );
    put(
        "communes_nom",
        text(place.and_then(|pl| pl.commune.as_deref())),
    );
    put("communes_code", Value::Null);
    put("depart", json!(depart));
    put("arrivee", json!(arrivee));
    put(
        "duree",
        json!((f64::from(t.minutes) / 60.0 * 100.0).round() / 100.0),
    );
    put("balisage", text(t.waymarking.as_deref()));
    put("longueur", json!(f.distance_m.round() as i64));
    put(
        "difficulte",
        t.difficulty.map_or(Value::Null, |d| json!(difficulty(d))),
    );
    put("altitude_max", int(f.highest.as_ref().map(|e| e.ele)));
    put("altitude_min", int(f.lowest.as_ref().map(|e| e.ele)));
    put("denivele_positif", int(f.ascent_m));
    put("denivele_negatif", int(f.descent_m.map(|d| -d.abs())));
    put("instructions", json!(instructions.join("\n")));
    put("presentation", text(p.fm.description.as_deref()));
    put("recommandations", text(t.advice.as_deref()));
    put("accessibilite", text(t.accessibility.as_deref()));
    put("acces_routier", text(t.access.as_deref()));
    put("transports_commun", text(t.transport.as_deref()));
    put("parking_info", text(t.parking.as_deref()));
    put(
        "date_modification",
        p.fm.updated
            .as_ref()
            .or(p.date.as_ref())
            .map_or(Value::Null, |d| json!(d.date().to_string())),
    );
    Some(json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": line},
    }))
}

/// A place or an event with coordinates, as a point. Trails are in their
/// own file.
fn place_feature(config: &Config, p: &Page) -> Option<Value> {
    if p.trail.is_some() {
        return None;
    }
    let pl = p.fm.place.as_ref()?;
    // In range, as the maps take them: swapped or out-of-range
    // coordinates are left out.
    let (lon, lat) = crate::render::map::degrees(pl.lon, pl.lat)?;
    let mut props = Map::new();
    let mut put = |k: &str, v: Value| {
        props.insert(k.to_string(), v);
    };
    put("id_local", json!(p.path.trim_matches('/')));
    put("nom", json!(p.title()));
    put("url", json!(absolute(&config.base_url, &p.path)));
    put(
        "type",
        json!(if p.fm.event.is_some() {
            "événement"
        } else {
            "lieu"
        }),
    );
    put("categorie", text(pl.kind.as_deref()));
    put("description", text(p.fm.description.as_deref()));
    put("adresse", text(pl.address.as_deref()));
    put("code_postal", text(pl.postal_code.as_deref()));
    put("commune", text(pl.commune.as_deref()));
    put("telephone", text(pl.phone.first().map(String::as_str)));
    put("email", text(pl.email.first().map(String::as_str)));
    put("site_web", text(pl.web.as_deref()));
    put(
        "accessible_pmr",
        pl.reduced_mobility.map_or(Value::Null, Value::Bool),
    );
    if let Some(e) = &p.fm.event {
        put("debut", json!(e.start.to_string()));
        put(
            "fin",
            e.end.as_ref().map_or(Value::Null, |d| json!(d.to_string())),
        );
    }
    Some(json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [round6(lon), round6(lat)]},
    }))
}
