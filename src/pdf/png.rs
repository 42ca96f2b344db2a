//! PNG figures passed through to the PDF without decoding or re-compressing.
//!
//! krilla decodes every PNG and deflates its pixels again at a fixed level,
//! which for the reference sample was a quarter of a whole build's
//! instructions, and it has no pass-through for PNG. A PDF image can take a
//! PNG's own zlib data as it is: `FlateDecode` with the PNG predictors
//! (ISO 32000-2, 7.4.4.4), the palette as an `Indexed` colour space. So plain
//! PNGs (not interlaced, no alpha or transparency key, no ICC profile) become
//! image XObjects on the pages of a small PDF of our own, one page per image,
//! which krilla embeds as form XObjects (its `pdf` feature copies streams
//! byte for byte). Other PNGs, and all of them under a PDF standard (PDF/A
//! and PDF/UA forbid embedded pages), go through krilla's decoder.
//!
//! The chunk walk is ours because no crate hands out a PNG's raw image data:
//! the `png` crate inflates it. The file was already decoded once in full
//! when the survey was loaded (`layout::images::check`), so its structure
//! and checksums are known good here.

use std::collections::HashMap;
use std::sync::Arc;

use krilla::pdf::{Pdf, PdfDocument};
use pdf_writer::types::Predictor;
use pdf_writer::{Filter, Finish, Name, Rect, Ref};

use crate::pages::{ImageData, ImageFormat};

/// The side of an image's page in the carrier PDF, in points. Every page is
/// this square, whatever the image's aspect ratio: the page is scaled to the
/// figure's box when drawn, and PDF readers (hayro, which krilla uses to
/// measure it, among them) take a page side under 1 pt as 1 pt, so a page
/// shaped like a 1 × 4000 image would be drawn four times too thin.
const PAGE_SIDE: f32 = 1000.0;

/// A PNG's image data and what a PDF image needs to read it.
#[derive(Debug, PartialEq)]
struct PlainPng<'a> {
    width: u32,
    height: u32,
    bit_depth: u8,
    /// 1 for grey or palette indices, 3 for RGB.
    colors: u8,
    /// RGB triples of a palette image.
    palette: Option<&'a [u8]>,
    /// The IDAT chunks' data, concatenated: one zlib stream.
    data: Vec<u8>,
}

/// The parts of a PNG a PDF image can use as they are, or `None` when the
/// file needs decoding (interlaced, alpha, a transparency key, an ICC
/// profile) or is not a PNG.
fn plain_png(bytes: &[u8]) -> Option<PlainPng<'_>> {
    let mut rest = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n")?;
    let mut header = None;
    let mut palette = None;
    let mut data = Vec::new();
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().ok()?) as usize;
        let kind = &rest[4..8];
        let body = rest.get(8..8 + len)?;
        rest = rest.get(12 + len..)?;
        match kind {
            b"IHDR" if body.len() == 13 => header = Some(body),
            b"PLTE" => palette = Some(body),
            b"IDAT" => data.extend_from_slice(body),
            b"tRNS" | b"iCCP" => return None,
            b"IEND" => break,
            _ => {}
        }
    }
    let h = header?;
    let width = u32::from_be_bytes(h[0..4].try_into().ok()?);
    let height = u32::from_be_bytes(h[4..8].try_into().ok()?);
    let (bit_depth, color_type, interlace) = (h[8], h[9], h[12]);
    if interlace != 0 || width == 0 || height == 0 || data.is_empty() {
        return None;
    }
    let (colors, palette) = match (color_type, bit_depth) {
        (0, 1 | 2 | 4 | 8 | 16) => (1, None),
        (2, 8 | 16) => (3, None),
        (3, 1 | 2 | 4 | 8) => {
            let p = palette.filter(|p| !p.is_empty() && p.len() % 3 == 0 && p.len() <= 768)?;
            (1, Some(p))
        }
        _ => return None,
    };
    Some(PlainPng {
        width,
        height,
        bit_depth,
        colors,
        palette,
        data,
    })
}

/// The carrier PDF of the plain PNGs among `images`, and the page of each.
pub struct Carrier {
    pub pdf: PdfDocument,
    /// Image index → page of `pdf`.
    pub page_of: HashMap<usize, usize>,
}

