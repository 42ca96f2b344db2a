//! surveydeck: a structured survey document (YAML) in, finished slides out.
//!
//! The flow runs one way: [`document`] (load and validate) → `layout`
//! (fonts, shaping, line breaking, fitting, pagination) → `pages` (one model
//! of positioned items) → the writers, each reading only the pages.

pub mod compress;
pub mod destination;
pub mod diag;
pub mod document;
pub mod import;
pub mod layout;
pub mod output;
pub mod pages;
pub mod pdf;
pub mod pdfpc;
pub mod pipeline;
pub mod png;
pub mod pptx;
pub mod references;
pub mod sfnt;
pub mod text;
pub mod theme;
pub mod watch;

use diag::Diagnostics;

/// Lays out a loaded deck with the deck's theme (or the default one).
pub fn lay_out(deck: &document::Deck) -> Result<(pages::Document, Diagnostics), Diagnostics> {
    let theme = theme_for(deck, None)?;
    lay_out_with(deck, &theme)
}

/// The theme a deck asks for, or `name` (from `--theme`) when given. A name
/// is a built-in theme or a path: the deck's relative to the survey's folder,
/// `--theme`'s relative to the current folder.
pub fn theme_for(deck: &document::Deck, name: Option<&str>) -> Result<theme::Theme, Diagnostics> {
    match (name, &deck.meta.theme) {
        (Some(n), _) => theme::load(n, std::path::Path::new(".")),
        (None, Some((n, pos))) => theme::load(n, &deck.base_dir).map_err(|mut d| {
            d.push(
                diag::Diagnostic::note(format!("the survey asks for theme `{n}` here"))
                    .at(&deck.path, *pos),
            );
            d
        }),
        (None, None) => Ok(theme::Theme::default_theme()),
    }
}

pub use text::FontOptions;

/// Lays out a deck with a given theme, with fallback faces from the
/// system's fonts.
pub fn lay_out_with(
    deck: &document::Deck,
    theme: &theme::Theme,
) -> Result<(pages::Document, Diagnostics), Diagnostics> {
    lay_out_with_fonts(deck, theme, &FontOptions::default())
}

/// Lays out a deck with a given theme, taking faces for characters the
/// bundled and theme fonts lack from `fonts` (`--font-path` folders, then
/// system fonts unless `--ignore-system-fonts`). Layout runs a second time
/// only when the first one met such characters and a face for them was found.
pub fn lay_out_with_fonts(
    deck: &document::Deck,
    theme: &theme::Theme,
    fonts: &FontOptions,
) -> Result<(pages::Document, Diagnostics), Diagnostics> {
    let (base, mut font_diags) = theme_book(theme, fonts)?;
    let (mut doc, mut diags, mut missing) = layout::layout(deck, theme, base)?;
    missing_in_notes(&doc, base, &mut missing);
    if !missing.is_empty() {
        let mut chars: Vec<char> = missing.iter().map(|m| m.0).collect();
        chars.sort_unstable();
        let extra = text::fallback::resolve(&chars, fonts);
        if !extra.families.is_empty() {
            let book = base
                .extended(&extra.families, &extra.chars)
                .map_err(font_error)?;
            (doc, diags, missing) = layout::layout(deck, theme, book)?;
            missing_in_notes(&doc, book, &mut missing);
        }
    }
    font_diags.extend(diags);
    for d in layout::missing_warnings(deck, &missing, fonts) {
        font_diags.push(d);
    }
    Ok((doc, font_diags))
}

/// Characters of speaker notes (drawn on notes pages) that no face has.
fn missing_in_notes(doc: &pages::Document, book: &text::FontBook, out: &mut Vec<layout::Missing>) {
    for c in doc
        .pages
        .iter()
        .filter_map(|p| p.notes.as_deref())
        .flat_map(str::chars)
    {
        if !c.is_whitespace()
            && !c.is_control()
            && book.face_for(c, false).is_none()
            && !out.iter().any(|m| m.0 == c)
        {
            out.push((c, diag::Pos::default()));
        }
    }
}

fn font_error(m: String) -> Diagnostics {
    Diagnostics {
        items: vec![diag::Diagnostic::error(m).help("fix the theme's `fonts` entry")],
    }
}

/// The fonts a theme uses: the bundled ones, after its Latin face if it names one
/// (read once per process), then its fallback list.
pub fn font_book(theme: &theme::Theme) -> Result<&'static text::FontBook, Diagnostics> {
    theme_book(theme, &FontOptions::default()).map(|(b, _)| b)
}

