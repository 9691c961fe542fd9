//! The track a trail page offers for download, written as a clean GPX 1.1
//! file: the trail's name, its waypoints (`wpt`: position, elevation,
//! name) and one track (`trk`) of its segments (`trkseg`/`trkpt` with
//! `ele`). Nothing else of the source file survives: not its times, its
//! device or software (`creator`), its author, e-mail, links, copyright
//! or keywords (`metadata`), its extensions (heart rate, cadence,
//! temperature), nor its routes' or points' comments, descriptions,
//! symbols or fix data. Whatever the source (GPX, KML, GeoJSON, a trail
//! feed), the same points give the same bytes: positions are written
//! with 6 decimals (about 0.1 m), elevations with 1 (none when they are
//! all 0, as KML writes for tracks clamped to the ground), in order,
//! and the file carries no date, so two builds write identical files.
//!
//! It must not know pages or files: `render::trail` names the download
//! and writes it.

use std::fmt::Write;

use super::{Point, Track, Waypoint};

/// What GPX 1.1 calls the program that wrote the file.
const CREATOR: &str = "blason";

/// The GPX 1.1 file of `track`'s segments and `waypoints`, named `name`.
/// Segments of fewer than two points are left out (a stray point is no
/// part of a path).
pub fn gpx(name: &str, track: &Track, waypoints: &[Waypoint]) -> String {
    let name = one_line(name);
    let points = track.point_count();
    // Elevations all 0 are a file that has none (KML clamped to the
    // ground): a GPS would read them as sea level.
    let with_ele = super::figures::has_elevations(track);
    // About 80 bytes a point.
    let mut out = String::with_capacity(512 + points * 80 + waypoints.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<gpx version=\"1.1\" creator=\"{CREATOR}\" xmlns=\"http://www.topografix.com/GPX/1/1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd\">"
    );
    if !name.is_empty() {
        let _ = writeln!(
            out,
            "  <metadata><name>{}</name></metadata>",
            crate::xml::escape(&name)
        );
    }
    for w in waypoints {
        out.push_str("  <wpt ");
        position(&mut out, &w.point);
        out.push('>');
        if with_ele {
            elevation(&mut out, &w.point);
        }
        let n = one_line(&w.name);
        if !n.is_empty() {
            let _ = write!(out, "<name>{}</name>", crate::xml::escape(&n));
        }
        out.push_str("</wpt>\n");
    }
    out.push_str("  <trk>");
    if !name.is_empty() {
        let _ = write!(out, "<name>{}</name>", crate::xml::escape(&name));
    }
    out.push('\n');
    for seg in track.segments.iter().filter(|s| s.len() >= 2) {
        out.push_str("    <trkseg>\n");
        for p in seg {
            out.push_str("      <trkpt ");
            position(&mut out, p);
            match p.ele.filter(|_| with_ele) {
                Some(_) => {
                    out.push('>');
                    elevation(&mut out, p);
                    out.push_str("</trkpt>\n");
                }
                None => out.push_str("/>\n"),
            }
        }
        out.push_str("    </trkseg>\n");
    }
    out.push_str("  </trk>\n</gpx>\n");
    out
}

fn position(out: &mut String, p: &Point) {
    let _ = write!(out, "lat=\"{:.6}\" lon=\"{:.6}\"", p.lat, p.lon);
}

fn elevation(out: &mut String, p: &Point) {
    if let Some(e) = p.ele {
        let _ = write!(out, "<ele>{e:.1}</ele>");
    }
}

