//! The whole-output link audit of `check`: every address a generated file
//! gives that points inside the site (root-relative, relative, or absolute
//! with the site's base URL) must lead to a file the build wrote, and its
//! `#fragment` to an `id` of that page; the sitemap must list every
//! indexable page once, and nothing else.
//!
//! Linear in the output and light on memory: each file is read once, as it
//! is written ([`Audited`] wraps the output's [`Sink`]), into its links and
//! ids; the HTML itself is not kept. [`Ledger::findings`] resolves
//! everything at the end, with one diagnostic per broken target whatever
//! the number of pages that link to it. [`audit_folder`] does the same on
//! a built output folder.

mod scan;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use crate::error::Diagnostic;
use crate::output::{Sink, file_for};
use scan::{Found, Kind};

/// Where a link leads in the output: a file, and maybe a fragment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Target {
    /// The output file (`tourisme/lac/index.html`), percent-decoded.
    file: String,
    fragment: Option<String>,
}

/// The files that link to one target, and how the first wrote it.
struct Uses {
    shown: String,
    attr: &'static str,
    from: Vec<u32>,
}

/// What an HTML page offers.
struct PageFacts {
    ids: HashSet<Box<str>>,
    noindex: bool,
}

#[derive(Default)]
struct Book {
    /// Every file written.
    written: HashSet<Box<str>>,
    /// The files read, by number (links name their file by it).
    read: Vec<Box<str>>,
    pages: HashMap<Box<str>, PageFacts>,
    links: HashMap<Target, Uses>,
    /// The pages sitemaps list: (sitemap's number, page's output file).
    locs: Vec<(u32, String)>,
}

/// What the output's files link to and offer, gathered as they are
/// written (from several threads).
pub(crate) struct Ledger {
    base: String,
    book: Mutex<Book>,
}

