//! Outputs for where decks go: the pdfpc notes file, BibTeX and CSL-JSON,
//! the references slide and the `--for` destinations.

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::Document as Pdf;
use surveydeck::destination::Destination;
use surveydeck::pages::{Link, PageKind};
use surveydeck::pipeline::{self, Options, Outputs};

const SAMPLE: &str = "samples/2020-10-ai-update.yaml";

fn build(opts: &Options) -> Outputs {
    let run = pipeline::run(opts);
    match run.outcome {
        Ok(o) => o,
        Err(f) => panic!("build failed ({f:?}):\n{}", run.render(false)),
    }
}

fn file<'a>(out: &'a Outputs, ext: &str) -> &'a [u8] {
    out.files
        .iter()
        .find(|(p, _)| p.to_string_lossy().ends_with(ext))
        .map(|(_, b)| b.as_slice())
        .unwrap_or_else(|| panic!("no {ext} output"))
}

fn sample_opts() -> Options {
    Options {
        survey: PathBuf::from(SAMPLE),
        out_dir: Some(std::env::temp_dir()),
        pptx: false,
        ..Options::default()
    }
}

/// The ids of the papers the sample presents, in order of first appearance.
fn sample_paper_ids() -> Vec<String> {
    let loaded = surveydeck::document::load(Path::new(SAMPLE), &Default::default());
    let deck = loaded.deck.expect("sample loads");
    let mut ids: Vec<String> = Vec::new();
    for s in &deck.slides {
        if let surveydeck::document::SlideKind::Paper(p) = &s.kind
            && !ids.contains(&p.id)
        {
            ids.push(p.id.clone());
        }
    }
    ids
}

#[test]
fn pdfpc_has_every_page_and_its_notes() {
    let out = build(&Options {
        pdfpc: true,
        dump_layout: None,
        ..sample_opts()
    });
    let pdf = Pdf::load_mem(file(&out, ".pdf")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(file(&out, ".pdfpc")).unwrap();
    assert_eq!(v["pdfpcFormat"], 2);
    assert_eq!(v["disableMarkdown"], true);
    let pages = v["pages"].as_array().unwrap();
    assert_eq!(pages.len(), pdf.get_pages().len());
    // The notes come from the laid-out pages, continuation pages included.
    let loaded = surveydeck::document::load(Path::new(SAMPLE), &Default::default());
    let doc = surveydeck::lay_out(&loaded.deck.unwrap()).unwrap().0;
    let mut with_notes = 0;
    for (i, (entry, page)) in pages.iter().zip(&doc.pages).enumerate() {
        assert_eq!(entry["idx"], i);
        assert_eq!(entry["label"], (i + 1).to_string());
        match &page.notes {
            Some(n) if !n.trim().is_empty() => {
                assert_eq!(entry["note"], n.as_str(), "page {}", i + 1);
                with_notes += 1;
            }
            _ => assert!(entry.get("note").is_none(), "page {} has no notes", i + 1),
        }
    }
    assert!(with_notes > 0, "the sample has speaker notes");
}

/// A tool an outside check needs: under CI its absence fails the test.
fn python_with(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "python3 with {module} is missing (CI installs it in .ci/run)"
    );
    if !ok {
        eprintln!("python3 {module} not installed: skipped");
    }
    ok
}

#[test]
fn bibtex_parses_with_one_entry_per_paper() {
    let out = build(&Options {
        pdf: false,
        bib: true,
        ..sample_opts()
    });
    let bib = std::str::from_utf8(file(&out, ".bib")).unwrap();
    let ids = sample_paper_ids();
    assert!(ids.len() >= 10);
    assert_eq!(bib.matches("@misc{").count(), ids.len());
    if !python_with("bibtexparser") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("refs.bib");
    std::fs::write(&path, bib).unwrap();
    // bibtexparser 2 reads the file and reports what it could not parse.
    let script = r#"
import json, sys, bibtexparser
lib = bibtexparser.parse_file(sys.argv[1])
print(json.dumps({
    "failed": len(lib.failed_blocks),
    "entries": [{"key": e.key, "type": e.entry_type,
                 **{f.key: f.value for f in e.fields}} for e in lib.entries],
}))
"#;
    let res = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(v["failed"], 0);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), ids.len());
    for (e, id) in entries.iter().zip(&ids) {
        let bare = id.split('v').next().unwrap();
        assert_eq!(e["type"], "misc");
        assert_eq!(e["eprint"], bare);
        assert_eq!(e["archivePrefix"], "arXiv");
        assert!(e["url"].as_str().unwrap().contains(bare));
        assert!(!e["title"].as_str().unwrap().is_empty());
    }
}

