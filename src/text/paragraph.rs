//! Paragraph layout: styled spans → shaped, broken lines.
//!
//! Shaping runs once per paragraph over maximal runs of one face and style;
//! lines are then filled greedily from UAX #14 + kinsoku opportunities, or
//! only between phrases (BudouX) where the paragraph asks for it, with
//! titles' lines balanced. A line about to push its last unit down keeps
//! it when its Japanese–Latin gaps, shrunk towards an eighth of an em, make
//! room (JLREQ 3.2.3). The
//! bundled face has no contextual Latin features, so slicing shaped glyphs at
//! a break gives the same advances as reshaping each line would.
//!
//! Paragraphs with right-to-left text get bidi levels (UAX #9) first: each
//! level run is shaped in its direction, lines break on the logical text,
//! then each line's runs are placed in visual order (rule L2). Runs stay in
//! logical order in the line, so text layers read as the survey is written.

use super::fonts::FontBook;
use super::linebreak::{
    Strictness, is_japanese_letter, is_western, no_end, no_start_at, opportunities_at,
};
use super::phrase;
use crate::pages::Glyph;
use std::sync::OnceLock;
use unicode_bidi::Level;

/// Where a paragraph's lines may break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Wrap {
    /// At every opportunity (UAX #14 and kinsoku): body text.
    #[default]
    Anywhere,
    /// Between phrases (BudouX) and at spaces; a phrase wider than the box
    /// breaks inside at the opportunities above.
    Phrases,
    /// Phrases, and lines balanced (a title should not end in a stub).
    Balanced,
}

/// How a paragraph breaks: JLREQ strictness and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Breaking {
    pub strictness: Strictness,
    pub wrap: Wrap,
}

/// A span of text with the style that affects its measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanStyle {
    pub size: f32,
    pub bold: bool,
}

/// One laid-out run: glyphs of one face, one input span and one direction.
#[derive(Debug, Clone)]
pub struct LaidRun {
    /// Pen x relative to the line start: runs are in logical order, so in
    /// a line with right-to-left text they are not in order of x.
    pub x: f32,
    pub width: f32,
    pub text: String,
    pub face: usize,
    pub size: f32,
    /// Index of the input span this run belongs to.
    pub span: usize,
    /// Glyph ranges are relative to `text`. Glyphs are in visual order: a
    /// right-to-left run's ranges go backwards through `text`.
    pub glyphs: Vec<Glyph>,
    /// The run is right to left (an odd bidi level).
    pub rtl: bool,
}

#[derive(Debug, Clone, Default)]
pub struct LaidLine {
    pub width: f32,
    pub runs: Vec<LaidRun>,
    /// The break after this line replaced white space (dropped from both
    /// lines): text layers joining the lines put a space back there.
    pub space_after: bool,
}

impl LaidLine {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Laid {
    pub lines: Vec<LaidLine>,
    /// Characters no face covers (drawn as .notdef; the caller warns).
    pub missing: Vec<char>,
    /// True when a word wider than the box had to be broken inside.
    pub forced: bool,
    /// The paragraph is right to left (its first strong character is).
    pub rtl: bool,
}

/// A glyph with its absolute byte cluster in the paragraph text; advances
/// and offsets in em (they scale linearly with the size: the bundled faces
/// have no hinting or size-specific features).
#[derive(Clone, Copy)]
struct G {
    id: u16,
    advance: f32,
    dx: f32,
    dy: f32,
    start: usize,
    end: usize,
    face: usize,
    span: usize,
}

/// A paragraph shaped once, at one em: line breaking at any size and width
/// reuses it (auto-fit tries several sizes).
#[derive(Clone)]
pub struct Shaped {
    text: String,
    /// Input span index per byte of `text`.
    span_of: Vec<usize>,
    glyphs: Vec<G>,
    /// Bytes after which JLREQ puts a quarter-em gap.
    gap_after: Vec<bool>,
    /// Some byte has a gap after it (most paragraphs have none).
    any_gap: bool,
    /// Break opportunities, with 0 and the end.
    bounds: Vec<usize>,
    /// The phrase boundaries among them (with 0 and the end), found on
    /// first use: most paragraphs that break between phrases fit on one
    /// line and never need BudouX's scores.
    phrase_bounds: OnceLock<Vec<usize>>,
    wrap: Wrap,
    strictness: Strictness,
    /// Bidi level per byte of `text`; empty when nothing is right to left.
    levels: Vec<Level>,
    rtl: bool,
    /// Characters no face covers (drawn as .notdef; the caller warns).
    pub missing: Vec<char>,
}

impl Shaped {
    /// The paragraph's direction is right to left.
    pub fn rtl(&self) -> bool {
        self.rtl
    }

