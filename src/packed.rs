//! Bytes held in memory as LZ4 blocks: `serve`'s written text files
//! (`output::Served`), each page's rendered HTML (`markdown::held`: a
//! build's until its page is written, `serve`'s kept for its next build)
//! and the markdown `serve` remembers of each page ([`Text`]). One block
//! format (the length first) and one rule for when packing pays, for all;
//! and the UTF-8 check of text read back ([`string_from_utf8`], which
//! content files read from disk go through too).

use std::borrow::Cow;
use std::sync::Arc;

/// `bytes` as an LZ4 block with their length first, when that saves at
/// least an eighth of them; `None` when it does not.
pub fn pack(bytes: &[u8]) -> Option<Box<[u8]>> {
    let block = lz4_flex::block::compress_prepend_size(bytes);
    (block.len() <= bytes.len() - bytes.len() / 8).then(|| block.into_boxed_slice())
}

/// The bytes of a block [`pack`] made.
pub fn unpack(block: &[u8]) -> std::io::Result<Vec<u8>> {
    lz4_flex::block::decompress_size_prepended(block).map_err(std::io::Error::other)
}

/// The length of the bytes a block [`pack`] made holds, read from its
/// first four bytes (0 for a block too short to have them).
pub fn unpacked_len(block: &[u8]) -> usize {
    block
        .first_chunk::<4>()
        .map_or(0, |n| u32::from_le_bytes(*n) as usize)
}

/// Text at least this long is packed, when that saves at least an eighth.
const PACK_FROM: usize = 1024;

/// Text held as it is or packed, shared and not copied: a clone holds
/// the same block.
#[derive(Debug, Clone, Default)]
pub struct Text(Arc<Held>);

#[derive(Debug, Default)]
enum Held {
    #[default]
    Empty,
    /// Short, or not smaller packed: without spare capacity.
    Plain(Box<str>),
    /// UTF-8 as a block of [`pack`], its length first.
    Packed(Box<[u8]>),
}

impl Text {
    /// Holds `text` as it is, without spare capacity.
    pub fn new(text: String) -> Text {
        if text.is_empty() {
            return Text::default();
        }
        // Copied into a block of its size when it has spare room:
        // shrinking may leave a block in place (mimalloc keeps it when at
        // least half is used), and the 90 MB of a 10k site's HTML held
        // 130 MB.
        let plain: Box<str> = if text.capacity() > text.len() {
            Box::from(text.as_str())
        } else {
            text.into_boxed_str()
        };
        Text(Arc::new(Held::Plain(plain)))
    }

    /// This text packed, when it is long and packing pays; else itself.
    pub fn packed(self) -> Text {
        let Held::Plain(text) = &*self.0 else {
            return self;
        };
        if text.len() < PACK_FROM {
            return self;
        }
        match pack(text.as_bytes()) {
            Some(block) => Text(Arc::new(Held::Packed(block))),
            None => self,
        }
    }

