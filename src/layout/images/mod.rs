//! Figures: read once per distinct file, checked before anything decodes
//! them, converted when a writer could not take them as they are (see
//! `convert`), and fitted to their boxes (see `fit`).

mod convert;

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::pages::{ImageData, ImageFormat};
use convert::Foreign;
pub use convert::enlarge_pixels;

/// Images above this many pixels are refused before decoding (a
/// decompression bomb costs memory in every consumer of the output too).
pub const MAX_PIXELS: u64 = 40_000_000;

/// A figure's content after checking: its format and pixel size as the
/// writers will see them (upright), and the converted file when it had to be
/// converted (`None`: the file's own bytes are used).
#[derive(Debug)]
pub struct Checked {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    pub converted: Option<Vec<u8>>,
}

/// A file's bytes with its format and pixel size, or why it cannot be used.
type Read = Result<(Vec<u8>, (ImageFormat, u32, u32)), String>;

#[derive(Default)]
pub struct Images {
    pub list: Vec<ImageData>,
    by_path: HashMap<PathBuf, usize>,
    /// Files read and checked ahead of time, in parallel.
    ready: HashMap<PathBuf, Read>,
    /// After `prepare`: each path's index in `list`, or why it is unusable.
    resolved: HashMap<PathBuf, Result<usize, String>>,
}

impl Images {
    /// Reads and checks every path (in parallel), then numbers the images in
    /// the order given, so that slides can be laid out in parallel against a
    /// fixed, deterministic image list.
    pub fn prepare(&mut self, paths: Vec<PathBuf>) {
        self.preload(paths.clone());
        for p in paths {
            let r = self.load(&p);
            self.resolved.insert(p, r);
        }
    }

    /// The index of a prepared image, or why it cannot be used.
    pub fn get(&self, path: &Path) -> Result<usize, String> {
        self.resolved
            .get(path)
            .cloned()
            .unwrap_or_else(|| Err(format!("figure {} was not read", path.display())))
    }

    /// Reads and checks `paths` on all cores (decoding is most of the cost),
    /// so `load` later only files the results in order.
    fn preload(&mut self, paths: Vec<PathBuf>) {
        let results: Vec<_> = paths
            .into_par_iter()
            .map(|p| {
                let r = read_checked(&p);
                (p, r)
            })
            .collect();
        self.ready.extend(results);
    }

    /// The index of the image at `path`, reading and checking it the first time.
    fn load(&mut self, path: &Path) -> Result<usize, String> {
        if let Some(&i) = self.by_path.get(path) {
            return Ok(i);
        }
        let (bytes, data) = match self.ready.remove(path) {
            Some(r) => r?,
            None => read_checked(path)?,
        };
        // The same content under two names is stored once.
        if let Some(i) = self.list.iter().position(|d| *d.bytes == bytes) {
            self.by_path.insert(path.to_path_buf(), i);
            return Ok(i);
        }
        self.list.push(ImageData {
            bytes: Arc::new(bytes),
            format: data.0,
            width_px: data.1,
            height_px: data.2,
            path: path.to_path_buf(),
            crisp: false,
        });
        let i = self.list.len() - 1;
        self.by_path.insert(path.to_path_buf(), i);
        Ok(i)
    }
}

/// Points per pixel at a figure's natural size: 96 pixels per inch, the
/// size a browser shows an image at.
pub const NATURAL: f32 = 0.75;
/// A figure is enlarged at most this many times its natural size (3 pt per
/// pixel); a small image in a large box is drawn smaller than the box.
pub const MAX_ENLARGE: f32 = 4.0;
/// Enlarged more than this many times its natural size, a PNG (or a
/// converted GIF, WebP or BMP: icons, diagrams, pixel art) is drawn pixel for
/// pixel: smoothing would blur each pixel over several screen pixels.
/// Photos (JPEG) stay smooth.
pub const CRISP_ABOVE: f32 = 2.0;
/// Thinner than this, in points, a figure may not show at all (one pixel of
/// a full-HD projector on a 960 pt wide slide).
pub const HAIRLINE: f32 = 0.5;
/// A pixel-for-pixel figure is enlarged in the file until each of its pixels
/// is this many output pixels per point (144 dpi), at most to this side.
const CRISP_PX_PER_PT: f32 = 2.0;
const CRISP_MAX_SIDE: u32 = 2048;

