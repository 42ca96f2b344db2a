//! The `surveydeck` command: argument parsing and reporting only; the work
//! is done by the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use surveydeck::diag::{Diagnostic, Diagnostics, Severity};
use surveydeck::document::{self, LoadOptions, Source};

const EXIT_CODES: &str = "Exit codes: 0 success, 1 invalid input, 2 usage error, 3 I/O failure.";

#[derive(Parser)]
#[command(name = "surveydeck", version, about = "Turn a YAML survey document into slides: PDF and PPTX from one layout.", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the slides: PDF and PPTX named after the survey file.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Validate a survey document without writing anything.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The survey document (YAML).
        survey: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Allow figures outside the survey's folder.
        #[arg(long)]
        allow_outside_files: bool,
    },
    /// Print the JSON Schema of the survey format (for editor completion and checks).
    Schema {
        /// Print the schema of theme files instead.
        #[arg(long)]
        theme: bool,
    },
    /// List the built-in themes.
    Themes,
    /// Write a commented starter survey.
    New {
        /// Where to write it (default: survey.yaml).
        #[arg(default_value = "survey.yaml")]
        file: PathBuf,
        /// Overwrite the file if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The survey document (YAML).
    survey: PathBuf,
    /// Output folder (default: the survey's folder). Outputs are named after the survey file.
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Theme: a built-in one (see `surveydeck themes`) or a theme file; overrides the survey's `deck.theme`.
    #[arg(long, value_name = "NAME|FILE")]
    theme: Option<String>,
    /// Which outputs to write.
    #[arg(long, value_delimiter = ',', default_value = "pdf,pptx")]
    format: Vec<Format>,
    /// Also write a plain-text transcript (NAME.txt: each slide's text in reading order) and a
    /// Markdown outline (NAME-outline.md: sections, slide titles, paper links).
    #[arg(long)]
    transcript: bool,
    /// Also write a handout PDF (NAME-handout.pdf) with N slides per page: 1, 2, 3 (with ruled
    /// lines for notes), 4, 6 or 9.
    #[arg(long, value_name = "N", value_parser = parse_per_page)]
    handout: Option<usize>,
    /// Handout order for 4, 6 and 9 per page: across (then down) or down (then across).
    #[arg(long, value_enum, default_value = "across")]
    handout_order: HandoutOrder,
    /// Paper size of handouts and notes pages.
    #[arg(long, value_enum, default_value = "a4")]
    paper: Paper,
    /// Also write notes pages (NAME-notes.pdf): each slide with its speaker notes below.
    #[arg(long)]
    notes_pages: bool,
    /// Fail (exit 1, nothing written) when a PDF or PPTX would be larger than this, e.g. 10MB;
    /// images are downsampled first when that helps.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_size: Option<u64>,
    /// Do not embed font subsets in the PPTX (smaller; PowerPoint then needs BIZ UDPGothic installed).
    #[arg(long)]
    no_embed_fonts: bool,
    /// Write untagged PDFs: no structure tree for screen readers (about a quarter smaller).
    #[arg(long)]
    no_tags: bool,
    /// Validate the PDF against standards: ua1 (PDF/UA-1), a2b, a2a, a2u (PDF/A-2); comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STANDARD")]
    pdf_standard: Vec<PdfStandard>,
    /// Downsample images above --image-dpi at their placed size and re-encode photos as JPEG.
    #[arg(long)]
    compress_images: bool,
    /// Target resolution for --compress-images.
    #[arg(long, value_name = "DPI", default_value_t = 200.0)]
    image_dpi: f32,
    /// Write the laid-out pages as JSON (every page, box and line with its text, position and size).
    #[arg(long, value_name = "FILE")]
    dump_layout: Option<PathBuf>,
    /// Allow figures outside the survey's folder.
    #[arg(long)]
    allow_outside_files: bool,
    /// Treat warnings as errors (exit 1 and write nothing).
    #[arg(long)]
    deny_warnings: bool,
    /// Print errors and warnings only (no notes, no summary).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PdfStandard {
    Ua1,
    A2b,
    A2a,
    A2u,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum HandoutOrder {
    Across,
    Down,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Paper {
    A4,
    Letter,
}

fn parse_per_page(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if surveydeck::layout::impose::PER_PAGE.contains(&n) => Ok(n),
        _ => Err("slides per handout page must be 1, 2, 3, 4, 6 or 9".into()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Pdf,
    Pptx,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => build(&args),
        Command::Check {
            survey,
            deny_warnings,
            allow_outside_files,
        } => check(&survey, deny_warnings, allow_outside_files),
        Command::Schema { theme } => {
            if theme {
                println!("{}", surveydeck::theme::json_schema());
            } else {
                println!("{}", document::json_schema());
            }
            0
        }
        Command::Themes => {
            for (name, description) in surveydeck::themes() {
                println!("{name:<10} {description}");
            }
            0
        }
        Command::New { file, force } => new(&file, force),
    };
    ExitCode::from(code)
}

fn report(diags: &Diagnostics, source: Option<&Source>, quiet: bool) {
    for d in &diags.items {
        if quiet && d.severity == Severity::Note {
            continue;
        }
        let text = source
            .filter(|s| d.file.as_deref() == Some(s.path.as_path()))
            .map(|s| s.text.as_str());
        eprint!("{}", d.render(text));
    }
}

fn check(survey: &Path, deny_warnings: bool, allow_outside: bool) -> u8 {
    let loaded = document::load(survey, &LoadOptions { allow_outside });
    report(&loaded.diags, loaded.source.as_ref(), false);
    let code = load_code(&loaded, deny_warnings);
    if code == 0 {
        let n = loaded.deck.as_ref().map_or(0, |d| d.slides.len());
        eprintln!("{}: ok ({n} slides before fitting)", survey.display());
    }
    code
}

fn load_code(loaded: &document::Loaded, deny_warnings: bool) -> u8 {
    if loaded.io_failure {
        3
    } else if loaded.deck.is_none() || (deny_warnings && loaded.diags.count(Severity::Warning) > 0)
    {
        1
    } else {
        0
    }
}

fn build(args: &BuildArgs) -> u8 {
    let opts = LoadOptions {
        allow_outside: args.allow_outside_files,
    };
    let loaded = document::load(&args.survey, &opts);
    let code = load_code(&loaded, args.deny_warnings);
    if code != 0 {
        report(&loaded.diags, loaded.source.as_ref(), args.quiet);
        return code;
    }
    let Some(deck) = loaded.deck.as_ref() else {
        return 1;
    };
    let mut diags = loaded.diags.clone();
    let theme = match surveydeck::theme_for(deck, args.theme.as_deref()) {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            report(&diags, loaded.source.as_ref(), args.quiet);
            return 1;
        }
    };
    let (mut doc, layout_diags) = match surveydeck::lay_out_with(deck, &theme) {
        Ok(r) => r,
        Err(d) => {
            diags.extend(d);
            report(&diags, loaded.source.as_ref(), args.quiet);
            return 1;
        }
    };
    diags.extend(layout_diags);
    report(&diags, loaded.source.as_ref(), args.quiet);
    if args.deny_warnings && diags.count(Severity::Warning) > 0 {
        eprintln!("error: warnings are denied (--deny-warnings); nothing written");
        return 1;
    }

    let stem = args
        .survey
        .file_stem()
        .map_or_else(|| "survey".into(), |s| s.to_string_lossy().into_owned());
    let dir = match &args.out_dir {
        Some(d) => d.clone(),
        None => args
            .survey
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    if let Err(e) = std::fs::create_dir_all(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &dir
    }) {
        eprintln!("error: cannot create output folder {}: {e}", dir.display());
        return 3;
    }
    if args.compress_images {
        surveydeck::compress::compress_images(&mut doc, args.image_dpi);
    }
    let mut outputs = match render(args, &doc, &theme, &dir, &stem) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if let Some(max) = args.max_size {
        let too_big = |outs: &[(PathBuf, Vec<u8>)]| {
            outs.iter()
                .any(|(p, b)| b.len() as u64 > max && is_shared(p))
        };
        if too_big(&outputs) && !args.compress_images {
            // Smaller images are the first remedy; --max-size implies them.
            let n = surveydeck::compress::compress_images(&mut doc, args.image_dpi);
            if n > 0 {
                eprintln!(
                    "note: {n} images downsampled to {} dpi to meet --max-size",
                    args.image_dpi
                );
                outputs = match render(args, &doc, &theme, &dir, &stem) {
                    Ok(o) => o,
                    Err(code) => return code,
                };
            }
        }
        if too_big(&outputs) {
            for (p, b) in outputs
                .iter()
                .filter(|(p, b)| b.len() as u64 > max && is_shared(p))
            {
                eprintln!(
                    "error: {} would be {}, over --max-size {}",
                    p.display(),
                    human_size(b.len()),
                    human_size(max as usize)
                );
            }
            eprint!("{}", size_report(&doc));
            eprintln!(
                "  = help: remove or shrink the largest images, or raise --max-size; nothing was written"
            );
            return 1;
        }
    }

    // Never overwrite the input with an output.
    let input = args.survey.canonicalize().ok();
    for (path, _) in &outputs {
        let target = surveydeck::output::resolved(path);
        if target.is_some() && target == input {
            eprintln!(
                "error: output {} would overwrite the survey file",
                path.display()
            );
            return 2;
        }
    }
    // All outputs or none: each is staged beside its target, then all are renamed.
    if let Err((path, e)) = surveydeck::output::write_all_atomic(&outputs) {
        eprintln!(
            "error: cannot write {}: {e}; no output was changed",
            path.display()
        );
        return 3;
    }
    if !args.quiet {
        for (path, bytes) in &outputs {
            eprintln!("wrote {} ({})", path.display(), human_size(bytes.len()));
        }
    }
    if !args.quiet {
        eprintln!("{} slides", doc.pages.len());
    }
    0
}

/// Renders every requested output in memory (nothing is written here).
fn render(
    args: &BuildArgs,
    doc: &surveydeck::pages::Document,
    theme: &surveydeck::theme::Theme,
    dir: &Path,
    stem: &str,
) -> Result<Vec<(PathBuf, Vec<u8>)>, u8> {
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(path) = &args.dump_layout {
        match serde_json::to_vec_pretty(doc) {
            Ok(json) => outputs.push((path.clone(), json)),
            Err(e) => {
                eprintln!("error: cannot serialise the layout: {e}");
                return Err(1);
            }
        }
    }
    // The PDF and the PPTX are independent: write them on two threads.
    let want_pdf = args.format.contains(&Format::Pdf);
    let want_pptx = args.format.contains(&Format::Pptx);
    let (pdf, pptx) = std::thread::scope(|scope| {
        let pptx = scope.spawn(|| {
            want_pptx.then(|| {
                surveydeck::pptx::write_pptx(
                    doc,
                    &surveydeck::pptx::PptxOptions {
                        embed_fonts: !args.no_embed_fonts,
                    },
                )
            })
        });
        let pdf = want_pdf.then(|| surveydeck::pdf::write_pdf(doc, &pdf_options(args)));
        (pdf, pptx.join().ok().flatten())
    });
    match pdf {
        Some(Ok(bytes)) => outputs.push((dir.join(format!("{stem}.pdf")), bytes)),
        Some(Err(e)) => {
            eprint!(
                "{}",
                pdf_error(&e, doc, &args.survey)
                    .render(std::fs::read_to_string(&args.survey).ok().as_deref())
            );
            return Err(1);
        }
        None => {}
    }
    match pptx {
        Some(Ok(bytes)) => outputs.push((dir.join(format!("{stem}.pptx")), bytes)),
        Some(Err(e)) => {
            eprintln!("error: PPTX: {e}");
            return Err(1);
        }
        None if want_pptx => {
            eprintln!("error: PPTX: the writer stopped unexpectedly");
            return Err(1);
        }
        None => {}
    }
    let paper = match args.paper {
        Paper::A4 => surveydeck::PaperSize::A4,
        Paper::Letter => surveydeck::PaperSize::Letter,
    };
    if let Some(n) = args.handout {
        let order = match args.handout_order {
            HandoutOrder::Across => surveydeck::Order::Across,
            HandoutOrder::Down => surveydeck::Order::Down,
        };
        let sheets = surveydeck::handout(
            doc,
            &surveydeck::HandoutOptions {
                per_page: n,
                paper,
                order,
            },
            theme,
        );
        match surveydeck::pdf::write_pdf(&sheets, &pdf_options(args)) {
            Ok(bytes) => outputs.push((dir.join(format!("{stem}-handout.pdf")), bytes)),
            Err(e) => {
                eprintln!("error: handout PDF: {e}");
                return Err(1);
            }
        }
    }
    if args.notes_pages {
        let sheets = surveydeck::notes_pages(doc, paper, theme);
        match surveydeck::pdf::write_pdf(&sheets, &pdf_options(args)) {
            Ok(bytes) => outputs.push((dir.join(format!("{stem}-notes.pdf")), bytes)),
            Err(e) => {
                eprintln!("error: notes pages PDF: {e}");
                return Err(1);
            }
        }
    }
    if args.transcript {
        outputs.push((
            dir.join(format!("{stem}.txt")),
            surveydeck::transcript(doc).into_bytes(),
        ));
        outputs.push((
            dir.join(format!("{stem}-outline.md")),
            surveydeck::outline_markdown(doc).into_bytes(),
        ));
    }
    Ok(outputs)
}

fn pdf_options(args: &BuildArgs) -> surveydeck::pdf::PdfOptions {
    use surveydeck::pdf::Standard;
    let standards = args
        .pdf_standard
        .iter()
        .map(|s| match s {
            PdfStandard::Ua1 => Standard::Ua1,
            PdfStandard::A2b => Standard::A2b,
            PdfStandard::A2a => Standard::A2a,
            PdfStandard::A2u => Standard::A2u,
        })
        .collect();
    surveydeck::pdf::PdfOptions {
        tagged: !args.no_tags,
        standards,
    }
}

/// A PDF failure pointing at the slide's place in the survey.
fn pdf_error(
    e: &surveydeck::pdf::PdfError,
    doc: &surveydeck::pages::Document,
    survey: &Path,
) -> Diagnostic {
    let d = Diagnostic::error(format!("PDF: {e}"));
    match e.page.and_then(|p| doc.pages.get(p)) {
        Some(page) if page.source_line > 0 => d
            .at(
                survey,
                surveydeck::diag::Pos {
                    line: page.source_line,
                    col: 1,
                },
            )
            .help("fix the slide that starts here"),
        _ => d,
    }
}

/// Outputs people send or upload (not the layout dump).
fn is_shared(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "pdf" || e == "pptx")
}

