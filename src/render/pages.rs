//! Pages and listings: one function per kind of HTML page the site has.
//!
//! Each function gathers what its template shows into a [`Frame`] (the
//! context, the address, the template) with what its head says of it
//! ([`Head`]); [`head::finish`](crate::render::head::finish) then renders
//! it. Kinds: content pages, sections (the home page, pillar sections and
//! the agenda among them), listings (pillars without a section, audiences,
//! tags), the indexes of tags and audiences, the pages the theme makes
//! (agenda, community, site map, Mastodon share, 404), photo pages,
//! redirects and template assets.

use serde::Serialize;
use tera::Context;

use crate::content::frontmatter::EventStatus;
use crate::content::site::{ListingId, ListingKind};
use crate::content::{Content, PageId, SectionId};
use crate::error::Diagnostic;
use crate::render::head::{CardIntent, FeedLink, Frame, Head, ShareBar};
use crate::render::jobs::{self, Agenda, RenderInputs, pagers, released};
use crate::render::routes;
use crate::render::views::{CoverView, NavItem, PaginatorView, listing_value};
use crate::seo::jsonld;
use crate::url::absolute;

/// How many upcoming events the home page gets as `agenda`.
const EVENTS_ON_HOME: usize = 3;
/// How many must-sees the home page shows.
const MUST_SEE_ON_HOME: usize = 6;
/// How many pages with a cover the home page's photos block shows.
const PHOTOS_ON_HOME: usize = 6;
/// Community posts on the home page and on each pillar page.
const POSTS_ON_HOME: usize = 6;
const POSTS_ON_PILLAR: usize = 3;

/// A content page.
pub(crate) fn page<'a>(inputs: &RenderInputs<'a>, i: PageId) -> Result<Frame<'a>, Diagnostic> {
    let (config, content, views) = (inputs.config(), inputs.content(), inputs.views);
    let base = config.base();
    let p = &content.pages[i.0];
    let html = views.html.take(i.0).ok_or_else(|| released(p))?;
    let html = html.text();
    let view = views.page_full(i, &html);
    let mut head = Head::new(view.title.to_string());
    // A draft (built with --drafts) is a preview: out of search engines and the sitemap.
    head.noindex = p.fm.draft;
    head.description = view.description.map(String::from);
    head.og_type = "article";
    head.image = view.cover.clone();
    head.crumbs = view.ancestors.clone();
    head.here = Some(view.title.to_string());
    head.card = Some(CardIntent::new(view.title, view.description).with(
        p.fm.card.as_deref(),
        view.cover.as_ref(),
        &p.file.rel,
    ));
    head.share = ShareBar::of(p.fm.share.as_deref());
    let thing = jsonld::Thing {
        name: view.title,
        description: view.description,
        url: &view.permalink,
        image: view.cover.as_ref().map(|c| c.permalink.as_str()),
    };
    if let (Some(place), Some(pv)) = (&p.fm.place, &view.place) {
        let mut extras = pv.ld(inputs.views.today);
        if let Some(cover) = &view.cover {
            (extras.image_credit, extras.image_license) = cover_credit(inputs, i, cover);
        }
        head.extra_ld.push(jsonld::place(
            &jsonld::Thing {
                name: pv.name.as_deref().unwrap_or(view.title),
                ..thing
            },
            place,
            &extras,
        ));
        if place.category == Some(crate::config::Category::Tour) && p.trail.is_none() {
            head.extra_ld.push(jsonld::trip(&thing));
        }
    }
    if let Some(trail) = &p.trail {
        // The start, then the steps that say where they are.
        let start = trail.figures.start;
        let mut stops = vec![jsonld::Stop {
            name: trail.start.as_deref().unwrap_or(view.title),
            lat: start.lat,
            lon: start.lon,
        }];
        stops.extend(trail.steps.iter().filter_map(|s| {
            Some(jsonld::Stop {
                name: &s.name,
                lat: s.lat.filter(|l| (-90.0..=90.0).contains(l))?,
                lon: s.lon.filter(|l| (-180.0..=180.0).contains(l))?,
            })
        }));
        head.extra_ld.push(jsonld::trip_along(&thing, &stops));
    }
    if let (Some(ev), Some(t)) = (&view.event, &inputs.events()[i.0]) {
        let status = match t.status {
            EventStatus::Scheduled => "EventScheduled",
            EventStatus::Cancelled => "EventCancelled",
            EventStatus::Postponed => "EventPostponed",
        };
        let end_of = |s: &jiff::Zoned, e: &jiff::Zoned| {
            if t.all_day {
                crate::content::event::last_day(s, e).to_string()
            } else {
                crate::content::event::iso(e, false)
            }
        };
        // An event on several dates is one Event per date, as search
        // engines ask, and one per run of days in a row at the same hours
        // (an exhibition open every day of a season), from its first day
        // to its last, as they ask of an event over several days. A
        // recurring event's first is its next occurrence.
        let dates = t.daily_runs(|z| z.datetime()).into_iter().map(|run| {
            if let (0, Some(next), true) = (run.number, &t.next, t.rrule.is_some()) {
                let end = t.occurrence_end(next);
                return (
                    crate::content::event::iso(next, t.all_day),
                    crate::content::event::iso(&end, t.all_day),
                );
            }
            let (s, _) = run.first;
            let (last, last_end) = run.last;
            (
                crate::content::event::iso(s, t.all_day),
                end_of(last, last_end),
            )
        });
        for (start, end) in dates {
            head.extra_ld.push(jsonld::event(
                &thing,
                &jsonld::EventFields {
                    start,
                    end,
                    status,
                    location: ev.location,
                    booking_url: ev.booking_url,
                },
            ));
        }
    }
    let mut frame =
        Frame::new(&p.lang, &page_template(content, i), p.path.clone()).file(p.file.rel.clone());
    frame.translations = view.translations.clone();
    let ctx = &mut frame.ctx;
    ctx.insert_value("page", inputs.summaries.with_full(i.0, &view));
    // Every build of the test suite checks the summary made from the full
    // view against the summary made on its own.
    debug_assert!(
        crate::render::views::same_value(
            &inputs.summaries.get(i.0),
            &tera::Value::from_serializable(&views.page(i, crate::render::views::Detail::Summary))
        ),
        "the summary of {} differs from its own view",
        p.file.rel
    );
    let s = &content.sections[p.section];
    ctx.insert("parent", &serde_json::json!({"title": s.title(), "permalink": absolute(base, &s.path), "path": s.path}));
    Ok(frame.head(head))
}

