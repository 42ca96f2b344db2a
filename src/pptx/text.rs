//! Text blocks as native, editable text boxes.
//!
//! # Reproducing our line breaks without hard breaks
//!
//! Lines of a paragraph are soft-wrapped by our layout. Writing them with
//! `a:br` would freeze the breaks, so editing a word would leave ragged lines.
//! Instead each paragraph gets a text width A (box width less `marL`/`marR`,
//! insets are 0) at which PowerPoint's and LibreOffice's greedy wrapping
//! breaks exactly where we did. A renderer keeps line i together when its
//! width w_i fits (w_i ≤ A) and moves the next unit down when line i plus
//! that unit would not fit (w_i + gap_i + u_{i+1} > A), where gap_i is a
//! space dropped at the break and u_{i+1} the first unbreakable unit of line
//! i+1. So every A in
//!
//! ```text
//!     [ max_i w_i ,  min_{i<n-1} (w_i + gap_i + u_{i+1}) )
//! ```
//!
//! reproduces the breaks; we take the middle of it, which leaves the most
//! room for the renderer measuring a little differently from us. Widths come
//! from the glyph advances, which for the bundled faces (no `GPOS`, no `kern`)
//! are the advances any renderer reads from `hmtx`. The unit is taken
//! conservatively short (one character of Japanese, one Latin word up to
//! punctuation), so a renderer whose kinsoku or word rules allow an earlier
//! break still does not pull text up. When the interval is empty (our
//! layout balanced lines, moved a widow down, or broke inside a word) that
//! paragraph falls back to `a:br` between its lines, with a text width that
//! fits its widest line.
//!
//! Spacing our layout adds between characters (the quarter-em between
//! Japanese and Latin text) is written as character spacing (`spc`) on the
//! character it follows, so positions inside a line and the measured widths
//! match too.
//!
//! # Vertical position
//!
//! Line spacing is exact (`a:spcPts` = the layout's baseline distance). With
//! exact spacing LibreOffice gives each line a box of that height and puts
//! the baseline one descent above its bottom, so the first baseline sits
//! `line_height − descent` below the box top ([`baseline_offset`]); the box
//! top is placed that far above our first baseline. Spacing between
//! paragraphs (`a:spcBef`) is derived from our baselines the same way, so the
//! whole block lands where the PDF draws it.
//!
//! # Markers
//!
//! Bullet marks (`Paragraph::bullet`) become `a:buChar` with the marker's
//! font, size and colour, hanging at the marker's position (`indent` < 0):
//! they stay bullets when edited and are not part of the text, as in
//! `Page::text`. Numbers ("1.", "①") belong to the text: they are written as
//! a literal run followed by a space whose character spacing puts the first
//! text character exactly where our layout put it, with `a:buNone` and the
//! same hanging indent. Slide text therefore equals `Page::text` except for
//! whitespace.

use rustybuzz::ttf_parser;

use super::package::{Rels, rel};
use super::xml::{Attr, Xml, at};
use crate::pages::{Align, Color, Document, GlyphRun, Link, Paragraph, TextBlock};
use crate::text::linebreak::{is_western, opportunities};

/// Points to EMU (English Metric Units, 12700 per point).
pub fn emu(pt: f32) -> i64 {
    if pt.is_finite() {
        (f64::from(pt) * 12700.0).round() as i64
    } else {
        0
    }
}

/// Where the first baseline of a line with exact spacing `line_height` lies
/// below the top of its line box (see the module docs).
pub fn baseline_offset(line_height: f32, _ascent: f32, descent: f32) -> f32 {
    line_height - descent
}

/// Parsed faces of the document, for raw advances.
pub struct Faces<'a> {
    faces: Vec<Option<ttf_parser::Face<'a>>>,
    families: Vec<&'a str>,
}

impl<'a> Faces<'a> {
    pub fn new(doc: &'a Document) -> Faces<'a> {
        Faces {
            faces: doc
                .fonts
                .iter()
                .map(|f| ttf_parser::Face::parse(f.data, 0).ok())
                .collect(),
            families: doc.fonts.iter().map(|f| f.family.as_str()).collect(),
        }
    }

    fn family(&self, font: usize) -> &'a str {
        // Theme font references keep a run with a bad font index editable.
        self.families.get(font).copied().unwrap_or("+mn-lt")
    }

