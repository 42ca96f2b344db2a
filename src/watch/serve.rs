//! The live-preview server of `watch --serve`: a page, the slides as PNGs
//! from memory, the current diagnostics as JSON, the PDF/PPTX by their
//! exact names, and server-sent events announcing each rebuild.
//!
//! Written on std::net rather than with an HTTP crate: it answers GET for a
//! fixed set of names, and its one long-lived response (the event stream)
//! must reach the browser as each event is written; tiny_http, the lean
//! choice, buffers streamed bodies 8 KB at a time. One thread per
//! connection; a browser that goes away ends its thread at the next write.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;

const PAGE: &str = include_str!("page.html");
/// How often an idle event stream sends a comment, so a closed browser is noticed.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// What the server shows; the watch loop replaces it after each build.
#[derive(Debug, Default, Clone)]
pub struct View {
    /// Counts builds (good or failed); the event stream reports each.
    pub generation: u64,
    pub title: String,
    /// True when the last build succeeded.
    pub ok: bool,
    /// Local time of the last build, "HH:MM:SS".
    pub built_at: String,
    /// The last good build's slides.
    pub slides: Vec<Slide>,
    /// Picture size of the slides in pixels.
    pub width: u32,
    pub height: u32,
    /// The last build's diagnostics, rendered with file:line:column.
    pub diagnostics: Vec<Diag>,
    /// Output files that may be downloaded, by name, and where they are.
    pub files: Vec<(String, PathBuf)>,
    /// 1-based number of the first slide the last build changed.
    pub first_changed: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Slide {
    pub title: String,
    /// The generation in which this slide's picture last changed.
    pub version: u64,
    pub png: Arc<Vec<u8>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diag {
    pub severity: String,
    pub text: String,
}

/// The view shared between the watch loop and the server's threads.
#[derive(Default)]
pub struct Shared {
    view: Mutex<View>,
    changed: Condvar,
}

impl Shared {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Replaces the view and wakes every event stream.
    pub fn publish(&self, view: View) {
        *self.lock() = view;
        self.changed.notify_all();
    }

    pub fn view(&self) -> View {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Binds `addr` and serves in the background; returns the bound address
/// (port 0 asks for a free one).
pub fn start(addr: SocketAddr, shared: Arc<Shared>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                // A failed write means the browser went away: nothing to do.
                let _ = handle(stream, &shared);
            });
        }
    });
    Ok(local)
}

fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Headers are read and ignored (8 KB at most).
    let mut total = 0;
    loop {
        let mut h = String::new();
        let n = reader.read_line(&mut h)?;
        total += n;
        if n == 0 || h == "\r\n" || h == "\n" || total > 8192 {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut out = stream;
    if method != "GET" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
        );
    }
    let path = target.split('?').next().unwrap_or("");
    match route(path) {
        Route::Page => respond(
            &mut out,
            "200 OK",
            "text/html; charset=utf-8",
            page_html(&shared.view()).as_bytes(),
        ),
        Route::State => {
            let json = state_json(&shared.view());
            respond(&mut out, "200 OK", "application/json", json.as_bytes())
        }
        Route::Slide(n) => {
            let png = shared
                .lock()
                .slides
                .get(n.wrapping_sub(1))
                .map(|s| Arc::clone(&s.png));
            match png {
                Some(p) => respond(&mut out, "200 OK", "image/png", &p),
                None => not_found(&mut out),
            }
        }
        Route::File(name) => {
            let file = shared
                .lock()
                .files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, p)| p.clone());
            match file.and_then(|p| std::fs::read(p).ok()) {
                Some(bytes) => respond(&mut out, "200 OK", content_type(&name), &bytes),
                None => not_found(&mut out),
            }
        }
        Route::Events => events(&mut out, shared),
        Route::NotFound => not_found(&mut out),
    }
}

enum Route {
    Page,
    State,
    Slide(usize),
    File(String),
    Events,
    NotFound,
}

