//! PNG writer: every slide as a picture, drawn from the pages model with
//! tiny-skia (not by rasterising our own PDF), plus a contact sheet of all
//! slides and a 1200×630 share card for link previews. Slides are drawn in
//! parallel on rayon's pool.

mod paint;

use rayon::prelude::*;
use tiny_skia::{Color as SkColor, Pixmap, Transform};

pub use paint::Cache;

use crate::pages::{self, Color, Document};

/// Default width of slide pictures in pixels.
pub const DEFAULT_WIDTH: u32 = 1280;
/// Share cards use the size link previews expect (Open Graph, X, Slack).
pub const CARD_SIZE: (u32, u32) = (1200, 630);
/// Width of one slide on the contact sheet.
const THUMB_WIDTH: u32 = 320;

#[derive(Debug, Clone)]
pub struct PngOptions {
    /// Draw every slide (`NAME-001.png` …).
    pub slides: bool,
    /// Width of each slide picture in pixels (height follows the slide's shape).
    pub width: u32,
    /// Also draw a contact sheet: every slide in a numbered grid.
    pub sheet: bool,
    /// Also draw a share card: the first slide framed at 1200×630.
    pub card: bool,
}

impl Default for PngOptions {
    fn default() -> Self {
        PngOptions {
            slides: true,
            width: DEFAULT_WIDTH,
            sheet: false,
            card: false,
        }
    }
}

/// The encoded pictures of one deck.
#[derive(Debug, Default)]
pub struct Pngs {
    /// One PNG per slide, in order.
    pub slides: Vec<Vec<u8>>,
    pub sheet: Option<Vec<u8>>,
    pub card: Option<Vec<u8>>,
}

