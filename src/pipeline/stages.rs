//! The stages of a build, each a function from what the stages before it
//! made to what it makes. [`super::run`] calls them in order; this file
//! knows what each needs, not when it runs.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use rayon::prelude::*;

use crate::assets::{self, BrandFiles};
use crate::audit::Ledger;
use crate::checks;
use crate::community::Community;
use crate::config::Config;
use crate::content::event::EventTimes;
use crate::content::site::{ListingKind, SiteModel};
use crate::content::{self, Content, LoadOptions, PageId, SourceMemo};
use crate::error::{Diagnostic, Error};
use crate::incremental::Recall;
use crate::markdown::{self, AnchorLinks, MarkdownOptions, Rendered};
use crate::media::card::{CardCounts, CardStudio};
use crate::media::map::{MapCounts, MapMaker, MapRequest};
use crate::media::{ImageCounts, ImagePipeline, ImageSettings, ResponsiveImage};
use crate::output::{Sink, file_for};
use crate::render::community::CommunityViews;
use crate::render::jobs::{self, Job, JobOutput, RenderInputs};
use crate::render::kits::KitZip;
use crate::render::map::MapFor;
use crate::render::pages::paginate;
use crate::render::press::{PressLibrary, PressPage};
use crate::render::views::{
    BrandAssets, Detail, HtmlAfterUse, PageHtml, PhotoPages, Summaries, ViewSource,
    share_small_maps, site_view,
};
use crate::render::{Renderer, routes};
use crate::search;
use crate::search::SearchIndex;
use crate::seo::{SitemapImages, SitemapPage};
use crate::shortcodes::{self, GalleryStore, Shortcodes};
use crate::theme::{Strings, Theme};
use crate::url::absolute;

use super::{BuildOptions, Progress};

/// What every stage of one run may read: the site's real root, the
/// options, the progress display, whether it builds or checks and, in
/// `serve`, its memory of the last build.
pub(super) struct Run<'a> {
    pub root: &'a Path,
    pub opts: &'a BuildOptions,
    pub progress: &'a dyn Progress,
    pub recall: Option<&'a Recall<'a>>,
    pub mode: Mode,
    /// In `check`, the errors of the stages so far.
    pub deferred: std::sync::Mutex<Vec<Diagnostic>>,
    /// `opts.now`, through which every decision that reads it goes: the
    /// build's horizon, for `serve` ([`crate::clock`]).
    pub clock: crate::clock::Clock,
}

/// Whether a run builds a site or checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Problems stop the build at the end of the stage that found them.
    Build,
    /// Problems are kept and the stages go on without what they concern,
    /// so that one run reports every independent problem.
    Check,
}

#[cfg(test)]
impl<'a> Run<'a> {
    /// A quiet build without serve's memory: the tests' and
    /// [`with_render_inputs`]'.
    fn quiet_build(root: &'a Path, opts: &'a BuildOptions) -> Run<'a> {
        Run {
            root,
            opts,
            progress: &super::Quiet,
            recall: None,
            mode: Mode::Build,
            deferred: Default::default(),
            clock: crate::clock::Clock::new(opts.now),
        }
    }
}

impl Run<'_> {
    /// A stage's problems: the end of the build, or (in `check`) kept for
    /// the report while the stages go on.
    pub fn defer(&self, problems: Vec<Diagnostic>) -> Result<(), Error> {
        if problems.is_empty() {
            return Ok(());
        }
        match self.mode {
            Mode::Build => Err(Error::Site(problems)),
            Mode::Check => {
                self.deferred
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(problems);
                Ok(())
            }
        }
    }

    /// [`Run::defer`] for a result: its value, or `fallback` when it
    /// failed and the run goes on.
    pub fn go_on<T>(&self, r: Result<T, Error>, fallback: impl FnOnce() -> T) -> Result<T, Error> {
        match r {
            Ok(v) => Ok(v),
            Err(Error::Site(problems)) => {
                self.defer(problems)?;
                Ok(fallback())
            }
            Err(e) => Err(e),
        }
    }

    /// The errors kept so far.
    pub fn take_deferred(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.deferred.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// How many recent pages the home page gets as `latest`.
const LATEST_ON_HOME: usize = 6;

/// Gathers every problem of a list of results, or their values.
fn collect<T>(results: Vec<Result<T, Vec<Diagnostic>>>) -> Result<Vec<T>, Error> {
    let mut ok = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(d) => errors.extend(d),
        }
    }
    Error::or_value(errors, ok)
}

/// The configuration and the brand's files.
pub(super) struct Settings {
    pub config: Config,
    pub brand: BrandFiles,
    pub warnings: Vec<Diagnostic>,
}

pub(super) fn configure(run: &Run<'_>) -> Result<Settings, Error> {
    let (root, opts) = (run.root, run.opts);
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config = config.with_base_url(url)?;
    }
    let mut warnings = config.contrast_warnings();
    warnings.extend(config.raw_html_warning());
    let brand = BrandFiles::find(root, &config)?;
    Ok(Settings {
        config,
        brand,
        warnings,
    })
}

/// The theme and the interface strings of every language.
pub(super) struct Interface {
    pub theme: Theme,
    pub strings: BTreeMap<String, Strings>,
    /// Strings that fall back to English (`i18n-missing`).
    pub warnings: Vec<Diagnostic>,
}

pub(super) fn load_theme(run: &Run<'_>, config: &Config) -> Result<Interface, Error> {
    let root = run.root;
    let theme = Theme::load(root, &config.theme)?;
    let mut strings = BTreeMap::new();
    let mut warnings = Vec::new();
    for lang in config.all_languages() {
        let (s, w) = Strings::load_checked(&theme, root, lang)?;
        strings.insert(lang.to_string(), s);
        warnings.extend(w);
    }
    Ok(Interface {
        theme,
        strings,
        warnings,
    })
}

/// Content, community posts and the site model.
pub(super) struct Site {
    pub content: Content,
    /// Shared with `serve`'s memory, which keeps it for a save that
    /// changes only bodies.
    pub model: std::sync::Arc<SiteModel>,
    /// Whether `model` is the last build's (`serve`, a save of bodies):
    /// what is made of front matter alone, as the sitemap, is the last
    /// build's too.
    pub model_kept: bool,
    /// What the model is made of ([`crate::incremental::fronts`]), in a
    /// build for `serve`.
    pub fronts: Option<blake3::Hash>,
    pub community: Community,
    pub warnings: Vec<Diagnostic>,
}

pub(super) fn load_content(
    run: &Run<'_>,
    config: &Config,
    sources: Option<&mut SourceMemo>,
) -> Result<Site, Error> {
    let (root, opts) = (run.root, run.opts);
    let mut content = content::load(
        root,
        config,
        LoadOptions {
            drafts: opts.drafts,
            clock: run.clock.clone(),
            keep_going: run.mode == Mode::Check,
        },
        sources,
    )?;
    run.defer(std::mem::take(&mut content.errors))?;
    let mut warnings = content.warnings.clone();
    // `serve`: what the model is made of, to know whether the last one
    // is this one's, and for the next build.
    let fronts = run.recall.map(|_| crate::incremental::fronts(&content));
    let kept = run
        .recall
        .zip(fronts.as_ref())
        .and_then(|(r, fronts)| r.site_model(fronts));
    let model_kept = kept.is_some();
    let model = match kept {
        Some(kept) => kept,
        None => {
            let (model, errors) = content::site::build(&content, config);
            run.defer(errors)?;
            std::sync::Arc::new(model)
        }
    };
    let mut community =
        crate::community::load(root, &run.clock, &config.timezone).map_err(Error::Site)?;
    warnings.append(&mut community.warnings);
    if run.mode == Mode::Check {
        // The reuse terms matter to the desk only; check holds the posts
        // against them (docs/community.md).
        let terms = crate::community::desk::load_terms(root);
        let terms = run.go_on(terms.map_err(Error::Site), Vec::new)?;
        warnings.extend(crate::community::desk::terms_warnings(&community, &terms));
    }
    Ok(Site {
        content,
        model,
        model_kept,
        fronts,
        community,
        warnings,
    })
}

/// Templates per language, and the card studio when cards or kits are on.
pub(super) struct Templates {
    /// Shared with `serve`'s memory, which keeps it for a save of bodies.
    pub renderer: std::sync::Arc<Renderer>,
    pub cards: Option<CardStudio>,
    /// The one stylesheet pages link (`stylesheet` in templates).
    pub stylesheet: Option<assets::Stylesheet>,
}

/// The address of the stylesheet pages link (the templates' `stylesheet`);
/// empty without one.
pub(super) fn stylesheet_href(config: &Config, stylesheet: &Option<assets::Stylesheet>) -> String {
    stylesheet
        .as_ref()
        .map(|s| absolute(config.base(), &format!("/{}", s.path)))
        .unwrap_or_default()
}

