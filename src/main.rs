//! The `surveydeck` command: argument parsing and reporting only; the work
//! is done by the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use surveydeck::document;
use surveydeck::pipeline;

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
    /// Build, then rebuild on every save of the survey, its theme or a figure; with --serve, a live
    /// preview in the browser. Ctrl-C stops.
    #[command(after_help = EXIT_CODES)]
    Watch(WatchArgs),
    /// Run the whole build without writing anything: the same checks, the same exit code.
    /// Takes every option of `build`, so `check` with a build's options checks that build.
    #[command(after_help = EXIT_CODES)]
    Check(BuildArgs),
    /// Print the JSON Schema of the survey format (for editor completion and checks).
    Schema {
        /// Print the schema of theme files instead.
        #[arg(long)]
        theme: bool,
    },
    /// List the built-in themes.
    Themes,
    /// Import papers from arXiv ids into a survey: titles, authors, links, abstracts as bullets,
    /// translations (DeepL or your own program) and figures. Fills empty fields only and keeps
    /// every edit; see docs/import.md.
    #[command(after_help = IMPORT_HELP)]
    Import(ImportArgs),
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

const IMPORT_HELP: &str = "Environment: DEEPL_AUTH_KEY (DeepL key, never written anywhere), \
SURVEYDECK_ARXIV_API, SURVEYDECK_ARXIV_EPRINT, SURVEYDECK_DEEPL_API (endpoints), \
SURVEYDECK_ARXIV_DELAY_MS (default 3000), SURVEYDECK_CACHE_DIR, HTTPS_PROXY/NO_PROXY.
Exit codes: 0 success, 1 invalid input or ids arXiv does not know, 2 usage error, 3 network, service or I/O failure.";

#[derive(clap::Args)]
struct ImportArgs {
    /// The survey to add the papers to (created from the starter if missing).
    survey: PathBuf,
    /// arXiv ids in any form: 2009.06732, 2009.06732v2, arXiv:2009.06732, abs/pdf links, cs/0112017.
    ids: Vec<String>,
    /// A file of ids, one a line; a line `# top recent` starts a ranking of that name.
    #[arg(long, value_name = "FILE")]
    ids_file: Option<PathBuf>,
    /// Add the command-line ids (and ids file lines before any `# name`) to this ranking.
    #[arg(long, value_name = "NAME")]
    ranking: Option<String>,
    /// Translate titles and summaries: deepl (key in DEEPL_AUTH_KEY), none, or command:PROG
    /// (a program reading and writing JSON lines).
    #[arg(long, value_name = "deepl|none|command:PROG", default_value = "none", value_parser = surveydeck::import::translate::Provider::parse)]
    translate: surveydeck::import::translate::Provider,
    /// Terms to translate your way: a TSV file, `English<TAB>訳語` a line.
    #[arg(long, value_name = "FILE.tsv")]
    glossary: Option<PathBuf>,
    /// Copy up to N figures (PNG/JPEG) per paper from its arXiv source archive into figures/<id>/.
    #[arg(long, value_name = "N", default_value_t = 0)]
    figures: usize,
    /// Use only the cache; list what is missing.
    #[arg(long)]
    offline: bool,
    /// Fetch arXiv metadata and sources again instead of using the cache.
    #[arg(long, conflicts_with = "offline")]
    refresh: bool,
    /// Print what would be fetched and how many characters would go to the translator; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
struct WatchArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Serve a live preview at ADDR (default 127.0.0.1:8000; port 0 picks a free one): the slides,
    /// the diagnostics, links to the PDF and PPTX, reloaded on every rebuild.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:8000")]
    serve: Option<std::net::SocketAddr>,
    /// Open the preview in the default browser.
    #[arg(long, requires = "serve")]
    open: bool,
    /// Let --serve listen on an address other machines can reach (it serves only loopback otherwise).
    #[arg(long, requires = "serve")]
    allow_remote: bool,
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
    /// Which outputs to write: pdf, pptx, png (one picture per slide, NAME-001.png …), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "pdf,pptx")]
    format: Vec<Format>,
    /// Width of the slide pictures of --format png, in pixels.
    #[arg(long, value_name = "PX", default_value_t = surveydeck::png::DEFAULT_WIDTH, value_parser = clap::value_parser!(u32).range(16..=16384))]
    png_width: u32,
    /// Also write a contact sheet (NAME-sheet.png): every slide in a numbered grid.
    #[arg(long)]
    contact_sheet: bool,
    /// Also write a share card (NAME-card.png): the first slide framed at 1200×630 for link previews.
    #[arg(long)]
    share_card: bool,
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
    /// Print a QR code of each paper's link, with its arXiv id, beside its slide on
    /// handouts and notes pages (links cannot be clicked on paper).
    #[arg(long)]
    qr: bool,
    /// Also write NAME.pdfpc: the speaker notes of every page for presenter tools that
    /// show the PDF (pdfpc and viewers that read its format).
    #[arg(long)]
    pdfpc: bool,
    /// Also write NAME.bib: every paper as a BibTeX @misc entry with its arXiv eprint.
    #[arg(long)]
    bib: bool,
    /// Also write NAME.json: every paper as CSL-JSON (Zotero, Mendeley, pandoc).
    #[arg(long)]
    csl_json: bool,
    /// Make the deck right for where it goes: a sharing site (PDF with pages twice the
    /// slide size, its size limit), mail (images at 150 dpi, 10 MB) or print (a 3-up
    /// handout with QR codes). See docs/sharing.md.
    #[arg(long = "for", value_enum, value_name = "DESTINATION")]
    destination: Option<Destination>,
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
    /// A folder of fonts for characters the bundled and theme fonts lack (Hangul, Chinese,
    /// emoji…); searched before the system's fonts. Repeatable.
    #[arg(long, value_name = "DIR")]
    font_path: Vec<PathBuf>,
    /// Do not look for fallback faces among the system's fonts: only the bundled fonts, the
    /// theme's and --font-path folders are used, so the output is the same on every machine.
    #[arg(long)]
    ignore_system_fonts: bool,
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
enum Destination {
    Speakerdeck,
    Slideshare,
    Docswell,
    Mail,
    Print,
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
    Png,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => build(&args),
        Command::Watch(args) => watch(&args),
        Command::Check(args) => check(&args),
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
        Command::Import(args) => import(args),
    };
    ExitCode::from(code)
}

