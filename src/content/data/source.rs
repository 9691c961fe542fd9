//! The files of a feed: a folder of JSON files, a zip (a DATAtourisme flux
//! or an Apidae export as they ship), or one JSON file, read in parallel by
//! the feed's reader. Each file is parsed and dropped before the next
//! batch, so memory follows the largest file, not the whole feed.
//!
//! A build reads with the site's [`ReadContext`] (the texts of the site's
//! languages only) and through the feed's [`cache`]: a file whose bytes
//! are the ones read by an earlier build is not parsed again.
//! `blason sync` reads every language, without the cache.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::{self, Cache, Hash};
use super::{DataCounts, Format, Object, Texts};
use crate::config::{Config, DataSource};
use crate::error::{Diagnostic, display_path};

/// What a reader makes of one file: its objects (none for a file of the
/// feed that holds no object, such as a JSON-LD context or an index).
pub type ReadResult = Result<Vec<Object>, Vec<Diagnostic>>;

/// A format's reader of one file, in every language: its bytes and its
/// name for messages (the shape the readers' tests share).
#[cfg(test)]
pub type Reader = fn(&[u8], &str) -> ReadResult;

/// A format's reader of one file for a site: its bytes, its name for
/// messages, and what the site needs of it.
type SiteReader = fn(&[u8], &str, &ReadContext) -> ReadResult;

/// The reader of `format` for a site. Only DATAtourisme's uses the
/// context while it parses (its objects carry labels in seven languages);
/// every reader's objects are trimmed to the context's languages after.
fn reader(format: Format) -> SiteReader {
    match format {
        Format::Datatourisme => super::datatourisme::read_with,
        Format::Apidae => {
            |bytes, file, cx| super::apidae::read_with(bytes, file, cx.references.as_ref())
        }
        Format::Openagenda => |bytes, file, _| super::openagenda::read(bytes, file),
        Format::Tourinsoft => |bytes, file, _| super::tourinsoft::read(bytes, file),
        Format::Randonnee => |bytes, file, _| super::randonnee::read(bytes, file),
    }
}

/// The version of each reader's objects, part of the cache's context:
/// bump a format's when a change of its reader reads the same file into
/// other objects, so that caches written before are left unused.
fn reader_version(format: Format) -> &'static str {
    match format {
        Format::Datatourisme => "1",
        Format::Apidae => "2",
        Format::Openagenda => "1",
        Format::Tourinsoft => "1",
        Format::Randonnee => "1",
    }
}

/// What the site needs of a feed's texts: the languages it shows.
#[derive(Debug, Clone, Default)]
pub struct ReadContext {
    /// Language codes (as written, lower case, and their primary subtag);
    /// `None` for every language.
    languages: Option<Vec<String>>,
    /// An Apidae export's table of element references, and the hash of
    /// its bytes (part of the cache's key: the labels it gives change the
    /// objects of files whose bytes did not).
    references: Option<std::sync::Arc<super::apidae::References>>,
    references_hash: String,
}

impl ReadContext {
    /// Every language of the feed: what `blason sync` compares between
    /// two downloads.
    pub fn every_language() -> ReadContext {
        ReadContext {
            languages: None,
            ..ReadContext::default()
        }
    }

    /// The site's languages, and French (the language a feed's untagged
    /// text is taken to be in, and the one a single text is picked in).
    pub fn of_site(config: &Config) -> ReadContext {
        ReadContext::of_languages(&config.all_languages())
    }

    pub fn of_languages(languages: &[&str]) -> ReadContext {
        let mut keep = vec!["fr".to_string()];
        for l in languages {
            let lower = l.to_ascii_lowercase();
            let primary = lower.split(['-', '_']).next().unwrap_or("").to_string();
            keep.extend([l.to_string(), lower, primary]);
        }
        keep.sort();
        keep.dedup();
        ReadContext {
            languages: Some(keep),
            ..ReadContext::default()
        }
    }

    /// Whether texts in `lang` (a code as a reader keys its texts) are kept.
    pub fn keeps(&self, lang: &str) -> bool {
        self.languages
            .as_ref()
            .is_none_or(|l| l.iter().any(|k| k == lang))
    }

    /// Whether every language is kept.
    pub fn keeps_all(&self) -> bool {
        self.languages.is_none()
    }

