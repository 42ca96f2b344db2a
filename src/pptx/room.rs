//! The room each text box may take on its slide.
//!
//! A renderer that measures text a little wider than our layout (LibreOffice
//! rounds advances to whole pixels and, outside Japanese locales, adds space
//! between scripts) needs a box a little wider than the laid-out block to
//! break where we did, and one more line of height where it breaks earlier.
//! A text box may therefore grow past its block into space the layout left
//! empty, but never into the margins, a picture, a tag, a commentary box or
//! another text box: this module finds that space.
//!
//! Text that sits inside a box shape (the commentary, a tag) keeps to that
//! shape. Other text grows sideways up to the nearest item beside it (half
//! way to a neighbouring text block, so two blocks never claim the same
//! space), then downwards up to the nearest item below within that width.
//!
//! Boxes keep `a:noAutofit` where the room below absorbs a renderer's extra
//! lines: LibreOffice 7.4 (measured, Japanese locale) moves every line of a
//! `normAutofit` box down by about 0.06 em (up to 2.9 pt) even when the text
//! fits, so the slide drifts from the PDF. Only a box whose text a wider
//! renderer would carry past the room (`text::wide_lines`: LibreOffice in
//! a C locale, or without BIZ UDPGothic) gets `normAutofit`, so that
//! LibreOffice shrinks the text there instead of running it over the
//! footer: 19 boxes on 17 of the reference sample's 68 slides.

use crate::pages::{Item, Page, Rect, ShapeRole};

/// Space kept between a grown box and a picture, tag or box shape.
const GAP: f32 = 4.0;

/// Overlaps smaller than this (rounding, touching edges) do not count.
const EPS: f32 = 0.5;

/// The content area of a document's slides: the smallest rectangle holding
/// every text block, picture and tag of every page. The layout keeps all of
/// them inside the slide's margins, so this is the area inside the margins
/// that the deck actually uses; bands and rules, which bleed, are left out.
pub fn content_area(pages: &[Page], width: f32, height: f32) -> Rect {
    let mut acc: Option<(f32, f32, f32, f32)> = None;
    for r in pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(obstacle)
    {
        let (x0, y0, x1, y1) = acc.unwrap_or((r.x, r.y, r.right(), r.bottom()));
        acc = Some((
            x0.min(r.x),
            y0.min(r.y),
            x1.max(r.right()),
            y1.max(r.bottom()),
        ));
    }
    let (x0, y0, x1, y1) = acc.unwrap_or((0.0, 0.0, width, height));
    let (x0, y0) = (x0.max(0.0), y0.max(0.0));
    Rect::new(
        x0,
        y0,
        (x1.min(width) - x0).max(0.0),
        (y1.min(height) - y0).max(0.0),
    )
}

/// The rectangle of an item that other text must not run into. For text,
/// its block's width and its lines' height as the renderer sets them (see
/// `text::text_span`), which may reach a little past the block.
fn obstacle(item: &Item) -> Option<Rect> {
    match item {
        Item::Text(t) => {
            let (top, bottom) = super::text::text_span(t);
            let (top, bottom) = (top.min(t.rect.y), bottom.max(top));
            Some(Rect::new(t.rect.x, top, t.rect.w, bottom - top))
        }
        Item::Image(i) => Some(i.rect),
        Item::Shape(s) if is_box(s.role) => Some(s.rect),
        Item::Shape(_) => None,
    }
}

fn is_box(role: ShapeRole) -> bool {
    matches!(role, ShapeRole::Callout | ShapeRole::Badge)
}

fn overlap(a0: f32, a1: f32, b0: f32, b1: f32) -> bool {
    a1.min(b1) - a0.max(b0) > EPS
}

/// For each item of `page`, the room its text box may take (`None` for
/// items that are not text). Every room holds its block's own rectangle.
pub fn rooms(page: &Page, content: Rect) -> Vec<Option<Rect>> {
    page.items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Item::Text(_) => obstacle(item).map(|r| room(page, i, r, content)),
            _ => None,
        })
        .collect()
}

