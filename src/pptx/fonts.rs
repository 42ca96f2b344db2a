//! Embedded fonts: a subset of each face the deck uses, in the form
//! PowerPoint reads from `ppt/fonts/*.fntdata`.
//!
//! What PowerPoint expects (ECMA-376 Part 1 §15.2.12 and Microsoft's notes on
//! it, [MS-OI29500] 2.1.34): parts of type `application/x-fontdata` hold an
//! Embedded OpenType (EOT) file, a little-endian header (names, PANOSE,
//! OS/2 ranges, embedding flags) followed by the TrueType font, optionally
//! MicroType-Express compressed or XOR-obfuscated. We write the plain form:
//! version 0x00020001, no compression, no obfuscation, `TTEMBED_SUBSET` set.
//! LibreOffice reads the same parts through libeot (newer releases only;
//! 7.4 ignores `p:embeddedFontLst` in PPTX entirely).
//!
//! The subset comes from the `subsetter` crate, which renumbers glyphs and
//! drops `cmap` and `OS/2` because it targets PDF, where the writer supplies
//! its own character map. A font without `cmap` is useless to an office
//! application (it maps characters, not glyph ids), so we rebuild the sfnt
//! with a fresh `cmap` for exactly the characters the deck uses, pointing at
//! the renumbered glyphs, and the original `OS/2` table.

use std::collections::{BTreeMap, BTreeSet};

use crate::sfnt;

use rustybuzz::ttf_parser;

use super::PptxError;

/// One face to embed: its bytes and what the deck draws with it.
#[derive(Debug, Default)]
pub struct Usage {
    /// Glyph ids as shaped (covers ligatures and alternates).
    pub glyphs: BTreeSet<u16>,
    /// Characters of the text, so the subset can map them back to glyphs.
    pub chars: BTreeSet<char>,
}

/// Facts about a face that presentation.xml repeats.
#[derive(Debug, Clone)]
pub struct FaceFacts {
    /// PANOSE as 20 hex digits.
    pub panose: Option<String>,
    /// True when the face declares the Japanese (JIS) code page.
    pub japanese: bool,
}

const TTEMBED_SUBSET: u32 = 0x0000_0001;
const EOT_VERSION: u32 = 0x0002_0001;
const EOT_MAGIC: u16 = 0x504C;

fn font_error(what: impl std::fmt::Display) -> PptxError {
    PptxError::Font(what.to_string())
}

/// PANOSE and the Japanese code page bit from the face's OS/2 table.
pub fn facts(data: &[u8], index: u32) -> FaceFacts {
    let os2 = ttf_parser::Face::parse(data, index)
        .ok()
        .and_then(|f| f.raw_face().table(ttf_parser::Tag::from_bytes(b"OS/2")));
    let panose = os2
        .and_then(|t| t.get(32..42))
        .map(|p| p.iter().map(|b| format!("{b:02X}")).collect());
    // ulCodePageRange1 bit 17: JIS/Japan (version 1 tables and later).
    let japanese = os2
        .and_then(|t| sfnt::be_u32(t, 78))
        .is_some_and(|r| r & (1 << 17) != 0);
    FaceFacts { panose, japanese }
}

/// Why a face cannot be embedded, if it cannot: its licence (OS/2 fsType
/// "restricted" or "bitmap only") or its outlines (PowerPoint embeds
/// TrueType outlines only; CFF and colour bitmap faces are left out).
pub fn not_embeddable(info: &crate::pages::FontInfo) -> Option<&'static str> {
    let Ok(face) = ttf_parser::Face::parse(info.data, info.index) else {
        return Some("it cannot be read");
    };
    let fs_type = face
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
        .and_then(|t| sfnt::be_u16(t, 8))
        .unwrap_or(0);
    // Bits 0-3 are the usage permission: 2 is restricted; bit 9 is bitmap only.
    if fs_type & 0x000F == 0x0002 || fs_type & 0x0200 != 0 {
        return Some("its licence does not allow embedding");
    }
    if face.tables().glyf.is_none() {
        return Some("it has no TrueType outlines, which PowerPoint needs to embed a face");
    }
    None
}