/// A figure's drawn size in a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub w: f32,
    pub h: f32,
    /// How many times its natural size it is drawn.
    pub enlarged: f32,
    /// The box would have enlarged it more than `MAX_ENLARGE` times.
    pub limited: bool,
}

/// The largest size with the image's aspect ratio that fits `w` × `h`, but
/// never more than `MAX_ENLARGE` times the natural size.
pub fn fit(px: (u32, u32), w: f32, h: f32) -> Fit {
    let (pw, ph) = (px.0.max(1) as f32, px.1.max(1) as f32);
    let scale = (w / pw).min(h / ph).max(0.0);
    let max = NATURAL * MAX_ENLARGE;
    let s = scale.min(max);
    Fit {
        w: pw * s,
        h: ph * s,
        enlarged: s / NATURAL,
        limited: scale > max * 1.001,
    }
}

/// Marks the PNGs drawn more than `CRISP_ABOVE` times their natural size as
/// pixel-for-pixel and enlarges their pixels in the file, for the writers
/// and viewers that smooth every image (see `convert::enlarge_pixels`).
/// `largest` is each image's largest drawn size in points per pixel.
pub fn sharpen(list: &mut [ImageData], largest: &[f32]) {
    for (d, &pt_per_px) in list.iter_mut().zip(largest) {
        if d.format != ImageFormat::Png || pt_per_px / NATURAL <= CRISP_ABOVE {
            continue;
        }
        d.crisp = true;
        let side = d.width_px.max(d.height_px).max(1);
        let k = ((pt_per_px * CRISP_PX_PER_PT).ceil() as u32).min(CRISP_MAX_SIDE / side);
        if k >= 2
            && let Some(bytes) = enlarge_pixels(&d.bytes, k)
        {
            d.bytes = Arc::new(bytes);
            d.width_px *= k;
            d.height_px *= k;
        }
    }
}

/// What a figure's drawn size deserves saying: enlarged less than its box
/// asks (and perhaps pixel for pixel), or so thin it may vanish.
pub fn size_warnings(
    f: &crate::document::Figure,
    px: (u32, u32),
    format: ImageFormat,
    fit: &Fit,
    area: (f32, f32),
    survey: &Path,
) -> Diagnostics {
    let mut d = Diagnostics::default();
    let name = f.path.file_name().unwrap_or_default().to_string_lossy();
    let (pw, ph) = px;
    let crisp = format == ImageFormat::Png && fit.enlarged > CRISP_ABOVE;
    let how = if crisp { " and pixel for pixel" } else { "" };
    if fit.limited {
        // The pixels that would fill the box at twice the natural size.
        let need =
            |box_pt: f32, side: u32| ((box_pt / NATURAL * CRISP_ABOVE).ceil() as u32).max(side);
        let scale = (area.0 / pw.max(1) as f32).min(area.1 / ph.max(1) as f32);
        let (nw, nh) = (need(pw as f32 * scale, pw), need(ph as f32 * scale, ph));
        d.push(
            Diagnostic::warning(format!(
                "figure `{name}` is small ({pw} × {ph} pixels): drawn {:.0} × {:.0} pt, {} times its natural size{how}, not filling its {:.0} × {:.0} pt space",
                fit.w, fit.h, MAX_ENLARGE, area.0, area.1
            ))
            .at(survey, f.pos)
            .help(format!(
                "figures are enlarged at most {MAX_ENLARGE} times (96 pixels per inch is natural size); to fill the space, use an image of about {nw} × {nh} pixels or more"
            )),
        );
    } else if crisp {
        d.push(
            Diagnostic::note(format!(
                "figure `{name}` ({pw} × {ph} pixels) is enlarged {:.1} times: drawn pixel for pixel, not smoothed",
                fit.enlarged
            ))
            .at(survey, f.pos),
        );
    }
    let thin = fit.w.min(fit.h);
    if thin < HAIRLINE {
        let side = if fit.w < fit.h { "wide" } else { "high" };
        d.push(
            Diagnostic::warning(format!(
                "figure `{name}` ({pw} × {ph} pixels) is drawn {thin:.2} pt {side}, thinner than a hairline ({HAIRLINE} pt): it may not show at all"
            ))
            .at(survey, f.pos)
            .help("crop the image to what matters, or pad it to a less extreme shape"),
        );
    }
    d
}

