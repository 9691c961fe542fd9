//! Community posts: residents' and visitors' posts, one TOML file each in
//! `community/`, shown on the site as static cards with their consent.
//!
//! [`load`] reads and validates every post file: keys, network, the `url`
//! host rules (fixed hosts for centralised networks, any https host for
//! federated ones), the image beside the post. Only approved posts with
//! consent, within their rights period, come out of it; the others are
//! dropped here, so no later stage can leak them into an output file. A post
//! is untrusted input: this module keeps its text as text (templates escape
//! it), and [`text`] splits it into plain runs, hashtags and mentions with
//! links built from parts that were checked. [`import`] writes pending post
//! files from saved Mastodon and Bluesky API responses. Nothing here renders
//! HTML or makes pixels.

pub mod desk;
pub mod import;
pub mod text;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::frontmatter::{FmDate, Rights};
use crate::error::toml_diagnostic;
use crate::error::{Diagnostic, display_path, suggest};
use crate::paths::resolve_content_path;

/// The folder of post files, under the site root.
pub const FOLDER: &str = "community";

/// A social network a post comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Network {
    Instagram,
    Facebook,
    X,
    Threads,
    Tiktok,
    Youtube,
    Mastodon,
    Bluesky,
    Pixelfed,
    Peertube,
}

impl Network {
    pub const ALL: [Network; 10] = [
        Network::Instagram,
        Network::Facebook,
        Network::X,
        Network::Threads,
        Network::Tiktok,
        Network::Youtube,
        Network::Mastodon,
        Network::Bluesky,
        Network::Pixelfed,
        Network::Peertube,
    ];

    /// The key written in post files (`network = "instagram"`).
    pub fn key(self) -> &'static str {
        match self {
            Network::Instagram => "instagram",
            Network::Facebook => "facebook",
            Network::X => "x",
            Network::Threads => "threads",
            Network::Tiktok => "tiktok",
            Network::Youtube => "youtube",
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
            Network::Pixelfed => "pixelfed",
            Network::Peertube => "peertube",
        }
    }

    /// The network's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Network::Instagram => "Instagram",
            Network::Facebook => "Facebook",
            Network::X => "X",
            Network::Threads => "Threads",
            Network::Tiktok => "TikTok",
            Network::Youtube => "YouTube",
            Network::Mastodon => "Mastodon",
            Network::Bluesky => "Bluesky",
            Network::Pixelfed => "Pixelfed",
            Network::Peertube => "PeerTube",
        }
    }

    pub fn from_key(key: &str) -> Option<Network> {
        Network::ALL.into_iter().find(|n| n.key() == key)
    }

    /// Federated networks live on any server; the others on their own hosts.
    pub fn federated(self) -> bool {
        matches!(
            self,
            Network::Mastodon | Network::Pixelfed | Network::Peertube
        )
    }

    /// The hosts (and their subdomains) a centralised network's posts live on.
    pub fn hosts(self) -> &'static [&'static str] {
        match self {
            Network::Instagram => &["instagram.com"],
            Network::Facebook => &["facebook.com", "fb.com", "fb.watch"],
            Network::X => &["x.com", "twitter.com"],
            Network::Threads => &["threads.net", "threads.com"],
            Network::Tiktok => &["tiktok.com"],
            Network::Youtube => &["youtube.com", "youtu.be"],
            Network::Bluesky => &["bsky.app"],
            Network::Mastodon | Network::Pixelfed | Network::Peertube => &[],
        }
    }
}

/// Whether a post may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Approved,
    Pending,
    Rejected,
}

/// The agreement: checked for its shape; only `until` matters to the build,
/// the rest is the office's record.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRights {
    #[allow(dead_code)]
    granted_by: Option<String>,
    #[allow(dead_code)]
    granted_on: Option<FmDate>,
    #[allow(dead_code)]
    scope: Option<String>,
    until: Option<FmDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPost {
    network: String,
    url: String,
    author: String,
    handle: Option<String>,
    date: FmDate,
    #[serde(default)]
    text: String,
    /// The language the post is written in (`fr`, `en`, `ar`), when known.
    lang: Option<String>,
    image: Option<String>,
    image_alt: Option<String>,
    /// Written by `import` for the people asking consent (the desk shows
    /// it); the build ignores it.
    image_url: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    consent: bool,
    status: Status,
    /// The version of the office's reuse terms the consent was given under
    /// (a file of `community/terms/`).
    terms: Option<String>,
    rights: Option<RawRights>,
}

