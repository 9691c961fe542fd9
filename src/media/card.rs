//! Social cards and share-kit images: SVG templates of the theme, filled by
//! Tera and drawn by resvg with the theme's (or the brand's) fonts.
//!
//! A card is asked for during rendering ([`CardStudio::request`]): its
//! template is rendered at once (text is shaped, measured, wrapped and shrunk
//! to its box by the templates' `fit()` function), so the page gets the card's
//! URL, whose name is a hash of the finished SVG, the photo layer and the
//! fonts: the same card is never drawn twice, and any change to its text,
//! photo, template or fonts gives a new URL (social networks cache previews
//! by URL). The card cache's `requests.tsv` remembers, by the hash of
//! everything an SVG is made from, the card each request gave: a card asked
//! for again with a cached file is not rendered again. [`CardStudio::draw`]
//! paints the cards afterwards, in parallel, through the cache, and steps
//! the JPEG quality down until each file fits its byte budget. Share kits
//! are zipped here from the drawn cards. Drawing is resvg's, except for the
//! two costly parts of a card (see `render()`): the photo layer is copied
//! where it lands on whole pixels at its size, and the logo is drawn in
//! place.
//!
//! The photo layer is an `<image href="blason:photo">` whose width and height
//! say the box: the image pipeline crops the photo around its focal point to
//! exactly that size (decoding each photo once for all its variants). The
//! logo is `blason:logo`. Templates cannot read files or reach the network.
//! This module draws; it knows nothing of pages.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use resvg::{tiny_skia, usvg};
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};
use unicode_segmentation::UnicodeSegmentation;

use super::{Crop, ImagePipeline};
use crate::error::{Diagnostic, template_error, template_errors};
use crate::output::Sink;
use crate::xml::escape as xml_escape;

/// Open Graph's recommended size.
pub const CARD_SIZE: (u32, u32) = (1200, 630);
/// WhatsApp drops previews heavier than about 300 KB.
pub const CARD_BUDGET: usize = 300 * 1024;
/// Share-kit images: downloads for people who post them (≤ 8 MB).
pub const KIT_BUDGET: usize = 8 * 1024 * 1024;
/// The lowest JPEG quality tried before a drawing is over budget.
const LOWEST_QUALITY: u8 = 40;
/// What card templates get beside Tera's own functions, for error help.
const CARD_FUNCTIONS: &str = "fit";
/// Bumped when drawing changes in a way the SVG does not show (the JPEG
/// encoder is keyed apart, as `JPEG_ENCODER`).
const DRAWING_VERSION: &str = "card-2";
/// Cards asked for by the last build, in the card cache: what rendering each
/// card's SVG gave, by the hash of everything the SVG is made from. A card
/// whose inputs and file are unchanged is then not rendered again (rendering
/// fits its text with the fonts, the costly part of asking for a card).
const REQUESTS: &str = "requests.tsv";

/// What rendering a card's SVG gave, remembered by its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Remembered {
    file_name: String,
    /// The size of the template's photo box, when the card has a photo.
    photo_box: Option<(u32, u32)>,
    /// Texts cut with an ellipsis.
    cut: Vec<String>,
}

impl Remembered {
    fn line(&self, key: &str) -> String {
        let photo = match self.photo_box {
            Some((w, h)) => format!("{w},{h}"),
            None => "-".into(),
        };
        format!(
            "{key}\t{}\t{photo}\t{}\n",
            self.file_name,
            self.cut.join(",")
        )
    }

    /// One line of the file; `None` for anything not written by `line`.
    fn parse(line: &str) -> Option<(String, Remembered)> {
        let mut f = line.split('\t');
        let (key, file_name, photo, cut) = (f.next()?, f.next()?, f.next()?, f.next()?);
        let valid_name = file_name.starts_with("card-")
            && file_name.ends_with(".jpg")
            && !file_name.contains(['/', '\\']);
        if f.next().is_some() || key.len() != 32 || !valid_name {
            return None;
        }
        let photo_box = match photo {
            "-" => None,
            wh => {
                let (w, h) = wh.split_once(',')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            }
        };
        let cut = cut
            .split(',')
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect();
        Some((
            key.to_string(),
            Remembered {
                file_name: file_name.to_string(),
                photo_box,
                cut,
            },
        ))
    }
}

/// The brand's logo, ready to draw. An SVG logo may show images of its own
/// only as `data:` URLs or files beside it inside the site: any other
/// reference (an absolute path, `file:`, `..` out of the site, a web
/// address) would have drawn a file of the machine, or asked another host,
/// on every card.
fn read_logo(
    path: &Path,
    bytes: &[u8],
    root: &Path,
    fonts: &Arc<usvg::fontdb::Database>,
) -> Result<usvg::ImageKind, Diagnostic> {
    let shown = crate::error::display_path(path, root);
    if bytes.starts_with(b"\x89PNG") {
        return Ok(usvg::ImageKind::PNG(Arc::new(bytes.to_vec())));
    }
    let dir = path.parent().unwrap_or(root).to_path_buf();
    let refused = Arc::new(Mutex::new(Vec::new()));
    let (seen, inside) = (Arc::clone(&refused), root.to_path_buf());
    let default = usvg::ImageHrefResolver::default_string_resolver();
    let opt = usvg::Options {
        fontdb: Arc::clone(fonts),
        resources_dir: Some(dir.clone()),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(move |href: &str, opts: &usvg::Options| {
                let local = !href.contains(':')
                    && crate::paths::inside_root(&inside, &dir, Path::new(href)).is_ok();
                if local {
                    default(href, opts)
                } else {
                    seen.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(href.to_string());
                    None
                }
            }),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &opt).map_err(|e| {
        Diagnostic::error(
            "card",
            format!("the [brand] logo `{shown}` cannot be drawn on social cards: {e}"),
        )
        .file("blason.toml")
        .help("use an SVG or PNG file as the logo")
    })?;
    let refused = refused.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(href) = refused.first() {
        return Err(Diagnostic::error(
            "card",
            format!("the logo refers to `{href}`, outside the site"),
        )
        .file(shown)
        .help("embed the image in the SVG (a data: URL), or put it beside the logo and refer to it by its name"));
    }
    Ok(usvg::ImageKind::SVG(tree))
}

/// Fonts and the logo a card may use, and the brand's colours.
pub struct CardAssets {
    /// `name.svg` → (template text, how to name it to users).
    pub templates: Vec<(String, String, String)>,
    /// Font files (TTF/OTF), the brand's first.
    pub fonts: Vec<Vec<u8>>,
    /// The logo: its file and its SVG or PNG bytes.
    pub logo: Option<(PathBuf, Vec<u8>)>,
    pub root: PathBuf,
    /// `[images] cache_dir`, relative to the root.
    pub cache_dir: PathBuf,
    pub base_url: String,
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct CardSpec<'a> {
    /// Template name without `.svg`.
    pub template: &'a str,
    pub width: u32,
    pub height: u32,
    /// File stem for the output name (`lac-au-lever`).
    pub stem: &'a str,
    /// The values templates see as `card` (title, description, hashtag, …).
    pub values: &'a BTreeMap<&'static str, String>,
    /// The photo and its focal point.
    pub photo: Option<(&'a Path, (f64, f64))>,
    /// Byte budget of the JPEG.
    pub budget: usize,
    /// The first JPEG quality tried.
    pub quality: u8,
}

/// A drawing, as pages use it.
#[derive(Debug, Clone, Serialize)]
pub struct SocialCard {
    /// Absolute URL.
    pub url: String,
    /// Path in the output: `processed_images/card-lac-1a2b….jpg`.
    #[serde(skip)]
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    /// Names of the texts that had to be cut with an ellipsis (`title`).
    #[serde(skip)]
    pub cut: Vec<String>,
}

struct CardJob {
    /// `None` for a card found in the cache without rendering its SVG.
    svg: Option<String>,
    /// Cache name of the photo layer (a PNG the image pipeline makes).
    photo_layer: Option<String>,
    width: u32,
    height: u32,
    budget: usize,
    quality: u8,
    /// Template file, for errors.
    template: String,
}

/// Card templates, fonts, and the cards asked for.
pub struct CardStudio {
    tera: Tera,
    /// Template name (`brand.svg`) to the file shown to users.
    displays: HashMap<String, String>,
    fonts: Arc<usvg::fontdb::Database>,
    family: String,
    logo: Option<usvg::ImageKind>,
    /// Hash of fonts and logo: part of every card's name.
    fingerprint: String,
    root: PathBuf,
    cache: PathBuf,
    base_url: String,
    jobs: Mutex<BTreeMap<String, CardJob>>,
    used: Mutex<BTreeSet<String>>,
    drawn: AtomicU64,
    cached: AtomicU64,
    /// Hash of each template's text, by name (`brand.svg`).
    template_prints: HashMap<String, String>,
    /// Cards the last build asked for ([`REQUESTS`]).
    remembered: HashMap<String, Remembered>,
    /// Cards this build asked for, saved for the next.
    requested: Mutex<BTreeMap<String, Remembered>>,
    /// SVGs rendered by this studio.
    rendered: AtomicU64,
}

/// Cards made by a build.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct CardCounts {
    pub drawn: u64,
    pub cached: u64,
}

impl CardStudio {
    pub fn new(assets: CardAssets) -> Result<CardStudio, Vec<Diagnostic>> {
        let mut db = usvg::fontdb::Database::new();
        let mut hasher = blake3::Hasher::new();
        hasher.update(DRAWING_VERSION.as_bytes());
        hasher.update(super::JPEG_ENCODER.as_bytes());
        let mut families = Vec::new();
        for bytes in &assets.fonts {
            hasher.update(bytes);
            let before = db.len();
            db.load_font_data(bytes.clone());
            for face in db.faces().skip(before) {
                if let Some((name, _)) = face.families.first()
                    && !families.contains(name)
                {
                    families.push(name.clone());
                }
            }
        }
        let fonts = Arc::new(db);
        let family = families
            .iter()
            .map(|f| format!("'{}'", f.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(", ");
        let logo = match &assets.logo {
            Some((path, bytes)) => {
                hasher.update(bytes);
                Some(read_logo(path, bytes, &assets.root, &fonts).map_err(|d| vec![d])?)
            }
            None => None,
        };
        let cache = assets.root.join(&assets.cache_dir).join("cards");
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".svg"]);
        let measure = Measure {
            fonts: Arc::clone(&fonts),
            family: family.clone(),
            known: std::sync::Mutex::new(HashMap::new()),
        };
        tera.register_function("fit", move |kw: Kwargs, _: &State| {
            fit_function(&measure, kw)
        });
        let mut displays = HashMap::new();
        let mut template_prints = HashMap::new();
        for (name, text, display) in &assets.templates {
            displays.insert(name.clone(), display.clone());
            template_prints.insert(
                name.clone(),
                blake3::hash(text.as_bytes()).to_hex().to_string(),
            );
        }
        if let Err(e) = tera.add_raw_templates(
            assets
                .templates
                .iter()
                .map(|(n, t, _)| (n.as_str(), t.as_str())),
        ) {
            return Err(template_errors(&e, &displays, None, CARD_FUNCTIONS));
        }
        Ok(CardStudio {
            tera,
            displays,
            fonts,
            family,
            logo,
            fingerprint: hasher.finalize().to_hex()[..16].to_string(),
            remembered: std::fs::read_to_string(cache.join(REQUESTS))
                .map(|text| text.lines().filter_map(Remembered::parse).collect())
                .unwrap_or_default(),
            cache,
            root: assets.root,
            base_url: assets.base_url,
            jobs: Mutex::new(BTreeMap::new()),
            used: Mutex::new(BTreeSet::new()),
            drawn: AtomicU64::new(0),
            cached: AtomicU64::new(0),
            template_prints,
            requested: Mutex::new(BTreeMap::new()),
            rendered: AtomicU64::new(0),
        })
    }