#[test]
fn csl_json_validates_against_the_csl_schema() {
    let out = build(&Options {
        pdf: false,
        csl_json: true,
        ..sample_opts()
    });
    let data: serde_json::Value = serde_json::from_slice(file(&out, ".json")).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/csl/csl-data.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(data.as_array().unwrap().len(), sample_paper_ids().len());
}

#[test]
fn references_section_lists_every_paper_once_with_links() {
    let dir = tempfile::tempdir().unwrap();
    let survey = dir.path().join("refs.yaml");
    let mut text = std::fs::read_to_string(SAMPLE).unwrap();
    text.push_str("  - references: 参考文献\n");
    std::fs::write(&survey, text).unwrap();
    // The sample's figures are relative to the samples folder.
    let yaml = std::fs::read_to_string(&survey).unwrap().replace(
        "figures/",
        &format!("{}/samples/figures/", env!("CARGO_MANIFEST_DIR")),
    );
    std::fs::write(&survey, yaml).unwrap();
    let loaded = surveydeck::document::load(
        &survey,
        &surveydeck::document::LoadOptions {
            allow_outside: true,
        },
    );
    let deck = loaded
        .deck
        .unwrap_or_else(|| panic!("{:?}", loaded.diags.items));
    let doc = surveydeck::lay_out(&deck).unwrap().0;
    let refs: Vec<_> = doc
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::References)
        .collect();
    assert!(!refs.is_empty(), "a references slide");
    assert!(refs[0].title.starts_with("参考文献"));
    let ids = sample_paper_ids();
    let mut linked = Vec::new();
    for page in &refs {
        for run in page.runs() {
            if let Some(Link::Url(u)) = &run.link {
                linked.push((run.text.clone(), u.clone()));
            }
        }
    }
    let linked_ids: Vec<String> = linked
        .iter()
        .filter_map(|(t, _)| t.strip_prefix("arXiv:").map(str::to_owned))
        .collect();
    assert_eq!(linked_ids, ids, "each paper once, in order, its id linked");
    let text: String = refs.iter().map(|p| p.text()).collect();
    assert!(text.contains("[1]") && text.contains(&format!("[{}]", ids.len())));
}

/// Page size in points from the first page's MediaBox.
fn page_size(pdf: &Pdf) -> (f32, f32) {
    let (_, id) = pdf.get_pages().into_iter().next().unwrap();
    let page = pdf.get_dictionary(id).unwrap();
    let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let n = |o: &lopdf::Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32));
    (
        n(&mb[2]).unwrap() - n(&mb[0]).unwrap(),
        n(&mb[3]).unwrap() - n(&mb[1]).unwrap(),
    )
}

#[test]
fn each_destination_builds_the_sample_within_its_limits() {
    for d in [
        Destination::SpeakerDeck,
        Destination::SlideShare,
        Destination::Docswell,
        Destination::Mail,
        Destination::Print,
    ] {
        let mut opts = Options {
            pptx: true,
            ..sample_opts()
        };
        d.apply(&mut opts);
        let p = d.profile();
        let out = build(&opts);
        assert!(
            !out.files
                .iter()
                .any(|(f, _)| f.extension().is_some_and(|e| e == "pptx")),
            "{d:?}: the PDF only"
        );
        let bytes = file(&out, &format!("{}.pdf", "2020-10-ai-update"));
        assert!(bytes.len() as u64 <= p.max_size, "{d:?}: over its limit");
        let pdf = Pdf::load_mem(bytes).unwrap();
        let (w, h) = page_size(&pdf);
        assert!(
            (w - 960.0 * p.page_scale).abs() < 0.5 && (h - 540.0 * p.page_scale).abs() < 0.5,
            "{d:?}: page {w} × {h}"
        );
        // Links survive the larger page.
        let annots = pdf
            .objects
            .values()
            .filter(|o| {
                o.as_dict()
                    .ok()
                    .and_then(|d| d.get(b"Subtype").ok())
                    .and_then(|s| s.as_name().ok())
                    == Some(b"Link".as_slice())
            })
            .count();
        assert!(annots > 20, "{d:?}: links kept");
        if d == Destination::Print {
            assert!(
                out.files
                    .iter()
                    .any(|(f, _)| f.to_string_lossy().ends_with("-handout.pdf")),
                "print writes a handout"
            );
            assert!(opts.handout.is_some_and(|h| h.qr && h.per_page == 3));
        }
    }
}
