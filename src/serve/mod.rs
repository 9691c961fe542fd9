//! `blason serve`: build the site into memory, serve it on localhost, watch
//! the sources, rebuild on save and tell the browser over Server-Sent Events.
//!
//! The site being served is always the last good build: a failed build keeps
//! it, and the browser shows the error in an overlay (file, line, column,
//! message) until a save fixes it. Nothing is written into the user's
//! `public/`; the image cache is shared with `build`. A save rebuilds only
//! what it changed ([`crate::incremental`]). The server never exits
//! because of content. This module prints nothing: it reports through the
//! `say` callback the command line gives it.

pub mod classify;
mod conn;
pub mod http;
pub mod share;
mod words;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::incremental::Memo;
use crate::output::Served;
use crate::pipeline::{self, BuildOptions, BuildReport};
use classify::Change;
use http::Lookup;
use words::Words;

/// The default port, as Zola's.
pub const DEFAULT_PORT: u16 = 1111;

/// How long to wait for more events after a file changes: editors write a
/// save as several events (temporary file, rename, metadata) within a few ms.
const DEBOUNCE: Duration = Duration::from_millis(10);

const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");
const SHARE_CSS: &str = include_str!("share.css");

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// None: 1111, or the next free port.
    pub port: Option<u16>,
    /// None: 127.0.0.1.
    pub bind: Option<IpAddr>,
    pub drafts: bool,
    /// Open the site in the desktop's browser once it is served.
    pub open: bool,
    /// After a page's markdown is saved, take the browser to that page.
    pub follow: bool,
    /// Print each build's time per stage after its line.
    pub timings: bool,
    /// A fixed "now" (SOURCE_DATE_EPOCH); else the clock at each build.
    pub now: Option<jiff::Timestamp>,
}

/// An event for the browsers: its name and one line of data.
#[derive(Debug, Clone)]
struct Event {
    name: &'static str,
    data: String,
}

/// A built site: every file by its path in the output, the written ones
/// in memory, the copied ones read from their source when asked for.
type SiteFiles = Arc<Served>;

/// What the server threads share.
#[derive(Default)]
struct State {
    /// What serve's own pages say, in the site's language.
    words: Words,
    /// The last good site, by output path.
    site: RwLock<Option<SiteFiles>>,
    /// The failed build's diagnostics (JSON) while the sources are broken.
    failure: RwLock<Option<String>>,
    /// One sender per open event stream.
    clients: Mutex<Vec<mpsc::Sender<Event>>>,
}

impl State {
    /// Serves `site` from now on; the site it replaces is freed once no
    /// request reads it, on another thread.
    fn install(&self, site: Served) {
        let last = self
            .site
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .replace(Arc::new(site));
        if let Some(last) = last {
            pipeline::drop_elsewhere(last);
        }
    }

    fn broadcast(&self, event: Event) {
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|c| c.send(event.clone()).is_ok());
    }
}

/// The address the site is served at: loopback unless asked otherwise.
fn listen(opts: &ServeOptions) -> Result<(std::net::TcpListener, SocketAddr), Error> {
    let ip = opts.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    listen_from(ip, opts.port, DEFAULT_PORT)
}

