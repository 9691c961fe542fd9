//! HTTP for `blason sync`: one GET of an address into a file, retried, and
//! refused when it is incomplete.
//!
//! The client is `ureq` 3 with rustls (ring) and the webpki roots: blocking,
//! small, no OpenSSL to install on an office's machine or in CI. What it
//! adds to a cold dev build is about two minutes of CPU time, most of it
//! rustls (docs/data.md).
//!
//! A download goes to the file it is given, which it truncates on each
//! attempt; a failed download removes it, so the caller never finds half a
//! file. A response counts as whole only when its body ended where its
//! `Content-Length` said (ureq reports a connection closed early as
//! `UnexpectedEof`; the count here covers the rest). Network errors,
//! timeouts, cut-short bodies, 5xx and 429 are tried again after a short
//! pause; a 404 or another 4xx is not: asking again would get the same
//! answer.

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// `blason/VERSION (+https://the-site)`: who asks, and where to write
    /// to when it misbehaves.
    pub user_agent: String,
    /// Connecting, and each read or write: a server that goes silent for
    /// this long fails the attempt.
    pub timeout: Duration,
    /// Attempts in all (at least one).
    pub attempts: u32,
    /// The pause before the second attempt; it doubles for each next one.
    pub backoff: Duration,
}

impl ClientOptions {
    pub fn new(user_agent: String, timeout: Duration) -> ClientOptions {
        ClientOptions {
            user_agent,
            timeout,
            attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// The `User-Agent` of `blason sync`, naming the site it works for.
pub fn user_agent(base_url: &str) -> String {
    format!(
        "blason/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        base_url.trim_end_matches('/')
    )
}

/// What is asked for: the `Accept` header and the largest body taken.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub accept: &'static str,
    pub limit: u64,
}

/// A feed: JSON or a zip (a DATAtourisme flux is a zip of a few hundred MB
/// for a region).
pub const FEED: Want = Want {
    accept: "application/json, application/ld+json, application/zip;q=0.9, */*;q=0.5",
    limit: 4 << 30,
};

/// A photo or a track of a feed.
pub const MEDIA: Want = Want {
    accept: "image/webp, image/jpeg, image/png, application/gpx+xml, */*;q=0.5",
    limit: 64 << 20,
};

/// A blocking HTTP client shared by the download threads.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    options: ClientOptions,
}

/// A whole response, written to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub bytes: u64,
    /// The `Content-Type` the server gave, for messages.
    pub content_type: Option<String>,
}

/// Why a download failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with this status.
    Status(u16),
    /// Nothing came for the timeout's length (connecting or reading).
    Timeout(Duration),
    /// The body stopped before its announced length.
    Truncated { got: u64, expected: Option<u64> },
    /// Could not connect, the name does not resolve, TLS refused...
    Network(String),
    /// The body is larger than what is taken for its kind.
    TooLarge(u64),
    /// Not an `http://` or `https://` address.
    NotHttp,
    /// The file could not be written here.
    Local(String),
    /// The bytes arrived but are not what was asked for (an HTML page for
    /// an image).
    Refused(String),
}

impl Failure {
    /// Whether asking again may give another answer.
    pub fn worth_retrying(&self) -> bool {
        match self {
            Failure::Status(s) => *s >= 500 || *s == 429 || *s == 408,
            Failure::Timeout(_) | Failure::Truncated { .. } | Failure::Network(_) => true,
            Failure::TooLarge(_) | Failure::NotHttp | Failure::Local(_) | Failure::Refused(_) => {
                false
            }
        }
    }

    /// The HTTP status, when the server gave an error one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Status(s) => Some(*s),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Status(s) => {
                let reason = ureq::http::StatusCode::from_u16(*s)
                    .ok()
                    .and_then(|c| c.canonical_reason());
                match reason {
                    Some(r) => write!(f, "{s} {r}"),
                    None => write!(f, "status {s}"),
                }
            }
            Failure::Timeout(d) => write!(
                f,
                "timed out: the server sent nothing for {} s",
                d.as_secs_f64()
            ),
            Failure::Truncated {
                got,
                expected: Some(e),
            } => write!(
                f,
                "the response was cut short: {got} of {e} bytes arrived before the connection closed"
            ),
            Failure::Truncated {
                got,
                expected: None,
            } => write!(
                f,
                "the response was cut short: the connection closed after {got} bytes"
            ),
            Failure::Network(m) => write!(f, "{m}"),
            Failure::TooLarge(limit) => {
                write!(f, "larger than the {} MB taken", limit / 1_000_000)
            }
            Failure::NotHttp => write!(f, "not an http:// or https:// address"),
            Failure::Local(m) => write!(f, "{m}"),
            Failure::Refused(m) => write!(f, "{m}"),
        }
    }
}

