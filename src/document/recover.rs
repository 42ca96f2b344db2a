//! Explaining YAML mistakes in the user's words, and reading on past them.
//!
//! The YAML parser stops at the first problem and names it in parser terms
//! ("mapping values are not allowed in this context"). Here each common
//! mistake is recognised from the line it happens on (a `: ` inside a value,
//! a key or `-` out of line with its neighbours) and explained with what to
//! write instead. Where the text can be mended without moving any other line
//! (quote the value, line the indentation up, blank an unknown or repeated
//! key), the mended text is parsed again, so one run reports every such
//! problem rather than the first. Hand-written: no YAML crate explains
//! mistakes or recovers from them.

/// Leading spaces of a line.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// True for lines that carry no content (blank or a comment).
fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Where a line's key or `-` starts, and what it is: `(column, is_item, key)`.
/// For `  - slide: a` the item's `-` is at 2 and its key `slide` at 4.
struct Shape<'a> {
    ind: usize,
    item: bool,
    /// The key and its column, when the line (or its item) starts with `key:`.
    key: Option<(&'a str, usize)>,
}

fn shape(line: &str) -> Shape<'_> {
    let ind = indent(line);
    let body = &line[ind..];
    let item = body == "-" || body.starts_with("- ");
    let (rest, at) = if item {
        let r = body[1..].trim_start_matches(' ');
        (r, line.len() - r.len())
    } else {
        (body, ind)
    };
    let key = key_of(rest).map(|k| (k, at));
    Shape { ind, item, key }
}

/// `key` for text starting `key:` (followed by a space or the end), quoted or not.
fn key_of(text: &str) -> Option<&str> {
    let end = text
        .find(": ")
        .or_else(|| text.strip_suffix(':').map(str::len))?;
    let k = text[..end].trim_matches(|c| c == '"' || c == '\'');
    (!k.is_empty() && !k.contains(['[', '{', '#'])).then_some(k)
}

/// A plain-language explanation of a YAML syntax error at `line` (1-based)
/// and `col`: the message, the help, a better column and, when the line can
/// be mended without moving others, its mended text.
pub struct Explained {
    pub message: String,
    pub help: String,
    pub col: usize,
    pub mended: Option<String>,
}

pub fn explain(text: &str, line: usize, col: usize, raw: &str) -> Option<Explained> {
    let lines: Vec<&str> = text.lines().collect();
    let cur = *lines.get(line.checked_sub(1)?)?;
    if raw.contains("mapping values are not allowed") {
        // A `: ` inside a value: `title: Attention: Is All You Need`.
        let s = shape(cur);
        if let Some((key, at)) = s.key {
            let value_at = at + cur[at..].find(':')? + 1;
            let value = cur[value_at..].trim();
            let colon = cur.char_indices().nth(col.saturating_sub(1)).map(|c| c.0);
            if colon.is_some_and(|c| c > value_at) && !value.starts_with(['"', '\'', '[', '{']) {
                let quoted = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
                let mended = format!("{} {quoted}", &cur[..value_at]);
                return Some(Explained {
                    message: format!(
                        "the value of `{key}` contains `: `, which YAML reads as the start of another key"
                    ),
                    help: format!("quote the text: {key}: {quoted}"),
                    col,
                    mended: Some(mended),
                });
            }
        }
    }
    if raw.contains("did not find expected")
        || raw.contains("mapping values are not allowed")
        || raw.contains("expected mapping")
        || raw.contains("block end")
    {
        return misaligned(&lines, line - 1);
    }
    None
}

