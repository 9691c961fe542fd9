//! What `serve` keeps of its last good build, so that a save redoes only
//! what it changed.
//!
//! The rules, from the paths a save touched:
//!
//! - Only page or section markdown, each file still there with the same front
//!   matter, and the clock before the last build's horizon (the first
//!   instant at which something it decided from the time would change: the
//!   next midnight, an event's end; see [`crate::clock`]): pages whose body
//!   did not change keep their rendered markdown and their output files
//!   (their page, its calendar and kit); so do the listings and section
//!   feeds none of whose pages' bodies changed, while no section's body
//!   changed. What front matter alone makes is the last build's: the site
//!   model, the sitemap and the loaded templates ([`Recall::site_model`]).
//!   The home page, the site's feed and every other page of the site are
//!   made again: they are few, and they gather many pages.
//! - Only templates (the site's `templates/`, a theme's), before the
//!   horizon: rendered markdown is kept, and so is every output whose
//!   templates read none of those whose text changed. Each render job
//!   records the templates it rendered; what a template reads (`extends`,
//!   `include`, components) is in [`TemplateGraph`]. So saving `page.html`
//!   renders the pages again and keeps listings, feeds and the theme's
//!   pages; saving `base.html`, which every page extends, renders them all.
//!   Everything is made again when a template was created or removed (a
//!   name may now mean another file), or when an edited template is read
//!   by a shortcode (its HTML is in bodies, summaries and feeds) or by
//!   brand.css (the stylesheet's name is in every page). The site model and
//!   the sitemap are kept as for a save of bodies; so is the search index
//!   when outputs may be kept (it reads no template). Templates mixed
//!   with markdown: rendered markdown is kept, every output is made again.
//! - At or after the horizon, whatever the save: a full build (the time
//!   may have removed a page, a photo page, a file, or a page a kept body
//!   links to).
//! - Anything else (configuration, strings, static files, images, posts,
//!   galleries, a file created or removed, a front matter edited): a full build.
//!
//! Rendered markdown is kept only for bodies without shortcodes (whose output
//! depends on galleries, posts and templates), and only when each image of the
//! body still gives the same HTML (the image, asked again, is also published
//! again). Pages do not read each other's bodies in templates (there is no
//! `get_page`), so a page's output depends on its own body, front matter,
//! the site's front matter, templates, configuration and the time; a
//! build that keeps outputs keeps their horizon too.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::{Page, frontmatter};
use crate::error::Diagnostic;
use crate::markdown::{RenderContext, Rendered};
use crate::output::Served;
use crate::paths::is_scratch;
use crate::render::deps::TemplateGraph;
use crate::render::jobs::{ASSET_TEMPLATES, Job};

/// The memory of the last good build. Empty at first: the first build is full.
#[derive(Default)]
pub struct Memo {
    pub(crate) last: Option<LastBuild>,
    /// The content file (`content/tourisme/lac.md`) whose address the next
    /// build reports (`BuildReport::followed`): `serve` follows the page
    /// saved.
    pub(crate) follow: Option<String>,
    /// What each content file gave when last read, by its stamp.
    pub(crate) sources: crate::content::SourceMemo,
    /// What the search index kept of each page and shard.
    pub(crate) search: crate::search::Memo,
}

pub(crate) struct LastBuild {
    /// Its `now`.
    pub now: jiff::Timestamp,
    /// The first instant at which one of its decisions from the time, or
    /// of the builds whose outputs it kept, would change (`None`: none
    /// read the time).
    pub horizon: Option<jiff::Timestamp>,
    /// The front matter fingerprint of every page and section file, by `rel`
    /// (looked up only, at every save: FxHash).
    pub sources: rustc_hash::FxHashMap<String, [u8; 32]>,
    /// By page file `rel`.
    pub pages: rustc_hash::FxHashMap<String, PageMemo>,
    /// A fingerprint of each section's body, by file `rel`.
    pub sections: HashMap<String, [u8; 32]>,
    /// The warnings each render job gave (social card checks), for the jobs
    /// that gave some.
    pub job_warnings: rustc_hash::FxHashMap<Job, Vec<Diagnostic>>,
    /// The templates each render job rendered (before `extends` and
    /// `include`), kept ones included.
    pub job_templates: rustc_hash::FxHashMap<Job, Vec<String>>,
    /// Every template's fingerprint and what it reads.
    pub templates: TemplateGraph,
    /// Every file of the site.
    pub files: Served,
    /// Its site model, which a save that changed only bodies keeps
    /// ([`Recall::site_model`]), and the [`fronts`] it was made of.
    pub model: Option<(
        std::sync::Arc<crate::content::site::SiteModel>,
        blake3::Hash,
    )>,
    /// Its templates, loaded and parsed, and the stylesheet's address they
    /// were given, which a save of bodies keeps with the site model.
    pub renderer: Option<(std::sync::Arc<crate::render::Renderer>, String)>,
    /// What its search stage made beyond the files (in `files`, under
    /// [`crate::search::FOLDER`]), which a save of templates keeps
    /// ([`Recall::search_index`]). `None` when search is off.
    pub search: Option<crate::search::SearchIndex>,
}

