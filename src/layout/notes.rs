//! Notes pages: each slide on a portrait sheet with its speaker notes below,
//! continued on further sheets when the notes are longer than the space.
//!
//! Notes keep the structure the author typed: one paragraph per line, blank
//! lines as vertical space, leading indentation as a left indent (wrapped
//! lines keep it). Nothing is shrunk or cut: a note that does not fit goes
//! on, line by line, on a continuation sheet headed by the slide's title and
//! "(2/3)", like continued slides.

use crate::pages::{self, Color, Document, Item, Page, Rect, Role, TextBlock};
use crate::text::FontBook;
use crate::theme::Theme;

use super::impose::{
    FOOTER, HEADER, MARGIN, PaperSize, QR_GAP, footer, frame, header, place, qr_size, sheets_of,
};
use super::qr;
use super::text::{LaidPara, Para, Typesetter, shift, split_lines};

/// The notes' type size, in points.
pub const NOTES_SIZE: f32 = 12.0;
/// Space between two lines of the notes (paragraphs), in points.
const PARA_GAP: f32 = 4.0;

/// Notes pages: one slide per portrait sheet with its speaker notes below,
/// and as many continuation sheets as the notes need. With `qr`, a paper's
/// slide is narrowed to leave room for a QR code of its link beside it.
pub fn notes_pages(
    doc: &Document,
    paper: PaperSize,
    theme: &Theme,
    book: &FontBook,
    qr: bool,
) -> Document {
    let mut ts = Typesetter::new(book, 1.45);
    let (w, h) = paper.size();
    let sw = w - 2.0 * MARGIN;
    let sh = sw * doc.height / doc.width;
    let slide = Rect::new(MARGIN, MARGIN + HEADER, sw, sh);
    let bottom = h - MARGIN - FOOTER;
    let mut sheets: Vec<Page> = Vec::with_capacity(doc.pages.len());
    // The first sheet of each slide, for links and the outline.
    let mut first_sheet = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        first_sheet.push(sheets.len());
        let blocks = note_blocks(&mut ts, page.notes.as_deref().unwrap_or(""), theme, sw);
        let first_top = slide.bottom() + 24.0;
        // A continuation sheet starts with the slide's title and "(k/n)":
        // measured with the widest count, so that its height is known before
        // the notes are split.
        let label = |k: usize, n: usize| match page.title.trim() {
            "" => format!("({k}/{n})"),
            t => format!("{t} ({k}/{n})"),
        };
        let label_h = ts
            .lay(&label_para(&label(999, 999), theme), 1.0, MARGIN, sw)
            .height;
        let cont_top = MARGIN + HEADER + label_h + 12.0;
        let pieces = paginate(blocks, bottom - first_top, bottom - cont_top);
        let count = pieces.len();
        // `paginate` gives at least one sheet, so a slide without notes still has its own.
        for (k, piece) in pieces.into_iter().enumerate() {
            let mut items = Vec::new();
            header(&mut ts, doc, theme, w, &mut items);
            let top = if k == 0 {
                let code = page.paper.as_ref().filter(|_| qr).and_then(|paper| {
                    // As on a one-up handout: the code beside the slide, top-aligned.
                    let q = qr_size(1);
                    qr::items(
                        &mut ts,
                        &paper.url,
                        &format!("arXiv:{}", paper.id),
                        slide.right() - q,
                        slide.y,
                        q,
                        Color(0, 0, 0),
                    )
                    .map(|items| (items, q))
                });
                let shown = match &code {
                    // Narrowed, and centred in the height the full-width slide had.
                    Some((_, q)) => {
                        let sw = slide.w - q - QR_GAP;
                        let sh = sw * doc.height / doc.width;
                        Rect::new(slide.x, slide.y + (slide.h - sh) / 2.0, sw, sh)
                    }
                    None => slide,
                };
                place(page, doc, shown, |p| p, &mut items);
                frame(shown, &mut items);
                items.extend(code.into_iter().flat_map(|(items, _)| items));
                first_top
            } else {
                let mut lp = ts.lay(&label_para(&label(k + 1, count), theme), 1.0, MARGIN, sw);
                let y = MARGIN + HEADER;
                shift(&mut lp.para, y);
                items.push(Item::Text(TextBlock {
                    role: Role::Title,
                    rect: Rect::new(MARGIN, y, sw, lp.height),
                    paragraphs: vec![lp.para],
                }));
                cont_top
            };
            push_notes(&mut items, piece, top, bottom, sw);
            sheets.push(Page {
                kind: page.kind,
                title: page.title.clone(),
                source_line: page.source_line,
                background: Color(0xFF, 0xFF, 0xFF),
                items,
                notes: (k == 0).then(|| page.notes.clone()).flatten(),
                notes_rtl: if k == 0 {
                    page.notes_rtl.clone()
                } else {
                    Vec::new()
                },
                paper: page.paper.clone(),
            });
        }
    }
    let total = sheets.len();
    for (i, sheet) in sheets.iter_mut().enumerate() {
        footer(&mut ts, theme, w, h, i + 1, total, &mut sheet.items);
    }
    // Internal links and the outline point at a slide's first sheet.
    let to_sheet = |p: usize| first_sheet.get(p).copied().unwrap_or(0);
    for sheet in &mut sheets {
        for item in &mut sheet.items {
            if let Item::Text(t) = item {
                for r in t
                    .paragraphs
                    .iter_mut()
                    .flat_map(|p| p.lines.iter_mut())
                    .flat_map(|l| l.runs.iter_mut())
                {
                    if let Some(pages::Link::Page(p)) = &mut r.link {
                        *p = to_sheet(*p);
                    }
                }
            }
        }
    }
    let outline = doc.outline.iter().map(|o| remap(o, &to_sheet)).collect();
    sheets_of(doc, w, h, sheets, outline)
}

