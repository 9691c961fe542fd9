//! Shortcodes as markdown asks for them: the site's and the theme's templates
//! under `shortcodes/`, and the built-in data of `gallery()`.
//!
//! `{{ gallery(dir="photos", layout="square") }}` reads the folder's
//! `gallery.toml` (once per folder for the whole build), asks the image
//! pipeline for each photo's variants and thumbnail crop, hands them to the
//! `shortcodes/gallery.html` template as `photos`, and records that the page
//! shows this gallery, so that each photo gets its page
//! (`<page-url>photos/<file-stem>/`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tera::Context;

use crate::content::Content;
use crate::content::gallery::{self, Gallery, Photo};
use crate::error::{Diagnostic, display_path};
use crate::markdown::shortcode::Call;
use crate::markdown::{RenderContext, ShortcodeError};
use crate::media::{Crop, ImagePipeline};
use crate::render::Renderer;
use crate::render::community::CommunityViews;
use crate::render::views::{PhotoPages, PhotoView};
use crate::url::absolute;

/// Thumbnail widths of gallery grids: a thumbnail is half a phone's
/// column (320 at 1.75x on a 412-pixel screen, where 480 was half again
/// too many bytes), and at most 15.6rem on a wide screen (640 at 2x, 960
/// at 3x). See the `gallery` layout in crate::media::sizes.
const THUMB_WIDTHS: [u32; 3] = [320, 640, 960];

/// The galleries of the build: loaded once per folder, and who shows them.
pub struct GalleryStore {
    root: PathBuf,
    languages: Vec<String>,
    clock: crate::clock::Clock,
    tz: jiff::tz::TimeZone,
    loaded: Mutex<HashMap<PathBuf, Result<Gallery, Vec<Diagnostic>>>>,
    pub warnings: Mutex<Vec<Diagnostic>>,
    /// (page index, gallery folder) pairs: each photo of those gets a page.
    pub uses: Mutex<BTreeSet<(usize, PathBuf)>>,
    /// Images written in markdown or named by a shortcode (video posters),
    /// published as variants only.
    inline: Mutex<BTreeSet<PathBuf>>,
    /// Files a shortcode names that are published as they are (a video of
    /// the site, its captions): used, though no markdown link names them.
    named: Mutex<BTreeSet<PathBuf>>,
}

impl GalleryStore {
    pub fn new(
        root: &Path,
        languages: Vec<String>,
        clock: crate::clock::Clock,
        tz: jiff::tz::TimeZone,
    ) -> GalleryStore {
        GalleryStore {
            root: root.to_path_buf(),
            languages,
            clock,
            tz,
            loaded: Mutex::new(HashMap::new()),
            warnings: Mutex::new(Vec::new()),
            uses: Mutex::new(BTreeSet::new()),
            named: Mutex::new(BTreeSet::new()),
            inline: Mutex::new(BTreeSet::new()),
        }
    }

    /// Every file that a loaded gallery names, and the gallery.toml files:
    /// they are published as processed variants only.
    pub fn owned_files(&self) -> std::collections::HashSet<PathBuf> {
        let loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: std::collections::HashSet<PathBuf> = self
            .inline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect();
        for (dir, g) in loaded.iter() {
            out.insert(dir.join("gallery.toml"));
            if let Ok(g) = g {
                out.extend(g.listed.iter().cloned());
            }
        }
        out
    }

    /// Files shortcodes named and that are published as they are.
    pub fn named_files(&self) -> Vec<PathBuf> {
        self.named
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// The gallery of `dir` (its gallery.toml), loaded once.
    pub fn get(&self, dir: &Path) -> Result<Gallery, Vec<Diagnostic>> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(g) = loaded.get(dir) {
            return g.clone();
        }
        let langs: Vec<&str> = self.languages.iter().map(String::as_str).collect();
        let result = gallery::load(&self.root, dir, &langs, &self.clock, &self.tz).map(|(g, w)| {
            self.warnings
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(w);
            g
        });
        loaded.insert(dir.to_path_buf(), result.clone());
        result
    }
}

