//! `surveydeck watch`: build once, then rebuild on every save of the survey,
//! its theme or a figure, and (with `--serve`) show the slides live.
//!
//! Each rebuild calls the one build pipeline twice: first without writers
//! (load, check, lay out), so the changed slides can be drawn and shown at
//! once, then with the requested outputs, which are written as `build`
//! writes them (all or none). What did not change is reused: the fonts are
//! parsed once per process, glyph outlines and decoded figures stay in the
//! PNG cache, and a slide whose content is unchanged keeps its picture.

pub mod serve;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::diag::Severity;
use crate::pages;
use crate::pipeline;
use crate::png;

pub use serve::Shared;

/// How long the files must stay quiet before a rebuild: editors save in
/// several steps (write a temporary file, rename it, touch the folder).
pub const DEBOUNCE: Duration = Duration::from_millis(30);

#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// What every build makes (survey, output folder, formats, theme …).
    pub build: pipeline::Options,
    /// Width of the slide pictures shown in the browser.
    pub png_width: u32,
    /// Report errors and warnings only (no notes).
    pub quiet: bool,
}

/// What one rebuild did, for the terminal.
#[derive(Debug)]
pub struct Rebuilt {
    /// Diagnostics as the CLI prints them.
    pub report: String,
    pub ok: bool,
    /// The number of slides (of the last good build).
    pub slides: usize,
    /// 0-based indices of the slides whose pictures changed.
    pub changed: Vec<usize>,
    /// From the start of the rebuild until the new slides were ready to show.
    pub visible_after: Duration,
    /// Until the outputs were written too.
    pub total: Duration,
    /// The files written (empty when the build failed).
    pub written: Vec<PathBuf>,
}

/// A watch session's state: the last good slides and the caches.
pub struct Session {
    opts: WatchOptions,
    cache: png::Cache,
    /// The last good build's slides and their content fingerprints.
    slides: Vec<(u64, serve::Slide)>,
    generation: u64,
    shared: Arc<Shared>,
    /// The files the last build read: the survey, its figures, its theme.
    inputs: BTreeSet<PathBuf>,
    /// The files the last build wrote (their changes are ours, not the author's).
    outputs: HashSet<PathBuf>,
    /// Height of the slide pictures in pixels.
    height: u32,
}

impl Session {
    pub fn new(opts: WatchOptions) -> Self {
        let mut inputs = BTreeSet::new();
        inputs.insert(absolute(&opts.build.survey));
        let height = opts_height(&opts);
        Session {
            opts,
            cache: png::Cache::new(),
            slides: Vec::new(),
            generation: 0,
            shared: Shared::new(),
            inputs,
            outputs: HashSet::new(),
            height,
        }
    }

    /// The view the server shows (shared with it).
    pub fn shared(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
    }

    /// Rebuilds: new slides are drawn and published first, then the outputs
    /// are built and written. A failed build keeps the last good slides.
    pub fn rebuild(&mut self) -> Rebuilt {
        let start = Instant::now();
        self.generation += 1;
        let quick = pipeline::Options {
            pdf: false,
            pptx: false,
            transcript: false,
            handout: None,
            notes_pages: None,
            max_size: None,
            png: None,
            dump_layout: None,
            ..self.opts.build.clone()
        };
        let run = pipeline::run(&quick);
        let mut changed = Vec::new();
        let mut first_changed = None;
        let mut ok = false;
        let mut title = self.shared.view().title;
        if let Ok(out) = &run.outcome {
            ok = true;
            title = out.doc.meta.title.clone();
            self.note_inputs(&out.doc);
            changed = self.redraw(&out.doc);
            first_changed = changed.first().map(|i| i + 1);
        }
        let visible_after = start.elapsed();
        self.publish(&run, ok, title.clone(), first_changed);
        if !ok {
            return Rebuilt {
                report: run.render(self.opts.quiet),
                ok,
                slides: self.slides.len(),
                changed,
                visible_after,
                total: start.elapsed(),
                written: Vec::new(),
            };
        }
        // The outputs: the same pipeline with every requested writer.
        let full = pipeline::run(&self.opts.build);
        let mut report = full.render(self.opts.quiet);
        let mut written = Vec::new();
        let ok = match &full.outcome {
            Ok(out) => match pipeline::write(&self.opts.build, out) {
                Ok(()) => {
                    written = out.files.iter().map(|(p, _)| p.clone()).collect();
                    true
                }
                Err(d) => {
                    report.push_str(&d.render(None));
                    false
                }
            },
            Err(_) => false,
        };
        self.outputs = written.iter().map(|p| absolute(p)).collect();
        if !ok {
            // The slides were shown, but an output failed (a PDF standard,
            // --max-size): a second event brings its error to the page.
            self.generation += 1;
        }
        // The new file links (or the error), without a second event when all went well.
        self.publish(&full, ok, title, first_changed);
        Rebuilt {
            report,
            ok,
            slides: self.slides.len(),
            changed,
            visible_after,
            total: start.elapsed(),
            written,
        }
    }