/// The credit and licence of page `i`'s cover: those of its gallery's
/// photo when the cover is one (gallery.toml wins), else those the file
/// itself carries.
fn cover_credit(
    inputs: &RenderInputs<'_>,
    i: PageId,
    cover: &CoverView,
) -> (Option<String>, Option<String>) {
    let Some(source) = &cover.source else {
        return (None, None);
    };
    let photo = inputs
        .photo_pages
        .iter()
        .filter(|set| set.page == i.0)
        .flat_map(|set| &set.photos)
        .find(|photo| &photo.source == source);
    match photo {
        Some(photo) => (photo.credit.clone(), photo.license.clone()),
        None => {
            let embedded = crate::content::photo_meta::embedded_credit(source);
            (embedded.creator, embedded.rights)
        }
    }
}

/// A page's template: its own, else the nearest section's `page_template`.
pub(crate) fn page_template(content: &Content, i: PageId) -> String {
    let p = &content.pages[i.0];
    if let Some(t) = &p.fm.template {
        return t.clone();
    }
    let mut s = Some(p.section);
    while let Some(si) = s {
        if let Some(t) = &content.sections[si].fm.page_template {
            return t.clone();
        }
        s = content.sections[si].parent;
    }
    "page.html".into()
}

/// One pager page of a list: the pages it shows, its paginator and its address.
pub(crate) struct Pager {
    pub pages: Vec<usize>,
    pub paginator: Option<PaginatorView>,
    pub path: String,
}

/// Pager page `pager` of `all` at `per_page` pages each (0: all on one page).
pub(crate) fn paginate(
    all: &[usize],
    per_page: usize,
    pager: usize,
    base_path: &str,
    paginate_path: &str,
    base_url: &str,
) -> Pager {
    if per_page == 0 {
        return Pager {
            pages: all.to_vec(),
            paginator: None,
            path: base_path.to_string(),
        };
    }
    let total = pagers(all.len(), per_page);
    let path_of = |n: usize| {
        if n == 0 {
            base_path.to_string()
        } else {
            format!("{base_path}{paginate_path}/{}/", n + 1)
        }
    };
    let url_of = |n: usize| absolute(base_url, &path_of(n));
    let start = (pager * per_page).min(all.len());
    let end = (start + per_page).min(all.len());
    let view = PaginatorView {
        current_index: pager + 1,
        number_pagers: total,
        total_pages: all.len(),
        first: url_of(0),
        last: url_of(total - 1),
        previous: (pager > 0).then(|| url_of(pager - 1)),
        next: (pager + 1 < total).then(|| url_of(pager + 1)),
    };
    Pager {
        pages: all[start..end].to_vec(),
        paginator: Some(view),
        path: path_of(pager),
    }
}

/// The head's title of pager page `pager` (from 0) of a list titled
/// `title`: « Agenda – Page 2 » from the second page on, so that each page
/// of a list has a title of its own in search results and browser tabs.
fn pager_title(inputs: &RenderInputs<'_>, lang: &str, title: &str, pager: usize) -> String {
    if pager == 0 {
        return title.to_string();
    }
    let page = inputs.string(lang, "page").unwrap_or_else(|| "Page".into());
    format!("{title} – {page} {}", pager + 1)
}

/// Whether page `i` may be promoted (the home page, a selection): a page
/// that is no event, or an event still to come and not cancelled.
fn promotable(inputs: &RenderInputs<'_>, i: usize) -> bool {
    inputs
        .events()
        .get(i)
        .and_then(Option::as_ref)
        .is_none_or(crate::content::event::EventTimes::promotable)
}

/// Which events an agenda value holds.
enum AgendaPart<'p> {
    /// The next `n` events that may be promoted (the home page's block).
    Next(usize),
    /// A page of the agenda: its events, upcoming then past, and its
    /// paginator (none when the agenda is one page).
    Page {
        upcoming: &'p [usize],
        past: &'p [usize],
        paginator: Option<&'p PaginatorView>,
    },
}

impl<'p> AgendaPart<'p> {
    /// Page `pager` of agenda `a` at `per_page` events a page.
    fn page(
        a: &'p Agenda,
        per_page: usize,
        pager: usize,
        paginator: Option<&'p PaginatorView>,
    ) -> AgendaPart<'p> {
        let (upcoming, past) = a.pager(per_page, pager);
        AgendaPart::Page {
            upcoming,
            past,
            paginator,
        }
    }
}

/// The agenda of a language without events.
static NO_AGENDA: Agenda = Agenda {
    upcoming: Vec::new(),
    past: Vec::new(),
};

