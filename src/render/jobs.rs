//! The render stage's work, job by job: every page, listing, redirect, feed,
//! calendar and share kit of the site.
//!
//! [`plan`] lists the jobs; [`render`] sends one job to the function that
//! makes it and returns a [`JobOutput`]: its files (path in the output,
//! bytes), the warnings it found and, for a share kit, the zip to make once
//! the kit's images are drawn. Jobs write nothing and share no mutable
//! state, so the pipeline runs them in parallel and decides where their
//! files go.
//!
//! Where each kind is made: pages, listings and the pages the theme makes
//! in [`pages`](crate::render::pages); the `<head>` every HTML page ends
//! with (SEO, JSON-LD, share bar, social card) in
//! [`head`](crate::render::head); share kits in [`kits`](crate::render::kits);
//! feeds and calendars in [`feeds`](crate::render::feeds).

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::content::event::EventTimes;
use crate::content::site::{ListingId, ListingKind, SiteModel};
use crate::content::{Content, PageId, SectionId};
use crate::error::Diagnostic;
use crate::media::ImagePipeline;
use crate::media::card::CardStudio;
use crate::render::community::CommunityViews;
use crate::render::kits::KitZip;
use crate::render::press::{PressLibrary, PressPage};
use crate::render::views::{PhotoPages, Summaries, ViewSource};
use crate::render::{Renderer, feeds, head, kits, pages, press, routes};
use crate::theme::Strings;

/// One piece of work of the render stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Page(PageId),
    Section {
        section: SectionId,
        pager: usize,
    },
    Listing {
        listing: ListingId,
        pager: usize,
    },
    /// The index of a taxonomy's terms (`/tags/`), by its place in the model.
    TaxonomyIndex(usize),
    AudiencesIndex(String),
    /// A page of the agenda of a language (when no section sits at its
    /// address): its pager page.
    Agenda {
        lang: String,
        pager: usize,
    },
    /// The site-map page of a language.
    SiteMap(String),
    /// The search results page of a language.
    Search(String),
    Alias {
        from: String,
        to: String,
    },
    NotFound,
    /// A template rendered to a file of the same name (the theme's brand.css).
    Asset(String),
    /// The .ics file of an event page.
    PageCalendar(PageId),
    /// `/agenda.ics` of a language.
    AgendaCalendar(String),
    /// The Atom feed of a section (the home section's is the site's).
    Feed(SectionId),
    /// A photo's own page: set of photo pages, photo index.
    Photo {
        set: usize,
        index: usize,
    },
    /// The share kit of a page, at `<page-url>kit/`.
    Kit(PageId),
    /// The share kit of a photo's page, at `<photo-page-url>kit/`.
    PhotoKit {
        set: usize,
        index: usize,
    },
    /// The page that asks a visitor for their Mastodon instance.
    MastodonShare,
    /// The publishing calendar of a language, at `/kit/plan/`.
    Plan(String),
    /// The community page of a language: all posts, or one tag's.
    Community {
        lang: String,
        tag: Option<String>,
    },
    /// The press library of a language.
    Press(String),
    /// A press album's page in a language.
    PressAlbum {
        lang: String,
        album: usize,
    },
}

/// What one job made.
#[derive(Debug, Default)]
pub struct JobOutput {
    /// Path in the output, bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Warnings found while rendering (a card title cut).
    pub warnings: Vec<Diagnostic>,
    /// A share kit's zip, to make once its images are drawn.
    pub kit: Option<KitZip>,
    /// A press page, to write once its files' sizes are known.
    pub press: Option<PressPage>,
    /// The templates it rendered (by their name, before `extends` and
    /// `include`): `serve` keeps the output when none of them was edited.
    pub templates: Vec<String>,
}

impl JobOutput {
    /// An output of plain files (feeds, calendars).
    pub fn files(files: Vec<(String, Vec<u8>)>) -> JobOutput {
        JobOutput {
            files,
            ..JobOutput::default()
        }
    }
}

/// Templates rendered to files of the same name, when the theme has them.
pub const ASSET_TEMPLATES: [&str; 1] = ["brand.css"];

