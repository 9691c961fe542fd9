//! Templates: Tera 2 set up with the theme's and the site's templates, UI strings and helpers.
//!
//! The site's `templates/` override the theme's (same paths). One Tera
//! instance per language carries that language's strings (`t(key=...)`) and
//! date names (`format_date`), plus the site view as global context, so a page
//! render only inserts the page. Template errors come back as diagnostics with
//! the template's file, line and column. Views (what templates see) live in
//! [`views`].

pub mod community;
pub mod deps;
pub mod desk;
pub mod facts;
pub mod feeds;
pub mod head;
pub mod jobs;
pub mod kits;
pub mod map;
pub mod opendata;
pub mod pages;
pub mod plan;
pub mod practical;
pub mod press;
pub mod routes;
pub mod trail;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use tera::{Context, Kwargs, State, Tera, Value};

use crate::config::{Config, RawHtml, Typography};
use crate::error::{Diagnostic, Error, display_path, template_error, template_errors};
use crate::theme::{Strings, Theme};
use crate::url::absolute;

/// What blason adds to Tera's functions and filters, for error help.
const SITE_FUNCTIONS: &str = "t, url, get_url, image_sizes, format_date, number, markdown, slugify, urlencode and json_encode";

/// Rendered templates, per language.
pub struct Renderer {
    by_lang: HashMap<String, Tera>,
    /// Template name to the file shown to users.
    sources: Arc<HashMap<String, String>>,
    shortcodes: Vec<String>,
    default_lang: String,
    /// What each template reads, for `serve` (which outputs a template edit leaves).
    graph: deps::TemplateGraph,
}

impl Renderer {
    /// Loads the theme's templates, then the site's `templates/` on top.
    pub fn new(
        theme: &Theme,
        root: &Path,
        config: &Config,
        strings: &BTreeMap<String, Strings>,
        site_views: &BTreeMap<String, Value>,
        links: &rustc_hash::FxHashMap<String, String>,
    ) -> Result<Renderer, Error> {
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, f) in theme.under("templates") {
            match std::str::from_utf8(&f.bytes) {
                Ok(t) => {
                    templates.insert(name.to_string(), (t.to_string(), f.display.clone()));
                }
                Err(_) => errors.push(
                    Diagnostic::error("encoding", "the template is not valid UTF-8 text")
                        .file(f.display.clone()),
                ),
            }
        }
        let site_dir = root.join("templates");
        if site_dir.is_dir() {
            let (files, walk_errors) =
                crate::paths::walk_files(root, &site_dir, |n| n.to_string_lossy().starts_with('.'));
            errors.extend(walk_errors);
            for path in &files {
                let name = display_path(path, &site_dir);
                match std::fs::read(path) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(t) => {
                            templates.insert(name, (t, display_path(path, root)));
                        }
                        Err(_) => errors.push(
                            Diagnostic::error("encoding", "the template is not valid UTF-8 text")
                                .file(display_path(path, root)),
                        ),
                    },
                    Err(e) => errors.push(Diagnostic::io(path, root, "read this template", &e)),
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Site(errors));
        }
        let sources: Arc<HashMap<String, String>> = Arc::new(
            templates
                .iter()
                .map(|(n, (_, d))| (n.clone(), d.clone()))
                .collect(),
        );

        let mut base = Tera::new();
        base.autoescape_on(vec![".html", ".xml", ".svg"]);
        register_common(&mut base, config, links);
        // Per-language helpers are registered again on each language's copy;
        // these make the names known when templates are checked.
        register_language(
            &mut base,
            Strings::default(),
            Typography::PLAIN,
            RawHtml::Sanitize,
            String::new(),
        );
        if let Err(e) =
            base.add_raw_templates(templates.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
        {
            return Err(Error::Site(template_errors(
                &e,
                &sources,
                None,
                SITE_FUNCTIONS,
            )));
        }
        let shortcodes = templates
            .keys()
            .filter_map(|n| n.strip_prefix("shortcodes/"))
            .filter_map(|n| n.strip_suffix(".html"))
            .map(String::from)
            .collect();
        let graph =
            deps::TemplateGraph::new(templates.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())));

        let mut by_lang = HashMap::new();
        for lang in config.all_languages() {
            let mut tera = base.clone();
            let s = strings.get(lang).cloned().unwrap_or_default();
            register_language(
                &mut tera,
                s,
                config.typography(lang),
                config.markdown.raw_html,
                crate::url::host(config.base()).to_string(),
            );
            if let Some(v) = site_views.get(lang) {
                tera.global_context().insert_value("site", v.clone());
            }
            tera.global_context().insert("lang", lang);
            let dir = if crate::config::is_right_to_left(lang) {
                "rtl"
            } else {
                "ltr"
            };
            tera.global_context().insert("dir", dir);
            by_lang.insert(lang.to_string(), tera);
        }
        Ok(Renderer {
            by_lang,
            sources,
            shortcodes,
            default_lang: config.default_language.clone(),
            graph,
        })
    }

    fn tera(&self, lang: &str) -> &Tera {
        self.by_lang
            .get(lang)
            .or_else(|| self.by_lang.get(&self.default_lang))
            .expect("a Tera instance exists for the default language")
    }

    /// Sets a variable every template of every language sees (the
    /// stylesheet's address, known once brand.css is rendered).
    pub fn set_global(&mut self, name: &str, value: Value) {
        for tera in self.by_lang.values_mut() {
            tera.global_context()
                .insert_value(name.to_string(), value.clone());
        }
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// What each template reads.
    pub fn graph(&self) -> &deps::TemplateGraph {
        &self.graph
    }

    /// Shortcode names (templates under `shortcodes/`).
    pub fn shortcodes(&self) -> &[String] {
        &self.shortcodes
    }

    /// Renders `template`; `for_file` names the content file being rendered.
    pub fn render(
        &self,
        lang: &str,
        template: &str,
        ctx: &Context,
        for_file: Option<&str>,
    ) -> Result<String, Diagnostic> {
        self.known(template, for_file)?;
        self.tera(lang)
            .render(template, ctx)
            .map_err(|e| template_error(&e, &self.sources, for_file, SITE_FUNCTIONS))
    }

    /// As [`Renderer::render`], as the bytes of an output file: Tera writes
    /// UTF-8, so the output is not checked again (a whole page, each time).
    pub fn render_bytes(
        &self,
        lang: &str,
        template: &str,
        ctx: &Context,
        for_file: Option<&str>,
    ) -> Result<Vec<u8>, Diagnostic> {
        self.known(template, for_file)?;
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera(lang)
            .render_to(template, ctx, &mut out)
            .map_err(|e| template_error(&e, &self.sources, for_file, SITE_FUNCTIONS))?;
        Ok(out)
    }

    /// An error naming the template when it does not exist.
    fn known(&self, template: &str, for_file: Option<&str>) -> Result<(), Diagnostic> {
        if self.has_template(template) {
            return Ok(());
        }
        let mut d = Diagnostic::error(
            "missing-template",
            format!("the template `{template}` does not exist"),
        );
        if let Some(f) = for_file {
            d = d.file(f);
        }
        // Page templates: not the partials, shortcodes and assets.
        let mut pages: Vec<&str> = self
            .sources
            .keys()
            .map(String::as_str)
            .filter(|n| n.ends_with(".html") && !n.contains('/') && !n.starts_with('_'))
            .collect();
        pages.sort_unstable();
        Err(d.help(missing_template_help(template, &pages)))
    }
}

