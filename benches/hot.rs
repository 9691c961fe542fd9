//! Micro-benchmarks of the hot paths: markdown, templates, images, cards.
//!
//!     cargo bench --bench hot
//!
//! Whole builds against Hugo are measured by `scripts/bench`; these say where
//! a build's time goes, one path at a time, on inputs made here (a French
//! page like the benchmark corpus's, a 100-page site, a photo). Results are
//! in docs/performance.md.

use std::path::{Path, PathBuf};

use blason::Memo;
use blason::bench::{self as markdown, AnchorLinks, MarkdownOptions, RenderContext};
use blason::{BuildOptions, build_changes};

fn main() {
    divan::main();
}

/// A page of the kind territorial sites publish: headings, lists, links,
/// French punctuation.
fn page_text(n: usize) -> String {
    let mut s = String::new();
    for i in 0..6 {
        s.push_str(&format!("## Étape {i} : le sentier du lac\n\n"));
        s.push_str(&format!(
            "Le Pays de Valmont accueille ses visiteurs toute l'année ; « au bord de l'eau », \
             les familles profitent des plages, des pontons et des chemins balisés ! Page {n}, \
             paragraphe {i} : voir [l'office de tourisme](https://example.org/office) ou \
             [la carte](/carte/). Horaires : 9h–18h, fermé le lundi.\n\n"
        ));
        s.push_str("- Parking gratuit\n- Accès aux personnes à mobilité réduite\n- Aire de pique-nique\n\n");
        s.push_str(
            "Les producteurs du marché proposent fromages, miels et charcuteries ; les \
             restaurants servent une cuisine de saison. Pourquoi ne pas rester un week-end ?\n\n",
        );
    }
    s
}

struct NoLinks;

impl RenderContext for NoLinks {
    fn resolve_link(&self, _: &str) -> Option<String> {
        None
    }
    fn shortcode(&self, _: &markdown::Call) -> Result<String, markdown::ShortcodeError> {
        Err(markdown::ShortcodeError::Unknown { known: Vec::new() })
    }
}

/// One page of markdown to HTML, with French typography (the corpus's case).
#[divan::bench]
fn markdown_page(bencher: divan::Bencher) {
    let text = page_text(1);
    let opts = MarkdownOptions {
        typography: markdown::Typography::FRENCH,
        external_links_new_tab: false,
        site_host: "example.org",
        anchor_links: AnchorLinks::None,
        raw_html: markdown::RawHtml::Sanitize,
    };
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| markdown::render(divan::black_box(&text), 1, &opts, &NoLinks).unwrap());
}

/// A site of `pages` pages in four pillars, cards and kits off (as the
/// benchmark corpus), in a temporary folder.
fn site(pages: usize, cards: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cards = if cards {
        "[cards]\nenable = true\n[share]\nkit = false\n"
    } else {
        "[cards]\nenable = false\n[share]\nkit = false\n"
    };
    std::fs::write(
        root.join("blason.toml"),
        format!(
            "base_url = \"https://example.org\"\ntitle = \"Pays de Valmont\"\n\
             [pillars]\neconomie = {{ title = \"Économie\" }}\nculture = {{ title = \"Culture\" }}\n\
             tourisme = {{ title = \"Tourisme\" }}\nqualite-de-vie = {{ title = \"Qualité de vie\" }}\n{cards}"
        ),
    )
    .unwrap();
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("_index.md"), "+++\ntitle = \"Accueil\"\n+++\n").unwrap();
    let pillars = ["economie", "culture", "tourisme", "qualite-de-vie"];
    for p in pillars {
        std::fs::create_dir_all(content.join(p)).unwrap();
        std::fs::write(
            content.join(p).join("_index.md"),
            format!("+++\ntitle = \"{p}\"\nsort_by = \"date\"\n+++\n"),
        )
        .unwrap();
    }
    for i in 0..pages {
        let p = pillars[i % 4];
        std::fs::write(
            content.join(p).join(format!("page-{i}.md")),
            format!(
                "+++\ntitle = \"Page {i} du territoire\"\ndescription = \"Une page.\"\n\
                 date = 2026-0{}-1{}\ntags = [\"lac\", \"marché\"]\n+++\n{}",
                1 + i % 9,
                i % 10,
                page_text(i)
            ),
        )
        .unwrap();
    }
    dir
}

fn options(root: &Path) -> BuildOptions {
    let mut o = BuildOptions::new(root);
    o.now = "2026-11-01T10:00:00Z".parse().unwrap();
    o
}

/// A 100-page site built into memory: every stage, no images.
#[divan::bench(sample_count = 20)]
fn build_100_pages(bencher: divan::Bencher) {
    let dir = site(100, false);
    let opts = options(dir.path());
    bencher.bench(|| build_changes(&opts, &mut Memo::default(), &[]).unwrap());
}

/// Rendering the templates of a 100-page site: a template was saved, so
/// `serve` keeps the markdown and renders every page again.
#[divan::bench(sample_count = 20)]
fn templates_100_pages(bencher: divan::Bencher) {
    let dir = site(100, false);
    let opts = options(dir.path());
    let mut memo = Memo::default();
    build_changes(&opts, &mut memo, &[]).unwrap();
    let changed = [PathBuf::from("templates/page.html")];
    bencher.bench_local(|| build_changes(&opts, &mut memo, &changed).unwrap());
}

/// A photo of 1600x1067 (a gradient with fine detail, which compresses like
/// a photo), written as JPEG.
fn photo(path: &Path, w: u32, h: u32) {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 31;
        image::Rgb([
            (x / 7 % 256) as u8,
            ((y / 5 + n) % 256) as u8,
            ((x + y) / 11 % 256) as u8,
        ])
    });
    img.save(path).unwrap();
}

/// One photo to its three responsive widths in WebP (q75) and its card-size
/// crop, without the cache: decode, resize, encode. A 1600-pixel photo, and
/// a camera's 4800 pixels (decoded at 1/2: 2400 holds every variant).
#[divan::bench(sample_count = 5, args = [1600, 4800])]
fn photo_variants(bencher: divan::Bencher, width: u32) {
    let dir = site(0, false);
    let root = dir.path();
    std::fs::write(
        root.join("blason.toml"),
        std::fs::read_to_string(root.join("blason.toml")).unwrap()
            + "[images]\nwidths = [480, 960, 1600]\nformats = [\"webp\"]\nquality = 75\n",
    )
    .unwrap();
    let bundle = root.join("content/tourisme/lac");
    std::fs::create_dir_all(&bundle).unwrap();
    photo(&bundle.join("lac.jpg"), width, width * 2 / 3);
    std::fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"Le lac\"\ncover = \"lac.jpg\"\ncover_alt = \"Le lac\"\n+++\n![Le lac](lac.jpg)\n",
    )
    .unwrap();
    let opts = options(root);
    bencher.bench(|| {
        let _ = std::fs::remove_dir_all(root.join(".blason-cache"));
        build_changes(&opts, &mut Memo::default(), &[]).unwrap()
    });
}

/// Social cards of a small site (5 pages, sections and listings: 20 cards)
/// drawn without the cache: SVG with shaped text, rasterized, JPEG.
#[divan::bench(sample_count = 5)]
fn social_cards(bencher: divan::Bencher) {
    let dir = site(5, true);
    let root = dir.path();
    let opts = options(root);
    bencher.bench(|| {
        let _ = std::fs::remove_dir_all(root.join(".blason-cache"));
        build_changes(&opts, &mut Memo::default(), &[]).unwrap()
    });
}
