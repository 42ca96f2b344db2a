//! The plain line-break layer against Unicode's own conformance test
//! (UAX #14 `LineBreakTest.txt`, vendored in `tests/data/unicode/`).
//!
//! The plain layer is UAX #14 as `unicode-linebreak` implements it; our
//! Japanese rules (`text::linebreak::opportunities_at`) at the strictest
//! level only ever take breaks away from it, never add one; the looser
//! levels add breaks only before the classes they let start a line (small
//! kana, ー, hyphens, …), and only after kana or kanji.

use std::collections::BTreeSet;

use surveydeck::text::linebreak::{
    Strictness, class, is_japanese_letter, no_start_at, opportunities_at,
};

const TEST: &str = include_str!("../data/unicode/LineBreakTest.txt");

/// One test case: the text and the byte offsets where UAX #14 allows a
/// break (not counting the start and the end of the text).
struct Case {
    line: usize,
    text: String,
    breaks: BTreeSet<usize>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (i, raw) in TEST.lines().enumerate() {
        let data = raw.split('#').next().unwrap_or("").trim();
        if data.is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut breaks = BTreeSet::new();
        for tok in data.split_whitespace() {
            match tok {
                "÷" => {
                    if !text.is_empty() {
                        breaks.insert(text.len());
                    }
                }
                "×" => {}
                hex => {
                    let cp = u32::from_str_radix(hex, 16)
                        .unwrap_or_else(|_| panic!("line {}: bad code point {hex}", i + 1));
                    text.push(char::from_u32(cp).expect("a scalar value"));
                }
            }
        }
        // The end of the text is always a break; opportunities leave it out.
        breaks.remove(&text.len());
        out.push(Case {
            line: i + 1,
            text,
            breaks,
        });
    }
    out
}

/// Cases where `unicode-linebreak` 0.1.5 departs from the test file, by
/// cause. The test fails when another case departs, and when one of these
/// stops departing (then remove it here).
const KNOWN: &[(&str, &[usize])] = &[
    (
        "LB30 exempts an opening bracket of East Asian width F/W/H (〈, （, 「) \
         from `(AL|HL|NU) × OP`; the crate does not, so it never breaks \
         between a Latin letter or digit and a full-width opening bracket",
        &[
            125, 127, 815, 1331, 2189, 2191, 3567, 3739, 4081, 4083, 4425, 4427, 4597, 4599, 4943,
            5459, 6489, 6491, 6663, 6833, 6835, 7005, 7007, 7177, 7179, 7587, 7604, 7610, 7611,
        ],
    ),
    (
        "the file uses the numeric tailoring of UAX #14 §8.2 example 7 \
         (`(PR|PO)? (OP|HY)? NU (NU|SY|IS)* (CL|CP)? (PR|PO)?` as one unit); \
         the crate implements the default LB25 pairs",
        &[
            1161, 1163, 1165, 1167, 2873, 2875, 4473, 4475, 4645, 4647, 5109, 5111, 6149, 6151,
            6153, 6155, 7477, 7486, 7491, 7576, 7577, 7578, 7579, 7580, 7581, 7583, 7584, 7585,
            7586,
        ],
    ),
    (
        "LB30b: an unassigned code point of an Extended_Pictographic block × \
         emoji modifier; the crate breaks",
        &[7681],
    ),
];

fn known(line: usize) -> bool {
    KNOWN.iter().any(|(_, lines)| lines.contains(&line))
}

/// The crate's break offsets (not counting the end).
fn crate_breaks(text: &str) -> BTreeSet<usize> {
    unicode_linebreak::linebreaks(text)
        .map(|(at, _)| at)
        .filter(|&at| at < text.len())
        .collect()
}

fn show(text: &str, at: &BTreeSet<usize>) -> String {
    let mut s = String::new();
    for (i, c) in text.char_indices() {
        if at.contains(&i) {
            s.push_str(" ÷ ");
        }
        s.push_str(&format!("{:04X} ", c as u32));
    }
    s
}

#[test]
fn the_test_file_is_whole() {
    let cases = cases();
    // 7,6xx lines of which the header is comments: every case parsed.
    assert!(cases.len() > 7_500, "only {} cases", cases.len());
    assert!(TEST.starts_with("# LineBreakTest-15.0.0.txt"));
}

#[test]
fn the_plain_layer_is_uax14() {
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    let cases = cases();
    for case in &cases {
        let got = crate_breaks(&case.text);
        if got != case.breaks && !known(case.line) {
            failures.push(format!(
                "line {}:\n  want {}\n  got  {}",
                case.line,
                show(&case.text, &case.breaks),
                show(&case.text, &got)
            ));
        }
        if got == case.breaks && known(case.line) {
            fixed.push(case.line);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from UAX #14:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "these cases now follow UAX #14: remove them from KNOWN: {fixed:?}"
    );
}

/// At the strictest level our Japanese rules never add a break to the plain
/// layer's; looser levels add one only before a class they let start a line,
/// after kana or kanji.
#[test]
fn japanese_rules_only_remove_breaks() {
    let mut checked = 0;
    for case in &cases() {
        let plain = crate_breaks(&case.text);
        for at in opportunities_at(&case.text, Strictness::VeryStrict) {
            assert!(
                plain.contains(&at),
                "line {}: a break at byte {at} that UAX #14 does not give: {}",
                case.line,
                show(&case.text, &[at].into())
            );
            checked += 1;
        }
        for level in [Strictness::Strict, Strictness::Loose, Strictness::VeryLoose] {
            for at in opportunities_at(&case.text, level) {
                if plain.contains(&at) {
                    continue;
                }
                let after = case.text[at..].chars().next();
                let before = case.text[..at].chars().next_back();
                assert!(
                    after.is_some_and(|c| class(c).is_some() && !no_start_at(c, level))
                        && before.is_some_and(is_japanese_letter),
                    "line {}: {level:?} adds a break at byte {at}: {}",
                    case.line,
                    show(&case.text, &[at].into())
                );
            }
        }
    }
    assert!(checked > 4_000, "only {checked} breaks checked");
}
