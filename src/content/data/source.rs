//! The files of a feed: a folder of JSON files, a zip (a DATAtourisme flux
//! or an Apidae export as they ship), or one JSON file, read in parallel by
//! the feed's reader. Each file is parsed and dropped before the next
//! batch, so memory follows the largest file, not the whole feed.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::{Format, Object};
use crate::config::DataSource;
use crate::error::{Diagnostic, display_path};

/// What a reader makes of one file: its objects (none for a file of the
/// feed that holds no object, such as a JSON-LD context or an index).
pub type ReadResult = Result<Vec<Object>, Vec<Diagnostic>>;

/// A format's reader of one file: its bytes and its name for messages.
pub type Reader = fn(&[u8], &str) -> ReadResult;

/// The reader of `format`.
pub fn reader(format: Format) -> Reader {
    match format {
        Format::Datatourisme => super::datatourisme::read,
        Format::Apidae => super::apidae::read,
        Format::Openagenda => super::openagenda::read,
        Format::Tourinsoft => super::tourinsoft::read,
    }
}

/// The largest file of a feed blason reads (a DATAtourisme object weighs
/// 150–700 KB; a whole OpenAgenda export a few MB).
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Reads every object of `source`; every problem of every file at once.
pub fn read_source(root: &Path, source: &DataSource) -> ReadResult {
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
    let read = reader(source.format);
    if path.is_dir() {
        read_folder(root, &path, read)
    } else if path.is_file() {
        if rel.to_ascii_lowercase().ends_with(".zip") {
            read_zip(&path, &rel, read)
        } else {
            let bytes = read_file(&path, &rel)?;
            read(&bytes, &rel)
        }
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
    (lower.ends_with(".json") || lower.ends_with(".jsonld"))
        && !lower.starts_with("__macosx/")
        && !lower.contains("/__macosx/")
        && !lower.rsplit('/').next().unwrap_or("").starts_with("._")
}

fn read_folder(root: &Path, dir: &Path, read: Reader) -> ReadResult {
    let (files, walk_errors) = crate::paths::walk_files(root, dir, crate::paths::is_scratch);
    if !walk_errors.is_empty() {
        return Err(walk_errors);
    }
    let mut files: Vec<(std::path::PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let rel = display_path(&p, root);
            (p, rel)
        })
        .filter(|(_, rel)| is_json(rel))
        .collect();
    files.sort_by(|a, b| a.1.cmp(&b.1));
    gather(
        files
            .par_iter()
            .map(|(path, rel)| read_file(path, rel).and_then(|bytes| read(&bytes, rel)))
            .collect(),
    )
}

fn read_zip(path: &Path, rel: &str, read: Reader) -> ReadResult {
    let open = || -> Result<zip::ZipArchive<std::fs::File>, Vec<Diagnostic>> {
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
    };
    let archive = open()?;
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
            let mut archive = match open() {
                Ok(a) => a,
                Err(e) => return vec![Err(e)],
            };
            chunk
                .iter()
                .map(|(i, name)| {
                    let member = format!("{rel}:{name}");
                    let mut f = archive.by_index(*i).map_err(|e| {
                        vec![
                            Diagnostic::error("data", format!("cannot read this member: {e}"))
                                .file(member.clone()),
                        ]
                    })?;
                    if f.size() > MAX_FILE {
                        return Err(vec![too_big(&member, f.size())]);
                    }
                    let mut bytes = Vec::with_capacity(f.size() as usize);
                    // Read at most one byte past the limit: a lying header
                    // cannot make this unbounded.
                    (&mut f)
                        .take(MAX_FILE + 1)
                        .read_to_end(&mut bytes)
                        .map_err(|e| {
                            vec![
                                Diagnostic::error(
                                    "data",
                                    format!("cannot unpack this member: {e}"),
                                )
                                .file(member.clone())
                                .help("download the feed again with `blason sync`"),
                            ]
                        })?;
                    if bytes.len() as u64 > MAX_FILE {
                        return Err(vec![too_big(&member, bytes.len() as u64)]);
                    }
                    read(&bytes, &member)
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