/// Binds `port`, or without one the first free port of the hundred from `first`.
fn listen_from(
    ip: IpAddr,
    port: Option<u16>,
    first: u16,
) -> Result<(std::net::TcpListener, SocketAddr), Error> {
    let end = first.saturating_add(99);
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (first..=end).collect(),
    };
    let mut last = String::new();
    for port in ports {
        let addr = SocketAddr::new(ip, port);
        match std::net::TcpListener::bind(addr) {
            Ok(listener) => return Ok((listener, addr)),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(Error::Usage(match port {
        Some(p) => format!(
            "port {p} is not free ({last}); choose another with -p, or leave -p out to take the next free one"
        ),
        None => format!("no free port from {first} to {end} ({last}); choose one with -p"),
    }))
}

/// The site's address for the browser (the base URL of the build).
fn base_url(addr: SocketAddr) -> String {
    let ip = addr.ip();
    let host = if ip.is_unspecified() {
        "127.0.0.1".to_string()
    } else if ip.is_ipv6() {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    format!("http://{host}:{}", addr.port())
}

/// A failed build, as the terminal and the browser's overlay show it.
struct Failure {
    terminal: String,
    json: String,
}

/// Builds into memory, keeping what `memo` allows of the last good build
/// given the paths `changed` since; on success the new site replaces the
/// served one. A failure is kept (as the JSON the overlay reads) until the
/// next success.
fn rebuild(
    state: &State,
    opts: &ServeOptions,
    base: &str,
    memo: &mut Memo,
    changed: &[PathBuf],
) -> Result<BuildReport, Failure> {
    let build = BuildOptions {
        root: opts.root.clone(),
        out: None,
        base_url: Some(base.to_string()),
        drafts: opts.drafts,
        prune_cache: false,
        compress: false,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
    };
    match pipeline::build_changes(&build, memo, changed) {
        Ok((report, files)) => {
            state.install(files);
            *state.failure.write().unwrap_or_else(|p| p.into_inner()) = None;
            Ok(report)
        }
        Err(e) => {
            let terminal = e.to_string();
            let json = serde_json::json!({
                "lang": state.words.lang,
                "title": state.words.build_failed,
                "diagnostics": e.into_diagnostics(),
            })
            .to_string();
            *state.failure.write().unwrap_or_else(|p| p.into_inner()) = Some(json.clone());
            Err(Failure { terminal, json })
        }
    }
}

/// The stages' milliseconds, on a line of their own after a build's line
/// (`--timings`); nothing without it.
fn timings(opts: &ServeOptions, report: &BuildReport) -> String {
    if !opts.timings {
        return String::new();
    }
    let stages: Vec<String> = report
        .stages_ms
        .iter()
        .map(|(stage, ms)| format!("{stage} {ms:.0}"))
        .collect();
    format!("\n  ms by stage: {}", stages.join(", "))
}

/// How long `serve` waits after a build for another save before it packs
/// the pages the build wrote.
const PACK_AFTER: Duration = Duration::from_millis(1000);

/// Packs the pages the last build wrote ([`Served::packed`]), in the site
/// served and in the memory of the last build.
fn pack(state: &State, memo: &mut Memo) {
    if let Some(packed) = pipeline::pack_last(memo) {
        state.install(packed);
    }
}

/// Serves `opts.root` until the process is stopped. `say` gets one line per
/// event worth telling (the address, each rebuild, each failure).
pub fn serve(opts: ServeOptions, say: &(dyn Fn(&str) + Sync)) -> Result<(), Error> {
    let config = Config::load(&opts.root)?;
    let root = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    let opts = ServeOptions { root, ..opts };
    let (server, addr) = listen(&opts)?;
    let base = base_url(addr);
    if !addr.ip().is_loopback() {
        say(&format!(
            "warning: serving on {addr}: anyone who can reach this machine can see the site"
        ));
    }
    // Watch before the first build: a save made while it runs, or right
    // after the address is announced, is not lost.
    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx)
        .map_err(|e| Error::Usage(format!("cannot watch the site's files: {e}")))?;
    debouncer
        .watch(&opts.root, notify::RecursiveMode::Recursive)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", opts.root.display())))?;
    let state = Arc::new(State {
        words: Words::for_language(&config.default_language),
        ..State::default()
    });
    let started = Instant::now();
    let mut memo = Memo::default();
    match rebuild(&state, &opts, &base, &mut memo, &[]) {
        Ok(r) => say(&format!(
            "built {} pages in {} ms{}",
            r.page_count(),
            started.elapsed().as_millis(),
            timings(&opts, &r)
        )),
        Err(f) => say(&format!(
            "{}\nthe build failed; fix the file and save",
            f.terminal
        )),
    }
    say(&format!(
        "serving {} at {base}/ (Ctrl+C to stop)",
        opts.root.display()
    ));
    if opts.open && !open_browser(&format!("{base}/")) {
        say("warning: could not open a browser; open the address above yourself");
    }

    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || accept(server, addr, &state));
    }
    rebuild_on_save(&state, &opts, &base, &rx, &mut memo, say);
    drop(debouncer);
    Ok(())
}

/// Connections answered at once; more wait in a thread each, beyond
/// which a connection is told the server is busy (503) without one: 500
/// half-open connections held 500 threads.
const MAX_CONNECTIONS: usize = 128;