pub(crate) struct PageMemo {
    /// A fingerprint of the body.
    pub body: [u8; 32],
    /// `None` when the body calls shortcodes.
    pub rendered: Option<Rendered>,
    /// The page as listings show it.
    pub summary: tera::Value,
}

/// How much of the last build the next one may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reuse {
    Nothing,
    /// Rendered markdown of unchanged bodies.
    Markdown,
    /// That, and the outputs whose templates read none of those edited
    /// (only templates were saved).
    Templates,
    /// That, and the output files of pages whose body did not change.
    Pages,
}

/// What a build for `serve` may keep of the last one: the pipeline asks it
/// at three points (a page's rendered markdown, the outputs of unchanged
/// pages and listings, and their warnings), and records the new build in
/// its place once it succeeded.
pub(crate) struct Recall<'a> {
    pub last: Option<&'a LastBuild>,
    pub reuse: Reuse,
    /// [`Memo::follow`].
    pub follow: Option<&'a str>,
}

impl Recall<'_> {
    /// The last build's rendered markdown of `page`, when its body and every
    /// image in it are unchanged. Asking for the images again publishes them.
    pub fn markdown(
        &self,
        page: &Page,
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

    /// What the last build kept of the page in `rel`.
    pub fn page(&self, rel: &str) -> Option<&PageMemo> {
        self.last?.pages.get(rel)
    }

    /// Whether the output files of unchanged pages may be kept (not only
    /// their markdown).
    pub fn keeps_outputs(&self) -> bool {
        self.reuse == Reuse::Pages
    }

    /// Whether a section's body changed since the last build (listings may
    /// show it), given each section file's body fingerprint.
    pub fn sections_changed(&self, prints: &[(String, [u8; 32])]) -> bool {
        self.last.is_none_or(|l| {
            prints.len() != l.sections.len()
                || prints.iter().any(|(rel, b)| l.sections.get(rel) != Some(b))
        })
    }

    /// The warnings the last build's `job` gave.
    pub fn job_warnings(&self, job: &Job) -> Option<&Vec<Diagnostic>> {
        self.last?.job_warnings.get(job)
    }

    /// The templates the last build's `job` rendered.
    pub fn job_templates(&self, job: &Job) -> Option<&Vec<String>> {
        self.last?.job_templates.get(job)
    }

    /// After a save of templates only: the templates whose text changed,
    /// given this build's, when outputs that read none of them may be kept.
    /// `None` (everything is rendered again) when a template was created or
    /// removed, or when an edited one is read outside the render stage: by
    /// a shortcode (whose HTML is in pages' bodies, summaries and feeds) or
    /// by brand.css (whose stylesheet every page names).
    pub fn edited_templates(&self, now: &TemplateGraph) -> Option<HashSet<String>> {
        if self.reuse != Reuse::Templates {
            return None;
        }
        let edited = now.edited_since(&self.last?.templates)?;
        let outside = now
            .templates
            .keys()
            .filter(|n| n.starts_with("shortcodes/") || ASSET_TEMPLATES.contains(&n.as_str()));
        for name in outside {
            if now.reads_any(name, &edited) {
                return None;
            }
        }
        Some(edited)
    }

    /// Whether the last build's output of `job` may be kept when `edited`
    /// templates are all that changed: it rendered templates that read none
    /// of them (a job the last build did not record is made again).
    /// The first instant at which this build's output may change with the
    /// time alone: what its clock saw and, when it kept outputs of the last
    /// build (decided at that build's time), the last build's horizon.
    pub fn horizon(&self, clock: &crate::clock::Clock) -> Option<jiff::Timestamp> {
        let kept = match (self.reuse, self.last) {
            (Reuse::Pages | Reuse::Templates, Some(last)) => last.horizon,
            _ => None,
        };
        [clock.horizon(), kept].into_iter().flatten().min()
    }

    /// The last build's site model, when this one's is the same: only
    /// bodies or only templates changed ([`Reuse::Pages`],
    /// [`Reuse::Templates`]), and `content` has the same page and section
    /// files, each with the front matter the last build read (a file saved
    /// again since the save was classified is caught here). The model is
    /// made of front matter, file paths and the configuration, never of
    /// bodies, templates or the time.
    pub fn site_model(
        &self,
        fronts: &blake3::Hash,
    ) -> Option<std::sync::Arc<crate::content::site::SiteModel>> {
        let last = self
            .last
            .filter(|_| matches!(self.reuse, Reuse::Pages | Reuse::Templates))?;
        let (model, made_of) = last.model.as_ref()?;
        (fronts == made_of).then(|| std::sync::Arc::clone(model))
    }

    /// The last build's templates, loaded and parsed, and the stylesheet
    /// address they were given: only after a save of bodies (no template
    /// changed), when the site model is kept too (`model_kept`: the
    /// templates hold its `@/` links).
    pub fn renderer(
        &self,
        model_kept: bool,
    ) -> Option<&(std::sync::Arc<crate::render::Renderer>, String)> {
        let last = self
            .last
            .filter(|_| model_kept && self.reuse == Reuse::Pages)?;
        last.renderer.as_ref()
    }

    /// The last build's search index, which this build's would equal:
    /// only templates were saved, and none that a shortcode or brand.css
    /// reads ([`Recall::edited_templates`], given this build's templates
    /// `now`). The index is made of front matter, the bodies' HTML (the
    /// same: a body is the same markdown rendered with the same
    /// shortcodes), the covers, the configuration, the theme's strings
    /// and the time (before the horizon), never of templates.
    pub fn search_index(&self, now: &TemplateGraph) -> Option<&crate::search::SearchIndex> {
        self.edited_templates(now)?;
        self.last?.search.as_ref()
    }

    pub fn keeps_job(&self, job: &Job, now: &TemplateGraph, edited: &HashSet<String>) -> bool {
        self.job_templates(job)
            .is_some_and(|names| names.iter().all(|n| !now.reads_any(n, edited)))
    }
}

