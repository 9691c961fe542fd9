//! The publishing calendar: every post of the pages' `[share.schedule]` in
//! one language, at [`routes::plan`] (`/kit/plan/`, `/en/kit/plan/`): a page
//! (noindex, in no sitemap, feed or search index, linked from nowhere, like
//! the share kits) listing the posts by day in the site's time zone, each
//! with its network, the kit's picture for that network, the kit's text for
//! it with a copy button, and a link to the page's kit; beside it the plan
//! as an iCalendar file and as CSV files for the scheduling tools
//! ([`crate::seo::plan`]). No page with posts in a language: no plan there.
//!
//! The texts are the kit's own ([`kits::texts`]) and the pictures the kit's
//! own drawings ([`kits::draw`]: the same request gives the same file), so
//! what the plan schedules is what the kit offers. A page whose kit is
//! turned off (`[share] kit = false`) keeps its posts in the plan, without
//! a picture; `check` warns about it.

use std::collections::BTreeMap;

use crate::content::PageId;
use crate::error::Diagnostic;
use crate::render::head::{Frame, Head};
use crate::render::jobs::{JobOutput, RenderInputs};
use crate::render::{kits, routes};
use crate::seo::plan::{Post, Tool, calendar, csv_files, image_format, order};
use crate::url::absolute;

/// The pages of `lang` with posts in `[share.schedule]`.
pub(crate) fn scheduled(inputs: &RenderInputs<'_>, lang: &str) -> Vec<PageId> {
    inputs
        .content()
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == lang)
        .filter(|(_, p)| {
            p.fm.share
                .as_ref()
                .and_then(|s| s.schedule.as_ref())
                .is_some_and(|s| !s.posts.is_empty())
        })
        .map(|(i, _)| PageId(i))
        .collect()
}

/// Whether page `i` has a share kit (and so pictures for its posts).
fn has_kit(inputs: &RenderInputs<'_>, i: PageId) -> bool {
    inputs.config().share.kit && inputs.cards.is_some() && kits::wanted(inputs, i)
}

/// A picture's small preview on the plan page.
#[derive(Clone, serde::Serialize)]
struct Preview {
    url: String,
    width: u32,
    height: u32,
}

/// A post as the plan page shows it.
#[derive(serde::Serialize)]
struct PostView {
    id: String,
    /// RFC 3339, for `<time datetime>`.
    datetime: String,
    time: String,
    network: &'static str,
    name: &'static str,
    title: String,
    permalink: String,
    kit: Option<String>,
    text: String,
    /// The picture's download, and its preview.
    image: Option<String>,
    preview: Option<Preview>,
    image_alt: String,
    past: bool,
    copied: String,
}