    /// Whether the theme has this card template.
    pub fn has_template(&self, name: &str) -> bool {
        self.displays.contains_key(&format!("{name}.svg"))
    }

    /// The templates' names, without `.svg`.
    pub fn templates(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .displays
            .keys()
            .filter_map(|n| n.strip_suffix(".svg"))
            .collect();
        names.sort_unstable();
        names
    }

    /// Renders the card's SVG now and names it; the pixels come with [`draw`].
    ///
    /// [`draw`]: CardStudio::draw
    pub fn request(
        &self,
        images: &ImagePipeline,
        spec: &CardSpec<'_>,
    ) -> Result<SocialCard, Diagnostic> {
        let name = format!("{}.svg", spec.template);
        let display = self.displays.get(&name).cloned().ok_or_else(|| {
            Diagnostic::error(
                "card",
                format!("there is no card template `{}`", spec.template),
            )
            .help(format!(
                "the theme's card templates are: {}",
                self.templates().join(", ")
            ))
        })?;
        let inputs = self.inputs_key(images, spec, &name)?;
        let known = self
            .remembered
            .get(&inputs)
            .filter(|r| self.cache.join(&r.file_name).is_file());
        let (remembered, svg, photo_layer) = match known {
            Some(r) => (r.clone(), None, photo_layer(images, spec, r.photo_box)?),
            None => {
                let (r, svg, layer) = self.render_svg(images, spec, &name, &display)?;
                (r, Some(svg), layer)
            }
        };
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(remembered.file_name.clone())
            .or_insert(CardJob {
                svg,
                photo_layer,
                width: spec.width,
                height: spec.height,
                budget: spec.budget,
                quality: spec.quality,
                template: display,
            });
        let card = self.card(&remembered.file_name, spec, remembered.cut.clone());
        self.requested
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(inputs, remembered);
        Ok(card)
    }

    /// Renders the template `name` (shown as `display` in errors) with the
    /// card's values: what the next build remembers, the SVG, and the cache
    /// name of its photo layer.
    fn render_svg(
        &self,
        images: &ImagePipeline,
        spec: &CardSpec<'_>,
        name: &str,
        display: &str,
    ) -> Result<(Remembered, String, Option<String>), Diagnostic> {
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let mut ctx = Context::new();
        ctx.insert("width", &spec.width);
        ctx.insert("height", &spec.height);
        ctx.insert("card", spec.values);
        ctx.insert("font", &self.family);
        ctx.insert("has_photo", &spec.photo.is_some());
        ctx.insert("has_logo", &self.logo.is_some());
        let svg = self
            .tera
            .render(name, &ctx)
            .map_err(|e| template_error(&e, &self.displays, None, CARD_FUNCTIONS))?;
        let boxed = match photo_box(&svg) {
            Some(Err(m)) => return Err(Diagnostic::error("card", m).file(display)),
            b => b.and_then(Result::ok),
        };
        let layer = photo_layer(images, spec, boxed)?;
        let cut = cut_marks(&svg);
        let key = blake3::hash(
            format!(
                "{}\n{}\n{}\n{}x{}\n{}\n{}\n{svg}",
                self.fingerprint,
                layer.as_deref().unwrap_or(""),
                spec.quality,
                spec.width,
                spec.height,
                spec.budget,
                spec.template
            )
            .as_bytes(),
        );
        let file_name = format!(
            "card-{}-{}.jpg",
            if spec.stem.is_empty() {
                "index"
            } else {
                spec.stem
            },
            super::hex16(key.as_bytes())
        );
        let remembered = Remembered {
            file_name,
            photo_box: boxed.filter(|_| spec.photo.is_some()),
            cut,
        };
        Ok((remembered, svg, layer))
    }

    /// A card as pages use it.
    fn card(&self, file_name: &str, spec: &CardSpec<'_>, cut: Vec<String>) -> SocialCard {
        SocialCard {
            url: format!(
                "{}/processed_images/{file_name}",
                self.base_url.trim_end_matches('/')
            ),
            file: format!("processed_images/{file_name}"),
            width: spec.width,
            height: spec.height,
            mime: "image/jpeg",
            cut,
        }
    }

    /// The hash of everything a card's SVG is made from: fonts and logo,
    /// the template's text, the size and budget, the values, and the photo's
    /// bytes and focal point.
    fn inputs_key(
        &self,
        images: &ImagePipeline,
        spec: &CardSpec<'_>,
        template: &str,
    ) -> Result<String, Diagnostic> {
        let mut h = blake3::Hasher::new();
        let mut field = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(self.fingerprint.as_bytes());
        field(template.as_bytes());
        field(
            self.template_prints
                .get(template)
                .map(String::as_bytes)
                .unwrap_or_default(),
        );
        field(
            format!(
                "{}x{} q{} b{} logo:{}",
                spec.width,
                spec.height,
                spec.quality,
                spec.budget,
                self.logo.is_some()
            )
            .as_bytes(),
        );
        field(spec.stem.as_bytes());
        for (k, v) in spec.values {
            field(k.as_bytes());
            field(v.as_bytes());
        }
        match spec.photo {
            Some((path, focus)) => {
                field(images.source(path)?.hash.as_bytes());
                field(format!("{focus:?}").as_bytes());
            }
            None => field(b"no photo"),
        }
        Ok(h.finalize().to_hex()[..32].to_string())
    }

    /// Draws every card asked for (after the image pipeline has made the
    /// photo layers), through the cache, and publishes each into `out`.
    pub fn draw(
        &self,
        images: &ImagePipeline,
        out: &dyn Sink,
    ) -> Result<CardCounts, Vec<Diagnostic>> {
        let jobs = std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|p| p.into_inner()));
        if jobs.is_empty() {
            return Ok(CardCounts::default());
        }
        if let Err(e) = std::fs::create_dir_all(&self.cache) {
            return Err(vec![Diagnostic::io(
                &self.cache,
                &self.root,
                "create the card cache",
                &e,
            )]);
        }
        {
            let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
            used.extend(jobs.keys().cloned());
            used.insert(REQUESTS.to_string());
        }
        self.save_requests();
        let results: Vec<Result<(), Diagnostic>> = jobs
            .par_iter()
            .map(|(name, job)| {
                let cached = self.cache.join(name);
                let rel = format!("processed_images/{name}");
                let svg = match &job.svg {
                    _ if cached.is_file() => {
                        self.cached.fetch_add(1, Ordering::Relaxed);
                        return out.copy(&rel, &cached);
                    }
                    Some(svg) => svg,
                    // Found through the memory, then removed (another build
                    // pruning the same cache).
                    None => {
                        return Err(Diagnostic::error(
                            "card",
                            "this social card was deleted from the cache while the site was \
                             being built (by another build of the same site?)",
                        )
                        .file(crate::error::display_path(&cached, &self.root))
                        .help("build the site again"));
                    }
                };
                let photo = match &job.photo_layer {
                    Some(layer) => Some(images.cached_layer(layer, tiny_skia::Pixmap::decode_png)?),
                    None => None,
                };
                let bytes = self.paint(job, svg, photo)?;
                self.drawn.fetch_add(1, Ordering::Relaxed);
                super::write_cached(&self.cache, name, &bytes).map_err(|e| {
                    Diagnostic::io(&self.cache, &self.root, "write to the card cache", &e)
                })?;
                out.write(&rel, &bytes)
            })
            .collect();
        let errors: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CardCounts {
            drawn: self.drawn.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
        })
    }

    /// A drawn card's bytes, by its output path (`processed_images/card-….jpg`).
    pub fn cached(&self, file: &str) -> Result<Vec<u8>, Diagnostic> {
        let name = file.rsplit('/').next().unwrap_or(file);
        let path = self.cache.join(name);
        std::fs::read(&path).map_err(|e| Diagnostic::io(&path, &self.root, "read a drawn card", &e))
    }

    /// A share kit's zip (`path` in the output): drawn cards (name in the
    /// zip, output path of the card) and small files. Stored, not deflated:
    /// JPEGs do not shrink, and a fixed date keeps builds byte-identical.
    pub fn zip(
        &self,
        path: &str,
        cards: &[(String, String)],
        files: &[(String, Vec<u8>)],
    ) -> Result<Vec<u8>, Diagnostic> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        let fail = |e: &dyn std::fmt::Display| {
            Diagnostic::error(
                "kit",
                format!("the share kit `{path}` cannot be written: {e}"),
            )
        };
        let mut add = |name: &str, bytes: &[u8]| {
            zip.start_file(name, options).map_err(|e| fail(&e))?;
            zip.write_all(bytes).map_err(|e| fail(&e))
        };
        for (name, file) in cards {
            add(name, &self.cached(file)?)?;
        }
        for (name, bytes) in files {
            add(name, bytes)?;
        }
        zip.finish().map(|c| c.into_inner()).map_err(|e| fail(&e))
    }

    /// Removes cached cards this build did not use (after [`draw`]).
    ///
    /// [`draw`]: CardStudio::draw
    pub fn prune(&self) -> u64 {
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.cache)
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().to_string();
            if !used.contains(&name) && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    #[cfg(test)]
    fn options(&self, photo: Option<Arc<Vec<u8>>>) -> usvg::Options<'static> {
        self.options_noting(photo, Arc::default())
    }

    /// Card templates' options; the references they make to anything but
    /// the photo, the logo and `data:` images are noted in `refused` (and
    /// nothing is read for them).
    fn options_noting(
        &self,
        photo: Option<Arc<Vec<u8>>>,
        refused: Arc<Mutex<Vec<String>>>,
    ) -> usvg::Options<'static> {
        let logo = self.logo.clone();
        usvg::Options {
            fontdb: Arc::clone(&self.fonts),
            font_family: "Inter".into(),
            image_href_resolver: usvg::ImageHrefResolver {
                // Data URLs a theme embeds are fine; nothing else is read.
                resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                resolve_string: Box::new(move |href: &str, _: &usvg::Options| match href {
                    "blason:photo" => photo.clone().map(usvg::ImageKind::PNG),
                    "blason:logo" => logo.clone(),
                    _ => {
                        refused
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(href.to_string());
                        None
                    }
                }),
            },
            ..usvg::Options::default()
        }
    }

    /// Remembers this build's cards for the next one (when they changed).
    /// A failed write only costs the next build the rendering of its SVGs.
    fn save_requests(&self) {
        let requested = self.requested.lock().unwrap_or_else(|p| p.into_inner());
        let same = requested.len() == self.remembered.len()
            && requested
                .iter()
                .all(|(k, r)| self.remembered.get(k) == Some(r));
        if !same {
            let text: String = requested.iter().map(|(k, r)| r.line(k)).collect();
            let _ = super::write_cached(&self.cache, REQUESTS, text.as_bytes());
        }
    }

    /// SVG to JPEG, within the byte budget.
    fn paint(
        &self,
        job: &CardJob,
        svg: &str,
        photo: Option<(Arc<Vec<u8>>, tiny_skia::Pixmap)>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let err = |m: String| Diagnostic::error("card", m).file(job.template.clone());
        let refused = Arc::new(Mutex::new(Vec::new()));
        let tree = usvg::Tree::from_str(
            svg,
            &self.options_noting(
                photo.as_ref().map(|(png, _)| Arc::clone(png)),
                Arc::clone(&refused),
            ),
        )
        .map_err(|e| err(format!("the card template is not valid SVG: {e}")))?;
        if let Some(href) = refused.lock().unwrap_or_else(|p| p.into_inner()).first() {
            return Err(err(format!(
                "the card template refers to `{href}`, which cards never read"
            ))
            .help("a card template may show blason:photo, blason:logo and images embedded as data: URLs"));
        }
        let mut pixmap = tiny_skia::Pixmap::new(job.width, job.height)
            .ok_or_else(|| err("a card cannot be 0 pixels wide".into()))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        let size = tree.size();
        let transform = tiny_skia::Transform::from_scale(
            job.width as f32 / size.width(),
            job.height as f32 / size.height(),
        );
        render(
            &tree,
            transform,
            &mut pixmap.as_mut(),
            photo.as_ref().map(|(png, px)| (png, px)),
        );
        // Opaque (painted over white): premultiplied RGBA is plain RGBA.
        encode_within(
            pixmap.data(),
            job.width,
            job.height,
            job.quality,
            job.budget,
        )
        .map_err(|size| {
            err(format!(
                "the card is {} KB even at JPEG quality {LOWEST_QUALITY}, over its budget of {} KB",
                size / 1024,
                job.budget / 1024
            ))
            .with_code("card-over-budget")
            .help("simplify the template (large noisy areas, fine patterns) or use a calmer photo")
        })
    }
}

