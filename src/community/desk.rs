//! The community manager's desk (docs/community.md, "The desk"): what
//! `blason desk` lists for the people who ask authors for their consent and
//! look after the territory's ambassadors.
//!
//! Unlike [`super::load`], which keeps only what may be published, this
//! reads every post file, pending ones included, and what the office's
//! records say of each (consent, rights, terms). The build never calls it:
//! what it finds goes to the desk folder, outside the site's output, so a
//! post its author has not agreed to share cannot reach a published page.
//!
//! The office's reuse terms are versioned markdown files in
//! `community/terms/` (`2027-01.md`), with their scope and duration in
//! front matter; a post records the version its consent was given under
//! (`terms = "2027-01"`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{FOLDER, Network, Status};
use crate::content::frontmatter::{FmDate, Rights};
use crate::error::{Diagnostic, display_path};

/// The folder of the reuse terms, under `community/`.
pub const TERMS_FOLDER: &str = "terms";

/// One version of the office's reuse terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    /// The file's stem: `2027-01`.
    pub version: String,
    /// Relative to the site root, for messages.
    pub file: String,
    /// Where and how posts are reused: "le site et les comptes de l'office".
    pub scope: String,
    /// The scope in other languages (`[translations.en] scope = "..."`),
    /// for requests to authors who write in them.
    pub scope_in: BTreeMap<String, String>,
    /// How long the right lasts, in months.
    pub months: u32,
    /// Where authors can read the terms: an https address or a path of the
    /// site (`/communaute/conditions/`).
    pub url: Option<String>,
    /// The terms' text (the file's body), trimmed.
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerms {
    scope: String,
    months: u32,
    url: Option<String>,
    #[serde(default)]
    translations: BTreeMap<String, RawTranslation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    scope: String,
}

impl Terms {
    /// The scope in `lang` (its primary subtag), else as written.
    pub fn scope_in(&self, lang: &str) -> &str {
        let primary = lang.split(['-', '_']).next().unwrap_or(lang);
        self.scope_in
            .get(primary)
            .map_or(&self.scope, String::as_str)
    }
}

