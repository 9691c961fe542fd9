//! French typography: narrow no-break spaces (U+202F) before ; : ! ? and inside « ».
//!
//! Applied to text only, never to code (the markdown renderer calls it on text
//! events). A space before the mark is replaced; a missing space before ; ! ?
//! and » or after « is added. A colon gets one only when a space was written
//! (so 14:30 and https:// stay as they are).

use std::borrow::Cow;

/// U+202F NARROW NO-BREAK SPACE.
pub const NNBSP: char = '\u{202F}';

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{00A0}' || c == NNBSP || c == '\t'
}

/// Where the next mark (; : ! ? « ») starts at or after `from`, and its character.
fn next_mark(text: &str, from: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b';' => return Some((i, ';')),
            b':' => return Some((i, ':')),
            b'!' => return Some((i, '!')),
            b'?' => return Some((i, '?')),
            // « and » are C2 AB and C2 BB in UTF-8.
            0xC2 if bytes.get(i + 1) == Some(&0xAB) => return Some((i, '«')),
            0xC2 if bytes.get(i + 1) == Some(&0xBB) => return Some((i, '»')),
            _ => i += 1,
        }
    }
    None
}

/// Whether the mark `c` (; ! ? », written without a space before it) gets
/// one: after a word, a closing bracket or quote, and when it ends a word.
fn spaced_without_space(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let word_before = prev.is_some_and(|p| {
        p.is_alphanumeric() || p == ')' || p == '»' || p == '"' || (p == '.' && c == '»')
    });
    let ends_word = next.is_none_or(|n| {
        n.is_whitespace() || matches!(n, '!' | '?' | '.' | ',' | ')' | '»' | ';' | ':')
    });
    word_before && (ends_word || c == '»')
}

/// Applies French spacing rules to a run of text.
pub fn french(text: &str) -> Cow<'_, str> {
    let Some(mut mark) = next_mark(text, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    // Text before `copied` is in `out`.
    let mut copied = 0;
    loop {
        let (at, c) = mark;
        out.push_str(&text[copied..at]);
        let mut after = at + c.len_utf8();
        if c == '«' {
            out.push('«');
            let rest = &text[after..];
            let kept = rest.trim_start_matches(is_space);
            after += rest.len() - kept.len();
            if !kept.is_empty() || kept.len() < rest.len() {
                out.push(NNBSP);
            }
        } else {
            let trimmed = out.trim_end_matches(is_space).len();
            if trimmed < out.len() {
                out.truncate(trimmed);
                out.push(NNBSP);
            } else if c != ':' {
                let prev = out.chars().next_back();
                let next = text[after..].chars().next();
                if spaced_without_space(prev, c, next) {
                    out.push(NNBSP);
                }
            }
            out.push(c);
        }
        copied = after;
        match next_mark(text, after) {
            Some(m) => mark = m,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        french(s).replace(NNBSP, "_")
    }

    #[test]
    fn spaces_before_double_marks() {
        assert_eq!(f("Bienvenue !"), "Bienvenue_!");
        assert_eq!(f("Bienvenue!"), "Bienvenue_!");
        assert_eq!(
            f("Pourquoi ? Parce que ; voilà : oui"),
            "Pourquoi_? Parce que_; voilà_: oui"
        );
        assert_eq!(f("Quoi ?!"), "Quoi_?!");
    }

    #[test]
    fn guillemets() {
        assert_eq!(f("« Qualité de vie »"), "«_Qualité de vie_»");
        assert_eq!(f("«Qualité»"), "«_Qualité_»");
    }

    #[test]
    fn times_urls_and_plain_text_are_left_alone() {
        assert_eq!(
            f("à 14:30 sur https://example.fr/?q=1"),
            "à 14:30 sur https://example.fr/?q=1"
        );
        assert_eq!(f("rien à faire"), "rien à faire");
    }

    /// The first, character-by-character version: the scanning the byte
    /// version must match (the spacing rule itself is shared).
    fn reference(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                ';' | ':' | '!' | '?' | '»' => {
                    let trimmed = out.trim_end_matches(is_space).len();
                    if trimmed < out.len() {
                        out.truncate(trimmed);
                        out.push(NNBSP);
                    } else if c != ':' {
                        let prev = out.chars().next_back();
                        let next = chars.peek().copied();
                        if spaced_without_space(prev, c, next) {
                            out.push(NNBSP);
                        }
                    }
                    out.push(c);
                }
                '«' => {
                    out.push('«');
                    let mut skipped = false;
                    while chars.peek().is_some_and(|&n| is_space(n)) {
                        chars.next();
                        skipped = true;
                    }
                    if chars.peek().is_some() || skipped {
                        out.push(NNBSP);
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn same_as_the_plain_rules(s in "[a-zé ;:!?«»\\u{a0}\\u{202f}.,)\"0-9]{0,40}") {
            proptest::prop_assert_eq!(french(&s).into_owned(), reference(&s));
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_only_adds_spaces(s in "\\PC*") {
            let out = french(&s);
            let strip = |t: &str| t.chars().filter(|c| !is_space(*c)).collect::<String>();
            proptest::prop_assert_eq!(strip(&out), strip(&s));
        }
    }
}
