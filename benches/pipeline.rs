//! The pipeline benchmark: `cargo bench --bench pipeline`.
//!
//! Reports medians, and ratios against baselines measured in the same run
//! (Typst on the same 69 slides when `typst` is installed; our own untagged
//! PDF for the cost of tagging). Figures go to BENCHMARKS.md by hand.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use surveydeck::document::{self, LoadOptions};
use surveydeck::pdf::PdfOptions;

// The in-process figures use the allocator the binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = "samples/2020-10-ai-update.yaml";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        out = Some(f());
        times.push(t.elapsed());
    }
    (median(times), out.expect("at least one run"))
}

/// A command line whose leading `NAME=value` words are environment variables.
fn command(cmd: &[String]) -> Command {
    let vars = cmd.iter().take_while(|w| w.contains('=')).count();
    let mut c = Command::new(&cmd[vars]);
    c.args(&cmd[vars + 1..]);
    for v in &cmd[..vars] {
        if let Some((k, val)) = v.split_once('=') {
            c.env(k, val);
        }
    }
    c
}

/// Wall times of whole commands, run in turn round after round (after one
/// warm-up round) so that drifts in the machine's speed hit all of them
/// alike; `None` for a command that fails.
fn interleaved(rounds: usize, cmds: &[Vec<String>], dir: &Path) -> Vec<Option<Vec<Duration>>> {
    let mut times: Vec<Option<Vec<Duration>>> = vec![Some(Vec::new()); cmds.len()];
    for round in 0..=rounds {
        for (cmd, t) in cmds.iter().zip(times.iter_mut()) {
            let Some(list) = t else { continue };
            let start = Instant::now();
            let ok = command(cmd)
                .current_dir(dir)
                .output()
                .is_ok_and(|o| o.status.success());
            let took = start.elapsed();
            if !ok {
                *t = None;
            } else if round > 0 {
                list.push(took);
            }
        }
    }
    times
}

/// Peak memory (KB) of a command, from GNU time.
fn peak_rss(cmd: &[String], dir: &Path) -> Option<u64> {
    let vars = cmd.iter().take_while(|w| w.contains('=')).count();
    let time = ["/usr/bin/time", "-f", "%M"].map(String::from);
    command(&[&cmd[..vars], &time, &cmd[vars..]].concat())
        .current_dir(dir)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()?
                .trim()
                .parse()
                .ok()
        })
}

