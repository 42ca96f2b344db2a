//! The font book: bundled faces, parsed once per process, with per-character
//! fallback from the first family to the next. Books are built once per set
//! of faces and live for the process; fallback faces (a theme's list,
//! `--font-path`, system fonts: see `fallback`) extend a book into a new one.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::fallback::{FaceRef, FallbackFamily};
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
    /// Shaping plans by direction and script: building one walks the
    /// font's feature lists, which for this CJK face costs more than
    /// shaping a paragraph, and a deck needs only a handful.
    plans: Mutex<Vec<PlanEntry>>,
}

type PlanEntry = (
    rustybuzz::Direction,
    Option<rustybuzz::Script>,
    Arc<rustybuzz::ShapePlan>,
);

impl Face {
    /// Shapes `text` (one face, one style) with the default features.
    pub fn shape(&self, text: &str) -> rustybuzz::GlyphBuffer {
        self.shape_directed(text, None)
    }

    /// Shapes `text` in the direction the bidi algorithm resolved for it
    /// (right to left: glyphs come out in visual order, mirrored brackets
    /// and Arabic joining applied), else in the one its script suggests.
    pub fn shape_directed(&self, text: &str, rtl: Option<bool>) -> rustybuzz::GlyphBuffer {
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        if let Some(rtl) = rtl {
            buf.set_direction(if rtl {
                rustybuzz::Direction::RightToLeft
            } else {
                rustybuzz::Direction::LeftToRight
            });
        }
        let (dir, script) = (buf.direction(), Some(buf.script()));
        let plan = {
            let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
            match plans.iter().find(|(d, s, _)| *d == dir && *s == script) {
                Some((.., p)) => Arc::clone(p),
                None => {
                    let p = Arc::new(rustybuzz::ShapePlan::new(
                        &self.rb,
                        dir,
                        script,
                        buf.language().as_ref(),
                        &[],
                    ));
                    plans.push((dir, script, Arc::clone(&p)));
                    p
                }
            }
        };
        rustybuzz::shape_with_plan(&self.rb, &plan, buf)
    }
}

/// A family: its regular and bold faces (indices into `FontBook::faces`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Family {
    pub regular: usize,
    pub bold: usize,
}

pub struct FontBook {
    pub faces: Vec<Face>,
    /// Families in fallback order: a character takes the first that has it.
    /// Fixed once the book is built (lookups are cached).
    pub families: Vec<Family>,
    /// `face_for` answers for the Basic Multilingual Plane, per weight
    /// (regular, bold): 0 not yet asked, 1 no family, n + 2 family n. Every
    /// character of a deck is looked up (a cmap search) each time it is
    /// shaped; a deck has only a few thousand distinct ones.
    coverage: [OnceLock<Box<[AtomicU8]>>; 2],
    /// Characters given a fallback family found for them (sorted; family
    /// indices into `families`): they take it before any later family, so a
    /// Hangul character keeps the Korean face chosen for it even when an
    /// earlier fallback family also has it.
    assigned: Vec<(char, usize)>,
    /// Families before this index are searched before `assigned`.
    own: usize,
}

impl FontBook {
    fn empty() -> FontBook {
        FontBook {
            faces: Vec::new(),
            families: Vec::new(),
            coverage: [OnceLock::new(), OnceLock::new()],
            assigned: Vec::new(),
            own: 0,
        }
    }

