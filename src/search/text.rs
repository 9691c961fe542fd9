//! Words as the index and the browser's script see them: lower case,
//! accents and ligatures folded (« Été » and « ete » are one word), French
//! and Italian elisions removed (« l'abbaye » is « abbaye »), stems from
//! the Snowball stemmers. `themes/postale/static/search.js` folds and cuts
//! the visitor's query the same way (its `fold` and `words`); a change here
//! is a change there.
//!
//! Stemmers: `rust-stemmers`, the Snowball algorithms compiled to Rust (no C,
//! a few hundred KB of code, one crate): the same algorithms the search
//! engines of the site's visitors know, for every language of the theme.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Articles and pronouns written before an apostrophe (French, Italian).
const ELISIONS: [&str; 22] = [
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "lorsqu", "puisqu", "jusqu", "quoiqu", "un",
    "dell", "all", "dall", "nell", "sull", "coll", "quell", "nessun",
];

/// `s` lower-cased, without accents or other combining marks, ligatures
/// spelt out (œ → oe, æ → ae, ß → ss).
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`], into `out` (emptied first): one buffer for many words.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
        return;
    }
    // Most words of the site's languages have only ASCII letters and the
    // accented Latin letters of the table: folded a character at a time,
    // without decomposing the word. A word with any other character takes
    // the whole road below, which gives the same for these letters.
    let start = out.len();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(f) = latin_fold(c) {
            out.push_str(f);
        } else {
            out.truncate(start);
            return fold_decomposed(s, out);
        }
    }
}

/// What [`fold_decomposed`] makes of a precomposed Latin letter (upper or
/// lower case) whose decomposition is an ASCII letter and marks, or of a
/// ligature: `None` for any other character.
fn latin_fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        _ => return None,
    })
}

/// [`fold_into`] of any text: decomposed (NFD), marks dropped, lower-cased,
/// ligatures spelt out. `out` is appended to.
fn fold_decomposed(s: &str, out: &mut String) {
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        for l in c.to_lowercase() {
            match l {
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                _ => out.push(l),
            }
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// The words of `text`, lower-cased but not folded, in order: runs of
/// letters, digits and marks; a word with apostrophes inside is cut there,
/// an elided article before the first one is left out, and so are the
/// one-letter pieces (`aujourd'hui` gives `aujourd` and `hui`).
#[cfg(test)]
pub(crate) fn raw_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

/// Calls `f` with each word of `text` as [`raw_words`] cuts them, without
/// making a string of each.
///
/// Reads `text` once, a byte at a time where it is ASCII (most of it, in
/// the site's languages), lower-casing as it goes into one token's buffer:
/// no lower-cased copy of the text is made. Latin-1's letters (à to ÿ,
/// À to Þ) are lower-cased and classed without Unicode's tables. A text with a capital
/// sigma is lower-cased whole first, since its lower case depends on the
/// letters around it (« Σ » ends a word as « ς »). The same cuts as
/// [`for_each_word_by_char`], which the tests compare it with.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    if text.contains('Σ') {
        let lower = text.to_lowercase();
        return scan(&lower, &mut f);
    }
    scan(text, &mut f)
}

/// What a byte is to [`Token::feed`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ascii {
    /// A digit or a lower-case letter.
    Lower,
    Upper,
    /// An apostrophe, which may go on with the word.
    Apostrophe,
    /// The start or the rest of a character beyond ASCII.
    Beyond,
    /// Any other ASCII character: it ends a word.
    Ends,
}

const ASCII: [Ascii; 256] = {
    let mut table = [Ascii::Ends; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() || c.is_ascii_lowercase() {
            Ascii::Lower
        } else if c.is_ascii_uppercase() {
            Ascii::Upper
        } else if c == b'\'' {
            Ascii::Apostrophe
        } else if !c.is_ascii() {
            Ascii::Beyond
        } else {
            Ascii::Ends
        };
        b += 1;
    }
    table
};