    /// Draws the slides whose content changed; returns their indices.
    fn redraw(&mut self, doc: &pages::Document) -> Vec<usize> {
        self.height = png::height_for(doc, self.opts.png_width);
        let prints = fingerprints(doc, self.opts.png_width);
        let changed: Vec<usize> = (0..doc.pages.len())
            .filter(|&i| self.slides.get(i).is_none_or(|(f, _)| *f != prints[i]))
            .collect();
        let pictures = match png::render_encoded(doc, &changed, self.opts.png_width, &self.cache) {
            Ok(p) => p,
            // The PDF writer reports the same figure or font as a diagnostic;
            // here the old picture stays.
            Err(_) => return Vec::new(),
        };
        self.slides.truncate(doc.pages.len());
        for (&i, png) in changed.iter().zip(pictures) {
            let slide = serve::Slide {
                title: doc.pages[i].title.clone(),
                version: self.generation,
                png: Arc::new(png),
            };
            if i < self.slides.len() {
                self.slides[i] = (prints[i], slide);
            } else {
                self.slides.push((prints[i], slide));
            }
        }
        for (i, (_, s)) in self.slides.iter_mut().enumerate() {
            s.title.clone_from(&doc.pages[i].title);
        }
        changed
    }

    fn publish(&self, run: &pipeline::Run, ok: bool, title: String, first: Option<usize>) {
        let source = run.source.as_ref();
        let diagnostics = run
            .diags
            .items
            .iter()
            .map(|d| serve::Diag {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                }
                .into(),
                text: d.render(
                    source
                        .filter(|s| d.file.as_deref() == Some(s.path.as_path()))
                        .map(|s| s.text.as_str()),
                ),
            })
            .collect();
        let files = self
            .outputs
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "pdf" || e == "pptx"))
            .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), p.clone())))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        self.shared.publish(serve::View {
            generation: self.generation,
            title,
            ok,
            built_at: clock(),
            slides: self.slides.iter().map(|(_, s)| s.clone()).collect(),
            width: self.opts.png_width,
            height: self.height,
            diagnostics,
            files,
            first_changed: first,
        });
    }

    /// Remembers the files this build read, so their saves trigger rebuilds.
    fn note_inputs(&mut self, doc: &pages::Document) {
        let mut inputs = BTreeSet::new();
        inputs.insert(absolute(&self.opts.build.survey));
        for img in &doc.images {
            inputs.insert(absolute(&img.path));
        }
        if let Some(theme) = &self.opts.build.theme
            && Path::new(theme).is_file()
        {
            inputs.insert(absolute(Path::new(theme)));
        }
        self.inputs = inputs;
    }

    /// The folders to watch: those of every input. Folders, not files: an
    /// editor that saves by renaming a new file over the old one replaces
    /// the file, and a watch on the old file would see nothing more.
    pub fn folders(&self) -> BTreeSet<PathBuf> {
        self.inputs
            .iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect()
    }

    /// True when a change to `path` should trigger a rebuild: one of the
    /// inputs, or a survey, theme, figure or font file beside them (a theme
    /// file or figure the survey has just started to use, a theme's parent).
    /// Our own outputs and temporary files never do.
    pub fn is_relevant(&self, path: &Path) -> bool {
        let path = absolute(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with(".surveydeck-") || self.outputs.contains(&path) {
            return false;
        }
        if self.inputs.contains(&path) {
            return true;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        matches!(
            ext.as_str(),
            "yaml" | "yml" | "png" | "jpg" | "jpeg" | "ttf" | "otf"
        ) && !self.is_output_folder(&path)
    }

    fn is_output_folder(&self, path: &Path) -> bool {
        let Some(out) = self.opts.build.out_dir.as_deref().map(absolute) else {
            return false;
        };
        let survey_dir = absolute(&self.opts.build.survey)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        // What others write into a separate output folder is not an input.
        out != survey_dir && path.starts_with(&out) && !self.inputs.contains(path)
    }
}

/// A fingerprint of each page's content: its laid-out items (positions,
/// text, fonts, colours), its figures' bytes, and the picture width.
pub fn fingerprints(doc: &pages::Document, width: u32) -> Vec<u64> {
    let mut base = DefaultHasher::new();
    width.hash(&mut base);
    doc.width.to_bits().hash(&mut base);
    doc.height.to_bits().hash(&mut base);
    for f in &doc.fonts {
        (f.data.as_ptr() as usize, f.data.len()).hash(&mut base);
    }
    let images: Vec<u64> = doc
        .images
        .iter()
        .map(|i| {
            let mut h = DefaultHasher::new();
            i.bytes.hash(&mut h);
            h.finish()
        })
        .collect();
    let seed = base.finish();
    doc.pages
        .iter()
        .map(|p| {
            let mut h = DefaultHasher::new();
            seed.hash(&mut h);
            serde_json::to_vec(p).unwrap_or_default().hash(&mut h);
            for item in &p.items {
                match item {
                    pages::Item::Image(im) => images.get(im.image).hash(&mut h),
                    pages::Item::Text(t) => {
                        // Glyph ids are not serialised; the text and font are,
                        // but hash them too in case a font's shaping changes.
                        for r in t.paragraphs.iter().flat_map(|p| {
                            p.marker.iter().chain(p.lines.iter().flat_map(|l| &l.runs))
                        }) {
                            for g in &r.glyphs {
                                (g.id, g.advance.to_bits(), g.dx.to_bits()).hash(&mut h);
                            }
                        }
                    }
                    pages::Item::Shape(_) => {}
                }
            }
            h.finish()
        })
        .collect()
}

/// The picture height before the first build (16:9).
fn opts_height(opts: &WatchOptions) -> u32 {
    opts.png_width * 9 / 16
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        return p.to_path_buf();
    }
    // The folder resolved (symbolic links too, as the watcher reports them);
    // the file itself may not exist yet.
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match (dir.canonicalize(), p.file_name()) {
        (Ok(d), Some(n)) => d.join(n),
        _ => std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_default(),
    }
}

