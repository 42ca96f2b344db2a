//! `surveydeck import`: from arXiv ids to `papers:` entries ready for review.
//!
//! Beside `document`, never used by layout or the writers. The flow: ids
//! ([`ids`]) → metadata from the arXiv API ([`arxiv`], cached) → sentences
//! ([`split`]) → translation ([`translate`], cached) → figures from the
//! source archive ([`figures`]) → the survey text edited in place
//! ([`merge`], [`yaml_edit`]) and written atomically.

pub mod arxiv;
pub mod figures;
pub mod ids;
pub mod merge;
pub mod net;
pub mod split;
pub mod translate;
pub mod yaml_edit;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use arxiv::Entry;
use ids::{ArxivId, Wanted};
use merge::{Field, Value};
use net::{Cache, Http};
use translate::{Glossary, Job, Provider, Translator};

/// What went wrong, by exit code.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Bad arguments (exit 2).
    Usage(String),
    /// Bad input: ids file, glossary, survey (exit 1).
    Input(String),
    /// No network or a host unreachable (exit 3).
    Network(String),
    /// A service refused or failed: arXiv, DeepL, the translator program (exit 3).
    Service(String),
    /// A file could not be read or written (exit 3).
    Io(String),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Input(_) => 1,
            _ => 3,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(m)
            | Failure::Input(m)
            | Failure::Network(m)
            | Failure::Service(m)
            | Failure::Io(m) => m,
        }
    }
}

/// The options of `surveydeck import`.
#[derive(Debug, Clone)]
pub struct Options {
    pub survey: PathBuf,
    /// Ids from the command line.
    pub ids: Vec<String>,
    pub ids_file: Option<PathBuf>,
    /// The ranking the command-line ids (and ids before any `# name` line) join.
    pub ranking: Option<String>,
    pub translate: Provider,
    pub glossary: Option<PathBuf>,
    /// How many figures to take from each paper's source archive.
    pub figures: usize,
    pub offline: bool,
    pub refresh: bool,
    pub dry_run: bool,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub added: Vec<String>,
    /// Papers with fields refreshed or filled.
    pub updated: Vec<String>,
    /// (paper, field) kept because a person edited it.
    pub kept: Vec<(String, String)>,
    /// Problems that did not stop the import (missing ids, missing cache).
    pub problems: Vec<String>,
    /// Whether the survey file was written.
    pub written: bool,
    pub created: bool,
}

/// The endpoints and pacing, from the environment.
struct Endpoints {
    api: String,
    eprint: String,
    delay: Duration,
    retry_base: Duration,
}

impl Endpoints {
    fn from_env() -> Endpoints {
        let var = |k: &str, d: &str| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| d.to_owned())
        };
        let ms = |k: &str, d: u64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(d)
        };
        Endpoints {
            api: var("SURVEYDECK_ARXIV_API", "https://export.arxiv.org/api/query"),
            eprint: var("SURVEYDECK_ARXIV_EPRINT", "https://arxiv.org/e-print/"),
            delay: Duration::from_millis(ms("SURVEYDECK_ARXIV_DELAY_MS", 3000)),
            retry_base: Duration::from_millis(ms("SURVEYDECK_RETRY_BASE_MS", 1000)),
        }
    }
}

/// Where an id was asked for, for messages: `ids.txt:12` or `the command line`.
fn origin(w: &Wanted, file: Option<&Path>) -> String {
    match (w.line, file) {
        (0, _) | (_, None) => "command line".into(),
        (n, Some(f)) => format!("{}:{n}", f.display()),
    }
}

