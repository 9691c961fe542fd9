//! `blason serve`: live reload, errors shown and recovered from, paths kept
//! inside the site, and rebuilds that keep pages equal to full builds.

use std::path::{Path, PathBuf};

use crate::support::{SiteTest, command, read, select};

/// A `blason serve` process, stopped when dropped.
struct Served {
    child: std::process::Child,
    port: u16,
    log: std::sync::mpsc::Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Served {
    fn start(site: &Path, port: u16) -> Served {
        Served::start_with(site, port, &[])
    }

    fn start_with(site: &Path, port: u16, extra: &[&str]) -> Served {
        use std::io::BufRead;
        let mut child = command()
            .args(["serve", site.to_str().unwrap(), "-p", &port.to_string()])
            .args(extra)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let served = Served { child, port, log };
        served.wait_line("serving ");
        served
    }

    /// Waits for a line of the terminal output containing `what`.
    fn wait_line(&self, what: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("serve never said `{what}`");
    }

    /// A raw GET (the path is sent as written): status, headers, body.
    fn get(&self, path: &str) -> (u16, String, String) {
        self.get_from(path, "localhost")
    }

    /// A raw GET with this `Host` header.
    fn get_from(&self, path: &str, host: &str) -> (u16, String, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }

    /// Opens the event stream.
    fn events(&self) -> std::io::BufReader<std::net::TcpStream> {
        use std::io::{BufRead, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        write!(s, "GET /_blason/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut r = std::io::BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        r
    }
}

/// Reads events until one named `name`; returns its data.
fn next_event(r: &mut std::io::BufReader<std::net::TcpStream>, name: &str) -> String {
    use std::io::BufRead;
    let mut current = String::new();
    // Keep-alive comments arrive every 15 s: a missing event must still fail the test.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "no `{name}` event within 60 s"
        );
        let mut line = String::new();
        let n = r.read_line(&mut line).expect("the event stream stays open");
        assert!(n > 0, "the event stream closed");
        let line = line.trim_end();
        if let Some(e) = line.strip_prefix("event: ") {
            current = e.to_string();
        } else if let Some(d) = line.strip_prefix("data: ") {
            if current == name {
                return d.to_string();
            }
            assert_ne!(current, "failed", "a build failed: {d}");
        }
    }
}

#[test]
fn serve_reloads_on_save_shows_errors_and_recovers() {
    let tmp = SiteTest::from_fixture("build/base");
    let site = tmp.root();
    std::fs::create_dir_all(site.join("static")).unwrap();
    let served = Served::start(site, free_port());
    let (status, head, body) = served.get("/tourisme/lac/");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        body.contains("<script src=\"/_blason/live.js\" defer></script></head>"),
        "the live-reload script is injected"
    );
    assert!(
        body.contains(&format!("http://127.0.0.1:{}/tourisme/lac/", served.port)),
        "links point to the local server"
    );
    assert!(
        !site.join("public").exists(),
        "serve never writes the user's public/"
    );
    // A second without a save: the pages are packed, and served the same.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let (status, _, again) = served.get("/tourisme/lac/");
    assert_eq!(status, 200);
    assert_eq!(again, body, "a page packed is served as it was built");
    let (status, _, js) = served.get("/_blason/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource('/_blason/events')"));

    // A content edit: one rebuild, a reload event, the new page.
    let mut events = served.events();
    let page = site.join("content/tourisme/lac.md");
    let original = read(&page);
    assert!(original.contains("title = \"Le lac\""), "{original}");
    std::fs::write(
        &page,
        original.replace("title = \"Le lac\"", "title = \"Le lac gelé\""),
    )
    .unwrap();
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":null}",
        "the page reloads where it is"
    );
    assert!(
        served
            .wait_line("rebuilt ")
            .contains("content/tourisme/lac.md")
    );
    assert!(served.get("/tourisme/lac/").2.contains("Le lac gelé"));

    // Broken front matter: the terminal and the browser say where; the last good page stays.
    std::fs::write(
        &page,
        original.replace("title = \"Le lac\"", "title = \"Le lac"),
    )
    .unwrap();
    let failed: serde_json::Value =
        serde_json::from_str(&next_event(&mut events, "failed")).unwrap();
    let d = &failed["diagnostics"][0];
    // The base site is French: the overlay says so in French.
    assert_eq!(failed["lang"], "fr");
    assert!(
        failed["title"]
            .as_str()
            .unwrap()
            .starts_with("La construction du site a échoué"),
        "{failed}"
    );
    assert_eq!(d["file"], "content/tourisme/lac.md");
    assert_eq!(d["line"], 2);
    assert!(d["column"].as_u64().is_some());
    served.wait_line("error[front-matter]: content/tourisme/lac.md:2:");
    let (status, _, body) = served.get("/tourisme/lac/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Le lac gelé"),
        "the last good site is still served"
    );
    // A browser that connects now hears about the failure at once.
    let mut late = served.events();
    next_event(&mut late, "failed");
    drop(late);

    // Fixed: a reload, and the page again.
    std::fs::write(&page, &original).unwrap();
    next_event(&mut events, "reload");
    assert!(!served.get("/tourisme/lac/").2.contains("Le lac gelé"));

    // A stylesheet alone: a `css` event, no reload.
    std::fs::write(site.join("static/extra.css"), "body { color: #222; }").unwrap();
    next_event(&mut events, "css");
    let (status, head, css) = served.get("/extra.css");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    assert!(css.contains("#222"));
    // An editor's swap file changes nothing.
    std::fs::write(site.join("content/tourisme/.lac.md.swp"), "x").unwrap();
    std::fs::write(
        &page,
        original.replace("title = \"Le lac\"", "title = \"Le lac 2\""),
    )
    .unwrap();
    next_event(&mut events, "reload");
}

