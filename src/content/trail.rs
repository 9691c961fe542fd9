//! A page's trail: `trail = "boucle.gpx"` in front matter, or a `[trail]`
//! table with the file and what the file cannot say (the activity, a
//! duration or difficulty of the office's own, the start with its parking
//! and public transport, the steps). [`load`] reads each trail file once
//! (translations of a bundle share it), in parallel, and gives each page
//! its [`Trail`]: the track's figures and profile (`geo`), its steps and its
//! time. Pages made from a trail data feed (`data::randonnee`) get theirs
//! from the feed's geometry through [`Trail::of_tour`].
//!
//! It must not format anything for a reader: `render::trail` does, in the
//! page's language.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::Page;
use crate::error::{Diagnostic, display_path};
pub use crate::geo::Activity;
use crate::geo::{self, Figures, Track, profile::Profile};

/// How hard a trail is, as French trail guides grade it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Difficulty {
    VeryEasy,
    Easy,
    Medium,
    Hard,
    VeryHard,
}

impl Difficulty {
    pub fn key(self) -> &'static str {
        match self {
            Difficulty::VeryEasy => "very_easy",
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
            Difficulty::VeryHard => "very_hard",
        }
    }
}

/// A duration written in front matter: minutes (`150`) or text (`"2h30"`,
/// `"2 h 30"`, `"45 min"`, `"1:15"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Minutes(pub u32);

