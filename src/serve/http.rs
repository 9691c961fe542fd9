//! What the server answers for a request path: the built file it names (in
//! memory), a redirect to the folder's address, or nothing. Paths are decoded
//! once and refused when they try to leave the site (`..`, encoded or not,
//! backslashes, NUL); the site is in memory, so no path can reach the disk.

/// The answer to a path.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The built file at this key (`tourisme/lac/index.html`).
    File(String),
    /// `/tourisme` → `/tourisme/`.
    Redirect(String),
    NotFound,
    /// A path that tries to leave the site, or that cannot be decoded.
    Refused,
}

/// Finds the file for a request's path (query and fragment included or not).
pub fn lookup(url: &str, exists: impl Fn(&str) -> bool) -> Lookup {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = crate::url::decode(path) else {
        return Lookup::Refused;
    };
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return Lookup::Refused;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Lookup::Refused,
            s if s.contains(':') => return Lookup::Refused,
            s => parts.push(s),
        }
    }
    let key = parts.join("/");
    if decoded.ends_with('/') {
        let index = if key.is_empty() {
            "index.html".to_string()
        } else {
            format!("{key}/index.html")
        };
        return if exists(&index) {
            Lookup::File(index)
        } else {
            Lookup::NotFound
        };
    }
    if exists(&key) {
        return Lookup::File(key);
    }
    if exists(&format!("{key}/index.html")) {
        return Lookup::Redirect(format!("/{key}/"));
    }
    Lookup::NotFound
}

/// The Content-Type of a built file.
pub fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "zip" => "application/zip",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The live-reload stylesheet and script, put before `</head>` of a page.
pub const LIVE_TAGS: &str = "<link rel=\"stylesheet\" href=\"/_blason/live.css\"><script src=\"/_blason/live.js\" defer></script>";

/// A page with the live-reload tags.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.find("</head>") {
        Some(at) => format!("{}{LIVE_TAGS}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{LIVE_TAGS}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        matches!(
            key,
            "index.html" | "tourisme/index.html" | "style.css" | "tourisme/lac/index.html"
        )
    }

    #[test]
    fn pages_files_and_folders() {
        assert_eq!(lookup("/", site), Lookup::File("index.html".into()));
        assert_eq!(
            lookup("/tourisme/?utm=x", site),
            Lookup::File("tourisme/index.html".into())
        );
        assert_eq!(lookup("/style.css", site), Lookup::File("style.css".into()));
        assert_eq!(
            lookup("/tourisme", site),
            Lookup::Redirect("/tourisme/".into())
        );
        assert_eq!(
            lookup("/tourisme/lac/", site),
            Lookup::File("tourisme/lac/index.html".into())
        );
        assert_eq!(lookup("/nope/", site), Lookup::NotFound);
        assert_eq!(
            lookup("/tourisme/%6Cac/", site),
            Lookup::File("tourisme/lac/index.html".into())
        );
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/tourisme/..%2F..%2Fetc/passwd",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/a/%00/b",
            "//etc/passwd/..",
            "/C:/Windows/win.ini",
            "etc/passwd",
            "/%ff%fe",
            "/%2",
        ] {
            assert_eq!(lookup(bad, |_| true), Lookup::Refused, "{bad}");
        }
        // Absolute paths are paths inside the site, never on the disk.
        assert_eq!(lookup("//etc/passwd", site), Lookup::NotFound);
    }

    #[test]
    fn types_and_injection() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.WEBP"), "image/webp");
        assert_eq!(content_type("agenda.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
        let page = inject(b"<html><head><title>x</title></head><body></body></html>");
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains(&format!("{LIVE_TAGS}</head>")));
    }
}
