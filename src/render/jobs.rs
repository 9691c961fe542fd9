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
use crate::render::views::{PhotoPages, ViewSource};
use crate::render::{Renderer, feeds, head, kits, pages, routes};
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
    /// The agenda page of a language (when no section sits at its address).
    Agenda(String),
    /// The site-map page of a language.
    SiteMap(String),
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
    /// The page that asks a visitor for their Mastodon instance.
    MastodonShare,
    /// The community page of a language: all posts, or one tag's.
    Community {
        lang: String,
        tag: Option<String>,
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
}

/// Builds each language's agenda from the resolved events.
pub fn agendas(
    config: &Config,
    content: &Content,
    events: &[Option<EventTimes>],
) -> HashMap<String, Agenda> {
    let mut out: HashMap<String, Agenda> = HashMap::new();
    for lang in config.all_languages() {
        let mut a = Agenda::default();
        for (i, p) in content.pages.iter().enumerate() {
            if p.lang != lang {
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
    /// Each page's summary view, made once.
    pub summaries: &'a [tera::Value],
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
        let strings = self.strings();
        strings
            .get(lang)
            .or_else(|| strings.get(&self.config().default_language))
    }

    /// A string of `lang`'s interface, when the theme has it.
    pub fn string(&self, lang: &str, key: &str) -> Option<String> {
        self.strings_of(lang)
            .and_then(|s| s.strings.get(key).cloned())
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
        Job::Page(i) => pages::page(inputs, *i)?,
        Job::Section { section, pager } => pages::section(inputs, *section, *pager),
        Job::Listing { listing, pager } => pages::listing(inputs, *listing, *pager),
        Job::TaxonomyIndex(t) => pages::taxonomy_index(inputs, *t),
        Job::AudiencesIndex(lang) => pages::audiences_index(inputs, lang),
        Job::Agenda(lang) => pages::agenda(inputs, lang),
        Job::Community { lang, tag } => pages::community(inputs, lang, tag.as_deref()),
        Job::SiteMap(lang) => pages::site_map(inputs, lang),
        Job::Photo { set, index } => pages::photo(inputs, *set, *index)?,
        Job::Alias { from, to } => pages::alias(inputs, from, to),
        Job::MastodonShare => pages::mastodon_share(inputs),
        Job::NotFound => pages::not_found(inputs),
        Job::Asset(name) => pages::asset(inputs, name),
        Job::Kit(i) => return kits::kit(inputs, *i),
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
        let count = inputs.section_pages(section).len();
        for pager in 0..pagers(count, s.fm.paginate_by) {
            jobs.push(Job::Section { section, pager });
        }
        if s.fm.generate_feeds != Some(false) && s.fm.redirect_to.is_none() {
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
        let has_events = inputs.agendas.get(lang).is_some_and(|a| !a.is_empty());
        if has_events {
            if let Some(st) = inputs.strings().get(lang) {
                let path = routes::agenda(config, st, lang);
                if !content.sections.iter().any(|s| s.path == path) {
                    jobs.push(Job::Agenda(lang.to_string()));
                }
            }
            jobs.push(Job::AgendaCalendar(lang.to_string()));
        }
        jobs.push(Job::SiteMap(lang.to_string()));
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
        jobs.extend((0..content.pages.len()).map(|i| Job::Kit(PageId(i))));
    }
    if config
        .share
        .networks
        .contains(&crate::config::Network::Mastodon)
    {
        jobs.push(Job::MastodonShare);
    }
    jobs.push(Job::NotFound);
    jobs.extend(assets.iter().map(|a| Job::Asset(a.to_string())));
    jobs
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
