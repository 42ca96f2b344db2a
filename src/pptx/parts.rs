//! The parts around the slides: presentation, master, layouts, themes,
//! notes master, properties.

use super::PptxError;
use super::slide::{open_root, placeholder, tree_start, xfrm};
use super::text::emu;
use super::xml::{NS_A, Xml, at};
use crate::pages::{Color, Meta};

/// Colours and fonts of the theme, taken from the deck.
pub struct ThemeSpec<'a> {
    /// Latin and East Asian typefaces.
    pub font: &'a str,
    pub ea_font: &'a str,
    pub text: Color,
    pub background: Color,
    pub heading: Color,
    pub light: Color,
    pub accent: Color,
    pub accent2: Color,
    pub muted: Color,
    pub link: Color,
}

/// A theme part: colour scheme, font scheme with the deck's face for Latin
/// and East Asian text, and the minimal format scheme the schema requires.
pub fn theme_xml(name: &str, t: &ThemeSpec<'_>) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    x.open("a:theme", &[at("xmlns:a", NS_A), at("name", name)]);
    x.open("a:themeElements", &[]);
    x.open("a:clrScheme", &[at("name", "surveydeck")]);
    let scheme: [(&str, String); 12] = [
        ("a:dk1", t.text.hex()),
        ("a:lt1", t.background.hex()),
        ("a:dk2", t.heading.hex()),
        ("a:lt2", t.light.hex()),
        ("a:accent1", t.accent.hex()),
        ("a:accent2", t.accent2.hex()),
        ("a:accent3", t.muted.hex()),
        ("a:accent4", "FFC000".into()),
        ("a:accent5", "5B9BD5".into()),
        ("a:accent6", "70AD47".into()),
        ("a:hlink", t.link.hex()),
        ("a:folHlink", "954F72".into()),
    ];
    for (el, hex) in &scheme {
        x.open(el, &[]);
        x.empty("a:srgbClr", &[at("val", hex)]);
        x.close(el);
    }
    x.close("a:clrScheme");
    x.open("a:fontScheme", &[at("name", "surveydeck")]);
    for el in ["a:majorFont", "a:minorFont"] {
        x.open(el, &[]);
        x.empty("a:latin", &[at("typeface", t.font)]);
        x.empty("a:ea", &[at("typeface", t.ea_font)]);
        x.empty("a:cs", &[at("typeface", "")]);
        x.close(el);
    }
    x.close("a:fontScheme");
    x.open("a:fmtScheme", &[at("name", "surveydeck")]);
    let ph = |x: &mut Xml| {
        x.open("a:solidFill", &[]);
        x.empty("a:schemeClr", &[at("val", "phClr")]);
        x.close("a:solidFill");
    };
    x.open("a:fillStyleLst", &[]);
    (0..3).for_each(|_| ph(&mut x));
    x.close("a:fillStyleLst");
    x.open("a:lnStyleLst", &[]);
    for w in [6350, 12700, 19050] {
        x.open("a:ln", &[at("w", w)]);
        ph(&mut x);
        x.close("a:ln");
    }
    x.close("a:lnStyleLst");
    x.open("a:effectStyleLst", &[]);
    for _ in 0..3 {
        x.open("a:effectStyle", &[]);
        x.empty("a:effectLst", &[]);
        x.close("a:effectStyle");
    }
    x.close("a:effectStyleLst");
    x.open("a:bgFillStyleLst", &[]);
    (0..3).for_each(|_| ph(&mut x));
    x.close("a:bgFillStyleLst");
    x.close("a:fmtScheme");
    x.close("a:themeElements");
    x.empty("a:objectDefaults", &[]);
    x.empty("a:extraClrSchemeLst", &[]);
    x.close("a:theme");
    Ok(x.finish()?)
}

fn clr_map(x: &mut Xml, name: &str) {
    x.empty(
        name,
        &[
            at("bg1", "lt1"),
            at("tx1", "dk1"),
            at("bg2", "lt2"),
            at("tx2", "dk2"),
            at("accent1", "accent1"),
            at("accent2", "accent2"),
            at("accent3", "accent3"),
            at("accent4", "accent4"),
            at("accent5", "accent5"),
            at("accent6", "accent6"),
            at("hlink", "hlink"),
            at("folHlink", "folHlink"),
        ],
    );
}

