//! What the readers of Apidae, OpenAgenda and Tourinsoft share: reading a
//! value leniently (feeds write numbers as text, empty text for nothing,
//! dates in three formats) while every value of the wrong kind becomes an
//! error naming the file and the JSON path; the French words feeds use for
//! languages and days; markdown and HTML turned into plain text.
//!
//! Errors are gathered, not returned at the first: a producer fixing a feed
//! sees every problem of a file at once (up to [`MAX_ERRORS`]).

use jiff::civil::{Date, Time};
use serde_json::Value;

use super::json::{self, Node, Path};
use crate::content::practical::{Clock, Day};
use crate::error::Diagnostic;

/// The errors of one file kept in full; the rest are counted.
pub const MAX_ERRORS: usize = 20;

/// The file being read and the problems found so far.
pub struct Fields<'f> {
    pub file: &'f str,
    errors: Vec<Diagnostic>,
    more: usize,
}

impl<'f> Fields<'f> {
    pub fn new(file: &'f str) -> Self {
        Fields {
            file,
            errors: Vec::new(),
            more: 0,
        }
    }

    /// Records an error about `node`.
    pub fn error(&mut self, node: Node<'_>, message: impl std::fmt::Display) {
        self.push(node.error(self.file, message));
    }

    pub fn push(&mut self, d: Diagnostic) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(d);
        } else {
            self.more += 1;
        }
    }

    /// The objects read, or every error.
    pub fn finish<T>(mut self, objects: Vec<T>) -> Result<Vec<T>, Vec<Diagnostic>> {
        if self.errors.is_empty() {
            return Ok(objects);
        }
        if self.more > 0 {
            self.errors.push(
                Diagnostic::error(
                    "data",
                    format!("{} more problems like these in this file", self.more),
                )
                .file(self.file),
            );
        }
        Err(self.errors)
    }

    /// Text: a string (trimmed; empty is nothing) or a number; `null` is
    /// nothing; anything else is an error.
    pub fn text(&mut self, node: Node<'_>) -> Option<String> {
        match node.value {
            Value::Null => None,
            Value::String(s) => {
                let t = s.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            Value::Number(n) => Some(n.to_string()),
            v => {
                self.error(
                    node,
                    format_args!("expected text, found {}", json::describe(v)),
                );
                None
            }
        }
    }

    /// The text at `key` of `node`, when present.
    pub fn key_text<'a>(&mut self, node: Node<'a>, key: &'a str) -> Option<String> {
        json::with_key(node, key, |n| self.text(n)).flatten()
    }

    /// A number (or text holding one); `null` and empty text are nothing.
    pub fn number(&mut self, node: Node<'_>) -> Option<f64> {
        match node.value {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            _ => match json::number(node, self.file) {
                Ok(n) => Some(n),
                Err(e) => {
                    self.push(e);
                    None
                }
            },
        }
    }

    pub fn key_number<'a>(&mut self, node: Node<'a>, key: &'a str) -> Option<f64> {
        json::with_key(node, key, |n| self.number(n)).flatten()
    }

    /// A count (a whole number, at least 0).
    pub fn count(&mut self, node: Node<'_>) -> Option<u32> {
        let n = self.number(node)?;
        if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) {
            Some(n as u32)
        } else {
            self.error(node, format_args!("expected a whole number, found {n}"));
            None
        }
    }

    /// `true` or `false` (also written `"true"`, `1`, `"0"`).
    pub fn bool(&mut self, node: Node<'_>) -> Option<bool> {
        match node.value {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
            Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "" => None,
                "true" | "1" | "oui" | "yes" => Some(true),
                "false" | "0" | "non" | "no" => Some(false),
                _ => {
                    self.error(node, format_args!("expected true or false, found {s:?}"));
                    None
                }
            },
            v => {
                self.error(
                    node,
                    format_args!("expected true or false, found {}", json::describe(v)),
                );
                None
            }
        }
    }

    /// A date ([`parse_date`]'s forms); an error otherwise.
    pub fn date(&mut self, node: Node<'_>) -> Option<Date> {
        let s = self.text(node)?;
        let d = parse_date(&s);
        if d.is_none() {
            self.error(node, format_args!("expected a date, found {s:?}"));
        }
        d
    }

    pub fn key_date<'a>(&mut self, node: Node<'a>, key: &'a str) -> Option<Date> {
        json::with_key(node, key, |n| self.date(n)).flatten()
    }

    /// A time of day (`09:30`, `09:30:00`, `9h30`); an error otherwise.
    pub fn time(&mut self, node: Node<'_>) -> Option<Time> {
        let s = self.text(node)?;
        match parse_time(&s) {
            Some(t) => Some(t),
            None => {
                self.error(node, format_args!("expected a time of day, found {s:?}"));
                None
            }
        }
    }

    pub fn key_time<'a>(&mut self, node: Node<'a>, key: &'a str) -> Option<Time> {
        json::with_key(node, key, |n| self.time(n)).flatten()
    }

    /// Checks that `node` is an object (or `null`, which is nothing).
    pub fn object(&mut self, node: Node<'_>, what: &str) -> bool {
        match node.value {
            Value::Object(_) => true,
            Value::Null => false,
            v => {
                self.error(
                    node,
                    format_args!("expected {what}, found {}", json::describe(v)),
                );
                false
            }
        }
    }

    /// Checks that `node` is an array (or `null`, which is empty).
    pub fn array(&mut self, node: Node<'_>, what: &str) -> bool {
        match node.value {
            Value::Array(_) => true,
            Value::Null => false,
            v => {
                self.error(
                    node,
                    format_args!("expected {what}, found {}", json::describe(v)),
                );
                false
            }
        }
    }
}

