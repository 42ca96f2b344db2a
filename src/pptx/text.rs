//! Text blocks as native, editable text boxes.
//!
//! # Reproducing our line breaks without hard breaks
//!
//! Lines of a paragraph are soft-wrapped by our layout. Writing them with
//! `a:br` would freeze the breaks, so editing a word would leave ragged lines.
//! Instead each paragraph gets a text width A (box width less `marL`/`marR`;
//! insets are 0) at which the renderer's greedy wrapping breaks exactly
//! where we did. A renderer keeps line i together when its width w_i fits
//! (w_i ≤ A) and moves the next unit down when line i plus that unit would
//! not fit (w_i + gap_i + u_{i+1} > A), where gap_i is a space dropped at the
//! break and u_{i+1} the first unbreakable unit of line i+1. So every A in
//!
//! ```text
//!     [ max_i w_i ,  min_{i<n-1} (w_i + gap_i + u_{i+1}) )
//! ```
//!
//! reproduces the breaks, and we take the middle of it, which leaves the most
//! room for a renderer measuring a little differently from us.
//!
//! Widths are what renderers measure, not our layout's advances, and
//! without the quarter-em our layout puts between Japanese and Latin text
//! (JLREQ). PowerPoint is modelled with the font's own advances (the
//! bundled faces have no `GPOS` or `kern`) and adds no space between
//! scripts. LibreOffice (7.4, measured) lays text out on a 600 dpi
//! reference device at a whole-pixel em and rounds every advance to a whole
//! pixel ([`lo_em_px`]), and adds its own space (≈ 0.24 em,
//! [`lo_autospace`]) at the end of a text run where Asian and other text
//! meet: spaces, curly quotes, "•", "⇒", "①" and the like are weak and take
//! the script before them, so the space comes also across a space; not
//! inside a link (a field there), and not at a line's end. That space is
//! LibreOffice's default only outside Japanese and Korean locales (its
//! drawing documents turn it off there), so LibreOffice as our Japanese
//! users run it is a third model: rounded advances, no added space. There,
//! LibreOffice (7.4 on Linux, measured) also draws bold text in the regular
//! face made bold, with the regular face's narrower advances: a fourth
//! model, so a bold title keeps its breaks whichever face draws it. The
//! interval is computed for all four models and intersected, so each
//! breaks where we did (tested in a C and a Japanese locale).
//! We do not write our quarter-ems as character spacing: LibreOffice would
//! double them, and per-character `spc` runs make the text awkward to edit;
//! in PowerPoint, and in LibreOffice in a Japanese locale, mixed lines are
//! therefore up to a quarter em per script change tighter than in the PDF.
//! In LibreOffice in other locales they are wider: it also spaces ASCII
//! punctuation and spaced digits inside Japanese ("間に,効", "約 12 種類"),
//! where our layout adds nothing.
//!
//! A box never leaves the room its block has on the slide (see `room`):
//! inside the content area, clear of pictures, tags and other text. Where
//! the widest model's interval does not fit that room, that model is left
//! out (LibreOffice outside Japanese locales first, then PowerPoint, then
//! LibreOffice in a Japanese locale with the bold face), so LibreOffice as
//! our Japanese users run it keeps our breaks longest; a
//! renderer left out breaks such a paragraph a little earlier, and the box
//! reaches down into the free space below for the extra line. The width
//! is the middle of the widths that lie some margin inside every model's
//! interval: 1 pt for PowerPoint, which we cannot measure, and a quarter
//! point for LibreOffice, which breaks within 0.06 pt of our model
//! ([`LIBREOFFICE_MARGIN`]). A model is left out where no width keeps its
//! margin. A single 1 pt margin for all (an interval 2 pt wide at least)
//! left out LibreOffice in a C locale for the titles "④ ディープ…全体像.
//! 忘れられた" of the reference sample, which need 859.0 pt there (three
//! spaces between scripts) and less than 859.6 pt in a Japanese locale;
//! with the margins of each renderer they get 859.27 pt and break as in the
//! PDF in both. Accepting slivers of 0.5 pt for every model instead kept
//! those titles too, but cost lines in the Japanese locale: where only
//! PowerPoint's interval was left, 0.7 pt wide, its middle lay 0.07 pt
//! short of what LibreOffice needs (a paragraph of slides 25 and 49). No
//! markup turns LibreOffice's spacing between scripts off: DrawingML has no
//! attribute for it, and LibreOffice imports none into its
//! `ParaIsCharacterDistance`. Font sizes are written so that LibreOffice's
//! rounded em is not larger than ours ([`written_size`]).
//!
//! The unit is taken conservatively short (one character of Japanese, one
//! Latin word up to punctuation), so a renderer whose kinsoku or word rules
//! allow an earlier break still does not pull text up. When the interval is
//! empty (our layout moved a widow down, broke inside a word, or a line has
//! many script changes) the paragraph is still written as one paragraph,
//! never with `a:br`: a frozen break turns ragged as soon as a word is
//! edited. Its width then fits its widest line ([`fallback_width`]), so a
//! greedy renderer breaks at the same places or later and needs no more
//! lines than we did.
//!
//! # Links
//!
//! LibreOffice (7.4) imports each linked run as a text field, which it
//! treats as one unbreakable unit: a field that does not fit the rest of a
//! line moves down whole, and one wider than the line is cut at any
//! character ("…Open W / orld Learning)" under the ranking entries, whose
//! "(原文: …)" lines are links). So a link is written as one run per laid-out
//! line: each field fits its line and LibreOffice breaks between fields,
//! where we broke. The run after a field also overwrites the field's
//! formatting in LibreOffice, so a plain run in the link's own formatting
//! follows every field (see `separate_fields`). PowerPoint reads the split
//! runs as one link. Where LibreOffice draws Japanese wider than we do (in
//! another face, without BIZ UDPGothic), a link that fits its line for us
//! may not: on such lines a link is split further into fields with a plain
//! character between them, where LibreOffice may break
//! ([`split_wide_fields`]); in PowerPoint those characters look the same
//! but do not click through.
//!
//! LibreOffice 7.4 also clips glyph descenders on every line of a paragraph
//! with more than one line (also with its default spacing, so not caused
//! by `a:lnSpc`).
//!
//! # Vertical position
//!
//! Line spacing is exact (`a:spcPts` = the layout's baseline distance). With
//! exact spacing LibreOffice puts the baseline 0.2 em above the bottom of the
//! line box (measured), so the box top is placed [`baseline_offset`] above
//! our first baseline, and `a:spcBef` between paragraphs is derived from our
//! baselines the same way: the block lands where the PDF draws it. PowerPoint
//! is reported to seat exact-spaced lines proportionally (about 0.82 of the
//! spacing for this face), which would put text up to ~0.08 em higher.
//!
//! # Markers
//!
//! Bullet marks (`Paragraph::bullet`) become `a:buChar` with the marker's
//! font, size and colour, hanging at the marker's position (`indent` < 0):
//! they stay bullets when edited and are not part of the text, as in
//! `Page::text`. Numbers ("1.", "①") belong to the text: they are written as
//! a literal run followed by a tab to the hanging indent (an explicit tab
//! stop at `marL`), with `a:buNone`. Slide text therefore equals
//! `Page::text` except for white space.

use rustybuzz::ttf_parser;

use super::package::{Rels, rel};
use super::xml::{Attr, Xml, at};
use crate::pages::{Align, Color, Document, GlyphRun, Link, Paragraph, TextBlock};
use crate::text::linebreak::{Strictness, no_end, no_start_at};

/// Points to EMU (English Metric Units, 12700 per point).
pub fn emu(pt: f32) -> i64 {
    if pt.is_finite() {
        (f64::from(pt) * 12700.0).round() as i64
    } else {
        0
    }
}

/// The part of an exact line-spacing box below the baseline, as a fraction
/// of the font size, measured in LibreOffice 7.4 with the bundled face at
/// 10–40 pt and line spacings of 0.8–1.5 em.
const LINE_BOX_BELOW_BASELINE: f32 = 0.2;

/// Where the baseline of a line with exact spacing `line_height` lies below
/// the top of its line box (see the module docs).
pub fn baseline_offset(line_height: f32, size: f32) -> f32 {
    line_height - LINE_BOX_BELOW_BASELINE * size
}

/// How far inside its own wrap interval (points) a width must lie for
/// PowerPoint, whose measuring we model but cannot check: a guess at how
/// far its layout in fractional points may differ from ours.
const POWERPOINT_MARGIN: f32 = 1.0;

/// The same for LibreOffice, whose measuring we model to the pixel of its
/// 600 dpi reference device and which converts box widths to 1/100 mm
/// (0.028 pt). Measured by stepping the width of the titles "④ ディープ…
/// 全体像." by 1/100 mm: LibreOffice 7.4 keeps their break from 859.02 pt
/// in a C locale (modelled: 858.98) and up to 859.59 pt in a Japanese one
/// (modelled: below 859.56), so it differs from the model by at most
/// 0.06 pt; about two pixels (0.24 pt) cover that four times.
const LIBREOFFICE_MARGIN: f32 = 0.25;

/// Parsed faces of the document, for advances as a renderer reads them.
pub struct Faces<'a> {
    faces: Vec<Option<ttf_parser::Face<'a>>>,
    families: Vec<&'a str>,
    /// For each bold font, the regular font of its family, if the document
    /// has one: what LibreOffice in a Japanese locale draws instead (see
    /// [`Faces::lo_ja_advance`]).
    regular: Vec<Option<usize>>,
}

