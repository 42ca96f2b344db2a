//! surveydeck: a structured survey document (YAML) in, finished slides out.
//!
//! The flow runs one way: [`document`] (load and validate) → `layout`
//! (fonts, shaping, line breaking, fitting, pagination) → `pages` (one model
//! of positioned items) → the writers, each reading only the pages.

pub mod compress;
pub mod diag;
pub mod document;
pub mod layout;
pub mod output;
pub mod pages;
pub mod pdf;
pub mod pipeline;
pub mod pptx;
pub mod text;
pub mod theme;

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

/// Lays out a deck with a given theme.
pub fn lay_out_with(
    deck: &document::Deck,
    theme: &theme::Theme,
) -> Result<(pages::Document, Diagnostics), Diagnostics> {
    layout::layout(deck, theme, font_book(theme)?)
}

/// The fonts a theme uses: the bundled ones, after its Latin face if it names one
/// (read once per process).
pub fn font_book(theme: &theme::Theme) -> Result<&'static text::FontBook, Diagnostics> {
    match &theme.latin_font {
        None => Ok(text::FontBook::bundled()),
        Some((regular, bold)) => {
            text::FontBook::with_latin(regular, bold.as_deref()).map_err(|m| Diagnostics {
                items: vec![diag::Diagnostic::error(m).help("fix the theme's `fonts` entry")],
            })
        }
    }
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
    layout::impose::handout(
        doc,
        opts,
        theme,
        font_book(theme).unwrap_or(text::FontBook::bundled()),
    )
}

/// One slide per page with its speaker notes below.
pub fn notes_pages(
    doc: &pages::Document,
    paper: PaperSize,
    theme: &theme::Theme,
) -> pages::Document {
    layout::impose::notes_pages(
        doc,
        paper,
        theme,
        font_book(theme).unwrap_or(text::FontBook::bundled()),
    )
}

/// A Markdown outline for a slide-sharing site's description: sections,
/// slide titles and paper links.
pub fn outline_markdown(doc: &pages::Document) -> String {
    let mut out = format!("# {}\n\n", doc.meta.title);
    for node in &doc.outline {
        out.push_str(&format!("- {} (p. {})\n", node.title, node.page + 1));
        for c in &node.children {
            let link = doc
                .pages
                .get(c.page)
                .and_then(|p| p.urls().into_iter().next());
            match link {
                Some(u) => out.push_str(&format!("  - [{}]({u}) (p. {})\n", c.title, c.page + 1)),
                None => out.push_str(&format!("  - {} (p. {})\n", c.title, c.page + 1)),
            }
        }
    }
    out
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
