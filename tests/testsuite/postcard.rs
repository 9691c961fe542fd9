//! The postale theme as a postcard: pillar tiles with a photo, the
//! office's must-sees, date badges on event cards, the brand's band for
//! pages without a cover, the key facts box and what lies nearby.

use crate::support::{SiteTest, fixtures, select};

fn text(el: &scraper::ElementRef<'_>) -> String {
    // Text nodes joined by a space: a label and its value read apart.
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn site() -> SiteTest {
    let photo = std::fs::read(fixtures().join("images/gray.jpg")).unwrap();
    SiteTest::from_fixture("build/base")
        .file(
            "content/tourisme/belvedere/index.md",
            "+++\ntitle = \"Le belvédère\"\ndescription = \"La vue.\"\ncover = \"vue.jpg\"\ncover_alt = \"Le lac vu du belvédère\"\nfeatured = true\n[place]\nlat = 46.0\nlon = 5.9\ncommune = \"Orbière\"\n[facts]\nduration = \"1 h\"\nprice = \"Gratuit\"\n+++\nLa vue.\n",
        )
        .file("content/tourisme/belvedere/vue.jpg", &photo)
        .file(
            "content/tourisme/lac.md",
            "+++\ntitle = \"Le lac\"\ndescription = \"Un lac.\"\ndate = 2026-06-01\n[place]\nlat = 46.01\nlon = 5.9\nreduced_mobility = true\nbooking = \"https://resa.example.fr/lac\"\n+++\nLe lac.\n",
        )
        .file(
            "content/tourisme/loin.md",
            "+++\ntitle = \"Bien plus loin\"\n[place]\nlat = 47.0\nlon = 5.9\n+++\nLoin.\n",
        )
        .file(
            "content/agenda/fete.md",
            "+++\ntitle = \"Fête du belvédère\"\n[event]\nstart = 2027-07-14T21:00:00+02:00\n[place]\nlat = 46.001\nlon = 5.9\n+++\nFeu d'artifice.\n",
        )
}

#[test]
fn the_home_page_leads_with_photos_must_sees_and_dated_events() {
    let b = site().build().assert_success();
    let home = b.html("index.html");
    // Each pillar is a tile: Découvrir takes the photo of its page, with
    // its section's description; Culture, with no photo, the brand's band.
    let tiles = select(&home, "ul.tiles a.tile");
    let tile = |name: &str| {
        tiles
            .iter()
            .find(|t| text(t).contains(name))
            .unwrap_or_else(|| panic!("no tile {name}"))
            .html()
    };
    let discover = tile("Découvrir");
    assert!(
        discover.contains("class=\"tile-img") && discover.contains("Le lac vu du belvédère"),
        "{discover}"
    );
    assert!(discover.contains("Les lieux à voir."), "{discover}");
    assert!(tile("Culture").contains("cover-fallback"));
    // The must-sees are the pages the office flags.
    let must = select(
        &home,
        "section[aria-labelledby=\"must-see-title\"] .card-title",
    );
    let names: Vec<String> = must.iter().map(text).collect();
    assert_eq!(names, ["Le belvédère"]);
    // An event's card has a date badge beside its date in words.
    let badge = select(
        &home,
        "section[aria-labelledby=\"agenda-title\"] .date-badge",
    );
    assert_eq!(badge.len(), 1);
    assert_eq!(text(&badge[0]), "14 juil.");
    assert_eq!(badge[0].value().attr("aria-hidden"), Some("true"));
}

#[test]
fn articles_have_a_cover_or_the_brand_band_key_facts_and_what_is_nearby() {
    let b = site().build().assert_success();
    let page = b.html("tourisme/belvedere/index.html");
    assert_eq!(select(&page, ".article-cover img.cover").len(), 1);
    let facts: Vec<String> = select(&page, ".key-facts .fact").iter().map(text).collect();
    assert_eq!(facts, ["Durée 1 h", "Tarif Gratuit"]);
    // Nearest first, within 10 km: the event 110 m away, the lake at
    // 1.1 km; the place 111 km away is not listed.
    let near: Vec<String> = select(&page, ".nearby-item").iter().map(text).collect();
    assert_eq!(near.len(), 2, "{near:?}");
    assert!(
        near[0].starts_with("Fête du belvédère") && near[0].ends_with("à 110 m"),
        "{near:?}"
    );
    assert!(
        near[1].starts_with("Le lac") && near[1].ends_with("à 1,1 km"),
        "{near:?}"
    );
    // A page of the territory without a cover gets the brand's band, and
    // its place's access and booking make its key facts.
    let lac = b.html("tourisme/lac/index.html");
    let band = select(&lac, ".article-cover.cover-fallback");
    assert_eq!(band.len(), 1);
    assert_eq!(band[0].value().attr("aria-hidden"), Some("true"));
    let facts = select(&lac, ".key-facts .fact");
    let keys: Vec<&str> = facts
        .iter()
        .filter_map(|f| f.value().attr("class"))
        .collect();
    assert_eq!(keys, ["fact fact-access", "fact fact-booking"]);
    let book = select(&lac, ".key-facts .fact-booking a");
    assert_eq!(
        book[0].value().attr("href"),
        Some("https://resa.example.fr/lac")
    );
}

#[test]
fn a_booking_fact_that_runs_script_is_refused_at_its_line() {
    let run = site()
        .file(
            "content/tourisme/piege.md",
            "+++\ntitle = \"Piège\"\n[facts]\nbooking = \"javascript:alert(1)\"\n+++\n",
        )
        .build()
        .assert_failure();
    let err = run.stderr();
    assert!(
        err.contains("content/tourisme/piege.md") && err.contains("javascript:"),
        "{err}"
    );
}
