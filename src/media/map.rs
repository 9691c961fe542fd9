//! Static maps drawn at build time: a trail's track (or a place's marker)
//! over raster tiles from `[maps] tiles`, or over a plain background in the
//! brand's colours, so that a visitor's browser never asks a map server.
//!
//! A map is drawn in two layers on one tiny-skia pixmap: the plain
//! background and the tiles, copied pixel for pixel (`draw_pixmap`) from
//! [`DecodedTiles`], where each distinct tile is decoded once per build
//! and shared by the threads drawing maps; then an SVG made here, rendered
//! by resvg over them: the track as a line in the brand's primary colour
//! over a light casing, the start (a round marker) and end (a square one),
//! the steps numbered as the page lists them, the tiles' credit in the
//! bottom right corner. The result is kept as a PNG in the cache
//! (`CACHE/maps/KEY/map.png`), written with fast compression: it is an
//! intermediate the image pipeline decodes once to make its responsive
//! variants, like a photo's.
//!
//! Tiles are never downloaded here: `blason sync` puts them in
//! `CACHE/tiles/SOURCE/Z/X/Y` (SOURCE is a hash of the template, so the
//! cache is keyed by source and tile, not by content: a tile is asked for
//! once and kept). A tile missing from the cache is drawn as the plain
//! background and counted; the build warns and goes on.
//!
//! KEY is a hash of everything the picture depends on (size, frame,
//! colours, credit, the line and markers as drawn, each tile's bytes), so a
//! second build draws nothing, and a map drawn once a missing tile arrived
//! gets a new name. The track is projected to pixels and thinned
//! ([`geo::tiles::simplify`], ¾ pixel) before anything else: a
//! 100,000-point track draws as fast as a short one.
//!
//! This module knows nothing of pages: callers say what a map shows.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};
use serde::Serialize;

use crate::config::{Colors, Maps, TileSource};
use crate::error::{Diagnostic, display_path};
use crate::geo::tiles::{Bounds, Frame, Placed, Tile, simplify};

/// Changes whenever maps are drawn differently, so cached maps are redrawn.
const DRAWING_VERSION: &str = "map-2";

/// A trail's map, in pixels: wide enough for the largest variant most
/// themes show, tiles drawn at their own size.
pub const TRAIL_SIZE: (u32, u32) = (1280, 800);
/// A place's map: its pin in the middle of a few streets.
pub const PLACE_SIZE: (u32, u32) = (640, 400);
/// Free pixels around a track.
pub const MARGIN: u32 = 48;
/// A share kit's square map card (Instagram's square post).
pub const CARD_SIZE: (u32, u32) = (1080, 1080);
/// The height of a card's band, across its top, for the name and figures;
/// the track is fitted in the map below it.
pub const CARD_BAND: u32 = 210;
/// How close a place is shown (capped by `[maps] max_zoom`).
pub const PLACE_ZOOM: u8 = 15;
/// The tolerance of the line's thinning, in pixels.
pub const TOLERANCE: f64 = 0.75;

/// What a map shows.
#[derive(Debug, Clone, Default)]
pub struct MapRequest {
    /// Lines of (longitude, latitude); empty for a place's map.
    pub lines: Arc<Vec<Vec<(f64, f64)>>>,
    /// Numbered markers: (number, longitude, latitude).
    pub steps: Vec<(usize, f64, f64)>,
    /// A single marker at the centre (a place).
    pub place: Option<(f64, f64)>,
    pub size: (u32, u32),
    /// A card's band across the top (a share kit's map card): the lines
    /// are fitted below it.
    pub caption: Option<Caption>,
}

/// What a map card's band says, in the brand's primary colour: a name,
/// and a line of figures under it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Caption {
    pub title: String,
    pub figures: String,
}

impl MapRequest {
    /// The part of the world the map shows: the track and the steps
    /// fitted with a margin, or the place at [`PLACE_ZOOM`]. `None` when
    /// there is nothing to show.
    pub fn frame(&self, max_zoom: u8) -> Option<Frame> {
        let (w, h) = self.size;
        if let Some((lon, lat)) = self.place {
            return Some(Frame::around(lon, lat, PLACE_ZOOM.min(max_zoom), w, h));
        }
        let points = self
            .lines
            .iter()
            .flatten()
            .copied()
            .chain(self.steps.iter().map(|&(_, lon, lat)| (lon, lat)));
        let bounds = Bounds::of(points)?;
        let band = if self.caption.is_some() {
            CARD_BAND.min(h / 2)
        } else {
            0
        };
        let below = Frame::fit(bounds, w, h - band, MARGIN, max_zoom);
        Some(Frame {
            top: below.top - f64::from(band),
            height: h,
            ..below
        })
    }
}

/// Whether the cache holds the tile at `path`: a file with bytes in it.
/// An empty one (a disk that was full, a file made by hand) is a tile to
/// download again, not a hole in every map that shows it.
pub fn tile_cached(path: &Path) -> bool {
    path.metadata().is_ok_and(|m| m.is_file() && m.len() > 0)
}

/// Where `blason sync` puts a tile and the build reads it.
pub fn tile_path(root: &Path, cache_dir: &Path, source: &TileSource, t: Tile) -> PathBuf {
    root.join(cache_dir)
        .join("tiles")
        .join(source.key())
        .join(t.z.to_string())
        .join(t.x.to_string())
        .join(t.y.to_string())
}

/// Maps drawn by a build.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MapCounts {
    pub drawn: u64,
    pub cached: u64,
    /// Tiles the maps needed that are not in the cache (each once).
    pub missing_tiles: u64,
    /// Tiles decoded to draw the maps: each distinct tile once, unless
    /// more than [`DECODED_TILES`] were in use at a time.
    pub tiles_decoded: u64,
}

/// A drawn map: its PNG in the cache, and the tiles it lacked.
#[derive(Debug, Clone)]
pub struct DrawnMap {
    pub png: PathBuf,
    pub missing: Vec<Tile>,
}

