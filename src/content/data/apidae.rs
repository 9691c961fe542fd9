//! Apidae (API v002): tourist objects, one file at a time. A file is a
//! search response (`{"objetsTouristiques": [...]}`), one object, or a list
//! of objects as an export's `objets_modifies/objets_modifies-N.json` holds
//! them. The other members of an export (`objets_supprimes.json`,
//! `selections.json`, `communes.json`, `elements_reference.json`,
//! `criteres_internes.json`) hold no object and give none.
//!
//! What an object gives: `type` (the category: HOTELLERIE, HEBERGEMENT_*
//! stay, RESTAURATION eat, FETE_ET_MANIFESTATION event, PATRIMOINE_* visit,
//! ACTIVITE, EQUIPEMENT and DOMAINE_SKIABLE do (an EQUIPEMENT with an
//! `itineraire` is a tour), DEGUSTATION shop, COMMERCE_ET_SERVICE service
//! or shop; STRUCTURE and TERRITOIRE are not tourist objects and give no
//! page); `nom`, `presentation.descriptifCourt` and `descriptifDetaille` per
//! language (`libelleFr` → `fr`); `localisation` (address, commune,
//! `geoJson` point, access); `informations.moyensCommunication` (phones,
//! e-mails, the web site); the booking site of `reservation.organismes`;
//! `ouverture` (periods with their days and hours, exceptional openings and
//! closures, `periodeEnClair`); for events, every date of every period;
//! `descriptionTarif` (free, prices, `tarifsEnClair`, payment);
//! `prestations` (languages, pets, accessibility, amenities); the labels,
//! classification (stars), capacity and type of the `informations…` block
//! of its type; `illustrations` (with `copyright` and
//! `dateLimiteDePublication`); `gestion.dateModification` and the owner
//! member (`gestion.membreProprietaire.nom`) as producer.
//!
//! Element references come with their labels when the query asked for
//! them; a reference given by its id alone is skipped (the export's
//! `elements_reference.json` is not joined), except for the means of
//! contact and the two languages whose ids are fixed here.

use jiff::ToSpan;
use jiff::civil::{Date, Time};
use serde_json::Value;

use super::fields::{self, Fields, child, each_of};
use super::json::{self, Node};
use super::openagenda::{check_coordinates, push_new};
use super::source::ReadResult;
use super::{Closed, Cost, Image, Object, Occurrence, Opening, Texts, Tour};
use crate::content::practical::{Category, Day, Disability};

/// The members of an export that hold reference lists, not objects.
const REFERENCE_MEMBERS: [&str; 6] = [
    "objets_supprimes.json",
    "selections.json",
    "communes.json",
    "elements_reference.json",
    "criteres_internes.json",
    "territoires.json",
];

/// Apidae's ids of the means of contact (`MoyenCommunicationType`).
const PHONE: i64 = 201;
const FAX: i64 = 202;
const EMAIL: i64 = 204;
const WEBSITE: i64 = 205;
const MOBILE: i64 = 206;

/// Dates of a period that repeats on some days are listed one by one up to
/// this many days; a longer period stays one range.
const MAX_EXPANDED_DAYS: i32 = 366;

/// Labels of element references by id, from an export's
/// `elements_reference.json`: what a reference given only by its id
/// (`{"elementReferenceType": "ModePaiement", "id": 1271}`) is called.
pub type References = std::collections::HashMap<i64, Texts>;

thread_local! {
    /// The references of the file being read on this thread.
    static REFERENCES: std::cell::RefCell<Option<std::sync::Arc<References>>> =
        const { std::cell::RefCell::new(None) };
}

/// Whether `file` is an export's table of element references.
pub fn is_references(file: &str) -> bool {
    file.rsplit(['/', ':'])
        .next()
        .is_some_and(|n| n.eq_ignore_ascii_case("elements_reference.json"))
}

/// Reads an export's `elements_reference.json`: each element's id and
/// labels per language.
pub fn references(bytes: &[u8], file: &str) -> Result<References, Vec<crate::error::Diagnostic>> {
    let root = json::parse(bytes, file).map_err(|e| vec![e])?;
    let mut f = Fields::new(file);
    let mut out = References::new();
    let node = Node::root(&root);
    if !matches!(root, Value::Array(_)) {
        f.error(node, format_args!("expected a list of element references"));
    }
    json::each(node, |r| {
        if let Value::Object(_) = r.value
            && let Some(id) = f.key_number(r, "id")
        {
            let texts = texts_of(&mut f, r);
            if !texts.is_empty() {
                out.insert(id as i64, texts);
            }
        }
    });
    f.finish(Vec::<()>::new())?;
    Ok(out)
}

/// Reads one file of an Apidae feed, naming the references given by id
/// only from `references` (an export's table).
pub fn read_with(
    bytes: &[u8],
    file: &str,
    references: Option<&std::sync::Arc<References>>,
) -> ReadResult {
    REFERENCES.with(|r| *r.borrow_mut() = references.cloned());
    let result = read(bytes, file);
    REFERENCES.with(|r| *r.borrow_mut() = None);
    result
}

/// Reads one file of an Apidae feed.
pub fn read(bytes: &[u8], file: &str) -> ReadResult {
    let name = file.rsplit(['/', ':']).next().unwrap_or(file);
    if REFERENCE_MEMBERS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(name))
    {
        return Ok(Vec::new());
    }
    let root = json::parse(bytes, file).map_err(|e| vec![e])?;
    let mut fields = Fields::new(file);
    let mut objects = Vec::new();
    let node = Node::root(&root);
    match &root {
        Value::Object(map) if map.contains_key("objetsTouristiques") => {
            each_of(
                &mut fields,
                node,
                "objetsTouristiques",
                "a list of tourist objects",
                |f, o| objects.extend(object(f, o)),
            );
        }
        Value::Object(map) if map.contains_key("type") => {
            objects.extend(object(&mut fields, node));
        }
        // A search response that found nothing.
        Value::Object(map) if map.contains_key("numFound") => {}
        Value::Array(_) => json::each(node, |item| match item.value {
            Value::Object(map) if map.contains_key("type") => {
                objects.extend(object(&mut fields, item));
            }
            // Ids (of deleted objects) and reference elements.
            Value::Object(_) | Value::Number(_) => {}
            v => fields.error(
                item,
                format_args!("expected an Apidae object, found {}", json::describe(v)),
            ),
        }),
        v => fields.error(
            node,
            format_args!(
                "expected an Apidae object, a list of objects or a search response ({{\"objetsTouristiques\": [...]}}), found {}",
                json::describe(v)
            ),
        ),
    }
    fields.finish(objects)
}

