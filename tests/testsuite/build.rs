//! Builds that succeed: the example site, determinism, Zola's and the spec's
//! front matter keys, drafts, the report, events, feeds and head tags.

use crate::support::{Run, SiteTest, example, read, read_text, read_texts, select, tree};

#[test]
fn the_example_site_builds_with_its_pillars_audiences_and_translations() {
    let out = example();
    for f in [
        "index.html",
        "en/index.html",
        "tourisme/index.html",
        "tourisme/lac-d-orbiere/index.html",
        "en/tourisme/lac-d-orbiere/index.html",
        "audiences/visiteurs/index.html",
        "tags/lac/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "brand.css",
        "style.css",
        "logo.svg",
        "decouvrir/lac.html",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let lac = read(&out.join("tourisme/lac-d-orbiere/index.html"));
    assert!(lac.contains("<html lang=\"fr\">"));
    assert!(lac.contains(
        "hreflang=\"en\" href=\"https://www.val-orbiere.example/en/tourisme/lac-d-orbiere/\""
    ));
    assert!(
        lac.contains("1er juin 2026"),
        "dates are formatted in French"
    );
    assert!(lac.contains("pontons\u{202F};"), "French typography");
    assert!(!lac.contains("style="), "no style attribute (strict CSP)");
    let en = read(&out.join("en/tourisme/lac-d-orbiere/index.html"));
    assert!(en.contains("<html lang=\"en\">") && en.contains("June 1, 2026"));
    assert!(!en.contains('\u{202F}'), "no French typography in English");
    let pillar = read(&out.join("tourisme/index.html"));
    for p in ["lac-d-orbiere", "sentier-des-cretes", "fromageries"] {
        assert!(
            pillar.contains(&format!("/tourisme/{p}/")),
            "pillar page lists {p}"
        );
    }
}

#[test]
fn builds_are_deterministic() {
    let (a, b) = (SiteTest::example(), SiteTest::example());
    a.build().assert_success();
    b.build().assert_success();
    let (ta, tb) = (tree(a.out()), tree(b.out()));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two builds");
    }
}

#[test]
fn features_of_zola_and_spec_keys() {
    let b = SiteTest::from_fixture("build/zola-features")
        .build()
        .assert_success();
    let out = b.out();
    // Drafts and expired campaign pages are left out.
    assert!(!out.join("tourisme/brouillon").exists());
    assert!(!out.join("tourisme/campagne").exists());
    // A date in the file name gives the date and the slug.
    let foret = b.read("tourisme/foret/index.html");
    assert!(foret.contains("datetime=\"2026-05-01\""));
    // Pagination: 3 pages, 2 per pager.
    let p1 = b.read("tourisme/index.html");
    let p2 = b.read("tourisme/page/2/index.html");
    assert!(
        p1.contains("/tourisme/lac/")
            && p1.contains("/tourisme/foret/")
            && !p1.contains("/tourisme/col/\"")
    );
    assert!(p2.contains("/tourisme/col/") && p2.contains("rel=\"prev\""));
    // Aliases become redirect pages.
    let alias = b.read("ancien/lac.html");
    assert!(alias.contains("url=https://www.example-territoire.fr/tourisme/lac/"));
    assert!(out.join("vieux-lac/index.html").is_file());
    // Tags with French slugs, Zola taxonomies, audiences.
    assert!(out.join("tags/qualite-de-vie/index.html").is_file());
    assert!(out.join("categories/nature/index.html").is_file());
    assert!(
        b.read("audiences/habitants/index.html")
            .contains("/tourisme/foret/")
    );
    // Bundle assets are published beside the page, for each language.
    assert!(out.join("tourisme/lac/guide.txt").is_file());
    assert!(out.join("en/tourisme/lac/guide.txt").is_file());
    // A site shortcode; French typography in the home page.
    assert!(
        b.read("tourisme/lac/index.html")
            .contains("<strong class=\"custom\">BONJOUR</strong>")
    );
    assert!(
        b.read("index.html")
            .contains("«\u{202F}Territoire test\u{202F}»")
    );
    // Translations: /en/ URLs, the English pillar name, hreflang both ways.
    let en = b.read("en/tourisme/lac/index.html");
    assert!(en.contains("Discover"));
    assert!(
        en.contains("hreflang=\"fr\" href=\"https://www.example-territoire.fr/tourisme/lac/\"")
    );
    // A transparent section's pages are listed by its parent.
    assert!(
        b.read("culture/index.html")
            .contains("/culture/expos/peinture/")
    );
    // redirect_to.
    assert!(
        b.read("agenda/index.html")
            .contains("url=https://www.example-territoire.fr/tourisme/")
    );
    // The sitemap has pages and alternates; robots.txt points to it.
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://www.example-territoire.fr/tourisme/lac/</loc>"));
    assert!(sitemap.contains("hreflang=\"en\""));
    assert!(
        b.read("robots.txt")
            .contains("Sitemap: https://www.example-territoire.fr/sitemap.xml")
    );
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = SiteTest::from_fixture("build/zola-features");
    // Without the flag, the summary says a draft was left out.
    let b = site.build().assert_success();
    assert!(!b.out().join("tourisme/brouillon/index.html").exists());
    assert!(
        b.stderr().contains("1 draft left out (--drafts builds it)"),
        "{}",
        b.stderr()
    );
    let b = site
        .build_with(&["--drafts", "--base-url", "http://localhost:8080"])
        .assert_success();
    let page = b.read("tourisme/brouillon/index.html");
    assert!(page.contains("http://localhost:8080/tourisme/brouillon/"));
    assert!(!b.stderr().contains("left out"), "{}", b.stderr());
}

