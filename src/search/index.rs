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
//!   split on one more letter while larger than [`SHARD_BUDGET`].
//! - `search-index/<lang>/<hash>/<n>.json`: what a result shows of page `n`
//!   (address, title, pillar, thumbnail, text for the excerpt); the folder
//!   is named by the hash of all of them.
//!
//! Every name is a hash of the content it names, so a CDN may keep the
//! files forever, and the same pages give the same bytes.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use super::text::{fold, raw_words, stem, stemmer, stop_words};

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
    /// The body as plain text.
    pub body: String,
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
}

/// A language's index: its files (path in the output, bytes) and counters.
#[derive(Debug, Default)]
pub(crate) struct LanguageIndex {
    /// Address of the manifest (`/search-index/fr/manifest.<hash>.json`).
    pub manifest: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub documents: usize,
    pub terms: usize,
    pub shards: usize,
}

/// A term's stem and postings while the index is made.
#[derive(Default)]
struct Term {
    stem: String,
    postings: Vec<(u32, u32)>,
}

/// One thread's stemmer, and the stems it made (words repeat from page to page).
struct Stems {
    stemmer: Option<rust_stemmers::Stemmer>,
    made: HashMap<String, String>,
}

impl Stems {
    fn new(lang: &str) -> Stems {
        Stems {
            stemmer: stemmer(lang),
            made: HashMap::new(),
        }
    }

    fn of(&mut self, word: &str) -> String {
        if let Some(s) = self.made.get(word) {
            return s.clone();
        }
        let s = stem(self.stemmer.as_ref(), word);
        self.made.insert(word.to_string(), s.clone());
        s
    }
}

/// Each term of `doc` with the weight of its fields, the times it is in
/// the body, and its stem; and the body's length in words.
fn doc_terms(
    doc: &Doc,
    stems: &mut Stems,
    stops: &HashSet<&str>,
) -> (HashMap<String, (u32, u32, String)>, usize) {
    let mut terms: HashMap<String, (u32, u32, String)> = HashMap::new();
    let mut body_len = 0;
    let mut add = |text: &str, weight: u32| {
        let mut seen = HashSet::new();
        for w in raw_words(text) {
            let folded = fold(&w);
            if stops.contains(&folded.as_str()) {
                continue;
            }
            if weight == 0 {
                body_len += 1;
            } else if !seen.insert(folded.clone()) {
                continue;
            }
            let e = terms.entry(folded).or_insert_with(|| (0, 0, stems.of(&w)));
            if weight == 0 {
                e.1 += 1;
            } else {
                e.0 += weight;
            }
        }
    };
    add(&doc.title, W_TITLE);
    add(&doc.headings.join(" \n "), W_HEADING);
    add(&doc.description, W_DESCRIPTION);
    add(&doc.labels.join(" \n "), W_LABEL);
    add(&doc.body, 0);
    (terms, body_len)
}

/// A term's weight in a page: its fields' weights and its body share.
fn weight(fields: u32, tf: u32, body_len: usize, average_len: f64) -> u32 {
    if tf == 0 {
        return fields;
    }
    let tf = f64::from(tf);
    let norm = 1.0 - BM25_B + BM25_B * body_len as f64 / average_len.max(1.0);
    let body = W_BODY * tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * norm);
    fields + body.round().max(1.0) as u32
}

fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// The JSON of one shard: `{"s": [stems], "t": {term: [stem, gap, weight, …]}}`.
fn shard_json(terms: &[(&String, &Term)]) -> String {
    let mut stems: Vec<&str> = terms.iter().map(|(_, t)| t.stem.as_str()).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut map = BTreeMap::new();
    for (name, t) in terms {
        let s = stems.binary_search(&t.stem.as_str()).unwrap_or(0) as u32;
        let mut list = Vec::with_capacity(1 + t.postings.len() * 2);
        list.push(s);
        let mut last = 0;
        for &(d, w) in &t.postings {
            list.push(d - last);
            list.push(w);
            last = d;
        }
        map.insert(name.as_str(), list);
    }
    serde_json::json!({ "s": stems, "t": map }).to_string()
}

