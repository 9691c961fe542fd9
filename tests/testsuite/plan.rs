//! The publishing calendar (docs/share.md, "Publishing calendar") on
//! `share/schedule`: the plan page beside the kits (noindex, linked from
//! nowhere) with the kits' own texts and pictures, its iCalendar file, its
//! CSV files read back against each tool's columns, the same bytes from
//! build to build, a marker of a scheduled text in no public file, and
//! `check`'s warnings on crowded and late posts.

use std::collections::BTreeMap;

use crate::support::{SiteTest, select};

const BASE: &str = "https://www.example-territoire.fr";
const MARKER: &str = "PLANMARQUEUR-7Q";

/// A small RFC 4180 reader: records of fields, quotes undone; fails on a
/// file that does not end its last record with CRLF.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "a lone CR"),
            (false, '\n') => panic!("a record ended by LF alone"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "{text}");
    records
}

/// The textareas of a page by `data-network` of their item (plan) or by
/// their id (kit: `kit-instagram`).
fn plan_texts(doc: &scraper::Html) -> Vec<(String, String, String)> {
    select(doc, "li.kit-text[data-network]")
        .iter()
        .map(|li| {
            let ta = li
                .select(&scraper::Selector::parse("textarea").unwrap())
                .next()
                .unwrap();
            (
                li.value().attr("data-page").unwrap().to_string(),
                li.value().attr("data-network").unwrap().to_string(),
                ta.text().collect(),
            )
        })
        .collect()
}

#[test]
fn the_plan_lists_each_post_with_its_kit_text_and_picture_in_its_files() {
    let site = SiteTest::from_fixture("share/schedule");
    let b = site.build().assert_success();
    let out = b.out();
    let doc = b.html("kit/plan/index.html");
    assert_eq!(
        select(&doc, "meta[name=robots]")[0].value().attr("content"),
        Some("noindex")
    );
    // In order: 12 June 09:00 X (lac), 09:30 X (col), 18:00 Instagram
    // (lac); 14 June LinkedIn (lac); 2 July X (col).
    let posts = plan_texts(&doc);
    let order: Vec<(&str, &str)> = posts
        .iter()
        .map(|(page, n, _)| (page.trim_start_matches(BASE), n.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("/tourisme/lac/", "x"),
            ("/tourisme/col/", "x"),
            ("/tourisme/lac/", "instagram"),
            ("/tourisme/lac/", "linkedin"),
            ("/tourisme/col/", "x"),
        ]
    );
    assert_eq!(select(&doc, "section.plan-day").len(), 3, "three days");
    // Each text is the one the page's kit offers for that network.
    for (page, network, text) in &posts {
        let kit = page.trim_start_matches(BASE).trim_start_matches('/');
        let kit = b.html(&format!("{kit}kit/index.html"));
        let offered: String = select(&kit, &format!("textarea#kit-{network}"))[0]
            .text()
            .collect();
        assert_eq!(text, &offered, "{page} {network}");
    }
    assert!(posts[2].2.starts_with(MARKER), "{:?}", posts[2]);
    // Each picture is a file the build wrote, the kit's drawing.
    for img in select(&doc, ".plan-image img") {
        let src = img.value().attr("src").unwrap();
        let file = src.trim_start_matches(BASE).trim_start_matches('/');
        assert!(out.join(file).is_file(), "{src}");
    }
    assert_eq!(select(&doc, ".plan-image").len(), 5);
    // The files it links to, each written.
    let files: Vec<String> = select(&doc, ".plan-files a[download]")
        .iter()
        .map(|a| {
            a.value()
                .attr("href")
                .unwrap()
                .trim_start_matches(BASE)
                .to_string()
        })
        .collect();
    assert_eq!(
        files,
        [
            "/kit/plan/plan.ics",
            "/kit/plan/meta-instagram.csv",
            "/kit/plan/buffer-instagram.csv",
            "/kit/plan/buffer-x.csv",
            "/kit/plan/buffer-linkedin.csv",
            "/kit/plan/hootsuite-instagram.csv",
            "/kit/plan/hootsuite-x.csv",
            "/kit/plan/hootsuite-linkedin.csv",
        ]
    );
    for f in &files {
        assert!(out.join(f.trim_start_matches('/')).is_file(), "{f}");
    }

    // The calendar: one event per post, at its instant in UTC.
    let ics = b.read("kit/plan/plan.ics");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5);
    assert!(ics.contains("DTSTART:20270612T160000Z\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20270702T080000Z\r\n"), "{ics}");
    assert!(ics.contains("SUMMARY:Instagram — Le lac\r\n"), "{ics}");
    assert!(
        ics.contains(&format!("URL:{BASE}/tourisme/lac/\r\n")),
        "{ics}"
    );

    // The CSV files against their tools' columns.
    let hoot = read_csv(&b.read("kit/plan/hootsuite-x.csv"));
    let rows: Vec<(&str, &str)> = hoot
        .iter()
        .map(|r| {
            assert_eq!(r.len(), 3, "date, message, link: {r:?}");
            (r[0].as_str(), r[2].as_str())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("12/06/2027 09:00", ""),
            ("12/06/2027 09:30", ""),
            ("02/07/2027 10:00", "")
        ]
    );
    assert_eq!(hoot[0][1], posts[0].2, "the kit's X text");
    let buffer = read_csv(&b.read("kit/plan/buffer-instagram.csv"));
    assert_eq!(buffer[0], ["Text", "Image URL", "Tags", "Posting Time"]);
    assert_eq!(buffer.len(), 2);
    assert_eq!(
        buffer[1][0], posts[2].2,
        "quotes and commas read back whole"
    );
    assert!(buffer[1][0].contains("\"à l'aube\""));
    assert!(
        buffer[1][1].starts_with(BASE) && buffer[1][1].ends_with(".jpg"),
        "{buffer:?}"
    );
    assert!(
        out.join(
            buffer[1][1]
                .trim_start_matches(BASE)
                .trim_start_matches('/')
        )
        .is_file()
    );
    assert_eq!(buffer[1][2..], ["instagram", "2027-06-12 18:00"]);
    let meta = read_csv(&b.read("kit/plan/meta-instagram.csv"));
    assert_eq!(
        meta[0],
        [
            "Post text",
            "Scheduled date",
            "Scheduled time",
            "Image URL",
            "Link"
        ]
    );
    assert_eq!(meta[1][0], posts[2].2);
    assert_eq!(meta[1][1..3], ["2027-06-12", "18:00"]);
    assert!(
        !out.join("kit/plan/meta-x.csv").exists(),
        "Meta posts to Facebook and Instagram only"
    );

    // The same input, the same bytes.
    let plan_files = |tree: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        tree.into_iter()
            .filter(|(p, _)| p.starts_with("kit/plan/"))
            .collect()
    };
    let first = plan_files(b.tree());
    assert_eq!(first.len(), 9, "{:?}", first.keys());
    let again = plan_files(site.build().assert_success().tree());
    assert_eq!(first, again);
}

