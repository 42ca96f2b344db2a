//! Layout invariants on the reference sample's pages model.

use std::path::Path;

use surveydeck::document::{self, Deck, LoadOptions, SlideKind, plain};
use surveydeck::pages::{Document, Item, Role};
use surveydeck::text::linebreak::{Strictness, no_end, no_start_at};

fn sample(name: &str) -> (Deck, Document) {
    let loaded = document::load(
        Path::new(&format!("samples/{name}")),
        &LoadOptions::default(),
    );
    for d in &loaded.diags.items {
        assert_ne!(
            d.severity,
            surveydeck::diag::Severity::Error,
            "{}",
            d.render(None)
        );
    }
    let deck = loaded.deck.expect("sample loads");
    let (doc, _) = surveydeck::lay_out(&deck).expect("sample lays out");
    (deck, doc)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn no_line_leaves_its_box_or_the_slide() {
    for name in ["2020-10-ai-update.yaml", "minimal.yaml"] {
        let (_, doc) = sample(name);
        for (i, page) in doc.pages.iter().enumerate() {
            for item in &page.items {
                let Item::Text(t) = item else { continue };
                assert!(
                    t.rect.x >= 0.0
                        && t.rect.right() <= doc.width + 0.01
                        && t.rect.y >= 0.0
                        && t.rect.bottom() <= doc.height + 0.01,
                    "{name} page {}: box {:?} leaves the slide",
                    i + 1,
                    t.rect
                );
                for p in &t.paragraphs {
                    for l in &p.lines {
                        for r in &l.runs {
                            let rr = r.rect();
                            assert!(
                                rr.x >= t.rect.x - 0.5 && rr.right() <= t.rect.right() + 0.5,
                                "{name} page {}: run {:?} overflows its box {:?} horizontally",
                                i + 1,
                                r.text,
                                t.rect
                            );
                            assert!(
                                rr.y >= t.rect.y - 1.0 && rr.bottom() <= t.rect.bottom() + 1.0,
                                "{name} page {}: run {:?} overflows its box {:?} vertically ({:?})",
                                i + 1,
                                r.text,
                                t.rect,
                                rr
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn kinsoku_holds_in_every_line() {
    let (_, doc) = sample("2020-10-ai-update.yaml");
    for page in &doc.pages {
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            for p in &t.paragraphs {
                for l in &p.lines {
                    let text = l.text();
                    let (Some(first), Some(last)) = (text.chars().next(), text.chars().last())
                    else {
                        continue;
                    };
                    assert!(
                        !no_start_at(first, Strictness::default()),
                        "line starts with {first}: {text:?}"
                    );
                    assert!(!no_end(last), "line ends with {last}: {text:?}");
                }
            }
        }
    }
}

#[test]
fn no_text_is_lost() {
    let (deck, doc) = sample("2020-10-ai-update.yaml");
    let body: String = doc
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            Item::Text(t) if matches!(t.role, Role::Body | Role::Callout) => {
                Some(t.paragraphs.iter().map(|p| p.text()).collect::<String>())
            }
            _ => None,
        })
        .collect();
    let body = squash(&body);
    let mut checked = 0;
    for slide in &deck.slides {
        let items = match &slide.kind {
            SlideKind::Paper(p) => p
                .summary
                .iter()
                .chain(p.commentary.iter())
                .collect::<Vec<_>>(),
            SlideKind::Free { items, callout, .. } => items.iter().chain(callout.iter()).collect(),
            SlideKind::Agenda { items, .. } | SlideKind::Credits { items, .. } => {
                items.iter().collect()
            }
            _ => vec![],
        };
        for it in items {
            let t = squash(&plain(&it.text));
            assert!(body.contains(&t), "lost: {t}");
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} items checked");
}

#[test]
fn long_slides_split_into_numbered_continuations() {
    let (_, doc) = sample("2020-10-ai-update.yaml");
    let titles: Vec<&str> = doc.pages.iter().map(|p| p.title.as_str()).collect();
    let mut firsts = 0;
    for (i, t) in titles.iter().enumerate() {
        // "(1/n)" is followed at once by "(2/n)" … "(n/n)" of the same title.
        let Some((base, n)) = t
            .strip_suffix(')')
            .and_then(|t| t.rsplit_once(" (1/"))
            .and_then(|(b, n)| Some((b, n.parse::<usize>().ok()?)))
        else {
            continue;
        };
        firsts += 1;
        assert!(n >= 2, "{t}");
        for k in 2..=n {
            let want = format!("{base} ({k}/{n})");
            assert_eq!(
                titles.get(i + k - 1).copied(),
                Some(want.as_str()),
                "{t} is not followed by its continuation {want}"
            );
        }
        assert!(
            !titles
                .get(i + n)
                .is_some_and(|x| x.starts_with(&format!("{base} ("))),
            "{t}: more continuations than {n}"
        );
    }
    assert!(firsts > 0, "no slide was split: {titles:?}");
    // Every continuation belongs to such a run.
    for (i, t) in titles.iter().enumerate() {
        let numbered = |rest: &str| {
            rest.strip_suffix(')')
                .and_then(|r| r.split_once('/'))
                .is_some_and(|(k, n)| k.parse::<usize>().is_ok() && n.parse::<usize>().is_ok())
        };
        if let Some((base, rest)) = t.rsplit_once(" (")
            && numbered(rest)
            && !rest.starts_with("1/")
        {
            assert!(
                i > 0 && titles[i - 1].starts_with(&format!("{base} (")),
                "{t} follows {:?}",
                titles.get(i.wrapping_sub(1))
            );
        }
    }
}

#[test]
fn ranking_entries_link_to_their_paper_pages() {
    let (_, doc) = sample("2020-10-ai-update.yaml");
    let ranking = doc
        .pages
        .iter()
        .find(|p| p.title.starts_with("top recent"))
        .expect("ranking page");
    let mut targets = Vec::new();
    for r in ranking.runs() {
        if let Some(surveydeck::pages::Link::Page(n)) = &r.link
            && !targets.contains(n)
        {
            targets.push(*n);
        }
    }
    assert_eq!(targets.len(), 10);
    assert!(
        doc.pages[targets[0]].title.starts_with("① "),
        "{}",
        doc.pages[targets[0]].title
    );
    assert!(
        doc.pages[targets[9]].title.starts_with("⑩ "),
        "{}",
        doc.pages[targets[9]].title
    );
}

#[test]
fn layout_dump_snapshot() {
    // A compact text dump of the reference sample: each page's title and
    // each text box's lines with size. Re-bless with SURVEYDECK_BLESS=1.
    let (_, doc) = sample("2020-10-ai-update.yaml");
    let mut out = String::new();
    for (i, p) in doc.pages.iter().enumerate() {
        out.push_str(&format!("== {} {:?} {}\n", i + 1, p.kind, p.title));
        for item in &p.items {
            let Item::Text(t) = item else { continue };
            for para in &t.paragraphs {
                for l in &para.lines {
                    out.push_str(&format!(
                        "  {:?} {:.1} @{:.0},{:.0} {}\n",
                        t.role,
                        para.size,
                        l.x,
                        l.baseline,
                        l.text()
                    ));
                }
            }
        }
    }
    let path = Path::new("tests/snapshots/2020-10-ai-update.layout.txt");
    if std::env::var("SURVEYDECK_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all("tests/snapshots").ok();
        std::fs::write(path, &out).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (a missing snapshot fails; write it with SURVEYDECK_BLESS=1)",
            path.display()
        )
    });
    if expected != out {
        let mut diff = String::new();
        for (n, (a, b)) in expected.lines().zip(out.lines()).enumerate() {
            if a != b {
                diff.push_str(&format!("line {}:\n- {a}\n+ {b}\n", n + 1));
                if diff.len() > 4000 {
                    break;
                }
            }
        }
        if expected.lines().count() != out.lines().count() {
            diff.push_str(&format!(
                "line count {} -> {}\n",
                expected.lines().count(),
                out.lines().count()
            ));
        }
        std::fs::write(path.with_extension("txt.new"), &out).ok();
        panic!(
            "layout changed (new dump in {}.new; bless with SURVEYDECK_BLESS=1):\n{diff}",
            path.display()
        );
    }
}

#[test]
fn every_slide_kind_lays_out_inside_the_slide() {
    use surveydeck::document::Source;
    use surveydeck::pages::PageKind;
    let yaml = "deck:\n  title: 全種類\n  subtitle: サブタイトル\n  presenter: 山田\n  date: 2026-11-01\n  credits: [DeepL https://www.deepl.com/]\npapers:\n  \"2009.05041\":\n    title: Understanding the Role of Individual Units\n    title_ja: 個々のユニットの役割の理解\n    summary: [要約]\n    commentary: [所感]\n    tags: [picked]\nsections:\n  - agenda: Agenda\n  - divider: 第2部\n    subtitle: 論文紹介\n  - ranking: top recent\n    papers: [\"2009.05041\"]\n  - paper: \"2009.05041\"\n    label: 気になった 1 本\n    slides:\n      - slide: 補足\n        lead: 説明\n        callout: [定義]\n";
    let loaded = document::load_source(
        Source {
            path: "kinds.yaml".into(),
            text: yaml.into(),
        },
        &LoadOptions::default(),
    );
    let deck = loaded
        .deck
        .unwrap_or_else(|| panic!("{:?}", loaded.diags.items));
    let (doc, _) = surveydeck::lay_out(&deck).expect("lays out");
    let kinds: Vec<PageKind> = doc.pages.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        vec![
            PageKind::Title,
            PageKind::Agenda,
            PageKind::Divider,
            PageKind::Ranking,
            PageKind::Paper,
            PageKind::Paper,
            PageKind::Free,
            PageKind::Credits
        ]
    );
    let slide = surveydeck::pages::Rect::new(0.0, 0.0, doc.width, doc.height);
    for (i, page) in doc.pages.iter().enumerate() {
        for item in &page.items {
            let r = match item {
                Item::Text(t) => t.rect,
                Item::Shape(s) => s.rect,
                Item::Image(im) => im.rect,
            };
            assert!(
                slide.contains(&r),
                "page {} item {r:?} leaves the slide",
                i + 1
            );
        }
    }
    // The generated agenda lists the ranking and the featured paper.
    let agenda = doc.pages[1].text();
    assert!(
        agenda.contains("1. 第2部")
            && agenda.contains("2. top recent の上位 1 本")
            && agenda.contains("3. 気になった 1 本"),
        "{agenda}"
    );
    assert!(doc.pages[2].text().contains("第2部") && doc.pages[2].text().contains("論文紹介"));
    // The featured paper carries its earlier rank and the picked badge.
    let featured = doc.pages[5].text();
    assert!(
        featured.contains("Top recent ①")
            && featured.contains("気になった論文")
            && featured.contains("気になった 1 本"),
        "{featured}"
    );
}

/// "⇒ Recent #6" under a later ranking's entry and the "Top recent ⑥" tag
/// on the paper's later slide link to the slide where the first ranking
/// presented the paper (the writers turn page links into PDF and PPTX
/// jumps), not to the later copy.
#[test]
fn cross_references_link_to_the_first_appearance() {
    use surveydeck::pages::{Link, PageKind};
    let (_, doc) = sample("2020-10-ai-update.yaml");
    let links = |page: &surveydeck::pages::Page, what: &str| -> Vec<usize> {
        page.runs()
            .filter(|r| r.text.contains(what))
            .filter_map(|r| match r.link {
                Some(Link::Page(p)) => Some(p),
                _ => None,
            })
            .collect()
    };
    let heading = |p: usize| squash(&doc.pages[p].title);
    let (mut marks, mut tags) = (0, 0);
    for (i, page) in doc.pages.iter().enumerate() {
        for target in links(page, "⇒") {
            marks += 1;
            // The later list's own copy of the paper follows this list.
            assert!(
                target < i,
                "slide {}: ⇒ links forward to {}",
                i + 1,
                target + 1
            );
            assert_eq!(doc.pages[target].kind, PageKind::Paper);
        }
        let tag = page.items.iter().find_map(|it| match it {
            Item::Text(t)
                if t.role == Role::Badge
                    && t.paragraphs.iter().any(|p| p.text().contains("Top")) =>
            {
                Some(t)
            }
            _ => None,
        });
        if let Some(t) = tag {
            tags += 1;
            let target = t
                .paragraphs
                .iter()
                .flat_map(|p| p.lines.iter().flat_map(|l| l.runs.iter()))
                .find_map(|r| match r.link {
                    Some(Link::Page(p)) => Some(p),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("slide {}: the tag has no link", i + 1));
            assert!(target < i, "slide {}", i + 1);
            // Both slides present the same paper: the heading without its
            // number mark is the same (its first characters: a split slide's
            // title ends in "(1/2)").
            let strip = |s: String| {
                s.chars()
                    .skip_while(|c| !c.is_alphanumeric() || ('①'..='⑳').contains(c))
                    .take(8)
                    .collect::<String>()
            };
            assert_eq!(
                strip(heading(target)),
                strip(heading(i)),
                "slide {} links to slide {}",
                i + 1,
                target + 1
            );
        }
    }
    assert!(marks >= 4 && tags >= 4, "{marks} ⇒ marks, {tags} tags");
}
