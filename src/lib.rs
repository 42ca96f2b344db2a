//! surveydeck: a structured survey document (YAML) in, finished slides out.
//!
//! The flow runs one way: [`document`] (load and validate) → `layout`
//! (fonts, shaping, line breaking, fitting, pagination) → `pages` (one model
//! of positioned items) → the writers, each reading only the pages.

pub mod diag;
pub mod document;
pub mod pages;
pub mod pptx;
pub mod text;
