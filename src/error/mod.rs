//! Errors and diagnostics: what went wrong, in which file, where, and how to fix it.
//!
//! Every problem blason reports is a [`Diagnostic`]: a stable `code`, the file
//! (relative to the site root), the line and column where there is one, a
//! message in plain words and, where known, a `help` saying what to do. A
//! failed build is an [`Error`] holding one or more error diagnostics, so that
//! a web editor sees every broken file at once rather than one per run.
//! This module knows nothing of the build; it only describes problems.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

mod toml_errors;
pub use toml_errors::toml_diagnostic;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable identifier of the kind of problem (`broken-link`, `front-matter`...).
    pub code: &'static str,
    /// The file, relative to the site root, with `/` separators.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
    /// The underlying causes, outermost first (an I/O error, a parser's message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
            causes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// The same diagnostic under another code.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Names `file` as where the problem is, unless the diagnostic already
    /// names another file (a gallery.toml, a template): then `file` is where
    /// it was used from, added as a cause.
    pub fn in_file(self, file: impl Into<String>) -> Self {
        let file = file.into();
        match &self.file {
            None => self.file(file),
            Some(f) if *f == file => self,
            Some(_) => self.cause(format!("used in {file}")),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// Adds the whole source chain of an error as causes.
    pub fn cause_chain(mut self, err: &(dyn std::error::Error + 'static)) -> Self {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = current {
            let text = e.to_string();
            if self.causes.last() != Some(&text) {
                self.causes.push(text);
            }
            current = e.source();
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// An I/O failure on a path.
    pub fn io(path: &Path, root: &Path, what: &str, err: &std::io::Error) -> Self {
        Diagnostic::error("io", format!("could not {what}"))
            .file(display_path(path, root))
            .cause(err)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}[{}]: ", self.code)?;
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        for cause in &self.causes {
            for (i, l) in cause.lines().enumerate() {
                if i == 0 {
                    write!(f, "\n  caused by: {l}")?;
                } else {
                    write!(f, "\n    {l}")?;
                }
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A failed command: the site has errors, or the command line was wrong.
#[derive(Debug)]
pub enum Error {
    /// The site has one or more errors (content, template, image, configuration).
    Site(Vec<Diagnostic>),
    /// The command was used wrongly (exit code 2).
    Usage(String),
}

impl Error {
    pub fn one(d: Diagnostic) -> Self {
        Error::Site(vec![d])
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Site(d) => d,
            Error::Usage(_) => &[],
        }
    }

    /// Every problem as a diagnostic (a usage error becomes one, code `usage`).
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            Error::Site(d) => d,
            Error::Usage(m) => vec![Diagnostic::error("usage", m)],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg) => write!(f, "{msg}"),
            Error::Site(diags) => {
                for (i, d) in diags.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::one(d)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// `value` when no error was gathered, else all of them.
    pub fn or_value<T>(errors: Vec<Diagnostic>, value: T) -> Result<T> {
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(Error::Site(errors))
        }
    }
}

/// A path as shown to users: relative to the site root when inside it, with `/`.
pub fn display_path(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".to_string() } else { s }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Where each line of a text starts, to turn many offsets into lines and
/// columns without reading the text from its start each time. Offsets asked
/// in increasing order on one long line are counted from the last one (a
/// pasted paragraph of 100,000 links is one line).
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last offset asked: (offset, its line, its column).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }

    /// Line and column (from 1, in characters) of `offset` in `text`, the
    /// text this index was made from: the same as [`line_col`].
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let (last_offset, last_line, last_col) = self.last.get();
        let column = if last_line == line && last_offset <= offset {
            last_col + text[last_offset..offset].chars().count()
        } else {
            text[self.starts[line - 1]..offset].chars().count() + 1
        };
        self.last.set((offset, line, column));
        (line, column)
    }
}

/// The nearest of `candidates` to `word`, if it is close enough to be a typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
        if score > 0.75 && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

/// Turns a Tera error (a page or card template's) into diagnostics naming the template file, line and column.
/// Checks done when templates are loaded (unknown functions, filters) come as
/// one message holding several reports; each becomes a diagnostic.
pub fn template_errors(
    e: &tera::Error,
    sources: &HashMap<String, String>,
    for_file: Option<&str>,
    functions: &str,
) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(text) = e.kind() {
        let reports = parse_reports(text, sources, functions);
        if !reports.is_empty() {
            return reports;
        }
    }
    vec![single_template_error(e, sources, for_file)]
}

/// A render error as one diagnostic: the first report, the others as causes.
pub fn template_error(
    e: &tera::Error,
    sources: &HashMap<String, String>,
    for_file: Option<&str>,
    functions: &str,
) -> Diagnostic {
    let mut all = template_errors(e, sources, for_file, functions);
    let first = all.remove(0);
    all.into_iter().fold(first, |d, other| d.cause(other))
}

/// Parses Tera's text reports: `error: MESSAGE` then ` --> NAME:LINE:COL`.
fn parse_reports(
    text: &str,
    sources: &HashMap<String, String>,
    functions: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(loc)) = (message, line.trim_start().strip_prefix("--> ")) {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.trim().parse::<usize>().ok());
            let line_no = parts.next().and_then(|l| l.trim().parse::<usize>().ok());
            let name = parts.next().unwrap_or("");
            let file = sources
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string());
            let mut d = Diagnostic::error("template", format!("template error: {m}")).file(file);
            if let (Some(l), Some(c)) = (line_no, col) {
                d = d.at(l, c);
            }
            if m.starts_with("Unknown function") || m.starts_with("Unknown filter") {
                d = d.help(format!(
                    "check the spelling; blason adds {functions} to Tera's own"
                ));
            }
            out.push(d);
            message = None;
        }
    }
    out
}