#[test]
fn publish_until_follows_source_date_epoch() {
    // 2026-03-01: the campaign is still on.
    let b = SiteTest::from_fixture("build/zola-features")
        .source_date_epoch("1772323200")
        .build()
        .assert_success();
    assert!(b.out().join("tourisme/campagne/index.html").is_file());
}

#[test]
fn report_counts_pages_and_stages() {
    let (o, v) = SiteTest::from_fixture("build/base").build_with_report();
    assert_eq!(v["version"], 1);
    assert_eq!(v["pages"], 2);
    assert_eq!(v["images"]["encoded"], 0);
    assert!(v["stages_ms"]["markdown"].is_number());
    // Where the memory goes: the resident memory at each stage's end, and
    // the peak, which none of them exceeds.
    if cfg!(target_os = "linux") {
        let stages = v["stages_resident_mib"]
            .as_object()
            .expect("memory per stage");
        assert_eq!(
            stages.keys().collect::<Vec<_>>(),
            v["stages_ms"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>()
        );
        let peak = v["peak_resident_mib"].as_f64().expect("peak memory");
        for (stage, mib) in stages {
            let mib = mib.as_f64().unwrap();
            assert!(
                mib > 1.0 && mib <= peak,
                "{stage}: {mib} MiB, peak {peak} MiB"
            );
        }
    }
    assert!(
        o.stderr().contains("built "),
        "one summary line: {}",
        o.stderr()
    );
}

#[test]
fn snapshot_of_a_page() {
    let b = SiteTest::from_fixture("build/base")
        .build()
        .assert_success();
    let html = b.read("tourisme/lac/index.html");
    let article = &html[html.find("<article").unwrap()..html.find("</article>").unwrap() + 10];
    insta::assert_snapshot!("base_page_article", article);
    insta::assert_snapshot!("base_sitemap", b.read("sitemap.xml"));
}

#[test]
fn events_agenda_calendars_and_feeds() {
    let b = SiteTest::from_fixture("build/events")
        .build()
        .assert_success();
    // The agenda (NOW is 2026-07-01): upcoming soonest first, then past.
    let agenda = b.read("agenda/index.html");
    let pos = |s: &str| {
        agenda
            .find(s)
            .unwrap_or_else(|| panic!("{s} not in the agenda"))
    };
    assert!(
        pos("Marché du samedi") < pos("Fête du lac") && pos("Fête du lac") < pos("Salon du livre")
    );
    assert!(
        pos("Salon du livre") < pos("Course"),
        "the past cancelled race comes last"
    );
    assert!(
        agenda.contains("4 juillet 2026, 8 h – 12 h 30") && agenda.contains("tous les samedis"),
        "next Saturday, in French"
    );
    // A shared month and year are written once.
    assert!(agenda.contains("du 11 au 13 septembre 2026"));
    assert!(agenda.contains("du 14 juillet 2026, 21 h au 15 juillet 2026, 1 h"));
    // One .ics per event page, and the agenda's.
    let fete = b.read("agenda/fete/fete.ics");
    assert!(
        fete.contains("DTSTART;TZID=Europe/Paris:20260714T210000\r\n"),
        "{fete}"
    );
    assert!(fete.contains("DTEND;TZID=Europe/Paris:20260715T010000\r\n"));
    let all = b.read("agenda.ics");
    assert_eq!(all.matches("BEGIN:VEVENT").count(), 4);
    assert!(all.contains("DTSTART;VALUE=DATE:20260911\r\nDTEND;VALUE=DATE:20260914\r\n"));
    assert!(all.contains("RRULE:FREQ=WEEKLY;BYDAY=SA") && all.contains("STATUS:CANCELLED"));
    // JSON-LD and the event page.
    let page = b.read("agenda/fete/index.html");
    assert!(
        page.contains("\"@type\":\"Event\"")
            && page.contains("\"startDate\":\"2026-07-14T21:00:00+02:00\"")
    );
    assert!(
        page.contains("https://schema.org/EventScheduled")
            && page.contains("https://billets.example.org/fete")
    );
    assert!(page.contains("href=\"https://www.example-territoire.fr/agenda/fete/fete.ics\""));
    // Feeds: the site's and the section's.
    let feed = b.read("atom.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">"));
    assert!(
        feed.contains("<title>Fête du lac</title>")
            && feed.contains("<published>2026-06-14T22:00:00Z</published>"),
        "{feed}"
    );
}

/// The texts of the elements of `e` that `css` selects.
fn read_texts_in(e: &scraper::ElementRef<'_>, css: &str) -> Vec<String> {
    e.select(&scraper::Selector::parse(css).unwrap())
        .map(|x| read_text(&x))
        .collect()
}

/// The cards' titles on an agenda page, in each of its two lists.
fn agenda_lists(b: &Run, file: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let html = b.html(file);
    (
        read_texts(
            &html,
            "section[aria-labelledby=upcoming-title] .card h2, section[aria-labelledby=upcoming-title] .card h3",
        ),
        read_texts(
            &html,
            "section[aria-labelledby=past-title] .card h2, section[aria-labelledby=past-title] .card h3",
        ),
        select(&html, "nav.pagination a")
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a.value().attr("rel").unwrap_or(""),
                    a.value().attr("href").unwrap_or("")
                )
            })
            .collect(),
    )
}

