//! Markdown to HTML: pulldown-cmark events, rewritten on the way.
//!
//! [`render`] takes a `&str` and a [`RenderContext`] (links and shortcodes,
//! handed in by the pipeline); it never sees a page or a template. On the way it
//! gives headings unique ids and builds a table of contents, resolves internal
//! links `@/path.md#anchor` (a broken one is an error with its line), marks
//! external links, highlights code with CSS classes, applies the language's typography
//! outside code, cuts the summary at `<!-- more -->` and places shortcodes'
//! HTML. HTML written in the markdown is cleaned ([`sanitize`]) unless the
//! site trusts it, each removal a warning. Errors and warnings carry lines
//! of the whole file, not of the body.

pub mod held;
pub mod highlight;
pub mod sanitize;
pub mod shortcode;
pub mod typography;

use crate::config::{RawHtml, Typography};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use crate::error::Diagnostic;
use crate::slug::slugify;

/// How markdown is rendered for one page.
#[derive(Debug, Clone)]
pub struct MarkdownOptions<'a> {
    pub typography: Typography,
    pub external_links_new_tab: bool,
    /// The site's own host (links to it are not external).
    pub site_host: &'a str,
    /// Zola's `insert_anchor_links`: `left`, `right`, `heading` or none.
    pub anchor_links: AnchorLinks,
    /// HTML written in the markdown: cleaned, or published as written.
    pub raw_html: RawHtml,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    Heading,
}

impl AnchorLinks {
    pub fn parse(s: Option<&str>) -> AnchorLinks {
        match s {
            Some("left") => AnchorLinks::Left,
            Some("right") => AnchorLinks::Right,
            Some("heading") => AnchorLinks::Heading,
            _ => AnchorLinks::None,
        }
    }
}

/// What the pipeline provides to markdown: link targets and shortcodes.
pub trait RenderContext: Sync {
    /// The URL of a content file written `@/PATH` (PATH relative to content/).
    fn resolve_link(&self, content_path: &str) -> Option<String>;
    /// Renders a shortcode call to HTML. `Err` holds a message for the user.
    fn shortcode(&self, call: &shortcode::Call) -> Result<String, ShortcodeError>;
    /// The HTML of an image written in markdown (`![alt](src)`), when the
    /// pipeline publishes it its own way (responsive variants); `None` keeps
    /// the plain `<img>`.
    fn image(&self, _src: &str, _alt: &str) -> Option<Result<String, Diagnostic>> {
        None
    }
}

/// Why a shortcode could not be rendered.
#[derive(Debug, Clone)]
pub enum ShortcodeError {
    Unknown { known: Vec<String> },
    Failed(Diagnostic),
}

/// A heading in the table of contents. Templates also see `permalink`
/// (`#id`), made when serialized: every page holds its headings until it
/// is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

impl Serialize for Heading {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut h = s.serialize_struct("Heading", 5)?;
        h.serialize_field("level", &self.level)?;
        h.serialize_field("id", &self.id)?;
        h.serialize_field("title", &self.title)?;
        h.serialize_field("permalink", &format!("#{}", self.id))?;
        h.serialize_field("children", &self.children)?;
        h.end()
    }
}

/// An internal link found in the text, to check once every page is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    pub target: String,
    pub anchor: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// An image written in markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub src: String,
    pub alt: String,
    pub line: usize,
    /// The HTML the context gave for it (`RenderContext::image`), if any.
    pub html: Option<String>,
}

/// A rendered page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Shared, not copied: the feeds and photo pages that show it, and
    /// `serve`'s next build when the body is unchanged, hold the same text.
    /// A build packs it once rendered (`markdown::held`); `serve` packs
    /// the bodies it keeps once idle.
    pub html: held::Html,
    pub summary: Option<String>,
    /// Shared: `serve` takes it back for every kept page at each save.
    pub toc: std::sync::Arc<[Heading]>,
    pub has_code: bool,
    pub word_count: usize,
    pub internal_links: Vec<InternalLink>,
    pub images: Vec<ImageRef>,
    /// Relative link targets (`guide.pdf`), to know which bundle files are used.
    pub local_links: Vec<String>,
    /// Whether the source calls shortcodes (whose output depends on files
    /// other than the source: galleries, posts, templates).
    pub calls_shortcodes: bool,
    /// What cleaning removed from the HTML written in the page, with lines.
    pub warnings: Vec<Diagnostic>,
}

/// Text being coalesced from several events.
enum PendingText<'a> {
    Cow(CowStr<'a>),
    Owned(String),
}

impl<'a> PendingText<'a> {
    fn join(self, next: CowStr<'a>, src: &'a str) -> PendingText<'a> {
        match self {
            PendingText::Cow(CowStr::Borrowed(a)) => {
                if let CowStr::Borrowed(b) = &next {
                    let base = src.as_ptr() as usize;
                    let a_start = (a.as_ptr() as usize).wrapping_sub(base);
                    let b_start = (b.as_ptr() as usize).wrapping_sub(base);
                    if a_start + a.len() == b_start && b_start + b.len() <= src.len() {
                        return PendingText::Cow(CowStr::Borrowed(
                            &src[a_start..b_start + b.len()],
                        ));
                    }
                }
                let mut s = String::with_capacity(a.len() + next.len() + 16);
                s.push_str(a);
                s.push_str(&next);
                PendingText::Owned(s)
            }
            PendingText::Cow(prev) => {
                let mut s = String::with_capacity(prev.len() + next.len() + 16);
                s.push_str(&prev);
                s.push_str(&next);
                PendingText::Owned(s)
            }
            PendingText::Owned(mut s) => {
                s.push_str(&next);
                PendingText::Owned(s)
            }
        }
    }

    fn into_cow(self) -> CowStr<'a> {
        match self {
            PendingText::Cow(c) => c,
            PendingText::Owned(s) => CowStr::from(s),
        }
    }
}

/// A heading being read: its events are held until its end gives its id.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    inner: Vec<Event<'a>>,
    text: String,
}

const PLACEHOLDER: &str = "BLASONSHORTCODE";

/// Maps offsets in the rewritten source back to the original body.
struct OffsetMap {
    /// (offset in rewritten text, offset in original), sorted.
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    fn original(&self, offset: usize) -> usize {
        let i = self.points.partition_point(|&(n, _)| n <= offset);
        match i.checked_sub(1).map(|i| self.points[i]) {
            Some((n, o)) => o + (offset - n),
            None => offset,
        }
    }
}

