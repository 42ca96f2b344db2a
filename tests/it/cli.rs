//! The command line: outputs and their names, atomic replacement, exit codes,
//! `new`, `schema`, `--help`, and determinism.

use crate::support;

use std::path::Path;

use support::{assert_no_temp_files, entries, find, minimal_workspace, root, run, write};

const EXIT_CODES: &str = "Exit codes: 0 success, 1 invalid input, 2 usage error, 3 I/O failure.";

/// The number in the "N slides" line `build` prints last.
fn slide_count(stderr: &str) -> usize {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_suffix(" slides")?.parse().ok())
        .unwrap_or_else(|| panic!("no \"N slides\" line:\n{stderr}"))
}

#[test]
fn build_writes_outputs_named_after_the_survey_into_the_out_dir() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let out = run(
        dir,
        &[
            "build",
            "talk.yaml",
            "-o",
            "slides",
            "--format",
            "pdf",
            "--transcript",
        ],
    );
    out.expect(0);
    let pdf = std::fs::read(dir.join("slides/talk.pdf")).expect("talk.pdf written");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let doc = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    assert_eq!(doc.get_pages().len(), slide_count(&out.stderr));
    let txt = std::fs::read_to_string(dir.join("slides/talk.txt")).expect("talk.txt written");
    assert!(txt.starts_with("Slide 1\n"), "{txt}");
    assert!(txt.contains("Paper reading club, May"), "{txt}");
    assert!(
        out.stderr.contains("wrote slides/talk.pdf"),
        "{}",
        out.stderr
    );
    // Nothing else lands next to the survey, and no temporary file is left.
    assert_eq!(entries(dir), ["figures", "slides", "talk.yaml"]);
    assert_no_temp_files(&dir.join("slides"));

    // Without --transcript, no transcript.
    let out = run(
        dir,
        &["build", "talk.yaml", "-o", "pdf-only", "--format", "pdf"],
    );
    out.expect(0);
    assert_eq!(entries(&dir.join("pdf-only")), ["talk.pdf"]);
}

#[test]
fn build_without_out_dir_writes_next_to_the_survey() {
    let ws = minimal_workspace("my.talk.yaml");
    let dir = ws.path();
    std::fs::create_dir(dir.join("deck")).unwrap();
    std::fs::rename(dir.join("my.talk.yaml"), dir.join("deck/my.talk.yaml")).unwrap();
    std::fs::rename(dir.join("figures"), dir.join("deck/figures")).unwrap();
    run(dir, &["build", "deck/my.talk.yaml", "--format", "pdf"]).expect(0);
    // Only the last extension is the survey's: my.talk.yaml → my.talk.pdf.
    assert!(dir.join("deck/my.talk.pdf").is_file());
    assert_eq!(entries(dir), ["deck"]);
}

#[test]
fn default_formats_write_the_pdf() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    run(dir, &["build", "talk.yaml", "-o", "out"]).expect(0);
    assert!(dir.join("out/talk.pdf").is_file());
    assert_no_temp_files(&dir.join("out"));
}

/// Asserts that the file at `path` holds exactly `bytes` (without printing them).
#[track_caller]
fn assert_same(path: &Path, bytes: &[u8]) {
    let now = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        now == bytes,
        "{} changed ({} bytes, was {})",
        path.display(),
        now.len(),
        bytes.len()
    );
}

/// Builds `talk.yaml` into `out` and returns the PDF's bytes.
fn good_build(dir: &Path) -> Vec<u8> {
    run(dir, &["build", "talk.yaml", "-o", "out", "--format", "pdf"]).expect(0);
    std::fs::read(dir.join("out/talk.pdf")).unwrap()
}

