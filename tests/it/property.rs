//! Property test: random valid surveys (Japanese, Latin, emoji, long words,
//! random nesting and list lengths) always give a complete, parseable PDF and
//! PPTX with no text lost and no panic.

use std::io::Read;

use proptest::prelude::*;
use surveydeck::document::{self, LoadOptions, Source};
use surveydeck::pages::{Item, Role};

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ぁ-んァ-ヶ亜-熙、。]{1,30}",
        3 => "[A-Za-z]{1,12}( [A-Za-z0-9]{1,10}){0,6}",
        1 => Just("😀🚀".to_owned()),
        1 => "[a-z]{40,120}",
        1 => Just("**太字** と *斜体* と `code` と [リンク](https://example.com/x)".to_owned()),
        1 => Just("https://arxiv.org/abs/2009.05041v2".to_owned()),
        1 => Just("（括弧）「鉤括弧」ー・！？".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..4).prop_map(|v| v.join(" "))
}

/// Bullets as (level, text) with levels that only step in by one.
fn bullets() -> impl Strategy<Value = Vec<(u8, String)>> {
    prop::collection::vec((0u8..3, text()), 0..14).prop_map(|v| {
        let mut last = 0u8;
        v.into_iter()
            .enumerate()
            .map(|(i, (l, t))| {
                let l = if i == 0 { 0 } else { l.min(last + 1) };
                last = l;
                (l, t)
            })
            .collect()
    })
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn yaml_bullets(out: &mut String, indent: usize, items: &[(u8, String)]) {
    // Nested lists follow the item they belong to.
    fn emit(out: &mut String, indent: usize, items: &[(u8, String)], level: u8, i: &mut usize) {
        while *i < items.len() && items[*i].0 >= level {
            if items[*i].0 == level {
                out.push_str(&format!("{}- {}\n", " ".repeat(indent), q(&items[*i].1)));
                *i += 1;
            } else {
                out.push_str(&format!("{}-\n", " ".repeat(indent)));
                emit(out, indent + 2, items, level + 1, i);
            }
        }
    }
    let mut i = 0;
    emit(out, indent, items, 0, &mut i);
}

#[derive(Debug, Clone)]
struct Paper {
    title: String,
    title_ja: Option<String>,
    summary: Vec<(u8, String)>,
    commentary: Vec<(u8, String)>,
}

fn paper() -> impl Strategy<Value = Paper> {
    (text(), prop::option::of(text()), bullets(), bullets()).prop_map(
        |(title, title_ja, summary, commentary)| Paper {
            title,
            title_ja,
            summary,
            commentary,
        },
    )
}

fn survey() -> impl Strategy<Value = (String, Vec<String>)> {
    (
        text(),
        prop::collection::vec(paper(), 1..24),
        prop::collection::vec(bullets(), 0..3),
    )
        .prop_map(|(title, papers, slides)| {
            let mut texts = Vec::new();
            let mut y = format!(
                "deck:\n  title: {}\n  date: 2026-11-01\npapers:\n",
                q(&title)
            );
            for (i, p) in papers.iter().enumerate() {
                y.push_str(&format!("  \"p{i}\":\n    title: {}\n", q(&p.title)));
                if let Some(j) = &p.title_ja {
                    y.push_str(&format!("    title_ja: {}\n", q(j)));
                }
                for (key, list) in [("summary", &p.summary), ("commentary", &p.commentary)] {
                    if !list.is_empty() {
                        y.push_str(&format!("    {key}:\n"));
                        yaml_bullets(&mut y, 6, list);
                        texts.extend(list.iter().map(|(_, t)| t.clone()));
                    }
                }
            }
            y.push_str("sections:\n");
            for (k, s) in slides.iter().enumerate() {
                y.push_str(&format!("  - slide: \"Slide {k}\"\n"));
                if !s.is_empty() {
                    y.push_str("    bullets:\n");
                    yaml_bullets(&mut y, 6, s);
                    texts.extend(s.iter().map(|(_, t)| t.clone()));
                }
            }
            y.push_str("  - ranking: top random\n    papers: [");
            y.push_str(
                &(0..papers.len())
                    .map(|i| format!("\"p{i}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            y.push_str("]\n");
            (y, texts)
        })
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn random_surveys_build_completely((yaml, texts) in survey()) {
        let source = Source { path: "random.yaml".into(), text: yaml.clone() };
        let loaded = document::load_source(source, &LoadOptions::default());
        let deck = match loaded.deck {
            Some(d) => d,
            None => panic!("valid survey rejected: {:?}\n{yaml}", loaded.diags.items),
        };
        let (doc, _) = surveydeck::lay_out(&deck).expect("lays out");
        // No text lost: every bullet's text (markup removed) is in the body, in order of appearance.
        let body: String = doc.pages.iter().flat_map(|p| p.items.iter()).filter_map(|i| match i {
            Item::Text(t) if matches!(t.role, Role::Body | Role::Callout) => Some(t.paragraphs.iter().map(|p| p.text()).collect::<String>()),
            _ => None,
        }).collect();
        let body = squash(&body);
        for t in &texts {
            let plain = squash(&surveydeck::document::plain(&surveydeck::document::parse_inline(t)));
            prop_assert!(body.contains(&plain), "lost: {plain}");
        }
        // No line leaves its box.
        for page in &doc.pages {
            for item in &page.items {
                if let Item::Text(t) = item {
                    for l in t.paragraphs.iter().flat_map(|p| p.lines.iter()) {
                        prop_assert!(l.x >= t.rect.x - 0.5 && l.x + l.width <= t.rect.right() + 0.5, "overflow: {:?}", l.text());
                    }
                }
            }
        }
        let pdf = surveydeck::pdf::write_pdf(&doc, &Default::default()).expect("pdf");
        let parsed = lopdf::Document::load_mem(&pdf).expect("PDF parses");
        prop_assert_eq!(parsed.get_pages().len(), doc.pages.len());
        let pptx = surveydeck::pptx::write_pptx(&doc, &Default::default()).expect("pptx");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pptx)).expect("PPTX is a zip");
        let mut slides = 0;
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("entry");
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).expect("entry reads (CRC checked)");
            let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
            if name.starts_with("ppt/slides/slide") && name.ends_with(".xml") {
                slides += 1;
            }
        }
        prop_assert_eq!(slides, doc.pages.len());
    }
}