pub(super) fn prepare_templates(
    run: &Run<'_>,
    settings: &Settings,
    interface: &Interface,
    site: &Site,
) -> Result<Templates, Error> {
    let (root, config) = (run.root, &settings.config);
    let (logo, font) = settings.brand.published(config.base());
    let brand_assets = BrandAssets { logo, font };
    let mut site_views = BTreeMap::new();
    for lang in config.all_languages() {
        let mut v = site_view(config, &interface.strings[lang], lang, &brand_assets);
        v.has_community = !site.community.posts.is_empty();
        // A language that leaves out what it has not translated has no
        // listing for an empty pillar or audience: no link to one either.
        let listed = |kind: &ListingKind, key: &str| {
            site.model
                .listings
                .iter()
                .any(|l| &l.kind == kind && l.key == key && l.lang == lang)
        };
        v.pillars.retain(|p| listed(&ListingKind::Pillar, &p.key));
        v.audiences
            .retain(|a| listed(&ListingKind::Audience, &a.nav.key));
        // The agenda and the tags' index are made in every language
        // (`jobs::plan`, `content::site`); the site's feed unless its home
        // page says `generate_feeds = false`.
        v.has_feed = crate::render::feeds::has_home_feed(&site.content, lang);
        site_views.insert(lang.to_string(), tera::Value::from_serializable(&v));
    }
    // A save of bodies (the last build's site model kept): the template
    // files, strings, configuration, site views and `@/` links are the
    // last build's, so the last build's renderer, its templates loaded
    // and parsed, is this one's.
    let kept = run
        .recall
        .and_then(|r| r.renderer(site.model_kept))
        .cloned();
    let mut made = None;
    if let Some((renderer, then)) = kept {
        let stylesheet = bundle_stylesheet(root, config, &interface.theme, &renderer)?;
        if stylesheet_href(config, &stylesheet) == then {
            made = Some((renderer, stylesheet));
        }
    }
    let (renderer, stylesheet) = match made {
        Some(made) => made,
        None => {
            let mut renderer = Renderer::new(
                &interface.theme,
                root,
                config,
                &interface.strings,
                &site_views,
                &site.content.links,
            )?;
            let stylesheet = bundle_stylesheet(root, config, &interface.theme, &renderer)?;
            let href = stylesheet_href(config, &stylesheet);
            renderer.set_global("stylesheet", tera::Value::from(href));
            (std::sync::Arc::new(renderer), stylesheet)
        }
    };
    let cards = if config.cards.enable || config.share.kit {
        Some(assets::card_studio(
            root,
            &interface.theme,
            config,
            &settings.brand,
        )?)
    } else {
        None
    };
    Ok(Templates {
        renderer,
        cards,
        stylesheet,
    })
}

/// brand.css rendered once, then the theme's style.css after it, as one
/// content-named file (`assets::stylesheet`); none when the theme has
/// neither.
fn bundle_stylesheet(
    root: &Path,
    config: &Config,
    theme: &crate::theme::Theme,
    renderer: &Renderer,
) -> Result<Option<assets::Stylesheet>, Error> {
    let brand = if renderer.has_template("brand.css") {
        renderer.render_bytes(
            &config.default_language,
            "brand.css",
            &tera::Context::new(),
            None,
        )?
    } else {
        Vec::new()
    };
    let style = assets::theme_style(root, theme)?.unwrap_or_default();
    if brand.is_empty() && style.is_empty() {
        return Ok(None);
    }
    Ok(Some(assets::stylesheet(&brand, &style)))
}

/// What front matter names, checked and resolved: events, covers (asked
/// of the image pipeline) and the community posts' images.
pub(super) struct References {
    pub events: Vec<Option<EventTimes>>,
    /// Each language's agenda, from the events: what the agenda's pages
    /// show and how many the sitemap lists.
    pub agendas: HashMap<String, jobs::Agenda>,
    pub images: ImagePipeline,
    pub covers: HashMap<PathBuf, ResponsiveImage>,
    /// Each page's and section's cover file, resolved once.
    pub cover_files: crate::content::CoverFiles,
    pub posts: CommunityViews,
    /// Each map drawn: of a page (its trail or place), of a section.
    pub maps: HashMap<MapFor, ResponsiveImage>,
    pub map_counts: MapCounts,
    /// The maps' and tiles' cache entries this build used.
    pub map_cache: BTreeSet<PathBuf>,
}

pub(super) fn resolve_references(
    run: &Run<'_>,
    config: &Config,
    interface: &Interface,
    site: &mut Site,
) -> Result<References, Error> {
    let root = run.root;
    let content = &site.content;
    let (cover_files, errors) = checks::files(root, content);
    run.defer(errors)?;
    let (events, errors) = checks::events(content, &config.timezone, &run.clock);
    run.defer(errors)?;
    let data_warnings = checks::data(config, &site.content, &events, &run.clock);
    site.warnings.extend(data_warnings);
    site.warnings.extend(checks::tracks(&site.content));
    let share_warnings = checks::share_texts(root, config, &site.content);
    site.warnings.extend(share_warnings);
    let schedule_warnings = checks::share_schedule(root, config, &site.content);
    site.warnings.extend(schedule_warnings);
    let content = &site.content;
    let images = ImagePipeline::new(root, image_settings(config));
    let covers = run.go_on(request_covers(content, &cover_files, &images), HashMap::new)?;
    let (maps, map_counts, map_warnings, map_cache) = run.go_on(
        request_maps(root, config, interface, content, &images),
        || {
            (
                HashMap::new(),
                MapCounts::default(),
                Vec::new(),
                BTreeSet::new(),
            )
        },
    )?;
    site.warnings.extend(map_warnings);
    let community = std::mem::take(&mut site.community);
    let posts = run.go_on(
        CommunityViews::new(community, &images).map_err(Error::Site),
        CommunityViews::default,
    )?;
    run.go_on(
        checks::theme_routes(config, content, &site.model, &interface.strings),
        || (),
    )?;
    let agendas = jobs::agendas(config, content, &events);
    Ok(References {
        events,
        agendas,
        images,
        covers,
        cover_files,
        posts,
        maps,
        map_counts,
        map_cache,
    })
}

fn image_settings(config: &Config) -> ImageSettings {
    ImageSettings {
        widths: config.images.widths.clone(),
        formats: config.images.formats.clone(),
        quality: config.images.quality,
        effort: config.images.effort,
        cache_dir: config.images.cache_dir.clone(),
        base_url: config.base().to_string(),
    }
}

/// Each map (of a page, of a section), the counts, the warnings, and the
/// cache entries used (for `--prune-cache`).
type MapsDrawn = (
    HashMap<MapFor, ResponsiveImage>,
    MapCounts,
    Vec<Diagnostic>,
    BTreeSet<PathBuf>,
);

/// One distinct map drawn: the pages showing it, its variants, whether it
/// lacks tiles.
type DrawnFor = (Vec<MapFor>, Option<ResponsiveImage>, bool);

/// The file a map is drawn for, for messages.
fn map_source(content: &Content, f: MapFor) -> String {
    match f {
        MapFor::Page(i) | MapFor::Card(i) => content.pages[i].file.rel.clone(),
        MapFor::Section(si) => content.sections[si].source_name(),
    }
}

/// Draws every map the site shows (`render::map::site_maps`: trails,
/// places, listings; through the map cache, see `media::map`) and asks
/// for their responsive variants. Pages showing the
/// same map (translations of a bundle) share one drawing. Tiles missing
/// from the cache are one warning that says to run `blason sync`.
fn request_maps(
    root: &Path,
    config: &Config,
    interface: &Interface,
    content: &Content,
    images: &ImagePipeline,
) -> Result<MapsDrawn, Error> {
    let theme = &interface.theme;
    let mut requests = crate::render::map::site_maps(content, config);
    crate::render::map::caption_cards(
        &mut requests,
        content,
        &interface.strings,
        &config.default_language,
    );
    if requests.is_empty() {
        return Ok((
            HashMap::new(),
            MapCounts::default(),
            Vec::new(),
            BTreeSet::new(),
        ));
    }
    let fonts: Vec<Vec<u8>> = theme
        .under("fonts")
        .filter(|(name, _)| name.ends_with(".otf") || name.ends_with(".ttf"))
        .map(|(_, f)| f.bytes.to_vec())
        .collect();
    let maker = MapMaker::new(
        root,
        &config.images.cache_dir,
        &config.maps,
        &config.brand.colors,
        &fonts,
    )
    .map_err(|d| Error::Site(vec![d]))?;
    // One drawing per distinct map, in parallel.
    let mut distinct: Vec<(String, &MapRequest, Vec<MapFor>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, req) in &requests {
        let mut h = blake3::Hasher::new();
        for line in req.lines.iter() {
            for (lon, lat) in line {
                h.update(&lon.to_le_bytes());
                h.update(&lat.to_le_bytes());
            }
            h.update(b"|");
        }
        let key = format!(
            "{}|{:?}|{:?}|{:?}|{:?}",
            h.finalize(),
            req.steps,
            req.place,
            req.size,
            req.caption
        );
        match index.get(&key) {
            Some(&d) => distinct[d].2.push(*i),
            None => {
                index.insert(key.clone(), distinct.len());
                distinct.push((key, req, vec![*i]));
            }
        }
    }
    // Drawn in the order of where they are, so neighbours share decoded
    // tiles (`MapMaker::locality`); results kept in the order above.
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_by_cached_key(|&d| maker.locality(distinct[d].1));
    let draw = |req: &MapRequest, users: &Vec<MapFor>| -> Result<DrawnFor, Diagnostic> {
        // Users of one map are all cards or all not: a card has a caption.
        let file = map_source(content, users[0]);
        let map = maker
            .map(req)
            .map_err(|d| d.cause(format!("it is the map of {file}")))?;
        let (image, lacks) = match map {
            Some(m) => (
                Some(
                    crate::render::map::variants(images, users[0], &m.png)
                        .map_err(|d| d.cause(format!("it is the map of {file}")))?,
                ),
                !m.missing.is_empty(),
            ),
            None => (None, false),
        };
        Ok((users.clone(), image, lacks))
    };
    let mut drawn: Vec<(usize, Result<DrawnFor, Diagnostic>)> = order
        .par_iter()
        .map(|&d| (d, draw(distinct[d].1, &distinct[d].2)))
        .collect();
    drawn.sort_by_key(|(d, _)| *d);
    let mut out = HashMap::new();
    let mut errors = Vec::new();
    let mut lacking = Vec::new();
    for (_, r) in drawn {
        match r {
            Ok((users, image, lacks)) => {
                if lacks {
                    lacking.push(map_source(content, users[0]));
                }
                if let Some(img) = image {
                    for i in users {
                        out.insert(i, img.clone());
                    }
                }
            }
            Err(d) => errors.push(d),
        }
    }
    lacking.sort();
    let counts = maker.counts();
    let mut warnings = Vec::new();
    if counts.missing_tiles > 0 {
        let n = counts.missing_tiles;
        warnings.push(
            Diagnostic::warning(
                "map-tiles",
                format!(
                    "{n} map tile{} not in the cache: the maps of {}{} show a plain background there",
                    if n == 1 { " is" } else { "s are" },
                    lacking.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
                    if lacking.len() > 3 {
                        format!(" and {} more", lacking.len() - 3)
                    } else {
                        String::new()
                    }
                ),
            )
            .file("blason.toml")
            .help(match config.maps.tiles.as_ref().and_then(|t| t.mbtiles()) {
                // sync downloads from servers; a local file is the office's to export.
                Some(file) => format!(
                    "the file {file} has no map of these places at these zooms: export it again covering them up to zoom {}",
                    config.maps.max_zoom
                ),
                None => "run `blason sync` to download the tiles of [maps] tiles, then build again".to_string(),
            }),
        );
    }
    Error::or_value(errors, (out, counts, warnings, maker.used()))
}

