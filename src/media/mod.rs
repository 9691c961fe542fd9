//! Images: responsive variants, made once, in parallel, through a content-addressed cache.
//!
//! Rendering asks [`ImagePipeline::responsive`] for an image and gets its
//! variants' URLs and sizes at once (from the file's header: nothing is
//! decoded then). [`ImagePipeline::process`] makes the pixels afterwards: each
//! source is decoded once, turned upright (EXIF orientation), resized for every
//! width asked (never upscaled), encoded in every format, and written without
//! any metadata (GPS coordinates never leak). Output names are a hash of the
//! source bytes and the operation, so they never depend on paths, mtimes or
//! processing order; the cache (`[images] cache_dir`) holds each result under
//! that name, so a second build, a fresh clone or a CI with the cache restored
//! encodes nothing. A header claiming more than [`MAX_PIXELS`] is refused
//! before decoding, and a pixel budget bounds what is decoded at once.
//! Social cards ([`card`]) get their photo layer from here, cropped in the
//! same pass as the photo's other variants and kept in the cache only.
//! Large JPEGs are decoded at 1/2, 1/4 or 1/8 of their size when every
//! variant still has its pixels (the `jpeg` module). The widths of one
//! request are resized in a chain, each from a larger one ([`CHAIN_RATIO`]),
//! and formats at one size share their resize. The last format is the
//! `<img>` fallback; after WebP it is made at one width only
//! ([`FALLBACK_MAX_WIDTH`]), since every browser reading `<picture>` takes
//! the WebP.

pub mod card;
mod jpeg;
pub mod map;
pub mod sizes;
mod webp;

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;
use serde::Serialize;

pub use crate::config::Format;
use crate::error::{Diagnostic, display_path};
use crate::output::Sink;
use crate::stamp::Stamp;

/// The largest image blason decodes: 100 megapixels (a 50 MP camera's photo is
/// half of it). Anything claiming more is a decompression bomb or a mistake.
pub const MAX_PIXELS: u64 = 100_000_000;

/// What a source looks like, read from its header.
#[derive(Debug, Clone)]
struct SourceInfo {
    hash: String,
    /// Upright size (after EXIF orientation).
    width: u32,
    height: u32,
    /// A JPEG, which may be decoded at a reduced scale.
    jpeg: bool,
}

/// The file in the image cache that remembers what each source gave when it
/// was last read, so that a build does not read and hash unchanged photos.
/// Its name changes when what a source must pass to be remembered does
/// (version 2: whole JPEGs only), so that no older cache vouches for a file
/// this version refuses.
const KNOWN_SOURCES: &str = "sources-2.tsv";

/// Reads the remembered sources: one line each, `len`, `modified`, `width`,
/// `height`, `hash`, `jpeg` or `other`, path, separated by tabs. Lines that
/// do not parse are skipped (the source is then read again).
fn read_known(file: &Path) -> HashMap<PathBuf, (Stamp, SourceInfo)> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let mut f = line.splitn(7, '\t');
            let len = f.next()?.parse().ok()?;
            let modified = f.next()?.parse().ok()?;
            let width = f.next()?.parse().ok()?;
            let height = f.next()?.parse().ok()?;
            let hash = f.next()?;
            let jpeg = match f.next()? {
                "jpeg" => true,
                "other" => false,
                _ => return None,
            };
            let path = f.next()?;
            let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            hex.then(|| {
                let info = SourceInfo {
                    hash: hash.to_string(),
                    width,
                    height,
                    jpeg,
                };
                (PathBuf::from(path), ((len, modified), info))
            })
        })
        .collect()
}

/// One variant to make.
#[derive(Debug, Clone)]
struct Job {
    source: PathBuf,
    width: u32,
    height: u32,
    format: Format,
    /// The part of the upright source to use: left, top, width, height.
    crop: Option<(u32, u32, u32, u32)>,
    /// Made from the source decoded at 1/`reduce` of its size (1, 2, 4, 8).
    reduce: u32,
    /// The sizes it is resized through, from the (cropped) source: a
    /// variant is made from a larger one of the same request rather than
    /// from the source when that one is large enough ([`CHAIN_RATIO`]).
    /// Part of its name, like everything its bytes depend on.
    via: Vec<(u32, u32)>,
    /// Published under /processed_images/ (card layers stay in the cache).
    publish: bool,
    /// Encoder quality (the site's, or a press download's).
    quality: u8,
}

/// A crop to an aspect ratio around a focal point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crop {
    /// Width and height of the ratio: (1, 1) square, (4, 5) portrait.
    pub ratio: (u32, u32),
    /// Focal point, 0..1 from the left and from the top.
    pub focus: (f64, f64),
}

impl Crop {
    /// The crop box in a `w`×`h` image: as large as the ratio allows, centred
    /// on the focal point, kept inside the image.
    pub fn boxed(&self, w: u32, h: u32) -> (u32, u32, u32, u32) {
        let (rw, rh) = (
            u64::from(self.ratio.0.max(1)),
            u64::from(self.ratio.1.max(1)),
        );
        let (cw, ch) = if u64::from(w) * rh > u64::from(h) * rw {
            (((u64::from(h) * rw) / rh) as u32, h)
        } else {
            (w, ((u64::from(w) * rh) / rw) as u32)
        };
        let (cw, ch) = (cw.max(1), ch.max(1));
        let fx = self.focus.0.clamp(0.0, 1.0);
        let fy = self.focus.1.clamp(0.0, 1.0);
        let left = ((fx * f64::from(w) - f64::from(cw) / 2.0).round().max(0.0) as u32).min(w - cw);
        let top = ((fy * f64::from(h) - f64::from(ch) / 2.0).round().max(0.0) as u32).min(h - ch);
        (left, top, cw, ch)
    }
}

/// A variant, as templates use it.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Absolute URL: `https://…/processed_images/aube-1a2b3c4d5e6f7a8b.webp`.
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The variants of one format, as a `srcset`.
#[derive(Debug, Clone, Serialize)]
pub struct ImageSource {
    pub mime: &'static str,
    /// `url 480w, url 960w`.
    pub srcset: String,
}

/// An image ready for `<picture>`: a `<source>` per format, and the `<img>`
/// fallback in the last format. When WebP comes before it, the fallback is
/// one variant, the widest not over [`FALLBACK_MAX_WIDTH`], without a
/// `<source>` (a browser that reads `<picture>` reads WebP and never picks
/// it); otherwise (`formats = ["jpg"]`, `["avif", "jpg"]`) the last format
/// has its `<source>` at every width too, and the fallback is its largest.
#[derive(Debug, Clone, Serialize)]
pub struct ResponsiveImage {
    /// A class giving the image's average colour as its background while it
    /// loads (defined in /processed_images/placeholders.css).
    pub placeholder: String,
    pub sources: Vec<ImageSource>,
    pub fallback: Variant,
    /// The fallback's size: the `<img>`'s `width` and `height`, in the
    /// aspect of the file its `src` names.
    pub width: u32,
    pub height: u32,
}

/// The longest side of a press download, in pixels: enough for a printed
/// magazine page (A4 at 300 dpi is 3508 pixels high); larger originals are
/// scaled down to it.
pub const DOWNLOAD_MAX_SIDE: u32 = 4000;

/// The JPEG quality of press downloads: above the site's variants', for print.
pub const DOWNLOAD_QUALITY: u8 = 92;

/// A press download, as templates use it: published under
/// `/processed_images/` like every variant.
#[derive(Debug, Clone, Serialize)]
pub struct Download {
    /// Its file name in the output and the cache.
    pub name: String,
    /// Absolute URL.
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// Image work done by a build.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImageCounts {
    /// Sources decoded.
    pub decoded: u64,
    /// Of these, decoded at a reduced scale (large JPEGs).
    pub reduced: u64,
    /// Variants encoded.
    pub encoded: u64,
    /// Variants taken from the cache.
    pub cached: u64,
    /// Cache entries removed by `--prune-cache`.
    pub pruned: u64,
}

/// Settings of the pipeline, from `[images]`.
#[derive(Debug, Clone)]
pub struct ImageSettings {
    pub widths: Vec<u32>,
    pub formats: Vec<Format>,
    pub quality: u8,
    /// WebP encoder effort (libwebp's `method`), 0 to 6.
    pub effort: u8,
    pub cache_dir: PathBuf,
    /// Absolute URLs of variants start with this (the site's base URL).
    pub base_url: String,
}

/// Requests for variants during rendering, then the work.
pub struct ImagePipeline {
    root: PathBuf,
    settings: ImageSettings,
    sources: Mutex<HashMap<PathBuf, SourceInfo>>,
    /// What sources gave in earlier builds, by path, with their stamps.
    known: HashMap<PathBuf, (Stamp, SourceInfo)>,
    /// The stamps of the sources this build read.
    stamps: Mutex<HashMap<PathBuf, Stamp>>,
    /// Output name to job; a BTreeMap so work and output are in a stable order.
    jobs: Mutex<BTreeMap<String, Job>>,
    decoded: AtomicU64,
    reduced: AtomicU64,
    encoded: AtomicU64,
    cached: AtomicU64,
    /// Names of every variant this build published.
    used: Mutex<std::collections::BTreeSet<String>>,
    budget: PixelBudget,
}

/// How many source pixels may be decoded at once, across all threads: about
/// 1.2 GB of pixel buffers at most (the decoded image, its RGB or RGBA copy
/// and the resized pictures of two steps of its chains, together at most
/// about twice the decoded image's pixels), however many cores there are.
pub const PIXEL_BUDGET: u64 = 120_000_000;

/// A counting semaphore over decoded pixels. A source larger than the whole
/// budget (up to [`MAX_PIXELS`]) still passes, alone.
struct PixelBudget {
    limit: u64,
    in_use: Mutex<u64>,
    freed: std::sync::Condvar,
}

struct PixelLease<'a> {
    budget: &'a PixelBudget,
    pixels: u64,
}

impl PixelBudget {
    fn new(limit: u64) -> PixelBudget {
        PixelBudget {
            limit,
            in_use: Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    /// Waits until `pixels` fit in the budget (or nothing else is decoded).
    fn acquire(&self, pixels: u64) -> PixelLease<'_> {
        let mut in_use = self.in_use.lock().unwrap_or_else(|p| p.into_inner());
        while *in_use > 0 && *in_use + pixels > self.limit {
            in_use = self.freed.wait(in_use).unwrap_or_else(|p| p.into_inner());
        }
        *in_use += pixels;
        PixelLease {
            budget: self,
            pixels,
        }
    }
}

impl Drop for PixelLease<'_> {
    fn drop(&mut self) {
        let mut in_use = self.budget.in_use.lock().unwrap_or_else(|p| p.into_inner());
        *in_use -= self.pixels;
        self.budget.freed.notify_all();
    }
}

/// Writes `bytes` as `dir/name` whole or not at all: into a file of its own
/// first (two builds may fill the same cache at once), then renamed.
pub(crate) fn write_cached(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, dir.join(name)))
}

/// A large JPEG's reduced size stays at least this wide (and as wide as the
/// largest configured width): the built-in theme's social cards take a
/// photo 1200 pixels wide.
const REDUCED_FLOOR: u32 = 1200;

