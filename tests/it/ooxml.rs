//! The PPTX against the ECMA-376 schemas (an oracle the writer does not
//! share), and snapshots of the PPTX parts for every slide kind.
//!
//! Every XML part of every sample, in every built-in theme, is validated
//! with `xmllint` against `../shared/ooxml-schemas/pptx.xsd` (ECMA-376 5th
//! edition, Transitional; see that folder's README). Under `CI=true` a
//! missing `xmllint` or schema folder fails the test.
//!
//! Re-bless the snapshots with `SURVEYDECK_BLESS=1 cargo test --release --test it ooxml::`.

use crate::common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;
use surveydeck::pages::Document;
use surveydeck::pptx::{PptxOptions, write_pptx};

/// The survey with one slide of every kind (title, agenda, divider, ranking,
/// paper, featured paper, free slides with lead, bullets, figure, callout,
/// notes and links, credits).
const KINDS: &str = "tests/fixtures/kinds.yaml";

fn lay_out(path: &str, theme: &str) -> Document {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = surveydeck::document::load(&root.join(path), &Default::default());
    let deck = loaded
        .deck
        .unwrap_or_else(|| panic!("{path} does not load: {:?}", loaded.diags.items));
    let theme = surveydeck::theme::load(theme, root).expect("built-in theme");
    surveydeck::lay_out_with(&deck, &theme)
        .unwrap_or_else(|d| panic!("{path} does not lay out: {:?}", d.items))
        .0
}

/// `--no-embed-fonts` (other options as by default).
fn without_fonts() -> PptxOptions {
    #[allow(clippy::needless_update)] // more options may come
    let opts = PptxOptions {
        embed_fonts: false,
        ..PptxOptions::default()
    };
    opts
}

/// The parts of a package in stored order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read entry");
            (f.name().expect("entry name").into_owned(), data)
        })
        .collect()
}

/// Whether `pptx.xsd` covers a part: PresentationML, DrawingML, the
/// extended properties, content types and relationships. `docProps/core.xml`
/// needs Dublin Core from the network (see the schemas' README).
fn schema_checked(name: &str) -> bool {
    (name.ends_with(".xml") || name.ends_with(".rels")) && name != "docProps/core.xml"
}

