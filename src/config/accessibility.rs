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

use serde::Serialize;

use super::raw::RawAccessibility;
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
}

impl Accessibility {
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
    Diagnostic::error("config", format!("[accessibility] {key}: {message}")).help(help.to_string())
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

pub fn validate(raw: &RawAccessibility, errors: &mut Vec<Diagnostic>) -> Accessibility {
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
    let mut pages = Vec::new();
    for (i, p) in raw.pages.iter().enumerate() {
        let title = p.title.trim();
        let url = p.url.trim();
        let url_ok =
            url.starts_with('/') || url.starts_with("@/") || crate::url::https_host(url).is_some();
        if title.is_empty() || !url_ok {
            errors.push(error(
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
    let mut exemptions = Vec::new();
    for (i, e) in raw.exemptions.iter().enumerate() {
        let (content, reason) = (e.content.trim(), e.reason.trim());
        if content.is_empty() || reason.is_empty() {
            errors.push(error(
                &format!("exemptions[{i}]"),
                "an exemption needs the content and the reason".into(),
                "write { content = \"Les PDF d'archives\", reason = \"documents publiés avant le 23 septembre 2018\" }",
            ));
        } else {
            exemptions.push(Exemption {
                content: content.to_string(),
                reason: reason.to_string(),
            });
        }
    }
    let list = |l: &[String]| -> Vec<String> {
        l.iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
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
        let a = validate(&raw, &mut errors);
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
