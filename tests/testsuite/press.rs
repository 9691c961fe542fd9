//! The press library (docs/press.md): `press/library`, a lac page whose
//! gallery holds a press photo by licence (with GPS EXIF), one by flag
//! whose rights end within 30 days, one refused with `press = false` and
//! one whose rights ended; and a museum page whose gallery has no press
//! photo.

use std::io::Read;

use crate::support::{SiteTest, read_texts, select};

const LIBRARY: &str = "presse/index.html";
const ALBUM: &str = "presse/tourisme-lac/index.html";
const ZIP: &str = "presse/tourisme-lac/tourisme-lac.zip";

/// The markers of a JPEG's segments before its image data.
fn segment_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], [0xFF, 0xD8], "a JPEG");
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        out.push(marker);
        if marker == 0xDA {
            break;
        }
        i += 2 + usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
    }
    out
}

/// The zip's entries, name and bytes, in its order.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

#[test]
fn the_press_library_lists_the_albums_with_press_photos_and_their_zip() {
    let site = SiteTest::from_fixture("press/library");
    let run = site.build().assert_success();
    let library = run.html(LIBRARY);
    assert_eq!(read_texts(&library, "h1"), ["Espace presse"]);
    assert_eq!(
        read_texts(&library, ".press-albums .card-title"),
        ["Le lac d'Orbière"],
        "the museum's gallery has no press photo: no album"
    );
    assert_eq!(read_texts(&library, ".press-albums .meta"), ["2 photos"]);
    let zip_link = select(&library, ".press-albums a[download]");
    assert_eq!(
        zip_link[0].value().attr("href"),
        Some("https://www.example-territoire.fr/presse/tourisme-lac/tourisme-lac.zip")
    );
    let zip_len = std::fs::metadata(run.out().join(ZIP)).unwrap().len();
    let zip_text = read_texts(&library, ".press-albums a[download]").join(" ");
    let kb = zip_len.div_ceil(1000).to_string();
    assert!(
        zip_text.contains(&format!("(zip, {kb}\u{a0}ko)"))
            || zip_text.contains(&format!("(zip, {kb} ko)")),
        "{zip_text} ({zip_len} bytes)"
    );
    assert_eq!(
        select(&library, ".press-previews img").len(),
        2,
        "a thumbnail per press photo, up to four"
    );
    assert!(
        run.read(LIBRARY)
            .contains("href=\"mailto:presse@orbiere.example\""),
        "the press contact"
    );
    assert!(!run.read(LIBRARY).contains("@@"), "every size is filled in");

    // Every page's footer links the library; the sitemap lists its pages.
    let home = run.html("index.html");
    let footer: Vec<String> = select(&home, ".site-footer a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(String::from))
        .collect();
    assert!(
        footer.contains(&"https://www.example-territoire.fr/presse/".to_string()),
        "{footer:?}"
    );
    let sitemap = run.read("sitemap.xml");
    for path in ["presse/", "presse/tourisme-lac/"] {
        assert!(
            sitemap.contains(&format!(
                "<loc>https://www.example-territoire.fr/{path}</loc>"
            )),
            "{path} in {sitemap}"
        );
    }
    assert!(
        !run.read(LIBRARY).contains("noindex"),
        "the library is for search engines too"
    );
}

#[test]
fn an_album_page_gives_each_photo_its_rights_and_a_clean_full_size_download() {
    let site = SiteTest::from_fixture("press/library");
    let run = site.build().assert_success();
    let album = run.html(ALBUM);
    assert_eq!(read_texts(&album, "h1"), ["Le lac d'Orbière"]);
    let rights = read_texts(&album, ".press-rights dd");
    assert_eq!(
        rights,
        [
            "© Camille R.",
            "CC BY 4.0",
            "jusqu’au 31 décembre 2027",
            "© Office de tourisme du Val d'Orbière",
            "Tous droits réservés, usage presse",
            "jusqu’au 20 juillet 2026",
        ]
    );
    assert_eq!(
        select(&album, ".press-ending").len(),
        1,
        "the ponton's rights end within 30 days: shown, marked"
    );
    let links = select(&album, ".press-photo a[download]");
    let names: Vec<&str> = links
        .iter()
        .filter_map(|a| a.value().attr("download"))
        .collect();
    assert_eq!(names, ["aube.jpg", "ponton.jpg"]);
    let texts = read_texts(&album, ".press-photo a[download]");
    // gps.jpg is 32×24; rotated.jpg is stored 40×20 and shown upright.
    for (text, (link, size)) in texts
        .iter()
        .zip(links.iter().zip(["32 × 24 px", "20 × 40 px"]))
    {
        assert!(text.contains(size), "{text}");
        let href = link.value().attr("href").unwrap();
        let rel = href
            .strip_prefix("https://www.example-territoire.fr/")
            .unwrap();
        let bytes = std::fs::read(run.out().join(rel)).unwrap();
        let kb = (bytes.len() as u64).div_ceil(1000);
        assert!(
            text.contains(&kb.to_string()),
            "{text}: {} bytes",
            bytes.len()
        );
        let markers = segment_markers(&bytes);
        assert!(!markers.contains(&0xE1), "{rel}: APP1 (EXIF, XMP) left in");
        assert!(!markers.contains(&0xED), "{rel}: APP13 (IPTC) left in");
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{rel}");
        assert!(!bytes.windows(3).any(|w| w == b"GPS"), "{rel}");
    }
    let source = std::fs::read(site.root().join("content/tourisme/lac/aube.jpg")).unwrap();
    assert!(
        source.windows(4).any(|w| w == b"Exif"),
        "the source does carry EXIF"
    );
    assert!(!run.read(ALBUM).contains("@@"));
    assert!(
        run.read(ALBUM).contains(
            "<meta name=\"description\" content=\"« Le lac d&#39;Orbière » : 2 photos pour la presse"
        ),
        "{}",
        run.read(ALBUM)
    );
}

#[test]
fn the_zip_holds_the_albums_press_photos_and_credits_and_is_the_same_twice() {
    let site = SiteTest::from_fixture("press/library");
    let first = site.build().assert_success();
    let bytes = std::fs::read(first.out().join(ZIP)).unwrap();
    let list = entries(&bytes);
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["CREDITS.txt", "aube.jpg", "ponton.jpg"]);
    let credits = String::from_utf8(list[0].1.clone()).unwrap();
    for line in [
        "aube.jpg",
        "  Credit: Camille R.",
        "  Licence: CC BY 4.0",
        "  Rights until: 2027-12-31",
        "  Rights until: 2026-07-20",
    ] {
        assert!(credits.lines().any(|l| l == line), "{line} in {credits}");
    }
    // The zip's photos are the downloads the album page links.
    let album = first.read(ALBUM);
    for (name, data) in &list[1..] {
        let img = image::load_from_memory(data).unwrap();
        assert!(img.width() > 0, "{name}");
        assert!(!data.windows(4).any(|w| w == b"Exif"), "{name}");
        assert!(album.contains(&format!("download=\"{name}\"")));
    }
    // A second build, into another folder, writes the same bytes.
    let again = SiteTest::from_fixture("press/library");
    let second = again.build().assert_success();
    assert_eq!(std::fs::read(second.out().join(ZIP)).unwrap(), bytes);
}

