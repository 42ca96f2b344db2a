//! Handouts (and, with `notes`, notes pages): slides placed, scaled, on printed pages.
//!
//! Imposition copies each slide's items with their coordinates scaled, so
//! the result is an ordinary pages model: vector text that stays text, links
//! that stay clickable at the scaled place, one font subset for the file.

use crate::pages::{
    self, Align, Color, Document, Item, Link, Page, PageKind, Rect, Role, Shape, ShapeRole,
    TextBlock,
};
use crate::text::FontBook;
use crate::theme::Theme;

use super::qr;
use super::text::{Para, Typesetter, shift};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperSize {
    A4,
    Letter,
}

impl PaperSize {
    /// Portrait width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (595.28, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Left to right, then the next row.
    Across,
    /// Top to bottom, then the next column.
    Down,
}

#[derive(Debug, Clone, Copy)]
pub struct HandoutOptions {
    pub per_page: usize,
    pub paper: PaperSize,
    pub order: Order,
    /// A QR code of the paper's link beside each paper slide.
    pub qr: bool,
}

pub const PER_PAGE: &[usize] = &[1, 2, 3, 4, 6, 9];

pub(super) const MARGIN: f32 = 36.0;

/// Side of a handout's QR codes (quiet zone included), by slides per page:
/// about 0.5 mm a module for a link of arXiv's length, which phones read
/// from a photocopy.
pub(super) fn qr_size(per_page: usize) -> f32 {
    match per_page {
        1 => 96.0,
        2 => 84.0,
        3 => 76.0,
        4 => 70.0,
        6 => 62.0,
        _ => 56.0,
    }
}

/// Room between a slide and its QR code.
pub(super) const QR_GAP: f32 = 8.0;
pub(super) const HEADER: f32 = 30.0;
pub(super) const FOOTER: f32 = 26.0;

/// Sheet size and the rectangle of each slot, in reading order.
pub fn slots(opts: &HandoutOptions, slide_w: f32, slide_h: f32) -> (f32, f32, Vec<Rect>) {
    let (pw, ph) = opts.paper.size();
    let (cols, rows, landscape) = match opts.per_page {
        1 => (1, 1, true),
        2 => (1, 2, false),
        3 => (1, 3, false),
        4 => (2, 2, true),
        6 => (2, 3, false),
        _ => (3, 3, true),
    };
    let (w, h) = if landscape { (ph, pw) } else { (pw, ph) };
    let area = Rect::new(
        MARGIN,
        MARGIN + HEADER,
        w - 2.0 * MARGIN,
        h - 2.0 * MARGIN - HEADER - FOOTER,
    );
    // Three per page keeps the right half for ruled note lines.
    let col_w = if opts.per_page == 3 {
        area.w * 0.5
    } else {
        area.w
    };
    let gap = 18.0;
    let cell_w = (col_w - gap * (cols as f32 - 1.0)) / cols as f32;
    let cell_h = (area.h - gap * (rows as f32 - 1.0)) / rows as f32;
    // Room under each slide for its number, and beside it for a QR code
    // (three per page put theirs in the notes column).
    let label = 12.0;
    let reserve = if opts.qr && opts.per_page != 3 {
        qr_size(opts.per_page) + QR_GAP
    } else {
        0.0
    };
    let s = ((cell_w - reserve) / slide_w).min((cell_h - label) / slide_h);
    let (sw, sh) = (slide_w * s, slide_h * s);
    let mut out = Vec::new();
    for i in 0..cols * rows {
        let (c, r) = match opts.order {
            Order::Across => (i % cols, i / cols),
            Order::Down => (i / rows, i % rows),
        };
        let x = area.x + c as f32 * (cell_w + gap) + (cell_w - reserve - sw) / 2.0;
        let y = area.y + r as f32 * (cell_h + gap) + (cell_h - label - sh) / 2.0;
        out.push(Rect::new(
            if opts.per_page == 3 { area.x } else { x },
            y,
            sw,
            sh,
        ));
    }
    (w, h, out)
}

