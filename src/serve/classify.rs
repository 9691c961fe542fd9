//! Which saved files matter, and what the browser must do about them.
//!
//! Editors save in many ways (write in place, write a temporary file then
//! rename it, keep swap and backup files): this module ignores their
//! by-products and the build's own folders, and sorts what is left into a
//! stylesheet-only change (the page swaps its CSS without reloading) or a
//! change that reloads the page (and says which page, when it is one).
//! A video's transcript or captions (files a page's `video()` names beside
//! it) are no page of their own: a save of one names the page that shows
//! it, found by reading the markdown of its folder.

use std::path::{Component, Path};

use crate::paths::is_scratch;

/// What a set of changed files asks of the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing the site is made of.
    Nothing,
    /// Stylesheets only: swap them in place.
    Css,
    /// Anything else: rebuild and reload. `page` is the content file when
    /// exactly one markdown file changed (`content/tourisme/lac.md`), or
    /// the one page that names the transcript or captions saved.
    Reload { page: Option<String> },
}

/// The path relative to the site, with `/`, when it is a source of the site.
pub fn source_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, last) = (parts.first()?, parts.last()?);
    // The site's source folders (and `blason.toml`): changes elsewhere are ignored.
    // What the build skips cannot change the site.
    if parts
        .iter()
        .any(|p| is_scratch(std::ffi::OsStr::new(p.as_str())))
    {
        return None;
    }
    let is_config = parts.len() == 1 && (last == "blason.toml");
    if !is_config && !crate::paths::SOURCE_FOLDERS.contains(&first.as_str()) {
        return None;
    }
    Some(parts.join("/"))
}

/// Whether `path` is a folder with no file in it, at any depth.
fn is_empty_folder(path: &Path) -> bool {
    fn holds_files(dir: &Path) -> bool {
        match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .flatten()
                .any(|e| e.file_type().is_ok_and(|t| !t.is_dir()) || holds_files(&e.path())),
            Err(_) => true,
        }
    }
    path.is_dir() && !holds_files(path)
}

/// Sorts changed files (absolute paths under `root`).
pub fn classify<'a>(root: &Path, paths: impl IntoIterator<Item = &'a Path>) -> Change {
    let mut sources: Vec<String> = paths
        .into_iter()
        // A new folder changes the site once files are in it.
        .filter(|p| !is_empty_folder(p))
        .filter_map(|p| source_path(root, p))
        .collect();
    sources.sort();
    sources.dedup();
    if sources.is_empty() {
        return Change::Nothing;
    }
    if sources
        .iter()
        .all(|s| s.ends_with(".css") && !s.contains("templates/"))
    {
        return Change::Css;
    }
    let pages: Vec<&String> = sources
        .iter()
        .filter(|s| s.starts_with("content/") && s.ends_with(".md") && !is_video_text(s))
        .collect();
    let page = match (pages.as_slice(), sources.as_slice()) {
        ([one], [_]) => Some((*one).clone()),
        ([], [one]) if is_video_text(one) => page_naming(root, one),
        _ => None,
    };
    Change::Reload { page }
}

/// Whether `source` is a file the `video()` shortcode reads beside a page:
/// a transcript (`lac.transcript.md`, `lac.transcript.en.md`: the content
/// walk leaves those out of the pages) or captions (`lac.fr.vtt`).
fn is_video_text(source: &str) -> bool {
    if !source.starts_with("content/") {
        return false;
    }
    let name = source.rsplit('/').next().unwrap_or(source);
    if name.to_ascii_lowercase().ends_with(".vtt") {
        return true;
    }
    crate::content::is_transcript(name)
}

