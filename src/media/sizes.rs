//! The `sizes` attribute of each layout an image sits in: how wide the
//! browser will show it, so it picks the smallest variant of the `srcset`
//! that fills it (a phone at 390 pixels takes a 640 variant for a card, not
//! the 1600 one). Written from the postale theme's grids (style.css: the
//! `.wrap` column of 72rem with 1.25rem of padding, the 46rem article, the
//! card, photo, gallery and community grids); templates ask for a layout by
//! name with `image_sizes(layout="card")`, never write the numbers, so a
//! grid that changes is changed here once. A theme with other grids may
//! write its own `sizes` instead.

/// Layout name, then its `sizes`. Widths say what the image occupies, not
/// the screen: the column's padding is taken off on phones.
pub const LAYOUTS: [(&str, &str); 22] = [
    // A photo behind the home page's title: the whole width of the screen.
    ("hero", "100vw"),
    // An article's cover: the whole width of the screen, above the column.
    ("cover", "100vw"),
    // The images of an article's text: the 46rem column.
    ("inline", "(min-width: 48.5rem) 46rem, calc(100vw - 2.5rem)"),
    ("video", "(min-width: 48.5rem) 46rem, calc(100vw - 2.5rem)"),
    (
        "trail-map",
        "(min-width: 48.5rem) 46rem, calc(100vw - 2.5rem)",
    ),
    // A section's cover and a photo page's photo: the page's whole column.
    ("wide", "(min-width: 72rem) 69.5rem, calc(100vw - 2.5rem)"),
    ("photo", "(min-width: 72rem) 69.5rem, calc(100vw - 2.5rem)"),
    // Cards (pages, events): three columns on a wide screen, two from
    // 40rem, one on a phone.
    (
        "card",
        "(min-width: 72rem) 22.3rem, (min-width: 40rem) calc(50vw - 1.9rem), calc(100vw - 2.5rem)",
    ),
    // The home page's blocks of cards (partials/card_row.html), by their
    // number of columns on a wide screen: the 69.5rem column less the
    // 1.25rem gaps, shared; under 64rem a row to swipe whose cards take
    // 82 % of the column, 22rem at most.
    (
        "card-row-1",
        "(min-width: 72rem) 69.5rem, (min-width: 64rem) calc(100vw - 2.5rem), (min-width: 29.4rem) 22rem, calc(82vw - 2.1rem)",
    ),
    (
        "card-row-2",
        "(min-width: 72rem) 34.1rem, (min-width: 64rem) calc(50vw - 1.9rem), (min-width: 29.4rem) 22rem, calc(82vw - 2.1rem)",
    ),
    (
        "card-row-3",
        "(min-width: 72rem) 22.3rem, (min-width: 64rem) calc(33.33vw - 1.67rem), (min-width: 29.4rem) 22rem, calc(82vw - 2.1rem)",
    ),
    (
        "card-row-4",
        "(min-width: 72rem) 16.44rem, (min-width: 64rem) calc(25vw - 1.56rem), (min-width: 29.4rem) 22rem, calc(82vw - 2.1rem)",
    ),
    (
        "card-row-5",
        "(min-width: 72rem) 12.9rem, (min-width: 64rem) calc(20vw - 1.5rem), (min-width: 29.4rem) 22rem, calc(82vw - 2.1rem)",
    ),
    // The home page's photos: three columns from 64rem (four when there
    // are four, narrower), two from 40rem, and on a phone a row to swipe
    // whose photos take 78 % of the column.
    (
        "photo-grid",
        "(min-width: 72rem) 22.8rem, (min-width: 64rem) calc(33.3vw - 1.2rem), (min-width: 40rem) calc(50vw - 1.5rem), calc(78vw - 2rem)",
    ),
    // The home page's pillar tiles: four columns of photos from 64rem,
    // a 7rem square beside the text below.
    (
        "tile",
        "(min-width: 72rem) 16.6rem, (min-width: 64rem) calc(25vw - 1.4rem), 7rem",
    ),
    // The thumbnails of an article's "nearby" list.
    ("nearby", "5rem"),
    // Gallery thumbnails in an article: four columns of the 46rem column
    // (three in a mosaic), two on a phone.
    // From 72rem the gallery spreads over 64rem, beyond the text.
    (
        "gallery",
        "(min-width: 72rem) 15.6rem, (min-width: 48.5rem) 11.1rem, calc(50vw - 1.5rem)",
    ),
    (
        "gallery-mosaic",
        "(min-width: 48.5rem) 15rem, calc(50vw - 1.5rem)",
    ),
    // Community posts: a wall of 15rem columns inside a padded card, or a
    // carousel of 20rem cards (85 % of the screen on a phone).
    (
        "post-wall",
        "(min-width: 72rem) 15rem, (min-width: 34rem) calc(50vw - 3.4rem), calc(100vw - 4.3rem)",
    ),
    (
        "post-carousel",
        "(min-width: 26rem) 18.2rem, calc(85vw - 3.5rem)",
    ),
    // Press photos: 18rem tiles, one column on a phone.
    ("press", "(min-width: 40rem) 18rem, calc(100vw - 2.5rem)"),
    // The press library's album previews: up to four side by side in a
    // card, 10rem high and cropped to fill: a landscape photo is shown
    // about 15rem wide whatever the card's width.
    ("press-preview", "15rem"),
];

