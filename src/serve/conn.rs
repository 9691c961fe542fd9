//! One HTTP/1.1 exchange per connection, on a plain `TcpStream`: read the
//! request line and headers, answer, close (`Connection: close`). A local
//! preview server needs no keep-alive, and one request per connection leaves
//! nothing waiting behind another (an event stream keeps its own connection).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Longest request head accepted: a request line and headers, no body.
const MAX_HEAD: u64 = 16 * 1024;

/// A request: its method, target and `Host`, and the connection to answer on.
pub struct Request {
    pub method: String,
    pub url: String,
    /// The `Host` header, when there is one.
    pub host: Option<String>,
    stream: TcpStream,
}

impl Request {
    /// Reads a request head from a new connection; None when it is not one.
    pub fn read(stream: TcpStream) -> Option<Request> {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        let mut reader = BufReader::new(stream.try_clone().ok()?.take(MAX_HEAD));
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let mut parts = line.split_whitespace();
        let (method, url) = (parts.next()?.to_string(), parts.next()?.to_string());
        // Of the headers, only `Host` matters (see `host_allowed`).
        let mut host = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            if let Some((name, value)) = h.split_once(':')
                && name.trim().eq_ignore_ascii_case("host")
            {
                host = Some(value.trim().to_ascii_lowercase());
            }
        }
        Some(Request {
            method,
            url,
            host,
            stream,
        })
    }

    /// Answers and closes. `headers` come after Content-Type and Content-Length.
    pub fn respond(mut self, status: u16, kind: &str, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            reason(status),
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let _ = self.stream.write_all(head.as_bytes());
        if self.method != "HEAD" {
            let _ = self.stream.write_all(body);
        }
        let _ = self.stream.flush();
    }

    /// The raw connection, for a response that streams (the event stream).
    pub fn into_stream(self) -> TcpStream {
        self.stream
    }
}

/// Whether a request for `host` is meant for this server, listening on
/// `addr`: its own address, `localhost`, or (when it listens on every
/// interface) any address literal. A name that only resolves here for the
/// moment (DNS rebinding: a page of another site that made its name point
/// at 127.0.0.1) is refused, so no page of the web can read the preview.
pub fn host_allowed(host: Option<&str>, addr: std::net::SocketAddr) -> bool {
    let Some(host) = host else {
        // HTTP/1.0 clients send none; browsers always do.
        return true;
    };
    // `name`, `name:port`, `[v6]` or `[v6]:port`.
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, tail)) => (ip, tail.strip_prefix(':')),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        },
    };
    if port.is_some_and(|p| p.parse::<u16>().ok() != Some(addr.port())) {
        return false;
    }

    if name == "localhost" {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => {
            addr.ip().is_unspecified()
                || ip == addr.ip()
                || (ip.is_loopback() && addr.ip().is_loopback())
        }
        Err(_) => false,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        421 => "Misdirected Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn only_this_server_s_own_names_are_answered() {
        let local: std::net::SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in [
            None,
            Some("127.0.0.1:1111"),
            Some("localhost:1111"),
            Some("localhost"),
            Some("127.0.0.1"),
        ] {
            assert!(host_allowed(ok, local), "{ok:?}");
        }
        for refused in [
            Some("attacker.example:1111"),
            Some("attacker.example"),
            Some("127.0.0.1:2222"),
            Some("192.168.1.5:1111"),
            Some("localhost.attacker.example:1111"),
        ] {
            assert!(!host_allowed(refused, local), "{refused:?}");
        }
        let all: std::net::SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:1111"), all));
        assert!(!host_allowed(Some("blason.example:1111"), all));
        let v6: std::net::SocketAddr = "[::1]:1111".parse().unwrap();
        assert!(host_allowed(Some("[::1]:1111"), v6));
        assert!(host_allowed(Some("localhost:1111"), v6));
        assert!(!host_allowed(Some("[::2]:1111"), v6));
    }
}
