//! Front matter: split from the markdown, parsed (TOML `+++` or YAML `---`), validated.
//!
//! The keys are SPEC.md's plus Zola's page and section keys, with Zola's
//! meaning, so that a Zola site's content builds. Any other key is an error that
//! suggests the nearest known one; a wrong type is reported with the file's line
//! and column (not the front matter's). This module knows nothing of URLs or of
//! the site: it turns text into typed front matter.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::error::toml_diagnostic;
use crate::error::{Diagnostic, suggest};

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterFormat {
    Toml,
    Yaml,
}

/// A markdown file cut in two: front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: FrontMatterFormat,
    pub front_matter: &'a str,
    /// 1-based line of the file where the front matter text starts.
    pub front_matter_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// A fingerprint of a file's front matter (its syntax and text): equal
/// fingerprints, equal front matter.
pub fn fingerprint(split: &Split<'_>) -> [u8; 32] {
    *blake3::Hasher::new()
        .update(format!("{:?}\n", split.format).as_bytes())
        .update(split.front_matter.as_bytes())
        .finalize()
        .as_bytes()
}

/// Cuts a markdown file into front matter and body. Blank lines before the
/// opening `+++` or `---` are allowed, as Zola allows them.
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut open_at = 0;
    let mut open_line = 1;
    loop {
        let end = text[open_at..]
            .find('\n')
            .map_or(text.len(), |i| open_at + i);
        if !text[open_at..end].trim().is_empty() || end == text.len() {
            break;
        }
        open_at = end + 1;
        open_line += 1;
    }
    let first_end = text[open_at..]
        .find('\n')
        .map_or(text.len(), |i| open_at + i);
    let first = text[open_at..first_end].trim();
    let (format, fence) = match first {
        "+++" => (FrontMatterFormat::Toml, "+++"),
        "---" => (FrontMatterFormat::Yaml, "---"),
        _ => {
            return Err(Diagnostic::error(
                "front-matter",
                "the file does not start with front matter",
            )
            .at(open_line, 1)
            .help("put the page's settings between two `+++` lines at the very top, e.g.\n+++\ntitle = \"Le lac\"\n+++"));
        }
    };
    let fm_start = (first_end + 1).min(text.len());
    let mut pos = fm_start;
    let mut line = open_line + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == fence {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                format,
                front_matter: &text[fm_start..pos],
                front_matter_line: open_line + 1,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        pos = end + 1;
        line += 1;
    }
    Err(Diagnostic::error(
        "front-matter",
        format!("the front matter opened with `{fence}` on line {open_line} is never closed"),
    )
    .at(open_line, 1)
    .help(format!(
        "add a line with only `{fence}` after the last setting"
    )))
}

/// A date as written in front matter: a day, or a date and time with or without offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FmDate {
    pub datetime: jiff::civil::DateTime,
    /// True when only a day was written (`2026-09-11`): an all-day event.
    pub date_only: bool,
    /// The UTC offset, when one was written.
    pub offset: Option<jiff::tz::Offset>,
}

/// Where a right to publish (a photo's or a post's `until`) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rights {
    Current,
    /// Ends within [`RIGHTS_NOTICE_DAYS`]: `check` warns.
    EndingSoon,
    /// Ended: the photo or post is left out.
    Ended,
}

/// How many days before a right ends the warning starts.
pub const RIGHTS_NOTICE_DAYS: i64 = 30;

impl FmDate {
    pub fn date(&self) -> jiff::civil::Date {
        self.datetime.date()
    }