/// The agenda as templates see it: its upcoming and past events (`part`),
/// the agenda's address and its calendar, and a page's paginator.
fn agenda_value(inputs: &RenderInputs<'_>, lang: &str, part: AgendaPart<'_>) -> tera::Value {
    let config = inputs.config();
    let base = config.base();
    let a = inputs.agendas.get(lang).unwrap_or(&NO_AGENDA);
    let pick = |list: &[usize]| {
        tera::Value::from(
            list.iter()
                .map(|&i| inputs.summaries.get(i))
                .collect::<Vec<_>>(),
        )
    };
    let next: Vec<usize>;
    let (upcoming, past, paginator) = match part {
        // A limited list promotes (the home page's next events): never a
        // cancelled event there; the agenda itself shows them, marked.
        AgendaPart::Next(n) => {
            next = a
                .upcoming
                .iter()
                .copied()
                .filter(|&i| promotable(inputs, i))
                .take(n)
                .collect();
            (next.as_slice(), &[][..], None)
        }
        AgendaPart::Page {
            upcoming,
            past,
            paginator,
        } => (upcoming, past, paginator),
    };
    // Templates read the same keys wherever the agenda is given.
    let mut m = tera::Map::new();
    m.insert(tera::value::Key::Str("upcoming"), pick(upcoming));
    m.insert(tera::value::Key::Str("past"), pick(past));
    m.insert(
        tera::value::Key::Str("paginator"),
        tera::Value::from_serializable(&paginator),
    );
    let path = inputs
        .strings_of(lang)
        .map(|s| routes::agenda(config, s, lang))
        .unwrap_or_default();
    m.insert(
        tera::value::Key::Str("permalink"),
        tera::Value::from(absolute(base, &path)),
    );
    let calendar = if a.is_empty() {
        String::new()
    } else {
        absolute(base, &routes::agenda_calendar(config, lang))
    };
    m.insert(
        tera::value::Key::Str("calendar"),
        tera::Value::from(calendar),
    );
    tera::Value::from(m)
}

/// A section: the home page, a pillar's section, the agenda's section, or
/// any other; or a redirect when it says `redirect_to`.
pub(crate) fn section<'a>(inputs: &RenderInputs<'a>, si: SectionId, pager: usize) -> Frame<'a> {
    let (config, content, model, views) = (
        inputs.config(),
        inputs.content(),
        inputs.model(),
        inputs.views,
    );
    let base = config.base();
    let s = &content.sections[si.0];
    if let Some(to) = s.fm.redirect_to.as_deref() {
        return redirect(&s.lang, s.path.clone(), base, to).file(s.source_name());
    }
    // The agenda's section is paged by its events, upcoming then past.
    let agenda_here = inputs.agenda_here(s);
    let (all, per_page) = match agenda_here {
        Some(a) => (a.events(), jobs::agenda_per_page(config, Some(s))),
        None => {
            let mut all = inputs.section_pages(si).to_vec();
            if s.fm.paginate_reversed {
                all.reverse();
            }
            (all, s.fm.paginate_by)
        }
    };
    let pp = s.fm.paginate_path.as_deref().unwrap_or("page");
    let Pager {
        pages,
        paginator,
        path,
    } = paginate(&all, per_page, pager, &s.path, pp, base);
    let view = views.section(si, &pages, paginator);
    let mut head = Head::new(pager_title(inputs, &s.lang, &view.title, pager));
    head.noindex = s.fm.draft;
    head.description = view.description.clone();
    head.image = view.cover.clone();
    head.crumbs = view.ancestors.clone();
    head.card = Some(
        CardIntent::new(&view.title, view.description.as_deref()).with(
            s.fm.card.as_ref(),
            view.cover.as_ref(),
            &s.source_name(),
        ),
    );
    head.share = ShareBar::of(s.fm.share.as_ref());
    if !s.is_home() && crate::render::feeds::asks_for_feed(s) {
        head.feed = Some(FeedLink {
            title: view.title.clone(),
            url: absolute(base, &routes::section_feed(&s.path)),
        });
    }
    let mut ctx = Context::new();
    if s.is_home() {
        home_blocks(inputs, &s.lang, &mut ctx);
        let same_as: Vec<String> = config.social.values().cloned().collect();
        head.extra_ld.push(jsonld::destination(
            config.brand_name(),
            config.description_in(&s.lang),
            &view.permalink,
            view.cover.as_ref().map(|c| c.permalink.as_str()),
            &same_as,
        ));
    } else {
        head.here = Some(view.title.clone());
    }
    if let Some(a) = agenda_here {
        let part = AgendaPart::page(a, per_page, pager, view.paginator.as_ref());
        ctx.insert_value("agenda", agenda_value(inputs, &s.lang, part));
    }
    ctx.insert_value("section", listing_value(&view, inputs.summaries));
    if !s.fm.selections.is_empty() {
        ctx.insert_value("selections", selections_value(inputs, si));
    }
    if let Some(&l) = model.merged_sections.get(&si.0) {
        let key = model.listings[l].key.as_str();
        ctx.insert_value(
            "community",
            inputs.community.select(Some(key), Some(POSTS_ON_PILLAR)),
        );
        ctx.insert("community_tag", key);
    }
    let template = match &s.fm.template {
        Some(t) => t.as_str(),
        None if s.is_home() => "index.html",
        None if agenda_here.is_some() => "agenda.html",
        None if model.merged_sections.contains_key(&si.0) => "pillar.html",
        None => "section.html",
    };
    let mut frame = Frame::new(&s.lang, template, path)
        .file(s.source_name())
        .head(head);
    frame.translations = view.translations.clone();
    frame.ctx = ctx;
    frame
}