    fn raw_advance(&self, font: usize, glyph: u16, size: f32) -> Option<f32> {
        let face = self.faces.get(font)?.as_ref()?;
        let adv = face.glyph_hor_advance(ttf_parser::GlyphId(glyph))?;
        Some(f32::from(adv) * size / f32::from(face.units_per_em()))
    }

    fn space_advance(&self, font: usize, size: f32) -> f32 {
        self.faces
            .get(font)
            .and_then(Option::as_ref)
            .and_then(|f| f.glyph_index(' '))
            .and_then(|g| self.raw_advance(font, g.0, size))
            .unwrap_or(size * 0.25)
    }
}

/// One cluster of a run: its text and advance as laid out, and the spacing
/// our layout added after it (advance minus the font's own advance).
#[derive(Debug, Clone, Copy)]
struct Cluster {
    start: usize,
    end: usize,
    advance: f32,
    spacing: f32,
}

/// The clusters of a run, in text order. A run without glyphs (or with
/// glyph ranges that do not tile its text) is one cluster with no spacing.
fn clusters(run: &GlyphRun, faces: &Faces<'_>) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    let mut raw_sum: Vec<Option<f32>> = Vec::new();
    for g in &run.glyphs {
        let (s, e) = (g.start as usize, g.end as usize);
        let raw = faces.raw_advance(run.font, g.id, run.size);
        match out.last_mut() {
            Some(c) if c.start == s && c.end == e => {
                c.advance += g.advance;
                let last = raw_sum.len() - 1;
                raw_sum[last] = raw_sum[last].zip(raw).map(|(a, b)| a + b);
            }
            _ => {
                out.push(Cluster {
                    start: s,
                    end: e,
                    advance: g.advance,
                    spacing: 0.0,
                });
                raw_sum.push(raw);
            }
        }
    }
    let tiles = !out.is_empty()
        && out.first().is_some_and(|c| c.start == 0)
        && out.last().is_some_and(|c| c.end == run.text.len())
        && out.windows(2).all(|w| w[0].end == w[1].start)
        && out.iter().all(|c| {
            c.start < c.end
                && run.text.is_char_boundary(c.start)
                && run.text.is_char_boundary(c.end)
        });
    if !tiles {
        return vec![Cluster {
            start: 0,
            end: run.text.len(),
            advance: run.width,
            spacing: 0.0,
        }];
    }
    for (c, raw) in out.iter_mut().zip(raw_sum) {
        if let Some(raw) = raw {
            let d = c.advance - raw;
            // Below a hundredth of a point is float noise, not spacing.
            if d.abs() >= 0.01 {
                c.spacing = d;
            }
        }
    }
    out
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
    /// Character spacing in hundredths of a point.
    spc: i64,
}

impl Style {
    fn of(run: &GlyphRun) -> Style {
        Style {
            font: run.font,
            size: size_centi(run.size),
            bold: run.bold,
            italic: run.italic,
            color: run.color,
            link: run.link.clone(),
            spc: 0,
        }
    }
}

fn size_centi(pt: f32) -> i64 {
    // ST_TextFontSize: 1–4000 pt.
    (f64::from(pt) * 100.0).round().clamp(100.0, 400_000.0) as i64
}

enum Piece {
    Text(String, Style),
    Break(Style),
}

fn push_text(pieces: &mut Vec<Piece>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    if let Some(Piece::Text(t, s)) = pieces.last_mut()
        && *s == style
    {
        t.push_str(text);
        return;
    }
    pieces.push(Piece::Text(text.to_owned(), style));
}

