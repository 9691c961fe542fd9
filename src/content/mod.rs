//! Content: the walk of `content/`, front matter, sections, pages and bundles.
//!
//! [`load`] reads every markdown file (in parallel), parses and validates its
//! front matter, works out its language, slug and URL path, attaches pages to
//! their section and collects bundle assets. It collects every error of every
//! file before failing, so one run shows all broken files. It renders nothing:
//! markdown bodies stay text here.

pub mod data;
pub mod event;
pub mod frontmatter;
pub mod gallery;
pub mod photo_meta;
pub mod practical;
pub mod schedule;
pub mod site;
pub mod trail;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Error, display_path};
use crate::paths;
use crate::slug::slugify;
use crate::stamp::Stamp;
use frontmatter::{FmDate, PageFrontMatter, SectionFrontMatter, SortBy};

/// A page's place in [`Content::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(pub usize);

/// A section's place in [`Content::sections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionId(pub usize);

/// Where a piece of content comes from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, for messages: `content/tourisme/lac/index.md`.
    pub rel: String,
    /// Relative to content/, as written in `@/` links: `tourisme/lac/index.md`.
    pub content_rel: String,
    /// A fingerprint of the front matter text: `serve` compares it between
    /// builds to know when a save changed only the body.
    pub front_matter: [u8; 32],
    /// A fingerprint of the body, made when a [`SourceMemo`] is kept (serve).
    pub body: Option<[u8; 32]>,
}

/// A page: a markdown file, or the `index.md` of a bundle folder.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: SourceFile,
    pub lang: String,
    /// Shared, not copied, with `serve`'s memory of the file (a save
    /// clones every remembered page); `Arc::make_mut` to change it.
    pub fm: std::sync::Arc<PageFrontMatter>,
    /// The markdown after the front matter. `serve`'s memory of the file
    /// holds its own copy, packed when long (`packed::Text`); a page taken
    /// from that memory shares it, read back only when its markdown is
    /// rendered again.
    pub body: crate::packed::Text,
    /// Line of the file where the body starts.
    pub body_line: usize,
    pub slug: String,
    /// URL path, with the language prefix: `/en/tourisme/lac/`.
    pub path: String,
    /// Folder against which the page's relative paths resolve.
    pub dir: PathBuf,
    pub bundle: bool,
    /// Files of the bundle other than markdown (absolute paths), sorted.
    pub assets: Vec<PathBuf>,
    pub date: Option<FmDate>,
    /// The pillar: from front matter, else the top folder when it is a pillar key.
    pub pillar: Option<String>,
    /// Index of the section the page belongs to.
    pub section: usize,
    /// The same for all translations of this page.
    pub translation_key: String,
    /// For a page made from a tourism data feed: where it comes from.
    pub origin: Option<std::sync::Arc<data::Origin>>,
    /// The trail of `trail` in front matter, or of a trail feed's object.
    pub trail: Option<std::sync::Arc<trail::Trail>>,
}

impl Page {
    pub fn title(&self) -> &str {
        self.fm.title.as_deref().unwrap_or(&self.slug)
    }

    /// The folder of the page's file under content/, with `/` ("" at the
    /// top): [`Page::dir`] relative to content/ (a feed's folder is written
    /// the same way: `config::data` cleans it), read from the path the
    /// file was found at rather than worked out again from `dir`.
    pub fn dir_rel(&self) -> &str {
        parent_rel(&self.file.content_rel)
    }

    /// The folder the page is placed in (its section is the nearest one
    /// there or above, its address made there): [`Page::dir_rel`], or for a
    /// bundle the folder holding the bundle's.
    pub fn folder_rel(&self) -> &str {
        match self.bundle {
            true => parent_rel(self.dir_rel()),
            false => self.dir_rel(),
        }
    }

    /// Tags from `tags` and Zola's `[taxonomies] tags`, in order, without repeats.
    pub fn taxonomy_terms(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (tax, t) in self.terms() {
            push_unique(out.entry(tax.to_string()).or_default(), t);
        }
        out
    }

    /// Each (taxonomy, term) the page writes, as written and in order:
    /// `tags` first (the taxonomy `tags`), then each of `[taxonomies]`.
    /// Repeats included: [`Page::taxonomy_terms`] leaves them out.
    pub fn terms(&self) -> impl Iterator<Item = (&str, &str)> {
        let tags = self.fm.tags.iter().map(|t| ("tags", t.as_str()));
        let named = self
            .fm
            .taxonomies
            .iter()
            .flat_map(|(tax, list)| list.iter().map(move |t| (tax.as_str(), t.as_str())));
        tags.chain(named)
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// A section: a folder with an `_index.md` (or the implicit home of a language).
#[derive(Debug, Clone)]
pub struct Section {
    pub file: Option<SourceFile>,
    pub lang: String,
    pub fm: SectionFrontMatter,
    pub body: std::sync::Arc<str>,
    pub body_line: usize,
    pub path: String,
    /// The folder, absolute.
    pub dir: PathBuf,
    /// Folder relative to content/ (`tourisme/randonnees`), empty for the home.
    pub dir_rel: String,
    pub parent: Option<usize>,
    /// Pages, sorted as `sort_by` says.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub translation_key: String,
    pub assets: Vec<PathBuf>,
}

impl Section {
    pub fn is_home(&self) -> bool {
        self.dir_rel.is_empty()
    }

    pub fn title(&self) -> &str {
        self.fm.title.as_deref().unwrap_or("")
    }

    pub fn source_name(&self) -> String {
        self.file.as_ref().map_or_else(
            || format!("the home page ({})", self.lang),
            |f| f.rel.clone(),
        )
    }
}

/// What the files of content/ gave when they were last read, for `serve`:
/// a file whose size and modification time have not changed since is not
/// read and parsed again (on 10,000 pages, most of a rebuild after a save).
/// Those are facts (this file, with this stamp, parses to this), so a
/// failed build leaves them right. The walk kept beside them is not: it
/// stands for the folders while the watcher's paths say no file was
/// created or removed ([`SourceMemo::saw_changes`]).
#[derive(Default)]
pub struct SourceMemo {
    files: HashMap<PathBuf, Remembered>,
    /// The objects of the tourism data feeds.
    data: data::DataMemo,
    /// The last walk of content/, while the saves since changed only files
    /// it found (see [`SourceMemo::saw_changes`]).
    walk: Option<KeptWalk>,
    /// Whether the next load may take `walk` and the remembered files
    /// without asking the file system.
    trusted: bool,
    /// Walks of content/ made (the tests count them).
    #[cfg(test)]
    walks: usize,
}

/// A walk of content/ kept for `serve`'s next build: on 10,000 pages,
/// reading the folders again took 11 ms of each save on the thread every
/// stage waits for, and asking each file's size and time 10,000 calls.
struct KeptWalk {
    /// What the walk's reading of names depended on besides the folders:
    /// the site's languages, its default first.
    languages: Vec<String>,
    /// In the walk's order, which is `Path`'s (see [`KeptWalk::has`]).
    found: Vec<Found>,
    other_files: Vec<PathBuf>,
}

impl KeptWalk {
    /// Whether the walk found the file `path`. Its lists are in the order
    /// `paths::walk_files` gives, each folder's names by their bytes, a
    /// folder's before those of a name that extends it: `Path`'s order.
    fn has(&self, path: &Path) -> bool {
        self.found
            .binary_search_by(|f| f.path.as_path().cmp(path))
            .is_ok()
            || self
                .other_files
                .binary_search_by(|p| p.as_path().cmp(path))
                .is_ok()
    }
}

impl SourceMemo {
    /// Takes in the paths a save touched (absolute, or relative to
    /// `root`, the site's real path): each is read again whatever its
    /// stamp says. When each of them is a file of content/ that the last
    /// walk found, and still a file, or a file elsewhere in the site, or
    /// a name the walk leaves out (an editor's scratch file), the next
    /// load takes that walk, and the files not touched as they were read,
    /// without asking the file system. Anything else (a file created or
    /// removed, a folder, a path outside the site, a walk that met a
    /// symbolic link, whose target may change elsewhere) walks again and
    /// checks every file's stamp.
    pub fn saw_changes(&mut self, root: &Path, changed: &[PathBuf]) {
        let content = root.join("content");
        let mut keep = self.walk.is_some();
        for path in changed {
            let path = root.join(path);
            self.files.remove(&path);
            if !keep {
                continue;
            }
            if !path.starts_with(root) {
                keep = false;
                continue;
            }
            let Ok(inside) = path.strip_prefix(&content) else {
                continue;
            };
            if inside
                .components()
                .any(|c| paths::is_scratch(c.as_os_str()))
            {
                continue;
            }
            let walked = self.walk.as_ref().is_some_and(|w| w.has(&path));
            let file = path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_file());
            keep = walked && file;
        }
        if !keep {
            self.walk = None;
        }
        // Nothing said about the saves (a first build): every stamp checked.
        self.trusted = self.walk.is_some() && !changed.is_empty();
    }
}

type ParseResult = Result<Parsed, Vec<Diagnostic>>;

struct Remembered {
    stamp: Stamp,
    lang: String,
    parsed: Parsed,
}

/// What to include.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub drafts: bool,
    /// "Now", for `publish_until` and the feeds' seasons.
    pub clock: crate::clock::Clock,
    /// Leave out the files that cannot be read, with their errors in
    /// [`Content::errors`], instead of failing (`check`, which reports every
    /// problem at once).
    pub keep_going: bool,
}

