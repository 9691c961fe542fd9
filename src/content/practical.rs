//! Practical information of a place: what a visitor reads before coming
//! (contact, opening periods, prices, accessibility, labels).
//!
//! These are the keys of `[place]` beyond its name and address. A markdown
//! page writes them by hand; a page made from a tourism data feed
//! (`content::data`) gets them from the feed. The theme renders them with
//! its strings, so opening hours read naturally in each language.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::frontmatter::FmDate;
pub use crate::config::Category;

/// A day of the week, as written in `days = ["mo", "tu"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mo,
    Tu,
    We,
    Th,
    Fr,
    Sa,
    Su,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mo,
        Day::Tu,
        Day::We,
        Day::Th,
        Day::Fr,
        Day::Sa,
        Day::Su,
    ];

    /// 0 for Monday to 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The schema.org day name (`Monday`).
    pub fn schema_name(self) -> &'static str {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][self.index()]
    }

    pub fn of(w: jiff::civil::Weekday) -> Day {
        Day::ALL[w.to_monday_zero_offset() as usize]
    }
}

/// A time of day (`"10:00"`, or a TOML local time `10:00:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(pub jiff::civil::Time);

impl Clock {
    pub fn parse(s: &str) -> Result<Clock, String> {
        let t = s.trim();
        let (h, m) = t
            .split_once([':', 'h', 'H'])
            .map(|(h, m)| (h, m.get(..2).unwrap_or(m)))
            .unwrap_or((t, "0"));
        let m = if m.is_empty() { "0" } else { m };
        match (h.trim().parse::<i8>(), m.trim().parse::<i8>()) {
            (Ok(h), Ok(m)) if (0..=24).contains(&h) && (0..60).contains(&m) => {
                // 24:00 is the end of the day: kept as the last minute.
                let time = if h == 24 {
                    jiff::civil::time(23, 59, 0, 0)
                } else {
                    jiff::civil::time(h, m, 0, 0)
                };
                Ok(Clock(time))
            }
            _ => Err(format!(
                "`{s}` is not a time of day; write it as 10:00 or 18:30"
            )),
        }
    }

    /// `10:00`.
    pub fn hhmm(self) -> String {
        format!("{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hhmm())
    }
}

impl Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hhmm())
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Clock;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time of day such as \"10:00\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Clock, E> {
                Clock::parse(v).map_err(E::custom)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Clock, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Clock::parse(&dt.to_string()).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// `[[place.hours]]`: when the place is open. Entries with the same
/// `from`/`to` form one period; an entry without days is every day; an
/// entry without times is open (hours not given). `closes` earlier than
/// `opens` runs past midnight.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub from: Option<FmDate>,
    pub to: Option<FmDate>,
    #[serde(default)]
    pub days: Vec<Day>,
    pub opens: Option<Clock>,
    pub closes: Option<Clock>,
    pub note: Option<String>,
}

impl Hours {
    /// Whether its period ended before `day` (one without `to` never ends).
    pub fn ended_before(&self, day: jiff::civil::Date) -> bool {
        self.to.is_some_and(|t| t.date() < day)
    }
}

/// `[[place.closed]]`: an exceptional closure (a day, or from–to).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub from: FmDate,
    pub to: Option<FmDate>,
    pub note: Option<String>,
}

impl Closure {
    /// Its first and last days (a `to` before `from` reads as `from`).
    pub fn span(&self) -> (jiff::civil::Date, jiff::civil::Date) {
        let from = self.from.date();
        (from, self.to.map_or(from, |t| t.date()).max(from))
    }
}

/// `[[place.prices]]`: a price or a range (`min` alone: "from").
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// What the price is for: "Adulte", "Nuitée".
    pub label: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// ISO 4217, `EUR` when not written.
    pub currency: Option<String>,
    pub note: Option<String>,
}

/// The four families of the Tourisme & Handicap label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Disability {
    Motor,
    Hearing,
    Visual,
    Mental,
}

impl Disability {
    pub const ALL: [Disability; 4] = [
        Disability::Motor,
        Disability::Hearing,
        Disability::Visual,
        Disability::Mental,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Disability::Motor => "motor",
            Disability::Hearing => "hearing",
            Disability::Visual => "visual",
            Disability::Mental => "mental",
        }
    }
}

