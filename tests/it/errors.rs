//! Bad input, end to end: the built binary on broken survey documents.
//!
//! Every case asserts the exit code, the message, the exact `FILE:LINE:COL`
//! (worked out by hand from the fixture, which is written line by line with
//! the line numbers alongside) and the help where there is a suggestion; and
//! that the process did not panic and wrote nothing.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::{
    Out, assert_diag, assert_no_temp_files, diagnostics, entries, find, minimal_workspace,
    workspace, write,
};

/// Runs `surveydeck ARGS` in `dir`. Every `build` in this corpus is also run
/// as `check` with the same options, which must give the same verdict: the
/// same exit code and the same errors and warnings (`check` is the build
/// without the writing).
fn run(dir: &Path, args: &[&str]) -> Out {
    let out = support::run(dir, args);
    if args.first() == Some(&"build") {
        let mut check_args = args.to_vec();
        check_args[0] = "check";
        let check = support::run(dir, &check_args);
        let problems = |stderr: &str| -> Vec<String> {
            diagnostics(stderr)
                .into_iter()
                .filter(|d| d.severity != "note")
                .map(|d| d.block)
                .collect()
        };
        assert_eq!(
            (check.code, problems(&check.stderr)),
            (out.code, problems(&out.stderr)),
            "`check` and `build` disagree on {args:?}\n--- check:\n{}\n--- build:\n{}",
            check.stderr,
            out.stderr
        );
    }
    out
}

/// Runs `build` on `survey` (relative to `dir`) into `dir/out` with every
/// output switched on, and asserts that it fails with exit 1 and writes nothing.
fn build_rejects(dir: &Path, survey: &str) -> Out {
    let out = run(
        dir,
        &[
            "build",
            survey,
            "-o",
            "out",
            "--format",
            "pdf",
            "--transcript",
            "--dump-layout",
            "out/layout.json",
        ],
    );
    out.expect(1);
    assert_eq!(
        entries(&dir.join("out")),
        Vec::<String>::new(),
        "a failed build wrote files:\n{}",
        out.stderr
    );
    out
}

/// Writes `yaml` as `s.yaml` in a fresh workspace, asserts that `check` and
/// `build` both reject it (exit 1, no panic, nothing written, the same
/// errors), and returns the workspace and `check`'s stderr.
fn rejected(yaml: impl AsRef<[u8]>) -> (tempfile::TempDir, String) {
    let ws = workspace();
    let dir = ws.path();
    write(dir, "s.yaml", yaml);
    let check = run(dir, &["check", "s.yaml"]);
    check.expect(1);
    assert!(
        diagnostics(&check.stderr)
            .iter()
            .any(|d| d.severity == "error"),
        "exit 1 without an error message:\n{}",
        check.stderr
    );
    assert!(
        !check.stderr.contains(": ok ("),
        "check failed but said ok:\n{}",
        check.stderr
    );
    let build = build_rejects(dir, "s.yaml");
    for d in diagnostics(&check.stderr) {
        if d.severity == "error" {
            assert!(
                build.stderr.contains(&d.block),
                "build did not report what check did:\n{}\n--- build:\n{}",
                d.block,
                build.stderr
            );
        }
    }
    // Nothing next to the survey either (an empty `out` folder is not an output).
    let left: Vec<String> = entries(dir).into_iter().filter(|n| n != "out").collect();
    assert_eq!(left, ["figures", "s.yaml"]);
    assert_no_temp_files(dir);
    (ws, check.stderr)
}

/// Writes `yaml` as `s.yaml`, asserts that `check` accepts it (exit 0) and returns its stderr.
fn accepted(yaml: impl AsRef<[u8]>) -> (tempfile::TempDir, String) {
    let ws = workspace();
    write(ws.path(), "s.yaml", yaml);
    let check = run(ws.path(), &["check", "s.yaml"]);
    check.expect(0);
    assert!(check.stderr.contains("s.yaml: ok ("), "{}", check.stderr);
    (ws, check.stderr)
}

/// The diagnostic whose message starts with `prefix`.
use support::find_prefix;

// ---------------------------------------------------------------- YAML level

#[test]
fn invalid_yaml_syntax() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",               // 1
        "  title: \"unclosed\n", // 2: the quote is column 10
        "sections: []\n",        // 3
    ));
    let d = find_prefix(&err, "error", "invalid YAML: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:2:10"), "{}", d.block);
    assert_eq!(d.help.as_deref(), Some("fix the YAML syntax at this place"));
    assert!(
        d.block
            .contains("2 |   title: \"unclosed\n  |          ^\n"),
        "caret not under the quote:\n{}",
        d.block
    );

    let (_ws, err) = rejected(concat!(
        "deck:\n",         // 1
        "  title: a: b\n", // 2: the second `:` is column 11
        "sections: []\n",  // 3
    ));
    assert_diag(
        &err,
        "error",
        "the value of `title` contains `: `, which YAML reads as the start of another key",
        "s.yaml:2:11",
        Some("quote the text: title: \"a: b\""),
    );

    let (_ws, err) = rejected(concat!(
        "deck:\n",         // 1
        "  title: X\n",    // 2
        " sections: []\n", // 3: mis-indented key, column 2
    ));
    let d = find_prefix(&err, "error", "`sections` is indented 1 space ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:3:2"), "{}", d.block);
}

#[test]
fn columns_count_characters_not_bytes() {
    // `日本語` is 9 bytes but 3 columns: the stray `:` is column 13.
    let (_ws, err) = rejected(concat!(
        "deck:\n",              // 1
        "  title: 日本語: x\n", // 2
        "sections: []\n",       // 3
    ));
    let d = find_prefix(&err, "error", "the value of `title` contains `: `");
    assert_eq!(d.location.as_deref(), Some("s.yaml:2:13"), "{}", d.block);
    // Wide characters take two cells: the caret sits under the `:`.
    assert!(
        d.block
            .contains("2 |   title: 日本語: x\n  |                ^\n"),
        "{}",
        d.block
    );
}

