//! Geometry of trails: track files read into points, and the figures a
//! visitor reads before setting off (distance, climb, highest and lowest
//! points, loop or one way, time for an activity) and the elevation
//! profile's samples.
//!
//! [`read`] takes a GPX (1.0 or 1.1: tracks, routes and waypoints), KML
//! (`LineString`, `gx:Track`, `Point` placemarks) or GeoJSON
//! (`LineString`/`MultiLineString` features or collections, `Point`
//! features as waypoints) file and returns a [`Track`]. The XML formats are
//! read by a streaming parser (quick-xml, no tree kept, entities never
//! expanded beyond XML's five and character references); GeoJSON by
//! serde_json, whose recursion limit stops a deeply nested file. Every
//! error names the file and its line and column (XML) or JSON path. Time
//! and memory are linear in the file, which is refused above
//! [`MAX_BYTES`].
//!
//! This module knows nothing of pages, themes or templates: `content::trail`
//! attaches a track to a page, `render::trail` draws it.

pub mod figures;
pub mod geojson;
pub mod gpx_write;
pub mod mbtiles;
pub mod near;
pub mod profile;
pub mod tiles;
pub mod xml;

pub use figures::{Activity, Figures};

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;

/// The largest track file read: 64 MiB (about a million GPX points).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A point of a track: degrees WGS84, elevation in metres when given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
    pub ele: Option<f64>,
}

/// A named point along the way (a GPX `wpt`, a KML or GeoJSON point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waypoint {
    pub name: String,
    pub point: Point,
}

/// What a track file holds: its lines (a GPX `trkseg` or `rte`, a KML
/// `LineString`, a GeoJSON line), in the file's order, and its waypoints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub segments: Vec<Vec<Point>>,
    pub waypoints: Vec<Waypoint>,
}

impl Track {
    /// Every point of every segment, in order.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.segments.iter().flatten()
    }

    pub fn point_count(&self) -> usize {
        self.segments.iter().map(Vec::len).sum()
    }
}

/// The formats of track files, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gpx,
    Kml,
    GeoJson,
}

impl Format {
    /// `gpx`, `kml`, `geojson` or `json` (any case); `None` for others.
    pub fn of_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "gpx" => Some(Format::Gpx),
            "kml" => Some(Format::Kml),
            "geojson" | "json" => Some(Format::GeoJson),
            _ => None,
        }
    }
}

/// Reads a track file's bytes; `file` names it in errors. A file with no
/// line of at least two points is an error: there is no trail to show.
pub fn read(bytes: &[u8], format: Format, file: &str) -> Result<Track, Diagnostic> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Diagnostic::error(
            "trail-file",
            format!(
                "the track file is {} MB; blason reads track files up to {} MB",
                bytes.len() / (1024 * 1024),
                MAX_BYTES / (1024 * 1024)
            ),
        )
        .file(file)
        .help("simplify the track (one point every few metres is plenty) before publishing it"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        );
        Diagnostic::error("trail-file", "the track file is not UTF-8 text")
            .file(file)
            .at(line, column)
            .help("save it as UTF-8 (GPS software and most editors can)")
    })?;
    let track = match format {
        Format::Gpx => xml::read(text, xml::Dialect::Gpx, file)?,
        Format::Kml => xml::read(text, xml::Dialect::Kml, file)?,
        Format::GeoJson => geojson::read(text, file)?,
    };
    if !track.segments.iter().any(|s| s.len() >= 2) {
        return Err(Diagnostic::error(
            "trail-file",
            "the track file has no line of two points or more (a track, a route, a LineString)",
        )
        .file(file)
        .help("export the trail as a track or a route, not only as waypoints"));
    }
    Ok(track)
}

/// A checked point: latitude and longitude in range, elevation finite and
/// on Earth (between −500 m and 9,000 m). `Err` says what is wrong.
pub fn point(lat: f64, lon: f64, ele: Option<f64>) -> Result<Point, String> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("latitude {lat} is not between -90 and 90 degrees"));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "longitude {lon} is not between -180 and 180 degrees"
        ));
    }
    if let Some(e) = ele
        && (!e.is_finite() || !(-500.0..=9000.0).contains(&e))
    {
        return Err(format!(
            "elevation {e} m is not between -500 and 9000 metres"
        ));
    }
    Ok(Point { lat, lon, ele })
}

/// A number as written in a track file: decimal, no `inf` or `NaN`.
pub fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_out_of_range_are_refused() {
        assert!(point(46.6, 5.9, Some(500.0)).is_ok());
        assert!(point(91.0, 5.9, None).is_err());
        assert!(point(46.6, -181.0, None).is_err());
        assert!(point(f64::NAN, 5.9, None).is_err());
        assert!(point(46.6, 5.9, Some(1e300)).is_err());
        assert!(number("NaN").is_none());
        assert!(number("inf").is_none());
        assert!(number("1e400").is_none());
        assert_eq!(number(" 12.5 "), Some(12.5));
    }

    #[test]
    fn too_large_or_not_utf8_files_are_errors() {
        let d = read(b"<gpx>\n\xff</gpx>", Format::Gpx, "t.gpx").unwrap_err();
        assert_eq!(d.file.as_deref(), Some("t.gpx"));
        assert_eq!(d.line, Some(2));
        let only_waypoints = br#"<gpx><wpt lat="46.6" lon="5.9"><name>A</name></wpt></gpx>"#;
        let d = read(only_waypoints, Format::Gpx, "w.gpx").unwrap_err();
        assert!(d.message.contains("no line"), "{}", d.message);
    }
}
