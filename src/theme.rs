//! Themes: the built-in `postale` (embedded in the binary) or a site's `themes/NAME/`.
//!
//! A theme is a set of files: `templates/`, `static/`, `i18n/`, `cards/`,
//! `fonts/` and `theme.toml`. A site's `themes/NAME/` wins over the built-in
//! theme of the same name, so `blason theme eject` followed by edits works.
//! This module finds and reads theme files, and the translated UI strings;
//! it does not render.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::error::{Diagnostic, Error, display_path};

/// The built-in theme, embedded at compile time.
pub static BUILTIN_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/postale");
/// The example site written by `blason init`.
pub static EXAMPLE_SITE: Dir<'static> = include_dir!("$OUT_DIR/example");

pub const BUILTIN_NAME: &str = "postale";

/// One file of a theme.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path inside the theme: `templates/page.html`.
    pub rel: String,
    /// How to name it to the user: `themes/postale/templates/page.html`, or
    /// `(built-in theme postale) templates/page.html`.
    pub display: String,
    pub bytes: Cow<'static, [u8]>,
}

/// A theme's files.
#[derive(Debug, Clone)]
pub struct Theme {
    pub builtin: bool,
    pub files: Vec<ThemeFile>,
}

impl Theme {
    /// The site's `themes/NAME/` if present, else the built-in theme of that name.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Error> {
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            let mut files = Vec::new();
            let mut errors = Vec::new();
            let (paths, walk_errors) =
                crate::paths::walk_files(root, &dir, |n| n.to_string_lossy().starts_with('.'));
            errors.extend(walk_errors);
            for path in &paths {
                match std::fs::read(path) {
                    Ok(bytes) => files.push(ThemeFile {
                        rel: display_path(path, &dir),
                        display: display_path(path, root),
                        bytes: Cow::Owned(bytes),
                    }),
                    Err(e) => errors.push(Diagnostic::io(path, root, "read this theme file", &e)),
                }
            }
            if !errors.is_empty() {
                return Err(Error::Site(errors));
            }
            return Ok(Theme {
                builtin: false,
                files,
            });
        }
        if name == BUILTIN_NAME {
            let mut files = Vec::new();
            collect_embedded(&BUILTIN_THEME, &mut files);
            files.sort_by(|a, b| a.rel.cmp(&b.rel));
            return Ok(Theme {
                builtin: true,
                files,
            });
        }
        Err(Diagnostic::error("missing-theme", format!("the theme `{name}` was not found"))
            .file("blason.toml")
            .help(format!("there is no themes/{name}/ folder in the site; the built-in theme is `{BUILTIN_NAME}`"))
            .into())
    }

    pub fn file(&self, rel: &str) -> Option<&ThemeFile> {
        self.files.iter().find(|f| f.rel == rel)
    }

    /// Files under a folder of the theme (`templates/`), with paths relative to it.
    pub fn under<'a>(
        &'a self,
        folder: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a ThemeFile)> + 'a {
        let prefix = format!("{folder}/");
        self.files
            .iter()
            .filter_map(move |f| f.rel.strip_prefix(prefix.as_str()).map(|r| (r, f)))
    }

    /// Writes the theme's files into `dest` (for `blason theme eject`).
    pub fn write_to(&self, dest: &Path) -> std::io::Result<()> {
        for f in &self.files {
            let path = dest.join(&f.rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &f.bytes)?;
        }
        Ok(())
    }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<ThemeFile>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        out.push(ThemeFile {
            display: format!("(built-in theme {BUILTIN_NAME}) {rel}"),
            rel,
            bytes: Cow::Borrowed(f.contents()),
        });
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// Writes an embedded folder to disk (for `blason init`).
pub fn write_embedded(dir: &Dir<'static>, dest: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    fn walk(dir: &Dir<'static>, dest: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for f in dir.files() {
            let path = dest.join(f.path());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, f.contents())?;
            written.push(path);
        }
        for d in dir.dirs() {
            walk(d, dest, written)?;
        }
        Ok(())
    }
    walk(dir, dest, &mut written)?;
    Ok(written)
}