fn label_para(text: &str, theme: &Theme) -> Para {
    Para::plain(text, NOTES_SIZE, theme.muted)
}

fn remap(o: &pages::OutlineNode, to_sheet: &impl Fn(usize) -> usize) -> pages::OutlineNode {
    pages::OutlineNode {
        title: o.title.clone(),
        page: to_sheet(o.page),
        children: o.children.iter().map(|c| remap(c, to_sheet)).collect(),
    }
}

/// One line of the notes as laid out, or the space a blank line leaves.
enum Block {
    Text(LaidPara),
    Blank(f32),
}

impl Block {
    fn height(&self) -> f32 {
        match self {
            Block::Text(lp) => lp.height + PARA_GAP,
            Block::Blank(h) => *h,
        }
    }
}

/// The notes' lines laid out at the left margin (x = MARGIN, top at y = 0),
/// each indented by its leading white space: half an em per space, two per
/// ideographic space, four per tab.
fn note_blocks(ts: &mut Typesetter, notes: &str, theme: &Theme, width: f32) -> Vec<Block> {
    let mut out = Vec::new();
    let blank = NOTES_SIZE * ts.line_spacing;
    for line in notes.trim_end().lines() {
        let text = line.trim_start();
        if text.is_empty() {
            // Blank lines before the first text line are not worth a gap.
            if !out.is_empty() {
                out.push(Block::Blank(blank));
            }
            continue;
        }
        let cols: usize = line[..line.len() - text.len()]
            .chars()
            .map(|c| match c {
                '\t' => 4,
                '\u{3000}' => 2,
                _ => 1,
            })
            .sum();
        // Deep indentation never leaves less than half the width for text.
        let indent = (cols as f32 * NOTES_SIZE * 0.5).min(width / 2.0);
        let para = Para::plain(text.trim_end(), NOTES_SIZE, theme.text);
        out.push(Block::Text(ts.lay(
            &para,
            1.0,
            MARGIN + indent,
            width - indent,
        )));
    }
    out
}

/// Splits the blocks into sheets: `first` points of height on the slide's
/// own sheet, `rest` on each continuation sheet. A paragraph that does not
/// fit is split between its lines; blank lines at a sheet's top are dropped.
fn paginate(blocks: Vec<Block>, first: f32, rest: f32) -> Vec<Vec<Block>> {
    let mut sheets = vec![Vec::new()];
    let mut room = first;
    let mut queue: std::collections::VecDeque<Block> = blocks.into();
    while let Some(b) = queue.pop_front() {
        let fresh = sheets.last().is_some_and(Vec::is_empty);
        if let Block::Blank(_) = b
            && fresh
            && sheets.len() > 1
        {
            continue;
        }
        if b.height() <= room + 0.01 {
            room -= b.height();
            if let Some(s) = sheets.last_mut() {
                s.push(b);
            }
            continue;
        }
        if let Block::Text(lp) = &b {
            let line_h = lp.para.line_height;
            let fit = ((room - PARA_GAP - lp.para.space_before) / line_h).floor();
            let fit = if fit > 0.0 { fit as usize } else { 0 };
            // Split when at least one line fits, or when even a whole sheet
            // cannot hold it (then the sheet takes what it can).
            if fit > 0 && fit < lp.para.lines.len() {
                let (a, rest_part) = split_lines(lp, fit);
                if let Some(s) = sheets.last_mut() {
                    s.push(Block::Text(a));
                }
                queue.push_front(Block::Text(rest_part));
                sheets.push(Vec::new());
                room = rest;
                continue;
            }
        }
        if fresh {
            // Taller than an empty sheet and not splittable: place it anyway
            // (cannot happen with text lines, which always split).
            if let Some(s) = sheets.last_mut() {
                s.push(b);
            }
            room = 0.0;
            continue;
        }
        sheets.push(Vec::new());
        room = rest;
        queue.push_front(b);
    }
    if sheets.len() > 1 && sheets.last().is_some_and(Vec::is_empty) {
        sheets.pop();
    }
    sheets
}

/// Places one sheet's notes from `top` as one text block.
fn push_notes(items: &mut Vec<Item>, blocks: Vec<Block>, top: f32, bottom: f32, width: f32) {
    let mut y = top;
    let mut paras = Vec::new();
    for b in blocks {
        match b {
            Block::Text(mut lp) => {
                shift(&mut lp.para, y);
                y += lp.height + PARA_GAP;
                paras.push(lp.para);
            }
            Block::Blank(h) => y += h,
        }
    }
    if !paras.is_empty() {
        items.push(Item::Text(TextBlock {
            role: Role::Body,
            rect: Rect::new(MARGIN, top, width, bottom.max(y) - top),
            paragraphs: paras,
        }));
    }
}
