//! PPTX writer: the pages model as native, editable PowerPoint slides.
//!
//! One slide per page, in order; every text block is one text box whose
//! paragraphs wrap where our layout wrapped them (see [`text`] for how),
//! except that the title block is the layout's title placeholder (with our
//! geometry and formatting), so outlines and accessibility checkers find the
//! slide's title; shapes are preset geometries, images are pictures
//! embedded once each.
//! The OOXML parts are generated here with quick-xml and zipped with fixed
//! timestamps and part order, so the same deck gives the same bytes.
//!
//! Package layout (all written by this module):
//!
//! ```text
//! [Content_Types].xml, _rels/.rels, docProps/core.xml, docProps/app.xml
//! ppt/presentation.xml (+ _rels)        slide size, slides, embedded fonts
//! ppt/slideMasters/slideMaster1.xml     placeholders and text styles
//! ppt/slideLayouts/slideLayout1-4.xml   Title Slide, Title Only, Section Header, Blank
//! ppt/theme/theme1.xml                  colours, fonts (Latin and East Asian)
//! ppt/slides/slideN.xml                 one per page
//! ppt/notesMasters/notesMaster1.xml, ppt/theme/theme2.xml, ppt/notesSlides/…
//! ppt/media/imageN.png|jpeg             each distinct image once
//! ppt/fonts/fontN.fntdata               subsets of the faces used (EOT)
//! ppt/presProps.xml, viewProps.xml, tableStyles.xml
//! ```

mod fonts;
mod package;
mod parts;
mod room;
mod slide;
mod text;
mod xml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use rayon::prelude::*;

use crate::pages::{Document, GlyphRun, Item, PageKind, Role};
use package::{Package, Rels, ct, rel};
use parts::{EmbeddedFace, PresentationSpec, ThemeSpec};

/// Options for [`write_pptx`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PptxOptions {
    /// Embed subsets of the fonts the deck uses (`--no-embed-fonts` clears it).
    pub embed_fonts: bool,
}

impl Default for PptxOptions {
    fn default() -> Self {
        PptxOptions { embed_fonts: true }
    }
}

/// Why a deck could not be written.
#[derive(Debug)]
pub enum PptxError {
    /// The pages model cannot be expressed (e.g. a slide size that is not a
    /// positive finite number).
    InvalidDocument(String),
    /// A font could not be subset for embedding (retry without embedding).
    Font(String),
    /// Writing a part failed.
    Io(std::io::Error),
    /// Zipping the package failed.
    Zip(zip::result::ZipError),
}

impl fmt::Display for PptxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PptxError::InvalidDocument(m) => write!(f, "cannot write this deck as PPTX: {m}"),
            PptxError::Font(m) => write!(
                f,
                "cannot embed a font in the PPTX ({m}); write it without embedded fonts instead"
            ),
            PptxError::Io(e) => write!(f, "writing a PPTX part failed: {e}"),
            PptxError::Zip(e) => write!(f, "zipping the PPTX failed: {e}"),
        }
    }
}

impl std::error::Error for PptxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PptxError::Io(e) => Some(e),
            PptxError::Zip(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for PptxError {
    fn from(e: std::io::Error) -> Self {
        PptxError::Io(e)
    }
}

impl From<zip::result::ZipError> for PptxError {
    fn from(e: zip::result::ZipError) -> Self {
        PptxError::Zip(e)
    }
}

/// A BCP 47 tag for `a:rPr/@lang`: bare languages get their usual region.
fn lang_tag(language: &str) -> String {
    let l = language.trim();
    let valid =
        !l.is_empty() && l.len() <= 35 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    match l.to_ascii_lowercase().as_str() {
        "ja" => "ja-JP".into(),
        "en" => "en-US".into(),
        _ if valid => l.into(),
        _ => "ja-JP".into(),
    }
}

/// The layout (index into [`parts::LAYOUTS`]) for a page.
fn layout_for(kind: PageKind, has_title: bool) -> usize {
    match kind {
        PageKind::Title => 0,
        PageKind::Divider => 2,
        _ if has_title => 1,
        _ => 3,
    }
}

/// The theme part's colours and fonts, from the deck's theme: the slide
/// master then matches our slides, and slides added in PowerPoint do too.
fn theme_spec(doc: &Document) -> ThemeSpec<'_> {
    let p = &doc.palette;
    ThemeSpec {
        font: family(doc.fonts.first()),
        // The bundled Japanese face: after a theme's Latin face, before fallback faces.
        ea_font: family(
            doc.fonts
                .iter()
                .find(|f| f.family == "BIZ UDPGothic")
                .or(doc.fonts.last()),
        ),
        text: p.text,
        background: p.background,
        heading: p.heading,
        light: p.callout_fill,
        accent: p.accent,
        accent2: p.badge_fill,
        muted: p.muted,
        link: p.link,
    }
}

