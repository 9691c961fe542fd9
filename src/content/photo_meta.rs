//! A photo's own credit and licence, read from the metadata photographers and
//! agencies fill in: XMP (`dc:creator`, `dc:rights`, `xmpRights:UsageTerms`),
//! then IPTC IIM (By-line 2:80, Copyright Notice 2:116, in a Photoshop APP13
//! segment), then EXIF (Artist, Copyright). gallery.toml always wins; this is
//! only its fallback.
//!
//! It reads the JPEG's segments up to the image data (never the pixels) and
//! the XMP chunk of PNG and WebP files; a file it cannot read simply has no
//! credit. It must not decode images.

use std::io::{BufReader, Read};
use std::path::Path;

/// Credit and licence found in a photo's metadata.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EmbeddedCredit {
    pub creator: Option<String>,
    pub rights: Option<String>,
}

impl EmbeddedCredit {
    fn or(self, other: EmbeddedCredit) -> EmbeddedCredit {
        EmbeddedCredit {
            creator: self.creator.or(other.creator),
            rights: self.rights.or(other.rights),
        }
    }
}

/// Metadata blocks are small; anything past this is not read.
const MAX_BLOCK: usize = 1 << 20;

/// Reads XMP, then IPTC, then EXIF.
pub fn embedded_credit(path: &Path) -> EmbeddedCredit {
    let blocks = read_blocks(path).unwrap_or_default();
    let xmp = blocks.xmp.as_deref().map(parse_xmp).unwrap_or_default();
    let iptc = blocks.iptc.as_deref().map(parse_iptc).unwrap_or_default();
    xmp.or(iptc).or(exif_credit(path))
}

#[derive(Default)]
struct Blocks {
    xmp: Option<String>,
    iptc: Option<Vec<u8>>,
}

fn read_blocks(path: &Path) -> std::io::Result<Blocks> {
    let mut r = BufReader::new(std::fs::File::open(path)?);
    let mut magic = [0u8; 12];
    r.read_exact(&mut magic)?;
    if magic.starts_with(&[0xFF, 0xD8]) {
        jpeg_blocks(&magic[2..], r)
    } else if magic.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_xmp(&magic[8..], r)
    } else if &magic[..4] == b"RIFF" && &magic[8..12] == b"WEBP" {
        webp_xmp(r)
    } else {
        Ok(Blocks::default())
    }
}

fn jpeg_blocks(already: &[u8], r: impl Read) -> std::io::Result<Blocks> {
    let mut r = already.chain(r);
    let mut out = Blocks::default();
    loop {
        let mut head = [0u8; 4];
        r.read_exact(&mut head)?;
        if head[0] != 0xFF {
            return Ok(out);
        }
        let marker = head[1];
        // Start of scan or end of image: the metadata is behind us.
        if marker == 0xDA || marker == 0xD9 {
            return Ok(out);
        }
        let len = usize::from(u16::from_be_bytes([head[2], head[3]])).saturating_sub(2);
        let mut body = vec![0u8; len.min(MAX_BLOCK)];
        r.read_exact(&mut body)?;
        const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
        const PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";
        if marker == 0xE1 && body.starts_with(XMP) && out.xmp.is_none() {
            out.xmp = Some(String::from_utf8_lossy(&body[XMP.len()..]).into_owned());
        } else if marker == 0xED && body.starts_with(PHOTOSHOP) && out.iptc.is_none() {
            out.iptc = photoshop_iptc(&body[PHOTOSHOP.len()..]);
        }
    }
}

/// The IPTC record (8BIM resource 0x0404) of a Photoshop APP13 segment.
fn photoshop_iptc(mut b: &[u8]) -> Option<Vec<u8>> {
    while b.len() >= 12 && &b[..4] == b"8BIM" {
        let id = u16::from_be_bytes([b[4], b[5]]);
        // A Pascal string padded to an even length.
        let name_len = usize::from(b[6]);
        let name = (name_len + 1 + 1) & !1;
        let at = 6 + name;
        let size = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize;
        let data = b.get(at + 4..at + 4 + size)?;
        if id == 0x0404 {
            return Some(data.to_vec());
        }
        b = b.get(at + 4 + ((size + 1) & !1)..)?;
    }
    None
}

/// By-line (2:80) and Copyright Notice (2:116) of an IPTC IIM record.
fn parse_iptc(mut b: &[u8]) -> EmbeddedCredit {
    let mut creators = Vec::new();
    let mut rights = None;
    while b.len() >= 5 && b[0] == 0x1C {
        let (record, dataset) = (b[1], b[2]);
        let len = usize::from(u16::from_be_bytes([b[3], b[4]]));
        // Extended lengths (high bit) are for large binary data, never text.
        if len & 0x8000 != 0 || b.len() < 5 + len {
            break;
        }
        let value = String::from_utf8_lossy(&b[5..5 + len]).trim().to_string();
        match (record, dataset) {
            (2, 80) if !value.is_empty() => creators.push(value),
            (2, 116) if !value.is_empty() => rights = Some(value),
            _ => {}
        }
        b = &b[5 + len..];
    }
    EmbeddedCredit {
        creator: (!creators.is_empty()).then(|| creators.join(", ")),
        rights,
    }
}

