//! The site's pages and sections as the index sees them ([`Doc`]), per
//! language, and the warnings about what search cannot do: pages that no
//! query can find, languages without a stemmer.
//!
//! A place's facets come from its `[place]` front matter, whether written
//! by hand or made from a tourism data feed: its type as the page shows it
//! (or its category's name), its commune, its accessibility. The names of
//! categories and accessibility values are the theme's strings, which the
//! pipeline hands over as [`Words`] (the theme is not below this module).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::per_thread::PerThread;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::Content;
use crate::content::event::EventTimes;
use crate::content::practical::{Disability, PlaceFrontMatter};
use crate::error::Diagnostic;
use crate::markdown::Rendered;
use crate::markdown::held::Html;
use crate::media::ResponsiveImage;

use super::index::{ACCESS, Doc, EventState, Facets};
use super::text::{html_text, stemmer};

/// What the documents are made from.
pub(crate) struct Sources<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub pages: &'a [Rendered],
    pub sections: &'a [Rendered],
    pub events: &'a [Option<EventTimes>],
    pub covers: &'a HashMap<PathBuf, ResponsiveImage>,
    /// Each page's cover file.
    pub cover_files: &'a crate::content::CoverFiles,
    pub words: Words<'a>,
}

/// The hash of the text of each rendered body `serve` read at its last
/// build, by the body's shared copy: a body a save did not change (the
/// same `Arc`, kept by the markdown stage) is not read again. Holding the
/// body keeps its address from being reused by another. The texts
/// themselves are not kept (77 MB on the 10k benchmark corpus): a kept
/// page's terms are, and a body is read again only when something else of
/// its page changed.
#[derive(Default)]
pub(crate) struct Texts {
    /// Body HTML (held) to its text's hash, and whether that text is empty.
    /// By address, looked up only: FxHash.
    by_body: rustc_hash::FxHashMap<usize, (Html, blake3::Hash, bool)>,
}

impl Texts {
    /// Holds the HTML of `repacked` (the key of a body held here, to the
    /// same HTML packed) in place of the HTML it held, under its key: the
    /// next build, given the packed HTML, finds the body's text here.
    pub(crate) fn repack(&mut self, repacked: &HashMap<usize, Html>) {
        if repacked.is_empty() {
            return;
        }
        self.by_body = std::mem::take(&mut self.by_body)
            .into_iter()
            .map(|(key, (html, hash, empty))| match repacked.get(&key) {
                Some(packed) => (packed.key(), (packed.clone(), hash, empty)),
                None => (key, (html, hash, empty)),
            })
            .collect();
    }

    /// Whether the text of `html` (this very HTML) is held.
    #[cfg(test)]
    pub(crate) fn holds(&self, html: &Html) -> bool {
        self.by_body
            .get(&html.key())
            .is_some_and(|(held, ..)| Html::ptr_eq(held, html))
    }
}

/// [`Texts`] while the documents are made: the last build's, and this
/// one's (only the bodies it read, so that those of removed pages go).
struct TextMemo<'a> {
    last: &'a Texts,
    /// Each thread's own, gathered at the end: 10,000 bodies a save were
    /// as many turns of one lock the pool's threads waited on.
    now: PerThread<Texts>,
}

/// A rendered body as a [`Doc`] takes it: its text, or the HTML to make it
/// from when the index needs it, with the text's hash when known.
struct Body {
    text: Arc<str>,
    html: Option<Html>,
    hash: Option<blake3::Hash>,
    /// Whether the text is empty (known when `text` or `hash` is given).
    empty: bool,
}

impl<'a> TextMemo<'a> {
    fn new(last: &'a Texts) -> Self {
        TextMemo {
            last,
            now: PerThread::new(Texts::default),
        }
    }

    /// The bodies read by this build.
    fn into_now(self) -> Texts {
        let mut now = Texts::default();
        for mut t in self.now.each() {
            now.by_body.extend(t.by_body.drain());
        }
        now
    }

    /// The body `html`: its hash and emptiness as read last time, or its
    /// text read now.
    fn body(&self, html: &Html) -> Body {
        let key = html.key();
        let body = match self.last.by_body.get(&key) {
            Some((held, hash, empty)) if Html::ptr_eq(held, html) => Body {
                text: Arc::default(),
                html: Some(html.clone()),
                hash: Some(*hash),
                empty: *empty,
            },
            _ => {
                let text: Arc<str> = html_text(&html.text()).into();
                let hash = blake3::hash(text.as_bytes());
                Body {
                    empty: text.is_empty(),
                    text,
                    html: None,
                    hash: Some(hash),
                }
            }
        };
        if let Some(hash) = body.hash {
            let entry = (html.clone(), hash, body.empty);
            self.now.mine().by_body.insert(key, entry);
        }
        body
    }
}

