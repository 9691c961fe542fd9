//! The site's own files beside its pages: the brand's logo and font
//! (checked, published at their path, handed to the card studio with the
//! theme's card templates and fonts), `static/` and the theme's static
//! files, and the files of page bundles and sections that are not published
//! as processed images.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::Content;
use crate::error::{Diagnostic, Error, display_path};
use crate::media::ResponsiveImage;
use crate::media::card::{CardAssets, CardStudio};
use crate::output::Sink;
use crate::theme::Theme;

/// The brand's logo and font: (absolute path, path as written in blason.toml).
#[derive(Debug, Default)]
pub(crate) struct BrandFiles {
    pub logo: Option<(PathBuf, PathBuf)>,
    pub font: Option<(PathBuf, PathBuf)>,
}

impl BrandFiles {
    /// Checks the files of `[brand]`: inside the site, and present.
    pub fn find(root: &Path, config: &Config) -> Result<BrandFiles, Error> {
        let logo = brand_file(root, config.brand.logo.as_deref(), "logo");
        let font = brand_file(root, config.brand.font.as_deref(), "font");
        match (logo, font) {
            (Ok(logo), Ok(font)) => Ok(BrandFiles { logo, font }),
            (a, b) => Err(Error::Site(
                [a.err(), b.err()]
                    .into_iter()
                    .flatten()
                    .flat_map(Error::into_diagnostics)
                    .collect(),
            )),
        }
    }

    /// Where each file is published: its path under static/ (without
    /// `static/`), else its path in the site.
    pub fn published(&self, base: &str) -> (Option<String>, Option<String>) {
        let published = |(_, rel): &(PathBuf, PathBuf)| {
            let r = rel.to_string_lossy().replace('\\', "/");
            crate::url::absolute(
                base,
                &format!("/{}", r.strip_prefix("static/").unwrap_or(&r)),
            )
        };
        (
            self.logo.as_ref().map(published),
            self.font.as_ref().map(published),
        )
    }
}

/// A file named in `[brand]`: inside the site, and present.
fn brand_file(
    root: &Path,
    rel: Option<&Path>,
    key: &str,
) -> Result<Option<(PathBuf, PathBuf)>, Error> {
    let Some(rel) = rel else { return Ok(None) };
    let path = Config::site_path(root, rel, &format!("[brand] {key}"))?;
    if !path.is_file() {
        return Err(Diagnostic::error(
            "missing-file",
            format!("the {key} file `{}` does not exist", rel.display()),
        )
        .file("blason.toml")
        .help(format!(
            "check [brand] {key}: the path is relative to the site folder"
        ))
        .into());
    }
    Ok(Some((path, rel.to_path_buf())))
}

/// The theme's card templates and fonts, the brand's font and logo.
pub(crate) fn card_studio(
    root: &Path,
    theme: &Theme,
    config: &Config,
    brand: &BrandFiles,
) -> Result<CardStudio, Error> {
    let (logo, font) = (brand.logo.as_ref(), brand.font.as_ref());
    let mut templates = Vec::new();
    for (name, f) in theme.under("cards") {
        if !name.ends_with(".svg") {
            continue;
        }
        let text = String::from_utf8(f.bytes.to_vec()).map_err(|_| {
            Error::from(
                Diagnostic::error("encoding", "the card template is not valid UTF-8 text")
                    .file(f.display.clone()),
            )
        })?;
        templates.push((name.to_string(), text, f.display.clone()));
    }
    let mut fonts = Vec::new();
    if let Some((path, rel)) = font {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::from(Diagnostic::io(path, root, "read the brand font", &e)))?;
        // Cards need TTF or OTF (WOFF2 is for browsers only).
        if bytes.starts_with(&[0, 1, 0, 0])
            || bytes.starts_with(b"OTTO")
            || bytes.starts_with(b"true")
        {
            fonts.push(bytes);
        } else {
            return Err(Diagnostic::error(
                "font",
                format!(
                    "the brand font `{}` is not a TTF or OTF file",
                    rel.display()
                ),
            )
            .file("blason.toml")
            .help("cards are drawn with TTF/OTF fonts; convert a WOFF2 file back with fonttools")
            .into());
        }
    }
    for (name, f) in theme.under("fonts") {
        if name.ends_with(".otf") || name.ends_with(".ttf") {
            fonts.push(f.bytes.to_vec());
        }
    }
    let logo = match logo {
        Some((path, _)) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Error::from(Diagnostic::io(path, root, "read the logo", &e)))?;
            Some((path.clone(), bytes))
        }
        None => None,
    };
    let studio = CardStudio::new(CardAssets {
        templates,
        fonts,
        logo,
        root: root.to_path_buf(),
        cache_dir: config.images.cache_dir.clone(),
        base_url: config.base().to_string(),
    })
    .map_err(Error::Site)?;
    let template = &config.cards.template;
    if config.cards.enable && !studio.has_template(template) {
        return Err(Diagnostic::error(
            "card",
            format!("[cards] template = \"{template}\": the theme has no such card template"),
        )
        .file("blason.toml")
        .help(format!(
            "the theme's card templates are: {}",
            studio.templates().join(", ")
        ))
        .into());
    }
    Ok(studio)
}