    /// The bundled BIZ UDPGothic Regular and Bold.
    pub fn bundled() -> &'static FontBook {
        static BOOK: OnceLock<&'static FontBook> = OnceLock::new();
        BOOK.get_or_init(|| {
            let book: &'static FontBook = Box::leak(Box::new({
                let mut book = FontBook::empty();
                // The bundled files are checked by tests; failure here means a broken build.
                let regular = book
                    .add(REGULAR, 0, "BIZ UDPGothic", "BIZUDPGothic-Regular", false)
                    .expect("bundled regular font parses");
                let bold = book
                    .add(BOLD, 0, "BIZ UDPGothic", "BIZUDPGothic-Bold", true)
                    .expect("bundled bold font parses");
                book.families.push(Family { regular, bold });
                book
            }));
            register(book)
        })
    }

    /// The bundled faces with a Latin family before them (a theme's font):
    /// Latin text takes the theme's face, everything it lacks falls back to
    /// BIZ UDPGothic. The font files are read once and kept for the process.
    pub fn with_latin(
        regular: &std::path::Path,
        bold: Option<&std::path::Path>,
    ) -> Result<&'static FontBook, String> {
        type Books = std::sync::Mutex<
            Vec<(
                (std::path::PathBuf, Option<std::path::PathBuf>),
                &'static FontBook,
            )>,
        >;
        static BOOKS: OnceLock<Books> = OnceLock::new();
        let key = (
            regular.to_path_buf(),
            bold.map(std::path::Path::to_path_buf),
        );
        let books = BOOKS.get_or_init(Default::default);
        if let Ok(list) = books.lock()
            && let Some((_, b)) = list.iter().find(|(k, _)| *k == key)
        {
            return Ok(b);
        }
        let book = Self::read_with_latin(regular, bold)?;
        if let Ok(mut list) = books.lock() {
            list.push((key, book));
        }
        Ok(register(book))
    }

    fn read_with_latin(
        regular: &std::path::Path,
        bold: Option<&std::path::Path>,
    ) -> Result<&'static FontBook, String> {
        let read = read_font_file;
        let base = FontBook::bundled();
        let mut book = FontBook::empty();
        let r = read(regular)?;
        let (family, ps) = names(r, 0)
            .ok_or_else(|| format!("{} is not a TrueType/OpenType font", regular.display()))?;
        let ri = book
            .add(r, 0, &family, &ps, false)
            .ok_or_else(|| format!("{} cannot be parsed", regular.display()))?;
        let bi = match bold {
            Some(b) => {
                let data = read(b)?;
                let (fam, ps) = names(data, 0)
                    .ok_or_else(|| format!("{} is not a TrueType/OpenType font", b.display()))?;
                book.add(data, 0, &fam, &ps, true)
                    .ok_or_else(|| format!("{} cannot be parsed", b.display()))?
            }
            None => ri,
        };
        book.families.push(Family {
            regular: ri,
            bold: bi,
        });
        let offset = book.faces.len();
        for f in &base.faces {
            book.add(
                f.info.data,
                f.info.index,
                &f.info.family,
                &f.info.postscript,
                f.info.bold,
            );
        }
        for fam in &base.families {
            book.families.push(Family {
                regular: fam.regular + offset,
                bold: fam.bold + offset,
            });
        }
        Ok(Box::leak(Box::new(book)))
    }

    /// Adds a face from font bytes that live for the process (`index`: the
    /// face in a collection).
    pub fn add(
        &mut self,
        data: &'static [u8],
        index: u32,
        family: &str,
        postscript: &str,
        bold: bool,
    ) -> Option<usize> {
        let rb = rustybuzz::Face::from_slice(data, index)?;
        let upem = rb.units_per_em() as f32;
        let ascent = f32::from(rb.ascender()) / upem;
        let descent = -f32::from(rb.descender()) / upem;
        self.faces.push(Face {
            info: FontInfo {
                family: family.to_owned(),
                postscript: postscript.to_owned(),
                bold,
                data,
                index,
            },
            rb,
            upem,
            ascent,
            descent,
            plans: Mutex::new(Vec::new()),
        });
        Some(self.faces.len() - 1)
    }

    /// The face for `c` in the given weight: the first family that covers it.
    /// `None` when no bundled face has the character.
    pub fn face_for(&self, c: char, bold: bool) -> Option<usize> {
        let face = |n: usize| {
            let f = self.families[n];
            if bold { f.bold } else { f.regular }
        };
        let has = |n: usize| self.faces[face(n)].rb.glyph_index(c).is_some();
        let search = || {
            let own = self.own.min(self.families.len());
            (0..own).find(|&n| has(n)).or_else(|| {
                self.assigned
                    .binary_search_by_key(&c, |a| a.0)
                    .ok()
                    .map(|i| self.assigned[i].1)
                    .filter(|&n| has(n))
                    .or_else(|| (own..self.families.len()).find(|&n| has(n)))
            })
        };
        let (Some(slot), true) = (
            usize::try_from(u32::from(c)).ok().filter(|&i| i < 0x1_0000),
            self.families.len() < 254,
        ) else {
            return search().map(face);
        };
        let table = self.coverage[usize::from(bold)]
            .get_or_init(|| (0..0x1_0000).map(|_| AtomicU8::new(0)).collect());
        let family = match table[slot].load(Ordering::Relaxed) {
            0 => {
                let found = search();
                // Racing threads store the same answer.
                table[slot].store(found.map_or(1, |n| n as u8 + 2), Ordering::Relaxed);
                found
            }
            1 => None,
            n => Some(usize::from(n) - 2),
        };
        family.map(face)
    }

    /// The face of the first family that has every character of `chars`.
    pub fn face_covering(&self, chars: &[char], bold: bool) -> Option<usize> {
        self.families
            .iter()
            .map(|f| if bold { f.bold } else { f.regular })
            .find(|&i| {
                chars
                    .iter()
                    .all(|&c| self.faces[i].rb.glyph_index(c).is_some())
            })
    }

    /// The face used for text that no face covers (it draws .notdef, reported as a warning).
    pub fn primary(&self, bold: bool) -> usize {
        let f = self.families[0];
        if bold { f.bold } else { f.regular }
    }

    pub fn infos(&self) -> Vec<FontInfo> {
        self.faces.iter().map(|f| f.info.clone()).collect()
    }

    /// This book's faces, then `extra` families after its own (each family
    /// read once per process). Books are cached, so the same extension gives
    /// the same book.
    /// `assigned` maps characters to indices into `extra` (the family found
    /// for them).
    pub fn extended(
        &'static self,
        extra: &[FallbackFamily],
        assigned: &[(char, usize)],
    ) -> Result<&'static FontBook, String> {
        if extra.is_empty() {
            return Ok(self);
        }
        type Key = (usize, Vec<FallbackFamily>, Vec<(char, usize)>);
        type Books = Mutex<Vec<(Key, &'static FontBook)>>;
        static BOOKS: OnceLock<Books> = OnceLock::new();
        let books = BOOKS.get_or_init(Default::default);
        let key: Key = (
            self as *const FontBook as usize,
            extra.to_vec(),
            assigned.to_vec(),
        );
        if let Ok(list) = books.lock()
            && let Some((_, b)) = list.iter().find(|(k, _)| *k == key)
        {
            return Ok(b);
        }
        let mut book = FontBook::empty();
        for f in &self.faces {
            book.add(
                f.info.data,
                f.info.index,
                &f.info.family,
                &f.info.postscript,
                f.info.bold,
            );
        }
        book.families = self.families.clone();
        book.own = self.families.len();
        let first = book.families.len();
        book.assigned = assigned.iter().map(|&(c, i)| (c, first + i)).collect();
        for fam in extra {
            let load = |r: &FaceRef, bold: bool, book: &mut FontBook| -> Result<usize, String> {
                let data = read_font_file(&r.path)?;
                let bad = || {
                    format!(
                        "{} is not a usable TrueType/OpenType font",
                        r.path.display()
                    )
                };
                let (family, ps) = names(data, r.index).ok_or_else(bad)?;
                book.add(data, r.index, &family, &ps, bold).ok_or_else(bad)
            };
            let regular = load(&fam.regular, false, &mut book)?;
            let bold = match &fam.bold {
                Some(b) => load(b, true, &mut book)?,
                None => regular,
            };
            book.families.push(Family { regular, bold });
        }
        let book: &'static FontBook = register(Box::leak(Box::new(book)));
        if let Ok(mut list) = books.lock() {
            list.push((key, book));
        }
        Ok(book)
    }

    /// The book whose faces a laid-out document lists (handouts and notes
    /// pages shape their own text with the deck's faces).
    pub fn matching(fonts: &[FontInfo]) -> Option<&'static FontBook> {
        let list = registry().lock().unwrap_or_else(|e| e.into_inner());
        list.iter().copied().find(|b| {
            b.faces.len() == fonts.len()
                && b.faces
                    .iter()
                    .zip(fonts)
                    .all(|(f, i)| std::ptr::eq(f.info.data, i.data) && f.info.index == i.index)
        })
    }
}