#[test]
fn the_agenda_is_paged_upcoming_events_first_then_past_ones() {
    // Three events to come and one past, two per page (the fixture's
    // `paginate_agenda`; `check` audits it with every fixture).
    let site = SiteTest::from_fixture("build/agenda-paged");
    let b = site.build().assert_success();
    let base = "https://www.example-territoire.fr";
    let (up, past, nav) = agenda_lists(&b, "agenda/index.html");
    assert_eq!(up, ["Marché du samedi", "Fête du lac"]);
    assert!(past.is_empty());
    assert_eq!(nav, [format!("next {base}/agenda/page/2/")]);
    let (up, past, nav) = agenda_lists(&b, "agenda/page/2/index.html");
    assert_eq!(up, ["Salon du livre"]);
    assert_eq!(past, ["Course"]);
    assert_eq!(nav, [format!("prev {base}/agenda/")]);
    // Each page has a title of its own; the heading stays the agenda's.
    let page2 = b.html("agenda/page/2/index.html");
    assert_eq!(
        read_texts(&page2, "title"),
        ["Agenda – Page 2 | Territoire test"]
    );
    assert_eq!(read_texts(&page2, "main h1"), ["Agenda"]);
    assert_eq!(
        read_texts(&b.html("agenda/index.html"), "title"),
        ["Agenda | Territoire test"]
    );
    assert!(!b.out().join("agenda/page/3").exists());
    let sitemap = b.read("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{base}/agenda/page/2/</loc>")),
        "{sitemap}"
    );

    // The agenda's section says its own page size: three, then the past
    // event alone, without the heading of events to come.
    let b = site
        .copy()
        .file(
            "content/agenda/_index.md",
            "+++\ntitle = \"Agenda\"\npaginate_by = 3\n+++\n",
        )
        .build()
        .assert_success();
    let (up, past, _) = agenda_lists(&b, "agenda/index.html");
    assert_eq!(up.len(), 3);
    assert!(past.is_empty());
    let page2 = b.read("agenda/page/2/index.html");
    let (up, past, _) = agenda_lists(&b, "agenda/page/2/index.html");
    assert!(up.is_empty() && !page2.contains("upcoming-title"));
    assert_eq!(past, ["Course"]);

    // The theme's own agenda (no section at its address: the events are
    // in `fetes/`) is paged alike.
    let site = site.copy();
    std::fs::rename(
        site.root().join("content/agenda"),
        site.root().join("content/fetes"),
    )
    .unwrap();
    let b = site.build().assert_success();
    assert!(b.out().join("fetes/fete/index.html").exists());
    let (up, past, nav) = agenda_lists(&b, "agenda/index.html");
    assert_eq!(up, ["Marché du samedi", "Fête du lac"]);
    assert!(past.is_empty());
    assert_eq!(nav, [format!("next {base}/agenda/page/2/")]);
    let (up, past, nav) = agenda_lists(&b, "agenda/page/2/index.html");
    assert_eq!(
        (up, past),
        (
            vec!["Salon du livre".to_string()],
            vec!["Course".to_string()]
        )
    );
    assert_eq!(nav, [format!("prev {base}/agenda/")]);
    assert_eq!(
        read_texts(&b.html("agenda/page/2/index.html"), "title"),
        ["Agenda – Page 2 | Territoire test"]
    );
    let sitemap = b.read("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{base}/agenda/page/2/</loc>")),
        "{sitemap}"
    );
}

