//! The postale theme as a visitor on a phone meets it, on the built
//! example: the header's menu (a disclosure that needs no script), the
//! audiences as who the visitor is, the footer's contact block and network
//! icons, and the polish of photo, tag and event pages. The browser's side
//! (200 % text at 390 px, focus rings) is judged by tests/judges/reflow.mjs.

use crate::support::{example, read, read_text, read_texts, select};

fn page(path: &str) -> scraper::Html {
    scraper::Html::parse_document(&read(&example().join(path)))
}

#[test]
fn the_menu_is_a_disclosure_holding_navigation_search_languages_and_audiences_in_reading_order() {
    let doc = page("index.html");
    let menus = select(&doc, "header details.menu");
    assert_eq!(menus.len(), 1, "one menu");
    assert!(menus[0].value().attr("open").is_none(), "folded by default");
    assert_eq!(
        read_texts(&doc, "details.menu > summary.menu-button"),
        ["Menu"]
    );
    // What the menu holds, in the order it is read and shown.
    let order: Vec<String> = select(&doc, "details.menu .menu-panel > *")
        .iter()
        .map(|e| e.value().attr("class").unwrap_or("").to_string())
        .collect();
    assert_eq!(
        order,
        ["main-nav", "header-search", "lang-switch", "audience-nav"]
    );
    // No script drives it: the page's scripts are files, none inline but JSON-LD.
    for s in select(&doc, "script") {
        assert!(
            s.value().attr("src").is_some()
                || s.value().attr("type") == Some("application/ld+json"),
            "an inline script: {}",
            s.html()
        );
    }
}

#[test]
fn audiences_say_who_the_visitor_is_in_each_language() {
    let fr = page("index.html");
    // French spacing kept: a narrow no-break space before the colon.
    assert_eq!(
        select(&fr, ".audience-label")[0].text().collect::<String>(),
        "Vous êtes\u{202f}:"
    );
    assert_eq!(
        read_texts(&fr, ".audience-nav li a"),
        ["visiteur", "habitant", "entrepreneur", "étudiant"]
    );
    let en = page("en/index.html");
    assert_eq!(read_texts(&en, ".audience-label"), ["You are:"]);
    assert_eq!(
        read_texts(&en, ".audience-nav li a"),
        ["visitor", "resident", "business owner", "student"]
    );
    // The audience's page keeps its title.
    let visitors = page("audiences/visiteurs/index.html");
    assert_eq!(read_texts(&visitors, "main h1"), ["Visiter"]);
}

#[test]
fn the_brand_name_is_the_same_in_the_header_and_the_hero_of_each_language() {
    for (file, name) in [
        ("index.html", "Val d'Orbière"),
        ("en/index.html", "Orbière Valley"),
        ("de/index.html", "Orbière-Tal"),
    ] {
        let doc = page(file);
        assert_eq!(read_texts(&doc, "header .brand"), [name], "{file}");
        assert_eq!(read_texts(&doc, ".hero h1"), [name], "{file}");
        assert_eq!(read_texts(&doc, ".footer-brand"), [name], "{file}");
    }
}

#[test]
fn the_footer_shows_the_office_contact_block_from_blason_toml() {
    let fr = page("tourisme/index.html");
    assert_eq!(
        read_texts(&fr, ".footer-contact .contact-name"),
        ["Office de tourisme du Val d'Orbière"]
    );
    let address = select(&fr, ".footer-contact address").remove(0);
    let html = address.html();
    assert!(
        html.contains("2 place de la Gare<br>73500 Orbière"),
        "{html}"
    );
    let tel: Vec<_> = select(&fr, ".footer-contact a[href^='tel:']");
    assert_eq!(tel[0].value().attr("href"), Some("tel:+33479001234"));
    assert_eq!(read_text(&tel[0]), "04 79 00 12 34");
    let mail = select(&fr, ".footer-contact a[href^='mailto:']");
    assert_eq!(
        mail[0].value().attr("href"),
        Some("mailto:accueil@val-orbiere.example")
    );
    let hours = read_texts(&fr, ".contact-hours");
    assert!(
        hours[0].starts_with("Horaires d’ouverture")
            && hours[0].contains("Du lundi au samedi : 9 h-12 h 30"),
        "{hours:?}"
    );
    assert!(
        select(&fr, ".contact-hours [lang]").is_empty(),
        "French hours on a French page"
    );

    // English has hours of its own; German shows the French ones, marked as French.
    let en = page("en/index.html");
    assert_eq!(
        read_texts(&en, ".footer-contact .contact-name"),
        ["Orbière Valley Tourist Office"]
    );
    assert_eq!(
        select(&en, ".footer-contact a[href^='tel:']")[0]
            .text()
            .collect::<String>(),
        "+33 4 79 00 12 34"
    );
    assert!(read_texts(&en, ".contact-hours")[0].contains("Monday to Saturday"));
    let de = page("de/index.html");
    let marked = select(&de, ".contact-hours span[lang='fr']");
    assert_eq!(marked.len(), 1);
    assert!(read_text(&marked[0]).starts_with("Du lundi au samedi"));
}

