//! Text put into XML (sitemaps, feeds, social card SVG): escaped for element
//! content and double-quoted attribute values; the one pass that replaces
//! ASCII characters in a text (XML's escapes, the JSON-LD script's); and the
//! one reader of the character references that HTML and XML read back
//! (`&amp;`, `&#233;`).

/// The character a reference names, from its name without `&` and `;`:
/// the five XML entities, `nbsp`, and decimal or hexadecimal numbers.
pub fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Escapes `&`, `<`, `>` and `"`; control characters, which XML 1.0 does not
/// allow, become spaces.
pub fn escape(s: &str) -> String {
    replace_ascii(s, s.len() / 8, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\t' | b'\n' | b'\r' => None,
        0..=0x1F => Some(" "),
        _ => None,
    })
}

/// `s` with each ASCII character that `with` gives a text for replaced by
/// it, in one pass: the text between is copied as a whole (`with` is asked
/// of ASCII bytes only, so the cuts fall on character boundaries). `room`:
/// the bytes to allow beyond `s`'s length.
pub fn replace_ascii(s: &str, room: usize, with: impl Fn(u8) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(s.len() + room);
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let Some(text) = b.is_ascii().then(|| with(b)).flatten() else {
            continue;
        };
        out.push_str(&s[copied..i]);
        out.push_str(text);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn references_by_name_and_by_number() {
        use super::decode_entity as d;
        assert_eq!(d("amp"), Some('&'));
        assert_eq!(d("nbsp"), Some('\u{a0}'));
        assert_eq!(d("#233"), Some('é'));
        assert_eq!(d("#xE9"), Some('é'));
        assert_eq!(d("#X1F600"), Some('😀'));
        assert_eq!(d("#xD800"), None, "a surrogate is no character");
        assert_eq!(d("#99999999999"), None);
        assert_eq!(d("eacute"), None, "HTML's other names are not read");
        assert_eq!(d("#"), None);
    }

    proptest::proptest! {
        #[test]
        fn same_as_character_by_character(s in "[a-zé<>&\"'\\x00-\\x1f\\u{7f}\\u{202f}]{0,30}") {
            let plain: String = s.chars().map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => " ".to_string(),
                c => c.to_string(),
            }).collect();
            proptest::prop_assert_eq!(super::escape(&s), plain);
        }
    }

    #[test]
    fn markup_quotes_and_control_characters() {
        assert_eq!(
            super::escape("<a href=\"x\">Tom & Jerry's\u{0}</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry's &lt;/a&gt;"
        );
    }
}