/// The `[[selection]]` blocks of section `si`: each with its title and
/// the cards of the places that match (none left out: an empty one is the
/// theme's to hide). The places are those below the section; of its
/// pillar, on a pillar's page; of the whole site, on the home page. Events
/// are places only for a selection of `kinds = ["event"]`, and only while
/// they are to come.
fn selections_value(inputs: &RenderInputs<'_>, si: SectionId) -> tera::Value {
    let content = inputs.content();
    let model = inputs.model();
    let s = &content.sections[si.0];
    let pillar = model
        .merged_sections
        .get(&si.0)
        .map(|&l| model.listings[l].key.as_str());
    let today = inputs.views.today;
    let under = |p: &crate::content::Page| {
        s.is_home()
            || match pillar {
                Some(key) => p.pillar.as_deref() == Some(key),
                None => p.path.starts_with(&s.path) && p.path != s.path,
            }
    };
    // Events only while they are to come and not cancelled, and only
    // where asked for.
    let upcoming: std::collections::HashSet<usize> = inputs
        .agendas
        .get(&s.lang)
        .map(|a| {
            a.upcoming
                .iter()
                .copied()
                .filter(|&i| promotable(inputs, i))
                .collect()
        })
        .unwrap_or_default();
    let places: Vec<usize> = (0..content.pages.len())
        .filter(|&i| {
            let p = &content.pages[i];
            p.lang == s.lang
                && p.fm.place.is_some()
                && under(p)
                && (p.fm.event.is_none() || upcoming.contains(&i))
        })
        .collect();
    let blocks: Vec<tera::Value> = s
        .fm
        .selections
        .iter()
        .map(|sel| {
            let mut picked: Vec<usize> = places
                .iter()
                .copied()
                .filter(|&i| {
                    let p = &content.pages[i];
                    let event = p.fm.event.is_some();
                    (!event || sel.kinds.contains(&crate::config::Category::Event))
                        && p.fm
                            .place
                            .as_ref()
                            .is_some_and(|pl| selects(sel, pl, today, event))
                })
                .collect();
            picked.sort_by_cached_key(|&i| {
                let p = &content.pages[i];
                let title = p.fm.title.as_deref().unwrap_or(&p.slug);
                (
                    p.fm.cover.is_none(),
                    crate::slug::slugify(title),
                    p.path.clone(),
                )
            });
            picked.truncate(sel.limit.unwrap_or(6));
            let items: Vec<tera::Value> = picked.iter().map(|&i| inputs.summaries.get(i)).collect();
            let mut block = tera::Map::new();
            block.insert(tera::value::Key::Str("title"), sel.title.clone().into());
            block.insert(tera::value::Key::Str("items"), items.into());
            tera::Value::from(block)
        })
        .collect();
    tera::Value::from(blocks)
}

/// Whether a place matches every condition of a selection.
fn selects(
    sel: &crate::content::frontmatter::Selection,
    pl: &crate::content::practical::PlaceFrontMatter,
    today: jiff::civil::Date,
    event: bool,
) -> bool {
    use crate::config::Category;
    use crate::slug::slugify;
    let kind = if event {
        Category::Event
    } else {
        pl.category.unwrap_or_default()
    };
    (sel.kinds.is_empty() || sel.kinds.contains(&kind))
        && sel.commune.as_deref().is_none_or(|c| {
            pl.commune
                .as_deref()
                .is_some_and(|pc| slugify(pc) == slugify(c))
        })
        && sel.label.as_deref().is_none_or(|want| {
            let want = slugify(want);
            pl.labels.iter().any(|l| {
                let l = slugify(l);
                l == want || l.starts_with(&format!("{want}-"))
            })
        })
        && (!sel.open_today || pl.open_on(today) == Some(true))
        && (!sel.accessible || !pl.accessibility.is_empty() || pl.reduced_mobility == Some(true))
        && (!sel.pets || pl.pets == Some(true))
}

/// A pillar as the home page shows it: `pillar_tiles`.
#[derive(Debug, Serialize)]
struct PillarTile {
    key: String,
    title: String,
    /// The pillar section's description, else the pillar's own in this
    /// language (null when neither says anything).
    description: Option<String>,
    permalink: String,
    /// The pillar section's cover, else the cover of the pillar's first
    /// page that has one (by weight, then newest): null when none has.
    cover: Option<CoverView>,
}

/// Each pillar of the site in `lang`, with a photo and a line of text.
fn pillar_tiles(inputs: &RenderInputs<'_>, lang: &str) -> Vec<PillarTile> {
    let (config, content, views) = (inputs.config(), inputs.content(), inputs.views);
    let shown = crate::content::site::Shown::new(content, config);
    let prefix = config.lang_prefix(lang);
    let model = inputs.model();
    config
        .pillars
        .keys()
        // A language that leaves out what it has not translated has no
        // page for an empty pillar: no tile either.
        .filter(|k| {
            model
                .listings
                .iter()
                .any(|l| l.kind == ListingKind::Pillar && &l.key == *k && l.lang == lang)
        })
        .map(|k| {
            let section = content
                .sections
                .iter()
                .position(|s| s.lang == lang && s.dir_rel == *k);
            let from_page = || {
                let mut pages: Vec<usize> = (0..content.pages.len())
                    .filter(|&i| {
                        let p = &content.pages[i];
                        p.pillar.as_deref() == Some(k.as_str())
                            && p.fm.cover.is_some()
                            && p.fm.event.is_none()
                            && shown.in_lang(p, lang)
                    })
                    .collect();
                pages.sort_by_cached_key(|&i| {
                    let p = &content.pages[i];
                    (
                        p.fm.weight.unwrap_or(i64::MAX),
                        std::cmp::Reverse(p.fm.date.as_ref().map(|d| d.to_string())),
                        p.path.clone(),
                    )
                });
                pages.first().and_then(|&i| views.page_cover(i))
            };
            let description = section
                .and_then(|si| content.sections[si].fm.description.clone())
                .or_else(|| {
                    let d =
                        config.grouping_description(crate::config::GroupingKind::Pillar, k, lang);
                    (!d.is_empty()).then(|| d.to_string())
                });
            PillarTile {
                key: k.clone(),
                title: config.pillar_title(k, lang).unwrap_or(k).to_string(),
                description,
                permalink: absolute(config.base(), &format!("{prefix}/{k}/")),
                cover: section
                    .and_then(|si| views.section_cover(si))
                    .or_else(from_page),
            }
        })
        .collect()
}

