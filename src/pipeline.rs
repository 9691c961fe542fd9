//! The build, stage by stage; the only module that knows their order.
//!
//! ```text
//! config ─► theme, strings, templates
//!        ─► content (walk, front matter, sections, bundles)
//!        ─► site model (pillars, audiences, tags, translations, routes)
//!        ─► files (covers and images exist and stay inside the site)
//!        ─► markdown (pages and sections, in parallel) ─► links and anchors
//!        ─► render (templates, in parallel, straight to the output)
//!        ─► static files, bundle assets, sitemap, robots.txt
//!        ─► swap (the staged output replaces OUT, only if all went well)
//! ```
//!
//! Each stage gathers every problem it finds before the build stops, so one
//! run shows all of them. [`build`] writes a site; [`check`] runs the same
//! stages without writing and returns every diagnostic; [`build_changes`]
//! builds into memory for `serve`, keeping what a save did not change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;

use crate::content::event::EventTimes;
use crate::media::card::{CardAssets, CardCounts, CardStudio};
use crate::media::{Format, ImagePipeline, ImageSettings, ResponsiveImage};
use crate::render::views::PhotoPages;
use crate::shortcodes::{self, GalleryStore, Shortcodes};

use crate::config::Config;
use crate::content::{self, Content, LoadOptions};
use crate::error::{Diagnostic, Error, Severity, display_path};
use crate::incremental::{self, LastBuild, Memo, PageMemo, Reuse};
use crate::markdown::RenderContext;
use crate::markdown::{self, AnchorLinks, MarkdownOptions, Rendered};
use crate::output::{Discard, Files, Memory, Sink, Staging};
use crate::paths::resolve_content_path;
use crate::render::Renderer;
use crate::render::community::CommunityViews;
use crate::render::jobs::Job;
use crate::render::jobs::{self, RenderInputs};
use crate::render::routes;
use crate::render::views::{BrandAssets, PageHtml, ViewSource, share_small_maps, site_view};
use crate::theme::{Strings, Theme};
use crate::url::absolute;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: ROOT/public.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Remove image cache entries this build did not use.
    pub prune_cache: bool,
    /// "Now" for `publish_until` and the agenda (SOURCE_DATE_EPOCH when set).
    pub now: jiff::Timestamp,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            prune_cache: false,
            now: jiff::Timestamp::now(),
        }
    }
}

/// Told about the progress of a build (a progress bar, or nothing).
pub trait Progress: Sync {
    fn stage(&self, _name: &'static str, _items: u64) {}
    fn advance(&self, _n: u64) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

pub use crate::media::ImageCounts;

/// The JSON build report of `--report`.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub version: u32,
    pub pages: usize,
    pub sections: usize,
    pub listings: usize,
    pub aliases: usize,
    pub files_written: u64,
    pub images: ImageCounts,
    pub cards_drawn: u64,
    pub warnings: Vec<Diagnostic>,
    /// Milliseconds per stage, in order.
    pub stages_ms: IndexMap<&'static str, f64>,
    pub total_ms: f64,
    /// Source file (`content/tourisme/lac.md`) to its URL path, for `serve`.
    #[serde(skip)]
    pub urls: HashMap<String, String>,
    /// Pages whose output `serve` kept from its last build (not rendered again).
    #[serde(skip)]
    pub pages_kept: usize,
}

impl BuildReport {
    /// Pages of every kind: pages, sections and listings.
    pub fn page_count(&self) -> usize {
        self.pages + self.sections + self.listings
    }

    /// Pages of every kind this build rendered (all but those `serve` kept).
    pub fn pages_rendered(&self) -> usize {
        self.page_count() - self.pages_kept
    }