/// The names of a process's threads (Linux).
#[cfg(target_os = "linux")]
fn thread_names(pid: u32) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim().to_string())
        .collect();
    names.sort();
    names
}

#[cfg(target_os = "linux")]
#[test]
fn serve_names_the_threads_that_build() {
    let tmp = SiteTest::from_fixture("build/base");
    let served = Served::start(tmp.root(), free_port());
    // The pool's threads carry their own name (unnamed, they would take
    // the name of the thread that started them: `blason`).
    let names = thread_names(served.child.id());
    assert!(names.iter().any(|n| n == "blason-pool-0"), "{names:?}");
}

#[test]
fn serve_answers_only_for_its_own_address_and_caps_its_connections() {
    let tmp = SiteTest::from_fixture("build/base");
    let served = Served::start(tmp.root(), free_port());
    let own = format!("127.0.0.1:{}", served.port);
    assert_eq!(served.get_from("/", &own).0, 200);
    assert_eq!(
        served
            .get_from("/", &format!("localhost:{}", served.port))
            .0,
        200
    );
    // A page of another site whose name was made to point here.
    for host in [
        "attacker.example",
        &format!("attacker.example:{}", served.port),
    ] {
        let (status, _, body) = served.get_from("/", host);
        assert_eq!(status, 421, "{host}");
        assert!(!body.contains("<html"), "{host}: {body}");
    }
    // Idle connections take a thread each, up to a limit; beyond it, a
    // connection is answered at once that the server is busy.
    let idle: Vec<std::net::TcpStream> = (0..140)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(served.get("/").0, 503);
    drop(idle);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while served.get("/").0 != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the server never recovered"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn serve_stays_inside_the_site() {
    let tmp = SiteTest::from_fixture("build/base");
    let site = tmp.root();
    // Beside the site, where `..` would lead.
    std::fs::write(tmp.dir().join("secret.txt"), "SECRET").unwrap();
    let served = Served::start(site, free_port());
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%00",
        "/C:/Windows/win.ini",
    ] {
        let (status, _, body) = served.get(path);
        assert_eq!(status, 400, "{path}");
        assert!(
            !body.contains("SECRET") && !body.contains("root:"),
            "{path}"
        );
    }
    // Absolute paths are paths of the site, never of the disk.
    let (status, _, body) = served.get("//etc/passwd");
    assert_eq!(status, 404);
    assert!(!body.contains("root:"));
    // The theme's 404 page, with its status.
    let (status, _, body) = served.get("/nulle-part/");
    assert_eq!(status, 404);
    assert!(body.contains("Page introuvable"), "{body}");
    // Folders redirect to their address with a slash.
    let (status, head, _) = served.get("/tourisme");
    assert_eq!(status, 301);
    assert!(
        head.contains("Location: /tourisme/") || head.contains("location: /tourisme/"),
        "{head}"
    );
    // The share preview of a page: its title and card as four networks show them.
    let (status, _, body) = served.get("/_blason/share/tourisme/lac/");
    assert_eq!(status, 200);
    let preview = scraper::Html::parse_document(&body);
    assert!(body.contains("<html lang=\"fr\">"), "the site's language");
    assert!(
        select(&preview, "h1")[0]
            .text()
            .collect::<String>()
            .ends_with(" une fois partagée"),
        "{body}"
    );
    assert_eq!(select(&preview, "section h2").len(), 4);
    assert_eq!(
        select(&preview, ".fb-title")[0].text().collect::<String>(),
        "Le lac"
    );
    let card = select(&preview, "img.wa-img")[0]
        .value()
        .attr("src")
        .unwrap()
        .to_string();
    assert!(card.contains("/processed_images/card-"), "{card}");
    let (status, head, _) = served.get(card.split(&format!("{}", served.port)).nth(1).unwrap());
    assert_eq!(status, 200, "the card is served");
    assert!(head.to_lowercase().contains("image/jpeg"));
    assert_eq!(served.get("/_blason/share/../../etc/passwd").0, 400);
    assert_eq!(served.get("/_blason/share/nulle-part/").0, 404);
    // A port that is taken, when asked for, is a usage error.
    let o = tmp
        .run(&[
            "serve",
            site.to_str().unwrap(),
            "-p",
            &served.port.to_string(),
        ])
        .assert_usage_error();
    assert!(o.stderr().contains("is not free"), "{}", o.stderr());
}

