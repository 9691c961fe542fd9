//! Output: where built files go, and the atomic swap that protects the last good site.
//!
//! A build writes into a staging folder beside OUT (`.public.blason-tmp-…`);
//! only when every stage succeeded is OUT replaced by it. On Linux the two
//! folders are exchanged in one step (`renameat2` with `RENAME_EXCHANGE`), so
//! that there is no instant without a complete OUT: a web server serving it
//! never answers 404 during a deploy, and a build killed at any moment
//! leaves a whole site behind. Elsewhere, or on a file system without the
//! exchange, OUT is replaced in two renames (missing for an instant between
//! them). A failed build drops the staging folder and leaves OUT
//! byte-identical. The replaced OUT is kept as the next build's spare: that
//! build checks it on a thread of its own (no links may lead out of it)
//! and writes over it, keeping files whose bytes are unchanged. `check`
//! writes nowhere ([`Discard`]); `serve` keeps the site in memory
//! ([`Memory`], [`Served`]: written files as bytes, text files packed
//! once `serve` is idle, copied ones by their source's real path, read
//! when asked for). This module moves bytes; it does not know what they
//! are (beyond whether a file's name says it is text).
//!
//! Two builds into the same OUT take turns: each holds a lock on
//! `.public.blason-lock` beside OUT from before it touches anything there
//! until its swap is done, and a second build waits for the first.
//!
//! The output before last is kept beside OUT (`.public.blason-spare`) and
//! becomes the next build's staging folder: files are written over the old
//! ones and folders already exist, so a rebuild neither creates ten thousand
//! folders nor deletes the previous tree (both slow on large sites). Links
//! found in the spare are removed first, so a write never goes through one,
//! and files the new build did not write are removed before the swap.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
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
    /// [`Sink::write`], from bytes that may be shared rather than copied.
    fn write_shared(&self, rel: &str, bytes: &std::sync::Arc<[u8]>) -> Result<(), Diagnostic> {
        self.write(rel, bytes)
    }
    /// [`Sink::write_shared`] for each of `files`, on the pool.
    fn write_all_shared(&self, files: &[SharedFile]) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        files
            .par_iter()
            .try_for_each(|(rel, bytes)| self.write_shared(rel, bytes))
    }
    /// [`Sink::write`], saying whether the output this sink reuses already
    /// held these very bytes at `rel` (then nothing was written).
    fn write_kept(&self, rel: &str, bytes: &[u8]) -> Result<bool, Diagnostic> {
        self.write(rel, bytes).map(|()| false)
    }
    /// [`Sink::copy`], saying whether the reused output already held the
    /// same bytes at `rel`.
    fn copy_kept(&self, rel: &str, src: &Path) -> Result<bool, Diagnostic> {
        self.copy(rel, src).map(|()| false)
    }
    /// Keeps the reused output's files at `rels` as this build's, when it
    /// has all of them and this build has written none: whether it did (it
    /// keeps all or none).
    fn keep_all(&self, _rels: &[&str]) -> bool {
        false
    }
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

/// Copies the file `src` to a new file `dst`, in the kernel where the
/// system can (`copy_file_range` on Linux). Unlike `std::fs::copy`, the copy
/// gets the output's default permissions, not the source's (one system call
/// less per file, and no read-only file in the output).
fn copy_file(src: &Path, dst: &Path) -> std::io::Result<()> {
    let mut from = std::fs::File::open(src)?;
    let mut to = std::fs::File::create(dst)?;
    std::io::copy(&mut from, &mut to)?;
    Ok(())
}

/// Files copied into a reused tree are compared with the copy there up to
/// this size; larger ones are copied again.
const SAME_CHECK_MAX: u64 = 1 << 20;

/// A staging folder beside OUT, swapped in by [`Staging::commit`].
pub struct Staging {
    /// Held from before the staging folder is made until the swap is done.
    _lock: std::fs::File,
    out: PathBuf,
    spare: PathBuf,
    root: PathBuf,
    committed: bool,
    files: AtomicU64,
    /// The staging folder, once the reused spare is adopted.
    staged: std::sync::OnceLock<Staged>,
    /// The spare being adopted on its own thread while the first stages
    /// run (a region's 230,000 files take seconds to list and check).
    adopting: Mutex<Option<Adopting>>,
    /// The folder each thread of the pool (and, last, any other thread)
    /// last made or found: the next file written into it asks the system
    /// for nothing more than the file (a language's search results are
    /// 25,000 files in one folder).
    last_folders: crate::per_thread::PerThread<Option<PathBuf>>,
}

/// The staging folder and the files of the reused spare this build has
/// not written (yet).
struct Staged {
    tmp: PathBuf,
    stale: Mutex<HashSet<PathBuf>>,
}

impl Staged {
    /// The spare renamed to `tmp`, with what [`adopt`] `found`: its files.
    /// A spare that cannot be trusted (a link that could not be removed, a
    /// folder that could not be read) is dropped for `fallback`, new and
    /// empty, whatever removing it leaves behind (the next build cleans up).
    fn adopted(
        tmp: PathBuf,
        fallback: PathBuf,
        found: std::io::Result<HashSet<PathBuf>>,
    ) -> Staged {
        match found {
            Ok(files) => Staged {
                tmp,
                stale: Mutex::new(files),
            },
            Err(_) => {
                let _ = std::fs::remove_dir_all(&tmp);
                // Made here or by the first write (`put` makes folders).
                let _ = std::fs::create_dir(&fallback);
                Staged {
                    tmp: fallback,
                    stale: Mutex::new(HashSet::new()),
                }
            }
        }
    }
}

/// A spare renamed to the staging folder `tmp`, being checked by
/// `thread`; `fallback` is the empty folder written to instead if it
/// cannot be trusted.
struct Adopting {
    tmp: PathBuf,
    fallback: PathBuf,
    thread: std::thread::JoinHandle<std::io::Result<HashSet<PathBuf>>>,
}

fn marker(out: &Path) -> String {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
    format!(".{name}.blason-")
}