fn family(f: Option<&crate::pages::FontInfo>) -> &str {
    f.map_or("BIZ UDPGothic", |f| f.family.as_str())
}

/// What each face draws, for subsetting.
fn font_usage(doc: &Document) -> BTreeMap<usize, fonts::Usage> {
    // Tens of thousands of glyphs and characters, a few hundred distinct:
    // a bitmap of glyph ids and a sorted list of characters per face, turned
    // into sets once, cost a fraction of inserting each into a tree.
    let mut seen: BTreeMap<usize, (Vec<u64>, Vec<char>)> = BTreeMap::new();
    for r in text_runs(doc) {
        let (glyphs, chars) = seen
            .entry(r.font)
            .or_insert_with(|| (vec![0; 1 << 10], Vec::new()));
        for g in &r.glyphs {
            glyphs[usize::from(g.id >> 6)] |= 1 << (g.id & 63);
        }
        chars.extend(r.text.chars());
        // The writer joins soft-wrapped lines with spaces.
        chars.push(' ');
        // Keeps a very large deck's list short.
        if chars.len() > 1 << 16 {
            chars.sort_unstable();
            chars.dedup();
        }
    }
    seen.into_iter()
        .map(|(font, (glyphs, mut chars))| {
            chars.sort_unstable();
            chars.dedup();
            let glyphs = glyphs
                .iter()
                .enumerate()
                .flat_map(|(i, &w)| {
                    (0..64u16)
                        .filter(move |b| w & (1 << b) != 0)
                        .map(move |b| (i as u16) << 6 | b)
                })
                .collect();
            let chars = chars.into_iter().collect();
            (font, fonts::Usage { glyphs, chars })
        })
        .collect()
}

/// Each text run of the deck whose face the deck lists.
fn text_runs(doc: &Document) -> impl Iterator<Item = &GlyphRun> {
    doc.pages
        .iter()
        .flat_map(|page| &page.items)
        .filter_map(|item| match item {
            Item::Text(t) => Some(&t.paragraphs),
            _ => None,
        })
        .flatten()
        .flat_map(|p| p.marker.iter().chain(p.lines.iter().flat_map(|l| &l.runs)))
        .filter(|r| r.font < doc.fonts.len())
}

/// The faces the deck draws with that the PPTX cannot carry, with the reason
/// (for a note: PowerPoint then needs them installed).
pub fn faces_not_embedded(doc: &Document) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let used: BTreeSet<usize> = text_runs(doc).map(|r| r.font).collect();
    for font in used {
        if let Some(why) = fonts::not_embeddable(&doc.fonts[font])
            && !out.iter().any(|(f, _)| *f == doc.fonts[font].family)
        {
            out.push((doc.fonts[font].family.clone(), why));
        }
    }
    out
}

