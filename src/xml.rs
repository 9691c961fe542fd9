//! Text put into XML (sitemaps, feeds, social card SVG): escaped for element
//! content and double-quoted attribute values. Nothing else lives here.

/// Escapes `&`, `<`, `>` and `"`; control characters, which XML 1.0 does not
/// allow, become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_quotes_and_control_characters() {
        assert_eq!(
            super::escape("<a href=\"x\">Tom & Jerry's\u{0}</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry's &lt;/a&gt;"
        );
    }
}
