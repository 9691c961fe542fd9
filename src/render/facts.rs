//! A page's key facts: `page.facts`, the box a visitor reads at a glance
//! under the title (duration, distance, access, price, booking).
//!
//! Each fact is the editor's own words from `[facts]` when given, else
//! what the page's trail, place or event already says: the trail's
//! distance and estimated time, the place's access for people with
//! reduced mobility, its admission or first price, and its booking
//! address or the event's. Nothing is made up: a fact no source gives is
//! left out, and the box with it.

use serde::Serialize;

use crate::content::frontmatter::Facts;
use crate::render::practical::PlaceView;
use crate::render::trail::TrailView;
use crate::theme::Strings;

/// One key fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactView {
    /// `duration`, `distance`, `access`, `price` or `booking` (the
    /// pictogram's id in the theme's sprite).
    pub key: &'static str,
    /// "Durée", "Tarif"…
    pub label: String,
    /// The fact in words; for `booking`, the link's text.
    pub value: String,
    /// The booking address (null for the other facts).
    pub href: Option<String>,
}

/// What the page's other blocks say that a key fact can show.
#[derive(Default)]
pub struct Sources<'a> {
    pub written: Option<&'a Facts>,
    pub trail: Option<&'a TrailView>,
    pub place: Option<&'a PlaceView>,
    /// The event's booking address, while the event is on.
    pub event_booking: Option<&'a str>,
}

/// The page's key facts in reading order. Empty when the editor wrote
/// none and fewer than two come from the place or the event: one fact
/// alone, or a trail's figures alone, repeat the block below rather than
/// sum the page up.
pub fn key_facts(src: &Sources<'_>, strings: &Strings) -> Vec<FactView> {
    let label = |key: &str, fallback: &str| {
        strings
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    };
    let written = src.written.cloned().unwrap_or_default();
    let trail_fact = |key: &str| {
        src.trail
            .and_then(|t| t.facts.iter().find(|f| f.key == key))
            .map(|f| f.value.clone())
    };
    let place = src.place;
    let mut out = Vec::new();
    let mut push = |key: &'static str, fallback: &str, value: Option<String>, href| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            out.push(FactView {
                key,
                label: label(&format!("fact_{key}"), fallback),
                value,
                href,
            });
        }
    };
    push(
        "duration",
        "Duration",
        written.duration.clone().or_else(|| trail_fact("duration")),
        None,
    );
    push(
        "distance",
        "Distance",
        written.distance.clone().or_else(|| trail_fact("distance")),
        None,
    );
    push(
        "access",
        "Access",
        written
            .access
            .clone()
            .or_else(|| place.and_then(|p| p.reduced_mobility.clone())),
        None,
    );
    push(
        "price",
        "Price",
        written.price.clone().or_else(|| {
            place.and_then(|p| {
                p.admission.clone().or_else(|| {
                    p.prices.first().and_then(|f| {
                        let amount = f.amount.clone()?;
                        Some(match &f.label {
                            Some(l) => format!("{l} {amount}"),
                            None => amount,
                        })
                    })
                })
            })
        }),
        None,
    );
    let booking = written
        .booking
        .clone()
        .or_else(|| place.and_then(|p| p.booking.clone()))
        .or_else(|| src.event_booking.map(String::from));
    if let Some(href) = booking {
        push(
            "booking",
            "Booking",
            Some(label("book", "Book")),
            Some(href),
        );
    }
    let has_written = src.written.is_some_and(|f| f != &Facts::default());
    // A trail's own block already shows its figures: they complete a box
    // the editor or the place starts, and make none on their own.
    let derived = out
        .iter()
        .filter(|f| !(src.trail.is_some() && matches!(f.key, "duration" | "distance")))
        .count();
    if !has_written && derived < 2 {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::trail::Fact;

    fn strings(lang: &str) -> Strings {
        crate::theme::builtin_strings(lang)
    }

    fn trail(facts: &[(&'static str, &str)]) -> TrailView {
        let mut t = crate::render::trail::empty_view();
        t.facts = facts
            .iter()
            .map(|(k, v)| Fact {
                key: k,
                label: k.to_string(),
                value: v.to_string(),
            })
            .collect();
        t
    }

    #[test]
    fn the_editor_s_words_come_first_then_the_trail_s_figures() {
        let t = trail(&[("distance", "6,6 km"), ("duration", "2 h (estimation)")]);
        let written = Facts {
            duration: Some("Une demi-journée".into()),
            price: Some("Gratuit".into()),
            booking: Some("https://resa.example.fr/".into()),
            ..Facts::default()
        };
        let facts = key_facts(
            &Sources {
                written: Some(&written),
                trail: Some(&t),
                ..Sources::default()
            },
            &strings("fr"),
        );
        let got: Vec<(&str, &str, &str)> = facts
            .iter()
            .map(|f| (f.key, f.label.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("duration", "Durée", "Une demi-journée"),
                ("distance", "Distance", "6,6 km"),
                ("price", "Tarif", "Gratuit"),
                ("booking", "Réservation", "Réserver"),
            ]
        );
        assert_eq!(facts[3].href.as_deref(), Some("https://resa.example.fr/"));
    }

    #[test]
    fn one_fact_alone_makes_no_box_unless_the_editor_wrote_it() {
        let t = trail(&[("distance", "6,6 km")]);
        let alone = Sources {
            trail: Some(&t),
            ..Sources::default()
        };
        assert!(key_facts(&alone, &strings("en")).is_empty());
        let written = Facts {
            access: Some("Parking 200 m away".into()),
            ..Facts::default()
        };
        let with = Sources {
            written: Some(&written),
            ..Sources::default()
        };
        let facts = key_facts(&with, &strings("en"));
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].label, "Access");
        // A trail's figures with one more fact still make no box: the
        // trail's block shows them.
        let event = Sources {
            trail: Some(&t),
            event_booking: Some("https://x.fr/book"),
            ..Sources::default()
        };
        assert!(key_facts(&event, &strings("en")).is_empty());
    }
}
