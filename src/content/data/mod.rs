//! Tourism data: the objects of a tourist information system's feed
//! (DATAtourisme, Apidae, OpenAgenda, Tourinsoft), read into pages.
//!
//! Each format has a reader (`datatourisme`, `apidae`, `openagenda`,
//! `tourinsoft`) that turns the feed's files into [`Object`]s, a model that
//! knows no format: names and texts per language, practical information,
//! images with their credits, dates of events. `pages` turns objects into
//! the same [`Page`](super::Page)s as markdown, one per language the object
//! has text for, so every later stage works unchanged.
//!
//! Nothing here touches the network: `blason sync` downloads feeds and
//! images into the site, and the build reads only the disk.

pub mod apidae;
pub mod cache;
pub mod datatourisme;
pub mod fields;
pub mod json;
pub mod openagenda;
pub mod pages;
pub mod randonnee;
pub mod renames;
pub mod source;
pub mod tourinsoft;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::frontmatter::EventStatus;
use super::practical::{Category, Day, Disability};

/// Text in several languages: language code (`fr`, `en`) to text.
pub type Texts = BTreeMap<String, String>;

pub use crate::config::DataFormat as Format;

/// The file name `blason sync` gives a feed's image or track, and the
/// build looks for: a hash of its address (so two feeds sharing a photo
/// share the file) and the address's extension (`jpg` when it has none
/// of a photo's or a track's).
pub fn media_name(url: &str) -> String {
    let hash = blake3::hash(url.as_bytes()).to_hex();
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| {
            matches!(
                e.as_str(),
                "jpg" | "jpeg" | "png" | "webp" | "gpx" | "kml" | "geojson"
            )
        })
        .unwrap_or_else(|| "jpg".to_string());
    format!("{}.{ext}", &hash[..20])
}

/// One object of a feed (a place, an event, a tour), whatever its format.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// The feed's own id (`15-b968435b-…` for DATAtourisme, `898922` for
    /// Apidae, the `uid` for OpenAgenda): stable across exports.
    pub id: String,
    /// The file it was read from, relative to the site (for messages), and
    /// the JSON path of the object in it (`$` or `$.events[3]`).
    pub file: String,
    pub pointer: String,
    pub category: Category,
    /// The feed's type names, most specific first (`Restaurant`,
    /// `FoodEstablishment`): shown in `check`'s unknown-type warning.
    pub types: Vec<String>,
    /// The type as a visitor reads it ("Chambre d'hôtes", "Bed and breakfast").
    pub type_label: Texts,
    pub name: Texts,
    /// A short description (a sentence or two), for cards and `description`.
    pub short: Texts,
    /// The long description (plain text; paragraphs separated by blank lines).
    pub description: Texts,
    /// Languages whose texts a machine translated, with the service's name
    /// or address (DATAtourisme's `hasTranslatedProperty`).
    pub machine_translated: BTreeMap<String, String>,
    /// Street lines ("12 rue du Lac").
    pub street: Vec<String>,
    pub postal_code: Option<String>,
    pub commune: Option<String>,
    /// The commune's INSEE code, when the feed gives it.
    pub insee: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub web: Option<String>,
    pub booking: Option<String>,
    pub hours: Vec<Opening>,
    /// The opening hours in the feed's own words, when it writes them as
    /// text beside (or instead of) the periods above (Apidae's
    /// `periodeEnClair`: "on request", "weather permitting").
    pub hours_note: Texts,
    pub closures: Vec<Closed>,
    pub free: Option<bool>,
    pub prices: Vec<Cost>,
    /// The prices in the feed's own words, when it writes them as text
    /// beside (or instead of) the prices above (Apidae's `tarifsEnClair`,
    /// OpenAgenda's `conditions`: "Free, booking required").
    pub prices_note: Texts,
    pub payment: Vec<Texts>,
    /// Languages spoken, as codes.
    pub languages: Vec<String>,
    pub pets: Option<bool>,
    pub accessibility: Vec<Disability>,
    pub reduced_mobility: Option<bool>,
    /// Labels other than stars and Tourisme & Handicap (Qualité Tourisme,
    /// Gîtes de France with its rank, Accueil Vélo…).
    pub labels: Vec<Texts>,
    pub stars: Option<u8>,
    pub capacity: Option<u32>,
    pub amenities: Vec<Texts>,
    /// Photos, the main one first.
    pub images: Vec<Image>,
    /// Dates of an event (every occurrence), empty for places.
    pub dates: Vec<Occurrence>,
    pub status: EventStatus,
    pub tour: Option<Tour>,
    /// The last update the feed states.
    pub updated: Option<jiff::civil::Date>,
    /// Who made the record (for the licence's attribution).
    pub producer: Option<String>,
    /// Where an event takes place, by the place's name ("Salle des fêtes",
    /// "Musée de la Vigne"): OpenAgenda's `location.name`, Apidae's
    /// `nomLieu`.
    pub venue: Option<String>,
    /// How to get there (bus lines, parking), in the feed's words.
    pub directions: Texts,
    /// Whether an event is attended in person, online or both.
    pub attendance: Attendance,
    /// Where to attend an event online (OpenAgenda's `onlineAccessLink`).
    pub online_url: Option<String>,
    /// An event that takes place but takes no one more: fully booked.
    pub full: bool,
}