    /// The context as text, for the cache's key.
    fn key(&self) -> String {
        let languages = self
            .languages
            .as_ref()
            .map_or_else(|| "*".to_string(), |l| l.join(" "));
        format!("{languages} {}", self.references_hash)
    }

    /// Leaves out of `o` the texts in languages the site does not show,
    /// but for each text the first of its languages (the one pages fall
    /// back to when none of the site's has text): what pages make of the
    /// object does not change.
    pub fn trim(&self, o: &mut Object) {
        if self.keeps_all() {
            return;
        }
        let texts = |t: &mut Texts| {
            let first = t.keys().next().cloned();
            t.retain(|k, _| self.keeps(k) || Some(k) == first.as_ref());
        };
        for t in [
            &mut o.type_label,
            &mut o.name,
            &mut o.short,
            &mut o.description,
            &mut o.hours_note,
            &mut o.prices_note,
            &mut o.directions,
        ] {
            texts(t);
        }
        for t in o
            .payment
            .iter_mut()
            .chain(&mut o.labels)
            .chain(&mut o.amenities)
        {
            texts(t);
        }
        for h in &mut o.hours {
            texts(&mut h.note);
        }
        for c in &mut o.closures {
            texts(&mut c.note);
        }
        for p in &mut o.prices {
            texts(&mut p.label);
            texts(&mut p.note);
        }
        for i in &mut o.images {
            texts(&mut i.title);
        }
        o.machine_translated.retain(|k, _| self.keeps(k));
    }
}

/// How a build reads a feed.
pub struct Reading<'a> {
    pub context: &'a ReadContext,
    /// The site's cache folder (`[images] cache_dir`, joined to the root),
    /// where each feed's objects are kept between builds; `None` for no
    /// cache.
    pub cache_dir: Option<&'a Path>,
}

/// The largest file of a feed blason reads (a DATAtourisme object weighs
/// 150–700 KB; a whole OpenAgenda export a few MB).
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Reads every object of `source` in every language, without the cache
/// (`blason sync`); every problem of every file at once.
pub fn read_source(root: &Path, source: &DataSource) -> ReadResult {
    let reading = Reading {
        context: &ReadContext::every_language(),
        cache_dir: None,
    };
    read_feed(root, source, &reading).0
}

/// A feed's cache, to be written once its objects are read: what
/// [`read_feed`] leaves to its caller, who writes it while making pages.
pub struct CacheWrite {
    file: PathBuf,
    context: Hash,
    /// Each file read without error: its name, the hash of its bytes, and
    /// where its objects are in the feed's.
    files: Vec<(String, Hash, std::ops::Range<usize>)>,
}

impl CacheWrite {
    /// Writes the cache of the feed whose objects are `objects`. A cache
    /// that cannot be written is no error: the next build parses again.
    pub fn write(&self, objects: &[Object]) {
        let files: Vec<(&str, Hash, &[Object])> = self
            .files
            .iter()
            .filter_map(|(rel, hash, range)| {
                Some((rel.as_str(), *hash, objects.get(range.clone())?))
            })
            .collect();
        let _ = cache::write(&self.file, &self.context, &files);
    }
}