/// The office's must-sees in `lang` (pages with `featured = true`), by
/// weight then title, at most [`MUST_SEE_ON_HOME`]; events only while
/// they are to come and not cancelled ([`promotable`]).
fn must_see(inputs: &RenderInputs<'_>, lang: &str) -> tera::Value {
    let content = inputs.content();
    let mut picked: Vec<usize> = (0..content.pages.len())
        .filter(|&i| {
            let p = &content.pages[i];
            p.lang == lang && p.fm.featured && promotable(inputs, i)
        })
        .collect();
    picked.sort_by_cached_key(|&i| {
        let p = &content.pages[i];
        (
            p.fm.weight.unwrap_or(i64::MAX),
            crate::slug::slugify(p.title()),
            p.path.clone(),
        )
    });
    picked.truncate(MUST_SEE_ON_HOME);
    tera::Value::from(
        picked
            .iter()
            .map(|&i| inputs.summaries.get(i))
            .collect::<Vec<_>>(),
    )
}

/// How many of `n` photos the home page's grid shows so that no row is
/// left with a lone photo: up to six, and never five (the grid has two
/// or three columns, and four make two rows of two).
fn photos_without_orphans(n: usize) -> usize {
    match n.min(PHOTOS_ON_HOME) {
        5 => 4,
        m => m,
    }
}

/// The home page's blocks: the pillars, the latest pages, the next
/// events, the community wall and the photos (the newest pages with a
/// cover).
fn home_blocks(inputs: &RenderInputs<'_>, lang: &str, ctx: &mut Context) {
    let content = inputs.content();
    let summaries = inputs.summaries;
    ctx.insert("pillar_tiles", &pillar_tiles(inputs, lang));
    ctx.insert_value("must_see", must_see(inputs, lang));
    let recent: Vec<tera::Value> = inputs
        .latest
        .get(lang)
        .map(|l| l.iter().map(|&i| summaries.get(i)).collect())
        .unwrap_or_default();
    ctx.insert_value("latest", tera::Value::from(recent));
    ctx.insert_value(
        "agenda",
        agenda_value(inputs, lang, AgendaPart::Next(EVENTS_ON_HOME)),
    );
    ctx.insert_value(
        "community",
        inputs.community.select(None, Some(POSTS_ON_HOME)),
    );
    let mut with_cover: Vec<usize> = (0..content.pages.len())
        .filter(|&i| content.pages[i].lang == lang && content.pages[i].fm.cover.is_some())
        .collect();
    content
        .date_order(&inputs.config().timezone)
        .sort(&mut with_cover);
    with_cover.truncate(photos_without_orphans(with_cover.len()));
    ctx.insert_value(
        "photos",
        tera::Value::from(
            with_cover
                .iter()
                .map(|&i| summaries.get(i))
                .collect::<Vec<_>>(),
        ),
    );
}

/// A listing: a pillar without a section, an audience or a tag.
pub(crate) fn listing<'a>(inputs: &RenderInputs<'a>, l: ListingId, pager: usize) -> Frame<'a> {
    let config = inputs.config();
    let listing = &inputs.model().listings[l.0];
    let per = if matches!(listing.kind, ListingKind::Term { .. }) {
        config.paginate_taxonomies
    } else {
        0
    };
    let Pager {
        pages,
        paginator,
        path,
    } = paginate(
        &listing.pages,
        per,
        pager,
        &listing.path,
        "page",
        config.base(),
    );
    let view = inputs.views.listing(l, &pages, paginator);
    let mut head = Head::new(pager_title(inputs, &listing.lang, &view.title, pager));
    head.description = view.description.clone();
    head.crumbs = view.ancestors.clone();
    head.here = Some(view.title.clone());
    let template = match listing.kind {
        ListingKind::Pillar => "pillar.html",
        ListingKind::Audience => "audience.html",
        ListingKind::Term { .. } => "taxonomy_single.html",
    };
    let mut frame = Frame::new(&listing.lang, template, path).head(head);
    frame.translations = view.translations.clone();
    frame
        .ctx
        .insert_value("section", listing_value(&view, inputs.summaries));
    if listing.kind == ListingKind::Pillar {
        frame.ctx.insert_value(
            "community",
            inputs
                .community
                .select(Some(&listing.key), Some(POSTS_ON_PILLAR)),
        );
        frame.ctx.insert("community_tag", &listing.key);
    }
    frame
}

/// The index of a taxonomy's terms (`/tags/`).
pub(crate) fn taxonomy_index<'a>(inputs: &RenderInputs<'a>, t: usize) -> Frame<'a> {
    let views = inputs.views;
    let tax = &inputs.model().taxonomies[t];
    let terms = tax
        .terms
        .iter()
        .map(|&l| views.term(ListingId(l)))
        .collect();
    let view = views.index(
        "taxonomy",
        &tax.name,
        tax.name.clone(),
        tax.path.clone(),
        &tax.lang,
        terms,
    );
    // "Tous les tags", "Toutes les communes": the theme's string for the
    // taxonomy, else its name.
    let title = inputs
        .string(&tax.lang, &format!("all_{}", tax.name))
        .unwrap_or_else(|| tax.name.clone());
    let mut head = Head::new(title.clone());
    head.crumbs = view.ancestors.clone();
    head.here = Some(title);
    let mut frame = Frame::new(&tax.lang, "taxonomy_list.html", tax.path.clone()).head(head);
    frame
        .ctx
        .insert_value("section", listing_value(&view, inputs.summaries));
    frame
}

