//! `[share.schedule]`: when a page is to be posted on which network, read
//! from front matter for the publishing calendar (docs/share.md,
//! "Publishing calendar").
//!
//! Each key is a network a scheduling tool posts to; each value one
//! date-time with its UTC offset, or a list of them (a page posted twice on
//! the same network). A day without a time, or a time without an offset,
//! is refused: a post goes out at one instant, and a plan read in another
//! zone (the scheduling tool's, the ambassador's phone) must not move it.
//! Errors name the key and sit at the value's line. This module reads; the
//! plan itself is made by `seo::plan` and `render::plan`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::frontmatter::FmDate;
use crate::config::Network;

/// The networks a post can be scheduled on: those of the share kit but
/// WhatsApp and e-mail, which scheduling tools do not post to.
pub const SCHEDULABLE: [Network; 7] = [
    Network::Instagram,
    Network::Facebook,
    Network::X,
    Network::Linkedin,
    Network::Bluesky,
    Network::Mastodon,
    Network::Threads,
];

/// The posts of one page, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub posts: Vec<(Network, FmDate)>,
}

impl Schedule {
    /// The instant of each post.
    pub fn instants(&self) -> impl Iterator<Item = (Network, jiff::Timestamp)> + '_ {
        // Every date here has an offset (checked when read): the zone is unused.
        self.posts
            .iter()
            .map(|(n, d)| (*n, d.timestamp(&jiff::tz::TimeZone::UTC)))
    }
}

fn network_list() -> String {
    SCHEDULABLE
        .iter()
        .map(|n| n.key())
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Schedule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of networks and date-times, e.g. instagram = 2027-06-12T18:00:00+02:00")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Schedule, A::Error> {
                let mut posts = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let network = Network::parse(&key).filter(|n| SCHEDULABLE.contains(n));
                    // An unknown key is refused while its value is read, so
                    // that the error stands at the key's line.
                    let dates = map.next_value_seed(Dates {
                        key: &key,
                        known: network.is_some(),
                    })?;
                    if let Some(network) = network {
                        posts.extend(dates.into_iter().map(|d| (network, d)));
                    }
                }
                Ok(Schedule { posts })
            }
        }
        d.deserialize_map(V)
    }
}

/// The value of one key: a date-time or a list of them, each checked to
/// have a time and an offset.
struct Dates<'k> {
    key: &'k str,
    /// Whether the key is a network a post can be scheduled on.
    known: bool,
}

impl Dates<'_> {
    fn known<E: de::Error>(&self) -> Result<(), E> {
        if self.known {
            return Ok(());
        }
        let why = match self.key {
            "whatsapp" | "email" => "scheduling tools do not post to it",
            _ => "it is not a network blason knows",
        };
        Err(E::custom(format!(
            "[share.schedule] {}: {why}; write one of {}",
            self.key,
            network_list()
        )))
    }

    fn check<E: de::Error>(&self, d: FmDate) -> Result<FmDate, E> {
        if d.date_only || d.offset.is_none() {
            return Err(E::custom(format!(
                "[share.schedule] {}: `{}` needs a time and a UTC offset, e.g. 2027-06-12T18:00:00+02:00",
                self.key,
                d.iso()
            )));
        }
        Ok(d)
    }
}

