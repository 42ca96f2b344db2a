//! Laying out paragraph specifications into `pages::Paragraph`s.

use crate::document::{Rich, Span};
use crate::pages::{Align, Color, Glyph, GlyphRun, Line, Link, Paragraph};
use crate::text::{self, Breaking, FontBook, Strictness, Wrap};
use std::rc::Rc;

/// A piece of styled text before layout.
#[derive(Debug, Clone)]
pub struct SpanSpec {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub color: Color,
    pub link: Option<Link>,
}

/// A paragraph before layout: sizes are at scale 1.
#[derive(Debug, Clone)]
pub struct Para {
    pub spans: Vec<SpanSpec>,
    pub size: f32,
    pub level: Option<u8>,
    /// Marker text and whether it is a decorative bullet (vs. a number).
    pub marker: Option<(String, bool)>,
    pub marker_color: Color,
    pub align: Align,
    /// Space above, in multiples of the size.
    pub space_before: f32,
    /// Keep on the same page as the next paragraph (a parent item, a title line).
    pub keep_with_next: bool,
    /// Where lines may break: anywhere (body text), between phrases
    /// (ranking entries, captions) or balanced (titles).
    pub wrap: Wrap,
}

impl Para {
    pub fn plain(text: &str, size: f32, color: Color) -> Para {
        Para {
            spans: vec![SpanSpec {
                text: text.to_owned(),
                bold: false,
                italic: false,
                color,
                link: None,
            }],
            size,
            level: None,
            marker: None,
            marker_color: color,
            align: Align::Left,
            space_before: 0.0,
            keep_with_next: false,
            wrap: Wrap::Anywhere,
        }
    }

    /// Breaks lines as `wrap` says.
    pub fn wrap(mut self, wrap: Wrap) -> Para {
        self.wrap = wrap;
        self
    }

    pub fn bold(mut self) -> Para {
        for s in &mut self.spans {
            s.bold = true;
        }
        self
    }

    pub fn align(mut self, align: Align) -> Para {
        self.align = align;
        self
    }

    pub fn link(mut self, link: Link) -> Para {
        for s in &mut self.spans {
            s.link = Some(link.clone());
        }
        self
    }

    pub fn from_rich(rich: &Rich, size: f32, color: Color, link_color: Color) -> Para {
        let mut p = Para::plain("", size, color);
        p.spans = rich_spans(rich, color, link_color);
        p
    }
}

pub fn rich_spans(rich: &Rich, color: Color, link_color: Color) -> Vec<SpanSpec> {
    rich.iter()
        .map(|s: &Span| SpanSpec {
            text: s.text.clone(),
            bold: s.bold,
            italic: s.italic,
            color: if s.link.is_some() { link_color } else { color },
            link: s.link.clone().map(Link::Url),
        })
        .collect()
}

/// A laid-out paragraph positioned with its top at y = 0.
#[derive(Debug, Clone)]
pub struct LaidPara {
    pub para: Paragraph,
    pub height: f32,
    pub keep_with_next: bool,
}

/// Text metrics shared by layout functions.
pub struct Typesetter<'a> {
    pub book: &'a FontBook,
    pub line_spacing: f32,
    /// Characters no font covers, collected for a warning.
    pub missing: Vec<char>,
    /// Paragraphs already shaped, by their spans' text and weight and how
    /// they break.
    pub shaped: hashbrown::HashMap<ShapedKey, Rc<text::Shaped>>,
    /// The theme's JLREQ strictness.
    pub strictness: Strictness,
    /// Body text breaks between phrases too (a theme option).
    pub body_phrases: bool,
    /// Linked text is underlined (the theme's `links.underline`).
    pub link_underline: bool,
}

/// The shaped cache's key: each span's text and weight, and the wrap.
type ShapedKey = (Vec<(String, bool)>, Wrap);

