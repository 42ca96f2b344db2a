//! The month's papers as a reference list: BibTeX (`--bib`) and CSL-JSON
//! (`--csl-json`) for reference managers.
//!
//! A survey is a reference list already: every paper is keyed by its arXiv id
//! and has its title and link. These exports read the document, not the
//! pages, because they carry bibliographic data, not layout. Each paper
//! appears once, in the order the deck first presents it.
//!
//! Written by hand: BibTeX and CSL-JSON entries of one fixed shape are a few
//! lines each, and the crates that write them bring a full citation engine.

use std::fmt::Write as _;

use serde::Serialize;

use crate::document::{Deck, SlideKind};

/// One paper as a reference manager needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// arXiv identifier without version, e.g. `2009.06732` or `cs/0112017`.
    pub id: String,
    pub title: String,
    /// Authors as written ("Yi Tay"), in order.
    pub authors: Vec<String>,
    pub url: String,
    /// Primary arXiv category, e.g. `cs.LG`, when the survey knows it.
    pub category: Option<String>,
    /// Year and month of the first version, from the new-style id (`2009` →
    /// 2020-09) when the survey gives no date.
    pub year: Option<u32>,
    pub month: Option<u32>,
}

/// The papers the deck presents, each once, in order of first appearance.
pub fn collect(deck: &Deck) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    for slide in &deck.slides {
        let SlideKind::Paper(p) = &slide.kind else {
            continue;
        };
        let id = strip_version(&p.id);
        if out.iter().any(|r| r.id == id) {
            continue;
        }
        let (year, month) = match id_date(&id) {
            Some((y, m)) => (Some(y), Some(m)),
            None => (None, None),
        };
        out.push(Reference {
            url: p
                .url
                .clone()
                .unwrap_or_else(|| format!("https://arxiv.org/abs/{id}")),
            title: p.title.clone(),
            authors: p.authors.clone(),
            category: None,
            id,
            year,
            month,
        });
    }
    out
}

/// `2009.06732v2` → `2009.06732`.
fn strip_version(id: &str) -> String {
    match id.rfind('v') {
        Some(i) if i > 0 && id[i + 1..].bytes().all(|b| b.is_ascii_digit()) && i + 1 < id.len() => {
            id[..i].to_string()
        }
        _ => id.to_string(),
    }
}

/// Year and month from an arXiv id: `YYMM.NNNNN` (since 2007) or `archive/YYMMNNN`.
fn id_date(id: &str) -> Option<(u32, u32)> {
    let digits = match id.split_once('/') {
        Some((_, n)) => n,
        None => id,
    };
    let yymm: u32 = digits.get(..4)?.parse().ok()?;
    let (yy, mm) = (yymm / 100, yymm % 100);
    if !(1..=12).contains(&mm) {
        return None;
    }
    // Old-style ids start in 1991; new-style ones in 2007.
    let year = if yy >= 91 { 1900 + yy } else { 2000 + yy };
    Some((year, mm))
}

/// The arXiv DOI DataCite assigns to every paper.
fn doi(id: &str) -> String {
    format!("10.48550/arXiv.{id}")
}

/// Splits "Yi Tay" into family "Tay" and given "Yi"; a single word is a literal name.
fn split_name(name: &str) -> (Option<&str>, &str) {
    let name = name.trim();
    match name.rfind(' ') {
        Some(i) => (Some(name[..i].trim()), name[i + 1..].trim()),
        None => (None, name),
    }
}

/// BibTeX for every paper: `@misc` entries with the arXiv fields biblatex and
/// natbib styles read (`eprint`, `archivePrefix`, `primaryClass`).
pub fn bibtex(refs: &[Reference]) -> String {
    let mut out = String::new();
    for r in refs {
        let _ = writeln!(out, "@misc{{arXiv:{},", r.id);
        let _ = writeln!(out, "  title = {{{}}},", bib_title(&r.title));
        if !r.authors.is_empty() {
            let names: Vec<String> = r
                .authors
                .iter()
                .map(|a| match split_name(a) {
                    (Some(given), family) => {
                        format!("{}, {}", bib_escape(family), bib_escape(given))
                    }
                    // One-word or organisation names must not be split by BibTeX.
                    (None, literal) => format!("{{{}}}", bib_escape(literal)),
                })
                .collect();
            let _ = writeln!(out, "  author = {{{}}},", names.join(" and "));
        }
        if let Some(y) = r.year {
            let _ = writeln!(out, "  year = {{{y}}},");
        }
        if let Some(m) = r.month {
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ];
            let _ = writeln!(out, "  month = {},", MONTHS[(m - 1) as usize]);
        }
        let _ = writeln!(out, "  eprint = {{{}}},", r.id);
        let _ = writeln!(out, "  archivePrefix = {{arXiv}},");
        if let Some(c) = &r.category {
            let _ = writeln!(out, "  primaryClass = {{{}}},", bib_escape(c));
        }
        let _ = writeln!(out, "  doi = {{{}}},", doi(&r.id));
        let _ = writeln!(out, "  url = {{{}}},", r.url.replace(['{', '}'], ""));
        out.push_str("}\n\n");
    }
    out
}

