//! Figures the writers cannot take as they are, converted once when the
//! survey is read, so that every writer (PDF, PPTX, handouts, previews)
//! draws the same upright RGB image:
//!
//! - GIF (its first frame), WebP and BMP become PNG (lossless);
//! - a CMYK JPEG becomes an RGB JPEG: PDF/A needs a CMYK profile that
//!   surveydeck does not ship, and viewers disagree about CMYK JPEGs;
//! - an image whose EXIF orientation says it is stored sideways or mirrored
//!   is turned upright (a JPEG is re-encoded at high quality, a PNG stays
//!   lossless), so writers need not know about EXIF at all.
//!
//! Everything else (most figures) goes through untouched.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat as Codec, ImageReader};

use crate::pages::ImageFormat;

/// Quality of a re-encoded JPEG: high enough that one more generation
/// cannot be seen.
const JPEG_QUALITY: u8 = 92;

/// The formats read only by converting them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    Gif,
    WebP,
    Bmp,
}

impl Foreign {
    /// The format of `bytes` when it is one of these, from its signature.
    pub fn sniff(bytes: &[u8]) -> Option<Foreign> {
        if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Foreign::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Foreign::WebP)
        } else if bytes.starts_with(b"BM") && bytes.len() >= 26 {
            Some(Foreign::Bmp)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Foreign::Gif => "GIF",
            Foreign::WebP => "WebP",
            Foreign::Bmp => "BMP",
        }
    }

    fn codec(self) -> Codec {
        match self {
            Foreign::Gif => Codec::Gif,
            Foreign::WebP => Codec::WebP,
            Foreign::Bmp => Codec::Bmp,
        }
    }
}

/// Width and height from the file's header, before any pixel is decoded
/// (so the size limit is checked first).
pub fn foreign_size(bytes: &[u8], f: Foreign) -> Result<(u32, u32), String> {
    ImageReader::with_format(Cursor::new(bytes), f.codec())
        .into_dimensions()
        .map_err(|e| format!("unreadable or corrupt {} image: {e}", f.name()))
}

/// A GIF (first frame), WebP or BMP file as a PNG, upright.
pub fn foreign_to_png(bytes: &[u8], f: Foreign) -> Result<(Vec<u8>, u32, u32), String> {
    let img = decode_upright(bytes, f.codec())
        .map_err(|e| format!("unreadable or corrupt {} image: {e}", f.name()))?;
    encode(img, ImageFormat::Png)
}

/// A JPEG that is CMYK or not upright, as an upright RGB (or grey) JPEG.
pub fn fix_jpeg(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), String> {
    let img = decode_upright(bytes, Codec::Jpeg)
        .map_err(|e| format!("unreadable or corrupt image: {e}"))?;
    encode(img, ImageFormat::Jpeg)
}

/// A PNG whose EXIF orientation is not upright, as an upright PNG.
pub fn upright_png(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), String> {
    let img = decode_upright(bytes, Codec::Png)
        .map_err(|e| format!("unreadable or corrupt image: {e}"))?;
    encode(img, ImageFormat::Png)
}

/// The EXIF orientation in an APP1 segment's body (`Exif\0\0` and a TIFF
/// structure), when it is there and says anything but "upright".
pub fn exif_turn(app1: &[u8]) -> Option<Orientation> {
    let tiff = app1.strip_prefix(b"Exif\0\0")?;
    Orientation::from_exif_chunk(tiff).filter(|o| *o != Orientation::NoTransforms)
}

fn decode_upright(bytes: &[u8], codec: Codec) -> image::ImageResult<DynamicImage> {
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), codec).into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut img = DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Encodes in 8 bits per channel: PNG keeps alpha; JPEG is RGB or grey.
fn encode(img: DynamicImage, format: ImageFormat) -> Result<(Vec<u8>, u32, u32), String> {
    let (w, h) = (img.width(), img.height());
    let grey = !img.color().has_color();
    let alpha = img.color().has_alpha();
    let mut out = Vec::new();
    let result = match format {
        ImageFormat::Png => {
            let img = match (grey, alpha) {
                (true, false) => DynamicImage::ImageLuma8(img.to_luma8()),
                (true, true) => DynamicImage::ImageLumaA8(img.to_luma_alpha8()),
                (false, false) => DynamicImage::ImageRgb8(img.to_rgb8()),
                (false, true) => DynamicImage::ImageRgba8(img.to_rgba8()),
            };
            img.write_to(&mut Cursor::new(&mut out), Codec::Png)
        }
        ImageFormat::Jpeg => {
            let img = if grey {
                DynamicImage::ImageLuma8(img.to_luma8())
            } else {
                DynamicImage::ImageRgb8(img.to_rgb8())
            };
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(
                Cursor::new(&mut out),
                JPEG_QUALITY,
            );
            img.write_with_encoder(enc)
        }
    };
    result.map_err(|e| format!("cannot convert the image: {e}"))?;
    Ok((out, w, h))
}

/// `img` (a PNG) with each pixel drawn as a `k` × `k` block, so that every
/// writer and viewer shows it sharp: PowerPoint and LibreOffice smooth every
/// enlarged picture and have no setting against it.
pub fn enlarge_pixels(bytes: &[u8], k: u32) -> Option<Vec<u8>> {
    let img = image::load_from_memory_with_format(bytes, Codec::Png).ok()?;
    let big = img.resize_exact(
        img.width() * k,
        img.height() * k,
        image::imageops::FilterType::Nearest,
    );
    let mut out = Vec::new();
    big.write_to(&mut Cursor::new(&mut out), Codec::Png).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(img: DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), Codec::Png)
            .unwrap();
        out
    }

    #[test]
    fn signatures() {
        assert_eq!(Foreign::sniff(b"GIF89a\x01\x00"), Some(Foreign::Gif));
        assert_eq!(
            Foreign::sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Some(Foreign::WebP)
        );
        assert_eq!(Foreign::sniff(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(Foreign::sniff(b"BM"), None, "too short for a BMP header");
    }

    #[test]
    fn enlarged_pixels_stay_sharp() {
        let mut img = image::RgbImage::new(2, 1);
        img.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        img.put_pixel(1, 0, image::Rgb([0, 0, 255]));
        let big = enlarge_pixels(&png_of(DynamicImage::ImageRgb8(img)), 5).unwrap();
        let big = image::load_from_memory(&big).unwrap().to_rgb8();
        assert_eq!(big.dimensions(), (10, 5));
        // No blend at the boundary between the two pixels.
        assert_eq!(big.get_pixel(4, 2).0, [255, 0, 0]);
        assert_eq!(big.get_pixel(5, 2).0, [0, 0, 255]);
    }
}
