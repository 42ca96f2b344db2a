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