/// How an event is attended (schema.org `eventAttendanceMode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attendance {
    #[default]
    InPerson,
    Online,
    /// In person and online.
    Mixed,
}

/// An opening period: between two dates (or all year), on some days (or
/// every day), from–to (or hours not given). Several `Opening`s with the
/// same dates are one period with several time spans.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Opening {
    pub from: Option<jiff::civil::Date>,
    pub to: Option<jiff::civil::Date>,
    pub days: Vec<Day>,
    pub opens: Option<jiff::civil::Time>,
    pub closes: Option<jiff::civil::Time>,
    pub note: Texts,
    /// The same dates every year (Apidae's `tousLesAns`): the year of
    /// `from` and `to` is the one they were entered for, not a limit.
    pub yearly: bool,
}

/// An exceptional closure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closed {
    pub from: jiff::civil::Date,
    pub to: Option<jiff::civil::Date>,
    pub note: Texts,
}

/// A price or a price range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// What it is for ("Adulte", "Nuitée").
    pub label: Texts,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// ISO 4217; `EUR` when the feed says nothing.
    pub currency: Option<String>,
    pub note: Texts,
}

/// A photo of the feed: where it is published, who owns it, until when it
/// may be shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub credit: Option<String>,
    /// Title or caption per language.
    pub title: Texts,
    /// The end of the right to publish it (Apidae `dateLimiteDePublication`,
    /// DATAtourisme `rightsEndDate`).
    pub until: Option<jiff::civil::Date>,
}

/// One occurrence of an event: a day or days, with or without times (in
/// the site's time zone unless the feed gives an offset).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Occurrence {
    pub start: jiff::civil::Date,
    pub end: Option<jiff::civil::Date>,
    pub start_time: Option<jiff::civil::Time>,
    pub end_time: Option<jiff::civil::Time>,
    /// An instant with its offset, when the feed gives one (OpenAgenda's
    /// timings): wins over the civil fields above.
    pub start_at: Option<jiff::Timestamp>,
    pub end_at: Option<jiff::Timestamp>,
}

/// What a tour (a walk, a ride) says of itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tour {
    pub distance_m: Option<f64>,
    pub ascent_m: Option<f64>,
    pub duration_min: Option<u32>,
    /// A loop (`Some(true)`) or one way.
    pub is_loop: Option<bool>,
    /// Where its track (GPX, KML) is published.
    pub track_url: Option<String>,
    pub descent_m: Option<f64>,
    pub highest_m: Option<f64>,
    pub lowest_m: Option<f64>,
    /// Walked back the way it came (`aller-retour`).
    pub out_and_back: bool,
    pub activity: Option<crate::geo::Activity>,
    pub difficulty: Option<super::trail::Difficulty>,
    /// Where it starts, in words.
    pub start: Option<String>,
    pub parking: Option<String>,
    /// Public transport to the start.
    pub transport: Option<String>,
    /// Roads to the start.
    pub road_access: Option<String>,
    /// Who can take it (wheelchairs, pushchairs…), in words.
    pub accessibility: Option<String>,
    /// The signs to follow ("Balisage peinture jaune").
    pub waymarking: Option<String>,
    /// Advice: difficult passages, safety, equipment.
    pub advice: Option<String>,
    /// The track itself, when the feed carries it (`schema_randonnee`'s
    /// geometry).
    pub track: Option<crate::geo::Track>,
}

/// Where a page made from a feed comes from, and what of its text is not
/// the source's own words in the page's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub format: Format,
    /// The object's id in its feed.
    pub id: String,
    /// The feed's file, relative to the site.
    pub file: String,
    pub category: Category,
    /// The object's commune, for listings by commune.
    pub commune: Option<String>,
    /// The service that translated the page's text, when a machine did.
    pub machine_translated: Option<String>,
    /// The language the text is in when the object has none in the
    /// page's language (it falls back to the default language).
    pub text_lang: Option<String>,
    /// The language of the name, when the object has none in the page's.
    pub name_lang: Option<String>,
    /// The language of the description (the page's lead and its cards'
    /// text), when the object has none in the page's.
    pub description_lang: Option<String>,
    /// Who made the record, for the licence's attribution.
    pub producer: Option<String>,
    /// The cover photo's credit, from the feed.
    pub credit: Option<String>,
}