/// The token being read: its lower-cased characters without the
/// apostrophes that cut it, the byte ranges of its parts, and whether an
/// apostrophe was just read (it cuts the token if a word character follows).
struct Token {
    text: String,
    cuts: Vec<(usize, usize)>,
    part: usize,
    apostrophe: bool,
    folded: String,
}

impl Token {
    /// Reads one lower-cased character.
    #[inline]
    fn push(&mut self, c: char, word: bool, f: &mut impl FnMut(&str)) {
        if word {
            self.cut_at_apostrophe();
            self.text.push(c);
        } else if !self.text.is_empty() {
            if is_apostrophe(c) && !self.apostrophe {
                self.apostrophe = true;
            } else {
                self.end(f);
            }
        }
    }

    /// Before a word character: an apostrophe just read cuts the token.
    #[inline]
    fn cut_at_apostrophe(&mut self) {
        if self.apostrophe {
            self.apostrophe = false;
            self.cuts.push((self.part, self.text.len()));
            self.part = self.text.len();
        }
    }

    /// Reads a run of ASCII letters and digits, as written.
    #[inline]
    fn push_ascii(&mut self, run: &str) {
        self.cut_at_apostrophe();
        let at = self.text.len();
        self.text.push_str(run);
        self.text[at..].make_ascii_lowercase();
    }

    /// Gives the token's words, and starts the next.
    fn end(&mut self, f: &mut impl FnMut(&str)) {
        if self.text.is_empty() {
            return;
        }
        self.cuts.push((self.part, self.text.len()));
        pieces(&self.text, &self.cuts, &mut self.folded, f);
        self.text.clear();
        self.cuts.clear();
        self.part = 0;
        self.apostrophe = false;
    }
}

/// [`for_each_word`] of a text without a capital sigma (or lower-cased).
fn scan(text: &str, f: &mut impl FnMut(&str)) {
    let mut token = Token::new();
    token.feed(text, f);
    token.end(f);
}

impl Token {
    fn new() -> Token {
        Token {
            text: String::new(),
            cuts: Vec::new(),
            part: 0,
            apostrophe: false,
            folded: String::new(),
        }
    }

    /// Reads `text` (without a capital sigma, or lower-cased), giving the
    /// words it ends: the last one is left open, since the text that
    /// follows may go on with it (`pré<em>serve</em>` is one word).
    fn feed(&mut self, text: &str, f: &mut impl FnMut(&str)) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                let start = i;
                let mut upper = false;
                while let Some(&n) = bytes.get(i) {
                    match ASCII[usize::from(n)] {
                        Ascii::Lower => {}
                        Ascii::Upper => upper = true,
                        _ => break,
                    }
                    i += 1;
                }
                // Most words: ASCII in lower case, alone in their token,
                // and followed by what ends it. Given as they are written.
                if !upper
                    && self.text.is_empty()
                    && bytes
                        .get(i)
                        .is_some_and(|&n| ASCII[usize::from(n)] == Ascii::Ends)
                {
                    f(&text[start..i]);
                    i += 1;
                    continue;
                }
                self.push_ascii(&text[start..i]);
                continue;
            }
            if b.is_ascii() {
                i += 1;
                if !self.text.is_empty() {
                    self.push(char::from(b), false, f);
                }
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            match u32::from(c) {
                // Latin-1's letters: all but × and ÷, upper case 0x20 below
                // lower (ß and ÿ have no upper case here).
                0xD7 | 0xF7 => self.push(c, false, f),
                n @ 0xC0..=0xDE => {
                    let lower = char::from_u32(n + 0x20).unwrap_or(c);
                    self.push(lower, true, f);
                }
                0xDF..=0xFF => self.push(c, true, f),
                _ => {
                    for l in c.to_lowercase() {
                        self.push(l, is_word_char(l), f);
                    }
                }
            }
        }
    }

    /// [`Token::feed`] of HTML text between tags: entities decoded as
    /// [`html_text`] decodes them.
    fn feed_decoded(&mut self, s: &str, f: &mut impl FnMut(&str)) {
        decoded(s, |piece| self.feed(piece, f));
    }
}