/// `[place]`: a place (JSON-LD Place / TouristAttraction) and what a
/// visitor needs to know before coming.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceFrontMatter {
    pub name: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The kind of place for listings (`visit`, `eat`, `stay`…).
    pub category: Option<Category>,
    /// The kind as a visitor reads it: "Chambre d'hôtes", "Musée".
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub commune: Option<String>,
    pub postal_code: Option<String>,
    #[serde(default)]
    pub phone: Vec<String>,
    #[serde(default)]
    pub email: Vec<String>,
    pub web: Option<String>,
    /// A booking address (web page, or `mailto:`/`tel:`).
    pub booking: Option<String>,
    #[serde(default)]
    pub hours: Vec<Hours>,
    #[serde(default)]
    pub closed: Vec<Closure>,
    /// Free admission.
    pub free: Option<bool>,
    #[serde(default)]
    pub prices: Vec<Price>,
    #[serde(default)]
    pub payment: Vec<String>,
    /// Languages spoken (codes: `fr`, `en`).
    #[serde(default)]
    pub languages: Vec<String>,
    pub pets: Option<bool>,
    /// Tourisme & Handicap families the place is labelled for.
    #[serde(default)]
    pub accessibility: Vec<Disability>,
    /// Access for people with reduced mobility (without the label).
    pub reduced_mobility: Option<bool>,
    #[serde(default)]
    pub labels: Vec<String>,
    pub stars: Option<u8>,
    /// How many people (beds, seats, places).
    pub capacity: Option<u32>,
    #[serde(default)]
    pub amenities: Vec<String>,
}

impl PlaceFrontMatter {
    /// Whether an exceptional closure covers `day`.
    pub fn closed_on(&self, day: jiff::civil::Date) -> bool {
        self.closed.iter().any(|c| {
            let to = c.to.map_or(c.from.date(), |t| t.date());
            c.from.date() <= day && day <= to
        })
    }

    /// The hours entries a page shows on `today`: those of the periods not
    /// over yet. When every period is over (a season ended, or a feed that
    /// kept every past year), those of the period that ended last: the
    /// page still says, with its dates, when the place last opened, and
    /// no older season.
    pub fn hours_shown(&self, today: jiff::civil::Date) -> Vec<&Hours> {
        let current: Vec<&Hours> = self
            .hours
            .iter()
            .filter(|h| !h.ended_before(today))
            .collect();
        if !current.is_empty() {
            return current;
        }
        let last = self
            .hours
            .iter()
            .filter_map(|h| h.to.map(|t| (h.from.map(|f| f.date()), t.date())))
            .max_by_key(|&(from, to)| (to, from));
        self.hours
            .iter()
            .filter(|h| last == h.to.map(|t| (h.from.map(|f| f.date()), t.date())))
            .collect()
    }

