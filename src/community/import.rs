//! `blason import mastodon|bluesky FILE.json`: post files from a saved public
//! API response for a hashtag.
//!
//! Mastodon's `GET /api/v1/timelines/tag/:hashtag` is an array of statuses;
//! Bluesky's `app.bsky.feed.searchPosts` is `{"posts": [...]}`. Each status
//! becomes `community/<network>-<author>-<id>.toml` with `status = "pending"`
//! and `consent = false`: nothing is published until someone asked the
//! author. The original image's address is recorded in `image_url`; nothing
//! is downloaded. A post already in the folder (same file, or same `url` in
//! any file) is left alone, so importing twice adds nothing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{FOLDER, Network, check_url};
use crate::error::{Diagnostic, display_path};
use crate::slug::slugify;
use crate::url::https_host;

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    /// Files written, relative to the root.
    pub written: Vec<String>,
    /// Statuses already in the folder.
    pub already: usize,
    /// Statuses left out, with the reason.
    pub skipped: Vec<Diagnostic>,
}

/// A status read from an API response, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPost {
    pub network: Network,
    pub id: String,
    pub url: String,
    pub author: String,
    pub handle: String,
    pub date: toml::value::Datetime,
    pub text: String,
    pub lang: Option<String>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub tags: Vec<String>,
}

/// Reads `file` (a saved response of `network`'s API) and writes the post
/// files into `root/community/`.
pub fn import(root: &Path, network: Network, file: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let rel = display_path(file, root);
    let text = std::fs::read_to_string(file)
        .map_err(|e| vec![Diagnostic::io(file, root, "read the API response", &e)])?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        vec![
            Diagnostic::error("import", format!("this is not valid JSON: {e}"))
                .file(rel.clone())
                .at(e.line(), e.column()),
        ]
    })?;
    let (posts, mut skipped) = match network {
        Network::Mastodon => parse_mastodon(&json),
        Network::Bluesky => parse_bluesky(&json),
        other => {
            return Err(vec![Diagnostic::error(
                "usage",
                format!("blason cannot import from {} (mastodon or bluesky)", other.name()),
            )]);
        }
    }
    .map_err(|msg| {
        vec![
            Diagnostic::error("import", msg)
                .file(rel.clone())
                .help(match network {
                    Network::Mastodon => "save the response of GET /api/v1/timelines/tag/HASHTAG (an array of statuses)",
                    _ => "save the response of app.bsky.feed.searchPosts ({\"posts\": [...]})",
                }),
        ]
    })?;
    for d in &mut skipped {
        *d = d.clone().file(rel.clone());
    }

    let dir = root.join(FOLDER);
    std::fs::create_dir_all(&dir).map_err(|e| {
        vec![Diagnostic::io(
            &dir,
            root,
            "create the community folder",
            &e,
        )]
    })?;
    let known = known_urls(&dir);
    let mut out = Imported {
        skipped,
        ..Imported::default()
    };
    let mut new = Vec::new();
    for post in posts {
        let path = dir.join(file_name(&post));
        if path.exists() || known.contains(&post.url) || new.iter().any(|(p, _)| *p == path) {
            out.already += 1;
            continue;
        }
        new.push((path, to_toml(&post)));
    }
    // All or nothing: a write that fails takes back this import's files.
    let mut written: Vec<PathBuf> = Vec::new();
    for (path, text) in &new {
        if let Err(e) = std::fs::write(path, text) {
            for w in &written {
                let _ = std::fs::remove_file(w);
            }
            let _ = std::fs::remove_file(path);
            return Err(vec![
                Diagnostic::io(path, root, "write the post", &e)
                    .help("nothing was imported; free some space or check the folder's permissions, then import again"),
            ]);
        }
        written.push(path.clone());
    }
    out.written = written.iter().map(|p| display_path(p, root)).collect();
    Ok(out)
}

