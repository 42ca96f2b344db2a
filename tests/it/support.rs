//! Shared helpers for the CLI-level tests (`errors`, `cli` and others):
//! run the built binary in a temporary folder, with a hang guard, and pick
//! diagnostics out of its stderr.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// No single run may take longer than this: a hang fails the test instead of
/// blocking the suite. Generous, because debug builds on a busy machine are slow.
pub const HANG_LIMIT: Duration = Duration::from_secs(60);

/// The manifest folder (the repository root).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The output of one run.
#[derive(Debug)]
pub struct Out {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Out {
    /// Asserts the exit code and that nothing panicked.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_no_panic(self);
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stderr:\n{}\n--- stdout:\n{}",
            self.code, self.stderr, self.stdout
        );
        self
    }
}

#[track_caller]
pub fn assert_no_panic(out: &Out) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "the process panicked:\n{}",
        out.stderr
    );
    // A signal (abort, stack overflow) is a crash too.
    assert!(out.code >= 0, "killed by a signal:\n{}", out.stderr);
}

/// Runs `surveydeck ARGS` in `dir`, failing the test if it runs longer than [`HANG_LIMIT`].
pub fn run(dir: &Path, args: &[&str]) -> Out {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_surveydeck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn surveydeck");
    // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for surveydeck") {
            break s;
        }
        if start.elapsed() > HANG_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "surveydeck {args:?} did not finish within {} s",
                HANG_LIMIT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().expect("stdout reader")).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().expect("stderr reader")).into_owned();
    Out {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed,
    }
}

/// A temporary folder holding `figures/bar-chart.png` (the figure
/// `samples/minimal.yaml` uses), so surveys written into it can use a real image.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("surveydeck-test-")
        .tempdir()
        .expect("temp dir");
    std::fs::create_dir(dir.path().join("figures")).expect("mkdir figures");
    std::fs::copy(
        root().join("samples/figures/bar-chart.png"),
        dir.path().join("figures/bar-chart.png"),
    )
    .expect("copy figure");
    dir
}

/// A workspace with `samples/minimal.yaml` copied in as `name`.
pub fn minimal_workspace(name: &str) -> tempfile::TempDir {
    let dir = workspace();
    std::fs::copy(root().join("samples/minimal.yaml"), dir.path().join(name))
        .expect("copy minimal.yaml");
    dir
}

/// Writes `bytes` to `dir/name`, creating parent folders.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

/// The names of the entries of `dir` (empty when it does not exist), sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Asserts that `dir` holds no leftover temporary file from an atomic write.
#[track_caller]
pub fn assert_no_temp_files(dir: &Path) {
    let stray: Vec<String> = entries(dir)
        .into_iter()
        .filter(|n| n.starts_with(".surveydeck-") || n.ends_with(".tmp"))
        .collect();
    assert!(
        stray.is_empty(),
        "stray temporary files in {}: {stray:?}",
        dir.display()
    );
}

/// One diagnostic as printed: its header line, its location, its help, the whole block.
#[derive(Debug, Clone)]
pub struct Diag {
    /// `error`, `warning` or `note`.
    pub severity: String,
    pub message: String,
    /// `FILE:LINE:COL` (or just `FILE`), as printed after `  --> `.
    pub location: Option<String>,
    pub help: Option<String>,
    pub block: String,
}

/// Splits stderr into diagnostics (blocks starting `error: `, `warning: `, `note: `).
pub fn diagnostics(stderr: &str) -> Vec<Diag> {
    let mut out: Vec<Diag> = Vec::new();
    for line in stderr.lines() {
        let head = ["error", "warning", "note"].iter().find_map(|sev| {
            line.strip_prefix(&format!("{sev}: "))
                .map(|m| (sev.to_string(), m.to_string()))
        });
        if let Some((severity, message)) = head {
            out.push(Diag {
                severity,
                message,
                location: None,
                help: None,
                block: format!("{line}\n"),
            });
            continue;
        }
        let Some(d) = out.last_mut() else { continue };
        // Lines that are not part of a diagnostic end it ("wrote …", "N slides").
        let part = line.starts_with("  --> ")
            || line.starts_with("  = help: ")
            || line.trim_start().starts_with('|')
            || line
                .split_once(" | ")
                .is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit()))
            || line.split_once(" |").is_some_and(|(n, rest)| {
                rest.is_empty() && n.trim().chars().all(|c| c.is_ascii_digit())
            });
        if !part {
            continue;
        }
        d.block.push_str(line);
        d.block.push('\n');
        if let Some(l) = line.strip_prefix("  --> ") {
            d.location = Some(l.to_string());
        } else if let Some(h) = line.strip_prefix("  = help: ") {
            d.help = Some(h.to_string());
        }
    }
    out
}

/// Finds the diagnostic of `severity` whose message is exactly `message`.
#[track_caller]
pub fn find(stderr: &str, severity: &str, message: &str) -> Diag {
    diagnostics(stderr)
        .into_iter()
        .find(|d| d.severity == severity && d.message == message)
        .unwrap_or_else(|| panic!("no `{severity}: {message}` in stderr:\n{stderr}"))
}

/// Asserts a diagnostic with this severity, message, location (`FILE:LINE:COL`) and help.
#[track_caller]
pub fn assert_diag(
    stderr: &str,
    severity: &str,
    message: &str,
    location: &str,
    help: Option<&str>,
) {
    let d = find(stderr, severity, message);
    assert_eq!(
        d.location.as_deref(),
        Some(location),
        "wrong location for `{message}`:\n{}",
        d.block
    );
    if let Some(h) = help {
        assert_eq!(d.help.as_deref(), Some(h), "wrong help:\n{}", d.block);
    }
}

/// The first diagnostic of `severity` whose message starts with `prefix`.
pub fn find_prefix(stderr: &str, severity: &str, prefix: &str) -> Diag {
    diagnostics(stderr)
        .into_iter()
        .find(|d| d.severity == severity && d.message.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{severity}: {prefix}…` in stderr:\n{stderr}"))
}