/// Calls `f` on each element of the array at `key` of `node` (nothing when
/// absent or `null`); any other value is an error.
pub fn each_of<'a>(
    fields: &mut Fields<'_>,
    node: Node<'a>,
    key: &'a str,
    what: &str,
    mut f: impl FnMut(&mut Fields<'_>, Node<'_>),
) {
    json::with_key(node, key, |list| {
        if fields.array(list, what) {
            json::each(list, |item| f(fields, item));
        }
    });
}

/// The child `key` of `node`, built on `path` (which the caller keeps
/// alive), when present and not `null`.
pub fn child<'a>(node: Node<'a>, key: &'a str, path: &'a mut Option<Path<'a>>) -> Option<Node<'a>> {
    let v = node.value.get(key).filter(|v| !v.is_null())?;
    let p = path.insert(Path::Key(node.path_ref(), key));
    Some(Node::at(v, p))
}

/// A date written `2024-05-01` (maybe followed by a time), `01/05/2024`
/// or `/Date(1546457575113)/` (OData: milliseconds since 1970, UTC).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(ms) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        // An offset may follow the milliseconds (`/Date(1546457575113+0100)/`).
        let digits = ms
            .char_indices()
            .find(|&(i, c)| i > 0 && (c == '+' || c == '-'))
            .map_or(ms, |(i, _)| &ms[..i]);
        let ms: i64 = digits.parse().ok()?;
        let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
        return Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        return s.get(..10)?.parse::<Date>().ok();
    }
    if b.len() >= 10 && b[2] == b'/' && b[5] == b'/' {
        let day: i8 = s.get(0..2)?.parse().ok()?;
        let month: i8 = s.get(3..5)?.parse().ok()?;
        let year: i16 = s.get(6..10)?.parse().ok()?;
        return Date::new(year, month, day).ok();
    }
    None
}

/// A time of day: `09:30`, `09:30:00`, `9h30`, `9h`.
pub fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    // `2024-05-01T09:30:00`: the time part.
    let s = s.split_once('T').map_or(s, |(_, t)| t);
    Clock::parse(s).ok().map(|c| c.0)
}