/// Prepares a spare output for reuse: removes symbolic links and files with
/// other hard links (a write must not reach outside it) and returns the
/// files left, relative to `dir`.
fn adopt(dir: &Path) -> std::io::Result<HashSet<PathBuf>> {
    let mut files = HashSet::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).min_depth(1) {
        let entry = entry.map_err(std::io::Error::other)?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let linked = kind.is_symlink() || !kind.is_file() || {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                entry.metadata().map_err(std::io::Error::other)?.nlink() > 1
            }
            #[cfg(not(unix))]
            false
        };
        if linked {
            std::fs::remove_file(entry.path())?;
        } else if let Ok(rel) = entry.path().strip_prefix(dir) {
            files.insert(rel.to_path_buf());
        }
    }
    Ok(files)
}

/// Makes room for a file at `path` in a reused tree: the file already there
/// (it may be read-only), a folder where the file goes, or a file where one
/// of its folders goes, is removed.
fn clear_way(base: &Path, path: &Path) {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
    let mut at = base.to_path_buf();
    if let Ok(rel) = path.strip_prefix(base) {
        let parts: Vec<_> = rel.components().collect();
        for c in parts.iter().take(parts.len().saturating_sub(1)) {
            at.push(c);
            if at.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                let _ = std::fs::remove_file(&at);
                break;
            }
        }
    }
}

impl Staging {
    /// Creates the staging folder, from the spare output when there is one,
    /// once no other build writes into OUT (`waiting` is told when one
    /// does). `root` is only used to name paths in errors.
    pub fn new(root: &Path, out: &Path, waiting: &dyn Fn(&str)) -> Result<Staging, Diagnostic> {
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
        let m = marker(out);
        let spare = parent.join(format!("{m}spare"));
        let lock_path = parent.join(format!("{m}lock"));
        let lock = lock_output(&lock_path, root, waiting)?;
        // Folders left by a build that was killed (no other build runs now).
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with(&m) && e.path() != spare && e.path() != lock_path {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = parent.join(format!("{m}tmp-{}-{nanos}", std::process::id()));
        let staged = std::sync::OnceLock::new();
        let mut adopting = None;
        let reused = spare.symlink_metadata().is_ok_and(|m| m.is_dir())
            && std::fs::rename(&spare, &tmp).is_ok();
        if reused {
            let fallback = tmp.with_file_name(format!("{m}tmp-{}-{nanos}-new", std::process::id()));
            let dir = tmp.clone();
            match std::thread::Builder::new()
                .name("adopt-spare".into())
                .spawn(move || adopt(&dir))
            {
                Ok(thread) => {
                    adopting = Some(Adopting {
                        tmp,
                        fallback,
                        thread,
                    })
                }
                // No thread to be had: adopted here and now.
                Err(_) => {
                    let found = adopt(&tmp);
                    let _ = staged.set(Staged::adopted(tmp, fallback, found));
                }
            }
        } else {
            if spare.symlink_metadata().is_ok() {
                let _ = std::fs::remove_file(&spare);
                let _ = std::fs::remove_dir_all(&spare);
            }
            std::fs::create_dir(&tmp)
                .map_err(|e| Diagnostic::io(&tmp, root, "create the staging folder", &e))?;
            let _ = staged.set(Staged {
                tmp,
                stale: Mutex::new(HashSet::new()),
            });
        }
        Ok(Staging {
            _lock: lock,
            out: out.to_path_buf(),
            spare,
            root: root.to_path_buf(),
            committed: false,
            files: AtomicU64::new(0),
            staged,
            adopting: Mutex::new(adopting),
            last_folders: crate::per_thread::PerThread::new(|| None),
        })
    }

    /// The staging folder and the spare's files, once the spare's thread
    /// is done: every write waits for it.
    fn staged(&self) -> &Staged {
        self.staged.get_or_init(|| {
            let pending = self
                .adopting
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            let Some(Adopting {
                tmp,
                fallback,
                thread,
            }) = pending
            else {
                unreachable!("a staging folder is either made or being adopted")
            };
            let found = thread
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the spare's thread panicked")));
            Staged::adopted(tmp, fallback, found)
        })
    }

    /// The staging folder.
    fn tmp(&self) -> &Path {
        &self.staged().tmp
    }

    /// Removes the spare's files this build did not write, and the folders
    /// they leave empty.
    fn remove_stale(&self) -> Result<(), Diagnostic> {
        let stale = std::mem::take(
            &mut *self
                .staged()
                .stale
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        let mut folders: HashSet<PathBuf> = HashSet::new();
        for rel in stale {
            let path = self.tmp().join(&rel);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                // Gone already, or this build made it a folder or its folder a file.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound
                            | std::io::ErrorKind::NotADirectory
                            | std::io::ErrorKind::IsADirectory
                    ) => {}
                Err(e) => {
                    return Err(Diagnostic::io(
                        &path,
                        self.tmp(),
                        "remove a page or file that is no longer part of the site",
                        &e,
                    )
                    .help("check that you may write in the output's folder, then build again"));
                }
            }
            folders.extend(
                rel.ancestors()
                    .skip(1)
                    .filter(|a| !a.as_os_str().is_empty())
                    .map(Path::to_path_buf),
            );
        }
        // Deepest first; a folder that still holds files stays.
        let mut folders: Vec<PathBuf> = folders.into_iter().collect();
        folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
        for f in folders {
            let _ = std::fs::remove_dir(self.tmp().join(f));
        }
        Ok(())
    }