#[test]
fn unknown_field_suggests_the_near_name() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  titel: X\n",   // 2
        "sections: []\n", // 3
    ));
    let d = find(&err, "error", "unknown field `titel`");
    assert_eq!(
        d.block,
        concat!(
            "error: unknown field `titel`\n",
            "  --> s.yaml:2:3\n",
            "  |\n",
            "2 |   titel: X\n",
            "  |   ^\n",
            "  = help: did you mean `title`?\n",
        )
    );

    // In a section.
    let (_ws, err) = rejected(concat!(
        "deck:\n",           // 1
        "  title: X\n",      // 2
        "sections:\n",       // 3
        "  - slide: s\n",    // 4
        "    bulets: [a]\n", // 5
    ));
    assert_diag(
        &err,
        "error",
        "unknown field `bulets`",
        "s.yaml:5:5",
        Some("did you mean `bullets`?"),
    );

    // Nothing close: the allowed fields are listed.
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  title: X\n",   // 2
        "sections: []\n", // 3
        "zzzzzzzz: 1\n",  // 4
    ));
    assert_diag(
        &err,
        "error",
        "unknown field `zzzzzzzz`",
        "s.yaml:4:1",
        Some("the fields allowed here are: deck, papers, sections"),
    );
}

#[test]
fn wrong_types() {
    const HELP: &str =
        "check this value against docs/format.md (quote text that looks like a number or date)";
    // `papers` is a mapping of papers, not a number.
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  title: X\n",   // 2
        "papers: 5\n",    // 3: the 5 is column 9
        "sections: []\n", // 4
    ));
    let d = find_prefix(&err, "error", "wrong type: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:3:9"), "{}", d.block);
    assert_eq!(d.help.as_deref(), Some(HELP));

    // `bullets` is a list, not a mapping of several keys.
    let (_ws, err) = rejected(concat!(
        "deck:\n",                     // 1
        "  title: X\n",                // 2
        "sections:\n",                 // 3
        "  - slide: s\n",              // 4
        "    bullets: {a: 1, b: 2}\n", // 5: `{` is column 14
    ));
    let d = find_prefix(&err, "error", "wrong type: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:5:14"), "{}", d.block);

    // `- text: value` is an item with sub-items: the value must be a list.
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  title: X\n",   // 2
        "sections:\n",    // 3
        "  - slide: s\n", // 4
        "    bullets:\n", // 5
        "      - a: 7\n", // 6: the 7 is column 12
    ));
    let d = find_prefix(&err, "error", "wrong type: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:6:12"), "{}", d.block);

    // `deck` is a mapping.
    let (_ws, err) = rejected("deck: [1, 2]\nsections: []\n");
    let d = find_prefix(&err, "error", "wrong type: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:1:7"), "{}", d.block);

    // A title is text, not a list.
    let (_ws, err) = rejected("deck:\n  title: [a, b]\nsections: []\n");
    let d = find_prefix(&err, "error", "wrong type: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:2:10"), "{}", d.block);

    // A whole document that is a string.
    let (_ws, err) = rejected("just a string\n");
    let d = find_prefix(&err, "error", "wrong type: ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:1:1"), "{}", d.block);

    // An empty value where text is required.
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  title:\n",     // 2: the value would start at column 8
        "sections: []\n", // 3
    ));
    assert_diag(
        &err,
        "error",
        "a text value is empty",
        "s.yaml:2:8",
        Some("write the text, or quote an empty value as \"\""),
    );
}

#[test]
fn missing_required_fields() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",          // 1
        "  presenter: X\n", // 2
        "sections: []\n",   // 3
    ));
    // At the key of the mapping that lacks it, not at its last field.
    assert_diag(
        &err,
        "error",
        "missing field `title`",
        "s.yaml:1:1",
        Some("add `title:` to this mapping (see docs/format.md)"),
    );

    let (_ws, err) = rejected("deck:\n  title: X\n");
    assert_diag(
        &err,
        "error",
        "missing field `sections`",
        "s.yaml:1:1",
        Some("add `sections:` to this mapping (see docs/format.md)"),
    );
}

#[test]
fn duplicate_key() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  title: X\n",   // 2
        "  title: Y\n",   // 3
        "sections: []\n", // 4
    ));
    assert_diag(
        &err,
        "error",
        "duplicate key `title`",
        "s.yaml:3:3",
        Some("each key may appear once in a mapping: remove or rename one of them"),
    );
}

#[test]
fn paper_defined_twice() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",            // 1
        "  title: X\n",       // 2
        "papers:\n",          // 3
        "  p1:\n",            // 4
        "    title: A\n",     // 5
        "  p1:\n",            // 6: the second definition
        "    title: B\n",     // 7
        "sections:\n",        // 8
        "  - ranking: top\n", // 9
        "    papers: [p1]\n", // 10
    ));
    assert_diag(
        &err,
        "error",
        "duplicate key `p1`",
        "s.yaml:6:3",
        Some("each key may appear once in a mapping: remove or rename one of them"),
    );
}

#[test]
fn tab_indentation() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",            // 1
        "\ttitle: X\n",       // 2: tab at column 1
        "  \tpresenter: Y\n", // 3: tab after two spaces, column 3
        "sections: []\n",     // 4
    ));
    let tabs: Vec<_> = diagnostics(&err)
        .into_iter()
        .filter(|d| d.message == "a tab is used for indentation")
        .collect();
    assert_eq!(tabs.len(), 2, "every tabbed line is reported:\n{err}");
    assert_eq!(tabs[0].location.as_deref(), Some("s.yaml:2:1"));
    assert_eq!(tabs[1].location.as_deref(), Some("s.yaml:3:3"));
    for t in &tabs {
        assert_eq!(
            t.help.as_deref(),
            Some("YAML indents with spaces only: replace the tab with spaces")
        );
    }
}

#[test]
fn empty_document() {
    for text in ["", "\n\n   \n", "# a comment\n\n# another\n"] {
        let (_ws, err) = rejected(text);
        assert_diag(
            &err,
            "error",
            "the survey document is empty",
            "s.yaml:1:1",
            Some("start from a template: `surveydeck new survey.yaml`"),
        );
    }
}

#[test]
fn not_utf8() {
    const HELP: &str = "save the file as UTF-8 (e.g. convert it from Shift_JIS with `iconv -f SHIFT_JIS -t UTF-8`)";
    // テスト in Shift_JIS. "deck:\n" is 6 bytes and "  title: " 9: the first
    // bad byte is at offset 15, line 2, column 10.
    let (_ws, err) = rejected(b"deck:\n  title: \x83\x65\x83\x58\x83\x67\nsections: []\n");
    assert_diag(
        &err,
        "error",
        "the file is not valid UTF-8 (byte 0x83 at offset 15)",
        "s.yaml:2:10",
        Some(HELP),
    );

    // Columns count the valid characters before it (日本語 = 3 columns, 9 bytes).
    let mut bytes = "deck:\n  title: 日本語".as_bytes().to_vec();
    bytes.extend_from_slice(b"\x83\x65\nsections: []\n");
    let (_ws, err) = rejected(bytes);
    assert_diag(
        &err,
        "error",
        "the file is not valid UTF-8 (byte 0x83 at offset 24)",
        "s.yaml:2:13",
        Some(HELP),
    );

    // UTF-16 gets its own hint.
    let (_ws, err) = rejected(b"\xFF\xFEd\x00e\x00c\x00k\x00:\x00\n\x00");
    assert_diag(
        &err,
        "error",
        "the file is not valid UTF-8 (byte 0xFF at offset 0)",
        "s.yaml:1:1",
        Some("the file looks like UTF-16: save it as UTF-8"),
    );
}

