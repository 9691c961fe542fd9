//! The site's groupings across sections: pillars, audiences, taxonomies,
//! translations, aliases, and the table of every URL with the file it comes from;
//! and which pages each language lists ([`Shown`], the `untranslated` policy).
//!
//! Built from loaded [`Content`] and the configuration; a front matter key that
//! names an unknown pillar or audience is an error here, and so is any URL that
//! two sources want (both are named). No rendering happens here.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::{Config, Untranslated};
use crate::content::frontmatter::SortBy;
use crate::content::{Content, DateOrder, sort_pages};
use crate::error::{Diagnostic, Error, suggest};
use crate::slug::slugify;

/// A listing's place in [`SiteModel::listings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ListingId(pub usize);

/// A page listing pages: a pillar, an audience or a taxonomy term.
#[derive(Debug, Clone)]
pub struct Listing {
    pub kind: ListingKind,
    pub key: String,
    pub lang: String,
    pub title: String,
    pub path: String,
    pub pages: Vec<usize>,
    /// The section merged into this listing (a pillar with a section of its name).
    pub section: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingKind {
    Pillar,
    Audience,
    Term { taxonomy: String },
}

/// A taxonomy (tags, or a Zola taxonomy) in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub lang: String,
    pub path: String,
    /// Indices into [`SiteModel::listings`], sorted by term name.
    pub terms: Vec<usize>,
}

/// Who wants a URL (for collision messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub source: String,
}

/// Pillars, audiences, taxonomies, translations and routes.
#[derive(Debug, Default)]
pub struct SiteModel {
    pub listings: Vec<Listing>,
    pub taxonomies: Vec<Taxonomy>,
    /// Translation key to (language, URL path), default language first.
    /// Looked up, never listed in its order (FxHash: made at every save of
    /// `serve`).
    pub translations: FxHashMap<String, Vec<(String, String)>>,
    /// Alias URL path to the URL it redirects to.
    pub aliases: BTreeMap<String, String>,
    /// Every URL path of the site to what makes it; looked up only.
    pub routes: FxHashMap<String, Route>,
    /// Section index to the pillar listing it is merged into.
    pub merged_sections: HashMap<usize, usize>,
}

fn unknown_key(
    kind: &str,
    key: &str,
    known: &indexmap::IndexMap<String, crate::config::Grouping>,
    file: &str,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        if kind == "pillar" {
            "unknown-pillar"
        } else {
            "unknown-audience"
        },
        format!("`{key}` is not a {kind} of this site"),
    )
    .file(file);
    let list = known
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let table = if kind == "pillar" {
        "pillars"
    } else {
        "audiences"
    };
    d = match suggest(key, known.keys().map(String::as_str)) {
        Some(s) => d.help(format!(
            "did you mean `{s}`? The {table} are declared in blason.toml under [{table}]: {list}"
        )),
        None if list.is_empty() => d.help(format!("declare it in blason.toml under [{table}]")),
        None => d.help(format!("use one of: {list} (blason.toml, [{table}])")),
    };
    d
}

/// Builds the groupings and the route table, and says what is wrong with
/// them: unknown pillars and audiences (left out of the model), addresses
/// wanted twice, aliases that are not paths.
pub fn build(content: &Content, config: &Config) -> (SiteModel, Vec<Diagnostic>) {
    let key_errors = match check_keys(content, config) {
        Ok(()) => Vec::new(),
        Err(e) => e.into_diagnostics(),
    };
    let mut b = Builder {
        content,
        config,
        model: SiteModel::default(),
        errors: Vec::new(),
        shown: Shown::new(content, config),
        dates: content.date_order(&config.timezone),
    };
    for s in &content.sections {
        if s.fm.render != Some(false) {
            b.route(&s.path, s.source_name());
        }
    }
    for p in &content.pages {
        b.route(&p.path, p.file.rel.clone());
    }
    for lang in config.all_languages() {
        b.pillars(lang);
        b.audiences(lang);
        b.taxonomies(lang);
    }
    b.pagination();
    b.aliases();
    b.translations();
    let mut errors = key_errors;
    errors.extend(b.errors);
    (b.model, errors)
}

/// Pillar and audience keys of front matter must be the site's.
fn check_keys(content: &Content, config: &Config) -> Result<(), Error> {
    let mut errors = Vec::new();
    for p in &content.pages {
        if let Some(k) = &p.fm.pillar
            && !config.pillars.contains_key(k)
        {
            errors.push(unknown_key("pillar", k, &config.pillars, &p.file.rel));
        }
        for a in &p.fm.audiences {
            if !config.audiences.contains_key(a) {
                errors.push(unknown_key("audience", a, &config.audiences, &p.file.rel));
            }
        }
    }
    Error::or_value(errors, ())
}