impl<'a> Faces<'a> {
    pub fn new(doc: &'a Document) -> Faces<'a> {
        Faces {
            faces: doc
                .fonts
                .iter()
                .map(|f| ttf_parser::Face::parse(f.data, f.index).ok())
                .collect(),
            families: doc.fonts.iter().map(|f| f.family.as_str()).collect(),
            regular: doc
                .fonts
                .iter()
                .map(|f| {
                    f.bold
                        .then(|| {
                            doc.fonts
                                .iter()
                                .position(|r| !r.bold && r.family == f.family)
                        })
                        .flatten()
                })
                .collect(),
        }
    }

    /// The font LibreOffice in a Japanese locale draws `font` with.
    fn lo_ja_font(&self, font: usize) -> usize {
        self.regular.get(font).copied().flatten().unwrap_or(font)
    }

    /// The advance of `text` (one cluster of `font`, `lo` as LibreOffice
    /// measures it in that face) as LibreOffice 7.4 measures it in a
    /// Japanese locale. There it draws bold BIZ UDPGothic as the Regular
    /// face made bold (measured on Linux with the font installed: the PDF holds
    /// only Regular subsets, stroked; the C locale uses the Bold face), and
    /// the Regular face's proportional advances are up to 1 % narrower, so
    /// a bold title line took one more character there than in the PDF.
    fn lo_ja_advance(&self, font: usize, text: &str, size: f32, lo: f32) -> f32 {
        let regular = self.lo_ja_font(font);
        if regular == font {
            return lo;
        }
        let Some(face) = self.faces.get(regular).and_then(Option::as_ref) else {
            return lo;
        };
        text.chars()
            .map(|c| {
                let g = face.glyph_index(c)?;
                self.lo_advance(regular, g.0, size)
            })
            .sum::<Option<f32>>()
            .unwrap_or(lo)
    }

    fn family(&self, font: usize) -> &'a str {
        // Theme font references keep a run with a bad font index editable.
        self.families.get(font).copied().unwrap_or("+mn-lt")
    }

    fn raw_advance(&self, font: usize, glyph: u16, size: f32) -> Option<f32> {
        let (adv, upem) = self.units(font, glyph)?;
        Some(adv * size / upem)
    }

    /// A glyph's advance and the face's units per em.
    fn units(&self, font: usize, glyph: u16) -> Option<(f32, f32)> {
        let face = self.faces.get(font)?.as_ref()?;
        let adv = face.glyph_hor_advance(ttf_parser::GlyphId(glyph))?;
        Some((f32::from(adv), f32::from(face.units_per_em())))
    }

    /// A glyph's advance as LibreOffice measures it (see [`lo_em_px`]).
    fn lo_advance(&self, font: usize, glyph: u16, size: f32) -> Option<f32> {
        let (adv, upem) = self.units(font, glyph)?;
        let px = (f64::from(adv) * lo_em_px(size) / f64::from(upem)).round();
        Some((px * LO_PX) as f32)
    }

    /// A space's advance: the font's own and LibreOffice's.
    fn space_advance(&self, font: usize, size: f32) -> (f32, f32) {
        let glyph = self
            .faces
            .get(font)
            .and_then(Option::as_ref)
            .and_then(|f| f.glyph_index(' '));
        let raw = glyph.and_then(|g| self.raw_advance(font, g.0, size));
        let lo = glyph.and_then(|g| self.lo_advance(font, g.0, size));
        let fallback = size * 0.25;
        (raw.unwrap_or(fallback), lo.or(raw).unwrap_or(fallback))
    }
}

/// Points per pixel of LibreOffice's 600 dpi reference device.
const LO_PX: f64 = 72.0 / 600.0;

/// A font size as LibreOffice (Impress, 7.4) holds it: in twips, converted
/// to 1/100 mm, each step rounded.
fn lo_height_mm100(size: f32) -> f64 {
    let twips = (f64::from(size) * 20.0).round();
    (twips * 127.0 / 72.0).round()
}

/// The em in pixels at which LibreOffice lays text out: its height
/// ([`lo_height_mm100`]) in pixels of its 600 dpi reference device, rounded.
/// Glyph advances are that em scaled and rounded to whole pixels, so
/// Japanese text at 15.3 pt (128 px, not 127.5) comes out 0.4 % wider than
/// the font's advances. Measured: the widths at which LibreOffice wraps a
/// line of one full-width character, for every size from 10 to 20 pt in
/// 0.01 pt steps, and Latin and bold lines at six sizes (within 0.02 pt).
fn lo_em_px(size: f32) -> f64 {
    (lo_height_mm100(size) * 600.0 / 2540.0).round()
}

/// The font size we write for text laid out at `size`: the largest, at
/// most 0.1 pt smaller, whose em LibreOffice does not round up past `size`
/// (see [`lo_em_px`]). At 15.3 pt LibreOffice's em is 128 px of its 600 dpi
/// device, 15.36 pt, so a line our layout filled to its block's edge ran
/// 0.4 % wider there and broke a character early, and no wider box could
/// help within the slide's content area; written as 15.27 pt it is 127 px,
/// 15.24 pt, no wider than ours. PowerPoint draws such text at most 0.1 pt
/// (under 1 %) smaller than the PDF, which nobody sees, and both renderers
/// are modelled at the size written.
pub fn written_size(size: f32) -> f32 {
    if !(size.is_finite() && size > 1.0) {
        return size;
    }
    let centi = (f64::from(size) * 100.0).round() as i64;
    (0..=10)
        .map(|k| centi - k)
        .find(|&c| lo_em_px(c as f32 / 100.0) * LO_PX <= f64::from(size) + 1e-6)
        .map_or(size, |c| c as f32 / 100.0)
}

/// LibreOffice's automatic space where Asian and other text meet: a fifth
/// of the text portion's height, which for PPTX text (font-independent line
/// spacing) is 1.2 times the font height, in whole 1/100 mm. About 0.24 em.
fn lo_autospace(size: f32) -> f32 {
    let height = (lo_height_mm100(size) * 12.0 / 10.0).floor();
    ((height / 5.0).floor() * 72.0 / 2540.0) as f32
}

/// One character cluster as a renderer measures it: its text, the font's
/// own advance (without spacing our layout added), the advance LibreOffice
/// measures, its size, and whether it belongs to a link (a field in
/// LibreOffice).
#[derive(Debug, Clone, Copy)]
struct Cluster<'r> {
    text: &'r str,
    raw: f32,
    lo: f32,
    /// The advance LibreOffice measures in a Japanese locale
    /// ([`Faces::lo_ja_advance`]).
    lo_ja: f32,
    size: f32,
    link: bool,
    /// Where the cluster lies: its run's index in the line and its byte
    /// range in that run's text.
    run: usize,
    bytes: (usize, usize),
}

/// The clusters of a run, the `index`th of its line, in text order. A run
/// without glyphs (or with glyph ranges that do not tile its text) is one
/// cluster.
fn clusters<'r>(run: &'r GlyphRun, index: usize, faces: &Faces<'_>) -> Vec<Cluster<'r>> {
    let size = written_size(run.size);
    let mut ranges: Vec<(usize, usize, f32, f32)> = Vec::new();
    for g in &run.glyphs {
        let (s, e) = (g.start as usize, g.end as usize);
        let raw = faces.raw_advance(run.font, g.id, size).unwrap_or(g.advance);
        let lo = faces.lo_advance(run.font, g.id, size).unwrap_or(raw);
        match ranges.last_mut() {
            Some(r) if r.0 == s && r.1 == e => {
                r.2 += raw;
                r.3 += lo;
            }
            _ => ranges.push((s, e, raw, lo)),
        }
    }
    let link = run.link.is_some();
    let tiles = ranges.first().is_some_and(|r| r.0 == 0)
        && ranges.last().is_some_and(|r| r.1 == run.text.len())
        && ranges.windows(2).all(|w| w[0].1 == w[1].0)
        && ranges.iter().all(|r| r.0 < r.1);
    let pieces: Option<Vec<Cluster<'r>>> = tiles
        .then(|| {
            ranges
                .iter()
                .map(|&(s, e, raw, lo)| {
                    let text = run.text.get(s..e)?;
                    Some(Cluster {
                        text,
                        raw,
                        lo,
                        lo_ja: faces.lo_ja_advance(run.font, text, size, lo),
                        size,
                        link,
                        run: index,
                        bytes: (s, e),
                    })
                })
                .collect()
        })
        .flatten();
    pieces.unwrap_or_else(|| {
        vec![Cluster {
            text: &run.text,
            raw: run.width,
            lo: run.width,
            lo_ja: run.width,
            size,
            link,
            run: index,
            bytes: (0, run.text.len()),
        }]
    })
}

/// Formatting of a piece of text; adjacent pieces that compare equal merge.
#[derive(Debug, Clone, PartialEq)]
struct Style {
    font: usize,
    /// Hundredths of a point.
    size: i64,
    bold: bool,
    italic: bool,
    color: Color,
    link: Option<Link>,
    underline: bool,
}

impl Style {
    fn of(run: &GlyphRun) -> Style {
        Style {
            font: run.font,
            size: size_centi(written_size(run.size)),
            bold: run.bold,
            italic: run.italic,
            color: run.color,
            link: run.link.clone(),
            underline: run.underline.is_some(),
        }
    }
}

fn size_centi(pt: f32) -> i64 {
    // ST_TextFontSize: 1–4000 pt.
    (f64::from(pt) * 100.0).round().clamp(100.0, 400_000.0) as i64
}

/// A piece of a paragraph's text with its formatting. There are no line
/// breaks: the survey never asks for one inside a paragraph, and the
/// renderer wraps (see the module docs). The flag marks a character split
/// off a link ([`split_wide_fields`]): it already ends the field before it.
struct Piece(String, Style, bool);