/// Renders a page body. `first_line` is the line of the file where `source` starts.
///
/// Step 2 is one pass over pulldown-cmark's events that rewrites them in
/// place (headings get ids and anchors, links resolve, images go through
/// the pipeline, code is highlighted, text gets its typography); its arms
/// share the state of the pass (the heading being gathered, the ids taken,
/// the code block being read), which is why they stay in one loop rather
/// than in a function each.
pub fn render(
    source: &str,
    first_line: usize,
    opts: &MarkdownOptions<'_>,
    ctx: &dyn RenderContext,
) -> Result<Rendered, Vec<Diagnostic>> {
    // Offsets of links and errors become lines through an index: reading
    // the text from its start for each would be quadratic.
    let lines = crate::error::LineIndex::new(source);
    let at = |offset: usize| {
        let (l, c) = lines.line_col(source, offset);
        (l + first_line - 1, c)
    };

    // 1. Shortcodes: render them, leave placeholders in the markdown.
    let Expanded {
        md,
        map,
        html: shortcode_html,
        mut errors,
        warnings: body_warnings,
    } = expand_shortcodes(source, &at, opts, ctx)?;
    let orig_at = |offset: usize| at(map.original(offset));
    let calls_shortcodes = !shortcode_html.is_empty();

    // 2. Markdown events, rewritten.
    let options = parser_options();

    let raw = coalesced_events(&md, options);

    let mut out: Vec<Event<'_>> = Vec::with_capacity(raw.len());
    let mut rendered = Rendered {
        calls_shortcodes,
        warnings: body_warnings,
        ..Rendered::default()
    };
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut id_suffix: HashMap<String, usize> = HashMap::new();
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();
    let mut more_at: Option<usize> = None;
    let mut code: Option<(String, String)> = None; // (lang, text)
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut in_image = 0usize;
    // Where the events of the image being read start in `out`.
    let mut image_start: Option<usize> = None;
    let mut cells = TableCells::new(raw.iter().map(|(ev, _)| ev));
    let sanitizing = opts.raw_html == RawHtml::Sanitize;
    // The HTML written in the page, with offsets: when there is some, the
    // page is cleaned and each removal reported; a page without any does
    // not pay for it.
    let mut pasted: Vec<(CowStr<'_>, usize)> = Vec::new();
    // Markdown images from another host: removed with the rest when the
    // page is cleaned, so reported with it.
    let mut foreign_images: Vec<(String, usize)> = Vec::new();
    let mut has_tasks = false;
    // The character text follows, for typography to tell an opening quote.
    let mut text_before: Option<char> = None;

    for (ev, offset) in raw {
        // Before the table cells become HTML events of the renderer's own.
        if sanitizing
            && let Event::Html(h) | Event::InlineHtml(h) = &ev
            && h.trim() != "<!-- more -->"
        {
            pasted.push((h.clone(), offset));
        }
        let ev = cells.map(ev);
        let before = text_before.take();
        text_before = typography::carried(&ev, before);
        // Code blocks: gather, then highlight.
        if let Some((_, text)) = code.as_mut() {
            match ev {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    out.push(Event::Html(code_block_html(&lang, &text).into()));
                }
                _ => {}
            }
            continue;
        }
        let ev = match ev {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                rendered.has_code = true;
                code = Some((lang, String::new()));
                continue;
            }
            Event::Text(t) => {
                rendered.word_count += count_words(&t);
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
                if in_image > 0
                    && let Some(img) = rendered.images.last_mut()
                {
                    img.alt.push_str(&t);
                }
                if let Some((at, image, dest)) = link_with_spaces(&t) {
                    let (line, column) = orig_at(offset + at);
                    let what = if image { "image" } else { "link" };
                    errors.push(
                        Diagnostic::error(
                            "link-with-spaces",
                            format!("the {what} `{dest}` has spaces in its address, so it shows as text"),
                        )
                        .at(line, column)
                        .help(format!(
                            "write it between < and >: {}[…](<{dest}>), or rename the file without spaces",
                            if image { "!" } else { "" }
                        )),
                    );
                }
                // Not in an image's description, which becomes its `alt`.
                if opts.typography.is_plain() || in_image > 0 {
                    Event::Text(t)
                } else {
                    match typography::apply(&t, &opts.typography, before) {
                        std::borrow::Cow::Owned(s) => Event::Text(s.into()),
                        std::borrow::Cow::Borrowed(_) => Event::Text(t),
                    }
                }
            }
            Event::Code(c) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&c);
                }
                Event::Code(c)
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|i| i.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    inner: Vec::new(),
                    text: String::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(OpenHeading {
                    level,
                    id,
                    classes,
                    inner,
                    text,
                }) = heading.take()
                else {
                    continue;
                };
                let base = id.unwrap_or_else(|| slugify(&text));
                // The next suffix to try for each base id: counting from 1
                // for every heading made 40,000 equal headings quadratic.
                let n = id_suffix.entry(base.clone()).or_insert(1);
                let mut unique = base.clone();
                while !used_ids.insert(unique.clone()) {
                    unique = format!("{base}-{n}");
                    *n += 1;
                }
                let lvl = level as u8;
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    let mut s = String::from(" class=\"");
                    let _ = escape_html(&mut s, &classes.join(" "));
                    s.push('"');
                    s
                };
                let mut id_attr = String::new();
                let _ = escape_html(&mut id_attr, &unique);
                // Made only for the placements that show it.
                let anchor = || {
                    format!(
                        "<a class=\"zola-anchor\" href=\"#{id_attr}\" aria-label=\"{}\">#</a>",
                        escape_text(&format!("Anchor: {text}"))
                    )
                };
                match opts.anchor_links {
                    AnchorLinks::Heading => {
                        out.push(Event::Html(format!("<h{lvl} id=\"{id_attr}\"{class_attr}><a class=\"zola-anchor\" href=\"#{id_attr}\">").into()));
                        out.extend(inner);
                        out.push(Event::Html(format!("</a></h{lvl}>\n").into()));
                    }
                    AnchorLinks::Left => {
                        out.push(Event::Html(
                            format!("<h{lvl} id=\"{id_attr}\"{class_attr}>{} ", anchor()).into(),
                        ));
                        out.extend(inner);
                        out.push(Event::Html(format!("</h{lvl}>\n").into()));
                    }
                    AnchorLinks::Right => {
                        out.push(Event::Html(
                            format!("<h{lvl} id=\"{id_attr}\"{class_attr}>").into(),
                        ));
                        out.extend(inner);
                        out.push(Event::Html(format!(" {}</h{lvl}>\n", anchor()).into()));
                    }
                    AnchorLinks::None => {
                        out.push(Event::Html(
                            format!("<h{lvl} id=\"{id_attr}\"{class_attr}>").into(),
                        ));
                        out.extend(inner);
                        out.push(Event::Html(format!("</h{lvl}>\n").into()));
                    }
                }
                flat_toc.push((lvl, unique, text.trim().to_string()));
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(scheme) = crate::url::unsafe_scheme(&dest_url) {
                    let (line, column) = orig_at(offset);
                    errors.push(unsafe_link(scheme, line, column));
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: "#".into(),
                        title,
                        id,
                    })
                } else if let Some(target) = dest_url.strip_prefix("@/") {
                    let (path, anchor) = match target.split_once('#') {
                        Some((p, a)) => (p, Some(a.to_string())),
                        None => (target, None),
                    };
                    let (line, column) = orig_at(offset);
                    match ctx.resolve_link(path) {
                        Some(url) => {
                            rendered.internal_links.push(InternalLink {
                                target: path.to_string(),
                                anchor: anchor.clone(),
                                line,
                                column,
                            });
                            let href = match &anchor {
                                Some(a) => format!("{url}#{a}"),
                                None => url,
                            };
                            Event::Start(Tag::Link {
                                link_type,
                                dest_url: href.into(),
                                title,
                                id,
                            })
                        }
                        None => {
                            errors.push(
                                Diagnostic::error(
                                    "broken-link",
                                    format!("the link `@/{target}` points to a page that does not exist"),
                                )
                                .at(line, column)
                                .help("write the path of a markdown file relative to content/, e.g. @/tourisme/lac/index.md"),
                            );
                            Event::Start(Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            })
                        }
                    }
                } else if is_external(&dest_url, opts.site_host) && link_type != LinkType::Email {
                    let mut tag = String::from("<a href=\"");
                    let _ = escape_href(&mut tag, &dest_url);
                    tag.push('"');
                    if !title.is_empty() {
                        tag.push_str(" title=\"");
                        let _ = escape_html(&mut tag, &title);
                        tag.push('"');
                    }
                    tag.push_str(" class=\"external\" rel=\"external noopener\"");
                    if opts.external_links_new_tab {
                        tag.push_str(" target=\"_blank\"");
                    }
                    tag.push('>');
                    Event::InlineHtml(tag.into())
                } else {
                    if !dest_url.contains(':') && !dest_url.starts_with(['#', '/']) {
                        rendered
                            .local_links
                            .push(dest_url.split(['?', '#']).next().unwrap_or("").to_string());
                    }
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = orig_at(offset);
                if let Some(scheme) = crate::url::unsafe_scheme(&dest_url) {
                    errors.push(unsafe_link(scheme, line, column));
                } else if sanitizing && !sanitize::is_site_address(&dest_url, opts.site_host) {
                    foreign_images.push((dest_url.to_string(), offset));
                }
                rendered.images.push(ImageRef {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    line,
                    html: None,
                });
                in_image += 1;
                if heading.is_none() {
                    image_start = Some(out.len());
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                if let Some(img) = rendered.images.last()
                    && img.alt.trim().is_empty()
                {
                    errors.push(
                        Diagnostic::error(
                            "missing-alt",
                            format!("the image `{}` has no alt text", img.src),
                        )
                        .line(img.line)
                        .help("describe it for people who cannot see it, between the brackets: ![Brume sur le lac à l'aube](aube.jpg)"),
                    );
                }
                if let (Some(start), Some(img)) = (image_start.take(), rendered.images.last_mut()) {
                    match ctx.image(&img.src, img.alt.trim()) {
                        Some(Ok(html)) => {
                            out.truncate(start);
                            img.html = Some(html.clone());
                            out.push(Event::InlineHtml(html.into()));
                            continue;
                        }
                        Some(Err(d)) => {
                            let line = img.line;
                            errors.push(if d.line.is_none() && d.file.is_none() {
                                d.line(line)
                            } else {
                                d
                            });
                        }
                        None => {}
                    }
                }
                Event::End(TagEnd::Image)
            }
            Event::Html(h) | Event::InlineHtml(h) if h.trim() == "<!-- more -->" => {
                if more_at.is_none() {
                    more_at = Some(out.len());
                }
                continue;
            }
            // Text in its stead, placed back after cleaning: the checkbox is
            // the renderer's, while an `<input>` written in the page is not
            // kept.
            Event::TaskListMarker(done) => {
                has_tasks = true;
                Event::Text(task_placeholder(done).into())
            }
            other => other,
        };
        match heading.as_mut() {
            Some(h) => h.inner.push(ev),
            None => out.push(ev),
        }
    }

    // Cleaned before shortcodes' HTML, the theme's, is placed.
    let cleaned = !pasted.is_empty();
    let finish = |html: String| {
        let html = if cleaned {
            TableCells::refocus(sanitize::clean(&html, opts.site_host))
        } else {
            html
        };
        let html = if has_tasks { place_tasks(html) } else { html };
        place_shortcodes(html, &shortcode_html)
    };
    if let Some(cut) = more_at {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, out[..cut].iter().cloned());
        rendered.summary = Some(finish(summary));
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let html = finish(html);
    if cleaned {
        let fragments: Vec<(&str, usize)> = pasted.iter().map(|(h, o)| (h.as_ref(), *o)).collect();
        let mut removed = sanitize::removals(&fragments, opts.site_host);
        removed.extend(
            foreign_images
                .into_iter()
                .map(|(url, offset)| sanitize::Removal::foreign_image(url, offset)),
        );
        rendered
            .warnings
            .extend(sanitize::diagnostics(removed, &orig_at));
        // Shortcodes' bodies were reported first: in the order of the text.
        rendered.warnings.sort_by_key(|d| (d.line, d.column));
    }
    // Held until the page is rendered, without spare capacity (a build
    // then packs it: `Html::packed`).
    rendered.html = held::Html::new(html);
    rendered.toc = nest(flat_toc).into();

    if errors.is_empty() {
        Ok(rendered)
    } else {
        Err(errors)
    }
}