impl Ledger {
    /// A ledger for a site whose base URL is `base`.
    pub fn new(base: &str) -> Ledger {
        Ledger {
            base: base.trim_end_matches('/').to_string(),
            book: Mutex::default(),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes the file `rel` of the output; reads it when it is a kind the
    /// audit reads (HTML, XML, iCalendar, text, a kit's zip).
    pub fn record(&self, rel: &str, bytes: &[u8]) {
        let rel = rel.trim_start_matches('/');
        let text = || match std::str::from_utf8(bytes) {
            Ok(t) => std::borrow::Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let found = match Kind::of(rel) {
            Some(kind) => Some(scan::scan(kind, &text(), &self.base)),
            None if rel.ends_with(".zip") => Some(zip_texts(bytes, &self.base)),
            None => None,
        };
        let Some(found) = found else {
            self.exists(rel);
            return;
        };
        let targets: Vec<(Target, scan::Link)> = found
            .links
            .into_iter()
            .filter_map(|l| Some((locate(&l.url, rel, &self.base)?, l)))
            .collect();
        let locs: Vec<String> = found
            .locs
            .iter()
            .filter_map(|l| locate(l, rel, &self.base))
            .map(|t| t.file)
            .collect();
        let mut book = self.book();
        let n = book.read.len() as u32;
        book.read.push(rel.into());
        book.written.insert(rel.into());
        if Kind::of(rel) == Some(Kind::Html) {
            let facts = PageFacts {
                ids: found.ids.into_iter().map(String::into_boxed_str).collect(),
                noindex: found.noindex,
            };
            book.pages.insert(rel.into(), facts);
        }
        for (target, link) in targets {
            let uses = book.links.entry(target).or_insert_with(|| Uses {
                shown: link.url,
                attr: link.attr,
                from: Vec::new(),
            });
            if uses.from.last() != Some(&n) {
                uses.from.push(n);
            }
        }
        book.locs.extend(locs.into_iter().map(|f| (n, f)));
    }

    /// Notes that the file `rel` was written (without reading it).
    pub fn exists(&self, rel: &str) {
        self.book()
            .written
            .insert(rel.trim_start_matches('/').into());
    }

    /// Every broken link and sitemap problem, one diagnostic per target.
    /// `sources` names the content file each output page is made from
    /// (`tourisme/lac/index.html` → `content/tourisme/lac.md`).
    pub fn findings(&self, sources: &HashMap<String, String>) -> Vec<Diagnostic> {
        let book = std::mem::take(&mut *self.book());
        let mut out = broken_links(&book, sources);
        out.extend(sitemap_problems(&book, sources));
        out
    }
}

/// The texts of a share kit's zip (`*.txt`), read for the site's addresses.
fn zip_texts(bytes: &[u8], base: &str) -> Found {
    let mut found = Found::default();
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return found;
    };
    for i in 0..zip.len() {
        let Ok(mut file) = zip.by_index(i) else {
            continue;
        };
        if !file.name().ends_with(".txt") {
            continue;
        }
        let mut text = String::new();
        if std::io::Read::read_to_string(&mut file, &mut text).is_ok() {
            found
                .links
                .extend(scan::scan(Kind::Text, &text, base).links);
        }
    }
    found
}

/// Where `url`, found in the output file `from`, leads in the output;
/// `None` for another site, another scheme or an empty link.
fn locate(url: &str, from: &str, base: &str) -> Option<Target> {
    let url = url.trim();
    let rest = if let Some(r) = strip_base(url, base) {
        if r.is_empty() { "/" } else { r }
    } else if url.starts_with("//") || has_scheme(url) || url.is_empty() {
        return None;
    } else {
        url
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    let plain = |p: &str| !(p.contains("/.") || p.contains('%') || p.contains("//"));
    let file = if path.is_empty() {
        from.to_string()
    } else if path.starts_with('/') && plain(path) {
        // Most links: root-relative, nothing to normalize or decode.
        file_for(path)
    } else {
        let absolute = if path.starts_with('/') {
            path.to_string()
        } else {
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
            format!("/{dir}/{path}")
        };
        let normal = normalize(&absolute);
        let decoded = crate::url::decode(&normal).unwrap_or(normal);
        file_for(&decoded)
    };
    let fragment = fragment.map(|f| crate::url::decode(f).unwrap_or_else(|| f.to_string()));
    Some(Target { file, fragment })
}

/// The rest of `url` after the site's base URL (scheme and host in any case).
fn strip_base<'a>(url: &'a str, base: &str) -> Option<&'a str> {
    if base.is_empty() || url.len() < base.len() || !url.is_char_boundary(base.len()) {
        return None;
    }
    let (head, rest) = url.split_at(base.len());
    let starts =
        head.eq_ignore_ascii_case(base) && (rest.is_empty() || rest.starts_with(['/', '?', '#']));
    starts.then_some(rest)
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `/a/./b/../c/` → `/a/c/` (never above the root).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "" if i + 1 < segments.len() => {}
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    if matches!(segments.last(), Some(&"." | &"..")) && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Whether `target` leads to something the output holds.
enum Resolution {
    Found,
    NoFile,
    NoAnchor,
}

fn resolve(book: &Book, target: &Target) -> Resolution {
    let file = target.file.as_str();
    let page = if book.written.contains(file) {
        Some(file.to_string())
    } else {
        // `/a` served as `/a/` by every static host.
        let folder = format!("{file}/index.html");
        if !book.written.contains(folder.as_str()) {
            return Resolution::NoFile;
        }
        Some(folder)
    };
    let (Some(fragment), Some(page)) = (&target.fragment, page) else {
        return Resolution::Found;
    };
    let Some(facts) = book.pages.get(page.as_str()) else {
        return Resolution::Found; // not a page the audit read
    };
    if fragment.is_empty()
        || fragment.eq_ignore_ascii_case("top")
        || facts.ids.contains(fragment.as_str())
    {
        Resolution::Found
    } else {
        Resolution::NoAnchor
    }
}

/// The source of an output file: its own, or that of the page it belongs
/// to (a photo page, a kit, a later page of a listing).
fn source_of<'a>(file: &str, sources: &'a HashMap<String, String>) -> Option<&'a str> {
    if let Some(s) = sources.get(file) {
        return Some(s);
    }
    let dir = file.strip_suffix("index.html")?;
    let parts: Vec<&str> = dir.trim_end_matches('/').split('/').collect();
    let owner = match parts.as_slice() {
        [head @ .., "kit"] => head.to_vec(),
        [head @ .., "photos" | "page", _] => head.to_vec(),
        _ => return None,
    };
    let mut key = owner.join("/");
    if !key.is_empty() {
        key.push('/');
    }
    key.push_str("index.html");
    sources.get(&key).map(String::as_str)
}