/// The index of the audiences of `lang`.
pub(crate) fn audiences_index<'a>(inputs: &RenderInputs<'a>, lang: &str) -> Frame<'a> {
    let views = inputs.views;
    let terms = inputs
        .model()
        .listings
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == ListingKind::Audience && l.lang == lang)
        .map(|(i, _)| views.term(ListingId(i)))
        .collect();
    let path = routes::audiences_index(inputs.config(), lang);
    let view = views.index(
        "audiences",
        "audiences",
        String::new(),
        path.clone(),
        lang,
        terms,
    );
    let title = inputs.string(lang, "audiences_title").unwrap_or_default();
    let mut head = Head::new(title.clone());
    head.crumbs = view.ancestors.clone();
    head.here = Some(title);
    let mut frame = Frame::new(lang, "audience_list.html", path).head(head);
    frame
        .ctx
        .insert_value("section", listing_value(&view, inputs.summaries));
    frame
}

/// A page the theme makes on its own (agenda, site map, community): its
/// `section` view (title and breadcrumb, no pages) in the context, and its
/// head.
fn generated_page<'a>(
    inputs: &RenderInputs<'a>,
    kind: &'static str,
    lang: &str,
    title: String,
    path: String,
    template: &str,
) -> Frame<'a> {
    let view = inputs
        .views
        .index(kind, kind, title.clone(), path.clone(), lang, Vec::new());
    let mut head = Head::new(title.clone());
    head.crumbs = view.ancestors.clone();
    head.here = Some(title);
    let mut frame = Frame::new(lang, template, path).head(head);
    frame
        .ctx
        .insert_value("section", listing_value(&view, inputs.summaries));
    frame
}

/// Page `pager` of the agenda of `lang`, when no section stands at its
/// address.
pub(crate) fn agenda<'a>(inputs: &RenderInputs<'a>, lang: &str, pager: usize) -> Frame<'a> {
    let config = inputs.config();
    let first = inputs
        .strings_of(lang)
        .map(|s| routes::agenda(config, s, lang))
        .unwrap_or_default();
    let title = inputs
        .string(lang, "agenda")
        .unwrap_or_else(|| "Agenda".into());
    let a = inputs.agendas.get(lang).unwrap_or(&NO_AGENDA);
    let per_page = jobs::agenda_per_page(config, None);
    let Pager {
        paginator, path, ..
    } = paginate(&a.events(), per_page, pager, &first, "page", config.base());
    let mut frame = generated_page(inputs, "agenda", lang, title, path, "agenda.html");
    if let Some(head) = &mut frame.head {
        head.title = pager_title(inputs, lang, &head.title, pager);
    }
    let part = AgendaPart::page(a, per_page, pager, paginator.as_ref());
    frame
        .ctx
        .insert_value("agenda", agenda_value(inputs, lang, part));
    frame
}

/// The community page of `lang`: every post, or one tag's.
pub(crate) fn community<'a>(inputs: &RenderInputs<'a>, lang: &str, tag: Option<&str>) -> Frame<'a> {
    let config = inputs.config();
    let base = config.base();
    let st = inputs.strings_of(lang);
    let string = |k: &str, or: &str| inputs.string(lang, k).unwrap_or_else(|| or.to_string());
    let tag_path = |t: &str| {
        st.map(|s| routes::community_tag(config, s, lang, t))
            .unwrap_or_default()
    };
    let all_path = st
        .map(|s| routes::community(config, s, lang))
        .unwrap_or_default();
    let community_title = string("community", "Community");
    let (title, path) = match tag {
        None => (community_title.clone(), all_path.clone()),
        Some(t) => (format!("{community_title} · #{t}"), tag_path(t)),
    };
    let mut frame = generated_page(
        inputs,
        "community",
        lang,
        title,
        path.clone(),
        "community.html",
    );
    if let Some(head) = &mut frame.head {
        head.description = Some(string("community_intro", ""));
        if tag.is_some() {
            head.crumbs.push(NavItem {
                key: "community".into(),
                title: community_title,
                permalink: absolute(base, &all_path),
                path: all_path.clone(),
                lang: None,
            });
        }
    }
    let tags: Vec<serde_json::Value> = inputs
        .community
        .tags()
        .into_iter()
        .map(|t| {
            let p = tag_path(t);
            serde_json::json!({
                "name": t,
                "permalink": absolute(base, &p),
                "current": p == path,
            })
        })
        .collect();
    let ctx = &mut frame.ctx;
    ctx.insert_value("posts", inputs.community.select(tag, None));
    ctx.insert("tags", &tags);
    ctx.insert("tag", &tag);
    ctx.insert("all_permalink", &absolute(base, &all_path));
    frame
}

/// The search results page of `lang`: the script finds the index by the
/// manifest's address and shows the results; without the script, a link to
/// the site map. Not indexed by search engines (results of a search).
pub(crate) fn search<'a>(inputs: &RenderInputs<'a>, lang: &str) -> Frame<'a> {
    let st = inputs.strings_of(lang);
    let path = st
        .map(|s| routes::search(inputs.config(), s, lang))
        .unwrap_or_default();
    let title = inputs
        .string(lang, "search")
        .unwrap_or_else(|| "Search".into());
    let mut frame = generated_page(inputs, "search", lang, title, path, "search.html");
    if let Some(head) = &mut frame.head {
        head.noindex = true;
    }
    let manifest = inputs.search.get(lang).cloned().unwrap_or_default();
    frame
        .ctx
        .insert("search_index", &absolute(inputs.config().base(), &manifest));
    frame
}

