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
            let code = if what == "config" {
                "config"
            } else {
                "front-matter"
            };
            let name = match what {
                "config" => "blason.toml",
                "front matter" => "the front matter",
                "gallery" => "gallery.toml",
                "post" => "the post",
                _ => "the file",
            };
            let line_text = err
                .span()
                .and_then(|s| line_of(text, s.start))
                .unwrap_or_default();
            if text.parse::<toml::Table>().is_ok() {
                // Valid TOML, a value of the wrong kind: say which, and how.
                let d = Diagnostic::error(code, humanize_toml_message(&raw, key.as_deref()));
                match value_hint(&raw, key.as_deref(), line_text) {
                    Some(h) => d.help(h),
                    None => d,
                }
            } else {
                let d = Diagnostic::error(code, format!("{name} is not valid TOML: {raw}"));
                d.help(syntax_hint(line_text))
            }
        }
    };
    d = d.at(line + line_offset, col);
    d
}

/// The line of `text` that holds `offset`.
fn line_of(text: &str, offset: usize) -> Option<&str> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    text[start..].lines().next()
}

/// What usually breaks TOML where a web editor wrote it, told from the line.
fn syntax_hint(line: &str) -> String {
    if line.contains(['“', '”', '«', '»', '‘', '’']) && line.contains('=') {
        return "replace the curly quotes (“ ” or « ») around the text with straight ones: \""
            .into();
    }
    if let Some((_, value)) = line.split_once('=')
        && let Some(date) = day_month_year(value.trim())
    {
        return format!("write dates as year-month-day, without quotes: {date}");
    }
    "check the quotes, brackets and `=` signs around this place; text values need \"quotes\"".into()
}

/// `15/06/2026` (or `15-06-2026`, `15.06.2026`) as `2026-06-15`.
fn day_month_year(value: &str) -> Option<String> {
    let parts: Vec<&str> = value.split(['/', '.', '-']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let (d, m, y): (u32, u32, u32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    ((1..=31).contains(&d) && (1..=12).contains(&m) && y >= 1000)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// How to write a value of the right kind, for the keys people get wrong.
fn value_hint(raw: &str, key: Option<&str>, line: &str) -> Option<String> {
    let key = key?;
    if raw.contains("expected a sequence") {
        let value = line.split_once('=')?.1.trim().trim_matches('"');
        let items: Vec<String> = value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| format!("\"{v}\""))
            .collect();
        return Some(format!(
            "write a list in brackets: {key} = [{}]",
            items.join(", ")
        ));
    }
    if raw.contains("is not a date") {
        return Some(
            "write dates as year-month-day: 2026-07-14, or 2026-07-14T21:00:00+02:00 with a time"
                .into(),
        );
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnose(text: &str) -> Diagnostic {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            title: Option<String>,
            date: Option<toml::value::Datetime>,
            #[serde(default)]
            tags: Vec<String>,
        }
        let err = toml::from_str::<Page>(text).unwrap_err();
        toml_diagnostic(&err, text, 0, "front matter")
    }

    #[test]
    fn a_web_editor_s_mistakes_get_their_fix() {
        let d = diagnose("date = 15/06/2026\n");
        assert!(d.message.contains("not valid TOML"), "{}", d.message);
        assert_eq!(
            d.help.as_deref(),
            Some("write dates as year-month-day, without quotes: 2026-06-15")
        );
        let d = diagnose("title = “Le lac”\n");
        assert!(d.help.as_deref().unwrap().contains("curly quotes"), "{d:?}");
        let d = diagnose("tags = \"lac, été\"\n");
        assert!(
            !d.message.contains("not valid TOML"),
            "valid TOML: {}",
            d.message
        );
        assert_eq!(
            d.help.as_deref(),
            Some("write a list in brackets: tags = [\"lac\", \"été\"]")
        );
        let d = diagnose("title = \"a\"\ntitle = \"b\"\n");
        assert!(d.message.contains("not valid TOML"), "{}", d.message);
    }
}
