//! The integration tests, as one test binary.
//!
//! Each file here was its own binary under `tests/`, and each binary links the
//! whole crate and its dependencies: 24 links of a release build cost about
//! half a minute on two cores, and 24 binaries run one after the other, so the
//! slow ones (LibreOffice, QR decoding, rendering) could not overlap. As
//! modules of one binary they link once and share the test threads. Run one
//! file's tests with `cargo test --release --test it pptx::`.

mod common;
mod support;

mod bidi;
mod cli;
mod errors;
mod exact_text;
mod figures;
mod fonts;
mod handout;
mod import;
mod kinsoku;
mod layout;
mod linebreak;
mod ooxml;
mod pagination;
mod pdf;
mod pdf_layout;
mod phrases;
mod png;
mod pptx;
mod property;
mod publish;
mod schema;
mod tagging;
mod themes;
mod watch;
