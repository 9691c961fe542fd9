//! The map tiles of `[maps] tiles`, downloaded into the tile cache
//! (`CACHE/tiles/SOURCE/Z/X/Y`, `media::map::tile_path`) so that `build`
//! draws maps without the network.
//!
//! The site is loaded as a build loads it (drafts and expired pages too:
//! a few tiles more cost less than a build that lacks some), each map
//! (trails, places, listings) is framed by the same functions the build
//! uses (`render::map::site_maps`, `MapRequest::frame`), and every tile those
//! frames cover that is not in the cache yet is asked for, once, two at a
//! time (tile servers' usage policies, OpenStreetMap's among them, ask for
//! no more). A tile in the cache is never asked for again: the cache is
//! keyed by source and tile, and CI can keep it like the photos.
//!
//! A tile goes to `.Y.part` and is renamed once whole and checked to be a
//! PNG, JPEG or WebP image. A tile that cannot be downloaded is an error
//! naming its address, the HTTP status and the page whose map needs it.
//! After [`STOP_AFTER`] tiles failed in a row, the server is asked for no
//! more: one error counts the tiles left.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::http::{self, Client, Failed, Failure};
use super::media::{MediaKind, check};
use crate::config::{Config, TileSource};
use crate::content::{self, LoadOptions};
use crate::error::{Diagnostic, display_path};
use crate::geo::tiles::Tile;
use crate::media::map::{tile_cached, tile_path};
use crate::pipeline::Progress;
use crate::render::map::MapFor;

/// Downloads at once: what tile servers' usage policies allow.
const AT_ONCE: usize = 2;

/// Tiles failed in a row (each after its retries) before sync stops asking
/// the server: one that answers 500 or not at all to every tile would
/// otherwise be asked for each of a site's thousands of tiles, three times.
const STOP_AFTER: usize = 6;

/// A tile is small: 256×256 pixels.
const TILE: http::Want = http::Want {
    accept: "image/png, image/jpeg, image/webp;q=0.9, */*;q=0.5",
    limit: 4 << 20,
};

/// The tiles, all maps together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TileReport {
    /// Maps the site's pages show.
    pub maps: usize,
    /// Tiles they need (each once).
    pub wanted: usize,
    pub present: usize,
    pub downloaded: usize,
    pub failed: usize,
    /// Not asked for: the server had failed [`STOP_AFTER`] tiles in a row.
    pub not_asked: usize,
    pub bytes_downloaded: u64,
}

impl TileReport {
    pub fn summary(&self) -> String {
        let not_asked = match self.not_asked {
            0 => String::new(),
            n => format!(", {} not asked for", super::thousands(n)),
        };
        format!(
            "maps: {} map{}, {} tile{} ({} in the cache, {} downloaded, {} failed{not_asked})",
            super::thousands(self.maps),
            if self.maps == 1 { "" } else { "s" },
            super::thousands(self.wanted),
            if self.wanted == 1 { "" } else { "s" },
            super::thousands(self.present),
            super::thousands(self.downloaded),
            super::thousands(self.failed)
        )
    }
}

/// Every tile the site's maps need, each with the first page that needs
/// it; and how many maps there are. Errors are the content's (a page that
/// does not read): its map is left out.
pub fn wanted(root: &Path, config: &Config) -> (Vec<(Tile, String)>, usize, Vec<Diagnostic>) {
    let opts = LoadOptions {
        drafts: true,
        clock: crate::clock::Clock::new(jiff::Timestamp::MIN),
        keep_going: true,
    };
    let content = match content::load(root, config, opts, None) {
        Ok(c) => c,
        Err(e) => return (Vec::new(), 0, e.into_diagnostics()),
    };
    let mut tiles: BTreeMap<Tile, String> = BTreeMap::new();
    let mut maps = 0;
    for (f, req) in crate::render::map::site_maps(&content, config) {
        let Some(frame) = req.frame(config.maps.max_zoom) else {
            continue;
        };
        maps += 1;
        let file = match f {
            MapFor::Page(i) | MapFor::Card(i) => content.pages[i].file.rel.clone(),
            MapFor::Section(si) => content.sections[si].source_name(),
        };
        for placed in frame.tiles() {
            tiles.entry(placed.tile).or_insert_with(|| file.clone());
        }
    }
    (tiles.into_iter().collect(), maps, content.errors)
}