/// The pipeline's options from the command line.
fn options(args: &BuildArgs) -> pipeline::Options {
    use surveydeck::pdf::Standard;
    let paper = match args.paper {
        Paper::A4 => surveydeck::PaperSize::A4,
        Paper::Letter => surveydeck::PaperSize::Letter,
    };
    let order = match args.handout_order {
        HandoutOrder::Across => surveydeck::Order::Across,
        HandoutOrder::Down => surveydeck::Order::Down,
    };
    let mut opts = pipeline::Options {
        survey: args.survey.clone(),
        out_dir: args.out_dir.clone(),
        theme: args.theme.clone(),
        pdf: args.format.contains(&Format::Pdf),
        pptx: args.format.contains(&Format::Pptx),
        transcript: args.transcript,
        handout: args.handout.map(|per_page| surveydeck::HandoutOptions {
            per_page,
            paper,
            order,
            qr: args.qr,
        }),
        notes_pages: args.notes_pages.then_some(paper),
        notes_qr: args.qr,
        max_size: args.max_size,
        compress_images: args.compress_images.then_some(args.image_dpi),
        image_dpi: args.image_dpi,
        pdf_options: surveydeck::pdf::PdfOptions {
            tagged: !args.no_tags,
            standards: args
                .pdf_standard
                .iter()
                .map(|s| match s {
                    PdfStandard::Ua1 => Standard::Ua1,
                    PdfStandard::A2b => Standard::A2b,
                    PdfStandard::A2a => Standard::A2a,
                    PdfStandard::A2u => Standard::A2u,
                })
                .collect(),
        },
        pptx_options: surveydeck::pptx::PptxOptions {
            embed_fonts: !args.no_embed_fonts,
        },
        png: (args.format.contains(&Format::Png) || args.contact_sheet || args.share_card).then(
            || surveydeck::png::PngOptions {
                slides: args.format.contains(&Format::Png),
                width: args.png_width,
                sheet: args.contact_sheet,
                card: args.share_card,
            },
        ),
        dump_layout: args.dump_layout.clone(),
        allow_outside_files: args.allow_outside_files,
        deny_warnings: args.deny_warnings,
        fonts: surveydeck::FontOptions {
            paths: args.font_path.clone(),
            system: !args.ignore_system_fonts,
        },
        page_scale: 1.0,
        pdfpc: args.pdfpc,
        bib: args.bib,
        csl_json: args.csl_json,
    };
    if let Some(d) = args.destination {
        use surveydeck::destination::Destination as D;
        match d {
            Destination::Speakerdeck => D::SpeakerDeck,
            Destination::Slideshare => D::SlideShare,
            Destination::Docswell => D::Docswell,
            Destination::Mail => D::Mail,
            Destination::Print => D::Print,
        }
        .apply(&mut opts);
    }
    opts
}

