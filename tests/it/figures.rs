//! Figures as the writers draw them (thin, tiny, turned, CMYK, GIF, WebP,
//! BMP, too large) and long speaker notes on the notes pages.
//!
//! Images are made here with the `image` crate, except two fixtures it cannot
//! write, made with Pillow: `tests/fixtures/cmyk.jpg` (a 64 × 40 CMYK JPEG,
//! blue with a yellow disc) and `tests/fixtures/exif-rotated.jpg` (30 × 40
//! upright, red top half and blue bottom half, stored turned a quarter
//! counter-clockwise as 40 × 30 with EXIF Orientation 6).

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use image::{DynamicImage, ImageFormat as Codec, Rgb, RgbImage};
use lopdf::{Document as Pdf, Object};
use surveydeck::diag::{Diagnostics, Severity};
use surveydeck::document::{self, LoadOptions};
use surveydeck::pages::{Document, ImageFormat, Item};
use surveydeck::pdf::{PdfOptions, Standard};

fn encode(img: DynamicImage, codec: Codec) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), codec).unwrap();
    out
}

fn solid(w: u32, h: u32, c: [u8; 3]) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, Rgb(c)))
}

/// A survey in `dir` with one free slide per figure (file name, alt text).
fn survey(dir: &Path, figures: &[&str], notes: Option<&str>) -> std::path::PathBuf {
    let mut y =
        String::from("deck:\n  title: Figures\n  date: 2024-05-10\n  language: en\nsections:\n");
    for f in figures {
        y.push_str(&format!(
            "  - slide: {f}\n    figures:\n      - image: {f}\n        alt: {f}\n"
        ));
    }
    if let Some(n) = notes {
        y.push_str(&format!(
            "  - slide: Notes\n    bullets: [a]\n    notes: {}\n",
            serde_json::to_string(n).unwrap()
        ));
    }
    let path = dir.join("s.yaml");
    std::fs::write(&path, y).unwrap();
    path
}

fn lay_out(path: &Path) -> Result<(Document, Diagnostics), Diagnostics> {
    let loaded = document::load(path, &LoadOptions::default());
    let deck = loaded.deck.unwrap_or_else(|| panic!("{:?}", loaded.diags));
    surveydeck::lay_out(&deck)
}

/// The rectangles of the images on each page.
fn image_rects(doc: &Document) -> Vec<(usize, surveydeck::pages::ImageItem)> {
    let mut out = Vec::new();
    for (i, p) in doc.pages.iter().enumerate() {
        for item in &p.items {
            if let Item::Image(im) = item {
                out.push((i, im.clone()));
            }
        }
    }
    out
}

fn number(o: &Object) -> f32 {
    o.as_float().unwrap_or(0.0)
}