/// The local wall-clock time as "HH:MM:SS" (UTC: the standard library
/// knows no time zones, and the clock only tells builds apart).
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02} UTC",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// What a watch session tells its caller.
pub enum Event {
    /// The server listens here.
    Serving(std::net::SocketAddr),
    Rebuilt(Rebuilt),
    /// A folder could not be watched (its changes will be missed).
    Warning(String),
}

/// `surveydeck watch`: serves the preview when `serve` is given, builds,
/// then rebuilds on every relevant change until Ctrl-C.
pub fn watch(
    opts: WatchOptions,
    serve: Option<std::net::SocketAddr>,
    mut events: impl FnMut(Event),
) -> Result<(), String> {
    use notify::Watcher;
    let mut session = Session::new(opts);
    if let Some(addr) = serve {
        let local = serve::start(addr, session.shared())
            .map_err(|e| format!("cannot serve on {addr}: {e}"))?;
        events(Event::Serving(local));
    }
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    // Ctrl-C ends the loop between builds: an output being written is
    // finished (or left untouched), never cut off half-way.
    ctrlc::set_handler(move || {
        let _ = stop.send(Wake::Stop);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Only changes count: opening or reading a file (as every build
        // does) is an access event, and would start a rebuild of its own.
        if let Ok(ev) = res
            && !matches!(
                ev.kind,
                notify::EventKind::Access(
                    notify::event::AccessKind::Open(_)
                        | notify::event::AccessKind::Read
                        | notify::event::AccessKind::Any
                        | notify::event::AccessKind::Other
                        | notify::event::AccessKind::Close(
                            notify::event::AccessMode::Read
                                | notify::event::AccessMode::Any
                                | notify::event::AccessMode::Other
                                | notify::event::AccessMode::Execute
                        )
                )
            )
        {
            let _ = tx.send(Wake::Changed(ev.paths));
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let watch_folders = |folders: &BTreeSet<PathBuf>| {
        let mut warnings = Vec::new();
        for f in watched.difference(folders) {
            let _ = watcher.unwatch(f);
        }
        for f in folders.difference(&watched) {
            if let Err(e) = watcher.watch(f, notify::RecursiveMode::NonRecursive) {
                warnings.push(format!("cannot watch {}: {e}", f.display()));
            }
        }
        watched.clone_from(folders);
        warnings
    };
    run_loop(&mut session, &rx, watch_folders, events);
    Ok(())
}

/// What wakes the watch loop.
pub enum Wake {
    /// A file system event.
    Changed(Vec<PathBuf>),
    /// Ctrl-C or the end of the session.
    Stop,
}

/// Runs the watch loop until `wake` says stop: builds once, then rebuilds
/// after each burst of relevant changes. `watch_folders` is given the
/// folders to watch after each build and returns its warnings.
pub fn run_loop(
    session: &mut Session,
    wake: &mpsc::Receiver<Wake>,
    mut watch_folders: impl FnMut(&BTreeSet<PathBuf>) -> Vec<String>,
    mut events: impl FnMut(Event),
) {
    let r = session.rebuild();
    events(Event::Rebuilt(r));
    let mut folders = session.folders();
    for w in watch_folders(&folders) {
        events(Event::Warning(w));
    }
    loop {
        let Ok(msg) = wake.recv() else { return };
        let mut relevant = match msg {
            Wake::Stop => return,
            Wake::Changed(paths) => paths.iter().any(|p| session.is_relevant(p)),
        };
        // Debounce: wait until the files are quiet.
        loop {
            match wake.recv_timeout(DEBOUNCE) {
                Ok(Wake::Stop) => return,
                Ok(Wake::Changed(paths)) => {
                    relevant |= paths.iter().any(|p| session.is_relevant(p));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        if !relevant {
            continue;
        }
        let r = session.rebuild();
        events(Event::Rebuilt(r));
        let now = session.folders();
        if now != folders {
            folders = now;
            for w in watch_folders(&folders) {
                events(Event::Warning(w));
            }
        }
    }
}
