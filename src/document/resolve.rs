//! Semantic checks and resolution: survey types → the deck model.
//!
//! Collects every error it finds (rather than stopping at the first), so a
//! user fixes a whole document in one round.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::inline;
use super::model::*;
use super::types::{self, Bullet, Survey};
use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};

/// Options that change what loading accepts.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Allow figures outside the survey's folder.
    pub allow_outside: bool,
}

struct Ctx<'a> {
    path: &'a Path,
    base_dir: &'a Path,
    opts: &'a LoadOptions,
    diags: Diagnostics,
    papers: &'a BTreeMap<String, Spanned<types::Paper>>,
    used: BTreeSet<String>,
    /// First ranking position of each paper: (ranking short name, full name, number).
    ranked: BTreeMap<String, Ranked>,
    /// Papers whose extra slides were already shown.
    extras_shown: BTreeSet<String>,
    slides: Vec<Slide>,
    agenda_items: Vec<Item>,
    lang_ja: bool,
}

/// The fields of a paper still holding a `TODO` placeholder, each with the
/// line of its first TODO after the paper's key (or the key itself).
/// `lines` are the survey's lines.
fn todos(p: &types::Paper, lines: &[&str], key: Pos) -> Vec<(&'static str, Pos)> {
    let is_todo = |s: &str| s.trim() == "TODO";
    let any_todo = |b: &[Bullet]| {
        b.iter().any(|x| match x {
            Bullet::Item(s) | Bullet::Tree(s, _) => is_todo(s),
            Bullet::Sub(v) => v.iter().any(|y| matches!(y, Bullet::Item(s) if is_todo(s))),
        })
    };
    let mut out = Vec::new();
    let find = |field: &str| {
        let start = key.line as usize;
        let indent = |l: &str| l.len() - l.trim_start().len();
        let key_indent = lines.get(start.saturating_sub(1)).map_or(0, |l| indent(l));
        let mut in_field = false;
        for (n, l) in lines.iter().enumerate().skip(start) {
            if l.trim().is_empty() {
                continue;
            }
            if indent(l) <= key_indent {
                break;
            }
            let t = l.trim_start();
            if t.starts_with(&format!("{field}:")) {
                in_field = true;
            } else if !t.starts_with('-') && !t.starts_with('#') {
                in_field = in_field && indent(l) > key_indent + 2;
            }
            if in_field && l.contains("TODO") {
                return Pos {
                    line: n as u32 + 1,
                    col: (l.find("TODO").unwrap_or(0) + 1) as u32,
                };
            }
        }
        key
    };
    if p.org.as_deref().is_some_and(is_todo) {
        out.push(("org", find("org")));
    }
    if any_todo(&p.commentary) {
        out.push(("commentary", find("commentary")));
    }
    if any_todo(&p.summary) {
        out.push(("summary", find("summary")));
    }
    out
}

/// Where a mapping key is written: the nearest line at or above `value` that
/// starts with the key (quoted or not) and a colon. serde gives us the
/// value's position only. `lines` are the survey's lines, split once per
/// survey: splitting them per paper made large surveys quadratic.
fn key_pos(lines: &[&str], key: &str, value: Pos) -> Pos {
    let upto = (value.line as usize).min(lines.len());
    for n in (0..upto).rev() {
        let line = lines[n];
        let body = line.trim_start();
        let col = line.len() - body.len();
        for form in [
            format!("{key}:"),
            format!("\"{key}\":"),
            format!("'{key}':"),
        ] {
            if body.starts_with(&form) {
                return Pos::new(n as u64 + 1, line[..col].chars().count() as u64 + 1);
            }
        }
    }
    value
}