/// The `.fntdata` bytes for a subset of face `index` of `data` covering `usage`.
pub fn fntdata(data: &[u8], index: u32, usage: &Usage) -> Result<Vec<u8>, PptxError> {
    let face = ttf_parser::Face::parse(data, index).map_err(font_error)?;
    // Every character's own glyph joins the subset, so the cmap we write can
    // point at it; shaped glyphs are kept too.
    let mut mapped: Vec<(char, u16)> = Vec::new();
    let mut old: BTreeSet<u16> = usage.glyphs.clone();
    for &c in &usage.chars {
        if let Some(g) = face.glyph_index(c) {
            mapped.push((c, g.0));
            old.insert(g.0);
        }
    }
    let num_glyphs = face.number_of_glyphs();
    old.retain(|&g| g < num_glyphs);
    let mut remapper = subsetter::GlyphRemapper::new();
    for &g in &old {
        remapper.remap(g);
    }
    let sub = subsetter::subset(data, index, &remapper).map_err(font_error)?;

    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = sfnt::read_tables(&sub)
        .ok_or_else(|| font_error("the subsetter returned an unreadable font"))?
        .into_iter()
        .map(|(t, d)| (t, d.to_vec()))
        .collect();
    let cmap_entries: Vec<(u32, u16)> = mapped
        .iter()
        .filter_map(|&(c, g)| Some((u32::from(c), remapper.get(g)?)))
        .collect();
    tables.insert(*b"cmap", cmap(&cmap_entries)?);
    let raw = face.raw_face();
    if let Some(os2) = raw.table(ttf_parser::Tag::from_bytes(b"OS/2")) {
        let mut os2 = os2.to_vec();
        // First and last character index describe the subset's cmap.
        let bmp: Vec<u32> = cmap_entries.iter().map(|e| e.0.min(0xFFFF)).collect();
        if let (Some(first), Some(last), Some(slot)) =
            (bmp.first(), bmp.last(), os2.get_mut(64..68))
        {
            slot[..2].copy_from_slice(&(*first as u16).to_be_bytes());
            slot[2..].copy_from_slice(&(*last as u16).to_be_bytes());
        }
        tables.insert(*b"OS/2", os2);
    }
    let ttf = sfnt::build(tables).map_err(font_error)?;
    eot(&face, &ttf)
}

/// A `cmap` table for sorted (code point, glyph) pairs: a format 4 subtable
/// for the BMP (platform 3, encoding 1) and, when the deck uses characters
/// beyond it, a format 12 subtable (3, 10) for everything.
fn cmap(entries: &[(u32, u16)]) -> Result<Vec<u8>, PptxError> {
    let bmp: Vec<(u32, u16)> = entries.iter().copied().filter(|e| e.0 < 0xFFFF).collect();
    let f4 = format4(&bmp)?;
    let wide = entries.iter().any(|e| e.0 > 0xFFFF);
    let f12 = wide.then(|| format12(entries));
    let count: u16 = if wide { 2 } else { 1 };
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    let first = 4 + 8 * u32::from(count);
    out.extend_from_slice(&3u16.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&first.to_be_bytes());
    if f12.is_some() {
        let second = first + u32::try_from(f4.len()).map_err(font_error)?;
        out.extend_from_slice(&3u16.to_be_bytes());
        out.extend_from_slice(&10u16.to_be_bytes());
        out.extend_from_slice(&second.to_be_bytes());
    }
    out.extend_from_slice(&f4);
    if let Some(f12) = f12 {
        out.extend_from_slice(&f12);
    }
    Ok(out)
}

/// Runs of consecutive code points mapped to consecutive glyphs.
fn runs(entries: &[(u32, u16)]) -> Vec<(u32, u32, u16)> {
    let mut runs: Vec<(u32, u32, u16)> = Vec::new(); // first, last, first glyph
    for &(c, g) in entries {
        match runs.last_mut() {
            Some(r) if c == r.1 + 1 && u32::from(g) == u32::from(r.2) + (c - r.0) => r.1 = c,
            _ => runs.push((c, c, g)),
        }
    }
    runs
}