/// Compares the line's indentation with the content line above it: a key
/// or `-` a few spaces out of line with its neighbour, or a key indented
/// under a line of text.
fn misaligned(lines: &[&str], n: usize) -> Option<Explained> {
    let cur = lines[n];
    let s = shape(cur);
    let (p, prev) = lines[..n]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !is_blank(l))?;
    let ps = shape(prev);
    let what = |sh: &Shape, l: &str| match sh.key {
        Some((k, _)) if !sh.item => format!("`{k}`"),
        _ => format!("`{}`", l.trim()),
    };
    // The levels open above this line (nearest first, each shallower than
    // the last); the line should start at one of them.
    let mut levels: Vec<(usize, bool, String)> = Vec::new();
    for (m, l) in lines[..n].iter().enumerate().rev() {
        if is_blank(l) {
            continue;
        }
        let ls = shape(l);
        let (col, item, name) = match ls.key {
            Some((k, at)) if !(s.item && ls.item) => {
                (at, false, format!("`{k}` on line {}", m + 1))
            }
            _ if ls.item => (ls.ind, true, format!("the `-` on line {}", m + 1)),
            _ => continue,
        };
        if levels.last().is_none_or(|last| col < last.0) {
            levels.push((col, item, name));
        }
        if ls.item && !(s.item) && ls.key.is_some() && ls.ind < levels.last().map_or(0, |l| l.0) {
            levels.push((ls.ind, true, format!("the `-` on line {}", m + 1)));
        }
        if col == 0 || levels.len() > 20 {
            break;
        }
    }
    let best = levels
        .iter()
        .filter(|l| l.0 != s.ind && l.0.abs_diff(s.ind) <= 3)
        .min_by_key(|l| (l.0.abs_diff(s.ind), l.1 != s.item, l.0));
    // In line with one level already: the mistake is something else.
    let aligned = levels.iter().any(|l| l.0 == s.ind);
    let target = best.filter(|_| !aligned).map(|l| (l.0, l.2.clone()));
    let _ = (p, &ps);
    if let Some((want, with)) = target
        && want != s.ind
        && want.abs_diff(s.ind) <= 3
    {
        let d = want.abs_diff(s.ind);
        let dir = if s.ind > want { "more" } else { "less" };
        let spaces = if d == 1 { "space" } else { "spaces" };
        return Some(Explained {
            message: format!(
                "{} is indented {d} {spaces} {dir} than {with}",
                what(&s, cur)
            ),
            help: if want == 0 {
                "keys of one mapping, and the `-` of one list, line up: start it at the beginning of the line".to_owned()
            } else {
                format!(
                    "keys of one mapping, and the `-` of one list, line up: indent it by {want} spaces"
                )
            },
            col: s.ind + 1,
            mended: Some(format!("{}{}", " ".repeat(want), cur.trim_start())),
        });
    }
    if !s.item
        && let Some((k, _)) = s.key
        && ps.item
        && ps.key.is_none()
        && s.ind > ps.ind
    {
        return Some(Explained {
            message: format!(
                "`{k}:` is indented under the list item on line {}, which is text",
                p + 1
            ),
            help: format!(
                "to give that item sub-items, end it with `:` and indent a list below it; \
                 for a field of the mapping, line `{k}` up with the fields above"
            ),
            col: s.ind + 1,
            mended: None,
        });
    }
    None
}

/// For a field missing from a mapping whose last key is at `line` (1-based):
/// the mapping's own key (or list item), where the user looks for it.
pub fn mapping_start(text: &str, line: usize) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let ind = shape(lines.get(line.checked_sub(1)?)?).key?.1;
    for n in (0..line).rev() {
        let l = lines[n];
        if is_blank(l) {
            continue;
        }
        let s = shape(l);
        match s.key {
            // The first key of an item: `- image: …` is where the mapping starts.
            Some((_, at)) if at == ind && s.item => return Some((n + 1, at + 1)),
            Some((_, at)) if at < ind => return Some((n + 1, at + 1)),
            _ if s.ind < ind && !s.item => return Some((n + 1, s.ind + 1)),
            _ => {}
        }
    }
    None
}

