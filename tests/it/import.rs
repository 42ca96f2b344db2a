//! `surveydeck import` end to end, offline: a small HTTP server on 127.0.0.1
//! inside each test replays the recorded arXiv and DeepL responses in
//! `tests/fixtures/api/` (see its README) and records the requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use surveydeck::import::{arxiv, figures, translate};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/api")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn fixture_str(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    at: Instant,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

type Reply = (u16, Vec<u8>);
type Handler = Box<dyn FnMut(&Request) -> Reply + Send>;

/// A replay server: answers each request with the handler's reply.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn start(handler: impl FnMut(&Request) -> Reply + Send + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let reqs = requests.clone();
        let handler: Arc<Mutex<Handler>> = Arc::new(Mutex::new(Box::new(handler)));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let reqs = reqs.clone();
                let handler = handler.clone();
                std::thread::spawn(move || serve(stream, &reqs, &handler));
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, reqs: &Mutex<Vec<Request>>, handler: &Mutex<Handler>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let req = Request {
            method,
            target,
            headers,
            body,
            at: Instant::now(),
        };
        let (status, reply) = (handler.lock().unwrap())(&req);
        reqs.lock().unwrap().push(req);
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\n\r\n",
            reply.len()
        );
        if out.write_all(head.as_bytes()).is_err() || out.write_all(&reply).is_err() {
            return;
        }
    }
}

/// Runs the binary in `dir` with the endpoints pointed at the server.
fn import(dir: &Path, server: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_surveydeck"));
    cmd.current_dir(dir)
        .arg("import")
        .args(args)
        .env("SURVEYDECK_ARXIV_API", format!("{server}/api/query"))
        .env("SURVEYDECK_ARXIV_EPRINT", format!("{server}/e-print/"))
        .env("SURVEYDECK_DEEPL_API", server)
        .env("SURVEYDECK_ARXIV_DELAY_MS", "10")
        .env("SURVEYDECK_RETRY_BASE_MS", "10")
        .env("SURVEYDECK_CACHE_DIR", dir.join("cache"))
        .env_remove("DEEPL_AUTH_KEY");
    for k in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_surveydeck"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// Every file under a folder, recursively.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn arxiv_replay(body: &'static str) -> impl FnMut(&Request) -> Reply + Send {
    move |r| {
        if r.target.starts_with("/api/query") {
            (200, fixture(body))
        } else {
            (404, Vec::new())
        }
    }
}

/// DeepL-shaped answers (the recorded shape: `translations` with
/// `detected_source_language`), one "訳:" + text per text sent.
fn deepl_answer(r: &Request) -> Reply {
    let texts = r.json()["text"].as_array().unwrap().clone();
    let tr: Vec<serde_json::Value> = texts
        .iter()
        .map(|t| serde_json::json!({"detected_source_language": "EN", "text": format!("訳:{}", t.as_str().unwrap())}))
        .collect();
    (
        200,
        serde_json::to_vec(&serde_json::json!({ "translations": tr })).unwrap(),
    )
}

// ---------------------------------------------------------------- parsing

#[test]
fn old_and_new_atom_shapes_give_the_same_paper() {
    let old = arxiv::parse_feed(&fixture_str("arxiv-old-multi-2020.xml")).unwrap();
    let new = arxiv::parse_feed(&fixture_str("arxiv-new-2025-11-multi-2020.xml")).unwrap();
    assert_eq!(old.entries.len(), 10);
    let pick = |f: &arxiv::Feed| {
        f.entries
            .iter()
            .find(|e| e.id == "2006.09211v1")
            .cloned()
            .unwrap()
    };
    let (a, b) = (pick(&old), pick(&new));
    assert_eq!(a, b);
    assert_eq!(a.title, "A Note on the Axisymmetric Diffusion equation");
    assert_eq!(a.published, "2020-06-16");
    assert_eq!(a.primary_category.as_deref(), Some("math.CA"));
    assert_eq!(a.abs_url, "https://arxiv.org/abs/2006.09211v1");
    assert!(!a.authors.is_empty());
    assert!(
        !a.summary.contains('\n'),
        "hard wraps undone: {}",
        a.summary
    );
}