fn read_checked(path: &Path) -> Read {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read figure {name}: {e}"))?;
    let c = check(&bytes).map_err(|e| format!("figure {name}: {e}"))?;
    Ok((c.converted.unwrap_or(bytes), (c.format, c.width, c.height)))
}

/// Format and pixel size, after checking the file decodes, and the
/// converted file when the writers cannot take this one as it is.
///
/// A truncated or corrupt file fails here with its name, not later inside a
/// writer, and the size limit is checked before any pixel is decoded. PNG
/// rows are inflated and unfiltered (no palette or bit-depth expansion),
/// which finds every corruption the writers could meet at a third of the
/// cost of a full decode. JPEG is never decoded by the writers (both pass it
/// through), so its segment structure is checked instead: that finds
/// truncation and kinds viewers cannot show, at a tenth of the cost of
/// decoding. Only files that need converting are decoded in full.
pub fn check(bytes: &[u8]) -> Result<Checked, String> {
    let corrupt = |e: &dyn std::fmt::Display| format!("unreadable or corrupt image: {e}");
    let as_is = |format, (width, height)| Checked {
        format,
        width,
        height,
        converted: None,
    };
    let converted = |format, (bytes, width, height)| Checked {
        format,
        width,
        height,
        converted: Some(bytes),
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut decoder = png::Decoder::new(Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().map_err(|e| corrupt(&e))?;
        let (w, h) = (reader.info().width, reader.info().height);
        within_limits(w, h)?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| corrupt(&"no size"))?;
        let mut buf = vec![0; size];
        reader.next_frame(&mut buf).map_err(|e| corrupt(&e))?;
        // An eXIf chunk may say the image is stored sideways (rare in PNG).
        let turned = reader.info().exif_metadata.as_deref().is_some_and(|x| {
            image::metadata::Orientation::from_exif_chunk(x)
                .is_some_and(|o| o != image::metadata::Orientation::NoTransforms)
        });
        if turned {
            return Ok(converted(ImageFormat::Png, convert::upright_png(bytes)?));
        }
        Ok(as_is(ImageFormat::Png, (w, h)))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let j = jpeg_structure(bytes)?;
        within_limits(j.width, j.height)?;
        if j.components == 4 || j.turned {
            return Ok(converted(ImageFormat::Jpeg, convert::fix_jpeg(bytes)?));
        }
        Ok(as_is(ImageFormat::Jpeg, (j.width, j.height)))
    } else if let Some(f) = Foreign::sniff(bytes) {
        let (w, h) = convert::foreign_size(bytes, f)?;
        within_limits(w, h)?;
        Ok(converted(
            ImageFormat::Png,
            convert::foreign_to_png(bytes, f)?,
        ))
    } else {
        Err("not a PNG, JPEG, GIF, WebP or BMP file (unrecognised content)".into())
    }
}