/// The photo views of a gallery shown on the page at `page_path`; `layout`
/// chooses the thumbnail (`square`, `portrait`, `mosaic`; anything else: none).
pub fn photo_views(
    images: &ImagePipeline,
    base: &str,
    page_path: &str,
    lang: &str,
    photos: &[Photo],
    layout: &str,
) -> Result<Vec<PhotoView>, Diagnostic> {
    photos
        .iter()
        .map(|p| {
            let full = images.responsive(&p.path)?;
            let thumb = match layout {
                "square" => images.cropped(
                    &p.path,
                    Crop {
                        ratio: (1, 1),
                        focus: p.focus,
                    },
                    &THUMB_WIDTHS,
                )?,
                "portrait" => images.cropped(
                    &p.path,
                    Crop {
                        ratio: (4, 5),
                        focus: p.focus,
                    },
                    &THUMB_WIDTHS,
                )?,
                "mosaic" => images.uncropped(&p.path, &THUMB_WIDTHS)?,
                _ => full.clone(),
            };
            Ok(PhotoView {
                stem: p.stem.clone(),
                alt: p.alt_in(lang).to_string(),
                caption: p.caption_in(lang).map(String::from),
                credit: p.credit.clone(),
                license: p.license.clone(),
                permalink: absolute(base, &format!("{page_path}photos/{}/", p.stem)),
                full,
                thumb,
                source: p.path.clone(),
                focus: p.focus,
            })
        })
        .collect()
}

/// Shortcodes for markdown, for one page or section.
#[derive(Clone, Copy)]
pub struct Shortcodes<'a> {
    pub renderer: &'a Renderer,
    pub base: &'a str,
    pub content: &'a Content,
    pub images: &'a ImagePipeline,
    pub galleries: &'a GalleryStore,
    pub community: &'a CommunityViews,
    pub lang: &'a str,
    /// The page being rendered (None for sections).
    pub page: Option<usize>,
    pub dir: &'a Path,
    pub path: &'a str,
}

impl Shortcodes<'_> {
    fn gallery(&self, call: &Call, ctx: &mut Context) -> Result<(), Diagnostic> {
        let root = &self.galleries.root;
        let written = call.args.get("dir").and_then(|v| v.as_str()).unwrap_or(".");
        let dir = crate::paths::resolve_content_path(root, self.dir, written).map_err(|why| {
            Diagnostic::error(
                "path-outside-site",
                format!("gallery(dir=\"{written}\"): the folder {why}"),
            )
        })?;
        if !dir.join("gallery.toml").is_file() {
            return Err(Diagnostic::error("missing-file", format!("gallery(): there is no gallery.toml in `{}`", display_path(&dir, root)))
                .help("list the photos in a gallery.toml beside them: [[photo]] file = \"aube.jpg\" alt = \"...\""));
        }
        let layout = call
            .args
            .get("layout")
            .and_then(|v| v.as_str())
            .unwrap_or("square");
        if !matches!(layout, "square" | "portrait" | "mosaic") {
            return Err(Diagnostic::error(
                "shortcode",
                format!("gallery(layout=\"{layout}\") is not a layout"),
            )
            .help("use \"square\", \"portrait\" or \"mosaic\""));
        }
        let gallery = self.galleries.get(&dir).map_err(|mut errs| {
            let first = errs.remove(0);
            errs.into_iter().fold(first, |d, e| d.cause(e))
        })?;
        let photos = photo_views(
            self.images,
            self.base,
            self.path,
            self.lang,
            &gallery.photos,
            layout,
        )?;
        if let Some(page) = self.page {
            self.galleries
                .uses
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert((page, dir));
        }
        ctx.insert("photos", &photos);
        ctx.insert("layout", layout);
        Ok(())
    }
}

/// A video provider of `{{ video() }}`: its name, player and page addresses.
struct VideoProvider {
    name: &'static str,
    embed: String,
    watch: String,
}

