//! One feed downloaded into the site: to a temporary place beside its
//! `path`, checked by the feed's own reader, then swapped in.
//!
//! Where things are, for `path = "data/sit"`:
//!
//! - `data/.blason-sync-sit.part`: the download as it arrives;
//! - `data/.blason-sync-sit`: the new feed, ready (the download renamed,
//!   or the zip unpacked into it when `path` is a folder);
//! - `data/.blason-old-sit`: the previous folder, for the instant between
//!   two renames where `renameat2(RENAME_EXCHANGE)` is not available.
//!
//! A file is swapped in by one rename; a folder by exchanging the two
//! folders in one step (`output::exchange`), else by renaming the old one
//! aside first. A sync killed at any point leaves `path` as it was or
//! whole and new, never half of each: the next sync removes the leftovers
//! and, if it was killed between the two renames, puts the old folder back.
//! What does not read with the feed's reader, and a feed that comes back
//! empty when the previous one had objects, is refused and the previous
//! data stays.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::http::{self, Client, Failed};
use crate::config::{Config, DataSource};
use crate::content::data::source::{MAX_FILE, read_source};
use crate::content::data::{Object, renames};
use crate::error::{Diagnostic, display_path};
use crate::pipeline::Progress;

/// What the first bytes of a download are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Zip,
    Json,
    Html,
    Other,
}

/// Tells a zip from JSON from an HTML page by the first bytes.
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    match text.first() {
        Some(b'{' | b'[') => Sniffed::Json,
        Some(b'<') => Sniffed::Html,
        _ => Sniffed::Other,
    }
}

/// How a feed is kept in the site, from its `path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `….zip`: the zip as downloaded.
    Zip,
    /// `….json`: the JSON as downloaded.
    Json,
    /// Anything else: a folder; a zip is unpacked into it, a JSON file
    /// is put in it as `NAME.json`.
    Folder,
}

pub fn layout(path: &Path) -> Layout {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("zip") => Layout::Zip,
        Some("json" | "jsonld") => Layout::Json,
        _ => Layout::Folder,
    }
}

/// The places of one feed's download, beside its `path`.
#[derive(Debug, Clone)]
pub struct Places {
    pub target: PathBuf,
    pub part: PathBuf,
    pub staged: PathBuf,
    pub aside: PathBuf,
}

impl Places {
    pub fn new(root: &Path, source: &DataSource) -> Result<Places, Diagnostic> {
        let path = &source.path;
        let refuse = |why: &str| {
            Diagnostic::error(
                "sync",
                format!(
                    "[[data]] `{}`: path = \"{}\" {why}",
                    source.name,
                    path.display()
                ),
            )
            .file("blason.toml")
            .help("give the feed a place of its own, such as path = \"data/sit\"")
        };
        let first = path
            .components()
            .find_map(|c| match c {
                std::path::Component::Normal(n) => Some(n.to_string_lossy().to_string()),
                _ => None,
            })
            .ok_or_else(|| refuse("names no file or folder"))?;
        // `data/` is a source folder too, but the one feeds belong in.
        let in_sources = crate::paths::SOURCE_FOLDERS
            .iter()
            .any(|f| *f != "data" && *f == first);
        if in_sources || first == "blason.toml" {
            return Err(refuse(&format!(
                "is in `{first}`: blason sync replaces the whole path, so it may not be in a folder of the site's sources"
            )));
        }
        let target = crate::paths::inside_root(root, root, path).map_err(|why| refuse(&why))?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(refuse("names no file or folder"));
        };
        let name = name.to_string_lossy();
        Ok(Places {
            part: parent.join(format!(".blason-sync-{name}.part")),
            staged: parent.join(format!(".blason-sync-{name}")),
            aside: parent.join(format!(".blason-old-{name}")),
            target,
        })
    }

    /// Clears what a sync killed midway left: the old folder put back if
    /// it was between two renames, the temporary copies removed.
    pub fn tidy(&self) -> std::io::Result<()> {
        if !exists(&self.target) && exists(&self.aside) {
            std::fs::rename(&self.aside, &self.target)?;
        }
        for p in [&self.part, &self.staged, &self.aside] {
            remove_any(p)?;
        }
        Ok(())
    }
}

