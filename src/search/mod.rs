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

/// What the search stage made beyond the files it wrote.
#[derive(Debug, Default, Clone)]
pub(crate) struct SearchIndex {
    /// Language to the address of its index's manifest (none when search is off).
    pub manifests: std::collections::HashMap<String, String>,
    pub counts: SearchCounts,
    pub warnings: Vec<crate::error::Diagnostic>,
}

/// The search stage's counters in the build report.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq, Eq)]
pub struct SearchCounts {
    /// Pages and sections indexed, all languages.
    pub documents: usize,
    /// Distinct terms, summed over languages.
    pub terms: usize,
    /// Shards of terms, summed over languages.
    pub shards: usize,
    /// Index files written (manifests, shards, result files).
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Pages read this time: all of them in a build; in `serve`, those a
    /// save changed (the index keeps the others).
    pub analysed: usize,
    /// Shards made this time (the others kept from the last index).
    pub shards_made: usize,
    /// Pages whose document (title, headings, labels, facets) `serve`
    /// took back from its last index, unchanged, rather than make it again.
    pub documents_kept: usize,
}
