//! The PDF against the layout: every run of glyphs the PDF draws starts and
//! ends within 0.5 pt of where `--dump-layout` says it does, on every page
//! of every sample.
//!
//! The positions are read back from the PDF's content streams with lopdf
//! (text and graphics state, `TJ` adjustments and the fonts' `/W` widths),
//! not from the writer's own code, so a glyph drawn anywhere else than the
//! layout put it fails here.

use std::collections::BTreeMap;
use std::path::Path;

use lopdf::{Document, Object, ObjectId};
use serde_json::Value;

const TOLERANCE: f64 = 0.5;

/// A 2×3 affine matrix `[a b c d e f]` as PDF writes it.
#[derive(Clone, Copy, Debug)]
struct M([f64; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply `self` first, then `other`).
    fn then(self, o: M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        M([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(x: f64, y: f64) -> M {
        M([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

/// One text-showing operation as drawn: where its first glyph's origin and
/// its pen after the last glyph are, in layout coordinates (points, y down
/// from the top of the page).
#[derive(Debug)]
struct Drawn {
    start: (f64, f64),
    end: (f64, f64),
    glyphs: usize,
    size: f64,
    /// Each glyph's origin, in drawing order.
    origins: Vec<(f64, f64)>,
}

fn num(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        other => panic!("not a number: {other:?}"),
    }
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).expect("reference resolves"),
        o => o,
    }
}

/// Glyph widths (thousandths of an em) of a Type 0 font by CID, and its default.
fn widths(doc: &Document, font: &lopdf::Dictionary) -> (BTreeMap<u32, f64>, f64) {
    let subtype = font
        .get(b"Subtype")
        .and_then(|s| s.as_name())
        .unwrap_or(b"");
    assert_eq!(subtype, b"Type0", "only Type 0 (CID) fonts are read here");
    let desc = font
        .get(b"DescendantFonts")
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_array())
        .expect("DescendantFonts");
    let cid = resolve(doc, &desc[0])
        .as_dict()
        .expect("CIDFont dictionary");
    let dw = cid.get(b"DW").map(num).unwrap_or(1000.0);
    let mut map = BTreeMap::new();
    if let Ok(w) = cid.get(b"W") {
        let w = resolve(doc, w).as_array().expect("W array");
        let mut i = 0;
        while i < w.len() {
            let first = num(&w[i]) as u32;
            match resolve(doc, &w[i + 1]) {
                Object::Array(list) => {
                    for (k, v) in list.iter().enumerate() {
                        map.insert(first + k as u32, num(v));
                    }
                    i += 2;
                }
                last => {
                    let (last, v) = (num(last) as u32, num(&w[i + 2]));
                    for c in first..=last {
                        map.insert(c, v);
                    }
                    i += 3;
                }
            }
        }
    }
    (map, dw)
}

/// Every text-showing operation of a page, in content order.
fn drawn(doc: &Document, page: ObjectId) -> Vec<Drawn> {
    let height = {
        let dict = doc.get_dictionary(page).expect("page");
        let mb = dict.get(b"MediaBox").expect("MediaBox");
        let mb = resolve(doc, mb).as_array().expect("MediaBox array");
        num(&mb[3]) - num(&mb[1])
    };
    let fonts: BTreeMap<Vec<u8>, (BTreeMap<u32, f64>, f64)> = doc
        .get_page_fonts(page)
        .expect("page fonts")
        .into_iter()
        .map(|(name, f)| (name, widths(doc, f)))
        .collect();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page))
        .expect("content stream parses");
    let mut out = Vec::new();
    let mut stack = Vec::new();
    let mut ctm = M::ID;
    let (mut tm, mut tlm) = (M::ID, M::ID);
    let mut font: Option<&(BTreeMap<u32, f64>, f64)> = None;
    let (mut size, mut tc, mut tz, mut tl, mut rise) = (0.0, 0.0, 1.0, 0.0, 0.0);
    for op in &content.operations {
        let a = &op.operands;
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().expect("balanced q/Q"),
            "cm" => {
                ctm = M([
                    num(&a[0]),
                    num(&a[1]),
                    num(&a[2]),
                    num(&a[3]),
                    num(&a[4]),
                    num(&a[5]),
                ])
                .then(ctm)
            }
            "BT" => (tm, tlm) = (M::ID, M::ID),
            "Tf" => {
                let name = a[0].as_name().expect("font name");
                font = Some(fonts.get(name).expect("font in resources"));
                size = num(&a[1]);
            }
            "Tc" => tc = num(&a[0]),
            "Tz" => tz = num(&a[0]) / 100.0,
            "TL" => tl = num(&a[0]),
            "Ts" => rise = num(&a[0]),
            "Tm" => {
                tlm = M([
                    num(&a[0]),
                    num(&a[1]),
                    num(&a[2]),
                    num(&a[3]),
                    num(&a[4]),
                    num(&a[5]),
                ]);
                tm = tlm;
            }
            "Td" | "TD" => {
                if op.operator == "TD" {
                    tl = -num(&a[1]);
                }
                tlm = M::translate(num(&a[0]), num(&a[1])).then(tlm);
                tm = tlm;
            }
            "T*" => {
                tlm = M::translate(0.0, -tl).then(tlm);
                tm = tlm;
            }
            "Tj" | "TJ" => {
                let (w, dw) = font.expect("a font is set before text");
                let items: Vec<&Object> = match &a[0] {
                    Object::Array(v) => v.iter().collect(),
                    s => vec![s],
                };
                let to_page = |tm: M, tx: f64| {
                    let (x, y) = M::translate(tx, rise).then(tm).then(ctm).apply(0.0, 0.0);
                    (x, height - y)
                };
                let mut tx = 0.0;
                let mut start = None;
                let mut glyphs = 0;
                let mut origins = Vec::new();
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            assert!(bytes.len() % 2 == 0, "two-byte CIDs");
                            for pair in bytes.chunks(2) {
                                let cid = u32::from(pair[0]) << 8 | u32::from(pair[1]);
                                start.get_or_insert_with(|| to_page(tm, tx));
                                origins.push(to_page(tm, tx));
                                let adv = w.get(&cid).copied().unwrap_or(*dw) / 1000.0;
                                tx += (adv * size + tc) * tz;
                                glyphs += 1;
                            }
                        }
                        n => tx -= num(n) / 1000.0 * size * tz,
                    }
                }
                if let Some(start) = start {
                    out.push(Drawn {
                        start,
                        end: to_page(tm, tx),
                        glyphs,
                        size: size * tm.0[0].hypot(tm.0[1]) * ctm.0[0].hypot(ctm.0[1]),
                        origins,
                    });
                }
                tm = M::translate(tx, 0.0).then(tm);
            }
            "'" | "\"" => panic!("the writer does not use ' or \""),
            _ => {}
        }
    }
    out
}

