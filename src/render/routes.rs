//! Addresses of what the render stage makes beyond content and listings:
//! the pages the theme makes (agenda, site map, community), feeds,
//! calendars, share kits and the Mastodon share page.
//!
//! Every such address is written here once; views link to them, jobs write
//! to them, the pipeline checks they take no page's address and lists them
//! in the sitemap. Listing addresses (pillars, audiences, tags) belong to the
//! site model ([`crate::content::site`]). Paths start and end with `/`;
//! files (`atom.xml`, `.ics`) are paths without the trailing slash.

use crate::config::Config;
use crate::theme::Strings;

/// The address of the page that asks a visitor for their Mastodon instance.
pub const MASTODON_SHARE: &str = "/share/mastodon/";

/// The address of a page the theme makes, from a slug in its strings
/// (`agenda_slug`, `site_map_slug`), in `lang`.
fn theme_page(config: &Config, strings: &Strings, lang: &str, key: &str, fallback: &str) -> String {
    let slug = strings.strings.get(key).map_or(fallback, String::as_str);
    format!(
        "{}/{}/",
        config.lang_prefix(lang),
        crate::slug::slugify(slug)
    )
}

/// The agenda's address in `lang` (`/agenda/`, `/en/agenda/`).
pub fn agenda(config: &Config, strings: &Strings, lang: &str) -> String {
    theme_page(config, strings, lang, "agenda_slug", "agenda")
}

/// The site-map page's address in `lang` (`/plan-du-site/`, `/en/site-map/`).
pub fn site_map(config: &Config, strings: &Strings, lang: &str) -> String {
    theme_page(config, strings, lang, "site_map_slug", "site-map")
}

/// The search results page's address in `lang` (`/recherche/`, `/en/search/`).
pub fn search(config: &Config, strings: &Strings, lang: &str) -> String {
    theme_page(config, strings, lang, "search_slug", "search")
}

/// The community page's address in `lang` (`/communaute/`, `/en/community/`).
pub fn community(config: &Config, strings: &Strings, lang: &str) -> String {
    theme_page(config, strings, lang, "community_slug", "community")
}

/// The page of one tag's posts: `/communaute/lac/`.
pub fn community_tag(config: &Config, strings: &Strings, lang: &str, tag: &str) -> String {
    format!(
        "{}{}/",
        community(config, strings, lang),
        crate::slug::slugify(tag)
    )
}

/// The press library's address in `lang` (`/presse/`, `/en/press/`):
/// `[press] path` in every language when set, else the theme's `press_slug`.
pub fn press(config: &Config, strings: &Strings, lang: &str) -> String {
    match &config.press.path {
        Some(path) => format!("{}/{path}/", config.lang_prefix(lang)),
        None => theme_page(config, strings, lang, "press_slug", "press"),
    }
}

/// A press album's page, under the library at `library` (`/presse/lac/`).
pub fn press_album(library: &str, slug: &str) -> String {
    format!("{library}{slug}/")
}

/// `/agenda.ics` of a language (`/en/agenda.ics`).
pub fn agenda_calendar(config: &Config, lang: &str) -> String {
    format!("{}/agenda.ics", config.lang_prefix(lang))
}

/// The site's feed in `lang` (`/atom.xml`, `/en/atom.xml`).
pub fn home_feed(config: &Config, lang: &str) -> String {
    format!("{}/atom.xml", config.lang_prefix(lang))
}

/// The feed of the section at `section_path`.
pub fn section_feed(section_path: &str) -> String {
    format!("{section_path}atom.xml")
}

/// The .ics file of an event page: `<page-url><slug>.ics`.
pub fn page_calendar(page_path: &str, slug: &str) -> String {
    format!("{page_path}{slug}.ics")
}

/// The share kit of the page at `page_path`.
pub fn kit(page_path: &str) -> String {
    format!("{page_path}kit/")
}

