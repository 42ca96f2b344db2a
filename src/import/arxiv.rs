//! The arXiv API's Atom feed, parsed tolerantly: both serialisations (the
//! namespaces declared on each element before 2025, on the root after),
//! links with or without `rel`, phantom entries for missing ids, and the
//! error entry arXiv returns for a malformed id.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};

use super::ids::{self, ArxivId};
use super::split;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ARXIV: &str = "http://arxiv.org/schemas/atom";

/// One paper's metadata as arXiv gives it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub id: ArxivIdText,
    pub title: String,
    /// The abstract, cleaned (see [`split::clean_abstract`]).
    pub summary: String,
    pub authors: Vec<String>,
    /// `YYYY-MM-DD` of the first version.
    pub published: String,
    pub primary_category: Option<String>,
    /// The versioned abs link, `https://arxiv.org/abs/2009.06732v2`.
    pub abs_url: String,
}

/// The versioned id as text (`2009.06732v2`), kept as a string for the cache.
pub type ArxivIdText = String;

impl Entry {
    pub fn arxiv_id(&self) -> Option<ArxivId> {
        ids::parse(&self.id).ok()
    }
}

/// What a response held.
#[derive(Debug, Default, PartialEq)]
pub struct Feed {
    pub entries: Vec<Entry>,
    /// The API's error messages (error entries), e.g. "incorrect id format for abc".
    pub errors: Vec<String>,
}

#[derive(Default)]
struct Partial {
    id: String,
    title: String,
    summary: String,
    authors: Vec<String>,
    published: String,
    primary_category: Option<String>,
    abs_link: Option<String>,
}

/// Parses an Atom response of the arXiv API.
pub fn parse_feed(xml: &str) -> Result<Feed, String> {
    let mut reader = NsReader::from_str(xml);
    let mut feed = Feed::default();
    // Path of (namespace is Atom or arXiv, local name) from the root.
    let mut path: Vec<(u8, String)> = Vec::new();
    let mut entry: Option<Partial> = None;
    let mut text = String::new();
    loop {
        let (ns, ev) = reader
            .read_resolved_event()
            .map_err(|e| format!("the arXiv response is not valid XML: {e}"))?;
        let kind = match ns {
            ResolveResult::Bound(Namespace(n)) if n == ATOM => b'a',
            ResolveResult::Bound(Namespace(n)) if n == ARXIV => b'x',
            _ => b'?',
        };
        match ev {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                if kind == b'a' && local == "entry" {
                    entry = Some(Partial::default());
                }
                if let Some(p) = entry.as_mut() {
                    attributes(p, kind, &local, &e)?;
                }
                path.push((kind, local));
                text.clear();
            }
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_owned();
                if let Some(p) = entry.as_mut() {
                    attributes(p, kind, &local, &e)?;
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => text.push_str(match r.xml10_content().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::End(_) => {
                let Some((k, local)) = path.pop() else {
                    return Err("the arXiv response has an unbalanced end tag".into());
                };
                let depth = path.len();
                if let Some(p) = entry.as_mut() {
                    let parent = path.last().map(|(_, l)| l.as_str());
                    match (k, local.as_str(), parent) {
                        (b'a', "id", Some("entry")) => p.id = text.trim().to_owned(),
                        (b'a', "title", Some("entry")) => p.title = text.clone(),
                        (b'a', "summary", Some("entry")) => p.summary = text.clone(),
                        (b'a', "published", Some("entry")) => {
                            p.published = text.trim().chars().take(10).collect()
                        }
                        (b'a', "name", Some("author")) => p.authors.push(split::collapse(&text)),
                        _ => {}
                    }
                }
                if k == b'a'
                    && local == "entry"
                    && depth == 1
                    && let Some(p) = entry.take()
                {
                    finish(p, &mut feed);
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err("the arXiv response ends early (truncated XML)".into());
    }
    Ok(feed)
}

fn attributes(
    p: &mut Partial,
    kind: u8,
    local: &str,
    e: &quick_xml::events::BytesStart<'_>,
) -> Result<(), String> {
    let attr = |name: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == name)
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
    };
    match (kind, local) {
        (b'x', "primary_category") => {
            p.primary_category = attr("term").filter(|t| !t.is_empty());
        }
        (b'a', "link") => {
            // The abs link: rel="alternate" in most forms, no rel at all in the
            // Nov-2025 form, so recognise it by its path.
            if let Some(href) = attr("href")
                && href.contains("arxiv.org/abs/")
            {
                p.abs_link = Some(href);
            }
        }
        _ => {}
    }
    Ok(())
}

fn finish(p: Partial, feed: &mut Feed) {
    if p.id.contains("/api/errors") || p.title.trim() == "Error" {
        let msg = split::collapse(&p.summary);
        feed.errors.push(if msg.is_empty() {
            "arXiv reported an error".into()
        } else {
            msg
        });
        return;
    }
    // Phantom entries (old API, missing ids) have no id and no title.
    let Some(idx) = p.id.find("/abs/") else {
        return;
    };
    let id = p.id[idx + 5..].trim().to_owned();
    if id.is_empty() || ids::parse(&id).is_err() {
        return;
    }
    let abs_url = match p.abs_link {
        Some(l) => l.replacen("http://", "https://", 1),
        None => format!("https://arxiv.org/abs/{id}"),
    };
    feed.entries.push(Entry {
        title: split::collapse(&p.title),
        summary: split::clean_abstract(&p.summary),
        authors: p.authors,
        published: p.published,
        primary_category: p.primary_category,
        abs_url,
        id,
    });
}

/// The query URL for up to 100 ids.
pub fn query_url(base: &str, ids: &[&ArxivId]) -> String {
    let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{sep}id_list={}&max_results={}",
        list.join(","),
        ids.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phantom_and_error_entries() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term=""/></entry>
<entry><id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id><title>Error</title><summary>incorrect id format for abc</summary></entry></feed>"#;
        let f = parse_feed(xml).unwrap();
        assert!(f.entries.is_empty());
        assert_eq!(f.errors, vec!["incorrect id format for abc"]);
    }

    #[test]
    fn truncated_xml_is_an_error() {
        assert!(parse_feed("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>").is_err());
    }

    #[test]
    fn query_url_lists_ids() {
        let a = ids::parse("2009.06732v2").unwrap();
        let b = ids::parse("cs/0112017").unwrap();
        assert_eq!(
            query_url("http://127.0.0.1:9/api/query", &[&a, &b]),
            "http://127.0.0.1:9/api/query?id_list=2009.06732v2,cs/0112017&max_results=2"
        );
    }
}
