//! `blason sync` against a real HTTP server on 127.0.0.1 that serves
//! tests/fixtures/sync/server/ (and misbehaves on request): feeds and
//! photos downloaded, a second run that asks for no photo, changes
//! counted, failures reported with nothing half-written, the previous
//! data kept when a feed fails; and `build`/`check` asking nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{self, SiteTest};

/// How the server answers one path.
#[derive(Clone)]
enum Answer {
    /// A file of `server/` (JSON with `SERVER` replaced).
    File(&'static str),
    /// Bytes as they are.
    Bytes(&'static str, Vec<u8>),
    Status(u16),
    /// Announces more bytes than it sends, then closes.
    Truncated,
    /// Accepts and sends nothing.
    Stall,
    /// Sends the headers and the start of the body, then nothing.
    Dribble,
}

struct Server {
    addr: String,
    routes: Arc<Mutex<BTreeMap<String, Answer>>>,
    log: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    /// Serves `/agenda.json` and `/img/*` from the fixtures; other paths 404.
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let routes = Arc::new(Mutex::new(BTreeMap::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let server = Server {
            addr: addr.clone(),
            routes: routes.clone(),
            log: log.clone(),
        };
        server.set("/agenda.json", Answer::File("agenda.json"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (routes, log, addr) = (routes.clone(), log.clone(), addr.clone());
                std::thread::spawn(move || answer(stream, &routes, &log, &addr));
            }
        });
        server
    }

    fn set(&self, path: &str, answer: Answer) {
        self.routes.lock().unwrap().insert(path.to_string(), answer);
    }

    /// Paths asked for so far, in order.
    fn paths(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|(p, _)| p.clone())
            .collect()
    }

    fn count(&self, path: &str) -> usize {
        self.paths().iter().filter(|p| *p == path).count()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn server_dir() -> PathBuf {
    support::fixtures().join("sync/server")
}

fn answer(
    stream: TcpStream,
    routes: &Mutex<BTreeMap<String, Answer>>,
    log: &Mutex<Vec<(String, String)>>,
    addr: &str,
) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut agent = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("user-agent:") {
            agent = h[h.len() - v.len()..].trim().to_string();
        }
    }
    log.lock().unwrap().push((path.clone(), agent));
    let route = routes.lock().unwrap().get(&path).cloned();
    let route = route.or_else(|| {
        let name = path.strip_prefix("/img/")?;
        server_dir().join("img").join(name).is_file().then(|| {
            Answer::Bytes(
                "image/jpeg",
                std::fs::read(server_dir().join("img").join(name)).unwrap(),
            )
        })
    });
    let mut out = &stream;
    let send = |mut out: &TcpStream, status: u16, kind: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = out.write_all(head.as_bytes());
        let _ = out.write_all(body);
    };
    match route.unwrap_or(Answer::Status(404)) {
        Answer::File(name) => {
            let text = std::fs::read_to_string(server_dir().join(name)).unwrap();
            send(
                out,
                200,
                "application/json",
                text.replace("SERVER", addr).as_bytes(),
            );
        }
        Answer::Bytes(kind, bytes) => send(out, 200, kind, &bytes),
        Answer::Status(s) => send(
            out,
            s,
            "text/html",
            b"<!DOCTYPE html><title>Not here</title>",
        ),
        Answer::Truncated => {
            let _ = out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{\"events\": [",
            );
        }
        Answer::Stall => std::thread::sleep(Duration::from_secs(30)),
        Answer::Dribble => {
            let _ = out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"events\": [",
            );
            let _ = out.flush();
            std::thread::sleep(Duration::from_secs(30));
        }
    }
    let _ = out.flush();
}

/// The fixture `sync/CASE` with `SERVER` in its blason.toml replaced.
fn site(case: &str, server: &Server) -> SiteTest {
    let s = SiteTest::from_fixture(&format!("sync/{case}"));
    let toml = std::fs::read_to_string(s.root().join("blason.toml")).unwrap();
    s.file("blason.toml", toml.replace("SERVER", &server.addr))
}