/// The page or section file that names `source` in quotes (as a shortcode's
/// argument: `transcript="lac.transcript.md"`): a markdown file of its
/// folder, else of the nearest folder above it up to `content/`, naming it
/// by its path from there. `None` when none does or several do (the
/// translations of a page sharing its captions). Reads a folder a level,
/// not the whole content.
fn page_naming(root: &Path, source: &str) -> Option<String> {
    let parts: Vec<&str> = source.split('/').collect();
    for depth in (1..parts.len()).rev() {
        let name = parts[depth..].join("/");
        let folder = parts[..depth].join("/");
        let quoted = [format!("\"{name}\""), format!("'{name}'")];
        let Ok(entries) = std::fs::read_dir(root.join(&folder)) else {
            continue;
        };
        let mut naming: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .map(|file| format!("{folder}/{file}"))
            .filter(|file| {
                file.ends_with(".md")
                    && !is_video_text(file)
                    && !is_scratch(std::ffi::OsStr::new(file.rsplit('/').next().unwrap_or("")))
            })
            .filter(|file| {
                std::fs::read_to_string(root.join(file))
                    .is_ok_and(|text| quoted.iter().any(|q| text.contains(q.as_str())))
            })
            .collect();
        if !naming.is_empty() {
            naming.sort();
            return (naming.len() == 1).then(|| naming.remove(0));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn c(paths: &[&str]) -> Change {
        let root = PathBuf::from("/site");
        let abs: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(&root, abs.iter().map(PathBuf::as_path))
    }

    #[test]
    fn an_empty_new_folder_changes_nothing_until_a_file_is_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let folder = root.join("content/tourisme/nouveau/photos");
        std::fs::create_dir_all(&folder).unwrap();
        let top = root.join("content/tourisme/nouveau");
        assert_eq!(classify(root, [top.as_path()]), Change::Nothing);
        std::fs::write(folder.join("a.jpg"), b"x").unwrap();
        assert_eq!(
            classify(root, [top.as_path()]),
            Change::Reload { page: None }
        );
        // A folder that went away may have taken pages with it.
        let gone = root.join("content/culture");
        assert_eq!(
            classify(root, [gone.as_path()]),
            Change::Reload { page: None }
        );
    }

    #[test]
    fn a_page_reloads_and_names_itself() {
        assert_eq!(
            c(&["content/tourisme/lac.md"]),
            Change::Reload {
                page: Some("content/tourisme/lac.md".into())
            }
        );
        assert_eq!(
            c(&["content/a.md", "content/b.md"]),
            Change::Reload { page: None }
        );
    }

    #[test]
    fn a_transcript_or_captions_name_the_page_that_shows_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let video = |t: &str, c: &str| {
            format!(
                "+++\ntitle = \"Le lac\"\n+++\n{{{{ video(src=\"lac.mp4\", poster=\"a.png\", title=\"x\", transcript=\"{t}\", captions='{c}') }}}}\n"
            )
        };
        write(
            "content/tourisme/lac/index.md",
            &video("lac.transcript.md", "lac.fr.vtt"),
        );
        write(
            "content/tourisme/lac/index.en.md",
            &video("lac.transcript.en.md", "lac.fr.vtt"),
        );
        write("content/tourisme/lac/lac.transcript.md", "Le lac.");
        write("content/tourisme/lac/lac.transcript.en.md", "The lake.");
        write("content/tourisme/lac/lac.fr.vtt", "WEBVTT\n");
        // A page outside a bundle naming a file of a folder below it.
        write("content/culture/_index.md", "+++\n+++\n");
        write(
            "content/culture/musee.md",
            &video("films/musee.transcript.md", "films/musee.vtt"),
        );
        write("content/culture/films/musee.transcript.md", "Le musée.");
        write("content/culture/films/musee.vtt", "WEBVTT\n");
        write(
            "content/culture/films/orphelin.transcript.md",
            "Nulle part.",
        );
        let page = |rel: &str| classify(root, [root.join(rel).as_path()]);
        let named = |p: &str| Change::Reload {
            page: Some(p.into()),
        };
        for (saved, shown) in [
            (
                "content/tourisme/lac/lac.transcript.md",
                "content/tourisme/lac/index.md",
            ),
            (
                "content/tourisme/lac/lac.transcript.en.md",
                "content/tourisme/lac/index.en.md",
            ),
            (
                "content/culture/films/musee.transcript.md",
                "content/culture/musee.md",
            ),
            (
                "content/culture/films/musee.vtt",
                "content/culture/musee.md",
            ),
        ] {
            assert_eq!(page(saved), named(shown), "{saved}");
        }
        // Captions two translations share, a transcript no page names: no one page.
        for saved in [
            "content/tourisme/lac/lac.fr.vtt",
            "content/culture/films/orphelin.transcript.md",
        ] {
            assert_eq!(page(saved), Change::Reload { page: None }, "{saved}");
        }
        // A transcript is no page, even saved alone beside none.
        assert!(
            is_video_text("content/a.transcript.md") && is_video_text("content/a.transcript.de.md")
        );
        assert!(!is_video_text("content/transcript.md") && !is_video_text("static/a.vtt"));
    }

    #[test]
    fn stylesheets_swap_without_reload() {
        assert_eq!(c(&["static/style.css"]), Change::Css);
        assert_eq!(c(&["themes/postale/static/style.css"]), Change::Css);
        // brand.css is a template: the site must be rebuilt.
        assert_eq!(
            c(&["themes/postale/templates/brand.css"]),
            Change::Reload { page: None }
        );
        assert_eq!(
            c(&["static/style.css", "content/a.md"]),
            Change::Reload { page: None }
        );
    }

    #[test]
    fn templates_config_posts_and_images_reload() {
        for p in [
            "templates/page.html",
            "themes/postale/templates/base.html",
            "blason.toml",
            "community/feu.toml",
            "content/tourisme/lac/aube.jpg",
            "i18n/fr.toml",
        ] {
            assert_eq!(c(&[p]), Change::Reload { page: None }, "{p}");
        }
    }

    #[test]
    fn editor_scratch_and_build_folders_are_ignored() {
        for p in [
            "content/.lac.md.swp",
            "content/lac.md~",
            "content/#lac.md#",
            "content/4913",
            "content/.goutputstream-XYZ",
            "public/index.html",
            ".blason-cache/images/a.jpg",
            ".git/index",
            "notes.txt",
            "other.toml",
        ] {
            assert_eq!(c(&[p]), Change::Nothing, "{p}");
        }
        // A save by rename: the temporary name is ignored, the real one counts.
        assert_eq!(
            c(&["content/.lac.md.tmp123", "content/lac.md"]),
            Change::Reload {
                page: Some("content/lac.md".into())
            }
        );
    }
}