    /// The opportunities its lines may break at: all of them, or only the
    /// phrase boundaries.
    fn breaks(&self) -> &[usize] {
        if self.wrap == Wrap::Anywhere {
            &self.bounds
        } else {
            self.phrase_bounds
                .get_or_init(|| phrase_bounds(&self.text, &self.bounds))
        }
    }
}

/// Right-to-left letters, Arabic digits, RLM and the RLE, RLO and RLI
/// controls all lie in these blocks: kana and kanji skip the class lookup.
fn may_be_rtl(c: char) -> bool {
    matches!(c as u32,
        0x590..=0x8FF | 0x200F | 0x202B | 0x202E | 0x2067 | 0xFB1D..=0xFEFF
        | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// True when `text` is a right-to-left paragraph: its first strong
/// character is (UAX #9 rules P2 and P3), for writers that lay out text of
/// their own (the PPTX notes).
pub fn starts_right_to_left(text: &str) -> bool {
    text.chars().any(may_be_rtl)
        && unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl
}

/// Bidi levels per byte (UAX #9, the paragraph's direction from its first
/// strong character) and whether the paragraph is right to left. Text with
/// no right-to-left character (almost every paragraph) skips the algorithm.
fn bidi_levels(text: &str) -> (Vec<Level>, bool) {
    use unicode_bidi::BidiClass::{AL, AN, R, RLE, RLI, RLO};
    let any_rtl = text.chars().any(|c| {
        may_be_rtl(c) && matches!(unicode_bidi::bidi_class(c), R | AL | AN | RLE | RLI | RLO)
    });
    if !any_rtl {
        return (Vec::new(), false);
    }
    let info = unicode_bidi::ParagraphBidiInfo::new(text, None);
    (info.levels, info.paragraph_level.is_rtl())
}

/// Shapes `spans` (text, bold) into one paragraph that breaks anywhere at
/// the default strictness.
pub fn shape_paragraph(book: &FontBook, spans: &[(&str, bool)]) -> Shaped {
    shape_paragraph_with(book, spans, Breaking::default())
}

/// Shapes `spans` (text, bold) into one paragraph that breaks as `breaking` says.
pub fn shape_paragraph_with(book: &FontBook, spans: &[(&str, bool)], breaking: Breaking) -> Shaped {
    let mut text = String::new();
    let mut span_of = Vec::new();
    for (i, (t, _)) in spans.iter().enumerate() {
        // Newlines inside a paragraph are soft in our model: treat as spaces.
        for c in t.chars() {
            let c = if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            };
            text.push(c);
            span_of.extend(std::iter::repeat_n(i, c.len_utf8()));
        }
    }
    let mut missing = Vec::new();
    let (levels, rtl) = bidi_levels(&text);
    let glyphs = shape(book, &text, &span_of, spans, &levels, &mut missing);
    let gap_after = quarter_em_gaps(&text);
    let any_gap = gap_after.contains(&true);
    let mut bounds = vec![0];
    bounds.extend(opportunities_at(&text, breaking.strictness));
    bounds.push(text.len());
    Shaped {
        text,
        span_of,
        glyphs,
        gap_after,
        any_gap,
        bounds,
        phrase_bounds: OnceLock::new(),
        wrap: breaking.wrap,
        strictness: breaking.strictness,
        levels,
        rtl,
        missing,
    }
}

/// The opportunities in `bounds` that start a BudouX phrase or follow a space.
fn phrase_bounds(text: &str, bounds: &[usize]) -> Vec<usize> {
    let starts = phrase::boundaries(text);
    bounds
        .iter()
        .copied()
        .filter(|&b| {
            b == 0
                || b == text.len()
                || starts.binary_search(&b).is_ok()
                || text[..b].ends_with(char::is_whitespace)
        })
        .collect()
}

/// Lays out `spans` (text, style) in lines at most `width` wide.
pub fn layout(book: &FontBook, spans: &[(&str, SpanStyle)], width: f32) -> Laid {
    let bolds: Vec<(&str, bool)> = spans.iter().map(|(t, s)| (*t, s.bold)).collect();
    let sizes: Vec<f32> = spans.iter().map(|(_, s)| s.size).collect();
    break_lines(&shape_paragraph(book, &bolds), &sizes, width)
}

/// Widths at one size: glyphs in points and prefix sums for O(1) measures.
struct Measure<'a> {
    text: &'a str,
    glyphs: Vec<G>,
    /// Gap (points) after the character starting at each byte.
    gaps: Vec<f32>,
    /// prefix[i]: advance of everything before byte i, gaps included.
    prefix: Vec<f32>,
    /// Font size of each input span.
    sizes: &'a [f32],
    /// Bidi level per byte; empty when the paragraph is all left to right.
    levels: &'a [Level],
    /// The paragraph has a Japanese–Latin gap somewhere.
    any_gap: bool,
}

/// How much of each Japanese–Latin gap a line may give up to keep its last
/// unit (JLREQ 3.2.3: a quarter em down to an eighth).
const GAP_SHRINK: f32 = 0.5;

impl Measure<'_> {
    fn width(&self, start: usize, end: usize) -> f32 {
        self.prefix[end] - self.prefix[start]
    }

    /// The gap after the last character before `at`, which a line end drops.
    fn gap_before(&self, at: usize) -> f32 {
        self.text[..at]
            .char_indices()
            .last()
            .map_or(0.0, |(i, _)| self.gaps[i])
    }

    /// Ink width of `start..end`: trailing spaces and a trailing gap excluded.
    fn ink(&self, start: usize, end: usize) -> f32 {
        let trimmed = start + self.text[start..end].trim_end().len();
        self.width(start, trimmed) - self.gap_before(trimmed)
    }

    /// The gaps inside the ink of `start..end`: those a line may shrink.
    /// Summed on demand: only lines about to break, in paragraphs with a
    /// gap, ask.
    fn inner_gaps(&self, start: usize, end: usize) -> f32 {
        let trimmed = start + self.text[start..end].trim_end().len();
        let last = self.text[start..trimmed]
            .char_indices()
            .last()
            .map_or(start, |(i, _)| start + i);
        self.gaps[start..last].iter().sum()
    }

    /// True when `start..end` fits `width` once its gaps are shrunk as far
    /// as they may; a line that fits as it is never asks.
    fn fits_shrunk(&self, start: usize, end: usize, width: f32) -> bool {
        self.any_gap && self.ink(start, end) - GAP_SHRINK * self.inner_gaps(start, end) <= width
    }

    /// The share of its gaps a line `start..end` keeps to fit `width`: 1
    /// when it fits as it is, else just what it needs (at least
    /// 1 - [`GAP_SHRINK`]), the same for every gap of the line.
    fn gap_scale(&self, start: usize, end: usize, width: f32, eps: f32) -> f32 {
        if !self.any_gap {
            return 1.0;
        }
        let over = self.ink(start, end) - width;
        if over <= eps {
            return 1.0;
        }
        let gaps = self.inner_gaps(start, end);
        if gaps <= 0.0 {
            return 1.0;
        }
        1.0 - (over / gaps).min(GAP_SHRINK)
    }
}