impl Minutes {
    pub fn parse(s: &str) -> Result<Minutes, String> {
        let t = s.trim().to_ascii_lowercase().replace(' ', "");
        let bad = || {
            format!(
                "`{s}` is not a duration; write it as \"2h30\", \"45 min\" or a number of minutes"
            )
        };
        let n = |x: &str| x.parse::<u32>().map_err(|_| bad());
        let minutes = if let Some(m) = t.strip_suffix("min") {
            n(m)?
        } else if let Some((h, m)) = t.split_once(['h', ':']) {
            let m = m.strip_suffix("min").unwrap_or(m);
            let m = if m.is_empty() { 0 } else { n(m)? };
            if m >= 60 {
                return Err(bad());
            }
            n(h)?
                .checked_mul(60)
                .and_then(|h| h.checked_add(m))
                .ok_or_else(bad)?
        } else {
            n(&t)?
        };
        if minutes == 0 {
            return Err(bad());
        }
        Ok(Minutes(minutes))
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Minutes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as \"2h30\" or a number of minutes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Minutes, E> {
                Minutes::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Minutes, E> {
                u32::try_from(v)
                    .ok()
                    .filter(|m| *m > 0)
                    .map(Minutes)
                    .ok_or_else(|| E::custom(format!("{v} is not a number of minutes")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Minutes, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
        }
        d.deserialize_any(V)
    }
}

/// A step along the way (`[[trail.steps]]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    /// A sentence on what to see or do there.
    pub note: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// `trail`: a file name, or a table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrailFrontMatter {
    /// The track (GPX, KML or GeoJSON), beside the page or under `static/`
    /// with a leading `/`.
    pub file: Option<String>,
    /// `walking` (the default), `cycling`, `mtb`, `horse`.
    pub activity: Option<Activity>,
    /// The time the office gives, instead of the estimate.
    pub duration: Option<Minutes>,
    pub difficulty: Option<Difficulty>,
    /// Where it starts, in words ("Place de l'église, Orbière").
    pub start: Option<String>,
    pub parking: Option<String>,
    /// Public transport to the start.
    pub transport: Option<String>,
    /// Roads to the start.
    pub access: Option<String>,
    /// Who can take it (wheelchairs, pushchairs…), in words.
    pub accessibility: Option<String>,
    /// The signs to follow ("yellow paint marks").
    pub waymarking: Option<String>,
    /// Difficult passages, safety, equipment.
    pub advice: Option<String>,
    /// The steps; without them, the waypoints of the file.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// `trail = "boucle.gpx"` or a `[trail]` table.
pub fn deserialize_trail<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Box<TrailFrontMatter>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = TrailFrontMatter;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a track file name (\"boucle.gpx\") or a [trail] table")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<TrailFrontMatter, E> {
            Ok(TrailFrontMatter {
                file: Some(v.to_string()),
                ..TrailFrontMatter::default()
            })
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TrailFrontMatter, A::Error> {
            TrailFrontMatter::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(V).map(|t| Some(Box::new(t)))
}

/// A trail as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    /// The figures shown: the track's, but for those a trail feed
    /// declares (its distance always; its climb and highest and lowest
    /// points when the track has no elevations).
    pub figures: Figures,
    /// The distance measured on the track, metres.
    pub measured_m: f64,
    /// The distance the feed declares, metres.
    pub declared_m: Option<f64>,
    /// Walked back the way it came (a feed's `aller-retour`).
    pub out_and_back: bool,
    pub profile: Option<Profile>,
    pub activity: Activity,
    /// The time shown: the front matter's, or the estimate.
    pub minutes: u32,
    /// Whether `minutes` is the rule's estimate (not the office's figure).
    pub estimated: bool,
    pub difficulty: Option<Difficulty>,
    pub start: Option<String>,
    pub parking: Option<String>,
    pub transport: Option<String>,
    pub access: Option<String>,
    pub accessibility: Option<String>,
    pub waymarking: Option<String>,
    pub advice: Option<String>,
    pub steps: Vec<Step>,
    /// The track file, relative to the site (or the feed's file).
    pub file: String,
    /// The track as read: drawn, offered for download, checked.
    pub track: Arc<Track>,
}

/// A text of the trail as written, trimmed; none when blank.
fn text(t: &Option<String>) -> Option<String> {
    t.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
}

impl Trail {
    /// The trail of `track` with what `fm` says.
    pub fn new(track: Arc<Track>, fm: &TrailFrontMatter, file: String) -> Trail {
        let figures = geo::figures::figures(&track);
        let activity = fm.activity.unwrap_or_default();
        let estimate = activity.minutes(
            figures.distance_m,
            figures.ascent_m.unwrap_or(0.0),
            figures.descent_m.unwrap_or(0.0),
        );
        let steps = if fm.steps.is_empty() {
            track
                .waypoints
                .iter()
                .filter(|w| !w.name.trim().is_empty())
                .map(|w| Step {
                    name: w.name.trim().to_string(),
                    note: None,
                    lat: Some(w.point.lat),
                    lon: Some(w.point.lon),
                })
                .collect()
        } else {
            fm.steps.clone()
        };
        Trail {
            profile: geo::profile::profile(&track),
            activity,
            minutes: fm.duration.map_or(estimate, |m| m.0),
            estimated: fm.duration.is_none(),
            difficulty: fm.difficulty,
            start: text(&fm.start),
            parking: text(&fm.parking),
            transport: text(&fm.transport),
            access: text(&fm.access),
            accessibility: text(&fm.accessibility),
            waymarking: text(&fm.waymarking),
            advice: text(&fm.advice),
            steps,
            file,
            measured_m: figures.distance_m,
            declared_m: None,
            out_and_back: false,
            figures,
            track,
        }
    }

    /// The trail of a feed's tour (a `schema_randonnee` feature, a
    /// DATAtourisme tour whose track `blason sync` downloaded) along
    /// `track`: what the feed says of it, and its declared figures
    /// shown instead of the measured ones. The feed's distance is the
    /// producer's, measured on the full track (and in three dimensions,
    /// for Geotrek's); the geometry a feed ships is often thinned, which
    /// shortens it: `check` warns only beyond [`DISTANCE_TOLERANCE`].
    pub fn of_tour(tour: &super::data::Tour, track: Arc<Track>, file: String) -> Trail {
        let fm = TrailFrontMatter {
            activity: tour.activity,
            duration: tour.duration_min.filter(|m| *m > 0).map(Minutes),
            difficulty: tour.difficulty,
            start: tour.start.clone(),
            parking: tour.parking.clone(),
            transport: tour.transport.clone(),
            access: tour.road_access.clone(),
            accessibility: tour.accessibility.clone(),
            waymarking: tour.waymarking.clone(),
            advice: tour.advice.clone(),
            ..TrailFrontMatter::default()
        };
        let mut trail = Trail::new(track, &fm, file);
        let f = &mut trail.figures;
        let declared = tour.distance_m.filter(|d| d.is_finite() && *d > 0.0);
        if let Some(d) = declared {
            f.distance_m = d;
        }
        trail.declared_m = declared;
        if !geo::figures::has_elevations(&trail.track) {
            f.ascent_m = tour.ascent_m.or(f.ascent_m);
            f.descent_m = tour.descent_m.or(f.descent_m);
            let extreme = |ele: Option<f64>| {
                ele.filter(|e| e.is_finite())
                    .map(|ele| geo::figures::Extreme { ele, at_m: 0.0 })
            };
            f.highest = extreme(tour.highest_m).or(f.highest);
            f.lowest = extreme(tour.lowest_m).or(f.lowest);
        }
        if let Some(l) = tour.is_loop {
            f.is_loop = l;
        }
        trail.out_and_back = tour.out_and_back;
        if trail.estimated {
            trail.minutes = trail.activity.minutes(
                f.distance_m,
                f.ascent_m.unwrap_or(0.0),
                f.descent_m.unwrap_or(0.0),
            );
        }
        trail
    }
}

impl Trail {
    /// The trail of a feed's tour whose track is not at hand (a
    /// DATAtourisme tour before `blason sync` downloaded its GPX): the
    /// figures the feed declares, starting at the object's position. No
    /// profile, no download, nothing near it. `None` without a declared
    /// distance or a position: there is nothing to show at a glance.
    pub fn declared(
        tour: &super::data::Tour,
        lat: Option<f64>,
        lon: Option<f64>,
        file: String,
    ) -> Option<Trail> {
        let distance_m = tour.distance_m.filter(|d| d.is_finite() && *d > 0.0)?;
        let start = geo::point(lat?, lon?, None).ok()?;
        let extreme = |ele: Option<f64>| {
            ele.filter(|e| e.is_finite())
                .map(|ele| geo::figures::Extreme { ele, at_m: 0.0 })
        };
        let figures = Figures {
            distance_m,
            ascent_m: tour.ascent_m,
            descent_m: tour.descent_m,
            highest: extreme(tour.highest_m),
            lowest: extreme(tour.lowest_m),
            is_loop: tour.is_loop.unwrap_or(false),
            start,
            end: start,
            points: 0,
        };
        let activity = tour.activity.unwrap_or_default();
        let estimate = activity.minutes(
            distance_m,
            tour.ascent_m.unwrap_or(0.0),
            tour.descent_m.unwrap_or(0.0),
        );
        Some(Trail {
            figures,
            measured_m: 0.0,
            declared_m: None,
            out_and_back: tour.out_and_back,
            profile: None,
            activity,
            minutes: tour.duration_min.filter(|m| *m > 0).unwrap_or(estimate),
            estimated: tour.duration_min.is_none_or(|m| m == 0),
            difficulty: tour.difficulty,
            start: text(&tour.start),
            parking: text(&tour.parking),
            transport: text(&tour.transport),
            access: text(&tour.road_access),
            accessibility: text(&tour.accessibility),
            waymarking: text(&tour.waymarking),
            advice: text(&tour.advice),
            steps: Vec::new(),
            file,
            track: Arc::new(Track::default()),
        })
    }

    /// Whether the track itself is at hand (not only declared figures).
    pub fn has_track(&self) -> bool {
        self.track.point_count() > 0
    }
}

/// How far a feed's declared distance and the one measured on its track
/// may differ before `check` says so: 5 %. The feeds' tracks are thinned
/// and flat, so they measure short of the producer's figure (0.3 % to
/// 2.1 % on the eight Cévennes trails of the national schema's sample);
/// beyond 5 %, the track is likely another trail's, or cut short.
pub const DISTANCE_TOLERANCE: f64 = 0.05;

/// Reads the trail file of every page that names one and gives the page
/// its [`Trail`]; returns the errors (a file outside the site, missing,
/// of an unknown kind, or malformed), each naming the page or the file.
pub fn load(root: &Path, pages: &mut [Page]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    // Each page's file, resolved; files read once.
    let mut wanted: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        let Some(written) = p.fm.trail.as_ref().and_then(|t| t.file.as_deref()) else {
            if p.fm.trail.is_some() && p.trail.is_none() {
                errors.push(
                    Diagnostic::error("trail-file", "[trail] has no `file`")
                        .file(p.file.rel.clone())
                        .help("name the track beside the page: file = \"boucle.gpx\""),
                );
            }
            continue;
        };
        match crate::paths::resolve_content_path(root, &p.dir, written) {
            Ok(path) => wanted.entry(path).or_default().push(i),
            Err(why) => errors.push(
                Diagnostic::error("trail-file", format!("trail = \"{written}\" {why}"))
                    .file(p.file.rel.clone())
                    .help("put the track beside the page's index.md and name it: trail = \"boucle.gpx\""),
            ),
        }
    }
    let mut files: Vec<(PathBuf, Vec<usize>)> = wanted.into_iter().collect();
    files.sort();
    let read: Vec<(Vec<usize>, Result<Track, Diagnostic>, String)> = files
        .into_par_iter()
        .map(|(path, users)| {
            let rel = display_path(&path, root);
            let track = read_file(&path, root, &rel);
            (users, track, rel)
        })
        .collect();
    for (users, track, rel) in read {
        match track {
            Ok(track) => {
                let track = Arc::new(track);
                for i in users {
                    let fm = pages[i].fm.trail.clone().unwrap_or_default();
                    pages[i].trail =
                        Some(Arc::new(Trail::new(Arc::clone(&track), &fm, rel.clone())));
                }
            }
            Err(d) => {
                let used = pages[users[0]].file.rel.clone();
                errors.push(d.cause(format!("named by `trail` in {used}")));
            }
        }
    }
    errors
}

fn read_file(path: &Path, root: &Path, rel: &str) -> Result<Track, Diagnostic> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = geo::Format::of_extension(ext).ok_or_else(|| {
        Diagnostic::error(
            "trail-file",
            format!("`{rel}` is not a track file blason reads"),
        )
        .file(rel.to_string())
        .help("a trail is a .gpx, .kml or .geojson file")
    })?;
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::io(path, root, "read the trail file", &e))?;
    if meta.len() > geo::MAX_BYTES {
        return Err(Diagnostic::error(
            "trail-file",
            format!(
                "the track file is {} MB; blason reads track files up to {} MB",
                meta.len() / (1024 * 1024),
                geo::MAX_BYTES / (1024 * 1024)
            ),
        )
        .file(rel.to_string())
        .help("simplify the track (one point every few metres is plenty) before publishing it"));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::io(path, root, "read the trail file", &e))?;
    geo::read(&bytes, format, rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Fm {
        #[serde(default, deserialize_with = "deserialize_trail")]
        trail: Option<Box<TrailFrontMatter>>,
    }

    #[test]
    fn a_file_name_or_a_table() {
        let a: Fm = toml::from_str("trail = \"boucle.gpx\"").unwrap();
        assert_eq!(a.trail.unwrap().file.as_deref(), Some("boucle.gpx"));
        let b: Fm = toml::from_str(
            r#"
            [trail]
            file = "boucle.gpx"
            activity = "mtb"
            duration = "2h30"
            difficulty = "very-hard"
            parking = "Parking du lac"
            [[trail.steps]]
            name = "Belvédère"
            "#,
        )
        .unwrap();
        let t = b.trail.unwrap();
        assert_eq!(t.activity, Some(Activity::Mtb));
        assert_eq!(t.duration, Some(Minutes(150)));
        assert_eq!(t.difficulty, Some(Difficulty::VeryHard));
        assert_eq!(t.steps[0].name, "Belvédère");
        let typo =
            toml::from_str::<Fm>("[trail]\nfile = \"a.gpx\"\nactivty = \"mtb\"").unwrap_err();
        assert!(typo.to_string().contains("activty"), "{typo}");
        let bad = toml::from_str::<Fm>("[trail]\nactivity = \"skiing\"").unwrap_err();
        assert!(bad.to_string().contains("skiing"), "{bad}");
    }

    #[test]
    fn a_tour_without_its_track_shows_what_it_declares() {
        let tour = crate::content::data::Tour {
            distance_m: Some(16_200.0),
            ascent_m: Some(100.0),
            is_loop: Some(true),
            activity: Some(Activity::Cycling),
            ..crate::content::data::Tour::default()
        };
        let t = Trail::declared(&tour, Some(47.8), Some(0.5), "f.json".into()).unwrap();
        assert!(!t.has_track());
        assert_eq!(t.figures.distance_m, 16_200.0);
        assert_eq!(t.figures.ascent_m, Some(100.0));
        assert!(t.figures.is_loop && t.profile.is_none());
        // 16.2 km at 15 km/h, 100 m at 600 m an hour: 1.25 h.
        assert_eq!((t.minutes, t.estimated), (75, true));
        assert!(Trail::declared(&tour, None, Some(0.5), "f.json".into()).is_none());
        let none = crate::content::data::Tour::default();
        assert!(Trail::declared(&none, Some(47.8), Some(0.5), "f.json".into()).is_none());
    }

    #[test]
    fn durations_as_offices_write_them() {
        assert_eq!(Minutes::parse("2h30"), Ok(Minutes(150)));
        assert_eq!(Minutes::parse("2 h 30"), Ok(Minutes(150)));
        assert_eq!(Minutes::parse("3h"), Ok(Minutes(180)));
        assert_eq!(Minutes::parse("45 min"), Ok(Minutes(45)));
        assert_eq!(Minutes::parse("1:15"), Ok(Minutes(75)));
        assert_eq!(Minutes::parse("90"), Ok(Minutes(90)));
        assert!(Minutes::parse("2h75").is_err());
        assert!(Minutes::parse("longtemps").is_err());
        assert!(Minutes::parse("0").is_err());
        assert!(Minutes::parse("99999999h").is_err());
    }

    #[test]
    fn steps_come_from_the_file_unless_written_and_duration_overrides() {
        let track = Track {
            segments: vec![vec![
                geo::Point {
                    lat: 46.0,
                    lon: 5.0,
                    ele: Some(500.0),
                },
                geo::Point {
                    lat: 46.1,
                    lon: 5.0,
                    ele: Some(700.0),
                },
            ]],
            waypoints: vec![geo::Waypoint {
                name: " Croix ".into(),
                point: geo::Point {
                    lat: 46.05,
                    lon: 5.0,
                    ele: None,
                },
            }],
        };
        let track = Arc::new(track);
        let t = Trail::new(
            Arc::clone(&track),
            &TrailFrontMatter::default(),
            "t.gpx".into(),
        );
        assert_eq!(t.steps[0].name, "Croix");
        assert!(t.estimated);
        // 11.1 km at 4 km/h = 2.78 h; 200 m up = 0.67 h: 2.78 + 0.33 = 3.11 h.
        assert_eq!(t.minutes, 185);
        let fm = TrailFrontMatter {
            duration: Some(Minutes(200)),
            steps: vec![Step {
                name: "Source".into(),
                ..Step::default()
            }],
            ..TrailFrontMatter::default()
        };
        let t = Trail::new(track, &fm, "t.gpx".into());
        assert_eq!((t.minutes, t.estimated), (200, false));
        assert_eq!(t.steps[0].name, "Source");
    }
}
