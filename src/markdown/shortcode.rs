//! The shortcode parser: Zola's `{{ name(k="v") }}` and `{% name(k="v") %}body{% end %}`.
//!
//! It cuts markdown source into text and shortcode calls, leaving code alone
//! as markdown reads it — fenced and indented code blocks, inline code — so
//! that a `{{` there is literal: pulldown-cmark finds the code, once, only
//! for pages that have a `{` at all. `{{/* name() */}}`
//! writes a shortcode literally. Text that merely contains `{{` without looking
//! like a call stays text; a call that starts well and then breaks is an error
//! with its byte offset. It does not render anything.

use indexmap::IndexMap;

/// A piece of markdown source.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// `{{/* ... */}}`: the text to write instead, literally, and the
    /// length of what it replaces.
    Literal {
        text: String,
        len: usize,
    },
    Call(Call),
}

/// One shortcode call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: IndexMap<String, serde_json::Value>,
    /// The body of a `{% %}` shortcode.
    pub body: Option<String>,
    /// Byte offset of the body in the source (of the call's end without one).
    pub body_offset: usize,
    /// Byte offset of the call in the source.
    pub offset: usize,
    /// Length of the whole call (body and `{% end %}` included).
    pub len: usize,
}

/// A malformed shortcode call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Cuts `source` into text and shortcode calls.
pub fn parse(source: &str) -> Result<Vec<Piece<'_>>, ParseError> {
    let bytes = source.as_bytes();
    // Most pages call no shortcode: they are not read as markdown twice.
    let Some(first) = memchr::memchr(b'{', bytes) else {
        return Ok(if source.is_empty() {
            Vec::new()
        } else {
            vec![Piece::Text(source)]
        });
    };
    let code = CodeRanges::of(source);
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut i = first;
    while let Some(n) = memchr::memchr(b'{', &bytes[i..]) {
        i += n;
        if let Some(end) = code.covering(i) {
            i = end;
            continue;
        }
        let kind = match bytes.get(i + 1) {
            Some(&k @ (b'{' | b'%')) => k,
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some((literal, len)) = escaped_call(&source[i..], kind) {
            if text_start < i {
                pieces.push(Piece::Text(&source[text_start..i]));
            }
            pieces.push(Piece::Literal { text: literal, len });
            i += len;
            text_start = i;
            continue;
        }
        match call_at(source, i, kind, &code)? {
            Some(call) => {
                if text_start < i {
                    pieces.push(Piece::Text(&source[text_start..i]));
                }
                i += call.len;
                text_start = i;
                pieces.push(Piece::Call(call));
            }
            None => i += 2,
        }
    }
    if text_start < source.len() {
        pieces.push(Piece::Text(&source[text_start..]));
    }
    Ok(pieces)
}

/// The parts of a page that markdown reads as code: fenced and indented
/// code blocks, and inline code spans, as pulldown-cmark itself finds them
/// (the rules of CommonMark, not an approximation of them). A shortcode
/// written there is an example to show, never a call.
struct CodeRanges(Vec<std::ops::Range<usize>>);

impl CodeRanges {
    fn of(source: &str) -> CodeRanges {
        use pulldown_cmark::{Event, Parser, Tag};
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for (event, range) in Parser::new_ext(source, super::parser_options()).into_offset_iter() {
            if matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)) {
                match ranges.last_mut() {
                    Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
                    _ => ranges.push(range),
                }
            }
        }
        CodeRanges(ranges)
    }

    /// The end of the code range `offset` is in, if any.
    fn covering(&self, offset: usize) -> Option<usize> {
        let i = self.0.partition_point(|r| r.end <= offset);
        self.0.get(i).filter(|r| r.start <= offset).map(|r| r.end)
    }
}