/// The pages' and sections' files and front matter, in their order: what
/// the site model is made of, with the configuration. A feed's pages share
/// their file (an agenda's events, an object's languages), each with its
/// own fingerprint.
pub(crate) fn fronts(content: &crate::content::Content) -> blake3::Hash {
    let files = || {
        content
            .pages
            .iter()
            .map(|p| &p.file)
            .chain(content.sections.iter().filter_map(|s| s.file.as_ref()))
    };
    // Hashed at once: three small updates a file were most of the time
    // (about 1.5 ms on 10,000 pages, twice a save).
    let len: usize = files().map(|f| 8 + f.rel.len() + 32).sum();
    let mut bytes = Vec::with_capacity(len);
    for f in files() {
        bytes.extend_from_slice(&(f.rel.len() as u64).to_le_bytes());
        bytes.extend_from_slice(f.rel.as_bytes());
        bytes.extend_from_slice(&f.front_matter);
    }
    blake3::hash(&bytes)
}

/// Whether the time at `now` may decide otherwise than it did for `last`:
/// the horizon is reached, or the clock went back.
fn time_moved(last: &LastBuild, now: jiff::Timestamp) -> bool {
    now < last.now || last.horizon.is_some_and(|h| now >= h)
}

/// What a build may keep of `last`, given the paths changed since it (as the
/// watcher reports them: absolute, or relative to `root`).
pub(crate) fn reuse(
    last: Option<&LastBuild>,
    root: &Path,
    changed: &[PathBuf],
    now: jiff::Timestamp,
) -> Reuse {
    let Some(last) = last else {
        return Reuse::Nothing;
    };
    let (mut templates, mut markdown) = (false, false);
    for path in changed {
        if path.file_name().is_some_and(is_scratch) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(path);
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next();
        let is_template = match first.as_deref() {
            Some("templates") => true,
            Some("themes") => parts.nth(1).as_deref() == Some("templates"),
            _ => false,
        };
        if is_template {
            templates = true;
            continue;
        }
        let is_markdown =
            first.as_deref() == Some("content") && rel.extension().is_some_and(|e| e == "md");
        if !is_markdown || !same_front_matter(last, root, rel) {
            return Reuse::Nothing;
        }
        markdown = true;
    }
    if time_moved(last, now) {
        // What the time changed may remove files (a page past its
        // `publish_until`, a photo whose rights ended) and the pages a
        // kept body links to: a full build.
        Reuse::Nothing
    } else if templates && markdown {
        Reuse::Markdown
    } else if templates {
        Reuse::Templates
    } else {
        Reuse::Pages
    }
}

