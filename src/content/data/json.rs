//! Reading a feed's JSON with the JSON path of every value at hand, so that
//! a wrong value is reported as `$.isLocatedAt[0].schema:geo.schema:latitude:
//! expected a number`.

use serde_json::Value;

use crate::error::Diagnostic;

/// Parses `bytes` as JSON; the error names the file with its line and column.
pub fn parse(bytes: &[u8], file: &str) -> Result<Value, Diagnostic> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "the JSON ends too early (a truncated file?)",
            serde_json::error::Category::Syntax => "this is not valid JSON",
            serde_json::error::Category::Io => "the file could not be read",
            serde_json::error::Category::Data => "unexpected JSON",
        };
        let message = e.to_string();
        let detail = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(d, _)| d);
        Diagnostic::error("data", format!("{what}: {detail}"))
            .file(file)
            .at(e.line().max(1), e.column().max(1))
            .help("download the feed again with `blason sync`, or fix the file by hand")
    })
}

/// A value of the document and its JSON path.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub value: &'a Value,
    path: &'a Path<'a>,
}

/// A JSON path, built as a chain so that making one costs nothing until an
/// error prints it.
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    pub fn render(&self) -> String {
        match self {
            Path::Root => "$".to_string(),
            Path::Key(up, k) => {
                if k.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '@'))
                {
                    format!("{}.{k}", up.render())
                } else {
                    format!("{}[{:?}]", up.render(), k)
                }
            }
            Path::Index(up, i) => format!("{}[{i}]", up.render()),
        }
    }
}

pub static ROOT: Path<'static> = Path::Root;

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node { value, path: &ROOT }
    }

    pub fn at(value: &'a Value, path: &'a Path<'a>) -> Node<'a> {
        Node { value, path }
    }

    pub fn path(&self) -> String {
        self.path.render()
    }

    pub fn path_ref(&self) -> &'a Path<'a> {
        self.path
    }

    /// An error about this value: "`$.a.b`: expected a number".
    pub fn error(&self, file: &str, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::error("data", format!("{}: {message}", self.path()))
            .file(file)
            .help("the feed does not follow its format here; download it again with `blason sync`, or tell its producer")
    }
}

/// What a JSON value is, for messages ("a number", "an array").
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Calls `f` with the child `key` of `node` and its path, when present.
pub fn with_key<'a, R>(node: Node<'a>, key: &'a str, f: impl FnOnce(Node<'_>) -> R) -> Option<R> {
    let v = node.value.get(key)?;
    let path = Path::Key(node.path, key);
    Some(f(Node::at(v, &path)))
}

/// Calls `f` on each element of `node` (an array; a single value counts as
/// an array of one, as JSON-LD writes lists of one), with its path.
pub fn each<'a>(node: Node<'a>, mut f: impl FnMut(Node<'_>)) {
    match node.value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let path = Path::Index(node.path, i);
                f(Node::at(v, &path));
            }
        }
        Value::Null => {}
        _ => f(node),
    }
}

/// The number at `node` (a JSON number, or text holding one, as feeds
/// write them); an error naming the path otherwise.
pub fn number(node: Node<'_>, file: &str) -> Result<f64, Diagnostic> {
    let n = match node.value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
        Value::Array(a) if a.len() == 1 => {
            return each_first(node, |n| number(n, file));
        }
        _ => None,
    };
    n.filter(|x| x.is_finite()).ok_or_else(|| {
        node.error(
            file,
            format!("expected a number, found {}", describe(node.value)),
        )
    })
}

fn each_first<R>(
    node: Node<'_>,
    f: impl FnOnce(Node<'_>) -> Result<R, Diagnostic>,
) -> Result<R, Diagnostic> {
    let path = Path::Index(node.path, 0);
    f(Node::at(&node.value[0], &path))
}

/// A value as a message shows it: its kind, and a short quote of text.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("the text {short:?}")
        }
        Value::Number(n) => format!("the number {n}"),
        other => kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_json_path() {
        let v: Value =
            serde_json::from_str(r#"{"isLocatedAt":[{"schema:geo":{"schema:latitude":"nord"}}]}"#)
                .unwrap();
        let root = Node::root(&v);
        let mut found = None;
        with_key(root, "isLocatedAt", |n| {
            each(n, |place| {
                with_key(place, "schema:geo", |geo| {
                    with_key(geo, "schema:latitude", |lat| {
                        found = Some(number(lat, "data/x.json"));
                    });
                });
            });
        });
        let err = found.unwrap().unwrap_err();
        assert!(
            err.message
                .contains("$.isLocatedAt[0].schema:geo.schema:latitude: expected a number"),
            "{}",
            err.message
        );
        assert_eq!(err.file.as_deref(), Some("data/x.json"));
    }

    #[test]
    fn numbers_written_as_text_are_read() {
        let v: Value = serde_json::from_str(r#"["47,616", 1.5, ["3"]]"#).unwrap();
        let mut got = Vec::new();
        each(Node::root(&v), |n| got.push(number(n, "f").unwrap()));
        assert_eq!(got, vec![47.616, 1.5, 3.0]);
    }

    #[test]
    fn a_truncated_file_names_line_and_column() {
        let err = parse(b"{\n  \"a\": [1, 2", "data/t.json").unwrap_err();
        assert!(err.message.contains("truncated"), "{}", err.message);
        assert_eq!(err.line, Some(2));
    }
}
