//! Themes: built-ins, a user's theme extending one, and theme errors.

use std::path::Path;

use surveydeck::document::{self, LoadOptions};
use surveydeck::pages::{Color, Item};
use surveydeck::theme;

fn deck() -> surveydeck::document::Deck {
    document::load(Path::new("samples/minimal.yaml"), &LoadOptions::default())
        .deck
        .expect("loads")
}

#[test]
fn every_builtin_theme_lays_out_the_samples() {
    for (name, _) in theme::BUILTIN {
        let t = theme::load(name, Path::new(".")).expect("built-in theme loads");
        let (doc, _) = surveydeck::lay_out_with(&deck(), &t).expect("lays out");
        assert!(
            doc.pages.iter().all(|p| p.background == t.background),
            "{name}"
        );
        surveydeck::pdf::write_pdf(&doc, &Default::default()).expect("pdf");
        surveydeck::pptx::write_pptx(&doc, &Default::default()).expect("pptx");
    }
}

#[test]
fn a_user_theme_extends_a_builtin_and_overrides_keys() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("mine.yaml"),
        "description: mine\nextends: dark\ncolors:\n  accent: \"#FF8800\"\nsizes:\n  body: 22\n",
    )
    .expect("write");
    let t = theme::load("mine.yaml", dir.path()).expect("loads");
    let dark = theme::load("dark", Path::new(".")).expect("dark");
    assert_eq!(t.accent, Color(0xFF, 0x88, 0x00));
    assert_eq!(t.background, dark.background, "inherited");
    assert_eq!(t.body_size, 22.0);
    let (doc, _) = surveydeck::lay_out_with(&deck(), &t).expect("lays out");
    let rule = doc.pages[1].items.iter().find_map(|i| match i {
        Item::Shape(s) if s.role == surveydeck::pages::ShapeRole::Rule => s.fill,
        _ => None,
    });
    assert_eq!(rule, Some(Color(0xFF, 0x88, 0x00)));
}

#[test]
fn theme_errors_are_positioned_with_suggestions() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, "extends: default\ncolors:\n  acent: \"#000000\"\n").expect("write");
    let err = theme::load("bad.yaml", dir.path()).expect_err("unknown field");
    let d = &err.items[0];
    assert_eq!(d.message, "unknown theme field `acent`");
    assert_eq!((d.pos.line, d.pos.col), (3, 3));
    assert_eq!(d.help.as_deref(), Some("did you mean `accent`?"));

    std::fs::write(&file, "colors:\n  text: blue\n").expect("write");
    let err = theme::load("bad.yaml", dir.path()).expect_err("bad colour");
    assert_eq!(err.items[0].message, "`blue` is not a colour");
    assert_eq!((err.items[0].pos.line, err.items[0].pos.col), (2, 9));

    let err = theme::load("drak", Path::new(".")).expect_err("no such theme");
    assert_eq!(
        err.items[0]
            .help
            .as_deref()
            .map(|h| h.starts_with("did you mean `dark`?")),
        Some(true)
    );
}

#[test]
fn commentary_beside_puts_the_box_right_of_the_text() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("side.yaml"),
        "extends: default\npaper:\n  commentary: beside\n",
    )
    .expect("write");
    let t = theme::load("side.yaml", dir.path()).expect("loads");
    let (doc, _) = surveydeck::lay_out_with(&deck(), &t).expect("lays out");
    let mut found = false;
    for page in &doc.pages {
        let boxes: Vec<_> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Shape(s) if s.role == surveydeck::pages::ShapeRole::Callout => Some(s.rect),
                _ => None,
            })
            .collect();
        let body = page.items.iter().find_map(|i| match i {
            Item::Text(t) if t.role == surveydeck::pages::Role::Body => Some(t.rect),
            _ => None,
        });
        if let (Some(b), Some(body)) = (boxes.first(), body) {
            assert!(b.x >= body.right(), "box {b:?} overlaps the text {body:?}");
            found = true;
        }
    }
    assert!(found, "no paper slide with a commentary box");
}

