//! One language's index, as files.
//!
//! - `search-index/<lang>/manifest.<hash>.json`: the shard keys (first letters of
//!   terms) with their file's hash, the stop words, the facets' values
//!   (pillars, audiences, place types, communes, accessibility) and, per
//!   page, its facet codes (numbers into those small tables, never the
//!   values again); the folder of the result files.
//! - `search-index/<lang>/<key-hash>.json`, one per shard: for each term (a
//!   folded word of the pages) its stem's number and its postings, page
//!   numbers (as gaps) and weights; the stems of the shard. Shards are
//!   split on one more letter while their terms count more than
//!   [`SHARD_BUDGET`] bytes ([`cost`]).
//! - `search-index/<lang>/<hash>/<n>.json`: what a result shows of page `n`
//!   (address, title, pillar, thumbnail, text for the excerpt); the folder
//!   is named by the hash of their hashes.
//!
//! Every name is a hash of the content it names, so a CDN may keep the
//! files forever, and the same pages give the same bytes. `serve` keeps
//! the last index ([`Memo`]) and updates it to those same bytes.
//!
//! While pages are read, their terms and stems are numbers ([`Lexicon`],
//! numbered in the order threads meet them); the files write them as
//! text, in sorted order, so no number reaches a file.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::Diagnostic;
use crate::per_thread::PerThread;

use super::text::{
    fold_into, for_each_html_word, for_each_word, html_text_upto, stem, stemmer, stop_words,
};

/// The output folder of the index files.
pub(crate) const FOLDER: &str = "search-index";
/// A shard larger than this (bytes of JSON) is split on one more letter.
pub(crate) const SHARD_BUDGET: usize = 24 * 1024;
/// Longest shard key: a shard at this depth is kept whatever its size.
const MAX_KEY: usize = 4;
/// Characters of a page's text its result file keeps for the excerpt.
const EXCERPT_TEXT: usize = 1200;

/// Weights of a term by where it is: titles rank above headings, headings
/// above descriptions and labels, these above the body. A field counts once
/// per page, however often the word is in it.
const W_TITLE: u32 = 120;
const W_HEADING: u32 = 50;
const W_DESCRIPTION: u32 = 30;
const W_LABEL: u32 = 30;
/// The body's share: BM25's saturating term frequency, normalised by the
/// page's length against the language's average, times this (at most
/// 2.2 times it: a page that repeats a word never outranks one titled
/// with it).
const W_BODY: f64 = 10.0;
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// A facet value: its key and its name in the index's language.
pub(crate) type Facet = (String, String);

/// The accessibility values, in the order of a page's [`Doc::access`]
/// bits: the four Tourisme & Handicap families, then access for people
/// with reduced mobility.
pub(crate) const ACCESS: [&str; 5] = ["motor", "hearing", "visual", "mental", "reduced_mobility"];

/// The facets whose values the site names (the others, place types and
/// communes, are the pages' own words): each value's key and its name in
/// the index's language, in the site's order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facets {
    pub pillars: Vec<Facet>,
    pub audiences: Vec<Facet>,
    /// One per [`ACCESS`] value, in that order.
    pub access: Vec<Facet>,
}

/// An event page's state when the site was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventState {
    Upcoming,
    Past,
}

/// One page as the index sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doc {
    /// URL path (`/tourisme/lac/`): pages are numbered in its order.
    pub path: String,
    /// Absolute URL, as results link to it.
    pub url: String,
    pub title: String,
    pub description: String,
    pub headings: Vec<String>,
    /// The body as plain text, or empty when `html` is given.
    pub body: Arc<str>,
    /// The rendered body, when its text is made only as the page is read
    /// (each text is freed once read, rather than all held at once), or
    /// not at all (`serve`: the page's terms are kept).
    pub html: Option<crate::markdown::held::Html>,
    /// The hash of the body's text, when `serve`'s memory has it (see
    /// [`Doc::body_key`]).
    pub body_hash: Option<blake3::Hash>,
    /// Tags, pillar and audience names, place labels: short words that
    /// say what the page is.
    pub labels: Vec<String>,
    /// Pillar key, and its name in the page's language.
    pub pillar: Option<(String, String)>,
    /// Audience keys.
    pub audiences: Vec<String>,
    /// The place's type as its page shows it ("Musée"), or its category's
    /// name when it has no type.
    pub kind: Option<String>,
    /// The place's commune.
    pub commune: Option<String>,
    /// Bits of the [`ACCESS`] values the place offers.
    pub access: u8,
    /// Address of a small variant of the page's cover.
    pub thumbnail: Option<String>,
    pub event: Option<EventState>,
    /// The key the last index gave this document, when it was taken
    /// unchanged from `serve`'s memory ([`Memo::take_docs`]).
    pub key: Option<blake3::Hash>,
}

impl Doc {
    /// The hash of the body's text: the one given, or made now.
    fn body_key(&self) -> blake3::Hash {
        self.body_hash
            .unwrap_or_else(|| blake3::hash(self.text().as_bytes()))
    }

    /// The body's text: the one given, or made from `html`.
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.html {
            Some(html) => super::text::html_text(&html.text()).into(),
            None => (*self.body).into(),
        }
    }
}

/// A language's index: its files (path in the output, bytes) and counters.
#[derive(Debug, Default)]
pub(crate) struct LanguageIndex {
    /// Address of the manifest (`/search-index/fr/manifest.<hash>.json`).
    pub manifest: String,
    /// The files not given to the writer of results: shards and manifest.
    pub files: Vec<(Arc<str>, Arc<[u8]>)>,
    /// The result files written, and their bytes.
    pub results: usize,
    pub results_bytes: u64,
    pub documents: usize,
    pub terms: usize,
    pub shards: usize,
    /// Pages read this time (the others were kept from the last index).
    pub analysed: usize,
    /// Shards whose JSON was made this time.
    pub shards_made: usize,
    /// Documents taken back from `serve`'s memory ([`Memo::take_docs`]).
    pub documents_kept: usize,
}

/// One page's terms as the index weighs them, and what its result shows:
/// made once per page content, kept by `serve` between builds ([`Memo`]).
pub(crate) struct Analysed {
    /// Each term with the weight of its fields, the times it is in the
    /// body, and its stem, by their numbers in the language's [`Lexicon`];
    /// sorted by term number. A 10,000-page site has millions of these:
    /// they were most of the index's memory as shared strings.
    terms: Vec<PageTerm>,
    /// The body's length in words (stop words aside).
    body_len: u32,
    /// The result file's bytes, and their hash.
    fragment: Arc<[u8]>,
    fragment_hash: blake3::Hash,
}

/// A term of the index: its postings (page number, weight), sorted by
/// page, and the stems its pages' spellings gave (« été » and « ete » fold
/// to one term, and may stem apart), each with its count of pages.
#[derive(Default)]
struct Term {
    postings: Vec<(u32, u32)>,
    /// Stem numbers in the [`Lexicon`].
    stems: Vec<(u32, u32)>,
    /// [`cost`] of the term, kept: the layout sums it over every term at
    /// each save of `serve`. Set whenever postings or stems change.
    cost: usize,
}

impl Term {
    /// The term's stem: the smallest of its pages', so that it does not
    /// depend on which page came first.
    fn stem<'a>(&self, lexicon: &'a Lexicon) -> &'a str {
        self.stems
            .iter()
            .map(|&(s, _)| lexicon.stem(s))
            .min()
            .unwrap_or("")
    }

    fn add_stem(&mut self, stem: u32) {
        match self.stems.iter_mut().find(|(s, _)| *s == stem) {
            Some(e) => e.1 += 1,
            None => self.stems.push((stem, 1)),
        }
    }

    fn remove_stem(&mut self, stem: u32) {
        if let Some(i) = self.stems.iter().position(|(s, _)| *s == stem) {
            self.stems[i].1 -= 1;
            if self.stems[i].1 == 0 {
                self.stems.swap_remove(i);
            }
        }
    }
}

