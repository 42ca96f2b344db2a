//! Handouts, notes pages and the transcript, from the reference sample.

use crate::common;

use std::path::Path;

use lopdf::{Document as Pdf, Object};
use surveydeck::document::{self, LoadOptions};
use surveydeck::layout::impose::{PER_PAGE, slots};
use surveydeck::pages::{Document, Item, Link};
use surveydeck::theme::Theme;
use surveydeck::{HandoutOptions, Order, PaperSize};

fn sample() -> Document {
    let loaded = document::load(
        Path::new("samples/2020-10-ai-update.yaml"),
        &LoadOptions::default(),
    );
    surveydeck::lay_out(&loaded.deck.expect("loads"))
        .expect("lays out")
        .0
}

#[test]
fn handout_pages_count_and_size() {
    let doc = sample();
    for &n in PER_PAGE {
        let opts = HandoutOptions {
            per_page: n,
            paper: PaperSize::A4,
            order: Order::Across,
            qr: false,
        };
        let h = surveydeck::handout(&doc, &opts, &Theme::default_theme());
        assert_eq!(h.pages.len(), doc.pages.len().div_ceil(n), "{n}-up");
        let (a, b) = (h.width.min(h.height), h.width.max(h.height));
        assert!(
            (a - 595.28).abs() < 0.1 && (b - 841.89).abs() < 0.1,
            "{n}-up is not A4: {} × {}",
            h.width,
            h.height
        );
        let pdf = surveydeck::pdf::write_pdf(&h, &Default::default()).expect("handout PDF");
        assert_eq!(
            Pdf::load_mem(&pdf).expect("parses").get_pages().len(),
            h.pages.len()
        );
    }
    let letter = surveydeck::handout(
        &doc,
        &HandoutOptions {
            per_page: 6,
            paper: PaperSize::Letter,
            order: Order::Across,
            qr: false,
        },
        &Theme::default_theme(),
    );
    assert!((letter.width - 612.0).abs() < 0.1 && (letter.height - 792.0).abs() < 0.1);
}

/// Four slides a sheet, A4, down the columns, no QR codes.
const FOUR_UP: HandoutOptions = HandoutOptions {
    per_page: 4,
    paper: PaperSize::A4,
    order: Order::Down,
    qr: false,
};

#[test]
fn slides_land_in_their_slots_with_links_at_the_scaled_place() {
    let doc = sample();
    let opts = FOUR_UP;
    let h = surveydeck::handout(&doc, &opts, &Theme::default_theme());
    let (_, _, rects) = slots(&opts, doc.width, doc.height);
    // Sheet 1 holds slides 1–4 (the ranking is slide 4): every run lies in its slot.
    let sheet = &h.pages[0];
    let mut internal = Vec::new();
    for r in sheet.runs() {
        if let Some(Link::Page(p)) = &r.link {
            let slot = rects[3];
            assert!(
                slot.contains(&r.rect()),
                "link run {:?} outside the ranking's slot",
                r.text
            );
            internal.push(*p);
        }
    }
    assert!(!internal.is_empty(), "the ranking's links were lost");
    // Links point at the sheet that holds the paper's slide.
    let first_paper = doc
        .pages
        .iter()
        .position(|p| p.title.starts_with("① "))
        .expect("paper page");
    assert!(internal.contains(&(first_paper / 4)), "{internal:?}");

    // And in the PDF, each link annotation sits inside a slot.
    let pdf = Pdf::load_mem(&surveydeck::pdf::write_pdf(&h, &Default::default()).expect("pdf"))
        .expect("parses");
    let page_id = pdf.get_pages()[&1];
    let page = pdf
        .get_object(page_id)
        .and_then(Object::as_dict)
        .expect("page");
    let annots = page
        .get(b"Annots")
        .and_then(Object::as_array)
        .expect("annotations on sheet 1");
    for a in annots {
        let a = pdf
            .dereference(a)
            .expect("annot")
            .1
            .as_dict()
            .expect("dict");
        let r: Vec<f32> = a
            .get(b"Rect")
            .and_then(Object::as_array)
            .expect("rect")
            .iter()
            .map(|v| v.as_float().unwrap_or(0.0))
            .collect();
        // PDF space is y-up: convert back to our top-left origin.
        let (x0, y0, x1, y1) = (
            r[0].min(r[2]),
            h.height - r[1].max(r[3]),
            r[0].max(r[2]),
            h.height - r[1].min(r[3]),
        );
        let inside = rects.iter().any(|s| {
            x0 >= s.x - 0.5 && x1 <= s.right() + 0.5 && y0 >= s.y - 1.0 && y1 <= s.bottom() + 1.0
        });
        assert!(inside, "annotation {r:?} is outside every slot");
    }
}