    /// "built 1,204 pages, 0 images (0 encoded, 0 cached), 0 cards in 2.31 s"
    pub fn summary(&self) -> String {
        format!(
            "built {} pages, {} images ({} encoded, {} cached), {} cards in {:.2} s",
            thousands(self.page_count()),
            thousands((self.images.encoded + self.images.cached) as usize),
            thousands(self.images.encoded as usize),
            thousands(self.images.cached as usize),
            self.cards_drawn,
            self.total_ms / 1000.0
        )
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

struct Timer {
    start: Instant,
    last: Instant,
    stages: IndexMap<&'static str, f64>,
}

impl Timer {
    fn new() -> Timer {
        let now = Instant::now();
        Timer {
            start: now,
            last: now,
            stages: IndexMap::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages
            .insert(name, (now - self.last).as_secs_f64() * 1000.0);
        self.last = now;
    }
}

/// Builds the site into OUT, atomically.
pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, Error> {
    let root = &opts.root;
    let out = opts.out.clone().unwrap_or_else(|| root.join("public"));
    guard_output(root, &out)?;
    let staging = Staging::new(root, &out)?;
    let (report, _) = run(opts, &staging, progress, None, None)?;
    staging.commit()?;
    Ok(report)
}

/// A build for `serve`: into memory, keeping what `memo` allows of its last
/// good build, given the paths changed since (see [`crate::incremental`]).
/// On success the memo remembers this build; on failure it is unchanged.
pub fn build_changes(
    opts: &BuildOptions,
    memo: &mut Memo,
    changed: &[PathBuf],
) -> Result<(BuildReport, Files), Error> {
    let reuse = incremental::reuse(memo.last.as_ref(), &opts.root, changed, opts.now);
    let last = memo.last.as_ref().filter(|_| reuse != Reuse::Nothing);
    let sink = match last {
        Some(l) => Memory::starting_from(l.files.clone()),
        None => Memory::default(),
    };
    let recall = Recall { last, reuse };
    // Saved files are read again even when their size and modification
    // time look unchanged (two saves within a clock tick). The memory knows
    // files by their path under the real root, as `run` walks it; `changed`
    // paths are absolute or relative to the root.
    let root = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    for path in changed {
        memo.sources.forget(&root.join(path));
    }
    let (report, record) = run(opts, &sink, &Quiet, Some(&recall), Some(&mut memo.sources))?;
    let files = sink.into_files();
    if let Some(mut record) = record {
        record.files = files.clone();
        memo.last = Some(record);
    }
    Ok((report, files))
}

/// What a build for `serve` may keep of the last one.
struct Recall<'a> {
    last: Option<&'a LastBuild>,
    reuse: Reuse,
}

impl Recall<'_> {
    /// The last build's rendered markdown of `page`, when its body and every
    /// image in it are unchanged. Asking for the images again publishes them.
    fn markdown(
        &self,
        page: &content::Page,
        body: &[u8; 32],
        ctx: &dyn RenderContext,
    ) -> Option<Rendered> {
        let m = self.last?.pages.get(&page.file.rel)?;
        let r = m.rendered.as_ref().filter(|_| m.body == *body)?;
        let same = r.images.iter().all(|img| {
            let html = match ctx.image(&img.src, img.alt.trim()) {
                None => None,
                Some(Ok(h)) => Some(h),
                Some(Err(_)) => return false,
            };
            html == img.html
        });
        same.then(|| r.clone())
    }
}

/// Runs every stage without writing; returns all diagnostics, errors first by file.
pub fn check(opts: &BuildOptions) -> Vec<Diagnostic> {
    let sink = Discard::default();
    let mut diags = match run(opts, &sink, &Quiet, None, None) {
        Ok((report, _)) => report.warnings,
        Err(e) => e.into_diagnostics(),
    };
    // A build leaves out what may no longer be published, with a warning;
    // check makes it an error, so that CI asks for the content to be cleaned up.
    for d in &mut diags {
        if matches!(d.code, "rights-expired" | "post-without-consent") {
            d.severity = Severity::Error;
        }
    }
    sort_diagnostics(&mut diags);
    diags
}

pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            a.file.as_deref().unwrap_or(""),
            a.line.unwrap_or(0),
            a.column.unwrap_or(0),
            a.severity,
        )
            .cmp(&(
                b.file.as_deref().unwrap_or(""),
                b.line.unwrap_or(0),
                b.column.unwrap_or(0),
                b.severity,
            ))
    });
}

/// OUT must not be the site itself, one of its source folders, or above it.
fn guard_output(root: &Path, out: &Path) -> Result<(), Error> {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        crate::paths::normalize(&p)
    };
    let (root_a, out_a) = (abs(root), abs(out));
    let sources = [
        "content",
        "static",
        "templates",
        "themes",
        "community",
        "i18n",
    ];
    if root_a.starts_with(&out_a) || sources.iter().any(|s| out_a.starts_with(root_a.join(s))) {
        return Err(Error::Usage(format!(
            "refusing to build into {}: it would replace the site's own files; choose another folder with -o",
            out.display()
        )));
    }
    Ok(())
}

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

