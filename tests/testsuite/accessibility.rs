//! The accessibility statement generated from `[accessibility]`
//! (`accessibility/statement`: a French and an English statement page), its
//! errors, and videos with a transcript and captions (`accessibility/video`).

use crate::support::{SiteTest, read_text, read_texts, select};

/// The text of the whole statement block, spaces collapsed.
fn statement_text(doc: &scraper::Html) -> String {
    let block = select(doc, ".a11y-statement");
    assert_eq!(block.len(), 1, "one statement block");
    read_text(&block[0])
}

#[test]
fn the_statement_shows_every_field_of_blason_toml_in_french_and_english() {
    let site = SiteTest::from_fixture("accessibility/statement");
    let run = site.build().assert_success();
    let fr = run.html("accessibilite/index.html");
    let text = statement_text(&fr);
    for said in [
        "Office de tourisme du Territoire test s’engage à rendre son site internet accessible",
        "article 47 de la loi n° 2005-102",
        "s’applique au site www.example-territoire.fr",
        "est partiellement conforme avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1.2",
        "révèle que 62,5",
        "% des critères du RGAA version 4.1.2 sont respectés",
        "14 mars 2026",
        "Cabinet Accès Orbière",
        "Le plan du lac n'a pas de description textuelle (critère 1.3).",
        "Archives des bulletins municipaux — documents publiés avant le 23 septembre 2018",
        "HTML5",
        "NVDA avec Firefox",
        "accessibilite@example-territoire.fr",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
    ] {
        assert!(
            text.contains(said),
            "French statement lacks «{said}»:\n{text}"
        );
    }
    // DINUM's model's sections, in its order.
    assert_eq!(
        read_texts(&fr, ".a11y-statement h2"),
        [
            "État de conformité",
            "Résultats des tests",
            "Contenus non accessibles",
            "Établissement de cette déclaration",
            "Retour d’information et contact",
            "Voies de recours"
        ]
    );
    let hrefs = |doc: &scraper::Html| -> Vec<String> {
        select(doc, ".a11y-statement a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(String::from))
            .collect()
    };
    let links = hrefs(&fr);
    for href in [
        "https://www.example-territoire.fr/",
        "https://www.example-territoire.fr/tourisme/lac/",
        "mailto:accessibilite@example-territoire.fr",
        "https://demarches.example-territoire.fr/accessibilite/",
        "https://formulaire.defenseurdesdroits.fr/",
        "https://www.defenseurdesdroits.fr/carte-des-delegues",
    ] {
        assert!(
            links.iter().any(|l| l == href),
            "no link to {href}: {links:?}"
        );
    }
    assert_eq!(
        select(&fr, ".a11y-audit time")[0].value().attr("datetime"),
        Some("2026-03-14")
    );
    // Nothing is marked as another language on the French page but nothing needs it.
    assert!(select(&fr, ".a11y-statement [lang]").is_empty());

    let en = run.html("en/accessibilite/index.html");
    let text = statement_text(&en);
    for said in [
        "Office de tourisme du Territoire test is committed to making its website accessible",
        "is partially compliant with the French accessibility standard RGAA",
        "version 4.1.2",
        "shows that 62.5% of the criteria of RGAA version 4.1.2 are met",
        "March 14, 2026",
        "Orbière Access consultants",
        "The lake's map has no text description (criterion 1.3).",
        "Archives of the town newsletters — documents published before 23 September 2018",
        "NVDA avec Firefox",
        "accessibilite@example-territoire.fr",
        "Write to the Défenseur des droits",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
    ] {
        assert!(
            text.contains(said),
            "English statement lacks «{said}»:\n{text}"
        );
    }
    // What [languages.en.accessibility] translates is not left in French.
    for french in [
        "Cabinet Accès Orbière",
        "Le plan du lac",
        "Archives des bulletins",
        "Accueil",
    ] {
        assert!(
            !text.contains(french),
            "English statement shows «{french}»:\n{text}"
        );
    }
    // Every fixed text is the theme's English: DINUM's sections, in order.
    assert_eq!(
        read_texts(&en, ".a11y-statement h2"),
        [
            "Compliance status",
            "Test results",
            "Content that is not accessible",
            "Preparation of this statement",
            "Feedback and contact",
            "Enforcement procedure"
        ]
    );
    assert_eq!(
        read_texts(&en, ".a11y-statement h3"),
        [
            "Non-compliances",
            "Exemptions and content outside the accessibility obligation",
            "Technologies the website relies on",
            "Test tools and environments"
        ]
    );
    assert!(
        text.contains(
            "Enforcement procedure Use this procedure if you reported an accessibility problem"
        ),
        "{text}"
    );
    // The texts left untranslated (technologies, tools), and the Défenseur
    // des droits' postal address, are marked as French; nothing else is.
    let marked: Vec<String> = select(&en, ".a11y-statement [lang]")
        .iter()
        .map(|e| format!("{} {}", e.value().attr("lang").unwrap_or(""), read_text(e)))
        .collect();
    assert_eq!(
        marked,
        [
            "fr HTML5",
            "fr CSS",
            "fr NVDA avec Firefox",
            "fr Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07"
        ]
    );
    assert!(
        hrefs(&en)
            .iter()
            .any(|l| l == "https://www.example-territoire.fr/en/")
    );
    assert!(
        hrefs(&en)
            .iter()
            .any(|l| l == "https://formulaire.defenseurdesdroits.fr/")
    );

    // Each footer's status line leads to the statement of its own language.
    for (file, href, text) in [
        (
            "index.html",
            "https://www.example-territoire.fr/accessibilite/",
            "Accessibilité : partiellement conforme",
        ),
        (
            "en/index.html",
            "https://www.example-territoire.fr/en/accessibilite/",
            "Accessibility: partially compliant",
        ),
    ] {
        let doc = run.html(file);
        let link: Vec<_> = select(&doc, ".footer-legal a")
            .into_iter()
            .filter(|a| a.value().attr("href") == Some(href))
            .collect();
        assert_eq!(link.len(), 1, "{file}: {href}");
        assert_eq!(read_text(&link[0]), text);
        assert!(link[0].value().attr("hreflang").is_none(), "{file}");
    }
}

#[test]
fn a_rate_over_100_is_an_error_naming_blason_toml_and_the_key() {
    let run = SiteTest::from_fixture("accessibility/rate-over-100")
        .build()
        .assert_failure();
    let err = run.stderr();
    assert!(err.contains("blason.toml"), "{err}");
    assert!(
        err.contains("[accessibility] rate: 120 is not a percentage"),
        "{err}"
    );
}

#[test]
fn the_statement_without_a_status_is_an_error_naming_the_page() {
    let run = SiteTest::from_fixture("accessibility/statement-without-status")
        .build()
        .assert_failure();
    let err = run.stderr();
    assert!(err.contains("accessibilite.md"), "{err}");
    assert!(
        err.contains("[accessibility]") && err.contains("no status"),
        "{err}"
    );
}

#[test]
fn a_video_of_the_site_has_its_captions_track_and_both_videos_their_transcript() {
    let site = SiteTest::from_fixture("accessibility/video");
    let run = site.build().assert_success();
    // The video and its captions are named by the shortcode: used.
    assert!(!run.stderr().contains("unused-file"), "{}", run.stderr());
    let doc = run.html("tourisme/lac/index.html");
    let video = select(&doc, "figure.video-local video[controls]");
    assert_eq!(video.len(), 1, "one video of the site");
    let source = select(&doc, "figure.video-local video source");
    assert_eq!(
        source[0].value().attr("src"),
        Some("https://www.example-territoire.fr/tourisme/lac/lac.mp4")
    );
    assert_eq!(source[0].value().attr("type"), Some("video/mp4"));
    let track = select(&doc, "figure.video-local video track");
    assert_eq!(track.len(), 1);
    let t = track[0].value();
    assert_eq!(t.attr("kind"), Some("captions"));
    assert_eq!(t.attr("srclang"), Some("fr"));
    assert_eq!(t.attr("label"), Some("Français"));
    assert_eq!(
        t.attr("src"),
        Some("https://www.example-territoire.fr/tourisme/lac/lac.fr.vtt")
    );
    // The files the player asks for are published; the transcript's source is not.
    assert!(run.read("tourisme/lac/lac.fr.vtt").starts_with("WEBVTT"));
    assert_eq!(
        run.read("tourisme/lac/lac.mp4"),
        "not a real video, only its bytes"
    );
    assert!(!run.out().join("tourisme/lac/lac.transcript.md").exists());
    assert!(
        !run.out()
            .join("tourisme/lac/lac.transcript/index.html")
            .exists()
    );
    // Both videos have their transcript below them, in a disclosure that
    // needs no click on the video: it is in the page from the start.
    let summaries = read_texts(&doc, "details.video-transcript > summary");
    assert_eq!(
        summaries,
        [
            "Transcription « Le lac au lever du jour »",
            "Transcription « Le lac sur YouTube »"
        ]
    );
    let text = read_texts(&doc, "details.video-transcript .video-transcript-text");
    assert!(
        text[0].contains("Narratrice : Le lac d’Orbière au lever du jour."),
        "{text:?}"
    );
    assert!(
        text[1].contains("À midi, les pêcheurs rentrent au port de Saint-Lac."),
        "{text:?}"
    );
    assert_eq!(
        select(&doc, "details.video-transcript strong").len(),
        4,
        "the transcript's markdown is rendered"
    );
    // The YouTube video is still the two-click poster.
    assert_eq!(select(&doc, "figure[data-video] a.video-poster").len(), 1);
}

#[test]
fn a_missing_transcript_is_an_error_naming_the_page_and_the_shortcode() {
    let run = SiteTest::from_fixture("accessibility/video-missing-transcript")
        .build()
        .assert_failure();
    let err = run.stderr();
    assert!(err.contains("content/tourisme/lac/index.md:8"), "{err}");
    assert!(
        err.contains("video(): the transcript `lac.transcript.md` does not exist"),
        "{err}"
    );
}

#[test]
fn captions_that_are_not_webvtt_are_an_error() {
    let run = SiteTest::from_fixture("accessibility/video-bad-captions")
        .build()
        .assert_failure();
    let err = run.stderr();
    assert!(err.contains("content/tourisme/lac/index.md:8"), "{err}");
    assert!(
        err.contains("video(captions=\"lac.fr.vtt\") is not a WebVTT file"),
        "{err}"
    );
}

#[test]
fn a_video_whose_file_name_has_spaces_and_a_hash_is_addressed_encoded() {
    let site = SiteTest::from_fixture("accessibility/video");
    let lac = site.root().join("content/tourisme/lac");
    std::fs::rename(lac.join("lac.mp4"), lac.join("Lac #1.mp4")).unwrap();
    std::fs::rename(lac.join("lac.fr.vtt"), lac.join("Lac #1.fr.vtt")).unwrap();
    let md = std::fs::read_to_string(lac.join("index.md"))
        .unwrap()
        .replace("src=\"lac.mp4\"", "src=\"Lac #1.mp4\"")
        .replace("captions=\"lac.fr.vtt\"", "captions=\"Lac #1.fr.vtt\"");
    std::fs::write(lac.join("index.md"), md).unwrap();
    let run = site.build().assert_success();
    let doc = run.html("tourisme/lac/index.html");
    let source = select(&doc, "figure.video-local video source");
    assert_eq!(
        source[0].value().attr("src"),
        Some("https://www.example-territoire.fr/tourisme/lac/Lac%20%231.mp4")
    );
    let track = select(&doc, "figure.video-local video track");
    assert_eq!(
        track[0].value().attr("src"),
        Some("https://www.example-territoire.fr/tourisme/lac/Lac%20%231.fr.vtt")
    );
    // The files are published under their own names, and the link audit
    // finds them from the encoded addresses.
    assert!(run.out().join("tourisme/lac/Lac #1.mp4").is_file());
    let check = site.check_json();
    let broken: Vec<_> = check.json()["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "broken-link")
        .cloned()
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
}
