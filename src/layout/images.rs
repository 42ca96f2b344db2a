//! Figures: read once per distinct file, checked before anything decodes them.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::pages::{ImageData, ImageFormat};

/// Images above this many pixels are refused before decoding (a
/// decompression bomb costs memory in every consumer of the output too).
pub const MAX_PIXELS: u64 = 40_000_000;

/// A file's bytes with its format and pixel size, or why it cannot be used.
type Checked = Result<(Vec<u8>, (ImageFormat, u32, u32)), String>;

#[derive(Default)]
pub struct Images {
    pub list: Vec<ImageData>,
    by_path: HashMap<PathBuf, usize>,
    /// Files read and checked ahead of time, in parallel.
    ready: HashMap<PathBuf, Checked>,
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
        });
        let i = self.list.len() - 1;
        self.by_path.insert(path.to_path_buf(), i);
        Ok(i)
    }
}

fn read_checked(path: &Path) -> Checked {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read figure {name}: {e}"))?;
    let data = check(&bytes).map_err(|e| format!("figure {name}: {e}"))?;
    Ok((bytes, data))
}

/// Format and pixel size, after checking the file decodes.
///
/// A truncated or corrupt file fails here with its name, not later inside a
/// writer, and the size limit is checked before any pixel is decoded. PNG
/// rows are inflated and unfiltered (no palette or bit-depth expansion),
/// which finds every corruption the writers could meet at a third of the
/// cost of a full decode. JPEG is never decoded by the writers (both pass it
/// through), so its segment structure is checked instead: that finds
/// truncation and kinds viewers cannot show, at a tenth of the cost of
/// decoding.
pub fn check(bytes: &[u8]) -> Result<(ImageFormat, u32, u32), String> {
    let corrupt = |e: &dyn std::fmt::Display| format!("unreadable or corrupt image: {e}");
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
        Ok((ImageFormat::Png, w, h))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let (w, h) = jpeg_structure(bytes)?;
        within_limits(w, h)?;
        Ok((ImageFormat::Jpeg, w, h))
    } else {
        Err("not a PNG or JPEG file (unrecognised content)".into())
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

/// Walks a JPEG's segments and entropy-coded data (ITU T.81, annex B) to its
/// end-of-image marker, and returns the frame's width and height.
/// Hand-written because the decoders only check a file by decoding it all.
fn jpeg_structure(bytes: &[u8]) -> Result<(u32, u32), String> {
    let corrupt = |what: &str| format!("unreadable or corrupt image: {what}");
    let truncated = || corrupt("the JPEG data ends early (a truncated file?)");
    let mut at = 2; // after SOI
    let mut frame = None;
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
            0xD9 => return frame.ok_or_else(|| corrupt("the JPEG has no frame header")),
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
                let [precision, h1, h0, w1, w0, ..] = body else {
                    return Err(corrupt("a JPEG frame header is damaged"));
                };
                if *precision != 8 {
                    return Err("the JPEG has more than 8 bits per sample, which PDF and PowerPoint cannot show; re-save it as an ordinary JPEG".into());
                }
                let side = |hi: u8, lo: u8| u32::from(u16::from_be_bytes([hi, lo]));
                frame = Some((side(*w1, *w0), side(*h1, *h0)));
            }
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
            assert_eq!(check(bytes).map(|c| c.0), Ok(ImageFormat::Jpeg), "{name}");
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
