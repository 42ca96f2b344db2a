//! Tagged PDF: the structure tree read back, and PDF/UA-1 on the samples.

use crate::common;

use std::path::Path;

use lopdf::{Document as Pdf, Object};
use surveydeck::document::{self, LoadOptions};
use surveydeck::pdf::{PdfOptions, Standard};

fn sample(name: &str) -> surveydeck::pages::Document {
    let loaded = document::load(
        Path::new(&format!("samples/{name}")),
        &LoadOptions::default(),
    );
    surveydeck::lay_out(&loaded.deck.expect("loads"))
        .expect("lays out")
        .0
}

fn name(o: &Object) -> String {
    match o {
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    }
}

#[test]
fn structure_tree_has_the_expected_roles() {
    let doc = sample("2020-10-ai-update.yaml");
    let bytes = surveydeck::pdf::write_pdf(&doc, &PdfOptions::default()).expect("pdf");
    let pdf = Pdf::load_mem(&bytes).expect("parses");
    let catalog = pdf.catalog().expect("catalog");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "no structure tree");
    let mark = pdf
        .dereference(catalog.get(b"MarkInfo").expect("MarkInfo"))
        .expect("markinfo")
        .1
        .as_dict()
        .expect("dict")
        .clone();
    assert_eq!(
        mark.get(b"Marked").and_then(Object::as_bool).ok(),
        Some(true)
    );
    assert!(catalog.get(b"Lang").is_ok());
    let mut roles = std::collections::BTreeMap::<String, usize>::new();
    let mut figures_without_alt = 0;
    for (_, obj) in pdf.objects.iter() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").map(name).unwrap_or_default() != "StructElem" {
            continue;
        }
        let role = d.get(b"S").map(name).unwrap_or_default();
        if role == "Figure" && d.get(b"Alt").is_err() {
            figures_without_alt += 1;
        }
        *roles.entry(role).or_default() += 1;
    }
    for r in [
        "Sect", "H1", "H2", "P", "L", "LI", "LBody", "Lbl", "Link", "Figure", "Note", "Caption",
    ] {
        assert!(
            roles.get(r).copied().unwrap_or(0) > 0,
            "no {r} element: {roles:?}"
        );
    }
    assert_eq!(figures_without_alt, 0);
}

#[test]
fn reading_order_of_the_structure_equals_the_pages() {
    let doc = sample("minimal.yaml");
    let bytes = surveydeck::pdf::write_pdf(&doc, &PdfOptions::default()).expect("pdf");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let Ok(out) = std::process::Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&path)
        .output()
    else {
        common::missing("the tool `pdfinfo`");
        return;
    };
    let listing = String::from_utf8_lossy(&out.stdout);
    // Text leaves are quoted lines; join them in order.
    let got: String = listing
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"').and_then(|l| l.strip_suffix('"')))
        .collect();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let want: String = doc.pages.iter().map(|p| p.text()).collect();
    assert_eq!(squash(&got), squash(&want));
}

#[test]
fn pdf_ua1_holds_on_every_sample() {
    for name in ["2020-10-ai-update.yaml", "minimal.yaml"] {
        let doc = sample(name);
        let opts = PdfOptions {
            tagged: true,
            standards: vec![Standard::Ua1],
        };
        if let Err(e) = surveydeck::pdf::write_pdf(&doc, &opts) {
            panic!("{name}: {e}");
        }
    }
}

#[test]
fn tagging_can_be_turned_off() {
    let doc = sample("minimal.yaml");
    let bytes = surveydeck::pdf::write_pdf(
        &doc,
        &PdfOptions {
            tagged: false,
            standards: vec![],
        },
    )
    .expect("pdf");
    let pdf = Pdf::load_mem(&bytes).expect("parses");
    assert!(
        pdf.catalog()
            .expect("catalog")
            .get(b"StructTreeRoot")
            .is_err()
    );
    // Nor do its pages ask readers to tab through links in structure
    // order (`/Tabs /S`): there is no structure to follow.
    for (n, id) in pdf.get_pages() {
        let page = pdf.get_object(id).and_then(Object::as_dict).expect("page");
        assert!(
            page.get(b"Tabs").map(name).ok().as_deref() != Some("S"),
            "page {n} tabs in structure order"
        );
    }
}

/// Each standard asked for is declared where ISO 19005 and ISO 14289 say
/// a reader finds it: the document's XMP metadata (`pdfaid:part` and
/// `pdfaid:conformance`, `pdfuaid:part`), and only those asked for.
#[test]
fn standards_are_declared_in_the_metadata() {
    let doc = sample("minimal.yaml");
    let cases = [
        (
            Standard::A2b,
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>B<",
        ),
        (
            Standard::A2u,
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>U<",
        ),
        (
            Standard::A2a,
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>A<",
        ),
        (
            Standard::Ua1,
            "<pdfuaid:part>1</pdfuaid:part>",
            "<pdfuaid:part>1<",
        ),
    ];
    for (standard, part, conformance) in cases {
        let opts = PdfOptions {
            tagged: true,
            standards: vec![standard],
        };
        let bytes = surveydeck::pdf::write_pdf(&doc, &opts).expect("pdf");
        let pdf = Pdf::load_mem(&bytes).expect("parses");
        let id = pdf
            .catalog()
            .expect("catalog")
            .get(b"Metadata")
            .and_then(Object::as_reference)
            .unwrap_or_else(|_| panic!("{standard:?}: no XMP metadata"));
        let stream = pdf
            .get_object(id)
            .and_then(Object::as_stream)
            .expect("stream");
        let xmp = String::from_utf8(
            stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone()),
        )
        .expect("UTF-8 XMP");
        assert!(
            xmp.contains(part) && xmp.contains(conformance),
            "{standard:?} not declared:\n{xmp}"
        );
        let other = if part.starts_with("<pdfaid") {
            "pdfuaid:part"
        } else {
            "pdfaid:part"
        };
        assert!(!xmp.contains(other), "{standard:?} declares {other}");
    }
}
