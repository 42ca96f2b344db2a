//! The resolved deck: what the layout stage consumes. Every reference is
//! resolved, every default filled in, rankings expanded into their slides.

use std::path::PathBuf;

use crate::diag::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Aspect {
    Wide,
    Standard,
}

impl Aspect {
    /// Slide size in points: 16:9 is PowerPoint's 13.333 in × 7.5 in.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Aspect::Wide => (960.0, 540.0),
            Aspect::Standard => (720.0, 540.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, one-digit months and days), checking the calendar.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        // One separator throughout: `2020-10-07` or `2020/10/07`.
        let sep = if s.contains('-') { '-' } else { '/' };
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].is_empty() || parts[2].is_empty() {
            return None;
        }
        let year: u16 = parts[0].parse().ok()?;
        let month: u8 = parts[1].parse().ok()?;
        let day: u8 = parts[2].parse().ok()?;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// "2020/09/25", the way the reference deck writes dates.
    pub fn display(self) -> String {
        format!("{}/{:02}/{:02}", self.year, self.month, self.day)
    }

    pub fn iso(self) -> String {
        format!("{}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Seconds since the Unix epoch at midnight UTC (for file timestamps).
    pub fn unix_seconds(self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm, public domain).
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub presenter: Option<String>,
    pub reading: Option<String>,
    pub affiliation: Option<String>,
    pub date: Option<Date>,
    pub language: String,
    pub theme: Option<(String, Pos)>,
    pub aspect: Aspect,
    pub footer: Option<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
}

/// A run of inline text with its emphasis.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Span {
    pub text: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub italic: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub code: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Inline rich text: a paragraph's worth of spans.
pub type Rich = Vec<Span>;

pub fn plain(rich: &Rich) -> String {
    rich.iter().map(|s| s.text.as_str()).collect()
}

/// A bullet item flattened to its nesting level (0 = top).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub level: u8,
    /// "1." for numbered items; `None` draws the level's bullet mark.
    pub number: Option<String>,
    pub text: Rich,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub path: PathBuf,
    pub caption: Option<Rich>,
    pub credit: Option<Rich>,
    pub alt: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct RankEntry {
    pub mark: String,
    pub title_ja: Option<String>,
    pub title: String,
    /// "⇒ Recent #6" when an earlier ranking already listed the paper, with
    /// the index (in `Deck::slides`) of the paper's slide in that ranking: the
    /// mark links to the paper's first appearance.
    pub repeat_of: Option<(String, usize)>,
    /// Index (in `Deck::slides`) of the paper's slide in this ranking.
    pub target: usize,
}

#[derive(Debug, Clone)]
pub struct PaperSlide {
    pub id: String,
    pub mark: Option<String>,
    pub label: Option<String>,
    pub title_ja: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub authors: Vec<String>,
    pub org: Option<String>,
    pub summary: Vec<Item>,
    pub commentary: Vec<Item>,
    pub figures: Vec<Figure>,
    pub picked: bool,
    /// Where the paper was ranked before, e.g. "Top recent ⑥", with the
    /// index (in `Deck::slides`) of its slide there, which the tag links to.
    pub earlier: Option<(String, usize)>,
}

#[derive(Debug, Clone)]
pub enum SlideKind {
    Title,
    Agenda {
        heading: String,
        items: Vec<Item>,
    },
    Ranking {
        heading: String,
        entries: Vec<RankEntry>,
    },
    Paper(Box<PaperSlide>),
    Free {
        heading: String,
        lead: Option<Rich>,
        items: Vec<Item>,
        figures: Vec<Figure>,
        callout: Vec<Item>,
    },
    Divider {
        title: String,
        subtitle: Option<String>,
    },
    Credits {
        heading: String,
        items: Vec<Item>,
    },
    /// The papers the deck presents as a numbered reference list.
    References {
        heading: String,
        items: Vec<Item>,
    },
}

/// Where a slide sits in the PDF outline.
#[derive(Debug, Clone, PartialEq)]
pub enum Bookmark {
    /// Starts a section of the outline.
    Section(String),
    /// An entry under the current section (one per paper).
    Entry(String),
    None,
}

#[derive(Debug, Clone)]
pub struct Slide {
    pub kind: SlideKind,
    /// Where the slide comes from in the survey file.
    pub pos: Pos,
    pub notes: Option<String>,
    pub bookmark: Bookmark,
}

#[derive(Debug, Clone)]
pub struct Deck {
    pub meta: Meta,
    pub slides: Vec<Slide>,
    /// The survey file (for diagnostics) and the folder figures are relative to.
    pub path: PathBuf,
    pub base_dir: PathBuf,
}

/// ①…⑳, ㉑…㉟, ㊱…㊿, then "(51)": ranking numbers as the reference deck writes them.
pub fn circled(n: usize) -> String {
    let c = match n {
        1..=20 => char::from_u32(0x2460 + n as u32 - 1),
        21..=35 => char::from_u32(0x3251 + n as u32 - 21),
        36..=50 => char::from_u32(0x32B1 + n as u32 - 36),
        _ => None,
    };
    c.map_or_else(|| format!("({n})"), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_check_the_calendar() {
        assert_eq!(Date::parse("2020-09-25").unwrap().display(), "2020/09/25");
        assert!(Date::parse("2020-02-30").is_none());
        assert!(Date::parse("2021-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("20-1-1").is_none());
        assert!(Date::parse("2026-1-5").is_some());
        assert!(Date::parse("2026/12/03").is_some());
        assert!(Date::parse("2026-12/03").is_none());
        assert_eq!(Date::parse("1970-01-02").unwrap().unix_seconds(), 86_400);
        assert_eq!(
            Date::parse("2020-10-07").unwrap().unix_seconds(),
            1_602_028_800
        );
    }

    #[test]
    fn circled_numbers_go_past_twenty() {
        assert_eq!(circled(1), "①");
        assert_eq!(circled(20), "⑳");
        assert_eq!(circled(21), "㉑");
        assert_eq!(circled(50), "㊿");
        assert_eq!(circled(51), "(51)");
    }
}
