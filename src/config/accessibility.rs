//! `[accessibility]`: the site's accessibility statement as data. The status
//! is said in every page's footer; the whole statement (the audit, its
//! results, what is not accessible, the contact and the Défenseur des
//! droits) is rendered by the theme's `accessibility_statement()` shortcode
//! in each page's language, after DINUM's model statement.
//!
//! The checks follow the rules of that model: a compliance status rests on
//! an audit (its date), the status agrees with the share of criteria met
//! (totally: 100 %; partially: at least 50 %; not: under 50 %), and a
//! statement always says whom to write to.
//!
//! The fixed texts of the statement are the theme's strings, in each
//! language it ships; the texts an office writes (the auditor, the pages
//! audited, non-conformities, exemptions, technologies, tools) are written
//! in `[accessibility]` in the default language and may be translated in
//! `[languages.xx.accessibility]`, as `[languages.xx.contact]` translates
//! the contact block. A text not translated is shown as written, marked
//! with the default language ([`Statement::written_in`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::raw::{
    LanguageAccessibility, LanguageConfig, RawAccessibility, RawAuditedPage, RawExemption,
};
use crate::error::Diagnostic;

/// The RGAA version when `rgaa_version` is not written.
pub const DEFAULT_RGAA_VERSION: &str = "4.1.2";

/// `[accessibility]`, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Accessibility {
    /// `full`, `partial` or `none`; None when not said.
    pub status: Option<&'static str>,
    /// The audit's day, `YYYY-MM-DD`.
    pub audit_date: Option<String>,
    pub auditor: Option<String>,
    pub rgaa_version: String,
    /// Percent of the criteria met.
    pub rate: Option<f64>,
    pub pages: Vec<AuditedPage>,
    pub non_conformities: Vec<String>,
    pub exemptions: Vec<Exemption>,
    pub technologies: Vec<String>,
    pub tools: Vec<String>,
    pub email: Option<String>,
    pub form: Option<String>,
    /// `[languages.xx.accessibility]`, checked, by language.
    #[serde(skip)]
    pub translations: BTreeMap<String, Translation>,
}

/// The statement's texts in one language; `None` where the main ones stand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Translation {
    pub auditor: Option<String>,
    pub pages: Option<Vec<AuditedPage>>,
    pub non_conformities: Option<Vec<String>>,
    pub exemptions: Option<Vec<Exemption>>,
    pub technologies: Option<Vec<String>>,
    pub tools: Option<Vec<String>>,
}

/// The statement as a page in one language shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    #[serde(flatten)]
    pub fields: Accessibility,
    /// The language of each text shown in another language than the
    /// page's (the default one, not translated), for its `lang`; null when
    /// it is the page's.
    pub written_in: WrittenIn,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WrittenIn {
    pub auditor: Option<String>,
    pub pages: Option<String>,
    pub non_conformities: Option<String>,
    pub exemptions: Option<String>,
    pub technologies: Option<String>,
    pub tools: Option<String>,
}

impl Accessibility {
    /// The statement for a page in `lang`: each text translated into it
    /// replaces the main one; the others are marked as `default`'s.
    pub fn in_language(&self, lang: &str, default: &str) -> Statement {
        let mut fields = self.clone();
        fields.translations.clear();
        let mut written_in = WrittenIn::default();
        if lang != default {
            let t = self.translations.get(lang).cloned().unwrap_or_default();
            fn pick<T>(
                main: &mut T,
                translated: Option<T>,
                shown: bool,
                mark: &mut Option<String>,
                default: &str,
            ) {
                match translated {
                    Some(t) => *main = t,
                    None if shown => *mark = Some(default.to_string()),
                    None => {}
                }
            }
            let shown = fields.auditor.is_some();
            if let Some(a) = t.auditor {
                fields.auditor = Some(a);
            } else if shown {
                written_in.auditor = Some(default.to_string());
            }
            let (p, n, e) = (
                !fields.pages.is_empty(),
                !fields.non_conformities.is_empty(),
                !fields.exemptions.is_empty(),
            );
            pick(
                &mut fields.pages,
                t.pages,
                p,
                &mut written_in.pages,
                default,
            );
            pick(
                &mut fields.non_conformities,
                t.non_conformities,
                n,
                &mut written_in.non_conformities,
                default,
            );
            pick(
                &mut fields.exemptions,
                t.exemptions,
                e,
                &mut written_in.exemptions,
                default,
            );
            let (x, y) = (!fields.technologies.is_empty(), !fields.tools.is_empty());
            pick(
                &mut fields.technologies,
                t.technologies,
                x,
                &mut written_in.technologies,
                default,
            );
            pick(
                &mut fields.tools,
                t.tools,
                y,
                &mut written_in.tools,
                default,
            );
        }
        Statement { fields, written_in }
    }

