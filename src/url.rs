//! URLs: absolute addresses from the base URL and a path, the host of an
//! address, percent-encoding of URL parts built from text (query values,
//! tags, path segments) and the decoding of paths written in markdown or
//! asked of `serve`, and whether text is an e-mail address a `mailto:` link
//! may carry. Nothing else lives here; it knows nothing of the site.

/// An absolute URL from a site path.
pub fn absolute(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_string();
    }
    // Called for every link of every page: no formatting machinery.
    let (base, path) = (base.trim_end_matches('/'), path.trim_start_matches('/'));
    let mut url = String::with_capacity(base.len() + 1 + path.len());
    url.push_str(base);
    url.push('/');
    url.push_str(path);
    url
}

/// What follows `scheme://` up to the path: `www.example.fr:8080` (the
/// whole text when there is no scheme).
pub fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The host of an address, without port: `www.example.fr`.
pub fn host(url: &str) -> &str {
    let a = authority(url);
    let a = a.rsplit_once('@').map_or(a, |(_, h)| h);
    match a.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => a,
    }
}

/// The host of an `https://` URL, lowercased, when the URL is one a visitor
/// may be sent to: no credentials, no other scheme, a plausible host name.
pub fn https_host(url: &str) -> Option<String> {
    url.strip_prefix("https://")?;
    let authority = authority(url);
    if authority.contains('@') || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() => h,
        Some(_) => return None,
        None => authority,
    };
    let ok = !host.is_empty()
        && host.contains('.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    ok.then(|| host.to_ascii_lowercase())
}

/// Whether `s` is an e-mail address a `mailto:` link may carry: one `@`,
/// a dotted domain, no space and none of the characters that would change
/// the link.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.matches('@').count() == 1
        && s.chars().all(|c| {
            c == '@' || !(c.is_whitespace() || c.is_control() || "<>\"'()[]\\,;:?&#%/".contains(c))
        })
}

/// The scheme of `url` when it is one that runs code or embeds content in
/// the browser (`javascript:`, `vbscript:`, `data:`), read as browsers read
/// it: whitespace and control characters ignored, any case.
pub fn unsafe_scheme(url: &str) -> Option<&'static str> {
    let mut scheme = String::new();
    for c in url.chars() {
        if c == ':' {
            break;
        }
        if c.is_ascii_whitespace() || c.is_control() {
            continue;
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) || scheme.len() > 10 {
            return None;
        }
        scheme.push(c.to_ascii_lowercase());
    }
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|s| *s == scheme)
        .filter(|_| url.contains(':'))
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    encode_into(&mut out, s);
    out
}

/// [`encode`], appended to `out`: runs of unreserved characters are copied
/// whole, every other byte becomes `%XX`.
pub fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && unreserved(bytes[i]) {
            i += 1;
        }
        // A run of ASCII starts on an ASCII byte and ends before an ASCII
        // or a lead byte: both ends are character boundaries (an empty run
        // may sit inside a character, so it is not sliced).
        if i > start {
            out.push_str(&s[start..i]);
        }
        if i < bytes.len() {
            let b = bytes[i];
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
            i += 1;
        }
    }
}

/// Decodes `%XX` escapes; `None` when an escape is broken or the bytes are
/// not UTF-8.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn encoding_is_the_bytewise_rule(s in "\\PC{0,40}") {
            let expected: String = s
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            proptest::prop_assert_eq!(encode(&s), expected.clone());
            proptest::prop_assert_eq!(decode(&expected), Some(s));
        }
    }

    #[test]
    fn code_running_schemes_are_found_however_written() {
        assert_eq!(unsafe_scheme("javascript:alert(1)"), Some("javascript"));
        assert_eq!(unsafe_scheme(" JaVa\tScRiPt:alert(1)"), Some("javascript"));
        assert_eq!(unsafe_scheme("java\u{0}script:x"), Some("javascript"));
        assert_eq!(unsafe_scheme("data:text/html;base64,xx"), Some("data"));
        assert_eq!(unsafe_scheme("VBScript:msgbox"), Some("vbscript"));
        assert_eq!(unsafe_scheme("https://x.fr/javascript:"), None);
        assert_eq!(unsafe_scheme("/javascript"), None);
        assert_eq!(unsafe_scheme("javascript"), None);
        assert_eq!(unsafe_scheme("mailto:a@b.fr"), None);
    }

    #[test]
    fn round_trip() {
        assert_eq!(
            encode("Le lac & l'été"),
            "Le%20lac%20%26%20l%27%C3%A9t%C3%A9"
        );
        assert_eq!(
            decode("Le%20lac%20%26%20l%27%C3%A9t%C3%A9").as_deref(),
            Some("Le lac & l'été")
        );
        assert_eq!(decode("/a%2"), None);
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%ff"), None);
    }
}
