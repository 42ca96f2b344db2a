//! Gaps that must not read as spaces.
//!
//! Layout puts room where the source text has none: a quarter em between
//! Japanese and Latin text ("10 月" on the page, "10月" in the survey), an
//! eighth where a line is kept together. Drawn as a positioning gap, every
//! text extractor turns it into a space: poppler breaks a word at a gap wider
//! than 0.1 em and pdf.js adds a space above 0.102 em. Both honour a glyph's
//! own width, so the gap is given to the glyph before it instead: that glyph
//! is drawn from a small extra face, a subset of its font holding just the
//! glyphs followed by a gap, each a quarter em wider (outlines untouched),
//! and its box in the PDF covers the gap. What is left over (for an eighth
//! em, minus an eighth) stays a positioning adjustment, small enough that
//! neither extractor reads it as a word break. ActualText cannot do this:
//! pdf.js ignores it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustybuzz::ttf_parser::{Face, GlyphId};

use crate::pages::{Document, FontInfo, GlyphRun};
use crate::sfnt;

/// Extractors break words at gaps from 0.1 em (poppler; pdf.js 0.102 em).
/// Gaps from this size (in ems) are given to the glyph before them.
pub const BREAK_EM: f32 = 0.09;

/// The advances of a font's own glyphs, read once from `hmtx` (a lookup
/// per glyph through the parser cost more than the rest of this check).
struct Metrics {
    advances: Vec<u16>,
    units_per_em: f32,
}

impl Metrics {
    fn new(info: &FontInfo) -> Option<Metrics> {
        let face = Face::parse(info.data, info.index).ok()?;
        let advances = (0..face.number_of_glyphs())
            .map(|g| face.glyph_hor_advance(GlyphId(g)).unwrap_or(0))
            .collect();
        let units_per_em = f32::from(face.units_per_em());
        Some(Metrics {
            advances,
            units_per_em,
        })
    }

    /// The glyph's own advance at `size`.
    fn advance(&self, glyph: u16, size: f32) -> f32 {
        let units = self.advances.get(usize::from(glyph)).copied().unwrap_or(0);
        f32::from(units) / self.units_per_em * size
    }

    /// Which glyphs of a run carry a gap after them that an extractor would
    /// read as a space: their advance exceeds their own by at least
    /// [`BREAK_EM`], and they are not white space themselves (a space's own
    /// width is a space already). Right-to-left runs are left as they are:
    /// their glyphs go backwards through the text, and splitting them would
    /// lose the reversed-order marking.
    fn gap_after(&self, run: &GlyphRun) -> Vec<bool> {
        let forward = run.reads_forward();
        run.glyphs
            .iter()
            .map(|g| {
                forward
                    && g.advance - self.advance(g.id, run.size) >= BREAK_EM * run.size
                    && run
                        .text
                        .get(g.start as usize..g.end as usize)
                        .is_some_and(|t| !t.trim().is_empty())
            })
            .collect()
    }
}

/// The runs with a glyph before a gap, and those glyphs of each font.
#[derive(Default)]
pub struct Plan {
    /// Per run (by address: the plan lives while the document is borrowed),
    /// which of its glyphs come before a gap.
    pub runs: HashMap<usize, Vec<bool>>,
    pub glyphs: BTreeMap<usize, BTreeSet<u16>>,
}

/// The address a run is known by in a [`Plan`].
pub fn key(run: &GlyphRun) -> usize {
    std::ptr::from_ref(run) as usize
}

/// Finds every glyph before a gap in the document.
pub fn plan(doc: &Document) -> Plan {
    let mut metrics: HashMap<usize, Option<Metrics>> = HashMap::new();
    let mut out = Plan::default();
    for run in doc.pages.iter().flat_map(|p| p.runs()) {
        let Some(m) = metrics
            .entry(run.font)
            .or_insert_with(|| doc.fonts.get(run.font).and_then(Metrics::new))
        else {
            continue;
        };
        let gaps = m.gap_after(run);
        if !gaps.contains(&true) {
            continue;
        }
        let glyphs = out.glyphs.entry(run.font).or_default();
        for (g, _) in run.glyphs.iter().zip(&gaps).filter(|(_, gap)| **gap) {
            glyphs.insert(g.id);
        }
        out.runs.insert(key(run), gaps);
    }
    out
}

/// The wide face: a subset of face `index` of `data` holding `glyphs`,
/// every advance a quarter em wider, and the new id of each glyph.
pub fn wide_face(
    data: &[u8],
    index: u32,
    glyphs: &BTreeSet<u16>,
) -> Option<(Vec<u8>, HashMap<u16, u16>)> {
    let face = Face::parse(data, index).ok()?;
    let mut remapper = subsetter::GlyphRemapper::new();
    for &g in glyphs {
        remapper.remap(g);
    }
    let sub = subsetter::subset(data, index, &remapper).ok()?;
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = sfnt::read_tables(&sub)?
        .into_iter()
        .map(|(t, d)| (t, d.to_vec()))
        .collect();
    let count = usize::from(sfnt::be_u16(tables.get(b"hhea")?, 34)?);
    let extra = face.units_per_em().div_ceil(4);
    let hmtx = tables.get_mut(b"hmtx")?;
    for i in 0..count {
        let slot = hmtx.get_mut(i * 4..i * 4 + 2)?;
        let adv = u16::from_be_bytes([slot[0], slot[1]]).saturating_add(extra);
        slot.copy_from_slice(&adv.to_be_bytes());
    }
    // The subsetter drops OS/2 (PDF does not need it); the original keeps
    // the face's ascent, weight and embedding rights in the font descriptor.
    if let Some(os2) = face
        .raw_face()
        .table(rustybuzz::ttf_parser::Tag::from_bytes(b"OS/2"))
    {
        tables.insert(*b"OS/2", os2.to_vec());
    }
    let font = sfnt::build(tables).ok()?;
    let ids = glyphs
        .iter()
        .filter_map(|&g| Some((g, remapper.get(g)?)))
        .collect();
    Some((font, ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    static REGULAR: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Regular.ttf");

    #[test]
    fn the_wide_face_has_the_glyphs_a_quarter_em_wider_and_otherwise_the_same() {
        let plain = Face::parse(REGULAR, 0).unwrap();
        let chars = ['0', 'A', '月', '、'];
        let old: BTreeSet<u16> = chars
            .iter()
            .map(|&c| plain.glyph_index(c).unwrap().0)
            .collect();
        let (data, ids) = wide_face(REGULAR, 0, &old).expect("a wide face");
        let wide = Face::parse(&data, 0).expect("it parses");
        assert!(
            data.len() < 10_000,
            "a subset, not a copy: {} bytes",
            data.len()
        );
        assert_eq!(sfnt::checksum(&data), 0xB1B0_AFBA, "a valid file");
        for c in chars {
            let g = plain.glyph_index(c).unwrap();
            let new = GlyphId(ids[&g.0]);
            let a = plain.glyph_hor_advance(g).unwrap();
            assert_eq!(
                wide.glyph_hor_advance(new),
                Some(a + 512),
                "{c}: a quarter of 2048 units"
            );
            assert_eq!(
                wide.glyph_bounding_box(new),
                plain.glyph_bounding_box(g),
                "{c}"
            );
        }
    }
}