/// The plan of `lang`: its page, its calendar and its CSV files.
pub(crate) fn plan(inputs: &RenderInputs<'_>, lang: &str) -> Result<JobOutput, Diagnostic> {
    let config = inputs.config();
    let base = config.base();
    let content = inputs.content();
    let pages = scheduled(inputs, lang);
    if pages.is_empty() {
        return Ok(JobOutput::default());
    }
    let strings = inputs.strings_of(lang);
    let string = |key: &str| inputs.string(lang, key).unwrap_or_default();
    let fill = |key: &str, values: &[(&str, &str)]| super::practical::fill(&string(key), values);
    let mut posts: Vec<(Post, Option<Preview>, Option<String>)> = Vec::new();
    for &i in &pages {
        let p = &content.pages[i.0];
        let Some(schedule) = p.fm.share.as_ref().and_then(|s| s.schedule.as_ref()) else {
            continue;
        };
        let texts = kits::texts(inputs, i);
        let kit = has_kit(inputs, i).then(|| absolute(base, &routes::kit(&p.path)));
        let mut drawn: BTreeMap<&str, (String, Preview)> = BTreeMap::new();
        for (network, at) in schedule.instants() {
            let format = image_format(network);
            if let (Some(studio), true) = (inputs.cards, kit.is_some())
                && !drawn.contains_key(format)
            {
                for im in kits::draw(inputs, studio, i, &[format])? {
                    let preview = Preview {
                        url: im.preview.url,
                        width: im.preview.width,
                        height: im.preview.height,
                    };
                    drawn.insert(format, (im.card.url, preview));
                }
            }
            let text = texts
                .iter()
                .find(|t| t.network == network.key())
                .map(|t| t.text.clone())
                .unwrap_or_default();
            let (image, preview) = match drawn.get(format) {
                Some((url, preview)) => (Some(url.clone()), Some(preview.clone())),
                None => (None, None),
            };
            posts.push((
                Post {
                    at,
                    network,
                    title: p.title().to_string(),
                    url: absolute(base, &p.path),
                    text,
                    image,
                    path: p.path.clone(),
                },
                preview,
                kit.clone(),
            ));
        }
    }
    posts.sort_by(|a, b| order(&a.0).cmp(&order(&b.0)));
    let tz = &config.timezone;
    let clock = inputs.views.clock;
    // Days in the site's zone, in order, each with its posts.
    let mut days: Vec<(jiff::civil::Date, Vec<PostView>)> = Vec::new();
    for (k, (post, preview, kit)) in posts.iter().enumerate() {
        let local = post.at.to_zoned(tz.tz.clone());
        let view = PostView {
            id: format!("post-{}", k + 1),
            datetime: local.strftime("%Y-%m-%dT%H:%M%:z").to_string(),
            time: strings.map_or_else(
                || local.strftime("%H:%M").to_string(),
                |s| s.format_time(&local),
            ),
            network: post.network.key(),
            name: post.network.name(),
            title: post.title.clone(),
            permalink: post.url.clone(),
            kit: kit.clone(),
            text: post.text.clone(),
            image: post.image.clone(),
            preview: preview.clone(),
            image_alt: fill(
                "plan_image_alt",
                &[("network", post.network.name()), ("title", &post.title)],
            ),
            past: clock.passed(post.at),
            copied: fill("kit_copied", &[("network", post.network.name())]),
        };
        match days.last_mut() {
            Some((d, list)) if *d == local.date() => list.push(view),
            _ => days.push((local.date(), vec![view])),
        }
    }
    let days: Vec<serde_json::Value> = days
        .into_iter()
        .map(|(d, list)| {
            let date = strings.map_or_else(|| d.to_string(), |s| s.format_date(d));
            let weekday = strings
                .and_then(|s| s.days.get(d.weekday().to_monday_zero_offset() as usize))
                .cloned()
                .unwrap_or_default();
            serde_json::json!({
                "heading": fill("plan_day", &[("weekday", &weekday), ("date", &date)]),
                "iso": d.to_string(),
                "posts": list,
            })
        })
        .collect();
    let path = routes::plan(config, lang);
    let rel = path.trim_start_matches('/').to_string();
    let posts: Vec<Post> = posts.into_iter().map(|(p, _, _)| p).collect();
    let title = string("plan_title");
    let mut files = vec![(
        format!("{rel}plan.ics"),
        calendar(
            &format!("{title} — {}", config.title_in(lang)),
            crate::url::authority(base),
            &posts,
        )
        .into_bytes(),
    )];
    let csvs = csv_files(&posts, tz, clock);
    let mut tools: Vec<serde_json::Value> = Vec::new();
    for tool in Tool::ALL {
        let mine: Vec<serde_json::Value> = csvs
            .iter()
            .filter(|f| f.tool == tool)
            .map(|f| {
                serde_json::json!({
                    "name": f.network.name(),
                    "url": absolute(base, &format!("{path}{}", f.name)),
                })
            })
            .collect();
        if !mine.is_empty() {
            tools.push(serde_json::json!({ "name": tool.name(), "files": mine }));
        }
    }
    files.extend(
        csvs.into_iter()
            .map(|f| (format!("{rel}{}", f.name), f.text.into_bytes())),
    );
    let mut head = Head::new(title.clone());
    head.noindex = true;
    let mut frame = Frame::new(lang, "plan.html", path.clone()).head(head);
    frame.ctx.insert(
        "plan",
        &serde_json::json!({
            "title": title,
            "intro": fill("plan_intro", &[("zone", &tz.name)]),
            "days": days,
            "ics": absolute(base, &format!("{path}plan.ics")),
            "tools": tools,
            "zone": tz.name,
        }),
    );
    let mut out = crate::render::head::finish(frame, inputs)?;
    out.files.extend(files);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::stages::with_render_inputs;
    use crate::testing::{CONFIG, site};

    #[test]
    fn the_plan_lists_each_post_with_its_kit_text_by_day_in_the_site_zone() {
        let config = format!(
            "timezone = \"Europe/Paris\"\n{}",
            CONFIG.replace("kit = false", "kit = true")
        );
        let dir = site(&[
            ("blason.toml", &config),
            ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
            (
                "content/tourisme/lac.md",
                "+++\ntitle = \"Le lac\"\ndescription = \"Un lac.\"\n[share]\ninstagram = \"MARQUEUR au bord, \\\"dit-on\\\"\"\n[share.schedule]\ninstagram = 2027-06-12T23:30:00+02:00\nx = 2027-06-12T09:00:00Z\n+++\n",
            ),
            (
                "content/culture/musee.md",
                "+++\ntitle = \"Le musée\"\n[share]\nkit = false\n[share.schedule]\nfacebook = 2027-06-12T08:00:00+02:00\n+++\n",
            ),
            ("content/tourisme/sans.md", "+++\ntitle = \"Sans\"\n+++\n"),
        ]);
        with_render_inputs(dir.path(), |inputs| {
            assert!(scheduled(inputs, "en").is_empty());
            assert_eq!(scheduled(inputs, "fr").len(), 2);
            let out = plan(inputs, "fr").unwrap();
            let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
            assert!(names.contains(&"kit/plan/index.html"), "{names:?}");
            assert!(names.contains(&"kit/plan/plan.ics"), "{names:?}");
            assert!(
                names.contains(&"kit/plan/hootsuite-instagram.csv"),
                "{names:?}"
            );
            let html = String::from_utf8_lossy(
                &out.files
                    .iter()
                    .find(|(n, _)| n == "kit/plan/index.html")
                    .unwrap()
                    .1,
            )
            .into_owned();
            assert!(
                html.contains("<meta name=\"robots\" content=\"noindex\">"),
                "{html}"
            );
            // The kit's text, escaped once.
            let lac = kits::texts(inputs, scheduled(inputs, "fr")[1]);
            let ig = &lac.iter().find(|t| t.network == "instagram").unwrap().text;
            assert!(ig.starts_with("MARQUEUR au bord, \"dit-on\""), "{ig}");
            assert!(
                html.contains("MARQUEUR au bord, &quot;dit-on&quot;"),
                "{html}"
            );
            // In order, by day in Paris: the musée at 08:00, X at 11:00 and
            // Instagram at 23:30, all on the 12th.
            let (p2, p3) = (
                html.find("id=\"post-2\"").unwrap(),
                html.find("id=\"post-3\"").unwrap(),
            );
            let c = html.find("MARQUEUR").unwrap();
            assert!(p2 < p3 && p3 < c, "{html}");
            assert_eq!(html.matches("class=\"plan-day\"").count(), 1, "{html}");
            // The musée has no kit: no picture, no kit link.
            assert_eq!(html.matches("class=\"plan-image\"").count(), 2, "{html}");
            let ics = String::from_utf8_lossy(
                &out.files
                    .iter()
                    .find(|(n, _)| n == "kit/plan/plan.ics")
                    .unwrap()
                    .1,
            )
            .into_owned();
            assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
            assert!(ics.contains("DTSTART:20270612T213000Z"), "{ics}");
        });
    }

    #[test]
    fn no_page_with_posts_no_plan() {
        let dir = site(&[
            ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
            ("content/tourisme/lac.md", "+++\ntitle = \"Le lac\"\n+++\n"),
        ]);
        with_render_inputs(dir.path(), |inputs| {
            let jobs = crate::render::jobs::plan(inputs, &[]);
            assert!(
                !jobs
                    .iter()
                    .any(|j| matches!(j, crate::render::jobs::Job::Plan(_)))
            );
            assert!(plan(inputs, "fr").unwrap().files.is_empty());
        });
        crate::testing::write(
            dir.path(),
            "content/tourisme/lac.md",
            "+++\ntitle = \"Le lac\"\n[share.schedule]\nx = 2027-06-12T09:00:00+02:00\n+++\n",
        );
        with_render_inputs(dir.path(), |inputs| {
            let jobs = crate::render::jobs::plan(inputs, &[]);
            let plans: Vec<&crate::render::jobs::Job> = jobs
                .iter()
                .filter(|j| matches!(j, crate::render::jobs::Job::Plan(_)))
                .collect();
            assert_eq!(plans, [&crate::render::jobs::Job::Plan("fr".into())]);
        });
    }
}