/// A failure to draw, with the page it concerns.
#[derive(Debug, Clone)]
pub struct PngError {
    pub message: String,
    /// 0-based page index.
    pub page: Option<usize>,
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.page {
            Some(p) => write!(f, "slide {}: {}", p + 1, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for PngError {}

/// Draws and encodes what `opts` asks for: every slide, the sheet, the card.
pub fn write_pngs(doc: &Document, opts: &PngOptions, cache: &Cache) -> Result<Pngs, PngError> {
    let all: Vec<usize> = if opts.slides {
        (0..doc.pages.len()).collect()
    } else {
        Vec::new()
    };
    let slides = render_encoded(doc, &all, opts.width, cache)?;
    let sheet = if opts.sheet {
        Some(encode(&contact_sheet(doc, cache)?)?)
    } else {
        None
    };
    let card = if opts.card {
        Some(encode(&share_card(doc, cache)?)?)
    } else {
        None
    };
    Ok(Pngs {
        slides,
        sheet,
        card,
    })
}

/// Draws and encodes the pages `which` (0-based) at `width` pixels, in parallel;
/// the result is in the order of `which`.
pub fn render_encoded(
    doc: &Document,
    which: &[usize],
    width: u32,
    cache: &Cache,
) -> Result<Vec<Vec<u8>>, PngError> {
    which
        .par_iter()
        .map(|&i| {
            render_page(doc, i, width, cache)
                .and_then(|p| encode(&p))
                .map_err(|e| PngError { page: Some(i), ..e })
        })
        .collect()
}

/// The file name of slide `index` (0-based): `NAME-001.png`; three digits at
/// least, so names sort in slide order.
pub fn slide_name(stem: &str, index: usize) -> String {
    format!("{stem}-{:03}.png", index + 1)
}

/// Height in pixels of a picture of `doc`'s pages at `width` pixels.
pub fn height_for(doc: &Document, width: u32) -> u32 {
    ((width as f32) * doc.height / doc.width).round().max(1.0) as u32
}

/// Draws page `index` at `width` pixels.
pub fn render_page(
    doc: &Document,
    index: usize,
    width: u32,
    cache: &Cache,
) -> Result<Pixmap, PngError> {
    let err = |m: String| PngError {
        message: m,
        page: Some(index),
    };
    let page = doc
        .pages
        .get(index)
        .ok_or_else(|| err("no such slide".into()))?;
    let width = width.clamp(16, 16_384);
    let mut px = Pixmap::new(width, height_for(doc, width))
        .ok_or_else(|| err("the picture would be too large".into()))?;
    let scale = width as f32 / doc.width;
    paint::draw_page(&mut px, doc, page, scale, Transform::identity(), cache).map_err(err)?;
    Ok(px)
}

/// Every slide in a grid, numbered, on a light grey sheet.
pub fn contact_sheet(doc: &Document, cache: &Cache) -> Result<Pixmap, PngError> {
    let n = doc.pages.len().max(1) as u32;
    let cols = n.min(6);
    let rows = n.div_ceil(cols);
    let (tw, th) = (THUMB_WIDTH, height_for(doc, THUMB_WIDTH));
    let (gap, label) = (24u32, 22u32);
    let w = cols * tw + (cols + 1) * gap;
    let h = rows * (th + label) + (rows + 1) * gap;
    let mut sheet = Pixmap::new(w, h).ok_or_else(|| PngError {
        message: "the contact sheet would be too large".into(),
        page: None,
    })?;
    sheet.fill(SkColor::from_rgba8(0xEE, 0xEE, 0xEE, 0xFF));
    let thumbs: Vec<Pixmap> = (0..doc.pages.len())
        .into_par_iter()
        .map(|i| render_page(doc, i, tw, cache))
        .collect::<Result<_, _>>()?;
    let font = doc.fonts.first().map(|f| paint::Font {
        data: f.data,
        index: f.index,
    });
    for (i, t) in thumbs.iter().enumerate() {
        let (c, r) = (i as u32 % cols, i as u32 / cols);
        let x = gap + c * (tw + gap);
        let y = gap + r * (th + label + gap);
        frame(&mut sheet, x as f32, y as f32, tw as f32, th as f32);
        sheet.draw_pixmap(
            x as i32,
            y as i32,
            t.as_ref(),
            &tiny_skia::PixmapPaint::default(),
            Transform::identity(),
            None,
        );
        if let Some(font) = font {
            let text = (i + 1).to_string();
            let baseline = (y + th + label - 4) as f32;
            draw_label(&mut sheet, font, &text, x as f32, baseline, 15.0, cache);
        }
    }
    Ok(sheet)
}

/// The first slide framed on the theme's heading colour at 1200×630.
pub fn share_card(doc: &Document, cache: &Cache) -> Result<Pixmap, PngError> {
    let (w, h) = CARD_SIZE;
    let mut card = Pixmap::new(w, h).ok_or_else(|| PngError {
        message: "the share card would be too large".into(),
        page: None,
    })?;
    let bg = doc.palette.heading;
    card.fill(SkColor::from_rgba8(bg.0, bg.1, bg.2, 0xFF));
    if doc.pages.is_empty() {
        return Ok(card);
    }
    // The slide as large as fits with a margin of 7% of the height.
    let margin = (h as f32 * 0.07).round();
    let sh = h as f32 - 2.0 * margin;
    let sw = (sh * doc.width / doc.height).min(w as f32 - 2.0 * margin);
    let sh = sw * doc.height / doc.width;
    let slide = render_page(doc, 0, sw.round() as u32, cache)?;
    let x = ((w as f32 - slide.width() as f32) / 2.0).round();
    let y = ((h as f32 - slide.height() as f32) / 2.0).round();
    frame(&mut card, x, y, slide.width() as f32, sh);
    card.draw_pixmap(
        x as i32,
        y as i32,
        slide.as_ref(),
        &tiny_skia::PixmapPaint::default(),
        Transform::identity(),
        None,
    );
    Ok(card)
}

/// A soft shadow and a thin grey border around a picture placed at (x, y).
fn frame(px: &mut Pixmap, x: f32, y: f32, w: f32, h: f32) {
    let mut shadow = paint::paint(Color(0, 0, 0));
    shadow.set_color_rgba8(0, 0, 0, 48);
    if let Some(r) = tiny_skia::Rect::from_xywh(x + 2.0, y + 3.0, w, h) {
        px.fill_rect(r, &shadow, Transform::identity(), None);
    }
    if let Some(r) = tiny_skia::Rect::from_xywh(x - 1.0, y - 1.0, w + 2.0, h + 2.0) {
        px.fill_rect(
            r,
            &paint::paint(Color(0xB0, 0xB0, 0xB0)),
            Transform::identity(),
            None,
        );
    }
}

/// Draws a short label (slide numbers: digits only, no shaping needed) at
/// `size` pixels with the deck's first font.
fn draw_label(
    px: &mut Pixmap,
    font: paint::Font,
    text: &str,
    x: f32,
    baseline: f32,
    size: f32,
    cache: &Cache,
) {
    let Ok(face) = ttf_parser::Face::parse(font.data, font.index) else {
        return;
    };
    let k = size / f32::from(face.units_per_em());
    let mut glyphs = Vec::new();
    for ch in text.chars() {
        let Some(id) = face.glyph_index(ch) else {
            continue;
        };
        let adv = f32::from(face.glyph_hor_advance(id).unwrap_or(0)) * k;
        glyphs.push(pages::Glyph {
            id: id.0,
            advance: adv,
            dx: 0.0,
            dy: 0.0,
            start: 0,
            end: 0,
        });
    }
    let run = pages::GlyphRun {
        x,
        baseline,
        width: glyphs.iter().map(|g| g.advance).sum(),
        text: text.into(),
        font: 0,
        size,
        color: Color(0x33, 0x33, 0x33),
        bold: false,
        italic: false,
        link: None,
        underline: None,
        glyphs,
        ascent: 0.0,
        descent: 0.0,
    };
    paint::draw_glyphs(px, font, &run, Transform::identity(), cache);
}

/// Encodes an opaque picture as an RGB PNG. The fast deflate level: slides
/// are flat colour and text, so it costs little in size and a lot less time.
pub fn encode(px: &Pixmap) -> Result<Vec<u8>, PngError> {
    // Every picture we draw starts from an opaque fill, so premultiplied
    // RGBA is plain RGBA and the alpha channel can go.
    let mut rgb = Vec::with_capacity(px.width() as usize * px.height() as usize * 3);
    for p in px.data().chunks_exact(4) {
        rgb.extend_from_slice(&p[..3]);
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, px.width(), px.height());
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let err = |e: png::EncodingError| PngError {
            message: format!("PNG encoding failed: {e}"),
            page: None,
        };
        let mut w = enc.write_header().map_err(err)?;
        w.write_image_data(&rgb).map_err(err)?;
        w.finish().map_err(err)?;
    }
    Ok(out)
}