/// The model being built, and the collisions found so far.
struct Builder<'a> {
    content: &'a Content,
    config: &'a Config,
    model: SiteModel,
    errors: Vec<Diagnostic>,
    shown: Shown<'a>,
    /// The pages' date order, made when they were listed.
    dates: std::borrow::Cow<'a, DateOrder>,
}

/// Which pages each language lists: its own, and the default language's
/// untranslated ones where its policy (`untranslated = "link"`) links them.
pub struct Shown<'a> {
    config: &'a Config,
    /// (language, translation key) of every page.
    translated: FxHashSet<(&'a str, &'a str)>,
}

impl<'a> Shown<'a> {
    pub fn new(content: &'a Content, config: &'a Config) -> Shown<'a> {
        Shown {
            config,
            translated: content
                .pages
                .iter()
                .map(|p| (p.lang.as_str(), p.translation_key.as_str()))
                .collect(),
        }
    }

    /// Whether page `p` is listed in `lang`.
    pub fn in_lang(&self, p: &crate::content::Page, lang: &str) -> bool {
        p.lang == lang
            || (p.lang == self.config.default_language
                && self.config.untranslated(lang) == Untranslated::Link
                && !self
                    .translated
                    .contains(&(lang, p.translation_key.as_str())))
    }
}

impl Builder<'_> {
    /// Claims `path` for `source`; a path two sources want is an error
    /// naming both.
    fn route(&mut self, path: &str, source: String) {
        if let Some(prev) = self.model.routes.get(path) {
            if prev.source != source {
                self.errors.push(
                    Diagnostic::error("url-collision", format!("the address {path} is wanted by both {} and {source}", prev.source))
                        .file(first_file(&source).unwrap_or_else(|| first_file(&prev.source).unwrap_or_default()))
                        .help("give one of them another `slug` (or `path`), or remove the duplicate alias"),
                );
            }
        } else {
            self.model.routes.insert(path.to_string(), Route { source });
        }
    }

    /// The pages of `lang` that `keep` selects, sorted by `sort`; with the
    /// language's policy `untranslated = "link"`, the default language's
    /// pages not translated into `lang` too.
    fn pages(
        &self,
        lang: &str,
        sort: SortBy,
        keep: impl Fn(&crate::content::Page) -> bool,
    ) -> Vec<usize> {
        let pages = &self.content.pages;
        let mut list: Vec<usize> = (0..pages.len())
            .filter(|&i| self.shown.in_lang(&pages[i], lang) && keep(&pages[i]))
            .collect();
        match sort {
            SortBy::Date => self.dates.sort(&mut list),
            by => sort_pages(&mut list, pages, by, &self.config.timezone),
        }
        list
    }

    /// Pillar listings of `lang`, merged with the section at the same address.
    /// With `untranslated = "leave-out"`, a pillar with nothing in `lang`
    /// has no listing there (and no place in its navigation).
    fn pillars(&mut self, lang: &str) {
        let (content, config) = (self.content, self.config);
        for key in config.pillars.keys() {
            let path = format!("{}/{key}/", config.lang_prefix(lang));
            let section = content
                .sections
                .iter()
                .position(|s| s.lang == lang && s.path == path);
            let sort = section.map_or(SortBy::Date, |s| match content.sections[s].fm.sort_by {
                SortBy::None => SortBy::Date,
                other => other,
            });
            let pages = self.pages(lang, sort, |p| p.pillar.as_deref() == Some(key));
            if pages.is_empty() && section.is_none() && self.left_out(lang) {
                continue;
            }
            let idx = self.model.listings.len();
            if let Some(s) = section {
                self.model.merged_sections.insert(s, idx);
            } else {
                self.route(&path, format!("the pillar `{key}` (blason.toml)"));
            }
            self.model.listings.push(Listing {
                kind: ListingKind::Pillar,
                key: key.clone(),
                lang: lang.to_string(),
                title: config.pillar_title(key, lang).unwrap_or(key).to_string(),
                path,
                pages,
                section,
            });
        }
    }

    /// Whether `lang` leaves out what it has not translated.
    fn left_out(&self, lang: &str) -> bool {
        lang != self.config.default_language
            && self.config.untranslated(lang) == Untranslated::LeaveOut
    }

    /// Audience listings of `lang`, and their index.
    fn audiences(&mut self, lang: &str) {
        let config = self.config;
        for key in config.audiences.keys() {
            let path = format!("{}/audiences/{key}/", config.lang_prefix(lang));
            let pages = self.pages(lang, SortBy::Date, |p| {
                p.fm.audiences.iter().any(|a| a == key)
            });
            if pages.is_empty() && self.left_out(lang) {
                continue;
            }
            self.route(&path, format!("the audience `{key}` (blason.toml)"));
            self.model.listings.push(Listing {
                kind: ListingKind::Audience,
                key: key.clone(),
                lang: lang.to_string(),
                title: config.audience_title(key, lang).unwrap_or(key).to_string(),
                path,
                pages,
                section: None,
            });
        }
        if !config.audiences.is_empty() {
            self.route(
                &format!("{}/audiences/", config.lang_prefix(lang)),
                "the audiences index".into(),
            );
        }
    }

    /// Tags (and Zola taxonomies) of `lang`: a listing per term, terms in
    /// collation order.
    fn taxonomies(&mut self, lang: &str) {
        let content = self.content;
        let mut terms: BTreeMap<String, BTreeMap<String, (String, Vec<usize>)>> = BTreeMap::new();
        // The tags index is a theme-made page: every language has one, if
        // only to say that it has no tags yet.
        terms.entry("tags".to_string()).or_default();
        // Each term's slug made once (a site's pages share a few dozen
        // terms), and no map or string made per page: the site model is
        // made again at each save of `serve`.
        let mut slugs: FxHashMap<&str, String> = FxHashMap::default();
        for (i, p) in content.pages.iter().enumerate() {
            if p.lang != lang {
                continue;
            }
            for (tax, t) in p.terms() {
                let slug = slugs.entry(t).or_insert_with(|| slugify(t));
                let by_slug = match terms.get_mut(tax) {
                    Some(m) => m,
                    None => terms.entry(tax.to_string()).or_default(),
                };
                match by_slug.get_mut(slug.as_str()) {
                    // A page lists a term once, however many times or
                    // ways it writes it (« Vélo », « vélo »).
                    Some(entry) if entry.1.last() == Some(&i) => {}
                    Some(entry) => entry.1.push(i),
                    None => {
                        by_slug.insert(slug.clone(), (t.to_string(), vec![i]));
                    }
                }
            }
        }
        for (tax, by_slug) in terms {
            let tax_slug = slugify(&tax);
            let tax_path = format!("{}/{tax_slug}/", self.config.lang_prefix(lang));
            self.route(&tax_path, format!("the taxonomy `{tax}`"));
            let mut term_ids = Vec::new();
            let mut ordered: Vec<(String, (String, Vec<usize>))> = by_slug.into_iter().collect();
            ordered.sort_by(|a, b| {
                crate::content::collation_key(&a.1.0)
                    .cmp(&crate::content::collation_key(&b.1.0))
                    .then(a.0.cmp(&b.0))
            });
            for (slug, (name, mut pages)) in ordered {
                self.dates.sort(&mut pages);
                let path = format!("{tax_path}{slug}/");
                self.route(&path, format!("the {tax} `{name}`"));
                term_ids.push(self.model.listings.len());
                self.model.listings.push(Listing {
                    kind: ListingKind::Term {
                        taxonomy: tax.clone(),
                    },
                    key: slug,
                    lang: lang.to_string(),
                    title: name,
                    path,
                    pages,
                    section: None,
                });
            }
            self.model.taxonomies.push(Taxonomy {
                name: tax,
                lang: lang.to_string(),
                path: tax_path,
                terms: term_ids,
            });
        }
    }

    /// The pager pages of paginated sections and pillars.
    fn pagination(&mut self) {
        for (si, s) in self.content.sections.iter().enumerate() {
            if s.fm.paginate_by == 0 || s.fm.render == Some(false) {
                continue;
            }
            let count = match self.model.merged_sections.get(&si) {
                Some(&l) => self.model.listings[l].pages.len(),
                None => s.pages.len(),
            };
            let pages_n = count.div_ceil(s.fm.paginate_by).max(1);
            let pp = s.fm.paginate_path.as_deref().unwrap_or("page");
            for n in 2..=pages_n {
                self.route(&format!("{}{pp}/{n}/", s.path), s.source_name());
            }
        }
    }

    /// Aliases: redirect pages from old addresses.
    fn aliases(&mut self) {
        let mut alias_sources: Vec<(String, String, String)> = Vec::new();
        for p in &self.content.pages {
            for a in &p.fm.aliases {
                alias_sources.push((a.clone(), p.path.clone(), p.file.rel.clone()));
            }
        }
        for s in &self.content.sections {
            for a in &s.fm.aliases {
                alias_sources.push((a.clone(), s.path.clone(), s.source_name()));
            }
        }
        for (alias, target, source) in alias_sources {
            let Some(path) = normalize_alias(&alias) else {
                self.errors.push(
                    Diagnostic::error("bad-alias", format!("the alias `{alias}` is not a path on this site"))
                        .file(&source)
                        .help("write an address of the old site, such as \"/ancien/lac.html\" or \"/ancien/lac/\""),
                );
                continue;
            };
            self.route(&path, format!("an alias in {source}"));
            self.model.aliases.insert(path, target);
        }
    }

    /// Each page's and section's translations, the default language first.
    fn translations(&mut self) {
        let translations = &mut self.model.translations;
        for p in &self.content.pages {
            translations
                .entry(format!("page:{}", p.translation_key))
                .or_default()
                .push((p.lang.clone(), p.path.clone()));
        }
        for s in &self.content.sections {
            translations
                .entry(format!("section:{}", s.translation_key))
                .or_default()
                .push((s.lang.clone(), s.path.clone()));
        }
        let langs = self.config.all_languages();
        for list in translations.values_mut() {
            list.sort_by_key(|(l, _)| langs.iter().position(|x| x == l).unwrap_or(usize::MAX));
        }
    }
}

