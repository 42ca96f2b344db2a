//! The one build pipeline that `check`, `build` and `watch` call.
//!
//! [`run`] does every step of a build in memory: load and validate the
//! survey, resolve the theme and its fonts, check the figures, lay out
//! (glyph coverage), render every requested output (PDF standards are
//! validated while the PDF is written) and apply `--max-size` and
//! `--deny-warnings`. [`write`] then puts the outputs on disk, all or none.
//! `check` is [`run`] without [`write`], so both give the same verdict.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity};
use crate::document::{self, LoadOptions, Source};
use crate::layout::impose::{HandoutOptions, PaperSize};
use crate::pages;
use crate::pdf::PdfOptions;
use crate::pptx::PptxOptions;
use crate::theme::Theme;

/// What to build. `Default` is the CLI's defaults: PDF and PPTX, tagged,
/// fonts embedded, next to the survey.
#[derive(Debug, Clone)]
pub struct Options {
    /// The survey document (YAML).
    pub survey: PathBuf,
    /// Output folder; `None` is the survey's folder.
    pub out_dir: Option<PathBuf>,
    /// A built-in theme name or a theme file; overrides `deck.theme`.
    pub theme: Option<String>,
    pub pdf: bool,
    pub pptx: bool,
    /// Also a plain-text transcript and a Markdown outline.
    pub transcript: bool,
    pub handout: Option<HandoutOptions>,
    /// Notes pages on this paper.
    pub notes_pages: Option<PaperSize>,
    /// QR codes of the papers' links on notes pages (`--qr`; handouts carry
    /// their own flag in `HandoutOptions`). The theme's `print.qr` also asks.
    pub notes_qr: bool,
    /// Fail when a PDF or PPTX would be larger than this many bytes.
    pub max_size: Option<u64>,
    /// Downsample images to this resolution at their placed size.
    pub compress_images: Option<f32>,
    /// The resolution `--max-size` downsamples to when it must.
    pub image_dpi: f32,
    pub pdf_options: PdfOptions,
    pub pptx_options: PptxOptions,
    /// Also PNG pictures: the slides, a contact sheet, a share card.
    pub png: Option<crate::png::PngOptions>,
    /// Also the laid-out pages as JSON, at this path.
    pub dump_layout: Option<PathBuf>,
    pub allow_outside_files: bool,
    /// Warnings fail the run.
    pub deny_warnings: bool,
    /// Where faces for characters the bundled and theme fonts lack come from.
    pub fonts: crate::FontOptions,
    /// PDF pages as a multiple of the slide size (`--for` a sharing site).
    pub page_scale: f32,
    /// Also a `.pdfpc` file of the notes for presenter tools.
    pub pdfpc: bool,
    /// Also the papers as BibTeX (`NAME.bib`).
    pub bib: bool,
    /// Also the papers as CSL-JSON (`NAME.json`).
    pub csl_json: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            survey: PathBuf::new(),
            out_dir: None,
            theme: None,
            pdf: true,
            pptx: true,
            transcript: false,
            handout: None,
            notes_pages: None,
            notes_qr: false,
            max_size: None,
            compress_images: None,
            image_dpi: 200.0,
            pdf_options: PdfOptions::default(),
            pptx_options: PptxOptions::default(),
            png: None,
            dump_layout: None,
            allow_outside_files: false,
            deny_warnings: false,
            fonts: crate::FontOptions::default(),
            page_scale: 1.0,
            pdfpc: false,
            bib: false,
            csl_json: false,
        }
    }
}

/// Why a run failed, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Bad input (the survey, a theme, a figure) or denied warnings: exit 1.
    Invalid,
    /// A usage error, e.g. an output that would overwrite the survey: exit 2.
    Usage,
    /// The survey could not be read or an output not written: exit 3.
    Io,
}

impl Failure {
    pub fn exit_code(self) -> u8 {
        match self {
            Failure::Invalid => 1,
            Failure::Usage => 2,
            Failure::Io => 3,
        }
    }
}

/// Everything a successful run made, in memory.
#[derive(Debug)]
pub struct Outputs {
    /// Each output file's path and bytes, in the order they are reported.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// The number of slides after fitting (continuation slides included).
    pub slides: usize,
    /// Notes the run wants shown after the diagnostics (e.g. images downsampled).
    pub remarks: Vec<String>,
    /// The laid-out pages the outputs were made from (`watch` draws its preview from them).
    pub doc: pages::Document,
}