/// A handout: `per_page` slides on each sheet with frames, numbers, a header and a footer.
pub fn handout(doc: &Document, opts: &HandoutOptions, theme: &Theme, book: &FontBook) -> Document {
    let mut ts = Typesetter::new(book, 1.2);
    let (w, h, slots) = slots(opts, doc.width, doc.height);
    let n = opts.per_page.max(1);
    let sheets = doc.pages.len().div_ceil(n).max(1);
    let mut pages_out = Vec::with_capacity(sheets);
    for sheet in 0..sheets {
        let mut items = Vec::new();
        header(&mut ts, doc, theme, w, &mut items);
        for (slot, rect) in slots.iter().enumerate() {
            let index = sheet * n + slot;
            let Some(page) = doc.pages.get(index) else {
                break;
            };
            place(page, doc, *rect, |p| p / n, &mut items);
            frame(*rect, &mut items);
            // Slide number under the frame's left corner.
            let mut p = Para::plain(&format!("{}", index + 1), 8.0, theme.muted);
            p.align = Align::Left;
            let mut lp = ts.lay(&p, 1.0, rect.x, 40.0);
            shift(&mut lp.para, rect.bottom() + 1.0);
            items.push(Item::Text(TextBlock {
                role: Role::SlideNumber,
                rect: Rect::new(rect.x, rect.bottom() + 1.0, 40.0, lp.height),
                paragraphs: vec![lp.para],
            }));
            // The QR code goes beside the slide, or at the top of the notes column.
            let q = qr_size(n);
            let code_at = if n == 3 {
                (w - MARGIN - q, rect.y)
            } else {
                (rect.right() + QR_GAP, rect.y)
            };
            let code = match &page.paper {
                Some(paper) if opts.qr => qr::items(
                    &mut ts,
                    &paper.url,
                    &format!("arXiv:{}", paper.id),
                    code_at.0,
                    code_at.1,
                    q,
                    Color(0, 0, 0),
                ),
                _ => None,
            };
            let code_bottom = code.as_ref().map(|_| code_at.1 + qr::height(q));
            items.extend(code.into_iter().flatten());
            if n == 3 {
                // Ruled lines for notes beside the slide, as PowerPoint's handouts
                // have; shorter beside a QR code.
                let x0 = rect.right() + 24.0;
                let mut y = rect.y + 14.0;
                while y < rect.bottom() {
                    let x1 = match code_bottom {
                        Some(b) if y < b + 6.0 => code_at.0 - 12.0,
                        _ => w - MARGIN,
                    };
                    items.push(Item::Shape(Shape {
                        role: ShapeRole::Rule,
                        rect: Rect::new(x0, y, x1 - x0, 0.5),
                        fill: Some(Color(0xB0, 0xB0, 0xB0)),
                        stroke: None,
                        radius: 0.0,
                    }));
                    y += 20.0;
                }
            }
        }
        footer(&mut ts, theme, w, h, sheet + 1, sheets, &mut items);
        pages_out.push(Page {
            kind: PageKind::Free,
            title: format!("{} / {}", sheet + 1, sheets),
            source_line: 0,
            background: Color(0xFF, 0xFF, 0xFF),
            items,
            notes: None,
            notes_rtl: Vec::new(),
            paper: None,
        });
    }
    let outline = doc.outline.iter().map(|o| remap_outline(o, n)).collect();
    sheets_of(doc, w, h, pages_out, outline)
}

/// A printed document: the deck's metadata, fonts and images on new sheets.
pub(super) fn sheets_of(
    doc: &Document,
    w: f32,
    h: f32,
    pages: Vec<Page>,
    outline: Vec<pages::OutlineNode>,
) -> Document {
    Document {
        meta: doc.meta.clone(),
        width: w,
        height: h,
        pages,
        outline,
        images: doc.images.clone(),
        fonts: doc.fonts.clone(),
        palette: doc.palette,
    }
}

fn remap_outline(o: &pages::OutlineNode, n: usize) -> pages::OutlineNode {
    pages::OutlineNode {
        title: o.title.clone(),
        page: o.page / n,
        children: o.children.iter().map(|c| remap_outline(c, n)).collect(),
    }
}

pub(super) fn header(
    ts: &mut Typesetter,
    doc: &Document,
    theme: &Theme,
    w: f32,
    items: &mut Vec<Item>,
) {
    let mut title = doc.meta.title.clone();
    if let Some(d) = &doc.meta.date {
        title.push_str(&format!("    {}", d.replace('-', "/")));
    }
    let mut lp = ts.lay(
        &Para::plain(&title, 10.0, theme.muted),
        1.0,
        MARGIN,
        w - 2.0 * MARGIN,
    );
    shift(&mut lp.para, MARGIN);
    items.push(Item::Text(TextBlock {
        role: Role::Footer,
        rect: Rect::new(MARGIN, MARGIN, w - 2.0 * MARGIN, lp.height),
        paragraphs: vec![lp.para],
    }));
}

#[allow(clippy::too_many_arguments)]
pub(super) fn footer(
    ts: &mut Typesetter,
    theme: &Theme,
    w: f32,
    h: f32,
    n: usize,
    total: usize,
    items: &mut Vec<Item>,
) {
    let p = Para::plain(&format!("{n} / {total}"), 9.0, theme.muted).align(Align::Center);
    let mut lp = ts.lay(&p, 1.0, MARGIN, w - 2.0 * MARGIN);
    let y = h - MARGIN - lp.height + 6.0;
    shift(&mut lp.para, y);
    items.push(Item::Text(TextBlock {
        role: Role::SlideNumber,
        rect: Rect::new(MARGIN, y, w - 2.0 * MARGIN, lp.height),
        paragraphs: vec![lp.para],
    }));
}