/// `blason sync SITE ARGS`, without the proxies of the environment.
fn sync(s: &SiteTest, args: &[&str]) -> Output {
    let mut cmd = support::command();
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(v);
    }
    cmd.arg("sync").arg(s.root()).args(args);
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The name the build looks for (`content::data::media_name`).
fn media_name(url: &str) -> String {
    let hash = blake3::hash(url.as_bytes()).to_hex();
    let ext = url.rsplit_once('.').map_or("jpg", |(_, e)| e);
    format!("{}.{ext}", &hash[..20])
}

/// Every file under `dir`, relative, sorted (temporary ones included).
fn files(dir: &Path) -> Vec<String> {
    support::tree(dir).into_keys().collect()
}

fn everything(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_first_sync_downloads_the_feed_and_its_photos() {
    let server = Server::start();
    let s = site("agenda", &server);
    let o = sync(&s, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "agenda: 3 objects, 3 new, 0 changed, 0 removed; 3 images, 3 downloaded, 0 failed"
        ),
        "{}",
        stderr(&o)
    );
    let feed = std::fs::read_to_string(s.root().join("data/agenda.json")).unwrap();
    assert!(feed.contains("Fête de la pomme") && !feed.contains("SERVER"));
    for img in ["lac.jpg", "fort.png", "pont.jpg"] {
        let name = media_name(&server.url(&format!("/img/{img}")));
        assert_eq!(
            std::fs::read(s.root().join("data/media").join(&name)).unwrap(),
            std::fs::read(server_dir().join("img").join(img)).unwrap(),
            "{img} saved as {name}"
        );
    }
    // Nothing else: no temporary file beside the feed or the photos.
    assert_eq!(
        everything(&s.root().join("data")).len(),
        5,
        "{:?}",
        everything(&s.root().join("data"))
    );
    let log = server.log.lock().unwrap().clone();
    assert_eq!(log.len(), 4);
    assert!(
        log.iter().all(|(_, ua)| ua.starts_with("blason/")
            && ua.ends_with("(+https://www.example-territoire.fr)")),
        "{log:?}"
    );
}

#[test]
fn a_second_sync_with_nothing_changed_downloads_no_photo() {
    let server = Server::start();
    let s = site("agenda", &server);
    assert_eq!(code(&sync(&s, &[])), 0);
    let before = support::tree(s.root());
    let o = sync(&s, &["--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "agenda: 3 objects, 0 new, 0 changed, 0 removed; 3 images, 0 downloaded, 0 failed"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        server
            .paths()
            .iter()
            .filter(|p| p.starts_with("/img/"))
            .count(),
        3
    );
    assert_eq!(server.count("/agenda.json"), 2);
    let after = support::tree(s.root());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["feeds"][0]["status"], "updated");
    assert_eq!(report["media"]["present"], 3);
    assert_eq!(report["media"]["downloaded"], 0);
}

