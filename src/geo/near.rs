//! What lies near a track: the distance from points (places, events) to
//! the nearest part of the line, for "near the trail" lists.
//!
//! A point's distance to each piece of the line is measured on a plane
//! tangent at the point (longitudes shrunk by the cosine of its
//! latitude): within a few kilometres the error is under 0.1 %, far
//! below what "300 m from the trail" says. Points outside the track's
//! bounding box grown by the radius are left out before any piece is
//! measured, so a site's thousand places cost a thousand comparisons; a
//! point inside costs one pass over the track.

use super::figures::EARTH_RADIUS_M;
use super::{Point, Track};

/// Metres per degree of latitude on the mean sphere.
const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// Of `points` (latitude, longitude), those within `radius_m` of the
/// track's line, with their distance in metres: nearest first (ties in
/// the order given), at most `limit`.
pub fn near(
    track: &Track,
    points: &[(f64, f64)],
    radius_m: f64,
    limit: usize,
) -> Vec<(usize, f64)> {
    let Some(bbox) = BBox::of(track, radius_m) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .filter(|(_, (lat, lon))| bbox.contains(*lat, *lon))
        .filter_map(|(i, &(lat, lon))| {
            let d = distance_to_line(track, lat, lon);
            (d <= radius_m).then_some((i, d))
        })
        .collect();
    found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    found.truncate(limit);
    found
}

/// The distance in metres from (`lat`, `lon`) to the nearest piece of the
/// track's segments (a lone point counts as a piece of no length).
pub fn distance_to_line(track: &Track, lat: f64, lon: f64) -> f64 {
    let kx = lat.to_radians().cos() * M_PER_DEG;
    // The plane: metres east and north of the point.
    let xy = |p: &Point| ((p.lon - lon) * kx, (p.lat - lat) * M_PER_DEG);
    let mut best = f64::INFINITY;
    for seg in &track.segments {
        let mut prev: Option<(f64, f64)> = None;
        for p in seg {
            let b = xy(p);
            let d = match prev {
                Some(a) => to_piece(a, b),
                None => b.0.hypot(b.1),
            };
            best = best.min(d);
            prev = Some(b);
        }
    }
    best
}

/// Points (places, events) sorted by latitude, for "what lies near this
/// place" on every place page of a site: a query looks only at the band
/// of latitudes within the radius (a binary search, then that band), so a
/// region's 25,000 places cost each page a few hundred comparisons, not
/// 25,000.
#[derive(Debug, Default)]
pub struct PointIndex {
    /// (latitude, longitude, id), by latitude.
    points: Vec<(f64, f64, usize)>,
}

impl PointIndex {
    /// The index of `points` (latitude, longitude, id); points that are
    /// not coordinates are left out.
    pub fn new(mut points: Vec<(f64, f64, usize)>) -> PointIndex {
        points.retain(|&(lat, lon, _)| {
            lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0
        });
        points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        PointIndex { points }
    }

    /// The ids within `radius_m` of (`lat`, `lon`) by great-circle
    /// distance, with it: nearest first (ties by id).
    pub fn within(&self, lat: f64, lon: f64, radius_m: f64) -> Vec<(usize, f64)> {
        let dlat = radius_m / M_PER_DEG;
        let from = self.points.partition_point(|p| p.0 < lat - dlat);
        let here = Point {
            lat,
            lon,
            ele: None,
        };
        let mut found: Vec<(usize, f64)> = self.points[from..]
            .iter()
            .take_while(|p| p.0 <= lat + dlat)
            .filter_map(|&(plat, plon, id)| {
                let d = super::figures::haversine(
                    &here,
                    &Point {
                        lat: plat,
                        lon: plon,
                        ele: None,
                    },
                );
                (d <= radius_m).then_some((id, d))
            })
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }
}

/// Distance from the origin to the piece from `a` to `b`.
fn to_piece(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
    };
    (a.0 + t * dx).hypot(a.1 + t * dy)
}

/// The track's bounding box, grown by a radius.
struct BBox {
    lat: (f64, f64),
    lon: (f64, f64),
}

