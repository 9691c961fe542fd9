//! A static map as templates show it: its responsive variants, an alt
//! text in the page's language that says what the picture shows and that
//! the facts are written out on the page (RGAA: the map is informative,
//! but nothing is only in it), and the tiles' credit to write below it.
//!
//! The map itself is drawn by `media::map` before rendering, from what
//! [`trail_map`] says it shows; `blason sync` asks the same function which
//! tiles to download.

use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::content::trail::Trail;
use crate::content::{Content, Page};
use crate::media::ResponsiveImage;
use crate::media::map::{CARD_SIZE, Caption, MapRequest, PLACE_SIZE, TRAIL_SIZE};
use crate::media::{Crop, ImagePipeline};
use crate::theme::Strings;

/// `page.trail.map`, `page.map` (a place's), `section.map` (a listing's).
#[derive(Debug, Clone, Serialize)]
pub struct MapView {
    pub image: ResponsiveImage,
    pub alt: String,
    /// "Map background: © IGN – Plan IGN" (null without tiles).
    pub credit: Option<String>,
    /// With `[maps] interactive`: OpenStreetMap's interactive map of the
    /// same area, loaded only when the visitor clicks (null otherwise).
    pub interactive: Option<Interactive>,
}

/// `map.interactive`: where the interactive map is, and the link a visitor
/// without JavaScript follows instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interactive {
    /// The embed page for the iframe (`data-embed`).
    pub embed: String,
    /// The same place on openstreetmap.org.
    pub link: String,
}

/// OpenStreetMap's view of what `req` shows: its bounds with a tenth
/// around (a place: about 700 m each way, its marker on it).
pub fn interactive(req: &MapRequest) -> Option<Interactive> {
    use crate::geo::tiles::Bounds;
    let points = req
        .lines
        .iter()
        .flatten()
        .copied()
        .chain(req.steps.iter().map(|&(_, lon, lat)| (lon, lat)))
        .chain(req.place);
    let b = Bounds::of(points)?;
    let pad_lon = ((b.east - b.west) / 10.0).max(0.009);
    let pad_lat = ((b.north - b.south) / 10.0).max(0.006);
    let (w, s, e, n) = (
        (b.west - pad_lon).max(-180.0),
        (b.south - pad_lat).max(-85.0),
        (b.east + pad_lon).min(180.0),
        (b.north + pad_lat).min(85.0),
    );
    let mut embed = format!(
        "https://www.openstreetmap.org/export/embed.html?bbox={w:.5}%2C{s:.5}%2C{e:.5}%2C{n:.5}&layer=mapnik"
    );
    let (clat, clon) = ((s + n) / 2.0, (w + e) / 2.0);
    let link = match req.place {
        Some((lon, lat)) => {
            embed.push_str(&format!("&marker={lat:.5}%2C{lon:.5}"));
            format!(
                "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=16/{lat:.5}/{lon:.5}"
            )
        }
        None => format!("https://www.openstreetmap.org/#map=13/{clat:.5}/{clon:.5}"),
    };
    Some(Interactive { embed, link })
}

/// Two views of a map are the same when they show the same variants.
impl PartialEq for MapView {
    fn eq(&self, other: &MapView) -> bool {
        self.image.fallback.url == other.image.fallback.url
            && self.alt == other.alt
            && self.credit == other.credit
    }
}

/// The map of `req` as templates show it: with OpenStreetMap's
/// interactive map behind a click when the site asks for it.
pub fn with_interactive(mut view: MapView, config: &Config, req: &MapRequest) -> MapView {
    if config.maps.interactive {
        view.interactive = interactive(req);
    }
    view
}

/// A trail's map; `numbered`: whether it shows numbered steps.
pub fn map_view(
    image: &ResponsiveImage,
    config: &Config,
    strings: &Strings,
    numbered: bool,
) -> MapView {
    let alt = if numbered {
        "trail_map_alt"
    } else {
        "trail_map_alt_no_steps"
    };
    described(image, config, strings, alt)
}