/// Reads every object of `source` as `reading` says, through its cache
/// when it has one; every problem of every file at once, what was parsed
/// and what came from the cache, and the cache to write when it does not
/// hold exactly what was read (a file parsed, or one gone).
pub fn read_feed(
    root: &Path,
    source: &DataSource,
    reading: &Reading,
) -> (ReadResult, DataCounts, Option<CacheWrite>) {
    let units = match units(root, source) {
        Ok(u) => u,
        Err(e) => return (Err(e), DataCounts::default(), None),
    };
    let read = reader(source.format);
    // An Apidae export names its references in a table of its own, read
    // before the objects.
    let with_references;
    let cx = match source.format {
        Format::Apidae => match apidae_references(&units) {
            Ok(None) => reading.context,
            Ok(Some((table, hash))) => {
                with_references = ReadContext {
                    references: Some(std::sync::Arc::new(table)),
                    references_hash: hash,
                    ..reading.context.clone()
                };
                &with_references
            }
            Err(e) => return (Err(e), DataCounts::default(), None),
        },
        _ => reading.context,
    };
    let parse = |bytes: &[u8], name: &str| -> ReadResult {
        let mut objects = read(bytes, name, cx)?;
        for o in &mut objects {
            cx.trim(o);
        }
        Ok(objects)
    };
    let context = cache::context(&[
        source.format.key(),
        reader_version(source.format),
        &cx.key(),
        &build_identity(),
    ]);
    let cache_file = reading
        .cache_dir
        .map(|dir| cache::file_of(dir, &source.name));
    let cache = cache_file
        .as_deref()
        .map(|f| Cache::open(f, &context))
        .unwrap_or_default();
    let hashing = cache_file.is_some();
    let outcomes: Vec<Outcome> = units
        .par_iter()
        .map(|u| read_unit(u, &parse, hashing, &cache))
        .collect();
    let stale = cache.entries();
    drop(cache);

    let mut counts = DataCounts::default();
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    let mut kept: Vec<(String, Hash, std::ops::Range<usize>)> = Vec::new();
    for (u, outcome) in units.into_iter().zip(outcomes) {
        match outcome.result {
            Ok(o) => {
                let start = objects.len();
                if outcome.cached {
                    counts.files_from_cache += 1;
                    counts.objects_from_cache += o.len();
                } else {
                    counts.files_parsed += 1;
                }
                objects.extend(o);
                if let Some(hash) = outcome.hash {
                    kept.push((u.rel, hash, start..objects.len()));
                }
            }
            Err(e) => {
                counts.files_parsed += 1;
                errors.extend(e);
            }
        }
    }
    counts.objects = objects.len();
    let write = cache_file
        .filter(|_| counts.files_parsed > 0 || stale != kept.len())
        .map(|file| CacheWrite {
            file,
            context,
            files: kept,
        });
    if errors.is_empty() {
        (Ok(objects), counts, write)
    } else {
        // The files read without error are kept all the same: once the
        // others are fixed, they alone are parsed again.
        if let Some(w) = write {
            w.write(&objects);
        }
        (Err(errors), counts, None)
    }
}

/// The table of element references of an Apidae export (its
/// `elements_reference.json`, beside the objects or in the zip), and the
/// hash of its bytes; none when the feed has no table.
fn apidae_references(
    units: &[Unit],
) -> Result<Option<(super::apidae::References, String)>, Vec<Diagnostic>> {
    for u in units {
        let bytes = if u.zip {
            let Some(bytes) = zip_member(u, super::apidae::is_references)? else {
                continue;
            };
            bytes
        } else if super::apidae::is_references(&u.rel) {
            read_file(&u.path, &u.rel)?
        } else {
            continue;
        };
        let table = super::apidae::references(&bytes, &u.rel)?;
        return Ok(Some((table, blake3::hash(&bytes).to_hex().to_string())));
    }
    Ok(None)
}

/// The first member of a zip whose name `wanted` accepts, read whole (at
/// most [`MAX_FILE`]).
fn zip_member(u: &Unit, wanted: fn(&str) -> bool) -> Result<Option<Vec<u8>>, Vec<Diagnostic>> {
    let mut archive = open_zip(&u.path, &u.rel)?;
    let Some((i, name)) = (0..archive.len()).find_map(|i| {
        Some((
            i,
            archive.name_for_index(i).filter(|n| wanted(n))?.to_string(),
        ))
    }) else {
        return Ok(None);
    };
    read_member(&mut archive, i, &format!("{}:{name}", u.rel)).map(Some)
}

/// In a debug build (tests, a developer's build), the executable's size
/// and time, so that a reader changed without its version bumped cannot
/// give a developer the objects of the reader before; nothing in a
/// release, whose version is in the context already.
fn build_identity() -> String {
    if !cfg!(debug_assertions) {
        return String::new();
    }
    std::env::current_exe()
        .ok()
        .and_then(|p| crate::stamp::of(&p))
        .map_or_else(String::new, |(len, at)| format!("{len} {at}"))
}

/// A unit of a feed the cache knows: a JSON file (of a folder, or alone),
/// or a zip.
struct Unit {
    path: PathBuf,
    rel: String,
    zip: bool,
}