/// Copied files (static/, bundle assets, image variants) are read from
/// their source when asked for, never through a symbolic link made since
/// the build; a site's own 404 page and HTML files of static/ are used.
#[cfg(unix)]
#[test]
fn serve_reads_copied_files_from_their_source_and_not_through_a_link_made_since() {
    let tmp = SiteTest::from_fixture("build/base");
    let site = tmp.root();
    std::fs::write(tmp.dir().join("secret.txt"), "SECRET").unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/notes.txt"), "NOTES v1").unwrap();
    std::fs::write(
        site.join("static/404.html"),
        "<!DOCTYPE html><html lang=\"fr\"><head><title>Perdu</title></head><body>Perdu ici</body></html>",
    )
    .unwrap();
    std::fs::write(
        site.join("static/guide.html"),
        "<!DOCTYPE html><html lang=\"fr\"><head><title>Guide</title><meta property=\"og:title\" content=\"Guide imprimable\"></head><body>Guide</body></html>",
    )
    .unwrap();
    let served = Served::start(site, free_port());
    let mut events = served.events();
    let (status, _, body) = served.get("/notes.txt");
    assert_eq!((status, body.as_str()), (200, "NOTES v1"));
    let (status, _, body) = served.get("/nulle-part/");
    assert_eq!(status, 404);
    assert!(
        body.contains("Perdu ici"),
        "the site's own 404 page: {body}"
    );
    let (status, _, body) = served.get("/_blason/share/guide.html");
    assert_eq!(status, 200);
    assert!(body.contains("Guide imprimable"), "{body}");
    // Saved: read again, from the file.
    std::fs::write(site.join("static/notes.txt"), "NOTES v2").unwrap();
    next_event(&mut events, "reload");
    assert_eq!(served.get("/notes.txt").2, "NOTES v2");
    // Replaced by a link to a file outside the site: the build refuses it
    // and keeps the last good site, which does not follow the link.
    std::fs::remove_file(site.join("static/notes.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.dir().join("secret.txt"), site.join("static/notes.txt"))
        .unwrap();
    next_event(&mut events, "failed");
    let (status, _, body) = served.get("/notes.txt");
    assert_eq!(status, 404);
    assert!(!body.contains("SECRET"), "{body}");
}

#[test]
fn serve_follow_takes_the_browser_to_the_saved_page() {
    let tmp = SiteTest::from_fixture("build/base");
    let site = tmp.root();
    let served = Served::start_with(site, free_port(), &["--follow"]);
    let mut events = served.events();
    let page = site.join("content/tourisme/lac.md");
    std::fs::write(
        &page,
        read(&page).replace("title = \"Le lac\"", "title = \"Le lac vert\""),
    )
    .unwrap();
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":\"/tourisme/lac/\"}"
    );
    // A section's file: its list.
    let section = site.join("content/tourisme/_index.md");
    std::fs::write(&section, read(&section) + "\nLes lieux du lac.\n").unwrap();
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":\"/tourisme/\"}"
    );
    // A template is no page: the browser stays where it is.
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/404.html"),
        "{% extends \"base.html\" %}",
    )
    .unwrap();
    assert_eq!(next_event(&mut events, "reload"), "{\"path\":null}");
}