/// Writes the deck as a `.pptx` file's bytes.
pub fn write_pptx(doc: &Document, opts: &PptxOptions) -> Result<Vec<u8>, PptxError> {
    let (w, h) = (doc.width, doc.height);
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Err(PptxError::InvalidDocument(format!(
            "the slide size {w} × {h} pt is not positive"
        )));
    }
    let lang = lang_tag(&doc.meta.language);
    let faces = text::Faces::new(doc);
    let n = doc.pages.len();
    let slide_parts: Vec<String> = (1..=n)
        .map(|i| format!("ppt/slides/slide{i}.xml"))
        .collect();

    let mut pkg = Package::default();
    let mut root = Rels::default();
    root.add(rel::OFFICE_DOCUMENT, "ppt/presentation.xml");
    root.add(rel::CORE, "docProps/core.xml");
    root.add(rel::APP, "docProps/app.xml");
    pkg.set_rels("", root);

    let notes_count = doc
        .pages
        .iter()
        .filter(|p| has_notes(p.notes.as_deref()))
        .count();
    pkg.add(
        "docProps/core.xml",
        ct::CORE,
        parts::core_xml(&doc.meta, &lang)?,
    );
    let ratio = w / h;
    let format = if (ratio - 16.0 / 9.0).abs() < 0.01 {
        "On-screen Show (16:9)"
    } else if (ratio - 4.0 / 3.0).abs() < 0.01 {
        "On-screen Show (4:3)"
    } else {
        "Custom"
    };
    pkg.add(
        "docProps/app.xml",
        ct::APP,
        parts::app_xml(n, notes_count, format)?,
    );

    // Presentation relationships: master first, then slides, the rest after.
    let mut pres = Rels::default();
    let master_rid = pres.add(rel::SLIDE_MASTER, "ppt/slideMasters/slideMaster1.xml");
    let slide_rids: Vec<String> = slide_parts
        .iter()
        .map(|p| pres.add(rel::SLIDE, p))
        .collect();
    let notes_master_rid =
        (notes_count > 0).then(|| pres.add(rel::NOTES_MASTER, "ppt/notesMasters/notesMaster1.xml"));
    pres.add(rel::PRES_PROPS, "ppt/presProps.xml");
    pres.add(rel::VIEW_PROPS, "ppt/viewProps.xml");
    pres.add(rel::THEME, "ppt/theme/theme1.xml");
    pres.add(rel::TABLE_STYLES, "ppt/tableStyles.xml");

    // Fonts: one part per face, listed per family.
    let mut font_parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut embedded: Vec<EmbeddedFace> = Vec::new();
    if opts.embed_fonts {
        // Subsetting and wrapping each face is independent: on all cores.
        // Faces whose licence forbids embedding, or that PowerPoint cannot
        // embed (no TrueType outlines), are named by the font only.
        let usage: Vec<_> = font_usage(doc)
            .into_iter()
            .filter(|(font, _)| fonts::not_embeddable(&doc.fonts[*font]).is_none())
            .collect();
        let data: Vec<Result<Vec<u8>, PptxError>> = usage
            .par_iter()
            .map(|(font, used)| fonts::fntdata(doc.fonts[*font].data, doc.fonts[*font].index, used))
            .collect();
        for ((font, _), data) in usage.iter().zip(data) {
            let info = &doc.fonts[*font];
            let data = data?;
            let part = format!("ppt/fonts/font{}.fntdata", font_parts.len() + 1);
            let rid = pres.add(rel::FONT, &part);
            font_parts.push((part, data));
            let facts = fonts::facts(info.data, info.index);
            let face = match embedded.iter_mut().find(|e| e.typeface == info.family) {
                Some(e) => e,
                None => {
                    embedded.push(EmbeddedFace {
                        typeface: info.family.clone(),
                        panose: None,
                        japanese: false,
                        regular: None,
                        bold: None,
                    });
                    let last = embedded.len() - 1;
                    &mut embedded[last]
                }
            };
            let slot = if info.bold {
                &mut face.bold
            } else {
                &mut face.regular
            };
            if slot.is_none() {
                *slot = Some(rid);
            }
            if !info.bold || face.panose.is_none() {
                face.panose = facts.panose;
            }
            face.japanese |= facts.japanese;
        }
    }

    pkg.add(
        "ppt/presentation.xml",
        ct::PRESENTATION,
        parts::presentation_xml(&PresentationSpec {
            master_rid: &master_rid,
            notes_master_rid: notes_master_rid.as_deref(),
            slide_rids: &slide_rids,
            width: w,
            height: h,
            fonts: &embedded,
        })?,
    );
    pkg.set_rels("ppt/presentation.xml", pres);

    // Master, layouts, theme.
    let mut master_rels = Rels::default();
    let layout_parts: Vec<String> = (1..=parts::LAYOUTS.len())
        .map(|i| format!("ppt/slideLayouts/slideLayout{i}.xml"))
        .collect();
    let layout_rids: Vec<String> = layout_parts
        .iter()
        .map(|p| master_rels.add(rel::SLIDE_LAYOUT, p))
        .collect();
    master_rels.add(rel::THEME, "ppt/theme/theme1.xml");
    pkg.add(
        "ppt/slideMasters/slideMaster1.xml",
        ct::SLIDE_MASTER,
        parts::master_xml(w, h, &layout_rids)?,
    );
    pkg.set_rels("ppt/slideMasters/slideMaster1.xml", master_rels);
    for ((kind, name), part) in parts::LAYOUTS.iter().zip(&layout_parts) {
        pkg.add(part, ct::SLIDE_LAYOUT, parts::layout_xml(kind, name, w, h)?);
        let mut r = Rels::default();
        r.add(rel::SLIDE_MASTER, "ppt/slideMasters/slideMaster1.xml");
        pkg.set_rels(part, r);
    }
    let theme = theme_spec(doc);
    pkg.add(
        "ppt/theme/theme1.xml",
        ct::THEME,
        parts::theme_xml("surveydeck", &theme)?,
    );

    // Images: each distinct file once, also when two ids hold the same bytes.
    let mut image_parts: Vec<Option<String>> = Vec::with_capacity(doc.images.len());
    let mut by_bytes: HashMap<&[u8], String> = HashMap::new();
    let mut media: Vec<(String, &'static str, Vec<u8>)> = Vec::new();
    for img in &doc.images {
        let bytes = img.bytes.as_slice();
        let part = match by_bytes.get(bytes) {
            Some(p) => p.clone(),
            None => {
                let (ext, t) = match img.format {
                    crate::pages::ImageFormat::Png => ("png", ct::PNG),
                    crate::pages::ImageFormat::Jpeg => ("jpeg", ct::JPEG),
                };
                let p = format!("ppt/media/image{}.{ext}", media.len() + 1);
                media.push((p.clone(), t, bytes.to_vec()));
                by_bytes.insert(bytes, p.clone());
                p
            }
        };
        image_parts.push(Some(part));
    }

    // Slides and their notes.
    let cx = slide::SlideCtx {
        faces: &faces,
        slide_parts: &slide_parts,
        image_parts: &image_parts,
        lang: &lang,
        content: room::content_area(&doc.pages, w, h),
    };
    // Each slide's XML is independent of the others: build and deflate them
    // on all cores (so the deck's XML is never all held at once), then file
    // them in order.
    type Built = (package::Packed, Rels, Option<package::Packed>);
    let built: Vec<Result<Built, PptxError>> = doc
        .pages
        .par_iter()
        .map(|page| {
            let mut r = Rels::default();
            let has_title = !page.title.trim().is_empty()
                || page
                    .items
                    .iter()
                    .any(|i| matches!(i, Item::Text(t) if t.role == Role::Title));
            let layout = layout_for(page.kind, has_title);
            r.add(rel::SLIDE_LAYOUT, &layout_parts[layout]);
            let title_ph = parts::title_placeholder(parts::LAYOUTS[layout].0);
            let xml = package::pack(ct::SLIDE, slide::slide_xml(page, &mut r, &cx, title_ph)?);
            let notes = if has_notes(page.notes.as_deref()) {
                Some(package::pack(
                    ct::NOTES_SLIDE,
                    slide::notes_xml(page.note_lines(), &lang)?,
                ))
            } else {
                None
            };
            Ok((xml, r, notes))
        })
        .collect();
    let mut notes_parts: Vec<(String, package::Packed, String)> = Vec::new();
    for (i, b) in built.into_iter().enumerate() {
        let (xml, mut r, notes) = b?;
        if let Some(notes) = notes {
            let part = format!("ppt/notesSlides/notesSlide{}.xml", notes_parts.len() + 1);
            r.add(rel::NOTES_SLIDE, &part);
            notes_parts.push((part, notes, slide_parts[i].clone()));
        }
        pkg.add_packed(&slide_parts[i], ct::SLIDE, xml);
        pkg.set_rels(&slide_parts[i], r);
    }
    if !notes_parts.is_empty() {
        let nm = "ppt/notesMasters/notesMaster1.xml";
        pkg.add(nm, ct::NOTES_MASTER, parts::notes_master_xml(w, h)?);
        let mut r = Rels::default();
        r.add(rel::THEME, "ppt/theme/theme2.xml");
        pkg.set_rels(nm, r);
        pkg.add(
            "ppt/theme/theme2.xml",
            ct::THEME,
            parts::theme_xml("notes", &theme)?,
        );
        for (part, xml, slide_part) in notes_parts {
            pkg.add_packed(&part, ct::NOTES_SLIDE, xml);
            let mut r = Rels::default();
            r.add(rel::NOTES_MASTER, nm);
            r.add(rel::SLIDE, &slide_part);
            pkg.set_rels(&part, r);
        }
    }
    for (part, t, bytes) in media {
        pkg.add(&part, t, bytes);
    }
    for (part, data) in font_parts {
        pkg.add(&part, ct::FONTDATA, data);
    }
    pkg.add(
        "ppt/presProps.xml",
        ct::PRES_PROPS,
        parts::pres_props_xml()?,
    );
    pkg.add(
        "ppt/viewProps.xml",
        ct::VIEW_PROPS,
        parts::view_props_xml()?,
    );
    pkg.add(
        "ppt/tableStyles.xml",
        ct::TABLE_STYLES,
        parts::table_styles_xml()?,
    );

    let date = parts::deck_time(&doc.meta)
        .and_then(|(y, m, d, ..)| Some((u16::try_from(y).ok()?, m as u8, d as u8)))
        .filter(|(y, ..)| (1980..=2107).contains(y))
        .unwrap_or((1980, 1, 1));
    pkg.finish(date)
}

