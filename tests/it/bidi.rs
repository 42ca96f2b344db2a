//! Right-to-left text among Japanese (issue 19): glyphs in visual order on
//! the laid-out page, text in logical order in the pages model, the PDF text
//! layer (poppler and pdf.js), the transcript and the PPTX.
//!
//! The Arabic and Hebrew faces come from DejaVu Sans (Debian's
//! fonts-dejavu-core, which `.ci/run` installs); without system fonts the
//! order must hold too, drawn as boxes with a warning.

use crate::common;

use crate::support;

use std::path::{Path, PathBuf};

use surveydeck::FontOptions;
use surveydeck::pages::{Align, Document, Item, Line, Paragraph};

const SURVEY: &str = "tests/fixtures/bidi/survey.yaml";

const NAME: &str = "محمد علي (ムハンマド・アリー, カイロ) — 司会の補助";
const HEBREW: &str = "שלום עולם — 日本語のテキスト";
const NUMBERS: &str = "عام 2020 في 10月";
const IN_JAPANESE: &str = "翻訳は محمد علي さん (カイロ)";
/// Pieces of the paragraphs in the order the survey has them, as both
/// extractors give them: right-to-left words of one face with the spaces
/// between them; a space between pieces of different faces or directions
/// may be lost (pdf.js), and the quarter em between digits and kanji is not
/// a space in the text.
const IN_ORDER: &[&[&str]] = &[
    &["محمد علي", "ムハンマド・アリー, カイロ", "司会の補助"],
    &["שלום עולם", "日本語のテキスト"],
    &["عام", "2020", "في", "10月"],
    &["翻訳は", "محمد علي", "さん (カイロ)"],
    // Harakat kept, each on its letter (a mirrored bracket extracts as the
    // bracket it looks like in pdf.js, so "(2017)" is left out).
    &["قال مُحَمَّد", ":", "«", "الانتباه هو كل ما تحتاجه", "»"],
];
/// A word with harakat (in MARKS): letters and marks, in order.
const WITH_MARKS: &str = "مُحَمَّد";
/// A word with a lam-alef ligature (two letters, one glyph), in MARKS.
const LIGATURE: &str = "الانتباه";
const LONG: &str = "يقدم هذا البحث نموذج المحول (Transformer) الذي يعتمد كليا على آليات الانتباه دون تكرار أو التفاف، ويحقق 28.4 BLEU في الترجمة — 注意機構だけで翻訳の精度を大きく上げた";
const MARKS: &str = "قال مُحَمَّد: «الانتباه هو كل ما تحتاجه» (2017)";

/// Each paragraph and what it looks like, left to right, as characters of
/// its text (a mirrored bracket is still its own character here).
const SEEN: &[(&str, &str)] = &[
    (NAME, "司会の補助 — )ムハンマド・アリー, カイロ( يلع دمحم"),
    (HEBREW, "日本語のテキスト — םלוע םולש"),
    (NUMBERS, "10月 يف 2020 ماع"),
    (IN_JAPANESE, "翻訳は يلع دمحم さん (カイロ)"),
];

fn lay(fonts: &FontOptions) -> (Document, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = surveydeck::document::load(
        &root.join(SURVEY),
        &surveydeck::document::LoadOptions::default(),
    );
    let deck = loaded.deck.expect("the bidi survey loads");
    let theme = surveydeck::theme::Theme::default_theme();
    let (doc, diags) = surveydeck::lay_out_with_fonts(&deck, &theme, fonts).expect("lays out");
    let warnings = diags
        .items
        .iter()
        .map(|d| format!("{d:?}"))
        .collect::<Vec<_>>()
        .join("\n");
    (doc, warnings)
}

fn paragraphs(doc: &Document) -> impl Iterator<Item = &Paragraph> {
    doc.pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.paragraphs.iter()),
            _ => None,
        })
        .flatten()
}

fn paragraph<'a>(doc: &'a Document, text: &str) -> &'a Paragraph {
    paragraphs(doc)
        .find(|p| p.text() == text)
        .unwrap_or_else(|| panic!("no paragraph reads {text:?}"))
}