/// A rendered body: from `serve`'s memo when given; else its text read
/// now when `now` (its emptiness is asked), or left to the index to read
/// as it reads the page (a build: no one holds every text at once).
fn body_of(memo: Option<&TextMemo<'_>>, html: &Html, now: bool) -> Body {
    match memo {
        Some(m) => m.body(html),
        None if now => {
            let text: Arc<str> = html_text(&html.text()).into();
            Body {
                empty: text.is_empty(),
                text,
                html: None,
                hash: None,
            }
        }
        None => Body {
            text: Arc::default(),
            html: Some(html.clone()),
            hash: None,
            empty: false,
        },
    }
}

/// The theme's interface string of a key in a language (`lang`, `key`),
/// when it has one.
pub(crate) type Words<'a> = &'a (dyn Fn(&str, &str) -> Option<String> + Sync);

/// Names of the place categories when the theme has none (English).
fn category_fallback(key: &str) -> &'static str {
    match key {
        "visit" => "Place to visit",
        "eat" => "Restaurant",
        "stay" => "Accommodation",
        "do" => "Activity",
        "shop" => "Shop",
        "service" => "Service",
        "event" => "Event",
        "tour" => "Tour",
        _ => "Other",
    }
}

/// The theme's key and English fallback of each [`ACCESS`] value: the
/// words the page's practical block uses.
const ACCESS_NAMES: [(&str, &str); 5] = [
    ("place_disability_motor", "Motor impairment"),
    ("place_disability_hearing", "Hearing impairment"),
    ("place_disability_visual", "Visual impairment"),
    ("place_disability_mental", "Intellectual impairment"),
    (
        "place_reduced_mobility_yes",
        "Accessible to people with reduced mobility",
    ),
];

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// A place's type as its page shows it, or its category's name in `lang`.
fn place_kind(place: &PlaceFrontMatter, lang: &str, words: Words<'_>) -> Option<String> {
    trimmed(place.kind.as_deref()).or_else(|| {
        let key = place.category?.key();
        Some(
            words(lang, &format!("place_category_{key}"))
                .unwrap_or_else(|| category_fallback(key).to_string()),
        )
    })
}

/// A place's [`ACCESS`] bits.
fn place_access(place: &PlaceFrontMatter) -> u8 {
    let mut bits = 0;
    for (n, d) in Disability::ALL.into_iter().enumerate() {
        debug_assert_eq!(ACCESS[n], d.key());
        if place.accessibility.contains(&d) {
            bits |= 1 << n;
        }
    }
    if place.reduced_mobility == Some(true) {
        bits |= 1 << 4;
    }
    bits
}

/// The address of the smallest variant of a processed cover.
fn thumbnail(src: &Sources<'_>, i: usize) -> Option<String> {
    let img = src.covers.get(src.cover_files.page(i)?)?;
    let first = img.sources.last()?.srcset.split(", ").next()?;
    let url = first.split(' ').next()?;
    Some(url.to_string())
}

fn headings(r: &Rendered) -> Vec<String> {
    let mut out = Vec::new();
    each_heading(&r.toc, &mut |title| {
        out.push(title.clone());
        true
    });
    out
}

/// Calls `f` with the title of each heading of `h`, in the order a
/// document lists them (each heading, then its children), while it
/// returns true; whether it always did.
fn each_heading(h: &[crate::markdown::Heading], f: &mut impl FnMut(&String) -> bool) -> bool {
    h.iter()
        .all(|x| f(&x.title) && each_heading(&x.children, f))
}

fn pillar(config: &Config, key: Option<&str>, lang: &str) -> Option<(String, String)> {
    let key = key?;
    let name = config.pillar_title(key, lang)?;
    Some((key.to_string(), name.to_string()))
}

