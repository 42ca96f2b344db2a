//! arXiv identifiers in the forms people paste, and the ids file that
//! describes a month (ids grouped under `# ranking name` lines).

use std::fmt;

/// An arXiv identifier: `2009.06732` or old-style `cs/0112017`, with an
/// optional version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArxivId {
    /// The id without its version: `2009.06732`, `cs/0112017`.
    pub base: String,
    pub version: Option<u32>,
}

impl fmt::Display for ArxivId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Some(v) => write!(f, "{}v{v}", self.base),
            None => f.write_str(&self.base),
        }
    }
}

/// Parses an id as people paste it: `2009.06732`, `2009.06732v2`,
/// `arXiv:2009.06732`, `https://arxiv.org/abs/2009.06732v2`,
/// `https://arxiv.org/pdf/2009.06732.pdf`, `cs/0112017`,
/// `https://arxiv.org/abs/cs/0112017v1`, `doi:10.48550/arXiv.2009.06732`.
pub fn parse(input: &str) -> Result<ArxivId, String> {
    let s = input.trim();
    let mut rest = s;
    // URLs: keep the path after /abs/, /pdf/, /html/ or /e-print/.
    if let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let (host, path) = after.split_once('/').unwrap_or((after, ""));
        let host = host.to_ascii_lowercase();
        if !(host == "arxiv.org" || host.ends_with(".arxiv.org")) {
            return Err(format!("`{s}` is not an arXiv link"));
        }
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = path.trim_end_matches('/');
        rest = ["abs/", "pdf/", "html/", "e-print/", "src/"]
            .iter()
            .find_map(|p| path.strip_prefix(p))
            .ok_or_else(|| format!("`{s}` is not a link to an arXiv paper (abs or pdf)"))?;
        rest = rest.strip_suffix(".pdf").unwrap_or(rest);
    } else {
        for prefix in ["arxiv:", "doi:10.48550/arxiv.", "10.48550/arxiv."] {
            if rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix) {
                rest = rest[prefix.len()..].trim_start();
                break;
            }
        }
    }
    parse_bare(rest).ok_or_else(|| {
        format!("`{s}` is not an arXiv id: write e.g. 2009.06732, arXiv:2009.06732v2, cs/0112017 or an arxiv.org/abs link")
    })
}

fn parse_bare(s: &str) -> Option<ArxivId> {
    let (body, version) = match s.rfind('v') {
        Some(i) if i > 0 && s[i + 1..].chars().all(|c| c.is_ascii_digit()) && i + 1 < s.len() => {
            (&s[..i], Some(s[i + 1..].parse().ok()?))
        }
        _ => (s, None),
    };
    if version == Some(0) {
        return None;
    }
    let valid = if let Some((archive, num)) = body.split_once('/') {
        // Old style: archive(.SUBJECT)/YYMMNNN.
        let (arch, subj) = archive.split_once('.').unwrap_or((archive, ""));
        !arch.is_empty()
            && arch.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && subj.chars().all(|c| c.is_ascii_uppercase())
            && num.len() == 7
            && num.chars().all(|c| c.is_ascii_digit())
    } else {
        // New style: YYMM.NNNN (2007–2014) or YYMM.NNNNN (since 2015).
        match body.split_once('.') {
            Some((yymm, num)) => {
                yymm.len() == 4
                    && yymm.chars().all(|c| c.is_ascii_digit())
                    && (4..=5).contains(&num.len())
                    && num.chars().all(|c| c.is_ascii_digit())
                    && (1..=12).contains(&yymm[2..].parse::<u8>().unwrap_or(0))
            }
            None => false,
        }
    };
    valid.then(|| ArxivId {
        base: body.to_owned(),
        version,
    })
}

/// One id from the command line or an ids file, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub id: ArxivId,
    /// 1-based line in the ids file; 0 for the command line.
    pub line: usize,
    /// Index into [`IdsFile::rankings`].
    pub ranking: Option<usize>,
}

/// A ranking started by a `# name` line (optionally ending in a date).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub name: String,
    pub date: Option<String>,
    pub line: usize,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct IdsFile {
    pub rankings: Vec<Ranking>,
    pub ids: Vec<Wanted>,
}

