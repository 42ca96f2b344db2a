//! Layout: the deck model → the pages model.
//!
//! Each slide is a header (label, heading, original title, badges), a body
//! (a text flow, figures, a callout box) and a footer. The body is fitted by
//! shrinking in steps to the theme's minimum size, then split into
//! continuation pages titled "(1/3)"… at paragraph (bullet) boundaries.

mod images;
pub mod impose;
mod missing;
pub mod notes;
mod qr;
mod text;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::document::{
    Bookmark, Deck, Figure, Item, PaperSlide, RankEntry, Slide, SlideKind, plain,
};
use crate::pages::{
    self, Align, ImageItem, Link, OutlineNode, Page, PageKind, Rect, Role, Shape, ShapeRole,
    TextBlock,
};
use crate::text::{FontBook, Wrap};
use crate::theme::Theme;
pub use missing::missing_warnings;
use text::{LaidPara, Para, SpanSpec, Typesetter, shift, split_lines};

/// Auto-fit steps, as fractions of the theme's sizes.
const SCALES: &[f32] = &[1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6];

/// A character no face has, with the slide where it was first met.
pub type Missing = (char, crate::diag::Pos);

/// Lays out the whole deck. Errors are problems with figures (unreadable,
/// corrupt, too large); warnings and notes go to the returned diagnostics,
/// characters no face has to the returned list (the caller looks for
/// fallback faces, then warns).
pub fn layout(
    deck: &Deck,
    theme: &Theme,
    book: &FontBook,
) -> Result<(pages::Document, Diagnostics, Vec<Missing>), Diagnostics> {
    let mut images = images::Images::default();
    images.prepare(figure_paths(deck, theme));
    let unusable = unusable_figures(deck, &images);
    let images = &images;
    // Slides are independent: lay them out on all cores, each worker with
    // its own typesetter and shaping cache, taking slides as it frees up
    // (slides differ a lot in cost). Results come back in slide order, so
    // the output does not depend on the number of threads.
    let parts: Vec<(Vec<Page>, Diagnostics, Vec<Missing>)> = deck
        .slides
        .par_iter()
        .map_init(
            || Cx::new(deck, theme, book, images),
            |cx, slide| lay_slide(cx, slide),
        )
        .collect();
    let mut cx = Cx::new(deck, theme, book, images);
    cx.diags.extend(unusable);
    let mut all: Vec<Vec<Page>> = Vec::with_capacity(deck.slides.len());
    let mut missing: Vec<Missing> = Vec::new();
    for (pages, diags, miss) in parts {
        all.push(pages);
        cx.diags.extend(diags);
        for m in miss {
            if !missing.iter().any(|(c, _)| *c == m.0) {
                missing.push(m);
            }
        }
    }
    if cx.diags.has_errors() {
        return Err(cx.diags);
    }
    // Internal links point at logical slides until we know their first page.
    let mut first_page = Vec::with_capacity(all.len());
    let mut n = 0;
    for p in &all {
        first_page.push(n);
        n += p.len();
    }
    let mut pages_out: Vec<Page> = all.into_iter().flatten().collect();
    for (i, page) in pages_out.iter_mut().enumerate() {
        for item in &mut page.items {
            if let pages::Item::Text(t) = item {
                for p in &mut t.paragraphs {
                    for r in p.lines.iter_mut().flat_map(|l| l.runs.iter_mut()) {
                        if let Some(Link::Page(s)) = &mut r.link {
                            *s = first_page.get(*s).copied().unwrap_or(0);
                        }
                    }
                }
            }
        }
        if page.kind != PageKind::Title {
            cx.footer(page, i + 1);
        }
    }
    if cx.diags.has_errors() {
        return Err(cx.diags);
    }
    let outline = outline(&deck.slides, &first_page);
    let meta = meta(deck);
    let mut image_list = images.list.clone();
    let largest = largest_scale(&pages_out, &image_list);
    images::sharpen(&mut image_list, &largest);
    let doc = pages::Document {
        meta,
        width: cx.w,
        height: cx.h,
        pages: pages_out,
        outline,
        images: image_list,
        fonts: book.infos(),
        palette: theme.palette(),
    };
    Ok((doc, cx.diags, missing))
}

/// The first line of a continuation page's notes.
pub const CONTINUED: &str = "(continued)";

/// Lays out one slide (one or more pages, when it splits) with the
/// diagnostics it raises.
fn lay_slide(cx: &mut Cx, slide: &Slide) -> (Vec<Page>, Diagnostics, Vec<Missing>) {
    cx.ts.missing.clear();
    let pages = cx.slide(slide);
    let missing = cx.ts.missing.iter().map(|c| (*c, slide.pos)).collect();
    (pages, std::mem::take(&mut cx.diags), missing)
}

/// Each image's largest drawn size, in points per pixel.
fn largest_scale(pages: &[Page], list: &[pages::ImageData]) -> Vec<f32> {
    let mut out = vec![0.0f32; list.len()];
    for item in pages.iter().flat_map(|p| p.items.iter()) {
        if let pages::Item::Image(im) = item
            && let (Some(s), Some(d)) = (out.get_mut(im.image), list.get(im.image))
        {
            *s = s.max(im.rect.w / d.width_px.max(1) as f32);
        }
    }
    out
}

/// One error for each figure file that cannot be used, at its first place
/// in the survey and naming every other place it appears (so the user
/// fixes the file once, not once per slide).
fn unusable_figures(deck: &Deck, images: &images::Images) -> Diagnostics {
    let mut places: Vec<(&std::path::Path, String, Vec<crate::diag::Pos>)> = Vec::new();
    let figs = deck.slides.iter().flat_map(|s| match &s.kind {
        SlideKind::Free { figures, .. } => figures.iter().collect::<Vec<_>>(),
        SlideKind::Paper(p) => p.figures.iter().collect(),
        _ => Vec::new(),
    });
    for f in figs {
        let Err(msg) = images.get(&f.path) else {
            continue;
        };
        match places.iter_mut().find(|(p, _, _)| *p == f.path.as_path()) {
            Some((_, _, at)) if !at.contains(&f.pos) => at.push(f.pos),
            Some(_) => {}
            None => places.push((&f.path, msg, vec![f.pos])),
        }
    }
    let mut diags = Diagnostics::default();
    for (_, msg, at) in places {
        let mut help =
            "use a valid PNG, JPEG, GIF, WebP or BMP file, at most 40 megapixels (docs/format.md, Figures)"
                .to_owned();
        if at.len() > 1 {
            let lines: Vec<String> = at[1..].iter().map(|p| p.line.to_string()).collect();
            help = format!(
                "{help}; the same file is also used at line {}",
                lines.join(", ")
            );
        }
        diags.push(Diagnostic::error(msg).at(&deck.path, at[0]).help(help));
    }
    diags
}

