//! The merge rules: import fills empty fields, refreshes fields it wrote
//! itself that nobody has touched since, and never overwrites a person's
//! edit. What it wrote is recorded per paper as `imported: {field: hash}`;
//! a field whose current value no longer matches its hash is the person's.

use std::collections::BTreeMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::yaml_edit::{self, Text, indent, quote};

/// A field import wants to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string scalar.
    Str(String),
    /// A list of strings, one a line (`summary`, `commentary`).
    Lines(Vec<String>),
    /// A list of strings on one line (`authors`).
    Flow(Vec<String>),
    /// Figures: (image, caption, credit).
    Figures(Vec<(String, Option<String>, String)>),
}

impl Value {
    /// The value as YAML parses it back, for hashing.
    fn json(&self) -> serde_json::Value {
        use serde_json::{Value as J, json};
        match self {
            Value::Str(s) => J::String(s.clone()),
            Value::Lines(v) | Value::Flow(v) => json!(v),
            Value::Figures(v) => J::Array(
                v.iter()
                    .map(|(i, c, cr)| {
                        let mut m = serde_json::Map::new();
                        m.insert("image".into(), json!(i));
                        if let Some(c) = c {
                            m.insert("caption".into(), json!(c));
                        }
                        m.insert("credit".into(), json!(cr));
                        J::Object(m)
                    })
                    .collect(),
            ),
        }
    }

    fn lines(&self, key: &str, ind: usize) -> Vec<String> {
        let pad = " ".repeat(ind);
        match self {
            Value::Str(s) => vec![format!("{pad}{key}: {}", quote(s))],
            Value::Flow(v) => vec![format!(
                "{pad}{key}: [{}]",
                v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
            )],
            Value::Lines(v) => {
                let mut out = vec![format!("{pad}{key}:")];
                out.extend(v.iter().map(|s| format!("{pad}  - {}", quote(s))));
                out
            }
            Value::Figures(v) => {
                let mut out = vec![format!("{pad}{key}:")];
                for (i, c, cr) in v {
                    out.push(format!("{pad}  - image: {}", quote(i)));
                    if let Some(c) = c {
                        out.push(format!("{pad}    caption: {}", quote(c)));
                    }
                    out.push(format!("{pad}    credit: {}", quote(cr)));
                }
                out
            }
        }
    }
}

/// A field to write: machine-made fields are recorded and may be refreshed;
/// placeholders (`org: TODO`) are only written when the field is absent.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub value: Value,
    pub machine: bool,
}

/// The fields' order in a new entry (and where a missing field is inserted).
const ORDER: &[&str] = &[
    "title",
    "title_ja",
    "url",
    "authors",
    "org",
    "summary",
    "commentary",
    "figures",
    "tags",
    "notes",
    "slides",
    "imported",
];