pub fn resolve(
    survey: Survey,
    path: &Path,
    base_dir: &Path,
    source_text: &str,
    opts: &LoadOptions,
) -> (Deck, Diagnostics) {
    let mut cx = Ctx {
        path,
        base_dir,
        opts,
        diags: Diagnostics::default(),
        papers: &survey.papers,
        used: BTreeSet::new(),
        ranked: BTreeMap::new(),
        extras_shown: BTreeSet::new(),
        slides: Vec::new(),
        agenda_items: Vec::new(),
        lang_ja: true,
    };
    let meta = cx.meta(&survey.deck);
    cx.lang_ja = meta.language.starts_with("ja");
    let lines: Vec<&str> = source_text.lines().collect();
    for (id, paper) in survey.papers.iter() {
        cx.check_paper(paper);
        let key = key_pos(&lines, id, Pos::from(paper.referenced));
        for (field, line) in todos(&paper.value, &lines, key) {
            cx.diags.push(
                Diagnostic::warning(format!("paper `{id}`: `{field}` is still TODO"))
                    .at(path, line)
                    .help("replace the TODO left by `surveydeck import` with your text"),
            );
        }
    }

    cx.slides.push(Slide {
        kind: SlideKind::Title,
        pos: Pos { line: 1, col: 1 },
        notes: None,
        bookmark: Bookmark::Section(meta.title.clone()),
    });
    let mut agenda_at = None;
    let mut references_at = Vec::new();
    let mut has_credits = false;
    for section in &survey.sections {
        let pos = Pos::from(section.referenced);
        let s = &section.value;
        let kinds: Vec<&str> = [
            ("slide", s.slide.is_some()),
            ("agenda", s.agenda.is_some()),
            ("ranking", s.ranking.is_some()),
            ("paper", s.paper.is_some()),
            ("divider", s.divider.is_some()),
            ("credits", s.credits.is_some()),
            ("references", s.references.is_some()),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| *k)
        .collect();
        if kinds.len() != 1 {
            let msg = if kinds.is_empty() {
                "this section does not say what kind of slide it is".to_owned()
            } else {
                format!("this section has several kinds: {}", kinds.join(", "))
            };
            cx.err(
                msg,
                pos,
                "give exactly one of `slide`, `agenda`, `ranking`, `paper`, `divider`, `credits` or `references`",
            );
            continue;
        }
        cx.check_fields(s, kinds[0], pos);
        match kinds[0] {
            "slide" => cx.free_slide(s, pos, true),
            "agenda" => {
                agenda_at = Some(cx.slides.len());
                let heading = s.agenda.clone().unwrap_or_default();
                let items = cx.items(&s.bullets);
                cx.slides.push(Slide {
                    kind: SlideKind::Agenda {
                        heading: nonempty(heading, "Agenda"),
                        items,
                    },
                    pos,
                    notes: s.notes.clone(),
                    bookmark: Bookmark::Section("Agenda".into()),
                });
            }
            "ranking" => cx.ranking(s, pos),
            "paper" => cx.feature(s, pos),
            "references" => {
                references_at.push(cx.slides.len());
                let heading = nonempty(s.references.clone().unwrap_or_default(), "References");
                cx.slides.push(Slide {
                    kind: SlideKind::References {
                        heading: heading.clone(),
                        items: Vec::new(),
                    },
                    pos,
                    notes: s.notes.clone(),
                    bookmark: Bookmark::Section(heading),
                });
            }
            "divider" => {
                let title = s.divider.clone().unwrap_or_default();
                cx.agenda_items.push(Item {
                    level: 0,
                    number: None,
                    text: inline::parse(&title),
                });
                cx.slides.push(Slide {
                    kind: SlideKind::Divider {
                        title: title.clone(),
                        subtitle: s.subtitle.clone(),
                    },
                    pos,
                    notes: s.notes.clone(),
                    bookmark: Bookmark::Section(title),
                });
            }
            _ => {
                has_credits = true;
                let items = if s.bullets.is_empty() {
                    credit_items(&survey.deck.credits)
                } else {
                    cx.items(&s.bullets)
                };
                let heading = nonempty(s.credits.clone().unwrap_or_default(), "Credits");
                cx.slides.push(Slide {
                    kind: SlideKind::Credits {
                        heading: heading.clone(),
                        items,
                    },
                    pos,
                    notes: s.notes.clone(),
                    bookmark: Bookmark::Section(heading),
                });
            }
        }
    }
    if !has_credits && !survey.deck.credits.is_empty() {
        let items = credit_items(&survey.deck.credits);
        cx.slides.push(Slide {
            kind: SlideKind::Credits {
                heading: "Credits".into(),
                items,
            },
            pos: Pos { line: 1, col: 1 },
            notes: None,
            bookmark: Bookmark::Section("Credits".into()),
        });
    }
    // A generated agenda lists what the deck covers, numbered.
    if let Some(at) = agenda_at
        && let SlideKind::Agenda { items, .. } = &mut cx.slides[at].kind
        && items.is_empty()
    {
        *items = cx
            .agenda_items
            .iter()
            .enumerate()
            .map(|(i, it)| Item {
                number: Some(format!("{}.", i + 1)),
                ..it.clone()
            })
            .collect();
    }
    // Reference lists hold every paper of the deck, wherever they stand.
    let refs = reference_items(&cx.slides);
    for at in references_at {
        if let SlideKind::References { items, .. } = &mut cx.slides[at].kind {
            items.clone_from(&refs);
        }
    }
    for (id, paper) in survey.papers.iter() {
        if !cx.used.contains(id) {
            cx.diags.push(
                Diagnostic::warning(format!("paper `{id}` is defined but no section shows it"))
                    .at(path, key_pos(&lines, id, Pos::from(paper.referenced)))
                    .help("add it to a ranking's `papers`, or remove it"),
            );
        }
    }
    // With errors the deck is partial (what failed is left out): the caller
    // must not build it, but can still check its figures.
    let deck = Deck {
        meta,
        slides: cx.slides,
        path: path.to_path_buf(),
        base_dir: base_dir.to_path_buf(),
    };
    (deck, cx.diags)
}

