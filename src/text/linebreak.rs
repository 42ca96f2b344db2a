//! Break opportunities: UAX #14 (unicode-linebreak), tightened by our
//! Japanese rules (JLREQ kinsoku, strict level). The crate implements the
//! default UAX #14 only; Japanese needs the stricter line-start set (small
//! kana, ー, iteration marks) and curly quotes treated as brackets.

/// Characters that must not start a line (行頭禁則).
pub fn no_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | 'ー'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '］'
            | '｝'
            | '〙'
            | '〗'
            | 'ゝ'
            | 'ゞ'
            | '々'
            | 'ヽ'
            | 'ヾ'
            | '〻'
            | '゛'
            | '゜'
            | 'ぁ'
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
            | 'ㇰ'
            ..='ㇿ'
                | ')'
                | ']'
                | '}'
                | ','
                | '.'
                | ':'
                | ';'
                | '?'
                | '!'
                | '”'
                | '’'
                | '〜'
                | '～'
                | '‐'
                | '…'
                | '‥'
    )
}

/// Characters that must not end a line (行末禁則).
pub fn no_end(c: char) -> bool {
    matches!(
        c,
        '（' | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '［'
            | '｛'
            | '〘'
            | '〖'
            | '('
            | '['
            | '{'
            | '“'
            | '‘'
    )
}

/// Byte offsets where a line may break (a break "before" that offset),
/// excluding 0 and the end. Mandatory breaks inside a paragraph do not occur:
/// paragraphs are split on newlines before they get here.
pub fn opportunities(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for (at, _) in unicode_linebreak::linebreaks(text) {
        if at == 0 || at >= text.len() {
            continue;
        }
        let before = text[..at].chars().rev().find(|c| !c.is_whitespace());
        let after = text[at..].chars().next();
        if after.is_some_and(no_start) || before.is_some_and(no_end) {
            continue;
        }
        out.push(at);
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
    c.is_alphanumeric() && (c as u32) < 0x2E80
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
            assert!(!no_start(first), "{piece:?} starts with {first}");
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
}