/// A cache look-up by borrowed spans. It hashes as the owned key does (a
/// slice and a `Vec` hash alike, so do `&str` and `String`): a paragraph laid
/// out again, at each auto-fit size, copies nothing.
#[derive(Hash)]
struct SpansRef<'s>(&'s [(&'s str, bool)], Wrap);

impl hashbrown::Equivalent<ShapedKey> for SpansRef<'_> {
    fn equivalent(&self, key: &ShapedKey) -> bool {
        self.1 == key.1
            && self.0.len() == key.0.len()
            && self
                .0
                .iter()
                .zip(&key.0)
                .all(|(a, b)| a.0 == b.0 && a.1 == b.1)
    }
}

impl<'a> Typesetter<'a> {
    /// The paragraph shaped at one em, from the cache when seen before.
    fn shaped(&mut self, spans: &[(&str, bool)], wrap: Wrap) -> Rc<text::Shaped> {
        if let Some(s) = self.shaped.get(&SpansRef(spans, wrap)) {
            return s.clone();
        }
        let breaking = Breaking {
            strictness: self.strictness,
            wrap,
        };
        let s = Rc::new(text::paragraph::shape_paragraph_with(
            self.book, spans, breaking,
        ));
        let key = spans.iter().map(|(t, b)| ((*t).to_owned(), *b)).collect();
        self.shaped.insert((key, wrap), s.clone());
        s
    }

    pub fn new(book: &'a FontBook, line_spacing: f32) -> Self {
        Typesetter {
            book,
            line_spacing,
            missing: Vec::new(),
            shaped: hashbrown::HashMap::new(),
            strictness: Strictness::default(),
            body_phrases: false,
            link_underline: false,
        }
    }
}

impl Typesetter<'_> {
    /// Ascent and descent of the primary face at `size`.
    pub fn metrics(&self, size: f32) -> (f32, f32) {
        let f = &self.book.faces[self.book.primary(false)];
        (f.ascent * size, f.descent * size)
    }

    /// Lays out `p` at `scale` in a box from `x` of width `width`.
    pub fn lay(&mut self, p: &Para, scale: f32, x: f32, width: f32) -> LaidPara {
        let size = p.size * scale;
        let line_height = size * self.line_spacing;
        let (ascent, descent) = self.metrics(size);
        let level = p.level.unwrap_or(0);
        let level_indent = if p.level.is_some() {
            f32::from(level) * size * 1.3
        } else {
            0.0
        };
        let space_before = p.space_before * size;
        let first_baseline = space_before + (line_height - ascent - descent) / 2.0 + ascent;

        let spans: Vec<(&str, bool)> = p.spans.iter().map(|s| (s.text.as_str(), s.bold)).collect();
        let wrap = match p.wrap {
            Wrap::Anywhere if self.body_phrases => Wrap::Phrases,
            w => w,
        };
        // Looked up once: the key is the paragraph's text, copied and hashed.
        let shaped = self.shaped(&spans, wrap);
        let rtl = shaped.rtl();

        let mut marker = None;
        let mut hang = 0.0;
        if let Some((m, bullet)) = &p.marker {
            let mrun = self.shape_one(
                m,
                size,
                false,
                p.marker_color,
                None,
                x + level_indent,
                first_baseline,
            );
            // Wide (full-width) marks like ■ need more than the usual one em.
            hang = if *bullet {
                (mrun.width + size * 0.4).max(size)
            } else {
                (mrun.width + size * 0.45).max(size * 1.2)
            };
            // A bullet is centred in its hanging space.
            marker = Some(mrun);
        }
        // A right-to-left paragraph mirrors its indents: the marker hangs
        // at the right.
        let text_x = if rtl { x } else { x + level_indent + hang };
        if rtl && let Some(m) = &mut marker {
            m.x = x + width - level_indent - m.width;
        }
        let text_w = (width - level_indent - hang).max(size);
        // Auto-fit lays the same paragraph out at several sizes: it is shaped
        // once (the cache above).
        let sizes = vec![size; p.spans.len()];
        let laid = text::break_lines(&shaped, &sizes, text_w);
        // A right-to-left paragraph starts at the right unless centred.
        let align = match p.align {
            Align::Left if laid.rtl => Align::Right,
            a => a,
        };
        for c in &laid.missing {
            if !self.missing.contains(c) {
                self.missing.push(*c);
            }
        }
        let mut lines = Vec::new();
        let rtl = laid.rtl;
        for (i, l) in laid.lines.into_iter().enumerate() {
            let baseline = first_baseline + i as f32 * line_height;
            let lx = match align {
                Align::Left => text_x,
                Align::Center => text_x + (text_w - l.width) / 2.0,
                Align::Right => text_x + text_w - l.width,
            };
            let runs = l
                .runs
                .into_iter()
                .map(|r| {
                    let spec = &p.spans[r.span];
                    let face = &self.book.faces[r.face];
                    GlyphRun {
                        x: lx + r.x,
                        baseline,
                        width: r.width,
                        text: r.text,
                        font: r.face,
                        size: r.size,
                        color: spec.color,
                        bold: spec.bold,
                        italic: spec.italic,
                        link: spec.link.clone(),
                        underline: (self.link_underline && spec.link.is_some())
                            .then(|| underline_at(face, r.size)),
                        glyphs: r.glyphs,
                        ascent: face.ascent * r.size,
                        descent: face.descent * r.size,
                    }
                })
                .collect();
            lines.push(Line {
                x: lx,
                baseline,
                width: l.width,
                runs,
                space_after: l.space_after,
            });
        }
        let n = lines.len().max(1) as f32;
        LaidPara {
            para: Paragraph {
                level: p.level,
                marker,
                bullet: p.marker.as_ref().is_some_and(|m| m.1),
                indent: text_x - x,
                align,
                size,
                line_height,
                space_before,
                lines,
                rtl,
            },
            height: space_before + n * line_height,
            keep_with_next: p.keep_with_next,
        }
    }

    /// Shapes a short single-line text (markers, badges) at a baseline.
    #[allow(clippy::too_many_arguments)]
    pub fn shape_one(
        &mut self,
        s: &str,
        size: f32,
        bold: bool,
        color: Color,
        link: Option<Link>,
        x: f32,
        baseline: f32,
    ) -> GlyphRun {
        let laid = text::break_lines(
            &self.shaped(&[(s, bold)], Wrap::Anywhere),
            &[size],
            f32::MAX,
        );
        let mut text = String::new();
        let mut font = self.book.primary(bold);
        let mut width = 0.0;
        // The text in logical order; the glyphs left to right (the runs'
        // order by x differs from it where the text has right-to-left parts).
        let mut runs: Vec<(u32, &text::LaidRun)> = Vec::new();
        for r in laid.lines.iter().flat_map(|l| l.runs.iter()) {
            runs.push((text.len() as u32, r));
            text.push_str(&r.text);
            font = r.face;
            width += r.width;
        }
        runs.sort_by(|a, b| a.1.x.total_cmp(&b.1.x));
        let glyphs: Vec<Glyph> = runs
            .iter()
            .flat_map(|(base, r)| {
                r.glyphs.iter().map(move |g| Glyph {
                    start: g.start + base,
                    end: g.end + base,
                    ..*g
                })
            })
            .collect();
        let face = &self.book.faces[font];
        GlyphRun {
            x,
            baseline,
            width,
            text,
            font,
            size,
            color,
            bold,
            italic: false,
            link,
            underline: None,
            glyphs,
            ascent: face.ascent * size,
            descent: face.descent * size,
        }
    }
}

