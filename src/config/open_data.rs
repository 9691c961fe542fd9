//! `[open_data]`: the licence under which the site publishes its own data
//! (its trails as `schema_randonnee` GeoJSON, its places and events as
//! GeoJSON) in `/donnees/`, for DATAtourisme, data.gouv.fr or any
//! harvester. Without a licence nothing is published: data without one is
//! not open data.

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;

/// `[open_data]` as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpenData {
    /// The licence, e.g. "Licence Ouverte / Etalab 2.0" or "ODbL".
    pub license: Option<String>,
    /// Who produces the data (`producteur`). Default: the site's title.
    pub producer: Option<String>,
    /// Whom to write to about it. Default: `[contact] email`.
    pub contact: Option<String>,
}

/// `[open_data]`, checked: published only with a licence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenData {
    pub license: String,
    pub producer: String,
    pub contact: Option<String>,
}

/// The open data settings, `None` when the site declares no licence.
pub fn validate(
    raw: RawOpenData,
    title: &str,
    contact_email: Option<&str>,
    errors: &mut Vec<Diagnostic>,
) -> Option<OpenData> {
    let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (license, producer, contact) = (
        trimmed(raw.license),
        trimmed(raw.producer),
        trimmed(raw.contact),
    );
    let Some(license) = license else {
        if producer.is_some() || contact.is_some() {
            errors.push(
                Diagnostic::error(
                    "config",
                    "[open_data] names a producer or a contact but no licence",
                )
                .help("add license = \"Licence Ouverte / Etalab 2.0\" (or the licence the data is under): without one nothing is published"),
            );
        }
        return None;
    };
    Some(OpenData {
        license,
        producer: producer.unwrap_or_else(|| title.to_string()),
        contact: contact.or_else(|| contact_email.map(str::to_string)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(license: Option<&str>, producer: Option<&str>) -> RawOpenData {
        RawOpenData {
            license: license.map(Into::into),
            producer: producer.map(Into::into),
            contact: None,
        }
    }

    #[test]
    fn a_licence_publishes_with_the_site_as_producer_by_default() {
        let mut errors = Vec::new();
        let d = validate(
            raw(Some(" ODbL "), None),
            "Val d'Orbière",
            Some("a@b.example"),
            &mut errors,
        )
        .unwrap();
        assert_eq!(d.license, "ODbL");
        assert_eq!(d.producer, "Val d'Orbière");
        assert_eq!(d.contact.as_deref(), Some("a@b.example"));
        assert!(errors.is_empty());
        assert_eq!(validate(raw(None, None), "T", None, &mut errors), None);
        assert_eq!(
            validate(raw(Some("  "), None), "T", None, &mut errors),
            None
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn a_producer_without_a_licence_is_an_error() {
        let mut errors = Vec::new();
        assert_eq!(
            validate(raw(None, Some("OT")), "T", None, &mut errors),
            None
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("no licence"),
            "{}",
            errors[0].message
        );
    }
}
