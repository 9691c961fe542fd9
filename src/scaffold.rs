//! Writing new things: a site (`init`), a page bundle (`new`), the theme (`theme eject`).
//!
//! These commands never overwrite: each refuses when its target exists.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Diagnostic, Error, display_path};
use crate::slug::slugify;
use crate::theme::{BUILTIN_NAME, EXAMPLE_SITE, Theme, write_embedded};

/// What `init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The example site: pages, photos, posts, to read and replace.
    Example,
    /// A bare site: blason.toml and a home page.
    Bare,
}

/// What a site's repository should not keep: the output, the output kept
/// for the next build, its lock, and the image cache (CI restores it).
const GITIGNORE: &str = "/public/\n/.public.blason-*\n/.blason-cache/\n/desk/\n";

const BARE_CONFIG: &str = r#"# The site's settings: every key is in blason's docs/configuration.md.
base_url = "https://www.example-territoire.fr"
title = "Mon territoire"
description = "Découvrir, vivre et entreprendre sur le territoire."
default_language = "fr"

[brand]
tagline = ""
hashtag = ""

[pillars]
economie = { title = "Entreprendre" }
culture = { title = "Culture" }
tourisme = { title = "Découvrir" }
qualite-de-vie = { title = "Vivre ici" }

[audiences]
visiteurs = { title = "Visiter" }
habitants = { title = "Habiter" }
entreprises = { title = "Investir" }
etudiants = { title = "Étudier" }
"#;

const BARE_HOME: &str = "+++\ntitle = \"Mon territoire\"\ndescription = \"Découvrir, vivre et entreprendre sur le territoire.\"\n+++\n\nBienvenue !\n";

/// Writes a new site into `dir`, which must be empty or absent: the
/// example's sources or a bare site, and a `.gitignore`.
pub fn init(dir: &Path, start: Start) -> Result<Vec<PathBuf>, Error> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::io(dir, Path::new(""), "read this folder", &e))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} is not empty; `blason init` writes a new site into an empty or new folder",
                dir.display()
            )));
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Diagnostic::io(dir, Path::new(""), "create this folder", &e))?;
    let write = |rel: &str, text: &str| -> Result<PathBuf, Error> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(parent, Path::new(""), "create this folder", &e))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Diagnostic::io(&path, Path::new(""), "write this file", &e))?;
        Ok(path)
    };
    let mut files = match start {
        Start::Example => write_embedded(&EXAMPLE_SITE, dir).map_err(|e| {
            Error::from(Diagnostic::io(
                dir,
                Path::new(""),
                "write the example site",
                &e,
            ))
        })?,
        Start::Bare => vec![
            write("blason.toml", BARE_CONFIG)?,
            write("content/_index.md", BARE_HOME)?,
        ],
    };
    files.push(write(".gitignore", GITIGNORE)?);
    Ok(files)
}

/// Copies the built-in theme to `ROOT/themes/postale/` for editing.
pub fn eject_theme(root: &Path) -> Result<PathBuf, Error> {
    Config::load(root)?;
    let dest = root.join("themes").join(BUILTIN_NAME);
    if dest.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; remove it first to eject the built-in theme again",
            display_path(&dest, root)
        )));
    }
    let mut theme = Theme::load(Path::new("/nonexistent-site-root"), BUILTIN_NAME)?;
    theme.builtin = true;
    theme
        .write_to(&dest)
        .map_err(|e| Diagnostic::io(&dest, root, "write the theme", &e))?;
    Ok(dest)
}

/// Writes `content/PATH/index.md` with its front matter filled in.
pub fn new_page(root: &Path, path: &str, today: jiff::civil::Date) -> Result<PathBuf, Error> {
    let config = Config::load(root)?;
    let clean = path
        .trim()
        .trim_matches('/')
        .trim_end_matches(".md")
        .trim_end_matches("/index");
    if clean.is_empty()
        || clean
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        || clean.contains('\\')
    {
        return Err(Error::Usage(format!(
            "`{path}` is not a page path; write it relative to content/, e.g. `blason new tourisme/lac`"
        )));
    }
    let dir = root.join("content").join(clean);
    let file = dir.join("index.md");
    if file.exists() || root.join("content").join(format!("{clean}.md")).exists() {
        return Err(Error::Usage(format!(
            "{} already exists",
            display_path(&file, root)
        )));
    }
    let first = clean.split('/').next().unwrap_or("");
    let last = clean.rsplit('/').next().unwrap_or(clean);
    let title = {
        let words = last.replace(['-', '_'], " ");
        let mut c = words.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => words,
        }
    };
    let mut fm = format!(
        "+++\ntitle = {}\ndescription = \"\"\ndate = {today}\ndraft = true\n",
        toml_string(&title)
    );
    if config.pillars.contains_key(first) {
        fm.push_str(&format!("pillar = {}\n", toml_string(first)));
    } else if let Some(k) = config.pillars.keys().find(|k| slugify(k) == slugify(first)) {
        fm.push_str(&format!("pillar = {}\n", toml_string(k)));
    }
    fm.push_str("audiences = []\ntags = []\n# cover = \"photo.jpg\"\n# cover_alt = \"\"\n+++\n\n");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Diagnostic::io(&dir, root, "create the page folder", &e))?;
    std::fs::write(&file, fm).map_err(|e| Diagnostic::io(&file, root, "write the page", &e))?;
    Ok(file)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
