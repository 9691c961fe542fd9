//! The publishing calendar's files: the posts of every page's
//! `[share.schedule]`, in order, written as an iCalendar file (one VEVENT
//! per post) and as CSV files in the bulk-upload formats of the scheduling
//! tools offices use (Meta Business Suite, Buffer, Hootsuite), one file per
//! tool and network, since each of these tools posts an uploaded file to
//! the accounts chosen when uploading it.
//!
//! Only formats here: which posts there are, their texts (the share kit's)
//! and images (the kit's) are the render stage's (`render::plan`). CSV
//! follows RFC 4180: CRLF line ends, a field quoted when it holds a comma,
//! a quote, a line break or starts or ends with a space, its quotes doubled.
//! docs/share.md ("Publishing calendar") says which columns each tool gets
//! and what they were taken from.

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::Network;
use crate::seo::ics;

/// One post of the calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub at: Timestamp,
    pub network: Network,
    /// The page's title.
    pub title: String,
    /// The page's address.
    pub url: String,
    /// The share kit's text for the network, as the kit shows it.
    pub text: String,
    /// The absolute address of the kit's image for the network, when the
    /// page has a kit.
    pub image: Option<String>,
    /// The page's path (`/tourisme/lac/`), for the post's UID.
    pub path: String,
}

/// The kit format of the image a post on `network` carries
/// (`render::kits::KIT_FORMATS`): what each network shows best in its feed.
pub fn image_format(network: Network) -> &'static str {
    match network {
        // 4:5 takes the most room in Instagram's and Threads' feeds.
        Network::Instagram | Network::Threads => "portrait",
        // 1.91:1, the link preview's shape.
        Network::Facebook | Network::Linkedin => "landscape",
        // 16:9, shown uncropped in the timelines.
        Network::X | Network::Bluesky | Network::Mastodon => "wide",
        Network::Whatsapp | Network::Email => "square",
    }
}

/// Where a post stands in the plan: by instant, then network, then page.
pub fn order(post: &Post) -> (Timestamp, &'static str, &str) {
    (post.at, post.network.key(), &post.path)
}

/// A scheduling tool a CSV file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Meta,
    Buffer,
    Hootsuite,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::Meta, Tool::Buffer, Tool::Hootsuite];

    /// The file's name stem: `meta`, `buffer`, `hootsuite`.
    pub fn key(self) -> &'static str {
        match self {
            Tool::Meta => "meta",
            Tool::Buffer => "buffer",
            Tool::Hootsuite => "hootsuite",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Tool::Meta => "Meta Business Suite",
            Tool::Buffer => "Buffer",
            Tool::Hootsuite => "Hootsuite",
        }
    }

    /// Whether the tool posts to `network`: Meta Business Suite to Facebook
    /// and Instagram only.
    pub fn posts_to(self, network: Network) -> bool {
        match self {
            Tool::Meta => matches!(network, Network::Facebook | Network::Instagram),
            Tool::Buffer | Tool::Hootsuite => {
                !matches!(network, Network::Whatsapp | Network::Email)
            }
        }
    }

    /// The header row, when the format has one.
    pub fn header(self) -> Option<&'static [&'static str]> {
        match self {
            Tool::Meta => Some(&[
                "Post text",
                "Scheduled date",
                "Scheduled time",
                "Image URL",
                "Link",
            ]),
            Tool::Buffer => Some(&["Text", "Image URL", "Tags", "Posting Time"]),
            // The bulk composer reads columns by position: a header row
            // would be read as a post with an invalid date.
            Tool::Hootsuite => None,
        }
    }

    /// The file of `network`'s posts: `hootsuite-instagram.csv`.
    pub fn file_name(self, network: Network) -> String {
        format!("{}-{}.csv", self.key(), network.key())
    }

    /// One post's row; times in the site's zone `tz`, to the minute.
    fn row(self, post: &Post, tz: &TimeZone) -> Vec<String> {
        let local = post.at.to_zoned(tz.clone());
        let image = post.image.clone().unwrap_or_default();
        match self {
            // The link is in the text where the network takes one (as in the
            // kit); a link column too would make the tools add it twice.
            Tool::Meta => vec![
                post.text.clone(),
                local.strftime("%Y-%m-%d").to_string(),
                local.strftime("%H:%M").to_string(),
                image,
                String::new(),
            ],
            Tool::Buffer => vec![
                post.text.clone(),
                image,
                post.network.key().to_string(),
                local.strftime("%Y-%m-%d %H:%M").to_string(),
            ],
            Tool::Hootsuite => vec![
                local.strftime("%d/%m/%Y %H:%M").to_string(),
                post.text.clone(),
                String::new(),
            ],
        }
    }
}

/// One CSV file of the plan: a tool's file for one network.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvFile {
    pub tool: Tool,
    pub network: Network,
    /// `hootsuite-instagram.csv`.
    pub name: String,
    pub text: String,
}