/// A title with every word that has a capital letter in braces, so styles
/// that change case keep "GAN", "BERT" and "ImageNet" as written.
fn bib_title(title: &str) -> String {
    let mut out = String::new();
    for (i, word) in title.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let w = bib_escape(word);
        if word.chars().any(char::is_uppercase) {
            out.push('{');
            out.push_str(&w);
            out.push('}');
        } else {
            out.push_str(&w);
        }
    }
    out
}

/// Escapes the characters TeX gives a meaning; other Unicode stays as it is
/// (biber and BibTeX8 read UTF-8).
fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            _ => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct CslItem<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<CslDate>,
    publisher: &'static str,
    genre: &'static str,
    number: &'a str,
    #[serde(rename = "DOI")]
    doi: String,
    #[serde(rename = "URL")]
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum CslName<'a> {
    Split { family: &'a str, given: &'a str },
    Literal { literal: &'a str },
}

#[derive(Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: Vec<Vec<u32>>,
}

/// CSL-JSON (the format Zotero, Mendeley and pandoc's citeproc read): an array
/// of `article` items, as CSL 1.0.2 types preprints, with arXiv as publisher.
pub fn csl_json(refs: &[Reference]) -> String {
    let items: Vec<CslItem> = refs
        .iter()
        .map(|r| CslItem {
            id: format!("arXiv:{}", r.id),
            kind: "article",
            title: &r.title,
            author: r
                .authors
                .iter()
                .map(|a| match split_name(a) {
                    (Some(given), family) => CslName::Split { family, given },
                    (None, literal) => CslName::Literal { literal },
                })
                .collect(),
            issued: r.year.map(|y| CslDate {
                date_parts: vec![std::iter::once(y).chain(r.month).collect()],
            }),
            publisher: "arXiv",
            genre: "Preprint",
            number: &r.id,
            doi: doi(&r.id),
            url: &r.url,
            note: r.category.as_ref().map(|c| format!("arXiv: {c}")),
        })
        .collect();
    // Serialising strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, title: &str, authors: &[&str]) -> Reference {
        let (year, month) = id_date(id).unzip();
        Reference {
            id: id.into(),
            title: title.into(),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            url: format!("https://arxiv.org/abs/{id}"),
            category: Some("cs.LG".into()),
            year,
            month,
        }
    }

    #[test]
    fn ids_give_year_and_month_and_lose_their_version() {
        assert_eq!(id_date("2009.06732"), Some((2020, 9)));
        assert_eq!(id_date("cs/0112017"), Some((2001, 12)));
        assert_eq!(id_date("hep-th/9901001"), Some((1999, 1)));
        assert_eq!(id_date("2013.00001"), None);
        assert_eq!(strip_version("2009.06732v2"), "2009.06732");
        assert_eq!(strip_version("cs/0112017v1"), "cs/0112017");
        assert_eq!(strip_version("solv-int/9901001"), "solv-int/9901001");
    }

    #[test]
    fn bibtex_entry_has_the_arxiv_fields_and_protects_capitals() {
        let bib = bibtex(&[paper(
            "2009.06732",
            "Efficient Transformers: A Survey of 100% GANs_x",
            &["Yi Tay", "Mostafa Dehghani", "OpenAI"],
        )]);
        assert_eq!(
            bib,
            "@misc{arXiv:2009.06732,\n  title = {{Efficient} {Transformers:} {A} {Survey} of 100\\% {GANs\\_x}},\n  author = {Tay, Yi and Dehghani, Mostafa and {OpenAI}},\n  year = {2020},\n  month = sep,\n  eprint = {2009.06732},\n  archivePrefix = {arXiv},\n  primaryClass = {cs.LG},\n  doi = {10.48550/arXiv.2009.06732},\n  url = {https://arxiv.org/abs/2009.06732},\n}\n\n"
        );
    }

    #[test]
    fn csl_json_items_split_names_and_date_the_preprint() {
        let json = csl_json(&[paper("2009.06732", "Efficient Transformers", &["Yi Tay"])]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let item = &v[0];
        assert_eq!(item["id"], "arXiv:2009.06732");
        assert_eq!(item["type"], "article");
        assert_eq!(item["author"][0]["family"], "Tay");
        assert_eq!(item["author"][0]["given"], "Yi");
        assert_eq!(item["issued"]["date-parts"][0][0], 2020);
        assert_eq!(item["issued"]["date-parts"][0][1], 9);
        assert_eq!(item["DOI"], "10.48550/arXiv.2009.06732");
        assert_eq!(item["URL"], "https://arxiv.org/abs/2009.06732");
    }
}
