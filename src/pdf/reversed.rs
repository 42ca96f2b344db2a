//! The text a right-to-left run's glyphs map to in the PDF.
//!
//! Such a run's glyphs are drawn left to right, backwards through the text.
//! Extractors (poppler, pdf.js) take each glyph's characters in drawing
//! order and then reverse right-to-left stretches character by character.
//! So each glyph's characters are stored reversed (a lam-alef ligature
//! maps to "لا" written backwards), and the extractor's reversal restores
//! them. A letter with its marks is one cluster of several glyphs; krilla
//! can only map such a cluster as a whole, through `/ActualText`, which
//! pdf.js ignores and poppler places at the first glyph drawn. Where the
//! shaper's glyphs allow it, each glyph of the cluster is given its own
//! characters instead (the base glyph its letter, each mark glyph its
//! marks), so that every glyph maps through ToUnicode and the run is one
//! reversed sequence.
//!
//! Right-to-left words side by side are also drawn as one piece, left to
//! right ([`pieces`]; the PDF writer's `draw_rtl` says why).

use std::borrow::Cow;
use std::ops::Range;

use unicode_bidi::BidiClass;

use crate::pages::{Glyph, GlyphRun};

/// The run's text as the PDF stores it, and each glyph's byte range in it.
pub struct Mapped<'a> {
    pub text: Cow<'a, str>,
    pub ranges: Vec<Range<usize>>,
}

/// Maps a run's glyphs to text; `glyph_of` is the font's character map
/// (to tell which mark glyph stands for which mark).
pub fn map<'a>(r: &'a GlyphRun, glyph_of: impl Fn(char) -> Option<u16>) -> Mapped<'a> {
    let plain = || Mapped {
        text: Cow::Borrowed(&r.text),
        ranges: r
            .glyphs
            .iter()
            .map(|g| g.start as usize..g.end as usize)
            .collect(),
    };
    if !is_rtl(r) {
        return plain();
    }
    // Clusters in drawing order: glyphs sharing one range of the text.
    let mut clusters: Vec<&[Glyph]> = Vec::new();
    let mut rest = r.glyphs.as_slice();
    while let Some(first) = rest.first() {
        let n = rest
            .iter()
            .take_while(|g| (g.start, g.end) == (first.start, first.end))
            .count();
        clusters.push(&rest[..n]);
        rest = &rest[n..];
    }
    // Backwards, the clusters must tile the text from its start; anything
    // else is not a plain reversed run, and keeps its ranges.
    let mut at = 0;
    for c in clusters.iter().rev() {
        if c[0].start as usize != at {
            return plain();
        }
        at = c[0].end as usize;
    }
    if at != r.text.len() {
        return plain();
    }
    // Each glyph's characters, reversed; None shares the cluster's range.
    let mut text = String::with_capacity(r.text.len());
    let mut ranges = vec![0..0; r.glyphs.len()];
    let mut index = r.glyphs.len();
    for c in clusters.iter().rev() {
        let chars = &r.text[c[0].start as usize..c[0].end as usize];
        index -= c.len();
        match split(chars, c, &glyph_of) {
            Some(parts) => {
                // In the text, the glyph drawn last in the cluster comes first.
                for (i, part) in parts.iter().enumerate().rev() {
                    let from = text.len();
                    text.extend(part.chars().rev());
                    ranges[index + i] = from..text.len();
                }
            }
            None => {
                let from = text.len();
                text.push_str(chars);
                for i in 0..c.len() {
                    ranges[index + i] = from..text.len();
                }
            }
        }
    }
    Mapped {
        text: Cow::Owned(text),
        ranges,
    }
}

/// True when the run is drawn right to left: its glyphs go backwards
/// through the text, or it is a single right-to-left letter (its marks
/// included).
fn is_rtl(r: &GlyphRun) -> bool {
    if !r.reads_forward() {
        return true;
    }
    r.glyphs.iter().all(|g| g.start == r.glyphs[0].start)
        && r.text
            .chars()
            .next()
            .is_some_and(|c| matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL))
}