fn category(kind: &str) -> Option<Category> {
    Some(match kind {
        "STRUCTURE" | "TERRITOIRE" => return None,
        "HOTELLERIE" | "HOTELLERIE_PLEIN_AIR" | "HEBERGEMENT_LOCATIF" | "HEBERGEMENT_COLLECTIF" => {
            Category::Stay
        }
        "RESTAURATION" => Category::Eat,
        "FETE_ET_MANIFESTATION" => Category::Event,
        "PATRIMOINE_CULTUREL" | "PATRIMOINE_NATUREL" => Category::Visit,
        "ACTIVITE" | "EQUIPEMENT" | "DOMAINE_SKIABLE" | "SEJOUR_PACKAGE" => Category::Do,
        "DEGUSTATION" => Category::Shop,
        "COMMERCE_ET_SERVICE" => Category::Service,
        _ => Category::Other,
    })
}

/// One tourist object, or nothing (not a tourist object, or too broken).
fn object(f: &mut Fields<'_>, n: Node<'_>) -> Option<Object> {
    if !f.object(n, "an Apidae object") {
        return None;
    }
    let kind = match n.value.get("type") {
        Some(Value::String(k)) => k.trim().to_string(),
        Some(other) => {
            json::with_key(n, "type", |t| {
                f.error(
                    t,
                    format_args!("expected text, found {}", json::describe(other)),
                )
            });
            return None;
        }
        None => {
            f.error(n, "an object without its `type`");
            return None;
        }
    };
    let category = category(&kind)?;
    let Some(id) = f.key_text(n, "id") else {
        f.error(n, "an object without its `id`");
        return None;
    };
    let mut o = Object {
        id,
        file: f.file.to_string(),
        pointer: n.path(),
        category,
        types: vec![kind],
        ..Object::default()
    };
    o.name = libelles(f, n, "nom");
    let mut p = None;
    if let Some(pres) = child(n, "presentation", &mut p) {
        o.short = plain(libelles(f, pres, "descriptifCourt"));
        o.description = plain(libelles(f, pres, "descriptifDetaille"));
    }
    let mut p = None;
    if let Some(loc) = child(n, "localisation", &mut p) {
        localisation(f, loc, &mut o);
    }
    let mut p = None;
    if let Some(info) = child(n, "informations", &mut p) {
        each_of(
            f,
            info,
            "moyensCommunication",
            "a list of means of contact",
            |f, m| {
                contact(f, m, &mut o, false);
            },
        );
    }
    let mut p = None;
    if let Some(resa) = child(n, "reservation", &mut p) {
        each_of(
            f,
            resa,
            "organismes",
            "a list of booking organisations",
            |f, org| {
                each_of(
                    f,
                    org,
                    "moyensCommunication",
                    "a list of means of contact",
                    |f, m| {
                        contact(f, m, &mut o, true);
                    },
                );
            },
        );
    }
    let mut p = None;
    if let Some(prest) = child(n, "prestations", &mut p) {
        prestations(f, prest, &mut o);
    }
    // The block of the object's type: `informationsHotellerie`, ….
    if let Value::Object(map) = n.value {
        for key in map.keys() {
            if key.starts_with("informations") && key != "informations" {
                json::with_key(n, key, |info| {
                    if matches!(info.value, Value::Object(_)) {
                        type_block(f, info, &mut o);
                    }
                });
            }
        }
    }
    if o.types[0] == "COMMERCE_ET_SERVICE"
        && o.type_label.get("fr").is_some_and(|l| {
            let l = l.to_lowercase();
            l.contains("commerce") || l.contains("magasin") || l.contains("boutique")
        })
    {
        o.category = Category::Shop;
    }
    let mut p = None;
    if let Some(open) = child(n, "ouverture", &mut p) {
        ouverture(f, open, &mut o);
    }
    let mut p = None;
    if let Some(tarif) = child(n, "descriptionTarif", &mut p) {
        prices(f, tarif, &mut o);
    }
    each_of(f, n, "illustrations", "a list of illustrations", |f, i| {
        o.images.extend(illustration(f, i));
    });
    if let Some(tour) = o.tour.as_mut() {
        each_of(f, n, "multimedias", "a list of media", |f, m| {
            if tour.track_url.is_none() {
                tour.track_url = track(f, m);
            }
        });
    }
    let mut p = None;
    if let Some(g) = child(n, "gestion", &mut p) {
        o.updated = f.key_date(g, "dateModification");
        let mut p = None;
        if let Some(owner) = child(g, "membreProprietaire", &mut p) {
            o.producer = f.key_text(owner, "nom");
        }
    }
    Some(o)
}

/// Texts per language: `{"libelleFr": "…", "libelleEn": "…"}` (`libellePtBR`
/// is `pt`); plain text is taken as French.
fn libelles<'a>(f: &mut Fields<'_>, node: Node<'a>, key: &'a str) -> Texts {
    json::with_key(node, key, |n| texts_of(f, n)).unwrap_or_default()
}

fn texts_of(f: &mut Fields<'_>, n: Node<'_>) -> Texts {
    let mut out = Texts::new();
    match n.value {
        Value::Object(map) => {
            for (k, _) in map {
                let Some(lang) = k.strip_prefix("libelle").filter(|l| l.len() >= 2) else {
                    continue;
                };
                let lang = lang[..2].to_ascii_lowercase();
                json::with_key(n, k, |t| {
                    if let Some(text) = f.text(t) {
                        out.insert(lang, text);
                    }
                });
            }
        }
        Value::String(_) => {
            if let Some(text) = f.text(n) {
                out.insert("fr".to_string(), text);
            }
        }
        Value::Null => {}
        v => f.error(
            n,
            format_args!(
                "expected texts per language ({{\"libelleFr\": \"...\"}}), found {}",
                json::describe(v)
            ),
        ),
    }
    out
}

/// Apidae writes line breaks as `\r\n`.
fn plain(texts: Texts) -> Texts {
    texts
        .into_iter()
        .map(|(l, t)| (l, t.replace("\r\n", "\n")))
        .collect()
}