/// Every distinct image file the deck and theme use, in order of first use.
fn figure_paths(deck: &Deck, theme: &Theme) -> Vec<std::path::PathBuf> {
    let mut out: Vec<std::path::PathBuf> = Vec::new();
    let figs = deck.slides.iter().flat_map(|s| match &s.kind {
        SlideKind::Free { figures, .. } => figures.iter().collect::<Vec<_>>(),
        SlideKind::Paper(p) => p.figures.iter().collect(),
        _ => Vec::new(),
    });
    for p in figs.map(|f| f.path.clone()).chain(theme.logo.clone()) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn meta(deck: &Deck) -> pages::Meta {
    let m = &deck.meta;
    let mut keywords = m.keywords.clone();
    for s in &deck.slides {
        if let SlideKind::Paper(p) = &s.kind
            && !keywords.contains(&p.title)
        {
            keywords.push(p.title.clone());
        }
    }
    let timestamp = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(m.date.map(|d| d.unix_seconds()));
    pages::Meta {
        title: m.title.clone(),
        author: m.presenter.clone(),
        subject: m.subject.clone().or_else(|| m.subtitle.clone()),
        keywords,
        language: m.language.clone(),
        date: m.date.map(|d| d.iso()),
        timestamp,
    }
}

fn outline(slides: &[Slide], first_page: &[usize]) -> Vec<OutlineNode> {
    let mut out: Vec<OutlineNode> = Vec::new();
    for (s, &page) in slides.iter().zip(first_page) {
        match &s.bookmark {
            Bookmark::Section(t) => out.push(OutlineNode {
                title: t.clone(),
                page,
                children: Vec::new(),
            }),
            Bookmark::Entry(t) => match out.last_mut() {
                Some(sec) => sec.children.push(OutlineNode {
                    title: t.clone(),
                    page,
                    children: Vec::new(),
                }),
                None => out.push(OutlineNode {
                    title: t.clone(),
                    page,
                    children: Vec::new(),
                }),
            },
            Bookmark::None => {}
        }
    }
    out
}

struct Cx<'a> {
    deck: &'a Deck,
    theme: &'a Theme,
    ts: Typesetter<'a>,
    w: f32,
    h: f32,
    diags: Diagnostics,
    images: &'a images::Images,
    /// A broken theme logo is reported once, not on every slide.
    logo_reported: bool,
}

/// The header of a content slide.
struct Header {
    label: Option<String>,
    heading: String,
    heading_link: Option<Link>,
    sub: Option<String>,
    /// Text, whether it is the strong (filled) kind, and where it links.
    badges: Vec<(String, bool, Option<Link>)>,
}

impl Header {
    /// Just a heading: no label, sub-heading or badges.
    fn plain(heading: &str) -> Header {
        Header {
            label: None,
            heading: heading.to_owned(),
            heading_link: None,
            sub: None,
            badges: vec![],
        }
    }
}

/// The body of a content slide.
#[derive(Default)]
struct Body {
    flow: Vec<Para>,
    figures: Vec<Figure>,
    callout: Vec<Para>,
}

impl<'a> Cx<'a> {
    fn new(
        deck: &'a Deck,
        theme: &'a Theme,
        book: &'a FontBook,
        images: &'a images::Images,
    ) -> Self {
        let (w, h) = deck.meta.aspect.size_pt();
        Cx {
            deck,
            theme,
            ts: Typesetter {
                strictness: theme.strictness,
                body_phrases: theme.body_phrases,
                link_underline: theme.link_underline,
                ..Typesetter::new(book, theme.line_spacing)
            },
            w,
            h,
            diags: Diagnostics::default(),
            images,
            logo_reported: false,
        }
    }