/// Each paper the slides present, once, in order of first appearance:
/// "[n] Title. arXiv:ID", the id linked to the paper.
fn reference_items(slides: &[Slide]) -> Vec<Item> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for slide in slides {
        let SlideKind::Paper(p) = &slide.kind else {
            continue;
        };
        if seen.contains(&p.id.as_str()) {
            continue;
        }
        seen.push(&p.id);
        let mut text = vec![Span {
            text: format!("{}. ", p.title.trim_end_matches('.')),
            ..Span::default()
        }];
        text.push(Span {
            text: format!("arXiv:{}", p.id),
            link: p.url.clone(),
            ..Span::default()
        });
        out.push(Item {
            level: 0,
            number: Some(format!("[{}]", seen.len())),
            text,
        });
    }
    out
}

/// `deck.credits` lines as items of the credits slide.
fn credit_items(lines: &[String]) -> Vec<Item> {
    lines
        .iter()
        .map(|c| Item {
            level: 0,
            number: None,
            text: inline::parse(c),
        })
        .collect()
}

fn nonempty(s: String, default: &str) -> String {
    if s.trim().is_empty() {
        default.to_owned()
    } else {
        s
    }
}

const KIND_FIELDS: &[(&str, &[&str])] = &[
    ("slide", &["lead", "bullets", "figures", "callout", "notes"]),
    ("agenda", &["bullets", "notes"]),
    ("ranking", &["date", "short", "papers", "notes"]),
    ("paper", &["label", "slides", "notes"]),
    ("divider", &["subtitle", "notes"]),
    ("credits", &["bullets", "notes"]),
    ("references", &["notes"]),
];

