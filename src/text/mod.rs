//! Text: fonts, shaping, line breaking (UAX #14 plus our Japanese rules).

mod radicals;

pub use radicals::unify_radical;