/// Downloads the tiles of `wanted` missing from the cache; returns the
/// counts and an error for each tile that could not be had.
pub fn fetch(
    root: &Path,
    config: &Config,
    source: &TileSource,
    wanted: &[(Tile, String)],
    client: &Client,
    progress: &dyn Progress,
) -> (TileReport, Vec<Diagnostic>) {
    let mut report = TileReport {
        wanted: wanted.len(),
        ..TileReport::default()
    };
    let path = |t: Tile| tile_path(root, &config.images.cache_dir, source, t);
    let todo: Vec<usize> = (0..wanted.len())
        .filter(|&i| !tile_cached(&path(wanted[i].0)))
        .collect();
    report.present = wanted.len() - todo.len();
    if todo.is_empty() {
        return (report, Vec::new());
    }
    progress.note(&format!(
        "downloading {} map tile{} from {}",
        super::thousands(todo.len()),
        if todo.len() == 1 { "" } else { "s" },
        crate::url::host(&source.template)
    ));
    progress.stage("tiles", todo.len() as u64);
    let next = AtomicUsize::new(0);
    // Tiles failed since the last one downloaded.
    let in_a_row = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Result<u64, Failed>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..AT_ONCE.min(todo.len()) {
            s.spawn(|| {
                while in_a_row.load(Ordering::Relaxed) < STOP_AFTER {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = todo.get(k) else { break };
                    let t = wanted[i].0;
                    let outcome = download(&source.url(t), &path(t), client);
                    if outcome.is_ok() {
                        in_a_row.store(0, Ordering::Relaxed);
                    } else {
                        in_a_row.fetch_add(1, Ordering::Relaxed);
                    }
                    done.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, outcome));
                    progress.advance(1);
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    report.not_asked = todo.len() - done.len();
    done.sort_by_key(|(i, _)| *i);
    let mut errors = Vec::new();
    for (i, outcome) in done {
        match outcome {
            Ok(bytes) => {
                report.downloaded += 1;
                report.bytes_downloaded += bytes;
            }
            Err(failed) => {
                report.failed += 1;
                let (t, page) = &wanted[i];
                errors.push(
                    Diagnostic::error(
                        "map-tile",
                        format!(
                            "the map tile {} could not be downloaded: {failed}",
                            source.url(*t)
                        ),
                    )
                    .file(page.clone())
                    .help(format!(
                        "the map of this page needs it; check [maps] tiles in blason.toml and that the server answers, then run blason sync again (tiles already in {} are kept)",
                        display_path(&root.join(&config.images.cache_dir).join("tiles"), root)
                    )),
                );
            }
        }
    }
    if report.not_asked > 0 {
        errors.push(
            Diagnostic::error(
                "map-tile",
                format!(
                    "{} more map tile{} from {} were not downloaded: the server failed {STOP_AFTER} tiles in a row, so sync stopped asking it",
                    super::thousands(report.not_asked),
                    if report.not_asked == 1 { "" } else { "s" },
                    crate::url::host(&source.template)
                ),
            )
            .help("once the server answers again (see the errors above), run blason sync again: the tiles downloaded are kept and only the missing ones are asked for"),
        );
    }
    (report, errors)
}

fn download(url: &str, dest: &Path, client: &Client) -> Result<u64, Failed> {
    let local = |e: std::io::Error| Failed {
        failure: Failure::Local(format!("could not write {}: {e}", dest.display())),
        attempts: 0,
    };
    let dir = dest.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::create_dir_all(&dir).map_err(local)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let part: PathBuf = dir.join(format!(".{name}.part"));
    let fetched = client.download(url, &part, TILE, &|_, _| {})?;
    let head = std::fs::read(&part).map_err(local)?;
    if let Err(why) = check(MediaKind::Image, &head[..head.len().min(32)]) {
        let _ = std::fs::remove_file(&part);
        return Err(Failed {
            failure: Failure::Refused(why),
            attempts: 1,
        });
    }
    std::fs::rename(&part, dest).map_err(|e| {
        let _ = std::fs::remove_file(&part);
        local(e)
    })?;
    Ok(fetched.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::testserver::{Reply, Server};
    use std::time::Duration;

    fn png() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(256, 256, image::Rgb([0, 200, 0]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn client() -> Client {
        let mut o = http::ClientOptions::new(
            http::user_agent("https://example.org/"),
            Duration::from_secs(2),
        );
        o.backoff = Duration::from_millis(10);
        Client::new(o)
    }

    /// Fetches `wanted` from `server` into `dir`'s cache.
    fn fetch_from(
        server: &Server,
        dir: &Path,
        wanted: &[(Tile, String)],
    ) -> (TileReport, Vec<Diagnostic>) {
        let c = config(server);
        let source = c.maps.tiles.clone().unwrap();
        fetch(dir, &c, &source, wanted, &client(), &crate::pipeline::Quiet)
    }

    fn want(x: u32, y: u32) -> (Tile, String) {
        (Tile { z: 15, x, y }, "content/a.md".to_string())
    }

    fn config(server: &Server) -> Config {
        Config::parse(&format!(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[maps]\ntiles = \"{}\"\nattribution = \"© Test\"\n",
            server.url("/t/{z}/{x}/{y}.png")
        ))
        .unwrap()
    }

    #[test]
    fn missing_tiles_are_downloaded_once_and_failures_name_the_url_and_status() {
        let tile = png();
        let server = Server::start(move |r| {
            if r.path.starts_with("/t/15/9/") {
                Reply::status(500)
            } else if r.path.starts_with("/t/15/8/") {
                Reply::ok("text/html", b"<!DOCTYPE html><p>busy".to_vec())
            } else {
                Reply::ok("image/png", tile.clone())
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let c = config(&server);
        let source = c.maps.tiles.clone().unwrap();
        let wanted = vec![want(1, 1), want(1, 2), want(9, 1), want(8, 1)];
        let (r, errors) = fetch_from(&server, dir.path(), &wanted);
        assert_eq!((r.wanted, r.downloaded, r.failed, r.present), (4, 2, 2, 0));
        let tile_url = server.url("/t/15/9/1.png");
        let e = errors
            .iter()
            .find(|d| d.message.contains(&tile_url))
            .unwrap();
        assert!(e.message.contains("500"), "{}", e.message);
        assert_eq!(e.file.as_deref(), Some("content/a.md"));
        let html = errors
            .iter()
            .find(|d| d.message.contains("/15/8/1"))
            .unwrap();
        assert!(html.message.contains("HTML"), "{}", html.message);
        let ok = tile_path(dir.path(), &c.images.cache_dir, &source, wanted[0].0);
        assert_eq!(std::fs::read(ok).unwrap(), png());
        assert!(!tile_path(dir.path(), &c.images.cache_dir, &source, wanted[2].0).exists());
        // The user agent is sync's.
        let requests = server.requests();
        assert!(
            requests[0]
                .header("user-agent")
                .unwrap()
                .starts_with("blason/")
        );
        // Again: the two in the cache are not asked for.
        let before = server.requests().len();
        let (r, _) = fetch_from(&server, dir.path(), &wanted[..2]);
        assert_eq!((r.present, r.downloaded), (2, 0));
        assert_eq!(server.requests().len(), before);
        // An empty file in the cache is not a tile: asked for again.
        let second = tile_path(dir.path(), &c.images.cache_dir, &source, wanted[1].0);
        std::fs::write(&second, b"").unwrap();
        let (r, errors) = fetch_from(&server, dir.path(), &wanted[..2]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((r.present, r.downloaded), (1, 1));
        assert_eq!(server.requests().len(), before + 1);
        assert_eq!(std::fs::read(second).unwrap(), png());
    }

    #[test]
    fn a_server_failing_tile_after_tile_is_not_asked_for_every_tile() {
        let tile = png();
        // Two tiles fail, then one comes: the count starts again. Then the
        // server fails everything.
        let server = Server::start(move |r| {
            if r.path.starts_with("/t/15/0/") {
                Reply::ok("image/png", tile.clone())
            } else {
                Reply::status(503)
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let mut wanted = vec![want(1, 1), want(1, 2), want(0, 1)];
        wanted.extend((0..40).map(|y| want(2, y)));
        let (r, errors) = fetch_from(&server, dir.path(), &wanted);
        assert_eq!(r.downloaded, 1);
        // The first two failures did not count once a tile came; the
        // workers stop within one tile each of the sixth in a row.
        assert!(
            (STOP_AFTER + 2..=STOP_AFTER + 2 + AT_ONCE).contains(&r.failed),
            "{r:?}"
        );
        assert_eq!(r.failed + r.downloaded + r.not_asked, wanted.len());
        let asked: std::collections::BTreeSet<String> =
            server.requests().iter().map(|q| q.path.clone()).collect();
        assert_eq!(asked.len(), r.failed + r.downloaded);
        let last = errors.last().unwrap();
        assert!(
            last.message
                .contains(&format!("{} more map tiles", r.not_asked))
                && last.message.contains("6 tiles in a row"),
            "{}",
            last.message
        );
        assert_eq!(errors.len(), r.failed + 1);
        assert!(r.summary().contains("not asked for"), "{}", r.summary());
    }
}
