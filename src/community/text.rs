//! A post's text as runs: plain text, hashtags and mentions, each tag and
//! mention with its address on the post's network; and the cut of a long
//! text at a word boundary.
//!
//! Runs are text, never markup: the templates escape them. Links are built
//! only from the characters a tag or a handle may hold (letters, digits,
//! `_`, and for handles `.` and `-`), percent-encoded, on the network's host
//! or the checked host of the post's own URL.

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use super::Network;
use crate::url::https_host;

/// Texts longer than this many characters are cut on the site.
pub const MAX_CHARS: usize = 320;

/// One run of a post's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// `text`, `tag` or `mention`.
    pub kind: &'static str,
    pub text: String,
    /// The tag's or mention's page on the network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// Cuts `text` to at most `max` characters, at the last word boundary
/// before, never inside a grapheme (an emoji with its modifiers, a letter
/// with its combining marks). Returns the text and whether it was cut.
pub fn cut(text: &str, max: usize) -> (String, bool) {
    if text.chars().count() <= max {
        return (text.to_string(), false);
    }
    let mut end = 0;
    let mut last_space = None;
    let mut chars = 0;
    for (i, g) in text.grapheme_indices(true) {
        chars += g.chars().count();
        if chars > max {
            break;
        }
        if g.chars().all(char::is_whitespace) {
            last_space = Some(i);
        }
        end = i + g.len();
    }
    // Keep at least half the room; a text without spaces is cut between graphemes.
    let at = match last_space {
        Some(s) if text[..s].chars().count() >= max / 2 => s,
        _ => end,
    };
    let kept = text[..at].trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    (format!("{kept}…"), true)
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_mark(c)
}

fn handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Combining marks of the scripts posts are written in (they belong to the
/// letter before them, so to the tag).
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2
        | 0x05C4..=0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Splits `text` into runs; `url` is the post's address (federated networks'
/// tags and local mentions live on its host).
pub fn runs(text: &str, network: Network, url: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut plain = String::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let after_boundary = i == 0 || !(tag_char(chars[i - 1].1) || chars[i - 1].1 == '@');
        if (c == '#' || c == '@') && after_boundary {
            let taken = if c == '#' {
                take(&chars, i + 1, tag_char)
            } else {
                take_handle(&chars, i + 1)
            };
            if taken > 0 {
                let end = chars.get(i + 1 + taken).map_or(text.len(), |&(b, _)| b);
                let word = &text[at + 1..end];
                let href = if c == '#' {
                    tag_url(network, url, word)
                } else {
                    mention_url(network, url, word)
                };
                if let Some(href) = href {
                    if !plain.is_empty() {
                        out.push(Run {
                            kind: "text",
                            text: std::mem::take(&mut plain),
                            href: None,
                        });
                    }
                    out.push(Run {
                        kind: if c == '#' { "tag" } else { "mention" },
                        text: text[at..end].to_string(),
                        href: Some(href),
                    });
                    i += 1 + taken;
                    continue;
                }
            }
        }
        plain.push(c);
        i += 1;
    }
    if !plain.is_empty() {
        out.push(Run {
            kind: "text",
            text: plain,
            href: None,
        });
    }
    out
}

fn take(chars: &[(usize, char)], from: usize, ok: fn(char) -> bool) -> usize {
    let n = chars[from.min(chars.len())..]
        .iter()
        .take_while(|(_, c)| ok(*c))
        .count();
    // A tag made of digits only (`#1`) is a number, not a tag.
    if chars[from..from + n]
        .iter()
        .all(|(_, c)| c.is_ascii_digit())
    {
        0
    } else {
        n
    }
}

/// `user`, `user.name`, or `user@host.tld` (trailing dots are punctuation).
fn take_handle(chars: &[(usize, char)], from: usize) -> usize {
    let mut n = chars[from.min(chars.len())..]
        .iter()
        .take_while(|(_, c)| handle_char(*c) || *c == '@')
        .count();
    while n > 0 && matches!(chars[from + n - 1].1, '.' | '-' | '@') {
        n -= 1;
    }
    let word: String = chars[from..from + n].iter().map(|(_, c)| c).collect();
    if word.matches('@').count() > 1 || word.starts_with(['.', '-']) {
        return 0;
    }
    n
}

