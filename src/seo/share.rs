//! Share links: one plain link per network of `[share] networks`, with the
//! page's text for that network and UTM parameters, and the texts a share kit
//! offers to copy. No script and no request to a network until the visitor
//! follows a link; Mastodon, which has no central host, goes through the
//! site's own small page that asks for the visitor's instance.
//!
//! A kit's texts are composed for each network ([`kit_texts`]): counted the
//! way the network counts (X weighs characters and counts a link as 23,
//! Bluesky counts graphemes, Mastodon counts a link as 23), with the link
//! where it works (not in an Instagram caption), as many hashtags as the
//! network's own guidance suggests, in CamelCase so that screen readers
//! read them word by word, the territory's account on that network, and a
//! call to action in the network's register. A text the writer wrote for a
//! network wins. docs/share.md is the user's account of these rules.
use serde::Serialize;

use crate::config::Network;
use crate::content::frontmatter::ShareFrontMatter;
use crate::url::encode_into;

/// One share link.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShareLink {
    /// `facebook`, `x`, … (also the icon's and the CSS class's name).
    pub network: &'static str,
    pub name: &'static str,
    pub url: String,
}

/// What a page's share bar and kit need.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    pub links: Vec<ShareLink>,
    /// For the Web Share API button: title, text and URL.
    pub title: String,
    pub text: String,
    pub url: String,
}

/// Everything a page says about sharing it.
pub struct ShareInput<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub fm: Option<&'a ShareFrontMatter>,
    /// The brand's hashtag, without `#`.
    pub brand_hashtag: Option<&'a str>,
    pub tracking: Tracking<'a>,
}

impl ShareInput<'_> {
    /// The text for `network`: its own in `[share]`, else `[share] text`, else
    /// the description, else the title.
    pub fn text(&self, network: &str) -> String {
        let own = self
            .fm
            .zip(Network::parse(network))
            .and_then(|(s, n)| written_text(s, n));
        own.or(self.fm.and_then(|s| s.text.as_deref()))
            .or(self.description)
            .unwrap_or(self.title)
            .trim()
            .to_string()
    }

    /// `#Lac #ValDeLoue`: the page's hashtags, then the brand's, once each,
    /// in CamelCase ([`camel_case`]).
    pub fn hashtags(&self) -> String {
        let mut tags: Vec<String> = Vec::new();
        let page = self.fm.map(|s| s.hashtags.as_slice()).unwrap_or_default();
        for t in page
            .iter()
            .map(String::as_str)
            .chain(self.brand_hashtag)
            .filter_map(camel_case)
        {
            if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t);
            }
        }
        tags.iter()
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text with hashtags (e-mail has none), as posted.
    pub fn post(&self, network: &str) -> String {
        let text = self.text(network);
        let tags = self.hashtags();
        if network == "email" || tags.is_empty() {
            text
        } else {
            format!("{text} {tags}")
        }
    }
}

/// Whether share links and QR codes carry campaign parameters: only when
/// the site measures its audience with visitors' consent (`[analytics]
/// exempt = false`); under the CNIL's exemption they would break it
/// (docs/analytics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracking<'a> {
    Off,
    Utm { campaign: Option<&'a str> },
}

