//! Translation of titles and summary sentences: DeepL's `/v2/translate`, or
//! a local program (`command:PROG`) speaking JSON lines. A glossary TSV is
//! applied by protecting its terms: each English term is replaced by its
//! Japanese rendering inside an ignored XML tag that DeepL leaves alone (no
//! glossary state on the account, and it works the same for a local program).

use std::io::{BufRead, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Failure;
use super::net::{Cache, Http};

/// The translator chosen with `--translate`.
#[derive(Debug, Clone, PartialEq)]
pub enum Provider {
    None,
    DeepL,
    /// A program and its arguments (split at spaces).
    Command(String),
}

impl Provider {
    pub fn parse(s: &str) -> Result<Provider, String> {
        match s {
            "none" => Ok(Provider::None),
            "deepl" => Ok(Provider::DeepL),
            _ => match s.strip_prefix("command:") {
                Some(p) if !p.trim().is_empty() => Ok(Provider::Command(p.trim().to_owned())),
                _ => Err(format!(
                    "`{s}` is not a translator: use deepl, none or command:PROG"
                )),
            },
        }
    }
}

/// Glossary terms (English → Japanese), longest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Glossary {
    pub terms: Vec<(String, String)>,
}

impl Glossary {
    /// Parses a TSV: `English<TAB>Japanese` a line; `#` comments and blank
    /// lines are skipped. Errors are (line, column, message).
    pub fn parse(text: &str) -> Result<Glossary, (usize, usize, String)> {
        let mut terms = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_end_matches('\r');
            if t.trim().is_empty() || t.trim_start().starts_with('#') {
                continue;
            }
            let Some((src, dst)) = t.split_once('\t') else {
                return Err((
                    i + 1,
                    1,
                    "a glossary line is `English term<TAB>訳語`; this line has no tab".into(),
                ));
            };
            let (src, dst) = (src.trim(), dst.trim());
            if src.is_empty() || dst.is_empty() || dst.contains('\t') {
                return Err((
                    i + 1,
                    1,
                    "a glossary line needs exactly two non-empty columns".into(),
                ));
            }
            terms.push((src.to_owned(), dst.to_owned()));
        }
        terms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Glossary { terms })
    }

    /// A digest of the terms, part of the cache key.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (s, d) in &self.terms {
            h.update(s.as_bytes());
            h.update([0]);
            h.update(d.as_bytes());
            h.update([1]);
        }
        h.finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The text as XML with each term (whole word, optional plural `s`)
    /// replaced by `<x>訳語</x>`; other text escaped.
    pub fn protect(&self, text: &str) -> String {
        let mut out = String::new();
        let mut i = 0;
        'outer: while i < text.len() {
            let at_word_start = i == 0 || !is_word(text[..i].chars().next_back());
            if at_word_start {
                for (src, dst) in &self.terms {
                    if text[i..].starts_with(src.as_str()) {
                        let mut end = i + src.len();
                        if text[end..].starts_with("es") && !is_word(text[end + 2..].chars().next())
                        {
                            end += 2;
                        } else if text[end..].starts_with('s')
                            && !is_word(text[end + 1..].chars().next())
                        {
                            end += 1;
                        }
                        if !is_word(text[end..].chars().next()) {
                            out.push_str("<x>");
                            out.push_str(&escape(dst));
                            out.push_str("</x>");
                            i = end;
                            continue 'outer;
                        }
                    }
                }
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push_str(&escape(&c.to_string()));
            i += c.len_utf8();
        }
        out
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Back from protected XML: the `<x>` tags dropped, entities resolved.
pub fn unprotect(s: &str) -> String {
    s.replace("<x>", "")
        .replace("</x>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// One paper's texts to translate, with its abstract as context.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: String,
    pub texts: Vec<String>,
    pub context: String,
}

/// The DeepL endpoint: `SURVEYDECK_DEEPL_API` (a base URL or the full
/// translate URL), else the free host for `:fx` keys and the paid one otherwise.
pub fn deepl_url(key: &str) -> String {
    let base = std::env::var("SURVEYDECK_DEEPL_API")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            if key.ends_with(":fx") {
                "https://api-free.deepl.com".into()
            } else {
                "https://api.deepl.com".into()
            }
        });
    if base.ends_with("/v2/translate") {
        base
    } else {
        format!("{}/v2/translate", base.trim_end_matches('/'))
    }
}