/// A level's default run properties in the theme's fonts (`mj` or `mn`).
fn def_rpr(x: &mut Xml, size: u32, fonts: &str) {
    x.open("a:defRPr", &[at("sz", size), at("kern", 1200)]);
    x.open("a:solidFill", &[]);
    x.empty("a:schemeClr", &[at("val", "tx1")]);
    x.close("a:solidFill");
    x.empty("a:latin", &[at("typeface", format!("+{fonts}-lt"))]);
    x.empty("a:ea", &[at("typeface", format!("+{fonts}-ea"))]);
    x.empty("a:cs", &[at("typeface", format!("+{fonts}-cs"))]);
    x.close("a:defRPr");
}

fn level(x: &mut Xml, n: u8, size: u32, fonts: &str, bullet: bool) {
    let name = format!("a:lvl{n}pPr");
    let mar = if bullet { 228_600 * u32::from(n) } else { 0 };
    let mut attrs = vec![at("marL", mar)];
    if bullet {
        attrs.push(at("indent", -228_600));
    }
    attrs.extend([
        at("algn", "l"),
        at("defTabSz", 914_400),
        at("rtl", 0),
        at("eaLnBrk", 1),
        at("latinLnBrk", 0),
        at("hangingPunct", 1),
    ]);
    x.open(&name, &attrs);
    if bullet {
        x.empty("a:buFont", &[at("typeface", "Arial")]);
        x.empty("a:buChar", &[at("char", "•")]);
    } else {
        x.empty("a:buNone", &[]);
    }
    def_rpr(x, size, fonts);
    x.close(&name);
}

/// Geometry of the master's placeholders for a slide of `w`×`h` points.
struct Frames {
    title: (f32, f32, f32, f32),
    body: (f32, f32, f32, f32),
}

fn frames(w: f32, h: f32) -> Frames {
    let m = w * 0.05;
    Frames {
        title: (m, h * 0.05, w - 2.0 * m, h * 0.15),
        body: (m, h * 0.24, w - 2.0 * m, h * 0.68),
    }
}

fn ph_with_frame(
    x: &mut Xml,
    id: u32,
    name: &str,
    kind: &str,
    idx: Option<u32>,
    f: (f32, f32, f32, f32),
    prompt: &str,
) {
    placeholder(x, id, name, kind, idx);
    x.open("p:spPr", &[]);
    xfrm(x, f.0, f.1, f.2, f.3);
    x.close("p:spPr");
    x.open("p:txBody", &[]);
    x.empty("a:bodyPr", &[]);
    x.empty("a:lstStyle", &[]);
    x.open("a:p", &[]);
    x.open("a:r", &[]);
    x.empty("a:rPr", &[at("lang", "en-US")]);
    x.text_elem("a:t", &[], prompt);
    x.close("a:r");
    x.close("a:p");
    x.close("p:txBody");
    x.close("p:sp");
}

/// A master's background: the theme's first background fill in `bg1`.
fn theme_background(x: &mut Xml) {
    x.open("p:bg", &[]);
    x.open("p:bgRef", &[at("idx", 1001)]);
    x.empty("a:schemeClr", &[at("val", "bg1")]);
    x.close("p:bgRef");
    x.close("p:bg");
}