/// The longest post file name, in bytes, before `.toml`: file systems take
/// 255; a longer id or handle is cut and a hash of the whole keeps names
/// apart.
const MAX_NAME: usize = 100;

/// `mastodon-lea-piaille-fr-1128.toml`: stable for the same status.
pub fn file_name(post: &ImportedPost) -> PathBuf {
    let author = post.handle.trim_start_matches('@');
    let mut name = slugify(&format!("{}-{author}-{}", post.network.key(), post.id));
    if name.len() > MAX_NAME {
        let hash = blake3::hash(name.as_bytes()).to_hex();
        let mut cut = MAX_NAME - 17;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
        name = format!("{}-{}", name.trim_end_matches('-'), &hash[..16]);
    }
    PathBuf::from(format!("{name}.toml"))
}

fn known_urls(dir: &Path) -> HashSet<String> {
    let mut out = HashSet::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("toml") {
            continue;
        }
        let url = std::fs::read_to_string(&p)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("url").and_then(|u| u.as_str()).map(String::from));
        out.extend(url);
    }
    out
}

/// The post file: pending, without consent, nothing downloaded.
pub fn to_toml(post: &ImportedPost) -> String {
    let mut t = toml::Table::new();
    let s = |v: &str| toml::Value::String(v.to_string());
    t.insert("network".into(), s(post.network.key()));
    t.insert("url".into(), s(&post.url));
    t.insert("author".into(), s(&post.author));
    t.insert("handle".into(), s(&post.handle));
    t.insert("date".into(), toml::Value::Datetime(post.date));
    t.insert("text".into(), s(&post.text));
    if let Some(l) = &post.lang {
        t.insert("lang".into(), s(l));
    }
    if let Some(u) = &post.image_url {
        t.insert("image_url".into(), s(u));
    }
    if let Some(a) = &post.image_alt {
        t.insert("image_alt".into(), s(a));
    }
    t.insert(
        "tags".into(),
        toml::Value::Array(post.tags.iter().map(|x| s(x)).collect()),
    );
    t.insert("consent".into(), toml::Value::Boolean(false));
    t.insert("status".into(), s("pending"));
    let body = toml::to_string(&t).unwrap_or_default();
    let head = "# Imported: ask the author before publishing. Once they agree, save the\n\
                # image beside this file as `image = \"...\"`, then set consent = true,\n\
                # status = \"approved\" and fill [rights] (granted_by, granted_on, scope, until).\n";
    format!("{head}{body}")
}

type Parsed = (Vec<ImportedPost>, Vec<Diagnostic>);

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

/// A text worth keeping: present and not blank.
fn nonblank(s: Option<&str>) -> Option<String> {
    s.filter(|t| !t.trim().is_empty()).map(String::from)
}

/// An https address (of an image to fetch once the author agreed).
fn address(s: Option<&str>) -> Option<String> {
    s.filter(|u| https_host(u).is_some()).map(String::from)
}

/// A language code the post file accepts.
fn language(s: Option<&str>) -> Option<String> {
    s.filter(|l| super::is_language_tag(l)).map(String::from)
}

fn datetime(s: &str) -> Option<toml::value::Datetime> {
    // Drop fractional seconds: TOML keeps them, but a post needs no more.
    let s = match (s.find('.'), s.rfind(['Z', '+', '-'])) {
        (Some(dot), Some(zone)) if zone > dot => format!("{}{}", &s[..dot], &s[zone..]),
        _ => s.to_string(),
    };
    s.parse()
        .ok()
        .filter(|d: &toml::value::Datetime| d.offset.is_some())
}