/// A link or image that markdown left as text because its address has
/// spaces (`![x](vue du col.jpg)`): where it starts in `text`, whether it
/// is an image, and the address. Only addresses that look like a file.
fn link_with_spaces(text: &str) -> Option<(usize, bool, &str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("](") {
        let open = from + i;
        let rest = &text[open + 2..];
        from = open + 2;
        let Some(close) = rest.find(')') else {
            continue;
        };
        let dest = rest[..close].trim();
        let looks_like_file = dest.rsplit_once('.').is_some_and(|(_, ext)| {
            (2..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if !dest.contains(' ') || dest.contains(['<', '>', '"']) || !looks_like_file {
            continue;
        }
        let Some(start) = text[..open].rfind('[') else {
            continue;
        };
        let image = text[..start].ends_with('!');
        return Some((if image { start - 1 } else { start }, image, dest));
    }
    None
}

/// The markdown a page body is read as (tables, footnotes, strikethrough,
/// task lists, heading attributes).
pub(crate) fn parser_options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    options
}

/// The text that stands for a task list's checkbox until the HTML is cleaned.
fn task_placeholder(done: bool) -> &'static str {
    if done { "BLASONTASK1X" } else { "BLASONTASK0X" }
}

/// The checkboxes of task lists, as pulldown-cmark writes them, in place
/// of their placeholders.
fn place_tasks(html: String) -> String {
    debug_assert!(task_placeholder(true).starts_with(sanitize::TASK_PLACEHOLDER));
    html.replace(
        task_placeholder(true),
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n",
    )
    .replace(
        task_placeholder(false),
        "<input disabled=\"\" type=\"checkbox\"/>\n",
    )
}

/// The error for a link or image to a `javascript:`, `vbscript:` or `data:` address.
fn unsafe_link(scheme: &str, line: usize, column: usize) -> Diagnostic {
    Diagnostic::error(
        "unsafe-link",
        format!("a `{scheme}:` address, which blason never publishes"),
    )
    .at(line, column)
    .help("link to an https:// address or a page of the site; put images in the page's folder")
}

/// The markdown with a placeholder where each shortcode was, the
/// shortcodes' HTML, and where each piece of the markdown was in the source.
struct Expanded {
    md: String,
    map: OffsetMap,
    html: Vec<String>,
    errors: Vec<Diagnostic>,
    /// What cleaning removes from HTML written in shortcodes' bodies.
    warnings: Vec<Diagnostic>,
}

/// Renders the shortcodes of `source` and leaves placeholders in their stead.
fn expand_shortcodes(
    source: &str,
    at: &dyn Fn(usize) -> (usize, usize),
    opts: &MarkdownOptions<'_>,
    ctx: &dyn RenderContext,
) -> Result<Expanded, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let pieces = shortcode::parse(source).map_err(|e| {
        let (l, c) = at(e.offset);
        vec![Diagnostic::error("shortcode", e.message).at(l, c)]
    })?;
    let mut md = String::with_capacity(source.len());
    let mut map = OffsetMap { points: Vec::new() };
    let mut shortcode_html: Vec<String> = Vec::new();
    let mut orig = 0usize;
    for piece in pieces {
        match piece {
            shortcode::Piece::Text(t) => {
                map.points.push((md.len(), orig));
                md.push_str(t);
                orig += t.len();
            }
            shortcode::Piece::Literal { text, len } => {
                map.points.push((md.len(), orig));
                md.push_str(&text);
                orig += len;
            }
            shortcode::Piece::Call(call) => {
                map.points.push((md.len(), call.offset));
                // A body is markdown the theme renders with `| markdown`,
                // which cleans it the same way: reported here, with lines.
                if let Some(body) = &call.body
                    && opts.raw_html == RawHtml::Sanitize
                {
                    let fragments = inline_html(body);
                    if !fragments.is_empty() {
                        let removed = sanitize::removals(&fragments, opts.site_host);
                        let body_at = |o: usize| at(call.body_offset + o);
                        warnings.extend(sanitize::diagnostics(removed, &body_at));
                    }
                }
                let html = match ctx.shortcode(&call) {
                    Ok(h) => h,
                    Err(ShortcodeError::Unknown { known }) => {
                        let (l, c) = at(call.offset);
                        let mut d = Diagnostic::error(
                            "unknown-shortcode",
                            format!("unknown shortcode `{}`", call.name),
                        )
                        .at(l, c);
                        d = match crate::error::suggest(&call.name, known.iter().map(String::as_str)) {
                            Some(s) => d.help(format!("did you mean `{s}`? Shortcodes are templates in templates/shortcodes/")),
                            None => d.help(format!(
                                "shortcodes are templates in templates/shortcodes/NAME.html; known: {}",
                                known.join(", ")
                            )),
                        };
                        errors.push(d);
                        String::new()
                    }
                    Err(ShortcodeError::Failed(mut d)) => {
                        if d.line.is_none() && d.file.is_none() {
                            let (l, c) = at(call.offset);
                            d = d.at(l, c);
                        }
                        errors.push(d);
                        String::new()
                    }
                };
                let _ = write!(md, "{PLACEHOLDER}{}X", shortcode_html.len());
                shortcode_html.push(html);
                orig = call.offset + call.len;
            }
        }
    }
    Ok(Expanded {
        md,
        map,
        html: shortcode_html,
        errors,
        warnings,
    })
}