/// DeepL accepts up to 50 texts a request.
const DEEPL_BATCH: usize = 50;
const MAX_RETRIES: u32 = 5;

/// The cache key of a job: provider, glossary and texts, never a key.
pub fn cache_key(provider: &Provider, glossary: &Glossary, job: &Job) -> String {
    let mut h = Sha256::new();
    match provider {
        Provider::Command(p) => h.update(format!("command:{p}").as_bytes()),
        _ => h.update(b"deepl"),
    }
    h.update([0]);
    h.update(b"EN>JA");
    h.update(glossary.digest().as_bytes());
    h.update([0]);
    h.update(job.context.as_bytes());
    for t in &job.texts {
        h.update([0]);
        h.update(t.as_bytes());
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub struct Translator<'a> {
    pub provider: Provider,
    pub glossary: Glossary,
    pub http: &'a Http,
    pub cache: &'a Cache,
    /// `DEEPL_AUTH_KEY`; only ever sent in the Authorization header.
    pub key: Option<String>,
    pub retry_base: Duration,
}

#[derive(Deserialize)]
struct DeepLResponse {
    translations: Vec<DeepLText>,
}

#[derive(Deserialize)]
struct DeepLText {
    text: String,
}

#[derive(Deserialize)]
struct DeepLError {
    message: String,
}

/// The texts of a DeepL answer, read by field name (key order and extra
/// fields vary between recordings).
pub fn parse_response(body: &[u8]) -> Result<Vec<String>, String> {
    serde_json::from_slice::<DeepLResponse>(body)
        .map(|r| r.translations.into_iter().map(|t| t.text).collect())
        .map_err(|e| format!("DeepL's answer is not the expected JSON: {e}"))
}

impl Translator<'_> {
    /// The cached translation of a job, if any.
    pub fn cached(&self, job: &Job) -> Option<Vec<String>> {
        let bytes = self.cache.get(
            "translations",
            &cache_key(&self.provider, &self.glossary, job),
        )?;
        let v: Vec<String> = serde_json::from_slice(&bytes).ok()?;
        (v.len() == job.texts.len()).then_some(v)
    }

    fn store(&self, job: &Job, out: &[String]) {
        if let Ok(bytes) = serde_json::to_vec(out) {
            self.cache.put(
                "translations",
                &cache_key(&self.provider, &self.glossary, job),
                &bytes,
            );
        }
    }

    /// Translates jobs (cached ones cost nothing); `progress` is told each paper.
    pub fn translate(
        &self,
        jobs: &[Job],
        progress: &mut dyn FnMut(&str),
    ) -> Result<Vec<Vec<String>>, Failure> {
        let mut out: Vec<Option<Vec<String>>> = jobs.iter().map(|j| self.cached(j)).collect();
        let todo: Vec<usize> = (0..jobs.len()).filter(|&i| out[i].is_none()).collect();
        if todo.is_empty() {
            return Ok(out.into_iter().flatten().collect());
        }
        match &self.provider {
            Provider::None => return Ok(vec![Vec::new(); jobs.len()]),
            Provider::DeepL => {
                for &i in &todo {
                    progress(&jobs[i].id);
                    let t = self.deepl(&jobs[i])?;
                    self.store(&jobs[i], &t);
                    out[i] = Some(t);
                }
            }
            Provider::Command(prog) => {
                let pending: Vec<&Job> = todo.iter().map(|&i| &jobs[i]).collect();
                let got = self.command(prog, &pending)?;
                for (&i, t) in todo.iter().zip(got) {
                    self.store(&jobs[i], &t);
                    out[i] = Some(t);
                }
            }
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }

    fn deepl(&self, job: &Job) -> Result<Vec<String>, Failure> {
        let key = self.key.as_deref().ok_or_else(|| {
            Failure::Input(
                "--translate deepl needs a DeepL API key in the DEEPL_AUTH_KEY environment variable"
                    .into(),
            )
        })?;
        let url = deepl_url(key);
        let auth = format!("DeepL-Auth-Key {key}");
        let protect = !self.glossary.terms.is_empty();
        let mut out = Vec::new();
        for chunk in job.texts.chunks(DEEPL_BATCH) {
            let texts: Vec<String> = if protect {
                chunk.iter().map(|t| self.glossary.protect(t)).collect()
            } else {
                chunk.to_vec()
            };
            let mut body = serde_json::json!({
                "text": texts,
                "source_lang": "EN",
                "target_lang": "JA",
                "context": job.context,
            });
            if protect {
                body["tag_handling"] = "xml".into();
                body["ignore_tags"] = serde_json::json!(["x"]);
            }
            let bytes = serde_json::to_vec(&body).unwrap_or_default();
            let mut attempt = 0;
            let resp = loop {
                let r = self.http.post_json(&url, Some(&auth), &bytes)?;
                let retry = r.status == 429 || (500..600).contains(&r.status);
                if !retry || attempt >= MAX_RETRIES {
                    break r;
                }
                let wait = r
                    .retry_after
                    .map(|s| Duration::from_secs(s.min(60)))
                    .unwrap_or(self.retry_base * 2u32.pow(attempt));
                eprintln!(
                    "  DeepL answered {} ({}); retrying in {:.1} s",
                    r.status,
                    if r.status == 429 {
                        "too many requests"
                    } else {
                        "server error"
                    },
                    wait.as_secs_f32()
                );
                std::thread::sleep(wait);
                attempt += 1;
            };
            let message = || {
                serde_json::from_slice::<DeepLError>(&resp.body)
                    .map(|e| format!(": {}", e.message))
                    .unwrap_or_default()
            };
            match resp.status {
                200 => {}
                456 => {
                    return Err(Failure::Service(format!(
                        "DeepL quota exceeded (456){}. Translations done so far are cached, so a re-run next period costs nothing for them; or run with --translate none",
                        message()
                    )));
                }
                403 => {
                    return Err(Failure::Service(format!(
                        "DeepL refused the key (403){}. Check DEEPL_AUTH_KEY (free-plan keys end in :fx and use api-free.deepl.com)",
                        message()
                    )));
                }
                s => {
                    return Err(Failure::Service(format!(
                        "DeepL answered HTTP {s}{}{}",
                        message(),
                        if s == 429 || s >= 500 {
                            " after retrying; try again later"
                        } else {
                            ""
                        }
                    )));
                }
            }
            let parsed = parse_response(&resp.body).map_err(Failure::Service)?;
            if parsed.len() != chunk.len() {
                return Err(Failure::Service(format!(
                    "DeepL returned {} translations for {} texts",
                    parsed.len(),
                    chunk.len()
                )));
            }
            out.extend(
                parsed
                    .into_iter()
                    .map(|t| if protect { unprotect(&t) } else { t }),
            );
        }
        Ok(out)
    }

    /// Runs a local translator once for all jobs: one JSON object a line in
    /// (`{"id", "source_lang", "target_lang", "context", "texts", "glossary"}`),
    /// one a line out (`{"texts": [...]}`), in order.
    fn command(&self, prog: &str, jobs: &[&Job]) -> Result<Vec<Vec<String>>, Failure> {
        let mut parts = prog.split_whitespace();
        let exe = parts.next().unwrap_or_default();
        let mut child = std::process::Command::new(exe)
            .args(parts)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| Failure::Service(format!("cannot run translator `{exe}`: {e}")))?;
        let glossary: serde_json::Map<String, serde_json::Value> = self
            .glossary
            .terms
            .iter()
            .map(|(s, d)| (s.clone(), d.clone().into()))
            .collect();
        let mut input = String::new();
        for j in jobs {
            let line = serde_json::json!({
                "id": j.id, "source_lang": "EN", "target_lang": "JA",
                "context": j.context, "texts": j.texts, "glossary": glossary,
            });
            input.push_str(&line.to_string());
            input.push('\n');
        }
        let mut stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            if let Some(s) = stdin.as_mut() {
                let _ = s.write_all(input.as_bytes());
            }
        });
        let mut out = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            for (n, line) in std::io::BufReader::new(stdout).lines().enumerate() {
                let line =
                    line.map_err(|e| Failure::Service(format!("translator `{exe}`: {e}")))?;
                if line.trim().is_empty() {
                    continue;
                }
                #[derive(Deserialize)]
                struct Answer {
                    texts: Vec<String>,
                }
                let a: Answer = serde_json::from_str(&line).map_err(|e| {
                    Failure::Service(format!(
                        "translator `{exe}` output line {}: {e} (expected {{\"texts\": [...]}})",
                        n + 1
                    ))
                })?;
                out.push(a.texts);
            }
        }
        let _ = writer.join();
        let status = child
            .wait()
            .map_err(|e| Failure::Service(format!("translator `{exe}`: {e}")))?;
        if !status.success() {
            return Err(Failure::Service(format!(
                "translator `{exe}` failed ({status})"
            )));
        }
        if out.len() != jobs.len() || out.iter().zip(jobs).any(|(o, j)| o.len() != j.texts.len()) {
            return Err(Failure::Service(format!(
                "translator `{exe}` answered {} lines for {} papers, or a line with the wrong number of texts",
                out.len(),
                jobs.len()
            )));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_parses_and_protects_terms() {
        let g = Glossary::parse("# terms\nTransformer\tトランスフォーマー\nVision Transformer\tビジョン・トランスフォーマー\n\n").unwrap();
        assert_eq!(g.terms[0].0, "Vision Transformer");
        assert_eq!(
            g.protect("Efficient Transformers: A Survey"),
            "Efficient <x>トランスフォーマー</x>: A Survey"
        );
        assert_eq!(
            g.protect("A Vision Transformer & a TransformerXL <b>"),
            "A <x>ビジョン・トランスフォーマー</x> &amp; a TransformerXL &lt;b&gt;"
        );
        assert_eq!(
            unprotect("効率的な<x>トランスフォーマー</x> &amp; 調査"),
            "効率的なトランスフォーマー & 調査"
        );
    }

    #[test]
    fn glossary_errors_name_the_line() {
        assert_eq!(Glossary::parse("a\tb\nno tab here\n").unwrap_err().0, 2);
        assert!(Glossary::parse("a\t\n").is_err());
    }

    #[test]
    fn providers_and_hosts() {
        assert_eq!(Provider::parse("deepl"), Ok(Provider::DeepL));
        assert_eq!(
            Provider::parse("command:python3 t.py"),
            Ok(Provider::Command("python3 t.py".into()))
        );
        assert!(Provider::parse("google").is_err());
        assert!(Provider::parse("command:").is_err());
    }

    #[test]
    fn cache_keys_never_hold_the_key() {
        let j = Job {
            id: "1".into(),
            texts: vec!["a".into()],
            context: "c".into(),
        };
        let k1 = cache_key(&Provider::DeepL, &Glossary::default(), &j);
        let g = Glossary::parse("a\tb").unwrap();
        assert_ne!(k1, cache_key(&Provider::DeepL, &g, &j));
        assert_eq!(k1.len(), 32);
    }
}