impl BBox {
    fn of(track: &Track, radius_m: f64) -> Option<BBox> {
        let mut points = track.points();
        let first = points.next()?;
        let mut b = BBox {
            lat: (first.lat, first.lat),
            lon: (first.lon, first.lon),
        };
        for p in points {
            b.lat = (b.lat.0.min(p.lat), b.lat.1.max(p.lat));
            b.lon = (b.lon.0.min(p.lon), b.lon.1.max(p.lon));
        }
        let dlat = radius_m / M_PER_DEG;
        // Longitudes shrink towards the poles: grow by the widest degree.
        let widest = b.lat.0.abs().max(b.lat.1.abs()) + dlat;
        let dlon = radius_m / (M_PER_DEG * widest.min(89.0).to_radians().cos());
        b.lat = (b.lat.0 - dlat, b.lat.1 + dlat);
        b.lon = (b.lon.0 - dlon, b.lon.1 + dlon);
        Some(b)
    }

    fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.lat.0..=self.lat.1).contains(&lat) && (self.lon.0..=self.lon.1).contains(&lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::figures::haversine;

    fn p(lat: f64, lon: f64) -> Point {
        Point {
            lat,
            lon,
            ele: None,
        }
    }

    /// A line due east along 46° N, from 5.90° to 5.95° E (3.86 km).
    fn east() -> Track {
        Track {
            segments: vec![
                (0..=50)
                    .map(|i| p(46.0, 5.90 + f64::from(i) * 0.001))
                    .collect(),
            ],
            waypoints: vec![],
        }
    }

    #[test]
    fn the_distance_is_to_the_line_not_to_its_points() {
        let t = Track {
            segments: vec![vec![p(46.0, 5.90), p(46.0, 5.95)]],
            waypoints: vec![],
        };
        // 0.005° north of the middle of a 3.9 km piece: 556 m, whereas
        // the nearest point is 2 km away.
        let d = distance_to_line(&t, 46.005, 5.925);
        let expected = haversine(&p(46.0, 5.925), &p(46.005, 5.925));
        assert!((d - expected).abs() < 1.0, "{d} against {expected}");
        // Beyond the end, the distance to the end.
        let d = distance_to_line(&t, 46.0, 5.96);
        let expected = haversine(&p(46.0, 5.95), &p(46.0, 5.96));
        assert!(
            (d - expected).abs() / expected < 0.001,
            "{d} against {expected}"
        );
    }

    #[test]
    fn the_point_index_finds_what_lies_within_the_radius_nearest_first() {
        let index = PointIndex::new(vec![
            (46.0, 5.95, 0),    // 3.9 km east of the query
            (46.05, 5.9, 1),    // 5.6 km north
            (46.0, 5.901, 2),   // 77 m
            (45.9, 5.9, 3),     // 11 km south: out
            (f64::NAN, 5.9, 4), // not a coordinate
            (46.0, 5.9, 5),     // the query's own point
            (46.0001, 6.03, 6), // 10.05 km east: out
        ]);
        let found = index.within(46.0, 5.9, 10_000.0);
        let ids: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(ids, [5, 2, 0, 1]);
        assert!(found[0].1 < 0.001);
        let expected = haversine(&p(46.0, 5.9), &p(46.0, 5.95));
        assert!((found[2].1 - expected).abs() < 0.01);
        assert!(PointIndex::default().within(46.0, 5.9, 1e6).is_empty());
    }

    #[test]
    fn nearest_first_within_the_radius_and_the_limit() {
        let points = [
            (46.008, 5.92),  // 890 m north
            (46.02, 5.92),   // 2.2 km: too far
            (46.001, 5.93),  // 111 m
            (45.9995, 5.91), // 56 m south
            (46.0, 5.9652),  // 1.17 km beyond the east end: too far
            (46.0, 5.9601),  // 785 m beyond the east end
        ];
        let found = near(&east(), &points, 1000.0, 10);
        let order: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(order, [3, 2, 5, 0]);
        assert!((found[0].1 - 55.6).abs() < 0.5, "{found:?}");
        assert_eq!(near(&east(), &points, 1000.0, 2).len(), 2);
        assert!(near(&Track::default(), &points, 1000.0, 2).is_empty());
    }
}
