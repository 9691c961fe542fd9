//! Typography per language, on text only (the markdown renderer calls it on
//! text events, never on code, and never on raw HTML or attributes).
//!
//! Two linear passes over a run of text, each chosen by the language's
//! [`Typography`]:
//!
//! - [`quotes`]: straight double quotes become the language's quotation
//!   marks (“ ” in English and Dutch, „ “ in German, « » in French, Spanish
//!   and Italian), straight apostrophes become ’. Whether a quote opens or
//!   closes is read from the characters around it (a quote after a space or
//!   an opening bracket, before a word, opens); words that are addresses
//!   (`https://…`, `www.…`) are left as written.
//! - [`french`]: narrow no-break spaces (U+202F) before ; : ! ? and inside
//!   « ». A space before the mark is replaced; a missing space before ; ! ?
//!   and » or after « is added. A colon gets one only when a space was
//!   written (so 14:30 and https:// stay as they are).

use std::borrow::Cow;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::config::Typography;

/// U+202F NARROW NO-BREAK SPACE.
pub const NNBSP: char = '\u{202F}';

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{00A0}' || c == NNBSP || c == '\t'
}

/// Where the next mark (; : ! ? « ») starts at or after `from`, and its character.
fn next_mark(text: &str, from: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        // Most bytes start no mark: one table look each, no branch per mark.
        i += bytes
            .get(i..)?
            .iter()
            .position(|&b| MAY_START_MARK[usize::from(b)])?;
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
}

/// The bytes a mark of [`next_mark`] starts with: ; : ! ? and C2, the
/// first byte of « and ».
const MAY_START_MARK: [bool; 256] = {
    let mut t = [false; 256];
    t[b';' as usize] = true;
    t[b':' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0xC2] = true;
    t
};

/// Whether the mark `c` (; ! ? », written without a space before it) gets
/// one: after a word, a closing bracket or quote, and when it ends a word.
fn spaced_without_space(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let word_before = prev.is_some_and(|p| {
        p.is_alphanumeric()
            || p == ')'
            || p == '»'
            || p == '"'
            || (c == '»' && matches!(p, '.' | '!' | '?' | '…'))
    });
    let ends_word = next.is_none_or(|n| {
        n.is_whitespace() || matches!(n, '!' | '?' | '.' | ',' | ')' | '»' | ';' | ':')
    });
    word_before && (ends_word || c == '»')
}

/// Applies `rules` to a run of text; `before` is the character the text
/// follows in its paragraph (the end of the previous run, before `*x*` or a
/// link), `None` at the start of a block.
pub fn apply<'a>(text: &'a str, rules: &Typography, before: Option<char>) -> Cow<'a, str> {
    let quoted = if rules.quotes.is_some() || rules.apostrophe {
        quotes(text, rules, before)
    } else {
        Cow::Borrowed(text)
    };
    if !rules.french_spacing {
        return quoted;
    }
    match quoted {
        Cow::Borrowed(t) => french_after(t, before),
        Cow::Owned(s) => match french_after(&s, before) {
            Cow::Borrowed(_) => Cow::Owned(s),
            Cow::Owned(spaced) => Cow::Owned(spaced),
        },
    }
}

/// The character a run of text that follows `ev` comes after: the end of
/// text and inline code, a space for a line break, `None` after the start or
/// end of a block (a new paragraph, item or cell starts afresh). Inline tags
/// (emphasis, links) keep what came before them.
pub fn carried(ev: &Event<'_>, before: Option<char>) -> Option<char> {
    match ev {
        Event::Text(t) | Event::Code(t) => t.chars().next_back().or(before),
        Event::SoftBreak | Event::HardBreak => Some(' '),
        Event::Start(
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. },
        )
        | Event::End(
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image,
        ) => before,
        // Inline HTML (`<abbr>`, a shortcode's placeholder) sits inside prose.
        Event::InlineHtml(_) | Event::FootnoteReference(_) => before,
        _ => None,
    }
}

/// Whether a quote after `prev` may open a quotation: at the start, after a
/// space, an opening bracket, a dash or another opening mark.
fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|p| {
        p.is_whitespace()
            || matches!(
                p,
                '(' | '[' | '{' | '«' | '“' | '„' | '‘' | '‚' | '—' | '–' | '-' | '/'
            )
    })
}

