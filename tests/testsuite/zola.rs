//! A Zola site moved to blason by docs/zola.md alone: its content and
//! shortcode templates as they are, its config.toml turned into blason.toml
//! by the guide's table.

use crate::support::{SiteTest, read};

/// blason.toml from a Zola config.toml, as docs/zola.md says: the keys
/// both share are kept, Zola's own are dropped (the guide says what blason
/// does instead of each), `external_links_target_blank` is renamed.
fn blason_toml(zola: &str) -> String {
    let mut config: toml::Table = zola.parse().unwrap();
    for key in [
        "compile_sass",
        "build_search_index",
        "generate_feeds",
        "feed_filenames",
        "minify_html",
        "taxonomies",
        "link_checker",
        "search",
        "theme",
        "ignored_content",
        "ignored_static",
        "slugify",
        "translations",
        "generate_sitemap",
        "generate_robots_txt",
        "output_dir",
        "preserve_dotfiles_in_output",
    ] {
        config.remove(key);
    }
    if let Some(toml::Value::Table(md)) = config.remove("markdown") {
        let new_tab = md
            .get("external_links_target_blank")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
        let mut ours = toml::Table::new();
        ours.insert("external_links_new_tab".into(), new_tab.into());
        config.insert("markdown".into(), ours.into());
    }
    if let Some(toml::Value::Table(languages)) = config.get_mut("languages") {
        for (_, lang) in languages.iter_mut() {
            if let toml::Value::Table(t) = lang {
                t.retain(|k, _| k == "title" || k == "description");
            }
        }
    }
    toml::to_string(&config).unwrap()
}

#[test]
fn a_zola_site_builds_after_the_changes_the_guide_lists() {
    let site = SiteTest::from_fixture("zola/docs-site");
    let zola = read(&site.root().join("config.toml"));
    std::fs::write(site.root().join("blason.toml"), blason_toml(&zola)).unwrap();
    std::fs::remove_file(site.root().join("config.toml")).unwrap();
    let b = site.build().assert_success();
    let page = b.read("guide/installer/index.html");
    let doc = scraper::Html::parse_document(&page);
    // Both calls after the code blocks are calls; what is in code stays code.
    let notes = crate::support::select(&doc, "div.note");
    assert_eq!(notes.len(), 2, "{page}");
    assert!(
        notes[0]
            .inner_html()
            .contains("<strong>votre justificatif de domicile</strong>")
    );
    assert!(
        page.contains("{{ note(body=&quot;pas un appel&quot;) }}")
            || page.contains("{{ note(body=\"pas un appel\") }}"),
        "{page}"
    );
    assert!(page.contains("{{ note() }}"), "inline code stays code");
    // Links with anchors, the alias, tags, pagination, the other language.
    assert!(
        b.read("index.html")
            .contains("/guide/installer/#les-demarches")
    );
    assert!(
        b.read("ancien-site/installation.html")
            .contains("/guide/installer/")
    );
    assert!(b.out().join("tags/demarches/index.html").is_file());
    assert!(b.out().join("blog/page/2/index.html").is_file());
    assert!(b.out().join("en/index.html").is_file());
    assert!(b.out().join("blog/atom.xml").is_file());
}