#[test]
fn serve_timings_print_each_stage_of_a_save() {
    let tmp = SiteTest::from_fixture("build/base");
    let site = tmp.root();
    let served = Served::start_with(site, free_port(), &["--timings"]);
    let page = site.join("content/tourisme/lac.md");
    std::fs::write(&page, read(&page) + "\nUne phrase de plus.\n").unwrap();
    served.wait_line("rebuilt ");
    let line = served.wait_line("ms by stage: ");
    let stages: Vec<(&str, f64)> = line
        .trim()
        .trim_start_matches("ms by stage: ")
        .split(", ")
        .map(|s| {
            let (name, ms) = s.rsplit_once(' ').expect(&line);
            (name, ms.parse().expect(&line))
        })
        .collect();
    let names: Vec<&str> = stages.iter().map(|(n, _)| *n).collect();
    for stage in ["content", "markdown", "render", "files"] {
        assert!(names.contains(&stage), "{stage} missing: {line}");
    }
    // In the build's order.
    let at = |n: &str| names.iter().position(|s| *s == n).unwrap();
    assert!(
        at("content") < at("markdown") && at("markdown") < at("render"),
        "{line}"
    );
}

/// A `serve` build's options for a site: a fixed address and clock, so
/// that a full build of the same site gives the same bytes.
fn serve_options(root: &Path) -> blason::BuildOptions {
    serve_options_at(root, "2026-07-01T10:00:00Z")
}

/// [`serve_options`] at another time.
fn serve_options_at(root: &Path, now: &str) -> blason::BuildOptions {
    let mut opts = blason::BuildOptions::new(root);
    opts.base_url = Some("http://127.0.0.1:1111".into());
    opts.now = now.parse().unwrap();
    opts
}

/// The site a full build makes, in memory.
fn full(opts: &blason::BuildOptions) -> blason::Files {
    changes(opts, &mut blason::Memo::default(), &[]).unwrap().1
}

/// `build_changes`, with every file's bytes (the copied ones read from
/// their source, as serve does when they are asked for). As `serve`, it
/// then packs the pages, which the next build starts from: packed, the
/// site has the same bytes.
fn changes(
    opts: &blason::BuildOptions,
    memo: &mut blason::Memo,
    changed: &[std::path::PathBuf],
) -> Result<(blason::BuildReport, blason::Files), blason::Error> {
    let (report, served) = blason::build_changes(opts, memo, changed)?;
    let files = served.read_all().unwrap();
    if let Some(packed) = blason::pack_last(memo) {
        assert_same(&packed.read_all().unwrap(), &files, "the site packed");
        assert!(blason::pack_last(memo).is_none(), "packed twice");
    }
    Ok((report, files))
}

/// The same files with the same bytes.
fn assert_same(kept: &blason::Files, full: &blason::Files, what: &str) {
    let mut a: Vec<&std::sync::Arc<str>> = kept.keys().collect();
    let mut b: Vec<&std::sync::Arc<str>> = full.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{what}: not the same files");
    for (k, v) in full {
        assert!(kept[k] == *v, "{what}: {k} differs from a full build");
    }
}