/// pulldown-cmark's events with their offsets, adjacent text events joined.
fn coalesced_events(md: &str, options: Options) -> Vec<(Event<'_>, usize)> {
    // Coalesce adjacent text events so typography sees whole runs. Pieces that
    // follow each other in the source are joined as one slice; others are
    // gathered in one growing String (never re-copied per piece).
    // About one event per 12 bytes of French prose: one allocation, not a
    // dozen doublings of a vector of ~600 events.
    let mut raw: Vec<(Event<'_>, usize)> = Vec::with_capacity(md.len() / 12 + 16);
    let mut pending: Option<(PendingText<'_>, usize)> = None;
    for (ev, range) in Parser::new_ext(md, options).into_offset_iter() {
        match ev {
            Event::Text(t) => {
                pending = Some(match pending.take() {
                    None => (PendingText::Cow(t), range.start),
                    Some((prev, start)) => (prev.join(t, md), start),
                });
            }
            other => {
                if let Some((p, start)) = pending.take() {
                    raw.push((Event::Text(p.into_cow()), start));
                }
                raw.push((other, range.start));
            }
        }
    }
    if let Some((p, start)) = pending.take() {
        raw.push((Event::Text(p.into_cow()), start));
    }

    raw
}

/// The options of [`render_inline`].
fn inline_options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options
}

/// The HTML written in `source` read as [`render_inline`] reads it, with offsets.
fn inline_html(source: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(source, inline_options()).into_offset_iter() {
        if let Event::Html(_) | Event::InlineHtml(_) = ev {
            // Raw HTML events are slices of the source.
            out.push((&source[range.clone()], range.start));
        }
    }
    out
}

/// Renders markdown without shortcodes, links resolution or typography (for
/// short texts such as a shortcode's body or a description). HTML written
/// in it is cleaned unless `raw_html` trusts it; `site_host` is where
/// images may come from.
pub fn render_inline(
    source: &str,
    typography: Typography,
    raw_html: RawHtml,
    site_host: &str,
) -> String {
    let options = inline_options();
    let mut text_before: Option<char> = None;
    let mut pasted = false;
    let mut html = String::new();
    let mut verbatim = 0usize;
    let parsed: Vec<Event<'_>> = Parser::new_ext(source, options).collect();
    let mut cells = TableCells::new(parsed.iter());
    let events = parsed
        .into_iter()
        .inspect(|ev| pasted |= matches!(ev, Event::Html(_) | Event::InlineHtml(_)))
        .map(|ev| cells.map(ev))
        .map(|ev| {
            let before = text_before.take();
            text_before = typography::carried(&ev, before);
            (ev, before)
        })
        .map(|(ev, before)| match ev {
            // Code and images' descriptions (their `alt`) are left as written.
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => {
                verbatim += 1;
                ev
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Image) => {
                verbatim = verbatim.saturating_sub(1);
                ev
            }
            Event::Text(t) if !typography.is_plain() && verbatim == 0 => {
                match typography::apply(&t, &typography, before) {
                    std::borrow::Cow::Owned(s) => Event::Text(s.into()),
                    std::borrow::Cow::Borrowed(_) => Event::Text(t),
                }
            }
            other => other,
        });
    pulldown_cmark::html::push_html(&mut html, events);
    if pasted && raw_html == RawHtml::Sanitize {
        TableCells::refocus(sanitize::clean(&html, site_host))
    } else {
        html
    }
}

/// Tables as the renderer writes them. pulldown-cmark aligns cells with a
/// `style` attribute, which a strict Content-Security-Policy refuses: cells
/// are written here, with a class. And a wide table must not make the whole
/// page scroll sideways on a phone with large text (RGAA 10.11, reflow):
/// each table sits in its own scroll container, which the keyboard reaches
/// (a region that scrolls must take the focus to be scrolled without a
/// mouse) and which is named for screen readers, by the heading the table
/// follows or, when that heading already named a table or there is none,
/// by the table's column headers.
#[derive(Default)]
struct TableCells {
    alignments: Vec<pulldown_cmark::Alignment>,
    in_head: bool,
    cell: usize,
    /// The column headers of each table still to come, in order ([`table_heads`]).
    heads: std::collections::VecDeque<String>,
    /// The text of the heading being read.
    in_heading: Option<String>,
    /// The last heading's text, until a table takes it as its name.
    heading: Option<String>,
}

/// The start of a table's scroll container once cleaned: the cleaner keeps
/// no `tabindex` (pasted HTML may not reorder the keyboard's path), so the
/// renderer's own is put back after it ([`TableCells::refocus`]).
const TABLE_SCROLL_CLEANED: &str = "<div class=\"table-scroll\"";
const TABLE_SCROLL: &str = "<div class=\"table-scroll\" tabindex=\"0\"";

/// The column headers of each table in `events`, cells joined by commas.
fn table_heads<'e, 'a: 'e>(
    events: impl Iterator<Item = &'e Event<'a>>,
) -> std::collections::VecDeque<String> {
    let mut heads = std::collections::VecDeque::new();
    let mut cells: Option<Vec<String>> = None;
    for ev in events {
        match ev {
            Event::Start(Tag::TableHead) => cells = Some(Vec::new()),
            Event::Start(Tag::TableCell) => {
                if let Some(c) = cells.as_mut() {
                    c.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(cell) = cells.as_mut().and_then(|c| c.last_mut()) {
                    cell.push_str(t);
                }
            }
            Event::End(TagEnd::TableHead) => {
                let c = cells.take().unwrap_or_default();
                let names: Vec<String> = c
                    .iter()
                    .map(|s| without_placeholders(s))
                    .filter(|s| !s.is_empty())
                    .collect();
                heads.push_back(names.join(", "));
            }
            _ => {}
        }
    }
    heads
}

/// `text` without the shortcode placeholders it holds (`BLASONSHORTCODE3X`),
/// its spaces collapsed.
fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PLACEHOLDER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PLACEHOLDER.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match after[digits..].strip_prefix('X') {
            Some(tail) if digits > 0 => rest = tail,
            _ => {
                out.push_str(PLACEHOLDER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl TableCells {
    /// For the tables of `events`, read ahead for their column headers.
    fn new<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> TableCells {
        TableCells {
            heads: table_heads(events),
            ..TableCells::default()
        }
    }

    /// `html` cleaned, with the tables' scroll containers focusable again.
    fn refocus(html: String) -> String {
        if html.contains(TABLE_SCROLL_CLEANED) {
            html.replace(TABLE_SCROLL_CLEANED, TABLE_SCROLL)
        } else {
            html
        }
    }

    fn map<'a>(&mut self, ev: Event<'a>) -> Event<'a> {
        use pulldown_cmark::Alignment;
        match &ev {
            Event::Start(Tag::Heading { .. }) => self.in_heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = self.in_heading.as_mut() {
                    h.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                self.heading = self
                    .in_heading
                    .take()
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty());
            }
            Event::Start(Tag::Table(a)) => {
                self.alignments.clone_from(a);
                let head = self.heads.pop_front().unwrap_or_default();
                // A shortcode's placeholder is replaced once, in the text
                // where it stands: a name never carries one.
                let name = without_placeholders(&self.heading.take().unwrap_or(head));
                let mut open = String::from(TABLE_SCROLL);
                if !name.is_empty() {
                    open.push_str(" role=\"region\" aria-label=\"");
                    let _ = escape_html(&mut open, &name);
                    open.push('"');
                }
                open.push_str("><table>");
                return Event::Html(open.into());
            }
            // What pulldown-cmark writes at a table's end, and the container's end.
            Event::End(TagEnd::Table) => return Event::Html("</tbody></table>\n</div>\n".into()),
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.cell = 0;
            }
            Event::End(TagEnd::TableHead) => self.in_head = false,
            Event::Start(Tag::TableRow) => self.cell = 0,
            Event::Start(Tag::TableCell) => {
                // A header cell names its column for screen readers (RGAA 5.7).
                let tag = if self.in_head {
                    "th scope=\"col\""
                } else {
                    "td"
                };
                let class = match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                return Event::Html(format!("<{tag}{class}>").into());
            }
            Event::End(TagEnd::TableCell) => {
                self.cell += 1;
                return Event::Html(if self.in_head { "</th>" } else { "</td>" }.into());
            }
            _ => {}
        }
        ev
    }
}

