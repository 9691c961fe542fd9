//! Community posts: hostile, long and right-to-left posts, walls and videos,
//! posts that must leave no trace, and the import of API responses.

use std::path::Path;

use crate::support::{
    SiteTest, assert_no_link_runs_code, fixtures, fragment, read, read_texts, select, tree,
};

/// Every HTML file of a built site, parsed.
fn html_files(out: &Path) -> Vec<(String, scraper::Html)> {
    tree(out)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| {
            let doc = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
            (name, doc)
        })
        .collect()
}

#[test]
fn hostile_community_posts_reach_the_page_as_text_only() {
    let b = SiteTest::from_fixture("community/posts")
        .build()
        .assert_success();
    let base = "https://www.example-territoire.fr/";
    for (name, doc) in html_files(b.out()) {
        for el in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let tag = el.value().name();
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.to_ascii_lowercase().starts_with("on"),
                    "{name}: <{tag} {attr}=...> is an event handler"
                );
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !(v.starts_with("javascript:")
                        || v.starts_with("data:text")
                        || v.starts_with("vbscript:")),
                    "{name}: <{tag} {attr}=\"{value}\"> is a script URL"
                );
            }
            assert!(
                !matches!(tag, "iframe" | "object" | "embed"),
                "{name}: <{tag}> in the page"
            );
            if matches!(tag, "script") {
                let src = el.value().attr("src");
                let data = el.value().attr("type") == Some("application/ld+json");
                assert!(
                    src.is_some_and(|s| s.starts_with(base)) || data,
                    "{name}: a script that is not the site's own: {}",
                    el.html()
                );
            }
            if tag == "svg" {
                assert!(el.value().attr("onload").is_none());
            }
        }
    }
    let page = b.html("tourisme/lac/index.html");
    let posts = select(&page, "#post-hostile .post-text");
    assert!(!posts.is_empty(), "the hostile post is on the page");
    let text: String = posts[0].text().collect();
    assert!(
        text.contains(
            "<script>alert(1)</script> <img src=x onerror=alert(2)> \"><svg onload=alert(3)>"
        ),
        "the markup is shown as text: {text}"
    );
    let author: String = select(&page, "#post-hostile .post-author")[0]
        .text()
        .collect();
    assert_eq!(author, "\"><script>alert('author')</script>");
    let img = select(&page, "#post-hostile img.post-image")[0];
    assert_eq!(img.value().attr("alt"), Some("\" onerror=\"alert(6)"));
    assert!(
        img.value()
            .attr("src")
            .unwrap()
            .starts_with(&format!("{base}processed_images/coucher-"))
    );
    let link = select(&page, "#post-hostile .post-meta a")[0];
    assert_eq!(
        link.value().attr("href"),
        Some("https://www.instagram.com/p/hostile/?a=1&b=\"><script>alert(1)</script>")
    );
    assert_eq!(link.value().attr("rel"), Some("nofollow ugc noopener"));
    // The hashtag and the mention are links on the post's network (the mention
    // stops at the quote); the `<a href=javascript:>` in the text is text.
    let tags: Vec<_> = select(&page, "#post-hostile .post-text a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        tags,
        [
            "https://www.instagram.com/explore/tags/lac/",
            "https://www.instagram.com/evil/"
        ]
    );
}

#[test]
fn long_and_right_to_left_posts() {
    let b = SiteTest::from_fixture("community/posts")
        .build()
        .assert_success();
    let page = b.html("communaute/index.html");
    let long = select(&page, "#post-long .post-text")[0];
    let text: String = long.text().collect();
    assert!(
        !text.contains("FIN-DU-TEXTE-LONG"),
        "the 5,600-character text is cut"
    );
    assert!(
        text.chars().count() < 420,
        "{} characters",
        text.chars().count()
    );
    assert!(
        text.contains("brume se lève…") || text.contains('…'),
        "{text}"
    );
    let more = select(&page, "#post-long .post-more")[0];
    assert_eq!(
        more.value().attr("href"),
        Some("https://bsky.app/profile/long.bsky.social/post/3long")
    );
    assert!(more.text().collect::<String>().contains("Bluesky"));
    // The card of a right-to-left post: its text's direction left to the
    // browser (`dir="auto"`), its language said, the Mastodon hashtag linked
    // to the post's own server, the date in the page's language.
    insta::assert_snapshot!("post_card_rtl", fragment(&page, "#post-rtl"));
    // What a snapshot's diff would not show: code points kept as written.
    let rtl = select(&page, "#post-rtl .post-text")[0];
    let text: String = rtl.text().collect();
    assert!(text.contains("שָׁלוֹם"), "Hebrew with its points");
    assert!(
        text.contains("e\u{301}te\u{301}"),
        "combining accents kept as written"
    );
    assert!(
        text.contains("👨\u{200d}👩\u{200d}👧"),
        "a joined emoji kept whole"
    );
}

