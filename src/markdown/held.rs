//! A page's rendered HTML as the stages after the markdown stage hold it.
//!
//! A build holds every page's HTML from the markdown stage until the page
//! is rendered: long HTML is held as an LZ4 block (`crate::packed::Text`,
//! [`Html::packed`]). A build packs each page's HTML as soon as it is
//! rendered. `serve` packs the bodies it keeps for its next build once no
//! save came for a second (`pipeline::pack_last`), not as it renders them:
//! a save's reload does not wait for the packing. On the 10k benchmark
//! corpus the pages' 90 MB of HTML take 38 MB packed, and a page's HTML is
//! read back in a few microseconds when a stage asks for it.
//!
//! Shared and not copied: the feeds and photo pages that show a page's
//! HTML, and `serve`'s next build when the body is unchanged, hold the
//! same block.

/// Rendered HTML, held as it is or packed.
pub type Html = crate::packed::Text;