/// Straight quotes and apostrophes made the language's (see the module's
/// documentation). One pass that copies the text between marks; the text
/// is borrowed when it has none.
pub fn quotes<'a>(text: &'a str, rules: &Typography, before: Option<char>) -> Cow<'a, str> {
    let wants = |b: u8| (b == b'"' && rules.quotes.is_some()) || (b == b'\'' && rules.apostrophe);
    let bytes = text.as_bytes();
    let next_mark = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| wants(b))
            .map(|i| from + i)
    };
    let Some(mut at) = next_mark(0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    let mut words = Addresses::default();
    // Whether a double quote is open, for a quote with spaces on both sides.
    let mut open = false;
    loop {
        out.push_str(&text[copied..at]);
        let prev = out.chars().next_back().or(before);
        let next = text[at + 1..].chars().next();
        let made = if bytes[at] == b'"' {
            // An address never holds a raw double quote (it is %22): one ends it.
            words.end_word(at);
            let (opening, closing) = rules.quotes.unwrap_or(('"', '"'));
            open = match (opens_after(prev), next.is_none_or(char::is_whitespace)) {
                (true, false) => true,
                (false, _) => false,
                (true, true) => !open,
            };
            if open { opening } else { closing }
        } else if words.in_address(text, at) {
            '\''
        } else {
            match rules.single_open {
                Some(single) if opens_after(prev) && opens_single_quote(&text[at + 1..]) => single,
                _ => '’',
            }
        };
        out.push(made);
        copied = at + 1;
        match next_mark(copied) {
            Some(m) => at = m,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether the word at a position is an address (`https://…`, `www.…`,
/// `mailto:…`), read once from the start: each byte is looked at once
/// however many apostrophes a word holds.
#[derive(Default)]
struct Addresses {
    /// Bytes before this are read.
    read: usize,
    word_start: usize,
    address: bool,
}

impl Addresses {
    fn in_address(&mut self, text: &str, at: usize) -> bool {
        let bytes = text.as_bytes();
        for i in self.read..at {
            let b = bytes[i];
            if b.is_ascii_whitespace() {
                self.address = false;
                self.word_start = i + 1;
            } else if i == self.word_start {
                let word = &text.as_bytes()[i..];
                self.address = word.starts_with(b"www.") || word.starts_with(b"mailto:");
            } else if b == b':' && bytes[i..].starts_with(b"://") {
                self.address = true;
            }
        }
        self.read = self.read.max(at);
        self.address
    }

    /// A double quote at `at` ends the word: what follows starts a new one.
    fn end_word(&mut self, at: usize) {
        if at >= self.read {
            self.read = at + 1;
            self.word_start = at + 1;
            self.address = false;
        }
    }
}

/// Whether a single quote before `rest` opens a quotation rather than
/// marking an elision: it comes before a word of two letters or more
/// (‘Welcome’), not before a lone letter (’s avonds, ’t, ’n) or a digit (’90s).
fn opens_single_quote(rest: &str) -> bool {
    let mut letters = rest.chars().take_while(|c| c.is_alphabetic());
    letters.next().is_some() && letters.next().is_some()
}

/// Applies French spacing rules to a run of text.
#[cfg(test)]
pub fn french(text: &str) -> Cow<'_, str> {
    french_after(text, None)
}

/// As [`french`], for a run that follows `before` in its paragraph (so a »
/// after `*mot*` gets its space).
pub fn french_after(text: &str, before: Option<char>) -> Cow<'_, str> {
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
            // Even at the end of the run: what follows is an inline element.
            out.push(NNBSP);
        } else {
            let trimmed = out.trim_end_matches(is_space).len();
            if trimmed < out.len() {
                out.truncate(trimmed);
                out.push(NNBSP);
            } else if c != ':' {
                let prev = out.chars().next_back().or(before);
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
    use proptest::strategy::Strategy;

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
                    while chars.peek().is_some_and(|&n| is_space(n)) {
                        chars.next();
                    }
                    out.push(NNBSP);
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn typo(lang: &str, s: &str) -> String {
        apply(s, &Typography::for_language(lang), None).replace(NNBSP, "_")
    }

    #[test]
    fn quotes_per_language() {
        let s = r#"Il a dit "bonjour" ; c'est l'été."#;
        assert_eq!(typo("fr", s), "Il a dit «_bonjour_»_; c’est l’été.");
        assert_eq!(typo("fr-CA", r#""Oui !""#), "«_Oui_!_»");
        assert_eq!(typo("de", r#"Er sagte "Hallo"."#), "Er sagte „Hallo“.");
        assert_eq!(typo("de-CH", r#"Er sagte "Grüezi"."#), "Er sagte «Grüezi».");
        assert_eq!(
            typo("en", r#"She said "hello", it's fine."#),
            "She said “hello”, it’s fine."
        );
        assert_eq!(typo("nl", r#"Hij zei "hallo"."#), "Hij zei “hallo”.");
        assert_eq!(typo("es", r#"Dijo "hola"."#), "Dijo «hola».");
        assert_eq!(
            typo("it", r#"Disse "ciao", l'altro."#),
            "Disse «ciao», l’altro."
        );
        // No rules for a language blason does not know: as written.
        assert_eq!(typo("pt", r#"Disse "olá" d'ali"#), r#"Disse "olá" d'ali"#);
    }

    #[test]
    fn single_quotes_and_elisions() {
        assert_eq!(typo("en", "'Welcome' to the '90s"), "‘Welcome’ to the ’90s");
        assert_eq!(typo("nl", "'s avonds en 't dorp"), "’s avonds en ’t dorp");
        assert_eq!(typo("fr", "'Allo"), "’Allo");
    }

    #[test]
    fn quotes_read_their_surroundings() {
        // After emphasis (the text before is given), a quote closes.
        assert_eq!(
            apply(r#"" et fin"#, &Typography::for_language("en"), Some('x')),
            "” et fin"
        );
        // Spaces on both sides: the first opens, the next closes.
        assert_eq!(typo("fr", r#"" Bonjour " dit-il"#), "«_Bonjour_» dit-il");
        assert_eq!(typo("en", r#"("quoted")"#), "(“quoted”)");
    }

    #[test]
    fn addresses_keep_their_apostrophes() {
        assert_eq!(
            typo(
                "en",
                "see https://example.org/l'ete and www.x.fr/it's, it's"
            ),
            "see https://example.org/l'ete and www.x.fr/it's, it’s"
        );
        assert_eq!(
            typo("en", r#""https://x.fr/a'b" it's"#),
            "“https://x.fr/a'b” it’s"
        );
    }

    #[test]
    fn plain_rules_change_nothing() {
        let s = r#"a "b" c'd ! e"#;
        assert!(matches!(
            apply(s, &Typography::PLAIN, None),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            apply("rien", &Typography::for_language("fr"), None),
            Cow::Borrowed(_)
        ));
    }

    /// Markdown with code spans, code blocks, links, images and HTML, whose
    /// prose has quotes and marks.
    fn markdown_with_code() -> impl proptest::strategy::Strategy<Value = String> {
        let prose = "[a-zé '\";:!?«».,]{0,12}";
        let piece = proptest::prop_oneof![
            prose.prop_map(String::from),
            prose.prop_map(|s| format!("`{s}`")),
            prose.prop_map(|s| format!("*{s}*")),
            prose.prop_map(|s| format!("[{s}](https://x.fr/{s})")),
            prose.prop_map(|s| format!("![{s}](/i.jpg \"{s}\")")),
            prose.prop_map(|s| format!("<abbr title=\"{s}\">x</abbr>")),
            prose.prop_map(|s| format!("\n\n```\n{s}\n```\n\n")),
            proptest::strategy::Just("\n\n".to_string()),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    /// The parts of rendered HTML typography must leave alone: tags with
    /// their attributes, and the text of `<code>`.
    fn untouchable(html: &str) -> (Vec<String>, Vec<String>) {
        let mut tags = Vec::new();
        let mut code = Vec::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
            let tag = &rest[open..close];
            if tag.starts_with("<code") {
                let end = rest[close..]
                    .find("</code>")
                    .map_or(rest.len(), |e| close + e);
                code.push(rest[close..end].to_string());
            }
            tags.push(tag.to_string());
            rest = &rest[close..];
        }
        (tags, code)
    }

    proptest::proptest! {
        #[test]
        fn never_touches_code_tags_or_attributes(md in markdown_with_code(), lang in "fr|en|de|es|it|nl") {
            use crate::config::RawHtml;
            let plain = crate::markdown::render_inline(&md, Typography::PLAIN, RawHtml::Trusted, "x.fr");
            let typed = crate::markdown::render_inline(&md, Typography::for_language(&lang), RawHtml::Trusted, "x.fr");
            proptest::prop_assert_eq!(untouchable(&typed), untouchable(&plain));
        }
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