fn place_shortcodes(mut html: String, rendered: &[String]) -> String {
    if rendered.is_empty() {
        return html;
    }
    for (i, h) in rendered.iter().enumerate() {
        let token = format!("{PLACEHOLDER}{i}X");
        let para = format!("<p>{token}</p>\n");
        if html.contains(&para) {
            html = html.replacen(&para, h, 1);
        } else {
            html = html.replacen(&token, h, 1);
        }
    }
    html
}

/// The number of words in `s`, as `split_whitespace().count()`, eight bytes
/// at a time: a chunk is classed with bit tricks unless it holds a byte that
/// can start a whitespace character outside ASCII (U+0085, U+00A0, U+1680,
/// U+2000–U+205F, U+3000 start with C2, E1, E2 or E3); those chunks and the
/// tail go byte by byte, decoding only such characters.
fn count_words(s: &str) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const fn splat(b: u8) -> u64 {
        LO * b as u64
    }
    // The high bit of each byte whose 7-bit value `y` equals `c`.
    fn eq7(y: u64, c: u8) -> u64 {
        let t = y ^ splat(c);
        !((t + splat(0x7F)) | t) & HI
    }
    // ... lies in `lo..=hi`.
    fn within7(y: u64, lo: u8, hi: u8) -> u64 {
        (y + splat(0x80 - lo)) & !(y + splat(0x7F - hi)) & HI
    }
    #[cold]
    fn wide(s: &str, i: usize) -> (bool, usize) {
        match s.get(i..).and_then(|r| r.chars().next()) {
            Some(c) => (c.is_whitespace(), c.len_utf8()),
            None => (false, 1),
        }
    }
    let bytes = s.as_bytes();
    let mut words = 0usize;
    let mut after_space = true;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes
            .get(i..i + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
        {
            let x = u64::from_le_bytes(chunk);
            let high = x & HI;
            let y = x & !HI;
            if high & (eq7(y, 0x42) | within7(y, 0x61, 0x63)) == 0 {
                // ASCII whitespace as char::is_whitespace: space, \t..=\r.
                let space = !high & (eq7(y, b' ') | within7(y, 0x09, 0x0D));
                let before = (space << 8) | if after_space { 0x80 } else { 0 };
                // Word starts: one high bit each; summed by a multiply.
                words += (((!space & HI & before) >> 7).wrapping_mul(LO) >> 56) as usize;
                after_space = space >> 63 != 0;
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        while i < end {
            let (space, len) = match bytes[i] {
                b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => (true, 1),
                0xC2 | 0xE1 | 0xE2 | 0xE3 => wide(s, i),
                _ => (false, 1),
            };
            words += usize::from(after_space && !space);
            after_space = space;
            i += len;
        }
    }
    words
}

fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape_html(&mut out, s);
    out
}

fn code_block_html(lang: &str, code: &str) -> String {
    let lang_attr = escape_text(lang);
    if !lang.is_empty()
        && let Some(h) = highlight::highlight(code, lang)
    {
        return format!(
            "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{h}</code></pre>\n"
        );
    }
    let body = escape_text(code);
    if lang.is_empty() {
        format!("<pre class=\"code\"><code>{body}</code></pre>\n")
    } else {
        format!(
            "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{body}</code></pre>\n"
        )
    }
}

/// Whether a link leaves the site.
pub fn is_external(url: &str, site_host: &str) -> bool {
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        r
    } else if let Some(r) = url.strip_prefix("//") {
        r
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.eq_ignore_ascii_case(site_host)
}

/// The flat list of headings (level, id, text) as a tree.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<Heading> {
    type Flat = std::iter::Peekable<std::vec::IntoIter<(u8, String, String)>>;
    fn take(flat: &mut Flat, level: u8) -> Vec<Heading> {
        let mut out = Vec::new();
        while let Some((l, id, title)) = flat.next_if(|h| h.0 >= level) {
            let children = take(flat, l + 1);
            out.push(Heading {
                level: l,
                id,
                title,
                children,
            });
        }
        out.shrink_to_fit();
        out
    }
    let min = flat.iter().map(|h| h.0).min().unwrap_or(1);
    take(&mut flat.into_iter().peekable(), min)
}

impl Rendered {
    /// Whether one of the headings has this id (a link's `#anchor`).
    pub fn has_heading(&self, id: &str) -> bool {
        fn any(hs: &[Heading], id: &str) -> bool {
            hs.iter().any(|h| h.id == id || any(&h.children, id))
        }
        any(&self.toc, id)
    }

