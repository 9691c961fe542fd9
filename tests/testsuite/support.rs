//! What the areas share: a fixture site copied to a temporary folder
//! ([`SiteTest`]), the real `blason` command run on it, and what it said and
//! wrote ([`Run`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::rc::Rc;
use std::sync::OnceLock;

/// 2026-07-01T00:00:00Z: "now" for every build of the tests.
pub const NOW: &str = "1782864000";

/// The overlay file of a fixture case: the fixture it starts from, then
/// `without PATH` lines (see tests/README.md).
const EXTENDS: &str = "extends.txt";

/// tests/fixtures/
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `blason` binary of this build, with the tests' clock and without
/// `RUST_BACKTRACE` (messages are compared as users see them).
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_blason"));
    cmd.env("SOURCE_DATE_EPOCH", NOW)
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Runs `blason ARGS` in `cwd` (the tests' own folder when `None`), for the
/// commands that need no site: `init`, a build in an empty folder.
pub fn blason(args: &[&str], cwd: Option<&Path>) -> Run {
    let mut cmd = command();
    cmd.args(args);
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    Run {
        output: cmd.output().unwrap(),
        out: None,
        _dir: None,
    }
}

/// A site to run `blason` on: a fixture copied into a temporary folder as
/// `site/`, built into `out/` beside it.
pub struct SiteTest {
    dir: Rc<tempfile::TempDir>,
    root: PathBuf,
    out: PathBuf,
    epoch: &'static str,
}

impl SiteTest {
    /// A fresh copy of `tests/fixtures/NAME/` (NAME is `area/case`), its
    /// `extends.txt` applied.
    pub fn from_fixture(name: &str) -> SiteTest {
        let dir = Rc::new(tempfile::tempdir().unwrap());
        let root = dir.path().join("site");
        materialize(name, &root);
        let out = dir.path().join("out");
        SiteTest {
            dir,
            root,
            out,
            epoch: NOW,
        }
    }

    /// The example site, built where it is (its image and card cache are
    /// kept between runs), into a temporary folder.
    pub fn example() -> SiteTest {
        let dir = Rc::new(tempfile::tempdir().unwrap());
        let out = dir.path().join("out");
        SiteTest {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example"),
            dir,
            out,
            epoch: NOW,
        }
    }

    /// A fresh copy of this site as it is now, cache included.
    pub fn copy(&self) -> SiteTest {
        let dir = Rc::new(tempfile::tempdir().unwrap());
        let root = dir.path().join("site");
        copy_dir(&self.root, &root);
        let out = dir.path().join("out");
        SiteTest {
            dir,
            root,
            out,
            epoch: self.epoch,
        }
    }

    /// Writes a file of the site: only for cases made by the test itself
    /// (fixture files say the rest).
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> SiteTest {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Builds into `out` instead of the site's own output folder.
    pub fn output(mut self, out: &Path) -> SiteTest {
        self.out = out.to_path_buf();
        self
    }

    /// Runs with another `SOURCE_DATE_EPOCH` than [`NOW`].
    pub fn source_date_epoch(mut self, epoch: &'static str) -> SiteTest {
        self.epoch = epoch;
        self
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where [`SiteTest::build`] writes.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The temporary folder holding `site/` and `out/`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `blason ARGS`, with the output folder of this site for [`Run::read`].
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = command();
        cmd.env("SOURCE_DATE_EPOCH", self.epoch).args(args);
        Run {
            output: cmd.output().unwrap(),
            out: Some(self.out.clone()),
            _dir: Some(self.dir.clone()),
        }
    }

    /// `blason build SITE -o OUT`.
    pub fn build(&self) -> Run {
        self.build_with(&[])
    }

    /// `blason build SITE -o OUT EXTRA...`.
    pub fn build_with(&self, extra: &[&str]) -> Run {
        let mut args = vec![
            "build",
            self.root.to_str().unwrap(),
            "-o",
            self.out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// A successful build with `--report`: the run and the report.
    pub fn build_with_report(&self) -> (Run, serde_json::Value) {
        let report = self.out.with_extension("json");
        let run = self
            .build_with(&["--report", report.to_str().unwrap()])
            .assert_success();
        let v = serde_json::from_str(&read(&report)).unwrap();
        (run, v)
    }

    /// `blason check SITE --format json`.
    pub fn check_json(&self) -> Run {
        self.run(&["check", self.root.to_str().unwrap(), "--format", "json"])
    }
}

/// What a run of `blason` said, and the output folder it was given.
pub struct Run {
    output: Output,
    out: Option<PathBuf>,
    /// The site's temporary folder, kept while its output is read.
    _dir: Option<Rc<tempfile::TempDir>>,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Exit code 0.
    pub fn assert_success(self) -> Run {
        assert!(self.output.status.success(), "{}", self.stderr());
        self
    }

    /// Exit code 1: the input is wrong.
    pub fn assert_failure(self) -> Run {
        assert_eq!(self.code(), Some(1), "{}{}", self.stdout(), self.stderr());
        self
    }

    /// Exit code 2: the command line is wrong.
    pub fn assert_usage_error(self) -> Run {
        assert_eq!(self.code(), Some(2), "{}", self.stderr());
        self
    }

    /// Standard output, parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", self.stdout()))
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        self.out
            .as_deref()
            .expect("this command has no output folder")
    }

    /// A file of the output, as text.
    pub fn read(&self, file: &str) -> String {
        read(&self.out().join(file))
    }

    /// A file of the output, parsed as HTML.
    pub fn html(&self, file: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(file))
    }

    /// Every file of the output with its bytes.
    pub fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(self.out())
    }
}

/// The example site, built once for the whole test run.
pub fn example() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = SiteTest::example().output(&dir.join("public"));
        site.build().assert_success();
        site.out().to_path_buf()
    })
}