/// Answers each connection in a thread of its own, at most
/// [`MAX_CONNECTIONS`] at a time.
fn accept(server: std::net::TcpListener, addr: SocketAddr, state: &Arc<State>) {
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for stream in server.incoming().flatten() {
        use std::sync::atomic::Ordering;
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            busy(stream);
            continue;
        }
        let (state, open) = (Arc::clone(state), Arc::clone(&open));
        std::thread::spawn(move || {
            if let Some(request) = conn::Request::read(stream) {
                if conn::host_allowed(request.host.as_deref(), addr) {
                    respond(&state, request);
                } else {
                    reply(
                        request,
                        421,
                        "text/plain; charset=utf-8",
                        b"this server answers only for its own address and localhost".to_vec(),
                    );
                }
            }
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Tells a connection the server is busy. What it sent is read (briefly)
/// before closing: closing with unread bytes resets the connection, and the
/// client would see an error instead of the answer.
fn busy(mut stream: std::net::TcpStream) {
    use std::io::{Read, Write};
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
    );
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = stream.read(&mut [0; 4096]);
}

/// Whether a file event can change what the site is made of: reading a file
/// (which the build itself does) and access-time updates cannot.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{MetadataKind, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(m)) => {
            matches!(m, MetadataKind::WriteTime | MetadataKind::Permissions)
        }
        EventKind::Modify(_) => true,
        EventKind::Any => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// Rebuilds on each save reported on `rx`, for as long as the watcher lives.
fn rebuild_on_save(
    state: &State,
    opts: &ServeOptions,
    base: &str,
    rx: &mpsc::Receiver<notify_debouncer_full::DebounceEventResult>,
    memo: &mut Memo,
    say: &(dyn Fn(&str) + Sync),
) {
    let mut generation: u64 = 0;
    // The paths changed since the last good build (a failed build keeps them).
    let mut changed: Vec<PathBuf> = Vec::new();
    // Whether the last build's pages wait to be packed (the first build's
    // too, once it succeeded).
    let mut unpacked = memo.last.is_some();
    loop {
        // Pages are packed once no save came for a moment: a save right
        // after another does not wait for it.
        let next = if unpacked {
            match rx.recv_timeout(PACK_AFTER) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    pack(state, memo);
                    // This thread made and freed the build's sequential
                    // stages, and sits idle until the next save too (the
                    // pool's threads give back after each freeing). The
                    // site packing replaced is still being freed.
                    pipeline::give_back_here_once_freed();
                    unpacked = false;
                    continue;
                }
                next => next.map_err(|_| ()),
            }
        } else {
            rx.recv().map_err(|_| ())
        };
        let Ok(first) = next else {
            break;
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut take = |r: notify_debouncer_full::DebounceEventResult| {
            // The system dropped events (too many at once, as a checkout
            // makes), or the watcher failed (a new folder past the limit of
            // watches): any file may have changed, so the whole site is
            // built again, its folders walked.
            let unknown = opts.root.join("content");
            match r {
                Ok(events) => {
                    for e in events.iter() {
                        if e.event.need_rescan() {
                            paths.push(unknown.clone());
                        } else if changes_content(&e.event.kind) {
                            paths.extend(e.event.paths.iter().cloned());
                        }
                    }
                }
                Err(_) => paths.push(unknown),
            }
        };
        take(first);
        // Events that came while this batch was read belong to the same save.
        while let Ok(more) = rx.try_recv() {
            take(more);
        }
        let change = classify::classify(&opts.root, paths.iter().map(PathBuf::as_path));
        let page = match &change {
            Change::Nothing => continue,
            Change::Css => None,
            Change::Reload { page } => page.clone(),
        };
        let started = Instant::now();
        changed.extend(paths);
        memo.follow = page.clone().filter(|_| opts.follow);
        match rebuild(state, opts, base, memo, &changed) {
            Ok(r) => {
                changed.clear();
                let what = page.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
                say(&format!(
                    "rebuilt {} pages in {} ms{what}{}",
                    r.pages_rendered(),
                    started.elapsed().as_millis(),
                    timings(opts, &r)
                ));
                generation += 1;
                state.broadcast(if change == Change::Css {
                    // A new number makes the browser fetch the stylesheets again.
                    Event {
                        name: "css",
                        data: generation.to_string(),
                    }
                } else {
                    let path = r.followed;
                    Event {
                        name: "reload",
                        data: serde_json::json!({ "path": path }).to_string(),
                    }
                });
                unpacked = true;
            }
            Err(f) => {
                say(&format!(
                    "{}\nthe build failed; the last good site is still served",
                    f.terminal
                ));
                state.broadcast(Event {
                    name: "failed",
                    data: f.json,
                });
            }
        }
    }
}

fn reply(request: conn::Request, status: u16, kind: &str, body: Vec<u8>) {
    request.respond(status, kind, &[], &body);
}

