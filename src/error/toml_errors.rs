//! TOML errors in plain words: a deserialization error of blason.toml, a
//! front matter, a gallery.toml, a post or a strings file becomes a
//! [`Diagnostic`] with line and column, the table it happened in, and the
//! nearest known key when a key is unknown.

use super::{Diagnostic, line_col, suggest};

/// Turns a TOML deserialization error into a diagnostic with line and column.
///
/// `offset` is where `text` starts in the file (front matter starts after the
/// `+++` line), `file_text` is used to compute the line. The unknown-field
/// message of serde is rewritten to name the table and suggest a key.
pub fn toml_diagnostic(
    err: &toml::de::Error,
    text: &str,
    line_offset: usize,
    what: &str,
) -> Diagnostic {
    let raw = err.message().trim().to_string();
    let (line, col) = err
        .span()
        .map(|s| line_col(text, s.start))
        .unwrap_or((1, 1));
    let table = err.span().and_then(|s| enclosing_table(text, s.start));
    let mut d = match parse_unknown_field(&raw) {
        Some((field, expected)) => {
            let place = match &table {
                Some(t) => format!(" in [{t}]"),
                None if what == "config" => " at the top level".to_string(),
                None => String::new(),
            };
            let mut d = Diagnostic::error("unknown-key", format!("unknown key `{field}`{place}"));
            match suggest(&field, expected.iter().map(String::as_str)) {
                Some(s) => d = d.help(format!("did you mean `{s}`?")),
                None if !expected.is_empty() => {
                    d = d.help(format!("known keys here: {}", expected.join(", ")))
                }
                None => {}
            }
            d
        }
        None => {
            let key = err.span().and_then(|s| key_at(text, s.start));
            let msg = humanize_toml_message(&raw, key.as_deref());
            let code = if what == "config" {
                "config"
            } else {
                "front-matter"
            };
            if msg == raw {
                // A syntax error: say what the file is, and what usually goes wrong.
                let name = if what == "config" {
                    "blason.toml"
                } else {
                    "the front matter"
                };
                Diagnostic::error(code, format!("{name} is not valid TOML: {raw}")).help(
                    "check the quotes, brackets and `=` signs around this place; text values need \"quotes\"",
                )
            } else {
                Diagnostic::error(code, msg)
            }
        }
    };
    d = d.at(line + line_offset, col);
    d
}

/// The key written on the line of `offset` (`draft = "yes"` → `draft`).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(' ')).then(|| key.to_string())
}

fn humanize_toml_message(raw: &str, key: Option<&str>) -> String {
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        return match key {
            Some(k) => format!("wrong type for `{k}`: {rest}"),
            None => format!("wrong type: {rest}"),
        };
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    raw.to_string()
}

/// `unknown field `x`, expected one of `a`, `b`` → ("x", ["a", "b"]).
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let field = rest[..end].to_string();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    Some((field, expected))
}

/// The `[table]` header in force at `offset` (for error messages).
fn enclosing_table(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let current_line = before.rsplit('\n').next().unwrap_or("");
    // An inline table on the same line: `colors = { ... }` is inside [brand].
    let inline = current_line.find('{').map(|i| {
        current_line[..i]
            .trim()
            .trim_end_matches('=')
            .trim()
            .to_string()
    });
    let header = before.lines().rev().find_map(|l| {
        let l = l.trim();
        if l.starts_with('[') && !l.starts_with("[[") {
            Some(l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        } else if l.starts_with("[[") {
            Some(l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        } else {
            None
        }
    });
    match (header, inline) {
        (Some(h), Some(i)) if !i.is_empty() => Some(format!("{h}.{i}")),
        (None, Some(i)) if !i.is_empty() => Some(i),
        (h, _) => h,
    }
}