/// Asks for the responsive variants of every raster cover (read from its
/// header now, made after rendering); a damaged or oversized image is an
/// error naming it and the page that uses it.
fn request_covers(
    content: &Content,
    cover_files: &crate::content::CoverFiles,
    images: &ImagePipeline,
) -> Result<HashMap<PathBuf, ResponsiveImage>, Error> {
    let mut wanted: Vec<(PathBuf, String)> = Vec::new();
    let covers = content
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fm.cover.as_deref(), cover_files.page(i), &p.file.rel))
        .chain(content.sections.iter().enumerate().filter_map(|(i, s)| {
            s.file
                .as_ref()
                .map(|f| (s.fm.cover.as_deref(), cover_files.section(i), &f.rel))
        }));
    for (cover, path, file) in covers {
        // A cover that is not a file is checks::files' to report.
        let (Some(c), Some(path)) = (cover, path) else {
            continue;
        };
        let lower = c.to_ascii_lowercase();
        if !(lower.ends_with(".jpg")
            || lower.ends_with(".jpeg")
            || lower.ends_with(".png")
            || lower.ends_with(".webp"))
        {
            continue;
        }
        wanted.push((path.to_path_buf(), file.clone()));
    }
    wanted.sort();
    wanted.dedup_by(|a, b| a.0 == b.0);
    let results: Vec<Result<(PathBuf, ResponsiveImage), Diagnostic>> = wanted
        .par_iter()
        .map(|(path, file)| {
            images
                .responsive(path)
                .map(|img| (path.clone(), img))
                .map_err(|d| d.cause(format!("it is the cover of {file}")))
        })
        .collect();
    let mut out = HashMap::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((p, img)) => {
                out.insert(p, img);
            }
            Err(d) => errors.push(d),
        }
    }
    Error::or_value(errors, out)
}

/// Rendered markdown of every page and section, and what it showed of
/// galleries.
pub(super) struct Markdown {
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
    /// For serve: whether each page's rendered markdown was kept from the last build.
    pub kept: Vec<bool>,
    /// For serve: a fingerprint of each page's body (empty in a build).
    pub bodies: Vec<[u8; 32]>,
    /// For serve: a fingerprint of each section file's body (empty in a build).
    pub section_prints: Vec<(String, [u8; 32])>,
    pub galleries: GalleryStore,
}

/// Renders the markdown of every page and section, in parallel. Each page's
/// source is dropped as soon as it is rendered: sources and rendered pages
/// are never all in memory together.
pub(super) fn render_markdown(
    run: &Run<'_>,
    config: &Config,
    content: &mut Content,
    templates: &Templates,
    refs: &References,
) -> Result<Markdown, Error> {
    let (root, progress, recall) = (run.root, run.progress, run.recall);
    progress.stage(
        "markdown",
        (content.pages.len() + content.sections.len()) as u64,
    );
    let site_host = crate::url::host(config.base()).to_string();
    let section_anchor: Vec<AnchorLinks> = content
        .sections
        .iter()
        .map(|s| AnchorLinks::parse(s.fm.insert_anchor_links.as_deref()))
        .collect();
    let galleries = GalleryStore::new(
        root,
        config.languages.keys().cloned().collect(),
        run.clock.clone(),
        config.timezone.tz.clone(),
    );
    let page_sources: Vec<crate::packed::Text> = content
        .pages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.body))
        .collect();
    let content: &Content = content;
    let shortcodes = Shortcodes {
        renderer: &templates.renderer,
        base: config.base(),
        content,
        images: &refs.images,
        galleries: &galleries,
        community: &refs.posts,
        lang: "",
        page: None,
        dir: root,
        path: "/",
    };
    let options = |lang: &str, section: usize| MarkdownOptions {
        typography: config.typography(lang),
        external_links_new_tab: config.markdown.external_links_new_tab,
        site_host: &site_host,
        anchor_links: section_anchor[section],
        raw_html: config.markdown.raw_html,
    };
    // Serve's memory, first point: bodies whose fingerprint is unchanged
    // may keep their rendered markdown (fingerprints were made when the
    // files were read).
    let bodies: Vec<[u8; 32]> = match recall {
        Some(_) => page_sources
            .par_iter()
            .zip(&content.pages)
            .map(|(body, p)| {
                p.file
                    .body
                    .unwrap_or_else(|| crate::stamp::fingerprint(&body.text()))
            })
            .collect(),
        None => Vec::new(),
    };
    let page_bodies: Vec<Result<(Rendered, bool), Vec<Diagnostic>>> = page_sources
        .into_par_iter()
        .zip(content.pages.par_iter())
        .enumerate()
        .map(|(i, (source, p))| {
            let ctx = Shortcodes {
                lang: &p.lang,
                page: Some(i),
                dir: &p.dir,
                path: &p.path,
                ..shortcodes
            };
            progress.advance(1);
            if let Some(kept) = recall.and_then(|r| r.markdown(p, &bodies[i], &ctx)) {
                return Ok((kept, true));
            }
            // Read back here when `serve`'s memory held it packed.
            let source = source.text();
            markdown::render(&source, p.body_line, &options(&p.lang, p.section), &ctx)
                .map(|mut r| {
                    // Held until the page is rendered: packed in a build.
                    if recall.is_none() {
                        r.html = r.html.packed();
                    }
                    (r, false)
                })
                .map_err(|ds| {
                    ds.into_iter()
                        .map(|d| d.in_file(p.file.rel.clone()))
                        .collect()
                })
        })
        .collect();
    let section_bodies: Vec<Result<Rendered, Vec<Diagnostic>>> = content
        .sections
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let ctx = Shortcodes {
                lang: &s.lang,
                dir: &s.dir,
                path: &s.path,
                ..shortcodes
            };
            let name = s.source_name();
            let r = markdown::render(&s.body, s.body_line, &options(&s.lang, i), &ctx)
                .map_err(|ds| ds.into_iter().map(|d| d.in_file(name.clone())).collect());
            progress.advance(1);
            r
        })
        .collect();
    // A body that fails is an empty one for the stages after, in `check`.
    let mut errors = Vec::new();
    let page_bodies: Vec<(Rendered, bool)> = page_bodies
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|d| {
                errors.extend(d);
                (Rendered::default(), false)
            })
        })
        .collect();
    let section_bodies: Vec<Rendered> = section_bodies
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|d| {
                errors.extend(d);
                Rendered::default()
            })
        })
        .collect();
    run.defer(errors)?;
    let (pages, kept): (Vec<Rendered>, Vec<bool>) = page_bodies.into_iter().unzip();
    let section_prints = match recall {
        Some(_) => content
            .sections
            .iter()
            .filter_map(|s| {
                let f = s.file.as_ref()?;
                Some((f.rel.clone(), crate::stamp::fingerprint(&s.body)))
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Markdown {
        pages,
        sections: section_bodies,
        kept,
        bodies,
        section_prints,
        galleries,
    })
}

/// The photo pages of the galleries pages showed, after the checks across
/// files that need the rendered markdown.
pub(super) struct Checked {
    pub photo_pages: Vec<PhotoPages>,
    /// The files of galleries (published as processed images only).
    pub gallery_files: HashSet<PathBuf>,
    /// The press library: the press photos of the galleries pages show.
    pub press: PressLibrary,
    pub warnings: Vec<Diagnostic>,
}

pub(super) fn check_rendered(
    run: &Run<'_>,
    config: &Config,
    interface: &Interface,
    site: &Site,
    md: &Markdown,
    refs: &References,
) -> Result<Checked, Error> {
    let content = &site.content;
    run.go_on(checks::anchors(content, &md.pages, &md.sections), || ())?;
    run.go_on(checks::local_refs(run.root, content, &md.pages), || ())?;
    let gallery_files = md.galleries.owned_files();
    // Files a shortcode names and publishes as they are (a video, its
    // captions) are used, though no markdown link points at them.
    let mut used = gallery_files.clone();
    used.extend(md.galleries.named_files());
    let mut warnings = checks::content_warnings(content, &md.pages, &used);
    warnings.extend(checks::analytics(config, &md.pages, &md.sections));
    // What cleaning removed from the HTML written in bodies, named by file.
    for (p, r) in content.pages.iter().zip(&md.pages) {
        let file = &p.file.rel;
        warnings.extend(r.warnings.iter().map(|d| d.clone().in_file(file.clone())));
    }
    for (s, r) in content.sections.iter().zip(&md.sections) {
        let file = s.source_name();
        warnings.extend(r.warnings.iter().map(|d| d.clone().in_file(file.clone())));
    }
    warnings.extend(std::mem::take(
        &mut *md
            .galleries
            .warnings
            .lock()
            .unwrap_or_else(|p| p.into_inner()),
    ));
    let photo_pages = run.go_on(
        shortcodes::photo_pages(&md.galleries, &refs.images, content, config.base())
            .map_err(Error::Site),
        Vec::new,
    )?;
    run.go_on(
        checks::photo_routes(content, &site.model, &photo_pages),
        || (),
    )?;
    let press = run.go_on(
        gather_press(run.root, config, interface, site, md, refs),
        PressLibrary::default,
    )?;
    Ok(Checked {
        photo_pages,
        gallery_files,
        press,
        warnings,
    })
}

/// The press library, from the galleries pages showed (docs/press.md).
fn gather_press(
    root: &Path,
    config: &Config,
    interface: &Interface,
    site: &Site,
    md: &Markdown,
    refs: &References,
) -> Result<PressLibrary, Error> {
    let content = &site.content;
    let uses = md
        .galleries
        .uses
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut shown = Vec::new();
    for (page, dir) in uses {
        // A gallery that failed to load was reported by the page showing it.
        if let Ok(g) = md.galleries.get(&dir) {
            shown.push((page, dir, g));
        }
    }
    let library = crate::render::press::library(
        root,
        config,
        content,
        &interface.strings,
        &refs.images,
        &shown,
    )
    .map_err(Error::Site)?;
    let taken: Vec<Diagnostic> = library
        .paths()
        .into_iter()
        .filter_map(|path| {
            let r = site.model.routes.get(&path)?;
            Some(
                Diagnostic::error(
                    "url-collision",
                    format!(
                        "the address {path} is wanted by both {} and the press library",
                        r.source
                    ),
                )
                .help("rename the page (slug), or give the library another address: [press] path = \"medias\""),
            )
        })
        .collect();
    Error::or_value(taken, library)
}

/// What the search stage reads.
#[derive(Clone, Copy)]
pub(super) struct SearchSources<'a> {
    pub config: &'a Config,
    pub interface: &'a Interface,
    pub site: &'a Site,
    pub md: &'a Markdown,
    pub refs: &'a References,
    /// Whether `serve`'s last build is the same site but for some bodies
    /// (and templates): its documents of unchanged pages may be taken back.
    pub same_site: bool,
}

