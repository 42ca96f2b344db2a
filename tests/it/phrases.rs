//! Phrase-aware line breaking: our BudouX scorer against BudouX's own
//! quality set, and the samples' wrapped titles, subtitles, ranking entries
//! and captions against phrase boundaries.

use std::path::Path;

use surveydeck::document::{self, LoadOptions};
use surveydeck::pages::{Document, Item, Role};
use surveydeck::text::paragraph::{Breaking, Wrap, break_lines, shape_paragraph_with};
use surveydeck::text::phrase::{boundaries, phrases};
use surveydeck::text::{FontBook, LaidLine};

#[test]
fn budoux_quality_set_matches_exactly() {
    let tsv = std::fs::read_to_string("tests/data/budoux/ja.tsv").expect("quality set");
    let mut n = 0;
    let mut failures = Vec::new();
    for line in tsv.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let sentence = line.rsplit('\t').next().unwrap_or(line);
        let expected: Vec<&str> = sentence.split('▁').collect();
        let raw = sentence.replace('▁', "");
        let got = phrases(&raw);
        if got != expected {
            failures.push(format!("expected {expected:?}\n     got {got:?}"));
        }
        n += 1;
    }
    assert!(n >= 38, "only {n} sentences in the quality set");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sample(name: &str) -> Document {
    let loaded = document::load(Path::new(name), &LoadOptions::default());
    let deck = loaded.deck.expect("sample loads");
    surveydeck::lay_out(&deck).expect("sample lays out").0
}

fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each break between two lines of a phrase-wrapped paragraph, as the line
/// before and the line after, with the page number and role.
fn wrapped_breaks(doc: &Document) -> Vec<(usize, Role, Vec<String>, usize)> {
    let mut out = Vec::new();
    for (i, page) in doc.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            let phrased = match t.role {
                Role::Title | Role::Subtitle | Role::Caption => true,
                // Ranking entries and their "(原文: …)" lines.
                Role::Body => page.kind == surveydeck::pages::PageKind::Ranking,
                _ => false,
            };
            if !phrased {
                continue;
            }
            for p in &t.paragraphs {
                let lines: Vec<String> = p.lines.iter().map(|l| l.text()).collect();
                for k in 1..lines.len() {
                    out.push((i + 1, t.role, lines.clone(), k));
                }
            }
        }
    }
    out
}

#[test]
fn every_wrapped_title_breaks_between_phrases_or_at_a_space() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for name in ["samples/2020-10-ai-update.yaml", "samples/minimal.yaml"] {
        let source = squash_ws(&std::fs::read_to_string(name).expect("sample"));
        let doc = sample(name);
        for (page, role, lines, k) in wrapped_breaks(&doc) {
            checked += 1;
            let joined: String = lines.concat();
            let at: usize = lines[..k].iter().map(String::len).sum();
            let (before, after) = (&lines[k - 1], &lines[k]);
            // A space the layout dropped at the break: the survey has the
            // two lines' edge words with one space between them.
            let last_word = before.rsplit(' ').next().unwrap_or("");
            let first_word = after.split(' ').next().unwrap_or("");
            let at_space = source.contains(&format!("{last_word} {first_word}"));
            if !(at_space || boundaries(&joined).contains(&at)) {
                bad.push(format!("{name} page {page} {role:?}: {before} / {after}"));
            }
        }
    }
    assert!(checked > 20, "only {checked} wrapped lines found");
    assert!(
        bad.is_empty(),
        "breaks inside a phrase:\n{}",
        bad.join("\n")
    );
}

#[test]
fn two_line_titles_do_not_end_in_one_phrase() {
    let mut bad = Vec::new();
    for name in ["samples/2020-10-ai-update.yaml", "samples/minimal.yaml"] {
        let doc = sample(name);
        for (page, role, lines, k) in wrapped_breaks(&doc) {
            if role != Role::Title || lines.len() != 2 || k != 1 {
                continue;
            }
            let last = &lines[1];
            let n = last.split(' ').map(|w| phrases(w).len()).sum::<usize>();
            if n < 2 {
                bad.push(format!("{name} page {page}: {} / {last}", lines[0]));
            }
        }
    }
    assert!(bad.is_empty(), "stub last lines:\n{}", bad.join("\n"));
}