/// Upcoming and past events of one language.
#[derive(Debug, Default, Clone)]
pub struct Agenda {
    /// Soonest first.
    pub upcoming: Vec<usize>,
    /// Most recent first.
    pub past: Vec<usize>,
}

impl Agenda {
    pub fn is_empty(&self) -> bool {
        self.upcoming.is_empty() && self.past.is_empty()
    }

    /// Every event, as the agenda's pages list them: upcoming, then past.
    pub fn events(&self) -> Vec<usize> {
        self.upcoming.iter().chain(&self.past).copied().collect()
    }

    /// How many events: upcoming and past.
    pub fn len(&self) -> usize {
        self.upcoming.len() + self.past.len()
    }

    /// The events of pager page `n` at `per_page` (0: all on one): the
    /// upcoming ones first, then the past ones, as one list cut in pages.
    pub fn pager(&self, per_page: usize, n: usize) -> (&[usize], &[usize]) {
        if per_page == 0 {
            return (&self.upcoming, &self.past);
        }
        let cut = |list: &[usize], skip: usize| -> std::ops::Range<usize> {
            let start = (n * per_page).saturating_sub(skip).min(list.len());
            let end = ((n + 1) * per_page).saturating_sub(skip).min(list.len());
            start..end
        };
        let up = cut(&self.upcoming, 0);
        let past = cut(&self.past, self.upcoming.len());
        (&self.upcoming[up], &self.past[past])
    }
}

/// The interface strings of `lang` (the default language's when it has none).
pub fn strings_for<'s>(
    strings: &'s BTreeMap<String, Strings>,
    config: &Config,
    lang: &str,
) -> Option<&'s Strings> {
    strings
        .get(lang)
        .or_else(|| strings.get(&config.default_language))
}

/// Whether section `s` is the agenda's: it stands at the agenda's address
/// of its language and redirects nowhere. Its pages are the agenda's,
/// paged by its events.
pub fn is_agenda_section(
    config: &Config,
    strings: &BTreeMap<String, Strings>,
    s: &crate::content::Section,
) -> bool {
    s.fm.redirect_to.is_none()
        && strings_for(strings, config, &s.lang)
            .is_some_and(|st| routes::agenda(config, st, &s.lang) == s.path)
}

/// Events per page of the agenda: the agenda section's `paginate_by` when
/// it has one, else `paginate_agenda`.
pub fn agenda_per_page(config: &Config, section: Option<&crate::content::Section>) -> usize {
    section
        .map(|s| s.fm.paginate_by)
        .filter(|&n| n > 0)
        .unwrap_or(config.paginate_agenda)
}

/// Builds each language's agenda from the resolved events.
pub fn agendas(
    config: &Config,
    content: &Content,
    events: &[Option<EventTimes>],
) -> HashMap<String, Agenda> {
    let mut out: HashMap<String, Agenda> = HashMap::new();
    let shown = crate::content::site::Shown::new(content, config);
    for lang in config.all_languages() {
        let mut a = Agenda::default();
        for (i, p) in content.pages.iter().enumerate() {
            if !shown.in_lang(p, lang) {
                continue;
            }
            if let Some(t) = &events[i] {
                if t.upcoming() {
                    a.upcoming.push(i)
                } else {
                    a.past.push(i)
                }
            }
        }
        let key = |i: &usize| events[*i].as_ref().map(|t| t.sort_key());
        a.upcoming
            .sort_by(|x, y| key(x).cmp(&key(y)).then(x.cmp(y)));
        a.past.sort_by(|x, y| key(y).cmp(&key(x)).then(x.cmp(y)));
        out.insert(lang.to_string(), a);
    }
    out
}

/// What jobs read beyond the views: the summaries made once per build,
/// the home page's and the agenda's selections, the templates, the photo
/// pages, the card studio, the image pipeline and the community posts.
#[derive(Clone, Copy)]
pub struct RenderInputs<'a> {
    pub views: &'a ViewSource<'a>,
    /// Each page's summary view ([`Summaries`]).
    pub summaries: &'a Summaries<'a>,
    /// The most recent dated pages of each language.
    pub latest: &'a HashMap<String, Vec<usize>>,
    pub agendas: &'a HashMap<String, Agenda>,
    pub renderer: &'a Renderer,
    /// The photos with a page of their own.
    pub photo_pages: &'a [PhotoPages],
    /// Social cards and kit images (None when `[cards]` and kits are off).
    pub cards: Option<&'a CardStudio>,
    pub images: &'a ImagePipeline,
    /// Published community posts.
    pub community: &'a CommunityViews,
    /// Language to the address of its search index's manifest (empty when
    /// search is off).
    pub search: &'a HashMap<String, String>,
    /// The press library's albums (none when no photo is for the press).
    pub press: &'a PressLibrary,
}