    /// "原文" in a Japanese deck, "Original" otherwise: the label before a
    /// paper's original title.
    fn original_label(&self) -> &'static str {
        if self.deck.meta.language.starts_with("ja") {
            "原文"
        } else {
            "Original"
        }
    }

    fn slide(&mut self, slide: &Slide) -> Vec<Page> {
        let t = self.theme;
        let mut pages = match &slide.kind {
            SlideKind::Title => vec![self.title_page(slide)],
            SlideKind::Divider { title, subtitle } => {
                vec![self.divider(title, subtitle.as_deref(), slide)]
            }
            SlideKind::Agenda { heading, items }
            | SlideKind::Credits { heading, items }
            | SlideKind::References { heading, items } => {
                let kind = match slide.kind {
                    SlideKind::Agenda { .. } => PageKind::Agenda,
                    SlideKind::Credits { .. } => PageKind::Credits,
                    _ => PageKind::References,
                };
                let flow = self.items(items, t.body_size, t.text);
                let header = Header::plain(heading);
                self.content(
                    slide,
                    kind,
                    header,
                    Body {
                        flow,
                        ..Body::default()
                    },
                )
            }
            SlideKind::Ranking { heading, entries } => {
                let flow = self.ranking(entries);
                let header = Header::plain(heading);
                self.content(
                    slide,
                    PageKind::Ranking,
                    header,
                    Body {
                        flow,
                        ..Body::default()
                    },
                )
            }
            SlideKind::Paper(p) => {
                let (header, body) = self.paper(p);
                self.content(slide, PageKind::Paper, header, body)
            }
            SlideKind::Free {
                heading,
                lead,
                items,
                figures,
                callout,
            } => {
                let mut flow = Vec::new();
                if let Some(lead) = lead {
                    let mut p = Para::from_rich(lead, t.body_size, t.text, t.link);
                    p.space_before = 0.2;
                    flow.push(p);
                }
                flow.extend(self.items(items, t.body_size, t.text));
                let callout = self.items(callout, t.callout_size, t.callout_text);
                let header = Header::plain(heading);
                self.content(
                    slide,
                    PageKind::Free,
                    header,
                    Body {
                        flow,
                        figures: figures.clone(),
                        callout,
                    },
                )
            }
        };
        // Every page of a split slide carries its notes (PPTX notes, notes
        // pages and transcript read them from here): a presenter on "(2/2)"
        // still needs them. Continuation pages say so first.
        for (i, page) in pages.iter_mut().enumerate() {
            page.notes = slide.notes.as_ref().map(|n| {
                if i == 0 {
                    n.clone()
                } else {
                    format!("{CONTINUED}\n{n}")
                }
            });
            page.notes_rtl = page.notes.as_deref().map_or_else(Vec::new, |n| {
                pages::note_lines(n)
                    .map(crate::text::starts_right_to_left)
                    .collect()
            });
        }
        if let SlideKind::Paper(p) = &slide.kind
            && let Some(url) = &p.url
        {
            let paper = pages::PaperRef {
                id: p.id.clone(),
                url: url.clone(),
            };
            for page in &mut pages {
                page.paper = Some(paper.clone());
            }
        }
        pages
    }

    /// Bullet items as paragraphs; body text takes the theme's weight.
    fn items(&self, items: &[Item], size: f32, color: pages::Color) -> Vec<Para> {
        let t = self.theme;
        let mut out: Vec<Para> = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            let sub = it.level > 0;
            let psize = if sub { size * 0.9 } else { size };
            let mut p = Para::from_rich(&it.text, psize, color, t.link);
            if t.bold_body {
                p = p.bold();
            }
            p.level = Some(it.level);
            p.marker = Some(match &it.number {
                Some(n) => (n.clone(), false),
                None => (t.bullet(it.level).to_owned(), true),
            });
            p.marker_color = t.accent;
            p.space_before = if sub { 0.15 } else { 0.35 };
            // A parent item stays with its first child.
            p.keep_with_next = items.get(i + 1).is_some_and(|n| n.level > it.level);
            out.push(p);
        }
        if let Some(first) = out.first_mut() {
            first.space_before = 0.0;
        }
        out
    }

    fn ranking(&self, entries: &[RankEntry]) -> Vec<Para> {
        let t = self.theme;
        let size = t.body_size * 0.9;
        let mut out = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let link = Link::Page(e.target);
            let main = e.title_ja.clone().unwrap_or_else(|| e.title.clone());
            let mut p = Para::plain(&main, size, t.text)
                .link(link.clone())
                .wrap(Wrap::Phrases);
            p.level = Some(0);
            p.marker = Some((e.mark.clone(), false));
            p.marker_color = t.accent;
            p.space_before = if i == 0 { 0.0 } else { 0.45 };
            // The entry stays with its "(原文: …)" line when it has one.
            p.keep_with_next = e.title_ja.is_some() || e.repeat_of.is_some();
            out.push(p);
            let mut q = Para::plain("", size * 0.78, t.muted);
            q.spans.clear();
            if e.title_ja.is_some() {
                q.spans.push(SpanSpec {
                    text: format!("({}: {})", self.original_label(), e.title),
                    bold: false,
                    italic: false,
                    color: t.muted,
                    link: Some(link.clone()),
                });
            }
            if let Some((r, first)) = &e.repeat_of {
                // "⇒ Recent #6" goes to where that ranking presented the paper.
                q.spans.push(SpanSpec {
                    text: format!(" {r}"),
                    bold: true,
                    italic: false,
                    color: t.accent,
                    link: Some(Link::Page(*first)),
                });
            }
            if !q.spans.is_empty() {
                q.wrap = Wrap::Phrases;
                q.level = Some(0);
                // Aligns with the entry's text: the same hanging indent, no marker.
                q.marker = Some((String::new(), false));
                out.push(q);
            }
        }
        out
    }

    fn paper(&self, p: &PaperSlide) -> (Header, Body) {
        let t = self.theme;
        let title = p.title_ja.clone().unwrap_or_else(|| p.title.clone());
        let heading = match &p.mark {
            Some(m) => format!("{m} {title}"),
            None => title,
        };
        let sub = p
            .title_ja
            .as_ref()
            .map(|_| format!("({}: {})", self.original_label(), p.title));
        let mut badges = Vec::new();
        if let Some((e, first)) = &p.earlier {
            // "Top recent ⑥" goes to the paper's first appearance.
            badges.push((e.clone(), false, Some(Link::Page(*first))));
        }
        if p.picked {
            badges.push(("気になった論文".to_owned(), true, None));
        }
        let mut flow = self.items(&p.summary, t.body_size * 0.9, t.text);
        if let Some(url) = &p.url {
            let mut l = Para::plain(url, t.caption_size + 1.0, t.link).link(Link::Url(url.clone()));
            l.space_before = 0.6;
            flow.push(l);
        }
        if let Some(a) = t.authors.line(&p.authors) {
            let mut l = Para::plain(&a, t.caption_size + 1.0, t.muted);
            if p.url.is_none() {
                l.space_before = 0.6;
            }
            flow.push(l);
        }
        let mut callout = Vec::new();
        if let Some(org) = &p.org {
            callout.push(Para::plain(org, t.callout_size, t.callout_text).bold());
        }
        let mut comm = self.items(&p.commentary, t.callout_size, t.callout_text);
        if let (Some(first), false) = (comm.first_mut(), callout.is_empty()) {
            first.space_before = 0.3;
        }
        callout.extend(comm);
        (
            Header {
                label: p.label.clone(),
                heading,
                heading_link: None,
                sub,
                badges,
            },
            Body {
                flow,
                figures: p.figures.clone(),
                callout,
            },
        )
    }

    /// Lays out the header at `y0`, returning its blocks, shapes and bottom edge.
    fn header(&mut self, h: &Header, suffix: &str) -> (Vec<pages::Item>, f32) {
        let t = self.theme;
        let m = t.margin;
        let mut items = Vec::new();
        let mut badge_items = Vec::new();
        let mut y = 22.0;
        // Badges sit at the top right; the heading keeps clear of them. They
        // follow the heading in reading order.
        let mut bx = self.w - m;
        for (text, strong, link) in h.badges.iter().rev() {
            let size = 12.0;
            let mut run = self.ts.shape_one(
                text,
                size,
                true,
                if *strong { t.badge_text } else { t.accent },
                link.clone(),
                0.0,
                0.0,
            );
            let pad = 7.0;
            let bw = run.width + 2.0 * pad;
            let bh = size * 1.7;
            bx -= bw;
            let rect = Rect::new(bx, y, bw, bh);
            badge_items.push(pages::Item::Shape(Shape {
                role: ShapeRole::Badge,
                rect,
                fill: strong.then_some(t.badge_fill),
                stroke: (!strong).then_some((t.accent, 1.0)),
                radius: bh / 2.0,
            }));
            run.x = bx + pad;
            run.baseline = y + (bh - run.ascent - run.descent) / 2.0 + run.ascent;
            let para = single_line_para(run, size);
            badge_items.push(pages::Item::Text(TextBlock {
                role: Role::Badge,
                rect,
                paragraphs: vec![para],
            }));
            bx -= 6.0;
        }
        let right = if h.badges.is_empty() {
            self.w - m
        } else {
            bx - 10.0
        };
        if let Some(label) = &h.label {
            let p = Para::plain(label, 14.0, t.accent).bold();
            let mut lp = self.ts.lay(&p, 1.0, m, right - m);
            shift(&mut lp.para, y);
            items.push(text_block(
                Role::Label,
                Rect::new(m, y, right - m, lp.height),
                vec![lp.para],
            ));
            y += lp.height + 2.0;
        }
        // A slide without a heading (a figure or a continuation of the
        // previous one) gets no heading element and no rule; its "(1/2)"
        // counter becomes a small label.
        if h.heading.trim().is_empty() && h.sub.is_none() {
            if !suffix.is_empty() {
                let p = Para::plain(suffix.trim(), 12.0, t.muted).align(Align::Right);
                let mut lp = self.ts.lay(&p, 1.0, m, self.w - 2.0 * m);
                shift(&mut lp.para, y);
                items.push(text_block(
                    Role::Label,
                    Rect::new(m, y, self.w - 2.0 * m, lp.height),
                    vec![lp.para],
                ));
            }
            items.extend(badge_items);
            return (items, y + 24.0);
        }
        // The heading shrinks until it takes at most two lines.
        let heading = format!("{}{suffix}", h.heading);
        let mut hp = Para::plain(&heading, t.heading_size, t.heading)
            .bold()
            .wrap(Wrap::Balanced);
        if let Some(l) = &h.heading_link {
            hp = hp.link(l.clone());
        }
        let mut lp = self.ts.lay(&hp, 1.0, m, right - m);
        for s in [0.9, 0.8, 0.72, 0.65] {
            if lp.para.lines.len() <= 2 {
                break;
            }
            lp = self.ts.lay(&hp, s, m, right - m);
        }
        shift(&mut lp.para, y);
        items.push(text_block(
            Role::Title,
            Rect::new(m, y, right - m, lp.height),
            vec![lp.para],
        ));
        y += lp.height;
        if let Some(sub) = &h.sub {
            let p = Para::plain(sub, t.subheading_size, t.muted).wrap(Wrap::Phrases);
            let mut sp = self.ts.lay(&p, 1.0, m, self.w - 2.0 * m);
            shift(&mut sp.para, y);
            items.push(text_block(
                Role::Subtitle,
                Rect::new(m, y, self.w - 2.0 * m, sp.height),
                vec![sp.para],
            ));
            y += sp.height;
        }
        items.extend(badge_items);
        y += 4.0;
        items.push(pages::Item::Shape(Shape {
            role: ShapeRole::Rule,
            rect: Rect::new(m, y, self.w - 2.0 * m, 2.0),
            fill: Some(t.accent),
            stroke: None,
            radius: 0.0,
        }));
        (items, y + 14.0)
    }

    /// A content slide: header, fitted body, split into pages when needed.
    fn content(&mut self, slide: &Slide, kind: PageKind, header: Header, body: Body) -> Vec<Page> {
        let t = self.theme;
        let m = t.margin;
        let footer_top = self.h - 34.0;
        // Measure the header once to know the body's top; a continuation
        // suffix rarely changes its height, and the final pages re-measure.
        let (_, body_top) = self.header(&header, if body.flow.is_empty() { "" } else { " (1/2)" });
        let region = Rect::new(
            m,
            body_top,
            self.w - 2.0 * m,
            (footer_top - body_top).max(40.0),
        );
        let has_text = !body.flow.is_empty();
        // Figures go right of the text, or under it when the theme says so.
        let below =
            t.figures == crate::theme::Figures::Below && has_text && !body.figures.is_empty();
        let text_region = if below {
            Rect::new(region.x, region.y, region.w, region.h * BELOW_TEXT)
        } else {
            region
        };
        let fig_col = if body.figures.is_empty() {
            None
        } else if below {
            let y = region.y + region.h * (BELOW_TEXT + 0.03);
            Some(Rect::new(region.x, y, region.w, region.bottom() - y))
        } else if has_text {
            Some(Rect::new(
                region.x + region.w * 0.6,
                region.y,
                region.w * 0.4,
                region.h,
            ))
        } else {
            Some(region)
        };
        // The theme may put the commentary beside the summary (when no figure takes that place).
        let beside = t.commentary == crate::theme::Commentary::Beside
            && has_text
            && fig_col.is_none()
            && !body.callout.is_empty();
        let text_w = if fig_col.is_some() && has_text && !below {
            region.w * 0.58
        } else if beside {
            region.w * BESIDE_TEXT
        } else {
            region.w
        };

        let min_scale = (t.min_body_size / t.body_size).min(1.0);
        let scales: Vec<f32> = SCALES
            .iter()
            .copied()
            .filter(|&s| s >= min_scale - 1e-3)
            .collect();
        let mut chosen = None;
        for &s in &scales {
            let plan = self.plan(&body, s, text_region, text_w, beside);
            if plan.pages.len() == 1 {
                chosen = Some((s, plan));
                break;
            }
        }
        let (scale, plan) = match chosen {
            Some(c) => c,
            None => {
                // Fewest pages at the smallest size, then the largest size that still needs no more.
                let smallest = *scales.last().unwrap_or(&1.0);
                let n = self
                    .plan(&body, smallest, region, text_w, beside)
                    .pages
                    .len();
                let mut best = None;
                for &s in &scales {
                    let plan = self.plan(&body, s, text_region, text_w, beside);
                    if plan.pages.len() <= n {
                        best = Some((s, plan));
                        break;
                    }
                }
                best.unwrap_or_else(|| {
                    (
                        smallest,
                        self.plan(&body, smallest, text_region, text_w, beside),
                    )
                })
            }
        };
        let n = plan.pages.len();
        // A box too tall for the column went below the text after all (see `plan`).
        let beside = beside && plan.callout_h <= region.h;
        let name = if header.heading.trim().is_empty() {
            "an untitled slide".to_owned()
        } else {
            format!("slide \"{}\"", header.heading)
        };
        if scale < 1.0 {
            self.diags.push(
                Diagnostic::note(format!(
                    "{name}: text shrunk to {:.0}% to fit",
                    scale * 100.0
                ))
                .at(&self.deck.path, slide.pos),
            );
        }
        if n > 1 {
            self.diags.push(
                Diagnostic::note(format!("{name} split into {n} slides"))
                    .at(&self.deck.path, slide.pos)
                    .help("shorten it, or split it yourself where you prefer"),
            );
        }
        let mut out = Vec::with_capacity(n);
        for (i, paras) in plan.pages.into_iter().enumerate() {
            let suffix = if n > 1 {
                format!(" ({}/{n})", i + 1)
            } else {
                String::new()
            };
            let (mut items, top) = self.header(&header, &suffix);
            let dy = top - region.y;
            let page_region = Rect::new(region.x, top, region.w, (footer_top - top).max(10.0));
            // The text (and its commentary box) keep to their share when figures are below.
            let text_area = if below {
                Rect::new(region.x, top, region.w, text_region.h)
            } else {
                page_region
            };
            let mut ps = Vec::new();
            let mut y = top;
            for mut lp in paras {
                shift(&mut lp.para, y);
                y += lp.height;
                ps.push(lp.para);
            }
            if !ps.is_empty() {
                let r = Rect::new(region.x, top, text_w, (y - top).max(1.0));
                items.push(text_block(Role::Body, r, ps));
            }
            if i == 0
                && let Some(col) = fig_col
            {
                let reserve = if below { 0.0 } else { plan.callout_h };
                let col = Rect::new(
                    col.x,
                    col.y + dy,
                    col.w,
                    (page_region.bottom() - (col.y + dy) - reserve).max(20.0),
                );
                self.figures(&body.figures, col, &mut items);
            }
            if i + 1 == n && !plan.callout.is_empty() {
                // The box follows the text; with figures beside the text it
                // keeps the foot of the slide, which the figures leave free.
                let after = (i > 0 || fig_col.is_none() || below).then_some(y);
                self.callout(
                    plan.callout.clone(),
                    plan.callout_h,
                    text_area,
                    beside,
                    after,
                    &mut items,
                );
            }
            out.push(Page {
                kind,
                title: format!("{}{suffix}", header.heading),
                source_line: slide.pos.line,
                background: t.background,
                items,
                notes: None,
                notes_rtl: Vec::new(),
                paper: None,
            });
        }
        out
    }
}

