//! Objects of the feeds to pages: one per site language the object has
//! text in (the default language always), with a stable address from its
//! name, the practical keys of `[place]`, the dates of `[event]`, and the
//! feed's first publishable photo as cover.
//!
//! A page's text is the feed's, escaped so that nothing in it is read as
//! markdown or HTML: a feed's text is hostile text, like a community post.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;

use super::renames::Renames;
use super::{Object, Origin, Texts, media_name};
use crate::config::{Config, DataSource};
use crate::content::frontmatter::{
    CardFrontMatter, EventDate, EventFrontMatter, EventStatus, FmDate, PageFrontMatter,
};
use crate::content::practical::{Clock, Closure, Hours, PlaceFrontMatter, Price};
use crate::content::{Page, SourceFile};
use crate::error::Diagnostic;
use crate::slug::slugify;

/// The feeds' objects, with the feed each comes from.
pub struct Feed<'a> {
    pub source: &'a DataSource,
    pub objects: Arc<Vec<Object>>,
}

/// Pages of every object of every feed, and warnings (an image whose right
/// to publish ended, a link with an unsafe scheme).
pub fn pages(
    root: &Path,
    config: &Config,
    feeds: &[Feed<'_>],
    clock: &crate::clock::Clock,
    mut taken: HashSet<(String, String)>,
    renames: &Renames,
    out: &mut Vec<Page>,
) -> Vec<Diagnostic> {
    let content_dir = root.join("content");
    let languages = config.all_languages();
    let today = clock.today(&config.timezone.tz);
    let mut warnings = Vec::new();
    // Addresses: a slug from the name, unique in its folder (`taken` holds
    // the markdown pages' already); namesakes get their commune, then
    // their id.
    let mut order: Vec<(usize, usize)> = feeds
        .iter()
        .enumerate()
        .flat_map(|(f, feed)| (0..feed.objects.len()).map(move |o| (f, o)))
        .collect();
    order.sort_by(|a, b| {
        let (oa, ob) = (&feeds[a.0].objects[a.1], &feeds[b.0].objects[b.1]);
        (feeds[a.0].source.name.as_str(), oa.id.as_str())
            .cmp(&(feeds[b.0].source.name.as_str(), ob.id.as_str()))
    });
    // First, in order, what depends on the objects before: a repeated
    // object is left out, each one's address is kept from the others'.
    enum Step<'f> {
        Twice(Diagnostic),
        Make {
            source: &'f DataSource,
            object: &'f Object,
            section: String,
            slug: String,
        },
    }
    let mut seen_ids: HashMap<(String, String), String> = HashMap::new();
    let mut steps: Vec<Step<'_>> = Vec::with_capacity(order.len());
    for (f, o) in order {
        let source = feeds[f].source;
        let object = &feeds[f].objects[o];
        if let Some(first) = seen_ids.insert(
            (source.name.clone(), object.id.clone()),
            object.file.clone(),
        ) {
            steps.push(Step::Twice(
                Diagnostic::warning(
                    "data-duplicate",
                    format!(
                        "the object `{}` appears twice in the feed `{}` (also in {first}); the last one is kept out",
                        object.id, source.name
                    ),
                )
                .file(object.file.clone()),
            ));
            continue;
        }
        let section = source.section_of(object.category).to_string();
        let name = pick_in(
            &object.name,
            &config.default_language,
            &config.default_language,
        )
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| object.id.clone());
        let slug = unique_slug(&mut taken, &section, &name, object);
        steps.push(Step::Make {
            source,
            object,
            section,
            slug,
        });
    }
    // Then, on every thread (a region's 100,000 pages were made on one),
    // each object's cover and trail, then its pages, one per language it
    // has a text in, made straight into their places in the list.
    type Cover = (String, Option<String>, Option<String>);
    type Made = (
        Option<Cover>,
        Option<Arc<crate::content::trail::Trail>>,
        Vec<Diagnostic>,
    );
    let objects: Vec<Made> = steps
        .par_iter()
        .map(|step| {
            let Step::Make { source, object, .. } = step else {
                return (None, None, Vec::new());
            };
            let mut warnings = Vec::new();
            let cover = cover(root, config, source, object, today, &mut warnings);
            let trail = trail(root, source, object, &mut warnings);
            (cover, trail, warnings)
        })
        .collect();
    let slots: Vec<(usize, &str)> = steps
        .iter()
        .enumerate()
        .filter_map(|(n, step)| match step {
            Step::Make { object, .. } => Some((n, *object)),
            Step::Twice(_) => None,
        })
        .flat_map(|(n, object)| {
            languages
                .iter()
                .filter(move |lang| **lang == config.default_language || has_text_in(object, lang))
                .map(move |lang| (n, *lang))
        })
        .collect();
    // Written straight after the site's other pages (no copy of a
    // region's 100,000 pages); the rare warnings by the slot they are of.
    let first_page = out.len();
    let page_warnings = std::sync::Mutex::new(Vec::new());
    out.par_extend(slots.par_iter().enumerate().map(|(k, &(n, lang))| {
        let Step::Make {
            source,
            object,
            section,
            slug,
        } = &steps[n]
        else {
            unreachable!("slots are made of objects' steps")
        };
        let (cover, trail, _) = &objects[n];
        let mut warnings = Vec::new();
        let page = page(
            &content_dir,
            config,
            source,
            object,
            lang,
            section,
            slug,
            cover.as_ref(),
            trail.as_ref(),
            today,
            &mut warnings,
        );
        if !warnings.is_empty() {
            page_warnings
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((k, warnings));
        }
        page
    }));
    let mut page_warnings = page_warnings
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    page_warnings.sort_unstable_by_key(|(k, _)| *k);
    let mut page_warnings = page_warnings.into_iter().peekable();
    // Warnings in the objects' order; old addresses of renamed objects,
    // with the pages to redirect to.
    let mut moved: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    let mut counts = vec![0usize; steps.len()];
    for &(n, _) in &slots {
        counts[n] += 1;
    }
    let mut first = 0;
    for ((step, (_, _, own)), count) in steps.into_iter().zip(objects).zip(counts) {
        match step {
            Step::Twice(w) => warnings.push(w),
            Step::Make { source, object, .. } => {
                warnings.extend(own);
                while let Some((_, w)) = page_warnings.next_if(|(k, _)| *k < first + count) {
                    warnings.extend(w);
                }
                if let Some(old) = renames
                    .get(&source.name)
                    .and_then(|ids| ids.get(&object.id))
                {
                    moved.extend(old.iter().map(|a| (a.as_str(), first..first + count)));
                }
            }
        }
        first += count;
    }
    redirect_renamed(config, &mut out[first_page..], moved, &taken);
    warnings
}