/// `serve` keeps what a save did not change; the site it then serves must be
/// the one a full build makes, byte for byte.
#[test]
fn serve_builds_that_keep_pages_equal_full_builds() {
    use blason::{BuildOptions, Memo};

    fn warnings(opts: &BuildOptions) -> Vec<String> {
        let r = changes(opts, &mut Memo::default(), &[]).unwrap().0;
        r.warnings.iter().map(|w| format!("{w:?}")).collect()
    }
    fn append(path: &Path, text: &str) {
        let mut s = read(path);
        s.push_str(text);
        std::fs::write(path, s).unwrap();
    }

    // (fixture, a page or section without shortcodes, a page with shortcodes
    // or images). The community fixture's one page shows posts, which a
    // build always reads again: the concert page added below is the page it
    // keeps.
    for (name, plain, rich) in [
        (
            "build/zola-features",
            "content/tourisme/col.md",
            "content/tourisme/lac/index.md",
        ),
        (
            "serve/card-without-alt",
            "content/tourisme/col.md",
            "content/tourisme/lac/index.md",
        ),
        (
            "community/posts",
            "content/tourisme/_index.md",
            "content/tourisme/lac/index.md",
        ),
    ] {
        let dir = SiteTest::from_fixture(name);
        let root = dir.root();
        // An event that ends at 12:00 UTC on the day of the builds: until
        // then it is to come; from then on, over.
        std::fs::write(
            root.join("content/tourisme/concert.md"),
            "+++\ntitle = \"Concert au kiosque\"\n\n[event]\nstart = 2026-07-01T13:00:00+02:00\nend = 2026-07-01T14:00:00+02:00\n+++\nFictional concert.\n",
        )
        .unwrap();
        // A page published until the same instant: then its files go.
        std::fs::write(
            root.join("content/tourisme/affiche.md"),
            "+++\ntitle = \"Affiche du concert\"\npublish_until = 2026-07-01T14:00:00+02:00\n+++\nFictional poster.\n",
        )
        .unwrap();
        let opts = serve_options(root);
        let mut memo = Memo::default();
        let (first, _) = changes(&opts, &mut memo, &[]).unwrap();
        if name == "serve/card-without-alt" {
            // A page whose card photo has no description: a warning that a
            // kept page must still give.
            assert!(
                first.warnings.iter().any(|w| w.code == "card-alt-missing"),
                "{:?}",
                first.warnings
            );
        }
        assert_eq!(first.pages_kept, 0, "{name}: the first build keeps nothing");
        assert_eq!(first.search.documents_kept, 0, "{name}");

        // Body edits: the other pages are kept.
        for page in [plain, rich] {
            append(&root.join(page), "\n\nUne phrase ajoutée : voilà !\n");
            let (r, files) = changes(&opts, &mut memo, &[root.join(page)]).unwrap();
            assert!(r.pages_kept > 0, "{name}: {page} edited");
            let html = files
                .iter()
                .filter(|(k, _)| k.ends_with(".html"))
                .any(|(_, v)| String::from_utf8_lossy(v).contains("Une phrase ajoutée"));
            assert!(html, "{name}: {page}'s new text is not in the site");
            // The search index reads again only the page saved, and takes
            // back the other pages' documents.
            assert_eq!(r.search.analysed, 1, "{name}: {page} edited");
            assert!(
                r.search.documents_kept > 0
                    && r.search.documents_kept + r.search.analysed <= r.search.documents,
                "{name}: {page} edited: {:?}",
                r.search
            );
            assert!(r.search.documents > 1, "{name}");
            assert_same(&files, &full(&opts), &format!("{name}, body of {page}"));
            let kept: Vec<String> = r.warnings.iter().map(|w| format!("{w:?}")).collect();
            assert_eq!(kept, warnings(&opts), "{name}: warnings of {page}");
        }

        // Minutes later, before the concert ends (the first instant at
        // which the builds' decisions from the time change): pages are kept,
        // and the site is the one a full build makes then.
        let at = |t: &str| serve_options_at(root, t);
        let minutes_later = at("2026-07-01T11:59:00Z");
        append(&root.join(plain), "\nEncore.\n");
        let (r, files) = changes(&minutes_later, &mut memo, &[root.join(plain)]).unwrap();
        assert!(r.pages_kept > 0, "{name}: two hours later");
        assert_same(
            &files,
            &full(&minutes_later),
            &format!("{name}, two hours later"),
        );

        // Once the concert is over, it is over on every page, and the
        // poster's files are gone: a full build.
        let later = at("2026-07-01T12:00:00Z");
        append(&root.join(plain), "\nEncore.\n");
        let (r, files) = changes(&later, &mut memo, &[root.join(plain)]).unwrap();
        assert_eq!(
            r.pages_kept, 0,
            "{name}: kept pages once the concert was over"
        );
        assert_same(&files, &full(&later), &format!("{name}, the concert over"));
        assert_ne!(
            full(&minutes_later),
            full(&later),
            "{name}: the concert's end changes no file, so this test shows nothing"
        );
        assert!(
            full(&minutes_later)
                .keys()
                .any(|k| k.starts_with("tourisme/affiche/"))
                && !files.keys().any(|k| k.starts_with("tourisme/affiche/")),
            "{name}: the expired poster's page is still served"
        );

        // A template (a site's own page.html, in place of the theme's): the
        // pages are made again, from kept markdown; listings are kept.
        let theme_page =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/postale/templates/page.html");
        let template = root.join("templates/page.html");
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        std::fs::write(
            &template,
            read(&theme_page).replace("</article>", "<p>TEMPLATE-EDIT</p></article>"),
        )
        .unwrap();
        let (r, files) = changes(&later, &mut memo, std::slice::from_ref(&template)).unwrap();
        assert!(
            r.pages_kept > 0 && r.pages_rendered() >= r.pages,
            "{name}: a template of pages keeps the listings ({} kept)",
            r.pages_kept
        );
        assert!(
            files
                .values()
                .any(|v| String::from_utf8_lossy(v).contains("TEMPLATE-EDIT")),
            "{name}: the template edit is not in the site"
        );
        assert_same(&files, &full(&later), &format!("{name}, template"));

        // A front matter edit: a full build.
        let text = read(&root.join(plain)).replacen("title = \"", "title = \"Nouveau ", 1);
        std::fs::write(root.join(plain), text).unwrap();
        let (r, files) = changes(&later, &mut memo, &[root.join(plain)]).unwrap();
        assert_eq!(r.pages_kept, 0, "{name}");
        assert_same(&files, &full(&later), &format!("{name}, front matter"));

        // A failed build leaves the memory as it was; the fix builds again.
        let broken = root.join(rich);
        let good = read(&broken);
        std::fs::write(&broken, "+++\ntitle = \n+++\n").unwrap();
        assert!(changes(&later, &mut memo, std::slice::from_ref(&broken)).is_err());
        std::fs::write(&broken, good.replace("voilà", "voici")).unwrap();
        let (_, files) = changes(&later, &mut memo, std::slice::from_ref(&broken)).unwrap();
        assert_same(&files, &full(&later), &format!("{name}, after a failure"));

        // A save within the same clock tick (same size, same modification
        // time), reported relative to the root: read again all the same.
        let path = root.join(plain);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let before = read(&path);
        let edited = before.replacen("Nouveau", "NOUVEAU", 1);
        assert!(edited.len() == before.len() && edited != before);
        std::fs::write(&path, &edited).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        let (_, files) = changes(&later, &mut memo, &[PathBuf::from(plain)]).unwrap();
        assert!(
            files
                .values()
                .any(|v| String::from_utf8_lossy(v).contains("NOUVEAU")),
            "{name}: a same-stamp save reported by the watcher was not read"
        );
    }
}