fn run(
    opts: &BuildOptions,
    sink: &dyn Sink,
    progress: &dyn Progress,
    recall: Option<&Recall<'_>>,
    sources: Option<&mut content::SourceMemo>,
) -> Result<(BuildReport, Option<LastBuild>), Error> {
    // Paths found by walking the site are compared with paths resolved from
    // what its files say (a cover, gallery.toml, an image in markdown), which
    // are normalized: from a root spelled `.` they never matched, and the
    // originals were published beside their variants. One spelling: the
    // real path.
    let real_root = opts.root.canonicalize();
    let root = real_root.as_deref().unwrap_or(opts.root.as_path());
    let mut timer = Timer::new();
    let mut warnings: Vec<Diagnostic> = Vec::new();

    // Configuration.
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    warnings.extend(config.contrast_warnings());
    let logo = brand_file(root, config.brand.logo.as_deref(), "logo")?;
    let font = brand_file(root, config.brand.font.as_deref(), "font")?;
    timer.lap("config");

    // Theme, strings, templates.
    progress.stage("templates", 0);
    let theme = Theme::load(root, &config.theme)?;
    let mut strings = BTreeMap::new();
    for lang in config.all_languages() {
        strings.insert(lang.to_string(), Strings::load(&theme, root, lang)?);
    }
    timer.lap("theme");

    // Content.
    progress.stage("content", 0);
    let mut content = content::load(
        root,
        &config,
        LoadOptions {
            drafts: opts.drafts,
            now: opts.now,
        },
        sources,
    )?;
    warnings.extend(content.warnings.iter().cloned());
    let model = content::site::build(&content, &config)?;
    let tz = jiff::tz::TimeZone::get(&config.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut community = crate::community::load(root, opts.now, &tz).map_err(Error::Site)?;
    warnings.append(&mut community.warnings);
    timer.lap("content");

    let published = |rel: &Path| {
        let r = rel.to_string_lossy().replace('\\', "/");
        absolute(
            config.base(),
            &format!("/{}", r.strip_prefix("static/").unwrap_or(&r)),
        )
    };
    let brand_assets = BrandAssets {
        logo: logo.as_ref().map(|(_, rel)| published(rel)),
        font: font.as_ref().map(|(_, rel)| published(rel)),
    };
    let mut site_views = BTreeMap::new();
    for lang in config.all_languages() {
        let st = &strings[lang];
        let mut v = site_view(&config, st, lang, &brand_assets);
        v.has_community = !community.posts.is_empty();
        site_views.insert(lang.to_string(), tera::Value::from_serializable(&v));
    }
    let renderer = Renderer::new(&theme, root, &config, &strings, &site_views, &content.links)?;
    let cards = if config.cards.enable || config.share.kit {
        Some(card_studio(
            root,
            &theme,
            &config,
            logo.as_ref(),
            font.as_ref(),
        )?)
    } else {
        None
    };
    timer.lap("templates");

    // Files named in front matter.
    check_files(root, &content)?;
    let events = resolve_events(&content, &tz, opts.now)?;
    let images = ImagePipeline::new(root, image_settings(&config));
    let covers = request_covers(root, &content, &images)?;
    let posts = CommunityViews::new(community, &images).map_err(Error::Site)?;
    check_routes(&config, &content, &model, &strings)?;

    // Markdown.
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
        opts.now,
        tz.clone(),
    );
    // Each page's source is dropped as soon as it is rendered: sources and
    // rendered pages are never all in memory together.
    let page_sources: Vec<std::sync::Arc<str>> = content
        .pages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.body))
        .collect();
    let shortcodes = Shortcodes {
        renderer: &renderer,
        base: config.base(),
        content: &content,
        images: &images,
        galleries: &galleries,
        community: &posts,
        lang: "",
        page: None,
        dir: root,
        path: "/",
    };
    // For serve: fingerprints of the bodies, to know which are unchanged
    // (made when the files were read).
    let bodies: Vec<[u8; 32]> = match recall {
        Some(_) => page_sources
            .par_iter()
            .zip(&content.pages)
            .map(|(body, p)| {
                p.file
                    .body
                    .unwrap_or_else(|| crate::stamp::fingerprint(body))
            })
            .collect(),
        None => Vec::new(),
    };
    let page_bodies: Vec<Result<(Rendered, bool), Vec<Diagnostic>>> = page_sources
        .into_par_iter()
        .zip(content.pages.par_iter())
        .enumerate()
        .map(|(i, (source, p))| {
            let o = MarkdownOptions {
                french_typography: config.french_typography(&p.lang),
                external_links_new_tab: config.markdown.external_links_new_tab,
                site_host: &site_host,
                anchor_links: section_anchor[p.section],
            };
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
            markdown::render(&source, p.body_line, &o, &ctx)
                .map(|r| (r, false))
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
            let o = MarkdownOptions {
                french_typography: config.french_typography(&s.lang),
                external_links_new_tab: config.markdown.external_links_new_tab,
                site_host: &site_host,
                anchor_links: section_anchor[i],
            };
            let ctx = Shortcodes {
                lang: &s.lang,
                dir: &s.dir,
                path: &s.path,
                ..shortcodes
            };
            let name = s.source_name();
            let r = markdown::render(&s.body, s.body_line, &o, &ctx)
                .map_err(|ds| ds.into_iter().map(|d| d.in_file(name.clone())).collect());
            progress.advance(1);
            r
        })
        .collect();
    let (page_bodies, section_bodies) = match (collect(page_bodies), collect(section_bodies)) {
        (Ok(p), Ok(s)) => (p, s),
        (a, b) => {
            let mut errors = Vec::new();
            for r in [a.err(), b.err()].into_iter().flatten() {
                if let Error::Site(d) = r {
                    errors.extend(d);
                }
            }
            return Err(Error::Site(errors));
        }
    };
    let (mut page_bodies, markdown_kept): (Vec<Rendered>, Vec<bool>) =
        page_bodies.into_iter().unzip();
    // For serve: whether a section's body changed (listings may show it).
    let section_prints: Vec<(String, [u8; 32])> = match recall {
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
    let sections_changed = recall.and_then(|r| r.last).is_none_or(|l| {
        section_prints.len() != l.sections.len()
            || section_prints
                .iter()
                .any(|(rel, b)| l.sections.get(rel) != Some(b))
    });
    // Pages whose output files the last build made and this one keeps.
    let unchanged: Vec<bool> = match recall {
        Some(r) if r.reuse == Reuse::Pages => markdown_kept,
        _ => vec![false; content.pages.len()],
    };
    check_anchors(&content, &page_bodies, &section_bodies)?;
    check_local_refs(root, &content, &page_bodies)?;
    let gallery_files = galleries.owned_files();
    warnings.extend(content_warnings(&content, &page_bodies, &gallery_files));
    warnings.extend(std::mem::take(
        &mut *galleries.warnings.lock().unwrap_or_else(|p| p.into_inner()),
    ));
    let photo_pages = shortcodes::photo_pages(&galleries, &images, &content, config.base())
        .map_err(Error::Site)?;
    check_photo_routes(&content, &model, &photo_pages)?;
    // Sources are rendered: free them before templates fill memory with pages.
    for s in &mut content.sections {
        s.body = std::sync::Arc::default();
    }
    timer.lap("markdown");

    // Render.
    let page_html = PageHtml::new(&mut page_bodies, recall.is_some());
    let views = ViewSource {
        root,
        config: &config,
        content: &content,
        model: &model,
        page_bodies: &page_bodies,
        html: &page_html,
        section_bodies: &section_bodies,
        events: &events,
        strings: &strings,
        images: &covers,
    };
    let last_page = |i: usize| {
        recall
            .and_then(|r| r.last)
            .and_then(|l| l.pages.get(&content.pages[i].file.rel))
    };
    let shared_maps = std::sync::Mutex::new(HashMap::new());
    let summaries: Vec<tera::Value> = (0..content.pages.len())
        .into_par_iter()
        .map(|i| match last_page(i).filter(|_| unchanged[i]) {
            Some(m) => m.summary.clone(),
            None => share_small_maps(
                tera::Value::from_serializable(&views.page(i, false)),
                &shared_maps,
            ),
        })
        .collect();
    drop(shared_maps);
    // The most recent dated pages of each language, for the home page.
    let mut latest: HashMap<String, Vec<usize>> = HashMap::new();
    for lang in config.all_languages() {
        let mut list: Vec<usize> = (0..content.pages.len())
            .filter(|&i| content.pages[i].lang == lang && content.pages[i].date.is_some())
            .collect();
        content::sort_pages(
            &mut list,
            &content.pages,
            content::frontmatter::SortBy::Date,
            &tz,
        );
        list.truncate(LATEST_ON_HOME);
        latest.insert(lang.to_string(), list);
    }
    let agendas = jobs::agendas(&config, &content, &events);
    // Planning reads these inputs; each render job gets its own warning list.
    let no_warnings = std::sync::Mutex::new(Vec::new());
    let kits = std::sync::Mutex::new(Vec::new());
    let inputs = RenderInputs {
        views: &views,
        summaries: &summaries,
        latest: &latest,
        agendas: &agendas,
        renderer: &renderer,
        config: &config,
        content: &content,
        model: &model,
        events: &events,
        tz: &tz,
        strings: &strings,
        photo_pages: &photo_pages,
        cards: cards.as_ref(),
        images: &images,
        warnings: &no_warnings,
        kits: &kits,
        community: &posts,
    };
    let assets: Vec<&str> = jobs::ASSET_TEMPLATES
        .into_iter()
        .filter(|a| renderer.has_template(a))
        .collect();
    let mut jobs = jobs::plan_jobs(&inputs, &assets);
    // For serve: outputs of the last build this one keeps (their files are
    // in the sink already): pages whose body did not change, and listings
    // and feeds that show none of the changed pages.
    let mut kept_jobs: Vec<Job> = Vec::new();
    if unchanged.iter().any(|&u| u) {
        let keep = |job: &Job| match job {
            Job::Page(i) | Job::PageCalendar(i) | Job::Kit(i) => unchanged[*i],
            _ => {
                !sections_changed
                    && jobs::listed_pages(job, &inputs)
                        .is_some_and(|pages| pages.iter().all(|&i| unchanged[i]))
            }
        };
        let (kept, made): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| keep(j));
        kept_jobs = kept;
        jobs = made;
    }
    progress.stage("render", jobs.len() as u64);
    // Outputs that show other pages' HTML first: pages' own outputs then
    // take theirs (PageHtml).
    let (mut jobs, pages_own): (Vec<Job>, Vec<Job>) =
        jobs.into_iter().partition(jobs::reads_page_html);
    let first = jobs.len();
    jobs.extend(pages_own);
    let render = |job: &Job| {
        // Each job's warnings apart, so that serve can keep them with its output.
        let found = std::sync::Mutex::new(Vec::new());
        let inputs = RenderInputs {
            warnings: &found,
            ..inputs
        };
        let r = jobs::render_job(job, &inputs).and_then(|files| {
            for (rel, bytes) in files {
                sink.write(&rel, &bytes)?;
            }
            Ok(())
        });
        progress.advance(1);
        r.map(|()| found.into_inner().unwrap_or_else(|e| e.into_inner()))
            .map_err(|d| vec![d])
    };
    let mut results: Vec<Result<Vec<Diagnostic>, Vec<Diagnostic>>> =
        jobs[..first].par_iter().map(render).collect();
    results.par_extend(jobs[first..].par_iter().map(render));
    page_html.restore(&mut page_bodies);
    let mut job_warnings: HashMap<Job, Vec<Diagnostic>> = jobs
        .into_iter()
        .zip(collect(results)?)
        .filter(|(_, w)| !w.is_empty())
        .collect();
    if let Some(last) = recall.and_then(|r| r.last) {
        for job in &kept_jobs {
            if let Some(w) = last.job_warnings.get(job) {
                job_warnings.insert(job.clone(), w.clone());
            }
        }
    }
    for w in job_warnings.values() {
        warnings.extend(w.iter().cloned());
    }
    timer.lap("render");

    // Images asked for while rendering, through the cache.
    progress.stage("images", 0);
    let mut image_counts = images.process(sink).map_err(Error::Site)?;
    timer.lap("images");

    // Social cards and kit images, then the kits' zips.
    progress.stage("cards", 0);
    let mut card_counts = CardCounts::default();
    if let Some(studio) = &cards {
        card_counts = studio.draw(&images, sink).map_err(Error::Site)?;
        let kits = kits.into_inner().unwrap_or_else(|e| e.into_inner());
        let made: Vec<Result<(), Vec<Diagnostic>>> = kits
            .par_iter()
            .map(|kit| {
                let bytes = studio
                    .zip(&kit.path, &kit.images, &kit.files)
                    .map_err(|d| vec![d])?;
                sink.write(&kit.path, &bytes).map_err(|d| vec![d])
            })
            .collect();
        collect(made)?;
    }
    if opts.prune_cache {
        image_counts.pruned = images.prune()?;
        if let Some(studio) = &cards {
            image_counts.pruned += studio.prune();
        }
    }
    timer.lap("cards");

    // Static files, assets, site-wide files.
    progress.stage("files", 0);
    copy_static(
        root,
        &theme,
        &content,
        sink,
        &[logo.as_ref(), font.as_ref()],
        &covers,
        &gallery_files,
    )?;
    if page_bodies.iter().any(|b| b.has_code) {
        sink.write(
            "highlight.css",
            markdown::highlight::stylesheet().as_bytes(),
        )?;
    }
    sink.write(
        "sitemap.xml",
        crate::seo::sitemap(
            &config,
            &content,
            &model,
            &generated_paths(&config, &strings, &agendas, &posts),
        )
        .as_bytes(),
    )?;
    sink.write("robots.txt", crate::seo::robots(&config).as_bytes())?;
    timer.lap("files");

    let total_ms = timer.start.elapsed().as_secs_f64() * 1000.0;
    warnings
        .iter_mut()
        .for_each(|w| w.severity = Severity::Warning);
    sort_diagnostics(&mut warnings);
    let pages_kept = kept_jobs
        .iter()
        .filter(|j| {
            matches!(
                j,
                Job::Page(_) | Job::Section { pager: 0, .. } | Job::Listing { pager: 0, .. }
            )
        })
        .count();
    // For serve: what the next build may keep of this one.
    let record = recall.map(|_| {
        let pages = content
            .pages
            .iter()
            .zip(page_bodies)
            .zip(summaries)
            .zip(&bodies)
            .map(|(((p, rendered), summary), body)| {
                let memo = PageMemo {
                    body: *body,
                    rendered: (!rendered.calls_shortcodes).then_some(rendered),
                    summary,
                };
                (p.file.rel.clone(), memo)
            })
            .collect();
        let sources = content
            .pages
            .iter()
            .map(|p| &p.file)
            .chain(content.sections.iter().filter_map(|s| s.file.as_ref()))
            .map(|f| (f.rel.clone(), f.front_matter))
            .collect();
        LastBuild {
            minute: incremental::minute(opts.now),
            sources,
            pages,
            sections: section_prints.into_iter().collect(),
            job_warnings,
            files: Files::new(),
        }
    });
    let report = BuildReport {
        version: 1,
        pages: content.pages.len(),
        sections: content
            .sections
            .iter()
            .filter(|s| s.fm.render != Some(false))
            .count(),
        listings: model
            .listings
            .iter()
            .filter(|l| l.section.is_none())
            .count(),
        aliases: model.aliases.len(),
        files_written: sink.count(),
        images: image_counts,
        cards_drawn: card_counts.drawn,
        warnings,
        stages_ms: timer.stages,
        total_ms,
        urls: content
            .pages
            .iter()
            .map(|p| (p.file.rel.clone(), p.path.clone()))
            .chain(
                content
                    .sections
                    .iter()
                    .filter_map(|s| s.file.as_ref().map(|f| (f.rel.clone(), s.path.clone()))),
            )
            .collect(),
        pages_kept,
    };
    Ok((report, record))
}