    /// Whether there is more to state than a bare status (or not even that).
    pub fn is_empty(&self) -> bool {
        *self
            == Accessibility {
                rgaa_version: self.rgaa_version.clone(),
                ..Accessibility::default()
            }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditedPage {
    pub title: String,
    /// A site path, `@/file.md` or an https:// address, as written.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exemption {
    pub content: String,
    pub reason: String,
}

fn error(key: &str, message: String, help: &str) -> Diagnostic {
    error_in("accessibility", key, message, help)
}

/// An error of `key` in the table `[table]`.
fn error_in(table: &str, key: &str, message: String, help: &str) -> Diagnostic {
    Diagnostic::error("config", format!("[{table}] {key}: {message}")).help(help.to_string())
}

/// Texts trimmed, the empty ones left out.
fn list(l: &[String]) -> Vec<String> {
    l.iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The pages audited of `[table] pages`, each wrong one an error.
fn audited_pages(
    raw: &[RawAuditedPage],
    table: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<AuditedPage> {
    let mut pages = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        let title = p.title.trim();
        let url = p.url.trim();
        let url_ok =
            url.starts_with('/') || url.starts_with("@/") || crate::url::https_host(url).is_some();
        if title.is_empty() || !url_ok {
            errors.push(error_in(
                table,
                &format!("pages[{i}]"),
                format!("{{ title = \"{title}\", url = \"{url}\" }} needs a title and an address"),
                "write { title = \"Accueil\", url = \"/\" }: a site path, @/file.md or an https:// address",
            ));
        } else {
            pages.push(AuditedPage {
                title: title.to_string(),
                url: url.to_string(),
            });
        }
    }
    pages
}

/// The exemptions of `[table] exemptions`, each wrong one an error.
fn exemptions(raw: &[RawExemption], table: &str, errors: &mut Vec<Diagnostic>) -> Vec<Exemption> {
    let mut out = Vec::new();
    for (i, e) in raw.iter().enumerate() {
        let (content, reason) = (e.content.trim(), e.reason.trim());
        if content.is_empty() || reason.is_empty() {
            errors.push(error_in(
                table,
                &format!("exemptions[{i}]"),
                "an exemption needs the content and the reason".into(),
                "write { content = \"Les PDF d'archives\", reason = \"documents publiés avant le 23 septembre 2018\" }",
            ));
        } else {
            out.push(Exemption {
                content: content.to_string(),
                reason: reason.to_string(),
            });
        }
    }
    out
}

/// `[languages.LANG.accessibility]`, checked.
fn translation(
    lang: &str,
    raw: &LanguageAccessibility,
    errors: &mut Vec<Diagnostic>,
) -> Translation {
    let table = format!("languages.{lang}.accessibility");
    // An empty list translates nothing: the default language's stays, so
    // a statement never loses a section the law asks for.
    fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
        (!v.is_empty()).then_some(v)
    }
    Translation {
        auditor: text(raw.auditor.as_ref()),
        pages: raw
            .pages
            .as_deref()
            .and_then(|p| some(audited_pages(p, &table, errors))),
        non_conformities: raw.non_conformities.as_deref().and_then(|l| some(list(l))),
        exemptions: raw
            .exemptions
            .as_deref()
            .and_then(|e| some(exemptions(e, &table, errors))),
        technologies: raw.technologies.as_deref().and_then(|l| some(list(l))),
        tools: raw.tools.as_deref().and_then(|l| some(list(l))),
    }
}

/// A text trimmed, None when empty.
fn text(t: Option<&String>) -> Option<String> {
    t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// The audit's day: a TOML date, or a text `YYYY-MM-DD`.
fn audit_date(value: &toml::Value) -> Option<String> {
    let written = match value {
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d
            .date
            .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))?,
        toml::Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    let date: jiff::civil::Date = written.parse().ok()?;
    Some(date.to_string())
}

pub fn validate(
    raw: &RawAccessibility,
    languages: &indexmap::IndexMap<String, LanguageConfig>,
    errors: &mut Vec<Diagnostic>,
) -> Accessibility {
    let before = errors.len();
    let status = raw.status.as_deref().map(str::trim).and_then(|status| {
        let known = ["full", "partial", "none"].into_iter().find(|k| *k == status);
        if known.is_none() {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("[accessibility] status = \"{status}\" is not a compliance status"),
                )
                .help("write status = \"full\", \"partial\" or \"none\", as the site's accessibility statement says (RGAA: totalement, partiellement, non conforme)"),
            );
        }
        known
    });
    let audit_date = raw.audit_date.as_ref().and_then(|v| {
        let date = audit_date(v);
        if date.is_none() {
            errors.push(error(
                "audit_date",
                format!("{v} is not a date"),
                "write the audit's day as audit_date = 2026-09-01 (year, month, day)",
            ));
        }
        date
    });
    let rate = raw.rate.and_then(|r| {
        if (0.0..=100.0).contains(&r) {
            Some(r)
        } else {
            errors.push(error(
                "rate",
                format!("{r} is not a percentage"),
                "write the share of RGAA criteria met, from 0 to 100 (rate = 72.5 for 72.5 %)",
            ));
            None
        }
    });
    // DINUM's rule: totally compliant at 100 %, partially from 50 %, not
    // compliant under 50 % (or without an audit).
    if let (Some(status), Some(rate)) = (status, rate) {
        let said = if rate >= 100.0 {
            "full"
        } else if rate >= 50.0 {
            "partial"
        } else {
            "none"
        };
        if said != status {
            errors.push(error(
                "status",
                format!("status = \"{status}\" does not match rate = {rate} (that rate is \"{said}\")"),
                "a site is fully compliant at 100 % of the criteria met, partially from 50 %, not compliant under 50 %: correct the status or the rate",
            ));
        }
    }
    if matches!(status, Some("full" | "partial"))
        && audit_date.is_none()
        && raw.audit_date.is_none()
    {
        errors.push(error(
            "audit_date",
            format!("status = \"{}\" needs the audit it rests on", status.unwrap_or_default()),
            "add audit_date = 2026-09-01 (and auditor, rate): without an audit, a site is \"none\" (non conforme)",
        ));
    }
    let email = text(raw.email.as_ref());
    if let Some(e) = &email
        && !crate::url::is_email(e)
    {
        errors.push(error(
            "email",
            format!("\"{e}\" is not an e-mail address"),
            "write the address visitors report an accessibility problem to: email = \"accessibilite@example.fr\"",
        ));
    }
    let form = text(raw.form.as_ref());
    if let Some(f) = &form
        && crate::url::https_host(f).is_none()
    {
        errors.push(error(
            "form",
            format!("\"{f}\" is not an https:// address"),
            "write the contact form's whole address, starting with https://",
        ));
    }
    if status.is_some() && email.is_none() && form.is_none() {
        errors.push(error(
            "email",
            "a statement must say whom to write to, and neither email nor form is set".into(),
            "add email = \"accessibilite@example.fr\" or form = \"https://example.fr/contact/\"",
        ));
    }
    let pages = audited_pages(&raw.pages, "accessibility", errors);
    let exemptions = exemptions(&raw.exemptions, "accessibility", errors);
    let translations = languages
        .iter()
        .map(|(lang, l)| (lang.clone(), translation(lang, &l.accessibility, errors)))
        .filter(|(_, t)| *t != Translation::default())
        .collect();
    let checked = Accessibility {
        status,
        audit_date,
        auditor: text(raw.auditor.as_ref()),
        rgaa_version: text(raw.rgaa_version.as_ref())
            .unwrap_or_else(|| DEFAULT_RGAA_VERSION.to_string()),
        rate,
        pages,
        non_conformities: list(&raw.non_conformities),
        exemptions,
        technologies: list(&raw.technologies),
        tools: list(&raw.tools),
        email,
        form,
        translations,
    };
    if errors.len() > before {
        Accessibility::default()
    } else {
        checked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(toml_text: &str) -> Result<Accessibility, String> {
        let raw: RawAccessibility = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        let mut errors = Vec::new();
        let a = validate(&raw, &indexmap::IndexMap::new(), &mut errors);
        if errors.is_empty() {
            Ok(a)
        } else {
            Err(errors
                .iter()
                .map(|d| format!("{} ({})", d.message, d.help.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("\n"))
        }
    }

    const AUDITED: &str = "status = \"partial\"\naudit_date = 2026-09-01\nauditor = \"Office\"\nrate = 72.5\nemail = \"a11y@orbiere.example\"\n";

    #[test]
    fn a_whole_statement_is_read_and_trimmed() {
        let a = check(&format!(
            "{AUDITED}rgaa_version = \" 4.1 \"\npages = [{{ title = \" Accueil \", url = \"/\" }}, {{ title = \"Mentions\", url = \"@/mentions-legales.md\" }}]\nnon_conformities = [\" Des images sans alternative \", \"\"]\nexemptions = [{{ content = \"Cartes\", reason = \"charge disproportionnée\" }}]\nform = \"https://orbiere.example/contact/\"\n"
        ))
        .unwrap();
        assert_eq!(a.status, Some("partial"));
        assert_eq!(a.audit_date.as_deref(), Some("2026-09-01"));
        assert_eq!(a.rate, Some(72.5));
        assert_eq!(a.rgaa_version, "4.1");
        assert_eq!(a.pages[0].title, "Accueil");
        assert_eq!(a.pages[1].url, "@/mentions-legales.md");
        assert_eq!(a.non_conformities, ["Des images sans alternative"]);
        assert_eq!(a.exemptions[0].reason, "charge disproportionnée");
        assert!(!a.is_empty());
        // A date may be written as text too; the version has a default.
        let text = check("audit_date = \"2026-09-01\"\n").unwrap();
        assert_eq!(text.audit_date.as_deref(), Some("2026-09-01"));
        assert_eq!(text.rgaa_version, DEFAULT_RGAA_VERSION);
        assert!(check("").unwrap().is_empty());
    }

    #[test]
    fn an_empty_translated_list_keeps_the_default_languages() {
        let raw: RawAccessibility = toml::from_str(&format!(
            "{AUDITED}non_conformities = [\"Des images sans alternative\"]\n"
        ))
        .unwrap();
        let languages: indexmap::IndexMap<String, LanguageConfig> =
            toml::from_str("[en.accessibility]\nnon_conformities = [\" \"]\ntools = []\n").unwrap();
        let mut errors = Vec::new();
        let a = validate(&raw, &languages, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let en = a.in_language("en", "fr");
        assert_eq!(en.fields.non_conformities, ["Des images sans alternative"]);
        assert_eq!(en.written_in.non_conformities.as_deref(), Some("fr"));
    }

    #[test]
    fn a_language_translates_the_texts_and_the_rest_is_marked_as_written() {
        let raw: RawAccessibility = toml::from_str(&format!(
            "{AUDITED}pages = [{{ title = \"Accueil\", url = \"/\" }}]\nnon_conformities = [\"Des images sans alternative\"]\ntechnologies = [\"HTML5\"]\n"
        ))
        .unwrap();
        let languages: indexmap::IndexMap<String, LanguageConfig> = toml::from_str(
            "[en.accessibility]\nauditor = \" Office (self-assessment) \"\npages = [{ title = \"Home\", url = \"/en/\" }]\nnon_conformities = [\"Images without a text alternative\", \" \"]\n[de]\n",
        )
        .unwrap();
        let mut errors = Vec::new();
        let a = validate(&raw, &languages, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        // German translates nothing: no translation kept.
        assert_eq!(a.translations.keys().collect::<Vec<_>>(), ["en"]);

        let en = a.in_language("en", "fr");
        assert_eq!(
            en.fields.auditor.as_deref(),
            Some("Office (self-assessment)")
        );
        assert_eq!(en.fields.pages[0].title, "Home");
        assert_eq!(
            en.fields.non_conformities,
            ["Images without a text alternative"]
        );
        assert_eq!(en.fields.technologies, ["HTML5"]);
        assert_eq!(
            en.written_in,
            WrittenIn {
                technologies: Some("fr".into()),
                ..WrittenIn::default()
            }
        );
        // The rest is the same in every language.
        assert_eq!(
            (en.fields.status, en.fields.rate),
            (Some("partial"), Some(72.5))
        );

        let de = a.in_language("de", "fr");
        assert_eq!(de.fields.auditor.as_deref(), Some("Office"));
        assert_eq!(de.written_in.auditor.as_deref(), Some("fr"));
        assert_eq!(de.written_in.non_conformities.as_deref(), Some("fr"));
        // Nothing to mark where nothing is shown (no exemptions, no tools).
        assert_eq!(de.written_in.exemptions, None);
        assert_eq!(de.written_in.tools, None);

        let fr = a.in_language("fr", "fr");
        assert_eq!(fr.fields.non_conformities, ["Des images sans alternative"]);
        assert_eq!(fr.written_in, WrittenIn::default());
        // The view has the fields at its top, as the template reads them.
        let json = serde_json::to_value(&en).unwrap();
        assert_eq!(json["auditor"], "Office (self-assessment)");
        assert_eq!(json["written_in"]["technologies"], "fr");
        assert!(json.get("translations").is_none());

        // A wrong text in a language's table names that table.
        let bad: indexmap::IndexMap<String, LanguageConfig> = toml::from_str(
            "[en.accessibility]\npages = [{ title = \"Home\", url = \"home\" }]\nexemptions = [{ content = \"Maps\", reason = \"\" }]\n",
        )
        .unwrap();
        let mut errors = Vec::new();
        validate(&raw, &bad, &mut errors);
        let said: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert!(
            said[0].starts_with("[languages.en.accessibility] pages[0]:"),
            "{said:?}"
        );
        assert!(
            said[1].starts_with("[languages.en.accessibility] exemptions[0]:"),
            "{said:?}"
        );
        // What is the same in every language cannot be given per language.
        assert!(
            toml::from_str::<indexmap::IndexMap<String, LanguageConfig>>(
                "[en.accessibility]\nstatus = \"full\"\n"
            )
            .is_err()
        );
    }

    #[test]
    fn each_wrong_field_is_named() {
        for (bad, said) in [
            ("status = \"partiellement\"", "status = \"partiellement\""),
            (
                "audit_date = \"2026-02-30\"",
                "audit_date: \"2026-02-30\" is not a date",
            ),
            (
                "audit_date = 20260901",
                "audit_date: 20260901 is not a date",
            ),
            ("audit_date = \"1 septembre 2026\"", "audit_date"),
            ("audit_date = 2026-09-01T10:00:00Z", "audit_date"),
            ("rate = 120", "rate: 120 is not a percentage"),
            ("rate = -1", "rate: -1 is not a percentage"),
            ("email = \"accessibilite\"", "email: \"accessibilite\""),
            (
                "form = \"http://orbiere.example/\"",
                "form: \"http://orbiere.example/\"",
            ),
            ("pages = [{ title = \"\", url = \"/\" }]", "pages[0]"),
            (
                "pages = [{ title = \"Accueil\", url = \"accueil\" }]",
                "pages[0]",
            ),
            (
                "exemptions = [{ content = \"Cartes\", reason = \" \" }]",
                "exemptions[0]",
            ),
        ] {
            let err = check(bad).unwrap_err();
            assert!(err.contains(said), "{bad}: {err}");
        }
    }

    #[test]
    fn a_status_needs_a_contact_an_audit_and_a_matching_rate() {
        let no_contact = check("status = \"none\"\n").unwrap_err();
        assert!(no_contact.contains("whom to write to"), "{no_contact}");
        assert!(check("status = \"none\"\nform = \"https://orbiere.example/contact/\"\n").is_ok());
        let no_audit = check("status = \"partial\"\nemail = \"a@orbiere.example\"\n").unwrap_err();
        assert!(no_audit.contains("needs the audit"), "{no_audit}");
        assert!(check(AUDITED).is_ok());
        let full = check(&AUDITED.replace("partial", "full")).unwrap_err();
        assert!(full.contains("does not match rate = 72.5"), "{full}");
        let none = check(&AUDITED.replace("72.5", "30")).unwrap_err();
        assert!(none.contains("that rate is \"none\""), "{none}");
        assert!(check(&AUDITED.replace("72.5", "100").replace("partial", "full")).is_ok());
    }
}
