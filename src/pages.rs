//! The pages model: every slide as positioned items. Layout writes it; every
//! writer (PDF, PPTX, handout, transcript) reads only this, so all outputs
//! paginate identically. Units are PostScript points, origin at the top-left
//! of the slide, y growing downwards.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One step of an outline, in slide coordinates (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    /// Two control points, then the end point.
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Rect { x, y, w, h }
    }

    /// The outline of the rectangle with corners rounded to `radius` (at
    /// most half the shorter side), clockwise from the top edge: one
    /// geometry for every writer. `None` for square corners, which writers
    /// draw as their plain rectangle.
    pub fn rounded(&self, radius: f32) -> Option<Vec<Seg>> {
        let rad = radius.min(self.w / 2.0).min(self.h / 2.0);
        if rad <= 0.0 {
            return None;
        }
        let (x0, y0, x1, y1) = (self.x, self.y, self.right(), self.bottom());
        // Quarter circles as cubics (the usual 0.5523 handle length).
        let k = rad * 0.552_284_8;
        Some(vec![
            Seg::Move(x0 + rad, y0),
            Seg::Line(x1 - rad, y0),
            Seg::Cubic(x1 - rad + k, y0, x1, y0 + rad - k, x1, y0 + rad),
            Seg::Line(x1, y1 - rad),
            Seg::Cubic(x1, y1 - rad + k, x1 - rad + k, y1, x1 - rad, y1),
            Seg::Line(x0 + rad, y1),
            Seg::Cubic(x0 + rad - k, y1, x0, y1 - rad + k, x0, y1 - rad),
            Seg::Line(x0, y0 + rad),
            Seg::Cubic(x0, y0 + rad - k, x0 + rad - k, y0, x0 + rad, y0),
            Seg::Close,
        ])
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// True when `other` lies inside this rectangle (with a small tolerance for rounding).
    pub fn contains(&self, other: &Rect) -> bool {
        const EPS: f32 = 0.01;
        other.x >= self.x - EPS
            && other.y >= self.y - EPS
            && other.right() <= self.right() + EPS
            && other.bottom() <= self.bottom() + EPS
    }
}

/// sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub fn hex(self) -> String {
        format!("{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

/// The deck as laid out.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub meta: Meta,
    /// Slide size in points (960 × 540 for 16:9).
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineNode>,
    /// Images by id (`ImageItem::image` indexes this); each distinct file once.
    #[serde(skip)]
    pub images: Vec<ImageData>,
    /// Font faces by id (`GlyphRun::font` indexes this).
    pub fonts: Vec<FontInfo>,
    /// The theme's colours, for writers that carry a theme of their own
    /// (the PPTX theme part and slide master).
    #[serde(default)]
    pub palette: Palette,
}

/// The theme's colours by purpose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Palette {
    pub background: Color,
    pub text: Color,
    pub heading: Color,
    pub muted: Color,
    pub accent: Color,
    pub link: Color,
    pub callout_fill: Color,
    pub badge_fill: Color,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            background: Color(0xFF, 0xFF, 0xFF),
            text: Color(0, 0, 0),
            heading: Color(0x1F, 0x3A, 0x5F),
            muted: Color(0x59, 0x59, 0x59),
            accent: Color(0x2E, 0x6F, 0xB5),
            link: Color(0x1A, 0x5C, 0xB0),
            callout_fill: Color(0xEE, 0xF4, 0xFB),
            badge_fill: Color(0xC0, 0x39, 0x2B),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    pub language: String,
    /// `YYYY-MM-DD`, used for document dates instead of the wall clock.
    pub date: Option<String>,
    /// Seconds since the Unix epoch for `date` (or SOURCE_DATE_EPOCH).
    pub timestamp: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FontInfo {
    /// Family name as Office knows it, e.g. "BIZ UDPGothic".
    pub family: String,
    /// PostScript name, e.g. "BIZUDPGothic-Bold".
    pub postscript: String,
    pub bold: bool,
    /// The font file. Fonts live for the whole process (bundled ones are
    /// compiled in; a theme's own fonts are read once and kept).
    #[serde(skip)]
    pub data: &'static [u8],
    /// The face's index in `data` (a font collection holds several).
    #[serde(skip)]
    pub index: u32,
}