fn dict<'a>(doc: &'a Pdf, o: &'a Object) -> &'a lopdf::Dictionary {
    match o {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

/// The horizontal and vertical scale at which the first image in `ops` is
/// drawn (its unit square's size in points), following `cm`, `q`/`Q` and form
/// XObjects (a passed-through PNG is a form holding the image), and whether
/// the image asks to be smoothed.
fn first_image(
    doc: &Pdf,
    ops: &[lopdf::content::Operation],
    xobjects: &lopdf::Dictionary,
    ctm: (f32, f32),
) -> Option<(f32, f32, bool)> {
    let mut stack = vec![ctm];
    for op in ops {
        let top = *stack.last().unwrap();
        match op.operator.as_str() {
            "q" => stack.push(top),
            "Q" => {
                stack.pop();
            }
            "cm" => {
                let (a, d) = (number(&op.operands[0]), number(&op.operands[3]));
                *stack.last_mut().unwrap() = (top.0 * a, top.1 * d);
            }
            "Do" => {
                let name = op.operands[0].as_name().unwrap();
                let id = xobjects.get(name).unwrap().as_reference().unwrap();
                let stream = doc.get_object(id).unwrap().as_stream().unwrap();
                let subtype = stream.dict.get(b"Subtype").unwrap().as_name().unwrap();
                if subtype == b"Image" {
                    let smooth = stream
                        .dict
                        .get(b"Interpolate")
                        .is_ok_and(|v| v.as_bool().unwrap_or(false));
                    return Some((top.0, top.1.abs(), smooth));
                }
                let m: Vec<f32> = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| m.as_array().ok())
                    .map(|m| m.iter().map(number).collect())
                    .unwrap_or(vec![1.0, 0.0, 0.0, 1.0]);
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                let inner = lopdf::content::Content::decode(&content).unwrap();
                let res = dict(doc, stream.dict.get(b"Resources").unwrap());
                let xo = dict(doc, res.get(b"XObject").unwrap());
                if let Some(found) =
                    first_image(doc, &inner.operations, xo, (top.0 * m[0], top.1 * m[3]))
                {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// How the first image on a page (1-based) is drawn: width, height, smoothed.
fn drawn_image_size(pdf: &[u8], page: u32) -> (f32, f32, bool) {
    let doc = Pdf::load_mem(pdf).unwrap();
    let page_id = doc.get_pages()[&page];
    let content = doc.get_and_decode_page_content(page_id).unwrap();
    let page_dict = doc.get_dictionary(page_id).unwrap();
    let res = dict(&doc, page_dict.get(b"Resources").unwrap());
    let xo = dict(&doc, res.get(b"XObject").unwrap());
    first_image(&doc, &content.operations, xo, (1.0, 1.0))
        .unwrap_or_else(|| panic!("no image on page {page}"))
}

#[test]
fn thin_figures_are_drawn_at_their_laid_out_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tall.png"),
        encode(solid(1, 4000, [200, 0, 0]), Codec::Png),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("wide.png"),
        encode(solid(4000, 1, [0, 0, 200]), Codec::Png),
    )
    .unwrap();
    let path = survey(dir.path(), &["tall.png", "wide.png"], None);
    let (doc, diags) = lay_out(&path).unwrap();
    let rects = image_rects(&doc);
    assert_eq!(rects.len(), 2);
    // Both are thinner than a hairline: each warned about, at its line.
    let thin: Vec<_> = diags
        .items
        .iter()
        .filter(|d| d.severity == Severity::Warning && d.message.contains("hairline"))
        .collect();
    assert_eq!(thin.len(), 2, "{diags:?}");
    assert_eq!(thin[0].pos.line, 8);
    for standards in [vec![], vec![Standard::A2b]] {
        let pdf = surveydeck::pdf::write_pdf(
            &doc,
            &PdfOptions {
                standards: standards.clone(),
                ..Default::default()
            },
        )
        .unwrap();
        for (page, im) in &rects {
            let (w, h, _) = drawn_image_size(&pdf, *page as u32 + 1);
            let (ew, eh) = (im.rect.w, im.rect.h);
            assert!(
                (w - ew).abs() < ew * 0.01 && (h - eh).abs() < eh * 0.01,
                "{standards:?} page {}: drawn {w} × {h}, laid out {ew} × {eh}",
                page + 1
            );
        }
    }
}

#[test]
fn small_images_are_enlarged_at_most_four_times_and_drawn_pixel_for_pixel() {
    let dir = tempfile::tempdir().unwrap();
    let mut icon = RgbImage::from_pixel(16, 16, Rgb([255, 255, 255]));
    for i in 0..16 {
        icon.put_pixel(i, i, Rgb([255, 0, 0]));
    }
    std::fs::write(
        dir.path().join("icon.png"),
        encode(DynamicImage::ImageRgb8(icon), Codec::Png),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("dot.png"),
        encode(solid(1, 1, [0, 160, 0]), Codec::Png),
    )
    .unwrap();
    // A small photo is limited too, but stays smooth.
    std::fs::write(
        dir.path().join("photo.jpg"),
        encode(solid(20, 10, [90, 120, 30]), Codec::Jpeg),
    )
    .unwrap();
    let path = survey(dir.path(), &["icon.png", "dot.png", "photo.jpg"], None);
    let json = dir.path().join("layout.json");
    let out = Command::new(env!("CARGO_BIN_EXE_surveydeck"))
        .args(["build", "-o"])
        .arg(dir.path())
        .arg("--dump-layout")
        .arg(&json)
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, line) in [("icon.png", 8), ("dot.png", 12), ("photo.jpg", 16)] {
        assert!(
            stderr.contains(&format!("warning: figure `{name}` is small"))
                && stderr.contains(&format!("s.yaml:{line}:")),
            "{name}: {stderr}"
        );
    }
    // 3 pt per pixel at most: 48 pt for the icon, 3 pt for the dot.
    let dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let sizes: Vec<(f64, f64)> = dump["pages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().iter())
        .filter(|i| i["type"] == "image")
        .map(|i| {
            (
                i["rect"]["w"].as_f64().unwrap(),
                i["rect"]["h"].as_f64().unwrap(),
            )
        })
        .collect();
    let close = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 0.01 && (a.1 - b.1).abs() < 0.01;
    assert!(close(sizes[0], (48.0, 48.0)), "{sizes:?}");
    assert!(close(sizes[1], (3.0, 3.0)), "{sizes:?}");
    assert!(close(sizes[2], (60.0, 30.0)), "{sizes:?}");

    // The PNGs are pixel for pixel (no smoothing), the photo smooth; the
    // icon's pixels are enlarged in the file for PowerPoint, which smooths.
    let (doc, _) = lay_out(&path).unwrap();
    let crisp: Vec<bool> = doc.images.iter().map(|d| d.crisp).collect();
    assert_eq!(crisp, [true, true, false]);
    assert_eq!((doc.images[0].width_px, doc.images[0].height_px), (96, 96));
    let pdf = std::fs::read(dir.path().join("s.pdf")).unwrap();
    assert!(!drawn_image_size(&pdf, 2).2, "the icon is smoothed");
    assert!(drawn_image_size(&pdf, 4).2, "the photo is not smoothed");

    // Rendered, the icon's diagonal stays red and white: blends only where
    // the pixel grid of the page and the image meet (smoothed, a fifth of
    // the icon would be blends).
    let png = dir.path().join("page");
    let ok = Command::new("pdftoppm")
        .args(["-r", "144", "-png", "-f", "2", "-l", "2", "-singlefile"])
        .arg(dir.path().join("s.pdf"))
        .arg(&png)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let page = image::open(dir.path().join("page.png")).unwrap().to_rgb8();
    let r = doc.pages[1]
        .items
        .iter()
        .find_map(|i| match i {
            Item::Image(im) => Some(im.rect),
            _ => None,
        })
        .unwrap();
    let s = 2.0; // 144 dpi
    let (x0, y0) = ((r.x * s).ceil() as u32 + 2, (r.y * s).ceil() as u32 + 2);
    let (x1, y1) = (((r.x + r.w) * s) as u32 - 2, ((r.y + r.h) * s) as u32 - 2);
    let mut blended = 0;
    let mut total = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = page.get_pixel(x, y).0;
            total += 1;
            if p != [255, 255, 255] && p != [255, 0, 0] {
                blended += 1;
            }
        }
    }
    assert!(
        blended * 10 < total,
        "{blended} of {total} pixels are blends of red and white"
    );
}

#[test]
fn gif_webp_and_bmp_become_png_once() {
    let dir = tempfile::tempdir().unwrap();
    // An animated GIF: the first frame (green) is the figure.
    let mut gif = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
        for c in [[0, 200, 0], [200, 0, 0]] {
            let frame = image::Frame::new(
                DynamicImage::ImageRgb8(RgbImage::from_pixel(600, 400, Rgb(c))).to_rgba8(),
            );
            enc.encode_frame(frame).unwrap();
        }
    }
    std::fs::write(dir.path().join("anim.gif"), gif).unwrap();
    std::fs::write(
        dir.path().join("pic.webp"),
        encode(solid(800, 600, [0, 0, 200]), Codec::WebP),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pic.bmp"),
        encode(solid(1000, 500, [200, 200, 0]), Codec::Bmp),
    )
    .unwrap();
    let path = survey(dir.path(), &["anim.gif", "pic.webp", "pic.bmp"], None);
    let (doc, _) = lay_out(&path).unwrap();
    let got: Vec<(ImageFormat, u32, u32, [u8; 3])> = doc
        .images
        .iter()
        .map(|d| {
            let img = image::load_from_memory_with_format(&d.bytes, Codec::Png)
                .expect("a PNG")
                .to_rgb8();
            (d.format, d.width_px, d.height_px, img.get_pixel(0, 0).0)
        })
        .collect();
    assert_eq!(
        got,
        [
            (ImageFormat::Png, 600, 400, [0, 200, 0]),
            (ImageFormat::Png, 800, 600, [0, 0, 200]),
            (ImageFormat::Png, 1000, 500, [200, 200, 0]),
        ]
    );
    surveydeck::pdf::write_pdf(&doc, &Default::default()).unwrap();
    surveydeck::pptx::write_pptx(&doc, &Default::default()).unwrap();
}

#[test]
fn exif_rotated_jpeg_is_drawn_upright_in_every_writer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/exif-rotated.jpg",
        dir.path().join("turned.jpg"),
    )
    .unwrap();
    let path = survey(dir.path(), &["turned.jpg"], None);
    let (doc, _) = lay_out(&path).unwrap();
    // Stored 40 × 30; upright 30 × 40, laid out portrait.
    let d = &doc.images[0];
    assert_eq!(
        (d.format, d.width_px, d.height_px),
        (ImageFormat::Jpeg, 30, 40)
    );
    let (_, im) = &image_rects(&doc)[0];
    assert!(im.rect.h > im.rect.w * 1.3, "{:?}", im.rect);
    // The bytes every writer embeds are upright: red on top, blue below.
    let img = image::load_from_memory(&d.bytes).unwrap().to_rgb8();
    let (top, bottom) = (img.get_pixel(15, 5).0, img.get_pixel(15, 35).0);
    assert!(top[0] > 180 && top[2] < 60, "top {top:?}");
    assert!(bottom[2] > 180 && bottom[0] < 60, "bottom {bottom:?}");
    // The PPTX holds those bytes.
    let pptx = surveydeck::pptx::write_pptx(&doc, &Default::default()).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(pptx)).unwrap();
    let mut media = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("ppt/media/image1.jpeg").unwrap(),
        &mut media,
    )
    .unwrap();
    assert_eq!(media, *d.bytes);
    // And the PDF, rendered: red above blue inside the figure.
    let pdf_path = dir.path().join("s.pdf");
    std::fs::write(
        &pdf_path,
        surveydeck::pdf::write_pdf(&doc, &Default::default()).unwrap(),
    )
    .unwrap();
    let ok = Command::new("pdftoppm")
        .args(["-r", "72", "-png", "-f", "2", "-l", "2", "-singlefile"])
        .arg(&pdf_path)
        .arg(dir.path().join("page"))
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let page = image::open(dir.path().join("page.png")).unwrap().to_rgb8();
    let r = im.rect;
    let cx = (r.x + r.w / 2.0) as u32;
    let top = page.get_pixel(cx, (r.y + r.h * 0.2) as u32).0;
    let bottom = page.get_pixel(cx, (r.y + r.h * 0.8) as u32).0;
    assert!(top[0] > 180 && top[2] < 80, "rendered top {top:?}");
    assert!(
        bottom[2] > 180 && bottom[0] < 80,
        "rendered bottom {bottom:?}"
    );
}

