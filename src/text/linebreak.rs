//! Break opportunities: UAX #14 (unicode-linebreak), then JLREQ's rules for
//! the start and end of a line (kinsoku) at a chosen strictness.
//!
//! The crate implements the default UAX #14 only. Japanese needs two
//! changes: a stricter line start (UAX #14 allows a break before ～, curly
//! quotes, small kana in some tailorings) and, at the looser levels, breaks
//! UAX #14 never gives (before small kana, ー, 〜, iteration marks, …). The
//! character classes are JLREQ's (Appendix A); which classes may start a
//! line at each level follows CSS Text's `line-break` values as the
//! web-platform-tests check them (`css-text-line-break-ja-*`), with JLREQ's
//! own rule for hyphens at our default level (see [`Strictness`]).

/// How strictly line starts are restricted (a theme setting).
///
/// | level | small kana, ー | hyphens ‐ – 〜 ゠ | iteration marks, …, ・：；？！, ％ ℃ |
/// | --- | --- | --- | --- |
/// | `very-strict` (CSS `strict`) | never at a line start | never | never |
/// | `strict` (default) | may start a line | never (JLREQ cl-03) | never |
/// | `loose` (CSS `normal`) | may | may | never |
/// | `very-loose` (CSS `loose`) | may | may | may |
///
/// Closing brackets, 、。 and Latin closing punctuation never start a line
/// and opening brackets never end one, at every level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strictness {
    VeryLoose,
    Loose,
    #[default]
    Strict,
    VeryStrict,
}

impl Strictness {
    pub const NAMES: [(&'static str, Strictness); 4] = [
        ("very-loose", Strictness::VeryLoose),
        ("loose", Strictness::Loose),
        ("strict", Strictness::Strict),
        ("very-strict", Strictness::VeryStrict),
    ];

    pub fn parse(name: &str) -> Option<Strictness> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }
}

/// JLREQ Appendix A character classes that line breaking concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// cl-01 opening brackets: never end a line.
    Opening,
    /// cl-02 closing brackets (and Latin closing punctuation): never start one.
    Closing,
    /// cl-03 hyphens, with ～ (U+FF5E, the wave dash as Windows encodes it).
    Hyphen,
    /// cl-04 dividing punctuation ？！‼⁇⁈⁉.
    Dividing,
    /// cl-05 middle dots ・：；.
    MiddleDot,
    /// cl-06 full stops 。．.
    FullStop,
    /// cl-07 commas 、，.
    Comma,
    /// cl-08 inseparable characters of UAX #14 class IN (…‥): no break before.
    Inseparable,
    /// cl-09 iteration marks.
    Iteration,
    /// cl-10 the prolonged sound mark ー.
    Prolonged,
    /// cl-11 small kana (and the sound marks ゛゜).
    SmallKana,
    /// cl-13 postfixed abbreviations (％ ℃ °…).
    Postfix,
}

/// The JLREQ class of `c`, if kinsoku concerns it.
pub fn class(c: char) -> Option<Class> {
    use Class::*;
    // Kanji and ASCII letters and digits, most of any text, have no class.
    if c.is_ascii_alphanumeric() || matches!(c as u32, 0x3400..=0x9FFF) {
        return None;
    }
    Some(match c {
        '‘' | '“' | '（' | '〔' | '［' | '｛' | '〈' | '《' | '「' | '『' | '【' | '｟' | '〘'
        | '〖' | '«' | '〝' | '(' | '[' | '{' | '｢' => Opening,
        '’' | '”' | '）' | '〕' | '］' | '｝' | '〉' | '》' | '」' | '』' | '】' | '｠' | '〙'
        | '〗' | '»' | '〟' | ')' | ']' | '}' | '｣' | ',' | '.' | ':' | ';' | '?' | '!' => {
            Closing
        }
        '‐' | '–' | '〜' | '゠' | '～' => Hyphen,
        '？' | '！' | '‼' | '⁇' | '⁈' | '⁉' => Dividing,
        '・' | '：' | '；' | '･' => MiddleDot,
        '。' | '．' | '｡' => FullStop,
        '、' | '，' | '､' => Comma,
        '…' | '‥' | '․' | '⋯' | '︙' | '\u{10AF6}' => Inseparable,
        'ヽ' | 'ヾ' | 'ゝ' | 'ゞ' | '々' | '〻' => Iteration,
        'ー' | 'ｰ' => Prolonged,
        'ぁ'
        | 'ぃ'
        | 'ぅ'
        | 'ぇ'
        | 'ぉ'
        | 'っ'
        | 'ゃ'
        | 'ゅ'
        | 'ょ'
        | 'ゎ'
        | 'ゕ'
        | 'ゖ'
        | 'ァ'
        | 'ィ'
        | 'ゥ'
        | 'ェ'
        | 'ォ'
        | 'ッ'
        | 'ャ'
        | 'ュ'
        | 'ョ'
        | 'ヮ'
        | 'ヵ'
        | 'ヶ'
        | 'ㇰ'..='ㇿ'
        | 'ｧ'..='ｯ'
        | '゛'
        | '゜' => SmallKana,
        '°' | '‰' | '′' | '″' | '‵' | '℃' | '℉' | '﹪' | '％' | '￠' => Postfix,
        _ => return None,
    })
}

