//! What the image pipeline reads of a JPEG's structure itself: its frame
//! header, whether the file runs to its end (a truncated file is refused,
//! not published grey), and decoding at a reduced scale. It decodes and
//! checks; it decides nothing about variants, names or the cache.
//!
//! A camera's photo is often two to four times wider than the largest
//! variant a site publishes. A JPEG's inverse DCT can produce the picture at
//! 1/2, 1/4 or 1/8 of its size directly: the entropy decoding (most of the
//! cost of a progressive file) stays the same, but the transform, the colour
//! conversion, the copies and every resize after it work on a quarter of the
//! pixels or less, and the decoded picture takes a quarter of the memory.
//!
//! Which reduction a variant is made from is decided when it is asked for,
//! from the source's size and the site's settings alone, and is part of its
//! name: the same name always stands for the same bytes, whatever else the
//! build or the cache holds. Sources the reduced decoder cannot take (CMYK,
//! 12-bit, damaged files) are decoded whole instead, which is equally
//! decided by their bytes alone.

use image::{DynamicImage, GrayImage, RgbImage};

/// The reductions a JPEG decoder can apply, largest first.
const REDUCTIONS: [u32; 3] = [8, 4, 2];

/// The size of a side of `len` pixels decoded at 1/`d` (as the decoder
/// rounds: up).
pub(super) fn reduced(len: u32, d: u32) -> u32 {
    len.div_ceil(d.max(1))
}

/// The largest reduction (1, 2, 4 or 8) at which a source `width` pixels wide
/// stays at least `floor` pixels wide.
pub(super) fn reduction(width: u32, floor: u32) -> u32 {
    REDUCTIONS
        .into_iter()
        .find(|&d| reduced(width, d) >= floor.max(1))
        .unwrap_or(1)
}

/// Whether a `w`×`h` output of the part `region` (width, height) of a
/// `full` (width, height) source has all its pixels in the source decoded at
/// 1/`d`.
pub(super) fn fits(full: (u32, u32), region: (u32, u32), out: (u32, u32), d: u32) -> bool {
    let (fw, fh) = (u64::from(full.0.max(1)), u64::from(full.1.max(1)));
    let (rw, rh) = (u64::from(reduced(full.0, d)), u64::from(reduced(full.1, d)));
    // out.w / region.w <= rw / fw, and the same for heights.
    u64::from(out.0) * fw <= u64::from(region.0) * rw
        && u64::from(out.1) * fh <= u64::from(region.1) * rh
}

/// What a baseline or progressive JPEG's frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Frame {
    pub width: u32,
    pub height: u32,
    pub precision: u8,
    pub components: u8,
    /// Progressive: decoders keep every coefficient of the whole picture
    /// until the last scan, whatever the scale of the result.
    pub progressive: bool,
}

/// Reads the frame header of a JPEG without decoding anything: `None` when
/// the bytes are not a JPEG, or when no baseline, extended or progressive
/// frame header comes before the first scan.
pub(super) fn frame(bytes: &[u8]) -> Option<Frame> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        match marker {
            // Markers without a length: restart markers, TEM.
            0xD0..=0xD7 | 0x01 => continue,
            // End of image, start of scan: no frame header before them.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
        if len < 2 {
            return None;
        }
        if matches!(marker, 0xC0..=0xC2) {
            let h = bytes.get(at + 2..at + 8)?;
            return Some(Frame {
                precision: h[0],
                height: u32::from(u16::from_be_bytes([h[1], h[2]])),
                width: u32::from(u16::from_be_bytes([h[3], h[4]])),
                components: h[5],
                progressive: marker == 0xC2,
            });
        }
        at += len;
    }
}

/// Whether a JPEG's segments and scans run to its end-of-image marker.
/// Decoders fill what a truncated file lacks with grey or with its first,
/// coarse scans, without a word: this tells an interrupted copy from a
/// whole photo before anything is published. Bytes after the marker (a
/// camera's trailer, a motion photo's video) do not matter.
#[cfg(test)]
pub(super) fn complete(bytes: &[u8]) -> bool {
    scan_bytes(bytes).is_some()
}

