//! Slide and notes-slide parts: one slide per page, items in painting order.

use super::PptxError;
use super::package::{Rels, rel};
use super::text::{Faces, TextCtx, emu, write_text_box};
use super::xml::{Attr, NS_A, NS_P, NS_R, Xml, at};
use crate::pages::{ImageItem, Item, Page, Role, Shape, ShapeRole};

/// `<a:xfrm>` for a frame in points. Sizes are clamped to be non-negative
/// (ST_PositiveCoordinate).
pub fn xfrm(x: &mut Xml, left: f32, top: f32, w: f32, h: f32) {
    x.open("a:xfrm", &[]);
    x.empty("a:off", &[at("x", emu(left)), at("y", emu(top))]);
    x.empty("a:ext", &[at("cx", emu(w).max(0)), at("cy", emu(h).max(0))]);
    x.close("a:xfrm");
}

/// `<a:prstGeom>` with an optional `adj` guide (roundRect's corner).
pub fn prst_geom(x: &mut Xml, prst: &str, adj: Option<i64>) {
    x.open("a:prstGeom", &[at("prst", prst)]);
    match adj {
        Some(v) => {
            x.open("a:avLst", &[]);
            x.empty("a:gd", &[at("name", "adj"), at("fmla", format!("val {v}"))]);
            x.close("a:avLst");
        }
        None => x.empty("a:avLst", &[]),
    }
    x.close("a:prstGeom");
}

/// Opens a PresentationML root element with the three usual namespaces and
/// `extra` attributes.
pub fn open_root(x: &mut Xml, name: &str, extra: &[Attr<'_>]) {
    let mut attrs = vec![
        at("xmlns:a", NS_A),
        at("xmlns:r", NS_R),
        at("xmlns:p", NS_P),
    ];
    attrs.extend(extra.iter().cloned());
    x.open(name, &attrs);
}

/// The group shape properties every shape tree starts with.
pub fn tree_start(x: &mut Xml) {
    x.open("p:spTree", &[]);
    x.open("p:nvGrpSpPr", &[]);
    x.empty("p:cNvPr", &[at("id", 1), at("name", "")]);
    x.empty("p:cNvGrpSpPr", &[]);
    x.empty("p:nvPr", &[]);
    x.close("p:nvGrpSpPr");
    x.open("p:grpSpPr", &[]);
    x.open("a:xfrm", &[]);
    x.empty("a:off", &[at("x", 0), at("y", 0)]);
    x.empty("a:ext", &[at("cx", 0), at("cy", 0)]);
    x.empty("a:chOff", &[at("x", 0), at("y", 0)]);
    x.empty("a:chExt", &[at("cx", 0), at("cy", 0)]);
    x.close("a:xfrm");
    x.close("p:grpSpPr");
}

/// Everything a slide part needs besides its page.
pub struct SlideCtx<'a> {
    pub faces: &'a Faces<'a>,
    /// Package path of each page's slide.
    pub slide_parts: &'a [String],
    /// Package path of each `Document::images` entry (None: not embeddable).
    pub image_parts: &'a [Option<String>],
    pub lang: &'a str,
    /// The slides' content area (see `room::content_area`).
    pub content: crate::pages::Rect,
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Title => "Title",
        Role::Subtitle => "Subtitle",
        Role::Label => "Label",
        Role::Body => "Body",
        Role::Callout => "Callout",
        Role::Caption => "Caption",
        Role::Note => "Note",
        Role::Badge => "Badge",
        Role::Footer => "Footer",
        Role::SlideNumber => "Slide Number",
    }
}

fn shape_name(role: ShapeRole) -> &'static str {
    match role {
        ShapeRole::Band => "Band",
        ShapeRole::Rule => "Rule",
        ShapeRole::Callout => "Callout Box",
        ShapeRole::Badge => "Badge Box",
        ShapeRole::Frame => "Frame",
        ShapeRole::Code => "QR Code",
    }
}

