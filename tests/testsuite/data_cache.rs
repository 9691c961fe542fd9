//! The feeds' objects kept in the site's cache folder: a second `blason
//! build` (another process) parses nothing of unchanged feeds, a changed
//! file is parsed again, a damaged cache is ignored, and the site built
//! through the cache is the site built without it. The fixture is
//! `data/feeds`: a DATAtourisme folder of two objects and an OpenAgenda
//! file of events.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{SiteTest, tree};

/// The report's `data` counters: objects, from cache, files parsed, files
/// from cache.
fn counts(report: &Value) -> (u64, u64, u64, u64) {
    let d = &report["data"];
    let n = |k: &str| d[k].as_u64().unwrap_or_else(|| panic!("{k} in {d}"));
    (
        n("objects"),
        n("objects_from_cache"),
        n("files_parsed"),
        n("files_from_cache"),
    )
}

fn cache_files(site: &SiteTest) -> Vec<PathBuf> {
    let dir = site.root().join(".blason-cache/data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn a_second_build_parses_no_unchanged_feed_and_builds_the_same_site() {
    let site = SiteTest::from_fixture("data/feeds");
    let (_, first) = site.build_with_report();
    let (objects, cached, parsed, _) = counts(&first);
    // Two places, three events.
    assert_eq!(objects, 5, "{}", first["data"]);
    // Two DATAtourisme files and the OpenAgenda file.
    assert_eq!((cached, parsed), (0, 3), "{}", first["data"]);
    assert_eq!(cache_files(&site).len(), 2, "one cache file per feed");
    let built = tree(site.out());

    let (_, second) = site.build_with_report();
    assert_eq!(
        counts(&second),
        (objects, objects, 0, 3),
        "{}",
        second["data"]
    );
    assert_eq!(tree(site.out()), built, "the cached build differs");

    // The same site built without the cache is the same too.
    let fresh = SiteTest::from_fixture("data/feeds");
    let (_, report) = fresh.build_with_report();
    assert_eq!(counts(&report).1, 0);
    assert_eq!(tree(fresh.out()), built);
}

#[test]
fn a_changed_file_is_parsed_again_and_the_others_come_from_the_cache() {
    let site = SiteTest::from_fixture("data/feeds");
    site.build_with_report();
    let agenda = site.root().join("data/agenda.json");
    let text = std::fs::read_to_string(&agenda).unwrap();
    assert!(text.contains("Place du marché"));
    std::fs::write(
        &agenda,
        text.replace("Place du marché", "Place de la Halle"),
    )
    .unwrap();

    let (_, report) = site.build_with_report();
    let (objects, cached, parsed, from_cache) = counts(&report);
    assert_eq!((parsed, from_cache), (1, 2), "{}", report["data"]);
    assert!(cached > 0 && cached < objects, "{}", report["data"]);
    assert!(
        tree(site.out())
            .iter()
            .any(|(name, page)| name.ends_with(".html")
                && String::from_utf8_lossy(page).contains("Place de la Halle")),
        "the change is in the site"
    );

    // A DATAtourisme file changed: that file alone is parsed again.
    let sit = site
        .root()
        .join("data/sit/99-5d1e0a2c-3b41-4c6e-9a55-0c1f6b7e2a01.json");
    let mut bytes = std::fs::read(&sit).unwrap();
    bytes.push(b'\n');
    std::fs::write(&sit, bytes).unwrap();
    let (_, report) = site.build_with_report();
    assert_eq!(counts(&report).2, 1, "{}", report["data"]);
    assert_eq!(counts(&report).3, 2, "{}", report["data"]);
}

#[test]
fn a_damaged_cache_is_read_again_not_an_error() {
    let site = SiteTest::from_fixture("data/feeds");
    site.build_with_report();
    let built = tree(site.out());
    let files = cache_files(&site);
    // One cache cut short, the other with a byte changed in its last entry.
    let cut = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &cut[..cut.len() / 2]).unwrap();
    let mut bad = std::fs::read(&files[1]).unwrap();
    let last = bad.len() - 3;
    bad[last] ^= 0xff;
    std::fs::write(&files[1], &bad).unwrap();

    let (_, report) = site.build_with_report();
    let (_, _, parsed, _) = counts(&report);
    assert!(parsed >= 2, "{}", report["data"]);
    assert_eq!(tree(site.out()), built);
    // And the cache is whole again.
    let (_, report) = site.build_with_report();
    assert_eq!(counts(&report).2, 0, "{}", report["data"]);

    // Not a cache at all: the same.
    for f in cache_files(&site) {
        std::fs::write(f, "{}").unwrap();
    }
    let (_, report) = site.build_with_report();
    assert_eq!(counts(&report).1, 0, "{}", report["data"]);
    assert_eq!(tree(site.out()), built);
}

#[test]
fn a_file_that_does_not_read_is_an_error_on_every_build() {
    let site = SiteTest::from_fixture("data/feeds");
    site.build_with_report();
    let agenda = site.root().join("data/agenda.json");
    let good = std::fs::read(&agenda).unwrap();
    std::fs::write(&agenda, &good[..good.len() / 2]).unwrap();
    for _ in 0..2 {
        let run = site.build().assert_failure();
        assert!(run.stderr().contains("agenda.json"), "{}", run.stderr());
    }
    // Fixed, it is parsed again; the other feed came from the cache all along.
    std::fs::write(&agenda, &good).unwrap();
    let (_, report) = site.build_with_report();
    assert_eq!(
        (counts(&report).2, counts(&report).3),
        (1, 2),
        "{}",
        report["data"]
    );
}