/// A problem in an ids file: line, column and message.
#[derive(Debug, Clone, PartialEq)]
pub struct IdError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parses an ids file: one id a line (any form [`parse`] accepts); `# name`
/// starts a ranking of that name (`# top recent 2020-09-25` also sets its
/// date); `#` alone ends it; `//` starts a comment; blank lines are ignored.
pub fn parse_file(text: &str) -> Result<IdsFile, Vec<IdError>> {
    let mut out = IdsFile::default();
    let mut errors = Vec::new();
    let mut current = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.split("//").next().unwrap_or("");
        // `//` inside a URL is not a comment.
        let line = if raw.contains("://") { raw } else { line };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(head) = trimmed.strip_prefix('#') {
            let head = head.trim();
            if head.is_empty() {
                current = None;
                continue;
            }
            let (name, date) = match head.rsplit_once(char::is_whitespace) {
                Some((n, d)) if crate::document::Date::parse(d).is_some() => {
                    (n.trim().to_owned(), Some(d.replace('/', "-")))
                }
                _ => (head.to_owned(), None),
            };
            out.rankings.push(Ranking {
                name,
                date,
                line: line_no,
            });
            current = Some(out.rankings.len() - 1);
            continue;
        }
        let col = line.len() - line.trim_start().len() + 1;
        match parse(trimmed) {
            Ok(id) => out.ids.push(Wanted {
                id,
                line: line_no,
                ranking: current,
            }),
            Err(message) => errors.push(IdError {
                line: line_no,
                col,
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> String {
        parse(s).map(|i| i.to_string()).unwrap_or_else(|e| e)
    }

    #[test]
    fn every_pasted_form() {
        assert_eq!(id("2009.06732"), "2009.06732");
        assert_eq!(id(" 2009.06732v2 "), "2009.06732v2");
        assert_eq!(id("arXiv:2009.06732"), "2009.06732");
        assert_eq!(id("ARXIV: 2009.06732v3"), "2009.06732v3");
        assert_eq!(id("https://arxiv.org/abs/2009.06732v2"), "2009.06732v2");
        assert_eq!(id("http://arxiv.org/abs/2009.06732"), "2009.06732");
        assert_eq!(id("https://arxiv.org/pdf/2009.06732.pdf"), "2009.06732");
        assert_eq!(id("https://arxiv.org/pdf/2009.06732v1"), "2009.06732v1");
        assert_eq!(id("https://export.arxiv.org/abs/2009.06732/"), "2009.06732");
        assert_eq!(
            id("https://arxiv.org/abs/2009.06732?context=cs"),
            "2009.06732"
        );
        assert_eq!(id("cs/0112017"), "cs/0112017");
        assert_eq!(id("https://arxiv.org/abs/cs/0112017v1"), "cs/0112017v1");
        assert_eq!(id("math.CA/0611800"), "math.CA/0611800");
        assert_eq!(id("hep-ph/9904306v1"), "hep-ph/9904306v1");
        assert_eq!(id("0704.0001"), "0704.0001");
        assert_eq!(id("doi:10.48550/arXiv.2009.06732"), "2009.06732");
    }

    #[test]
    fn rejects_what_is_not_an_id() {
        for bad in [
            "",
            "abc",
            "2009.067",
            "2009.067321",
            "2013.06732",
            "2009.06732v0",
            "2009.06732v",
            "cs/011201",
            "CS/0112017",
            "https://example.org/abs/2009.06732",
            "https://arxiv.org/list/cs.LG/recent",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn ids_file_with_rankings() {
        let text = "2001.00001\n\n# top recent 2020-09-25\narXiv:2009.06732 // a comment\nhttps://arxiv.org/abs/2009.05041v2\n#\n# top social\n  cs/0112017\n";
        let f = parse_file(text).unwrap();
        assert_eq!(f.rankings.len(), 2);
        assert_eq!(f.rankings[0].name, "top recent");
        assert_eq!(f.rankings[0].date.as_deref(), Some("2020-09-25"));
        assert_eq!(f.rankings[1].name, "top social");
        assert_eq!(f.rankings[1].date, None);
        let got: Vec<(String, usize, Option<usize>)> = f
            .ids
            .iter()
            .map(|w| (w.id.to_string(), w.line, w.ranking))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2001.00001".into(), 1, None),
                ("2009.06732".into(), 4, Some(0)),
                ("2009.05041v2".into(), 5, Some(0)),
                ("cs/0112017".into(), 8, Some(1)),
            ]
        );
    }

    #[test]
    fn ids_file_errors_name_line_and_column() {
        let errs = parse_file("2009.06732\n   nonsense\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].col), (2, 4));
        assert!(errs[0].message.contains("nonsense"));
    }
}