/// The part of a variant's name that says it is made from a reduced decode
/// (nothing for a whole one, so that those keep their names).
fn reduce_op(reduce: u32) -> String {
    if reduce > 1 {
        format!(":r{reduce}")
    } else {
        String::new()
    }
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The widest `<img>` fallback when the formats before it include WebP
/// (it is then made at this one width, [`fallback_width`]): what a
/// browser without WebP, a search engine's image index, a link preview
/// without a social card or a video's poster takes, sharp on a wide screen
/// at 1x without the weight of a 2400-pixel JPEG.
pub const FALLBACK_MAX_WIDTH: u32 = 1600;

/// The one width of a fallback made at one width, among a request's
/// `widths` (ascending, already limited to the source's): the largest not
/// over [`FALLBACK_MAX_WIDTH`], else the smallest.
fn fallback_width(widths: &[u32]) -> u32 {
    widths
        .iter()
        .copied()
        .rfind(|&w| w <= FALLBACK_MAX_WIDTH)
        .or_else(|| widths.first().copied())
        .unwrap_or(0)
}

/// A variant is resized from a larger variant of the same request instead
/// of from the source when that one is at least 3/2 as wide (the
/// smallest such). Resizing costs about as much as the picture it reads,
/// whatever the size it makes: six widths from a 3000-pixel photo read it
/// six times, where a chain reads it once or twice and then ever smaller
/// pictures. Lanczos3 from a picture 1.5 times as large keeps what a
/// variant can show (docs/performance.md has the measured difference).
const CHAIN_RATIO: (u64, u64) = (3, 2);

/// For each of `widths` (ascending, without duplicates), the widths it is
/// resized through, largest first: empty when it is made from the source
/// directly. A width as large as the source (`source_width`, the source's
/// own pixels) is never a step.
fn chains(widths: &[u32], source_width: u32) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); widths.len()];
    for i in (0..widths.len()).rev() {
        let w = u64::from(widths[i]);
        let parent = (i + 1..widths.len()).find(|&j| {
            widths[j] < source_width && u64::from(widths[j]) * CHAIN_RATIO.1 >= w * CHAIN_RATIO.0
        });
        if let Some(j) = parent {
            let mut chain = out[j].clone();
            chain.push(widths[j]);
            out[i] = chain;
        }
    }
    out
}

impl ImagePipeline {
    pub fn new(root: &Path, settings: ImageSettings) -> ImagePipeline {
        let known = read_known(
            &root
                .join(&settings.cache_dir)
                .join("images")
                .join(KNOWN_SOURCES),
        );
        ImagePipeline {
            root: root.to_path_buf(),
            settings,
            sources: Mutex::new(HashMap::new()),
            known,
            stamps: Mutex::new(HashMap::new()),
            jobs: Mutex::new(BTreeMap::new()),
            decoded: AtomicU64::new(0),
            reduced: AtomicU64::new(0),
            encoded: AtomicU64::new(0),
            budget: PixelBudget::new(PIXEL_BUDGET),
            cached: AtomicU64::new(0),
            used: Mutex::new(std::collections::BTreeSet::new()),
        }
    }

    fn error(&self, path: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error("image", message).file(display_path(path, &self.root))
    }

