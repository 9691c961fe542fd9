//! The figures of a track, and the rules behind them:
//!
//! - **Distance**: the haversine formula on a sphere of the WGS84 mean
//!   radius (6,371,008.8 m), summed inside each segment; the gap between
//!   two segments (a pause of the device) is not counted. Over a few
//!   kilometres it is within 0.5 % of the ellipsoidal distance.
//! - **Ascent and descent**: a hysteresis of [`CLIMB_THRESHOLD_M`] (5 m).
//!   A climb counts once the track has come down 5 m from its top (or
//!   ended), so the few metres of noise of a GPS or of a terrain model
//!   between two points add nothing, while every real climb of 5 m or
//!   more counts whole. Points without elevation are skipped.
//! - **Highest and lowest points**: of the points with an elevation.
//! - **Loop or one way**: a loop when the start and the end are within
//!   [`LOOP_RADIUS_M`] (250 m) of each other.
//! - **Time**: per [`Activity`], a speed on the flat plus time for the
//!   climb, rounded to 5 minutes (see [`Activity::minutes`]).
//!
//! Elevations that are all exactly 0 are a file that has none (KML writes
//! `0` when the track is clamped to the ground): no climb, no profile.

use serde::{Deserialize, Serialize};

use super::{Point, Track};

/// The WGS84 mean Earth radius, metres (IUGG R1).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The hysteresis of ascent and descent, metres.
pub const CLIMB_THRESHOLD_M: f64 = 5.0;

/// Start and end closer than this make a loop, metres.
pub const LOOP_RADIUS_M: f64 = 250.0;

/// The great-circle distance between two points, metres.
pub fn haversine(a: &Point, b: &Point) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// How a trail is travelled, for its estimated time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    #[default]
    Walking,
    Cycling,
    Mtb,
    Horse,
}

impl Activity {
    pub fn key(self) -> &'static str {
        match self {
            Activity::Walking => "walking",
            Activity::Cycling => "cycling",
            Activity::Mtb => "mtb",
            Activity::Horse => "horse",
        }
    }

    /// Speed on the flat (km/h) and climb per hour (m/h) of the rule.
    pub fn rates(self) -> (f64, f64) {
        match self {
            Activity::Walking => (4.0, 300.0),
            Activity::Cycling => (15.0, 600.0),
            Activity::Mtb => (10.0, 400.0),
            Activity::Horse => (7.0, 500.0),
        }
    }

    /// The estimated time, minutes, rounded to 5:
    ///
    /// - walking: the German hiking standard DIN 33466, close to the
    ///   French topo-guides' habit: 4 km/h on the flat, 300 m of ascent and
    ///   500 m of descent an hour; the larger of the two times plus half
    ///   the smaller;
    /// - cycling (touring, on roads and greenways): 15 km/h plus an hour
    ///   per 600 m of ascent;
    /// - mountain biking: 10 km/h plus an hour per 400 m of ascent;
    /// - horse riding (walk and trot): 7 km/h plus an hour per 500 m of ascent.
    pub fn minutes(self, distance_m: f64, ascent_m: f64, descent_m: f64) -> u32 {
        let (speed, climb) = self.rates();
        let flat = distance_m / 1000.0 / speed;
        let hours = match self {
            Activity::Walking => {
                let vertical = ascent_m / climb + descent_m / 500.0;
                flat.max(vertical) + flat.min(vertical) / 2.0
            }
            _ => flat + ascent_m / climb,
        };
        let minutes = (hours * 60.0 / 5.0).round() * 5.0;
        minutes.clamp(5.0, 60.0 * 24.0 * 30.0) as u32
    }
}

/// A highest or lowest point: its elevation and how far along it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extreme {
    pub ele: f64,
    pub at_m: f64,
}

/// What a track measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub distance_m: f64,
    /// `None` without elevations.
    pub ascent_m: Option<f64>,
    pub descent_m: Option<f64>,
    pub highest: Option<Extreme>,
    pub lowest: Option<Extreme>,
    pub is_loop: bool,
    pub start: Point,
    pub end: Point,
    pub points: usize,
}

/// Whether the track has elevations worth the name: some, not all zero.
pub fn has_elevations(track: &Track) -> bool {
    track.points().any(|p| p.ele.is_some_and(|e| e != 0.0))
}