/// A `--font-path` that is not a folder is a usage error (exit 2).
fn bad_font_path(args: &BuildArgs) -> Option<u8> {
    let dir = args.font_path.iter().find(|d| !d.is_dir())?;
    eprintln!(
        "error: --font-path {} is not a folder\n  = help: pass a folder that holds .ttf, .otf or .ttc files",
        dir.display()
    );
    Some(2)
}

/// `watch`: the library's watch loop; this prints what it reports.
fn watch(args: &WatchArgs) -> u8 {
    use surveydeck::watch::{self, Event};
    if let Some(addr) = args.serve
        && !addr.ip().is_loopback()
        && !args.allow_remote
    {
        eprintln!(
            "error: --serve {addr} is not a loopback address; the preview is for this machine \
             (127.0.0.1 or [::1]); pass --allow-remote to serve it to others"
        );
        return 2;
    }
    let opts = watch::WatchOptions {
        build: options(&args.build),
        png_width: args.build.png_width,
        quiet: args.build.quiet,
    };
    let open = args.open;
    let result = watch::watch(opts, args.serve, |e| match e {
        Event::Serving(addr) => {
            let url = format!("http://{addr}/");
            eprintln!("serving the preview at {url} (Ctrl-C stops)");
            if open {
                open_browser(&url);
            }
        }
        Event::Rebuilt(r) => {
            eprint!("{}", r.report);
            if r.ok {
                eprintln!(
                    "built: {} of {} slides changed; slides shown after {} ms, outputs written after {} ms",
                    r.changed.len(),
                    r.slides,
                    r.visible_after.as_millis(),
                    r.total.as_millis()
                );
            } else {
                eprintln!(
                    "build failed: fix the errors above and save again (the preview keeps the last good slides)"
                );
            }
        }
        Event::Warning(w) => eprintln!("warning: {w}"),
    });
    match result {
        Ok(()) => {
            eprintln!("stopped");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            3
        }
    }
}

/// Opens `url` in the desktop's browser; failing that, says so.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}

/// `check`: the whole build in memory, nothing written.
fn check(args: &BuildArgs) -> u8 {
    if let Some(code) = bad_font_path(args) {
        return code;
    }
    let run = pipeline::run(&options(args));
    eprint!("{}", run.render(args.quiet));
    if let Ok(out) = &run.outcome
        && !args.quiet
    {
        eprintln!("{}: ok ({} slides)", args.survey.display(), out.slides);
    }
    run.exit_code()
}

fn build(args: &BuildArgs) -> u8 {
    if let Some(code) = bad_font_path(args) {
        return code;
    }
    let opts = options(args);
    let run = pipeline::run(&opts);
    eprint!("{}", run.render(args.quiet));
    let outputs = match &run.outcome {
        Ok(o) => o,
        Err(f) => return f.exit_code(),
    };
    for r in &outputs.remarks {
        eprintln!("note: {r}");
    }
    if let Err(d) = pipeline::write(&opts, outputs) {
        eprint!("{}", d.render(None));
        return pipeline::Failure::Io.exit_code();
    }
    if !args.quiet {
        for (path, bytes) in &outputs.files {
            eprintln!(
                "wrote {} ({})",
                path.display(),
                pipeline::human_size(bytes.len() as u64)
            );
        }
        eprintln!("{} slides", outputs.slides);
    }
    0
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

fn import(args: ImportArgs) -> u8 {
    let opts = surveydeck::import::Options {
        survey: args.survey,
        ids: args.ids,
        ids_file: args.ids_file,
        ranking: args.ranking,
        translate: args.translate,
        glossary: args.glossary,
        figures: args.figures,
        offline: args.offline,
        refresh: args.refresh,
        dry_run: args.dry_run,
    };
    let summary = match surveydeck::import::run(&opts, &mut |m| eprintln!("{m}")) {
        Ok(s) => s,
        Err(f) => {
            eprintln!("error: {}", f.message());
            if f.exit_code() != 2 {
                eprintln!("  = note: {} was not changed", opts.survey.display());
            }
            return f.exit_code();
        }
    };
    for p in &summary.problems {
        eprintln!("warning: {p}");
    }
    if opts.dry_run {
        return 0;
    }
    let survey = opts.survey.display();
    for (paper, field) in &summary.kept {
        eprintln!("kept your edit of {paper}: {field}");
    }
    if summary.written {
        eprintln!(
            "{} {survey}: {} papers added, {} updated; fill the TODOs (org, commentary), then `surveydeck check {survey}`",
            if summary.created { "created" } else { "wrote" },
            summary.added.len(),
            summary.updated.len(),
        );
    } else {
        eprintln!("{survey} is up to date");
    }
    u8::from(!summary.problems.is_empty())
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

// See `mimalloc` in Cargo.toml for why and what it measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