/// The search index of each language, from the rendered bodies, written
/// to `sink` (docs/search.md); nothing when `[search] enable = false`.
/// With `keep` (`serve`), `memo` is left with what the next build reads
/// again: the bodies' texts and each language's index.
pub(super) fn index_search(
    from: &SearchSources<'_>,
    sink: &dyn Sink,
    memo: &mut search::Memo,
    keep: bool,
) -> Result<SearchIndex, Error> {
    let SearchSources {
        config,
        interface,
        site,
        md,
        refs,
        same_site,
    } = *from;
    if !config.search.enable {
        return Ok(SearchIndex::default());
    }
    let words = |lang: &str, key: &str| {
        let strings = interface.strings.get(lang)?;
        strings.strings.get(key).cloned()
    };
    let sources = search::docs::Sources {
        config,
        content: &site.content,
        pages: &md.pages,
        sections: &md.sections,
        events: &refs.events,
        covers: &refs.covers,
        cover_files: &refs.cover_files,
        words: &words,
    };
    // `serve` keeps the hashes of the bodies' texts: a save reads again
    // only the bodies it changed, and, when nothing but bodies (and
    // templates) changed, takes back the last documents of the others. A
    // build has no next build to keep them for.
    let (mut docs, mut warnings) =
        search::docs::documents(&sources, keep.then_some(&mut *memo), same_site);
    warnings.extend(search::docs::stemmer_warnings(config));
    let mut out = SearchIndex::default();
    for lang in config.all_languages() {
        // Taken, not copied: a language's pages' text is tens of MB at 10,000 pages.
        let list = docs.remove(lang).unwrap_or_default();
        let facets = search::docs::facets(config, lang, &words);
        // The result files, as the index makes them, then its other files:
        // all at once (`serve`'s site in memory takes its lock once, not
        // 10,000 times).
        let write = |files: &[crate::output::SharedFile]| sink.write_all_shared(files);
        let index = search::build_language_with(lang, list, &facets, memo, keep, &write)?;
        let c = &mut out.counts;
        c.documents += index.documents;
        c.terms += index.terms;
        c.shards += index.shards;
        c.files += index.files.len() + index.results;
        c.analysed += index.analysed;
        c.shards_made += index.shards_made;
        c.documents_kept += index.documents_kept;
        c.bytes += index.files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
        c.bytes += index.results_bytes;
        write(&index.files)?;
        out.manifests.insert(lang.to_string(), index.manifest);
    }
    out.warnings = warnings;
    Ok(out)
}

/// The last build's search index, kept (`serve`, after a save of
/// templates the index does not read: [`crate::incremental::Recall::search_index`]):
/// its files, `files`, are this build's, and it read no page.
pub(super) fn keep_search(
    index: &SearchIndex,
    files: &[crate::output::SharedFile],
    sink: &dyn Sink,
) -> Result<SearchIndex, Error> {
    sink.write_all_shared(files)?;
    let mut kept = index.clone();
    let c = &mut kept.counts;
    c.analysed = 0;
    c.shards_made = 0;
    c.documents_kept = c.documents;
    Ok(kept)
}

/// What the render stage made beyond the files it wrote.
pub(super) struct Pages {
    /// Each page's summary view (`serve` only: a build drops them).
    pub summaries: Vec<tera::Value>,
    /// How many summary views were made, those made for the asking
    /// outside their language's round included (the tests read it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub summaries_made: usize,
    /// The warnings of each job that gave some (kept ones included).
    pub job_warnings: rustc_hash::FxHashMap<Job, Vec<Diagnostic>>,
    /// Kit zips to make once their images are drawn.
    pub kits: Vec<KitZip>,
    /// Press pages to write once their files are made.
    pub press: Vec<PressPage>,
    /// Jobs whose output `serve` kept from its last build.
    pub kept_jobs: Vec<Job>,
    /// For serve: the templates each job rendered (kept ones included).
    pub job_templates: rustc_hash::FxHashMap<Job, Vec<String>>,
}

/// Everything the render stage reads.
pub(super) struct RenderSources<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub interface: &'a Interface,
    pub site: &'a Site,
    pub templates: &'a Templates,
    pub refs: &'a References,
    pub checked: &'a Checked,
    /// Language to the address of its search index's manifest.
    pub search: &'a HashMap<String, String>,
}

