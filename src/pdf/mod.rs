//! PDF writer: the pages model drawn with krilla. Fonts are embedded as
//! subsets with ToUnicode built from our text, so copied text is exact.

mod png;
mod reversed;
mod spacing;

use std::collections::HashMap;
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64};
use std::sync::Arc;

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, ValidationError};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{Path, PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::Outline;
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::pages::{
    self, Color, Document as Pages, ImageFormat, Item, Link, OutlineNode, Rect, Role, Seg,
};

/// A PDF standard to validate against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    Ua1,
    A2b,
    A2a,
    A2u,
}

#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Write a structure tree (tagged PDF). On by default.
    pub tagged: bool,
    pub standards: Vec<Standard>,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            tagged: true,
            standards: Vec::new(),
        }
    }
}

/// Resources shared by every page of one PDF: each font and image is
/// registered once so krilla writes it once.
struct Resources {
    fonts: HashMap<usize, Font>,
    /// The glyphs before a gap, and the wide face of each font that has
    /// some, with the new id of each of its glyphs (see `spacing`).
    gaps: HashMap<usize, Vec<bool>>,
    wide: HashMap<usize, (Font, HashMap<u16, u16>)>,
    images: HashMap<usize, Image>,
    /// Smooth upscaled images; PDF/A forbids the flag.
    interpolate: bool,
    /// PNGs passed through as they are (see `png`).
    carrier: Option<png::Carrier>,
}

/// How a figure is drawn: a krilla image, or a page of the carrier PDF.
enum Figure {
    Image(Image),
    Page(usize),
}

impl Resources {
    fn new() -> Self {
        Resources {
            fonts: HashMap::new(),
            gaps: HashMap::new(),
            wide: HashMap::new(),
            images: HashMap::new(),
            interpolate: true,
            carrier: None,
        }
    }

    fn font(&mut self, doc: &Pages, i: usize) -> Option<Font> {
        if let Some(f) = self.fonts.get(&i) {
            return Some(f.clone());
        }
        let info = doc.fonts.get(i)?;
        let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(info.data);
        let f = Font::new(bytes.into(), info.index)?;
        self.fonts.insert(i, f.clone());
        Some(f)
    }

    /// Makes the wide faces for the glyphs that come before a gap.
    fn widen(&mut self, doc: &Pages) {
        let plan = spacing::plan(doc);
        for (font, glyphs) in &plan.glyphs {
            let Some(info) = doc.fonts.get(*font) else {
                continue;
            };
            let Some((data, ids)) = spacing::wide_face(info.data, info.index, glyphs) else {
                continue;
            };
            let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data);
            if let Some(f) = Font::new(data.into(), 0) {
                self.wide.insert(*font, (f, ids));
            }
        }
        self.gaps = plan.runs;
    }

    fn image(&mut self, doc: &Pages, i: usize) -> Result<Figure, String> {
        if let Some(&page) = self.carrier.as_ref().and_then(|c| c.page_of.get(&i)) {
            return Ok(Figure::Page(page));
        }
        if let Some(img) = self.images.get(&i) {
            return Ok(Figure::Image(img.clone()));
        }
        let d = doc.images.get(i).ok_or("missing image")?;
        let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = d.bytes.clone();
        // JPEG goes in as it is (DCT passthrough); other PNGs are decoded and
        // re-compressed losslessly.
        let smooth = self.interpolate && !d.crisp;
        let img = match d.format {
            ImageFormat::Jpeg => Image::from_jpeg(bytes.into(), smooth),
            ImageFormat::Png => Image::from_png(bytes.into(), smooth),
        }
        .map_err(|e| format!("{}: {e}", d.path.display()))?;
        self.images.insert(i, img.clone());
        Ok(Figure::Image(img))
    }
}