impl<'a> Tracking<'a> {
    /// `Utm` when `utm` is on, with the campaign.
    pub fn of(utm: bool, campaign: Option<&'a str>) -> Tracking<'a> {
        if utm {
            Tracking::Utm { campaign }
        } else {
            Tracking::Off
        }
    }
}

/// `url` with `utm_source`, `utm_medium` and `utm_campaign` when `tracking`
/// asks for them; else `url` as it is.
pub fn with_utm(url: &str, source: &str, medium: &str, tracking: Tracking<'_>) -> String {
    let Tracking::Utm { campaign } = tracking else {
        return url.to_string();
    };
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len() + 48);
    out.push_str(base);
    out.push(if base.contains('?') { '&' } else { '?' });
    out.push_str("utm_source=");
    encode_into(&mut out, source);
    out.push_str("&utm_medium=");
    encode_into(&mut out, medium);
    if let Some(c) = campaign.filter(|c| !c.is_empty()) {
        out.push_str("&utm_campaign=");
        encode_into(&mut out, c);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The share links of a page at `url`, for `networks`; `mastodon_page` is
/// the site's own page that asks for the visitor's instance.
pub fn share_view(
    input: &ShareInput<'_>,
    url: &str,
    networks: &[Network],
    mastodon_page: &str,
) -> ShareView {
    // Built for every page: each link is written once into its own string,
    // its parts percent-encoded in place.
    let tags = input.hashtags();
    let mut links = Vec::with_capacity(networks.len());
    for &n in networks {
        let network = n.key();
        let target = with_utm(url, network, "social", input.tracking);
        let text = input.text(network);
        // The post as `post()` makes it: text, then hashtags (none by e-mail).
        let post = |out: &mut String| {
            encode_into(out, &text);
            if network != "email" && !tags.is_empty() {
                out.push_str("%20");
                encode_into(out, &tags);
            }
        };
        let mut link = String::with_capacity(64 + 3 * (text.len() + tags.len() + target.len()));
        match network {
            "facebook" => {
                link.push_str("https://www.facebook.com/sharer/sharer.php?u=");
                encode_into(&mut link, &target);
            }
            "x" => {
                link.push_str("https://x.com/intent/post?text=");
                post(&mut link);
                link.push_str("&url=");
                encode_into(&mut link, &target);
            }
            "linkedin" => {
                link.push_str("https://www.linkedin.com/sharing/share-offsite/?url=");
                encode_into(&mut link, &target);
            }
            "whatsapp" | "bluesky" | "mastodon" => {
                link.push_str(match network {
                    "whatsapp" => "https://wa.me/?text=",
                    "bluesky" => "https://bsky.app/intent/compose?text=",
                    _ => "",
                });
                if network == "mastodon" {
                    link.push_str(mastodon_page);
                    link.push_str("?text=");
                }
                post(&mut link);
                link.push_str("%20");
                encode_into(&mut link, &target);
            }
            "email" => {
                link.push_str("mailto:?subject=");
                encode_into(&mut link, input.title);
                link.push_str("&body=");
                post(&mut link);
                link.push_str("%0A%0A");
                encode_into(&mut link, &target);
            }
            _ => continue,
        }
        links.push(ShareLink {
            network,
            name: n.name(),
            url: link,
        });
    }
    ShareView {
        links,
        title: input.title.to_string(),
        text: input.post("whatsapp"),
        url: with_utm(url, "share", "social", input.tracking),
    }
}

/// How a network measures a post against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// X (twitter-text v3): each code point weighs 1 in the Latin and
    /// punctuation ranges and 2 elsewhere (CJK), an emoji sequence weighs 2,
    /// after NFC; every `http(s)://` link weighs 23 (its t.co form).
    XWeighted,
    /// Bluesky: grapheme clusters (an emoji with a skin tone, a flag, a
    /// family joined by ZWJ: one each); a link counts as written.
    Graphemes,
    /// Mastodon: code points, every `http(s)://` link 23, a mention
    /// `@user@host` only as `@user`.
    Mastodon,
    /// Code points, links as written (Threads, LinkedIn, Facebook,
    /// Instagram).
    CodePoints,
}

/// A network's limit on one post, as the network counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub counting: Counting,
}

/// The limit of a post on `network`; `None` where there is none worth
/// counting (WhatsApp's 65,536 characters, e-mail).
pub fn limit(network: Network) -> Option<Limit> {
    let (max, counting) = match network {
        Network::X => (280, Counting::XWeighted),
        Network::Bluesky => (300, Counting::Graphemes),
        Network::Mastodon => (500, Counting::Mastodon),
        Network::Threads => (500, Counting::CodePoints),
        Network::Linkedin => (3000, Counting::CodePoints),
        Network::Instagram => (2200, Counting::CodePoints),
        Network::Facebook => (63_206, Counting::CodePoints),
        Network::Whatsapp | Network::Email => return None,
    };
    Some(Limit { max, counting })
}

/// What every link counts for on X and Mastodon.
pub const SHORT_LINK: usize = 23;

/// The length of `text` as `counting` measures it.
pub fn count(text: &str, counting: Counting) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    match counting {
        Counting::Graphemes => text.graphemes(true).count(),
        Counting::CodePoints => text.chars().count(),
        Counting::Mastodon | Counting::XWeighted => {
            let plain = |s: &str| match counting {
                Counting::XWeighted => x_length(s),
                _ => s.chars().count(),
            };
            // Word by word, each with the white space after it.
            text.split_inclusive(char::is_whitespace)
                .map(|token| {
                    let word = token.trim_end();
                    let space = plain(&token[word.len()..]);
                    if is_link(word) {
                        return SHORT_LINK + space;
                    }
                    // On Mastodon, `@user@host` counts as `@user`.
                    if counting == Counting::Mastodon
                        && let Some((user, host)) =
                            word.strip_prefix('@').and_then(|r| r.split_once('@'))
                        && !user.is_empty()
                        && host.contains('.')
                    {
                        return 1 + user.chars().count() + space;
                    }
                    plain(token)
                })
                .sum()
        }
    }
}

/// A word the networks that shorten links take for one.
fn is_link(word: &str) -> bool {
    let starts = |p: &str| {
        word.get(..p.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(p))
    };
    (starts("https://") || starts("http://")) && word.len() > "https://".len()
}

/// X's weighted length of text without links.
fn x_length(s: &str) -> usize {
    use unicode_normalization::UnicodeNormalization;
    use unicode_segmentation::UnicodeSegmentation;
    let nfc: String = s.nfc().collect();
    nfc.graphemes(true)
        .map(|g| {
            if is_emoji(g) {
                2
            } else {
                g.chars().map(x_weight).sum()
            }
        })
        .sum()
}