#[test]
fn the_site_map_lists_a_hundred_pages_per_section_and_links_the_rest() {
    let mut site = SiteTest::from_fixture("build/base");
    // 121 pages' social cards and share kits would be most of the test's time.
    let config = std::fs::read_to_string(site.root().join("blason.toml")).unwrap();
    site = site.file(
        "blason.toml",
        format!("{config}\n[share]\nkit = false\n[cards]\nenable = false\n"),
    );
    for i in 0..120 {
        site = site.file(
            &format!("content/tourisme/lieu-{i:03}.md"),
            format!("+++\ntitle = \"Lieu {i:03}\"\nweight = {i}\n+++\nTexte.\n"),
        );
    }
    let b = site.build().assert_success();
    let html = b.html("plan-du-site/index.html");
    let entries = select(&html, ".site-map-entry");
    let tourisme = entries
        .iter()
        .find(|e| read_texts_in(e, "h2") == ["Découvrir"])
        .expect("the tourism section has an entry");
    let listed = read_texts_in(tourisme, "li");
    assert_eq!(listed.len(), 100);
    let more: Vec<_> = tourisme
        .select(&scraper::Selector::parse(".site-map-more a").unwrap())
        .collect();
    assert_eq!(more.len(), 1);
    assert_eq!(
        more[0].value().attr("href"),
        Some("https://www.example-territoire.fr/tourisme/")
    );
    let text = read_text(&more[0]);
    assert!(
        text.starts_with("Les 121") && text.contains("pages de"),
        "{text}"
    );
    // Smaller sections are listed whole, with no such link.
    assert_eq!(select(&html, ".site-map-more").len(), 1);
}

