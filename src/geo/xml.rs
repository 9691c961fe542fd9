//! GPX and KML, read as a stream of XML events (quick-xml): no tree is
//! built, so time and memory follow the file's length. Element names are
//! matched without their namespace prefix, so GPX 1.0 and 1.1 and KML 2.2
//! (with or without `gx:`) read alike. A DTD is skipped, never read:
//! entities other than XML's five and character references are errors,
//! so a "billion laughs" file cannot grow. Nesting keeps a stack of names
//! on the heap (quick-xml checks end tags), never the call stack.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Point, Track, Waypoint, number, point};
use crate::error::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Gpx,
    Kml,
}

/// Where a text being read goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect {
    None,
    /// A GPX point's `ele`.
    Ele,
    /// A GPX waypoint's or a KML placemark's `name`.
    Name,
    /// KML `coordinates` of a `LineString` or a `Point`.
    Coordinates,
    /// KML `gx:coord` of a `gx:Track`.
    Coord,
}

/// A GPX point being read: its attributes, its elevation, its name, the
/// depth of its element.
struct Open {
    lat: f64,
    lon: f64,
    ele: Option<f64>,
    name: String,
    depth: usize,
    waypoint: bool,
    /// Where the element starts, for errors.
    at: usize,
}

pub fn read(text: &str, dialect: Dialect, file: &str) -> Result<Track, Diagnostic> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    let fail = |at: usize, message: String| {
        let (line, column) = crate::error::line_col(text, at);
        Diagnostic::error("trail-file", message)
            .file(file)
            .at(line, column)
    };
    let mut track = Track::default();
    let mut depth = 0usize;
    let mut collect = Collect::None;
    let mut collect_depth = 0usize;
    let mut buf = String::new();
    let mut buf_at = 0usize;
    // GPX
    let mut open: Option<Open> = None;
    let mut in_segment = false;
    // KML
    let mut placemark_name = String::new();
    let mut placemark_depth = None;
    let mut in_point = false;
    let mut saw_root = false;
    loop {
        let at = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                return Err(fail(
                    reader.error_position() as usize,
                    format!("the file is not well-formed XML: {e}"),
                ));
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = local(e);
                if !saw_root {
                    saw_root = true;
                    let want = match dialect {
                        Dialect::Gpx => "gpx",
                        Dialect::Kml => "kml",
                    };
                    if name != want {
                        return Err(fail(
                            at,
                            format!("the file's root element is <{name}>, not <{want}>"),
                        )
                        .help(
                            "check the file's extension matches its format (.gpx, .kml, .geojson)",
                        ));
                    }
                }
                if !empty {
                    depth += 1;
                }
                match dialect {
                    Dialect::Gpx => match name.as_str() {
                        "trkseg" | "rte" => {
                            track.segments.push(Vec::new());
                            in_segment = true;
                        }
                        "trkpt" | "rtept" | "wpt" if open.is_none() => {
                            let (lat, lon) = lat_lon(e).map_err(|m| fail(at, m))?;
                            let o = Open {
                                lat,
                                lon,
                                ele: None,
                                name: String::new(),
                                depth,
                                waypoint: name == "wpt",
                                at,
                            };
                            if empty {
                                finish_point(&mut track, &mut in_segment, o)
                                    .map_err(|m| fail(at, m))?;
                            } else {
                                open = Some(o);
                            }
                        }
                        "ele" | "name" if !empty => {
                            if let Some(o) = &open
                                && depth == o.depth + 1
                            {
                                collect = if name == "ele" {
                                    Collect::Ele
                                } else {
                                    Collect::Name
                                };
                                collect_depth = depth;
                                buf.clear();
                                buf_at = at;
                            }
                        }
                        _ => {}
                    },
                    Dialect::Kml => match name.as_str() {
                        "Placemark" if !empty => {
                            placemark_name.clear();
                            placemark_depth = Some(depth);
                        }
                        "name" if !empty && placemark_depth == Some(depth - 1) => {
                            collect = Collect::Name;
                            collect_depth = depth;
                            buf.clear();
                        }
                        "LineString" | "Track" => track.segments.push(Vec::new()),
                        "Point" if !empty => in_point = true,
                        "coordinates" | "coord" if !empty => {
                            collect = if name == "coord" {
                                Collect::Coord
                            } else {
                                Collect::Coordinates
                            };
                            collect_depth = depth;
                            buf.clear();
                            buf_at = at;
                        }
                        _ => {}
                    },
                }
            }
            Event::End(ref e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if collect != Collect::None && depth == collect_depth {
                    match collect {
                        Collect::Ele => {
                            if let Some(o) = open.as_mut() {
                                let t = buf.trim();
                                // An empty <ele/> is no elevation.
                                if !t.is_empty() {
                                    o.ele = Some(number(t).ok_or_else(|| {
                                        fail(buf_at, format!("<ele>{t}</ele> is not a number"))
                                    })?);
                                }
                            }
                        }
                        Collect::Name => match dialect {
                            Dialect::Gpx => {
                                if let Some(o) = open.as_mut() {
                                    o.name = buf.trim().to_string();
                                }
                            }
                            Dialect::Kml => placemark_name = buf.trim().to_string(),
                        },
                        Collect::Coordinates => {
                            if in_point {
                                let mut pts = Vec::new();
                                kml_tuples(&buf, &mut pts).map_err(|m| fail(buf_at, m))?;
                                if let Some(p) = pts.first() {
                                    track.waypoints.push(Waypoint {
                                        name: placemark_name.clone(),
                                        point: *p,
                                    });
                                }
                            } else {
                                if track.segments.is_empty() {
                                    track.segments.push(Vec::new());
                                }
                                let seg = track.segments.last_mut().expect("pushed above");
                                kml_tuples(&buf, seg).map_err(|m| fail(buf_at, m))?;
                            }
                        }
                        Collect::Coord => {
                            if track.segments.is_empty() {
                                track.segments.push(Vec::new());
                            }
                            let seg = track.segments.last_mut().expect("pushed above");
                            seg.push(kml_coord(&buf).map_err(|m| fail(buf_at, m))?);
                        }
                        Collect::None => {}
                    }
                    collect = Collect::None;
                }
                if let Some(o) = &open
                    && depth == o.depth
                {
                    let o = open.take().expect("checked above");
                    let at = o.at;
                    finish_point(&mut track, &mut in_segment, o).map_err(|m| fail(at, m))?;
                }
                match name.as_str() {
                    "trkseg" | "rte" if dialect == Dialect::Gpx => in_segment = false,
                    "Point" => in_point = false,
                    "Placemark" => placemark_depth = None,
                    _ => {}
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if collect != Collect::None => {
                let s = t
                    .decode()
                    .map_err(|e| fail(at, format!("the text is not readable: {e}")))?;
                buf.push_str(&s);
            }
            Event::CData(t) if collect != Collect::None => {
                let s = t
                    .decode()
                    .map_err(|e| fail(at, format!("the text is not readable: {e}")))?;
                buf.push_str(&s);
            }
            Event::GeneralRef(r) if collect != Collect::None => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match c {
                    Some(c) => buf.push(c),
                    None => {
                        return Err(fail(
                            at,
                            format!(
                                "the entity &{}; is not one of XML's own; blason does not read DTDs",
                                String::from_utf8_lossy(&r)
                            ),
                        ));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(fail(0, "the file has no XML element".into()));
    }
    track.segments.retain(|s| !s.is_empty());
    Ok(track)
}

/// A GPX point read whole: a waypoint, or the next point of the segment
/// (a point outside any `trkseg`/`rte` starts one).
fn finish_point(track: &mut Track, in_segment: &mut bool, o: Open) -> Result<(), String> {
    let p = point(o.lat, o.lon, o.ele)?;
    if o.waypoint {
        track.waypoints.push(Waypoint {
            name: o.name,
            point: p,
        });
        return Ok(());
    }
    if !*in_segment || track.segments.is_empty() {
        track.segments.push(Vec::new());
        *in_segment = true;
    }
    track.segments.last_mut().expect("pushed above").push(p);
    Ok(())
}

fn local(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

/// A GPX point's `lat` and `lon` attributes, as numbers.
fn lat_lon(e: &BytesStart<'_>) -> Result<(f64, f64), String> {
    let mut lat = None;
    let mut lon = None;
    for a in e.attributes() {
        let a = a.map_err(|err| format!("a broken attribute: {err}"))?;
        let key = a.key.local_name();
        let which = match key.as_ref() {
            b"lat" => &mut lat,
            b"lon" => &mut lon,
            _ => continue,
        };
        let v = a
            .unescape_value()
            .map_err(|err| format!("a broken attribute: {err}"))?;
        *which = Some(number(&v).ok_or_else(|| {
            format!(
                "{}=\"{v}\" is not a number",
                String::from_utf8_lossy(key.as_ref())
            )
        })?);
    }
    match (lat, lon) {
        (Some(lat), Some(lon)) => Ok((lat, lon)),
        _ => Err(format!(
            "<{}> needs both lat and lon attributes",
            String::from_utf8_lossy(e.local_name().as_ref())
        )),
    }
}

/// KML `coordinates`: tuples `lon,lat[,alt]` separated by white space.
/// Altitudes of 0 everywhere are taken as "not given" by
/// [`drop_flat_zero`](super::figures) later, not here.
fn kml_tuples(text: &str, out: &mut Vec<Point>) -> Result<(), String> {
    for tuple in text.split_ascii_whitespace() {
        let mut parts = tuple.split(',');
        let lon = parts.next().and_then(number);
        let lat = parts.next().and_then(number);
        let ele = match parts.next() {
            Some(e) => {
                Some(number(e).ok_or_else(|| format!("`{tuple}`: the altitude is not a number"))?)
            }
            None => None,
        };
        match (lat, lon) {
            (Some(lat), Some(lon)) => out.push(point(lat, lon, ele)?),
            _ => return Err(format!("`{tuple}` is not a coordinate lon,lat[,altitude]")),
        }
    }
    Ok(())
}

/// KML `gx:coord`: `lon lat [alt]`.
fn kml_coord(text: &str) -> Result<Point, String> {
    let mut parts = text.split_ascii_whitespace();
    let lon = parts.next().and_then(number);
    let lat = parts.next().and_then(number);
    let ele = match parts.next() {
        Some(e) => {
            Some(number(e).ok_or_else(|| format!("`{text}`: the altitude is not a number"))?)
        }
        None => None,
    };
    match (lat, lon) {
        (Some(lat), Some(lon)) => point(lat, lon, ele),
        _ => Err(format!(
            "`{}` is not a coordinate `lon lat [altitude]`",
            text.trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPX11: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>Boucle</name></metadata>
  <wpt lat="46.60" lon="5.90"><ele>500</ele><name>Fontaine &amp; lavoir</name></wpt>
  <trk><name>Boucle</name>
    <trkseg>
      <trkpt lat="46.600" lon="5.900"><ele>500</ele><time>2026-01-01T10:00:00Z</time></trkpt>
      <trkpt lat="46.601" lon="5.900"><ele>510.5</ele><extensions><ele>9999</ele></extensions></trkpt>
      <trkpt lat="46.602" lon="5.900"/>
    </trkseg>
    <trkseg><trkpt lat="46.603" lon="5.900"><ele>520</ele></trkpt></trkseg>
  </trk>
</gpx>"#;

    #[test]
    fn gpx_11_tracks_segments_waypoints_and_missing_elevations() {
        let t = read(GPX11, Dialect::Gpx, "b.gpx").unwrap();
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0].len(), 3);
        // The elevation of an extension is not the point's.
        assert_eq!(t.segments[0][1].ele, Some(510.5));
        assert_eq!(t.segments[0][2].ele, None);
        assert_eq!(t.waypoints.len(), 1);
        assert_eq!(t.waypoints[0].name, "Fontaine & lavoir");
    }

    #[test]
    fn gpx_10_routes() {
        let gpx = r#"<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0">
<rte><name>R</name><rtept lat="46.6" lon="5.9"><ele>1</ele></rtept><rtept lat="46.7" lon="5.9"><ele>2</ele></rtept></rte></gpx>"#;
        let t = read(gpx, Dialect::Gpx, "r.gpx").unwrap();
        assert_eq!(
            t.segments,
            vec![vec![
                Point {
                    lat: 46.6,
                    lon: 5.9,
                    ele: Some(1.0)
                },
                Point {
                    lat: 46.7,
                    lon: 5.9,
                    ele: Some(2.0)
                },
            ]]
        );
    }

    #[test]
    fn kml_line_strings_tracks_and_placemarks() {
        let kml = r#"<?xml version="1.0"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <Placemark><name>Départ</name><Point><coordinates>5.9,46.6,500</coordinates></Point></Placemark>
  <Placemark><name>Boucle</name><LineString><coordinates>
    5.9,46.6,500 5.9,46.61,520
    5.91,46.61,530
  </coordinates></LineString></Placemark>
  <Placemark><gx:Track><when>2026-01-01T10:00:00Z</when>
    <gx:coord>5.9 46.6 500</gx:coord><gx:coord>5.9 46.62 540</gx:coord></gx:Track></Placemark>
</Document></kml>"#;
        let t = read(kml, Dialect::Kml, "b.kml").unwrap();
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0].len(), 3);
        assert_eq!(t.segments[0][2].ele, Some(530.0));
        assert_eq!(t.segments[1][1].lat, 46.62);
        assert_eq!(t.waypoints[0].name, "Départ");
    }

    #[test]
    fn malformed_files_name_their_line_and_column() {
        let bad = "<gpx>\n<trk><trkseg>\n<trkpt lat=\"46.6\" lon=\"5.9\"></trkseg></gpx>";
        let d = read(bad, Dialect::Gpx, "bad.gpx").unwrap_err();
        assert_eq!(d.file.as_deref(), Some("bad.gpx"));
        assert_eq!(d.line, Some(3), "{d:?}");
        let nan = "<gpx>\n<trk><trkseg>\n  <trkpt lat=\"NaN\" lon=\"5.9\"/></trkseg></trk></gpx>";
        let d = read(nan, Dialect::Gpx, "nan.gpx").unwrap_err();
        assert_eq!((d.line, d.column), (Some(3), Some(3)), "{d:?}");
        assert!(d.message.contains("not a number"), "{}", d.message);
        let huge = "<gpx><trk><trkseg><trkpt lat=\"1e400\" lon=\"5.9\"/></trkseg></trk></gpx>";
        assert!(read(huge, Dialect::Gpx, "h.gpx").is_err());
        let far = "<gpx><trk><trkseg><trkpt lat=\"146\" lon=\"5.9\"/></trkseg></trk></gpx>";
        let d = read(far, Dialect::Gpx, "f.gpx").unwrap_err();
        assert!(d.message.contains("latitude"), "{}", d.message);
        let ele = "<gpx><trk><trkseg><trkpt lat=\"46\" lon=\"5.9\"><ele>haut</ele></trkpt></trkseg></trk></gpx>";
        assert!(read(ele, Dialect::Gpx, "e.gpx").is_err());
        let kml = read("<gpx/>", Dialect::Kml, "x.kml").unwrap_err();
        assert!(kml.message.contains("root element"), "{}", kml.message);
    }

    #[test]
    fn entities_are_never_expanded() {
        let lol = r#"<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<gpx><wpt lat="46" lon="5"><name>&b;</name></wpt><trk><trkseg><trkpt lat="46" lon="5"/><trkpt lat="46.1" lon="5"/></trkseg></trk></gpx>"#;
        let d = read(lol, Dialect::Gpx, "lol.gpx").unwrap_err();
        assert!(d.message.contains("&b;"), "{}", d.message);
    }

    #[test]
    fn deep_nesting_is_read_without_recursion() {
        let n = 200_000;
        let mut s = String::from("<gpx>");
        s.push_str(&"<x>".repeat(n));
        s.push_str(&"</x>".repeat(n));
        s.push_str("<trk><trkseg><trkpt lat=\"46\" lon=\"5\"/><trkpt lat=\"46.1\" lon=\"5\"/></trkseg></trk></gpx>");
        let t = read(&s, Dialect::Gpx, "deep.gpx").unwrap();
        assert_eq!(t.point_count(), 2);
    }

    #[test]
    fn the_real_orleans_loop() {
        let t = read(
            include_str!("../../tests/fixtures/trails/samples/orleans-loop-trace.gpx"),
            Dialect::Gpx,
            "o.gpx",
        )
        .unwrap();
        assert_eq!(t.segments.len(), 1);
        assert_eq!(t.point_count(), 789);
        assert!(t.points().all(|p| p.ele.is_some()));
    }
}