/// Outputs kept across a save keep the horizon of the build that made them:
/// a scheduled post's time is read only by the plan, which a template save
/// of pages keeps; once that time has passed, the next save (a template
/// again) must not keep the plan that shows the post to come.
#[test]
fn serve_keeps_an_output_no_longer_than_the_time_it_was_made_for() {
    use blason::Memo;
    let dir = SiteTest::from_fixture("share/schedule");
    let root = dir.root();
    // A post at 11:00 UTC on the day of the builds.
    std::fs::write(
        root.join("content/tourisme/annonce.md"),
        "+++\ntitle = \"Annonce\"\ndescription = \"Le marché de nuit.\"\n[share.schedule]\nx = [\"2026-07-01T13:00:00+02:00\"]\n+++\nFictional news.\n",
    )
    .unwrap();
    let at = |t: &str| serve_options_at(root, t);
    let mut memo = Memo::default();
    changes(&at("2026-07-01T10:00:00Z"), &mut memo, &[]).unwrap();
    let theme_page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/postale/templates/page.html");
    let template = root.join("templates/page.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    let mut save_template = |n: usize, now: &str| {
        std::fs::write(
            &template,
            read(&theme_page).replace("</article>", &format!("<p>EDIT {n}</p></article>")),
        )
        .unwrap();
        changes(&at(now), &mut memo, std::slice::from_ref(&template)).unwrap()
    };
    // Before the post: what does not read page.html (listings, the plan)
    // is kept.
    let (r, _) = save_template(1, "2026-07-01T10:30:00Z");
    assert!(r.pages_kept > 0, "a template of pages kept nothing");
    // After it: the site is a full build's, the post shown as past.
    let (_, files) = save_template(2, "2026-07-01T11:30:00Z");
    let plan = |f: &blason::Files| {
        let (_, v) = f
            .iter()
            .find(|(k, _)| k.starts_with("kit/plan/") && k.ends_with(".html"))
            .expect("a plan page");
        String::from_utf8_lossy(v).into_owned()
    };
    let later = full(&at("2026-07-01T11:30:00Z"));
    assert_ne!(
        plan(&later),
        plan(&full(&at("2026-07-01T10:30:00Z"))),
        "the post's time changes nothing in the plan, so this test shows nothing"
    );
    assert_same(&files, &later, "a template saved after the post's time");
}

