//! HTML written in markdown, cleaned before it is published.
//!
//! Editors paste embed codes: a YouTube frame, a Facebook plugin and its
//! script, an Instagram post full of inline styles. The theme promises pages
//! without inline script or style and without requests to another host;
//! this module keeps the promise for what content says. [`clean`] hands a
//! rendered body to ammonia with one allow-list, which keeps everything
//! blason's own renderer writes (headings and their anchors, aligned table
//! cells, highlighted code, footnotes, responsive images, external links)
//! and nothing that runs, styles or loads from elsewhere. [`removals`] reads
//! the pasted fragments against the same allow-list so that each removal
//! becomes a warning with its line and what to write instead.
//!
//! It must not clean with its own reading of HTML: the scan only reports,
//! and ammonia, a real HTML parser, does the removing, so that a trick which
//! fools the scan (an entity, a stray quote, a tag split over lines) is
//! still parsed the way a browser parses it. It must never see the HTML of
//! shortcodes: that comes from the theme's templates, is trusted, and is
//! placed after cleaning.

use std::borrow::Cow;

use crate::error::Diagnostic;

/// Attributes every kept element may have. Not `data-*`: the theme's
/// scripts take their orders from those (the player address of a video,
/// the images of a gallery's lightbox).
const GLOBAL_ATTRIBUTES: &[&str] = &["class", "id", "title", "lang", "dir", "role"];

/// Prefixes of attributes every kept element may have (`aria-label`...).
const GLOBAL_PREFIXES: &[&str] = &["aria-"];

