//! Reading a survey file: bytes → checked UTF-8 → YAML → typed document.
//!
//! Failures become positioned diagnostics; nothing here panics on any input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::recover;
use super::types::Survey;
use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};

/// A source file's path and text, kept for rendering diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// Why a file could not be read at all (as opposed to being invalid).
#[derive(Debug)]
pub enum ReadError {
    Io(Diagnostic),
    Invalid(Diagnostic),
}

/// Reads a file as UTF-8 text, accepting and removing a byte-order mark.
pub fn read_source(path: &Path) -> Result<Source, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| {
        ReadError::Io(
            Diagnostic::error(format!("cannot read {}: {e}", path.display()))
                .in_file(path)
                .help("check the path and that the file is readable"),
        )
    })?;
    let text = decode(&bytes).map_err(|d| ReadError::Invalid(d.in_file(path)))?;
    Ok(Source {
        path: path.to_path_buf(),
        text,
    })
}

/// UTF-8 decoding with the position of the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, Diagnostic> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
            Err(Diagnostic::error(format!(
                "the file is not valid UTF-8 (byte 0x{:02X} at offset {})",
                bytes[e.valid_up_to()],
                e.valid_up_to() + bom
            ))
            .at(Path::new(""), Pos::new(line as u64, col as u64))
            .help(if utf16 {
                "the file looks like UTF-16: save it as UTF-8"
            } else {
                "save the file as UTF-8 (e.g. convert it from Shift_JIS with `iconv -f SHIFT_JIS -t UTF-8`)"
            }))
        }
    }
}

/// Limits that keep a hostile or broken file from exhausting memory or time.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 2_000_000;
    budget.max_total_scalar_bytes = 64 * 1024 * 1024;
    budget.max_documents = 1;
    // A survey needs no aliases: a few are fine, an alias bomb stops early.
    let aliases = serde_saphyr::alias_limits! {
        max_total_replayed_events: 100_000,
        max_replay_stack_depth: 16,
        max_alias_expansions_per_anchor: 1_000,
    };
    serde_saphyr::options! {
        with_snippet: false,
        budget: Some(budget),
        alias_limits: aliases,
    }
}

/// Parses YAML text into the survey types.
pub fn parse(source: &Source) -> Parsed {
    let path = &source.path;
    let mut diags = Diagnostics::default();
    let blank = |l: &str| {
        let l = l.trim();
        l.is_empty()
            || l.starts_with('#')
            || matches!(l, "---" | "..." | "~" | "null" | "Null" | "NULL")
    };
    if source.text.lines().all(blank) {
        diags.push(
            Diagnostic::error("the survey document is empty")
                .at(path, Pos { line: 1, col: 1 })
                .help("start from a template: `surveydeck new survey.yaml`"),
        );
        return Parsed {
            survey: None,
            diags,
            mended: BTreeSet::new(),
        };
    }
    // YAML forbids tabs for indentation; say so plainly for every such line.
    // Lines inside a block scalar (`notes: |`) are text, where tabs are fine.
    let mut block: Option<usize> = None;
    for (i, line) in source.text.lines().enumerate() {
        let lead = line.len() - line.trim_start_matches(' ').len();
        if let Some(b) = block {
            if line.trim().is_empty() || lead > b {
                continue;
            }
            block = None;
        }
        if opens_block_scalar(line) {
            block = Some(lead);
        }
        let indent: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if let Some(col) = indent.chars().position(|c| c == '\t') {
            diags.push(
                Diagnostic::error("a tab is used for indentation")
                    .at(path, Pos::new(i as u64 + 1, col as u64 + 1))
                    .help("YAML indents with spaces only: replace the tab with spaces"),
            );
        }
    }
    if diags.has_errors() {
        return Parsed {
            survey: None,
            diags,
            mended: BTreeSet::new(),
        };
    }
    // Each problem the text can be mended past (without moving any line) is
    // reported and mended, and the text parsed again: every such problem in one run.
    let mut text = source.text.clone();
    let mut mended = BTreeSet::new();
    for _ in 0..MAX_PROBLEMS {
        let e = match serde_saphyr::from_str_with_options::<Survey>(&text, options()) {
            Ok(survey) => {
                for (line, col, msg) in recover::continued_lines(&source.text) {
                    diags.push(
                        Diagnostic::warning(msg)
                            .at(path, Pos::new(line as u64, col as u64))
                            .help("a new item lines its `-` up with the one above; for text that runs on, indent it under the text"),
                    );
                }
                return Parsed {
                    survey: Some(survey),
                    diags,
                    mended,
                };
            }
            Err(e) => e,
        };
        let pos = e.location().map(Pos::from).unwrap_or_default();
        let raw = e.to_string();
        let msg = strip_position(&raw);
        let (line, col) = (pos.line as usize, pos.col as usize);
        let mut d = yaml_error(msg).at(path, pos);
        let mut fix = None;
        if msg.starts_with("unknown field `") || msg.starts_with("duplicate mapping key") {
            fix = recover::blank_key(&text, line, col);
        } else if msg.starts_with("missing field `") {
            if let Some((l, c)) = recover::mapping_start(&text, line) {
                d.pos = Pos::new(l as u64, c as u64);
            }
        } else if d.message.starts_with("invalid YAML: ")
            && let Some(x) = recover::explain(&text, line, col, msg)
        {
            d.message = x.message;
            d.help = Some(x.help);
            d.pos = Pos::new(line as u64, x.col as u64);
            fix = x.mended.map(|m| {
                let mut lines: Vec<&str> = text.lines().collect();
                lines[line - 1] = &m;
                let mut t = lines.join("\n");
                t.push('\n');
                t
            });
        }
        diags.push(d);
        match fix {
            Some(t) if t != text && line > 0 => {
                mended.insert(line as u32);
                text = t;
            }
            _ => break,
        }
    }
    Parsed {
        survey: None,
        diags,
        mended,
    }
}