/// Writes the whole document as a PDF.
pub fn write_pdf(doc: &Pages, opts: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    let mut builder = ConfigurationBuilder::new();
    for st in &opts.standards {
        builder = match st {
            Standard::Ua1 => builder.with_accessibility_validator(Accessibility::UA1),
            Standard::A2b => builder.with_archival_validator(Archival::A2_B),
            Standard::A2a => builder.with_archival_validator(Archival::A2_A),
            Standard::A2u => builder.with_archival_validator(Archival::A2_U),
        };
    }
    let configuration = builder.finish().map_err(|e| PdfError {
        message: format!("these PDF standards cannot be combined: {e:?}"),
        page: None,
    })?;
    let tagged = opts.tagged
        || opts
            .standards
            .iter()
            .any(|s| matches!(s, Standard::Ua1 | Standard::A2a));
    let settings = krilla::SerializeSettings {
        enable_tagging: tagged,
        configuration,
        ..Default::default()
    };
    let mut pdf = Document::new_with(settings);
    let mut res = Resources::new();
    res.widen(doc);
    res.interpolate = !opts
        .standards
        .iter()
        .any(|s| matches!(s, Standard::A2a | Standard::A2b | Standard::A2u));
    // The PDF standards we offer forbid embedded pages.
    if opts.standards.is_empty() {
        res.carrier = png::Carrier::new(&doc.images, res.interpolate);
    }
    // First pages of top-level outline entries carry level-1 headings.
    let sections: std::collections::BTreeSet<usize> = doc.outline.iter().map(|o| o.page).collect();
    let mut tree = TagTree::new().with_lang(Some(doc.meta.language.clone()));
    let err = |m: String| PdfError {
        message: m,
        page: None,
    };
    for (i, page) in doc.pages.iter().enumerate() {
        let size =
            Size::from_wh(doc.width, doc.height).ok_or_else(|| err("invalid page size".into()))?;
        let mut settings = PageSettings::new(size);
        if i == 0 {
            settings = settings.with_page_label(PageLabel::new(
                Some(NumberingStyle::Arabic),
                None,
                NonZeroU32::new(1),
            ));
        }
        let mut p = pdf.start_page_with(settings);
        let mut painter = Painter {
            doc,
            res: &mut res,
            tagged,
            links: Vec::new(),
        };
        let nodes = {
            let mut s = p.surface();
            // Validation errors carry this location back to the page.
            if let Some(loc) = NonZeroU64::new(i as u64 + 1) {
                s.set_location(loc);
            }
            let nodes = painter
                .page(&mut s, page, if sections.contains(&i) { 1 } else { 2 })
                .map_err(|m| PdfError {
                    message: m,
                    page: Some(i),
                })?;
            s.finish();
            nodes
        };
        let mut annots = Vec::new();
        for (rect, link) in std::mem::take(&mut painter.links) {
            let id = match annotation(rect, &link, tagged) {
                Some(a) if tagged => Some(p.add_tagged_annotation(a)),
                Some(a) => {
                    p.add_annotation(a);
                    None
                }
                None => None,
            };
            annots.push(id);
        }
        p.finish();
        if tagged && let Some(n) = TNode::Group(K::Sect, nodes).into_node(&annots) {
            tree.push(n);
        }
    }
    if tagged {
        pdf.set_tag_tree(tree);
    }
    pdf.set_outline(outline(&doc.outline));
    pdf.set_metadata(metadata(&doc.meta));
    pdf.finish().map_err(|e| describe(e, doc))
}