/// The code of a language written out in French or English, as Apidae and
/// Tourinsoft name them ("Anglais", "Langue des signes française").
pub fn language_code(name: &str) -> Option<&'static str> {
    let n = deunicode::deunicode(name.trim()).to_ascii_lowercase();
    let code = match n.as_str() {
        "francais" | "french" => "fr",
        "anglais" | "english" => "en",
        "allemand" | "german" => "de",
        "espagnol" | "spanish" => "es",
        "italien" | "italian" => "it",
        "neerlandais" | "hollandais" | "flamand" | "dutch" => "nl",
        "portugais" | "portuguese" => "pt",
        "russe" | "russian" => "ru",
        "chinois" | "mandarin" | "chinese" => "zh",
        "japonais" | "japanese" => "ja",
        "arabe" | "arabic" => "ar",
        "polonais" | "polish" => "pl",
        "catalan" => "ca",
        "occitan" => "oc",
        "breton" => "br",
        "basque" => "eu",
        "corse" | "corsican" => "co",
        "alsacien" => "gsw",
        "suedois" | "swedish" => "sv",
        "danois" | "danish" => "da",
        "norvegien" | "norwegian" => "no",
        "finnois" | "finlandais" | "finnish" => "fi",
        "tcheque" | "czech" => "cs",
        "grec" | "greek" => "el",
        "hebreu" | "hebrew" => "he",
        "hongrois" | "hungarian" => "hu",
        "roumain" | "romanian" => "ro",
        "turc" | "turkish" => "tr",
        "coreen" | "korean" => "ko",
        "ukrainien" | "ukrainian" => "uk",
        "croate" | "croatian" => "hr",
        "slovene" | "slovenian" => "sl",
        "langue des signes francaise" | "lsf" => "fsl",
        _ => return None,
    };
    Some(code)
}

/// A day of the week written in French ("lundi", "DIMANCHE") or as
/// Apidae's and schema.org's abbreviations ("MON").
pub fn day_name(name: &str) -> Option<Day> {
    let n = name.trim().to_ascii_lowercase();
    let day = match n.as_str() {
        "lundi" | "mon" | "monday" | "mo" => Day::Mo,
        "mardi" | "tue" | "tuesday" | "tu" => Day::Tu,
        "mercredi" | "wed" | "wednesday" | "we" => Day::We,
        "jeudi" | "thu" | "thursday" | "th" => Day::Th,
        "vendredi" | "fri" | "friday" | "fr" => Day::Fr,
        "samedi" | "sat" | "saturday" | "sa" => Day::Sa,
        "dimanche" | "sun" | "sunday" | "su" => Day::Su,
        _ => return None,
    };
    Some(day)
}