/// Removes what `CACHE/maps/` and `CACHE/tiles/` hold that is not in
/// `used` (see [`MapMaker::used`]): maps no page shows any more, tiles no
/// map needs, and the folders they leave empty. Returns how many entries
/// (a map's folder, a tile) went.
pub fn prune(root: &Path, cache_dir: &Path, used: &BTreeSet<PathBuf>) -> Result<u64, Diagnostic> {
    let cache = root.join(cache_dir);
    let gone = |path: &Path, e: std::io::Error| {
        Diagnostic::io(
            path,
            root,
            "remove an unused map or tile from the cache",
            &e,
        )
    };
    let mut removed = 0;
    let maps = cache.join("maps");
    if let Ok(entries) = std::fs::read_dir(&maps) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !used.contains(&path) {
                std::fs::remove_dir_all(&path).map_err(|e| gone(&path, e))?;
                removed += 1;
            }
        }
    }
    let tiles = cache.join("tiles");
    if tiles.is_dir() {
        // Children before their folder, so emptied folders go too.
        for entry in walkdir::WalkDir::new(&tiles)
            .min_depth(1)
            .contents_first(true)
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            if entry.file_type().is_dir() {
                if std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none()) {
                    std::fs::remove_dir(path).map_err(|e| gone(path, e))?;
                }
            } else if !used.contains(path) {
                std::fs::remove_file(path).map_err(|e| gone(path, e))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// Where a map's tiles come from: nowhere (a plain background), the tile
/// cache that `blason sync` fills, or a local MBTiles file.
enum TileStore {
    None,
    /// `CACHE/tiles/SOURCE`.
    Dir(PathBuf),
    /// The file, and its size and modification time: a file replaced
    /// under the same name redraws the maps.
    MbTiles(crate::geo::mbtiles::MbTiles, String),
}

impl TileStore {
    fn open_mbtiles(root: &Path, file: &str) -> Result<TileStore, Diagnostic> {
        // Inside the site, symbolic links followed: a link to a file
        // elsewhere is refused like a written `../`.
        let path = crate::paths::inside_root(root, root, Path::new(file)).map_err(|why| {
            Diagnostic::error("config", format!("[maps] tiles = \"{file}\" {why}"))
                .file("blason.toml")
                .help("put the MBTiles file in the site's folder and give its path from there, e.g. tiles = \"cartes/val.mbtiles\"")
        })?;
        let opened = crate::geo::mbtiles::MbTiles::open(&path).map_err(|why| {
            Diagnostic::error(
                "config",
                format!("[maps] tiles = \"{file}\" cannot be read: {why}"),
            )
            .file("blason.toml")
            .help("give the path of an MBTiles file from the site's folder, or the address template of a tile server")
        })?;
        let stamp = std::fs::metadata(&path)
            .map(|m| {
                let time = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("mbtiles:{}:{time}", m.len())
            })
            .unwrap_or_default();
        Ok(TileStore::MbTiles(opened, stamp))
    }

    fn has(&self, t: Tile) -> bool {
        match self {
            TileStore::None => false,
            TileStore::Dir(_) => self.path(t).is_some_and(|p| tile_cached(&p)),
            TileStore::MbTiles(m, _) => m.has(t),
        }
    }

    fn read(&self, t: Tile) -> Option<Vec<u8>> {
        match self {
            TileStore::None => None,
            TileStore::Dir(_) => std::fs::read(self.path(t)?).ok().filter(|b| !b.is_empty()),
            TileStore::MbTiles(m, _) => m.read(t),
        }
    }

    /// A tile's file in the cache (none in an MBTiles file).
    fn path(&self, t: Tile) -> Option<PathBuf> {
        match self {
            TileStore::Dir(dir) => Some(
                dir.join(t.z.to_string())
                    .join(t.x.to_string())
                    .join(t.y.to_string()),
            ),
            _ => None,
        }
    }

    /// What the maps' names depend on beyond the tiles' positions.
    fn stamp(&self) -> &str {
        match self {
            TileStore::MbTiles(_, stamp) => stamp,
            _ => "",
        }
    }
}

/// How many decoded tiles a build keeps at most: 256 tiles of 256 × 256
/// RGBA pixels (larger tiles are scaled when decoded) are 64 MiB. Maps are drawn in the order of where they are
/// (see [`MapMaker::locality`]), so neighbours reuse the tiles just decoded
/// and a build of a thousand places decodes each tile about once.
pub const DECODED_TILES: usize = 256;

/// The widest or tallest tile decoded: tile servers send 256 or 512
/// pixels; anything larger is refused before its pixels are allocated.
const TILE_MAX_SIDE: u32 = 2048;

/// A tile decoded, or `None` when its bytes are not an image.
type DecodedSlot = Arc<OnceLock<Option<Arc<tiny_skia::Pixmap>>>>;

/// Tiles decoded once and shared by the threads drawing maps, at most
/// [`DECODED_TILES`] at a time (the least recently used goes first). Two
/// threads asking for the same tile wait for one decoding.
struct DecodedTiles {
    slots: Mutex<Slots>,
    decoded: AtomicU64,
}

#[derive(Default)]
struct Slots {
    /// Each tile's last use (a tick of `clock`) and its slot.
    by_tile: HashMap<Tile, (u64, DecodedSlot)>,
    clock: u64,
}

impl DecodedTiles {
    fn new() -> DecodedTiles {
        DecodedTiles {
            slots: Mutex::new(Slots::default()),
            decoded: AtomicU64::new(0),
        }
    }

    /// Tile `t` decoded, from `read`'s bytes the first time it is asked.
    fn get(
        &self,
        t: Tile,
        read: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<Arc<tiny_skia::Pixmap>> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            slots.clock += 1;
            let now = slots.clock;
            if let Some((used, slot)) = slots.by_tile.get_mut(&t) {
                *used = now;
                Arc::clone(slot)
            } else {
                if slots.by_tile.len() >= DECODED_TILES {
                    let oldest = slots
                        .by_tile
                        .iter()
                        .min_by_key(|(_, (used, _))| *used)
                        .map(|(tile, _)| *tile);
                    if let Some(oldest) = oldest {
                        slots.by_tile.remove(&oldest);
                    }
                }
                let slot = DecodedSlot::default();
                slots.by_tile.insert(t, (now, Arc::clone(&slot)));
                slot
            }
        };
        slot.get_or_init(|| {
            self.decoded.fetch_add(1, Ordering::Relaxed);
            read().and_then(|bytes| decode_tile(&bytes)).map(Arc::new)
        })
        .clone()
    }
}