/// A PDF failure, with the page it concerns when known.
#[derive(Debug, Clone)]
pub struct PdfError {
    pub message: String,
    /// 0-based page index.
    pub page: Option<usize>,
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.page {
            Some(p) => write!(f, "slide {}: {}", p + 1, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for PdfError {}

/// Turns krilla's errors into messages a survey author can act on.
fn describe(e: KrillaError, doc: &Pages) -> PdfError {
    let page_of = |loc: Option<NonZeroU64>| {
        loc.map(|l| l.get() as usize - 1)
            .filter(|&p| p < doc.pages.len())
    };
    match e {
        KrillaError::Validation(list) => {
            let mut page = None;
            let msgs: Vec<String> = list
                .iter()
                .map(|(v, _)| {
                    let (msg, loc) = match v {
                        ValidationError::ContainsNotDefGlyph(_, loc, text) => (format!("the character(s) {text:?} have no glyph in the bundled fonts; replace them"), *loc),
                        ValidationError::MissingAltText(loc) => {
                            // The figure's own page, found from the pages when krilla has no location.
                            let found = doc.pages.iter().position(|p| p.items.iter().any(|i| matches!(i, Item::Image(im) if im.alt.is_none())));
                            let loc = loc.or_else(|| found.and_then(|p| NonZeroU64::new(p as u64 + 1)));
                            ("a figure has neither `alt` nor `caption`: add `alt:` to the figure".to_owned(), loc)
                        }
                        ValidationError::NoCodepointMapping(_, _, loc) => ("a glyph maps to no character".to_owned(), *loc),
                        other => plain_validation_error(other, doc),
                    };
                    if page.is_none() {
                        page = page_of(loc);
                    }
                    msg
                })
                .collect();
            let mut unique: Vec<String> = Vec::new();
            for m in msgs {
                if !unique.contains(&m) {
                    unique.push(m);
                }
            }
            PdfError {
                message: format!(
                    "the PDF does not meet the requested standard: {}",
                    unique.join("; ")
                ),
                page,
            }
        }
        other => PdfError {
            message: format!("PDF serialisation failed: {other:?}"),
            page: None,
        },
    }
}

/// A standard's other failures in the user's words, with the page they
/// concern (krilla's location, else the first page that shows the cause).
fn plain_validation_error(e: &ValidationError, doc: &Pages) -> (String, Option<NonZeroU64>) {
    use ValidationError as V;
    let first_image_page = || {
        doc.pages
            .iter()
            .position(|p| p.items.iter().any(|i| matches!(i, Item::Image(_))))
            .and_then(|p| NonZeroU64::new(p as u64 + 1))
    };
    let text = |s: &str| (s.to_owned(), None);
    match e {
        V::MissingCMYKProfile => (
            "a figure is in CMYK colours, which this standard allows only with a colour profile: save the image in RGB".into(),
            first_image_page(),
        ),
        V::Transparency(loc) => (
            "a figure is transparent, which this standard forbids: save it without transparency (alpha)".into(),
            loc.or_else(first_image_page),
        ),
        V::ImageInterpolation(loc) => (
            "a figure asks to be smoothed, which this standard forbids".into(),
            loc.or_else(first_image_page),
        ),
        V::EmbeddedPDF(loc) => (
            "a figure is embedded as a PDF page, which this standard forbids".into(),
            loc.or_else(first_image_page),
        ),
        V::InvalidCodepointMapping(_, _, c, loc) | V::UnicodePrivateArea(_, _, c, loc) => (
            format!(
                "the character U+{:04X} cannot be used under this standard: replace it",
                *c as u32
            ),
            *loc,
        ),
        V::MissingAnnotationAltText(loc) => ("a link has no description".into(), *loc),
        V::ContainsPostScript(loc) => ("a drawing uses PostScript, which this standard forbids".into(), *loc),
        V::RestrictedLicense(_) => text("a font's licence forbids embedding it, which this standard requires: choose another theme font"),
        V::NoDocumentLanguage => text("the survey has no language: set `deck.language`"),
        V::NoDocumentTitle => text("the survey has no title: set `deck.title`"),
        V::MissingDocumentDate => text("the survey has no date: set `deck.date`"),
        V::MissingDocumentOutline => text("the PDF has no bookmarks: give the slides headings"),
        V::MissingTagging => text("the PDF is not tagged: leave out `--no-tags`"),
        V::MissingHeadingTitle => text("a heading is empty: give the slide a heading"),
        V::TooLongString | V::TooLongName | V::TooLongArray | V::TooLongDictionary => {
            text("a text, name or list is longer than this standard allows: shorten it")
        }
        V::TooLargeFloat | V::TooManyIndirectObjects | V::TooHighQNestingLevel => {
            text("the document is larger than this standard allows: split the survey")
        }
        other => (
            format!(
                "{} (a limit of this standard)",
                format!("{other:?}").split('(').next().unwrap_or_default()
            ),
            None,
        ),
    }
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
        let (y, mo, d, h, mi, s) = pages::civil(ts);
        let c = |v: u32| u8::try_from(v).unwrap_or(0);
        let (y, mo, d, h, mi, s) = (
            u16::try_from(y.clamp(0, 9999)).unwrap_or(1970),
            c(mo),
            c(d),
            c(h),
            c(mi),
            c(s),
        );
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

pub fn annotation(rect: Rect, link: &Link, tagged: bool) -> Option<Annotation> {
    let r = krilla::geom::Rect::from_xywh(rect.x, rect.y, rect.w.max(0.1), rect.h.max(0.1))?;
    let target = match link {
        Link::Url(u) => Target::Action(LinkAction::new(u.clone()).into()),
        Link::Page(p) => {
            Target::Destination(XyzDestination::new(*p, Point::from_xy(0.0, 0.0)).into())
        }
    };
    // Tagged links need a description for screen readers.
    let alt = tagged.then(|| match link {
        Link::Url(u) => u.clone(),
        Link::Page(p) => format!("slide {}", p + 1),
    });
    Some(Annotation::new_link(LinkAnnotation::new(r, target), alt))
}

fn fill(c: Color) -> Fill {
    Fill {
        paint: krilla::color::rgb::Color::new(c.0, c.1, c.2).into(),
        ..Default::default()
    }
}

fn rect_path(r: Rect, radius: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    let Some(outline) = r.rounded(radius) else {
        pb.push_rect(krilla::geom::Rect::from_xywh(r.x, r.y, r.w, r.h)?);
        return pb.finish();
    };
    for seg in outline {
        match seg {
            Seg::Move(x, y) => pb.move_to(x, y),
            Seg::Line(x, y) => pb.line_to(x, y),
            Seg::Cubic(a, b, c, d, x, y) => pb.cubic_to(a, b, c, d, x, y),
            Seg::Close => pb.close(),
        }
    }
    pb.finish()
}

/// A node of the structure tree as we build it; annotations are known only
/// after the page's content is drawn, so links refer to them by index.
enum TNode {
    Content(Identifier),
    Annot(usize),
    Group(K, Vec<TNode>),
}

/// Structure roles we use.
enum K {
    Sect,
    H(u16, String),
    P,
    L(bool),
    LI,
    Lbl,
    LBody,
    Link,
    Figure(Option<String>),
    Caption,
    Note,
}

impl TNode {
    fn into_node(self, annots: &[Option<Identifier>]) -> Option<Node> {
        match self {
            TNode::Content(id) => Some(id.into()),
            TNode::Annot(i) => annots.get(i).copied().flatten().map(Node::from),
            TNode::Group(k, children) => {
                let kind: TagKind = match k {
                    K::Sect => Tag::Section.into(),
                    K::H(level, title) => Tag::Hn(
                        NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN),
                        Some(title),
                    )
                    .into(),
                    K::P => Tag::P.into(),
                    K::L(numbered) => Tag::L(if numbered {
                        ListNumbering::Decimal
                    } else {
                        ListNumbering::Disc
                    })
                    .into(),
                    K::LI => Tag::LI.into(),
                    K::Lbl => Tag::Lbl.into(),
                    K::LBody => Tag::LBody.into(),
                    K::Link => Tag::Link.into(),
                    K::Figure(alt) => Tag::Figure(alt).into(),
                    K::Caption => Tag::Caption.into(),
                    K::Note => Tag::Note.into(),
                };
                let mut g = TagGroup::new(kind);
                for c in children {
                    if let Some(n) = c.into_node(annots) {
                        g.push(n);
                    }
                }
                Some(g.into())
            }
        }
    }
}

/// One paragraph's tagged content, before lists are assembled.
struct ParaRec {
    level: Option<u8>,
    numbered: bool,
    /// A marker-less paragraph at a list level continues the item before it.
    continuation: bool,
    marker: Option<Identifier>,
    content: Vec<TNode>,
}

/// Draws pages' content, tagging it when asked.
struct Painter<'a> {
    doc: &'a Pages,
    res: &'a mut Resources,
    tagged: bool,
    links: Vec<(Rect, Link)>,
}

impl Painter<'_> {
    fn tag(&self, s: &mut Surface, tag: ContentTag) -> Option<Identifier> {
        self.tagged.then(|| s.start_tagged(tag))
    }

    fn end(&self, s: &mut Surface, id: Option<Identifier>) -> Option<Identifier> {
        if id.is_some() {
            s.end_tagged();
        }
        id
    }

    /// Draws a run as its own marked-content span (Latin-only runs marked English).
    fn run(&mut self, s: &mut Surface, r: &pages::GlyphRun) -> Result<Option<Identifier>, String> {
        let id = self.tag(
            s,
            ContentTag::Span(SpanTag::empty().with_lang(is_latin(&r.text).then_some("en"))),
        );
        draw_run(s, self.doc, r, self.res)?;
        Ok(self.end(s, id))
    }

    /// The content of a paragraph's lines; runs sharing a link form one Link
    /// element, and neighbouring runs of one language and link share one
    /// marked-content span (fewer spans keep the structure small).
    fn lines(&mut self, s: &mut Surface, p: &pages::Paragraph) -> Result<Vec<TNode>, String> {
        let mut out: Vec<TNode> = Vec::new();
        let mut open: Option<(Link, Vec<TNode>)> = None;
        // The open span: its language flag and link.
        let mut span: Option<(bool, Option<Link>)> = None;
        let mut span_id: Option<Identifier> = None;
        let runs: Vec<&pages::GlyphRun> = p.lines.iter().flat_map(|l| l.runs.iter()).collect();
        for piece in reversed::pieces(&runs) {
            let piece = &runs[piece];
            // Runs drawn as one piece share their language, link and style.
            let r = piece[0];
            let latin = is_latin(&r.text);
            if span
                .as_ref()
                .is_some_and(|(l, k)| *l != latin || *k != r.link)
            {
                let id = self.end(s, span_id.take());
                push_content(&mut out, &mut open, span.take().and_then(|x| x.1), id);
            }
            if span.is_none() {
                span_id = self.tag(
                    s,
                    ContentTag::Span(SpanTag::empty().with_lang(latin.then_some("en"))),
                );
                span = Some((latin, r.link.clone()));
            }
            if reversed::drawn_as_one(piece) {
                draw_rtl(s, self.doc, piece, self.res)?;
            } else {
                draw_run(s, self.doc, r, self.res)?;
            }
            for r in piece {
                let Some(l) = &r.link else { continue };
                let annot = self.add_link(r.rect(), l.clone());
                if open.as_ref().is_some_and(|(ol, _)| ol != l)
                    && let Some((_, kids)) = open.take()
                {
                    out.push(TNode::Group(K::Link, kids));
                }
                let (_, kids) = open.get_or_insert_with(|| (l.clone(), Vec::new()));
                kids.extend(annot.map(TNode::Annot));
            }
        }
        let id = self.end(s, span_id.take());
        push_content(&mut out, &mut open, span.take().and_then(|x| x.1), id);
        if let Some((_, kids)) = open.take() {
            out.push(TNode::Group(K::Link, kids));
        }
        Ok(out)
    }

    /// Records a link area; the same target right next to the previous one
    /// (a URL in several runs) widens that area instead of adding another.
    fn add_link(&mut self, r: Rect, l: Link) -> Option<usize> {
        if let Some((pr, pl)) = self.links.last_mut()
            && *pl == l
            && (pr.y - r.y).abs() < 0.5
            && (pr.right() - r.x).abs() < 1.0
        {
            pr.w = r.right() - pr.x;
            pr.h = pr.h.max(r.h);
            return None;
        }
        self.links.push((r, l));
        Some(self.links.len() - 1)
    }

    fn artifact(
        &mut self,
        s: &mut Surface,
        kind: ArtifactType,
        f: impl FnOnce(&mut Self, &mut Surface) -> Result<(), String>,
    ) -> Result<(), String> {
        // krilla wants a bounding box on background artifacts: the page.
        let bbox = match kind {
            ArtifactType::Background => {
                krilla::geom::Rect::from_xywh(0.0, 0.0, self.doc.width, self.doc.height)
            }
            _ => None,
        };
        let id = self.tag(s, ContentTag::Artifact(Artifact::new(kind, bbox)));
        f(self, s)?;
        self.end(s, id);
        Ok(())
    }

    /// krilla keeps the first text a glyph is drawn with as its ToUnicode
    /// entry, and gives later uses with other text an ActualText. The
    /// glyphs of the page's right-to-left pieces (see `draw_rtl`) are
    /// first drawn with their own characters (`reversed::map`).
    fn seed(&mut self, s: &mut Surface, page: &pages::Page) -> Result<(), String> {
        let doc = self.doc;
        let mut seeds: Vec<&pages::GlyphRun> = Vec::new();
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            if t.role.is_artifact() {
                continue;
            }
            for p in &t.paragraphs {
                let runs: Vec<&pages::GlyphRun> =
                    p.lines.iter().flat_map(|l| l.runs.iter()).collect();
                for piece in reversed::pieces(&runs) {
                    if reversed::drawn_as_one(&runs[piece.clone()]) {
                        seeds.extend(&runs[piece]);
                    }
                }
            }
        }
        if seeds.is_empty() {
            return Ok(());
        }
        // Drawn into a stream that is never used: krilla notes the glyphs'
        // text as they are drawn, and nothing reaches the page.
        let mut sb = s.stream_builder();
        let mut sub = sb.surface();
        for r in seeds {
            let font = self
                .res
                .font(doc, r.font)
                .ok_or("a bundled font could not be loaded")?;
            let text = mapped(doc, r);
            let glyphs = krilla_glyphs(r, |i| text.ranges[i].clone());
            sub.draw_glyphs(
                Point::from_xy(0.0, 0.0),
                &glyphs,
                font,
                &text.text,
                r.size,
                false,
            );
        }
        sub.finish();
        sb.finish();
        Ok(())
    }

