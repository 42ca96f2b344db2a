//! Drawing one page of the pages model onto a tiny-skia pixmap: the same
//! items in the same order as the PDF writer, with glyph outlines read
//! straight from the font files the pages name.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use tiny_skia::{
    FillRule, FilterQuality, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Stroke, Transform,
};

use crate::pages::{self, Color, Document, ImageFormat, Item};

/// What a raster render can reuse from an earlier one: glyph outlines and
/// decoded figures. `watch` keeps one for its whole run, so a rebuild pays
/// only for what changed; it is shared by the threads that draw the pages.
/// A glyph: its font file's address, face index and glyph id.
type GlyphKey = (usize, u32, u16);
type Outlines = HashMap<GlyphKey, Option<Arc<Path>>>;

#[derive(Default)]
pub struct Cache {
    /// Outlines in font units (y up), by font file and glyph id; `None` for
    /// glyphs without an outline (spaces).
    glyphs: Mutex<Outlines>,
    /// Bitmap glyphs (colour emoji), decoded, by face and glyph id.
    rasters: Mutex<HashMap<GlyphKey, Option<Arc<Raster>>>>,
    /// Decoded figures by a hash of their bytes.
    images: Mutex<HashMap<u64, Arc<Pixmap>>>,
}

/// A bitmap glyph: its picture, and its offsets from the pen position in
/// pixels of its strike (y up, to the picture's bottom).
struct Raster {
    px: Pixmap,
    x: f32,
    y: f32,
    ppem: f32,
}

impl Cache {
    pub fn new() -> Self {
        Self::default()
    }

    fn glyph(&self, font: Font, id: u16) -> Option<Arc<Path>> {
        let key = (font.data.as_ptr() as usize, font.index, id);
        if let Some(p) = self.lock_glyphs().get(&key) {
            return p.clone();
        }
        let path = outline(font, id).map(Arc::new);
        self.lock_glyphs().insert(key, path.clone());
        path
    }

    fn lock_glyphs(&self) -> std::sync::MutexGuard<'_, Outlines> {
        self.glyphs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The largest bitmap of a glyph that has no outline (colour emoji
    /// fonts are bitmaps); PNG bitmaps only.
    fn raster(&self, font: Font, id: u16) -> Option<Arc<Raster>> {
        let key = (font.data.as_ptr() as usize, font.index, id);
        let lock = || self.rasters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = lock().get(&key) {
            return r.clone();
        }
        let r = (|| {
            let face = ttf_parser::Face::parse(font.data, font.index).ok()?;
            let img = face.glyph_raster_image(ttf_parser::GlyphId(id), u16::MAX)?;
            if img.format != ttf_parser::RasterImageFormat::PNG {
                return None;
            }
            let data = decode_bitmap(img.data)?;
            Some(Arc::new(Raster {
                px: data,
                x: f32::from(img.x),
                y: f32::from(img.y),
                ppem: f32::from(img.pixels_per_em.max(1)),
            }))
        })();
        lock().insert(key, r.clone());
        r
    }

    fn image(&self, d: &pages::ImageData) -> Result<Arc<Pixmap>, String> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        d.bytes.hash(&mut h);
        let key = h.finish();
        let lock = || self.images.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = lock().get(&key) {
            return Ok(Arc::clone(p));
        }
        let p = Arc::new(decode(d)?);
        lock().insert(key, Arc::clone(&p));
        Ok(p)
    }
}

/// One face of a font file.
#[derive(Clone, Copy)]
pub(super) struct Font {
    pub data: &'static [u8],
    pub index: u32,
}

/// A glyph's outline as a path in font units.
fn outline(font: Font, id: u16) -> Option<Path> {
    struct Builder(PathBuilder);
    impl ttf_parser::OutlineBuilder for Builder {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.move_to(x, y);
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.line_to(x, y);
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.quad_to(x1, y1, x, y);
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.cubic_to(x1, y1, x2, y2, x, y);
        }
        fn close(&mut self) {
            self.0.close();
        }
    }
    let face = ttf_parser::Face::parse(font.data, font.index).ok()?;
    let mut b = Builder(PathBuilder::new());
    face.outline_glyph(ttf_parser::GlyphId(id), &mut b)?;
    b.0.finish()
}

/// Units per em of a face (1000 when it cannot be read).
fn units_per_em(font: Font) -> f32 {
    ttf_parser::Face::parse(font.data, font.index).map_or(1000.0, |f| f32::from(f.units_per_em()))
}

/// A bitmap glyph's PNG decoded.
fn decode_bitmap(bytes: &[u8]) -> Option<Pixmap> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).ok()?;
    premultiplied(img.into_rgba8()).ok()
}

/// A figure decoded to premultiplied RGBA.
fn decode(d: &pages::ImageData) -> Result<Pixmap, String> {
    let format = match d.format {
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
    };
    let img = image::load_from_memory_with_format(&d.bytes, format)
        .map_err(|e| format!("{}: cannot decode the figure: {e}", d.path.display()))?
        .into_rgba8();
    premultiplied(img).map_err(|()| format!("{}: the figure has no pixels", d.path.display()))
}

fn premultiplied(img: image::RgbaImage) -> Result<Pixmap, ()> {
    let (w, h) = img.dimensions();
    let mut data = img.into_raw();
    for px in data.chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        if a < 255 {
            for c in &mut px[..3] {
                *c = ((u16::from(*c) * a + 127) / 255) as u8;
            }
        }
    }
    let size = tiny_skia::IntSize::from_wh(w, h).ok_or(())?;
    Pixmap::from_vec(data, size).ok_or(())
}

pub(super) fn paint(c: Color) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.0, c.1, c.2, 255);
    p.anti_alias = true;
    p
}