    /// The text: borrowed when held as is, unpacked otherwise.
    pub fn text(&self) -> Cow<'_, str> {
        match &*self.0 {
            Held::Empty => Cow::Borrowed(""),
            Held::Plain(s) => Cow::Borrowed(s),
            Held::Packed(block) => Cow::Owned(unpack_text(block)),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match &*self.0 {
            Held::Empty => 0,
            Held::Plain(s) => s.len(),
            Held::Packed(block) => unpacked_len(block),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `a` and `b` are the same held text (not only equal text).
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// A number that names this held text while it is held (its address).
    pub fn key(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The bytes this text takes in memory (its block when packed).
    #[cfg(test)]
    pub fn held_len(&self) -> usize {
        match &*self.0 {
            Held::Empty => 0,
            Held::Plain(s) => s.len(),
            Held::Packed(block) => block.len(),
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s.to_owned())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(s)
    }
}

/// A block [`Text::packed`] made, read back. It was packed from valid UTF-8
/// in this process, so neither check below can fail unless memory was
/// corrupted: the build stops then (its previous output stays) rather than
/// write a page without its text.
fn unpack_text(block: &[u8]) -> String {
    let bytes = unpack(block).expect("a text block this process packed");
    string_from_utf8(bytes).expect("a text block packed from UTF-8")
}

/// `bytes` as a `String` when they are UTF-8, as [`String::from_utf8`]
/// gives it, checked with simdutf8's vectorised validator. The standard
/// one took 6 % of the render stage when `serve` renders every page again
/// (each page's body is unpacked, then checked) and 2–3 % of a 10k build;
/// simdutf8 checks the same bytes several times faster. An error is
/// the standard library's, with where the text stops being UTF-8.
pub fn string_from_utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return String::from_utf8(bytes);
    }
    // SAFETY: simdutf8 has just checked that `bytes` are valid UTF-8, which
    // is all `from_utf8_unchecked` requires.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_checked_as_the_standard_library_checks_it() {
        let cases: [&[u8]; 7] = [
            b"",
            "Le sentier longe la rivi\u{e8}re, \u{ab}\u{202f}ici\u{202f}\u{bb}".as_bytes(),
            b"plain ASCII text, long enough to fill a vector register or two",
            b"\xff",
            b"caf\xc3",
            b"a\xe2\x82",
            b"ok \xed\xa0\x80 surrogate",
        ];
        for bytes in cases {
            let ours = string_from_utf8(bytes.to_vec());
            let std = String::from_utf8(bytes.to_vec());
            match (ours, std) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => {
                    assert_eq!(a.utf8_error().valid_up_to(), b.utf8_error().valid_up_to());
                    assert_eq!(a.into_bytes(), bytes);
                }
                (a, b) => panic!("{bytes:?}: {a:?} against {b:?}"),
            }
        }
    }

    #[test]
    fn repeated_bytes_pack_and_come_back_and_noise_is_left_alone() {
        let page = "<p>Le sentier longe la rivière.</p>\n".repeat(100);
        let block = pack(page.as_bytes()).expect("repeated text packs");
        assert!(
            block.len() * 4 < page.len(),
            "{} of {}",
            block.len(),
            page.len()
        );
        assert_eq!(unpacked_len(&block), page.len());
        assert_eq!(unpack(&block).unwrap(), page.as_bytes());
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: Vec<u8> = (0..4000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        assert!(pack(&noise).is_none(), "noise does not shrink by an eighth");
        assert!(unpack(b"\x10\0\0\0").is_err(), "a block cut short");
        assert_eq!(unpacked_len(b"\x01"), 0);
    }

    #[test]
    fn long_text_is_packed_and_reads_back_the_same() {
        let page: String = (0..200)
            .map(|i| format!("<p>Le sentier n°{i} longe la rivière jusqu'au moulin.</p>\n"))
            .collect();
        let held = Text::new(page.clone()).packed();
        assert_eq!(held.text(), page);
        assert_eq!(held.len(), page.len());
        assert!(
            held.held_len() * 3 < page.len(),
            "{} of {}",
            held.held_len(),
            page.len()
        );
        assert!(matches!(held.text(), Cow::Owned(_)));
        let shared = held.clone();
        assert!(Text::ptr_eq(&held, &shared));
        assert!(!Text::ptr_eq(&held, &Text::new(page.clone()).packed()));
        // Not packed until asked.
        assert!(matches!(Text::new(page).text(), Cow::Borrowed(_)));
    }

    #[test]
    fn short_or_unpackable_text_is_held_as_is() {
        let short = Text::new("<p>Accès</p>".to_owned()).packed();
        assert!(matches!(short.text(), Cow::Borrowed("<p>Accès</p>")));
        // Bytes that do not repeat do not shrink: held as they are.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: String = (0..4000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'!' + (x % 90) as u8)
            })
            .collect();
        let held = Text::new(noise.clone()).packed();
        assert!(matches!(held.text(), Cow::Borrowed(_)));
        assert_eq!(held.text(), noise);
        assert_eq!(held.held_len(), noise.len());
        let empty = Text::new(String::new()).packed();
        assert!(empty.is_empty() && empty.text().is_empty());
    }
}