/// A survey of `n` slides: rankings of ten papers with summaries and commentary.
fn generated(n: usize) -> String {
    let mut y =
        String::from("deck:\n  title: 生成された大きなサーベイ\n  date: 2026-11-01\npapers:\n");
    // About 1.1 slides per paper (the ranking list slides add the rest).
    let papers = (n * 10).div_ceil(11);
    for i in 0..papers {
        y.push_str(&format!(
            "  \"p{i}\":\n    title: \"Paper number {i}: a study of scaling laws\"\n    title_ja: 第{i}番目の論文：スケーリング則の研究\n    org: どこかの研究所\n    summary:\n      - 大規模言語モデルの性能はパラメータ数とデータ量に従って予測可能な形で向上する.\n      - - 計算予算が一定の場合, モデルとデータを同じ割合で増やすのが最適である.\n      - 本研究では Transformer ベースのモデルを 100 種類以上学習させて検証した.\n    commentary:\n      - 今後のモデル設計の指針になる.\n"
        ));
    }
    y.push_str("sections:\n");
    for r in 0..papers.div_ceil(10) {
        y.push_str(&format!("  - ranking: top list {r}\n    papers: ["));
        let ids: Vec<String> = (r * 10..((r + 1) * 10).min(papers))
            .map(|i| format!("\"p{i}\""))
            .collect();
        y.push_str(&ids.join(", "));
        y.push_str("]\n");
    }
    y
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("cd");
    let sample = Path::new(SAMPLE);
    println!("## In process, reference sample (median of 21)\n");
    println!("| stage | median ms |\n| --- | ---: |");
    let (t_load, deck) = time(21, || {
        document::load(sample, &LoadOptions::default())
            .deck
            .expect("loads")
    });
    let (t_layout, (doc, _)) = time(21, || surveydeck::lay_out(&deck).expect("lays out"));
    let (t_pdf, pdf) = time(21, || {
        surveydeck::pdf::write_pdf(&doc, &PdfOptions::default()).expect("pdf")
    });
    let (t_untagged, pdf_plain) = time(21, || {
        surveydeck::pdf::write_pdf(
            &doc,
            &PdfOptions {
                tagged: false,
                standards: vec![],
            },
        )
        .expect("pdf")
    });
    let (t_pptx, pptx) = time(21, || {
        surveydeck::pptx::write_pptx(&doc, &Default::default()).expect("pptx")
    });
    for (name, t) in [
        ("load + validate", t_load),
        ("layout", t_layout),
        ("PDF (tagged)", t_pdf),
        ("PDF (untagged)", t_untagged),
        ("PPTX", t_pptx),
    ] {
        println!("| {name} | {:.1} |", ms(t));
    }
    println!(
        "\n{} pages; PDF {} KB (untagged {} KB, tagging +{:.1}% size, +{:.1}% time); PPTX {} KB\n",
        doc.pages.len(),
        pdf.len() / 1024,
        pdf_plain.len() / 1024,
        (pdf.len() as f64 / pdf_plain.len() as f64 - 1.0) * 100.0,
        (ms(t_pdf) / ms(t_untagged) - 1.0) * 100.0,
        pptx.len() / 1024
    );

    println!("## Whole process (release binary; 31 rounds, the commands in turn)\n");
    let bin = env!("CARGO_BIN_EXE_surveydeck");
    let out = tempfile::tempdir().expect("tmp");
    let o = out.path().to_string_lossy().into_owned();
    let sample_abs = root.join(SAMPLE).to_string_lossy().into_owned();
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    // Ours on all cores, then on one (`RAYON_NUM_THREADS=1`: the PDF and
    // PPTX writers still run side by side, each on one thread).
    let one = "RAYON_NUM_THREADS=1";
    let mut cmds = vec![
        owned(&[bin, "build", &sample_abs, "-o", &o, "--format", "pdf", "-q"]),
        owned(&[bin, "build", &sample_abs, "-o", &o, "-q"]),
        owned(&[
            one,
            bin,
            "build",
            &sample_abs,
            "-o",
            &o,
            "--format",
            "pdf",
            "-q",
        ]),
        owned(&[one, bin, "build", &sample_abs, "-o", &o, "-q"]),
    ];
    let names = [
        "surveydeck build → PDF",
        "surveydeck build → PDF + PPTX",
        "same, RAYON_NUM_THREADS=1 → PDF",
        "same, RAYON_NUM_THREADS=1 → PDF + PPTX",
    ];
    // The shared folder beside this checkout or one of its parents' (worktrees).
    let shared = root
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared"))
        .find(|p| p.join("bench").exists())
        .unwrap_or_else(|| root.join("../shared"));
    // Typst on the same slides with the same two fonts, if installed.
    let typst_dir = tempfile::tempdir().expect("tmp");
    let typst_pdf = typst_dir.path().join("deck.pdf");
    let typst_ready = (|| {
        let ok = Command::new("python3")
            .arg(shared.join("bench/seed_to_md.py"))
            .arg("--out")
            .arg(typst_dir.path())
            .arg(shared.join("seeds/000_9e3f0ab64c079ccc.txt"))
            .output()
            .ok()?
            .status
            .success();
        if !ok {
            return None;
        }
        let typ = typst_dir.path().join("deck.typ");
        let text = std::fs::read_to_string(&typ)
            .ok()?
            .replace("Noto Sans CJK JP", "BIZ UDPGothic");
        std::fs::write(&typ, text).ok()?;
        let fonts = root.join("fonts").to_string_lossy().into_owned();
        Some(owned(&[
            "typst",
            "compile",
            "--ignore-system-fonts",
            "--font-path",
            &fonts,
            &typ.to_string_lossy(),
            &typst_pdf.to_string_lossy(),
        ]))
    })();
    if let Some(cmd) = &typst_ready {
        cmds.push(cmd.clone());
    }
    let times = interleaved(31, &cmds, &root);
    println!("| command | median ms | peak RSS MB |\n| --- | ---: | ---: |");
    for (i, t) in times.iter().enumerate() {
        let name = match names.get(i) {
            Some(n) => (*n).to_owned(),
            None => {
                let pages = Command::new("pdfinfo")
                    .arg(&typst_pdf)
                    .output()
                    .ok()
                    .and_then(|o| {
                        String::from_utf8_lossy(&o.stdout)
                            .lines()
                            .find(|l| l.starts_with("Pages:"))
                            .and_then(|l| l[6..].trim().parse::<usize>().ok())
                    });
                format!(
                    "typst compile ({} pages)",
                    pages.map_or("?".into(), |p| p.to_string())
                )
            }
        };
        match t {
            Some(list) => println!(
                "| {name} | {:.1} | {} |",
                ms(median(list.clone())),
                peak_rss(&cmds[i], &root)
                    .map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
            ),
            None => println!("| {name} | failed | |"),
        }
    }
    let typst = times.get(names.len()).cloned().flatten();
    match &typst {
        Some(typst) => {
            println!();
            for (name, ours) in names.iter().zip(&times) {
                let Some(ours) = ours else { continue };
                // Per round, then the median: a slow moment slows both commands.
                let mut ratios: Vec<f64> = ours
                    .iter()
                    .zip(typst)
                    .map(|(a, b)| ms(*b) / ms(*a))
                    .collect();
                ratios.sort_by(f64::total_cmp);
                println!(
                    "Typst / ({name}): {:.2}× (median of per-round ratios; \
                     quartiles {:.2}–{:.2}), {:.2}× from the medians",
                    ratios[ratios.len() / 2],
                    ratios[ratios.len() / 4],
                    ratios[3 * ratios.len() / 4],
                    ms(median(typst.clone())) / ms(median(ours.clone()))
                );
            }
        }
        None if typst_ready.is_none() => {
            println!("| typst compile | not installed (cargo install --locked typst-cli) | |")
        }
        None => {}
    }

    println!("\n## Scaling: generated surveys, whole process, PDF + PPTX (median of 3)\n");
    println!(
        "| slides | median ms | ms per slide | peak RSS MB | PDF KB | PPTX KB |\n| ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().to_string_lossy().into_owned();
    for n in [1000usize, 10_000] {
        let path = dir.path().join(format!("gen{n}.yaml"));
        std::fs::write(&path, generated(n)).expect("write");
        let p = path.to_string_lossy().into_owned();
        // One run that reports the slide count, then the timed ones.
        let out = Command::new(bin)
            .args(["build", &p, "-o", &d])
            .output()
            .expect("runs");
        let slides: usize = String::from_utf8_lossy(&out.stderr)
            .lines()
            .find_map(|l| l.strip_suffix(" slides")?.parse().ok())
            .expect("the build reports its slides");
        let cmd = owned(&[bin, "build", &p, "-o", &d, "-q"]);
        let times = interleaved(3, std::slice::from_ref(&cmd), &root);
        let t = median(times[0].clone().expect("builds"));
        let size = |ext: &str| {
            std::fs::metadata(dir.path().join(format!("gen{n}.{ext}")))
                .map_or(0, |m| m.len() / 1024)
        };
        println!(
            "| {slides} | {:.0} | {:.2} | {} | {} | {} |",
            ms(t),
            ms(t) / slides as f64,
            peak_rss(&cmd, &root).map_or("?".into(), |k| format!("{:.0}", k as f64 / 1024.0)),
            size("pdf"),
            size("pptx")
        );
    }
}