fn tag_url(network: Network, url: &str, tag: &str) -> Option<String> {
    let t = crate::url::encode(tag);
    Some(match network {
        Network::Instagram => format!("https://www.instagram.com/explore/tags/{t}/"),
        Network::Facebook => format!("https://www.facebook.com/hashtag/{t}"),
        Network::X => format!("https://x.com/hashtag/{t}"),
        Network::Threads => format!("https://www.threads.net/search?q=%23{t}"),
        Network::Tiktok => format!("https://www.tiktok.com/tag/{t}"),
        Network::Youtube => format!("https://www.youtube.com/hashtag/{t}"),
        Network::Bluesky => format!("https://bsky.app/hashtag/{t}"),
        Network::Mastodon => format!("https://{}/tags/{t}", https_host(url)?),
        Network::Pixelfed => format!("https://{}/discover/tags/{t}", https_host(url)?),
        Network::Peertube => format!("https://{}/search?search=%23{t}", https_host(url)?),
    })
}

fn mention_url(network: Network, url: &str, handle: &str) -> Option<String> {
    let (user, host) = match handle.split_once('@') {
        Some((u, h)) => (u, Some(h)),
        None => (handle, None),
    };
    if user.is_empty() {
        return None;
    }
    let u = crate::url::encode(user);
    Some(match network {
        Network::Mastodon | Network::Pixelfed | Network::Peertube => {
            let host = match host {
                Some(h) => https_host(&format!("https://{h}/"))?,
                None => https_host(url)?,
            };
            match network {
                Network::Mastodon => format!("https://{host}/@{u}"),
                Network::Pixelfed => format!("https://{host}/{u}"),
                _ => format!("https://{host}/a/{u}"),
            }
        }
        _ if host.is_some() => return None,
        Network::Instagram => format!("https://www.instagram.com/{u}/"),
        Network::Facebook => format!("https://www.facebook.com/{u}"),
        Network::X => format!("https://x.com/{u}"),
        Network::Threads => format!("https://www.threads.net/@{u}"),
        Network::Tiktok => format!("https://www.tiktok.com/@{u}"),
        Network::Youtube => format!("https://www.youtube.com/@{u}"),
        Network::Bluesky => format!("https://bsky.app/profile/{u}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(rs: &[Run]) -> Vec<(&str, &str)> {
        rs.iter().map(|r| (r.kind, r.text.as_str())).collect()
    }

    #[test]
    fn tags_and_mentions_link_to_the_network() {
        let rs = runs(
            "Feu d'artifice sur le lac ! #ValDeLoue #Été2026 avec @camille.jura.",
            Network::Instagram,
            "https://www.instagram.com/p/x/",
        );
        assert_eq!(
            kinds(&rs),
            [
                ("text", "Feu d'artifice sur le lac ! "),
                ("tag", "#ValDeLoue"),
                ("text", " "),
                ("tag", "#Été2026"),
                ("text", " avec "),
                ("mention", "@camille.jura"),
                ("text", "."),
            ]
        );
        assert_eq!(
            rs[3].href.as_deref(),
            Some("https://www.instagram.com/explore/tags/%C3%89t%C3%A92026/")
        );
        assert_eq!(
            rs[5].href.as_deref(),
            Some("https://www.instagram.com/camille.jura/")
        );
    }

    #[test]
    fn federated_links_stay_on_the_post_server() {
        let rs = runs(
            "#lac avec @marc et @lea@piaille.fr",
            Network::Mastodon,
            "https://mastodon.example/@x/1",
        );
        let hrefs: Vec<_> = rs.iter().filter_map(|r| r.href.as_deref()).collect();
        assert_eq!(
            hrefs,
            [
                "https://mastodon.example/tags/lac",
                "https://mastodon.example/@marc",
                "https://piaille.fr/@lea"
            ]
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        let rs = runs(
            "<script>alert(1)</script> #\"><svg onload=x> mail@example.org #42",
            Network::X,
            "https://x.com/a/status/1",
        );
        assert!(rs.iter().all(|r| r.kind == "text"), "{rs:?}");
        let joined: String = rs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            joined,
            "<script>alert(1)</script> #\"><svg onload=x> mail@example.org #42"
        );
    }

    #[test]
    fn cut_at_a_word_never_inside_a_grapheme() {
        let (t, cut_) = cut("Le lac au lever du jour, magnifique", 20);
        assert!(cut_);
        assert_eq!(t, "Le lac au lever du…");
        let (t, _) = cut("short", 20);
        assert_eq!(t, "short");
        // Family emoji (joined by ZWJ) and a letter with a combining accent.
        let text = "👨‍👩‍👧‍👦".repeat(10) + &"e\u{301}".repeat(10);
        let (t, cut_) = cut(&text, 12);
        assert!(cut_);
        let body = t.trim_end_matches('…');
        assert!(text.starts_with(body));
        assert_eq!(body.graphemes(true).next_back(), Some("👨‍👩‍👧‍👦"));
        let (t, _) = cut(&"e\u{301}".repeat(10), 5);
        assert!(
            !t.trim_end_matches('…').ends_with('e'),
            "accent kept: {t:?}"
        );
    }
}