/// A name on one line, its runs of white space made one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::{Format, read};

    /// A GPX as a phone app writes it: every kind of personal metadata.
    const PERSONAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Garmin Edge 830 (Jeanne Dupont's)" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
  <metadata>
    <name>Sortie du dimanche</name>
    <desc>Avec Paul</desc>
    <author><name>Jeanne Dupont</name><email id="jeanne.dupont" domain="example.org"/><link href="https://www.strava.com/athletes/123456"><text>Strava</text></link></author>
    <copyright author="Jeanne Dupont"><year>2026</year></copyright>
    <link href="https://connect.garmin.com/activity/987654"/>
    <time>2026-05-03T07:12:44Z</time>
    <keywords>maison, 12 rue des Lilas</keywords>
  </metadata>
  <wpt lat="46.6031" lon="5.9280"><ele>1250</ele><time>2026-05-03T08:00:00Z</time><name>Belvédère</name><cmt>Pique-nique avec Paul</cmt><sym>Flag</sym></wpt>
  <trk>
    <name>Sortie du dimanche</name>
    <src>Garmin Edge 830 serial 3318765</src>
    <extensions><gpxtpx:device>Edge 830</gpxtpx:device></extensions>
    <trkseg>
      <trkpt lat="46.600000" lon="5.920000"><ele>1180.4</ele><time>2026-05-03T07:12:44Z</time><sat>9</sat><hdop>0.8</hdop><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>142</gpxtpx:hr><gpxtpx:cad>81</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>
      <trkpt lat="46.601000" lon="5.921000"><ele>1190.0</ele><time>2026-05-03T07:14:02Z</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>151</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
      <trkpt lat="46.602" lon="5.9225"><time>2026-05-03T07:15:30Z</time></trkpt>
    </trkseg>
  </trk>
</gpx>"#;

    #[test]
    fn personal_metadata_does_not_survive() {
        let track = read(PERSONAL.as_bytes(), Format::Gpx, "p.gpx").unwrap();
        let out = gpx("Boucle des Fées", &track, &track.waypoints);
        for secret in [
            "Garmin",
            "Edge",
            "Jeanne",
            "Dupont",
            "Paul",
            "example.org",
            "strava",
            "Strava",
            "2026",
            "<time",
            "extensions",
            "hr>",
            "142",
            "serial",
            "Lilas",
            "Flag",
            "hdop",
            "Sortie",
        ] {
            assert!(!out.contains(secret), "{secret} in\n{out}");
        }
        assert_eq!(
            out,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="blason" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
  <metadata><name>Boucle des Fées</name></metadata>
  <wpt lat="46.603100" lon="5.928000"><ele>1250.0</ele><name>Belvédère</name></wpt>
  <trk><name>Boucle des Fées</name>
    <trkseg>
      <trkpt lat="46.600000" lon="5.920000"><ele>1180.4</ele></trkpt>
      <trkpt lat="46.601000" lon="5.921000"><ele>1190.0</ele></trkpt>
      <trkpt lat="46.602000" lon="5.922500"/>
    </trkseg>
  </trk>
</gpx>
"#
        );
    }

    #[test]
    fn what_it_writes_reads_back_to_the_same_points() {
        let track = read(PERSONAL.as_bytes(), Format::Gpx, "p.gpx").unwrap();
        let out = gpx("A <b> & \"c\"\n", &track, &track.waypoints);
        let again = read(out.as_bytes(), Format::Gpx, "clean.gpx").unwrap();
        assert_eq!(again, track);
        assert!(out.contains("<name>A &lt;b&gt; &amp; &quot;c&quot;</name>"));
        // Byte-identical when written again.
        assert_eq!(out, gpx("A <b> & \"c\"\n", &track, &track.waypoints));
    }

    #[test]
    fn a_stray_point_is_left_out_and_a_kml_becomes_gpx() {
        let kml = r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Voie</name><LineString><coordinates>5.9,46.6,0 5.91,46.61,0</coordinates></LineString></Placemark><Placemark><LineString><coordinates>5.95,46.65</coordinates></LineString></Placemark></Document></kml>"#;
        let track = read(kml.as_bytes(), Format::Kml, "v.kml").unwrap();
        let out = gpx("Voie", &track, &[]);
        assert_eq!(out.matches("<trkseg>").count(), 1, "{out}");
        assert_eq!(out.matches("<trkpt ").count(), 2, "{out}");
        // Elevations all 0: none written.
        assert!(
            out.contains(r#"<trkpt lat="46.610000" lon="5.910000"/>"#),
            "{out}"
        );
    }
}