/// An element reference: its id and its labels (none when the query did
/// not ask for them).
fn reference(f: &mut Fields<'_>, n: Node<'_>) -> (Option<i64>, Texts) {
    if !f.object(n, "an element reference ({\"id\": …})") {
        return (None, Texts::new());
    }
    let id = f.key_number(n, "id").map(|x| x as i64);
    let mut texts = texts_of(f, n);
    if texts.is_empty()
        && let Some(id) = id
    {
        // Given by its id only: named by the export's table, if any.
        REFERENCES.with(|r| {
            if let Some(label) = r.borrow().as_ref().and_then(|t| t.get(&id)) {
                texts = label.clone();
            }
        });
    }
    (id, texts)
}

/// The labels of each reference of the list at `key`.
fn reference_labels<'a>(f: &mut Fields<'_>, node: Node<'a>, key: &'a str) -> Vec<Texts> {
    let mut out = Vec::new();
    each_of(f, node, key, "a list of element references", |f, r| {
        let (_, label) = reference(f, r);
        if !label.is_empty() && !out.contains(&label) {
            out.push(label);
        }
    });
    out
}

fn localisation(f: &mut Fields<'_>, loc: Node<'_>, o: &mut Object) {
    let mut p = None;
    if let Some(a) = child(loc, "adresse", &mut p) {
        for key in ["adresse1", "adresse2", "adresse3"] {
            o.street.extend(f.key_text(a, key));
        }
        o.postal_code = f.key_text(a, "codePostal");
        o.venue = f.key_text(a, "nomDuLieu");
        let mut p = None;
        if let Some(c) = child(a, "commune", &mut p)
            && f.object(c, "a commune (an object)")
        {
            o.commune = f.key_text(c, "nom");
            o.insee = f.key_text(c, "code");
            o.postal_code = o.postal_code.take().or_else(|| f.key_text(c, "codePostal"));
        }
    }
    let mut p = None;
    if let Some(g) = child(loc, "geolocalisation", &mut p) {
        if !f.object(g, "a geolocation (an object)") {
            return;
        }
        let mut p = None;
        if let Some(geo) = child(g, "geoJson", &mut p) {
            let mut p = None;
            if let Some(c) = child(geo, "coordinates", &mut p)
                && f.array(c, "coordinates ([longitude, latitude])")
            {
                let mut xy = Vec::new();
                json::each(c, |v| xy.push(f.number(v)));
                if let [Some(lon), Some(lat), ..] = xy[..] {
                    o.lon = Some(lon);
                    o.lat = Some(lat);
                }
            }
        } else {
            o.lat = f.key_number(g, "latitude");
            o.lon = f.key_number(g, "longitude");
        }
        if json::with_key(g, "valide", |v| f.bool(v)).flatten() == Some(false) {
            o.lat = None;
            o.lon = None;
        }
        check_coordinates(f, g, o);
        o.directions = plain(libelles(f, g, "complement"));
    }
}

/// A means of contact: phones, e-mails and the web site of the object, or
/// (`booking`) the web site of who takes bookings.
fn contact(f: &mut Fields<'_>, m: Node<'_>, o: &mut Object, booking: bool) {
    if !f.object(m, "a means of contact (an object)") {
        return;
    }
    let (id, label) = json::with_key(m, "type", |t| reference(f, t)).unwrap_or_default();
    let label = label
        .get("fr")
        .map(|l| deunicode::deunicode(l).to_lowercase())
        .unwrap_or_default();
    let value = json::with_key(m, "coordonnees", |c| match c.value {
        Value::Object(map) => {
            let lang = if map.contains_key("fr") {
                Some("fr")
            } else {
                map.keys().next().map(String::as_str)
            };
            lang.and_then(|l| f.key_text(c, l))
        }
        _ => f.text(c),
    })
    .flatten();
    let Some(value) = value else { return };
    let is_web = label.contains("site web") || id == Some(WEBSITE);
    if booking {
        if is_web && o.booking.is_none() {
            o.booking = Some(value);
        }
        return;
    }
    if id == Some(FAX) || label.contains("fax") {
        return;
    }
    if matches!(id, Some(PHONE | MOBILE))
        || label.contains("telephone")
        || label.contains("portable")
    {
        push_new(&mut o.phones, value);
    } else if id == Some(EMAIL) || label.contains("mel") || label.contains("mail") {
        push_new(&mut o.emails, value);
    } else if is_web && o.web.is_none() {
        o.web = Some(value);
    }
}

fn prestations(f: &mut Fields<'_>, p: Node<'_>, o: &mut Object) {
    each_of(f, p, "languesParlees", "a list of languages", |f, l| {
        let (id, label) = reference(f, l);
        let code = label
            .get("fr")
            .and_then(|name| fields::language_code(name))
            .or(match id {
                Some(1192) => Some("en"),
                Some(1197) => Some("fr"),
                _ => None,
            });
        if let Some(code) = code {
            push_new(&mut o.languages, code.to_string());
        }
    });
    o.pets = match f.key_text(p, "animauxAcceptes").as_deref() {
        Some("ACCEPTES") => Some(true),
        Some("NON_ACCEPTES") => Some(false),
        _ => None,
    };
    for key in ["labelsTourismeHandicap", "tourismesAdaptes"] {
        for label in reference_labels(f, p, key) {
            let Some(fr) = label.get("fr") else { continue };
            let l = deunicode::deunicode(fr).to_lowercase();
            let family = if l.contains("moteur") {
                Some(Disability::Motor)
            } else if l.contains("auditi") || l.contains("malentend") || l.contains("sourd") {
                Some(Disability::Hearing)
            } else if l.contains("visuel") || l.contains("malvoyant") || l.contains("aveugle") {
                Some(Disability::Visual)
            } else if l.contains("mental") || l.contains("intellect") || l.contains("psychique") {
                Some(Disability::Mental)
            } else {
                None
            };
            if let Some(family) = family.filter(|d| !o.accessibility.contains(d)) {
                o.accessibility.push(family);
            }
            if l.contains("fauteuil") || l.contains("mobilite reduite") {
                o.reduced_mobility = Some(true);
            }
        }
    }
    o.accessibility.sort();
    for key in ["equipements", "services", "conforts", "activites"] {
        for label in reference_labels(f, p, key) {
            if !o.amenities.contains(&label) {
                o.amenities.push(label);
            }
        }
    }
}