/// Pages the render stage makes beyond content and listings (agenda, site map).
fn generated_paths(
    config: &Config,
    strings: &BTreeMap<String, Strings>,
    agendas: &HashMap<String, jobs::Agenda>,
    posts: &CommunityViews,
) -> Vec<String> {
    let mut out = Vec::new();
    for lang in config.all_languages() {
        let Some(st) = strings.get(lang) else {
            continue;
        };
        out.push(routes::site_map(config, st, lang));
        if agendas
            .get(lang)
            .is_some_and(|a| !a.upcoming.is_empty() || !a.past.is_empty())
        {
            out.push(routes::agenda(config, st, lang));
        }
        if !posts.is_empty() {
            out.push(routes::community(config, st, lang));
            for tag in posts.tags() {
                out.push(routes::community_tag(config, st, lang, tag));
            }
        }
    }
    out
}

/// A file named in `[brand]`: inside the site, and present.
fn brand_file(
    root: &Path,
    rel: Option<&Path>,
    key: &str,
) -> Result<Option<(PathBuf, PathBuf)>, Error> {
    let Some(rel) = rel else { return Ok(None) };
    let path = Config::site_path(root, rel, &format!("[brand] {key}"))?;
    if !path.is_file() {
        return Err(Diagnostic::error(
            "missing-file",
            format!("the {key} file `{}` does not exist", rel.display()),
        )
        .file("blason.toml")
        .help(format!(
            "check [brand] {key}: the path is relative to the site folder"
        ))
        .into());
    }
    Ok(Some((path, rel.to_path_buf())))
}