/// A failure, after how many attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub failure: Failure,
    pub attempts: u32,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.failure)?;
        if self.attempts > 1 {
            write!(f, " ({} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// The address to ask for: `http(s)://` as written, `//host/…` as https.
pub fn web_address(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(url.to_string())
    } else if url.starts_with("//") {
        Some(format!("https:{url}"))
    } else {
        None
    }
}

impl Client {
    pub fn new(options: ClientOptions) -> Client {
        let t = Some(options.timeout);
        let config = ureq::Agent::config_builder()
            .user_agent(options.user_agent.as_str())
            .http_status_as_error(false)
            .max_redirects(5)
            .timeout_resolve(t)
            .timeout_connect(t)
            .timeout_per_read(t)
            .timeout_per_write(t)
            .build();
        Client {
            agent: config.new_agent(),
            options,
        }
    }

    /// Downloads `url` into `dest`; `progress` is told, on each attempt, the
    /// announced length (if any) with 0 bytes, then each count of bytes
    /// written. On failure `dest` is gone.
    pub fn download(
        &self,
        url: &str,
        dest: &Path,
        want: Want,
        progress: &dyn Fn(Option<u64>, u64),
    ) -> Result<Fetched, Failed> {
        let Some(url) = web_address(url) else {
            let _ = std::fs::remove_file(dest);
            return Err(Failed {
                failure: Failure::NotHttp,
                attempts: 0,
            });
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(&url, dest, want, progress) {
                Ok(fetched) => return Ok(fetched),
                Err(failure) => {
                    let _ = std::fs::remove_file(dest);
                    if !failure.worth_retrying() || attempt >= self.options.attempts.max(1) {
                        return Err(Failed {
                            failure,
                            attempts: attempt,
                        });
                    }
                    std::thread::sleep(self.options.backoff * (1 << (attempt - 1).min(8)));
                }
            }
        }
    }

    fn attempt(
        &self,
        url: &str,
        dest: &Path,
        want: Want,
        progress: &dyn Fn(Option<u64>, u64),
    ) -> Result<Fetched, Failure> {
        let response = self
            .agent
            .get(url)
            .header("Accept", want.accept)
            .call()
            .map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Failure::Status(status));
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        // A decoded body (gzip) has another length than the announced one;
        // ureq itself fails a body whose connection closes early.
        let encoded =
            header("content-encoding").is_some_and(|e| !e.eq_ignore_ascii_case("identity"));
        let expected = header("content-length")
            .filter(|_| !encoded)
            .and_then(|v| v.trim().parse::<u64>().ok());
        if expected.is_some_and(|n| n > want.limit) {
            return Err(Failure::TooLarge(want.limit));
        }
        progress(expected, 0);
        let mut body = response
            .into_body()
            .into_with_config()
            .limit(want.limit)
            .reader();
        let local =
            |e: std::io::Error| Failure::Local(format!("could not write {}: {e}", dest.display()));
        let file = std::fs::File::create(dest).map_err(local)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        let mut buf = vec![0u8; 1 << 16];
        let mut got: u64 = 0;
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.classify_io(e, got, expected, want)),
            };
            out.write_all(&buf[..n]).map_err(local)?;
            got += n as u64;
            progress(None, n as u64);
        }
        if let Some(e) = expected
            && got != e
        {
            return Err(Failure::Truncated {
                got,
                expected: Some(e),
            });
        }
        let file = out.into_inner().map_err(|e| local(e.into_error()))?;
        // On disk before the caller renames it into place.
        file.sync_all().map_err(local)?;
        Ok(Fetched {
            bytes: got,
            content_type,
        })
    }

    fn classify(&self, e: ureq::Error) -> Failure {
        match e {
            ureq::Error::StatusCode(s) => Failure::Status(s),
            ureq::Error::Timeout(_) => Failure::Timeout(self.options.timeout),
            ureq::Error::BodyExceedsLimit(n) => Failure::TooLarge(n),
            ureq::Error::HostNotFound => Failure::Network("the host name does not resolve".into()),
            ureq::Error::ConnectionFailed => Failure::Network("could not connect".into()),
            ureq::Error::TooManyRedirects => Failure::Network("more than 5 redirections".into()),
            ureq::Error::RedirectFailed => Failure::Network("a redirection leads nowhere".into()),
            ureq::Error::BadUri(m) => Failure::Network(format!("not a valid address: {m}")),
            ureq::Error::Io(e) => self.classify_io(e, 0, None, FEED),
            other => Failure::Network(other.to_string()),
        }
    }

    fn classify_io(
        &self,
        e: std::io::Error,
        got: u64,
        expected: Option<u64>,
        want: Want,
    ) -> Failure {
        use std::io::ErrorKind as K;
        if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
            return match inner {
                ureq::Error::Timeout(_) => Failure::Timeout(self.options.timeout),
                ureq::Error::BodyExceedsLimit(_) => Failure::TooLarge(want.limit),
                ureq::Error::Io(io) if io.kind() == K::UnexpectedEof => {
                    Failure::Truncated { got, expected }
                }
                other => Failure::Network(other.to_string()),
            };
        }
        match e.kind() {
            K::UnexpectedEof => Failure::Truncated { got, expected },
            K::TimedOut | K::WouldBlock => Failure::Timeout(self.options.timeout),
            K::ConnectionRefused => Failure::Network("connection refused".into()),
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                Failure::Truncated { got, expected }
            }
            _ => Failure::Network(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::testserver::{Reply, Server};

    fn client(timeout_ms: u64) -> Client {
        let mut o = ClientOptions::new(
            user_agent("https://example.org/"),
            Duration::from_millis(timeout_ms),
        );
        o.backoff = Duration::from_millis(10);
        Client::new(o)
    }

    fn get(c: &Client, url: &str, dir: &Path) -> Result<Vec<u8>, Failed> {
        let dest = dir.join("got");
        c.download(url, &dest, FEED, &|_, _| {})
            .map(|_| std::fs::read(&dest).unwrap())
            .inspect_err(|_| assert!(!dest.exists(), "a failed download left its file"))
    }

    #[test]
    fn a_whole_response_is_written_and_names_blason_and_the_site() {
        let server = Server::start(|_| Reply::ok("application/json", b"{\"a\":1}".to_vec()));
        let dir = tempfile::tempdir().unwrap();
        let got = get(&client(2000), &server.url("/feed.json"), dir.path()).unwrap();
        assert_eq!(got, b"{\"a\":1}");
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let ua = requests[0].header("user-agent").unwrap();
        assert!(ua.starts_with("blason/"), "{ua}");
        assert!(ua.ends_with("(+https://example.org)"), "{ua}");
    }

    #[test]
    fn a_404_is_not_asked_twice_and_a_500_is_asked_three_times() {
        let server = Server::start(|r| match r.path.as_str() {
            "/gone" => Reply::status(404),
            _ => Reply::status(503),
        });
        let dir = tempfile::tempdir().unwrap();
        let c = client(2000);
        let e = get(&c, &server.url("/gone"), dir.path()).unwrap_err();
        assert_eq!(e.failure, Failure::Status(404));
        assert_eq!(e.attempts, 1);
        assert_eq!(e.to_string(), "404 Not Found");
        let e = get(&c, &server.url("/busy"), dir.path()).unwrap_err();
        assert_eq!(e.failure, Failure::Status(503));
        assert_eq!(e.to_string(), "503 Service Unavailable (3 attempts)");
        assert_eq!(server.requests().len(), 4);
    }

    #[test]
    fn a_body_shorter_than_its_length_is_refused_and_retried() {
        let server = Server::start(|_| Reply::truncated(b"{\"a\":".to_vec(), 100));
        let dir = tempfile::tempdir().unwrap();
        let e = get(&client(2000), &server.url("/f.json"), dir.path()).unwrap_err();
        assert!(matches!(e.failure, Failure::Truncated { .. }), "{e:?}");
        assert_eq!(e.attempts, 3);
        assert_eq!(server.requests().len(), 3);
    }

    #[test]
    fn a_silent_server_times_out() {
        let server = Server::start(|_| Reply::Stall);
        let dir = tempfile::tempdir().unwrap();
        let start = std::time::Instant::now();
        let e = get(&client(300), &server.url("/f.json"), dir.path()).unwrap_err();
        assert!(matches!(e.failure, Failure::Timeout(_)), "{e:?}");
        assert_eq!(e.attempts, 3);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn redirects_are_followed_and_other_schemes_refused() {
        let server = Server::start(|r| match r.path.as_str() {
            "/old" => Reply::redirect("/new"),
            _ => Reply::ok("text/plain", b"here".to_vec()),
        });
        let dir = tempfile::tempdir().unwrap();
        let c = client(2000);
        assert_eq!(get(&c, &server.url("/old"), dir.path()).unwrap(), b"here");
        for url in [
            "ftp://example.org/a.jpg",
            "file:///etc/passwd",
            "data:image/png;base64,AA",
        ] {
            let e = get(&c, url, dir.path()).unwrap_err();
            assert_eq!(e.failure, Failure::NotHttp, "{url}");
        }
        assert_eq!(
            web_address("//cdn.example.org/a.jpg").unwrap(),
            "https://cdn.example.org/a.jpg"
        );
    }

    #[test]
    fn a_body_over_the_limit_is_refused() {
        let server = Server::start(|_| Reply::ok("image/jpeg", vec![0u8; 4096]));
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x");
        let small = Want {
            accept: "*/*",
            limit: 1000,
        };
        let e = client(2000)
            .download(&server.url("/x"), &dest, small, &|_, _| {})
            .unwrap_err();
        assert_eq!(e.failure, Failure::TooLarge(1000));
        assert_eq!(e.attempts, 1);
        assert!(!dest.exists());
    }
}
