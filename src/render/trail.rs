//! A trail's key facts and elevation profile (`page.trail`), written here
//! in the page's language so that `partials/trail.html` only lays them out.
//!
//! The profile is an inline SVG drawn from the track's thinned samples
//! (`geo::profile`): a `viewBox` and no size, so it fits any width; no
//! `style` attribute, only classes of the theme's stylesheet (`profile-*`),
//! so it works under the strict CSP; `role="img"` named by the figure's
//! caption, which summarises it, and a table of the elevation every
//! kilometre (or 2, 5, 10 km on long trails) as its text alternative.
//! Every text in the SVG is escaped; the template marks it safe.
//!
//! It must not read files or compute figures: `content::trail` did.

use serde::Serialize;

use crate::content::trail::Trail;
use crate::geo::profile::Profile;
use crate::theme::Strings;

/// One key fact: a class name (`distance`, `ascent`…), its label and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub key: &'static str,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepView {
    pub name: String,
    pub note: Option<String>,
}

/// A row of the profile's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowView {
    pub distance: String,
    pub elevation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileView {
    /// The drawing (markup made here, every text escaped).
    pub svg: String,
    /// What the drawing shows, in a sentence: the figure's caption.
    pub summary: String,
    /// "Elevation every 1 km".
    pub table_caption: String,
    pub rows: Vec<RowView>,
}

/// The track offered for download.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DownloadView {
    /// Its address from the site's root (`/tourisme/boucle/boucle.gpx`).
    pub path: String,
    pub permalink: String,
    /// The file's name, for the link's `download` attribute.
    pub name: String,
}

/// A place or an event near the track.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearbyView {
    pub title: String,
    pub permalink: String,
    /// `place` or `event`.
    pub kind: &'static str,
    /// "on the trail", "250 m from the trail".
    pub distance: String,
    pub distance_m: f64,
}

/// `page.trail`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrailView {
    /// In reading order: distance, time, ascent, descent, highest and
    /// lowest points, difficulty, route, activity, start, parking,
    /// transport (each only when known).
    pub facts: Vec<Fact>,
    pub steps: Vec<StepView>,
    pub profile: Option<ProfileView>,
    /// The map (`render::map`), when the build drew one.
    pub map: Option<super::map::MapView>,
    /// The sentence shown instead of a profile when the file has no
    /// elevations (null when there is a profile).
    pub no_profile: Option<String>,
    /// `walking`, `cycling`, `mtb`, `horse`.
    pub activity: &'static str,
    pub distance_m: f64,
    pub is_loop: bool,
    /// The cleaned GPX of the track (null until the page's address is
    /// known: [`with_download`]).
    pub download: Option<DownloadView>,
    /// The site's places and events within [`NEARBY_RADIUS_M`] of the
    /// track, nearest first, at most [`NEARBY_MAX`].
    pub nearby: Vec<NearbyView>,
}

/// How far from the track a place or an event is "near the trail".
pub const NEARBY_RADIUS_M: f64 = 1000.0;
/// The most places and events listed near a trail.
pub const NEARBY_MAX: usize = 8;

struct Words<'a> {
    s: &'a Strings,
}

impl Words<'_> {
    fn get(&self, key: &str) -> String {
        self.s
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        super::practical::fill(&self.get(key), values)
    }

    fn metres(&self, m: f64) -> String {
        self.fill(
            "trail_metres",
            &[("n", &self.s.format_number(m.round(), Some(0)))],
        )
    }

    /// Kilometres: one decimal under 100 km, none above or when whole.
    fn km(&self, m: f64) -> String {
        let km = m / 1000.0;
        let decimals = if km >= 100.0 || (km * 10.0).round() % 10.0 == 0.0 {
            0
        } else {
            1
        };
        let rounded = if decimals == 0 {
            km.round()
        } else {
            (km * 10.0).round() / 10.0
        };
        self.fill(
            "trail_km",
            &[("n", &self.s.format_number(rounded, Some(decimals)))],
        )
    }

    fn duration(&self, minutes: u32) -> String {
        let (h, m) = (minutes / 60, minutes % 60);
        match (h, m) {
            (0, m) => self.fill("trail_minutes", &[("m", &m.to_string())]),
            (h, 0) => self.fill("trail_hours", &[("h", &h.to_string())]),
            (h, m) => self.fill(
                "trail_hours_minutes",
                &[("h", &h.to_string()), ("m", &format!("{m:02}"))],
            ),
        }
    }
}