/// A tile's bytes (PNG, JPEG or WebP) as premultiplied pixels at the
/// grid's size; `None` for anything else, or an image larger than
/// [`TILE_MAX_SIDE`].
fn decode_tile(bytes: &[u8]) -> Option<tiny_skia::Pixmap> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(TILE_MAX_SIDE);
    limits.max_image_height = Some(TILE_MAX_SIDE);
    reader.limits(limits);
    let rgba = reader.decode().ok()?.into_rgba8();
    let size = tiny_skia::IntSize::from_wh(rgba.width(), rgba.height())?;
    let mut data = rgba.into_raw();
    for px in data.chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        if a < 255 {
            for c in &mut px[..3] {
                *c = ((u16::from(*c) * a + 127) / 255) as u8;
            }
        }
    }
    let pixmap = tiny_skia::Pixmap::from_vec(data, size)?;
    // Kept at the size it is drawn: a 512-pixel server's tile would hold
    // four times the memory [`DECODED_TILES`] counts on.
    let side = crate::geo::tiles::TILE;
    if pixmap.width() == side && pixmap.height() == side {
        return Some(pixmap);
    }
    let mut scaled = tiny_skia::Pixmap::new(side, side)?;
    let paint = tiny_skia::PixmapPaint {
        quality: tiny_skia::FilterQuality::Bilinear,
        ..tiny_skia::PixmapPaint::default()
    };
    let s = side as f32;
    let transform =
        tiny_skia::Transform::from_scale(s / pixmap.width() as f32, s / pixmap.height() as f32);
    scaled.draw_pixmap(0, 0, pixmap.as_ref(), &paint, transform, None);
    Some(scaled)
}

/// Draws maps through the cache.
pub struct MapMaker {
    root: PathBuf,
    cache_dir: PathBuf,
    maps: Maps,
    colors: Colors,
    fonts: Arc<usvg::fontdb::Database>,
    /// The fonts' bytes hashed: a font replaced under the same name
    /// redraws the maps.
    fonts_hash: [u8; 32],
    family: String,
    store: TileStore,
    decoded: DecodedTiles,
    drawn: AtomicU64,
    cached: AtomicU64,
    missing: Mutex<BTreeSet<Tile>>,
    /// The cache entries this build read or wrote: maps' folders and
    /// tiles' files, for `--prune-cache`.
    used: Mutex<BTreeSet<PathBuf>>,
}

impl MapMaker {
    /// `fonts`: TTF/OTF files for the credit and the step numbers. An
    /// MBTiles source that cannot be read is an error naming it.
    pub fn new(
        root: &Path,
        cache_dir: &Path,
        maps: &Maps,
        colors: &Colors,
        fonts: &[Vec<u8>],
    ) -> Result<MapMaker, Diagnostic> {
        let mut db = usvg::fontdb::Database::new();
        let mut fonts_hash = blake3::Hasher::new();
        for f in fonts {
            fonts_hash.update(blake3::hash(f).as_bytes());
            db.load_font_data(f.clone());
        }
        let family = db
            .faces()
            .next()
            .and_then(|f| f.families.first())
            .map_or_else(|| "sans-serif".to_string(), |(n, _)| n.clone());
        let store = match &maps.tiles {
            None => TileStore::None,
            Some(source) => match source.mbtiles() {
                Some(file) => TileStore::open_mbtiles(root, file)?,
                None => TileStore::Dir(root.join(cache_dir).join("tiles").join(source.key())),
            },
        };
        Ok(MapMaker {
            root: root.to_path_buf(),
            cache_dir: cache_dir.to_path_buf(),
            maps: maps.clone(),
            colors: colors.clone(),
            fonts: Arc::new(db),
            fonts_hash: *fonts_hash.finalize().as_bytes(),
            family,
            store,
            decoded: DecodedTiles::new(),
            drawn: AtomicU64::new(0),
            cached: AtomicU64::new(0),
            missing: Mutex::new(BTreeSet::new()),
            used: Mutex::new(BTreeSet::new()),
        })
    }