/// Whether the markdown file at `rel` was in the last build and still has the
/// same front matter.
fn same_front_matter(last: &LastBuild, root: &Path, rel: &Path) -> bool {
    let key = crate::error::display_path(&root.join(rel), root);
    let Some(before) = last.sources.get(&key) else {
        return false;
    };
    let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
        return false;
    };
    match frontmatter::split(&text) {
        Ok(split) => frontmatter::fingerprint(&split) == *before,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last(
        root: &Path,
        files: &[(&str, &str)],
        now: jiff::Timestamp,
        horizon: Option<jiff::Timestamp>,
    ) -> LastBuild {
        let mut sources = rustc_hash::FxHashMap::default();
        for (rel, text) in files {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), text).unwrap();
            let split = frontmatter::split(text).unwrap();
            sources.insert(rel.to_string(), frontmatter::fingerprint(&split));
        }
        LastBuild {
            now,
            horizon,
            sources,
            pages: Default::default(),
            sections: HashMap::new(),
            job_warnings: Default::default(),
            job_templates: Default::default(),
            templates: TemplateGraph::default(),
            files: Served::default(),
            model: None,
            renderer: None,
            search: None,
        }
    }

    #[test]
    fn what_a_save_lets_the_next_build_keep() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let page = "+++\ntitle = \"Lac\"\n+++\nBody.\n";
        let secs = |s: i64| now.checked_add(jiff::SignedDuration::from_secs(s)).unwrap();
        // The next instant the last build's decisions change: two hours on.
        let horizon = secs(7200);
        let l = last(root, &[("content/lac.md", page)], now, Some(horizon));
        let p = |s: &str| vec![root.join(s)];

        // Nothing known yet: full.
        assert_eq!(reuse(None, root, &p("content/lac.md"), now), Reuse::Nothing);
        // The body changed, same front matter, before the horizon: pages are kept.
        std::fs::write(root.join("content/lac.md"), format!("{page}More.\n")).unwrap();
        assert_eq!(
            reuse(Some(&l), root, &p("content/lac.md"), now),
            Reuse::Pages
        );
        // Relative paths and editors' scratch files are understood.
        let both = vec![
            PathBuf::from("content/lac.md"),
            root.join("content/.lac.md.swp"),
        ];
        assert_eq!(reuse(Some(&l), root, &both, now), Reuse::Pages);
        // Minutes later, before the horizon, too.
        let later = secs(3600);
        assert_eq!(
            reuse(Some(&l), root, &p("content/lac.md"), later),
            Reuse::Pages
        );
        // From the horizon on, an event may be over, a right may have
        // ended, a page expired; with a clock gone back, one may not have
        // begun: a full build.
        for moved in [horizon, secs(7201), secs(-1)] {
            assert_eq!(
                reuse(Some(&l), root, &p("content/lac.md"), moved),
                Reuse::Nothing,
                "{moved}"
            );
        }
        // A build that read no time is kept at any later time.
        let timeless = last(root, &[("content/lac.md", page)], now, None);
        assert_eq!(
            reuse(
                Some(&timeless),
                root,
                &p("content/lac.md"),
                secs(86_400 * 365)
            ),
            Reuse::Pages
        );
        // A template: markdown is kept, and the outputs that do not read it.
        for t in ["templates/page.html", "themes/postale/templates/base.html"] {
            assert_eq!(reuse(Some(&l), root, &p(t), now), Reuse::Templates, "{t}");
            assert_eq!(reuse(Some(&l), root, &p(t), later), Reuse::Templates, "{t}");
            assert_eq!(reuse(Some(&l), root, &p(t), horizon), Reuse::Nothing, "{t}");
        }
        // A template and a page: markdown only.
        let mixed = vec![
            root.join("templates/page.html"),
            root.join("content/lac.md"),
        ];
        assert_eq!(reuse(Some(&l), root, &mixed, now), Reuse::Markdown);
        // The front matter changed (a title is in listings, menus, links).
        std::fs::write(
            root.join("content/lac.md"),
            "+++\ntitle = \"Le lac\"\n+++\nBody.\n",
        )
        .unwrap();
        assert_eq!(
            reuse(Some(&l), root, &p("content/lac.md"), now),
            Reuse::Nothing
        );
        // A new page, a removed page, a broken front matter.
        std::fs::write(root.join("content/new.md"), page).unwrap();
        assert_eq!(
            reuse(Some(&l), root, &p("content/new.md"), now),
            Reuse::Nothing
        );
        assert_eq!(
            reuse(Some(&l), root, &p("content/gone.md"), now),
            Reuse::Nothing
        );
        std::fs::write(root.join("content/lac.md"), "+++\ntitle = \n").unwrap();
        assert_eq!(
            reuse(Some(&l), root, &p("content/lac.md"), now),
            Reuse::Nothing
        );
        // Everything else is a full build.
        for other in [
            "blason.toml",
            "static/style.css",
            "content/lac/photo.jpg",
            "community/post.toml",
            "i18n/fr.toml",
            "themes/postale/static/style.css",
            "themes/postale/theme.toml",
        ] {
            assert_eq!(
                reuse(Some(&l), root, &p(other), now),
                Reuse::Nothing,
                "{other}"
            );
        }
    }

    #[test]
    fn a_template_edit_keeps_the_outputs_whose_templates_read_none_of_the_edited() {
        use crate::content::{PageId, SectionId};
        let dir = tempfile::tempdir().unwrap();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let mut l = last(dir.path(), &[], now, None);
        let sources = [
            ("base.html", "<html>{% block main %}{% endblock %}"),
            ("page.html", "{% extends \"base.html\" %}"),
            (
                "section.html",
                "{% extends \"base.html\" %}{% include \"partials/card.html\" %}",
            ),
            ("partials/card.html", "<div>"),
            (
                "shortcodes/encadre.html",
                "{% include \"partials/box.html\" %}",
            ),
            ("partials/box.html", "<aside>"),
            ("brand.css", ":root {}"),
        ];
        l.templates = TemplateGraph::new(sources);
        let page = Job::Page(PageId(0));
        let section = Job::Section {
            section: SectionId(0),
            pager: 0,
        };
        let feed = Job::Feed(SectionId(0));
        l.job_templates = [
            (page.clone(), vec!["page.html".to_string()]),
            (section.clone(), vec!["section.html".to_string()]),
            (feed.clone(), Vec::new()),
        ]
        .into_iter()
        .collect();
        let recall = Recall {
            last: Some(&l),
            reuse: Reuse::Templates,
            follow: None,
        };
        let edit = |name: &str| {
            TemplateGraph::new(
                sources.map(|(n, t)| (n, if n == name { "<p>edited</p>" } else { t })),
            )
        };
        // Which jobs each edit keeps (a job the last build did not record,
        // like the 404 page here, is made again).
        for (name, kept) in [
            ("page.html", vec![&section, &feed]),
            ("partials/card.html", vec![&page, &feed]),
            ("base.html", vec![&feed]),
        ] {
            let now = edit(name);
            let edited = recall.edited_templates(&now).expect(name);
            assert_eq!(edited, HashSet::from([name.to_string()]));
            let keeps: Vec<&Job> = [&page, &section, &feed, &Job::NotFound]
                .into_iter()
                .filter(|j| recall.keeps_job(j, &now, &edited))
                .collect();
            assert_eq!(keeps, kept, "{name}");
        }
        // Read by a shortcode or by the stylesheet: everything again.
        assert_eq!(recall.edited_templates(&edit("partials/box.html")), None);
        assert_eq!(recall.edited_templates(&edit("brand.css")), None);
        // A template created: a name may now mean another file.
        let mut more = sources.to_vec();
        more.push(("partials/new.html", "new"));
        assert_eq!(recall.edited_templates(&TemplateGraph::new(more)), None);
        // Not after a save of templates only.
        let markdown = Recall {
            last: Some(&l),
            reuse: Reuse::Markdown,
            follow: None,
        };
        assert_eq!(markdown.edited_templates(&edit("page.html")), None);
    }
}
