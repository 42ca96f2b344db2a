//! Fonts: fallback faces for characters the bundled BIZ UDPGothic lacks
//! (Hangul, simplified Chinese, math, emoji), text extraction of what they
//! draw, and the warnings when no face has a character.
//!
//! Needs Debian's fonts-noto-cjk, fonts-noto-color-emoji, fonts-dejavu-core
//! and fonts-dejavu-extra, and pdf.js in scripts/pdfjs (`.ci/run` installs
//! them all).

use crate::common;

use crate::support;

use std::path::{Path, PathBuf};

use support::{root, run};

const SURVEY: &str = "tests/fixtures/multilingual/survey.yaml";

/// Strings of the survey in other scripts, each drawn by a fallback face.
const STRINGS: &[&str] = &[
    "김민준",
    "王伟",
    "发表于 2017 年，作者",
    "QKᵀ/√d",
    "β₂",
    "ℝ^d",
    "📈",
    "🧠",
    "😀",
    "全角ＡＢＣ１２３",
    "半角ｶﾀｶﾅ",
];

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("surveydeck-fonts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn build(out: &Path, extra: &[&str]) -> support::Out {
    let mut args = vec!["build", SURVEY, "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&root(), &args)
}

#[test]
fn system_fallback_faces_draw_every_character_and_it_extracts() {
    let out = out_dir("system");
    let r = build(&out, &["--transcript"]);
    r.expect(0);
    // CFF and colour bitmap faces cannot go into a PPTX: named, and said so.
    assert!(
        r.stderr
            .contains("note: the PPTX names Noto Color Emoji without embedding it"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("no font has"),
        "a character has no face:\n{}",
        r.stderr
    );
    let pdf = out.join("survey.pdf");
    let transcript = std::fs::read_to_string(out.join("survey.txt")).unwrap();
    for s in STRINGS {
        assert!(transcript.contains(s), "transcript lacks {s:?}");
    }
    assert!(transcript.contains("「\u{3000}」"), "{transcript}");
    for (tool, text) in common::extracted_texts(&pdf) {
        for s in STRINGS {
            assert!(text.contains(s), "{tool} lacks {s:?}:\n{text}");
        }
        // U+3000 is drawn as space (both extractors give any white space
        // back as U+0020).
        assert!(text.contains("「 」"), "{tool}: {text}");
        // A ZWJ sequence is one cluster in one face: pdf.js gives it back
        // whole.
        if tool == "pdf.js" {
            assert!(text.contains("👩\u{200D}🔬"), "{text}");
        }
    }
    if let Some(pdffonts) = common::tool("pdffonts") {
        let fonts = common::run(std::process::Command::new(pdffonts).arg(&pdf));
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        for face in ["NotoSansCJKkr", "NotoSansCJKsc", "Type 3"] {
            assert!(fonts.contains(face), "{face} not embedded:\n{fonts}");
        }
    }
    // The PPTX text is the survey's.
    let xml = common::pptx_parts_xml(&out.join("survey.pptx"), "ppt/slides/slide");
    // Runs split where the face changes: join the runs' text.
    let text: String = xml
        .split("<a:t>")
        .skip(1)
        .filter_map(|t| t.split("</a:t>").next())
        .collect();
    for s in STRINGS {
        assert!(text.contains(s), "PPTX lacks {s:?}:\n{text}");
    }
    assert!(
        xml.contains("typeface=\"Noto Sans CJK KR\""),
        "no Korean face in the PPTX"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn pdf_standards_accept_the_fallback_faces() {
    for standard in ["ua1", "a2u"] {
        let out = out_dir(standard);
        build(&out, &["--format", "pdf", "--pdf-standard", standard]).expect(0);
        if let Some(text) = common::poppler_text(&out.join("survey.pdf")) {
            assert!(text.contains("김민준") && text.contains("📈"), "{text}");
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[test]
fn no_glyph_is_notdef_with_fallback_faces() {
    let loaded = surveydeck::document::load(
        &root().join(SURVEY),
        &surveydeck::document::LoadOptions::default(),
    );
    let deck = loaded.deck.expect("loads");
    let theme = surveydeck::theme::Theme::default_theme();
    let fonts = surveydeck::FontOptions::default();
    let (doc, _) = surveydeck::lay_out_with_fonts(&deck, &theme, &fonts).expect("lays out");
    let mut n = 0;
    for page in &doc.pages {
        for item in &page.items {
            let surveydeck::pages::Item::Text(t) = item else {
                continue;
            };
            for r in t
                .paragraphs
                .iter()
                .flat_map(|p| p.lines.iter().flat_map(|l| &l.runs))
            {
                for g in &r.glyphs {
                    n += 1;
                    assert_ne!(
                        g.id, 0,
                        "notdef in {:?} ({})",
                        r.text, doc.fonts[r.font].family
                    );
                }
            }
        }
    }
    assert!(n > 300);
    // Without system fonts the same characters are boxes, and reported.
    let (doc, diags) =
        surveydeck::lay_out_with_fonts(&deck, &theme, &surveydeck::FontOptions::reproducible())
            .expect("lays out");
    assert!(doc.fonts.iter().all(|f| f.family == "BIZ UDPGothic"));
    assert!(diags.items.iter().any(|d| d.message.contains("U+AE40")));
}

#[test]
fn ignoring_system_fonts_warns_at_each_character_and_deny_warnings_fails() {
    let out = out_dir("bundled");
    let r = build(&out, &["--ignore-system-fonts", "--format", "pdf"]);
    r.expect(0);
    // The character's own line and column, once per place.
    let want = "warning: no font has `김` (U+AE40): drawn as an empty box\n  --> tests/fixtures/multilingual/survey.yaml:10:10\n";
    assert!(r.stderr.contains(want), "{}", r.stderr);
    assert!(r.stderr.contains("survey.yaml:18:28\n"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("no font has `김`").count(),
        2,
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("no font has `😀`").count(), 1);
    assert!(r.stderr.contains("--ignore-system-fonts"));
    // The PDF still carries the characters in its text.
    if let Some(text) = common::poppler_text(&out.join("survey.pdf")) {
        assert!(text.contains("김민준"), "{text}");
    }

    // `check` runs the same pipeline: the same warning, and the same failure.
    let c = run(
        &root(),
        &["check", SURVEY, "--ignore-system-fonts", "--deny-warnings"],
    );
    c.expect(1);
    assert!(c.stderr.contains(want), "{}", c.stderr);

    let denied = out_dir("denied");
    let r = build(&denied, &["--ignore-system-fonts", "--deny-warnings"]);
    r.expect(1);
    assert!(!denied.join("survey.pdf").exists());
    // The same build is byte-stable.
    let again = out_dir("again");
    build(&again, &["--ignore-system-fonts", "--format", "pdf"]).expect(0);
    assert_eq!(
        std::fs::read(out.join("survey.pdf")).unwrap(),
        std::fs::read(again.join("survey.pdf")).unwrap()
    );
    for d in [out, denied, again] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn font_path_faces_are_used_without_system_fonts() {
    let out = out_dir("font-path");
    let r = build(
        &out,
        &[
            "--ignore-system-fonts",
            "--font-path",
            "/usr/share/fonts/opentype/noto",
            "--format",
            "pdf",
        ],
    );
    r.expect(0);
    assert!(!r.stderr.contains("no font has `김`"), "{}", r.stderr);
    assert!(!r.stderr.contains("no font has `王`"), "{}", r.stderr);
    // Emoji are not in that folder: still reported.
    assert!(r.stderr.contains("no font has `😀`"), "{}", r.stderr);
    let r = build(&out, &["--font-path", "no/such/folder"]);
    r.expect(2);
    assert!(r.stderr.contains("is not a folder"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&out);
}

/// The room layout leaves where Japanese and Latin text meet ("10 月" on
/// the page, a quarter em) is not a space in the text: poppler and pdf.js
/// both extract the reference deck's title as "…会 10月", and every place
/// where the extracted text has a space between Japanese and Latin letters
/// has one in the survey, but for the three named below.
/// Builds `survey` into a PDF alone in a fresh folder named after `name`:
/// the folder and the PDF.
fn pdf_of(survey: &str, name: &str) -> (PathBuf, PathBuf) {
    let out = out_dir(name);
    let args = ["build", survey, "-o", out.to_str().unwrap()];
    run(
        &root(),
        &[&args[..], &["--format", "pdf", "--quiet"]].concat(),
    )
    .expect(0);
    let stem = Path::new(survey).file_stem().unwrap().to_str().unwrap();
    let pdf = out.join(format!("{stem}.pdf"));
    (out, pdf)
}

#[test]
fn gaps_between_japanese_and_latin_text_extract_as_no_space() {
    let sample = "samples/2020-10-ai-update.yaml";
    let (out, pdf) = pdf_of(sample, "gaps");
    // The survey's text as its scalars read: a line break inside a plain
    // scalar is a space.
    let source = std::fs::read_to_string(root().join(sample)).unwrap();
    let source = source.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    let japanese = |c: char| matches!(c, '\u{3000}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}');
    let latin = |c: char| c.is_ascii_graphic();
    let tools = common::extracted_texts(&pdf);
    for (tool, text) in tools {
        assert!(
            text.starts_with("AI 最新技術 Update 会 10月\n"),
            "{tool}: {}",
            text.lines().next().unwrap_or("")
        );
        let chars: Vec<char> = text.chars().collect();
        let mut spaced = Vec::new();
        for w in chars.windows(3) {
            let [a, ' ', b] = *w else { continue };
            if (japanese(a) && latin(b)) || (latin(a) && japanese(b)) {
                let pair = format!("{a} {b}");
                if !source.contains(&pair) {
                    spaced.push(pair);
                }
            }
        }
        spaced.sort();
        spaced.dedup();
        // "し (1/2)": the continuation mark is set after a space. "する. 知識"
        // and "引用 http": a lead and a figure caption, and two figure
        // credits, side by side and joined on one line by the tool.
        assert_eq!(
            spaced,
            [". 知", "し (", "用 h"],
            "{tool}: spaces not in the survey"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// Lines kept together by shrinking their Japanese–Latin gaps towards an
/// eighth of an em (JLREQ 3.2.3) still extract with no space at the gaps:
/// the glyph before a gap is drawn from the wide face and moved back by
/// what the line gave up, an overlap neither extractor breaks a word at.
#[test]
fn shrunk_gaps_extract_as_no_space() {
    use surveydeck::pages::Item;
    use surveydeck::text::{FontBook, SpanStyle};
    let survey = "tests/fixtures/gaps/survey.yaml";
    let loaded = surveydeck::document::load(
        &root().join(survey),
        &surveydeck::document::LoadOptions::default(),
    );
    let deck = loaded.deck.expect("the gaps survey loads");
    let (doc, _) = surveydeck::lay_out(&deck).expect("lays out");
    // A line is shrunk when it is narrower than its text laid out alone.
    let mut shrunk = Vec::new();
    let lines = doc
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.paragraphs.iter().flat_map(|p| p.lines.iter())),
            _ => None,
        })
        .flatten();
    for line in lines {
        let spans: Vec<(&str, SpanStyle)> = line
            .runs
            .iter()
            .map(|r| {
                let style = SpanStyle {
                    size: r.size,
                    bold: r.bold,
                };
                (r.text.as_str(), style)
            })
            .collect();
        let natural = surveydeck::text::layout(FontBook::bundled(), &spans, 1e6).lines[0].width;
        if line.width < natural - 0.1 {
            shrunk.push(line.text());
        }
    }
    assert!(
        shrunk.len() >= 2,
        "lines kept together by their gaps: {shrunk:?}"
    );

    let (out, pdf) = pdf_of(survey, "shrunk");
    let tools = common::extracted_texts(&pdf);
    for (tool, text) in tools {
        for line in &shrunk {
            assert!(
                text.lines().any(|l| l.contains(line.as_str())),
                "{tool}: {line:?} not found whole in\n{text}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}