/// Validates every XML part of `bytes`; returns the schema errors.
fn validate(xmllint: &Path, xsd: &Path, bytes: &[u8], label: &str) -> (usize, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (i, (name, data)) in parts(bytes).into_iter().enumerate() {
        if !schema_checked(&name) {
            continue;
        }
        // Flat names keep xmllint's messages short; the index keeps them unique.
        let file = dir.path().join(format!(
            "{i:03}-{}",
            name.replace('/', "_").replace(['[', ']'], "")
        ));
        std::fs::write(&file, data).expect("write part");
        files.push(file);
    }
    assert!(files.len() > 10, "{label}: only {} parts", files.len());
    let out = std::process::Command::new(xmllint)
        .args(["--noout", "--nonet", "--schema"])
        .arg(xsd)
        .args(&files)
        .output()
        .expect("run xmllint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<String> = stderr
        .lines()
        .filter(|l| !l.ends_with(" validates"))
        .map(|l| format!("{label}: {l}"))
        .collect();
    // xmllint exits 3 on invalid documents, 4/5 when the schema does not load.
    assert!(
        out.status.success() || !errors.is_empty(),
        "{label}: xmllint failed ({}) without a message",
        out.status
    );
    let valid = stderr.lines().filter(|l| l.ends_with(" validates")).count();
    assert!(
        out.status.success() || valid < files.len(),
        "{label}: xmllint failed though every part validates: {stderr}"
    );
    (files.len(), errors)
}

#[test]
fn every_part_of_every_sample_and_theme_is_schema_valid() {
    let (Some(xmllint), Some(schemas)) = (common::tool("xmllint"), common::shared("ooxml-schemas"))
    else {
        return;
    };
    let xsd = schemas.join("pptx.xsd");
    let mut errors = Vec::new();
    let mut checked = 0;
    for theme in ["default", "dark", "print"] {
        for survey in [
            "samples/minimal.yaml",
            "samples/2020-10-ai-update.yaml",
            KINDS,
            // Right-to-left paragraphs: `rtl` on a:pPr.
            "tests/fixtures/bidi/survey.yaml",
        ] {
            let doc = lay_out(survey, theme);
            for opts in [PptxOptions::default(), without_fonts()] {
                let bytes = write_pptx(&doc, &opts).expect("write pptx");
                let label = format!("{survey} ({theme}, embed fonts {})", opts.embed_fonts);
                let (n, e) = validate(&xmllint, &xsd, &bytes, &label);
                checked += n;
                errors.extend(e);
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{} schema errors in {checked} parts:\n{}",
        errors.len(),
        errors[..errors.len().min(40)].join("\n")
    );
}

/// The schema check itself catches a schema-invalid part (so a pass above
/// means something): `i="yes"` where the schema wants a boolean.
#[test]
fn the_schema_check_rejects_an_invalid_part() {
    let (Some(xmllint), Some(schemas)) = (common::tool("xmllint"), common::shared("ooxml-schemas"))
    else {
        return;
    };
    let doc = lay_out("samples/minimal.yaml", "default");
    let bytes = write_pptx(&doc, &PptxOptions::default()).expect("write pptx");
    // Rewrite the package with one slide's first run made italic the wrong way.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut broken = false;
    for (name, data) in parts(&bytes) {
        let mut data = data;
        if !broken && name.starts_with("ppt/slides/slide") && name.ends_with(".xml") {
            let xml = String::from_utf8(data).unwrap();
            let bad = xml.replacen("<a:rPr ", "<a:rPr i=\"yes\" ", 1);
            broken = bad != xml;
            data = bad.into_bytes();
        }
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &data).unwrap();
    }
    assert!(broken, "no run to break");
    let bytes = zip.finish().unwrap().into_inner();
    let (_, errors) = validate(&xmllint, &schemas.join("pptx.xsd"), &bytes, "broken");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("'i'") && e.contains("yes")),
        "{errors:?}"
    );
}

/// Re-indents XML so snapshot diffs show one element per line.
fn pretty(xml: &[u8]) -> String {
    let mut r = quick_xml::Reader::from_reader(xml);
    r.config_mut().trim_text(true);
    let mut w = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 1);
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Eof => break,
            e => w.write_event(e).expect("write"),
        }
        buf.clear();
    }
    String::from_utf8(w.into_inner()).unwrap() + "\n"
}

/// Every slide kind through the real layout: each XML part is a snapshot
/// (slides, their relationships, notes, layouts, master, theme, package
/// parts), so any change to the PPTX markup shows up in review.
#[test]
fn pptx_parts_of_every_slide_kind_match_snapshots() {
    let doc = lay_out(KINDS, "default");
    let bytes = write_pptx(&doc, &without_fonts()).expect("write pptx");
    let mut listing = String::new();
    let mut snapshots = BTreeMap::new();
    for (name, data) in parts(&bytes) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            listing.push_str(&format!("{name}\n"));
            let file = name
                .replace('/', "__")
                .replace("[Content_Types]", "Content_Types");
            snapshots.insert(file, pretty(&data));
        } else {
            listing.push_str(&format!("{name} (binary)\n"));
        }
    }
    let dir = "tests/snapshots/pptx-kinds";
    let mut failures = Vec::new();
    for (file, text) in snapshots
        .iter()
        .chain([(&"parts.txt".to_owned(), &listing)])
    {
        failures.extend(common::snapshot_differs(&format!("{dir}/{file}"), text));
    }
    // A stored snapshot of a part that is no longer written fails too.
    let stored = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
    for entry in stored.into_iter().flatten() {
        let n = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !n.ends_with(".new") && n != "parts.txt" && !snapshots.contains_key(&n) {
            failures.push(format!("{dir}/{n}: no such part any more (delete it)"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