#[test]
fn the_footer_states_the_accessibility_compliance_in_each_language() {
    // `[accessibility] status = "partial"` in the example's blason.toml.
    for (file, text) in [
        ("index.html", "Accessibilité : partiellement conforme"),
        ("en/index.html", "Accessibility: partially compliant"),
        ("de/index.html", "Barrierefreiheit: teilweise konform"),
    ] {
        let doc = page(file);
        let links: Vec<_> = select(&doc, "footer.site-footer a")
            .into_iter()
            .filter(|a| {
                a.value()
                    .attr("href")
                    .is_some_and(|h| h.ends_with("/accessibilite/"))
            })
            .collect();
        assert_eq!(links.len(), 1, "{file}: one link to the statement");
        assert_eq!(read_text(&links[0]), text, "{file}");
    }
}

#[test]
fn networks_have_icons_from_the_theme_sprite_and_their_own_spelling() {
    let doc = page("index.html");
    let links = select(&doc, ".site-footer .social a");
    let names: Vec<String> = links.iter().map(read_text).collect();
    assert_eq!(names, ["Instagram", "Facebook", "LinkedIn", "Mastodon"]);
    for (link, key) in links
        .iter()
        .zip(["instagram", "facebook", "linkedin", "mastodon"])
    {
        let uses = select(
            &doc,
            &format!(
                ".site-footer .social a[href='{}'] svg[aria-hidden='true'] use",
                link.value().attr("href").unwrap()
            ),
        );
        assert_eq!(uses.len(), 1, "{key}: one icon");
        let href = uses[0].value().attr("href").unwrap();
        assert!(
            href.ends_with(&format!("/icons/networks.svg#{key}")),
            "{href}"
        );
    }
    // Every icon the footer asks for is in the sprite, which the site serves itself.
    let sprite = read(&example().join("icons/networks.svg"));
    for key in ["instagram", "facebook", "linkedin", "mastodon"] {
        assert!(
            sprite.contains(&format!("<symbol id=\"{key}\"")),
            "{key} not in the sprite"
        );
    }
    assert!(!sprite.contains("<script"));
}

#[test]
fn the_site_map_is_linked_once_from_the_footer() {
    for file in ["index.html", "en/index.html", "agenda/index.html"] {
        let doc = page(file);
        let site_map = select(&doc, "footer.site-footer a")
            .into_iter()
            .filter(|a| {
                a.value()
                    .attr("href")
                    .is_some_and(|h| h.contains("plan-du-site") || h.contains("site-map"))
            })
            .count();
        assert_eq!(site_map, 1, "{file}");
    }
}

#[test]
fn a_photo_page_is_titled_by_its_caption_without_the_full_stop_and_says_it_once() {
    let doc = page("tourisme/gorges-de-la-doye/photos/sittelle/index.html");
    let title = "Une sittelle torchepot, habituée des hêtraies du val";
    assert_eq!(read_texts(&doc, "main h1"), [title]);
    assert_eq!(
        read_texts(&doc, "title")[0],
        format!("{title} | Val d'Orbière")
    );
    assert_eq!(
        read_texts(&doc, ".breadcrumb [aria-current='page']"),
        [title]
    );
    let body = read_texts(&doc, "main")[0].clone();
    assert_eq!(
        body.matches("habituée des hêtraies").count(),
        2,
        "h1 and breadcrumb only: {body}"
    );
    assert!(!body.contains("hêtraies du val."), "{body}");
}

#[test]
fn tag_pages_show_the_tag_as_written_under_a_translated_breadcrumb() {
    let doc = page("tags/ete/index.html");
    assert_eq!(read_texts(&doc, "main h1"), ["été"]);
    assert_eq!(
        select(&doc, "main h1")[0].value().attr("class"),
        Some("term-title")
    );
    assert_eq!(
        read_texts(&doc, ".breadcrumb li"),
        ["Val d'Orbière", "Mots-clés", "été"]
    );
    let create = page("tags/creation-d-entreprise/index.html");
    assert_eq!(read_texts(&create, "main h1"), ["création d'entreprise"]);
    let de = page("de/tags/baden/index.html");
    assert_eq!(read_texts(&de, ".breadcrumb li")[1], "Schlagwörter");
}

#[test]
fn the_agenda_is_the_current_menu_item_on_event_pages() {
    let agenda = page("agenda/index.html");
    let current = select(&agenda, ".main-nav a[aria-current]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].value().attr("aria-current"), Some("page"));
    assert_eq!(read_text(&current[0]), "Agenda");

    let event = page("agenda/concert-du-nouvel-an/index.html");
    let current = select(&event, ".main-nav a[aria-current]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].value().attr("aria-current"), Some("true"));
    assert_eq!(read_text(&current[0]), "Agenda");

    // A page inside a pillar marks the pillar, not as the page itself.
    let article = page("tourisme/gorges-de-la-doye/index.html");
    let current = select(&article, ".main-nav a[aria-current]");
    assert_eq!(current.len(), 1);
    assert_eq!(
        (
            read_text(&current[0]).as_str(),
            current[0].value().attr("aria-current")
        ),
        ("Découvrir", Some("true"))
    );
}
