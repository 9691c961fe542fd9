//! Output: where built files go, and the atomic swap that protects the last good site.
//!
//! A build writes into a staging folder beside OUT (`.public.blason-tmp-…`);
//! only when every stage succeeded is OUT replaced by it, in two renames. A
//! failed build drops the staging folder and leaves OUT byte-identical. `check`
//! writes nowhere ([`Discard`]). This module moves bytes; it does not know what
//! they are.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Diagnostic, display_path};

/// Where built files are written.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel` (a path inside the output, `/` separators).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Copies the file `src` to `rel`.
    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic>;
    /// Number of files written.
    fn count(&self) -> u64;
}

/// Refuses output paths that would leave the output folder.
fn safe_rel(rel: &str) -> Result<PathBuf, Diagnostic> {
    let p = Path::new(rel.trim_start_matches('/'));
    if rel.contains('\\') || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Diagnostic::error(
            "path-outside-site",
            format!("the output path `{rel}` leaves the output folder"),
        ));
    }
    Ok(p.to_path_buf())
}

/// A staging folder beside OUT, swapped in by [`Staging::commit`].
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    root: PathBuf,
    committed: bool,
    files: AtomicU64,
}

fn marker(out: &Path) -> String {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
    format!(".{name}.blason-")
}

impl Staging {
    /// Creates the staging folder. `root` is only used to name paths in errors.
    pub fn new(root: &Path, out: &Path) -> Result<Staging, Diagnostic> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::io(parent, root, "create the output's parent folder", &e))?;
        if out.exists() && !out.is_dir() {
            return Err(Diagnostic::error(
                "output",
                format!("the output `{}` exists and is not a folder", out.display()),
            )
            .help("choose another output folder with -o"));
        }
        // Folders left by a build that was killed.
        let m = marker(out);
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&m) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = parent.join(format!("{m}tmp-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&tmp)
            .map_err(|e| Diagnostic::io(&tmp, root, "create the staging folder", &e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            root: root.to_path_buf(),
            committed: false,
            files: AtomicU64::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Replaces OUT with the staged site.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let old = self.tmp.with_file_name(
            self.tmp
                .file_name()
                .map(|n| n.to_string_lossy().replacen("tmp-", "old-", 1))
                .unwrap_or_else(|| "old".into()),
        );
        let had_old = self.out.exists();
        if had_old {
            std::fs::rename(&self.out, &old).map_err(|e| {
                Diagnostic::io(&self.out, &self.root, "move the previous output aside", &e)
            })?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            if had_old {
                let _ = std::fs::rename(&old, &self.out);
            }
            return Err(Diagnostic::io(
                &self.out,
                &self.root,
                "put the new output in place",
                &e,
            ));
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.tmp.join(safe_rel(rel)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(parent, &self.tmp, "create an output folder", &e))?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| Diagnostic::io(&path, &self.tmp, "write an output file", &e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        let path = self.tmp.join(safe_rel(rel)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(parent, &self.tmp, "create an output folder", &e))?;
        }
        std::fs::copy(src, &path)
            .map_err(|e| Diagnostic::io(src, &self.root, "copy this file to the output", &e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn count(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }
}

/// Writes nothing (for `check`), but still checks paths.
#[derive(Default)]
pub struct Discard {
    files: AtomicU64,
}

impl Sink for Discard {
    fn write(&self, rel: &str, _: &[u8]) -> Result<(), Diagnostic> {
        safe_rel(rel)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        safe_rel(rel)?;
        if !src.is_file() {
            return Err(Diagnostic::error("missing-file", "the file is missing")
                .file(display_path(src, Path::new(""))));
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    fn count(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }
}

/// The files of a site in memory, by path in the output
/// (`tourisme/lac/index.html`); shared, so a build can start from the last.
pub type Files = std::collections::HashMap<String, std::sync::Arc<[u8]>>;

/// A site in memory (`serve`): every file by its path in the output.
#[derive(Default)]
pub struct Memory {
    files: std::sync::Mutex<Files>,
}

impl Memory {
    /// A site that starts as `files` (the last build's): files written
    /// replace theirs, the others stay.
    pub fn starting_from(files: Files) -> Memory {
        Memory {
            files: std::sync::Mutex::new(files),
        }
    }

    /// The files written, by path (`tourisme/lac/index.html`).
    pub fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl Sink for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        safe_rel(rel)?;
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel.to_string(), bytes);
        Ok(())
    }
    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(src)
            .map_err(|e| Diagnostic::io(src, Path::new(""), "read the file", &e))?;
        self.write(rel, &bytes)
    }
    fn count(&self) -> u64 {
        self.files.lock().unwrap_or_else(|p| p.into_inner()).len() as u64
    }
}

/// The output file of a URL path: `/a/` → `a/index.html`, `/a.html` stays.
pub fn file_for(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() {
        "index.html".into()
    } else if p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/en/a/"), "en/a/index.html");
        assert_eq!(file_for("/old.html"), "old.html");
        assert!(safe_rel("a/../../x").is_err());
        assert!(safe_rel("/a/b.html").is_ok());
    }

    #[test]
    fn a_dropped_staging_leaves_out_alone_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("a.html"), "old").unwrap();
        {
            let s = Staging::new(dir.path(), &out).unwrap();
            s.write("a.html", b"new").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let s = Staging::new(dir.path(), &out).unwrap();
        s.write("b/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "new"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
