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
use crate::media::ResponsiveImage;
use crate::media::map::{MapRequest, TRAIL_SIZE};
use crate::theme::Strings;

/// `page.trail.map`.
#[derive(Debug, Clone, Serialize)]
pub struct MapView {
    pub image: ResponsiveImage,
    pub alt: String,
    /// "Map background: © IGN – Plan IGN" (null without tiles).
    pub credit: Option<String>,
}

/// Two views of a map are the same when they show the same variants.
impl PartialEq for MapView {
    fn eq(&self, other: &MapView) -> bool {
        self.image.fallback.url == other.image.fallback.url
            && self.alt == other.alt
            && self.credit == other.credit
    }
}

/// A trail's map; `numbered`: whether it shows numbered steps.
pub fn map_view(
    image: &ResponsiveImage,
    config: &Config,
    strings: &Strings,
    numbered: bool,
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
        alt: get(if numbered {
            "trail_map_alt"
        } else {
            "trail_map_alt_no_steps"
        }),
        credit,
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