pub fn trail_view(trail: &Trail, strings: &Strings) -> TrailView {
    let w = Words { s: strings };
    let f = &trail.figures;
    let mut facts = Vec::new();
    let mut fact = |key: &'static str, label: &str, value: String| {
        facts.push(Fact {
            key,
            label: w.get(label),
            value,
        })
    };
    fact("distance", "trail_distance", w.km(f.distance_m));
    let mut time = w.duration(trail.minutes);
    if trail.estimated {
        time = format!("{time} ({})", w.get("trail_estimate"));
    }
    fact("duration", "trail_duration", time);
    if let Some(a) = f.ascent_m {
        fact("ascent", "trail_ascent", w.metres(a));
    }
    if let Some(d) = f.descent_m {
        fact("descent", "trail_descent", w.metres(d));
    }
    if let Some(h) = f.highest {
        fact("highest", "trail_highest", w.metres(h.ele));
    }
    if let Some(l) = f.lowest {
        fact("lowest", "trail_lowest", w.metres(l.ele));
    }
    if let Some(d) = trail.difficulty {
        fact(
            "difficulty",
            "trail_difficulty",
            w.get(&format!("trail_{}", d.key())),
        );
    }
    fact(
        "route",
        "trail_route",
        w.get(if f.is_loop {
            "trail_loop"
        } else if trail.out_and_back {
            "trail_out_and_back"
        } else {
            "trail_one_way"
        }),
    );
    fact(
        "activity",
        "trail_activity",
        w.get(&format!("trail_{}", trail.activity.key())),
    );
    for (key, label, text) in [
        ("start", "trail_start", &trail.start),
        ("parking", "trail_parking", &trail.parking),
        ("transport", "trail_transport", &trail.transport),
        ("access", "trail_access", &trail.access),
        ("waymarking", "trail_waymarking", &trail.waymarking),
        ("accessibility", "trail_accessibility", &trail.accessibility),
        ("advice", "trail_advice", &trail.advice),
    ] {
        if let Some(t) = text {
            fact(key, label, t.clone());
        }
    }
    let steps = trail
        .steps
        .iter()
        .filter(|s| !s.name.trim().is_empty())
        .map(|s| StepView {
            name: s.name.trim().to_string(),
            note: s
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from),
        })
        .collect();
    let profile = trail.profile.as_ref().map(|p| profile_view(p, trail, &w));
    TrailView {
        facts,
        steps,
        // Declared figures alone (no track at hand): no profile to speak of.
        no_profile: (profile.is_none() && trail.has_track()).then(|| w.get("trail_no_profile")),
        profile,
        map: None,
        activity: trail.activity.key(),
        distance_m: f.distance_m,
        is_loop: f.is_loop,
        download: None,
        nearby: Vec::new(),
    }
}

/// A view with nothing in it, for tests to fill.
#[cfg(test)]
pub(crate) fn empty_view() -> TrailView {
    TrailView {
        facts: Vec::new(),
        steps: Vec::new(),
        no_profile: None,
        profile: None,
        map: None,
        activity: "walking",
        distance_m: 0.0,
        is_loop: false,
        download: None,
        nearby: Vec::new(),
    }
}

/// The address of the GPX download of the page at `page_path` (which
/// ends with a slash) whose slug is `slug`.
pub fn download_path(page_path: &str, slug: &str) -> String {
    let name = if slug.is_empty() { "trail" } else { slug };
    format!("{page_path}{name}.gpx")
}

/// `view` with its download, for the page at `page_path` of the site at
/// `base`.
pub fn with_download(mut view: TrailView, base: &str, page_path: &str, slug: &str) -> TrailView {
    let path = download_path(page_path, slug);
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    view.download = Some(DownloadView {
        permalink: crate::url::absolute(base, &path),
        path,
        name,
    });
    view
}