/// A map with the alt text of `alt_key` in the page's language, and the
/// tiles' credit.
pub fn described(
    image: &ResponsiveImage,
    config: &Config,
    strings: &Strings,
    alt_key: &str,
) -> MapView {
    let get = |key: &str| {
        strings
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    let credit = config.maps.tiles.as_ref().map(|t| {
        super::practical::fill(
            &get("trail_map_credit"),
            &[("attribution", t.attribution.as_str())],
        )
    });
    MapView {
        image: image.clone(),
        alt: get(alt_key),
        credit,
        interactive: None,
    }
}

/// What a trail's map shows: its lines, and its steps with coordinates
/// numbered as the page lists them (steps without a name are not listed).
pub fn trail_map(t: &Trail) -> MapRequest {
    MapRequest {
        lines: Arc::new(
            t.track
                .segments
                .iter()
                .map(|s| s.iter().map(|p| (p.lon, p.lat)).collect())
                .collect(),
        ),
        steps: numbered_steps(t),
        place: None,
        size: TRAIL_SIZE,
        caption: None,
    }
}

/// The widths of a map card's variants: the kit page's preview
/// (`render::kits::PREVIEW_WIDTH`) and the card's own.
pub const CARD_WIDTHS: [u32; 2] = [360, CARD_SIZE.0];

/// A trail's square map card for its share kit: the track (without the
/// steps, which only the page lists) fitted below a band that
/// [`caption_cards`] fills with the trail's name and figures.
pub fn card_map(t: &Trail) -> MapRequest {
    MapRequest {
        steps: Vec::new(),
        size: CARD_SIZE,
        caption: Some(Caption::default()),
        ..trail_map(t)
    }
}

/// Writes each map card's band in its page's language: the page's title,
/// and its distance and ascent as the page's facts say them ("6,6 km ·
/// Dénivelé positif 420 m"). The band's text does not change which tiles
/// a card needs, so `blason sync` asks [`site_maps`] alone.
pub fn caption_cards(
    maps: &mut [(MapFor, MapRequest)],
    content: &Content,
    strings: &std::collections::BTreeMap<String, Strings>,
    default_lang: &str,
) {
    for (f, req) in maps.iter_mut() {
        let MapFor::Card(i) = *f else { continue };
        let p = &content.pages[i];
        let (Some(t), Some(s)) = (
            p.trail.as_deref(),
            strings.get(&p.lang).or_else(|| strings.get(default_lang)),
        ) else {
            continue;
        };
        let view = super::trail::trail_view(t, s);
        let fact = |key: &str| view.facts.iter().find(|f| f.key == key);
        let mut figures = Vec::new();
        if let Some(d) = fact("distance") {
            figures.push(d.value.clone());
        }
        if let Some(a) = fact("ascent") {
            figures.push(format!("{} {}", a.label, a.value));
        }
        req.caption = Some(Caption {
            title: p.title().to_string(),
            figures: figures.join(" · "),
        });
    }
}

/// Asks for a drawn map's variants: a card's at [`CARD_WIDTHS`] (square,
/// for the kit), any other's at the site's widths.
pub fn variants(
    images: &ImagePipeline,
    f: MapFor,
    png: &std::path::Path,
) -> Result<ResponsiveImage, crate::error::Diagnostic> {
    match f {
        MapFor::Card(_) => images.cropped(
            png,
            Crop {
                ratio: (1, 1),
                focus: (0.5, 0.5),
            },
            &CARD_WIDTHS,
        ),
        _ => images.responsive(png),
    }
}

/// The steps a trail's map numbers: those with a name (the page lists
/// them) and coordinates, with their number in the list.
pub fn numbered_steps(t: &Trail) -> Vec<(usize, f64, f64)> {
    t.steps
        .iter()
        .filter(|s| !s.name.trim().is_empty())
        .enumerate()
        .filter_map(|(n, s)| Some((n + 1, s.lon?, s.lat?)))
        .collect()
}

/// The most markers a listing's map numbers; the list below it names
/// the same places, in the same order.
pub const LISTING_MAX: usize = 40;

/// A place a listing's map numbers, as its list names it.
#[derive(Debug, Clone, Serialize)]
pub struct MapPlace {
    pub title: String,
    pub permalink: String,
}

/// What a map is drawn for: a page (its trail, or its place's pin), a
/// section's listing (its places and trails, numbered), or a trail page's
/// share kit (its square map card).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MapFor {
    Page(usize),
    Section(usize),
    Card(usize),
}

/// Valid WGS 84 degrees (a check warns about the others).
pub(crate) fn degrees(lon: Option<f64>, lat: Option<f64>) -> Option<(f64, f64)> {
    let (lon, lat) = (lon?, lat?);
    (lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 85.0)
        .then_some((lon, lat))
}

/// Where a page stands on a listing's map: its place, or its trail's start.
pub fn page_point(p: &Page) -> Option<(f64, f64)> {
    if let Some(first) = p
        .trail
        .as_deref()
        .and_then(|t| t.track.segments.iter().flatten().next())
    {
        return Some((first.lon, first.lat));
    }
    let place = p.fm.place.as_ref()?;
    degrees(place.lon, place.lat)
}

/// A place's map: a pin at its coordinates. Only for a page without a
/// trail (a trail page shows its track) and with valid coordinates.
pub fn place_map(p: &Page) -> Option<MapRequest> {
    if p.trail.is_some() {
        return None;
    }
    let place = p.fm.place.as_ref()?;
    let point = degrees(place.lon, place.lat)?;
    Some(MapRequest {
        place: Some(point),
        size: PLACE_SIZE,
        ..MapRequest::default()
    })
}

