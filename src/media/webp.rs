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
    let config = settings(quality, effort)?;
    Picture::import(pixels, w, h, bpp, Planes::Yuv)?.encode(&config, w, h)
}

/// libwebp's settings for `quality` and `effort`, checked by libwebp.
fn settings(quality: u8, effort: u8) -> Result<sys::WebPConfig, String> {
    let mut config = sys::WebPConfig::new().map_err(|()| NO_ENCODER.to_string())?;
    config.quality = f32::from(quality.min(100));
    config.method = i32::from(effort.min(6));
    // SAFETY: `config` was initialised by libwebp for this version.
    if unsafe { sys::WebPValidateConfig(&config) } == 0 {
        return Err(format!(
            "the WebP settings (quality {quality}, effort {effort}) were refused"
        ));
    }
    Ok(config)
}

const NO_ENCODER: &str = "the WebP encoder could not start: reinstall blason";

/// How a picture holds its pixels until it is encoded.
#[derive(Clone, Copy)]
enum Planes {
    /// The YUV planes libwebp encodes, converted as they are imported.
    Yuv,
    /// A 4-byte ARGB copy, converted when encoding: libwebp's general
    /// path, which the tests compare with.
    #[cfg(test)]
    Argb,
}

/// libwebp's largest side.
const MAX_SIDE: u32 = 16383;

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
    /// A picture of `w`×`h` pixels of `bpp` bytes (3: RGB, 4: RGBA), copied
    /// from `pixels`; what cannot be such a picture is refused before
    /// libwebp reads it.
    fn import(
        pixels: &[u8],
        w: u32,
        h: u32,
        bpp: usize,
        planes: Planes,
    ) -> Result<Picture, String> {
        if w == 0 || h == 0 {
            return Err(format!("a {w}×{h} WebP cannot be made: it has no pixels"));
        }
        if w > MAX_SIDE || h > MAX_SIDE {
            return Err(too_large(w, h));
        }
        // Both sides are at most 16383, so these fit an i32 and a usize.
        let stride = w as usize * bpp;
        let needed = stride.checked_mul(h as usize);
        if bpp != 3 && bpp != 4 || needed.is_none_or(|n| pixels.len() < n) {
            return Err(format!(
                "{} bytes cannot be a {w}×{h} picture of {bpp} bytes a pixel",
                pixels.len()
            ));
        }
        let mut picture = Picture(sys::WebPPicture::new().map_err(|()| NO_ENCODER.to_string())?);
        let pic = &mut picture.0;
        pic.use_argb = match planes {
            Planes::Yuv => 0,
            #[cfg(test)]
            Planes::Argb => 1,
        };
        pic.width = w as i32;
        pic.height = h as i32;
        // SAFETY: `pixels` holds `h` rows of `stride` bytes (checked above)
        // and outlives the call; libwebp copies them into the picture.
        let imported = unsafe {
            if bpp == 4 {
                sys::WebPPictureImportRGBA(pic, pixels.as_ptr(), stride as i32)
            } else {
                sys::WebPPictureImportRGB(pic, pixels.as_ptr(), stride as i32)
            }
        };
        if imported == 0 {
            return Err(error_text(pic.error_code, w, h));
        }
        Ok(picture)
    }

    /// The picture (`w`×`h`, for messages) encoded with `config`.
    fn encode(mut self, config: &sys::WebPConfig, w: u32, h: u32) -> Result<Vec<u8>, String> {
        let mut writer = Writer::new();
        let pic = &mut self.0;
        pic.writer = Some(sys::WebPMemoryWrite);
        pic.custom_ptr = (&raw mut writer.0).cast();
        // SAFETY: the picture holds its pixels, the writer outlives the call
        // and is the one `WebPMemoryWrite` is given.
        let done = unsafe { sys::WebPEncode(config, pic) };
        if done == 0 {
            return Err(error_text(pic.error_code, w, h));
        }
        let written = &writer.0;
        if written.mem.is_null() || written.size == 0 {
            return Err("this photo could not be saved as WebP (nothing was written)".to_string());
        }
        // SAFETY: libwebp wrote `size` bytes at `mem`, freed by `Writer`'s drop.
        Ok(unsafe { std::slice::from_raw_parts(written.mem, written.size) }.to_vec())
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
        // Zeroed first: `WebPMemoryWriterInit` leaves the padding field as
        // it finds it.
        let mut writer = std::mem::MaybeUninit::<sys::WebPMemoryWriter>::zeroed();
        // SAFETY: every field is an integer or a pointer, for which zero is
        // a value; `WebPMemoryWriterInit` sets the ones libwebp reads.
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

    /// The general-purpose way: import as ARGB, which `WebPEncode` then
    /// converts to YUV itself.
    fn through_argb(pixels: &[u8], w: u32, h: u32, bpp: usize) -> Vec<u8> {
        let picture = Picture::import(pixels, w, h, bpp, Planes::Argb).unwrap();
        picture.encode(&settings(75, 2).unwrap(), w, h).unwrap()
    }

    #[test]
    fn the_same_bytes_as_through_an_argb_copy() {
        // Odd sides (a last row and column of their own in the chroma
        // planes), opaque RGB, and RGBA half translucent.
        for (w, h) in [(97, 61), (64, 48), (1, 1)] {
            let rgb = gradient(w, h, 3);
            assert_eq!(
                encode(&rgb, w, h, 3, 75, 2).unwrap(),
                through_argb(&rgb, w, h, 3),
                "RGB {w}×{h}"
            );
            let rgba = gradient(w, h, 4);
            assert_eq!(
                encode(&rgba, w, h, 4, 75, 2).unwrap(),
                through_argb(&rgba, w, h, 4),
                "RGBA {w}×{h}"
            );
        }
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
    fn refuses_what_cannot_be_a_picture_before_libwebp_reads_it() {
        let short = vec![0u8; 10];
        let e = encode(&short, 100, 100, 3, 75, 2).unwrap_err();
        assert!(e.contains("cannot be a 100×100 picture"), "{e}");
        let e = encode(&short, 0, 5, 3, 75, 2).unwrap_err();
        assert!(e.contains("no pixels"), "{e}");
        // Too short for the size it claims: refused here, not read past.
        let e = encode(&short, 16383, 16383, 4, 75, 2).unwrap_err();
        assert!(e.contains("cannot be a 16383×16383 picture"), "{e}");
        let e = encode(&short, 16384, 1, 3, 75, 2).unwrap_err();
        assert!(e.contains("at most 16383 pixels"), "{e}");
        // The largest side libwebp takes is encoded.
        let edge = gradient(16383, 2, 3);
        assert!(encode(&edge, 16383, 2, 3, 75, 0).is_ok());
    }
}