    /// Reads a source's header (size, orientation) and hashes its bytes.
    fn source(&self, path: &Path) -> Result<SourceInfo, Diagnostic> {
        if let Some(info) = self
            .sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(path)
        {
            return Ok(info.clone());
        }
        let stamp = crate::stamp::of(path);
        if let (Some(now), Some((then, info))) = (stamp, self.known.get(path))
            && now == *then
        {
            self.remember(path, stamp, info.clone());
            return Ok(info.clone());
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::io(path, &self.root, "read this image", &e))?;
        // The size the header claims, read before any decoder allocates anything.
        if let Ok(size) = imagesize::blob_size(&bytes) {
            let (w, h) = (size.width as u64, size.height as u64);
            if w.saturating_mul(h) > MAX_PIXELS {
                return Err(self
                    .error(path, format!("the image claims {w}×{h} pixels, more than the {} megapixels blason decodes", MAX_PIXELS / 1_000_000))
                    .help("resize the photo before adding it (a web page never needs more than about 3000 pixels wide)"));
            }
        }
        let reader = ImageReader::new(Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| self.error(path, "the image cannot be read").cause(e))?;
        let jpeg = reader.format() == Some(image::ImageFormat::Jpeg);
        if jpeg {
            let Some(scan) = jpeg::scan_bytes(&bytes) else {
                return Err(self
                    .error(path, "the JPEG file is truncated: its end is missing, as after an interrupted copy or download")
                    .help("copy the photo again from the camera or the original file; as it is, its missing part would show grey or blurred"));
            };
            if let Some(f) = jpeg::frame(&bytes)
                && !jpeg::holds_its_pixels(f.width, f.height, scan)
            {
                return Err(self
                    .error(path, format!("the JPEG file is damaged: its header says {}×{} pixels, but it holds far too little data for them", f.width, f.height))
                    .help("copy the photo again from the camera or the original file; as it is, it would show a flat colour"));
            }
        }
        let mut decoder = reader.into_decoder().map_err(|e| {
            self.error(
                path,
                "the file is not an image blason can read (JPEG, PNG or WebP), or it is damaged",
            )
            .cause(e)
        })?;
        let (w, h) = decoder.dimensions();
        if u64::from(w) * u64::from(h) > MAX_PIXELS {
            return Err(self
                .error(path, format!("the image claims {w}×{h} pixels, more than the {} megapixels blason decodes", MAX_PIXELS / 1_000_000))
                .help("resize the photo before adding it (a web page never needs more than about 3000 pixels wide)"));
        }
        if w == 0 || h == 0 {
            return Err(self.error(path, "the image has no pixels"));
        }
        let orientation = decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms);
        use image::metadata::Orientation as O;
        let (width, height) = match orientation {
            O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH => (h, w),
            _ => (w, h),
        };
        let info = SourceInfo {
            hash: blake3::hash(&bytes).to_hex().to_string(),
            width,
            height,
            jpeg,
        };
        self.remember(path, stamp, info.clone());
        Ok(info)
    }

    /// Keeps what `path` gave for this build and, with its stamp, for the next.
    fn remember(&self, path: &Path, stamp: Option<Stamp>, info: SourceInfo) {
        if let Some(stamp) = stamp {
            self.stamps
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(path.to_path_buf(), stamp);
        }
        self.sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_path_buf(), info);
    }

    /// Writes down what this build's sources gave, for the next build (the
    /// sources of earlier builds that this one did not use are forgotten).
    fn save_known(&self, cache: &Path) {
        let stamps = self.stamps.lock().unwrap_or_else(|p| p.into_inner());
        let sources = self.sources.lock().unwrap_or_else(|p| p.into_inner());
        let mut lines: Vec<String> = stamps
            .iter()
            .filter_map(|(path, (len, modified))| {
                let info = sources.get(path)?;
                let p = path.to_str().filter(|p| !p.contains(['\t', '\n', '\r']))?;
                let kind = if info.jpeg { "jpeg" } else { "other" };
                Some(format!(
                    "{len}\t{modified}\t{}\t{}\t{}\t{kind}\t{p}\n",
                    info.width, info.height, info.hash
                ))
            })
            .collect();
        lines.sort();
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(KNOWN_SOURCES.to_string());
        // A cache that cannot be written costs the next build some reading.
        let _ = write_cached(cache, KNOWN_SOURCES, lines.concat().as_bytes());
    }

    /// Asks for the responsive variants of `path`; returns their URLs and sizes now.
    pub fn responsive(&self, path: &Path) -> Result<ResponsiveImage, Diagnostic> {
        let widths = self.settings.widths.clone();
        self.variants(path, None, &widths)
    }

    /// Asks for variants of the whole image at `widths` (a gallery's mosaic
    /// thumbnails).
    pub fn uncropped(&self, path: &Path, widths: &[u32]) -> Result<ResponsiveImage, Diagnostic> {
        self.variants(path, None, widths)
    }

    /// Asks for variants cropped to a ratio around a focal point, at `widths`.
    pub fn cropped(
        &self,
        path: &Path,
        crop: Crop,
        widths: &[u32],
    ) -> Result<ResponsiveImage, Diagnostic> {
        self.variants(path, Some(crop), widths)
    }

    /// The reduction (1, 2, 4 or 8) at which a source is decoded for this
    /// site's variants: the largest that keeps it as wide as the largest
    /// configured width and a card's photo; 1 for sources other than JPEG.
    /// It depends on the source's size and the settings only, so a variant's
    /// name (which carries it) always stands for the same bytes.
    fn reduction(&self, info: &SourceInfo) -> u32 {
        if !info.jpeg {
            return 1;
        }
        let floor = self.settings.widths.iter().copied().max().unwrap_or(0);
        jpeg::reduction(info.width, floor.max(REDUCED_FLOOR))
    }

    /// The reduction a `out`-sized variant of the `region` (width, height)
    /// of a source is made from: the source's, when its reduced pixels are
    /// enough; else 1 (the source decoded whole).
    fn job_reduction(&self, info: &SourceInfo, region: (u32, u32), out: (u32, u32)) -> u32 {
        let d = self.reduction(info);
        if d > 1 && jpeg::fits((info.width, info.height), region, out, d) {
            d
        } else {
            1
        }
    }

    /// Asks for the photo layer of a social card: the photo cropped around
    /// its focal point to exactly `w`×`h` (enlarged if it must be), kept in
    /// the cache as PNG. Returns its cache name.
    pub fn card_layer(
        &self,
        path: &Path,
        crop: Crop,
        w: u32,
        h: u32,
    ) -> Result<String, Diagnostic> {
        let full = self.source(path)?;
        let boxed = crop.boxed(full.width, full.height);
        let (l, t, cw, ch) = boxed;
        let reduce = self.job_reduction(&full, (cw, ch), (w, h));
        let op = format!(
            "{}:crop{l},{t},{cw},{ch}:w{w}:h{h}{}:layer:png",
            full.hash,
            reduce_op(reduce)
        );
        let name = format!(
            "layer-{}.png",
            hex16(blake3::hash(op.as_bytes()).as_bytes())
        );
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(name.clone())
            .or_insert_with(|| Job {
                source: path.to_path_buf(),
                width: w,
                height: h,
                format: Format::Png,
                crop: Some(boxed),
                reduce,
                via: Vec::new(),
                publish: false,
                quality: self.settings.quality,
            });
        Ok(name)
    }

    /// A card layer made by [`process`](ImagePipeline::process): its bytes,
    /// and its decoded pixels (`decode`, which may fail on a damaged file,
    /// named then).
    pub fn cached_layer<T, E: std::fmt::Display>(
        &self,
        name: &str,
        decode: impl FnOnce(&[u8]) -> Result<T, E>,
    ) -> Result<(std::sync::Arc<Vec<u8>>, T), Diagnostic> {
        let path = self
            .root
            .join(&self.settings.cache_dir)
            .join("images")
            .join(name);
        let bytes = std::fs::read(&path)
            .map_err(|e| Diagnostic::io(&path, &self.root, "read from the image cache", &e))?;
        let decoded = decode(&bytes).map_err(|e| {
            Diagnostic::error(
                "image",
                "this file of the image cache (a photo cut for a social card) is damaged",
            )
            .cause(e)
            .file(crate::error::display_path(&path, &self.root))
            .help("delete this file and build again: blason makes it again")
        })?;
        Ok((std::sync::Arc::new(bytes), decoded))
    }

    /// Asks for the press download of `path`: one JPEG at the photo's own
    /// size, its longer side capped at [`DOWNLOAD_MAX_SIDE`], at quality
    /// [`DOWNLOAD_QUALITY`], upright and without any metadata (like every
    /// variant: the encoder writes none). Returns its name and size now.
    pub fn download(&self, path: &Path) -> Result<Download, Diagnostic> {
        let full = self.source(path)?;
        let long = full.width.max(full.height);
        let (w, h) = if long <= DOWNLOAD_MAX_SIDE {
            (full.width, full.height)
        } else {
            let scale = |side: u32| {
                ((u64::from(side) * u64::from(DOWNLOAD_MAX_SIDE) + u64::from(long) / 2)
                    / u64::from(long))
                .max(1) as u32
            };
            (scale(full.width), scale(full.height))
        };
        let reduce = self.job_reduction(&full, (full.width, full.height), (w, h));
        let op = format!(
            "{}:w{w}:h{h}{}:q{DOWNLOAD_QUALITY}:{JPEG_ENCODER}:download:jpg",
            full.hash,
            reduce_op(reduce)
        );
        let stem = crate::slug::slugify(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        let name = format!(
            "{stem}-{}.jpg",
            hex16(blake3::hash(op.as_bytes()).as_bytes())
        );
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(name.clone())
            .or_insert_with(|| Job {
                source: path.to_path_buf(),
                width: w,
                height: h,
                format: Format::Jpeg,
                crop: None,
                reduce,
                via: Vec::new(),
                publish: true,
                quality: DOWNLOAD_QUALITY,
            });
        Ok(Download {
            url: format!(
                "{}/processed_images/{name}",
                self.settings.base_url.trim_end_matches('/')
            ),
            name,
            width: w,
            height: h,
        })
    }

    /// Where a variant made by [`process`](ImagePipeline::process) is kept
    /// (a press download, to be zipped or measured).
    pub fn cached_file(&self, name: &str) -> PathBuf {
        self.root
            .join(&self.settings.cache_dir)
            .join("images")
            .join(name)
    }

    fn variants(
        &self,
        path: &Path,
        crop: Option<Crop>,
        wanted: &[u32],
    ) -> Result<ResponsiveImage, Diagnostic> {
        let full = self.source(path)?;
        let boxed = crop.map(|c| c.boxed(full.width, full.height));
        let info = match boxed {
            Some((_, _, w, h)) => SourceInfo {
                width: w,
                height: h,
                ..full.clone()
            },
            None => full.clone(),
        };
        let stem = crate::slug::slugify(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        let mut widths: Vec<u32> = wanted
            .iter()
            .copied()
            .filter(|&w| w > 0 && w < info.width)
            .collect();
        // Never upscale: the source's own width stands in for the larger ones.
        if widths.len() < wanted.len() || widths.is_empty() {
            widths.push(info.width);
        }
        widths.sort_unstable();
        widths.dedup();
        let size = |w: u32| {
            let h = ((u64::from(info.height) * u64::from(w) + u64::from(info.width) / 2)
                / u64::from(info.width))
            .max(1) as u32;
            (w, h)
        };
        let chains = chains(&widths, info.width);
        let one = fallback_width(&widths);
        let formats = &self.settings.formats;
        let mut sources = Vec::new();
        let mut fallback = None;
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        for (i, &format) in formats.iter().enumerate() {
            // Every browser that reads `<picture>` reads WebP: after it,
            // the `<img>` fallback serves the others at one width only.
            let fallback_only = i + 1 == formats.len() && formats[..i].contains(&Format::Webp);
            let mut srcset = Vec::new();
            for (&w, chain) in widths.iter().zip(&chains) {
                if fallback_only && w != one {
                    continue;
                }
                let (_, h) = size(w);
                let via: Vec<(u32, u32)> = chain.iter().map(|&v| size(v)).collect();
                let crop_op = boxed.map_or(String::new(), |(l, t, cw, ch)| {
                    format!(":crop{l},{t},{cw},{ch}")
                });
                // Effort changes WebP bytes only; JPEG names carry their
                // encoder; other formats keep their names.
                let effort = match format {
                    Format::Webp => format!(":e{}", self.settings.effort),
                    Format::Jpeg => format!(":{JPEG_ENCODER}"),
                    _ => String::new(),
                };
                // A chain is made from one decode: the one its first and
                // largest step needs.
                let reduce = self.job_reduction(
                    &full,
                    (info.width, info.height),
                    via.first().copied().unwrap_or((w, h)),
                );
                let via_op: String = via
                    .iter()
                    .map(|(vw, vh)| format!(":via{vw}x{vh}"))
                    .collect();
                let op = format!(
                    "{}{crop_op}:w{w}:h{h}{}{via_op}:q{}{effort}:{}",
                    info.hash,
                    reduce_op(reduce),
                    self.settings.quality,
                    format.ext()
                );
                let name = format!(
                    "{stem}-{}.{}",
                    hex16(blake3::hash(op.as_bytes()).as_bytes()),
                    format.ext()
                );
                let url = format!(
                    "{}/processed_images/{name}",
                    self.settings.base_url.trim_end_matches('/')
                );
                jobs.entry(name).or_insert_with(|| Job {
                    source: path.to_path_buf(),
                    width: w,
                    height: h,
                    format,
                    crop: boxed,
                    reduce,
                    via: via.clone(),
                    publish: true,
                    quality: self.settings.quality,
                });
                srcset.push(format!("{url} {w}w"));
                fallback = Some(Variant {
                    url,
                    width: w,
                    height: h,
                });
            }
            if !fallback_only {
                sources.push(ImageSource {
                    mime: format.mime(),
                    srcset: srcset.join(", "),
                });
            }
        }
        let fallback = fallback.ok_or_else(|| self.error(path, "[images] formats is empty"))?;
        Ok(ResponsiveImage {
            placeholder: placeholder_class(&info.hash),
            width: fallback.width,
            height: fallback.height,
            sources,
            fallback,
        })
    }

    /// Makes every variant asked for, through the cache, and publishes each
    /// into `out` (copied from the cache: no bytes pass through the process).
    pub fn process(&self, out: &dyn Sink) -> Result<ImageCounts, Vec<Diagnostic>> {
        let jobs = std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|p| p.into_inner()));
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(jobs.keys().cloned());
        let cache = self.root.join(&self.settings.cache_dir).join("images");
        if let Err(e) = std::fs::create_dir_all(&cache) {
            return Err(vec![Diagnostic::io(
                &cache,
                &self.root,
                "create the image cache",
                &e,
            )]);
        }
        // Group by source: decode once, make all its variants.
        let mut by_source: BTreeMap<PathBuf, Vec<(String, Job)>> = BTreeMap::new();
        for (name, job) in jobs {
            by_source
                .entry(job.source.clone())
                .or_default()
                .push((name, job));
        }
        let colours: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
        let results: Vec<Result<(), Diagnostic>> = by_source
            .par_iter()
            .map(|(source, list)| {
                let missing: Vec<&(String, Job)> = list
                    .iter()
                    .filter(|(name, _)| !cache.join(name).is_file())
                    .collect();
                let info = self.source(source)?;
                let hash = &info.hash;
                // The placeholder colour, cached beside the variants. It is
                // taken from the source decoded at its reduction, whichever
                // variants this build happens to make.
                let reduce = self.reduction(&info);
                // A file name: no `:` (portable to every file system).
                // `.mean`: the mean of every pixel (`.colour` files, from
                // a thumbnail, differ by a unit or two).
                let colour_name = format!(
                    "{}{}.mean",
                    &hash[..16],
                    reduce_op(reduce).replace(':', "-")
                );
                let colour_file = cache.join(&colour_name);
                let mut colour = std::fs::read_to_string(&colour_file)
                    .ok()
                    .filter(|c| c.len() == 7 && c.starts_with('#'));
                self.used
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(colour_name.clone());
                // The variants to make, by the reduction they are made from:
                // one decode each (nearly always one in all).
                let mut by_reduction: BTreeMap<u32, Vec<&(String, Job)>> = BTreeMap::new();
                for job in &missing {
                    by_reduction.entry(job.1.reduce).or_default().push(job);
                }
                if colour.is_none() {
                    by_reduction.entry(reduce).or_default();
                }
                for (&d, jobs) in by_reduction.iter().rev() {
                    // The lease on the pixel budget is held until this
                    // decode's variants are made.
                    let (img, _lease) = self.decode(source, &info, d)?;
                    if colour.is_none() && d == reduce {
                        let c = average_colour(&img);
                        let _ = write_cached(&cache, &colour_name, c.as_bytes());
                        colour = Some(c);
                    }
                    if jobs.is_empty() {
                        continue;
                    }
                    // Crops are in the upright source's pixels.
                    let scale = (
                        f64::from(img.width()) / f64::from(info.width),
                        f64::from(img.height()) / f64::from(info.height),
                    );
                    let pixels = Pixels::new(img, jobs.iter().map(|(_, j)| j.format))
                        .map_err(|m| self.error(source, m))?;
                    // The resized pictures, one chain step at a time: each
                    // step is made from the one before it (the first from
                    // the source), then the variants that end at this step
                    // are encoded, and the step before is dropped.
                    let longest = jobs.iter().map(|(_, j)| j.via.len() + 1).max().unwrap_or(0);
                    let mut previous: HashMap<Step, fast_image_resize::images::Image<'static>> =
                        HashMap::new();
                    for level in 1..=longest {
                        let mut wanted: Vec<Step> = jobs
                            .iter()
                            .filter_map(|(_, j)| Step::of(j, level, &pixels))
                            .collect();
                        wanted.sort();
                        wanted.dedup();
                        let made: Vec<Result<(Step, _), Diagnostic>> = wanted
                            .into_par_iter()
                            .map(|step| {
                                let from = if level == 1 {
                                    pixels.of(step.rgba)
                                } else {
                                    previous.get(&step.parent())
                                }
                                .ok_or_else(|| self.error(source, "no pixels for this variant"))?;
                                let crop = if level == 1 {
                                    step.crop.map(|(l, t, w, h)| {
                                        (
                                            f64::from(l) * scale.0,
                                            f64::from(t) * scale.1,
                                            f64::from(w) * scale.0,
                                            f64::from(h) * scale.1,
                                        )
                                    })
                                } else {
                                    None
                                };
                                let (w, h) = step.size();
                                let img =
                                    resize(from, w, h, crop).map_err(|m| self.error(source, m))?;
                                Ok((step, img))
                            })
                            .collect();
                        let current: HashMap<Step, _> =
                            made.into_iter().collect::<Result<_, _>>()?;
                        let done: Vec<Result<(), Diagnostic>> = jobs
                            .par_iter()
                            .filter(|(_, j)| j.via.len() + 1 == level)
                            .map(|(name, job)| {
                                let step = Step::of(job, level, &pixels);
                                let resized: &[u8] = match &step {
                                    Some(step) => {
                                        current.get(step).map(|img| img.buffer()).ok_or_else(
                                            || self.error(source, "no pixels for this variant"),
                                        )?
                                    }
                                    // The source's own size, uncropped.
                                    None => pixels
                                        .for_format(job.format)
                                        .map(|img| img.buffer())
                                        .ok_or_else(|| {
                                        self.error(source, "no pixels for this variant")
                                    })?,
                                };
                                let bpp = resized.len()
                                    / (job.width as usize * job.height as usize).max(1);
                                let bytes = encode(
                                    resized,
                                    job.width,
                                    job.height,
                                    bpp,
                                    job.format,
                                    job.quality,
                                    self.settings.effort,
                                )
                                .map_err(|m| self.error(source, m))?;
                                self.encoded.fetch_add(1, Ordering::Relaxed);
                                write_cached(&cache, name, &bytes).map_err(|e| {
                                    Diagnostic::io(
                                        &cache,
                                        &self.root,
                                        "write to the image cache",
                                        &e,
                                    )
                                })
                            })
                            .collect();
                        done.into_iter().collect::<Result<Vec<()>, _>>()?;
                        previous = current;
                    }
                }
                if let Some(c) = colour {
                    colours
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(placeholder_class(hash), c);
                }
                for (name, _) in list.iter().filter(|(_, j)| j.publish) {
                    if !missing.iter().any(|(n, _)| n == name) {
                        self.cached.fetch_add(1, Ordering::Relaxed);
                    }
                    out.copy(&format!("processed_images/{name}"), &cache.join(name))?;
                }
                Ok(())
            })
            .collect();
        let errors: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        // Placeholders: each image's average colour behind it while it loads,
        // as classes in a stylesheet (no style attribute: a strict CSP holds).
        let mut css = String::from("/* Placeholder colours of processed images. */\n");
        for (class, colour) in colours.into_inner().unwrap_or_else(|p| p.into_inner()) {
            css.push_str(&format!(".{class}{{background-color:{colour}}}\n"));
        }
        out.write("processed_images/placeholders.css", css.as_bytes())
            .map_err(|d| vec![d])?;
        self.save_known(&cache);
        Ok(ImageCounts {
            decoded: self.decoded.load(Ordering::Relaxed),
            reduced: self.reduced.load(Ordering::Relaxed),
            encoded: self.encoded.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
            pruned: 0,
        })
    }

    /// Removes the cache entries this build did not use (after [`process`]).
    ///
    /// [`process`]: ImagePipeline::process
    pub fn prune(&self) -> Result<u64, Diagnostic> {
        let cache = self.root.join(&self.settings.cache_dir).join("images");
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let mut removed = 0;
        let entries = match std::fs::read_dir(&cache) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => {
                return Err(Diagnostic::io(
                    &cache,
                    &self.root,
                    "read the image cache",
                    &e,
                ));
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if !used.contains(&name) {
                std::fs::remove_file(entry.path()).map_err(|e| {
                    Diagnostic::io(
                        &entry.path(),
                        &self.root,
                        "remove an unused cache entry",
                        &e,
                    )
                })?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Decodes a source, upright, at 1/`reduce` of its size when it is a
    /// JPEG that can be (whole otherwise), within the pixel budget: the
    /// pixels and their lease on the budget.
    fn decode(
        &self,
        path: &Path,
        info: &SourceInfo,
        reduce: u32,
    ) -> Result<(DynamicImage, PixelLease<'_>), Diagnostic> {
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::io(path, &self.root, "read this image", &e))?;
        let (w, h) = (u64::from(info.width), u64::from(info.height));
        if reduce > 1 && info.jpeg {
            let (rw, rh) = (
                jpeg::reduced(info.width, reduce),
                jpeg::reduced(info.height, reduce),
            );
            // A progressive file's coefficients take the whole photo's room
            // while it is decoded: it counts whole against the budget.
            let pixels = match jpeg::frame(&bytes) {
                Some(frame) if frame.progressive => w * h,
                _ => u64::from(rw) * u64::from(rh),
            };
            let lease = self.budget.acquire(pixels);
            if let Some(img) = jpeg::decode_reduced(&bytes, reduce, (info.width, info.height)) {
                self.decoded.fetch_add(1, Ordering::Relaxed);
                self.reduced.fetch_add(1, Ordering::Relaxed);
                return Ok((img, lease));
            }
        }
        let lease = self.budget.acquire(w * h);
        let mut reader = ImageReader::new(Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| self.error(path, "the image cannot be read").cause(e))?;
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 8);
        reader.limits(limits);
        let mut decoder = reader.into_decoder().map_err(|e| {
            self.error(
                path,
                "the file is not an image blason can read, or it is damaged",
            )
            .cause(e)
        })?;
        let orientation = decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms);
        let mut img = DynamicImage::from_decoder(decoder).map_err(|e| {
            self.error(path, "the image is damaged or truncated")
                .cause(e)
                .help("open it in an image editor and save it again")
        })?;
        img.apply_orientation(orientation);
        self.decoded.fetch_add(1, Ordering::Relaxed);
        Ok((img, lease))
    }
}