/// What to do about a missing `template`, knowing the site's and theme's
/// page templates (`pages`, sorted): the closest name, else the list.
/// None at all happens while a theme is being copied into the site
/// (`blason theme eject` during `serve`): the next save builds again.
fn missing_template_help(template: &str, pages: &[&str]) -> String {
    let close = pages
        .iter()
        .copied()
        .filter(|n| strsim::normalized_levenshtein(n, template) >= 0.8)
        .max_by(|a, b| {
            strsim::normalized_levenshtein(a, template)
                .total_cmp(&strsim::normalized_levenshtein(b, template))
        });
    let add = format!(
        "to add it, create templates/{template} in the site; it can start from another, e.g. {{% extends \"page.html\" %}}"
    );
    match close {
        Some(s) => format!("did you mean `{s}`? Otherwise {add}"),
        None if pages.is_empty() => format!(
            "no page template was found, in the site's templates/ or the theme's (a theme still being copied, by `blason theme eject`, has none yet); {add}"
        ),
        None => format!("the templates are: {}; {add}", pages.join(", ")),
    }
}

fn register_common(
    tera: &mut Tera,
    config: &Config,
    links: &rustc_hash::FxHashMap<String, String>,
) {
    let base = config.base().to_string();
    let links = Arc::new(links.clone());
    let link_base = base.clone();
    // get_url(path="@/legal.md"): the URL of a content file; `optional=true`
    // gives "" instead of an error when the file does not exist.
    tera.register_function(
        "get_url",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kw.must_get("path")?;
            let optional: bool = kw.get("optional")?.unwrap_or(false);
            match path.strip_prefix("@/") {
                Some(content) => match links.get(content) {
                    Some(p) => Ok(absolute(&link_base, p)),
                    None if optional => Ok(String::new()),
                    None => Err(tera::Error::message(format!(
                        "get_url: there is no content file `{content}`"
                    ))),
                },
                None => Ok(absolute(&link_base, &path)),
            }
        },
    );
    tera.register_function(
        "url",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kw.must_get("path")?;
            Ok(absolute(&base, &path))
        },
    );
    // image_sizes(layout="card"): the `sizes` of an image in that layout
    // (media::sizes), so each template says where an image sits, not how wide.
    tera.register_function(
        "image_sizes",
        |kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let layout: String = kw.must_get("layout")?;
            crate::media::sizes::for_layout(&layout)
                .map(String::from)
                .ok_or_else(|| {
                    tera::Error::message(format!(
                        "image_sizes: there is no layout `{layout}` (the layouts are: {})",
                        crate::media::sizes::names()
                    ))
                })
        },
    );
    tera.register_filter("slugify", |s: String, _: Kwargs, _: &State| {
        crate::slug::slugify(&s)
    });
    tera.register_filter("urlencode", |s: String, _: Kwargs, _: &State| {
        crate::url::encode(&s)
    });
    tera.register_filter(
        "json_encode",
        |v: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let s = serde_json::to_string(&v).map_err(|e| tera::Error::message(e.to_string()))?;
            // Safe inside <script type="application/ld+json">: no `</script>` can close it.
            Ok(Value::safe_string(&s.replace("</", "<\\/")))
        },
    );
}

