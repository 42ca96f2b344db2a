//! Pagination of long slides: keep-with-next at page breaks, and the notes
//! that report a shrink or a split point at the slide they are about.

use surveydeck::diag::{Diagnostic, Diagnostics};
use surveydeck::document::{self, LoadOptions, Source};
use surveydeck::pages::{Document, Item, Role};

fn lay_out(yaml: &str) -> (Document, Diagnostics) {
    let loaded = document::load_source(
        Source {
            path: "long.yaml".into(),
            text: yaml.into(),
        },
        &LoadOptions::default(),
    );
    let deck = loaded
        .deck
        .unwrap_or_else(|| panic!("{:?}\n{yaml}", loaded.diags.items));
    surveydeck::lay_out(&deck).unwrap_or_else(|d| panic!("{:?}", d.items))
}

/// Body paragraphs of a page: (bullet level, text).
fn body(page: &surveydeck::pages::Page) -> Vec<(Option<u8>, String)> {
    page.items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) if t.role == Role::Body => Some(t),
            _ => None,
        })
        .flat_map(|t| t.paragraphs.iter().map(|p| (p.level, p.text())))
        .collect()
}

/// A free slide of `n` long items, then a parent item with two sub-items,
/// then more items: for some `n` the parent falls at the foot of a page.
fn survey(n: usize) -> String {
    let mut y = String::from(
        "deck:\n  title: t\n  language: en\nsections:\n  - slide: Long\n    bullets:\n",
    );
    for i in 0..n {
        y.push_str(&format!(
            "      - Item {i} is a sentence long enough to fill most of one line here\n"
        ));
    }
    y.push_str("      - PARENT item\n      - - CHILD one\n        - CHILD two\n");
    for i in 0..6 {
        y.push_str(&format!("      - After {i}\n"));
    }
    y
}

#[test]
fn a_parent_item_never_ends_a_page_without_its_first_sub_item() {
    let mut carried = 0;
    for n in 10..60 {
        let (doc, _) = lay_out(&survey(n));
        let pages: Vec<_> = doc
            .pages
            .iter()
            .filter(|p| p.title.starts_with("Long"))
            .collect();
        assert!(pages.len() >= 2, "n = {n}: the slide was not split");
        for pair in pages.windows(2) {
            let (a, b) = (body(pair[0]), body(pair[1]));
            let (Some(last), Some(first)) = (a.last(), b.first()) else {
                panic!("n = {n}: an empty page");
            };
            assert!(
                !(last.1.starts_with("PARENT") && first.1.starts_with("CHILD")),
                "n = {n}: {:?} ends page \"{}\", its sub-item {:?} starts the next",
                last.1,
                pair[0].title,
                first.1
            );
            if first.1.starts_with("PARENT") {
                carried += 1;
                // It moved although it would have fitted: the page before has room.
                assert!(
                    b.get(1).is_some_and(|c| c.1.starts_with("CHILD one")),
                    "{b:?}"
                );
            }
        }
    }
    assert!(
        carried > 0,
        "the parent never fell at a page's foot: the test no longer tests keep-with-next"
    );
}

/// Every text of the slide comes out once, in order, across its pages.
#[test]
fn split_pages_keep_every_item_once_in_order() {
    for n in [10, 25, 40] {
        let (doc, _) = lay_out(&survey(n));
        let texts: Vec<String> = doc
            .pages
            .iter()
            .filter(|p| p.title.starts_with("Long"))
            .flat_map(body)
            .map(|(_, t)| t)
            .collect();
        let mut want: Vec<String> = (0..n)
            .map(|i| format!("Item {i} is a sentence long enough to fill most of one line here"))
            .collect();
        want.extend(["PARENT item", "CHILD one", "CHILD two"].map(String::from));
        want.extend((0..6).map(|i| format!("After {i}")));
        assert_eq!(texts, want, "n = {n}");
    }
}

fn notes<'d>(diags: &'d Diagnostics, what: &str) -> Vec<&'d Diagnostic> {
    diags
        .items
        .iter()
        .filter(|d| d.message.contains(what))
        .collect()
}

#[test]
fn shrink_and_split_notes_point_at_their_slide() {
    let mut y = String::from("deck:\n  title: t\n  language: en\nsections:\n");
    y.push_str("  - slide: Short\n    bullets: [one]\n");
    let shrunk_line = y.lines().count() as u32 + 1;
    y.push_str("  - slide: Shrunk\n    bullets:\n");
    for i in 0..16 {
        y.push_str(&format!(
            "      - Line {i} of a slide that is a little too long\n"
        ));
    }
    y.push_str("  - slide: Middle\n    bullets: [two]\n");
    let split_line = y.lines().count() as u32 + 1;
    y.push_str("  - slide: Split\n    bullets:\n");
    for i in 0..40 {
        y.push_str(&format!(
            "      - Line {i} of a slide that is far too long\n"
        ));
    }
    y.push_str("  - slide: Last\n    bullets: [three]\n");
    let (doc, diags) = lay_out(&y);
    let titles: Vec<&str> = doc.pages.iter().map(|p| p.title.as_str()).collect();
    assert!(titles.contains(&"Shrunk"), "{titles:?}");
    assert!(titles.contains(&"Split (1/3)"), "{titles:?}");

    let shrink = notes(&diags, "shrunk to");
    let split = notes(&diags, "split into");
    assert_eq!(split.len(), 1, "{:?}", diags.items);
    assert!(
        split[0].message.contains("\"Split\""),
        "{}",
        split[0].message
    );
    assert_eq!(split[0].pos.line, split_line, "{:?}", split[0]);
    assert_eq!(split[0].pos.col, 5, "{:?}", split[0]);
    assert_eq!(
        split[0].file.as_deref(),
        Some(std::path::Path::new("long.yaml"))
    );
    // The shrunk slide has its own note; the split one may too (it shrank first).
    let on_shrunk: Vec<_> = shrink
        .iter()
        .filter(|d| d.message.contains("\"Shrunk\""))
        .collect();
    assert_eq!(on_shrunk.len(), 1, "{:?}", diags.items);
    assert_eq!(on_shrunk[0].pos.line, shrunk_line, "{:?}", on_shrunk[0]);
    for d in shrink {
        let line = if d.message.contains("\"Split\"") {
            split_line
        } else {
            shrunk_line
        };
        assert_eq!(d.pos.line, line, "{d:?}");
    }
    assert!(
        !diags.items.iter().any(|d| ["Short", "Middle", "Last"]
            .iter()
            .any(|t| d.message.contains(&format!("\"{t}\"")))),
        "{:?}",
        diags.items
    );
}