/// Draws `page` of `doc` at `scale` pixels per point, after the transform `at`.
pub(super) fn draw_page(
    px: &mut Pixmap,
    doc: &Document,
    page: &pages::Page,
    scale: f32,
    at: Transform,
    cache: &Cache,
) -> Result<(), String> {
    let ts = at.pre_scale(scale, scale);
    if let Some(r) = tiny_skia::Rect::from_xywh(0.0, 0.0, doc.width, doc.height) {
        px.fill_rect(r, &paint(page.background), ts, None);
    }
    for item in &page.items {
        match item {
            Item::Shape(sh) => {
                let Some(path) = rect_path(sh.rect, sh.radius) else {
                    continue;
                };
                if let Some(c) = sh.fill {
                    px.fill_path(&path, &paint(c), FillRule::Winding, ts, None);
                }
                if let Some((c, w)) = sh.stroke {
                    let stroke = Stroke {
                        width: w,
                        ..Default::default()
                    };
                    px.stroke_path(&path, &paint(c), &stroke, ts, None);
                }
            }
            Item::Image(im) => {
                let d = doc
                    .images
                    .get(im.image)
                    .ok_or("a figure is missing from the document")?;
                let img = cache.image(d)?;
                let (w, h) = (img.width() as f32, img.height() as f32);
                let fit = ts
                    .pre_translate(im.rect.x, im.rect.y)
                    .pre_scale(im.rect.w / w, im.rect.h / h);
                // Figures are usually shrunk a lot: bicubic keeps them smooth.
                let quality = if fit.sx.abs() < 1.0 {
                    FilterQuality::Bicubic
                } else {
                    FilterQuality::Bilinear
                };
                let pp = PixmapPaint {
                    quality,
                    ..Default::default()
                };
                px.draw_pixmap(0, 0, Pixmap::as_ref(&img), &pp, fit, None);
            }
            Item::Text(t) => {
                for p in &t.paragraphs {
                    if let Some(m) = &p.marker {
                        draw_run(px, doc, m, ts, cache);
                    }
                    for r in p.lines.iter().flat_map(|l| l.runs.iter()) {
                        draw_run(px, doc, r, ts, cache);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Fills a run's glyphs as one path.
fn draw_run(px: &mut Pixmap, doc: &Document, r: &pages::GlyphRun, ts: Transform, cache: &Cache) {
    if let Some(f) = doc.fonts.get(r.font) {
        let font = Font {
            data: f.data,
            index: f.index,
        };
        draw_glyphs(px, font, r, ts, cache);
    }
}

/// Fills a run's glyphs, taken from `font`, as one path.
pub(super) fn draw_glyphs(
    px: &mut Pixmap,
    font: Font,
    r: &pages::GlyphRun,
    ts: Transform,
    cache: &Cache,
) {
    let k = r.size / units_per_em_cached(font);
    let mut pb = PathBuilder::new();
    let mut pen = r.x;
    for g in &r.glyphs {
        if let Some(o) = cache.glyph(font, g.id) {
            let x = pen + g.dx;
            let y = r.baseline - g.dy;
            // Font units are y-up; slides are y-down. Italic: the upright
            // glyph slanted about the baseline, as in the PDF.
            let mut gt = Transform::from_row(k, 0.0, 0.0, -k, x, y);
            if r.italic {
                gt = gt.post_concat(Transform::from_row(1.0, 0.0, -0.2, 1.0, 0.2 * y, 0.0));
            }
            if let Some(p) = (*o).clone().transform(gt) {
                pb.push_path(&p);
            }
        } else if let Some(bm) = cache.raster(font, g.id) {
            // A bitmap glyph (colour emoji), scaled from its strike to the run's size.
            let s = r.size / bm.ppem;
            let x = pen + g.dx + bm.x * s;
            let y = r.baseline - g.dy - (bm.y + bm.px.height() as f32) * s;
            let pp = PixmapPaint {
                quality: FilterQuality::Bicubic,
                ..Default::default()
            };
            let at = ts.pre_translate(x, y).pre_scale(s, s);
            px.draw_pixmap(0, 0, bm.px.as_ref(), &pp, at, None);
        }
        pen += g.advance;
    }
    if let Some(u) = r.underline_rect()
        && let Some(rect) = tiny_skia::Rect::from_xywh(u.x, u.y, u.w, u.h)
    {
        pb.push_rect(rect);
    }
    if let Some(path) = pb.finish() {
        px.fill_path(&path, &paint(r.color), FillRule::Winding, ts, None);
    }
}

/// Units per em, remembered per face (parsing a face reads its tables).
fn units_per_em_cached(font: Font) -> f32 {
    static UPEM: Mutex<Vec<((usize, u32), f32)>> = Mutex::new(Vec::new());
    let key = (font.data.as_ptr() as usize, font.index);
    let mut v = UPEM.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, u)) = v.iter().find(|(k, _)| *k == key) {
        return *u;
    }
    let u = units_per_em(font);
    v.push((key, u));
    u
}

/// A rectangle with rounded corners, the outline the PDF writer draws too.
pub(super) fn rect_path(r: pages::Rect, radius: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    let Some(outline) = r.rounded(radius) else {
        return tiny_skia::Rect::from_xywh(r.x, r.y, r.w, r.h).map(PathBuilder::from_rect);
    };
    for seg in outline {
        match seg {
            pages::Seg::Move(x, y) => pb.move_to(x, y),
            pages::Seg::Line(x, y) => pb.line_to(x, y),
            pages::Seg::Cubic(a, b, c, d, x, y) => pb.cubic_to(a, b, c, d, x, y),
            pages::Seg::Close => pb.close(),
        }
    }
    pb.finish()
}