#[test]
fn every_recorded_feed_parses() {
    for (name, entries) in [
        ("arxiv-old-multi.xml", 10),
        ("arxiv-old-2016-multi.xml", 10),
        ("arxiv-new-2025-11-multi.xml", 10),
        ("arxiv-new-multi.xml", 10),
        ("arxiv-old-missing-ids.xml", 1),
        ("arxiv-new-2025-11-missing-ids.xml", 1),
        ("arxiv-empty.xml", 0),
        ("arxiv-old-empty.xml", 0),
        ("arxiv-new-2025-11-empty.xml", 0),
    ] {
        let f = arxiv::parse_feed(&fixture_str(name)).unwrap();
        assert_eq!(f.entries.len(), entries, "{name}");
        assert!(f.errors.is_empty(), "{name}");
        for e in &f.entries {
            assert!(
                !e.title.is_empty() && !e.summary.is_empty() && !e.authors.is_empty(),
                "{name}: {e:?}"
            );
            assert!(
                e.abs_url.starts_with("https://arxiv.org/abs/"),
                "{name}: {}",
                e.abs_url
            );
            assert!(e.arxiv_id().is_some(), "{name}: {}", e.id);
        }
    }
    // Old-style ids and paragraph breaks in the new shape.
    let f = arxiv::parse_feed(&fixture_str("arxiv-new-multi.xml")).unwrap();
    let cs = f.entries.iter().find(|e| e.id == "cs/0503050v1").unwrap();
    assert!(cs.summary.contains("\n\n"), "paragraphs kept");
    let err = arxiv::parse_feed(&fixture_str("arxiv-error.xml")).unwrap();
    assert_eq!(err.errors, vec!["incorrect id format for abc"]);
    assert!(err.entries.is_empty());
}

#[test]
fn recorded_deepl_answers_parse_by_name() {
    for (name, first) in [
        ("deepl-translate.json", "Muestra"),
        (
            "deepl-translate-key-order.json",
            "Sehr geehrte Damen und Herren",
        ),
        ("deepl-translate-model-type-used.json", "Mustertext"),
        (
            "deepl-translate-utf8.json",
            "Bienvenido y <code>Hello great World</code> ¡Buenos días!",
        ),
    ] {
        let t = translate::parse_response(&fixture(name)).unwrap();
        assert_eq!(t[0], first, "{name}");
    }
    assert!(translate::parse_response(&fixture("deepl-429.html")).is_err());
}

// ---------------------------------------------------------------- end to end

