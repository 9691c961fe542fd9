//! GeoJSON (RFC 7946): a `Feature` or `FeatureCollection` of `LineString`
//! and `MultiLineString` geometries (each line a segment), `Point`
//! features as waypoints (named by their `name` or `nom` property), or a
//! bare geometry. Positions are `[lon, lat]` or `[lon, lat, elevation]`.
//! serde_json stops at 128 levels of nesting and refuses numbers out of
//! the range of a double, with the line and column; errors of shape name
//! the JSON path (`$.features[2].geometry.coordinates[14]`).

use serde_json::Value;

use super::{Point, Track, Waypoint, number, point};
use crate::error::Diagnostic;

pub fn read(text: &str, file: &str) -> Result<Track, Diagnostic> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error("trail-file", format!("the file is not valid JSON: {e}"))
            .file(file)
            .at(e.line(), e.column())
    })?;
    let mut track = Track::default();
    read_value(&value, "$", &mut track).map_err(|(path, message)| {
        Diagnostic::error("trail-file", format!("{path}: {message}"))
            .file(file)
            .help("a trail is a GeoJSON LineString or MultiLineString, in a Feature or a FeatureCollection")
    })?;
    Ok(track)
}

type Fail = (String, String);

fn read_value(v: &Value, path: &str, track: &mut Track) -> Result<(), Fail> {
    let kind = v
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| (path.to_string(), "has no \"type\"".to_string()))?;
    match kind {
        "FeatureCollection" => {
            let features = v
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| (path.to_string(), "has no \"features\" list".to_string()))?;
            for (i, f) in features.iter().enumerate() {
                read_value(f, &format!("{path}.features[{i}]"), track)?;
            }
            Ok(())
        }
        "Feature" => {
            let name = v
                .get("properties")
                .and_then(|p| p.get("name").or_else(|| p.get("nom")))
                .and_then(Value::as_str)
                .unwrap_or("");
            match v.get("geometry") {
                Some(Value::Null) | None => Ok(()),
                Some(g) => geometry(g, &format!("{path}.geometry"), name, track),
            }
        }
        _ => geometry(v, path, "", track),
    }
}

/// A geometry into `track`: lines become segments, points waypoints named
/// `name`; other kinds (polygons) are left out.
pub fn geometry(g: &Value, path: &str, name: &str, track: &mut Track) -> Result<(), Fail> {
    let kind = g
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| (path.to_string(), "has no \"type\"".to_string()))?;
    let coords = || {
        g.get("coordinates")
            .ok_or_else(|| (path.to_string(), "has no \"coordinates\"".to_string()))
    };
    let cpath = format!("{path}.coordinates");
    match kind {
        "LineString" => track.segments.push(line(coords()?, &cpath)?),
        "MultiLineString" => {
            let lines = coords()?
                .as_array()
                .ok_or_else(|| (cpath.clone(), "is not a list of lines".to_string()))?;
            for (i, l) in lines.iter().enumerate() {
                track.segments.push(line(l, &format!("{cpath}[{i}]"))?);
            }
        }
        "Point" => track.waypoints.push(Waypoint {
            name: name.to_string(),
            point: position(coords()?, &cpath)?,
        }),
        "GeometryCollection" => {
            let list = g
                .get("geometries")
                .and_then(Value::as_array)
                .ok_or_else(|| (path.to_string(), "has no \"geometries\" list".to_string()))?;
            for (i, sub) in list.iter().enumerate() {
                geometry(sub, &format!("{path}.geometries[{i}]"), name, track)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn line(v: &Value, path: &str) -> Result<Vec<Point>, Fail> {
    let list = v
        .as_array()
        .ok_or_else(|| (path.to_string(), "is not a list of positions".to_string()))?;
    list.iter()
        .enumerate()
        .map(|(i, p)| position(p, &format!("{path}[{i}]")))
        .collect()
}

fn position(v: &Value, path: &str) -> Result<Point, Fail> {
    let fail = |m: String| (path.to_string(), m);
    let list = v
        .as_array()
        .filter(|l| l.len() >= 2)
        .ok_or_else(|| fail("is not a position [longitude, latitude]".into()))?;
    let n = |x: &Value| -> Option<f64> {
        match x {
            Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
            Value::String(s) => number(s),
            _ => None,
        }
    };
    let lon = n(&list[0]).ok_or_else(|| fail("the longitude is not a number".into()))?;
    let lat = n(&list[1]).ok_or_else(|| fail("the latitude is not a number".into()))?;
    let ele = match list.get(2) {
        None | Some(Value::Null) => None,
        Some(e) => Some(n(e).ok_or_else(|| fail("the elevation is not a number".into()))?),
    };
    point(lat, lon, ele).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_and_collections_of_lines_and_points() {
        let fc = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"Belvédère"},"geometry":{"type":"Point","coordinates":[5.9,46.6,700]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[5.9,46.6,500],[5.9,46.61,520]],[[5.9,46.62],[5.91,46.62]]]}},
          {"type":"Feature","properties":{},"geometry":null}
        ]}"#;
        let t = read(fc, "t.geojson").unwrap();
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0][1].ele, Some(520.0));
        assert_eq!(t.segments[1][0].ele, None);
        assert_eq!(t.waypoints[0].name, "Belvédère");
        let one = r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[5.9,46.6],[5.9,46.7]]}}"#;
        assert_eq!(read(one, "o.geojson").unwrap().point_count(), 2);
    }

    #[test]
    fn errors_name_the_json_path_or_the_line() {
        let bad = r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[5.9,46.6],[5.9,"x"]]}}"#;
        let d = read(bad, "b.geojson").unwrap_err();
        assert!(
            d.message
                .starts_with("$.geometry.coordinates[1]: the latitude"),
            "{}",
            d.message
        );
        let d = read("{\n  \"type\": \"Feature\",\n  oops\n}", "s.geojson").unwrap_err();
        assert_eq!(d.line, Some(3));
        let huge = r#"{"type":"LineString","coordinates":[[1e400,46]]}"#;
        assert!(read(huge, "h.geojson").is_err());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let d = read(&deep, "d.geojson").unwrap_err();
        assert!(d.message.contains("recursion"), "{}", d.message);
        let far = r#"{"type":"LineString","coordinates":[[5,46],[5,95]]}"#;
        let d = read(far, "f.geojson").unwrap_err();
        assert!(
            d.message.contains("coordinates[1]: latitude 95"),
            "{}",
            d.message
        );
    }
}