/// Names the output file where a problem shows, and the source it is
/// made from when known.
fn placed(d: Diagnostic, file: &str, sources: &HashMap<String, String>) -> Diagnostic {
    match source_of(file, sources) {
        Some(src) => d.file(src.to_string()),
        None => d,
    }
}

fn others(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " and 1 other file".into(),
        n => format!(" and {n} other files"),
    }
}

fn broken_links(book: &Book, sources: &HashMap<String, String>) -> Vec<Diagnostic> {
    let mut broken: BTreeMap<&Target, (&Uses, Resolution)> = BTreeMap::new();
    for (target, uses) in &book.links {
        match resolve(book, target) {
            Resolution::Found => {}
            r => {
                broken.insert(target, (uses, r));
            }
        }
    }
    broken
        .into_iter()
        .map(|(target, (uses, why))| {
            // The first file by name, of those made from a content file
            // when there are some (the message can then name the source).
            let first = uses
                .from
                .iter()
                .map(|&n| &*book.read[n as usize])
                .min_by_key(|f| (source_of(f, sources).is_none(), *f))
                .unwrap_or("");
            let where_ = format!("`{first}`{}", others(uses.from.len() - 1));
            let message = match why {
                Resolution::NoAnchor => format!(
                    "`{}` ({}, in the output's {where_}) points at `#{}`, but `{}` has no element with that id",
                    uses.shown,
                    uses.attr,
                    target.fragment.as_deref().unwrap_or(""),
                    target.file
                ),
                _ => format!(
                    "`{}` ({}, in the output's {where_}) leads to `{}`, a file the build did not write",
                    uses.shown, uses.attr, target.file
                ),
            };
            let d = Diagnostic::error("broken-output-link", message).help(
                "mend the link where it is written: in the page's markdown, a template of the site or theme, or the setting that makes it",
            );
            placed(d, first, sources)
        })
        .collect()
}

/// Sitemap entries listed twice or not indexable, and indexable pages no
/// sitemap lists. Nothing when the output has no sitemap.
fn sitemap_problems(book: &Book, sources: &HashMap<String, String>) -> Vec<Diagnostic> {
    if !book
        .read
        .iter()
        .any(|f| f.starts_with("sitemap") && f.ends_with(".xml"))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for (_, file) in &book.locs {
        // `/a` is the page `/a/` (as a static host serves it).
        let folder = format!("{file}/index.html");
        let page = match book.pages.contains_key(file.as_str()) {
            false if book.pages.contains_key(folder.as_str()) => folder,
            _ => file.clone(),
        };
        *listed.entry(page).or_default() += 1;
    }
    for (file, &n) in &listed {
        let file = file.as_str();
        let page = book.pages.get(file);
        if n > 1 {
            out.push(placed(
                Diagnostic::error(
                    "sitemap-duplicate",
                    format!("the sitemap lists `{file}` {n} times"),
                )
                .help(
                    "each page is listed once; two addresses of the sitemap lead to the same page",
                ),
                file,
                sources,
            ));
        }
        if page.is_some_and(|p| p.noindex) {
            out.push(placed(
                Diagnostic::error(
                    "sitemap-unindexable",
                    format!("the sitemap lists `{file}`, a page search engines are told to leave out (noindex or a redirect)"),
                ),
                file,
                sources,
            ));
        }
    }
    let mut missing: Vec<&str> = book
        .pages
        .iter()
        .filter(|(f, p)| !p.noindex && &***f != "404.html" && !listed.contains_key(&***f))
        .map(|(f, _)| &**f)
        .collect();
    missing.sort_unstable();
    if let Some(first) = missing.first() {
        let mut d = Diagnostic::error(
            "sitemap-missing-page",
            format!(
                "the sitemap does not list `{first}`{}, indexable pages of the output",
                others(missing.len() - 1)
            ),
        )
        .help("every page without noindex belongs in sitemap.xml once");
        for f in missing.iter().skip(1).take(9) {
            d = d.cause(format!("not listed either: `{f}`"));
        }
        out.push(placed(d, first, sources));
    }
    out
}

/// [`Sink`] that gives every file it writes to a [`Ledger`] before passing
/// it on.
pub(crate) struct Audited<'a> {
    inner: &'a dyn Sink,
    ledger: &'a Ledger,
}