/// Breaks a shaped paragraph into lines at most `width` wide, each span at
/// its size in `sizes`.
pub fn break_lines(shaped: &Shaped, sizes: &[f32], width: f32) -> Laid {
    let mut laid = Laid {
        missing: shaped.missing.clone(),
        rtl: shaped.rtl,
        ..Laid::default()
    };
    let text = shaped.text.as_str();
    if text.is_empty() {
        return laid;
    }
    let size_at = |span: usize| sizes.get(span).copied().unwrap_or(0.0);
    let glyphs: Vec<G> = shaped
        .glyphs
        .iter()
        .map(|g| {
            let s = size_at(g.span);
            G {
                advance: g.advance * s,
                dx: g.dx * s,
                dy: g.dy * s,
                ..*g
            }
        })
        .collect();
    let gaps: Vec<f32> = shaped
        .gap_after
        .iter()
        .enumerate()
        .map(|(i, &on)| {
            if on {
                size_at(shaped.span_of[i]) * 0.25
            } else {
                0.0
            }
        })
        .collect();
    let mut prefix = vec![0.0f32; text.len() + 1];
    let mut adv = vec![0.0f32; text.len()];
    for g in &glyphs {
        adv[g.start] += g.advance;
    }
    for i in 0..text.len() {
        prefix[i + 1] = prefix[i] + adv[i] + gaps[i];
    }
    let m = Measure {
        text,
        glyphs,
        gaps,
        prefix,
        sizes,
        levels: &shaped.levels,
        any_gap: shaped.any_gap,
    };

    // A paragraph clearly narrower than the box is the one line the greedy
    // fill below would give (its units' widths add up to the whole): most
    // paragraphs, which then skip the units, balancing and BudouX. The
    // margin covers the float sums' rounding, so the result is the same.
    let whole = m.ink(0, text.len());
    if whole > 0.0 && whole <= width - 0.01 - width.abs() * 1e-4 {
        laid.lines.push(build_line(&m, 0, text.len(), 1.0));
        return laid;
    }

    // Units between break opportunities, each with its ink width and its
    // trailing (droppable) width: spaces and the Japanese–Latin gap.
    let phrased = shaped.wrap != Wrap::Anywhere;
    let bounds = shaped.breaks();
    let mut units: Vec<Unit> = bounds
        .windows(2)
        .map(|w| Unit::measure(&m, w[0], w[1]))
        .collect();

    // Greedy fill; a unit wider than the box alone is cut at characters.
    let mut lines: Vec<(usize, usize)> = Vec::new(); // byte ranges
    let mut start = 0usize;
    let mut cur = 0.0f32;
    let mut end = 0usize;
    let eps = 0.001;
    let mut i = 0;
    // True once a phrase too wide for the box was broken inside.
    let mut split_phrase = false;
    while i < units.len() {
        let u = &units[i];
        if phrased && u.ink > width + eps && !m.fits_shrunk(u.start, u.end, width + eps) {
            // A phrase no line can hold: break it at its inner opportunities,
            // starting on the current line.
            let inner = &shaped.bounds[shaped.bounds.partition_point(|&b| b <= u.start)
                ..shaped.bounds.partition_point(|&b| b < u.end)];
            if !inner.is_empty() {
                let mut at = vec![u.start];
                at.extend_from_slice(inner);
                at.push(u.end);
                let subs: Vec<Unit> = at
                    .windows(2)
                    .map(|w| Unit::measure(&m, w[0], w[1]))
                    .collect();
                units.splice(i..=i, subs);
                split_phrase = true;
                continue;
            }
        }
        // A line that fits only with its gaps shrunk keeps the unit: the
        // gaps give way before a line is pushed out (JLREQ 3.2.3).
        if end > start && cur + u.ink > width + eps && !m.fits_shrunk(start, u.end, width + eps) {
            lines.push((start, end));
            start = u.start;
            cur = 0.0;
            end = start;
            continue;
        }
        if end == start && u.ink > width + eps && !m.fits_shrunk(u.start, u.end, width + eps) {
            // Emergency break inside the unit, character by character.
            laid.forced = true;
            let mut w = 0.0;
            let mut cut = u.start;
            let mut kinsoku_cut = None;
            let mut prev: Option<char> = None;
            for (off, c) in text[u.start..u.end].char_indices() {
                let at = u.start + off;
                // Prefer a cut that keeps kinsoku, even inside a too-long unit.
                if at > u.start && !no_start_at(c, shaped.strictness) && !prev.is_some_and(no_end) {
                    kinsoku_cut = Some(at);
                }
                let cw = m.width(at, at + c.len_utf8());
                if w + cw > width + eps && at > u.start {
                    if let Some(k) = kinsoku_cut {
                        cut = k;
                    }
                    break;
                }
                w += cw;
                cut = at + c.len_utf8();
                prev = Some(c);
            }
            if cut >= u.end {
                cur = u.ink + u.trail;
                end = u.end;
                i += 1;
            } else {
                lines.push((u.start, cut));
                units[i] = Unit::measure(&m, cut, u.end);
                start = cut;
                end = cut;
                cur = 0.0;
            }
            continue;
        }
        cur += u.ink + u.trail;
        end = u.end;
        i += 1;
    }
    if end > start {
        lines.push((start, end));
    }
    if shaped.wrap == Wrap::Balanced && !laid.forced && !split_phrase {
        balance(&m, bounds, &shaped.bounds, &mut lines, width);
    }
    avoid_widow(&m, bounds, shaped.strictness, &mut lines, width);

    let last = lines.len().saturating_sub(1);
    for (k, (s, e)) in lines.into_iter().enumerate() {
        let mut line = build_line(&m, s, e, m.gap_scale(s, e, width, eps));
        // Only a break drops white space; the paragraph's own end keeps none.
        line.space_after = k < last && text[s..e].ends_with(char::is_whitespace);
        laid.lines.push(line);
    }
    laid
}

struct Unit {
    start: usize,
    end: usize,
    ink: f32,
    trail: f32,
}

impl Unit {
    fn measure(m: &Measure, start: usize, end: usize) -> Unit {
        let ink = m.ink(start, end);
        Unit {
            start,
            end,
            ink,
            trail: m.width(start, end) - ink,
        }
    }
}

/// JLREQ: a quarter-em between kana/kanji and Latin letters or digits when no
/// space separates them. Marked at the byte offset of the character it follows.
fn quarter_em_gaps(text: &str) -> Vec<bool> {
    let mut gaps = vec![false; text.len() + 1];
    let mut prev: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        if let Some((pi, p)) = prev
            && ((is_japanese_letter(p) && is_western(c))
                || (is_western(p) && is_japanese_letter(c)))
        {
            gaps[pi] = true;
        }
        prev = Some((i, c));
    }
    gaps
}