/// Mastodon: an array of statuses; boosts are read as the boosted status.
pub fn parse_mastodon(json: &Value) -> Result<Parsed, String> {
    let list = json
        .as_array()
        .ok_or("a Mastodon tag timeline is a JSON array of statuses")?;
    let mut posts = Vec::new();
    let mut skipped = Vec::new();
    for (i, status) in list.iter().enumerate() {
        let status = match status.get("reblog") {
            Some(r) if r.is_object() => r,
            _ => status,
        };
        let n = i + 1;
        let skip = |why: String| {
            Diagnostic::warning("import-skipped", format!("status {n} is left out: {why}"))
        };
        let (Some(id), Some(url), Some(created)) = (
            str_at(status, &["id"]),
            str_at(status, &["url"]).or_else(|| str_at(status, &["uri"])),
            str_at(status, &["created_at"]),
        ) else {
            skipped.push(skip("it has no id, url or created_at".into()));
            continue;
        };
        if let Err(why) = check_url(Network::Mastodon, url) {
            skipped.push(skip(why));
            continue;
        }
        let Some(date) = datetime(created) else {
            skipped.push(skip(format!("`{created}` is not a date")));
            continue;
        };
        let acct = str_at(status, &["account", "acct"]).unwrap_or("");
        let handle = if acct.contains('@') || acct.is_empty() {
            format!("@{acct}")
        } else {
            // A local account: its server is the post's.
            format!("@{acct}@{}", https_host(url).unwrap_or_default())
        };
        let author = str_at(status, &["account", "display_name"])
            .filter(|s| !s.trim().is_empty())
            .or_else(|| str_at(status, &["account", "username"]))
            .unwrap_or(acct)
            .to_string();
        let image = status
            .get("media_attachments")
            .and_then(Value::as_array)
            .and_then(|m| m.iter().find(|a| str_at(a, &["type"]) == Some("image")));
        let tags = status
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(|x| str_at(x, &["name"]))
                    .map(|x| x.to_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        posts.push(ImportedPost {
            network: Network::Mastodon,
            id: id.to_string(),
            url: url.to_string(),
            author,
            handle,
            date,
            text: html_to_text(str_at(status, &["content"]).unwrap_or("")),
            lang: language(str_at(status, &["language"])),
            image_url: address(image.and_then(|a| str_at(a, &["url"]))),
            image_alt: nonblank(image.and_then(|a| str_at(a, &["description"]))),
            tags,
        });
    }
    Ok((posts, skipped))
}

/// Bluesky: `{"posts": [postView...]}`; the address is rebuilt from the
/// author's handle and the record key of the post's `at://` URI.
pub fn parse_bluesky(json: &Value) -> Result<Parsed, String> {
    let list = json
        .get("posts")
        .and_then(Value::as_array)
        .ok_or("a Bluesky search response is an object with a \"posts\" array")?;
    let mut posts = Vec::new();
    let mut skipped = Vec::new();
    for (i, post) in list.iter().enumerate() {
        let n = i + 1;
        let skip = |why: String| {
            Diagnostic::warning("import-skipped", format!("post {n} is left out: {why}"))
        };
        let (Some(uri), Some(handle), Some(created)) = (
            str_at(post, &["uri"]),
            str_at(post, &["author", "handle"]),
            str_at(post, &["record", "createdAt"]).or_else(|| str_at(post, &["indexedAt"])),
        ) else {
            skipped.push(skip("it has no uri, author handle or date".into()));
            continue;
        };
        let rkey = uri.rsplit('/').next().unwrap_or("");
        let handle_ok = https_host(&format!("https://{handle}/")).is_some();
        if !uri.starts_with("at://")
            || rkey.is_empty()
            || !handle_ok
            || !rkey
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            skipped.push(skip(format!("`{uri}` by `{handle}` is not a post address")));
            continue;
        }
        let Some(date) = datetime(created) else {
            skipped.push(skip(format!("`{created}` is not a date")));
            continue;
        };
        let text = str_at(post, &["record", "text"]).unwrap_or("").to_string();
        let image = post
            .get("embed")
            .and_then(|e| {
                e.get("images")
                    .or_else(|| e.get("media").and_then(|m| m.get("images")))
            })
            .and_then(Value::as_array)
            .and_then(|a| a.first());
        let tags = post
            .get("record")
            .and_then(|r| r.get("facets"))
            .and_then(Value::as_array)
            .map(|facets| {
                let mut tags: Vec<String> = facets
                    .iter()
                    .filter_map(|f| f.get("features").and_then(Value::as_array))
                    .flatten()
                    .filter(|f| str_at(f, &["$type"]) == Some("app.bsky.richtext.facet#tag"))
                    .filter_map(|f| str_at(f, &["tag"]))
                    .map(|t| t.to_lowercase())
                    .collect();
                tags.dedup();
                tags
            })
            .unwrap_or_default();
        posts.push(ImportedPost {
            network: Network::Bluesky,
            id: rkey.to_string(),
            url: format!("https://bsky.app/profile/{handle}/post/{rkey}"),
            author: str_at(post, &["author", "displayName"])
                .filter(|s| !s.trim().is_empty())
                .unwrap_or(handle)
                .to_string(),
            handle: format!("@{handle}"),
            date,
            text,
            lang: language(
                post.get("record")
                    .and_then(|r| r.get("langs"))
                    .and_then(Value::as_array)
                    .and_then(|l| l.first())
                    .and_then(Value::as_str),
            ),
            image_url: address(image.and_then(|a| str_at(a, &["fullsize"]))),
            image_alt: nonblank(image.and_then(|a| str_at(a, &["alt"]))),
            tags,
        });
    }
    Ok((posts, skipped))
}

