//! Slugs for URLs: « Qualité de vie » → `qualite-de-vie`.
//!
//! Letters are transliterated to ASCII (deunicode), lowercased, and every run of
//! anything else becomes one hyphen. French ligatures (œ, æ) and apostrophes
//! (l'abbaye → l-abbaye) are handled. Never empty: a title of only symbols gives
//! `page`.

/// The URL slug of a title or a file name.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch.is_ascii() {
            pending_dash = true;
        } else {
            match deunicode::deunicode_char(ch) {
                Some(t) if t.chars().any(|c| c.is_ascii_alphanumeric()) => {
                    for c in t.chars() {
                        if c.is_ascii_alphanumeric() {
                            if pending_dash && !out.is_empty() {
                                out.push('-');
                            }
                            pending_dash = false;
                            out.push(c.to_ascii_lowercase());
                        } else {
                            pending_dash = true;
                        }
                    }
                }
                _ => pending_dash = true,
            }
        }
    }
    if out.is_empty() {
        "page".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_titles() {
        assert_eq!(slugify("« Qualité de vie »"), "qualite-de-vie");
        assert_eq!(slugify("Économie"), "economie");
        assert_eq!(slugify("L'abbaye cistercienne"), "l-abbaye-cistercienne");
        assert_eq!(slugify("Cœur de ville & œuvres"), "coeur-de-ville-oeuvres");
        assert_eq!(slugify("Fête du 14 juillet !"), "fete-du-14-juillet");
        assert_eq!(slugify("  --  "), "page");
        assert_eq!(slugify("Straße"), "strasse");
        assert_eq!(slugify("lac_de_Fontclaire.md"), "lac-de-fontclaire-md");
    }

    proptest::proptest! {
        #[test]
        fn slugs_are_url_safe(s in "\\PC*") {
            let slug = slugify(&s);
            proptest::prop_assert!(!slug.is_empty());
            proptest::prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            proptest::prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }
    }
}
