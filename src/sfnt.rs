//! OpenType font files (sfnt) read and written by table: what the PPTX font
//! embedding and the PDF's widened faces both need. Parsers (ttf-parser)
//! read fonts but do not write them, and `subsetter` writes only its own
//! subsets, so the few lines that assemble a file are here.

use std::collections::BTreeMap;

pub fn be_u16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

pub fn be_u32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The table directory of a single-face sfnt: (tag, bytes) in file order.
pub fn read_tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let n = be_u16(font, 4)? as usize;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = be_u32(font, rec + 8)? as usize;
        let len = be_u32(font, rec + 12)? as usize;
        out.push((tag, font.get(off..off.checked_add(len)?)?));
    }
    Some(out)
}

/// The OpenType checksum: big-endian words summed, the last one padded.
pub fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(b))
    })
}

/// A TrueType file from whole tables, sorted by tag as the spec asks, with
/// table checksums and `head.checkSumAdjustment` computed.
pub fn build(mut tables: BTreeMap<[u8; 4], Vec<u8>>) -> Result<Vec<u8>, String> {
    let n = u16::try_from(tables.len()).map_err(|e| e.to_string())?;
    if let Some(head) = tables.get_mut(b"head")
        && let Some(adj) = head.get_mut(8..12)
    {
        adj.fill(0);
    }
    let selector = 15 - n.max(1).leading_zeros() as u16; // floor(log2 n)
    let search = 16u16 << selector;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, search, selector, n * 16 - search] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let too_big = |_| "a font table is over 4 GB".to_owned();
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&u32::try_from(offset).map_err(too_big)?.to_be_bytes());
        out.extend_from_slice(&u32::try_from(data.len()).map_err(too_big)?.to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        if let Some(slot) = out.get_mut(at + 8..at + 12) {
            slot.copy_from_slice(&adj.to_be_bytes());
        }
    }
    Ok(out)
}