impl Carrier {
    /// `None` when no image qualifies (or, defensively, when the carrier
    /// does not parse: krilla's decoder then takes every image).
    /// `interpolate`: smooth enlarged images, except pixel-for-pixel ones.
    pub fn new(images: &[ImageData], interpolate: bool) -> Option<Carrier> {
        let plain: Vec<(usize, PlainPng<'_>, bool)> = images
            .iter()
            .enumerate()
            .filter(|(_, d)| d.format == ImageFormat::Png)
            .filter_map(|(i, d)| Some((i, plain_png(&d.bytes)?, interpolate && !d.crisp)))
            .collect();
        if plain.is_empty() {
            return None;
        }
        let mut pdf = pdf_writer::Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let mut kids = Vec::with_capacity(plain.len());
        let mut page_of = HashMap::new();
        for (n, (index, png, smooth)) in plain.iter().enumerate() {
            let base = 3 + 3 * n as i32;
            let (page, content, image) = (Ref::new(base), Ref::new(base + 1), Ref::new(base + 2));
            let (w, h) = (PAGE_SIDE, PAGE_SIDE);
            let mut p = pdf.page(page);
            p.parent(tree).media_box(Rect::new(0.0, 0.0, w, h));
            p.contents(content);
            p.resources().x_objects().pair(Name(b"I"), image);
            p.finish();
            pdf.stream(content, format!("q {w} 0 0 {h} 0 0 cm /I Do Q").as_bytes());
            let mut x = pdf.image_xobject(image, &png.data);
            x.filter(Filter::FlateDecode);
            x.width(png.width as i32).height(png.height as i32);
            x.bits_per_component(i32::from(png.bit_depth));
            match png.palette {
                Some(lookup) => x.color_space().indexed(
                    Name(b"DeviceRGB"),
                    (lookup.len() / 3) as i32 - 1,
                    lookup,
                ),
                None if png.colors == 3 => x.color_space().device_rgb(),
                None => x.color_space().device_gray(),
            }
            x.interpolate(*smooth);
            x.decode_parms()
                .predictor(Predictor::PngOptimum)
                .colors(i32::from(png.colors))
                .bits_per_component(i32::from(png.bit_depth))
                .columns(png.width as i32);
            x.finish();
            kids.push(page);
            page_of.insert(*index, n);
        }
        pdf.pages(tree)
            .kids(kids.iter().copied())
            .count(kids.len() as i32);
        pdf.catalog(catalog).pages(tree);
        let parsed = Pdf::new(pdf.finish()).ok()?;
        Some(Carrier {
            pdf: PdfDocument::new(Arc::new(parsed)),
            page_of,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG from its chunks, with real CRCs (png's own encoder would do,
    /// but these tests need chunks it never writes, such as split IDATs).
    fn png(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, body) in chunks {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(*kind);
            out.extend_from_slice(body);
            let mut c = flate2::Crc::new();
            c.update(*kind);
            c.update(body);
            out.extend_from_slice(&c.sum().to_be_bytes());
        }
        out
    }

    fn ihdr(w: u32, h: u32, depth: u8, color: u8, interlace: u8) -> Vec<u8> {
        let mut v = w.to_be_bytes().to_vec();
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&[depth, color, 0, 0, interlace]);
        v
    }

    #[test]
    fn palette_png_keeps_its_data_and_palette() {
        let bytes = png(&[
            (b"IHDR", ihdr(3, 2, 8, 3, 0)),
            (b"PLTE", vec![255, 0, 0, 0, 0, 255]),
            (b"IDAT", vec![1, 2, 3]),
            (b"tEXt", b"a\0b".to_vec()),
            (b"IDAT", vec![4, 5]),
            (b"IEND", vec![]),
        ]);
        let p = plain_png(&bytes).expect("plain");
        assert_eq!((p.width, p.height, p.bit_depth, p.colors), (3, 2, 8, 1));
        assert_eq!(p.palette, Some(&[255, 0, 0, 0, 0, 255][..]));
        assert_eq!(p.data, vec![1, 2, 3, 4, 5], "IDATs are concatenated");
    }

    /// The sample's PNG figures, which are all plain.
    fn sample_pngs() -> &'static [Vec<u8>] {
        static FILES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
        FILES.get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/figures");
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .collect();
            files.sort();
            files.iter().map(|p| std::fs::read(p).unwrap()).collect()
        })
    }

    #[test]
    fn sample_pngs_pass_through() {
        assert!(sample_pngs().len() > 10);
        assert!(sample_pngs().iter().all(|b| plain_png(b).is_some()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// Damaged files (bytes overwritten, cut anywhere) give an answer,
        /// never a panic.
        #[test]
        fn damaged_pngs_never_panic(
            file: proptest::sample::Index,
            edits: Vec<(proptest::sample::Index, u8)>,
            cut: proptest::sample::Index,
        ) {
            let mut b = file.get(sample_pngs()).clone();
            for (at, byte) in edits.iter().take(4) {
                let i = at.index(b.len());
                b[i] = *byte;
            }
            b.truncate(1 + cut.index(b.len()));
            let _ = plain_png(&b);
        }
    }

    #[test]
    fn pngs_that_need_decoding_are_refused() {
        let with = |extra: (&[u8; 4], Vec<u8>), header: Vec<u8>| {
            png(&[
                (b"IHDR", header),
                (b"PLTE", vec![0, 0, 0]),
                extra,
                (b"IDAT", vec![1]),
                (b"IEND", vec![]),
            ])
        };
        let text = (b"tEXt", b"k\0v".to_vec());
        assert!(plain_png(&with(text.clone(), ihdr(1, 1, 8, 2, 0))).is_some());
        assert!(
            plain_png(&with(text.clone(), ihdr(1, 1, 8, 6, 0))).is_none(),
            "RGBA"
        );
        assert!(
            plain_png(&with(text.clone(), ihdr(1, 1, 8, 4, 0))).is_none(),
            "grey+alpha"
        );
        assert!(
            plain_png(&with(text.clone(), ihdr(1, 1, 8, 2, 1))).is_none(),
            "interlaced"
        );
        assert!(plain_png(&with((b"tRNS", vec![0]), ihdr(1, 1, 8, 3, 0))).is_none());
        assert!(plain_png(&with((b"iCCP", vec![0]), ihdr(1, 1, 8, 2, 0))).is_none());
        assert!(plain_png(b"\xff\xd8\xff").is_none(), "not a PNG");
        let truncated = with(text, ihdr(1, 1, 8, 2, 0));
        assert!(plain_png(&truncated[..30]).is_none());
    }
}