/// Splits a cluster's characters among its glyphs (in drawing order), or
/// None when the glyphs cannot be told apart. A single glyph takes all
/// (a ligature). Several: the glyph drawn last is the base and takes the
/// leading letters; the others must be marks (no advance), each the glyph
/// of its mark in the font, except that the last mark glyph may stand for
/// all the marks left (shadda with fatha is one glyph in DejaVu Sans).
fn split<'t>(
    text: &'t str,
    glyphs: &[Glyph],
    glyph_of: &impl Fn(char) -> Option<u16>,
) -> Option<Vec<&'t str>> {
    let Some((base, marks)) = glyphs.split_last() else {
        return Some(Vec::new());
    };
    if marks.is_empty() {
        return Some(vec![text]);
    }
    let is_mark = |c: char| unicode_bidi::bidi_class(c) == BidiClass::NSM;
    let letters = text.find(is_mark)?;
    if letters == 0 || base.advance == 0.0 || marks.iter().any(|g| g.advance != 0.0) {
        return None;
    }
    // Parts in drawing order: the marks' (last mark glyph first), then the base.
    let mut parts = vec![""; glyphs.len()];
    parts[marks.len()] = &text[..letters];
    let mut rest = &text[letters..];
    for (i, g) in marks.iter().enumerate().rev() {
        let c = rest.chars().next()?;
        if !is_mark(c) {
            return None;
        }
        let take = if i == 0 {
            rest.len()
        } else if glyph_of(c) == Some(g.id) {
            c.len_utf8()
        } else {
            return None;
        };
        parts[i] = &rest[..take];
        rest = &rest[take..];
    }
    (rest.is_empty() && parts[..marks.len()].iter().all(|p| p.chars().all(is_mark)))
        .then_some(parts)
}

/// The runs of a paragraph (in reading order) grouped into pieces drawn
/// at once: right-to-left runs that stand side by side in one face and
/// style, each left of the one before, form one piece; any other run is
/// a piece of its own.
pub fn pieces(runs: &[&GlyphRun]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        if let Some(last) = out.last_mut()
            && joins(runs[i - 1], r)
        {
            last.end = i + 1;
        } else {
            out.push(i..i + 1);
        }
    }
    out
}

/// A right-to-left run of letters, marks and spaces only. Poppler reads
/// digits and some punctuation (the Arabic comma) as left to right inside
/// a right-to-left stretch, so text with them is not drawn as one; nor are
/// mirrored brackets, whose glyph is not their character.
fn letters(r: &GlyphRun) -> bool {
    use BidiClass::{AL, NSM, R, WS};
    !r.glyphs.is_empty()
        && is_rtl(r)
        && r.text
            .chars()
            .all(|c| matches!(unicode_bidi::bidi_class(c), R | AL | NSM | WS))
}

/// Whether `next` continues the right-to-left piece that `prev` ends.
fn joins(prev: &GlyphRun, next: &GlyphRun) -> bool {
    letters(prev)
        && letters(next)
        && prev.font == next.font
        && prev.size == next.size
        && prev.color == next.color
        && prev.bold == next.bold
        && prev.italic == next.italic
        && prev.link == next.link
        && prev.underline == next.underline
        && prev.baseline == next.baseline
        && (next.x + next.width - prev.x).abs() < 0.01
}