impl<'a> RenderInputs<'a> {
    pub fn config(&self) -> &'a Config {
        self.views.config
    }

    pub fn content(&self) -> &'a Content {
        self.views.content
    }

    pub fn model(&self) -> &'a SiteModel {
        self.views.model
    }

    pub fn events(&self) -> &'a [Option<EventTimes>] {
        self.views.events
    }

    pub fn strings(&self) -> &'a BTreeMap<String, Strings> {
        self.views.strings
    }

    /// The interface strings of `lang` (the default language's when it has none).
    pub fn strings_of(&self, lang: &str) -> Option<&'a Strings> {
        strings_for(self.strings(), self.config(), lang)
    }

    /// A string of `lang`'s interface, when the theme has it.
    pub fn string(&self, lang: &str, key: &str) -> Option<String> {
        self.strings_of(lang)
            .and_then(|s| s.strings.get(key).cloned())
    }

    /// The agenda of the section's language when `s` stands at the
    /// agenda's address (the agenda's section).
    pub fn agenda_here(&self, s: &crate::content::Section) -> Option<&'a Agenda> {
        is_agenda_section(self.config(), self.strings(), s)
            .then(|| self.agendas.get(&s.lang))
            .flatten()
    }

    /// The pages a section lists: its own, or its pillar's when it is merged into one.
    pub fn section_pages(&self, section: SectionId) -> &'a [usize] {
        let model = self.model();
        match model.merged_sections.get(&section.0) {
            Some(&l) => &model.listings[l].pages,
            None => &self.content().sections[section.0].pages,
        }
    }
}

/// Renders one job.
pub fn render(job: &Job, inputs: &RenderInputs<'_>) -> Result<JobOutput, Diagnostic> {
    let frame = match job {
        Job::Page(i) => {
            // A trail page comes with its track, as a clean GPX.
            let frame = pages::page(inputs, *i)?;
            let mut out = head::finish(frame, inputs)?;
            let p = &inputs.content().pages[i.0];
            if let Some(trail) = p.trail.as_ref().filter(|t| t.has_track()) {
                out.files.push((
                    super::trail::download_path(&p.path, &p.slug),
                    super::trail::gpx(trail, p.title()),
                ));
            }
            return Ok(out);
        }
        Job::Section { section, pager } => pages::section(inputs, *section, *pager),
        Job::Listing { listing, pager } => pages::listing(inputs, *listing, *pager),
        Job::TaxonomyIndex(t) => pages::taxonomy_index(inputs, *t),
        Job::AudiencesIndex(lang) => pages::audiences_index(inputs, lang),
        Job::Agenda { lang, pager } => pages::agenda(inputs, lang, *pager),
        Job::Community { lang, tag } => pages::community(inputs, lang, tag.as_deref()),
        Job::SiteMap(lang) => pages::site_map(inputs, lang),
        Job::Search(lang) => pages::search(inputs, lang),
        Job::Photo { set, index } => pages::photo(inputs, *set, *index)?,
        Job::Alias { from, to } => pages::alias(inputs, from, to),
        Job::MastodonShare => pages::mastodon_share(inputs),
        Job::NotFound => pages::not_found(inputs),
        Job::Asset(name) => pages::asset(inputs, name),
        Job::Kit(i) => return kits::kit(inputs, *i),
        Job::Plan(lang) => return super::plan::plan(inputs, lang),
        Job::PhotoKit { set, index } => return kits::photo_kit(inputs, *set, *index),
        Job::Press(lang) => return press::library_page(inputs, lang),
        Job::PressAlbum { lang, album } => return press::album_page(inputs, lang, *album),
        Job::PageCalendar(i) => return Ok(feeds::page_calendar(inputs, *i)),
        Job::AgendaCalendar(lang) => return Ok(feeds::agenda_calendar(inputs, lang)),
        Job::Feed(s) => return feeds::feed(inputs, *s),
    };
    head::finish(frame, inputs)
}

