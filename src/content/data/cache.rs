//! The feeds' objects kept on disk between builds, so that a build with an
//! unchanged feed parses nothing again, in any process (`blason build`
//! twice, CI with the cache folder restored), not only within `serve`.
//!
//! One file per feed, `CACHE_DIR/data/<feed>.bin`, holds the objects read
//! from each of the feed's files (a file of a folder, the zip, the JSON
//! file), each under the file's name and the blake3 hash of its bytes: a
//! file is taken from the cache only when its bytes are the ones read
//! before (sizes and times are not trusted; hashing runs at GB/s, parsing
//! at hundreds of MB/s). The whole file is tied to a context: the cache's
//! own version, blason's version, the feed's format and reader version and
//! the languages kept (a reader keeps only the site's), so that anything
//! that changes what is read makes the cache unused.
//!
//! The cache is a cache: a missing, truncated, corrupt or foreign file is
//! ignored (its entries are read again from the feed), never an error.
//! Each entry carries the blake3 hash of its bytes, checked before they
//! are decoded. Writing is atomic (a file of its own, then renamed), and a
//! build writes only when something was parsed or a file went away.
//!
//! Objects are encoded with bincode (already built for syntect, so no new
//! crate is compiled): exact for every value (floats round-trip bit for
//! bit, which serde_json does not promise without its `float_roundtrip`
//! feature) and compact (47 MB for the benchmark's 10,000 objects, whose
//! whole second build's content stage took 1.04 s: docs/performance.md).
//!
//! Layout: `MAGIC`, the context's 32 bytes, then entries until the end of
//! the file: the name's length (u32, little-endian) and name, the hash of
//! the feed's file (32 bytes), the payload's length (u64) and hash (32
//! bytes), the payload (a bincode `Vec<Object>`).

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use bincode::Options;
use rayon::prelude::*;

use super::Object;

/// The first bytes of a cache file; the last byte is the layout's version.
const MAGIC: &[u8; 18] = b"blason-data-cache\x01";

/// The bytes of a feed's file, as the cache knows them.
pub type Hash = [u8; 32];

/// The cache's own version: bump when [`Object`] or the languages' rule
/// changes, so that files written before are not decoded as something
/// else (bincode has no field names to notice a change by).
const VERSION: u32 = 2;

/// The context a cache file is valid in: a hash of everything that, beside
/// a file's bytes, decides what is read from it.
pub fn context(parts: &[&str]) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(&VERSION.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for p in parts {
        // Lengths first, so that ("ab", "c") and ("a", "bc") differ.
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    *h.finalize().as_bytes()
}

/// Where the cache of the feed named `feed` lives under `dir` (the site's
/// `[images] cache_dir`, joined to the root): its name is a hash of the
/// feed's name, which may be anything a user writes.
pub fn file_of(dir: &Path, feed: &str) -> PathBuf {
    let hash = blake3::hash(feed.as_bytes()).to_hex();
    dir.join("data").join(format!("{}.bin", &hash[..24]))
}

/// One entry of a cache file, found but not yet decoded.
struct Entry {
    hash: Hash,
    payload: Range<usize>,
    sum: Hash,
}

/// A feed's cache file as read: its entries by the name of the feed's file.
#[derive(Default)]
pub struct Cache {
    bytes: Vec<u8>,
    entries: HashMap<String, Entry>,
}

impl Cache {
    /// The cache at `path`, when it was written in `context`; empty when
    /// it is missing, of another context, or unreadable. A file cut or
    /// damaged past its header keeps the entries before the damage.
    pub fn open(path: &Path, context: &Hash) -> Cache {
        let Ok(bytes) = std::fs::read(path) else {
            return Cache::default();
        };
        let mut entries = HashMap::new();
        if bytes.len() >= MAGIC.len() + 32
            && bytes[..MAGIC.len()] == MAGIC[..]
            && bytes[MAGIC.len()..MAGIC.len() + 32] == context[..]
        {
            let mut at = MAGIC.len() + 32;
            while at < bytes.len() {
                match entry(&bytes, at) {
                    Some((name, e, next)) => {
                        entries.insert(name, e);
                        at = next;
                    }
                    None => break,
                }
            }
        }
        if entries.is_empty() {
            return Cache::default();
        }
        Cache { bytes, entries }
    }

    /// How many files of the feed it holds.
    pub fn entries(&self) -> usize {
        self.entries.len()
    }

    /// The objects read from the file `name` whose bytes hash to `hash`,
    /// or `None` when the cache does not hold them or holds them damaged.
    pub fn get(&self, name: &str, hash: &Hash) -> Option<Vec<Object>> {
        let e = self.entries.get(name).filter(|e| e.hash == *hash)?;
        let payload = &self.bytes[e.payload.clone()];
        if blake3::hash(payload).as_bytes() != &e.sum {
            return None;
        }
        // The limit bounds what a payload of another layout could make
        // bincode read (its lengths are not trusted for allocation either).
        encoding()
            .with_limit(payload.len() as u64)
            .deserialize(payload)
            .ok()
    }
}

/// bincode's encoding of the payloads: lengths and integers as varints.
fn encoding() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// The entry at `at`: its name, where its payload is, and where the next
/// entry starts; `None` when the bytes end or make no sense.
fn entry(bytes: &[u8], at: usize) -> Option<(String, Entry, usize)> {
    let mut r = Cursor { bytes, at };
    let len = u32::from_le_bytes(r.take(4)?.try_into().ok()?) as usize;
    let name = std::str::from_utf8(r.take(len)?).ok()?.to_string();
    let hash: Hash = r.take(32)?.try_into().ok()?;
    let len = usize::try_from(u64::from_le_bytes(r.take(8)?.try_into().ok()?)).ok()?;
    let sum: Hash = r.take(32)?.try_into().ok()?;
    let start = r.at;
    r.take(len)?;
    Some((
        name,
        Entry {
            hash,
            payload: start..r.at,
            sum,
        },
        r.at,
    ))
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }
}

