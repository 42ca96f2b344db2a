//! Arbitrary bytes through load → layout → PDF → PPTX: any input must end in
//! a diagnostic or a deck, never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use surveydeck::document::{self, LoadOptions, Source};

fuzz_target!(|data: &[u8]| {
    // Large inputs only slow the search; the loader's budgets cover them.
    if data.len() > 64 * 1024 {
        return;
    }
    let Ok(text) = document::decode(data) else { return };
    let source = Source { path: "fuzz/corpus/pipeline/input.yaml".into(), text };
    let loaded = document::load_source(source, &LoadOptions::default());
    let Some(deck) = loaded.deck else { return };
    let Ok((doc, _)) = surveydeck::lay_out(&deck) else { return };
    let _ = surveydeck::pdf::write_pdf(&doc, &Default::default());
    let _ = surveydeck::pptx::write_pptx(&doc, &Default::default());
});