/// The class of an image's placeholder colour.
pub fn placeholder_class(hash: &str) -> String {
    format!("ph-{}", &hash[..hash.len().min(12)])
}

/// An image's average colour, `#rrggbb`: the mean of every pixel's red,
/// green and blue (alpha left out). One pass over the decoded pixels, with
/// no copy for 8-bit RGB and RGBA (a thumbnail of a 3000-pixel photo cost
/// more than resizing it).
fn average_colour(img: &DynamicImage) -> String {
    fn sums(buf: &[u8], step: usize) -> [u64; 3] {
        let mut sum = [0u64; 3];
        // Per row of a few thousand pixels, u32 sums cannot overflow.
        for row in buf.chunks(step * 4096) {
            let mut part = [0u32; 3];
            for p in row.chunks_exact(step) {
                part[0] += u32::from(p[0]);
                part[1] += u32::from(p[1]);
                part[2] += u32::from(p[2]);
            }
            for c in 0..3 {
                sum[c] += u64::from(part[c]);
            }
        }
        sum
    }
    let sum = match img {
        DynamicImage::ImageRgb8(b) => sums(b.as_raw(), 3),
        DynamicImage::ImageRgba8(b) => sums(b.as_raw(), 4),
        other => sums(other.to_rgb8().as_raw(), 3),
    };
    let n = (u64::from(img.width()) * u64::from(img.height())).max(1);
    format!("#{:02x}{:02x}{:02x}", sum[0] / n, sum[1] / n, sum[2] / n)
}

/// A decoded source's pixels, ready for resizing: RGB (alpha flattened onto
/// white, for JPEG) and, for sources with alpha, RGBA (for WebP and AVIF).
/// Converted once per source, not once per variant: a 50-megapixel photo's
/// RGB copy alone is 150 MB.
struct Pixels {
    rgb: Option<fast_image_resize::images::Image<'static>>,
    rgba: Option<fast_image_resize::images::Image<'static>>,
}

impl Pixels {
    fn new(
        img: DynamicImage,
        formats: impl Iterator<Item = Format> + Clone,
    ) -> Result<Pixels, String> {
        use fast_image_resize as fr;
        let (w, h) = (img.width(), img.height());
        let alpha = img.color().has_alpha();
        let wants_rgba = alpha && formats.clone().any(|f| !flat(f));
        let wants_rgb = !alpha || formats.clone().any(flat);
        let rgba = if alpha { Some(img.to_rgba8()) } else { None };
        let rgb = if !wants_rgb {
            None
        } else if let Some(rgba) = &rgba {
            // JPEG has no alpha: flatten onto white.
            let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
            for p in rgba.pixels() {
                let a = u16::from(p[3]);
                for c in 0..3 {
                    rgb.push(((u16::from(p[c]) * a + 255 * (255 - a)) / 255) as u8);
                }
            }
            Some(rgb)
        } else {
            Some(img.into_rgb8().into_raw())
        };
        let rgb = rgb
            .map(|v| fr::images::Image::from_vec_u8(w, h, v, fr::PixelType::U8x3))
            .transpose()
            .map_err(|e| e.to_string())?;
        let rgba = rgba
            .filter(|_| wants_rgba)
            .map(|v| fr::images::Image::from_vec_u8(w, h, v.into_raw(), fr::PixelType::U8x4))
            .transpose()
            .map_err(|e| e.to_string())?;
        Ok(Pixels { rgb, rgba })
    }

    /// The pixels a variant in `format` is made from.
    fn for_format(&self, format: Format) -> Option<&fast_image_resize::images::Image<'static>> {
        if flat(format) {
            self.rgb.as_ref()
        } else {
            self.rgba.as_ref().or(self.rgb.as_ref())
        }
    }

    fn of(&self, rgba: bool) -> Option<&fast_image_resize::images::Image<'static>> {
        if rgba {
            self.rgba.as_ref()
        } else {
            self.rgb.as_ref()
        }
    }

    fn size(&self) -> Option<(u32, u32)> {
        self.rgb
            .as_ref()
            .or(self.rgba.as_ref())
            .map(|i| (i.width(), i.height()))
    }
}

/// One step of a chain (or a variant made from the source directly): the
/// pictures resized to `path`'s sizes in turn, from the source's `rgba` or
/// RGB pixels cropped to `crop`. Variants of several formats at one size
/// share their step: a size is resized once, whatever the formats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Step {
    rgba: bool,
    crop: Option<(u32, u32, u32, u32)>,
    path: Vec<(u32, u32)>,
}

impl Step {
    /// The `level`th step (from 1) towards `job`'s variant: `None` past its
    /// last one, and for a variant that is the source's own pixels (its
    /// size, uncropped: copied, not resized).
    fn of(job: &Job, level: usize, pixels: &Pixels) -> Option<Step> {
        let mut path = job.via.clone();
        path.push((job.width, job.height));
        if level > path.len()
            || (path.len() == 1 && job.crop.is_none() && Some(path[0]) == pixels.size())
        {
            return None;
        }
        path.truncate(level);
        Some(Step {
            rgba: pixels.rgba.is_some() && !flat(job.format),
            crop: job.crop,
            path,
        })
    }

    /// The step it is resized from (the source for the first).
    fn parent(&self) -> Step {
        Step {
            path: self.path[..self.path.len().saturating_sub(1)].to_vec(),
            ..self.clone()
        }
    }

    fn size(&self) -> (u32, u32) {
        self.path.last().copied().unwrap_or((1, 1))
    }
}

/// Formats without alpha: their variants are made from the RGB pixels,
/// flattened onto white.
fn flat(format: Format) -> bool {
    matches!(format, Format::Jpeg | Format::Png)
}