fn exists(p: &Path) -> bool {
    p.symlink_metadata().is_ok()
}

/// Removes a file or a folder; nothing there is fine.
pub fn remove_any(p: &Path) -> std::io::Result<()> {
    match p.symlink_metadata() {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Refuses a folder feed whose swap would take another feed's files or a
/// `media` folder with it (`path = "data"` with `media = "data/media"`).
pub fn overlaps(source: &DataSource, all: &[DataSource]) -> Option<Diagnostic> {
    if layout(&source.path) != Layout::Folder {
        return None;
    }
    let inside = |p: &Path| p != source.path && p.starts_with(&source.path);
    let what = all.iter().find_map(|d| {
        if inside(&d.media) || d.media == source.path {
            Some(format!("media = \"{}\"", d.media.display()))
        } else if d.name != source.name && inside(&d.path) {
            Some(format!("the path of the feed `{}`", d.name))
        } else {
            None
        }
    })?;
    Some(
        Diagnostic::error(
            "sync",
            format!(
                "[[data]] `{}`: path = \"{}\" holds {what}, and blason sync replaces that whole folder",
                source.name,
                source.path.display()
            ),
        )
        .file("blason.toml")
        .help("give the feed a folder of its own, such as path = \"data/sit\" beside media = \"data/media\""),
    )
}

/// Downloads the feed of `source` from `url`, checks it reads, swaps it in;
/// returns its objects. `before` is the objects of the data in place (a
/// new feed without any is then refused when it had some, and the objects
/// renamed since are written to [`renames::FILE`] before the swap, so a
/// page's old address is never forgotten). On error, `path` is as it was
/// and no temporary file is left.
pub fn update(
    root: &Path,
    config: &Config,
    source: &DataSource,
    url: &str,
    before: Option<&[Object]>,
    client: &Client,
    progress: &dyn Progress,
) -> Result<Vec<Object>, Vec<Diagnostic>> {
    let previous = before.map(<[Object]>::len);
    let places = Places::new(root, source).map_err(|d| vec![d])?;
    let rel = display_path(&places.target, root);
    let kept = match previous {
        Some(_) => format!("the previous data in {rel} was kept"),
        None => format!("nothing was written to {rel}"),
    };
    let fail = |message: String, help: String| {
        Diagnostic::error("sync-feed", message)
            .file("blason.toml")
            .help(format!("{kept}; {help}"))
    };
    let io = |what: &str, path: &Path, e: std::io::Error| {
        vec![Diagnostic::io(path, root, what, &e).help(kept.clone())]
    };
    places
        .tidy()
        .map_err(|e| io("clear the files of an interrupted sync", &places.target, e))?;
    if let Some(parent) = places.target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io("create the folder", parent, e))?;
    }

    let fetched = client
        .download(url, &places.part, http::FEED, &|len, n| {
            // Told once per attempt with no bytes yet: a bar of its own.
            if n == 0 {
                progress.stage("feed", len.unwrap_or(0));
            } else {
                progress.advance(n);
            }
        })
        .map_err(|failed: Failed| {
            vec![fail(
                format!(
                    "could not download the feed `{}` from {url}: {failed}",
                    source.name
                ),
                "check the address in blason.toml, or try again later".to_string(),
            )]
        })?;

    let result = stage_and_check(root, source, url, &places, &fetched, previous, &fail);
    let result = result.and_then(|objects| {
        remember_renames(root, config, source, before.unwrap_or(&[]), &objects, &kept)?;
        Ok(objects)
    });
    let objects = match result {
        Ok(objects) => objects,
        Err(e) => {
            let _ = remove_any(&places.part);
            let _ = remove_any(&places.staged);
            return Err(e);
        }
    };
    swap(&places, layout(&source.path)).map_err(|e| {
        let _ = remove_any(&places.staged);
        io("put the new feed in place", &places.target, e)
    })?;
    Ok(objects)
}