/// The theme's card templates and fonts, the brand's font and logo.
fn card_studio(
    root: &Path,
    theme: &Theme,
    config: &Config,
    logo: Option<&(PathBuf, PathBuf)>,
    font: Option<&(PathBuf, PathBuf)>,
) -> Result<CardStudio, Error> {
    let mut templates = Vec::new();
    for (name, f) in theme.under("cards") {
        if !name.ends_with(".svg") {
            continue;
        }
        let text = String::from_utf8(f.bytes.to_vec()).map_err(|_| {
            Error::from(
                Diagnostic::error("encoding", "the card template is not valid UTF-8 text")
                    .file(f.display.clone()),
            )
        })?;
        templates.push((name.to_string(), text, f.display.clone()));
    }
    let mut fonts = Vec::new();
    if let Some((path, rel)) = font {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::from(Diagnostic::io(path, root, "read the brand font", &e)))?;
        // Cards need TTF or OTF (WOFF2 is for browsers only).
        if bytes.starts_with(&[0, 1, 0, 0])
            || bytes.starts_with(b"OTTO")
            || bytes.starts_with(b"true")
        {
            fonts.push(bytes);
        } else {
            return Err(Diagnostic::error(
                "font",
                format!(
                    "the brand font `{}` is not a TTF or OTF file",
                    rel.display()
                ),
            )
            .file("blason.toml")
            .help("cards are drawn with TTF/OTF fonts; convert a WOFF2 file back with fonttools")
            .into());
        }
    }
    for (name, f) in theme.under("fonts") {
        if name.ends_with(".otf") || name.ends_with(".ttf") {
            fonts.push(f.bytes.to_vec());
        }
    }
    let logo = match logo {
        Some((path, _)) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Error::from(Diagnostic::io(path, root, "read the logo", &e)))?;
            Some(bytes)
        }
        None => None,
    };
    CardStudio::new(CardAssets {
        templates,
        fonts,
        logo,
        root: root.to_path_buf(),
        cache_dir: config.images.cache_dir.clone(),
        base_url: config.base().to_string(),
    })
    .map_err(Error::Site)
}