/// Answers one request; an event stream keeps its thread until the browser leaves.
fn respond(state: &State, request: conn::Request) {
    let url = request.url.clone();
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return reply(
            request,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD".to_vec(),
        );
    }
    match url.split('?').next().unwrap_or("") {
        "/_blason/live.js" => {
            return reply(
                request,
                200,
                "text/javascript; charset=utf-8",
                LIVE_JS.into(),
            );
        }
        "/_blason/live.css" => {
            return reply(request, 200, "text/css; charset=utf-8", LIVE_CSS.into());
        }
        "/_blason/share.css" => {
            return reply(request, 200, "text/css; charset=utf-8", SHARE_CSS.into());
        }
        "/_blason/events" => return stream_events(state, request),
        _ => {}
    }
    let site = state.site.read().unwrap_or_else(|p| p.into_inner()).clone();
    let Some(site) = site else {
        let page = format!(
            "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>blason serve</title>{}</head><body><p>{}</p></body></html>",
            state.words.lang,
            http::LIVE_TAGS,
            state.words.not_built
        );
        return reply(request, 503, "text/html; charset=utf-8", page.into_bytes());
    };
    if let Some(rest) = url.strip_prefix("/_blason/share") {
        let path = if rest.is_empty() { "/" } else { rest };
        return match http::lookup(path, |k| site.contains(k)) {
            Lookup::File(key) if key.ends_with(".html") => {
                let html = site.bytes(&key).and_then(Result::ok).unwrap_or_default();
                let p = share::preview(&String::from_utf8_lossy(&html));
                let shown = path.split(['?', '#']).next().unwrap_or("/");
                let body = share::page(
                    &crate::xml::escape(shown),
                    &p,
                    http::LIVE_TAGS,
                    &state.words,
                );
                reply(request, 200, "text/html; charset=utf-8", body.into_bytes())
            }
            Lookup::Refused => reply(
                request,
                400,
                "text/plain; charset=utf-8",
                b"this path is not inside the site".to_vec(),
            ),
            _ => reply(
                request,
                404,
                "text/plain; charset=utf-8",
                b"no page at this address".to_vec(),
            ),
        };
    }
    match http::lookup(&url, |k| site.contains(k)) {
        Lookup::File(key) => {
            let kind = http::content_type(&key);
            let body = match site.bytes(&key) {
                Some(Ok(body)) => body,
                // A copied file whose source went since the build (a save
                // the next build will see; an image variant another
                // build's --prune-cache removed, made again by the next
                // build), or that a symbolic link replaced.
                _ => {
                    return reply(
                        request,
                        404,
                        "text/plain; charset=utf-8",
                        b"this file is gone since the last build".to_vec(),
                    );
                }
            };
            let body = if kind.starts_with("text/html") {
                http::inject(&body)
            } else {
                body.to_vec()
            };
            reply(request, 200, kind, body)
        }
        Lookup::Redirect(to) => {
            // Header values are ASCII: each segment is percent-encoded again.
            let to: Vec<String> = to.split('/').map(crate::url::encode).collect();
            let to = to.join("/");
            request.respond(301, "text/plain; charset=utf-8", &[("Location", &to)], b"");
        }
        Lookup::NotFound => {
            // The theme's 404 page, or the site's own from static/.
            let body = site
                .bytes("404.html")
                .and_then(Result::ok)
                .map(|b| http::inject(&b))
                .unwrap_or_else(|| b"not found".to_vec());
            reply(request, 404, "text/html; charset=utf-8", body)
        }
        Lookup::Refused => reply(
            request,
            400,
            "text/plain; charset=utf-8",
            b"this path is not inside the site".to_vec(),
        ),
    }
}

/// `text/event-stream`: `reload`, `css` and `failed` events, and a comment
/// every 15 s so that proxies and browsers keep the connection.
fn stream_events(state: &State, request: conn::Request) {
    let (tx, rx) = mpsc::channel();
    if let Some(f) = state
        .failure
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
    {
        let _ = tx.send(Event {
            name: "failed",
            data: f,
        });
    }
    state
        .clients
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(tx);
    let mut w = request.into_stream();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 500\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(e) => format!("event: {}\ndata: {}\n\n", e.name, e.data.replace('\n', " ")),
            Err(mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(chunk.as_bytes())
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
    }
}

/// Opens `url` in the desktop's browser, when there is one.
pub fn open_browser(url: &str) -> bool {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_moves_to_the_next_free_one_unless_asked_for() {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        // A port this test holds, standing for 1111 taken by another server.
        let taken = std::net::TcpListener::bind((ip, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        if port > u16::MAX - 100 {
            return; // no room above it for the search
        }
        let (_listener, addr) = listen_from(ip, None, port).unwrap();
        assert!(
            addr.port() > port && addr.port() <= port + 99,
            "{port} taken, got {addr}"
        );
        // Asked for by -p: an error that says what to do.
        let Err(Error::Usage(message)) = listen_from(ip, Some(port), DEFAULT_PORT) else {
            panic!("a taken -p port must be an error");
        };
        assert!(
            message.contains(&port.to_string()) && message.contains("-p"),
            "{message}"
        );
    }
}