/// A term of a page: the term's number, its fields' weights, its count in
/// the body, its stem's number (16 bytes: a site's pages hold millions of
/// them).
type PageTerm = (u32, u32, u32, u32);

/// The terms and stems of one language's pages, numbered. The threads
/// that read pages share it; `serve` keeps it between builds, so that the
/// terms of the pages a save did not change keep their numbers. Numbers
/// never reach the index's files, which write terms and stems as text in
/// their sorted order: which thread met a word first changes a number,
/// never a byte.
#[derive(Default)]
struct Lexicon {
    term_numbers: FxHashMap<Arc<str>, u32>,
    terms: Vec<Arc<str>>,
    stem_numbers: FxHashMap<Arc<str>, u32>,
    stems: Vec<Arc<str>>,
}

impl Lexicon {
    fn term(&self, n: u32) -> &str {
        &self.terms[n as usize]
    }

    fn stem(&self, n: u32) -> &str {
        &self.stems[n as usize]
    }

    /// The numbers of a term and its stem, given them the first time.
    fn numbers(&mut self, term: &str, stem: &str) -> (u32, u32) {
        fn number(
            numbers: &mut FxHashMap<Arc<str>, u32>,
            all: &mut Vec<Arc<str>>,
            text: &str,
        ) -> u32 {
            if let Some(&n) = numbers.get(text) {
                return n;
            }
            let n = all.len() as u32;
            debug_assert!(n < STOP, "fewer terms than a u32 holds");
            let text: Arc<str> = text.into();
            numbers.insert(Arc::clone(&text), n);
            all.push(text);
            n
        }
        (
            number(&mut self.term_numbers, &mut self.terms, term),
            number(&mut self.stem_numbers, &mut self.stems, stem),
        )
    }
}

/// One thread's stemmer and the words it met: words repeat from page to
/// page, so each spelling is folded, looked up among the stop words and
/// stemmed once per piece of work (rayon's, many pages each), and numbered in the language's [`Lexicon`].
struct Stems<'a> {
    stemmer: Option<rust_stemmers::Stemmer>,
    stops: &'a FxHashSet<&'a str>,
    /// Longest stop word: most words are longer, and not looked up.
    longest_stop: usize,
    lexicon: &'a Mutex<Lexicon>,
    /// Each lower-cased spelling met, to its term's and stem's numbers
    /// ([`STOP`] for a stop word): those of up to 16 bytes (most) by
    /// their [`packed`] bytes, compared without following a pointer.
    short: FxHashMap<u128, (u32, u32)>,
    long: FxHashMap<Box<str>, (u32, u32)>,
    /// Per term number: the last page that met it (see [`Stems::page`])
    /// and where it is in that page's terms.
    on_page: Vec<(u32, u32)>,
    /// The page being read, counted from 1 (0 is no page).
    page: u32,
}

/// The term number of a stop word's spellings.
const STOP: u32 = u32::MAX;

impl<'a> Stems<'a> {
    fn new(lang: &str, stops: &'a FxHashSet<&'a str>, lexicon: &'a Mutex<Lexicon>) -> Stems<'a> {
        Stems {
            stemmer: stemmer(lang),
            stops,
            longest_stop: stops.iter().map(|w| w.len()).max().unwrap_or(0),
            lexicon,
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            on_page: Vec::new(),
            page: 0,
        }
    }

    /// The term and stem numbers of a lower-cased spelling.
    fn spelling(&mut self, word: &str, buffer: &mut String) -> (u32, u32) {
        let packed = packed(word);
        let known = match packed {
            Some(p) => self.short.get(&p),
            None => self.long.get(word),
        };
        if let Some(&n) = known {
            return n;
        }
        // A word of ASCII letters is folded as it is.
        let folded: &str = if word.is_ascii() {
            word
        } else {
            fold_into(word, buffer);
            buffer
        };
        let numbers = if folded.len() <= self.longest_stop && self.stops.contains(folded) {
            (STOP, STOP)
        } else {
            let stem = stem(self.stemmer.as_ref(), word);
            let mut lexicon = self
                .lexicon
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            lexicon.numbers(folded, &stem)
        };
        match packed {
            Some(p) => self.short.insert(p, numbers),
            None => self.long.insert(word.into(), numbers),
        };
        numbers
    }
}

/// A word of up to 16 bytes as one number: its bytes, then zeros (a word
/// holds letters, digits and marks, never a zero byte, so two words never
/// give one number).
fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > 16 {
        return None;
    }
    let (low, high) = bytes.split_at(bytes.len().min(8));
    Some(u128::from(load(low)) | u128::from(load(high)) << 64)
}

/// Up to 8 bytes as one number, zero-padded. Read with loads of whole
/// numbers (overlapping ones hold the same bytes, so or-ing them is
/// exact), not copied through memory: a copy of a few bytes read back as
/// a wider number waits for the copy.
fn load(b: &[u8]) -> u64 {
    let n = b.len();
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    match n {
        0 => 0,
        1 => u64::from(b[0]),
        2 | 3 => u16_at(0) | u16_at(n - 2) << (8 * (n - 2)),
        4..=7 => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
        _ => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
    }
}

/// A term of a page while it is read: field weights, body count, stem,
/// and the last field that counted it (a field counts once).
struct Seen {
    fields: u32,
    tf: u32,
    stem: u32,
    field: u8,
}

/// Reads `doc`: its terms with the weight of their fields, the times they
/// are in the body, and their stems; its body's length; its result file.
/// Spellings that fold to one term are one term, with the stem of the
/// first met.
fn analyse(doc: &Doc, stems: &mut Stems<'_>) -> Analysed {
    stems.page = stems.page.wrapping_add(1);
    if stems.page == 0 {
        // After 2³² pages: no stamp may look like this page's.
        stems.on_page.fill((0, 0));
        stems.page = 1;
    }
    let page = stems.page;
    let mut seen: Vec<(u32, Seen)> = Vec::new();
    let mut body_len = 0u32;
    let mut buffer = String::new();
    let mut add = |w: &str, field: u8, weight: u32| {
        let (term, stem) = stems.spelling(w, &mut buffer);
        if term == STOP {
            return;
        }
        if stems.on_page.len() <= term as usize {
            stems.on_page.resize(term as usize + 1, (0, 0));
        }
        let slot = &mut stems.on_page[term as usize];
        if slot.0 != page {
            *slot = (page, seen.len() as u32);
            seen.push((
                term,
                Seen {
                    fields: 0,
                    tf: 0,
                    stem,
                    field: u8::MAX,
                },
            ));
        }
        let e = &mut seen[slot.1 as usize].1;
        if weight == 0 {
            body_len += 1;
            e.tf += 1;
        } else if e.field != field {
            e.field = field;
            e.fields += weight;
        }
    };
    for_each_word(&doc.title, |w| add(w, 0, W_TITLE));
    for h in &doc.headings {
        for_each_word(h, |w| add(w, 1, W_HEADING));
    }
    for_each_word(&doc.description, |w| add(w, 2, W_DESCRIPTION));
    for l in &doc.labels {
        for_each_word(l, |w| add(w, 3, W_LABEL));
    }
    // A body given as HTML is read for its words straight from the HTML;
    // its text is made only as far as the result shows it.
    let body: std::borrow::Cow<'_, str> = match &doc.html {
        Some(html) => {
            let html = html.text();
            for_each_html_word(&html, |w| add(w, 4, 0));
            html_text_upto(&html, EXCERPT_TEXT).into()
        }
        None => {
            for_each_word(&doc.body, |w| add(w, 4, 0));
            (*doc.body).into()
        }
    };
    let mut terms: Vec<_> = seen
        .into_iter()
        .map(|(t, s)| (t, s.fields, s.tf, s.stem))
        .collect();
    terms.sort_unstable_by_key(|t| t.0);
    let fragment: Arc<[u8]> = fragment(doc, &body).into();
    Analysed {
        terms,
        body_len,
        fragment_hash: blake3::hash(&fragment),
        fragment,
    }
}

