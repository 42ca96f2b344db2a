//! PDF writer: the pages model drawn with krilla. Fonts are embedded as
//! subsets with ToUnicode built from our text, so copied text is exact.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::destination::XyzDestination;
use krilla::geom::{Path, PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::Outline;
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::pages::{self, Color, Document as Pages, ImageFormat, Item, Link, OutlineNode, Rect};

#[derive(Debug, Clone, Default)]
pub struct PdfOptions {}

/// Resources shared by every page of one PDF: each font and image is
/// registered once so krilla writes it once.
pub struct Resources {
    fonts: HashMap<usize, Font>,
    images: HashMap<usize, Image>,
}

impl Resources {
    pub fn new() -> Self {
        Resources {
            fonts: HashMap::new(),
            images: HashMap::new(),
        }
    }

    fn font(&mut self, doc: &Pages, i: usize) -> Option<Font> {
        if let Some(f) = self.fonts.get(&i) {
            return Some(f.clone());
        }
        let data: &'static [u8] = doc.fonts.get(i)?.data;
        let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data);
        let f = Font::new(bytes.into(), 0)?;
        self.fonts.insert(i, f.clone());
        Some(f)
    }

    fn image(&mut self, doc: &Pages, i: usize) -> Result<Image, String> {
        if let Some(img) = self.images.get(&i) {
            return Ok(img.clone());
        }
        let d = doc.images.get(i).ok_or("missing image")?;
        let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = d.bytes.clone();
        // JPEG goes in as it is (DCT passthrough); PNG is re-compressed losslessly.
        let img = match d.format {
            ImageFormat::Jpeg => Image::from_jpeg(bytes.into(), true),
            ImageFormat::Png => Image::from_png(bytes.into(), true),
        }
        .map_err(|e| format!("{}: {e}", d.path.display()))?;
        self.images.insert(i, img.clone());
        Ok(img)
    }
}