#[test]
fn unpublished_posts_leave_no_trace_in_any_output_file() {
    let b = SiteTest::from_fixture("community/posts")
        .build()
        .assert_success();
    let files = b.tree();
    assert!(files.len() > 20);
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for marker in ["secret-", "pending-only-photo"] {
            assert!(!text.contains(marker), "{name} mentions `{marker}`");
            assert!(
                !name.to_lowercase().contains(marker),
                "{name} is named after an unpublished post"
            );
        }
    }
    // The published ones are there: on their tag's page, and in the sitemap.
    let lac = b.read("communaute/lac/index.html");
    for id in ["post-hostile", "post-long", "post-rtl"] {
        assert!(lac.contains(id), "{id} on the #lac page");
    }
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("https://www.example-territoire.fr/communaute/lac/"));
    // Why each was left out is said (the build goes on; check makes them errors).
    let err = b.stderr();
    assert!(
        err.contains("warning[post-without-consent]: community/no-consent.toml"),
        "{err}"
    );
    assert!(
        err.contains("warning[rights-expired]: community/expired.toml"),
        "{err}"
    );
    assert!(
        err.contains("warning[rights-expiring]: community/rtl.toml"),
        "{err}"
    );
    assert!(
        !err.contains("pending.toml") && !err.contains("rejected.toml"),
        "{err}"
    );
}

#[test]
fn check_reports_consent_rights_and_missing_images_of_posts() {
    let o = SiteTest::from_fixture("community/orphan-image")
        .check_json()
        .assert_failure();
    let v = o.json();
    let found = |code: &str, file: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code && d["file"] == file)
            .map(|d| d["severity"].as_str().unwrap().to_string())
    };
    assert_eq!(
        found("post-without-consent", "community/no-consent.toml").as_deref(),
        Some("error")
    );
    assert_eq!(
        found("rights-expired", "community/expired.toml").as_deref(),
        Some("error")
    );
    assert_eq!(
        found("rights-expiring", "community/rtl.toml").as_deref(),
        Some("warning")
    );
    // An image no post names; the pending post's image is named, so not reported.
    assert_eq!(
        found("unused-file", "community/orphan.jpg").as_deref(),
        Some("warning")
    );
    assert_eq!(
        found("unused-file", "community/pending-only-photo.jpg"),
        None
    );
    // A missing image and a missing alt text are errors of the build itself.
    let o = SiteTest::from_fixture("community/missing-image")
        .build()
        .assert_failure();
    let err = o.stderr();
    assert!(
        err.contains(
            "error[missing-file]: community/hostile.toml: the image `coucher.jpg` does not exist"
        ),
        "{err}"
    );
    assert!(
        err.contains("error[missing-alt]: community/long.toml"),
        "{err}"
    );
}

#[test]
fn post_addresses_follow_the_host_rules() {
    // Generated: one post per address a post may not have.
    for (network, url) in [
        ("instagram", "javascript:alert(1)"),
        ("instagram", "https://instagram.com.evil.example/p/1"),
        ("x", "http://x.com/a/status/1"),
        ("mastodon", "data:text/html,<script>alert(1)</script>"),
    ] {
        let o = SiteTest::from_fixture("community/posts")
            .file(
                "community/bad.toml",
                format!(
                    "network = \"{network}\"\nurl = \"{url}\"\nauthor = \"A\"\ndate = 2026-06-01\ntext = \"t\"\nconsent = true\nstatus = \"approved\"\n"
                ),
            )
            .build();
        assert_eq!(o.code(), Some(1), "{url}");
        let err = o.stderr();
        assert!(
            err.contains("error[post-url]: community/bad.toml"),
            "{url}: {err}"
        );
    }
    // Mastodon, Pixelfed and PeerTube posts may live on any https server.
    SiteTest::from_fixture("community/federated-post")
        .build()
        .assert_success();
    // A typo in a key names the file, line and column.
    let o = SiteTest::from_fixture("community/post-key-typo")
        .build()
        .assert_failure();
    let err = o.stderr();
    assert!(err.contains("community/typo.toml:2:"), "{err}");
}

