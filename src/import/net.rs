//! HTTP for import: one agent (one connection per host, proxies from
//! `HTTPS_PROXY`/`NO_PROXY`), a descriptive User-Agent, pacing of arXiv
//! requests, and the response cache under the user's cache folder.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Failure;

pub const USER_AGENT: &str = concat!(
    "surveydeck/",
    env!("CARGO_PKG_VERSION"),
    " (monthly arXiv survey slides; https://github.com/surveydeck/surveydeck)"
);

/// A response: status, body and the `Retry-After` header in seconds.
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<u64>,
}

pub struct Http {
    agent: ureq::Agent,
    /// Minimum time between two arXiv requests.
    pub arxiv_delay: Duration,
    last_arxiv: Option<Instant>,
}

impl Http {
    pub fn new(arxiv_delay: Duration) -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .max_idle_connections_per_host(1)
            .timeout_connect(Some(Duration::from_secs(20)))
            .timeout_global(Some(Duration::from_secs(180)))
            .build();
        Http {
            agent: config.new_agent(),
            arxiv_delay,
            last_arxiv: None,
        }
    }

    /// Waits until `arxiv_delay` has passed since the last arXiv request.
    pub fn pace_arxiv(&mut self) {
        if let Some(t) = self.last_arxiv {
            let since = t.elapsed();
            if since < self.arxiv_delay {
                std::thread::sleep(self.arxiv_delay - since);
            }
        }
        self.last_arxiv = Some(Instant::now());
    }

    /// Marks the end of an arXiv request: the pause counts from here, so
    /// requests never come closer than the delay, however slow the answer.
    pub fn arxiv_done(&mut self) {
        self.last_arxiv = Some(Instant::now());
    }

    pub fn get(&self, url: &str, limit: u64) -> Result<Response, Failure> {
        let r = self.agent.get(url).call();
        read(url, r, limit)
    }

    /// POSTs JSON. `auth` is sent as the Authorization header and never
    /// appears in an error.
    pub fn post_json(
        &self,
        url: &str,
        auth: Option<&str>,
        body: &[u8],
    ) -> Result<Response, Failure> {
        let mut req = self.agent.post(url).content_type("application/json");
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        read(url, req.send(body), 16 << 20)
    }
}

fn read(
    url: &str,
    r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    limit: u64,
) -> Result<Response, Failure> {
    let host = host_of(url);
    let mut resp =
        r.map_err(|e| Failure::Network(format!("cannot reach {host}: {}", describe(&e))))?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let body = resp
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| {
            Failure::Network(format!(
                "reading the answer of {host} failed: {}",
                describe(&e)
            ))
        })?;
    Ok(Response {
        status,
        body,
        retry_after,
    })
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::HostNotFound => {
            "host not found (no network, or a proxy is needed: set HTTPS_PROXY)".into()
        }
        ureq::Error::ConnectionFailed => {
            "connection failed (no network, or a proxy is needed: set HTTPS_PROXY)".into()
        }
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::BodyExceedsLimit(n) => format!("the answer is larger than {n} bytes"),
        other => other.to_string(),
    }
}

/// `scheme://host[:port]` of a URL, for messages (never the path or query).
pub fn host_of(url: &str) -> String {
    let after = url.split_once("://").map_or(url, |(_, a)| a);
    let host = after.split(['/', '?']).next().unwrap_or("");
    // Drop any user:password@ part.
    host.rsplit('@').next().unwrap_or(host).to_owned()
}

/// The cache folder: `SURVEYDECK_CACHE_DIR`, else the platform's user cache
/// folder + `surveydeck`. Hand-written: the `dirs` crate would add two
/// crates for these few lines.
pub fn cache_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = env("SURVEYDECK_CACHE_DIR") {
        return Some(d);
    }
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("surveydeck"))
}

/// The response cache: files under the cache folder, named by a hash of
/// what was asked (never of a key).
pub struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache { dir: cache_dir() }
    }

    fn path(&self, kind: &str, key: &str) -> Option<PathBuf> {
        let safe: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.as_ref().map(|d| d.join(kind).join(safe))
    }

    pub fn get(&self, kind: &str, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(kind, key)?).ok()
    }

    /// Stores an entry; a cache that cannot be written only costs a re-fetch.
    pub fn put(&self, kind: &str, key: &str, bytes: &[u8]) {
        if let Some(p) = self.path(kind, key) {
            if let Some(parent) = p.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = crate::output::write_atomic(&p, bytes);
        }
    }
}

impl Default for Cache {
    fn default() -> Self {
        Cache::new()
    }
}