/// Options of a test's load: no drafts, "now" at 1970, stop at errors.
#[cfg(test)]
pub(crate) fn epoch_options() -> LoadOptions {
    LoadOptions {
        drafts: false,
        clock: crate::clock::Clock::new(jiff::Timestamp::UNIX_EPOCH),
        keep_going: false,
    }
}

/// All content of a site.
#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Content path (as in `@/` links) to URL path; looked up only.
    pub links: rustc_hash::FxHashMap<String, String>,
    pub warnings: Vec<Diagnostic>,
    /// With [`LoadOptions::keep_going`], the errors of the files left out.
    pub errors: Vec<Diagnostic>,
    /// Pages and sections with `draft = true`, left out without `--drafts`.
    pub drafts_left_out: usize,
    /// What reading the tourism data feeds did.
    pub data: data::DataCounts,
    /// The pages' order by date, made as they were listed.
    pub dates: DateOrder,
}

impl Content {
    /// The pages' order by date: the one made as they were listed, or
    /// made now for pages put together otherwise (tests).
    pub fn date_order(&self, tz: &jiff::tz::TimeZone) -> std::borrow::Cow<'_, DateOrder> {
        if self.dates.0.len() == self.pages.len() {
            std::borrow::Cow::Borrowed(&self.dates)
        } else {
            std::borrow::Cow::Owned(DateOrder::new(&self.pages, tz))
        }
    }

    /// The home section of `lang`.
    pub fn home(&self, lang: &str) -> Option<usize> {
        self.sections
            .iter()
            .position(|s| s.is_home() && s.lang == lang)
    }
}

#[derive(Clone)]
enum FileKind {
    Section,
    Page,
}

#[derive(Clone)]
struct Found {
    path: PathBuf,
    kind: FileKind,
    lang: String,
}

/// Reads and validates `ROOT/content`; with a `memo`, only the files that
/// changed since it was filled (and fills it).
pub fn load(
    root: &Path,
    config: &Config,
    opts: LoadOptions,
    memo: Option<&mut SourceMemo>,
) -> Result<Content, Error> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return Err(Diagnostic::error("missing-file", "the content/ folder is missing")
            .file("content")
            .help("create content/_index.md for the home page, or run `blason init DIR` for an example site")
            .into());
    }
    let languages = config.all_languages();
    let tz = &config.timezone.tz;

    let (
        Walked {
            found,
            other_files,
            mut errors,
        },
        parsed,
        data_memo,
    ) = match memo {
        Some(m) => {
            let (walked, kept) = walk_remembered(root, &content_dir, config, &languages, m);
            m.trusted = false;
            let parsed = read_all(root, &content_dir, &walked.found, Some(&mut *m), kept);
            (walked, parsed, Some(&mut m.data))
        }
        None => {
            let walked = walk(root, &content_dir, config, &languages).0;
            let parsed = read_all(root, &content_dir, &walked.found, None, false);
            (walked, parsed, None)
        }
    };
    let mut sections = Vec::new();
    let mut pages = Vec::with_capacity(found.len());
    for p in parsed {
        match p {
            Ok(Parsed::Section(s)) => sections.push(*s),
            Ok(Parsed::Page(p)) => pages.push(*p),
            Err(d) => errors.extend(d),
        }
    }
    // The folders and slugs of markdown pages, which feeds' pages must not
    // take: none without feeds (10,000 pairs made at each save of `serve`).
    let taken = if config.data.is_empty() {
        std::collections::HashSet::new()
    } else {
        pages
            .iter()
            .filter(|p| p.fm.data_id.is_none())
            .map(|p| (p.folder_rel().to_string(), p.slug.clone()))
            .collect()
    };
    let data = data::load(root, config, &opts.clock, data_memo, taken, &mut pages);
    errors.extend(data.errors);
    errors.extend(data::attach(&mut pages, config));
    errors.extend(trail::load(root, &mut pages));
    if !errors.is_empty() && !opts.keep_going {
        return Err(Error::Site(errors));
    }
    let drafts_left_out = keep_published(&mut pages, &mut sections, &opts, tz);
    add_implicit_homes(&mut sections, &languages, &content_dir);
    let tree = SectionTree::build(&mut sections, config, &languages);
    place_pages(&mut pages, &tree, config);
    // A page attached to a feed's object at the object's own address needs
    // no redirect from it.
    for p in pages.iter_mut().filter(|p| p.origin.is_some()) {
        let own = p.path.clone();
        std::sync::Arc::make_mut(&mut p.fm)
            .aliases
            .retain(|a| *a != own);
    }
    assign_assets(
        &mut pages,
        &mut sections,
        other_files,
        &tree,
        &content_dir,
        config,
    );
    // `@/` links: content path to URL path, made while the sections'
    // lists are sorted.
    let (dates, mut links) = rayon::join(
        || list_pages(&mut sections, &pages, tz),
        || {
            let mut links = rustc_hash::FxHashMap::default();
            links.reserve(pages.len());
            for p in &pages {
                links.insert(p.file.content_rel.clone(), p.path.clone());
            }
            links
        },
    );
    let mut content = Content::default();
    for s in &sections {
        if let Some(f) = &s.file {
            links.insert(f.content_rel.clone(), s.path.clone());
        }
    }
    content.links = links;
    pages.shrink_to_fit();
    content.pages = pages;
    content.sections = sections;
    content.errors = errors;
    content.drafts_left_out = drafts_left_out;
    content.warnings.extend(data.warnings);
    content.data = data.counts;
    content.dates = dates;
    Ok(content)
}