#[test]
fn cmyk_jpeg_passes_pdf_a2b() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("tests/fixtures/cmyk.jpg", dir.path().join("cmyk.jpg")).unwrap();
    let path = survey(dir.path(), &["cmyk.jpg"], None);
    let (doc, _) = lay_out(&path).unwrap();
    let img = image::load_from_memory(&doc.images[0].bytes).unwrap();
    assert_eq!(img.color(), image::ColorType::Rgb8, "converted to RGB");
    // Blue at the corner, as it was painted before the CMYK conversion.
    let p = img.to_rgb8().get_pixel(60, 2).0;
    assert!(p[2] > 180 && p[0] < 80, "{p:?}");
    for standard in [Standard::A2b, Standard::A2u] {
        surveydeck::pdf::write_pdf(
            &doc,
            &PdfOptions {
                standards: vec![standard],
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{standard:?}: {e}"));
    }
}

/// A PNG that says it is `w` × `h` (its pixel data is never reached: the size
/// limit is checked first).
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    for (kind, body) in [
        (&b"IHDR"[..], ihdr),
        (b"IDAT", vec![0x78, 0x9c]),
        (b"IEND", vec![]),
    ] {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(&body);
        let mut c = flate2::Crc::new();
        c.update(kind);
        c.update(&body);
        out.extend_from_slice(&c.sum().to_be_bytes());
    }
    out
}