/// Where a face draws its underline at `size`: centre below the baseline and
/// thickness, from its `post` table, or a twentieth of the em below the
/// descender's top when the face gives none.
fn underline_at(face: &crate::text::fonts::Face, size: f32) -> (f32, f32) {
    match face.rb.underline_metrics() {
        Some(m) if m.thickness > 0 => {
            let (pos, thick) = (f32::from(m.position), f32::from(m.thickness));
            (
                (-pos + thick / 2.0) / face.upem * size,
                thick / face.upem * size,
            )
        }
        _ => (size * 0.12, size * 0.05),
    }
}

/// Moves a laid paragraph down by `dy`.
pub fn shift(p: &mut Paragraph, dy: f32) {
    if let Some(m) = &mut p.marker {
        m.baseline += dy;
    }
    for l in &mut p.lines {
        l.baseline += dy;
        for r in &mut l.runs {
            r.baseline += dy;
        }
    }
}

/// Splits a laid paragraph after `k` lines; the rest carries no marker.
pub fn split_lines(lp: &LaidPara, k: usize) -> (LaidPara, LaidPara) {
    let mut a = lp.clone();
    let mut b = lp.clone();
    a.para.lines.truncate(k);
    a.height = a.para.space_before + k as f32 * a.para.line_height;
    a.keep_with_next = false;
    b.para.lines.drain(..k);
    b.para.marker = None;
    let dy = -(b.para.space_before + k as f32 * b.para.line_height);
    b.para.space_before = 0.0;
    shift(&mut b.para, dy);
    b.height = b.para.lines.len() as f32 * b.para.line_height;
    (a, b)
}