#[test]
fn the_plan_and_its_texts_stay_out_of_every_public_file() {
    let b = SiteTest::from_fixture("share/schedule")
        .build()
        .assert_success();
    let tree = b.tree();
    for (path, bytes) in &tree {
        let text = String::from_utf8_lossy(bytes);
        let private = path.starts_with("kit/plan/") || path.contains("/kit/");
        if !private {
            assert!(!text.contains(MARKER), "{path} shows a scheduled text");
            assert!(!text.contains("kit/plan"), "{path} links to the plan");
        }
    }
    let sitemap = b.read("sitemap.xml");
    assert!(!sitemap.contains("/kit/"), "{sitemap}");
    assert!(tree.contains_key("atom.xml"));
    // The search index was among the files read.
    assert!(
        tree.keys()
            .any(|p| p.starts_with("search-index/fr/manifest.")),
        "{:?}",
        tree.keys().collect::<Vec<_>>()
    );
}

#[test]
fn check_warns_about_crowded_posts_and_posts_after_unpublishing() {
    let v = SiteTest::from_fixture("share/schedule").check_json().json();
    let found = |code: &str| -> Vec<serde_json::Value> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .cloned()
            .collect()
    };
    let crowded = found("share-schedule-crowded");
    assert_eq!(crowded.len(), 1, "{v:#}");
    assert_eq!(crowded[0]["file"], "content/tourisme/col.md");
    assert_eq!(crowded[0]["line"], 6);
    let message = crowded[0]["message"].as_str().unwrap();
    assert!(
        message.contains("2027-06-12 09:30") && message.contains("content/tourisme/lac/index.md"),
        "{message}"
    );
    let late = found("share-schedule-after-unpublish");
    assert_eq!(late.len(), 1, "{v:#}");
    assert_eq!(late[0]["file"], "content/tourisme/col.md");
    assert!(
        late[0]["message"]
            .as_str()
            .unwrap()
            .contains("2027-07-02 10:00"),
        "{v:#}"
    );
    assert!(found("share-schedule-without-kit").is_empty(), "{v:#}");
    assert_eq!(v["errors"], 0, "{v:#}");
}