#[test]
fn a_too_large_figure_is_reported_once_with_every_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("huge.png"), png_header_only(10_000, 10_000)).unwrap();
    let path = survey(dir.path(), &["huge.png"], None);
    // The same file on a second slide.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("  - slide: again\n    figures:\n      - image: huge.png\n        alt: again\n");
    std::fs::write(&path, text).unwrap();
    let diags = lay_out(&path).unwrap_err();
    let errors: Vec<_> = diags.errors().collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    let e = errors[0];
    assert!(e.message.contains("10000 × 10000"), "{}", e.message);
    assert!(e.message.contains("40 megapixels"), "{}", e.message);
    assert_eq!(e.pos.line, 8);
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .contains("also used at line 12"),
        "{e:?}"
    );
    // `check` enforces the limit as `build` does.
    for cmd in ["check", "build"] {
        let out = Command::new(env!("CARGO_BIN_EXE_surveydeck"))
            .arg(cmd)
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {stderr}");
        assert_eq!(stderr.matches("too large").count(), 1, "{cmd}: {stderr}");
    }
    assert!(!dir.path().join("s.pdf").exists(), "nothing written");
}

#[test]
fn long_notes_continue_on_further_pages_with_their_line_structure() {
    let dir = tempfile::tempdir().unwrap();
    let mut note = String::from("Opening line.\n\n  Indented point.\n    Deeper point.\n\n");
    let mut n = 0;
    while note.chars().count() < 5000 {
        n += 1;
        note.push_str(&format!(
            "Paragraph {n}: 長い発表者ノートの文章です。最後まで印刷されること。\n"
        ));
    }
    note.push_str("The very last line.");
    let path = survey(dir.path(), &[], Some(&note));
    let (doc, _) = lay_out(&path).unwrap();
    let theme = surveydeck::theme::Theme::default_theme();
    let sheets = surveydeck::notes_pages(&doc, surveydeck::PaperSize::A4, &theme, false);
    assert!(
        sheets.pages.len() > doc.pages.len(),
        "{} sheets for {} slides",
        sheets.pages.len(),
        doc.pages.len()
    );
    // Every line of the note is on the sheets, in order, and none runs into
    // the page number at the foot.
    // The notes' paragraphs: body text outside the framed slide.
    let body: Vec<&surveydeck::pages::Paragraph> = sheets.pages[doc.pages.len() - 1..]
        .iter()
        .flat_map(|p| {
            let frame = p.items.iter().find_map(|i| match i {
                Item::Shape(s) if s.role == surveydeck::pages::ShapeRole::Frame => Some(s.rect),
                _ => None,
            });
            p.items.iter().filter_map(move |i| match i {
                Item::Text(t)
                    if t.role == surveydeck::pages::Role::Body
                        && frame.is_none_or(|f| t.rect.y > f.bottom()) =>
                {
                    Some(t)
                }
                _ => None,
            })
        })
        .flat_map(|t| t.paragraphs.iter())
        .collect();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let all: String = body.iter().map(|p| squash(&p.text())).collect();
    assert_eq!(all, squash(&note), "the notes are complete and in order");
    for sheet in &sheets.pages {
        // The sheet's own number comes last (the slide's own is inside its frame).
        let foot = sheet
            .items
            .iter()
            .rev()
            .find_map(|i| match i {
                Item::Text(t) if t.role == surveydeck::pages::Role::SlideNumber => Some(t.rect.y),
                _ => None,
            })
            .unwrap();
        for item in &sheet.items {
            if let Item::Text(t) = item
                && t.role == surveydeck::pages::Role::Body
            {
                for l in t.paragraphs.iter().flat_map(|p| p.lines.iter()) {
                    assert!(l.baseline < foot, "a notes line overprints the page number");
                }
            }
        }
    }
    // Indentation: the indented lines start further right; blank lines leave space.
    let x_of = |start: &str| {
        let p = body.iter().find(|p| p.text().starts_with(start)).unwrap();
        (p.lines[0].x, p.lines[0].baseline)
    };
    let (x0, y0) = x_of("Opening");
    let (x1, y1) = x_of("Indented");
    let (x2, y2) = x_of("Deeper");
    assert!(x1 > x0 + 5.0 && x2 > x1 + 5.0, "{x0} {x1} {x2}");
    assert!(y1 - y0 > (y2 - y1) * 1.5, "a blank line leaves space");
    // The outline and page numbers count the continuation sheets.
    assert_eq!(sheets.outline.last().unwrap().page, doc.pages.len() - 1);
    let pdf = surveydeck::pdf::write_pdf(&sheets, &Default::default()).unwrap();
    assert_eq!(
        Pdf::load_mem(&pdf).unwrap().get_pages().len(),
        sheets.pages.len()
    );
}