/// A run of the layout dump: its pen start, end and size, with its text.
#[derive(Debug)]
struct Laid {
    x: f64,
    baseline: f64,
    width: f64,
    size: f64,
    text: String,
}

fn laid(run: &Value) -> Laid {
    Laid {
        x: run["x"].as_f64().unwrap(),
        baseline: run["baseline"].as_f64().unwrap(),
        width: run["width"].as_f64().unwrap(),
        size: run["size"].as_f64().unwrap(),
        text: run["text"].as_str().unwrap().to_owned(),
    }
}

/// The runs of one page of the dump in painting order (markers first in
/// their paragraph), leaving out those with nothing to draw.
fn laid_runs(page: &Value) -> Vec<Laid> {
    let mut out = Vec::new();
    for item in page["items"].as_array().unwrap() {
        if item["type"] != "text" {
            continue;
        }
        for para in item["paragraphs"].as_array().unwrap() {
            if !para["marker"].is_null() {
                out.push(laid(&para["marker"]));
            }
            for line in para["lines"].as_array().unwrap() {
                for run in line["runs"].as_array().unwrap() {
                    out.push(laid(run));
                }
            }
        }
    }
    out.retain(|r| !r.text.trim().is_empty());
    out
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() <= TOLERANCE && (a.1 - b.1).abs() <= TOLERANCE
}

/// A laid-out run may be drawn in pieces, one after the other (a glyph
/// followed by a gap is drawn from a wider copy of its face, so the gap does
/// not extract as a space): pieces are joined while a run is not yet at its
/// laid-out end and the next piece starts where the last one ended, in the
/// same size. A piece drawn anywhere else stays apart and fails the test.
fn joined(pieces: Vec<Drawn>, laid: &[Laid]) -> Vec<Drawn> {
    let mut pieces = pieces.into_iter().peekable();
    let mut out: Vec<Drawn> = Vec::new();
    for l in laid {
        let Some(mut d) = pieces.next() else { break };
        let end = (l.x + l.width, l.baseline);
        while !close(d.end, end)
            && pieces
                .peek()
                .is_some_and(|n| close(n.start, d.end) && (n.size - d.size).abs() < 0.01)
        {
            let n = pieces.next().unwrap();
            d.end = n.end;
            d.glyphs += n.glyphs;
        }
        out.push(d);
    }
    out.extend(pieces);
    out
}

