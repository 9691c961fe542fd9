//! What templates see of community posts: one view per published post, made
//! once per build (the image asked of the pipeline, the text split into runs
//! and cut), and the selections pages ask for (by tag, newest first).
//!
//! Views hold text, never markup: every field reaches HTML through Tera's
//! escaping. Addresses in them were checked by [`crate::community`].

use serde::Serialize;

use crate::community::Community;
use crate::community::text::{MAX_CHARS, Run, cut, runs};
use crate::error::Diagnostic;
use crate::media::{ImagePipeline, ResponsiveImage};

/// A post as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    /// Unique on a page: `post-<id>` is its anchor.
    pub id: String,
    /// The network's key (`instagram`): the icon's name in `/icons/networks.svg`.
    pub network: &'static str,
    pub network_name: &'static str,
    pub url: String,
    pub author: String,
    /// The author's initials for the avatar ("CM" for "Camille Martin",
    /// "A" for "atelier_planches"): at most two letters, upper case.
    pub initials: String,
    pub handle: Option<String>,
    /// ISO 8601, with the post's own offset.
    pub date: String,
    pub runs: Vec<Run>,
    /// The text's language, when the post says it.
    pub lang: Option<String>,
    /// True when the text was cut: the card links to the rest on the network.
    pub cut: bool,
    pub image: Option<ResponsiveImage>,
    pub image_alt: Option<String>,
    pub tags: Vec<String>,
}

/// The first letters of the first and last words of a name, upper case:
/// words are split at spaces, hyphens, dots and underscores, and a word
/// that does not start with a letter (an emoji, "@") is skipped.
pub fn initials(name: &str) -> String {
    let firsts: Vec<char> = name
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '.' | '_' | '@'))
        .filter_map(|w| w.chars().next().filter(|c| c.is_alphabetic()))
        .collect();
    let picked: Vec<char> = match firsts.as_slice() {
        [] => Vec::new(),
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    picked.into_iter().flat_map(char::to_uppercase).collect()
}

/// The posts of the build, as views and as template values.
#[derive(Default)]
pub struct CommunityViews {
    community: Community,
    /// One value per post, in the same order.
    values: Vec<tera::Value>,
}

impl CommunityViews {
    /// Views of every published post; asks the image pipeline for the images.
    pub fn new(
        community: Community,
        images: &ImagePipeline,
    ) -> Result<CommunityViews, Vec<Diagnostic>> {
        let mut values = Vec::with_capacity(community.posts.len());
        let mut errors = Vec::new();
        for p in &community.posts {
            let image = match &p.image {
                Some(path) => match images.responsive(path) {
                    Ok(img) => Some(img),
                    Err(d) => {
                        errors.push(d.file(p.file.clone()));
                        continue;
                    }
                },
                None => None,
            };
            let (text, was_cut) = cut(p.text.trim(), MAX_CHARS);
            let view = PostView {
                id: p.id.clone(),
                network: p.network.key(),
                network_name: p.network.name(),
                url: p.url.clone(),
                author: p.author.clone(),
                initials: initials(&p.author),
                handle: p.handle.clone(),
                date: p.date.iso(),
                runs: runs(&text, p.network, &p.url),
                lang: p.lang.clone(),
                cut: was_cut,
                image,
                image_alt: p.image_alt.clone(),
                tags: p.tags.clone(),
            };
            values.push(tera::Value::from_serializable(&view));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CommunityViews { community, values })
    }

    pub fn is_empty(&self) -> bool {
        self.community.posts.is_empty()
    }

    /// Posts tagged `tag` (all for `None`), newest first, at most `limit`.
    pub fn select(&self, tag: Option<&str>, limit: Option<usize>) -> tera::Value {
        tera::Value::from(
            self.community
                .posts
                .iter()
                .zip(&self.values)
                .filter(|(p, _)| tag.is_none_or(|t| p.has_tag(t)))
                .take(limit.unwrap_or(usize::MAX))
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>(),
        )
    }

    /// Every tag with a post, sorted, one per address (see [`Community::tags`]).
    pub fn tags(&self) -> Vec<&str> {
        self.community.tags()
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_and_last_words_first_letters() {
        assert_eq!(initials("Camille Martin"), "CM");
        assert_eq!(initials("Jean-Pierre de la Fontaine"), "JF");
        assert_eq!(initials("atelier_planches"), "AP");
        assert_eq!(initials("élodie"), "É");
        assert_eq!(initials("🌲 Noé"), "N");
        assert_eq!(initials("@@@"), "");
        assert_eq!(initials(""), "");
    }
}