/// The markdown files of content/ (sections and pages, with their
/// language), the other files, and the problems found walking.
struct Walked {
    found: Vec<Found>,
    other_files: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
}

/// [`walk`], or the walk `memo` kept when the saves since changed only
/// files it found and the site's languages are the same
/// ([`SourceMemo::saw_changes`]): then with `true`. A walk without
/// problems or symbolic links is kept for the next.
fn walk_remembered(
    root: &Path,
    content_dir: &Path,
    config: &Config,
    languages: &[&str],
    memo: &mut SourceMemo,
) -> (Walked, bool) {
    let same_languages = |w: &KeptWalk| {
        w.languages.first() == Some(&config.default_language)
            && w.languages[1..]
                .iter()
                .map(String::as_str)
                .eq(languages.iter().copied())
    };
    if memo.trusted
        && let Some(w) = memo.walk.as_ref().filter(|w| same_languages(w))
    {
        let walked = Walked {
            found: w.found.clone(),
            other_files: w.other_files.clone(),
            errors: Vec::new(),
        };
        return (walked, true);
    }
    memo.walk = None;
    #[cfg(test)]
    {
        memo.walks += 1;
    }
    let (walked, links) = walk(root, content_dir, config, languages);
    if walked.errors.is_empty() && !links {
        debug_assert!(
            walked.found.is_sorted_by(|a, b| a.path < b.path) && walked.other_files.is_sorted(),
            "the walk's order is Path's"
        );
        memo.walk = Some(KeptWalk {
            languages: std::iter::once(config.default_language.clone())
                .chain(languages.iter().map(|l| l.to_string()))
                .collect(),
            found: walked.found.clone(),
            other_files: walked.other_files.clone(),
        });
    }
    (walked, false)
}

/// Walks content/ and classifies its files (sorted, so that everything
/// downstream is deterministic); and whether it met a symbolic link.
fn walk(root: &Path, content_dir: &Path, config: &Config, languages: &[&str]) -> (Walked, bool) {
    let mut found = Vec::new();
    let mut other_files: Vec<PathBuf> = Vec::new();
    let (walked, mut errors, links) =
        paths::walk_files_seeing_links(root, content_dir, paths::is_scratch);
    for path in walked {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if !name.ends_with(".md") {
            other_files.push(path);
            continue;
        }
        let stem = &name[..name.len() - 3];
        let (base, lang) = match stem.rsplit_once('.') {
            Some((b, l)) if languages.contains(&l) => (b, l.to_string()),
            Some((b, l)) if looks_like_language(l) => {
                errors.push(
                    Diagnostic::error(
                        "unknown-language",
                        format!(
                            "the file is in language `{l}`, which blason.toml does not declare"
                        ),
                    )
                    .file(display_path(&path, root))
                    .help(format!(
                        "add a [languages.{l}] table to blason.toml, or rename the file to {b}.md"
                    )),
                );
                continue;
            }
            _ => (stem, config.default_language.clone()),
        };
        // `video.transcript.md`: a video's transcript, read by the `video()`
        // shortcode that names it, not a page of its own (is_transcript).
        if base.ends_with(".transcript") {
            other_files.push(path);
            continue;
        }
        let kind = if base == "_index" {
            FileKind::Section
        } else {
            FileKind::Page
        };
        found.push(Found { path, kind, lang });
    }
    (
        Walked {
            found,
            other_files,
            errors,
        },
        links,
    )
}

/// Reads and parses every file in parallel; with a memo, the unchanged
/// files are taken from it: those whose stamp is the one remembered, or,
/// `trusted`, every file it remembers (the files a save touched are no
/// longer remembered: [`SourceMemo::saw_changes`]).
fn read_all(
    root: &Path,
    content_dir: &Path,
    found: &[Found],
    memo: Option<&mut SourceMemo>,
    trusted: bool,
) -> Vec<ParseResult> {
    let prints = memo.is_some();
    let Some(memo) = memo else {
        return found
            .par_iter()
            .map(|f| parse_file(root, content_dir, f, prints))
            .collect();
    };
    // The memo keeps what it has for unchanged files, learns the files
    // read now, and forgets the files that are gone.
    // A file read now comes with what the memo is to keep of it (made on
    // the pool's threads: packing 10,000 pages' markdown is tens of ms).
    let mut results: Vec<(Option<Stamp>, bool, ParseResult, Option<Parsed>)> = found
        .par_iter()
        .map(|f| {
            let remembered = memo.files.get(&f.path);
            let now = match remembered {
                Some(r) if trusted => Some(r.stamp),
                _ => crate::stamp::of(&f.path),
            };
            let known = remembered
                .filter(|r| now == Some(r.stamp) && r.lang == f.lang && r.parsed.is_kind(&f.kind));
            match known {
                Some(r) => (now, true, Ok(r.parsed.clone()), None),
                None => {
                    let parsed = parse_file(root, content_dir, f, prints);
                    let keep = parsed.as_ref().ok().filter(|_| now.is_some());
                    let keep = keep.map(Parsed::remembered);
                    (now, false, parsed, keep)
                }
            }
        })
        .collect();
    for (f, (now, known, _, keep)) in found.iter().zip(&mut results) {
        match (now, known, keep.take()) {
            (_, true, _) => {}
            (Some(stamp), false, Some(parsed)) => {
                let remembered = Remembered {
                    stamp: *stamp,
                    lang: f.lang.clone(),
                    parsed,
                };
                memo.files.insert(f.path.clone(), remembered);
            }
            _ => {
                memo.files.remove(&f.path);
            }
        }
    }
    // Each file found is remembered now, or was just forgotten: any more
    // are files that are gone (most saves have none, and skip a set of
    // 10,000 paths).
    let remembered = results
        .iter()
        .filter(|(now, known, parsed, _)| *known || (now.is_some() && parsed.is_ok()))
        .count();
    if memo.files.len() > remembered {
        let present: std::collections::HashSet<&Path> =
            found.iter().map(|f| f.path.as_path()).collect();
        memo.files
            .retain(|path, _| present.contains(path.as_path()));
    }
    results.into_iter().map(|(_, _, p, _)| p).collect()
}