/// Gives `s` in pieces, with the entities it names decoded (an unknown
/// one as written): how [`html_text`] and [`for_each_html_word`] both read
/// the text between tags.
fn decoded(s: &str, mut give: impl FnMut(&str)) {
    let mut rest = s;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        give(&rest[..amp]);
        let after = &rest[amp + 1..];
        match entity(after) {
            Some((c, len)) => {
                let mut buf = [0u8; 4];
                give(c.encode_utf8(&mut buf));
                rest = &after[len..];
            }
            None => {
                give("&");
                rest = after;
            }
        }
    }
    give(rest);
}

/// The entity that `after` (the text after a `&`) starts with, if one is
/// named: its character and the bytes of its name and `;`.
fn entity(after: &str) -> Option<(char, usize)> {
    let name = &after[..after.find(';').filter(|&e| e <= 10)?];
    Some((crate::xml::decode_entity(name)?, name.len() + 1))
}

/// The words of the text of `html` (what [`for_each_word`] gives of
/// [`html_text`]), without making that text: tags are read as
/// [`html_text`] reads them, and the text between them goes straight to
/// the words. A page's HTML with a capital sigma, written or as an
/// entity, has its text made first (see [`for_each_word`]).
pub(crate) fn for_each_html_word(html: &str, mut f: impl FnMut(&str)) {
    let sigma_entity = || {
        memchr::memmem::find_iter(html.as_bytes(), "&#")
            .any(|at| entity(&html[at + 1..]).is_some_and(|(c, _)| c == 'Σ'))
    };
    if html.contains('Σ') || sigma_entity() {
        return for_each_word(&html_text(html), f);
    }
    let f = &mut f;
    let mut token = Token::new();
    let mut rest = html;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        token.feed_decoded(&rest[..lt], f);
        let after = &rest[lt + 1..];
        let Some(tag) = read_tag(after) else {
            rest = "";
            break;
        };
        rest = tag.rest;
        if tag.parts_words {
            token.feed(" ", f);
        }
    }
    token.feed_decoded(rest, f);
    token.end(f);
}

/// A tag as [`html_text`] reads it.
struct Tag<'a> {
    /// The text after it (after the element, for a script or a style).
    rest: &'a str,
    /// Whether it parts the words around it (not an inline tag).
    parts_words: bool,
}

/// The tag that `after` (the text after a `<`) starts with, or none when
/// no `>` closes it.
fn read_tag(after: &str) -> Option<Tag<'_>> {
    let gt = memchr::memchr(b'>', after.as_bytes())?;
    let closing = after.starts_with('/');
    let name = after.trim_start_matches('/');
    let len = name.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = &name[..len];
    let rest = &after[gt + 1..];
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if (is("script") || is("style")) && !closing {
        let close = if is("script") { "</script" } else { "</style" };
        return Some(Tag {
            rest: find_ignoring_case(rest, close).map_or("", |end| &rest[end..]),
            parts_words: false,
        });
    }
    Some(Tag {
        rest,
        parts_words: !INLINE_TAGS.iter().any(|t| is(t)),
    })
}

/// Calls `f` with the parts of one token (byte ranges of `lower` cut at
/// its apostrophes): one-letter parts of a cut token and an elided
/// article before the first apostrophe are left out.
fn pieces(lower: &str, cuts: &[(usize, usize)], folded: &mut String, f: &mut impl FnMut(&str)) {
    let many = cuts.len() > 1;
    for (n, &(a, b)) in cuts.iter().enumerate() {
        let piece = &lower[a..b];
        if many && piece.chars().nth(1).is_none() {
            continue;
        }
        if many && n == 0 {
            fold_into(piece, folded);
            if ELISIONS.contains(&folded.as_str()) {
                continue;
            }
        }
        f(piece);
    }
}

