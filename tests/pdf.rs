//! The PDF's structure, read back with lopdf, and its extracted text.

use std::path::Path;

use lopdf::{Document as Pdf, Object};
use surveydeck::document::{self, LoadOptions};

fn build(name: &str) -> (surveydeck::pages::Document, Vec<u8>) {
    let loaded = document::load(
        Path::new(&format!("samples/{name}")),
        &LoadOptions::default(),
    );
    let deck = loaded.deck.expect("sample loads");
    let (doc, _) = surveydeck::lay_out(&deck).expect("lays out");
    let bytes = surveydeck::pdf::write_pdf(&doc, &Default::default()).expect("writes PDF");
    (doc, bytes)
}

fn name_of(o: &Object) -> String {
    match o {
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    }
}

fn field(dict: &lopdf::Dictionary, key: &[u8]) -> String {
    dict.get(key).map(name_of).unwrap_or_default()
}

#[test]
fn fonts_are_embedded_subsets_with_tounicode() {
    let (_, bytes) = build("minimal.yaml");
    let pdf = Pdf::load_mem(&bytes).expect("parses");
    let mut fonts = 0;
    for (_, obj) in pdf.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if field(dict, b"Type") != "Font" || field(dict, b"Subtype") != "Type0" {
            continue;
        }
        fonts += 1;
        let base = dict.get(b"BaseFont").map(name_of).unwrap_or_default();
        let (tag, rest) = base.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{base}"
        );
        assert!(rest.starts_with("BIZUDPGothic"), "{base}");
        assert!(dict.get(b"ToUnicode").is_ok(), "{base} has no ToUnicode");
        let desc = dict
            .get(b"DescendantFonts")
            .and_then(Object::as_array)
            .expect("descendant");
        let cid = pdf
            .dereference(&desc[0])
            .expect("cid font")
            .1
            .as_dict()
            .expect("dict");
        let fd = pdf
            .dereference(cid.get(b"FontDescriptor").expect("descriptor"))
            .expect("fd")
            .1
            .as_dict()
            .expect("dict");
        assert!(
            fd.get(b"FontFile2").is_ok(),
            "{base} not embedded as TrueType"
        );
    }
    assert!(fonts >= 2, "expected regular and bold, found {fonts}");
}

#[test]
fn pages_links_and_outline() {
    let (doc, bytes) = build("2020-10-ai-update.yaml");
    let pdf = Pdf::load_mem(&bytes).expect("parses");
    assert_eq!(pdf.get_pages().len(), doc.pages.len());
    let mut uris = 0;
    let mut gotos = 0;
    for (_, obj) in pdf.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if field(dict, b"Subtype") == "Link" {
            match dict
                .get(b"A")
                .and_then(|a| pdf.dereference(a))
                .ok()
                .and_then(|(_, a)| a.as_dict().ok().cloned())
            {
                Some(a) if a.get(b"URI").is_ok() => uris += 1,
                _ => gotos += 1,
            }
        }
    }
    assert!(uris >= 20, "{uris} URI links");
    assert!(gotos >= 20, "{gotos} internal links (two rankings of ten)");
    let catalog = pdf.catalog().expect("catalog");
    let outlines = pdf
        .dereference(catalog.get(b"Outlines").expect("outline"))
        .expect("outline")
        .1
        .as_dict()
        .expect("dict");
    assert!(outlines.get(b"First").is_ok());
    assert!(catalog.get(b"PageLabels").is_ok());
    assert_eq!(
        catalog
            .get(b"Lang")
            .ok()
            .and_then(|l| l.as_str().ok())
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .as_deref(),
        Some("ja")
    );
}

#[test]
fn same_input_same_bytes() {
    let (_, a) = build("minimal.yaml");
    let (_, b) = build("minimal.yaml");
    assert!(a == b, "PDF output is not deterministic");
}

#[test]
fn extracted_text_has_no_look_alikes() {
    // pdftotext is optional on a developer machine; CI installs it.
    let (doc, bytes) = build("2020-10-ai-update.yaml");
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("a.pdf");
    std::fs::write(&pdf, &bytes).expect("write");
    let Ok(out) = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
    else {
        eprintln!("pdftotext not installed: skipped");
        return;
    };
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !text
            .chars()
            .any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c) || c == '\u{FFFD}'),
        "look-alike or replacement character in the text"
    );
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    for (i, page) in doc.pages.iter().enumerate() {
        let want = squash(&page.text());
        let got = squash(pages[i]);
        // Every paragraph of the page comes back, in order.
        for line in page.text().lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                got.contains(&squash(line)),
                "page {}: {line:?} not in extracted text",
                i + 1
            );
        }
        assert!(!want.is_empty() || got.is_empty());
    }
}