    /// A right that runs to the end of this day (in `tz`), seen at the
    /// clock's now: it ends soon from `RIGHTS_NOTICE_DAYS` days before.
    pub fn rights_at(&self, clock: &crate::clock::Clock, tz: &jiff::tz::TimeZone) -> Rights {
        let end = self.date().tomorrow().map_or(self.timestamp(tz), |d| {
            FmDate {
                datetime: d.to_datetime(jiff::civil::Time::midnight()),
                date_only: true,
                offset: None,
            }
            .timestamp(tz)
        });
        let notice = end.checked_sub(jiff::SignedDuration::from_hours(24 * RIGHTS_NOTICE_DAYS));
        if clock.reached(end) {
            Rights::Ended
        } else if notice.map_or(true, |n| clock.reached(n)) {
            Rights::EndingSoon
        } else {
            Rights::Current
        }
    }

    /// The instant, reading times without an offset in `tz`.
    pub fn timestamp(&self, tz: &jiff::tz::TimeZone) -> jiff::Timestamp {
        match self.offset {
            Some(off) => off
                .to_timestamp(self.datetime)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            None => tz
                .to_ambiguous_zoned(self.datetime)
                .compatible()
                .map(|z| z.timestamp())
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        }
    }

    /// RFC 3339 / ISO 8601 text: `2026-06-01` or `2026-07-14T21:00:00+02:00`.
    pub fn iso(&self) -> String {
        if self.date_only {
            return self.datetime.date().to_string();
        }
        let dt = self.datetime.strftime("%Y-%m-%dT%H:%M:%S").to_string();
        match self.offset {
            Some(off) => {
                let secs = off.seconds();
                let sign = if secs < 0 { '-' } else { '+' };
                let a = secs.unsigned_abs();
                format!("{dt}{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
            None => dt,
        }
    }

    pub fn parse(s: &str) -> Result<FmDate, String> {
        let s = s.trim();
        if let Ok(d) = s.parse::<jiff::civil::Date>()
            && s.len() <= 10
        {
            return Ok(FmDate {
                datetime: d.to_datetime(jiff::civil::Time::midnight()),
                date_only: true,
                offset: None,
            });
        }
        let normal = s.replacen(' ', "T", 1);
        if let Ok(ts) = normal.parse::<jiff::Timestamp>() {
            // Keep the written offset: find it at the end of the text.
            let off = parse_offset_suffix(&normal).unwrap_or(jiff::tz::Offset::UTC);
            let dt = off.to_datetime(ts);
            return Ok(FmDate {
                datetime: dt,
                date_only: false,
                offset: Some(off),
            });
        }
        if let Ok(dt) = normal.parse::<jiff::civil::DateTime>() {
            return Ok(FmDate {
                datetime: dt,
                date_only: false,
                offset: None,
            });
        }
        Err(format!(
            "`{s}` is not a date; write 2026-07-14, or 2026-07-14T21:00:00+02:00 for a time"
        ))
    }
}

fn parse_offset_suffix(s: &str) -> Option<jiff::tz::Offset> {
    if s.ends_with('Z') || s.ends_with('z') {
        return Some(jiff::tz::Offset::UTC);
    }
    let tail = s.get(s.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let h: i32 = tail.get(1..3)?.parse().ok()?;
    let m: i32 = tail.get(4..6)?.parse().ok()?;
    jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

impl fmt::Display for FmDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for FmDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for FmDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FmDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date (2026-07-14) or a date and time (2026-07-14T21:00:00+02:00)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FmDate, E> {
                FmDate::parse(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FmDate, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                FmDate::parse(&dt.to_string()).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// `[card]`: the page's social card.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub template: Option<String>,
    pub focus: Option<[f64; 2]>,
    pub alt: Option<String>,
}

/// `[share]`: texts for share links and kits.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShareFrontMatter {
    pub text: Option<String>,
    pub x: Option<String>,
    pub facebook: Option<String>,
    pub linkedin: Option<String>,
    pub whatsapp: Option<String>,
    pub bluesky: Option<String>,
    pub mastodon: Option<String>,
    pub instagram: Option<String>,
    pub threads: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// A share kit for this page (docs/share.md): `true` or `false` overrides
    /// which pages get one by default.
    pub kit: Option<bool>,
    /// `[share.schedule]`: when the page is to be posted on which network
    /// (the publishing calendar, docs/share.md).
    pub schedule: Option<super::schedule::Schedule>,
}

pub use super::practical::PlaceFrontMatter;

/// The status of an event (schema.org eventStatus).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    #[default]
    Scheduled,
    Cancelled,
    Postponed,
}

/// `[event]`: an event (JSON-LD Event, .ics, agenda).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventFrontMatter {
    pub start: FmDate,
    pub end: Option<FmDate>,
    pub location: Option<String>,
    pub booking_url: Option<String>,
    #[serde(default)]
    pub status: EventStatus,
    pub rrule: Option<String>,
    /// More occurrences, each with its own start and end (an event on
    /// several dates that no rule describes).
    #[serde(default)]
    pub dates: Vec<EventDate>,
}

/// `[facts]`: what a visitor wants to know at a glance, as the editor
/// words it. Each is optional; a trail, a place or an event gives what
/// is not written here (render::facts).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// "2 h 30", "une demi-journée".
    pub duration: Option<String>,
    /// "8,5 km".
    pub distance: Option<String>,
    /// How to get there or who can: "Parking à 200 m, accessible en fauteuil".
    pub access: Option<String>,
    /// "Gratuit", "12 € / adulte".
    pub price: Option<String>,
    /// Where to book: a web address, `mailto:` or `tel:`.
    pub booking: Option<String>,
}

/// `[[event.dates]]`: one more occurrence of an event.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventDate {
    pub start: FmDate,
    pub end: Option<FmDate>,
}

