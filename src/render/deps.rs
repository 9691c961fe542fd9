//! Which templates each template reads, so that `serve` can tell, after a
//! template is saved, which outputs it may keep.
//!
//! A template reads the templates it names in `{% extends "…" %}` and
//! `{% include "…" %}` (Tera 2 accepts only a string there), and those they
//! read in turn. Components (`{% component … %}`) are shared by every
//! template, so a template that defines one is read by all. The scan is
//! textual and errs on the side of reading more: a tag in a comment or a
//! `{% raw %}` block counts, and an `extends` or `include` not followed by
//! a plain string makes the template read every other. This module only
//! answers questions; `incremental` and the pipeline decide what to keep.

use std::collections::{HashMap, HashSet};

/// What one template's text says of the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInfo {
    /// A fingerprint of its text.
    pub print: [u8; 32],
    /// The templates it extends or includes; `None` when one of them is
    /// not named by a plain string (it may read any template).
    pub reads: Option<Vec<String>>,
    /// Whether it defines a component, which any template may call.
    pub components: bool,
}

impl TemplateInfo {
    pub fn of(text: &str) -> TemplateInfo {
        let (reads, components) = scan(text);
        TemplateInfo {
            print: crate::stamp::fingerprint(text),
            reads,
            components,
        }
    }
}

/// Every template of a build, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateGraph {
    pub templates: HashMap<String, TemplateInfo>,
}

impl TemplateGraph {
    pub fn new<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> TemplateGraph {
        TemplateGraph {
            templates: sources
                .into_iter()
                .map(|(name, text)| (name.to_string(), TemplateInfo::of(text)))
                .collect(),
        }
    }

    /// The templates whose text differs from `before`'s, when both have the
    /// same names and neither the old nor the new text of a changed one
    /// defines a component; `None` otherwise (a template created or
    /// removed changes which file a name means, or whether it exists).
    pub fn edited_since(&self, before: &TemplateGraph) -> Option<HashSet<String>> {
        if self.templates.len() != before.templates.len() {
            return None;
        }
        let mut edited = HashSet::new();
        for (name, now) in &self.templates {
            let then = before.templates.get(name)?;
            if then.print != now.print {
                if then.components || now.components {
                    return None;
                }
                edited.insert(name.clone());
            }
        }
        Some(edited)
    }

    /// Whether rendering `name` reads one of `edited` (itself included);
    /// true when that cannot be told.
    pub fn reads_any(&self, name: &str, edited: &HashSet<String>) -> bool {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo = vec![name];
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            if edited.contains(n) {
                return true;
            }
            // A name that is no template would have failed the build.
            let Some(info) = self.templates.get(n) else {
                return true;
            };
            match &info.reads {
                Some(reads) => todo.extend(reads.iter().map(String::as_str)),
                None => return true,
            }
        }
        false
    }
}

/// The templates a text extends or includes (`None`: one is not a plain
/// string), and whether it defines a component.
fn scan(text: &str) -> (Option<Vec<String>>, bool) {
    let mut reads = Some(Vec::new());
    let mut components = false;
    let bytes = text.as_bytes();
    for at in memchr::memmem::find_iter(bytes, b"{%") {
        let rest = &text[at + 2..];
        let rest = rest.strip_prefix(['-', '+']).unwrap_or(rest).trim_start();
        let word_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (word, rest) = rest.split_at(word_end);
        match word {
            "extends" | "include" => match literal(rest.trim_start()) {
                Some(name) => {
                    if let Some(r) = reads.as_mut() {
                        r.push(name.to_string());
                    }
                }
                None => reads = None,
            },
            "component" => components = true,
            _ => {}
        }
    }
    (reads, components)
}

/// The string a tag's argument starts with, when it is a plain string
/// without escapes.
fn literal(s: &str) -> Option<&str> {
    let quote = s.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = &s[1..];
    let end = body.find(quote)?;
    let name = &body[..end];
    (!name.contains('\\')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> HashSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_template_reads_what_it_extends_and_includes_and_what_they_read() {
        let g = TemplateGraph::new([
            (
                "base.html",
                "<html>{% include \"partials/head.html\" %}{% block main %}{% endblock %}",
            ),
            (
                "partials/head.html",
                "<head>{%- include 'partials/preload.html' -%}</head>",
            ),
            ("partials/preload.html", "<link>"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block main %}{% include \"partials/card.html\" %}{% endblock %}",
            ),
            ("section.html", "{% extends \"base.html\" %}"),
            ("pillar.html", "{%extends `section.html`%}"),
            ("partials/card.html", "<div>"),
            (
                "kit.html",
                "<html>{# {% include \"partials/card.html\" %} #}",
            ),
            ("alias.html", "<meta>"),
        ]);
        let reads = |name: &str, edited: &[&str]| g.reads_any(name, &set(edited));
        assert!(reads("page.html", &["page.html"]));
        assert!(
            reads("page.html", &["partials/preload.html"]),
            "through base and head"
        );
        assert!(reads("pillar.html", &["base.html"]), "through section");
        assert!(!reads("section.html", &["partials/card.html"]));
        assert!(!reads("pillar.html", &["page.html"]));
        assert!(!reads("alias.html", &["base.html", "partials/card.html"]));
        // A tag in a comment counts: reading more is safe.
        assert!(reads("kit.html", &["partials/card.html"]));
        assert!(!reads("page.html", &[]));
    }

    #[test]
    fn what_cannot_be_told_reads_everything() {
        let g = TemplateGraph::new([
            ("odd.html", "{% include some_variable %}"),
            ("escaped.html", "{% include \"a\\\"b.html\" %}"),
            ("uses_odd.html", "{% extends \"odd.html\" %}"),
            ("alone.html", "x"),
        ]);
        let any = set(&["alone.html"]);
        assert!(g.reads_any("odd.html", &any));
        assert!(g.reads_any("escaped.html", &any));
        assert!(g.reads_any("uses_odd.html", &any));
        assert!(!g.reads_any("alone.html", &set(&["odd.html"])));
        assert!(g.reads_any("missing.html", &any), "an unknown name");
    }

    #[test]
    fn edits_are_the_changed_texts_of_the_same_names() {
        let before = TemplateGraph::new([("a.html", "A"), ("b.html", "B")]);
        let same = TemplateGraph::new([("a.html", "A"), ("b.html", "B")]);
        assert_eq!(same.edited_since(&before), Some(set(&[])));
        let edited = TemplateGraph::new([("a.html", "A2"), ("b.html", "B")]);
        assert_eq!(edited.edited_since(&before), Some(set(&["a.html"])));
        // A template created or removed: which file a name means changed.
        let created = TemplateGraph::new([("a.html", "A"), ("b.html", "B"), ("c.html", "C")]);
        assert_eq!(created.edited_since(&before), None);
        let removed = TemplateGraph::new([("a.html", "A")]);
        assert_eq!(removed.edited_since(&before), None);
        let renamed = TemplateGraph::new([("a.html", "A"), ("c.html", "B")]);
        assert_eq!(renamed.edited_since(&before), None);
        // Components may be called from any template.
        let with = TemplateGraph::new([
            ("a.html", "{% component Card() %}x{% endcomponent %}"),
            ("b.html", "B"),
        ]);
        assert_eq!(with.edited_since(&before), None);
        assert_eq!(before.edited_since(&with), None);
        // A template defining a component, left alone, is no obstacle.
        let other = TemplateGraph::new([
            ("a.html", "{% component Card() %}x{% endcomponent %}"),
            ("b.html", "B2"),
        ]);
        assert_eq!(other.edited_since(&with), Some(set(&["b.html"])));
    }
}
