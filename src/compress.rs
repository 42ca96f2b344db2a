//! Smaller files for e-mail: images downsampled to a target resolution at
//! their placed size, photos re-encoded as JPEG. A pages → pages transform,
//! so every writer benefits alike.

use std::io::Cursor;
use std::sync::Arc;

use crate::pages::{Document, ImageFormat, Item};

/// Downsamples every image whose resolution at its largest placed size
/// exceeds `dpi`; re-encodes photo-like images as JPEG. Returns how many
/// images changed.
pub fn compress_images(doc: &mut Document, dpi: f32) -> usize {
    let mut placed = vec![(0.0f32, 0.0f32); doc.images.len()];
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Image(im) = item
                && let Some(p) = placed.get_mut(im.image)
            {
                p.0 = p.0.max(im.rect.w);
                p.1 = p.1.max(im.rect.h);
            }
        }
    }
    let mut changed = 0;
    for (data, (w_pt, h_pt)) in doc.images.iter_mut().zip(placed) {
        // Pixel-for-pixel figures are small already; resampling would blur them.
        if w_pt <= 0.0 || data.crisp {
            continue;
        }
        let target_w = (w_pt / 72.0 * dpi).ceil() as u32;
        let target_h = (h_pt / 72.0 * dpi).ceil() as u32;
        let too_big = data.width_px > target_w.max(1) && data.height_px > target_h.max(1);
        let fmt = match data.format {
            ImageFormat::Png => image::ImageFormat::Png,
            ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        };
        let Ok(img) = image::load_from_memory_with_format(&data.bytes, fmt) else {
            continue;
        };
        let photo = data.format == ImageFormat::Png && !img.color().has_alpha() && is_photo(&img);
        if !too_big && !photo {
            continue;
        }
        let img = if too_big {
            img.resize(target_w, target_h, image::imageops::FilterType::Triangle)
        } else {
            img
        };
        let mut out = Vec::new();
        let (format, ok) = if photo || data.format == ImageFormat::Jpeg {
            let rgb = image::DynamicImage::ImageRgb8(img.to_rgb8());
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut out), 85);
            (ImageFormat::Jpeg, rgb.write_with_encoder(enc).is_ok())
        } else {
            (
                ImageFormat::Png,
                img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
                    .is_ok(),
            )
        };
        // Keep the original when re-encoding does not pay.
        if ok && out.len() < data.bytes.len() {
            data.width_px = img.width();
            data.height_px = img.height();
            data.bytes = Arc::new(out);
            data.format = format;
            changed += 1;
        }
    }
    changed
}

/// Many distinct colours in a sample means a photograph, not a diagram.
fn is_photo(img: &image::DynamicImage) -> bool {
    let small = img.thumbnail(64, 64).to_rgb8();
    let mut colours: Vec<[u8; 3]> = small
        .pixels()
        .map(|p| [p[0] & 0xF8, p[1] & 0xF8, p[2] & 0xF8])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len() > 512
}