/// Makes links safe for LibreOffice 7.4, which imports each linked run as
/// a text field:
///
/// - A field cannot break at its spaces: one wider than the rest of the
///   line moves down whole, or is split at any character when it is wider
///   than the line ("Open W / orld"). The caller starts a new run at each
///   of our line starts, so every field fits its line and LibreOffice
///   breaks between fields, where we broke.
/// - The run after a field lends the field its formatting (a plain run
///   makes the link bold and not underlined, measured). So a field is
///   followed by a plain run in the field's own formatting: the next run's
///   leading space when it has the same width, else the link's last
///   character; a line break after a field takes the field's formatting.
fn separate_fields(pieces: &mut Vec<Piece>, faces: &Faces<'_>) {
    let mut k = 0;
    while k + 1 < pieces.len() {
        let (chars, style) = match &pieces[k] {
            Piece(t, s, _) if s.link.is_some() => (t.chars().count(), s.clone()),
            _ => {
                k += 1;
                continue;
            }
        };
        let plain = Style {
            link: None,
            ..style.clone()
        };
        match &mut pieces[k + 1] {
            Piece(_, next, split) if *next == style || *split => {}
            Piece(next_text, next, _) => {
                let same_space = next.size == style.size
                    && faces.space_advance(next.font, 10.0)
                        == faces.space_advance(style.font, 10.0);
                if same_space && next_text.starts_with(' ') {
                    next_text.remove(0);
                    let empty = next_text.is_empty();
                    pieces.insert(k + 1, Piece(" ".into(), plain, false));
                    if empty {
                        pieces.remove(k + 2);
                    }
                } else if chars > 1 {
                    let last = pieces[k].0.pop().map(String::from).unwrap_or_default();
                    pieces.insert(k + 1, Piece(last, plain, false));
                } else {
                    // A one-character link stays whole (and may lend).
                }
            }
        }
        // An inserted plain piece is passed over as any other; a piece
        // after a one-character link is not skipped (it may be a link).
        k += 1;
    }
}

fn push_text(pieces: &mut Vec<Piece>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    if let Some(Piece(t, s, false)) = pieces.last_mut()
        && *s == style
    {
        t.push_str(text);
        return;
    }
    pieces.push(Piece(text.to_owned(), style, false));
}

/// What a renderer measures of one laid-out line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFit {
    /// Width of the line's content.
    pub width: f32,
    /// For all but the last line: the width the line would grow by if the
    /// renderer pulled up the next line's first unit (the dropped space plus
    /// that unit).
    pub pull: f32,
}

/// The text widths that reproduce a paragraph's breaks: every line fits
/// (lower bound, inclusive) and no line plus the next line's first unit fits
/// (upper bound, exclusive; `None` for a single line). The interval may be
/// empty.
pub fn wrap_interval(lines: &[LineFit]) -> (f32, Option<f32>) {
    let lower = lines.iter().map(|l| l.width).fold(0.0, f32::max);
    let upper = lines
        .iter()
        .take(lines.len().saturating_sub(1))
        .map(|l| l.width + l.pull)
        .reduce(f32::min);
    (lower, upper)
}

/// The widths that work for every renderer model: the intersection of the
/// models' intervals.
pub fn common_interval(models: &[&[LineFit]]) -> (f32, Option<f32>) {
    models
        .iter()
        .map(|m| wrap_interval(m))
        .fold((0.0, None), |(lo, hi), (l, h)| {
            let hi = match (hi, h) {
                (Some(a), Some(b)) => Some(f32::min(a, b)),
                (a, b) => a.or(b),
            };
            (f32::max(lo, l), hi)
        })
}

/// A renderer model's lines, and how far inside their wrap interval a
/// width must lie to be trusted with that renderer.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a> {
    pub lines: &'a [LineFit],
    pub margin: f32,
}

/// The text width for a paragraph whose `models` keep our breaks, given at
/// most `max` of room: the middle of the widths that lie at least each
/// model's margin inside its interval cut by the room, which leaves the
/// most room for a renderer measuring a little differently from us. With
/// equal margins that is the middle of the common interval. `natural` (the
/// width the block offers) is used when nothing bounds the width from above
/// (one line), but never below the widest line plus a small margin. `None`
/// when the room leaves no such width.
pub fn choose_width(models: &[Model<'_>], natural: f32, max: f32) -> Option<f32> {
    let lines: Vec<&[LineFit]> = models.iter().map(|m| m.lines).collect();
    let (lower, upper) = common_interval(&lines);
    if upper.is_none() {
        // Room for a renderer measuring a line slightly wider than we do.
        let slack = (lower * 0.01).max(1.0);
        return (lower + slack <= max).then_some(natural.max(lower + slack).min(max));
    }
    let (mut lo, mut hi) = (0.0, f32::INFINITY);
    for m in models {
        let (l, u) = wrap_interval(m.lines);
        lo = f32::max(lo, l + m.margin);
        hi = f32::min(hi, u.unwrap_or(f32::INFINITY).min(max) - m.margin);
    }
    (lo <= hi).then_some((lo + hi) / 2.0)
}

/// The width when no renderer model's interval fits the room: the widest
/// line plus a margin, within the room. Where our layout broke earlier than
/// a greedy renderer would (a widow moved down, a balanced heading), the
/// renderer then breaks later, on no more lines than ours, so the text
/// still ends inside the block; where the room is too small it breaks
/// earlier and the room below takes the extra line.
pub fn fallback_width(lower: f32, max: f32) -> f32 {
    (lower + (lower * 0.01).max(1.0)).min(max)
}

/// East Asian characters: CJK, kana, CJK punctuation and full-width forms.
/// Japanese text has no spaces to drop at a break.
fn is_asian(c: char) -> bool {
    u32::from(c) >= 0x2E80
}

/// The script classes LibreOffice's automatic Asian–Latin spacing sees, by
/// Unicode block (measured with 7.4): spaces and the blocks from General
/// Punctuation to Enclosed Alphanumerics ("•", "—", curly quotes, "⇒", "ⅲ",
/// "①") are weak and take the script of the text before them; ASCII
/// punctuation, Latin-1 and Greek are Latin; CJK, kana, CJK punctuation and
/// full-width forms are Asian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Asian,
    Weak,
}

fn char_script(c: char) -> Script {
    match u32::from(c) {
        0..=0x20 | 0x7F..=0xA0 | 0x2000..=0x2E7F => Script::Weak,
        0x2E80.. => Script::Asian,
        _ => Script::Latin,
    }
}

/// The script of a piece of text: its first strong character's; for a
/// field, Asian if it holds any Asian character (LibreOffice picks the
/// field's font that way).
fn text_script<'c>(chars: impl Iterator<Item = &'c str>, field: bool) -> Script {
    let mut first = Script::Weak;
    for s in chars.flat_map(str::chars).map(char_script) {
        match s {
            Script::Weak => {}
            Script::Asian if field || first == Script::Weak => return Script::Asian,
            _ if !field => return s,
            _ if first == Script::Weak => first = s,
            _ => {}
        }
    }
    first
}

