//! Figures from a paper's arXiv source archive: the first N
//! `\includegraphics` files that are PNG or JPEG (PDF and EPS figures are
//! skipped), with their `\caption`, copied to `figures/<id>/`.
//!
//! The archive is untrusted: only regular files are read (no symlinks or
//! hard links), paths with `..` or a root are refused, and the number of
//! entries, each file's size and the unpacked total are capped (a gzip bomb
//! stops at the cap). Nothing is unpacked to disk; only the chosen images are
//! written, under names made from their base name.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path};

use super::Failure;
use super::arxiv::Entry;
use super::net::{Cache, Http};

/// Limits for an archive.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_file: u64,
    pub max_total: u64,
}

pub const LIMITS: Limits = Limits {
    max_entries: 2000,
    max_file: 30 << 20,
    max_total: 200 << 20,
};

/// The files of an archive we care about (TeX sources and images), by path.
#[derive(Debug, Default)]
pub struct Source {
    pub files: Vec<(String, Vec<u8>)>,
    /// Entries refused (links, unsafe paths), for the report.
    pub refused: Vec<String>,
}

/// Reads an e-print: a gzipped tar, a single gzipped TeX file, a plain tar,
/// or a PDF (no source: no figures).
pub fn read_source(bytes: &[u8], limits: Limits) -> Result<Source, String> {
    if bytes.starts_with(b"%PDF") {
        return Ok(Source::default());
    }
    let data = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let mut dec = flate2::read::GzDecoder::new(bytes).take(limits.max_total + 1);
        dec.read_to_end(&mut out)
            .map_err(|e| format!("the source archive is damaged: {e}"))?;
        if out.len() as u64 > limits.max_total {
            return Err(format!(
                "the source archive unpacks to more than {} MB; refused",
                limits.max_total >> 20
            ));
        }
        out
    } else {
        bytes.to_vec()
    };
    if is_tar(&data) {
        read_tar(&data, limits)
    } else {
        // A single (gzipped) TeX file.
        Ok(Source {
            files: vec![("main.tex".into(), data)],
            refused: Vec::new(),
        })
    }
}

fn is_tar(data: &[u8]) -> bool {
    data.len() >= 512 && (&data[257..262] == b"ustar" || tar_checksum_ok(&data[..512]))
}

fn tar_checksum_ok(h: &[u8]) -> bool {
    let stored = std::str::from_utf8(&h[148..156])
        .ok()
        .map(|s| s.trim_matches(|c: char| c == '\0' || c == ' '))
        .and_then(|s| u32::from_str_radix(s, 8).ok());
    let sum: u32 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    stored == Some(sum)
}

fn read_tar(data: &[u8], limits: Limits) -> Result<Source, String> {
    let mut ar = tar::Archive::new(data);
    let mut src = Source::default();
    let mut total = 0u64;
    let entries = ar
        .entries()
        .map_err(|e| format!("the source archive is damaged: {e}"))?;
    for (n, entry) in entries.enumerate() {
        if n >= limits.max_entries {
            return Err(format!(
                "the source archive has more than {} entries; refused",
                limits.max_entries
            ));
        }
        let mut entry = entry.map_err(|e| format!("the source archive is damaged: {e}"))?;
        let path = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            src.refused.push(format!("{path} (a link or special file)"));
            continue;
        }
        let Some(clean) = safe_path(&path) else {
            src.refused.push(format!("{path} (unsafe path)"));
            continue;
        };
        let size = entry.size();
        if size > limits.max_file {
            src.refused
                .push(format!("{path} (larger than {} MB)", limits.max_file >> 20));
            continue;
        }
        let wanted = is_tex(&clean) || image_kind(&clean).is_some();
        if !wanted {
            continue;
        }
        total += size;
        if total > limits.max_total {
            return Err(format!(
                "the source archive unpacks to more than {} MB; refused",
                limits.max_total >> 20
            ));
        }
        let mut buf = Vec::new();
        (&mut entry)
            .take(limits.max_file + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("the source archive is damaged: {e}"))?;
        src.files.push((clean, buf));
    }
    Ok(src)
}

/// A relative path with no `..`, no root and no drive; `./` dropped; `._*`
/// (macOS resource forks) refused.
pub fn safe_path(p: &str) -> Option<String> {
    let path = Path::new(p);
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_owned()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let last = parts.last()?;
    if last.starts_with("._") || p.contains('\\') {
        return None;
    }
    Some(parts.join("/"))
}

fn is_tex(p: &str) -> bool {
    p.to_ascii_lowercase().ends_with(".tex")
}

