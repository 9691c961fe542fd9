//! The practical block of a place and its schema.org data, on the fixture
//! `practical/places`: a French site of the fictional Val d'Orbière built on
//! 1 July 2026 (a Wednesday), with a museum translated into English (two
//! seasons, two spans a day, a closure, prices, contact, accessibility), a
//! night bar open past midnight whose texts are hostile, a free garden, a
//! gîte with stars, and a fountain with an address only.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::support::{SiteTest, read, read_text, read_texts, select};

/// The fixture, built once for this module's tests.
fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = SiteTest::from_fixture("practical/places").output(&dir.join("public"));
        site.build().assert_success();
        site.out().to_path_buf()
    })
}

fn page(path: &str) -> (String, Html) {
    let html = read(&built().join(path));
    let doc = Html::parse_document(&html);
    (html, doc)
}

fn block<'a>(doc: &'a Html) -> ElementRef<'a> {
    let found = select(doc, "section.practical");
    assert_eq!(found.len(), 1, "one practical block");
    found[0]
}

/// The schema.org item of `kind` in the page's JSON-LD.
fn ld_item(html: &str, kind: &str) -> Value {
    let doc = Html::parse_document(html);
    let scripts = select(&doc, r#"script[type="application/ld+json"]"#);
    assert_eq!(scripts.len(), 1);
    let raw: String = scripts[0].text().collect();
    let v: Value = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{e}: {raw}"));
    v["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {raw}"))
        .clone()
}

#[test]
fn the_museum_reads_right_in_french() {
    let (_, doc) = page("tourisme/musee/index.html");
    let b = block(&doc);
    let within = |css: &str| -> Vec<String> {
        b.select(&Selector::parse(css).unwrap())
            .map(|e| read_text(&e))
            .collect()
    };
    assert_eq!(within("h2"), ["Infos pratiques"]);
    assert_eq!(within(".practical-kind"), ["Musée"]);
    assert_eq!(
        within(".practical-today"),
        ["Ouvert aujourd’hui 1er juillet, 10 h – 18 h"]
    );
    assert_eq!(
        within(".practical-hours li"),
        [
            "Du 1er avril au 30 septembre : du mardi au dimanche, 10 h – 18 h. Fermé le lundi.",
            "Du 1er octobre 2026 au 31 mars 2027 : du mercredi au dimanche, 10 h – 12 h et 14 h – 17 h 30. Fermé les lundis et mardis.",
            "Fermé exceptionnellement le 25 décembre (Noël).",
        ]
    );
    let prices: Vec<String> = within(".practical-group li")
        .into_iter()
        .filter(|l| l.contains('€'))
        .collect();
    assert_eq!(
        prices,
        [
            "Adulte : 8,50 € – 12 € (selon l’exposition)",
            "Enfant : À partir de 5 €"
        ]
    );
    // The address a line each: the street, the postal code and commune, the map.
    let address = b
        .select(&Selector::parse(".practical-contact dd").unwrap())
        .next()
        .unwrap();
    let lines: Vec<&str> = address
        .text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "12 rue du Moulin",
            "39150 Saint-Lac",
            "Voir sur la carte (OpenStreetMap)"
        ]
    );
    assert_eq!(address.select(&Selector::parse("br").unwrap()).count(), 2);
    let dts = within(".practical-contact dt");
    assert_eq!(dts, ["Adresse", "Téléphone", "Courriel", "Site web"]);
    assert_eq!(
        within(".practical-access li"),
        [
            "Handicap moteur",
            "Handicap auditif",
            "Handicap visuel",
            "Handicap mental"
        ]
    );
    let dd = within(".practical-group dd");
    assert!(
        dd.contains(&"français, anglais et allemand".to_string()),
        "{dd:?}"
    );
    assert!(dd.contains(&"80 personnes".to_string()), "{dd:?}");
    let notes = within(".practical-note");
    assert!(
        notes.contains(&"Animaux non acceptés".to_string()),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"Accessible aux personnes à mobilité réduite".to_string()),
        "{notes:?}"
    );
    // Every pictogram is decorative, its words beside it.
    for svg in b.select(&Selector::parse("svg").unwrap()) {
        assert_eq!(svg.value().attr("aria-hidden"), Some("true"));
    }
}