/// The slide master: title and body placeholders, text styles in the
/// theme fonts, and the list of layouts (relationship ids `layout_rids`).
pub fn master_xml(w: f32, h: f32, layout_rids: &[String]) -> Result<Vec<u8>, PptxError> {
    let f = frames(w, h);
    let mut x = Xml::new();
    open_root(&mut x, "p:sldMaster", &[]);
    x.open("p:cSld", &[]);
    theme_background(&mut x);
    tree_start(&mut x);
    ph_with_frame(
        &mut x,
        2,
        "Title Placeholder 1",
        "title",
        None,
        f.title,
        "Title",
    );
    ph_with_frame(
        &mut x,
        3,
        "Text Placeholder 2",
        "body",
        Some(1),
        f.body,
        "Text",
    );
    x.close("p:spTree");
    x.close("p:cSld");
    clr_map(&mut x, "p:clrMap");
    x.open("p:sldLayoutIdLst", &[]);
    for (i, rid) in layout_rids.iter().enumerate() {
        // Master and layout ids share one space from 2^31 up.
        x.empty(
            "p:sldLayoutId",
            &[at("id", 2_147_483_649u64 + i as u64), at("r:id", rid)],
        );
    }
    x.close("p:sldLayoutIdLst");
    x.open("p:txStyles", &[]);
    x.open("p:titleStyle", &[]);
    level(&mut x, 1, 3200, "mj", false);
    x.close("p:titleStyle");
    x.open("p:bodyStyle", &[]);
    for n in 1..=9 {
        level(&mut x, n, 2000, "mn", true);
    }
    x.close("p:bodyStyle");
    x.open("p:otherStyle", &[]);
    level(&mut x, 1, 1800, "mn", false);
    x.close("p:otherStyle");
    x.close("p:txStyles");
    x.close("p:sldMaster");
    Ok(x.finish()?)
}

/// The layouts we offer, by `p:sldLayout/@type`, with their names.
pub const LAYOUTS: [(&str, &str); 4] = [
    ("title", "Title Slide"),
    ("titleOnly", "Title Only"),
    ("secHead", "Section Header"),
    ("blank", "Blank"),
];

/// The type of a layout's title placeholder (`p:ph/@type`), if it has one.
/// A slide's title block takes that type, so it is the slide's title.
pub fn title_placeholder(layout: &str) -> Option<&'static str> {
    match layout {
        "title" => Some("ctrTitle"),
        "titleOnly" | "secHead" => Some("title"),
        _ => None,
    }
}

pub fn layout_xml(kind: &str, name: &str, w: f32, h: f32) -> Result<Vec<u8>, PptxError> {
    let f = frames(w, h);
    let mut x = Xml::new();
    open_root(
        &mut x,
        "p:sldLayout",
        &[at("type", kind), at("preserve", 1)],
    );
    x.open("p:cSld", &[at("name", name)]);
    tree_start(&mut x);
    match kind {
        "title" | "secHead" => {
            let (l, _, cw, _) = f.title;
            ph_with_frame(
                &mut x,
                2,
                "Title 1",
                title_placeholder(kind).unwrap_or("title"),
                None,
                (l, h * 0.3, cw, h * 0.2),
                "Title",
            );
            let sub_kind = if kind == "title" { "subTitle" } else { "body" };
            ph_with_frame(
                &mut x,
                3,
                "Subtitle 2",
                sub_kind,
                Some(1),
                (l, h * 0.52, cw, h * 0.15),
                "Subtitle",
            );
        }
        "titleOnly" => ph_with_frame(&mut x, 2, "Title 1", "title", None, f.title, "Title"),
        _ => {}
    }
    x.close("p:spTree");
    x.close("p:cSld");
    x.open("p:clrMapOvr", &[]);
    x.empty("a:masterClrMapping", &[]);
    x.close("p:clrMapOvr");
    x.close("p:sldLayout");
    Ok(x.finish()?)
}

/// Notes page size (portrait, 7.5 × 10 in) in EMU.
pub const NOTES_SIZE: (i64, i64) = (6_858_000, 9_144_000);