/// Whether a piece needs drawing as one: several words (so that pdf.js
/// sees the spaces between them) or a cluster of several glyphs (a letter
/// with its marks).
pub fn drawn_as_one(runs: &[&GlyphRun]) -> bool {
    runs.len() > 1
        || runs.iter().any(|r| {
            letters(r)
                && r.glyphs
                    .windows(2)
                    .any(|w| (w[0].start, w[0].end) == (w[1].start, w[1].end))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::Color;

    /// A run of `text` drawn as `glyphs`: (id, advance, byte range).
    fn run(text: &str, glyphs: &[(u16, f32, Range<u32>)]) -> GlyphRun {
        GlyphRun {
            x: 0.0,
            baseline: 0.0,
            width: glyphs.iter().map(|g| g.1).sum(),
            text: text.to_owned(),
            font: 0,
            size: 10.0,
            color: Color(0, 0, 0),
            bold: false,
            italic: false,
            link: None,
            underline: None,
            glyphs: glyphs
                .iter()
                .map(|(id, advance, r)| Glyph {
                    id: *id,
                    advance: *advance,
                    dx: 0.0,
                    dy: 0.0,
                    start: r.start,
                    end: r.end,
                })
                .collect(),
            ascent: 8.0,
            descent: 2.0,
        }
    }

    /// The font's cmap for the marks used here.
    fn cmap(c: char) -> Option<u16> {
        match c {
            '\u{64E}' => Some(11), // fatha
            '\u{64F}' => Some(12), // damma
            '\u{651}' => Some(13), // shadda
            _ => None,
        }
    }

    /// Each glyph's characters, as an extractor reading the glyphs left
    /// to right gets them before turning the text around.
    fn per_glyph(m: &Mapped<'_>) -> Vec<String> {
        m.ranges
            .iter()
            .map(|r| m.text[r.clone()].to_owned())
            .collect()
    }

    /// A right-to-left run of one glyph per character, from `x`.
    fn word(text: &str, x: f32) -> GlyphRun {
        let mut glyphs: Vec<(u16, f32, Range<u32>)> = text
            .char_indices()
            .map(|(i, c)| (1, 5.0, i as u32..(i + c.len_utf8()) as u32))
            .collect();
        glyphs.reverse();
        let mut r = run(text, &glyphs);
        r.x = x;
        r
    }

    #[test]
    fn right_to_left_words_side_by_side_are_one_piece() {
        // محمد علي: the first word at the right, the next left of it.
        let first = word("محمد ", 50.0);
        let second = word("علي ", 30.0);
        assert_eq!(second.x + second.width, first.x);
        assert_eq!(pieces(&[&first, &second]), vec![0..2]);
        assert!(drawn_as_one(&[&first, &second]));
        // Not side by side, another face, or a comma (poppler takes it for
        // a number): separate.
        let away = word("علي ", 20.0);
        assert_eq!(pieces(&[&first, &away]), [0..1, 1..2]);
        let mut other = word("علي ", 30.0);
        other.font = 1;
        assert_eq!(pieces(&[&first, &other]), [0..1, 1..2]);
        let comma = word("علي، ", 25.0);
        assert_eq!(comma.x + comma.width, first.x);
        assert_eq!(pieces(&[&first, &comma]), [0..1, 1..2]);
        // Left-to-right text never joins.
        let latin = run("ab", &[(1, 5.0, 0..1), (2, 5.0, 1..2)]);
        assert_eq!(pieces(&[&latin, &latin]), [0..1, 1..2]);
        // A word alone is drawn as one only when it has a cluster of
        // several glyphs.
        assert!(!drawn_as_one(&[&first]));
        let marked = run("مُ", &[(12, 0.0, 0..4), (2, 6.0, 0..4)]);
        assert!(is_rtl(&marked));
        assert!(drawn_as_one(&[&marked]));
    }

    #[test]
    fn a_forward_run_keeps_its_text_and_ranges() {
        let r = run("ab", &[(1, 5.0, 0..1), (2, 5.0, 1..2)]);
        let m = map(&r, cmap);
        assert!(matches!(m.text, Cow::Borrowed("ab")));
        assert_eq!(m.ranges, [0..1, 1..2]);
    }

    #[test]
    fn a_ligature_maps_to_its_letters_reversed() {
        // "بلا": ba, then lam-alef as one glyph, drawn left to right.
        let r = run("بلا", &[(5, 6.0, 2..6), (4, 5.0, 0..2)]);
        let m = map(&r, cmap);
        assert_eq!(m.text, "بال");
        assert_eq!(per_glyph(&m), ["ال", "ب"]);
    }

    #[test]
    fn each_glyph_of_a_letter_with_marks_maps_to_its_own_characters() {
        // "مُحَ": hah with fatha, then meem with damma (marks drawn first).
        let r = run(
            "مُحَ",
            &[
                (11, 0.0, 4..8),
                (3, 6.0, 4..8),
                (12, 0.0, 0..4),
                (2, 6.0, 0..4),
            ],
        );
        let m = map(&r, cmap);
        assert_eq!(m.text, "مُحَ");
        assert_eq!(per_glyph(&m), ["\u{64E}", "ح", "\u{64F}", "م"]);
        // Backwards through the text, so krilla marks it reversed.
        assert!(m.ranges.windows(2).all(|w| w[0].start >= w[1].end));
    }

    #[test]
    fn one_glyph_for_several_marks_takes_them_all_reversed() {
        // Meem, fatha, shadda: one glyph stands for both marks.
        let r = run("مَّ", &[(20, 0.0, 0..6), (2, 6.0, 0..6)]);
        let m = map(&r, cmap);
        assert_eq!(per_glyph(&m), ["\u{651}\u{64E}", "م"]);
    }

    #[test]
    fn marks_that_cannot_be_told_apart_share_the_cluster() {
        // Two mark glyphs, neither the font's glyph of its mark: the pairing
        // is unknown, and the cluster keeps one range (krilla's ActualText).
        let r = run("مَّ", &[(21, 0.0, 0..6), (22, 0.0, 0..6), (2, 6.0, 0..6)]);
        let m = map(&r, cmap);
        assert_eq!(m.text, "مَّ");
        assert_eq!(m.ranges, [0..6, 0..6, 0..6]);
        // A mark glyph with an advance is not a mark glyph.
        let r = run("مُ", &[(12, 2.0, 0..4), (2, 6.0, 0..4)]);
        assert_eq!(map(&r, cmap).ranges, [0..4, 0..4]);
    }
}