#[test]
fn the_museum_reads_right_in_english() {
    let (_, doc) = page("en/tourisme/musee/index.html");
    let b = block(&doc);
    let within = |css: &str| -> Vec<String> {
        b.select(&Selector::parse(css).unwrap())
            .map(|e| read_text(&e))
            .collect()
    };
    assert_eq!(within("h2"), ["Practical information"]);
    assert_eq!(
        within(".practical-today"),
        ["Open today 1 July, 10 am – 6 pm"]
    );
    assert_eq!(
        within(".practical-hours li"),
        [
            "1 April to 30 September: Tuesday to Sunday, 10 am – 6 pm. Closed on Monday.",
            "1 October 2026 to 31 March 2027: Wednesday to Sunday, 10 am – 12 pm and 2 pm – 5:30 pm. Closed on Mondays and Tuesdays.",
            "Exceptionally closed on 25 December (Christmas).",
        ]
    );
    let prices: Vec<String> = within(".practical-group li")
        .into_iter()
        .filter(|l| l.contains('€'))
        .collect();
    assert_eq!(
        prices,
        [
            "Adult: €8.50 – €12 (depending on the exhibition)",
            "Child: From €5"
        ]
    );
    // Abroad, the French number is written with +33.
    assert_eq!(
        within(".practical-contact a[href^='tel:']"),
        ["+33 4 84 12 34 56"]
    );
    let dd = within(".practical-group dd");
    assert!(
        dd.contains(&"French, English and German".to_string()),
        "{dd:?}"
    );
}

#[test]
fn the_block_is_in_reading_order_with_headings_and_links() {
    let (_, doc) = page("tourisme/musee/index.html");
    let b = block(&doc);
    assert_eq!(b.value().attr("aria-labelledby"), Some("place-title"));
    // The block's parts in document order: heading, kind, today, contact,
    // then the headed groups, then the booking button.
    let order: Vec<String> = b
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter_map(|e| {
            let el = e.value();
            let class = el.attr("class").unwrap_or("");
            match el.name() {
                "h2" | "h3" => Some(format!("{}:{}", el.name(), read_text(&e))),
                "p" if class.contains("practical-kind") => Some("kind".into()),
                "p" if class.contains("practical-today") => Some("today".into()),
                "dl" if class.contains("practical-contact") => Some("contact".into()),
                "a" if class == "button" => Some(format!("button:{}", read_text(&e))),
                _ => None,
            }
        })
        .collect();
    assert_eq!(
        order,
        [
            "h2:Infos pratiques",
            "kind",
            "today",
            "contact",
            "h3:Horaires d’ouverture",
            "h3:Tarifs",
            "h3:Accueil",
            "h3:Accessibilité",
            "h3:Labels et équipements",
            "button:Réserver",
        ]
    );
    let link = |css: &str| -> (String, String) {
        let a = b.select(&Selector::parse(css).unwrap()).next().unwrap();
        (a.value().attr("href").unwrap().to_string(), read_text(&a))
    };
    assert_eq!(
        link("a[href^='tel:']"),
        ("tel:+33484123456".into(), "04 84 12 34 56".into())
    );
    assert_eq!(
        link("a[href^='mailto:']"),
        (
            "mailto:accueil@musee-orbiere.example".into(),
            "accueil@musee-orbiere.example".into()
        )
    );
    // The web site's link text is its host.
    assert_eq!(
        link("a[href^='https://www.musee']"),
        (
            "https://www.musee-orbiere.example/visiter".into(),
            "www.musee-orbiere.example".into()
        )
    );
    assert_eq!(
        link("a[href^='https://www.openstreetmap.org/']").0,
        "https://www.openstreetmap.org/?mlat=46.612&mlon=5.941#map=15/46.612/5.941"
    );
    assert_eq!(
        link("a.button").0,
        "https://billetterie.musee-orbiere.example/"
    );
}