/// [`for_each_word`] as first written, a character at a time: what the
/// fast one must give.
#[cfg(test)]
fn for_each_word_by_char(text: &str, mut f: impl FnMut(&str)) {
    let lower = text.to_lowercase();
    let mut chars = lower.char_indices().peekable();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut folded = String::new();
    while let Some(&(start, c)) = chars.peek() {
        if !is_word_char(c) {
            chars.next();
            continue;
        }
        // One token: word characters, with single apostrophes between them;
        // `cuts` are the byte ranges of its parts.
        cuts.clear();
        let mut part = start;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if is_word_char(c) {
                end = i + c.len_utf8();
                chars.next();
            } else if is_apostrophe(c)
                && end == i
                && lower[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_word_char)
            {
                cuts.push((part, end));
                part = i + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        cuts.push((part, end));
        pieces(&lower, &cuts, &mut folded, &mut f);
    }
}

/// The folded words of `text` (what a query is cut into; the script's `words`).
#[cfg(test)]
pub(crate) fn words(text: &str) -> Vec<String> {
    raw_words(text).iter().map(|w| fold(w)).collect()
}

/// The Snowball stemmer of a language, when there is one.
pub(crate) fn stemmer(lang: &str) -> Option<Stemmer> {
    let algorithm = match lang.split(['-', '_']).next().unwrap_or(lang) {
        "fr" => Algorithm::French,
        "en" => Algorithm::English,
        "de" => Algorithm::German,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "pt" => Algorithm::Portuguese,
        "da" => Algorithm::Danish,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "fi" => Algorithm::Finnish,
        "ro" => Algorithm::Romanian,
        "hu" => Algorithm::Hungarian,
        "ru" => Algorithm::Russian,
        "el" => Algorithm::Greek,
        "tr" => Algorithm::Turkish,
        "ar" => Algorithm::Arabic,
        "ta" => Algorithm::Tamil,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// The folded stem of a lower-cased word (the word itself, folded, without
/// a stemmer or when it holds a digit).
pub(crate) fn stem(stemmer: Option<&Stemmer>, word: &str) -> String {
    match stemmer {
        Some(s) if !word.chars().any(|c| c.is_numeric()) => fold(&s.stem(word)),
        _ => fold(word),
    }
}

/// Words too common to tell pages apart, per language (folded): left out
/// of the index, and of queries by the script (the manifest carries them).
pub(crate) fn stop_words(lang: &str) -> &'static [&'static str] {
    match lang.split(['-', '_']).next().unwrap_or(lang) {
        "fr" => &[
            "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "il",
            "ils", "la", "le", "les", "leur", "leurs", "mais", "ou", "par", "pour", "qu", "que",
            "qui", "sa", "se", "ses", "son", "sur", "un", "une", "vos", "votre", "nous", "vous",
            "est", "sont", "ne", "pas", "plus", "on", "cette", "cet", "a",
        ],
        "en" => &[
            "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it",
            "its", "of", "on", "or", "that", "the", "this", "to", "was", "with", "you", "your",
            "we", "our",
        ],
        "de" => &[
            "der", "die", "das", "und", "in", "im", "zu", "zum", "zur", "den", "dem", "des", "ein",
            "eine", "einen", "mit", "von", "auf", "fur", "ist", "sie", "es", "an", "am", "oder",
            "auch",
        ],
        "es" => &[
            "el", "la", "los", "las", "de", "del", "y", "en", "un", "una", "por", "para", "con",
            "que", "se", "al", "lo", "su", "sus", "es", "o",
        ],
        "it" => &[
            "il", "lo", "la", "i", "gli", "le", "di", "del", "della", "dei", "delle", "e", "in",
            "un", "una", "per", "con", "che", "su", "al", "alla", "da", "si", "o",
        ],
        "nl" => &[
            "de", "het", "een", "en", "van", "in", "op", "te", "met", "voor", "is", "dat", "die",
            "aan", "of", "bij", "zijn", "naar",
        ],
        _ => &[],
    }
}

/// Plain text of rendered HTML: tags removed (scripts and styles with their
/// content), block ends and line breaks as spaces, the common entities
/// decoded, each run of white space one space, none at the ends.
///
/// One pass, without a string per tag or a second pass for the spaces:
/// the same text as [`html_text_by_steps`], which the tests compare it with.
pub(crate) fn html_text(html: &str) -> String {
    html_text_upto(html, usize::MAX)
}

/// The start of [`html_text`]: all of it, or its first `at_least`
/// characters or more (a page's result shows only its first characters).
pub(crate) fn html_text_upto(html: &str, at_least: usize) -> String {
    let mut out = Spaced {
        text: String::with_capacity(html.len().min(at_least.saturating_add(256))),
        space: false,
    };
    let mut rest = html;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        out.push_decoded(&rest[..lt]);
        // A text has no more characters than bytes: they are counted only
        // once there are as many bytes. (A long text without tags is made
        // whole.)
        if out.text.len() >= at_least && out.text.chars().count() >= at_least {
            return out.text;
        }
        let Some(tag) = read_tag(&rest[lt + 1..]) else {
            rest = "";
            break;
        };
        rest = tag.rest;
        if tag.parts_words {
            out.space = !out.text.is_empty();
        }
    }
    out.push_decoded(rest);
    out.text
}

/// Tags that do not part the words around them.
const INLINE_TAGS: [&str; 12] = [
    "a", "em", "strong", "b", "i", "span", "abbr", "code", "mark", "small", "sup", "sub",
];

/// Text with each run of white space written as one space, and none at
/// its ends: `space` is a space owed before the next character.
struct Spaced {
    text: String,
    space: bool,
}

impl Spaced {
    fn push_str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Most of a text: visible ASCII characters.
            while i < bytes.len() && bytes[i].is_ascii_graphic() {
                i += 1;
            }
            let Some(&b) = bytes.get(i) else {
                break;
            };
            // One space after another character of the run and before a
            // visible ASCII one stays in the run copied at the next flush:
            // most spaces of a text.
            if b == b' ' && i > start && bytes.get(i + 1).is_some_and(|n| n.is_ascii_graphic()) {
                i += 1;
                continue;
            }
            // ASCII is looked at a byte at a time; only other characters
            // are decoded.
            let (len, space) = if b.is_ascii() {
                (1, b == b' ' || (b'\t'..=b'\r').contains(&b))
            } else {
                let c = s[i..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_whitespace())
            };
            if space {
                self.flush(&s[start..i]);
                self.space = !self.text.is_empty();
                start = i + len;
            }
            i += len;
        }
        self.flush(&s[start..]);
    }

    /// Text whose only white space is single spaces between other
    /// characters.
    fn flush(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.space {
            self.text.push(' ');
            self.space = false;
        }
        self.text.push_str(word);
    }

    /// `s` with the entities it names decoded (an unknown one as written).
    fn push_decoded(&mut self, s: &str) {
        decoded(s, |piece| self.push_str(piece));
    }
}