#[test]
fn walls_pillar_blocks_community_pages_and_videos() {
    let b = SiteTest::from_fixture("community/posts")
        .build()
        .assert_success();
    let page = b.html("tourisme/lac/index.html");
    let carousel = select(&page, "ul.posts-carousel > li.post");
    assert_eq!(carousel.len(), 2, "limit=2");
    assert_eq!(
        select(&page, "ul.posts-carousel")[0]
            .value()
            .attr("tabindex"),
        Some("0")
    );
    let wall: Vec<_> = select(&page, "ul.posts-wall > li.post")
        .iter()
        .map(|p| p.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(
        wall,
        ["post-rtl", "post-long", "post-hostile"],
        "newest first"
    );
    // Videos: a poster and a link, no player until a click.
    let videos = select(&page, "figure.video");
    assert_eq!(videos.len(), 2);
    assert_eq!(
        videos[0].value().attr("data-embed"),
        Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1")
    );
    let poster = select(&page, "figure.video a.video-poster")[0];
    assert_eq!(
        poster.value().attr("href"),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
    let label: String = poster.text().collect();
    assert!(
        label.contains("YouTube") && label.contains("Le lac en hiver"),
        "{label}"
    );
    assert_eq!(
        videos[1].value().attr("data-embed"),
        Some("https://tube.example.org/videos/embed/9c9de5e8-0a1b?autoplay=1")
    );
    assert!(select(&page, "iframe").is_empty());
    // The pillar page shows the posts tagged with its key; the home page the newest.
    let pillar = b.html("tourisme/index.html");
    let ids: Vec<_> = select(&pillar, "li.post")
        .iter()
        .map(|p| p.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(ids, ["post-hostile"]);
    let home = b.html("index.html");
    assert_eq!(select(&home, "li.post").len(), 3);
    // One page per tag, filtering without JavaScript.
    let all = b.html("communaute/index.html");
    let chips: Vec<_> = select(&all, ".community-tags a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(chips.contains(&"https://www.example-territoire.fr/communaute/lac/".to_string()));
    assert!(
        chips.contains(&"https://www.example-territoire.fr/communaute/b-tag-b/".to_string()),
        "{chips:?}"
    );
    let tourisme = b.html("communaute/tourisme/index.html");
    assert_eq!(select(&tourisme, "li.post").len(), 1);
    // A video without a known provider is an error naming the page and line.
    let o = SiteTest::from_fixture("community/unknown-video-provider")
        .build()
        .assert_failure();
    assert!(
        o.stderr().contains("content/tourisme/lac/index.md:16"),
        "{}",
        o.stderr()
    );
    assert!(
        o.stderr()
            .contains("video(provider=\"myvideo\") is not a provider"),
        "{}",
        o.stderr()
    );
}

#[test]
fn import_writes_pending_posts_once_and_publishes_nothing() {
    let site = SiteTest::from_fixture("community/posts");
    let root = site.root().to_str().unwrap();
    let samples = fixtures().join("community/import");
    let sample = |name: &str| samples.join(name).to_str().unwrap().to_string();
    let m = site
        .run(&["import", "mastodon", &sample("mastodon-tag.json"), root])
        .assert_success();
    assert!(m.stdout().contains("imported 2 post(s)"), "{}", m.stdout());
    assert!(
        m.stderr().contains("status 3 is left out"),
        "the http:// status: {}",
        m.stderr()
    );
    site.run(&["import", "bluesky", &sample("bluesky-search.json"), root])
        .assert_success();
    // Twice: nothing new.
    let again = site.run(&["import", "mastodon", &sample("mastodon-tag.json"), root]);
    assert!(
        again
            .stdout()
            .contains("imported 0 post(s) as pending, 2 already there"),
        "{}",
        again.stdout()
    );
    let community = site.root().join("community");
    let lea = read(&community.join("mastodon-lea-jura-piaille-example-113456789012345678.toml"));
    let post: toml::Table = lea.parse().unwrap();
    assert_eq!(post["status"].as_str(), Some("pending"));
    assert_eq!(post["consent"].as_bool(), Some(false));
    assert_eq!(
        post["url"].as_str(),
        Some("https://piaille.example/@lea_jura/113456789012345678")
    );
    assert_eq!(post["handle"].as_str(), Some("@lea_jura@piaille.example"));
    assert_eq!(post["date"].to_string(), "2026-07-14T20:31:07Z");
    assert_eq!(
        post["text"].as_str(),
        Some(
            "Feu d'artifice sur le lac ce soir, merci aux bénévoles ! #ValDeLoue #lac\n\nRendez-vous l'an prochain & bon été\nà tous"
        )
    );
    assert!(
        post["image_url"]
            .as_str()
            .unwrap()
            .ends_with("/original/feu.jpg")
    );
    assert!(post.get("image").is_none(), "nothing downloaded");
    assert_eq!(post["lang"].as_str(), Some("fr"));
    let boost: toml::Table =
        read(&community.join("mastodon-marc-toot-example-org-113456600000000009.toml"))
            .parse()
            .unwrap();
    assert_eq!(
        boost["url"].as_str(),
        Some("https://toot.example.org/@marc/112233"),
        "a boost is read as the boosted status"
    );
    let sam: toml::Table =
        read(&community.join("bluesky-sam-fictif-bsky-social-3lb7kqz4xyz2a.toml"))
            .parse()
            .unwrap();
    assert_eq!(
        sam["url"].as_str(),
        Some("https://bsky.app/profile/sam-fictif.bsky.social/post/3lb7kqz4xyz2a")
    );
    assert_eq!(
        sam["image_alt"].as_str(),
        Some("Brume au lever du soleil sur les gorges, une passerelle en bois.")
    );
    assert_eq!(
        sam["tags"].as_array().unwrap()[0].as_str(),
        Some("valdeloue")
    );
    // Imported posts are pending: the site shows none of them.
    let b = site.build().assert_success();
    for (name, bytes) in b.tree() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("bénévoles") && !text.contains("6 h 40"),
            "{name} shows an imported post"
        );
    }
    // Bad input: not JSON, or the wrong shape, names the file.
    let o = site
        .run(&["import", "bluesky", &sample("bad.json"), root])
        .assert_failure();
    assert!(o.stderr().contains("bad.json:1:"), "{}", o.stderr());
    let o = site
        .run(&["import", "mastodon", &sample("bluesky-search.json"), root])
        .assert_failure();
    assert!(
        o.stderr().contains("JSON array of statuses"),
        "{}",
        o.stderr()
    );
}

const TERMS: &str = "+++\nscope = \"le site et les comptes de l'office\"\nmonths = 24\nurl = \"/conditions/\"\n\n[translations.en]\nscope = \"the office's site and accounts\"\n+++\nVous autorisez l'office à reprendre votre publication.\n";

#[test]
fn the_desk_asks_consent_in_the_author_s_language_and_stays_out_of_the_site() {
    let site = SiteTest::from_fixture("community/posts")
        .file("community/terms/2027-01.md", TERMS)
        .file(
            "community/english.toml",
            "network = \"bluesky\"\nurl = \"https://bsky.app/profile/amy.bsky.social/post/3k1\"\nauthor = \"Amy W.\"\ndate = 2026-06-05\ntext = \"ENGLISH-PENDING-TEXT\"\nlang = \"en-GB\"\nconsent = false\nstatus = \"pending\"\n",
        );
    // One approved post says which terms it was given under.
    let long = site.root().join("community/long.toml");
    let text = read(&long).replace(
        "status = \"approved\"",
        "status = \"approved\"\nterms = \"2027-01\"",
    );
    std::fs::write(&long, text).unwrap();
    let desk = site.dir().join("desk");
    let o = site
        .run(&[
            "desk",
            site.root().to_str().unwrap(),
            "-o",
            desk.to_str().unwrap(),
        ])
        .assert_success();
    assert!(
        o.stdout().contains("2 post(s) waiting for consent"),
        "{}",
        o.stdout()
    );

    let moderation = read(&desk.join("moderation.html"));
    let doc = scraper::Html::parse_document(&moderation);
    assert_no_link_runs_code(&doc);
    assert!(moderation.contains("noindex"));
    assert!(moderation.contains("SECRET-PENDING-TEXT"));
    let requests = read_texts(&doc, "textarea");
    assert_eq!(requests.len(), 2, "one request per pending post");
    let english = requests.iter().find(|r| r.contains("Amy W.")).unwrap();
    assert!(english.starts_with("Hello Amy W.!"), "{english}");
    assert!(
        english.contains("the office's site and accounts"),
        "{english}"
    );
    assert!(english.contains("24 months"), "{english}");
    assert!(
        english.contains("version 2027-01: https://www.example-territoire.fr/conditions/"),
        "{english}"
    );
    let french = requests
        .iter()
        .find(|r| r.contains("SECRET-PENDING-AUTHOR"))
        .unwrap();
    assert!(
        french.starts_with("Bonjour SECRET-PENDING-AUTHOR"),
        "{french}"
    );
    assert!(
        french.contains("le site et les comptes de l'office") && french.contains("24 mois"),
        "{french}"
    );
    // Published posts without a terms version are listed; the one with it is not.
    let listed = read_texts(&doc, "li").join("\n");
    assert!(listed.contains("community/rtl.toml"), "{listed}");
    assert!(!listed.contains("community/long.toml"), "{listed}");
    // The right of the rtl post ends within 30 days.
    assert!(listed.contains("كريم"), "{listed}");
    // A hostile author stays text.
    assert!(!moderation.contains("<script>alert"));

    let ambassadors = read(&desk.join("ambassadors.html"));
    let doc = scraper::Html::parse_document(&ambassadors);
    let names = read_texts(&doc, "tbody th");
    assert!(names.contains(&"Longue Plume".to_string()), "{names:?}");
    assert!(
        !ambassadors.contains("SECRET") && !ambassadors.contains("Amy W."),
        "pending authors are not ambassadors"
    );
    let csv = read(&desk.join("ambassadors.csv"));
    assert!(csv.starts_with(
        "author,posts,networks,tags,last_post,last_post_url,rights_until,rights_ending_soon\r\n"
    ));
    assert!(csv.contains("Longue Plume,1,"), "{csv}");

    // The site itself says nothing of the desk or the pending posts.
    let b = site.build().assert_success();
    for (name, bytes) in b.tree() {
        let text = String::from_utf8_lossy(&bytes);
        for marker in ["SECRET-PENDING", "ENGLISH-PENDING", "Amy W.", "2027-01"] {
            assert!(!text.contains(marker), "{name} mentions `{marker}`");
        }
    }
    // And the desk will not be written into the site's output.
    let inside = site.root().join("public/desk");
    let o = site.run(&[
        "desk",
        site.root().to_str().unwrap(),
        "-o",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(o.code(), Some(2), "{}", o.stderr());
    assert!(
        o.stderr().contains("must not be published"),
        "{}",
        o.stderr()
    );
    assert!(!inside.exists());
    // Nor through a symbolic link that leads there.
    std::fs::create_dir_all(site.root().join("public")).unwrap();
    let link = site.dir().join("raccourci");
    std::os::unix::fs::symlink(site.root().join("public"), &link).unwrap();
    let o = site.run(&[
        "desk",
        site.root().to_str().unwrap(),
        "-o",
        link.join("desk").to_str().unwrap(),
    ]);
    assert_eq!(o.code(), Some(2), "{}", o.stderr());
    assert!(!site.root().join("public/desk").exists());

    // check: published posts without terms are warned about, by file.
    let v = site.check_json().json();
    let without: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "post-without-terms")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(without.contains(&"community/rtl.toml"), "{without:?}");
    assert!(!without.contains(&"community/long.toml"), "{without:?}");
}

#[test]
fn the_desk_names_a_broken_terms_file() {
    let site = SiteTest::from_fixture("community/posts").file(
        "community/terms/2027-01.md",
        "+++\nscope = \"x\"\nmonths = \"deux ans\"\n+++\n",
    );
    let desk = site.dir().join("desk");
    let o = site
        .run(&[
            "desk",
            site.root().to_str().unwrap(),
            "-o",
            desk.to_str().unwrap(),
        ])
        .assert_failure();
    assert!(
        o.stderr().contains("community/terms/2027-01.md:3"),
        "{}",
        o.stderr()
    );
    assert!(!desk.join("moderation.html").exists(), "nothing written");
}
