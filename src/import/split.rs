//! Abstracts into sentence bullets. Rule-based and hand-written: UAX #29
//! sentence boundaries (unicode-segmentation) know no abbreviations, so they
//! split "et al. Smith" and "Fig. 3", which is what abstracts are full of.

/// Words that end in a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "et al", "al", "cf", "vs", "etc", "fig", "figs", "eq", "eqs", "sec", "secs",
    "no", "nos", "dr", "mr", "ms", "mrs", "prof", "approx", "resp", "incl", "ca", "ref", "refs",
    "tab", "viz", "st", "vol", "pp", "ch", "ex", "est", "min", "max", "avg", "std", "dept", "univ",
    "inc", "ltd", "co", "corp", "jr", "sr", "u.s", "a.k.a", "w.r.t", "ph.d", "op",
];

/// The abstract as arXiv sends it, cleaned: the ends trimmed, hard wraps
/// undone, paragraph breaks (a blank line or a newline followed by an
/// indent) kept as "\n\n", runs of spaces collapsed.
pub fn clean_abstract(raw: &str) -> String {
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    for line in raw.trim().split('\n') {
        let starts_para = line.trim().is_empty() || (line.starts_with("  ") && !cur.is_empty());
        if starts_para && !cur.trim().is_empty() {
            paras.push(collapse(&cur));
            cur.clear();
        }
        cur.push(' ');
        cur.push_str(line);
    }
    if !cur.trim().is_empty() {
        paras.push(collapse(&cur));
    }
    paras.join("\n\n")
}

/// Collapses runs of whitespace to one space and trims the ends.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits text into sentences. A sentence ends at `.`, `?` or `!` (after any
/// closing quotes or brackets) followed by a space and a capital, a digit or
/// an opening bracket; never after an abbreviation ("e.g.", "et al."),
/// inside a number ("3.5") or inside a URL.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let chars: Vec<char> = para.chars().collect();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            if matches!(chars[i], '.' | '?' | '!') {
                let mut end = i + 1;
                while end < chars.len()
                    && matches!(
                        chars[end],
                        '.' | '?' | '!' | '"' | '\'' | ')' | ']' | '”' | '’'
                    )
                {
                    end += 1;
                }
                if end < chars.len()
                    && chars[end].is_whitespace()
                    && next_starts_sentence(&chars[end..])
                    && !(chars[i] == '.' && ends_in_abbreviation(&chars[start..i]))
                {
                    push(&mut out, &chars[start..end]);
                    start = end;
                }
                i = end;
            } else {
                i += 1;
            }
        }
        push(&mut out, &chars[start..]);
    }
    out
}

fn push(out: &mut Vec<String>, chars: &[char]) {
    let s: String = chars.iter().collect();
    let s = collapse(&s);
    if !s.is_empty() {
        out.push(s);
    }
}

fn next_starts_sentence(rest: &[char]) -> bool {
    let c = rest.iter().find(|c| !c.is_whitespace());
    c.is_some_and(|&c| {
        c.is_uppercase()
            || c.is_ascii_digit()
            || matches!(c, '(' | '[' | '"' | '“' | '\'' | '$' | '\\')
    })
}

/// True when the word before a full stop is an abbreviation.
fn ends_in_abbreviation(before: &[char]) -> bool {
    let s: String = before.iter().collect();
    let lower = s.to_lowercase();
    let word = lower
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '[')
        .next()
        .unwrap_or("");
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    lower.ends_with(" et al") || lower.ends_with("et al")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(
            sentences("We propose X. It works! Does it scale? Yes."),
            vec!["We propose X.", "It works!", "Does it scale?", "Yes."]
        );
    }

    #[test]
    fn survives_abbreviations_decimals_and_urls() {
        let text = "Models, e.g. Transformers, and methods of Smith et al. Work well. \
            Accuracy rose from 91.5% to 93.2 points (i.e. 1.7 more). \
            Code is at https://github.com/x/y.git and www.example.org. Data by Dr. Smith are public. \
            We compare against BERT etc. and report Fig. 3 results.";
        assert_eq!(
            sentences(text),
            vec![
                "Models, e.g. Transformers, and methods of Smith et al. Work well.",
                "Accuracy rose from 91.5% to 93.2 points (i.e. 1.7 more).",
                "Code is at https://github.com/x/y.git and www.example.org.",
                "Data by Dr. Smith are public.",
                "We compare against BERT etc. and report Fig. 3 results.",
            ]
        );
    }

    #[test]
    fn closing_quotes_and_brackets_stay_with_their_sentence() {
        assert_eq!(
            sentences("He said \"stop.\" Then (see below.) We left."),
            vec!["He said \"stop.\"", "Then (see below.)", "We left."]
        );
    }

    #[test]
    fn paragraphs_always_split() {
        assert_eq!(
            sentences("First part without stop\n\nsecond part."),
            vec!["First part without stop", "second part."]
        );
    }

    #[test]
    fn abstracts_are_unwrapped_keeping_paragraphs() {
        // The old arXiv form: two leading spaces, hard wraps, trailing newline.
        let raw = "  We study a\nmodel of  things.\n  A new paragraph\nstarts here.\n";
        assert_eq!(
            clean_abstract(raw),
            "We study a model of things.\n\nA new paragraph starts here."
        );
        assert_eq!(clean_abstract("One line only."), "One line only.");
    }
}