/// Mastodon's status HTML as plain text: paragraphs become blank lines,
/// `<br>` a line break, other tags vanish, entities are decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after[..gt].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match (tag.starts_with('/'), name.as_str()) {
            (false, "br") => out.push('\n'),
            (true, "p") => out.push_str("\n\n"),
            _ => {}
        }
        rest = &after[gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    out.trim().to_string()
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = crate::xml::decode_entity(name).filter(|c| !c.is_control() || *c == '\n');
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_html_becomes_plain_text() {
        let html = "<p>Aube sur le lac <a href=\"https://piaille.fr/tags/lac\" class=\"mention hashtag\" rel=\"tag\">#<span>lac</span></a> &amp; brume</p><p>2e ligne<br>3e &lt;b&gt; &#233;t&#xe9;</p>";
        assert_eq!(
            html_to_text(html),
            "Aube sur le lac #lac & brume\n\n2e ligne\n3e <b> été"
        );
        assert_eq!(html_to_text("a &unknown; & b"), "a &unknown; & b");
    }

    #[test]
    fn post_file_names_stay_short_and_apart() {
        let post = |id: &str| ImportedPost {
            network: Network::Mastodon,
            id: id.to_string(),
            url: "https://piaille.fr/@camille/1".into(),
            author: "Camille".into(),
            handle: "@camille@piaille.fr".into(),
            date: "2026-07-14T22:30:00Z".parse().unwrap(),
            text: "Le lac".into(),
            lang: None,
            image_url: None,
            image_alt: None,
            tags: Vec::new(),
        };
        let long = "7".repeat(400);
        let a = file_name(&post(&long)).to_string_lossy().into_owned();
        let b = file_name(&post(&format!("{long}8")))
            .to_string_lossy()
            .into_owned();
        assert!(a.len() <= MAX_NAME + 5, "{a}");
        assert_ne!(a, b);
        assert_eq!(a, file_name(&post(&long)).to_string_lossy(), "stable");
        let short = file_name(&post("110"));
        assert!(!short.to_string_lossy().contains(&"7".repeat(3)));
    }

    #[test]
    fn dates_keep_their_offset() {
        let d = datetime("2026-07-14T20:30:00.000Z").unwrap();
        assert_eq!(d.to_string(), "2026-07-14T20:30:00Z");
        assert!(datetime("2026-07-14").is_none());
    }
}