fn video_provider(
    provider: &str,
    id: &str,
    host: Option<&str>,
) -> Result<VideoProvider, Diagnostic> {
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        return Err(Diagnostic::error(
            "shortcode",
            format!("video(id=\"{id}\") is not a video id"),
        )
        .help("give the id only, as in the video's address (letters, digits, - and _), not the whole URL"));
    }
    Ok(match provider {
        "youtube" => VideoProvider {
            name: "YouTube",
            embed: format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
            watch: format!("https://www.youtube.com/watch?v={id}"),
        },
        "vimeo" => VideoProvider {
            name: "Vimeo",
            embed: format!("https://player.vimeo.com/video/{id}?autoplay=1&dnt=1"),
            watch: format!("https://vimeo.com/{id}"),
        },
        "dailymotion" => VideoProvider {
            name: "Dailymotion",
            embed: format!("https://www.dailymotion.com/embed/video/{id}?autoplay=1"),
            watch: format!("https://www.dailymotion.com/video/{id}"),
        },
        "peertube" => {
            let written = host.unwrap_or("");
            let host = crate::url::https_host(&format!("https://{written}/")).ok_or_else(|| {
                Diagnostic::error(
                    "shortcode",
                    format!("video(provider=\"peertube\") needs the instance: host=\"{written}\" is not one"),
                )
                .help("add host=\"video.example.org\", the PeerTube server the video is on")
            })?;
            VideoProvider {
                name: "PeerTube",
                embed: format!("https://{host}/videos/embed/{id}?autoplay=1"),
                watch: format!("https://{host}/w/{id}"),
            }
        }
        other => {
            return Err(Diagnostic::error(
                "shortcode",
                format!("video(provider=\"{other}\") is not a provider blason knows"),
            )
            .help("use \"youtube\", \"vimeo\", \"peertube\" or \"dailymotion\""));
        }
    })
}

