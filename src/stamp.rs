//! A file's stamp: its size and modification time. While both stay the
//! same, a file is taken to be the one read before, so that an unchanged
//! photo is not hashed again and `serve` does not parse an unchanged page
//! again. Nothing else lives here.

use std::path::Path;

/// A file's size and modification time (nanoseconds since the epoch).
pub type Stamp = (u64, u128);

/// The stamp of `path`, or `None` when it cannot be read.
pub fn of(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((meta.len(), modified.as_nanos()))
}
