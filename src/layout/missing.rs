//! Warnings for characters no face has, pointing at each place the
//! character is written in the survey.

use crate::diag::{Diagnostic, Pos};
use crate::document::Deck;
use crate::text::FontOptions;

use super::Missing;

/// At most this many places are listed per character; the last warning says
/// how many more there are.
const MAX_PLACES: usize = 10;

/// One warning per character and place: the survey is searched for the
/// character, so the position is the character's own line and column (not
/// its paper's or slide's). A character that is not written in the survey
/// (theme text, an escape sequence) is reported at the first slide that
/// draws it.
pub fn missing_warnings(deck: &Deck, missing: &[Missing], fonts: &FontOptions) -> Vec<Diagnostic> {
    if missing.is_empty() {
        return Vec::new();
    }
    let source = std::fs::read_to_string(&deck.path).unwrap_or_default();
    let help = if fonts.system {
        "install a font that has it (e.g. Noto Sans CJK, Noto Color Emoji), pass a folder with \
         one to --font-path, or name one in the theme's fonts.fallback"
    } else {
        "system fonts are ignored (--ignore-system-fonts): pass a folder with a font that has it \
         to --font-path, or name one in the theme's fonts.fallback"
    };
    let mut out = Vec::new();
    for &(c, slide) in missing {
        let message = format!(
            "no font has `{}` (U+{:04X}): drawn as an empty box",
            c.escape_debug(),
            c as u32
        );
        let places = places(&source, c);
        if places.is_empty() {
            out.push(
                Diagnostic::warning(message)
                    .at(&deck.path, slide)
                    .help(help),
            );
            continue;
        }
        let n = places.len();
        for (k, pos) in places.into_iter().take(MAX_PLACES).enumerate() {
            let mut d = Diagnostic::warning(message.clone())
                .at(&deck.path, pos)
                .help(help);
            if k + 1 == MAX_PLACES && n > MAX_PLACES {
                d = d.help(format!("{help}; {} more places not listed", n - MAX_PLACES));
            }
            out.push(d);
        }
    }
    out
}

/// Line and column (characters, 1-based) of every occurrence of `c`.
fn places(source: &str, c: char) -> Vec<Pos> {
    let mut out = Vec::new();
    for (l, line) in source.lines().enumerate() {
        if !line.contains(c) {
            continue;
        }
        for (col, ch) in line.chars().enumerate() {
            if ch == c {
                out.push(Pos::new(l as u64 + 1, col as u64 + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_count_characters_not_bytes() {
        let src = "a: 片山\nb: \"김민준 and 김\"\n";
        assert_eq!(places(src, '김'), vec![Pos::new(2, 5), Pos::new(2, 13)]);
        assert!(places(src, '😀').is_empty());
    }
}