impl<'de> DeserializeSeed<'de> for Dates<'_> {
    type Value = Vec<FmDate>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<FmDate>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Dates<'_> {
    type Value = Vec<FmDate>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "a date-time with its offset (2027-06-12T18:00:00+02:00) or a list of them for [share.schedule] {}",
            self.key
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<FmDate>, E> {
        self.known()?;
        let d = FmDate::parse(v)
            .map_err(|e| E::custom(format!("[share.schedule] {}: {e}", self.key)))?;
        Ok(vec![self.check(d)?])
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<FmDate>, A::Error> {
        self.known()?;
        // A TOML date-time arrives as a one-key map.
        let d = FmDate::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(vec![self.check(d)?])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<FmDate>, A::Error> {
        self.known()?;
        let mut out = Vec::new();
        while let Some(d) = seq.next_element::<FmDate>()? {
            out.push(self.check(d)?);
        }
        Ok(out)
    }
}

impl Serialize for Schedule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut by_network: Vec<(&str, Vec<String>)> = Vec::new();
        for (n, d) in &self.posts {
            match by_network.iter_mut().find(|(k, _)| *k == n.key()) {
                Some((_, list)) => list.push(d.iso()),
                None => by_network.push((n.key(), vec![d.iso()])),
            }
        }
        let mut map = s.serialize_map(Some(by_network.len()))?;
        for (k, v) in by_network {
            map.serialize_entry(k, &v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::{PageFrontMatter, parse, split};

    fn page(text: &str) -> Result<PageFrontMatter, crate::error::Diagnostic> {
        parse(&split(text).unwrap())
    }

    #[test]
    fn a_schedule_is_networks_and_instants_in_toml_and_yaml() {
        let fm = page("+++\ntitle = \"Lac\"\n[share.schedule]\ninstagram = 2027-06-12T18:00:00+02:00\nx = [2027-06-12T09:00:00Z, \"2027-06-20T12:30:00+02:00\"]\n+++\n").unwrap();
        let s = fm.share.unwrap().schedule.unwrap();
        let got: Vec<(&str, String)> = s.posts.iter().map(|(n, d)| (n.key(), d.iso())).collect();
        assert_eq!(
            got,
            [
                ("instagram", "2027-06-12T18:00:00+02:00".to_string()),
                ("x", "2027-06-12T09:00:00+00:00".to_string()),
                ("x", "2027-06-20T12:30:00+02:00".to_string()),
            ]
        );
        let instants: Vec<String> = s.instants().map(|(_, t)| t.to_string()).collect();
        assert_eq!(instants[0], "2027-06-12T16:00:00Z");
        let fm =
            page("---\nshare:\n  schedule:\n    linkedin: \"2027-06-12T08:00:00+02:00\"\n---\n")
                .unwrap();
        let s = fm.share.unwrap().schedule.unwrap();
        assert_eq!(s.posts[0].0, Network::Linkedin);
        // Written back as a table of lists.
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"linkedin":["2027-06-12T08:00:00+02:00"]}"#);
    }

    #[test]
    fn an_unknown_network_is_refused_at_its_line_naming_the_key() {
        let e = page("+++\ntitle = \"Lac\"\n[share.schedule]\ninstagram = 2027-06-12T18:00:00+02:00\ntiktok = 2027-06-12T18:00:00+02:00\n+++\n").unwrap_err();
        assert!(e.message.contains("[share.schedule] tiktok"), "{e:?}");
        assert!(e.message.contains("instagram, facebook"), "{e:?}");
        assert_eq!(e.line, Some(5), "{e:?}");
        let e =
            page("+++\n[share.schedule]\nemail = 2027-06-12T18:00:00+02:00\n+++\n").unwrap_err();
        assert!(e.message.contains("do not post to it"), "{e:?}");
    }

    #[test]
    fn a_day_or_a_time_without_offset_is_refused_naming_the_key() {
        for (value, shown) in [
            ("2027-06-12", "`2027-06-12`"),
            ("2027-06-12T18:00:00", "`2027-06-12T18:00:00`"),
            ("\"2027-06-12 18:00\"", "`2027-06-12T18:00:00`"),
            ("[2027-06-12T18:00:00+02:00, 2027-06-13]", "`2027-06-13`"),
        ] {
            let text = format!("+++\ntitle = \"Lac\"\n[share.schedule]\nfacebook = {value}\n+++\n");
            let e = page(&text).unwrap_err();
            assert!(
                e.message.contains("[share.schedule] facebook"),
                "{value}: {e:?}"
            );
            assert!(
                e.message.contains("needs a time and a UTC offset"),
                "{value}: {e:?}"
            );
            assert!(e.message.contains(shown), "{value}: {e:?}");
            assert_eq!(e.line, Some(4), "{value}: {e:?}");
        }
        let e = page("+++\n[share.schedule]\nx = \"demain\"\n+++\n").unwrap_err();
        assert!(
            e.message.contains("[share.schedule] x") && e.message.contains("not a date"),
            "{e:?}"
        );
        let e = page("+++\n[share]\nschedule = \"2027-06-12T18:00:00+02:00\"\n+++\n").unwrap_err();
        assert!(e.message.contains("table of networks"), "{e:?}");
    }

    #[test]
    fn a_section_cannot_schedule_posts() {
        use crate::content::frontmatter::{SectionFrontMatter, check};
        let text =
            "+++\ntitle = \"Tourisme\"\n[share.schedule]\nx = 2027-06-12T09:00:00+02:00\n+++\n";
        let sp = split(text).unwrap();
        let fm: SectionFrontMatter = parse(&sp).unwrap();
        let problems = check(&fm, &sp);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].message.contains("[share.schedule]"),
            "{problems:?}"
        );
        assert_eq!(problems[0].line, Some(3));
    }
}