#[test]
fn utf8_bom_is_accepted() {
    let ws = minimal_workspace("plain.yaml");
    let dir = ws.path();
    let text = std::fs::read(dir.join("plain.yaml")).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&text);
    write(dir, "s.yaml", bom);
    run(dir, &["check", "s.yaml"]).expect(0);
    run(dir, &["build", "s.yaml", "-o", "out", "--format", "pdf"]).expect(0);
    assert!(dir.join("out/s.pdf").is_file());

    // Positions after a BOM are not shifted by it.
    let (_ws, err) = rejected(b"\xEF\xBB\xBFdeck:\n  titel: X\nsections: []\n");
    assert_diag(
        &err,
        "error",
        "unknown field `titel`",
        "s.yaml:2:3",
        Some("did you mean `title`?"),
    );
}

#[test]
fn alias_bomb_is_refused() {
    // "Billion laughs": 9 levels of 9 aliases (9^9 = 387 420 489 strings once
    // expanded), in `bullets`, the one place that takes arbitrarily nested lists.
    let mut y = String::from(concat!(
        "deck:\n",
        "  title: X\n",
        "sections:\n",
        "  - slide: s\n",
        "    bullets:\n",
        "      - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    ));
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        y.push_str(&format!("      - &{} [{refs}]\n", w[1]));
    }
    let ws = workspace();
    write(ws.path(), "s.yaml", &y);
    let check = run(ws.path(), &["check", "s.yaml"]);
    check.expect(1);
    let d = find_prefix(
        &check.stderr,
        "error",
        "the document is too large or too deeply nested",
    );
    assert_eq!(
        d.help.as_deref(),
        Some("surveys need no YAML aliases or deep nesting: write the content out plainly")
    );
    assert!(
        d.location
            .as_deref()
            .is_some_and(|l| l.starts_with("s.yaml:")),
        "{}",
        d.block
    );
    // Loose bound: it must stop at a budget, not expand the whole tree.
    assert!(
        check.elapsed < Duration::from_secs(30),
        "took {:?}",
        check.elapsed
    );
    eprintln!("alias bomb refused in {:?}", check.elapsed);
    build_rejects(ws.path(), "s.yaml");

    // The classic form at the top level.
    let mut y = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        y.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    y.push_str("deck:\n  title: X\n  keywords: *i\nsections: []\n");
    rejected(y);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let head = "deck:\n  title: X\nsections:\n  - slide: s\n    bullets:\n";
    let flow = format!("{head}      - {}x{}\n", "[".repeat(1000), "]".repeat(1000));
    let block = format!("{head}      {}x\n", "- ".repeat(1000));
    let mut maps = String::from(head);
    for i in 0..1000 {
        maps.push_str(&format!("{}- k:\n", " ".repeat(6 + 4 * i)));
    }
    let huge = format!(
        "{head}      - {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for text in [flow, block, maps, huge] {
        let (_ws, err) = rejected(text);
        let e = find_prefix(&err, "error", "");
        assert!(
            e.location
                .as_deref()
                .is_some_and(|l| l.starts_with("s.yaml:")),
            "{}",
            e.block
        );
    }
}

#[test]
fn moderate_nesting_still_builds() {
    // Well inside the depth budget: drawn at the deepest bullet level.
    let ws = workspace();
    let y = format!(
        "deck:\n  title: X\nsections:\n  - slide: s\n    bullets:\n      - {}x{}\n",
        "[".repeat(40),
        "]".repeat(40)
    );
    write(ws.path(), "s.yaml", y);
    run(
        ws.path(),
        &["build", "s.yaml", "-o", "out", "--format", "pdf"],
    )
    .expect(0);
    assert!(ws.path().join("out/s.pdf").is_file());
}

// ---------------------------------------------------------- document checks

#[test]
fn ranking_names_an_undefined_paper() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",                  // 1
        "  title: X\n",             // 2
        "papers:\n",                // 3
        "  \"2009.03393\":\n",      // 4
        "    title: A\n",           // 5
        "sections:\n",              // 6
        "  - ranking: top\n",       // 7
        "    papers:\n",            // 8
        "      - \"2009.0339\"\n",  // 9: the quote is column 9
        "      - \"2009.03393\"\n", // 10
        "      - unrelated\n",      // 11
    ));
    let d = find(&err, "error", "no paper `2009.0339` is defined");
    assert_eq!(
        d.block,
        concat!(
            "error: no paper `2009.0339` is defined\n",
            "  --> s.yaml:9:9\n",
            "  |\n",
            "9 |       - \"2009.0339\"\n",
            "  |         ^\n",
            "  = help: did you mean `2009.03393`?\n",
        )
    );
    // Every error is reported, not just the first; nothing near: no guess.
    assert_diag(
        &err,
        "error",
        "no paper `unrelated` is defined",
        "s.yaml:11:9",
        Some("define it under `papers:` first"),
    );

    // The same for a `paper` section.
    let (_ws, err) = rejected(concat!(
        "deck:\n",          // 1
        "  title: X\n",     // 2
        "papers:\n",        // 3
        "  abc:\n",         // 4
        "    title: A\n",   // 5
        "sections:\n",      // 6
        "  - paper: abd\n", // 7: the id is column 12
    ));
    assert_diag(
        &err,
        "error",
        "no paper `abd` is defined",
        "s.yaml:7:12",
        Some("did you mean `abc`?"),
    );
}

#[test]
fn paper_listed_twice_in_one_ranking() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",              // 1
        "  title: X\n",         // 2
        "papers:\n",            // 3
        "  a:\n",               // 4
        "    title: A\n",       // 5
        "sections:\n",          // 6
        "  - ranking: r\n",     // 7
        "    papers: [a, a]\n", // 8: the second `a` is column 17
    ));
    assert_diag(
        &err,
        "error",
        "paper `a` appears twice in this ranking",
        "s.yaml:8:17",
        Some("list each paper once"),
    );
}