/// Characters that must not start a line at `level` (行頭禁則).
pub fn no_start_at(c: char, level: Strictness) -> bool {
    class_no_start(class(c), level)
}

/// [`no_start_at`] for a character of JLREQ class `class`.
fn class_no_start(class: Option<Class>, level: Strictness) -> bool {
    use Class::*;
    use Strictness::*;
    match class {
        Some(Closing | FullStop | Comma) => true,
        Some(SmallKana | Prolonged) => level == VeryStrict,
        Some(Hyphen) => matches!(level, Strict | VeryStrict),
        Some(Dividing | MiddleDot | Inseparable | Iteration | Postfix) => level != VeryLoose,
        Some(Opening) | None => false,
    }
}

/// Characters that must not end a line (行末禁則), at every level.
pub fn no_end(c: char) -> bool {
    class(c) == Some(Class::Opening)
}

/// Byte offsets where a line may break (a break "before" that offset) at
/// the default level, excluding 0 and the end.
pub fn opportunities(text: &str) -> Vec<usize> {
    opportunities_at(text, Strictness::default())
}

/// Byte offsets where a line may break at `level`, excluding 0 and the end.
/// Mandatory breaks inside a paragraph do not occur: paragraphs are split on
/// newlines before they get here.
pub fn opportunities_at(text: &str, level: Strictness) -> Vec<usize> {
    let mut uax = unicode_linebreak::linebreaks(text)
        .map(|(at, _)| at)
        .peekable();
    let mut out = Vec::new();
    // The last non-space character opens a bracket (cannot end a line).
    let mut after_opening = false;
    let mut prev: Option<char> = None; // the character just before
    for (at, c) in text.char_indices() {
        while uax.next_if(|&u| u < at).is_some() {}
        let by_uax = uax.peek() == Some(&at);
        // Once per character: the class match is most of this loop's cost.
        let cls = class(c);
        if at > 0 {
            let no_start = class_no_start(cls, level);
            // A class this level lets start a line, after kana or kanji, where
            // UAX #14 (which has no levels) forbids the break.
            let loosened = cls.is_some_and(|k| k != Class::Opening)
                && !no_start
                && prev.is_some_and(is_japanese_letter);
            if (by_uax || loosened) && !no_start && !after_opening {
                out.push(at);
            }
        }
        prev = Some(c);
        if !c.is_whitespace() {
            after_opening = cls == Some(Class::Opening);
        }
    }
    out
}

/// True for kana and kanji (not punctuation): the Japanese side of JLREQ's
/// quarter-em gap between Japanese and Latin text.
pub fn is_japanese_letter(c: char) -> bool {
    matches!(c as u32,
        0x3041..=0x3096 | 0x309D..=0x309F | 0x30A1..=0x30FA | 0x30FD..=0x30FF |
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF | 0x3005 | 0x30FC)
}

/// The Latin side: letters and digits of Western scripts.
pub fn is_western(c: char) -> bool {
    // The range first: kana and kanji then skip the Unicode table lookup
    // (1 % of a build's instructions).
    (c as u32) < 0x2E80 && c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_at(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut last = 0;
        for b in opportunities(text) {
            out.push(&text[last..b]);
            last = b;
        }
        out.push(&text[last..]);
        out
    }

    #[test]
    fn no_break_before_closing_or_small_kana() {
        for piece in lines_at("「ディープラーニング」は、ちょっと速い。（例）")
        {
            let first = piece.chars().next().unwrap();
            let last = piece.chars().last().unwrap();
            assert!(
                !no_start_at(first, Strictness::Strict),
                "{piece:?} starts with {first}"
            );
            assert!(!no_end(last), "{piece:?} ends with {last}");
        }
    }

    #[test]
    fn latin_words_are_not_split() {
        assert_eq!(
            lines_at("Deep Neural Network"),
            vec!["Deep ", "Neural ", "Network"]
        );
    }

    #[test]
    fn levels_parse_by_name() {
        for (name, level) in Strictness::NAMES {
            assert_eq!(Strictness::parse(name), Some(level));
        }
        assert_eq!(Strictness::parse("normal"), None);
    }
}