fn shape(
    book: &FontBook,
    text: &str,
    span_of: &[usize],
    spans: &[(&str, bool)],
    levels: &[Level],
    missing: &mut Vec<char>,
) -> Vec<G> {
    // Segment into runs of one span, one face and one bidi level, a grapheme
    // cluster at a time: combining marks, joiners and variation selectors
    // take their base character's face.
    let level_at = |i: usize| levels.get(i).copied();
    let mut segs: Vec<(usize, usize, usize, usize, Option<Level>)> = Vec::new(); // start, end, span, face, level
    for (i, g) in clusters(text) {
        let span = span_of[i];
        let level = level_at(i);
        let bold = spans[span].1;
        // Between right-to-left words a space stays in their face when it
        // has one: one shaped run per phrase, which text extraction keeps
        // together with its spaces.
        let same_run_space = segs
            .last()
            .filter(|s| {
                g == " "
                    && level.is_some_and(|l| l.is_rtl())
                    && s.2 == span
                    && s.4 == level
                    && book.faces[s.3].rb.glyph_index(' ').is_some()
            })
            .map(|s| s.3);
        let face = match same_run_space.or_else(|| cluster_face(book, g, bold)) {
            Some(f) => f,
            None => {
                if let Some(c) = g.chars().next()
                    && !c.is_whitespace()
                    && !missing.contains(&c)
                {
                    missing.push(c);
                }
                // Keep spaces and unknown characters with the neighbouring run.
                segs.last()
                    .filter(|s| s.2 == span)
                    .map_or(book.primary(bold), |s| s.3)
            }
        };
        match segs.last_mut() {
            Some(s) if s.2 == span && s.3 == face && s.4 == level && s.1 == i => s.1 = i + g.len(),
            _ => segs.push((i, i + g.len(), span, face, level)),
        }
    }
    let mut out = Vec::with_capacity(text.len() / 2);
    for (s, e, span, face, level) in segs {
        let f = &book.faces[face];
        let scale = 1.0 / f.upem;
        let rtl = level.is_some_and(|l| l.is_rtl());
        let shaped = f.shape_directed(&text[s..e], level.map(|_| rtl));
        let infos = shaped.glyph_infos();
        let pos = shaped.glyph_positions();
        // Cluster ends: the next distinct cluster start.
        let mut starts: Vec<usize> = infos.iter().map(|g| g.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        // Glyphs are kept in logical order (a right-to-left run comes out of
        // the shaper reversed; each line turns it back).
        let mut order: Vec<usize> = (0..infos.len()).collect();
        if rtl {
            order.reverse();
        }
        let mut prev_cluster = usize::MAX;
        for (info, p) in order.into_iter().map(|k| (&infos[k], &pos[k])) {
            let cs = info.cluster as usize;
            let first = cs != prev_cluster;
            prev_cluster = cs;
            // A mark or joiner the face lacks draws nothing rather than a
            // box (its base is drawn; the text still carries it).
            if info.glyph_id == 0 && !first {
                if let Some(c) = text[s + cs..e]
                    .chars()
                    .skip(1)
                    .find(|&c| !is_ignorable(c) && f.rb.glyph_index(c).is_none())
                    && !missing.contains(&c)
                {
                    missing.push(c);
                }
                continue;
            }
            let next = starts.partition_point(|&x| x <= cs);
            let ce = starts.get(next).copied().unwrap_or(e - s);
            out.push(G {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: p.x_advance as f32 * scale,
                dx: p.x_offset as f32 * scale,
                dy: p.y_offset as f32 * scale,
                start: s + cs,
                end: s + ce,
                face,
                span,
            });
        }
    }
    out
}

/// Grapheme clusters with their byte offsets. UAX #29 always breaks
/// between two characters that never join a neighbour ([`never_joins`]),
/// so only the stretches around other characters (marks, joiners, emoji,
/// Hangul jamo, Indic scripts) go through the segmenter: it was a tenth of
/// shaping's cost on Japanese text.
fn clusters(text: &str) -> Clusters<'_> {
    Clusters {
        text,
        pos: 0,
        stretch: None,
    }
}

struct Clusters<'a> {
    text: &'a str,
    /// Where the next cluster starts: always a cluster boundary.
    pos: usize,
    /// The segmenter over a stretch, and the stretch's start.
    stretch: Option<(usize, unicode_segmentation::GraphemeIndices<'a>)>,
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        use unicode_segmentation::UnicodeSegmentation;
        if let Some((base, segs)) = &mut self.stretch {
            if let Some((i, g)) = segs.next() {
                return Some((*base + i, g));
            }
            self.stretch = None;
        }
        let text = self.text;
        let start = self.pos;
        let c = text[start..].chars().next()?;
        let after = start + c.len_utf8();
        if never_joins(c) && text[after..].chars().next().is_none_or(never_joins) {
            self.pos = after;
            return Some((start, &text[start..after]));
        }
        // The stretch ends at the next boundary the rules guarantee: between
        // two characters that never join. No rule looks across it.
        let mut prev = c;
        let mut end = text.len();
        for (k, d) in text[after..].char_indices() {
            if never_joins(prev) && never_joins(d) {
                end = after + k;
                break;
            }
            prev = d;
        }
        self.pos = end;
        self.stretch = Some((start, text[start..end].grapheme_indices(true)));
        self.next()
    }
}

/// Characters whose Grapheme_Cluster_Break is Other and that no rule of
/// UAX #29 joins to a neighbour (not Extended_Pictographic, no Indic
/// conjunct property, not a regional indicator): printable ASCII, Latin-1
/// letters, general punctuation, CJK punctuation, kana, kanji and
/// fullwidth and halfwidth forms. Everything else goes to the segmenter.
fn never_joins(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E | 0xC0..=0xFF | 0x2010..=0x2027 | 0x2030..=0x203B
        | 0x3000..=0x3029 | 0x3041..=0x3096 | 0x309B..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E | 0xFF61..=0xFF9D)
}

/// Characters that draw nothing by themselves: joiners, variation selectors
/// and other default-ignorable format characters.
fn is_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// The face for one grapheme cluster: the first family that has every
/// visible character of it, else the one that has its base character.
fn cluster_face(book: &FontBook, g: &str, bold: bool) -> Option<usize> {
    let mut chars = g.chars();
    let base = chars.next()?;
    if chars.as_str().is_empty() {
        return book.face_for(base, bold);
    }
    let visible: Vec<char> = g.chars().filter(|&c| !is_ignorable(c)).collect();
    book.face_covering(&visible, bold)
        .or_else(|| book.face_for(base, bold))
}