#[test]
fn the_museums_json_ld_has_its_type_hours_and_prices() {
    let (html, _) = page("tourisme/musee/index.html");
    let m = ld_item(&html, "TouristAttraction");
    assert_eq!(m["name"], "Musée de l'Orbière");
    assert_eq!(m["address"]["@type"], "PostalAddress");
    assert_eq!(m["address"]["postalCode"], "39150");
    assert_eq!(m["address"]["addressLocality"], "Saint-Lac");
    assert_eq!(m["address"]["addressCountry"], "FR");
    assert_eq!(m["geo"]["latitude"], 46.612);
    assert_eq!(m["telephone"], "+33 4 84 12 34 56");
    assert_eq!(m["email"], "accueil@musee-orbiere.example");
    assert_eq!(m["url"], "https://www.musee-orbiere.example/visiter");
    let hours = m["openingHoursSpecification"].as_array().unwrap();
    assert_eq!(hours.len(), 3, "one per period and span");
    assert_eq!(
        hours[0]["dayOfWeek"],
        serde_json::json!([
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday"
        ])
    );
    assert_eq!(
        (&hours[0]["opens"], &hours[0]["closes"]),
        (&Value::from("10:00"), &Value::from("18:00"))
    );
    assert_eq!(hours[0]["validFrom"], "2026-04-01");
    assert_eq!(hours[0]["validThrough"], "2026-09-30");
    assert_eq!(hours[2]["opens"], "14:00");
    assert_eq!(hours[2]["closes"], "17:30");
    assert_eq!(hours[2]["validThrough"], "2027-03-31");
    assert_eq!(
        m["specialOpeningHoursSpecification"][0]["validFrom"],
        "2026-12-25"
    );
    assert_eq!(m["isAccessibleForFree"], false);
    let offers = m["offers"].as_array().unwrap();
    assert_eq!(offers[0]["name"], "Adulte");
    let spec = &offers[0]["priceSpecification"];
    assert_eq!(spec["@type"], "PriceSpecification");
    assert_eq!(
        (spec["minPrice"].as_f64(), spec["maxPrice"].as_f64()),
        (Some(8.5), Some(12.0))
    );
    assert_eq!(spec["priceCurrency"], "EUR");
    assert_eq!(
        offers[1]["priceSpecification"]["minPrice"].as_f64(),
        Some(5.0)
    );
    assert!(offers[1]["priceSpecification"].get("maxPrice").is_none());
    assert_eq!(
        m["paymentAccepted"],
        "Carte bancaire, Espèces, Chèques-Vacances"
    );
    assert_eq!(
        m["availableLanguage"],
        serde_json::json!(["fr", "en", "de"])
    );
    assert_eq!(m["maximumAttendeeCapacity"], 80);
    let features: Vec<(String, bool)> = m["amenityFeature"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["value"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        features.contains(&("Animaux acceptés".into(), false)),
        "{features:?}"
    );
    assert!(
        features.contains(&("Label Tourisme & Handicap: Handicap moteur".into(), true)),
        "{features:?}"
    );
    assert!(
        features.contains(&("Boutique".into(), true)),
        "{features:?}"
    );
    // The cover's credit and licence, read from the photo itself.
    assert_eq!(m["image"]["@type"], "ImageObject");
    assert_eq!(m["image"]["creditText"], "Élise Dumont & Fils");
    assert_eq!(m["image"]["license"], "CC BY-SA 4.0");
    // The English page names its features in English.
    let (en, _) = page("en/tourisme/musee/index.html");
    let e = ld_item(&en, "TouristAttraction");
    assert_eq!(e["amenityFeature"][0]["name"], "Pets welcome");
}

#[test]
fn past_midnight_and_hostile_text_in_the_bar() {
    let (html, doc) = page("tourisme/bar/index.html");
    assert_eq!(
        read_texts(&doc, ".practical-hours li"),
        ["Toute l’année : vendredi et samedi, 22 h – 2 h."]
    );
    // On a Wednesday it is closed; its number is written the French way.
    assert_eq!(
        read_texts(&doc, ".practical-today .badge"),
        ["Fermé aujourd’hui"]
    );
    assert_eq!(
        read_texts(&doc, ".practical-contact a[href^='tel:']"),
        ["03 84 00 11 22"]
    );
    // Hostile text shows as text, and scripts stay out.
    assert_eq!(
        read_texts(&doc, ".price-label"),
        ["</script><script>alert(1)</script> :"]
    );
    assert!(!html.contains("<script>alert"), "a script got through");
    assert!(!html.contains("<img src=x"), "an element got through");
    assert!(
        !html.contains("<b>de nuit"),
        "markup in the type got through"
    );
    // No link runs code (a `javascript:` web or booking address is an
    // error of the front matter: data::a_javascript_web_address_is_an_error).
    crate::support::assert_no_link_runs_code(&doc);
    assert!(!html.to_ascii_lowercase().contains("javascript:alert"));
    assert!(select(&doc, "section.practical a.button").is_empty());
    let raw: String = select(&doc, r#"script[type="application/ld+json"]"#)[0]
        .text()
        .collect();
    assert!(!raw.contains('<') && !raw.contains('>'), "{raw}");
    let bar = ld_item(&html, "FoodEstablishment");
    assert_eq!(
        bar["offers"][0]["name"],
        "</script><script>alert(1)</script>"
    );
    assert_eq!(
        bar["offers"][0]["description"],
        "<img src=x onerror=alert(4)>"
    );
    assert_eq!(bar["openingHoursSpecification"][0]["opens"], "22:00");
    assert_eq!(bar["openingHoursSpecification"][0]["closes"], "02:00");
    assert!(bar.get("url").is_some_and(|u| {
        u.as_str()
            .unwrap()
            .starts_with("https://www.example-territoire.fr/")
    }));
    assert!(bar.get("potentialAction").is_none());
}

#[test]
fn a_free_garden_and_a_gite_with_stars() {
    let (html, doc) = page("tourisme/jardin/index.html");
    assert_eq!(
        read_texts(&doc, ".practical-group:not(.practical-hours) li strong"),
        ["Gratuit"]
    );
    assert_eq!(
        read_texts(&doc, ".practical-hours li"),
        ["Du 1er mars au 31 octobre : tous les jours, 9 h – 19 h."]
    );
    assert_eq!(
        ld_item(&html, "TouristAttraction")["isAccessibleForFree"],
        true
    );

    let (html, doc) = page("tourisme/gite/index.html");
    let dd = read_texts(&doc, ".practical-group dd");
    assert!(dd.contains(&"3 étoiles ★★★".to_string()), "{dd:?}");
    let stars = select(&doc, ".stars");
    assert_eq!(stars[0].value().attr("aria-hidden"), Some("true"));
    assert!(dd.contains(&"6 personnes".to_string()), "{dd:?}");
    assert!(
        dd.contains(&"français et néerlandais".to_string()),
        "{dd:?}"
    );
    assert_eq!(
        read_texts(&doc, ".practical-group li"),
        [
            "Semaine : 450 € – 720 €",
            "Nuitée : À partir de 95 €",
            "Gîtes de France",
            "Accueil Vélo",
            "Wi-Fi",
            "Lave-linge",
            "Jardin"
        ]
    );
    let button = select(&doc, "section.practical a.button");
    assert_eq!(
        button[0].value().attr("href"),
        Some("mailto:resa@gite-du-moulin.example")
    );
    let gite = ld_item(&html, "LodgingBusiness");
    assert_eq!(gite["starRating"]["@type"], "Rating");
    assert_eq!(gite["starRating"]["ratingValue"], 3);
    assert_eq!(gite["petsAllowed"], true);
    assert_eq!(
        gite["offers"][0]["priceSpecification"]["minPrice"].as_f64(),
        Some(450.0)
    );
}

#[test]
fn a_place_with_only_an_address_shows_no_empty_block() {
    let (html, doc) = page("tourisme/fontaine/index.html");
    let b = block(&doc);
    // Its name is its heading, and is not said again.
    assert_eq!(
        read_texts(&doc, "section.practical h2"),
        ["Fontaine de la place"]
    );
    assert_eq!(
        read_texts(&doc, "section.practical dd"),
        ["Place de la Fontaine, 39150 Saint-Lac"]
    );
    for css in [
        "h3",
        "ul",
        ".practical-groups",
        ".practical-today",
        ".practical-kind",
        "a",
    ] {
        assert!(
            b.select(&Selector::parse(css).unwrap()).next().is_none(),
            "`{css}` in a block with only an address"
        );
    }
    // Every element holds something.
    for e in b.descendants().filter_map(ElementRef::wrap) {
        if !matches!(e.value().name(), "svg" | "use") {
            assert!(!read_text(&e).is_empty(), "an empty <{}>", e.value().name());
        }
    }
    // Its schema.org address stays the text written.
    assert_eq!(
        ld_item(&html, "TouristAttraction")["address"],
        "Place de la Fontaine, 39150 Saint-Lac"
    );
}

#[test]
fn places_without_coordinates_list_the_others_of_their_commune_by_title() {
    let near = |path: &str| -> Vec<String> {
        let (_, doc) = page(path);
        select(&doc, ".nearby-item")
            .iter()
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    // Saint-Lac: the gîte and the bar, without coordinates, list the
    // others of their commune by title, not themselves.
    let gite = near("tourisme/gite/index.html");
    assert_eq!(gite.len(), 2, "{gite:?}");
    assert!(gite[0].starts_with("Le Quai de nuit"), "{gite:?}");
    assert!(gite[1].starts_with("Musée de l'Orbière"), "{gite:?}");
    assert!(gite.iter().all(|n| n.ends_with("à Saint-Lac")), "{gite:?}");
    let bar = near("tourisme/bar/index.html");
    assert_eq!(bar.len(), 2, "{bar:?}");
    assert!(
        bar[0].starts_with("Gîte du Moulin") && bar[1].starts_with("Musée de l'Orbière"),
        "{bar:?}"
    );
    // The museum has coordinates, and no other place has: none near it.
    assert!(near("tourisme/musee/index.html").is_empty());
    // A copy with three more places of Saint-Lac: one whose file comes
    // first and title last, the commune spelt otherwise; an event over
    // (the build is on 1 July 2026), not listed.
    let site = SiteTest::from_fixture("practical/places")
        .file(
            "content/tourisme/abri.md",
            "+++\ntitle = \"Zinc du port\"\n[place]\ncommune = \"saint lac\"\n+++\n",
        )
        .file(
            "content/tourisme/marche.md",
            "+++\ntitle = \"Marché de mai\"\n[place]\ncommune = \"Saint-Lac\"\n[event]\nstart = 2026-05-02T08:00:00\nend = 2026-05-02T12:00:00\n+++\n",
        );
    site.build().assert_success();
    let html = read(&site.out().join("tourisme/gite/index.html"));
    let doc = Html::parse_document(&html);
    let gite: Vec<String> = select(&doc, ".nearby-item .nearby-text a")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        gite,
        ["Le Quai de nuit", "Musée de l'Orbière", "Zinc du port"],
        "by title, the event over left out"
    );
    // Orbière: the garden is alone in its commune.
    assert!(near("tourisme/jardin/index.html").is_empty());
}