/// A saved template renders again the outputs whose templates read it, by
/// name, through `extends` or through `include`, and keeps the others; the
/// site served is the one a full build makes.
#[test]
fn serve_renders_again_only_the_outputs_that_read_a_saved_template() {
    use blason::{BuildOptions, BuildReport, Files, Memo};

    /// Saves the site's own copy of a theme template, with a mark at its
    /// end (or `text`), and builds as `serve` does.
    fn save(
        opts: &BuildOptions,
        memo: &mut Memo,
        name: &str,
        text: Option<String>,
    ) -> (BuildReport, Files) {
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/postale/templates");
        let path = opts.root.join("templates").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // A child template has nothing outside its blocks: the mark goes
        // at the end of its last block.
        let text = text.unwrap_or_else(|| {
            let source = read(&theme.join(name));
            let mark = format!("<!-- SAVED {name} -->");
            match source.rfind("{% endblock") {
                Some(at) if source.starts_with("{% extends") => {
                    format!("{}{mark}{}", &source[..at], &source[at..])
                }
                _ => format!("{source}{mark}\n"),
            }
        });
        std::fs::write(&path, text).unwrap();
        changes(opts, memo, std::slice::from_ref(&path)).unwrap()
    }

    let dir = SiteTest::from_fixture("build/zola-features");
    let root = dir.root();
    let opts = serve_options(root);
    let mut memo = Memo::default();
    let (first, _) = changes(&opts, &mut memo, &[]).unwrap();
    assert!(first.pages >= 4 && first.sections + first.listings >= 4);
    let marked = |files: &Files, name: &str| -> Vec<String> {
        let mark = format!("<!-- SAVED {name} -->");
        let mut with: Vec<String> = files
            .iter()
            .filter(|(_, v)| String::from_utf8_lossy(v).contains(&mark))
            .map(|(k, _)| k.to_string())
            .collect();
        with.sort();
        with
    };
    // Pages' own template: the pages only, whose files are then known.
    let (r, files) = save(&opts, &mut memo, "page.html", None);
    assert_eq!(r.pages_rendered(), r.pages, "{} kept", r.pages_kept);
    let page_files = marked(&files, "page.html");
    assert_eq!(page_files.len(), r.pages);
    assert_same(&files, &full(&opts), "page.html");

    // Included by section.html only (which pillars, audiences and tags
    // extend): every page is kept, the listings are made again.
    let (r, files) = save(&opts, &mut memo, "partials/listing.html", None);
    assert!(r.pages_kept >= r.pages, "{} kept", r.pages_kept);
    assert!(r.pages_rendered() > 0);
    let with = marked(&files, "partials/listing.html");
    assert!(
        !with.is_empty() && with.iter().all(|f| !page_files.contains(f)),
        "{with:?}"
    );
    assert_same(&files, &full(&opts), "partials/listing.html");

    // Included by page.html (and most listings): every page is made again.
    let (r, files) = save(&opts, &mut memo, "partials/breadcrumb.html", None);
    assert!(
        r.pages_rendered() >= r.pages && r.pages_kept > 0,
        "{} kept",
        r.pages_kept
    );
    for f in &page_files {
        assert!(
            marked(&files, "partials/breadcrumb.html").contains(f),
            "{f}"
        );
    }
    assert_same(&files, &full(&opts), "partials/breadcrumb.html");

    // Extended by every page but redirects: only the agenda section, a
    // redirect now (alias.html), is kept.
    let (r, files) = save(&opts, &mut memo, "base.html", None);
    assert_eq!(r.pages_kept, 1);
    assert_same(&files, &full(&opts), "base.html");

    // A site's copy removed: the theme's is back, as an edit of that name.
    let listing = root.join("templates/partials/listing.html");
    std::fs::remove_file(&listing).unwrap();
    let (r, files) = changes(&opts, &mut memo, std::slice::from_ref(&listing)).unwrap();
    assert!(r.pages_kept >= r.pages);
    assert!(marked(&files, "partials/listing.html").is_empty());
    assert_same(&files, &full(&opts), "partials/listing.html removed");

    // A template with a new name: every output is made again.
    let (r, files) = save(
        &opts,
        &mut memo,
        "partials/extra.html",
        Some("<p>extra</p>".into()),
    );
    assert_eq!(r.pages_kept, 0);
    assert_same(&files, &full(&opts), "a new template");

    // A broken template fails the build as a full build does; mended, the
    // site is the full build's again.
    let broken = root.join("templates/page.html");
    let good = read(&broken);
    std::fs::write(&broken, "{% if %}").unwrap();
    let err = changes(&opts, &mut memo, std::slice::from_ref(&broken)).unwrap_err();
    assert!(
        format!("{err:?}").contains("templates/page.html"),
        "{err:?}"
    );
    let (_, files) = save(
        &opts,
        &mut memo,
        "page.html",
        Some(good.replace("SAVED", "MENDED")),
    );
    assert_same(&files, &full(&opts), "a template mended");
}