/// The `sizes` of `layout`, or `None` for a layout this table does not know.
pub fn for_layout(layout: &str) -> Option<&'static str> {
    LAYOUTS
        .iter()
        .find(|(name, _)| *name == layout)
        .map(|(_, sizes)| *sizes)
}

/// The layouts' names, for an error's help.
pub fn names() -> String {
    LAYOUTS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The width a `sizes` gives at `viewport` pixels (16 px to the rem):
    /// enough of the syntax to hold the table against the grids.
    fn width_at(sizes: &str, viewport: f64) -> f64 {
        fn length(l: &str, viewport: f64) -> f64 {
            let l = l.trim();
            if let Some(inner) = l.strip_prefix("calc(").and_then(|x| x.strip_suffix(')')) {
                let (a, b) = inner.split_once(" - ").unwrap();
                return length(a, viewport) - length(b, viewport);
            }
            if let Some(v) = l.strip_suffix("vw") {
                return v.parse::<f64>().unwrap() * viewport / 100.0;
            }
            l.strip_suffix("rem").unwrap().parse::<f64>().unwrap() * 16.0
        }
        let length = |l: &str| length(l, viewport);
        for part in sizes.split(", ") {
            match part.strip_prefix("(min-width: ") {
                Some(rest) => {
                    let (min, len) = rest.split_once(") ").unwrap();
                    if viewport >= length(min) {
                        return length(len);
                    }
                }
                None => return length(part),
            }
        }
        panic!("no default length in {sizes}")
    }

    #[test]
    fn every_layout_is_known_once_and_ends_with_a_default() {
        for (i, (name, sizes)) in LAYOUTS.iter().enumerate() {
            assert_eq!(for_layout(name), Some(*sizes));
            assert!(LAYOUTS[..i].iter().all(|(n, _)| n != name), "{name} twice");
            assert!(
                !sizes.rsplit(", ").next().unwrap().starts_with('('),
                "{name}"
            );
        }
        assert_eq!(for_layout("nope"), None);
        assert!(names().starts_with("hero, cover, "));
    }

    #[test]
    fn widths_follow_the_grids_on_a_phone_and_a_wide_screen() {
        let at = |layout: &str, viewport: f64| width_at(for_layout(layout).unwrap(), viewport);
        // A 390-pixel phone: the cover fills the screen, gallery
        // thumbnails take half of the padded column, cards the whole of
        // it, the home page's photos 78 % of it, pillar tiles a 7rem square.
        assert_eq!(at("hero", 390.0), 390.0);
        assert_eq!(at("cover", 390.0), 390.0);
        assert!((at("photo-grid", 390.0) - 350.0 * 0.78).abs() < 2.0);
        assert_eq!(at("tile", 390.0), 112.0);
        assert_eq!(at("gallery", 390.0), 171.0);
        assert_eq!(at("card", 390.0), 350.0);
        assert!(at("post-carousel", 390.0) < 300.0);
        // A 1440-pixel screen: a full-width cover, three cards, three
        // photos, four pillar tiles, four thumbnails over 64rem.
        assert_eq!(at("hero", 1440.0), 1440.0);
        assert_eq!(at("cover", 1440.0), 1440.0);
        assert_eq!(at("wide", 1440.0), 1112.0);
        assert!((at("card", 1440.0) * 3.0 + 2.0 * 20.0 - 1112.0).abs() < 2.0);
        assert!((at("photo-grid", 1440.0) * 3.0 + 2.0 * 8.0 - 1112.0).abs() < 2.0);
        assert!((at("tile", 1440.0) * 4.0 + 3.0 * 16.0 - 1112.0).abs() < 2.0);
        assert!((at("tile", 1100.0) * 4.0 + 3.0 * 16.0 - 1060.0).abs() < 2.0);
        assert!((at("gallery", 1440.0) * 4.0 + 3.0 * 8.0 - 1024.0).abs() < 2.0);
        assert!((at("gallery", 1000.0) * 4.0 + 3.0 * 8.0 - 736.0).abs() < 2.0);
        // The home page's rows of cards: 82 % of the column on a phone,
        // 22rem at most on a tablet; on a wide screen, as many columns as
        // the row has, with their gaps.
        for cols in 1..=5 {
            let layout = format!("card-row-{cols}");
            assert!((at(&layout, 390.0) - 350.0 * 0.82).abs() < 2.0, "{layout}");
            assert_eq!(at(&layout, 800.0), 352.0, "{layout}");
            let c = f64::from(cols);
            for (viewport, column) in [(1440.0, 1112.0), (1100.0, 1060.0)] {
                assert!(
                    (at(&layout, viewport) * c + (c - 1.0) * 20.0 - column).abs() < 2.0,
                    "{layout} at {viewport}"
                );
            }
        }
        // A tablet: two cards side by side.
        assert!((at("card", 800.0) * 2.0 + 20.0 - 760.0).abs() < 2.0);
    }
}
