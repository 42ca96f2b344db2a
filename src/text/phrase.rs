//! Japanese phrase (文節) boundaries with Google's BudouX model.
//!
//! The model (`data/budoux/ja.json`, Apache-2.0, from the `budoux` package)
//! gives integer scores to character n-grams around each position; a phrase
//! starts where the scores sum above half their total. The scorer is ours:
//! the published Rust port reads an older model format, and the rule is a
//! dozen lines. `tests/it/phrases.rs` checks it against BudouX's quality set.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Thirteen look-ups per character of every paragraph: the packed keys are
/// spread well enough by one multiplication, where SipHash cost a tenth of
/// layout.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        // The high bits pick hashbrown's bucket and tag: fold them in.
        let x = (self.0 ^ k).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

type Table = HashMap<u64, i64, BuildHasherDefault<KeyHasher>>;

/// The 13 feature tables, keyed by up to three characters packed into a
/// `u64` (21 bits each).
struct Model {
    /// UW1…UW6: one character at offsets -3…+2 from the candidate break.
    uw: [Table; 6],
    /// BW1…BW3: the pairs at -2..0, -1..+1, 0..+2.
    bw: [Table; 3],
    /// TW1…TW4: the triples at -3..0, -2..+1, -1..+2, 0..+3.
    tw: [Table; 4],
    /// The sum of every score in the model.
    total: i64,
}

fn key(cs: &[char]) -> u64 {
    cs.iter().fold(0, |k, &c| (k << 21) | u64::from(c))
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // Compiled in and tested to parse; an unreadable model would only
        // mean no phrase boundaries (every break falls back to characters).
        let raw: HashMap<String, HashMap<String, i64>> =
            serde_json::from_str(include_str!("../../data/budoux/ja.json")).unwrap_or_default();
        let table = |name: &str| -> Table {
            raw.get(name).map_or_else(Table::default, |t| {
                t.iter()
                    .map(|(k, &v)| (key(&k.chars().collect::<Vec<_>>()), v))
                    .collect()
            })
        };
        Model {
            uw: ["UW1", "UW2", "UW3", "UW4", "UW5", "UW6"].map(table),
            bw: ["BW1", "BW2", "BW3"].map(table),
            tw: ["TW1", "TW2", "TW3", "TW4"].map(table),
            total: raw.values().flat_map(|t| t.values()).sum(),
        }
    })
}

/// Whether the model could be read (tested; see [`model`]).
pub fn model_loaded() -> bool {
    model().total != 0
}

/// Byte offsets in `text` where BudouX starts a new phrase (never 0).
pub fn boundaries(text: &str) -> Vec<usize> {
    let m = model();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let c: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    let n = c.len();
    let get = |t: &Table, from: usize, to: usize| -> i64 {
        t.get(&key(&c[from..to])).copied().unwrap_or(0)
    };
    let mut out = Vec::new();
    for (i, &(at, _)) in chars.iter().enumerate().skip(1) {
        // Twice the score, so the base (minus half the total) stays whole.
        let mut s = 0;
        if i >= 3 {
            s += get(&m.uw[0], i - 3, i - 2) + get(&m.tw[0], i - 3, i);
        }
        if i >= 2 {
            s +=
                get(&m.uw[1], i - 2, i - 1) + get(&m.bw[0], i - 2, i) + get(&m.tw[1], i - 2, i + 1);
        }
        s += get(&m.uw[2], i - 1, i) + get(&m.uw[3], i, i + 1) + get(&m.bw[1], i - 1, i + 1);
        if i + 1 < n {
            s +=
                get(&m.uw[4], i + 1, i + 2) + get(&m.bw[2], i, i + 2) + get(&m.tw[2], i - 1, i + 2);
        }
        if i + 2 < n {
            s += get(&m.uw[5], i + 2, i + 3) + get(&m.tw[3], i, i + 3);
        }
        if 2 * s - m.total > 0 {
            out.push(at);
        }
    }
    out
}

/// `text` cut into phrases.
pub fn phrases(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut last = 0;
    for b in boundaries(text) {
        out.push(&text[last..b]);
        last = b;
    }
    if last < text.len() {
        out.push(&text[last..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_loads_and_splits_a_sentence() {
        assert!(model_loaded());
        assert_eq!(phrases("今日は天気です。"), vec!["今日は", "天気です。"]);
        assert!(phrases("").is_empty());
    }
}
