//! Fallback faces beyond the bundled and theme fonts: faces found in
//! `--font-path` folders, then the system's fonts (via `fontdb`, which knows
//! the usual font folders of Linux, macOS and Windows).
//!
//! Nothing here runs for a deck the bundled and theme faces cover: folders
//! are scanned only when layout reports characters no face has, and only the
//! faces chosen for those characters are read.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where fallback faces may come from (the CLI's `--font-path` and
/// `--ignore-system-fonts`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FontOptions {
    /// Folders searched before the system's fonts, in order.
    pub paths: Vec<PathBuf>,
    /// Whether the system's fonts are searched at all.
    pub system: bool,
}

impl Default for FontOptions {
    fn default() -> Self {
        FontOptions {
            paths: Vec::new(),
            system: true,
        }
    }
}

impl FontOptions {
    /// Bundled and theme fonts only: the same output on every machine.
    pub fn reproducible() -> Self {
        FontOptions {
            paths: Vec::new(),
            system: false,
        }
    }

    fn searches_anything(&self) -> bool {
        self.system || !self.paths.is_empty()
    }
}

/// A face that a fallback family resolved to: a file and a face index in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceRef {
    pub path: PathBuf,
    pub index: u32,
}

/// A fallback family: its regular face and, when the family has one, its bold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FallbackFamily {
    pub regular: FaceRef,
    pub bold: Option<FaceRef>,
}

struct Candidates {
    db: fontdb::Database,
    /// Upright faces in search order: `--font-path` folders in the order
    /// given, then system faces sorted by family and file (the database's
    /// own order depends on the order folders list their files).
    order: Vec<fontdb::ID>,
}

fn candidates(opts: &FontOptions) -> &'static Candidates {
    type Cache = Mutex<Vec<(FontOptions, &'static Candidates)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut list = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, c)) = list.iter().find(|(o, _)| o == opts) {
        return c;
    }
    let mut db = fontdb::Database::new();
    let mut order = Vec::new();
    for dir in &opts.paths {
        let before: std::collections::HashSet<fontdb::ID> = db.faces().map(|f| f.id).collect();
        db.load_fonts_dir(dir);
        order.extend(sorted(&db, |f| !before.contains(&f.id)));
    }
    if opts.system {
        let before: std::collections::HashSet<fontdb::ID> = db.faces().map(|f| f.id).collect();
        db.load_system_fonts();
        order.extend(sorted(&db, |f| !before.contains(&f.id)));
    }
    let c: &'static Candidates = Box::leak(Box::new(Candidates { db, order }));
    list.push((opts.clone(), c));
    c
}

fn sorted(db: &fontdb::Database, new: impl Fn(&fontdb::FaceInfo) -> bool) -> Vec<fontdb::ID> {
    let mut faces: Vec<&fontdb::FaceInfo> = db
        .faces()
        .filter(|f| new(f) && f.style == fontdb::Style::Normal)
        .collect();
    faces.sort_by(|a, b| {
        (family(a), path(a), a.index, a.weight.0).cmp(&(family(b), path(b), b.index, b.weight.0))
    });
    faces.iter().map(|f| f.id).collect()
}

fn family(f: &fontdb::FaceInfo) -> &str {
    f.families.first().map_or("", |(n, _)| n.as_str())
}

fn path(f: &fontdb::FaceInfo) -> &Path {
    match &f.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p,
        fontdb::Source::Binary(_) => Path::new(""),
    }
}

fn face_ref(f: &fontdb::FaceInfo) -> FaceRef {
    FaceRef {
        path: path(f).to_path_buf(),
        index: f.index,
    }
}