/// Text written in markdown, maybe with HTML in it (OpenAgenda's
/// `longDescription`), as plain text: paragraphs separated by blank
/// lines, list items on lines of their own starting with "• ", links as
/// "text (address)", tags dropped (and what `<script>` and `<style>`
/// hold), entities decoded. The page escapes what is left.
pub fn plain_text(src: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    let mut out = String::with_capacity(src.len());
    let mut items = 0usize;
    let mut images = 0usize;
    let mut links: Vec<(String, usize)> = Vec::new();
    let mut html = HtmlState::default();
    for event in Parser::new(src) {
        match event {
            Event::Start(Tag::Item) => {
                line_break(&mut out);
                out.push_str("• ");
                items += 1;
            }
            Event::End(TagEnd::Item) => items = items.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push((dest_url.to_string(), out.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start)) = links.pop() {
                    let shown = out.get(start..).unwrap_or("").trim();
                    let url = url.strip_prefix("mailto:").unwrap_or(&url).to_string();
                    if !url.is_empty() && shown != url && images == 0 {
                        if shown.is_empty() {
                            out.push_str(&url);
                        } else {
                            out.push_str(" (");
                            out.push_str(&url);
                            out.push(')');
                        }
                    }
                }
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Table(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::Table,
            )
            | Event::Rule
                if items == 0 =>
            {
                block_break(&mut out);
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => line_break(&mut out),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::Text(t) | Event::Code(t) if images == 0 && !html.skipping() => {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Html(h) | Event::InlineHtml(h) => html.strip(&h, &mut out),
            _ => {}
        }
    }
    tidy(&out)
}

/// Text with HTML tags in it, as plain text (see [`plain_text`]).
pub fn strip_html(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    HtmlState::default().strip(src, &mut out);
    tidy(&out)
}

/// Where the HTML stripper is: inside `<script>` or `<style>` (whose
/// content is dropped until the closing tag, even across events).
#[derive(Default)]
struct HtmlState {
    skip_until: Option<&'static str>,
}

impl HtmlState {
    fn skipping(&self) -> bool {
        self.skip_until.is_some()
    }

    fn strip(&mut self, src: &str, out: &mut String) {
        // `<` and `&` are ASCII: every index below is a character boundary.
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < src.len() {
            match bytes[i] {
                b'<' if bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!')) =>
                {
                    let Some(end) = src[i + 1..].find('>') else {
                        // An unclosed tag: the rest is not text.
                        return;
                    };
                    let tag = &src[i + 1..i + 1 + end];
                    i += end + 2;
                    self.tag(tag, out);
                }
                b'&' => {
                    let decoded = entity_at(&src[i + 1..]);
                    if !self.skipping() {
                        out.push(decoded.map_or('&', |(c, _)| c));
                    }
                    i += 1 + decoded.map_or(0, |(_, len)| len);
                }
                _ => {
                    // A `<` that opens no tag is text; any other byte here
                    // starts a character.
                    let from = if bytes[i] == b'<' { i + 1 } else { i };
                    let end = src[from..].find(['<', '&']).map_or(src.len(), |k| from + k);
                    if !self.skipping() {
                        for c in src[i..end].chars() {
                            if matches!(c, '\n' | '\r' | '\t') {
                                if !out.is_empty() && !out.ends_with([' ', '\n']) {
                                    out.push(' ');
                                }
                            } else {
                                out.push(c);
                            }
                        }
                    }
                    i = end;
                }
            }
        }
    }

    fn tag(&mut self, tag: &str, out: &mut String) {
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if let Some(until) = self.skip_until {
            if closing && name == until {
                self.skip_until = None;
            }
            return;
        }
        match name.as_str() {
            "script" if !closing => self.skip_until = Some("script"),
            "style" if !closing => self.skip_until = Some("style"),
            "br" => out.push('\n'),
            "li" if !closing => {
                line_break(out);
                out.push_str("• ");
            }
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "table"
            | "blockquote" | "section" | "article" => block_break(out),
            "tr" => line_break(out),
            _ => {}
        }
    }
}

/// The character an entity at the start of `s` (after its `&`) names, and
/// the length of the name with its `;`.
fn entity_at(s: &str) -> Option<(char, usize)> {
    let end = s.get(..12.min(s.len())).unwrap_or(s).find(';')?;
    let name = &s[..end];
    let c = crate::xml::decode_entity(name).or_else(|| named_entity(name))?;
    Some((c, end + 1))
}

/// The named entities French feeds use beyond XML's.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "acirc" => 'â',
        "ccedil" => 'ç',
        "icirc" => 'î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "Eacute" => 'É',
        "Egrave" => 'È',
        "Agrave" => 'À',
        "Ccedil" => 'Ç',
        "oelig" => 'œ',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "bull" => '•',
        "ndash" => '–',
        "mdash" => '—',
        "euro" => '€',
        "deg" => '°',
        "copy" => '©',
        _ => return None,
    })
}

fn line_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn block_break(out: &mut String) {
    if out.is_empty() || out.ends_with("\n\n") {
        return;
    }
    if out.ends_with('\n') {
        out.push('\n');
    } else {
        out.push_str("\n\n");
    }
}