/// One run: its diagnostics (always) and its outputs or why it failed.
#[derive(Debug)]
pub struct Run {
    /// The survey's text, for rendering diagnostics with their lines.
    pub source: Option<Source>,
    pub diags: Diagnostics,
    pub outcome: Result<Outputs, Failure>,
}

impl Run {
    pub fn exit_code(&self) -> u8 {
        self.outcome.as_ref().map_or_else(|f| f.exit_code(), |_| 0)
    }

    /// The diagnostics as the CLI prints them (`quiet` leaves out notes).
    pub fn render(&self, quiet: bool) -> String {
        let mut out = String::new();
        for d in &self.diags.items {
            if quiet && d.severity == Severity::Note {
                continue;
            }
            let text = self
                .source
                .as_ref()
                .filter(|s| d.file.as_deref() == Some(s.path.as_path()))
                .map(|s| s.text.as_str());
            out.push_str(&d.render(text));
        }
        out
    }
}

/// Runs every step of a build in memory; nothing is written.
pub fn run(opts: &Options) -> Run {
    // Layout needs the phrase model and the bundled fonts, built once per
    // process: build them on rayon's pool (starting it too) while this
    // thread reads the survey, instead of after it.
    rayon::spawn(|| {
        crate::text::phrase::model_loaded();
        crate::text::FontBook::bundled();
    });
    let loaded = document::load(
        &opts.survey,
        &LoadOptions {
            allow_outside: opts.allow_outside_files,
        },
    );
    let mut run = Run {
        source: loaded.source,
        diags: loaded.diags,
        outcome: Err(Failure::Invalid),
    };
    if loaded.io_failure {
        run.outcome = Err(Failure::Io);
        return run;
    }
    let Some(deck) = loaded.deck else {
        // The survey has errors; its figures can still be checked, so that
        // every broken one is reported in this run, not one build at a time.
        if let Some(partial) = &loaded.partial
            && let Ok(theme) = crate::theme_for(partial, opts.theme.as_deref())
            && let Err(d) = crate::lay_out_with_fonts(partial, &theme, &opts.fonts)
        {
            run.diags.items.extend(
                d.items
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error),
            );
        }
        sort_by_line(&mut run.diags, &opts.survey);
        return run;
    };
    sort_by_line(&mut run.diags, &opts.survey);
    let outcome = build_deck(&deck, opts, &mut run.diags);
    run.outcome = outcome.and_then(|o| {
        if opts.deny_warnings && run.diags.count(Severity::Warning) > 0 {
            run.diags.push(
                Diagnostic::error("warnings are denied (--deny-warnings); nothing written")
                    .help("fix the warnings above, or leave out --deny-warnings"),
            );
            Err(Failure::Invalid)
        } else {
            Ok(o)
        }
    });
    run
}

/// Orders the survey's diagnostics by line; a note stays after the
/// diagnostic it explains, and those without a line keep their order at the end.
fn sort_by_line(diags: &mut Diagnostics, survey: &Path) {
    let mut key = (u32::MAX, 0);
    let mut keyed: Vec<((u32, u32), Diagnostic)> = diags
        .items
        .drain(..)
        .map(|d| {
            if d.severity != Severity::Note {
                key = if d.pos.is_known() && d.file.as_deref() == Some(survey) {
                    (d.pos.line, d.pos.col)
                } else {
                    (u32::MAX, 0)
                };
            }
            (key, d)
        })
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    diags.items = keyed.into_iter().map(|(_, d)| d).collect();
}

