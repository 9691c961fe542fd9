//! Paths written by users (covers, gallery files, logo): resolved, and kept inside the site.
//!
//! A bare name is beside the markdown file; a name starting with `/` is under
//! `static/`. No path may leave the site root, neither with `..` nor through a
//! symbolic link. This module resolves paths; it reads no content.

use std::path::{Component, Path, PathBuf};

/// The folders a site is made of, beside `blason.toml`: what `serve`
/// watches, and what no build may write into (`data` holds the tourism
/// data feeds and their photos, by convention).
pub const SOURCE_FOLDERS: [&str; 7] = [
    "content",
    "data",
    "community",
    "static",
    "templates",
    "themes",
    "i18n",
];

/// Resolves `rel` against `base` and checks the result stays inside `root`.
///
/// The check is lexical first (`..`, absolute paths), then, when the file
/// exists, on the canonical path so that a symbolic link cannot lead out.
/// The error is a short phrase to put after the path in a message.
pub fn inside_root(root: &Path, base: &Path, rel: &Path) -> Result<PathBuf, String> {
    Resolver::new(root).inside(base, rel).map(|(path, _)| path)
}

/// Resolves a path written in front matter or gallery.toml: a bare name is
/// beside the file (`dir`), a name starting with `/` is under `static/`.
pub fn resolve_content_path(root: &Path, dir: &Path, written: &str) -> Result<PathBuf, String> {
    Resolver::new(root)
        .resolve(dir, written)
        .map(|(path, _)| path)
}

/// Resolves the paths written in one site's files, as [`inside_root`] and
/// [`resolve_content_path`] do one at a time, for many at once (a site's
/// covers): the site root's real path is found once, and each folder's
/// once, so that a file that is no symbolic link costs one `lstat` (its real
/// path is its folder's and its name) rather than the `realpath` of the
/// file and of the root. For one build: a folder's real path is not asked
/// again.
pub struct Resolver<'a> {
    root: &'a Path,
    root_normal: PathBuf,
    real_root: Option<PathBuf>,
    /// Each folder's real path (`None`: it has none, it does not exist).
    folders: std::sync::Mutex<std::collections::HashMap<PathBuf, Option<PathBuf>>>,
}

