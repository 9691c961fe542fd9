//! Web Mercator (EPSG:3857) as tile servers cut it: 256-pixel tiles, zoom
//! `z` makes the world `256 · 2^z` pixels wide, `x` grows east from 180° W
//! and `y` grows south from 85.0511° N (the OpenStreetMap wiki's "Slippy map
//! tilenames"; WMTS's `PM` tile matrix set, as IGN's Géoplateforme serves
//! it, numbers tiles the same way: `TileCol` = x, `TileRow` = y).
//!
//! [`Frame::fit`] chooses the largest zoom at which a bounding box, with a
//! margin, fits an image of a given size, centred; [`Frame::tiles`] lists the
//! tiles that cover the image. `sync` (to download them) and the map drawer
//! (to place them) call the same functions, so they always agree on which
//! tiles a map needs. [`simplify`] thins a line in pixel space for drawing.
//!
//! Latitudes beyond ±85.0511° (the projection's edge) are clamped.

/// A tile's side, in pixels.
pub const TILE: u32 = 256;

/// The projection's northern and southern edge, in degrees.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// The deepest zoom blason asks for.
pub const MAX_ZOOM: u8 = 22;

/// The world's width (and height) in pixels at zoom `z`.
pub fn world_size(z: u8) -> f64 {
    f64::from(TILE) * 2f64.powi(i32::from(z.min(MAX_ZOOM)))
}

/// A position in the world's pixels at zoom `z` (from the top-left corner).
pub fn to_pixel(lon: f64, lat: f64, z: u8) -> (f64, f64) {
    let size = world_size(z);
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * size;
    (x, y)
}

/// The longitude and latitude of a world pixel at zoom `z` (the inverse,
/// which the tests hold the projection against).
#[cfg_attr(not(test), allow(dead_code))]
pub fn to_lon_lat(x: f64, y: f64, z: u8) -> (f64, f64) {
    let size = world_size(z);
    let lon = x / size * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * y / size);
    (lon, n.sinh().atan().to_degrees())
}

/// A tile of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Tile {
    /// The tile holding a position at zoom `z`.
    pub fn at(lon: f64, lat: f64, z: u8) -> Tile {
        let (x, y) = to_pixel(lon, lat, z);
        let last = (1u64 << z.min(MAX_ZOOM)) - 1;
        let t = f64::from(TILE);
        let cell = |p: f64| ((p / t).floor().max(0.0) as u64).min(last) as u32;
        Tile {
            z: z.min(MAX_ZOOM),
            x: cell(x),
            y: cell(y),
        }
    }

    /// The longitude and latitude of the tile's north-west corner.
    pub fn north_west(&self) -> (f64, f64) {
        let t = f64::from(TILE);
        to_lon_lat(f64::from(self.x) * t, f64::from(self.y) * t, self.z)
    }
}

/// Where a set of points lies: its extreme longitudes and latitudes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bounds {
    /// The bounds of `points` (longitude, latitude); `None` when empty.
    pub fn of(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Bounds> {
        let mut b: Option<Bounds> = None;
        for (lon, lat) in points {
            let e = b.get_or_insert(Bounds {
                west: lon,
                south: lat,
                east: lon,
                north: lat,
            });
            e.west = e.west.min(lon);
            e.east = e.east.max(lon);
            e.south = e.south.min(lat);
            e.north = e.north.max(lat);
        }
        b
    }
}

/// An image of `width`×`height` pixels showing the world at `zoom`, its
/// top-left corner at world pixel (`left`, `top`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub zoom: u8,
    pub width: u32,
    pub height: u32,
    pub left: f64,
    pub top: f64,
}

/// A tile of a frame and where its top-left corner lands in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub tile: Tile,
    pub x: i64,
    pub y: i64,
}