/// A body's pages before positioning: laid paragraphs with y from 0.
struct Plan {
    pages: Vec<Vec<LaidPara>>,
    callout: Vec<LaidPara>,
    callout_h: f32,
}

const CALLOUT_PAD: f32 = 10.0;
/// With the commentary beside the summary: the text's share of the width,
/// and where the box starts.
const BESIDE_TEXT: f32 = 0.6;
const BESIDE_BOX: f32 = 0.63;
/// With figures below the text: the text's share of the body's height.
const BELOW_TEXT: f32 = 0.55;
const CALLOUT_GAP: f32 = 12.0;

impl Cx<'_> {
    fn plan(&mut self, body: &Body, scale: f32, region: Rect, text_w: f32, beside: bool) -> Plan {
        let (cx, cw) = if beside {
            (
                region.x + region.w * BESIDE_BOX,
                region.w * (1.0 - BESIDE_BOX),
            )
        } else {
            (region.x, region.w)
        };
        let laid: Vec<LaidPara> = body
            .flow
            .iter()
            .map(|p| self.ts.lay(p, scale, region.x, text_w))
            .collect();
        let callout: Vec<LaidPara> = body
            .callout
            .iter()
            .map(|p| {
                self.ts
                    .lay(p, scale, cx + CALLOUT_PAD, cw - 2.0 * CALLOUT_PAD)
            })
            .collect();
        let callout_h = if callout.is_empty() {
            0.0
        } else {
            callout.iter().map(|p| p.height).sum::<f32>() + 2.0 * CALLOUT_PAD + CALLOUT_GAP
        };
        // A box beside the text takes no height from the text's pages, but must fit the region.
        let pages = if beside && callout_h <= region.h {
            pack(laid, region.h, 0.0)
        } else {
            pack(laid, region.h, callout_h)
        };
        Plan {
            pages,
            callout,
            callout_h,
        }
    }

    fn callout(
        &mut self,
        paras: Vec<LaidPara>,
        h: f32,
        region: Rect,
        beside: bool,
        after: Option<f32>,
        items: &mut Vec<pages::Item>,
    ) {
        let t = self.theme;
        let rect = if beside {
            Rect::new(
                region.x + region.w * BESIDE_BOX,
                region.y,
                region.w * (1.0 - BESIDE_BOX),
                h - CALLOUT_GAP,
            )
        } else {
            let foot = region.bottom() - h + CALLOUT_GAP;
            let top = after.map_or(foot, |y| (y + CALLOUT_GAP * 1.5).min(foot));
            Rect::new(region.x, top, region.w, h - CALLOUT_GAP)
        };
        items.push(pages::Item::Shape(Shape {
            role: ShapeRole::Callout,
            rect,
            fill: Some(t.callout_fill),
            stroke: Some((t.callout_border, 1.0)),
            radius: 6.0,
        }));
        let mut y = rect.y + CALLOUT_PAD;
        let mut ps = Vec::new();
        for mut lp in paras {
            shift(&mut lp.para, y);
            y += lp.height;
            ps.push(lp.para);
        }
        let inner = Rect::new(
            rect.x + CALLOUT_PAD,
            rect.y + CALLOUT_PAD,
            rect.w - 2.0 * CALLOUT_PAD,
            rect.h - 2.0 * CALLOUT_PAD,
        );
        items.push(text_block(Role::Callout, inner, ps));
    }

    /// Places figures in `col`: side by side when the column is wide, else stacked.
    fn figures(&mut self, figs: &[Figure], col: Rect, items: &mut Vec<pages::Item>) {
        let t = self.theme;
        let n = figs.len().max(1) as f32;
        let across = col.w > col.h * 1.3 && figs.len() > 1;
        let gap = 12.0;
        for (i, f) in figs.iter().enumerate() {
            let cell = if across {
                let cw = (col.w - gap * (n - 1.0)) / n;
                Rect::new(col.x + i as f32 * (cw + gap), col.y, cw, col.h)
            } else {
                let ch = (col.h - gap * (n - 1.0)) / n;
                Rect::new(col.x, col.y + i as f32 * (ch + gap), col.w, ch)
            };
            let mut caps = Vec::new();
            if let Some(c) = &f.caption {
                let mut p = Para::from_rich(c, t.caption_size, t.text, t.link).wrap(Wrap::Phrases);
                p.align = Align::Center;
                caps.push((Role::Caption, p));
            }
            if let Some(c) = &f.credit {
                let mut p =
                    Para::from_rich(c, t.caption_size * 0.85, t.muted, t.link).wrap(Wrap::Phrases);
                p.align = Align::Center;
                caps.push((Role::Note, p));
            }
            let mut laid: Vec<(Role, LaidPara)> = caps
                .into_iter()
                .map(|(r, p)| (r, self.ts.lay(&p, 1.0, cell.x, cell.w)))
                .collect();
            let cap_h: f32 = laid.iter().map(|(_, l)| l.height).sum();
            let img_area = Rect::new(cell.x, cell.y, cell.w, (cell.h - cap_h - 4.0).max(10.0));
            // An unusable file was reported once, with all its places, before layout.
            let Ok(index) = self.images.get(&f.path) else {
                continue;
            };
            let data = &self.images.list[index];
            let px = (data.width_px, data.height_px);
            let fit = images::fit(px, img_area.w, img_area.h);
            self.diags.extend(images::size_warnings(
                f,
                px,
                data.format,
                &fit,
                (img_area.w, img_area.h),
                &self.deck.path,
            ));
            let rect = Rect::new(
                img_area.x + (img_area.w - fit.w) / 2.0,
                img_area.y,
                fit.w,
                fit.h,
            );
            let alt = f.alt.clone().or_else(|| f.caption.as_ref().map(plain));
            items.push(pages::Item::Image(ImageItem {
                image: index,
                rect,
                alt,
            }));
            let mut y = rect.bottom() + 4.0;
            for (role, lp) in laid.iter_mut() {
                shift(&mut lp.para, y);
                let r = Rect::new(cell.x, y, cell.w, lp.height);
                y += lp.height;
                items.push(text_block(*role, r, vec![lp.para.clone()]));
            }
        }
    }

    fn title_page(&mut self, slide: &Slide) -> Page {
        let t = self.theme;
        let m = &self.deck.meta;
        let (w, h) = (self.w, self.h);
        let band = Rect::new(0.0, h * 0.22, w, h * 0.38);
        let mut items = self.band(band, &m.title, 36.0, m.subtitle.as_deref(), 20.0);
        let inner_w = w - 4.0 * t.margin;
        let x = 2.0 * t.margin;

        let mut lines = Vec::new();
        if let Some(a) = &m.affiliation {
            lines.push(Para::plain(a, 16.0, t.text).align(Align::Center));
        }
        if let Some(p) = &m.presenter {
            let mut para = Para::plain(p, 22.0, t.text).bold().align(Align::Center);
            para.space_before = 0.2;
            lines.push(para);
        }
        if let Some(r) = &m.reading {
            lines.push(Para::plain(&format!("({r})"), 13.0, t.muted).align(Align::Center));
        }
        if let Some(d) = m.date {
            let mut para = Para::plain(&d.display(), 16.0, t.text).align(Align::Center);
            para.space_before = 0.4;
            lines.push(para);
        }
        let mut y = band.bottom() + 24.0;
        let mut ps = Vec::new();
        for p in &lines {
            let mut lp = self.ts.lay(p, 1.0, x, inner_w);
            shift(&mut lp.para, y);
            y += lp.height;
            ps.push(lp.para);
        }
        if !ps.is_empty() {
            let top = band.bottom() + 24.0;
            items.push(text_block(
                Role::Subtitle,
                Rect::new(x, top, inner_w, y - top),
                ps,
            ));
        }
        Page {
            kind: PageKind::Title,
            title: m.title.clone(),
            source_line: slide.pos.line,
            background: t.background,
            items,
            notes: None,
            notes_rtl: Vec::new(),
            paper: None,
        }
    }

    /// A full-width colour band with a bold title (and a subtitle) centred on it:
    /// the title and divider slides.
    fn band(
        &mut self,
        band: Rect,
        title: &str,
        size: f32,
        subtitle: Option<&str>,
        sub_size: f32,
    ) -> Vec<pages::Item> {
        let t = self.theme;
        let x = 2.0 * t.margin;
        let inner_w = self.w - 4.0 * t.margin;
        let mut items = vec![pages::Item::Shape(Shape {
            role: ShapeRole::Band,
            rect: band,
            fill: Some(t.band),
            stroke: None,
            radius: 0.0,
        })];
        let mut paras = vec![
            Para::plain(title, size, t.band_text)
                .bold()
                .align(Align::Center)
                .wrap(Wrap::Balanced),
        ];
        if let Some(sub) = subtitle {
            let mut p = Para::plain(sub, sub_size, t.band_text)
                .align(Align::Center)
                .wrap(Wrap::Balanced);
            p.space_before = 0.45;
            paras.push(p);
        }
        let laid: Vec<LaidPara> = paras
            .iter()
            .map(|p| self.ts.lay(p, 1.0, x, inner_w))
            .collect();
        let total: f32 = laid.iter().map(|l| l.height).sum();
        let mut y = band.y + (band.h - total).max(0.0) / 2.0;
        let mut ps = Vec::new();
        for mut lp in laid {
            shift(&mut lp.para, y);
            y += lp.height;
            ps.push(lp.para);
        }
        items.push(text_block(
            Role::Title,
            Rect::new(x, band.y, inner_w, band.h.max(y - band.y)),
            ps,
        ));
        items
    }

    fn divider(&mut self, title: &str, subtitle: Option<&str>, slide: &Slide) -> Page {
        let t = self.theme;
        let band = Rect::new(0.0, self.h * 0.3, self.w, self.h * 0.4);
        let items = self.band(band, title, 34.0, subtitle, 18.0);
        Page {
            kind: PageKind::Divider,
            title: title.to_owned(),
            source_line: slide.pos.line,
            background: t.background,
            items,
            notes: None,
            notes_rtl: Vec::new(),
            paper: None,
        }
    }

    /// Footer furniture as the theme asks: logo, footer text, date, slide number.
    fn footer(&mut self, page: &mut Page, number: usize) {
        let t = self.theme;
        let size = t.footer_size;
        let baseline = self.h - 16.0;
        if t.slide_number {
            let mut run = self.ts.shape_one(
                &number.to_string(),
                size,
                false,
                t.muted,
                None,
                0.0,
                baseline,
            );
            run.x = self.w - t.margin - run.width;
            let rect = Rect::new(
                self.w - t.margin - 60.0,
                baseline - size * 1.2,
                60.0,
                size * 1.6,
            );
            page.items.push(text_block(
                Role::SlideNumber,
                rect,
                vec![single_line_para_aligned(run, size, Align::Right)],
            ));
        }
        let mut x = t.margin;
        if let Some(logo) = &t.logo {
            match self.images.get(logo) {
                Ok(i) => {
                    let d = &self.images.list[i];
                    let h = size * 1.8;
                    let w = h * d.width_px as f32 / d.height_px.max(1) as f32;
                    page.items.push(pages::Item::Image(ImageItem {
                        image: i,
                        rect: Rect::new(x, baseline - h + size * 0.3, w, h),
                        alt: Some("logo".into()),
                    }));
                    x += w + 8.0;
                }
                Err(msg) => {
                    if !self.logo_reported {
                        self.logo_reported = true;
                        self.diags.push(
                            Diagnostic::error(msg)
                                .in_file(logo)
                                .help("fix or remove the theme's footer logo"),
                        );
                    }
                }
            }
        }
        let mut text = String::new();
        if t.footer_text
            && let Some(f) = &self.deck.meta.footer
        {
            text.push_str(f);
        }
        if t.footer_date
            && let Some(d) = self.deck.meta.date
        {
            if !text.is_empty() {
                text.push_str("  ");
            }
            text.push_str(&d.display());
        }
        if !text.is_empty() {
            let run = self
                .ts
                .shape_one(&text, size, false, t.muted, None, x, baseline);
            let width = (self.w - x - t.margin - 70.0).max(run.width);
            let rect = Rect::new(x, baseline - size * 1.2, width, size * 1.6);
            page.items.push(text_block(
                Role::Footer,
                rect,
                vec![single_line_para(run, size)],
            ));
        }
    }
}

