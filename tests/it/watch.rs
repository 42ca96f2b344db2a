//! `surveydeck watch --serve`: the real binary on a free loopback port.
//! Saves (by atomic rename, as editors do) rebuild the PDF and announce a
//! reload; a save with an error serves the error and keeps the last good
//! slides; fixing it recovers; Ctrl-C ends it cleanly. Headless Chromium
//! loads the page and its screenshot shows a slide.

use crate::common;

use crate::support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    log: Vec<String>,
    addr: String,
}

impl Watch {
    fn start(dir: &Path, extra: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_surveydeck"))
            .args(["watch", "talk.yaml", "-o", "out", "--serve", "127.0.0.1:0"])
            .args(extra)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn surveydeck watch");
        let err = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut w = Watch {
            child,
            lines: rx,
            log: Vec::new(),
            addr: String::new(),
        };
        let line = w.wait_line("serving the preview at http://");
        w.addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("an address")
            .to_owned();
        w
    }

    /// Waits for a stderr line containing `needle`; returns it.
    fn wait_line(&mut self, needle: &str) -> String {
        let end = Instant::now() + WAIT;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.log.push(l.clone());
                    if l.contains(needle) {
                        return l;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "no line with {needle:?}; stderr so far:\n{}",
            self.log.join("\n")
        );
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        get(&self.addr, path)
    }