/// The block of the object's type: its type label, classification,
/// labels, capacity, the place of an event, the route of an itinerary.
fn type_block(f: &mut Fields<'_>, info: Node<'_>, o: &mut Object) {
    let Value::Object(map) = info.value else {
        return;
    };
    // The type (`hotellerieType`, …), else the first of a list of types.
    let keys = map
        .iter()
        .filter(|(k, v)| k.ends_with("Type") && v.is_object())
        .map(|(k, _)| k.as_str())
        .chain(["rubrique", "typesManifestation", "categories"]);
    for key in keys {
        if !o.type_label.is_empty() {
            break;
        }
        json::with_key(info, key, |t| match t.value {
            Value::Object(_) => o.type_label = reference(f, t).1,
            Value::Array(_) => json::each(t, |r| {
                if o.type_label.is_empty() {
                    o.type_label = reference(f, r).1;
                }
            }),
            _ => {}
        });
    }
    for key in ["classement", "classementPrefectoral"] {
        json::with_key(info, key, |c| {
            let (_, label) = reference(f, c);
            let Some(fr) = label.get("fr") else { return };
            let l = deunicode::deunicode(fr).to_lowercase();
            let n = l.trim_start().bytes().next().filter(u8::is_ascii_digit);
            match n {
                Some(d) if l.contains("etoile") => o.stars = Some(d - b'0'),
                // Épis, clés: a label's rank, not stars.
                Some(_) => o.labels.push(label),
                None => {}
            }
        });
    }
    for key in ["labels", "labelsChartesQualite"] {
        for label in reference_labels(f, info, key) {
            if !o.labels.contains(&label) {
                o.labels.push(label);
            }
        }
    }
    let mut p = None;
    if let Some(cap) = child(info, "capacite", &mut p) {
        for key in [
            "nombreTotalPersonnesReel",
            "nombreTotalPersonnes",
            "nombrePersonnesMaximum",
            "nombreMaximumPersonnes",
            "capaciteTotale",
            "nombrePersonnes",
        ] {
            if o.capacity.is_none() {
                o.capacity = json::with_key(cap, key, |n| f.count(n)).flatten();
            }
        }
    }
    if let Some(place) = f.key_text(info, "nomLieu") {
        o.venue = Some(place);
    }
    let mut p = None;
    if let Some(route) = child(info, "itineraire", &mut p) {
        // An empty `itineraire` ({}) is no route.
        if f.object(route, "an itinerary (an object)")
            && route.value.as_object().is_some_and(|m| !m.is_empty())
        {
            o.category = Category::Tour;
            o.tour = Some(Tour {
                // Kilometres, minutes a day, metres.
                distance_m: f.key_number(route, "distance").map(|km| km * 1000.0),
                duration_min: json::with_key(route, "dureeJournaliere", |n| f.count(n)).flatten(),
                ascent_m: f.key_number(route, "denivellation"),
                is_loop: f
                    .key_text(route, "itineraireType")
                    .and_then(|t| match t.as_str() {
                        "BOUCLE" => Some(true),
                        "ALLER_RETOUR" | "ALLER_ITINERANCE" => Some(false),
                        _ => None,
                    }),
                ..Tour::default()
            });
        }
    }
}

/// The address of a GPX or KML track among an object's media.
fn track(f: &mut Fields<'_>, m: Node<'_>) -> Option<String> {
    let mut found = None;
    each_of(f, m, "traductionFichiers", "a list of files", |f, file| {
        let url = f.key_text(file, "url");
        let ext = f
            .key_text(file, "extension")
            .or_else(|| {
                url.as_ref()
                    .and_then(|u| u.rsplit_once('.'))
                    .map(|(_, e)| e.to_string())
            })
            .unwrap_or_default()
            .to_ascii_lowercase();
        if found.is_none() && matches!(ext.as_str(), "gpx" | "kml" | "kmz") {
            found = url;
        }
    });
    found
}

/// A period's opening: on which days (none: every day), from and to when.
struct Slot {
    days: Vec<Day>,
    opens: Option<Time>,
    closes: Option<Time>,
}

/// The slots of an opening period: from its `horaires` when it has them
/// (the opening hours only, not guided tours), else from its type, its
/// days and its hours.
fn slots(f: &mut Fields<'_>, period: Node<'_>) -> Vec<Slot> {
    let mut out = Vec::new();
    if period.value.get("horaires").is_some_and(|h| !h.is_null()) {
        each_of(f, period, "horaires", "a list of hours", |f, h| {
            let (_, kind) = json::with_key(h, "type", |t| reference(f, t)).unwrap_or_default();
            if kind
                .get("fr")
                .is_some_and(|k| !k.to_lowercase().starts_with("ouverture"))
            {
                return;
            }
            each_of(f, h, "timePeriods", "a list of time periods", |f, tp| {
                if json::with_key(tp, "closed", |c| f.bool(c)).flatten() == Some(true) {
                    return;
                }
                let mut days = Vec::new();
                each_of(f, tp, "weekdays", "a list of days", |f, d| {
                    days.extend(f.text(d).and_then(|d| fields::day_name(&d)));
                });
                let days = every_day_is_none(days);
                let before = out.len();
                each_of(f, tp, "timeFrames", "a list of hours", |f, tf| {
                    out.push(Slot {
                        days: days.clone(),
                        opens: f.key_time(tf, "startTime"),
                        closes: f.key_time(tf, "endTime"),
                    });
                });
                if out.len() == before {
                    out.push(Slot {
                        days,
                        opens: None,
                        closes: None,
                    });
                }
            });
        });
        return out;
    }
    let opens = f.key_time(period, "horaireOuverture");
    let closes = f.key_time(period, "horaireFermeture");
    let kind = f.key_text(period, "type").unwrap_or_default();
    // The days listed, each maybe with its own hours.
    let mut listed: Vec<(Day, Option<Time>, Option<Time>)> = Vec::new();
    let mut every = false;
    for key in ["ouverturesJournalieres", "ouverturesJourDuMois"] {
        each_of(f, period, key, "a list of days", |f, d| {
            let name = f.key_text(d, "jour").unwrap_or_default();
            let o = f.key_time(d, "horaireOuverture").or(opens);
            let c = f.key_time(d, "horaireFermeture").or(closes);
            match fields::day_name(&name) {
                Some(day) => listed.push((day, o, c)),
                None if name == "TOUS" => every = true,
                None => {}
            }
        });
    }
    match kind.as_str() {
        "OUVERTURE_SAUF" => {
            let days: Vec<Day> = Day::ALL
                .into_iter()
                .filter(|d| !listed.iter().any(|(l, _, _)| l == d))
                .collect();
            out.push(Slot {
                days: every_day_is_none(days),
                opens,
                closes,
            });
        }
        "OUVERTURE_SEMAINE" | "OUVERTURE_MOIS" if !every && !listed.is_empty() => {
            // Days with the same hours make one slot.
            for (day, o, c) in listed {
                match out.iter_mut().find(|s| s.opens == o && s.closes == c) {
                    Some(s) => {
                        if !s.days.contains(&day) {
                            s.days.push(day);
                        }
                    }
                    None => out.push(Slot {
                        days: vec![day],
                        opens: o,
                        closes: c,
                    }),
                }
            }
            for s in &mut out {
                s.days.sort();
                s.days = every_day_is_none(std::mem::take(&mut s.days));
            }
        }
        _ => out.push(Slot {
            days: Vec::new(),
            opens,
            closes,
        }),
    }
    out
}