impl<'a> Audited<'a> {
    pub fn new(inner: &'a dyn Sink, ledger: &'a Ledger) -> Audited<'a> {
        Audited { inner, ledger }
    }
}

impl Sink for Audited<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(rel, bytes)?;
        self.ledger.record(rel, bytes);
        Ok(())
    }
    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        self.inner.copy(rel, src)?;
        self.ledger.exists(rel);
        Ok(())
    }
    fn count(&self) -> u64 {
        self.inner.count()
    }
}

/// Audits a built output folder: every file is read once, one at a time.
pub fn audit_folder(out: &Path, base_url: &str) -> Result<Vec<Diagnostic>, Diagnostic> {
    let ledger = Ledger::new(base_url);
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry
            .map_err(|e| Diagnostic::error("io", "could not read the output folder").cause(e))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if Kind::of(&rel).is_some() || rel.ends_with(".zip") {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| Diagnostic::io(entry.path(), out, "read this output file", &e))?;
            ledger.record(&rel, &bytes);
        } else {
            ledger.exists(&rel);
        }
    }
    Ok(ledger.findings(&HashMap::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://x.example";

    fn target(file: &str, fragment: Option<&str>) -> Option<Target> {
        Some(Target {
            file: file.into(),
            fragment: fragment.map(String::from),
        })
    }

    #[test]
    fn links_are_located_in_the_output() {
        let from = "tourisme/lac/index.html";
        let at = |url: &str| locate(url, from, BASE);
        assert_eq!(at("/"), target("index.html", None));
        assert_eq!(at("/a/b/"), target("a/b/index.html", None));
        assert_eq!(
            at("https://x.example/a/?x=1#h"),
            target("a/index.html", Some("h"))
        );
        assert_eq!(at("HTTPS://X.EXAMPLE"), target("index.html", None));
        assert_eq!(at("https://x.example.org/a/"), None, "another host");
        assert_eq!(at("https://y.example/a/"), None);
        assert_eq!(at("//cdn.example/a.js"), None);
        assert_eq!(at("mailto:a@x.example"), None);
        assert_eq!(at("tel:+33100000000"), None);
        assert_eq!(at(""), None);
        assert_eq!(at("#plan"), target(from, Some("plan")));
        assert_eq!(at("photo.jpg"), target("tourisme/lac/photo.jpg", None));
        assert_eq!(at("../fete/"), target("tourisme/fete/index.html", None));
        assert_eq!(at("../../../../x.css"), target("x.css", None));
        assert_eq!(at("./"), target("tourisme/lac/index.html", None));
        assert_eq!(
            at("/f%C3%AAte/%C3%A9t%C3%A9.jpg#d%C3%A9but"),
            target("fête/été.jpg", Some("début"))
        );
        assert_eq!(at("/a%20b/"), target("a b/index.html", None));
        assert_eq!(locate("b.html", "a/x.html", BASE), target("a/b.html", None));
    }

    fn ledger(files: &[(&str, &str)]) -> Ledger {
        let l = Ledger::new(BASE);
        for (rel, text) in files {
            l.record(rel, text.as_bytes());
        }
        l
    }

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn files_and_anchors_resolve_or_are_named_once_per_target() {
        let l = ledger(&[
            (
                "index.html",
                r##"<a href="/a/">a</a><a href="/a/#plan">p</a><a href="/a/#nope">n</a><a href="/gone/">g</a><a href="#top">t</a><a href="/a">x</a>"##,
            ),
            (
                "a/index.html",
                r##"<h2 id="plan">Plan</h2><a href="/gone/">g</a><a href="/index.html#">i</a><img src="/i.jpg">"##,
            ),
            (
                "b/index.html",
                r##"<a href="https://x.example/gone/">g</a><a href="/doc.pdf#page=2">pdf</a>"##,
            ),
        ]);
        l.exists("i.jpg");
        l.exists("doc.pdf");
        let sources = HashMap::from([("a/index.html".to_string(), "content/a.md".to_string())]);
        let d = l.findings(&sources);
        assert_eq!(
            codes(&d),
            ["broken-output-link", "broken-output-link"],
            "{d:#?}"
        );
        assert!(
            d[0].message.contains("`/a/#nope`") && d[0].message.contains("no element"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].file, None, "index.html comes from no content file");
        assert!(d[1].message.contains("`/gone/`"), "{}", d[1].message);
        assert!(
            d[1].message.contains("`a/index.html` and 2 other files"),
            "the first file by name, and a count: {}",
            d[1].message
        );
        assert_eq!(d[1].file.as_deref(), Some("content/a.md"));
    }

    #[test]
    fn the_sitemap_lists_every_indexable_page_once_and_nothing_else() {
        let sitemap = "<urlset><url><loc>https://x.example/</loc></url><url><loc>https://x.example/a/</loc></url><url><loc>https://x.example/a/</loc><image:image><image:loc>https://x.example/original.jpg</image:loc></image:image></url><url><loc>https://x.example/old/</loc></url></urlset>";
        let l = ledger(&[
            ("sitemap.xml", sitemap),
            ("index.html", "<p>home</p>"),
            ("a/index.html", "<p>a</p>"),
            ("a/photos/b/index.html", "<p>photo</p>"),
            (
                "old/index.html",
                r##"<meta http-equiv="refresh" content="0; url=/a/">"##,
            ),
            (
                "a/kit/index.html",
                r##"<meta name="robots" content="noindex">"##,
            ),
            ("404.html", "<p>not found</p>"),
        ]);
        let sources = HashMap::from([("a/index.html".to_string(), "content/a.md".to_string())]);
        let d = l.findings(&sources);
        assert_eq!(
            codes(&d),
            [
                "broken-output-link",
                "sitemap-duplicate",
                "sitemap-unindexable",
                "sitemap-missing-page"
            ],
            "{d:#?}"
        );
        assert!(d[0].message.contains("original.jpg") && d[0].message.contains("image:loc"));
        assert_eq!(d[1].file.as_deref(), Some("content/a.md"));
        assert!(d[2].message.contains("old/index.html"));
        assert!(
            d[3].message.contains("a/photos/b/index.html"),
            "{}",
            d[3].message
        );
        assert_eq!(
            d[3].file.as_deref(),
            Some("content/a.md"),
            "a photo page belongs to its page"
        );
        // Without a sitemap, only links are checked.
        let l = ledger(&[("index.html", "<p>home</p>")]);
        assert!(l.findings(&HashMap::new()).is_empty());
    }

    #[test]
    fn calendars_feeds_and_kit_texts_are_audited() {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("texts.txt", stored).unwrap();
        std::io::Write::write_all(
            &mut zip,
            b"Venez : https://x.example/kit-gone/?utm_source=x",
        )
        .unwrap();
        let zip = zip.finish().unwrap().into_inner();
        let l = ledger(&[
            (
                "agenda.ics",
                "BEGIN:VEVENT\r\nURL:https://x.example/ics-gone/\r\nEND:VEVENT\r\n",
            ),
            (
                "atom.xml",
                r##"<feed><link href="https://x.example/feed-gone/"/></feed>"##,
            ),
            ("robots.txt", "Sitemap: https://x.example/sitemap.xml\n"),
        ]);
        l.record("a/kit/a-kit.zip", &zip);
        let d = l.findings(&HashMap::new());
        let all: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(d.len(), 4, "{all:#?}");
        for gone in ["feed-gone", "ics-gone", "kit-gone", "sitemap.xml"] {
            assert!(all.iter().any(|m| m.contains(gone)), "{gone}: {all:#?}");
        }
    }

    #[test]
    fn a_built_folder_is_audited_like_a_check() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            r##"<a href="/a/">a</a><a href="/b/">b</a><img src="/i.png">"##,
        )
        .unwrap();
        std::fs::write(dir.path().join("a/index.html"), "<p>a</p>").unwrap();
        std::fs::write(dir.path().join("i.png"), "png").unwrap();
        let d = audit_folder(dir.path(), BASE).unwrap();
        assert_eq!(codes(&d), ["broken-output-link"]);
        assert!(d[0].message.contains("`/b/`"));
    }

    #[test]
    fn paths_are_normalized_without_leaving_the_root() {
        assert_eq!(normalize("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalize("/../../x"), "/x");
        assert_eq!(normalize("/a//b"), "/a/b");
        assert_eq!(normalize("/a/.."), "/");
        assert_eq!(normalize("/a/b/.."), "/a/");
    }
}