impl<'a> Ctx<'a> {
    fn err(&mut self, msg: impl Into<String>, pos: Pos, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(msg).at(self.path, pos).help(help));
    }

    /// Fields that belong to another kind of section are mistakes, not silently ignored.
    fn check_fields(&mut self, s: &types::Section, kind: &str, pos: Pos) {
        let present = [
            ("lead", s.lead.is_some()),
            ("bullets", !s.bullets.is_empty()),
            ("figures", !s.figures.is_empty()),
            ("callout", !s.callout.is_empty()),
            ("date", s.date.is_some()),
            ("short", s.short.is_some()),
            ("papers", !s.papers.is_empty()),
            ("label", s.label.is_some()),
            ("slides", !s.slides.is_empty()),
            ("subtitle", s.subtitle.is_some()),
        ];
        let allowed = KIND_FIELDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, f)| *f)
            .unwrap_or(&[]);
        for (field, on) in present {
            if on && !allowed.contains(&field) {
                self.err(
                    format!("`{field}` does not belong in a `{kind}` section"),
                    pos,
                    format!("a `{kind}` section takes: {}", allowed.join(", ")),
                );
            }
        }
    }

    fn meta(&mut self, d: &types::Deck) -> Meta {
        let date = d.date.as_ref().and_then(|s| self.date(s));
        let aspect = match d.aspect.as_ref() {
            None => Aspect::Wide,
            Some(a) => match a.value.trim() {
                "16:9" => Aspect::Wide,
                "4:3" => Aspect::Standard,
                other => {
                    self.err(
                        format!("unknown aspect ratio `{other}`"),
                        a.referenced.into(),
                        "use \"16:9\" or \"4:3\" (quoted)",
                    );
                    Aspect::Wide
                }
            },
        };
        Meta {
            title: d.title.clone(),
            subtitle: d.subtitle.clone(),
            presenter: d.presenter.clone(),
            reading: d.reading.clone(),
            affiliation: d.affiliation.clone(),
            date,
            language: d.language.clone().unwrap_or_else(|| "ja".into()),
            theme: d
                .theme
                .as_ref()
                .map(|t| (t.value.clone(), Pos::from(t.referenced))),
            aspect,
            footer: d.footer.clone(),
            subject: d.subject.clone(),
            keywords: d.keywords.clone(),
        }
    }

    fn date(&mut self, s: &Spanned<String>) -> Option<Date> {
        let d = Date::parse(&s.value);
        if d.is_none() {
            self.err(
                format!("`{}` is not a valid date", s.value),
                s.referenced.into(),
                "write dates as YYYY-MM-DD (or YYYY/MM/DD), e.g. 2020-10-07",
            );
        }
        d
    }

    fn url(&mut self, s: &Spanned<String>) -> Option<String> {
        let u = s.value.trim();
        if u.starts_with("https://") || u.starts_with("http://") {
            Some(u.to_owned())
        } else {
            self.err(
                format!("`{u}` is not an http(s) URL"),
                s.referenced.into(),
                "links must start with https:// or http://",
            );
            None
        }
    }

    fn check_paper(&mut self, p: &Spanned<types::Paper>) {
        if let Some(u) = &p.value.url {
            self.url(u);
        }
        for f in &p.value.figures {
            self.figure(f);
        }
    }

    fn items(&self, bullets: &[Bullet]) -> Vec<Item> {
        let mut out = Vec::new();
        flatten(bullets, 0, &mut out);
        out
    }

    fn figure(&mut self, f: &types::Figure) -> Option<Figure> {
        let pos = Pos::from(f.image.referenced);
        let rel = f.image.value.trim();
        if rel.starts_with("http://") || rel.starts_with("https://") {
            self.err(
                format!("figure `{rel}` is a URL"),
                pos,
                "download the image next to the survey and give its path",
            );
            return None;
        }
        let path = self.base_dir.join(rel);
        if !path.is_file() {
            let help = match suggest_file(&path) {
                Some(s) => format!("did you mean `{s}`? (paths are relative to the survey file)"),
                None => "check the path: it is relative to the survey file".to_owned(),
            };
            self.err(format!("figure `{rel}` not found"), pos, help);
            return None;
        }
        if !self.opts.allow_outside {
            let inside = match (path.canonicalize(), self.base_dir.canonicalize()) {
                (Ok(p), Ok(b)) => p.starts_with(b),
                _ => false,
            };
            if !inside {
                self.err(
                    format!("figure `{rel}` is outside the survey's folder"),
                    pos,
                    "move the image next to the survey, or pass --allow-outside-files",
                );
                return None;
            }
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !matches!(
            ext.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp"
        ) {
            self.err(
                format!("figure `{rel}` is not a PNG, JPEG, GIF, WebP or BMP file"),
                pos,
                "convert it to PNG (diagrams) or JPEG (photos)",
            );
            return None;
        }
        // The content, not the name, decides: a header check here, the full decode in layout.
        let mut head = Vec::with_capacity(12);
        let read = std::fs::File::open(&path)
            .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 12), &mut head));
        let known = head.starts_with(b"\x89PNG\r\n\x1a\n")
            || head.starts_with(&[0xFF, 0xD8, 0xFF])
            || head.starts_with(b"GIF8")
            || (head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"))
            || head.starts_with(b"BM");
        if read.is_err() || !known {
            self.err(
                format!(
                    "figure `{rel}` is not a PNG, JPEG, GIF, WebP or BMP file (unrecognised content)"
                ),
                pos,
                "use a valid PNG, JPEG, GIF, WebP or BMP file",
            );
            return None;
        }
        if f.alt.is_none() && f.caption.is_none() {
            self.diags.push(
                Diagnostic::warning(format!("figure `{rel}` has no alternative text"))
                    .at(self.path, pos)
                    .help("add `alt:` (or a `caption:`) describing the image for screen readers"),
            );
        }
        Some(Figure {
            path,
            caption: f.caption.as_deref().map(inline::parse),
            credit: f.credit.as_deref().map(inline::parse),
            alt: f.alt.clone(),
            pos,
        })
    }

    fn figures(&mut self, figs: &[types::Figure]) -> Vec<Figure> {
        figs.iter().filter_map(|f| self.figure(f)).collect()
    }

    fn free_slide(&mut self, s: &types::Section, pos: Pos, top: bool) {
        let heading = s.slide.clone().unwrap_or_default();
        let figures = self.figures(&s.figures);
        let kind = SlideKind::Free {
            heading: heading.clone(),
            lead: s.lead.as_deref().map(inline::parse),
            items: self.items(&s.bullets),
            figures,
            callout: self.items(&s.callout),
        };
        let bookmark = match (top, heading.trim().is_empty()) {
            (_, true) => Bookmark::None,
            (true, false) => Bookmark::Section(heading),
            (false, false) => Bookmark::Entry(heading),
        };
        self.slides.push(Slide {
            kind,
            pos,
            notes: s.notes.clone(),
            bookmark,
        });
    }

    /// Extra slides after a paper: free slides only.
    fn extra_slides(&mut self, slides: &[Spanned<types::Section>]) {
        for extra in slides {
            let pos = Pos::from(extra.referenced);
            if extra.value.slide.is_none() {
                self.err(
                    "slides that follow a paper must be `slide:` sections",
                    pos,
                    "start this entry with `slide: <heading>`",
                );
                continue;
            }
            self.check_fields(&extra.value, "slide", pos);
            self.free_slide(&extra.value, pos, false);
        }
    }

    fn lookup(&mut self, id: &Spanned<String>) -> Option<&'a Spanned<types::Paper>> {
        let papers = self.papers;
        match papers.get(id.value.as_str()) {
            Some(p) => {
                self.used.insert(id.value.clone());
                Some(p)
            }
            None => {
                let help = match suggest(&id.value, papers.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "define it under `papers:` first".to_owned(),
                };
                self.err(
                    format!("no paper `{}` is defined", id.value),
                    id.referenced.into(),
                    help,
                );
                None
            }
        }
    }

    fn paper_slide(
        &mut self,
        id: &str,
        p: &Spanned<types::Paper>,
        mark: Option<String>,
        label: Option<String>,
        earlier: Option<(String, usize)>,
    ) -> Slide {
        let v = &p.value;
        let url = match &v.url {
            Some(u) => Some(u.value.trim().to_owned()),
            None => arxiv_url(id),
        };
        let figures = v
            .figures
            .iter()
            .filter_map(|f| self.figure_quiet(f))
            .collect();
        let title = v.title_ja.clone().unwrap_or_else(|| v.title.clone());
        Slide {
            kind: SlideKind::Paper(Box::new(PaperSlide {
                id: id.to_owned(),
                mark,
                label,
                title_ja: v.title_ja.clone(),
                title: v.title.clone(),
                url,
                authors: v.authors.clone(),
                org: v.org.clone(),
                summary: self.items(&v.summary),
                commentary: self.items(&v.commentary),
                figures,
                picked: v.tags.iter().any(|t| t == "picked"),
                earlier,
            })),
            pos: p.referenced.into(),
            notes: v.notes.clone(),
            bookmark: Bookmark::Entry(title),
        }
    }

    /// Paper figures were checked (and reported) once in `check_paper`.
    fn figure_quiet(&mut self, f: &types::Figure) -> Option<Figure> {
        let before = self.diags.items.len();
        let fig = self.figure(f);
        self.diags.items.truncate(before);
        fig
    }

    fn ranking(&mut self, s: &types::Section, pos: Pos) {
        let name = s.ranking.clone().unwrap_or_default();
        let date = s.date.as_ref().and_then(|d| self.date(d));
        let heading = match date {
            Some(d) => format!("{name} ({})", d.display()),
            None => name.clone(),
        };
        let short = s.short.clone().unwrap_or_else(|| short_name(&name));
        if s.papers.is_empty() {
            self.err(
                format!("ranking `{name}` lists no papers"),
                pos,
                "add paper ids under `papers:`",
            );
            return;
        }
        let count = s.papers.len();
        self.agenda_items.push(Item {
            level: 0,
            number: None,
            text: inline::parse(&if self.lang_ja {
                format!("{name} の上位 {count} 本")
            } else {
                format!("{name}: top {count}")
            }),
        });
        let list_at = self.slides.len();
        self.slides.push(Slide {
            kind: SlideKind::Ranking {
                heading: heading.clone(),
                entries: Vec::new(),
            },
            pos,
            notes: s.notes.clone(),
            bookmark: Bookmark::Section(heading),
        });
        let mut entries = Vec::new();
        let mut seen_here = BTreeSet::new();
        for (i, id) in s.papers.iter().enumerate() {
            let n = i + 1;
            if !seen_here.insert(id.value.clone()) {
                self.err(
                    format!("paper `{}` appears twice in this ranking", id.value),
                    id.referenced.into(),
                    "list each paper once",
                );
                continue;
            }
            let Some(p) = self.lookup(id) else { continue };
            let mark = circled(n);
            let earlier = self.ranked.get(&id.value).cloned();
            let target = self.slides.len();
            let slide = self.paper_slide(
                &id.value,
                p,
                Some(mark.clone()),
                None,
                earlier.as_ref().map(Ranked::tag),
            );
            entries.push(RankEntry {
                mark,
                title_ja: p.value.title_ja.clone(),
                title: p.value.title.clone(),
                repeat_of: earlier
                    .as_ref()
                    .map(|r| (format!("⇒ {} #{}", r.short, r.number), r.slide)),
                target,
            });
            self.slides.push(slide);
            if self.extras_shown.insert(id.value.clone()) {
                self.extra_slides(&p.value.slides);
            }
            self.ranked.entry(id.value.clone()).or_insert(Ranked {
                short: short.clone(),
                name: name.clone(),
                number: n,
                slide: target,
            });
        }
        if let SlideKind::Ranking { entries: e, .. } = &mut self.slides[list_at].kind {
            *e = entries;
        }
    }

    fn feature(&mut self, s: &types::Section, pos: Pos) {
        let Some(id) = s.paper.as_ref() else { return };
        let Some(p) = self.lookup(id) else { return };
        let label = s.label.clone();
        if let Some(l) = &label {
            self.agenda_items.push(Item {
                level: 0,
                number: None,
                text: inline::parse(l),
            });
        }
        let earlier = self.ranked.get(&id.value).map(Ranked::tag);
        let mut slide = self.paper_slide(&id.value, p, None, label.clone(), earlier);
        slide.pos = pos;
        if let Some(n) = &s.notes {
            slide.notes = Some(n.clone());
        }
        let title = p
            .value
            .title_ja
            .clone()
            .unwrap_or_else(|| p.value.title.clone());
        slide.bookmark = Bookmark::Section(match &label {
            Some(l) => format!("{l}: {title}"),
            None => title,
        });
        self.slides.push(slide);
        self.extra_slides(&s.slides);
    }
}