/// Pushes a run's text, giving each cluster with added spacing its own piece
/// with `spc` on the cluster's last character.
fn push_run(pieces: &mut Vec<Piece>, run: &GlyphRun, faces: &Faces<'_>) {
    let base = Style::of(run);
    let mut pos = 0;
    for c in clusters(run, faces) {
        if c.spacing == 0.0 {
            continue;
        }
        let last = run.text[c.start..c.end]
            .char_indices()
            .last()
            .map_or(c.start, |(i, _)| c.start + i);
        push_text(pieces, &run.text[pos..last], base.clone());
        let spc = (f64::from(c.spacing) * 100.0)
            .round()
            .clamp(-400_000.0, 400_000.0) as i64;
        push_text(
            pieces,
            &run.text[last..c.end],
            Style {
                spc,
                ..base.clone()
            },
        );
        pos = c.end;
    }
    push_text(pieces, &run.text[pos..], base);
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

/// The chosen text width and whether breaks must be explicit.
///
/// `natural` is the width the block's rectangle offers the paragraph; it is
/// used when nothing bounds the width from above (one line, or explicit
/// breaks), but never below the widest line plus a small margin.
pub fn choose_width(lower: f32, upper: Option<f32>, natural: f32) -> (f32, bool) {
    // Room for a renderer measuring a line slightly wider than we do.
    let slack = (lower * 0.01).max(1.0);
    match upper {
        Some(u) if u > lower => ((lower + u) / 2.0, false),
        Some(_) => (natural.max(lower + slack), true),
        None => (natural.max(lower + slack), false),
    }
}

/// The Unicode character at the start or end of a string.
fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn last_char(s: &str) -> Option<char> {
    s.chars().next_back()
}

/// Whether our layout dropped a space at the break between two lines: the
/// break is not a place where the text may break without one.
fn dropped_space(before: &str, after: &str) -> bool {
    if before.is_empty()
        || after.is_empty()
        || last_char(before).is_some_and(char::is_whitespace)
        || first_char(after).is_some_and(char::is_whitespace)
    {
        return false;
    }
    let joined = format!("{before}{after}");
    !opportunities(&joined).contains(&before.len())
}

/// Clusters of a line with their run, flattened.
fn line_clusters<'r>(runs: &'r [GlyphRun], faces: &Faces<'_>) -> Vec<(&'r GlyphRun, Cluster)> {
    runs.iter()
        .flat_map(|r| clusters(r, faces).into_iter().map(move |c| (r, c)))
        .collect()
}

/// The width of a line as a renderer measures it: advances plus spacing,
/// trailing white space excluded.
fn line_width(cl: &[(&GlyphRun, Cluster)]) -> f32 {
    let end = cl
        .iter()
        .rposition(|(r, c)| !r.text[c.start..c.end].trim().is_empty())
        .map_or(0, |i| i + 1);
    cl[..end].iter().map(|(_, c)| c.advance).sum()
}

/// The width of the first unit of a line: one cluster, or the Latin word it
/// starts (letters and digits only). Spacing after the unit's last cluster
/// is left out, as it would be at a line end.
fn first_unit(cl: &[(&GlyphRun, Cluster)]) -> f32 {
    let mut width = 0.0;
    let mut last_spacing = 0.0;
    for (i, (r, c)) in cl.iter().enumerate() {
        let t = &r.text[c.start..c.end];
        if i > 0 && !t.chars().all(is_western) {
            break;
        }
        width += c.advance;
        last_spacing = c.spacing;
        if i == 0 && !t.chars().all(is_western) {
            break;
        }
    }
    width - last_spacing
}

/// Leading and trailing white space advance of a line's clusters.
fn edge_space(cl: &[(&GlyphRun, Cluster)], leading: bool) -> f32 {
    let blank = |(r, c): &&(&GlyphRun, Cluster)| r.text[c.start..c.end].trim().is_empty();
    if leading {
        cl.iter().take_while(blank).map(|(_, c)| c.advance).sum()
    } else {
        cl.iter()
            .rev()
            .take_while(blank)
            .map(|(_, c)| c.advance)
            .sum()
    }
}

/// The measured lines of a paragraph and whether a space goes between each
/// pair of lines.
pub struct Analysis {
    pub fits: Vec<LineFit>,
    pub spaces: Vec<bool>,
}