/// How many pager pages a list of `count` pages takes at `per_page` (0: one).
pub(crate) fn pagers(count: usize, per_page: usize) -> usize {
    if per_page == 0 {
        1
    } else {
        count.div_ceil(per_page).max(1)
    }
}

/// Lists every job of the render stage.
pub fn plan(inputs: &RenderInputs<'_>, assets: &[&str]) -> Vec<Job> {
    let (config, content, model) = (inputs.config(), inputs.content(), inputs.model());
    let mut jobs = Vec::new();
    jobs.extend((0..content.pages.len()).map(|i| Job::Page(PageId(i))));
    for (i, s) in content.sections.iter().enumerate() {
        if s.fm.render == Some(false) {
            continue;
        }
        let section = SectionId(i);
        // The agenda's section is paged by its events.
        let (count, per) = match inputs.agenda_here(s) {
            Some(a) => (a.len(), agenda_per_page(config, Some(s))),
            None => (inputs.section_pages(section).len(), s.fm.paginate_by),
        };
        for pager in 0..pagers(count, per) {
            jobs.push(Job::Section { section, pager });
        }
        if feeds::asks_for_feed(s) {
            jobs.push(Job::Feed(section));
        }
    }
    for (l, listing) in model.listings.iter().enumerate() {
        if listing.section.is_some() {
            continue;
        }
        let per = if matches!(listing.kind, ListingKind::Term { .. }) {
            config.paginate_taxonomies
        } else {
            0
        };
        for pager in 0..pagers(listing.pages.len(), per) {
            jobs.push(Job::Listing {
                listing: ListingId(l),
                pager,
            });
        }
    }
    jobs.extend((0..model.taxonomies.len()).map(Job::TaxonomyIndex));
    for lang in config.all_languages() {
        if !config.audiences.is_empty() {
            jobs.push(Job::AudiencesIndex(lang.to_string()));
        }
        // The agenda is a theme-made page: every language has one (saying
        // when there is nothing on); its calendar only when it has events.
        if let Some(st) = inputs.strings().get(lang)
            && theme_agenda(config, content, st, lang).is_some()
        {
            let count = inputs.agendas.get(lang).map_or(0, Agenda::len);
            jobs.extend(
                (0..pagers(count, agenda_per_page(config, None))).map(|pager| Job::Agenda {
                    lang: lang.to_string(),
                    pager,
                }),
            );
        }
        if inputs.agendas.get(lang).is_some_and(|a| !a.is_empty()) {
            jobs.push(Job::AgendaCalendar(lang.to_string()));
        }
        jobs.push(Job::SiteMap(lang.to_string()));
        if inputs.search.contains_key(lang) {
            jobs.push(Job::Search(lang.to_string()));
        }
        if !inputs.community.is_empty() {
            jobs.push(Job::Community {
                lang: lang.to_string(),
                tag: None,
            });
            jobs.extend(
                inputs
                    .community
                    .tags()
                    .into_iter()
                    .map(|tag| Job::Community {
                        lang: lang.to_string(),
                        tag: Some(tag.to_string()),
                    }),
            );
        }
    }
    jobs.extend(
        inputs
            .events()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_some())
            .map(|(i, _)| Job::PageCalendar(PageId(i))),
    );
    for (from, to) in &model.aliases {
        jobs.push(Job::Alias {
            from: from.clone(),
            to: to.clone(),
        });
    }
    for (set, pages) in inputs.photo_pages.iter().enumerate() {
        jobs.extend((0..pages.photos.len()).map(|index| Job::Photo { set, index }));
    }
    if config.share.kit && inputs.cards.is_some() {
        jobs.extend(
            (0..content.pages.len())
                .map(PageId)
                .filter(|&i| kits::wanted(inputs, i))
                .map(Job::Kit),
        );
        for (set, pages) in inputs.photo_pages.iter().enumerate() {
            if kits::photos_wanted(inputs, pages.page) {
                jobs.extend((0..pages.photos.len()).map(|index| Job::PhotoKit { set, index }));
            }
        }
    }
    for lang in inputs.press.roots.keys() {
        jobs.push(Job::Press(lang.clone()));
        for (album, a) in inputs.press.albums.iter().enumerate() {
            if a.pages.contains_key(lang) {
                jobs.push(Job::PressAlbum {
                    lang: lang.clone(),
                    album,
                });
            }
        }
    }
    if config
        .share
        .networks
        .contains(&crate::config::Network::Mastodon)
    {
        jobs.push(Job::MastodonShare);
    }
    jobs.extend(
        config
            .all_languages()
            .into_iter()
            .filter(|lang| !super::plan::scheduled(inputs, lang).is_empty())
            .map(|lang| Job::Plan(lang.to_string())),
    );
    jobs.push(Job::NotFound);
    jobs.extend(assets.iter().map(|a| Job::Asset(a.to_string())));
    jobs
}