impl Frame {
    /// The largest zoom, up to `max_zoom`, at which `bounds` fits inside
    /// the image with `margin` pixels left free on every side, centred on
    /// the bounds' middle (in projected pixels). A single point is shown at
    /// `max_zoom`.
    pub fn fit(bounds: Bounds, width: u32, height: u32, margin: u32, max_zoom: u8) -> Frame {
        let room_w = f64::from(width.saturating_sub(2 * margin).max(1));
        let room_h = f64::from(height.saturating_sub(2 * margin).max(1));
        let mut zoom = max_zoom.min(MAX_ZOOM);
        loop {
            let (x0, y0) = to_pixel(bounds.west, bounds.north, zoom);
            let (x1, y1) = to_pixel(bounds.east, bounds.south, zoom);
            if zoom == 0 || (x1 - x0 <= room_w && y1 - y0 <= room_h) {
                return Frame::centred(((x0 + x1) / 2.0, (y0 + y1) / 2.0), zoom, width, height);
            }
            zoom -= 1;
        }
    }

    /// A frame at `zoom` centred on a longitude and latitude.
    pub fn around(lon: f64, lat: f64, zoom: u8, width: u32, height: u32) -> Frame {
        let zoom = zoom.min(MAX_ZOOM);
        Frame::centred(to_pixel(lon, lat, zoom), zoom, width, height)
    }

    fn centred(centre: (f64, f64), zoom: u8, width: u32, height: u32) -> Frame {
        // Whole pixels: tiles then land on whole pixels, drawn unscaled.
        Frame {
            zoom,
            width,
            height,
            left: (centre.0 - f64::from(width) / 2.0).round(),
            top: (centre.1 - f64::from(height) / 2.0).round(),
        }
    }

    /// Where a longitude and latitude land in the image, in pixels.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = to_pixel(lon, lat, self.zoom);
        (x - self.left, y - self.top)
    }

    /// The tiles covering the image, row by row from the top left, each
    /// with the image pixel of its corner. Columns wrap around the
    /// antimeridian; rows beyond the projection's edges have no tile.
    pub fn tiles(&self) -> Vec<Placed> {
        let t = f64::from(TILE);
        let n = 1i64 << self.zoom;
        let first_x = (self.left / t).floor() as i64;
        let first_y = (self.top / t).floor() as i64;
        let last_x = ((self.left + f64::from(self.width)) / t).ceil() as i64 - 1;
        let last_y = ((self.top + f64::from(self.height)) / t).ceil() as i64 - 1;
        let mut out = Vec::new();
        for ty in first_y.max(0)..=last_y.min(n - 1) {
            for tx in first_x..=last_x {
                out.push(Placed {
                    tile: Tile {
                        z: self.zoom,
                        x: tx.rem_euclid(n) as u32,
                        y: ty as u32,
                    },
                    x: tx * i64::from(TILE) - self.left as i64,
                    y: ty * i64::from(TILE) - self.top as i64,
                });
            }
        }
        out
    }
}

