//! Feeds and calendars: the Atom feed of each section (the home section's is
//! the site's), the `.ics` file of each event page and `/agenda.ics` of each
//! language. No template is involved: [`crate::seo`] writes the formats.

use crate::content::event::EventTimes;
use crate::content::{Content, PageId, Section, SectionId};
use crate::error::Diagnostic;
use crate::render::jobs::{JobOutput, RenderInputs, released};
use crate::render::routes;
use crate::seo::{feed, ics};
use crate::url::absolute;

/// Whether section `s` has a feed: it asks for one (the default; not a
/// redirect, and rendered). A feed with no dated page yet is still written,
/// empty. Links to feeds and the feed's job ask this, so none leads nowhere.
pub(crate) fn asks_for_feed(s: &Section) -> bool {
    s.fm.render != Some(false) && s.fm.generate_feeds != Some(false) && s.fm.redirect_to.is_none()
}

/// Whether the site's feed in `lang` (its home section's) is written.
pub(crate) fn has_home_feed(content: &Content, lang: &str) -> bool {
    content
        .sections
        .iter()
        .any(|s| s.is_home() && s.lang == lang && asks_for_feed(s))
}

/// The Atom feed of a section: its dated pages, newest first (none yet is
/// an empty feed: pages link to it).
pub(crate) fn feed(inputs: &RenderInputs<'_>, si: SectionId) -> Result<JobOutput, Diagnostic> {
    let (config, content) = (inputs.config(), inputs.content());
    let base = config.base();
    let tz = &config.timezone;
    let s = &content.sections[si.0];
    let mut pages: Vec<usize> = if s.is_home() {
        (0..content.pages.len())
            .filter(|&i| content.pages[i].lang == s.lang)
            .collect()
    } else {
        inputs.section_pages(si).to_vec()
    };
    pages.retain(|&i| content.pages[i].date.is_some());
    content.date_order(tz).sort(&mut pages);
    pages.truncate(feed::FEED_LIMIT);
    let html: Vec<crate::markdown::held::Html> = pages
        .iter()
        .map(|&i| {
            inputs
                .views
                .html
                .share(i)
                .ok_or_else(|| released(&content.pages[i]))
        })
        .collect::<Result<_, _>>()?;
    let html: Vec<std::borrow::Cow<'_, str>> = html.iter().map(|h| h.text()).collect();
    let entries: Vec<feed::FeedEntry<'_>> = pages
        .iter()
        .zip(&html)
        .map(|(&i, html)| {
            let p = &content.pages[i];
            let published = p
                .date
                .map_or(jiff::Timestamp::UNIX_EPOCH, |d| d.timestamp(tz));
            feed::FeedEntry {
                title: p.title(),
                url: absolute(base, &p.path),
                published,
                updated: p.fm.updated.map_or(published, |d| d.timestamp(tz)),
                summary: p.fm.description.as_deref(),
                content_html: html,
            }
        })
        .collect();
    let title = if s.is_home() {
        config.title_in(&s.lang).to_string()
    } else {
        format!("{} | {}", s.title(), config.title_in(&s.lang))
    };
    let path = routes::section_feed(&s.path);
    let info = feed::FeedInfo {
        title: &title,
        subtitle: s.fm.description.as_deref().unwrap_or(""),
        lang: &s.lang,
        self_url: absolute(base, &path),
        alternate_url: absolute(base, &s.path),
        author: config.brand_name(),
    };
    let xml = feed::atom(&info, &entries);
    Ok(JobOutput::files(vec![(
        path.trim_start_matches('/').to_string(),
        xml.into_bytes(),
    )]))
}

/// The `.ics` file of event page `i`.
pub(crate) fn page_calendar(inputs: &RenderInputs<'_>, i: PageId) -> JobOutput {
    let config = inputs.config();
    let p = &inputs.content().pages[i.0];
    let Some(t) = &inputs.events()[i.0] else {
        return JobOutput::default();
    };
    let cal = ics::calendar(
        p.title(),
        &config.timezone.name,
        &config.timezone,
        &[ics_event(inputs, i.0, t)],
    );
    let path = routes::page_calendar(&p.path, &p.slug);
    JobOutput::files(vec![(
        path.trim_start_matches('/').to_string(),
        cal.into_bytes(),
    )])
}

/// `/agenda.ics` of `lang`: its upcoming events, then its past ones.
pub(crate) fn agenda_calendar(inputs: &RenderInputs<'_>, lang: &str) -> JobOutput {
    let config = inputs.config();
    let events = inputs.events();
    let a = inputs.agendas.get(lang).cloned().unwrap_or_default();
    let list: Vec<ics::IcsEvent<'_>> = a
        .upcoming
        .iter()
        .chain(a.past.iter())
        .filter_map(|&i| events[i].as_ref().map(|t| ics_event(inputs, i, t)))
        .collect();
    let cal = ics::calendar(
        config.title_in(lang),
        &config.timezone.name,
        &config.timezone,
        &list,
    );
    let path = routes::agenda_calendar(config, lang);
    JobOutput::files(vec![(
        path.trim_start_matches('/').to_string(),
        cal.into_bytes(),
    )])
}

/// Page `i`'s event as a calendar entry; its UID is stable across builds.
fn ics_event<'a>(inputs: &RenderInputs<'a>, i: usize, t: &'a EventTimes) -> ics::IcsEvent<'a> {
    let config = inputs.config();
    let p = &inputs.content().pages[i];
    let base = config.base();
    let host = crate::url::authority(base);
    let tz = &config.timezone;
    let stamp =
        p.fm.updated
            .or(p.date)
            .map_or_else(|| t.start.timestamp(), |d| d.timestamp(tz));
    ics::IcsEvent {
        uid: format!("{}@{host}", p.path.trim_matches('/').replace('/', "-")),
        summary: p.title(),
        description: p.fm.description.as_deref(),
        location: p.fm.event.as_ref().and_then(|e| e.location.as_deref()),
        url: absolute(base, &p.path),
        times: t,
        stamp,
    }
}