/// Leaves out drafts (unless asked for) and pages past their `publish_until`.
/// Returns how many drafts (pages and sections) were left out.
fn keep_published(
    pages: &mut Vec<Page>,
    sections: &mut Vec<Section>,
    opts: &LoadOptions,
    tz: &jiff::tz::TimeZone,
) -> usize {
    let before = pages.len() + sections.len();
    let mut expired = 0;
    pages.retain(|p: &Page| {
        if p.fm.draft && !opts.drafts {
            return false;
        }
        if let Some(until) = p.fm.publish_until {
            // A date alone means "until the end of that day".
            let end = if until.date_only {
                until.date().tomorrow().map_or(until.timestamp(tz), |d| {
                    FmDate {
                        datetime: d.to_datetime(jiff::civil::Time::midnight()),
                        date_only: false,
                        offset: None,
                    }
                    .timestamp(tz)
                })
            } else {
                until.timestamp(tz)
            };
            if opts.clock.reached(end) {
                expired += 1;
                return false;
            }
        }
        true
    });
    sections.retain(|s: &Section| !s.fm.draft || opts.drafts);
    before - pages.len() - sections.len() - expired
}

/// A home section for each language without `_index.md`.
fn add_implicit_homes(sections: &mut Vec<Section>, languages: &[&str], content_dir: &Path) {
    for lang in languages {
        if !sections.iter().any(|s| s.is_home() && &s.lang == lang) {
            sections.push(Section {
                file: None,
                lang: lang.to_string(),
                fm: SectionFrontMatter::default(),
                body: std::sync::Arc::default(),
                body_line: 1,
                path: String::new(),
                dir: content_dir.to_path_buf(),
                dir_rel: String::new(),
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                translation_key: "_index.md".into(),
                assets: Vec::new(),
            });
        }
    }
}

/// Sections by folder and language, to find the section a file belongs to.
struct SectionTree {
    index: HashMap<(String, String), usize>,
}

impl SectionTree {
    /// Sorts the sections, gives each its URL path and its parent.
    fn build(sections: &mut [Section], config: &Config, languages: &[&str]) -> SectionTree {
        sections.sort_by(|a, b| {
            (a.dir_rel.as_str(), lang_rank(languages, &a.lang))
                .cmp(&(b.dir_rel.as_str(), lang_rank(languages, &b.lang)))
        });
        for s in sections.iter_mut() {
            let comps: Vec<String> = s
                .dir_rel
                .split('/')
                .filter(|c| !c.is_empty())
                .map(slugify)
                .collect();
            let prefix = config.lang_prefix(&s.lang);
            s.path = if comps.is_empty() {
                format!("{prefix}/")
            } else {
                format!("{prefix}/{}/", comps.join("/"))
            };
        }
        let tree = SectionTree {
            index: sections
                .iter()
                .enumerate()
                .map(|(i, s)| ((s.dir_rel.clone(), s.lang.clone()), i))
                .collect(),
        };
        for i in 0..sections.len() {
            if sections[i].is_home() {
                continue;
            }
            let parent_dir = sections[i]
                .dir_rel
                .rsplit_once('/')
                .map_or("", |(a, _)| a)
                .to_string();
            let parent = tree.nearest(&parent_dir, &sections[i].lang);
            sections[i].parent = Some(parent);
            sections[parent].subsections.push(i);
        }
        tree
    }

    /// The section of the folder `dir_rel` (relative to content/) in
    /// `lang`, or of the nearest folder above it that has one.
    fn nearest(&self, dir_rel: &str, lang: &str) -> usize {
        let mut d = dir_rel.to_string();
        loop {
            if let Some(&i) = self.index.get(&(d.clone(), lang.to_string())) {
                return i;
            }
            if d.is_empty() {
                return self
                    .index
                    .get(&(String::new(), lang.to_string()))
                    .copied()
                    .unwrap_or(0);
            }
            d = d
                .rsplit_once('/')
                .map_or(String::new(), |(a, _)| a.to_string());
        }
    }
}