/// The agenda's address in `lang` when the theme makes it: unless a section
/// of the site stands there (an agenda section, or a redirect written in
/// its place).
pub fn theme_agenda(
    config: &Config,
    content: &Content,
    strings: &Strings,
    lang: &str,
) -> Option<String> {
    let path = routes::agenda(config, strings, lang);
    (!content.sections.iter().any(|s| s.path == path)).then_some(path)
}

/// The pages whose bodies a job shows (in summaries or whole), when those
/// and the site's front matter are all its output depends on; `None` for
/// jobs that read more (the home page's blocks, agendas, indexes).
pub fn listed_pages(job: &Job, inputs: &RenderInputs<'_>) -> Option<Vec<usize>> {
    let content = inputs.content();
    match job {
        Job::Section { section, .. } if !content.sections[section.0].is_home() => {
            Some(inputs.section_pages(*section).to_vec())
        }
        Job::Listing { listing, .. } => Some(inputs.model().listings[listing.0].pages.clone()),
        Job::Feed(s) if !content.sections[s.0].is_home() => Some(inputs.section_pages(*s).to_vec()),
        _ => None,
    }
}

/// The language whose pages' summaries `job` lists, when it has one: the
/// render stage makes a language's summaries for its outputs, then drops
/// them (`None`: the job is rendered after every language, and the
/// summaries it shows are made for it).
pub fn language<'j>(job: &'j Job, inputs: &RenderInputs<'j>) -> Option<&'j str> {
    let content = inputs.content();
    match job {
        Job::Page(i) | Job::PageCalendar(i) | Job::Kit(i) => Some(&content.pages[i.0].lang),
        Job::Section { section, .. } | Job::Feed(section) => {
            Some(&content.sections[section.0].lang)
        }
        Job::Listing { listing, .. } => Some(&inputs.model().listings[listing.0].lang),
        Job::Agenda { lang, .. }
        | Job::AudiencesIndex(lang)
        | Job::SiteMap(lang)
        | Job::Search(lang)
        | Job::AgendaCalendar(lang)
        | Job::Plan(lang)
        | Job::Community { lang, .. }
        | Job::Press(lang) => Some(lang),
        _ => None,
    }
}

/// Whether `job` shows other pages' HTML (a feed, a photo's page): such
/// jobs run before the pages' own, which take their HTML ([`PageHtml`]).
///
/// [`PageHtml`]: crate::render::views::PageHtml
pub fn reads_page_html(job: &Job) -> bool {
    matches!(job, Job::Feed(_) | Job::Photo { .. })
}