fn png_xmp(already: &[u8], r: impl Read) -> std::io::Result<Blocks> {
    let mut r = already.chain(r);
    loop {
        let mut head = [0u8; 8];
        r.read_exact(&mut head)?;
        let len = u32::from_be_bytes(head[..4].try_into().expect("4 bytes")) as usize;
        let kind = &head[4..8];
        if kind == b"IDAT" || kind == b"IEND" {
            return Ok(Blocks::default());
        }
        if kind == b"iTXt" && len <= MAX_BLOCK {
            let mut body = vec![0u8; len];
            r.read_exact(&mut body)?;
            // keyword \0 compression-flag compression-method lang \0 translated \0 text
            if body.starts_with(b"XML:com.adobe.xmp\0") && body.get(18) == Some(&0) {
                let rest = &body[20..];
                let text = rest
                    .splitn(3, |&c| c == 0)
                    .nth(2)
                    .map(|t| String::from_utf8_lossy(t).into_owned());
                return Ok(Blocks {
                    xmp: text,
                    iptc: None,
                });
            }
            std::io::copy(&mut (&mut r).take(4), &mut std::io::sink())?;
        } else {
            std::io::copy(&mut (&mut r).take(len as u64 + 4), &mut std::io::sink())?;
        }
    }
}

fn webp_xmp(mut r: impl Read) -> std::io::Result<Blocks> {
    loop {
        let mut head = [0u8; 8];
        r.read_exact(&mut head)?;
        let len = u32::from_le_bytes(head[4..].try_into().expect("4 bytes")) as u64;
        let padded = len + (len & 1);
        if &head[..4] == b"XMP " && len as usize <= MAX_BLOCK {
            let mut body = vec![0u8; len as usize];
            r.read_exact(&mut body)?;
            return Ok(Blocks {
                xmp: Some(String::from_utf8_lossy(&body).into_owned()),
                iptc: None,
            });
        }
        std::io::copy(&mut (&mut r).take(padded), &mut std::io::sink())?;
    }
}

/// `dc:creator` (all entries) and `dc:rights` (the default language), or
/// `xmpRights:UsageTerms` when there are no rights.
fn parse_xmp(xmp: &str) -> EmbeddedCredit {
    let creators = element(xmp, "dc:creator")
        .map(list_items)
        .unwrap_or_default();
    let rights = element(xmp, "dc:rights")
        .and_then(default_item)
        .or_else(|| element(xmp, "xmpRights:UsageTerms").and_then(default_item))
        .or_else(|| attribute(xmp, "dc:rights"));
    EmbeddedCredit {
        creator: (!creators.is_empty()).then(|| creators.join(", ")),
        rights,
    }
}

/// The inside of `<name ...>...</name>`.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = xml[from..].find(&open) {
        let start = from + i + open.len();
        // `<dc:rightsMarked>` is another element.
        let next = xml[start..].chars().next()?;
        if next == '>' || next.is_whitespace() {
            let body = start + xml[start..].find('>')? + 1;
            let end = body + xml[body..].find(&format!("</{name}>"))?;
            return Some(&xml[body..end]);
        }
        from = start;
    }
    None
}

/// `name="value"` on an rdf:Description (XMP's short form).
fn attribute(xml: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = xml.find(&key)? + key.len();
    let end = start + xml[start..].find('"')?;
    non_empty(unescape(&xml[start..end]))
}

fn list_items(body: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("<rdf:li") {
        let Some(gt) = rest[i..].find('>') else { break };
        let text_start = i + gt + 1;
        let Some(end) = rest[text_start..].find("</rdf:li>") else {
            break;
        };
        if let Some(s) = non_empty(unescape(&rest[text_start..text_start + end])) {
            items.push(s);
        }
        rest = &rest[text_start + end..];
    }
    if items.is_empty() {
        // A plain property without a container.
        items.extend(non_empty(unescape(body)).filter(|s| !s.contains('<')));
    }
    items
}

/// The `x-default` entry of an rdf:Alt, or its first.
fn default_item(body: &str) -> Option<String> {
    if let Some(i) = body.find("xml:lang=\"x-default\"") {
        let text_start = i + body[i..].find('>')? + 1;
        let end = text_start + body[text_start..].find("</rdf:li>")?;
        return non_empty(unescape(&body[text_start..end]));
    }
    list_items(body).into_iter().next()
}