fn image_kind(p: &str) -> Option<&'static str> {
    let l = p.to_ascii_lowercase();
    if l.ends_with(".png") {
        Some("png")
    } else if l.ends_with(".jpg") || l.ends_with(".jpeg") {
        Some("jpg")
    } else {
        None
    }
}

/// A figure found in the TeX: the graphics path as written and its caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: String,
    pub caption: Option<String>,
}

/// The `\includegraphics` in document order (main file first, the one with
/// `\documentclass`), each with the caption of its figure environment.
pub fn find_figures(src: &Source) -> Vec<Found> {
    let mut texs: Vec<&(String, Vec<u8>)> = src.files.iter().filter(|(p, _)| is_tex(p)).collect();
    texs.sort_by_key(|(_, b)| !String::from_utf8_lossy(b).contains("\\documentclass"));
    let mut out = Vec::new();
    for (_, bytes) in texs {
        let text = strip_comments(&String::from_utf8_lossy(bytes));
        let mut at = 0;
        while let Some(i) = text[at..].find("\\includegraphics") {
            let start = at + i;
            let mut j = start + "\\includegraphics".len();
            let rest = &text[j..];
            let rest_trim = rest.trim_start_matches('*');
            j += rest.len() - rest_trim.len();
            let r = text[j..].trim_start();
            j = text.len() - r.len();
            if text[j..].starts_with('[') {
                match text[j..].find(']') {
                    Some(k) => j += k + 1,
                    None => break,
                }
            }
            let r = text[j..].trim_start();
            j = text.len() - r.len();
            let Some(path) = braced(&text[j..]) else {
                at = j;
                continue;
            };
            // The figure environment around it, for the caption.
            let env_start = text[..start].rfind("\\begin{figure").unwrap_or(start);
            let env_end = text[start..]
                .find("\\end{figure")
                .map_or(text.len(), |k| start + k);
            let inside_env = text[..start]
                .rfind("\\end{figure")
                .is_none_or(|e| e < env_start);
            let caption = if inside_env {
                text[env_start..env_end]
                    .find("\\caption")
                    .and_then(|k| {
                        let after = &text[env_start + k + "\\caption".len()..env_end];
                        let after = after.trim_start();
                        let after = if after.starts_with('[') {
                            &after[after.find(']')? + 1..]
                        } else {
                            after
                        };
                        braced(after.trim_start())
                    })
                    .map(|c| clean_latex(&c))
                    .filter(|c| !c.is_empty())
            } else {
                None
            };
            out.push(Found {
                path: path.trim().to_owned(),
                caption,
            });
            at = j + path.len();
        }
    }
    out
}