/// The figures of `track` (which has a segment of two points or more, as
/// [`super::read`] ensures).
pub fn figures(track: &Track) -> Figures {
    let with_ele = has_elevations(track);
    let mut distance = 0.0;
    let mut climb = Hysteresis::new(CLIMB_THRESHOLD_M);
    let mut highest: Option<Extreme> = None;
    let mut lowest: Option<Extreme> = None;
    for seg in &track.segments {
        let mut prev: Option<&Point> = None;
        for p in seg {
            if let Some(q) = prev {
                distance += haversine(q, p);
            }
            prev = Some(p);
            if let (true, Some(e)) = (with_ele, p.ele) {
                climb.push(e);
                if highest.is_none_or(|h| e > h.ele) {
                    highest = Some(Extreme {
                        ele: e,
                        at_m: distance,
                    });
                }
                if lowest.is_none_or(|l| e < l.ele) {
                    lowest = Some(Extreme {
                        ele: e,
                        at_m: distance,
                    });
                }
            }
        }
    }
    let (ascent, descent) = climb.finish();
    let start = *track.points().next().expect("a track has points");
    let end = *track.points().last().expect("a track has points");
    Figures {
        distance_m: distance,
        ascent_m: with_ele.then_some(ascent),
        descent_m: with_ele.then_some(descent),
        highest,
        lowest,
        is_loop: haversine(&start, &end) <= LOOP_RADIUS_M,
        start,
        end,
        points: track.point_count(),
    }
}

/// Ascent and descent with a dead band: a rise counts when it reaches the
/// threshold and is added whole once the direction turns.
#[derive(Debug, Clone)]
pub struct Hysteresis {
    threshold: f64,
    /// The last turning point kept, and the furthest point since.
    base: Option<f64>,
    peak: f64,
    /// +1 climbing, -1 descending, 0 not yet known.
    direction: i8,
    ascent: f64,
    descent: f64,
}

impl Hysteresis {
    pub fn new(threshold: f64) -> Hysteresis {
        Hysteresis {
            threshold,
            base: None,
            peak: 0.0,
            direction: 0,
            ascent: 0.0,
            descent: 0.0,
        }
    }

    pub fn push(&mut self, e: f64) {
        let Some(base) = self.base else {
            self.base = Some(e);
            self.peak = e;
            return;
        };
        match self.direction {
            0 => {
                if e - base >= self.threshold {
                    self.direction = 1;
                    self.peak = e;
                } else if base - e >= self.threshold {
                    self.direction = -1;
                    self.peak = e;
                }
            }
            1 => {
                if e > self.peak {
                    self.peak = e;
                } else if self.peak - e >= self.threshold {
                    self.ascent += self.peak - base;
                    self.base = Some(self.peak);
                    self.direction = -1;
                    self.peak = e;
                }
            }
            _ => {
                if e < self.peak {
                    self.peak = e;
                } else if e - self.peak >= self.threshold {
                    self.descent += base - self.peak;
                    self.base = Some(self.peak);
                    self.direction = 1;
                    self.peak = e;
                }
            }
        }
    }

