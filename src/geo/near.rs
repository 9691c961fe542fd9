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
//!
//! And what lies near a place ([`PointIndex`]): the places within a
//! radius of a point, for the "nearby" block of place pages.

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

/// Points (places, events) in rows of [`ROW_DEG`] of latitude, each row
/// sorted by longitude, for "what lies near this place" on every place
/// page of a site: a query reads the rows its radius reaches and, in
/// each, only the longitudes within it (two binary searches), so a
/// region's 25,000 places cost each page the few places around it, not
/// every place of the band of latitudes across the region.
#[derive(Debug, Default)]
pub struct PointIndex {
    /// Row number (latitude / [`ROW_DEG`], rounded down) to its points,
    /// (latitude, longitude, id) sorted by longitude then id.
    rows: std::collections::BTreeMap<i64, Vec<(f64, f64, usize)>>,
}

/// Height of a row of the [`PointIndex`], in degrees of latitude (about
/// 11 km: the radius of "nearby" spans two or three rows).
const ROW_DEG: f64 = 0.1;

impl PointIndex {
    /// The index of `points` (latitude, longitude, id); points that are
    /// not coordinates are left out.
    pub fn new(points: Vec<(f64, f64, usize)>) -> PointIndex {
        let mut rows: std::collections::BTreeMap<i64, Vec<(f64, f64, usize)>> = Default::default();
        for (lat, lon, id) in points {
            if lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0 {
                rows.entry(row(lat)).or_default().push((lat, lon, id));
            }
        }
        for r in rows.values_mut() {
            r.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)));
        }
        PointIndex { rows }
    }

    /// The `k` nearest ids within `radius_m` of (`lat`, `lon`) by
    /// great-circle distance that `keep` accepts, with their distance:
    /// nearest first (ties by id).
    ///
    /// The search reads a sixteenth of the radius first and grows it
    /// fourfold until it holds `k` kept points: all points within a
    /// radius are read, so the `k` nearest of those are the `k` nearest
    /// of all. A town's centre, where hundreds of places lie within the
    /// whole radius, costs the few around the place.
    pub fn nearest(
        &self,
        lat: f64,
        lon: f64,
        radius_m: f64,
        k: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<(usize, f64)> {
        let order = |a: &(usize, f64), b: &(usize, f64)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
        if k == 0 {
            return Vec::new();
        }
        let mut r = radius_m / 16.0;
        let mut found = Vec::new();
        loop {
            let reach = r.min(radius_m);
            found.clear();
            self.scan(lat, lon, reach, &keep, &mut found);
            if found.len() >= k || reach >= radius_m {
                break;
            }
            r *= 4.0;
        }
        if found.len() > k {
            found.select_nth_unstable_by(k - 1, order);
            found.truncate(k);
        }
        found.sort_by(order);
        found
    }

    /// Pushes to `found` the ids within `radius_m` of (`lat`, `lon`) that
    /// `keep` accepts, with their distance, in no order.
    fn scan(
        &self,
        lat: f64,
        lon: f64,
        radius_m: f64,
        keep: &impl Fn(usize) -> bool,
        found: &mut Vec<(usize, f64)>,
    ) {
        let here = Point {
            lat,
            lon,
            ele: None,
        };
        let dlat = radius_m / M_PER_DEG;
        // Longitudes within the radius: at most the radius over the
        // length of a degree of longitude at the farthest latitude it
        // reaches (a little more than the exact bound, asin(sin δ / cos φ));
        // every longitude near a pole.
        let far = (lat.abs() + dlat).min(90.0);
        let dlon = radius_m / (M_PER_DEG * far.to_radians().cos()) * 1.001;
        let spans: Vec<(f64, f64)> = if !dlon.is_finite() || dlon >= 180.0 {
            vec![(-180.0, 180.0)]
        } else if lon - dlon < -180.0 {
            vec![(-180.0, lon + dlon), (lon - dlon + 360.0, 180.0)]
        } else if lon + dlon > 180.0 {
            vec![(lon - dlon, 180.0), (-180.0, lon + dlon - 360.0)]
        } else {
            vec![(lon - dlon, lon + dlon)]
        };
        for points in self
            .rows
            .range(row(lat - dlat)..=row(lat + dlat))
            .map(|(_, r)| r)
        {
            for &(west, east) in &spans {
                let from = points.partition_point(|p| p.1 < west);
                for &(plat, plon, id) in points[from..].iter().take_while(|p| p.1 <= east) {
                    if (plat - lat).abs() > dlat || !keep(id) {
                        continue;
                    }
                    let d = super::figures::haversine(
                        &here,
                        &Point {
                            lat: plat,
                            lon: plon,
                            ele: None,
                        },
                    );
                    if d <= radius_m {
                        found.push((id, d));
                    }
                }
            }
        }
    }
}