/// The CSV files of the plan: for each tool, one file per network it posts
/// to that has posts, with the posts at or after the clock's now (the
/// tools refuse posts in the past).
pub fn csv_files(posts: &[Post], tz: &TimeZone, clock: &crate::clock::Clock) -> Vec<CsvFile> {
    let mut out = Vec::new();
    for tool in Tool::ALL {
        for network in crate::content::schedule::SCHEDULABLE {
            if !tool.posts_to(network) {
                continue;
            }
            let mine: Vec<&Post> = posts
                .iter()
                .filter(|p| p.network == network && !clock.passed(p.at))
                .collect();
            if mine.is_empty() {
                continue;
            }
            out.push(CsvFile {
                tool,
                network,
                name: tool.file_name(network),
                text: csv(tool, &mine, tz),
            });
        }
    }
    out
}

/// One tool's CSV file of `posts`.
pub fn csv(tool: Tool, posts: &[&Post], tz: &TimeZone) -> String {
    let mut out = String::new();
    if let Some(h) = tool.header() {
        push_record(&mut out, h.iter().copied());
    }
    for p in posts {
        let row = tool.row(p, tz);
        push_record(&mut out, row.iter().map(String::as_str));
    }
    out
}

/// A CSV field as RFC 4180 writes it: quoted, its quotes doubled, when it
/// holds a comma, a quote or a line break, or starts or ends with a space
/// (which spreadsheets would trim).
pub fn field(s: &str) -> Cow<'_, str> {
    let needs = s.contains([',', '"', '\n', '\r'])
        || s.starts_with([' ', '\t'])
        || s.ends_with([' ', '\t']);
    if needs {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Appends one record and its CRLF.
pub fn push_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(f));
    }
    out.push_str("\r\n");
}