/// Renders every page, listing, feed, calendar and kit, in parallel,
/// straight to `sink`. With serve's memory, the outputs of pages whose body
/// did not change, and of listings that show only such pages, are kept;
/// after a template edit, the outputs whose templates read none of those
/// edited.
pub(super) fn render_pages(
    run: &Run<'_>,
    src: &RenderSources<'_>,
    md: &mut Markdown,
    sink: &dyn Sink,
) -> Result<Pages, Error> {
    let (progress, recall) = (run.progress, run.recall);
    let (config, content) = (src.config, &src.site.content);
    let page_html = PageHtml::new(
        &mut md.pages,
        match recall {
            Some(_) => HtmlAfterUse::Keep,
            None => HtmlAfterUse::Release,
        },
    );
    let views = ViewSource {
        config,
        content,
        model: &src.site.model,
        page_bodies: &md.pages,
        html: &page_html,
        section_bodies: &md.sections,
        events: &src.refs.events,
        strings: &src.interface.strings,
        images: &src.refs.covers,
        cover_files: &src.refs.cover_files,
        maps: &src.refs.maps,
        today: run.clock.today(&config.timezone.tz),
        clock: &run.clock,
        near: Default::default(),
    };
    // Serve's memory, second point: pages whose output files the last
    // build made and this one keeps; after a template edit, the outputs
    // whose templates read none of those edited (their data is unchanged).
    let graph = src.templates.renderer.graph();
    let edited = recall.and_then(|r| r.edited_templates(graph));
    let unchanged: Vec<bool> = match recall {
        Some(r) if r.keeps_outputs() || edited.is_some() => md.kept.clone(),
        _ => vec![false; content.pages.len()],
    };
    let shared_maps = SharedMaps::default();
    let made = AtomicUsize::new(0);
    let make = |i: usize| summary(&views, i, &shared_maps, &made);
    // serve keeps every summary for its next build: they are all made
    // first. A build makes them a language at a time (below).
    let all = match recall {
        Some(_) => summaries(&views, recall, &unchanged, &shared_maps, &made),
        None => Vec::new(),
    };
    let summaries = Summaries::new(&make, all);
    let latest = latest_pages(config, content);
    let inputs = RenderInputs {
        views: &views,
        summaries: &summaries,
        latest: &latest,
        agendas: &src.refs.agendas,
        renderer: &src.templates.renderer,
        photo_pages: &src.checked.photo_pages,
        cards: src.templates.cards.as_ref(),
        images: &src.refs.images,
        community: &src.refs.posts,
        search: src.search,
        press: &src.checked.press,
    };
    let assets: Vec<&str> = jobs::ASSET_TEMPLATES
        .into_iter()
        .filter(|a| src.templates.renderer.has_template(a))
        .collect();
    let mut planned = jobs::plan(&inputs, &assets);
    let mut kept_jobs: Vec<Job> = Vec::new();
    if let (Some(r), Some(edited)) = (recall, &edited) {
        let (kept, made): (Vec<Job>, Vec<Job>) = planned
            .into_iter()
            .partition(|j| r.keeps_job(j, graph, edited));
        kept_jobs = kept;
        planned = made;
    } else if let Some(r) = recall
        && r.keeps_outputs()
        && unchanged.iter().any(|&u| u)
    {
        let sections_changed = r.sections_changed(&md.section_prints);
        let keep = |job: &Job| match job {
            Job::Page(i) | Job::PageCalendar(i) | Job::Kit(i) => unchanged[i.0],
            _ => {
                !sections_changed
                    && jobs::listed_pages(job, &inputs)
                        .is_some_and(|pages| pages.iter().all(|&i| unchanged[i]))
            }
        };
        let (kept, made): (Vec<Job>, Vec<Job>) = planned.into_iter().partition(|j| keep(j));
        kept_jobs = kept;
        planned = made;
    }
    progress.stage("render", planned.len() as u64);
    // Outputs that show other pages' HTML first: pages' own outputs then
    // take theirs (PageHtml).
    let (mut ordered, pages_own): (Vec<Job>, Vec<Job>) =
        planned.into_iter().partition(jobs::reads_page_html);
    let first = ordered.len();
    // Then, in a build, one language after another: its pages, then its
    // other outputs; its summaries are made on first use and dropped
    // before the next language's round. Outputs of no language come last.
    // A round's jobs in two parts rendered one after the other.
    let mut rounds: Vec<(Option<&str>, [usize; 2])> = Vec::new();
    match recall {
        Some(_) => {
            rounds.push((None, [pages_own.len(), 0]));
            ordered.extend(pages_own);
        }
        None => {
            let mut rest = pages_own;
            for lang in config.all_languages() {
                let (mine, others): (Vec<Job>, Vec<Job>) = rest
                    .into_iter()
                    .partition(|j| jobs::language(j, &inputs) == Some(lang));
                // Pages' own outputs first: each releases its page's HTML
                // as it makes its summary, so that the language's HTML and
                // summaries are not all held at once; its listings after.
                let (own, lists): (Vec<Job>, Vec<Job>) =
                    mine.into_iter().partition(|j| matches!(j, Job::Page(_)));
                rounds.push((Some(lang), [own.len(), lists.len()]));
                ordered.extend(own);
                ordered.extend(lists);
                rest = others;
            }
            rounds.push((None, [rest.len(), 0]));
            ordered.extend(rest);
        }
    }
    let render = |job: &Job, inputs: &RenderInputs<'_>| {
        let r = jobs::render(job, inputs).and_then(|mut out| {
            for (rel, bytes) in &out.files {
                sink.write(rel, bytes)?;
            }
            // Written: the bytes go now, not when every job is done (on
            // 10,000 pages they were 200 MB held to the end of the stage).
            out.files = Vec::new();
            Ok(out)
        });
        progress.advance(1);
        r.map_err(|d| vec![d])
    };
    let mut results: Vec<Result<JobOutput, Vec<Diagnostic>>> = ordered[..first]
        .par_iter()
        .map(|j| render(j, &inputs))
        .collect();
    let mut start = first;
    for (lang, parts) in rounds {
        // A language's two parts (its pages, then its listings) share its
        // summaries and the small maps within them: a language's unique
        // ones (a cover, a phone number) go with its summaries.
        let round_maps = SharedMaps::default();
        let round_make = |i: usize| summary(&views, i, &round_maps, &made);
        let round_adopt = |v: tera::Value| adopt_summary(v, &round_maps, &made);
        let round = match (recall, lang) {
            (Some(_), _) => None,
            (None, Some(lang)) => Some(Summaries::on_first_use(
                &round_make,
                &round_adopt,
                content.pages.iter().map(|p| p.lang == lang),
            )),
            (None, None) => Some(Summaries::new(&round_make, Vec::new())),
        };
        let here = RenderInputs {
            summaries: round.as_ref().unwrap_or(&summaries),
            ..inputs
        };
        for count in parts {
            let jobs = &ordered[start..start + count];
            start += count;
            results.par_extend(jobs.par_iter().map(|j| render(j, &here)));
        }
        // This language's summaries go now, before the next one's are
        // made, freed by the pool while it renders the next language: on
        // this thread, the pool waited for them (a region's portal: 0.6 s
        // of its build, a quarter of a gigabyte per language).
        if let Some(round) = round {
            let round_made = round.into_made();
            let maps = round_maps.into_inner().unwrap_or_else(|p| p.into_inner());
            rayon::spawn(move || drop((round_made, maps)));
        }
    }
    // Every page's summary, made once (only `serve` has them).
    let summaries: Vec<tera::Value> = summaries.into_made().into_iter().flatten().collect();
    page_html.restore(&mut md.pages);
    let mut job_warnings = rustc_hash::FxHashMap::default();
    let mut job_templates = rustc_hash::FxHashMap::default();
    let mut kits = Vec::new();
    let mut press = Vec::new();
    for (job, out) in ordered.into_iter().zip(collect(results)?) {
        kits.extend(out.kit);
        press.extend(out.press);
        if recall.is_some() {
            job_templates.insert(job.clone(), out.templates);
        }
        if !out.warnings.is_empty() {
            job_warnings.insert(job, out.warnings);
        }
    }
    // Serve's memory, third point: the warnings and templates of the
    // outputs it kept.
    if let Some(r) = recall {
        for job in &kept_jobs {
            if let Some(w) = r.job_warnings(job) {
                job_warnings.insert(job.clone(), w.clone());
            }
            if let Some(t) = r.job_templates(job) {
                job_templates.insert(job.clone(), t.clone());
            }
        }
    }
    Ok(Pages {
        summaries,
        summaries_made: made.into_inner(),
        job_warnings,
        kits,
        press,
        kept_jobs,
        job_templates,
    })
}

/// Small maps met in many summaries, kept once (`share_small_maps`).
type SharedMaps = std::sync::Mutex<HashMap<String, tera::Value>>;

/// Page `i`'s summary view, as listings show it (`made` counts them).
fn summary(
    views: &ViewSource<'_>,
    i: usize,
    shared_maps: &SharedMaps,
    made: &AtomicUsize,
) -> tera::Value {
    adopt_summary(
        tera::Value::from_serializable(&views.page(PageId(i), Detail::Summary)),
        shared_maps,
        made,
    )
}

/// A summary's value once made, counted, its small maps shared.
fn adopt_summary(value: tera::Value, shared_maps: &SharedMaps, made: &AtomicUsize) -> tera::Value {
    made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    share_small_maps(value, shared_maps)
}

/// Every page's summary view, made once; kept from the last build for
/// unchanged pages.
fn summaries(
    views: &ViewSource<'_>,
    recall: Option<&Recall<'_>>,
    unchanged: &[bool],
    shared_maps: &SharedMaps,
    made: &AtomicUsize,
) -> Vec<Option<tera::Value>> {
    let content = views.content;
    (0..content.pages.len())
        .into_par_iter()
        .map(|i| {
            let kept = recall
                .and_then(|r| r.page(&content.pages[i].file.rel))
                .filter(|_| unchanged[i]);
            Some(match kept {
                Some(m) => m.summary.clone(),
                None => summary(views, i, shared_maps, made),
            })
        })
        .collect()
}

/// The most recent dated pages of each language, for the home page.
fn latest_pages(config: &Config, content: &Content) -> HashMap<String, Vec<usize>> {
    let mut latest = HashMap::new();
    for lang in config.all_languages() {
        // Events have the agenda's block: "À la une" neither repeats the
        // next ones nor promotes a past or cancelled one.
        let mut list: Vec<usize> = (0..content.pages.len())
            .filter(|&i| {
                let p = &content.pages[i];
                p.lang == lang && p.date.is_some() && p.fm.event.is_none()
            })
            .collect();
        content.date_order(&config.timezone).sort(&mut list);
        list.truncate(LATEST_ON_HOME);
        latest.insert(lang.to_string(), list);
    }
    latest
}

/// Social cards and kit images, then the kits' zips.
pub(super) fn draw_cards(
    cards: Option<&CardStudio>,
    images: &ImagePipeline,
    kits: &[KitZip],
    sink: &dyn Sink,
) -> Result<CardCounts, Error> {
    let Some(studio) = cards else {
        return Ok(CardCounts::default());
    };
    let counts = studio.draw(images, sink).map_err(Error::Site)?;
    let made: Vec<Result<(), Vec<Diagnostic>>> = kits
        .par_iter()
        .map(|kit| {
            let files = kit.all_files().map_err(|d| vec![d])?;
            let bytes = studio
                .zip(&kit.path, &kit.images, &files)
                .map_err(|d| vec![d])?;
            sink.write(&kit.path, &bytes).map_err(|d| vec![d])?;
            // The kit page shows the zip's size: written now it is known.
            match kit.page(bytes.len()) {
                Some((path, html)) => sink.write(&path, &html).map_err(|d| vec![d]),
                None => Ok(()),
            }
        })
        .collect();
    collect(made)?;
    Ok(counts)
}

/// The press albums' zips, then the press pages with their files' sizes.
pub(super) fn write_press(
    src: &RenderSources<'_>,
    images: &ImagePipeline,
    pages: &[PressPage],
    sink: &dyn Sink,
) -> Result<(), Error> {
    let files = crate::render::press::files(
        &src.checked.press,
        pages,
        images,
        &src.site.content,
        &src.config.default_language,
    )
    .map_err(Error::Site)?;
    for (path, bytes) in files {
        sink.write(&path, &bytes)?;
    }
    Ok(())
}

/// Removes the cache entries of images and cards this build did not use.
pub(super) fn prune_cache(
    root: &Path,
    config: &Config,
    refs: &References,
    cards: Option<&CardStudio>,
    counts: &mut ImageCounts,
) -> Result<(), Error> {
    counts.pruned = refs.images.prune()?;
    counts.pruned += crate::media::map::prune(root, &config.images.cache_dir, &refs.map_cache)?;
    if let Some(studio) = cards {
        counts.pruned += studio.prune();
    }
    Ok(())
}

/// Static files and assets, the highlighting stylesheet, sitemap.xml and robots.txt.
pub(super) fn write_site_files(
    src: &RenderSources<'_>,
    md: &Markdown,
    settings: &Settings,
    sink: &dyn Sink,
) -> Result<(), Error> {
    let (root, config, content) = (src.root, src.config, &src.site.content);
    assets::copy_static(
        root,
        &src.interface.theme,
        content,
        sink,
        &settings.brand,
        &src.refs.covers,
        &src.checked.gallery_files,
    )?;
    if let Some(s) = &src.templates.stylesheet {
        sink.write(&s.path, &s.bytes)?;
    }
    if md.pages.iter().any(|b| b.has_code) {
        sink.write(
            "highlight.css",
            markdown::highlight::stylesheet().as_bytes(),
        )?;
    }
    sink.write("robots.txt", crate::seo::robots(config).as_bytes())?;
    for (path, bytes) in crate::render::opendata::files(config, content) {
        sink.write(path, &bytes)?;
    }
    // The sitemap is made of front matter, the site model, covers and
    // photos: with the last build's model (only bodies changed), `serve`
    // keeps the last build's, written in the memory this build started from.
    if src.site.model_kept {
        return Ok(());
    }
    let mut extra = theme_pages(config, content, &src.interface.strings, &src.refs.posts);
    extra.extend(photo_pages(content, &src.checked.photo_pages));
    extra.extend(
        src.checked
            .press
            .paths()
            .into_iter()
            .map(|path| SitemapPage {
                path,
                images: Vec::new(),
            }),
    );
    extra.extend(later_pagers(
        config,
        content,
        &src.site.model,
        &src.interface.strings,
        &src.refs.agendas,
    ));
    let images = SitemapImages {
        covers: &src.refs.covers,
        cover_files: &src.refs.cover_files,
    };
    for (path, xml) in crate::seo::sitemap(config, content, &src.site.model, &images, &extra) {
        sink.write(&path, xml.as_bytes())?;
    }
    Ok(())
}

