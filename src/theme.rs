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

pub mod locale;

use locale::{NumberFormat, PluralCategory, plural_category};

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

/// The UI strings of one language: English as the base (the theme's
/// `i18n/en.toml`, or the built-in theme's when the theme has none), then
/// the theme's `i18n/LANG.toml`, then the site's own `i18n/LANG.toml`.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub lang: String,
    /// The plain strings (`[strings]`).
    pub strings: BTreeMap<String, String>,
    /// The strings that depend on a count (`key = { one = "...", other = "..." }`).
    pub plurals: BTreeMap<String, Plural>,
    /// Month names, January first.
    pub months: Vec<String>,
    /// Day names, Monday first.
    pub days: Vec<String>,
    /// Day names in the plural ("samedis", "sábados"), Monday first, for
    /// `{weekdays}` in `every_weekday`.
    pub days_plural: Vec<String>,
    /// `{day} {month} {year}`; placeholders `{day}`, `{month}`, `{year}`, `{weekday}`.
    pub date_format: String,
    /// How the first day of a month is written, when not "1": "1er", "1º".
    pub first_of_month: Option<String>,
    pub numbers: NumberFormat,
    /// The keys of the English base this language lacks (shown in English).
    pub missing: Vec<String>,
}

/// A string whose words depend on a count, by CLDR plural category; `{n}`
/// is the count, written as the language writes numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plural {
    pub one: Option<String>,
    pub many: Option<String>,
    pub other: String,
    /// The language whose rules pick the form: English for forms that fell
    /// back to English ("0 pages", not the French "0 page").
    pub rules: String,
}

/// A value of `[strings]`: a text, or a table of plural forms.
#[derive(Debug, Clone)]
enum Text {
    Plain(String),
    Plural(Plural),
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a text, or plural forms such as { one = \"{n} page\", other = \"{n} pages\" }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Plain(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let (mut one, mut many, mut other) = (None, None, None);
                while let Some(form) = map.next_key::<String>()? {
                    let slot = match form.as_str() {
                        "one" => &mut one,
                        "many" => &mut many,
                        "other" => &mut other,
                        _ => {
                            return Err(serde::de::Error::custom(format!(
                                "`{form}` is not a plural form blason uses: write one, many (whole millions in French, Spanish, Italian) and other"
                            )));
                        }
                    };
                    *slot = Some(map.next_value::<String>()?);
                }
                let other = other.ok_or_else(|| {
                    serde::de::Error::custom(
                        "plural forms need `other` (the form for most numbers)",
                    )
                })?;
                Ok(Text::Plural(Plural {
                    one,
                    many,
                    other,
                    rules: String::new(),
                }))
            }
        }
        d.deserialize_any(Visit)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StringsFile {
    months: Option<Vec<String>>,
    days: Option<Vec<String>>,
    days_plural: Option<Vec<String>>,
    date_format: Option<String>,
    first_of_month: Option<String>,
    decimal_separator: Option<String>,
    group_separator: Option<String>,
    min_grouping_digits: Option<usize>,
    #[serde(default)]
    strings: BTreeMap<String, Text>,
}

impl StringsFile {
    /// The keys the file gives: its top-level keys, then those of `[strings]`.
    fn keys(&self) -> Vec<&str> {
        let top = [
            ("months", self.months.is_some()),
            ("days", self.days.is_some()),
            ("days_plural", self.days_plural.is_some()),
            ("date_format", self.date_format.is_some()),
            ("first_of_month", self.first_of_month.is_some()),
            ("decimal_separator", self.decimal_separator.is_some()),
            ("group_separator", self.group_separator.is_some()),
            ("min_grouping_digits", self.min_grouping_digits.is_some()),
        ];
        top.iter()
            .filter(|(_, given)| *given)
            .map(|(k, _)| *k)
            .chain(self.strings.keys().map(String::as_str))
            .collect()
    }
}

/// One `i18n/LANG.toml` read: its text and how to name it.
struct StringsSource {
    display: String,
    file: StringsFile,
}

/// Keys English cannot stand in for: without the language's own, its date
/// ranges show whole dates (`date_range`) and its lists commas only.
const LANGUAGE_OWN: &[&str] = &["date_range_same_month", "date_range_same_year", "list_and"];

/// How many missing keys a warning names before it counts the rest.
const KEYS_NAMED: usize = 8;

impl Strings {
    /// Loads the strings of `lang` (see [`Strings::load_checked`]).
    #[cfg(test)]
    pub fn load(theme: &Theme, root: &Path, lang: &str) -> Result<Strings, Error> {
        Strings::load_checked(theme, root, lang).map(|(s, _)| s)
    }