/// `{{/* x() */}}` → `{{ x() }}`, `{%/* x() */%}` → `{% x() %}`.
fn escaped_call(s: &str, kind: u8) -> Option<(String, usize)> {
    let (open, close) = if kind == b'{' {
        ("{{/*", "*/}}")
    } else {
        ("{%/*", "*/%}")
    };
    if !s.starts_with(open) {
        return None;
    }
    let end = s.find(close)?;
    let inner = s[open.len()..end].trim();
    let literal = if kind == b'{' {
        format!("{{{{ {inner} }}}}")
    } else {
        format!("{{% {inner} %}}")
    };
    Some((literal, end + close.len()))
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn skip_ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.pos += n;
    }
    fn eat(&mut self, t: &str) -> bool {
        if self.rest().starts_with(t) {
            self.pos += t.len();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<&'a str> {
        let r = self.rest();
        let first = r.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let n = r
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(r.len());
        self.pos += n;
        Some(&r[..n])
    }
    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            offset: self.pos,
            message: message.into(),
        }
    }
}

/// Parses a call starting at `start` (`{{` or `{%`). `Ok(None)` when the text
/// does not look like a shortcode call at all.
fn call_at(
    source: &str,
    start: usize,
    kind: u8,
    code: &CodeRanges,
) -> Result<Option<Call>, ParseError> {
    let mut c = Cursor {
        s: source,
        pos: start + 2,
    };
    c.skip_ws();
    let Some(name) = c.ident() else {
        return Ok(None);
    };
    c.skip_ws();
    if !c.eat("(") {
        return Ok(None);
    }
    let name = name.to_string();
    let args = parse_args(&mut c, &name)?;
    c.skip_ws();
    let close = if kind == b'{' { "}}" } else { "%}" };
    if !c.eat(close) {
        return Err(c.err(format!(
            "the shortcode `{name}` is not closed with `{close}`"
        )));
    }
    if kind == b'{' {
        return Ok(Some(Call {
            name,
            args,
            body: None,
            body_offset: c.pos,
            offset: start,
            len: c.pos - start,
        }));
    }
    // A body shortcode: find the matching `{% end %}`.
    let body_start = c.pos;
    let mut depth = 0usize;
    let mut i = body_start;
    while let Some(rel) = source[i..].find("{%") {
        let at = i + rel;
        // `{% end %}` in an example of the body's code closes nothing.
        if let Some(end) = code.covering(at) {
            i = end;
            continue;
        }
        let mut t = Cursor {
            s: source,
            pos: at + 2,
        };
        t.skip_ws();
        if t.eat("end") {
            t.skip_ws();
            if t.eat("%}") {
                if depth == 0 {
                    return Ok(Some(Call {
                        name,
                        args,
                        body: Some(source[body_start..at].to_string()),
                        body_offset: body_start,
                        offset: start,
                        len: t.pos - start,
                    }));
                }
                depth -= 1;
                i = t.pos;
                continue;
            }
        } else if t.ident().is_some() {
            t.skip_ws();
            if t.eat("(") {
                depth += 1;
            }
        }
        i = at + 2;
    }
    Err(ParseError {
        offset: start,
        message: format!("the shortcode `{name}` has no `{{% end %}}`"),
    })
}

fn parse_args(
    c: &mut Cursor<'_>,
    name: &str,
) -> Result<IndexMap<String, serde_json::Value>, ParseError> {
    let mut args = IndexMap::new();
    loop {
        c.skip_ws();
        if c.eat(")") {
            return Ok(args);
        }
        let Some(key) = c.ident() else {
            return Err(c.err(format!(
                "expected an argument name or `)` in the shortcode `{name}`"
            )));
        };
        let key = key.to_string();
        c.skip_ws();
        if !c.eat("=") {
            return Err(c.err(format!(
                "expected `=` after `{key}` in the shortcode `{name}`"
            )));
        }
        c.skip_ws();
        let value = parse_value(c, name, 0)?;
        if args.insert(key.clone(), value).is_some() {
            return Err(c.err(format!("the argument `{key}` is given twice")));
        }
        c.skip_ws();
        if c.eat(",") {
            continue;
        }
        c.skip_ws();
        if c.rest().starts_with(')') {
            continue;
        }
        return Err(c.err(format!("expected `,` or `)` in the shortcode `{name}`")));
    }
}

/// How deep lists may nest in an argument (a guard against hostile input).
const MAX_DEPTH: usize = 16;