/// Titles: among the phrase breaks giving the same number of lines (two or
/// three), the one whose longest line is shortest, so the last line is not
/// a stub. Breaks a greedy renderer would reproduce at some box width (each
/// line plus the next line's first unit wider than the longest line: the
/// PPTX wraps by itself) come first, then a last line of more than one
/// phrase, then balance.
fn balance(
    m: &Measure,
    bounds: &[usize],
    fine: &[usize],
    lines: &mut Vec<(usize, usize)>,
    width: f32,
) {
    let n = lines.len();
    if !(2..=3).contains(&n) {
        return;
    }
    let (first, end) = (lines[0].0, lines[n - 1].1);
    let inner: Vec<usize> = bounds
        .iter()
        .copied()
        .filter(|&b| b > first && b < end)
        .collect();
    let head = |b: usize| {
        let next = fine
            .get(fine.partition_point(|&x| x <= b))
            .copied()
            .unwrap_or(end);
        m.ink(b, next.min(end))
    };
    let judge = |cuts: &[usize]| -> Option<(bool, bool, f32)> {
        let mut edges = vec![first];
        edges.extend_from_slice(cuts);
        edges.push(end);
        // A line that fits only with its gaps shrunk is as wide as the box.
        let widths: Vec<f32> = edges
            .windows(2)
            .map(|w| match m.ink(w[0], w[1]) {
                ink if ink > width + 0.001 && m.fits_shrunk(w[0], w[1], width + 0.001) => width,
                ink => ink,
            })
            .collect();
        let widest = widths.iter().copied().fold(0.0f32, f32::max);
        if widest > width + 0.001 || widths.iter().any(|&w| w <= 0.0) {
            return None;
        }
        // A renderer wrapping by characters keeps these breaks at some width.
        let repro = (0..n - 1).all(|k| widths[k] + head(edges[k + 1]) > widest + 2.0);
        let last = edges[n - 1];
        let stub = !inner.iter().any(|&b| b > last && b < end);
        Some((!repro, stub, widest))
    };
    let mut best: Option<((bool, bool, f32), Vec<usize>)> = None;
    let mut consider = |cuts: Vec<usize>| {
        if let Some(k) = judge(&cuts)
            && best.as_ref().is_none_or(|(b, _)| k < *b)
        {
            best = Some((k, cuts));
        }
    };
    for (i, &a) in inner.iter().enumerate() {
        if n == 2 {
            consider(vec![a]);
        } else {
            for &b in &inner[i + 1..] {
                consider(vec![a, b]);
            }
        }
    }
    if let Some((_, cuts)) = best {
        let mut edges = vec![first];
        edges.extend(cuts);
        edges.push(end);
        *lines = edges.windows(2).map(|w| (w[0], w[1])).collect();
    }
}

/// A paragraph's last line should not hold a lone character (JLREQ widow
/// adjustment): pull the previous line's last unit down when it fits.
fn avoid_widow(
    m: &Measure,
    bounds: &[usize],
    level: Strictness,
    lines: &mut [(usize, usize)],
    width: f32,
) {
    let text = m.text;
    let n = lines.len();
    if n < 2 {
        return;
    }
    let (ls, le) = lines[n - 1];
    let last: Vec<char> = text[ls..le].trim_end().chars().collect();
    let lone = match last.as_slice() {
        [_] => true,
        [_, p] => no_start_at(*p, level),
        _ => false,
    };
    if !lone {
        return;
    }
    let (ps, pe) = lines[n - 2];
    // The last opportunity inside the previous line, leaving it non-trivial.
    let Some(&cut) = bounds.iter().rfind(|&&b| b > ps && b < pe) else {
        return;
    };
    if text[ps..cut].trim().chars().count() < 2 {
        return;
    }
    if m.ink(cut, le) <= width || m.fits_shrunk(cut, le, width) {
        lines[n - 2] = (ps, cut);
        lines[n - 1] = (cut, le);
    }
}

/// Lays out `start..end` as one line, its Japanese–Latin gaps at
/// `gap_scale` of their full width.
fn build_line(m: &Measure, start: usize, end: usize, gap_scale: f32) -> LaidLine {
    let text = m.text;
    // Trailing spaces are not drawn; the line ends at its last ink.
    let end = start + text[start..end].trim_end().len();
    let mut line = LaidLine::default();
    let mut x = 0.0;
    let mut last_cluster = usize::MAX;
    // Glyphs are in text order: find the line's slice by binary search.
    let from = m.glyphs.partition_point(|g| g.start < start);
    let to = m.glyphs.partition_point(|g| g.start < end);
    // Each run's bidi level, for the visual order below.
    let mut run_levels: Vec<Option<Level>> = Vec::new();
    let mut after_space = false;
    for g in &m.glyphs[from..to] {
        let level = m.levels.get(g.start).copied();
        // A right-to-left run also ends after each space: extractors (pdf.js,
        // poppler) reverse each drawn piece and keep the pieces in drawing
        // order, so words are drawn one by one in logical order.
        let word_end = after_space && g.start != last_cluster;
        after_space = text[g.start..g.end].ends_with(' ');
        if line.runs.last().is_none_or(|r| {
            r.face != g.face
                || r.span != g.span
                || run_levels.last() != Some(&level)
                || (r.rtl && word_end)
        }) {
            line.runs.push(LaidRun {
                x,
                width: 0.0,
                // Sized for the rest of the line (most lines are one run):
                // growing them was a tenth of the line's cost.
                text: String::with_capacity(end - g.start),
                face: g.face,
                size: m.sizes.get(g.span).copied().unwrap_or(0.0),
                span: g.span,
                glyphs: Vec::with_capacity(to - from),
                rtl: level.is_some_and(|l| l.is_rtl()),
            });
            run_levels.push(level);
            last_cluster = usize::MAX;
        }
        let Some(run) = line.runs.last_mut() else {
            continue;
        };
        // Glyphs of one cluster (a ligature's parts) share its text once.
        let (cs, ce) = match run.glyphs.last() {
            Some(p) if last_cluster == g.start => (p.start, p.end),
            _ => {
                let base = run.text.len();
                run.text.push_str(&text[g.start..g.end.min(end)]);
                (base as u32, run.text.len() as u32)
            }
        };
        last_cluster = g.start;
        // The Japanese–Latin gap widens the glyph before it, except at the line end.
        let last_char = text[g.start..g.end]
            .char_indices()
            .last()
            .map_or(g.start, |(i, _)| g.start + i);
        let gap = if g.end < end {
            m.gaps[last_char] * gap_scale
        } else {
            0.0
        };
        run.glyphs.push(Glyph {
            id: g.id,
            advance: g.advance + gap,
            dx: g.dx,
            dy: g.dy,
            start: cs,
            end: ce,
        });
        run.width += g.advance + gap;
        x += g.advance + gap;
    }
    line.width = x;
    if !m.levels.is_empty() {
        let levels: Vec<Level> = run_levels.into_iter().flatten().collect();
        place_visually(&mut line, &levels);
    }
    line
}

