//! surveydeck: a structured survey document (YAML) in, finished slides out.
//!
//! The flow runs one way: [`document`] (load and validate) → `layout`
//! (fonts, shaping, line breaking, fitting, pagination) → `pages` (one model
//! of positioned items) → the writers, each reading only the pages.

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
