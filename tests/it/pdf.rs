//! The PDF's structure, read back with lopdf, and its extracted text.

use crate::common;

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
    let Some(text) = common::poppler_text(&pdf) else {
        return;
    };
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

/// The IDAT data of a PNG file, concatenated (its one zlib stream).
fn idat(png: &[u8]) -> Vec<u8> {
    let mut rest = &png[8..];
    let mut out = Vec::new();
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        if &rest[4..8] == b"IDAT" {
            out.extend_from_slice(&rest[8..8 + len]);
        }
        rest = &rest[12 + len..];
    }
    out
}

/// Image XObjects of a PDF: (filter, has DecodeParms, raw stream bytes).
fn images(pdf: &Pdf) -> Vec<(String, bool, Vec<u8>)> {
    pdf.objects
        .values()
        .filter_map(|o| match o {
            Object::Stream(s) if field(&s.dict, b"Subtype") == "Image" => Some((
                field(&s.dict, b"Filter"),
                s.dict.get(b"DecodeParms").is_ok(),
                s.content.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// JPEG figures go into the PDF byte for byte, and so do plain PNGs: their
/// zlib data with the PNG predictors, decoding to the PNG's own pixels.
/// Under a PDF standard (no embedded pages allowed) PNGs are decoded and
/// re-compressed by krilla instead, and every figure is still there.
#[test]
fn figures_pass_through_as_they_are() {
    let (doc, bytes) = build("2020-10-ai-update.yaml");
    let pdf = Pdf::load_mem(&bytes).unwrap();
    let found = images(&pdf);
    assert_eq!(found.len(), doc.images.len(), "each figure once");
    for d in &doc.images {
        let want = match d.format {
            surveydeck::pages::ImageFormat::Jpeg => ("DCTDecode", false, d.bytes.to_vec()),
            surveydeck::pages::ImageFormat::Png => ("FlateDecode", true, idat(&d.bytes)),
        };
        assert!(
            found
                .iter()
                .any(|(f, parms, data)| (f.as_str(), *parms, data) == (want.0, want.1, &want.2)),
            "{} is not in the PDF as it is",
            d.path.display()
        );
    }
    // The passed-through data decodes (predictors undone) to the PNG's pixels.
    let png = doc
        .images
        .iter()
        .find(|d| d.format == surveydeck::pages::ImageFormat::Png)
        .expect("the sample has PNG figures");
    let mut reader = ::png::Decoder::new(std::io::Cursor::new(png.bytes.as_slice()))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(frame.buffer_size());
    let stream = pdf
        .objects
        .values()
        .find_map(|o| match o {
            Object::Stream(s) if s.content == idat(&png.bytes) => Some(s.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(stream.decompressed_content().unwrap(), pixels);

    let (_, strict) = {
        let loaded = document::load(
            Path::new("samples/2020-10-ai-update.yaml"),
            &LoadOptions::default(),
        );
        let (doc, _) = surveydeck::lay_out(&loaded.deck.unwrap()).unwrap();
        let opts = surveydeck::pdf::PdfOptions {
            standards: vec![surveydeck::pdf::Standard::Ua1],
            ..Default::default()
        };
        let bytes = surveydeck::pdf::write_pdf(&doc, &opts).unwrap();
        (doc, bytes)
    };
    let strict = images(&Pdf::load_mem(&strict).unwrap());
    assert_eq!(strict.len(), doc.images.len());
    assert!(
        strict.iter().all(|(_, parms, _)| !parms),
        "krilla's own encoding under PDF/UA"
    );
}
