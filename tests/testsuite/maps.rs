//! Static maps (`maps/trail`: the base site with a straight east–west trail
//! whose middle is the middle of its map): `blason sync` downloads the
//! tiles from a real HTTP server on 127.0.0.1 that serves 256-pixel PNGs of
//! one colour, `build` draws the track in the brand's colour over them and
//! asks the server nothing; a second sync asks for no tile; without
//! `[maps]` the map is drawn on a plain background; a server answering 500
//! makes sync fail with the tile's address and the status, and the build
//! then draws the map without tiles and says to run `blason sync`. The
//! trail's share kit holds its square map card (1,080 × 1,080, drawn with
//! the other maps: the base site has kits on, so each build of `maps/trail`
//! draws two maps, the page's and the card).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::{self, SiteTest, select};

/// The tiles' colour.
const TILE: [u8; 3] = [180, 40, 160];
/// The base site's primary colour (#0b5d6b), the track's.
const PRIMARY: [u8; 3] = [0x0b, 0x5d, 0x6b];

/// A tile server: PNGs of [`TILE`] for every path, or `status` when set.
struct Tiles {
    addr: String,
    paths: Arc<Mutex<Vec<String>>>,
    status: Arc<AtomicU16>,
}

impl Tiles {
    fn start() -> Tiles {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let paths = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let png = {
            let img = image::RgbImage::from_pixel(256, 256, image::Rgb(TILE));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        let (p, s) = (paths.clone(), status.clone());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                p.lock().unwrap().push(path);
                let code = s.load(Ordering::SeqCst);
                let (head, body): (String, &[u8]) = if code == 200 {
                    (
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            png.len()
                        ),
                        &png,
                    )
                } else {
                    (
                        format!(
                            "HTTP/1.1 {code} Oops\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"
                        ),
                        b"oops",
                    )
                };
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body);
                let _ = stream.flush();
            }
        });
        Tiles {
            addr,
            paths,
            status,
        }
    }

    fn count(&self) -> usize {
        self.paths.lock().unwrap().len()
    }

    /// The base site's blason.toml with `[maps]` on this server.
    fn site(&self) -> SiteTest {
        self.site_of("maps/trail")
    }

    /// The fixture's blason.toml with `[maps]` on this server.
    fn site_of(&self, fixture: &str) -> SiteTest {
        let s = SiteTest::from_fixture(fixture);
        let toml = std::fs::read_to_string(s.root().join("blason.toml")).unwrap();
        s.file(
            "blason.toml",
            format!(
                "{toml}\n[maps]\ntiles = \"http://{}/tiles/{{z}}/{{x}}/{{y}}.png\"\nattribution = \"© Tuiles de test\"\n",
                self.addr
            ),
        )
    }
}

/// `blason sync SITE`, without the proxies of the environment.
fn sync(s: &SiteTest) -> Output {
    let mut cmd = support::command();
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(v);
    }
    cmd.arg("sync").arg(s.root()).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The trail page's map: its largest JPEG, decoded, and the figure's credit.
fn map_of(out: &Path) -> (image::RgbImage, Option<String>) {
    let html = support::read(&out.join("tourisme/crete/index.html"));
    let doc = scraper::Html::parse_document(&html);
    let img = select(&doc, "figure.trail-map img");
    assert_eq!(img.len(), 1, "one map on the trail page");
    let alt = img[0].value().attr("alt").unwrap();
    assert!(
        alt.contains("Carte du parcours") && alt.contains("liste"),
        "{alt}"
    );
    let src = img[0].value().attr("src").unwrap();
    let path = src.split_once("/processed_images/").unwrap().1;
    let decoded = image::open(out.join("processed_images").join(path))
        .unwrap()
        .to_rgb8();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (1280, 800),
        "the fallback is the largest variant"
    );
    let credit = select(&doc, "figure.trail-map figcaption")
        .first()
        .map(support::read_text);
    (decoded, credit)
}

fn near(got: [u8; 3], want: [u8; 3], tolerance: u8) -> bool {
    got.iter()
        .zip(want)
        .all(|(a, b)| a.abs_diff(b) <= tolerance)
}