    /// The cache entries (maps' folders, tiles' files) the maps drawn so
    /// far used.
    pub fn used(&self) -> BTreeSet<PathBuf> {
        self.used.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn counts(&self) -> MapCounts {
        MapCounts {
            drawn: self.drawn.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
            missing_tiles: self.missing.lock().unwrap_or_else(|p| p.into_inner()).len() as u64,
            tiles_decoded: self.decoded.decoded.load(Ordering::Relaxed),
        }
    }

    /// The credit drawn on maps and written below them (none without tiles).
    pub fn attribution(&self) -> Option<&str> {
        self.maps.tiles.as_ref().map(|t| t.attribution.as_str())
    }

    /// The map `req` asks for, drawn unless the cache has it; `None` when
    /// there is nothing to show (no point).
    ///
    /// The map's name is known before any tile is read: tiles are keyed by
    /// source and position and never change once cached, so which tiles
    /// the map covers and which of them the cache holds say what it shows.
    /// Tiles are read only to draw.
    pub fn map(&self, req: &MapRequest) -> Result<Option<DrawnMap>, Diagnostic> {
        let Some(frame) = req.frame(self.maps.max_zoom) else {
            return Ok(None);
        };
        let placed = if self.maps.tiles.is_some() {
            frame.tiles()
        } else {
            Vec::new()
        };
        let tiles: Vec<(Placed, bool)> = placed
            .into_iter()
            .map(|p| {
                let here = self.store.has(p.tile);
                (p, here)
            })
            .collect();
        let missing: Vec<Tile> = tiles
            .iter()
            .filter(|(_, here)| !here)
            .map(|(p, _)| p.tile)
            .collect();
        if !missing.is_empty() {
            self.missing
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(missing.iter().copied());
        }
        let lines: Vec<Vec<(f64, f64)>> = req
            .lines
            .iter()
            .map(|l| {
                let px: Vec<(f64, f64)> = l
                    .iter()
                    .map(|&(lon, lat)| frame.project(lon, lat))
                    .collect();
                simplify(&px, TOLERANCE)
            })
            .filter(|l| !l.is_empty())
            .collect();
        let svg = self.svg(&frame, &lines, req);
        let mut hasher = blake3::Hasher::new();
        hasher.update(DRAWING_VERSION.as_bytes());
        hasher.update(&self.fonts_hash);
        hasher.update(self.store.stamp().as_bytes());
        hasher.update(&plain_rgb(&self.colors));
        hasher.update(svg.as_bytes());
        for (p, here) in &tiles {
            let t = p.tile;
            hasher.update(format!("{}/{}/{}@{},{}:{here}|", t.z, t.x, t.y, p.x, p.y).as_bytes());
        }
        let key = hasher.finalize().to_hex()[..24].to_string();
        let dir = self.root.join(&self.cache_dir).join("maps").join(&key);
        let png = dir.join("map.png");
        {
            let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
            used.insert(dir.clone());
            for (p, here) in &tiles {
                if let (true, Some(path)) = (here, self.store.path(p.tile)) {
                    used.insert(path);
                }
            }
        }
        if png.is_file() {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(Some(DrawnMap { png, missing }));
        }
        let bytes = self.paint(&frame, &tiles, &svg)?;
        std::fs::create_dir_all(&dir)
            .and_then(|_| super::write_cached(&dir, "map.png", &bytes))
            .map_err(|e| Diagnostic::io(&dir, &self.root, "write the map to the cache", &e))?;
        self.drawn.fetch_add(1, Ordering::Relaxed);
        Ok(Some(DrawnMap { png, missing }))
    }

    /// Where a map's frame lies, as a key that sorts neighbours together
    /// (the zoom, then a Z-order curve over its top-left tile): maps drawn
    /// in this order share most of their tiles with the ones just drawn,
    /// which [`DecodedTiles`] still holds.
    pub fn locality(&self, req: &MapRequest) -> (u8, u64) {
        let Some(frame) = req.frame(self.maps.max_zoom) else {
            return (0, 0);
        };
        let t = f64::from(crate::geo::tiles::TILE);
        let x = (frame.left / t).floor().max(0.0) as u32;
        let y = (frame.top / t).floor().max(0.0) as u32;
        (frame.zoom, interleave(x, y))
    }

    /// What is drawn over the background and tiles, as SVG: the line, the
    /// markers, the credit.
    fn svg(&self, frame: &Frame, lines: &[Vec<(f64, f64)>], req: &MapRequest) -> String {
        let (w, h) = (frame.width, frame.height);
        let c = &self.colors;
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{}">"#,
            crate::xml::escape(&self.family)
        );
        let path = |l: &[(f64, f64)]| {
            let mut d = String::new();
            for (i, (x, y)) in l.iter().enumerate() {
                let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
            }
            d
        };
        let line_width = 6.0;
        for l in lines {
            let _ = write!(
                s,
                r##"<path d="{}" fill="none" stroke="#ffffff" stroke-opacity="0.9" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round"/>"##,
                path(l),
                line_width + 5.0
            );
        }
        for l in lines {
            let _ = write!(
                s,
                r#"<path d="{}" fill="none" stroke="{}" stroke-width="{line_width}" stroke-linecap="round" stroke-linejoin="round"/>"#,
                path(l),
                c.primary.hex
            );
        }
        // The end (a square), then the start (a disc) over it: on a loop
        // both show.
        if let (Some(first), Some(last)) = (
            lines.first().and_then(|l| l.first()),
            lines.last().and_then(|l| l.last()),
        ) {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="16" height="16" fill="{}" stroke="#ffffff" stroke-width="3"/>"##,
                last.0 - 8.0,
                last.1 - 8.0,
                c.text.hex
            );
            let _ = write!(
                s,
                r##"<circle cx="{:.1}" cy="{:.1}" r="10" fill="{}" stroke="#ffffff" stroke-width="3"/>"##,
                first.0, first.1, c.primary.hex
            );
        }
        let on_accent = c.text_on(&c.accent);
        for &(n, lon, lat) in &req.steps {
            let (x, y) = frame.project(lon, lat);
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="13" fill="{}" stroke="#ffffff" stroke-width="2.5"/><text x="{x:.1}" y="{:.1}" font-size="15" font-weight="700" text-anchor="middle" fill="{on_accent}">{n}</text>"##,
                c.accent.hex,
                y + 5.5
            );
        }
        if let Some((lon, lat)) = req.place {
            let (x, y) = frame.project(lon, lat);
            // A pin: its point on the place.
            let _ = write!(
                s,
                r##"<path d="M{x:.1},{y:.1} l-11,-18 a13,13 0 1,1 22,0 z" fill="{}" stroke="#ffffff" stroke-width="2.5"/><circle cx="{x:.1}" cy="{:.1}" r="4.5" fill="#ffffff"/>"##,
                c.primary.hex,
                y - 25.0
            );
        }
        // The credit: larger on a card, which is seen on a phone at a
        // third of its size.
        let (size, bar) = if req.caption.is_some() {
            (22.0, 34)
        } else {
            (12.0, 20)
        };
        if let Some(credit) = self.attribution() {
            // Room for the text: about 0.54 em a character.
            let tw = (credit.chars().count() as f64 * size * 0.54 + size).min(f64::from(w));
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{}" width="{tw:.1}" height="{bar}" fill="#ffffff" fill-opacity="0.85"/><text x="{}" y="{}" font-size="{size}" text-anchor="end" fill="#1d1d1b">{}</text>"##,
                f64::from(w) - tw,
                h - bar,
                w - bar * 3 / 10,
                h - bar * 3 / 10,
                crate::xml::escape(credit)
            );
        }
        if let Some(caption) = &req.caption {
            let band = CARD_BAND.min(h / 2);
            let on = c.text_on(&c.primary);
            let room = f64::from(w) - 2.0 * 56.0;
            let (title, title_size) = fitted(&caption.title, room, 64.0, 40.0);
            let (figures, figures_size) = fitted(&caption.figures, room, 38.0, 28.0);
            let _ = write!(
                s,
                r##"<rect width="{w}" height="{band}" fill="{}"/><text x="56" y="{:.0}" font-size="{title_size:.0}" font-weight="700" fill="{on}">{}</text><text x="56" y="{:.0}" font-size="{figures_size:.0}" fill="{on}">{}</text>"##,
                c.primary.hex,
                f64::from(band) * 0.47,
                crate::xml::escape(&title),
                f64::from(band) * 0.80,
                crate::xml::escape(&figures)
            );
        }
        s.push_str("</svg>");
        s
    }

    /// The plain background, the tiles the cache holds, the SVG over
    /// them; encoded as PNG.
    fn paint(
        &self,
        frame: &Frame,
        tiles: &[(Placed, bool)],
        svg: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let err = |m: String| {
            Diagnostic::error("map", m).file(display_path(
                &self.root.join(&self.cache_dir).join("maps"),
                &self.root,
            ))
        };
        let mut pixmap = tiny_skia::Pixmap::new(frame.width, frame.height)
            .ok_or_else(|| err("a map cannot be 0 pixels wide".into()))?;
        let [r, g, b] = plain_rgb(&self.colors);
        pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
        for (p, here) in tiles {
            if !here {
                continue;
            }
            // A tile that is not an image shows the plain background.
            if let Some(tile) = self.decoded.get(p.tile, || self.store.read(p.tile)) {
                super::paint_over(&mut pixmap.as_mut(), &tile, p.x as i32, p.y as i32);
            }
        }
        let opt = usvg::Options {
            fontdb: Arc::clone(&self.fonts),
            font_family: self.family.clone(),
            // The overlay holds no image: nothing is resolved.
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: Box::new(|_, _, _| None),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &opt)
            .map_err(|e| err(format!("the map could not be drawn: {e}")))?;
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        encode_opaque_png(&pixmap).map_err(|e| err(format!("the map could not be encoded: {e}")))
    }
}