/// Each cluster's script as LibreOffice resolves it: weak text takes the
/// script before it, weak text at the start of the paragraph that of the
/// document's default language (Latin), and a link (a LibreOffice field, one
/// per line here) is one unit with one script. `start` is the script the
/// paragraph's number marker leaves.
fn resolve_scripts(lines: &[Vec<Cluster<'_>>], start: Script) -> Vec<Vec<Script>> {
    let mut current = if start == Script::Weak {
        Script::Latin
    } else {
        start
    };
    let mut out = Vec::with_capacity(lines.len());
    for cl in lines {
        let mut scripts = Vec::with_capacity(cl.len());
        let mut i = 0;
        while i < cl.len() {
            let n = if cl[i].link {
                cl[i..].iter().take_while(|c| c.link).count()
            } else {
                1
            };
            let own = text_script(cl[i..i + n].iter().map(|c| c.text), cl[i].link);
            if own != Script::Weak {
                current = own;
            }
            scripts.extend(std::iter::repeat_n(current, n));
            i += n;
        }
        out.push(scripts);
    }
    out
}

/// LibreOffice's automatic space between two clusters: at the end of a text
/// portion (not inside or after a field) where Asian and other text meet.
fn autospace(before: &Cluster<'_>, a: Script, b: Script) -> f32 {
    if !before.link && a != b && (a == Script::Asian || b == Script::Asian) {
        lo_autospace(before.size)
    } else {
        0.0
    }
}

fn blank(c: &Cluster<'_>) -> bool {
    c.text.trim().is_empty()
}

/// Widths of a line in the four renderer models: PowerPoint (the font's
/// advances), LibreOffice (its rounded advances, plus its automatic space
/// wherever Asian and other text meet inside the line; not at the line's
/// end, measured), LibreOffice in a Japanese or Korean locale (the rounded
/// advances alone: there its automatic space is off by default), and the
/// same with bold drawn in the regular face (LibreOffice in a Japanese
/// locale as measured, [`Faces::lo_ja_advance`]).
fn line_widths(cl: &[Cluster<'_>], scripts: &[Script]) -> (f32, f32, f32, f32) {
    let end = cl.iter().rposition(|c| !blank(c)).map_or(0, |i| i + 1);
    let raw: f32 = cl[..end].iter().map(|c| c.raw).sum();
    let lo: f32 = cl[..end].iter().map(|c| c.lo).sum();
    let lo_ja: f32 = cl[..end].iter().map(|c| c.lo_ja).sum();
    let extra: f32 = (1..end)
        .map(|k| autospace(&cl[k - 1], scripts[k - 1], scripts[k]))
        .sum();
    (raw, lo + extra, lo, lo_ja)
}

/// The first unit of a line: one cluster, or the Latin word it starts
/// (letters and digits only), so a renderer with more break opportunities
/// than ours still cannot pull less than this up. Returns its width in the
/// PowerPoint model, the LibreOffice model and LibreOffice's in a Japanese
/// locale.
fn first_unit(cl: &[Cluster<'_>]) -> (f32, f32, f32) {
    let (mut raw, mut lo, mut lo_ja) = (0.0, 0.0, 0.0);
    for (i, c) in cl.iter().enumerate() {
        let word = c.text.chars().all(|c| c.is_alphanumeric() && !is_asian(c));
        if i > 0 && !word {
            break;
        }
        raw += c.raw;
        lo += c.lo;
        lo_ja += c.lo_ja;
        if !word {
            break;
        }
    }
    (raw, lo, lo_ja)
}

/// The measured lines of a paragraph, per renderer model, and whether a
/// space goes between each pair of lines.
pub struct Analysis {
    pub powerpoint: Vec<LineFit>,
    /// LibreOffice with its automatic space between scripts (its default
    /// in most locales).
    pub libreoffice: Vec<LineFit>,
    /// LibreOffice without it: its default when the locale is Japanese or
    /// Korean (LibreOffice's `SdDrawDocument` sets the pool default by
    /// locale), so what our Japanese users see.
    pub libreoffice_cjk: Vec<LineFit>,
    /// LibreOffice in a Japanese locale as measured (7.4, Linux): as
    /// `libreoffice_cjk`, with bold text in the regular face's advances.
    pub libreoffice_ja: Vec<LineFit>,
}

/// How a number marker written as text precedes the first line.
#[derive(Debug, Clone, Copy)]
struct Prefix<'r> {
    marker: &'r GlyphRun,
    /// Followed by a tab (a feature in LibreOffice: no automatic space
    /// after it), else by a space.
    tab: bool,
}

/// A paragraph's clusters, line by line, and their scripts.
fn paragraph_clusters<'p>(
    p: &'p Paragraph,
    faces: &Faces<'_>,
    prefix: Option<Prefix<'_>>,
) -> (Vec<Vec<Cluster<'p>>>, Vec<Vec<Script>>) {
    let lines: Vec<Vec<Cluster<'_>>> = p
        .lines
        .iter()
        .map(|l| {
            l.runs
                .iter()
                .enumerate()
                .flat_map(|(k, r)| clusters(r, k, faces))
                .collect()
        })
        .collect();
    let scripts = resolve_scripts(&lines, prefix_script(prefix));
    (lines, scripts)
}

/// The script a number marker leaves for the text after it.
fn prefix_script(prefix: Option<Prefix<'_>>) -> Script {
    prefix.map_or(Script::Latin, |m| {
        text_script(std::iter::once(m.marker.text.as_str()), false)
    })
}

fn analyse(
    p: &Paragraph,
    faces: &Faces<'_>,
    prefix: Option<Prefix<'_>>,
    lines: &[Vec<Cluster<'_>>],
    scripts: &[Vec<Script>],
) -> Analysis {
    let start = prefix_script(prefix);
    let mut a = Analysis {
        powerpoint: Vec::new(),
        libreoffice: Vec::new(),
        libreoffice_cjk: Vec::new(),
        libreoffice_ja: Vec::new(),
    };
    for (i, cl) in lines.iter().enumerate() {
        let sc = &scripts[i];
        let (ppt, mut lo, lo_cjk, lo_ja) = line_widths(cl, sc);
        if i == 0
            && let Some(m) = prefix.filter(|m| !m.tab)
            && let Some(&s) = sc.first()
        {
            // "1. " before the text: the space ends a text portion.
            let marker = Cluster {
                text: &m.marker.text,
                raw: 0.0,
                lo: 0.0,
                lo_ja: 0.0,
                size: m.marker.size,
                link: false,
                run: 0,
                bytes: (0, 0),
            };
            let before = if start == Script::Weak {
                Script::Latin
            } else {
                start
            };
            lo += autospace(&marker, before, s);
        }
        let (mut ppt_pull, mut lo_pull, mut cjk_pull, mut ja_pull) = (0.0, 0.0, 0.0, 0.0);
        if let Some(next) = lines.get(i + 1) {
            let space = p.lines[i].space_after;
            let blanks = |it: &mut dyn Iterator<Item = &Cluster<'_>>| -> (f32, f32, f32) {
                it.take_while(|c| blank(c))
                    .fold((0.0, 0.0, 0.0), |(r, l, j), c| {
                        (r + c.raw, l + c.lo, j + c.lo_ja)
                    })
            };
            let trailing = blanks(&mut cl.iter().rev());
            let leading = blanks(&mut next.iter());
            let gap = if space {
                p.lines[i].runs.last().map_or((0.0, 0.0, 0.0), |r| {
                    let size = written_size(r.size);
                    let (raw, lo) = faces.space_advance(r.font, size);
                    let ja = faces.space_advance(faces.lo_ja_font(r.font), size).1;
                    (raw, lo, ja)
                })
            } else {
                (
                    trailing.0 + leading.0,
                    trailing.1 + leading.1,
                    trailing.2 + leading.2,
                )
            };
            let skip = next.iter().take_while(|c| blank(c)).count();
            let (unit, unit_lo, unit_ja) = first_unit(&next[skip..]);
            let junction = match (cl.last(), sc.last(), scripts[i + 1].get(skip)) {
                (Some(last), Some(&x), Some(&y)) => autospace(last, x, y),
                _ => 0.0,
            };
            ppt_pull = gap.0 + unit;
            lo_pull = gap.1 + junction + unit_lo;
            cjk_pull = gap.1 + unit_lo;
            ja_pull = gap.2 + unit_ja;
        }
        a.powerpoint.push(LineFit {
            width: ppt,
            pull: ppt_pull,
        });
        a.libreoffice.push(LineFit {
            width: lo,
            pull: lo_pull,
        });
        a.libreoffice_cjk.push(LineFit {
            width: lo_cjk,
            pull: cjk_pull,
        });
        a.libreoffice_ja.push(LineFit {
            width: lo_ja,
            pull: ja_pull,
        });
    }
    a
}

/// Context for writing the text of one slide.
pub struct TextCtx<'a, 'r> {
    pub faces: &'a Faces<'a>,
    pub rels: &'r mut Rels,
    /// Package path of each page's slide, for page links.
    pub slide_parts: &'a [String],
    /// BCP 47 language of the text, e.g. "ja-JP".
    pub lang: &'a str,
    /// Where this slide's text box may grow (see `room`).
    pub room: crate::pages::Rect,
}

/// The paragraph's marker, unless it draws nothing.
fn marker(p: &Paragraph) -> Option<&GlyphRun> {
    p.marker.as_ref().filter(|m| !m.text.trim().is_empty())
}

/// A paragraph placed in its box.
struct Placed<'p> {
    para: &'p Paragraph,
    /// Absolute x of the text area's left and right edge.
    lo: f32,
    hi: f32,
    /// First-line offset from `lo` (negative for a hanging marker).
    indent: f32,
    /// A number marker is followed by a tab to the hanging indent (else by a
    /// space, when the number is wider than the hang).
    number_tab: bool,
    /// How many lines a wider renderer gives it ([`wide_lines`]).
    wide_lines: usize,
    /// Characters of links written as plain text ([`split_wide_fields`]).
    plain: Vec<PlainAt>,
}

/// A character of a link written outside it: line, run index in the line,
/// byte range in the run's text.
type PlainAt = (usize, usize, (usize, usize));

/// How far a piece of a split link may reach, as a share of its line.
const FIELD_PIECE: f32 = 0.125;

/// The advance of a cluster in a face that draws every Japanese character a
/// full em wide (see [`wide_lines`]).
fn wide_advance(c: &Cluster<'_>) -> f32 {
    if c.text.chars().next().is_some_and(is_asian) {
        c.lo.max(c.size)
    } else {
        c.lo
    }
}