#[test]
fn bad_dates() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",                // 1
        "  title: X\n",           // 2
        "  date: 2020-13-01\n",   // 3: column 9
        "papers:\n",              // 4
        "  p1:\n",                // 5
        "    title: A\n",         // 6
        "sections:\n",            // 7
        "  - ranking: top\n",     // 8
        "    date: 2021-02-29\n", // 9: column 11
        "    papers: [p1]\n",     // 10
    ));
    const HELP: &str = "write dates as YYYY-MM-DD (or YYYY/MM/DD), e.g. 2020-10-07";
    assert_diag(
        &err,
        "error",
        "`2020-13-01` is not a valid date",
        "s.yaml:3:9",
        Some(HELP),
    );
    assert_diag(
        &err,
        "error",
        "`2021-02-29` is not a valid date",
        "s.yaml:9:11",
        Some(HELP),
    );

    // The calendar, leap years included.
    for (date, valid) in [
        ("2000-02-29", true),
        ("2020-02-29", true),
        ("2020-12-31", true),
        ("1900-02-29", false),
        ("2020-04-31", false),
        ("2020-00-10", false),
        ("2020-01-00", false),
        ("20201007", false),
        ("10/07/2020", false),
        ("2026/12/03", true),
        ("2026-1-5", true),
        ("2026-12/03", false),
    ] {
        let y = format!("deck:\n  title: X\n  date: {date}\nsections: []\n");
        if valid {
            accepted(y);
        } else {
            let (_ws, err) = rejected(y);
            assert_diag(
                &err,
                "error",
                &format!("`{date}` is not a valid date"),
                "s.yaml:3:9",
                Some(HELP),
            );
        }
    }
}

#[test]
fn missing_figure_file() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",                               // 1
        "  title: X\n",                          // 2
        "sections:\n",                           // 3
        "  - slide: s\n",                        // 4
        "    figures:\n",                        // 5
        "      - image: figures/bar-chrt.png\n", // 6: the path is column 16
        "      - image: figures/nothing.png\n",  // 7
    ));
    assert_diag(
        &err,
        "error",
        "figure `figures/bar-chrt.png` not found",
        "s.yaml:6:16",
        Some("did you mean `bar-chart.png`? (paths are relative to the survey file)"),
    );
    assert_diag(
        &err,
        "error",
        "figure `figures/nothing.png` not found",
        "s.yaml:7:16",
        Some("check the path: it is relative to the survey file"),
    );
}

const OUTSIDE: &str = concat!(
    "deck:\n",                                   // 1
    "  title: X\n",                              // 2
    "sections:\n",                               // 3
    "  - slide: s\n",                            // 4
    "    figures:\n",                            // 5
    "      - image: ../figures/bar-chart.png\n", // 6: column 16
);

#[test]
fn figure_outside_the_survey_folder() {
    let ws = workspace();
    let dir = ws.path();
    write(dir, "talk/s.yaml", OUTSIDE);
    const HELP: &str = "move the image next to the survey, or pass --allow-outside-files";
    let check = run(dir, &["check", "talk/s.yaml"]);
    check.expect(1);
    assert_diag(
        &check.stderr,
        "error",
        "figure `../figures/bar-chart.png` is outside the survey's folder",
        "talk/s.yaml:6:16",
        Some(HELP),
    );
    let build = build_rejects(dir, "talk/s.yaml");
    assert_diag(
        &build.stderr,
        "error",
        "figure `../figures/bar-chart.png` is outside the survey's folder",
        "talk/s.yaml:6:16",
        Some(HELP),
    );
    assert_eq!(entries(&dir.join("talk")), ["s.yaml"]);

    // Allowed on request.
    run(
        dir,
        &[
            "build",
            "talk/s.yaml",
            "-o",
            "out",
            "--format",
            "pdf",
            "--allow-outside-files",
        ],
    )
    .expect(0);
    assert!(dir.join("out/s.pdf").is_file());
}

#[cfg(unix)]
#[test]
fn figure_symlinked_from_outside_is_outside() {
    let ws = workspace();
    let dir = ws.path();
    write(
        dir,
        "talk/s.yaml",
        OUTSIDE.replace("../figures/bar-chart.png", "link.png"),
    );
    std::os::unix::fs::symlink("../figures/bar-chart.png", dir.join("talk/link.png")).unwrap();
    let check = run(dir, &["check", "talk/s.yaml"]);
    check.expect(1);
    assert_diag(
        &check.stderr,
        "error",
        "figure `link.png` is outside the survey's folder",
        "talk/s.yaml:6:16",
        None,
    );
    build_rejects(dir, "talk/s.yaml");
}

const ONE_FIGURE: &str = concat!(
    "deck:\n",                    // 1
    "  title: X\n",               // 2
    "sections:\n",                // 3
    "  - slide: s\n",             // 4
    "    figures:\n",             // 5
    "      - image: figures/F\n", // 6: the path is column 16
);

#[test]
fn figure_with_another_extension() {
    let ws = workspace();
    let dir = ws.path();
    write(dir, "figures/scan.tiff", b"II*\x00\x08\x00\x00\x00");
    write(
        dir,
        "s.yaml",
        ONE_FIGURE.replace("figures/F", "figures/scan.tiff"),
    );
    let check = run(dir, &["check", "s.yaml"]);
    check.expect(1);
    assert_diag(
        &check.stderr,
        "error",
        "figure `figures/scan.tiff` is not a PNG, JPEG, GIF, WebP or BMP file",
        "s.yaml:6:16",
        Some("convert it to PNG (diagrams) or JPEG (photos)"),
    );
    build_rejects(dir, "s.yaml");
}