/// Packs laid paragraphs into pages of height `cap`; the last page also
/// leaves `tail` for the callout box. Splits a paragraph taller than a page
/// between lines, and keeps a paragraph marked keep-with-next off a page's foot.
fn pack(laid: Vec<LaidPara>, cap: f32, tail: f32) -> Vec<Vec<LaidPara>> {
    let height = |ps: &[LaidPara]| ps.iter().map(|l| l.height).sum::<f32>();
    let mut pages: Vec<Vec<LaidPara>> = Vec::new();
    let mut cur: Vec<LaidPara> = Vec::new();
    let mut queue: std::collections::VecDeque<LaidPara> = laid.into();
    while let Some(lp) = queue.pop_front() {
        let used = height(&cur);
        if used + lp.height <= cap + 0.01 {
            cur.push(lp);
            continue;
        }
        // Lines that still fit, when the paragraph could not fit on any page whole.
        let fit_lines = |room: f32| {
            ((room - lp.para.space_before) / lp.para.line_height)
                .floor()
                .max(0.0) as usize
        };
        let k = fit_lines(cap - used);
        if lp.height > cap && k >= 1 && k < lp.para.lines.len() {
            let (a, b) = split_lines(&lp, k);
            cur.push(a);
            pages.push(std::mem::take(&mut cur));
            queue.push_front(b);
            continue;
        }
        if cur.is_empty() {
            // Taller than a page and not splittable further: it gets a page of its own.
            let k = fit_lines(cap).max(1);
            if k < lp.para.lines.len() {
                let (a, b) = split_lines(&lp, k);
                pages.push(vec![a]);
                queue.push_front(b);
            } else {
                pages.push(vec![lp]);
            }
            continue;
        }
        // A new page; a trailing keep-with-next run moves along with it.
        let mut carry = Vec::new();
        while cur.len() > 1 && cur.last().is_some_and(|l| l.keep_with_next) {
            if let Some(l) = cur.pop() {
                carry.insert(0, l);
            }
        }
        pages.push(std::mem::replace(&mut cur, carry));
        queue.push_front(lp);
    }
    // The callout box needs room on the last page: move paragraphs on if not.
    if tail > 0.0 && height(&cur) + tail > cap + 0.01 {
        let mut moved = Vec::new();
        while cur.len() > 1 && height(&cur) + tail > cap {
            if let Some(l) = cur.pop() {
                moved.insert(0, l);
            }
        }
        while cur.len() > 1 && cur.last().is_some_and(|l| l.keep_with_next) {
            if let Some(l) = cur.pop() {
                moved.insert(0, l);
            }
        }
        pages.push(std::mem::replace(&mut cur, moved));
    }
    if !cur.is_empty() || pages.is_empty() || tail > 0.0 {
        pages.push(cur);
    }
    pages
}