/// The plan as an iCalendar file: one VEVENT per post, at its instant in
/// UTC, its summary the network and the page's title, its description the
/// post's text. `name` is the calendar's, `host` the site's (for UIDs).
pub fn calendar(name: &str, host: &str, posts: &[Post]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, l: &str| ics::push_line(out, l);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(
        &mut out,
        &format!(
            "PRODID:-//blason//{}//EN",
            ics::text(name).replace("//", "/")
        ),
    );
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", ics::text(name)));
    for p in posts {
        let when = ics::utc(p.at);
        let page = p.path.trim_matches('/').replace('/', "-");
        let page = if page.is_empty() { "home" } else { &page };
        line(&mut out, "BEGIN:VEVENT");
        line(
            &mut out,
            &format!("UID:post-{page}-{}-{when}@{host}", p.network.key()),
        );
        // The post's own instant: the file stays the same from build to build.
        line(&mut out, &format!("DTSTAMP:{when}"));
        line(&mut out, &format!("DTSTART:{when}"));
        line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                ics::text(&format!("{} — {}", p.network.name(), p.title))
            ),
        );
        line(&mut out, &format!("DESCRIPTION:{}", ics::text(&p.text)));
        line(&mut out, &format!("URL:{}", p.url));
        if let Some(img) = &p.image {
            line(&mut out, &format!("ATTACH;FMTTYPE=image/jpeg:{img}"));
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// Pairs of posts (indexes into `posts`) on the same network less than an
/// hour apart: each post with the next one on its network. `posts` are
/// (network, instant); n log n.
pub fn crowded(posts: &[(Network, Timestamp)]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..posts.len()).collect();
    order.sort_by_key(|&i| (posts[i].0, posts[i].1, i));
    let hour = jiff::SignedDuration::from_hours(1);
    order
        .windows(2)
        .filter(|w| {
            let (a, b) = (&posts[w[0]], &posts[w[1]]);
            a.0 == b.0 && b.1.duration_since(a.1) < hour
        })
        .map(|w| (w[0], w[1]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small RFC 4180 reader: records of fields, quotes undone.
    pub(crate) fn read_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (false, c) => field.push(c),
            }
        }
        assert!(!quoted, "an unclosed quote");
        assert!(field.is_empty() && record.is_empty(), "no CRLF at the end");
        records
    }

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn post(network: Network, at: &str, text: &str) -> Post {
        Post {
            at: at.parse().unwrap(),
            network,
            title: "Le lac, l'été".into(),
            url: "https://x.fr/tourisme/lac/".into(),
            text: text.into(),
            image: Some("https://x.fr/cards/lac-portrait-1a2b.jpg".into()),
            path: "/tourisme/lac/".into(),
        }
    }

    const HOSTILE: &str = "Au bord du lac, \"l'aube\" :\nvenez !\r\n#Lac ";

    #[test]
    fn fields_are_quoted_as_rfc_4180_says_and_read_back_whole() {
        assert_eq!(field("simple"), "simple");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("dit \"oui\""), "\"dit \"\"oui\"\"\"");
        assert_eq!(field("ligne\nsuite"), "\"ligne\nsuite\"");
        assert_eq!(field(" espace"), "\" espace\"");
        assert_eq!(field(""), "");
        let mut out = String::new();
        push_record(&mut out, [HOSTILE, "", "fin"].into_iter());
        assert!(out.ends_with("\r\n"));
        assert_eq!(
            read_csv(&out),
            [vec![HOSTILE.to_string(), String::new(), "fin".into()]]
        );
    }

    #[test]
    fn each_tool_has_its_columns_and_rows_read_back() {
        let a = post(Network::Instagram, "2027-06-12T16:00:00Z", HOSTILE);
        let posts = [&a];
        let meta = read_csv(&csv(Tool::Meta, &posts, &paris()));
        assert_eq!(
            meta[0],
            [
                "Post text",
                "Scheduled date",
                "Scheduled time",
                "Image URL",
                "Link"
            ]
        );
        assert_eq!(
            meta[1],
            [
                HOSTILE,
                "2027-06-12",
                "18:00",
                "https://x.fr/cards/lac-portrait-1a2b.jpg",
                ""
            ]
        );
        let buffer = read_csv(&csv(Tool::Buffer, &posts, &paris()));
        assert_eq!(buffer[0], ["Text", "Image URL", "Tags", "Posting Time"]);
        assert_eq!(
            buffer[1],
            [
                HOSTILE,
                "https://x.fr/cards/lac-portrait-1a2b.jpg",
                "instagram",
                "2027-06-12 18:00"
            ]
        );
        // Hootsuite: no header; date, message, link by position, the date
        // day first in the site's zone.
        let hoot = read_csv(&csv(Tool::Hootsuite, &posts, &paris()));
        assert_eq!(
            hoot,
            [vec![
                "12/06/2027 18:00".to_string(),
                HOSTILE.into(),
                String::new()
            ]]
        );
        // Winter time: +01:00.
        let b = post(Network::X, "2027-01-05T08:05:00Z", "Hiver");
        let hoot = read_csv(&csv(Tool::Hootsuite, &[&b], &paris()));
        assert_eq!(hoot[0][0], "05/01/2027 09:05");
    }

    #[test]
    fn files_per_tool_and_network_leave_out_past_posts_and_networks_a_tool_lacks() {
        let mut posts = vec![
            post(Network::X, "2027-06-12T16:00:00Z", "x"),
            post(Network::Instagram, "2027-06-12T15:00:00Z", "ig"),
            post(Network::Instagram, "2020-01-01T00:00:00Z", "passé"),
            post(Network::Mastodon, "2027-06-13T10:00:00Z", "m"),
        ];
        posts.sort_by(|a, b| order(a).cmp(&order(b)));
        assert_eq!(posts[0].text, "passé");
        let files = csv_files(
            &posts,
            &paris(),
            &crate::clock::Clock::new("2026-07-01T00:00:00Z".parse().unwrap()),
        );
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "meta-instagram.csv",
                "buffer-instagram.csv",
                "buffer-x.csv",
                "buffer-mastodon.csv",
                "hootsuite-instagram.csv",
                "hootsuite-x.csv",
                "hootsuite-mastodon.csv",
            ]
        );
        let ig = read_csv(&files[0].text);
        assert_eq!(ig.len(), 2, "the header and the one post to come");
        assert_eq!(ig[1][0], "ig");
    }

    #[test]
    fn the_calendar_has_one_event_per_post_at_its_utc_instant() {
        let posts = [
            post(Network::Instagram, "2027-06-12T16:00:00Z", HOSTILE),
            post(
                Network::Linkedin,
                "2027-06-13T07:30:00Z",
                &"long ".repeat(40),
            ),
        ];
        let cal = calendar("Val d'Orbière", "x.fr", &posts);
        assert_eq!(cal.matches("BEGIN:VEVENT").count(), 2);
        assert!(cal.contains("DTSTART:20270612T160000Z\r\n"));
        assert!(cal.contains("DTSTART:20270613T073000Z\r\n"));
        assert!(cal.contains("SUMMARY:Instagram — Le lac\\, l'été\r\n"));
        assert!(cal.contains("UID:post-tourisme-lac-instagram-20270612T160000Z@x.fr\r\n"));
        assert!(cal.contains("DESCRIPTION:Au bord du lac\\, \"l'aube\" :\\nvenez !\\n#Lac"));
        for l in cal.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert!(!cal.replace("\r\n", "").contains('\n'));
        assert_eq!(
            cal,
            calendar("Val d'Orbière", "x.fr", &posts),
            "deterministic"
        );
    }

    #[test]
    fn posts_less_than_an_hour_apart_on_one_network_are_crowded() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let posts = [
            (Network::X, t("2027-06-12T16:00:00Z")),
            (Network::Instagram, t("2027-06-12T16:10:00Z")),
            (Network::X, t("2027-06-12T16:59:00Z")),
            (Network::X, t("2027-06-12T17:59:00Z")),
            (Network::Instagram, t("2027-06-12T18:00:00Z")),
        ];
        assert_eq!(crowded(&posts), [(0, 2)]);
        assert!(crowded(&[]).is_empty());
    }
}