fn strip_comments(s: &str) -> String {
    s.lines()
        .map(|l| {
            let b = l.as_bytes();
            let cut = (0..b.len()).find(|&i| b[i] == b'%' && (i == 0 || b[i - 1] != b'\\'));
            match cut {
                Some(i) => &l[..i],
                None => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The content of a `{…}` group at the start of `s` (braces balanced).
fn braced(s: &str) -> Option<String> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '{' {
        return None;
    }
    let mut depth = 1;
    let mut prev = ' ';
    for (i, c) in chars {
        match c {
            '{' if prev != '\\' => depth += 1,
            '}' if prev != '\\' => {
                depth -= 1;
                if depth == 0 {
                    return Some(s[1..i].to_owned());
                }
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// A caption as plain text: labels and citations dropped, commands
/// unwrapped, math dollars and ties removed.
pub fn clean_latex(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let mut tail = &after[name_len..];
        if name.is_empty() {
            // An escaped character such as \% or \&.
            let mut cs = tail.chars();
            if let Some(c) = cs.next() {
                out.push(c);
            }
            rest = cs.as_str();
            continue;
        }
        if matches!(
            name,
            "label" | "cite" | "citep" | "citet" | "ref" | "eqref" | "footnote"
        ) {
            let t = tail.trim_start();
            if let Some(g) = braced(t) {
                tail = &t[g.len() + 2..];
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    let s: String = out
        .chars()
        .map(|c| if c == '~' { ' ' } else { c })
        .filter(|c| !matches!(c, '{' | '}' | '$'))
        .collect();
    super::split::collapse(&s)
        .replace(" .", ".")
        .replace(" ,", ",")
}

/// The figures of one paper: fetched (or cached) archive → files written
/// under `figures/<id>/` beside the survey → (image, caption, credit).
#[allow(clippy::too_many_arguments)]
pub fn for_paper(
    e: &Entry,
    n: usize,
    base_dir: &Path,
    eprint: &str,
    http: &mut Http,
    cache: &Cache,
    offline: bool,
    refresh: bool,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<(String, Option<String>, String)>, Failure> {
    let id = e.id.clone();
    let bytes = match (!refresh).then(|| cache.get("eprint", &id)).flatten() {
        Some(b) => b,
        None if offline => {
            return Err(Failure::Io(
                "its source archive is not in the cache (--offline)".into(),
            ));
        }
        None => {
            log(&format!("fetching the source of {id} for figures"));
            let sep = if eprint.ends_with('/') { "" } else { "/" };
            http.pace_arxiv();
            let r = http.get(&format!("{eprint}{sep}{id}"), 64 << 20);
            http.arxiv_done();
            let r = r?;
            if r.status != 200 {
                return Err(Failure::Service(format!(
                    "arXiv answered HTTP {} for its source",
                    r.status
                )));
            }
            cache.put("eprint", &id, &r.body);
            r.body
        }
    };
    let src = read_source(&bytes, LIMITS).map_err(Failure::Input)?;
    for r in &src.refused {
        log(&format!("  {id}: skipped archive entry {r}"));
    }
    let by_path: BTreeMap<&str, &[u8]> = src
        .files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let safe_id = id.replace('/', "_");
    let dir = base_dir.join("figures").join(&safe_id);
    let mut out = Vec::new();
    for f in find_figures(&src) {
        if out.len() >= n {
            break;
        }
        let Some(clean) = safe_path(&f.path) else {
            continue;
        };
        // `\includegraphics{fig1}` may leave the extension out.
        let candidates = [
            clean.clone(),
            format!("{clean}.png"),
            format!("{clean}.jpg"),
            format!("{clean}.jpeg"),
        ];
        let Some((path, data)) = candidates
            .iter()
            .find_map(|c| by_path.get(c.as_str()).map(|d| (c.clone(), *d)))
        else {
            continue;
        };
        let Some(kind) = image_kind(&path) else {
            continue;
        };
        let magic_ok = match kind {
            "png" => data.starts_with(b"\x89PNG\r\n\x1a\n"),
            _ => data.starts_with(&[0xff, 0xd8, 0xff]),
        };
        if !magic_ok {
            continue;
        }
        let name: String = Path::new(&path)
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let target = dir.join(&name);
        if !target.exists() {
            std::fs::create_dir_all(&dir)
                .map_err(|err| Failure::Io(format!("cannot create {}: {err}", dir.display())))?;
            crate::output::write_atomic(&target, data)
                .map_err(|err| Failure::Io(format!("cannot write {}: {err}", target.display())))?;
        }
        out.push((
            format!("figures/{safe_id}/{name}"),
            f.caption,
            format!("arXiv:{id}"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sanitised() {
        assert_eq!(safe_path("./figs/a.png").as_deref(), Some("figs/a.png"));
        assert_eq!(safe_path("../etc/passwd"), None);
        assert_eq!(safe_path("a/../../b.png"), None);
        assert_eq!(safe_path("/etc/passwd"), None);
        assert_eq!(safe_path("._a.png"), None);
        assert_eq!(safe_path("a\\..\\b.png"), None);
    }

    #[test]
    fn figures_and_captions_in_order() {
        let tex = "\\documentclass{article}\n% \\includegraphics{commented.png}\n\\begin{figure}\n\\centering\n\\includegraphics[width=0.5\\linewidth]{figs/arch}\n\\caption{Our model~\\cite{x}. It uses $\\alpha$ 50\\% less.\\label{f}}\n\\end{figure}\n\\includegraphics{b.pdf}\n";
        let src = Source {
            files: vec![("main.tex".into(), tex.as_bytes().to_vec())],
            refused: vec![],
        };
        let f = find_figures(&src);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].path, "figs/arch");
        assert_eq!(
            f[0].caption.as_deref(),
            Some("Our model. It uses 50% less.")
        );
        assert_eq!(
            f[1],
            Found {
                path: "b.pdf".into(),
                caption: None
            }
        );
    }

    #[test]
    fn a_pdf_has_no_source_and_a_single_file_is_tex() {
        assert!(
            read_source(b"%PDF-1.5 ...", LIMITS)
                .unwrap()
                .files
                .is_empty()
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"\\documentclass{article}").unwrap();
        let s = read_source(&gz.finish().unwrap(), LIMITS).unwrap();
        assert_eq!(s.files.len(), 1);
        assert_eq!(s.files[0].0, "main.tex");
    }
}