fn register_language(
    tera: &mut Tera,
    strings: Strings,
    typography: Typography,
    raw_html: RawHtml,
    site_host: String,
) {
    // Shortcodes' bodies and front matter texts are written by editors:
    // the HTML in them is cleaned as a page's is.
    tera.register_filter("markdown", move |s: String, _: Kwargs, _: &State| {
        Value::safe_string(&crate::markdown::render_inline(
            &s, typography, raw_html, &site_host,
        ))
    });
    let strings = Arc::new(strings);
    // A page calls t() a few dozen times: template values made once, whose
    // clones share the text, found by one hash of the key (a search of the
    // strings' sorted map compared the key with nine others).
    let values: rustc_hash::FxHashMap<String, Said> = strings
        .strings
        .iter()
        .map(|(k, v)| (k.clone(), Said::Plain(Value::from(v.as_str()))))
        .chain(strings.plurals.keys().map(|k| (k.clone(), Said::Counted)))
        .collect();
    // `only_in(lang="fr")`: the notice on a link to a page that exists only
    // in `lang` ("In French only"), from `only_in_fr`, or from `only_in`
    // with the language's own name for a language the strings do not name.
    let s0 = Arc::clone(&strings);
    tera.register_function(
        "only_in",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let code: &str = kw.must_get("lang")?;
            let text = s0
                .strings
                .get(&format!("only_in_{code}"))
                .cloned()
                .or_else(|| {
                    s0.strings.get("only_in").map(|g| {
                        g.replace("{language}", &crate::render::views::language_name(code))
                    })
                })
                .unwrap_or_else(|| format!("({code})"));
            Ok(Value::from(text))
        },
    );
    let s1 = Arc::clone(&strings);
    // t(key="home"), or t(key="page_count", n=3) for a string that depends
    // on a count: its plural form for 3, `{n}` written as the language
    // writes numbers (`decimals` as in `number`).
    tera.register_function(
        "t",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let key: &str = kw.must_get("key")?;
            let n: Option<tera::Number> = kw.get("n")?;
            let missing = || {
                tera::Error::message(format!(
                    "no UI string `{key}` for language `{}` (add it to i18n/{}.toml)",
                    s1.lang, s1.lang
                ))
            };
            let text = match n {
                Some(n) => {
                    let decimals: Option<usize> = kw.get("decimals")?;
                    let (n, decimals) = number_and_decimals(n, decimals);
                    Value::from(s1.counted(key, n, decimals).ok_or_else(missing)?)
                }
                None => match values.get(key) {
                    Some(Said::Plain(v)) => v.clone(),
                    Some(Said::Counted) => {
                        return Err(tera::Error::message(format!(
                            "the UI string `{key}` depends on a count: write t(key=\"{key}\", n=...)"
                        )));
                    }
                    None => return Err(missing()),
                },
            };
            // Other arguments fill the string's placeholders: t(key="back_to_page",
            // title=page.title) writes the title where it has `{title}`.
            let mut text = text;
            for (name, value) in kw.iter() {
                let Some(name) = name.as_str() else { continue };
                if matches!(name, "key" | "n" | "decimals") {
                    continue;
                }
                let value = value
                    .as_str()
                    .map_or_else(|| value.to_string(), String::from);
                let filled = text
                    .as_str()
                    .map(|t| t.replace(&format!("{{{name}}}"), &value));
                if let Some(f) = filled {
                    text = Value::from(f);
                }
            }
            Ok(text)
        },
    );
    let numbers = Arc::clone(&strings);
    // {{ 1234.5 | number }} → "1 234,5" in French, "1,234.5" in English;
    // number(decimals=2) rounds to, and shows, two decimals.
    tera.register_filter(
        "number",
        move |n: tera::Number, kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let decimals: Option<usize> = kw.get("decimals")?;
            let (n, decimals) = number_and_decimals(n, decimals);
            Ok(numbers.format_number(n, decimals))
        },
    );
    let s2 = Arc::clone(&strings);
    tera.register_filter(
        "format_date",
        move |s: String, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            let day = s.get(..10).unwrap_or(&s);
            let date: jiff::civil::Date = day
                .parse()
                .map_err(|_| tera::Error::message(format!("`{s}` is not a date")))?;
            Ok(s2.format_date(date))
        },
    );
}