impl Shortcodes<'_> {
    /// `{{ community(tag="lac", limit=6, layout="wall") }}`: the newest posts.
    fn community_wall(&self, call: &Call, ctx: &mut Context) -> Result<(), Diagnostic> {
        let tag = call.args.get("tag").and_then(|v| v.as_str());
        let limit = match call.args.get("limit") {
            None => 6,
            Some(v) => v.as_u64().filter(|&n| n > 0).ok_or_else(|| {
                Diagnostic::error(
                    "shortcode",
                    "community(limit=...) must be a whole number above 0",
                )
            })? as usize,
        };
        let layout = call
            .args
            .get("layout")
            .and_then(|v| v.as_str())
            .unwrap_or("wall");
        if !matches!(layout, "wall" | "carousel") {
            return Err(Diagnostic::error(
                "shortcode",
                format!("community(layout=\"{layout}\") is not a layout"),
            )
            .help("use \"wall\" or \"carousel\""));
        }
        ctx.insert_value("posts", self.community.select(tag, Some(limit)));
        ctx.insert("layout", layout);
        ctx.insert("tag", &tag);
        Ok(())
    }

    /// `{{ video(provider="youtube", id="...", poster="...", title="...") }}`:
    /// a local poster; the player only after a click. `src="clip.mp4"`
    /// instead of a provider: a video of the site, played by the browser,
    /// with `captions="clip.fr.vtt"` (WebVTT) as its captions track. Either
    /// may have `transcript="clip.transcript.md"`, shown below the video.
    fn video(&self, call: &Call, ctx: &mut Context) -> Result<(), Diagnostic> {
        let arg = |k: &str| call.args.get(k).and_then(|v| v.as_str());
        let title = arg("title").map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
            Diagnostic::error("shortcode", "video() needs a title: it names the player for screen readers and on the play button")
        })?;
        let written = arg("poster").ok_or_else(|| {
            Diagnostic::error(
                "shortcode",
                "video() needs a poster: a local image shown until the visitor plays the video",
            )
            .help("save a still of the video beside the page and add poster=\"still.jpg\"")
        })?;
        let path = self.beside("poster", written)?;
        match arg("src") {
            Some(src) => {
                if arg("provider").is_some() || arg("id").is_some() {
                    return Err(Diagnostic::error(
                        "shortcode",
                        "video() takes either src=\"...\" (a video file of the site) or provider and id (a video on a platform), not both",
                    ));
                }
                self.local_video(src, arg("captions"), ctx)?;
            }
            None => {
                let provider = video_provider(
                    arg("provider").unwrap_or(""),
                    arg("id").unwrap_or(""),
                    arg("host"),
                )?;
                if let Some(captions) = arg("captions") {
                    return Err(Diagnostic::error(
                        "shortcode",
                        format!("video(captions=\"{captions}\"): captions are added to a video of the site (src=\"...\"); {}'s player shows the captions uploaded to it", provider.name),
                    )
                    .help("upload the WebVTT file beside the video on the platform, or publish the video file with the site and write src=\"video.mp4\" (docs/content.md)"));
                }
                ctx.insert("provider_name", provider.name);
                ctx.insert("embed", &provider.embed);
                ctx.insert("watch", &provider.watch);
            }
        }
        if let Some(written) = arg("transcript") {
            let file = self.beside("transcript", written)?;
            if !crate::content::is_transcript(written) {
                return Err(Diagnostic::error(
                    "shortcode",
                    format!("video(transcript=\"{written}\"): a transcript's file name ends in .transcript.md"),
                )
                .help("name it e.g. video.transcript.md (video.transcript.en.md for an English page): blason then reads it as the transcript, not as a page"));
            }
            let text = std::fs::read_to_string(&file).map_err(|e| {
                if e.kind() == std::io::ErrorKind::InvalidData {
                    Diagnostic::error(
                        "encoding",
                        format!("video(transcript=\"{written}\"): the file is not UTF-8 text"),
                    )
                    .help("save it again as plain text in UTF-8 from your editor")
                } else {
                    Diagnostic::error(
                        "io",
                        format!("video(transcript=\"{written}\"): the file cannot be read: {e}"),
                    )
                }
            })?;
            if text.trim().is_empty() {
                return Err(Diagnostic::error(
                    "shortcode",
                    format!("video(transcript=\"{written}\"): the transcript is empty"),
                ));
            }
            self.galleries
                .inline
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(file);
            ctx.insert("transcript", &text);
        }
        let poster = self.images.responsive(&path)?;
        self.galleries
            .inline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path);
        ctx.insert("poster", &poster);
        ctx.insert("title", title);
        Ok(())
    }

    /// A file `video(NAME="...")` names, beside the page: it must exist.
    fn beside(&self, name: &str, written: &str) -> Result<PathBuf, Diagnostic> {
        let root = &self.galleries.root;
        let path = crate::paths::resolve_content_path(root, self.dir, written).map_err(|why| {
            Diagnostic::error(
                "path-outside-site",
                format!("video({name}=\"{written}\") {why}"),
            )
        })?;
        if !path.is_file() {
            return Err(Diagnostic::error(
                "missing-file",
                format!("video(): the {name} `{written}` does not exist"),
            )
            .help("a bare name is looked for beside the markdown file"));
        }
        Ok(path)
    }

    /// The address a file beside the page is published at: bundle and
    /// section files are copied beside their page (`assets`).
    fn published(&self, file: &Path) -> Option<String> {
        let rel = file.strip_prefix(self.dir).ok()?;
        let at = match self.page.map(|i| &self.content.pages[i]) {
            Some(p) if !p.bundle => self.content.sections.get(p.section)?.path.as_str(),
            _ => self.path,
        };
        // Each segment of the file's name encoded: `Lac #1.mp4` is
        // `Lac%20%231.mp4` in an address.
        let rel: Vec<String> = rel
            .components()
            .map(|c| crate::url::encode(&c.as_os_str().to_string_lossy()))
            .collect();
        Some(absolute(self.base, &format!("{at}{}", rel.join("/"))))
    }

    /// `src` and `captions` of a video of the site.
    fn local_video(
        &self,
        src: &str,
        captions: Option<&str>,
        ctx: &mut Context,
    ) -> Result<(), Diagnostic> {
        let file = self.beside("src", src)?;
        let lower = src.to_ascii_lowercase();
        let mime = [
            (".mp4", "video/mp4"),
            (".webm", "video/webm"),
            (".ogv", "video/ogg"),
        ]
        .into_iter()
        .find(|(e, _)| lower.ends_with(e))
        .map(|(_, m)| m)
        .ok_or_else(|| {
            Diagnostic::error(
                "shortcode",
                format!("video(src=\"{src}\") is not a video file browsers play"),
            )
            .help("publish the video as .mp4 (H.264) or .webm")
        })?;
        let url = self.published(&file).ok_or_else(|| {
            Diagnostic::error(
                "shortcode",
                format!("video(src=\"{src}\"): the file is not in the page's folder"),
            )
            .help("put the video beside the page's markdown file")
        })?;
        ctx.insert("src", &url);
        ctx.insert("mime", mime);
        let mut named = vec![file];
        if let Some(written) = captions {
            let vtt = self.beside("captions", written)?;
            check_webvtt(&vtt, written)?;
            // `video.en.vtt` is in English; a name without a language is in the page's.
            let stem = written.trim_end_matches(".vtt");
            let srclang = stem
                .rsplit_once('.')
                .map(|(_, l)| l)
                .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()))
                .unwrap_or(self.lang);
            let url = self.published(&vtt).ok_or_else(|| {
                Diagnostic::error(
                    "shortcode",
                    format!("video(captions=\"{written}\"): the file is not in the page's folder"),
                )
            })?;
            ctx.insert("captions", &url);
            named.push(vtt);
            ctx.insert("captions_lang", srclang);
            ctx.insert(
                "captions_label",
                &crate::render::views::language_name(srclang),
            );
        }
        self.galleries
            .named
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(named);
        Ok(())
    }
}