/// Gives the pages of renamed objects an alias at each old address that
/// no page of the site has now (the first object to claim one keeps it).
fn redirect_renamed(
    config: &Config,
    out: &mut [Page],
    moved: Vec<(&str, std::ops::Range<usize>)>,
    taken: &HashSet<(String, String)>,
) {
    if moved.is_empty() {
        return;
    }
    // The addresses in use, in the form of the renames (`section/slug`).
    let mut used: HashSet<String> = taken
        .iter()
        .map(|(section, slug)| {
            section
                .split('/')
                .filter(|c| !c.is_empty())
                .map(slugify)
                .chain([slug.clone()])
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    for (address, pages) in moved {
        if !used.insert(address.to_string()) {
            continue;
        }
        for page in &mut out[pages] {
            let alias = format!("{}/{address}/", config.lang_prefix(&page.lang));
            std::sync::Arc::make_mut(&mut page.fm).aliases.push(alias);
        }
    }
}

/// Whether the object says something of its own in `lang` (a description,
/// or a name that differs from the default language's).
fn has_text_in(o: &Object, lang: &str) -> bool {
    o.short.contains_key(lang) || o.description.contains_key(lang)
}

/// The text in `lang`, else in the default language, else in any: with the
/// language it is in.
fn pick_in<'a>(texts: &'a Texts, lang: &str, default: &str) -> Option<(&'a str, &'a str)> {
    texts
        .get_key_value(lang)
        .or_else(|| texts.get_key_value(default))
        .or_else(|| texts.iter().next())
        .map(|(l, t)| (l.as_str(), t.as_str()))
        .filter(|(_, t)| !t.trim().is_empty())
}

/// The slug of an object's name, before namesakes are told apart: of its
/// id when the name has no letter or digit.
pub fn base_slug(name: &str, id: &str) -> String {
    let mut base = slugify(name);
    if base.is_empty() {
        base = slugify(id);
    }
    base.truncate(120);
    base.trim_end_matches('-').to_string()
}

fn unique_slug(
    taken: &mut HashSet<(String, String)>,
    section: &str,
    name: &str,
    o: &Object,
) -> String {
    let base = base_slug(name, &o.id);
    let mut candidates = vec![base.clone()];
    if let Some(c) = &o.commune {
        candidates.push(format!("{base}-{}", slugify(c)));
    }
    candidates.push(format!("{base}-{}", slugify(&o.id)));
    for c in &candidates {
        if taken.insert((section.to_string(), c.clone())) {
            return c.clone();
        }
    }
    // Two objects of one feed with one id are left out before; the id's
    // slug can still meet a markdown page's: count up.
    let mut n = 2;
    loop {
        let c = format!("{}-{n}", candidates.last().map_or(&base, |c| c));
        if taken.insert((section.to_string(), c.clone())) {
            return c;
        }
        n += 1;
    }
}

/// Text from a feed made safe: invisible characters removed, spaces
/// trimmed.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| !crate::content::frontmatter::is_forbidden(c))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Plain text as markdown that reads as that text: every ASCII punctuation
/// escaped, each line its own paragraph.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for c in clean(line).chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
        out.push_str("\n\n");
    }
    out
}