fn parse_value(
    c: &mut Cursor<'_>,
    name: &str,
    depth: usize,
) -> Result<serde_json::Value, ParseError> {
    if depth > MAX_DEPTH {
        return Err(c.err(format!(
            "the lists in an argument of `{name}` are nested too deeply"
        )));
    }
    let r = c.rest();
    let Some(first) = r.chars().next() else {
        return Err(c.err(format!(
            "the shortcode `{name}` ends in the middle of an argument"
        )));
    };
    match first {
        '"' | '\'' | '`' => {
            let body = &r[1..];
            match body.find(first) {
                Some(end) => {
                    c.pos += end + 2;
                    Ok(serde_json::Value::String(body[..end].to_string()))
                }
                None => Err(c.err(format!(
                    "a text argument of `{name}` is not closed with {first}"
                ))),
            }
        }
        '[' => {
            c.pos += 1;
            let mut items = Vec::new();
            loop {
                c.skip_ws();
                if c.eat("]") {
                    return Ok(serde_json::Value::Array(items));
                }
                items.push(parse_value(c, name, depth + 1)?);
                c.skip_ws();
                if !c.eat(",") {
                    c.skip_ws();
                    if c.eat("]") {
                        return Ok(serde_json::Value::Array(items));
                    }
                    return Err(c.err(format!(
                        "expected `,` or `]` in a list argument of `{name}`"
                    )));
                }
            }
        }
        _ => {
            let n = r
                .find(|ch: char| {
                    !(ch.is_ascii_alphanumeric()
                        || ch == '.'
                        || ch == '-'
                        || ch == '+'
                        || ch == '_')
                })
                .unwrap_or(r.len());
            let word = &r[..n];
            let value = match word {
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                w => {
                    if let Ok(i) = w.parse::<i64>() {
                        serde_json::Value::from(i)
                    } else if let Some(f) = w.parse::<f64>().ok().filter(|f| f.is_finite()) {
                        serde_json::Value::from(f)
                    } else {
                        return Err(
                            c.err(format!("`{w}` is not a value; put text in quotes: \"{w}\""))
                        );
                    }
                }
            };
            c.pos += n;
            Ok(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(s: &str) -> Vec<Call> {
        parse(s)
            .unwrap()
            .into_iter()
            .filter_map(|p| match p {
                Piece::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn inline_call_with_all_value_kinds() {
        let c = calls(r#"a {{ gallery(dir="photos", n=3, f=1.5, ok=true, l=["a", 'b']) }} b"#);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "gallery");
        assert_eq!(c[0].args["dir"], "photos");
        assert_eq!(c[0].args["n"], 3);
        assert_eq!(c[0].args["f"], 1.5);
        assert_eq!(c[0].args["ok"], true);
        assert_eq!(c[0].args["l"], serde_json::json!(["a", "b"]));
        assert_eq!(c[0].offset, 2);
    }

    #[test]
    fn body_call_and_nesting() {
        let c = calls("{% note(kind=\"info\") %}\nHello {% x() %}in{% end %}\n{% end %} after");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].body.as_deref(), Some("\nHello {% x() %}in{% end %}\n"));
    }

    #[test]
    fn code_is_left_alone() {
        assert!(calls("```\n{{ gallery() }}\n```\n").is_empty());
        assert!(calls("use `{{ gallery() }}` here").is_empty());
        assert_eq!(calls("```\ncode\n```\n{{ gallery() }}").len(), 1);
    }

    #[test]
    fn calls_after_several_code_blocks_are_calls() {
        let src = "Un.\n\n```\na\n```\n\nDeux.\n\n```\nb\n```\n\nTrois.\n\n{% encadre(title=\"Bon à savoir\") %}Texte.{% end %}\n";
        assert_eq!(calls(src).len(), 1);
    }

    #[test]
    fn escaped_and_non_calls() {
        let p = parse("{{/* gallery() */}}").unwrap();
        assert_eq!(
            p,
            vec![Piece::Literal {
                text: "{{ gallery() }}".into(),
                len: 19
            }]
        );
        assert!(calls("{{ just text }} and {{ }} and {% if %}").is_empty());
    }

    #[test]
    fn broken_calls_are_errors_with_offsets() {
        let e = parse("x {{ gallery(dir=photos) }}").unwrap_err();
        assert!(e.message.contains("in quotes"), "{}", e.message);
        let e = parse("x {{ gallery(dir=\"a\") ").unwrap_err();
        assert!(e.message.contains("not closed"));
        let e = parse("{% note() %} body").unwrap_err();
        assert!(e.message.contains("end"));
        assert_eq!(e.offset, 0);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{{{{ x(a={}) }}}}", "[".repeat(100_000));
        assert!(parse(&deep).unwrap_err().message.contains("too deeply"));
    }

    /// A block of a page for the arrangement test: where it puts a call
    /// (named `scN`) or an example of one in code (named `exN`).
    #[derive(Debug, Clone)]
    enum Block {
        Call,
        BodyCall,
        CallAfterInlineCode,
        InlineExample,
        DoubleTickExample,
        Fence {
            tilde: bool,
            extra: usize,
            body: bool,
        },
        Indented,
        Plain,
    }

    fn block() -> impl proptest::strategy::Strategy<Value = Block> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Block::Call),
            Just(Block::BodyCall),
            Just(Block::CallAfterInlineCode),
            Just(Block::InlineExample),
            Just(Block::DoubleTickExample),
            (any::<bool>(), 0usize..3, any::<bool>())
                .prop_map(|(tilde, extra, body)| Block::Fence { tilde, extra, body }),
            Just(Block::Indented),
            Just(Block::Plain),
        ]
    }

    /// The page's text, and the calls it holds outside code, in order.
    fn page(blocks: &[Block]) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut expected = Vec::new();
        for (n, b) in blocks.iter().enumerate() {
            let part = match b {
                Block::Call => {
                    expected.push(format!("sc{n}"));
                    format!("{{{{ sc{n}(a=\"x\") }}}}")
                }
                Block::BodyCall => {
                    expected.push(format!("sc{n}"));
                    format!("{{% sc{n}(title=\"Bon à savoir\") %}}Texte `{{% end %}}`.{{% end %}}")
                }
                Block::CallAfterInlineCode => {
                    expected.push(format!("sc{n}"));
                    format!("Tapez `ls` puis {{{{ sc{n}() }}}} ici.")
                }
                Block::InlineExample => format!("Écrivez `{{{{ ex{n}() }}}}` dans la page."),
                Block::DoubleTickExample => format!("Voir ``un ` et {{{{ ex{n}() }}}}`` ici."),
                Block::Fence { tilde, extra, body } => {
                    let fence = if *tilde { "~" } else { "`" }.repeat(3 + extra);
                    let inner = if *body {
                        format!("{{% ex{n}() %}}\ncorps\n{{% end %}}")
                    } else {
                        format!("{{{{ ex{n}() }}}}")
                    };
                    format!("{fence}jinja\n{inner}\n{fence}")
                }
                Block::Indented => format!("    {{{{ ex{n}() }}}}\n    ligne"),
                Block::Plain => "Un paragraphe, des { accolades } et un %.".to_string(),
            };
            text.push_str(&part);
            text.push_str("\n\n");
        }
        (text, expected)
    }

    proptest::proptest! {
        /// Whatever the arrangement of code blocks, indented code, inline
        /// code and calls, every call outside code is found, and nothing in
        /// code is taken for one.
        #[test]
        fn code_is_never_scanned_and_everything_else_always_is(
            blocks in proptest::collection::vec(block(), 1..12),
        ) {
            let (text, expected) = page(&blocks);
            let found: Vec<String> = calls(&text).into_iter().map(|c| c.name).collect();
            proptest::prop_assert_eq!(found, expected, "{}", text);
        }

        #[test]
        fn never_panics_and_offsets_are_in_bounds(s in "\\PC*") {
            if let Ok(pieces) = parse(&s) {
                for p in pieces {
                    if let Piece::Call(c) = p {
                        proptest::prop_assert!(c.offset + c.len <= s.len());
                    }
                }
            }
            let wrapped = format!("{{{{ x({s}) }}}} {{% y(a=\"{s}\") %}}{s}{{% end %}}");
            let _ = parse(&wrapped);
        }
    }
}