/// Builds `survey` with the command line (PDF and layout dump) and compares.
fn check(survey: &str, theme: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("layout.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_surveydeck"))
        .arg("build")
        .arg(root.join(survey))
        .arg("-o")
        .arg(dir.path())
        .args([
            "--format",
            "pdf",
            "--quiet",
            "--theme",
            theme,
            "--dump-layout",
        ])
        .arg(&dump)
        .output()
        .expect("run surveydeck");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let layout: Value = serde_json::from_slice(&std::fs::read(&dump).unwrap()).unwrap();
    let stem = Path::new(survey).file_stem().unwrap().to_str().unwrap();
    let pdf = Document::load(dir.path().join(format!("{stem}.pdf"))).expect("PDF loads");
    let pages = pdf.get_pages();
    let laid_pages = layout["pages"].as_array().unwrap();
    assert_eq!(pages.len(), laid_pages.len(), "{survey}: page count");
    let mut compared = 0;
    for ((n, id), page) in pages.iter().zip(laid_pages) {
        let laid = laid_runs(page);
        let drawn = joined(drawn(&pdf, *id), &laid);
        let label = format!("{survey} ({theme}) page {n}");
        assert_eq!(
            drawn.len(),
            laid.len(),
            "{label}: {} runs drawn, {} laid out:\n{drawn:#?}\n{laid:#?}",
            drawn.len(),
            laid.len()
        );
        for (d, l) in drawn.iter().zip(&laid) {
            let start = (l.x, l.baseline);
            let end = (l.x + l.width, l.baseline);
            assert!(
                close(d.start, start) && close(d.end, end),
                "{label}: {:?} laid out from {start:.2?} to {end:.2?}, drawn from {:.2?} to {:.2?}",
                l.text,
                d.start,
                d.end
            );
            assert!(
                (d.size - l.size).abs() < 0.01,
                "{label}: {:?} laid out at {} pt, drawn at {} pt",
                l.text,
                l.size,
                d.size
            );
            assert!(d.glyphs > 0);
            compared += 1;
        }
    }
    compared
}

#[test]
fn every_glyph_run_is_drawn_where_the_layout_put_it() {
    let mut compared = 0;
    for survey in ["samples/minimal.yaml", "samples/2020-10-ai-update.yaml"] {
        compared += check(survey, "default");
    }
    // The dark and print themes move text (bands, sizes): one sample each.
    for theme in ["dark", "print"] {
        compared += check("samples/minimal.yaml", theme);
    }
    assert!(compared > 1000, "only {compared} runs compared");
}

/// Where the pages model puts each glyph of a page (runs with nothing to
/// draw left out): its pen position moved by the shaper's offsets (y grows
/// downwards).
fn glyph_origins(page: &surveydeck::pages::Page) -> Vec<(f64, f64)> {
    let mut runs = Vec::new();
    for item in &page.items {
        if let surveydeck::pages::Item::Text(t) = item {
            for p in &t.paragraphs {
                runs.extend(&p.marker);
                runs.extend(p.lines.iter().flat_map(|l| &l.runs));
            }
        }
    }
    let mut out = Vec::new();
    for r in runs {
        let mut pen = f64::from(r.x);
        for g in &r.glyphs {
            out.push((
                pen + f64::from(g.dx),
                f64::from(r.baseline) - f64::from(g.dy),
            ));
            pen += f64::from(g.advance);
        }
    }
    out
}

#[test]
fn every_glyph_is_drawn_at_its_pen_position_and_offsets() {
    // Arabic marks (DejaVu Sans positions them with GPOS) have x and y
    // offsets; the PDF must move each glyph by exactly its own.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = surveydeck::document::load(
        &root.join("tests/fixtures/bidi/survey.yaml"),
        &surveydeck::document::LoadOptions::default(),
    );
    let deck = loaded.deck.expect("the bidi survey loads");
    let theme = surveydeck::theme::Theme::default_theme();
    let (doc, _) =
        surveydeck::lay_out_with_fonts(&deck, &theme, &surveydeck::FontOptions::default())
            .expect("lays out");
    let glyphs = || {
        doc.pages
            .iter()
            .flat_map(|p| p.runs())
            .flat_map(|r| &r.glyphs)
    };
    if !glyphs().any(|g| g.dx != 0.0) || !glyphs().any(|g| g.dy != 0.0) {
        // Only DejaVu Sans offsets marks here; the bundled faces do not.
        crate::common::missing("a system font with Arabic marks (fonts-dejavu-core)");
        return;
    }
    let bytes = surveydeck::pdf::write_pdf(&doc, &Default::default()).expect("PDF");
    let pdf = Document::load_mem(&bytes).expect("PDF loads");
    for ((n, id), page) in pdf.get_pages().iter().zip(&doc.pages) {
        let mut drawn: Vec<(f64, f64)> = drawn(&pdf, *id)
            .into_iter()
            .flat_map(|d| d.origins)
            .collect();
        let laid = glyph_origins(page);
        assert_eq!(
            drawn.len(),
            laid.len(),
            "page {n}: glyphs drawn and laid out"
        );
        // Right-to-left words are drawn left to right, several at once, so
        // the painting order is not the runs' order: each laid-out glyph
        // takes the drawn one at its place.
        for (k, l) in laid.iter().enumerate() {
            let at = drawn.iter().position(|d| close(*d, *l));
            let Some(at) = at else {
                panic!("page {n}, glyph {k}: laid out at {l:.2?}, nothing drawn there");
            };
            drawn.swap_remove(at);
        }
    }
}