    /// Replaces OUT with the staged site; the replaced output is kept as
    /// the next build's spare.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.remove_stale()?;
        test_pause("swap");
        if self.out.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            match exchange(self.tmp(), &self.out) {
                Ok(()) => {
                    // The staging folder's name now holds the previous output.
                    self.committed = true;
                    test_pause("spare");
                    if std::fs::rename(self.tmp(), &self.spare).is_err() {
                        let _ = std::fs::remove_dir_all(self.tmp());
                    }
                    return Ok(());
                }
                Err(e) if !exchange_unsupported(&e) => {
                    return Err(Diagnostic::io(
                        &self.out,
                        &self.root,
                        "put the new output in place",
                        &e,
                    ));
                }
                Err(_) => {}
            }
        }
        self.replace_in_two_renames()
    }

    /// Where the output cannot be exchanged in one step: OUT moved aside,
    /// then the staged site moved in.
    fn replace_in_two_renames(mut self) -> Result<(), Diagnostic> {
        let had_old = self.out.exists();
        let mut old = self.spare.clone();
        if had_old && std::fs::rename(&self.out, &old).is_err() {
            // The spare's name is taken: move aside and delete, as without one.
            old = self.tmp().with_file_name(
                self.tmp()
                    .file_name()
                    .map(|n| n.to_string_lossy().replacen("tmp-", "old-", 1))
                    .unwrap_or_else(|| "old".into()),
            );
            std::fs::rename(&self.out, &old).map_err(|e| {
                Diagnostic::io(&self.out, &self.root, "move the previous output aside", &e)
            })?;
        }
        test_pause("second-rename");
        if let Err(e) = std::fs::rename(self.tmp(), &self.out) {
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
        if had_old && old != self.spare {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Whether the reused tree had a file at `rel` that this build has not
    /// written yet.
    fn in_spare(&self, rel: &Path) -> bool {
        self.staged()
            .stale
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(rel)
    }

    /// Whether the reused tree already holds, at `rel`, a file of `len`
    /// bytes that `same` accepts: then it is kept as it is (and keeps its
    /// date). Comparing is cheaper than rewriting, which also makes the kernel
    /// wait for the old pages.
    fn holds(&self, rel: &Path, len: u64, same: impl FnOnce(&[u8]) -> bool) -> bool {
        let path = self.tmp().join(rel);
        self.in_spare(rel)
            && path
                .symlink_metadata()
                .is_ok_and(|m| m.is_file() && m.len() == len)
            && std::fs::read(&path).is_ok_and(|old| same(&old))
    }

    /// Writes through `f` at `path`, making room first when the reused tree
    /// has a folder or a file in the way.
    fn put(&self, path: &Path, f: impl Fn(&Path) -> std::io::Result<()>) -> std::io::Result<()> {
        let attempt = |known: bool| -> std::io::Result<()> {
            if let Some(parent) = path.parent()
                && !(known && self.last_folders.mine().as_deref() == Some(parent))
            {
                std::fs::create_dir_all(parent)?;
                *self.last_folders.mine() = Some(parent.to_path_buf());
            }
            f(path)
        };
        if attempt(true).is_err() {
            // Making room may remove folders: none is taken as made.
            for mut folder in self.last_folders.each() {
                *folder = None;
            }
            clear_way(self.tmp(), path);
            attempt(false)?;
        }
        Ok(())
    }

    /// Counts the file at `rel` as this build's: it stays at the commit.
    fn done(&self, rel: &Path) {
        self.staged()
            .stale
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(rel);
        self.files.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // After the spare's thread is done with the folder.
            let _ = std::fs::remove_dir_all(self.tmp());
        }
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.write_kept(rel, bytes).map(|_| ())
    }

    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        self.copy_kept(rel, src).map(|_| ())
    }

    fn write_kept(&self, rel: &str, bytes: &[u8]) -> Result<bool, Diagnostic> {
        let rel = safe_rel(rel)?;
        let held = self.holds(&rel, bytes.len() as u64, |old| old == bytes);
        if !held {
            let path = self.tmp().join(&rel);
            self.put(&path, |p| std::fs::write(p, bytes))
                .map_err(|e| Diagnostic::io(&path, self.tmp(), "write an output file", &e))?;
        }
        self.done(&rel);
        Ok(held)
    }

    fn copy_kept(&self, rel: &str, src: &Path) -> Result<bool, Diagnostic> {
        let rel = safe_rel(rel)?;
        let held = self.in_spare(&rel)
            && src.metadata().is_ok_and(|meta| {
                meta.len() <= SAME_CHECK_MAX
                    && self.holds(&rel, meta.len(), |old| {
                        std::fs::read(src).is_ok_and(|b| b == old)
                    })
            });
        if !held {
            self.put(&self.tmp().join(&rel), |p| copy_file(src, p))
                .map_err(|e| Diagnostic::io(src, &self.root, "copy this file to the output", &e))?;
        }
        self.done(&rel);
        Ok(held)
    }

    fn keep_all(&self, rels: &[&str]) -> bool {
        let Ok(rels) = rels
            .iter()
            .map(|r| safe_rel(r))
            .collect::<Result<Vec<_>, _>>()
        else {
            return false;
        };
        let all = rels.iter().all(|rel| {
            self.in_spare(rel)
                && self
                    .tmp()
                    .join(rel)
                    .symlink_metadata()
                    .is_ok_and(|m| m.is_file())
        });
        if all {
            for rel in &rels {
                self.done(rel);
            }
        }
        all
    }

    fn count(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }
}

/// Takes the lock of an output: at once when it is free, else after
/// telling `waiting` which process holds it.
fn lock_output(
    path: &Path,
    root: &Path,
    waiting: &dyn Fn(&str),
) -> Result<std::fs::File, Diagnostic> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Diagnostic::io(path, root, "create the output's lock file", &e))?;
    let locked = |e: std::io::Error| Diagnostic::io(path, root, "lock the output", &e);
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(path).unwrap_or_default();
            let holder = holder.trim();
            let who = if holder.is_empty() {
                "another build".to_string()
            } else {
                format!("another build (process {holder})")
            };
            waiting(&format!(
                "{who} is writing to this output; waiting for it to finish"
            ));
            file.lock().map_err(locked)?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(locked(e)),
    }
    // Who holds it, for the message of the next build that waits.
    let _ = file.set_len(0);
    let _ = (&file).write_all(std::process::id().to_string().as_bytes());
    Ok(file)
}

/// Exchanges two folders in one step.
#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c =
        |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether the exchange failed because the system or the file system