/// twitter-text v3's weights: 1 in these ranges, 2 elsewhere.
fn x_weight(c: char) -> usize {
    match c as u32 {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

/// An emoji sequence (what twemoji parses): pictographs, flags, keycaps.
fn is_emoji(g: &str) -> bool {
    g.chars().any(|c| {
        matches!(c as u32,
            0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
            || c == '\u{FE0F}'
            || c == '\u{20E3}'
    })
}

/// `tag` as a CamelCase hashtag without `#`: each word capitalised, the
/// rest kept as written, apostrophes, hyphens and spaces taken out
/// (`val d'orbière` → `ValDOrbière`). `None` for a tag with no letter, which
/// networks would not link (`2026`).
pub fn camel_case(tag: &str) -> Option<String> {
    let mut out = String::with_capacity(tag.len());
    for word in tag
        .trim()
        .trim_start_matches('#')
        .split(|c: char| !c.is_alphanumeric())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out.chars().any(char::is_alphabetic).then_some(out)
}

/// How many hashtags a post on `network` carries, after each network's own
/// guidance (docs/share.md says which).
pub fn hashtag_count(network: Network) -> usize {
    match network {
        Network::Instagram => 5,
        Network::Linkedin | Network::Mastodon => 3,
        Network::X | Network::Bluesky => 2,
        Network::Facebook | Network::Threads => 1,
        Network::Whatsapp | Network::Email => 0,
    }
}

/// The account named by a `[social]` address: `@user@host` on Mastodon,
/// `@name` elsewhere (the address's last part: instagram.com/name,
/// bsky.app/profile/name, linkedin.com/company/name).
pub fn account(network: Network, url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let name = path
        .split('/')
        .rfind(|s| !s.is_empty())?
        .trim_start_matches('@');
    if name.is_empty() {
        return None;
    }
    Some(match network {
        Network::Mastodon => format!("@{name}@{host}"),
        _ => format!("@{name}"),
    })
}

/// The interface strings a kit's texts are written with, in the page's
/// language (the theme's i18n files; docs/share.md lists the keys).
#[derive(Debug, Clone, Default)]
pub struct ShareWords {
    /// A call to action per network key (`share_cta_x`, …).
    pub cta: Vec<(&'static str, String)>,
    /// LinkedIn's call to action for a page for businesses.
    pub cta_linkedin_pro: String,
    /// Instagram: "Link in bio".
    pub link_in_bio: String,
    /// "Follow {account}".
    pub follow: String,
}

impl ShareWords {
    /// The words from `string` (the theme's strings of a language).
    pub fn from_strings(string: impl Fn(&str) -> Option<String>) -> ShareWords {
        let get = |key: &str| string(key).unwrap_or_default();
        ShareWords {
            cta: Network::KIT_TEXTS
                .iter()
                .map(|n| (n.key(), get(&format!("share_cta_{}", n.key()))))
                .collect(),
            cta_linkedin_pro: get("share_cta_linkedin_pro"),
            link_in_bio: get("share_link_in_bio"),
            follow: get("share_follow"),
        }
    }

    fn cta(&self, network: Network) -> &str {
        self.cta
            .iter()
            .find(|(k, _)| *k == network.key())
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// What a kit's texts are composed from.
pub struct PostSource<'a> {
    /// The page's title.
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// `[card] title`, when the page has one: the shorter headline.
    pub card_title: Option<&'a str>,
    pub tags: &'a [String],
    /// Keys of `[audiences]`: `entreprises` makes LinkedIn's text speak to
    /// businesses.
    pub audiences: &'a [String],
    /// The brand's name in the page's language.
    pub brand: &'a str,
    /// The brand's hashtag, without `#`.
    pub brand_hashtag: Option<&'a str>,
    pub fm: Option<&'a ShareFrontMatter>,
    /// `[social]`: network key to the territory's account address.
    pub social: &'a indexmap::IndexMap<String, String>,
    pub tracking: Tracking<'a>,
    pub words: &'a ShareWords,
}

/// A kit's text for one network, ready to post, with its length as the
/// network counts it.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkText {
    pub network: &'static str,
    pub name: &'static str,
    pub text: String,
    /// The length as the network counts it, and its limit (none for
    /// WhatsApp and e-mail).
    pub count: usize,
    pub limit: Option<usize>,
    /// Whether the writer wrote it (`[share] <network>`).
    pub written: bool,
}

/// The writer's own text for `network` (`[share] x = "…"`).
pub fn written_text(fm: &ShareFrontMatter, network: Network) -> Option<&str> {
    match network {
        Network::X => fm.x.as_deref(),
        Network::Facebook => fm.facebook.as_deref(),
        Network::Linkedin => fm.linkedin.as_deref(),
        Network::Whatsapp => fm.whatsapp.as_deref(),
        Network::Bluesky => fm.bluesky.as_deref(),
        Network::Mastodon => fm.mastodon.as_deref(),
        Network::Instagram => fm.instagram.as_deref(),
        Network::Threads => fm.threads.as_deref(),
        Network::Email => fm.email.as_deref(),
    }
    .map(str::trim)
    .filter(|t| !t.is_empty())
}

/// Whether a post on `network` carries the page's link (not an Instagram
/// caption, where links are not clickable).
pub fn takes_link(network: Network) -> bool {
    network != Network::Instagram
}

/// The length of a hand-written `text` once the kit adds the page's `link`
/// (where the network takes one), and the network's limit, when it is over.
pub fn written_over_limit(network: Network, text: &str, link: &str) -> Option<(usize, usize)> {
    let limit = limit(network)?;
    let post = if takes_link(network) {
        format!("{}\n{link}", text.trim())
    } else {
        text.trim().to_string()
    };
    let n = count(&post, limit.counting);
    (n > limit.max).then_some((n, limit.max))
}

/// The texts a kit offers to copy, one per network: the writer's own where
/// there is one, else composed for the network (module doc).
pub fn kit_texts(src: &PostSource<'_>, url: &str) -> Vec<NetworkText> {
    Network::KIT_TEXTS
        .iter()
        .map(|&n| {
            let link = with_utm(url, n.key(), "social", src.tracking);
            let (text, written) = match src.fm.and_then(|fm| written_text(fm, n)) {
                Some(own) => (own_post(src, n, own, &link), true),
                None => (compose(src, n, &link), false),
            };
            let limit = limit(n);
            NetworkText {
                network: n.key(),
                name: n.name(),
                count: limit.map_or(text.chars().count(), |l| count(&text, l.counting)),
                limit: limit.map(|l| l.max),
                text,
                written,
            }
        })
        .collect()
}

/// The hashtags of a post on `network`, CamelCase, with `#`: the writer's
/// `[share] hashtags`, then the page's tags, the brand's last; as many as
/// the network's guidance suggests, once each.
fn hashtags(src: &PostSource<'_>, network: Network) -> Vec<String> {
    let n = hashtag_count(network);
    let brand = src.brand_hashtag.and_then(camel_case);
    let mut page: Vec<String> = Vec::new();
    let written = src.fm.map(|f| f.hashtags.as_slice()).unwrap_or_default();
    for t in written.iter().chain(src.tags).filter_map(|t| camel_case(t)) {
        let same = |x: &String| x.to_lowercase() == t.to_lowercase();
        if !page.iter().any(same) && !brand.as_ref().is_some_and(same) {
            page.push(t);
        }
    }
    let room = n.saturating_sub(usize::from(brand.is_some()));
    let mut out: Vec<String> = page.into_iter().take(room).collect();
    if n > 0 {
        out.extend(brand);
    }
    out.into_iter().map(|t| format!("#{t}")).collect()
}

/// A writer's own text, with the page's link where the network takes one,
/// and the hashtags it does not already carry while they fit.
fn own_post(src: &PostSource<'_>, network: Network, own: &str, link: &str) -> String {
    let tags: Vec<String> = hashtags(src, network)
        .into_iter()
        .filter(|t| !own.to_lowercase().contains(&t.to_lowercase()))
        .collect();
    let with = |k: usize| {
        let mut out = own.to_string();
        if k > 0 {
            out.push(' ');
            out.push_str(&tags[..k].join(" "));
        }
        if takes_link(network) {
            out.push('\n');
            out.push_str(link);
        }
        out
    };
    (0..=tags.len())
        .rev()
        .map(with)
        .find(|t| fits(t, network))
        .unwrap_or_else(|| with(0))
}

fn fits(text: &str, network: Network) -> bool {
    limit(network).is_none_or(|l| count(text, l.counting) <= l.max)
}

/// What a composed post is made of. When it does not fit, [`compose`]
/// takes off the page's hashtags (the brand's last), then the account,
/// then the headline (when there is a body), then the body's last words.
struct Draft {
    /// The card title, else the page's title.
    lead: String,
    /// `[share] text`, else the description.
    body: Option<String>,
    /// "Follow @account", when `[social]` names one on the network.
    mention: Option<String>,
    /// With `#`, CamelCase.
    tags: Vec<String>,
}

fn compose(src: &PostSource<'_>, network: Network, link: &str) -> String {
    let lead = src
        .card_title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(src.title)
        .trim()
        .to_string();
    let body = src
        .fm
        .and_then(|f| f.text.as_deref())
        .or(src.description)
        .map(str::trim)
        .filter(|b| !b.is_empty() && *b != lead)
        .map(String::from);
    let mention = match network {
        Network::Whatsapp | Network::Email => None,
        _ => src
            .social
            .get(network.key())
            .and_then(|u| account(network, u))
            .filter(|_| !src.words.follow.is_empty())
            .map(|a| src.words.follow.replace("{account}", &a)),
    };
    // Words are taken off one at a time below: a body far over any limit
    // is first cut near it, so the work stays proportional to the text.
    let most = limit(network).map_or(6000, |l| (2 * l.max).min(6000));
    let body = body.map(|b| cut_chars(b, most));
    let lead = cut_chars(lead, most);
    let mut draft = Draft {
        lead,
        body,
        mention,
        tags: hashtags(src, network),
    };
    loop {
        let text = layout(src, network, &draft, link);
        if fits(&text, network) {
            return text;
        }
        if !draft.tags.is_empty() {
            draft.tags.remove(0);
        } else if draft.mention.is_some() {
            draft.mention = None;
        } else if draft.body.is_some() && !draft.lead.is_empty() {
            draft.lead.clear();
        } else if let Some(b) = draft.body.as_mut().filter(|b| !b.is_empty()) {
            shorten(b);
        } else if !draft.lead.is_empty() {
            shorten(&mut draft.lead);
        } else {
            return text;
        }
    }
}

/// `s` cut at the last word that ends within `most` characters, with `…`.
fn cut_chars(s: String, most: usize) -> String {
    match s.char_indices().nth(most) {
        None => s,
        Some((end, _)) => {
            let mut out = s[..end].to_string();
            shorten(&mut out);
            out
        }
    }
}

/// Takes the last word off `s`, ending it with `…`.
fn shorten(s: &mut String) {
    let t = s.trim_end_matches('…').trim_end();
    let cut = t
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or_else(|| t.char_indices().last().map_or(0, |(i, _)| i));
    let kept = t[..cut].trim_end_matches([',', ';', ':', ' ', '-', '—']);
    *s = if kept.is_empty() {
        String::new()
    } else {
        format!("{kept}…")
    };
}

/// The post's lines for `network`: its shape, its call to action, where the
/// link goes.
fn layout(src: &PostSource<'_>, network: Network, d: &Draft, link: &str) -> String {
    let w = src.words;
    let cta = w.cta(network);
    let tags = d.tags.join(" ");
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let call = |cta: &str| format!("{cta} {link}").trim().to_string();
    // Paragraphs, blank ones dropped; lines inside one joined by '\n'.
    let paragraphs: Vec<String> = match network {
        Network::X => vec![
            lines(&[&d.lead, &opt(&d.body)]),
            lines(&[&call(cta), &words(&[&opt(&d.mention), &tags])]),
        ],
        Network::Bluesky => vec![
            d.lead.clone(),
            opt(&d.body),
            lines(&[&call(cta), &opt(&d.mention), &tags]),
        ],
        Network::Threads => vec![
            join_non_empty(&[&d.lead, &opt(&d.body)], " — "),
            lines(&[&call(cta), &opt(&d.mention)]),
            tags,
        ],
        Network::Mastodon => vec![
            d.lead.clone(),
            opt(&d.body),
            call(cta),
            opt(&d.mention),
            tags,
        ],
        Network::Linkedin => {
            let pro =
                src.audiences.iter().any(|a| a == "entreprises") && !w.cta_linkedin_pro.is_empty();
            vec![
                d.lead.clone(),
                opt(&d.body),
                call(if pro { &w.cta_linkedin_pro } else { cta }),
                opt(&d.mention),
                tags,
            ]
        }
        Network::Facebook => vec![
            if d.body.is_some() {
                opt(&d.body)
            } else {
                d.lead.clone()
            },
            lines(&[&format!("👉 {}", call(cta)), &opt(&d.mention), &tags]),
        ],
        Network::Instagram => vec![
            if d.lead.is_empty() {
                String::new()
            } else {
                format!("{} ✨", d.lead)
            },
            opt(&d.body),
            lines(&[
                cta,
                &format!("📍 {}", src.brand),
                &format!("🔗 {}", w.link_in_bio),
                &opt(&d.mention),
            ]),
            tags,
        ],
        Network::Whatsapp => vec![lines(&[&words(&[cta, &d.lead]), &opt(&d.body), link])],
        Network::Email => vec![
            cta.to_string(),
            lines(&[&d.lead, &opt(&d.body)]),
            link.to_string(),
        ],
    };
    paragraphs
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn lines(parts: &[&str]) -> String {
    join_non_empty(parts, "\n")
}

fn words(parts: &[&str]) -> String {
    join_non_empty(parts, " ")
}

fn join_non_empty(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm() -> ShareFrontMatter {
        ShareFrontMatter {
            text: Some("Le lac au lever du jour".into()),
            x: Some("Aube sur le lac".into()),
            hashtags: vec!["lac".into(), "#Jura".into(), "ValDOrbiere".into()],
            ..ShareFrontMatter::default()
        }
    }

    #[test]
    fn each_network_gets_its_text_hashtags_and_utm() {
        let fm = fm();
        let input = ShareInput {
            title: "Le lac",
            description: Some("desc"),
            fm: Some(&fm),
            brand_hashtag: Some("ValDOrbiere"),
            tracking: Tracking::Utm {
                campaign: Some("ete-2026"),
            },
        };
        assert_eq!(input.hashtags(), "#Lac #Jura #ValDOrbiere");
        let v = share_view(
            &input,
            "https://x.fr/lac/",
            &Network::SHARE_LINKS,
            "https://x.fr/share/mastodon/",
        );
        let by = |n: &str| v.links.iter().find(|l| l.network == n).unwrap().url.clone();
        assert_eq!(
            by("facebook"),
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fx.fr%2Flac%2F%3Futm_source%3Dfacebook%26utm_medium%3Dsocial%26utm_campaign%3Dete-2026"
        );
        assert!(
            by("x").starts_with("https://x.com/intent/post?text=Aube%20sur%20le%20lac%20%23Lac")
        );
        assert!(by("x").contains("utm_source%3Dx%26"));
        assert!(by("whatsapp").contains("Le%20lac%20au%20lever%20du%20jour"));
        assert!(by("mastodon").starts_with("https://x.fr/share/mastodon/?text="));
        assert!(by("email").starts_with("mailto:?subject=Le%20lac&body="));
        assert!(!by("email").contains("%23Lac"), "no hashtags by e-mail");
        assert_eq!(v.links.len(), 7);
    }

    #[test]
    fn only_the_configured_networks_get_links_and_fallbacks_apply() {
        let input = ShareInput {
            title: "Titre",
            description: None,
            fm: None,
            brand_hashtag: None,
            tracking: Tracking::Utm { campaign: None },
        };
        let v = share_view(&input, "https://x.fr/a/#b", &[Network::Linkedin], "/m/");
        assert_eq!(v.links.len(), 1);
        assert_eq!(v.links[0].network, "linkedin");
        assert_eq!(input.post("x"), "Titre");
        assert_eq!(
            with_utm(
                "https://x.fr/a/?q=1#b",
                "qr",
                "print",
                Tracking::Utm { campaign: None }
            ),
            "https://x.fr/a/?q=1&utm_source=qr&utm_medium=print#b"
        );
        // Under the CNIL's exemption, addresses stay as they are.
        assert_eq!(
            with_utm("https://x.fr/a/#b", "qr", "print", Tracking::Off),
            "https://x.fr/a/#b"
        );
        assert_eq!(Tracking::of(false, Some("ete")), Tracking::Off);
    }

    fn words() -> ShareWords {
        ShareWords::from_strings(|key| {
            Some(
                match key {
                    "share_follow" => "Suivez {account}",
                    "share_link_in_bio" => "Lien en bio",
                    "share_cta_linkedin_pro" => "Entreprises : tout savoir ici :",
                    k => return Some(format!("{}:", k.trim_start_matches("share_cta_"))),
                }
                .to_string(),
            )
        })
    }

    fn social() -> indexmap::IndexMap<String, String> {
        [
            ("instagram", "https://www.instagram.com/valdorbiere/"),
            ("mastodon", "https://mastodon.example/@valdorbiere"),
            ("x", "https://x.com/valdorbiere"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn source<'a>(
        words: &'a ShareWords,
        social: &'a indexmap::IndexMap<String, String>,
        description: &'a str,
        tags: &'a [String],
        audiences: &'a [String],
        fm: Option<&'a ShareFrontMatter>,
    ) -> PostSource<'a> {
        PostSource {
            title: "Le lac d'Orbière au lever du jour",
            description: Some(description),
            card_title: None,
            tags,
            audiences,
            brand: "Val d'Orbière",
            brand_hashtag: Some("val d'orbière"),
            fm,
            social,
            tracking: Tracking::Utm {
                campaign: Some("ete-2026"),
            },
            words,
        }
    }

    fn text<'a>(texts: &'a [NetworkText], network: &str) -> &'a str {
        &texts.iter().find(|t| t.network == network).unwrap().text
    }

    #[test]
    fn x_counts_a_link_as_23_cjk_as_two_and_an_emoji_sequence_as_two() {
        let url = "https://www.val-orbiere.example/tourisme/lac/?utm_source=x&utm_medium=social";
        assert_eq!(count(&format!("Le lac {url}"), Counting::XWeighted), 7 + 23);
        assert_eq!(
            count(&format!("{url}\n#Lac"), Counting::XWeighted),
            23 + 1 + 4
        );
        assert_eq!(count("日本", Counting::XWeighted), 4);
        // A family joined by ZWJ, a thumb with a skin tone, a flag: 2 each.
        assert_eq!(count("👨\u{200d}👩\u{200d}👧", Counting::XWeighted), 2);
        assert_eq!(count("👍🏽", Counting::XWeighted), 2);
        assert_eq!(count("🇫🇷", Counting::XWeighted), 2);
        // Normalised first: e + combining acute is one character.
        assert_eq!(count("e\u{301}té", Counting::XWeighted), 3);
        // Punctuation: « » and — weigh one, but … (U+2026) is outside
        // twitter-text's ranges and weighs two.
        assert_eq!(count("« — »", Counting::XWeighted), 5);
        assert_eq!(count("…", Counting::XWeighted), 2);
        assert_eq!(limit(Network::X).unwrap().max, 280);
    }

    #[test]
    fn bluesky_counts_graphemes_and_links_as_written() {
        assert_eq!(
            count("👨\u{200d}👩\u{200d}👧\u{200d}👦", Counting::Graphemes),
            1
        );
        assert_eq!(count("👍🏽🇫🇷e\u{301}", Counting::Graphemes), 3);
        assert_eq!(count("https://x.fr/a/", Counting::Graphemes), 15);
        assert_eq!(
            limit(Network::Bluesky),
            Some(Limit {
                max: 300,
                counting: Counting::Graphemes
            })
        );
    }

    #[test]
    fn mastodon_counts_links_as_23_and_a_mention_by_its_user_only() {
        let long = format!("https://x.fr/{}", "a".repeat(100));
        assert_eq!(
            count(&format!("Vu ici : {long} !"), Counting::Mastodon),
            9 + 23 + 2
        );
        assert_eq!(
            count("Suivez @valdorbiere@mastodon.example", Counting::Mastodon),
            7 + 12
        );
        // An address in the middle of a word is not a link.
        assert_eq!(count("xhttps://a.fr", Counting::Mastodon), 13);
        assert_eq!(count("Été", Counting::Mastodon), 3);
    }

    #[test]
    fn hashtags_are_camel_case_with_accents_kept_and_apostrophes_taken_out() {
        assert_eq!(camel_case("val d'orbière").as_deref(), Some("ValDOrbière"));
        assert_eq!(camel_case("Val d’Orbière").as_deref(), Some("ValDOrbière"));
        assert_eq!(camel_case("#randonnée").as_deref(), Some("Randonnée"));
        assert_eq!(camel_case("saint-lac").as_deref(), Some("SaintLac"));
        assert_eq!(camel_case("ValDOrbiere").as_deref(), Some("ValDOrbiere"));
        assert_eq!(camel_case("VTT").as_deref(), Some("VTT"));
        assert_eq!(camel_case("été 2026").as_deref(), Some("Été2026"));
        assert_eq!(camel_case("école").as_deref(), Some("École"));
        assert_eq!(camel_case("2026"), None, "networks do not link a number");
        assert_eq!(camel_case(" ' "), None);
    }

    #[test]
    fn accounts_are_named_from_the_social_addresses() {
        let s = social();
        assert_eq!(
            account(Network::Mastodon, &s["mastodon"]).as_deref(),
            Some("@valdorbiere@mastodon.example")
        );
        assert_eq!(
            account(Network::Instagram, &s["instagram"]).as_deref(),
            Some("@valdorbiere")
        );
        assert_eq!(
            account(Network::Bluesky, "https://bsky.app/profile/valdorbiere.fr").as_deref(),
            Some("@valdorbiere.fr")
        );
        assert_eq!(account(Network::X, "https://x.com/"), None);
        assert_eq!(account(Network::X, "x.com/valdorbiere"), None);
    }

    #[test]
    fn each_network_gets_its_own_text_within_its_limit() {
        let (w, s) = (words(), social());
        let tags: Vec<String> = ["lac", "baignade", "randonnée", "pêche", "aube", "été"]
            .map(String::from)
            .to_vec();
        let desc = "Brume, pontons et eau turquoise : le lac se découvre à l'aube.";
        let src = source(&w, &s, desc, &tags, &[], None);
        let texts = kit_texts(&src, "https://x.fr/lac/");
        assert_eq!(texts.len(), Network::KIT_TEXTS.len());
        for (i, a) in texts.iter().enumerate() {
            if let Some(l) = a.limit {
                assert!(a.count <= l, "{}: {} > {l}", a.network, a.count);
            }
            assert!(!a.written);
            for b in &texts[i + 1..] {
                assert_ne!(a.text, b.text, "{} and {}", a.network, b.network);
            }
        }
        let hashtags = |n: &str| text(&texts, n).matches('#').count();
        assert_eq!(hashtags("x"), 2);
        assert_eq!(hashtags("bluesky"), 2);
        assert_eq!(hashtags("instagram"), 5);
        assert_eq!(hashtags("linkedin"), 3);
        assert_eq!(hashtags("mastodon"), 3);
        assert_eq!(hashtags("threads"), 1);
        assert_eq!(hashtags("facebook"), 1);
        assert_eq!(hashtags("whatsapp") + hashtags("email"), 0);
        assert!(text(&texts, "x").contains("#Lac #ValDOrbière"));
        assert!(
            text(&texts, "instagram").contains("#Lac #Baignade #Randonnée #Pêche #ValDOrbière")
        );
        // Instagram: no link, "link in bio" instead.
        let insta = text(&texts, "instagram");
        assert!(
            !insta.contains("https://") && insta.contains("Lien en bio"),
            "{insta}"
        );
        // The link where it works, tagged with its network.
        assert!(
            text(&texts, "x")
                .contains("https://x.fr/lac/?utm_source=x&utm_medium=social&utm_campaign=ete-2026")
        );
        assert!(
            text(&texts, "email")
                .ends_with("utm_source=email&utm_medium=social&utm_campaign=ete-2026")
        );
        // The territory's own account where [social] has one.
        assert!(text(&texts, "mastodon").contains("Suivez @valdorbiere@mastodon.example"));
        assert!(text(&texts, "x").contains("Suivez @valdorbiere"));
        assert!(
            !text(&texts, "bluesky").contains('@'),
            "no Bluesky account in [social]"
        );
        assert!(
            !text(&texts, "linkedin").contains("Entreprises"),
            "not a page for businesses"
        );
    }

    #[test]
    fn linkedin_speaks_to_businesses_on_their_pages() {
        let (w, s) = (words(), social());
        let audiences = vec!["entreprises".to_string()];
        let src = source(&w, &s, "Des bureaux.", &[], &audiences, None);
        let texts = kit_texts(&src, "https://x.fr/a/");
        assert!(
            text(&texts, "linkedin").contains("Entreprises : tout savoir ici : https://x.fr/a/")
        );
        assert!(!text(&texts, "facebook").contains("Entreprises"));
    }

    #[test]
    fn long_texts_lose_hashtags_then_words_but_keep_the_link() {
        let (w, s) = (words(), social());
        let tags = vec!["lac".to_string()];
        // 800 characters of words, emoji among them.
        let desc = "Le lac 🌅 au matin, ".repeat(40);
        let src = source(&w, &s, &desc, &tags, &[], None);
        let texts = kit_texts(&src, "https://x.fr/lac/");
        for n in ["x", "bluesky", "mastodon", "threads"] {
            let t = texts.iter().find(|t| t.network == n).unwrap();
            assert!(t.count <= t.limit.unwrap(), "{n}: {}", t.count);
            assert!(
                t.text.contains("https://x.fr/lac/?utm_source="),
                "{n}: {}",
                t.text
            );
            assert!(t.text.contains('…'), "{n}: {}", t.text);
        }
        let x = text(&texts, "x");
        assert!(!x.contains('#'), "hashtags go before words: {x}");
        // Nothing is cut where there is room.
        assert!(!text(&texts, "linkedin").contains('…'));
    }

    #[test]
    fn a_huge_description_is_composed_in_time_proportional_to_it() {
        let (w, s) = (words(), social());
        let desc = "mot ".repeat(250_000);
        let src = source(&w, &s, &desc, &[], &[], None);
        let start = std::time::Instant::now();
        let texts = kit_texts(&src, "https://x.fr/a/");
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        for t in &texts {
            assert!(t.limit.is_none_or(|l| t.count <= l), "{}", t.network);
            assert!(t.text.chars().count() <= 6200, "{}", t.network);
        }
    }

    #[test]
    fn a_text_the_writer_wrote_wins_and_is_measured_as_posted() {
        let (w, s) = (words(), social());
        let fm = ShareFrontMatter {
            x: Some("Aube sur le lac".into()),
            bluesky: Some("🌅".repeat(290)),
            ..ShareFrontMatter::default()
        };
        let src = source(&w, &s, "desc", &[], &[], Some(&fm));
        let texts = kit_texts(&src, "https://x.fr/lac/");
        let x = texts.iter().find(|t| t.network == "x").unwrap();
        assert!(x.written);
        assert!(
            x.text
                .starts_with("Aube sur le lac #ValDOrbière\nhttps://x.fr/lac/?utm_source=x"),
            "{}",
            x.text
        );
        // 290 graphemes, then the link (36): over Bluesky's 300, kept as written.
        let b = texts.iter().find(|t| t.network == "bluesky").unwrap();
        assert!(b.text.starts_with(&"🌅".repeat(290)) && b.count > 300);
        let link = "https://x.fr/lac/?utm_source=bluesky";
        assert_eq!(
            written_over_limit(Network::Bluesky, &"🌅".repeat(290), link),
            Some((290 + 1 + link.len(), 300))
        );
        assert_eq!(written_over_limit(Network::X, &"a".repeat(256), link), None);
        assert_eq!(
            written_over_limit(Network::X, &"a".repeat(257), link),
            Some((281, 280))
        );
        // Instagram takes no link: only the text counts.
        assert_eq!(
            written_over_limit(Network::Instagram, &"a".repeat(2200), link),
            None
        );
    }
}