/// The UI strings of one language: the theme's `i18n/LANG.toml`, with the
/// site's own `i18n/LANG.toml` on top.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub lang: String,
    pub strings: BTreeMap<String, String>,
    /// Month names, January first.
    pub months: Vec<String>,
    /// Day names, Monday first.
    pub days: Vec<String>,
    /// `{day} {month} {year}`; placeholders `{day}`, `{month}`, `{year}`, `{weekday}`.
    pub date_format: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StringsFile {
    #[serde(default)]
    months: Vec<String>,
    #[serde(default)]
    days: Vec<String>,
    date_format: Option<String>,
    #[serde(default)]
    strings: BTreeMap<String, String>,
}

impl Strings {
    /// Loads the strings of `lang`, falling back to English for a language the
    /// theme does not translate.
    pub fn load(theme: &Theme, root: &Path, lang: &str) -> Result<Strings, Error> {
        let mut out = Strings {
            lang: lang.to_string(),
            date_format: "{day} {month} {year}".into(),
            ..Strings::default()
        };
        let theme_file = theme
            .file(&format!("i18n/{lang}.toml"))
            .or_else(|| theme.file("i18n/en.toml"));
        if let Some(f) = theme_file {
            out.merge(&String::from_utf8_lossy(&f.bytes), &f.display)?;
        }
        let site_file = root.join("i18n").join(format!("{lang}.toml"));
        if site_file.is_file() {
            let text = std::fs::read_to_string(&site_file)
                .map_err(|e| Diagnostic::io(&site_file, root, "read this file", &e))?;
            out.merge(&text, &display_path(&site_file, root))?;
        }
        if out.months.len() != 12 {
            return Err(Diagnostic::error(
                "i18n",
                format!("the strings for `{lang}` need 12 month names"),
            )
            .file(theme_file.map_or_else(|| format!("i18n/{lang}.toml"), |f| f.display.clone()))
            .help("write months = [\"janvier\", \"février\", ...] in the i18n file")
            .into());
        }
        Ok(out)
    }

    fn merge(&mut self, text: &str, display: &str) -> Result<(), Error> {
        let f: StringsFile = toml::from_str(text)
            .map_err(|e| crate::error::toml_diagnostic(&e, text, 0, "i18n").file(display))?;
        if !f.months.is_empty() {
            self.months = f.months;
        }
        if !f.days.is_empty() {
            self.days = f.days;
        }
        if let Some(d) = f.date_format {
            self.date_format = d;
        }
        self.strings.extend(f.strings);
        Ok(())
    }