/// Adds the old addresses of the objects renamed between `before` and
/// `after` to the site's renames file.
fn remember_renames(
    root: &Path,
    config: &Config,
    source: &DataSource,
    before: &[Object],
    after: &[Object],
    kept: &str,
) -> Result<(), Vec<Diagnostic>> {
    let mut known = renames::read(root).map_err(|mut e| {
        e.iter_mut().for_each(|d| {
            d.help = Some(format!(
                "{kept}; fix {} (it keeps the old addresses of renamed pages), then run blason sync again",
                renames::FILE
            ))
        });
        e
    })?;
    if renames::record(&mut known, config, source, before, after) > 0 {
        renames::write(root, &known).map_err(|e| {
            vec![
                Diagnostic::io(&root.join(renames::FILE), root, "write the file", &e)
                    .help(kept.to_string()),
            ]
        })?;
    }
    Ok(())
}

fn stage_and_check(
    root: &Path,
    source: &DataSource,
    url: &str,
    places: &Places,
    fetched: &http::Fetched,
    previous: Option<usize>,
    fail: &dyn Fn(String, String) -> Diagnostic,
) -> Result<Vec<Object>, Vec<Diagnostic>> {
    let io =
        |what: &str, path: &Path, e: std::io::Error| vec![Diagnostic::io(path, root, what, &e)];
    let mut head = [0u8; 64];
    let n = std::fs::File::open(&places.part)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(|e| io("read the download", &places.part, e))?;
    let sniffed = sniff(&head[..n]);
    let served = match &fetched.content_type {
        Some(t) => format!(" (served as {t})"),
        None => String::new(),
    };
    let layout = layout(&source.path);
    let wrong = |what: &str, help: &str| {
        vec![fail(
            format!(
                "the address {url} of the feed `{}` answered with {what}{served}",
                source.name
            ),
            help.to_string(),
        )]
    };
    match (sniffed, layout) {
        (Sniffed::Html, _) => {
            return Err(wrong(
                "an HTML page, not the feed",
                "check the address in blason.toml: an expired key or a login page often answers this way",
            ));
        }
        (Sniffed::Other, _) if n == 0 => {
            return Err(wrong("nothing (an empty response)", "try again later"));
        }
        (Sniffed::Other, _) => {
            return Err(wrong(
                "something that is neither JSON nor a zip",
                "check the address in blason.toml",
            ));
        }
        (Sniffed::Json, Layout::Zip) => {
            return Err(wrong(
                "JSON, but its path ends in .zip",
                "change `path` to end in .json, or name a folder",
            ));
        }
        (Sniffed::Zip, Layout::Json) => {
            return Err(wrong(
                "a zip, but its path ends in .json",
                "change `path` to end in .zip, or name a folder to unpack it into",
            ));
        }
        (Sniffed::Zip, Layout::Folder) => {
            unpack(&places.part, &places.staged, root)?;
            let _ = std::fs::remove_file(&places.part);
        }
        (Sniffed::Json, Layout::Folder) => {
            std::fs::create_dir_all(&places.staged)
                .map_err(|e| io("create the folder", &places.staged, e))?;
            let inside = places.staged.join(format!("{}.json", source.name));
            std::fs::rename(&places.part, &inside)
                .map_err(|e| io("move the download", &inside, e))?;
        }
        (Sniffed::Zip, Layout::Zip) | (Sniffed::Json, Layout::Json) => {
            std::fs::rename(&places.part, &places.staged)
                .map_err(|e| io("move the download", &places.staged, e))?;
        }
    }

    let staged_rel = display_path(&places.staged, root);
    let target_rel = display_path(&places.target, root);
    let mut staged = source.clone();
    staged.path = places
        .staged
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| places.staged.clone());
    let objects = read_source(root, &staged).map_err(|errors| {
        let n = errors.len();
        let mut out = vec![fail(
            format!(
                "the feed `{}` downloaded from {url} does not read as {}: {n} error{} below",
                source.name,
                source.format.key(),
                if n == 1 { "" } else { "s" }
            ),
            "the errors name the downloaded copy's files as if it were in place".to_string(),
        )];
        out.extend(errors.into_iter().map(|mut d| {
            if let Some(f) = &d.file
                && let Some(rest) = f.strip_prefix(&staged_rel)
            {
                d.file = Some(format!("{target_rel}{rest}"));
            }
            d
        }));
        out
    })?;
    if objects.is_empty()
        && let Some(before) = previous
        && before > 0
    {
        return Err(vec![fail(
            format!(
                "the feed `{}` downloaded from {url} has no object, where the previous one had {before}",
                source.name
            ),
            format!(
                "if the feed is empty on purpose, remove {target_rel} and run blason sync again"
            ),
        )]);
    }
    Ok(objects)
}

fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Unpacks a zip into a new folder: members that would land outside it,
/// links and macOS' resource forks are left out; a member larger than a
/// feed's file may be is refused, so a zip bomb stops early.
pub fn unpack(zip: &Path, into: &Path, root: &Path) -> Result<u64, Vec<Diagnostic>> {
    let rel = display_path(zip, root);
    let bad =
        |what: String| {
            vec![Diagnostic::error("sync-feed", what).file(rel.clone()).help(
                "download the feed again; if it keeps failing, the server sends a broken zip",
            )]
        };
    let file = std::fs::File::open(zip)
        .map_err(|e| vec![Diagnostic::io(zip, root, "open the download", &e)])?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| bad(format!("this is not a readable zip archive: {e}")))?;
    std::fs::create_dir_all(into)
        .map_err(|e| vec![Diagnostic::io(into, root, "create the folder", &e)])?;
    let mut files = 0;
    for i in 0..archive.len() {
        let mut member = archive
            .by_index(i)
            .map_err(|e| bad(format!("cannot read member {i} of the zip: {e}")))?;
        if member.is_dir() || member.is_symlink() {
            continue;
        }
        let name = member.name().to_string();
        let Some(inside) = member.enclosed_name() else {
            return Err(bad(format!(
                "the member `{name}` would be written outside the feed's folder"
            )));
        };
        if inside.components().any(|c| c.as_os_str() == "__MACOSX") {
            continue;
        }
        let dest = into.join(&inside);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| vec![Diagnostic::io(parent, root, "create the folder", &e)])?;
        }
        let mut out = std::fs::File::create(&dest)
            .map_err(|e| vec![Diagnostic::io(&dest, root, "write the unpacked file", &e)])?;
        let n = std::io::copy(&mut (&mut member).take(MAX_FILE + 1), &mut out)
            .map_err(|e| bad(format!("cannot unpack `{name}`: {e}")))?;
        if n > MAX_FILE {
            return Err(bad(format!(
                "the member `{name}` is larger than the {} MB a feed's file may be",
                MAX_FILE / 1_000_000
            )));
        }
        files += 1;
    }
    Ok(files)
}