#[test]
fn refused_and_expired_photos_appear_in_no_press_file_and_expired_in_none() {
    let site = SiteTest::from_fixture("press/library");
    let run = site.build().assert_success();
    for (path, bytes) in run.tree() {
        let text = String::from_utf8_lossy(&bytes);
        for needle in ["vieux-moulin", "vieux moulin"] {
            assert!(!text.contains(needle), "{path} names the expired photo");
        }
        if path.starts_with("presse/") {
            for needle in ["quai-prive", "Un quai privé", "salle-des-cartes"] {
                assert!(!text.contains(needle), "{path} names {needle}");
            }
        }
    }
    // The refused photo is still in its page's gallery: only the press
    // library leaves it out.
    assert!(run.read("tourisme/lac/index.html").contains("quai-prive"));
}

#[test]
fn a_site_without_press_photos_has_no_library_and_no_footer_link() {
    let site = SiteTest::from_fixture("images/gallery");
    let run = site.build().assert_success();
    assert!(!run.out().join("press").exists() && !run.out().join("presse").exists());
    assert!(!run.read("index.html").contains("/presse/"));
}

#[test]
fn the_example_offers_its_press_photos_in_french_and_english() {
    let out = crate::support::example();
    let html = |file: &str| scraper::Html::parse_document(&crate::support::read(&out.join(file)));
    let fr = html("presse/index.html");
    assert_eq!(
        read_texts(&fr, ".press-albums .card-title"),
        [
            "Les jardins partagés de Morvillers",
            "Les gorges de la Doye"
        ]
    );
    let en = html("en/press/index.html");
    assert_eq!(
        read_texts(&en, ".press-albums .card-title"),
        ["The Doye gorges"],
        "only the gorges page is in English"
    );
    // In [press] licenses (CC BY 4.0, CC BY-SA 3.0): cascades, sittelle;
    // GPL photos stay out unless marked `press = true` (the garden's œillet).
    let gorges = html("presse/tourisme-gorges-de-la-doye/index.html");
    let names: Vec<&str> = select(&gorges, ".press-photo a[download]")
        .iter()
        .filter_map(|a| a.value().attr("download"))
        .collect();
    assert_eq!(names, ["cascades.jpg", "sittelle.jpg"]);
    let garden = html("presse/qualite-de-vie-jardins-partages/index.html");
    assert_eq!(select(&garden, ".press-photo").len(), 1);
    let en_album = html("en/press/tourisme-gorges-de-la-doye/index.html");
    assert_eq!(
        read_texts(&en_album, ".press-photo figcaption > p:first-child"),
        [
            "The pools of the Doye in spring.",
            "A nuthatch, a regular of the valley's beech woods."
        ]
    );
    assert!(crate::support::read(&out.join("en/index.html")).contains("/en/press/"));
}

#[test]
fn a_page_at_the_librarys_address_is_an_error_that_names_both() {
    let run = SiteTest::from_fixture("press/path-taken")
        .build()
        .assert_failure();
    let err = run.stderr();
    assert!(
        err.contains(
            "the address /presse/ is wanted by both content/presse.md and the press library"
        ),
        "{err}"
    );
    assert!(err.contains("[press] path"), "{err}");
}