/// The folder holding `rel` (a path under content/ with `/`), "" at the top.
fn parent_rel(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Each page's section, pillar and URL path.
fn place_pages(pages: &mut [Page], tree: &SectionTree, config: &Config) {
    use rayon::prelude::*;
    // The pages of one folder in one language share their section and
    // their folders' slugs: each found once (a region has 100,000 pages
    // in a few hundred folders), then every page placed in parallel.
    let places: Vec<(usize, std::sync::Arc<str>)> = {
        let mut memo: HashMap<(&str, &str), (usize, std::sync::Arc<str>)> = HashMap::new();
        pages
            .iter()
            .map(|p| {
                let folder = p.folder_rel();
                memo.entry((folder, p.lang.as_str()))
                    .or_insert_with(|| {
                        let mut slugs = String::new();
                        for c in folder.split('/').filter(|c| !c.is_empty()) {
                            slugs.push('/');
                            slugs.push_str(&slugify(c));
                        }
                        (tree.nearest(folder, &p.lang), slugs.into())
                    })
                    .clone()
            })
            .collect()
    };
    pages
        .par_iter_mut()
        .zip(places)
        .for_each(|(p, (section, slugs))| {
            p.section = section;
            let top = p.dir_rel().split('/').next().unwrap_or("");
            if p.pillar.is_none() && config.pillars.contains_key(top) {
                p.pillar = Some(top.to_string());
            }
            let prefix = config.lang_prefix(&p.lang);
            p.path = match &p.fm.path {
                Some(custom) => {
                    let c = custom.trim_matches('/');
                    if c.is_empty() {
                        format!("{prefix}/")
                    } else {
                        format!("{prefix}/{c}/")
                    }
                }
                None => {
                    let mut path = prefix;
                    path.push_str(&slugs);
                    path.push('/');
                    path.push_str(&p.slug);
                    path.push('/');
                    path
                }
            };
        });
}

/// Files that are not markdown: a bundle folder's are its page's assets
/// (shared with the bundle's translations); loose files belong to the section.
fn assign_assets(
    pages: &mut [Page],
    sections: &mut [Section],
    other_files: Vec<PathBuf>,
    tree: &SectionTree,
    content_dir: &Path,
    config: &Config,
) {
    let bundle_dirs: HashMap<PathBuf, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.bundle)
        .map(|(i, p)| (p.dir.clone(), i))
        .collect();
    for f in other_files {
        let mut dir = f.parent().map(Path::to_path_buf);
        let mut owner = None;
        while let Some(d) = dir {
            if let Some(&i) = bundle_dirs.get(&d) {
                owner = Some(i);
                break;
            }
            if d == content_dir {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        match owner {
            Some(i) => pages[i].assets.push(f),
            None => {
                let parent = f.parent().unwrap_or(content_dir);
                let rel = display_path(parent, content_dir);
                let rel = if rel == "." { String::new() } else { rel };
                let s = tree.nearest(&rel, &config.default_language);
                sections[s].assets.push(f);
            }
        }
    }
    // Translations of a bundle share its assets (index.en.md sees the photos).
    let mut by_dir: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    for p in pages.iter() {
        if p.bundle && !p.assets.is_empty() {
            by_dir
                .entry(p.dir.clone())
                .or_default()
                .extend(p.assets.iter().cloned());
        }
    }
    for p in pages.iter_mut() {
        if p.bundle
            && p.assets.is_empty()
            && let Some(a) = by_dir.get(&p.dir)
        {
            p.assets = a.clone();
        }
        p.assets.sort();
    }
}

/// Lists pages in their sections (and the parents of transparent ones),
/// sorted as each section says; orders subsections by weight. Returns the
/// pages' order by date, which the stages after sort by.
fn list_pages(sections: &mut [Section], pages: &[Page], tz: &jiff::tz::TimeZone) -> DateOrder {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| pages[a].file.content_rel.cmp(&pages[b].file.content_rel));
    for i in order {
        let s = pages[i].section;
        sections[s].pages.push(i);
    }
    // A transparent section's pages are listed by its parent too (Zola's meaning).
    for i in 0..sections.len() {
        if !sections[i].fm.transparent {
            continue;
        }
        let mut target = sections[i].parent;
        let moved = sections[i].pages.clone();
        while let Some(t) = target {
            sections[t].pages.extend(moved.iter().copied());
            if !sections[t].fm.transparent {
                break;
            }
            target = sections[t].parent;
        }
    }
    let dates = DateOrder::new(pages, tz);
    for s in sections.iter_mut() {
        s.pages.dedup();
        match s.fm.sort_by {
            SortBy::Date => dates.sort(&mut s.pages),
            by => sort_pages(&mut s.pages, pages, by, tz),
        }
    }
    let weights: Vec<(i64, String)> = sections
        .iter()
        .map(|s| (s.fm.weight, s.dir_rel.clone()))
        .collect();
    for s in sections.iter_mut() {
        s.subsections.sort_by(|&a, &b| weights[a].cmp(&weights[b]));
    }
    dates
}

fn lang_rank(languages: &[&str], lang: &str) -> usize {
    languages
        .iter()
        .position(|l| *l == lang)
        .unwrap_or(usize::MAX)
}

/// Each page's place in the date order of [`sort_pages`] (newest first,
/// ties by file path), made once for a site: a list then sorts by these
/// numbers instead of converting each of its pages' dates to the time zone
/// again (a page is in its section's list, its pillar's, each of its
/// tags'). Pages with the same date and path share a number, so that the
/// list's own order decides between them, as in `sort_pages`. Made once
/// a build, as the pages are listed ([`Content::dates`]).
#[derive(Debug, Clone, Default)]
pub struct DateOrder(Vec<u32>);

impl DateOrder {
    pub fn new(pages: &[Page], tz: &jiff::tz::TimeZone) -> DateOrder {
        use rayon::prelude::*;
        // A date's instant in the site's time zone is worked out on every
        // thread, and the order sorted there.
        let keys: Vec<_> = pages
            .par_iter()
            .map(|p| {
                (
                    std::cmp::Reverse(p.date.map(|d| d.timestamp(tz))),
                    &p.file.content_rel,
                )
            })
            .collect();
        let mut order: Vec<usize> = (0..pages.len()).collect();
        order.par_sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut places = vec![0; pages.len()];
        let mut place = 0u32;
        for (n, &i) in order.iter().enumerate() {
            if n > 0 && keys[order[n - 1]] != keys[i] {
                place += 1;
            }
            places[i] = place;
        }
        DateOrder(places)
    }

    /// Sorts page indices as `sort_pages` does with [`SortBy::Date`].
    pub fn sort(&self, list: &mut [usize]) {
        list.sort_by_key(|&i| self.0[i]);
    }
}

/// Sorts page indices as a section's `sort_by` says; ties by file path.
pub fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy, tz: &jiff::tz::TimeZone) {
    let key_date = |p: &Page| p.date.map(|d| d.timestamp(tz));
    match by {
        // Keys that cost a time zone conversion or an allocation are made
        // once per page, not once per comparison.
        SortBy::Date => list.sort_by_cached_key(|&i| {
            (
                std::cmp::Reverse(key_date(&pages[i])),
                &pages[i].file.content_rel,
            )
        }),
        SortBy::Updated => {
            let upd = |p: &Page| p.fm.updated.or(p.date).map(|d| d.timestamp(tz));
            list.sort_by_cached_key(|&i| {
                (
                    std::cmp::Reverse(upd(&pages[i])),
                    &pages[i].file.content_rel,
                )
            })
        }
        SortBy::Title => list
            .sort_by_cached_key(|&i| (collation_key(pages[i].title()), &pages[i].file.content_rel)),
        SortBy::TitleBytes => list.sort_by(|&a, &b| {
            pages[a]
                .title()
                .cmp(pages[b].title())
                .then_with(|| pages[a].file.content_rel.cmp(&pages[b].file.content_rel))
        }),
        SortBy::Weight => list.sort_by(|&a, &b| {
            pages[a]
                .fm
                .weight
                .unwrap_or(0)
                .cmp(&pages[b].fm.weight.unwrap_or(0))
                .then_with(|| pages[a].file.content_rel.cmp(&pages[b].file.content_rel))
        }),
        SortBy::Slug => list.sort_by(|&a, &b| {
            pages[a]
                .slug
                .cmp(&pages[b].slug)
                .then_with(|| pages[a].file.content_rel.cmp(&pages[b].file.content_rel))
        }),
        SortBy::None => {}
    }
}