/// `text` at the largest size from `largest` down to `smallest` at which
/// it fits `room` pixels (about 0.56 em a character, bold), cut with an
/// ellipsis when it does not fit at the smallest.
fn fitted(text: &str, room: f64, largest: f64, smallest: f64) -> (String, f64) {
    let text = text.trim();
    let n = text.chars().count() as f64;
    let size = (room / (n.max(1.0) * 0.56))
        .clamp(smallest, largest)
        .floor();
    let fits = (room / (size * 0.56)).floor() as usize;
    if text.chars().count() <= fits {
        return (text.to_string(), size);
    }
    let cut: String = text.chars().take(fits.saturating_sub(1)).collect();
    (format!("{}…", cut.trim_end()), size)
}

/// An opaque pixmap (every map is: its background is) as an RGB PNG with
/// fast compression (fdeflate, with the `Up` filter the png crate pairs
/// with it): the image pipeline reads it once, so speed matters more than
/// size. The same pixels give the same bytes.
fn encode_opaque_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    // Opaque, so premultiplied and straight colours are the same.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Up).write_image(
        &rgb,
        pixmap.width(),
        pixmap.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

/// `x` and `y`'s bits interleaved (a Z-order, or Morton, code).
fn interleave(x: u32, y: u32) -> u64 {
    let spread = |v: u32| {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        (v | (v << 1)) & 0x5555_5555_5555_5555
    };
    spread(x) | (spread(y) << 1)
}