/// Thins a line of image pixels for drawing: a point closer than
/// `tolerance` pixels to the last one kept is dropped (one pass), then
/// Douglas–Peucker keeps only the points farther than `tolerance` from the
/// line through the points kept around them. The first and last points are
/// always kept. With a tolerance of half a pixel to a pixel, the drawing
/// does not change to the eye while a 100,000-point track becomes a few
/// thousand points at most. The Douglas–Peucker pass uses its own stack
/// (no recursion): a long zigzag cannot overflow the thread's.
pub fn simplify(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let tol2 = tolerance * tolerance;
    let mut near: Vec<(f64, f64)> = Vec::with_capacity(points.len().min(1 << 16));
    near.push(points[0]);
    for &p in &points[1..points.len() - 1] {
        let last = near[near.len() - 1];
        if (p.0 - last.0).powi(2) + (p.1 - last.1).powi(2) >= tol2 {
            near.push(p);
        }
    }
    near.push(points[points.len() - 1]);
    if near.len() <= 2 {
        return near;
    }
    let mut keep = vec![false; near.len()];
    keep[0] = true;
    keep[near.len() - 1] = true;
    let mut stack = vec![(0usize, near.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut worst, mut at) = (-1.0f64, a);
        for (i, &p) in near.iter().enumerate().take(b).skip(a + 1) {
            let d = segment_distance2(p, near[a], near[b]);
            if d > worst {
                (worst, at) = (d, i);
            }
        }
        if worst > tol2 {
            keep[at] = true;
            stack.push((a, at));
            stack.push((at, b));
        }
    }
    near.into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// The squared distance from `p` to the segment `a`–`b`.
fn segment_distance2(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    (p.0 - cx).powi(2) + (p.1 - cy).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    #[test]
    fn the_grid_edges_are_the_wikis() {
        // "X goes from 0 (left edge is 180 °W) to 2^zoom − 1 (right edge is
        // 180 °E); Y goes from 0 (top edge is 85.0511 °N) to 2^zoom − 1
        // (bottom edge is 85.0511 °S)" (OSM wiki, Slippy map tilenames).
        for z in [0u8, 1, 5, 12, 18] {
            let n = (1u32 << z) - 1;
            assert_eq!(Tile::at(-180.0, 85.0511, z), Tile { z, x: 0, y: 0 });
            assert_eq!(Tile::at(179.9999, -85.0511, z), Tile { z, x: n, y: n });
        }
        let (lon, lat) = Tile { z: 3, x: 0, y: 0 }.north_west();
        assert!(
            close(lon, -180.0, 1e-9) && close(lat, 85.0511, 1e-4),
            "{lat}"
        );
        // Zoom 1: 2 × 2 tiles of 180° × 85.0511°; the equator and the prime
        // meridian meet at the corner of tile (1, 1).
        let (lon, lat) = Tile { z: 1, x: 1, y: 1 }.north_west();
        assert!(close(lon, 0.0, 1e-9) && close(lat, 0.0, 1e-9));
        assert_eq!(Tile::at(0.0001, -0.0001, 1), Tile { z: 1, x: 1, y: 1 });
        assert_eq!(Tile::at(-0.0001, 0.0001, 1), Tile { z: 1, x: 0, y: 0 });
        // Zoom 12: 4096 × 4096 tiles, each 0.0879° wide.
        let (w, _) = Tile { z: 12, x: 1, y: 0 }.north_west();
        assert!(close(w + 180.0, 0.0879, 1e-4), "{w}");
    }

    #[test]
    fn ground_resolution_matches_the_published_table() {
        // The wiki's "Resolution and Scale": 156,543.03 m a pixel at zoom 0
        // on the equator, halved at each zoom. One pixel east of the
        // origin is that many metres along the equator (WGS84's 6,378,137 m).
        let (x, y) = to_pixel(0.0, 0.0, 0);
        assert_eq!((x, y), (128.0, 128.0));
        let (lon, _) = to_lon_lat(129.0, 128.0, 0);
        let metres = lon.to_radians() * 6_378_137.0;
        assert!(close(metres, 156_543.03, 0.01), "{metres}");
        let (lon, _) = to_lon_lat(f64::from(TILE) * 2f64.powi(17) + 1.0, 0.0, 18);
        assert!(close(lon.to_radians() * 6_378_137.0, 0.597, 0.001));
    }

    #[test]
    fn pixels_and_degrees_round_trip_at_every_zoom() {
        for z in 0..=MAX_ZOOM {
            for (lon, lat) in [(5.92, 46.6), (-73.98, 40.75), (151.2, -33.87), (0.0, 0.0)] {
                let (x, y) = to_pixel(lon, lat, z);
                let (lo, la) = to_lon_lat(x, y, z);
                assert!(close(lo, lon, 1e-9) && close(la, lat, 1e-9), "z{z}");
            }
        }
        // Beyond the edge, clamped.
        assert!(to_pixel(0.0, 89.0, 2).1.abs() < 1e-9);
    }

    #[test]
    fn a_bounding_box_fits_at_the_largest_zoom_and_is_centred() {
        // About 6 km × 4 km in the Jura.
        let b = Bounds::of([(5.90, 46.58), (5.98, 46.62)]).unwrap();
        let f = Frame::fit(b, 1280, 800, 40, 17);
        let (x0, y0) = f.project(b.west, b.north);
        let (x1, y1) = f.project(b.east, b.south);
        assert!(x0 >= 40.0 && y0 >= 40.0 && x1 <= 1240.0 && y1 <= 760.0);
        // One zoom more would not fit.
        let g = Frame {
            zoom: f.zoom + 1,
            ..f
        };
        let w = (g.project(b.east, b.south).0 - g.project(b.west, b.north).0).abs();
        let h = (g.project(b.east, b.south).1 - g.project(b.west, b.north).1).abs();
        assert!(w > 1200.0 || h > 720.0, "zoom {} fits too", g.zoom);
        assert_eq!(f.zoom, 14);
        assert!(close((x0 + x1) / 2.0, 640.0, 1.0) && close((y0 + y1) / 2.0, 400.0, 1.0));
        // A point: the largest zoom allowed.
        let p = Bounds::of([(5.9, 46.6)]).unwrap();
        assert_eq!(Frame::fit(p, 640, 400, 20, 15).zoom, 15);
    }

    #[test]
    fn the_tiles_cover_the_frame_exactly() {
        let f = Frame::around(5.92, 46.6, 13, 1280, 800);
        let tiles = f.tiles();
        // Every image pixel is under exactly one tile.
        let mut covered = vec![0u8; 1280 * 800];
        for p in &tiles {
            for y in p.y.max(0)..(p.y + 256).min(800) {
                for x in p.x.max(0)..(p.x + 256).min(1280) {
                    covered[(y * 1280 + x) as usize] += 1;
                }
            }
            // Each tile holds the place its pixels show.
            let (lon, lat) =
                to_lon_lat(f.left + p.x as f64 + 128.0, f.top + p.y as f64 + 128.0, 13);
            assert_eq!(Tile::at(lon, lat, 13), p.tile);
        }
        assert!(covered.iter().all(|&c| c == 1));
        assert!(tiles.len() <= 6 * 5);
        // At zoom 0 the world is one tile; columns wrap, rows beyond do not.
        let world = Frame::around(0.0, 0.0, 0, 512, 512).tiles();
        assert!(world.iter().all(|p| p.tile == Tile { z: 0, x: 0, y: 0 }));
        assert_eq!(world.len(), 3, "three columns of the one row");
    }

    #[test]
    fn simplify_keeps_shape_and_ends_and_drops_the_rest() {
        // A straight line of 100,001 points: its two ends.
        let line: Vec<(f64, f64)> = (0..=100_000).map(|i| (f64::from(i) * 0.01, 5.0)).collect();
        assert_eq!(simplify(&line, 0.5), vec![(0.0, 5.0), (1000.0, 5.0)]);
        // A corner stays; noise under the tolerance goes.
        let mut l: Vec<(f64, f64)> = (0..=100).map(|i| (f64::from(i), 0.0)).collect();
        l.extend((1..=100).map(|i| (100.0, f64::from(i))));
        for (i, p) in l.iter_mut().enumerate() {
            p.1 += if i % 2 == 0 { 0.2 } else { -0.2 };
        }
        let s = simplify(&l, 1.0);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[0], l[0]);
        assert_eq!(s[2], l[l.len() - 1]);
        assert!(close(s[1].0, 100.0, 0.5) && close(s[1].1, 0.0, 0.5));
        // No point of the original is farther than the tolerance from the
        // simplified line.
        let zig: Vec<(f64, f64)> = (0..5000)
            .map(|i| {
                let t = f64::from(i) * 0.05;
                (t * 3.0, (t).sin() * 40.0)
            })
            .collect();
        let s = simplify(&zig, 0.75);
        assert!(s.len() < zig.len() / 5, "{}", s.len());
        for p in &zig {
            let d = s
                .windows(2)
                .map(|w| segment_distance2(*p, w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            assert!(
                d.sqrt() <= 0.75 * 2.0 + 1e-9,
                "{p:?} is {} px away",
                d.sqrt()
            );
        }
        assert_eq!(simplify(&[(1.0, 1.0)], 1.0), vec![(1.0, 1.0)]);
        assert!(simplify(&[], 1.0).is_empty());
    }

    #[test]
    fn a_hundred_thousand_point_track_simplifies_fast() {
        // A random walk (the worst case for the radial pass: every step is
        // about a pixel).
        let mut p = (0.0f64, 0.0f64);
        let mut seed = 12345u64;
        let walk: Vec<(f64, f64)> = (0..100_000)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let a = (seed >> 11) as f64 / (1u64 << 53) as f64 * std::f64::consts::TAU;
                p = (p.0 + a.cos() * 1.2, p.1 + a.sin() * 1.2);
                p
            })
            .collect();
        let start = std::time::Instant::now();
        let s = simplify(&walk, 1.0);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert!(s.len() < walk.len());
        assert_eq!(s[0], walk[0]);
        assert_eq!(*s.last().unwrap(), walk[walk.len() - 1]);
    }
}