fn format4(entries: &[(u32, u16)]) -> Result<Vec<u8>, PptxError> {
    let mut segs = runs(entries);
    segs.push((0xFFFF, 0xFFFF, 0)); // the required final segment
    let n = u16::try_from(segs.len()).map_err(font_error)?;
    let seg_x2 = n
        .checked_mul(2)
        .ok_or_else(|| font_error("cmap too large"))?;
    let len = 16 + 8 * usize::from(n);
    let len = u16::try_from(len).map_err(|_| font_error("cmap format 4 exceeds 64 KiB"))?;
    let selector = 15 - n.leading_zeros() as u16;
    let search = 2u16 << selector;
    let mut out = Vec::with_capacity(usize::from(len));
    for v in [4, len, 0, seg_x2, search, selector, seg_x2 - search] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    for s in &segs {
        out.extend_from_slice(&(s.1 as u16).to_be_bytes());
    }
    out.extend_from_slice(&0u16.to_be_bytes()); // reservedPad
    for s in &segs {
        out.extend_from_slice(&(s.0 as u16).to_be_bytes());
    }
    for s in &segs {
        // idDelta: glyph = code + delta (mod 65536); the final segment maps to 1
        // by convention of delta 1, which fonts use to reach glyph 0.
        let delta = if s.0 == 0xFFFF {
            1u16
        } else {
            s.2.wrapping_sub(s.0 as u16)
        };
        out.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &segs {
        out.extend_from_slice(&0u16.to_be_bytes()); // idRangeOffset
    }
    Ok(out)
}

fn format12(entries: &[(u32, u16)]) -> Vec<u8> {
    let groups = runs(entries);
    let len = 16 + 12 * groups.len() as u32;
    let mut out = Vec::with_capacity(len as usize);
    out.extend_from_slice(&12u16.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes()); // language
    out.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (first, last, g) in groups {
        out.extend_from_slice(&first.to_be_bytes());
        out.extend_from_slice(&last.to_be_bytes());
        out.extend_from_slice(&u32::from(g).to_be_bytes());
    }
    out
}

/// An English (or any Unicode) name from the name table.
fn name(face: &ttf_parser::Face<'_>, id: u16) -> String {
    let names: Vec<_> = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == id)
        .collect();
    names
        .iter()
        .filter(|n| n.language_id == 0x0409)
        .chain(names.iter())
        .find_map(|n| n.to_string())
        .unwrap_or_default()
}

