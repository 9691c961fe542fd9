//! Lossy WebP encoding through libwebp.
//!
//! The pixels are handed to libwebp as the YUV planes it encodes, converted
//! from RGB(A) in one pass (libwebp's vectorised converter for RGB), without
//! the 4-byte-per-pixel ARGB copy a general-purpose wrapper makes first. The
//! bytes are the same as through that copy; the copy, its page faults and a
//! second conversion pass are what is saved.

use libwebp_sys as sys;

/// Encodes `w`×`h` pixels of `bpp` bytes (3: RGB, 4: RGBA) as lossy WebP at
/// `quality` (0–100) with libwebp's `method` `effort` (0–6).
pub(super) fn encode(
    pixels: &[u8],
    w: u32,
    h: u32,
    bpp: usize,
    quality: u8,
    effort: u8,
) -> Result<Vec<u8>, String> {
    let (wi, hi) = match (i32::try_from(w), i32::try_from(h)) {
        (Ok(wi), Ok(hi)) if wi > 0 && hi > 0 => (wi, hi),
        _ => return Err(too_large(w, h)),
    };
    let stride = usize::try_from(w)
        .ok()
        .and_then(|w| w.checked_mul(bpp))
        .ok_or_else(|| too_large(w, h))?;
    if bpp != 3 && bpp != 4 || pixels.len() < stride * h as usize {
        return Err(format!(
            "{} bytes cannot be a {w}×{h} picture of {bpp} bytes a pixel",
            pixels.len()
        ));
    }
    let stride = i32::try_from(stride).map_err(|_| too_large(w, h))?;

    let mut config = sys::WebPConfig::new()
        .map_err(|()| "the WebP encoder could not start: reinstall blason".to_string())?;
    config.quality = f32::from(quality.min(100));
    config.method = i32::from(effort.min(6));
    // SAFETY: `config` was initialised by libwebp for this version.
    if unsafe { sys::WebPValidateConfig(&config) } == 0 {
        return Err(format!(
            "the WebP settings (quality {quality}, effort {effort}) were refused"
        ));
    }

    let mut picture = Picture::new()?;
    let pic = &mut picture.0;
    pic.use_argb = 0;
    pic.width = wi;
    pic.height = hi;
    // SAFETY: `pixels` holds `h` rows of `stride` bytes (checked above) and
    // outlives the call; libwebp copies them into the picture's own planes.
    let imported = unsafe {
        if bpp == 4 {
            sys::WebPPictureImportRGBA(pic, pixels.as_ptr(), stride)
        } else {
            sys::WebPPictureImportRGB(pic, pixels.as_ptr(), stride)
        }
    };
    if imported == 0 {
        return Err(error_text(pic.error_code, w, h));
    }

    let mut writer = Writer::new();
    pic.writer = Some(sys::WebPMemoryWrite);
    pic.custom_ptr = (&raw mut writer.0).cast();
    // SAFETY: the picture holds its planes, the writer outlives the call and
    // is the one `WebPMemoryWrite` is given.
    let done = unsafe { sys::WebPEncode(&config, pic) };
    if done == 0 {
        return Err(error_text(pic.error_code, w, h));
    }
    let written = &writer.0;
    if written.mem.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: libwebp wrote `size` bytes at `mem`, freed by `Writer`'s drop.
    Ok(unsafe { std::slice::from_raw_parts(written.mem, written.size) }.to_vec())
}

fn too_large(w: u32, h: u32) -> String {
    format!("a {w}×{h} WebP cannot be made: WebP images are at most 16383 pixels a side")
}

fn error_text(code: sys::WebPEncodingError, w: u32, h: u32) -> String {
    use sys::WebPEncodingError as E;
    match code {
        E::VP8_ENC_ERROR_BAD_DIMENSION => too_large(w, h),
        E::VP8_ENC_ERROR_OUT_OF_MEMORY | E::VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY => {
            "there was not enough memory to save this photo as WebP".to_string()
        }
        other => format!("this photo could not be saved as WebP ({other:?})"),
    }
}