/// The deck with every page scaled by `factor`: the same slides on larger
/// pages, for sites that rasterise a PDF at its page size.
pub fn scaled(doc: &Document, factor: f32) -> Document {
    let (w, h) = (doc.width * factor, doc.height * factor);
    let pages_out = doc
        .pages
        .iter()
        .map(|page| {
            let mut items = Vec::with_capacity(page.items.len());
            place(page, doc, Rect::new(0.0, 0.0, w, h), |p| p, &mut items);
            Page {
                items,
                ..page.clone()
            }
        })
        .collect();
    sheets_of(doc, w, h, pages_out, doc.outline.clone())
}

/// A thin frame around a placed slide.
pub(super) fn frame(rect: Rect, items: &mut Vec<Item>) {
    items.push(Item::Shape(Shape {
        role: ShapeRole::Frame,
        rect,
        fill: None,
        stroke: Some((Color(0x80, 0x80, 0x80), 0.6)),
        radius: 0.0,
    }));
}

/// Copies a slide's items into `rect`, scaled.
pub(super) fn place(
    page: &Page,
    doc: &Document,
    rect: Rect,
    page_link: impl Fn(usize) -> usize,
    items: &mut Vec<Item>,
) {
    let s = rect.w / doc.width;
    let map = |r: Rect| Rect::new(rect.x + r.x * s, rect.y + r.y * s, r.w * s, r.h * s);
    if page.background != Color(0xFF, 0xFF, 0xFF) {
        items.push(Item::Shape(Shape {
            role: ShapeRole::Band,
            rect,
            fill: Some(page.background),
            stroke: None,
            radius: 0.0,
        }));
    }
    for item in &page.items {
        let mut item = item.clone();
        match &mut item {
            Item::Shape(sh) => {
                sh.rect = map(sh.rect);
                sh.radius *= s;
                if let Some((_, w)) = &mut sh.stroke {
                    *w = (*w * s).max(0.25);
                }
            }
            Item::Image(im) => im.rect = map(im.rect),
            Item::Text(t) => {
                t.rect = map(t.rect);
                for p in &mut t.paragraphs {
                    p.indent *= s;
                    p.size *= s;
                    p.line_height *= s;
                    p.space_before *= s;
                    let runs = p
                        .marker
                        .iter_mut()
                        .chain(p.lines.iter_mut().flat_map(|l| l.runs.iter_mut()));
                    for r in runs {
                        r.x = rect.x + r.x * s;
                        r.baseline = rect.y + r.baseline * s;
                        r.width *= s;
                        r.size *= s;
                        r.ascent *= s;
                        r.descent *= s;
                        for g in &mut r.glyphs {
                            g.advance *= s;
                            g.dx *= s;
                            g.dy *= s;
                        }
                        if let Some(Link::Page(p)) = &mut r.link {
                            *p = page_link(*p);
                        }
                    }
                    for l in &mut p.lines {
                        l.x = rect.x + l.x * s;
                        l.baseline = rect.y + l.baseline * s;
                        l.width *= s;
                    }
                }
            }
        }
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_fit_the_sheet_in_reading_order() {
        for &n in PER_PAGE {
            for order in [Order::Across, Order::Down] {
                for qr in [false, true] {
                    let (w, h, slots) = slots(
                        &HandoutOptions {
                            per_page: n,
                            paper: PaperSize::A4,
                            order,
                            qr,
                        },
                        960.0,
                        540.0,
                    );
                    assert_eq!(slots.len(), n);
                    let sheet = Rect::new(0.0, 0.0, w, h);
                    // With codes, each slot is the slide and the code's square beside it.
                    let q = qr_size(n);
                    let cells: Vec<Rect> = slots
                        .iter()
                        .map(|r| match qr && n != 3 {
                            true => Rect::new(r.x, r.y, r.w + QR_GAP + q, r.h.max(qr::height(q))),
                            false => *r,
                        })
                        .collect();
                    for (i, r) in cells.iter().enumerate() {
                        assert!(sheet.contains(r), "{n}-up slot {i} {r:?} leaves the sheet");
                        assert!((slots[i].w / slots[i].h - 960.0 / 540.0).abs() < 0.01);
                        for q in &cells[..i] {
                            let overlap = r.x < q.right()
                                && q.x < r.right()
                                && r.y < q.bottom()
                                && q.y < r.bottom();
                            assert!(!overlap, "{n}-up slots overlap (qr: {qr})");
                        }
                    }
                }
            }
        }
        let (_, _, across) = slots(
            &HandoutOptions {
                per_page: 4,
                paper: PaperSize::A4,
                order: Order::Across,
                qr: false,
            },
            960.0,
            540.0,
        );
        assert!(across[1].x > across[0].x && (across[1].y - across[0].y).abs() < 0.01);
        let (_, _, down) = slots(
            &HandoutOptions {
                per_page: 4,
                paper: PaperSize::A4,
                order: Order::Down,
                qr: false,
            },
            960.0,
            540.0,
        );
        assert!(down[1].y > down[0].y && (down[1].x - down[0].x).abs() < 0.01);
    }
}