/// Front matter of a page.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    // The tables most pages lack are boxed: a page is 2,248 bytes with them
    // inline, 920 so, times every page of a region's portal.
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<FmDate>,
    pub updated: Option<FmDate>,
    #[serde(default)]
    pub draft: bool,
    pub pillar: Option<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub publish_until: Option<FmDate>,
    pub card: Option<Box<CardFrontMatter>>,
    pub share: Option<Box<ShareFrontMatter>>,
    pub place: Option<Box<PlaceFrontMatter>>,
    pub event: Option<Box<EventFrontMatter>>,
    /// A trail: its track file (`trail = "boucle.gpx"`) or a `[trail]`
    /// table (docs/trails.md).
    #[serde(default, deserialize_with = "super::trail::deserialize_trail")]
    pub trail: Option<Box<super::trail::TrailFrontMatter>>,
    /// The id of an object of a tourism data feed this page adds to (its
    /// editorial text, gallery, card); the feed fills the rest.
    pub data_id: Option<String>,
    /// A must-see the office chooses: the home page's « Incontournables »
    /// (by weight, then title).
    #[serde(default)]
    pub featured: bool,
    /// `[facts]`: the page's key facts, written by its editor (docs/content.md).
    pub facts: Option<Box<Facts>>,
    // Zola's page keys.
    pub slug: Option<String>,
    pub path: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub taxonomies: IndexMap<String, Vec<String>>,
    pub in_search_index: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// How a section sorts its pages (Zola's `sort_by`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    Date,
    /// Most recently updated first.
    #[serde(alias = "update_date")]
    Updated,
    Title,
    #[serde(rename = "title_bytes")]
    TitleBytes,
    Weight,
    Slug,
    #[default]
    None,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub card: Option<CardFrontMatter>,
    pub share: Option<ShareFrontMatter>,
    // Zola's section keys.
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub weight: i64,
    pub template: Option<String>,
    pub page_template: Option<String>,
    #[serde(default)]
    pub paginate_by: usize,
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub paginate_reversed: bool,
    pub insert_anchor_links: Option<String>,
    pub in_search_index: Option<bool>,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    #[serde(default)]
    pub transparent: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub generate_feeds: Option<bool>,
    /// Blocks of places picked by what they offer (`[[selection]]`), shown
    /// by the theme on the home page, a pillar's or a section's page.
    #[serde(default, rename = "selection")]
    pub selections: Vec<Selection>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The most places one selection shows.