/// Runs an import. `log` receives progress lines (for stderr).
pub fn run(opts: &Options, log: &mut dyn FnMut(&str)) -> Result<Summary, Failure> {
    let env = Endpoints::from_env();
    let (listed, rankings) = gather_ids(opts)?;
    // Each paper once for fetching, translating and merging; `listed` keeps
    // every listing for the rankings.
    let mut wanted: Vec<Wanted> = Vec::new();
    for w in &listed {
        if !wanted.iter().any(|u| u.id.base == w.id.base) {
            wanted.push(w.clone());
        }
    }
    if wanted.is_empty() {
        return Err(Failure::Usage(
            "no ids to import: give arXiv ids or --ids-file FILE".into(),
        ));
    }
    let glossary = match &opts.glossary {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Failure::Io(format!("cannot read glossary {}: {e}", p.display())))?;
            Glossary::parse(&text)
                .map_err(|(l, c, m)| Failure::Input(format!("{}:{l}:{c}: {m}", p.display())))?
        }
        None => Glossary::default(),
    };
    let key = std::env::var("DEEPL_AUTH_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty());
    if opts.translate == Provider::DeepL && key.is_none() && !opts.dry_run {
        return Err(Failure::Usage(
            "--translate deepl needs your DeepL API key in the DEEPL_AUTH_KEY environment variable (or use --translate none)".into(),
        ));
    }

    // The survey: read it, or start from the starter without its example.
    let (text, created) = match std::fs::read_to_string(&opts.survey) {
        Ok(t) => (t, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut t = yaml_edit::Text::new(crate::STARTER);
            merge::remove_example(&mut t, "1706.03762", "top recent");
            (t.render(), true)
        }
        Err(e) => {
            return Err(Failure::Io(format!(
                "cannot read {}: {e}",
                opts.survey.display()
            )));
        }
    };
    let shallow = merge::shallow(&text).map_err(|e| {
        Failure::Input(format!(
            "{}: {e}; fix it first (`surveydeck check` shows where)",
            opts.survey.display()
        ))
    })?;

    let mut summary = Summary {
        created,
        ..Summary::default()
    };
    let cache = Cache::new();
    let mut http = Http::new(env.delay);

    // Metadata: from the cache, else from arXiv in batches of 100.
    let mut entries: BTreeMap<ArxivId, Entry> = BTreeMap::new();
    let mut missing: Vec<&Wanted> = Vec::new();
    for w in &wanted {
        let cached = (!opts.refresh)
            .then(|| cache.get("arxiv", &w.id.to_string()))
            .flatten()
            .and_then(|b| serde_json::from_slice::<Entry>(&b).ok());
        match cached {
            Some(e) => {
                entries.insert(w.id.clone(), e);
            }
            None => missing.push(w),
        }
    }
    if opts.dry_run {
        return dry_run(
            opts, &wanted, &entries, &missing, &glossary, &cache, &http, log,
        )
        .map(|()| summary);
    }
    if opts.offline {
        for w in &missing {
            summary.problems.push(format!(
                "{}: {} is not in the cache (--offline); run without --offline to fetch it",
                origin(w, opts.ids_file.as_deref()),
                w.id
            ));
        }
    } else if !missing.is_empty() {
        let n = missing.len().div_ceil(100);
        log(&format!(
            "fetching {} papers from arXiv ({n} request{}, {} s apart)",
            missing.len(),
            if n == 1 { "" } else { "s" },
            env.delay.as_secs_f32()
        ));
        for chunk in missing.chunks(100) {
            let ids: Vec<&ArxivId> = chunk.iter().map(|w| &w.id).collect();
            let url = arxiv::query_url(&env.api, &ids);
            http.pace_arxiv();
            let resp = http.get(&url, 32 << 20);
            http.arxiv_done();
            let resp = resp?;
            let body = String::from_utf8_lossy(&resp.body);
            let feed = arxiv::parse_feed(&body)
                .map_err(|e| Failure::Service(format!("arXiv (HTTP {}): {e}", resp.status)))?;
            if !feed.errors.is_empty() {
                return Err(Failure::Service(format!(
                    "arXiv answered with an error (HTTP {}): {}",
                    resp.status,
                    feed.errors.join("; ")
                )));
            }
            if resp.status != 200 {
                return Err(Failure::Service(format!(
                    "arXiv answered HTTP {}; try again later",
                    resp.status
                )));
            }
            for w in chunk {
                let found = feed.entries.iter().find(|e| {
                    e.arxiv_id().is_some_and(|id| {
                        id.base == w.id.base
                            && (w.id.version.is_none() || id.version == w.id.version)
                    })
                });
                match found {
                    Some(e) => {
                        if let Ok(b) = serde_json::to_vec(e) {
                            cache.put("arxiv", &w.id.to_string(), &b);
                        }
                        entries.insert(w.id.clone(), e.clone());
                    }
                    None => summary.problems.push(format!(
                        "{}: arXiv has no paper {}; check the id",
                        origin(w, opts.ids_file.as_deref()),
                        w.id
                    )),
                }
            }
        }
    }

    // Translation.
    let translator = Translator {
        provider: opts.translate.clone(),
        glossary,
        http: &http,
        cache: &cache,
        key,
        retry_base: env.retry_base,
    };
    let found: Vec<(&Wanted, &Entry)> = wanted
        .iter()
        .filter_map(|w| entries.get(&w.id).map(|e| (w, e)))
        .collect();
    let jobs: Vec<Job> = found.iter().map(|(_, e)| job(e)).collect();
    let translations: Vec<Vec<String>> = match (&opts.translate, opts.offline) {
        (Provider::None, _) => vec![Vec::new(); jobs.len()],
        (_, true) => jobs
            .iter()
            .map(|j| {
                translator.cached(j).unwrap_or_else(|| {
                    summary.problems.push(format!(
                        "no cached translation for {} (--offline); it keeps its English text",
                        j.id
                    ));
                    Vec::new()
                })
            })
            .collect(),
        (p, false) => {
            let todo = jobs
                .iter()
                .filter(|j| translator.cached(j).is_none())
                .count();
            if todo > 0 {
                log(&format!(
                    "translating {todo} papers with {}",
                    match p {
                        Provider::Command(c) => c.as_str(),
                        _ => "DeepL",
                    }
                ));
            }
            translator.translate(&jobs, &mut |id| log(&format!("  {id}")))?
        }
    };

    // Figures.
    let base_dir = opts
        .survey
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut figs: BTreeMap<String, Vec<(String, Option<String>, String)>> = BTreeMap::new();
    if opts.figures > 0 {
        for (w, e) in &found {
            match figures::for_paper(
                e,
                opts.figures,
                &base_dir,
                &env.eprint,
                &mut http,
                &cache,
                opts.offline,
                opts.refresh,
                log,
            ) {
                Ok(v) => {
                    figs.insert(w.id.base.clone(), v);
                }
                Err(Failure::Network(m)) => return Err(Failure::Network(m)),
                Err(f) => summary
                    .problems
                    .push(format!("figures of {}: {}", w.id, f.message())),
            }
        }
    }

    // Merge into the text.
    let mut t = yaml_edit::Text::new(&text);
    let papers = shallow.papers.clone().unwrap_or_default();
    for ((w, e), tr) in found.iter().zip(&translations) {
        let key = w.id.base.clone();
        let fields = fields_for(e, tr, figs.get(&key));
        let current = papers.get(&key).and_then(|p| p.as_ref());
        match merge::merge_paper(&mut t, current, papers.contains_key(&key), &key, &fields) {
            Some(o) => {
                if o.added {
                    summary.added.push(key.clone());
                } else if !o.written.is_empty() {
                    summary.updated.push(key.clone());
                }
                summary
                    .kept
                    .extend(o.kept.iter().map(|f| (key.clone(), f.to_string())));
            }
            None => summary.problems.push(format!(
                "paper `{key}` is written in a style import cannot edit (a flow mapping); fill it by hand"
            )),
        }
    }
    let sections = shallow.sections.unwrap_or_default();
    for (ri, r) in rankings.iter().enumerate() {
        let mut ids: Vec<String> = Vec::new();
        for w in &listed {
            let fetched = entries.keys().any(|k| k.base == w.id.base);
            if w.ranking == Some(ri) && fetched && !ids.contains(&w.id.base) {
                ids.push(w.id.base.clone());
            }
        }
        if ids.is_empty() {
            continue;
        }
        let existing = sections
            .iter()
            .find(|s| s.ranking.as_deref() == Some(r.name.as_str()))
            .map(|s| s.papers.clone().unwrap_or_default());
        if !merge::add_to_ranking(
            &mut t,
            &r.name,
            r.date.as_deref(),
            existing.as_deref(),
            &ids,
        ) {
            summary.problems.push(format!(
                "ranking `{}` is written in a style import cannot edit; add {} by hand",
                r.name,
                ids.join(", ")
            ));
        }
    }
    let out = t.render();
    if found.is_empty() {
        return Err(Failure::Input(format!(
            "nothing to import: {}",
            summary.problems.join("; ")
        )));
    }
    // What we write must still parse.
    merge::shallow(&out).map_err(|e| {
        Failure::Input(format!(
            "the edited survey would not parse ({e}); nothing was written. Please report this with your survey file"
        ))
    })?;
    if out != text || created {
        crate::output::write_atomic(&opts.survey, out.as_bytes())
            .map_err(|e| Failure::Io(format!("cannot write {}: {e}", opts.survey.display())))?;
        summary.written = true;
    }
    Ok(summary)
}

