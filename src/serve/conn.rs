//! One HTTP/1.1 exchange per connection, on a plain `TcpStream`: read the
//! request line and headers, answer, close (`Connection: close`). A local
//! preview server needs no keep-alive, and one request per connection leaves
//! nothing waiting behind another (an event stream keeps its own connection).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Longest request head accepted: a request line and headers, no body.
const MAX_HEAD: u64 = 16 * 1024;

/// A request: its method and target, and the connection to answer on.
pub struct Request {
    pub method: String,
    pub url: String,
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
        // The headers are read and dropped: nothing here depends on them.
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
        }
        Some(Request {
            method,
            url,
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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}