    fn state(&self) -> serde_json::Value {
        let (code, body) = self.get("/state.json");
        assert_eq!(code, 200);
        serde_json::from_slice(&body).expect("state is JSON")
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET; returns the status and body.
fn get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("request");
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("response");
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status");
    (code, all[split + 4..].to_vec())
}

/// Opens the event stream and returns a reader past its headers.
fn events(addr: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(s, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("request");
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    assert!(line.contains("200"), "{line}");
    loop {
        line.clear();
        r.read_line(&mut line).expect("header");
        if line == "\r\n" {
            break;
        }
    }
    r
}

/// Reads the stream until a `build` event; returns its data line.
fn next_build(r: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    let mut seen_event = false;
    loop {
        line.clear();
        let n = r.read_line(&mut line).expect("an event within the wait");
        assert!(n > 0, "the event stream closed");
        if line.trim_end() == "event: build" {
            seen_event = true;
        } else if seen_event && let Some(d) = line.strip_prefix("data: ") {
            return d.trim_end().to_owned();
        }
    }
}

/// Saves as editors do: a new file renamed over the old one.
fn save(dir: &Path, name: &str, text: &str) {
    let tmp = dir.join(format!(".{name}.swp"));
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, dir.join(name)).expect("rename");
}

#[test]
fn watch_serves_rebuilds_on_save_keeps_good_slides_on_error_and_stops_on_ctrl_c() {
    let ws = support::minimal_workspace("talk.yaml");
    let dir = ws.path();
    let good = std::fs::read_to_string(dir.join("talk.yaml")).expect("survey");
    let mut w = Watch::start(dir, &[]);
    w.wait_line("slides shown after");
    let pdf = dir.join("out/talk.pdf");
    let first_pdf = std::fs::read(&pdf).expect("the first build wrote the PDF");

    // The page, the state, a slide picture, the PDF by its name.
    let (code, page) = w.get("/");
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&page).contains("EventSource"));
    let s = w.state();
    assert_eq!(s["ok"], true, "{s}");
    let n = s["slides"].as_array().expect("slides").len();
    assert!(n >= 5, "{s}");
    let (code, png) = w.get("/slide/1.png");
    assert_eq!(code, 200);
    assert!(png.starts_with(b"\x89PNG"));
    assert_eq!(w.get("/file/talk.pdf"), (200, first_pdf.clone()));
    // Nothing outside the build's own outputs.
    for bad in [
        "/file/talk.yaml",
        "/file/..%2Ftalk.yaml",
        "/../talk.yaml",
        "/slide/0.png",
        "/slide/999.png",
    ] {
        assert_eq!(w.get(bad).0, 404, "{bad}");
    }

    // A browser that goes away does not hurt the server.
    drop(events(&w.addr));
    let mut ev = events(&w.addr);

    // An edit to one paper's slide: new PDF, a build event naming the first
    // changed slide, and only changed slides get new pictures.
    let before = w.state();
    save(
        dir,
        "talk.yaml",
        &good.replace(
            "Trains much faster in parallel.",
            "Trains much faster on GPUs.",
        ),
    );
    let data = next_build(&mut ev);
    let first: usize =
        serde_json::from_str::<serde_json::Value>(&data).expect("JSON data")["first_changed"]
            .as_u64()
            .expect("a changed slide") as usize;
    let end = Instant::now() + WAIT;
    while std::fs::read(&pdf).ok().as_ref() == Some(&first_pdf) {
        assert!(Instant::now() < end, "the PDF was not rebuilt");
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = w.state();
    let versions = |s: &serde_json::Value| -> Vec<u64> {
        s["slides"]
            .as_array()
            .expect("slides")
            .iter()
            .map(|x| x["version"].as_u64().expect("version"))
            .collect()
    };
    let (v0, v1) = (versions(&before), versions(&after));
    let changed: Vec<usize> = (0..v1.len())
        .filter(|&i| v0.get(i) != Some(&v1[i]))
        .collect();
    assert_eq!(changed.first().map(|i| i + 1), Some(first), "{after}");
    assert!(
        changed.len() < v1.len(),
        "every slide was redrawn: {changed:?}"
    );

    // An error: served with file:line, the last good slides kept.
    save(
        dir,
        "talk.yaml",
        &good.replacen("      - \"1706.03762\"", "      - \"9999.99999\"", 1),
    );
    next_build(&mut ev);
    let s = w.state();
    assert_eq!(s["ok"], false, "{s}");
    let diags = s["diagnostics"].to_string();
    assert!(diags.contains("talk.yaml:"), "{diags}");
    assert!(diags.contains("9999.99999"), "{diags}");
    assert_eq!(s["slides"].as_array().expect("slides").len(), n);
    assert_eq!(w.get("/slide/1.png").0, 200);
    w.wait_line("build failed");

    // Fixed again.
    save(dir, "talk.yaml", &good);
    next_build(&mut ev);
    let s = w.state();
    assert_eq!(s["ok"], true, "{s}");
    assert_eq!(s["diagnostics"].as_array().map(Vec::len), Some(0), "{s}");

    // Ctrl-C: a clean stop, exit 0, no temporary file left.
    let pid = w.child.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let end = Instant::now() + WAIT;
    let code = loop {
        if let Some(s) = w.child.try_wait().expect("wait") {
            break s.code();
        }
        assert!(Instant::now() < end, "watch did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    w.wait_line("stopped");
    support::assert_no_temp_files(&dir.join("out"));
}

#[test]
fn headless_chromium_shows_the_served_slides() {
    let ws = support::minimal_workspace("talk.yaml");
    let dir = ws.path();
    let mut w = Watch::start(dir, &[]);
    w.wait_line("slides shown after");
    let profile = tempfile::tempdir().expect("profile dir");
    let shot = dir.join("shot.png");
    // No --virtual-time-budget: the page's open event stream keeps the
    // network busy, so Chromium would wait for it forever. The screenshot is
    // taken after the load event; a hung browser is killed after a minute.
    let Some(chromium) = common::tool("chromium") else {
        return;
    };
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("http://{}/", w.addr))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let end = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium status") {
            break status;
        }
        if Instant::now() > end {
            let _ = child.kill();
            panic!("headless Chromium took over a minute to screenshot the preview");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    assert!(status.success(), "{err}");
    let img = image::open(&shot).expect("a screenshot").into_rgb8();
    // Keep it for a person to look at.
    let keep = std::env::temp_dir().join("surveydeck-watch-screenshot.png");
    let _ = std::fs::copy(&shot, &keep);
    // The first slide (white, with the deck title in the theme's band) is on
    // screen below the header: white rows and the band's dark rows.
    let white = (0..img.height())
        .filter(|&y| (100..1180).all(|x| img.get_pixel(x, y).0 == [255, 255, 255]))
        .count();
    assert!(
        white > 100,
        "no slide on screen ({white} white rows); see {}",
        keep.display()
    );
    let dark = (0..img.width())
        .flat_map(|x| (0..img.height()).map(move |y| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 100))
        .count();
    assert!(
        dark > 10_000,
        "no title band on screen; see {}",
        keep.display()
    );
}