#[test]
fn an_ids_file_becomes_a_survey_that_checks_and_builds() {
    let server = Server::start(arxiv_replay("arxiv-old-multi-2020.xml"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("ids.txt"),
        "# top recent 2020-09-25\narXiv:2006.09211\nhttps://arxiv.org/abs/2201.13455\n",
    )
    .unwrap();
    let out = import(
        dir,
        &server.url,
        &["month.yaml", "--ids-file", "ids.txt"],
        &[],
    );
    let err = stderr(&out);
    // The unknown id is reported with its line; the rest is imported.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ids.txt:3: arXiv has no paper 2201.13455"),
        "{err}"
    );
    assert!(err.contains("created month.yaml: 1 papers added"), "{err}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert!(
        reqs[0].target.contains("id_list=2006.09211,2201.13455"),
        "{}",
        reqs[0].target
    );
    assert!(
        reqs[0]
            .header("user-agent")
            .unwrap()
            .starts_with("surveydeck/")
    );
    let yaml = read(dir.join("month.yaml"));
    assert!(
        yaml.contains("# A surveydeck survey document"),
        "starter comments kept"
    );
    assert!(
        yaml.contains(
            "\"2006.09211\":\n    title: \"A Note on the Axisymmetric Diffusion equation\""
        ),
        "{yaml}"
    );
    assert!(yaml.contains("url: \"https://arxiv.org/abs/2006.09211v1\""));
    assert!(yaml.contains("org: \"TODO\""));
    assert!(
        yaml.contains(
            "- ranking: \"top recent\"\n    date: \"2020-09-25\"\n    papers: [\"2006.09211\"]"
        ),
        "{yaml}"
    );
    assert!(
        !yaml.contains("1706.03762"),
        "the starter's example is gone"
    );

    // `check` accepts it and lists the TODOs with their lines.
    let check = cli(dir, &["check", "month.yaml"]);
    let cerr = stderr(&check);
    assert_eq!(check.status.code(), Some(0), "{cerr}");
    assert!(
        cerr.contains("paper `2006.09211`: `org` is still TODO"),
        "{cerr}"
    );
    assert!(
        cerr.contains("paper `2006.09211`: `commentary` is still TODO"),
        "{cerr}"
    );
    // `build` renders it, authors included.
    let build = cli(dir, &["build", "month.yaml", "-o", "out", "--transcript"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let txt = read(dir.join("out/month.txt"));
    assert!(txt.contains("A Note on the Axisymmetric Diffusion equation"));
    assert!(txt.contains("https://arxiv.org/abs/2006.09211v1"));
    // A second run with the cache makes no request and changes nothing.
    let again = import(dir, &server.url, &["month.yaml", "2006.09211"], &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("is up to date"),
        "{}",
        stderr(&again)
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(read(dir.join("month.yaml")), yaml);
}

#[test]
fn edits_survive_a_re_import_and_untouched_text_is_refreshed() {
    let server = Server::start(arxiv_replay("arxiv-new-2025-11-multi-2020.xml"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let first = import(
        dir,
        &server.url,
        &["s.yaml", "2006.09211", "--ranking", "top recent"],
        &[],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let yaml = read(dir.join("s.yaml"));
    // A person edits the first summary bullet, the title and fills org.
    let start = yaml.find("    summary:\n      - ").unwrap() + "    summary:\n      - ".len();
    let end = start + yaml[start..].find('\n').unwrap();
    let edited = format!("{}\"私の要約\"  # checked{}", &yaml[..start], &yaml[end..])
        .replace("org: \"TODO\"", "org: どこかの大学")
        .replace(
            "title: \"A Note on the Axisymmetric Diffusion equation\"",
            "title: \"A Note (edited)\"",
        );
    std::fs::write(dir.join("s.yaml"), &edited).unwrap();
    // Re-import with --refresh: fetched again, edits kept, told so.
    let second = import(
        dir,
        &server.url,
        &["s.yaml", "2006.09211", "--refresh"],
        &[],
    );
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(0), "{err}");
    assert!(err.contains("kept your edit of 2006.09211: title"), "{err}");
    assert!(
        err.contains("kept your edit of 2006.09211: summary"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 2);
    let after = read(dir.join("s.yaml"));
    assert_eq!(
        after.len(),
        edited.len() - record_diff(&edited, &after),
        "only the record changed:\n{after}"
    );
    assert!(after.contains("\"私の要約\"  # checked"));
    assert!(after.contains("org: どこかの大学"));
    assert!(after.contains("title: \"A Note (edited)\""));
    // Machine text nobody touched was refreshed in place: still there, still recorded.
    assert!(after.contains("authors: ["));
    assert!(
        after.contains("imported: {title_ja") || after.contains("imported: {url"),
        "{after}"
    );
}

/// How many bytes shorter the `imported:` record line got.
fn record_diff(a: &str, b: &str) -> usize {
    let rec = |s: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with("imported:"))
            .unwrap()
            .len()
    };
    rec(a) - rec(b)
}

#[test]
fn requests_are_batched_by_100_and_paced() {
    let server = Server::start(arxiv_replay("arxiv-empty.xml"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ids: Vec<String> = (1..=150).map(|n| format!("2001.{n:05}")).collect();
    let mut args = vec!["s.yaml"];
    args.extend(ids.iter().map(String::as_str));
    let out = import(
        dir,
        &server.url,
        &args,
        &[("SURVEYDECK_ARXIV_DELAY_MS", "300")],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing to import"), "{err}");
    assert!(
        err.contains("command line: arXiv has no paper 2001.00150"),
        "{err}"
    );
    assert!(!dir.join("s.yaml").exists(), "nothing written");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let count = |r: &Request| {
        r.target
            .split("id_list=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .split(',')
            .count()
    };
    assert_eq!((count(&reqs[0]), count(&reqs[1])), (100, 50));
    assert!(
        reqs[1].at - reqs[0].at >= Duration::from_millis(300),
        "paced"
    );
}

#[test]
fn an_arxiv_error_entry_is_reported() {
    let server = Server::start(|_: &Request| (400, fixture("arxiv-error.xml")));
    let tmp = tempfile::tempdir().unwrap();
    let out = import(tmp.path(), &server.url, &["s.yaml", "2001.00001"], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("incorrect id format for abc"), "{err}");
    assert!(!tmp.path().join("s.yaml").exists());
}

#[test]
fn no_network_is_exit_3_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = import(
        tmp.path(),
        &format!("http://127.0.0.1:{port}"),
        &["s.yaml", "2006.09211"],
        &[],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("cannot reach 127.0.0.1"), "{err}");
    assert!(!tmp.path().join("s.yaml").exists());
}

#[test]
fn offline_and_dry_run_use_only_the_cache() {
    let server = Server::start(arxiv_replay("arxiv-old-multi-2020.xml"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Nothing cached yet: --offline lists what is missing.
    let out = import(
        dir,
        &server.url,
        &["s.yaml", "2006.09211", "--offline"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2006.09211 is not in the cache (--offline)"),
        "{}",
        stderr(&out)
    );
    // --dry-run says what it would fetch and send, and does neither.
    let out = import(
        dir,
        &server.url,
        &["s.yaml", "2006.09211", "--dry-run", "--translate", "deepl"],
        &[],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("would fetch from arXiv (1 request): 2006.09211"),
        "{err}"
    );
    assert!(server.requests().is_empty());
    assert!(!dir.join("s.yaml").exists());
    // Fetch once, then work offline.
    assert_eq!(
        import(dir, &server.url, &["s.yaml", "2006.09211"], &[])
            .status
            .code(),
        Some(0)
    );
    let out = import(
        dir,
        &server.url,
        &["t.yaml", "2006.09211", "--offline"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
    // Dry run with the metadata cached counts the characters for DeepL.
    let out = import(
        dir,
        &server.url,
        &["s.yaml", "2006.09211", "--dry-run", "--translate", "deepl"],
        &[],
    );
    assert!(
        stderr(&out).contains("would send ")
            && stderr(&out).contains(" characters to DeepL for 1 papers"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------- DeepL

const KEY: &str = "0123abcd-secret-key:fx";

fn deepl_server(mut script: Vec<Reply>) -> Server {
    Server::start(move |r: &Request| {
        if r.target.starts_with("/api/query") {
            (200, fixture("arxiv-old-multi-2020.xml"))
        } else if r.target == "/v2/translate" {
            if script.is_empty() {
                deepl_answer(r)
            } else {
                script.remove(0)
            }
        } else {
            (404, Vec::new())
        }
    })
}

#[test]
fn deepl_translates_titles_and_sentences_with_context_and_glossary() {
    let server = deepl_server(Vec::new());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("terms.tsv"),
        "# English\tJapanese\nequation\t方程式\n",
    )
    .unwrap();
    let out = import(
        dir,
        &server.url,
        &[
            "s.yaml",
            "2006.09211",
            "--translate",
            "deepl",
            "--glossary",
            "terms.tsv",
            "--ranking",
            "top",
        ],
        &[("DEEPL_AUTH_KEY", KEY)],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let reqs: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.target == "/v2/translate")
        .collect();
    assert_eq!(reqs.len(), 1, "one paper, one request with all its texts");
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.header("authorization"),
        Some(format!("DeepL-Auth-Key {KEY}").as_str())
    );
    let body = r.json();
    assert_eq!(body["target_lang"], "JA");
    assert_eq!(body["tag_handling"], "xml");
    let texts = body["text"].as_array().unwrap();
    assert!(texts.len() > 2, "title and every sentence in one request");
    assert_eq!(
        texts[0],
        "A Note on the Axisymmetric Diffusion <x>方程式</x>"
    );
    assert!(body["context"].as_str().unwrap().len() > 100);
    let yaml = read(dir.join("s.yaml"));
    assert!(
        yaml.contains("title_ja: \"訳:A Note on the Axisymmetric Diffusion 方程式\""),
        "{yaml}"
    );
    assert!(yaml.contains("    summary:\n      - \"訳:"), "{yaml}");
    // The key is nowhere: not in the survey, the cache or the messages.
    assert!(!err.contains("secret"));
    for f in all_files(dir) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("secret-key"),
            "{}",
            f.display()
        );
    }
    // A re-run costs no quota: translations come from the cache.
    let out = import(
        dir,
        &server.url,
        &[
            "s.yaml",
            "2006.09211",
            "--translate",
            "deepl",
            "--glossary",
            "terms.tsv",
        ],
        &[("DEEPL_AUTH_KEY", KEY)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.target == "/v2/translate")
            .count(),
        1
    );
}

#[test]
fn deepl_429_is_retried() {
    let server = deepl_server(vec![(429, fixture("deepl-429.html")), (503, Vec::new())]);
    let tmp = tempfile::tempdir().unwrap();
    let out = import(
        tmp.path(),
        &server.url,
        &["s.yaml", "2006.09211", "--translate", "deepl"],
        &[("DEEPL_AUTH_KEY", KEY)],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("DeepL answered 429"), "{err}");
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.target == "/v2/translate")
            .count(),
        3
    );
    assert!(read(tmp.path().join("s.yaml")).contains("title_ja: \"訳:"));
}

#[test]
fn deepl_456_and_403_stop_clearly_and_write_nothing() {
    for (status, body, says) in [
        (
            456,
            fixture("deepl-456.json"),
            "DeepL quota exceeded (456): Quota Exceeded",
        ),
        (
            403,
            fixture("deepl-403-empty-body.txt"),
            "DeepL refused the key (403)",
        ),
        (
            403,
            fixture("deepl-403-wrong-endpoint.json"),
            "Wrong endpoint",
        ),
    ] {
        let server = deepl_server(vec![(status, body)]);
        let tmp = tempfile::tempdir().unwrap();
        let out = import(
            tmp.path(),
            &server.url,
            &["s.yaml", "2006.09211", "--translate", "deepl"],
            &[("DEEPL_AUTH_KEY", KEY)],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("secret"), "{err}");
        assert_eq!(
            server
                .requests()
                .iter()
                .filter(|r| r.target == "/v2/translate")
                .count(),
            1,
            "no retry"
        );
        assert!(!tmp.path().join("s.yaml").exists());
    }
}

#[test]
fn deepl_without_a_key_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = import(
        tmp.path(),
        "http://127.0.0.1:9",
        &["s.yaml", "2006.09211", "--translate", "deepl"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("DEEPL_AUTH_KEY"));
}

#[test]
fn a_local_translator_speaks_json_lines() {
    let server = Server::start(arxiv_replay("arxiv-old-multi-2020.xml"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("tr.py"),
        "import json, sys\nfor line in sys.stdin:\n    job = json.loads(line)\n    assert job['target_lang'] == 'JA' and job['context']\n    print(json.dumps({'texts': ['和:' + t for t in job['texts']]}, ensure_ascii=False))\n",
    )
    .unwrap();
    let out = import(
        dir,
        &server.url,
        &[
            "s.yaml",
            "2006.09211",
            "--translate",
            "command:python3 tr.py",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        read(dir.join("s.yaml"))
            .contains("title_ja: \"和:A Note on the Axisymmetric Diffusion equation\"")
    );
}

// ---------------------------------------------------------------- figures

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 4, 3);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[200u8; 36]).unwrap();
    }
    out
}

/// Appends a raw tar entry whatever its path (the tar crate refuses `..`).
fn raw_entry(tar: &mut Vec<u8>, name: &str, kind: u8, link: &str, data: &[u8]) {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    tar.extend_from_slice(&h);
    tar.extend_from_slice(data);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn hostile_archive() -> Vec<u8> {
    let tex = "\\documentclass{article}\\begin{document}\n\\begin{figure}\\includegraphics[width=3cm]{../evil}\\caption{Evil}\\end{figure}\n\\begin{figure}\\includegraphics{link.png}\\end{figure}\n\\begin{figure}\\includegraphics{/etc/abs.png}\\end{figure}\n\\begin{figure}\\includegraphics{plot.pdf}\\end{figure}\n\\begin{figure}\\centering\\includegraphics[width=\\linewidth]{figs/arch}\n\\caption{The architecture~\\cite{a}.\\label{fig:a}}\\end{figure}\n\\end{document}\n";
    let mut tar = Vec::new();
    raw_entry(&mut tar, "main.tex", b'0', "", tex.as_bytes());
    raw_entry(&mut tar, "../evil.png", b'0', "", &png());
    raw_entry(&mut tar, "link.png", b'2', "/etc/passwd", b"");
    raw_entry(&mut tar, "hard.png", b'1', "main.tex", b"");
    raw_entry(&mut tar, "/etc/abs.png", b'0', "", &png());
    raw_entry(&mut tar, "plot.pdf", b'0', "", b"%PDF-1.4");
    raw_entry(&mut tar, "figs/arch.png", b'0', "", &png());
    tar.extend_from_slice(&[0u8; 1024]);
    gzip(&tar)
}

#[test]
fn figures_come_from_the_source_archive_and_hostile_entries_are_refused() {
    let archive = hostile_archive();
    let server = Server::start(move |r: &Request| {
        if r.target.starts_with("/api/query") {
            (200, fixture("arxiv-old-multi-2020.xml"))
        } else if r.target == "/e-print/2006.09211v1" {
            (200, archive.clone())
        } else {
            (404, Vec::new())
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("work");
    std::fs::create_dir(&dir).unwrap();
    let out = import(
        &dir,
        &server.url,
        &["s.yaml", "2006.09211", "--figures", "3", "--ranking", "top"],
        &[],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("skipped archive entry ../evil.png (unsafe path)"),
        "{err}"
    );
    assert!(
        err.contains("skipped archive entry link.png (a link or special file)"),
        "{err}"
    );
    // Only the one safe PNG was written, inside figures/<id>/.
    let written: Vec<PathBuf> = all_files(tmp.path())
        .into_iter()
        .filter(|p| !p.starts_with(dir.join("cache")))
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(dir.join("figures/2006.09211v1/arch.png").is_file());
    assert!(!tmp.path().join("evil.png").exists());
    let yaml = read(dir.join("s.yaml"));
    assert!(yaml.contains("    figures:\n      - image: \"figures/2006.09211v1/arch.png\"\n        caption: \"The architecture.\"\n        credit: \"arXiv:2006.09211v1\""), "{yaml}");
    let build = cli(&dir, &["build", "s.yaml", "-o", "out", "--format", "pdf"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
}

#[test]
fn a_gzip_bomb_is_refused() {
    let zeros = vec![0u8; 4 << 20];
    let bomb = gzip(&zeros);
    let limits = figures::Limits {
        max_entries: 10,
        max_file: 1 << 20,
        max_total: 2 << 20,
    };
    let e = figures::read_source(&bomb, limits).unwrap_err();
    assert!(e.contains("unpacks to more than 2 MB"), "{e}");
    // Too many entries.
    let mut tar = Vec::new();
    for i in 0..12 {
        raw_entry(&mut tar, &format!("f{i}.tex"), b'0', "", b"x");
    }
    tar.extend_from_slice(&[0u8; 1024]);
    let e = figures::read_source(&gzip(&tar), limits).unwrap_err();
    assert!(e.contains("more than 10 entries"), "{e}");
}