fn has_notes(notes: Option<&str>) -> bool {
    notes.is_some_and(|n| !n.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(lang_tag("ja"), "ja-JP");
        assert_eq!(lang_tag("EN"), "en-US");
        assert_eq!(lang_tag("de-CH"), "de-CH");
        assert_eq!(lang_tag("\"bad\" value"), "ja-JP");
        assert_eq!(lang_tag(""), "ja-JP");
    }

    #[test]
    fn layouts_by_page_kind() {
        assert_eq!(
            parts::LAYOUTS[layout_for(PageKind::Title, true)].1,
            "Title Slide"
        );
        assert_eq!(
            parts::LAYOUTS[layout_for(PageKind::Paper, true)].1,
            "Title Only"
        );
        assert_eq!(
            parts::LAYOUTS[layout_for(PageKind::Divider, true)].1,
            "Section Header"
        );
        assert_eq!(parts::LAYOUTS[layout_for(PageKind::Free, false)].1, "Blank");
    }

    #[test]
    fn errors_display() {
        let e = PptxError::Font("bad".into());
        assert!(e.to_string().contains("without embedded fonts"));
        let e: Box<dyn std::error::Error> = Box::new(PptxError::InvalidDocument("x".into()));
        assert!(e.to_string().contains("cannot write"));
    }
}