/// A minimal PNG with the given header (valid chunks and CRCs).
fn png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    // zlib stream of one stored block holding two zero bytes (far too little data).
    chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0, 0, 0, 0x02, 0, 0x01,
        ],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn figure_that_is_not_an_image_fails_the_build() {
    let real = std::fs::read(support::root().join("samples/figures/bar-chart.png")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.png",
            b"just some text\n".to_vec(),
            "not a PNG, JPEG, GIF, WebP or BMP file",
        ),
        // The content decides: a GIF named .png is read as a GIF, and this one is cut short.
        (
            "anim.png",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            "corrupt GIF",
        ),
        (
            "empty.png",
            Vec::new(),
            "not a PNG, JPEG, GIF, WebP or BMP file",
        ),
        ("cut.png", real[..real.len().min(100)].to_vec(), "corrupt"),
        (
            "cut.jpg",
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec(),
            "corrupt",
        ),
        ("huge.png", png(100_000, 100_000), "too large"),
    ];
    for (name, bytes, what) in cases {
        let ws = workspace();
        write(ws.path(), &format!("figures/{name}"), &bytes);
        write(
            ws.path(),
            "s.yaml",
            ONE_FIGURE.replace("figures/F", &format!("figures/{name}")),
        );
        let build = build_rejects(ws.path(), "s.yaml");
        let d = find_prefix(&build.stderr, "error", "figure ");
        assert!(
            d.message.contains(&format!("figures/{name}")) && d.message.contains(what),
            "{name}: the message should name the file and say `{what}`:\n{}",
            d.block
        );
        assert_eq!(d.location.as_deref(), Some("s.yaml:6:16"), "{}", d.block);
        assert!(
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("use a valid PNG, JPEG, GIF, WebP or BMP file")),
            "{}",
            d.block
        );
        assert_no_temp_files(ws.path());
    }
}

#[test]
fn check_rejects_a_figure_that_is_not_an_image() {
    // `surveydeck check` says "ok" and exits 0, then `build` of the same file exits 1 with
    // "figure ./figures/notes.png: not a PNG or JPEG file (unrecognised content)".
    let ws = workspace();
    write(ws.path(), "figures/notes.png", b"just some text\n");
    write(
        ws.path(),
        "s.yaml",
        ONE_FIGURE.replace("figures/F", "figures/notes.png"),
    );
    let check = run(ws.path(), &["check", "s.yaml"]);
    check.expect(1);
    let d = find_prefix(&check.stderr, "error", "figure ");
    assert_eq!(d.location.as_deref(), Some("s.yaml:6:16"));
}

#[test]
fn links_must_be_http() {
    for url in [
        "ftp://example.com/a.pdf",
        "www.example.com/a",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ] {
        let (_ws, err) = rejected(format!(
            concat!(
                "deck:\n",            // 1
                "  title: X\n",       // 2
                "papers:\n",          // 3
                "  p1:\n",            // 4
                "    title: A\n",     // 5
                "    url: \"{}\"\n",  // 6: the quote is column 10
                "sections:\n",        // 7
                "  - ranking: top\n", // 8
                "    papers: [p1]\n", // 9
            ),
            url
        ));
        assert_diag(
            &err,
            "error",
            &format!("`{url}` is not an http(s) URL"),
            "s.yaml:6:10",
            Some("links must start with https:// or http://"),
        );
    }

    // A figure is a file, not a link.
    let (_ws, err) = rejected(ONE_FIGURE.replace("figures/F", "https://example.com/a.png"));
    assert_diag(
        &err,
        "error",
        "figure `https://example.com/a.png` is a URL",
        "s.yaml:6:16",
        Some("download the image next to the survey and give its path"),
    );
}

#[test]
fn section_kinds() {
    const HELP: &str = "give exactly one of `slide`, `agenda`, `ranking`, `paper`, `divider`, `credits` or `references`";
    let (_ws, err) = rejected(concat!(
        "deck:\n",           // 1
        "  title: X\n",      // 2
        "sections:\n",       // 3
        "  - lead: hello\n", // 4: no kind
        "  - slide: A\n",    // 5: two kinds
        "    divider: B\n",  // 6
    ));
    assert_diag(
        &err,
        "error",
        "this section does not say what kind of slide it is",
        "s.yaml:4:5",
        Some(HELP),
    );
    assert_diag(
        &err,
        "error",
        "this section has several kinds: slide, divider",
        "s.yaml:5:5",
        Some(HELP),
    );

    // A field of another kind is reported, not ignored.
    let (_ws, err) = rejected(concat!(
        "deck:\n",                // 1
        "  title: X\n",           // 2
        "sections:\n",            // 3
        "  - slide: s\n",         // 4
        "    date: 2020-01-01\n", // 5
    ));
    assert_diag(
        &err,
        "error",
        "`date` does not belong in a `slide` section",
        "s.yaml:4:5",
        Some("a `slide` section takes: lead, bullets, figures, callout, notes"),
    );

    // Slides after a paper are free slides.
    let (_ws, err) = rejected(concat!(
        "deck:\n",              // 1
        "  title: X\n",         // 2
        "papers:\n",            // 3
        "  abc:\n",             // 4
        "    title: A\n",       // 5
        "sections:\n",          // 6
        "  - paper: abc\n",     // 7
        "    slides:\n",        // 8
        "      - divider: d\n", // 9: column 9
    ));
    assert_diag(
        &err,
        "error",
        "slides that follow a paper must be `slide:` sections",
        "s.yaml:9:9",
        Some("start this entry with `slide: <heading>`"),
    );
}

#[test]
fn ranking_with_no_papers() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",             // 1
        "  title: X\n",        // 2
        "sections:\n",         // 3
        "  - ranking: top\n",  // 4
        "    papers: []\n",    // 5
        "  - ranking: hype\n", // 6: no `papers` at all
    ));
    assert_diag(
        &err,
        "error",
        "ranking `top` lists no papers",
        "s.yaml:4:5",
        Some("add paper ids under `papers:`"),
    );
    assert_diag(
        &err,
        "error",
        "ranking `hype` lists no papers",
        "s.yaml:6:5",
        Some("add paper ids under `papers:`"),
    );
}

#[test]
fn other_document_errors() {
    let (_ws, err) = rejected("deck:\n  title: X\n  aspect: 5:4\nsections: []\n");
    assert_diag(
        &err,
        "error",
        "unknown aspect ratio `5:4`",
        "s.yaml:3:11",
        Some("use \"16:9\" or \"4:3\" (quoted)"),
    );

    // One document per file.
    let (_ws, err) = rejected(concat!(
        "deck:\n",        // 1
        "  title: X\n",   // 2
        "sections: []\n", // 3
        "---\n",          // 4
        "deck:\n",        // 5
        "  title: Y\n",   // 6
        "sections: []\n", // 7
    ));
    let d = find_prefix(&err, "error", "the document is too large");
    assert_eq!(d.location.as_deref(), Some("s.yaml:4:1"), "{}", d.block);
}