/// The row of [`PointIndex`] a latitude is in.
fn row(lat: f64) -> i64 {
    (lat / ROW_DEG).floor() as i64
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
        let found = index.nearest(46.0, 5.9, 10_000.0, 10, |_| true);
        let ids: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(ids, [5, 2, 0, 1]);
        assert!(found[0].1 < 0.001);
        let expected = haversine(&p(46.0, 5.9), &p(46.0, 5.95));
        assert!((found[2].1 - expected).abs() < 0.01);
        // The two nearest: found in the first sixteenth of the radius.
        let ids: Vec<usize> = index
            .nearest(46.0, 5.9, 10_000.0, 2, |_| true)
            .iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(ids, [5, 2]);
        // The two nearest that are kept: the search grows to 5.6 km.
        let ids: Vec<usize> = index
            .nearest(46.0, 5.9, 10_000.0, 2, |id| id != 5 && id != 2)
            .iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(ids, [0, 1]);
        assert!(index.nearest(46.0, 5.9, 10_000.0, 0, |_| true).is_empty());
        assert!(
            PointIndex::default()
                .nearest(46.0, 5.9, 1e6, 4, |_| true)
                .is_empty()
        );
    }

    proptest::proptest! {
        /// The index finds the `k` nearest kept points that measuring every
        /// point finds: across rows, near the antimeridian and the poles,
        /// at every radius.
        #[test]
        fn the_point_index_finds_what_every_point_measured_finds(
            points in proptest::collection::vec((-90.0f64..=90.0, -180.0f64..=180.0), 0..60),
            near_points in proptest::collection::vec((-0.3f64..0.3, -0.3f64..0.3), 0..60),
            query in (-90.0f64..=90.0, -180.0f64..=180.0),
            radius in proptest::sample::select(vec![10.0, 1_000.0, 10_000.0, 50_000.0, 2e6, 3e7]),
            k in 0usize..12,
            left_out in 1usize..5,
        ) {
            // Points around the query too, so that small radii find some;
            // longitudes wrapped past ±180.
            let wrap = |lon: f64| if lon > 180.0 { lon - 360.0 } else if lon < -180.0 { lon + 360.0 } else { lon };
            let all: Vec<(f64, f64, usize)> = points
                .iter()
                .copied()
                .chain(near_points.iter().map(|&(a, b)| ((query.0 + a).clamp(-90.0, 90.0), wrap(query.1 + b))))
                .enumerate()
                .map(|(i, (a, b))| (a, b, i))
                .collect();
            let index = PointIndex::new(all.clone());
            // Ids 0, `left_out`, 2 × `left_out`… are not kept (all are
            // when `left_out` is 1).
            let keep = |id: usize| left_out == 1 || !id.is_multiple_of(left_out);
            let found = index.nearest(query.0, query.1, radius, k, keep);
            let mut expected: Vec<(usize, f64)> = all
                .iter()
                .filter(|&&(_, _, i)| keep(i))
                .map(|&(a, b, i)| (i, haversine(&p(query.0, query.1), &p(a, b))))
                .filter(|&(_, d)| d <= radius)
                .collect();
            expected.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            expected.truncate(k);
            proptest::prop_assert_eq!(found, expected);
        }
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