fn text_block(role: Role, rect: Rect, paragraphs: Vec<pages::Paragraph>) -> pages::Item {
    pages::Item::Text(TextBlock {
        role,
        rect,
        paragraphs,
    })
}

fn single_line_para(run: pages::GlyphRun, size: f32) -> pages::Paragraph {
    single_line_para_aligned(run, size, Align::Left)
}

fn single_line_para_aligned(run: pages::GlyphRun, size: f32, align: Align) -> pages::Paragraph {
    let line = pages::Line {
        x: run.x,
        baseline: run.baseline,
        width: run.width,
        runs: vec![run],
        space_after: false,
    };
    pages::Paragraph {
        level: None,
        marker: None,
        bullet: false,
        indent: 0.0,
        align,
        size,
        line_height: size * 1.2,
        space_before: 0.0,
        lines: vec![line],
        rtl: false,
    }
}

#[cfg(test)]
mod pack_tests {
    //! `pack` against page contents worked out by hand: which paragraph
    //! (by label) and how many of its lines land on each page.
    use super::*;

    /// A paragraph labelled `id` of `lines` lines, 10 pt apart, after
    /// `before` points of space; heights as layout computes them.
    fn para(id: u8, lines: usize, before: f32, keep: bool) -> LaidPara {
        para_spaced(id, lines, 10.0, before, keep)
    }