/// Gives LibreOffice places to break a link of Japanese text where a wider
/// face than ours would need them. LibreOffice keeps a field whole, so
/// without BIZ UDPGothic a link line that no longer fits moves down whole
/// and is then cut at any character: two lines more (the ranking's long
/// titles). On each line that a renderer drawing Japanese a full em wide
/// would overflow (`first` wide on the first line, `width` on the others),
/// every piece of about [`FIELD_PIECE`] of the line ends in one character
/// written as plain text in the link's formatting; LibreOffice may break
/// before the next field as in any Japanese text. Only Japanese between
/// Japanese is split, where kinsoku allows a break, so each field keeps its
/// script. The plain characters are marked as such in `lines` and returned;
/// in PowerPoint they look the same but are not clickable.
fn split_wide_fields(
    lines: &mut [Vec<Cluster<'_>>],
    scripts: &[Vec<Script>],
    first: f32,
    width: f32,
) -> Vec<PlainAt> {
    let mut plain = Vec::new();
    for (i, (line, sc)) in lines.iter_mut().zip(scripts).enumerate() {
        let avail = if i == 0 { first } else { width };
        let end = line.iter().rposition(|c| !blank(c)).map_or(0, |k| k + 1);
        let wide: f32 = (0..end)
            .map(|k| {
                let space = k
                    .checked_sub(1)
                    .map_or(0.0, |b| autospace(&line[b], sc[b], sc[k]));
                wide_advance(&line[k]) + space
            })
            .sum();
        if wide <= avail + 0.01 {
            continue;
        }
        let asian = |c: &Cluster<'_>| c.text.chars().next().is_some_and(is_asian);
        let mut s = 0;
        while s < line.len() {
            if !line[s].link {
                s += 1;
                continue;
            }
            let e = s + line[s..].iter().take_while(|c| c.link).count();
            let mut from = s;
            if e - s >= 2 && asian(&line[s]) && asian(&line[s + 1]) {
                // A field between plain runs of other formatting takes
                // theirs (LibreOffice 7.4, measured: the first piece after
                // a number lost its underline), so the link's first
                // character is plain too.
                line[s].link = false;
                plain.push((i, line[s].run, line[s].bytes));
                from = s + 1;
            }
            // Clusters since the current field piece began, and their width.
            let (mut since, mut reach) = (0usize, 0.0f32);
            for j in from..e {
                let ok = since >= 2
                    && reach >= avail * FIELD_PIECE
                    && [&line[j - 2], &line[j - 1], &line[j]]
                        .iter()
                        .all(|c| asian(c))
                    && !line[j]
                        .text
                        .chars()
                        .next()
                        .is_some_and(|c| no_start_at(c, Strictness::VeryStrict))
                    && !line[j - 1].text.chars().next_back().is_some_and(no_end);
                if ok {
                    line[j - 1].link = false;
                    plain.push((i, line[j - 1].run, line[j - 1].bytes));
                    (since, reach) = (0, 0.0);
                }
                since += 1;
                reach += wide_advance(&line[j]);
            }
            s = e;
        }
    }
    plain.sort_by_key(|&(l, r, (b, _))| (l, r, b));
    plain
}

fn place<'p>(
    p: &'p Paragraph,
    block: &TextBlock,
    faces: &Faces<'_>,
    room: crate::pages::Rect,
) -> Placed<'p> {
    let first = &p.lines[0];
    // A number (not a bullet) is text, followed by a tab to the hanging
    // indent when it fits in the hang, else by a space.
    let number_tab = p.align == Align::Left
        && marker(p).is_some_and(|m| !p.bullet && m.x + m.width <= first.x + 0.5);
    let prefix = marker(p).filter(|_| !p.bullet).map(|m| Prefix {
        marker: m,
        tab: number_tab,
    });
    let (mut lines, scripts) = paragraph_clusters(p, faces, prefix);
    let mut a = analyse(p, faces, prefix, &lines, &scripts);
    let rest_x = p.lines.get(1).map_or(first.x, |l| l.x);
    if p.align == Align::Left {
        // A first line that starts further right has that much less room.
        for f in [
            a.powerpoint.first_mut(),
            a.libreoffice.first_mut(),
            a.libreoffice_cjk.first_mut(),
            a.libreoffice_ja.first_mut(),
        ]
        .into_iter()
        .flatten()
        {
            f.width += first.x - rest_x;
        }
    }
    // Widths that keep our breaks in every model, then in fewer: LibreOffice
    // with its space between scripts needs the widest box, and where that
    // does not fit the room it is left out (LibreOffice in such locales then
    // breaks a few lines a little earlier than we do, and the room below
    // takes the extra line), then PowerPoint, then LibreOffice in a Japanese
    // locale with the bold face (as it may draw elsewhere), so LibreOffice
    // as our Japanese users run it, measured, keeps our breaks longest.
    let ppt = Model {
        lines: &a.powerpoint,
        margin: POWERPOINT_MARGIN,
    };
    let [lo, lo_cjk, lo_ja] =
        [&a.libreoffice, &a.libreoffice_cjk, &a.libreoffice_ja].map(|lines| Model {
            lines,
            margin: LIBREOFFICE_MARGIN,
        });
    let choices: [&[Model<'_>]; 5] = [
        &[ppt, lo, lo_cjk, lo_ja],
        &[ppt, lo_cjk, lo_ja],
        &[lo_cjk, lo_ja],
        &[lo_ja],
        &[ppt],
    ];
    let (natural, max) = widths_for(p, block.rect, room, rest_x);
    let width = choices
        .iter()
        .find_map(|models| choose_width(models, natural, max))
        .unwrap_or_else(|| {
            let (lower, _) =
                common_interval(&[&a.powerpoint, &a.libreoffice_cjk, &a.libreoffice_ja]);
            fallback_width(lower, max)
        });
    let (lo, hi, indent) = box_for(p, rest_x, width);
    let number = marker(p)
        .filter(|_| !p.bullet && !number_tab)
        .map_or(0.0, |m| m.width + m.size * 0.25);
    let first_width = width - indent.max(0.0) - number;
    let plain = split_wide_fields(&mut lines, &scripts, first_width, width);
    let dropped = |i: usize| p.lines[i].space_after;
    let wide = wide_lines(&lines, &scripts, dropped, first_width, width);
    Placed {
        para: p,
        lo,
        hi,
        indent,
        number_tab,
        wide_lines: wide,
        plain,
    }
}