/// Puts `staged` where `target` is, in one step where the system allows.
fn swap(places: &Places, layout: Layout) -> std::io::Result<()> {
    let Places {
        target,
        staged,
        aside,
        ..
    } = places;
    if layout != Layout::Folder || !exists(target) {
        return std::fs::rename(staged, target);
    }
    match crate::output::exchange(staged, target) {
        // `staged` now holds the previous feed.
        Ok(()) => remove_any(staged),
        Err(e) if crate::output::exchange_unsupported(&e) => {
            std::fs::rename(target, aside)?;
            if let Err(e) = std::fs::rename(staged, target) {
                let _ = std::fs::rename(aside, target);
                return Err(e);
            }
            remove_any(aside)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str) -> DataSource {
        let toml = format!(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[[data]]\nformat = \"openagenda\"\nname = \"agenda\"\npath = \"{path}\"\n"
        );
        crate::config::Config::parse(&toml).unwrap().data.remove(0)
    }

    #[test]
    fn downloads_are_told_apart_by_their_first_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(sniff(b"PK\x05\x06"), Sniffed::Zip);
        assert_eq!(sniff(b"\xEF\xBB\xBF  \n{\"a\":1}"), Sniffed::Json);
        assert_eq!(sniff(b"[1]"), Sniffed::Json);
        assert_eq!(sniff(b"<!DOCTYPE html>"), Sniffed::Html);
        assert_eq!(sniff(b""), Sniffed::Other);
        assert_eq!(sniff(b"GIF89a"), Sniffed::Other);
    }

    #[test]
    fn the_path_says_whether_a_feed_is_a_file_or_a_folder() {
        assert_eq!(layout(Path::new("data/flux.ZIP")), Layout::Zip);
        assert_eq!(layout(Path::new("data/agenda.json")), Layout::Json);
        assert_eq!(layout(Path::new("data/sit")), Layout::Folder);
    }

    #[test]
    fn a_feed_may_not_replace_the_site_or_its_sources() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [".", "content", "static/sit", "blason.toml"] {
            let mut s = source("data/x");
            s.path = PathBuf::from(bad);
            assert!(Places::new(dir.path(), &s).is_err(), "{bad}");
        }
        let p = Places::new(dir.path(), &source("data/sit.zip")).unwrap();
        assert_eq!(p.staged, dir.path().join("data/.blason-sync-sit.zip"));
        assert_eq!(p.part, dir.path().join("data/.blason-sync-sit.zip.part"));
    }

    #[test]
    fn a_sync_killed_between_two_renames_gets_its_folder_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = Places::new(dir.path(), &source("data/sit")).unwrap();
        std::fs::create_dir_all(p.aside.join("objects")).unwrap();
        std::fs::write(p.aside.join("objects/a.json"), "{}").unwrap();
        std::fs::create_dir_all(&p.staged).unwrap();
        std::fs::write(&p.part, "half").unwrap();
        p.tidy().unwrap();
        assert_eq!(
            std::fs::read_to_string(p.target.join("objects/a.json")).unwrap(),
            "{}"
        );
        assert!(!p.aside.exists() && !p.staged.exists() && !p.part.exists());
        // With the folder in place, what is left aside is stale.
        std::fs::create_dir_all(&p.aside).unwrap();
        p.tidy().unwrap();
        assert!(p.target.join("objects/a.json").exists());
        assert!(!p.aside.exists());
    }

    #[test]
    fn a_folder_feed_may_not_hold_media_or_another_feed() {
        let mut whole = source("data");
        let sit = source("data/sit");
        assert!(
            overlaps(&whole, std::slice::from_ref(&whole)).is_some(),
            "data/media is inside data"
        );
        whole.media = PathBuf::from("media");
        let mut other = source("data/x.json");
        other.name = "other".into();
        other.media = PathBuf::from("media");
        assert!(overlaps(&whole, &[whole.clone(), other]).is_some());
        assert!(overlaps(&sit, std::slice::from_ref(&sit)).is_none());
        assert!(overlaps(&source("data/x.zip"), &[]).is_none());
    }

    #[test]
    fn folders_are_swapped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = Places::new(dir.path(), &source("data/sit")).unwrap();
        std::fs::create_dir_all(&p.target).unwrap();
        std::fs::write(p.target.join("old.json"), "old").unwrap();
        std::fs::create_dir_all(&p.staged).unwrap();
        std::fs::write(p.staged.join("new.json"), "new").unwrap();
        swap(&p, Layout::Folder).unwrap();
        assert!(p.target.join("new.json").exists());
        assert!(!p.target.join("old.json").exists());
        assert!(!p.staged.exists() && !p.aside.exists());
    }

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in members {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_is_unpacked_without_leaving_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("f.zip");
        std::fs::write(
            &zip,
            zip_of(&[
                ("index.json", b"{}"),
                ("objects/1/a.json", b"{\"a\":1}"),
                ("__MACOSX/objects/._a.json", b"junk"),
            ]),
        )
        .unwrap();
        let into = dir.path().join("out");
        assert_eq!(unpack(&zip, &into, dir.path()).unwrap(), 2);
        assert_eq!(
            std::fs::read(into.join("objects/1/a.json")).unwrap(),
            b"{\"a\":1}"
        );
        assert!(!into.join("__MACOSX").exists());

        std::fs::write(&zip, zip_of(&[("../evil.json", b"{}")])).unwrap();
        let e = unpack(&zip, &dir.path().join("out2"), dir.path()).unwrap_err();
        assert!(e[0].message.contains("outside"), "{e:?}");
        assert!(!dir.path().join("evil.json").exists());

        std::fs::write(&zip, b"PK\x03\x04 not really").unwrap();
        let e = unpack(&zip, &dir.path().join("out3"), dir.path()).unwrap_err();
        assert!(e[0].message.contains("not a readable zip"), "{e:?}");
    }
}