/// The notes master: slide image and notes body placeholders.
pub fn notes_master_xml(slide_w: f32, slide_h: f32) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    open_root(&mut x, "p:notesMaster", &[]);
    x.open("p:cSld", &[]);
    theme_background(&mut x);
    tree_start(&mut x);
    // Points of the notes page: 540 × 720.
    let (pw, ph) = (540.0f32, 720.0f32);
    let img_w = pw * 0.8;
    let img_h = if slide_w > 0.0 {
        img_w * slide_h / slide_w
    } else {
        img_w * 0.5625
    };
    placeholder(&mut x, 2, "Slide Image Placeholder 1", "sldImg", Some(2));
    x.open("p:spPr", &[]);
    xfrm(&mut x, pw * 0.1, ph * 0.09, img_w, img_h);
    x.close("p:spPr");
    x.close("p:sp");
    ph_with_frame(
        &mut x,
        3,
        "Notes Placeholder 2",
        "body",
        Some(3),
        (pw * 0.1, ph * 0.48, pw * 0.8, ph * 0.4),
        "Notes",
    );
    x.close("p:spTree");
    x.close("p:cSld");
    clr_map(&mut x, "p:clrMap");
    x.open("p:notesStyle", &[]);
    level(&mut x, 1, 1200, "mn", false);
    x.close("p:notesStyle");
    x.close("p:notesMaster");
    Ok(x.finish()?)
}

/// An embedded face as presentation.xml lists it.
pub struct EmbeddedFace {
    pub typeface: String,
    pub panose: Option<String>,
    pub japanese: bool,
    pub regular: Option<String>,
    pub bold: Option<String>,
}

pub struct PresentationSpec<'a> {
    pub master_rid: &'a str,
    pub notes_master_rid: Option<&'a str>,
    pub slide_rids: &'a [String],
    pub width: f32,
    pub height: f32,
    pub fonts: &'a [EmbeddedFace],
}

pub fn presentation_xml(s: &PresentationSpec<'_>) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    let mut attrs = Vec::new();
    if !s.fonts.is_empty() {
        // Subsets of TrueType faces: PowerPoint keeps them on save only with
        // both flags set.
        attrs.push(at("saveSubsetFonts", 1));
        attrs.push(at("embedTrueTypeFonts", 1));
    }
    open_root(&mut x, "p:presentation", &attrs);
    x.open("p:sldMasterIdLst", &[]);
    x.empty(
        "p:sldMasterId",
        &[at("id", 2_147_483_648u64), at("r:id", s.master_rid)],
    );
    x.close("p:sldMasterIdLst");
    if let Some(rid) = s.notes_master_rid {
        x.open("p:notesMasterIdLst", &[]);
        x.empty("p:notesMasterId", &[at("r:id", rid)]);
        x.close("p:notesMasterIdLst");
    }
    if !s.slide_rids.is_empty() {
        x.open("p:sldIdLst", &[]);
        for (i, rid) in s.slide_rids.iter().enumerate() {
            x.empty("p:sldId", &[at("id", 256 + i), at("r:id", rid)]);
        }
        x.close("p:sldIdLst");
    }
    // ST_SlideSizeCoordinate: 1–56 inches.
    let size = |pt: f32| emu(pt).clamp(914_400, 51_206_400);
    x.empty(
        "p:sldSz",
        &[at("cx", size(s.width)), at("cy", size(s.height))],
    );
    x.empty(
        "p:notesSz",
        &[at("cx", NOTES_SIZE.0), at("cy", NOTES_SIZE.1)],
    );
    if !s.fonts.is_empty() {
        x.open("p:embeddedFontLst", &[]);
        for f in s.fonts {
            x.open("p:embeddedFont", &[]);
            let mut attrs = vec![at("typeface", &f.typeface)];
            if let Some(p) = &f.panose {
                attrs.push(at("panose", p));
            }
            if f.japanese {
                // SHIFTJIS_CHARSET (128) as the signed byte Office writes.
                attrs.push(at("charset", -128));
            }
            x.empty("p:font", &attrs);
            if let Some(rid) = &f.regular {
                x.empty("p:regular", &[at("r:id", rid)]);
            }
            if let Some(rid) = &f.bold {
                x.empty("p:bold", &[at("r:id", rid)]);
            }
            x.close("p:embeddedFont");
        }
        x.close("p:embeddedFontLst");
    }
    x.open("p:defaultTextStyle", &[]);
    for n in 1..=9 {
        level(&mut x, n, 1800, "mn", false);
    }
    x.close("p:defaultTextStyle");
    x.close("p:presentation");
    Ok(x.finish()?)
}