fn first_file(source: &str) -> Option<String> {
    source
        .split_whitespace()
        .find(|w| w.starts_with("content/"))
        .map(String::from)
}

/// `/ancien/lac.html` stays a file; `ancien/lac` becomes `/ancien/lac/`.
/// Refuses URLs, traversal and empty paths.
pub fn normalize_alias(alias: &str) -> Option<String> {
    let a = alias.trim();
    if a.is_empty()
        || a.contains("://")
        || a.starts_with("//")
        || a.contains('\\')
        || a.contains('?')
        || a.contains('#')
    {
        return None;
    }
    let parts: Vec<&str> = a.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| *p == ".." || *p == ".") {
        return None;
    }
    let joined = parts.join("/");
    let last = parts[parts.len() - 1];
    if last.ends_with(".html") || last.ends_with(".htm") || last.ends_with(".php") {
        Some(format!("/{joined}"))
    } else {
        Some(format!("/{joined}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_counts_once_in_a_term_its_first_spelling_names_it() {
        let page = |name: &str, date: &str, tags: &str| {
            format!("+++\ntitle = \"{name}\"\ndate = {date}\ntags = [{tags}]\n+++\n")
        };
        let dir = crate::testing::site(&[
            (
                "content/a.md",
                &page("a", "2024-01-02", "\"Vélo\", \"Vélo\", \"vélo\", \"Lac\""),
            ),
            ("content/b.md", &page("b", "2024-01-01", "\"velo\"")),
        ]);
        let root = dir.path();
        let config = Config::parse(crate::testing::CONFIG).unwrap();
        let opts = crate::content::epoch_options();
        let content = crate::content::load(root, &config, opts, None).unwrap();
        let (model, errors) = build(&content, &config);
        assert!(errors.is_empty(), "{errors:?}");
        let term = |key: &str| {
            model
                .listings
                .iter()
                .find(|l| matches!(l.kind, ListingKind::Term { .. }) && l.key == key)
                .unwrap()
        };
        let velo = term("velo");
        assert_eq!(velo.title, "Vélo");
        let titles: Vec<&str> = velo
            .pages
            .iter()
            .map(|&i| content.pages[i].title())
            .collect();
        assert_eq!(titles, ["a", "b"], "newest first, each once");
        let lac: Vec<&str> = term("lac")
            .pages
            .iter()
            .map(|&i| content.pages[i].title())
            .collect();
        assert_eq!(lac, ["a"]);
    }

    #[test]
    fn aliases_are_normalized_and_traversal_refused() {
        assert_eq!(
            normalize_alias("ancien/lac").as_deref(),
            Some("/ancien/lac/")
        );
        assert_eq!(normalize_alias("/a/b.html").as_deref(), Some("/a/b.html"));
        assert_eq!(normalize_alias("/../etc/passwd"), None);
        assert_eq!(normalize_alias("https://x.org/"), None);
        assert_eq!(normalize_alias("/"), None);
    }
}