fn analyse(p: &Paragraph, faces: &Faces<'_>) -> Analysis {
    let lines: Vec<Vec<(&GlyphRun, Cluster)>> = p
        .lines
        .iter()
        .map(|l| line_clusters(&l.runs, faces))
        .collect();
    let texts: Vec<String> = p.lines.iter().map(|l| l.text()).collect();
    let mut fits = Vec::with_capacity(lines.len());
    let mut spaces = Vec::new();
    for (i, cl) in lines.iter().enumerate() {
        let width = line_width(cl);
        let mut pull = 0.0;
        if let Some(next) = lines.get(i + 1) {
            let space = dropped_space(&texts[i], &texts[i + 1]);
            spaces.push(space);
            let gap = if space {
                cl.last()
                    .map_or(0.0, |(r, _)| faces.space_advance(r.font, r.size))
            } else {
                edge_space(cl, false) + edge_space(next, true)
            };
            let rest: Vec<_> = next
                .iter()
                .skip_while(|(r, c)| r.text[c.start..c.end].trim().is_empty())
                .copied()
                .collect();
            pull = gap + first_unit(&rest);
        }
        fits.push(LineFit { width, pull });
    }
    Analysis { fits, spaces }
}

/// Context for writing the text of one slide.
pub struct TextCtx<'a, 'r> {
    pub faces: &'a Faces<'a>,
    pub rels: &'r mut Rels,
    /// Package path of each page's slide, for page links.
    pub slide_parts: &'a [String],
    /// BCP 47 language of the text, e.g. "ja-JP".
    pub lang: &'a str,
}

/// A paragraph placed in its box.
struct Placed<'p> {
    para: &'p Paragraph,
    /// Absolute x of the text area's left and right edge.
    lo: f32,
    hi: f32,
    /// First-line offset from `lo` (negative for a hanging marker).
    indent: f32,
    breaks: bool,
    spaces: Vec<bool>,
    /// Character spacing that puts a number marker's text in place.
    number_gap: Option<f32>,
}

fn place<'p>(p: &'p Paragraph, block: &TextBlock, faces: &Faces<'_>) -> Placed<'p> {
    let mut a = analyse(p, faces);
    let rect = block.rect;
    let first = &p.lines[0];
    let rest_x = p.lines.get(1).map_or(first.x, |l| l.x);
    if p.align == Align::Left
        && let Some(f) = a.fits.first_mut()
    {
        // A first line that starts further right has that much less room.
        f.width += first.x - rest_x;
    }
    let (lower, upper) = wrap_interval(&a.fits);
    let mut number_gap = None;
    let (lo, hi, indent, breaks) = match p.align {
        Align::Left => {
            let lo = rest_x;
            let (w, breaks) = choose_width(lower, upper, rect.right() - lo);
            let indent = match &p.marker {
                Some(m) => {
                    if !p.bullet {
                        // Number, then a space stretched to reach the text.
                        let space = faces.space_advance(m.font, m.size);
                        number_gap = Some(first.x - (m.x + m.width) - space);
                    }
                    m.x - lo
                }
                None => first.x - lo,
            };
            (lo, lo + w, indent, breaks)
        }
        Align::Center => {
            let n = p.lines.len() as f32;
            let c = p.lines.iter().map(|l| l.x + l.width / 2.0).sum::<f32>() / n;
            let half = (c - rect.x).min(rect.right() - c).max(0.0);
            let (w, breaks) = choose_width(lower, upper, 2.0 * half);
            (c - w / 2.0, c + w / 2.0, 0.0, breaks)
        }
        Align::Right => {
            let r = p
                .lines
                .iter()
                .map(|l| l.x + l.width)
                .fold(f32::MIN, f32::max);
            let (w, breaks) = choose_width(lower, upper, r - rect.x);
            (r - w, r, 0.0, breaks)
        }
    };
    Placed {
        para: p,
        lo,
        hi,
        indent,
        breaks,
        spaces: a.spaces,
        number_gap,
    }
}