/// Hash of a value as YAML reads it: a person's edit changes it, a
/// re-indent or a comment does not.
pub fn hash(v: &serde_json::Value) -> String {
    let d = Sha256::digest(v.to_string().as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The parts of a survey import reads (everything else is left alone).
#[derive(Debug, Default, Deserialize)]
pub struct Shallow {
    #[serde(default)]
    pub papers: Option<BTreeMap<String, Option<BTreeMap<String, serde_json::Value>>>>,
    #[serde(default)]
    pub sections: Option<Vec<Section>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Section {
    #[serde(default)]
    pub ranking: Option<String>,
    #[serde(default)]
    pub papers: Option<Vec<String>>,
}

/// What happened to one paper.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub added: bool,
    /// Fields written (new or refreshed).
    pub written: Vec<&'static str>,
    /// Fields kept because a person wrote or edited them.
    pub kept: Vec<&'static str>,
}

fn is_empty(v: Option<&serde_json::Value>) -> bool {
    match v {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::String(s)) => s.trim().is_empty(),
        Some(serde_json::Value::Array(a)) => a.is_empty(),
        Some(serde_json::Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}

/// Merges one paper into the text. `current` is the paper as parsed now.
/// Returns `None` when the entry exists but is not in block style (it is
/// then left alone).
pub fn merge_paper(
    text: &mut Text,
    current: Option<&BTreeMap<String, serde_json::Value>>,
    exists: bool,
    id: &str,
    fields: &[Field],
) -> Option<Outcome> {
    let papers = ensure_papers(text);
    let pend = text.block_end(papers, 0);
    let (ci, kids) = text.children(papers, pend);
    let entry_indent = if kids.is_empty() { 2 } else { ci };
    let entry = kids
        .iter()
        .find(|(k, _)| k.as_deref() == Some(id))
        .map(|&(_, l)| l);
    let mut out = Outcome::default();
    let Some(entry) = entry else {
        if exists {
            return None;
        }
        // A new entry at the end of `papers:`.
        let fi = entry_indent + 2;
        let mut lines = vec![format!("{}{}:", " ".repeat(entry_indent), quote(id))];
        let mut record = Vec::new();
        for f in fields {
            lines.extend(f.value.lines(f.name, fi));
            out.written.push(f.name);
            if f.machine {
                record.push((f.name, hash(&f.value.json())));
            }
        }
        lines.push(record_line(&record, fi));
        text.lines.splice(pend..pend, lines);
        out.added = true;
        return Some(out);
    };
    // An existing entry: a flow mapping on the key line cannot be edited by line.
    let (_, vstart) = yaml_edit::key_of(&text.lines[entry], entry_indent)?;
    let rest = text.lines[entry][vstart..].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let eend = text.block_end(entry, entry_indent);
    let empty = BTreeMap::new();
    let cur = current.unwrap_or(&empty);
    let recorded: BTreeMap<String, String> = cur
        .get("imported")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let mut record: Vec<(&str, String)> = Vec::new();
    // Keep records of fields this run does not touch (e.g. figures without --figures).
    let touched: Vec<&str> = fields.iter().map(|f| f.name).collect();
    for (k, h) in &recorded {
        if !touched.contains(&k.as_str())
            && cur.get(k).is_some_and(|v| &hash(v) == h)
            && let Some(name) = ORDER.iter().find(|n| **n == k)
        {
            record.push((name, h.clone()));
        }
    }
    let (fi, fkids) = text.children(entry, eend);
    let fi = if fkids.is_empty() {
        entry_indent + 2
    } else {
        fi
    };
    // Edits as (replace range, new lines), applied bottom-up.
    let mut edits: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut inserts: Vec<(usize, Vec<String>)> = Vec::new();
    for f in fields {
        let now = cur.get(f.name);
        let line = fkids
            .iter()
            .find(|(k, _)| k.as_deref() == Some(f.name))
            .map(|&(_, l)| l);
        let new_hash = hash(&f.value.json());
        let write = if is_empty(now) {
            true
        } else if !f.machine {
            false
        } else {
            match recorded.get(f.name) {
                Some(h) if now.is_some_and(|v| &hash(v) == h) => true,
                _ => {
                    out.kept.push(f.name);
                    false
                }
            }
        };
        if !write {
            continue;
        }
        if f.machine {
            record.push((f.name, new_hash.clone()));
        }
        let unchanged = now.is_some_and(|v| hash(v) == new_hash);
        if unchanged {
            continue;
        }
        out.written.push(f.name);
        let new_lines = f.value.lines(f.name, fi);
        match line {
            Some(l) => edits.push((l, text.block_end(l, fi), new_lines)),
            None => {
                // Before the first existing field that comes later in ORDER.
                let rank = |n: &str| ORDER.iter().position(|o| *o == n).unwrap_or(ORDER.len());
                let at = fkids
                    .iter()
                    .filter_map(|(k, l)| k.as_deref().map(|k| (rank(k), *l)))
                    .find(|(r, _)| *r > rank(f.name))
                    .map(|(_, l)| l)
                    .unwrap_or(eend);
                inserts.push((at, new_lines));
            }
        }
    }
    // The record line: replaced where it is, else added at the end.
    record.sort_by_key(|(n, _)| ORDER.iter().position(|o| o == n));
    let rec_line = fkids
        .iter()
        .find(|(k, _)| k.as_deref() == Some("imported"))
        .map(|&(_, l)| l);
    let new_rec = if record.is_empty() {
        Vec::new()
    } else {
        vec![record_line(&record, fi)]
    };
    match rec_line {
        Some(l) => edits.push((l, text.block_end(l, fi), new_rec)),
        None if !new_rec.is_empty() => inserts.push((eend, new_rec)),
        None => {}
    }
    let mut all: Vec<(usize, usize, Vec<String>)> = edits;
    all.extend(inserts.into_iter().map(|(at, l)| (at, at, l)));
    // Stable bottom-up: later positions first; inserts at one spot keep their order.
    all.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut i = 0;
    while i < all.len() {
        // Group inserts at the same position so they land in field order.
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 && all[j + 1].1 == all[i].1 {
            j += 1;
        }
        let (s, e) = (all[i].0, all[i].1);
        let mut group: Vec<String> = Vec::new();
        for edit in &all[i..=j] {
            group.extend(edit.2.clone());
        }
        text.lines.splice(s..e, group);
        i = j + 1;
    }
    Some(out)
}

fn record_line(record: &[(&str, String)], fi: usize) -> String {
    let body: Vec<String> = record
        .iter()
        .map(|(n, h)| format!("{n}: {}", quote(h)))
        .collect();
    format!(
        "{}imported: {{{}}}  # made by surveydeck import; edit freely, your edits are kept",
        " ".repeat(fi),
        body.join(", ")
    )
}

/// The `papers:` line, created (before `sections:`) when missing; a flow
/// value such as `papers: {}` becomes an empty block.
fn ensure_papers(text: &mut Text) -> usize {
    if let Some(p) = text.top_key("papers") {
        let line = &text.lines[p];
        let (_, v) = yaml_edit::key_of(line, 0).unwrap_or_default();
        let val = line[v.min(line.len())..].trim();
        if val == "{}" || val == "~" || val == "null" {
            text.lines[p] = "papers:".into();
        }
        return p;
    }
    let at = text.top_key("sections").unwrap_or(text.lines.len());
    text.lines.insert(at, "papers:".into());
    at
}

/// Adds ids to the ranking named `name` (created at the end of `sections:`,
/// before a closing credits section, when missing). `existing` are the ids
/// the ranking lists now. Returns false when the ranking is not in block
/// style and was left alone.
pub fn add_to_ranking(
    text: &mut Text,
    name: &str,
    date: Option<&str>,
    existing: Option<&[String]>,
    ids: &[String],
) -> bool {
    let new: Vec<&String> = ids
        .iter()
        .filter(|i| !existing.unwrap_or(&[]).contains(i))
        .collect();
    let sections = match text.top_key("sections") {
        Some(s) => s,
        None => {
            text.lines.push("sections:".into());
            text.lines.len() - 1
        }
    };
    let send = text.block_end(sections, 0);
    let (ii, items) = text.children(sections, send);
    let ii = if items.is_empty() { 2 } else { ii };
    let found = items.iter().find_map(|&(_, l)| {
        let keys = text.item_keys(l);
        let is_it = keys.iter().any(|(k, kl)| {
            k == "ranking" && {
                let line = &text.lines[*kl];
                let at = if *kl == l { ii + 2 } else { indent(line) };
                yaml_edit::key_of(line, at).is_some_and(|(_, v)| unquote(&line[v..]) == name)
            }
        });
        is_it.then_some((l, keys))
    });
    let Some((item, keys)) = found else {
        if existing.is_some() {
            return false;
        }
        let pad = " ".repeat(ii);
        let mut lines = vec![format!("{pad}- ranking: {}", quote(name))];
        if let Some(d) = date {
            lines.push(format!("{pad}  date: {}", quote(d)));
        }
        lines.push(format!(
            "{pad}  papers: [{}]",
            ids.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
        ));
        // Before a closing credits section, else at the end.
        let at = items
            .last()
            .filter(|&&(_, l)| text.item_keys(l).iter().any(|(k, _)| k == "credits"))
            .map_or(send, |&(_, l)| l);
        text.lines.splice(at..at, lines);
        return true;
    };
    if new.is_empty() {
        return true;
    }
    let content = ii + 2;
    match keys.iter().find(|(k, _)| k == "papers") {
        Some(&(_, pl)) => {
            let line = text.lines[pl].clone();
            let at = if pl == item { content } else { indent(&line) };
            let Some((_, v)) = yaml_edit::key_of(&line, at) else {
                return false;
            };
            let val = &line[v..];
            let comment = yaml_edit::trailing_comment(val);
            let body = val[..val.len() - comment.len()].trim();
            if body.starts_with('[') && body.ends_with(']') {
                let all: Vec<String> = existing
                    .unwrap_or(&[])
                    .iter()
                    .chain(new.iter().copied())
                    .map(|s| quote(s))
                    .collect();
                text.lines[pl] = format!("{}[{}]{comment}", &line[..v + 1], all.join(", "));
                true
            } else if body.is_empty() {
                // A block list below: append items after its last one.
                let end = text.block_end(pl, at);
                let item_pad = text.lines[pl + 1..end]
                    .iter()
                    .find(|l| l.trim_start().starts_with('-'))
                    .map_or(at + 2, |l| indent(l));
                let lines: Vec<String> = new
                    .iter()
                    .map(|s| format!("{}- {}", " ".repeat(item_pad), quote(s)))
                    .collect();
                text.lines.splice(end..end, lines);
                true
            } else {
                false
            }
        }
        None => {
            let end = text.block_end(item, ii);
            let line = format!(
                "{}papers: [{}]",
                " ".repeat(content),
                new.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
            );
            text.lines.insert(end, line);
            true
        }
    }
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    let v = v
        .strip_suffix(yaml_edit::trailing_comment(v))
        .unwrap_or(v)
        .trim();
    if v.starts_with('"') {
        serde_json::from_str(v).unwrap_or_else(|_| v.to_owned())
    } else if let Some(s) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        s.replace("''", "'")
    } else {
        v.to_owned()
    }
}

/// Removes a paper entry and a ranking section from a text (used to turn the
/// starter survey into an empty one for import).
pub fn remove_example(text: &mut Text, paper: &str, ranking: &str) {
    if let Some(p) = text.top_key("papers") {
        let (ci, kids) = text.children(p, text.block_end(p, 0));
        if let Some(&(_, l)) = kids.iter().find(|(k, _)| k.as_deref() == Some(paper)) {
            let e = text.block_end(l, ci);
            text.lines.drain(l..e);
        }
    }
    if let Some(s) = text.top_key("sections") {
        let (ii, items) = text.children(s, text.block_end(s, 0));
        for &(_, l) in items.iter().rev() {
            let line = &text.lines[l];
            if yaml_edit::key_of(line, ii + 2)
                .is_some_and(|(k, v)| k == "ranking" && unquote(&line[v..]) == ranking)
            {
                let e = text.block_end(l, ii);
                text.lines.drain(l..e);
            }
        }
    }
}

/// Parses the parts of the survey import needs.
pub fn shallow(text: &str) -> Result<Shallow, String> {
    serde_saphyr::from_str::<Option<Shallow>>(text)
        .map(Option::unwrap_or_default)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, summary: &[&str]) -> Vec<Field> {
        vec![
            Field {
                name: "title",
                value: Value::Str(title.into()),
                machine: true,
            },
            Field {
                name: "org",
                value: Value::Str("TODO".into()),
                machine: false,
            },
            Field {
                name: "summary",
                value: Value::Lines(summary.iter().map(|s| s.to_string()).collect()),
                machine: true,
            },
        ]
    }

    fn run(text: &str, id: &str, f: &[Field]) -> (String, Outcome) {
        let sh = shallow(text).unwrap();
        let papers = sh.papers.unwrap_or_default();
        let cur = papers.get(id).and_then(|p| p.as_ref());
        let mut t = Text::new(text);
        let o = merge_paper(&mut t, cur, papers.contains_key(id), id, f).unwrap();
        (t.render(), o)
    }

    const START: &str = "# my survey\ndeck:\n  title: T\npapers:\n  old:\n    title: Old  # mine\nsections:\n  - slide: S\n";

    #[test]
    fn new_entries_go_at_the_end_of_papers_keeping_comments() {
        let (out, o) = run(START, "2009.06732", &fields("A: B", &["One.", "Two."]));
        assert!(o.added);
        assert!(out.starts_with("# my survey\ndeck:\n  title: T\npapers:\n  old:\n    title: Old  # mine\n  \"2009.06732\":\n    title: \"A: B\"\n    org: \"TODO\"\n    summary:\n      - \"One.\"\n      - \"Two.\"\n    imported: {title: \""), "{out}");
        assert!(out.ends_with("sections:\n  - slide: S\n"));
        // It parses, and the record matches what was written.
        let sh = shallow(&out).unwrap();
        let p = sh.papers.unwrap()["2009.06732"].clone().unwrap();
        let rec = p["imported"].as_object().unwrap();
        assert_eq!(rec["title"], hash(&p["title"]));
        assert_eq!(rec["summary"], hash(&p["summary"]));
        assert!(rec.get("org").is_none());
    }

    #[test]
    fn edits_are_kept_and_untouched_machine_text_refreshed() {
        let (first, _) = run(START, "2009.06732", &fields("A", &["One.", "Two."]));
        // A person edits the summary and fills org.
        let edited = first
            .replace("      - \"Two.\"\n", "      - 二つ目 (edited)\n")
            .replace("org: \"TODO\"", "org: Google の研究");
        // A re-import with new machine text.
        let (second, o) = run(&edited, "2009.06732", &fields("A v2", &["Uno.", "Dos."]));
        assert_eq!(o.written, vec!["title"]);
        assert_eq!(o.kept, vec!["summary"]);
        assert!(second.contains("title: \"A v2\""));
        assert!(second.contains("二つ目 (edited)"));
        assert!(second.contains("org: Google の研究"));
        assert!(!second.contains("Uno."));
        // The edited field is no longer recorded as machine-made, so it stays
        // the person's even if they later type the machine text back.
        let p = shallow(&second).unwrap().papers.unwrap()["2009.06732"]
            .clone()
            .unwrap();
        assert!(p["imported"].get("summary").is_none());
        assert!(p["imported"].get("title").is_some());
        // A third run changes nothing.
        let (third, o3) = run(&second, "2009.06732", &fields("A v2", &["Uno.", "Dos."]));
        assert_eq!(third, second);
        assert!(o3.written.is_empty());
    }

    #[test]
    fn empty_fields_are_filled_in_place() {
        let text = "papers:\n  x:\n    title: \"\"\n    # note\n    tags: [a]\nsections: []\n";
        let (out, o) = run(text, "x", &fields("T", &["S."]));
        assert_eq!(o.written, vec!["title", "org", "summary"]);
        assert!(out.starts_with("papers:\n  x:\n    title: \"T\"\n    # note\n    org: \"TODO\"\n    summary:\n      - \"S.\"\n    tags: [a]\n    imported: {"), "{out}");
        shallow(&out).unwrap();
    }

    #[test]
    fn rankings_are_created_or_extended() {
        let text = "sections:\n  - ranking: top recent  # best\n    papers: [\"a\"] # first\n  - ranking: other\n    papers:\n      - b\n  - credits: Thanks\n";
        let mut t = Text::new(text);
        assert!(add_to_ranking(
            &mut t,
            "top recent",
            None,
            Some(&["a".into()]),
            &["a".into(), "c".into()]
        ));
        assert!(add_to_ranking(
            &mut t,
            "other",
            None,
            Some(&["b".into()]),
            &["d".into()]
        ));
        assert!(add_to_ranking(
            &mut t,
            "top social",
            Some("2020-09-25"),
            None,
            &["e".into()]
        ));
        assert_eq!(
            t.render(),
            "sections:\n  - ranking: top recent  # best\n    papers: [\"a\", \"c\"] # first\n  - ranking: other\n    papers:\n      - b\n      - \"d\"\n  - ranking: \"top social\"\n    date: \"2020-09-25\"\n    papers: [\"e\"]\n  - credits: Thanks\n"
        );
    }

    #[test]
    fn the_starter_loses_its_example() {
        let mut t = Text::new(crate::STARTER);
        remove_example(&mut t, "1706.03762", "top recent");
        let out = t.render();
        assert!(!out.contains("1706.03762"));
        assert!(!out.contains("ranking:"));
        assert!(out.contains("agenda: Agenda"));
    }
}