pub const SELECTION_MAX: usize = 24;

/// A block of places (`[[selection]]` of a section's front matter): the
/// pages with a `[place]` below the section (of its pillar, on a pillar's
/// page; of the whole site, on the home page) that match every condition
/// given, those with a photo first, then by title.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// The block's heading.
    pub title: String,
    /// Kinds of place (`visit`, `eat`, `stay`, `do`, `shop`, …); any when empty.
    #[serde(default)]
    pub kinds: Vec<crate::config::Category>,
    /// Only the places of this commune.
    pub commune: Option<String>,
    /// Only the places with this label (its first words suffice:
    /// "Gîtes de France" matches "Gîtes de France 3 épis").
    pub label: Option<String>,
    /// Only the places open on the day the site is built.
    #[serde(default)]
    pub open_today: bool,
    /// Only the places with a Tourisme & Handicap family or reduced
    /// mobility access.
    #[serde(default)]
    pub accessible: bool,
    /// Only the places that welcome pets.
    #[serde(default)]
    pub pets: bool,
    /// How many at most (6 when not said; up to 24).
    pub limit: Option<usize>,
}

/// A value that parses but cannot be right, at the key it was written under.
pub struct Problem {
    key: &'static str,
    message: String,
    help: &'static str,
}

/// Front matter whose values are checked beyond their types.
pub trait Checked {
    /// The text values a visitor or a card reads, with their keys.
    fn texts(&self) -> Vec<(&'static str, &str)>;
    /// The addresses written (links a visitor follows), with their keys.
    fn urls(&self) -> Vec<(&'static str, &str)>;
    /// Other problems (numbers out of range).
    fn others(&self) -> Vec<Problem> {
        Vec::new()
    }
}

fn card_texts(card: Option<&CardFrontMatter>) -> Vec<(&'static str, &str)> {
    let Some(c) = card else { return Vec::new() };
    [
        ("title", c.title.as_deref()),
        ("description", c.description.as_deref()),
        ("alt", c.alt.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect()
}

fn share_texts(share: Option<&ShareFrontMatter>) -> Vec<(&'static str, &str)> {
    let Some(s) = share else { return Vec::new() };
    let mut out: Vec<(&'static str, &str)> = [
        ("text", &s.text),
        ("x", &s.x),
        ("facebook", &s.facebook),
        ("linkedin", &s.linkedin),
        ("whatsapp", &s.whatsapp),
        ("bluesky", &s.bluesky),
        ("mastodon", &s.mastodon),
        ("instagram", &s.instagram),
        ("email", &s.email),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    .collect();
    out.extend(s.hashtags.iter().map(|h| ("hashtags", h.as_str())));
    out
}

fn focus_problem(card: Option<&CardFrontMatter>) -> Option<Problem> {
    let [x, y] = card?.focus?;
    let ok = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
    (!(ok(x) && ok(y))).then(|| Problem {
        key: "focus",
        message: format!("[card] focus = [{x}, {y}] is not a point of the photo"),
        help: "write the focal point as two numbers from 0 to 1, e.g. focus = [0.5, 0.35]",
    })
}

impl Checked for PageFrontMatter {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = [
            ("title", self.title.as_deref()),
            ("description", self.description.as_deref()),
            ("cover_alt", self.cover_alt.as_deref()),
            ("name", self.place.as_ref().and_then(|p| p.name.as_deref())),
            (
                "address",
                self.place.as_ref().and_then(|p| p.address.as_deref()),
            ),
            (
                "location",
                self.event.as_ref().and_then(|e| e.location.as_deref()),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        if let Some(f) = &self.facts {
            out.extend(
                [
                    ("duration", f.duration.as_deref()),
                    ("distance", f.distance.as_deref()),
                    ("access", f.access.as_deref()),
                    ("price", f.price.as_deref()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v))),
            );
        }
        out.extend(self.tags.iter().map(|t| ("tags", t.as_str())));
        out.extend(self.authors.iter().map(|a| ("authors", a.as_str())));
        out.extend(card_texts(self.card.as_deref()));
        out.extend(share_texts(self.share.as_deref()));
        out
    }

    fn urls(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = self
            .event
            .as_ref()
            .and_then(|e| e.booking_url.as_deref())
            .map(|u| ("booking_url", u))
            .into_iter()
            .collect();
        out.extend(self.cover.as_deref().map(|c| ("cover", c)));
        out.extend(self.aliases.iter().map(|a| ("aliases", a.as_str())));
        out.extend(
            self.facts
                .as_ref()
                .and_then(|f| f.booking.as_deref())
                .map(|u| ("booking", u)),
        );
        if let Some(place) = &self.place {
            out.extend(place.web.as_deref().map(|u| ("web", u)));
            out.extend(place.booking.as_deref().map(|u| ("booking", u)));
        }
        out
    }

    fn others(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = focus_problem(self.card.as_deref()).into_iter().collect();
        if let Some(place) = &self.place {
            for (key, value, limit) in [("lat", place.lat, 90.0), ("lon", place.lon, 180.0)] {
                if let Some(v) = value
                    && !(v.is_finite() && v.abs() <= limit)
                {
                    out.push(Problem {
                        key,
                        message: format!("[place] {key} = {v} is not a coordinate"),
                        help: "write latitude and longitude in decimal degrees (WGS 84), e.g. lat = 46.91, lon = 5.87",
                    });
                }
            }
        }
        out
    }
}

impl Checked for SectionFrontMatter {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = [
            ("title", self.title.as_deref()),
            ("description", self.description.as_deref()),
            ("cover_alt", self.cover_alt.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        out.extend(card_texts(self.card.as_ref()));
        out.extend(share_texts(self.share.as_ref()));
        out.extend(self.selections.iter().map(|s| ("title", s.title.as_str())));
        out
    }

    fn urls(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = self
            .redirect_to
            .as_deref()
            .map(|u| ("redirect_to", u))
            .into_iter()
            .collect();
        out.extend(self.cover.as_deref().map(|c| ("cover", c)));
        out.extend(self.aliases.iter().map(|a| ("aliases", a.as_str())));
        out
    }

    fn others(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = focus_problem(self.card.as_ref()).into_iter().collect();
        if self.share.as_ref().is_some_and(|s| s.schedule.is_some()) {
            out.push(Problem {
                key: "share.schedule",
                message: "a section has no share kit, so its posts cannot be scheduled ([share.schedule])".to_string(),
                help: "schedule the section's pages instead, each in its own front matter",
            });
        }
        for sel in &self.selections {
            if sel.title.trim().is_empty() {
                out.push(Problem {
                    key: "title",
                    message: "a `[[selection]]` has an empty `title`".to_string(),
                    help: "give the block a heading, such as title = \"Ouvert aujourd'hui\"",
                });
            }
            if let Some(n) = sel.limit
                && !(1..=SELECTION_MAX).contains(&n)
            {
                out.push(Problem {
                    key: "limit",
                    message: format!(
                        "`limit = {n}` in the `[[selection]]` \"{}\": a selection shows 1 to {SELECTION_MAX} places",
                        sel.title
                    ),
                    help: "link to the full listing for more",
                });
            }
        }
        out
    }
}

/// A character that has no place in text meant for a page or a card:
/// control characters (but tab and line breaks) and Unicode noncharacters.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| is_forbidden(c))
}

/// One character of [`forbidden_char`]'s kind.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c as u32, 0xFDD0..=0xFDEF)
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// Checks the values of parsed front matter; each problem is placed at the
/// line of its key.
pub fn check<T: Checked>(fm: &T, split: &Split<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (key, text) in fm.texts() {
        if let Some(c) = forbidden_char(text) {
            problems.push(Problem {
                key,
                message: format!("`{key}` holds the invisible character U+{:04X}", c as u32),
                help: "retype the text, or paste it as plain text: the character was copied with it",
            });
        }
    }
    for (key, url) in fm.urls() {
        if let Some(scheme) = crate::url::unsafe_scheme(url) {
            problems.push(Problem {
                key,
                message: format!("`{key}` is a `{scheme}:` address, which blason never publishes"),
                help: "write an https:// address, or a path of the site",
            });
        }
    }
    problems.extend(fm.others());
    problems
        .into_iter()
        .map(|p| {
            let d = Diagnostic::error("front-matter", p.message).help(p.help);
            match key_line(split.front_matter, p.key) {
                Some(line) => d.line(line + split.front_matter_line - 1),
                None => d,
            }
        })
        .collect()
}

/// The first line of `text` that sets `key` (`key =`, `key:`), or opens
/// the table `[key]` (`share.schedule`), from 1.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
                || l.trim_end()
                    .strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .is_some_and(|t| t.trim() == key)
        })
        .map(|i| i + 1)
}

/// Parses front matter text into `T`, reporting errors at the file's line and column.
pub fn parse<T: for<'de> Deserialize<'de>>(split: &Split<'_>) -> Result<T, Diagnostic> {
    let line_offset = split.front_matter_line - 1;
    match split.format {
        FrontMatterFormat::Toml => toml::from_str(split.front_matter)
            .map_err(|e| toml_diagnostic(&e, split.front_matter, line_offset, "front matter")),
        FrontMatterFormat::Yaml => {
            if split.front_matter.trim().is_empty() {
                return serde_yaml_ng::from_str("{}").map_err(|e| yaml_diagnostic(&e, line_offset));
            }
            if let Some(at) = flow_too_deep(split.front_matter, MAX_FLOW_DEPTH) {
                let (line, col) = crate::error::line_col(split.front_matter, at);
                return Err(Diagnostic::error(
                    "front-matter",
                    format!(
                        "the front matter nests lists and tables more than {MAX_FLOW_DEPTH} deep"
                    ),
                )
                .at(line + line_offset, col)
                .help("front matter holds a few values; write lists as [\"a\", \"b\"]"));
            }
            serde_yaml_ng::from_str(split.front_matter)
                .map_err(|e| yaml_diagnostic(&e, line_offset))
        }
    }
}

/// How deep `[` and `{` may nest in YAML front matter. The YAML reader
/// takes time quadratic in the depth (50,000 levels: seconds), and no page
/// needs more than a few.
const MAX_FLOW_DEPTH: usize = 64;

/// Where YAML flow collections first nest deeper than `max`, outside
/// quoted strings and comments; one pass over the text.
fn flow_too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (quote, b) {
            _ if comment => comment = b != b'\n',
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') if i == 0 || bytes[i - 1].is_ascii_whitespace() => comment = true,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn yaml_diagnostic(err: &serde_yaml_ng::Error, line_offset: usize) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; keep the message alone.
    let msg = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    // serde_yaml puts the key path first: "draft: invalid type: ...".
    let (key, msg) = match msg.split_once(": ") {
        Some((k, rest))
            if !k.contains(' ') && !k.is_empty() && rest.starts_with("invalid type") =>
        {
            (Some(k.to_string()), rest.to_string())
        }
        _ => (None, msg),
    };
    let mut d = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let end = rest.find('`').unwrap_or(rest.len());
        let field = &rest[..end];
        let expected: Vec<&str> = rest[end..].split('`').skip(1).step_by(2).collect();
        let d = Diagnostic::error("unknown-key", format!("unknown key `{field}`"));
        match suggest(field, expected.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d,
        }
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let d = match key {
            Some(k) => Diagnostic::error("front-matter", format!("wrong type for `{k}`: {rest}")),
            None => Diagnostic::error("front-matter", format!("wrong type: {rest}")),
        };
        // `title: [Nouveau] Le lac` is a list to YAML, `{…}` a table.
        if (rest.starts_with("sequence") || rest.starts_with("map"))
            && rest.ends_with("expected a string")
        {
            d.help("in YAML, text that starts with `[` or `{` is read as a list or a table: put the text in quotes")
        } else {
            d
        }
    } else if msg.starts_with("missing field") || msg.starts_with("unknown variant") {
        Diagnostic::error("front-matter", msg)
    } else {
        Diagnostic::error("front-matter", format!("the front matter is not valid YAML: {msg}"))
            .help("check the indentation, the `:` after each key and the closing brackets; text with `:` or `#` needs quotes")
    };
    if let Some(loc) = err.location() {
        d = d.at(loc.line() + line_offset, loc.column());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(s.format, FrontMatterFormat::Toml);
        assert_eq!(s.front_matter, "title = \"a\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        let s = split("---\r\ntitle: a\r\n---\r\nbody").unwrap();
        assert_eq!(s.format, FrontMatterFormat::Yaml);
        assert_eq!(s.front_matter, "title: a\r\n");
        assert_eq!(s.body, "body");
        let s = split("\u{feff}+++\n+++").unwrap();
        assert_eq!(s.front_matter, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn values_that_parse_but_cannot_be_right_are_errors_at_their_line() {
        let text = "+++\ntitle = \"Le\\u001b lac\"\ndescription = \"a\\uFFFEb\"\naliases = [\"javascript:alert(1)\"]\n[card]\nfocus = [nan, inf]\n[place]\nlat = nan\nlon = 200.0\n[event]\nstart = 2026-07-14\nbooking_url = \" JavaScript:alert(1)\"\n+++\n";
        let page = split(text).unwrap();
        let fm: PageFrontMatter = parse(&page).unwrap();
        let found: Vec<(Option<usize>, String)> = check(&fm, &page)
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect();
        let expect = [
            (2, "`title` holds the invisible character U+001B"),
            (3, "`description` holds the invisible character U+FFFE"),
            (12, "`booking_url` is a `javascript:` address"),
            (4, "`aliases` is a `javascript:` address"),
            (6, "[card] focus = [NaN, inf]"),
            (8, "[place] lat = NaN"),
            (9, "[place] lon = 200"),
        ];
        assert_eq!(found.len(), expect.len(), "{found:#?}");
        for ((line, message), (l, m)) in found.iter().zip(expect) {
            assert_eq!(*line, Some(l), "{message}");
            assert!(message.starts_with(m), "{message} / {m}");
        }
        let fine = split("+++\ntitle = \"Tab\\tand line\\nbreak\"\n+++\n").unwrap();
        let fm: PageFrontMatter = parse(&fine).unwrap();
        assert!(check(&fm, &fine).is_empty());
    }

    #[test]
    fn deeply_nested_yaml_is_refused_before_it_is_read() {
        let deep = format!(
            "---\ntitle: a\nextra: {}{}\n---\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let e = parse::<PageFrontMatter>(&split(&deep).unwrap()).unwrap_err();
        assert!(e.message.contains("more than 64 deep"), "{}", e.message);
        assert_eq!((e.line, e.column), (Some(3), Some(72)));
        // Brackets in quotes and comments do not count; 64 levels are read.
        let quoted = format!("title: \"{}\" # {}\n", "[".repeat(100), "{".repeat(100));
        assert_eq!(flow_too_deep(&quoted, 64), None);
        let ok = format!("x: {}{}\n", "[".repeat(64), "]".repeat(64));
        assert_eq!(flow_too_deep(&ok, 64), None);
        assert_eq!(
            flow_too_deep(&format!("x: {}", "{".repeat(65)), 64),
            Some(67)
        );
    }

    #[test]
    fn blank_lines_before_the_front_matter_are_allowed_as_zola_allows_them() {
        let s = split("\n\n  \n+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(s.front_matter, "title = \"a\"\n");
        assert_eq!((s.front_matter_line, s.body_line), (5, 7));
        // Errors keep the lines of the file.
        let e = parse::<PageFrontMatter>(&split("\n\n+++\ntitle = 1\n+++\n").unwrap()).unwrap_err();
        assert_eq!(e.line, Some(4));
        let e = split("\n\n# Titre\n").unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_explained() {
        let e = split("# Titre\n").unwrap_err();
        assert!(e.help.unwrap().contains("+++"));
        let e = split("+++\ntitle = \"a\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn page_keys_unknown_key_and_wrong_type() {
        let text = "+++\ntitle = \"Lac\"\ntitel = \"x\"\n+++\n";
        let e = parse::<PageFrontMatter>(&split(text).unwrap()).unwrap_err();
        assert_eq!(e.message, "unknown key `titel`");
        assert_eq!(e.help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(e.line, Some(3));

        let text = "+++\ntitle = \"Lac\"\ndraft = \"yes\"\n+++\n";
        let e = parse::<PageFrontMatter>(&split(text).unwrap()).unwrap_err();
        assert!(e.message.starts_with("wrong type"), "{}", e.message);
        assert_eq!((e.line, e.column), (Some(3), Some(9)));

        let text = "---\ntitle: Lac\ndraft: [1]\n---\n";
        let e = parse::<PageFrontMatter>(&split(text).unwrap()).unwrap_err();
        assert!(e.message.starts_with("wrong type"), "{}", e.message);
        assert_eq!(e.line, Some(3));
        assert_eq!(e.help, None);

        // Unquoted text that YAML reads as a list or a table.
        for text in [
            "---\ntitle: [Nouveau] Le lac\n---\n",
            "---\ntitle: [unclosed\ndescription: x\n---\n",
            "---\ntitle: {Le lac}\n---\n",
        ] {
            let e = parse::<PageFrontMatter>(&split(text).unwrap()).unwrap_err();
            assert_eq!((e.line, e.column), (Some(2), Some(8)), "{text}");
            assert!(
                e.help.as_deref().unwrap().contains("`[` or `{`"),
                "{text}: {e:?}"
            );
        }
    }

    #[test]
    fn dates_in_toml_and_yaml() {
        let text = "+++\ndate = 2026-06-01\n[event]\nstart = 2026-07-14T21:00:00+02:00\n+++\n";
        let fm: PageFrontMatter = parse(&split(text).unwrap()).unwrap();
        assert!(fm.date.unwrap().date_only);
        let start = fm.event.unwrap().start;
        assert_eq!(start.iso(), "2026-07-14T21:00:00+02:00");
        let text = "---\ndate: 2026-06-01\nupdated: \"2026-06-02 10:00:00\"\n---\n";
        let fm: PageFrontMatter = parse(&split(text).unwrap()).unwrap();
        assert_eq!(fm.date.unwrap().iso(), "2026-06-01");
        assert_eq!(fm.updated.unwrap().iso(), "2026-06-02T10:00:00");
    }

    #[test]
    fn zola_section_keys_are_accepted() {
        let text = "+++\ntitle = \"T\"\nsort_by = \"date\"\npaginate_by = 10\ntransparent = true\ninsert_anchor_links = \"right\"\n[extra]\nx = 1\n+++\n";
        let fm: SectionFrontMatter = parse(&split(text).unwrap()).unwrap();
        assert_eq!(fm.sort_by, SortBy::Date);
        assert_eq!(fm.paginate_by, 10);
    }

    proptest::proptest! {
        #[test]
        fn splitter_never_panics(s in "\\PC*") {
            let _ = split(&s);
            let plus = format!("+++\n{s}");
            if let Ok(sp) = split(&plus) {
                let _ = parse::<PageFrontMatter>(&sp);
            }
            let dash = format!("---\n{s}\n---\n");
            if let Ok(sp) = split(&dash) {
                let _ = parse::<PageFrontMatter>(&sp);
            }
        }
    }
}