fn room(page: &Page, me: usize, rect: Rect, content: Rect) -> Rect {
    // Inside a box shape: that shape, less a hairline for its border.
    let container = page.items.iter().find_map(|it| match it {
        Item::Shape(s) if is_box(s.role) && s.rect.contains(&rect) => Some(s.rect),
        _ => None,
    });
    let bounds = container.map_or(content, |c| {
        Rect::new(c.x + 1.0, c.y + 1.0, c.w - 2.0, c.h - 2.0)
    });
    let mut left = bounds.x.min(rect.x);
    let mut right = bounds.right().max(rect.right());
    let mut top = bounds.y.min(rect.y);
    let mut bottom = bounds.bottom().max(rect.bottom());
    if container.is_some() {
        return Rect::new(left, top, right - left, bottom - top);
    }
    let others: Vec<(Rect, bool)> = page
        .items
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != me)
        .filter_map(|(_, it)| obstacle(it).map(|r| (r, matches!(it, Item::Text(_)))))
        .collect();
    // Half way to a text block (it may grow towards us too), else a gap.
    let limit = |near: f32, far: f32, text: bool| {
        if text {
            (near + far) / 2.0
        } else if far > near {
            (far - GAP).max(near)
        } else {
            (far + GAP).min(near)
        }
    };
    // Sideways, beside the block's own lines.
    for &(o, text) in &others {
        if !overlap(o.y, o.bottom(), rect.y, rect.bottom()) {
            continue;
        }
        if o.x >= rect.right() - EPS {
            right = right.min(limit(rect.right(), o.x, text));
        } else if o.right() <= rect.x + EPS {
            left = left.max(limit(rect.x, o.right(), text));
        }
    }
    // Up and down, across the width just found.
    for &(o, text) in &others {
        if !overlap(o.x, o.right(), left, right) {
            continue;
        }
        if o.y >= rect.bottom() - EPS {
            bottom = bottom.min(limit(rect.bottom(), o.y, text));
        } else if o.bottom() <= rect.y + EPS {
            top = top.max(limit(rect.y, o.bottom(), text));
        }
    }
    Rect::new(left, top, right - left, bottom - top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::{Color, ImageItem, PageKind, Role, Shape, TextBlock};

    fn text(r: Rect) -> Item {
        Item::Text(TextBlock {
            role: Role::Body,
            rect: r,
            paragraphs: Vec::new(),
        })
    }

    fn page(items: Vec<Item>) -> Page {
        Page {
            kind: PageKind::Paper,
            title: String::new(),
            source_line: 1,
            background: Color(255, 255, 255),
            items,
            notes: None,
            notes_rtl: Vec::new(),
            paper: None,
        }
    }

    #[test]
    fn text_grows_up_to_a_picture_and_half_way_to_other_text() {
        let content = Rect::new(40.0, 20.0, 880.0, 500.0);
        let p = page(vec![
            text(Rect::new(40.0, 70.0, 500.0, 100.0)),
            Item::Image(ImageItem {
                image: 0,
                rect: Rect::new(560.0, 70.0, 300.0, 100.0),
                alt: None,
            }),
            text(Rect::new(40.0, 200.0, 880.0, 50.0)),
        ]);
        let r = rooms(&p, content);
        let body = r[0].unwrap();
        assert_eq!((body.x, body.right()), (40.0, 556.0));
        assert_eq!((body.y, body.bottom()), (20.0, 185.0));
        let below = r[2].unwrap();
        assert_eq!((below.x, below.right()), (40.0, 920.0));
        assert_eq!((below.y, below.bottom()), (185.0, 520.0));
        assert!(r[1].is_none());
    }

    #[test]
    fn text_in_a_box_keeps_to_the_box() {
        let content = Rect::new(40.0, 20.0, 880.0, 500.0);
        let p = page(vec![
            Item::Shape(Shape {
                role: ShapeRole::Callout,
                rect: Rect::new(40.0, 300.0, 880.0, 200.0),
                fill: None,
                stroke: None,
                radius: 0.0,
            }),
            text(Rect::new(50.0, 310.0, 860.0, 180.0)),
        ]);
        let r = rooms(&p, content)[1].unwrap();
        assert_eq!(
            (r.x, r.y, r.right(), r.bottom()),
            (41.0, 301.0, 919.0, 499.0)
        );
    }

    #[test]
    fn content_area_is_what_the_pages_use() {
        let p = page(vec![
            text(Rect::new(40.0, 22.0, 500.0, 100.0)),
            text(Rect::new(60.0, 400.0, 860.0, 128.0)),
        ]);
        let c = content_area(&[p], 960.0, 540.0);
        assert_eq!(
            (c.x, c.y, c.right(), c.bottom()),
            (40.0, 22.0, 920.0, 528.0)
        );
        let empty = content_area(&[], 960.0, 540.0);
        assert_eq!((empty.w, empty.h), (960.0, 540.0));
    }
}