#[derive(Debug, Clone)]
pub struct ImageData {
    pub bytes: Arc<Vec<u8>>,
    pub format: ImageFormat,
    pub width_px: u32,
    pub height_px: u32,
    pub path: PathBuf,
    /// Draw without smoothing (PDF `/Interpolate false`): a small PNG enlarged
    /// pixel for pixel. Its pixels are already enlarged in `bytes` for the
    /// writers that cannot say so.
    pub crisp: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImageFormat {
    Png,
    Jpeg,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlineNode {
    pub title: String,
    /// 0-based page index.
    pub page: usize,
    pub children: Vec<OutlineNode>,
}

/// What kind of slide a page shows (writers may pick a matching layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Title,
    Agenda,
    Ranking,
    Paper,
    Free,
    Divider,
    Credits,
    References,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub kind: PageKind,
    /// The page's heading as plain text ("" when it has none).
    pub title: String,
    /// Line in the survey file this page comes from.
    pub source_line: u32,
    /// Background colour of the whole slide.
    pub background: Color,
    /// Items in reading and painting order.
    pub items: Vec<Item>,
    /// Speaker notes.
    pub notes: Option<String>,
    /// Per line of the notes (as `note_lines` splits them): the line is
    /// right to left. Layout decides it, so writers need no bidi of their own.
    #[serde(skip_serializing_if = "none_true")]
    pub notes_rtl: Vec<bool>,
    /// The paper a paper slide presents (its id and link), for printed pages'
    /// QR codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paper: Option<PaperRef>,
}

/// A paper by its arXiv id and link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaperRef {
    pub id: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Item {
    Text(TextBlock),
    Shape(Shape),
    Image(ImageItem),
}

/// What a text block is, for tagging, PPTX placeholders and the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The slide's heading.
    Title,
    /// A line under the heading (the original title, a subtitle).
    Subtitle,
    /// A small label above the heading or a tag.
    Label,
    Body,
    /// Text inside a commentary or callout box.
    Callout,
    Caption,
    /// Small text: image credits, the organisation note.
    Note,
    Badge,
    Footer,
    SlideNumber,
}

impl Role {
    /// Header, footer and page numbers are furniture, not content.
    pub fn is_artifact(self) -> bool {
        matches!(self, Role::Footer | Role::SlideNumber)
    }
}

/// One text box: paragraphs of laid-out lines.
#[derive(Debug, Clone, Serialize)]
pub struct TextBlock {
    pub role: Role,
    /// The box the text was laid out in; every line lies inside it.
    pub rect: Rect,
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// Bullet nesting level, 0 = top; `None` for plain paragraphs.
    pub level: Option<u8>,
    /// The bullet mark or number drawn before the first line ("•", "1.", "①").
    pub marker: Option<GlyphRun>,
    /// True when the marker is a bullet mark (decoration), false when it is a
    /// number that belongs to the text ("1.", "①").
    pub bullet: bool,
    /// Left edge of the text lines (after the marker's hanging indent).
    pub indent: f32,
    pub align: Align,
    /// Font size of the paragraph's text (after auto-fit).
    pub size: f32,
    /// Distance between baselines.
    pub line_height: f32,
    /// Space above the paragraph (before its first line).
    pub space_before: f32,
    pub lines: Vec<Line>,
    /// The paragraph is right to left (its first strong character is
    /// Arabic, Hebrew…): its runs stay in logical order, placed by x.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rtl: bool,
}

