//! A page's rendered HTML as the stages after the markdown stage hold it.
//!
//! A build holds every page's HTML from the markdown stage until the page
//! is rendered: long HTML is held as an LZ4 block ([`Html::packed`],
//! `crate::packed`). `serve` holds the bodies it keeps for its next build
//! the same way, packed once idle. On the 10k benchmark corpus the pages'
//! 90 MB of HTML take 38 MB packed, and a page's HTML is read back in a
//! few microseconds when a stage asks for it.

use std::borrow::Cow;
use std::sync::Arc;

/// HTML at least this long is packed, when that saves at least an eighth.
const PACK_FROM: usize = 1024;

/// Rendered HTML, shared and not copied: the feeds and photo pages that
/// show a page's HTML, and `serve`'s next build when the body is
/// unchanged, hold the same block.
#[derive(Debug, Clone, Default)]
pub struct Html(Arc<Held>);

#[derive(Debug, Default)]
enum Held {
    #[default]
    Empty,
    /// Short, or not smaller packed: without spare capacity.
    Plain(Box<str>),
    /// UTF-8 as a block of `crate::packed`, its length first.
    Packed(Box<[u8]>),
}

impl Html {
    /// Holds `html` as it is, without spare capacity.
    pub fn new(html: String) -> Html {
        if html.is_empty() {
            return Html::default();
        }
        // Copied into a block of its size when it has spare room:
        // shrinking may leave a block in place (mimalloc keeps it when at
        // least half is used), and the 90 MB of a 10k site's HTML held
        // 130 MB.
        let plain: Box<str> = if html.capacity() > html.len() {
            Box::from(html.as_str())
        } else {
            html.into_boxed_str()
        };
        Html(Arc::new(Held::Plain(plain)))
    }

    /// This HTML packed, when it is long and packing pays; else itself.
    /// A build packs each page's HTML as soon as it is rendered. `serve`
    /// packs the bodies it keeps once no save came for a second
    /// (`pipeline::pack_last`), not as it renders them: a save's reload
    /// does not wait for the packing.
    pub fn packed(self) -> Html {
        let Held::Plain(html) = &*self.0 else {
            return self;
        };
        if html.len() < PACK_FROM {
            return self;
        }
        match crate::packed::pack(html.as_bytes()) {
            Some(block) => Html(Arc::new(Held::Packed(block))),
            None => self,
        }
    }

    /// The HTML: borrowed when held as is, unpacked otherwise.
    pub fn text(&self) -> Cow<'_, str> {
        match &*self.0 {
            Held::Empty => Cow::Borrowed(""),
            Held::Plain(s) => Cow::Borrowed(s),
            Held::Packed(block) => Cow::Owned(unpack(block)),
        }
    }

    /// The HTML's length in bytes.
    pub fn len(&self) -> usize {
        match &*self.0 {
            Held::Empty => 0,
            Held::Plain(s) => s.len(),
            Held::Packed(block) => crate::packed::unpacked_len(block),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `a` and `b` are the same held HTML (not only equal text).
    pub fn ptr_eq(a: &Html, b: &Html) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// A number that names this held HTML while it is held (its address).
    pub fn key(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The bytes this HTML takes in memory (its block when packed).
    #[cfg(test)]
    pub fn held_len(&self) -> usize {
        match &*self.0 {
            Held::Empty => 0,
            Held::Plain(s) => s.len(),
            Held::Packed(block) => block.len(),
        }
    }
}

impl std::fmt::Display for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<&str> for Html {
    fn from(s: &str) -> Html {
        Html::new(s.to_owned())
    }
}

/// A block [`Html::packed`] made, read back. It was packed from valid UTF-8
/// in this process, so neither check below can fail unless memory was
/// corrupted: the build stops then (its previous output stays) rather than
/// write a page without its text.
fn unpack(block: &[u8]) -> String {
    let bytes = crate::packed::unpack(block).expect("an HTML block this build packed");
    String::from_utf8(bytes).expect("an HTML block packed from UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_html_is_packed_and_reads_back_the_same() {
        let page: String = (0..200)
            .map(|i| format!("<p>Le sentier n°{i} longe la rivière jusqu'au moulin.</p>\n"))
            .collect();
        let held = Html::new(page.clone()).packed();
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
        assert!(Html::ptr_eq(&held, &shared));
        assert!(!Html::ptr_eq(&held, &Html::new(page.clone()).packed()));
        // Not packed until asked.
        assert!(matches!(Html::new(page).text(), Cow::Borrowed(_)));
    }

    #[test]
    fn short_or_unpackable_html_is_held_as_is() {
        let short = Html::new("<p>Accès</p>".to_owned()).packed();
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
        let held = Html::new(noise.clone()).packed();
        assert!(matches!(held.text(), Cow::Borrowed(_)));
        assert_eq!(held.text(), noise);
        assert_eq!(held.held_len(), noise.len());
        let empty = Html::new(String::new()).packed();
        assert!(empty.is_empty() && empty.text().is_empty());
    }
}