/// Rule L2 on one line: runs are placed from the left in visual order, and
/// a right-to-left run's glyphs turned back to the shaper's visual order.
/// The line's trailing spaces are already gone, so rule L1 changes nothing.
fn place_visually(line: &mut LaidLine, levels: &[Level]) {
    let order = unicode_bidi::BidiInfo::reorder_visual(levels);
    let mut x = 0.0;
    for i in order {
        let run = &mut line.runs[i];
        run.x = x;
        x += run.width;
        if run.rtl {
            run.glyphs.reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::linebreak::{Strictness, no_start_at};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The fast path gives exactly the segmenter's clusters: text mixing
        /// characters that never join with marks, joiners, emoji, flags,
        /// Hangul jamo, Indic conjuncts, CR LF, Prepend and pictographs.
        #[test]
        fn clusters_are_the_segmenters(picks in proptest::collection::vec(0usize..40, 0..24)) {
            use unicode_segmentation::UnicodeSegmentation;
            const CHARS: [char; 40] = [
                'a', ' ', '1', '#', 'é', '—', '…', '「', '。', 'か', 'ア', 'ー', '字', '漢', 'Ａ',
                'ｶ', '\u{FF9E}', '\u{3099}', '\u{0301}', '\u{200D}', '\u{FE0F}', '\u{20E3}',
                '\u{1F469}', '\u{1F3FD}', '\u{1F1EF}', '\u{1F1F5}', '\u{1100}', '\u{1161}',
                '\u{11A8}', '\u{AC00}', '\u{0915}', '\u{094D}', '\u{0937}', '\r', '\n',
                '\u{0600}', '\u{00A9}', '\u{3030}', '\u{302A}', '\u{0E33}',
            ];
            let text: String = picks.iter().map(|&k| CHARS[k]).collect();
            let ours: Vec<(usize, &str)> = clusters(&text).collect();
            let theirs: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn every_never_joining_character_is_a_cluster_of_its_own() {
        use unicode_segmentation::UnicodeSegmentation;
        // Each one between two others, and with a mark after it.
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| never_joins(c))
        {
            let text = format!("a{c}b{c}\u{0301}");
            let ours: Vec<(usize, &str)> = clusters(&text).collect();
            let theirs: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
            assert_eq!(ours, theirs, "U+{:04X}", c as u32);
        }
    }

    fn no_start(c: char) -> bool {
        no_start_at(c, Strictness::default())
    }

    fn lay(text: &str, width_em: f32) -> Vec<String> {
        let book = FontBook::bundled();
        let laid = layout(
            book,
            &[(
                text,
                SpanStyle {
                    size: 10.0,
                    bold: false,
                },
            )],
            width_em * 10.0,
        );
        laid.lines.iter().map(LaidLine::text).collect()
    }

    #[test]
    fn measured_width_equals_glyph_sum_and_fits() {
        let book = FontBook::bundled();
        let laid = layout(
            book,
            &[(
                "トランスフォーマーと呼ばれる新しいアーキテクチャにより, 機械学習モデルが翻訳や要約などのより良い逐次データを理解できるようになった.",
                SpanStyle {
                    size: 20.0,
                    bold: false,
                },
            )],
            300.0,
        );
        assert!(laid.lines.len() > 2);
        for l in &laid.lines {
            let sum: f32 = l
                .runs
                .iter()
                .flat_map(|r| r.glyphs.iter())
                .map(|g| g.advance)
                .sum();
            assert!((sum - l.width).abs() < 0.01);
            assert!(l.width <= 300.01, "{} > 300", l.width);
        }
    }

    #[test]
    fn kinsoku_holds_at_every_width() {
        let text = "「ディープラーニング」は、ちょっとした（小さな）工夫で、精度が上がる。ジョッキーのキャッシュ、人々はゆっくり・しっかりと学ぶ！本当？『ファイル』【注意】〔例〕";
        // Below about five em a unit like 「ディー can be wider than the box;
        // the emergency cut then has no kinsoku-safe place (tested separately).
        for w in 5..30 {
            let lines = lay(text, w as f32);
            assert_eq!(lines.concat(), text);
            for l in &lines {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(
                    !no_start(first),
                    "width {w}: line {l:?} starts with {first}"
                );
                assert!(!no_end(last), "width {w}: line {l:?} ends with {last}");
            }
        }
    }

    #[test]
    fn latin_words_stay_whole_unless_too_wide() {
        let lines = lay(
            "Understanding the Role of Individual Units in a Deep Neural Network",
            12.0,
        );
        for l in &lines {
            for w in l.split(' ') {
                assert!(
                    "Understanding the Role of Individual Units in a Deep Neural Network"
                        .split(' ')
                        .any(|x| x == w),
                    "split word {w:?} in {lines:?}"
                );
            }
        }
        let long = lay(
            "https://www.prada.com/jp/ja/pradasphere/special-projects/2020/prada-mode-paris.html",
            10.0,
        );
        assert!(long.len() > 1);
        assert_eq!(
            long.concat(),
            "https://www.prada.com/jp/ja/pradasphere/special-projects/2020/prada-mode-paris.html"
        );
    }

    #[test]
    fn quarter_em_between_japanese_and_latin() {
        let book = FontBook::bundled();
        let style = SpanStyle {
            size: 10.0,
            bold: false,
        };
        let a = layout(book, &[("本GAN", style)], 100.0).lines[0].width;
        let b = layout(book, &[("本", style)], 100.0).lines[0].width
            + layout(book, &[("GAN", style)], 100.0).lines[0].width;
        assert!((a - b - 2.5).abs() < 0.01, "{a} vs {b}");
        // No gap where a space already separates them.
        let c = layout(book, &[("本 GAN", style)], 100.0).lines[0].width;
        let space = layout(book, &[("本 G", style)], 100.0).lines[0].width
            - layout(book, &[("本G", style)], 100.0).lines[0].width;
        assert!(c > b && space < 2.5 + 0.01 + 10.0);
    }

    /// Glyph advances of each line of `text` in a box `width` wide, at 10 pt.
    fn advances(text: &str, width: f32) -> Vec<(String, Vec<f32>)> {
        lay_one(text, width)
            .lines
            .iter()
            .map(|l| {
                let adv = l
                    .runs
                    .iter()
                    .flat_map(|r| r.glyphs.iter().map(|g| g.advance));
                (l.text(), adv.collect())
            })
            .collect()
    }

    #[test]
    fn gaps_shrink_to_an_eighth_before_a_line_breaks() {
        // Four gaps of 2.5 pt at 10 pt (本|G, N|本, 本|G, N|日): the line
        // may give up 5 pt in all.
        let text = "本GAN本GAN日本語";
        let full = advances(text, 1000.0);
        assert_eq!(full.len(), 1);
        let natural: f32 = full[0].1.iter().sum();
        // The glyph before each gap carries it; the others keep their advances.
        let carries = |i: usize| matches!(i, 0 | 3 | 4 | 7);
        let own: Vec<f32> = full[0]
            .1
            .iter()
            .enumerate()
            .map(|(i, a)| if carries(i) { a - 2.5 } else { *a })
            .collect();
        let expect = |gap: f32| -> Vec<f32> {
            own.iter()
                .enumerate()
                .map(|(i, a)| if carries(i) { a + gap } else { *a })
                .collect()
        };
        let close = |a: &[f32], b: &[f32]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.001)
        };
        assert!(close(&full[0].1, &expect(2.5)), "{full:?}");
        // A box narrower by up to 5 pt: every gap gives up the same share,
        // just enough for the line to end at the box.
        let gaps = 4.0 * 2.5;
        for short in [0.5f32, 2.0, 4.9] {
            let lines = advances(text, natural - short);
            assert_eq!(lines.len(), 1, "short by {short}: {lines:?}");
            let gap = 2.5 * (1.0 - short / gaps);
            assert!(
                close(&lines[0].1, &expect(gap)),
                "short by {short}: {lines:?}"
            );
            let width: f32 = lines[0].1.iter().sum();
            assert!((width - (natural - short)).abs() < 0.001);
        }
        // Narrower than the line with every gap at an eighth: it breaks as
        // without shrinking (a lone 語 pulls 本 down), with full gaps.
        let lines = advances(text, natural - 5.1);
        assert_eq!(
            lines.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(),
            ["本GAN本GAN日", "本語"],
            "{lines:?}"
        );
        assert!(close(&lines[0].1, &expect(2.5)[..9]), "{lines:?}");
        // A line that fits keeps full gaps at every width.
        assert!(close(&advances(text, natural + 0.01)[0].1, &expect(2.5)));
    }

    #[test]
    fn titles_keep_a_phrase_on_the_line_by_shrinking_gaps() {
        let text = "GANとVAEとBERTを比べた新しい手法";
        let book = FontBook::bundled();
        let gaps = 5.0 * 2.5;
        for wrap in [Wrap::Phrases, Wrap::Balanced] {
            let shaped = shape_paragraph_with(
                book,
                &[(text, false)],
                Breaking {
                    wrap,
                    ..Breaking::default()
                },
            );
            let natural = break_lines(&shaped, &[10.0], 1000.0).lines[0].width;
            // Short of the room by less than half the gaps: one line, as
            // wide as the box.
            let laid = break_lines(&shaped, &[10.0], natural - 4.0);
            assert_eq!(laid.lines.len(), 1, "{wrap:?}");
            assert!((laid.lines[0].width - (natural - 4.0)).abs() < 0.001);
            // Short by more: it breaks between phrases, with full gaps.
            let width = natural - gaps / 2.0 - 0.5;
            let laid = break_lines(&shaped, &[10.0], width);
            let lines: Vec<String> = laid.lines.iter().map(LaidLine::text).collect();
            assert_eq!(lines.len(), 2, "{wrap:?}: {lines:?}");
            assert_eq!(lines.concat(), text);
            for l in &laid.lines {
                let whole = break_lines(
                    &shape_paragraph(book, &[(l.text().as_str(), false)]),
                    &[10.0],
                    1000.0,
                );
                assert!(
                    (l.width - whole.lines[0].width).abs() < 0.001,
                    "{wrap:?}: {lines:?}"
                );
            }
        }
    }

    #[test]
    fn no_gap_next_to_japanese_punctuation() {
        // Brackets and 、。 have their own room; only kana and kanji meeting
        // Latin letters or digits get the quarter em.
        for text in [
            "、GAN",
            "GAN。",
            "「GAN」",
            "GAN、本",
            "（1）",
            "ー1",
            "々A",
        ] {
            let gaps = quarter_em_gaps(text);
            let at: Vec<char> = text
                .char_indices()
                .filter(|(i, _)| gaps[*i])
                .map(|(_, c)| c)
                .collect();
            // ー and 々 are letters of Japanese words.
            let want: &[char] = match text {
                "ー1" => &['ー'],
                "々A" => &['々'],
                _ => &[],
            };
            assert_eq!(at, want, "{text}");
        }
    }

    #[test]
    fn no_lone_character_on_the_last_line() {
        // Find a width at which greedy filling leaves one character alone.
        let text = "これらの見落とされた教訓に基づいて統合的な視点を提案する。";
        for w in 5..29 {
            let lines = lay(text, w as f32);
            if lines.len() > 1 {
                let last = lines.last().unwrap();
                assert!(
                    last.trim().chars().count() > 1 || lines.len() == 1,
                    "width {w}: {lines:?}"
                );
            }
        }
    }

    /// The lines joined as text layers join them: a space where a break
    /// says it dropped one.
    fn rejoined(laid: &Laid) -> String {
        let space = |l: &LaidLine| if l.space_after { " " } else { "" };
        laid.lines.iter().map(|l| l.text() + space(l)).collect()
    }

    #[test]
    fn breaks_say_where_they_dropped_a_space() {
        let flags = |text: &str, width: f32| -> Vec<bool> {
            let laid = lay_one(text, width);
            laid.lines.iter().map(|l| l.space_after).collect()
        };
        assert_eq!(flags("foo bar", 25.0), [true, false]);
        assert_eq!(flags("日本語", 12.0), [false, false, false]);
        // Forced inside a word: nothing was dropped.
        assert!(flags("Supercalifragilistic", 30.0).iter().all(|f| !f));
        // The last line's trailing space is not a break.
        assert_eq!(flags("foo ", 100.0), [false]);
        // Joined back, the lines are the text at every width: the flag is set
        // exactly where a space went, in Latin, in Japanese and between them.
        for text in [
            "Deep Learning for foo, bar",
            "使わず、self-attention で",
            "これは Deep Learning です。state-of-the-art",
            "محمد علي (ムハンマド・アリー, カイロ)",
        ] {
            for w in 1..=40 {
                let laid = lay_one(text, w as f32 * 5.0);
                assert_eq!(rejoined(&laid), text, "width {}", w * 5);
            }
        }
    }

    #[test]
    fn text_survives_layout() {
        let text = "ExGAN: 極端なサンプルの逆襲的生成 (原文: ExGAN: Adversarial Generation of Extreme Samples)";
        let lines = lay(text, 11.0);
        let joined: String = lines.join(" ");
        assert_eq!(
            joined.split_whitespace().collect::<String>(),
            text.split_whitespace().collect::<String>()
        );
    }

    /// Glyph ids of a laid-out text (bundled faces only).
    fn glyph_ids(text: &str) -> Vec<u16> {
        let style = SpanStyle {
            size: 10.0,
            bold: false,
        };
        let laid = layout(FontBook::bundled(), &[(text, style)], 1000.0);
        laid.lines
            .iter()
            .flat_map(|l| l.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.id)))
            .collect()
    }

    #[test]
    fn zero_width_and_combining_characters_never_draw_a_box() {
        // Joiners, variation selectors (an IVS on 葛) and a combining mark the
        // face lacks stay with their base's cluster and draw no .notdef.
        for text in [
            "A\u{200D}B",
            "葛\u{E0100}城",
            "→\u{FE0F}",
            "Vie\u{0323}t",
            "x\u{20E3}y",
        ] {
            let ids = glyph_ids(text);
            assert!(!ids.contains(&0), "{text:?} draws a box: {ids:?}");
        }
        // The text layer keeps every character.
        let style = SpanStyle {
            size: 10.0,
            bold: false,
        };
        let laid = layout(FontBook::bundled(), &[("葛\u{E0100}城", style)], 1000.0);
        assert_eq!(laid.lines[0].text(), "葛\u{E0100}城");
    }

    #[test]
    fn a_missing_cluster_is_reported_by_its_base_character() {
        let book = FontBook::bundled();
        let style = SpanStyle {
            size: 10.0,
            bold: false,
        };
        let laid = layout(book, &[("研究者👩\u{200D}🔬です", style)], 100.0);
        // The ZWJ is not reported; the two emoji are (the second one is not
        // drawn: it is part of the first one's cluster).
        assert!(!laid.missing.contains(&'\u{200D}'), "{:?}", laid.missing);
        assert_eq!(laid.missing[0], '👩');
    }

    /// A laid line's characters left to right (a right-to-left run's
    /// clusters come out reversed).
    fn visual(line: &LaidLine) -> String {
        let runs = line
            .runs
            .iter()
            .map(|r| (r.x, r.text.as_str(), r.glyphs.as_slice()));
        crate::pages::left_to_right(runs)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    fn lay_one(text: &str, width: f32) -> Laid {
        let style = SpanStyle {
            size: 10.0,
            bold: false,
        };
        layout(FontBook::bundled(), &[(text, style)], width)
    }

    #[test]
    fn right_to_left_runs_are_placed_in_visual_order_and_keep_logical_text() {
        // The bundled face has neither Arabic nor Hebrew (drawn as .notdef
        // and reported): order must hold without a face for them too.
        for (text, rtl, seen) in [
            (
                "محمد علي (ムハンマド・アリー, カイロ) — 司会の補助",
                true,
                "司会の補助 — )ムハンマド・アリー, カイロ( يلع دمحم",
            ),
            (
                "שלום עולם — 日本語のテキスト",
                true,
                "日本語のテキスト — םלוע םולש",
            ),
            ("عام 2020 في 10月", true, "10月 يف 2020 ماع"),
            (
                "翻訳は محمد علي さん (カイロ)",
                false,
                "翻訳は يلع دمحم さん (カイロ)",
            ),
        ] {
            let laid = lay_one(text, 1000.0);
            assert_eq!(laid.rtl, rtl, "{text}");
            assert_eq!(laid.lines.len(), 1);
            let line = &laid.lines[0];
            assert_eq!(line.text(), text, "runs keep the logical order");
            assert_eq!(visual(line), seen);
            let rtl_char = text.chars().find(|c| ('\u{590}'..'\u{700}').contains(c));
            assert!(laid.missing.contains(&rtl_char.unwrap()), "{text}");
            // Runs tile the line without overlap.
            let mut spans: Vec<(f32, f32)> = line.runs.iter().map(|r| (r.x, r.width)).collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut x = 0.0;
            for (rx, w) in spans {
                assert!((rx - x).abs() < 0.01, "{text}: gap or overlap at {rx}");
                x += w;
            }
            assert!((x - line.width).abs() < 0.01);
        }
    }

    #[test]
    fn brackets_in_a_right_to_left_run_are_mirrored_by_the_shaper() {
        let laid = lay_one("محمد (علي)", 1000.0);
        let glyph_of = |line: &LaidLine, c: &str| {
            line.runs
                .iter()
                .flat_map(|r| r.glyphs.iter().map(move |g| (r, g)))
                .find(|(r, g)| &r.text[g.start as usize..g.end as usize] == c)
                .map(|(_, g)| g.id)
                .unwrap()
        };
        let ltr = lay_one("(x)", 1000.0);
        let line = &laid.lines[0];
        assert_eq!(glyph_of(line, "("), glyph_of(&ltr.lines[0], ")"));
        assert_eq!(glyph_of(line, ")"), glyph_of(&ltr.lines[0], "("));
    }

    #[test]
    fn right_to_left_lines_break_on_the_logical_text() {
        let text = "שלום עולם שלום עולם שלום עולם";
        let laid = lay_one(text, 100.0);
        assert!(laid.lines.len() > 1);
        let joined: Vec<String> = laid.lines.iter().map(LaidLine::text).collect();
        assert_eq!(joined.join(" "), text);
        // Each line reads from its right end.
        for line in &laid.lines {
            assert_eq!(visual(line), line.text().chars().rev().collect::<String>());
            assert!(line.runs.iter().all(|r| r.rtl));
        }
    }

    #[test]
    fn paragraph_direction_comes_from_the_first_strong_character() {
        assert!(starts_right_to_left("«محمد» 司会"));
        assert!(starts_right_to_left("2020 שלום"));
        assert!(!starts_right_to_left("司会 محمد"));
        assert!(!starts_right_to_left("(2020)"));
        for text in ["محمد علي (カイロ)", "翻訳は محمد"] {
            let shaped = shape_paragraph(FontBook::bundled(), &[(text, false)]);
            assert_eq!(shaped.rtl(), starts_right_to_left(text), "{text}");
        }
    }

    #[test]
    fn the_quick_check_misses_no_right_to_left_character() {
        use unicode_bidi::BidiClass::{AL, AN, R, RLE, RLI, RLO};
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if matches!(unicode_bidi::bidi_class(c), R | AL | AN | RLE | RLI | RLO) {
                assert!(may_be_rtl(c), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn text_with_no_right_to_left_character_skips_bidi() {
        let shaped = shape_paragraph(
            FontBook::bundled(),
            &[("注意機構 Attention (2017) ١٢", false)],
        );
        assert!(!shaped.levels.is_empty(), "Arabic digits take part");
        let shaped = shape_paragraph(FontBook::bundled(), &[("注意機構 Attention (2017)", false)]);
        assert!(shaped.levels.is_empty() && !shaped.rtl());
        // One run per face and span, as before bidi.
        assert_eq!(
            lay_one("注意機構 Attention (2017)", 1000.0).lines[0]
                .runs
                .len(),
            1
        );
        // A right-to-left run splits only at its words.
        let laid = lay_one("שלום עולם — 日本語", 1000.0);
        let runs: Vec<&str> = laid.lines[0].runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(runs, ["שלום ", "עולם ", "— ", "日本語"]);
    }

    #[test]
    fn reports_missing_characters() {
        let book = FontBook::bundled();
        let laid = layout(
            book,
            &[(
                "絵文字😀です",
                SpanStyle {
                    size: 10.0,
                    bold: false,
                },
            )],
            100.0,
        );
        assert_eq!(laid.missing, vec!['😀']);
    }
}