/// Writes the cache of a feed at `path`: for each of its files read
/// without error, its name, the hash of its bytes and its objects. Whole
/// or not at all: into a file of its own, then renamed over the last one
/// (two builds may write it at once; the last rename wins, both whole).
/// A file cut or damaged all the same (a crash before the system wrote it
/// out) is found by its hashes when read, and ignored.
pub fn write(
    path: &Path,
    context: &Hash,
    files: &[(&str, Hash, &[Object])],
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "data".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        out.write_all(MAGIC)?;
        out.write_all(context)?;
        // Encoded a run of files at a time, in parallel: memory holds one
        // run's bytes, not the whole cache's.
        for run in files.chunks(256) {
            let encoded: Vec<Vec<u8>> = run
                .par_iter()
                .map(|(_, _, objects)| encoding().serialize(objects).map_err(std::io::Error::other))
                .collect::<std::io::Result<_>>()?;
            for ((name, hash, _), payload) in run.iter().zip(encoded) {
                out.write_all(&(name.len() as u32).to_le_bytes())?;
                out.write_all(name.as_bytes())?;
                out.write_all(hash)?;
                out.write_all(&(payload.len() as u64).to_le_bytes())?;
                out.write_all(blake3::hash(&payload).as_bytes())?;
                out.write_all(&payload)?;
            }
        }
        // Not synced to the disk: a file cut by a crash is found by its
        // hashes and ignored.
        out.flush()
    })();
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(n: usize) -> Vec<Object> {
        (0..n)
            .map(|i| Object {
                id: format!("15-{i}"),
                file: "data/flux/objects/a.json".into(),
                pointer: "$".into(),
                name: [("fr".to_string(), format!("Lieu n° {i}"))].into(),
                lat: Some(47.123_456_789_012_3 + i as f64 / 3.0),
                lon: Some(-0.1),
                updated: Some(jiff::civil::date(2024, 3, 1)),
                dates: vec![super::super::Occurrence {
                    start: jiff::civil::date(2024, 7, 14),
                    end: None,
                    start_time: Some(jiff::civil::time(21, 30, 0, 0)),
                    end_time: None,
                    start_at: Some("2024-07-14T19:30:00Z".parse().unwrap()),
                    end_at: None,
                }],
                ..Object::default()
            })
            .collect()
    }

    fn hash(s: &str) -> Hash {
        *blake3::hash(s.as_bytes()).as_bytes()
    }

    #[test]
    fn objects_come_back_exactly_under_their_file_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = file_of(dir.path(), "flux");
        let cx = context(&["datatourisme", "1", "fr en"]);
        let (a, b) = (objects(3), objects(1));
        write(
            &path,
            &cx,
            &[("a.json", hash("a"), &a), ("b.json", hash("b"), &b)],
        )
        .unwrap();
        let cache = Cache::open(&path, &cx);
        assert_eq!(cache.entries(), 2);
        assert_eq!(cache.get("a.json", &hash("a")), Some(a));
        assert_eq!(cache.get("b.json", &hash("b")), Some(b));
        // Other bytes, another file, another context: not in the cache.
        assert_eq!(cache.get("a.json", &hash("a2")), None);
        assert_eq!(cache.get("c.json", &hash("a")), None);
        assert_eq!(
            Cache::open(&path, &context(&["datatourisme", "1", "fr"])).entries(),
            0
        );
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_damaged_or_cut_cache_is_ignored_entry_by_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = file_of(dir.path(), "flux");
        let cx = context(&["x"]);
        let (a, b) = (objects(2), objects(5));
        write(
            &path,
            &cx,
            &[("a.json", hash("a"), &a), ("b.json", hash("b"), &b)],
        )
        .unwrap();
        let whole = std::fs::read(&path).unwrap();
        // Every cut: the entries wholly before it, nothing else, no panic.
        for cut in 0..whole.len() {
            std::fs::write(&path, &whole[..cut]).unwrap();
            let cache = Cache::open(&path, &cx);
            if let Some(got) = cache.get("a.json", &hash("a")) {
                assert_eq!(got, a);
            }
            assert_eq!(cache.get("b.json", &hash("b")), None, "cut at {cut}");
        }
        // Every flipped byte: an entry is whole and right, or not given.
        for at in (0..whole.len()).step_by(7) {
            let mut bad = whole.clone();
            bad[at] ^= 0x5a;
            std::fs::write(&path, &bad).unwrap();
            let cache = Cache::open(&path, &cx);
            for (name, h, want) in [("a.json", hash("a"), &a), ("b.json", hash("b"), &b)] {
                if let Some(got) = cache.get(name, &h) {
                    assert_eq!(&got, want, "flip at {at}");
                }
            }
        }
        // Not a cache at all.
        std::fs::write(&path, b"{\"not\": \"a cache\"}").unwrap();
        assert_eq!(Cache::open(&path, &cx).entries(), 0);
    }
}