    /// Loads the strings of `lang`, English first, with a warning
    /// (`i18n-missing`) for the keys that fall back to English: naming the
    /// file that should have them, or how to add the language when neither
    /// the theme nor the site translates it.
    pub fn load_checked(
        theme: &Theme,
        root: &Path,
        lang: &str,
    ) -> Result<(Strings, Vec<Diagnostic>), Error> {
        let mut out = Strings {
            lang: lang.to_string(),
            date_format: "{day} {month} {year}".into(),
            ..Strings::default()
        };
        let read = |f: &ThemeFile| {
            StringsSource::parse(&String::from_utf8_lossy(&f.bytes), f.display.clone())
        };
        let base = match theme.file("i18n/en.toml") {
            Some(f) => read(f)?,
            None => {
                let f = BUILTIN_THEME
                    .get_file("i18n/en.toml")
                    .expect("the built-in theme has English strings");
                StringsSource::parse(
                    &String::from_utf8_lossy(f.contents()),
                    format!("(built-in theme {BUILTIN_NAME}) i18n/en.toml"),
                )?
            }
        };
        let theme_file = format!("i18n/{lang}.toml");
        // A regional variant the theme lacks (fr-CA) takes its language's (fr).
        let language = lang.split(['-', '_']).next().unwrap_or(lang);
        let translated = match theme
            .file(&theme_file)
            .or_else(|| theme.file(&format!("i18n/{language}.toml")))
        {
            Some(f) if language != "en" => Some(read(f)?),
            _ => None,
        };
        let site_path = root.join("i18n").join(format!("{lang}.toml"));
        let site = if site_path.is_file() {
            let text = std::fs::read_to_string(&site_path)
                .map_err(|e| Diagnostic::io(&site_path, root, "read this file", &e))?;
            Some(StringsSource::parse(&text, display_path(&site_path, root))?)
        } else {
            None
        };
        let warnings = if language == "en" {
            Vec::new()
        } else {
            missing_warnings(lang, &base, translated.as_ref(), site.as_ref())
        };
        let own: Vec<String> = [&translated, &site]
            .into_iter()
            .flatten()
            .flat_map(|s| s.file.keys())
            .map(String::from)
            .collect();
        if language != "en" {
            out.missing = base
                .file
                .keys()
                .into_iter()
                .filter(|k| !own.iter().any(|o| o == k))
                .map(String::from)
                .collect();
        }
        out.merge(base.file, "en");
        for source in [translated, site].into_iter().flatten() {
            out.merge(source.file, lang);
        }
        if language != "en" {
            // English word order in another language's dates reads wrong
            // ("septembre 11–13, 2026"): without its own patterns, a
            // language writes ranges with whole dates and lists with commas.
            for key in LANGUAGE_OWN {
                if !own.iter().any(|k| k == key) {
                    out.strings.remove(*key);
                }
            }
        }
        if out.months.len() != 12 || out.days.len() != 7 {
            return Err(Diagnostic::error(
                "i18n",
                format!("the strings for `{lang}` need 12 month names and 7 day names"),
            )
            .file(theme_file)
            .help("write months = [\"janvier\", \"février\", ...] and days = [\"lundi\", ...] (Monday first) in the i18n file")
            .into());
        }
        Ok((out, warnings))
    }

    /// Lays `f` over the strings so far; its plural forms follow the rules
    /// of `rules` (the language it is written in).
    fn merge(&mut self, f: StringsFile, rules: &str) {
        if let Some(m) = f.months {
            self.months = m;
        }
        if let Some(d) = f.days {
            self.days = d;
        }
        if let Some(d) = f.days_plural {
            self.days_plural = d;
        }
        if let Some(d) = f.date_format {
            self.date_format = d;
        }
        if let Some(d) = f.first_of_month {
            self.first_of_month = Some(d);
        }
        if let Some(d) = f.decimal_separator {
            self.numbers.decimal = d;
        }
        if let Some(g) = f.group_separator {
            self.numbers.group = g;
        }
        if let Some(m) = f.min_grouping_digits {
            self.numbers.min_grouping_digits = m;
        }
        for (k, v) in f.strings {
            match v {
                Text::Plain(t) => {
                    self.plurals.remove(&k);
                    self.strings.insert(k, t);
                }
                Text::Plural(mut p) => {
                    self.strings.remove(&k);
                    p.rules = rules.to_string();
                    self.plurals.insert(k, p);
                }
            }
        }
    }