/// The feed's units, in the order their objects are read.
fn units(root: &Path, source: &DataSource) -> Result<Vec<Unit>, Vec<Diagnostic>> {
    // Held inside the site, symbolic links resolved, like every path a
    // user writes (config checks `..` and absolute paths already).
    let path = crate::paths::inside_root(root, root, &source.path).map_err(|why| {
        vec![
            Diagnostic::error(
                "data",
                format!(
                    "the feed `{}`: {} {why}",
                    source.name,
                    source.path.display()
                ),
            )
            .file("blason.toml")
            .help("keep the feed's files in the site's folder, e.g. data/"),
        ]
    })?;
    let rel = display_path(&path, root);
    if path.is_dir() {
        folder_units(root, &path)
    } else if path.is_file() {
        let zip = rel.to_ascii_lowercase().ends_with(".zip");
        Ok(vec![Unit { path, rel, zip }])
    } else {
        let help = match &source.url {
            Some(_) => "run `blason sync` to download it".to_string(),
            None => format!(
                "put the feed's files there, or give [[data]] `{}` a `url` and run `blason sync`",
                source.name
            ),
        };
        Err(vec![
            Diagnostic::error(
                "missing-file",
                format!("the feed `{}` is not in {rel}", source.name),
            )
            .file(rel)
            .help(help),
        ])
    }
}

fn read_file(path: &Path, rel: &str) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len > MAX_FILE {
        return Err(vec![too_big(rel, len)]);
    }
    std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error("data", format!("cannot read the file: {e}")).file(rel.to_string())]
    })
}

fn too_big(rel: &str, len: u64) -> Diagnostic {
    Diagnostic::error(
        "data",
        format!(
            "the file is {} MB, more than the {} MB a feed's file may be",
            len / 1_000_000,
            MAX_FILE / 1_000_000
        ),
    )
    .file(rel.to_string())
    .help("split the export, or check it is the feed and not something else")
}

/// What became of a unit: its objects or errors, the hash of its bytes
/// (when the cache is used and the bytes did not change while read), and
/// whether the objects came from the cache.
struct Outcome {
    result: ReadResult,
    hash: Option<Hash>,
    cached: bool,
}

type Parse<'a> = dyn Fn(&[u8], &str) -> ReadResult + Sync + 'a;

fn read_unit(u: &Unit, parse: &Parse, hashing: bool, cache: &Cache) -> Outcome {
    let failed = |e| Outcome {
        result: Err(e),
        hash: None,
        cached: false,
    };
    // A zip is hashed as it is streamed, before and after it is read (a
    // zip replaced meanwhile is not cached under the other's hash); a JSON
    // file is read once, then hashed.
    let (bytes, hash) = if u.zip {
        match hashing.then(|| hash_file(&u.path, &u.rel)).transpose() {
            Ok(h) => (None, h),
            Err(e) => return failed(e),
        }
    } else {
        match read_file(&u.path, &u.rel) {
            Ok(b) => {
                let h = hashing.then(|| *blake3::hash(&b).as_bytes());
                (Some(b), h)
            }
            Err(e) => return failed(e),
        }
    };
    if let Some(h) = &hash
        && let Some(objects) = cache.get(&u.rel, h)
    {
        return Outcome {
            result: Ok(objects),
            hash,
            cached: true,
        };
    }
    let (result, hash) = match bytes {
        Some(b) => (parse(&b, &u.rel), hash),
        None => (
            read_zip(&u.path, &u.rel, parse),
            hash.filter(|h| hash_file(&u.path, &u.rel).is_ok_and(|again| again == *h)),
        ),
    };
    Outcome {
        result,
        hash,
        cached: false,
    }
}

/// The blake3 hash of a file's bytes, read a block at a time.
fn hash_file(path: &Path, rel: &str) -> Result<Hash, Vec<Diagnostic>> {
    let mut h = blake3::Hasher::new();
    std::fs::File::open(path)
        .and_then(|f| h.update_reader(f).map(|_| ()))
        .map_err(|e| {
            vec![
                Diagnostic::error("data", format!("cannot read the file: {e}"))
                    .file(rel.to_string()),
            ]
        })?;
    Ok(*h.finalize().as_bytes())
}

/// Gathers results: objects in file order, or every error.
fn gather(results: Vec<ReadResult>) -> ReadResult {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(o) => objects.extend(o),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(objects)
    } else {
        Err(errors)
    }
}