fn visual(line: &Line) -> String {
    line.clusters_left_to_right()
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

fn check_order(doc: &Document) {
    for (text, seen) in SEEN {
        let p = paragraph(doc, text);
        assert_eq!(p.lines.len(), 1, "{text}");
        let line = &p.lines[0];
        // The runs, and so every text layer, read as the survey is written.
        assert_eq!(line.text(), *text);
        assert_eq!(visual(line), *seen, "{text}");
        // Runs tile the line from its left edge.
        let mut spans: Vec<(f32, f32)> = line.runs.iter().map(|r| (r.x, r.width)).collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut x = line.x;
        for (rx, w) in spans {
            assert!((rx - x).abs() < 0.01, "{text}: runs overlap or leave a gap");
            x += w;
        }
    }
}

#[test]
fn lines_are_drawn_in_visual_order_with_arabic_and_hebrew_faces() {
    let (doc, warnings) = lay(&FontOptions::default());
    if warnings.contains("no font has") {
        common::missing("a system font with Arabic and Hebrew (fonts-dejavu-core)");
        return;
    }
    check_order(&doc);
    // The Arabic and Hebrew runs take a fallback face; the Japanese stays in
    // the bundled one.
    let p = paragraph(&doc, NAME);
    for r in &p.lines[0].runs {
        let family = &doc.fonts[r.font].family;
        let arabic = r.text.chars().any(|c| ('\u{600}'..'\u{700}').contains(&c));
        let japanese = r.text.chars().any(|c| c >= '\u{3000}');
        assert!(
            !arabic || family != "BIZ UDPGothic",
            "{:?} in {family}",
            r.text
        );
        assert!(
            !japanese || family == "BIZ UDPGothic",
            "{:?} in {family}",
            r.text
        );
    }
    // Inside an Arabic run the word's first letter is at its right end.
    let line = &p.lines[0];
    let at = line.clusters_left_to_right();
    let x_of = |s: &str| at.iter().find(|(_, t)| t.starts_with(s)).unwrap().0;
    assert_eq!(at.last().unwrap().1, "م", "the line starts at the right");
    assert!(x_of("ح") > x_of("د"));
    assert!(x_of("ع") > x_of("ل") && x_of("ل") > x_of("ي"));
    assert!(x_of("د") > x_of("ع"), "محمد stands right of علي");
    assert!(x_of("ム") < x_of("カ"), "Japanese reads left to right");
    // Marks stay with their letters: no glyph of the harakat line is a box.
    let marks = paragraph(&doc, MARKS);
    assert!(
        marks.lines[0]
            .runs
            .iter()
            .all(|r| r.glyphs.iter().all(|g| g.id != 0))
    );
}

#[test]
fn order_holds_without_a_face_for_arabic() {
    let (doc, warnings) = lay(&FontOptions::reproducible());
    assert!(warnings.contains("no font has"), "{warnings}");
    check_order(&doc);
}

#[test]
fn right_to_left_paragraphs_start_at_the_right() {
    let (doc, _) = lay(&FontOptions::reproducible());
    for text in [NAME, HEBREW, NUMBERS, MARKS] {
        let p = paragraph(&doc, text);
        assert!(p.rtl, "{text}");
        assert_eq!(p.align, Align::Right, "{text}");
        // The bullet hangs at the right, after the line's right end.
        let m = p.marker.as_ref().expect("a bullet");
        let line = &p.lines[0];
        assert!(m.x >= line.x + line.width, "{text}: bullet at {}", m.x);
    }
    // A right-to-left paragraph of several lines: each line ends flush
    // right and starts (in reading order) at its right end.
    let p = paragraph(&doc, LONG);
    assert!(p.lines.len() > 1, "{LONG} fits one line");
    let right = p.lines[0].x + p.lines[0].width;
    let mut read = String::new();
    for line in &p.lines {
        assert!((line.x + line.width - right).abs() < 0.01);
        let first = line.text().chars().next().unwrap();
        let rightmost = line
            .clusters_left_to_right()
            .last()
            .unwrap()
            .1
            .chars()
            .next()
            .unwrap();
        assert_eq!(first, rightmost, "{:?}", line.text());
        read.push_str(&line.text());
    }
    assert!(read.starts_with("يقدم هذا") && read.ends_with("上げた"));
    let p = paragraph(&doc, IN_JAPANESE);
    assert!(!p.rtl);
    assert_eq!(p.align, Align::Left);
    assert!(p.marker.as_ref().unwrap().x < p.lines[0].x);
}

/// The value of `name="…"` in an element's start tag, as EMU in points.
fn attr_pt(tag: &str, name: &str) -> Option<f32> {
    let v = tag
        .split(&format!(" {name}=\""))
        .nth(1)?
        .split('"')
        .next()?;
    Some(v.parse::<f32>().ok()? / 12_700.0)
}

/// In the PPTX a right-to-left paragraph's start is at the right: `marL`
/// (with `indent` for the bullet's hang) is measured from the box's right
/// edge and `marR` from its left. Checked against the laid-out page: the
/// lines, right-aligned, end where the start margin puts them; the bullet
/// where the hanging indent does; the other edge leaves room for the
/// widest line without reaching past the box.
#[test]
fn right_to_left_margins_in_the_pptx_mirror_the_layout() {
    let (doc, _) = lay(&FontOptions::default());
    let bytes = surveydeck::pptx::write_pptx(&doc, &surveydeck::pptx::PptxOptions::default())
        .expect("writes the PPTX");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.name().unwrap_or_default().starts_with("ppt/slides/slide") {
            std::io::Read::read_to_string(&mut f, &mut xml).expect("UTF-8 part");
        }
    }
    let mut seen = 0;
    for text in [NAME, HEBREW, NUMBERS, MARKS, LONG] {
        let p = paragraph(&doc, text);
        let first = text.split(' ').next().unwrap();
        let (shape, para) = xml
            .split("<p:sp>")
            .find_map(|sp| {
                let para = sp
                    .split("<a:p>")
                    .find(|p| p.contains(&format!("<a:t>{first}")))?;
                Some((sp, para))
            })
            .unwrap_or_else(|| panic!("{text:?} not in the PPTX"));
        let xfrm = |name: &str| {
            let tag = shape.split(&format!("<a:{name} ")).nth(1).unwrap();
            tag.split("/>").next().unwrap().to_owned()
        };
        let body = shape
            .split("<a:bodyPr")
            .nth(1)
            .unwrap()
            .split('>')
            .next()
            .unwrap();
        let left = attr_pt(&format!(" {}", xfrm("off")), "x").unwrap()
            + attr_pt(body, "lIns").unwrap_or(7.2);
        let right = left - attr_pt(body, "lIns").unwrap_or(7.2)
            + attr_pt(&format!(" {}", xfrm("ext")), "cx").unwrap()
            - attr_pt(body, "rIns").unwrap_or(7.2);
        let ppr = para
            .split("<a:pPr")
            .nth(1)
            .unwrap()
            .split('>')
            .next()
            .unwrap();
        assert!(ppr.contains("rtl=\"1\""), "{text}: {ppr}");
        let mar_l = attr_pt(ppr, "marL").unwrap();
        let mar_r = attr_pt(ppr, "marR").unwrap();
        let indent = attr_pt(ppr, "indent").unwrap();
        let ends = |l: &Line| l.x + l.width;
        for line in &p.lines {
            assert!(
                (ends(line) - (right - mar_l)).abs() < 0.5,
                "{text}: a line ends at {} in the layout, {} in the PPTX",
                ends(line),
                right - mar_l
            );
        }
        let m = p.marker.as_ref().unwrap();
        assert!(
            (m.x + m.width - (right - mar_l - indent)).abs() < 0.5,
            "{text}: the bullet ends at {} in the layout, {} in the PPTX",
            m.x + m.width,
            right - mar_l - indent
        );
        let widest = p.lines.iter().map(|l| l.width).fold(0.0, f32::max);
        let lo = left + mar_r;
        assert!(
            lo <= p.lines.iter().map(|l| l.x).fold(f32::MAX, f32::min) + 0.5
                && right - mar_l - lo >= widest - 0.5,
            "{text}: the region from {lo} to {} is narrower than the text",
            right - mar_l
        );
        seen += 1;
    }
    assert_eq!(seen, 5);
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("surveydeck-bidi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn tool_text(cmd: &mut std::process::Command) -> String {
    String::from_utf8(common::run(cmd).stdout).expect("UTF-8 text")
}

/// True when `parts` occur in `text` in this order.
fn in_order(text: &str, parts: &[&str]) -> bool {
    let mut from = 0;
    for p in parts {
        match text[from..].find(p) {
            Some(i) => from += i + p.len(),
            None => return false,
        }
    }
    true
}

/// Leaves out the bidi embedding marks poppler puts around right-to-left words.
fn unmarked(s: &str) -> String {
    s.chars()
        .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
        .collect()
}

#[test]
fn text_layers_are_in_logical_order() {
    let out = out_dir("build");
    let dump = out.join("layout.json");
    support::run(
        &support::root(),
        &[
            "build",
            SURVEY,
            "-o",
            out.to_str().unwrap(),
            "--transcript",
            "--dump-layout",
            dump.to_str().unwrap(),
        ],
    )
    .expect(0);
    let pdf = out.join("survey.pdf");

    let transcript = std::fs::read_to_string(out.join("survey.txt")).unwrap();
    // The long paragraph's line break stands for the space it took.
    for line in [NAME, HEBREW, NUMBERS, IN_JAPANESE, MARKS, LONG] {
        assert!(
            transcript.lines().any(|l| l == line),
            "transcript lacks {line:?}:\n{transcript}"
        );
    }

    // The dump marks right-to-left paragraphs and gives each run its place.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&dump).unwrap()).unwrap();
    let paras: Vec<&serde_json::Value> = json["pages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap())
        .filter_map(|i| i["paragraphs"].as_array())
        .flatten()
        .collect();
    let runs_of = |p: &serde_json::Value| -> Vec<(String, f64)> {
        p["lines"][0]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["text"].as_str().unwrap().to_owned(),
                    r["x"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let name = paras
        .iter()
        .find(|p| runs_of(p).iter().map(|r| r.0.as_str()).collect::<String>() == NAME)
        .expect("the name's paragraph in the dump");
    assert_eq!(name["rtl"], true);
    let runs = runs_of(name);
    let x = |s: &str| runs.iter().find(|r| r.0.contains(s)).unwrap().1;
    assert!(x("محمد") > x("علي") && x("علي") > x("ムハンマド") && x("ムハンマド") > x("司会"));

    if let Some(pdftotext) = common::tool("pdftotext") {
        // Poppler lays lines out by position: it gives a right-to-left line
        // left to right, each Arabic or Hebrew word as written.
        let layout = unmarked(&tool_text(
            std::process::Command::new(&pdftotext)
                .args(["-enc", "UTF-8"])
                .arg(&pdf)
                .arg("-"),
        ));
        for s in [
            "ムハンマド・アリー, カイロ",
            "司会の補助",
            "محمد علي",
            "שלום עולם",
            "日本語のテキスト",
            "翻訳は",
            "قال مُحَمَّد",
            "الانتباه هو كل ما تحتاجه",
        ] {
            assert!(layout.contains(s), "poppler lacks {s:?}:\n{layout}");
        }
        // In content order (-raw), the words come as the survey has them.
        let raw = unmarked(&tool_text(
            std::process::Command::new(&pdftotext)
                .args(["-raw", "-enc", "UTF-8"])
                .arg(&pdf)
                .arg("-"),
        ));
        for parts in IN_ORDER {
            assert!(
                in_order(&raw, parts),
                "poppler -raw: {parts:?} out of order:\n{raw}"
            );
        }
        // A ligature (lam-alef) keeps its letters in order, a letter its marks.
        for word in [LIGATURE, WITH_MARKS] {
            assert!(raw.contains(word), "poppler -raw lacks {word:?}:\n{raw}");
        }
    }

    let pdfjs = common::pdfjs_text(&pdf);
    if let Some(pdfjs) = pdfjs {
        // pdf.js gives drawn pieces in content order, each right-to-left
        // stretch turned back to logical order (it takes a mirrored bracket
        // for the glyph it shows).
        for parts in IN_ORDER {
            assert!(
                in_order(&pdfjs, parts),
                "pdf.js: {parts:?} out of order:\n{pdfjs}"
            );
        }
        for word in [LIGATURE, WITH_MARKS] {
            assert!(pdfjs.contains(word), "pdf.js lacks {word:?}:\n{pdfjs}");
        }
    }

    // The PPTX: logical text, rtl on right-to-left paragraphs only.
    let xml = common::pptx_parts_xml(&out.join("survey.pptx"), "ppt/slides/slide");
    let mut seen = 0;
    for p in xml.split("<a:p>").skip(1) {
        let p = p.split("</a:p>").next().unwrap();
        let text: String = p
            .split("<a:t>")
            .skip(1)
            .filter_map(|t| t.split("</a:t>").next())
            .collect();
        let rtl = p.contains("rtl=\"1\"");
        for line in [NAME, HEBREW, NUMBERS, MARKS] {
            if text == line.replace('&', "&amp;") {
                assert!(rtl, "{line}: no rtl in {p}");
                assert!(p.contains("algn=\"r\""));
                // The bullet hangs at the start (the right, where an rtl
                // paragraph's indents apply), as in the PDF.
                assert!(p.contains("indent=\"-"), "{line}: no hanging indent in {p}");
                seen += 1;
            }
        }
        if text == IN_JAPANESE {
            assert!(!rtl);
            seen += 1;
        }
    }
    assert_eq!(seen, 5, "every paragraph found in the PPTX:\n{xml}");
    // Speaker notes: each line a paragraph, rtl where it starts right to left.
    let notes = common::pptx_parts_xml(&out.join("survey.pptx"), "ppt/notesSlides/");
    let note = "محمد علي يشرح الورقة (ムハンマド・アリー) — 5分で説明する";
    let p = notes
        .split("<a:p>")
        .find(|p| p.contains(note))
        .expect("the note in the PPTX");
    assert!(p.contains("rtl=\"1\""), "{p}");
    let p = notes
        .split("<a:p>")
        .find(|p| p.contains("次に質問を受ける"))
        .unwrap();
    assert!(!p.contains("rtl="), "{p}");
    let _ = std::fs::remove_dir_all(&out);
}
