//! Text: fonts, shaping, line breaking (UAX #14 plus our Japanese rules).

pub mod fonts;
pub mod linebreak;
pub mod paragraph;
mod radicals;

pub use fonts::FontBook;
pub use paragraph::{Laid, LaidLine, LaidRun, SpanStyle, layout};
pub use radicals::unify_radical;