/// One entry of the site-map page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteMapEntry {
    pub title: String,
    pub permalink: String,
    pub depth: usize,
    /// The first [`SITE_MAP_PAGES`] of its pages.
    pub pages: Vec<NavItem>,
    /// How many pages it has: more than `pages` holds when it has more
    /// than [`SITE_MAP_PAGES`] (its own listing shows them all).
    pub count: usize,
}

/// Pages listed per entry of the site-map page. A region's section of
/// 11,000 places made a site map of 4 MB per language, which no visitor
/// reads and no phone opens well; past this, the entry links its listing.
pub const SITE_MAP_PAGES: usize = 100;

impl SiteMapEntry {
    /// An entry of `pages` (their indices): only the listed ones are made
    /// into links (`nav_page`), a section of 11,000 places costs a hundred.
    fn new(
        title: String,
        permalink: String,
        depth: usize,
        pages: &[usize],
        nav_page: &dyn Fn(usize) -> NavItem,
    ) -> SiteMapEntry {
        SiteMapEntry {
            title,
            permalink,
            depth,
            pages: pages
                .iter()
                .take(SITE_MAP_PAGES)
                .map(|&p| nav_page(p))
                .collect(),
            count: pages.len(),
        }
    }
}

/// The site-map page of `lang`.
pub(crate) fn site_map<'a>(inputs: &RenderInputs<'a>, lang: &str) -> Frame<'a> {
    let path = inputs
        .strings_of(lang)
        .map(|s| routes::site_map(inputs.config(), s, lang))
        .unwrap_or_default();
    let title = inputs
        .string(lang, "site_map")
        .unwrap_or_else(|| "Site map".into());
    let mut frame = generated_page(inputs, "site_map", lang, title, path, "site_map.html");
    frame
        .ctx
        .insert("site_map", &site_map_entries(inputs, lang));
    frame
}

/// The sections of `lang`, home first and depth first, then the pillars
/// without a section, each with its pages.
pub(crate) fn site_map_entries(inputs: &RenderInputs<'_>, lang: &str) -> Vec<SiteMapEntry> {
    let (config, content, model) = (inputs.config(), inputs.content(), inputs.model());
    let base = config.base();
    let mut out = Vec::new();
    let nav_page = |i: usize| {
        let p = &content.pages[i];
        NavItem {
            key: p.slug.clone(),
            title: p.title().to_string(),
            permalink: absolute(base, &p.path),
            path: p.path.clone(),
            lang: Some(p.lang.clone()),
        }
    };
    fn walk(
        inputs: &RenderInputs<'_>,
        i: usize,
        depth: usize,
        out: &mut Vec<SiteMapEntry>,
        nav_page: &dyn Fn(usize) -> NavItem,
    ) {
        let s = &inputs.content().sections[i];
        if s.fm.render != Some(false) && s.fm.redirect_to.is_none() {
            // The site map names the home page by the site's name.
            let title = if s.is_home() {
                inputs.config().title_in(&s.lang).to_string()
            } else {
                inputs.views.section_title(SectionId(i))
            };
            let pages: Vec<usize> = s
                .pages
                .iter()
                .copied()
                .filter(|&p| inputs.content().pages[p].section == i)
                .collect();
            let permalink = absolute(inputs.config().base(), &s.path);
            out.push(SiteMapEntry::new(title, permalink, depth, &pages, nav_page));
        }
        for &c in &s.subsections {
            walk(inputs, c, depth + 1, out, nav_page);
        }
    }
    if let Some(home) = content.home(lang) {
        walk(inputs, home, 0, &mut out, &nav_page);
    }
    for l in model
        .listings
        .iter()
        .filter(|l| l.lang == lang && l.section.is_none() && l.kind == ListingKind::Pillar)
    {
        out.push(SiteMapEntry::new(
            l.title.clone(),
            absolute(base, &l.path),
            1,
            &l.pages,
            &nav_page,
        ));
    }
    out
}

/// A photo's own page: photo `index` of photo-page set `set`.
pub(crate) fn photo<'a>(
    inputs: &RenderInputs<'a>,
    set: usize,
    index: usize,
) -> Result<Frame<'a>, Diagnostic> {
    let (config, content, views) = (inputs.config(), inputs.content(), inputs.views);
    let base = config.base();
    let pages = &inputs.photo_pages[set];
    let p = &content.pages[pages.page];
    let photo = &pages.photos[index];
    let path = pages.path(content, index);
    let html = views.html.share(pages.page).ok_or_else(|| released(p))?;
    let html = html.text();
    let page_view = views.page_full(PageId(pages.page), &html);
    let title = photo_title(photo.caption.as_deref().unwrap_or(&photo.alt));
    let mut head = Head::new(title.clone());
    head.noindex = p.fm.draft;
    head.description = Some(match &photo.credit {
        Some(c) => format!("{} — {c}", photo.alt),
        None => photo.alt.clone(),
    });
    head.og_type = "article";
    head.image = Some(CoverView {
        url: photo.full.fallback.url.clone(),
        permalink: photo.full.fallback.url.clone(),
        alt: Some(photo.alt.clone()),
        width: Some(photo.full.width),
        height: Some(photo.full.height),
        mime: if photo.full.fallback.url.ends_with(".webp") {
            "image/webp"
        } else {
            "image/jpeg"
        },
        image: Some(photo.full.clone()),
        source: None,
    });
    head.card = Some(CardIntent {
        title: title.clone(),
        description: head.description.clone(),
        template: None,
        photo: Some((photo.source.clone(), photo.focus)),
        alt: Some(photo.alt.clone()),
        file: Some(p.file.rel.clone()),
    });
    head.share = ShareBar::Default;
    head.crumbs = page_view.ancestors.clone();
    head.crumbs.push(NavItem {
        key: p.slug.clone(),
        title: p.title().to_string(),
        permalink: page_view.permalink.clone(),
        path: p.path.clone(),
        lang: None,
    });
    let head_title = title.clone();
    head.here = Some(title);
    head.extra_ld.push(jsonld::image_object(
        &photo.full.fallback.url,
        &absolute(base, &path),
        &photo.alt,
        photo.caption.as_deref(),
        photo.credit.as_deref(),
        photo.license.as_deref(),
    ));
    let neighbour = |i: usize| {
        pages
            .photos
            .get(i)
            .map(|ph| serde_json::json!({"permalink": ph.permalink, "alt": ph.alt}))
    };
    let mut frame = Frame::new(&p.lang, "photo.html", path)
        .file(p.file.rel.clone())
        .head(head);
    let ctx = &mut frame.ctx;
    ctx.insert("photo", photo);
    ctx.insert("photo_title", &head_title);
    ctx.insert("photo_index", &(index + 1));
    ctx.insert("photo_count", &pages.photos.len());
    ctx.insert("previous", &index.checked_sub(1).and_then(neighbour));
    ctx.insert("next", &neighbour(index + 1));
    ctx.insert_value("page", inputs.summaries.get(pages.page));
    Ok(frame)
}

