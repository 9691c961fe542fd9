//! `[maps]`: where the tiles under the static maps come from, and how they
//! are credited. Without `tiles`, maps are drawn on a plain background in
//! the brand's colours (docs/trails.md, "Maps").
//!
//! `tiles` is a local MBTiles file (a path from the site's folder ending in
//! `.mbtiles`, read by `geo::mbtiles`) or a tile address. A tile address
//! is a template: XYZ (`{z}`, `{x}`, `{y}`, and `{-y}` for
//! TMS servers that count rows from the south) or WMTS key-value pairs
//! (`{TileMatrix}`, `{TileCol}`, `{TileRow}`, as IGN's Géoplateforme
//! serves Plan IGN in the `PM` tile matrix set). Any other `{…}` is an
//! error that names it.

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::geo::tiles::{MAX_ZOOM, Tile};

/// `[maps]` as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaps {
    /// The tile address template (`https://…/{z}/{x}/{y}.png`, or WMTS
    /// with `{TileMatrix}`, `{TileCol}`, `{TileRow}`). Default: none (a
    /// plain background).
    pub tiles: Option<String>,
    /// Who made the tiles, as their licence asks ("© IGN – Plan IGN",
    /// "© OpenStreetMap contributors"). Required with `tiles`.
    pub attribution: Option<String>,
    /// The deepest zoom used: small trails and places are not shown closer.
    /// Default: 16.
    pub max_zoom: Option<u8>,
    /// Offer OpenStreetMap's interactive map behind a click on each static
    /// map: nothing is loaded from openstreetmap.org before the visitor
    /// asks. The server's CSP must then allow
    /// `frame-src https://www.openstreetmap.org`. Default: false.
    #[serde(default)]
    pub interactive: bool,
}

/// The default deepest zoom: a street block fills a map.
pub const DEFAULT_MAX_ZOOM: u8 = 16;

/// `[maps]`, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Maps {
    pub tiles: Option<TileSource>,
    pub max_zoom: u8,
    /// OpenStreetMap's interactive map behind a click (`[maps] interactive`).
    pub interactive: bool,
}

/// A tile server: its template and the credit its licence asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileSource {
    pub template: String,
    pub attribution: String,
}

impl TileSource {
    /// The address of one tile.
    pub fn url(&self, t: Tile) -> String {
        let tms_y = ((1u64 << t.z) - 1 - u64::from(t.y)).to_string();
        let (z, x, y) = (t.z.to_string(), t.x.to_string(), t.y.to_string());
        self.template
            .replace("{z}", &z)
            .replace("{x}", &x)
            .replace("{-y}", &tms_y)
            .replace("{y}", &y)
            .replace("{TileMatrix}", &z)
            .replace("{TileCol}", &x)
            .replace("{TileRow}", &y)
    }

    /// The MBTiles file of a local source (a path from the site's folder),
    /// `None` for a tile server.
    pub fn mbtiles(&self) -> Option<&str> {
        let lower = self.template.to_ascii_lowercase();
        (!lower.starts_with("http://") && !lower.starts_with("https://"))
            .then_some(self.template.as_str())
    }

    /// A short name for the source in the tile cache: the template's hash,
    /// so that two sources never share tiles and a changed template starts
    /// afresh.
    pub fn key(&self) -> String {
        let hash = blake3::hash(self.template.as_bytes());
        hash.to_hex()[..16].to_string()
    }
}

/// Why a tile address cannot be asked for as written: credentials in it
/// (they would reach logs and the built site's cache keys), spaces or
/// control characters, an empty or malformed host. A server on this
/// machine (`127.0.0.1`, `localhost`) is accepted: an office may run its
/// own, and the tests do.
fn bad_server(t: &str) -> Option<&'static str> {
    let authority = crate::url::authority(t);
    if authority.contains('@') {
        return Some("has credentials in it (user:password@)");
    }
    if t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some("has spaces or control characters in it");
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        Some(_) => return Some("has a malformed port"),
        None => authority,
    };
    let ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (!ok).then_some("has no valid server name")
}

const XYZ: [&str; 3] = ["{z}", "{x}", "{y}"];
const WMTS: [&str; 3] = ["{TileMatrix}", "{TileCol}", "{TileRow}"];
const KNOWN: [&str; 7] = [
    "{z}",
    "{x}",
    "{y}",
    "{-y}",
    "{TileMatrix}",
    "{TileCol}",
    "{TileRow}",
];