/// A post that may be published: approved, with consent, within its rights.
#[derive(Debug, Clone)]
pub struct CommunityPost {
    /// Relative to the site root, for messages: `community/feu.toml`.
    pub file: String,
    /// The file's stem, unique in the folder: the post's anchor on its pages.
    pub id: String,
    pub network: Network,
    /// The original post (checked: https, on the network's hosts).
    pub url: String,
    pub author: String,
    pub handle: Option<String>,
    pub date: FmDate,
    pub text: String,
    /// The text's language (a BCP 47 tag), for `lang` on the card's text.
    pub lang: Option<String>,
    /// The image beside the post file, absolute.
    pub image: Option<PathBuf>,
    pub image_alt: Option<String>,
    pub tags: Vec<String>,
    /// The reuse terms' version the consent was given under.
    pub terms: Option<String>,
}

impl CommunityPost {
    /// Whether the post has `tag`, as written or written otherwise with
    /// the same address (`économie` for the pillar `economie`, `Lac` for `lac`).
    pub fn has_tag(&self, tag: &str) -> bool {
        let want = crate::slug::slugify(tag);
        self.tags
            .iter()
            .any(|t| t == tag || crate::slug::slugify(t) == want)
    }
}

/// The publishable posts, newest first, and what was noticed on the way.
#[derive(Debug, Default)]
pub struct Community {
    pub posts: Vec<CommunityPost>,
    pub warnings: Vec<Diagnostic>,
}

impl Community {
    /// Every tag with at least one post, sorted; of two tags with the same
    /// address (`Lac`, `lac`), the first: each tag page has one address.
    pub fn tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self
            .posts
            .iter()
            .flat_map(|p| p.tags.iter().map(String::as_str))
            .collect();
        // In the order of their addresses, so that `économie` sorts with the e.
        tags.sort_by_cached_key(|t| (crate::slug::slugify(t), t.to_string()));
        let mut seen = std::collections::HashSet::new();
        tags.retain(|t| seen.insert(crate::slug::slugify(t)));
        tags
    }
}

/// Checks `url` against the network's host rules; the reason when it fails.
pub fn check_url(network: Network, url: &str) -> Result<(), String> {
    let host = crate::url::https_host(url)
        .ok_or_else(|| format!("`url` must be an https:// address of the post, not `{url}`"))?;
    if network.federated() {
        return Ok(());
    }
    let on_host = network
        .hosts()
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")));
    if on_host {
        Ok(())
    } else {
        Err(format!(
            "posts from {} are on {}, and this address is on `{host}`",
            network.name(),
            network.hosts().join(" or ")
        ))
    }
}

/// Reads every `community/*.toml` of the site. Errors (a malformed file, an
/// unknown network, a URL off the network's hosts, a missing image or alt
/// text) are all collected. Posts that may not be published are left out,
/// with a warning when they look like a mistake (approved without consent,
/// rights ended); `check` makes those errors.
pub fn load(
    root: &Path,
    clock: &crate::clock::Clock,
    tz: &jiff::tz::TimeZone,
) -> Result<Community, Vec<Diagnostic>> {
    load_all(root, clock, tz, None)
}