/// What the feeds gave when they were last read, for `serve`: a feed
/// whose files have the same sizes and modification times is not parsed
/// again.
#[derive(Default)]
pub struct DataMemo {
    feeds: std::collections::HashMap<String, (Vec<u8>, std::sync::Arc<Vec<Object>>)>,
}

/// The sizes and modification times of a feed's files (the file itself
/// for a zip or a JSON file), as one key.
fn feed_stamp(root: &std::path::Path, source: &crate::config::DataSource) -> Option<Vec<u8>> {
    let path = root.join(&source.path);
    let mut key = Vec::new();
    let mut add = |p: &std::path::Path| -> Option<()> {
        let (len, at) = crate::stamp::of(p)?;
        key.extend_from_slice(p.as_os_str().as_encoded_bytes());
        key.extend_from_slice(&len.to_le_bytes());
        key.extend_from_slice(&at.to_le_bytes());
        Some(())
    };
    if path.is_dir() {
        let (mut files, errors) = crate::paths::walk_files(root, &path, crate::paths::is_scratch);
        if !errors.is_empty() {
            return None;
        }
        files.sort();
        for f in &files {
            add(f)?;
        }
    } else {
        add(&path)?;
    }
    Some(key)
}

/// What reading the feeds did, for the build report: how many objects
/// and files were read, and how many of them came from the cache (or,
/// in `serve`, from the last build's memory) instead of being parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DataCounts {
    /// Objects of every feed.
    pub objects: usize,
    /// Of those, the objects not parsed again: from the cache, or kept by
    /// `serve` from its last build.
    pub objects_from_cache: usize,
    /// The feeds' files (a zip counts as one) parsed.
    pub files_parsed: usize,
    /// The feeds' files taken from the cache.
    pub files_from_cache: usize,
}

impl DataCounts {
    fn add(&mut self, other: DataCounts) {
        self.objects += other.objects;
        self.objects_from_cache += other.objects_from_cache;
        self.files_parsed += other.files_parsed;
        self.files_from_cache += other.files_from_cache;
    }
}

/// What [`load`] makes of the feeds.
#[derive(Default)]
pub struct Loaded {
    pub warnings: Vec<crate::error::Diagnostic>,
    /// A feed that cannot be read, with each file and JSON path.
    pub errors: Vec<crate::error::Diagnostic>,
    pub counts: DataCounts,
}

/// Pages of every feed of the site, added to `out`. Feeds are read in the site's
/// languages, through the cache of `[images] cache_dir` (a file whose
/// bytes did not change is not parsed again); with a memo, feeds whose
/// files did not change are not even hashed.
pub fn load(
    root: &std::path::Path,
    config: &crate::config::Config,
    clock: &crate::clock::Clock,
    mut memo: Option<&mut DataMemo>,
    taken: std::collections::HashSet<(String, String)>,
    out: &mut Vec<super::Page>,
) -> Loaded {
    if config.data.is_empty() {
        return Loaded::default();
    }
    let context = source::ReadContext::of_site(config);
    let cache_dir = root.join(&config.images.cache_dir);
    let reading = source::Reading {
        context: &context,
        cache_dir: Some(&cache_dir),
    };
    let mut counts = DataCounts::default();
    let mut errors = Vec::new();
    let mut feeds = Vec::new();
    let mut writes = Vec::new();
    for source in &config.data {
        let stamp = memo.as_ref().and_then(|_| feed_stamp(root, source));
        if let (Some(m), Some(stamp)) = (memo.as_deref(), &stamp)
            && let Some((known, objects)) = m.feeds.get(&source.name)
            && known == stamp
        {
            counts.objects += objects.len();
            counts.objects_from_cache += objects.len();
            feeds.push(pages::Feed {
                source,
                objects: std::sync::Arc::clone(objects),
            });
            continue;
        }
        let (read, c, write) = source::read_feed(root, source, &reading);
        counts.add(c);
        match read {
            Ok(objects) => {
                let objects = std::sync::Arc::new(objects);
                if let Some(w) = write {
                    writes.push((w, std::sync::Arc::clone(&objects)));
                }
                if let (Some(m), Some(stamp)) = (memo.as_deref_mut(), stamp) {
                    m.feeds.insert(
                        source.name.clone(),
                        (stamp, std::sync::Arc::clone(&objects)),
                    );
                }
                feeds.push(pages::Feed { source, objects });
            }
            Err(e) => {
                if let Some(m) = memo.as_deref_mut() {
                    m.feeds.remove(&source.name);
                }
                errors.extend(e)
            }
        }
    }
    let renames = renames::read(root).unwrap_or_else(|e| {
        errors.extend(e);
        renames::Renames::new()
    });
    // The caches are written while the pages are made.
    let warnings = std::thread::scope(|s| {
        for (w, objects) in &writes {
            s.spawn(move || w.write(objects));
        }
        pages::pages(root, config, &feeds, clock, taken, &renames, out)
    });
    drop(writes);
    // The feeds' objects (a region's 25,000) are freed on another thread.
    let objects: Vec<std::sync::Arc<Vec<Object>>> = feeds.into_iter().map(|f| f.objects).collect();
    // (Freed here when no thread can be made.)
    let _ = std::thread::Builder::new().spawn(move || drop(objects));
    Loaded {
        warnings,
        errors,
        counts,
    }
}