/// Trailing spaces off every line, at most one blank line in a row, no
/// blank lines at the ends.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for line in s.lines() {
        let line = line.trim_end();
        let line = line.trim_start_matches(' ');
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
        } else if !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_feeds_write() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(parse_date("2024-05-01"), Some(d(2024, 5, 1)));
        assert_eq!(
            parse_date("2018-11-06T11:03:21.304+0000"),
            Some(d(2018, 11, 6))
        );
        assert_eq!(parse_date("01/06/2100"), Some(d(2100, 6, 1)));
        assert_eq!(parse_date("/Date(1546457575113)/"), Some(d(2019, 1, 2)));
        assert_eq!(
            parse_date("/Date(1546457575113+0100)/"),
            Some(d(2019, 1, 2))
        );
        assert_eq!(parse_date("31/02/2024"), None);
        assert_eq!(parse_date("demain"), None);
        assert_eq!(parse_date("é"), None);
    }

    #[test]
    fn times_in_the_forms_feeds_write() {
        let t = |h, m| jiff::civil::time(h, m, 0, 0);
        assert_eq!(parse_time("09:30:00"), Some(t(9, 30)));
        assert_eq!(parse_time("9h30"), Some(t(9, 30)));
        assert_eq!(parse_time("2024-05-01T18:00:00"), Some(t(18, 0)));
        assert_eq!(parse_time("midi"), None);
    }

    #[test]
    fn markdown_becomes_plain_paragraphs() {
        let md = "### Pour les 11/15 ans\n\n*   Jeudi de **10h** à 12h\n*   Vendredi\n\n\
                  Voir [le programme](https://orbiere.example/prog) ou https://orbiere.example.  \n\
                  Ligne deux \\- fin\n\n![affiche](https://x.example/a.jpg)";
        assert_eq!(
            plain_text(md),
            "Pour les 11/15 ans\n\n• Jeudi de 10h à 12h\n• Vendredi\n\n\
             Voir le programme (https://orbiere.example/prog) ou https://orbiere.example.\n\
             Ligne deux - fin"
        );
    }

    #[test]
    fn html_in_markdown_is_dropped_but_its_text_kept() {
        let src = "<p>Balade &amp; go&ucirc;ter &eacute;t&eacute;</p><p>Deux<br>lignes</p>\
                   <script>alert('x')</script><ul><li>un</li><li>deux</li></ul> &nope; 3 < 4";
        assert_eq!(
            plain_text(src),
            "Balade & goûter été\n\nDeux\nlignes\n\n• un\n• deux\n\n&nope; 3 < 4"
        );
        assert_eq!(strip_html("a<b>b</b> &lt;c&gt; &#233;"), "ab <c> é");
        assert_eq!(strip_html("é<3 ü & <i>ö</i>"), "é<3 ü & ö");
        assert_eq!(plain_text("Prix < 5 € <span>é</span>"), "Prix < 5 € é");
    }

    /// Every fixture of every format, with each of its values in turn
    /// replaced by a value of each other kind, and cut short anywhere:
    /// the readers answer, they never panic.
    #[test]
    fn readers_never_panic_on_mangled_feeds() {
        use super::super::source::Reader;

        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/data");
        let formats: [(&str, Reader); 3] = [
            ("openagenda", super::super::openagenda::read),
            ("apidae", super::super::apidae::read),
            ("tourinsoft", super::super::tourinsoft::read),
        ];
        let others = [
            Value::Null,
            Value::Bool(true),
            Value::from(-1e300),
            Value::from("x|y#1/2/3"),
            Value::Array(vec![Value::from(1)]),
            Value::Object(Default::default()),
        ];
        let mut reads = 0;
        for (format, read) in formats {
            for entry in std::fs::read_dir(format!("{dir}/{format}")).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                for cut in (0..bytes.len()).step_by(97) {
                    let _ = read(&bytes[..cut], "f.json");
                }
                let doc: Value = serde_json::from_slice(&bytes).unwrap();
                let mut pointers = Vec::new();
                collect_pointers(&doc, String::new(), &mut pointers);
                for pointer in &pointers {
                    for other in &others {
                        let mut mangled = doc.clone();
                        *mangled.pointer_mut(pointer).unwrap() = other.clone();
                        let _ = read(&serde_json::to_vec(&mangled).unwrap(), "f.json");
                        reads += 1;
                    }
                }
            }
        }
        assert!(reads > 3000, "{reads}");
    }

    fn collect_pointers(v: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    collect_pointers(v, format!("{at}/{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    collect_pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_text_takes_any_text(s in "\\PC*") {
            let _ = plain_text(&s);
            let _ = strip_html(&s);
            let _ = parse_date(&s);
            let _ = parse_time(&s);
        }

        #[test]
        fn plain_text_takes_any_markup(s in "[<>&;#a-zé/! \n*_\\[\\]()]{0,40}") {
            let _ = plain_text(&s);
            let _ = strip_html(&s);
        }
    }
}