/// The elements kept, each with the attributes it may have beyond the
/// global ones: what the renderer and the image pipeline write, and the
/// text-level and block elements an editor may use for what markdown lacks.
/// No element here loads anything but through the URL checks below, and
/// none is parsed as raw text (which would let its content hide markup).
const ELEMENTS: &[(&str, &[&str])] = &[
    ("a", &["href", "rel", "target", "hreflang"]),
    ("abbr", &[]),
    ("address", &[]),
    ("article", &[]),
    ("aside", &[]),
    ("b", &[]),
    ("bdi", &[]),
    ("bdo", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("data", &["value"]),
    ("dd", &[]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("dfn", &[]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("i", &[]),
    (
        "img",
        &[
            "src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding",
        ],
    ),
    ("ins", &["cite", "datetime"]),
    ("kbd", &[]),
    ("li", &["value"]),
    ("mark", &[]),
    ("ol", &["start", "reversed", "type"]),
    ("p", &[]),
    ("picture", &[]),
    // `data-lang`: the language of a highlighted code block.
    ("pre", &["data-lang"]),
    ("q", &["cite"]),
    ("rp", &[]),
    ("rt", &[]),
    ("ruby", &[]),
    ("s", &[]),
    ("samp", &[]),
    ("section", &[]),
    ("small", &[]),
    (
        "source",
        &["srcset", "sizes", "type", "media", "width", "height"],
    ),
    ("span", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("tfoot", &[]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("thead", &[]),
    ("time", &["datetime"]),
    ("tr", &[]),
    ("u", &[]),
    ("ul", &[]),
    ("var", &[]),
    ("wbr", &[]),
];

/// Elements removed with everything inside them: what runs, loads, asks
/// for input or belongs to the page's head, and the elements whose content
/// a browser reads as text (left behind, it would show as code).
const REMOVED_WITH_CONTENT: &[&str] = &[
    "applet",
    "audio",
    "base",
    "button",
    "canvas",
    "embed",
    "form",
    "frame",
    "frameset",
    "head",
    "iframe",
    "input",
    "link",
    "math",
    "meta",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "param",
    "plaintext",
    "script",
    "select",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
    "video",
    "xmp",
];

/// Elements whose content a browser reads as text up to their end tag:
/// the scan skips it as the parser does.
const RAW_TEXT: &[&str] = &[
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
];

/// Elements without content (no end tag to wait for).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link", "meta",
    "param", "source", "track", "wbr",
];

/// Schemes a link may have; a link without one is a path of the site.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Text the renderer puts where a task list's checkbox goes, placed back
/// after cleaning. It must not end up inside an attribute, where placing
/// it back would write markup: attribute values lose it.
pub(super) const TASK_PLACEHOLDER: &str = "BLASONTASK";

const SCRIPT_HELP: &str =
    "scripts cannot run in content: the site's pages allow no script but the theme's";
const STYLE_HELP: &str = "styles come from the theme: use a class of the theme, or markdown";
const HANDLER_HELP: &str =
    "event handlers are removed: the site's pages allow no script but the theme's";
const FRAME_HELP: &str = "use {{ video(provider=…, id=…) }} for YouTube, Vimeo, PeerTube or Dailymotion: the player loads only after a click; for anything else (a map, a booking engine), write a link to it";
const FOREIGN_IMAGE_HELP: &str =
    "put the image in the page's folder: the site makes no request to another host";
const UNSAFE_LINK_HELP: &str = "link to an https:// address or a page of the site";
const SCHEME_HELP: &str =
    "link to an https://, mailto: or tel: address, or to a page or file of the site";
const FORM_HELP: &str =
    "forms cannot be sent from the site's pages: link to the form's own page instead";
const DRAWING_HELP: &str = "save the drawing as an image file in the page's folder and write ![what it shows](drawing.svg)";
const MEDIA_HELP: &str = "use {{ video(provider=…, id=…) }} for a video; put a sound file in the page's folder and link to it";
const HEAD_HELP: &str =
    "the page's head comes from the theme: write the title and the description in the front matter";
const NOSCRIPT_HELP: &str = "what it held shows only without JavaScript, often a tracking image: write what the page needs in markdown";
const ELEMENT_HELP: &str = "blason publishes the HTML elements its theme styles: write the rest in markdown (**bold**, *italic*, lists, tables)";
const ATTRIBUTE_HELP: &str =
    "blason publishes the attributes its theme uses: the elements stay, without them";

/// `html` (a rendered body) with everything outside the allow-list
/// removed. `site_host` is the host images may come from besides the
/// site's own paths (the image pipeline writes absolute addresses).
pub(crate) fn clean(html: &str, site_host: &str) -> String {
    let host = site_host.to_string();
    let mut b = ammonia::Builder::empty();
    b.tags(ELEMENTS.iter().map(|(t, _)| *t).collect())
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(
            ELEMENTS
                .iter()
                .map(|(t, a)| (*t, a.iter().copied().collect()))
                .collect(),
        )
        .generic_attributes(GLOBAL_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(GLOBAL_PREFIXES.iter().copied().collect())
        .url_schemes(LINK_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        // The renderer writes `rel` itself (external links); ammonia's
        // default would add one to every link, internal ones included.
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(move |_element, attribute, value| {
            if refused(attribute, value, &host).is_some() {
                None
            } else if value.contains(TASK_PLACEHOLDER) {
                Some(Cow::Owned(value.replace(TASK_PLACEHOLDER, "")))
            } else {
                Some(Cow::Borrowed(value))
            }
        });
    b.clean(html).to_string()
}

/// Why an address is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    /// `javascript:`, `vbscript:` or `data:`.
    Unsafe(&'static str),
    /// A scheme links may not have (`ftp:`, `file:`, `intent:`...).
    Scheme(String),
    /// An image that is not the site's.
    ForeignImage,
}

/// Why the value of an allowed attribute is refused, or `None` when it is
/// kept. Only addresses are read: links may leave the site, images may not.
fn refused(attribute: &str, value: &str, site_host: &str) -> Option<Refusal> {
    match attribute {
        "href" | "cite" => link_refusal(value),
        "src" => image_refusal(value, site_host),
        "srcset" => value.split(is_html_space).find_map(|token| {
            // A browser reads a candidate's address up to whitespace,
            // commas included; reading each piece between commas as well
            // covers both readings.
            image_refusal(token.trim_matches(','), site_host).or_else(|| {
                token
                    .split(',')
                    .find_map(|piece| image_refusal(piece, site_host))
            })
        }),
        _ => None,
    }
}

fn link_refusal(url: &str) -> Option<Refusal> {
    if let Some(s) = crate::url::unsafe_scheme(url) {
        return Some(Refusal::Unsafe(s));
    }
    match scheme(url) {
        Some(s) if !LINK_SCHEMES.contains(&s.as_str()) => Some(Refusal::Scheme(s)),
        _ => None,
    }
}

fn image_refusal(url: &str, site_host: &str) -> Option<Refusal> {
    if let Some(s) = crate::url::unsafe_scheme(url) {
        return Some(Refusal::Unsafe(s));
    }
    (!is_site_address(url, site_host)).then_some(Refusal::ForeignImage)
}

/// The address as a browser reads it: without leading and trailing
/// control characters and spaces, without tabs and line breaks anywhere.
fn browser_form(url: &str) -> Cow<'_, str> {
    let url = url.trim_matches(|c: char| c <= ' ');
    if url.contains(['\t', '\n', '\r']) {
        Cow::Owned(
            url.chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        Cow::Borrowed(url)
    }
}

/// The scheme of an address, lowercased, as a browser reads it.
fn scheme(url: &str) -> Option<String> {
    let url = browser_form(url);
    let (s, _) = url.split_once(':')?;
    let mut chars = s.chars();
    let ok = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| s.to_ascii_lowercase())
}

/// Whether loading `url` stays on the site: a path, or an http(s) address
/// of the site's own host. `//host/x` and `\\host\x` reach another host.
pub(crate) fn is_site_address(url: &str, site_host: &str) -> bool {
    let url = browser_form(url);
    match scheme(&url).as_deref() {
        None => {
            let mut start = url.chars().take(2);
            !(start.next().is_some_and(|c| matches!(c, '/' | '\\'))
                && start.next().is_some_and(|c| matches!(c, '/' | '\\')))
        }
        Some(s @ ("http" | "https")) => {
            let rest = url[s.len() + 1..].trim_start_matches(['/', '\\']);
            let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
            if authority.contains('@') {
                return false;
            }
            let host = match authority.rsplit_once(':') {
                Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
                _ => authority,
            };
            !site_host.is_empty() && host.eq_ignore_ascii_case(site_host)
        }
        Some(_) => false,
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// Whether an element keeps attribute `name`.
fn attribute_kept(allowed: &[&str], name: &str) -> bool {
    GLOBAL_ATTRIBUTES.contains(&name)
        || GLOBAL_PREFIXES.iter().any(|p| name.starts_with(p))
        || allowed.contains(&name)
}

fn element_rule(name: &str) -> Option<&'static [&'static str]> {
    ELEMENTS.iter().find(|(t, _)| *t == name).map(|(_, a)| *a)
}

/// One thing cleaning removes, and where it was written (an offset in the
/// markdown the fragments came from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Removal {
    offset: usize,
    what: Removed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Removed {
    /// An element; `with_content` when what is inside goes with it.
    Element {
        name: String,
        with_content: bool,
    },
    /// A raw-text element without its end tag: the rest of the page is its content.
    Unclosed {
        name: String,
    },
    Attribute {
        name: String,
    },
    Address {
        url: String,
        why: Refusal,
    },
}

impl Removal {
    /// An image written in markdown (`![…](https://other.host/x.png)`) on a
    /// page that is cleaned: it goes like a pasted one.
    pub(crate) fn foreign_image(url: String, offset: usize) -> Removal {
        Removal {
            offset,
            what: Removed::Address {
                url,
                why: Refusal::ForeignImage,
            },
        }
    }

    /// What is said of it, and what to do instead.
    fn message(&self) -> (String, &'static str) {
        match &self.what {
            Removed::Element { name, with_content } => {
                let message = if *with_content || VOID.contains(&name.as_str()) {
                    format!("`<{name}>` removed")
                } else {
                    format!("`<{name}>` removed (its text is kept)")
                };
                (message, element_help(name))
            }
            Removed::Unclosed { name } => (
                format!("`<{name}>` is never closed: everything after it is removed"),
                element_help(name),
            ),
            Removed::Attribute { name } => {
                let help = if name == "style" {
                    STYLE_HELP
                } else if name.starts_with("on") {
                    HANDLER_HELP
                } else {
                    ATTRIBUTE_HELP
                };
                (format!("`{name}` attribute removed"), help)
            }
            Removed::Address { url, why } => {
                let shown = shorten(url);
                match why {
                    Refusal::Unsafe(s) => (
                        format!("a `{s}:` address removed"),
                        if *s == "data" {
                            FOREIGN_IMAGE_HELP
                        } else {
                            UNSAFE_LINK_HELP
                        },
                    ),
                    Refusal::Scheme(s) => {
                        (format!("a `{s}:` address removed: {shown}"), SCHEME_HELP)
                    }
                    Refusal::ForeignImage => (
                        format!("an image from another host removed: {shown}"),
                        FOREIGN_IMAGE_HELP,
                    ),
                }
            }
        }
    }
}

fn element_help(name: &str) -> &'static str {
    match name {
        "script" => SCRIPT_HELP,
        "style" | "link" => STYLE_HELP,
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "param" => FRAME_HELP,
        "form" | "input" | "button" | "select" | "textarea" => FORM_HELP,
        "svg" | "math" | "canvas" => DRAWING_HELP,
        "audio" | "video" => MEDIA_HELP,
        "head" | "meta" | "base" | "title" => HEAD_HELP,
        "noscript" => NOSCRIPT_HELP,
        _ => ELEMENT_HELP,
    }
}

/// A long address cut for a message.
fn shorten(url: &str) -> String {
    const MAX: usize = 80;
    match url.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &url[..i]),
        None => url.to_string(),
    }
}

/// What cleaning removes from `fragments`, the raw HTML of a page in the
/// order of the text, each with its offset in the markdown. A light scan
/// of tag and attribute names against the allow-list: it reports, ammonia
/// removes.
pub(crate) fn removals(fragments: &[(&str, usize)], site_host: &str) -> Vec<Removal> {
    // One text, so that a tag written over several lines (an HTML block's
    // lines are events of their own) is read whole.
    let mut text = String::new();
    let mut segments = Vec::with_capacity(fragments.len());
    for (html, offset) in fragments {
        segments.push((text.len(), *offset));
        text.push_str(html);
    }
    let origin = |pos: usize| {
        let i = segments.partition_point(|&(start, _)| start <= pos);
        match i.checked_sub(1).map(|i| segments[i]) {
            Some((start, offset)) => offset + (pos - start),
            None => pos,
        }
    };
    // Names compared in lowercase; ASCII lowercasing keeps byte offsets.
    let lower = text.to_ascii_lowercase();
    let b = text.as_bytes();
    let mut out = Vec::new();
    // The removed element whose content goes with it, and how many of its
    // kind are open inside it: nothing in there is reported again.
    let mut dropping: Option<(String, usize)> = None;
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'<', &b[i..]) {
        let at = i + n;
        let rest = &lower[at..];
        if let Some(after) = rest.strip_prefix("<!--") {
            // `<!-->` and `<!--->` end at once, as in browsers.
            let skip = if after.starts_with('>') {
                1
            } else if after.starts_with("->") {
                2
            } else {
                comment_end(after)
            };
            i = at + 4 + skip;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = lower[at..].find('>').map_or(text.len(), |e| at + e + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = at + 1 + usize::from(closing);
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        let tag = read_tag(&text, &lower, name_start);
        i = tag.end;
        if closing {
            if let Some((name, depth)) = dropping.as_mut()
                && *name == tag.name
            {
                match depth.checked_sub(1) {
                    Some(d) => *depth = d,
                    None => dropping = None,
                }
            }
            continue;
        }
        if let Some((name, depth)) = dropping.as_mut() {
            if *name == tag.name {
                *depth += 1;
            }
            continue;
        }
        let offset = origin(at);
        match element_rule(&tag.name) {
            Some(allowed) => {
                for (name, value) in &tag.attributes {
                    if !attribute_kept(allowed, name) {
                        out.push(Removal {
                            offset,
                            what: Removed::Attribute { name: name.clone() },
                        });
                        continue;
                    }
                    let value = decode_entities(value.as_deref().unwrap_or(""));
                    if let Some(why) = refused(name, &value, site_host) {
                        out.push(Removal {
                            offset,
                            what: Removed::Address {
                                url: value.trim().to_string(),
                                why,
                            },
                        });
                    }
                }
            }
            None => {
                let with_content = REMOVED_WITH_CONTENT.contains(&tag.name.as_str());
                out.push(Removal {
                    offset,
                    what: Removed::Element {
                        name: tag.name.clone(),
                        with_content,
                    },
                });
                if RAW_TEXT.contains(&tag.name.as_str()) {
                    match raw_text_end(&lower, i, &tag.name) {
                        Some(end) => i = end,
                        None => {
                            out.push(Removal {
                                offset,
                                what: Removed::Unclosed { name: tag.name },
                            });
                            break;
                        }
                    }
                } else if with_content && !VOID.contains(&tag.name.as_str()) {
                    dropping = Some((tag.name, 0));
                }
            }
        }
    }
    out
}

/// A start or end tag: its name (lowercase), its attributes (names
/// lowercase, values as written) and where it ends.
struct Tag {
    name: String,
    attributes: Vec<(String, Option<String>)>,
    end: usize,
}

fn read_tag(text: &str, lower: &str, name_start: usize) -> Tag {
    let b = text.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C');
    let mut j = name_start;
    while j < b.len() && !space(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = lower[name_start..j].to_string();
    let mut attributes = Vec::new();
    loop {
        while j < b.len() && (space(b[j]) || b[j] == b'/') {
            j += 1;
        }
        if j >= b.len() {
            break;
        }
        if b[j] == b'>' {
            j += 1;
            break;
        }
        let start = j;
        j += 1; // a name may start with `=`
        while j < b.len() && !space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let attr = lower[start..j].to_string();
        while j < b.len() && space(b[j]) {
            j += 1;
        }
        let mut value = None;
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && space(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr::memchr(q, &b[j + 1..]).map_or(b.len(), |e| j + 1 + e);
                    value = Some(text[j + 1..end].to_string());
                    j = (end + 1).min(b.len());
                }
                _ => {
                    let start = j;
                    while j < b.len() && !space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = Some(text[start..j].to_string());
                }
            }
        }
        attributes.push((attr, value));
    }
    Tag {
        name,
        attributes,
        end: j,
    }
}

/// Where a comment ends in `after` (what follows `<!--`): after `-->`,
/// or `--!>`, or at the end.
fn comment_end(after: &str) -> usize {
    let mut k = 0;
    while let Some(d) = after[k..].find("--") {
        let at = k + d + 2;
        let tail = &after[at..];
        if tail.starts_with('>') {
            return at + 1;
        }
        if tail.starts_with("!>") {
            return at + 2;
        }
        k = at - 1;
    }
    after.len()
}

/// Where the raw text of element `name`, starting at `from`, ends: after
/// its end tag. `None` when it has none (and `plaintext` never has one).
fn raw_text_end(lower: &str, from: usize, name: &str) -> Option<usize> {
    if name == "plaintext" {
        return None;
    }
    let close = format!("</{name}");
    let mut k = from;
    while let Some(d) = lower[k..].find(&close) {
        let after = k + d + close.len();
        match lower.as_bytes().get(after) {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'/' | b'>') => {
                return Some(
                    lower[after..]
                        .find('>')
                        .map_or(lower.len(), |e| after + e + 1),
                );
            }
            Some(_) => k = after,
        }
    }
    None
}

/// Character references decoded where they can hide an address's scheme
/// (`&#106;avascript:`, `java&Tab;script&colon;`).
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("colon", ':'),
        ("Tab", '\t'),
        ("NewLine", '\n'),
        ("sol", '/'),
        ("bsol", '\\'),
        ("period", '.'),
        ("comma", ','),
        ("lpar", '('),
        ("rpar", ')'),
        ("nbsp", '\u{a0}'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(num) = rest.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .bytes()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            if len > 0 {
                let value = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 })
                    .ok()
                    .and_then(char::from_u32)
                    .filter(|c| *c != '\0')
                    .unwrap_or('\u{FFFD}');
                out.push(value);
                rest = &digits[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        } else if let Some((name, c)) = NAMED.iter().find(|(n, _)| rest.starts_with(n)) {
            out.push(*c);
            rest = &rest[name.len()..];
            rest = rest.strip_prefix(';').unwrap_or(rest);
            continue;
        }
        out.push('&');
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The warnings for `removals`: one per line and kind of removal, counted
/// (an Instagram embed carries dozens of `style` attributes on one line);
/// the attributes removed only because the theme has no use for them are
/// named together. `at` turns an offset into a line and column.
pub(crate) fn diagnostics(
    mut removals: Vec<Removal>,
    at: &dyn Fn(usize) -> (usize, usize),
) -> Vec<Diagnostic> {
    removals.sort_by_key(|r| r.offset);
    // (line, column, message, help, count)
    let mut grouped: Vec<(usize, usize, String, &'static str, usize)> = Vec::new();
    // Per line: the attributes of no use to the theme, in order.
    let mut unused: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for r in &removals {
        let (line, column) = at(r.offset);
        let (message, help) = r.message();
        if help == ATTRIBUTE_HELP
            && let Removed::Attribute { name } = &r.what
        {
            match unused.iter_mut().find(|(l, _, _)| *l == line) {
                Some((_, _, names)) => {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
                None => unused.push((line, column, vec![name.clone()])),
            }
            continue;
        }
        match grouped
            .iter_mut()
            .find(|(l, _, m, _, _)| *l == line && *m == message)
        {
            Some(g) => g.4 += 1,
            None => grouped.push((line, column, message, help, 1)),
        }
    }
    let mut out: Vec<(usize, usize, Diagnostic)> = grouped
        .into_iter()
        .map(|(line, column, message, help, count)| {
            let message = if count > 1 {
                format!("{message} ({count} times)")
            } else {
                message
            };
            (
                line,
                column,
                Diagnostic::warning("raw-html-removed", message)
                    .at(line, column)
                    .help(help),
            )
        })
        .collect();
    for (line, column, names) in unused {
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if names.len() == 1 {
            format!("{list} attribute removed")
        } else {
            format!("attributes removed: {list}")
        };
        out.push((
            line,
            column,
            Diagnostic::warning("raw-html-removed", message)
                .at(line, column)
                .help(ATTRIBUTE_HELP),
        ));
    }
    out.sort_by_key(|(line, column, _)| (*line, *column));
    out.into_iter().map(|(_, _, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "www.example.fr";

    fn cleaned(html: &str) -> String {
        clean(html, HOST)
    }

    /// The warnings for `html` as one fragment on line 1.
    fn warnings(html: &str) -> Vec<Diagnostic> {
        let at = |offset: usize| crate::error::line_col(html, offset);
        diagnostics(removals(&[(html, 0)], HOST), &at)
    }

    #[test]
    fn what_runs_styles_or_loads_from_elsewhere_is_removed() {
        for (dirty, gone) in [
            ("<script>alert(1)</script><p>x</p>", "alert"),
            ("<p>a</p><style>p{color:red}</style>", "color"),
            ("<img src=x.png onerror=alert(1)>", "onerror"),
            (
                "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
                "iframe",
            ),
            (
                "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
                "srcdoc",
            ),
            (
                "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
                "swf",
            ),
            (
                "<form action=\"https://x.fr\"><input name=q></form>",
                "input",
            ),
            ("<p style=\"color:red\">x</p>", "style"),
            ("<span onclick=\"x()\">x</span>", "onclick"),
            ("<svg onload=alert(1)><circle/></svg>", "svg"),
            ("<a href=\"javascript:alert(1)\">x</a>", "javascript"),
            ("<a href=\"JaVaScRiPt&#58;alert(1)\">x</a>", "alert"),
            ("<a href=\"&#106;avascript:alert(1)\">x</a>", "alert"),
            ("<a href=\"java\tscript:alert(1)\">x</a>", "alert"),
            ("<a href=\" vbscript:msgbox(1)\">x</a>", "msgbox"),
            ("<a href=\"data:text/html,<b>x</b>\">x</a>", "data:"),
            ("<img src=\"https://other.host/x.png\">", "other.host"),
            ("<img src=\"//other.host/x.png\">", "other.host"),
            ("<img src=\"\\\\other.host/x.png\">", "other.host"),
            (
                "<img srcset=\"a.png 1x, https://other.host/x.png 2x\">",
                "other.host",
            ),
            (
                "<img src=\"https://www.example.fr.other.host/x.png\">",
                "other.host",
            ),
            (
                "<img src=\"https://www.example.fr@other.host/x.png\">",
                "other.host",
            ),
            (
                "<picture><source srcset=\"https://cdn.x/a.webp\"></picture>",
                "cdn.x",
            ),
            (
                "<noscript><img src=\"https://www.facebook.com/tr?id=1\"></noscript>",
                "facebook",
            ),
            (
                "<link rel=\"stylesheet\" href=\"https://x.fr/a.css\">",
                "a.css",
            ),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=https://x.fr\">",
                "refresh",
            ),
            ("<div data-href=\"https://x.fr\">x</div>", "data-href"),
            ("<!-- a comment --><p>x</p>", "comment"),
            ("<a href=\"x\" ping=\"https://t.x\">x</a>", "ping"),
        ] {
            let c = cleaned(dirty);
            assert!(!c.contains(gone), "{dirty} -> {c}");
        }
    }

    #[test]
    fn what_blason_writes_is_kept_as_it_means() {
        for kept in [
            "<h2 id=\"acces\" class=\"x\"><a class=\"zola-anchor\" href=\"#acces\" aria-label=\"Anchor: Accès\">#</a> Accès</h2>",
            "<table><thead><tr><th class=\"align-left\" scope=\"col\">a</th></tr></thead><tbody><tr><td class=\"align-right\" colspan=\"2\">1</td></tr></tbody></table>",
            "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-keyword\">fn</span></code></pre>",
            "<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>",
            "<div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>",
            "<picture><source type=\"image/webp\" srcset=\"https://www.example.fr/processed_images/a-1.webp 480w, https://www.example.fr/processed_images/a-2.webp 960w\" sizes=\"(min-width: 48rem) 46rem, 100vw\">",
            "<img class=\"ph-1\" src=\"https://www.example.fr/processed_images/a.jpg\" alt=\"Le lac\" width=\"960\" height=\"640\" loading=\"lazy\" decoding=\"async\">",
            "<img src=\"aube.jpg\" alt=\"x\" title=\"t\">",
            "<img src=\"/static/plan.png\" alt=\"x\">",
            "<a href=\"https://autre.fr/x\" class=\"external\" rel=\"external noopener\" target=\"_blank\">a</a>",
            "<a href=\"mailto:office@example.fr\">a</a>",
            "<a href=\"tel:+33123456789\">a</a>",
            "<a href=\"/tourisme/lac/#acces\">a</a>",
            "<del>x</del>",
            "<blockquote cite=\"https://x.fr\">",
            "<hr>",
            "<br>",
            "<details open=\"\"><summary>Plus</summary>",
            "<figure><figcaption>x</figcaption></figure>",
            "<abbr title=\"Office de tourisme\">OT</abbr>",
            "<kbd>Ctrl</kbd>",
            "<mark>x</mark>",
            "<sub>2</sub>",
            "<dl><dt>a</dt><dd>b</dd></dl>",
            "<q cite=\"https://x.fr\">x</q>",
            "<cite>x</cite>",
            "<time datetime=\"2026-06-01\">1er juin</time>",
            "<ol start=\"3\">",
            "<span lang=\"en\" dir=\"ltr\">x</span>",
        ] {
            let c = cleaned(kept);
            // Serialized again by the parser: compared after a parse of both.
            let norm = |h: &str| scraper::Html::parse_fragment(h).root_element().html();
            assert_eq!(norm(&c), norm(kept), "{kept}");
        }
    }

    #[test]
    fn task_placeholders_do_not_survive_in_attributes() {
        let c = cleaned(&format!(
            "<p title=\"{TASK_PLACEHOLDER}1X\">{TASK_PLACEHOLDER}1X</p>"
        ));
        assert_eq!(c, format!("<p title=\"1X\">{TASK_PLACEHOLDER}1X</p>"));
    }

    #[test]
    fn site_addresses() {
        for ok in [
            "a.png",
            "/a.png",
            "../a.png",
            "https://www.example.fr/a.png",
            "http://WWW.EXAMPLE.FR:8080/a.png",
            "#x",
            "?v=1",
        ] {
            assert!(is_site_address(ok, HOST), "{ok}");
        }
        for no in [
            "https://other.fr/a.png",
            "//other.fr/a.png",
            "/\\other.fr/a.png",
            " //other.fr/a.png",
            "https:///other.fr/a.png",
            "https://www.example.fr@other.fr/a.png",
            "ftp://www.example.fr/a.png",
            "data:image/png;base64,AAAA",
        ] {
            assert!(!is_site_address(no, HOST), "{no}");
        }
        assert_eq!(scheme(" Https:x"), Some("https".into()));
        assert_eq!(scheme("a:b"), Some("a".into()));
        assert_eq!(scheme("a/b:c"), None);
    }

    #[test]
    fn entities_that_hide_a_scheme_are_read() {
        assert_eq!(decode_entities("&#106;avascript&colon;x"), "javascript:x");
        assert_eq!(
            decode_entities("&#x6A&#x61;va&Tab;script:"),
            "java\tscript:"
        );
        assert_eq!(decode_entities("a&b&amp;c&#0;"), "a&b&c\u{FFFD}");
    }

    #[test]
    fn each_removal_is_a_warning_with_its_line_and_fix() {
        let html = "<p>ok</p>\n<iframe width=\"560\" src=\"https://www.youtube.com/embed/abc\"></iframe>\n<script src=\"https://x.fr/a.js\"></script>\n<p style=\"a\"><span style=\"b\" onclick=\"c()\">x</span></p>\n<img src=\"https://other.host/x.png\" alt=\"\">\n<a href=\"javascript:alert(1)\">x</a>\n<div class=\"fb-page\" data-href=\"https://facebook.com/x\" data-tabs=\"timeline\">\n";
        let w = warnings(html);
        let seen: Vec<(usize, &str, &str)> = w
            .iter()
            .map(|d| {
                (
                    d.line.unwrap(),
                    d.message.as_str(),
                    d.help.as_deref().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (2, "`<iframe>` removed", FRAME_HELP),
                (3, "`<script>` removed", SCRIPT_HELP),
                (4, "`style` attribute removed (2 times)", STYLE_HELP),
                (4, "`onclick` attribute removed", HANDLER_HELP),
                (
                    5,
                    "an image from another host removed: https://other.host/x.png",
                    FOREIGN_IMAGE_HELP
                ),
                (6, "a `javascript:` address removed", UNSAFE_LINK_HELP),
                (
                    7,
                    "attributes removed: `data-href`, `data-tabs`",
                    ATTRIBUTE_HELP
                ),
            ]
        );
        assert!(
            w.iter()
                .all(|d| d.code == "raw-html-removed" && !d.is_error())
        );
        assert!(FRAME_HELP.contains("{{ video(provider=…, id=…) }}"));
        assert_eq!(w[0].column, Some(1));
    }

    #[test]
    fn the_scan_reads_as_the_parser_does() {
        // Inside a script, markup is text: one removal, not three.
        let w = warnings("<script>document.write('<img src=x onerror=y()>')</script>");
        assert_eq!(w.len(), 1, "{w:?}");
        // What a removed form holds goes with it, unreported.
        let w = warnings(
            "<form action=\"x\"><input type=\"email\" style=\"a\"><button onclick=\"b\">OK</button></form><p style=\"c\">x</p>",
        );
        let m: Vec<&str> = w.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(m, ["`<form>` removed", "`style` attribute removed"]);
        // A script never closed takes the rest of the page with it.
        let w = warnings("<script>x\n<p>y</p>");
        assert_eq!(
            w[1].message,
            "`<script>` is never closed: everything after it is removed"
        );
        // Comments and CDATA hide nothing; an element of no use keeps its text.
        let w = warnings("<!-- <script> --><![CDATA[<iframe>]]><font color=red>x</font>");
        let m: Vec<&str> = w.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(m, ["`<font>` removed (its text is kept)"]);
        // Quotes, case and entities as a browser reads them.
        let w = warnings("<A HREF = '&#x6A;avascript:x' OnMouseOver=\"y\">z</A>");
        let m: Vec<&str> = w.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            m,
            [
                "a `javascript:` address removed",
                "`onmouseover` attribute removed"
            ]
        );
    }

    #[test]
    fn a_tag_over_several_fragments_is_read_whole() {
        let md = "<iframe\n  src=\"https://maps.google.com/x\"\n  style=\"border:0\"></iframe>\n";
        let lines: Vec<(&str, usize)> = md
            .split_inclusive('\n')
            .scan(0, |o, l| {
                let r = (l, *o);
                *o += l.len();
                Some(r)
            })
            .collect();
        let r = removals(&lines, HOST);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].offset, 0);
        // Removals in a later fragment keep its own offset.
        let r = removals(&[("<p>", 10), ("<span onclick=x>", 40)], HOST);
        assert_eq!(r[0].offset, 40);
    }
}