/// [`load`], also giving `records` what the files say of every post,
/// pending ones included: for the desk only ([`desk::load`]), never for a
/// build.
fn load_all(
    root: &Path,
    clock: &crate::clock::Clock,
    tz: &jiff::tz::TimeZone,
    mut records: Option<&mut Vec<desk::Record>>,
) -> Result<Community, Vec<Diagnostic>> {
    let dir = root.join(FOLDER);
    if !dir.is_dir() {
        return Ok(Community::default());
    }
    let (mut files, mut errors) = crate::paths::walk_files(root, &dir, crate::paths::is_scratch);
    // The reuse terms are the desk's (see [`desk`]), not posts or images.
    let terms = dir.join(desk::TERMS_FOLDER);
    files.retain(|f| !f.starts_with(&terms));
    // The folder in the same form as resolved paths (normalised), to compare them.
    let folder = crate::paths::normalize(&dir);
    let mut community = Community::default();
    let mut named = std::collections::HashSet::new();
    for file in &files {
        if file.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        match load_one(root, &dir, &folder, file, clock, tz, records.is_some()) {
            Ok((post, warnings, image, record)) => {
                community.warnings.extend(warnings);
                community.posts.extend(post);
                named.extend(image);
                if let (Some(all), Some(r)) = (records.as_deref_mut(), record) {
                    all.push(r);
                }
            }
            Err(e) => errors.extend(e),
        }
    }
    // Images no post names (pending posts' images count as named).
    for file in &files {
        let is_post = file.extension().and_then(|e| e.to_str()) == Some("toml");
        let normal = crate::paths::normalize(file);
        if !is_post && !named.contains(&normal) {
            community.warnings.push(
                Diagnostic::warning("unused-file", "no post uses this file")
                    .file(display_path(file, root))
                    .help("name it in a post (image = \"...\"), or remove it"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    community.posts.sort_by(|a, b| {
        b.date
            .timestamp(tz)
            .cmp(&a.date.timestamp(tz))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(community)
}

/// A BCP 47 language tag as posts carry them: `fr`, `en-GB`, `zh-Hant`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The post when it may be published, warnings, the image it names, and
/// its record for the desk when asked.
type Loaded = (
    Option<CommunityPost>,
    Vec<Diagnostic>,
    Option<PathBuf>,
    Option<desk::Record>,
);

/// Reads and checks one post file. Its length is the list of checks a post
/// goes through, in the order a reader of the file meets its keys, each
/// adding its problem to the same lists so that one run shows them all.
fn load_one(
    root: &Path,
    dir: &Path,
    folder: &Path,
    file: &Path,
    clock: &crate::clock::Clock,
    tz: &jiff::tz::TimeZone,
    record: bool,
) -> Result<Loaded, Vec<Diagnostic>> {
    let rel = display_path(file, root);
    let text = std::fs::read_to_string(file)
        .map_err(|e| vec![Diagnostic::io(file, root, "read the post", &e)])?;
    let raw: RawPost = toml::from_str(&text)
        .map_err(|e| vec![toml_diagnostic(&e, &text, 0, "post").file(rel.clone())])?;
    let err = |code: &'static str, msg: String| Diagnostic::error(code, msg).file(rel.clone());
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let network = match Network::from_key(&raw.network) {
        Some(n) => Some(n),
        None => {
            let keys = Network::ALL.map(Network::key);
            let help = match suggest(&raw.network, keys.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", keys.join(", ")),
            };
            errors.push(
                err(
                    "post",
                    format!("`{}` is not a network blason knows", raw.network),
                )
                .help(help),
            );
            None
        }
    };
    if let Some(n) = network
        && let Err(why) = check_url(n, &raw.url)
    {
        errors.push(err("post-url", why).help(
            "copy the post's address from the network (its \"copy link\" or \"share\" menu)",
        ));
    }
    if let Some(l) = &raw.lang
        && !is_language_tag(l)
    {
        errors.push(
            err("post", format!("`lang = \"{l}\"` is not a language code")).help(
                "write the language of the post's text as a short code: \"fr\", \"en\", \"pt-BR\"",
            ),
        );
    }
    for (key, text) in [
        ("author", Some(raw.author.as_str())),
        ("handle", raw.handle.as_deref()),
        ("text", Some(raw.text.as_str())),
        ("image_alt", raw.image_alt.as_deref()),
    ] {
        if let Some(c) = text.and_then(crate::content::frontmatter::forbidden_char) {
            errors.push(
                err(
                    "post",
                    format!("`{key}` holds the invisible character U+{:04X}", c as u32),
                )
                .help(
                    "retype the text, or paste it as plain text: the character was copied with it",
                ),
            );
        }
    }
    if raw.author.trim().is_empty() {
        errors.push(
            err("post", "`author` is empty".into())
                .help("write the author's name as they want it shown: author = \"Camille R.\""),
        );
    }

    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let publishable = raw.status == Status::Approved;
    if publishable && !raw.consent {
        warnings.push(
            Diagnostic::warning(
                "post-without-consent",
                "this post is approved but `consent` is false; it is left out".to_string(),
            )
            .file(rel.clone())
            .help("publish it only once its author agreed: then set consent = true"),
        );
    }
    let until = raw.rights.as_ref().and_then(|r| r.until.as_ref());
    let rights = until.map_or(Rights::Current, |u| u.rights_at(clock, tz));
    if let (Some(until), true) = (until, publishable && raw.consent) {
        let day = until.date();
        match rights {
            Rights::Ended => warnings.push(
                Diagnostic::warning(
                    "rights-expired",
                    format!("the right to publish this post ended on {day}; it is left out"),
                )
                .file(rel.clone())
                .help("remove the post, or renew the agreement and update [rights] until"),
            ),
            Rights::EndingSoon => warnings.push(
                Diagnostic::warning(
                    "rights-expiring",
                    format!("the right to publish this post ends on {day}"),
                )
                .file(rel.clone())
                .help("renew the agreement, or plan to remove the post"),
            ),
            Rights::Current => {}
        }
    }
    let published = publishable && raw.consent && rights != Rights::Ended;
    let beside = file.parent().unwrap_or(dir);
    let resolved = raw
        .image
        .as_deref()
        .map(|w| (w, resolve_content_path(root, beside, w)));
    let named = resolved
        .as_ref()
        .and_then(|(_, r)| r.as_ref().ok().cloned());

    // The image matters only for a post that will be shown.
    let mut image = None;
    if published && let Some((written, r)) = resolved {
        match r {
            Ok(p) if !p.starts_with(folder) => errors.push(
                err(
                    "path-outside-site",
                    format!("`image = \"{written}\"` is outside the community folder"),
                )
                .help("save the image beside the post file and write its name only"),
            ),
            Ok(p) if !p.is_file() => errors.push(
                err(
                    "missing-file",
                    format!("the image `{written}` does not exist"),
                )
                .help(format!(
                    "put the image beside the post, in {}",
                    display_path(beside, root)
                )),
            ),
            Ok(p) => image = Some(p),
            Err(why) => errors.push(
                err(
                    "path-outside-site",
                    format!("`image = \"{written}\"` {why}"),
                )
                .help("save the image beside the post file and write its name only"),
            ),
        }
        if raw.image_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            errors.push(
                err("missing-alt", "the post's image has no `image_alt`".into())
                    .help("describe the image for people who cannot see it: image_alt = \"...\""),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let record = match (record, network) {
        (true, Some(network)) => Some(desk::Record {
            file: rel.clone(),
            network,
            url: raw.url.clone(),
            author: raw.author.trim().to_string(),
            handle: raw.handle.clone().filter(|h| !h.trim().is_empty()),
            date: raw.date,
            text: raw.text.clone(),
            lang: raw.lang.clone(),
            image_url: raw.image_url.clone(),
            tags: raw.tags.clone(),
            status: raw.status,
            consent: raw.consent,
            terms: raw.terms.clone().filter(|t| !t.trim().is_empty()),
            until: until.copied(),
            rights,
        }),
        _ => None,
    };
    let (Some(network), true) = (network, published) else {
        return Ok((None, warnings, named, record));
    };
    Ok((
        Some(CommunityPost {
            file: rel,
            id: crate::slug::slugify(&stem),
            network,
            url: raw.url,
            author: raw.author,
            handle: raw.handle.filter(|h| !h.trim().is_empty()),
            date: raw.date,
            text: raw.text,
            lang: raw.lang,
            image,
            image_alt: raw.image_alt,
            tags: raw.tags,
            terms: raw.terms.filter(|t| !t.trim().is_empty()),
        }),
        warnings,
        named,
        record,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_host_rules() {
        use Network::*;
        assert!(check_url(Instagram, "https://www.instagram.com/p/abc/").is_ok());
        assert!(check_url(X, "https://twitter.com/a/status/1").is_ok());
        assert!(check_url(Youtube, "https://youtu.be/xyz").is_ok());
        assert!(check_url(Mastodon, "https://piaille.fr/@a/1").is_ok());
        assert!(check_url(Peertube, "https://video.example.org/w/abc").is_ok());
        for (n, bad) in [
            (Instagram, "http://www.instagram.com/p/abc/"),
            (Instagram, "https://instagram.com.evil.net/p/abc/"),
            (Instagram, "https://evilinstagram.com/p/"),
            (Facebook, "javascript:alert(1)"),
            (Mastodon, "javascript://piaille.fr/%0Aalert(1)"),
            (Mastodon, "https://user:pw@piaille.fr/"),
            (Mastodon, "https://piaille.fr\"onmouseover=x/"),
            (Bluesky, "https://bsky.app.evil.net/x"),
            (Pixelfed, "data:text/html,<script>"),
            (Mastodon, "https://localhost/"),
        ] {
            assert!(check_url(n, bad).is_err(), "{bad} for {n:?}");
        }
    }

    #[test]
    fn networks_round_trip_their_keys() {
        for n in Network::ALL {
            assert_eq!(Network::from_key(n.key()), Some(n));
        }
        assert_eq!(Network::from_key("myspace"), None);
    }
}
