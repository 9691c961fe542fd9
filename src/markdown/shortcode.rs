//! The shortcode parser: Zola's `{{ name(k="v") }}` and `{% name(k="v") %}body{% end %}`.
//!
//! It cuts markdown source into text and shortcode calls, leaving fenced code
//! blocks and inline code alone (a `{{` there is literal). `{{/* name() */}}`
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
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let mut at_line_start = true;
    let mut fence: Option<(u8, usize)> = None;
    while i < bytes.len() {
        if at_line_start {
            at_line_start = false;
            if let Some((ch, n)) = fence_at(&bytes[i..]) {
                match fence {
                    None => fence = Some((ch, n)),
                    Some((open, len)) if open == ch && n >= len && closes_fence(&bytes[i..]) => {
                        fence = None
                    }
                    _ => {}
                }
            }
        }
        // Jump to the next byte that matters: a line end, and outside fences
        // a backtick or a brace.
        let skip = if fence.is_some() {
            memchr::memchr(b'\n', &bytes[i..])
        } else {
            memchr::memchr3(b'\n', b'`', b'{', &bytes[i..])
        };
        match skip {
            Some(n) => i += n,
            None => break,
        }
        let b = bytes[i];
        if b == b'\n' {
            at_line_start = true;
            i += 1;
            continue;
        }
        if b == b'`' {
            let run = bytes[i..].iter().take_while(|&&c| c == b'`').count();
            if let Some(close) = find_backtick_run(&bytes[i + run..], run) {
                i += run + close + run;
            } else {
                i += run;
            }
            continue;
        }
        if b == b'{' && i + 1 < bytes.len() && (bytes[i + 1] == b'{' || bytes[i + 1] == b'%') {
            let kind = bytes[i + 1];
            if let Some((literal, len)) = escaped_call(&source[i..], kind) {
                if text_start < i {
                    pieces.push(Piece::Text(&source[text_start..i]));
                }
                pieces.push(Piece::Literal { text: literal, len });
                i += len;
                text_start = i;
                continue;
            }
            match call_at(source, i, kind)? {
                Some(call) => {
                    if text_start < i {
                        pieces.push(Piece::Text(&source[text_start..i]));
                    }
                    i += call.len;
                    text_start = i;
                    pieces.push(Piece::Call(call));
                    continue;
                }
                None => {
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    if text_start < source.len() {
        pieces.push(Piece::Text(&source[text_start..]));
    }
    Ok(pieces)
}

fn fence_at(line: &[u8]) -> Option<(u8, usize)> {
    let indent = line.iter().take_while(|&&c| c == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = *rest.first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let n = rest.iter().take_while(|&&c| c == ch).count();
    (n >= 3).then_some((ch, n))
}

fn closes_fence(line: &[u8]) -> bool {
    let end = line.iter().position(|&c| c == b'\n').unwrap_or(line.len());
    let l = &line[..end];
    let trimmed: Vec<u8> = l
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    trimmed.iter().all(|&c| c == trimmed[0])
}

fn find_backtick_run(bytes: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let n = bytes[i..].iter().take_while(|&&c| c == b'`').count();
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
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
fn call_at(source: &str, start: usize, kind: u8) -> Result<Option<Call>, ParseError> {
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

    proptest::proptest! {
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