/// A term's weight in a page: its fields' weights and its body share.
fn weight(fields: u32, tf: u32, body_len: u32, average_len: u32) -> u32 {
    if tf == 0 {
        return fields;
    }
    let tf = f64::from(tf);
    let norm = 1.0 - BM25_B + BM25_B * f64::from(body_len) / f64::from(average_len.max(1));
    let body = W_BODY * tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * norm);
    fields + body.round().max(1.0) as u32
}

/// The language's average body length, rounded to its five leading bits
/// (steps of about 3 %): one page edited seldom moves it, so `serve` can
/// keep the weights of every other page.
fn average(docs: &[Arc<Analysed>]) -> u32 {
    let sum: u64 = docs.iter().map(|d| u64::from(d.body_len)).sum();
    let avg = (sum as f64 / docs.len().max(1) as f64).round() as u32;
    let bits = 32 - avg.leading_zeros();
    let shift = bits.saturating_sub(5);
    (avg >> shift) << shift
}

fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// What a term costs its shard, in bytes of JSON (its stem counted as if
/// no other term of the shard shared it): shards are cut by this count
/// rather than by their JSON, so that the cut follows from the terms alone.
fn cost(name: &str, t: &Term, lexicon: &Lexicon) -> usize {
    fn digits(n: u32) -> usize {
        n.checked_ilog10().unwrap_or(0) as usize + 1
    }
    let mut last = 0;
    let postings: usize = t
        .postings
        .iter()
        .map(|&(d, w)| {
            let gap = d - last;
            last = d;
            digits(gap) + digits(w) + 2
        })
        .sum();
    name.len() + 6 + t.stem(lexicon).len() + 3 + postings
}

/// The JSON of one shard: `{"s": [stems], "t": {term: [stem, gap, weight, …]}}`.
fn shard_json(terms: &[(Box<str>, Term)], lexicon: &Lexicon) -> Vec<u8> {
    let mut digits = itoa::Buffer::new();
    let mut stems: Vec<&str> = terms.iter().map(|(_, t)| t.stem(lexicon)).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut out = String::with_capacity(terms.iter().map(|(_, t)| t.cost).sum::<usize>() + 64);
    let quoted = |out: &mut String, s: &str| {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    };
    out.push_str("{\"s\":[");
    for (i, s) in stems.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quoted(&mut out, s);
    }
    out.push_str("],\"t\":{");
    for (i, (name, t)) in terms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quoted(&mut out, name);
        let s = stems.binary_search(&t.stem(lexicon)).unwrap_or(0);
        out.push_str(":[");
        out.push_str(digits.format(s));
        let mut last = 0;
        // Millions of numbers on a large site: written without `fmt`.
        for &(d, w) in &t.postings {
            out.push(',');
            out.push_str(digits.format(d - last));
            out.push(',');
            out.push_str(digits.format(w));
            last = d;
        }
        out.push(']');
    }
    out.push_str("}}");
    out.into_bytes()
}

/// A shard of the layout: its key, whether terms longer than the key went
/// to shards of the next letter, and its terms (a range of the sorted
/// terms; empty for a split key no term equals).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    key: String,
    split: bool,
    range: std::ops::Range<usize>,
}

/// The shards of the sorted `terms`: one per first letter, split on one
/// more letter while over the budget, down to [`MAX_KEY`] letters.
fn layout(terms: &[(Box<str>, Term)]) -> Vec<Node> {
    fn place(
        key: String,
        depth: usize,
        range: std::ops::Range<usize>,
        terms: &[(Box<str>, Term)],
        out: &mut Vec<Node>,
    ) {
        let total: usize = terms[range.clone()].iter().map(|(_, t)| t.cost).sum();
        if total <= SHARD_BUDGET || depth >= MAX_KEY {
            out.push(Node {
                key,
                split: false,
                range,
            });
            return;
        }
        // Sorted: the term equal to the key (if any) first, then the
        // longer ones, grouped by their next letter.
        let mut start = range.start;
        if terms[start].0.chars().count() == depth {
            start += 1;
        }
        out.push(Node {
            key: key.clone(),
            split: true,
            range: range.start..start,
        });
        let mut i = start;
        while i < range.end {
            let c = terms[i].0.chars().nth(depth).unwrap_or('\0');
            let mut j = i + 1;
            while j < range.end && terms[j].0.chars().nth(depth) == Some(c) {
                j += 1;
            }
            place(format!("{key}{c}"), depth + 1, i..j, terms, out);
            i = j;
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < terms.len() {
        let c = terms[i].0.chars().next().unwrap_or('\0');
        let mut j = i + 1;
        while j < terms.len() && terms[j].0.starts_with(c) {
            j += 1;
        }
        place(c.to_string(), 1, i..j, terms, &mut out);
        i = j;
    }
    out
}

/// What a result shows of a page.
#[derive(Serialize)]
struct Fragment<'a> {
    u: &'a str,
    t: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    i: Option<&'a str>,
    x: String,
}

fn fragment(doc: &Doc, body: &str) -> Vec<u8> {
    // The description, a space, the body: their first characters only,
    // without a copy of the whole body.
    let space = if doc.description.is_empty() || body.is_empty() {
        ""
    } else {
        " "
    };
    let x: String = doc
        .description
        .chars()
        .chain(space.chars())
        .chain(body.chars())
        .take(EXCERPT_TEXT)
        .collect();
    serde_json::to_vec(&Fragment {
        u: &doc.url,
        t: &doc.title,
        p: doc.pillar.as_ref().map(|(_, name)| name.as_str()),
        i: doc.thumbnail.as_deref(),
        x,
    })
    .unwrap_or_default()
}

/// The 64 digits of the facet codes (URL- and JSON-safe).
const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Digits needed for a number of `values` and none (0): no digit when
/// there is no value at all, so a site without places pays nothing.
fn width(values: usize) -> usize {
    let mut w = 0;
    let mut room = 1usize;
    while room < values + 1 {
        w += 1;
        room = room.saturating_mul(64);
    }
    w
}

/// Writes `n` in `w` digits, least significant first.
fn push_digits(out: &mut String, n: u64, w: usize) {
    for c in 0..w {
        out.push(DIGITS[((n >> (6 * c)) & 63) as usize] as char);
    }
}

/// The distinct values of one facet of the pages, in the order a visitor
/// reads them (folded, then as written): the table the page codes number.
fn table<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut list: Vec<(String, &str)> = values
        .filter(|v| !v.is_empty())
        .map(|v| (super::text::fold(v), v))
        .collect();
    list.sort_unstable();
    list.dedup_by(|a, b| a.1 == b.1);
    list.into_iter().map(|(_, v)| v.to_string()).collect()
}

/// Each value of `table` to its number plus one (0 is none).
fn numbers(table: &[String]) -> HashMap<&str, u64> {
    table
        .iter()
        .enumerate()
        .map(|(n, v)| (v.as_str(), n as u64 + 1))
        .collect()
}

/// The tables of the facets the pages name themselves.
struct Tables {
    types: Vec<String>,
    communes: Vec<String>,
    /// Whether some page has an accessibility value.
    access: bool,
}