    /// (ascent, descent), metres.
    pub fn finish(self) -> (f64, f64) {
        let base = self.base.unwrap_or(0.0);
        match self.direction {
            1 => (self.ascent + self.peak - base, self.descent),
            -1 => (self.ascent, self.descent + base - self.peak),
            _ => (self.ascent, self.descent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64, ele: Option<f64>) -> Point {
        Point { lat, lon, ele }
    }

    #[test]
    fn haversine_against_known_distances() {
        // One degree of latitude on the mean sphere: 111,195 m.
        let d = haversine(&p(46.0, 5.0, None), &p(47.0, 5.0, None));
        assert!((d - 111_195.08).abs() < 0.1, "{d}");
        // Paris (Notre-Dame) to Lyon (Fourvière), about 391.5 km great circle.
        let d = haversine(&p(48.8530, 2.3499, None), &p(45.7623, 4.8226, None));
        assert!((d - 391_500.0).abs() < 1_500.0, "{d}");
        assert_eq!(haversine(&p(46.0, 5.0, None), &p(46.0, 5.0, None)), 0.0);
        // Antipodes do not overflow the arc sine.
        let d = haversine(&p(0.0, 0.0, None), &p(0.0, 180.0, None));
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1.0);
    }

    #[test]
    fn noise_below_the_threshold_adds_no_climb() {
        let mut h = Hysteresis::new(5.0);
        // 3 m of noise up and down, 50 times: nothing.
        for i in 0..100 {
            h.push(if i % 2 == 0 { 500.0 } else { 503.0 });
        }
        assert_eq!(h.finish(), (0.0, 0.0));
        // A real climb of 100 m with 2 m noise, then down 40 m.
        let mut h = Hysteresis::new(5.0);
        for i in 0..=100 {
            let noise = if i % 2 == 0 { 2.0 } else { -2.0 };
            h.push(500.0 + f64::from(i) + noise);
        }
        for i in 0..=40 {
            h.push(602.0 - f64::from(i));
        }
        let (up, down) = h.finish();
        // From the first point (502) to the top (602): the noise at each
        // end is not climb.
        assert!((up - 100.0).abs() < 0.01, "{up}");
        assert!((down - 40.0).abs() < 0.01, "{down}");
    }

    #[test]
    fn loops_and_one_ways() {
        let track = |end: (f64, f64)| Track {
            segments: vec![vec![
                p(46.0, 5.0, None),
                p(46.01, 5.0, None),
                p(end.0, end.1, None),
            ]],
            waypoints: vec![],
        };
        // 0.002° of latitude is 222 m: a loop; 0.003° is 334 m: one way.
        assert!(figures(&track((46.002, 5.0))).is_loop);
        assert!(!figures(&track((46.003, 5.0))).is_loop);
        let f = figures(&track((46.002, 5.0)));
        assert_eq!(f.ascent_m, None);
        assert_eq!(f.highest, None);
    }

    #[test]
    fn zero_elevations_everywhere_are_none() {
        let t = Track {
            segments: vec![vec![p(46.0, 5.0, Some(0.0)), p(46.1, 5.0, Some(0.0))]],
            waypoints: vec![],
        };
        assert!(!has_elevations(&t));
        assert_eq!(figures(&t).ascent_m, None);
    }

    #[test]
    fn time_rules() {
        // 12 km on the flat: 3 h walking, 48 min cycling (rounded to 50).
        assert_eq!(Activity::Walking.minutes(12_000.0, 0.0, 0.0), 180);
        assert_eq!(Activity::Cycling.minutes(12_000.0, 0.0, 0.0), 50);
        // 12 km, 600 m up and down: flat 3 h, vertical 2 h + 1.2 h = 3.2 h;
        // 3.2 + 3 / 2 = 4.7 h = 282 min, rounded to 280.
        assert_eq!(Activity::Walking.minutes(12_000.0, 600.0, 600.0), 280);
        // Mountain biking 20 km, 400 m: 2 h + 1 h.
        assert_eq!(Activity::Mtb.minutes(20_000.0, 400.0, 400.0), 180);
        // Horse riding 14 km, 250 m: 2 h + 30 min.
        assert_eq!(Activity::Horse.minutes(14_000.0, 250.0, 0.0), 150);
        assert_eq!(Activity::Walking.minutes(10.0, 0.0, 0.0), 5);
    }

    #[test]
    fn the_real_orleans_loop() {
        let text = include_str!("../../tests/fixtures/trails/samples/orleans-loop-trace.gpx");
        let t = super::super::xml::read(text, super::super::xml::Dialect::Gpx, "o.gpx").unwrap();
        let f = figures(&t);
        // 55.6 km: the route as planned (no device noise).
        assert!((f.distance_m - 55_628.5).abs() < 1.0, "{}", f.distance_m);
        // The raw sum of rises is 251 m; the 5 m hysteresis keeps 175 m.
        let up = f.ascent_m.unwrap();
        let down = f.descent_m.unwrap();
        assert!((up - 174.68).abs() < 0.01, "{up}");
        assert!((down - 176.61).abs() < 0.01, "{down}");
        assert_eq!(f.highest.unwrap().ele, 149.95);
        assert!((f.lowest.unwrap().ele - 96.91).abs() < 1e-9);
        // The end is 132 m from the start.
        assert!(f.is_loop);
        assert_eq!(f.points, 789);
        assert_eq!(Activity::Cycling.minutes(f.distance_m, up, down), 240);
    }
}