const UNUSED: &str = concat!(
    "deck:\n",            // 1
    "  title: X\n",       // 2
    "papers:\n",          // 3
    "  p1:\n",            // 4
    "    title: A\n",     // 5
    "  unused:\n",        // 6: the paper no section shows
    "    title: B\n",     // 7
    "sections:\n",        // 8
    "  - ranking: top\n", // 9
    "    papers: [p1]\n", // 10
);

#[test]
fn paper_defined_but_unused_is_a_warning() {
    let (ws, err) = accepted(UNUSED);
    let dir = ws.path();
    let d = find(
        &err,
        "warning",
        "paper `unused` is defined but no section shows it",
    );
    assert_eq!(
        d.help.as_deref(),
        Some("add it to a ranking's `papers`, or remove it")
    );
    assert!(
        d.location
            .as_deref()
            .is_some_and(|l| l.starts_with("s.yaml:")),
        "{}",
        d.block
    );
    assert!(diagnostics(&err).iter().all(|d| d.severity != "error"));

    // Denied warnings fail, and build writes nothing.
    let c = run(dir, &["check", "--deny-warnings", "s.yaml"]);
    c.expect(1);
    find(
        &c.stderr,
        "warning",
        "paper `unused` is defined but no section shows it",
    );
    build_rejects_with(dir, &["--deny-warnings"]);

    // Without the flag the build goes ahead.
    run(dir, &["build", "s.yaml", "-o", "out", "--format", "pdf"]).expect(0);
    assert!(dir.join("out/s.pdf").is_file());
}

/// `build s.yaml -o out --format pdf --transcript EXTRA…` in `dir`.
fn build_pdf_and_transcript(dir: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "build",
        "s.yaml",
        "-o",
        "out",
        "--format",
        "pdf",
        "--transcript",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// That build must exit 1 and write nothing.
fn build_rejects_with(dir: &Path, extra: &[&str]) -> Out {
    let out = build_pdf_and_transcript(dir, extra);
    out.expect(1);
    assert_eq!(entries(&dir.join("out")), Vec::<String>::new());
    assert_no_temp_files(dir);
    out
}

/// That build must succeed; returns the transcript.
fn build_transcript(dir: &Path, extra: &[&str]) -> String {
    build_pdf_and_transcript(dir, extra).expect(0);
    std::fs::read_to_string(dir.join("out/s.txt")).unwrap()
}

#[test]
fn unused_paper_warning_points_at_its_key() {
    let (_ws, err) = accepted(UNUSED);
    assert_diag(
        &err,
        "warning",
        "paper `unused` is defined but no section shows it",
        "s.yaml:6:3",
        None,
    );
}

#[test]
fn radical_look_alikes_warn_and_are_mended() {
    // U+2F5A U+2F2D (KANGXI RADICAL SLICE, KANGXI RADICAL MOUNTAIN) look like 片山.
    let y = concat!(
        "deck:\n",                            // 1
        "  title: X\n",                       // 2
        "  presenter: \u{2F5A}\u{2F2D} 豊\n", // 3: columns 14 and 15
        "sections:\n",                        // 4
        "  - slide: s\n",                     // 5
    );
    let (ws, err) = accepted(y);
    assert_diag(
        &err,
        "warning",
        "`\u{2F5A}` (U+2F5A) is a radical look-alike, probably pasted from a PDF; using `片` (U+7247)",
        "s.yaml:3:14",
        Some("replace it with `片` in the file"),
    );
    assert_diag(
        &err,
        "warning",
        "`\u{2F2D}` (U+2F2D) is a radical look-alike, probably pasted from a PDF; using `山` (U+5C71)",
        "s.yaml:3:15",
        Some("replace it with `山` in the file"),
    );
    let dir = ws.path();
    run(dir, &["check", "--deny-warnings", "s.yaml"]).expect(1);
    build_rejects_with(dir, &["--deny-warnings"]);

    // The real ideographs are what the slides show.
    let t = build_transcript(dir, &[]);
    assert!(t.contains("片山 豊"), "{t}");
    assert!(!t.contains('\u{2F5A}') && !t.contains('\u{2F2D}'), "{t}");
}

#[test]
fn control_character_warns() {
    let y = concat!(
        "deck:\n",                 // 1
        "  title: X\n",            // 2
        "  presenter: ab\u{7}c\n", // 3: the BEL is column 16
        "sections:\n",             // 4
        "  - slide: s\n",          // 5
    );
    let (ws, err) = accepted(y);
    assert_diag(
        &err,
        "warning",
        "control character U+0007 in the text; using a space",
        "s.yaml:3:16",
        Some("delete it from the file"),
    );
    let dir = ws.path();
    run(dir, &["check", "--deny-warnings", "s.yaml"]).expect(1);
    let t = build_transcript(dir, &[]);
    assert!(t.contains("ab c"), "{t}");
    assert!(!t.contains('\u{7}'));
}

#[test]
fn missing_glyph_warning_is_denied_at_build() {
    // Only layout knows the fonts: `check` without the flag passes.
    let y = "deck:\n  title: X\nsections:\n  - slide: \"s \u{E000}\"\n";
    let (ws, _) = accepted(y);
    let out = build_rejects_with(ws.path(), &["--deny-warnings"]);
    let d = find_prefix(&out.stderr, "warning", "no font has");
    assert!(d.message.contains("(U+E000)"), "{}", d.block);
    // The character's own column, not the slide's.
    assert_eq!(d.location.as_deref(), Some("s.yaml:4:15"));
    find(
        &out.stderr,
        "error",
        "warnings are denied (--deny-warnings); nothing written",
    );
}

// ------------------------------------------------------------ large content

fn ranking_of(n: usize, with_ja: bool) -> String {
    let mut y = String::from("deck:\n  title: X\n  language: en\npapers:\n");
    for i in 1..=n {
        y.push_str(&format!("  p{i}:\n    title: Paper number {i}\n"));
        if with_ja {
            y.push_str(&format!("    title_ja: 論文 {i}\n"));
        }
    }
    let ids: Vec<String> = (1..=n).map(|i| format!("p{i}")).collect();
    y.push_str(&format!(
        "sections:\n  - ranking: top\n    papers: [{}]\n",
        ids.join(", ")
    ));
    y
}

/// Every `text` string in a JSON value, concatenated.
fn json_text(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("text", serde_json::Value::String(s)) => {
                        out.push_str(s);
                        out.push('\n');
                    }
                    _ => json_text(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_text(v, out)),
        _ => {}
    }
}