/// `check`'s link audit of every file written (`crate::audit`), when the
/// stages found no error (a page that failed would only add broken links).
pub(super) fn audit_output(
    run: &Run<'_>,
    site: &Site,
    checked: &Checked,
    ledger: &Ledger,
) -> Result<(), Error> {
    let clean = run
        .deferred
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_empty();
    if !clean {
        return Ok(());
    }
    let content = &site.content;
    let mut sources: HashMap<String, String> = HashMap::new();
    for p in &content.pages {
        sources.insert(file_for(&p.path), p.file.rel.clone());
    }
    for s in &content.sections {
        if let Some(f) = &s.file {
            sources.insert(file_for(&s.path), f.rel.clone());
        }
    }
    for set in &checked.photo_pages {
        let owner = &content.pages[set.page].file.rel;
        for i in 0..set.photos.len() {
            sources.insert(file_for(&set.path(content, i)), owner.clone());
        }
    }
    run.defer(ledger.findings(&sources))
}

/// Pages the render stage makes beyond content and listings (agenda, site
/// map, community, the audiences' index), for the sitemap.
fn theme_pages(
    config: &Config,
    content: &Content,
    strings: &BTreeMap<String, Strings>,
    posts: &CommunityViews,
) -> Vec<SitemapPage> {
    let mut out = Vec::new();
    for lang in config.all_languages() {
        let Some(st) = strings.get(lang) else {
            continue;
        };
        out.push(routes::site_map(config, st, lang));
        // A section standing at the agenda's address is listed, or not, as
        // a section (a redirect is left out).
        out.extend(jobs::theme_agenda(config, content, st, lang));
        if !config.audiences.is_empty() {
            out.push(routes::audiences_index(config, lang));
        }
        if !posts.is_empty() {
            out.push(routes::community(config, st, lang));
            for tag in posts.tags() {
                out.push(routes::community_tag(config, st, lang, tag));
            }
        }
    }
    out.into_iter()
        .map(|path| SitemapPage {
            path,
            images: Vec::new(),
        })
        .collect()
}

/// The second and later pages of paginated sections, tags and agendas, for
/// the sitemap (their addresses are the render stage's: `render::pages::paginate`).
fn later_pagers(
    config: &Config,
    content: &Content,
    model: &SiteModel,
    strings: &BTreeMap<String, Strings>,
    agendas: &HashMap<String, jobs::Agenda>,
) -> Vec<SitemapPage> {
    let base = config.base();
    let events = |lang: &str| agendas.get(lang).map_or(0, jobs::Agenda::len);
    let mut out = Vec::new();
    let mut add = |count: usize, per: usize, path: &str, pp: &str| {
        let all: Vec<usize> = (0..count).collect();
        for n in 1..jobs::pagers(count, per) {
            out.push(SitemapPage {
                path: paginate(&all, per, n, path, pp, base).path,
                images: Vec::new(),
            });
        }
    };
    for (i, s) in content.sections.iter().enumerate() {
        if s.fm.render == Some(false) || s.fm.redirect_to.is_some() || s.fm.draft {
            continue;
        }
        let pp = s.fm.paginate_path.as_deref().unwrap_or("page");
        // The agenda's section is paged by its events.
        if jobs::is_agenda_section(config, strings, s) {
            add(
                events(&s.lang),
                jobs::agenda_per_page(config, Some(s)),
                &s.path,
                pp,
            );
            continue;
        }
        let count = match model.merged_sections.get(&i) {
            Some(&l) => model.listings[l].pages.len(),
            None => s.pages.len(),
        };
        add(count, s.fm.paginate_by, &s.path, pp);
    }
    for lang in config.all_languages() {
        if let Some(st) = strings.get(lang)
            && let Some(path) = jobs::theme_agenda(config, content, st, lang)
        {
            add(
                events(lang),
                jobs::agenda_per_page(config, None),
                &path,
                "page",
            );
        }
    }
    for l in model.listings.iter().filter(|l| l.section.is_none()) {
        if matches!(l.kind, ListingKind::Term { .. }) {
            add(l.pages.len(), config.paginate_taxonomies, &l.path, "page");
        }
    }
    out
}

/// The pages of photos, each with its published image (the `<img>`
/// fallback: the JPEG at most 1600 pixels wide by default), for the sitemap.
fn photo_pages(content: &Content, sets: &[PhotoPages]) -> Vec<SitemapPage> {
    let mut out = Vec::new();
    for set in sets.iter().filter(|s| !content.pages[s.page].fm.draft) {
        for (i, photo) in set.photos.iter().enumerate() {
            out.push(SitemapPage {
                path: set.path(content, i),
                images: vec![photo.full.fallback.url.clone()],
            });
        }
    }
    out
}

/// What the stages before the render stage give (tests).
#[cfg(test)]
struct BeforeRender {
    settings: Settings,
    interface: Interface,
    site: Site,
    templates: Templates,
    refs: References,
    md: Markdown,
    checked: Checked,
}

/// The options of the stages' unit tests: a build at a fixed moment.
#[cfg(test)]
fn test_options(root: &Path) -> BuildOptions {
    BuildOptions {
        now: jiff::Timestamp::from_second(1_782_864_000).unwrap(),
        ..BuildOptions::new(root)
    }
}

/// Every stage before the render stage, each expected to succeed (tests).
#[cfg(test)]
fn before_render(run: &Run<'_>) -> BeforeRender {
    let settings = configure(run).unwrap();
    let config = &settings.config;
    let interface = load_theme(run, config).unwrap();
    let mut site = load_content(run, config, None).unwrap();
    let templates = prepare_templates(run, &settings, &interface, &site).unwrap();
    let refs = resolve_references(run, config, &interface, &mut site).unwrap();
    let md = render_markdown(run, config, &mut site.content, &templates, &refs).unwrap();
    let checked = check_rendered(run, config, &interface, &site, &md, &refs).unwrap();
    BeforeRender {
        settings,
        interface,
        site,
        templates,
        refs,
        md,
        checked,
    }
}