pub fn pres_props_xml() -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    open_root(&mut x, "p:presentationPr", &[]);
    x.close("p:presentationPr");
    Ok(x.finish()?)
}

pub fn view_props_xml() -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    open_root(&mut x, "p:viewPr", &[]);
    x.open("p:normalViewPr", &[]);
    x.empty("p:restoredLeft", &[at("sz", 15620)]);
    x.empty("p:restoredTop", &[at("sz", 94660)]);
    x.close("p:normalViewPr");
    x.close("p:viewPr");
    Ok(x.finish()?)
}

pub fn table_styles_xml() -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    // The default is Office's "Medium Style 2 - Accent 1", which every
    // consumer knows without a definition.
    x.empty(
        "a:tblStyleLst",
        &[
            at("xmlns:a", NS_A),
            at("def", "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"),
        ],
    );
    Ok(x.finish()?)
}

/// The deck's timestamp: `meta.timestamp`, else midnight UTC of `meta.date`.
pub fn deck_time(meta: &Meta) -> Option<(i64, u32, u32, u32, u32, u32)> {
    if let Some(ts) = meta.timestamp {
        return Some(crate::pages::civil(ts));
    }
    let d = meta.date.as_deref()?;
    let mut it = d.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let day: u32 = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&day)).then_some((y, m, day, 0, 0, 0))
}

pub fn core_xml(meta: &Meta, lang: &str) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    x.open(
        "cp:coreProperties",
        &[
            at(
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            at("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            at("xmlns:dcterms", "http://purl.org/dc/terms/"),
            at("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            at("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    x.text_elem("dc:title", &[], &meta.title);
    if let Some(s) = meta.subject.as_deref().filter(|s| !s.is_empty()) {
        x.text_elem("dc:subject", &[], s);
    }
    if let Some(a) = meta.author.as_deref().filter(|s| !s.is_empty()) {
        x.text_elem("dc:creator", &[], a);
        x.text_elem("cp:lastModifiedBy", &[], a);
    }
    if !meta.keywords.is_empty() {
        x.text_elem("cp:keywords", &[], &meta.keywords.join(", "));
    }
    x.text_elem("dc:language", &[], lang);
    if let Some((y, mo, d, h, mi, s)) = deck_time(meta) {
        let stamp = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
        for el in ["dcterms:created", "dcterms:modified"] {
            x.text_elem(el, &[at("xsi:type", "dcterms:W3CDTF")], &stamp);
        }
    }
    x.close("cp:coreProperties");
    Ok(x.finish()?)
}

pub fn app_xml(slides: usize, notes: usize, format: &str) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    x.open(
        "Properties",
        &[
            at(
                "xmlns",
                "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
            ),
            at(
                "xmlns:vt",
                "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
            ),
        ],
    );
    x.text_elem("Application", &[], "surveydeck");
    x.text_elem("PresentationFormat", &[], format);
    x.text_elem("Slides", &[], &slides.to_string());
    x.text_elem("Notes", &[], &notes.to_string());
    x.text_elem("HiddenSlides", &[], "0");
    x.text_elem("ScaleCrop", &[], "false");
    x.text_elem("LinksUpToDate", &[], "false");
    x.text_elem("SharedDoc", &[], "false");
    x.text_elem("HyperlinksChanged", &[], "false");
    x.close("Properties");
    Ok(x.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deck_time_prefers_the_timestamp_and_parses_dates() {
        let mut meta = Meta {
            title: String::new(),
            author: None,
            subject: None,
            keywords: vec![],
            language: "ja".into(),
            date: Some("2020-10-07".into()),
            timestamp: None,
        };
        assert_eq!(deck_time(&meta), Some((2020, 10, 7, 0, 0, 0)));
        meta.timestamp = Some(0);
        assert_eq!(deck_time(&meta), Some((1970, 1, 1, 0, 0, 0)));
        meta.timestamp = None;
        meta.date = Some("soon".into());
        assert_eq!(deck_time(&meta), None);
    }
}
