//! Helpers shared by the integration tests: outside tools and `../shared` files.
//!
//! A test that needs something from outside the crate never passes vacuously
//! in CI: under `CI=true` a missing tool or shared file fails the test; on a
//! developer machine the test says what it skipped and returns.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// True when running in CI (`CI=true`, as `.ci/run` is started).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Reports a missing prerequisite: a failure in CI, a note elsewhere.
pub fn missing(what: &str) {
    assert!(
        !in_ci(),
        "{what} is missing, and CI must not skip this test (install it in .ci/run)"
    );
    eprintln!("note: {what} is missing: this check was skipped (it fails under CI=true)");
}

/// An executable on PATH, or `None` after reporting it missing.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        missing(&format!("the tool `{name}`"));
    }
    found
}

/// A file or folder of the shared material (`../shared` beside the checkout;
/// a worktree deeper down finds it in an ancestor folder), or `None` after
/// reporting it missing.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = root
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared").join(rel))
        .find(|p| p.exists());
    if found.is_none() {
        missing(&format!("../shared/{rel}"));
    }
    found
}

/// Runs a command, panicking with its stderr when it cannot start or fails.
pub fn run(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A sample survey, loaded (no errors) and laid out with `theme`.
pub fn sample_with(name: &str, theme: &str) -> surveydeck::pages::Document {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = surveydeck::document::load(
        &root.join("samples").join(name),
        &surveydeck::document::LoadOptions::default(),
    );
    let deck = loaded
        .deck
        .unwrap_or_else(|| panic!("{name} does not load: {:?}", loaded.diags.items));
    let theme = surveydeck::theme::load(theme, root).expect("built-in theme");
    surveydeck::lay_out_with(&deck, &theme)
        .unwrap_or_else(|d| panic!("{name} does not lay out: {:?}", d.items))
        .0
}

/// Compares `actual` with the snapshot at `path` (relative to the crate).
/// A snapshot is written only when `SURVEYDECK_BLESS=1`; a missing or
/// different one fails, with the new text left beside it as `.new`.
#[track_caller]
pub fn snapshot(path: &str, actual: &str) {
    if let Some(failure) = snapshot_differs(path, actual) {
        panic!("{failure}");
    }
}

/// As [`snapshot`], returning the failure instead of panicking.
pub fn snapshot_differs(path: &str, actual: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let new = path.with_extension(format!(
        "{}.new",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    if std::env::var("SURVEYDECK_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        std::fs::remove_file(&new).ok();
        return None;
    }
    let Ok(expected) = std::fs::read_to_string(&path) else {
        std::fs::write(&new, actual).ok();
        return Some(format!(
            "snapshot {} is missing (the output is in {}; bless with SURVEYDECK_BLESS=1)",
            path.display(),
            new.display()
        ));
    };
    if expected != actual {
        std::fs::write(&new, actual).ok();
        return Some(format!(
            "{} differs (new text in {}; bless with SURVEYDECK_BLESS=1 if intended):\n{}",
            path.display(),
            new.display(),
            diff(&expected, actual)
        ));
    }
    std::fs::remove_file(&new).ok();
    None
}

/// The first differing lines of two texts.
pub fn diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            out.push_str(&format!(
                "line {}:\n- {}\n+ {}\n",
                i + 1,
                x.unwrap_or(&"(none)"),
                y.unwrap_or(&"(none)")
            ));
            if out.len() > 4000 {
                out.push_str("…\n");
                break;
            }
        }
    }
    if a.len() != b.len() {
        out.push_str(&format!("line count {} -> {}\n", a.len(), b.len()));
    }
    out
}

/// The parts of a PPTX file whose names start with `prefix`, one after
/// another (`ppt/slides/slide`: the slides' XML).
pub fn pptx_parts_xml(pptx: &Path, prefix: &str) -> String {
    let bytes = std::fs::read(pptx).unwrap_or_else(|e| panic!("cannot read {pptx:?}: {e}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.name().unwrap_or_default().starts_with(prefix) {
            std::io::Read::read_to_string(&mut f, &mut xml).expect("UTF-8 part");
        }
    }
    xml
}

/// The PDF's text as poppler's `pdftotext -raw` gives it, or `None` after
/// reporting poppler missing.
pub fn poppler_text(pdf: &Path) -> Option<String> {
    let pdftotext = tool("pdftotext")?;
    let o = run(std::process::Command::new(pdftotext)
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-"));
    Some(String::from_utf8(o.stdout).expect("UTF-8 text"))
}

/// The PDF's text as pdf.js gives it (`scripts/pdfjs/text.mjs`), or `None`
/// after reporting node or the pdf.js package missing (a fresh clone has
/// not run `npm install --prefix scripts/pdfjs`; `.ci/run` does).
pub fn pdfjs_text(pdf: &Path) -> Option<String> {
    let node = tool("node")?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pdfjs");
    if !root.join("node_modules/pdfjs-dist").is_dir() {
        missing("pdf.js (npm install --prefix scripts/pdfjs)");
        return None;
    }
    let o = run(std::process::Command::new(node)
        .arg(root.join("text.mjs"))
        .arg(pdf));
    Some(String::from_utf8(o.stdout).expect("UTF-8 text"))
}

/// The PDF's text from each extractor that is installed: (name, text).
pub fn extracted_texts(pdf: &Path) -> Vec<(&'static str, String)> {
    let mut tools = Vec::new();
    if let Some(t) = poppler_text(pdf) {
        tools.push(("poppler", t));
    }
    if let Some(t) = pdfjs_text(pdf) {
        tools.push(("pdf.js", t));
    }
    tools
}