fn registry() -> &'static Mutex<Vec<&'static FontBook>> {
    static ALL: OnceLock<Mutex<Vec<&'static FontBook>>> = OnceLock::new();
    ALL.get_or_init(Default::default)
}

fn register(book: &'static FontBook) -> &'static FontBook {
    registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(book);
    book
}

/// A font file's bytes, read once per process and kept (faces borrow them).
fn read_font_file(p: &std::path::Path) -> Result<&'static [u8], String> {
    type Files = Mutex<Vec<(std::path::PathBuf, &'static [u8])>>;
    static FILES: OnceLock<Files> = OnceLock::new();
    let files = FILES.get_or_init(Default::default);
    if let Some((_, d)) = files
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(q, _)| q == p)
    {
        return Ok(d);
    }
    let bytes = std::fs::read(p).map_err(|e| format!("cannot read font {}: {e}", p.display()))?;
    let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    files
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((p.to_path_buf(), data));
    Ok(data)
}

/// Family and PostScript names from a font's name table.
fn names(data: &[u8], index: u32) -> Option<(String, String)> {
    let face = rustybuzz::ttf_parser::Face::parse(data, index).ok()?;
    let get = |id: u16| {
        face.names()
            .into_iter()
            .filter(|n| n.name_id == id)
            .find_map(|n| n.to_string())
    };
    let family = get(rustybuzz::ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
        .or_else(|| get(rustybuzz::ttf_parser::name_id::FAMILY))?;
    let ps = get(rustybuzz::ttf_parser::name_id::POST_SCRIPT_NAME)
        .unwrap_or_else(|| family.replace(' ', ""));
    Some((family, ps))
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
