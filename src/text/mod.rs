//! Text: fonts, shaping, line breaking (UAX #14 plus our Japanese rules).

pub mod fallback;
pub mod fonts;
pub mod linebreak;
pub mod paragraph;
pub mod phrase;
mod radicals;

pub use fallback::{FallbackFamily, FontOptions};
pub use fonts::FontBook;
pub use linebreak::Strictness;
pub use paragraph::{
    Breaking, Laid, LaidLine, LaidRun, Shaped, SpanStyle, Wrap, break_lines, layout,
    shape_paragraph, starts_right_to_left,
};
pub use radicals::unify_radical;