/// The background where there is no tile, as the tests compare it.
#[cfg(test)]
fn plain_background(c: &Colors) -> String {
    let [r, g, b] = plain_rgb(c);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The background where there is no tile: the site's background tinted
/// with a twelfth of the primary colour.
fn plain_rgb(c: &Colors) -> [u8; 3] {
    let mix = |a: u8, b: u8| {
        ((f64::from(a) * 11.0 + f64::from(b)) / 12.0)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    let (b, p) = (c.background.rgb, c.primary.rgb);
    [mix(b[0], p[0]), mix(b[1], p[1]), mix(b[2], p[2])]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn config(maps: &str) -> Config {
        Config::parse(&format!(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[brand.colors]\nprimary = \"#c00000\"\naccent = \"#f2a900\"\n{maps}"
        ))
        .unwrap()
    }

    fn fonts() -> Vec<Vec<u8>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/postale/fonts");
        vec![std::fs::read(dir.join("Inter-Bold.otf")).unwrap()]
    }

    fn png(colour: [u8; 3]) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(256, 256, image::Rgb(colour));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// A straight east–west track through the middle of the map.
    fn request() -> MapRequest {
        MapRequest {
            lines: Arc::new(vec![vec![(5.90, 46.60), (5.94, 46.60), (5.98, 46.60)]]),
            steps: vec![(1, 5.92, 46.61)],
            place: None,
            size: (640, 400),
            caption: None,
        }
    }

    fn pixel(png: &Path, x: u32, y: u32) -> [u8; 3] {
        let img = image::open(png).unwrap().to_rgb8();
        img.get_pixel(x, y).0
    }

    /// The maps of the site `c` at `root`, with the theme's fonts.
    fn maker(root: &Path, c: &Config) -> MapMaker {
        MapMaker::new(
            root,
            &c.images.cache_dir,
            &c.maps,
            &c.brand.colors,
            &fonts(),
        )
        .unwrap()
    }

    /// Puts `bytes` in the tile cache of `root` as `tile` of `source`.
    fn cache_tile(root: &Path, c: &Config, source: &TileSource, tile: Tile, bytes: &[u8]) {
        let path = tile_path(root, &c.images.cache_dir, source, tile);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }

    fn near(a: [u8; 3], b: [u8; 3]) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 3)
    }

    #[test]
    fn the_track_is_drawn_in_the_brand_colour_over_cached_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let c = config(
            "[maps]\ntiles = \"https://t.example.org/{z}/{x}/{y}.png\"\nattribution = \"© Test\"\n",
        );
        let source = c.maps.tiles.clone().unwrap();
        let req = request();
        let frame = req.frame(c.maps.max_zoom).unwrap();
        // Every tile but the first is in the cache, green.
        let placed = frame.tiles();
        for p in &placed[1..] {
            cache_tile(dir.path(), &c, &source, p.tile, &png([0, 200, 0]));
        }
        let maker = maker(dir.path(), &c);
        let map = maker.map(&req).unwrap().unwrap();
        assert_eq!(map.missing, vec![placed[0].tile]);
        let (x0, y0) = frame.project(5.90, 46.60);
        let (x1, _) = frame.project(5.98, 46.60);
        for x in [x0 + 30.0, (x0 + x1) / 2.0, x1 - 30.0] {
            assert!(
                near(pixel(&map.png, x as u32, y0 as u32), [0xc0, 0, 0]),
                "track at {x}"
            );
        }
        // Off the track, the tiles; under the missing tile, the plain background.
        assert_eq!(pixel(&map.png, 320, 60), [0, 200, 0]);
        let p0 = placed[0];
        let (px, py) = ((p0.x.max(0) + 2) as u32, (p0.y.max(0) + 2) as u32);
        let plain = plain_background(&c.brand.colors);
        let hex = format!(
            "#{:02x}{:02x}{:02x}",
            pixel(&map.png, px, py)[0],
            pixel(&map.png, px, py)[1],
            pixel(&map.png, px, py)[2]
        );
        assert_eq!(hex, plain);
        assert_eq!(maker.counts().drawn, 1);
        assert_eq!(maker.counts().missing_tiles, 1);
        assert_eq!(maker.counts().tiles_decoded, placed.len() as u64 - 1);
        // Again: from the cache. With the missing tile there: drawn anew.
        let again = maker.map(&req).unwrap().unwrap();
        assert_eq!(again.png, map.png);
        assert_eq!(maker.counts().cached, 1);
        // An empty file where the tile goes is no tile: still missing.
        cache_tile(dir.path(), &c, &source, p0.tile, b"");
        let empty = maker.map(&req).unwrap().unwrap();
        assert_eq!(empty.png, map.png);
        assert!(!empty.missing.is_empty());
        cache_tile(dir.path(), &c, &source, p0.tile, &png([0, 200, 0]));
        let full = maker.map(&req).unwrap().unwrap();
        assert_ne!(full.png, map.png);
        assert!(full.missing.is_empty());
    }

    #[test]
    fn a_cached_map_is_found_without_reading_its_tiles_and_fonts_are_in_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let c = config(
            "[maps]\ntiles = \"https://t.example.org/{z}/{x}/{y}.png\"\nattribution = \"© Test\"\n",
        );
        let source = c.maps.tiles.clone().unwrap();
        let req = request();
        let frame = req.frame(c.maps.max_zoom).unwrap();
        for p in frame.tiles() {
            cache_tile(dir.path(), &c, &source, p.tile, &png([0, 200, 0]));
        }
        let first = maker(dir.path(), &c).map(&req).unwrap().unwrap();
        // Tiles spoilt (bytes that are no image): the map is still found
        // by its name, its tiles unread.
        for p in frame.tiles() {
            cache_tile(dir.path(), &c, &source, p.tile, b"not a tile");
        }
        let m = maker(dir.path(), &c);
        assert_eq!(m.map(&req).unwrap().unwrap().png, first.png);
        assert_eq!((m.counts().cached, m.counts().drawn), (1, 0));
        // Another font under the same family: another map.
        let mut other = fonts();
        other.push(
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("themes/postale/fonts/Inter-Regular.otf"),
            )
            .unwrap(),
        );
        let m = MapMaker::new(
            dir.path(),
            &c.images.cache_dir,
            &c.maps,
            &c.brand.colors,
            &other,
        )
        .unwrap();
        assert_ne!(m.map(&req).unwrap().unwrap().png, first.png);
    }

    #[test]
    fn each_tile_is_decoded_once_and_the_same_map_is_the_same_bytes() {
        let c = config(
            "[maps]\ntiles = \"https://t.example.org/{z}/{x}/{y}.png\"\nattribution = \"© Test\"\n",
        );
        let source = c.maps.tiles.clone().unwrap();
        let req = request();
        // The same track moved a little east: most tiles shared.
        let moved = MapRequest {
            lines: Arc::new(vec![
                req.lines[0].iter().map(|&(x, y)| (x + 0.003, y)).collect(),
            ]),
            ..req.clone()
        };
        let (a, b) = (
            req.frame(c.maps.max_zoom).unwrap(),
            moved.frame(c.maps.max_zoom).unwrap(),
        );
        let mut all: BTreeSet<Tile> = a.tiles().iter().map(|p| p.tile).collect();
        all.extend(b.tiles().iter().map(|p| p.tile));
        assert!(
            all.len() < a.tiles().len() + b.tiles().len(),
            "they share tiles"
        );
        let first = all.iter().next().copied().unwrap();
        let draw = |dir: &Path| {
            for &t in &all {
                let path = tile_path(dir, &c.images.cache_dir, &source, t);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                // One damaged tile (drawn as the background) and one of 512
                // pixels (drawn at 256).
                let bytes = if t == first {
                    b"not an image".to_vec()
                } else {
                    let img = image::RgbImage::from_pixel(512, 512, image::Rgb([0, 0, 200]));
                    let mut out = std::io::Cursor::new(Vec::new());
                    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
                    out.into_inner()
                };
                std::fs::write(&path, bytes).unwrap();
            }
            let m = maker(dir, &c);
            let one = m.map(&req).unwrap().unwrap();
            let two = m.map(&moved).unwrap().unwrap();
            assert_eq!(m.counts().drawn, 2);
            assert_eq!(m.counts().tiles_decoded, all.len() as u64, "each tile once");
            (
                std::fs::read(&one.png).unwrap(),
                std::fs::read(&two.png).unwrap(),
                one.png,
            )
        };
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two, png) = draw(d1.path());
        assert_eq!(
            pixel(&png, 320, 60),
            [0, 0, 200],
            "a 512-pixel tile, scaled"
        );
        let p0 = a.tiles().into_iter().find(|p| p.tile == first).unwrap();
        let (x, y) = ((p0.x.max(0) + 2) as u32, (p0.y.max(0) + 2) as u32);
        let [r, g, b] = pixel(&png, x, y);
        assert_eq!(
            format!("#{r:02x}{g:02x}{b:02x}"),
            plain_background(&c.brand.colors)
        );
        let (again_one, again_two, _) = draw(d2.path());
        assert!(
            one == again_one && two == again_two,
            "the same bytes every build"
        );
    }

    #[test]
    fn decoded_tiles_are_bounded_and_neighbours_sort_together() {
        let tiles = DecodedTiles::new();
        for x in 0..(DECODED_TILES as u32 + 10) {
            let t = Tile { z: 10, x, y: 0 };
            assert!(tiles.get(t, || Some(png([1, 2, 3]))).is_some());
        }
        let held = tiles.slots.lock().unwrap().by_tile.len();
        assert_eq!(held, DECODED_TILES);
        // The first went; the last is kept and not decoded again.
        let last = Tile {
            z: 10,
            x: DECODED_TILES as u32 + 9,
            y: 0,
        };
        tiles.get(last, || panic!("decoded again"));
        assert!(
            !tiles
                .slots
                .lock()
                .unwrap()
                .by_tile
                .contains_key(&Tile { z: 10, x: 0, y: 0 })
        );
        assert_eq!(interleave(0b11, 0b00), 0b0101);
        assert_eq!(interleave(0b00, 0b11), 0b1010);
        assert!(
            interleave(1, 1) < interleave(2, 0),
            "a 2 × 2 block before the next"
        );
    }

    #[test]
    fn an_mbtiles_file_gives_the_tiles_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let c = config("[maps]\ntiles = \"val.mbtiles\"\nattribution = \"© Test\"\n");
        let req = request();
        let frame = req.frame(c.maps.max_zoom).unwrap();
        let err = MapMaker::new(
            dir.path(),
            &c.images.cache_dir,
            &c.maps,
            &c.brand.colors,
            &fonts(),
        )
        .err()
        .unwrap();
        assert!(err.message.contains("val.mbtiles") && err.message.contains("does not exist"));
        let placed = frame.tiles();
        let tiles: Vec<(Tile, Vec<u8>)> = placed[1..]
            .iter()
            .map(|p| (p.tile, png([0, 0, 200])))
            .collect();
        crate::geo::mbtiles::tests::write(&dir.path().join("val.mbtiles"), &tiles);
        let m = maker(dir.path(), &c);
        let map = m.map(&req).unwrap().unwrap();
        assert_eq!(map.missing, vec![placed[0].tile]);
        assert_eq!(pixel(&map.png, 320, 60), [0, 0, 200]);
        // A link in the site to an MBTiles file elsewhere is refused.
        #[cfg(unix)]
        {
            let site = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(
                dir.path().join("val.mbtiles"),
                site.path().join("val.mbtiles"),
            )
            .unwrap();
            let err = MapMaker::new(
                site.path(),
                &c.images.cache_dir,
                &c.maps,
                &c.brand.colors,
                &fonts(),
            )
            .err()
            .unwrap();
            assert!(
                err.message.contains("val.mbtiles") && err.message.contains("symbolic link"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn without_tiles_a_plain_background_and_no_credit() {
        let dir = tempfile::tempdir().unwrap();
        let c = config("");
        let maker = maker(dir.path(), &c);
        assert!(maker.attribution().is_none());
        let req = request();
        let map = maker.map(&req).unwrap().unwrap();
        assert!(map.missing.is_empty());
        let frame = req.frame(c.maps.max_zoom).unwrap();
        let (x, y) = frame.project(5.95, 46.60);
        assert!(near(pixel(&map.png, x as u32, y as u32), [0xc0, 0, 0]));
        let corner = pixel(&map.png, 5, 5);
        let plain = plain_background(&c.brand.colors);
        assert_eq!(
            format!("#{:02x}{:02x}{:02x}", corner[0], corner[1], corner[2]),
            plain
        );
        // Nothing to show: no map.
        let empty = MapRequest {
            size: (640, 400),
            ..MapRequest::default()
        };
        assert!(maker.map(&empty).unwrap().is_none());
    }

    #[test]
    fn a_card_fits_its_track_below_its_band_and_says_what_its_band_says() {
        let dir = tempfile::tempdir().unwrap();
        let c = config("");
        let m = maker(dir.path(), &c);
        let card = |title: &str| MapRequest {
            steps: Vec::new(),
            size: CARD_SIZE,
            caption: Some(Caption {
                title: title.into(),
                figures: "6,1 km · Dénivelé positif 20 m".into(),
            }),
            ..request()
        };
        let req = card("La ligne de crête");
        let frame = req.frame(c.maps.max_zoom).unwrap();
        assert_eq!((frame.width, frame.height), CARD_SIZE);
        // The straight track is the middle row of the map below the band.
        let (x0, y) = frame.project(5.90, 46.60);
        let (x1, _) = frame.project(5.98, 46.60);
        let below = f64::from(CARD_BAND + (CARD_SIZE.1 - CARD_BAND) / 2);
        assert!((y - below).abs() <= 1.0, "{y}");
        assert!(x0 >= f64::from(MARGIN) - 1.0 && x1 <= f64::from(CARD_SIZE.0 - MARGIN) + 1.0);
        let map = m.map(&req).unwrap().unwrap();
        assert!(
            near(pixel(&map.png, 540, y as u32), [0xc0, 0, 0]),
            "the track"
        );
        assert_eq!(pixel(&map.png, 1070, 10), [0xc0, 0, 0], "the band");
        // Another title: another card.
        let other = m.map(&card("Le tour du lac")).unwrap().unwrap();
        assert_ne!(other.png, map.png);
    }

    #[test]
    fn a_band_s_text_shrinks_to_fit_then_is_cut() {
        assert_eq!(fitted("Court", 968.0, 64.0, 40.0), ("Court".into(), 64.0));
        let (text, size) = fitted(&"mot ".repeat(10), 968.0, 64.0, 40.0);
        assert!(
            (40.0..64.0).contains(&size) && !text.contains('…'),
            "{size} {text}"
        );
        let (text, size) = fitted(&"mot ".repeat(40), 968.0, 64.0, 40.0);
        assert_eq!(size, 40.0);
        assert!(text.ends_with('…') && text.chars().count() <= 44, "{text}");
    }

    #[test]
    fn a_place_is_a_pin_at_the_centre() {
        let c = config("");
        let req = MapRequest {
            place: Some((5.92, 46.6)),
            size: PLACE_SIZE,
            ..MapRequest::default()
        };
        let f = req.frame(c.maps.max_zoom).unwrap();
        assert_eq!(f.zoom, PLACE_ZOOM);
        let (x, y) = f.project(5.92, 46.6);
        assert!((x - 320.0).abs() <= 1.0 && (y - 200.0).abs() <= 1.0);
        assert_eq!(req.frame(12).unwrap().zoom, 12, "max_zoom caps it");
    }

    /// Where a place map's time goes: `cargo test --lib map_phases --
    /// --ignored --nocapture`.
    #[test]
    #[ignore]
    #[allow(clippy::print_stderr)]
    fn map_phases() {
        let dir = tempfile::tempdir().unwrap();
        let c = config(
            "[maps]\ntiles = \"https://t.example.org/{z}/{x}/{y}.png\"\nattribution = \"© Tuiles de test\"\n",
        );
        let source = c.maps.tiles.clone().unwrap();
        let reqs: Vec<MapRequest> = (0..200)
            .map(|i| MapRequest {
                place: Some((
                    5.9 + f64::from(i) * 0.0011,
                    46.6 + f64::from(i % 7) * 0.0009,
                )),
                size: PLACE_SIZE,
                ..MapRequest::default()
            })
            .collect();
        for r in &reqs {
            for p in r.frame(c.maps.max_zoom).unwrap().tiles() {
                let path = tile_path(dir.path(), &c.images.cache_dir, &source, p.tile);
                if !path.is_file() {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, png([200, 220, 190])).unwrap();
                }
            }
        }
        let m = maker(dir.path(), &c);
        let start = std::time::Instant::now();
        for r in &reqs {
            m.map(r).unwrap().unwrap();
        }
        let per = start.elapsed() / reqs.len() as u32;
        let frame = reqs[0].frame(c.maps.max_zoom).unwrap();
        let svg = m.svg(&frame, &[], &reqs[0]);
        let tiles: Vec<(Placed, bool)> = frame.tiles().into_iter().map(|p| (p, true)).collect();
        let t = std::time::Instant::now();
        for _ in 0..50 {
            m.paint(&frame, &tiles, &svg).unwrap();
        }
        let paint = t.elapsed() / 50;
        let t = std::time::Instant::now();
        for _ in 0..50 {
            m.paint(&frame, &[], &svg).unwrap();
        }
        let overlay = t.elapsed() / 50;
        let pixmap = tiny_skia::Pixmap::new(640, 400).unwrap();
        let t = std::time::Instant::now();
        for _ in 0..50 {
            encode_opaque_png(&pixmap).unwrap();
        }
        let encode = t.elapsed() / 50;
        eprintln!(
            "per map {per:?} (decoded {}), paint {paint:?}, without tiles {overlay:?}, encode of a blank map {encode:?}",
            m.counts().tiles_decoded
        );
    }

    #[test]
    fn a_long_track_draws_fast() {
        let dir = tempfile::tempdir().unwrap();
        let c = config("");
        let maker = maker(dir.path(), &c);
        // 100,000 points along a wavy 30 km line.
        let line: Vec<(f64, f64)> = (0..100_000)
            .map(|i| {
                let t = f64::from(i) / 100_000.0;
                (5.8 + t * 0.4, 46.6 + (t * 40.0).sin() * 0.02)
            })
            .collect();
        let req = MapRequest {
            lines: Arc::new(vec![line]),
            size: TRAIL_SIZE,
            ..MapRequest::default()
        };
        let start = std::time::Instant::now();
        maker.map(&req).unwrap().unwrap();
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }
}