fn within_limits(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err("the image is empty (0 pixels)".into());
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "the image is too large ({w} × {h} pixels; the limit is {} megapixels)",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

/// What the segment walk learns about a JPEG.
#[derive(Debug, PartialEq)]
struct Jpeg {
    width: u32,
    height: u32,
    /// 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK.
    components: u8,
    /// The EXIF orientation says it is stored sideways or mirrored.
    turned: bool,
}

/// Walks a JPEG's segments and entropy-coded data (ITU T.81, annex B) to its
/// end-of-image marker, and returns the frame's size and kind.
/// Hand-written because the decoders only check a file by decoding it all.
fn jpeg_structure(bytes: &[u8]) -> Result<Jpeg, String> {
    let corrupt = |what: &str| format!("unreadable or corrupt image: {what}");
    let truncated = || corrupt("the JPEG data ends early (a truncated file?)");
    let mut at = 2; // after SOI
    let mut frame = None;
    let mut turned = false;
    loop {
        // A marker: 0xFF (fill bytes allowed), then its code.
        if bytes.get(at) != Some(&0xFF) {
            return Err(if at >= bytes.len() {
                truncated()
            } else {
                corrupt("a JPEG segment is damaged")
            });
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else {
            return Err(truncated());
        };
        at += 1;
        match code {
            0xD9 => {
                let (width, height, components) =
                    frame.ok_or_else(|| corrupt("the JPEG has no frame header"))?;
                return Ok(Jpeg {
                    width,
                    height,
                    components,
                    turned,
                });
            }
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let len = match bytes.get(at..at + 2) {
            Some(l) => usize::from(u16::from_be_bytes([l[0], l[1]])),
            None => return Err(truncated()),
        };
        if len < 2 {
            return Err(corrupt("a JPEG segment is damaged"));
        }
        let body = bytes.get(at + 2..at + len).ok_or_else(truncated)?;
        at += len;
        match code {
            0xC0..=0xC2 => {
                let [precision, h1, h0, w1, w0, components, ..] = body else {
                    return Err(corrupt("a JPEG frame header is damaged"));
                };
                if *precision != 8 {
                    return Err("the JPEG has more than 8 bits per sample, which PDF and PowerPoint cannot show; re-save it as an ordinary JPEG".into());
                }
                let side = |hi: u8, lo: u8| u32::from(u16::from_be_bytes([hi, lo]));
                frame = Some((side(*w1, *w0), side(*h1, *h0), *components));
            }
            0xE1 => turned |= convert::exif_turn(body).is_some(),
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err("the JPEG uses lossless, hierarchical or arithmetic coding, which many viewers cannot show; re-save it as an ordinary (baseline or progressive) JPEG".into());
            }
            0xDA => {
                if frame.is_none() {
                    return Err(corrupt("JPEG image data comes before its frame header"));
                }
                // Entropy-coded data runs to the next marker that is not a
                // stuffed 0xFF00 or a restart marker.
                loop {
                    let ff = bytes[at..]
                        .iter()
                        .position(|&b| b == 0xFF)
                        .ok_or_else(truncated)?;
                    at += ff;
                    match bytes.get(at + 1) {
                        None => return Err(truncated()),
                        Some(0x00 | 0xD0..=0xD7) => at += 2,
                        Some(0xFF) => at += 1,
                        Some(_) => break,
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpegs() -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("samples/figures"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
            .collect();
        files.push(root.join("tests/fixtures/progressive.jpg"));
        files
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect()
    }

    #[test]
    fn whole_jpegs_pass_and_every_truncation_fails() {
        let all = jpegs();
        assert!(all.len() > 10);
        for (name, bytes) in &all {
            assert_eq!(
                check(bytes).map(|c| c.format).ok(),
                Some(ImageFormat::Jpeg),
                "{name}"
            );
            // Trailing bytes after the end marker are harmless.
            let mut padded = bytes.clone();
            padded.extend_from_slice(&[0; 16]);
            assert!(jpeg_structure(&padded).is_ok(), "{name} padded");
            for cut in (3..bytes.len()).step_by(7).chain([bytes.len() - 1]) {
                let e = jpeg_structure(&bytes[..cut]).expect_err(&format!("{name} cut at {cut}"));
                assert!(e.contains("corrupt"), "{name} cut at {cut}: {e}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// Damaged files (bytes overwritten, cut anywhere) give an answer,
        /// never a panic.
        #[test]
        fn damaged_jpegs_never_panic(
            file: proptest::sample::Index,
            edits: Vec<(proptest::sample::Index, u8)>,
            cut: proptest::sample::Index,
        ) {
            static FILES: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
            let files = FILES.get_or_init(jpegs);
            let mut b = file.get(files).1.clone();
            for (at, byte) in edits.iter().take(4) {
                let i = at.index(b.len());
                b[i] = *byte;
            }
            b.truncate(1 + cut.index(b.len()));
            let _ = check(&b);
        }
    }

    #[test]
    fn jpeg_kinds_viewers_cannot_show_are_refused() {
        let (_, bytes) = &jpegs()[0];
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let mut arithmetic = bytes.clone();
        arithmetic[sof + 1] = 0xC9;
        assert!(
            jpeg_structure(&arithmetic)
                .unwrap_err()
                .contains("arithmetic")
        );
        let mut twelve_bit = bytes.clone();
        twelve_bit[sof + 4] = 12;
        assert!(jpeg_structure(&twelve_bit).unwrap_err().contains("8 bits"));
    }
}
