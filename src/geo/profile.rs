//! The elevation profile's data: (distance along, elevation) pairs thinned
//! for drawing, and the elevations at regular distances for its table.
//!
//! Thinning keeps, for each of [`COLUMNS`] equal slices of the distance,
//! the lowest and the highest point in their order, so no summit or
//! valley disappears however many points the file has (a million-point
//! track draws as at most 2 × 400 points, in one pass).

use super::figures::haversine;
use super::{Track, figures::has_elevations};

/// Slices of the distance the drawing keeps two points of.
pub const COLUMNS: usize = 400;

/// The most rows of the profile's table.
pub const MAX_ROWS: usize = 30;

/// A point of the profile: metres along the track, metres of elevation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub at_m: f64,
    pub ele: f64,
}

/// The profile of a track with elevations.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Thinned for drawing, in order of distance.
    pub samples: Vec<Sample>,
    /// The elevation every `step_m` metres from the start, then at the end.
    pub rows: Vec<Sample>,
    pub step_m: f64,
    pub distance_m: f64,
}

/// The profile of `track`, or `None` when it has no elevations.
pub fn profile(track: &Track) -> Option<Profile> {
    if !has_elevations(track) {
        return None;
    }
    // Every point with an elevation, with its distance along.
    let mut all = Vec::new();
    let mut distance = 0.0;
    for seg in &track.segments {
        let mut prev = None;
        for p in seg {
            if let Some(q) = prev {
                distance += haversine(q, p);
            }
            prev = Some(p);
            if let Some(ele) = p.ele {
                all.push(Sample {
                    at_m: distance,
                    ele,
                });
            }
        }
    }
    if all.len() < 2 || distance <= 0.0 {
        return None;
    }
    let step_m = table_step(distance);
    Some(Profile {
        samples: thin(&all, distance),
        rows: rows(&all, step_m, distance),
        step_m,
        distance_m: distance,
    })
}

/// 1 km up to 30 km, then 2, 5, 10, 20 or 50 km: at most [`MAX_ROWS`] rows.
pub fn table_step(distance_m: f64) -> f64 {
    [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        .into_iter()
        .map(|km| km * 1000.0)
        .find(|step| distance_m / step <= MAX_ROWS as f64)
        .unwrap_or(1_000_000.0)
}

fn thin(all: &[Sample], distance: f64) -> Vec<Sample> {
    let mut out = Vec::with_capacity(COLUMNS * 2 + 2);
    let slice = distance / COLUMNS as f64;
    let mut i = 0;
    while i < all.len() {
        let column = ((all[i].at_m / slice) as usize).min(COLUMNS - 1);
        let (mut lo, mut hi) = (i, i);
        let mut j = i;
        while j < all.len() && ((all[j].at_m / slice) as usize).min(COLUMNS - 1) == column {
            if all[j].ele < all[lo].ele {
                lo = j;
            }
            if all[j].ele > all[hi].ele {
                hi = j;
            }
            j += 1;
        }
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push(all[a]);
        if b != a {
            out.push(all[b]);
        }
        i = j;
    }
    // The first and the last points are always drawn.
    if out.first() != all.first() {
        out.insert(0, all[0]);
    }
    if out.last() != all.last() {
        out.push(all[all.len() - 1]);
    }
    out
}

/// The elevation, interpolated, at 0, step, 2 × step… and at the end.
fn rows(all: &[Sample], step: f64, distance: f64) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut k = 0usize;
    let mut target = 0.0;
    loop {
        while k + 1 < all.len() && all[k + 1].at_m < target {
            k += 1;
        }
        let ele = if target <= all[0].at_m {
            all[0].ele
        } else if k + 1 >= all.len() {
            all[all.len() - 1].ele
        } else {
            let (a, b) = (all[k], all[k + 1]);
            let span = b.at_m - a.at_m;
            if span <= 0.0 {
                b.ele
            } else {
                a.ele + (b.ele - a.ele) * (target - a.at_m) / span
            }
        };
        out.push(Sample { at_m: target, ele });
        target += step;
        // The end is its own row, unless a step fell within 100 m of it.
        if target >= distance - 100.0 {
            out.push(Sample {
                at_m: distance,
                ele: all[all.len() - 1].ele,
            });
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Point;

    fn line(n: usize, ele: impl Fn(usize) -> Option<f64>) -> Track {
        // Points 0.001° of latitude apart: 111.2 m.
        Track {
            segments: vec![
                (0..n)
                    .map(|i| Point {
                        lat: 46.0 + i as f64 * 0.001,
                        lon: 5.0,
                        ele: ele(i),
                    })
                    .collect(),
            ],
            waypoints: vec![],
        }
    }

    #[test]
    fn no_elevations_no_profile() {
        assert!(profile(&line(10, |_| None)).is_none());
        assert!(profile(&line(10, |_| Some(0.0))).is_none());
    }

    #[test]
    fn a_row_each_kilometre_and_the_end() {
        // 45 points: 4.89 km, rising 1 m a point.
        let p = profile(&line(45, |i| Some(500.0 + i as f64))).unwrap();
        assert_eq!(p.step_m, 1000.0);
        let at: Vec<u32> = p.rows.iter().map(|r| r.at_m.round() as u32).collect();
        assert_eq!(at, [0, 1000, 2000, 3000, 4000, 4893]);
        // 1000 m is 8.99 points along.
        assert!((p.rows[1].ele - 508.99).abs() < 0.01, "{:?}", p.rows[1]);
        assert_eq!(p.rows.last().unwrap().ele, 544.0);
        assert_eq!(table_step(29_000.0), 1000.0);
        assert_eq!(table_step(55_600.0), 2000.0);
        assert_eq!(table_step(120_000.0), 5000.0);
    }

    #[test]
    fn thinning_keeps_every_summit_of_a_long_track() {
        // 100,000 points, one sharp summit in the middle.
        let n = 100_000;
        let p = profile(&line(n, |i| Some(if i == n / 2 { 900.0 } else { 500.0 }))).unwrap();
        assert!(p.samples.len() <= 2 * COLUMNS + 2, "{}", p.samples.len());
        assert!(p.samples.iter().any(|s| s.ele == 900.0));
        assert!(p.samples.windows(2).all(|w| w[0].at_m <= w[1].at_m));
        assert!(p.rows.len() <= MAX_ROWS + 2);
    }
}