/// The ids asked for and the rankings they join.
fn gather_ids(opts: &Options) -> Result<(Vec<Wanted>, Vec<ids::Ranking>), Failure> {
    let mut rankings = Vec::new();
    let mut wanted = Vec::new();
    let cli_ranking = opts.ranking.as_ref().map(|name| {
        rankings.push(ids::Ranking {
            name: name.clone(),
            date: None,
            line: 0,
        });
        0
    });
    if let Some(f) = &opts.ids_file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| Failure::Io(format!("cannot read ids file {}: {e}", f.display())))?;
        let parsed = ids::parse_file(&text).map_err(|errs| {
            Failure::Input(
                errs.iter()
                    .map(|e| format!("{}:{}:{}: {}", f.display(), e.line, e.col, e.message))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
        let offset = rankings.len();
        rankings.extend(parsed.rankings);
        for mut w in parsed.ids {
            w.ranking = w.ranking.map(|r| r + offset).or(cli_ranking);
            wanted.push(w);
        }
    }
    for s in &opts.ids {
        let id = ids::parse(s).map_err(Failure::Usage)?;
        wanted.push(Wanted {
            id,
            line: 0,
            ranking: cli_ranking,
        });
    }
    Ok((wanted, rankings))
}

/// The texts of a paper to translate: its title, then each summary sentence.
fn job(e: &Entry) -> Job {
    let mut texts = vec![e.title.clone()];
    texts.extend(split::sentences(&e.summary));
    Job {
        id: e.id.clone(),
        texts,
        context: e.summary.clone(),
    }
}

/// Inline markup characters in imported text are literal.
fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '`' | '[') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn fields_for(
    e: &Entry,
    tr: &[String],
    figs: Option<&Vec<(String, Option<String>, String)>>,
) -> Vec<Field> {
    let machine = |name, value| Field {
        name,
        value,
        machine: true,
    };
    let sentences = split::sentences(&e.summary);
    let mut f = vec![machine("title", Value::Str(e.title.clone()))];
    let translated = tr.len() == sentences.len() + 1;
    if translated {
        f.push(machine("title_ja", Value::Str(tr[0].clone())));
    }
    f.push(machine("url", Value::Str(e.abs_url.clone())));
    f.push(machine("authors", Value::Flow(e.authors.clone())));
    f.push(Field {
        name: "org",
        value: Value::Str("TODO".into()),
        machine: false,
    });
    let summary: Vec<String> = if translated {
        tr[1..].iter().map(|s| escape_inline(s)).collect()
    } else {
        sentences.iter().map(|s| escape_inline(s)).collect()
    };
    f.push(machine("summary", Value::Lines(summary)));
    f.push(Field {
        name: "commentary",
        value: Value::Lines(vec!["TODO".into()]),
        machine: false,
    });
    if let Some(figs) = figs.filter(|v| !v.is_empty()) {
        f.push(machine("figures", Value::Figures(figs.clone())));
    }
    let mut notes = format!("arXiv:{}", e.id);
    if let Some(c) = &e.primary_category {
        notes.push_str(&format!(" [{c}]"));
    }
    if !e.published.is_empty() {
        notes.push_str(&format!(", {}", e.published));
    }
    notes.push_str("\n\n");
    notes.push_str(&e.summary);
    f.push(machine("notes", Value::Str(notes)));
    f
}