/// The error for a page's HTML asked for after its own output took it: a
/// job missing from [`reads_page_html`].
pub(crate) fn released(p: &crate::content::Page) -> Diagnostic {
    Diagnostic::error(
        "internal",
        "the page's HTML was asked for after its own output was made",
    )
    .file(p.file.rel.clone())
    .help("this is a bug in blason: please report it with the site")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::stages::with_render_inputs;
    use crate::testing::{CONFIG, site};

    const HOME: &str = "+++\ntitle = \"Accueil\"\ndescription = \"D\"\n+++\nBienvenue.\n";
    const LAC: &str = "+++\ntitle = \"Le lac\"\ndescription = \"Un lac.\"\ndate = 2026-06-01\ntags = [\"Lac\", \"été\"]\naudiences = [\"visiteurs\"]\ncover = \"lac.jpg\"\n+++\nAu bord.\n";
    const FETE: &str = "+++\ntitle = \"La fête\"\ndescription = \"Une fête.\"\ndate = 2026-05-01\n[event]\nstart = 2026-08-14T21:00:00+02:00\nend = 2026-08-14T23:00:00+02:00\n+++\nFeu d'artifice.\n";

    /// The tiny site, with cards and kits on when `cards`.
    fn tiny(cards: bool) -> tempfile::TempDir {
        let config = if cards {
            CONFIG
                .replace("enable = false", "enable = true")
                .replace("kit = false", "kit = true")
        } else {
            CONFIG.to_string()
        };
        let dir = site(&[
            ("blason.toml", &config),
            ("content/_index.md", HOME),
            ("content/tourisme/lac/index.md", LAC),
            ("content/tourisme/fete.md", FETE),
            (
                "content/culture/_index.md",
                "+++\ntitle = \"Culture\"\n+++\n",
            ),
        ]);
        std::fs::write(
            dir.path().join("content/tourisme/lac/lac.jpg"),
            crate::testing::jpeg(64, 48),
        )
        .unwrap();
        dir
    }

    fn page(inputs: &RenderInputs<'_>, slug: &str) -> PageId {
        PageId(
            inputs
                .content()
                .pages
                .iter()
                .position(|p| p.slug == slug)
                .unwrap(),
        )
    }

    #[test]
    fn the_plan_has_a_job_for_every_output_of_the_site() {
        let dir = tiny(false);
        with_render_inputs(dir.path(), |inputs| {
            let plan = plan(inputs, &[]);
            let (lac, fete) = (page(inputs, "lac"), page(inputs, "fete"));
            for job in [
                Job::Page(lac),
                Job::Page(fete),
                Job::PageCalendar(fete),
                Job::AgendaCalendar("fr".into()),
                Job::Agenda {
                    lang: "fr".into(),
                    pager: 0,
                },
                Job::SiteMap("fr".into()),
                Job::AudiencesIndex("fr".into()),
                Job::NotFound,
                Job::MastodonShare,
            ] {
                assert!(plan.contains(&job), "{job:?} missing from {plan:?}");
            }
            assert!(!plan.contains(&Job::PageCalendar(lac)), "lac is no event");
            assert!(
                !plan.iter().any(|j| matches!(j, Job::Kit(_))),
                "kits are off"
            );
            let tags = plan
                .iter()
                .filter(|j| matches!(j, Job::Listing { .. }))
                .count();
            // Pillar tourisme (culture has a section), audience visiteurs, tags lac and été.
            assert_eq!(tags, 4, "{plan:?}");
            assert_eq!(plan.iter().filter(|j| matches!(j, Job::Feed(_))).count(), 2);
        });
    }

    #[test]
    fn the_search_page_is_planned_and_points_at_its_language_index() {
        let dir = tiny(false);
        with_render_inputs(dir.path(), |inputs| {
            assert!(
                !plan(inputs, &[])
                    .iter()
                    .any(|j| matches!(j, Job::Search(_))),
                "no index, no results page"
            );
            let manifests: HashMap<String, String> = [(
                "fr".to_string(),
                "/search-index/fr/manifest.0123.json".to_string(),
            )]
            .into();
            let inputs = RenderInputs {
                search: &manifests,
                ..*inputs
            };
            assert!(plan(&inputs, &[]).contains(&Job::Search("fr".into())));
            let out = render(&Job::Search("fr".into()), &inputs).unwrap();
            assert_eq!(out.files[0].0, "recherche/index.html");
            let html = String::from_utf8(out.files[0].1.clone()).unwrap();
            assert!(
                html.contains("data-index=\"https://www.x.fr/search-index/fr/manifest.0123.json\""),
                "{html}"
            );
            assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        });
    }

    #[test]
    fn a_page_job_returns_its_file_and_a_card_warning_instead_of_writing() {
        let dir = tiny(true);
        with_render_inputs(dir.path(), |inputs| {
            let lac = page(inputs, "lac");
            let out = render(&Job::Page(lac), inputs).unwrap();
            let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["tourisme/lac/index.html"]);
            let html = String::from_utf8(out.files[0].1.clone()).unwrap();
            assert!(html.contains("<title>Le lac"), "{html}");
            assert!(html.contains("og:image"), "the card is in the head");
            let codes: Vec<&str> = out.warnings.iter().map(|w| w.code).collect();
            assert_eq!(codes, ["card-alt-missing"], "the cover has no cover_alt");
            assert_eq!(
                out.warnings[0].file.as_deref(),
                Some("content/tourisme/lac/index.md")
            );
            assert!(out.kit.is_none());
        });
    }

    #[test]
    fn a_kit_job_returns_its_page_its_qr_code_and_the_zip_to_make() {
        let dir = tiny(true);
        with_render_inputs(dir.path(), |inputs| {
            let out = render(&Job::Kit(page(inputs, "lac")), inputs).unwrap();
            let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["tourisme/lac/kit/qr.svg"]);
            let zip = out.kit.expect("a kit has a zip");
            assert_eq!(zip.path, "tourisme/lac/kit/lac-kit.zip");
            assert_eq!(zip.images.len(), crate::render::kits::KIT_FORMATS.len());
            let inside: Vec<&str> = zip.files.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(inside, ["texts.txt", "qr.svg"]);
            // The page is written once the zip's size is known.
            let (path, html) = zip.page(2_345_678).expect("the kit page");
            assert_eq!(path, "tourisme/lac/kit/index.html");
            let html = String::from_utf8(html).unwrap();
            assert!(html.contains("noindex"), "kits are out of search engines");
            assert!(html.contains("2,3 Mo"), "the zip's size in French");
        });
    }

    #[test]
    fn feeds_and_calendars_are_plain_files() {
        let dir = tiny(false);
        with_render_inputs(dir.path(), |inputs| {
            let home = SectionId(inputs.content().home("fr").unwrap());
            let out = render(&Job::Feed(home), inputs).unwrap();
            assert_eq!(out.files.len(), 1);
            assert_eq!(out.files[0].0, "atom.xml");
            let atom = String::from_utf8(out.files[0].1.clone()).unwrap();
            assert_eq!(atom.matches("<entry>").count(), 2);
            let culture = inputs
                .content()
                .sections
                .iter()
                .position(|s| s.dir_rel == "culture")
                .unwrap();
            // No dated page yet: the feed its page links to is still there.
            let none = render(&Job::Feed(SectionId(culture)), inputs).unwrap();
            assert_eq!(none.files[0].0, "culture/atom.xml");
            let empty = String::from_utf8(none.files[0].1.clone()).unwrap();
            assert!(empty.contains("<feed") && !empty.contains("<entry>"));
            let fete = page(inputs, "fete");
            let ics = render(&Job::PageCalendar(fete), inputs).unwrap();
            assert_eq!(ics.files[0].0, "tourisme/fete/fete.ics");
            let ics = String::from_utf8(ics.files[0].1.clone()).unwrap();
            assert!(ics.contains("BEGIN:VEVENT") && ics.contains("SUMMARY:La fête"));
        });
    }

    #[test]
    fn listings_name_the_pages_they_show_and_feeds_read_page_html() {
        let dir = tiny(false);
        with_render_inputs(dir.path(), |inputs| {
            let model = inputs.model();
            let (l, listing) = model
                .listings
                .iter()
                .enumerate()
                .find(|(_, l)| l.key == "visiteurs")
                .unwrap();
            let job = Job::Listing {
                listing: ListingId(l),
                pager: 0,
            };
            assert_eq!(listed_pages(&job, inputs), Some(listing.pages.clone()));
            let home = SectionId(inputs.content().home("fr").unwrap());
            let home_job = Job::Section {
                section: home,
                pager: 0,
            };
            assert_eq!(
                listed_pages(&home_job, inputs),
                None,
                "the home page reads more"
            );
            assert!(reads_page_html(&Job::Feed(home)));
            assert!(!reads_page_html(&Job::Page(PageId(0))));
        });
    }
}