#[test]
fn notes_pages_carry_the_notes() {
    let doc = sample();
    let notes = surveydeck::notes_pages(&doc, PaperSize::A4, &Theme::default_theme(), false);
    assert_eq!(notes.pages.len(), doc.pages.len());
    let (i, src) = doc
        .pages
        .iter()
        .enumerate()
        .find(|(_, p)| p.notes.is_some())
        .expect("the sample has notes");
    let text = notes.pages[i].text();
    let first = src
        .notes
        .as_deref()
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(
        squash(&text).contains(&squash(first)),
        "notes missing on notes page {}",
        i + 1
    );
}

// The transcript is compared with a hand-written text in tests/it/exact_text.rs.
#[test]
fn outline_names_the_deck_and_links_the_papers() {
    let doc = sample();
    let md = surveydeck::outline_markdown(&doc);
    assert!(md.starts_with("# AI 最新技術 Update 会 10月"));
    assert!(md.contains("](http://arxiv.org/abs/2009.05041v2)"));
}

#[test]
fn six_up_handout_is_small() {
    let doc = sample();
    let h = surveydeck::handout(
        &doc,
        &HandoutOptions {
            per_page: 6,
            paper: PaperSize::A4,
            order: Order::Across,
            qr: false,
        },
        &Theme::default_theme(),
    );
    let bytes = surveydeck::pdf::write_pdf(&h, &Default::default()).expect("pdf");
    assert!(
        bytes.len() < 2 * 1024 * 1024,
        "6-up handout is {} bytes",
        bytes.len()
    );
}

/// A slide split into "(1/2)" and "(2/2)" keeps its notes on every page:
/// the continuation's notes say so first and then repeat them, and its notes
/// page and transcript entry show them.
#[test]
fn continuation_pages_carry_the_notes() {
    let doc = sample();
    let notes = surveydeck::notes_pages(&doc, PaperSize::A4, &Theme::default_theme(), false);
    let t = surveydeck::transcript(&doc);
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut continued = 0;
    for (i, page) in doc.pages.iter().enumerate() {
        if !page.title.ends_with("/2)") || page.title.ends_with("(1/2)") {
            continue;
        }
        let first = &doc.pages[i - 1];
        assert!(first.title.ends_with("(1/2)"), "slide {}", i + 1);
        let Some(own) = first.notes.as_deref() else {
            continue;
        };
        continued += 1;
        let n = page.notes.as_deref().expect("continuation has notes");
        assert_eq!(n, format!("{}\n{own}", surveydeck::layout::CONTINUED));
        let sheet = squash(&notes.pages[i].text());
        assert!(sheet.contains(&squash(own)), "notes page {}", i + 1);
        assert!(
            t.contains(&format!("\nNotes: {n}\n")),
            "transcript {}",
            i + 1
        );
    }
    assert!(continued >= 2, "the sample splits two slides with notes");
}

/// The Markdown outline links every paper slide to its paper, also one split
/// into continuation slides (whose link is on its last page), and links no
/// other slide (a free slide's links are figure credits).
#[test]
fn outline_links_papers_and_only_papers() {
    use surveydeck::pages::PageKind;
    let doc = sample();
    let md = surveydeck::outline_markdown(&doc);
    let mut papers = 0;
    for node in doc.outline.iter().flat_map(|n| n.children.iter()) {
        let line = md
            .lines()
            .find(|l| l.ends_with(&format!("(p. {})", node.page + 1)) && l.starts_with("  - "))
            .unwrap_or_else(|| panic!("no outline line for page {}", node.page + 1));
        let linked = line.starts_with("  - [") && line.contains("](http");
        if doc.pages[node.page].kind == PageKind::Paper {
            papers += 1;
            assert!(linked, "paper slide without its link: {line}");
        } else {
            assert!(!linked, "a slide that is not a paper links: {line}");
        }
    }
    assert!(papers >= 20, "{papers} paper slides in the outline");
    // The split slide "(1/2)", "(2/2)" keeps its paper's link.
    assert!(md.contains("](http://arxiv.org/abs/2009.01797"), "{md}");
}

