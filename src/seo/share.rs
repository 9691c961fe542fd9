//! Share links: one plain link per network of `[share] networks`, with the
//! page's text for that network and UTM parameters, and the texts a share kit
//! offers to copy. No script and no request to a network until the visitor
//! follows a link; Mastodon, which has no central host, goes through the
//! site's own small page that asks for the visitor's instance.

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

/// A network's text, ready to post: hashtags included.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkText {
    pub network: &'static str,
    pub name: &'static str,
    pub text: String,
}

/// Everything a page says about sharing it.
pub struct ShareInput<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub fm: Option<&'a ShareFrontMatter>,
    /// The brand's hashtag, without `#`.
    pub brand_hashtag: Option<&'a str>,
    pub campaign: Option<&'a str>,
}

impl ShareInput<'_> {
    /// The text for `network`: its own in `[share]`, else `[share] text`, else
    /// the description, else the title.
    pub fn text(&self, network: &str) -> String {
        let own = self.fm.and_then(|s| match network {
            "x" => s.x.as_deref(),
            "facebook" => s.facebook.as_deref(),
            "linkedin" => s.linkedin.as_deref(),
            "whatsapp" => s.whatsapp.as_deref(),
            "bluesky" => s.bluesky.as_deref(),
            "mastodon" => s.mastodon.as_deref(),
            "instagram" => s.instagram.as_deref(),
            "email" => s.email.as_deref(),
            _ => None,
        });
        own.or(self.fm.and_then(|s| s.text.as_deref()))
            .or(self.description)
            .unwrap_or(self.title)
            .trim()
            .to_string()
    }

    /// `#lac #ValDeLoue`: the page's hashtags, then the brand's, once each.
    pub fn hashtags(&self) -> String {
        let mut tags: Vec<String> = Vec::new();
        let page = self.fm.map(|s| s.hashtags.as_slice()).unwrap_or_default();
        for t in page.iter().map(String::as_str).chain(self.brand_hashtag) {
            let t: String = t
                .trim()
                .trim_start_matches('#')
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !t.is_empty() && !tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
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

/// `url` with `utm_source`, `utm_medium` and `utm_campaign`.
pub fn with_utm(url: &str, source: &str, medium: &str, campaign: Option<&str>) -> String {
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
        let target = with_utm(url, network, "social", input.campaign);
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
        url: with_utm(url, "share", "social", input.campaign),
    }
}

/// The texts a kit offers to copy, one per network, with the page's link
/// (except Instagram, where links in posts are not clickable).
pub fn kit_texts(input: &ShareInput<'_>, url: &str) -> Vec<NetworkText> {
    Network::KIT_TEXTS
        .iter()
        .map(|&n| {
            let network = n.key();
            let post = input.post(network);
            let text = if network == "instagram" {
                post
            } else {
                format!(
                    "{post}\n{}",
                    with_utm(url, network, "social", input.campaign)
                )
            };
            NetworkText {
                network,
                name: n.name(),
                text,
            }
        })
        .collect()
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
            campaign: Some("ete-2026"),
        };
        assert_eq!(input.hashtags(), "#lac #Jura #ValDOrbiere");
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
            by("x").starts_with("https://x.com/intent/post?text=Aube%20sur%20le%20lac%20%23lac")
        );
        assert!(by("x").contains("utm_source%3Dx%26"));
        assert!(by("whatsapp").contains("Le%20lac%20au%20lever%20du%20jour"));
        assert!(by("mastodon").starts_with("https://x.fr/share/mastodon/?text="));
        assert!(by("email").starts_with("mailto:?subject=Le%20lac&body="));
        assert!(!by("email").contains("%23lac"), "no hashtags by e-mail");
        assert_eq!(v.links.len(), 7);
    }

    #[test]
    fn only_the_configured_networks_get_links_and_fallbacks_apply() {
        let input = ShareInput {
            title: "Titre",
            description: None,
            fm: None,
            brand_hashtag: None,
            campaign: None,
        };
        let v = share_view(&input, "https://x.fr/a/#b", &[Network::Linkedin], "/m/");
        assert_eq!(v.links.len(), 1);
        assert_eq!(v.links[0].network, "linkedin");
        assert_eq!(input.post("x"), "Titre");
        assert_eq!(
            with_utm("https://x.fr/a/?q=1#b", "qr", "print", None),
            "https://x.fr/a/?q=1&utm_source=qr&utm_medium=print#b"
        );
        let texts = kit_texts(&input, "https://x.fr/a/");
        assert_eq!(texts[0].network, "instagram");
        assert_eq!(texts[0].text, "Titre", "no link in an Instagram caption");
        assert!(
            texts[1]
                .text
                .ends_with("https://x.fr/a/?utm_source=facebook&utm_medium=social")
        );
    }
}