/// Max ascent and descent of a line's runs.
fn line_metrics(runs: &[GlyphRun], fallback: f32) -> (f32, f32) {
    let a = runs.iter().map(|r| r.ascent).fold(0.0, f32::max);
    let d = runs.iter().map(|r| r.descent).fold(0.0, f32::max);
    if a + d > 0.0 {
        (a, d)
    } else {
        (fallback * 0.88, fallback * 0.12)
    }
}

/// The geometry of a text box in points: its frame and each paragraph.
pub fn write_text_box(
    x: &mut Xml,
    id: u32,
    name: &str,
    block: &TextBlock,
    cx: &mut TextCtx<'_, '_>,
) {
    let placed: Vec<Placed<'_>> = block
        .paragraphs
        .iter()
        .filter(|p| !p.lines.is_empty())
        .map(|p| place(p, block, cx.faces))
        .collect();

    let rect = block.rect;
    let left = placed
        .iter()
        .map(|p| p.lo + p.indent.min(0.0))
        .fold(rect.x, f32::min);
    let right = placed.iter().map(|p| p.hi).fold(rect.right(), f32::max);

    // Vertical: the first baseline sets the top; paragraph gaps follow from
    // consecutive baselines.
    let mut top = rect.y;
    let mut bottom = rect.bottom();
    if let Some(first) = placed.first() {
        let p = first.para;
        let (asc, desc) = line_metrics(&p.lines[0].runs, p.size);
        top = p.lines[0].baseline - baseline_offset(p.line_height, asc, desc);
    }
    if let Some(last) = placed.last().and_then(|p| p.para.lines.last()) {
        let (_, desc) = line_metrics(&last.runs, last.runs.first().map_or(0.0, |r| r.size));
        bottom = bottom.max(last.baseline + desc);
    }

    x.open("p:sp", &[]);
    x.open("p:nvSpPr", &[]);
    x.empty("p:cNvPr", &[at("id", id), at("name", name)]);
    x.empty("p:cNvSpPr", &[at("txBox", "1")]);
    x.empty("p:nvPr", &[]);
    x.close("p:nvSpPr");
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
    x.empty("a:noAutofit", &[]);
    x.close("a:bodyPr");
    x.empty("a:lstStyle", &[]);
    if placed.is_empty() {
        x.open("a:p", &[]);
        x.empty("a:endParaRPr", &[at("lang", cx.lang)]);
        x.close("a:p");
    }
    let mut prev: Option<(f32, f32, f32)> = None; // last baseline, line height, descent
    for pl in &placed {
        let p = pl.para;
        let (asc, desc) = line_metrics(&p.lines[0].runs, p.size);
        let before = match prev {
            Some((base, lh, d)) => {
                let gap = p.lines[0].baseline - base;
                (gap - (lh - baseline_offset(lh, 0.0, d))
                    - baseline_offset(p.line_height, asc, desc))
                .max(0.0)
            }
            None => 0.0,
        };
        write_paragraph(x, pl, left, right, before, cx);
        if let Some(last) = p.lines.last() {
            let (_, d) = line_metrics(&last.runs, p.size);
            prev = Some((last.baseline, p.line_height, d));
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
    let mut attrs: Vec<Attr<'_>> = vec![
        at("marL", margin(pl.lo - left)),
        at("marR", margin(right - pl.hi)),
    ];
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
    match &p.marker {
        Some(m) if p.bullet && !m.text.trim().is_empty() => {
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
    x.close("a:pPr");

    let mut pieces: Vec<Piece> = Vec::new();
    if let Some(m) = p.marker.as_ref().filter(|_| !p.bullet) {
        push_run(&mut pieces, m, cx.faces);
        let spc = pl.number_gap.unwrap_or(0.0);
        let spc = (f64::from(spc) * 100.0)
            .round()
            .clamp(-400_000.0, 400_000.0) as i64;
        push_text(
            &mut pieces,
            " ",
            Style {
                spc,
                ..Style::of(m)
            },
        );
    }
    for (i, line) in p.lines.iter().enumerate() {
        if i > 0 {
            let style = line
                .runs
                .first()
                .map(Style::of)
                .or_else(|| p.lines[i - 1].runs.last().map(Style::of));
            if let Some(style) = style {
                if pl.breaks {
                    pieces.push(Piece::Break(style));
                } else if pl.spaces.get(i - 1).copied().unwrap_or(false) {
                    // The dropped space takes the previous line's style so it
                    // merges with its run.
                    let prev = p.lines[i - 1].runs.last().map_or(style, Style::of);
                    push_text(&mut pieces, " ", prev);
                }
            }
        }
        for run in &line.runs {
            push_run(&mut pieces, run, cx.faces);
        }
    }
    for piece in &pieces {
        match piece {
            Piece::Text(t, s) => {
                x.open("a:r", &[]);
                write_rpr(x, "a:rPr", s, cx);
                x.text_elem("a:t", &[], t);
                x.close("a:r");
            }
            Piece::Break(s) => {
                x.open("a:br", &[]);
                write_rpr(x, "a:rPr", s, cx);
                x.close("a:br");
            }
        }
    }
    let end = p.lines.last().and_then(|l| l.runs.last()).map(|r| Style {
        link: None,
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

fn write_rpr(x: &mut Xml, tag: &str, s: &Style, cx: &mut TextCtx<'_, '_>) {
    let mut attrs = vec![
        at("lang", cx.lang),
        at("altLang", "en-US"),
        at("sz", s.size),
    ];
    if s.bold {
        attrs.push(at("b", 1));
    }
    if s.italic {
        attrs.push(at("i", 1));
    }
    if s.spc != 0 {
        attrs.push(at("spc", s.spc));
    }
    attrs.push(at("dirty", 0));
    x.open(tag, &attrs);
    x.solid_fill(&s.color.hex());
    let family = cx.faces.family(s.font);
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

    #[test]
    fn interval_is_widest_line_to_tightest_pull() {
        // Lines 100, 90, 60 wide; pulling up the next unit would make them
        // 112 and 105.
        let lines = [fit(100.0, 12.0), fit(90.0, 15.0), fit(60.0, 0.0)];
        assert_eq!(wrap_interval(&lines), (100.0, Some(105.0)));
        let (w, breaks) = choose_width(100.0, Some(105.0), 300.0);
        assert_eq!((w, breaks), (102.5, false));
    }

    #[test]
    fn single_line_uses_the_natural_width_but_at_least_the_line() {
        assert_eq!(wrap_interval(&[fit(80.0, 0.0)]), (80.0, None));
        assert_eq!(choose_width(80.0, None, 200.0), (200.0, false));
        // The rectangle is narrower than the line: the line still fits.
        assert_eq!(choose_width(80.0, None, 50.0), (81.0, false));
        assert_eq!(choose_width(500.0, None, 10.0), (505.0, false));
    }

    #[test]
    fn empty_interval_falls_back_to_explicit_breaks() {
        // A balanced layout: the short first line could have taken more.
        let lines = [fit(60.0, 10.0), fit(100.0, 0.0)];
        let (lo, hi) = wrap_interval(&lines);
        assert_eq!((lo, hi), (100.0, Some(70.0)));
        let (w, breaks) = choose_width(lo, hi, 120.0);
        assert!(breaks);
        assert_eq!(w, 120.0);
        // Touching bounds are empty too (the upper bound is exclusive).
        assert!(choose_width(100.0, Some(100.0), 0.0).1);
    }

    #[test]
    fn no_lines_gives_an_unbounded_zero_interval() {
        assert_eq!(wrap_interval(&[]), (0.0, None));
    }

    #[test]
    fn dropped_spaces_only_where_the_text_cannot_break_without_one() {
        assert!(dropped_space("foo", "bar"));
        assert!(dropped_space("Deep", "Learning"));
        assert!(!dropped_space("日本", "語"));
        assert!(!dropped_space("foo ", "bar"));
        assert!(!dropped_space("state-", "of"));
        assert!(!dropped_space("", "x"));
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
    fn emu_conversion() {
        assert_eq!(emu(960.0), 12_192_000);
        assert_eq!(emu(540.0), 6_858_000);
        assert_eq!(emu(f32::NAN), 0);
    }
}
