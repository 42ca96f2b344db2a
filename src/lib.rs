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
pub mod pptx;
pub mod text;
pub mod theme;

use diag::Diagnostics;

/// Lays out a loaded deck with the bundled fonts and the deck's theme.
pub fn lay_out(deck: &document::Deck) -> Result<(pages::Document, Diagnostics), Diagnostics> {
    let theme = theme::Theme::default_theme();
    layout::layout(deck, &theme, text::FontBook::bundled())
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
pub fn handout(doc: &pages::Document, opts: &HandoutOptions) -> pages::Document {
    layout::impose::handout(
        doc,
        opts,
        &theme::Theme::default_theme(),
        text::FontBook::bundled(),
    )
}

/// One slide per page with its speaker notes below.
pub fn notes_pages(doc: &pages::Document, paper: PaperSize) -> pages::Document {
    layout::impose::notes_pages(
        doc,
        paper,
        &theme::Theme::default_theme(),
        text::FontBook::bundled(),
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
