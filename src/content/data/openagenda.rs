//! OpenAgenda: events as the v2 API gives them, one file at a time. A file
//! is a list response (`{"events": [...]}`), a one-event response
//! (`{"success": true, "event": {...}}`, or `{"agenda": ..., "event": ...}`
//! as the agenda exports write it), a bare event, or an array of events.
//!
//! What an event gives: `uid`; `title`, `description` (the short text) and
//! `longDescription` (markdown, turned into plain text) per language;
//! `location` (name, address, city, postal code, INSEE code, coordinates,
//! access); every one of its `timings` (instants with their offset, read
//! in the event's time zone), or `firstTiming`/`nextTiming`/`lastTiming`
//! when a list response leaves the timings out; the image (the largest of
//! its variants) and `imageCredits`; `accessibility` (`mi` motor, `hi`
//! hearing, `vi` visual, `pi` psychic and `ii` intellectual, both of the
//! mental family); `registration` (links, e-mails, phones); `links`;
//! `conditions`; `status` (1 scheduled, 2 rescheduled, 3 moved online,
//! 4 postponed, 5 fully booked, 6 cancelled) and `attendanceMode`
//! (1 in person, 2 online, 3 both) with `onlineAccessLink`; `updatedAt`;
//! the agenda the event comes from as its producer.
//!
//! Drafts (`draft: 1`) give no object. A monolingual export
//! (`monolingual=fr`) writes texts as plain strings: they are taken as
//! French, the language of the agendas this reads.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::Value;

use super::fields::{self, Fields, child, each_of};
use super::json::{self, Node};
use super::source::ReadResult;
use super::{Attendance, Image, Object, Occurrence, Texts};
use crate::content::frontmatter::EventStatus;
use crate::content::practical::{Category, Disability};

/// Where OpenAgenda serves the files an event's image names.
const CDN: &str = "https://cdn.openagenda.com/main/";

/// Reads one file of an OpenAgenda feed.
pub fn read(bytes: &[u8], file: &str) -> ReadResult {
    let root = json::parse(bytes, file).map_err(|e| vec![e])?;
    let mut fields = Fields::new(file);
    let mut objects = Vec::new();
    let node = Node::root(&root);
    match &root {
        Value::Object(map) => {
            let agenda = map
                .get("agenda")
                .and_then(|a| a.get("title"))
                .and_then(Value::as_str);
            if map.contains_key("events") {
                each_of(&mut fields, node, "events", "a list of events", |f, ev| {
                    objects.extend(event(f, ev, agenda));
                });
            } else if map.contains_key("event") {
                json::with_key(node, "event", |ev| {
                    objects.extend(event(&mut fields, ev, agenda))
                });
            } else if map.contains_key("uid") || map.contains_key("timings") {
                objects.extend(event(&mut fields, node, None));
            } else if map.get("success") == Some(&Value::Bool(false)) {
                let why = map
                    .get("message")
                    .or_else(|| map.get("error"))
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given");
                fields.error(
                    node,
                    format_args!("this is an OpenAgenda error response, not events: {why}"),
                );
            } else {
                fields.error(
                    node,
                    "expected an OpenAgenda event, a list response ({\"events\": [...]}) or an event response ({\"event\": {...}})",
                );
            }
        }
        Value::Array(_) => json::each(node, |ev| objects.extend(event(&mut fields, ev, None))),
        v => fields.error(
            node,
            format_args!(
                "expected an OpenAgenda event or a list of events, found {}",
                json::describe(v)
            ),
        ),
    }
    fields.finish(objects)
}