    fn page(
        &mut self,
        s: &mut Surface,
        page: &pages::Page,
        heading: u16,
    ) -> Result<Vec<TNode>, String> {
        let doc = self.doc;
        let mut nodes = Vec::new();
        if page.background != Color(255, 255, 255)
            && let Some(p) = rect_path(Rect::new(0.0, 0.0, doc.width, doc.height), 0.0)
        {
            self.artifact(s, ArtifactType::Background, |_, s| {
                s.set_fill(Some(fill(page.background)));
                s.set_stroke(None);
                s.draw_path(&p);
                Ok(())
            })?;
        }
        self.seed(s, page)?;
        let mut first_title = true;
        for item in &page.items {
            match item {
                Item::Shape(sh) => {
                    let Some(p) = rect_path(sh.rect, sh.radius) else {
                        continue;
                    };
                    self.artifact(s, ArtifactType::Layout, |_, s| {
                        s.set_fill(sh.fill.map(fill));
                        s.set_stroke(sh.stroke.map(|(c, w)| Stroke {
                            paint: krilla::color::rgb::Color::new(c.0, c.1, c.2).into(),
                            width: w,
                            ..Default::default()
                        }));
                        s.draw_path(&p);
                        s.set_stroke(None);
                        Ok(())
                    })?;
                }
                Item::Image(im) => {
                    let img = self.res.image(doc, im.image)?;
                    let Some(size) = Size::from_wh(im.rect.w, im.rect.h) else {
                        continue;
                    };
                    let id = self.tag(s, ContentTag::Other);
                    s.push_transform(&Transform::from_translate(im.rect.x, im.rect.y));
                    match img {
                        Figure::Image(img) => s.draw_image(img, size),
                        Figure::Page(page) => {
                            if let Some(c) = &self.res.carrier {
                                s.draw_pdf_page(&c.pdf, size, page);
                            }
                        }
                    }
                    s.pop();
                    if let Some(id) = self.end(s, id) {
                        nodes.push(TNode::Group(
                            K::Figure(im.alt.clone()),
                            vec![TNode::Content(id)],
                        ));
                    }
                }
                Item::Text(t) if t.role.is_artifact() => {
                    let kind = if t.role == Role::SlideNumber {
                        ArtifactType::PageNumber
                    } else {
                        ArtifactType::Footer
                    };
                    self.artifact(s, kind, |me, s| {
                        for r in t
                            .paragraphs
                            .iter()
                            .flat_map(|p| p.lines.iter())
                            .flat_map(|l| l.runs.iter())
                        {
                            draw_run(s, me.doc, r, me.res)?;
                        }
                        Ok(())
                    })?;
                }
                Item::Text(t) => {
                    let mut recs = Vec::new();
                    for p in &t.paragraphs {
                        // A bullet mark is decoration; a number is part of the item.
                        let marker = match &p.marker {
                            Some(m) if p.bullet => {
                                self.artifact(s, ArtifactType::Layout, |me, s| {
                                    draw_run(s, me.doc, m, me.res)
                                })?;
                                None
                            }
                            Some(m) if !m.text.is_empty() => self.run(s, m)?,
                            _ => None,
                        };
                        let content = self.lines(s, p)?;
                        let continuation = p.level.is_some()
                            && p.marker.as_ref().is_some_and(|m| m.text.is_empty());
                        recs.push(ParaRec {
                            level: p.level,
                            numbered: !p.bullet && p.marker.is_some(),
                            continuation,
                            marker,
                            content,
                        });
                    }
                    match t.role {
                        Role::Title => {
                            let level = if first_title { heading } else { 2 };
                            first_title = false;
                            let title = t
                                .paragraphs
                                .iter()
                                .map(|p| p.text())
                                .collect::<Vec<_>>()
                                .join(" ");
                            nodes.push(TNode::Group(
                                K::H(level, title),
                                recs.into_iter().flat_map(|r| r.content).collect(),
                            ));
                        }
                        Role::Caption => nodes.push(TNode::Group(
                            K::Caption,
                            recs.into_iter().flat_map(|r| r.content).collect(),
                        )),
                        Role::Callout => nodes.push(TNode::Group(K::Note, structure(recs))),
                        _ => nodes.extend(structure(recs)),
                    }
                }
            }
        }
        Ok(nodes)
    }
}

