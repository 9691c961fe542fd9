//! The output under attack: two builds into it at once, a build killed at
//! each step of its swap, a reader that must never find it missing, and an
//! output or a site reached through a symbolic link.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::support::{SiteTest, command, tree};

/// `blason build SITE -o OUT` as a child process, its stderr captured.
fn spawn_build(site: &Path, out: &Path, env: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = command();
    cmd.args(["build", site.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

#[test]
fn two_builds_into_the_same_output_take_turns_and_leave_a_whole_site() {
    let site = SiteTest::from_fixture("build/base");
    site.build().assert_success();
    let whole = tree(site.out());
    for _ in 0..3 {
        let a = spawn_build(site.root(), site.out(), &[]);
        let b = spawn_build(site.root(), site.out(), &[]);
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
        assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
        assert_eq!(tree(site.out()), whole, "a build left a partial site");
    }
    // A build that finds the output locked says so, and waits.
    let holder = spawn_build(
        site.root(),
        site.out(),
        &[(
            "BLASON_TEST_PAUSE",
            &format!("swap:{}", site.dir().join("paused").display()),
        )],
    );
    wait_for(&site.dir().join("paused"));
    let mut second = spawn_build(site.root(), site.out(), &[]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        second.try_wait().unwrap().is_none(),
        "the second build did not wait"
    );
    kill(holder);
    let second = second.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{err}");
    assert!(
        err.contains("is writing to this output; waiting for it to finish"),
        "{err}"
    );
    assert_eq!(tree(site.out()), whole);
}

/// Waits (up to a minute) for `flag` to exist.
fn wait_for(flag: &Path) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !flag.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{} never appeared",
            flag.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn kill(mut child: std::process::Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_build_killed_at_each_step_of_its_swap_leaves_a_whole_site() {
    let site = SiteTest::from_fixture("build/base");
    let page = site.root().join("content/tourisme/neuf.md");
    let flag = site.dir().join("paused");
    // Before the exchange: the old site, whole. After it, before the old
    // one is put aside as the spare: the new site, whole.
    for (point, expect_new) in [("swap", false), ("spare", true)] {
        let _ = std::fs::remove_file(&page);
        site.build().assert_success();
        let old = tree(site.out());
        // The new build differs from the old by a page.
        std::fs::write(
            &page,
            "+++\ntitle = \"Neuf\"\ndescription = \"Nouveau.\"\n+++\nTexte.\n",
        )
        .unwrap();
        let _ = std::fs::remove_file(&flag);
        let child = spawn_build(
            site.root(),
            site.out(),
            &[("BLASON_TEST_PAUSE", &format!("{point}:{}", flag.display()))],
        );
        wait_for(&flag);
        kill(child);
        let now = tree(site.out());
        assert_eq!(
            now.contains_key("tourisme/neuf/index.html"),
            expect_new,
            "{point}"
        );
        if !expect_new {
            assert_eq!(now, old, "{point}: the previous output changed");
        }
        assert!(now.contains_key("index.html") && now.contains_key("sitemap.xml"));
        // The next build cleans up what the killed one left, and succeeds.
        site.build().assert_success();
        assert!(tree(site.out()).contains_key("tourisme/neuf/index.html"));
        let mut left: Vec<String> = std::fs::read_dir(site.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "paused")
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".out.blason-lock", ".out.blason-spare", "out", "site"],
            "{point}"
        );
    }
}

#[test]
fn a_reader_never_finds_the_output_missing_during_builds() {
    let site = SiteTest::from_fixture("build/base");
    site.build().assert_success();
    let index = site.out().join("index.html");
    let stop = Arc::new(AtomicBool::new(false));
    let (missing, reads) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let reader = {
        let (stop, missing, reads) = (stop.clone(), missing.clone(), reads.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if std::fs::read(&index).map_or(true, |b| b.is_empty()) {
                    missing.fetch_add(1, Ordering::Relaxed);
                }
                reads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    for i in 0..10 {
        // Each build changes the home page, so each swaps a new tree in.
        std::fs::write(
            site.root().join("content/_index.md"),
            format!("+++\ntitle = \"Accueil\"\ndescription = \"Build {i}.\"\n+++\nBienvenue.\n"),
        )
        .unwrap();
        site.build().assert_success();
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(reads.load(Ordering::Relaxed) > 100, "the reader hardly ran");
    assert_eq!(
        missing.load(Ordering::Relaxed),
        0,
        "index.html was missing during a swap"
    );
}

#[cfg(unix)]
#[test]
fn an_output_or_a_site_reached_through_a_link_is_no_way_around_the_guard() {
    let site = SiteTest::from_fixture("build/base");
    let link = site.dir().join("sitelink");
    std::os::unix::fs::symlink(site.root(), &link).unwrap();
    let sources = tree(site.root());
    // The site given through a link, the output its real folder.
    let r = site.run(&[
        "build",
        link.to_str().unwrap(),
        "-o",
        site.root().to_str().unwrap(),
    ]);
    let r = r.assert_usage_error();
    assert!(
        r.stderr().contains("refusing to build into"),
        "{}",
        r.stderr()
    );
    // An output reached through a link into content/.
    let into_content = site.dir().join("outlink");
    std::os::unix::fs::symlink(site.root().join("content"), &into_content).unwrap();
    let r = site.run(&[
        "build",
        site.root().to_str().unwrap(),
        "-o",
        into_content.join("public").to_str().unwrap(),
    ]);
    r.assert_usage_error();
    // Twice, as the spare of a first build would be deleted by a second.
    site.run(&[
        "build",
        link.to_str().unwrap(),
        "-o",
        site.root().to_str().unwrap(),
    ])
    .assert_usage_error();
    assert_eq!(tree(site.root()), sources, "the site's sources changed");
}

/// `FILE.gz` read back.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read as _;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn compress_writes_br_and_gz_beside_every_text_file_the_same_each_time() {
    let site = SiteTest::from_fixture("build/base");
    site.build().assert_success();
    let plain = tree(site.out());
    assert!(
        plain
            .keys()
            .all(|k| !k.ends_with(".gz") && !k.ends_with(".br")),
        "none without --compress"
    );
    site.build_with(&["--compress"]).assert_success();
    let first = tree(site.out());
    let text = ["html", "css", "js", "xml", "svg", "ics", "txt", "json"];
    let mut checked = 0;
    for (name, bytes) in &plain {
        let ext = name.rsplit('.').next().unwrap();
        let (gz, br) = (
            first.get(&format!("{name}.gz")),
            first.get(&format!("{name}.br")),
        );
        if !text.contains(&ext) {
            assert!(gz.is_none() && br.is_none(), "{name} is not text");
            continue;
        }
        let gz = gz.unwrap_or_else(|| panic!("no {name}.gz"));
        let br = br.unwrap_or_else(|| panic!("no {name}.br"));
        assert_eq!(&gunzip(gz), bytes, "{name}.gz");
        let mut unbr = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbr).unwrap();
        assert_eq!(&unbr, bytes, "{name}.br");
        assert_eq!(&first[name], bytes, "{name} itself unchanged");
        checked += 1;
    }
    assert!(checked > 10, "{checked} text files");
    assert!(first.contains_key("index.html.br") && first.contains_key("sitemap.xml.gz"));
    // A second build: the same bytes, file for file.
    site.build_with(&["--compress"]).assert_success();
    assert_eq!(tree(site.out()), first);
    // And a build without the flag leaves none behind.
    site.build().assert_success();
    assert_eq!(tree(site.out()), plain);
}