/// The GPX file a trail page offers (geo::gpx_write): the track and the
/// steps that say where they are, named by the page's title. Written
/// from the points alone, so the same track gives the same bytes.
pub fn gpx(trail: &Trail, title: &str) -> Vec<u8> {
    let waypoints: Vec<crate::geo::Waypoint> = trail
        .steps
        .iter()
        .filter_map(|s| {
            let (lat, lon) = (s.lat?, s.lon?);
            let point = crate::geo::point(lat, lon, None).ok()?;
            // The file's own waypoint there gives its elevation.
            let ele = trail
                .track
                .waypoints
                .iter()
                .find(|w| w.point.lat == lat && w.point.lon == lon)
                .and_then(|w| w.point.ele);
            Some(crate::geo::Waypoint {
                name: s.name.clone(),
                point: crate::geo::Point { ele, ..point },
            })
        })
        .collect();
    crate::geo::gpx_write::gpx(title, &trail.track, &waypoints).into_bytes()
}

/// A candidate for "near the trail": a page with coordinates.
pub struct Candidate<'a> {
    pub title: &'a str,
    pub permalink: String,
    pub kind: &'static str,
    pub lat: f64,
    pub lon: f64,
}

/// Of `candidates`, those near the trail's track, nearest first, worded
/// in the page's language.
pub fn nearby(trail: &Trail, candidates: &[Candidate<'_>], strings: &Strings) -> Vec<NearbyView> {
    let w = Words { s: strings };
    let points: Vec<(f64, f64)> = candidates.iter().map(|c| (c.lat, c.lon)).collect();
    crate::geo::near::near(&trail.track, &points, NEARBY_RADIUS_M, NEARBY_MAX)
        .into_iter()
        .map(|(i, d)| {
            let c = &candidates[i];
            // Metres to the nearest 10; under 50 m is on the trail.
            let distance = if d < 50.0 {
                w.get("trail_nearby_on")
            } else {
                w.fill(
                    "trail_nearby_distance",
                    &[("distance", &w.metres((d / 10.0).round() * 10.0))],
                )
            };
            NearbyView {
                title: c.title.to_string(),
                permalink: c.permalink.clone(),
                kind: c.kind,
                distance,
                distance_m: d,
            }
        })
        .collect()
}

fn profile_view(p: &Profile, trail: &Trail, w: &Words<'_>) -> ProfileView {
    let f = &trail.figures;
    let first = p.samples.first().map_or(0.0, |s| s.ele);
    let last = p.samples.last().map_or(0.0, |s| s.ele);
    let (hi, lo) = (
        f.highest.map_or(first, |h| h.ele),
        f.lowest.map_or(first, |l| l.ele),
    );
    let summary = w.fill(
        "trail_profile_summary",
        &[
            ("distance", &w.km(p.distance_m)),
            ("start", &w.metres(first)),
            ("end", &w.metres(last)),
            ("highest", &w.metres(hi)),
            ("highest_at", &w.km(f.highest.map_or(0.0, |h| h.at_m))),
            ("lowest", &w.metres(lo)),
            ("lowest_at", &w.km(f.lowest.map_or(0.0, |l| l.at_m))),
        ],
    );
    let rows = p
        .rows
        .iter()
        .map(|r| RowView {
            distance: w.km(r.at_m),
            elevation: w.metres(r.ele),
        })
        .collect();
    ProfileView {
        svg: svg(p, lo, hi, w),
        summary,
        table_caption: w.fill("trail_profile_table", &[("step", &w.km(p.step_m))]),
        rows,
    }
}

/// The drawing's size in its own units; the page scales it to its width.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
/// Room for the elevations ("1 500 m") left of the plot.
const LEFT: f64 = 80.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

/// A round step that cuts `range` into at most `parts`.
fn nice_step(range: f64, parts: f64, candidates: &[f64]) -> f64 {
    candidates
        .iter()
        .copied()
        .find(|s| range / s <= parts)
        .unwrap_or_else(|| candidates.last().copied().unwrap_or(1.0))
}

fn svg(p: &Profile, lo: f64, hi: f64, w: &Words<'_>) -> String {
    use std::fmt::Write;
    let step_y = nice_step(
        hi - lo,
        4.0,
        &[
            5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0,
        ],
    );
    let y0 = (lo / step_y).floor() * step_y;
    let mut y1 = (hi / step_y).ceil() * step_y;
    if y1 <= y0 {
        y1 = y0 + step_y;
    }
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |at: f64| LEFT + at / p.distance_m * plot_w;
    let y = |e: f64| TOP + (y1 - e) / (y1 - y0) * plot_h;
    let mut line = String::new();
    for (i, s) in p.samples.iter().enumerate() {
        let _ = write!(
            line,
            "{}{:.1},{:.1}",
            if i == 0 { "M" } else { " L" },
            x(s.at_m),
            y(s.ele)
        );
    }
    let bottom = TOP + plot_h;
    let area = format!(
        "{line} L{:.1},{bottom:.1} L{LEFT:.1},{bottom:.1} Z",
        x(p.distance_m)
    );
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="profile" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="trail-profile-caption" focusable="false" xmlns="http://www.w3.org/2000/svg">"#
    );
    out.push_str(r#"<g class="profile-grid">"#);
    let mut e = y0;
    while e <= y1 + 0.01 {
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/>"#,
            WIDTH - RIGHT,
            y(e),
            y(e)
        );
        e += step_y;
    }
    out.push_str("</g>");
    let _ = write!(out, r#"<path class="profile-area" d="{area}"/>"#);
    let _ = write!(out, r#"<path class="profile-line" d="{line}"/>"#);
    out.push_str(r#"<g class="profile-labels" aria-hidden="true">"#);
    let mut e = y0;
    while e <= y1 + 0.01 {
        let _ = write!(
            out,
            r#"<text class="profile-y" x="{:.1}" y="{:.1}">{}</text>"#,
            LEFT - 6.0,
            y(e) + 5.0,
            crate::xml::escape(&w.metres(e))
        );
        e += step_y;
    }
    let km = p.distance_m / 1000.0;
    let step_x = nice_step(
        km,
        4.0,
        &[0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0],
    );
    let mut k = 0.0;
    while k <= km + 1e-9 {
        // A label too near the end would run off the drawing.
        if k == 0.0 || km - k >= step_x * 0.4 {
            let _ = write!(
                out,
                r#"<text class="profile-x{}" x="{:.1}" y="{:.1}">{}</text>"#,
                if k == 0.0 { " profile-x-start" } else { "" },
                x(k * 1000.0),
                HEIGHT - 8.0,
                crate::xml::escape(&w.km(k * 1000.0))
            );
        }
        k += step_x;
    }
    out.push_str("</g></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::trail::{Difficulty, TrailFrontMatter};
    use crate::geo::{Point, Track};

    fn strings(lang: &str) -> Strings {
        crate::theme::builtin_strings(lang)
    }

    fn climb(ele: bool) -> Trail {
        // 0.001° of latitude a point: 111 m; 60 points: 6.56 km, up 200 m.
        let track = Track {
            segments: vec![
                (0..60)
                    .map(|i| Point {
                        lat: 46.6 + f64::from(i) * 0.001,
                        lon: 5.9,
                        ele: ele.then(|| 500.0 + f64::from(i) * 200.0 / 59.0),
                    })
                    .collect(),
            ],
            waypoints: vec![],
        };
        let fm = TrailFrontMatter {
            difficulty: Some(Difficulty::Medium),
            parking: Some("Parking du lac <b>".into()),
            ..TrailFrontMatter::default()
        };
        Trail::new(std::sync::Arc::new(track), &fm, "t.gpx".into())
    }

    #[test]
    fn facts_in_reading_order_in_french_and_english() {
        let v = trail_view(&climb(true), &strings("fr"));
        let keys: Vec<&str> = v.facts.iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            [
                "distance",
                "duration",
                "ascent",
                "descent",
                "highest",
                "lowest",
                "difficulty",
                "route",
                "activity",
                "parking"
            ]
        );
        let value = |k: &str| v.facts.iter().find(|f| f.key == k).unwrap().value.clone();
        assert_eq!(value("distance"), "6,6 km");
        assert_eq!(value("ascent"), "200 m");
        assert_eq!(value("highest"), "700 m");
        assert_eq!(value("route"), "Aller simple");
        assert_eq!(value("difficulty"), "Moyenne");
        // 6.56 km at 4 km/h: 1.64 h; 200 m at 300 m/h: 0.67 h; 1.64 + 0.33 =
        // 1.97 h = 118 min, rounded to 120.
        assert_eq!(value("duration"), "2 h (estimation)");
        let en = trail_view(&climb(true), &strings("en"));
        assert_eq!(en.facts[0].value, "6.6 km");
        assert_eq!(en.facts[0].label, "Distance");
    }

    #[test]
    fn the_profile_svg_fits_the_csp_and_has_a_table() {
        let v = trail_view(&climb(true), &strings("en"));
        let p = v.profile.unwrap();
        assert!(!p.svg.contains("style"), "{}", p.svg);
        assert!(
            p.svg
                .starts_with(r#"<svg class="profile" viewBox="0 0 480 200""#)
        );
        assert!(!p.svg.contains(" width="), "a viewBox and no fixed size");
        assert!(p.svg.contains(r#"aria-labelledby="trail-profile-caption""#));
        assert_eq!(p.svg.matches("<svg").count(), 1);
        assert_eq!(p.svg.matches("</svg>").count(), 1);
        // A row at 0, 1, … 6 km and the end (6.56 km).
        let d: Vec<&str> = p.rows.iter().map(|r| r.distance.as_str()).collect();
        assert_eq!(
            d,
            [
                "0 km", "1 km", "2 km", "3 km", "4 km", "5 km", "6 km", "6.6 km"
            ]
        );
        assert_eq!(p.rows[0].elevation, "500 m");
        assert_eq!(p.rows.last().unwrap().elevation, "700 m");
        assert!(
            p.summary.contains("highest point 700 m after 6.6 km"),
            "{}",
            p.summary
        );
        assert_eq!(p.table_caption, "Elevation every 1 km");
        assert!(v.no_profile.is_none());
    }

    #[test]
    fn no_elevations_a_sentence_instead() {
        let v = trail_view(&climb(false), &strings("de"));
        assert!(v.profile.is_none());
        assert!(v.no_profile.unwrap().contains("Höhenprofil"));
        assert!(!v.facts.iter().any(|f| f.key == "ascent"));
    }

    #[test]
    fn nearby_places_are_worded_nearest_first_and_the_download_named_after_the_page() {
        let trail = climb(true);
        // The track runs north along 5.9° E from 46.6° N.
        let at = |lon: f64| Candidate {
            title: "X",
            permalink: format!("https://x.fr/{lon}/"),
            kind: "place",
            lat: 46.62,
            lon,
        };
        let candidates = [at(5.905), at(5.9001), at(5.95)];
        let n = nearby(&trail, &candidates, &strings("en"));
        let said: Vec<(&str, &str)> = n
            .iter()
            .map(|v| (v.permalink.as_str(), v.distance.as_str()))
            .collect();
        // 0.0001° of longitude at 46.6°: 8 m; 0.005°: 380 m; 0.05°: 3.8 km.
        assert_eq!(
            said,
            [
                ("https://x.fr/5.9001/", "on the trail"),
                ("https://x.fr/5.905/", "380 m from the trail"),
            ]
        );
        let v = with_download(
            trail_view(&trail, &strings("en")),
            "https://x.fr",
            "/en/walks/crest/",
            "crest",
        );
        let d = v.download.unwrap();
        assert_eq!(d.permalink, "https://x.fr/en/walks/crest/crest.gpx");
        assert_eq!(d.name, "crest.gpx");
    }

    #[test]
    fn declared_figures_alone_say_nothing_of_a_profile() {
        let tour = crate::content::data::Tour {
            distance_m: Some(9_805.0),
            ascent_m: Some(594.0),
            out_and_back: true,
            activity: Some(crate::geo::Activity::Walking),
            ..crate::content::data::Tour::default()
        };
        let t = Trail::declared(&tour, Some(44.3), Some(3.3), "f.json".into()).unwrap();
        let v = trail_view(&t, &strings("en"));
        assert!(v.profile.is_none() && v.no_profile.is_none());
        let value = |k: &str| v.facts.iter().find(|f| f.key == k).unwrap().value.clone();
        assert_eq!(value("distance"), "9.8 km");
        assert_eq!(value("route"), "Out and back");
    }

    #[test]
    fn every_language_has_every_key() {
        let en = strings("en");
        for key in en.strings.keys().filter(|k| k.starts_with("trail_")) {
            for lang in ["fr", "de", "es", "it", "nl"] {
                assert!(!strings(lang).missing.contains(key), "{lang} lacks {key}");
            }
        }
    }
}