/// cannot do it (then two renames do the work).
pub(crate) fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EXDEV)
    ) {
        return true;
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

/// For the tests of a killed build: `BLASON_TEST_PAUSE=POINT:FILE` makes
/// the build create FILE when it reaches POINT (`swap`, `spare`,
/// `second-rename`) and wait there to be killed.
fn test_pause(point: &str) {
    let Some(spec) = std::env::var_os("BLASON_TEST_PAUSE") else {
        return;
    };
    let spec = spec.to_string_lossy();
    if let Some((at, flag)) = spec.split_once(':')
        && at == point
    {
        let _ = std::fs::write(flag, point);
        std::thread::sleep(std::time::Duration::from_secs(60));
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
pub type Files = std::collections::HashMap<std::sync::Arc<str>, std::sync::Arc<[u8]>>;

/// A site as `serve` holds it: the files it wrote, in memory, and the
/// files it copied (static files, bundle assets, image variants from the
/// cache), named by their source and read from it when asked for. A site
/// of photos is not held in memory twice over, once on disk and once in
/// `serve`. Written text files are held compressed ([`Served::packed`]).
///
/// Paths are hashed with FxHash: they are the site's own, looked up at
/// every request and written at every build, never listed in an order
/// that reaches a file.
#[derive(Debug, Default, Clone)]
pub struct Served {
    files: rustc_hash::FxHashMap<std::sync::Arc<str>, Held>,
}

/// An output path and its bytes, both shared.
pub(crate) type SharedFile = (std::sync::Arc<str>, std::sync::Arc<[u8]>);

/// One file of a [`Served`] site.
#[derive(Debug, Clone)]
enum Held {
    /// Its bytes as written, to be packed ([`Served::packed`]).
    Written(std::sync::Arc<[u8]>),
    /// Its bytes, held as they are: shared with the stage that made them,
    /// small, not text, or not smaller packed.
    Kept(std::sync::Arc<[u8]>),
    /// Its bytes as an LZ4 block, their length first. Pages are most of
    /// what `serve` holds (on the 10k benchmark corpus, 250 MB of 770) and
    /// shrink about 2.6 times; a page is read back in microseconds.
    Packed(std::sync::Arc<[u8]>),
    /// Copied: its source's real path, read when asked for.
    Copied(std::sync::Arc<Path>),
}

/// Written text files at least this long are packed, when that saves at
/// least an eighth of them.
const PACK_FROM: usize = 2048;

impl Held {
    /// Bytes written at `rel`: to be packed later when they may be worth it.
    fn written(rel: &str, bytes: &[u8]) -> Held {
        if bytes.len() >= PACK_FROM && is_text(rel) {
            Held::Written(bytes.into())
        } else {
            Held::Kept(bytes.into())
        }
    }

    /// Written bytes packed, or kept when packing does not pay.
    fn pack(bytes: &std::sync::Arc<[u8]>) -> Held {
        match crate::packed::pack(bytes) {
            Some(block) => Held::Packed(block.into()),
            None => Held::Kept(std::sync::Arc::clone(bytes)),
        }
    }

    fn bytes(&self) -> std::io::Result<std::sync::Arc<[u8]>> {
        match self {
            Held::Written(b) | Held::Kept(b) => Ok(std::sync::Arc::clone(b)),
            Held::Packed(p) => crate::packed::unpack(p).map(Into::into),
            Held::Copied(src) => read_copied(src),
        }
    }
}

impl Served {
    /// Whether there is a file at `rel`.
    pub fn contains(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    /// The bytes at `rel`: a file written, or a copied one read now (an
    /// error when its source is gone since the build, or is no longer the
    /// file it was: see `read_copied`).
    pub fn bytes(&self, rel: &str) -> Option<std::io::Result<std::sync::Arc<[u8]>>> {
        self.files.get(rel).map(Held::bytes)
    }

    /// Every file with its bytes, the copied ones read now.
    pub fn read_all(&self) -> std::io::Result<Files> {
        self.files
            .iter()
            .map(|(rel, held)| Ok((std::sync::Arc::clone(rel), held.bytes()?)))
            .collect()
    }

    /// Every file's path in the output.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there is no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// This site with the text files written since the last call packed
    /// (`Held::Packed`, on every thread of the pool), or `None` when
    /// there are none. `serve` asks for it once the browser was told to
    /// reload: packing does not delay a save's reload.
    pub fn packed(&self) -> Option<Served> {
        use rayon::prelude::*;
        let written: Vec<(&std::sync::Arc<str>, &std::sync::Arc<[u8]>)> = self
            .files
            .iter()
            .filter_map(|(rel, held)| match held {
                Held::Written(b) => Some((rel, b)),
                _ => None,
            })
            .collect();
        if written.is_empty() {
            return None;
        }
        let packed: Vec<(std::sync::Arc<str>, Held)> = written
            .into_par_iter()
            .map(|(rel, bytes)| (std::sync::Arc::clone(rel), Held::pack(bytes)))
            .collect();
        let mut files = self.files.clone();
        files.extend(packed);
        Some(Served { files })
    }

    /// This site without the files under `folder/`: a table of its own,
    /// made at once (copying the whole table, then removing a search
    /// index's 10,000 result files one by one, took longer). Its table
    /// has room for as many files as this one: grown as it was filled, it
    /// was made again at each doubling, and the next build writes that
    /// folder again.
    pub(crate) fn without(&self, folder: &str) -> Served {
        let mut files =
            rustc_hash::FxHashMap::with_capacity_and_hasher(self.files.len(), Default::default());
        files.extend(
            self.files
                .iter()
                .filter(|(rel, _)| !in_folder(rel, folder))
                .map(|(rel, held)| (std::sync::Arc::clone(rel), held.clone())),
        );
        Served { files }
    }

    /// The files under `folder/`, each with its bytes shared, when every
    /// one is held as it was written (none packed or copied); `None`
    /// otherwise.
    pub(crate) fn shared_under(&self, folder: &str) -> Option<Vec<SharedFile>> {
        self.files
            .iter()
            .filter(|(rel, _)| in_folder(rel, folder))
            .map(|(rel, held)| match held {
                Held::Written(b) | Held::Kept(b) => {
                    Some((std::sync::Arc::clone(rel), std::sync::Arc::clone(b)))
                }
                Held::Packed(_) | Held::Copied(_) => None,
            })
            .collect()
    }

    /// Whether `other` holds the file at `rel` as the very bytes this
    /// site holds (not an equal copy): made once, kept since (tests).
    #[cfg(test)]
    pub(crate) fn shares(&self, other: &Served, rel: &str) -> bool {
        match (self.files.get(rel), other.files.get(rel)) {
            (
                Some(Held::Written(a) | Held::Kept(a) | Held::Packed(a)),
                Some(Held::Written(b) | Held::Kept(b) | Held::Packed(b)),
            ) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn put(&mut self, rel: &str, held: Held) {
        // By the path a request finds it at: bundle assets are written
        // under their page's path, which starts with a slash.
        self.files.insert(rel.trim_start_matches('/').into(), held);
    }
}

/// Whether the output path `rel` is under `folder/`.
fn in_folder(rel: &str, folder: &str) -> bool {
    rel.strip_prefix(folder)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The bytes of a copied file, by the real path it had when the build
/// copied it (no symbolic link in it). The build checked then that it
/// stays inside the site; a folder or the file itself replaced by a
/// symbolic link since could lead anywhere on the machine, so the file
/// opened must still be the one at that real path.
fn read_copied(real: &Path) -> std::io::Result<std::sync::Arc<[u8]>> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(real)?;
    // Where the open led, asked of the open file itself on Linux (nothing
    // can change between the check and the read), of the path elsewhere.
    #[cfg(target_os = "linux")]
    let opened = {
        use std::os::fd::AsRawFd as _;
        std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))?
    };
    #[cfg(not(target_os = "linux"))]
    let opened = real.canonicalize()?;
    if opened != real {
        return Err(std::io::Error::other(
            "the file was replaced by a symbolic link since the build",
        ));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes.into())
}

/// A site in memory (`serve`): every file by its path in the output, the
/// copied ones by their source (see [`Served`]).
#[derive(Default)]
pub struct Memory {
    files: std::sync::Mutex<Served>,
}

impl Memory {
    /// A site that starts as `last` (the last build's): files written or
    /// copied replace theirs, the others stay.
    pub fn starting_from(last: Served) -> Memory {
        Memory {
            files: std::sync::Mutex::new(last),
        }
    }

    /// The files written and copied, the copied ones read (tests).
    #[cfg(test)]
    pub fn into_files(self) -> Files {
        self.into_served().read_all().unwrap_or_default()
    }

    /// The site.
    pub fn into_served(self) -> Served {
        self.files.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl Sink for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        safe_rel(rel)?;
        self.put(rel, Held::written(rel, bytes));
        Ok(())
    }
    fn write_shared(&self, rel: &str, bytes: &std::sync::Arc<[u8]>) -> Result<(), Diagnostic> {
        safe_rel(rel)?;
        // Held as they are: the caller keeps these bytes too.
        self.put(rel, Held::Kept(std::sync::Arc::clone(bytes)));
        Ok(())
    }
    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        safe_rel(rel)?;
        // Not read: served from its source when asked for, by its real
        // path (`read_copied`). A source that is not a file is the error
        // `check` gives ([`Discard`]).
        let real = src
            .canonicalize()
            .ok()
            .filter(|r| r.is_file())
            .ok_or_else(|| {
                Diagnostic::error("missing-file", "the file is missing")
                    .file(display_path(src, Path::new("")))
            })?;
        self.put(rel, Held::Copied(real.into()));
        Ok(())
    }
    fn write_all_shared(&self, files: &[SharedFile]) -> Result<(), Diagnostic> {
        for (rel, _) in files {
            safe_rel(rel)?;
        }
        // One lock, and the paths' own copies as keys.
        let mut served = self.files.lock().unwrap_or_else(|p| p.into_inner());
        served.files.extend(files.iter().map(|(rel, bytes)| {
            let key = match rel.strip_prefix('/') {
                Some(_) => rel.trim_start_matches('/').into(),
                None => std::sync::Arc::clone(rel),
            };
            (key, Held::Kept(std::sync::Arc::clone(bytes)))
        }));
        Ok(())
    }
    fn count(&self) -> u64 {
        self.files.lock().unwrap_or_else(|p| p.into_inner()).len() as u64
    }
}

impl Memory {
    fn put(&self, rel: &str, held: Held) {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.put(rel, held);
    }
}

/// Extensions of the files served as text, which `build --compress` writes
/// pre-compressed beside themselves (docs/deploy.md).
const TEXT_EXTENSIONS: [&str; 20] = [
    "html",
    "htm",
    "css",
    "js",
    "mjs",
    "json",
    "xml",
    "svg",
    "ics",
    "txt",
    "webmanifest",
    "map",
    "csv",
    "tsv",
    "md",
    "atom",
    "rss",
    "gpx",
    "kml",
    "geojson",
];

/// Whether `rel` is a text file worth serving compressed.
pub fn is_text(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| TEXT_EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(ext)))
}

/// `bytes` as a gzip member: best compression, no file name and no time in
/// the header, so the same bytes give the same file on every build.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compression, GzBuilder};
    let mut enc = GzBuilder::new().mtime(0).operating_system(255).write(
        Vec::with_capacity(bytes.len() / 3 + 64),
        Compression::best(),
    );
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// `bytes` compressed with Brotli at its best quality (11) and a 4 MiB
/// window: slow to write once, as fast as any to read, ~15–20 % smaller
/// than gzip on HTML. The encoder is deterministic.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 4 + 64);
    let mut input = bytes;
    // Reading a slice and writing to a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

/// A sink that also writes `FILE.gz` and `FILE.br` beside every text file
/// (`build --compress`), for servers that send a pre-compressed file when the
/// browser accepts it (nginx's `gzip_static`/`brotli_static`, Apache's
/// MultiViews, most static hosts): no compression on each request, and the
/// strongest settings paid once at build time. They go through the inner
/// sink, so they are staged and swapped in with the rest of the site.
///
/// Brotli at its best is slow (a second for a few hundred pages), so a file
/// the reused output already held with the same bytes keeps the compressed
/// copies it had there: that output was a whole committed build, whose
/// `.gz` and `.br` were made from those bytes. Only what changed is
/// compressed again.
pub struct Compressed<'a> {
    inner: &'a dyn Sink,
}