impl<'a> Resolver<'a> {
    pub fn new(root: &'a Path) -> Resolver<'a> {
        let root_normal = normalize(root);
        let real_root = root_normal.canonicalize().ok();
        Resolver {
            root,
            root_normal,
            real_root,
            folders: Default::default(),
        }
    }

    /// [`inside_root`], and whether the path is a file (following links).
    pub fn inside(&self, base: &Path, rel: &Path) -> Result<(PathBuf, bool), String> {
        if rel.is_absolute() || rel.has_root() {
            return Err("is an absolute path; it must be relative to the site".into());
        }
        let normal = normalize(&base.join(rel));
        if !normal.starts_with(&self.root_normal) {
            return Err("leaves the site folder".into());
        }
        let Some((real, is_file)) = self.real(&normal) else {
            return Ok((normal, false));
        };
        if let Some(real_root) = &self.real_root
            && !real.starts_with(real_root)
        {
            return Err("leads outside the site folder through a symbolic link".into());
        }
        Ok((normal, is_file))
    }

    /// [`resolve_content_path`], and whether the path is a file.
    pub fn resolve(&self, dir: &Path, written: &str) -> Result<(PathBuf, bool), String> {
        if written.contains("://") {
            return Err("is a URL; blason publishes local files only".into());
        }
        let (path, is_file) = match written.strip_prefix('/') {
            Some(in_static) => self.inside(&self.root.join("static"), Path::new(in_static))?,
            None => self.inside(dir, Path::new(written))?,
        };
        if is_file {
            return Ok((path, true));
        }
        match on_disk(&path) {
            // The name the disk spells otherwise is checked again: the link
            // check above ran on a name that does not exist.
            Some(found) if found != path => match found.strip_prefix(&self.root_normal) {
                Ok(rel) => self.inside(self.root, rel),
                Err(_) => Err("leaves the site folder".into()),
            },
            Some(found) => {
                let is_file = found.is_file();
                Ok((found, is_file))
            }
            None => Ok((path, false)),
        }
    }

    /// The real path of `normal` (no `.` or `..` in it) and whether it is
    /// a file; `None` when it does not exist (or is a link to nothing).
    fn real(&self, normal: &Path) -> Option<(PathBuf, bool)> {
        let meta = normal.symlink_metadata().ok()?;
        let parent = normal.parent().filter(|p| !p.as_os_str().is_empty());
        let (Some(parent), Some(name), false) =
            (parent, normal.file_name(), meta.file_type().is_symlink())
        else {
            let real = normal.canonicalize().ok()?;
            let is_file = real.is_file();
            return Some((real, is_file));
        };
        let mut folders = self.folders.lock().unwrap_or_else(|p| p.into_inner());
        let real_parent = folders
            .entry(parent.to_path_buf())
            .or_insert_with(|| parent.canonicalize().ok())
            .as_ref()?;
        Some((real_parent.join(name), meta.is_file()))
    }
}

/// The file or folder at `path` as the disk spells it, when its name is
/// written in the other Unicode form: macOS saves "é" as "e" and a
/// combining accent (NFD), most editors type it as one character (NFC), and
/// the two are different names to Linux. `None` when nothing matches.
pub fn on_disk(path: &Path) -> Option<PathBuf> {
    use unicode_normalization::UnicodeNormalization;
    if path.exists() {
        return Some(path.to_path_buf());
    }
    let name = path.file_name()?.to_str()?;
    let parent = on_disk(path.parent()?)?;
    let wanted: String = name.nfc().collect();
    std::fs::read_dir(&parent).ok()?.flatten().find_map(|e| {
        let found = e.file_name();
        let same = found
            .to_str()
            .is_some_and(|f| f.nfc().collect::<String>() == wanted);
        same.then(|| parent.join(found))
    })
}

/// A hint for a file that does not exist: the name in its folder that
/// differs only in case, or else the nearest name (a typo).
pub fn near_miss(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.to_lowercase();
    let parent = on_disk(path.parent()?)?;
    let mut names: Vec<String> = std::fs::read_dir(&parent)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    if let Some(same) = names.iter().find(|n| n.to_lowercase() == name) {
        return Some(format!(
            "`{same}` is there: names must match in upper and lower case, as on the web server"
        ));
    }
    let best = names
        .iter()
        .map(|n| (strsim::normalized_levenshtein(&n.to_lowercase(), &name), n))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(format!("did you mean `{}`?", best.1))
}

/// Files editors and tools write beside the real ones: hidden files, Vim's
/// swap files and its `4913` write test, Emacs' `#autosave#` and `backup~`,
/// temporary files and unfinished downloads. The build skips them, and
/// `serve` does not rebuild when they change.
pub fn is_scratch(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    (n.starts_with('.') && n != ".")
        || n.starts_with('#')
        || n.ends_with('~')
        || n.ends_with(".swp")
        || n.ends_with(".swx")
        || n.ends_with(".tmp")
        || n.ends_with(".crdownload")
        || n == "4913"
}

/// Every file under `dir`, sorted, following symbolic links that stay inside
/// `root`. A link that leads outside the site, or to nothing, is an error
/// naming it. `skip` filters out names (hidden files, editors' swap files).
pub fn walk_files(
    root: &Path,
    dir: &Path,
    skip: fn(&std::ffi::OsStr) -> bool,
) -> (Vec<PathBuf>, Vec<crate::error::Diagnostic>) {
    let (files, errors, _) = walk_files_seeing_links(root, dir, skip);
    (files, errors)
}

/// [`walk_files`], and whether the walk met a symbolic link (a file it
/// found may then change without any change under `dir`).
pub fn walk_files_seeing_links(
    root: &Path,
    dir: &Path,
    skip: fn(&std::ffi::OsStr) -> bool,
) -> (Vec<PathBuf>, Vec<crate::error::Diagnostic>, bool) {
    use crate::error::{Diagnostic, display_path};
    let mut files = Vec::new();
    let mut links = false;
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // Walked in the order the folders give; sorted once at the end (a walk
    // sorting each folder by name moved its entries and read each name
    // back from its path at every comparison: 10 ms of a save at 10,000
    // pages). Errors are kept with their path, to be sorted the same way.
    let mut errors: Vec<(PathBuf, Diagnostic)> = Vec::new();
    let mut it = walkdir::WalkDir::new(dir).follow_links(true).into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let d = if e.loop_ancestor().is_some() {
                    Diagnostic::error("symlink", "this symbolic link makes a loop")
                } else if p
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
                {
                    Diagnostic::error(
                        "missing-file",
                        "this symbolic link leads to a file that does not exist",
                    )
                } else {
                    Diagnostic::error("io", "could not read this file or folder").cause(&e)
                };
                let d = d.file(display_path(&p, root));
                errors.push((p, d));
                continue;
            }
        };
        if entry.depth() > 0 && skip(entry.file_name()) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            links = true;
            let inside = entry
                .path()
                .canonicalize()
                .is_ok_and(|real| real.starts_with(&real_root));
            if !inside {
                errors.push((
                    entry.path().to_path_buf(),
                    Diagnostic::error(
                        "path-outside-site",
                        "this symbolic link leads outside the site folder",
                    )
                    .file(display_path(entry.path(), root))
                    .help("copy the file into the site instead of linking to it"),
                ));
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    files.sort_by_cached_key(|p| walk_key(p));
    errors.sort_by_cached_key(|(p, _)| walk_key(p));
    (files, errors.into_iter().map(|(_, d)| d).collect(), links)
}