fn every_day_is_none(mut days: Vec<Day>) -> Vec<Day> {
    days.sort();
    days.dedup();
    if days.len() == 7 { Vec::new() } else { days }
}

fn ouverture(f: &mut Fields<'_>, open: Node<'_>, o: &mut Object) {
    o.hours_note = plain(libelles(f, open, "periodeEnClair"));
    let event = o.category == Category::Event;
    each_of(
        f,
        open,
        "periodesOuvertures",
        "a list of opening periods",
        |f, period| {
            if !f.object(period, "an opening period (an object)") {
                return;
            }
            let from = f.key_date(period, "dateDebut");
            let to = f.key_date(period, "dateFin");
            let yearly =
                json::with_key(period, "tousLesAns", |n| f.bool(n)).flatten() == Some(true);
            let note = plain(libelles(f, period, "complementHoraire"));
            let slots = slots(f, period);
            let mut extra = Vec::new();
            each_of(
                f,
                period,
                "ouverturesExceptionnelles",
                "a list of exceptional openings",
                |f, x| {
                    extra.extend(f.key_date(x, "dateOuverture"));
                },
            );
            if event {
                let Some(start) = from.or(to) else {
                    f.error(period, "a period of an event without its dates");
                    return;
                };
                let end = to.filter(|t| *t >= start).unwrap_or(start);
                for s in &slots {
                    event_dates(start, end, s, &mut o.dates);
                }
                let (opens, closes) = slots.first().map_or((None, None), |s| (s.opens, s.closes));
                for day in extra {
                    o.dates.push(occurrence(day, day, opens, closes));
                }
                return;
            }
            for s in slots {
                o.hours.push(Opening {
                    from,
                    to,
                    days: s.days,
                    opens: s.opens,
                    closes: s.closes,
                    note: note.clone(),
                    yearly,
                });
            }
            let (opens, closes) = o.hours.last().map_or((None, None), |h| (h.opens, h.closes));
            for day in extra {
                o.hours.push(Opening {
                    from: Some(day),
                    to: Some(day),
                    opens,
                    closes,
                    note: note.clone(),
                    yearly,
                    ..Opening::default()
                });
            }
        },
    );
    each_of(
        f,
        open,
        "fermeturesExceptionnelles",
        "a list of closures",
        |f, c| {
            // Closures named by a holiday (`dateSpeciale`) and no date are left
            // to `periodeEnClair`.
            if let Some(day) = f.key_date(c, "dateFermeture") {
                o.closures.push(Closed {
                    from: day,
                    to: None,
                    note: Texts::new(),
                });
            }
        },
    );
    if event {
        o.dates.sort_by_key(|d| (d.start, d.start_time));
        o.dates.dedup();
    }
}

fn occurrence(start: Date, end: Date, opens: Option<Time>, closes: Option<Time>) -> Occurrence {
    Occurrence {
        start,
        end: (end != start).then_some(end),
        start_time: opens,
        end_time: closes,
        start_at: None,
        end_at: None,
    }
}