#[test]
fn figures_below_sit_under_the_text() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("below.yaml"),
        "extends: default\npaper:\n  figures: below\n",
    )
    .expect("write");
    let t = theme::load("below.yaml", dir.path()).expect("loads");
    let deck = document::load(
        Path::new("samples/2020-10-ai-update.yaml"),
        &LoadOptions::default(),
    )
    .deck
    .expect("loads");
    let (doc, _) = surveydeck::lay_out_with(&deck, &t).expect("lays out");
    let mut checked = 0;
    for page in &doc.pages {
        let body = page.items.iter().find_map(|i| match i {
            Item::Text(t) if t.role == surveydeck::pages::Role::Body => Some(t.rect),
            _ => None,
        });
        let Some(body) = body else { continue };
        for item in &page.items {
            let (Item::Image(im), true) = (item, true) else {
                continue;
            };
            assert!(
                im.rect.y >= body.bottom() - 0.5,
                "{}: image {:?} overlaps the text {body:?}",
                page.title,
                im.rect
            );
            checked += 1;
        }
    }
    assert!(checked > 5, "only {checked} figures checked");
}

/// Links look the same in every format: underlined by default (the PDF draws
/// a rule under the link's text, the PPTX says `u="sng"`), and not at all
/// with `links: {underline: false}` (`u="none"`, so LibreOffice does not
/// underline them either).
#[test]
fn one_link_style_in_pdf_pptx_and_pictures() {
    let deck = document::load(
        Path::new("samples/2020-10-ai-update.yaml"),
        &LoadOptions::default(),
    )
    .deck
    .expect("loads");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("plain.yaml"),
        "description: links not underlined\nextends: default\nlinks:\n  underline: false\n",
    )
    .expect("write");
    for (theme, underlined) in [
        (
            theme::load("default", Path::new(".")).expect("default"),
            true,
        ),
        (theme::load("plain.yaml", dir.path()).expect("plain"), false),
    ] {
        let (doc, _) = surveydeck::lay_out_with(&deck, &theme).expect("lays out");
        let runs: Vec<&surveydeck::pages::GlyphRun> = doc
            .pages
            .iter()
            .flat_map(|p| p.items.iter())
            .filter_map(|i| match i {
                Item::Text(t) => Some(t),
                _ => None,
            })
            .flat_map(|t| t.paragraphs.iter())
            .flat_map(|p| p.lines.iter())
            .flat_map(|l| l.runs.iter())
            .collect();
        let url_runs: Vec<_> = runs
            .iter()
            .filter(|r| matches!(r.link, Some(surveydeck::pages::Link::Url(_))))
            .collect();
        assert!(url_runs.len() > 10, "the sample links its papers");
        for r in &url_runs {
            assert_eq!(r.underline.is_some(), underlined, "{}", r.text);
            if let Some(u) = r.underline_rect() {
                // Under the baseline, above the descent, as thin as a rule.
                assert!(u.y > r.baseline && u.bottom() < r.baseline + r.descent + 1.0);
                assert!(u.h > 0.3 && u.h < 2.0 && u.w <= r.width);
            }
        }
        // Only links are underlined.
        assert!(
            runs.iter()
                .all(|r| r.link.is_some() || r.underline.is_none())
        );
        let pptx = surveydeck::pptx::write_pptx(&doc, &Default::default()).expect("pptx");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pptx)).expect("zip");
        let mut xml = String::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("part");
            if f.name().expect("name").starts_with("ppt/slides/slide") {
                std::io::Read::read_to_string(&mut f, &mut xml).expect("utf-8");
            }
        }
        let (sng, none) = (
            xml.matches("u=\"sng\"").count(),
            xml.matches("u=\"none\"").count(),
        );
        if underlined {
            assert!(sng >= url_runs.len(), "{sng} underlined runs");
        } else {
            assert_eq!(sng, 0);
            assert!(none >= url_runs.len(), "{none} runs say not underlined");
        }
    }
}