/// Draws a card's tree onto `pixmap`, as `resvg::render` does, with two
/// shortcuts for the costly parts of a card. resvg paints a raster image
/// through a bicubic pattern in tiny-skia's high-precision pipeline (inside
/// a clip layer for `preserveAspectRatio="… slice"`), and a nested SVG (the
/// logo) into a transparent layer the size of the whole card that it then
/// composites. At the top level of the card, the photo layer, already cut to
/// its box by the image pipeline, is copied pixel for pixel when it lands
/// on whole pixels at its own size, and an SVG image is drawn in place
/// (source-over is associative: the same picture). Anything else, or the same
/// images transformed, clipped to less than their box or translucent, is
/// left to resvg.
fn render(
    tree: &usvg::Tree,
    transform: tiny_skia::Transform,
    pixmap: &mut tiny_skia::PixmapMut<'_>,
    photo: Option<(&Arc<Vec<u8>>, &tiny_skia::Pixmap)>,
) {
    for node in tree.root().children() {
        match shortcut(node, transform, photo) {
            Some(Shortcut::Photo { x, y }) => {
                if let Some((_, layer)) = photo {
                    super::paint_over(pixmap, layer, x, y);
                }
            }
            Some(Shortcut::Svg(sub, at)) => resvg::render(sub, at, pixmap),
            None => {
                // resvg's render_node draws a node at its bounding box's
                // corner (for rendering it alone): shifted back in place.
                if let Some(b) = node.abs_layer_bounding_box() {
                    resvg::render_node(node, transform.pre_translate(b.x(), b.y()), pixmap);
                }
            }
        }
    }
}

/// How a top-level node of a card can be drawn without resvg's layers.
#[derive(Debug)]
enum Shortcut<'a> {
    /// The photo layer, copied with its top-left corner at (x, y).
    Photo { x: i32, y: i32 },
    /// A nested SVG, rendered in place with this transform.
    Svg(&'a usvg::Tree, tiny_skia::Transform),
}

fn shortcut<'a>(
    node: &'a usvg::Node,
    transform: tiny_skia::Transform,
    photo: Option<(&Arc<Vec<u8>>, &tiny_skia::Pixmap)>,
) -> Option<Shortcut<'a>> {
    // Down through groups that only place their one child (and, for a
    // `slice` image, clip it to its box).
    let mut clips = Vec::new();
    let mut node = node;
    let image = loop {
        match node {
            usvg::Node::Image(image) => break image,
            usvg::Node::Group(g) => {
                if g.children().len() != 1
                    || g.isolate()
                    || g.opacity() != usvg::Opacity::ONE
                    || g.mask().is_some()
                    || !g.filters().is_empty()
                    || g.blend_mode() != usvg::BlendMode::Normal
                {
                    return None;
                }
                if let Some(clip) = g.clip_path() {
                    clips.push((clip, g.abs_transform()));
                }
                node = &g.children()[0];
            }
            _ => return None,
        }
    };
    if !image.is_visible() {
        return None;
    }
    let at = transform.pre_concat(image.abs_transform());
    match image.kind() {
        usvg::ImageKind::PNG(data) => {
            let (png, layer) = photo?;
            let (x, y) = (at.tx, at.ty);
            let whole = at.sx == 1.0
                && at.sy == 1.0
                && at.kx == 0.0
                && at.ky == 0.0
                && x.fract() == 0.0
                && y.fract() == 0.0
                && x.abs() < 1e6
                && y.abs() < 1e6;
            let size = image.size();
            let same_size =
                size.width() == layer.width() as f32 && size.height() == layer.height() as f32;
            if !Arc::ptr_eq(data, png) || !whole || !same_size {
                return None;
            }
            let rect = tiny_skia::Rect::from_xywh(x, y, size.width(), size.height())?;
            clips
                .iter()
                .all(|(clip, group)| keeps(clip, transform.pre_concat(*group), rect))
                .then_some(Shortcut::Photo {
                    x: x as i32,
                    y: y as i32,
                })
        }
        usvg::ImageKind::SVG(sub) if clips.is_empty() => Some(Shortcut::Svg(sub, at)),
        _ => None,
    }
}

/// Whether a clip path leaves all of `rect` (in pixels) visible: a single
/// rectangle, not rotated, that holds it.
fn keeps(clip: &usvg::ClipPath, group: tiny_skia::Transform, rect: tiny_skia::Rect) -> bool {
    let t = group.pre_concat(clip.transform());
    let [usvg::Node::Path(path)] = clip.root().children() else {
        return false;
    };
    if clip.clip_path().is_some()
        || !clip.root().transform().is_identity()
        || !path.is_visible()
        || path.fill().is_none()
        || t.kx != 0.0
        || t.ky != 0.0
    {
        return false;
    }
    let data = path.data();
    let b = data.bounds();
    // Every point a corner of the bounds: a rectangle.
    let corners = data
        .points()
        .iter()
        .all(|p| (p.x == b.left() || p.x == b.right()) && (p.y == b.top() || p.y == b.bottom()));
    let Some(kept) = b.transform(t) else {
        return false;
    };
    corners
        && data.points().len() <= 5
        && kept.left() <= rect.left()
        && kept.top() <= rect.top()
        && kept.right() >= rect.right()
        && kept.bottom() >= rect.bottom()
}

/// The photo layer a card with this photo box needs (its cache name), made
/// by the image pipeline.
fn photo_layer(
    images: &ImagePipeline,
    spec: &CardSpec<'_>,
    photo_box: Option<(u32, u32)>,
) -> Result<Option<String>, Diagnostic> {
    let (Some((path, focus)), Some((w, h))) = (spec.photo, photo_box) else {
        return Ok(None);
    };
    let crop = Crop {
        ratio: (w, h),
        focus,
    };
    images.card_layer(path, crop, w, h).map(Some)
}

/// Encodes opaque RGBA pixels at `quality`, then lower, until the file fits
/// `budget`; the size at the lowest quality when it never does.
pub fn encode_within(
    rgba: &[u8],
    w: u32,
    h: u32,
    quality: u8,
    budget: usize,
) -> Result<Vec<u8>, usize> {
    let mut q = quality.clamp(LOWEST_QUALITY, 100);
    loop {
        let out =
            super::encode_jpeg(rgba, jpeg_encoder::ColorType::Rgba, w, h, q).map_err(|_| 0usize)?;
        if out.len() <= budget {
            return Ok(out);
        }
        if q == LOWEST_QUALITY {
            return Err(out.len());
        }
        q = q.saturating_sub(8).max(LOWEST_QUALITY);
    }
}

/// The width and height of the `<image href="blason:photo">` box.
fn photo_box(svg: &str) -> Option<Result<(u32, u32), String>> {
    let at = svg.find("\"blason:photo\"")?;
    let start = svg[..at].rfind("<image")?;
    let end = at + svg[at..].find('>')?;
    let tag = &svg[start..end];
    let attr = |name: &str| -> Option<u32> {
        let key = format!(" {name}=\"");
        let i = tag.find(&key)? + key.len();
        let v = &tag[i..i + tag[i..].find('"')?];
        v.trim().parse::<f64>().ok().map(|f| f.round() as u32)
    };
    Some(match (attr("width"), attr("height")) {
        (Some(w), Some(h)) if w > 0 && h > 0 && w <= 4000 && h <= 4000 => Ok((w, h)),
        _ => Err("the photo's <image href=\"blason:photo\"> needs width and height in pixels (1 to 4000)".into()),
    })
}