/// Files a finished span under the open Link element when it is linked.
fn push_content(
    out: &mut Vec<TNode>,
    open: &mut Option<(Link, Vec<TNode>)>,
    link: Option<Link>,
    id: Option<Identifier>,
) {
    let Some(id) = id else { return };
    match (open.as_mut(), link) {
        (Some((ol, kids)), Some(l)) if *ol == l => kids.insert(
            kids.iter()
                .take_while(|k| matches!(k, TNode::Content(_)))
                .count(),
            TNode::Content(id),
        ),
        _ => out.push(TNode::Content(id)),
    }
}

fn is_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic()) && text.chars().all(|c| (c as u32) < 0x2E80)
}

/// Paragraph records → P elements and (nested) lists.
fn structure(recs: Vec<ParaRec>) -> Vec<TNode> {
    let mut out = Vec::new();
    let mut it = recs.into_iter().peekable();
    while let Some(r) = it.peek() {
        match r.level {
            None => {
                if let Some(r) = it.next() {
                    out.push(TNode::Group(K::P, r.content));
                }
            }
            Some(l) => out.push(list(&mut it, l)),
        }
    }
    out
}

fn list(it: &mut std::iter::Peekable<std::vec::IntoIter<ParaRec>>, level: u8) -> TNode {
    // Items as (Lbl, LBody children) until the level drops.
    let mut items: Vec<(Option<Identifier>, Vec<TNode>)> = Vec::new();
    let mut numbered = false;
    while let Some(r) = it.peek() {
        let Some(l) = r.level else { break };
        if l < level {
            break;
        }
        if l > level {
            let sub = list(it, l);
            match items.last_mut() {
                Some((_, body)) => body.push(sub),
                None => items.push((None, vec![sub])),
            }
            continue;
        }
        let Some(r) = it.next() else { break };
        numbered |= r.numbered;
        match items.last_mut() {
            Some((_, body)) if r.continuation => body.extend(r.content),
            _ => items.push((r.marker, r.content)),
        }
    }
    let children = items
        .into_iter()
        .map(|(marker, body)| {
            let mut li = Vec::new();
            if let Some(m) = marker {
                li.push(TNode::Group(K::Lbl, vec![TNode::Content(m)]));
            }
            li.push(TNode::Group(K::LBody, body));
            TNode::Group(K::LI, li)
        })
        .collect();
    TNode::Group(K::L(numbered), children)
}

