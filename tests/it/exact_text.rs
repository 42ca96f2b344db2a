//! Exact text, white space significant, page by page.
//!
//! - The minimal sample's PDF text (poppler's `pdftotext -raw`) and its
//!   transcript equal texts written by hand from `samples/minimal.yaml`
//!   (`tests/expected/`).

use crate::common;

use std::path::Path;

use surveydeck::pdf::{PdfOptions, write_pdf};

/// The text of every page of `pdf` as `pdftotext -raw` extracts it.
fn pdftotext(pdftotext: &Path, pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deck.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = common::run(
        std::process::Command::new(pdftotext)
            .args(["-raw", "-enc", "UTF-8"])
            .arg(&path)
            .arg("-"),
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    // pdftotext ends every page with a form feed.
    assert_eq!(pages.pop().as_deref(), Some(""), "no form feed at the end");
    pages
}

fn expected(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A visible rendering of a page's first difference (␣ for a space).
fn show_diff(page: usize, want: &str, got: &str) -> String {
    let (w, g): (Vec<char>, Vec<char>) = (want.chars().collect(), got.chars().collect());
    let at = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let window = |s: &[char]| {
        s[at.saturating_sub(30)..(at + 30).min(s.len())]
            .iter()
            .collect::<String>()
            .replace(' ', "␣")
            .replace('\n', "⏎")
    };
    format!(
        "page {page}, character {at}:\n  want …{}…\n  got  …{}…",
        window(&w),
        window(&g)
    )
}

fn compare(label: &str, want: &[String], got: &[String]) {
    assert_eq!(want.len(), got.len(), "{label}: page count");
    let failures: Vec<String> = want
        .iter()
        .zip(got)
        .enumerate()
        .filter(|(_, (w, g))| w != g)
        .map(|(i, (w, g))| show_diff(i + 1, w, g))
        .collect();
    assert!(
        failures.is_empty(),
        "{label}: {} of {} pages differ (␣ is a space):\n{}",
        failures.len(),
        want.len(),
        failures.join("\n")
    );
}

#[test]
fn minimal_sample_pdf_text_is_exactly_the_hand_written_text() {
    let Some(tool) = common::tool("pdftotext") else {
        return;
    };
    let doc = common::sample_with("minimal.yaml", "default");
    let pdf = write_pdf(&doc, &PdfOptions::default()).expect("pdf");
    let want: Vec<String> = expected("minimal.pdf.txt")
        .split('\u{c}')
        .map(str::to_owned)
        .collect();
    let want = &want[..want.len() - 1];
    compare("minimal.pdf", want, &pdftotext(&tool, &pdf));
}

#[test]
fn minimal_sample_transcript_is_exactly_the_hand_written_text() {
    let doc = common::sample_with("minimal.yaml", "default");
    let got = surveydeck::transcript(&doc);
    let want = expected("minimal.transcript.txt");
    assert!(
        got == want,
        "the transcript differs (␣ is a space):\n{}",
        common::diff(&want, &got).replace(' ', "␣")
    );
}