/// Splits `terms` (sorted, all starting with `key`) into shards no larger
/// than the budget: terms as long as the key stay in its shard, the others
/// go to the shard of their next letter.
fn place(key: String, terms: Vec<(&String, &Term)>, out: &mut BTreeMap<String, String>) {
    let depth = key.chars().count();
    // Over the budget by far: split without writing it first.
    let estimate: usize = terms
        .iter()
        .map(|(name, t)| name.len() + t.postings.len() * 5)
        .sum();
    if estimate <= SHARD_BUDGET * 4 || depth >= MAX_KEY {
        let json = shard_json(&terms);
        if json.len() <= SHARD_BUDGET || depth >= MAX_KEY {
            out.insert(key, json);
            return;
        }
    }
    let mut here = Vec::new();
    let mut next: BTreeMap<char, Vec<(&String, &Term)>> = BTreeMap::new();
    for (name, t) in terms {
        match name.chars().nth(depth) {
            Some(c) => next.entry(c).or_default().push((name, t)),
            None => here.push((name, t)),
        }
    }
    if !here.is_empty() {
        out.insert(key.clone(), shard_json(&here));
    }
    for (c, list) in next {
        place(format!("{key}{c}"), list, out);
    }
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

fn fragment(doc: &Doc) -> Vec<u8> {
    let mut text = doc.description.clone();
    if !doc.body.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&doc.body);
    }
    let x: String = text.chars().take(EXCERPT_TEXT).collect();
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

/// The index of one language's pages, with the names of its facets'
/// values in the language. Pages are numbered in the order of their
/// address.
pub(crate) fn build_language(lang: &str, mut docs: Vec<Doc>, facets: &Facets) -> LanguageIndex {
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let stops = stop_words(lang);
    let stop_set: HashSet<&str> = stops.iter().copied().collect();
    let per_doc: Vec<_> = docs
        .par_iter()
        .map_init(|| Stems::new(lang), |s, d| doc_terms(d, s, &stop_set))
        .collect();
    let average_len =
        per_doc.iter().map(|(_, len)| *len as f64).sum::<f64>() / per_doc.len().max(1) as f64;
    let mut terms: HashMap<String, Term> = HashMap::new();
    for (n, (doc, len)) in per_doc.into_iter().enumerate() {
        for (name, (fields, tf, stem)) in doc {
            let t = terms.entry(name).or_default();
            if t.stem.is_empty() {
                t.stem = stem;
            }
            t.postings
                .push((n as u32, weight(fields, tf, len, average_len)));
        }
    }
    let mut sorted: Vec<(&String, &Term)> = terms.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut by_first: BTreeMap<char, Vec<(&String, &Term)>> = BTreeMap::new();
    for (name, t) in sorted {
        if let Some(c) = name.chars().next() {
            by_first.entry(c).or_default().push((name, t));
        }
    }
    let mut shards = BTreeMap::new();
    for (c, list) in by_first {
        place(c.to_string(), list, &mut shards);
    }
    let dir = format!("{FOLDER}/{lang}");
    let mut files = Vec::new();
    let mut keys = BTreeMap::new();
    for (key, json) in shards {
        let h = hash(json.as_bytes());
        files.push((format!("{dir}/{h}.json"), json.into_bytes()));
        keys.insert(key, h);
    }
    let fragments: Vec<Vec<u8>> = docs.par_iter().map(fragment).collect();
    let mut all = blake3::Hasher::new();
    for f in &fragments {
        all.update(&(f.len() as u64).to_le_bytes());
        all.update(f);
    }
    let folder = all.finalize().to_hex()[..16].to_string();
    for (n, f) in fragments.into_iter().enumerate() {
        files.push((format!("{dir}/{folder}/{n}.json"), f));
    }
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
    files.push((manifest_path.clone(), manifest.into_bytes()));
    LanguageIndex {
        manifest: format!("/{manifest_path}"),
        documents: docs.len(),
        terms: terms.len(),
        shards: keys.len(),
        files,
    }
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

    fn weight_of(doc: &Doc, t: &str) -> u32 {
        let stops = stop_words("fr").iter().copied().collect();
        let (terms, len) = doc_terms(doc, &mut Stems::new("fr"), &stops);
        terms
            .get(t)
            .map_or(0, |&(fields, tf, _)| weight(fields, tf, len, 50.0))
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
        let stops = stop_words("fr").iter().copied().collect();
        let (terms, _) = doc_terms(&titled, &mut Stems::new("fr"), &stops);
        assert!(!terms.contains_key("le"));
        assert_eq!(terms["marche"].2, "march");
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
            let bytes = &a.files.iter().find(|(p, _)| *p == path).unwrap().1;
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
}
