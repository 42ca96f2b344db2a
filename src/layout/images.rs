//! Figures: read once per distinct file, checked before anything decodes them.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
        let workers = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 8);
        let chunk = paths.len().div_ceil(workers).max(1);
        let results: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = paths
                .chunks(chunk)
                .map(|group| {
                    scope.spawn(move || {
                        group
                            .iter()
                            .map(|p| (p.clone(), read_checked(p)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
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
pub fn check(bytes: &[u8]) -> Result<(ImageFormat, u32, u32), String> {
    let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageFormat::Png
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ImageFormat::Jpeg
    } else {
        return Err("not a PNG or JPEG file (unrecognised content)".into());
    };
    let fmt = match format {
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
    };
    let reader = image::ImageReader::with_format(Cursor::new(bytes), fmt);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("unreadable or corrupt image: {e}"))?;
    if w == 0 || h == 0 {
        return Err("the image is empty (0 pixels)".into());
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "the image is too large ({w} × {h} pixels; the limit is {} megapixels)",
            MAX_PIXELS / 1_000_000
        ));
    }
    // Decode fully once so a truncated or corrupt file fails here with its
    // name, not later inside a writer. PNG rows are only inflated and
    // unfiltered (no palette or bit-depth expansion): that finds every
    // corruption at a third of the cost of a full decode.
    match format {
        ImageFormat::Png => {
            let mut decoder = png::Decoder::new(Cursor::new(bytes));
            decoder.set_transformations(png::Transformations::IDENTITY);
            let mut reader = decoder
                .read_info()
                .map_err(|e| format!("unreadable or corrupt image: {e}"))?;
            let size = reader
                .output_buffer_size()
                .ok_or("unreadable or corrupt image: no size")?;
            let mut buf = vec![0; size];
            reader
                .next_frame(&mut buf)
                .map_err(|e| format!("unreadable or corrupt image: {e}"))?;
        }
        ImageFormat::Jpeg => {
            let mut reader = image::ImageReader::with_format(Cursor::new(bytes), fmt);
            reader.limits(image::Limits::default());
            reader
                .decode()
                .map_err(|e| format!("unreadable or corrupt image: {e}"))?;
        }
    }
    Ok((format, w, h))
}