/// A page as the index sees it, and the warning when nothing but its
/// title can find it; `None` when it is left out of the index. `kept` is
/// the document the last index made of this page, with its key, when
/// nothing else of the site changed but some bodies (`serve`): taken as
/// it is when its body's text and headings are the same.
fn page_doc(
    src: &Sources<'_>,
    memo: Option<&TextMemo<'_>>,
    i: usize,
    p: &crate::content::Page,
    kept: Option<(Doc, blake3::Hash)>,
) -> Option<(Doc, Option<Diagnostic>)> {
    let config = src.config;
    if p.fm.in_search_index == Some(false) {
        return None;
    }
    let mut warning = None;

    let r = &src.pages[i];
    // A build makes a body's text as the index reads the page (no one
    // keeps it), unless the warning below needs it now.
    let blank =
        p.fm.description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty());
    let body = body_of(memo, &r.html, blank);
    if blank && body.empty {
        warning = Some(
            Diagnostic::warning(
                "search-unfindable",
                "this page has no text and no description: search finds it by its title only",
            )
            .in_file(p.file.rel.clone())
            .help("write a `description` in its front matter, or a few lines of text"),
        );
    }
    if let Some((doc, key)) = kept
        && body.hash.is_some()
        && doc.body_hash == body.hash
        && same_headings(&doc.headings, r)
    {
        let doc = Doc {
            body: body.text,
            html: body.html,
            key: Some(key),
            ..doc
        };
        return Some((doc, warning));
    }
    let description = p.fm.description.clone().unwrap_or_default();
    let mut labels: Vec<String> = p.taxonomy_terms().into_values().flatten().collect();
    let pillar = pillar(config, p.pillar.as_deref(), &p.lang);
    labels.extend(pillar.iter().map(|(_, name)| name.clone()));
    labels.extend(
        p.fm.audiences
            .iter()
            .filter_map(|a| config.audience_title(a, &p.lang).map(String::from)),
    );
    let place = p.fm.place.as_deref();
    let kind = place.and_then(|pl| place_kind(pl, &p.lang, src.words));
    let commune = place.and_then(|pl| trimmed(pl.commune.as_deref()));
    if let Some(pl) = place {
        // Found by its type, commune and labels (a feed's are also
        // taxonomy terms: each word counts once a field).
        labels.extend(kind.iter().chain(&commune).cloned());
        labels.extend(pl.labels.iter().cloned());
    }
    let doc = Doc {
        path: p.path.clone(),
        url: crate::url::absolute(config.base(), &p.path),
        title: p.title().to_string(),
        description,
        headings: headings(r),
        body: body.text,
        body_hash: body.hash,
        html: body.html,
        labels,
        pillar,
        audiences: p.fm.audiences.clone(),
        kind,
        commune,
        access: place.map_or(0, place_access),
        thumbnail: thumbnail(src, i),
        event: src.events.get(i).and_then(|e| e.as_ref()).map(|e| {
            if e.upcoming() {
                EventState::Upcoming
            } else {
                EventState::Past
            }
        }),
        key: None,
    };
    Some((doc, warning))
}

/// Whether `headings` are the titles of the headings of `r`, in order
/// ([`headings`] without making the list).
fn same_headings(headings: &[String], r: &Rendered) -> bool {
    let mut them = headings.iter();
    each_heading(&r.toc, &mut |title| them.next() == Some(title)) && them.next().is_none()
}

/// The pages and sections of each language, and warnings (file named) for
/// pages no query can find. With `memo` (`serve`), the bodies' texts
/// are taken from its texts where a body is unchanged, and those are left
/// with this build's; with `same_site` too (nothing changed since the last
/// build that succeeded but some bodies, and templates; a build that fails
/// forgets the documents), each page whose body is the same
/// takes back the document the last index made of it: on 10,000 pages,
/// making them all again was about 40 ms of CPU a save.
pub(crate) fn documents(
    src: &Sources<'_>,
    memo: Option<&mut super::index::Memo>,
    same_site: bool,
) -> (BTreeMap<String, Vec<Doc>>, Vec<Diagnostic>) {
    let Some(memo) = memo else {
        return documents_with(src, None, Vec::new());
    };
    let kept = match same_site {
        true => {
            let pages: Vec<(&str, &str)> = src
                .content
                .pages
                .iter()
                .map(|p| (p.lang.as_str(), p.path.as_str()))
                .collect();
            memo.take_docs(&pages)
        }
        false => Vec::new(),
    };
    let texts = TextMemo::new(&memo.texts);
    let out = documents_with(src, Some(&texts), kept);
    let now = texts.into_now();
    memo.texts = now;
    out
}