/// How many bytes of compressed pixels a JPEG's scans hold, when its
/// segments and scans run to its end-of-image marker (`None` when they do
/// not: the file is truncated).
pub(super) fn scan_bytes(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut total = 0;
    let mut at = 2;
    loop {
        // Stray bytes before a marker are skipped, as decoders do (libjpeg
        // warns of "extraneous bytes"): the question is only whether the
        // file goes on to its end.
        let ff = bytes
            .get(at..)
            .and_then(|rest| memchr::memchr(0xFF, rest))?;
        at += ff;
        // Markers may be padded with any number of 0xFF bytes.
        while bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let &marker = bytes.get(at + 1)?;
        at += 2;
        match marker {
            0xD9 => return Some(total),
            // Markers without a length: restart markers, TEM.
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let len = bytes.get(at..at + 2)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return None;
        }
        at += len;
        if marker != 0xDA {
            continue;
        }
        // A scan's entropy-coded data runs to the next marker: 0xFF then a
        // byte other than a stuffed 0x00, a restart marker or more 0xFF.
        let start = at;
        loop {
            let ff = bytes
                .get(at..)
                .and_then(|rest| memchr::memchr(0xFF, rest))?;
            at += ff;
            match bytes.get(at + 1) {
                None => return None,
                Some(0x00 | 0xD0..=0xD7) => at += 2,
                Some(0xFF) => at += 1,
                Some(_) => break,
            }
        }
        total += at - start;
    }
}

/// Whether `scan` bytes of compressed data can hold a `width` × `height`
/// picture. Every 8×8 block of the first component costs at least one bit
/// (its DC coefficient's code, in any baseline or progressive file): a
/// header claiming more blocks than that is damaged or forged, and
/// decoders would fill the rest with a flat colour.
pub(super) fn holds_its_pixels(width: u32, height: u32, scan: usize) -> bool {
    let blocks = u64::from(width.div_ceil(8)) * u64::from(height.div_ceil(8));
    (scan as u64).saturating_mul(8) >= blocks
}

