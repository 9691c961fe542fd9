//! A file's stamp (its size and modification time) and a text's
//! fingerprint (its hash). While a stamp stays the same, a file is taken to
//! be the one read before, so that an unchanged photo is not hashed again
//! and `serve` does not parse an unchanged page again; fingerprints tell
//! which bodies changed. Nothing else lives here.

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

/// A fingerprint of a text: equal texts, equal fingerprints.
pub fn fingerprint(text: &str) -> [u8; 32] {
    *blake3::hash(text.as_bytes()).as_bytes()
}