fn single_template_error(
    e: &tera::Error,
    sources: &HashMap<String, String>,
    for_file: Option<&str>,
) -> Diagnostic {
    let display = |name: &str| {
        sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let mut d = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "syntax error"
            } else {
                "error"
            };
            Diagnostic::error("template", format!("template {kind}: {}", r.message()))
                .file(display(r.filename()))
                .at(span.start_line, span.start_col + 1)
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            "template",
            format!("the template extends `{parent}`, which does not exist"),
        )
        .file(display(current)),
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. } => {
            Diagnostic::error("template", e.to_string()).file(display(tpl))
        }
        _ => {
            let d = Diagnostic::error("template", e.to_string());
            match for_file {
                Some(f) => d.file(f),
                None => d,
            }
        }
    };
    if let Some(f) = for_file {
        d = d.cause(format!("while rendering {f}"));
    }
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        d = d.cause(s);
        src = s.source();
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        assert_eq!(line_col("abc", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 3), (2, 1));
        assert_eq!(line_col("é\nxé=", 6), (2, 3));
    }

    proptest::proptest! {
        #[test]
        fn a_line_index_gives_what_reading_from_the_start_gives(
            text in "[a-zé\n]{0,60}",
            offsets in proptest::collection::vec(0usize..70, 1..10),
        ) {
            let index = LineIndex::new(&text);
            for o in offsets {
                proptest::prop_assert_eq!(index.line_col(&text, o), line_col(&text, o));
            }
        }
    }

    #[test]
    fn suggest_finds_typos_and_ignores_unrelated_words() {
        assert_eq!(
            suggest("colour", ["colors", "name", "logo"]),
            Some("colors")
        );
        assert_eq!(suggest("titel", ["title", "date"]), Some("title"));
        assert_eq!(suggest("zzzz", ["title", "date"]), None);
    }

    #[test]
    fn display_shows_file_line_column_causes_and_help() {
        let d = Diagnostic::error("front-matter", "bad")
            .file("content/a.md")
            .at(3, 7)
            .cause("inner")
            .help("do this");
        assert_eq!(
            d.to_string(),
            "error[front-matter]: content/a.md:3:7: bad\n  caused by: inner\n  help: do this"
        );
    }
}