/// Theme, layout and every output of a loaded deck.
fn build_deck(
    deck: &document::Deck,
    opts: &Options,
    diags: &mut Diagnostics,
) -> Result<Outputs, Failure> {
    let theme = crate::theme_for(deck, opts.theme.as_deref()).map_err(|d| {
        diags.extend(d);
        Failure::Invalid
    })?;
    let (mut doc, layout_diags) =
        crate::lay_out_with_fonts(deck, &theme, &opts.fonts).map_err(|d| {
            diags.extend(d);
            Failure::Invalid
        })?;
    diags.extend(layout_diags);
    let dir = out_dir(opts);
    let stem = opts
        .survey
        .file_stem()
        .map_or_else(|| "survey".into(), |s| s.to_string_lossy().into_owned());
    let mut remarks = Vec::new();
    if let Some(dpi) = opts.compress_images {
        crate::compress::compress_images(&mut doc, dpi);
    }
    let mut files = render(opts, &doc, &theme, &dir, &stem, diags)?;
    if opts.pptx && opts.pptx_options.embed_fonts {
        for (family, why) in crate::pptx::faces_not_embedded(&doc) {
            remarks.push(format!(
                "the PPTX names {family} without embedding it ({why}): PowerPoint needs it installed"
            ));
        }
    }
    if let Some(max) = opts.max_size {
        let too_big = |files: &[(PathBuf, Vec<u8>)]| {
            files
                .iter()
                .any(|(p, b)| b.len() as u64 > max && is_shared(p))
        };
        if too_big(&files) && opts.compress_images.is_none() {
            // Smaller images are the first remedy; --max-size implies them.
            let n = crate::compress::compress_images(&mut doc, opts.image_dpi);
            if n > 0 {
                remarks.push(format!(
                    "{n} images downsampled to {} dpi to meet --max-size",
                    opts.image_dpi
                ));
                files = render(opts, &doc, &theme, &dir, &stem, diags)?;
            }
        }
        if too_big(&files) {
            for (p, b) in files
                .iter()
                .filter(|(p, b)| b.len() as u64 > max && is_shared(p))
            {
                diags.push(Diagnostic::error(format!(
                    "{} would be {}, over --max-size {}",
                    p.display(),
                    human_size(b.len() as u64),
                    human_size(max)
                )));
            }
            if let Some(last) = diags.items.last_mut() {
                last.help = Some(format!(
                    "remove or shrink the largest images, or raise --max-size\n{}",
                    size_report(&doc)
                ));
            }
            return Err(Failure::Invalid);
        }
    }
    if opts.bib || opts.csl_json {
        let refs = crate::references::collect(deck);
        if opts.bib {
            let bib = crate::references::bibtex(&refs);
            files.push((dir.join(format!("{stem}.bib")), bib.into_bytes()));
        }
        if opts.csl_json {
            let json = crate::references::csl_json(&refs);
            files.push((dir.join(format!("{stem}.json")), json.into_bytes()));
        }
    }
    // Never overwrite the input with an output.
    let input = opts.survey.canonicalize().ok();
    for (path, _) in &files {
        let target = crate::output::resolved(path);
        if target.is_some() && target == input {
            diags.push(Diagnostic::error(format!(
                "output {} would overwrite the survey file",
                path.display()
            )));
            return Err(Failure::Usage);
        }
    }
    Ok(Outputs {
        files,
        slides: doc.pages.len(),
        remarks,
        doc,
    })
}

/// The folder outputs go to: `--out-dir`, else the survey's folder.
fn out_dir(opts: &Options) -> PathBuf {
    match &opts.out_dir {
        Some(d) => d.clone(),
        None => opts
            .survey
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    }
}