/// A picture whose planes libwebp frees when it is dropped.
struct Picture(sys::WebPPicture);

impl Picture {
    fn new() -> Result<Picture, String> {
        sys::WebPPicture::new()
            .map(Picture)
            .map_err(|()| "the WebP encoder could not start: reinstall blason".to_string())
    }
}

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: the picture was initialised by libwebp; freeing planes it
        // never allocated is a no-op.
        unsafe { sys::WebPPictureFree(&mut self.0) }
    }
}

/// The memory libwebp writes the encoded bytes into, freed when dropped.
struct Writer(sys::WebPMemoryWriter);

impl Writer {
    fn new() -> Writer {
        let mut writer = std::mem::MaybeUninit::<sys::WebPMemoryWriter>::uninit();
        // SAFETY: `WebPMemoryWriterInit` sets every field.
        unsafe {
            sys::WebPMemoryWriterInit(writer.as_mut_ptr());
            Writer(writer.assume_init())
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // SAFETY: initialised by `WebPMemoryWriterInit`; frees what was written.
        unsafe { sys::WebPMemoryWriterClear(&mut self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32, bpp: usize) -> Vec<u8> {
        let mut px = Vec::with_capacity(w as usize * h as usize * bpp);
        for y in 0..h {
            for x in 0..w {
                px.extend_from_slice(&[(x * 255 / w) as u8, (y * 255 / h) as u8, 96]);
                if bpp == 4 {
                    px.push(if x < w / 2 { 255 } else { 128 });
                }
            }
        }
        px
    }

    fn decoded(bytes: &[u8]) -> image::DynamicImage {
        image::load_from_memory_with_format(bytes, image::ImageFormat::WebP).unwrap()
    }

    #[test]
    fn encodes_rgb_and_rgba_that_decode_to_the_picture() {
        let rgb = gradient(120, 80, 3);
        let out = encode(&rgb, 120, 80, 3, 90, 2).unwrap();
        assert_eq!(&out[..4], b"RIFF");
        assert_eq!(&out[8..12], b"WEBP");
        let back = decoded(&out).to_rgb8();
        assert_eq!(back.dimensions(), (120, 80));
        // Lossy, but close: the corner colours survive.
        let px = back.get_pixel(110, 70);
        assert!(px[0] > 200 && px[1] > 180, "{px:?}");
        let px = back.get_pixel(5, 5);
        assert!(px[0] < 40 && px[1] < 40, "{px:?}");

        let rgba = gradient(64, 48, 4);
        let back = decoded(&encode(&rgba, 64, 48, 4, 90, 2).unwrap()).to_rgba8();
        assert_eq!(back.dimensions(), (64, 48));
        assert_eq!(back.get_pixel(2, 2)[3], 255, "opaque half");
        let a = back.get_pixel(60, 2)[3];
        assert!(
            (120..=136).contains(&a),
            "translucent half kept its alpha: {a}"
        );
    }

    #[test]
    fn effort_and_quality_reach_the_encoder() {
        let rgb = gradient(200, 150, 3);
        let low = encode(&rgb, 200, 150, 3, 20, 2).unwrap();
        let high = encode(&rgb, 200, 150, 3, 95, 2).unwrap();
        assert!(low.len() < high.len(), "{} < {}", low.len(), high.len());
        assert_ne!(
            encode(&rgb, 200, 150, 3, 75, 0).unwrap(),
            encode(&rgb, 200, 150, 3, 75, 6).unwrap()
        );
    }

    #[test]
    fn refuses_what_cannot_be_a_picture_without_calling_libwebp_on_it() {
        let short = vec![0u8; 10];
        let e = encode(&short, 100, 100, 3, 75, 2).unwrap_err();
        assert!(e.contains("cannot be a 100×100 picture"), "{e}");
        let e = encode(&short, 0, 5, 3, 75, 2).unwrap_err();
        assert!(e.contains("16383"), "{e}");
        let big = vec![0u8; 16384 * 3];
        let e = encode(&big, 16384, 1, 3, 75, 2).unwrap_err();
        assert!(e.contains("at most 16383 pixels"), "{e}");
    }
}