/// Whether `version` may name a terms file: letters, digits, `.`, `-`, `_`.
fn is_version(version: &str) -> bool {
    !version.is_empty()
        && version.len() <= 40
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Reads `community/terms/*.md`, sorted by version: the last is the
/// current one. Every problem of every file is reported.
pub fn load_terms(root: &Path) -> Result<Vec<Terms>, Vec<Diagnostic>> {
    let dir = root.join(FOLDER).join(TERMS_FOLDER);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let (files, mut errors) = crate::paths::walk_files(root, &dir, crate::paths::is_scratch);
    let mut terms = Vec::new();
    for file in &files {
        let rel = display_path(file, root);
        let err = |msg: String| Diagnostic::error("terms", msg).file(rel.clone());
        if file.extension().and_then(|e| e.to_str()) != Some("md") {
            errors.push(
                err("the terms folder holds only markdown files, one per version".into())
                    .help("name each version's file after it: community/terms/2027-01.md"),
            );
            continue;
        }
        let version = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_version(&version) {
            errors.push(
                err(format!("`{version}` cannot name a version of the terms")).help(
                    "name the file after its version, in letters, digits and dashes: 2027-01.md",
                ),
            );
            continue;
        }
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(Diagnostic::io(file, root, "read the terms", &e));
                continue;
            }
        };
        let split = match crate::content::frontmatter::split(&text) {
            Ok(s) => s,
            Err(d) => {
                errors.push(d.file(rel.clone()).help(
                    "start the file with its scope and duration:\n+++\nscope = \"le site et les comptes de l'office\"\nmonths = 24\n+++",
                ));
                continue;
            }
        };
        let raw: RawTerms = match crate::content::frontmatter::parse(&split) {
            Ok(r) => r,
            Err(d) => {
                errors.push(d.file(rel.clone()));
                continue;
            }
        };
        let mut bad = false;
        if raw.scope.trim().is_empty() {
            errors.push(err("`scope` is empty".into()).help(
                "say where posts are reused: scope = \"le site et les comptes de l'office\"",
            ));
            bad = true;
        }
        if raw.months == 0 || raw.months > 120 {
            errors.push(
                err(format!(
                    "`months = {}` is not a duration the terms can grant",
                    raw.months
                ))
                .help("give the right's duration in months, from 1 to 120: months = 24"),
            );
            bad = true;
        }
        if let Some(u) = &raw.url
            && crate::url::https_host(u).is_none()
            && (!u.starts_with('/') || u.starts_with("//"))
        {
            errors.push(
                err(format!(
                    "`url = \"{u}\"` is not an https:// address or a path of the site"
                ))
                .help("give where authors can read the terms: url = \"/communaute/conditions/\""),
            );
            bad = true;
        }
        if !bad {
            terms.push(Terms {
                version,
                file: rel,
                scope: raw.scope.trim().to_string(),
                scope_in: raw
                    .translations
                    .into_iter()
                    .map(|(l, t)| (l, t.scope.trim().to_string()))
                    .filter(|(_, s)| !s.is_empty())
                    .collect(),
                months: raw.months,
                url: raw.url,
                text: split.body.trim().to_string(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    terms.sort_by(|a, b| a.version.cmp(&b.version));
    Ok(terms)
}

/// What the office's files say of one post, whatever its status.
#[derive(Debug, Clone)]
pub struct Record {
    /// Relative to the site root: `community/feu.toml`.
    pub file: String,
    pub network: Network,
    pub url: String,
    pub author: String,
    pub handle: Option<String>,
    pub date: FmDate,
    pub text: String,
    pub lang: Option<String>,
    /// Where the original image is (written by `import`).
    pub image_url: Option<String>,
    pub tags: Vec<String>,
    pub status: Status,
    pub consent: bool,
    pub terms: Option<String>,
    /// The last day of the right to show it, when there is one.
    pub until: Option<FmDate>,
    /// Where that right stands today.
    pub rights: Rights,
}

impl Record {
    /// Whether the site shows it: the rule of [`super::load`].
    pub fn published(&self) -> bool {
        self.status == Status::Approved && self.consent && self.rights != Rights::Ended
    }
}

/// Everything the desk shows.
#[derive(Debug, Default)]
pub struct Desk {
    /// Every post file, newest first.
    pub records: Vec<Record>,
    /// The reuse terms, oldest version first.
    pub terms: Vec<Terms>,
}

impl Desk {
    /// The version new consents are asked under: the newest.
    pub fn current_terms(&self) -> Option<&Terms> {
        self.terms.last()
    }

    /// Posts waiting for their author's consent (`pending`), newest first.
    pub fn pending(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(|r| r.status == Status::Pending)
    }

    /// Published posts whose right ends within 30 days, soonest first.
    pub fn expiring(&self, tz: &jiff::tz::TimeZone) -> Vec<&Record> {
        let mut out: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| r.published() && r.rights == Rights::EndingSoon)
            .collect();
        out.sort_by_key(|r| r.until.map(|u| u.timestamp(tz)));
        out
    }

    /// Published posts that do not say which terms they were given under,
    /// or name a version no file has.
    pub fn without_terms(&self) -> Vec<&Record> {
        self.records
            .iter()
            .filter(|r| r.published() && !self.knows(r.terms.as_deref()))
            .collect()
    }

    fn knows(&self, version: Option<&str>) -> bool {
        version.is_some_and(|v| self.terms.iter().any(|t| t.version == v))
    }
}

/// Reads the desk: every post file and the reuse terms. The posts are read
/// once, as a build reads them ([`super::load`]), so a file the build would
/// refuse is refused here with the same message.
pub fn load(
    root: &Path,
    now: jiff::Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Result<Desk, Vec<Diagnostic>> {
    let mut records = Vec::new();
    let clock = crate::clock::Clock::new(now);
    let checked = super::load_all(root, &clock, tz, Some(&mut records));
    let terms = load_terms(root);
    let terms = match (checked, terms) {
        (Ok(_), Ok(t)) => t,
        (c, t) => {
            let mut errors = c.err().unwrap_or_default();
            errors.extend(t.err().unwrap_or_default());
            return Err(errors);
        }
    };
    records.sort_by(|a, b| {
        b.date
            .timestamp(tz)
            .cmp(&a.date.timestamp(tz))
            .then_with(|| a.file.cmp(&b.file))
    });
    Ok(Desk { records, terms })
}

/// One of the territory's ambassadors: a person whose posts the site shows.
#[derive(Debug)]
pub struct Ambassador<'a> {
    /// The name as first written (of their newest post).
    pub name: &'a str,
    /// Their posts on the site, newest first.
    pub posts: Vec<&'a Record>,
    /// Each network they post on, with the handles they use there.
    pub accounts: Vec<(Network, Vec<&'a str>)>,
    /// Their tags, most used first, with the count.
    pub tags: Vec<(&'a str, usize)>,
    /// The soonest end of a right among their posts; `None` when every
    /// right runs without end.
    pub rights_end: Option<FmDate>,
    /// Whether a right ends within 30 days.
    pub ending_soon: bool,
}

/// The people whose posts are published (approved, with consent, within
/// their rights): grouped by name (as its address would be written, so
/// "Camille R." and "camille r." are one person), those with the most
/// posts first, then the most recent.
pub fn ambassadors<'a>(desk: &'a Desk, tz: &jiff::tz::TimeZone) -> Vec<Ambassador<'a>> {
    let mut people: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in desk.records.iter().filter(|r| r.published()) {
        people
            .entry(crate::slug::slugify(&r.author))
            .or_default()
            .push(r);
    }
    let mut out: Vec<Ambassador<'a>> = people
        .into_values()
        .map(|posts| {
            let mut accounts: Vec<(Network, Vec<&str>)> = Vec::new();
            let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
            for p in &posts {
                match accounts.iter_mut().find(|(n, _)| *n == p.network) {
                    Some((_, handles)) => {
                        if let Some(h) = p.handle.as_deref()
                            && !handles.contains(&h)
                        {
                            handles.push(h);
                        }
                    }
                    None => accounts.push((p.network, p.handle.as_deref().into_iter().collect())),
                }
                for t in &p.tags {
                    *tags.entry(t.as_str()).or_default() += 1;
                }
            }
            accounts.sort_by_key(|(n, _)| *n);
            let mut tags: Vec<(&str, usize)> = tags.into_iter().collect();
            tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let rights_end = posts
                .iter()
                .filter_map(|p| p.until)
                .min_by_key(|u| u.timestamp(tz));
            let ending_soon = posts.iter().any(|p| p.rights == Rights::EndingSoon);
            Ambassador {
                name: &posts[0].author,
                posts,
                accounts,
                tags,
                rights_end,
                ending_soon,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.posts
            .len()
            .cmp(&a.posts.len())
            .then_with(|| {
                b.posts[0]
                    .date
                    .timestamp(tz)
                    .cmp(&a.posts[0].date.timestamp(tz))
            })
            .then_with(|| a.name.cmp(b.name))
    });
    out
}

/// The `check` warnings about consents: a published post without the
/// version of the terms it was given under, or naming a version no file
/// of `community/terms/` has.
pub fn terms_warnings(community: &super::Community, terms: &[Terms]) -> Vec<Diagnostic> {
    let versions: Vec<&str> = terms.iter().map(|t| t.version.as_str()).collect();
    let newest = versions.last().copied().unwrap_or("2027-01");
    let mut out = Vec::new();
    for post in &community.posts {
        match post.terms.as_deref() {
            None => out.push(
                Diagnostic::warning(
                    "post-without-terms",
                    "this post is published but does not say which reuse terms its author agreed to",
                )
                .file(post.file.clone())
                .help(format!(
                    "write the version of the terms the author accepted: terms = \"{newest}\""
                )),
            ),
            Some(v) if !versions.contains(&v) => out.push(
                Diagnostic::warning(
                    "post-terms-unknown",
                    format!("`terms = \"{v}\"` names no file of community/terms/"),
                )
                .file(post.file.clone())
                .help(if versions.is_empty() {
                    format!("write the terms the author accepted in community/terms/{v}.md")
                } else {
                    format!("the versions are: {}", versions.join(", "))
                }),
            ),
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const TERMS: &str = "+++\nscope = \"le site et les comptes de l'office\"\nmonths = 24\nurl = \"/communaute/conditions/\"\n[translations.en]\nscope = \"the office's site and accounts\"\n+++\nVous autorisez l'office à reprendre votre publication.\n";

    fn post(author: &str, status: &str, consent: bool, extra: &str) -> String {
        format!(
            "network = \"mastodon\"\nurl = \"https://piaille.fr/@a/1\"\nauthor = \"{author}\"\nhandle = \"@a@piaille.fr\"\ndate = 2026-07-14\ntext = \"Le lac\"\ntags = [\"lac\"]\nconsent = {consent}\nstatus = \"{status}\"\n{extra}"
        )
    }

    fn now() -> jiff::Timestamp {
        "2026-12-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn terms_are_read_sorted_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "community/terms/2027-01.md", TERMS);
        write(
            dir.path(),
            "community/terms/2026-03.md",
            &TERMS.replace("24", "12"),
        );
        let terms = load_terms(dir.path()).unwrap();
        assert_eq!(
            terms
                .iter()
                .map(|t| (t.version.as_str(), t.months))
                .collect::<Vec<_>>(),
            [("2026-03", 12), ("2027-01", 24)]
        );
        assert_eq!(
            terms[1].text,
            "Vous autorisez l'office à reprendre votre publication."
        );
        assert_eq!(terms[1].url.as_deref(), Some("/communaute/conditions/"));
        assert_eq!(terms[1].scope_in("en-GB"), "the office's site and accounts");
        assert_eq!(
            terms[1].scope_in("de"),
            "le site et les comptes de l'office"
        );

        write(
            dir.path(),
            "community/terms/2027-02.md",
            "+++\nscope = \"\"\nmonths = 0\nurl = \"javascript:alert(1)\"\n+++\n",
        );
        write(
            dir.path(),
            "community/terms/2027-03.md",
            "+++\nscope = \"x\"\nmonth = 3\n+++\n",
        );
        let errors = load_terms(dir.path()).unwrap_err();
        let text: Vec<String> = errors
            .iter()
            .map(|d| format!("{} {}", d.file.as_deref().unwrap_or(""), d.message))
            .collect();
        assert!(
            text.iter()
                .any(|t| t.contains("2027-02.md") && t.contains("`scope` is empty")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("months = 0")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("javascript:")), "{text:?}");
        assert!(
            text.iter()
                .any(|t| t.contains("2027-03.md") && t.contains("month")),
            "{text:?}"
        );
    }

    #[test]
    fn the_desk_reads_pending_posts_the_build_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "blason.toml", "");
        write(dir.path(), "community/terms/2027-01.md", TERMS);
        write(
            dir.path(),
            "community/a.toml",
            &post("Léa", "pending", false, ""),
        );
        write(
            dir.path(),
            "community/b.toml",
            &post(
                "Camille R.",
                "approved",
                true,
                "terms = \"2027-01\"\n[rights]\nuntil = 2026-12-20\n",
            ),
        );
        write(
            dir.path(),
            "community/c.toml",
            &post("camille r.", "approved", true, ""),
        );
        write(
            dir.path(),
            "community/d.toml",
            &post(
                "Old",
                "approved",
                true,
                "terms = \"2025-01\"\n[rights]\nuntil = 2026-01-01\n",
            ),
        );
        let tz = jiff::tz::TimeZone::UTC;
        let community =
            super::super::load(dir.path(), &crate::clock::Clock::new(now()), &tz).unwrap();
        assert_eq!(community.posts.len(), 2, "the build shows b and c only");
        let desk = load(dir.path(), now(), &tz).unwrap();
        assert_eq!(desk.records.len(), 4);
        let pending: Vec<&str> = desk.pending().map(|r| r.file.as_str()).collect();
        assert_eq!(pending, ["community/a.toml"]);
        let expiring: Vec<&str> = desk.expiring(&tz).iter().map(|r| r.file.as_str()).collect();
        assert_eq!(
            expiring,
            ["community/b.toml"],
            "d's right has ended: it is not shown at all"
        );
        let without: Vec<&str> = desk
            .without_terms()
            .iter()
            .map(|r| r.file.as_str())
            .collect();
        assert_eq!(without, ["community/c.toml"]);

        let people = ambassadors(&desk, &tz);
        assert_eq!(
            people.len(),
            1,
            "one person under two spellings; pending and ended left out"
        );
        assert_eq!(people[0].posts.len(), 2);
        assert!(people[0].ending_soon);
        assert_eq!(
            people[0]
                .rights_end
                .map(|d| d.date().to_string())
                .as_deref(),
            Some("2026-12-20")
        );
        assert_eq!(
            people[0].accounts,
            [(Network::Mastodon, vec!["@a@piaille.fr"])]
        );
        assert_eq!(people[0].tags, [("lac", 2)]);

        let warnings = terms_warnings(&community, &desk.terms);
        let codes: Vec<(&str, &str)> = warnings
            .iter()
            .map(|d| (d.code, d.file.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(codes, [("post-without-terms", "community/c.toml")]);
    }

    #[test]
    fn a_post_naming_unknown_terms_is_warned_about() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "community/a.toml",
            &post("A", "approved", true, "terms = \"2030-01\"\n"),
        );
        let tz = jiff::tz::TimeZone::UTC;
        let community =
            super::super::load(dir.path(), &crate::clock::Clock::new(now()), &tz).unwrap();
        let w = terms_warnings(&community, &[]);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "post-terms-unknown");
        assert!(
            w[0].help
                .as_deref()
                .unwrap_or("")
                .contains("community/terms/2030-01.md")
        );
    }
}