impl Paragraph {
    /// The paragraph's text: its lines joined, with a space where layout
    /// broke a line at one (line breaks are soft).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.text());
            if line.space_after {
                out.push(' ');
            }
        }
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// Left edge and baseline of the line, absolute.
    pub x: f32,
    pub baseline: f32,
    /// Width of the ink advance (trailing spaces excluded).
    pub width: f32,
    /// Runs in logical (reading) order; where the line holds right-to-left
    /// text their x is not increasing, and a right-to-left run's glyphs
    /// (drawn left to right) go backwards through its text.
    pub runs: Vec<GlyphRun>,
    /// Layout broke the paragraph after this line at white space it
    /// dropped: a writer joining the lines puts a space back here.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub space_after: bool,
}

impl Line {
    /// The line's text in logical order.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// The line's clusters at the x their glyphs are drawn, left to right:
    /// what a reader sees, where `text` is what a text layer reads.
    pub fn clusters_left_to_right(&self) -> Vec<(f32, &str)> {
        left_to_right(
            self.runs
                .iter()
                .map(|r| (r.x, r.text.as_str(), r.glyphs.as_slice())),
        )
    }
}

/// The clusters of runs given as (pen x, text, glyphs), each at the x of
/// its first glyph, sorted left to right. Shared with the line breaker's
/// tests, whose lines are not yet placed on a page.
pub fn left_to_right<'a>(
    runs: impl Iterator<Item = (f32, &'a str, &'a [Glyph])>,
) -> Vec<(f32, &'a str)> {
    let mut at = Vec::new();
    for (x, text, glyphs) in runs {
        let mut pen = x;
        let mut prev = None;
        for g in glyphs {
            // Glyphs of one cluster (a ligature's parts) share its text.
            if prev != Some(g.start) {
                at.push((pen, &text[g.start as usize..g.end as usize]));
            }
            prev = Some(g.start);
            pen += g.advance;
        }
    }
    at.sort_by(|a, b| a.0.total_cmp(&b.0));
    at
}

/// A link target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Link {
    Url(String),
    /// 0-based page index inside the document.
    Page(usize),
}

/// Shaped glyphs of one font and style, with the text they came from.
#[derive(Debug, Clone, Serialize)]
pub struct GlyphRun {
    /// Start of the run's pen position (absolute x) on the line's baseline.
    pub x: f32,
    pub baseline: f32,
    pub width: f32,
    pub text: String,
    /// Index into `Document::fonts`.
    pub font: usize,
    pub size: f32,
    pub color: Color,
    pub bold: bool,
    pub italic: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// An underline (links, when the theme asks): its centre below the
    /// baseline and its thickness, in points, from the font's metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub underline: Option<(f32, f32)>,
    #[serde(skip)]
    pub glyphs: Vec<Glyph>,
    /// Ascent and descent of the font at this size (for link areas and highlights).
    #[serde(skip)]
    pub ascent: f32,
    #[serde(skip)]
    pub descent: f32,
}

impl GlyphRun {
    /// The glyphs go forwards through the text, as in a left-to-right run;
    /// a right-to-left run's are drawn left to right, backwards.
    pub fn reads_forward(&self) -> bool {
        self.glyphs.windows(2).all(|p| p[0].start <= p[1].start)
    }

    /// The underline's rectangle, when the run has one: under the run's
    /// text, trailing spaces left out.
    pub fn underline_rect(&self) -> Option<Rect> {
        let (below, thick) = self.underline?;
        let kept = self.text.trim_end().len() as u32;
        let width = self
            .glyphs
            .iter()
            .filter(|g| g.start < kept)
            .map(|g| g.advance)
            .sum::<f32>()
            .min(self.width);
        (width > 0.0 && thick > 0.0)
            .then(|| Rect::new(self.x, self.baseline + below - thick / 2.0, width, thick))
    }

    /// The area the run covers, from ascent to descent.
    pub fn rect(&self) -> Rect {
        Rect::new(
            self.x,
            self.baseline - self.ascent,
            self.width,
            self.ascent + self.descent,
        )
    }
}

