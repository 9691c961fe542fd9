//! HTML written in markdown: embed codes pasted by editors are cleaned
//! against the theme's allow-list, each removal a warning with its line and
//! what to write instead; a site may choose to publish HTML as written.

use scraper::ElementRef;

use crate::support::{SiteTest, select};

const PAGE: &str = "content/tourisme/suivre.md";

/// The warnings of `check --format json` with `code`: (file, line, message, help).
fn warnings(v: &serde_json::Value, code: &str) -> Vec<(String, u64, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            assert_eq!(d["severity"], "warning", "{d}");
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The elements inside the page's text (the theme's own markup left out).
fn prose(doc: &scraper::Html) -> Vec<ElementRef<'_>> {
    let prose = select(doc, ".prose");
    assert_eq!(prose.len(), 1);
    prose[0]
        .descendants()
        .filter_map(ElementRef::wrap)
        .collect()
}

#[test]
fn pasted_embeds_are_removed_each_with_its_line_and_fix() {
    let site = SiteTest::from_fixture("html/pasted-embeds");
    let o = site.build().assert_success();
    assert!(
        o.stderr().contains("content/tourisme/suivre.md:9:1"),
        "{}",
        o.stderr()
    );

    let doc = o.html("tourisme/suivre/index.html");
    for el in prose(&doc) {
        let name = el.value().name();
        assert!(
            !matches!(
                name,
                "script" | "iframe" | "svg" | "style" | "object" | "embed"
            ),
            "<{name}> left in the page"
        );
        for (attr, value) in el.value().attrs() {
            assert!(
                !(attr.starts_with("on") || attr == "style" || attr.starts_with("data-")),
                "<{name} {attr}> left in the page"
            );
            assert!(
                !(attr == "src" || attr == "srcset") || !value.contains("://"),
                "<{name} {attr}=\"{value}\"> loads from another host"
            );
        }
    }
    // What the embeds said stays: text, links, the page's own HTML.
    let text: String = select(&doc, ".prose")[0].text().collect();
    for words in [
        "Office de tourisme du Val d'Orbière",
        "Une publication partagée par Val d'Orbière",
        "Attention : la route du lac est fermée en hiver.",
        "03 84 00 00 00",
        "Horaires d'ouverture",
        "Le parking est gratuit",
    ] {
        assert!(text.contains(words), "`{words}` is missing from: {text}");
    }
    assert_eq!(select(&doc, ".prose details > summary").len(), 1);
    assert_eq!(
        select(&doc, ".prose abbr[title=\"Office de tourisme\"]").len(),
        1
    );
    assert_eq!(
        select(
            &doc,
            ".prose a[href=\"https://www.facebook.com/ValOrbiereTourisme\"]"
        )
        .len(),
        1
    );
    // Only the content is cleaned: the theme's scripts are the site's.
    let scripts = select(&doc, "script[src]");
    assert!(!scripts.is_empty());
    for s in scripts {
        let src = s.value().attr("src").unwrap();
        assert!(
            src.starts_with("https://www.example-territoire.fr/"),
            "{src}"
        );
    }

    let c = site.check_json();
    assert_eq!(c.code(), Some(0), "{}", c.stderr());
    let v = c.json();
    let found = warnings(&v, "raw-html-removed");
    assert!(found.iter().all(|(file, ..)| file == PAGE), "{found:?}");
    let seen: Vec<(u64, &str)> = found
        .iter()
        .map(|(_, line, message, _)| (*line, message.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (9, "`<iframe>` removed"),
            (14, "`<script>` removed"),
            (
                16,
                "attributes removed: `data-href`, `data-tabs`, `data-width`, `data-height`, `data-small-header`, `data-adapt-container-width`, `data-hide-cover`, `data-show-facepile`"
            ),
            (20, "`style` attribute removed (11 times)"),
            (
                20,
                "attributes removed: `data-instgrm-captioned`, `data-instgrm-permalink`, `data-instgrm-version`"
            ),
            (20, "`<svg>` removed"),
            (21, "`<script>` removed"),
            (25, "`<iframe>` removed"),
            (
                29,
                "an image from another host removed: https://www.tripadvisor.fr/img/cdsi/img2/branding/tripadvisor_logo.png"
            ),
            (29, "`onerror` attribute removed"),
            (33, "`style` attribute removed"),
            (35, "`onclick` attribute removed"),
            // In the body of a shortcode, which the theme renders as markdown.
            (45, "`style` attribute removed"),
        ]
    );
    let help = |line: u64, message: &str| {
        found
            .iter()
            .find(|(_, l, m, _)| *l == line && m.starts_with(message))
            .map(|(.., h)| h.as_str())
            .unwrap()
    };
    assert!(help(9, "`<iframe>`").starts_with("use {{ video(provider=…, id=…) }} for YouTube, Vimeo, PeerTube or Dailymotion: the player loads only after a click"));
    assert_eq!(
        help(14, "`<script>`"),
        "scripts cannot run in content: the site's pages allow no script but the theme's"
    );
    assert_eq!(
        help(33, "`style`"),
        "styles come from the theme: use a class of the theme, or markdown"
    );
    assert!(help(35, "`onclick`").starts_with("event handlers are removed"));
    assert_eq!(
        help(29, "an image"),
        "put the image in the page's folder: the site makes no request to another host"
    );

    let root = site.root().to_str().unwrap();
    site.run(&["check", root, "--strict"]).assert_failure();
}

#[test]
fn a_site_that_trusts_its_editors_publishes_html_as_written_and_check_says_so() {
    let site = SiteTest::from_fixture("html/pasted-embeds-trusted");
    let o = site.build().assert_success();
    let doc = o.html("tourisme/suivre/index.html");
    let kept = |css: &str| !select(&doc, css).is_empty();
    assert!(kept(
        ".prose iframe[src^=\"https://www.youtube.com/embed/\"]"
    ));
    assert!(kept(
        ".prose script[src^=\"https://connect.facebook.net/\"]"
    ));
    assert!(kept(".prose p[style]"));
    assert!(kept(".prose span[onclick]"));

    let v = site.check_json().json();
    assert!(warnings(&v, "raw-html-removed").is_empty(), "{v}");
    let trusted = warnings(&v, "raw-html-trusted");
    assert_eq!(trusted.len(), 1, "{v}");
    assert_eq!(trusted[0].0, "blason.toml");
    let root = site.root().to_str().unwrap();
    site.run(&["check", root, "--strict"]).assert_failure();
}