impl Default for Resources {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes the whole document as a PDF.
pub fn write_pdf(doc: &Pages, _opts: &PdfOptions) -> Result<Vec<u8>, String> {
    let settings = krilla::SerializeSettings {
        enable_tagging: false,
        ..Default::default()
    };
    let mut pdf = Document::new_with(settings);
    let mut res = Resources::new();
    for (i, page) in doc.pages.iter().enumerate() {
        let size = Size::from_wh(doc.width, doc.height).ok_or("invalid page size")?;
        let mut settings = PageSettings::new(size);
        if i == 0 {
            settings = settings.with_page_label(PageLabel::new(
                Some(NumberingStyle::Arabic),
                None,
                NonZeroU32::new(1),
            ));
        }
        let mut p = pdf.start_page_with(settings);
        let links = {
            let mut s = p.surface();
            let links = draw_page(&mut s, doc, page, &mut res, Transform::identity())?;
            s.finish();
            links
        };
        for (rect, link) in links {
            if let Some(a) = annotation(rect, &link) {
                p.add_annotation(a);
            }
        }
        p.finish();
    }
    pdf.set_outline(outline(&doc.outline));
    pdf.set_metadata(metadata(&doc.meta));
    pdf.finish()
        .map_err(|e| format!("PDF serialisation failed: {e:?}"))
}

pub fn metadata(m: &pages::Meta) -> Metadata {
    let mut md = Metadata::new()
        .title(m.title.clone())
        .language(m.language.clone())
        .creator("surveydeck".into())
        .keywords(m.keywords.clone());
    if let Some(a) = &m.author {
        md = md.authors(vec![a.clone()]);
    }
    if let Some(s) = &m.subject {
        md = md.description(s.clone());
    }
    if let Some(ts) = m.timestamp {
        let (y, mo, d, h, mi, s) = civil(ts);
        md = md.creation_date(
            DateTime::new(y)
                .month(mo)
                .day(d)
                .hour(h)
                .minute(mi)
                .second(s)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    }
    md
}

/// Unix seconds → UTC calendar date and time (Howard Hinnant's algorithm).
fn civil(ts: i64) -> (u16, u8, u8, u8, u8, u8) {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let c = |v: i64| u8::try_from(v).unwrap_or(0);
    (
        u16::try_from(y.clamp(0, 9999)).unwrap_or(1970),
        c(m),
        c(d),
        c(secs / 3600),
        c(secs % 3600 / 60),
        c(secs % 60),
    )
}

fn outline(nodes: &[OutlineNode]) -> Outline {
    fn node(n: &OutlineNode) -> krilla::outline::OutlineNode {
        let mut k = krilla::outline::OutlineNode::new(
            n.title.clone(),
            XyzDestination::new(n.page, Point::from_xy(0.0, 0.0)),
        );
        for c in &n.children {
            k.push_child(node(c));
        }
        k
    }
    let mut o = Outline::new();
    for n in nodes {
        o.push_child(node(n));
    }
    o
}

pub fn annotation(rect: Rect, link: &Link) -> Option<Annotation> {
    let r = krilla::geom::Rect::from_xywh(rect.x, rect.y, rect.w.max(0.1), rect.h.max(0.1))?;
    let target = match link {
        Link::Url(u) => Target::Action(LinkAction::new(u.clone()).into()),
        Link::Page(p) => {
            Target::Destination(XyzDestination::new(*p, Point::from_xy(0.0, 0.0)).into())
        }
    };
    Some(Annotation::new_link(LinkAnnotation::new(r, target), None))
}

fn fill(c: Color) -> Fill {
    Fill {
        paint: krilla::color::rgb::Color::new(c.0, c.1, c.2).into(),
        ..Default::default()
    }
}

fn rect_path(r: Rect, radius: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    let rad = radius.min(r.w / 2.0).min(r.h / 2.0);
    if rad <= 0.0 {
        pb.push_rect(krilla::geom::Rect::from_xywh(r.x, r.y, r.w, r.h)?);
    } else {
        // Quarter circles as cubics (the usual 0.5523 handle length).
        let k = rad * 0.552_284_8;
        let (x0, y0, x1, y1) = (r.x, r.y, r.right(), r.bottom());
        pb.move_to(x0 + rad, y0);
        pb.line_to(x1 - rad, y0);
        pb.cubic_to(x1 - rad + k, y0, x1, y0 + rad - k, x1, y0 + rad);
        pb.line_to(x1, y1 - rad);
        pb.cubic_to(x1, y1 - rad + k, x1 - rad + k, y1, x1 - rad, y1);
        pb.line_to(x0 + rad, y1);
        pb.cubic_to(x0 + rad - k, y1, x0, y1 - rad + k, x0, y1 - rad);
        pb.line_to(x0, y0 + rad);
        pb.cubic_to(x0, y0 + rad - k, x0 + rad - k, y0, x0 + rad, y0);
        pb.close();
    }
    pb.finish()
}

/// Draws one page's items (under `transform`, for handouts) and returns the
/// link areas in the surface's coordinates.
pub fn draw_page(
    s: &mut Surface,
    doc: &Pages,
    page: &pages::Page,
    res: &mut Resources,
    transform: Transform,
) -> Result<Vec<(Rect, Link)>, String> {
    let mut links = Vec::new();
    s.push_transform(&transform);
    if page.background != Color(255, 255, 255)
        && let Some(p) = rect_path(Rect::new(0.0, 0.0, doc.width, doc.height), 0.0)
    {
        s.set_fill(Some(fill(page.background)));
        s.set_stroke(None);
        s.draw_path(&p);
    }
    for item in &page.items {
        match item {
            Item::Shape(sh) => {
                let Some(p) = rect_path(sh.rect, sh.radius) else {
                    continue;
                };
                s.set_fill(sh.fill.map(fill));
                s.set_stroke(sh.stroke.map(|(c, w)| Stroke {
                    paint: krilla::color::rgb::Color::new(c.0, c.1, c.2).into(),
                    width: w,
                    ..Default::default()
                }));
                s.draw_path(&p);
                s.set_stroke(None);
            }
            Item::Image(im) => {
                let img = res.image(doc, im.image)?;
                let Some(size) = Size::from_wh(im.rect.w, im.rect.h) else {
                    continue;
                };
                s.push_transform(&Transform::from_translate(im.rect.x, im.rect.y));
                s.draw_image(img, size);
                s.pop();
            }
            Item::Text(t) => {
                for p in &t.paragraphs {
                    if let Some(m) = &p.marker {
                        draw_run(s, doc, m, res)?;
                    }
                    for r in p.lines.iter().flat_map(|l| l.runs.iter()) {
                        draw_run(s, doc, r, res)?;
                        if let Some(l) = &r.link {
                            links.push((map_rect(&transform, r.rect()), l.clone()));
                        }
                    }
                }
            }
        }
    }
    s.pop();
    Ok(merge_links(links))
}

/// Adjacent areas with the same target become one (a URL split over runs).
fn merge_links(links: Vec<(Rect, Link)>) -> Vec<(Rect, Link)> {
    let mut out: Vec<(Rect, Link)> = Vec::new();
    for (r, l) in links {
        if let Some((pr, pl)) = out.last_mut()
            && *pl == l
            && (pr.y - r.y).abs() < 0.5
            && (pr.right() - r.x).abs() < 1.0
        {
            pr.w = r.right() - pr.x;
            pr.h = pr.h.max(r.h);
            continue;
        }
        out.push((r, l));
    }
    out
}

fn map_rect(t: &Transform, r: Rect) -> Rect {
    let (sx, sy, tx, ty) = (t.sx(), t.sy(), t.tx(), t.ty());
    Rect::new(r.x * sx + tx, r.y * sy + ty, r.w * sx, r.h * sy)
}

fn draw_run(
    s: &mut Surface,
    doc: &Pages,
    r: &pages::GlyphRun,
    res: &mut Resources,
) -> Result<(), String> {
    if r.glyphs.is_empty() {
        return Ok(());
    }
    let font = res
        .font(doc, r.font)
        .ok_or("a bundled font could not be loaded")?;
    let size = r.size;
    let glyphs: Vec<KrillaGlyph> = r
        .glyphs
        .iter()
        .map(|g| {
            KrillaGlyph::new(
                GlyphId::new(u32::from(g.id)),
                g.advance / size,
                g.dx / size,
                g.dy / size,
                0.0,
                g.start as usize..g.end as usize,
                None,
            )
        })
        .collect();
    s.set_fill(Some(fill(r.color)));
    s.set_stroke(None);
    if r.italic {
        // No italic face is bundled: slant the upright glyphs about the baseline.
        // x' = x - 0.2 (y - baseline): y grows downwards, so the tops lean right.
        let t = Transform::from_row(1.0, 0.0, -0.2, 1.0, 0.2 * r.baseline, 0.0);
        s.push_transform(&t);
        s.draw_glyphs(
            Point::from_xy(r.x, r.baseline),
            &glyphs,
            font,
            &r.text,
            size,
            false,
        );
        s.pop();
    } else {
        s.draw_glyphs(
            Point::from_xy(r.x, r.baseline),
            &glyphs,
            font,
            &r.text,
            size,
            false,
        );
    }
    Ok(())
}