impl<'a> Compressed<'a> {
    pub fn new(inner: &'a dyn Sink) -> Compressed<'a> {
        Compressed { inner }
    }

    /// Writes `FILE.gz` and `FILE.br` for a text file; `kept` says the
    /// inner sink held the file's bytes already.
    fn siblings<'b>(
        &self,
        rel: &str,
        kept: bool,
        bytes: impl FnOnce() -> Result<Cow<'b, [u8]>, Diagnostic>,
    ) -> Result<(), Diagnostic> {
        if !is_text(rel) {
            return Ok(());
        }
        let (gz, br) = (format!("{rel}.gz"), format!("{rel}.br"));
        // Both kept, or both made again: never one of each generation.
        if kept && self.inner.keep_all(&[&gz, &br]) {
            return Ok(());
        }
        let bytes = bytes()?;
        self.inner.write(&gz, &gzip(&bytes))?;
        self.inner.write(&br, &brotli(&bytes))
    }
}

impl Sink for Compressed<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let kept = self.inner.write_kept(rel, bytes)?;
        self.siblings(rel, kept, || Ok(Cow::Borrowed(bytes)))
    }
    fn copy(&self, rel: &str, src: &Path) -> Result<(), Diagnostic> {
        let kept = self.inner.copy_kept(rel, src)?;
        self.siblings(rel, kept, || {
            std::fs::read(src)
                .map(Cow::Owned)
                .map_err(|e| Diagnostic::io(src, Path::new(""), "read the file", &e))
        })
    }
    fn count(&self) -> u64 {
        self.inner.count()
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
    #[cfg(unix)]
    #[test]
    fn memory_serves_a_copied_file_from_its_source_without_holding_it() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("photo.jpg");
        std::fs::write(&src, b"first").unwrap();
        let mem = Memory::default();
        mem.copy("/static/photo.jpg", &src).unwrap();
        mem.write("index.html", b"<p>").unwrap();
        assert_eq!(mem.count(), 2);
        let served = mem.into_served();
        // Held by its source's name, not its bytes.
        let real = src.canonicalize().unwrap();
        assert!(
            matches!(&served.files["static/photo.jpg"], Held::Copied(s) if **s == *real),
            "{:?}",
            served.files["static/photo.jpg"]
        );
        assert!(served.contains("static/photo.jpg") && served.contains("index.html"));
        assert_eq!(
            &*served.bytes("static/photo.jpg").unwrap().unwrap(),
            b"first"
        );
        // Read when asked for: a source saved since gives its new bytes.
        std::fs::write(&src, b"second").unwrap();
        assert_eq!(
            &*served.bytes("static/photo.jpg").unwrap().unwrap(),
            b"second"
        );
        let mut paths: Vec<&str> = served.paths().collect();
        paths.sort_unstable();
        assert_eq!(paths, ["index.html", "static/photo.jpg"]);
        // A build starting from it: a file written where one was copied
        // replaces it, and the other way round.
        let mem = Memory::starting_from(served.clone());
        mem.write("static/photo.jpg", b"made").unwrap();
        mem.copy("index.html", &src).unwrap();
        let next = mem.into_served();
        assert_eq!(&*next.bytes("static/photo.jpg").unwrap().unwrap(), b"made");
        assert_eq!(&*next.bytes("index.html").unwrap().unwrap(), b"second");
        assert_eq!(next.len(), 2);
        // A source replaced by a symbolic link since the build (to a file
        // outside the site) is not read, nor one whose folder was.
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, b"secret").unwrap();
        std::fs::remove_file(&src).unwrap();
        std::os::unix::fs::symlink(&secret, &src).unwrap();
        assert!(served.bytes("static/photo.jpg").unwrap().is_err());
        std::fs::remove_file(&src).unwrap();
        let folder = dir.path().join("static");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("a.jpg"), b"a").unwrap();
        let mem = Memory::default();
        mem.copy("a.jpg", &folder.join("a.jpg")).unwrap();
        let linked = mem.into_served();
        assert_eq!(&*linked.bytes("a.jpg").unwrap().unwrap(), b"a");
        std::fs::rename(&folder, dir.path().join("moved")).unwrap();
        std::fs::write(outside.path().join("a.jpg"), b"secret").unwrap();
        std::os::unix::fs::symlink(outside.path(), &folder).unwrap();
        assert!(linked.bytes("a.jpg").unwrap().is_err());
        // A source gone since the build is an error when asked for; a copy
        // of something that is not a file is an error at once.
        assert!(served.bytes("static/photo.jpg").unwrap().is_err());
        assert!(served.bytes("nothing.jpg").is_none());
        let mem = Memory::default();
        assert!(mem.copy("gone.jpg", &src).is_err());
        assert!(mem.copy("dir", dir.path()).is_err());
        assert!(mem.copy("../out.jpg", dir.path()).is_err());
    }

    #[test]
    fn memory_holds_pages_packed_and_gives_back_their_bytes() {
        let page: String = (0..400)
            .map(|i| format!("<li><a href=\"/lieux/{i}/\">Lieu {i}</a></li>\n"))
            .collect();
        // Bytes that do not compress (a JPEG's), under a text name.
        let mut noise = vec![0u8; 8192];
        let mut x: u32 = 1;
        for b in &mut noise {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        let mem = Memory::default();
        mem.write("lieux/index.html", page.as_bytes()).unwrap();
        mem.write("small.html", b"<p>court</p>").unwrap();
        mem.write("noise.json", &noise).unwrap();
        mem.write("photo.jpg", page.as_bytes()).unwrap();
        let shared: std::sync::Arc<[u8]> = page.as_bytes().into();
        mem.write_shared("shard.json", &shared).unwrap();
        let written = mem.into_served();
        assert!(matches!(
            written.files["lieux/index.html"],
            Held::Written(_)
        ));
        let served = written.packed().expect("a page to pack");
        match &served.files["lieux/index.html"] {
            Held::Packed(p) => assert!(p.len() * 2 < page.len(), "{} of {}", p.len(), page.len()),
            other => panic!("a page is held as it was written: {other:?}"),
        }
        // Small files, files that do not shrink, files that are not text
        // and files whose bytes their maker shares are held as they are.
        for rel in ["small.html", "noise.json", "photo.jpg", "shard.json"] {
            assert!(matches!(served.files[rel], Held::Kept(_)), "{rel}");
        }
        assert!(served.packed().is_none(), "packed twice");
        for site in [&written, &served] {
            assert_eq!(
                &*site.bytes("lieux/index.html").unwrap().unwrap(),
                page.as_bytes()
            );
            let all = site.read_all().unwrap();
            assert_eq!(&*all["lieux/index.html"], page.as_bytes());
            assert_eq!(&*all["noise.json"], &noise[..]);
            assert_eq!(&*all["small.html"], b"<p>court</p>");
            assert_eq!(all.len(), 5);
        }
    }

    #[test]
    fn memory_keeps_files_by_the_path_a_request_finds_them_at() {
        let mem = Memory::default();
        mem.write("/tourisme/lac/lac.fr.vtt", b"WEBVTT").unwrap();
        mem.write("tourisme/index.html", b"x").unwrap();
        assert!(mem.write("/../x", b"x").is_err());
        let files = mem.into_files();
        let mut names: Vec<&str> = files.keys().map(|k| &**k).collect();
        names.sort_unstable();
        assert_eq!(names, ["tourisme/index.html", "tourisme/lac/lac.fr.vtt"]);
    }

    #[test]
    fn compressed_siblings_hold_the_same_bytes_and_only_for_text() {
        use std::io::Read as _;
        let mem = Memory::default();
        let sink = Compressed::new(&mem);
        let html = "<!DOCTYPE html><title>Le lac</title>".repeat(200);
        sink.write("tourisme/lac/index.html", html.as_bytes())
            .unwrap();
        sink.write("processed_images/lac.webp", b"RIFF....WEBP")
            .unwrap();
        sink.write("agenda.ics", b"BEGIN:VCALENDAR").unwrap();
        let files = mem.into_files();
        let mut names: Vec<&str> = files.keys().map(|k| &**k).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "agenda.ics",
                "agenda.ics.br",
                "agenda.ics.gz",
                "processed_images/lac.webp",
                "tourisme/lac/index.html",
                "tourisme/lac/index.html.br",
                "tourisme/lac/index.html.gz",
            ]
        );
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&files["tourisme/lac/index.html.gz"][..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, html);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &files["tourisme/lac/index.html.br"][..], &mut unbrotli)
            .unwrap();
        assert_eq!(unbrotli, html.as_bytes());
        assert!(files["tourisme/lac/index.html.br"].len() < html.len() / 10);
        // The same bytes every time: no time or name in the headers.
        assert_eq!(
            &gzip(html.as_bytes())[..],
            &files["tourisme/lac/index.html.gz"][..]
        );
        assert_eq!(
            brotli(html.as_bytes()),
            &files["tourisme/lac/index.html.br"][..]
        );
    }

    #[test]
    fn text_files_are_known_by_their_extension() {
        for t in [
            "index.html",
            "a/style.0123.css",
            "x.JS",
            "feed.xml",
            "site.webmanifest",
            "a.ics",
            "robots.txt",
            "i.svg",
            "s/i.json",
        ] {
            assert!(is_text(t), "{t}");
        }
        for b in [
            "a.webp",
            "a.jpg",
            "kit.zip",
            "fonts/inter.woff2",
            "index.html.gz",
            "x.br",
            "README",
            "html",
        ] {
            assert!(!is_text(b), "{b}");
        }
    }

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
            let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
            s.write("a.html", b"new").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        // OUT and the lock file only: no staging folder left.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
        s.write("b/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "new"
        );
        // OUT, and the replaced output kept as the next build's spare.
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [".public.blason-lock", ".public.blason-spare", "public"]
        );
        // A build that stops before it writes, the spare's files perhaps
        // still being listed on their thread: nothing is left but OUT.
        drop(Staging::new(dir.path(), &out, &|_| {}).unwrap());
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".public.blason-lock", "public"]);
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "new"
        );
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let body = if e.file_type().is_dir() {
                    "/".to_string()
                } else {
                    std::fs::read_to_string(e.path()).unwrap()
                };
                (rel, body)
            })
            .collect();
        all.sort();
        all
    }

    fn build(root: &Path, out: &Path, files: &[(&str, &str)]) {
        let s = Staging::new(root, out, &|_| {}).unwrap();
        for (rel, body) in files {
            s.write(rel, body.as_bytes()).unwrap();
        }
        s.commit().unwrap();
    }

    #[test]
    fn rebuilds_reuse_the_spare_and_give_exactly_the_new_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare = dir.path().join(".public.blason-spare");
        build(
            dir.path(),
            &out,
            &[
                ("a.html", "1"),
                ("b/index.html", "1"),
                ("x/index.html", "1"),
                ("y", "1"),
            ],
        );
        build(
            dir.path(),
            &out,
            &[("a.html", "2"), ("c/d/index.html", "2")],
        );
        assert!(spare.is_dir(), "the first output is kept as the spare");
        // The third build starts from the first output: what it does not
        // write goes, including folders left empty; a folder becomes a file
        // and a file a folder.
        build(
            dir.path(),
            &out,
            &[
                ("a.html", "3"),
                ("b/index.html", "3"),
                ("x", "3"),
                ("y/index.html", "3"),
            ],
        );
        let expect = |files: &[(&str, &str)]| -> Vec<(String, String)> {
            let fresh = tempfile::tempdir().unwrap();
            build(fresh.path(), &fresh.path().join("public"), files);
            tree(&fresh.path().join("public"))
        };
        assert_eq!(
            tree(&out),
            expect(&[
                ("a.html", "3"),
                ("b/index.html", "3"),
                ("x", "3"),
                ("y/index.html", "3")
            ])
        );
        assert_eq!(
            tree(&spare),
            expect(&[("a.html", "2"), ("c/d/index.html", "2")])
        );
        // A failed build leaves OUT as it was and uses up the spare.
        {
            let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
            s.write("a.html", b"4").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "3");
        assert!(!spare.exists());
        build(dir.path(), &out, &[("z.html", "5")]);
        assert_eq!(tree(&out), expect(&[("z.html", "5")]));
    }

    #[cfg(unix)]
    #[test]
    fn links_in_a_reused_output_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("target.html"), "mine").unwrap();
        std::fs::write(outside.join("linked.html"), "mine too").unwrap();
        build(dir.path(), &out, &[("a.html", "1")]);
        // Someone links files of the published site to files of their own.
        std::os::unix::fs::symlink(outside.join("target.html"), out.join("s.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("folder")).unwrap();
        std::fs::hard_link(outside.join("linked.html"), out.join("h.html")).unwrap();
        // That output becomes the spare of the build after next.
        build(dir.path(), &out, &[("a.html", "2")]);
        build(
            dir.path(),
            &out,
            &[
                ("s.html", "3"),
                ("folder/target.html", "3"),
                ("h.html", "3"),
            ],
        );
        assert_eq!(
            std::fs::read_to_string(outside.join("target.html")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(outside.join("linked.html")).unwrap(),
            "mine too"
        );
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 2);
        assert_eq!(
            std::fs::read_to_string(out.join("folder/target.html")).unwrap(),
            "3"
        );
        assert!(
            !out.join("folder")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(!out.join("a.html").exists());
    }

    #[cfg(unix)]
    #[test]
    fn compressed_copies_of_unchanged_files_are_kept_and_changed_ones_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare = dir.path().join(".public.blason-spare");
        let src = dir.path().join("style.css");
        std::fs::write(&src, "body { margin: 0 }".repeat(50)).unwrap();
        let site = |page: &str, compress: bool| {
            let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
            let c = Compressed::new(&s);
            let sink: &dyn Sink = if compress { &c } else { &s };
            sink.write("k/index.html", "<p>same</p>".repeat(50).as_bytes())
                .unwrap();
            sink.write("p/index.html", page.as_bytes()).unwrap();
            sink.copy("style.css", &src).unwrap();
            let count = sink.count();
            s.commit().unwrap();
            count
        };
        let unbrotli = |rel: &str| {
            let mut b = Vec::new();
            brotli::BrotliDecompress(&mut &std::fs::read(out.join(rel)).unwrap()[..], &mut b)
                .unwrap();
            String::from_utf8(b).unwrap()
        };
        assert_eq!(site("1", true), 9);
        assert_eq!(site("2", true), 9);
        // The spare (the first output) gets marked copies: kept, they show.
        for rel in ["k/index.html", "style.css"] {
            std::fs::write(spare.join(format!("{rel}.br")), brotli(b"kept")).unwrap();
        }
        assert_eq!(site("3", true), 9);
        assert_eq!(unbrotli("k/index.html.br"), "kept");
        assert_eq!(unbrotli("style.css.br"), "kept");
        // A changed page is compressed again, both ways.
        assert_eq!(unbrotli("p/index.html.br"), "3");
        let mut gz = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(
                &std::fs::read(out.join("p/index.html.gz")).unwrap()[..],
            ),
            &mut gz,
        )
        .unwrap();
        assert_eq!(gz, "3");
        // A build without compression drops them; the next with it, whose
        // spare has none, makes them all again.
        assert_eq!(site("3", false), 3);
        assert!(!out.join("k/index.html.br").exists());
        assert_eq!(site("3", true), 9);
        assert_eq!(site("3", true), 9);
        assert_eq!(unbrotli("k/index.html.br"), "<p>same</p>".repeat(50));
        // A changed copied file too.
        std::fs::write(&src, "main { margin: 0 }").unwrap();
        site("3", true);
        assert_eq!(unbrotli("style.css.br"), "main { margin: 0 }");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_of_the_spare_are_kept_not_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let src = dir.path().join("photo.jpg");
        std::fs::write(&src, "pixels").unwrap();
        let site = |page: &str| {
            let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
            s.write("k/index.html", b"same").unwrap();
            s.write("p/index.html", page.as_bytes()).unwrap();
            s.copy("photo.jpg", &src).unwrap();
            s.commit().unwrap();
        };
        let pause = || std::thread::sleep(std::time::Duration::from_millis(30));
        site("1");
        let date = |rel: &str| {
            let m = std::fs::metadata(out.join(rel)).unwrap();
            (m.ino(), m.mtime(), m.mtime_nsec())
        };
        let first = (
            date("k/index.html"),
            date("p/index.html"),
            date("photo.jpg"),
        );
        pause();
        site("2");
        pause();
        site("3");
        // The first output came back as the staging folder: unchanged files
        // were not written again; the changed page has its new text.
        assert_eq!(date("k/index.html"), first.0);
        assert_eq!(date("photo.jpg"), first.2);
        assert_ne!(date("p/index.html"), first.1);
        assert_eq!(
            std::fs::read_to_string(out.join("p/index.html")).unwrap(),
            "3"
        );
        std::fs::write(&src, "other!").unwrap();
        site("4");
        site("5");
        assert_eq!(
            std::fs::read_to_string(out.join("photo.jpg")).unwrap(),
            "other!"
        );
    }

    #[test]
    fn copies_take_the_output_permissions_not_the_source_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let src = dir.path().join("plan.pdf");
        std::fs::write(&src, "plan").unwrap();
        std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o400)).unwrap();
        let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
        s.copy("plan.pdf", &src).unwrap();
        s.commit().unwrap();
        let copied = out.join("plan.pdf");
        assert_eq!(std::fs::read_to_string(&copied).unwrap(), "plan");
        let mode = std::fs::metadata(&copied).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o600,
            0o600,
            "the owner can read and write: {mode:o}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn folders_are_exchanged_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("new.html"), "new").unwrap();
        std::fs::write(b.join("old.html"), "old").unwrap();
        exchange(&a, &b).unwrap();
        assert!(b.join("new.html").is_file() && !b.join("old.html").exists());
        assert!(a.join("old.html").is_file());
        let missing = exchange(&dir.path().join("nope"), &b).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        assert!(!exchange_unsupported(&missing));
    }

    #[test]
    fn a_commit_keeps_the_previous_output_as_the_spare() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for (n, text) in ["one", "two"].into_iter().enumerate() {
            let s = Staging::new(dir.path(), &out, &|_| {}).unwrap();
            s.write("index.html", text.as_bytes()).unwrap();
            s.write(&format!("only-{n}.html"), b"x").unwrap();
            s.commit().unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(
            !out.join("only-0.html").exists(),
            "the first build's page is gone"
        );
        let spare = dir.path().join(".public.blason-spare");
        assert_eq!(
            std::fs::read_to_string(spare.join("index.html")).unwrap(),
            "one"
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".public.blason-lock", ".public.blason-spare", "public"]
        );
    }

    #[test]
    fn a_second_build_into_the_same_output_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::new(dir.path(), &out, &|_| {}).unwrap();
        first.write("index.html", b"first").unwrap();
        let (told, heard) = std::sync::mpsc::channel::<String>();
        let (root, out2) = (dir.path().to_path_buf(), out.clone());
        let second = std::thread::spawn(move || {
            let told = std::sync::Mutex::new(told);
            let s = Staging::new(&root, &out2, &|m| {
                let _ = told.lock().unwrap().send(m.to_string());
            })
            .unwrap();
            s.write("index.html", b"second").unwrap();
            s.commit().unwrap();
        });
        let message = heard
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the second build says it waits");
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
        // The first build's staging folder is intact while the second waits.
        std::thread::sleep(std::time::Duration::from_millis(100));
        first.write("page.html", b"still writing").unwrap();
        first.commit().unwrap();
        second.join().unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"second");
    }
}
