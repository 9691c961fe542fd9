//! The press library (docs/press.md): the gallery photos the office lets
//! the press use, for journalists. A photo is a press photo when its
//! gallery.toml says `press = true`, or when its licence is one of
//! `[press] licenses` and it does not say `press = false`
//! ([`Photo::for_press`]); a photo whose rights ended never gets here (the
//! gallery's loader leaves it out).
//!
//! Each gallery a published page shows with at least one press photo is an
//! album. The library page of a language (`/presse/`, `/en/press/`) lists
//! the albums its pages show, each with a few thumbnails, its photo count
//! and its zip; an album's page (`/presse/tourisme-lac/`) lists its photos
//! with caption, credit, licence, end of rights and a high-resolution JPEG
//! download (`media::ImagePipeline::download`: full size up to 4000 pixels
//! on the longer side, no metadata). The zip of an album (one for every
//! language, beside the default language's album page) holds those JPEGs
//! and a CREDITS.txt, its entries sorted and dated 1980-01-01 so that two
//! builds give the same bytes.
//!
//! The pages show each file's size, known once the images are made: they
//! are rendered with marks ([`PressPage`]) and written by [`files`] after
//! the images stage, with the zips.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::Content;
use crate::content::gallery::{Gallery, Photo};
use crate::error::Diagnostic;
use crate::media::{Download, ImagePipeline, ResponsiveImage};
use crate::render::head::{Frame, Head};
use crate::render::jobs::{JobOutput, RenderInputs};
use crate::render::practical::fill;
use crate::render::routes;
use crate::render::views::NavItem;
use crate::theme::Strings;
use crate::theme::locale::NumberFormat;
use crate::url::absolute;

/// How many thumbnails the library page shows of each album.
const PREVIEWS: usize = 4;

/// Where a page says a file's size until the file is made:
/// `@@blason-press-size:NAME@@` (a download's name, or `zip:SLUG`).
const SIZE_MARK: &str = "@@blason-press-size:";
const MARK_END: &str = "@@";

/// The press library of the build.
#[derive(Debug, Default)]
pub struct PressLibrary {
    /// Language to the library's address in it, for the languages whose
    /// pages show at least one album.
    pub roots: BTreeMap<String, String>,
    pub albums: Vec<Album>,
}

/// The press photos of one gallery.
#[derive(Debug)]
pub struct Album {
    /// Its address segment: the gallery's folder under content/
    /// (`tourisme-lac`).
    pub slug: String,
    /// Language to the first page of that language showing the gallery
    /// (the album takes its title from it).
    pub pages: BTreeMap<String, usize>,
    /// The zip's path in the output.
    pub zip: String,
    pub photos: Vec<PressPhoto>,
}

/// A press photo, with its thumbnail and download asked for.
#[derive(Debug)]
pub struct PressPhoto {
    pub photo: Photo,
    /// The gallery's responsive variants (the thumbnail).
    pub image: ResponsiveImage,
    pub download: Download,
    /// Its name in the zip and when downloaded: `lac-aube.jpg`.
    pub file_name: String,
}

/// A press page waiting for the sizes of its files.
#[derive(Debug, Clone)]
pub struct PressPage {
    /// Path in the output.
    pub path: String,
    pub html: String,
    /// `{size} ko`, `{size} Mo` in the page's language.
    pub kilobytes: String,
    pub megabytes: String,
    pub numbers: NumberFormat,
}

impl PressLibrary {
    /// The library's address in `lang`, when it has one there.
    pub fn root(&self, lang: &str) -> Option<&str> {
        self.roots.get(lang).map(String::as_str)
    }

    /// The address of album `a`'s page in `lang`.
    pub fn album_path(&self, lang: &str, a: usize) -> Option<String> {
        Some(routes::press_album(self.root(lang)?, &self.albums[a].slug))
    }

    /// Every press page's address, for the sitemap.
    pub fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        for lang in self.roots.keys() {
            out.extend(self.root(lang).map(String::from));
            for (a, album) in self.albums.iter().enumerate() {
                if album.pages.contains_key(lang) {
                    out.extend(self.album_path(lang, a));
                }
            }
        }
        out
    }
}