fn theme_book(
    theme: &theme::Theme,
    fonts: &FontOptions,
) -> Result<(&'static text::FontBook, Diagnostics), Diagnostics> {
    let base = match &theme.latin_font {
        None => text::FontBook::bundled(),
        Some((regular, bold)) => {
            text::FontBook::with_latin(regular, bold.as_deref()).map_err(font_error)?
        }
    };
    let mut diags = Diagnostics::default();
    let mut families = Vec::new();
    for f in &theme.fallback_fonts {
        match f {
            theme::FallbackFont::File(p) => families.push(text::FallbackFamily {
                regular: text::fallback::FaceRef {
                    path: p.clone(),
                    index: 0,
                },
                bold: None,
            }),
            theme::FallbackFont::Family(name) => {
                match text::fallback::family_by_name(name, fonts) {
                    Some(f) => families.push(f),
                    None => diags.push(
                        diag::Diagnostic::warning(format!(
                            "the theme's fallback font `{name}` is not installed"
                        ))
                        .help("install it, pass its folder with --font-path, or name a font file"),
                    ),
                }
            }
        }
    }
    Ok((base.extended(&families, &[]).map_err(font_error)?, diags))
}

/// The commented starter survey written by `surveydeck new`.
pub const STARTER: &str = include_str!("../templates/starter.yaml");

/// The plain-text transcript: "Slide N", the slide's text in reading order, and its notes.
pub fn transcript(doc: &pages::Document) -> String {
    let mut out = String::new();
    for (i, page) in doc.pages.iter().enumerate() {
        out.push_str(&format!("Slide {}\n\n", i + 1));
        out.push_str(&page.text());
        if let Some(n) = &page.notes {
            out.push_str(&format!("\nNotes: {n}\n"));
        }
        out.push('\n');
    }
    out
}

pub use layout::impose::{HandoutOptions, Order, PaperSize};

/// Slides imposed N to a printed page (same pages, scaled as vector content).
pub fn handout(
    doc: &pages::Document,
    opts: &HandoutOptions,
    theme: &theme::Theme,
) -> pages::Document {
    layout::impose::handout(doc, opts, theme, book_of(doc, theme))
}

/// One slide per page with its speaker notes below, continued on further
/// pages when they are long; with `qr`, each paper's slide has a QR code of
/// its link beside it.
pub fn notes_pages(
    doc: &pages::Document,
    paper: PaperSize,
    theme: &theme::Theme,
    qr: bool,
) -> pages::Document {
    layout::notes::notes_pages(doc, paper, theme, book_of(doc, theme), qr)
}

/// The faces a laid-out document was shaped with (its fallback faces included).
fn book_of(doc: &pages::Document, theme: &theme::Theme) -> &'static text::FontBook {
    text::FontBook::matching(&doc.fonts)
        .or_else(|| font_book(theme).ok())
        .unwrap_or(text::FontBook::bundled())
}

/// A Markdown outline for a slide-sharing site's description: sections,
/// slide titles and paper links.
pub fn outline_markdown(doc: &pages::Document) -> String {
    let mut out = format!("# {}\n\n", doc.meta.title);
    for node in &doc.outline {
        out.push_str(&format!("- {} (p. {})\n", node.title, node.page + 1));
        for c in &node.children {
            match paper_link(doc, c.page) {
                Some(u) => out.push_str(&format!("  - [{}]({u}) (p. {})\n", c.title, c.page + 1)),
                None => out.push_str(&format!("  - {} (p. {})\n", c.title, c.page + 1)),
            }
        }
    }
    out
}

/// The link of the paper that the paper slide starting at page `first`
/// presents: the URL shown as its own text (the paper's link line), else the
/// first URL, searched over the slide's continuation pages too (a split
/// slide shows the link on its last page). Other slides have none: a free
/// slide's links are figure credits and the like, not what it is about.
fn paper_link(doc: &pages::Document, first: usize) -> Option<String> {
    let start = doc.pages.get(first)?;
    if start.kind != pages::PageKind::Paper {
        return None;
    }
    let slide: Vec<&pages::Page> = doc.pages[first..]
        .iter()
        .take_while(|p| p.kind == start.kind && p.source_line == start.source_line)
        .collect();
    let shown = slide
        .iter()
        .flat_map(|p| p.runs())
        .find_map(|r| match &r.link {
            Some(pages::Link::Url(u)) if r.text.trim() == u.trim() => Some(u.clone()),
            _ => None,
        });
    shown.or_else(|| slide.iter().find_map(|p| p.urls().into_iter().next()))
}

/// The built-in themes with their one-line descriptions.
pub fn themes() -> Vec<(String, String)> {
    theme::BUILTIN
        .iter()
        .map(|(n, _)| {
            let d = theme::load(n, std::path::Path::new("."))
                .map(|t| t.description)
                .unwrap_or_default();
            (n.to_string(), d)
        })
        .collect()
}