/// A WebVTT file starts with `WEBVTT` (after an optional byte order mark),
/// then a space, a tab or the end of the line.
fn check_webvtt(path: &Path, written: &str) -> Result<(), Diagnostic> {
    let mut head = [0u8; 16];
    // A file that cannot be read (a folder, no permission) says why, not
    // that it is not WebVTT.
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(|e| {
            Diagnostic::error(
                "shortcode",
                format!("video(captions=\"{written}\") cannot be read: {e}"),
            )
            .help("check the captions file: it must be a file the build can read, beside the page")
        })?;
    let head = &head[..n];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let ok = head.starts_with(b"WEBVTT")
        && matches!(head.get(6), None | Some(b' ' | b'\t' | b'\n' | b'\r'));
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "shortcode",
            format!("video(captions=\"{written}\") is not a WebVTT file: it does not start with WEBVTT"),
        )
        .help("save the captions as WebVTT (.vtt); an .srt file becomes one by adding a first line WEBVTT and writing 00:00:01.000 for 00:00:01,000"))
    }
}

impl RenderContext for Shortcodes<'_> {
    fn image(&self, src: &str, alt: &str) -> Option<Result<String, Diagnostic>> {
        let lower = src.to_ascii_lowercase();
        let raster = [".jpg", ".jpeg", ".png", ".webp"]
            .iter()
            .any(|e| lower.ends_with(e));
        if !raster || src.contains(':') || src.starts_with('/') || src.starts_with('#') {
            return None;
        }
        // `vue%20du%20col.jpg` is the file `vue du col.jpg`: through the
        // pipeline like any other spelling, never published as it is.
        let decoded = crate::url::decode(src);
        let src = decoded.as_deref().unwrap_or(src);
        let path = crate::paths::resolve_content_path(&self.galleries.root, self.dir, src).ok()?;
        if !path.is_file() {
            return None; // the pipeline reports missing images with their line
        }
        Some(self.images.responsive(&path).map(|img| {
            self.galleries.inline.lock().unwrap_or_else(|p| p.into_inner()).insert(path);
            let esc = |t: &str| {
                let mut out = String::new();
                let _ = pulldown_cmark_escape::escape_html(&mut out, t);
                out
            };
            let mut html = String::from("<picture>");
            let sizes = crate::media::sizes::for_layout("inline").unwrap_or("100vw");
            for s in &img.sources {
                html.push_str(&format!(
                    "<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">",
                    s.mime,
                    esc(&s.srcset)
                ));
            }
            html.push_str(&format!(
                "<img class=\"{}\" src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\" decoding=\"async\"></picture>",
                img.placeholder,
                esc(&img.fallback.url),
                esc(alt),
                img.width,
                img.height
            ));
            html
        }))
    }

    fn resolve_link(&self, content_path: &str) -> Option<String> {
        let p = content_path.trim_start_matches('/');
        self.content
            .links
            .get(p)
            .map(|path| absolute(self.base, path))
    }

    fn shortcode(&self, call: &Call) -> Result<String, ShortcodeError> {
        let name = format!("shortcodes/{}.html", call.name);
        if !self.renderer.has_template(&name) {
            return Err(ShortcodeError::Unknown {
                known: self.renderer.shortcodes().to_vec(),
            });
        }
        let mut ctx = Context::new();
        for (k, v) in &call.args {
            ctx.insert(k.clone(), v);
        }
        if let Some(body) = &call.body {
            ctx.insert("body", body);
        }
        ctx.insert("lang", self.lang);
        match call.name.as_str() {
            "gallery" => self.gallery(call, &mut ctx),
            "community" => self.community_wall(call, &mut ctx),
            "video" => self.video(call, &mut ctx),
            _ => Ok(()),
        }
        .map_err(ShortcodeError::Failed)?;
        self.renderer
            .render(self.lang, &name, &ctx, None)
            .map(|html| html.trim().to_string())
            .map_err(ShortcodeError::Failed)
    }
}

