//! Sites translated in part: what each language's navigation, listings,
//! language switch, alternates, sitemap and feeds name, and what `check`
//! says of the coverage. The fixture `languages/partial` is a French site
//! of ten pages with an English home page and one English article (English
//! links what it has not translated) and a German home page (German leaves
//! it out).

use crate::support::{SiteTest, select};

const BASE: &str = "https://www.example-territoire.fr";

fn site() -> SiteTest {
    SiteTest::from_fixture("languages/partial")
}

fn hrefs(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .filter_map(|e| e.value().attr("href").map(String::from))
        .collect()
}

#[test]
fn every_link_of_a_site_translated_at_ten_percent_leads_to_a_page() {
    let b = site().build().assert_success();
    // Every address of every output file leads to a file of the output.
    let found = blason::audit_folder(b.out(), BASE).unwrap();
    assert!(found.is_empty(), "{found:#?}");
    // Theme-made pages exist in every language, translated or not.
    for f in [
        "en/agenda/index.html",
        "en/site-map/index.html",
        "en/tags/index.html",
        "en/audiences/index.html",
        "en/atom.xml",
        "de/veranstaltungen/index.html",
        "de/sitemap/index.html",
        "de/tags/index.html",
        "de/atom.xml",
    ] {
        assert!(b.out().join(f).is_file(), "{f} is missing");
    }
}

#[test]
fn english_lists_what_it_has_not_translated_with_its_language_marked() {
    let b = site().build().assert_success();
    // The English culture pillar has no English page: it lists the French
    // ones, each marked as French, with a notice in English.
    let culture = b.html("en/culture/index.html");
    let cards = select(&culture, "li.card");
    assert_eq!(cards.len(), 2, "the chapel and the museum");
    for card in &cards {
        assert_eq!(card.value().attr("lang"), Some("fr"));
        let a = card
            .select(&scraper::Selector::parse("a").unwrap())
            .next()
            .unwrap();
        assert_eq!(a.value().attr("hreflang"), Some("fr"));
        assert!(
            a.value()
                .attr("href")
                .unwrap()
                .starts_with(&format!("{BASE}/culture/"))
        );
        let notice = card
            .select(&scraper::Selector::parse(".only-in").unwrap())
            .next()
            .expect("a notice");
        assert_eq!(notice.value().attr("lang"), Some("en"));
        assert_eq!(notice.text().collect::<String>(), "In French only");
    }
    // The English tourism pillar lists the English lake, not the French one.
    let tourisme = b.read("en/tourisme/index.html");
    assert!(tourisme.contains(&format!("{BASE}/en/tourisme/lac/")));
    assert!(!tourisme.contains(&format!("\"{BASE}/tourisme/lac/\"")));
    assert!(tourisme.contains(&format!("{BASE}/tourisme/foret/")));
    // The English agenda shows the French event, marked.
    let agenda = b.read("en/agenda/index.html");
    assert!(agenda.contains("La fête du lac") && agenda.contains("In French only"));
    // A listing's card in its own language carries no mark.
    let fr = b.html("culture/index.html");
    assert!(select(&fr, "li.card[lang]").is_empty());
    assert!(select(&fr, ".only-in").is_empty());
}

#[test]
fn german_leaves_out_what_it_has_not_translated() {
    let b = site().build().assert_success();
    for f in ["de/tourisme/index.html", "de/culture/index.html"] {
        assert!(!b.out().join(f).exists(), "{f} should not be built");
    }
    let home = b.html("de/index.html");
    let nav = hrefs(&home, ".main-nav a");
    assert_eq!(
        nav,
        [format!("{BASE}/de/veranstaltungen/")],
        "only the agenda"
    );
    let agenda = b.read("de/veranstaltungen/index.html");
    assert!(!agenda.contains("La fête du lac"));
    assert!(
        agenda.contains("Zurzeit keine"),
        "it says there is nothing on"
    );
    assert!(!agenda.contains("agenda.ics"), "no calendar without events");
}