/// Where a paper was first ranked.
#[derive(Debug, Clone)]
struct Ranked {
    /// The ranking's short name ("Recent") and full name ("top recent").
    short: String,
    name: String,
    /// Its place in that ranking, from 1.
    number: usize,
    /// Index (in `Deck::slides`) of its paper slide there.
    slide: usize,
}

impl Ranked {
    /// The tag on a later slide of the paper: "Top recent ⑥" and where it links.
    fn tag(&self) -> (String, usize) {
        (
            format!("{} {}", capitalise(&self.name), circled(self.number)),
            self.slide,
        )
    }
}

fn flatten(bullets: &[Bullet], level: u8, out: &mut Vec<Item>) {
    for b in bullets {
        match b {
            Bullet::Item(text) => {
                let (number, rest) = split_number(text);
                out.push(Item {
                    level,
                    number,
                    text: inline::parse(rest),
                });
            }
            Bullet::Sub(children) => flatten(children, level.saturating_add(1).min(8), out),
            Bullet::Tree(text, children) => {
                flatten(&[Bullet::Item(text.clone())], level, out);
                flatten(children, level.saturating_add(1).min(8), out);
            }
        }
    }
}

/// "1. text" → ("1.", "text"): a numbered item keeps its number as its mark.
fn split_number(text: &str) -> (Option<String>, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) && text[digits..].starts_with(". ") {
        (
            Some(text[..=digits].to_owned()),
            text[digits + 2..].trim_start(),
        )
    } else {
        (None, text)
    }
}