fn cut_marks(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("data-cut=\"") {
        let s = &rest[i + 10..];
        let end = s.find('"').unwrap_or(0);
        out.push(s[..end].to_string());
        rest = &s[end..];
    }
    out
}

/// Measures text with the card fonts: shaped (kerning, ligatures, any script).
struct Measure {
    fonts: Arc<usvg::fontdb::Database>,
    family: String,
    /// Lines already measured, by text, weight and letter spacing: a page's
    /// card and its kit formats fit the same title, and a layout costs a font
    /// parse.
    known: std::sync::Mutex<HashMap<(String, u16, u32), Extent>>,
}

/// Where one line of text reaches when set at 100 px, from the point its
/// `text-anchor` is measured from (the start of its advance) and its
/// baseline. Both boxes usvg gives a text count: the glyphs' advances times
/// their fonts' ascent and descent, and the ink of their outlines. The
/// fonts a line falls back to (Arabic, Hebrew) reach higher and lower than
/// the card font, and some glyphs' ink overhangs their advance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Extent {
    /// What `text-anchor` moves the line by.
    advance: f32,
    /// The leftmost and rightmost reach (at most 0, at least `advance`).
    left: f32,
    right: f32,
    /// The reach above and below the baseline.
    above: f32,
    below: f32,
}

impl Extent {
    fn width(&self) -> f32 {
        self.right - self.left
    }
}

impl Measure {
    /// One line set at 100 px, with `spacing` em between letters.
    fn extent(&self, text: &str, weight: u16, spacing: f32) -> Extent {
        if text.trim().is_empty() {
            return Extent::default();
        }
        let key = (text.to_string(), weight, spacing.to_bits());
        if let Some(&e) = self
            .known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return e;
        }
        let e = self.layout(text, weight, spacing);
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, e);
        e
    }

    fn layout(&self, text: &str, weight: u16, spacing: f32) -> Extent {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><text x=\"0\" y=\"0\" font-family=\"{}\" font-size=\"100\" font-weight=\"{weight}\"{}>{}</text></svg>",
            xml_escape(&self.family),
            letter_spacing(spacing * 100.0),
            xml_escape(text)
        );
        let opt = usvg::Options {
            fontdb: Arc::clone(&self.fonts),
            font_family: "Inter".into(),
            ..usvg::Options::default()
        };
        let Ok(tree) = usvg::Tree::from_str(&svg, &opt) else {
            return Extent::default();
        };
        let root = tree.root();
        if !root.has_children() {
            return Extent::default();
        }
        let (glyphs, ink) = (root.abs_bounding_box(), root.abs_stroke_bounding_box());
        Extent {
            advance: glyphs.width(),
            left: (ink.left() - glyphs.left()).min(0.0),
            right: (ink.right() - glyphs.left()).max(glyphs.width()),
            above: -glyphs.top().min(ink.top()),
            below: glyphs.bottom().max(ink.bottom()),
        }
    }
}

/// The `letter-spacing` attribute for `px` between letters (none for 0).
fn letter_spacing(px: f32) -> String {
    if px == 0.0 {
        String::new()
    } else {
        format!(" letter-spacing=\"{px}\"")
    }
}

/// Where the ascender and descender of the card fonts reach, as a share of
/// the font size (Inter: 0.97 and 0.24): the least a line is given, so that
/// a line of Latin text sits where the templates' arithmetic expects it.
const ASCENT: f32 = 0.97;
const DESCENT: f32 = 0.26;

/// A text laid out in its box.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
    /// Each line's reach at 100 px.
    extents: Vec<Extent>,
    /// How far the lines reach above the first baseline and below it, in em.
    above: f32,
    below: f32,
    pub cut: bool,
    pub rtl: bool,
}

/// The box and sizes a text is fitted to.
#[derive(Debug, Clone, Copy)]
pub struct FitBox {
    pub width: f32,
    pub height: f32,
    pub max_size: f32,
    pub min_size: f32,
    pub line_height: f32,
    pub weight: u16,
    /// At most this many lines (0: as many as the box holds).
    pub max_lines: usize,
    /// Space between letters, in em.
    pub spacing: f32,
}

/// How far lines set `line_height` apart reach above the first baseline and
/// below it, in em.
fn reach(extents: &[Extent], line_height: f32) -> (f32, f32) {
    let last = extents.len().saturating_sub(1) as f32 * line_height;
    let mut above = ASCENT;
    let mut below = last + DESCENT;
    for (i, e) in extents.iter().enumerate() {
        let drop = i as f32 * line_height;
        above = above.max(e.above / 100.0 - drop);
        below = below.max(drop + e.below / 100.0);
    }
    (above, below)
}

/// A font size as `fit` writes it (a tenth of a pixel), rounded down so
/// that what is drawn is never larger than what was measured.
fn tenth(size: f32) -> f32 {
    (size * 10.0).floor() / 10.0
}

/// Wraps on word boundaries and shrinks until the text fits its box (each
/// line's reach, not only its advance: the box holds all of the glyphs); at
/// the smallest size, keeps the lines that fit and cuts the last with an
/// ellipsis, or draws nothing when not one line fits.
fn fit(measure: &Measure, text: &str, b: FitBox) -> Fitted {
    let words: Vec<&str> = text.split_whitespace().collect();
    let rtl = is_rtl(text);
    let empty = |size: f32, cut: bool| Fitted {
        size,
        lines: Vec::new(),
        extents: Vec::new(),
        above: ASCENT,
        below: DESCENT,
        cut,
        rtl,
    };
    if words.is_empty() || b.width <= 0.0 || b.max_size <= 0.0 {
        return empty(b.max_size.max(1.0), false);
    }
    let mut memo: HashMap<String, Extent> = HashMap::new();
    let mut extent = |s: &str| -> Extent {
        if let Some(&e) = memo.get(s) {
            return e;
        }
        let e = measure.extent(s, b.weight, b.spacing);
        memo.insert(s.to_string(), e);
        e
    };
    // The most lines the box could hold at a size (lines of Latin text;
    // taller ones hold fewer).
    let most_lines = |size: f32| -> usize {
        let room = b.height / size - (ASCENT + DESCENT);
        let n = if room < 0.0 {
            0
        } else {
            (room / b.line_height).floor() as usize + 1
        };
        if b.max_lines > 0 {
            n.min(b.max_lines)
        } else {
            n
        }
    };
    let min = tenth(b.min_size.min(b.max_size).max(1.0));
    let mut size = tenth(b.max_size).max(min);
    loop {
        let most = most_lines(size);
        // Width in "100 px units" a line may take at this size.
        let limit = b.width / size * 100.0;
        let lines = wrap(&words, limit, &mut |s| extent(s).width(), most + 1);
        // A grapheme wider than the box (a long emoji sequence in a
        // narrow one) makes a line of its own, still too wide.
        let too_wide = lines.iter().position(|l| extent(l).width() > limit);
        if lines.len() <= most && too_wide.is_none() {
            let extents: Vec<Extent> = lines.iter().map(|l| extent(l)).collect();
            let (above, below) = reach(&extents, b.line_height);
            if (above + below) * size <= b.height {
                return Fitted {
                    size,
                    lines,
                    extents,
                    above,
                    below,
                    cut: false,
                    rtl,
                };
            }
        }
        if size <= min {
            // Cut: as many lines as fit, the last ending with an ellipsis.
            let keep = too_wide.map_or(most, |i| most.min(i + 1));
            let mut kept: Vec<String> = lines.into_iter().take(keep).collect();
            while let Some(last) = kept.pop() {
                let Some(cut) = ellipsize(&last, limit, &mut |s| extent(s).width()) else {
                    continue;
                };
                kept.push(cut);
                let extents: Vec<Extent> = kept.iter().map(|l| extent(l)).collect();
                let (above, below) = reach(&extents, b.line_height);
                if (above + below) * size <= b.height {
                    return Fitted {
                        size,
                        lines: kept,
                        extents,
                        above,
                        below,
                        cut: true,
                        rtl,
                    };
                }
                kept.pop();
            }
            return empty(size, true);
        }
        size = tenth(size * 0.92).max(min);
        if size - min < 0.5 {
            size = min;
        }
    }
}

/// A line cut to end with an ellipsis within `limit`: whole words when it
/// can, else inside its last word between graphemes; `None` when not even
/// the ellipsis fits.
fn ellipsize(line: &str, limit: f32, width: &mut impl FnMut(&str) -> f32) -> Option<String> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    while words.len() > 1 && width(&format!("{}…", words.join(" "))) > limit {
        words.pop();
    }
    let kept = words.join(" ");
    let mut graphemes: Vec<&str> = kept.graphemes(true).collect();
    loop {
        let candidate = format!("{}…", graphemes.concat().trim_end());
        if width(&candidate) <= limit {
            return Some(candidate);
        }
        graphemes.pop()?;
    }
}

