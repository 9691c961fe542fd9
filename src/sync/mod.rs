//! `blason sync`: the only command that uses the network. It downloads the
//! feeds of `[[data]]` that have a `url`, then every photo and track their
//! objects reference, into the site, so that `build` and `check` read only
//! the disk and give the same site from the same files.
//!
//! The order, for each run:
//!
//! 1. each feed with a `url` ([`feed::update`]): its previous data read
//!    (for the summary's new, changed and removed objects), the download
//!    put beside `path`, read with the feed's own reader, then swapped in;
//!    a feed that fails keeps its previous data;
//! 2. the feeds without a `url` read as they are;
//! 3. every photo and track of every object ([`media`]): those not yet in
//!    the feed's `media` folder downloaded, a few at a time;
//! 4. files of `media` that no object uses any more: listed, or removed
//!    with `--prune`;
//! 5. with `[maps] tiles`, the tiles the site's maps need that are not in
//!    the tile cache yet ([`tiles`]).
//!
//! Nothing is half-written: every file is downloaded under a temporary
//! name and renamed once whole and checked. A failure of one photo is
//! reported (address, status, object) after everything else was done. Two
//! syncs of one site take turns through a lock file in the cache folder.
//! This module prints nothing: the report says what happened and the
//! command line writes it.

pub mod feed;
pub mod http;
pub mod media;
#[cfg(test)]
mod testserver;
pub mod tiles;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::config::{Config, DataSource};
use crate::content::data::Object;
use crate::content::data::source::read_source;
use crate::error::{Diagnostic, Error, display_path};
use crate::pipeline::Progress;

pub use media::{MediaCounts, MediaKind};

/// What `blason sync` is asked to do.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub root: PathBuf,
    /// Connecting, and each read: a server silent for this long fails the
    /// attempt (default 30 s).
    pub timeout: Duration,
    /// Remove the files of `media` that no object uses any more.
    pub prune: bool,
    /// Downloads at once.
    pub jobs: usize,
}

impl SyncOptions {
    pub fn new(root: impl Into<PathBuf>) -> SyncOptions {
        SyncOptions {
            root: root.into(),
            timeout: Duration::from_secs(30),
            prune: false,
            jobs: 6,
        }
    }
}

/// What became of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedStatus {
    /// Downloaded, read and put in place.
    Updated,
    /// Not downloaded or refused: the previous data stays.
    Failed,
    /// No `url`: read from the site for its media.
    Local,
    /// No `url`, and what is in the site does not read.
    Unreadable,
}

/// One feed in the report.
#[derive(Debug, Clone, Serialize)]
pub struct FeedReport {
    pub name: String,
    pub url: Option<String>,
    /// Where the feed is, relative to the site.
    pub path: String,
    pub status: FeedStatus,
    /// Objects in the site after the sync (the previous ones when it failed).
    pub objects: usize,
    /// Ids of objects the feed did not have before, had but with other
    /// content, and no longer has (only for an updated feed).
    pub new: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    #[serde(flatten)]
    pub media: MediaCounts,
}

/// A file that could not be downloaded.
#[derive(Debug, Clone, Serialize)]
pub struct MediaFailure {
    pub url: String,
    pub kind: MediaKind,
    pub feed: String,
    /// The first object using it.
    pub object: String,
    /// The HTTP status, when the server answered with an error.
    pub status: Option<u16>,
    pub attempts: u32,
    pub message: String,
}

/// The media folders, all feeds together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MediaReport {
    /// Files the objects use (each address once per folder).
    pub referenced: usize,
    pub present: usize,
    pub downloaded: usize,
    pub failed: usize,
    pub bytes_downloaded: u64,
    /// Files no object uses any more, removed with `--prune`...
    pub pruned: Vec<String>,
    /// ... or left in place without it.
    pub unreferenced: Vec<String>,
    /// Folders not looked at for unused files, because a feed using them
    /// could not be read.
    pub not_pruned: Vec<String>,
}

/// What `blason sync` did (the JSON of `--json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub version: u32,
    pub feeds: Vec<FeedReport>,
    pub media: MediaReport,
    pub failures: Vec<MediaFailure>,
    /// Map tiles, with `[maps] tiles`.
    pub tiles: Option<tiles::TileReport>,
    /// Feeds that failed or do not read, with every error of their reader;
    /// map tiles that could not be downloaded.
    pub errors: Vec<Diagnostic>,
}

