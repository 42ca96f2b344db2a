//! QR codes for printed pages: a paper's link as vector squares, with its id
//! printed underneath, so a reader of a paper handout can open the paper.
//!
//! The code is drawn as filled rectangles in the pages model (one per run of
//! dark modules in a row), so every writer that draws shapes draws it, crisp
//! at any scale. Error correction level Q (25 % of the code may be lost)
//! survives photocopies and a pen mark; the quiet zone of four modules is
//! part of the square the caller reserves.

use qrcode::{Color as Module, EcLevel, QrCode};

use crate::pages::{Align, Color, Item, Link, Rect, Role, Shape, ShapeRole, TextBlock};

use super::text::{Para, Typesetter, shift};

/// Modules of quiet zone on each side, as ISO/IEC 18004 asks.
const QUIET: usize = 4;
/// Size of the id printed under the code.
const LABEL_SIZE: f32 = 6.5;

/// Height a code of side `size` takes with its label under it.
pub fn height(size: f32) -> f32 {
    size + LABEL_SIZE * 1.6
}

/// A QR code for `url` in the square `size` × `size` at (`x`, `y`) (quiet
/// zone included), with `label` centred under it and linked to `url`.
/// `None` when the link is too long for a QR code.
pub fn items(
    ts: &mut Typesetter,
    url: &str,
    label: &str,
    x: f32,
    y: f32,
    size: f32,
    color: Color,
) -> Option<Vec<Item>> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::Q).ok()?;
    let n = code.width();
    let modules = code.to_colors();
    let m = size / (n + 2 * QUIET) as f32;
    // Rows overlap by a sliver so that anti-aliased renderers show no seams.
    let seam = m * 0.04;
    let mut out = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if modules[row * n + col] != Module::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && modules[row * n + col] == Module::Dark {
                col += 1;
            }
            out.push(Item::Shape(Shape {
                role: ShapeRole::Code,
                rect: Rect::new(
                    x + (QUIET + start) as f32 * m,
                    y + (QUIET + row) as f32 * m,
                    (col - start) as f32 * m,
                    m + seam,
                ),
                fill: Some(color),
                stroke: None,
                radius: 0.0,
            }));
        }
    }
    let mut p = Para::plain(label, LABEL_SIZE, color).align(Align::Center);
    p.spans[0].link = Some(Link::Url(url.to_owned()));
    let mut lp = ts.lay(&p, 1.0, x - size * 0.25, size * 1.5);
    // The quiet zone's bottom band is blank: the label may sit in part of it.
    let top = y + size - (QUIET as f32 - 1.0) * m;
    shift(&mut lp.para, top);
    out.push(Item::Text(TextBlock {
        role: Role::Note,
        rect: Rect::new(x - size * 0.25, top, size * 1.5, lp.height),
        paragraphs: vec![lp.para],
    }));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FontBook;

    /// Reads the drawn squares back into a module grid and compares it with
    /// the encoder's: position, size and every dark module.
    #[test]
    fn drawn_squares_are_the_code() {
        let url = "https://arxiv.org/abs/2009.06732";
        let mut ts = Typesetter::new(FontBook::bundled(), 1.2);
        let (x, y, size) = (100.0, 50.0, 74.0);
        let items = items(&mut ts, url, "arXiv:2009.06732", x, y, size, Color(0, 0, 0)).unwrap();
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::Q).unwrap();
        let n = code.width();
        let m = size / (n + 2 * QUIET) as f32;
        let mut grid = vec![false; n * n];
        for item in &items {
            if let Item::Shape(s) = item {
                let row = ((s.rect.y - y) / m).round() as usize - QUIET;
                let c0 = ((s.rect.x - x) / m).round() as usize - QUIET;
                let len = (s.rect.w / m).round() as usize;
                for c in c0..c0 + len {
                    assert!(!grid[row * n + c], "module drawn twice");
                    grid[row * n + c] = true;
                }
            }
        }
        let expected: Vec<bool> = code
            .to_colors()
            .iter()
            .map(|c| *c == Module::Dark)
            .collect();
        assert_eq!(grid, expected);
        let label = items.iter().find_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        });
        let label = label.unwrap();
        assert_eq!(label.paragraphs[0].text(), "arXiv:2009.06732");
        assert!(label.rect.y >= y + size - QUIET as f32 * m);
    }
}
