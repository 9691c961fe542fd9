//! `gallery.toml`: the photos of a folder, in order, with alt text, caption,
//! credit, licence, rights period and focal point, and their translations
//! (`[photo.en]`).
//!
//! A photo without `alt` is an error (SPEC: alt text is required); without
//! credit or licence a warning; past its `until` date it is left out (with a
//! warning; `check` makes it an error), and within 30 days of it a warning.
//! Paths stay inside the site. `press = true` offers a photo to the press
//! library, `press = false` keeps it out whatever its licence
//! ([`Photo::for_press`]). This module reads and validates; it makes no
//! pixels.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::frontmatter::{FmDate, Rights};
use crate::error::toml_diagnostic;
use crate::error::{Diagnostic, display_path, suggest};
use crate::paths::Resolver;

/// A photo's texts in one language.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhotoText {
    pub alt: Option<String>,
    pub caption: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawPhoto {
    file: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
    license: Option<String>,
    until: Option<FmDate>,
    focus: Option<[f64; 2]>,
    press: Option<bool>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGallery {
    #[serde(default)]
    photo: Vec<RawPhoto>,
}

/// One photo of a gallery.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    pub path: PathBuf,
    /// The file name without extension, slugified: the photo page's address.
    pub stem: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub license: Option<String>,
    pub focus: (f64, f64),
    /// The last day the photo may be published (`until`), when it has one:
    /// the press library shows it.
    pub until: Option<jiff::civil::Date>,
    /// `press` as written: offered to the press library (`true`), kept out
    /// of it (`false`), or as `[press] licenses` decides (`None`).
    pub press: Option<bool>,
    /// Texts in other languages.
    pub translations: BTreeMap<String, PhotoText>,
}

impl Photo {
    pub fn alt_in(&self, lang: &str) -> &str {
        self.translations
            .get(lang)
            .and_then(|t| t.alt.as_deref())
            .unwrap_or(&self.alt)
    }
    pub fn caption_in(&self, lang: &str) -> Option<&str> {
        self.translations
            .get(lang)
            .and_then(|t| t.caption.as_deref())
            .or(self.caption.as_deref())
    }

    /// Whether the photo is in the press library: what its `press` says,
    /// else whether its licence is one of `licenses` (`[press] licenses`),
    /// compared without regard to case, spaces or hyphens ("CC-BY-4.0" is
    /// "CC BY 4.0"). Expired photos never get here: [`load`] leaves them out.
    pub fn for_press(&self, licenses: &[String]) -> bool {
        match self.press {
            Some(flag) => flag,
            None => self.license.as_deref().is_some_and(|l| {
                let l = licence_key(l);
                licenses.iter().any(|x| licence_key(x) == l)
            }),
        }
    }
}

