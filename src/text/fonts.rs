//! The font book: bundled faces, parsed once per process, with per-character
//! fallback from the first family to the next.

use std::sync::OnceLock;

use crate::pages::FontInfo;

static REGULAR: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Bold.ttf");

/// One parsed face.
pub struct Face {
    pub info: FontInfo,
    pub rb: rustybuzz::Face<'static>,
    pub upem: f32,
    /// Ascent and descent as fractions of the em (descent positive).
    pub ascent: f32,
    pub descent: f32,
}

/// A family: its regular and bold faces (indices into `FontBook::faces`).
#[derive(Clone, Copy, Debug)]
pub struct Family {
    pub regular: usize,
    pub bold: usize,
}

pub struct FontBook {
    pub faces: Vec<Face>,
    /// Families in fallback order: a character takes the first that has it.
    pub families: Vec<Family>,
}

impl FontBook {
    /// The bundled BIZ UDPGothic Regular and Bold.
    pub fn bundled() -> &'static FontBook {
        static BOOK: OnceLock<FontBook> = OnceLock::new();
        BOOK.get_or_init(|| {
            let mut book = FontBook {
                faces: Vec::new(),
                families: Vec::new(),
            };
            // The bundled files are checked by tests; failure here means a broken build.
            let regular = book
                .add(REGULAR, "BIZ UDPGothic", "BIZUDPGothic-Regular", false)
                .expect("bundled regular font parses");
            let bold = book
                .add(BOLD, "BIZ UDPGothic", "BIZUDPGothic-Bold", true)
                .expect("bundled bold font parses");
            book.families.push(Family { regular, bold });
            book
        })
    }

    /// Adds a face from font bytes that live for the process.
    pub fn add(
        &mut self,
        data: &'static [u8],
        family: &str,
        postscript: &str,
        bold: bool,
    ) -> Option<usize> {
        let rb = rustybuzz::Face::from_slice(data, 0)?;
        let upem = rb.units_per_em() as f32;
        let ascent = f32::from(rb.ascender()) / upem;
        let descent = -f32::from(rb.descender()) / upem;
        self.faces.push(Face {
            info: FontInfo {
                family: family.to_owned(),
                postscript: postscript.to_owned(),
                bold,
                data,
            },
            rb,
            upem,
            ascent,
            descent,
        });
        Some(self.faces.len() - 1)
    }

    /// The face for `c` in the given weight: the first family that covers it.
    /// `None` when no bundled face has the character.
    pub fn face_for(&self, c: char, bold: bool) -> Option<usize> {
        self.families
            .iter()
            .map(|f| if bold { f.bold } else { f.regular })
            .find(|&i| self.faces[i].rb.glyph_index(c).is_some())
    }

    /// The face used for text that no face covers (it draws .notdef, reported as a warning).
    pub fn primary(&self, bold: bool) -> usize {
        let f = self.families[0];
        if bold { f.bold } else { f.regular }
    }

    pub fn infos(&self) -> Vec<FontInfo> {
        self.faces.iter().map(|f| f.info.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_cover_the_decks_characters() {
        let book = FontBook::bundled();
        for c in "片山自己紹介①⑳㉑⇒→•—「」（）、。ーABCxyz0123".chars() {
            assert!(book.face_for(c, false).is_some(), "regular lacks {c}");
            assert!(book.face_for(c, true).is_some(), "bold lacks {c}");
        }
        assert!(book.face_for('\u{1F600}', false).is_none());
    }
}