/// Runs the stages up to rendering on the site at `root` and gives the
/// render stage's inputs to `f`: the unit tests of jobs use it.
#[cfg(test)]
pub(crate) fn with_render_inputs<T>(root: &Path, f: impl FnOnce(&RenderInputs<'_>) -> T) -> T {
    let root = root.canonicalize().unwrap();
    let opts = test_options(&root);
    let run = Run::quiet_build(&root, &opts);
    let BeforeRender {
        settings,
        interface,
        site,
        templates,
        refs,
        mut md,
        checked,
    } = before_render(&run);
    let config = &settings.config;
    let content = &site.content;
    let page_html = PageHtml::new(&mut md.pages, HtmlAfterUse::Keep);
    let views = ViewSource {
        config,
        content,
        model: &site.model,
        page_bodies: &md.pages,
        html: &page_html,
        section_bodies: &md.sections,
        events: &refs.events,
        strings: &interface.strings,
        images: &refs.covers,
        cover_files: &refs.cover_files,
        maps: &refs.maps,
        today: run.clock.today(&config.timezone.tz),
        clock: &run.clock,
        near: Default::default(),
    };
    let shared_maps = SharedMaps::default();
    let count = AtomicUsize::new(0);
    let made = summaries(&views, None, &[], &shared_maps, &count);
    let make = |i: usize| summary(&views, i, &shared_maps, &count);
    let summaries = Summaries::new(&make, made);
    let latest = latest_pages(config, content);
    f(&RenderInputs {
        views: &views,
        summaries: &summaries,
        latest: &latest,
        agendas: &refs.agendas,
        renderer: &templates.renderer,
        photo_pages: &checked.photo_pages,
        cards: templates.cards.as_ref(),
        images: &refs.images,
        community: &refs.posts,
        search: &HashMap::new(),
        press: &checked.press,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Memory;
    use crate::testing::site;

    const HOME: &str = "+++\ntitle = \"Accueil\"\ndescription = \"D\"\n+++\nBienvenue.\n";
    const LAC: &str = "+++\ntitle = \"Le lac\"\ndescription = \"Un lac.\"\ndate = 2026-06-01\ntags = [\"Lac\", \"été\"]\naudiences = [\"visiteurs\"]\n+++\n## Au bord\n\nVoir [la fête](@/tourisme/fete.md#programme).\n";
    const FETE: &str = "+++\ntitle = \"La fête\"\ndescription = \"Une fête.\"\ndate = 2026-05-01\n[event]\nstart = 2026-08-14T21:00:00+02:00\nend = 2026-08-14T23:00:00+02:00\n+++\n## Programme\n\nFeu d'artifice.\n";

    /// The site model `serve`'s memory keeps.
    fn model(memo: &crate::incremental::Memo) -> std::sync::Arc<SiteModel> {
        let last = memo.last.as_ref().unwrap();
        std::sync::Arc::clone(&last.model.as_ref().unwrap().0)
    }

    /// The loaded templates `serve`'s memory keeps.
    fn renderer(memo: &crate::incremental::Memo) -> std::sync::Arc<Renderer> {
        let last = memo.last.as_ref().unwrap();
        std::sync::Arc::clone(&last.renderer.as_ref().unwrap().0)
    }

    /// The search index's files, by path.
    fn search_files(files: &crate::output::Files) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = files
            .iter()
            .filter(|(k, _)| k.starts_with(crate::search::FOLDER))
            .map(|(k, b)| (k.to_string(), b.to_vec()))
            .collect();
        v.sort();
        v
    }

    fn tiny() -> tempfile::TempDir {
        site(&[
            ("content/_index.md", HOME),
            ("content/tourisme/lac.md", LAC),
            ("content/tourisme/fete.md", FETE),
        ])
    }

    /// Every stage up to the render stage's, on the site in `dir`: the
    /// number of pages and what the render stage gave.
    fn rendered(dir: &tempfile::TempDir) -> (usize, Pages) {
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let run = Run::quiet_build(&root, &opts);
        let BeforeRender {
            settings,
            interface,
            site,
            templates,
            refs,
            mut md,
            checked,
        } = before_render(&run);
        let src = RenderSources {
            root: &root,
            config: &settings.config,
            interface: &interface,
            site: &site,
            templates: &templates,
            refs: &refs,
            checked: &checked,
            search: &HashMap::new(),
        };
        let pages = render_pages(&run, &src, &mut md, &Memory::default()).unwrap();
        (site.content.pages.len(), pages)
    }

    #[test]
    fn a_build_makes_each_summary_once_a_language_at_a_time() {
        // Two languages, each page in the home page's latest, its pillar,
        // its tags, its audience and (the event) the agenda of its language:
        // every listing finds its language's summaries made in its round.
        let en_lac = LAC
            .replace("Le lac", "The lake")
            .replace("Au bord", "Ashore");
        let en_fete = FETE.replace("La fête", "The fair");
        let dir = site(&[
            (
                "blason.toml",
                &format!("{}\n[languages.en]\n", crate::testing::CONFIG),
            ),
            ("content/_index.md", HOME),
            ("content/_index.en.md", HOME),
            ("content/tourisme/lac.md", LAC),
            ("content/tourisme/lac.en.md", &en_lac),
            ("content/tourisme/fete.md", FETE),
            ("content/tourisme/fete.en.md", &en_fete),
        ]);
        let (pages, out) = rendered(&dir);
        assert_eq!(pages, 4);
        assert_eq!(out.summaries_made, pages);
        assert!(out.summaries.is_empty());
    }

    /// A site whose lake page has a long body (40 paragraphs, each ending
    /// "moulin de la Roche."): long enough to be held packed.
    fn long_lac_site() -> tempfile::TempDir {
        let walk = "Le sentier longe la rivière jusqu'au moulin de la Roche.\n\n".repeat(40);
        let lac = format!("{LAC}{walk}");
        site(&[
            ("content/_index.md", HOME),
            ("content/tourisme/lac.md", &lac),
            ("content/tourisme/fete.md", FETE),
        ])
    }

    #[test]
    fn a_build_holds_each_long_body_packed_until_its_page_is_written() {
        let dir = long_lac_site();
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let run = Run::quiet_build(&root, &opts);
        let b = before_render(&run);
        let i = b
            .site
            .content
            .pages
            .iter()
            .position(|p| p.slug == "lac")
            .unwrap();
        let html = &b.md.pages[i].html;
        assert!(
            html.held_len() * 2 < html.len(),
            "held {} of {}",
            html.held_len(),
            html.len()
        );
        let src = RenderSources {
            root: &root,
            config: &b.settings.config,
            interface: &b.interface,
            site: &b.site,
            templates: &b.templates,
            refs: &b.refs,
            checked: &b.checked,
            search: &HashMap::new(),
        };
        let mut md = b.md;
        let sink = Memory::default();
        render_pages(&run, &src, &mut md, &sink).unwrap();
        let files = sink.into_files();
        let page = String::from_utf8(files["tourisme/lac/index.html"].to_vec()).unwrap();
        // The whole text, once per paragraph (typography curls the apostrophe).
        assert_eq!(
            page.matches("moulin de la Roche.</p>").count(),
            40,
            "{page}"
        );
    }

    #[test]
    fn serve_packs_the_bodies_it_keeps_once_idle_and_renders_them_whole() {
        use crate::incremental::Memo;
        use crate::pipeline::{build_changes, pack_last};
        let dir = long_lac_site();
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let kept = |memo: &Memo| {
            let last = memo.last.as_ref().unwrap();
            let rendered = last.pages["content/tourisme/lac.md"].rendered.as_ref();
            rendered.unwrap().html.clone()
        };
        let page = |files: &crate::output::Files| {
            String::from_utf8(files["tourisme/lac/index.html"].to_vec()).unwrap()
        };
        let mut memo = Memo::default();
        let first = build_changes(&opts, &mut memo, &[]).unwrap().1;
        let first = page(&first.read_all().unwrap());
        let plain = kept(&memo);
        assert_eq!(plain.held_len(), plain.len(), "held as rendered until idle");

        // Idle: the kept body is packed, and the search index's memory of
        // its text knows it by the packed HTML.
        pack_last(&mut memo).unwrap();
        let packed = kept(&memo);
        assert!(
            packed.held_len() * 2 < packed.len(),
            "held {} of {}",
            packed.held_len(),
            packed.len()
        );
        assert!(memo.search.texts.holds(&packed));

        // A template created renders every page again, from the kept
        // bodies: the page is whole, the same as before.
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/unused.html"), "<p>x</p>").unwrap();
        let (report, again) =
            build_changes(&opts, &mut memo, &[root.join("templates/unused.html")]).unwrap();
        assert_eq!(report.pages_kept, 0, "every page made again");
        assert_eq!(report.search.analysed, 0, "no page's text read again");
        let again = page(&again.read_all().unwrap());
        assert_eq!(again.matches("moulin de la Roche.</p>").count(), 40);
        assert_eq!(again, first);
        assert!(
            crate::markdown::held::Html::ptr_eq(&kept(&memo), &packed),
            "the packed body was the one rendered, and is kept"
        );

        // A full build renders the markdown again, read back from the
        // packed copy `serve` remembers of the file: the same page.
        let (report, full) = build_changes(&opts, &mut memo, &[root.join("blason.toml")]).unwrap();
        assert_eq!(report.pages_kept, 0);
        assert!(
            !crate::markdown::held::Html::ptr_eq(&kept(&memo), &packed),
            "rendered again"
        );
        assert_eq!(page(&full.read_all().unwrap()), first);
    }

    #[test]
    fn a_save_of_bodies_keeps_the_site_model_and_any_other_makes_it_again() {
        use crate::incremental::{Memo, Recall, Reuse};
        use crate::pipeline::build_changes;
        let dir = site(&[
            ("content/_index.md", HOME),
            ("content/tourisme/lac.md", LAC),
            ("content/tourisme/fete.md", FETE),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let lac = root.join("content/tourisme/lac.md");
        let mut memo = Memo::default();
        build_changes(&opts, &mut memo, &[]).unwrap();
        let (first, templates) = (model(&memo), renderer(&memo));

        std::fs::write(&lac, format!("{LAC}\nUne phrase de plus.\n")).unwrap();
        build_changes(&opts, &mut memo, std::slice::from_ref(&lac)).unwrap();
        assert!(std::sync::Arc::ptr_eq(&model(&memo), &first), "kept");
        assert!(std::sync::Arc::ptr_eq(&renderer(&memo), &templates), "kept");

        // A title is front matter: the model is made again, with it.
        let renamed = LAC.replace("title = \"Le lac\"", "title = \"Le lac bleu\"");
        std::fs::write(&lac, &renamed).unwrap();
        let (_, files) = build_changes(&opts, &mut memo, std::slice::from_ref(&lac)).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&model(&memo), &first), "made again");
        assert!(!std::sync::Arc::ptr_eq(&renderer(&memo), &templates));
        let listing = files.read_all().unwrap();
        let pillar = String::from_utf8(listing["tourisme/index.html"].to_vec()).unwrap();
        assert!(pillar.contains("Le lac bleu"), "{pillar}");

        // A save classified as bodies only, whose file's front matter
        // changed again before the content was read: not kept.
        let run = Run::quiet_build(&root, &opts);
        let settings = configure(&run).unwrap();
        let recall = |reuse| Recall {
            last: memo.last.as_ref(),
            reuse,
            follow: None,
        };
        let loaded = load_content(&run, &settings.config, None).unwrap();
        assert!(
            recall(Reuse::Pages)
                .site_model(&crate::incremental::fronts(&loaded.content))
                .is_some()
        );
        assert!(
            recall(Reuse::Markdown)
                .site_model(&crate::incremental::fronts(&loaded.content))
                .is_none()
        );
        std::fs::write(&lac, LAC).unwrap();
        let loaded = load_content(&run, &settings.config, None).unwrap();
        assert!(
            recall(Reuse::Pages)
                .site_model(&crate::incremental::fronts(&loaded.content))
                .is_none()
        );
        // Nor with a page fewer.
        std::fs::write(&lac, &renamed).unwrap();
        std::fs::remove_file(root.join("content/tourisme/fete.md")).unwrap();
        let loaded = load_content(&run, &settings.config, None).unwrap();
        assert!(
            recall(Reuse::Pages)
                .site_model(&crate::incremental::fronts(&loaded.content))
                .is_none()
        );
    }

    #[test]
    fn a_save_of_templates_keeps_the_site_model_and_the_search_index_unless_a_shortcode_reads_one()
    {
        use crate::incremental::Memo;
        use crate::pipeline::build_changes;
        let page = |mark: &str| {
            format!(
                "{{% extends \"base.html\" %}}{{% block content %}}<p>{mark}</p>{{{{ page.content | safe }}}}{{% endblock content %}}"
            )
        };
        let note = |word: &str| format!("<aside>{word} {{{{ body }}}}</aside>");
        let fete = FETE.replace("Feu d'artifice.", "{% note() %}Bal{% end %}");
        let dir = site(&[
            ("content/_index.md", HOME),
            ("content/tourisme/lac.md", LAC),
            ("content/tourisme/fete.md", &fete),
            ("templates/page.html", &page("avant")),
            ("templates/shortcodes/note.html", &note("lampions")),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let (page_html, shortcode) = (
            root.join("templates/page.html"),
            root.join("templates/shortcodes/note.html"),
        );
        let index = |served: &crate::output::Served| search_files(&served.read_all().unwrap());
        let full = || build_changes(&opts, &mut Memo::default(), &[]).unwrap();
        let mut memo = Memo::default();
        let (_, first) = build_changes(&opts, &mut memo, &[]).unwrap();
        let (first_model, first_renderer) = (model(&memo), renderer(&memo));
        let first_index = index(&first);
        assert!(first_index.len() > 3, "a manifest, shards and results");

        // The page template: pages are rendered with the new one, from the
        // same model; the index is the last one, no page read.
        std::fs::write(&page_html, page("après")).unwrap();
        let (report, saved) =
            build_changes(&opts, &mut memo, std::slice::from_ref(&page_html)).unwrap();
        let lac = |served: &crate::output::Served| {
            let files = served.read_all().unwrap();
            String::from_utf8(files["tourisme/lac/index.html"].to_vec()).unwrap()
        };
        assert!(lac(&saved).contains("<p>après</p>"), "{}", lac(&saved));
        assert!(std::sync::Arc::ptr_eq(&model(&memo), &first_model), "kept");
        assert!(
            !std::sync::Arc::ptr_eq(&renderer(&memo), &first_renderer),
            "the templates are loaded again"
        );
        let s = &report.search;
        assert_eq!((s.analysed, s.shards_made), (0, 0), "{s:?}");
        assert_eq!(s.documents_kept, s.documents);
        assert_eq!(index(&saved), first_index);
        for (rel, _) in &first_index {
            assert!(first.shares(&saved, rel), "{rel} made again");
        }
        let (full_report, full_files) = full();
        assert_eq!(index(&full_files), first_index, "what a full build writes");
        assert_eq!(report.search.files, full_report.search.files);
        assert_eq!(report.search.bytes, full_report.search.bytes);
        assert_eq!(lac(&saved), lac(&full_files));
        assert_eq!(
            saved.paths().collect::<std::collections::BTreeSet<_>>(),
            full_files.paths().collect(),
            "the same files as a full build"
        );

        // A shortcode's template is in bodies, which the index reads: made
        // again, with the new word.
        std::fs::write(&shortcode, note("guirlandes")).unwrap();
        let (report, saved) =
            build_changes(&opts, &mut memo, std::slice::from_ref(&shortcode)).unwrap();
        assert!(report.search.analysed > 0, "{:?}", report.search);
        let after = index(&saved);
        assert_ne!(after, first_index);
        assert!(
            after
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains("guirlandes")),
            "the new word is found"
        );
        assert_eq!(after, index(&full().1));
    }

    #[test]
    fn a_save_of_bodies_keeps_the_site_model_beside_a_feed_of_many_pages_in_one_file() {
        use crate::incremental::Memo;
        use crate::pipeline::build_changes;
        let events = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/data/openagenda/events.json"
        ))
        .unwrap();
        let config = format!(
            "{}[[data]]\nname = \"agenda\"\nformat = \"openagenda\"\npath = \"data/agenda/events.json\"\nsection = \"tourisme\"\n",
            crate::testing::CONFIG
        );
        let dir = site(&[
            ("blason.toml", &config),
            ("data/agenda/events.json", &events),
            ("content/_index.md", HOME),
            ("content/tourisme/lac.md", LAC),
            ("content/tourisme/fete.md", FETE),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let lac = root.join("content/tourisme/lac.md");
        let mut memo = Memo::default();
        let (report, _) = build_changes(&opts, &mut memo, &[]).unwrap();
        assert!(report.pages >= 4, "two pages and the feed's events");
        let last = memo.last.as_ref().unwrap();
        let from_feed = last
            .sources
            .keys()
            .filter(|k| k.starts_with("data/"))
            .count();
        assert_eq!(from_feed, 1, "the feed's pages share their file");
        let first = model(&memo);

        std::fs::write(&lac, format!("{LAC}\nUne phrase de plus.\n")).unwrap();
        build_changes(&opts, &mut memo, std::slice::from_ref(&lac)).unwrap();
        let kept = &memo.last.as_ref().unwrap().model.as_ref().unwrap().0;
        assert!(std::sync::Arc::ptr_eq(kept, &first));
    }

    #[test]
    fn a_build_that_fails_after_the_search_stage_leaves_it_no_document_to_take_back() {
        use crate::incremental::Memo;
        use crate::pipeline::build_changes;
        let dir = site(&[
            ("content/_index.md", HOME),
            ("content/tourisme/lac.md", LAC),
            ("content/tourisme/fete.md", FETE),
            // Used by no page: the first build does not render it.
            ("templates/broken.html", "{{ nothing.here }}"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let lac = root.join("content/tourisme/lac.md");
        let index = search_files;
        let mut memo = Memo::default();
        build_changes(&opts, &mut memo, &[]).unwrap();

        // Another title, and a template that fails to render: the build
        // stops in the render stage, after the search stage made the
        // page's document with that title.
        let renamed = LAC.replace(
            "title = \"Le lac\"",
            "title = \"Le lac bleu\"\ntemplate = \"broken.html\"",
        );
        std::fs::write(&lac, renamed).unwrap();
        let failed = build_changes(&opts, &mut memo, std::slice::from_ref(&lac));
        assert!(failed.is_err(), "the template fails");

        // Saved back as it was: the pages of the last good build are kept,
        // and the index is the one a full build writes (no "bleu").
        std::fs::write(&lac, LAC).unwrap();
        let (report, kept) = build_changes(&opts, &mut memo, std::slice::from_ref(&lac)).unwrap();
        assert!(report.pages_kept > 0);
        let full = build_changes(&opts, &mut Memo::default(), &[]).unwrap().1;
        let (kept, full) = (
            index(&kept.read_all().unwrap()),
            index(&full.read_all().unwrap()),
        );
        assert!(!kept.is_empty());
        assert!(kept == full, "the index differs from a full build's");
    }

    #[test]
    fn each_stage_hands_its_typed_output_to_the_next() {
        let dir = tiny();
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let run = Run::quiet_build(&root, &opts);
        let settings = configure(&run).unwrap();
        let config = &settings.config;
        assert_eq!(config.title, "Territoire");
        assert!(settings.brand.logo.is_none() && settings.warnings.is_empty());

        let interface = load_theme(&run, config).unwrap();
        assert!(interface.strings.contains_key("fr"));

        let mut site = load_content(&run, config, None).unwrap();
        assert_eq!(site.content.pages.len(), 2);
        let pillar = site.model.listings.iter().find(|l| l.key == "tourisme");
        assert_eq!(pillar.map(|l| l.pages.len()), Some(2));

        let templates = prepare_templates(&run, &settings, &interface, &site).unwrap();
        assert!(templates.cards.is_none(), "cards and kits are off");

        let refs = resolve_references(&run, config, &interface, &mut site).unwrap();
        let events: Vec<bool> = refs.events.iter().map(Option::is_some).collect();
        let fete = site.content.pages.iter().position(|p| p.slug == "fete");
        assert_eq!(events.iter().position(|&e| e), fete);
        assert!(refs.covers.is_empty() && refs.posts.is_empty());

        let mut md = render_markdown(&run, config, &mut site.content, &templates, &refs).unwrap();
        assert_eq!(md.pages.len(), 2);
        assert!(
            md.kept.iter().all(|k| !k),
            "nothing kept without serve's memory"
        );
        assert!(md.bodies.is_empty() && md.section_prints.is_empty());
        assert!(site.content.pages.iter().all(|p| p.body.is_empty()));

        let checked = check_rendered(&run, config, &interface, &site, &md, &refs).unwrap();
        assert!(checked.photo_pages.is_empty());
        assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);

        let src = RenderSources {
            root: &root,
            config,
            interface: &interface,
            site: &site,
            templates: &templates,
            refs: &refs,
            checked: &checked,
            search: &HashMap::new(),
        };
        let sink = Memory::default();
        let pages = render_pages(&run, &src, &mut md, &sink).unwrap();
        assert!(pages.summaries.is_empty(), "only serve keeps the summaries");
        assert_eq!(pages.summaries_made, 2, "each page's summary is made once");
        assert!(pages.kits.is_empty() && pages.kept_jobs.is_empty());
        // In a build, each page's HTML is released once its page is written.
        assert!(md.pages.iter().all(|p| p.html.is_empty()));

        write_site_files(&src, &md, &settings, &sink).unwrap();
        let files = sink.into_files();
        for f in [
            "index.html",
            "tourisme/lac/index.html",
            "tourisme/fete/fete.ics",
            "agenda.ics",
            "agenda/index.html",
            "tags/ete/index.html",
            "audiences/visiteurs/index.html",
            "sitemap.xml",
            "robots.txt",
            "404.html",
        ] {
            assert!(files.contains_key(f), "{f} missing from {:?}", files.keys());
        }
    }

    #[test]
    fn a_stage_reports_every_problem_of_its_kind_at_once() {
        let dir = site(&[
            ("content/_index.md", HOME),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\ncover = \"nope.jpg\"\n+++\n",
            ),
            (
                "content/b.md",
                "+++\ntitle = \"B\"\ncover = \"../../outside.jpg\"\n+++\n",
            ),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let opts = test_options(&root);
        let run = Run::quiet_build(&root, &opts);
        let settings = configure(&run).unwrap();
        let interface = load_theme(&run, &settings.config).unwrap();
        let mut site = load_content(&run, &settings.config, None).unwrap();
        let Err(err) = resolve_references(&run, &settings.config, &interface, &mut site) else {
            panic!("missing covers were accepted");
        };
        let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code).collect();
        assert_eq!(codes, ["missing-file", "path-outside-site"]);
    }

    #[test]
    fn a_bad_base_url_override_is_a_usage_error() {
        let dir = tiny();
        let root = dir.path().canonicalize().unwrap();
        let mut opts = test_options(&root);
        opts.base_url = Some("localhost:8000".into());
        let run = Run::quiet_build(&root, &opts);
        assert!(matches!(configure(&run), Err(Error::Usage(m)) if m.contains("localhost:8000")));
    }
}