/// A path's place in a walk that visits each folder's names in byte order:
/// its bytes, each separator made the lowest byte, so that a folder's
/// names come before those of a name that extends it (`a/z` before
/// `a-b`), as `Path`'s own order has them, without splitting the path at
/// each comparison. For the paths of one walk (separators single, no
/// byte 0 in a name).
fn walk_key(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for b in &mut key {
        if std::path::is_separator(char::from(*b)) {
            *b = 0;
        }
    }
    key
}

/// The real path of `path`, whether it exists or not: absolute, with the
/// symbolic links of its longest existing ancestor resolved and the rest
/// normalized (`..` and `.` removed).
pub fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return normalize(&out);
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last.as_os_str().to_os_string());
                existing = parent;
            }
            _ => return normalize(&abs),
        }
    }
}

/// Removes `.` and resolves `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_walk_gives_files_in_the_order_of_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Names that extend others, with and without folders between them.
        for f in [
            "content/a-b",
            "content/a/z",
            "content/a/b/c",
            "content/a.b/c",
            "content/B",
            "content/é",
            "content/e",
            "content/ab/a",
            "content/a b",
            "content/z/a",
            "content/zz",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        let (files, errors) = super::walk_files(root, &root.join("content"), |_| false);
        assert!(errors.is_empty(), "{errors:?}");
        let mut sorted = files.clone();
        // `Path`'s order: component by component (a folder's files before
        // a name that extends the folder's), a walk's in name order.
        sorted.sort();
        assert_eq!(files, sorted);
        let names: Vec<String> = files
            .iter()
            .map(|p| {
                p.strip_prefix(root.join("content"))
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            [
                "B", "a/b/c", "a/z", "a b", "a-b", "a.b/c", "ab/a", "e", "z/a", "zz", "é"
            ],
        );
    }

    #[test]
    fn names_match_whatever_their_unicode_form_and_near_misses_are_told() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        // "été.jpg" as macOS writes it: e + U+0301.
        let nfd = "e\u{301}te\u{301}.jpg";
        std::fs::write(root.join(nfd), "x").unwrap();
        std::fs::write(root.join("pics.jpg"), "x").unwrap();
        std::fs::write(root.join("vue-du-col.jpg"), "x").unwrap();
        let found = super::resolve_content_path(&root, &root, "\u{e9}t\u{e9}.jpg").unwrap();
        assert_eq!(found, root.join(nfd));
        assert!(found.is_file());
        let hint = super::near_miss(&root.join("pics.JPG")).unwrap();
        assert!(hint.contains("`pics.jpg` is there"), "{hint}");
        let hint = super::near_miss(&root.join("vue-du-coll.jpg")).unwrap();
        assert_eq!(hint, "did you mean `vue-du-col.jpg`?");
        assert_eq!(super::near_miss(&root.join("zzz.png")), None);
    }

    #[cfg(unix)]
    #[test]
    fn resolve_follows_links_of_the_existing_part_and_normalizes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(real.join("site/content")).unwrap();
        std::os::unix::fs::symlink(real.join("site"), real.join("link")).unwrap();
        assert_eq!(super::resolve(&real.join("link")), real.join("site"));
        assert_eq!(
            super::resolve(&real.join("link/content/new/../out")),
            real.join("site/content/out")
        );
        assert_eq!(super::resolve(&real.join("nope/x")), real.join("nope/x"));
    }

    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        let root = Path::new("/site");
        let dir = Path::new("/site/content/lac");
        assert!(resolve_content_path(root, dir, "../../../etc/passwd").is_err());
        assert!(resolve_content_path(root, dir, "../../../../../etc/passwd").is_err());
        assert!(resolve_content_path(root, dir, "/../../etc/passwd").is_err());
        assert!(inside_root(root, dir, Path::new("/etc/passwd")).is_err());
        assert!(resolve_content_path(root, dir, "https://x.org/a.jpg").is_err());
    }

    #[test]
    fn one_resolver_for_many_paths_refuses_every_link_that_leaves_the_site() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("site"), dir.path().join("outside"));
        for d in ["static/covers", "content/lac", "static/inside"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.jpg"), "x").unwrap();
        std::fs::write(root.join("static/covers/a.jpg"), "x").unwrap();
        std::fs::write(root.join("static/inside/b.jpg"), "x").unwrap();
        // A file that is a link out, a folder that is a link out, and links
        // that stay inside.
        symlink(
            outside.join("secret.jpg"),
            root.join("static/covers/out.jpg"),
        )
        .unwrap();
        symlink(&outside, root.join("static/away")).unwrap();
        symlink(root.join("static/inside"), root.join("static/near")).unwrap();
        symlink(
            root.join("static/covers/a.jpg"),
            root.join("content/lac/a.jpg"),
        )
        .unwrap();
        symlink(
            root.join("nothing.jpg"),
            root.join("static/covers/dangling.jpg"),
        )
        .unwrap();
        let lac = root.join("content/lac");
        let resolver = Resolver::new(&root);
        // Twice each: the second answer comes from the folders found.
        for _ in 0..2 {
            let ok = |w: &str| resolver.resolve(&lac, w).unwrap();
            assert_eq!(
                ok("/covers/a.jpg"),
                (root.join("static/covers/a.jpg"), true)
            );
            assert_eq!(ok("a.jpg"), (lac.join("a.jpg"), true));
            assert_eq!(ok("/near/b.jpg"), (root.join("static/near/b.jpg"), true));
            assert_eq!(ok("/covers"), (root.join("static/covers"), false));
            assert_eq!(
                ok("/covers/none.jpg"),
                (root.join("static/covers/none.jpg"), false)
            );
            assert_eq!(
                ok("/covers/dangling.jpg"),
                (root.join("static/covers/dangling.jpg"), false)
            );
            for out in ["/covers/out.jpg", "/away/secret.jpg"] {
                let why = resolver.resolve(&lac, out).unwrap_err();
                assert!(why.contains("symbolic link"), "{out}: {why}");
                // The one-path functions say the same.
                assert_eq!(resolve_content_path(&root, &lac, out).unwrap_err(), why);
            }
        }
    }

    #[test]
    fn bare_names_are_beside_and_slash_names_in_static() {
        let root = Path::new("/site");
        let dir = Path::new("/site/content/lac");
        assert_eq!(
            resolve_content_path(root, dir, "aube.jpg").unwrap(),
            Path::new("/site/content/lac/aube.jpg")
        );
        assert_eq!(
            resolve_content_path(root, dir, "/img/logo.svg").unwrap(),
            Path::new("/site/static/img/logo.svg")
        );
        assert_eq!(
            resolve_content_path(root, dir, "../autre/x.jpg").unwrap(),
            Path::new("/site/content/autre/x.jpg")
        );
    }
}