/// A sort key that orders French titles as a reader expects (É with E).
pub fn collation_key(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

fn looks_like_language(s: &str) -> bool {
    let (main, region) = s.split_once('-').unwrap_or((s, ""));
    (main.len() == 2 || main.len() == 3)
        && main.chars().all(|c| c.is_ascii_lowercase())
        && region.chars().all(|c| c.is_ascii_alphanumeric())
}

#[derive(Clone)]
enum Parsed {
    Section(Box<Section>),
    Page(Box<Page>),
}

impl Parsed {
    /// This file as [`SourceMemo`] keeps it: a page's markdown packed
    /// (`packed::Text`; 75 MB of markdown on 10,000 pages), since most
    /// saves render none of it again.
    fn remembered(&self) -> Parsed {
        match self {
            Parsed::Page(p) => {
                let mut kept = p.clone();
                kept.body = std::mem::take(&mut kept.body).packed();
                Parsed::Page(kept)
            }
            Parsed::Section(_) => self.clone(),
        }
    }

    fn is_kind(&self, kind: &FileKind) -> bool {
        matches!(
            (self, kind),
            (Parsed::Section(_), FileKind::Section) | (Parsed::Page(_), FileKind::Page)
        )
    }
}

fn read_text(path: &Path, root: &Path) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::io(path, root, "read this file", &e))?;
    crate::packed::string_from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).to_string();
        let (line, col) = crate::error::line_col(&text, text.len());
        Diagnostic::error("encoding", "the file is not valid UTF-8 text")
            .file(display_path(path, root))
            .at(line, col)
            .help("save the file with the UTF-8 encoding (in most editors: File > Save with encoding > UTF-8)")
    })
}

/// Reads and parses one file; `prints`: with its body's fingerprint.
/// The longest slug a page or a tag may have, in bytes: file names may
/// not exceed 255 bytes, and a page's files add to its slug (`-kit.zip`,
/// `.ics`, a card's name).
pub const MAX_SLUG: usize = 200;

/// Reads one content file; every problem of it at once.
fn parse_file(
    root: &Path,
    content_dir: &Path,
    f: &Found,
    prints: bool,
) -> Result<Parsed, Vec<Diagnostic>> {
    let rel = display_path(&f.path, root);
    let content_rel = display_path(&f.path, content_dir);
    let text = read_text(&f.path, root).map_err(|d| vec![d])?;
    let split = frontmatter::split(&text).map_err(|d| vec![d.file(rel.clone())])?;
    let checked = |problems: Vec<Diagnostic>| {
        let problems: Vec<Diagnostic> = problems.into_iter().map(|d| d.file(rel.clone())).collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    };
    let file = SourceFile {
        rel: rel.clone(),
        content_rel: content_rel.clone(),
        front_matter: frontmatter::fingerprint(&split),
        body: prints.then(|| crate::stamp::fingerprint(split.body)),
    };
    let dir = f.path.parent().unwrap_or(content_dir).to_path_buf();
    let translation_key = strip_lang(&content_rel, &f.lang);
    match f.kind {
        FileKind::Section => {
            let fm: SectionFrontMatter =
                frontmatter::parse(&split).map_err(|d| vec![d.file(rel.clone())])?;
            checked(frontmatter::check(&fm, &split))?;
            let dir_rel = display_path(&dir, content_dir);
            Ok(Parsed::Section(Box::new(Section {
                file: Some(file),
                lang: f.lang.clone(),
                fm,
                body: split.body.into(),
                body_line: split.body_line,
                path: String::new(),
                dir,
                dir_rel: if dir_rel == "." {
                    String::new()
                } else {
                    dir_rel
                },
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                translation_key,
                assets: Vec::new(),
            })))
        }
        FileKind::Page => {
            let fm: PageFrontMatter =
                frontmatter::parse(&split).map_err(|d| vec![d.file(rel.clone())])?;
            let mut problems = frontmatter::check(&fm, &split);
            let name = f
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let base = name.trim_end_matches(".md");
            let base = base.strip_suffix(&format!(".{}", f.lang)).unwrap_or(base);
            let bundle = base == "index";
            let stem = if bundle {
                dir.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            } else {
                base.to_string()
            };
            let (file_date, stem) = date_prefix(&stem);
            let slug = match &fm.slug {
                Some(s) => slugify(s),
                None => slugify(stem),
            };
            if slug.len() > MAX_SLUG {
                problems.push(
                    Diagnostic::error(
                        "slug",
                        format!("the page's address would be {} characters long", slug.len()),
                    )
                    .help(format!(
                        "give it a shorter file name or `slug` ({MAX_SLUG} characters at most)"
                    )),
                );
            }
            for tag in fm.taxonomies.values().flatten().chain(&fm.tags) {
                if slugify(tag).len() > MAX_SLUG {
                    problems.push(
                        Diagnostic::error(
                            "slug",
                            format!("a tag is {} characters long", tag.len()),
                        )
                        .help(format!("write tags of {MAX_SLUG} characters at most")),
                    );
                }
            }
            checked(problems)?;
            let date = fm.date.or(file_date);
            let pillar = fm.pillar.clone();
            Ok(Parsed::Page(Box::new(Page {
                file,
                lang: f.lang.clone(),
                fm: fm.into(),
                body: split.body.into(),
                body_line: split.body_line,
                slug,
                path: String::new(),
                dir,
                bundle,
                assets: Vec::new(),
                date,
                pillar,
                section: 0,
                translation_key,
                origin: None,
                trail: None,
            })))
        }
    }
}

/// `2026-06-01-fete.md` → (date, `fete`), as Zola does.
fn date_prefix(stem: &str) -> (Option<FmDate>, &str) {
    if stem.len() > 11 && stem.is_char_boundary(10) {
        let (d, rest) = stem.split_at(10);
        if (rest.starts_with('-') || rest.starts_with('_'))
            && let Ok(date) = FmDate::parse(d)
        {
            return (Some(date), &rest[1..]);
        }
    }
    (None, stem)
}

fn strip_lang(content_rel: &str, lang: &str) -> String {
    let suffix = format!(".{lang}.md");
    match content_rel.strip_suffix(&suffix) {
        Some(b) => format!("{b}.md"),
        None => content_rel.to_string(),
    }
}

/// Whether a file name (`lac.transcript.md`, `lac.transcript.en.md`) is a
/// video's transcript: read by the `video()` shortcode that names it,
/// never a page of its own.
pub fn is_transcript(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".md") else {
        return false;
    };
    stem.rsplit_once('.')
        .filter(|(_, lang)| lang.len() <= 3)
        .map_or(stem, |(base, _)| base)
        .ends_with(".transcript")
}

/// The file each page's and section's cover names, resolved once a build
/// (a bare name beside the page, `/` under `static/`, kept inside the
/// site: `paths::resolve_content_path`), for every stage that needs it: the
/// images asked for, views, the search index's thumbnails, the sitemap.
/// `None` without a cover, or when it does not resolve to a file
/// (`checks::files` reports those of pages, and of sections with a file).
#[derive(Debug, Default)]
pub(crate) struct CoverFiles {
    pub(crate) pages: Vec<Option<PathBuf>>,
    pub(crate) sections: Vec<Option<PathBuf>>,
}

impl CoverFiles {
    /// The cover file of page `i`.
    pub fn page(&self, i: usize) -> Option<&Path> {
        self.pages.get(i)?.as_deref()
    }