fn is_json(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".json") || lower.ends_with(".jsonld") || lower.ends_with(".geojson"))
        && !lower.starts_with("__macosx/")
        && !lower.contains("/__macosx/")
        && !lower.rsplit('/').next().unwrap_or("").starts_with("._")
}

fn folder_units(root: &Path, dir: &Path) -> Result<Vec<Unit>, Vec<Diagnostic>> {
    let (files, walk_errors) = crate::paths::walk_files(root, dir, crate::paths::is_scratch);
    if !walk_errors.is_empty() {
        return Err(walk_errors);
    }
    let mut units: Vec<Unit> = files
        .into_iter()
        .map(|path| {
            let rel = display_path(&path, root);
            Unit {
                path,
                rel,
                zip: false,
            }
        })
        .filter(|u| is_json(&u.rel))
        .collect();
    units.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(units)
}

/// Opens a feed's zip, with the message a user reads when it is not one.
fn open_zip(path: &Path, rel: &str) -> Result<zip::ZipArchive<std::fs::File>, Vec<Diagnostic>> {
    let file = std::fs::File::open(path).map_err(|e| {
        vec![Diagnostic::error("data", format!("cannot read the file: {e}")).file(rel)]
    })?;
    zip::ZipArchive::new(file).map_err(|e| {
        vec![
            Diagnostic::error("data", format!("this is not a readable zip archive: {e}"))
                .file(rel)
                .help("download the feed again with `blason sync`"),
        ]
    })
}

/// The bytes of member `i` of a zip, named `member` in messages: at most
/// [`MAX_FILE`], whatever its header says.
fn read_member(
    archive: &mut zip::ZipArchive<std::fs::File>,
    i: usize,
    member: &str,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut f = archive.by_index(i).map_err(|e| {
        vec![Diagnostic::error("data", format!("cannot read this member: {e}")).file(member)]
    })?;
    if f.size() > MAX_FILE {
        return Err(vec![too_big(member, f.size())]);
    }
    let mut bytes = Vec::with_capacity(f.size() as usize);
    // Read at most one byte past the limit: a lying header cannot make
    // this unbounded.
    (&mut f)
        .take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            vec![
                Diagnostic::error("data", format!("cannot unpack this member: {e}"))
                    .file(member)
                    .help("download the feed again with `blason sync`"),
            ]
        })?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(vec![too_big(member, bytes.len() as u64)]);
    }
    Ok(bytes)
}

fn read_zip(path: &Path, rel: &str, parse: &Parse) -> ReadResult {
    let archive = open_zip(path, rel)?;
    let mut members: Vec<(usize, String)> = (0..archive.len())
        .filter_map(|i| {
            let name = archive.name_for_index(i)?.to_string();
            is_json(&name).then_some((i, name))
        })
        .collect();
    drop(archive);
    members.sort_by(|a, b| a.1.cmp(&b.1));
    // Each rayon job opens its own reader of the archive and reads a run
    // of members, one at a time.
    let chunks: Vec<&[(usize, String)]> = members.chunks(64).collect();
    let results: Vec<Vec<ReadResult>> = chunks
        .par_iter()
        .map(|chunk| {
            let mut archive = match open_zip(path, rel) {
                Ok(a) => a,
                Err(e) => return vec![Err(e)],
            };
            chunk
                .iter()
                .map(|(i, name)| {
                    let member = format!("{rel}:{name}");
                    let bytes = read_member(&mut archive, *i, &member)?;
                    parse(&bytes, &member)
                })
                .collect()
        })
        .collect();
    gather(results.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_feed_linked_from_outside_the_site_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("events.json"), "[]").unwrap();
        let site = crate::testing::site(&[("content/_index.md", "+++\n+++\n")]);
        std::os::unix::fs::symlink(outside.path(), site.path().join("data")).unwrap();
        let config = crate::config::Config::parse(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[[data]]\nformat = \"openagenda\"\npath = \"data/events.json\"\n",
        )
        .unwrap();
        let err = read_source(site.path(), &config.data[0]).unwrap_err();
        assert!(
            err[0].message.contains("symbolic link"),
            "{}",
            err[0].message
        );
    }
}