/// Wraps a TrueType font in an uncompressed EOT (version 0x00020001) header.
fn eot(face: &ttf_parser::Face<'_>, ttf: &[u8]) -> Result<Vec<u8>, PptxError> {
    let raw = face.raw_face();
    let os2 = raw
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
        .ok_or_else(|| font_error("the font has no OS/2 table"))?;
    let head_adj = sfnt::read_tables(ttf)
        .and_then(|t| t.into_iter().find(|(tag, _)| tag == b"head"))
        .and_then(|(_, d)| sfnt::be_u32(d, 8))
        .ok_or_else(|| font_error("the subset has no head table"))?;
    let os2_u16 = |at| sfnt::be_u16(os2, at).unwrap_or(0);
    let os2_u32 = |at| sfnt::be_u32(os2, at).unwrap_or(0);

    let mut h: Vec<u8> = Vec::with_capacity(256);
    h.extend_from_slice(&[0; 8]); // EOTSize and FontDataSize, filled below
    h.extend_from_slice(&EOT_VERSION.to_le_bytes());
    h.extend_from_slice(&TTEMBED_SUBSET.to_le_bytes());
    h.extend_from_slice(os2.get(32..42).unwrap_or(&[0; 10]));
    h.push(1); // DEFAULT_CHARSET
    h.push(u8::from(os2_u16(62) & 1 != 0)); // fsSelection bit 0: italic
    h.extend_from_slice(&u32::from(os2_u16(4)).to_le_bytes()); // usWeightClass
    h.extend_from_slice(&os2_u16(8).to_le_bytes()); // fsType
    h.extend_from_slice(&EOT_MAGIC.to_le_bytes());
    for at in [42, 46, 50, 54] {
        h.extend_from_slice(&os2_u32(at).to_le_bytes()); // ulUnicodeRange1-4
    }
    for at in [78, 82] {
        h.extend_from_slice(&os2_u32(at).to_le_bytes()); // ulCodePageRange1-2
    }
    h.extend_from_slice(&head_adj.to_le_bytes());
    h.extend_from_slice(&[0; 16]); // Reserved1-4
    for id in [1u16, 2, 5, 4] {
        // Family, style, version, full name: each after a zero padding word.
        h.extend_from_slice(&0u16.to_le_bytes());
        let utf16: Vec<u8> = name(face, id)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let size = u16::try_from(utf16.len()).map_err(font_error)?;
        h.extend_from_slice(&size.to_le_bytes());
        h.extend_from_slice(&utf16);
    }
    h.extend_from_slice(&0u16.to_le_bytes()); // Padding5
    h.extend_from_slice(&0u16.to_le_bytes()); // RootStringSize: no URL restriction
    let total = u32::try_from(h.len() + ttf.len()).map_err(font_error)?;
    let data_len = u32::try_from(ttf.len()).map_err(font_error)?;
    h[0..4].copy_from_slice(&total.to_le_bytes());
    h[4..8].copy_from_slice(&data_len.to_le_bytes());
    h.extend_from_slice(ttf);
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    static REGULAR: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Regular.ttf");

    fn usage(text: &str) -> Usage {
        let face = ttf_parser::Face::parse(REGULAR, 0).expect("bundled font");
        Usage {
            glyphs: text
                .chars()
                .filter_map(|c| face.glyph_index(c))
                .map(|g| g.0)
                .collect(),
            chars: text.chars().collect(),
        }
    }

    /// Strips our EOT header by its declared sizes.
    fn ttf_of(eot: &[u8]) -> &[u8] {
        let total = u32::from_le_bytes(eot[0..4].try_into().unwrap()) as usize;
        let data = u32::from_le_bytes(eot[4..8].try_into().unwrap()) as usize;
        assert_eq!(total, eot.len());
        &eot[total - data..]
    }

    #[test]
    fn subset_keeps_a_working_cmap_for_the_used_characters() {
        let text = "日本語のテキスト ABC 𠮷①";
        let eot = fntdata(REGULAR, 0, &usage(text)).expect("subset");
        assert_eq!(
            u32::from_le_bytes(eot[8..12].try_into().unwrap()),
            EOT_VERSION
        );
        assert_eq!(
            u16::from_le_bytes(eot[34..36].try_into().unwrap()),
            EOT_MAGIC
        );
        let ttf = ttf_of(&eot);
        assert!(ttf.len() < REGULAR.len() / 20, "{} bytes", ttf.len());
        let sub = ttf_parser::Face::parse(ttf, 0).expect("subset parses");
        let orig = ttf_parser::Face::parse(REGULAR, 0).unwrap();
        for c in text.chars() {
            let g = sub.glyph_index(c);
            let o = orig.glyph_index(c);
            assert_eq!(g.is_some(), o.is_some(), "{c:?}");
            if let (Some(g), Some(o)) = (g, o) {
                assert_eq!(sub.glyph_hor_advance(g), orig.glyph_hor_advance(o), "{c:?}");
            }
        }
        assert_eq!(sub.glyph_index('X'), None);
        assert!(
            sub.raw_face()
                .table(ttf_parser::Tag::from_bytes(b"OS/2"))
                .is_some()
        );
        assert_eq!(name(&sub, 1), "BIZ UDPGothic");
        // The whole-font checksum rule holds after our rebuild.
        assert_eq!(sfnt::checksum(ttf), 0xB1B0_AFBA);
    }

    #[test]
    fn format4_maps_runs_and_single_characters() {
        let entries = [(0x41, 5), (0x42, 6), (0x43, 9), (0x3042, 7)];
        let t = cmap(&entries).unwrap();
        // A minimal font around the cmap is overkill; check via ttf-parser's
        // subtable parser instead.
        let table = ttf_parser::cmap::Table::parse(&t).expect("cmap parses");
        let sub = table.subtables.into_iter().next().expect("one subtable");
        assert_eq!(sub.glyph_index(0x41).map(|g| g.0), Some(5));
        assert_eq!(sub.glyph_index(0x42).map(|g| g.0), Some(6));
        assert_eq!(sub.glyph_index(0x43).map(|g| g.0), Some(9));
        assert_eq!(sub.glyph_index(0x3042).map(|g| g.0), Some(7));
        assert_eq!(sub.glyph_index(0x44).map(|g| g.0), None);
    }

    #[test]
    fn broken_font_bytes_give_an_error_not_a_panic() {
        assert!(fntdata(b"not a font", 0, &usage("a")).is_err());
        assert!(fntdata(&REGULAR[..5000], 0, &usage("a")).is_err());
        let f = facts(b"junk", 0);
        assert!(f.panose.is_none() && !f.japanese);
    }
}