/// The albums of the galleries pages show: `shown` lists (page, gallery
/// folder, gallery) for each gallery a page shows. Asks the image pipeline
/// for each press photo's thumbnail and download.
pub fn library(
    root: &Path,
    config: &Config,
    content: &Content,
    strings: &BTreeMap<String, Strings>,
    images: &ImagePipeline,
    shown: &[(usize, PathBuf, Gallery)],
) -> Result<PressLibrary, Vec<Diagnostic>> {
    let licenses = &config.press.licenses;
    let mut by_dir: BTreeMap<&Path, (BTreeMap<String, usize>, &Gallery)> = BTreeMap::new();
    for (page, dir, gallery) in shown {
        let p = &content.pages[*page];
        // A draft is not published yet, nor are its photos to the press.
        if p.fm.draft || !gallery.photos.iter().any(|ph| ph.for_press(licenses)) {
            continue;
        }
        let entry = by_dir
            .entry(dir.as_path())
            .or_insert_with(|| (BTreeMap::new(), gallery));
        let first = entry.0.entry(p.lang.clone()).or_insert(*page);
        *first = (*first).min(*page);
    }
    let root_of = |lang: &str| strings.get(lang).map(|s| routes::press(config, s, lang));
    let zip_root = root_of(&config.default_language).unwrap_or_else(|| "/press/".into());
    let mut albums = Vec::new();
    let mut errors = Vec::new();
    let mut slugs = BTreeSet::new();
    for (dir, (pages, gallery)) in by_dir {
        let slug = unique(album_slug(root, dir), &mut slugs);
        let mut names = BTreeSet::new();
        let mut photos = Vec::new();
        for photo in gallery.photos.iter().filter(|p| p.for_press(licenses)) {
            let stem = if photo.stem.is_empty() {
                "photo".to_string()
            } else {
                photo.stem.clone()
            };
            let file_name = format!("{}.jpg", unique(stem, &mut names));
            match (images.responsive(&photo.path), images.download(&photo.path)) {
                (Ok(image), Ok(download)) => photos.push(PressPhoto {
                    photo: photo.clone(),
                    image,
                    download,
                    file_name,
                }),
                (Err(e), _) | (_, Err(e)) => errors.push(e),
            }
        }
        let album_path = routes::press_album(&zip_root, &slug);
        albums.push(Album {
            zip: format!("{}{slug}.zip", album_path.trim_start_matches('/')),
            slug,
            pages,
            photos,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut roots = BTreeMap::new();
    for lang in config.all_languages() {
        if albums.iter().any(|a| a.pages.contains_key(lang))
            && let Some(path) = root_of(lang)
        {
            roots.insert(lang.to_string(), path);
        }
    }
    Ok(PressLibrary { roots, albums })
}

/// An album's slug: its folder under content/, each part slugified, joined
/// by `-` (`content/tourisme/lac` is `tourisme-lac`).
fn album_slug(root: &Path, dir: &Path) -> String {
    let content = root.join("content");
    let rel = dir
        .strip_prefix(&content)
        .or_else(|_| dir.strip_prefix(root))
        .unwrap_or(dir);
    let parts: Vec<String> = rel
        .components()
        .map(|c| crate::slug::slugify(&c.as_os_str().to_string_lossy()))
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        "photos".to_string()
    } else {
        parts.join("-")
    }
}

/// `name`, or `name-2`, `name-3`… when it is taken; then taken.
fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{name}-{n}");
    }
    taken.insert(candidate.clone());
    candidate
}

fn mark(key: &str) -> String {
    format!("{SIZE_MARK}{key}{MARK_END}")
}

/// The words of `lang` for the press pages, with their fallbacks.
struct Words<'a> {
    inputs: &'a RenderInputs<'a>,
    lang: &'a str,
}

impl Words<'_> {
    fn get(&self, key: &str, fallback: &str) -> String {
        self.inputs
            .string(self.lang, key)
            .unwrap_or_else(|| fallback.to_string())
    }

    fn fill(&self, key: &str, fallback: &str, values: &[(&str, &str)]) -> String {
        fill(&self.get(key, fallback), values)
    }

    fn count(&self, n: usize) -> String {
        self.inputs
            .strings_of(self.lang)
            .and_then(|s| s.counted("press_photo_count", n as f64, None))
            .unwrap_or_else(|| format!("{n} photos"))
    }

    fn date(&self, date: jiff::civil::Date) -> String {
        self.inputs
            .strings_of(self.lang)
            .map_or_else(|| date.to_string(), |s| s.format_date(date))
    }
}

/// The album's title in `lang`: its page's.
fn album_title<'a>(inputs: &RenderInputs<'a>, album: &Album, lang: &str) -> &'a str {
    album
        .pages
        .get(lang)
        .map_or("", |&i| inputs.content().pages[i].title())
}

