//! The build, stage by stage; the only module that knows their order.
//!
//! ```text
//! config      blason.toml validated; the brand's logo and font found
//! theme       the theme's files, interface strings per language
//! content     content/ (front matter, sections, bundles), community/, the site model
//! templates   Tera per language; the card studio (card templates, fonts, logo)
//! references  covers exist and stay inside the site, events resolved (and each
//!             language's agenda), covers
//!             and posts' images asked of the image pipeline, theme pages' addresses free
//! markdown    pages and sections, in parallel
//! checks      links and anchors, images in markdown, photo pages, warnings
//! search      the search index of each language, from the rendered bodies
//! render      every page, listing, feed, calendar and kit, in parallel, straight to the output
//! images      the variants asked for so far, through the cache, in parallel
//! cards       social cards and kit images, then the kits' zips
//! press       the press albums' zips, then the press pages with their sizes
//! files       static files, bundle assets, highlight.css, sitemap.xml, robots.txt
//! audit       (`check` only) every link of every file written, and the sitemap
//! ```
//!
//! Then [`build`] swaps the staged output in (only if every stage
//! succeeded), [`check`] discards it, and [`build_changes`] keeps it in
//! memory for `serve`. Each stage is a function of [`stages`] with a typed
//! output and its own line in the report's `stages_ms`; each gathers every
//! problem it finds before the build stops, so one run shows all of them.
//! What `serve` keeps between builds ([`Recall`]) is consulted at three
//! named points (markdown, render, the kept warnings) and recorded at the end.

pub(crate) mod stages;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indexmap::IndexMap;
use serde::Serialize;

use crate::audit::{Audited, Ledger};
use crate::content::SourceMemo;
use crate::error::{Diagnostic, Error, Severity};
use crate::incremental::{self, LastBuild, Memo, PageMemo, Recall, Reuse};
use crate::output::{Compressed, Discard, Memory, Served, Sink, Staging};
use crate::render::jobs::Job;
use stages::Mode;

pub use crate::media::ImageCounts;
pub use crate::search::SearchCounts;

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
    /// Write FILE.br and FILE.gz beside each text file (`output::Compressed`).
    pub compress: bool,
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
            compress: false,
            now: jiff::Timestamp::now(),
        }
    }
}