/// Every photo page: the photos of each gallery a page shows, in order.
pub fn photo_pages(
    galleries: &GalleryStore,
    images: &ImagePipeline,
    content: &Content,
    base: &str,
) -> Result<Vec<PhotoPages>, Vec<Diagnostic>> {
    let uses = galleries
        .uses
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut by_page: std::collections::BTreeMap<usize, Vec<PhotoView>> =
        std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for (page, dir) in uses {
        let p = &content.pages[page];
        match galleries.get(&dir) {
            Ok(g) => match photo_views(images, base, &p.path, &p.lang, &g.photos, "page") {
                Ok(views) => {
                    let list = by_page.entry(page).or_default();
                    for v in views {
                        if !list.iter().any(|x| x.stem == v.stem) {
                            list.push(v);
                        }
                    }
                }
                Err(d) => errors.push(d.file(p.file.rel.clone())),
            },
            Err(ds) => errors.extend(ds),
        }
    }
    if errors.is_empty() {
        Ok(by_page
            .into_iter()
            .map(|(page, photos)| PhotoPages { page, photos })
            .collect())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::check_webvtt;

    #[test]
    fn captions_are_webvtt_by_their_first_line_and_a_file_not_read_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let vtt = dir.path().join("a.vtt");
        for (text, ok) in [
            ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour\n", true),
            ("\u{feff}WEBVTT - sous-titres\n", true),
            ("WEBVTT", true),
            ("WEBVTTX\n", false),
            ("1\n00:00:01,000 --> 00:00:02,000\nBonjour\n", false),
            ("", false),
        ] {
            std::fs::write(&vtt, text).unwrap();
            let r = check_webvtt(&vtt, "a.vtt");
            assert_eq!(r.is_ok(), ok, "{text:?}");
            if let Err(d) = r {
                assert!(d.message.contains("is not a WebVTT file"), "{}", d.message);
            }
        }
        // A folder opens on Linux and cannot be read: the error says so.
        let d = check_webvtt(dir.path(), "a.vtt").unwrap_err();
        assert!(
            d.message.contains("cannot be read") && !d.message.contains("WebVTT"),
            "{}",
            d.message
        );
    }
}