/// At most this many problems are mended and parsed past in one run.
const MAX_PROBLEMS: usize = 50;

/// What parsing found: the survey (also when problems were mended past,
/// for the checks that can still run), every problem, and the lines mended.
pub struct Parsed {
    pub survey: Option<Survey>,
    pub diags: Diagnostics,
    /// Lines whose text was changed to read on; later findings there are not reported.
    pub mended: BTreeSet<u32>,
}

/// True for `key: |`, `- >-` and the like: the next, deeper lines are text.
fn opens_block_scalar(line: &str) -> bool {
    let t = line.split(" #").next().unwrap_or("").trim_end();
    let ind = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    (ind.ends_with(": |")
        || ind.ends_with(": >")
        || ind.ends_with("- |")
        || ind.ends_with("- >")
        || ind == "|"
        || ind == ">")
        && t.len() - ind.len() <= 2
}

/// Removes a trailing " at line N, column M" (we print the position ourselves).
fn strip_position(raw: &str) -> &str {
    if let Some(i) = raw.rfind(" at line ") {
        let tail = &raw[i + " at line ".len()..];
        let ok = tail.split_once(", column ").is_some_and(|(l, c)| {
            l.bytes().all(|b| b.is_ascii_digit()) && c.bytes().all(|b| b.is_ascii_digit())
        });
        if ok {
            return &raw[..i];
        }
    }
    raw
}

/// Turns a YAML/serde message into ours, with a suggestion where we can make one.
fn yaml_error(raw: &str) -> Diagnostic {
    let msg = strip_position(raw);
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected one of ")
    {
        let candidates: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
        let help = match suggest(field, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the fields allowed here are: {}", candidates.join(", ")),
        };
        return Diagnostic::error(format!("unknown field `{field}`")).help(help);
    }
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((field, _)) = rest.split_once('`')
    {
        return Diagnostic::error(format!("unknown field `{field}`"))
            .help("remove it: no fields are allowed here");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return Diagnostic::error(format!("missing field `{field}`")).help(format!(
            "add `{field}:` to this mapping (see docs/format.md)"
        ));
    }
    if msg.starts_with("duplicate mapping key") {
        let key = msg
            .strip_prefix("duplicate mapping key: ")
            .and_then(|r| r.split(", set ").next())
            .unwrap_or("");
        return Diagnostic::error(format!("duplicate key `{key}`"))
            .help("each key may appear once in a mapping: remove or rename one of them");
    }
    if msg.contains("tabs disallowed") {
        return Diagnostic::error("a tab is used for indentation")
            .help("YAML indents with spaces only: replace the tab with spaces");
    }
    if msg.contains("budget") || msg.contains("depth") || msg.contains("alias") {
        return Diagnostic::error(format!(
            "the document is too large or too deeply nested: {msg}"
        ))
        .help("surveys need no YAML aliases or deep nesting: write the content out plainly");
    }
    if msg.starts_with("invalid type") || msg.starts_with("expected") || msg.starts_with("invalid")
    {
        return Diagnostic::error(format!("wrong type: {msg}")).help(
            "check this value against docs/format.md (quote text that looks like a number or date)",
        );
    }
    if msg.contains("null") && msg.contains("string") {
        return Diagnostic::error("a text value is empty")
            .help("write the text, or quote an empty value as \"\"");
    }
    Diagnostic::error(format!("invalid YAML: {msg}")).help("fix the YAML syntax at this place")
}

/// Radical look-alikes and control characters in the text, warned about and
/// mended before parsing (one character for one, so positions stay valid).
pub fn clean_text(source: &mut Source, diags: &mut Diagnostics) {
    let mut out = String::with_capacity(source.text.len());
    let mut reported = 0usize;
    let mut hidden = 0usize;
    let (mut line, mut col) = (1u64, 1u64);
    for c in source.text.chars() {
        let replacement = if let Some(ideo) = crate::text::unify_radical(c) {
            Some((
                ideo,
                format!(
                    "`{c}` (U+{:04X}) is a radical look-alike, probably pasted from a PDF; using `{ideo}` (U+{:04X})",
                    c as u32, ideo as u32
                ),
                format!("replace it with `{ideo}` in the file"),
            ))
        } else if c.is_control() && !matches!(c, '\n' | '\t' | '\r') {
            Some((
                ' ',
                format!(
                    "control character U+{:04X} in the text; using a space",
                    c as u32
                ),
                "delete it from the file".to_owned(),
            ))
        } else {
            None
        };
        match replacement {
            Some((r, msg, help)) => {
                if reported < 20 {
                    diags.push(
                        Diagnostic::warning(msg)
                            .at(&source.path, Pos::new(line, col))
                            .help(help),
                    );
                    reported += 1;
                } else {
                    hidden += 1;
                }
                out.push(r);
            }
            None => out.push(c),
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    if hidden > 0 {
        diags.push(
            Diagnostic::warning(format!(
                "{hidden} more look-alike or control characters replaced"
            ))
            .in_file(&source.path),
        );
    }
    source.text = out;
}
