//! Radical look-alikes: Kangxi Radicals (U+2F00–U+2FDF) and CJK Radicals
//! Supplement (U+2E80–U+2EFF) that bad PDFs hand out instead of ideographs.

use unicode_normalization::UnicodeNormalization;

/// CJK Radicals Supplement characters that NFKC leaves alone, mapped to the
/// ideograph they stand for (from Unicode's EquivalentUnifiedIdeograph.txt),
/// limited to those that occur in Japanese text.
const SUPPLEMENT: &[(char, char)] = &[
    ('⺃', '乚'),
    ('⺅', '亻'),
    ('⺇', '𠘨'),
    ('⺉', '刂'),
    ('⺋', '㔾'),
    ('⺌', '⺌'),
    ('⺍', '⺍'),
    ('⺎', '兀'),
    ('⺏', '尣'),
    ('⺐', '尢'),
    ('⺑', '𡯂'),
    ('⺒', '巳'),
    ('⺓', '幺'),
    ('⺔', '彑'),
    ('⺖', '忄'),
    ('⺗', '㣺'),
    ('⺘', '扌'),
    ('⺙', '攵'),
    ('⺛', '旡'),
    ('⺜', '日'),
    ('⺝', '月'),
    ('⺞', '歺'),
    ('⺟', '母'),
    ('⺠', '民'),
    ('⺡', '氵'),
    ('⺢', '氺'),
    ('⺣', '灬'),
    ('⺤', '爫'),
    ('⺥', '爫'),
    ('⺦', '丬'),
    ('⺧', '牛'),
    ('⺨', '犭'),
    ('⺩', '王'),
    ('⺪', '疋'),
    ('⺫', '罒'),
    ('⺬', '示'),
    ('⺭', '礻'),
    ('⺮', '竹'),
    ('⺯', '糸'),
    ('⺰', '纟'),
    ('⺱', '罓'),
    ('⺲', '罒'),
    ('⺳', '网'),
    ('⺴', '罓'),
    ('⺵', '罓'),
    ('⺶', '𦍌'),
    ('⺷', '𦍌'),
    ('⺸', '𦍌'),
    ('⺹', '耂'),
    ('⺺', '肀'),
    ('⺻', '聿'),
    ('⺼', '肉'),
    ('⺽', '臼'),
    ('⺾', '艹'),
    ('⺿', '艹'),
    ('⻀', '艹'),
    ('⻁', '虎'),
    ('⻂', '衤'),
    ('⻃', '覀'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻇', '𧢲'),
    ('⻈', '讠'),
    ('⻉', '贝'),
    ('⻊', '足'),
    ('⻋', '车'),
    ('⻌', '辶'),
    ('⻍', '辶'),
    ('⻎', '辶'),
    ('⻏', '阝'),
    ('⻐', '钅'),
    ('⻑', '長'),
    ('⻒', '镸'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻕', '𨸏'),
    ('⻖', '阝'),
    ('⻗', '雨'),
    ('⻘', '青'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻞', '𩠐'),
    ('⻟', '飠'),
    ('⻠', '饣'),
    ('⻡', '𩠐'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻫', '斉'),
    ('⻬', '齐'),
    ('⻭', '歯'),
    ('⻮', '齿'),
    ('⻯', '竜'),
    ('⻰', '龙'),
    ('⻱', '龜'),
    ('⻲', '亀'),
    ('⻳', '龟'),
];

/// Kangxi radicals whose NFKC form is a traditional variant; Japanese text
/// means the Japanese form (⿊ is 黒, not 黑).
const JAPANESE_FORMS: &[(char, char)] = &[
    ('⿊', '黒'),
    ('⿑', '斉'),
    ('⿒', '歯'),
    ('⿔', '亀'),
    ('⿆', '麦'),
    ('⿈', '黄'),
];

/// The unified ideograph a radical look-alike stands for, if `c` is one.
pub fn unify_radical(c: char) -> Option<char> {
    if let Some(&(_, u)) = JAPANESE_FORMS.iter().find(|(r, _)| *r == c) {
        return Some(u);
    }
    match c as u32 {
        0x2F00..=0x2FD5 => c.to_string().nfkc().next().filter(|&u| u != c),
        0x2E80..=0x2EFF => {
            if let Some(&(_, u)) = SUPPLEMENT.iter().find(|(r, _)| *r == c) {
                (u != c).then_some(u)
            } else {
                c.to_string().nfkc().next().filter(|&u| u != c)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_reference_decks_look_alikes() {
        assert_eq!(unify_radical('⽚'), Some('片'));
        assert_eq!(unify_radical('⼭'), Some('山'));
        assert_eq!(unify_radical('⾃'), Some('自'));
        assert_eq!(unify_radical('⻑'), Some('長'));
        assert_eq!(unify_radical('⻘'), Some('青'));
        assert_eq!(unify_radical('⿊'), Some('黒'));
        assert_eq!(unify_radical('片'), None);
        assert_eq!(unify_radical('a'), None);
    }
}