/// Every paper slide's QR code on a printed handout decodes, at 150 dpi, to
/// the paper's link: read back by zbar from pdftoppm's rendering.
#[test]
fn handout_qr_codes_decode_to_the_paper_links() {
    if common::tool("zbarimg").is_none() || common::tool("pdftoppm").is_none() {
        return;
    }
    let doc = sample();
    let mut expected: Vec<String> = doc
        .pages
        .iter()
        .filter_map(|p| p.paper.as_ref().map(|r| r.url.clone()))
        .collect();
    expected.sort();
    expected.dedup();
    assert!(expected.len() >= 10, "the sample presents papers");
    let theme = Theme::default_theme();
    let printed = [3, 9, 0].map(|n| match n {
        // 0: notes pages, one slide each.
        0 => (
            "notes pages".to_owned(),
            surveydeck::notes_pages(&doc, PaperSize::A4, &theme, true),
        ),
        n => (
            format!("{n}-up"),
            surveydeck::handout(
                &doc,
                &HandoutOptions {
                    per_page: n,
                    paper: PaperSize::A4,
                    order: Order::Across,
                    qr: true,
                },
                &theme,
            ),
        ),
    });
    for (n, h) in printed {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("h.pdf");
        std::fs::write(
            &pdf,
            surveydeck::pdf::write_pdf(&h, &Default::default()).unwrap(),
        )
        .unwrap();
        let ok = std::process::Command::new("pdftoppm")
            // Grey PGM, not PNG: zbar reads it as well and the test runs in
            // a third of the time (no PNG compression of 100 A4 pages).
            .args(["-r", "150", "-gray"])
            .arg(&pdf)
            .arg(dir.path().join("p"))
            .status()
            .unwrap();
        assert!(ok.success());
        let mut pages: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
            .collect();
        pages.sort();
        let out = std::process::Command::new("zbarimg")
            .args(["-q", "--raw"])
            .args(&pages)
            .output()
            .unwrap();
        let mut found: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        let codes = found.len();
        found.sort();
        found.dedup();
        assert_eq!(
            found, expected,
            "{n}: decoded links differ from the papers' links"
        );
        let paper_pages = doc.pages.iter().filter(|p| p.paper.is_some()).count();
        assert_eq!(codes, paper_pages, "{n}: one code per paper slide");
    }
}

/// Every stroke on a handout sheet (the slots' grey hairline frames, a
/// callout's border inside a slide) is drawn in the PDF with the width and
/// colour the pages model gives it (widths scaled with their slide).
#[test]
fn strokes_are_drawn_at_their_width() {
    let doc = sample();
    let opts = FOUR_UP;
    let h = surveydeck::handout(&doc, &opts, &Theme::default_theme());
    let bytes = surveydeck::pdf::write_pdf(&h, &Default::default()).expect("pdf");
    let pdf = Pdf::load_mem(&bytes).expect("parses");
    for (n, page) in h.pages.iter().enumerate().take(3) {
        let mut want: Vec<String> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Shape(s) => s.stroke.map(|(c, w)| {
                    let c = [c.0, c.1, c.2].map(|v| f32::from(v) / 255.0);
                    format!("{w:.2} {:.3} {:.3} {:.3}", c[0], c[1], c[2])
                }),
                _ => None,
            })
            .collect();
        want.sort();
        want.dedup();
        assert!(!want.is_empty(), "sheet {} has no strokes", n + 1);
        let id = pdf.get_pages()[&(n as u32 + 1)];
        let content =
            lopdf::content::Content::decode(&pdf.get_page_content(id)).expect("content stream");
        // Each `w` with the stroke colour set before it (`RG`).
        let mut colour = String::new();
        let mut got: Vec<String> = Vec::new();
        for o in &content.operations {
            let num = |i: usize| o.operands.get(i).and_then(|v| v.as_float().ok());
            match o.operator.as_str() {
                "RG" => {
                    colour = (0..3)
                        .map(|i| format!("{:.3}", num(i).unwrap_or(-1.0)))
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                "G" => {
                    colour = [num(0).unwrap_or(-1.0); 3]
                        .map(|v| format!("{v:.3}"))
                        .join(" ")
                }
                "w" => got.push(format!("{:.2} {colour}", num(0).unwrap_or(-1.0))),
                _ => {}
            }
        }
        got.sort();
        got.dedup();
        assert_eq!(got, want, "sheet {}: line widths and colours", n + 1);
    }
}