/// What `t(key=...)` finds for a key: a string, or one that depends on a
/// count (its forms are read from the strings when `n` is given).
enum Said {
    Plain(Value),
    Counted,
}

/// A template's number as a float, and the decimals to show: those asked
/// for, none for an integer, else as many as it needs.
fn number_and_decimals(n: tera::Number, decimals: Option<usize>) -> (f64, Option<usize>) {
    match n {
        tera::Number::Integer(i) => (i as f64, decimals.or(Some(0))),
        tera::Number::Float(f) => (f, decimals),
        // Number is non-exhaustive.
        #[allow(unreachable_patterns)]
        other => (other.as_float(), decimals),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `template` with the built-in theme's strings of `lang`.
    fn render_with(lang: &str, template: &str) -> Result<String, String> {
        let theme =
            Theme::load(Path::new("/nonexistent-site"), crate::theme::BUILTIN_NAME).unwrap();
        let strings = Strings::load(&theme, Path::new("/nonexistent-site"), lang).unwrap();
        let mut tera = Tera::new();
        register_language(
            &mut tera,
            strings,
            Typography::PLAIN,
            RawHtml::Sanitize,
            String::new(),
        );
        tera.add_raw_template("t", template)
            .map_err(|e| format!("{e:?}"))?;
        tera.render("t", &Context::new())
            .map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn a_missing_template_is_named_with_the_closest_or_the_list() {
        let pages = ["404.html", "index.html", "page.html", "section.html"];
        let h = missing_template_help("pages.html", &pages);
        assert!(h.starts_with("did you mean `page.html`?"), "{h}");
        let h = missing_template_help("lieu.html", &pages);
        assert!(
            h.starts_with("the templates are: 404.html, index.html, page.html, section.html;"),
            "{h}"
        );
        let h = missing_template_help("404.html", &[]);
        assert!(h.starts_with("no page template was found"), "{h}");
        assert!(!h.contains("the templates are: ;"), "{h}");
        assert!(h.contains("create templates/404.html"), "{h}");
    }

    #[test]
    fn counts_numbers_and_placeholders_in_templates() {
        let t = r#"{{ t(key="page_count", n=1) }}|{{ t(key="page_count", n=1234) }}|{{ 1234.5 | number }}|{{ 3 | number(decimals=2) }}|{{ t(key="back_to_page", title="Lac") }}"#;
        assert_eq!(
            render_with("fr", t).unwrap(),
            "1 page|1\u{202F}234 pages|1\u{202F}234,5|3,00|Retour à «\u{202F}Lac\u{202F}»"
        );
        assert_eq!(
            render_with("en", t).unwrap(),
            "1 page|1,234 pages|1,234.5|3.00|Back to “Lac”"
        );
        assert_eq!(
            render_with("de", t).unwrap(),
            "1 Seite|1.234 Seiten|1.234,5|3,00|Zurück zu „Lac“"
        );
        // French: 1.5 takes the singular.
        assert_eq!(
            render_with("fr", r#"{{ t(key="page_count", n=1.5) }}"#).unwrap(),
            "1,5 page"
        );
        let err = render_with("fr", r#"{{ t(key="page_count") }}"#).unwrap_err();
        assert!(err.contains("depends on a count"), "{err}");
        let err = render_with("fr", r#"{{ t(key="nope", n=2) }}"#).unwrap_err();
        assert!(err.contains("no UI string `nope`"), "{err}");
    }

    #[test]
    fn urls() {
        assert_eq!(absolute("https://x.fr/", "/a/"), "https://x.fr/a/");
    }
}