/// How many lines a renderer drawing the paragraph wider than any model
/// above gives it in its box, `first` wide on its first line and `width`
/// on the others: LibreOffice outside Japanese locales (its space between
/// scripts) in a face other than ours, with every Japanese character a
/// full em wide, as in Noto Sans CJK, which LibreOffice takes where BIZ
/// UDPGothic is not installed (measured: Japanese words up to 18 % wider
/// than ours there, Latin ones narrower). It wraps greedily, after a space
/// or next to Japanese text under the strictest kinsoku, never inside a
/// link (a LibreOffice field), and cuts a unit wider than the line at any
/// character. `dropped(i)`: our layout broke after line `i` at a space.
fn wide_lines(
    lines: &[Vec<Cluster<'_>>],
    scripts: &[Vec<Script>],
    dropped: impl Fn(usize) -> bool,
    first: f32,
    width: f32,
) -> usize {
    // Units between break opportunities: (ink width, trailing blank width,
    // each cluster's width).
    let mut units: Vec<(f32, f32, Vec<f32>)> = Vec::new();
    // The cluster before, its script, and whether it is blank or Asian.
    let mut prev: Option<(&Cluster<'_>, Script, bool, bool)> = None;
    for (i, (line, sc)) in lines.iter().zip(scripts).enumerate() {
        // Our layout broke before this line at a space it dropped.
        let dropped = i > 0 && dropped(i - 1);
        for (k, (c, &script)) in line.iter().zip(sc).enumerate() {
            let first_char = c.text.chars().next();
            let asian = first_char.is_some_and(is_asian);
            let is_blank = blank(c);
            let w = wide_advance(c) + prev.map_or(0.0, |(b, bs, ..)| autospace(b, bs, script));
            let in_field = c.link && k > 0 && line[k - 1].link;
            if k == 0
                && dropped
                && let Some(u) = units.last_mut()
            {
                // The space our layout dropped at the break.
                u.1 += c.size * 0.25;
            }
            let opportunity = prev.is_some_and(|(b, _, b_blank, b_asian)| {
                b_blank
                    || (k == 0 && dropped)
                    || ((asian || b_asian)
                        && !first_char.is_some_and(|c| no_start_at(c, Strictness::VeryStrict))
                        && !b.text.chars().next_back().is_some_and(no_end))
            });
            if units.is_empty() || (opportunity && !in_field && !is_blank) {
                units.push((0.0, 0.0, Vec::new()));
            }
            if let Some(u) = units.last_mut() {
                if is_blank {
                    u.1 += w;
                } else {
                    u.0 += u.1 + w;
                    u.1 = 0.0;
                }
                u.2.push(w);
            }
            prev = Some((c, script, is_blank, asian));
        }
    }
    let mut avail = first;
    let (mut n, mut cur) = (1, 0.0);
    for (ink, trail, widths) in units {
        if cur > 0.0 && cur + ink > avail + 0.01 {
            n += 1;
            cur = 0.0;
            avail = width;
        }
        if cur == 0.0 && ink > avail + 0.01 {
            for w in widths {
                if cur > 0.0 && cur + w > avail + 0.01 {
                    n += 1;
                    cur = 0.0;
                    avail = width;
                }
                cur += w;
            }
        } else {
            cur += ink + trail;
        }
    }
    n
}

/// The width a paragraph's block offers it and the most its room allows,
/// by alignment: a left-aligned paragraph grows to the right, a centred
/// one both ways about its centre, a right-aligned one to the left.
fn widths_for(
    p: &Paragraph,
    rect: crate::pages::Rect,
    room: crate::pages::Rect,
    rest_x: f32,
) -> (f32, f32) {
    match p.align {
        Align::Left => (rect.right() - rest_x, room.right() - rest_x),
        Align::Center => {
            let c = center(p);
            let half = (c - rect.x).min(rect.right() - c).max(0.0);
            let room_half = (c - room.x).min(room.right() - c).max(0.0);
            (2.0 * half, 2.0 * room_half)
        }
        Align::Right => {
            let r = right_edge(p);
            (r - rect.x, r - room.x)
        }
    }
}

fn center(p: &Paragraph) -> f32 {
    let n = p.lines.len() as f32;
    p.lines.iter().map(|l| l.x + l.width / 2.0).sum::<f32>() / n
}

fn right_edge(p: &Paragraph) -> f32 {
    p.lines
        .iter()
        .map(|l| l.x + l.width)
        .fold(f32::MIN, f32::max)
}

/// The text area (left, right, first-line indent) of a paragraph `w` wide.
fn box_for(p: &Paragraph, rest_x: f32, w: f32) -> (f32, f32, f32) {
    let first = &p.lines[0];
    match p.align {
        Align::Left => {
            let lo = rest_x;
            let indent = match marker(p) {
                Some(m) => m.x - lo,
                None => first.x - lo,
            };
            (lo, lo + w, indent)
        }
        Align::Center => {
            let c = center(p);
            (c - w / 2.0, c + w / 2.0, 0.0)
        }
        Align::Right => {
            let r = right_edge(p);
            // A right-to-left paragraph's marker hangs at the right: its
            // indents are mirrored (see `write_paragraph`).
            let indent = match marker(p) {
                Some(m) if p.rtl => r - (m.x + m.width),
                _ => 0.0,
            };
            (r - w, r, indent)
        }
    }
}

/// The top of a block's first line box and the bottom of its last, as the
/// renderer sets them: exact line spacing puts a baseline
/// [`baseline_offset`] below the top of its line box and the line box ends
/// a fifth of an em below it. A block without lines spans its rectangle.
pub fn text_span(block: &TextBlock) -> (f32, f32) {
    let mut lines = block.paragraphs.iter().filter(|p| !p.lines.is_empty());
    let (Some(first), Some(last)) = (
        lines.next(),
        block.paragraphs.iter().rev().find_map(|p| p.lines.last()),
    ) else {
        return (block.rect.y, block.rect.bottom());
    };
    let size = line_size(&first.lines[0].runs, first.size);
    let top = first.lines[0].baseline - baseline_offset(first.line_height, size);
    let bottom = last.baseline + LINE_BOX_BELOW_BASELINE * line_size(&last.runs, 0.0);
    (top, bottom)
}

/// The largest font size on a line (the paragraph's size for an empty one).
fn line_size(runs: &[GlyphRun], fallback: f32) -> f32 {
    runs.iter()
        .map(|r| r.size)
        .fold(0.0, f32::max)
        .max(if runs.is_empty() { fallback } else { 0.0 })
}

/// Writes one text block as a text box (`p:sp` with `txBox="1"`), or as a
/// placeholder of type `ph` with the same geometry and formatting.
pub fn write_text_box(
    x: &mut Xml,
    id: u32,
    name: &str,
    ph: Option<&str>,
    block: &TextBlock,
    cx: &mut TextCtx<'_, '_>,
) {
    let placed: Vec<Placed<'_>> = block
        .paragraphs
        .iter()
        .filter(|p| !p.lines.is_empty())
        .map(|p| place(p, block, cx.faces, cx.room))
        .collect();

    let rect = block.rect;
    // A hanging marker reaches out on the paragraph's starting side.
    let hang = |p: &Placed<'_>| p.indent.min(0.0);
    let left = placed
        .iter()
        .map(|p| if p.para.rtl { p.lo } else { p.lo + hang(p) })
        .fold(rect.x, f32::min);
    let right = placed
        .iter()
        .map(|p| if p.para.rtl { p.hi - hang(p) } else { p.hi })
        .fold(rect.right(), f32::max);

    // Vertical: the first baseline sets the top (see `text_span`). The box
    // reaches down to the bottom of its room, so a renderer that breaks a
    // line earlier than we did (or an edit that adds one) still has room for
    // it on the slide's free space.
    let (top, text_bottom) = text_span(block);
    let bottom = text_bottom.max(cx.room.bottom());
    // Where a wider renderer's extra lines would run past the box, the box
    // shrinks its text on overflow (see `room` for why only there).
    let wide_extra: f32 = placed
        .iter()
        .map(|pl| {
            let extra = pl.wide_lines.saturating_sub(pl.para.lines.len());
            extra as f32 * pl.para.line_height
        })
        .sum();
    let shrink = text_bottom + wide_extra > bottom + 0.5;
    match ph {
        Some(kind) => super::slide::placeholder(x, id, name, kind, None),
        None => {
            x.open("p:sp", &[]);
            x.open("p:nvSpPr", &[]);
            x.empty("p:cNvPr", &[at("id", id), at("name", name)]);
            x.empty("p:cNvSpPr", &[at("txBox", "1")]);
            x.empty("p:nvPr", &[]);
            x.close("p:nvSpPr");
        }
    }
    x.open("p:spPr", &[]);
    super::slide::xfrm(x, left, top, right - left, bottom - top);
    super::slide::prst_geom(x, "rect", None);
    x.empty("a:noFill", &[]);
    x.close("p:spPr");
    x.open("p:txBody", &[]);
    x.open(
        "a:bodyPr",
        &[
            at("wrap", "square"),
            at("lIns", 0),
            at("tIns", 0),
            at("rIns", 0),
            at("bIns", 0),
            at("rtlCol", 0),
            at("anchor", "t"),
        ],
    );
    if shrink {
        // No fontScale: PowerPoint applies a stored scale as it stands,
        // though our text fits it at full size, and LibreOffice 7.4 ignores
        // it and fits the text itself, only when it overflows (measured:
        // 90 % written, 100 % drawn in a Japanese locale where the text
        // fits, and the same 98.8 % as with no scale in the C locale).
        x.empty("a:normAutofit", &[]);
    } else {
        // Nothing may shrink or grow: the layout already fitted the text.
        x.empty("a:noAutofit", &[]);
    }
    x.close("a:bodyPr");
    x.empty("a:lstStyle", &[]);
    if placed.is_empty() {
        x.open("a:p", &[]);
        x.empty("a:endParaRPr", &[at("lang", cx.lang)]);
        x.close("a:p");
    }
    // Of the previous paragraph: last baseline and the part of its line box
    // below that baseline.
    let mut prev: Option<(f32, f32)> = None;
    for pl in &placed {
        let p = pl.para;
        let size = line_size(&p.lines[0].runs, p.size);
        let before = prev.map_or(0.0, |(base, below)| {
            (p.lines[0].baseline - base - below - baseline_offset(p.line_height, size)).max(0.0)
        });
        write_paragraph(x, pl, left, right, before, cx);
        if let Some(last) = p.lines.last() {
            let s = line_size(&last.runs, p.size);
            prev = Some((
                last.baseline,
                p.line_height - baseline_offset(p.line_height, s),
            ));
        }
    }
    x.close("p:txBody");
    x.close("p:sp");
}

fn spacing_pts(x: &mut Xml, name: &str, pt: f32) {
    // ST_TextSpacingPoint: 0–1584 pt in hundredths.
    let v = (f64::from(pt) * 100.0).round().clamp(0.0, 158_400.0) as i64;
    x.open(name, &[]);
    x.empty("a:spcPts", &[at("val", v)]);
    x.close(name);
}

fn margin(pt: f32) -> i64 {
    // ST_TextMargin: 0–51206400 EMU.
    emu(pt).clamp(0, 51_206_400)
}

fn write_paragraph(
    x: &mut Xml,
    pl: &Placed<'_>,
    left: f32,
    right: f32,
    space_before: f32,
    cx: &mut TextCtx<'_, '_>,
) {
    let p = pl.para;
    // In a right-to-left paragraph marL and indent apply at the right (its
    // start), marR at the left.
    let (start, end) = if p.rtl {
        (right - pl.hi, pl.lo - left)
    } else {
        (pl.lo - left, right - pl.hi)
    };
    let mar_l = margin(start);
    let mut attrs: Vec<Attr<'_>> = vec![at("marL", mar_l), at("marR", margin(end))];
    if let Some(level) = p.level {
        attrs.push(at("lvl", level.min(8)));
    }
    attrs.push(at("indent", emu(pl.indent).clamp(-51_206_400, 51_206_400)));
    attrs.push(at(
        "algn",
        match p.align {
            Align::Left => "l",
            Align::Center => "ctr",
            Align::Right => "r",
        },
    ));
    if p.rtl {
        // PowerPoint and LibreOffice reorder the logical `a:t` text themselves.
        attrs.push(at("rtl", 1));
    }
    // Kinsoku on, Latin words kept whole, no hanging punctuation: the rules
    // our layout follows.
    attrs.push(at("eaLnBrk", 1));
    attrs.push(at("latinLnBrk", 0));
    attrs.push(at("hangingPunct", 0));
    x.open("a:p", &[]);
    x.open("a:pPr", &attrs);
    spacing_pts(x, "a:lnSpc", p.line_height);
    spacing_pts(x, "a:spcBef", space_before);
    spacing_pts(x, "a:spcAft", 0.0);
    match marker(p) {
        Some(m) if p.bullet => {
            x.open("a:buClr", &[]);
            x.empty("a:srgbClr", &[at("val", m.color.hex())]);
            x.close("a:buClr");
            x.empty("a:buSzPts", &[at("val", size_centi(m.size))]);
            x.empty("a:buFont", &[at("typeface", cx.faces.family(m.font))]);
            let mark: String = m.text.trim().chars().take(1).collect();
            x.empty("a:buChar", &[at("char", mark)]);
        }
        _ => x.empty("a:buNone", &[]),
    }
    if pl.number_tab {
        // The hanging indent is a tab stop in PowerPoint and LibreOffice
        // already; the explicit stop keeps it in any reader.
        x.open("a:tabLst", &[]);
        x.empty("a:tab", &[at("pos", mar_l), at("algn", "l")]);
        x.close("a:tabLst");
    }
    x.close("a:pPr");

    let mut pieces: Vec<Piece> = Vec::new();
    if let Some(m) = marker(p).filter(|_| !p.bullet) {
        push_text(&mut pieces, &m.text, Style::of(m));
        push_text(
            &mut pieces,
            if pl.number_tab { "\t" } else { " " },
            Style::of(m),
        );
    }
    for (i, line) in p.lines.iter().enumerate() {
        if i > 0 {
            let style = line
                .runs
                .first()
                .map(Style::of)
                .or_else(|| p.lines[i - 1].runs.last().map(Style::of));
            if let Some(style) = style
                && p.lines[i - 1].space_after
            {
                // The dropped space takes the previous line's style so it
                // merges with its run.
                let prev = p.lines[i - 1].runs.last().map_or(style, Style::of);
                push_text(&mut pieces, " ", prev);
            }
        }
        // A link ends with its line (see `separate_fields`).
        let sealed = pieces.len();
        for (k, run) in line.runs.iter().enumerate() {
            let style = Style::of(run);
            if pieces.len() == sealed && style.link.is_some() {
                pieces.push(Piece(String::new(), style.clone(), false));
            }
            let mut from = 0;
            for &(_, _, (s, e)) in pl.plain.iter().filter(|c| c.0 == i && c.1 == k) {
                let (Some(field), Some(ch)) = (run.text.get(from..s), run.text.get(s..e)) else {
                    continue;
                };
                push_text(&mut pieces, field, style.clone());
                let plain = Style {
                    link: None,
                    ..style.clone()
                };
                pieces.push(Piece(ch.to_owned(), plain, true));
                from = e;
            }
            push_text(&mut pieces, &run.text[from..], style);
        }
    }
    pieces.retain(|p| !p.0.is_empty());
    separate_fields(&mut pieces, cx.faces);
    for Piece(t, s, _) in &pieces {
        x.open("a:r", &[]);
        write_rpr(x, "a:rPr", s, cx);
        x.text_elem("a:t", &[], t);
        x.close("a:r");
    }
    // Text typed at the paragraph's end is plain, not part of a link.
    let end = p.lines.last().and_then(|l| l.runs.last()).map(|r| Style {
        link: None,
        underline: false,
        ..Style::of(r)
    });
    match end {
        Some(s) => write_rpr(x, "a:endParaRPr", &s, cx),
        None => x.empty("a:endParaRPr", &[at("lang", cx.lang)]),
    }
    x.close("a:p");
}

/// Percent-encodes what a relationship target URI may not contain raw.
pub fn encode_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for c in uri.chars() {
        let keep = c.is_ascii_graphic()
            && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}');
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The language a fallback face was chosen for, from the script tag in its
/// family name (Noto Sans CJK KR, Source Han Sans SC…): its runs carry it,
/// so PowerPoint picks the same regional glyph forms.
fn face_lang(family: &str) -> Option<&'static str> {
    family.split([' ', '-']).find_map(|w| match w {
        "KR" | "Korean" => Some("ko-KR"),
        "SC" | "CN" => Some("zh-CN"),
        "TC" | "TW" => Some("zh-TW"),
        "HK" => Some("zh-HK"),
        _ => None,
    })
}

fn write_rpr(x: &mut Xml, tag: &str, s: &Style, cx: &mut TextCtx<'_, '_>) {
    let family = cx.faces.family(s.font);
    let mut attrs = vec![
        at("lang", face_lang(family).unwrap_or(cx.lang)),
        at("altLang", "en-US"),
        at("sz", s.size),
    ];
    if s.bold {
        attrs.push(at("b", 1));
    }
    if s.italic {
        attrs.push(at("i", 1));
    }
    // Links say which way explicitly: LibreOffice otherwise underlines them
    // whatever the PDF shows (PowerPoint always does).
    if s.underline {
        attrs.push(at("u", "sng"));
    } else if s.link.is_some() {
        attrs.push(at("u", "none"));
    }
    attrs.push(at("dirty", 0));
    x.open(tag, &attrs);
    x.solid_fill(&s.color.hex());
    x.empty("a:latin", &[at("typeface", family)]);
    x.empty("a:ea", &[at("typeface", family)]);
    x.empty("a:cs", &[at("typeface", family)]);
    let link = match &s.link {
        Some(Link::Url(u)) if !u.trim().is_empty() => Some((
            cx.rels.add_external(rel::HYPERLINK, &encode_uri(u.trim())),
            None,
        )),
        Some(Link::Page(i)) => cx.slide_parts.get(*i).map(|part| {
            (
                cx.rels.add(rel::SLIDE, part),
                Some("ppaction://hlinksldjump"),
            )
        }),
        _ => None,
    };
    if let Some((id, action)) = link {
        let mut attrs = vec![at("r:id", id)];
        if let Some(a) = action {
            attrs.push(at("action", a));
        }
        x.open("a:hlinkClick", &attrs);
        // PowerPoint 2019+: draw the link in the run's own colour, as the PDF
        // does, instead of the theme's hyperlink colour.
        x.open("a:extLst", &[]);
        x.open(
            "a:ext",
            &[at("uri", "{A12FA001-AC4F-418D-AE19-62706E023703}")],
        );
        x.empty(
            "ahyp:hlinkClr",
            &[
                at(
                    "xmlns:ahyp",
                    "http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor",
                ),
                at("val", "tx"),
            ],
        );
        x.close("a:ext");
        x.close("a:extLst");
        x.close("a:hlinkClick");
    }
    x.close(tag);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(width: f32, pull: f32) -> LineFit {
        LineFit { width, pull }
    }

    /// No line break of these tests dropped a space.
    fn no_drops(_: usize) -> bool {
        false
    }

    /// Lines whose interval is `[lower, upper)` (one line for `None`).
    fn lines(lower: f32, upper: Option<f32>) -> Vec<LineFit> {
        match upper {
            Some(u) => vec![fit(lower, u - lower), fit(lower / 2.0, 0.0)],
            None => vec![fit(lower, 0.0)],
        }
    }

    fn ppt(lines: &[LineFit]) -> Model<'_> {
        Model {
            lines,
            margin: POWERPOINT_MARGIN,
        }
    }

    fn lo(lines: &[LineFit]) -> Model<'_> {
        Model {
            lines,
            margin: LIBREOFFICE_MARGIN,
        }
    }

    #[test]
    fn interval_is_widest_line_to_tightest_pull() {
        // Lines 100, 90, 60 wide; pulling up the next unit would make them
        // 112 and 105.
        let lines = [fit(100.0, 12.0), fit(90.0, 15.0), fit(60.0, 0.0)];
        assert_eq!(wrap_interval(&lines), (100.0, Some(105.0)));
        assert_eq!(choose_width(&[ppt(&lines)], 300.0, 400.0), Some(102.5));
        // The room cuts the interval: the middle of what is left.
        assert_eq!(choose_width(&[ppt(&lines)], 300.0, 103.0), Some(101.5));
        assert_eq!(choose_width(&[ppt(&lines)], 300.0, 101.0), None);
    }

    #[test]
    fn single_line_uses_the_natural_width_but_at_least_the_line() {
        assert_eq!(wrap_interval(&[fit(80.0, 0.0)]), (80.0, None));
        let (l80, l500) = (lines(80.0, None), lines(500.0, None));
        assert_eq!(choose_width(&[ppt(&l80)], 200.0, 500.0), Some(200.0));
        // The rectangle is narrower than the line: the line still fits.
        assert_eq!(choose_width(&[ppt(&l80)], 50.0, 500.0), Some(81.0));
        assert_eq!(choose_width(&[ppt(&l500)], 10.0, 600.0), Some(505.0));
        // Never past the room.
        assert_eq!(choose_width(&[ppt(&l80)], 200.0, 150.0), Some(150.0));
        assert_eq!(choose_width(&[ppt(&l500)], 10.0, 400.0), None);
    }

    #[test]
    fn empty_interval_falls_back_to_the_widest_line_within_the_room() {
        // A balanced layout: the short first line could have taken more.
        let balanced = [fit(60.0, 10.0), fit(100.0, 0.0)];
        let (lower, upper) = wrap_interval(&balanced);
        assert_eq!((lower, upper), (100.0, Some(70.0)));
        assert_eq!(choose_width(&[lo(&balanced)], 120.0, 500.0), None);
        assert_eq!(fallback_width(lower, 500.0), 101.0);
        assert_eq!(fallback_width(lower, 100.5), 100.5);
        // Touching bounds are empty too (the upper bound is exclusive), and
        // so is a sliver narrower than twice a renderer's margin.
        for (upper, width) in [(100.0, None), (101.5, None), (102.0, Some(101.0))] {
            let l = lines(100.0, Some(upper));
            assert_eq!(choose_width(&[ppt(&l)], 0.0, 500.0), width);
        }
        let sliver = lines(100.0, Some(100.4));
        assert_eq!(choose_width(&[lo(&sliver)], 0.0, 500.0), None);
    }

    #[test]
    fn each_model_keeps_its_own_margin() {
        // The "④ ディープ…" titles: LibreOffice in a C locale and in a
        // Japanese one meet in 0.58 pt, well inside PowerPoint's interval.
        let c = lines(858.98, Some(884.9));
        let ja = lines(833.64, Some(859.56));
        let p = lines(842.3, Some(868.27));
        let w = choose_width(&[ppt(&p), lo(&c), lo(&ja)], 0.0, 880.0).unwrap();
        assert!((w - 859.27).abs() < 0.01, "{w}");
        // Where PowerPoint's own interval is the sliver, it is not trusted.
        let p = lines(858.9, Some(859.5));
        assert_eq!(choose_width(&[ppt(&p), lo(&c), lo(&ja)], 0.0, 880.0), None);
        // A margin lies inside the room too: LibreOffice alone, cut by it.
        let w = choose_width(&[lo(&c)], 0.0, 860.0).unwrap();
        assert!((w - (859.23 + 859.75) / 2.0).abs() < 0.01, "{w}");
    }

    #[test]
    fn no_lines_gives_an_unbounded_zero_interval() {
        assert_eq!(wrap_interval(&[]), (0.0, None));
    }

    #[test]
    fn models_intersect() {
        // PowerPoint measures the lines narrower than LibreOffice does.
        let ppt = [fit(95.0, 14.0), fit(60.0, 0.0)];
        let lo = [fit(100.0, 14.0), fit(62.0, 0.0)];
        assert_eq!(common_interval(&[&ppt, &lo]), (100.0, Some(109.0)));
        let single = [fit(50.0, 0.0)];
        assert_eq!(common_interval(&[&single, &single]), (50.0, None));
    }

    fn cl(text: &str, raw: f32) -> Cluster<'_> {
        Cluster {
            text,
            raw,
            lo: raw + 1.0,
            lo_ja: raw + 0.5,
            size: 20.0,
            link: false,
            run: 0,
            bytes: (0, text.len()),
        }
    }

    #[test]
    fn libreoffice_sizes_and_autospace_as_measured() {
        // 15.3 pt: 306 twips, 540/100 mm, 127.56 px at 600 dpi -> 128 px.
        assert_eq!(lo_em_px(15.3), 128.0);
        // 11.93 pt: 239 twips, 422/100 mm -> 100 px (not 99.4).
        assert_eq!(lo_em_px(11.93), 100.0);
        assert_eq!(lo_em_px(10.49), 87.0);
        assert_eq!(lo_em_px(11.68), 98.0);
        // 540/100 mm * 1.2 = 648, / 5 = 129/100 mm.
        assert!((lo_autospace(15.3) - 129.0 * 72.0 / 2540.0).abs() < 1e-4);
        assert!((lo_autospace(26.0) - 220.0 * 72.0 / 2540.0).abs() < 1e-4);
    }

    #[test]
    fn scripts_resolve_weak_text_to_the_text_before_it() {
        use Script::*;
        assert_eq!(char_script(','), Latin);
        assert_eq!(char_script('×'), Latin);
        assert_eq!(char_script('“'), Weak);
        assert_eq!(char_script('①'), Weak);
        assert_eq!(char_script('⇒'), Weak);
        assert_eq!(char_script('・'), Asian);
        assert_eq!(char_script('、'), Asian);
        assert_eq!(text_script(["“a"].into_iter(), false), Latin);
        assert_eq!(text_script(["a日"].into_iter(), true), Asian);
        assert_eq!(text_script(["“ "].into_iter(), true), Weak);
        let line = [cl("①", 20.0), cl(" ", 6.0), cl("日", 20.0), cl("“", 10.0)];
        let s = resolve_scripts(&[line.to_vec()], Latin);
        assert_eq!(s, vec![vec![Latin, Latin, Asian, Asian]]);
        // A link is one unit: Asian when it holds any Asian text.
        let mut field = [cl("A", 10.0), cl("日", 20.0), cl("b", 10.0)];
        field.iter_mut().for_each(|c| c.link = true);
        let s = resolve_scripts(&[field.to_vec()], Latin);
        assert_eq!(s, vec![vec![Asian; 3]]);
    }

    #[test]
    fn libreoffice_autospace_at_script_changes_even_across_spaces() {
        let gap = lo_autospace(20.0);
        let line = [
            cl("A", 10.0),
            cl("I", 5.0),
            cl(" ", 6.0),
            cl("日", 20.0),
            cl("本", 20.0),
        ];
        let s = resolve_scripts(&[line.to_vec()], Script::Latin);
        let (ppt, lo, cjk, ja) = line_widths(&line, &s[0]);
        assert_eq!(ppt, 61.0);
        assert!((lo - (66.0 + gap)).abs() < 1e-4);
        // In a Japanese locale: the rounded advances alone, of the face it
        // draws with.
        assert_eq!(cjk, 66.0);
        assert_eq!(ja, 63.5);
        // Not at the line's end, nor after a trailing space.
        let line = [cl("日", 20.0), cl("A", 10.0), cl("日", 20.0), cl(" ", 6.0)];
        let s = resolve_scripts(&[line.to_vec()], Script::Latin);
        let (ppt, lo, ..) = line_widths(&line, &s[0]);
        assert_eq!(ppt, 50.0);
        assert!((lo - (53.0 + 2.0 * gap)).abs() < 1e-4);
        // Not inside or after a link.
        let mut line = [cl("A", 10.0), cl("日", 20.0), cl("A", 10.0)];
        line[1].link = true;
        let s = resolve_scripts(&[line.to_vec()], Script::Latin);
        let (_, lo, ..) = line_widths(&line, &s[0]);
        assert!((lo - (43.0 + gap)).abs() < 1e-4);
    }

    #[test]
    fn a_wider_renderer_wraps_full_width_japanese_and_keeps_fields_whole() {
        use Script::*;
        // Each kanji a full em (20), wider than its rounded advance (13.5).
        let kanji = vec![cl("日", 12.5), cl("本", 12.5), cl("語", 12.5)];
        let asian = vec![vec![Asian; 3]];
        assert_eq!(
            wide_lines(std::slice::from_ref(&kanji), &asian, no_drops, 50.0, 50.0),
            2
        );
        assert_eq!(
            wide_lines(std::slice::from_ref(&kanji), &asian, no_drops, 60.0, 60.0),
            1
        );
        // Latin words break after spaces only (11 + 5 + 11 wide).
        let words = vec![cl("ab", 10.0), cl(" ", 4.0), cl("cd", 10.0)];
        let latin = vec![vec![Latin; 3]];
        assert_eq!(
            wide_lines(std::slice::from_ref(&words), &latin, no_drops, 27.0, 27.0),
            1
        );
        assert_eq!(
            wide_lines(std::slice::from_ref(&words), &latin, no_drops, 26.0, 26.0),
            2
        );
        // A narrower first line (an indent): "ab" overflows it alone.
        assert_eq!(wide_lines(&[words], &latin, no_drops, 10.0, 27.0), 2);
        // A link is one unit: it moves down whole.
        let mut linked = kanji.clone();
        linked[1].link = true;
        linked[2].link = true;
        assert_eq!(wide_lines(&[linked], &asian, no_drops, 50.0, 50.0), 2);
        let mut field = vec![cl("x", 10.0)];
        field.extend(kanji.iter().map(|c| Cluster { link: true, ..*c }));
        let mixed = vec![vec![Latin, Asian, Asian, Asian]];
        // "x" then the field: 11 + the field (60 and a space between
        // scripts) does not fit 70, so the field starts the second line.
        assert_eq!(wide_lines(&[field], &mixed, no_drops, 70.0, 70.0), 2);
    }

    #[test]
    fn wide_links_are_split_where_a_wider_face_breaks_them() {
        use Script::*;
        // "x", then a link of ten Japanese characters a full em (20) wide
        // in the wider face, one of them a prolonged sound mark.
        let text = ["日", "本", "語", "ー", "文", "字", "列", "日", "本", "語"];
        let mut line = vec![cl("x", 10.0)];
        line.extend(text.iter().map(|t| Cluster {
            link: true,
            ..cl(t, 12.5)
        }));
        let scripts = vec![
            std::iter::once(Latin)
                .chain([Asian; 10])
                .collect::<Vec<_>>(),
        ];
        // Kept whole, the field moves below "x" and is cut: three lines.
        assert_eq!(
            wide_lines(
                std::slice::from_ref(&line),
                &scripts,
                no_drops,
                150.0,
                150.0
            ),
            3
        );
        // Where the line fits the wider face, nothing is split.
        let mut fits = vec![line.clone()];
        assert!(split_wide_fields(&mut fits, &scripts, 250.0, 250.0).is_empty());
        assert!(fits[0][1..].iter().all(|c| c.link));

        let mut lines = vec![line];
        let plain = split_wide_fields(&mut lines, &scripts, 150.0, 150.0);
        let marked: Vec<usize> = (0..lines[0].len())
            .filter(|&k| k > 0 && !lines[0][k].link)
            .collect();
        assert_eq!(plain.len(), marked.len());
        // The link's first character, then the last of each piece of at
        // least an eighth of the line (one character here), never before the
        // mark that may not start a line.
        assert_eq!(marked, [1, 4, 6, 8]);
        assert!(
            marked
                .iter()
                .all(|&k| lines[0].get(k + 1).is_some_and(|c| c.text != "ー"))
        );
        assert!(plain.iter().all(|&(l, _, (b, e))| l == 0 && e - b == 3));
        // The wider face now breaks inside the link: two lines.
        assert_eq!(wide_lines(&lines, &scripts, no_drops, 150.0, 150.0), 2);
    }

    #[test]
    fn first_units() {
        let word = [cl("a", 10.0), cl("b", 10.0), cl(",", 5.0), cl("c", 10.0)];
        assert_eq!(first_unit(&word), (20.0, 22.0, 21.0));
        let kanji = [cl("日", 20.0), cl("本", 20.0)];
        assert_eq!(first_unit(&kanji), (20.0, 21.0, 20.5));
        assert_eq!(first_unit(&[]), (0.0, 0.0, 0.0));
    }

    #[test]
    fn uris_are_encoded_for_relationship_targets() {
        assert_eq!(
            encode_uri("https://example.org/a b?q=日"),
            "https://example.org/a%20b?q=%E6%97%A5"
        );
        assert_eq!(encode_uri("https://x.org/%41"), "https://x.org/%41");
    }

    #[test]
    fn written_sizes_are_not_rounded_up_by_libreoffice() {
        // 15.3 pt: LibreOffice's em would be 128 px (15.36 pt).
        assert_eq!(written_size(15.3), 15.27);
        assert_eq!(lo_em_px(15.27), 127.0);
        // 15.24 pt rounds to 127 px = 15.24 pt already.
        assert_eq!(written_size(15.24), 15.24);
        for centi in 800..4000 {
            let size = centi as f32 / 100.0;
            let w = written_size(size);
            assert!(w <= size && w >= size - 0.101, "{size} -> {w}");
            assert!(lo_em_px(w) * LO_PX <= f64::from(size) + 1e-6, "{size}");
        }
    }

    #[test]
    fn emu_conversion() {
        assert_eq!(baseline_offset(30.0, 20.0), 26.0);
        assert_eq!(emu(960.0), 12_192_000);
        assert_eq!(emu(540.0), 6_858_000);
        assert_eq!(emu(f32::NAN), 0);
    }
}