/// The slide part for `page`; `rels` already holds the layout relationship
/// and receives images and links. The page's first title block becomes the
/// layout's title placeholder of type `title_ph` (our position and
/// formatting override the layout's), so outline views, accessibility
/// checkers and scripts find the slide's title.
pub fn slide_xml(
    page: &Page,
    rels: &mut Rels,
    cx: &SlideCtx<'_>,
    title_ph: Option<&str>,
) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    open_root(&mut x, "p:sld", &[]);
    let name = page.title.trim();
    if name.is_empty() {
        x.open("p:cSld", &[]);
    } else {
        x.open("p:cSld", &[at("name", name)]);
    }
    x.open("p:bg", &[]);
    x.open("p:bgPr", &[]);
    x.solid_fill(&page.background.hex());
    x.empty("a:effectLst", &[]);
    x.close("p:bgPr");
    x.close("p:bg");
    tree_start(&mut x);
    let mut id = 2u32;
    let mut title_ph = title_ph;
    let rooms = super::room::rooms(page, cx.content);
    for (item, room) in page.items.iter().zip(rooms) {
        match item {
            Item::Text(block) => {
                let name = format!("{} {}", role_name(block.role), id - 1);
                let mut tcx = TextCtx {
                    faces: cx.faces,
                    rels,
                    slide_parts: cx.slide_parts,
                    lang: cx.lang,
                    room: room.unwrap_or(block.rect),
                };
                let ph = if block.role == Role::Title {
                    title_ph.take()
                } else {
                    None
                };
                write_text_box(&mut x, id, &name, ph, block, &mut tcx);
            }
            Item::Shape(shape) => write_shape(&mut x, id, shape),
            Item::Image(img) => {
                // An image the document does not hold is skipped, not fatal.
                let Some(Some(part)) = cx.image_parts.get(img.image) else {
                    continue;
                };
                let rid = rels.add(rel::IMAGE, part);
                write_picture(&mut x, id, img, &rid);
            }
        }
        id += 1;
    }
    x.close("p:spTree");
    x.close("p:cSld");
    x.open("p:clrMapOvr", &[]);
    x.empty("a:masterClrMapping", &[]);
    x.close("p:clrMapOvr");
    x.close("p:sld");
    Ok(x.finish()?)
}

fn write_shape(x: &mut Xml, id: u32, s: &Shape) {
    let r = s.rect;
    x.open("p:sp", &[]);
    x.open("p:nvSpPr", &[]);
    x.empty(
        "p:cNvPr",
        &[
            at("id", id),
            at("name", format!("{} {}", shape_name(s.role), id - 1)),
        ],
    );
    x.empty("p:cNvSpPr", &[]);
    x.empty("p:nvPr", &[]);
    x.close("p:nvSpPr");
    x.open("p:spPr", &[]);
    xfrm(x, r.x, r.y, r.w, r.h);
    let short = r.w.min(r.h);
    if s.radius > 0.0 && short > 0.0 {
        // roundRect's adj is the radius as a fraction of the shorter side.
        let adj = (f64::from(s.radius / short) * 100_000.0)
            .round()
            .clamp(0.0, 50_000.0);
        prst_geom(x, "roundRect", Some(adj as i64));
    } else {
        prst_geom(x, "rect", None);
    }
    match s.fill {
        Some(c) => x.solid_fill(&c.hex()),
        None => x.empty("a:noFill", &[]),
    }
    match s.stroke {
        Some((c, w)) if w > 0.0 => {
            // ST_LineWidth: 0–20116800 EMU.
            x.open("a:ln", &[at("w", emu(w).clamp(0, 20_116_800))]);
            x.solid_fill(&c.hex());
            x.close("a:ln");
        }
        _ => {
            x.open("a:ln", &[]);
            x.empty("a:noFill", &[]);
            x.close("a:ln");
        }
    }
    x.close("p:spPr");
    x.close("p:sp");
}