/// How well a family suits a character, lower first: a Korean face for
/// Hangul, a simplified Chinese face for Han characters the Japanese face
/// lacks (most such characters are simplified forms), a colour emoji face
/// for emoji; regular weight before others. Ties keep the search order.
fn preference(c: char, f: &fontdb::FaceInfo) -> (u8, u16) {
    let name = family(f);
    let tagged = |tags: &[&str]| {
        tags.iter()
            .any(|t| name.split([' ', '-']).any(|w| w.eq_ignore_ascii_case(t)))
    };
    let script = match c as u32 {
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => {
            u8::from(!tagged(&["KR", "Korean", "Kr"]))
        }
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF => {
            u8::from(!tagged(&["SC", "CN", "Simplified"]))
        }
        0x1F000..=0x1FAFF | 0x2600..=0x27BF => u8::from(!tagged(&["Emoji"])),
        _ => 0,
    };
    // Mono faces of a CJK collection share its name; a proportional one reads better.
    let mono = u8::from(f.monospaced || tagged(&["Mono"]));
    (script * 2 + mono, f.weight.0.abs_diff(400))
}

/// Fallback families and which of them each character takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Resolved {
    pub families: Vec<FallbackFamily>,
    /// Character → index into `families`, sorted by character.
    pub chars: Vec<(char, usize)>,
}

/// Chooses a fallback family for each character in `chars` (sorted, distinct)
/// that some face in `opts` covers. The same characters on the same machine
/// always give the same faces in the same order. Characters no face covers
/// are left out.
pub fn resolve(chars: &[char], opts: &FontOptions) -> Resolved {
    if chars.is_empty() || !opts.searches_anything() {
        return Resolved::default();
    }
    let c = candidates(opts);
    let covers = |id: fontdb::ID, ch: char| {
        c.db.with_face_data(id, |data, index| {
            rustybuzz::ttf_parser::Face::parse(data, index)
                .ok()
                .and_then(|f| f.glyph_index(ch))
                .is_some()
        })
        .unwrap_or(false)
    };
    let mut out: Vec<FallbackFamily> = Vec::new();
    let mut assigned: Vec<(char, usize)> = Vec::new();
    for &ch in chars {
        let mut ranked: Vec<(usize, &fontdb::FaceInfo)> = c
            .order
            .iter()
            .enumerate()
            .filter_map(|(i, id)| c.db.face(*id).map(|f| (i, f)))
            .collect();
        ranked.sort_by_key(|(i, f)| (preference(ch, f), *i));
        let Some((_, face)) = ranked.into_iter().find(|(_, f)| covers(f.id, ch)) else {
            continue;
        };
        let regular = face_ref(face);
        if let Some(i) = out.iter().position(|f| f.regular == regular) {
            assigned.push((ch, i));
            continue;
        }
        // Its bold: the same family and file layout, weight 600 or more.
        let bold = c
            .order
            .iter()
            .filter_map(|id| c.db.face(*id))
            .filter(|f| family(f) == family(face) && f.weight.0 >= 600)
            .min_by_key(|f| (f.weight.0.abs_diff(700), path(f).to_path_buf(), f.index))
            .map(face_ref);
        assigned.push((ch, out.len()));
        out.push(FallbackFamily { regular, bold });
    }
    assigned.sort_unstable();
    Resolved {
        families: out,
        chars: assigned,
    }
}

/// The faces of the family named `name` (a theme's fallback list may name a
/// family instead of a file), regular and bold, searched like fallback faces.
pub fn family_by_name(name: &str, opts: &FontOptions) -> Option<FallbackFamily> {
    let c = candidates(opts);
    let faces: Vec<&fontdb::FaceInfo> = c
        .order
        .iter()
        .filter_map(|id| c.db.face(*id))
        .filter(|f| f.families.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
        .collect();
    let regular = faces.iter().min_by_key(|f| f.weight.0.abs_diff(400))?;
    let bold = faces
        .iter()
        .filter(|f| f.weight.0 >= 600)
        .min_by_key(|f| f.weight.0.abs_diff(700))
        .map(|f| face_ref(f));
    Some(FallbackFamily {
        regular: face_ref(regular),
        bold,
    })
}