#[test]
fn failing_build_keeps_the_previous_pdf() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let before = good_build(dir);
    let good = std::fs::read_to_string(dir.join("talk.yaml")).unwrap();

    // Invalid input.
    write(
        dir,
        "talk.yaml",
        good.replace("  title: Paper", "  titel: Paper"),
    );
    let out = run(dir, &["build", "talk.yaml", "-o", "out", "--format", "pdf"]);
    out.expect(1);
    find(&out.stderr, "error", "unknown field `titel`");
    assert_same(&dir.join("out/talk.pdf"), &before);
    assert_eq!(entries(&dir.join("out")), ["talk.pdf"]);

    // A figure that only layout finds broken.
    write(dir, "figures/bar-chart.png", b"not a png");
    write(dir, "talk.yaml", &good);
    let out = run(
        dir,
        &[
            "build",
            "talk.yaml",
            "-o",
            "out",
            "--format",
            "pdf",
            "--transcript",
        ],
    );
    out.expect(1);
    assert!(
        out.stderr.contains("figures/bar-chart.png"),
        "{}",
        out.stderr
    );
    assert_same(&dir.join("out/talk.pdf"), &before);
    assert_eq!(entries(&dir.join("out")), ["talk.pdf"]);
    assert_no_temp_files(&dir.join("out"));
    assert_no_temp_files(dir);
}

#[test]
fn failing_write_keeps_the_previous_pdf_and_leaves_no_temp_files() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let before = good_build(dir);

    // The layout dump is written first; when it cannot be, nothing is replaced.
    let out = run(
        dir,
        &[
            "build",
            "talk.yaml",
            "-o",
            "out",
            "--format",
            "pdf",
            "--dump-layout",
            "no/such/folder/layout.json",
        ],
    );
    out.expect(3);
    assert!(
        out.stderr.contains("no/such/folder/layout.json"),
        "{}",
        out.stderr
    );
    assert_same(&dir.join("out/talk.pdf"), &before);
    assert_eq!(entries(&dir.join("out")), ["talk.pdf"]);

    // The PDF's own path is taken by a folder: exit 3, no temporary file left.
    let ws2 = minimal_workspace("talk.yaml");
    let dir2 = ws2.path();
    std::fs::create_dir_all(dir2.join("out/talk.pdf")).unwrap();
    write(dir2, "out/talk.pdf/keep", b"x");
    let out = run(
        dir2,
        &["build", "talk.yaml", "-o", "out", "--format", "pdf"],
    );
    out.expect(3);
    assert!(out.stderr.contains("out/talk.pdf"), "{}", out.stderr);
    assert_eq!(entries(&dir2.join("out")), ["talk.pdf"]);
    assert_eq!(entries(&dir2.join("out/talk.pdf")), ["keep"]);
    assert_no_temp_files(&dir2.join("out"));
}

#[test]
fn failing_transcript_write_keeps_the_previous_pdf() {
    // build → out/talk.pdf; edit the survey; make out/talk.txt a folder;
    // `build --transcript` exits 3 ("cannot write out/talk.txt") but out/talk.pdf
    // is already the new one.
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let before = good_build(dir);
    let text = std::fs::read_to_string(dir.join("talk.yaml")).unwrap();
    write(
        dir,
        "talk.yaml",
        text.replace("Paper reading club, May", "Paper reading club, June"),
    );
    std::fs::create_dir_all(dir.join("out/talk.txt/x")).unwrap();
    let out = run(
        dir,
        &[
            "build",
            "talk.yaml",
            "-o",
            "out",
            "--format",
            "pdf",
            "--transcript",
        ],
    );
    out.expect(3);
    assert_same(&dir.join("out/talk.pdf"), &before);
}

#[test]
fn out_dir_that_cannot_be_created_is_an_io_failure() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    // Under a regular file: fails even for root.
    write(dir, "plain-file", b"x");
    let out = run(
        dir,
        &[
            "build",
            "talk.yaml",
            "-o",
            "plain-file/out",
            "--format",
            "pdf",
        ],
    );
    out.expect(3);
    assert!(out.stderr.contains("plain-file/out"), "{}", out.stderr);
    assert_eq!(std::fs::read(dir.join("plain-file")).unwrap(), b"x");
}