pub(crate) fn copy_static(
    root: &Path,
    theme: &Theme,
    content: &Content,
    sink: &dyn Sink,
    brand: &BrandFiles,
    processed: &HashMap<PathBuf, ResponsiveImage>,
    gallery_files: &HashSet<PathBuf>,
) -> Result<(), Error> {
    let mut errors = Vec::new();
    let site_static = root.join("static");
    let mut site_files: BTreeMap<String, PathBuf> = BTreeMap::new();
    if site_static.is_dir() {
        let (files, walk_errors) = crate::paths::walk_files(root, &site_static, |_| false);
        errors.extend(walk_errors);
        for f in files {
            site_files.insert(display_path(&f, &site_static), f);
        }
    }
    for (rel, f) in theme.under("static") {
        if !site_files.contains_key(rel)
            && let Err(d) = sink.write(rel, &f.bytes)
        {
            errors.push(d);
        }
    }
    let results: Vec<Result<(), Diagnostic>> = site_files
        .par_iter()
        .map(|(rel, path)| sink.copy(rel, path))
        .collect();
    errors.extend(results.into_iter().filter_map(Result::err));
    // Brand files outside static/ are published at their own path.
    for (path, rel) in [&brand.logo, &brand.font].into_iter().flatten() {
        let r = rel.to_string_lossy().replace('\\', "/");
        if !r.starts_with("static/")
            && let Err(d) = sink.copy(&r, path)
        {
            errors.push(d);
        }
    }
    // Bundle and section assets, beside their page.
    let mut assets: Vec<(String, &Path)> = Vec::new();
    // Images published as processed variants are not copied as they are:
    // the originals may carry EXIF data (GPS coordinates above all).
    for p in content.pages.iter().filter(|p| p.bundle) {
        // Nor is a trail's track: it may name its device, its author and
        // the times of the walk; the page offers a clean GPX instead.
        let track = p.trail.as_ref().map(|t| t.file.as_str());
        for a in p.assets.iter().filter(|a| {
            !processed.contains_key(*a)
                && !gallery_files.contains(*a)
                && track.is_none_or(|t| display_path(a, root) != t)
        }) {
            if let Ok(r) = a.strip_prefix(&p.dir) {
                assets.push((
                    format!("{}{}", p.path, r.to_string_lossy().replace('\\', "/")),
                    a,
                ));
            }
        }
    }
    for s in &content.sections {
        for a in s
            .assets
            .iter()
            .filter(|a| !processed.contains_key(*a) && !gallery_files.contains(*a))
        {
            if let Ok(r) = a.strip_prefix(&s.dir) {
                assets.push((
                    format!("{}{}", s.path, r.to_string_lossy().replace('\\', "/")),
                    a,
                ));
            }
        }
    }
    let results: Vec<Result<(), Diagnostic>> = assets
        .par_iter()
        .map(|(rel, src)| {
            sink.copy(rel, src)
                .map_err(|d| d.file(display_path(src, root)))
        })
        .collect();
    errors.extend(results.into_iter().filter_map(Result::err));
    Error::or_value(errors, ())
}

/// The one stylesheet every page links: the brand's (`brand.css`, rendered
/// from blason.toml) then the theme's `style.css` (or the site's own
/// `static/style.css`), concatenated into a file named after its content.
/// A page then waits for one stylesheet instead of several, and a server may
/// tell browsers to keep it for a year: a change makes a new name
/// (docs/deploy.md). Both sources are still published under their own names
/// for themes and pages that link them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stylesheet {
    /// Its path in the output: `style.0123456789abcdef.css`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The theme's stylesheet: the site's `static/style.css` when it has one
/// (it replaces the theme's, as every static file does), else the theme's;
/// `None` when neither exists.
pub(crate) fn theme_style(root: &Path, theme: &Theme) -> Result<Option<Vec<u8>>, Diagnostic> {
    let own = root.join("static").join("style.css");
    if own.is_file() {
        return std::fs::read(&own)
            .map(Some)
            .map_err(|e| Diagnostic::io(&own, root, "read this stylesheet", &e));
    }
    Ok(theme
        .under("static")
        .find(|(rel, _)| *rel == "style.css")
        .map(|(_, f)| f.bytes.to_vec()))
}

/// The bundle of `brand` (the rendered brand.css) and `style`, in that
/// order: the theme's rules may use the brand's custom properties.
pub(crate) fn stylesheet(brand: &[u8], style: &[u8]) -> Stylesheet {
    let mut bytes = Vec::with_capacity(brand.len() + style.len() + 1);
    bytes.extend_from_slice(brand);
    if !brand.is_empty() && !brand.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(style);
    let hash = blake3::hash(&bytes).to_hex();
    Stylesheet {
        path: format!("style.{}.css", &hash[..16]),
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_brand_then_style_and_named_after_its_bytes() {
        let a = stylesheet(b":root{--primary:#0b5d6b}", b"body{color:var(--text)}\n");
        assert_eq!(
            a.bytes,
            b":root{--primary:#0b5d6b}\nbody{color:var(--text)}\n".to_vec()
        );
        assert!(a.path.starts_with("style.") && a.path.ends_with(".css"));
        assert_eq!(a.path.len(), "style.".len() + 16 + ".css".len());
        // The same bytes, the same name; a change anywhere, another name.
        assert_eq!(
            a,
            stylesheet(b":root{--primary:#0b5d6b}", b"body{color:var(--text)}\n")
        );
        let b = stylesheet(b":root{--primary:#0b5d6c}", b"body{color:var(--text)}\n");
        let c = stylesheet(b":root{--primary:#0b5d6b}", b"body{color:red}\n");
        assert_ne!(a.path, b.path);
        assert_ne!(a.path, c.path);
        assert_ne!(b.path, c.path);
    }

    #[test]
    fn the_site_s_own_style_css_replaces_the_theme_s() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), "postale").unwrap();
        let builtin = theme_style(dir.path(), &theme).unwrap().unwrap();
        assert!(builtin.len() > 1000, "the theme's stylesheet");
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/style.css"), "p{margin:0}").unwrap();
        assert_eq!(
            theme_style(dir.path(), &theme).unwrap().unwrap(),
            b"p{margin:0}".to_vec()
        );
    }
}