/// The first photo that may be published today and was downloaded, as a
/// path from the page's folder; warnings for photos whose right ended.
fn cover(
    root: &Path,
    config: &Config,
    source: &DataSource,
    o: &Object,
    today: jiff::civil::Date,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(String, Option<String>, Option<String>)> {
    let section = source.section_of(o.category);
    let depth = 1 + section.split('/').filter(|c| !c.is_empty()).count();
    let up = "../".repeat(depth);
    let media = source.media.to_string_lossy().replace('\\', "/");
    let expired: Vec<&super::Image> = o
        .images
        .iter()
        .filter(|img| img.until.is_some_and(|until| until < today))
        .collect();
    if let Some(last) = expired.iter().filter_map(|i| i.until).max() {
        let n = expired.len();
        let photos = if n == 1 {
            "a photo".to_string()
        } else {
            format!("{n} photos")
        };
        warnings.push(
            Diagnostic::warning(
                "rights-expired",
                format!(
                    "{photos} of `{}` may no longer be published (rights ended {last} at the latest): left out",
                    o.id
                ),
            )
            .file(o.file.clone())
            .help("ask the feed's producer for current photos, or for their rights"),
        );
    }
    for img in &o.images {
        if img.until.is_some_and(|until| until < today) {
            continue;
        }
        let name = media_name(&img.url);
        if !root.join(&source.media).join(&name).is_file() {
            continue;
        }
        // The photo's title describes it. Without one the photo is shown
        // beside the object's name (an `alt` repeating it would be read
        // twice); the social card, an image alone, says the name.
        let alt = pick_in(
            &img.title,
            &config.default_language,
            &config.default_language,
        )
        .map(|(_, t)| clean(t));
        return Some((format!("{up}{media}/{name}"), alt, img.credit.clone()));
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn page(
    content_dir: &Path,
    config: &Config,
    source: &DataSource,
    o: &Object,
    lang: &str,
    section: &str,
    slug: &str,
    cover: Option<&(String, Option<String>, Option<String>)>,
    trail: Option<&Arc<crate::content::trail::Trail>>,
    today: jiff::civil::Date,
    warnings: &mut Vec<Diagnostic>,
) -> Page {
    let default = config.default_language.as_str();
    let named = pick_in(&o.name, lang, default);
    let name = named.map_or_else(|| o.id.clone(), |(_, t)| clean(t));
    let short = pick_in(&o.short, lang, default);
    let long = pick_in(&o.description, lang, default);
    // The language of each text that is not the page's, for its `lang`.
    let other = |picked: Option<(&str, &str)>| {
        picked
            .map(|(l, _)| l)
            .filter(|l| *l != lang)
            .map(str::to_string)
    };
    let text_lang = other(long.or(short));
    let name_lang = other(named);
    let description_lang = other(short.or(long));
    let description = short.or(long).map(|(_, t)| first_sentences(&clean(t), 160));
    let body = match (long, short) {
        (Some((_, t)), _) | (None, Some((_, t))) => markdown_text(t),
        _ => String::new(),
    };
    let label = |texts: &Texts| pick_in(texts, lang, default).map(|(_, t)| clean(t));
    let safe_url = |u: &Option<String>, what: &str, warnings: &mut Vec<Diagnostic>| {
        let u = u.as_deref()?.trim();
        if crate::url::unsafe_scheme(u).is_some()
            || !(u.starts_with("https://")
                || u.starts_with("http://")
                || u.starts_with("mailto:")
                || u.starts_with("tel:"))
        {
            warnings.push(
                Diagnostic::warning(
                    "data-link",
                    format!("the {what} of `{}` is not a web address: left out", o.id),
                )
                .file(o.file.clone()),
            );
            return None;
        }
        Some(u.to_string())
    };
    let date = |d: jiff::civil::Date| FmDate {
        datetime: d.to_datetime(jiff::civil::Time::midnight()),
        date_only: true,
        offset: None,
    };
    let clock = |t: Option<jiff::civil::Time>| t.map(Clock);
    let mut address = o.street.iter().map(|s| clean(s)).collect::<Vec<_>>();
    let locality = [o.postal_code.as_deref(), o.commune.as_deref()]
        .into_iter()
        .flatten()
        .map(clean)
        .collect::<Vec<_>>()
        .join(" ");
    if !locality.is_empty() {
        address.push(locality);
    }
    let place = PlaceFrontMatter {
        name: Some(name.clone()),
        address: (!address.is_empty()).then(|| address.join(", ")),
        lat: o.lat.filter(|v| v.is_finite() && v.abs() <= 90.0),
        lon: o.lon.filter(|v| v.is_finite() && v.abs() <= 180.0),
        category: Some(o.category),
        kind: label(&o.type_label),
        commune: o.commune.as_deref().map(clean),
        postal_code: o.postal_code.as_deref().map(clean),
        phone: o.phones.iter().map(|s| clean(s)).collect(),
        email: o.emails.iter().map(|s| clean(s)).collect(),
        web: safe_url(&o.web, "web site", warnings),
        booking: safe_url(&o.booking, "booking address", warnings),
        hours: o
            .hours
            .iter()
            .map(|h| {
                let (from, to) = if h.yearly {
                    this_season(h.from, h.to, today)
                } else {
                    (h.from, h.to)
                };
                (h, from, to)
            })
            .map(|(h, from, to)| Hours {
                from: from.map(date),
                to: to.map(date),
                days: h.days.clone(),
                opens: clock(h.opens),
                closes: clock(h.closes),
                note: label(&h.note),
            })
            .collect(),
        closed: o
            .closures
            .iter()
            .map(|c| Closure {
                from: date(c.from),
                to: c.to.map(date),
                note: label(&c.note),
            })
            .collect(),
        free: o.free,
        prices: o
            .prices
            .iter()
            .map(|p| Price {
                label: label(&p.label),
                min: p.min,
                max: p.max,
                currency: p.currency.clone(),
                note: label(&p.note),
            })
            .collect(),
        payment: o.payment.iter().filter_map(label).collect(),
        languages: o.languages.clone(),
        pets: o.pets,
        accessibility: o.accessibility.clone(),
        reduced_mobility: o.reduced_mobility,
        labels: o.labels.iter().filter_map(label).collect(),
        stars: o.stars,
        capacity: o.capacity,
        amenities: o.amenities.iter().filter_map(label).collect(),
    };
    let event = event(config, o);
    let mut taxonomies: IndexMap<String, Vec<String>> = IndexMap::new();
    if let Some(c) = &place.commune {
        taxonomies.insert("communes".into(), vec![c.clone()]);
    }
    let mut labels: Vec<String> = place.labels.clone();
    if !o.accessibility.is_empty() {
        labels.push("Tourisme & Handicap".into());
    }
    if !labels.is_empty() {
        taxonomies.insert("labels".into(), labels);
    }
    let fm = PageFrontMatter {
        title: Some(name.clone()),
        description,
        date: o.updated.map(date),
        updated: o.updated.map(date),
        pillar: source.pillar.clone(),
        audiences: source.audiences.clone(),
        tags: source.tags.clone(),
        cover: cover.map(|c| c.0.clone()),
        cover_alt: cover.and_then(|c| c.1.clone()),
        card: cover.filter(|c| c.1.is_none()).map(|_| {
            Box::new(CardFrontMatter {
                alt: Some(name.clone()),
                ..CardFrontMatter::default()
            })
        }),
        place: Some(Box::new(place)),
        event: event.map(Box::new),
        taxonomies,
        ..PageFrontMatter::default()
    };
    let content_rel = if section.is_empty() {
        format!("{slug}.md")
    } else {
        format!("{section}/{slug}.md")
    };
    let dir = if section.is_empty() {
        content_dir.to_path_buf()
    } else {
        content_dir.join(section)
    };
    let print = blake3::Hasher::new()
        .update(o.file.as_bytes())
        .update(o.id.as_bytes())
        .update(lang.as_bytes())
        .finalize();
    Page {
        file: SourceFile {
            rel: o.file.clone(),
            content_rel,
            front_matter: *print.as_bytes(),
            body: None,
        },
        lang: lang.to_string(),
        date: fm.date,
        pillar: fm.pillar.clone(),
        fm: fm.into(),
        body: body.into(),
        body_line: 1,
        slug: slug.to_string(),
        path: String::new(),
        dir,
        bundle: false,
        assets: Vec::new(),
        section: 0,
        translation_key: format!("data:{}:{}", source.name, o.id),
        origin: Some(Arc::new(Origin {
            format: source.format,
            id: o.id.clone(),
            file: o.file.clone(),
            category: o.category,
            commune: o.commune.clone(),
            machine_translated: o.machine_translated.get(lang).cloned(),
            text_lang,
            name_lang,
            description_lang,
            producer: o.producer.clone(),
            credit: cover.and_then(|c| c.2.clone()),
        })),
        trail: trail.cloned(),
    }
}

/// The trail of a tour: along the track the feed carries
/// (`schema_randonnee`), or the one `blason sync` downloaded beside the
/// feed from the tour's `track_url` (DATAtourisme, Apidae); without
/// either, the figures the tour declares. A downloaded track that cannot
/// be read is a warning: the page shows the declared figures.
fn trail(
    root: &Path,
    source: &DataSource,
    o: &Object,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Arc<crate::content::trail::Trail>> {
    use crate::content::trail::Trail;
    let tour = o.tour.as_ref()?;
    if let Some(track) = &tour.track {
        return Some(Arc::new(Trail::of_tour(
            tour,
            Arc::new(track.clone()),
            o.file.clone(),
        )));
    }
    // A tour by road, river or sea, or whose feed does not say how it is
    // travelled, is no trail to walk or ride.
    tour.activity?;
    let declared = || Trail::declared(tour, o.lat, o.lon, o.file.clone()).map(Arc::new);
    let Some(url) = tour.track_url.as_deref() else {
        return declared();
    };
    let name = media_name(url);
    let path = root.join(&source.media).join(&name);
    let Some(format) = name
        .rsplit_once('.')
        .and_then(|(_, ext)| crate::geo::Format::of_extension(ext))
    else {
        return declared();
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return declared();
    };
    let rel = crate::error::display_path(&path, root);
    match crate::geo::read(&bytes, format, &rel) {
        Ok(track) => Some(Arc::new(Trail::of_tour(tour, Arc::new(track), rel))),
        Err(d) => {
            warnings.push(
                Diagnostic::warning(
                    "data-track",
                    format!(
                        "the track of `{}` cannot be read ({}): the page shows the tour without it",
                        o.id, d.message
                    ),
                )
                .file(rel)
                .help("run `blason sync` again, or ask the feed's producer for a GPX that opens"),
            );
            declared()
        }
    }
}

/// A period that comes back every year (Apidae's `tousLesAns`), moved to
/// its dates of this year, or of next year once this year's are over.
fn this_season(
    from: Option<jiff::civil::Date>,
    to: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> (Option<jiff::civil::Date>, Option<jiff::civil::Date>) {
    let (Some(f), Some(t)) = (from, to) else {
        return (from, to);
    };
    // The same day and month in another year (29 February: the 28th).
    let in_year = |d: jiff::civil::Date, year: i16| {
        jiff::civil::Date::new(year, d.month(), 1)
            .ok()
            .and_then(|first| {
                jiff::civil::Date::new(year, d.month(), d.day().min(first.days_in_month())).ok()
            })
    };
    let span = t.year() - f.year();
    let season = |year: i16| Some((in_year(f, year)?, in_year(t, year + span)?));
    match season(today.year()) {
        Some((_, end)) if end < today => match season(today.year() + 1) {
            Some((a, b)) => (Some(a), Some(b)),
            None => (from, to),
        },
        Some((a, b)) => (Some(a), Some(b)),
        None => (from, to),
    }
}

/// The text cut after whole sentences, at most about `max` characters.
fn first_sentences(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max).collect();
    match cut.rfind(['.', '!', '?']) {
        Some(i) if i > max / 3 => cut[..=i].to_string(),
        _ => {
            let at = cut.rfind(' ').unwrap_or(cut.len());
            format!("{}…", cut[..at].trim_end_matches([',', ';', ':']))
        }
    }
}

/// The dates of an event object: the first occurrence as `start`/`end`,
/// the others as `[[event.dates]]`.
fn event(config: &Config, o: &Object) -> Option<EventFrontMatter> {
    if o.dates.is_empty() {
        return None;
    }
    let tz = &config.timezone.tz;
    let mut dates: Vec<(FmDate, Option<FmDate>)> = o
        .dates
        .iter()
        .map(|d| {
            if let Some(at) = d.start_at {
                let z = at.to_zoned(tz.clone());
                let start = FmDate {
                    datetime: z.datetime(),
                    date_only: false,
                    offset: Some(z.offset()),
                };
                let end = d.end_at.map(|e| {
                    let z = e.to_zoned(tz.clone());
                    FmDate {
                        datetime: z.datetime(),
                        date_only: false,
                        offset: Some(z.offset()),
                    }
                });
                return (start, end);
            }
            match d.start_time {
                Some(t) => {
                    let start = FmDate {
                        datetime: d.start.to_datetime(t),
                        date_only: false,
                        offset: None,
                    };
                    let end_day = d.end.unwrap_or(d.start);
                    let end = d.end_time.map(|et| {
                        // An end time before the start on one day runs past midnight.
                        let day = if end_day == d.start && et < t {
                            end_day.tomorrow().unwrap_or(end_day)
                        } else {
                            end_day
                        };
                        FmDate {
                            datetime: day.to_datetime(et),
                            date_only: false,
                            offset: None,
                        }
                    });
                    (start, end)
                }
                None => (
                    FmDate {
                        datetime: d.start.to_datetime(jiff::civil::Time::midnight()),
                        date_only: true,
                        offset: None,
                    },
                    d.end.filter(|e| *e >= d.start).map(|e| FmDate {
                        datetime: e.to_datetime(jiff::civil::Time::midnight()),
                        date_only: true,
                        offset: None,
                    }),
                ),
            }
        })
        .collect();
    // A feed may give times for some dates and not for others; an event is
    // all-day or timed throughout, so mixed dates are read as days.
    if dates.iter().any(|(s, _)| s.date_only) {
        let day = |d: &FmDate| FmDate {
            datetime: d.date().to_datetime(jiff::civil::Time::midnight()),
            date_only: true,
            offset: None,
        };
        for (s, e) in dates.iter_mut() {
            *e = e.map(|e| day(&e)).filter(|e| e.date() > s.date());
            *s = day(s);
        }
    }
    // Each date's instant once: a season open every day has hundreds.
    dates.sort_by_cached_key(|(s, _)| s.timestamp(tz));
    dates.dedup();
    let (start, end) = dates[0];
    let rest = dates[1..]
        .iter()
        .map(|&(start, end)| EventDate { start, end })
        .collect();
    let location = [o.street.join(", "), o.commune.clone().unwrap_or_default()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Some(EventFrontMatter {
        start,
        end,
        location: (!location.is_empty()).then(|| clean(&location)),
        booking_url: o
            .booking
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        status: match o.status {
            EventStatus::Cancelled => EventStatus::Cancelled,
            EventStatus::Postponed => EventStatus::Postponed,
            EventStatus::Scheduled => EventStatus::Scheduled,
        },
        rrule: None,
        dates: rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::data::Occurrence;

    #[test]
    fn feed_text_is_plain_text_in_markdown() {
        let md =
            markdown_text("<script>alert(1)</script> *gras* [lien](javascript:x)\n\n  # titre\n");
        let html = crate::markdown::render_inline(
            &md,
            crate::config::Typography::PLAIN,
            crate::config::RawHtml::default(),
            "example.org",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(
            !html.contains("<em>") && !html.contains("<a ") && !html.contains("<h1"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("# titre"), "{html}");
    }

    #[test]
    fn pages_come_in_the_objects_order_with_each_ones_warnings_and_old_addresses() {
        let config = Config::parse(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[languages.en]\ntitle = \"T\"\n[[data]]\nname = \"sit\"\nformat = \"datatourisme\"\npath = \"data/sit\"\nsection = \"Où aller\"\n",
        )
        .unwrap();
        let object = |id: &str, name: &str, file: &str| {
            let mut o = Object {
                id: id.into(),
                file: file.into(),
                ..Object::default()
            };
            o.name.insert("fr".into(), name.into());
            o
        };
        // Many objects, so that the pages are made on several threads: a
        // third with an English text (two pages each), one in fifty with
        // a web address that is not one (a warning per page), and one
        // object twice, between the others.
        let mut objects: Vec<Object> = (0..300)
            .rev()
            .map(|n| {
                let mut o = object(
                    &format!("{n:03}"),
                    &format!("Lieu {}", n % 7),
                    "data/sit/a.json",
                );
                if n % 3 == 0 {
                    o.short.insert("en".into(), format!("Place {n}"));
                }
                if n % 50 == 0 {
                    o.web = Some("javascript:alert(1)".into());
                }
                o
            })
            .collect();
        objects.insert(120, object("042", "Doublon", "data/sit/b.json"));
        let feeds = [Feed {
            source: &config.data[0],
            objects: Arc::new(objects),
        }];
        // Renamed: one object before the repeated one, one after it with
        // pages in both languages.
        let mut renames = Renames::new();
        let ids = renames.entry("sit".into()).or_default();
        ids.insert("007".into(), vec!["ou-aller/ancien-nom".into()]);
        ids.insert("150".into(), vec!["ou-aller/vieux-nom".into()]);
        let root = tempfile::tempdir().unwrap();
        // Twice into the same list: the second time after 399 pages.
        let make = |out: &mut Vec<Page>| {
            pages(
                root.path(),
                &config,
                &feeds,
                &crate::clock::Clock::new(jiff::Timestamp::UNIX_EPOCH),
                HashSet::new(),
                &renames,
                out,
            )
        };
        let mut out = Vec::new();
        let warnings = make(&mut out);
        let first = out.len();
        // 300 in French, 99 in English: the first 042, kept, has no
        // English text (the second, left out, had).
        assert_eq!(first, 399);
        let again = make(&mut out);
        for batch in [&out[..first], &out[first..]] {
            let ids: Vec<(&str, &str)> = batch
                .iter()
                .map(|p| (p.origin.as_ref().unwrap().id.as_str(), p.lang.as_str()))
                .collect();
            let expected: Vec<(String, &str)> = (0..300)
                .flat_map(|n| {
                    let id = format!("{n:03}");
                    let mut v = vec![(id.clone(), "fr")];
                    if n % 3 == 0 && n != 42 {
                        v.push((id, "en"));
                    }
                    v
                })
                .collect();
            let expected: Vec<(&str, &str)> =
                expected.iter().map(|(i, l)| (i.as_str(), *l)).collect();
            assert_eq!(ids, expected);
            // Namesakes take their id in the order of the ids.
            assert_eq!(batch[0].slug, "lieu-0");
            let with_alias: Vec<(&str, &str, &[String])> = batch
                .iter()
                .filter(|p| !p.fm.aliases.is_empty())
                .map(|p| {
                    (
                        p.origin.as_ref().unwrap().id.as_str(),
                        p.lang.as_str(),
                        p.fm.aliases.as_slice(),
                    )
                })
                .collect();
            assert_eq!(
                with_alias,
                [
                    ("007", "fr", &["/ou-aller/ancien-nom/".to_string()][..]),
                    ("150", "fr", &["/ou-aller/vieux-nom/".to_string()][..]),
                    ("150", "en", &["/en/ou-aller/vieux-nom/".to_string()][..]),
                ]
            );
        }
        // Each object's warnings in the objects' order, the repeated one's
        // where it is, both times.
        let seen = |w: &[Diagnostic]| -> Vec<(&'static str, String)> {
            w.iter()
                .filter(|d| d.code == "data-link" || d.code == "data-duplicate")
                .map(|d| {
                    let id = d.message.split('`').nth(1).unwrap_or_default().to_string();
                    (d.code, id)
                })
                .collect()
        };
        let expected: Vec<(&'static str, String)> = [
            ("data-link", "000"),
            ("data-link", "000"),
            ("data-duplicate", "042"),
            ("data-link", "050"),
            ("data-link", "100"),
            ("data-link", "150"),
            ("data-link", "150"),
            ("data-link", "200"),
            ("data-link", "250"),
        ]
        .into_iter()
        .map(|(c, i)| (c, i.to_string()))
        .collect();
        assert_eq!(seen(&warnings), expected);
        assert_eq!(seen(&again), expected);
    }

    #[test]
    fn namesakes_get_their_commune_then_their_id() {
        let mut taken = HashSet::new();
        let mut o = Object {
            id: "A1".into(),
            commune: Some("Orbière".into()),
            ..Object::default()
        };
        assert_eq!(
            unique_slug(&mut taken, "lieux", "Le Moulin", &o),
            "le-moulin"
        );
        assert_eq!(
            unique_slug(&mut taken, "lieux", "Le Moulin", &o),
            "le-moulin-orbiere"
        );
        o.id = "B2".into();
        assert_eq!(
            unique_slug(&mut taken, "lieux", "Le Moulin", &o),
            "le-moulin-b2"
        );
        assert_eq!(
            unique_slug(&mut taken, "autres", "Le Moulin", &o),
            "le-moulin"
        );
    }

    #[test]
    fn descriptions_are_cut_after_a_sentence() {
        let long = "Une première phrase assez longue pour compter. ".repeat(6);
        let d = first_sentences(&long, 160);
        assert!(d.ends_with('.') && d.chars().count() <= 160, "{d}");
        let words = "mot ".repeat(80);
        let d = first_sentences(&words, 160);
        assert!(d.ends_with('…') && d.chars().count() <= 161, "{d}");
    }

    #[test]
    fn every_occurrence_is_kept_in_order() {
        let config =
            crate::config::Config::parse("base_url = \"https://example.org\"\ntitle = \"T\"\n")
                .unwrap();
        let day = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let t = |s: &str| s.parse::<jiff::civil::Time>().unwrap();
        let o = Object {
            dates: vec![
                Occurrence {
                    start: day("2027-07-20"),
                    end: None,
                    start_time: Some(t("21:00")),
                    end_time: Some(t("01:00")),
                    start_at: None,
                    end_at: None,
                },
                Occurrence {
                    start: day("2027-07-13"),
                    end: None,
                    start_time: Some(t("21:00")),
                    end_time: Some(t("23:00")),
                    start_at: None,
                    end_at: None,
                },
            ],
            ..Object::default()
        };
        let ev = event(&config, &o).unwrap();
        assert_eq!(ev.start.iso(), "2027-07-13T21:00:00");
        assert_eq!(ev.dates.len(), 1);
        // Past midnight: the end is on the next day.
        assert_eq!(ev.dates[0].end.unwrap().iso(), "2027-07-21T01:00:00");
    }

    #[test]
    fn a_yearly_period_is_this_years_or_next_years() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let (f, t) = this_season(
            Some(d("2019-04-01")),
            Some(d("2019-09-30")),
            d("2026-07-01"),
        );
        assert_eq!((f.unwrap(), t.unwrap()), (d("2026-04-01"), d("2026-09-30")));
        let (f, t) = this_season(
            Some(d("2019-04-01")),
            Some(d("2019-09-30")),
            d("2026-11-01"),
        );
        assert_eq!((f.unwrap(), t.unwrap()), (d("2027-04-01"), d("2027-09-30")));
        // Across the new year.
        let (f, t) = this_season(
            Some(d("2019-12-15")),
            Some(d("2020-01-15")),
            d("2026-07-01"),
        );
        assert_eq!((f.unwrap(), t.unwrap()), (d("2026-12-15"), d("2027-01-15")));
    }
}
