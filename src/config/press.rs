//! `[press]`: the press library (docs/press.md). Which licences make a
//! gallery photo a press photo without `press = true` on it, where the
//! library is published, and whom journalists write to.
//!
//! Without `[press]`, only photos marked `press = true` in their
//! gallery.toml are offered; a site with none has no press library.

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;

/// `[press]` as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPress {
    /// Licences that make a photo a press photo unless its gallery.toml says
    /// `press = false` (compared without regard to case, spaces or hyphens:
    /// "CC-BY-4.0" matches "CC BY 4.0"). Default: none (only photos marked
    /// `press = true`).
    #[serde(default)]
    pub licenses: Vec<String>,
    /// The library's address segment, in every language (`/presse/`,
    /// `/en/presse/`). Default: the theme's `press_slug` in each language
    /// (`presse` in French, `press` in English).
    pub path: Option<String>,
    /// The press officer's e-mail address, shown on the library's pages.
    /// Default: none.
    pub contact: Option<String>,
}

/// `[press]`, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Press {
    /// The licences of the allow-list, trimmed, empty ones left out.
    pub licenses: Vec<String>,
    /// The address segment, slugified; `None`: the theme's per language.
    pub path: Option<String>,
    pub contact: Option<String>,
}

pub fn validate(raw: Option<RawPress>, errors: &mut Vec<Diagnostic>) -> Press {
    let Some(raw) = raw else {
        return Press::default();
    };
    let licenses = raw
        .licenses
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let path = match raw.path.as_deref().map(str::trim) {
        None => None,
        Some(written) => {
            let slug = crate::slug::slugify(written.trim_matches('/'));
            if slug.is_empty() || written.trim_matches('/').contains('/') {
                errors.push(
                    Diagnostic::error(
                        "config",
                        format!("[press] path = \"{written}\" is not one address segment"),
                    )
                    .help(
                        "write one word, e.g. path = \"presse\" (the library is then at /presse/)",
                    ),
                );
                None
            } else {
                Some(slug)
            }
        }
    };
    let contact = raw
        .contact
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if let Some(c) = &contact
        && !crate::url::is_email(c)
    {
        errors.push(
            Diagnostic::error(
                "config",
                format!("[press] contact = \"{c}\" is not an e-mail address"),
            )
            .help("write the press officer's address alone, e.g. contact = \"presse@val-orbiere.example\""),
        );
    }
    Press {
        licenses,
        path,
        contact,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const MINIMAL: &str = "base_url = \"https://example.org\"\ntitle = \"T\"\n";

    #[test]
    fn press_keys_are_read_checked_and_a_typo_is_named() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.press, super::Press::default());
        let text = format!(
            "{MINIMAL}[press]\nlicenses = [\"CC-BY-4.0\", \" \", \"Licence Ouverte 2.0\"]\npath = \"/Presse/\"\ncontact = \"presse@orbiere.example\"\n"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.press.licenses, ["CC-BY-4.0", "Licence Ouverte 2.0"]);
        assert_eq!(c.press.path.as_deref(), Some("presse"));
        assert_eq!(c.press.contact.as_deref(), Some("presse@orbiere.example"));

        let err = Config::parse(&format!("{MINIMAL}[press]\nlicences = []\n")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.message, "unknown key `licences` in [press]");
        assert_eq!(d.help.as_deref(), Some("did you mean `licenses`?"));

        let err = Config::parse(&format!(
            "{MINIMAL}[press]\npath = \"a/b\"\ncontact = \"mailto:x\"\n"
        ))
        .unwrap_err();
        let messages: Vec<&str> = err
            .diagnostics()
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "[press] path = \"a/b\" is not one address segment",
                "[press] contact = \"mailto:x\" is not an e-mail address"
            ]
        );
        assert!(
            err.diagnostics()
                .iter()
                .all(|d| d.file.as_deref() == Some("blason.toml"))
        );
    }
}
