//! What `serve` says in the browser (the error overlay, the share
//! previews, the page shown before a first good build), in the site's
//! language: French, or English for every other language.

/// The texts of `serve`'s own pages in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    pub lang: &'static str,
    /// Above the problems of a failed build.
    pub build_failed: &'static str,
    /// Before the first good build.
    pub not_built: &'static str,
    /// The share previews' title (before the page's address), heading
    /// (around it) and note.
    pub preview_title: &'static str,
    pub preview_heading: (&'static str, &'static str),
    pub preview_note: &'static str,
    /// Where a preview would show the card.
    pub no_image: &'static str,
}

const FRENCH: Words = Words {
    lang: "fr",
    build_failed: "La construction du site a échoué : voici sa dernière version réussie. Corrigez le fichier et enregistrez ; ce message disparaîtra de lui-même.",
    not_built: "Le site n'a pas encore pu être construit.",
    preview_title: "Aperçu du partage\u{a0}:",
    preview_heading: ("", " une fois partagée"),
    preview_note: "D'après les balises Open Graph et X de la page, avec sa carte sociale ; cette page suit vos modifications.",
    no_image: "pas d'og:image",
};

const ENGLISH: Words = Words {
    lang: "en",
    build_failed: "The build failed: this is the last good version of the site. Fix the file and save; this message goes away by itself.",
    not_built: "The site could not be built yet.",
    preview_title: "Share preview:",
    preview_heading: ("How ", " looks when shared"),
    preview_note: "Drawn from the page's Open Graph and X tags, with its social card; this page follows your edits.",
    no_image: "no og:image",
};

impl Default for Words {
    fn default() -> Words {
        ENGLISH
    }
}

impl Words {
    /// The words for a site whose default language is `lang`.
    pub fn for_language(lang: &str) -> Words {
        if lang == "fr" || lang.starts_with("fr-") {
            FRENCH
        } else {
            ENGLISH
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_site_is_spoken_to_in_french_and_others_in_english() {
        assert_eq!(Words::for_language("fr").lang, "fr");
        assert_eq!(Words::for_language("fr-BE").lang, "fr");
        assert_eq!(Words::for_language("de").lang, "en");
        assert!(Words::for_language("fr").build_failed.contains("a échoué"));
    }
}