/// "top recent" → "Recent": the name a later ranking uses to point back.
fn short_name(name: &str) -> String {
    capitalise(name.split_whitespace().last().unwrap_or(name))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `2009.05041` or `2009.05041v2` → its arXiv abstract page.
pub fn arxiv_url(id: &str) -> Option<String> {
    let (num, ver) = match id.split_once('v') {
        Some((n, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => (n, Some(v)),
        _ => (id, None),
    };
    let (a, b) = num.split_once('.')?;
    let ok = a.len() == 4
        && a.bytes().all(|c| c.is_ascii_digit())
        && (4..=5).contains(&b.len())
        && b.bytes().all(|c| c.is_ascii_digit());
    ok.then(|| {
        format!(
            "https://arxiv.org/abs/{num}{}",
            ver.map(|v| format!("v{v}")).unwrap_or_default()
        )
    })
}

fn suggest_file(path: &Path) -> Option<String> {
    let dir = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let entries: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    suggest(name, entries.iter().map(String::as_str)).map(|s| {
        let p: PathBuf = path.with_file_name(s);
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids_make_urls() {
        assert_eq!(
            arxiv_url("2009.05041").as_deref(),
            Some("https://arxiv.org/abs/2009.05041")
        );
        assert_eq!(
            arxiv_url("2009.05041v2").as_deref(),
            Some("https://arxiv.org/abs/2009.05041v2")
        );
        assert_eq!(arxiv_url("relay"), None);
    }

    #[test]
    fn numbered_items() {
        assert_eq!(split_number("1. top"), (Some("1.".into()), "top"));
        assert_eq!(split_number("2020. year"), (None, "2020. year"));
        assert_eq!(split_number("3.5 GPa"), (None, "3.5 GPa"));
        assert_eq!(short_name("top recent"), "Recent");
    }
}