/// Decodes a JPEG at 1/`d` of its size (`d` = 2, 4 or 8), turned upright
/// by its EXIF orientation; the result must be `upright` (width, height)
/// decoded at that scale. `None` when this file cannot be decoded so (not
/// 8-bit grey or YCbCr, damaged, another size than announced): the caller
/// decodes it whole, which reports what is wrong with it.
pub(super) fn decode_reduced(bytes: &[u8], d: u32, upright: (u32, u32)) -> Option<DynamicImage> {
    let frame = frame(bytes)?;
    if frame.precision != 8 || !matches!(frame.components, 1 | 3) || !REDUCTIONS.contains(&d) {
        return None;
    }
    let (w, h) = (reduced(frame.width, d), reduced(frame.height, d));
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    // The decoded picture, and no more: the header was checked against the
    // pixel limit before, this bounds what the decoder itself allocates.
    decoder.set_max_decoding_buffer_size(
        (w as usize)
            .saturating_mul(h as usize)
            .saturating_mul(usize::from(frame.components)),
    );
    // The decoder picks the smallest scale that reaches the size asked: the
    // exact reduced size is reached at 1/d and at no smaller scale.
    let got = decoder
        .scale(u16::try_from(w).ok()?, u16::try_from(h).ok()?)
        .ok()?;
    if (u32::from(got.0), u32::from(got.1)) != (w, h) {
        return None;
    }
    let pixels = decoder.decode().ok()?;
    let mut img = match frame.components {
        3 => DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, pixels)?),
        _ => DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, pixels)?),
    };
    let orientation = decoder
        .exif_data()
        .and_then(image::metadata::Orientation::from_exif_chunk)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    img.apply_orientation(orientation);
    let expected = (reduced(upright.0, d), reduced(upright.1, d));
    ((img.width(), img.height()) == expected).then_some(img)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn jpeg(w: u32, h: u32, noise: bool) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            if noise {
                let v = ((x * 7919 + y * 104_729) % 251) as u8;
                image::Rgb([v, v.wrapping_add(60), 255 - v])
            } else {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
            }
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    #[test]
    fn reductions_keep_the_floor_and_round_up_as_the_decoder_does() {
        assert_eq!(reduced(6000, 2), 3000);
        assert_eq!(reduced(6001, 2), 3001);
        assert_eq!(reduced(4033, 8), 505);
        // (width, floor) -> reduction
        for (width, floor, d) in [
            (6000, 1600, 2),
            (6400, 1600, 4),
            (12_800, 1600, 8),
            (51_200, 1600, 8),
            (3198, 1600, 1),
            (3199, 1600, 2),
            (1600, 1600, 1),
            (800, 1600, 1),
            (4000, 480, 8),
        ] {
            assert_eq!(reduction(width, floor), d, "{width} wide, floor {floor}");
        }
    }

    #[test]
    fn a_variant_fits_when_the_reduced_source_holds_its_pixels() {
        // 1600 wide from 6000: at 1/2 (3000) yes, at 1/4 (1500) no.
        assert!(fits((6000, 4000), (6000, 4000), (1600, 1067), 2));
        assert!(!fits((6000, 4000), (6000, 4000), (1600, 1067), 4));
        // A card's crop (6000x3150 of the photo) to 1200x630: at 1/4, 1500x788.
        assert!(fits((6000, 4000), (6000, 3150), (1200, 630), 4));
        assert!(!fits((6000, 4000), (6000, 3150), (1200, 630), 8));
        // A small crop of a large photo needs every pixel of it.
        assert!(!fits((6000, 4000), (500, 500), (480, 480), 2));
        assert!(fits((6000, 4000), (1000, 1000), (480, 480), 2));
    }

    #[test]
    fn the_frame_header_is_read_past_other_segments() {
        let mut bytes = jpeg(40, 24, false);
        // A padded comment segment in front of everything.
        let mut with_comment = vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFE, 0x00, 0x05, b'a', b'b', b'c'];
        with_comment.extend_from_slice(&bytes[2..]);
        for b in [&bytes, &with_comment] {
            assert_eq!(
                frame(b),
                Some(Frame {
                    width: 40,
                    height: 24,
                    precision: 8,
                    components: 3,
                    progressive: false,
                })
            );
        }
        // The same header as a progressive one (SOF2).
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let mut progressive = bytes.clone();
        progressive[sof + 1] = 0xC2;
        assert!(frame(&progressive).unwrap().progressive);
        bytes.truncate(20);
        assert_eq!(frame(&bytes), None, "cut before the frame header");
        assert_eq!(frame(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(frame(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), None, "a scan first");
        assert_eq!(
            frame(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            None,
            "a length under 2"
        );
    }

    #[test]
    fn a_reduced_decode_is_the_photo_at_that_scale() {
        let bytes = jpeg(403, 200, false);
        let full = image::load_from_memory(&bytes).unwrap().to_rgb8();
        for d in [2, 4, 8] {
            let img = decode_reduced(&bytes, d, (403, 200)).unwrap().to_rgb8();
            assert_eq!(img.dimensions(), (reduced(403, d), reduced(200, d)));
            // A gradient: each reduced pixel is near the mean of its block.
            let (x, y) = (img.width() / 2, img.height() / 2);
            let p = img.get_pixel(x, y);
            let q = full.get_pixel(x * d + d / 2, y * d + d / 2);
            for c in 0..3 {
                assert!(p[c].abs_diff(q[c]) <= 6, "1/{d}: {p:?} against {q:?}");
            }
        }
        assert!(
            decode_reduced(&bytes, 3, (403, 200)).is_none(),
            "not a DCT scale"
        );
        assert!(
            decode_reduced(&bytes, 2, (200, 403)).is_none(),
            "another size than the one announced"
        );
    }

    #[test]
    fn damaged_files_are_left_to_the_whole_decoder() {
        let bytes = jpeg(64, 64, true);
        let cut = &bytes[..bytes.len() / 2];
        assert!(decode_reduced(cut, 2, (64, 64)).is_none());
        assert!(decode_reduced(b"\xff\xd8\xff\xe0 not really a jpeg", 2, (64, 64)).is_none());
    }

    /// A noisy photo by jpeg-encoder: progressive or baseline, with or
    /// without restart markers.
    fn encoded(progressive: bool, restart: u16) -> Vec<u8> {
        let (w, h) = (72u16, 40u16);
        let rgb: Vec<u8> = (0..u32::from(w) * u32::from(h) * 3)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 95);
        e.set_progressive(progressive);
        e.set_restart_interval(restart);
        e.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    #[test]
    fn a_truncated_jpeg_is_told_from_a_whole_one() {
        for bytes in [
            jpeg(64, 48, true),
            encoded(false, 0),
            encoded(true, 0),
            encoded(false, 2),
        ] {
            // Noise at quality 95 has stuffed 0xFF 0x00 bytes in its scans.
            assert!(bytes.windows(2).any(|w| w == [0xFF, 0x00]));
            assert!(complete(&bytes));
            // Every cut short of the end-of-image marker.
            for cut in 0..bytes.len() {
                assert!(!complete(&bytes[..cut]), "cut at {cut} of {}", bytes.len());
            }
            // Stray bytes between two segments.
            let mut stray = bytes[..2].to_vec();
            stray.extend_from_slice(b"\0\0\x01");
            stray.extend_from_slice(&bytes[2..]);
            assert!(complete(&stray));
            assert!(!complete(&stray[..stray.len() - 1]));
            // A trailer after the end of the image (a motion photo's video).
            let mut trailer = bytes.clone();
            trailer.extend_from_slice(b"\0\0\0\x18ftypmp42\xFF\xD8\xFF");
            assert!(complete(&trailer));
        }
        let restarts = encoded(false, 2);
        assert!(
            restarts
                .windows(2)
                .any(|w| (0xD0..=0xD7).contains(&w[1]) && w[0] == 0xFF),
            "the file has restart markers"
        );
        assert!(!complete(b"\x89PNG\r\n\x1a\n"));
    }

    #[test]
    fn a_header_claiming_more_pixels_than_the_data_holds_is_told() {
        for bytes in [jpeg(64, 48, true), encoded(false, 0), encoded(true, 0)] {
            let f = frame(&bytes).unwrap();
            let scan = scan_bytes(&bytes).unwrap();
            assert!(
                holds_its_pixels(f.width, f.height, scan),
                "{}×{}",
                f.width,
                f.height
            );
            // The same data under a header that claims 4000×3000.
            assert!(!holds_its_pixels(4000, 3000, scan));
        }
        let smooth = jpeg(640, 480, false);
        let f = frame(&smooth).unwrap();
        assert!(holds_its_pixels(
            f.width,
            f.height,
            scan_bytes(&smooth).unwrap()
        ));
        // One bit per 8×8 block is enough; less is not.
        assert!(holds_its_pixels(64, 64, 8));
        assert!(!holds_its_pixels(64, 64, 7));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
        /// Hostile bytes never panic the header reader or the decoder.
        #[test]
        fn damaged_bytes_never_panic(
            flips in proptest::collection::vec((0usize..4000, any::<u8>()), 1..12),
            cut in 0usize..4000,
        ) {
            let mut bytes = jpeg(48, 32, true);
            for (at, v) in flips {
                let n = bytes.len();
                bytes[at % n] = v;
            }
            bytes.truncate(cut.max(2));
            let _ = frame(&bytes);
            let _ = complete(&bytes);
            let _ = decode_reduced(&bytes, 2, (48, 32));
        }
    }
}
