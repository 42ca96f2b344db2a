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

/// Median wall time of a whole command, and its peak memory (KB) from GNU time.
fn process(runs: usize, cmd: &[&str], dir: &Path) -> Option<(Duration, Option<u64>)> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let ok = Command::new(cmd[0])
            .args(&cmd[1..])
            .current_dir(dir)
            .output()
            .ok()?
            .status
            .success();
        if !ok {
            return None;
        }
        times.push(t.elapsed());
    }
    let rss = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .args(cmd)
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
        });
    Some((median(times), rss))
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

fn pipeline(path: &Path) -> (usize, usize, usize) {
    let loaded = document::load(path, &LoadOptions::default());
    let deck = loaded.deck.expect("loads");
    let (doc, _) = surveydeck::lay_out(&deck).expect("lays out");
    let pdf = surveydeck::pdf::write_pdf(&doc, &PdfOptions::default()).expect("pdf");
    let pptx = surveydeck::pptx::write_pptx(&doc, &Default::default()).expect("pptx");
    (doc.pages.len(), pdf.len(), pptx.len())
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

    println!("## Whole process (median of 11, release binary)\n");
    let bin = env!("CARGO_BIN_EXE_surveydeck");
    let out = tempfile::tempdir().expect("tmp");
    let o = out.path().to_string_lossy().into_owned();
    let sample_abs = root.join(SAMPLE).to_string_lossy().into_owned();
    let ours_pdf = process(
        11,
        &[bin, "build", &sample_abs, "-o", &o, "--format", "pdf", "-q"],
        &root,
    );
    let ours_both = process(11, &[bin, "build", &sample_abs, "-o", &o, "-q"], &root);
    // Typst on the same slides with the same two fonts, if installed.
    let typst = (|| {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("python3")
            .args(["../shared/bench/seed_to_md.py", "--out"])
            .arg(dir.path())
            .arg("../shared/seeds/000_9e3f0ab64c079ccc.txt")
            .output()
            .ok()?
            .status
            .success();
        if !ok {
            return None;
        }
        let typ = dir.path().join("deck.typ");
        let text = std::fs::read_to_string(&typ)
            .ok()?
            .replace("Noto Sans CJK JP", "BIZ UDPGothic");
        std::fs::write(&typ, text).ok()?;
        let fonts = root.join("fonts").to_string_lossy().into_owned();
        let typ_s = typ.to_string_lossy().into_owned();
        let pdf_s = dir.path().join("deck.pdf").to_string_lossy().into_owned();
        let r = process(
            11,
            &[
                "typst",
                "compile",
                "--ignore-system-fonts",
                "--font-path",
                &fonts,
                &typ_s,
                &pdf_s,
            ],
            &root,
        )?;
        let pages = Command::new("pdfinfo")
            .arg(&pdf_s)
            .output()
            .ok()
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .find(|l| l.starts_with("Pages:"))
                    .and_then(|l| l[6..].trim().parse::<usize>().ok())
            });
        Some((r, pages))
    })();
    println!("| command | median ms | peak RSS MB |\n| --- | ---: | ---: |");
    let row = |name: &str, r: &Option<(Duration, Option<u64>)>| match r {
        Some((t, rss)) => println!(
            "| {name} | {:.1} | {} |",
            ms(*t),
            rss.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
        ),
        None => println!("| {name} | failed | |"),
    };
    row("surveydeck build → PDF", &ours_pdf);
    row("surveydeck build → PDF + PPTX", &ours_both);
    match &typst {
        Some((r, pages)) => {
            row(
                &format!(
                    "typst compile ({} pages)",
                    pages.map_or("?".into(), |p| p.to_string())
                ),
                &Some(*r),
            );
            if let Some((t, _)) = ours_pdf {
                println!(
                    "\nRatio: typst / surveydeck (PDF) = {:.2}×",
                    ms(r.0) / ms(t)
                );
            }
        }
        None => println!("| typst compile | not installed (cargo install --locked typst-cli) | |"),
    }

    println!(
        "\n## Scaling: generated surveys, load + layout + PDF + PPTX in process (median of 3)\n"
    );
    println!(
        "| slides | median ms | ms per slide | PDF KB | PPTX KB |\n| ---: | ---: | ---: | ---: | ---: |"
    );
    let dir = tempfile::tempdir().expect("tmp");
    for n in [250usize, 500, 1000] {
        let path = dir.path().join(format!("gen{n}.yaml"));
        std::fs::write(&path, generated(n)).expect("write");
        let (t, (pages, pdf, pptx)) = time(3, || pipeline(&path));
        println!(
            "| {pages} | {:.0} | {:.2} | {} | {} |",
            ms(t),
            ms(t) / pages as f64,
            pdf / 1024,
            pptx / 1024
        );
    }
}
