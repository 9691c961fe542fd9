//! Interface strings per language: English under every language, the keys
//! that fall back to it named by `check`, and a site's own `i18n/LANG.toml`.

use crate::support::{SiteTest, read};

/// The `i18n-missing` warnings of a `check --format json` run.
fn missing_strings(site: &SiteTest) -> Vec<serde_json::Value> {
    let o = site.check_json();
    assert_eq!(o.code(), Some(0), "{}", o.stderr());
    o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "i18n-missing")
        .cloned()
        .collect()
}

#[test]
fn a_language_nothing_translates_is_named_and_shown_in_english() {
    let site = SiteTest::from_fixture("strings/partial-languages");
    let warnings = missing_strings(&site);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!(w["severity"], "warning");
    assert_eq!(w["file"], "i18n/pt.toml");
    assert!(w["message"].as_str().unwrap().contains("`pt`"), "{w}");
    assert!(w["help"].as_str().unwrap().contains("i18n/en.toml"), "{w}");
    // The coverage names the keys too: all of them for Portuguese, none for
    // German, whose theme file has them all.
    let coverage = site.check_json().json()["translations"].clone();
    let keys = |lang: &str| {
        coverage
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lang"] == lang)
            .unwrap()["missing_strings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(keys("pt") > 50, "{coverage}");
    assert_eq!(keys("de"), 0, "{coverage}");

    let run = site.build().assert_success();
    // Portuguese pages speak English, with English plural rules.
    let pt = run.read("pt/index.html");
    assert!(pt.contains("Skip to content"), "{pt}");
    assert!(run.read("pt/audiences/index.html").contains(">0 pages<"));
    // German: the theme's strings, two of them the site's own.
    let de = run.read("de/index.html");
    assert!(
        de.contains("Direkt zum Inhalt") && de.contains("Hauptmenü"),
        "{de}"
    );
    assert!(run.read("de/audiences/index.html").contains(">0 Seiten<"));
    // Each language's typography on its own text.
    assert!(de.contains("Die Region „am See“"), "{de}");
    assert!(run.read("index.html").contains("Bienvenue\u{202F}!"));
}

#[test]
fn keys_an_ejected_theme_lacks_fall_back_to_english_and_are_named() {
    let site = SiteTest::from_fixture("strings/partial-languages");
    let root = site.root();
    site.run(&["theme", "eject", root.to_str().unwrap()])
        .assert_success();
    // The ejected German file loses three strings; the site's i18n/de.toml
    // gives one of them.
    let de = root.join("themes/postale/i18n/de.toml");
    let kept: String = read(&de)
        .lines()
        .filter(|l| {
            !["main_menu =", "close =", "skip_to_content ="]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&de, kept).unwrap();

    let warnings = missing_strings(&site);
    let de: Vec<_> = warnings
        .iter()
        .filter(|w| w["file"] == "themes/postale/i18n/de.toml")
        .collect();
    assert_eq!(de.len(), 1, "{warnings:?}");
    let message = de[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("2 interface strings in `de`"),
        "{message}"
    );
    assert!(
        message.contains("`main_menu`") && message.contains("`close`"),
        "{message}"
    );
    assert!(!message.contains("skip_to_content"), "{message}");

    let run = site.build().assert_success();
    let page = run.read("de/index.html");
    assert!(
        page.contains("Direkt zum Inhalt") && page.contains("Main menu"),
        "{page}"
    );
}
