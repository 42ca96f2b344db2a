//! Edits a survey's YAML text in place: finds blocks by indentation and
//! replaces or inserts lines, so comments, order and the person's formatting
//! survive. Re-serialising would drop every comment. Handles the block style
//! surveys are written in; an entry it cannot find is reported, never guessed.

/// A YAML file as lines.
#[derive(Debug, Clone)]
pub struct Text {
    pub lines: Vec<String>,
}

impl Text {
    pub fn new(s: &str) -> Text {
        let s = s.strip_suffix('\n').unwrap_or(s);
        Text {
            lines: if s.is_empty() {
                Vec::new()
            } else {
                s.split('\n')
                    .map(|l| l.trim_end_matches('\r').to_owned())
                    .collect()
            },
        }
    }

    pub fn render(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }

    /// The line of a top-level key (`papers:`), if any.
    pub fn top_key(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| indent(l) == 0 && key_of(l, 0).is_some_and(|(k, _)| k == key))
    }

    /// One past the last line of the block that starts at `start` (a key or
    /// a list item at `ind`): trailing blank and comment lines are left out.
    pub fn block_end(&self, start: usize, ind: usize) -> usize {
        let mut end = start + 1;
        let mut i = start + 1;
        while i < self.lines.len() {
            let l = &self.lines[i];
            if is_blank_or_comment(l) {
                i += 1;
                continue;
            }
            let li = indent(l);
            // A list item at the same indent as its parent key belongs to the key.
            let list_under_key =
                li == ind && l[li..].starts_with('-') && !self.lines[start][ind..].starts_with('-');
            if li <= ind && !list_under_key {
                break;
            }
            i += 1;
            end = i;
        }
        end
    }

    /// The children of the mapping or list in `start+1..end`: (key or None
    /// for a list item, line index), all at the first child's indent.
    pub fn children(&self, start: usize, end: usize) -> (usize, Vec<(Option<String>, usize)>) {
        let mut out = Vec::new();
        let mut child_indent = None;
        for i in start + 1..end {
            let l = &self.lines[i];
            if is_blank_or_comment(l) {
                continue;
            }
            let li = indent(l);
            let ci = *child_indent.get_or_insert(li);
            if li != ci {
                continue;
            }
            if l[li..].starts_with("- ") || &l[li..] == "-" {
                out.push((None, i));
            } else if let Some((k, _)) = key_of(l, li) {
                out.push((Some(k), i));
            }
        }
        (child_indent.unwrap_or(0), out)
    }

    /// The keys of a list item (`- ranking: x` and the keys under it): (key, line).
    pub fn item_keys(&self, item: usize) -> Vec<(String, usize)> {
        let l = &self.lines[item];
        let ii = indent(l);
        let content = ii + 2;
        let mut out = Vec::new();
        if let Some((k, _)) = key_of(l, content) {
            out.push((k, item));
        }
        let end = self.block_end(item, ii);
        for i in item + 1..end {
            let l = &self.lines[i];
            if !is_blank_or_comment(l)
                && indent(l) == content
                && let Some((k, _)) = key_of(l, content)
            {
                out.push((k, i));
            }
        }
        out
    }
}

pub fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

pub fn is_blank_or_comment(l: &str) -> bool {
    let t = l.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The key of a `key: value` line whose key starts at byte `at`, and the
/// byte offset where its value starts.
pub fn key_of(l: &str, at: usize) -> Option<(String, usize)> {
    let s = l.get(at..)?;
    let (key, rest_at) = if let Some(q @ ('"' | '\'')) = s.chars().next() {
        // The closing quote; in single quotes `''` is an escaped quote.
        let mut close = s[1..].find(q)? + 1;
        while q == '\'' && s[close + 1..].starts_with('\'') {
            close = s[close + 2..].find(q)? + close + 2;
        }
        let k = &s[1..close];
        let k = if q == '"' {
            serde_json::from_str::<String>(&s[..=close]).ok()?
        } else {
            k.replace("''", "'")
        };
        (k, close + 1)
    } else {
        let colon = s
            .find(": ")
            .or_else(|| s.strip_suffix(':').map(|x| x.len()))?;
        let k = &s[..colon];
        if k.is_empty() || k.starts_with(['-', '#', '[', '{']) {
            return None;
        }
        (k.trim_end().to_owned(), colon)
    };
    let rest = &s[rest_at..];
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, at + rest_at + 1))
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The part of a line after its value: ` # comment` or "".
pub fn trailing_comment(value: &str) -> &str {
    // Only outside quotes and after a space, as YAML says.
    let mut in_q: Option<char> = None;
    let b: Vec<(usize, char)> = value.char_indices().collect();
    for (n, &(i, c)) in b.iter().enumerate() {
        match (in_q, c) {
            (None, '"' | '\'') => in_q = Some(c),
            (Some(q), c2) if c2 == q => in_q = None,
            (None, '#') if n > 0 && b[n - 1].1 == ' ' => return &value[i - 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "deck:\n  title: T # keep\npapers:\n  \"2009.06732\":\n    title: A\n    summary:\n    - one\n    - two\n\n  # a comment\n  x: {title: B}\nsections:\n  - slide: S\n    bullets: [a]\n  - ranking: top recent\n    papers: [\"2009.06732\"] # best first\n";

    #[test]
    fn finds_blocks_keys_and_children() {
        let t = Text::new(DOC);
        assert_eq!(t.render(), DOC);
        let p = t.top_key("papers").unwrap();
        assert_eq!(p, 2);
        let end = t.block_end(p, 0);
        assert_eq!(end, 11);
        let (ci, kids) = t.children(p, end);
        assert_eq!(ci, 2);
        assert_eq!(
            kids,
            vec![(Some("2009.06732".into()), 3), (Some("x".into()), 10)]
        );
        // The entry's block ends before the blank line and the comment.
        assert_eq!(t.block_end(3, 2), 8);
        let s = t.top_key("sections").unwrap();
        let (_, items) = t.children(s, t.block_end(s, 0));
        assert_eq!(items.len(), 2);
        let keys = t.item_keys(items[1].1);
        assert_eq!(keys, vec![("ranking".into(), 14), ("papers".into(), 15)]);
    }

    #[test]
    fn keys_and_comments() {
        assert_eq!(key_of("  a: b", 2), Some(("a".into(), 4)));
        assert_eq!(key_of("  'it''s': b", 2), Some(("it's".into(), 10)));
        assert_eq!(key_of("a:", 0), Some(("a".into(), 2)));
        assert_eq!(key_of("http://x", 0), None);
        assert_eq!(key_of("- a: b", 0), None);
        assert_eq!(trailing_comment(" [\"a#b\"] # c"), " # c");
        assert_eq!(trailing_comment(" a#b"), "");
    }
}