/// Renders every requested output in memory.
fn render(
    opts: &Options,
    doc: &pages::Document,
    theme: &Theme,
    dir: &Path,
    stem: &str,
    diags: &mut Diagnostics,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut fail = |d: Diagnostic| {
        diags.push(d);
        Failure::Invalid
    };
    if let Some(path) = &opts.dump_layout {
        match serde_json::to_vec_pretty(doc) {
            Ok(json) => files.push((path.clone(), json)),
            Err(e) => {
                return Err(fail(Diagnostic::error(format!(
                    "cannot serialise the layout: {e}"
                ))));
            }
        }
    }
    // The PDF and the PPTX are independent: write them on two threads.
    let (pdf, pptx) = std::thread::scope(|scope| {
        let pptx = scope.spawn(|| {
            opts.pptx
                .then(|| crate::pptx::write_pptx(doc, &opts.pptx_options))
        });
        let pdf = opts.pdf.then(|| {
            if opts.page_scale == 1.0 {
                crate::pdf::write_pdf(doc, &opts.pdf_options)
            } else {
                let larger = crate::layout::impose::scaled(doc, opts.page_scale);
                crate::pdf::write_pdf(&larger, &opts.pdf_options)
            }
        });
        (pdf, pptx.join().ok().flatten())
    });
    match pdf {
        Some(Ok(bytes)) => files.push((dir.join(format!("{stem}.pdf")), bytes)),
        Some(Err(e)) => return Err(fail(pdf_error(&e, doc, &opts.survey))),
        None => {}
    }
    match pptx {
        Some(Ok(bytes)) => files.push((dir.join(format!("{stem}.pptx")), bytes)),
        Some(Err(e)) => return Err(fail(Diagnostic::error(format!("PPTX: {e}")))),
        None if opts.pptx => {
            return Err(fail(Diagnostic::error(
                "PPTX: the writer stopped unexpectedly",
            )));
        }
        None => {}
    }
    if let Some(h) = &opts.handout {
        let h = HandoutOptions {
            qr: h.qr || theme.print_qr,
            ..*h
        };
        let sheets = crate::handout(doc, &h, theme);
        match crate::pdf::write_pdf(&sheets, &opts.pdf_options) {
            Ok(bytes) => files.push((dir.join(format!("{stem}-handout.pdf")), bytes)),
            Err(e) => return Err(fail(Diagnostic::error(format!("handout PDF: {e}")))),
        }
    }
    if let Some(paper) = opts.notes_pages {
        let sheets = crate::notes_pages(doc, paper, theme, opts.notes_qr || theme.print_qr);
        match crate::pdf::write_pdf(&sheets, &opts.pdf_options) {
            Ok(bytes) => files.push((dir.join(format!("{stem}-notes.pdf")), bytes)),
            Err(e) => return Err(fail(Diagnostic::error(format!("notes pages PDF: {e}")))),
        }
    }
    if let Some(png) = &opts.png {
        let pngs = crate::png::write_pngs(doc, png, &crate::png::Cache::new())
            .map_err(|e| fail(Diagnostic::error(format!("PNG: {e}"))))?;
        for (i, bytes) in pngs.slides.into_iter().enumerate() {
            files.push((dir.join(crate::png::slide_name(stem, i)), bytes));
        }
        if let Some(b) = pngs.sheet {
            files.push((dir.join(format!("{stem}-sheet.png")), b));
        }
        if let Some(b) = pngs.card {
            files.push((dir.join(format!("{stem}-card.png")), b));
        }
    }
    if opts.transcript {
        files.push((
            dir.join(format!("{stem}.txt")),
            crate::transcript(doc).into_bytes(),
        ));
        files.push((
            dir.join(format!("{stem}-outline.md")),
            crate::outline_markdown(doc).into_bytes(),
        ));
    }
    if opts.pdfpc {
        files.push((
            dir.join(format!("{stem}.pdfpc")),
            crate::pdfpc::pdfpc(doc).into_bytes(),
        ));
    }
    Ok(files)
}

/// A PDF failure pointing at the slide's place in the survey.
fn pdf_error(e: &crate::pdf::PdfError, doc: &pages::Document, survey: &Path) -> Diagnostic {
    let d = Diagnostic::error(format!("PDF: {e}"));
    match e.page.and_then(|p| doc.pages.get(p)) {
        Some(page) if page.source_line > 0 => d
            .at(
                survey,
                Pos {
                    line: page.source_line,
                    col: 1,
                },
            )
            .help("fix the slide that starts here"),
        _ => d,
    }
}

/// Writes a run's outputs: the output folder is created, and every file is
/// staged beside its target and then renamed, so a failure changes nothing.
pub fn write(opts: &Options, outputs: &Outputs) -> Result<(), Diagnostic> {
    let dir = out_dir(opts);
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        Diagnostic::error(format!(
            "cannot create output folder {}: {e}",
            dir.display()
        ))
    })?;
    crate::output::write_all_atomic(&outputs.files).map_err(|(path, e)| {
        Diagnostic::error(format!(
            "cannot write {}: {e}; no output was changed",
            path.display()
        ))
    })
}

/// Outputs people send or upload (not the layout dump).
fn is_shared(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "pdf" || e == "pptx")
}

/// The biggest contributors to an output's size: each image, then the fonts.
fn size_report(doc: &pages::Document) -> String {
    let mut imgs: Vec<(usize, String)> = doc
        .images
        .iter()
        .map(|i| (i.bytes.len(), i.path.display().to_string()))
        .collect();
    imgs.sort_by_key(|b| std::cmp::Reverse(b.0));
    let total: usize = imgs.iter().map(|i| i.0).sum();
    let mut out = format!(
        "    images: {} in {} files; the largest:",
        human_size(total as u64),
        imgs.len()
    );
    for (n, p) in imgs.iter().take(5) {
        out.push_str(&format!("\n      {} {p}", human_size(*n as u64)));
    }
    let glyphs: std::collections::BTreeSet<(usize, u16)> = doc
        .pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|i| match i {
            pages::Item::Text(t) => Some(t),
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
            "\n    font subset {}: {n} glyphs, about {}",
            f.postscript,
            human_size(n as u64 * 200)
        ));
    }
    out
}

/// A byte count as people read it: "1.2 MB", "35 KB".
pub fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KB", (n as f64 / 1024.0).ceil())
    }
}