#[test]
fn alternates_and_the_switch_name_only_real_translations() {
    let b = site().build().assert_success();
    // A translated page: an alternate per language it exists in.
    let lac = b.html("tourisme/lac/index.html");
    let alternates = hrefs(&lac, "link[rel=alternate][hreflang]");
    assert_eq!(
        alternates,
        [
            format!("{BASE}/tourisme/lac/"),
            format!("{BASE}/en/tourisme/lac/")
        ]
    );
    // An untranslated page: no alternate; its switch leads to each other
    // language's home page.
    let chapelle = b.html("culture/chapelle/index.html");
    assert!(select(&chapelle, "link[rel=alternate][hreflang]").len() <= 1);
    assert!(
        !hrefs(&chapelle, "link[rel=alternate][hreflang]")
            .iter()
            .any(|h| h.contains("/en/") || h.contains("/de/"))
    );
    let switch = hrefs(&chapelle, ".lang-switch a");
    assert_eq!(
        switch,
        [
            format!("{BASE}/culture/chapelle/"),
            format!("{BASE}/en/"),
            format!("{BASE}/de/")
        ]
    );
    // The sitemap names the English lake with its French alternate, and no
    // German page that was left out.
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE}/en/tourisme/lac/</loc>")));
    assert!(!sitemap.contains("/de/tourisme/") && !sitemap.contains("/de/culture/"));
}

#[test]
fn each_language_has_its_own_feed() {
    let b = site().build().assert_success();
    let en = b.read("en/atom.xml");
    assert_eq!(en.matches("<entry>").count(), 1);
    assert!(en.contains("The lake") && en.contains("xml:lang=\"en\""));
    let de = b.read("de/atom.xml");
    assert_eq!(
        de.matches("<entry>").count(),
        0,
        "nothing dated in German yet"
    );
    let fr = b.read("atom.xml");
    assert_eq!(fr.matches("<entry>").count(), 8);
}

#[test]
fn check_reports_the_coverage_of_each_language_and_links_across_languages() {
    let c = site().check_json();
    assert_eq!(c.code(), Some(0), "{}", c.stderr());
    let v = c.json();
    let langs = v["translations"].as_array().unwrap();
    let of = |code: &str| langs.iter().find(|l| l["lang"] == code).unwrap().clone();
    let en = of("en");
    assert_eq!(en["untranslated"], "link");
    assert_eq!(en["pages"]["total"], 9);
    assert_eq!(en["pages"]["translated"], 1);
    assert_eq!(en["untranslated_pages"].as_array().unwrap().len(), 8);
    assert!(
        en["untranslated_pages"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("content/culture/chapelle.md"))
    );
    let across = en["links_to_other_languages"].as_array().unwrap();
    assert_eq!(across.len(), 2, "{across:?}");
    let chapel = across
        .iter()
        .find(|l| l["target"] == "culture/chapelle.md")
        .unwrap();
    assert_eq!(chapel["file"], "content/tourisme/lac.en.md");
    assert_eq!(chapel["target_lang"], "fr");
    assert!(
        chapel["translation"].is_null(),
        "the chapel has no English version"
    );
    let lake = across
        .iter()
        .find(|l| l["target"] == "tourisme/lac.md")
        .unwrap();
    assert_eq!(lake["translation"], "tourisme/lac.en.md");
    let de = of("de");
    assert_eq!(de["untranslated"], "leave-out");
    assert_eq!(de["pages"]["translated"], 0);
    assert!(
        of("fr")["untranslated"].is_null(),
        "the default language has all"
    );
    // The link to the French lake, which has an English version, is a warning
    // that says which page to link to.
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "link-to-other-language")
        .expect("a warning");
    assert_eq!(d["file"], "content/tourisme/lac.en.md");
    assert!(d["help"].as_str().unwrap().contains("@/tourisme/lac.en.md"));
}