/// A photo page's title: its caption (or description) without the full
/// stop that ends it as a sentence; an ellipsis stays.
pub(crate) fn photo_title(text: &str) -> String {
    let t = text.trim();
    match t.strip_suffix('.') {
        Some(rest) if !rest.ends_with('.') && !rest.trim().is_empty() => {
            rest.trim_end().to_string()
        }
        _ => t.to_string(),
    }
}

/// A redirect page at `path` to `to`.
fn redirect<'a>(lang: &str, path: String, base: &str, to: &str) -> Frame<'a> {
    let mut frame = Frame::new(lang, "alias.html", path);
    frame.ctx.insert("url", &absolute(base, to));
    frame
}

/// An alias: a redirect from an old address.
pub(crate) fn alias<'a>(inputs: &RenderInputs<'a>, from: &str, to: &str) -> Frame<'a> {
    let config = inputs.config();
    redirect(
        &config.default_language,
        from.to_string(),
        config.base(),
        to,
    )
}

/// The page that asks a visitor for their Mastodon instance.
pub(crate) fn mastodon_share<'a>(inputs: &RenderInputs<'a>) -> Frame<'a> {
    let lang = &inputs.config().default_language;
    let title = inputs
        .string(lang, "share_mastodon")
        .unwrap_or_else(|| "Mastodon".into());
    let mut head = Head::new(title);
    head.noindex = true;
    Frame::new(lang, "share_mastodon.html", routes::MASTODON_SHARE.into()).head(head)
}

/// The 404 page.
pub(crate) fn not_found<'a>(inputs: &RenderInputs<'a>) -> Frame<'a> {
    let lang = &inputs.config().default_language;
    let title = inputs.string(lang, "page_not_found").unwrap_or_default();
    let mut head = Head::new(title);
    head.noindex = true;
    Frame::new(lang, "404.html", "/404.html".into()).head(head)
}

/// A template rendered to a file of the same name (the theme's brand.css).
pub(crate) fn asset<'a>(inputs: &RenderInputs<'a>, name: &str) -> Frame<'a> {
    Frame::new(&inputs.config().default_language, name, format!("/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_titles_lose_the_closing_full_stop_only() {
        assert_eq!(photo_title("Le lac au matin."), "Le lac au matin");
        assert_eq!(photo_title("  Le lac au matin .  "), "Le lac au matin");
        assert_eq!(photo_title("Et ensuite..."), "Et ensuite...");
        assert_eq!(photo_title("Quelle vue !"), "Quelle vue !");
        assert_eq!(photo_title("Le lac"), "Le lac");
        assert_eq!(photo_title("."), ".");
    }

    #[test]
    fn pagination_splits_pages_and_links_every_pager() {
        let all: Vec<usize> = (0..5).collect();
        let first = paginate(&all, 2, 0, "/news/", "page", "https://x.fr");
        assert_eq!(first.pages, vec![0, 1]);
        assert_eq!(first.path, "/news/");
        let v = first.paginator.unwrap();
        assert_eq!((v.current_index, v.number_pagers, v.total_pages), (1, 3, 5));
        assert_eq!(v.previous, None);
        assert_eq!(v.next.as_deref(), Some("https://x.fr/news/page/2/"));
        assert_eq!(v.last, "https://x.fr/news/page/3/");
        let last = paginate(&all, 2, 2, "/news/", "page", "https://x.fr");
        assert_eq!(last.pages, vec![4]);
        assert_eq!(last.path, "/news/page/3/");
        let v = last.paginator.unwrap();
        assert_eq!(v.previous.as_deref(), Some("https://x.fr/news/page/2/"));
        assert_eq!(v.next, None);
        let whole = paginate(&all, 0, 0, "/news/", "page", "https://x.fr");
        assert_eq!(whole.pages, all);
        assert!(whole.paginator.is_none());
        let empty = paginate(&[], 3, 0, "/news/", "p", "https://x.fr");
        assert!(empty.pages.is_empty());
        assert_eq!(empty.paginator.unwrap().number_pagers, 1);
    }
}

#[cfg(test)]
mod home_tests {
    use super::photos_without_orphans;

    #[test]
    fn the_photo_grid_never_leaves_a_photo_alone_on_its_row() {
        // Two or three columns: 6 is two full rows of three or three of
        // two, 4 two rows of two; 5 would leave one alone, so 4 are shown.
        let shown: Vec<usize> = (0..=9).map(photos_without_orphans).collect();
        assert_eq!(shown, [0, 1, 2, 3, 4, 4, 6, 6, 6, 6]);
    }
}