/// A licence's name reduced for comparison: lower case, with hyphens,
/// underscores and runs of spaces made one space.
pub fn licence_key(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The photos of one folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gallery {
    pub photos: Vec<Photo>,
    /// Every file gallery.toml names, published or not (expired photos too):
    /// none of them is ever copied to the output as it is.
    pub listed: Vec<PathBuf>,
}

const KEYS: [&str; 8] = [
    "file", "alt", "caption", "credit", "license", "until", "focus", "press",
];

/// Reads `dir/gallery.toml`. `languages` are the site's other languages
/// (`[photo.en]`); `clock` and `tz` decide rights periods. Returns the gallery
/// and its warnings. One loop over the photos runs every check of a photo
/// in the order of its keys, each adding to the same lists, so that one run
/// shows every problem of the file; that list is its length.
pub fn load(
    root: &Path,
    dir: &Path,
    languages: &[&str],
    clock: &crate::clock::Clock,
    tz: &jiff::tz::TimeZone,
) -> Result<(Gallery, Vec<Diagnostic>), Vec<Diagnostic>> {
    let file = dir.join("gallery.toml");
    let rel = display_path(&file, root);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| vec![Diagnostic::io(&file, root, "read the gallery", &e)])?;
    let raw: RawGallery = toml::from_str(&text)
        .map_err(|e| vec![toml_diagnostic(&e, &text, 0, "gallery").file(rel.clone())])?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut photos = Vec::new();
    let mut listed = Vec::new();
    // The photos of a gallery share their folder: its real path found once.
    let resolver = Resolver::new(root);
    for (i, p) in raw.photo.into_iter().enumerate() {
        let n = i + 1;
        let here = |msg: String| Diagnostic::error("gallery", msg).file(rel.clone());
        let mut translations = BTreeMap::new();
        for (key, value) in p.other {
            if languages.contains(&key.as_str()) && value.is_table() {
                match value.try_into::<PhotoText>() {
                    Ok(t) => {
                        translations.insert(key, t);
                    }
                    Err(e) => errors.push(here(format!(
                        "photo {n} (`{}`): [photo.{key}]: {}",
                        p.file,
                        e.message()
                    ))),
                }
            } else {
                let known = KEYS.iter().copied().chain(languages.iter().copied());
                let mut d = Diagnostic::error(
                    "unknown-key",
                    format!("unknown key `{key}` in photo {n} (`{}`)", p.file),
                )
                .file(rel.clone());
                if let Some(s) = suggest(&key, known) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
            }
        }
        let path = match resolver.resolve(dir, &p.file) {
            Ok((path, true)) => {
                listed.push(path.clone());
                path
            }
            Ok((path, false)) => {
                errors.push(
                    here(format!("photo {n}: `{}` does not exist", p.file))
                        .with_code("missing-file")
                        .help(crate::paths::near_miss(&path).unwrap_or_else(|| {
                            "put the photo beside gallery.toml, or fix its name".into()
                        })),
                );
                continue;
            }
            Err(why) => {
                errors.push(
                    Diagnostic::error(
                        "path-outside-site",
                        format!("photo {n}: `{}` {why}", p.file),
                    )
                    .file(rel.clone()),
                );
                continue;
            }
        };
        let Some(alt) = p.alt.filter(|a| !a.trim().is_empty()) else {
            errors.push(
                here(format!("photo {n} (`{}`) has no alt text", p.file))
                    .with_code("missing-alt")
                    .help("describe the photo for people who cannot see it: alt = \"Brume sur le lac à l'aube\""),
            );
            continue;
        };
        // Without credit or licence in gallery.toml, the photo's own XMP,
        // IPTC or EXIF creator and copyright fields stand in.
        let (credit, license) = match (p.credit, p.license) {
            (Some(c), Some(l)) => (Some(c), Some(l)),
            (c, l) => {
                let embedded = super::photo_meta::embedded_credit(&path);
                (c.or(embedded.creator), l.or(embedded.rights))
            }
        };
        if credit.is_none() || license.is_none() {
            let what = match (credit.is_none(), license.is_none()) {
                (true, true) => "credit or licence",
                (true, false) => "credit",
                _ => "licence",
            };
            warnings.push(
                Diagnostic::warning("missing-credit", format!("photo {n} (`{}`) has no {what}", p.file))
                    .file(rel.clone())
                    .help("add credit = \"Author\" and license = \"CC BY 4.0\" (or the agreement you have)"),
            );
        }
        if let Some(until) = &p.until {
            let rights = until.rights_at(clock, tz);
            if rights == Rights::Ended {
                warnings.push(
                    Diagnostic::warning(
                        "rights-expired",
                        format!(
                            "the right to publish photo {n} (`{}`) ended on {}; it is left out",
                            p.file,
                            until.date()
                        ),
                    )
                    .file(rel.clone())
                    .help("remove the photo, or renew the agreement and update `until`"),
                );
                continue;
            }
            if rights == Rights::EndingSoon {
                warnings.push(
                    Diagnostic::warning(
                        "rights-expiring",
                        format!(
                            "the right to publish photo {n} (`{}`) ends on {}",
                            p.file,
                            until.date()
                        ),
                    )
                    .file(rel.clone())
                    .help("renew the agreement, or plan to remove the photo"),
                );
            }
        }
        let focus = p
            .focus
            .map_or((0.5, 0.5), |[x, y]| (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)));
        let stem = crate::slug::slugify(
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        photos.push(Photo {
            path,
            stem,
            alt,
            caption: p.caption,
            credit,
            license,
            focus,
            until: p.until.map(|u| u.date()),
            press: p.press,
            translations,
        });
    }
    if errors.is_empty() {
        Ok((Gallery { photos, listed }, warnings))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(toml: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gallery.toml"), toml).unwrap();
        for f in ["aube.jpg", "lac.jpg"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        dir
    }

    fn now() -> crate::clock::Clock {
        crate::clock::Clock::new("2026-07-01T00:00:00Z".parse().unwrap())
    }

    #[test]
    fn photos_in_order_with_translations_and_warnings() {
        let d = setup(
            "[[photo]]\nfile = \"lac.jpg\"\nalt = \"Le lac\"\ncredit = \"C.\"\nlicense = \"CC BY 4.0\"\nfocus = [0.2, 0.3]\n[photo.en]\nalt = \"The lake\"\n\n[[photo]]\nfile = \"aube.jpg\"\nalt = \"L'aube\"\nuntil = 2026-07-20\n",
        );
        let (g, w) = load(
            d.path(),
            d.path(),
            &["en"],
            &now(),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(g.photos.len(), 2);
        assert_eq!(g.photos[0].stem, "lac");
        assert_eq!(g.photos[0].alt_in("en"), "The lake");
        assert_eq!(g.photos[0].alt_in("de"), "Le lac");
        assert_eq!(g.photos[0].focus, (0.2, 0.3));
        let codes: Vec<&str> = w.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["missing-credit", "rights-expiring"]);
        assert_eq!(g.photos[1].until, Some(jiff::civil::date(2026, 7, 20)));
        assert_eq!(g.photos[0].until, None);
    }

    #[test]
    fn press_photos_by_flag_or_by_licence_unless_refused() {
        let d = setup(
            "[[photo]]\nfile = \"lac.jpg\"\nalt = \"a\"\ncredit = \"C.\"\nlicense = \"CC-BY-4.0\"\n\n[[photo]]\nfile = \"aube.jpg\"\nalt = \"b\"\ncredit = \"C.\"\nlicense = \"CC BY 4.0\"\npress = false\n\n[[photo]]\nfile = \"lac.jpg\"\nalt = \"c\"\ncredit = \"C.\"\nlicense = \"Tous droits réservés\"\npress = true\n\n[[photo]]\nfile = \"aube.jpg\"\nalt = \"d\"\ncredit = \"C.\"\nlicense = \"Tous droits réservés\"\n",
        );
        let (g, _) = load(d.path(), d.path(), &[], &now(), &jiff::tz::TimeZone::UTC).unwrap();
        let allowed = vec!["cc by 4.0".to_string()];
        let chosen: Vec<&str> = g
            .photos
            .iter()
            .filter(|p| p.for_press(&allowed))
            .map(|p| p.alt.as_str())
            .collect();
        // By licence (spelled another way), refused, by flag, neither.
        assert_eq!(chosen, ["a", "c"]);
        let none: Vec<&str> = g
            .photos
            .iter()
            .filter(|p| p.for_press(&[]))
            .map(|p| p.alt.as_str())
            .collect();
        assert_eq!(none, ["c"], "without an allow-list, only the flag counts");
        assert_eq!(licence_key(" CC_BY-SA  4.0 "), "cc by sa 4.0");
    }

    #[test]
    fn an_expired_press_photo_is_left_out_like_any_other() {
        let d = setup(
            "[[photo]]\nfile = \"lac.jpg\"\nalt = \"a\"\ncredit = \"C.\"\nlicense = \"L\"\npress = true\nuntil = 2026-06-30\n\n[[photo]]\nfile = \"aube.jpg\"\nalt = \"b\"\ncredit = \"C.\"\nlicense = \"L\"\npress = true\nuntil = 2026-07-01\n",
        );
        let (g, w) = load(d.path(), d.path(), &[], &now(), &jiff::tz::TimeZone::UTC).unwrap();
        let kept: Vec<&str> = g.photos.iter().map(|p| p.alt.as_str()).collect();
        // The right of `b` runs to the end of today: it is kept, with its date.
        assert_eq!(kept, ["b"]);
        assert_eq!(g.photos[0].until, Some(jiff::civil::date(2026, 7, 1)));
        assert_eq!(w[0].code, "rights-expired");
        let d = setup("[[photo]]\nfile = \"lac.jpg\"\nalt = \"a\"\npress = \"yes\"\n");
        assert!(load(d.path(), d.path(), &[], &now(), &jiff::tz::TimeZone::UTC).is_err());
    }

    #[test]
    fn credit_and_licence_come_from_exif_when_gallery_toml_has_none() {
        let d = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images/gps.jpg");
        std::fs::copy(src, d.path().join("gps.jpg")).unwrap();
        std::fs::write(
            d.path().join("gallery.toml"),
            "[[photo]]\nfile = \"gps.jpg\"\nalt = \"x\"\n",
        )
        .unwrap();
        let (g, w) = load(d.path(), d.path(), &[], &now(), &jiff::tz::TimeZone::UTC).unwrap();
        assert_eq!(g.photos[0].credit.as_deref(), Some("Camille R."));
        assert_eq!(g.photos[0].license.as_deref(), Some("CC BY 4.0"));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn expired_photos_are_left_out_and_errors_are_named() {
        let d = setup(
            "[[photo]]\nfile = \"lac.jpg\"\nalt = \"Le lac\"\ncredit = \"C.\"\nlicense = \"L\"\nuntil = 2026-06-01\n",
        );
        let (g, w) = load(d.path(), d.path(), &[], &now(), &jiff::tz::TimeZone::UTC).unwrap();
        assert!(g.photos.is_empty());
        assert_eq!(w[0].code, "rights-expired");
        let d = setup(
            "[[photo]]\nfile = \"lac.jpg\"\ncaptoin = \"x\"\n\n[[photo]]\nfile = \"absent.jpg\"\nalt = \"x\"\n\n[[photo]]\nfile = \"aube.jpg\"\n\n[[photo]]\nfile = \"../../../etc/passwd\"\nalt = \"x\"\n",
        );
        let e = load(d.path(), d.path(), &[], &now(), &jiff::tz::TimeZone::UTC).unwrap_err();
        let codes: Vec<&str> = e.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "unknown-key",
                "missing-alt",
                "missing-file",
                "missing-alt",
                "path-outside-site"
            ]
        );
        assert_eq!(e[0].help.as_deref(), Some("did you mean `caption`?"));
        assert!(e.iter().all(|d| d.file.as_deref() == Some("gallery.toml")));
    }
}