    fn string(&self, key: &str, fallback: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    /// "21 h 30" / "9:30 pm", from `time_format` (and `time_format_whole` for
    /// whole hours). Placeholders: {H} 0-23, {HH} 00-23, {h} 1-12, {MM}, {ampm}.
    pub fn format_time(&self, z: &jiff::Zoned) -> String {
        let (h, m) = (z.hour(), z.minute());
        let pattern = if m == 0 {
            self.string("time_format_whole", "{HH}:{MM}")
        } else {
            self.string("time_format", "{HH}:{MM}")
        };
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        pattern
            .replace("{HH}", &format!("{h:02}"))
            .replace("{H}", &h.to_string())
            .replace("{h}", &h12.to_string())
            .replace("{MM}", &format!("{m:02}"))
            .replace("{ampm}", if h < 12 { "am" } else { "pm" })
    }

    /// "du 11 au 13 septembre 2026", from `date_range` ({from}, {to}).
    pub fn date_range(&self, from: jiff::civil::Date, to: jiff::civil::Date) -> String {
        self.string("date_range", "{from} – {to}")
            .replace("{from}", &self.format_date(from))
            .replace("{to}", &self.format_date(to))
    }

    /// "tous les samedis", "every Saturday", from `every_weekday`, `every_day`,
    /// `every_month`, `every_year` and `every_weeks` ({n} weeks).
    pub fn recurrence(&self, rule: &crate::content::event::Rrule) -> String {
        use crate::content::event::Freq;
        let day_name = |w: jiff::civil::Weekday| {
            self.days
                .get(w.to_monday_zero_offset() as usize)
                .cloned()
                .unwrap_or_default()
        };
        match rule.freq {
            Freq::Weekly if rule.interval == 1 && !rule.by_day.is_empty() => {
                let list = rule
                    .by_day
                    .iter()
                    .map(|d| {
                        self.string("every_weekday", "every {weekday}")
                            .replace("{weekday}", &day_name(*d))
                    })
                    .collect::<Vec<_>>();
                list.join(", ")
            }
            Freq::Weekly => self
                .string("every_weeks", "every {n} weeks")
                .replace("{n}", &rule.interval.to_string()),
            Freq::Daily => self.string("every_day", "every day"),
            Freq::Monthly => self.string("every_month", "every month"),
            Freq::Yearly => self.string("every_year", "every year"),
        }
    }

    /// "14 juillet 2026" from a date.
    pub fn format_date(&self, date: jiff::civil::Date) -> String {
        let month = self
            .months
            .get(date.month() as usize - 1)
            .map_or("", String::as_str);
        let weekday = self
            .days
            .get(date.weekday().to_monday_zero_offset() as usize)
            .map_or("", String::as_str);
        let day = if self.lang == "fr" && date.day() == 1 {
            "1er".to_string()
        } else {
            date.day().to_string()
        };
        // One pass over the format (this runs for every date of every page).
        let mut out = String::with_capacity(self.date_format.len() + 16);
        let mut rest = self.date_format.as_str();
        while let Some(at) = rest.find('{') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let (value, len) = if rest.starts_with("{weekday}") {
                (weekday, "{weekday}".len())
            } else if rest.starts_with("{day}") {
                (day.as_str(), "{day}".len())
            } else if rest.starts_with("{month}") {
                (month, "{month}".len())
            } else if rest.starts_with("{year}") {
                out.push_str(&date.year().to_string());
                rest = &rest["{year}".len()..];
                continue;
            } else {
                ("{", 1)
            };
            out.push_str(value);
            rest = &rest[len..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Theme {
        Theme::load(Path::new("/nonexistent-site"), BUILTIN_NAME).unwrap()
    }

    #[test]
    fn every_translation_of_the_theme_has_every_string() {
        let theme = builtin();
        let en = Strings::load(&theme, Path::new("/nonexistent-site"), "en").unwrap();
        let mut langs = 0;
        for (name, _) in theme.under("i18n") {
            let lang = name.trim_end_matches(".toml");
            let s = Strings::load(&theme, Path::new("/nonexistent-site"), lang).unwrap();
            let missing: Vec<&String> = en
                .strings
                .keys()
                .filter(|k| !s.strings.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            assert_eq!(s.days.len(), 7, "{lang}");
            langs += 1;
        }
        assert!(langs >= 6, "fr, en, de, es, it, nl");
    }

    #[test]
    fn dates_and_times_per_language() {
        let theme = builtin();
        let d: jiff::civil::Date = "2026-06-01".parse().unwrap();
        let fmt = |lang: &str| Strings::load(&theme, Path::new("/x"), lang).unwrap();
        assert_eq!(fmt("fr").format_date(d), "1er juin 2026");
        assert_eq!(fmt("en").format_date(d), "June 1, 2026");
        assert_eq!(fmt("de").format_date(d), "1. Juni 2026");
        let z: jiff::Zoned = "2026-07-14T21:30:00+02:00[Europe/Paris]".parse().unwrap();
        assert_eq!(fmt("fr").format_time(&z), "21 h 30");
        assert_eq!(fmt("en").format_time(&z), "9:30 pm");
        let rule = crate::content::event::Rrule::parse("FREQ=WEEKLY;BYDAY=SA").unwrap();
        assert_eq!(fmt("fr").recurrence(&rule), "tous les samedis");
        assert_eq!(fmt("en").recurrence(&rule), "every Saturday");
        // A language the theme does not have falls back to English.
        assert_eq!(fmt("sv").format_date(d), "June 1, 2026");
        // Every placeholder, repeated, beside braces that are not one.
        let mut custom = fmt("fr");
        custom.date_format = "{weekday} {day} {month} {year} ({day}) {x} {".into();
        assert_eq!(custom.format_date(d), "lundi 1er juin 2026 (1er) {x} {");
    }
}