fn image_settings(config: &Config) -> ImageSettings {
    ImageSettings {
        widths: config.images.widths.clone(),
        formats: config
            .images
            .formats
            .iter()
            .filter_map(|f| Format::parse(f))
            .collect(),
        quality: config.images.quality,
        effort: config.images.effort,
        cache_dir: config.images.cache_dir.clone(),
        base_url: config.base().to_string(),
    }
}

/// Asks for the responsive variants of every raster cover (read from its
/// header now, made after rendering); a damaged or oversized image is an
/// error naming it and the page that uses it.
fn request_covers(
    root: &Path,
    content: &Content,
    images: &ImagePipeline,
) -> Result<HashMap<PathBuf, ResponsiveImage>, Error> {
    let mut wanted: Vec<(PathBuf, String)> = Vec::new();
    let covers = content
        .pages
        .iter()
        .map(|p| (p.fm.cover.as_deref(), &p.dir, p.file.rel.clone()))
        .chain(content.sections.iter().filter_map(|s| {
            s.file
                .as_ref()
                .map(|f| (s.fm.cover.as_deref(), &s.dir, f.rel.clone()))
        }));
    for (cover, dir, file) in covers {
        let Some(c) = cover else { continue };
        let lower = c.to_ascii_lowercase();
        if !(lower.ends_with(".jpg")
            || lower.ends_with(".jpeg")
            || lower.ends_with(".png")
            || lower.ends_with(".webp"))
        {
            continue;
        }
        if let Ok(path) = resolve_content_path(root, dir, c) {
            wanted.push((path, file));
        }
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

/// A photo page must not take the address of another page.
fn check_photo_routes(
    content: &Content,
    model: &content::site::SiteModel,
    sets: &[PhotoPages],
) -> Result<(), Error> {
    let mut errors = Vec::new();
    for set in sets {
        for i in 0..set.photos.len() {
            let path = set.path(content, i);
            if let Some(r) = model.routes.get(&path) {
                errors.push(
                    Diagnostic::error(
                        "url-collision",
                        format!(
                            "the address {path} is wanted by both {} and a photo of its gallery",
                            r.source
                        ),
                    )
                    .file(content.pages[set.page].file.rel.clone())
                    .help("rename the photo file or the page"),
                );
            }
        }
    }
    Error::or_value(errors, ())
}

/// How many recent pages the home page gets as `latest`.
const LATEST_ON_HOME: usize = 6;

/// Every page's `[event]`, resolved; an impossible event is an error naming its page.
fn resolve_events(
    content: &Content,
    tz: &jiff::tz::TimeZone,
    now: jiff::Timestamp,
) -> Result<Vec<Option<EventTimes>>, Error> {
    let mut errors = Vec::new();
    let events = content
        .pages
        .iter()
        .map(|p| {
            let ev = p.fm.event.as_ref()?;
            match EventTimes::resolve(ev, tz, now) {
                Ok(t) => Some(t),
                Err(why) => {
                    errors.push(
                        Diagnostic::error("event", format!("the [event] is not possible: {why}"))
                            .file(p.file.rel.clone())
                            .help("check start, end and rrule in [event]"),
                    );
                    None
                }
            }
        })
        .collect();
    Error::or_value(errors, events)
}

/// The agenda and the site-map page must not take a page's address.
fn check_routes(
    config: &Config,
    content: &Content,
    model: &content::site::SiteModel,
    strings: &BTreeMap<String, Strings>,
) -> Result<(), Error> {
    let mut errors = Vec::new();
    for lang in config.all_languages() {
        let Some(st) = strings.get(lang) else {
            continue;
        };
        let agenda = routes::agenda(config, st, lang);
        for (path, what) in [
            (routes::site_map(config, st, lang), "the site-map page"),
            (routes::community(config, st, lang), "the community page"),
        ] {
            if let Some(r) = model.routes.get(&path) {
                errors.push(
                    Diagnostic::error(
                        "url-collision",
                        format!(
                            "the address {path} is wanted by both {} and {what}",
                            r.source
                        ),
                    )
                    .help("rename the page (slug), or change the theme's site_map_slug or community_slug string"),
                );
            }
        }
        // A section may stand at the agenda's address (it then shows the agenda); a page may not.
        if let Some(p) = content.pages.iter().find(|p| p.path == agenda) {
            errors.push(
                Diagnostic::error("url-collision", format!("the address {agenda} is wanted by both {} and the agenda", p.file.rel))
                    .file(p.file.rel.clone())
                    .help("make it a section (agenda/_index.md), which shows the agenda, or give the page another slug"),
            );
        }
    }
    Error::or_value(errors, ())
}

/// Covers: exist, and stay inside the site.
fn check_files(root: &Path, content: &Content) -> Result<(), Error> {
    let mut errors = Vec::new();
    let mut check = |written: &str, dir: &Path, file: &str, key: &str| {
        match resolve_content_path(root, dir, written) {
        Ok(p) if p.is_file() => {}
        Ok(_) => errors.push(
            Diagnostic::error("missing-file", format!("{key} `{written}` does not exist"))
                .file(file)
                .help("a bare name is looked for beside the markdown file; a name starting with / under static/"),
        ),
        Err(why) => errors.push(
            Diagnostic::error("path-outside-site", format!("{key} `{written}` {why}"))
                .file(file)
                .help("use a file inside the site: beside the page, or under static/"),
        ),
    }
    };
    for p in &content.pages {
        if let Some(c) = &p.fm.cover {
            check(c, &p.dir, &p.file.rel, "the cover");
        }
    }
    for s in &content.sections {
        if let (Some(c), Some(f)) = (&s.fm.cover, &s.file) {
            check(c, &s.dir, &f.rel, "the cover");
        }
    }
    Error::or_value(errors, ())
}

/// `@/page.md#anchor`: the anchor must be a heading of that page.
fn check_anchors(
    content: &Content,
    pages: &[Rendered],
    sections: &[Rendered],
) -> Result<(), Error> {
    let mut ids: HashMap<&str, &Rendered> = HashMap::new();
    for (p, r) in content.pages.iter().zip(pages) {
        ids.insert(p.file.content_rel.as_str(), r);
    }
    for (s, r) in content.sections.iter().zip(sections) {
        if let Some(f) = &s.file {
            ids.insert(f.content_rel.as_str(), r);
        }
    }
    let mut errors = Vec::new();
    let sources = content
        .pages
        .iter()
        .map(|p| p.file.rel.clone())
        .zip(pages)
        .chain(
            content
                .sections
                .iter()
                .map(|s| s.source_name())
                .zip(sections),
        );
    for (file, r) in sources {
        for link in &r.internal_links {
            let (Some(anchor), Some(known)) =
                (&link.anchor, ids.get(link.target.trim_start_matches('/')))
            else {
                continue;
            };
            if !known.has_heading(anchor) {
                let known = known.heading_ids();
                let mut d = Diagnostic::error(
                    "broken-anchor",
                    format!(
                        "the link `@/{}#{anchor}` points to a heading that does not exist",
                        link.target
                    ),
                )
                .file(file.clone())
                .at(link.line, link.column);
                d = match crate::error::suggest(anchor, known.iter().copied()) {
                    Some(s) => d.help(format!("did you mean #{s}?")),
                    None if known.is_empty() => {
                        d.help("that page has no headings; link to the page without #")
                    }
                    None => d.help(format!(
                        "the headings of that page are: {}",
                        known
                            .iter()
                            .map(|k| format!("#{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                errors.push(d);
            }
        }
    }
    Error::or_value(errors, ())
}

fn is_local_ref(src: &str) -> bool {
    !(src.is_empty()
        || src.starts_with('#')
        || src.starts_with('/')
        || src.starts_with("@/")
        || src.starts_with("data:")
        || src.contains("://")
        || src.starts_with("mailto:")
        || src.starts_with("tel:"))
}

/// Images written in markdown with a relative path must exist beside the page.
fn check_local_refs(root: &Path, content: &Content, bodies: &[Rendered]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for (p, r) in content.pages.iter().zip(bodies) {
        for img in &r.images {
            let src = img.src.split(['?', '#']).next().unwrap_or("");
            if !is_local_ref(src) {
                continue;
            }
            let decoded = percent_decode(src);
            match resolve_content_path(root, &p.dir, &decoded) {
                Ok(path) if path.is_file() => {}
                Ok(_) => errors.push(
                    Diagnostic::error("missing-file", format!("the image `{src}` does not exist"))
                        .file(p.file.rel.clone())
                        .line(img.line)
                        .help(
                            "put the image in the page's folder (a page bundle), or fix its name",
                        ),
                ),
                Err(why) => errors.push(
                    Diagnostic::error("path-outside-site", format!("the image `{src}` {why}"))
                        .file(p.file.rel.clone())
                        .line(img.line),
                ),
            }
        }
    }
    Error::or_value(errors, ())
}

/// A path written in markdown, decoded (`mon%20plan.pdf`); as written when it
/// is not percent-encoding.
fn percent_decode(s: &str) -> String {
    crate::url::decode(s).unwrap_or_else(|| s.to_string())
}

/// Warnings: descriptions, unused bundle files.
fn content_warnings(
    content: &Content,
    bodies: &[Rendered],
    gallery_files: &HashSet<PathBuf>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, r) in content.pages.iter().zip(bodies) {
        match p.fm.description.as_deref().map(str::trim) {
            None | Some("") => out.push(
                Diagnostic::warning("description-missing", "the page has no description")
                    .file(p.file.rel.clone())
                    .help("add description = \"...\": search engines and share previews show it (160 characters at most)"),
            ),
            Some(d) if d.chars().count() > 160 => out.push(
                Diagnostic::warning("description-too-long", format!("the description has {} characters; search engines cut it after 160", d.chars().count()))
                    .file(p.file.rel.clone())
                    .help("shorten it to 160 characters or fewer"),
            ),
            _ => {}
        }
        if p.bundle && !p.assets.is_empty() {
            let mut used: HashSet<PathBuf> = HashSet::new();
            if let Some(c) = &p.fm.cover {
                used.insert(crate::paths::normalize(&p.dir.join(c)));
            }
            for img in &r.images {
                used.insert(crate::paths::normalize(
                    &p.dir.join(percent_decode(&img.src)),
                ));
            }
            for l in &r.local_links {
                used.insert(crate::paths::normalize(&p.dir.join(percent_decode(l))));
            }
            for a in &p.assets {
                let name = a
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                if name == "gallery.toml" || used.contains(a) || gallery_files.contains(a) {
                    continue;
                }
                out.push(
                    Diagnostic::warning("unused-file", format!("`{}` is in the page's folder but nothing uses it", display_path(a, &p.dir)))
                        .file(p.file.rel.clone())
                        .help("use it in the page (cover, image, link), or remove it: it is published all the same"),
                );
            }
        }
    }
    out
}

fn copy_static(
    root: &Path,
    theme: &Theme,
    content: &Content,
    sink: &dyn Sink,
    brand_files: &[Option<&(PathBuf, PathBuf)>],
    processed: &HashMap<PathBuf, ResponsiveImage>,
    gallery_files: &HashSet<PathBuf>,
) -> Result<(), Error> {
    let mut errors = Vec::new();
    let site_static = root.join("static");
    let mut site_files: BTreeMap<String, PathBuf> = BTreeMap::new();
    if site_static.is_dir() {
        let (files, walk_errors) = crate::paths::walk_files(root, &site_static, |_| false);
        errors.extend(walk_errors);
        for f in files {
            site_files.insert(display_path(&f, &site_static), f);
        }
    }
    for (rel, f) in theme.under("static") {
        if !site_files.contains_key(rel)
            && let Err(d) = sink.write(rel, &f.bytes)
        {
            errors.push(d);
        }
    }
    let results: Vec<Result<(), Diagnostic>> = site_files
        .par_iter()
        .map(|(rel, path)| sink.copy(rel, path))
        .collect();
    errors.extend(results.into_iter().filter_map(Result::err));
    // Brand files outside static/ are published at their own path.
    for (path, rel) in brand_files.iter().flatten() {
        let r = rel.to_string_lossy().replace('\\', "/");
        if !r.starts_with("static/")
            && let Err(d) = sink.copy(&r, path)
        {
            errors.push(d);
        }
    }
    // Bundle and section assets, beside their page.
    let mut assets: Vec<(String, &Path)> = Vec::new();
    // Images published as processed variants are not copied as they are:
    // the originals may carry EXIF data (GPS coordinates above all).
    for p in content.pages.iter().filter(|p| p.bundle) {
        for a in p
            .assets
            .iter()
            .filter(|a| !processed.contains_key(*a) && !gallery_files.contains(*a))
        {
            if let Ok(r) = a.strip_prefix(&p.dir) {
                assets.push((
                    format!("{}{}", p.path, r.to_string_lossy().replace('\\', "/")),
                    a,
                ));
            }
        }
    }
    for s in &content.sections {
        for a in s
            .assets
            .iter()
            .filter(|a| !processed.contains_key(*a) && !gallery_files.contains(*a))
        {
            if let Ok(r) = a.strip_prefix(&s.dir) {
                assets.push((
                    format!("{}{}", s.path, r.to_string_lossy().replace('\\', "/")),
                    a,
                ));
            }
        }
    }
    let results: Vec<Result<(), Diagnostic>> = assets
        .par_iter()
        .map(|(rel, src)| {
            sink.copy(rel, src)
                .map_err(|d| d.file(display_path(src, root)))
        })
        .collect();
    errors.extend(results.into_iter().filter_map(Result::err));
    Error::or_value(errors, ())
}