#[cfg(unix)]
#[test]
fn out_dir_under_a_read_only_folder_is_an_io_failure() {
    use std::os::unix::fs::PermissionsExt;
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions (CI runs as root): then the build runs as
    // `nobody`, from a copy of the binary that user can reach.
    let as_root = std::fs::write(locked.join("probe"), b"x").is_ok();
    if as_root {
        std::fs::remove_file(locked.join("probe")).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_surveydeck"), dir.join("surveydeck")).unwrap();
    }
    for target in ["locked/out", "locked"] {
        let args = ["build", "talk.yaml", "-o", target, "--format", "pdf"];
        let (code, stderr) = if as_root {
            let out = std::process::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(dir.join("surveydeck"))
                .args(args)
                .current_dir(dir)
                .env("NO_COLOR", "1")
                .output()
                .expect("setpriv (util-linux) runs the build as nobody");
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        } else {
            let out = run(dir, &args);
            out.expect(3);
            (Some(out.code), out.stderr.clone())
        };
        assert_eq!(code, Some(3), "{stderr}");
        assert!(stderr.contains(target), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(entries(&locked), Vec::<String>::new());
}

/// Runs `build ARGS` in a fresh folder holding the minimal sample as `name`,
/// expects exit 2 and the survey left as it was.
fn refuses_to_overwrite(name: &str, args: &[&str]) {
    let ws = minimal_workspace(name);
    let dir = ws.path();
    let before = std::fs::read(dir.join(name)).unwrap();
    let out = run(dir, args);
    out.expect(2);
    assert!(
        out.stderr.contains("would overwrite the survey file"),
        "{}",
        out.stderr
    );
    assert_same(&dir.join(name), &before);
    assert_no_temp_files(dir);
}

#[test]
fn output_never_overwrites_the_survey() {
    refuses_to_overwrite(
        "talk.yaml",
        &[
            "build",
            "./talk.yaml",
            "--format",
            "pdf",
            "--dump-layout",
            "./talk.yaml",
        ],
    );
    // A survey named like an output: notes.txt and its transcript.
    refuses_to_overwrite(
        "notes.txt",
        &["build", "./notes.txt", "--format", "pdf", "--transcript"],
    );
}

#[test]
fn output_never_overwrites_the_survey_named_without_a_folder() {
    // In the survey's folder, `surveydeck build talk.yaml --dump-layout talk.yaml`
    // exits 0 and replaces talk.yaml with the layout JSON; likewise
    // `surveydeck build notes.txt --transcript` replaces the survey notes.txt
    // with its transcript. With `./talk.yaml` / `./notes.txt` the guard works
    // (exit 2). Cause: main.rs canonicalizes `path.parent()`, which is `""` here.
    refuses_to_overwrite(
        "talk.yaml",
        &[
            "build",
            "talk.yaml",
            "--format",
            "pdf",
            "--dump-layout",
            "talk.yaml",
        ],
    );
    refuses_to_overwrite(
        "notes.txt",
        &["build", "notes.txt", "--format", "pdf", "--transcript"],
    );
}

#[test]
fn new_writes_a_starter_that_checks_and_refuses_to_overwrite() {
    let ws = tempfile::tempdir().unwrap();
    let dir = ws.path();
    let out = run(dir, &["new", "x.yaml"]);
    out.expect(0);
    let starter = std::fs::read(dir.join("x.yaml")).expect("x.yaml written");
    assert!(!starter.is_empty());
    let check = run(dir, &["check", "x.yaml"]);
    check.expect(0);
    assert!(check.stderr.contains("x.yaml: ok ("), "{}", check.stderr);
    // Clean: no warnings either.
    run(dir, &["check", "--deny-warnings", "x.yaml"]).expect(0);
    run(dir, &["build", "x.yaml", "-o", "out", "--format", "pdf"]).expect(0);
    assert!(dir.join("out/x.pdf").is_file());

    // An existing file is kept…
    write(dir, "x.yaml", b"# mine\n");
    let out = run(dir, &["new", "x.yaml"]);
    out.expect(2);
    assert!(
        out.stderr.contains("x.yaml") && out.stderr.contains("--force"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(dir.join("x.yaml")).unwrap(), b"# mine\n");
    // …unless forced.
    run(dir, &["new", "x.yaml", "--force"]).expect(0);
    assert_same(&dir.join("x.yaml"), &starter);

    // The default name.
    run(dir, &["new"]).expect(0);
    assert_same(&dir.join("survey.yaml"), &starter);
    assert_no_temp_files(dir);

    // Into a folder that does not exist: an I/O failure.
    let out = run(dir, &["new", "no/such/dir/s.yaml"]);
    out.expect(3);
    assert!(out.stderr.contains("no/such/dir/s.yaml"), "{}", out.stderr);
}

#[test]
fn schema_prints_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["schema"]);
    out.expect(0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema is JSON");
    for key in ["deck", "papers", "sections"] {
        assert!(
            v["properties"][key].is_object(),
            "no properties.{key} in {}",
            out.stdout
        );
    }
    let required: Vec<&str> = v["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(required.contains(&"deck") && required.contains(&"sections"));
    assert!(!required.contains(&"papers"));
    // Nothing written.
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn help_mentions_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["help"][..],
        &["build", "--help"][..],
        &["check", "--help"][..],
    ] {
        let out = run(dir.path(), args);
        out.expect(0);
        assert!(
            out.stdout.contains(EXIT_CODES),
            "`surveydeck {}` does not list the exit codes:\n{}",
            args.join(" "),
            out.stdout
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["build"][..],
        &["check"][..],
        &["build", "s.yaml", "--format", "docx"][..],
        &["build", "s.yaml", "--no-such-flag"][..],
        &["check", "a.yaml", "b.yaml"][..],
    ] {
        let out = run(dir.path(), args);
        out.expect(2);
        assert!(out.stderr.contains("error"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn unreadable_survey_is_an_io_failure() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    for cmd in ["check", "build"] {
        let out = run(dir, &[cmd, "no-such-survey.yaml"]);
        out.expect(3);
        let d = support::diagnostics(&out.stderr)
            .into_iter()
            .find(|d| d.severity == "error")
            .unwrap_or_else(|| panic!("no error:\n{}", out.stderr));
        assert!(d.message.contains("no-such-survey.yaml"), "{}", d.block);
        assert_eq!(d.location.as_deref(), Some("no-such-survey.yaml"));

        // A folder is not a survey.
        let out = run(dir, &[cmd, "figures"]);
        out.expect(3);
        assert!(out.stderr.contains("figures"), "{}", out.stderr);
    }
    assert_eq!(entries(dir), ["figures", "talk.yaml"]);
}

#[test]
fn check_says_ok_and_writes_nothing() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let out = run(dir, &["check", "talk.yaml"]);
    out.expect(0);
    assert!(out.stderr.contains("talk.yaml: ok ("), "{}", out.stderr);
    assert_eq!(entries(dir), ["figures", "talk.yaml"]);
}

#[test]
fn quiet_prints_no_notes_or_summary() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    let out = run(
        dir,
        &["build", "talk.yaml", "-o", "out", "--format", "pdf", "-q"],
    );
    out.expect(0);
    assert!(!out.stderr.contains("wrote "), "{}", out.stderr);
    assert!(!out.stderr.contains("note: "), "{}", out.stderr);
    assert!(dir.join("out/talk.pdf").is_file());
}

#[test]
fn same_input_gives_identical_pdf_bytes() {
    let ws = minimal_workspace("talk.yaml");
    let dir = ws.path();
    run(dir, &["build", "talk.yaml", "-o", "a", "--format", "pdf"]).expect(0);
    run(dir, &["build", "talk.yaml", "-o", "b", "--format", "pdf"]).expect(0);
    let a = std::fs::read(dir.join("a/talk.pdf")).unwrap();
    let b = std::fs::read(dir.join("b/talk.pdf")).unwrap();
    assert!(a == b, "two builds of the same survey differ");

    // And from a copy of the survey folder elsewhere.
    let ws2 = minimal_workspace("talk.yaml");
    run(
        ws2.path(),
        &["build", "talk.yaml", "-o", "c", "--format", "pdf"],
    )
    .expect(0);
    let c = std::fs::read(ws2.path().join("c/talk.pdf")).unwrap();
    assert!(
        a == c,
        "the same survey in another folder builds differently"
    );
}

#[test]
fn the_reference_sample_builds() {
    // The large sample exercises every feature: it must keep building cleanly
    // through the CLI (warnings allowed, no errors).
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("samples/2020-10-ai-update.yaml");
    let out = run(
        dir.path(),
        &[
            "build",
            sample.to_str().unwrap(),
            "-o",
            "out",
            "--format",
            "pdf",
        ],
    );
    out.expect(0);
    assert!(dir.path().join("out/2020-10-ai-update.pdf").is_file());
    assert!(
        !support::diagnostics(&out.stderr)
            .iter()
            .any(|d| d.severity == "error"),
        "{}",
        out.stderr
    );
}

#[test]
fn max_size_below_the_real_size_fails_and_writes_nothing() {
    let ws = minimal_workspace("talk.yaml");
    let out = run(
        ws.path(),
        &["build", "talk.yaml", "-o", "out", "--max-size", "20KB"],
    );
    out.expect(1);
    assert!(out.stderr.contains("over --max-size"), "{}", out.stderr);
    assert!(
        out.stderr.contains("font subset BIZUDPGothic-Regular"),
        "names the contributors:\n{}",
        out.stderr
    );
    assert!(!ws.path().join("out/talk.pdf").exists() && !ws.path().join("out/talk.pptx").exists());
    assert_no_temp_files(&ws.path().join("out"));
    // A limit above the real size passes.
    run(
        ws.path(),
        &["build", "talk.yaml", "-o", "out", "--max-size", "10MB"],
    )
    .expect(0);
    assert!(ws.path().join("out/talk.pdf").exists());
}

#[test]
fn pdf_ua_requires_alt_text_and_points_at_the_slide() {
    let ws = minimal_workspace("talk.yaml");
    run(
        ws.path(),
        &[
            "build",
            "talk.yaml",
            "-o",
            "ok",
            "--format",
            "pdf",
            "--pdf-standard",
            "ua1",
        ],
    )
    .expect(0);
    // A figure with neither alt text nor caption.
    let fig = entries(&ws.path().join("figures"))
        .into_iter()
        .find(|f| f.ends_with(".png"))
        .expect("a figure");
    write(
        ws.path(),
        "noalt.yaml",
        format!(
            "deck:\n  title: T\nsections:\n  - slide: 図\n    figures:\n      - image: figures/{fig}\n"
        ),
    );
    let out = run(
        ws.path(),
        &[
            "build",
            "noalt.yaml",
            "-o",
            "bad",
            "--format",
            "pdf",
            "--pdf-standard",
            "ua1",
        ],
    );
    out.expect(1);
    let w = find(
        &out.stderr,
        "warning",
        &format!("figure `figures/{fig}` has no alternative text"),
    );
    assert_eq!(w.location.as_deref(), Some("noalt.yaml:6:16"));
    let d = support::find_prefix(&out.stderr, "error", "PDF: slide 2:");
    assert_eq!(d.location.as_deref(), Some("noalt.yaml:4:1"), "{}", d.block);
    assert!(!ws.path().join("bad/noalt.pdf").exists());
}

/// The outputs do not depend on how many threads build them: the reference
/// sample built on one thread and on three gives the same PDF and PPTX bytes.
#[test]
fn outputs_do_not_depend_on_the_thread_count() {
    let sample = root().join("samples/2020-10-ai-update.yaml");
    let built: Vec<(Vec<u8>, Vec<u8>)> = ["1", "3"]
        .iter()
        .map(|threads| {
            let out = tempfile::tempdir().unwrap();
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_surveydeck"))
                .arg("build")
                .arg(&sample)
                .arg("-o")
                .arg(out.path())
                .arg("--quiet")
                .env("RAYON_NUM_THREADS", threads)
                .status()
                .expect("runs");
            assert!(status.success());
            let read = |ext: &str| {
                std::fs::read(out.path().join(format!("2020-10-ai-update.{ext}"))).unwrap()
            };
            (read("pdf"), read("pptx"))
        })
        .collect();
    assert!(
        built[0].0 == built[1].0,
        "the PDF differs between 1 and 3 threads"
    );
    assert!(
        built[0].1 == built[1].1,
        "the PPTX differs between 1 and 3 threads"
    );
}