/// Markdown pages with `data_id` take the object's page in their language:
/// the writer's keys win, the feed fills what they leave out, the feed's
/// text follows the writer's, and the object's own address redirects to
/// the markdown page. The object's pages in other languages become its
/// translations.
pub fn attach(
    pages: &mut Vec<super::Page>,
    config: &crate::config::Config,
) -> Vec<crate::error::Diagnostic> {
    use std::collections::HashMap;
    let mut errors = Vec::new();
    let mut by_id: HashMap<(String, String), usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some(((p.origin.as_ref()?.id.clone(), p.lang.clone()), i)))
        .collect();
    let mut remove = Vec::new();
    let mut rekey: Vec<(String, String)> = Vec::new();
    for i in 0..pages.len() {
        let Some(id) = pages[i].fm.data_id.clone() else {
            continue;
        };
        let id = id
            .rsplit_once(':')
            .map_or(id.as_str(), |(_, b)| b)
            .to_string();
        let lang = pages[i].lang.clone();
        let Some(d) = by_id.remove(&(id.clone(), lang.clone())) else {
            let known = pages
                .iter()
                .any(|p| p.origin.as_ref().is_some_and(|o| o.id == id));
            let message = if known {
                format!(
                    "data_id = \"{id}\": the object has no page in this language, or another page took it"
                )
            } else {
                format!("data_id = \"{id}\" is no object of the site's feeds")
            };
            errors.push(
                crate::error::Diagnostic::error("data-id", message)
                    .file(pages[i].file.rel.clone())
                    .help("copy the id from the feed (the last part of DATAtourisme's @id, Apidae's id, OpenAgenda's uid)"),
            );
            continue;
        };
        let data = pages[d].clone();
        let page = &mut pages[i];
        let fm = std::sync::Arc::make_mut(&mut page.fm);
        // A text the writer gave is in the page's language.
        let (own_title, own_description) = (fm.title.is_some(), fm.description.is_some());
        fm.title = fm.title.take().or(data.fm.title.clone());
        fm.description = fm.description.take().or(data.fm.description.clone());
        if fm.cover.is_none() {
            // The feed's cover is relative to its section's folder.
            fm.cover = data.fm.cover.as_ref().map(|c| {
                let up = page
                    .dir
                    .strip_prefix(&data.dir)
                    .map_or(0, |rest| rest.components().count());
                format!("{}{c}", "../".repeat(up))
            });
            fm.cover_alt = fm.cover_alt.take().or(data.fm.cover_alt.clone());
        }
        fm.place = fm.place.take().or(data.fm.place.clone());
        fm.event = fm.event.take().or(data.fm.event.clone());
        // The object's trail, unless the page names a track of its own
        // (read after this, it wins).
        page.trail = page.trail.take().or_else(|| data.trail.clone());
        fm.date = fm.date.or(data.fm.date);
        page.date = page.date.or(data.date);
        for (k, v) in &data.fm.taxonomies {
            fm.taxonomies.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if !data.body.text().trim().is_empty() {
            page.body = format!("{}\n\n{}", page.body, data.body).into();
        }
        let section_path: String =
            data.file
                .content_rel
                .rsplit_once('/')
                .map_or(String::new(), |(dir, _)| {
                    dir.split('/')
                        .filter(|c| !c.is_empty())
                        .map(crate::slug::slugify)
                        .map(|c| format!("{c}/"))
                        .collect()
                });
        let alias = format!("{}/{section_path}{}/", config.lang_prefix(&lang), data.slug);
        fm.aliases.push(alias);
        // And the object's old addresses, when it was renamed.
        fm.aliases.extend(data.fm.aliases.iter().cloned());
        page.origin = data.origin.clone().map(|o| {
            if own_title || own_description {
                let mut o = (*o).clone();
                if own_title {
                    o.name_lang = None;
                }
                if own_description {
                    o.description_lang = None;
                }
                std::sync::Arc::new(o)
            } else {
                o
            }
        });
        rekey.push((data.translation_key.clone(), page.translation_key.clone()));
        remove.push(d);
    }
    for (from, to) in rekey {
        for p in pages.iter_mut() {
            if p.translation_key == from {
                p.translation_key = to.clone();
            }
        }
    }
    remove.sort_unstable();
    for d in remove.into_iter().rev() {
        pages.remove(d);
    }
    errors
}