/// Copies fixture NAME to `dst`: first the fixture its `extends.txt` names
/// (itself maybe an overlay) less its `without` paths, then its own files.
fn materialize(name: &str, dst: &Path) {
    let src = fixtures().join(name);
    assert!(src.is_dir(), "no fixture {}", src.display());
    if let Ok(overlay) = std::fs::read_to_string(src.join(EXTENDS)) {
        let mut lines = overlay
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let base = lines
            .next()
            .unwrap_or_else(|| panic!("{name}/{EXTENDS} is empty"));
        materialize(base, dst);
        for line in lines {
            let Some(path) = line.strip_prefix("without ") else {
                panic!("{name}/{EXTENDS}: `{line}` is neither a fixture nor `without PATH`");
            };
            let path = dst.join(path.trim());
            if path.is_dir() {
                std::fs::remove_dir_all(&path).unwrap();
            } else {
                std::fs::remove_file(&path)
                    .unwrap_or_else(|e| panic!("{name}: without {}: {e}", path.display()));
            }
        }
    }
    copy_dir(&src, dst);
    let _ = std::fs::remove_file(dst.join(EXTENDS));
}

/// The example's image and card cache, which [`example`] fills.
pub fn example_cache() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example/.blason-cache")
}

/// Makes `dst` a tree of hard links to `src`'s files (copies where links
/// cannot be made). For caches: blason writes a cache entry to a new file
/// and renames it, so a linked entry is never written through.
pub fn link_dir(src: &Path, dst: &Path) {
    each_file(src, dst, &|from, to| {
        if std::fs::hard_link(from, to).is_err() {
            std::fs::copy(from, to).unwrap();
        }
    });
}

fn copy_dir(src: &Path, dst: &Path) {
    each_file(src, dst, &|from, to| {
        std::fs::copy(from, to).unwrap();
    });
}

/// Makes `src`'s folders under `dst` and calls `put` for each file with
/// where it goes.
fn each_file(src: &Path, dst: &Path, put: &dyn Fn(&Path, &Path)) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            each_file(&e.path(), &to, put);
        } else {
            put(&e.path(), &to);
        }
    }
}

/// Every file under `dir` with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The elements of `doc` that `css` selects.
pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

/// An element's text as read: spaces collapsed, no-break spaces as plain
/// spaces, word joiners dropped.
pub fn read_text(e: &scraper::ElementRef<'_>) -> String {
    let raw: String = e.text().collect();
    raw.replace(['\u{a0}', '\u{202f}'], " ")
        .replace('\u{2060}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of each element `css` selects, as [`read_text`] reads it.
pub fn read_texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(read_text).collect()
}

/// Fails when a link or a source of `doc` would run code (`javascript:`,
/// `vbscript:`, a `data:` page), whatever its case and spaces.
pub fn assert_no_link_runs_code(doc: &scraper::Html) {
    for a in select(doc, "[href], [src], [action], [formaction]") {
        let v = a.value();
        for name in ["href", "src", "action", "formaction"] {
            let Some(url) = v.attr(name) else { continue };
            let url: String = url
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            assert!(
                !url.starts_with("javascript:")
                    && !url.starts_with("vbscript:")
                    && !url.starts_with("data:text/html"),
                "a link runs code: {name}=\"{url}\""
            );
        }
    }
}

/// The HTML of the elements `css` selects, one a line, in the page's order:
/// the fragment a snapshot shows.
pub fn fragment(doc: &scraper::Html, css: &str) -> String {
    let found = select(doc, css);
    assert!(!found.is_empty(), "nothing matches `{css}`");
    let html: Vec<String> = found.iter().map(|e| e.html()).collect();
    html.join("\n")
}