fn write_picture(x: &mut Xml, id: u32, img: &ImageItem, rid: &str) {
    let r = img.rect;
    x.open("p:pic", &[]);
    x.open("p:nvPicPr", &[]);
    let mut attrs = vec![at("id", id), at("name", format!("Picture {}", id - 1))];
    if let Some(alt) = img.alt.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        attrs.push(at("descr", alt));
    }
    x.empty("p:cNvPr", &attrs);
    x.open("p:cNvPicPr", &[]);
    x.empty("a:picLocks", &[at("noChangeAspect", 1)]);
    x.close("p:cNvPicPr");
    x.empty("p:nvPr", &[]);
    x.close("p:nvPicPr");
    x.open("p:blipFill", &[]);
    x.empty("a:blip", &[at("r:embed", rid)]);
    x.open("a:stretch", &[]);
    x.empty("a:fillRect", &[]);
    x.close("a:stretch");
    x.close("p:blipFill");
    x.open("p:spPr", &[]);
    xfrm(x, r.x, r.y, r.w, r.h);
    prst_geom(x, "rect", None);
    x.close("p:spPr");
    x.close("p:pic");
}

/// The notes slide for a page's speaker notes: the slide image and a body
/// placeholder holding one paragraph per line of the notes (with whether it
/// is right to left).
pub fn notes_xml<'a>(
    lines: impl Iterator<Item = (&'a str, bool)>,
    lang: &str,
) -> Result<Vec<u8>, PptxError> {
    let mut x = Xml::new();
    open_root(&mut x, "p:notes", &[]);
    x.open("p:cSld", &[]);
    tree_start(&mut x);
    placeholder(&mut x, 2, "Slide Image Placeholder 1", "sldImg", None);
    x.empty("p:spPr", &[]);
    x.close("p:sp");
    placeholder(&mut x, 3, "Notes Placeholder 2", "body", Some(1));
    x.empty("p:spPr", &[]);
    x.open("p:txBody", &[]);
    x.empty("a:bodyPr", &[]);
    x.empty("a:lstStyle", &[]);
    for (line, rtl) in lines {
        x.open("a:p", &[]);
        if rtl {
            x.empty("a:pPr", &[at("algn", "r"), at("rtl", 1)]);
        }
        if !line.is_empty() {
            x.open("a:r", &[]);
            x.empty(
                "a:rPr",
                &[at("lang", lang), at("altLang", "en-US"), at("dirty", 0)],
            );
            x.text_elem("a:t", &[], line);
            x.close("a:r");
        }
        x.empty("a:endParaRPr", &[at("lang", lang), at("altLang", "en-US")]);
        x.close("a:p");
    }
    x.close("p:txBody");
    x.close("p:sp");
    x.close("p:spTree");
    x.close("p:cSld");
    x.open("p:clrMapOvr", &[]);
    x.empty("a:masterClrMapping", &[]);
    x.close("p:clrMapOvr");
    x.close("p:notes");
    Ok(x.finish()?)
}

/// Opens a `p:sp` placeholder up to (not including) its `p:spPr`.
pub fn placeholder(x: &mut Xml, id: u32, name: &str, kind: &str, idx: Option<u32>) {
    x.open("p:sp", &[]);
    x.open("p:nvSpPr", &[]);
    x.empty("p:cNvPr", &[at("id", id), at("name", name)]);
    x.open("p:cNvSpPr", &[]);
    if kind == "sldImg" {
        x.empty(
            "a:spLocks",
            &[at("noGrp", 1), at("noRot", 1), at("noChangeAspect", 1)],
        );
    } else {
        x.empty("a:spLocks", &[at("noGrp", 1)]);
    }
    x.close("p:cNvSpPr");
    x.open("p:nvPr", &[]);
    let mut attrs = vec![at("type", kind)];
    if let Some(i) = idx {
        attrs.push(at("idx", i));
    }
    x.empty("p:ph", &attrs);
    x.close("p:nvPr");
    x.close("p:nvSpPr");
}