/// Resizes `from` (its part `crop`: left, top, width, height, in its
/// pixels) to `w`×`h` with Lanczos3.
fn resize(
    from: &fast_image_resize::images::Image<'_>,
    w: u32,
    h: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Result<fast_image_resize::images::Image<'static>, String> {
    use fast_image_resize as fr;
    let mut dst = fr::images::Image::new(w, h, from.pixel_type());
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if let Some((l, t, cw, ch)) = crop {
        options = options.crop(l, t, cw, ch);
    }
    fr::Resizer::new()
        .resize(from, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(dst)
}

/// Encodes `w`×`h` pixels of `bpp` bytes (3: RGB, 4: RGBA); no metadata is
/// written.
fn encode(
    resized: &[u8],
    w: u32,
    h: u32,
    bpp: usize,
    format: Format,
    quality: u8,
    effort: u8,
) -> Result<Vec<u8>, String> {
    debug_assert_eq!(resized.len(), (w * h) as usize * bpp);
    match format {
        #[cfg(feature = "avif")]
        Format::Avif => {
            use image::ImageEncoder;
            let mut out = Vec::new();
            // Speed 8 of 10: rav1e's slower presets cost several times the
            // time for a few percent of bytes.
            image::codecs::avif::AvifEncoder::new_with_speed_quality(&mut out, 8, quality)
                .write_image(
                    resized,
                    w,
                    h,
                    if bpp == 4 {
                        image::ExtendedColorType::Rgba8
                    } else {
                        image::ExtendedColorType::Rgb8
                    },
                )
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Webp => webp::encode(resized, w, h, bpp, quality, effort),
        Format::Png => {
            use image::ImageEncoder;
            let mut out = Vec::new();
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Fast,
                image::codecs::png::FilterType::Sub,
            )
            .write_image(resized, w, h, image::ExtendedColorType::Rgb8)
            .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Jpeg => encode_jpeg(resized, jpeg_encoder::ColorType::Rgb, w, h, quality),
    }
}

/// What names and cache keys of JPEG outputs carry of their encoder: bytes
/// made by another encoder are other files.
pub(crate) const JPEG_ENCODER: &str = "j2";

/// Encodes pixels (`Rgb`, or `Rgba` whose alpha byte is skipped: opaque
/// pixels give the same file as their RGB) as a baseline JPEG without
/// metadata: colour at full resolution (4:4:4, no chroma subsampling: text
/// on cards stays sharp), Huffman tables fitted to the picture.
pub(crate) fn encode_jpeg(
    pixels: &[u8],
    layout: jpeg_encoder::ColorType,
    w: u32,
    h: u32,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return Err(format!(
            "a {w}×{h} JPEG cannot be made: JPEG images are at most 65535 pixels a side"
        ));
    };
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(pixels, w16, h16, layout)
        .map_err(|e| format!("this photo could not be saved as JPEG ({e})"))?;
    Ok(out)
}

/// Paints a layer over `pixmap` at (x, y), cut to the pixmap: rows of
/// opaque pixels (all of a card's photo layer, which is flattened RGB; a
/// map's tiles, mostly) are copied, others composited source-over (both
/// premultiplied). Several times faster than tiny-skia's `draw_pixmap`,
/// which takes every pixel through its pipeline. Cards and maps use it.
pub(crate) fn paint_over(
    pixmap: &mut resvg::tiny_skia::PixmapMut<'_>,
    layer: &resvg::tiny_skia::Pixmap,
    x: i32,
    y: i32,
) {
    let (dw, dh) = (pixmap.width() as i64, pixmap.height() as i64);
    let (lw, lh) = (i64::from(layer.width()), i64::from(layer.height()));
    let (x, y) = (i64::from(x), i64::from(y));
    let (x0, x1) = (x.max(0), (x + lw).min(dw));
    let (y0, y1) = (y.max(0), (y + lh).min(dh));
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let row_bytes = ((x1 - x0) * 4) as usize;
    let src = layer.data();
    let dst = pixmap.data_mut();
    for row in y0..y1 {
        let s = (((row - y) * lw + (x0 - x)) * 4) as usize;
        let d = ((row * dw + x0) * 4) as usize;
        let (src, dst) = (&src[s..s + row_bytes], &mut dst[d..d + row_bytes]);
        if src.chunks_exact(4).all(|p| p[3] == 255) {
            dst.copy_from_slice(src);
            continue;
        }
        for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
            let keep = 255 - u32::from(s[3]);
            for c in 0..4 {
                d[c] = s[c] + ((u32::from(d[c]) * keep + 127) / 255) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> ImageSettings {
        ImageSettings {
            widths: vec![8, 16, 64],
            formats: vec![Format::Webp, Format::Jpeg],
            quality: 80,
            effort: 2,
            cache_dir: dir.join("cache"),
            base_url: "https://x.fr".into(),
        }
    }

    fn write_png(path: &Path, w: u32, h: u32, alpha: bool) {
        if alpha {
            image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 128]))
                .save(path)
                .unwrap();
        } else {
            image::RgbImage::from_pixel(w, h, image::Rgb([11, 93, 107]))
                .save(path)
                .unwrap();
        }
    }

    #[test]
    fn chains_go_through_the_smallest_variant_large_enough() {
        let widths = [320, 640, 960, 1280, 1600, 2400];
        assert_eq!(
            chains(&widths, 3000),
            vec![
                vec![2400, 1600, 960, 640],
                vec![2400, 1600, 960],
                vec![2400, 1600],
                vec![2400],
                vec![2400],
                vec![],
            ]
        );
        // The source's own width is the source: never a step.
        assert_eq!(
            chains(&[480, 960, 1600], 1600),
            vec![vec![960], vec![], vec![]]
        );
        // Nothing 3/2 as wide: every width from the source.
        assert_eq!(chains(&[900, 1000, 1200], 4000), vec![Vec::<u32>::new(); 3]);
    }

    /// Peak signal-to-noise ratio of `b` against `a`, in dB.
    fn psnr(a: &[u8], b: &[u8]) -> f64 {
        assert_eq!(a.len(), b.len());
        let se: f64 = a
            .iter()
            .zip(b)
            .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
            .sum();
        let mse = se / a.len() as f64;
        if mse == 0.0 {
            f64::INFINITY
        } else {
            10.0 * (255.0 * 255.0 / mse).log10()
        }
    }

    /// Each width of `widths` resized from `src` directly and through its
    /// chain: the PSNR of the chained picture against the direct one.
    fn chain_psnr(src: &image::RgbImage, widths: &[u32]) -> Vec<(u32, f64)> {
        use fast_image_resize as fr;
        let (sw, sh) = src.dimensions();
        let source =
            fr::images::Image::from_vec_u8(sw, sh, src.as_raw().clone(), fr::PixelType::U8x3)
                .unwrap();
        let size = |w: u32| {
            (
                w,
                ((u64::from(sh) * u64::from(w) + u64::from(sw) / 2) / u64::from(sw)) as u32,
            )
        };
        widths
            .iter()
            .zip(chains(widths, sw))
            .filter(|(_, chain)| !chain.is_empty())
            .map(|(&w, chain)| {
                let (w, h) = size(w);
                let direct = resize(&source, w, h, None).unwrap();
                let mut step = resize(&source, size(chain[0]).0, size(chain[0]).1, None).unwrap();
                for &v in &chain[1..] {
                    step = resize(&step, size(v).0, size(v).1, None).unwrap();
                }
                let chained = resize(&step, w, h, None).unwrap();
                (w, psnr(direct.buffer(), chained.buffer()))
            })
            .collect()
    }

    #[test]
    fn chained_variants_stay_close_to_direct_resizes() {
        // Detail at every scale: a scene with fine stripes and noise.
        let base = scene(1800, 1200);
        let src = image::RgbImage::from_fn(1800, 1200, |x, y| {
            let base = base.get_pixel(x, y).0;
            let n = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 7) % 48;
            let stripe = if (x / 3 + y / 5) % 2 == 0 { 24 } else { 0 };
            image::Rgb(base.map(|c| c.saturating_add((n + stripe) as u8).saturating_sub(30)))
        });
        let result = chain_psnr(&src, &[240, 480, 720, 1200]);
        assert_eq!(result.len(), 3, "{result:?}");
        for (w, db) in result {
            // WebP at quality 75 differs from its own input by about 43 dB.
            assert!(db > 40.0, "{w} px: {db:.1} dB");
        }
    }

    /// `BLASON_CHAIN_PHOTOS=/usr/share/backgrounds cargo test --lib
    /// chain_quality_on_photos -- --ignored --nocapture`: the PSNR of chained
    /// variants against direct ones on real photos (docs/performance.md).
    #[test]
    #[ignore = "reads photos from BLASON_CHAIN_PHOTOS"]
    #[allow(clippy::print_stderr)] // a measurement, read with --nocapture
    fn chain_quality_on_photos() {
        let Some(dir) = std::env::var_os("BLASON_CHAIN_PHOTOS") else {
            return;
        };
        let mut all = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .collect();
        files.sort();
        for path in files.iter().take(12) {
            let img = image::open(path).unwrap().to_rgb8();
            let img = if img.width() > 3200 {
                image::imageops::resize(
                    &img,
                    img.width() / 2,
                    img.height() / 2,
                    image::imageops::FilterType::Triangle,
                )
            } else {
                img
            };
            let r = chain_psnr(&img, &[320, 640, 960, 1280, 1600, 2400]);
            eprintln!("{}: {r:.1?}", path.display());
            all.extend(r.into_iter().map(|(_, db)| db));
        }
        all.sort_by(f64::total_cmp);
        eprintln!(
            "{} variants: min {:.1} dB, median {:.1} dB",
            all.len(),
            all.first().unwrap_or(&0.0),
            all.get(all.len() / 2).unwrap_or(&0.0)
        );
    }

    #[test]
    fn a_chained_variant_made_alone_has_the_bytes_of_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("colline.png");
        image::RgbImage::from_fn(400, 300, |x, y| {
            let v = (x * 37 + y * 91 + (x * y) % 13 * 17) as u8;
            image::Rgb([v, v.wrapping_mul(3), 255 - v])
        })
        .save(&photo)
        .unwrap();
        let settings = ImageSettings {
            widths: vec![50, 100, 200, 300],
            ..settings(dir.path())
        };
        let first = ImagePipeline::new(dir.path(), settings.clone());
        first.responsive(&photo).unwrap();
        let (_, files) = published(&first);
        assert_eq!(files.len(), 5, "four WebP widths and the 300 JPEG fallback");
        assert!(
            files.iter().any(|(rel, _)| rel.contains("colline-")),
            "{files:?}"
        );
        // Only the smallest variants are missing: they are made again
        // through steps nothing else needs now, to the same bytes.
        let cache = dir.path().join("cache/images");
        let smallest: Vec<&(String, Vec<u8>)> = files
            .iter()
            .filter(|(rel, bytes)| {
                let img = image::load_from_memory(bytes).unwrap();
                img.width() == 50 && rel.starts_with("processed_images/")
            })
            .collect();
        assert_eq!(smallest.len(), 1, "the WebP 50 pixels wide");
        for (rel, _) in &smallest {
            std::fs::remove_file(cache.join(rel.trim_start_matches("processed_images/"))).unwrap();
        }
        let second = ImagePipeline::new(dir.path(), settings);
        second.responsive(&photo).unwrap();
        let (counts, again) = published(&second);
        assert_eq!((counts.encoded, counts.cached), (1, 4));
        assert_eq!(files, again);
    }

    #[test]
    fn webp_effort_changes_webp_files_and_names_only() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("texture.png");
        // Texture, so that the encoder has choices to make.
        image::RgbImage::from_fn(96, 64, |x, y| {
            let v = (x * 37 + y * 91 + (x * y) % 13 * 17) as u8;
            image::Rgb([v, v.wrapping_mul(3), 255 - v])
        })
        .save(&photo)
        .unwrap();
        let build = |effort: u8| {
            let p = ImagePipeline::new(
                dir.path(),
                ImageSettings {
                    effort,
                    ..settings(dir.path())
                },
            );
            p.responsive(&photo).unwrap();
            let files = published(&p).1;
            let (webp, jpg): (Vec<_>, Vec<_>) = files
                .into_iter()
                .partition(|(rel, _)| rel.ends_with(".webp"));
            (webp, jpg)
        };
        let (fast_webp, fast_jpg) = build(0);
        let (small_webp, small_jpg) = build(6);
        assert_eq!(fast_jpg, small_jpg, "JPEG variants do not depend on effort");
        assert_eq!(fast_webp.len(), 3);
        for ((a, _), (b, _)) in fast_webp.iter().zip(&small_webp) {
            assert_ne!(a, b, "a WebP made with another effort has another name");
        }
        let bytes = |v: &[(String, Vec<u8>)]| {
            let mut b: Vec<Vec<u8>> = v.iter().map(|f| f.1.clone()).collect();
            b.sort();
            b
        };
        assert_ne!(
            bytes(&fast_webp),
            bytes(&small_webp),
            "the encoder was given the effort"
        );
    }

    /// A JPEG of `img`, with an EXIF orientation when one is given.
    fn jpeg_file(path: &Path, img: &image::RgbImage, orientation: Option<u16>) {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        if let Some(o) = orientation {
            // APP1: "Exif", a big-endian TIFF header, one IFD entry (0x0112).
            let mut payload = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
            payload.extend_from_slice(&o.to_be_bytes());
            payload.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            let mut with = jpeg[..2].to_vec();
            with.extend_from_slice(&[0xFF, 0xE1]);
            with.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            with.extend_from_slice(&payload);
            with.extend_from_slice(&jpeg[2..]);
            jpeg = with;
        }
        std::fs::write(path, jpeg).unwrap();
    }

    /// A smooth scene: a gradient sky, a dark hill, a sun.
    fn scene(w: u32, h: u32) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
            let hill = 0.6 + 0.15 * (fx * 6.0).sin();
            let sun = (fx - 0.7).powi(2) + (fy - 0.25).powi(2) < 0.01;
            if sun {
                image::Rgb([250, 210, 60])
            } else if fy > hill {
                image::Rgb([40, (90.0 + 60.0 * fx) as u8, 50])
            } else {
                image::Rgb([(80.0 + 100.0 * fy) as u8, (140.0 + 60.0 * fy) as u8, 230])
            }
        })
    }

    /// Mean absolute difference per channel of two images of one size.
    fn mean_difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
        assert_eq!(a.dimensions(), b.dimensions());
        let sum: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        sum as f64 / a.as_raw().len() as f64
    }

    #[test]
    fn large_jpegs_are_decoded_reduced_when_every_variant_fits() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("vallee.jpg");
        let img = scene(2600, 1400);
        jpeg_file(&photo, &img, None);
        let settings = || ImageSettings {
            widths: vec![480, 1200],
            formats: vec![Format::Jpeg],
            ..settings(dir.path())
        };
        // 2600 wide, nothing wider than 1200 asked: decoded at 1/2 (1300).
        let p = ImagePipeline::new(dir.path(), settings());
        let r = p.responsive(&photo).unwrap();
        assert_eq!((r.width, r.height), (1200, 646));
        let (counts, files) = published(&p);
        assert_eq!((counts.decoded, counts.reduced, counts.encoded), (1, 1, 2));
        // The variants are the photo at their size: beside the same photo
        // decoded whole and resized, they differ by little more than JPEG's loss.
        for (rel, bytes) in &files {
            let got = image::load_from_memory(bytes).unwrap().to_rgb8();
            let reference = image::imageops::resize(
                &image::load_from_memory(&std::fs::read(&photo).unwrap())
                    .unwrap()
                    .to_rgb8(),
                got.width(),
                got.height(),
                image::imageops::FilterType::Lanczos3,
            );
            let d = mean_difference(&got, &reference);
            assert!(d < 2.5, "{rel}: mean difference {d:.2}");
        }

        // A crop whose pixels the reduced photo does not hold (a 1300-wide
        // square from 1400 source pixels) is made from a whole decode.
        let p = ImagePipeline::new(dir.path(), settings());
        p.responsive(&photo).unwrap();
        let square = Crop {
            ratio: (1, 1),
            focus: (0.7, 0.3),
        };
        let big = p.cropped(&photo, square, &[1300]).unwrap();
        let small = p.cropped(&photo, square, &[600]).unwrap();
        let (counts, files) = published(&p);
        assert_eq!(
            (
                counts.decoded,
                counts.reduced,
                counts.encoded,
                counts.cached
            ),
            (2, 1, 2, 2),
            "the square at 1300 wide decoded whole, at 600 from 1/2; the rest cached"
        );
        for (url, size) in [(&big.fallback.url, 1300), (&small.fallback.url, 600)] {
            let name = url.rsplit('/').next().unwrap();
            let (_, bytes) = files.iter().find(|(rel, _)| rel.ends_with(name)).unwrap();
            let got = image::load_from_memory(bytes).unwrap().to_rgb8();
            assert_eq!(got.dimensions(), (size, size));
            // The sun, at the focal point, is in the square's middle column
            // (the square is the photo's whole height: the sun a quarter down).
            let sun = got.get_pixel(size / 2, size / 4);
            assert!(sun[0] > 200 && sun[2] < 120, "{size}: {sun:?}");
        }
    }

    #[test]
    fn a_reduction_is_part_of_the_variant_name() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("vallee.jpg");
        jpeg_file(&photo, &scene(2600, 1400), None);
        let png = dir.path().join("vallee.png");
        scene(2600, 1400).save(&png).unwrap();
        let name_of_480 = |widths: Vec<u32>, path: &Path| {
            let p = ImagePipeline::new(
                dir.path(),
                ImageSettings {
                    widths,
                    formats: vec![Format::Webp],
                    ..settings(dir.path())
                },
            );
            let r = p.responsive(path).unwrap();
            let first = r.sources[0].srcset.split(' ').next().unwrap().to_string();
            (first, p.reduction(&p.source(path).unwrap()))
        };
        // Every cache file's name is portable (no `:` for Windows or CI artefacts).
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        p.responsive(&photo).unwrap();
        published(&p);
        for entry in std::fs::read_dir(dir.path().join("cache/images")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                "{name}"
            );
        }
        // With 1200 the widest: 1/2. With 2000 asked too: whole. The 480
        // variant is made from other pixels, so it has another name.
        let (reduced, d) = name_of_480(vec![480, 1200], &photo);
        assert_eq!(d, 2);
        let (whole, d) = name_of_480(vec![480, 2000], &photo);
        assert_eq!(d, 1);
        assert_ne!(reduced, whole);
        assert_eq!(name_of_480(vec![480, 1200], &photo).0, reduced, "stable");
        // Other formats are decoded whole: the same settings reduce nothing.
        assert_eq!(name_of_480(vec![480, 1200], &png).1, 1);
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        p.responsive(&png).unwrap();
        assert_eq!(published(&p).0.reduced, 0);
    }

    #[test]
    fn reduced_decodes_are_turned_upright() {
        let dir = tempfile::tempdir().unwrap();
        // Upright: 2600x1400, red on the left, blue on the right. Stored
        // turned a quarter to the left, with orientation 6 (turn right).
        let upright = image::RgbImage::from_fn(2600, 1400, |x, _| {
            if x < 1300 {
                image::Rgb([220, 30, 30])
            } else {
                image::Rgb([30, 30, 220])
            }
        });
        let stored = image::imageops::rotate270(&upright);
        assert_eq!(stored.dimensions(), (1400, 2600));
        let photo = dir.path().join("tourne.jpg");
        jpeg_file(&photo, &stored, Some(6));
        let p = ImagePipeline::new(
            dir.path(),
            ImageSettings {
                widths: vec![480, 1200],
                formats: vec![Format::Jpeg],
                ..settings(dir.path())
            },
        );
        let r = p.responsive(&photo).unwrap();
        assert_eq!((r.width, r.height), (1200, 646));
        let (counts, files) = published(&p);
        assert_eq!(counts.reduced, 1);
        for (rel, bytes) in files {
            let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
            let (w, h) = img.dimensions();
            assert!(w > h, "{rel} is upright");
            let (left, right) = (img.get_pixel(w / 8, h / 2), img.get_pixel(w * 7 / 8, h / 2));
            assert!(left[0] > 180 && right[2] > 180, "{rel}: {left:?} {right:?}");
        }
    }

    #[test]
    fn a_jpeg_claiming_more_pixels_than_it_holds_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("rouge.jpg");
        jpeg_file(&photo, &scene(64, 48), None);
        let mut bytes = std::fs::read(&photo).unwrap();
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bytes[sof + 5..sof + 9].copy_from_slice(&[0x0B, 0xB8, 0x0F, 0xA0]);
        std::fs::write(&photo, &bytes).unwrap();
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let e = p.responsive(&photo).unwrap_err();
        assert_eq!(e.file.as_deref(), Some("rouge.jpg"));
        assert!(e.message.contains("4000×3000"), "{}", e.message);
    }

    #[test]
    fn a_damaged_large_jpeg_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("coupee.jpg");
        jpeg_file(&photo, &scene(2600, 1400), None);
        let bytes = std::fs::read(&photo).unwrap();
        // The header is whole (the size is known), the picture is not.
        std::fs::write(&photo, &bytes[..bytes.len() / 3]).unwrap();
        let p = ImagePipeline::new(
            dir.path(),
            ImageSettings {
                widths: vec![480],
                ..settings(dir.path())
            },
        );
        match p.responsive(&photo) {
            // Refused when asked for, or when made: either way, by name.
            Err(e) => assert_eq!(e.file.as_deref(), Some("coupee.jpg")),
            Ok(_) => {
                let out = crate::output::Memory::default();
                match p.process(&out) {
                    Err(errors) => {
                        assert_eq!(
                            errors[0].file.as_deref(),
                            Some("coupee.jpg"),
                            "{}",
                            errors[0]
                        );
                    }
                    // zune-jpeg fills a cut picture in: then it is whole-decoded.
                    Ok(counts) => assert_eq!((counts.decoded, counts.reduced), (1, 0)),
                }
            }
        }
    }

    #[test]
    fn jpeg_variants_keep_colour_at_full_resolution() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("texte.png");
        // Red text-like strokes on white: what chroma subsampling would blur.
        image::RgbImage::from_fn(64, 40, |x, _| {
            if x % 4 < 2 {
                image::Rgb([200, 20, 30])
            } else {
                image::Rgb([255, 255, 255])
            }
        })
        .save(&photo)
        .unwrap();
        let p = ImagePipeline::new(
            dir.path(),
            ImageSettings {
                formats: vec![Format::Jpeg],
                ..settings(dir.path())
            },
        );
        p.responsive(&photo).unwrap();
        let files = published(&p).1;
        assert_eq!(files.len(), 3);
        for (rel, bytes) in files {
            // The baseline frame header: three components, each sampled 1×1.
            let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
            assert_eq!(bytes[sof + 9], 3, "{rel}");
            for c in 0..3 {
                assert_eq!(
                    bytes[sof + 11 + 3 * c],
                    0x11,
                    "{rel}: component {c} subsampled"
                );
            }
            let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert!([8, 16, 64].contains(&img.width()), "{rel}");
        }
    }

    #[test]
    fn a_variant_too_large_for_its_format_is_an_error_naming_the_photo() {
        // (format, photo, its size, the width asked, the format's limit)
        for (format, name, size, width, limit) in [
            (Format::Jpeg, "frise.png", (70_000, 1), 80_000, "65535"),
            (Format::Webp, "panorama.png", (16_400, 2), 20_000, "16383"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let photo = dir.path().join(name);
            write_png(&photo, size.0, size.1, false);
            let p = ImagePipeline::new(
                dir.path(),
                ImageSettings {
                    widths: vec![width],
                    formats: vec![format],
                    ..settings(dir.path())
                },
            );
            p.responsive(&photo).unwrap();
            let errors = p.process(&crate::output::Memory::default()).unwrap_err();
            let text = errors[0].to_string();
            assert!(text.contains(name), "{text}");
            assert!(
                text.contains(&format!("at most {limit} pixels a side")),
                "{text}"
            );
        }
    }

    /// Processes `p` into memory: the counts and the published images by
    /// path (the placeholder stylesheet left out).
    fn published(p: &ImagePipeline) -> (ImageCounts, Vec<(String, Vec<u8>)>) {
        let out = crate::output::Memory::default();
        let counts = p.process(&out).unwrap();
        let mut files: Vec<(String, Vec<u8>)> = out
            .into_files()
            .into_iter()
            .filter(|(rel, _)| !rel.ends_with(".css"))
            .map(|(rel, bytes)| (rel.to_string(), bytes.to_vec()))
            .collect();
        files.sort();
        (counts, files)
    }

    #[test]
    fn unchanged_sources_are_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("lac.png");
        write_png(&photo, 32, 20, false);
        let first = ImagePipeline::new(dir.path(), settings(dir.path()));
        let before = first.responsive(&photo).unwrap();
        published(&first);

        // Other bytes of the same length, with the same modification time:
        // the next build takes the file to be unchanged and does not read it.
        let modified = std::fs::metadata(&photo).unwrap().modified().unwrap();
        let len = std::fs::metadata(&photo).unwrap().len() as usize;
        std::fs::write(&photo, vec![0u8; len]).unwrap();
        let f = std::fs::File::options().write(true).open(&photo).unwrap();
        f.set_modified(modified).unwrap();
        drop(f);
        let second = ImagePipeline::new(dir.path(), settings(dir.path()));
        let kept = second.responsive(&photo).unwrap();
        assert_eq!(kept.fallback.url, before.fallback.url);

        // A new modification time: read again (and here, refused as damaged).
        std::fs::File::options()
            .write(true)
            .open(&photo)
            .unwrap()
            .set_modified(modified + std::time::Duration::from_secs(1))
            .unwrap();
        let third = ImagePipeline::new(dir.path(), settings(dir.path()));
        assert!(third.responsive(&photo).is_err());

        // A damaged memory is ignored, not trusted.
        write_png(&photo, 16, 16, false);
        let known = dir.path().join("cache/images").join(KNOWN_SOURCES);
        std::fs::write(&known, "garbage\tline\n1\t2\t3\n").unwrap();
        let fourth = ImagePipeline::new(dir.path(), settings(dir.path()));
        assert_eq!(fourth.responsive(&photo).unwrap().width, 16);
    }

    #[test]
    fn variants_are_named_by_content_never_upscaled_and_cached() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("Lac Été.png");
        write_png(&photo, 32, 20, false);
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let r = p.responsive(&photo).unwrap();
        assert_eq!(
            (r.width, r.height),
            (32, 20),
            "64 asked, 32 available: not upscaled"
        );
        assert_eq!(r.sources.len(), 1, "WebP; the JPEG is the <img> only");
        assert_eq!(r.sources[0].mime, "image/webp");
        assert!(r.sources[0].srcset.contains(" 8w, ") && r.sources[0].srcset.contains(" 32w"));
        assert!(
            r.fallback
                .url
                .starts_with("https://x.fr/processed_images/lac-ete-")
                && r.fallback.url.ends_with(".jpg")
        );
        assert_eq!((r.fallback.width, r.fallback.height), (32, 20));
        let (counts, written) = published(&p);
        assert_eq!(
            counts,
            ImageCounts {
                decoded: 1,
                reduced: 0,
                encoded: 4,
                cached: 0,
                pruned: 0
            }
        );
        let mut sizes: Vec<(&str, u32)> = written
            .iter()
            .map(|(rel, bytes)| {
                let img = image::load_from_memory(bytes).unwrap();
                (rel.rsplit('.').next().unwrap(), img.width())
            })
            .collect();
        sizes.sort();
        assert_eq!(
            sizes,
            [("jpg", 32), ("webp", 8), ("webp", 16), ("webp", 32)]
        );
        // A second pipeline over the same cache (and a copy of the file elsewhere) encodes nothing.
        let copy = dir.path().join("elsewhere.png");
        std::fs::copy(&photo, &copy).unwrap();
        let p2 = ImagePipeline::new(dir.path(), settings(dir.path()));
        p2.responsive(&photo).unwrap();
        let (counts, _) = published(&p2);
        assert_eq!(
            counts,
            ImageCounts {
                decoded: 0,
                reduced: 0,
                encoded: 0,
                cached: 4,
                pruned: 0
            }
        );
        // A build that uses fewer variants prunes the others.
        let p3 = ImagePipeline::new(
            dir.path(),
            ImageSettings {
                formats: vec![Format::Webp],
                ..settings(dir.path())
            },
        );
        p3.responsive(&photo).unwrap();
        published(&p3);
        assert_eq!(p3.prune().unwrap(), 1, "the JPEG");
        assert_eq!(
            std::fs::read_dir(dir.path().join("cache/images"))
                .unwrap()
                .count(),
            5,
            "three WebP variants, the placeholder colour and the sources remembered"
        );
    }

    #[test]
    fn after_webp_the_jpeg_is_one_variant_at_most_1600_wide() {
        let dir = tempfile::tempdir().unwrap();
        let defaults = [320, 640, 800, 960, 1280, 1600, 2400];
        let pipeline = |formats: Vec<Format>, widths: &[u32]| {
            ImagePipeline::new(
                dir.path(),
                ImageSettings {
                    widths: widths.to_vec(),
                    formats,
                    ..settings(dir.path())
                },
            )
        };
        let made = |p: &ImagePipeline, format: Format| -> Vec<u32> {
            let jobs = p.jobs.lock().unwrap();
            let mut w: Vec<u32> = jobs
                .values()
                .filter(|j| j.format == format)
                .map(|j| j.width)
                .collect();
            w.sort_unstable();
            w
        };
        // (photo width, widths, the JPEG's one width)
        for (w, widths, one) in [
            (3000, &defaults[..], 1600),
            // The photo's own width when it is narrower.
            (1200, &defaults[..], 1200),
            // No width up to 1600: the smallest.
            (3000, &[2000, 2400][..], 2000),
            (900, &[2000, 2400][..], 900),
        ] {
            let photo = dir.path().join(format!("bande-{w}.png"));
            write_png(&photo, w, 10, false);
            let p = pipeline(vec![Format::Webp, Format::Jpeg], widths);
            let r = p.responsive(&photo).unwrap();
            assert_eq!(r.sources.len(), 1, "{w}: no JPEG source");
            assert_eq!(r.sources[0].mime, "image/webp");
            let webp = made(&p, Format::Webp);
            assert_eq!(r.sources[0].srcset.split(", ").count(), webp.len());
            assert_eq!(made(&p, Format::Jpeg), [one], "{w} {widths:?}");
            assert!(r.fallback.url.ends_with(".jpg"));
            let h = ((10 * one + w / 2) / w).max(1);
            assert_eq!((r.fallback.width, r.fallback.height), (one, h));
            assert_eq!(
                (r.width, r.height),
                (one, h),
                "the <img>'s size is its src's"
            );
            // Its name is the one that JPEG has among all widths: files
            // cached by earlier builds are used.
            let all = pipeline(vec![Format::Jpeg], widths)
                .responsive(&photo)
                .unwrap();
            assert!(
                all.sources[0]
                    .srcset
                    .contains(&format!("{} {one}w", r.fallback.url)),
                "{} in {}",
                r.fallback.url,
                all.sources[0].srcset
            );
        }
        // Without WebP, the JPEG is what browsers choose from: every width,
        // a source of its own, the largest as the <img>. And WebP alone is
        // the fallback at every width.
        let photo = dir.path().join("bande-3000.png");
        for format in [Format::Jpeg, Format::Webp] {
            let p = pipeline(vec![format], &defaults);
            let r = p.responsive(&photo).unwrap();
            assert_eq!(made(&p, format), defaults, "{format:?}");
            assert_eq!(r.sources.len(), 1);
            assert_eq!(r.sources[0].mime, format.mime());
            assert_eq!(r.sources[0].srcset.split(", ").count(), defaults.len());
            assert_eq!(r.fallback.width, 2400);
        }
    }

    #[test]
    fn without_webp_every_jpeg_width_is_published() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("lac.png");
        write_png(&photo, 32, 20, false);
        let jpeg_widths = |formats: Vec<Format>| {
            let p = ImagePipeline::new(
                dir.path(),
                ImageSettings {
                    formats,
                    ..settings(dir.path())
                },
            );
            p.responsive(&photo).unwrap();
            let mut widths: Vec<u32> = published(&p)
                .1
                .iter()
                .filter(|(rel, _)| rel.ends_with(".jpg"))
                .map(|(_, bytes)| image::load_from_memory(bytes).unwrap().width())
                .collect();
            widths.sort_unstable();
            widths
        };
        assert_eq!(jpeg_widths(vec![Format::Jpeg]), [8, 16, 32]);
        assert_eq!(jpeg_widths(vec![Format::Webp, Format::Jpeg]), [32]);
    }

    #[cfg(feature = "avif")]
    #[test]
    fn avif_is_a_source_before_the_fallback() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("a.png");
        write_png(&photo, 32, 20, true);
        let p = ImagePipeline::new(
            dir.path(),
            ImageSettings {
                formats: vec![Format::Avif, Format::Jpeg],
                ..settings(dir.path())
            },
        );
        let r = p.responsive(&photo).unwrap();
        assert_eq!(r.sources[0].mime, "image/avif");
        assert!(r.fallback.url.ends_with(".jpg"));
        // Without WebP, browsers without AVIF choose among the JPEGs.
        assert_eq!(r.sources.len(), 2);
        assert_eq!(r.sources[1].mime, "image/jpeg");
        assert_eq!(
            r.sources[1].srcset.matches("w, ").count(),
            2,
            "three JPEG widths"
        );
        let avif: Vec<_> = published(&p)
            .1
            .into_iter()
            .filter(|(rel, _)| rel.ends_with(".avif"))
            .collect();
        assert_eq!(avif.len(), 3);
        for (_, bytes) in avif {
            // An ISO-BMFF file whose brand is `avif`.
            assert_eq!(&bytes[4..12], b"ftypavif");
        }
    }

    #[test]
    fn the_pixel_budget_holds_back_what_does_not_fit() {
        use std::sync::atomic::AtomicBool;
        let budget = PixelBudget::new(100);
        let big = budget.acquire(70);
        // Larger than the whole budget: passes when nothing else is held.
        let second_done = AtomicBool::new(false);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let _lease = budget.acquire(50);
                second_done.store(true, Ordering::SeqCst);
                *budget.in_use.lock().unwrap()
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(
                !second_done.load(Ordering::SeqCst),
                "70 + 50 exceed 100: the second waits"
            );
            let small = budget.acquire(30);
            assert_eq!(*budget.in_use.lock().unwrap(), 100, "30 still fits");
            drop(small);
            drop(big);
            assert_eq!(waiter.join().unwrap(), 50);
        });
        assert_eq!(*budget.in_use.lock().unwrap(), 0);
        let huge = budget.acquire(500);
        assert_eq!(
            *budget.in_use.lock().unwrap(),
            500,
            "alone, a huge image passes"
        );
        drop(huge);
    }

    #[test]
    fn crops_keep_the_focal_point_inside() {
        // ratio, focus, image size, expected box (left, top, width, height)
        let cases = [
            ((1, 1), (0.5, 0.5), (300, 200), (50, 0, 200, 200)),
            ((1, 1), (0.0, 0.5), (300, 200), (0, 0, 200, 200)),
            ((1, 1), (1.0, 0.5), (300, 200), (100, 0, 200, 200)),
            ((4, 5), (0.5, 0.2), (300, 200), (70, 0, 160, 200)),
            // Kept inside the image near its bottom edge.
            ((4, 5), (0.5, 0.9), (100, 400), (0, 275, 100, 125)),
        ];
        for (ratio, focus, (w, h), expected) in cases {
            assert_eq!(
                Crop { ratio, focus }.boxed(w, h),
                expected,
                "{ratio:?} {focus:?}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("p.png");
        write_png(&photo, 30, 20, false);
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let square = Crop {
            ratio: (1, 1),
            focus: (0.5, 0.5),
        };
        let r = p.cropped(&photo, square, &[10, 40]).unwrap();
        assert_eq!((r.width, r.height), (20, 20));
        let mut got: Vec<(u32, u32)> = published(&p)
            .1
            .iter()
            .map(|(_, bytes)| {
                let img = image::load_from_memory(bytes).unwrap();
                (img.width(), img.height())
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![(10, 10), (20, 20), (20, 20)],
            "WebP at 10 and 20, the JPEG at 20"
        );
    }

    #[test]
    fn alpha_grayscale_and_sixteen_bit_sources_work() {
        let dir = tempfile::tempdir().unwrap();
        let alpha = dir.path().join("a.png");
        write_png(&alpha, 20, 20, true);
        let gray = dir.path().join("g.png");
        image::GrayImage::from_pixel(20, 10, image::Luma([90]))
            .save(&gray)
            .unwrap();
        let deep = dir.path().join("d.png");
        image::ImageBuffer::<image::Rgb<u16>, _>::from_pixel(
            10,
            10,
            image::Rgb([60000u16, 100, 9000]),
        )
        .save(&deep)
        .unwrap();
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        for f in [&alpha, &gray, &deep] {
            p.responsive(f).unwrap();
        }
        let (counts, files) = published(&p);
        assert_eq!(counts.decoded, 3);
        for (_, bytes) in &files {
            image::load_from_memory(bytes).unwrap();
        }
    }

    #[test]
    fn published_variants_carry_no_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode(
                &[120u8; 16 * 16 * 3],
                16,
                16,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        // An APP1 Exif segment with GPS text, right after SOI.
        let payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 46.6123N GPSLongitude 5.9411E";
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        seg.extend_from_slice(payload);
        let mut with_gps = jpeg[..2].to_vec();
        with_gps.extend_from_slice(&seg);
        with_gps.extend_from_slice(&jpeg[2..]);
        let photo = dir.path().join("gps.jpg");
        std::fs::write(&photo, &with_gps).unwrap();
        assert!(with_gps.windows(3).any(|w| w == b"GPS"));
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        p.responsive(&photo).unwrap();
        let files = published(&p).1;
        for (_, bytes) in &files {
            assert!(
                !bytes.windows(3).any(|w| w == b"GPS"),
                "GPS data reached a published file"
            );
            assert!(!bytes.windows(4).any(|w| w == b"Exif"));
        }
        assert_eq!(files.len(), 3, "WebP at 8 and 16, the JPEG at 16");
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/images")
            .join(name)
    }

    fn decoded_outputs(p: &ImagePipeline) -> Vec<(String, Vec<u8>)> {
        published(p).1
    }

    #[test]
    fn exif_orientation_is_applied() {
        let dir = tempfile::tempdir().unwrap();
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let r = p.responsive(&fixture("rotated.jpg")).unwrap();
        assert_eq!(
            (r.width, r.height),
            (20, 40),
            "stored 40x20, shown upright 20x40"
        );
        for (rel, bytes) in decoded_outputs(&p) {
            let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
            let (w, h) = img.dimensions();
            assert_eq!(w * 2, h, "{rel} is upright");
            let top = img.get_pixel(w / 2, h / 8);
            let bottom = img.get_pixel(w / 2, h * 7 / 8);
            assert!(
                top[2] > top[0] && bottom[0] > bottom[2],
                "{rel}: the blue half went to the top"
            );
        }
    }

    #[test]
    fn gps_author_and_every_exif_field_are_stripped() {
        let dir = tempfile::tempdir().unwrap();
        let source = std::fs::read(fixture("gps.jpg")).unwrap();
        assert!(source.windows(6).any(|w| w == b"Camill"));
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        p.responsive(&fixture("gps.jpg")).unwrap();
        let outputs = decoded_outputs(&p);
        assert!(!outputs.is_empty());
        for (rel, bytes) in outputs {
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{rel} has EXIF");
            assert!(
                !bytes.windows(6).any(|w| w == b"Camill"),
                "{rel} names the author"
            );
            assert!(
                exif::Reader::new()
                    .read_from_container(&mut Cursor::new(&bytes))
                    .is_err(),
                "{rel} has readable EXIF"
            );
        }
    }

    /// The markers of a JPEG's segments before its image data.
    fn segment_markers(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 2;
        while i + 4 <= bytes.len() && bytes[i] == 0xFF {
            let marker = bytes[i + 1];
            out.push(marker);
            if marker == 0xDA {
                break;
            }
            let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            i += 2 + len;
        }
        out
    }

    #[test]
    fn press_downloads_are_whole_upright_and_carry_no_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let mut asked = Vec::new();
        for f in ["gps.jpg", "xmp.jpg", "iptc.jpg", "rotated.jpg"] {
            let source = std::fs::read(fixture(f)).unwrap();
            let markers = segment_markers(&source);
            assert!(
                markers.contains(&0xE1) || markers.contains(&0xED),
                "{f} has APP1 or APP13 to strip"
            );
            let d = p.download(&fixture(f)).unwrap();
            assert!(d.url.ends_with(&format!("/processed_images/{}", d.name)));
            asked.push((f, d));
        }
        let (_, files) = published(&p);
        for (f, d) in &asked {
            let bytes = std::fs::read(p.cached_file(&d.name)).unwrap();
            assert!(
                files
                    .iter()
                    .any(|(rel, b)| rel.ends_with(&d.name) && *b == bytes),
                "{f}: the download is published as made"
            );
            let markers = segment_markers(&bytes);
            assert!(!markers.contains(&0xE1), "{f}: APP1 (EXIF or XMP) left in");
            assert!(!markers.contains(&0xED), "{f}: APP13 (IPTC) left in");
            for needle in [
                &b"Exif"[..],
                b"GPS",
                b"Camill",
                b"http://ns.adobe.com",
                b"8BIM",
            ] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{f}: {} found",
                    String::from_utf8_lossy(needle)
                );
            }
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), (d.width, d.height), "{f}");
        }
        let rotated = &asked[3].1;
        assert_eq!((rotated.width, rotated.height), (20, 40), "upright, whole");
    }

    #[test]
    fn press_downloads_are_capped_on_their_longer_side() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("large.png");
        write_png(&photo, 4200, 30, false);
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let d = p.download(&photo).unwrap();
        assert_eq!((d.width, d.height), (DOWNLOAD_MAX_SIDE, 29));
        published(&p);
        let img = image::load_from_memory(&std::fs::read(p.cached_file(&d.name)).unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (4000, 29));
        // Asked twice, made once, under the same name.
        assert_eq!(p.download(&photo).unwrap().name, d.name);
    }

    #[test]
    fn grayscale_cmyk_sixteen_bit_and_alpha_files_work() {
        let dir = tempfile::tempdir().unwrap();
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        for f in ["gray.jpg", "cmyk.jpg", "sixteen.png", "alpha.png"] {
            p.responsive(&fixture(f))
                .unwrap_or_else(|e| panic!("{f}: {e}"));
        }
        let outputs = decoded_outputs(&p);
        assert_eq!(
            outputs.len(),
            4 * (3 + 1),
            "WebP at 8, 16 and 30 (64 is capped), the JPEG at 30"
        );
        for (rel, bytes) in outputs {
            image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
    }

    #[test]
    fn truncated_photos_are_refused_with_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let (w, h) = (96u32, 64u32);
        let rgb: Vec<u8> = (0..w * h * 3)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let mut progressive = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut progressive, 90);
        e.set_progressive(true);
        e.encode(&rgb, 96, 64, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let baseline = encode_jpeg(&rgb, jpeg_encoder::ColorType::Rgb, w, h, 90).unwrap();
        let mut png = Vec::new();
        image::RgbImage::from_raw(w, h, rgb.clone())
            .unwrap()
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let webp = webp::encode(&rgb, w, h, 3, 80, 2).unwrap();
        for (name, bytes) in [
            ("progressif.jpg", &progressive),
            ("base.jpg", &baseline),
            ("lac.png", &png),
            ("lac.webp", &webp),
        ] {
            let whole = dir.path().join(format!("whole-{name}"));
            std::fs::write(&whole, bytes).unwrap();
            let cut = dir.path().join(name);
            std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
            let p = ImagePipeline::new(dir.path(), settings(dir.path()));
            p.responsive(&whole).unwrap();
            let e = match p.responsive(&cut) {
                Err(e) => e,
                Ok(_) => {
                    let mut errors = p
                        .process(&crate::output::Memory::default())
                        .expect_err(name);
                    assert_eq!(errors.len(), 1, "{name}: only the cut file fails");
                    errors.remove(0)
                }
            };
            assert_eq!(e.file.as_deref(), Some(name));
            assert!(e.message.contains("truncated"), "{name}: {}", e.message);
        }
    }

    #[test]
    fn corrupt_files_and_bombs_are_refused_with_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let corrupt = dir.path().join("casse.jpg");
        std::fs::write(&corrupt, b"\xff\xd8\xff\xe0 not really a jpeg").unwrap();
        let p = ImagePipeline::new(dir.path(), settings(dir.path()));
        let e = p.responsive(&corrupt).unwrap_err();
        assert_eq!(e.file.as_deref(), Some("casse.jpg"));
        // A PNG header claiming 100000 x 100000 pixels.
        let mut png = Vec::new();
        png.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR");
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let bomb = dir.path().join("bombe.png");
        std::fs::write(&bomb, &png).unwrap();
        let e = p.responsive(&bomb).unwrap_err();
        assert!(e.message.contains("100000×100000"), "{}", e.message);
        assert_eq!(e.file.as_deref(), Some("bombe.png"));
    }
}
