//! PNG output: every slide drawn from the pages model looks like the same
//! slide of our PDF rasterised by poppler (`pdftoppm`) at the same size; the
//! contact sheet and share card; the command-line flags and file names.

use crate::support;

use std::path::Path;
use std::process::Command;

use surveydeck::document::{self, LoadOptions};
use surveydeck::png::{Cache, PngOptions};

fn lay_out(name: &str) -> surveydeck::pages::Document {
    let loaded = document::load(
        Path::new(&format!("samples/{name}")),
        &LoadOptions::default(),
    );
    let deck = loaded.deck.expect("sample loads");
    surveydeck::lay_out(&deck).expect("lays out").0
}

fn rgb(png: &[u8]) -> image::RgbImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("a PNG")
        .into_rgb8()
}

/// Mean absolute difference per channel, 0–255.
fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

/// The share of pixels that differ clearly from the slide's corner colour.
fn ink(img: &image::RgbImage) -> f64 {
    let bg = *img.get_pixel(0, 0);
    let n = img
        .pixels()
        .filter(|p| p.0.iter().zip(bg.0).any(|(a, b)| a.abs_diff(b) > 40))
        .count();
    n as f64 / (img.width() * img.height()) as f64
}

/// The reference deck at 1280 px against poppler's rendering of our PDF at
/// 1280×720. Measured: 0.75 to 6.9 per channel (mean 3.6), the difference
/// being mostly font hinting at glyph edges (poppler hints, we do not).
#[test]
fn slides_match_the_pdf_rendered_by_poppler() {
    let doc = lay_out("2020-10-ai-update.yaml");
    let pdf = surveydeck::pdf::write_pdf(&doc, &Default::default()).expect("PDF");
    let pngs =
        surveydeck::png::write_pngs(&doc, &PngOptions::default(), &Cache::new()).expect("PNGs");
    assert_eq!(pngs.slides.len(), doc.pages.len());
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("deck.pdf"), &pdf).expect("write PDF");
    let status = Command::new("pdftoppm")
        .args(["-scale-to-x", "1280", "-scale-to-y", "720", "-png"])
        .arg(tmp.path().join("deck.pdf"))
        .arg(tmp.path().join("ref"))
        .status()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(status.success());
    let digits = doc.pages.len().to_string().len();
    let mut worst = (0.0, 0);
    for (i, png) in pngs.slides.iter().enumerate() {
        let ours = rgb(png);
        assert_eq!(ours.dimensions(), (1280, 720), "slide {}", i + 1);
        let path = tmp
            .path()
            .join(format!("ref-{:0digits$}.png", i + 1, digits = digits));
        let theirs = rgb(&std::fs::read(&path).expect("poppler's page"));
        let d = mean_abs_diff(&ours, &theirs);
        if d > worst.0 {
            worst = (d, i + 1);
        }
        assert!(
            ink(&ours) > 0.003,
            "slide {} is (nearly) blank: {:.4} of its pixels are ink",
            i + 1,
            ink(&ours)
        );
    }
    assert!(
        worst.0 < 9.0,
        "slide {} differs from poppler's rendering by {:.2} per channel",
        worst.1,
        worst.0
    );
}

#[test]
fn the_sheet_numbers_every_slide_and_the_card_is_1200_by_630() {
    let doc = lay_out("minimal.yaml");
    let opts = PngOptions {
        slides: false,
        width: 640,
        sheet: true,
        card: true,
    };
    let pngs = surveydeck::png::write_pngs(&doc, &opts, &Cache::new()).expect("PNGs");
    assert!(pngs.slides.is_empty(), "slides were not asked for");
    let card = rgb(&pngs.card.expect("a card"));
    assert_eq!(card.dimensions(), (1200, 630));
    // The frame is the theme's heading colour; the slide sits in the middle.
    let h = doc.palette.heading;
    assert_eq!(card.get_pixel(5, 5).0, [h.0, h.1, h.2]);
    let first = rgb(&surveydeck::png::encode(
        &surveydeck::png::render_page(&doc, 0, 960, &Cache::new()).expect("slide 1"),
    )
    .expect("encodes"));
    assert_eq!(
        card.get_pixel(600, 315).0,
        first.get_pixel(480, 270).0,
        "the card's centre is the first slide's centre"
    );
    let sheet = rgb(&pngs.sheet.expect("a sheet"));
    let n = doc.pages.len() as u32;
    let cols = n.min(6);
    let rows = n.div_ceil(cols);
    // 320 px thumbnails (180 high) with 24 px gaps and a 22 px number line.
    assert_eq!(
        sheet.dimensions(),
        (cols * 320 + (cols + 1) * 24, rows * 202 + (rows + 1) * 24)
    );
    // Each number line has ink (the slide number) below its thumbnail.
    for i in 0..n {
        let (c, r) = (i % cols, i / cols);
        let (x, y) = (24 + c * 344, 24 + r * 226 + 180);
        let dark = (x..x + 40)
            .flat_map(|x| (y + 2..y + 22).map(move |y| (x, y)))
            .filter(|&(x, y)| sheet.get_pixel(x, y).0[0] < 128)
            .count();
        assert!(dark > 10, "slide {} has no number on the sheet", i + 1);
    }
}

#[test]
fn build_format_png_writes_numbered_pictures_at_the_asked_width() {
    let ws = support::minimal_workspace("talk.yaml");
    let dir = ws.path();
    let out = support::run(
        dir,
        &[
            "build",
            "talk.yaml",
            "-o",
            "out",
            "--format",
            "pdf,png",
            "--png-width",
            "800",
            "--contact-sheet",
            "--share-card",
        ],
    );
    out.expect(0);
    let names = support::entries(&dir.join("out"));
    let slides: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("talk-0") && n.ends_with(".png"))
        .collect();
    assert!(!slides.is_empty(), "{names:?}");
    assert_eq!(slides[0], "talk-001.png");
    for (i, n) in slides.iter().enumerate() {
        assert_eq!(**n, format!("talk-{:03}.png", i + 1));
        let img = rgb(&std::fs::read(dir.join("out").join(n)).expect("read"));
        assert_eq!(img.dimensions(), (800, 450), "{n}");
    }
    for n in ["talk.pdf", "talk-sheet.png", "talk-card.png"] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
    assert!(!names.iter().any(|x| x == "talk.pptx"), "{names:?}");
    support::assert_no_temp_files(&dir.join("out"));

    // A width out of range is a usage error that names the flag.
    let out = support::run(dir, &["build", "talk.yaml", "--png-width", "0"]);
    out.expect(2);
    assert!(out.stderr.contains("--png-width"), "{}", out.stderr);
}