/// The text a run's glyphs map to (see `reversed`); a right-to-left run's
/// marks are told apart through the font's cmap, parsed only when a
/// cluster has marks to tell apart.
fn mapped<'a>(doc: &Pages, r: &'a pages::GlyphRun) -> reversed::Mapped<'a> {
    let face = std::cell::OnceCell::new();
    reversed::map(r, |c| {
        let face = face.get_or_init(|| {
            let f = doc.fonts.get(r.font)?;
            rustybuzz::ttf_parser::Face::parse(f.data, f.index).ok()
        });
        face.as_ref()?.glyph_index(c).map(|g| g.0)
    })
}

/// A run's glyphs for krilla, each with its range of the text drawn.
fn krilla_glyphs(
    r: &pages::GlyphRun,
    range: impl Fn(usize) -> std::ops::Range<usize>,
) -> Vec<KrillaGlyph> {
    r.glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| {
            KrillaGlyph::new(
                GlyphId::new(u32::from(g.id)),
                g.advance / r.size,
                g.dx / r.size,
                g.dy / r.size,
                0.0,
                range(i),
                None,
            )
        })
        .collect()
}

/// Draws right-to-left runs that stand side by side (`reversed::pieces`)
/// in one go, left to right. pdf.js keeps a space only between glyphs that
/// go rightwards; words drawn one by one in reading order lose the spaces
/// between them. The piece's text is one ActualText, the reverse of the
/// runs' text: poppler lays an ActualText's characters out left to right
/// over its glyphs and then reverses right-to-left stretches, so it reads
/// the text in order, marks and spaces included (glyph by glyph, marks
/// drawn above the line would split its words). pdf.js ignores ActualText
/// and reads each glyph's own characters, which `Painter::seed` gave it.
fn draw_rtl(
    s: &mut Surface,
    doc: &Pages,
    runs: &[&pages::GlyphRun],
    res: &mut Resources,
) -> Result<(), String> {
    let (Some(right), Some(left)) = (runs.first(), runs.last()) else {
        return Ok(());
    };
    let font = res
        .font(doc, left.font)
        .ok_or("a bundled font could not be loaded")?;
    let text: String = runs
        .iter()
        .rev()
        .flat_map(|r| r.text.chars().rev())
        .collect();
    // A space drawn first stands apart, so that the ActualText neither
    // starts with it nor starts at it.
    let lead = text.starts_with(' ')
        && left
            .glyphs
            .first()
            .and_then(|g| left.text.get(g.start as usize..g.end as usize))
            == Some(" ");
    let all = usize::from(lead)..text.len();
    let mut glyphs = Vec::new();
    for (k, r) in runs.iter().rev().enumerate() {
        let mut run = krilla_glyphs(r, |i| {
            if lead && k == 0 && i == 0 {
                0..1
            } else {
                all.clone()
            }
        });
        // The last glyph reaches to where the next run starts, as drawn
        // run by run.
        if let (Some(next), Some(last)) = (
            runs.len().checked_sub(k + 2).map(|n| runs[n]),
            run.last_mut(),
        ) {
            let before: f32 = r.glyphs[..r.glyphs.len() - 1]
                .iter()
                .map(|g| g.advance)
                .sum();
            last.x_advance = (next.x - r.x - before) / r.size;
        }
        glyphs.extend(run);
    }
    s.set_fill(Some(fill(right.color)));
    s.set_stroke(None);
    if right.italic {
        s.push_transform(&slant(right.baseline));
    }
    s.draw_glyphs(
        Point::from_xy(left.x, left.baseline),
        &glyphs,
        font,
        &text,
        right.size,
        false,
    );
    if right.italic {
        s.pop();
    }
    for r in runs {
        if let Some(path) = r.underline_rect().and_then(|u| rect_path(u, 0.0)) {
            s.draw_path(&path);
        }
    }
    Ok(())
}