    /// The cover file of section `i`.
    pub fn section(&self, i: usize) -> Option<&Path> {
        self.sections.get(i)?.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loading as of the epoch, drafts left out, stopping at the first error.
    #[test]
    fn the_date_order_sorts_lists_as_sort_pages_does() {
        let pages = [
            ("a.md", "date = 2026-05-01T10:00:00+02:00"),
            // The same instant in another zone.
            ("b.md", "date = 2026-05-01T08:00:00Z"),
            ("c.md", "date = 2026-05-01"),
            ("d.md", ""),
            ("e.md", "date = 2027-01-01"),
            ("f.md", ""),
            ("g.md", "date = 2025-12-31T23:30:00"),
        ];
        let mut files = vec![(
            "content/_index.md",
            "+++\ntitle = \"Accueil\"\n+++\n".to_string(),
        )];
        for (name, date) in pages {
            files.push((
                name,
                format!("+++\ntitle = \"{name}\"\n{date}\n+++\nText.\n"),
            ));
        }
        let paths: Vec<String> = files
            .iter()
            .map(|(n, _)| {
                if n.starts_with("content/") {
                    n.to_string()
                } else {
                    format!("content/tourisme/{n}")
                }
            })
            .collect();
        let texts: Vec<(&str, &str)> = paths
            .iter()
            .zip(&files)
            .map(|(p, (_, t))| (p.as_str(), t.as_str()))
            .collect();
        let dir = crate::testing::site(&texts);
        let config = Config::load(dir.path()).unwrap();
        let opts = epoch_options();
        let mut content = load(dir.path(), &config, opts, None).unwrap();
        assert_eq!(content.pages.len(), 7);
        let tz = &config.timezone.tz;
        // The order made as the pages were listed is the one used after.
        let made = content.date_order(tz);
        assert!(matches!(made, std::borrow::Cow::Borrowed(_)));
        let mut by_made: Vec<usize> = (0..7).rev().collect();
        made.sort(&mut by_made);
        let mut by_sort: Vec<usize> = (0..7).rev().collect();
        sort_pages(&mut by_sort, &content.pages, SortBy::Date, tz);
        assert_eq!(by_made, by_sort);
        // Two pages alike in date and path: their list's order decides.
        let twin = content.pages[5].file.content_rel.clone();
        content.pages[3].file.content_rel = twin;
        let order = DateOrder::new(&content.pages, tz);
        let n = content.pages.len();
        let lists: Vec<Vec<usize>> = vec![
            (0..n).collect(),
            (0..n).rev().collect(),
            vec![3, 6, 0, 5, 2, 1, 4],
            vec![5, 3],
            vec![3, 5],
            vec![1, 0, 2],
            vec![],
        ];
        for list in lists {
            let mut by_order = list.clone();
            order.sort(&mut by_order);
            let mut by_sort = list.clone();
            sort_pages(&mut by_sort, &content.pages, SortBy::Date, tz);
            assert_eq!(by_order, by_sort, "{list:?}");
        }
        // Newest first, then the pages without a date.
        let mut all: Vec<usize> = (0..n).collect();
        order.sort(&mut all);
        let names: Vec<&str> = all.iter().map(|&i| content.pages[i].title()).collect();
        assert_eq!(names[0], "e.md", "{names:?}");
        assert!(
            names[5..].iter().all(|t| ["d.md", "f.md"].contains(t)),
            "{names:?}"
        );
    }

    #[test]
    fn a_memo_holds_a_long_body_packed_and_gives_it_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = Config::parse("base_url = \"https://x.fr\"\ntitle = \"T\"\n").unwrap();
        std::fs::create_dir_all(root.join("content/tourisme")).unwrap();
        let walk = "Le sentier longe la rivière jusqu'au moulin.\n\n".repeat(60);
        let source = format!("+++\ntitle = \"Le lac\"\n+++\n{walk}");
        std::fs::write(root.join("content/tourisme/lac.md"), &source).unwrap();
        let opts = epoch_options();
        let body = |c: &Content| c.pages[0].body.clone();
        let mut memo = SourceMemo::default();
        let first = body(&load(root, &config, opts.clone(), Some(&mut memo)).unwrap());
        assert_eq!(first.text(), walk);
        assert_eq!(first.held_len(), walk.len(), "the build reads it as is");
        let Some(Parsed::Page(kept)) = memo.files.values().next().map(|r| &r.parsed) else {
            panic!("the page is remembered");
        };
        assert!(
            kept.body.held_len() * 3 < walk.len(),
            "held {} of {}",
            kept.body.held_len(),
            walk.len()
        );
        // Unchanged: the memo's page comes back, its markdown whole.
        let second = body(&load(root, &config, opts, Some(&mut memo)).unwrap());
        assert!(second.held_len() < walk.len(), "not read again");
        assert_eq!(second.text(), walk);
    }

    #[test]
    fn a_save_of_files_the_last_walk_found_walks_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let root = root.as_path();
        let config = Config::parse("base_url = \"https://x.fr\"\ntitle = \"T\"\n").unwrap();
        std::fs::create_dir_all(root.join("content/tourisme")).unwrap();
        let page = |name: &str, title: &str| {
            let path = root.join("content/tourisme").join(name);
            std::fs::write(&path, format!("+++\ntitle = \"{title}\"\n+++\nTexte.\n")).unwrap();
            path
        };
        let lac = page("lac.md", "Le lac");
        let foret = page("foret.md", "La forêt");
        let photo = root.join("content/tourisme/lac.jpg");
        std::fs::write(&photo, "not read by the walk").unwrap();
        let opts = epoch_options();
        let titles = |c: &Content| -> Vec<String> {
            let mut t: Vec<String> = c.pages.iter().map(|p| p.title().to_string()).collect();
            t.sort();
            t
        };
        let mut memo = SourceMemo::default();
        let load_after = |changed: &[PathBuf], memo: &mut SourceMemo| {
            memo.saw_changes(root, changed);
            titles(&load(root, &config, opts.clone(), Some(memo)).unwrap())
        };
        assert_eq!(load_after(&[], &mut memo), ["La forêt", "Le lac"]);
        assert_eq!(memo.walks, 1);

        // A page saved: read again, the folders not walked.
        page("lac.md", "Le grand lac");
        assert_eq!(
            load_after(std::slice::from_ref(&lac), &mut memo),
            ["La forêt", "Le grand lac"]
        );
        assert_eq!(memo.walks, 1);
        // An editor's scratch file beside it, a template elsewhere, a
        // photo the walk found beside the pages: the same.
        let swap = root.join("content/tourisme/.lac.md.swp");
        std::fs::write(&swap, "x").unwrap();
        let template = root.join("templates/page.html");
        page("lac.md", "Le lac");
        assert_eq!(
            load_after(&[swap, template, lac.clone(), photo.clone()], &mut memo),
            ["La forêt", "Le lac"]
        );
        assert_eq!(memo.walks, 1);