/// The publishing calendar of `lang` (`/kit/plan/`, `/en/kit/plan/`):
/// beside the kits, linked from nowhere (docs/share.md).
pub fn plan(config: &Config, lang: &str) -> String {
    format!("{}/kit/plan/", config.lang_prefix(lang))
}

/// The index of the tags in `lang` (`/tags/`, `/en/tags/`).
pub fn tags_index(config: &Config, lang: &str) -> String {
    format!("{}/tags/", config.lang_prefix(lang))
}

/// The index of the audiences in `lang`.
pub fn audiences_index(config: &Config, lang: &str) -> String {
    format!("{}/audiences/", config.lang_prefix(lang))
}

/// An audience's page in `lang` (`/audiences/visiteurs/`).
pub fn audience(config: &Config, lang: &str, key: &str) -> String {
    format!("{}/audiences/{key}/", config.lang_prefix(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(extra: &str) -> Config {
        Config::parse(&format!(
            "base_url = \"https://x.fr\"\ntitle = \"T\"\n[languages.en]\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn theme_pages_take_their_slug_from_the_strings_in_each_language() {
        let config = site("");
        let mut fr = Strings::default();
        fr.strings.insert("agenda_slug".into(), "Agenda".into());
        fr.strings
            .insert("site_map_slug".into(), "Plan du site".into());
        fr.strings
            .insert("community_slug".into(), "Communauté".into());
        assert_eq!(agenda(&config, &fr, "fr"), "/agenda/");
        assert_eq!(site_map(&config, &fr, "fr"), "/plan-du-site/");
        assert_eq!(community(&config, &fr, "fr"), "/communaute/");
        assert_eq!(
            community_tag(&config, &fr, "fr", "Été 2026"),
            "/communaute/ete-2026/"
        );
        let en = Strings::default();
        assert_eq!(agenda(&config, &en, "en"), "/en/agenda/");
        assert_eq!(site_map(&config, &en, "en"), "/en/site-map/");
        assert_eq!(community(&config, &en, "en"), "/en/community/");
        assert_eq!(search(&config, &en, "en"), "/en/search/");
        fr.strings.insert("search_slug".into(), "Recherche".into());
        assert_eq!(search(&config, &fr, "fr"), "/recherche/");
    }

    #[test]
    fn the_press_library_takes_its_path_from_the_config_or_the_strings() {
        let config = site("");
        let mut fr = Strings::default();
        fr.strings.insert("press_slug".into(), "Presse".into());
        assert_eq!(press(&config, &fr, "fr"), "/presse/");
        assert_eq!(press(&config, &Strings::default(), "en"), "/en/press/");
        assert_eq!(
            press_album("/presse/", "tourisme-lac"),
            "/presse/tourisme-lac/"
        );
        let config = site("[press]\npath = \"medias\"\n");
        assert_eq!(press(&config, &fr, "fr"), "/medias/");
        assert_eq!(press(&config, &fr, "en"), "/en/medias/");
    }

    #[test]
    fn files_and_indexes_are_prefixed_by_language() {
        let config = site("");
        assert_eq!(agenda_calendar(&config, "fr"), "/agenda.ics");
        assert_eq!(agenda_calendar(&config, "en"), "/en/agenda.ics");
        assert_eq!(home_feed(&config, "en"), "/en/atom.xml");
        assert_eq!(section_feed("/tourisme/"), "/tourisme/atom.xml");
        assert_eq!(page_calendar("/agenda/feu/", "feu"), "/agenda/feu/feu.ics");
        assert_eq!(kit("/tourisme/lac/"), "/tourisme/lac/kit/");
        assert_eq!(plan(&config, "fr"), "/kit/plan/");
        assert_eq!(plan(&config, "en"), "/en/kit/plan/");
        assert_eq!(tags_index(&config, "en"), "/en/tags/");
        assert_eq!(audiences_index(&config, "fr"), "/audiences/");
        assert_eq!(
            audience(&config, "en", "visiteurs"),
            "/en/audiences/visiteurs/"
        );
    }
}