fn lay(text: &str, width_em: f32, wrap: Wrap) -> Vec<String> {
    let shaped = shape_paragraph_with(
        FontBook::bundled(),
        &[(text, true)],
        Breaking {
            wrap,
            ..Breaking::default()
        },
    );
    let laid = break_lines(&shaped, &[10.0], width_em * 10.0);
    laid.lines.iter().map(LaidLine::text).collect()
}

#[test]
fn balanced_titles_at_every_width() {
    // The examples: "…ユニットの役割の / 理解" is a stub even though
    // it breaks between phrases.
    let titles = [
        "ディープニューラルネットワークにおける個々のユニットの役割の理解",
        "ディープニューラルネットワークを用いた継続学習の全体像.忘れられた教訓とアクティブでオープンワールドの学習への橋渡し",
        "Progressive Growing of GANs 生成器内での物体・部分特定ユニットの出現",
    ];
    let mut bad = Vec::new();
    for title in titles {
        let phrase_starts = boundaries(title);
        for w in 8..40 {
            let greedy = lay(title, w as f32, Wrap::Phrases);
            let lines = lay(title, w as f32, Wrap::Balanced);
            assert_eq!(lines.concat().replace(' ', ""), title.replace(' ', ""));
            // Balancing never adds a line.
            assert!(
                lines.len() <= greedy.len(),
                "{w} em: {lines:?} vs {greedy:?}"
            );
            let mut at = 0;
            for (k, l) in lines.iter().enumerate() {
                let start = title[at..].find(l.as_str()).map_or(at, |o| at + o);
                if k > 0 && !phrase_starts.contains(&start) && !title[..start].ends_with(' ') {
                    // Only a phrase wider than the box may break inside.
                    let ps = phrase_starts
                        .iter()
                        .rev()
                        .find(|&&b| b < start)
                        .copied()
                        .unwrap_or(0);
                    let pe = phrase_starts
                        .iter()
                        .find(|&&b| b > start)
                        .copied()
                        .unwrap_or(title.len());
                    let phrase = title[ps..pe].trim();
                    if !phrase.contains(' ') && lay(phrase, w as f32, Wrap::Anywhere).len() < 2 {
                        bad.push(format!("{w} em: breaks inside {phrase:?}: {lines:?}"));
                    }
                }
                at = start + l.len();
            }
            if lines.len() == 2 {
                let tail = &lines[1];
                let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
                if phrases(tail).len() < 2 && tail.chars().count() * 3 < widest {
                    bad.push(format!("{w} em: stub last line: {lines:?}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn a_phrase_wider_than_the_box_still_breaks() {
    let text = "ディープニューラルネットワーク";
    let lines = lay(text, 4.0, Wrap::Balanced);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), text);
}

#[test]
fn reference_deck_keeps_its_page_count() {
    // 68 pages before phrase-aware titles; they must not cost a page.
    let doc = sample("samples/2020-10-ai-update.yaml");
    assert!(doc.pages.len() <= 68, "{} pages", doc.pages.len());
}

#[test]
fn title_lines_snapshot() {
    // The reference deck's wrapped titles, subtitles, ranking entries and
    // captions, one paragraph a line with " / " at each break. Rewritten only
    // with SURVEYDECK_BLESS=1; a missing file fails.
    let doc = sample("samples/2020-10-ai-update.yaml");
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    for (page, role, lines, _) in wrapped_breaks(&doc) {
        let line = format!("{page} {role:?}: {}\n", lines.join(" / "));
        if seen.insert(line.clone()) {
            out.push_str(&line);
        }
    }
    let path = Path::new("tests/snapshots/title-lines.txt");
    if std::env::var_os("SURVEYDECK_BLESS").is_some() {
        std::fs::write(path, &out).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(path)
        .expect("tests/snapshots/title-lines.txt (bless with SURVEYDECK_BLESS=1)");
    assert_eq!(
        expected, out,
        "wrapped title lines changed (bless with SURVEYDECK_BLESS=1)"
    );
}