    fn string(&self, key: &str, fallback: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    /// `n` as the language writes numbers, with `decimals` decimals or as
    /// few as it needs.
    pub fn format_number(&self, n: f64, decimals: Option<usize>) -> String {
        self.numbers.format(n, decimals).0
    }

    /// The string `key` for the count `n`: the plural form of `n`'s category
    /// ("other" when the form is not given), `{n}` replaced by the number.
    /// A plain string serves every count. `None` when there is no such key.
    pub fn counted(&self, key: &str, n: f64, decimals: Option<usize>) -> Option<String> {
        let (number, v) = self.numbers.format(n, decimals);
        let text = match self.plurals.get(key) {
            Some(p) => {
                let form = match plural_category(&p.rules, n, v) {
                    PluralCategory::One => p.one.as_ref(),
                    PluralCategory::Many => p.many.as_ref(),
                    PluralCategory::Other => None,
                };
                form.unwrap_or(&p.other)
            }
            None => self.strings.get(key)?,
        };
        Some(text.replace("{n}", &number))
    }

    /// The string `key` for the count `n`, or `fallback` (with `{n}`).
    fn counted_or(&self, key: &str, n: u32, fallback: &str) -> String {
        self.counted(key, f64::from(n), None)
            .unwrap_or_else(|| fallback.replace("{n}", &n.to_string()))
    }

    /// "9:30 pm" / "21 h 30", from `time_format` (and `time_format_whole` for
    /// whole hours). Placeholders: {H} 0-23, {HH} 00-23, {h} 1-12, {MM}, {ampm}.
    pub fn format_time(&self, z: &jiff::Zoned) -> String {
        let (h, m) = (z.hour(), z.minute());
        let pattern = if m == 0 {
            self.string("time_format_whole", "{HH}:{MM}")
        } else {
            self.string("time_format", "{HH}:{MM}")
        };
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        fill(
            &pattern,
            &[
                ("HH", &format!("{h:02}")),
                ("H", &h.to_string()),
                ("h", &h12.to_string()),
                ("MM", &format!("{m:02}")),
                ("ampm", if h < 12 { "am" } else { "pm" }),
            ],
        )
    }

    /// When a timed event happens: "14 juillet 2026, 21 h – 23 h 30", or
    /// across days "du 14 juillet 2026, 21 h au 15 juillet 2026, 1 h", from
    /// `time_range` ({from}, {to}), `date_time` ({date}, {time}) and
    /// `date_range`.
    pub fn time_span(&self, from: &jiff::Zoned, to: &jiff::Zoned) -> String {
        let date_time =
            |date: jiff::civil::Date, time: &str| self.at_time(&self.format_date(date), time);
        if from.date() == to.date() {
            date_time(from.date(), &self.hours(from, to))
        } else {
            fill(
                &self.string("date_range", "{from} – {to}"),
                &[
                    ("from", &date_time(from.date(), &self.format_time(from))),
                    ("to", &date_time(to.date(), &self.format_time(to))),
                ],
            )
        }
    }

    /// Days in a row at the same hours: "du 9 au 30 novembre 2026, 10 h –
    /// 18 h", from `date_time` ({date}: the days as [`Self::date_range`]
    /// says them; {time}: `time_range`). `from` and `to` are the first
    /// day's start and end, `last` the last day.
    pub fn days_span(
        &self,
        from: &jiff::Zoned,
        to: &jiff::Zoned,
        last: jiff::civil::Date,
    ) -> String {
        self.at_time(&self.date_range(from.date(), last), &self.hours(from, to))
    }

    /// "21 h – 23 h 30", from `time_range` ({from}, {to}).
    fn hours(&self, from: &jiff::Zoned, to: &jiff::Zoned) -> String {
        fill(
            &self.string("time_range", "{from} – {to}"),
            &[
                ("from", &self.format_time(from)),
                ("to", &self.format_time(to)),
            ],
        )
    }

    /// A date (or days) in words with a time, from `date_time` ({date}, {time}).
    fn at_time(&self, date: &str, time: &str) -> String {
        fill(
            &self.string("date_time", "{date}, {time}"),
            &[("date", date), ("time", time)],
        )
    }

    /// "du 11 au 13 septembre 2026", "du 30 septembre au 2 octobre 2026",
    /// "du 30 décembre 2026 au 2 janvier 2027": `date_range_same_month`
    /// ({from_day}, {to_day}, {month}, {year}), `date_range_same_year`
    /// (also {from_month}, {to_month}) or `date_range` ({from}, {to}: whole
    /// dates).
    pub fn date_range(&self, from: jiff::civil::Date, to: jiff::civil::Date) -> String {
        if from == to {
            return self.format_date(from);
        }
        let same_year = from.year() == to.year();
        let key = match (same_year, from.month() == to.month()) {
            (true, true) => "date_range_same_month",
            (true, false) => "date_range_same_year",
            (false, _) => "date_range",
        };
        match self.strings.get(key) {
            Some(pattern) if same_year => fill(
                pattern,
                &[
                    ("from_day", &self.day(from)),
                    ("to_day", &self.day(to)),
                    ("month", self.month(to)),
                    ("from_month", self.month(from)),
                    ("to_month", self.month(to)),
                    ("year", &to.year().to_string()),
                ],
            ),
            _ => fill(
                &self.string("date_range", "{from} – {to}"),
                &[
                    ("from", &self.format_date(from)),
                    ("to", &self.format_date(to)),
                ],
            ),
        }
    }

    /// "tous les samedis et dimanches", "every Saturday", from
    /// `every_weekday` ({weekday}, or {weekdays} for the plural names),
    /// `list_and`, and the counted `every_day`, `every_weeks`, `every_month`
    /// and `every_year` ({n}: the interval).
    pub fn recurrence(&self, rule: &crate::content::event::Rrule) -> String {
        use crate::content::event::Freq;
        let names = |list: &[String]| {
            let names: Vec<&str> = rule
                .by_day
                .iter()
                .filter_map(|d| list.get(d.to_monday_zero_offset() as usize))
                .map(String::as_str)
                .collect();
            self.list(&names)
        };
        match rule.freq {
            Freq::Weekly if rule.interval == 1 && !rule.by_day.is_empty() => {
                let plural = if self.days_plural.len() == 7 {
                    &self.days_plural
                } else {
                    &self.days
                };
                fill(
                    &self.string("every_weekday", "every {weekday}"),
                    &[
                        ("weekday", &names(&self.days)),
                        ("weekdays", &names(plural)),
                    ],
                )
            }
            Freq::Weekly => self.counted_or("every_weeks", rule.interval, "every {n} weeks"),
            Freq::Daily => self.counted_or("every_day", rule.interval, "every {n} days"),
            Freq::Monthly => self.counted_or("every_month", rule.interval, "every {n} months"),
            Freq::Yearly => self.counted_or("every_year", rule.interval, "every {n} years"),
        }
    }

    /// "a, b et c", with the language's `list_and`.
    fn list(&self, items: &[&str]) -> String {
        match items {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => match self.strings.get("list_and") {
                Some(and) => format!("{} {and} {last}", init.join(", ")),
                None => items.join(", "),
            },
        }
    }

    fn month(&self, date: jiff::civil::Date) -> &str {
        self.months
            .get(date.month() as usize - 1)
            .map_or("", String::as_str)
    }

    /// The day of the month: "1er" in French, "1º" in Italian, else digits.
    fn day(&self, date: jiff::civil::Date) -> String {
        match &self.first_of_month {
            Some(first) if date.day() == 1 => first.clone(),
            _ => date.day().to_string(),
        }
    }

    /// A date as a calendar leaf shows it: the day ("12", "1er") and the
    /// month cut to at most four letters with a full stop ("déc.",
    /// "juin", "Sept."), for a date badge beside the date in words.
    pub fn date_badge(&self, date: jiff::civil::Date) -> (String, String) {
        let month = self.month(date);
        let short = if month.chars().count() <= 4 {
            month.to_string()
        } else {
            let cut: String = month.chars().take(3).collect();
            // "juillet" and "juin" would both give "jui.": keep four letters.
            match month.chars().nth(3) {
                Some(c) if cut.to_lowercase() == "jui" => format!("{cut}{c}."),
                _ => format!("{cut}."),
            }
        };
        (date.day().to_string(), short)
    }

    /// "14 juillet 2026" from a date, with `date_format`.
    pub fn format_date(&self, date: jiff::civil::Date) -> String {
        let weekday = self
            .days
            .get(date.weekday().to_monday_zero_offset() as usize)
            .map_or("", String::as_str);
        fill(
            &self.date_format,
            &[
                ("weekday", weekday),
                ("day", &self.day(date)),
                ("month", self.month(date)),
                ("year", &date.year().to_string()),
            ],
        )
    }
}

/// The built-in theme's strings in `lang`, for the tests of the modules
/// that word things with them.
#[cfg(test)]
pub(crate) fn builtin_strings(lang: &str) -> Strings {
    let root = Path::new("/nonexistent-site");
    let theme = Theme::load(root, "postale").unwrap();
    Strings::load(&theme, root, lang).unwrap()
}

impl StringsSource {
    fn parse(text: &str, display: String) -> Result<StringsSource, Error> {
        let file: StringsFile = toml::from_str(text).map_err(|e| {
            crate::error::toml_diagnostic(&e, text, 0, "i18n").file(display.clone())
        })?;
        Ok(StringsSource { display, file })
    }
}

/// The warning for the keys of the English base that `lang` lacks, naming
/// the file that should have them.
fn missing_warnings(
    lang: &str,
    base: &StringsSource,
    theme: Option<&StringsSource>,
    site: Option<&StringsSource>,
) -> Vec<Diagnostic> {
    let site_file = format!("i18n/{lang}.toml");
    if theme.is_none() && site.is_none() {
        return vec![
            Diagnostic::warning(
                "i18n-missing",
                format!("the theme has no interface strings in `{lang}`: its pages show them in English"),
            )
            .file(site_file.clone())
            .help(format!(
                "add {site_file} to the site: copy the theme's i18n/en.toml (`blason theme eject` writes it) and translate its values; keys left out stay in English"
            )),
        ];
    }
    let given: std::collections::BTreeSet<&str> = theme
        .iter()
        .chain(site.iter())
        .flat_map(|s| s.file.keys())
        .collect();
    let missing: Vec<&str> = base
        .file
        .keys()
        .into_iter()
        .filter(|k| !given.contains(k))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let named = missing
        .iter()
        .take(KEYS_NAMED)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = match missing.len().saturating_sub(KEYS_NAMED) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let file = theme
        .or(site)
        .map_or(site_file.clone(), |s| s.display.clone());
    vec![
        Diagnostic::warning(
            "i18n-missing",
            format!(
                "{} in `{lang}` fall back to English: {named}{more}",
                if missing.len() == 1 {
                    "1 interface string".to_string()
                } else {
                    format!("{} interface strings", missing.len())
                }
            ),
        )
        .file(file)
        .help(format!(
            "add the missing keys to this file or to the site's {site_file}; the English values are in the theme's i18n/en.toml"
        )),
    ]
}

/// Replaces `{name}` placeholders in one pass (this runs for every date of
/// every page); braces that name no value are kept.
fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let value = rest[1..].find('}').and_then(|end| {
            let name = &rest[1..1 + end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, end + 2))
        });
        match value {
            Some((v, len)) => {
                out.push_str(v);
                rest = &rest[len..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Theme {
        Theme::load(Path::new("/nonexistent-site"), BUILTIN_NAME).unwrap()
    }

    fn lang(l: &str) -> Strings {
        Strings::load(&builtin(), Path::new("/nonexistent-site"), l).unwrap()
    }

    fn date(s: &str) -> jiff::civil::Date {
        s.parse().unwrap()
    }

    fn at(s: &str) -> jiff::Zoned {
        s.parse().unwrap()
    }

    #[test]
    fn every_translation_of_the_theme_has_every_string() {
        let theme = builtin();
        let en = StringsSource::parse(
            &String::from_utf8_lossy(&theme.file("i18n/en.toml").unwrap().bytes),
            "en".into(),
        )
        .unwrap();
        let mut langs = 0;
        for (name, f) in theme.under("i18n") {
            let lang = name.trim_end_matches(".toml");
            let own =
                StringsSource::parse(&String::from_utf8_lossy(&f.bytes), name.into()).unwrap();
            let missing = missing_warnings(lang, &en, Some(&own), None);
            assert!(missing.is_empty(), "{lang}: {missing:?}");
            let s = Strings::load(&theme, Path::new("/nonexistent-site"), lang).unwrap();
            assert_eq!(s.days.len(), 7, "{lang}");
            assert_eq!(s.days_plural.len(), 7, "{lang}");
            langs += 1;
        }
        assert!(langs >= 6, "fr, en, de, es, it, nl");
    }

    #[test]
    fn dates_per_language() {
        let d = date("2027-01-01");
        let cases = [
            ("fr", "1er janvier 2027"),
            ("en", "January 1, 2027"),
            ("de", "1. Januar 2027"),
            ("es", "1 de enero de 2027"),
            ("it", "1º gennaio 2027"),
            ("nl", "1 januari 2027"),
        ];
        for (l, want) in cases {
            assert_eq!(lang(l).format_date(d), want, "{l}");
        }
        assert_eq!(lang("it").format_date(date("2027-03-11")), "11 marzo 2027");
        // A language the theme does not have falls back to English; a
        // regional variant to its language.
        assert_eq!(lang("sv").format_date(d), "January 1, 2027");
        assert_eq!(lang("fr-CA").format_date(d), "1er janvier 2027");
        assert_eq!(lang("de-CH").format_date(d), "1. Januar 2027");
        // Every placeholder, repeated, beside braces that are not one.
        let mut custom = lang("fr");
        custom.date_format = "{weekday} {day} {month} {year} ({day}) {x} {".into();
        assert_eq!(
            custom.format_date(d),
            "vendredi 1er janvier 2027 (1er) {x} {"
        );
        let mut de = lang("de");
        de.date_format = "{weekday}, {day}. {month}".into();
        assert_eq!(
            de.format_date(d),
            "Freitag, 1. Januar",
            "German capitalises"
        );
    }

    #[test]
    fn date_badges_show_the_day_in_digits_and_the_month_cut_short() {
        let fr = lang("fr");
        assert_eq!(
            fr.date_badge(date("2026-12-01")),
            ("1".to_string(), "déc.".to_string())
        );
        assert_eq!(fr.date_badge(date("2026-06-14")).1, "juin");
        assert_eq!(fr.date_badge(date("2026-07-14")).1, "juil.");
        assert_eq!(fr.date_badge(date("2026-08-02")).1, "août");
        let en = lang("en");
        assert_eq!(en.date_badge(date("2026-07-04")).1, "July");
        assert_eq!(
            en.date_badge(date("2026-09-30")),
            ("30".to_string(), "Sep.".to_string())
        );
        assert_eq!(lang("de").date_badge(date("2026-03-03")).1, "März");
    }

    #[test]
    fn date_ranges_within_a_month_across_months_and_years() {
        let (a, b) = (date("2026-09-11"), date("2026-09-13"));
        let (c, e) = (date("2026-09-30"), date("2026-10-02"));
        let (y1, y2) = (date("2026-12-30"), date("2027-01-01"));
        let cases = [
            (
                "fr",
                [
                    "du 11 au 13 septembre 2026",
                    "du 30 septembre au 2 octobre 2026",
                    "du 30 décembre 2026 au 1er janvier 2027",
                ],
            ),
            (
                "en",
                [
                    "September 11–13, 2026",
                    "September 30 – October 2, 2026",
                    "December 30, 2026 – January 1, 2027",
                ],
            ),
            (
                "de",
                [
                    "11.–13. September 2026",
                    "30. September – 2. Oktober 2026",
                    "30. Dezember 2026 – 1. Januar 2027",
                ],
            ),
            (
                "es",
                [
                    "del 11 al 13 de septiembre de 2026",
                    "del 30 de septiembre al 2 de octubre de 2026",
                    "del 30 de diciembre de 2026 al 1 de enero de 2027",
                ],
            ),
            (
                "it",
                [
                    "11–13 settembre 2026",
                    "30 settembre – 2 ottobre 2026",
                    "30 dicembre 2026 – 1º gennaio 2027",
                ],
            ),
            (
                "nl",
                [
                    "11–13 september 2026",
                    "30 september – 2 oktober 2026",
                    "30 december 2026 – 1 januari 2027",
                ],
            ),
        ];
        for (l, [month, months, years]) in cases {
            let s = lang(l);
            assert_eq!(s.date_range(a, b), month, "{l}");
            assert_eq!(s.date_range(c, e), months, "{l}");
            assert_eq!(s.date_range(y1, y2), years, "{l}");
        }
        assert_eq!(lang("fr").date_range(a, a), "11 septembre 2026");
        assert_eq!(
            lang("fr").date_range(date("2026-10-01"), date("2026-10-03")),
            "du 1er au 3 octobre 2026"
        );
    }

    #[test]
    fn times_and_time_spans_per_language() {
        let start = at("2026-07-14T21:00:00+02:00[Europe/Paris]");
        let end = at("2026-07-14T23:30:00+02:00[Europe/Paris]");
        let next_day = at("2026-07-15T01:00:00+02:00[Europe/Paris]");
        let cases = [
            ("fr", "23 h 30", "14 juillet 2026, 21 h – 23 h 30"),
            ("en", "11:30 pm", "July 14, 2026, 9 pm – 11:30 pm"),
            ("de", "23:30", "14. Juli 2026, 21:00–23:30 Uhr"),
            ("es", "23:30", "14 de julio de 2026, de 21:00 a 23:30 h"),
            ("it", "23:30", "14 luglio 2026, 21:00–23:30"),
            ("nl", "23:30", "14 juli 2026, 21:00–23:30 uur"),
        ];
        for (l, time, span) in cases {
            let s = lang(l);
            assert_eq!(s.format_time(&end), time, "{l}");
            assert_eq!(s.time_span(&start, &end), span, "{l}");
        }
        assert_eq!(lang("fr").format_time(&start), "21 h");
        assert_eq!(
            lang("en").format_time(&at("2026-07-14T00:05:00+02:00[Europe/Paris]")),
            "12:05 am"
        );
        assert_eq!(
            lang("fr").time_span(&start, &next_day),
            "du 14 juillet 2026, 21 h au 15 juillet 2026, 1 h"
        );
        assert_eq!(
            lang("de").time_span(&start, &next_day),
            "14. Juli 2026, 21:00 – 15. Juli 2026, 01:00"
        );
    }

    #[test]
    fn recurrences_per_language() {
        use crate::content::event::Rrule;
        let rule = |r: &str| Rrule::parse(r).unwrap();
        let saturday = rule("FREQ=WEEKLY;BYDAY=SA");
        let weekend = rule("FREQ=WEEKLY;BYDAY=FR,SA,SU");
        let cases = [
            (
                "fr",
                "tous les samedis",
                "tous les vendredis, samedis et dimanches",
            ),
            ("en", "every Saturday", "every Friday, Saturday and Sunday"),
            ("de", "jeden Samstag", "jeden Freitag, Samstag und Sonntag"),
            (
                "es",
                "todos los sábados",
                "todos los viernes, sábados y domingos",
            ),
            ("it", "ogni sabato", "ogni venerdì, sabato e domenica"),
            ("nl", "elke zaterdag", "elke vrijdag, zaterdag en zondag"),
        ];
        for (l, one, three) in cases {
            assert_eq!(lang(l).recurrence(&saturday), one, "{l}");
            assert_eq!(lang(l).recurrence(&weekend), three, "{l}");
        }
        let fr = lang("fr");
        assert_eq!(fr.recurrence(&rule("FREQ=DAILY")), "tous les jours");
        assert_eq!(
            fr.recurrence(&rule("FREQ=DAILY;INTERVAL=3")),
            "tous les 3 jours"
        );
        assert_eq!(fr.recurrence(&rule("FREQ=WEEKLY")), "toutes les semaines");
        assert_eq!(
            fr.recurrence(&rule("FREQ=WEEKLY;INTERVAL=2")),
            "toutes les 2 semaines"
        );
        assert_eq!(
            fr.recurrence(&rule("FREQ=MONTHLY;INTERVAL=2")),
            "tous les 2 mois"
        );
        assert_eq!(lang("de").recurrence(&rule("FREQ=YEARLY")), "jährlich");
        assert_eq!(
            lang("de").recurrence(&rule("FREQ=YEARLY;INTERVAL=2")),
            "alle 2 Jahre"
        );
        assert_eq!(lang("en").recurrence(&rule("FREQ=MONTHLY")), "every month");
        assert_eq!(
            lang("nl").recurrence(&rule("FREQ=WEEKLY;INTERVAL=2")),
            "om de 2 weken"
        );
    }

    #[test]
    fn counts_and_numbers_per_language() {
        let count = |l: &str, n: f64| lang(l).counted("page_count", n, None).unwrap();
        assert_eq!(count("fr", 0.0), "0 page");
        assert_eq!(count("fr", 1.0), "1 page");
        assert_eq!(count("fr", 1234.0), "1\u{202F}234 pages");
        assert_eq!(count("fr", 1_000_000.0), "1\u{202F}000\u{202F}000 de pages");
        assert_eq!(count("en", 0.0), "0 pages");
        assert_eq!(count("en", 1.0), "1 page");
        assert_eq!(count("en", 1234.0), "1,234 pages");
        assert_eq!(count("de", 1.0), "1 Seite");
        assert_eq!(count("de", 1234.0), "1.234 Seiten");
        assert_eq!(count("es", 1234.0), "1234 páginas");
        assert_eq!(count("es", 12345.0), "12.345 páginas");
        assert_eq!(count("it", 1.0), "1 pagina");
        assert_eq!(count("nl", 2.0), "2 pagina’s");
        // A plain string serves every count; an unknown key is None.
        assert_eq!(lang("en").counted("home", 2.0, None).unwrap(), "Home");
        assert!(lang("en").counted("nope", 2.0, None).is_none());
        assert_eq!(lang("fr").format_number(1234.5, None), "1\u{202F}234,5");
        assert_eq!(lang("en").format_number(1234.5, None), "1,234.5");
        for l in ["de", "it", "nl"] {
            assert_eq!(lang(l).format_number(1234.5, None), "1.234,5", "{l}");
        }
        assert_eq!(lang("es").format_number(1234.5, Some(2)), "1234,50");
    }

    /// A theme made of the built-in one's files, with `i18n` files replaced.
    fn theme_with(i18n: &[(&str, &str)]) -> Theme {
        let mut t = builtin();
        t.builtin = false;
        t.files.retain(|f| !f.rel.starts_with("i18n/"));
        for (rel, text) in i18n {
            t.files.push(ThemeFile {
                rel: rel.to_string(),
                display: format!("themes/custom/{rel}"),
                bytes: Cow::Owned(text.as_bytes().to_vec()),
            });
        }
        t
    }

    #[test]
    fn missing_strings_fall_back_to_english_and_are_named() {
        let en =
            String::from_utf8_lossy(&builtin().file("i18n/en.toml").unwrap().bytes).into_owned();
        let de = "days = [\"Montag\", \"Dienstag\", \"Mittwoch\", \"Donnerstag\", \"Freitag\", \"Samstag\", \"Sonntag\"]\n[strings]\nhome = \"Startseite\"\n";
        let theme = theme_with(&[("i18n/en.toml", &en), ("i18n/de.toml", de)]);
        let dir = tempfile::tempdir().unwrap();
        let (s, warnings) = Strings::load_checked(&theme, dir.path(), "de").unwrap();
        assert_eq!(s.strings["home"], "Startseite");
        assert_eq!(s.strings["close"], "Close", "English fills the gap");
        assert_eq!(s.months[0], "January");
        // Not English word order in German: whole dates, commas.
        assert_eq!(
            s.date_range(date("2026-09-11"), date("2026-09-13")),
            "September 11, 2026 – September 13, 2026"
        );
        assert!(!s.strings.contains_key("list_and"));
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!(w.code, "i18n-missing");
        assert_eq!(w.file.as_deref(), Some("themes/custom/i18n/de.toml"));
        assert!(
            w.message.contains("`de`") && w.message.contains("`months`"),
            "{}",
            w.message
        );
        assert!(w.message.contains("more"), "{}", w.message);
        assert!(!w.message.contains("`home`"), "{}", w.message);

        // The site's file completes the theme's: nothing is missing.
        std::fs::create_dir_all(dir.path().join("i18n")).unwrap();
        std::fs::write(dir.path().join("i18n/de.toml"), &en).unwrap();
        let (_, none) = Strings::load_checked(&theme, dir.path(), "de").unwrap();
        assert!(none.is_empty(), "{none:?}");

        // A language neither translates: one warning saying how to add it.
        let (pt, w) = Strings::load_checked(&theme, dir.path(), "pt").unwrap();
        assert_eq!(pt.strings["home"], "Home");
        // English words, English plural rules (Portuguese would say one for 0).
        assert_eq!(pt.counted("page_count", 0.0, None).unwrap(), "0 pages");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].file.as_deref(), Some("i18n/pt.toml"));
        assert!(w[0].help.as_deref().unwrap().contains("i18n/pt.toml"));
        // English is the base: it lacks nothing.
        assert!(
            Strings::load_checked(&theme, dir.path(), "en")
                .unwrap()
                .1
                .is_empty()
        );
    }

    #[test]
    fn a_theme_without_english_strings_uses_the_built_in_ones() {
        let theme = theme_with(&[]);
        let (s, w) = Strings::load_checked(&theme, Path::new("/nonexistent-site"), "en").unwrap();
        assert_eq!(s.strings["home"], "Home");
        assert!(w.is_empty());
    }

    #[test]
    fn bad_plural_forms_are_errors_naming_the_file() {
        let theme = theme_with(&[(
            "i18n/en.toml",
            "[strings]\npage_count = { one = \"{n} page\", few = \"{n} pages\" }\n",
        )]);
        let err = Strings::load(&theme, Path::new("/x"), "en")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("themes/custom/i18n/en.toml") && err.contains("few"),
            "{err}"
        );
        let theme = theme_with(&[("i18n/en.toml", "[strings]\npage_count = { one = \"x\" }\n")]);
        let err = Strings::load(&theme, Path::new("/x"), "en")
            .unwrap_err()
            .to_string();
        assert!(err.contains("other"), "{err}");
    }
}