/// Blanks a key and the lines nested under it (an unknown or repeated
/// field), keeping every line in place. `col` is the key's 1-based column.
pub fn blank_key(text: &str, line: usize, col: usize) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let cur = lines.get(line.checked_sub(1)?)?.clone();
    let at = cur.char_indices().nth(col.checked_sub(1)?)?.0;
    if cur[..at].contains(['{', '[']) {
        return None;
    }
    lines[line - 1] = cur[..at].trim_end().to_owned();
    let key_ind = cur[..at].chars().count();
    for l in lines.iter_mut().skip(line) {
        if is_blank(l) || indent(l) > key_ind {
            l.clear();
        } else {
            break;
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Some(out)
}

/// Warnings for text that YAML folds into the line above although it looks
/// like a new list item or key: `  - a` then `   - b` (one space too far)
/// reads as the single item "a - b".
pub fn continued_lines(text: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // The item or `key: value` whose plain text may continue, and its indent.
    let mut open: Option<(usize, usize)> = None;
    let mut block: Option<usize> = None;
    for (n, l) in lines.iter().enumerate() {
        if is_blank(l) {
            continue;
        }
        let s = shape(l);
        if let Some(b) = block {
            if s.ind > b {
                continue;
            }
            block = None;
        }
        let body = l.trim();
        if let Some((p, pind)) = open
            && s.ind > pind
        {
            let looks = if s.item {
                Some("a list item")
            } else if s.key.is_some() {
                Some("a key")
            } else {
                None
            };
            if let Some(kind) = looks {
                out.push((
                    n + 1,
                    s.ind + 1,
                    format!(
                        "this line looks like {kind} but continues the text on line {}",
                        p + 1
                    ),
                ));
            }
            continue;
        }
        // What follows the `-` or the key's colon, if it is plain text.
        let value = if let Some((_, at)) = s.key {
            l[at..].split_once(':').map(|(_, v)| v.trim())
        } else if s.item {
            Some(body[1..].trim())
        } else {
            None
        };
        let plain = value.is_some_and(|v| {
            let quoted_or_flow = v.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#']);
            let nested_item = s.item && v.starts_with("- ");
            !(v.is_empty() || quoted_or_flow || nested_item)
        });
        // Text continues on lines deeper than its key (or its `-`).
        open = plain.then_some((n, s.key.map_or(s.ind, |k| k.1)));
        if value.is_some_and(|v| v.starts_with(['|', '>'])) {
            block = Some(s.ind);
            open = None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_a_value_with_a_colon() {
        let t = "deck:\n  title: Attention: Is All You Need\n";
        let e = explain(t, 2, 19, "mapping values are not allowed in this context").unwrap();
        assert_eq!(
            e.help,
            "quote the text: title: \"Attention: Is All You Need\""
        );
        assert_eq!(
            e.mended.as_deref(),
            Some("  title: \"Attention: Is All You Need\"")
        );
    }

    #[test]
    fn says_how_far_out_of_line() {
        let t = "a:\n  - slide: a\n   bullets:\n";
        let e = explain(t, 3, 4, "did not find expected '-' indicator").unwrap();
        assert_eq!(
            e.message,
            "`bullets` is indented 1 space less than `slide` on line 2"
        );
        let t = "b:\n      - one\n     - two\n";
        let e = explain(t, 3, 6, "did not find expected key").unwrap();
        assert_eq!(
            e.message,
            "`- two` is indented 1 space less than the `-` on line 2"
        );
        assert_eq!(e.mended.as_deref(), Some("      - two"));
    }

    #[test]
    fn finds_the_start_of_a_mapping() {
        let t = "papers:\n  \"1\":\n    org: x\n    summary: [a]\n";
        assert_eq!(mapping_start(t, 4), Some((2, 3)));
        let t = "figures:\n  - caption: x\n    alt: y\n";
        assert_eq!(mapping_start(t, 3), Some((2, 5)));
    }

    #[test]
    fn warns_about_a_bullet_folded_into_the_one_above() {
        let t = "s:\n  - a\n   - b\n  - c\n";
        let w = continued_lines(t);
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].0, w[0].1), (3, 4));
        // A wrapped line of text, a block scalar and a nested list are fine.
        assert!(continued_lines("s:\n  - a long\n    line\n").is_empty());
        assert!(continued_lines("n: |\n  - a\n   - b\n").is_empty());
        assert!(continued_lines("s:\n  - a\n  - - b\n    - c\n").is_empty());
    }

    #[test]
    fn blanks_a_key_and_what_is_under_it() {
        let t = "deck:\n  titel:\n    - x\n  title: y\n";
        assert_eq!(
            blank_key(t, 2, 3).as_deref(),
            Some("deck:\n\n\n  title: y\n")
        );
    }
}