impl SyncReport {
    /// Whether everything was done: no feed failed, no file is missing.
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.failures.is_empty()
    }

    /// One line per feed, then one for unused files if there are any.
    pub fn summary(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.feeds.iter().map(feed_line).collect();
        let m = &self.media;
        if !m.pruned.is_empty() {
            lines.push(format!(
                "removed {} no object uses any more",
                files(m.pruned.len())
            ));
        }
        if !m.unreferenced.is_empty() {
            lines.push(format!(
                "{} no object uses any more {} left in place; blason sync --prune removes them",
                files(m.unreferenced.len()),
                if m.unreferenced.len() == 1 {
                    "is"
                } else {
                    "are"
                }
            ));
        }
        for folder in &m.not_pruned {
            lines.push(format!(
                "{folder} was not checked for unused files: a feed using it could not be read"
            ));
        }
        if let Some(t) = &self.tiles {
            lines.push(t.summary());
        }
        lines
    }
}

fn files(n: usize) -> String {
    format!("{} file{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// 1180 as "1,180".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn feed_line(f: &FeedReport) -> String {
    let objects = format!(
        "{} object{}",
        thousands(f.objects),
        if f.objects == 1 { "" } else { "s" }
    );
    let head = match f.status {
        FeedStatus::Updated => format!(
            "{objects}, {} new, {} changed, {} removed",
            thousands(f.new.len()),
            thousands(f.changed.len()),
            thousands(f.removed.len())
        ),
        FeedStatus::Failed if f.objects == 0 => format!("not updated, nothing in {} yet", f.path),
        FeedStatus::Failed => format!("not updated, the previous data kept ({objects})"),
        FeedStatus::Local => format!("{objects} (no url: read from {})", f.path),
        FeedStatus::Unreadable => format!("{} does not read", f.path),
    };
    let m = &f.media;
    let mut media = format!(
        "{} image{}",
        thousands(m.images),
        if m.images == 1 { "" } else { "s" }
    );
    if m.tracks > 0 {
        media.push_str(&format!(
            ", {} track{}",
            thousands(m.tracks),
            if m.tracks == 1 { "" } else { "s" }
        ));
    }
    format!(
        "{}: {head}; {media}, {} downloaded, {} failed",
        f.name,
        thousands(m.downloaded),
        thousands(m.failed)
    )
}

/// Objects new, changed and removed between two readings of a feed, by
/// id. "Changed" compares a hash of each object as blason reads it (every
/// field the pages use; not where in the file it was), so a change in a
/// field no page shows is not counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub new: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

fn fingerprint(o: &Object) -> blake3::Hash {
    let mut o = o.clone();
    o.file.clear();
    o.pointer.clear();
    blake3::hash(format!("{o:?}").as_bytes())
}

pub fn compare(before: &[Object], after: &[Object]) -> Changes {
    let old: BTreeMap<&str, blake3::Hash> = before
        .iter()
        .map(|o| (o.id.as_str(), fingerprint(o)))
        .collect();
    let new: BTreeMap<&str, blake3::Hash> = after
        .iter()
        .map(|o| (o.id.as_str(), fingerprint(o)))
        .collect();
    let mut c = Changes::default();
    for (id, hash) in &new {
        match old.get(id) {
            None => c.new.push(id.to_string()),
            Some(h) if h != hash => c.changed.push(id.to_string()),
            Some(_) => {}
        }
    }
    c.removed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    c
}

/// Runs `blason sync`. An `Err` means nothing was attempted (blason.toml
/// is wrong, another sync holds the site); failures of feeds and files are
/// in the report.
pub fn sync(opts: &SyncOptions, progress: &dyn Progress) -> Result<SyncReport, Error> {
    let root = opts.root.canonicalize().map_err(|e| {
        Error::one(Diagnostic::io(
            &opts.root,
            Path::new(""),
            "open the site folder",
            &e,
        ))
    })?;
    let root = root.as_path();
    let config = Config::load(root)?;
    let mut report = SyncReport {
        version: 1,
        ..SyncReport::default()
    };
    // An MBTiles file holds its tiles: nothing to download for maps.
    let remote_tiles = config.maps.tiles.as_ref().filter(|t| t.mbtiles().is_none());
    if config.data.is_empty() && remote_tiles.is_none() {
        return Ok(report);
    }
    let _lock = lock(root, &config)?;
    let folders: BTreeSet<PathBuf> = config.data.iter().map(|d| d.media.clone()).collect();
    media::tidy(root, &folders);
    let client = http::Client::new(http::ClientOptions::new(
        http::user_agent(&config.base_url),
        opts.timeout,
    ));

    // 1 and 2: the feeds, and the objects each has now.
    let mut read: Vec<(&DataSource, Option<Vec<Object>>)> = Vec::new();
    for source in &config.data {
        let rel = display_path(&root.join(&source.path), root);
        let previous = root
            .join(&source.path)
            .symlink_metadata()
            .is_ok()
            .then(|| read_source(root, source));
        let mut feed = FeedReport {
            name: source.name.clone(),
            url: source.url.clone(),
            path: rel,
            status: FeedStatus::Local,
            objects: 0,
            new: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            media: MediaCounts::default(),
        };
        let objects = match &source.url {
            Some(url) => {
                progress.note(&format!(
                    "downloading the feed `{}` from {url}",
                    source.name
                ));
                let before = previous.and_then(Result::ok);
                let result = match feed::overlaps(source, &config.data) {
                    Some(d) => Err(vec![d]),
                    None => feed::update(
                        root,
                        &config,
                        source,
                        url,
                        before.as_deref(),
                        &client,
                        progress,
                    ),
                };
                match result {
                    Ok(objects) => {
                        let c = compare(before.as_deref().unwrap_or(&[]), &objects);
                        feed.status = FeedStatus::Updated;
                        (feed.new, feed.changed, feed.removed) = (c.new, c.changed, c.removed);
                        Some(objects)
                    }
                    Err(errors) => {
                        feed.status = FeedStatus::Failed;
                        report.errors.extend(errors);
                        before
                    }
                }
            }
            None => match previous {
                Some(Ok(objects)) => Some(objects),
                Some(Err(errors)) => {
                    feed.status = FeedStatus::Unreadable;
                    report.errors.extend(errors);
                    None
                }
                None => {
                    feed.status = FeedStatus::Unreadable;
                    report.errors.push(
                        Diagnostic::error(
                            "missing-file",
                            format!("the feed `{}` is not in {}", source.name, feed.path),
                        )
                        .file("blason.toml")
                        .help("put the feed's files there, or give the [[data]] a `url` to download it from"),
                    );
                    None
                }
            },
        };
        feed.objects = objects.as_ref().map_or(0, Vec::len);
        report.feeds.push(feed);
        read.push((source, objects));
    }

    // 3: photos and tracks.
    let known = || {
        read.iter()
            .filter_map(|(s, o)| o.as_deref().map(|o| (*s, o)))
    };
    let wanted = media::wanted(known());
    let outcomes = media::fetch(root, &wanted, &client, opts.jobs, progress);
    let counts = media::counts_per_feed(known(), &wanted, &outcomes);
    for feed in &mut report.feeds {
        if let Some(c) = counts.get(&feed.name) {
            feed.media = c.clone();
        }
    }
    let m = &mut report.media;
    m.referenced = wanted.len();
    for (w, o) in wanted.iter().zip(&outcomes) {
        match o {
            media::Outcome::Present => m.present += 1,
            media::Outcome::Downloaded(bytes) => {
                m.downloaded += 1;
                m.bytes_downloaded += bytes;
            }
            media::Outcome::Failed(failed) => {
                m.failed += 1;
                report.failures.push(MediaFailure {
                    url: w.url.clone(),
                    kind: w.kind,
                    feed: w.feed.clone(),
                    object: w.object.clone(),
                    status: failed.failure.status(),
                    attempts: failed.attempts,
                    message: failed.to_string(),
                });
            }
        }
    }

    // 4: files no object uses, in folders whose every feed was read.
    for folder in &folders {
        let rel = display_path(&root.join(folder), root);
        let all_read = read
            .iter()
            .filter(|(s, _)| &s.media == folder)
            .all(|(_, o)| o.is_some());
        if !all_read {
            m.not_pruned.push(rel);
            continue;
        }
        for name in media::unreferenced(root, folder, &wanted) {
            let shown = format!("{rel}/{name}");
            if opts.prune {
                match std::fs::remove_file(root.join(folder).join(&name)) {
                    Ok(()) => m.pruned.push(shown),
                    Err(e) => report.errors.push(Diagnostic::io(
                        &root.join(folder).join(&name),
                        root,
                        "remove the unused file",
                        &e,
                    )),
                }
            } else {
                m.unreferenced.push(shown);
            }
        }
    }

    // 5: map tiles, once the feeds (which may make trail pages) are in place.
    if let Some(source) = remote_tiles {
        let (wanted, maps, errors) = tiles::wanted(root, &config);
        report.errors.extend(errors);
        let (mut t, errors) = tiles::fetch(root, &config, source, &wanted, &client, progress);
        t.maps = maps;
        report.errors.extend(errors);
        report.tiles = Some(t);
    }
    Ok(report)
}

/// Takes the site's sync lock (`CACHE/sync.lock`): a second sync of the
/// same site stops at once rather than downloading the same files.
fn lock(root: &Path, config: &Config) -> Result<std::fs::File, Error> {
    let dir = root.join(&config.images.cache_dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::one(Diagnostic::io(&dir, root, "create the cache folder", &e)))?;
    let path = dir.join("sync.lock");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::one(Diagnostic::io(&path, root, "create the sync lock", &e)))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            return Err(Error::one(
                Diagnostic::error(
                    "sync",
                    format!(
                        "another blason sync (process {}) is working on this site",
                        holder.trim()
                    ),
                )
                .file(display_path(&path, root))
                .help("wait for it to finish, then run blason sync again"),
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(Error::one(Diagnostic::io(
                &path,
                root,
                "lock the site for sync",
                &e,
            )));
        }
    }
    let _ = file.set_len(0);
    let _ = (&file).write_all(std::process::id().to_string().as_bytes());
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::data::Image;

    fn object(id: &str, name: &str) -> Object {
        let mut o = Object {
            id: id.into(),
            file: "data/a.json".into(),
            pointer: "$.events[0]".into(),
            ..Object::default()
        };
        o.name.insert("fr".into(), name.into());
        o
    }

    #[test]
    fn objects_are_new_changed_or_removed_by_id_and_content() {
        let before = vec![object("1", "Lac"), object("2", "Fort"), object("3", "Pont")];
        let mut moved = object("1", "Lac");
        moved.pointer = "$.events[7]".into();
        moved.file = "data/.blason-sync-a.json".into();
        let mut photo = object("2", "Fort");
        photo.images.push(Image {
            url: "https://x.org/fort.jpg".into(),
            ..Image::default()
        });
        let after = vec![moved, photo, object("4", "Gué")];
        let c = compare(&before, &after);
        assert_eq!(c.new, ["4"]);
        assert_eq!(
            c.changed,
            ["2"],
            "where an object sits in its file is no change"
        );
        assert_eq!(c.removed, ["3"]);
        assert_eq!(compare(&after, &after), Changes::default());
    }

    #[test]
    fn numbers_are_written_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(412), "412");
        assert_eq!(thousands(1180), "1,180");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn the_summary_says_what_each_feed_became() {
        let feed = FeedReport {
            name: "sit".into(),
            url: Some("https://x.org/flux.zip".into()),
            path: "data/sit".into(),
            status: FeedStatus::Updated,
            objects: 412,
            new: vec!["a".into(), "b".into(), "c".into()],
            changed: (0..7).map(|i| i.to_string()).collect(),
            removed: vec!["z".into()],
            media: MediaCounts {
                images: 1180,
                tracks: 0,
                downloaded: 12,
                failed: 2,
            },
        };
        assert_eq!(
            feed_line(&feed),
            "sit: 412 objects, 3 new, 7 changed, 1 removed; 1,180 images, 12 downloaded, 2 failed"
        );
        let failed = FeedReport {
            status: FeedStatus::Failed,
            media: MediaCounts {
                images: 1,
                tracks: 2,
                downloaded: 0,
                failed: 0,
            },
            ..feed
        };
        assert_eq!(
            feed_line(&failed),
            "sit: not updated, the previous data kept (412 objects); 1 image, 2 tracks, 0 downloaded, 0 failed"
        );
    }
}