impl Tables {
    fn of(docs: &[Doc]) -> Tables {
        Tables {
            types: table(docs.iter().filter_map(|d| d.kind.as_deref())),
            communes: table(docs.iter().filter_map(|d| d.commune.as_deref())),
            access: docs.iter().any(|d| d.access != 0),
        }
    }
}

/// Facet codes of each page, fixed width, a few characters a page: pillar
/// number, audience bits, event state, then type and commune numbers
/// (plus one, 0 for none) and accessibility bits, each as wide as its
/// table needs (no character for a facet no page has).
fn facet_codes(docs: &[Doc], facets: &Facets, tables: &Tables) -> String {
    let audience_chars = facets.audiences.len().div_ceil(6).max(1);
    let (wt, wc) = (width(tables.types.len()), width(tables.communes.len()));
    let wa = usize::from(tables.access);
    let (types, communes) = (numbers(&tables.types), numbers(&tables.communes));
    let number = |map: &HashMap<&str, u64>, v: Option<&str>| v.and_then(|v| map.get(v)).copied();
    let mut out = String::with_capacity(docs.len() * (2 + audience_chars + wt + wc + wa));
    for d in docs {
        let p = d
            .pillar
            .as_ref()
            .and_then(|(k, _)| facets.pillars.iter().position(|(key, _)| key == k))
            .map_or(63, |n| n.min(62));
        out.push(DIGITS[p] as char);
        let mut bits: u64 = 0;
        for a in &d.audiences {
            if let Some(n) = facets.audiences.iter().position(|(k, _)| k == a) {
                bits |= 1 << n.min(63);
            }
        }
        push_digits(&mut out, bits, audience_chars);
        out.push(match d.event {
            None => '0',
            Some(EventState::Upcoming) => '1',
            Some(EventState::Past) => '2',
        });
        let t = number(&types, d.kind.as_deref()).unwrap_or(0);
        push_digits(&mut out, t, wt);
        let c = number(&communes, d.commune.as_deref()).unwrap_or(0);
        push_digits(&mut out, c, wc);
        push_digits(&mut out, u64::from(d.access & 0b1_1111), wa);
    }
    out
}

/// A hash of everything the index reads of `doc`: its [`Analysed`] is made
/// again only when this changes.
fn doc_key(doc: &Doc) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    let mut put = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    put(&doc.path);
    put(&doc.url);
    put(&doc.title);
    put(&doc.description);
    put(&doc.body_key().to_hex());
    for list in [&doc.headings, &doc.labels] {
        put(&list.len().to_string());
        for s in list {
            put(s);
        }
    }
    put(doc.pillar.as_ref().map_or("", |(_, name)| name));
    put(doc.thumbnail.as_deref().unwrap_or(""));
    h.finalize()
}

/// What `serve` keeps of the last index of each language, so that a save
/// reads again only the pages it changed and writes again only the shards
/// their terms are in. Keeping it never changes the index: a build with it
/// writes the same bytes as one without (tested below, in
/// tests/testsuite/serve.rs, and after a failed build in the pipeline's
/// stage tests). Pages' terms and shards are known by their content; the
/// documents it keeps, by the last build, and are forgotten when a build
/// fails ([`Memo::forget_documents`]).
#[derive(Default)]
pub(crate) struct Memo {
    langs: HashMap<String, Assembled>,
    /// The hash of each page body's text, kept by `serve` only.
    pub(crate) texts: super::docs::Texts,
}

impl Memo {
    /// Forgets the documents of the last index (after a build that
    /// failed): they were made from that build's pages, while the next
    /// build keeps pages from the last build that succeeded.
    pub(crate) fn forget_documents(&mut self) {
        for last in self.langs.values_mut() {
            last.made.clear();
        }
    }

    /// The document the last index made of each page (its language and
    /// address), taken out with its key; `None` where it made none. Only
    /// for a build whose pages are the last one's but for some bodies:
    /// the caller still checks that the body is the same.
    pub(crate) fn take_docs(&mut self, pages: &[(&str, &str)]) -> Vec<Option<(Doc, blake3::Hash)>> {
        // Found on every thread (a search by address in 10,000 is about
        // 5 ms of one), then taken out in turn.
        let langs = &self.langs;
        let found: Vec<Option<usize>> = pages
            .par_iter()
            .map(|(lang, path)| {
                let last = langs.get(*lang)?;
                last.docs
                    .binary_search_by(|(p, ..)| p.as_str().cmp(path))
                    .ok()
            })
            .collect();
        pages
            .iter()
            .zip(found)
            .map(|((lang, _), n)| {
                let (n, last) = (n?, self.langs.get_mut(*lang)?);
                let doc = last.made.get_mut(n)?.take()?;
                Some((doc, last.docs[n].1))
            })
            .collect()
    }
}

/// One language's index as last made.
#[derive(Default)]
struct Assembled {
    /// The pages, in their order, each with its key.
    docs: Vec<(String, blake3::Hash, Arc<Analysed>)>,
    average: u32,
    /// Every term, sorted.
    terms: Vec<(Box<str>, Term)>,
    /// The numbers of the pages' terms and stems.
    lexicon: Lexicon,
    /// Each shard of the layout by key: whether split, and its JSON.
    shards: Shards,
    /// The documents, in the order of `docs`, their text left out: a
    /// save whose pages are the last build's but for some bodies takes
    /// each unchanged one back rather than make it again.
    made: Vec<Option<Doc>>,
}

/// The index of one language's pages, with the names of its facets'
/// values in the language. Pages are numbered in the order of their
/// address.
#[cfg(test)]
pub(crate) fn build_language(lang: &str, docs: Vec<Doc>, facets: &Facets) -> LanguageIndex {
    build_collecting(lang, docs, facets, &mut Memo::default(), false)
}