/// Greedy wrapping on word boundaries; a word longer than a line is split
/// between graphemes (never inside an emoji sequence, or between a letter
/// and its marks). Stops at `cap` lines: the caller only needs to know
/// that there are more than it can use.
fn wrap(
    words: &[&str],
    limit: f32,
    width: &mut impl FnMut(&str) -> f32,
    cap: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in words {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate) <= limit {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            if lines.len() >= cap {
                return lines;
            }
        }
        if width(word) <= limit {
            current = word.to_string();
            continue;
        }
        // Longer than a whole line: break it where it must.
        let mut piece = String::new();
        for g in word.graphemes(true) {
            let next = format!("{piece}{g}");
            if !piece.is_empty() && width(&next) > limit {
                lines.push(std::mem::replace(&mut piece, g.to_string()));
                if lines.len() >= cap {
                    return lines;
                }
            } else {
                piece = next;
            }
        }
        current = piece;
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Whether a text starts (its first strong letter) in a right-to-left script.
fn is_rtl(text: &str) -> bool {
    for c in text.chars() {
        let u = c as u32;
        if (0x0590..=0x08FF).contains(&u)
            || (0xFB1D..=0xFDFF).contains(&u)
            || (0xFE70..=0xFEFF).contains(&u)
        {
            return true;
        }
        if c.is_alphabetic() {
            return false;
        }
    }
    false
}

/// `fit(text=…, x=, y=, width=, height=, size=, min_size=, weight=, fill=,
/// line_height=, letter_spacing=, align="start"|"middle"|"end",
/// valign="top"|"middle"|"bottom", lines=, name=)`: a `<text>` element laid
/// out in the box, whose `id` is its `name`. `letter_spacing` is in em.
fn fit_function(measure: &Measure, kw: Kwargs) -> tera::TeraResult<tera::Value> {
    let text: String = kw.get("text")?.unwrap_or_default();
    let x: f64 = kw.must_get("x")?;
    let y: f64 = kw.must_get("y")?;
    let width: f64 = kw.must_get("width")?;
    let height: f64 = kw.must_get("height")?;
    let size: f64 = kw.get("size")?.unwrap_or(64.0);
    let min_size: f64 = kw.get("min_size")?.unwrap_or(size / 2.0);
    let weight: i64 = kw.get("weight")?.unwrap_or(700);
    let line_height: f64 = kw.get("line_height")?.unwrap_or(1.15);
    let spacing: f64 = kw.get("letter_spacing")?.unwrap_or(0.0);
    let fill: String = kw.get("fill")?.unwrap_or_else(|| "#000000".into());
    let align: String = kw.get("align")?.unwrap_or_else(|| "start".into());
    let valign: String = kw.get("valign")?.unwrap_or_else(|| "top".into());
    let max_lines: i64 = kw.get("lines")?.unwrap_or(0);
    let id: Option<String> = kw.get("name")?;
    let name = id.clone().unwrap_or_else(|| "text".into());
    let (x, y, width, height) = (x as f32, y as f32, width as f32, height as f32);
    let f = fit(
        measure,
        &text,
        FitBox {
            width,
            height,
            max_size: size as f32,
            min_size: min_size as f32,
            line_height: line_height as f32,
            weight: weight.clamp(100, 900) as u16,
            max_lines: max_lines.max(0) as usize,
            spacing: spacing as f32,
        },
    );
    let cut = if f.cut {
        format!(" data-cut=\"{}\"", xml_escape(&name))
    } else {
        String::new()
    };
    if f.lines.is_empty() {
        // Nothing fits, but the cut is still reported.
        return Ok(tera::Value::safe_string(&if f.cut {
            format!("<g{cut}/>")
        } else {
            String::new()
        }));
    }
    let s = f.size;
    let block = (f.above + f.below) * s;
    let top = match valign.as_str() {
        "bottom" => y + height - block,
        "middle" => y + (height - block) / 2.0,
        _ => y,
    };
    // Right-to-left text starts at the right edge.
    let align = match (align.as_str(), f.rtl) {
        ("middle", _) => "middle",
        ("end", false) | ("start", true) => "end",
        _ => "start",
    };
    let mut out = format!(
        "<text{} font-family=\"{}\" font-size=\"{s:.1}\" font-weight=\"{weight}\" fill=\"{}\" text-anchor=\"{align}\"{}{}{cut}>",
        id.map(|id| format!(" id=\"{}\"", xml_escape(&id)))
            .unwrap_or_default(),
        xml_escape(&measure.family),
        xml_escape(&fill),
        letter_spacing(spacing as f32 * s),
        if f.rtl { " direction=\"rtl\"" } else { "" },
    );
    for (i, (line, e)) in f.lines.iter().zip(&f.extents).enumerate() {
        let baseline = top + s * f.above + i as f32 * s * line_height as f32;
        // The anchor, placed so that the line's reach (not only its
        // advance) starts, is centred or ends where the box says.
        let k = s / 100.0;
        let ax = match align {
            "middle" => x + width / 2.0 + k * (e.advance - e.left - e.right) / 2.0,
            "end" => x + width + k * (e.advance - e.right),
            _ => x - k * e.left,
        };
        out.push_str(&format!(
            "<tspan x=\"{ax:.1}\" y=\"{baseline:.1}\">{}</tspan>",
            xml_escape(line)
        ));
    }
    out.push_str("</text>");
    Ok(tera::Value::safe_string(&out))
}

/// Where a card's file name comes from: the page's or photo's slug.
pub fn stem_of(path: &str) -> String {
    path.trim_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("index")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme_font(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/postale/fonts")
                .join(name),
        )
        .unwrap()
    }

    fn measure() -> Measure {
        let mut db = usvg::fontdb::Database::new();
        for f in [
            "Inter-Bold.otf",
            "Inter-Regular.otf",
            "NotoSansArabic-Bold.ttf",
            "NotoSansHebrew-Bold.ttf",
        ] {
            db.load_font_data(theme_font(f));
        }
        Measure {
            fonts: Arc::new(db),
            family: "'Inter'".into(),
            known: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn fit_box(width: f32, height: f32) -> FitBox {
        FitBox {
            width,
            height,
            max_size: 72.0,
            min_size: 36.0,
            line_height: 1.15,
            weight: 700,
            max_lines: 0,
            spacing: 0.0,
        }
    }

    #[test]
    fn a_logo_draws_only_what_it_embeds_or_holds_beside_it_inside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let site = root.join("site");
        std::fs::create_dir_all(site.join("static")).unwrap();
        let secret = root.join("secret.png");
        image::RgbImage::new(4, 4).save(&secret).unwrap();
        std::fs::copy(&secret, site.join("static/mark.png")).unwrap();
        let svg = |href: &str| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><image href=\"{href}\" width=\"4\" height=\"4\"/></svg>"
            )
        };
        let logo = site.join("static/logo.svg");
        let studio = |href: &str| {
            CardStudio::new(CardAssets {
                logo: Some((logo.clone(), svg(href).into_bytes())),
                ..assets_in(&site, Vec::new())
            })
        };
        for href in [
            secret.to_string_lossy().to_string(),
            "../../secret.png".to_string(),
            format!("file://{}", secret.display()),
            "https://tracker.example/pixel.png".to_string(),
        ] {
            let Err(errors) = studio(&href) else {
                panic!("{href} was drawn");
            };
            assert_eq!(errors[0].file.as_deref(), Some("static/logo.svg"));
            assert!(errors[0].message.contains(&href), "{}", errors[0].message);
        }
        assert!(studio("mark.png").is_ok());
        assert!(studio("data:image/png;base64,iVBORw0KGgo=").is_ok());
    }

    /// A studio's assets for tests: `templates`, the theme's bold font, no
    /// logo, the cache in `dir/cache`.
    fn assets_in(dir: &Path, templates: Vec<(String, String, String)>) -> CardAssets {
        CardAssets {
            templates,
            fonts: vec![theme_font("Inter-Bold.otf")],
            logo: None,
            root: dir.to_path_buf(),
            cache_dir: PathBuf::from("cache"),
            base_url: "https://x.fr".into(),
        }
    }

    /// An image pipeline with its cache where [`assets_in`] puts the cards'.
    fn pipeline(dir: &Path) -> ImagePipeline {
        ImagePipeline::new(
            dir,
            super::super::ImageSettings {
                widths: vec![16],
                formats: vec![super::super::Format::Webp],
                quality: 75,
                effort: 2,
                cache_dir: PathBuf::from("cache"),
                base_url: "https://x.fr".into(),
            },
        )
    }

    /// A plain 64×48 photo, `dir/lac.png`.
    fn plain_photo(dir: &Path) -> PathBuf {
        let photo = dir.join("lac.png");
        image::RgbImage::from_pixel(64, 48, image::Rgb([11, 93, 107]))
            .save(&photo)
            .unwrap();
        photo
    }

    #[test]
    fn text_is_shaped_with_kerning() {
        let m = measure();
        let advance = |s: &str| m.extent(s, 700, 0.0).advance;
        let pair = advance("AVAVAVAV");
        let apart = advance("A") * 4.0 + advance("V") * 4.0;
        assert!(pair > 100.0);
        assert!(pair < apart, "kerned {pair} against {apart}");
        assert!(advance("مرحبا بكم") > 100.0, "Arabic has glyphs");
    }

    #[test]
    fn short_titles_keep_their_size_and_long_ones_wrap_then_shrink() {
        let m = measure();
        let short = fit(&m, "Le lac", fit_box(1000.0, 200.0));
        assert_eq!((short.size, short.lines.len(), short.cut), (72.0, 1, false));
        let long = fit(
            &m,
            "Le lac de l'Orbière au lever du jour, quand la brume monte des roseaux",
            fit_box(1000.0, 200.0),
        );
        assert!(!long.cut);
        assert!(long.lines.len() >= 2, "{long:?}");
        assert!(long.size < 72.0, "shrunk: {long:?}");
        // Word boundaries: every line is whole words of the text.
        let joined = long.lines.join(" ");
        assert_eq!(
            joined,
            "Le lac de l'Orbière au lever du jour, quand la brume monte des roseaux"
        );
        // Never wider than the box.
        for line in &long.lines {
            assert!(
                m.extent(line, 700, 0.0).width() * long.size / 100.0 <= 1000.0,
                "{line}"
            );
        }
    }

    #[test]
    fn what_never_fits_is_cut_with_an_ellipsis() {
        let m = measure();
        let text = "mot ".repeat(200);
        let f = fit(&m, &text, fit_box(600.0, 120.0));
        assert!(f.cut);
        assert_eq!(f.size, 36.0);
        assert!(f.lines.last().unwrap().ends_with('…'));
        let block = f.size * (ASCENT + DESCENT) + (f.lines.len() as f32 - 1.0) * f.size * 1.15;
        assert!(block <= 120.0, "{block}");
        // One word longer than the line is broken inside, never overflows.
        let f = fit(&m, &"W".repeat(300), fit_box(300.0, 50.0));
        assert!(f.cut);
        for line in &f.lines {
            assert!(m.extent(line, 700, 0.0).width() * f.size / 100.0 <= 300.0);
        }
    }

    #[test]
    fn right_to_left_text_is_anchored_at_the_right() {
        let m = measure();
        assert!(is_rtl("«שלום» Hello") && !is_rtl("Hello שלום"));
        let kw = Kwargs::from([
            ("text", tera::Value::from("مرحبا بكم في الوادي")),
            ("x", tera::Value::from(60)),
            ("y", tera::Value::from(100)),
            ("width", tera::Value::from(1000)),
            ("height", tera::Value::from(200)),
        ]);
        let svg = fit_function(&m, kw).unwrap().as_str().unwrap().to_string();
        assert!(
            svg.contains("text-anchor=\"end\"") && svg.contains("x=\"1060.0\""),
            "{svg}"
        );
        assert!(svg.contains("direction=\"rtl\""));
    }

    #[test]
    fn fitted_text_stays_inside_its_box() {
        let m = measure();
        let options = usvg::Options {
            fontdb: Arc::clone(&m.fonts),
            font_family: "Inter".into(),
            ..usvg::Options::default()
        };
        let very_long = "Le lac d'Orbière au lever du jour. ".repeat(20);
        let long_word = "W".repeat(300);
        let families = "👨‍👩‍👧‍👦".repeat(80);
        let texts = [
            "Le lac",
            "Le lac d'Orbière au lever du jour, quand la brume monte des roseaux",
            &very_long,
            &long_word,
            "مرحبا بكم في وادي أوربيير: البحيرة عند شروق الشمس",
            "ברוכים הבאים לעמק אורבייר: האגם בזריחה",
            "🏔️🌊 Le lac 🚣‍♀️ au lever du jour ☀️🌅 👨‍👩‍👧‍👦🇫🇷",
            &families,
            "Ǻ Ḗ Ṩ ffi Tj fj Qų",
        ];
        // x, y, width, height, size, min_size; the last holds no line at
        // its smallest size.
        let boxes = [
            (60, 100, 1000, 200, 72, 36),
            (40, 20, 300, 50, 40, 20),
            (0, 0, 600, 40, 32, 30),
            (100, 50, 200, 500, 48, 24),
            (10, 10, 500, 20, 40, 30),
        ];
        for text in texts {
            for (x, y, w, h, size, min) in boxes {
                for (align, valign, lines) in [
                    ("start", "top", 0),
                    ("middle", "middle", 2),
                    ("end", "bottom", 1),
                ] {
                    let case = format!("{text:.20} in {w}×{h}, {align} {valign} {lines}");
                    let kw = Kwargs::from([
                        ("text", tera::Value::from(text)),
                        ("x", tera::Value::from(x)),
                        ("y", tera::Value::from(y)),
                        ("width", tera::Value::from(w)),
                        ("height", tera::Value::from(h)),
                        ("size", tera::Value::from(size)),
                        ("min_size", tera::Value::from(min)),
                        ("align", tera::Value::from(align)),
                        ("valign", tera::Value::from(valign)),
                        ("lines", tera::Value::from(lines)),
                    ]);
                    let svg = fit_function(&m, kw).unwrap().as_str().unwrap().to_string();
                    if !svg.contains("<text") {
                        assert!(svg.contains("data-cut=\"text\""), "{case}: {svg}");
                        continue;
                    }
                    if lines > 0 {
                        assert!(svg.matches("<tspan").count() <= lines, "{case}: {svg}");
                    }
                    let doc = format!(
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2000\" height=\"1000\">{svg}</svg>"
                    );
                    let tree = usvg::Tree::from_str(&doc, &options).unwrap();
                    let mut found = Vec::new();
                    layout_boxes(tree.root(), &mut found);
                    let declared =
                        usvg::Rect::from_xywh(x as f32, y as f32, w as f32, h as f32).unwrap();
                    assert_eq!(found.len(), 1, "{case}");
                    assert!(
                        inside(found[0].1, declared),
                        "{case}: {:?} out of {declared:?}\n{svg}",
                        found[0].1
                    );
                }
            }
        }
    }

    #[test]
    fn hostile_text_is_escaped() {
        let m = measure();
        let kw = Kwargs::from([
            (
                "text",
                tera::Value::from("<script>alert(1)</script> & \"x\""),
            ),
            ("x", tera::Value::from(0)),
            ("y", tera::Value::from(0)),
            ("width", tera::Value::from(1000)),
            ("height", tera::Value::from(300)),
        ]);
        let svg = fit_function(&m, kw).unwrap().as_str().unwrap().to_string();
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn quality_steps_down_to_fit_the_budget() {
        // Noise compresses badly.
        let mut seed = 7u32;
        let rgb: Vec<u8> = (0..400 * 300 * 3)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        let rgba: Vec<u8> = rgb
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        let best = encode_within(&rgba, 400, 300, 90, usize::MAX).unwrap();
        // The drawing's RGBA gives the file its RGB gives.
        assert_eq!(
            best,
            super::super::encode_jpeg(&rgb, jpeg_encoder::ColorType::Rgb, 400, 300, 90).unwrap()
        );
        let fitted = encode_within(&rgba, 400, 300, 90, best.len() * 2 / 3).unwrap();
        assert!(fitted.len() <= best.len() * 2 / 3);
        let impossible = encode_within(&rgba, 400, 300, 90, 1000);
        assert!(matches!(impossible, Err(n) if n > 1000));
    }

    #[test]
    fn card_template_errors_name_the_file_line_and_column() {
        let assets = |text: &str| CardAssets {
            templates: vec![(
                "brand.svg".into(),
                text.into(),
                "themes/postale/cards/brand.svg".into(),
            )],
            fonts: vec![theme_font("Inter-Bold.otf")],
            logo: None,
            root: PathBuf::from("."),
            cache_dir: PathBuf::from(".blason-cache"),
            base_url: "https://x.fr".into(),
        };
        let e = CardStudio::new(assets("<svg>\n{{ fitt(text=card.title) }}</svg>"))
            .err()
            .unwrap();
        assert_eq!(e[0].file.as_deref(), Some("themes/postale/cards/brand.svg"));
        assert_eq!(e[0].line, Some(2), "{e:?}");
        assert!(e[0].help.as_deref().unwrap().contains("fit"), "{e:?}");
        let e = CardStudio::new(assets("<svg>{% if %}</svg>"))
            .err()
            .unwrap();
        assert_eq!(e[0].file.as_deref(), Some("themes/postale/cards/brand.svg"));
        assert!(e[0].line.is_some() && e[0].column.is_some(), "{e:?}");
    }

    #[test]
    fn a_card_template_reads_only_the_photo_the_logo_and_data_urls() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.png");
        image::RgbImage::new(4, 4).save(&secret).unwrap();
        let template = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{{{ width }}}}\" height=\"{{{{ height }}}}\">\
             <image href=\"{}\" width=\"4\" height=\"4\"/></svg>",
            secret.display()
        );
        let studio = CardStudio::new(assets_in(
            dir.path(),
            vec![(
                "brand.svg".into(),
                template,
                "themes/x/cards/brand.svg".into(),
            )],
        ))
        .unwrap();
        let images = pipeline(dir.path());
        let v = BTreeMap::from([("title", "T".to_string())]);
        studio
            .request(
                &images,
                &CardSpec {
                    template: "brand",
                    width: 120,
                    height: 63,
                    stem: "t",
                    values: &v,
                    photo: None,
                    budget: CARD_BUDGET,
                    quality: 80,
                },
            )
            .unwrap();
        let errors = studio
            .draw(&images, &crate::output::Memory::default())
            .unwrap_err();
        assert_eq!(errors[0].file.as_deref(), Some("themes/x/cards/brand.svg"));
        assert!(errors[0].message.contains("secret.png"), "{}", errors[0]);
    }

    #[test]
    fn cards_asked_for_again_are_not_rendered_again() {
        let dir = tempfile::tempdir().unwrap();
        let template = |fill: &str| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{{{ width }}}}\" height=\"{{{{ height }}}}\">\
                 <rect width=\"100%\" height=\"100%\" fill=\"{fill}\"/>\
                 <text x=\"4\" y=\"20\" font-size=\"12\">{{{{ card.title }}}}</text></svg>"
            )
        };
        let studio = |fill: &str| {
            CardStudio::new(assets_in(
                dir.path(),
                vec![("brand.svg".into(), template(fill), "brand.svg".into())],
            ))
            .unwrap()
        };
        let images = pipeline(dir.path());
        let values = |title: &str| BTreeMap::from([("title", title.to_string())]);
        let ask = |studio: &CardStudio, title: &str| {
            let v = values(title);
            let card = studio
                .request(
                    &images,
                    &CardSpec {
                        template: "brand",
                        width: 120,
                        height: 63,
                        stem: "lac",
                        values: &v,
                        photo: None,
                        budget: CARD_BUDGET,
                        quality: 80,
                    },
                )
                .unwrap();
            let out = crate::output::Memory::default();
            let counts = studio.draw(&images, &out).unwrap();
            (card, counts, out.into_files())
        };
        let first = studio("#0b5d6b");
        let (card, counts, files) = ask(&first, "Le lac");
        assert_eq!(
            (first.rendered.load(Ordering::Relaxed), counts.drawn),
            (1, 1)
        );

        // The same card in the next build: neither rendered nor drawn, the
        // same file published.
        let second = studio("#0b5d6b");
        let (again, counts, files_again) = ask(&second, "Le lac");
        assert_eq!(second.rendered.load(Ordering::Relaxed), 0);
        assert_eq!((counts.drawn, counts.cached), (0, 1));
        assert_eq!(
            (again.file.clone(), again.cut.clone()),
            (card.file.clone(), card.cut.clone())
        );
        assert_eq!(files_again, files);

        // Other values, another template text: rendered, another file.
        let third = studio("#0b5d6b");
        let (other, _, _) = ask(&third, "La chapelle");
        assert_eq!(third.rendered.load(Ordering::Relaxed), 1);
        assert_ne!(other.file, card.file);
        let fourth = studio("#f2a900");
        let (recoloured, _, _) = ask(&fourth, "Le lac");
        assert_eq!(fourth.rendered.load(Ordering::Relaxed), 1);
        assert_ne!(recoloured.file, card.file);

        // The memory is only trusted with the card's file in the cache, and
        // a damaged memory is ignored.
        let cache = dir.path().join("cache/cards");
        std::fs::remove_file(cache.join(recoloured.file.trim_start_matches("processed_images/")))
            .unwrap();
        let fifth = studio("#f2a900");
        let (redrawn, counts, _) = ask(&fifth, "Le lac");
        assert_eq!(
            (fifth.rendered.load(Ordering::Relaxed), counts.drawn),
            (1, 1)
        );
        assert_eq!(redrawn.file, recoloured.file);
        std::fs::write(
            cache.join(REQUESTS),
            "x\tcard-../../etc.jpg\t-\t\nnot a line\n",
        )
        .unwrap();
        let sixth = studio("#f2a900");
        ask(&sixth, "Le lac");
        assert_eq!(sixth.rendered.load(Ordering::Relaxed), 1);
    }

    /// A noisy, opaque photo layer as the image pipeline makes it (RGB PNG).
    fn layer_png(w: u32, h: u32) -> Arc<Vec<u8>> {
        let mut seed = 7u32;
        let img = image::RgbImage::from_fn(w, h, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let v = (seed >> 16) as u8;
            image::Rgb([v, v.wrapping_mul(3), 255 - v])
        });
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        Arc::new(png)
    }

    const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#f2a900" opacity="0.7"/><path d="M8 30 L20 6 L32 30 Z" fill="#0b5d6b"/></svg>"##;

    /// Draws `svg` at its size the card's way and resvg's way.
    fn both_ways(svg: &str, photo: &Arc<Vec<u8>>) -> (Vec<u8>, Vec<u8>, Vec<&'static str>) {
        let logo = usvg::Tree::from_str(LOGO, &usvg::Options::default()).unwrap();
        let layer = tiny_skia::Pixmap::decode_png(photo).unwrap();
        let (p, l) = (Arc::clone(photo), logo.clone());
        let options = usvg::Options {
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                resolve_string: Box::new(move |href: &str, _: &usvg::Options| match href {
                    "blason:photo" => Some(usvg::ImageKind::PNG(Arc::clone(&p))),
                    "blason:logo" => Some(usvg::ImageKind::SVG(l.clone())),
                    _ => None,
                }),
            },
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &options).unwrap();
        let size = tree.size().to_int_size();
        let id = tiny_skia::Transform::identity();
        let ways: Vec<&str> = tree
            .root()
            .children()
            .iter()
            .map(|n| match shortcut(n, id, Some((photo, &layer))) {
                Some(Shortcut::Photo { .. }) => "photo",
                Some(Shortcut::Svg(..)) => "svg",
                None => "resvg",
            })
            .collect();
        let mut card = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        card.fill(tiny_skia::Color::WHITE);
        let mut plain = card.clone();
        render(&tree, id, &mut card.as_mut(), Some((photo, &layer)));
        resvg::render(&tree, id, &mut plain.as_mut());
        (card.take(), plain.take(), ways)
    }

    fn max_difference(a: &[u8], b: &[u8]) -> u8 {
        assert_eq!(a.len(), b.len());
        a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap()
    }

    #[test]
    fn the_photo_and_logo_shortcuts_draw_what_resvg_draws() {
        let photo = layer_png(300, 120);
        // The shapes of the theme's cards: photo box (sliced), translucent
        // band and text, the SVG logo. Nearest-pixel sampling, so that resvg
        // draws the photo's own pixels too.
        let svg = |photo_attrs: &str| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180">
<defs><clipPath id="round"><circle cx="100" cy="60" r="40"/></clipPath><clipPath id="wide"><rect x="-5" y="-5" width="400" height="300"/></clipPath></defs>
<rect width="320" height="180" fill="#0b5d6b"/>
<image href="blason:photo" {photo_attrs} width="300" height="120" preserveAspectRatio="xMidYMid slice" image-rendering="optimizeSpeed"/>
<rect x="0" y="120" width="320" height="60" fill="#123456" opacity="0.94"/>
<g opacity="0.5"><circle cx="40" cy="150" r="20" fill="#fff"/></g>
<image href="blason:logo" x="262" y="126" width="48" height="48"/>
</svg>"##
            )
        };
        let (card, plain, ways) = both_ways(&svg(r#"x="10" y="0""#), &photo);
        assert_eq!(ways, ["resvg", "photo", "resvg", "resvg", "svg"]);
        assert!(
            max_difference(&card, &plain) <= 1,
            "{}",
            max_difference(&card, &plain)
        );
        // Placed off whole pixels, turned, translucent, cut by a clip or
        // partly off the card: left to resvg, which draws them as before.
        for attrs in [
            r#"x="10.5" y="0""#,
            r#"x="10" y="0" transform="rotate(3)""#,
            r#"x="10" y="0" opacity="0.5""#,
            r#"x="10" y="0" clip-path="url(#round)""#,
        ] {
            let (card, plain, ways) = both_ways(&svg(attrs), &photo);
            assert_eq!(ways[1], "resvg", "{attrs}");
            let d = max_difference(&card, &plain);
            assert!(d <= 1, "{attrs}: {d}");
        }
        // Clipped by a rectangle that holds it, or partly off the card: copied.
        for attrs in [
            r#"x="10" y="0" clip-path="url(#wide)""#,
            r#"x="-20" y="100""#,
        ] {
            let (card, plain, ways) = both_ways(&svg(attrs), &photo);
            assert_eq!(ways[1], "photo", "{attrs}");
            let d = max_difference(&card, &plain);
            assert!(d <= 1, "{attrs}: {d}");
        }
    }

    #[test]
    fn the_theme_cards_take_the_shortcuts_at_every_size() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cards = manifest.join("themes/postale/cards");
        let mut templates: Vec<(String, String, String)> = std::fs::read_dir(&cards)
            .unwrap()
            .map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().to_string();
                let text = std::fs::read_to_string(cards.join(&name)).unwrap();
                (name.clone(), text, name)
            })
            .collect();
        templates.sort();
        let studio = CardStudio::new(CardAssets {
            fonts: vec![
                theme_font("Inter-Bold.otf"),
                theme_font("Inter-Regular.otf"),
            ],
            logo: Some((
                dir.path().join("logo.svg"),
                std::fs::read(manifest.join("content-example/static/logo.svg")).unwrap(),
            )),
            ..assets_in(dir.path(), templates)
        })
        .unwrap();
        let images = pipeline(dir.path());
        let photo = plain_photo(dir.path());
        let values = BTreeMap::from([
            ("title", "Le lac d'Orbière au lever du jour".to_string()),
            ("host", "val-d-orbiere.fr".to_string()),
            ("primary", "#0b5d6b".to_string()),
            ("accent", "#f2a900".to_string()),
            ("on_primary", "#ffffff".to_string()),
            ("description", "Balade au bord de l'eau.".to_string()),
            ("hashtag", "ValDOrbiere".to_string()),
            ("site", "Val d'Orbière".to_string()),
            ("tagline", "Le val en grand".to_string()),
            ("background", "#faf7f2".to_string()),
            ("text", "#1d1d1b".to_string()),
            ("on_accent", "#1d1d1b".to_string()),
        ]);
        let mut seen = 0;
        for template in studio.templates() {
            for (width, height) in [
                (1200, 630),
                (1080, 1080),
                (1080, 1350),
                (1080, 1920),
                (1600, 900),
            ] {
                let stem = format!("{template}-{width}x{height}");
                let spec = CardSpec {
                    template,
                    width,
                    height,
                    stem: &stem,
                    values: &values,
                    photo: Some((&photo, (0.5, 0.5))),
                    budget: KIT_BUDGET,
                    quality: 90,
                };
                let (_, svg, _) = studio
                    .render_svg(&images, &spec, &format!("{template}.svg"), template)
                    .unwrap();
                let layer = photo_box(&svg)
                    .map(|b| b.unwrap())
                    .map(|(w, h)| layer_png(w, h));
                let decoded = layer
                    .as_ref()
                    .map(|png| tiny_skia::Pixmap::decode_png(png).unwrap());
                let tree = usvg::Tree::from_str(&svg, &studio.options(layer.clone())).unwrap();
                let id = tiny_skia::Transform::identity();
                let taken: Vec<&str> = tree
                    .root()
                    .children()
                    .iter()
                    .filter_map(
                        |n| match shortcut(n, id, layer.as_ref().zip(decoded.as_ref())) {
                            Some(Shortcut::Photo { .. }) => Some("photo"),
                            Some(Shortcut::Svg(..)) => Some("logo"),
                            None => None,
                        },
                    )
                    .collect();
                let mut expected = Vec::new();
                if svg.contains("\"blason:photo\"") {
                    expected.push("photo");
                }
                if svg.contains("\"blason:logo\"") {
                    expected.push("logo");
                }
                assert_eq!(taken, expected, "{stem}");
                seen += expected.len();
            }
        }
        assert!(seen >= 30, "{seen} shortcuts");
    }

    #[test]
    fn a_damaged_photo_layer_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let studio = CardStudio::new(assets_in(
            dir.path(),
            vec![(
                "photo.svg".into(),
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}"><image href="blason:photo" x="0" y="0" width="{{ width }}" height="{{ height }}"/></svg>"#.into(),
                "photo.svg".into(),
            )],
        ))
        .unwrap();
        let images = pipeline(dir.path());
        let photo = plain_photo(dir.path());
        let values = BTreeMap::new();
        studio
            .request(
                &images,
                &CardSpec {
                    template: "photo",
                    width: 60,
                    height: 30,
                    stem: "lac",
                    values: &values,
                    photo: Some((&photo, (0.5, 0.5))),
                    budget: CARD_BUDGET,
                    quality: 80,
                },
            )
            .unwrap();
        let out = crate::output::Memory::default();
        images.process(&out).unwrap();
        let layers: Vec<PathBuf> = std::fs::read_dir(dir.path().join("cache/images"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("layer-"))
            .collect();
        assert_eq!(layers.len(), 1);
        let png = std::fs::read(&layers[0]).unwrap();
        std::fs::write(&layers[0], &png[..png.len() / 2]).unwrap();
        let e = studio.draw(&images, &out).unwrap_err();
        let name = layers[0].file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].file.as_deref(),
            Some(format!("cache/images/{name}").as_str())
        );
        assert!(e[0].message.contains("damaged"), "{}", e[0].message);
    }

    #[test]
    fn remembered_cards_read_back_what_was_written() {
        let r = Remembered {
            file_name: "card-lac-0123456789abcdef.jpg".into(),
            photo_box: Some((600, 630)),
            cut: vec!["title".into(), "description".into()],
        };
        let key = "0123456789abcdef0123456789abcdef";
        let line = r.line(key);
        assert_eq!(
            Remembered::parse(line.strip_suffix('\n').unwrap()),
            Some((key.to_string(), r))
        );
        let plain = Remembered {
            file_name: "card-index-0123456789abcdef.jpg".into(),
            photo_box: None,
            cut: Vec::new(),
        };
        assert_eq!(
            Remembered::parse(plain.line(key).strip_suffix('\n').unwrap()).map(|(_, r)| r),
            Some(plain)
        );
        for bad in [
            "short\tcard-a.jpg\t-\t",
            "0123456789abcdef0123456789abcdef\tcard-a/b.jpg\t-\t",
            "0123456789abcdef0123456789abcdef\tlayer-a.png\t-\t",
            "0123456789abcdef0123456789abcdef\tcard-a.jpg\t6x3\t",
            "0123456789abcdef0123456789abcdef\tcard-a.jpg\t-\t\textra",
        ] {
            assert_eq!(Remembered::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_photo_box_comes_from_the_template() {
        assert_eq!(
            photo_box(
                r#"<svg><image x="0" y="0" width="600" height="630" href="blason:photo" preserveAspectRatio="xMidYMid slice"/></svg>"#
            ),
            Some(Ok((600, 630)))
        );
        assert!(matches!(
            photo_box(r#"<image href="blason:photo" width="50%"/>"#),
            Some(Err(_))
        ));
        assert_eq!(photo_box("<svg/>"), None);
    }
    /// Card values with every text set to what `texts` gives.
    fn card_texts(texts: [&str; 6]) -> BTreeMap<&'static str, String> {
        let [title, description, tagline, hashtag, host, site] = texts;
        BTreeMap::from([
            ("title", title.to_string()),
            ("description", description.to_string()),
            ("tagline", tagline.to_string()),
            ("hashtag", hashtag.to_string()),
            ("host", host.to_string()),
            ("site", site.to_string()),
            ("primary", "#0b5d6b".to_string()),
            ("accent", "#f2a900".to_string()),
            ("on_primary", "#ffffff".to_string()),
            ("on_accent", "#1d1d1b".to_string()),
            ("background", "#faf7f2".to_string()),
            ("text", "#1d1d1b".to_string()),
        ])
    }

    /// Titles, descriptions, taglines, hashtags, hosts and site names of
    /// every kind a card is given, by name: short, long, several hundred
    /// characters, right to left, emoji (which the card fonts lack: drawn
    /// as boxes, and measured as such). No theme template shows the tagline
    /// yet; one that does is tested with these.
    fn sample_texts() -> Vec<(&'static str, BTreeMap<&'static str, String>)> {
        let title = "Le lac d'Orbière au lever du jour, quand la brume monte des roseaux et que les hérons s'envolent";
        let description = "Une balade facile au bord de l'eau, entre les roseaux et la forêt, avec un guide du pays qui raconte l'histoire du val, des pêcheurs et des bergers qui y vivent depuis des siècles.";
        let site = "Office de tourisme intercommunal du Val d'Orbière et des Hautes-Combes";
        vec![
            (
                "short",
                card_texts(["Le lac", "Balade.", "Le val", "Lac", "lac.fr", "Val"]),
            ),
            (
                "long",
                card_texts([
                    title,
                    description,
                    "Le val en grand, des lacs aux sommets, en toute saison",
                    "ValDOrbiereTourismeNatureEtPatrimoine",
                    "www.office-de-tourisme-intercommunal-du-val-d-orbiere.fr",
                    site,
                ]),
            ),
            (
                "very long",
                card_texts([
                    &[title; 5].join(" "),
                    &[description; 4].join(" "),
                    &["Le val en grand, des lacs aux sommets"; 8].join(", "),
                    &"ValDOrbiere".repeat(20),
                    &format!("{}fr", "val-d-orbiere.".repeat(18)),
                    &[site; 4].join(" "),
                ]),
            ),
            (
                "Arabic",
                card_texts([
                    "مرحبا بكم في وادي أوربيير: البحيرة عند شروق الشمس",
                    "نزهة على ضفاف البحيرة بين القصب والجبال، مع مرشد محلي يروي تاريخ الوادي وحكايات الصيادين والرعاة الذين عاشوا هنا منذ قرون.",
                    "الوادي بكل اتساعه",
                    "وادي_أوربيير",
                    "وادي-أوربيير.مثال",
                    "مكتب السياحة في وادي أوربيير",
                ]),
            ),
            (
                "Hebrew",
                card_texts([
                    "ברוכים הבאים לעמק אורבייר: האגם בזריחה",
                    "טיול לאורך שפת האגם בין הקנים וההרים, עם מדריך מקומי שמספר את תולדות העמק ואת סיפורי הדייגים והרועים שחיו כאן במשך מאות שנים.",
                    "העמק במלוא רוחבו",
                    "עמק_אורבייר",
                    "עמק-אורבייר.דוגמה",
                    "לשכת התיירות של עמק אורבייר",
                ]),
            ),
            (
                "emoji",
                card_texts([
                    "🏔️🌊 Le lac 🚣‍♀️ au lever du jour ☀️🌅 👨‍👩‍👧‍👦🇫🇷",
                    "🥾🥾🥾 Balade 🌿🌿 au bord de l'eau 💧💧, pique-nique 🧺🥖🧀🍷 et baignade 🏊‍♂️🏊‍♀️ 👍👍🏽👍🏿 ❤️❤️❤️ 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
                    "🏔️ Le val en grand 🌊",
                    "ValDOrbière🏔️🌊🚣‍♀️",
                    "🏔️🌊.example",
                    "🏔️ Val d'Orbière 🌊 🇫🇷",
                ]),
            ),
        ]
    }

    /// The boxes a card's layout is made of, in card pixels, by id: each
    /// text element (what usvg lays out for its glyphs and the ink of their
    /// outlines), the logo, the photo and the band. Text without an id is
    /// listed as `""`.
    fn layout_boxes(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Text(text) => {
                    let (a, b) = (text.abs_bounding_box(), text.abs_stroke_bounding_box());
                    let union = usvg::Rect::from_ltrb(
                        a.left().min(b.left()),
                        a.top().min(b.top()),
                        a.right().max(b.right()),
                        a.bottom().max(b.bottom()),
                    )
                    .unwrap();
                    out.push((text.id().to_string(), union));
                }
                usvg::Node::Group(g) => {
                    if ["logo", "photo"].contains(&g.id()) {
                        out.push((g.id().to_string(), g.abs_bounding_box()));
                    }
                    layout_boxes(g, out);
                }
                usvg::Node::Path(p) if p.id() == "band" => {
                    out.push(("band".to_string(), p.abs_bounding_box()));
                }
                _ => {}
            }
        }
    }

    /// Rounding of the positions `fit` writes (a tenth of a pixel).
    const SLACK: f32 = 0.1;

    fn inside(inner: usvg::Rect, outer: usvg::Rect) -> bool {
        inner.left() >= outer.left() - SLACK
            && inner.top() >= outer.top() - SLACK
            && inner.right() <= outer.right() + SLACK
            && inner.bottom() <= outer.bottom() + SLACK
    }

    fn overlap(a: usvg::Rect, b: usvg::Rect) -> bool {
        a.right().min(b.right()) - a.left().max(b.left()) > SLACK
            && a.bottom().min(b.bottom()) - a.top().max(b.top()) > SLACK
    }

    /// Every template of the theme, at every size it is drawn at, with and
    /// without photo and logo, with texts of every kind: each text's box
    /// (and the logo's) stays on the card, in the band when the template
    /// has one, off the photo, and apart from the others. Boxes, not
    /// pixels: the SVG is laid out by usvg, never drawn.
    #[test]
    fn every_card_template_keeps_its_text_boxes_apart_and_on_the_card() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cards = manifest.join("themes/postale/cards");
        let templates: Vec<(String, String, String)> = std::fs::read_dir(&cards)
            .unwrap()
            .map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().to_string();
                let text = std::fs::read_to_string(cards.join(&name)).unwrap();
                (name.clone(), text, name)
            })
            .collect();
        let mut fonts: Vec<String> = std::fs::read_dir(manifest.join("themes/postale/fonts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".otf") || n.ends_with(".ttf"))
            .collect();
        fonts.sort();
        let logo = std::fs::read(manifest.join("content-example/static/logo.svg")).unwrap();
        let studio = |with_logo: bool| {
            CardStudio::new(CardAssets {
                fonts: fonts.iter().map(|f| theme_font(f)).collect(),
                logo: with_logo.then(|| (dir.path().join("logo.svg"), logo.clone())),
                ..assets_in(dir.path(), templates.clone())
            })
            .unwrap()
        };
        let studios = [studio(true), studio(false)];
        let images = pipeline(dir.path());
        let photo = plain_photo(dir.path());
        // A slice of the photo is clipped to its <image> box, which is what
        // usvg gives as its bounding box: any layer will do.
        let layer = layer_png(8, 8);
        let texts = sample_texts();
        let mut problems = Vec::new();
        let mut cards = 0;
        for template in studios[0].templates() {
            let sizes: &[(u32, u32)] = if template == "kit" {
                &[
                    (1080, 1080),
                    (1080, 1350),
                    (1080, 1920),
                    (1200, 630),
                    (1600, 900),
                ]
            } else {
                &[CARD_SIZE]
            };
            for &(width, height) in sizes {
                for (studio, with_photo) in studios.iter().flat_map(|s| [(s, true), (s, false)]) {
                    for (kind, values) in &texts {
                        let case = format!(
                            "{template} {width}×{height}, {kind} texts{}{}",
                            if with_photo { ", photo" } else { "" },
                            if studio.logo.is_some() { ", logo" } else { "" },
                        );
                        let spec = CardSpec {
                            template,
                            width,
                            height,
                            stem: "t",
                            values,
                            photo: with_photo.then_some((photo.as_path(), (0.5, 0.5))),
                            budget: KIT_BUDGET,
                            quality: 90,
                        };
                        let (remembered, svg, _) = studio
                            .render_svg(&images, &spec, &format!("{template}.svg"), template)
                            .unwrap();
                        let tree =
                            usvg::Tree::from_str(&svg, &studio.options(Some(Arc::clone(&layer))))
                                .unwrap();
                        cards += 1;
                        if *kind == "short" && !remembered.cut.is_empty() {
                            problems.push(format!("{case}: cut {:?}", remembered.cut));
                        }
                        let mut found = Vec::new();
                        layout_boxes(tree.root(), &mut found);
                        let card =
                            usvg::Rect::from_xywh(0.0, 0.0, width as f32, height as f32).unwrap();
                        let find = |id: &str| found.iter().find(|(i, _)| i == id).map(|(_, b)| *b);
                        let (band, photo_box) = (find("band"), find("photo"));
                        let blocks: Vec<&(String, usvg::Rect)> = found
                            .iter()
                            .filter(|(id, _)| !["band", "photo"].contains(&id.as_str()))
                            .collect();
                        if find("title").is_none() || find("footer").is_none() {
                            problems.push(format!("{case}: no title or no footer"));
                        }
                        // fit() draws nothing when not one line fits its box.
                        if svg.contains("<g data-cut=") {
                            problems.push(format!("{case}: a box too small for one line"));
                        }
                        for (i, (id, b)) in blocks.iter().enumerate() {
                            if id.is_empty() {
                                problems.push(format!("{case}: a text without an id at {b:?}"));
                            }
                            if !inside(*b, card) {
                                problems.push(format!("{case}: {id} leaves the card: {b:?}"));
                            }
                            if let Some(band) = band.filter(|band| !inside(*b, *band)) {
                                problems
                                    .push(format!("{case}: {id} leaves the band {band:?}: {b:?}"));
                            }
                            // Off the photo, unless the photo is under the band.
                            if let Some(p) = photo_box
                                .filter(|p| band.is_none_or(|band| !inside(band, *p)))
                                .filter(|p| overlap(*b, *p))
                            {
                                problems
                                    .push(format!("{case}: {id} is over the photo {p:?}: {b:?}"));
                            }
                            for (other, c) in &blocks[i + 1..] {
                                if overlap(*b, *c) {
                                    problems
                                        .push(format!("{case}: {id} {b:?} overlaps {other} {c:?}"));
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(cards >= 150, "{cards} cards");
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