/// No italic face is bundled: the upright glyphs are slanted about the
/// baseline. x' = x - 0.2 (y - baseline): y grows downwards, so the tops
/// lean right.
fn slant(baseline: f32) -> Transform {
    Transform::from_row(1.0, 0.0, -0.2, 1.0, 0.2 * baseline, 0.0)
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
    // Glyphs followed by a gap are drawn from the wide face, so that the
    // gap does not extract as a space (see `spacing`).
    let wide = res.wide.get(&r.font);
    let none = Vec::new();
    let gaps = match wide {
        Some(_) => res.gaps.get(&spacing::key(r)).unwrap_or(&none),
        None => &none,
    };
    let gap = |i: usize| gaps.get(i).copied().unwrap_or(false);
    let text = mapped(doc, r);
    let mut glyphs = krilla_glyphs(r, |i| text.ranges[i].clone());
    if let Some((_, ids)) = wide {
        for (i, (k, g)) in glyphs.iter_mut().zip(&r.glyphs).enumerate() {
            if gap(i) {
                k.glyph_id = GlyphId::new(u32::from(ids[&g.id]));
            }
        }
    }
    s.set_fill(Some(fill(r.color)));
    s.set_stroke(None);
    if r.italic {
        s.push_transform(&slant(r.baseline));
    }
    // One piece per stretch of plain glyphs, one per glyph before a gap.
    let mut x = r.x;
    let mut from = 0;
    while from < glyphs.len() {
        let (to, face) = match wide {
            Some((wide, _)) if gap(from) => (from + 1, wide),
            _ => (
                (from + 1..glyphs.len())
                    .find(|&i| gap(i))
                    .unwrap_or(glyphs.len()),
                &font,
            ),
        };
        s.draw_glyphs(
            Point::from_xy(x, r.baseline),
            &glyphs[from..to],
            face.clone(),
            &text.text,
            size,
            false,
        );
        x += r.glyphs[from..to].iter().map(|g| g.advance).sum::<f32>();
        from = to;
    }
    if r.italic {
        s.pop();
    }
    if let Some(path) = r.underline_rect().and_then(|u| rect_path(u, 0.0)) {
        s.draw_path(&path);
    }
    Ok(())
}