/// The library's frame in `lang`: its head (breadcrumb from home) and the
/// translations of the page at `path_in(lang)`.
fn frame<'a>(
    inputs: &RenderInputs<'a>,
    lang: &str,
    template: &str,
    title: String,
    path: String,
    extra_crumb: Option<NavItem>,
    path_in: impl Fn(&str) -> Option<String>,
) -> Frame<'a> {
    let base = inputs.config().base();
    let view = inputs.views.index(
        "press",
        "press",
        title.clone(),
        path.clone(),
        lang,
        Vec::new(),
    );
    let mut head = Head::new(title.clone());
    head.crumbs = view.ancestors.clone();
    head.crumbs.extend(extra_crumb);
    head.here = Some(title);
    let mut frame = Frame::new(lang, template, path).head(head);
    frame.translations = inputs
        .config()
        .all_languages()
        .into_iter()
        .filter_map(|l| {
            path_in(l).map(|p| crate::render::views::TranslationView {
                lang: l.to_string(),
                permalink: absolute(base, &p),
                current: l == lang,
            })
        })
        .collect();
    frame
}

/// Renders `frame` and keeps its HTML back until its files' sizes are known.
fn pending(frame: Frame<'_>, inputs: &RenderInputs<'_>) -> Result<JobOutput, Diagnostic> {
    let lang = frame.lang.clone();
    let page_file = crate::output::file_for(&frame.path);
    let mut out = crate::render::head::finish(frame, inputs)?;
    let words = Words {
        inputs,
        lang: &lang,
    };
    if let Some(k) = out.files.iter().position(|(p, _)| *p == page_file) {
        let (path, bytes) = out.files.remove(k);
        out.press = Some(PressPage {
            path,
            html: String::from_utf8_lossy(&bytes).into_owned(),
            kilobytes: words.get("press_size_kb", "{size} kB"),
            megabytes: words.get("press_size_mb", "{size} MB"),
            numbers: inputs
                .strings_of(&lang)
                .map(|s| s.numbers.clone())
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The library page of `lang`: its albums.
pub(crate) fn library_page(inputs: &RenderInputs<'_>, lang: &str) -> Result<JobOutput, Diagnostic> {
    let press = inputs.press;
    let config = inputs.config();
    let base = config.base();
    let Some(root) = press.root(lang) else {
        return Ok(JobOutput::default());
    };
    let words = Words { inputs, lang };
    let title = words.get("press_title", "Press library");
    let albums: Vec<serde_json::Value> = press
        .albums
        .iter()
        .enumerate()
        .filter(|(_, a)| a.pages.contains_key(lang))
        .map(|(i, a)| {
            let previews: Vec<serde_json::Value> = a
                .photos
                .iter()
                .take(PREVIEWS)
                .map(|p| {
                    serde_json::json!({
                        "alt": p.photo.alt_in(lang),
                        "image": p.image,
                    })
                })
                .collect();
            serde_json::json!({
                "title": album_title(inputs, a, lang),
                "permalink": absolute(base, &press.album_path(lang, i).unwrap_or_default()),
                "count": words.count(a.photos.len()),
                "previews": previews,
                "zip": absolute(base, &format!("/{}", a.zip)),
                "zip_name": format!("{}.zip", a.slug),
                "zip_size": mark(&format!("zip:{}", a.slug)),
            })
        })
        .collect();
    let mut frame = frame(
        inputs,
        lang,
        "press.html",
        title.clone(),
        root.to_string(),
        None,
        |l| press.root(l).map(String::from),
    );
    if let Some(head) = &mut frame.head {
        head.description = Some(words.get(
            "press_intro",
            "Photos of the territory free for press use: credit each as shown.",
        ));
    }
    frame.ctx.insert(
        "press",
        &serde_json::json!({
            "title": title,
            "contact": config.press.contact,
            "albums": albums,
        }),
    );
    pending(frame, inputs)
}

/// Album `a`'s page in `lang`: each photo with its rights and download.
pub(crate) fn album_page(
    inputs: &RenderInputs<'_>,
    lang: &str,
    a: usize,
) -> Result<JobOutput, Diagnostic> {
    let press = inputs.press;
    let config = inputs.config();
    let base = config.base();
    let album = &press.albums[a];
    let (Some(root), Some(path)) = (press.root(lang), press.album_path(lang, a)) else {
        return Ok(JobOutput::default());
    };
    let words = Words { inputs, lang };
    let library_title = words.get("press_title", "Press library");
    let title = album_title(inputs, album, lang).to_string();
    let today = inputs.views.today;
    let photos: Vec<serde_json::Value> = album
        .photos
        .iter()
        .map(|p| {
            let d = &p.download;
            let rights = match p.photo.until {
                Some(until) => words.fill(
                    "press_rights_until",
                    "until {date}",
                    &[("date", &words.date(until))],
                ),
                None => words.get("press_rights_open", "No end date"),
            };
            let ending_soon = p.photo.until.is_some_and(|u| {
                today
                    .checked_add(
                        jiff::Span::new().days(crate::content::frontmatter::RIGHTS_NOTICE_DAYS),
                    )
                    .is_ok_and(|soon| u <= soon)
            });
            serde_json::json!({
                "alt": p.photo.alt_in(lang),
                "caption": p.photo.caption_in(lang),
                "credit": p.photo.credit,
                "license": p.photo.license,
                "rights": rights,
                "ending_soon": ending_soon,
                "image": p.image,
                "download": {
                    "url": d.url,
                    "name": p.file_name,
                    "width": d.width,
                    "height": d.height,
                    "size": mark(&d.name),
                },
            })
        })
        .collect();
    let page = album.pages.get(lang).map(|&i| {
        let p = &inputs.content().pages[i];
        serde_json::json!({ "title": p.title(), "permalink": absolute(base, &p.path) })
    });
    let crumb = NavItem {
        key: "press".into(),
        title: library_title.clone(),
        permalink: absolute(base, root),
        path: root.to_string(),
        lang: None,
    };
    let mut frame = frame(
        inputs,
        lang,
        "press_album.html",
        title.clone(),
        path,
        Some(crumb),
        |l| {
            album
                .pages
                .contains_key(l)
                .then(|| press.album_path(l, a))
                .flatten()
        },
    );
    if let Some(head) = &mut frame.head {
        head.title = words.fill(
            "press_album_title",
            "{title} — press photos",
            &[("title", &title)],
        );
        head.description = Some(words.fill(
            "press_album_description",
            "“{title}”: {count} for the press, with credit, licence and end of rights.",
            &[
                ("count", &words.count(album.photos.len())),
                ("title", &title),
            ],
        ));
    }
    frame.ctx.insert(
        "album",
        &serde_json::json!({
            "title": title,
            "library": absolute(base, root),
            "library_title": library_title,
            "page": page,
            "count": words.count(album.photos.len()),
            "contact": config.press.contact,
            "photos": photos,
            "zip": absolute(base, &format!("/{}", album.zip)),
            "zip_name": format!("{}.zip", album.slug),
            "zip_size": mark(&format!("zip:{}", album.slug)),
        }),
    );
    pending(frame, inputs)
}

/// The zips of the albums and the press pages with their files' sizes,
/// once the images are made: path in the output and bytes of each.
pub fn files(
    library: &PressLibrary,
    pages: &[PressPage],
    images: &ImagePipeline,
    content: &Content,
    default_language: &str,
) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let mut errors = Vec::new();
    for album in &library.albums {
        let mut entries = Vec::new();
        for p in &album.photos {
            let file = images.cached_file(&p.download.name);
            match std::fs::read(&file) {
                Ok(bytes) => {
                    sizes.insert(p.download.name.clone(), bytes.len() as u64);
                    entries.push((p.file_name.clone(), bytes));
                }
                Err(e) => errors.push(Diagnostic::io(
                    &file,
                    file.parent().unwrap_or(&file),
                    "read a press download from the image cache",
                    &e,
                )),
            }
        }
        let title = album
            .pages
            .get(default_language)
            .or_else(|| album.pages.values().next())
            .map_or("", |&i| content.pages[i].title());
        entries.push(("CREDITS.txt".into(), credits(title, album).into_bytes()));
        match zip(&mut entries) {
            Ok(bytes) => {
                sizes.insert(format!("zip:{}", album.slug), bytes.len() as u64);
                out.push((album.zip.clone(), bytes));
            }
            Err(e) => errors.push(
                Diagnostic::error(
                    "press",
                    format!("the press zip `{}` cannot be written: {e}", album.zip),
                )
                .help("this is a bug in blason: please report it with the site"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for page in pages {
        out.push((page.path.clone(), with_sizes(page, &sizes).into_bytes()));
    }
    Ok(out)
}

/// The page's HTML with each mark replaced by its file's size.
fn with_sizes(page: &PressPage, sizes: &HashMap<String, u64>) -> String {
    let mut html = String::with_capacity(page.html.len());
    let mut rest = page.html.as_str();
    while let Some(start) = rest.find(SIZE_MARK) {
        html.push_str(&rest[..start]);
        let after = &rest[start + SIZE_MARK.len()..];
        let Some(end) = after.find(MARK_END) else {
            html.push_str(&rest[start..]);
            return html;
        };
        let size = sizes.get(&after[..end]).copied().unwrap_or(0);
        html.push_str(&crate::xml::escape(&size_words(size, page)));
        rest = &after[end + MARK_END.len()..];
    }
    html.push_str(rest);
    html
}

/// A file's size as the page's language writes it: whole kilobytes under a
/// megabyte, else megabytes with one decimal.
fn size_words(bytes: u64, page: &PressPage) -> String {
    if bytes < 1_000_000 {
        let kb = (bytes as f64 / 1000.0).ceil().max(1.0);
        fill(
            &page.kilobytes,
            &[("size", &page.numbers.format(kb, None).0)],
        )
    } else {
        let mb = bytes as f64 / 1_000_000.0;
        fill(
            &page.megabytes,
            &[("size", &page.numbers.format(mb, Some(1)).0)],
        )
    }
}

/// CREDITS.txt: each file's credit, licence and end of rights.
fn credits(title: &str, album: &Album) -> String {
    let mut text = format!(
        "{title}\nPress photos: credit each photo as written below, and do not use it after its end of rights.\n"
    );
    for p in &album.photos {
        let ph = &p.photo;
        text.push_str(&format!("\n{}\n", p.file_name));
        match ph.caption.as_deref() {
            Some(c) => text.push_str(&format!("  Caption: {c}\n")),
            None => text.push_str(&format!("  Description: {}\n", ph.alt)),
        }
        text.push_str(&format!(
            "  Credit: {}\n  Licence: {}\n  Rights until: {}\n  Size: {} x {} pixels\n",
            ph.credit.as_deref().unwrap_or("(none given)"),
            ph.license.as_deref().unwrap_or("(none given)"),
            ph.until
                .map_or("no end date".to_string(), |d| d.to_string()),
            p.download.width,
            p.download.height,
        ));
    }
    text
}

/// A zip of `entries`, sorted by name, stored (JPEGs do not compress),
/// every entry dated 1980-01-01: the same entries give the same bytes.
fn zip(entries: &mut [(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries.iter() {
        zip.start_file(name.as_str(), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    zip.finish()
        .map(|c| c.into_inner())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn album_slugs_are_their_folder_and_never_twice_the_same() {
        let root = Path::new("/site");
        assert_eq!(
            album_slug(root, Path::new("/site/content/tourisme/Lac d'Orbière")),
            "tourisme-lac-d-orbiere"
        );
        assert_eq!(album_slug(root, Path::new("/site/content")), "photos");
        let mut taken = BTreeSet::new();
        assert_eq!(unique("lac".into(), &mut taken), "lac");
        assert_eq!(unique("lac".into(), &mut taken), "lac-2");
        assert_eq!(unique("lac".into(), &mut taken), "lac-3");
    }

    #[test]
    fn sizes_replace_their_marks_in_the_language_of_the_page() {
        let page = PressPage {
            path: "presse/index.html".into(),
            html: format!(
                "<p>{}</p><p>{}</p><p>{}</p>",
                mark("a.jpg"),
                mark("zip:lac"),
                mark("absent")
            ),
            kilobytes: "{size} ko".into(),
            megabytes: "{size} Mo".into(),
            numbers: NumberFormat::default(),
        };
        let sizes = HashMap::from([
            ("a.jpg".to_string(), 1_500),
            ("zip:lac".to_string(), 2_340_000),
        ]);
        let html = with_sizes(&page, &sizes);
        assert!(html.starts_with("<p>2 ko</p><p>2"), "{html}");
        assert!(html.contains(" Mo</p>"), "{html}");
        assert!(!html.contains("@@"), "{html}");
    }

    #[test]
    fn the_same_entries_make_the_same_zip_in_name_order() {
        let mut a = vec![
            ("b.jpg".to_string(), vec![1, 2, 3]),
            ("CREDITS.txt".to_string(), b"x".to_vec()),
            ("a.jpg".to_string(), vec![4]),
        ];
        let mut b = a.clone();
        b.reverse();
        let (za, zb) = (zip(&mut a).unwrap(), zip(&mut b).unwrap());
        assert_eq!(za, zb);
        let archive = zip::ZipArchive::new(std::io::Cursor::new(za)).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names, ["CREDITS.txt", "a.jpg", "b.jpg"]);
    }
}