/// [`build_language_with`], its result files returned with the others.
#[cfg(test)]
fn build_collecting(
    lang: &str,
    docs: Vec<Doc>,
    facets: &Facets,
    memo: &mut Memo,
    keep: bool,
) -> LanguageIndex {
    let results = Mutex::new(Vec::new());
    let write = |files: &[(Arc<str>, Arc<[u8]>)]| {
        results
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(files);
        Ok(())
    };
    let mut index = build_language_with(lang, docs, facets, memo, keep, &write)
        .unwrap_or_else(|e: Diagnostic| panic!("{}", e.message));
    // In the order a build once wrote them: shards, results, manifest.
    let manifest = index.files.pop();
    index.files.extend(
        results
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    index.files.extend(manifest);
    index
}

/// Writes a language's result files (path in the output, bytes).
pub(crate) type WriteResults<'a> =
    dyn Fn(&[(Arc<str>, Arc<[u8]>)]) -> Result<(), Diagnostic> + Sync + 'a;

/// A language's index, keeping what `memo` holds of the last index of
/// the language and, with `keep` (`serve`), leaving this one there.
/// Without it, each page's terms are freed as soon as their postings are
/// gathered: a build's memory peaks there. The result files are given to
/// `write_results` as soon as they are made; the index's other files are
/// returned.
pub(crate) fn build_language_with(
    lang: &str,
    mut docs: Vec<Doc>,
    facets: &Facets,
    memo: &mut Memo,
    keep: bool,
    write_results: &WriteResults<'_>,
) -> Result<LanguageIndex, Diagnostic> {
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut last = memo.langs.remove(lang).unwrap_or_default();
    let lexicon = Mutex::new(std::mem::take(&mut last.lexicon));
    let known: HashMap<blake3::Hash, &Arc<Analysed>> =
        last.docs.iter().map(|(_, k, a)| (*k, a)).collect();
    let stops = stop_words(lang);
    let stop_set: FxHashSet<&str> = stops.iter().copied().collect();
    // Keys find the pages read last time and are kept for the next: a
    // build with nothing kept and nothing to keep does without them.
    let keyed: Vec<(blake3::Hash, Option<Arc<Analysed>>)> = if keep || !known.is_empty() {
        docs.par_iter()
            .map(|d| {
                let k = d.key.unwrap_or_else(|| doc_key(d));
                (k, known.get(&k).map(|a| Arc::clone(a)))
            })
            .collect()
    } else {
        vec![(blake3::Hash::from([0; 32]), None); docs.len()]
    };
    let mut analysed_now = 0;
    // One reader of words per thread, for all the pages the thread reads:
    // rayon cuts the work in more pieces than threads, and a reader made
    // per piece would look every word up again in the lexicon.
    let readers = PerThread::new(|| Stems::new(lang, &stop_set, &lexicon));
    let mut analysed: Vec<Arc<Analysed>> = docs
        .par_iter()
        .zip(keyed.par_iter())
        .map(|(d, (_, kept))| match kept {
            Some(a) => Arc::clone(a),
            None => Arc::new(analyse(d, &mut readers.mine())),
        })
        .collect();
    drop(readers);
    analysed_now += keyed.iter().filter(|(_, kept)| kept.is_none()).count();
    drop(known);
    // Bodies are read (terms and result text are made): their memory goes
    // before the terms are gathered.
    for d in &mut docs {
        d.body = Arc::default();
        d.html = None;
    }
    let average = average(&analysed);
    let same_pages = last.docs.len() == docs.len()
        && last
            .docs
            .iter()
            .zip(&docs)
            .all(|((p, _, _), d)| *p == d.path)
        && last.average == average
        && !last.docs.is_empty();
    let lexicon = lexicon
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = format!("{FOLDER}/{lang}");
    // The result files are known once the pages are read: they are
    // written while the terms are gathered, which one thread does.
    let mut all = blake3::Hasher::new();
    for a in &analysed {
        all.update(a.fragment_hash.as_bytes());
    }
    let folder = all.finalize().to_hex()[..16].to_string();
    let fragments: Vec<Arc<[u8]>> = analysed.iter().map(|a| Arc::clone(&a.fragment)).collect();
    let results_bytes = fragments.iter().map(|b| b.len() as u64).sum();
    let ((terms, shards, made), written) = rayon::join(
        || {
            if same_pages {
                update(last, &analysed, &keyed, average, &lexicon)
            } else {
                assemble(&mut analysed, average, &lexicon, !keep)
            }
        },
        // The results' paths made, and freed, by the pool too (10,000
        // paths were 4 ms of the thread driving a save of `serve`).
        || {
            let results: Vec<(Arc<str>, Arc<[u8]>)> = fragments
                .par_iter()
                .enumerate()
                .map(|(n, f)| (format!("{dir}/{folder}/{n}.json").into(), Arc::clone(f)))
                .collect();
            write_results(&results)
        },
    );
    // A failed write fails the build, after `memo` has this index back:
    // the next save of `serve` need not read every page again.

    let mut files = Vec::new();
    let mut keys = BTreeMap::new();
    let mut sorted_shards: Vec<_> = shards.iter().collect();
    sorted_shards.sort_unstable_by(|a: &(&String, _), b| a.0.cmp(b.0));
    for (key, (_, json, h)) in sorted_shards {
        if json.is_empty() {
            continue;
        }
        files.push((format!("{dir}/{h}.json").into(), Arc::clone(json)));
        keys.insert(key.clone(), h.to_string());
    }
    let documents_kept = docs.iter().filter(|d| d.key.is_some()).count();
    let tables = Tables::of(&docs);
    let access: &[Facet] = if tables.access { &facets.access } else { &[] };
    let manifest = serde_json::json!({
        "version": 2,
        "lang": lang,
        "pages": docs.len(),
        "shards": keys,
        "results": folder,
        "stop": stops,
        "pillars": facets.pillars,
        "audiences": facets.audiences,
        "types": tables.types,
        "communes": tables.communes,
        "access": access,
        "facets": facet_codes(&docs, facets, &tables),
    })
    .to_string();
    let manifest_path = format!("{dir}/manifest.{}.json", hash(manifest.as_bytes()));
    let manifest_url = format!("/{manifest_path}");
    files.push((manifest_path.into(), manifest.into_bytes().into()));
    let index = LanguageIndex {
        manifest: manifest_url,
        documents: docs.len(),
        terms: terms.len(),
        shards: keys.len(),
        analysed: analysed_now,
        shards_made: made,
        documents_kept,
        results: fragments.len(),
        results_bytes,
        files,
    };
    if !keep {
        return written.map(|()| index);
    }
    let mut made = Vec::with_capacity(docs.len());
    let docs = docs
        .into_iter()
        .zip(keyed)
        .zip(analysed)
        .map(|((d, (k, _)), a)| {
            let path = d.path.clone();
            made.push(Some(Doc { key: None, ..d }));
            (path, k, a)
        })
        .collect();
    memo.langs.insert(
        lang.to_string(),
        Assembled {
            docs,
            average,
            terms,
            lexicon,
            shards,
            made,
        },
    );
    written.map(|()| index)
}

/// Each shard of the layout by key: whether split, its JSON and the hash
/// that names its file (kept with it: `serve` keeps most shards).
type Shards = HashMap<String, (bool, Arc<[u8]>, Arc<str>)>;

/// The JSON of the shard of `terms` in `range`, and the hash that names
/// its file: both empty for an empty range (a split key no term equals).
fn shard(
    terms: &[(Box<str>, Term)],
    range: std::ops::Range<usize>,
    lexicon: &Lexicon,
) -> (Arc<[u8]>, Arc<str>) {
    if range.is_empty() {
        return (Arc::from(Vec::new()), Arc::from(""));
    }
    let json = shard_json(&terms[range], lexicon);
    let h: Arc<str> = hash(&json).into();
    (json.into(), h)
}

/// The terms and shards of `docs`, made whole. With `consume`, each
/// page's terms are taken from it (when no one else holds the page) and
/// freed once gathered; each term's postings are given their exact room.
fn assemble(
    docs: &mut [Arc<Analysed>],
    average: u32,
    lexicon: &Lexicon,
    consume: bool,
) -> (Vec<(Box<str>, Term)>, Shards, usize) {
    let mut counts = vec![0u32; lexicon.terms.len()];
    for a in docs.iter() {
        for &(term, ..) in &a.terms {
            counts[term as usize] += 1;
        }
    }
    let mut by_number: Vec<Term> = counts
        .into_iter()
        .map(|c| Term {
            postings: Vec::with_capacity(c as usize),
            ..Term::default()
        })
        .collect();
    for (n, a) in docs.iter_mut().enumerate() {
        let body_len = a.body_len;
        // Taken when no one else holds the page (`serve` does), and freed
        // at the end of this turn.
        let taken = consume
            .then(|| Arc::get_mut(a).map(|a| std::mem::take(&mut a.terms)))
            .flatten();
        for &(term, fields, tf, stem) in taken.as_deref().unwrap_or(&a.terms) {
            let t = &mut by_number[term as usize];
            t.postings
                .push((n as u32, weight(fields, tf, body_len, average)));
            t.add_stem(stem);
        }
    }
    let mut terms: Vec<(Box<str>, Term)> = by_number
        .into_iter()
        .enumerate()
        .filter(|(_, t)| !t.postings.is_empty())
        .map(|(n, mut t)| {
            let name = lexicon.term(n as u32);
            t.cost = cost(name, &t, lexicon);
            (name.into(), t)
        })
        .collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let nodes = layout(&terms);
    let made = nodes.iter().filter(|n| !n.range.is_empty()).count();
    let shards = nodes
        .into_par_iter()
        .map(|n| {
            let (json, h) = shard(&terms, n.range, lexicon);
            (n.key, (n.split, json, h))
        })
        .collect();
    (terms, shards, made)
}

/// The terms and shards of `docs` from the last index of the same pages,
/// with the same average length: only the pages whose key changed are
/// read, only the shards of the terms whose postings changed are made
/// again (and those the new layout cuts differently).
fn update(
    last: Assembled,
    docs: &[Arc<Analysed>],
    keyed: &[(blake3::Hash, Option<Arc<Analysed>>)],
    average: u32,
    lexicon: &Lexicon,
) -> (Vec<(Box<str>, Term)>, Shards, usize) {
    let Assembled {
        docs: old,
        mut terms,
        mut shards,
        ..
    } = last;
    let mut touched: Vec<Box<str>> = Vec::new();
    for (n, ((_, old_key, before), (new_key, _))) in old.iter().zip(keyed).enumerate() {
        if old_key == new_key {
            continue;
        }
        let after = &docs[n];
        let n = n as u32;
        let posting =
            |a: &Analysed, (_, fields, tf, _): &PageTerm| weight(*fields, *tf, a.body_len, average);
        let (mut i, mut j) = (0, 0);
        while i < before.terms.len() || j < after.terms.len() {
            let b = before.terms.get(i);
            let a = after.terms.get(j);
            let order = match (b, a) {
                (Some(b), Some(a)) => b.0.cmp(&a.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (gone, new) = match order {
                std::cmp::Ordering::Less => {
                    i += 1;
                    (b, None)
                }
                std::cmp::Ordering::Greater => {
                    j += 1;
                    (None, a)
                }
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    let (b, a) = (
                        b.unwrap_or_else(|| unreachable!()),
                        a.unwrap_or_else(|| unreachable!()),
                    );
                    if posting(before, b) == posting(after, a) && b.3 == a.3 {
                        continue;
                    }
                    (Some(b), Some(a))
                }
            };
            let name: Box<str> = gone
                .or(new)
                .map(|t| lexicon.term(t.0).into())
                .unwrap_or_default();
            let at = match terms.binary_search_by(|(t, _)| (**t).cmp(&*name)) {
                Ok(at) => at,
                Err(at) => {
                    terms.insert(at, (name.clone(), Term::default()));
                    at
                }
            };
            let term = &mut terms[at].1;
            if let Some(g) = gone {
                if let Ok(p) = term.postings.binary_search_by_key(&n, |&(d, _)| d) {
                    term.postings.remove(p);
                }
                term.remove_stem(g.3);
            }
            if let Some(t) = new {
                let w = posting(after, t);
                match term.postings.binary_search_by_key(&n, |&(d, _)| d) {
                    Ok(p) => term.postings[p].1 = w,
                    Err(p) => term.postings.insert(p, (n, w)),
                }
                term.add_stem(t.3);
            }
            if term.postings.is_empty() {
                terms.remove(at);
            } else {
                term.cost = cost(&name, term, lexicon);
            }
            touched.push(name);
        }
    }
    let nodes = layout(&terms);
    let keys: HashSet<&str> = nodes.iter().map(|n| n.key.as_str()).collect();
    // The shard a touched term is (or was) in: its longest prefix that is a key.
    let mut dirty: HashSet<String> = HashSet::new();
    for name in &touched {
        let mut ends: Vec<usize> = name.char_indices().map(|(i, _)| i).skip(1).collect();
        ends.push(name.len());
        ends.truncate(MAX_KEY);
        if let Some(&end) = ends.iter().rev().find(|&&end| keys.contains(&name[..end])) {
            dirty.insert(name[..end].to_string());
        }
    }
    let mut made = 0;
    let mut next: Shards = HashMap::with_capacity(nodes.len());
    for n in nodes {
        let kept = shards
            .remove(&n.key)
            .filter(|(split, _, _)| *split == n.split && !dirty.contains(&n.key));
        let (json, h) = match kept {
            Some((_, json, h)) => (json, h),
            None => {
                made += usize::from(!n.range.is_empty());
                shard(&terms, n.range, lexicon)
            }
        };
        next.insert(n.key, (n.split, json, h));
    }
    (terms, next, made)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, title: &str, body: &str) -> Doc {
        Doc {
            path: path.into(),
            title: title.into(),
            body: body.into(),
            ..Doc::default()
        }
    }

    /// The terms of `doc` by their text: (term, fields, body count, stem).
    fn terms_of(doc: &Doc) -> (Vec<(String, u32, u32, String)>, u32) {
        let stops = stop_words("fr").iter().copied().collect();
        let lexicon = Mutex::new(Lexicon::default());
        let a = analyse(doc, &mut Stems::new("fr", &stops, &lexicon));
        let lexicon = lexicon.into_inner().unwrap();
        let terms = a
            .terms
            .iter()
            .map(|&(t, fields, tf, stem)| {
                let (t, stem) = (lexicon.term(t), lexicon.stem(stem));
                (t.to_string(), fields, tf, stem.to_string())
            })
            .collect();
        (terms, a.body_len)
    }

    fn weight_of(doc: &Doc, t: &str) -> u32 {
        let (terms, body_len) = terms_of(doc);
        terms
            .iter()
            .find(|(name, ..)| name == t)
            .map_or(0, |(_, fields, tf, _)| weight(*fields, *tf, body_len, 50))
    }

    #[test]
    fn a_page_term_is_four_numbers() {
        // Millions of them in a 10,000-page site's index: a field added, or
        // a term held as a shared string again, shows here.
        assert_eq!(std::mem::size_of::<PageTerm>(), 16);
    }

    #[test]
    fn words_up_to_sixteen_bytes_pack_into_one_number_each() {
        assert_eq!(packed("marche"), packed("marche"));
        assert_ne!(packed("marche"), packed("marché"));
        assert_ne!(packed("a"), packed("aa"));
        assert!(packed("abcdefghijklmnop").is_some());
        assert_eq!(packed("abcdefghijklmnopq"), None);
        // The same bytes as a copy into zeros, at every length.
        let text = "çabcdefghijklmnopqrs";
        for end in 1..=text.len() {
            let Some(word) = text.get(..end) else {
                continue;
            };
            let mut copy = [0u8; 16];
            if let Some(to) = copy.get_mut(..word.len()) {
                to.copy_from_slice(word.as_bytes());
                assert_eq!(packed(word), Some(u128::from_le_bytes(copy)), "{word}");
            } else {
                assert_eq!(packed(word), None, "{word}");
            }
        }
        // Both kinds are found again, long words by their text.
        let stops = stop_words("fr").iter().copied().collect();
        let lexicon = Mutex::new(Lexicon::default());
        let mut stems = Stems::new("fr", &stops, &lexicon);
        let mut buffer = String::new();
        let long = "anticonstitutionnellement";
        let first = (
            stems.spelling("marché", &mut buffer),
            stems.spelling(long, &mut buffer),
        );
        let again = (
            stems.spelling("marché", &mut buffer),
            stems.spelling(long, &mut buffer),
        );
        assert_eq!(first, again);
        assert_eq!((stems.short.len(), stems.long.len()), (1, 1));
        assert_eq!(stems.spelling("le", &mut buffer), (STOP, STOP));
    }

    #[test]
    fn a_body_given_as_html_is_indexed_as_its_text() {
        let html = "<h2>Le marché</h2><p>Fruits &amp; légumes, <em>été</em> comme hiver.</p>";
        let other = doc("/b/", "Autre", "hiver");
        let as_text = vec![
            Doc {
                body: super::super::text::html_text(html).into(),
                ..doc("/a/", "Marché", "")
            },
            other.clone(),
        ];
        let as_html = vec![
            Doc {
                html: Some(html.into()),
                ..doc("/a/", "Marché", "")
            },
            other,
        ];
        let a = build_language("fr", as_text.clone(), &Facets::default());
        let b = build_language("fr", as_html.clone(), &Facets::default());
        assert_eq!(a.files, b.files);
        assert!(shard_with(&b, "legumes").is_some());
        // Either form gives a page the same key: `serve` reads neither again.
        let mut memo = Memo::default();
        build_collecting("fr", as_html, &Facets::default(), &mut memo, true);
        let again = build_collecting("fr", as_text, &Facets::default(), &mut memo, true);
        assert_eq!(again.analysed, 0);
        assert_eq!(again.files, a.files);
    }

    #[test]
    fn numbers_given_in_another_order_write_the_same_index() {
        // Terms and stems are numbered in the order pages are read; the
        // files must not show it. A lexicon that first met these words in
        // another order (kept by `serve` from other pages) numbers them
        // apart from a fresh one.
        let pages: Vec<Doc> = (0..400)
            .map(|i| {
                let body = format!("mot{} commun{} Été été ete village", i % 37, i % 11);
                doc(&format!("/p{i:03}/"), &format!("Page {i}"), &body)
            })
            .collect();
        let mut memo = Memo::default();
        let other = doc("/z/", "Village ete", "zzz commun3 mot5 Été pages");
        build_collecting("fr", vec![other], &Facets::default(), &mut memo, true);
        assert_eq!(memo.langs["fr"].lexicon.term(0), "village");
        let apart = build_collecting("fr", pages.clone(), &Facets::default(), &mut memo, true);
        let fresh = build_language("fr", pages, &Facets::default());
        assert_eq!(apart.analysed, 400, "the index is made whole");
        assert_eq!(apart.files, fresh.files);
        assert_eq!(apart.manifest, fresh.manifest);
    }

    #[test]
    fn a_title_word_weighs_more_than_a_body_word_however_repeated() {
        let titled = doc("/a/", "Le marché", "Fruits.");
        let repeated = doc("/b/", "Place", &"marché ".repeat(40));
        assert!(weight_of(&titled, "marche") > weight_of(&repeated, "marche"));
        let mut headed = doc("/c/", "Place", "");
        headed.headings = vec!["Le marché".into(), "Marché".into(), "Au marché".into()];
        assert!(weight_of(&titled, "marche") > weight_of(&headed, "marche"));
        assert!(weight_of(&headed, "marche") > weight_of(&repeated, "marche"));
        // In the body, more is better, with diminishing returns, and a word
        // counts more in a short page than in a long one.
        let once = doc("/d/", "Place", "marché");
        let thrice = doc("/e/", "Place", "marché marché marché");
        let long = doc("/f/", "Place", &format!("marché {}", "fruits ".repeat(200)));
        assert!(weight_of(&thrice, "marche") > weight_of(&once, "marche"));
        assert!(weight_of(&once, "marche") > weight_of(&long, "marche"));
        assert!(weight_of(&long, "marche") >= 1);
        // Stop words are not indexed; stems are kept with each term.
        let (terms, _) = terms_of(&titled);
        assert!(terms.iter().all(|(name, ..)| name != "le"));
        let marche = terms.iter().find(|(name, ..)| name == "marche");
        assert_eq!(marche.map(|t| t.3.as_str()), Some("march"));
    }

    fn shard_with(idx: &LanguageIndex, term: &str) -> Option<serde_json::Value> {
        idx.files
            .iter()
            .filter(|(p, _)| !p.contains("manifest") && p.matches('/').count() == 2)
            .map(|(_, b)| serde_json::from_slice::<serde_json::Value>(b).unwrap())
            .find(|v| v["t"].get(term).is_some())
    }

    #[test]
    fn terms_of_one_stem_share_its_number_in_their_shard() {
        let idx = build_language(
            "fr",
            vec![
                doc("/a/", "Randonnées faciles", ""),
                doc("/b/", "Une randonnée", "L'abbaye d'été"),
            ],
            &Facets::default(),
        );
        let shard = shard_with(&idx, "randonnees").unwrap();
        assert_eq!(shard["t"]["randonnees"][0], shard["t"]["randonnee"][0]);
        // Postings: page 0 (gap 0), weight of a title word.
        assert_eq!(shard["t"]["randonnees"][1], 0);
        assert_eq!(shard["t"]["randonnees"][2], W_TITLE);
        assert!(shard_with(&idx, "abbaye").is_some());
        assert!(shard_with(&idx, "ete").is_some());
        assert_eq!(idx.documents, 2);
    }

    #[test]
    fn large_shards_are_split_and_names_follow_content() {
        let docs: Vec<Doc> = (0..3000)
            .map(|n| doc(&format!("/p{n}/"), &format!("marche{n} maison{n}"), "mer"))
            .collect();
        let a = build_language("fr", docs.clone(), &Facets::default());
        let b = build_language("fr", docs.into_iter().rev().collect(), &Facets::default());
        assert_eq!(a.files, b.files, "the same pages give the same files");
        assert!(a.shards > 2, "{} shards", a.shards);
        let manifest: serde_json::Value =
            serde_json::from_slice(&a.files.last().unwrap().1).unwrap();
        let keys = manifest["shards"].as_object().unwrap();
        assert!(
            keys.keys().any(|k| k.starts_with("ma") && k.len() >= 3),
            "{keys:?}"
        );
        for (key, h) in keys {
            let path = format!("{FOLDER}/fr/{}.json", h.as_str().unwrap());
            let bytes = &a.files.iter().find(|(p, _)| **p == *path).unwrap().1;
            assert_eq!(h.as_str().unwrap(), hash(bytes), "named by its content");
            let shard: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let terms = shard["t"].as_object().unwrap();
            assert!(terms.keys().all(|t| t.starts_with(key.as_str())));
            // Over the budget only when it cannot be split further.
            assert!(
                bytes.len() <= SHARD_BUDGET
                    || key.chars().count() >= MAX_KEY
                    || terms.keys().all(|t| t == key),
                "{key}: {} bytes",
                bytes.len()
            );
        }
        let c = build_language("fr", vec![doc("/p0/", "Autre", "")], &Facets::default());
        assert_ne!(a.manifest, c.manifest);
    }

    #[test]
    fn facet_codes_give_pillar_audiences_and_event_per_page() {
        let pillars = vec![("tourisme".to_string(), "Tourisme".to_string())];
        let audiences = vec![
            ("visiteurs".to_string(), "Visiteurs".to_string()),
            ("habitants".to_string(), "Habitants".to_string()),
        ];
        let mut a = doc("/a/", "A", "");
        a.pillar = Some(pillars[0].clone());
        a.audiences = vec!["habitants".into()];
        a.event = Some(EventState::Upcoming);
        let b = doc("/b/", "B", "");
        let facets = Facets {
            pillars,
            audiences,
            access: Vec::new(),
        };
        let docs = [a, b];
        let tables = Tables::of(&docs);
        assert_eq!(facet_codes(&docs, &facets, &tables), "021_00");
    }

    fn manifest_of(idx: &LanguageIndex) -> serde_json::Value {
        let (_, bytes) = idx
            .files
            .iter()
            .find(|(p, _)| p.contains("manifest"))
            .unwrap();
        serde_json::from_slice(bytes).unwrap()
    }

    fn place(path: &str, kind: Option<&str>, commune: Option<&str>, access: u8) -> Doc {
        let mut d = doc(path, "Lieu", "");
        d.kind = kind.map(String::from);
        d.commune = commune.map(String::from);
        d.access = access;
        d
    }

    #[test]
    fn place_facets_are_small_tables_and_a_few_characters_a_page() {
        let access: Vec<Facet> = ACCESS
            .iter()
            .map(|k| (k.to_string(), format!("name of {k}")))
            .collect();
        let facets = Facets {
            access,
            ..Facets::default()
        };
        let docs = vec![
            place("/a/", Some("Musée"), Some("Saint-Lac"), 0b1_0001),
            place("/b/", Some("Gîte"), Some("Orbière"), 0),
            place("/c/", Some("musée"), Some("Saint-Lac"), 0b1_0000),
            place("/d/", Some("Écomusée"), None, 0),
            doc("/e/", "Page", ""),
        ];
        let idx = build_language("fr", docs, &facets);
        let m = manifest_of(&idx);
        // Each value once, in reading order (accents and case aside); a
        // different spelling is a different value.
        assert_eq!(
            m["types"],
            serde_json::json!(["Écomusée", "Gîte", "Musée", "musée"])
        );
        assert_eq!(m["communes"], serde_json::json!(["Orbière", "Saint-Lac"]));
        assert_eq!(m["access"][4][0], "reduced_mobility");
        assert_eq!(m["access"][0][1], "name of motor");
        // Per page: pillar (none), audiences, event, type + 1, commune + 1,
        // accessibility bits.
        let codes = m["facets"].as_str().unwrap();
        let pages: Vec<&str> = (0..5).map(|n| &codes[n * 6..n * 6 + 6]).collect();
        assert_eq!(pages, ["_0032h", "_00210", "_0042g", "_00100", "_00000"]);
        assert!(
            !serde_json::to_string(&m["facets"])
                .unwrap()
                .contains("Saint")
        );
    }

    #[test]
    fn a_site_without_places_pays_nothing_for_their_facets() {
        let facets = Facets {
            access: ACCESS
                .iter()
                .map(|k| (k.to_string(), k.to_string()))
                .collect(),
            ..Facets::default()
        };
        let idx = build_language(
            "fr",
            vec![doc("/a/", "A", ""), doc("/b/", "B", "")],
            &facets,
        );
        let m = manifest_of(&idx);
        assert_eq!(m["facets"], "_00_00");
        assert_eq!(m["types"], serde_json::json!([]));
        assert_eq!(m["communes"], serde_json::json!([]));
        assert_eq!(m["access"], serde_json::json!([]), "no page has any");
    }

    #[test]
    fn many_communes_take_two_characters_each_and_stay_deterministic() {
        assert_eq!((width(0), width(1), width(63), width(64)), (0, 1, 1, 2));
        assert_eq!(width(4095), 2);
        assert_eq!(width(4096), 3);
        let docs: Vec<Doc> = (0..100)
            .map(|n| {
                place(
                    &format!("/p{n:03}/"),
                    None,
                    Some(&format!("Commune {n:03}")),
                    0,
                )
            })
            .collect();
        let a = build_language("fr", docs.clone(), &Facets::default());
        let b = build_language("fr", docs.into_iter().rev().collect(), &Facets::default());
        assert_eq!(a.files, b.files);
        let m = manifest_of(&a);
        let codes = m["facets"].as_str().unwrap();
        assert_eq!(codes.len(), 100 * 5);
        // Page 99 has commune 99 (number 100 = 36 + 1 × 64): "A" then "1".
        assert_eq!(&codes[99 * 5..], "_00A1");
        assert_eq!(m["communes"][99], "Commune 099");
    }

    #[test]
    fn a_failed_write_of_results_fails_and_keeps_the_index_for_the_next_build() {
        let pages = || {
            vec![
                doc("/a/", "Le lac", "Une plage au bord du lac."),
                doc("/b/", "La forêt", "Des chemins sous les arbres."),
            ]
        };
        let failing = |_: &[(Arc<str>, Arc<[u8]>)]| {
            Err(Diagnostic::error("output-write", "the disk is full"))
        };
        let mut memo = Memo::default();
        let failed =
            build_language_with("fr", pages(), &Facets::default(), &mut memo, true, &failing);
        assert_eq!(failed.map(|_| ()).unwrap_err().message, "the disk is full");
        // The next build finds every page it read, and reads none again.
        let next = build_collecting("fr", pages(), &Facets::default(), &mut memo, true);
        assert_eq!(next.analysed, 0);
        assert_eq!(
            next.files,
            build_language("fr", pages(), &Facets::default()).files
        );
    }

    #[test]
    fn an_index_kept_between_builds_is_updated_to_what_a_new_one_would_be() {
        let words = [
            "marché",
            "abbaye",
            "lac",
            "forêt",
            "randonnée",
            "vélo",
            "musée",
            "été",
        ];
        let page = |n: usize, extra: &str| {
            let body = format!(
                "{} {} {} {extra}",
                words[n % 8],
                words[(n * 3) % 8],
                "pierre ".repeat(n % 5 + 20)
            );
            doc(
                &format!("/p{n:03}/"),
                &format!("Page {n} {}", words[n % 7]),
                &body,
            )
        };
        let site = |edits: &[(usize, &str)]| -> Vec<Doc> {
            (0..300)
                .map(|n| {
                    let extra = edits.iter().find(|(e, _)| *e == n).map_or("", |(_, t)| *t);
                    page(n, extra)
                })
                .collect()
        };
        let mut memo = Memo::default();
        let first = build_collecting("fr", site(&[]), &Facets::default(), &mut memo, true);
        assert_eq!((first.analysed, first.shards_made), (300, first.shards));
        // Each step: an edit of one page, as `serve` sees a save; the kept
        // index must write exactly what a new one writes.
        let steps: [&[(usize, &str)]; 5] = [
            &[(7, "ajout")],
            &[(7, "ajout nouveauté")],
            &[(7, "")],
            &[(12, "ete Été zzzunique")],
            &[(12, "")],
        ];
        for edits in steps {
            let kept = build_collecting("fr", site(edits), &Facets::default(), &mut memo, true);
            let fresh = build_language("fr", site(edits), &Facets::default());
            assert_eq!(kept.manifest, fresh.manifest, "{edits:?}");
            assert_eq!(kept.files, fresh.files, "{edits:?}");
            // The costs the layout sums are kept up to date.
            let last = &memo.langs["fr"];
            for (name, t) in &last.terms {
                assert_eq!(
                    t.cost,
                    cost(name, t, &last.lexicon),
                    "{name} after {edits:?}"
                );
            }
            assert_eq!(
                kept.analysed, 1,
                "{edits:?}: only the page edited is read again"
            );
            assert!(
                kept.shards_made < kept.shards / 2,
                "{edits:?}: {} of {} shards made again",
                kept.shards_made,
                kept.shards
            );
        }
        // A page added: numbers move, the index is put together again from
        // the pages it keeps (still read once each).
        let mut more = site(&[]);
        more.push(doc("/p150b/", "Nouvelle page", "lac"));
        let kept = build_collecting("fr", more.clone(), &Facets::default(), &mut memo, true);
        assert_eq!(
            kept.files,
            build_language("fr", more, &Facets::default()).files
        );
        assert_eq!(kept.analysed, 1);
    }

    #[test]
    fn the_average_length_moves_in_steps() {
        let with = |lens: &[u32]| {
            let docs: Vec<Arc<Analysed>> = lens
                .iter()
                .map(|&body_len| {
                    Arc::new(Analysed {
                        terms: Vec::new(),
                        body_len,
                        fragment: Arc::from(Vec::new()),
                        fragment_hash: blake3::hash(b""),
                    })
                })
                .collect();
            average(&docs)
        };
        assert_eq!(with(&[10, 20]), 15);
        assert_eq!(with(&[500, 500]), 496);
        assert_eq!(with(&[500, 510]), 496, "a small change keeps the step");
        assert_eq!(with(&[500, 700]), 576);
        assert_eq!(with(&[]), 0);
    }
}