/// The biggest contributors to an output's size: each image, then the fonts.
fn size_report(doc: &surveydeck::pages::Document) -> String {
    let mut imgs: Vec<(usize, String)> = doc
        .images
        .iter()
        .map(|i| (i.bytes.len(), i.path.display().to_string()))
        .collect();
    imgs.sort_by_key(|b| std::cmp::Reverse(b.0));
    let total: usize = imgs.iter().map(|i| i.0).sum();
    let mut out = format!(
        "  images: {} in {} files; the largest:\n",
        human_size(total),
        imgs.len()
    );
    for (n, p) in imgs.iter().take(5) {
        out.push_str(&format!("    {} {p}\n", human_size(*n)));
    }
    let glyphs: std::collections::BTreeSet<(usize, u16)> = doc
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            surveydeck::pages::Item::Text(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| {
            t.paragraphs.iter().flat_map(|p| {
                p.marker
                    .iter()
                    .chain(p.lines.iter().flat_map(|l| l.runs.iter()))
            })
        })
        .flat_map(|r| r.glyphs.iter().map(move |g| (r.font, g.id)))
        .collect();
    for (i, f) in doc.fonts.iter().enumerate() {
        let n = glyphs.iter().filter(|g| g.0 == i).count();
        // About 200 bytes a CJK glyph once subset and compressed (measured on BIZ UDPGothic).
        out.push_str(&format!(
            "  font subset {}: {n} glyphs, about {}\n",
            f.postscript,
            human_size(n * 200)
        ));
    }
    out
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mul) = if let Some(n) = t.strip_suffix("MB").or_else(|| t.strip_suffix('M')) {
        (n, 1024.0 * 1024.0)
    } else if let Some(n) = t.strip_suffix("KB").or_else(|| t.strip_suffix('K')) {
        (n, 1024.0)
    } else {
        (t.strip_suffix('B').unwrap_or(&t), 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v > 0.0 => Ok((v * mul) as u64),
        _ => Err(format!(
            "`{s}` is not a size: write e.g. 10MB, 500KB or 2000000"
        )),
    }
}

fn human_size(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KB", (n as f64 / 1024.0).ceil())
    }
}

fn new(file: &Path, force: bool) -> u8 {
    if file.exists() && !force {
        eprintln!(
            "error: {} exists; pass --force to overwrite it",
            file.display()
        );
        return 2;
    }
    match surveydeck::output::write_atomic(file, surveydeck::STARTER.as_bytes()) {
        Ok(()) => {
            eprintln!(
                "wrote {}: edit it, then run `surveydeck build {}`",
                file.display(),
                file.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", file.display());
            3
        }
    }
}