    /// Whether the place opens on `day`: `None` when no hours are given;
    /// closed on an exceptional closure, outside every period, or on a day
    /// its period does not list. When every period ended before `day`,
    /// `None` too (unless a closure says closed): the hours of that day are
    /// not known, and "closed today" would be said of every place whose
    /// feed kept only past seasons.
    pub fn open_on(&self, day: jiff::civil::Date) -> Option<bool> {
        if self.hours.is_empty() {
            return None;
        }
        if self.closed_on(day) {
            return Some(false);
        }
        if self.hours.iter().all(|h| h.ended_before(day)) {
            return None;
        }
        let weekday = Day::of(day.weekday());
        Some(self.hours.iter().any(|h| {
            h.from.is_none_or(|f| f.date() <= day)
                && h.to.is_none_or(|t| day <= t.date())
                && (h.days.is_empty() || h.days.contains(&weekday))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_as_offices_write_them() {
        assert_eq!(Clock::parse("10:00").unwrap().hhmm(), "10:00");
        assert_eq!(Clock::parse("9h30").unwrap().hhmm(), "09:30");
        assert_eq!(Clock::parse("18:30:00").unwrap().hhmm(), "18:30");
        assert_eq!(Clock::parse("24:00").unwrap().hhmm(), "23:59");
        assert!(Clock::parse("25:00").is_err());
        assert!(Clock::parse("midi").is_err());
    }

    #[test]
    fn practical_keys_from_toml() {
        let p: PlaceFrontMatter = toml::from_str(
            r#"
            category = "visit"
            type = "Musée"
            phone = ["+33 4 00 00 00 00"]
            accessibility = ["motor", "hearing"]
            [[hours]]
            from = 2026-04-01
            to = 2026-09-30
            days = ["tu", "we", "th", "fr", "sa", "su"]
            opens = "10:00"
            closes = 18:00:00
            [[prices]]
            label = "Adulte"
            min = 8.5
            "#,
        )
        .unwrap();
        assert_eq!(p.category, Some(Category::Visit));
        assert_eq!(p.hours[0].days.len(), 6);
        assert_eq!(p.hours[0].closes.unwrap().hhmm(), "18:00");
        assert_eq!(
            p.accessibility,
            vec![Disability::Motor, Disability::Hearing]
        );
        let bad = toml::from_str::<PlaceFrontMatter>("category = \"zoo\"").unwrap_err();
        assert!(bad.to_string().contains("zoo"), "{bad}");
    }

    #[test]
    fn open_on_a_day_of_its_period() {
        let p: PlaceFrontMatter = toml::from_str(
            r#"
            [[hours]]
            from = 2026-04-01
            to = 2026-09-30
            days = ["tu", "we", "th", "fr", "sa", "su"]
            opens = "10:00"
            closes = "18:00"
            [[closed]]
            from = 2026-07-14
            "#,
        )
        .unwrap();
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(p.open_on(d("2026-06-02")), Some(true)); // a Tuesday
        assert_eq!(p.open_on(d("2026-06-01")), Some(false)); // a Monday
        assert_eq!(p.open_on(d("2026-07-14")), Some(false)); // closed that day
        // After its only season: not known.
        assert_eq!(p.open_on(d("2026-10-06")), None);
        // Between two seasons: closed.
        let two: PlaceFrontMatter = toml::from_str(
            "[[hours]]\nfrom = 2026-04-01\nto = 2026-09-30\n[[hours]]\nfrom = 2027-04-01\n",
        )
        .unwrap();
        assert_eq!(two.open_on(d("2026-10-06")), Some(false));
        assert_eq!(two.open_on(d("2027-04-01")), Some(true));
        assert_eq!(PlaceFrontMatter::default().open_on(d("2026-06-02")), None);
    }

    #[test]
    fn pages_show_the_periods_not_over_else_the_last_one() {
        let p: PlaceFrontMatter = toml::from_str(
            r#"
            [[hours]]
            from = 2024-04-01
            to = 2024-09-30
            days = ["sa", "su"]
            [[hours]]
            from = 2025-04-01
            to = 2025-09-30
            days = ["sa"]
            [[hours]]
            from = 2025-04-01
            to = 2025-09-30
            days = ["su"]
            opens = "14:00"
            [[hours]]
            from = 2025-10-01
            to = 2025-10-31
            [[hours]]
            from = 2026-04-01
            to = 2026-09-30
            "#,
        )
        .unwrap();
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let years = |day: &str| -> Vec<String> {
            p.hours_shown(d(day))
                .iter()
                .map(|h| format!("{}/{:?}", h.from.unwrap().date(), h.days))
                .collect()
        };
        // In 2025's season: this season's two entries, October's and next year's.
        assert_eq!(
            years("2025-06-01"),
            [
                "2025-04-01/[Sa]",
                "2025-04-01/[Su]",
                "2025-10-01/[]",
                "2026-04-01/[]"
            ]
        );
        // Its last day still counts.
        assert_eq!(years("2025-10-31"), ["2025-10-01/[]", "2026-04-01/[]"]);
        // After every period: only the last one, whatever the order written.
        assert_eq!(years("2027-01-01"), ["2026-04-01/[]"]);
        // A period without an end is never over.
        let open: PlaceFrontMatter =
            toml::from_str("[[hours]]\nfrom = 2020-01-01\n[[hours]]\nto = 2021-01-01\n").unwrap();
        assert_eq!(open.hours_shown(d("2026-01-01")).len(), 1);
        assert!(
            PlaceFrontMatter::default()
                .hours_shown(d("2026-01-01"))
                .is_empty()
        );
    }
}