pub fn validate(raw: Option<RawMaps>, errors: &mut Vec<Diagnostic>) -> Maps {
    let raw = raw.unwrap_or_default();
    let max_zoom = raw.max_zoom.unwrap_or(DEFAULT_MAX_ZOOM);
    if max_zoom > MAX_ZOOM {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[maps] max_zoom = {max_zoom} is deeper than the {MAX_ZOOM} blason draws"),
            )
            .help("tile servers stop at 18 to 20; IGN's Plan IGN at 19"),
        );
    }
    let attribution = raw
        .attribution
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from);
    let tiles = match raw.tiles.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => {
            let before = errors.len();
            check_template(t, errors);
            if attribution.is_none() {
                errors.push(
                    Diagnostic::error(
                        "config",
                        "[maps] tiles is set but attribution is not: tiles come with a licence that asks to credit them",
                    )
                    .help("add the credit the tile server asks for, e.g. attribution = \"© IGN – Plan IGN\" or \"© OpenStreetMap contributors\""),
                );
            }
            (errors.len() == before).then(|| TileSource {
                template: t.to_string(),
                attribution: attribution.clone().unwrap_or_default(),
            })
        }
    };
    Maps {
        tiles,
        max_zoom,
        interactive: raw.interactive,
    }
}

fn check_template(t: &str, errors: &mut Vec<Diagnostic>) {
    let lower = t.to_ascii_lowercase();
    if lower.ends_with(".mbtiles") && !lower.contains("://") {
        // A local file: checked when the build opens it.
        if std::path::Path::new(t).is_absolute() || t.split(['/', '\\']).any(|c| c == "..") {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("[maps] tiles = \"{t}\" is outside the site's folder"),
                )
                .help("put the MBTiles file in the site's folder and give its path from there, e.g. tiles = \"cartes/val.mbtiles\""),
            );
        }
        return;
    }
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[maps] tiles = \"{t}\" is neither an http(s) address nor an MBTiles file"),
            )
            .help("write the tile server's address template, e.g. \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\", or the path of a local .mbtiles file"),
        );
        return;
    }
    if let Some(why) = bad_server(t) {
        errors.push(
            Diagnostic::error("config", format!("[maps] tiles = \"{t}\" {why}"))
                .help("give the public address of the tile server; an API key goes in the query string if the server asks for one"),
        );
        return;
    }
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let end = rest[i..].find('}').map_or(rest.len(), |e| i + e + 1);
        let placeholder = &rest[i..end];
        if !KNOWN.contains(&placeholder) {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("[maps] tiles has an unknown placeholder `{placeholder}`"),
                )
                .help("a template uses {z}, {x} and {y} (or {-y}), or WMTS's {TileMatrix}, {TileCol} and {TileRow}"),
            );
        }
        rest = &rest[end..];
    }
    let has = |p: &str| t.contains(p);
    let xyz = has("{z}") && has("{x}") && (has("{y}") || has("{-y}"));
    let wmts = WMTS.iter().all(|p| has(p));
    if !xyz && !wmts {
        let missing: Vec<&str> = if WMTS.iter().any(|p| has(p)) {
            WMTS.iter().copied().filter(|p| !has(p)).collect()
        } else {
            XYZ.iter()
                .copied()
                .filter(|p| !has(p) && (*p != "{y}" || !has("{-y}")))
                .collect()
        };
        errors.push(
            Diagnostic::error(
                "config",
                format!(
                    "[maps] tiles lacks {}: blason cannot say which tile to ask for",
                    missing.join(", ")
                ),
            )
            .help("an XYZ template has {z}, {x} and {y}; a WMTS one {TileMatrix}, {TileCol} and {TileRow}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IGN: &str = "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png&TILEMATRIX={TileMatrix}&TILEROW={TileRow}&TILECOL={TileCol}";

    fn maps(tiles: Option<&str>, attribution: Option<&str>) -> (Maps, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        let m = validate(
            Some(RawMaps {
                tiles: tiles.map(String::from),
                attribution: attribution.map(String::from),
                max_zoom: None,
                interactive: false,
            }),
            &mut errors,
        );
        (m, errors)
    }

    #[test]
    fn xyz_and_wmts_templates_give_each_tiles_address() {
        let t = Tile {
            z: 15,
            x: 16918,
            y: 11637,
        };
        let (m, e) = maps(
            Some("https://tile.example.org/{z}/{x}/{y}.png"),
            Some("© OSM"),
        );
        assert!(e.is_empty());
        let s = m.tiles.unwrap();
        assert_eq!(s.url(t), "https://tile.example.org/15/16918/11637.png");
        let (m, e) = maps(Some(IGN), Some("© IGN – Plan IGN"));
        assert!(e.is_empty(), "{e:?}");
        let url = m.tiles.unwrap().url(t);
        assert!(
            url.ends_with("TILEMATRIX=15&TILEROW=11637&TILECOL=16918"),
            "{url}"
        );
        let (m, _) = maps(Some("https://t.example.org/{z}/{x}/{-y}.png"), Some("x"));
        assert_eq!(
            m.tiles.unwrap().url(Tile { z: 2, x: 1, y: 0 }),
            "https://t.example.org/2/1/3.png"
        );
        assert_eq!(m.max_zoom, DEFAULT_MAX_ZOOM);
    }

    #[test]
    fn bad_templates_and_a_missing_attribution_are_errors() {
        let (m, e) = maps(Some("https://t.example.org/{z}/{x}/{y}.png"), None);
        assert!(m.tiles.is_none());
        assert!(e[0].message.contains("attribution"), "{}", e[0].message);
        let (_, e) = maps(Some("https://t.example.org/{z}/{x}/{row}.png"), Some("x"));
        let all: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
        assert!(all.iter().any(|m| m.contains("`{row}`")), "{all:?}");
        assert!(all.iter().any(|m| m.contains("lacks {y}")), "{all:?}");
        let (_, e) = maps(
            Some("https://x.org/wmts?TILEMATRIX={TileMatrix}&TILECOL={TileCol}"),
            Some("x"),
        );
        assert!(e[0].message.contains("lacks {TileRow}"), "{}", e[0].message);
        let (_, e) = maps(Some("tiles/{z}/{x}/{y}.png"), Some("x"));
        assert!(e[0].message.contains("neither an http(s) address"));
        for (bad, why) in [
            (
                "https://user:secret@t.example.org/{z}/{x}/{y}.png",
                "credentials",
            ),
            ("https://t.example.org/{z}/{x}/{y}.png?k=a b", "spaces"),
            ("https:///{z}/{x}/{y}.png", "no valid server name"),
            (
                "https://t.example.org:80a/{z}/{x}/{y}.png",
                "malformed port",
            ),
        ] {
            let (m, e) = maps(Some(bad), Some("x"));
            assert!(m.tiles.is_none(), "{bad}");
            assert!(e[0].message.contains(why), "{bad}: {}", e[0].message);
        }
        // A server on this machine, with a key in the query: accepted.
        let (m, e) = maps(
            Some("http://127.0.0.1:8080/{z}/{x}/{y}.png?key=a"),
            Some("x"),
        );
        assert!(e.is_empty() && m.tiles.is_some(), "{e:?}");
        // No [maps]: no tiles, no error.
        let mut errors = Vec::new();
        assert_eq!(validate(None, &mut errors).tiles, None);
        assert!(errors.is_empty());
        let mut errors = Vec::new();
        validate(
            Some(RawMaps {
                max_zoom: Some(30),
                ..RawMaps::default()
            }),
            &mut errors,
        );
        assert!(errors[0].message.contains("max_zoom = 30"));
    }

    #[test]
    fn an_mbtiles_file_in_the_site_is_a_source() {
        let (m, e) = maps(Some("cartes/val.mbtiles"), Some("© Test"));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(m.tiles.unwrap().mbtiles(), Some("cartes/val.mbtiles"));
        let (m, _) = maps(Some("https://t.example.org/{z}/{x}/{y}.png"), Some("x"));
        assert_eq!(m.tiles.unwrap().mbtiles(), None);
        for outside in ["/srv/val.mbtiles", "../val.mbtiles", "a/../../val.mbtiles"] {
            let (m, e) = maps(Some(outside), Some("x"));
            assert!(m.tiles.is_none(), "{outside}");
            assert!(
                e[0].message.contains("outside the site"),
                "{}",
                e[0].message
            );
        }
        let (_, e) = maps(Some("val.mbtiles"), None);
        assert!(e[0].message.contains("attribution"));
    }

    #[test]
    fn the_cache_key_follows_the_template() {
        let a = maps(Some("https://a.org/{z}/{x}/{y}.png"), Some("x")).0;
        let b = maps(Some("https://b.org/{z}/{x}/{y}.png"), Some("x")).0;
        let (a, b) = (a.tiles.unwrap(), b.tiles.unwrap());
        assert_ne!(a.key(), b.key());
        assert_eq!(a.key().len(), 16);
    }
}