    /// Paragraphs labelled 1, 2, … from (lines, space before, keep with next).
    fn paras(specs: &[(usize, f32, bool)]) -> Vec<LaidPara> {
        let label = |i: usize| u8::try_from(i + 1).unwrap_or(u8::MAX);
        specs
            .iter()
            .enumerate()
            .map(|(i, &(lines, before, keep))| para(label(i), lines, before, keep))
            .collect()
    }

    fn para_spaced(id: u8, lines: usize, line_height: f32, before: f32, keep: bool) -> LaidPara {
        let line = pages::Line {
            x: 0.0,
            baseline: 0.0,
            width: 0.0,
            runs: Vec::new(),
            space_after: false,
        };
        LaidPara {
            para: pages::Paragraph {
                level: Some(id),
                marker: None,
                bullet: false,
                indent: 0.0,
                align: Align::Left,
                size: 10.0,
                line_height,
                space_before: before,
                lines: vec![line; lines],
                rtl: false,
            },
            height: before + lines as f32 * line_height,
            keep_with_next: keep,
        }
    }

    fn packed(laid: Vec<LaidPara>, cap: f32, tail: f32) -> Vec<Vec<(u8, usize)>> {
        pack(laid, cap, tail)
            .iter()
            .map(|page| {
                page.iter()
                    .map(|p| (p.para.level.unwrap_or(0), p.para.lines.len()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn paragraphs_fill_a_page_to_the_last_point() {
        let three = paras(&[(1, 0.0, false), (1, 0.0, false), (1, 0.0, false)]);
        assert_eq!(
            packed(three.clone(), 30.0, 0.0),
            [vec![(1, 1), (2, 1), (3, 1)]]
        );
        // A hundredth of a point over is rounding, not overflow.
        assert_eq!(packed(three.clone(), 29.995, 0.0).len(), 1);
        assert_eq!(
            packed(three, 29.0, 0.0),
            [vec![(1, 1), (2, 1)], vec![(3, 1)]]
        );
    }

    #[test]
    fn a_paragraph_that_fits_a_page_moves_down_whole() {
        // 20 + 40 > 50: the second goes to the next page unsplit.
        let laid = paras(&[(2, 0.0, false), (4, 0.0, false)]);
        assert_eq!(packed(laid, 50.0, 0.0), [vec![(1, 2)], vec![(2, 4)]]);
        // Exactly a page tall is not taller than a page.
        let laid = paras(&[(2, 0.0, false), (5, 0.0, false)]);
        assert_eq!(packed(laid, 50.0, 0.0), [vec![(1, 2)], vec![(2, 5)]]);
    }

    #[test]
    fn a_paragraph_taller_than_a_page_splits_between_lines() {
        // 5 + 100 pt: 4 lines fit under the space before, then 5, then 1.
        let laid = paras(&[(10, 5.0, false)]);
        assert_eq!(
            packed(laid, 50.0, 0.0),
            [vec![(1, 4)], vec![(1, 5)], vec![(1, 1)]]
        );
        // After 20 pt of other text, 3 lines fill the first page's rest.
        let laid = paras(&[(2, 0.0, false), (10, 0.0, false)]);
        assert_eq!(
            packed(laid, 50.0, 0.0),
            [vec![(1, 2), (2, 3)], vec![(2, 5)], vec![(2, 2)]]
        );
    }

    #[test]
    fn a_paragraph_whose_first_line_cannot_fit_takes_a_page_per_line() {
        // 45 pt before the first line leaves no room for one: one line anyway.
        let laid = paras(&[(3, 45.0, false)]);
        assert_eq!(packed(laid, 50.0, 0.0), [vec![(1, 1)], vec![(1, 2)]]);
        // One line taller than the page: a page of its own, nothing after.
        let laid = vec![para_spaced(1, 1, 60.0, 0.0, false)];
        assert_eq!(packed(laid, 50.0, 0.0), [vec![(1, 1)]]);
    }

    /// What each case shows, its paragraphs as (lines, space before, keep
    /// with next), the page height and the callout's, and the pages.
    type Case<'a> = (
        &'a str,
        &'a [(usize, f32, bool)],
        f32,
        f32,
        &'a [&'a [(u8, usize)]],
    );

    fn check(cases: &[Case<'_>]) {
        for &(what, specs, cap, tail, want) in cases {
            let want: Vec<Vec<(u8, usize)>> = want.iter().map(|p| p.to_vec()).collect();
            assert_eq!(packed(paras(specs), cap, tail), want, "{what}");
        }
    }

    #[test]
    fn keep_with_next_moves_to_the_next_page_with_what_follows() {
        let (no, keep) = (false, true);
        check(&[
            (
                "2 keeps with 3, which does not fit: 2 goes along",
                &[(2, 0.0, no), (2, 0.0, keep), (2, 0.0, no)],
                45.0,
                0.0,
                &[&[(1, 2)], &[(2, 2), (3, 2)]],
            ),
            (
                "without the mark, 2 stays",
                &[(2, 0.0, no), (2, 0.0, no), (2, 0.0, no)],
                45.0,
                0.0,
                &[&[(1, 2), (2, 2)], &[(3, 2)]],
            ),
            (
                "a page never empties itself, even when everything keeps",
                &[(2, 0.0, keep), (2, 0.0, keep), (2, 0.0, no)],
                45.0,
                0.0,
                &[&[(1, 2)], &[(2, 2), (3, 2)]],
            ),
        ]);
    }

    #[test]
    fn the_last_page_leaves_room_for_the_callout() {
        let (no, keep) = (false, true);
        check(&[
            (
                "40 + 15 > 50: the second paragraph moves on",
                &[(2, 0.0, no), (2, 0.0, no)],
                50.0,
                15.0,
                &[&[(1, 2)], &[(2, 2)]],
            ),
            (
                "exactly at the tolerance: it stays",
                &[(2, 0.0, no), (2, 0.0, no)],
                50.0,
                (50.0 + 0.01) - 40.0,
                &[&[(1, 2), (2, 2)]],
            ),
            (
                "moves stop as soon as the rest plus the callout fit exactly",
                &[(2, 0.0, no), (1, 0.0, no), (1, 0.0, no), (1, 0.0, no)],
                50.0,
                20.0,
                &[&[(1, 2), (2, 1)], &[(3, 1), (4, 1)]],
            ),
            (
                "the first paragraph stays even when the callout is huge",
                &[(2, 0.0, no), (2, 0.0, no)],
                50.0,
                45.0,
                &[&[(1, 2)], &[(2, 2)]],
            ),
            (
                "a moved paragraph takes the one keeping with it along",
                &[(1, 5.0, no), (1, 5.0, keep), (1, 5.0, no)],
                50.0,
                10.0,
                &[&[(1, 1)], &[(2, 1), (3, 1)]],
            ),
            (
                "but never empties the page it leaves",
                &[(1, 5.0, keep), (1, 5.0, keep), (1, 5.0, no)],
                50.0,
                10.0,
                &[&[(1, 1)], &[(2, 1), (3, 1)]],
            ),
        ]);
    }

    #[test]
    fn a_callout_that_cannot_share_the_only_page_gets_its_own() {
        // Nothing can move (one paragraph): the callout's page is empty.
        let laid = paras(&[(4, 5.0, false)]);
        assert_eq!(packed(laid, 50.0, 10.0), [vec![(1, 4)], vec![]]);
        // With no callout, no empty page.
        let laid = paras(&[(4, 5.0, false)]);
        assert_eq!(packed(laid, 50.0, 0.0), [vec![(1, 4)]]);
        // No paragraphs: one empty page.
        assert_eq!(packed(Vec::new(), 50.0, 0.0), [Vec::<(u8, usize)>::new()]);
    }
}