/// Maps a request path to what it names. Files are looked up by their exact
/// name among the build's outputs, so no path can reach anything else.
fn route(path: &str) -> Route {
    match path {
        "/" | "/index.html" => Route::Page,
        "/state.json" => Route::State,
        "/events" => Route::Events,
        _ => {
            if let Some(n) = path
                .strip_prefix("/slide/")
                .and_then(|s| s.strip_suffix(".png"))
                .and_then(|s| s.parse().ok())
            {
                Route::Slide(n)
            } else if let Some(name) = path.strip_prefix("/file/") {
                Route::File(percent_decode(name))
            } else {
                Route::NotFound
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(name: &str) -> &'static str {
    if name.ends_with(".pdf") {
        "application/pdf"
    } else if name.ends_with(".pptx") {
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    } else {
        "application/octet-stream"
    }
}

fn respond(out: &mut TcpStream, status: &str, ctype: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

fn not_found(out: &mut TcpStream) -> std::io::Result<()> {
    respond(out, "404 Not Found", "text/plain", b"not found\n")
}

/// The event stream: one `build` event per build after the stream opened,
/// and a comment every few seconds while idle. Ends when a write fails.
fn events(out: &mut TcpStream, shared: &Shared) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n"
    )?;
    out.flush()?;
    let mut seen = shared.lock().generation;
    loop {
        let (gen_now, first) = {
            let guard = shared.lock();
            let (guard, _) = shared
                .changed
                .wait_timeout_while(guard, HEARTBEAT, |v| v.generation == seen)
                .unwrap_or_else(|e| e.into_inner());
            (guard.generation, guard.first_changed)
        };
        if gen_now == seen {
            out.write_all(b": idle\n\n")?;
        } else {
            seen = gen_now;
            let first = first.map_or("null".to_string(), |n| n.to_string());
            write!(
                out,
                "event: build\ndata: {{\"generation\":{gen_now},\"first_changed\":{first}}}\n\n"
            )?;
        }
        out.flush()?;
    }
}

#[derive(Serialize)]
struct StateJson<'a> {
    generation: u64,
    title: &'a str,
    ok: bool,
    built_at: &'a str,
    width: u32,
    height: u32,
    slides: Vec<SlideJson<'a>>,
    diagnostics: &'a [Diag],
    files: Vec<&'a str>,
    first_changed: Option<usize>,
}

#[derive(Serialize)]
struct SlideJson<'a> {
    n: usize,
    title: &'a str,
    version: u64,
}

/// The page with the current slides already in it: they show without
/// waiting for the script's first fetch (and a screenshot taken at the load
/// event has them); the script then updates them in place.
fn page_html(v: &View) -> String {
    let mut figs = String::new();
    for (i, s) in v.slides.iter().enumerate() {
        let n = i + 1;
        let title = escape_html(&s.title);
        // The first few load at once; the rest when scrolled to.
        let loading = if n <= 3 { "eager" } else { "lazy" };
        figs.push_str(&format!(
            "<figure id=\"slide-{n}\"><img alt=\"slide {n}\" width=\"{w}\" height=\"{h}\" \
             loading=\"{loading}\" src=\"/slide/{n}.png?v={ver}\">\
             <figcaption>{n} · {title}</figcaption></figure>\n",
            w = v.width,
            h = v.height,
            ver = s.version,
        ));
    }
    PAGE.replacen(
        "<main id=\"slides\"></main>",
        &format!("<main id=\"slides\">\n{figs}</main>"),
        1,
    )
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn state_json(v: &View) -> String {
    let s = StateJson {
        generation: v.generation,
        title: &v.title,
        ok: v.ok,
        built_at: &v.built_at,
        width: v.width,
        height: v.height,
        slides: v
            .slides
            .iter()
            .enumerate()
            .map(|(i, s)| SlideJson {
                n: i + 1,
                title: &s.title,
                version: s.version,
            })
            .collect(),
        diagnostics: &v.diagnostics,
        files: v.files.iter().map(|(n, _)| n.as_str()).collect(),
        first_changed: v.first_changed,
    };
    serde_json::to_string(&s).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_carries_the_current_slides_escaped() {
        let view = View {
            width: 960,
            height: 540,
            slides: vec![Slide {
                title: "A <b> & \"c\"".into(),
                version: 7,
                png: Arc::new(Vec::new()),
            }],
            ..View::default()
        };
        let html = page_html(&view);
        assert!(html.contains("src=\"/slide/1.png?v=7\""), "{html}");
        assert!(
            html.contains("1 · A &lt;b&gt; &amp; &quot;c&quot;"),
            "{html}"
        );
        assert!(!html.contains("<main id=\"slides\"></main>"));
    }

    #[test]
    fn routes_name_only_our_own_things() {
        assert!(matches!(route("/"), Route::Page));
        assert!(matches!(route("/slide/3.png"), Route::Slide(3)));
        assert!(matches!(route("/slide/x.png"), Route::NotFound));
        assert!(matches!(route("/../etc/passwd"), Route::NotFound));
        match route("/file/..%2F..%2Fetc%2Fpasswd") {
            // Looked up by exact name among the outputs: never found.
            Route::File(n) => assert_eq!(n, "../../etc/passwd"),
            _ => panic!("a file route"),
        }
        assert_eq!(percent_decode("a%20b%"), "a b%");
    }
}