/// One event, or nothing (a draft, or an event too broken to show).
fn event(f: &mut Fields<'_>, ev: Node<'_>, agenda: Option<&str>) -> Option<Object> {
    if !f.object(ev, "an event (an object)") {
        return None;
    }
    if json::with_key(ev, "draft", |n| f.bool(n)).flatten() == Some(true) {
        return None;
    }
    let mut o = Object {
        category: Category::Event,
        file: f.file.to_string(),
        pointer: ev.path(),
        ..Object::default()
    };
    match f.key_text(ev, "uid").or_else(|| f.key_text(ev, "slug")) {
        Some(id) => o.id = id,
        None => {
            f.error(ev, "an event without a `uid`");
            return None;
        }
    }
    o.name = texts(f, ev, "title");
    o.short = texts(f, ev, "description");
    o.description = texts(f, ev, "longDescription")
        .into_iter()
        .map(|(lang, md)| (lang, fields::plain_text(&md)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    o.prices_note = texts(f, ev, "conditions");

    let mut zone = f.key_text(ev, "timezone");
    let mut path = None;
    if let Some(loc) = child(ev, "location", &mut path)
        && f.object(loc, "a location (an object)")
    {
        location(f, loc, &mut o);
        zone = zone.or_else(|| f.key_text(loc, "timezone"));
    }
    let tz = zone.and_then(|z| TimeZone::get(&z).ok());
    o.dates = timings(f, ev, tz.as_ref());

    images(f, ev, &mut o);
    accessibility(f, ev, &mut o);
    registration(f, ev, &mut o);
    each_of(f, ev, "links", "a list of links", |f, l| {
        let url = match l.value {
            Value::Object(_) => f.key_text(l, "link"),
            _ => f.text(l),
        };
        if o.web.is_none() {
            o.web = url.filter(|u| is_web(u));
        }
    });

    let status = json::with_key(ev, "status", |n| code(f, n)).flatten();
    match status {
        Some(3) => o.attendance = Attendance::Online,
        Some(4) => o.status = EventStatus::Postponed,
        Some(5) => o.full = true,
        Some(6) => o.status = EventStatus::Cancelled,
        _ => {}
    }
    match json::with_key(ev, "attendanceMode", |n| code(f, n)).flatten() {
        Some(2) => o.attendance = Attendance::Online,
        Some(3) => o.attendance = Attendance::Mixed,
        _ => {}
    }
    o.online_url = f.key_text(ev, "onlineAccessLink").filter(|u| is_web(u));
    o.updated = f.key_date(ev, "updatedAt");
    o.producer = json::with_key(ev, "originAgenda", |a| match a.value {
        Value::Object(_) => f.key_text(a, "title"),
        _ => None,
    })
    .flatten()
    .or_else(|| agenda.map(str::to_string))
    .or_else(|| f.key_text(ev, "organizatorName"));
    Some(o)
}

/// Texts per language: `{"fr": "...", "en": "..."}`, or one string (taken
/// as French).
fn texts<'a>(f: &mut Fields<'_>, node: Node<'a>, key: &'a str) -> Texts {
    let mut out = Texts::new();
    json::with_key(node, key, |n| match n.value {
        Value::Object(map) => {
            for (lang, _) in map {
                json::with_key(n, lang, |t| {
                    if let Some(text) = f.text(t) {
                        out.insert(lang.to_ascii_lowercase(), text);
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
                "expected texts per language ({{\"fr\": \"...\"}}), found {}",
                json::describe(v)
            ),
        ),
    });
    out
}

/// A code written as a number, as text holding one, or as `{"id": n}`.
fn code(f: &mut Fields<'_>, n: Node<'_>) -> Option<i64> {
    let x = match n.value {
        Value::Object(_) => f.key_number(n, "id"),
        _ => f.number(n),
    }?;
    Some(x as i64)
}

fn is_web(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn location(f: &mut Fields<'_>, loc: Node<'_>, o: &mut Object) {
    o.venue = f.key_text(loc, "name");
    o.commune = f.key_text(loc, "city");
    o.postal_code = f.key_text(loc, "postalCode");
    o.insee = f.key_text(loc, "insee");
    o.lat = f.key_number(loc, "latitude");
    o.lon = f.key_number(loc, "longitude");
    check_coordinates(f, loc, o);
    if let Some(address) = f.key_text(loc, "address") {
        let (street, postal, city) =
            split_address(&address, o.postal_code.as_deref(), o.commune.as_deref());
        o.street.extend(street);
        o.postal_code = o.postal_code.take().or(postal);
        o.commune = o.commune.take().or(city);
    }
    o.directions = texts(f, loc, "access");
}

/// A latitude beyond ±90 or a longitude beyond ±180 is an error, and the
/// point is dropped.
pub(super) fn check_coordinates(f: &mut Fields<'_>, at: Node<'_>, o: &mut Object) {
    let bad = o.lat.is_some_and(|l| !(-90.0..=90.0).contains(&l))
        || o.lon.is_some_and(|l| !(-180.0..=180.0).contains(&l));
    if bad {
        f.error(
            at,
            format_args!(
                "the coordinates {}, {} are not a latitude and a longitude",
                o.lat.unwrap_or_default(),
                o.lon.unwrap_or_default()
            ),
        );
    }
    if bad || o.lat.is_none() || o.lon.is_none() {
        o.lat = None;
        o.lon = None;
    }
}

/// The street of an address written on one line ("82 rue Pierre Abélard,
/// 44330 Le Pallet, France"), and the postal code and commune it names.
fn split_address(
    address: &str,
    postal: Option<&str>,
    city: Option<&str>,
) -> (Option<String>, Option<String>, Option<String>) {
    let mut parts: Vec<&str> = address
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p.eq_ignore_ascii_case("france"))
    {
        parts.pop();
    }
    let mut found_postal = None;
    let mut found_city = None;
    // The last part starting with a postal code ("44330 Le Pallet") ends the street.
    if let Some(i) = parts.iter().rposition(|p| {
        let digits = p.bytes().take_while(u8::is_ascii_digit).count();
        digits == 5 && p.len() > 5 && p.as_bytes()[5] == b' '
    }) {
        let (code, town) = parts[i].split_at(5);
        found_postal = Some(code.to_string());
        found_city = Some(town.trim().to_string()).filter(|t| !t.is_empty());
        parts.truncate(i);
    } else if let Some(last) = parts.last() {
        let is_city = city.is_some_and(|c| same_place(last, c))
            || postal.is_some_and(|p| last.starts_with(p));
        if is_city && parts.len() > 1 {
            parts.pop();
        }
    }
    let street = parts.join(", ");
    let street =
        (!street.is_empty() && city.is_none_or(|c| !same_place(&street, c))).then_some(street);
    (street, found_postal, found_city)
}

/// "saint-jean de braye" and "Saint-Jean-de-Braye" name one commune.
fn same_place(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        deunicode::deunicode(s)
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// Every timing of the event, in the order of time; the first, next and
/// last timings when the file leaves the list out.
fn timings(f: &mut Fields<'_>, ev: Node<'_>, tz: Option<&TimeZone>) -> Vec<Occurrence> {
    let mut dates = Vec::new();
    each_of(f, ev, "timings", "a list of timings", |f, t| {
        dates.extend(timing(f, t, tz));
    });
    if dates.is_empty() {
        for key in ["firstTiming", "nextTiming", "lastTiming"] {
            let mut path = None;
            if let Some(t) = child(ev, key, &mut path) {
                dates.extend(timing(f, t, tz));
            }
        }
    }
    dates.sort_by_key(|d| (d.start_at, d.start, d.start_time));
    dates.dedup();
    dates
}

fn timing(f: &mut Fields<'_>, t: Node<'_>, tz: Option<&TimeZone>) -> Option<Occurrence> {
    if !f.object(t, "a timing ({\"begin\": ..., \"end\": ...})") {
        return None;
    }
    let begin = json::with_key(t, "begin", |n| instant(f, n, tz)).flatten();
    let Some((start_at, start)) = begin else {
        if t.value.get("begin").is_none() {
            f.error(t, "a timing without its `begin`");
        }
        return None;
    };
    let end = json::with_key(t, "end", |n| instant(f, n, tz)).flatten();
    let (end_at, end_civil) = match end {
        Some((at, civil)) if civil >= start => (at, Some(civil)),
        Some(_) => {
            f.error(t, "this timing ends before it begins");
            (None, None)
        }
        None => (None, None),
    };
    Some(Occurrence {
        start: start.date(),
        end: end_civil.map(|e| e.date()).filter(|d| *d != start.date()),
        start_time: Some(start.time()),
        end_time: end_civil.map(|e| e.time()),
        start_at,
        end_at,
    })
}

/// An instant as OpenAgenda writes it (`2025-09-20T09:30:00+02:00`, or
/// with milliseconds, or in UTC with `Z`), and the civil date and time it
/// is in the event's time zone (or at the offset written).
fn instant(
    f: &mut Fields<'_>,
    n: Node<'_>,
    tz: Option<&TimeZone>,
) -> Option<(Option<Timestamp>, jiff::civil::DateTime)> {
    use jiff::fmt::temporal::{Pieces, PiecesOffset};

    let s = f.text(n)?;
    let parsed = Pieces::parse(s.as_str()).ok().and_then(|p| {
        let dt = p.date().to_datetime(p.time()?);
        let offset = match p.offset() {
            Some(PiecesOffset::Zulu) => Some(jiff::tz::Offset::UTC),
            Some(PiecesOffset::Numeric(o)) => Some(o.offset()),
            _ => None,
        };
        Some((dt, offset))
    });
    let Some((dt, offset)) = parsed else {
        f.error(
            n,
            format_args!("expected a date and time such as 2025-09-20T09:30:00+02:00, found {s:?}"),
        );
        return None;
    };
    match offset {
        Some(off) => {
            let ts = off.to_timestamp(dt).ok()?;
            let local = match tz {
                Some(tz) => ts.to_zoned(tz.clone()).datetime(),
                None => off.to_datetime(ts),
            };
            Some((Some(ts), local))
        }
        // No offset: a civil time, in the event's zone when it has one.
        None => {
            let ts = tz.and_then(|tz| tz.to_ambiguous_zoned(dt).compatible().ok());
            Some((ts.map(|z| z.timestamp()), dt))
        }
    }
}

fn images(f: &mut Fields<'_>, ev: Node<'_>, o: &mut Object) {
    let credit = f.key_text(ev, "imageCredits");
    let url = json::with_key(ev, "image", |img| match img.value {
        Value::Null => None,
        Value::String(_) => f.text(img).filter(|u| is_web(u)),
        Value::Object(_) => image_url(f, img),
        v => {
            f.error(
                img,
                format_args!("expected an image (an object), found {}", json::describe(v)),
            );
            None
        }
    })
    .flatten();
    if let Some(url) = url {
        o.images.push(Image {
            url,
            credit,
            ..Image::default()
        });
    }
}

/// The address of the largest variant of an image: `base` and a variant's
/// `filename`.
fn image_url(f: &mut Fields<'_>, img: Node<'_>) -> Option<String> {
    let base = f.key_text(img, "base");
    let width = |f: &mut Fields<'_>, n: Node<'_>| {
        json::with_key(n, "size", |s| match s.value {
            Value::Object(_) => f.key_number(s, "width"),
            _ => None,
        })
        .flatten()
        .unwrap_or(0.0)
    };
    let mut best = f
        .key_text(img, "filename")
        .map(|name| (width(f, img), name));
    each_of(f, img, "variants", "a list of image variants", |f, v| {
        if !f.object(v, "an image variant (an object)") {
            return;
        }
        let w = width(f, v);
        if let Some(name) = f.key_text(v, "filename")
            && best.as_ref().is_none_or(|(bw, _)| w > *bw)
        {
            best = Some((w, name));
        }
    });
    let (_, name) = best?;
    if is_web(&name) {
        return Some(name);
    }
    let base = base.unwrap_or_else(|| CDN.to_string());
    if !is_web(&base) {
        return None;
    }
    let sep = if base.ends_with('/') { "" } else { "/" };
    Some(format!("{base}{sep}{name}"))
}

fn accessibility(f: &mut Fields<'_>, ev: Node<'_>, o: &mut Object) {
    let family = |code: &str| match code {
        "mi" => Some(Disability::Motor),
        "hi" => Some(Disability::Hearing),
        "vi" => Some(Disability::Visual),
        "pi" | "ii" => Some(Disability::Mental),
        _ => None,
    };
    let mut found = Vec::new();
    json::with_key(ev, "accessibility", |a| match a.value {
        Value::Object(map) => {
            for (code, _) in map {
                let yes = json::with_key(a, code, |n| f.bool(n)).flatten();
                if yes == Some(true) {
                    found.extend(family(code));
                }
            }
        }
        Value::Array(_) => json::each(a, |n| {
            if let Some(code) = f.text(n) {
                found.extend(family(&code));
            }
        }),
        Value::Null => {}
        v => f.error(
            a,
            format_args!(
                "expected accessibility flags ({{\"mi\": true}}), found {}",
                json::describe(v)
            ),
        ),
    });
    found.sort();
    found.dedup();
    o.accessibility = found;
}

/// Registration: links (the first is where to book), e-mails and phones.
fn registration(f: &mut Fields<'_>, ev: Node<'_>, o: &mut Object) {
    each_of(
        f,
        ev,
        "registration",
        "a list of registration means",
        |f, r| {
            let (kind, value) = match r.value {
                Value::Object(_) => (f.key_text(r, "type"), f.key_text(r, "value")),
                _ => (None, f.text(r)),
            };
            let Some(value) = value else { return };
            let kind = kind.unwrap_or_else(|| {
                if is_web(&value) {
                    "link".into()
                } else if value.contains('@') {
                    "email".into()
                } else {
                    "phone".into()
                }
            });
            match kind.as_str() {
                "link" if is_web(&value) && o.booking.is_none() => o.booking = Some(value),
                "email" => push_new(&mut o.emails, value),
                "phone" if value.chars().filter(char::is_ascii_digit).count() >= 4 => {
                    push_new(&mut o.phones, value)
                }
                _ => {}
            }
        },
    );
}

pub(super) fn push_new(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/data/openagenda"
    );

    fn fixture(name: &str) -> (Vec<u8>, String) {
        let path = format!("{FIXTURES}/{name}");
        (std::fs::read(&path).unwrap(), format!("data/agenda/{name}"))
    }

    fn read_fixture(name: &str) -> Vec<Object> {
        let (bytes, file) = fixture(name);
        read(&bytes, &file).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn date(s: &str) -> jiff::civil::Date {
        s.parse().unwrap()
    }

    fn time(s: &str) -> jiff::civil::Time {
        s.parse().unwrap()
    }

    #[test]
    fn an_event_with_three_timings_in_two_languages() {
        let objects = read_fixture("events.json");
        assert_eq!(objects.len(), 2);
        let o = &objects[0];
        assert_eq!(o.id, "41000001");
        assert_eq!(o.pointer, "$.events[0]");
        assert_eq!(o.file, "data/agenda/events.json");
        assert_eq!(o.category, Category::Event);
        assert_eq!(o.name["fr"], "Fête de la pomme à Orbière");
        assert_eq!(o.name["en"], "Orbière apple festival");
        assert_eq!(o.short["en"], "Three days of cider, music and orchards.");
        assert_eq!(
            o.description["fr"],
            "Programme\n\n• Vendredi : marché des producteurs\n• Samedi : bal\n\n\
             Réservez sur le site du comité (https://comite.orbiere.example/fete)."
        );
        assert_eq!(o.venue.as_deref(), Some("Halle aux grains"));
        assert_eq!(o.street, vec!["2 place du Marché".to_string()]);
        assert_eq!(o.postal_code.as_deref(), Some("99110"));
        assert_eq!(o.commune.as_deref(), Some("Orbière"));
        assert_eq!(o.insee.as_deref(), Some("99110"));
        assert_eq!((o.lat, o.lon), (Some(46.1234), Some(2.5678)));
        assert_eq!(o.directions["fr"], "Navette depuis la gare de Saint-Lac.");
        // Every timing, in the event's zone, with its instant.
        assert_eq!(o.dates.len(), 3);
        let first = &o.dates[0];
        assert_eq!(first.start, date("2026-09-18"));
        assert_eq!(first.start_time, Some(time("18:00")));
        assert_eq!(first.end, None);
        assert_eq!(first.end_time, Some(time("23:00")));
        assert_eq!(
            first.start_at,
            Some("2026-09-18T16:00:00Z".parse::<Timestamp>().unwrap())
        );
        // Written in UTC, read in Europe/Paris.
        assert_eq!(o.dates[1].start, date("2026-09-19"));
        assert_eq!(o.dates[1].start_time, Some(time("10:00")));
        // A timing past midnight ends the next day.
        assert_eq!(o.dates[2].start, date("2026-09-19"));
        assert_eq!(o.dates[2].end, Some(date("2026-09-20")));
        assert_eq!(o.dates[2].end_time, Some(time("01:00")));
        assert_eq!(
            o.images,
            vec![Image {
                url: "https://cdn.openagenda.com/main/pomme.full.jpg".into(),
                credit: Some("© Comité des fêtes d'Orbière".into()),
                ..Image::default()
            }]
        );
        assert_eq!(o.accessibility, vec![Disability::Motor, Disability::Mental]);
        assert_eq!(
            o.booking.as_deref(),
            Some("https://comite.orbiere.example/billets")
        );
        assert_eq!(o.phones, vec!["05 55 00 00 01".to_string()]);
        assert_eq!(o.emails, vec!["fete@orbiere.example".to_string()]);
        assert_eq!(
            o.web.as_deref(),
            Some("https://comite.orbiere.example/fete")
        );
        assert_eq!(o.prices_note["fr"], "Entrée libre, repas 12 €");
        assert_eq!(o.status, EventStatus::Scheduled);
        assert!(!o.full);
        assert_eq!(o.attendance, Attendance::InPerson);
        assert_eq!(o.updated, Some(date("2026-06-02")));
        assert_eq!(o.producer.as_deref(), Some("Agenda du Val d'Orbière"));
    }

    #[test]
    fn hostile_text_is_kept_as_text() {
        let objects = read_fixture("events.json");
        let o = &objects[1];
        assert_eq!(o.name["fr"], "<script>alert('Saint-Lac')</script> Concert");
        // Tags of the long description are dropped, what they hold kept,
        // scripts removed.
        assert_eq!(o.description["fr"], "Un concert & un verre.");
        // A fully booked event, attended online too.
        assert!(o.full);
        assert_eq!(o.attendance, Attendance::Mixed);
        assert_eq!(
            o.online_url.as_deref(),
            Some("https://live.saint-lac.example/concert")
        );
        // No location: no address, no point.
        assert_eq!((o.lat, o.commune.as_ref()), (None, None));
        // Without timings, the first and last ones of a list response.
        assert_eq!(o.dates.len(), 2);
        assert_eq!(o.dates[1].start, date("2026-10-03"));
    }

    #[test]
    fn a_cancelled_event_from_an_event_response() {
        let objects = read_fixture("cancelled.json");
        assert_eq!(objects.len(), 1);
        let o = &objects[0];
        assert_eq!(o.pointer, "$.event");
        assert_eq!(o.status, EventStatus::Cancelled);
        assert_eq!(o.name["fr"], "Randonnée des crêtes de Vaux-sur-Orbe");
        assert_eq!(o.commune.as_deref(), Some("Vaux-sur-Orbe"));
        assert_eq!(o.street, vec!["Parking de l'église".to_string()]);
        assert_eq!(o.postal_code.as_deref(), Some("99130"));
        assert_eq!(o.dates.len(), 1);
        // The agenda of the response is the producer when the event names none.
        assert_eq!(o.producer.as_deref(), Some("Val d'Orbière Tourisme"));
    }

    #[test]
    fn bare_events_arrays_and_drafts() {
        let bare = br#"{"uid": 7, "title": {"fr": "Conte"}, "status": {"id": 4},
            "timings": [{"begin": "2026-01-10T15:00:00+01:00", "end": "2026-01-10T16:00:00+01:00"}]}"#;
        let o = &read(bare, "data/a.json").unwrap()[0];
        assert_eq!((o.id.as_str(), o.pointer.as_str()), ("7", "$"));
        assert_eq!(o.status, EventStatus::Postponed);
        // Without a time zone, the offset written.
        assert_eq!(o.dates[0].start_time, Some(time("15:00")));

        let list = br#"[{"uid": 1, "title": "Marche", "draft": 1}, {"uid": 2, "title": "Bal"}]"#;
        let objects = read(list, "data/b.json").unwrap();
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].name["fr"], "Bal");
        assert_eq!(objects[0].pointer, "$[1]");

        assert!(
            read(br#"{"success": true, "events": []}"#, "data/c.json")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_wrong_typed_latitude_names_its_path() {
        let (bytes, file) = fixture("bad-latitude.json");
        let errors = read(&bytes, &file).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .message
                .starts_with("$.events[2].location.latitude: expected a number"),
            "{}",
            errors[0].message
        );
        assert_eq!(
            errors[0].file.as_deref(),
            Some("data/agenda/bad-latitude.json")
        );
    }

    #[test]
    fn nonsense_is_an_error_not_a_panic() {
        let cases: &[(&[u8], &str)] = &[
            (b"42", "$: expected an OpenAgenda event"),
            (br#"{"events": {"uid": 1}}"#, "$.events: expected a list of events"),
            (br#"{"events": [3]}"#, "$.events[0]: expected an event"),
            (br#"{"uid": 1, "title": ["x"]}"#, "$.title: expected texts per language"),
            (
                br#"{"uid": 1, "timings": [{"begin": "demain"}]}"#,
                "$.timings[0].begin: expected a date and time",
            ),
            (
                br#"{"uid": 1, "timings": [{"begin": "2026-01-02T10:00:00Z", "end": "2026-01-01T10:00:00Z"}]}"#,
                "$.timings[0]: this timing ends before it begins",
            ),
            (br#"{"title": {"fr": "x"}, "timings": []}"#, "$: an event without a `uid`"),
            (
                br#"{"uid": 1, "accessibility": {"mi": "peut-etre"}}"#,
                "$.accessibility.mi: expected true or false",
            ),
            (
                br#"{"uid": 1, "location": {"latitude": 95, "longitude": 2}}"#,
                "$.location: the coordinates 95, 2",
            ),
            (br#"{"success": false, "message": "invalid key"}"#, "invalid key"),
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
        let (bytes, file) = fixture("events.json");
        let cut = &bytes[..bytes.len() / 2];
        let errors = read(cut, &file).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("truncated"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].line.unwrap() > 10);
        assert!(errors[0].column.is_some());
    }

    #[test]
    fn addresses_on_one_line() {
        assert_eq!(
            split_address("82 rue Haute, 99110 Orbière, France", None, None),
            (
                Some("82 rue Haute".into()),
                Some("99110".into()),
                Some("Orbière".into())
            )
        );
        assert_eq!(
            split_address("Place de la Mairie, Saint-Lac", None, Some("Saint-Lac")),
            (Some("Place de la Mairie".into()), None, None)
        );
        assert_eq!(
            split_address("Saint-Lac", None, Some("Saint-Lac")),
            (None, None, None)
        );
        assert_eq!(
            split_address("6 rue Basse, saint lac", None, Some("Saint-Lac")),
            (Some("6 rue Basse".into()), None, None)
        );
    }

    /// Every real sample (read where they are, never copied here) gives
    /// events with a name and at least one date.
    #[test]
    fn real_samples() {
        let dir = std::path::Path::new("/work/shared/data-samples/openagenda");
        if !dir.exists() {
            return;
        }
        let mut files = 0;
        let mut events = 0;
        let mut dates = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let objects = read(&bytes, &path.display().to_string())
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            files += 1;
            for o in &objects {
                assert!(!o.name.is_empty(), "{} {}", path.display(), o.pointer);
                assert!(!o.dates.is_empty(), "{} {}", path.display(), o.pointer);
                events += 1;
                dates += o.dates.len();
            }
        }
        assert_eq!((files, events), (9, 14));
        assert!(dates > 600, "{dates}");
    }
}