#[allow(clippy::too_many_arguments)]
fn dry_run(
    opts: &Options,
    wanted: &[Wanted],
    entries: &BTreeMap<ArxivId, Entry>,
    missing: &[&Wanted],
    glossary: &Glossary,
    cache: &Cache,
    http: &Http,
    log: &mut dyn FnMut(&str),
) -> Result<(), Failure> {
    let unique: std::collections::BTreeSet<&ArxivId> = wanted.iter().map(|w| &w.id).collect();
    log(&format!(
        "dry run: {} papers; {} in the cache",
        unique.len(),
        unique.len() - missing.len()
    ));
    if !missing.is_empty() {
        let ids: Vec<String> = missing.iter().map(|w| w.id.to_string()).collect();
        log(&format!(
            "would fetch from arXiv ({} request{}): {}",
            missing.len().div_ceil(100),
            if missing.len() > 100 { "s" } else { "" },
            ids.join(", ")
        ));
    }
    if opts.translate != Provider::None {
        let tr = Translator {
            provider: opts.translate.clone(),
            glossary: glossary.clone(),
            http,
            cache,
            key: None,
            retry_base: Duration::ZERO,
        };
        let (mut chars, mut n) = (0, 0);
        for e in entries.values() {
            let j = job(e);
            if tr.cached(&j).is_none() {
                chars += j.texts.iter().map(|t| t.chars().count()).sum::<usize>();
                n += 1;
            }
        }
        let who = if opts.translate == Provider::DeepL {
            "DeepL"
        } else {
            "the translator"
        };
        log(&format!(
            "would send {chars} characters to {who} for {n} papers{}",
            if missing.is_empty() {
                String::new()
            } else {
                format!(
                    ", plus the titles and abstracts of the {} papers not yet fetched",
                    missing.len()
                )
            }
        ));
    }
    if opts.figures > 0 {
        log(&format!(
            "would fetch up to {} source archives for figures",
            unique.len()
        ));
    }
    log("nothing was fetched or written (--dry-run)");
    Ok(())
}
