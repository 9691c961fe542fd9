//! The photos and tracks the feeds' objects reference, downloaded into
//! each feed's `media` folder under the name the build looks for
//! (`content::data::media_name`).
//!
//! Each address is asked once, whatever the number of objects or feeds
//! using it; a file already there is not asked again (names are hashes of
//! the address, so a file there is that address's). A download goes to
//! `.blason-sync-NAME.part` beside the final name and is renamed only once
//! whole and checked: a photo must start like a JPEG, PNG or WebP file (an
//! HTML error page served with 200 is refused), a track like XML or JSON.
//! A few threads download at once; the results keep the order of the
//! list, so reports are the same from run to run.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::http::{self, Client, Failed, Failure};
use crate::config::DataSource;
use crate::content::data::{Object, media_name};
use crate::pipeline::Progress;

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Track,
}

/// One file the feeds need.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub url: String,
    /// The feed's `media` folder, relative to the site.
    pub folder: PathBuf,
    pub name: String,
    pub kind: MediaKind,
    /// The first feed and object that use it (for messages).
    pub feed: String,
    pub object: String,
}

/// What became of one wanted file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It was there already.
    Present,
    Downloaded(u64),
    Failed(Failed),
}

/// Every photo and track of `feeds`' objects, each (folder, name) once, in
/// the order of the feeds and their objects.
pub fn wanted<'a>(feeds: impl IntoIterator<Item = (&'a DataSource, &'a [Object])>) -> Vec<Wanted> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (source, objects) in feeds {
        for o in objects {
            let images = o.images.iter().map(|i| (i.url.as_str(), MediaKind::Image));
            let track = o
                .tour
                .as_ref()
                .and_then(|t| t.track_url.as_deref())
                .map(|u| (u, MediaKind::Track));
            for (url, kind) in images.chain(track) {
                let url = url.trim();
                if url.is_empty() {
                    continue;
                }
                let name = media_name(url);
                if seen.insert((source.media.clone(), name.clone())) {
                    out.push(Wanted {
                        url: url.to_string(),
                        folder: source.media.clone(),
                        name,
                        kind,
                        feed: source.name.clone(),
                        object: o.id.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Whether `head` (a file's first bytes) is what `kind` needs; if not, what
/// it looks like.
pub fn check(kind: MediaKind, head: &[u8]) -> Result<(), String> {
    let trimmed = {
        let t = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let start = t
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(t.len());
        &t[start..]
    };
    let lower: Vec<u8> = trimmed
        .iter()
        .take(16)
        .map(u8::to_ascii_lowercase)
        .collect();
    let html = lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<head")
        || lower.starts_with(b"<body");
    let is_image = head.starts_with(b"\xFF\xD8\xFF")
        || head.starts_with(b"\x89PNG\r\n\x1a\n")
        || (head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP");
    let ok = match kind {
        MediaKind::Image => is_image,
        MediaKind::Track => !html && matches!(trimmed.first(), Some(b'<' | b'{')),
    };
    if ok {
        return Ok(());
    }
    let wanted = match kind {
        MediaKind::Image => "a JPEG, PNG or WebP image",
        MediaKind::Track => "a track (GPX, KML or GeoJSON)",
    };
    let what = if head.is_empty() {
        "nothing (an empty file)"
    } else if html {
        "an HTML page (an error page?)"
    } else if head.starts_with(b"GIF8") {
        "a GIF image"
    } else if lower.starts_with(b"<svg") || lower.starts_with(b"<?xml") {
        "XML or SVG"
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        "an AVIF or HEIF image"
    } else if matches!(trimmed.first(), Some(b'{' | b'[')) {
        "JSON"
    } else {
        "something else"
    };
    Err(format!("the server sent {what}, not {wanted}"))
}

/// Downloads what is missing, `jobs` at a time; one outcome per wanted
/// file, in order.
pub fn fetch(
    root: &Path,
    wanted: &[Wanted],
    client: &Client,
    jobs: usize,
    progress: &dyn Progress,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = wanted
        .iter()
        .map(|w| {
            root.join(&w.folder)
                .join(&w.name)
                .is_file()
                .then_some(Outcome::Present)
        })
        .collect();
    let todo: Vec<usize> = (0..wanted.len())
        .filter(|&i| outcomes[i].is_none())
        .collect();
    if !todo.is_empty() {
        progress.stage("images", todo.len() as u64);
        let next = AtomicUsize::new(0);
        let done: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::with_capacity(todo.len()));
        std::thread::scope(|s| {
            for _ in 0..jobs.clamp(1, todo.len()) {
                s.spawn(|| {
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = todo.get(k) else { break };
                        let outcome = download_one(root, &wanted[i], client);
                        done.lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((i, outcome));
                        progress.advance(1);
                    }
                });
            }
        });
        for (i, o) in done.into_inner().unwrap_or_else(|p| p.into_inner()) {
            outcomes[i] = Some(o);
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Present))
        .collect()
}

/// The temporary name of a download of `name`.
fn part_of(name: &str) -> String {
    format!(".blason-sync-{name}.part")
}

fn download_one(root: &Path, w: &Wanted, client: &Client) -> Outcome {
    let folder = root.join(&w.folder);
    let local = |e: std::io::Error, what: &str| {
        Outcome::Failed(Failed {
            failure: Failure::Local(format!("could not {what} in {}: {e}", w.folder.display())),
            attempts: 0,
        })
    };
    if let Err(e) = std::fs::create_dir_all(&folder) {
        return local(e, "create the folder");
    }
    let part = folder.join(part_of(&w.name));
    let fetched = match client.download(&w.url, &part, http::MEDIA, &|_, _| {}) {
        Ok(f) => f,
        Err(failed) => return Outcome::Failed(failed),
    };
    let mut head = [0u8; 32];
    let n = std::fs::File::open(&part)
        .and_then(|mut f| {
            use std::io::Read;
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .unwrap_or(0);
    if let Err(why) = check(w.kind, &head[..n]) {
        let _ = std::fs::remove_file(&part);
        return Outcome::Failed(Failed {
            failure: Failure::Refused(why),
            attempts: 1,
        });
    }
    if let Err(e) = std::fs::rename(&part, folder.join(&w.name)) {
        let _ = std::fs::remove_file(&part);
        return local(e, "put the file in place");
    }
    Outcome::Downloaded(fetched.bytes)
}

/// Whether a file name is one sync gives (a hash and an extension): only
/// those are ever pruned, so a `media` folder shared with other files
/// keeps them.
pub fn is_media_name(name: &str) -> bool {
    let Some((hash, ext)) = name.split_once('.') else {
        return false;
    };
    hash.len() == 20
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && matches!(
            ext,
            "jpg" | "jpeg" | "png" | "webp" | "gpx" | "kml" | "geojson"
        )
}

/// Removes the `.part` files a killed sync left in `folders`.
pub fn tidy(root: &Path, folders: &BTreeSet<PathBuf>) {
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(".blason-sync-") && name.ends_with(".part") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The files sync made in `folder` that no wanted file is, sorted.
pub fn unreferenced(root: &Path, folder: &Path, wanted: &[Wanted]) -> Vec<String> {
    let used: HashSet<&str> = wanted
        .iter()
        .filter(|w| w.folder == folder)
        .map(|w| w.name.as_str())
        .collect();
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| is_media_name(n) && !used.contains(n.as_str()))
        .collect();
    out.sort();
    out
}

/// Counts of one feed's files, for its summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MediaCounts {
    pub images: usize,
    pub tracks: usize,
    pub downloaded: usize,
    pub failed: usize,
}

/// Counts per feed name: every file the feed's objects use (shared ones
/// count in each feed using them).
pub fn counts_per_feed<'a>(
    feeds: impl IntoIterator<Item = (&'a DataSource, &'a [Object])>,
    wanted: &[Wanted],
    outcomes: &[Outcome],
) -> BTreeMap<String, MediaCounts> {
    let index: std::collections::HashMap<(&Path, &str), usize> = wanted
        .iter()
        .enumerate()
        .map(|(i, w)| ((w.folder.as_path(), w.name.as_str()), i))
        .collect();
    let mut out = BTreeMap::new();
    for (source, objects) in feeds {
        let mine: BTreeSet<usize> = wanted_of(source, objects)
            .filter_map(|name| index.get(&(source.media.as_path(), name.as_str())).copied())
            .collect();
        let mut c = MediaCounts::default();
        for i in mine {
            match wanted[i].kind {
                MediaKind::Image => c.images += 1,
                MediaKind::Track => c.tracks += 1,
            }
            match &outcomes[i] {
                Outcome::Present => {}
                Outcome::Downloaded(_) => c.downloaded += 1,
                Outcome::Failed(_) => c.failed += 1,
            }
        }
        out.insert(source.name.clone(), c);
    }
    out
}

fn wanted_of<'a>(
    source: &'a DataSource,
    objects: &'a [Object],
) -> impl Iterator<Item = String> + 'a {
    wanted([(source, objects)]).into_iter().map(|w| w.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::data::{Image, Tour};
    use crate::sync::testserver::{Reply, Server};

    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00rest of a photo";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

    fn source(media: &str) -> DataSource {
        let toml = format!(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[[data]]\nformat = \"openagenda\"\nname = \"agenda\"\npath = \"data/a.json\"\nmedia = \"{media}\"\n"
        );
        crate::config::Config::parse(&toml).unwrap().data.remove(0)
    }

    fn object(id: &str, urls: &[&str]) -> Object {
        Object {
            id: id.into(),
            images: urls
                .iter()
                .map(|u| Image {
                    url: u.to_string(),
                    ..Image::default()
                })
                .collect(),
            ..Object::default()
        }
    }

    #[test]
    fn each_address_is_wanted_once_in_the_order_of_the_objects() {
        let s = source("data/media");
        let mut walk = object("2", &["https://x.org/b.png"]);
        walk.tour = Some(Tour {
            track_url: Some("https://x.org/t.gpx".into()),
            ..Tour::default()
        });
        let objects = vec![
            object("1", &["https://x.org/a.jpg", " ", "https://x.org/b.png"]),
            walk,
        ];
        let w = wanted([(&s, objects.as_slice())]);
        let got: Vec<(&str, &str, MediaKind)> = w
            .iter()
            .map(|w| (w.url.as_str(), w.object.as_str(), w.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("https://x.org/a.jpg", "1", MediaKind::Image),
                ("https://x.org/b.png", "1", MediaKind::Image),
                ("https://x.org/t.gpx", "2", MediaKind::Track),
            ]
        );
        assert_eq!(w[0].name, media_name("https://x.org/a.jpg"));
        assert!(w.iter().all(|w| is_media_name(&w.name)), "{w:?}");
    }

    #[test]
    fn photos_and_tracks_are_checked_by_their_first_bytes() {
        assert!(check(MediaKind::Image, JPEG).is_ok());
        assert!(check(MediaKind::Image, PNG).is_ok());
        assert!(check(MediaKind::Image, b"RIFF\x10\x00\x00\x00WEBPVP8 ").is_ok());
        let e = check(MediaKind::Image, b"\n<!DOCTYPE html><html>").unwrap_err();
        assert_eq!(
            e,
            "the server sent an HTML page (an error page?), not a JPEG, PNG or WebP image"
        );
        assert!(
            check(MediaKind::Image, b"GIF89a")
                .unwrap_err()
                .contains("GIF")
        );
        assert!(check(MediaKind::Image, b"").unwrap_err().contains("empty"));
        assert!(check(MediaKind::Track, b"<?xml version=\"1.0\"?><gpx>").is_ok());
        assert!(check(MediaKind::Track, b"{\"type\":\"FeatureCollection\"}").is_ok());
        assert!(check(MediaKind::Track, b"<html><body>").is_err());
    }

    #[test]
    fn missing_files_are_downloaded_in_order_and_failures_leave_nothing() {
        let server = Server::start(|r| match r.path.as_str() {
            p if p.starts_with("/ok") => Reply::ok("image/jpeg", JPEG.to_vec()),
            "/html.jpg" => Reply::ok("text/html", b"<!DOCTYPE html><p>not found".to_vec()),
            _ => Reply::status(404),
        });
        let dir = tempfile::tempdir().unwrap();
        let s = source("media");
        let urls: Vec<String> = (0..12)
            .map(|i| server.url(&format!("/ok{i}.jpg")))
            .chain([server.url("/missing.jpg"), server.url("/html.jpg")])
            .collect();
        let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
        let objects = vec![object("1", &refs)];
        let w = wanted([(&s, objects.as_slice())]);
        let mut o = http::ClientOptions::new("t".into(), std::time::Duration::from_secs(2));
        o.backoff = std::time::Duration::from_millis(10);
        let client = Client::new(o);
        let outcomes = fetch(dir.path(), &w, &client, 4, &crate::pipeline::Quiet);
        assert_eq!(outcomes.len(), 14);
        assert!(
            outcomes[..12]
                .iter()
                .all(|o| *o == Outcome::Downloaded(JPEG.len() as u64))
        );
        let Outcome::Failed(f) = &outcomes[12] else {
            panic!("{outcomes:?}")
        };
        assert_eq!(f.failure.status(), Some(404));
        let Outcome::Failed(f) = &outcomes[13] else {
            panic!("{outcomes:?}")
        };
        assert!(f.to_string().contains("HTML page"), "{f}");
        let mut files: Vec<String> = std::fs::read_dir(dir.path().join("media"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        files.sort();
        let mut expected: Vec<String> = w[..12].iter().map(|w| w.name.clone()).collect();
        expected.sort();
        assert_eq!(files, expected, "no partial or refused file is left");

        // Again: nothing is asked.
        let asked = server.requests().len();
        let again = fetch(dir.path(), &w[..12], &client, 4, &crate::pipeline::Quiet);
        assert!(again.iter().all(|o| *o == Outcome::Present));
        assert_eq!(server.requests().len(), asked);
    }

    #[test]
    fn only_files_sync_made_are_unreferenced() {
        let dir = tempfile::tempdir().unwrap();
        let s = source("media");
        let objects = vec![object("1", &["https://x.org/keep.jpg"])];
        let w = wanted([(&s, objects.as_slice())]);
        std::fs::create_dir_all(dir.path().join("media")).unwrap();
        let old = media_name("https://x.org/old.jpg");
        for name in [w[0].name.as_str(), old.as_str(), "logo.png", "README.md"] {
            std::fs::write(dir.path().join("media").join(name), "x").unwrap();
        }
        assert_eq!(unreferenced(dir.path(), Path::new("media"), &w), [old]);
    }
}
