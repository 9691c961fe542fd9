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
pub mod datatourisme;
pub mod json;
pub mod openagenda;
pub mod source;
pub mod tourinsoft;

use std::collections::BTreeMap;

use super::frontmatter::EventStatus;
use super::practical::{Category, Day, Disability};

/// Text in several languages: language code (`fr`, `en`) to text.
pub type Texts = BTreeMap<String, String>;

pub use crate::config::DataFormat as Format;

/// The file name `blason sync` gives a feed's image, and the build looks
/// for: a hash of its address (so two feeds sharing a photo share the
/// file) and the address's extension.
pub fn media_name(url: &str) -> String {
    let hash = blake3::hash(url.as_bytes()).to_hex();
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| matches!(e.as_str(), "jpg" | "jpeg" | "png" | "webp"))
        .unwrap_or_else(|| "jpg".to_string());
    format!("{}.{ext}", &hash[..20])
}

/// One object of a feed (a place, an event, a tour), whatever its format.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// text beside (or instead of) the periods above.
    pub hours_note: Texts,
    pub closures: Vec<Closed>,
    pub free: Option<bool>,
    pub prices: Vec<Cost>,
    /// The prices in the feed's own words, when it writes them as text
    /// beside (or instead of) the prices above.
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
}

/// An opening period: between two dates (or all year), on some days (or
/// every day), from–to (or hours not given). Several `Opening`s with the
/// same dates are one period with several time spans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Opening {
    pub from: Option<jiff::civil::Date>,
    pub to: Option<jiff::civil::Date>,
    pub days: Vec<Day>,
    pub opens: Option<jiff::civil::Time>,
    pub closes: Option<jiff::civil::Time>,
    pub note: Texts,
}

/// An exceptional closure.
#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    pub from: jiff::civil::Date,
    pub to: Option<jiff::civil::Date>,
    pub note: Texts,
}

/// A price or a price range.
#[derive(Debug, Clone, Default, PartialEq)]
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
#[derive(Debug, Clone, Default, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tour {
    pub distance_m: Option<f64>,
    pub ascent_m: Option<f64>,
    pub duration_min: Option<u32>,
    /// A loop (`Some(true)`) or one way.
    pub is_loop: Option<bool>,
    /// Where its track (GPX, KML) is published.
    pub track_url: Option<String>,
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
    /// Who made the record, for the licence's attribution.
    pub producer: Option<String>,
}