/// `blason sync`, then a build that asks the tile server nothing: its report.
fn synced_build(server: &Tiles, site: &SiteTest) -> serde_json::Value {
    let o = sync(site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fetched = server.count();
    let (_, report) = site.build_with_report();
    assert_eq!(
        server.count(),
        fetched,
        "build asks the tile server nothing"
    );
    report
}

#[test]
fn sync_downloads_the_tiles_and_build_draws_the_track_over_them() {
    let server = Tiles::start();
    let site = server.site();
    let o = sync(&site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fetched = server.count();
    // The page's map (at most 6 × 5 tiles) and its kit's card (5 × 6).
    assert!(fetched > 0 && fetched <= 2 * 6 * 5, "{fetched} tiles");
    assert!(
        stderr(&o).contains(&format!(
            "maps: 2 maps, {fetched} tiles (0 in the cache, {fetched} downloaded, 0 failed)"
        )),
        "{}",
        stderr(&o)
    );
    assert!(
        server
            .paths
            .lock()
            .unwrap()
            .iter()
            .all(|p| p.starts_with("/tiles/") && p.ends_with(".png"))
    );

    let (_, report) = site.build_with_report();
    assert_eq!(
        server.count(),
        fetched,
        "build asks the tile server nothing"
    );
    assert_eq!(report["maps"]["drawn"], 2);
    assert_eq!(report["maps"]["missing_tiles"], 0);
    let (map, credit) = map_of(site.out());
    assert_eq!(credit.as_deref(), Some("Fond de carte : © Tuiles de test"));
    // Along the track (the middle row, left and right of the middle), the
    // brand's colour; above and below it, the tiles.
    for x in [500, 640, 780] {
        let p = map.get_pixel(x, 400).0;
        assert!(near(p, PRIMARY, 24), "track at {x},400: {p:?}");
    }
    for (x, y) in [(640, 300), (640, 500), (40, 40), (1240, 600)] {
        let p = map.get_pixel(x, y).0;
        assert!(near(p, TILE, 24), "tile at {x},{y}: {p:?}");
    }

    // A second sync asks for no tile; a second build draws no map.
    let o = sync(&site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(server.count(), fetched, "the cached tiles were asked again");
    assert!(stderr(&o).contains(&format!("{fetched} in the cache, 0 downloaded")));
    let (_, report) = site.build_with_report();
    assert_eq!(report["maps"]["drawn"], 0);
    assert_eq!(report["maps"]["cached"], 2);
    assert_eq!(
        report["maps"]["tiles_decoded"], 0,
        "nothing drawn, no tile read"
    );
}

#[test]
fn without_maps_the_track_is_drawn_on_a_plain_background() {
    let site = SiteTest::from_fixture("maps/trail");
    let (run, report) = site.build_with_report();
    assert!(!run.stderr().contains("map-tiles"), "{}", run.stderr());
    assert_eq!(report["maps"]["drawn"], 2);
    let (map, credit) = map_of(site.out());
    assert_eq!(credit, None, "no tiles, no credit");
    assert!(near(map.get_pixel(640, 400).0, PRIMARY, 24));
    // White tinted with a twelfth of #0b5d6b.
    for (x, y) in [(40, 40), (640, 300), (1240, 760)] {
        let p = map.get_pixel(x, y).0;
        assert!(near(p, [235, 242, 243], 6), "background at {x},{y}: {p:?}");
    }
}

#[test]
fn a_tile_server_error_fails_sync_with_the_address_and_status() {
    let server = Tiles::start();
    server.status.store(500, Ordering::SeqCst);
    let site = server.site();
    let o = sync(&site);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("http://{}/tiles/", server.addr)),
        "the tile's address: {err}"
    );
    assert!(err.contains("500"), "the status: {err}");
    assert!(
        err.contains("content/tourisme/crete/index.md"),
        "the page: {err}"
    );
    // The build goes on without them, on the plain background, and says
    // what to do.
    let run = site.build().assert_success();
    assert!(run.stderr().contains("map-tiles"), "{}", run.stderr());
    assert!(run.stderr().contains("blason sync"), "{}", run.stderr());
    let (map, _) = map_of(site.out());
    assert!(near(map.get_pixel(40, 40).0, [235, 242, 243], 6));
    assert!(near(map.get_pixel(640, 400).0, PRIMARY, 24));
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    support::tree(dir).into_keys().collect()
}

#[test]
fn prune_cache_removes_the_maps_and_tiles_no_page_uses_any_more() {
    let server = Tiles::start();
    let site = server.site();
    assert_eq!(sync(&site).status.code(), Some(0));
    site.build().assert_success();
    let cache = site.root().join(".blason-cache");
    let tiles = cache.join("tiles");
    let used_tiles = files_under(&tiles);
    let used_maps = files_under(&cache.join("maps"));
    assert!(
        !used_tiles.is_empty() && used_maps.len() == 2,
        "{used_maps:?}"
    );
    // A map of a trail since removed, and a tile no map needs.
    let stray_map = cache.join("maps/0123456789abcdef01234567/map.png");
    std::fs::create_dir_all(stray_map.parent().unwrap()).unwrap();
    std::fs::write(&stray_map, b"old map").unwrap();
    let source = std::fs::read_dir(&tiles)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let stray_tile = source.join("3/1/1");
    std::fs::create_dir_all(stray_tile.parent().unwrap()).unwrap();
    std::fs::write(&stray_tile, b"old tile").unwrap();

    // A build without the option leaves them.
    site.build().assert_success();
    assert!(stray_map.is_file() && stray_tile.is_file());

    let (_, report) = {
        let report = site.out().with_extension("json");
        let run = site
            .build_with(&["--prune-cache", "--report", report.to_str().unwrap()])
            .assert_success();
        (run, support::read(&report))
    };
    assert!(!stray_map.parent().unwrap().exists(), "the unused map went");
    assert!(
        !stray_tile.exists() && !source.join("3").exists(),
        "the unused tile and its folders went"
    );
    assert_eq!(
        files_under(&tiles),
        used_tiles,
        "the tiles the map needs stay"
    );
    assert_eq!(files_under(&cache.join("maps")), used_maps);
    assert!(report.contains("\"maps\""), "{report}");
    // The next build draws nothing and asks for no tile.
    let (_, report) = site.build_with_report();
    assert_eq!(report["maps"]["drawn"], 0);
    assert_eq!(report["maps"]["cached"], 2);
    assert_eq!(report["maps"]["missing_tiles"], 0);
}

/// The base site's accent colour (#f2a900), the numbered markers'.
const ACCENT: [u8; 3] = [0xf2, 0xa9, 0x00];

/// The largest variant of the map `img` shows, decoded.
fn decoded(out: &Path, img: &scraper::ElementRef<'_>) -> image::RgbImage {
    let src = img.value().attr("src").unwrap();
    let path = src.split_once("/processed_images/").unwrap().1;
    image::open(out.join("processed_images").join(path))
        .unwrap()
        .to_rgb8()
}

#[test]
fn a_place_shows_its_pin_and_a_listing_its_places_numbered_like_its_list() {
    let server = Tiles::start();
    let site = server.site_of("maps/places");
    let report = synced_build(&server, &site);
    // The trail and its kit's card, two places, and one listing: the
    // section's and the home page's show the same three places, so one
    // drawing serves both.
    assert_eq!(report["maps"]["drawn"], 5, "{}", report["maps"]);
    assert_eq!(report["maps"]["missing_tiles"], 0);
    let out = site.out();

    // A place: its pin in the middle, in the brand's colour, over tiles.
    let html = support::read(&out.join("tourisme/belvedere/index.html"));
    let doc = scraper::Html::parse_document(&html);
    let img = select(&doc, "figure.place-map img");
    assert_eq!(img.len(), 1, "one map on the place's page");
    let alt = img[0].value().attr("alt").unwrap();
    assert!(alt.contains("épingle") && alt.contains("adresse"), "{alt}");
    let credit = select(&doc, "figure.place-map figcaption");
    assert_eq!(
        support::read_text(&credit[0]),
        "Fond de carte : © Tuiles de test"
    );
    let map = decoded(out, &img[0]);
    assert_eq!((map.width(), map.height()), (640, 400));
    let pin = map.get_pixel(320, 190).0;
    assert!(near(pin, PRIMARY, 24), "pin: {pin:?}");
    let corner = map.get_pixel(20, 20).0;
    assert!(near(corner, TILE, 24), "tiles around: {corner:?}");
    // The trail page keeps its track's map and has no pin map.
    let trail = support::read(&out.join("tourisme/crete/index.html"));
    assert!(!trail.contains("place-map"));

    // The section: a map, then the list naming its markers in order.
    for page in ["tourisme/index.html", "index.html"] {
        let html = support::read(&out.join(page));
        let doc = scraper::Html::parse_document(&html);
        let names: Vec<String> = select(&doc, "ol.map-places li a")
            .iter()
            .map(support::read_text)
            .collect();
        assert_eq!(
            names,
            ["Auberge de Saint-Lac", "La ligne de crête", "Le belvédère"],
            "{page}"
        );
        let img = select(&doc, "figure.listing-map img");
        assert_eq!(img.len(), 1, "{page}");
        let alt = img[0].value().attr("alt").unwrap();
        assert!(alt.contains("numérotés"), "{alt}");
    }
    // Each marker is an accent disc where its place is: the auberge (1)
    // is the south-easternmost, the trail's start (2) the westernmost.
    let html = support::read(&out.join("tourisme/index.html"));
    let doc = scraper::Html::parse_document(&html);
    let map = decoded(out, &select(&doc, "figure.listing-map img")[0]);
    let accent = |x0: u32, x1: u32, y0: u32, y1: u32| {
        let mut hits = Vec::new();
        for y in (y0..y1).step_by(2) {
            for x in (x0..x1).step_by(2) {
                if near(map.get_pixel(x, y).0, ACCENT, 20) {
                    hits.push((x, y));
                }
            }
        }
        hits
    };
    let (w, h) = (map.width(), map.height());
    assert!(
        !accent(w / 2, w, h / 2, h).is_empty(),
        "marker 1 in the south-east"
    );
    assert!(!accent(0, w / 4, 0, h).is_empty(), "marker 2 in the west");
    assert!(
        accent(w / 4, w / 2, h / 2, h).is_empty(),
        "no marker in the south-west"
    );
}

#[test]
fn a_local_mbtiles_file_is_a_tile_source_without_the_network() {
    let site = SiteTest::from_fixture("maps/trail");
    // Tiles of every zoom from 8 to 16 around the track, stored as
    // MBTiles does: rows counted from the south.
    let root = site.root().to_path_buf();
    let write = |colour: [u8; 3]| {
        let png = {
            let img = image::RgbImage::from_pixel(256, 256, image::Rgb(colour));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        let dir = root.join("cartes");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("val.mbtiles");
        let _ = std::fs::remove_file(&path);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE UNIQUE INDEX t ON tiles (zoom_level, tile_column, tile_row);",
        )
        .unwrap();
        for z in 8u32..=16 {
            let n = f64::from(1u32 << z);
            let col = |lon: f64| ((lon + 180.0) / 360.0 * n) as i64;
            let row = |lat: f64| {
                let r = lat.to_radians();
                ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as i64
            };
            for x in col(5.80) - 1..=col(6.08) + 1 {
                for y in row(46.66) - 1..=row(46.54) + 1 {
                    let tms = (1i64 << z) - 1 - y;
                    conn.execute(
                        "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![z, x, tms, png],
                    )
                    .unwrap();
                }
            }
        }
    };
    write(TILE);
    let toml = std::fs::read_to_string(site.root().join("blason.toml")).unwrap();
    let site = site.file(
        "blason.toml",
        format!(
            "{toml}\n[maps]\ntiles = \"cartes/val.mbtiles\"\nattribution = \"© Carte locale\"\n"
        ),
    );
    let (run, report) = site.build_with_report();
    assert!(!run.stderr().contains("map-tiles"), "{}", run.stderr());
    assert_eq!(report["maps"]["drawn"], 2);
    assert_eq!(report["maps"]["missing_tiles"], 0);
    let (map, credit) = map_of(site.out());
    assert_eq!(credit.as_deref(), Some("Fond de carte : © Carte locale"));
    assert!(near(map.get_pixel(640, 400).0, PRIMARY, 24));
    for (x, y) in [(640, 300), (40, 40), (1240, 600)] {
        let p = map.get_pixel(x, y).0;
        assert!(near(p, TILE, 24), "tile at {x},{y}: {p:?}");
    }
    // sync has nothing to download.
    let o = sync(&site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("downloading") && !stderr(&o).contains("maps:"),
        "{}",
        stderr(&o)
    );
    // Again: from the cache. A new file under the same name: drawn anew.
    let (_, report) = site.build_with_report();
    assert_eq!(report["maps"]["cached"], 2);
    std::thread::sleep(std::time::Duration::from_millis(20));
    write([20, 120, 220]);
    let (_, report) = site.build_with_report();
    assert_eq!(report["maps"]["drawn"], 2);
    let (map, _) = map_of(site.out());
    assert!(near(map.get_pixel(40, 40).0, [20, 120, 220], 24));
    // A missing file is an error that names it; the last output stays.
    std::fs::remove_file(site.root().join("cartes/val.mbtiles")).unwrap();
    let run = site.build();
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(
        run.stderr().contains("cartes/val.mbtiles"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("does not exist"), "{}", run.stderr());
}

#[test]
fn a_trail_s_share_kit_has_a_square_map_card_and_the_qr_code_of_its_page() {
    let server = Tiles::start();
    let site = server.site();
    let report = synced_build(&server, &site);
    assert_eq!(
        report["maps"]["missing_tiles"], 0,
        "sync fetched the card's tiles too"
    );
    let out = site.out();
    let kit = out.join("tourisme/crete/kit");

    // The kit page lists the card first, with its alt text and download.
    let html = support::read(&kit.join("index.html"));
    let doc = scraper::Html::parse_document(&html);
    let items = select(&doc, "ul.kit-images li");
    assert_eq!(items.len(), 6, "the map card and the five formats");
    let card = items[0];
    let item = scraper::Html::parse_fragment(&card.html());
    let img = select(&item, "img");
    let alt = img[0].value().attr("alt").unwrap();
    assert_eq!(
        alt,
        "Carte carrée du parcours « La ligne de crête » : le tracé, avec son nom, sa distance et son dénivelé"
    );
    assert_eq!(img[0].value().attr("width"), Some("360"));
    let preview = decoded(out, &img[0]);
    assert_eq!((preview.width(), preview.height()), (360, 360));
    let text = support::read_text(&card);
    assert!(
        text.contains("Carte du parcours") && text.contains("1080×1080"),
        "{text}"
    );
    let link = select(&item, "a[download]");
    assert_eq!(
        link[0].value().attr("download"),
        Some("crete-map-1080x1080.jpg")
    );
    // Every kit has the QR code of its page: a trail's, for its trailhead panel.
    assert_eq!(select(&doc, "figure.kit-qr img").len(), 1);

    // The zip holds the card at 1,080 × 1,080: the band in the brand's
    // colour on top, the track in it along the middle of the map below,
    // the tiles around.
    let zip = std::fs::read_dir(&kit)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let names: Vec<String> = archive.file_names().map(String::from).collect();
    assert!(names.contains(&"qr.svg".to_string()), "{names:?}");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name("crete-map-1080x1080.jpg").unwrap(),
        &mut bytes,
    )
    .unwrap();
    let card = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!((card.width(), card.height()), (1080, 1080));
    for (x, y) in [(20, 20), (1060, 190)] {
        let p = card.get_pixel(x, y).0;
        assert!(near(p, PRIMARY, 24), "band at {x},{y}: {p:?}");
    }
    // The map below the 210-pixel band: its middle row is the track's.
    let middle = 210 + (1080 - 210) / 2;
    for x in [300, 540, 780] {
        let p = card.get_pixel(x, middle).0;
        assert!(near(p, PRIMARY, 24), "track at {x},{middle}: {p:?}");
    }
    for (x, y) in [(540, 400), (540, 900), (40, 1000)] {
        let p = card.get_pixel(x, y).0;
        assert!(near(p, TILE, 24), "tile at {x},{y}: {p:?}");
    }
    // The tiles' credit in the bottom right corner: a light bar.
    let p = card.get_pixel(1075, 1060).0;
    assert!(p.iter().all(|&c| c > 200), "credit bar: {p:?}");
}