#[test]
fn a_changed_feed_reports_new_changed_and_removed_objects() {
    let server = Server::start();
    let s = site("agenda", &server);
    assert_eq!(code(&sync(&s, &[])), 0);
    server.set("/agenda.json", Answer::File("agenda-changed.json"));
    let o = sync(&s, &["--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "agenda: 3 objects, 1 new, 1 changed, 1 removed; 3 images, 1 downloaded, 0 failed"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "1 file no object uses any more is left in place; blason sync --prune removes them"
        ),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let feed = &report["feeds"][0];
    assert_eq!(feed["new"], serde_json::json!(["41100004"]));
    assert_eq!(feed["changed"], serde_json::json!(["41100002"]));
    assert_eq!(feed["removed"], serde_json::json!(["41100003"]));
    let pont = media_name(&server.url("/img/pont.jpg"));
    assert!(s.root().join("data/media").join(&pont).is_file());

    let o = sync(&s, &["--prune"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("removed 1 file no object uses any more"),
        "{}",
        stderr(&o)
    );
    assert!(!s.root().join("data/media").join(&pont).exists());
    assert_eq!(files(&s.root().join("data/media")).len(), 3);
}

#[test]
fn a_renamed_object_keeps_answering_at_its_old_address() {
    let server = Server::start();
    let s = site("agenda", &server);
    assert_eq!(code(&sync(&s, &[])), 0);
    let first = s.build().assert_success();
    let old = "agenda/bal-du-fort/index.html";
    assert!(first.out().join(old).is_file());
    assert!(!s.root().join("data/renames.toml").exists());

    // « Bal du fort » becomes « Grand bal du fort » in the feed.
    server.set("/agenda.json", Answer::File("agenda-changed.json"));
    let o = sync(&s, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let renames = old_addresses(&s);
    assert_eq!(
        renames["agenda"]["41100002"],
        toml::Value::Array(vec!["agenda/bal-du-fort".into()])
    );
    let run = s.build().assert_success();
    assert!(
        run.out()
            .join("agenda/grand-bal-du-fort/index.html")
            .is_file()
    );
    let redirect = run.read(old);
    assert!(
        redirect.contains("/agenda/grand-bal-du-fort/"),
        "the old address redirects to the new one: {redirect}"
    );
    // The objects whose name stayed have no old address.
    assert!(renames["agenda"].get("41100001").is_none(), "{renames}");

    // Another object taking the old name takes the address back: its page
    // is served there, not a redirect.
    server.set("/agenda.json", Answer::File("agenda.json"));
    assert_eq!(code(&sync(&s, &[])), 0);
    let run = s.build().assert_success();
    let back = run.read(old);
    assert!(back.contains("<h1"), "a page, not a redirect: {back}");
    assert_eq!(
        old_addresses(&s)["agenda"]["41100002"],
        toml::Value::Array(vec!["agenda/grand-bal-du-fort".into()])
    );
}

fn old_addresses(s: &SiteTest) -> toml::Value {
    let text = std::fs::read_to_string(s.root().join("data/renames.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn a_missing_photo_is_reported_and_everything_else_done() {
    let server = Server::start();
    server.set("/agenda.json", Answer::File("agenda-missing-photo.json"));
    let s = site("agenda", &server);
    let o = sync(&s, &[]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    let absent = server.url("/img/absent.jpg");
    assert!(
        err.contains(&format!(
            "failed [404]: {absent} (a photo of object 41100002 in `agenda`): 404 Not Found"
        )),
        "{err}"
    );
    assert!(err.contains("3 images, 2 downloaded, 1 failed"), "{err}");
    assert_eq!(
        server.count("/img/absent.jpg"),
        1,
        "a 404 is not asked again"
    );
    assert!(s.root().join("data/agenda.json").is_file());
    let media = everything(&s.root().join("data/media"));
    assert_eq!(media.len(), 2, "no partial file: {media:?}");
    assert!(!media.contains(&media_name(&absent)));
}

#[test]
fn a_silent_server_times_out_is_tried_three_times_and_reported() {
    let server = Server::start();
    server.set("/agenda.json", Answer::Stall);
    let s = site("agenda", &server);
    let start = Instant::now();
    let o = sync(&s, &["--timeout", "1"]);
    let took = start.elapsed();
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(
        err.contains("could not download the feed `agenda`")
            && err.contains("timed out: the server sent nothing for 1 s (3 attempts)"),
        "{err}"
    );
    assert_eq!(server.count("/agenda.json"), 3);
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let data = s.root().join("data");
    assert!(
        !data.exists() || everything(&data).is_empty(),
        "{:?}",
        everything(&data)
    );
}

#[test]
fn a_truncated_response_is_refused_and_leaves_nothing() {
    let server = Server::start();
    let s = site("agenda", &server);
    assert_eq!(code(&sync(&s, &[])), 0);
    let before = support::tree(&s.root().join("data"));

    // The feed: the previous one stays.
    server.set("/agenda.json", Answer::Truncated);
    let o = sync(&s, &[]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(err.contains("the response was cut short"), "{err}");
    assert!(
        err.contains("the previous data in data/agenda.json was kept"),
        "{err}"
    );
    assert!(
        err.contains("agenda: not updated, the previous data kept (3 objects)"),
        "{err}"
    );
    assert_eq!(server.count("/agenda.json"), 4, "one good, three cut short");
    assert_eq!(support::tree(&s.root().join("data")), before);
    assert_eq!(everything(&s.root().join("data")).len(), 5);

    // A photo: no file.
    server.set("/agenda.json", Answer::File("agenda-changed.json"));
    server.set("/img/gue.jpg", Answer::Truncated);
    let o = sync(&s, &[]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(
        err.contains("/img/gue.jpg (a photo of object 41100004"),
        "{err}"
    );
    let gue = media_name(&server.url("/img/gue.jpg"));
    let media = everything(&s.root().join("data/media"));
    assert!(!media.iter().any(|f| f.contains(&gue)), "{media:?}");
    assert_eq!(media.len(), 3, "{media:?}");
}

#[test]
fn a_feed_that_does_not_read_leaves_the_previous_data_untouched() {
    let server = Server::start();
    let s = site("agenda", &server);
    assert_eq!(code(&sync(&s, &[])), 0);
    let data = s.root().join("data");
    let before = support::tree(&data);
    for (answer, words) in [
        (Answer::File("broken.json"), "does not read as openagenda"),
        (
            Answer::Bytes("text/html", b"<!DOCTYPE html><p>Connexion requise".to_vec()),
            "answered with an HTML page, not the feed (served as text/html)",
        ),
        (
            Answer::Status(500),
            "500 Internal Server Error (3 attempts)",
        ),
    ] {
        server.set("/agenda.json", answer);
        let o = sync(&s, &[]);
        let err = stderr(&o);
        assert_eq!(code(&o), 1, "{err}");
        assert!(err.contains(words), "{words}: {err}");
        assert!(
            err.contains("the previous data in data/agenda.json was kept"),
            "{err}"
        );
        assert_eq!(support::tree(&data), before, "{words}");
        assert_eq!(everything(&data).len(), 5, "{:?}", everything(&data));
    }
    // The reader's own error names the file as if it were in place.
    server.set("/agenda.json", Answer::File("broken.json"));
    let err = stderr(&sync(&s, &[]));
    assert!(err.contains("error[data]: data/agenda.json:"), "{err}");
}

#[test]
fn a_killed_sync_leaves_the_previous_data_and_the_next_one_tidies_up() {
    let server = Server::start();
    let s = site("agenda", &server);
    assert_eq!(code(&sync(&s, &[])), 0);
    let before = support::tree(&s.root().join("data"));
    server.set("/agenda.json", Answer::Dribble);
    let part = s.root().join("data/.blason-sync-agenda.json.part");
    let mut child = support::command()
        .arg("sync")
        .arg(s.root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !part.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(part.exists(), "the download never started");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut now = support::tree(&s.root().join("data"));
    now.remove(".blason-sync-agenda.json.part");
    assert_eq!(now, before, "the previous data is intact");

    server.set("/agenda.json", Answer::File("agenda-changed.json"));
    let o = sync(&s, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let data = everything(&s.root().join("data"));
    assert!(!data.iter().any(|f| f.contains(".blason-")), "{data:?}");
}

/// A zip of `server/NAME` (SERVER replaced) as `NAME` inside.
fn zip_of(server: &Server, name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(server_dir().join(name))
        .unwrap()
        .replace("SERVER", &server.addr);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        format!("objects/{name}"),
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(text.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_is_unpacked_into_its_folder_and_replaces_it_whole() {
    let server = Server::start();
    server.set(
        "/flux.zip",
        Answer::Bytes("application/zip", zip_of(&server, "agenda.json")),
    );
    let s = site("flux-folder", &server);
    let o = sync(&s, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("agenda: 3 objects, 3 new"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        files(&s.root().join("data/agenda")),
        ["objects/agenda.json"]
    );
    assert_eq!(files(&s.root().join("data/photos")).len(), 3);

    server.set(
        "/flux.zip",
        Answer::Bytes("application/zip", zip_of(&server, "agenda-changed.json")),
    );
    let o = sync(&s, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 new, 1 changed, 1 removed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        files(&s.root().join("data/agenda")),
        ["objects/agenda-changed.json"]
    );
    let data = everything(&s.root().join("data"));
    assert!(!data.iter().any(|f| f.contains(".blason-")), "{data:?}");
}

#[test]
fn a_site_without_feeds_has_nothing_to_sync() {
    let s = SiteTest::from_fixture("build/base");
    let o = sync(&s, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nothing to sync: blason.toml has no [[data]] feed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn build_and_check_never_touch_the_network() {
    let server = Server::start();
    let s = site("agenda", &server);
    // With the feed downloaded, and without it.
    for _ in 0..2 {
        let _ = s.build();
        let _ = s.check_json();
        assert_eq!(server.paths(), Vec::<String>::new());
        assert_eq!(code(&sync(&s, &[])), 0);
        server.log.lock().unwrap().clear();
    }
}