/// The pages a section's map numbers, in the order its list names them:
/// the places and trails of the section's language below it (of the
/// whole site, on the home page), events left out (they come and go),
/// sorted by title, at most [`LISTING_MAX`].
pub fn listing_places(content: &Content, si: usize) -> Vec<usize> {
    let s = &content.sections[si];
    let mut picked: Vec<(String, &str, usize)> = content
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.lang == s.lang
                && p.fm.event.is_none()
                && (s.is_home() || (p.path.starts_with(&s.path) && p.path != s.path))
                && page_point(p).is_some()
        })
        .map(|(i, p)| (crate::slug::slugify(p.title()), p.path.as_str(), i))
        .collect();
    picked.sort();
    picked.truncate(LISTING_MAX);
    picked.into_iter().map(|(_, _, i)| i).collect()
}

/// A section's map: its [`listing_places`] numbered from 1. `None`
/// when the section lists none.
pub fn listing_map(content: &Content, si: usize) -> Option<MapRequest> {
    if content.sections[si].fm.redirect_to.is_some() {
        return None;
    }
    let steps: Vec<(usize, f64, f64)> = listing_places(content, si)
        .into_iter()
        .enumerate()
        .filter_map(|(n, i)| {
            let (lon, lat) = page_point(&content.pages[i])?;
            Some((n + 1, lon, lat))
        })
        .collect();
    (steps.len() >= 2).then(|| MapRequest {
        steps,
        size: TRAIL_SIZE,
        ..MapRequest::default()
    })
}

/// Whether trail page `p` gets a map card in its share kit: when kits are
/// on, its track is at hand and its front matter does not turn its kit
/// off. (A trail page outside the pillars, which has no kit, still gets
/// one drawn: trails are few.)
fn has_card(p: &Page, config: &Config) -> bool {
    config.share.kit
        && p.trail.as_deref().is_some_and(Trail::has_track)
        && p.fm.share.as_ref().and_then(|s| s.kit) != Some(false)
}

/// Every map the site shows: each trail page's track (when its track is
/// at hand) and its kit's map card, each place's pin, each section's
/// listing. The build draws them; `blason sync` downloads their tiles.
pub fn site_maps(content: &Content, config: &Config) -> Vec<(MapFor, MapRequest)> {
    let pages = content.pages.iter().enumerate().filter_map(|(i, p)| {
        let req = match p.trail.as_deref() {
            Some(t) if t.has_track() => trail_map(t),
            Some(_) => return None,
            None => place_map(p)?,
        };
        Some((MapFor::Page(i), req))
    });
    let cards = content.pages.iter().enumerate().filter_map(|(i, p)| {
        let t = p.trail.as_deref().filter(|_| has_card(p, config))?;
        Some((MapFor::Card(i), card_map(t)))
    });
    let sections = (0..content.sections.len())
        .filter_map(|si| Some((MapFor::Section(si), listing_map(content, si)?)));
    pages.chain(cards).chain(sections).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interactive_map_shows_the_same_area_and_a_place_s_marker() {
        let place = MapRequest {
            place: Some((5.93, 46.61)),
            size: PLACE_SIZE,
            ..MapRequest::default()
        };
        let i = interactive(&place).unwrap();
        assert_eq!(
            i.embed,
            "https://www.openstreetmap.org/export/embed.html?bbox=5.92100%2C46.60400%2C5.93900%2C46.61600&layer=mapnik&marker=46.61000%2C5.93000"
        );
        assert!(i.link.contains("mlat=46.61000&mlon=5.93000"), "{}", i.link);
        let listing = MapRequest {
            steps: vec![(1, 5.0, 46.0), (2, 6.0, 47.0)],
            size: TRAIL_SIZE,
            ..MapRequest::default()
        };
        let i = interactive(&listing).unwrap();
        assert!(
            i.embed
                .contains("bbox=4.90000%2C45.90000%2C6.10000%2C47.10000&layer=mapnik"),
            "{}",
            i.embed
        );
        assert!(!i.embed.contains("marker"));
        assert!(i.link.ends_with("#map=13/46.50000/5.50000"), "{}", i.link);
        assert!(interactive(&MapRequest::default()).is_none());
    }

    #[test]
    fn only_valid_degrees_are_placed() {
        assert_eq!(degrees(Some(5.9), Some(46.6)), Some((5.9, 46.6)));
        assert_eq!(degrees(Some(5.9), None), None);
        assert_eq!(degrees(Some(f64::NAN), Some(46.6)), None);
        assert_eq!(degrees(Some(200.0), Some(46.6)), None);
        assert_eq!(degrees(Some(5.9), Some(89.0)), None, "beyond Web Mercator");
    }
}
