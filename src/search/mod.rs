//! The site's own search: an index per language, built with the site and
//! served as static files, that `themes/postale/static/search.js` queries
//! in the visitor's browser (docs/search.md).
//!
//! [`text`] cuts and folds words the way the script does; [`index`] turns
//! the pages of a language into content-named files: a manifest, the
//! shards of terms the script fetches by a query word's first letters, and
//! one small file per page for the result it shows.

pub(crate) mod docs;
pub(crate) mod index;
pub(crate) mod text;

pub(crate) use index::{FOLDER, Memo, build_language_with};