/// The ranking list pages of a `--dump-layout` file: the text of each.
fn ranking_pages(layout: &Path) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout).unwrap()).expect("layout JSON");
    json["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .filter(|p| p["kind"] == "ranking")
        .map(|p| {
            let mut s = String::new();
            json_text(&p["items"], &mut s);
            s
        })
        .collect()
}

#[test]
fn ranking_of_25_papers_numbers_past_20() {
    let ws = workspace();
    let dir = ws.path();
    write(dir, "s.yaml", ranking_of(25, true));
    let t = build_transcript(dir, &["--dump-layout", "out/layout.json"]);
    let pages = ranking_pages(&dir.join("out/layout.json"));
    assert!(!pages.is_empty(), "no ranking page");
    let all = pages.concat();
    for mark in ['①', '⑳', '㉑', '㉕'] {
        assert!(all.contains(mark), "no {mark} on the ranking pages:\n{all}");
    }
    assert!(
        pages
            .iter()
            .any(|p| p.contains("㉑") && p.contains("論文 21")),
        "{pages:?}"
    );
    assert!(t.contains("㉑ 論文 21"), "{t}");
    // Its paper slide carries the number too.
    assert!(t.matches("㉑ 論文 21").count() >= 2, "{t}");
}

#[test]
fn long_ranking_without_translated_titles_is_split_evenly() {
    // 25 papers with only `title`: the list comes out as 7 slides, ①..⑥ alone
    // on one slide each and ⑦..㉕ (19 entries) on the last. With `title_ja` the
    // same list splits 9/9/7. Each entry line has keep_with_next set (layout
    // `ranking()`), and with no "(原文: …)" line after it, `pack()` carries the
    // whole trailing keep-with-next run to the next page every time.
    let ws = workspace();
    let dir = ws.path();
    write(dir, "s.yaml", ranking_of(25, false));
    run(
        dir,
        &[
            "build",
            "s.yaml",
            "-o",
            "out",
            "--format",
            "pdf",
            "--dump-layout",
            "out/layout.json",
        ],
    )
    .expect(0);
    let pages = ranking_pages(&dir.join("out/layout.json"));
    let counts: Vec<usize> = pages
        .iter()
        .map(|p| p.matches("Paper number").count())
        .collect();
    assert_eq!(counts.iter().sum::<usize>(), 25, "{counts:?}");
    assert!(counts.len() <= 3, "too many list slides: {counts:?}");
    let (last, rest) = counts.split_last().unwrap();
    assert!(
        rest.iter().all(|&c| c >= *last && c >= 5),
        "uneven split: {counts:?}"
    );
}

#[test]
fn long_unbreakable_words_build() {
    let word = "a".repeat(500);
    let url = format!("https://example.com/{}", "x".repeat(480));
    let kana = "あ".repeat(500);
    let y = format!(
        concat!(
            "deck:\n",
            "  title: {w}\n",
            "  footer: {w}\n",
            "papers:\n",
            "  p1:\n",
            "    title: {w}\n",
            "    url: {u}\n",
            "    summary:\n",
            "      - {w}\n",
            "sections:\n",
            "  - slide: {w}\n",
            "    lead: {u}\n",
            "    bullets:\n",
            "      - {w}\n",
            "      - {u}\n",
            "      - 日本語{k}\n",
            "    callout:\n",
            "      - {w}\n",
            "    figures:\n",
            "      - image: figures/bar-chart.png\n",
            "        caption: {w}\n",
            "  - ranking: {w}\n",
            "    papers: [p1]\n",
        ),
        w = word,
        u = url,
        k = kana
    );
    let ws = workspace();
    write(ws.path(), "s.yaml", y);
    let out = run(
        ws.path(),
        &[
            "build",
            "s.yaml",
            "-o",
            "out",
            "--format",
            "pdf",
            "--transcript",
        ],
    );
    out.expect(0);
    assert!(ws.path().join("out/s.pdf").is_file());
    assert!(
        out.elapsed < Duration::from_secs(30),
        "took {:?}",
        out.elapsed
    );
}

// ------------------------------------------------- bugs found by these tests, since fixed

#[test]
fn tab_inside_a_block_scalar_is_text() {
    // Valid YAML (PyYAML reads notes as "code:\n\tindented\n"); surveydeck
    // reports "a tab is used for indentation" at 7:7 and exits 1.
    let (_ws, _) = accepted(concat!(
        "deck:\n",            // 1
        "  title: X\n",       // 2
        "sections:\n",        // 3
        "  - slide: s\n",     // 4
        "    notes: |\n",     // 5
        "      code:\n",      // 6
        "      \tindented\n", // 7
    ));
}

#[test]
fn non_utf8_offset_counts_the_bom() {
    let (_ws, err) = rejected(b"\xEF\xBB\xBFdeck:\n  title: \x83\x65\nsections: []\n");
    assert_diag(
        &err,
        "error",
        "the file is not valid UTF-8 (byte 0x83 at offset 18)",
        "s.yaml:2:10",
        None,
    );
}

#[test]
fn bare_document_marker_is_empty() {
    for text in ["---\n", "---\n...\n", "~\n"] {
        let (_ws, err) = rejected(text);
        find(&err, "error", "the survey document is empty");
    }
}

#[test]
fn budget_message_is_not_cut_mid_parenthesis() {
    // One anchored 1 MB scalar used 999 times breaches the scalar-bytes budget;
    // the message reads "…budget breached: ScalarBytes { … } (defined at line 6,
    // column 12) (used" because `yaml_error` strips from the last " at line ".
    let mut y =
        String::from("deck:\n  title: X\nsections:\n  - slide: s\n    bullets:\n      - &a ");
    y.push_str(&"x".repeat(1_000_000));
    y.push_str("\n      - [");
    y.push_str(&vec!["*a"; 999].join(","));
    y.push_str("]\n");
    let (_ws, err) = rejected(y);
    let d = find_prefix(&err, "error", "the document is too large");
    assert_eq!(
        d.message.matches('(').count(),
        d.message.matches(')').count(),
        "unbalanced: {}",
        d.message
    );
    assert!(!d.message.ends_with("(used"), "{}", d.message);
}

// ------------------------------------------------ check is the build unwritten