        // A file created, a file removed, a folder made, a path outside the
        // site: walked again, each file's stamp read.
        let plage = page("plage.md", "La plage");
        assert_eq!(
            load_after(&[plage], &mut memo),
            ["La forêt", "La plage", "Le lac"]
        );
        assert_eq!(memo.walks, 2);
        std::fs::remove_file(&foret).unwrap();
        assert_eq!(load_after(&[foret], &mut memo), ["La plage", "Le lac"]);
        assert_eq!(memo.walks, 3);
        let folder = root.join("content/culture");
        std::fs::create_dir(&folder).unwrap();
        load_after(&[folder], &mut memo);
        assert_eq!(memo.walks, 4);
        load_after(&[std::env::temp_dir().join("ailleurs.md")], &mut memo);
        assert_eq!(memo.walks, 5);
        // A build with nothing said about the saves (`build`, `check`), or
        // told of none.
        load(root, &config, opts.clone(), Some(&mut memo)).unwrap();
        assert_eq!(memo.walks, 6);
        load_after(&[], &mut memo);
        assert_eq!(memo.walks, 7);
        // A renamed page: its old path is gone.
        let etang = root.join("content/tourisme/etang.md");
        std::fs::rename(&lac, &etang).unwrap();
        assert_eq!(
            load_after(&[lac.clone(), etang.clone()], &mut memo),
            ["La plage", "Le lac"]
        );
        assert_eq!(memo.walks, 8);
        std::fs::rename(&etang, &lac).unwrap();
        load_after(&[etang, lac.clone()], &mut memo);
        assert_eq!(memo.walks, 9);

        // Other languages read names another way: walked again.
        let two =
            Config::parse("base_url = \"https://x.fr\"\ntitle = \"T\"\n[languages.en]\n").unwrap();
        memo.saw_changes(root, std::slice::from_ref(&lac));
        load(root, &two, opts.clone(), Some(&mut memo)).unwrap();
        assert_eq!(memo.walks, 10);

        // A walk that met a symbolic link is not kept: its target may
        // change where no save of content/ says so.
        #[cfg(unix)]
        {
            std::fs::write(root.join("notes.md"), "+++\ntitle = \"Notes\"\n+++\n").unwrap();
            std::os::unix::fs::symlink(root.join("notes.md"), root.join("content/notes.md"))
                .unwrap();
            load_after(&[root.join("content/notes.md")], &mut memo);
            assert_eq!(memo.walks, 11);
            std::fs::write(root.join("notes.md"), "+++\ntitle = \"Carnet\"\n+++\n").unwrap();
            assert!(load_after(&[lac], &mut memo).contains(&"Carnet".to_string()));
            assert_eq!(memo.walks, 12);
        }
    }

    #[test]
    fn a_memo_reads_again_only_files_whose_stamp_changed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = Config::parse("base_url = \"https://x.fr\"\ntitle = \"T\"\n").unwrap();
        std::fs::create_dir_all(root.join("content/tourisme")).unwrap();
        std::fs::write(
            root.join("content/_index.md"),
            "+++\ntitle = \"Accueil\"\n+++\n",
        )
        .unwrap();
        let lac = root.join("content/tourisme/lac.md");
        let foret = root.join("content/tourisme/foret.md");
        std::fs::write(&lac, "+++\ntitle = \"Le lac\"\n+++\nAu bord de l'eau.\n").unwrap();
        std::fs::write(&foret, "+++\ntitle = \"La forêt\"\n+++\nSous les arbres.\n").unwrap();
        let opts = epoch_options();
        let title = |c: &Content, rel: &str| -> (String, String, Option<[u8; 32]>) {
            let p = c.pages.iter().find(|p| p.file.rel == rel).unwrap();
            (p.title().to_string(), p.body.to_string(), p.file.body)
        };
        let mut memo = SourceMemo::default();
        let first = load(root, &config, opts.clone(), Some(&mut memo)).unwrap();
        let (_, body, print) = title(&first, "content/tourisme/lac.md");
        assert_eq!(print, Some(crate::stamp::fingerprint(&body)));
        assert_eq!(
            title(
                &load(root, &config, opts.clone(), None).unwrap(),
                "content/tourisme/lac.md"
            )
            .2,
            None,
            "no memo, no print"
        );

        // Other bytes of the same length with the same modification time:
        // taken to be unchanged, so not read (the memo's page comes back).
        let modified = std::fs::metadata(&lac).unwrap().modified().unwrap();
        std::fs::write(&lac, "+++\ntitle = \"Le LAC\"\n+++\nAu bord de l'EAU.\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&lac)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        // A real save: another modification time.
        std::fs::write(&foret, "+++\ntitle = \"Les bois\"\n+++\nSous les arbres.\n").unwrap();
        let f = std::fs::File::options().write(true).open(&foret).unwrap();
        f.set_modified(modified + std::time::Duration::from_secs(5))
            .unwrap();
        drop(f);
        let second = load(root, &config, opts.clone(), Some(&mut memo)).unwrap();
        assert_eq!(
            title(&second, "content/tourisme/lac.md").0,
            "Le lac",
            "not read again"
        );
        let (t, body, print) = title(&second, "content/tourisme/foret.md");
        assert_eq!(t, "Les bois", "read again");
        assert_eq!(print, Some(crate::stamp::fingerprint(&body)));

        // A removed file leaves the memo; a file that no longer parses is
        // an error and is not remembered.
        std::fs::remove_file(&foret).unwrap();
        std::fs::write(&lac, "+++\ntitle = \n+++\n").unwrap();
        let f = std::fs::File::options().write(true).open(&lac).unwrap();
        f.set_modified(modified + std::time::Duration::from_secs(9))
            .unwrap();
        drop(f);
        assert!(load(root, &config, opts.clone(), Some(&mut memo)).is_err());
        assert!(!memo.files.contains_key(&foret) && !memo.files.contains_key(&lac));
    }

    #[test]
    fn date_prefixes_and_languages() {
        let (d, s) = date_prefix("2026-06-01-fete-du-lac");
        assert_eq!(d.unwrap().iso(), "2026-06-01");
        assert_eq!(s, "fete-du-lac");
        assert_eq!(date_prefix("lac").1, "lac");
        assert!(looks_like_language("en") && looks_like_language("pt-BR"));
        assert!(!looks_like_language("v2") && !looks_like_language("draft"));
        assert_eq!(strip_lang("a/index.en.md", "en"), "a/index.md");
    }

    #[test]
    fn a_page_holds_the_tables_most_pages_lack_by_pointer() {
        // Every page of a site is in memory at once (100,000 on a region's
        // portal): [place], [event], [trail], [facts], [card] and [share]
        // inline made a page 2,248 bytes. A field added inline shows here.
        let page = std::mem::size_of::<Page>();
        assert!(page <= 1024, "a page is {page} bytes");
    }
}