/// Told about the progress of a build (a progress bar, or nothing).
pub trait Progress: Sync {
    fn stage(&self, _name: &'static str, _items: u64) {}
    fn advance(&self, _n: u64) {}
    /// Something the person who started the build should know now (that it
    /// waits for another build, say).
    fn note(&self, _message: &str) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

/// The JSON build report of `--report`.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub version: u32,
    pub pages: usize,
    pub sections: usize,
    pub listings: usize,
    pub aliases: usize,
    /// Pages and sections with `draft = true` left out (built with `--drafts`).
    pub drafts_left_out: usize,
    pub files_written: u64,
    pub images: ImageCounts,
    pub cards_drawn: u64,
    /// Maps drawn, taken from the cache, and tiles they lacked.
    pub maps: crate::media::map::MapCounts,
    /// What the search stage indexed and wrote.
    pub search: SearchCounts,
    /// The tourism data feeds' objects, and how many were not parsed
    /// again (docs/data.md).
    pub data: crate::content::data::DataCounts,
    pub warnings: Vec<Diagnostic>,
    /// In `check`, the errors found on the way (a build stops at the first
    /// stage that finds one).
    #[serde(skip)]
    pub errors: Vec<Diagnostic>,
    /// Milliseconds per stage, in order.
    pub stages_ms: IndexMap<&'static str, f64>,
    /// The process's resident memory at the end of each stage, in MiB
    /// (Linux; empty elsewhere): where a build's memory goes.
    pub stages_resident_mib: IndexMap<&'static str, f64>,
    /// The most the process held resident by the end of each stage, in
    /// MiB (Linux): the stage where it grows holds the build's peak.
    pub stages_peak_mib: IndexMap<&'static str, f64>,
    /// The most the process held resident, in MiB (Linux).
    pub peak_resident_mib: Option<f64>,
    pub total_ms: f64,
    /// How far each language is translated.
    pub translations: Vec<crate::checks::LanguageCoverage>,
    /// The URL path of the file `serve` asked to follow ([`Memo`]'s
    /// `follow`), when it made a page or section.
    #[serde(skip)]
    pub followed: Option<String>,
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

    /// "built 1,204 pages, 0 images (0 encoded, 0 cached), 0 cards in 2.31 s",
    /// and how many drafts were left out when there were some.
    pub fn summary(&self) -> String {
        let drafts = match self.drafts_left_out {
            0 => String::new(),
            1 => "; 1 draft left out (--drafts builds it)".to_string(),
            n => format!("; {} drafts left out (--drafts builds them)", thousands(n)),
        };
        format!(
            "built {} pages, {} images ({} encoded, {} cached), {} cards in {:.2} s{drafts}",
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
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Milliseconds per stage.
struct Timer {
    start: Instant,
    last: Instant,
    stages: IndexMap<&'static str, f64>,
    /// Resident memory at the end of each stage, in MiB (where the system says).
    resident: IndexMap<&'static str, f64>,
    /// The most held so far at the end of each stage, in MiB.
    peak: IndexMap<&'static str, f64>,
}

impl Timer {
    fn new() -> Timer {
        let now = Instant::now();
        Timer {
            start: now,
            last: now,
            stages: IndexMap::new(),
            resident: IndexMap::new(),
            peak: IndexMap::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages
            .insert(name, (now - self.last).as_secs_f64() * 1000.0);
        if let Some((resident, peak)) = memory_mib() {
            self.resident.insert(name, resident);
            self.peak.insert(name, peak);
        }
        self.last = now;
    }
}

/// The process's resident memory and its peak so far, in MiB, from one
/// read of `/proc/self/status` (`VmRSS:`, `VmHWM:`, in kB); `None` where
/// there is no such file.
fn memory_mib() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let mib = |key: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kb: f64 = line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some((kb / 1024.0 * 10.0).round() / 10.0)
    };
    Some((mib("VmRSS:")?, mib("VmHWM:")?))
}

/// Builds the site into OUT, atomically.
pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, Error> {
    let root = &opts.root;
    let out = opts.out.clone().unwrap_or_else(|| root.join("public"));
    guard_output(root, &out)?;
    let staging = Staging::new(root, &out, &|m| progress.note(m))?;
    let compressed = Compressed::new(&staging);
    let sink: &dyn Sink = if opts.compress { &compressed } else { &staging };
    let (report, _) = run(opts, sink, progress, None, None, None, Mode::Build)?;
    staging.commit()?;
    Ok(report)
}

/// A build for `serve`: into memory, keeping what `memo` allows of its last
/// good build, given the paths changed since (see `crate::incremental`).
/// On success the memo remembers this build; on failure its last build is
/// unchanged, and what it keeps of files and of the search index is only
/// what their content names (a file by its stamp, a page's terms by what
/// the index reads of it).
pub fn build_changes(
    opts: &BuildOptions,
    memo: &mut Memo,
    changed: &[PathBuf],
) -> Result<(BuildReport, Served), Error> {
    let reuse = incremental::reuse(memo.last.as_ref(), &opts.root, changed, opts.now);
    let last = memo.last.as_ref().filter(|_| reuse != Reuse::Nothing);
    // The search stage writes every file of the index again (those it kept
    // from its memory too): the last build's are left behind.
    // Saved files are read again even when their size and modification
    // time look unchanged (two saves within a clock tick). The memory knows
    // files by their path under the real root, as `run` walks it; `changed`
    // paths are absolute or relative to the root.
    let root = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    memo.sources.saw_changes(&root, changed);
    let sink = match last {
        Some(l) => Memory::starting_from(l.files.without(crate::search::FOLDER)),
        None => Memory::default(),
    };
    let recall = Recall {
        last,
        reuse,
        follow: memo.follow.as_deref(),
    };
    let result = run(
        opts,
        &sink,
        &Quiet,
        Some(&recall),
        Some(&mut memo.sources),
        Some(&mut memo.search),
        Mode::Build,
    );
    let (report, record) = match result {
        Ok(done) => done,
        Err(e) => {
            // The next build keeps pages of the last one that succeeded:
            // no search document made by this one may be taken back (its
            // pages' front matter may be the one the next save undoes).
            // What else the search memory holds is known by its content.
            memo.search.forget_documents();
            return Err(e);
        }
    };
    let files = sink.into_served();
    // The last build is the one served (`serve` packs its pages in both).
    let record = record.map(|mut r| {
        r.files = files.clone();
        r
    });
    if let Some(before) = std::mem::replace(&mut memo.last, record) {
        drop_elsewhere(before);
    }
    Ok((report, files))
}

/// Packs the pages of the last build [`build_changes`] made
/// ([`Served::packed`]), which the next build starts from, and returns
/// that site packed; `None` when it has no file left to pack. The
/// rendered bodies that build keeps for the next are packed either way
/// (`pack_bodies`).
pub fn pack_last(memo: &mut Memo) -> Option<Served> {
    let last = memo.last.as_mut()?;
    pack_bodies(last, &mut memo.search.texts);
    let packed = last.files.packed()?;
    last.files = packed.clone();
    Some(packed)
}

/// Packs each rendered body `last` keeps for the next build
/// (`markdown::held::Html::packed`): about 90 MB of HTML on 10,000 pages,
/// 38 MB packed. The search index's memory of the bodies' texts knows a
/// body by the HTML it holds: it is handed the packed HTML in place of
/// the one it held, so that the next save still finds every unchanged
/// body there (and makes no text again). A save that renders kept pages
/// again (a template's) reads their bodies back: tens of milliseconds of
/// CPU for 10,000 pages.
fn pack_bodies(last: &mut LastBuild, texts: &mut crate::search::docs::Texts) {
    use crate::markdown::held::Html;
    use rayon::prelude::*;
    // Each HTML replaced is held until the search memory is told: its key
    // is its address, which no other HTML may take meanwhile.
    let replaced: Vec<(Html, Html)> = last
        .pages
        .par_iter_mut()
        .filter_map(|(_, m)| {
            let r = m.rendered.as_mut()?;
            let packed = r.html.clone().packed();
            if Html::ptr_eq(&packed, &r.html) {
                return None;
            }
            let before = std::mem::replace(&mut r.html, packed.clone());
            Some((before, packed))
        })
        .collect();
    let repacked: HashMap<usize, Html> = replaced
        .iter()
        .map(|(before, packed)| (before.key(), packed.clone()))
        .collect();
    texts.repack(&repacked);
}

/// Runs every stage without writing; returns all diagnostics, errors first by file.
pub fn check(opts: &BuildOptions) -> Vec<Diagnostic> {
    check_report(opts).diagnostics
}

/// What `blason desk` wrote.
#[derive(Debug, Serialize)]
pub struct DeskReport {
    /// The desk folder.
    pub folder: PathBuf,
    pub files: Vec<String>,
    pub pending: usize,
    pub expiring: usize,
    pub without_terms: usize,
    pub ambassadors: usize,
}

/// `blason desk`: the community manager's pages (docs/community.md, "The
/// desk") into `out` (default ROOT/desk), each file replaced in one step.
/// They are never written into the site's output folder: they hold posts
/// whose authors have not agreed to their reuse.
pub fn desk(root: &Path, out: Option<&Path>, now: jiff::Timestamp) -> Result<DeskReport, Error> {
    use crate::render::desk::{DeskStrings, primary};
    let config = crate::config::Config::load(root)?;
    let out = out.map_or_else(|| root.join("desk"), Path::to_path_buf);
    // Both resolved (absolute, symbolic links followed), so a link or a
    // `..` that leads into the output is caught.
    let resolved = crate::paths::resolve(&out);
    let site_out = crate::paths::resolve(&root.join("public"));
    if resolved.starts_with(&site_out) {
        return Err(Error::Usage(format!(
            "{} is inside the site's output folder: the desk holds posts not yet agreed to and people's names, and must not be published; write it elsewhere (the default is ROOT/desk)",
            out.display()
        )));
    }
    let tz = config.timezone.tz.clone();
    let desk = crate::community::desk::load(root, now, &tz).map_err(Error::Site)?;
    let theme = crate::theme::Theme::load(root, &config.theme)?;
    let (site, _) = crate::theme::Strings::load_checked(&theme, root, &config.default_language)?;
    let mut others = HashMap::new();
    for r in desk.pending() {
        let Some(lang) = r.lang.as_deref().map(primary) else {
            continue;
        };
        if others.contains_key(&lang)
            || theme.file(&format!("i18n/{lang}.toml")).is_none()
            || !crate::community::is_language_tag(&lang)
        {
            continue;
        }
        let (s, _) = crate::theme::Strings::load_checked(&theme, root, &lang)?;
        others.insert(lang, s);
    }
    let strings = DeskStrings { site, others };
    let files = crate::render::desk::pages(&config, &strings, &desk, &tz);
    std::fs::create_dir_all(&out).map_err(|e| {
        Error::Site(vec![Diagnostic::io(
            &out,
            root,
            "create the desk folder",
            &e,
        )])
    })?;
    let mut written = Vec::new();
    for (name, bytes) in &files {
        let dest = out.join(name);
        let part = out.join(format!(".{name}.part"));
        std::fs::write(&part, bytes)
            .and_then(|()| std::fs::rename(&part, &dest))
            .map_err(|e| Error::Site(vec![Diagnostic::io(&dest, root, "write the desk", &e)]))?;
        written.push((*name).to_string());
    }
    Ok(DeskReport {
        folder: out,
        files: written,
        pending: desk.pending().count(),
        expiring: desk.expiring(&tz).len(),
        without_terms: desk.without_terms().len(),
        ambassadors: crate::community::desk::ambassadors(&desk, &tz).len(),
    })
}

/// What `check` found: every problem, and (when the build got that far)
/// how far each language is translated.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    pub translations: Vec<crate::checks::LanguageCoverage>,
}

/// [`check`], with the translation coverage.
pub fn check_report(opts: &BuildOptions) -> CheckReport {
    let sink = Discard::default();
    let mut translations = Vec::new();
    let mut diags = match run(opts, &sink, &Quiet, None, None, None, Mode::Check) {
        Ok((mut report, _)) => {
            translations = std::mem::take(&mut report.translations);
            report.errors.append(&mut report.warnings);
            report.errors
        }
        Err(e) => e.into_diagnostics(),
    };
    // A build leaves out what may no longer be published, and puts a page's
    // address where its title is missing, with a warning; check makes these
    // errors, so that CI asks for the content to be mended.
    for d in &mut diags {
        if matches!(
            d.code,
            "rights-expired" | "post-without-consent" | "title-missing"
        ) {
            d.severity = Severity::Error;
        }
    }
    sort_diagnostics(&mut diags);
    CheckReport {
        diagnostics: diags,
        translations,
    }
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

/// OUT must not be the site itself, one of its source folders, or above it,
/// however either is reached (a relative path, `..`, a symbolic link).
fn guard_output(root: &Path, out: &Path) -> Result<(), Error> {
    let (root_r, out_r) = (crate::paths::resolve(root), crate::paths::resolve(out));
    if root_r.starts_with(&out_r)
        || crate::paths::SOURCE_FOLDERS
            .iter()
            .any(|s| out_r.starts_with(root_r.join(s)))
    {
        return Err(Error::Usage(format!(
            "refusing to build into {}: it would replace the site's own files; choose another folder with -o",
            out.display()
        )));
    }
    Ok(())
}

/// The stages, in order (see the module's first lines).
fn run(
    opts: &BuildOptions,
    sink: &dyn Sink,
    progress: &dyn Progress,
    recall: Option<&Recall<'_>>,
    sources: Option<&mut SourceMemo>,
    search: Option<&mut crate::search::Memo>,
    mode: Mode,
) -> Result<(BuildReport, Option<LastBuild>), Error> {
    // Paths found by walking the site are compared with paths resolved from
    // what its files say (a cover, gallery.toml, an image in markdown), which
    // are normalized: from a root spelled `.` they never matched, and the
    // originals were published beside their variants. One spelling: the
    // real path.
    let real_root = opts.root.canonicalize();
    let root = real_root.as_deref().unwrap_or(opts.root.as_path());
    let run = stages::Run {
        root,
        opts,
        progress,
        recall,
        mode,
        deferred: Default::default(),
        clock: crate::clock::Clock::new(opts.now),
    };
    let result = run_stages(&run, sink, sources, search);
    // In `check`, the problems kept on the way come first.
    let deferred = run.take_deferred();
    match result {
        Ok((mut report, record)) => {
            report.errors = deferred;
            Ok((report, record))
        }
        Err(Error::Site(late)) if !deferred.is_empty() => {
            Err(Error::Site(deferred.into_iter().chain(late).collect()))
        }
        Err(e) => Err(e),
    }
}

/// The stages of one run, each timed.
fn run_stages(
    run: &stages::Run<'_>,
    sink: &dyn Sink,
    sources: Option<&mut SourceMemo>,
    search_memo: Option<&mut crate::search::Memo>,
) -> Result<(BuildReport, Option<LastBuild>), Error> {
    let (root, opts, progress, recall) = (run.root, run.opts, run.progress, run.recall);
    let mut timer = Timer::new();

    let settings = stages::configure(run)?;
    let config = &settings.config;
    let mut warnings = settings.warnings.clone();
    // `check` reads every file as it is written, for the link audit.
    let ledger = (run.mode == Mode::Check).then(|| Ledger::new(config.base()));
    let audited = ledger.as_ref().map(|l| Audited::new(sink, l));
    let sink: &dyn Sink = match &audited {
        Some(a) => a,
        None => sink,
    };
    timer.lap("config");

    progress.stage("templates", 0);
    let interface = stages::load_theme(run, config)?;
    warnings.extend(interface.warnings.iter().cloned());
    timer.lap("theme");

    progress.stage("content", 0);
    let mut site = stages::load_content(run, config, sources)?;
    warnings.append(&mut site.warnings);
    timer.lap("content");

    let templates = stages::prepare_templates(run, &settings, &interface, &site)?;
    timer.lap("templates");

    let refs = stages::resolve_references(run, config, &interface, &mut site)?;
    warnings.append(&mut site.warnings);
    timer.lap("references");

    let mut md = stages::render_markdown(run, config, &mut site.content, &templates, &refs)?;
    // Sources are rendered: free them before templates fill memory with pages.
    for s in &mut site.content.sections {
        s.body = std::sync::Arc::default();
    }
    // The sources freed above are held by the allocator until purged
    // (about 30 MiB on 10,000 pages): purged now, before templates fill
    // memory with pages, the build's peak is the markdown stage's. `serve`
    // gives memory back once it has built.
    if recall.is_none() {
        give_back();
    }
    timer.lap("markdown");

    let checked = stages::check_rendered(run, config, &interface, &site, &md, &refs)?;
    warnings.extend(checked.warnings.iter().cloned());
    let (translations, across) =
        crate::checks::translations(config, &site.content, &md.pages, &interface.strings);
    warnings.extend(across);
    timer.lap("checks");

    progress.stage("search", 0);
    let inputs = stages::SearchSources {
        config,
        interface: &interface,
        site: &site,
        md: &md,
        refs: &refs,
        // `serve`'s memory keeps pages: nothing changed since its last
        // good build but some bodies (and templates).
        same_site: recall.is_some_and(|r| r.last.is_some()),
    };
    // A build's index memory (every page's terms and result) is dropped as
    // soon as the index is written, before pages fill memory; `serve` keeps
    // it for its next build.
    // `serve`, after a save of templates the index does not read: the
    // last build's index, its files as they were.
    let kept_index = recall.and_then(|r| {
        let index = r.search_index(templates.renderer.graph())?;
        let files = r.last?.files.shared_under(crate::search::FOLDER)?;
        Some((index, files))
    });
    let search = match (kept_index, search_memo) {
        (Some((index, files)), _) => stages::keep_search(index, &files, sink)?,
        (None, Some(memo)) => stages::index_search(&inputs, sink, memo, true)?,
        (None, None) => {
            stages::index_search(&inputs, sink, &mut crate::search::Memo::default(), false)?
        }
    };
    warnings.extend(search.warnings.iter().cloned());
    timer.lap("search");

    let src = stages::RenderSources {
        root,
        config,
        interface: &interface,
        site: &site,
        templates: &templates,
        refs: &refs,
        checked: &checked,
        search: &search.manifests,
    };
    let pages = stages::render_pages(run, &src, &mut md, sink)?;
    for w in pages.job_warnings.values() {
        warnings.extend(w.iter().cloned());
    }
    timer.lap("render");

    progress.stage("images", 0);
    let mut image_counts = refs.images.process(sink).map_err(Error::Site)?;
    timer.lap("images");

    progress.stage("cards", 0);
    let cards = templates.cards.as_ref();
    let card_counts = stages::draw_cards(cards, &refs.images, &pages.kits, sink)?;
    if opts.prune_cache {
        stages::prune_cache(&opts.root, config, &refs, cards, &mut image_counts)?;
    }
    timer.lap("cards");

    progress.stage("press", 0);
    stages::write_press(&src, &refs.images, &pages.press, sink)?;
    timer.lap("press");

    progress.stage("files", 0);
    stages::write_site_files(&src, &md, &settings, sink)?;
    timer.lap("files");

    if let Some(ledger) = &ledger {
        stages::audit_output(run, &site, &checked, ledger)?;
        timer.lap("audit");
    }

    let total_ms = timer.start.elapsed().as_secs_f64() * 1000.0;
    warnings
        .iter_mut()
        .for_each(|w| w.severity = Severity::Warning);
    sort_diagnostics(&mut warnings);
    let content = &site.content;
    let model = &site.model;
    let pages_kept = pages
        .kept_jobs
        .iter()
        .filter(|j| {
            matches!(
                j,
                Job::Page(_) | Job::Section { pager: 0, .. } | Job::Listing { pager: 0, .. }
            )
        })
        .count();
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
        drafts_left_out: content.drafts_left_out,
        files_written: sink.count(),
        images: image_counts,
        cards_drawn: card_counts.drawn,
        maps: refs.map_counts.clone(),
        search: search.counts.clone(),
        data: content.data,
        warnings,
        errors: Vec::new(),
        stages_ms: timer.stages,
        stages_resident_mib: timer.resident,
        stages_peak_mib: timer.peak,
        peak_resident_mib: memory_mib().map(|(_, peak)| peak),
        total_ms,
        translations,
        // Only the one file asked for: a table of every file's address,
        // made at every build, took the thread driving a save 3 ms.
        followed: recall.and_then(|r| r.follow).and_then(|rel| {
            let section = content
                .sections
                .iter()
                .rev()
                .find(|s| s.file.as_ref().is_some_and(|f| f.rel == rel));
            match section {
                Some(s) => Some(s.path.clone()),
                None => content
                    .pages
                    .iter()
                    .rev()
                    .find(|p| p.file.rel == rel)
                    .map(|p| p.path.clone()),
            }
        }),
        pages_kept,
    };
    // Serve's memory, last point: what the next build may keep of this one.
    let record = recall.map(|recall| {
        let horizon = recall.horizon(&run.clock);
        let mut last = remember(opts, config, horizon, &site, md, pages, &templates);
        last.search = Some(search);
        last
    });
    // `serve` waits for this build to tell the browser, and `build` to
    // swap its output in: the site model, the references and the templates
    // are freed on another thread (a region's portal: 0.3 s).
    drop_elsewhere((site, refs, templates, checked, interface));
    Ok((report, record))
}

/// Frees `value` on a thread of its own: a save's reload does not wait
/// for the last build's memory (tens of milliseconds on 10,000 pages) to
/// be given back. Here, when no thread can be made. Then gives what was
/// freed back to the system ([`give_back`]); what it freed last may wait
/// for a later collection: see [`give_back_here_once_freed`].
pub(crate) fn drop_elsewhere<T: Send + 'static>(value: T) {
    // A closure that failed to spawn is dropped here, with `value`.
    let Ok(thread) = std::thread::Builder::new()
        .name("blason-free".into())
        .spawn(move || {
            drop(value);
            give_back();
        })
    else {
        return;
    };
    let mut freeing = FREEING.lock().unwrap_or_else(|p| p.into_inner());
    freeing.retain(|t| !t.is_finished());
    freeing.push(thread);
}

/// The threads [`drop_elsewhere`] started, while they may still be freeing.
static FREEING: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// [`give_back_here`] once every thread [`drop_elsewhere`] started has
/// ended. What is freed goes back to the system only when a thread
/// collects after it: a block through the thread that allocated it;
/// mimalloc lets one thread at a time purge (a collection beside another
/// skips its purge); a freeing thread that ends leaves its pages to
/// whoever collects next. `serve`'s threads sit idle between saves: in
/// about one run in ten it held 100–200 MB of a site it had replaced,
/// until a collection on any thread (called from a debugger) freed it.
pub(crate) fn give_back_here_once_freed() {
    let freeing = std::mem::take(&mut *FREEING.lock().unwrap_or_else(|p| p.into_inner()));
    for thread in freeing {
        // A thread that panicked freed what it could; nothing to tell.
        let _ = thread.join();
    }
    give_back_here();
}

/// Gives the memory freed so far back to the system, on every thread of
/// the pool and on this one. mimalloc (the binary's allocator) returns a
/// thread's free pages, and collects the blocks other threads freed in
/// them, only when that thread allocates again: after a build of
/// `serve`, the pool's threads sit idle until the next save, and held
/// the last build's pages (a whole build's worth after a full one:
/// 1.14 GB against 0.77 on 10,000 pages, docs/performance.md).
pub(crate) fn give_back() {
    rayon::broadcast(|_| give_back_here());
    give_back_here();
}

/// [`give_back`] on this thread only.
fn give_back_here() {
    // SAFETY: `mi_collect` takes no pointer and may be called on any
    // thread at any time; it only touches what mimalloc itself allocated
    // (nothing, or what a test asked of it, when mimalloc is not the
    // global allocator, as in the library's tests).
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// What the next build for `serve` may keep of this one.
fn remember(
    opts: &BuildOptions,
    config: &crate::config::Config,
    horizon: Option<jiff::Timestamp>,
    site: &stages::Site,
    md: stages::Markdown,
    pages: stages::Pages,
    templates: &stages::Templates,
) -> LastBuild {
    use rayon::prelude::*;
    let content = &site.content;
    // The reload waits for this: both tables are made at once, each on a
    // thread (about 8 ms of one on 10,000 pages).
    let (kept_pages, sources) = rayon::join(
        || {
            content
                .pages
                .par_iter()
                .zip(md.pages)
                .zip(pages.summaries)
                .zip(&md.bodies)
                .map(|(((p, rendered), summary), body)| {
                    let memo = PageMemo {
                        body: *body,
                        rendered: (!rendered.calls_shortcodes).then_some(rendered),
                        summary,
                    };
                    (p.file.rel.clone(), memo)
                })
                .collect()
        },
        || {
            content
                .pages
                .iter()
                .map(|p| &p.file)
                .chain(content.sections.iter().filter_map(|s| s.file.as_ref()))
                .map(|f| (f.rel.clone(), f.front_matter))
                .collect()
        },
    );
    LastBuild {
        now: opts.now,
        horizon,
        sources,
        pages: kept_pages,
        sections: md.section_prints.into_iter().collect(),
        job_warnings: pages.job_warnings,
        job_templates: pages.job_templates,
        templates: templates.renderer.graph().clone(),
        files: Served::default(),
        model: Some((
            std::sync::Arc::clone(&site.model),
            site.fronts
                .unwrap_or_else(|| crate::incremental::fronts(content)),
        )),
        renderer: Some((
            std::sync::Arc::clone(&templates.renderer),
            stages::stylesheet_href(config, &templates.stylesheet),
        )),
        search: None,
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    const BLOCK: usize = 64 * 1024;
    const PAGE: usize = 4096;

    /// How many whole pages of these blocks are in memory: other tests'
    /// allocations, in the same process, do not count.
    fn resident(blocks: &[usize]) -> usize {
        let mut count = 0;
        for &p in blocks {
            let start = p.next_multiple_of(PAGE);
            let pages = (p + BLOCK - start) / PAGE;
            let mut vec = vec![0u8; pages];
            // SAFETY: the range is page-aligned and `vec` has a byte per
            // page; mincore only reads the page tables (a range no longer
            // mapped is an error, counted as not resident).
            let r = unsafe {
                libc::mincore(start as *mut libc::c_void, pages * PAGE, vec.as_mut_ptr())
            };
            if r == 0 {
                count += vec.iter().filter(|b| *b & 1 == 1).count();
            }
        }
        count
    }

    /// 128 blocks of BLOCK bytes allocated on this thread, each written in
    /// full (in memory), by address.
    fn fresh_blocks() -> Vec<usize> {
        (0..128)
            .map(|i| {
                // SAFETY: a fresh block of BLOCK bytes, written in full.
                unsafe {
                    let p = libmimalloc_sys::mi_malloc(BLOCK).cast::<u8>();
                    assert!(!p.is_null());
                    std::ptr::write_bytes(p, i as u8 | 1, BLOCK);
                    p as usize
                }
            })
            .collect()
    }

    /// Frees blocks [`fresh_blocks`] made, each once.
    fn free(blocks: &[usize]) {
        for &p in blocks {
            // SAFETY: each block came from `fresh_blocks` and the caller
            // frees it only here.
            unsafe { libmimalloc_sys::mi_free(p as *mut std::ffi::c_void) };
        }
    }

    #[test]
    fn memory_freed_by_another_thread_goes_back_from_idle_threads() {
        // Blocks allocated on the pool's threads, freed here (as `serve`
        // frees the last build), while the pool sits idle.
        let blocks: Vec<usize> = rayon::broadcast(|_| fresh_blocks())
            .into_iter()
            .flatten()
            .collect();
        let total = resident(&blocks);
        assert!(total >= blocks.len() * (BLOCK / PAGE - 1));
        free(&blocks);
        let held = resident(&blocks);
        assert!(
            held > total / 2,
            "the pool's threads no longer hold what another thread freed ({held} of {total} pages): the test does not show the case"
        );
        super::give_back();
        let after = resident(&blocks);
        assert!(
            after < total / 10,
            "not given back: {after} of {total} pages still in memory"
        );
    }

    /// Frees its blocks a moment after it is dropped: a freeing that ends
    /// after the thread that made the blocks has given back.
    struct SlowToFree(Vec<usize>);

    impl Drop for SlowToFree {
        fn drop(&mut self) {
            std::thread::sleep(std::time::Duration::from_millis(200));
            free(&self.0);
        }
    }

    #[test]
    fn the_thread_that_made_what_another_frees_gives_it_back_once_freed() {
        // Blocks this thread allocates (as `serve`'s driving thread makes
        // the site it serves), freed on another thread that ends late.
        let blocks = fresh_blocks();
        let total = resident(&blocks);
        assert!(total >= blocks.len() * (BLOCK / PAGE - 1));
        super::drop_elsewhere(SlowToFree(blocks.clone()));
        super::give_back_here_once_freed();
        let after = resident(&blocks);
        assert!(
            after < total / 10,
            "not given back: {after} of {total} pages still in memory"
        );
    }
}