fn documents_with(
    src: &Sources<'_>,
    memo: Option<&TextMemo<'_>>,
    mut kept: Vec<Option<(Doc, blake3::Hash)>>,
) -> (BTreeMap<String, Vec<Doc>>, Vec<Diagnostic>) {
    let (config, content) = (src.config, src.content);
    let mut out: BTreeMap<String, Vec<Doc>> = BTreeMap::new();
    let mut warnings = Vec::new();
    // Pages are read in parallel (their text is most of the stage's work
    // after the index itself), then gathered in their order.
    kept.resize_with(content.pages.len(), || None);
    let read: Vec<Option<(Doc, Option<Diagnostic>)>> = content
        .pages
        .par_iter()
        .zip(kept)
        .enumerate()
        .map(|(i, (p, kept))| page_doc(src, memo, i, p, kept))
        .collect();
    // Each language's list made to its size at once: a document is large,
    // and growing a list of 10,000 moved them about (6 ms of a save).
    for (p, d) in content.pages.iter().zip(&read) {
        if d.is_some() && !out.contains_key(&p.lang) {
            let n = content.pages.iter().filter(|q| q.lang == p.lang).count();
            let sections = content.sections.iter().filter(|s| s.lang == p.lang).count();
            out.insert(p.lang.clone(), Vec::with_capacity(n + sections));
        }
    }
    for (p, d) in content.pages.iter().zip(read) {
        if let Some((doc, warning)) = d {
            warnings.extend(warning);
            out.entry(p.lang.clone()).or_default().push(doc);
        }
    }
    for (i, s) in content.sections.iter().enumerate() {
        if s.fm.render == Some(false)
            || s.fm.redirect_to.is_some()
            || s.fm.in_search_index == Some(false)
        {
            continue;
        }
        let r = &src.sections[i];
        let top = s
            .dir_rel
            .split('/')
            .next()
            .filter(|k| config.pillars.contains_key(*k));
        let title = if s.is_home() {
            config.title_in(&s.lang).to_string()
        } else {
            s.title().to_string()
        };
        // A build makes the text as the index reads the section.
        let body = body_of(memo, &r.html, false);
        out.entry(s.lang.clone()).or_default().push(Doc {
            path: s.path.clone(),
            url: crate::url::absolute(config.base(), &s.path),
            title,
            description: s.fm.description.clone().unwrap_or_default(),
            headings: headings(r),
            body: body.text,
            body_hash: body.hash,
            html: body.html,
            pillar: pillar(config, top, &s.lang),
            ..Doc::default()
        });
    }
    (out, warnings)
}

/// A warning for each of the site's languages without a stemmer.
pub(crate) fn stemmer_warnings(config: &Config) -> Vec<Diagnostic> {
    config
        .all_languages()
        .into_iter()
        .filter(|lang| stemmer(lang).is_none())
        .map(|lang| {
            Diagnostic::warning(
                "search-no-stemmer",
                format!("search has no stemmer for `{lang}`: its words are found as written (accents and case aside) and by their beginning"),
            )
            .in_file("blason.toml")
            .help("stemmers: fr, en, de, es, it, nl, pt, da, sv, no, fi, ro, hu, ru, el, tr, ar, ta")
        })
        .collect()
}

