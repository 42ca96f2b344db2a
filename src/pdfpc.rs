//! The `.pdfpc` sidecar: speaker notes for presenter tools that show the PDF
//! (pdfpc, and the viewers that read its format, such as Dais).
//!
//! pdfpc's format 2 is JSON: `pdfpcFormat`, then one object per PDF page with
//! its 0-based `idx`, its `label` (a string; pages with the same label are the
//! overlays of one slide) and its `note`. Every surveydeck page is a slide of
//! its own, continuation slides included, so each gets its own label, the
//! page number the PDF's page labels show. Notes are plain text, so Markdown
//! rendering is switched off: a `*` in a note stays a `*`.

use serde::Serialize;

use crate::pages::Document;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct File<'a> {
    pdfpc_format: u32,
    disable_markdown: bool,
    pages: Vec<PageEntry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageEntry<'a> {
    idx: usize,
    label: String,
    overlay: u32,
    forced_overlay: bool,
    hidden: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// The `.pdfpc` file for the PDF written from `doc`.
pub fn pdfpc(doc: &Document) -> String {
    let file = File {
        pdfpc_format: 2,
        disable_markdown: true,
        pages: doc
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| PageEntry {
                idx: i,
                label: (i + 1).to_string(),
                overlay: 0,
                forced_overlay: false,
                hidden: false,
                note: p.notes.as_deref().filter(|n| !n.trim().is_empty()),
            })
            .collect(),
    };
    // Serialising plain strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&file).unwrap_or_default();
    out.push('\n');
    out
}