#[test]
fn days_in_a_row_are_one_range_on_the_page_one_daily_rule_in_the_calendar() {
    // An exhibition open every day, 10 h – 18 h, for 40 days (across the
    // change to winter time on 25 October), a late opening, then two
    // days in a row again.
    let mut page = String::from(
        "+++\ntitle = \"Exposition\"\n[event]\nstart = 2026-10-01T10:00:00\nend = 2026-10-01T18:00:00\n",
    );
    let mut day: jiff::civil::Date = "2026-10-02".parse().unwrap();
    for _ in 1..40 {
        page.push_str(&format!("[[event.dates]]\nstart = {day}T10:00:00\n"));
        day = day.tomorrow().unwrap();
    }
    page.push_str("[[event.dates]]\nstart = 2026-11-12T20:00:00\nend = 2026-11-12T23:00:00\n");
    page.push_str("[[event.dates]]\nstart = 2026-11-20T10:00:00\n[[event.dates]]\nstart = 2026-11-21T10:00:00\n+++\nTexte.\n");
    let b = SiteTest::from_fixture("build/events")
        .file("content/agenda/expo.md", page)
        .build()
        .assert_success();
    let html = b.html("agenda/expo/index.html");
    assert_eq!(
        read_texts(&html, ".event-box ul.dates li"),
        [
            "du 1er octobre au 9 novembre 2026, 10 h – 18 h",
            "12 novembre 2026, 20 h – 23 h",
            "du 20 au 21 novembre 2026, 10 h – 18 h",
        ]
    );
    assert!(
        read_texts(&html, ".event-box dt").contains(&"Les 43 dates".to_string()),
        "{:?}",
        read_texts(&html, ".event-box dt")
    );
    // The calendar: each run one VEVENT repeated daily; the dates it gives
    // are those written.
    let ics = b.read("agenda/expo/expo.ics");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3, "{ics}");
    assert!(ics.contains("DTSTART;TZID=Europe/Paris:20261001T100000\r\nDTEND;TZID=Europe/Paris:20261001T180000\r\nRRULE:FREQ=DAILY;COUNT=40\r\n"), "{ics}");
    assert!(ics.contains("DTSTART;TZID=Europe/Paris:20261120T100000\r\nDTEND;TZID=Europe/Paris:20261120T180000\r\nRRULE:FREQ=DAILY;COUNT=2\r\n"), "{ics}");
    assert_eq!(ics.matches("RRULE").count(), 2, "the late opening is alone");
    // JSON-LD: an Event per run, from its first day to its last.
    let source = b.read("agenda/expo/index.html");
    assert_eq!(source.matches("\"@type\":\"Event\"").count(), 3);
    assert!(source.contains("\"endDate\":\"2026-11-09T18:00:00+01:00\""));
    assert!(source.contains("\"startDate\":\"2026-10-01T10:00:00+02:00\""));
    // Listings show when, not every date.
    let agenda = b.read("agenda/index.html");
    assert!(!agenda.contains("du 1er octobre au 9 novembre 2026, 10 h – 18 h"));
}

#[test]
fn head_has_open_graph_and_twitter_tags() {
    let b = SiteTest::from_fixture("build/head-tags")
        .build()
        .assert_success();
    // The lines as the page has them (parsing would sort the attributes).
    let html = b.read("tourisme/lac/index.html");
    let head = &html[..html.find("</head>").unwrap()];
    let meta: Vec<&str> = head
        .lines()
        .filter(|l| {
            l.contains("og:")
                || l.contains("twitter:")
                || l.contains("canonical")
                || l.contains("hreflang")
        })
        .collect();
    insta::assert_snapshot!("head_tags", meta.join("\n"));
}

#[test]
fn right_to_left_pages_say_so_and_typography_follows_each_page_s_language() {
    let site = SiteTest::from_fixture("build/base")
        .file(
            "blason.toml",
            "base_url = \"https://www.example-territoire.fr\"\ntitle = \"Territoire test\"\n[languages.ar]\ntitle = \"إقليم\"\n[languages.en]\ntitle = \"Test\"\n[markdown]\nfrench_typography = true\n",
        )
        .file("content/_index.ar.md", "+++\ntitle = \"الرئيسية\"\ndescription = \"صفحة\"\n+++\nمرحبا\n")
        .file("content/_index.en.md", "+++\ntitle = \"Home\"\ndescription = \"Home.\"\n+++\nNote: hello!\n")
        .file("content/_index.md", "+++\ntitle = \"Accueil\"\ndescription = \"Accueil.\"\n+++\nNote : bonjour !\n");
    let o = site.build().assert_success();
    let ar = o.read("ar/index.html");
    assert!(
        ar.contains("<html lang=\"ar\" dir=\"rtl\">"),
        "{}",
        &ar[..200]
    );
    let fr = o.read("index.html");
    assert!(fr.contains("<html lang=\"fr\">"));
    assert!(
        fr.contains("Note\u{202f}: bonjour\u{202f}!"),
        "French rules on French text"
    );
    let en = o.read("en/index.html");
    assert!(en.contains("Note: hello!"), "English text as written");
}