/// A video's transcript and captions are files beside the page, read by the
/// `video()` shortcode: saving one re-renders the page that shows it (or
/// publishes the new captions), and a broken one is an error naming it.
#[test]
fn serve_renders_again_the_page_whose_transcript_or_captions_were_saved() {
    let tmp = SiteTest::from_fixture("accessibility/video");
    let site = tmp.root();
    let served = Served::start_with(site, free_port(), &["--follow"]);
    let mut events = served.events();
    let (status, _, body) = served.get("/tourisme/lac/");
    assert_eq!(status, 200);
    assert!(body.contains("les pêcheurs rentrent"), "{body}");

    let dir = site.join("content/tourisme/lac");
    let transcript = dir.join("lac.transcript.md");
    std::fs::write(
        &transcript,
        read(&transcript).replace("les pêcheurs rentrent", "les barques rentrent"),
    )
    .unwrap();
    // The browser is taken to the page that shows the transcript.
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":\"/tourisme/lac/\"}"
    );
    let line = served.wait_line("rebuilt ");
    assert!(line.contains("(content/tourisme/lac/index.md)"), "{line}");
    let (_, _, body) = served.get("/tourisme/lac/");
    assert!(
        body.contains("les barques rentrent") && !body.contains("les pêcheurs rentrent"),
        "{body}"
    );

    let captions = dir.join("lac.fr.vtt");
    std::fs::write(
        &captions,
        read(&captions).replace("[Chant d'une sittelle]", "[Chant d'un merle]"),
    )
    .unwrap();
    assert_eq!(
        next_event(&mut events, "reload"),
        "{\"path\":\"/tourisme/lac/\"}"
    );
    let (status, _, vtt) = served.get("/tourisme/lac/lac.fr.vtt");
    assert_eq!(status, 200);
    assert!(vtt.contains("[Chant d'un merle]"), "{vtt}");

    // Captions that are no longer WebVTT: the page's build fails, naming them.
    std::fs::write(&captions, "00:00:01.000 --> 00:00:04.000\nSans en-tête\n").unwrap();
    let failed = next_event(&mut events, "failed");
    assert!(failed.contains("lac.fr.vtt"), "{failed}");
    std::fs::write(
        &captions,
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nRéparé\n",
    )
    .unwrap();
    next_event(&mut events, "reload");
    let (_, _, vtt) = served.get("/tourisme/lac/lac.fr.vtt");
    assert!(vtt.contains("Réparé"), "{vtt}");
}
