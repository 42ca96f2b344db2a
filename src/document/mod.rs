//! The survey document: YAML types, loading, validation and resolution into
//! the deck model that layout consumes.

mod inline;
mod load;
pub mod model;
mod recover;
mod resolve;
pub mod types;

use std::path::Path;

pub use inline::parse as parse_inline;
pub use load::{ReadError, Source, decode, read_source};
pub use model::*;
pub use resolve::{LoadOptions, arxiv_url};

use crate::diag::Diagnostics;

/// The result of loading: the source (for rendering diagnostics), the deck if
/// it is valid, and every diagnostic found.
#[derive(Debug)]
pub struct Loaded {
    pub source: Option<Source>,
    pub deck: Option<Deck>,
    /// When the survey parsed but has errors: the deck without what failed,
    /// for checks that can still run (figures). Never to be built.
    pub partial: Option<Deck>,
    pub diags: Diagnostics,
    /// True when the file could not be read (an I/O failure, not bad content).
    pub io_failure: bool,
}

/// Reads, parses, validates and resolves a survey file.
pub fn load(path: &Path, opts: &LoadOptions) -> Loaded {
    match read_source(path) {
        Ok(source) => load_source(source, opts),
        Err(ReadError::Io(d)) => Loaded {
            source: None,
            deck: None,
            partial: None,
            diags: Diagnostics { items: vec![d] },
            io_failure: true,
        },
        Err(ReadError::Invalid(d)) => Loaded {
            source: None,
            deck: None,
            partial: None,
            diags: Diagnostics { items: vec![d] },
            io_failure: false,
        },
    }
}

/// Loads a survey from text already read (figures resolve against the path's folder).
pub fn load_source(mut source: Source, opts: &LoadOptions) -> Loaded {
    let mut diags = Diagnostics::default();
    load::clean_text(&mut source, &mut diags);
    let parsed = load::parse(&source);
    let structural = parsed.diags.has_errors();
    diags.extend(parsed.diags);
    let Some(survey) = parsed.survey else {
        return Loaded {
            source: Some(source),
            deck: None,
            partial: None,
            diags,
            io_failure: false,
        };
    };
    let base = source
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let base = if base.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        base
    };
    let (deck, mut d) = resolve::resolve(survey, &source.path, &base, &source.text, opts);
    // What was mended to read on is reported already.
    d.items.retain(|d| !parsed.mended.contains(&d.pos.line));
    let ok = !d.has_errors() && !structural;
    diags.extend(d);
    let (deck, partial) = if ok {
        (Some(deck), None)
    } else {
        (None, Some(deck))
    };
    Loaded {
        source: Some(source),
        deck,
        partial,
        diags,
        io_failure: false,
    }
}

/// The JSON Schema of the survey format, for editors.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(types::Survey);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