/// What only a full build used to find: `check` must fail on them too (the
/// corpus's `run` asserts that `check` and `build` agree on each).
#[test]
fn check_finds_what_the_build_finds() {
    let real = std::fs::read(support::root().join("samples/figures/bar-chart.png")).unwrap();
    let cut = &real[..real.len().min(100)];
    let cases: Vec<(&str, String, Vec<&str>, &str)> = vec![
        (
            "unknown theme",
            "deck:\n  title: X\n  theme: nosuch\nsections:\n  - slide: s\n".into(),
            vec![],
            "no theme `nosuch`",
        ),
        (
            "missing theme file",
            "deck:\n  title: X\n  theme: gone.yaml\nsections:\n  - slide: s\n".into(),
            vec![],
            "gone.yaml",
        ),
        (
            "unknown --theme",
            "deck:\n  title: X\nsections:\n  - slide: s\n".into(),
            vec!["--theme", "nosuch"],
            "no theme `nosuch`",
        ),
        (
            "truncated PNG",
            ONE_FIGURE.replace("figures/F", "figures/cut.png"),
            vec![],
            "corrupt",
        ),
        (
            "a character no font has, warnings denied",
            "deck:\n  title: X\nsections:\n  - slide: \"s \u{E000}\"\n".into(),
            vec!["--deny-warnings"],
            "warnings are denied",
        ),
    ];
    for (what, yaml, extra, message) in cases {
        let ws = workspace();
        write(ws.path(), "figures/cut.png", cut);
        write(ws.path(), "s.yaml", yaml);
        let mut args = vec!["check", "s.yaml"];
        args.extend(&extra);
        let check = run(ws.path(), &args);
        check.expect(1);
        assert!(
            diagnostics(&check.stderr)
                .iter()
                .any(|d| d.severity == "error" && d.message.contains(message)),
            "{what}: check should say `{message}`:\n{}",
            check.stderr
        );
        build_rejects_with(ws.path(), &extra);
    }
}

/// Three broken figures are three errors in one run, in the order of their lines.
#[test]
fn every_broken_figure_in_one_run() {
    let real = std::fs::read(support::root().join("samples/figures/bar-chart.png")).unwrap();
    let ws = workspace();
    write(ws.path(), "figures/a.png", &real[..100]);
    write(ws.path(), "figures/b.png", b"text");
    write(
        ws.path(),
        "figures/c.jpg",
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00",
    );
    write(
        ws.path(),
        "s.yaml",
        concat!(
            "deck:\n",                        // 1
            "  title: X\n",                   // 2
            "sections:\n",                    // 3
            "  - slide: one\n",               // 4
            "    figures:\n",                 // 5
            "      - image: figures/a.png\n", // 6
            "        alt: a\n",               // 7
            "  - slide: two\n",               // 8
            "    figures:\n",                 // 9
            "      - image: figures/b.png\n", // 10
            "        alt: b\n",               // 11
            "      - image: figures/c.jpg\n", // 12
            "        alt: c\n",               // 13
        ),
    );
    let check = run(ws.path(), &["check", "s.yaml"]);
    check.expect(1);
    let places: Vec<String> = diagnostics(&check.stderr)
        .into_iter()
        .filter(|d| d.severity == "error")
        .filter_map(|d| d.location)
        .collect();
    assert_eq!(
        places,
        ["s.yaml:6:16", "s.yaml:10:16", "s.yaml:12:16"],
        "{}",
        check.stderr
    );
    build_rejects(ws.path(), "s.yaml");
}

/// Unknown fields, misaligned lines and unquoted colons are mended past, so
/// one run reports them all, in line order, each in plain words.
#[test]
fn every_yaml_problem_in_one_run() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",                               // 1
        "  titel: X\n",                          // 2
        "  title: Attention: Is All You Need\n", // 3: the second `:` is column 19
        "sections:\n",                           // 4
        "  - slide: a\n",                        // 5
        "   bullets:\n",                         // 6: one space short of `slide`
        "      - one\n",                         // 7
        "     - two\n",                          // 8: one space short of `- one`
        "  - slide: b\n",                        // 9
        "    bulets: [x]\n",                     // 10
    ));
    let errors: Vec<(String, Option<String>)> = diagnostics(&err)
        .into_iter()
        .filter(|d| d.severity == "error")
        .map(|d| (d.message, d.location))
        .collect();
    let at = |l: &str| Some(l.to_owned());
    assert_eq!(
        errors,
        [
            ("unknown field `titel`".into(), at("s.yaml:2:3")),
            (
                "the value of `title` contains `: `, which YAML reads as the start of another key"
                    .into(),
                at("s.yaml:3:19")
            ),
            (
                "`bullets` is indented 1 space less than `slide` on line 5".into(),
                at("s.yaml:6:4")
            ),
            (
                "`- two` is indented 1 space less than the `-` on line 7".into(),
                at("s.yaml:8:6")
            ),
            ("unknown field `bulets`".into(), at("s.yaml:10:5")),
        ],
        "{err}"
    );
    let d = find_prefix(&err, "error", "the value of `title`");
    assert_eq!(
        d.help.as_deref(),
        Some("quote the text: title: \"Attention: Is All You Need\"")
    );
    // No parser jargon reaches the user.
    assert!(!err.contains("mapping values"), "{err}");
    assert!(!err.contains("did not find expected"), "{err}");
}

/// A missing field is reported at the key of the mapping that lacks it.
#[test]
fn missing_title_points_at_the_paper() {
    let (_ws, err) = rejected(concat!(
        "deck:\n",             // 1
        "  title: X\n",        // 2
        "papers:\n",           // 3
        "  \"2009.06732\":\n", // 4
        "    org: x\n",        // 5
        "    summary: [a]\n",  // 6
        "sections:\n",         // 7
        "  - ranking: r\n",    // 8
        "    papers: [\"2009.06732\"]\n",
    ));
    let d = find(&err, "error", "missing field `title`");
    assert_eq!(d.location.as_deref(), Some("s.yaml:4:3"), "{}", d.block);
}

/// A bullet indented one space too far is folded into the bullet above:
/// the build goes ahead, with a warning at the folded line.
#[test]
fn bullet_folded_into_the_one_above_warns() {
    let (_ws, err) = accepted(concat!(
        "deck:\n",           // 1
        "  title: X\n",      // 2
        "sections:\n",       // 3
        "  - slide: s\n",    // 4
        "    bullets:\n",    // 5
        "      - 提案.\n",   // 6
        "       - 大規模\n", // 7: one space too far, column 8
        "      - three\n",   // 8
    ));
    let d = find_prefix(&err, "warning", "this line looks like a list item");
    assert_eq!(d.location.as_deref(), Some("s.yaml:7:8"), "{}", d.block);
    assert!(d.message.contains("line 6"), "{}", d.block);
}