/// One glyph; advances and offsets in points at the run's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    /// Byte range of the run's text this glyph stands for.
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeRole {
    /// The band behind a heading or a title slide.
    Band,
    /// A rule under the heading.
    Rule,
    /// The commentary or callout box.
    Callout,
    Badge,
    /// A thin frame (handouts).
    Frame,
    /// A module run of a QR code (handouts, notes pages).
    Code,
}

#[derive(Debug, Clone, Serialize)]
pub struct Shape {
    pub role: ShapeRole,
    pub rect: Rect,
    pub fill: Option<Color>,
    pub stroke: Option<(Color, f32)>,
    /// Corner radius (0 = square corners).
    pub radius: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageItem {
    /// Index into `Document::images`.
    pub image: usize,
    pub rect: Rect,
    /// Alternative text (the alt field, else the caption).
    pub alt: Option<String>,
}

fn none_true(flags: &[bool]) -> bool {
    !flags.contains(&true)
}

/// The lines of speaker notes, one paragraph each in every writer.
pub fn note_lines(notes: &str) -> std::str::Lines<'_> {
    notes.trim_end().lines()
}

impl Page {
    /// The notes' lines, each with whether it is right to left.
    pub fn note_lines(&self) -> impl Iterator<Item = (&str, bool)> {
        let rtl = self
            .notes_rtl
            .iter()
            .copied()
            .chain(std::iter::repeat(false));
        self.notes
            .as_deref()
            .map(note_lines)
            .into_iter()
            .flatten()
            .zip(rtl)
    }

    /// The page's text in reading order, one paragraph per line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            if let Item::Text(t) = item {
                if t.role.is_artifact() {
                    continue;
                }
                for p in &t.paragraphs {
                    if let Some(m) = &p.marker
                        && !p.bullet
                        && !m.text.is_empty()
                    {
                        out.push_str(&m.text);
                        out.push(' ');
                    }
                    out.push_str(&p.text());
                    out.push('\n');
                }
            }
        }
        out
    }
}

impl Page {
    /// Every glyph run of the page's text lines (markers excluded), in order.
    pub fn runs(&self) -> impl Iterator<Item = &GlyphRun> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) => Some(t),
                _ => None,
            })
            .flat_map(|t| {
                t.paragraphs
                    .iter()
                    .flat_map(|p| p.lines.iter())
                    .flat_map(|l| l.runs.iter())
            })
    }

    /// The distinct URLs linked from the page, in order.
    pub fn urls(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.runs() {
            if let Some(Link::Url(u)) = &r.link
                && !out.contains(u)
            {
                out.push(u.clone());
            }
        }
        out
    }
}

/// Year, month, day, hour, minute, second (UTC) of a Unix timestamp (`Meta::timestamp`),
/// for the writers' document dates.
pub fn civil(ts: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Days to civil date (proleptic Gregorian), after Howard Hinnant's method.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_outlines_close_on_the_rectangle() {
        let r = Rect::new(10.0, 20.0, 100.0, 40.0);
        assert_eq!(r.rounded(0.0), None);
        // The radius is limited to half the shorter side: a stadium.
        let segs = r.rounded(50.0).expect("rounded");
        let ends: Vec<(f32, f32)> = segs
            .iter()
            .filter_map(|s| match *s {
                Seg::Move(x, y) | Seg::Line(x, y) | Seg::Cubic(_, _, _, _, x, y) => Some((x, y)),
                Seg::Close => None,
            })
            .collect();
        assert_eq!(ends.first(), ends.last(), "closed");
        for (x, y) in &ends {
            assert!((10.0..=110.0).contains(x) && (20.0..=60.0).contains(y));
        }
        assert!(ends.contains(&(110.0, 40.0)) && ends.contains(&(10.0, 40.0)));
        assert_eq!(segs.last(), Some(&Seg::Close));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(1_602_028_800), (2020, 10, 7, 0, 0, 0));
        assert_eq!(civil(951_782_400 + 3661), (2000, 2, 29, 1, 1, 1));
        assert_eq!(civil(-1), (1969, 12, 31, 23, 59, 59));
    }
}