fn non_empty(s: String) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|&j| j <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The Artist and Copyright fields of a photo's EXIF, when it has them.
fn exif_credit(path: &Path) -> EmbeddedCredit {
    let Ok(file) = std::fs::File::open(path) else {
        return EmbeddedCredit::default();
    };
    let Ok(exif) = exif::Reader::new().read_from_container(&mut BufReader::new(file)) else {
        return EmbeddedCredit::default();
    };
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|f| match &f.value {
                exif::Value::Ascii(parts) => non_empty(
                    parts
                        .iter()
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => None,
            })
    };
    EmbeddedCredit {
        creator: text(exif::Tag::Artist),
        rights: text(exif::Tag::Copyright),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/images")
            .join(name)
    }

    #[test]
    fn xmp_iptc_and_exif_each_give_a_credit() {
        assert_eq!(
            embedded_credit(&fixture("xmp.jpg")),
            EmbeddedCredit {
                creator: Some("Élise Dumont & Fils".into()),
                rights: Some("CC BY-SA 4.0".into()),
            }
        );
        assert_eq!(
            embedded_credit(&fixture("iptc.jpg")),
            EmbeddedCredit {
                creator: Some("Jean Martin".into()),
                rights: Some("© Office de tourisme, CC BY 4.0".into()),
            }
        );
        assert_eq!(
            embedded_credit(&fixture("gps.jpg")),
            EmbeddedCredit {
                creator: Some("Camille R.".into()),
                rights: Some("CC BY 4.0".into()),
            }
        );
        assert_eq!(
            embedded_credit(&fixture("alpha.png")),
            EmbeddedCredit::default()
        );
    }

    #[test]
    fn xmp_forms_and_entities() {
        let c = parse_xmp(
            r#"<rdf:Description dc:rights="Tous droits réservés"><dc:creator><rdf:Seq><rdf:li>A &lt;B&gt;</rdf:li><rdf:li>C&#233;line</rdf:li></rdf:Seq></dc:creator><dc:rightsMarked>x</dc:rightsMarked></rdf:Description>"#,
        );
        assert_eq!(c.creator.as_deref(), Some("A <B>, Céline"));
        assert_eq!(c.rights.as_deref(), Some("Tous droits réservés"));
        let c = parse_xmp(
            r#"<dc:rights><rdf:Alt><rdf:li xml:lang="fr">Libre</rdf:li><rdf:li xml:lang="x-default">Free</rdf:li></rdf:Alt></dc:rights>"#,
        );
        assert_eq!(c.rights.as_deref(), Some("Free"));
        assert_eq!(unescape("a & b &amp; &#x41; &bogus;"), "a & b & A &bogus;");
    }

    #[test]
    fn png_and_webp_carry_xmp_too() {
        let xmp = b"<dc:creator><rdf:Seq><rdf:li>Ana</rdf:li></rdf:Seq></dc:creator>";
        let dir = tempfile::tempdir().unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            out.extend((data.len() as u32).to_be_bytes());
            out.extend(kind);
            out.extend(data);
            out.extend([0; 4]);
        };
        chunk(&mut png, b"IHDR", &[0; 13]);
        chunk(&mut png, b"tEXt", b"Comment\0hello");
        let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
        itxt.extend(xmp);
        chunk(&mut png, b"iTXt", &itxt);
        chunk(&mut png, b"IEND", &[]);
        std::fs::write(dir.path().join("a.png"), &png).unwrap();
        assert_eq!(
            embedded_credit(&dir.path().join("a.png"))
                .creator
                .as_deref(),
            Some("Ana")
        );
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        webp.extend(b"VP8X\x0a\0\0\0");
        webp.extend([0; 10]);
        webp.extend(b"XMP ");
        webp.extend((xmp.len() as u32).to_le_bytes());
        webp.extend(xmp);
        std::fs::write(dir.path().join("a.webp"), &webp).unwrap();
        assert_eq!(
            embedded_credit(&dir.path().join("a.webp"))
                .creator
                .as_deref(),
            Some("Ana")
        );
    }

    #[test]
    fn truncated_and_hostile_metadata_give_nothing_and_never_panic() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = std::fs::read(fixture("iptc.jpg")).unwrap();
        for cut in [3, 10, 20, 40, 60] {
            let p = dir.path().join(format!("cut{cut}.jpg"));
            std::fs::write(&p, &bytes[..cut]).unwrap();
            let _ = embedded_credit(&p);
        }
        assert_eq!(
            parse_iptc(&[0x1C, 2, 80, 0xFF, 0xFF, b'a']),
            EmbeddedCredit::default()
        );
        assert_eq!(photoshop_iptc(b"8BIM\x04\x04\xff"), None);
        assert_eq!(
            parse_xmp("<dc:creator><rdf:li>unterminated"),
            EmbeddedCredit::default()
        );
    }
}