/// The facets of `lang` the site names: pillars and audiences (from
/// blason.toml), accessibility values (the theme's words).
pub(crate) fn facets(config: &Config, lang: &str, words: Words<'_>) -> Facets {
    let pillars = config
        .pillars
        .keys()
        .map(|k| {
            (
                k.clone(),
                config.pillar_title(k, lang).unwrap_or(k).to_string(),
            )
        })
        .collect();
    let audiences = config
        .audiences
        .keys()
        .map(|k| {
            (
                k.clone(),
                config.audience_title(k, lang).unwrap_or(k).to_string(),
            )
        })
        .collect();
    let access = ACCESS
        .iter()
        .zip(ACCESS_NAMES)
        .map(|(k, (key, fallback))| {
            let name = words(lang, key).unwrap_or_else(|| fallback.to_string());
            (k.to_string(), name)
        })
        .collect();
    Facets {
        pillars,
        audiences,
        access,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(toml_text: &str) -> PlaceFrontMatter {
        toml::from_str(toml_text).unwrap()
    }

    fn words(lang: &str, key: &str) -> Option<String> {
        (lang == "fr" && key == "place_category_visit").then(|| "Lieu de visite".to_string())
    }

    #[test]
    fn a_place_type_is_as_written_or_its_category_in_the_language() {
        let museum = place("type = \" Musée \"\ncategory = \"visit\"");
        assert_eq!(place_kind(&museum, "fr", &words).as_deref(), Some("Musée"));
        let garden = place("category = \"visit\"");
        assert_eq!(
            place_kind(&garden, "fr", &words).as_deref(),
            Some("Lieu de visite")
        );
        // A theme without the string: its English name.
        assert_eq!(
            place_kind(&garden, "de", &words).as_deref(),
            Some("Place to visit")
        );
        let blank = place("type = \"  \"");
        assert_eq!(place_kind(&blank, "fr", &words), None);
    }

    #[test]
    fn accessibility_bits_follow_the_families_then_reduced_mobility() {
        let all = place("accessibility = [\"mental\", \"motor\", \"hearing\", \"visual\"]");
        assert_eq!(place_access(&all), 0b0_1111);
        let wheel = place("accessibility = [\"visual\"]\nreduced_mobility = true");
        assert_eq!(place_access(&wheel), 0b1_0100);
        // Not accessible is no value, as is nothing said.
        assert_eq!(place_access(&place("reduced_mobility = false")), 0);
        assert_eq!(place_access(&place("")), 0);
    }

    #[test]
    fn accessibility_values_are_named_in_the_language() {
        let config = Config::parse("base_url = \"https://example.org\"\ntitle = \"T\"\n").unwrap();
        let names = |lang: &str, key: &str| {
            (lang == "fr" && key == "place_disability_motor").then(|| "Handicap moteur".to_string())
        };
        let facets = facets(&config, "fr", &names);
        assert_eq!(facets.access.len(), ACCESS.len());
        assert_eq!(facets.access[0], ("motor".into(), "Handicap moteur".into()));
        assert_eq!(facets.access[2].1, "Visual impairment");
    }

    #[test]
    fn a_kept_document_s_headings_are_those_of_the_body_in_order() {
        use crate::markdown::Heading;
        let h = |title: &str, children: Vec<Heading>| Heading {
            level: 2,
            id: String::new(),
            title: title.to_string(),
            children,
        };
        let r = Rendered {
            toc: vec![h("Accès", vec![h("En bus", vec![])]), h("Horaires", vec![])].into(),
            ..Rendered::default()
        };
        let same = |titles: &[&str]| {
            let titles: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
            same_headings(&titles, &r)
        };
        assert!(same(&["Accès", "En bus", "Horaires"]));
        assert_eq!(
            headings(&r),
            ["Accès", "En bus", "Horaires"],
            "the order documents are made with"
        );
        assert!(!same(&["Accès", "Horaires"]), "one missing");
        assert!(
            !same(&["Accès", "En bus", "Horaires", "Tarifs"]),
            "one more"
        );
        assert!(!same(&["Accès", "Horaires", "En bus"]), "another order");
        assert!(!same(&["Accès", "En car", "Horaires"]), "one renamed");
        assert!(same_headings(&[], &Rendered::default()));
    }

    #[test]
    fn serve_reads_again_only_the_bodies_a_save_changed() {
        let kept = Html::from("<p>Le lac d&#39;Orbi\u{e8}re</p>");
        let edited = Html::from("<p>Le lac d&#39;Orbi\u{e8}re</p>");
        let removed = Html::from("<p>Ancienne page</p>");
        let blank = Html::from("<p> </p>");
        let mut texts = Texts::default();
        // A first build reads every body.
        let memo = TextMemo::new(&texts);
        let first = memo.body(&kept);
        assert_eq!(&*first.text, "Le lac d'Orbière");
        assert!(first.html.is_none() && !first.empty);
        let hash = first.hash.unwrap();
        assert_eq!(hash, blake3::hash(first.text.as_bytes()));
        memo.body(&removed);
        assert!(memo.body(&blank).empty);
        texts = memo.into_now();
        // The next: the kept body is not read again (its hash is the one
        // made before, its text is left to the index to make if it must);
        // a body made again (the same words, another copy) is read again;
        // bodies no page has any more are let go.
        let memo = TextMemo::new(&texts);
        let again = memo.body(&kept);
        assert!(again.text.is_empty() && !again.empty);
        assert!(Html::ptr_eq(again.html.as_ref().unwrap(), &kept));
        assert_eq!(again.hash, Some(hash));
        let copy = memo.body(&edited);
        assert_eq!(copy.hash, Some(hash));
        assert_eq!(&*copy.text, "Le lac d'Orbière");
        let still_blank = memo.body(&blank);
        assert!(still_blank.empty && still_blank.html.is_some());
        let now = memo.into_now();
        assert_eq!(now.by_body.len(), 3);
        assert!(!now.by_body.contains_key(&removed.key()));
    }
}