    /// The ids of the headings, in the order of the text.
    pub fn heading_ids(&self) -> Vec<&str> {
        fn walk<'a>(hs: &'a [Heading], out: &mut Vec<&'a str>) {
            for h in hs {
                out.push(&h.id);
                walk(&h.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.toc, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn words_counted_as_split_whitespace(s in "[a-z \\t\\n\\r\\x0b\\x0c\\x7f\\u{85}\\u{a0}\\u{1680}\\u{2003}\\u{2028}\\u{202f}\\u{205f}\\u{3000}éà€«»’\\u{e000}ḁ\\u{e3}\\u{c2}]{0,80}") {
            proptest::prop_assert_eq!(count_words(&s), s.split_whitespace().count());
        }

        // Mostly ASCII, as French prose is: eight-byte chunks take the fast path.
        #[test]
        fn words_counted_in_long_runs(s in "([a-zé]{1,12}[ \\t\\n\\r]{1,3}){0,12}(\\u{a0}|\\u{202f}|’|\\x0b)?([a-z]{1,9}[ \\n]{1,2}){0,12}") {
            proptest::prop_assert_eq!(count_words(&s), s.split_whitespace().count());
        }
    }

    struct Ctx;
    impl RenderContext for Ctx {
        fn resolve_link(&self, p: &str) -> Option<String> {
            (p == "tourisme/lac/index.md").then(|| "/tourisme/lac/".to_string())
        }
        fn shortcode(&self, call: &shortcode::Call) -> Result<String, ShortcodeError> {
            match call.name.as_str() {
                "note" => Ok(format!(
                    "<aside>{}</aside>",
                    call.body.clone().unwrap_or_default()
                )),
                "star" => Ok("<b>*</b>".into()),
                // A theme's player: trusted, never cleaned.
                "frame" => {
                    Ok("<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>".into())
                }
                _ => Err(ShortcodeError::Unknown {
                    known: vec!["note".into(), "star".into()],
                }),
            }
        }
    }

    fn opts(fr: bool) -> MarkdownOptions<'static> {
        MarkdownOptions {
            typography: if fr {
                Typography::FRENCH
            } else {
                Typography::PLAIN
            },
            external_links_new_tab: false,
            site_host: "www.example.fr",
            anchor_links: AnchorLinks::None,
            raw_html: RawHtml::Sanitize,
        }
    }

    fn html(src: &str) -> String {
        render(src, 1, &opts(true), &Ctx).unwrap().html.to_string()
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = render(
            "# Le lac\n\n## Accès\n\n## Accès\n\n# Autre {#x}\n",
            1,
            &opts(false),
            &Ctx,
        )
        .unwrap();
        assert!(r.html.text().contains("<h2 id=\"acces\">Accès</h2>"));
        assert!(r.html.text().contains("<h2 id=\"acces-1\">"));
        assert!(r.html.text().contains("<h1 id=\"x\">"));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
        assert_eq!(r.toc[1].id, "x");
        assert_eq!(r.heading_ids(), ["le-lac", "acces", "acces-1", "x"]);
        assert!(r.has_heading("acces-1") && !r.has_heading("acces-2"));
        // Templates see each heading's permalink.
        let v = serde_json::to_value(&r.toc[0].children[1]).unwrap();
        assert_eq!(v["permalink"], "#acces-1");
        assert_eq!(v["title"], "Accès");

        // Levels that skip or go back above the first one: the tree keeps
        // every heading, in the order of the text.
        let r = render(
            "### a\n\n## b\n\n#### c\n\n## d\n\n### e\n",
            1,
            &opts(false),
            &Ctx,
        )
        .unwrap();
        let shape: Vec<(&str, Vec<&str>)> = r
            .toc
            .iter()
            .map(|h| {
                (
                    h.id.as_str(),
                    h.children.iter().map(|c| c.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(shape, [("a", vec![]), ("b", vec!["c"]), ("d", vec!["e"])]);
        assert_eq!(r.heading_ids(), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn internal_links_resolve_and_broken_ones_name_the_line() {
        let h = html("Voir [le lac](@/tourisme/lac/index.md#acces).");
        assert!(h.contains("href=\"/tourisme/lac/#acces\""), "{h}");
        let e = render("\n\nx [a](@/nope.md)", 10, &opts(false), &Ctx).unwrap_err();
        assert_eq!(e[0].code, "broken-link");
        assert_eq!(e[0].line, Some(12));
    }

    #[test]
    fn external_links_are_marked() {
        let h = html("[a](https://autre.fr/x) [b](https://www.example.fr/y) [c](/z)");
        assert!(
            h.contains(
                "<a href=\"https://autre.fr/x\" class=\"external\" rel=\"external noopener\">a</a>"
            ),
            "{h}"
        );
        assert!(h.contains("<a href=\"https://www.example.fr/y\">b</a>"));
    }

    #[test]
    fn an_image_without_alt_text_is_an_error_at_its_line() {
        let e = render("Texte.\n\n![](aube.jpg)\n", 4, &opts(false), &Ctx).unwrap_err();
        assert_eq!((e[0].code, e[0].line), ("missing-alt", Some(6)));
        assert!(render("![Brume](aube.jpg)\n", 1, &opts(false), &Ctx).is_ok());
    }

    #[test]
    fn an_address_with_spaces_is_an_error_with_the_fix() {
        assert_eq!(
            link_with_spaces("Voir ![le col](vue du col.jpg) ici"),
            Some((5, true, "vue du col.jpg"))
        );
        assert_eq!(
            link_with_spaces("le [plan](mon plan.pdf)."),
            Some((3, false, "mon plan.pdf"))
        );
        assert_eq!(link_with_spaces("[a](b) et (c d)"), None);
        assert_eq!(link_with_spaces("[note](une phrase entière)"), None);
        let e = render("Voir ![le col](vue du col.jpg).\n", 3, &opts(false), &Ctx).unwrap_err();
        assert_eq!(
            (e[0].code, e[0].line, e[0].column),
            ("link-with-spaces", Some(3), Some(6))
        );
        assert!(
            e[0].help
                .as_deref()
                .unwrap()
                .contains("![…](<vue du col.jpg>)")
        );
        let ok = render("![le col](<vue du col.jpg>)\n", 1, &opts(false), &Ctx);
        assert!(ok.is_ok());
    }

    #[test]
    fn french_typography_outside_code_only() {
        let h = html("Bonjour ! `a ! b`\n\n```\nx ! y\n```\n");
        assert!(h.contains("Bonjour\u{202F}!"));
        assert!(h.contains("<code>a ! b</code>"));
        assert!(h.contains("x ! y"));
    }

    #[test]
    fn quotes_and_apostrophes_outside_code_links_and_alt_only() {
        let h = html(
            "Il dit \"*l'été*\" `\"a'b\"` [l'eau](https://x.fr/l'eau) ![l'arbre](/a.jpg)\n\n```\n\"x'y\"\n```\n",
        );
        assert!(h.contains("«\u{202F}<em>l’été</em>\u{202F}»"), "{h}");
        assert!(h.contains("<code>\"a'b\"</code>"), "{h}");
        assert!(h.contains("href=\"https://x.fr/l&#x27;eau\""), "{h}");
        assert!(h.contains(">l’eau</a>"), "{h}");
        assert!(h.contains("alt=\"l&#39;arbre\""), "{h}");
        assert!(h.contains("&quot;x&#39;y&quot;"), "{h}");
    }

    #[test]
    fn aligned_table_cells_get_classes_not_styles() {
        let table = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n";
        let r = render(
            &format!(
                "{table}\n<!-- more -->\n\n{table}\nNot a cell: ` style=\"text-align: left\"`.\n"
            ),
            1,
            &opts(false),
            &Ctx,
        )
        .unwrap();
        for h in [&*r.html.text(), r.summary.as_deref().unwrap()] {
            assert!(
                h.contains("<th scope=\"col\" class=\"align-left\">a</th>"),
                "{h}"
            );
            assert!(h.contains("<th scope=\"col\">d</th>"), "{h}");
            assert!(h.contains("<td class=\"align-center\">2</td>"), "{h}");
            assert!(h.contains("<td class=\"align-right\">3</td>"), "{h}");
            assert!(h.contains("<td>4</td>"), "{h}");
            assert!(!h.contains("<td style") && !h.contains("<th style"), "{h}");
        }
        // Text that looks like the attribute is left as written.
        assert!(
            r.html
                .text()
                .contains("<code> style=\"text-align: left\"</code>"),
            "{}",
            r.html
        );
        let inline = render_inline(
            table,
            Typography::PLAIN,
            RawHtml::Sanitize,
            "www.example.fr",
        );
        assert!(
            inline.contains("<td class=\"align-right\">3</td>"),
            "{inline}"
        );
        assert!(!inline.contains("style="), "{inline}");
        // Without aligned columns nothing is rewritten.
        let plain = html("| a |\n|---|\n| 1 |\n");
        assert!(plain.contains("<td>1</td>") && !plain.contains("class=\"align"));
    }

    #[test]
    fn tables_scroll_in_a_named_focusable_region_of_their_own() {
        // Two tables under one heading, one before any, one with a pasted
        // element on the page (which is then cleaned).
        let src = "| Saison | Horaires |\n|---|---|\n| été | 9 h |\n\n\
                   ## Faire le tour du *lac*\n\nLe sentier.\n\n\
                   | Étape | Distance |\n|---|--:|\n| Plage | 0 km |\n\n\
                   | | `Tarif` \"A\" |\n|---|---|\n| x | y |\n";
        let open = |label: &str| {
            format!(
                "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\"><table>"
            )
        };
        for (raw, what) in [("", "plain"), ("\n<span>pasted</span>\n", "cleaned")] {
            let r = render(&format!("{src}{raw}"), 1, &opts(false), &Ctx).unwrap();
            let h = r.html.text();
            let h = &*h;
            // Before any heading: the column headers name it.
            assert!(h.contains(&open("Saison, Horaires")), "{what}: {h}");
            // The heading it follows, as text.
            assert!(h.contains(&open("Faire le tour du lac")), "{what}: {h}");
            // A second table under the same heading: its own headers, quoted.
            assert!(h.contains(&open("Tarif &quot;A&quot;")), "{what}: {h}");
            assert_eq!(
                h.matches("<div class=\"table-scroll\"").count(),
                3,
                "{what}: {h}"
            );
            assert_eq!(
                h.matches("</tbody></table>\n</div>").count(),
                3,
                "{what}: {h}"
            );
            assert!(
                h.contains("<td class=\"align-right\">0 km</td>"),
                "{what}: {h}"
            );
        }
        // A table without any header text or heading: focusable, unnamed.
        let h = html("| |\n|---|\n| 1 |\n");
        assert!(
            h.contains("<div class=\"table-scroll\" tabindex=\"0\"><table>"),
            "{h}"
        );
        // Short texts (a shortcode's body) too, cleaned or not.
        for text in [
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
            "<b>x</b>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        ] {
            let inline =
                render_inline(text, Typography::PLAIN, RawHtml::Sanitize, "www.example.fr");
            assert!(inline.contains(&open("a, b")), "{inline}");
            assert!(inline.contains("</table>\n</div>"), "{inline}");
        }
        // A pasted container takes no other focus than the renderer's own.
        let r = render(
            "<div class=\"table-scroll\" tabindex=\"3\">x</div>\n",
            1,
            &opts(false),
            &Ctx,
        )
        .unwrap();
        assert!(!r.html.text().contains("tabindex=\"3\""), "{}", r.html);
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = render("```rust\nfn main() {}\n```\n", 1, &opts(false), &Ctx).unwrap();
        assert!(r.has_code);
        assert!(r.html.text().contains("class=\"hl-"));
        assert!(!r.html.text().contains("style="));
    }

    #[test]
    fn a_shortcode_in_a_table_header_or_its_heading_stays_out_of_the_tables_name() {
        // In the header cells: the cell shows it, the name does not.
        let h = html("| Prix {{ star() }} | Durée |\n|---|---|\n| 5 | 1 h |\n");
        assert!(h.contains("aria-label=\"Prix, Durée\""), "{h}");
        assert!(h.contains("Prix <b>*</b>"), "{h}");
        assert!(!h.contains(PLACEHOLDER), "{h}");
        // In the heading above.
        let h = html("## Tarifs {{ star() }}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n");
        assert!(h.contains("aria-label=\"Tarifs\""), "{h}");
        assert!(h.contains("Tarifs <b>*</b>"), "{h}");
        assert!(!h.contains(PLACEHOLDER), "{h}");
        assert_eq!(
            without_placeholders("a BLASONSHORTCODE12X  b BLASONSHORTCODEX"),
            "a b BLASONSHORTCODEX"
        );
    }

    #[test]
    fn shortcodes_are_placed_and_unknown_ones_fail_with_line() {
        let h = html("a {{ star() }} b\n\n{% note() %}corps{% end %}\n");
        assert!(h.contains("a <b>*</b> b"), "{h}");
        assert!(
            h.contains("<aside>corps</aside>") && !h.contains("<p><aside>"),
            "{h}"
        );
        let e = render("x\n\n{{ galery() }}", 5, &opts(false), &Ctx).unwrap_err();
        assert_eq!(e[0].code, "unknown-shortcode");
        assert_eq!(e[0].line, Some(7));
    }

    #[test]
    fn tables_footnotes_tasks_strikethrough_and_summary() {
        let r = render("| a | b |\n|---|--:|\n| 1 | 2 |\n\nx[^1] ~~y~~\n\n- [x] done\n\n<!-- more -->\n\nrest\n\n[^1]: note\n", 1, &opts(false), &Ctx).unwrap();
        assert!(r.html.text().contains("<table>"));
        assert!(!r.html.text().contains("style="));
        assert!(r.html.text().contains("footnote"));
        assert!(r.html.text().contains("<del>y</del>"));
        assert!(r.html.text().contains("checkbox"));
        let s = r.summary.unwrap();
        assert!(s.contains("<table>") && !s.contains("rest"));
    }

    #[test]
    fn raw_text_is_escaped() {
        let h = html("a &lt; <b>ok</b> `<script>`");
        assert!(h.contains("<code>&lt;script&gt;</code>"));
    }

    const PASTED: &str = "Intro\n\n<iframe src=\"https://www.youtube.com/embed/x\"></iframe>\n\n- [x] fait\n- [ ] à faire\n\nTexte <span onclick=\"x()\">ici</span>.\n\n{{ frame() }}\n\n![loin](https://other.host/a.png) ![ici](https://www.example.fr/a.png)\n";

    #[test]
    fn pasted_html_is_cleaned_and_each_removal_reported_with_its_line() {
        let r = render(PASTED, 5, &opts(false), &Ctx).unwrap();
        let h = r.html.text();
        let h = &*h;
        assert!(!h.contains("youtube.com") && !h.contains("onclick"), "{h}");
        assert!(h.contains("<span>ici</span>"), "{h}");
        // The renderer's checkboxes are kept, as pulldown-cmark writes them.
        assert!(
            h.contains("<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nfait</li>"),
            "{h}"
        );
        assert!(
            h.contains("<li><input disabled=\"\" type=\"checkbox\"/>\nà faire</li>"),
            "{h}"
        );
        // The shortcode's HTML is the theme's: placed after cleaning.
        assert!(
            h.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>"),
            "{h}"
        );
        // An image in markdown from another host goes with the page's HTML.
        assert!(
            !h.contains("other.host") && h.contains("src=\"https://www.example.fr/a.png\""),
            "{h}"
        );
        let w: Vec<(usize, &str)> = r
            .warnings
            .iter()
            .map(|d| (d.line.unwrap(), d.message.as_str()))
            .collect();
        assert_eq!(
            w,
            [
                (7, "`<iframe>` removed"),
                (12, "`onclick` attribute removed"),
                (
                    16,
                    "an image from another host removed: https://other.host/a.png"
                ),
            ]
        );
        assert!(r.warnings[0].help.as_deref().unwrap().contains("{{ video("));

        // Trusted: as written, and nothing to report.
        let trusted = MarkdownOptions {
            raw_html: RawHtml::Trusted,
            ..opts(false)
        };
        let r = render(PASTED, 5, &trusted, &Ctx).unwrap();
        assert!(r.html.text().contains("youtube.com/embed") && r.html.text().contains("onclick"));
        assert!(r.html.text().contains("other.host") && r.warnings.is_empty());
    }

    #[test]
    fn a_page_without_html_is_not_cleaned() {
        // Cleaning writes HTML again (`<br>`, not `<br />`): a page without
        // HTML of its own keeps the renderer's bytes.
        let r = render("a  \nb\n\n---\n\n- [ ] x\n", 1, &opts(false), &Ctx).unwrap();
        assert!(
            r.html.text().contains("<br />") && r.html.text().contains("<hr />"),
            "{}",
            r.html
        );
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn summaries_and_shortcode_bodies_are_cleaned_too() {
        let r = render(
            "<script>alert(1)</script>\n\nDébut\n\n<!-- more -->\n\nSuite\n\n{% note() %}\n<p style=\"color: red\">x</p>\n{% end %}\n",
            3,
            &opts(false),
            &Ctx,
        )
        .unwrap();
        let summary = r.summary.unwrap();
        assert!(
            !summary.contains("alert") && summary.contains("Début"),
            "{summary}"
        );
        let w: Vec<(usize, &str)> = r
            .warnings
            .iter()
            .map(|d| (d.line.unwrap(), d.message.as_str()))
            .collect();
        assert_eq!(
            w,
            [(3, "`<script>` removed"), (12, "`style` attribute removed")]
        );
        // The theme renders bodies with `| markdown`, which cleans them.
        let inline = "Voir <script>alert(1)</script> *a* <img src=x.png onerror=alert(1)>";
        let h = render_inline(
            inline,
            Typography::PLAIN,
            RawHtml::Sanitize,
            "www.example.fr",
        );
        assert_eq!(h, "<p>Voir  <em>a</em> <img src=\"x.png\"></p>\n");
        let h = render_inline(
            inline,
            Typography::PLAIN,
            RawHtml::Trusted,
            "www.example.fr",
        );
        assert!(h.contains("<script>") && h.contains("onerror"));
    }

    /// Raw HTML a page may be pasted, hostile or careless.
    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=\"https://evil.example/x.js\"></SCRIPT>",
        "<script>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x.png\" onerror=\"alert(1)\"/>",
        "<IMG SRC=\"jav&#x09;ascript:alert(1)\">",
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<img srcset=\"a.png 1x, data:image/png;base64,AAAA 2x\">",
        "<iframe src=\"https://www.youtube.com/embed/x\" allowfullscreen></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<p style=\"color:red\">x</p>",
        "<span style=background:url(https://evil.example/x.png)>x</span>",
        "<style>body{display:none}</style>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\" \tjavascript:alert(1)\">x</a>",
        "<a href=\"java\nscript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
        "<a href=x onmouseover=alert(1)>x</a>",
        "<a title=\"x\" href=\"javascript:alert(1)\"",
        "<div onclick=\"alert(1)\"",
        "<!-- <script>alert(1)</script> -->",
        "<!--",
        "-->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<object data=\"x.swf\"></object>",
        "<embed src=\"x.swf\">",
        "<form action=\"https://evil.example\"><input name=q><button formaction=\"javascript:alert(1)\">go</button></form>",
        "<input type=\"checkbox\" onclick=\"alert(1)\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<base href=\"https://evil.example/\">",
        "<noscript><img src=x onerror=alert(1)></noscript>",
        "<textarea><script>alert(1)</script></textarea>",
        "<title><script>alert(1)</script></title>",
        "<details open ontoggle=alert(1)>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<body onload=alert(1)>",
        "<div style=\"x\" data-x=\"y\" class=\"c\">",
        "<template><script>alert(1)</script></template>",
        "<a href=\"#\" onfocus=alert(1) autofocus>x</a>",
        "<table><tr><td background=\"javascript:alert(1)\">x</td></tr></table>",
        "<blockquote cite=\"javascript:alert(1)\">x</blockquote>",
        "</div>",
        "</p>",
        "<p",
        "\"><script>alert(1)</script>",
        "'><img src=x onerror=alert(1)>",
    ];

    /// Markdown around it.
    const MARKDOWN: &[&str] = &[
        "# Titre",
        "## Accès {#acces}",
        "*a* **b** `c` ~~d~~",
        "```\n<script>alert(1)</script>\n```",
        "    <script>indented</script>",
        "> citation",
        "- élément",
        "- [x] fait",
        "1. un",
        "| a | b |\n|---|--:|\n| 1 | 2 |",
        "[lien](https://example.org) [ici](/x/)",
        "![image](a.png)",
        "note[^1]\n\n[^1]: la note",
        "<!-- more -->",
        "---",
        "{{ star() }}",
        "Texte : « oui » !",
    ];

    /// The URL attributes a browser follows or loads.
    const URL_ATTRIBUTES: &[&str] = &[
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "data",
        "poster",
        "cite",
        "background",
        "ping",
        "xlink:href",
        "lowsrc",
        "dynsrc",
        "longdesc",
        "manifest",
        "codebase",
        "archive",
        "usemap",
        "icon",
        "content",
    ];

    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            3 => proptest::sample::select(HOSTILE).prop_map(str::to_string),
            2 => proptest::sample::select(MARKDOWN).prop_map(str::to_string),
            1 => "[a-zé<>\"'=&#;: ]{0,12}",
        ]
    }

    /// What no cleaned page may hold, read by an HTML parser.
    fn dangers(html: &str) -> Vec<String> {
        let doc = scraper::Html::parse_fragment(html);
        let mut found = Vec::new();
        for node in doc.tree.nodes() {
            let Some(el) = node.value().as_element() else {
                continue;
            };
            let name = el.name();
            if matches!(name, "script" | "iframe" | "object" | "embed" | "style") {
                found.push(format!("<{name}>"));
            }
            for (attr, value) in el.attrs() {
                let attr = attr.to_ascii_lowercase();
                if attr.starts_with("on") || attr == "style" {
                    found.push(format!("<{name} {attr}>"));
                }
                if URL_ATTRIBUTES.contains(&attr.as_str()) {
                    let tokens = std::iter::once(value).chain(value.split([' ', ',', '\n', '\t']));
                    for t in tokens {
                        if let Some(s) = crate::url::unsafe_scheme(t) {
                            found.push(format!("<{name} {attr}=\"{s}:…\">"));
                        }
                    }
                }
            }
        }
        found
    }

    proptest::proptest! {
        #[test]
        fn cleaned_pages_hold_no_script_handler_style_or_unsafe_address(
            pieces in proptest::collection::vec(
                (piece(), proptest::sample::select(&["", " ", "\n", "\n\n"][..])),
                1..10,
            )
        ) {
            let md: String = pieces.iter().flat_map(|(p, sep)| [p.as_str(), *sep]).collect();
            if let Ok(r) = render(&md, 1, &opts(true), &Ctx) {
                for html in [Some(&*r.html.text()), r.summary.as_deref()].into_iter().flatten() {
                    let found = dangers(html);
                    proptest::prop_assert!(found.is_empty(), "{:?} in {}\nfrom {:?}", found, html, md);
                }
            }
        }
    }

    #[test]
    fn the_property_sees_what_it_looks_for() {
        // Published as written, the same snippets are caught.
        let trusted = MarkdownOptions {
            raw_html: RawHtml::Trusted,
            ..opts(false)
        };
        let caught = HOSTILE
            .iter()
            .filter(|h| {
                render(h, 1, &trusted, &Ctx).is_ok_and(|r| !dangers(&r.html.text()).is_empty())
            })
            .count();
        assert!(caught > HOSTILE.len() / 2, "{caught} of {}", HOSTILE.len());
    }

    proptest::proptest! {
        #[test]
        fn render_never_panics(s in "\\PC*") {
            let _ = render(&s, 1, &opts(true), &Ctx);
        }

        #[test]
        fn text_and_code_are_escaped(s in "[<>&\"a-z ]*") {
            let r = render(&format!("`{s}`"), 1, &opts(false), &Ctx).unwrap();
            let html = r.html.text();
            let inner = html.trim().trim_start_matches("<p>").trim_end_matches("</p>");
            proptest::prop_assert!(!inner.replace("<code>", "").replace("</code>", "").contains('<'));
        }
    }
}
