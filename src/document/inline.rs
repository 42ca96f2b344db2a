//! The inline markup of survey text: a small Markdown subset.
//!
//! `**bold**`, `*italic*`, `` `code` ``, `[text](https://…)`, bare `http(s)://`
//! URLs (linked automatically) and backslash escapes. Nothing else is special,
//! so Japanese text and stray symbols pass through untouched. Written by hand:
//! a full CommonMark parser would bring block syntax we must not interpret.

use super::model::{Rich, Span};

#[derive(Clone, Copy, Default, PartialEq)]
struct Style {
    bold: bool,
    italic: bool,
}

/// Parses one paragraph of inline markup.
pub fn parse(src: &str) -> Rich {
    let mut out: Rich = Vec::new();
    let mut style = Style::default();
    let mut buf = String::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let flush = |buf: &mut String, out: &mut Rich, style: Style| {
        if !buf.is_empty() {
            push(
                out,
                Span {
                    text: std::mem::take(buf),
                    bold: style.bold,
                    italic: style.italic,
                    ..Span::default()
                },
            );
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && "\\*`[]()_".contains(chars[i + 1]) => {
                buf.push(chars[i + 1]);
                i += 2;
            }
            '*' if chars.get(i + 1) == Some(&'*') && closes(&chars, i + 2, "**") => {
                flush(&mut buf, &mut out, style);
                style.bold = !style.bold;
                i += 2;
            }
            '*' if style.bold && chars.get(i + 1) == Some(&'*') => {
                flush(&mut buf, &mut out, style);
                style.bold = false;
                i += 2;
            }
            '*' if style.italic => {
                flush(&mut buf, &mut out, style);
                style.italic = false;
                i += 1;
            }
            '*' if closes(&chars, i + 1, "*")
                && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) =>
            {
                flush(&mut buf, &mut out, style);
                style.italic = true;
                i += 1;
            }
            '`' => {
                if let Some(end) = find(&chars, i + 1, "`") {
                    flush(&mut buf, &mut out, style);
                    let text: String = chars[i + 1..end].iter().collect();
                    push(
                        &mut out,
                        Span {
                            text,
                            code: true,
                            bold: style.bold,
                            italic: style.italic,
                            link: None,
                        },
                    );
                    i = end + 1;
                } else {
                    buf.push(c);
                    i += 1;
                }
            }
            '[' => {
                if let Some((text_end, url_end)) = link_at(&chars, i) {
                    flush(&mut buf, &mut out, style);
                    let label: String = chars[i + 1..text_end].iter().collect();
                    let url: String = chars[text_end + 2..url_end].iter().collect();
                    for mut span in parse(&label) {
                        span.bold |= style.bold;
                        span.italic |= style.italic;
                        span.link = Some(url.trim().to_owned());
                        push(&mut out, span);
                    }
                    i = url_end + 1;
                } else {
                    buf.push(c);
                    i += 1;
                }
            }
            'h' if starts_url(&chars, i) => {
                flush(&mut buf, &mut out, style);
                let mut end = i;
                while end < chars.len() && is_url_char(chars[end]) {
                    end += 1;
                }
                // A sentence's closing punctuation is not part of the URL.
                while end > i && matches!(chars[end - 1], '.' | ',' | ')' | ';' | ':') {
                    end -= 1;
                }
                let url: String = chars[i..end].iter().collect();
                push(
                    &mut out,
                    Span {
                        text: url.clone(),
                        bold: style.bold,
                        italic: style.italic,
                        code: false,
                        link: Some(url),
                    },
                );
                i = end;
            }
            _ => {
                buf.push(c);
                i += 1;
            }
        }
    }
    flush(&mut buf, &mut out, style);
    out
}

fn push(out: &mut Rich, span: Span) {
    if let Some(last) = out.last_mut()
        && last.bold == span.bold
        && last.italic == span.italic
        && last.code == span.code
        && last.link == span.link
    {
        last.text.push_str(&span.text);
        return;
    }
    out.push(span);
}

fn find(chars: &[char], from: usize, pat: &str) -> Option<usize> {
    let pat: Vec<char> = pat.chars().collect();
    (from..chars.len()).find(|&j| chars[j..].starts_with(&pat))
}

fn closes(chars: &[char], from: usize, pat: &str) -> bool {
    find(chars, from, pat).is_some_and(|j| j > from)
}

fn link_at(chars: &[char], open: usize) -> Option<(usize, usize)> {
    let text_end = find(chars, open + 1, "]")?;
    if chars.get(text_end + 1) != Some(&'(') {
        return None;
    }
    let url_end = find(chars, text_end + 2, ")")?;
    (url_end > text_end + 2).then_some((text_end, url_end))
}

fn starts_url(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    rest.starts_with("https://") || rest.starts_with("http://")
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'*+,;=%".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(r: &Rich) -> String {
        r.iter()
            .map(|s| {
                let mut t = s.text.clone();
                if s.bold {
                    t = format!("B({t})");
                }
                if s.italic {
                    t = format!("I({t})");
                }
                if s.code {
                    t = format!("C({t})");
                }
                if let Some(l) = &s.link {
                    t = format!("L({t}->{l})");
                }
                t
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn emphasis_code_and_links() {
        assert_eq!(show(&parse("a **b** *c* `d`")), "a |B(b)| |I(c)| |C(d)");
        assert_eq!(
            show(&parse("see [論文](https://x.org/a)。")),
            "see |L(論文->https://x.org/a)|。"
        );
        assert_eq!(
            show(&parse("http://arxiv.org/abs/2009.05041v2.")),
            "L(http://arxiv.org/abs/2009.05041v2->http://arxiv.org/abs/2009.05041v2)|."
        );
    }

    #[test]
    fn unmatched_marks_stay_text() {
        assert_eq!(show(&parse("2 * 3 = 6")), "2 * 3 = 6");
        assert_eq!(show(&parse("a ** b")), "a ** b");
        assert_eq!(show(&parse("[not a link] `x")), "[not a link] `x");
        assert_eq!(show(&parse(r"\*lit\*")), "*lit*");
        assert_eq!(show(&parse("conv5_3")), "conv5_3");
    }
}