/// The dates of an event's period: one range when it runs every day, else
/// each day it runs (a period of Saturdays in June gives its Saturdays).
fn event_dates(start: Date, end: Date, slot: &Slot, out: &mut Vec<Occurrence>) {
    let span = start.until(end).map(|s| s.get_days()).unwrap_or(i32::MAX);
    if slot.days.is_empty() || span > MAX_EXPANDED_DAYS {
        out.push(occurrence(start, end, slot.opens, slot.closes));
        return;
    }
    let mut day = start;
    while day <= end {
        if slot.days.contains(&Day::of(day.weekday())) {
            out.push(occurrence(day, day, slot.opens, slot.closes));
        }
        match day.checked_add(1.day()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
}

fn prices(f: &mut Fields<'_>, t: Node<'_>, o: &mut Object) {
    o.free = json::with_key(t, "gratuit", |n| f.bool(n)).flatten();
    match f.key_text(t, "indicationTarif").as_deref() {
        Some("GRATUIT") => o.free = Some(true),
        Some("PAYANT") if o.free.is_none() => o.free = Some(false),
        _ => {}
    }
    o.prices_note = plain(libelles(f, t, "tarifsEnClair"));
    let currency = f.key_text(t, "devise");
    each_of(f, t, "periodes", "a list of price periods", |f, period| {
        each_of(f, period, "tarifs", "a list of prices", |f, price| {
            if !f.object(price, "a price (an object)") {
                return;
            }
            let cost = Cost {
                label: json::with_key(price, "type", |r| reference(f, r).1).unwrap_or_default(),
                min: f.key_number(price, "minimum"),
                max: f.key_number(price, "maximum"),
                currency: f.key_text(price, "devise").or_else(|| currency.clone()),
                note: libelles(f, price, "precisionTarif"),
            };
            if (cost.min.is_some() || cost.max.is_some()) && !o.prices.contains(&cost) {
                o.prices.push(cost);
            }
        });
    });
    for label in reference_labels(f, t, "modesPaiement") {
        o.payment.push(label);
    }
}

fn illustration(f: &mut Fields<'_>, i: Node<'_>) -> Option<Image> {
    if !f.object(i, "an illustration (an object)") {
        return None;
    }
    if f.key_text(i, "type").is_some_and(|t| t != "IMAGE") {
        return None;
    }
    let mut url = None;
    each_of(f, i, "traductionFichiers", "a list of files", |f, file| {
        if url.is_none() {
            url = f.key_text(file, "url");
        }
    });
    let mut title = libelles(f, i, "nom");
    if title.is_empty() {
        title = libelles(f, i, "legende");
    }
    let credit = libelles(f, i, "copyright");
    let credit = credit.get("fr").or_else(|| credit.values().next()).cloned();
    let until = f.key_date(i, "dateLimiteDePublication");
    Some(Image {
        url: url?,
        credit,
        title,
        until,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::content::frontmatter::EventStatus;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/data/apidae");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn read_fixture(name: &str) -> Vec<Object> {
        read(&fixture(name), &format!("data/apidae/{name}")).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn time(s: &str) -> Time {
        s.parse().unwrap()
    }

    fn fr(s: &str) -> Texts {
        Texts::from([("fr".to_string(), s.to_string())])
    }

    #[test]
    fn a_hotel_with_stars_accessibility_prices_hours_and_photos() {
        let objects = read_fixture("hotel.json");
        assert_eq!(objects.len(), 1);
        let o = &objects[0];
        assert_eq!(o.id, "9900101");
        assert_eq!(o.pointer, "$.objetsTouristiques[0]");
        assert_eq!(o.category, Category::Stay);
        assert_eq!(o.types, vec!["HOTELLERIE".to_string()]);
        assert_eq!(o.type_label["fr"], "Hôtel");
        assert_eq!(o.name["fr"], "Hôtel du Lac");
        assert_eq!(o.name["en"], "Lake Hotel");
        assert_eq!(o.short["en"], "Twelve rooms on the shore of the lake.");
        assert_eq!(
            o.description["fr"],
            "Une maison de famille.\n\nPiscine chauffée."
        );
        assert_eq!(o.street, vec!["1 quai des Pêcheurs".to_string()]);
        assert_eq!(o.postal_code.as_deref(), Some("99120"));
        assert_eq!(o.commune.as_deref(), Some("Saint-Lac"));
        assert_eq!(o.insee.as_deref(), Some("99120"));
        assert_eq!((o.lat, o.lon), (Some(46.15), Some(2.55)));
        assert_eq!(o.directions, fr("Parking devant l'hôtel."));
        assert_eq!(
            o.phones,
            vec!["05 55 00 00 10".to_string(), "06 00 00 00 10".to_string()]
        );
        assert_eq!(o.emails, vec!["accueil@hotel-du-lac.example".to_string()]);
        assert_eq!(o.web.as_deref(), Some("https://hotel-du-lac.example"));
        assert_eq!(
            o.booking.as_deref(),
            Some("https://resa.val-orbiere.example/hotel-du-lac")
        );
        assert_eq!(o.stars, Some(3));
        assert_eq!(o.labels, vec![fr("Qualité Tourisme")]);
        assert_eq!(o.capacity, Some(24));
        assert_eq!(
            o.accessibility,
            vec![Disability::Motor, Disability::Hearing]
        );
        assert_eq!(o.reduced_mobility, Some(true));
        assert_eq!(
            o.languages,
            vec!["fr".to_string(), "en".to_string(), "de".to_string()]
        );
        assert_eq!(o.pets, Some(true));
        assert_eq!(o.amenities, vec![fr("Piscine"), fr("Wifi")]);
        assert_eq!(o.free, Some(false));
        assert_eq!(
            o.prices,
            vec![
                Cost {
                    label: fr("Chambre double"),
                    min: Some(80.0),
                    max: Some(120.0),
                    currency: Some("EUR".into()),
                    note: Texts::new(),
                },
                Cost {
                    label: fr("Petit déjeuner"),
                    min: Some(12.5),
                    max: None,
                    currency: Some("EUR".into()),
                    note: fr("servi en terrasse"),
                },
            ]
        );
        assert_eq!(o.prices_note["fr"], "Chambre double : de 80 à 120 €");
        assert_eq!(
            o.payment,
            vec![fr("Carte bancaire"), fr("Chèques Vacances")]
        );
        // Open every day in summer; Thursday to Sunday in spring, with two
        // spans; closed on Christmas.
        assert_eq!(
            o.hours,
            vec![
                Opening {
                    from: Some(date("2026-07-01")),
                    to: Some(date("2026-08-31")),
                    opens: Some(time("07:00")),
                    closes: Some(time("22:00")),
                    yearly: true,
                    ..Opening::default()
                },
                Opening {
                    from: Some(date("2026-04-01")),
                    to: Some(date("2026-06-30")),
                    days: vec![Day::Th, Day::Fr, Day::Sa, Day::Su],
                    opens: Some(time("08:00")),
                    closes: Some(time("12:00")),
                    note: fr("Réception fermée l'après-midi."),
                    ..Opening::default()
                },
                Opening {
                    from: Some(date("2026-04-01")),
                    to: Some(date("2026-06-30")),
                    days: vec![Day::Th, Day::Fr, Day::Sa, Day::Su],
                    opens: Some(time("18:00")),
                    closes: Some(time("21:00")),
                    note: fr("Réception fermée l'après-midi."),
                    ..Opening::default()
                },
            ]
        );
        assert_eq!(o.closures.len(), 1);
        assert_eq!(o.closures[0].from, date("2026-12-25"));
        assert_eq!(o.hours_note["fr"], "Toute l'année.");
        // The photo's right to publish has passed: the reader says until
        // when; the build leaves it out.
        assert_eq!(o.images.len(), 2);
        assert_eq!(o.images[0].credit.as_deref(), Some("Studio Saint-Lac"));
        assert_eq!(o.images[0].title["fr"], "La terrasse");
        assert_eq!(o.images[0].until, Some(date("2020-10-31")));
        assert_eq!(o.images[1].until, None);
        assert_eq!(o.images[1].title["fr"], "Chambre");
        assert_eq!(o.updated, Some(date("2026-03-14")));
        assert_eq!(
            o.producer.as_deref(),
            Some("Office de tourisme du Val d'Orbière")
        );
    }

    #[test]
    fn an_event_gives_every_date_of_every_period() {
        let objects = read_fixture("event.json");
        assert_eq!(objects.len(), 1);
        let o = &objects[0];
        assert_eq!(o.category, Category::Event);
        assert_eq!(o.pointer, "$[0]");
        assert_eq!(o.name["fr"], "Marché nocturne de Vaux-sur-Orbe");
        assert_eq!(o.venue.as_deref(), Some("Place de l'Église"));
        assert_eq!(o.type_label["fr"], "Marchés");
        assert_eq!(o.free, Some(true));
        assert_eq!(o.status, EventStatus::Scheduled);
        let got: Vec<(Date, Option<Date>, Option<Time>)> = o
            .dates
            .iter()
            .map(|d| (d.start, d.end, d.start_time))
            .collect();
        assert_eq!(
            got,
            vec![
                // One day with its hours.
                (date("2026-06-13"), None, Some(time("18:00"))),
                // Fridays of July, and one exceptional Thursday.
                (date("2026-07-03"), None, Some(time("19:00"))),
                (date("2026-07-10"), None, Some(time("19:00"))),
                (date("2026-07-16"), None, Some(time("19:00"))),
                (date("2026-07-17"), None, Some(time("19:00"))),
                (date("2026-07-24"), None, Some(time("19:00"))),
                (date("2026-07-31"), None, Some(time("19:00"))),
                // Three days in a row.
                (date("2026-08-14"), Some(date("2026-08-16")), None),
            ]
        );
        assert_eq!(o.dates[0].end_time, Some(time("23:00")));
        // Ids alone of the commune and the means of contact.
        assert_eq!(o.commune, None);
        assert_eq!(o.phones, vec!["05 55 00 00 20".to_string()]);
        assert_eq!(
            o.web.as_deref(),
            Some("https://vaux-sur-orbe.example/marche")
        );
    }

    #[test]
    fn an_itinerary_is_a_tour_and_a_shop_a_shop() {
        let json = br#"[
            {"type": "EQUIPEMENT", "id": 1, "nom": {"libelleFr": "Boucle des Trois Lacs"},
             "informationsEquipement": {
                "rubrique": {"id": 2, "libelleFr": "Itin\u00e9raires"},
                "itineraire": {"distance": 12.5, "dureeJournaliere": 240, "denivellation": 450,
                               "itineraireType": "BOUCLE"}},
             "multimedias": [
                {"type": "DOCUMENT", "traductionFichiers": [{"url": "https://x.example/tarifs.pdf"}]},
                {"type": "PLAN", "traductionFichiers": [{"url": "https://x.example/boucle.gpx", "extension": "gpx"}]}]},
            {"type": "EQUIPEMENT", "id": 2, "nom": {"libelleFr": "Train"},
             "informationsEquipement": {"itineraire": {}}},
            {"type": "COMMERCE_ET_SERVICE", "id": 3, "nom": {"libelleFr": "Cave"},
             "informationsCommerceEtService": {"commerceEtServiceType": {"id": 4, "libelleFr": "Commerce alimentaire"}}}
        ]"#;
        let objects = read(json, "data/x.json").unwrap();
        assert_eq!(objects[0].category, Category::Tour);
        assert_eq!(
            objects[0].tour,
            Some(Tour {
                distance_m: Some(12_500.0),
                ascent_m: Some(450.0),
                duration_min: Some(240),
                is_loop: Some(true),
                track_url: Some("https://x.example/boucle.gpx".into()),
                ..Tour::default()
            })
        );
        assert_eq!(
            (objects[1].category, objects[1].tour.as_ref()),
            (Category::Do, None)
        );
        assert_eq!(objects[2].category, Category::Shop);
    }

    /// An Apidae feed read from `path` (a zip or a folder of the site).
    fn apidae_source(path: &str) -> crate::config::DataSource {
        let toml = format!(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[[data]]\nformat = \"apidae\"\nname = \"apidae\"\npath = \"{path}\"\nsection = \"decouvrir\"\n"
        );
        crate::config::Config::parse(&toml).unwrap().data.remove(0)
    }

    #[test]
    fn a_structure_gives_no_page() {
        assert!(read_fixture("structure.json").is_empty());
    }

    #[test]
    fn an_export_zip_gives_its_objects_and_nothing_of_its_reference_members() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("data/export.zip");
        std::fs::create_dir_all(zip_path.parent().unwrap()).unwrap();
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let hotel: Value = serde_json::from_slice(&fixture("hotel.json")).unwrap();
        let event: Value = serde_json::from_slice(&fixture("event.json")).unwrap();
        let members: Vec<(&str, Vec<u8>)> = vec![
            (
                "objets_modifies/objets_modifies-1.json",
                serde_json::to_vec(&hotel["objetsTouristiques"]).unwrap(),
            ),
            ("objets_modifies/objets_modifies-2.json", serde_json::to_vec(&event).unwrap()),
            ("objets_supprimes.json", b"[ 9900199 ]".to_vec()),
            (
                "selections.json",
                br#"[{"id": 990, "libelle": {"libelleFr": "Val d'Orbi\u00e8re"}, "nom": "Val",
                     "objetsTouristiques": [{"type": "HOTELLERIE", "id": 9900101}]}]"#
                    .to_vec(),
            ),
            (
                "communes.json",
                br#"[{"id": 99120, "code": "99120", "nom": "Saint-Lac", "codePostal": "99120"}]"#.to_vec(),
            ),
            (
                "elements_reference.json",
                br#"[{"elementReferenceType": "Langue", "id": 1197, "libelleFr": "Fran\u00e7ais"}]"#.to_vec(),
            ),
            (
                "criteres_internes.json",
                br#"[{"id": 5, "libelle": "Coup de c\u0153ur", "commentaire": ""}]"#.to_vec(),
            ),
            ("__MACOSX/._objets_modifies", b"\0\x05\x16\x07".to_vec()),
        ];
        for (name, bytes) in members {
            zip.start_file(name, options).unwrap();
            zip.write_all(&bytes).unwrap();
        }
        zip.finish().unwrap();
        let source = apidae_source("data/export.zip");
        let objects = super::super::source::read_source(dir.path(), &source).unwrap();
        let ids: Vec<(&str, &str)> = objects
            .iter()
            .map(|o| (o.id.as_str(), o.file.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![
                (
                    "9900101",
                    "data/export.zip:objets_modifies/objets_modifies-1.json"
                ),
                (
                    "9900201",
                    "data/export.zip:objets_modifies/objets_modifies-2.json"
                ),
            ]
        );
        assert_eq!(objects[0].pointer, "$[0]");
    }

    #[test]
    fn references_given_by_id_only_are_named_by_the_exports_table() {
        use super::super::source::{ReadContext, Reading, read_feed};
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("data/export");
        std::fs::create_dir_all(&feed).unwrap();
        std::fs::write(
            feed.join("objets.json"),
            r#"[{"type": "RESTAURATION", "id": 9900301, "nom": {"libelleFr": "Le Relais"},
                "descriptionTarif": {"modesPaiement": [
                    {"elementReferenceType": "ModePaiement", "id": 1271},
                    {"elementReferenceType": "ModePaiement", "id": 1265, "libelleFr": "Esp\u00e8ces"}]},
                "prestations": {"tourismesAdaptes": [
                    {"elementReferenceType": "TourismeAdapte", "id": 3651}]}}]"#,
        )
        .unwrap();
        let table = |cheque: &str| {
            format!(
                r#"[{{"elementReferenceType": "ModePaiement", "id": 1271, "libelleFr": "{cheque}", "libelleEn": "Cheque"}},
                    {{"elementReferenceType": "TourismeAdapte", "id": 3651, "libelleFr": "Accessible en fauteuil roulant"}}]"#
            )
        };
        let source = apidae_source("data/export");
        let cache = dir.path().join("cache");
        let read = || {
            let cx = ReadContext::of_languages(&["fr"]);
            let reading = Reading {
                context: &cx,
                cache_dir: Some(&cache),
            };
            let (objects, _, write) = read_feed(dir.path(), &source, &reading);
            let objects = objects.unwrap();
            if let Some(w) = write {
                w.write(&objects);
            }
            objects
        };
        let payment =
            |o: &Object| -> Vec<String> { o.payment.iter().map(|t| t["fr"].clone()).collect() };

        // Without the table, what has no label is left out.
        let o = &read()[0];
        assert_eq!(payment(o), ["Esp\u{e8}ces"]);
        assert_eq!(o.reduced_mobility, None);

        std::fs::write(feed.join("elements_reference.json"), table("Ch\u{e8}que")).unwrap();
        let o = &read()[0];
        assert_eq!(payment(o), ["Ch\u{e8}que", "Esp\u{e8}ces"]);
        assert_eq!(o.reduced_mobility, Some(true));

        // A new table names them anew, though the objects' file is the
        // same and its objects are in the cache.
        std::fs::write(
            feed.join("elements_reference.json"),
            table("Ch\u{e8}que bancaire"),
        )
        .unwrap();
        assert_eq!(
            payment(&read()[0]),
            ["Ch\u{e8}que bancaire", "Esp\u{e8}ces"]
        );

        // A broken table names its file.
        std::fs::write(feed.join("elements_reference.json"), "{\"id\": ").unwrap();
        let cx = ReadContext::of_languages(&["fr"]);
        let reading = Reading {
            context: &cx,
            cache_dir: None,
        };
        let errors = read_feed(dir.path(), &source, &reading).0.unwrap_err();
        assert_eq!(
            errors[0].file.as_deref(),
            Some("data/export/elements_reference.json")
        );
    }

    #[test]
    fn a_wrong_typed_latitude_names_its_path() {
        let errors = read(
            &fixture("bad-latitude.json"),
            "data/apidae/bad-latitude.json",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.starts_with(
                "$[1].localisation.geolocalisation.geoJson.coordinates[1]: expected a number"
            ),
            "{}",
            errors[0].message
        );
        assert_eq!(
            errors[0].file.as_deref(),
            Some("data/apidae/bad-latitude.json")
        );
    }

    #[test]
    fn nonsense_is_an_error_not_a_panic() {
        let cases: &[(&[u8], &str)] = &[
            (b"\"hello\"", "$: expected an Apidae object"),
            (br#"[true]"#, "$[0]: expected an Apidae object"),
            (br#"{"objetsTouristiques": 3}"#, "$.objetsTouristiques: expected a list"),
            (br#"{"type": "HOTELLERIE"}"#, "$: an object without its `id`"),
            (br#"{"type": 4, "id": 1}"#, "$.type: expected text"),
            (br#"{"type": "RESTAURATION", "id": 1, "nom": 5}"#, "$.nom: expected texts per language"),
            (
                br#"{"type": "HOTELLERIE", "id": 1, "ouverture": {"periodesOuvertures": [{"dateDebut": "1er mai"}]}}"#,
                "$.ouverture.periodesOuvertures[0].dateDebut: expected a date",
            ),
            (
                br#"{"type": "HOTELLERIE", "id": 1, "illustrations": [{"dateLimiteDePublication": "bientot"}]}"#,
                "$.illustrations[0].dateLimiteDePublication: expected a date",
            ),
            (
                br#"{"type": "FETE_ET_MANIFESTATION", "id": 1, "ouverture": {"periodesOuvertures": [{"type": "OUVERTURE_TOUS_LES_JOURS"}]}}"#,
                "$.ouverture.periodesOuvertures[0]: a period of an event without its dates",
            ),
        ];
        for (bytes, expected) in cases {
            let errors = read(bytes, "data/x.json").unwrap_err();
            assert!(
                errors.iter().any(|e| e.message.contains(expected)),
                "{expected}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_truncated_file_names_line_and_column() {
        let bytes = fixture("hotel.json");
        let errors = read(&bytes[..bytes.len() * 2 / 3], "data/apidae/hotel.json").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("truncated"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].line.unwrap() > 10);
        assert!(errors[0].column.is_some());
    }

    /// Every real sample (read where it is, never copied here), the export
    /// zip through the feed reader.
    #[test]
    fn real_samples() {
        let dir = std::path::Path::new("/work/shared/data-samples/apidae");
        if !dir.exists() {
            return;
        }
        let mut objects = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            objects.extend(
                read(&bytes, &path.display().to_string())
                    .unwrap_or_else(|e| panic!("{}: {e:?}", path.display())),
            );
        }
        let source = apidae_source("json_export.zip");
        let from_zip = super::super::source::read_source(dir, &source).unwrap();
        assert_eq!(from_zip.len(), 5);
        objects.extend(from_zip);
        for o in &objects {
            assert!(!o.name.is_empty(), "{} {}", o.file, o.pointer);
            if o.category == Category::Event {
                assert!(!o.dates.is_empty(), "{} {}", o.file, o.pointer);
            }
        }
        // 5 files of one object each, less the structure, and the zip's 5.
        assert_eq!(objects.len(), 10);
    }
}
