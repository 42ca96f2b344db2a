//! The watch benchmark: `cargo bench --bench watch`.
//!
//! A one-slide edit of the reference deck (69 slides) in a running watch
//! session, as `surveydeck watch` does it: the time until the changed
//! slides are drawn and ready to show, and until the PDF and PPTX are
//! written too. The baseline, measured in the same run, is the same rebuild
//! in a fresh session (every slide drawn, no cached outlines or figures).
//! Medians; figures go to BENCHMARKS.md by hand.

use std::path::Path;
use std::time::Duration;

use surveydeck::pipeline;
use surveydeck::watch::{Session, WatchOptions};

const SAMPLE: &str = "samples/2020-10-ai-update.yaml";
const LINE: &str = "現在の深層学習研究はベンチマーク評価が主流である.";
const ROUNDS: usize = 15;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(Path::new("samples"), tmp.path());
    let survey = tmp.path().join("2020-10-ai-update.yaml");
    let text = std::fs::read_to_string(SAMPLE).expect("the reference sample");
    assert!(text.contains(LINE), "the edited line is in the sample");
    let opts = WatchOptions {
        build: pipeline::Options {
            survey: survey.clone(),
            out_dir: Some(tmp.path().join("out")),
            ..Default::default()
        },
        png_width: 1280,
        quiet: true,
    };
    let mut session = Session::new(opts.clone());
    let first = session.rebuild();
    assert!(first.ok, "{}", first.report);
    println!(
        "first build: {} slides shown after {:.1} ms, outputs after {:.1} ms",
        first.slides,
        first.visible_after.as_secs_f64() * 1000.0,
        first.total.as_secs_f64() * 1000.0
    );
    let (mut visible, mut total, mut fresh_visible) = (Vec::new(), Vec::new(), Vec::new());
    let mut changed = Vec::new();
    for round in 0..ROUNDS {
        // Alternate two versions of one bullet, so every round changes one slide.
        let edited = text.replace(LINE, &format!("{LINE}（{}）", round % 2));
        std::fs::write(&survey, &edited).expect("save");
        let r = session.rebuild();
        assert!(r.ok, "{}", r.report);
        visible.push(r.visible_after);
        total.push(r.total);
        changed.push(r.changed.len());
        // Baseline: the same state in a session with nothing to reuse.
        let mut cold = Session::new(opts.clone());
        let c = cold.rebuild();
        assert!(c.ok);
        fresh_visible.push(c.visible_after);
    }
    changed.sort();
    let (v, t, f) = (median(visible), median(total), median(fresh_visible));
    println!(
        "one-slide edit ({} slide(s) redrawn, median): shown after {v:.1} ms, PDF + PPTX written after {t:.1} ms",
        changed[changed.len() / 2]
    );
    println!(
        "same rebuild in a fresh session (all {} slides drawn): shown after {f:.1} ms ({:.1}× the watch session)",
        first.slides,
        f / v
    );
}