/// [`html_text`] as first written, in steps (a string per tag, spaces
/// folded at the end): what the one pass must give.
#[cfg(test)]
fn html_text_by_steps(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if (name == "script" || name == "style") && !after.starts_with('/') {
            let close = format!("</{name}");
            rest = match find_ignoring_case(rest, &close) {
                Some(end) => &rest[end..],
                None => "",
            };
            continue;
        }
        if !INLINE_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    push_decoded(&mut out, rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where `needle` (ASCII) first is in `hay`, whatever the case of its
/// letters: without a lower-cased copy of the rest of the text for each
/// script, which made a body of many scripts quadratic.
fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, &hay[from..]) {
        let at = from + i;
        if hay.len() - at >= needle.len() && hay[at..at + needle.len()].eq_ignore_ascii_case(needle)
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let entity = after.find(';').filter(|&e| e <= 10).map(|e| &after[..e]);
        let decoded = entity.and_then(crate::xml::decode_entity);
        match (decoded, entity) {
            (Some(c), Some(name)) => {
                out.push(if c == '\u{a0}' || c == '\u{202f}' {
                    ' '
                } else {
                    c
                });
                rest = &after[name.len() + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text drawn from what pages hold: ASCII, the accented letters of the
    /// fast path in both cases, apostrophes, marks written apart, letters
    /// the fast path leaves to decomposition (ø, ẞ, İ, Σ, Greek, Cyrillic,
    /// Vietnamese), digits, spaces and punctuation.
    fn page_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy as _;
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "E", "z", "Q", "7", " ", "\n", ",", "«", "»", "-", "'", "’", "l'", "qu'", "é",
                "É", "è", "ê", "ë", "à", "â", "ä", "å", "Å", "ç", "Ç", "î", "ï", "ô", "ö", "ù",
                "û", "ü", "ÿ", "Ÿ", "ñ", "œ", "Œ", "æ", "Æ", "ß", "ẞ", "ø", "İ", "ı", "Σ", "ς",
                "ο", "Ж", "ệ", "\u{301}", "\u{308}", "e\u{301}", "ﬁ", "Ǆ", "\u{202f}", "×", "÷",
                "Þ", "Ø", "µ", "ª", "²", "\u{1}", "\u{b}", "\u{1c}", "\u{85}",
            ]),
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    /// HTML drawn from what bodies hold: text, tags of either case (inline,
    /// block, scripts, styles, closing, unclosed), entities known and
    /// unknown, every kind of white space.
    fn page_html() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy as _;
        proptest::collection::vec(
            proptest::sample::select(vec![
                "mot",
                "Été",
                " ",
                "  ",
                "\n",
                "\t",
                "\u{b}",
                "\u{a0}",
                "\u{202f}",
                "\u{3000}",
                "\u{1}",
                "\u{1c}",
                "\u{85}",
                "é ",
                "<p>",
                "</p>",
                "<br>",
                "<BR/>",
                "<a href=\"x\">",
                "</a>",
                "<em>",
                "</EM>",
                "<span class=\"x\">",
                "<h2 id=\"a\">",
                "</h2>",
                "<script>",
                "</script>",
                "<SCRIPT type=\"x\">",
                "</Script >",
                "<style>",
                "</STYLE>",
                "< p>",
                "<",
                ">",
                "&amp;",
                "&nbsp;",
                "&#233;",
                "&#x202F;",
                "&eacute;",
                "&nope;",
                "&",
                ";",
                "l'",
                "<!-- x -->",
                "<sup>",
                "</sup>",
                "<li>",
                "</ul>",
                "é",
                "’",
                "'",
                "&apos;",
                "qu’",
                "aujourd'hui",
                "ÉTÉ",
                "Œuvre",
                "2026",
                "<code>",
                "</code>",
                "\u{301}",
                "&#39;",
                "&#931;",
                "&#x3A3;",
                "Σ",
            ]),
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest::proptest! {
        #[test]
        fn the_fast_fold_gives_what_decomposing_gives(s in page_text()) {
            let mut slow = String::new();
            fold_decomposed(&s, &mut slow);
            proptest::prop_assert_eq!(fold(&s), slow);
        }

        #[test]
        fn html_text_in_one_pass_gives_the_text_of_the_steps(s in page_html()) {
            proptest::prop_assert_eq!(html_text(&s), html_text_by_steps(&s));
        }

        #[test]
        fn words_read_from_html_are_the_words_of_its_text(s in page_html()) {
            let mut fused = Vec::new();
            for_each_html_word(&s, |w| fused.push(w.to_string()));
            let mut two_passes = Vec::new();
            for_each_word(&html_text(&s), |w| two_passes.push(w.to_string()));
            proptest::prop_assert_eq!(fused, two_passes);
        }

        #[test]
        fn the_start_of_a_text_is_the_start_of_the_whole_text(s in page_html(), at_least in 1usize..40) {
            let whole = html_text(&s);
            let start = html_text_upto(&s, at_least);
            proptest::prop_assert!(whole.starts_with(&start));
            proptest::prop_assert!(start.chars().count() >= at_least.min(whole.chars().count()));
        }

        #[test]
        fn the_fast_cut_gives_the_words_of_the_cut_by_character(s in page_text()) {
            let mut fast = Vec::new();
            for_each_word(&s, |w| fast.push(w.to_string()));
            let mut slow = Vec::new();
            for_each_word_by_char(&s, |w| slow.push(w.to_string()));
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn folding_removes_accents_case_and_ligatures() {
        assert_eq!(fold("Été"), "ete");
        assert_eq!(fold("ÉTÉ"), fold("ete"));
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("gîte"), "gite");
        // Decomposed accents (as macOS writes them) fold the same.
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
    }

    #[test]
    fn words_drop_elisions_and_keep_what_follows() {
        assert_eq!(words("L'abbaye d’Aulps"), ["abbaye", "aulps"]);
        assert_eq!(words("jusqu'au lac"), ["au", "lac"]);
        assert_eq!(words("dell'Arte"), ["arte"]);
        assert_eq!(words("aujourd'hui"), ["aujourd", "hui"]);
        assert_eq!(words("the visitor's guide"), ["the", "visitor", "guide"]);
        assert_eq!(
            words("Marché — 8 h, « bio » !"),
            ["marche", "8", "h", "bio"]
        );
        // A lone apostrophe is a separator, not part of a word.
        assert_eq!(words("l' abbaye '"), ["l", "abbaye"]);
    }

    #[test]
    fn stems_join_plurals_and_forms_in_each_language() {
        let same = |lang: &str, a: &str, b: &str| {
            let s = stemmer(lang);
            assert_eq!(
                stem(s.as_ref(), a),
                stem(s.as_ref(), b),
                "{lang}: {a} / {b}"
            );
        };
        same("fr", "randonnées", "randonnée");
        same("fr", "chevaux", "cheval");
        same("fr", "marchés", "marché");
        same("en", "walks", "walking");
        same("de", "wanderungen", "wanderung");
        same("es", "montañas", "montaña");
        same("it", "passeggiate", "passeggiata");
        same("nl", "wandelingen", "wandeling");
        // Stems are folded: the script compares them with folded words.
        assert_eq!(stem(stemmer("fr").as_ref(), "été"), "ete");
        // No stemmer: the folded word.
        assert!(stemmer("eu").is_none());
        assert_eq!(stem(None, "Mendiak"), "mendiak");
        // Numbers are kept as they are.
        assert_eq!(stem(stemmer("en").as_ref(), "2026s"), "2026s");
    }

    #[test]
    fn html_text_keeps_words_apart_and_drops_scripts() {
        let t = html_text(
            "<h2>Le lac</h2><p>Eau <strong>claire</strong>&nbsp;&amp; fraîche</p><script>var x = 1;</script><ul><li>un</li><li>deux</li></ul>",
        );
        assert_eq!(t, "Le lac Eau claire & fraîche un deux");
    }

    #[test]
    fn scripts_and_styles_end_at_their_closing_tag_in_any_case() {
        assert_eq!(
            html_text("a<SCRIPT>x</Script>b<style>p{}</STYLE >c<script>y"),
            "a b c"
        );
        // Many scripts: each skipped to its own end, the words between kept.
        let many = "<script>s</script>mot ".repeat(2000);
        assert_eq!(html_text(&many), "mot ".repeat(2000).trim_end());
        assert_eq!(find_ignoring_case("x</ScRiPt", "</script"), Some(1));
        assert_eq!(find_ignoring_case("</scrip", "</script"), None);
    }
}