#[test]
fn the_home_page_never_promotes_a_past_or_cancelled_event_nor_repeats_one() {
    let b = SiteTest::from_fixture("build/events")
        .file(
            "content/agenda/concert.md",
            "+++\ntitle = \"Concert annulé\"\ndate = 2026-06-20\n[event]\nstart = 2026-08-01T20:00:00+02:00\nstatus = \"cancelled\"\n+++\n",
        )
        .file(
            "content/actualites.md",
            "+++\ntitle = \"La saison commence\"\ndate = 2026-06-25\n+++\nLe point sur la saison.\n",
        )
        .build()
        .assert_success();
    let home = b.html("index.html");
    let block = |id: &str| {
        select(&home, &format!("section[aria-labelledby=\"{id}\"]"))
            .first()
            .map(|s| s.text().collect::<String>())
            .unwrap_or_default()
    };
    let next = block("agenda-title");
    assert!(
        next.contains("Fête du lac") && next.contains("Marché du samedi"),
        "{next}"
    );
    assert!(
        !next.contains("Concert annulé"),
        "a cancelled event is not promoted: {next}"
    );
    assert!(!next.contains("Course"), "nor a past one: {next}");
    let featured = block("latest-title");
    assert!(featured.contains("La saison commence"), "{featured}");
    for event in ["Fête du lac", "Course", "Concert annulé", "Salon du livre"] {
        assert!(
            !featured.contains(event),
            "« À la une » shows the event {event}: {featured}"
        );
    }
    // The agenda itself still lists the cancelled concert, marked.
    let agenda = b.read("agenda/index.html");
    assert!(agenda.contains("Concert annulé"));
}

#[test]
fn pages_link_one_stylesheet_named_after_its_content() {
    let out = example();
    let mut href = None;
    for f in [
        "index.html",
        "en/index.html",
        "tourisme/lac-d-orbiere/index.html",
        "agenda/index.html",
        "404.html",
    ] {
        let doc = scraper::Html::parse_document(&read(&out.join(f)));
        let links = select(&doc, "head link[rel=stylesheet]");
        assert_eq!(links.len(), 1, "{f}: one render-blocking stylesheet");
        let h = links[0].value().attr("href").unwrap().to_string();
        assert_eq!(
            href.get_or_insert_with(|| h.clone()),
            &h,
            "{f}: the same one"
        );
        // Both weights of the text font are asked for at once.
        let fonts: Vec<&str> = select(&doc, "head link[rel=preload][as=font]")
            .iter()
            .filter_map(|l| l.value().attr("href"))
            .collect();
        assert!(
            fonts
                .iter()
                .any(|h| h.ends_with("/fonts/inter-regular.woff2"))
                && fonts.iter().any(|h| h.ends_with("/fonts/inter-bold.woff2")),
            "{f}: {fonts:?}"
        );
    }
    let href = href.unwrap();
    let name = href
        .strip_prefix("https://www.val-orbiere.example/")
        .unwrap();
    let hash = name
        .strip_prefix("style.")
        .and_then(|n| n.strip_suffix(".css"))
        .unwrap();
    assert!(
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{name}"
    );
    // brand.css, then the theme's style.css: the brand's colours first.
    let bundle = std::fs::read(out.join(name)).unwrap();
    let brand = std::fs::read(out.join("brand.css")).unwrap();
    let style = std::fs::read(out.join("style.css")).unwrap();
    assert!(bundle.starts_with(&brand));
    assert!(bundle.ends_with(&style));
    assert!(bundle.len() <= brand.len() + style.len() + 1);
    let text = String::from_utf8(bundle).unwrap();
    assert!(text.contains("--primary: #"), "the brand's colours");
}

#[test]
fn a_changed_stylesheet_gets_a_new_name_and_the_old_one_goes() {
    let site = SiteTest::from_fixture("build/base");
    site.build().assert_success();
    let names = |site: &SiteTest| -> Vec<String> {
        tree(site.out())
            .into_keys()
            .filter(|k| k.starts_with("style.") && k.ends_with(".css") && k != "style.css")
            .collect()
    };
    let first = names(&site);
    assert_eq!(first.len(), 1, "{first:?}");
    let home = read(&site.out().join("index.html"));
    assert!(home.contains(&format!("/{}\"", first[0])), "linked");
    let theme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/postale/static/style.css"),
    )
    .unwrap();
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    std::fs::write(
        site.root().join("static/style.css"),
        format!("{theme}\nbody {{ background: rgb(1, 2, 3); }}\n"),
    )
    .unwrap();
    site.build().assert_success();
    let second = names(&site);
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(first, second);
    let bundle = read(&site.out().join(&second[0]));
    assert!(bundle.ends_with("body { background: rgb(1, 2, 3); }\n"));
    assert!(read(&site.out().join("index.html")).contains(&format!("/{}\"", second[0])));
}
