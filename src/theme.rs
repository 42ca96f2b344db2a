//! Themes: colours, sizes, spacing and furniture shared by every slide kind,
//! read from YAML (built-in ones are compiled in from `templates/`). A theme
//! may `extend` another and override a few keys.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};
use crate::document::{Source, decode};
use crate::pages::Color;
use crate::text::Strictness;

/// The built-in themes: name, file text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../templates/default.yaml")),
    ("dark", include_str!("../templates/dark.yaml")),
    ("print", include_str!("../templates/print.yaml")),
];

/// Where figures go on a slide that also has text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figures {
    Right,
    Below,
}

/// How many authors a paper slide shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authors {
    None,
    /// The first three, then "et al.".
    Short,
    All,
}

impl Authors {
    /// The author line for a paper, if any.
    pub fn line(self, names: &[String]) -> Option<String> {
        match (self, names.len()) {
            (_, 0) | (Authors::None, _) => None,
            (Authors::Short, n) if n > 3 => Some(format!("{} et al.", names[..3].join(", "))),
            _ => Some(names.join(", ")),
        }
    }
}

/// Where the commentary box goes on a paper slide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commentary {
    Below,
    Beside,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub description: String,
    pub background: Color,
    pub text: Color,
    pub heading: Color,
    pub muted: Color,
    pub accent: Color,
    pub link: Color,
    pub callout_fill: Color,
    pub callout_border: Color,
    /// Text inside the callout box.
    pub callout_text: Color,
    pub badge_fill: Color,
    pub badge_text: Color,
    /// Title and divider slides: band colour and the text on it.
    pub band: Color,
    pub band_text: Color,

    pub margin: f32,
    pub heading_size: f32,
    pub subheading_size: f32,
    pub body_size: f32,
    /// Smallest body size auto-fit may reach before splitting a slide.
    pub min_body_size: f32,
    pub callout_size: f32,
    pub caption_size: f32,
    pub footer_size: f32,
    /// Baseline distance as a multiple of the font size.
    pub line_spacing: f32,
    /// Body text in the bold face (heavier text for printing).
    pub bold_body: bool,
    /// Bullet marks per nesting level (the last repeats for deeper levels).
    pub bullets: Vec<String>,

    pub slide_number: bool,
    pub footer_text: bool,
    pub footer_date: bool,
    /// An image drawn at the footer's left (PNG or JPEG).
    pub logo: Option<PathBuf>,
    pub commentary: Commentary,
    pub figures: Figures,
    pub authors: Authors,
    /// A Latin face to use before the bundled Japanese one: (regular, bold) files.
    pub latin_font: Option<(PathBuf, Option<PathBuf>)>,
    /// Faces for characters the bundled ones lack, in order (`fonts.fallback`).
    pub fallback_fonts: Vec<FallbackFont>,
    /// JLREQ strictness of line starts (`typography.line_break`).
    pub strictness: Strictness,
    /// Body text breaks between phrases as titles do (`typography.phrases_in_body`).
    pub body_phrases: bool,
    /// QR codes of paper links on printed pages (handouts, notes pages) by default.
    pub print_qr: bool,
    /// Text links are underlined, in every format (`links.underline`).
    pub link_underline: bool,
}

/// One entry of a theme's `fonts.fallback` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FallbackFont {
    /// A font file (a path relative to the theme file).
    File(PathBuf),
    /// A family name, looked up in `--font-path` folders and system fonts.
    Family(String),
}

impl Theme {
    /// The built-in default theme (its file is tested to load).
    pub fn default_theme() -> Theme {
        match load("default", Path::new(".")) {
            Ok(t) => t,
            Err(_) => unreachable_theme(),
        }
    }

    /// The colours writers carry into formats with a theme of their own (PPTX).
    pub fn palette(&self) -> crate::pages::Palette {
        crate::pages::Palette {
            background: self.background,
            text: self.text,
            heading: self.heading,
            muted: self.muted,
            accent: self.accent,
            link: self.link,
            callout_fill: self.callout_fill,
            badge_fill: self.badge_fill,
        }
    }

    pub fn bullet(&self, level: u8) -> &str {
        let i = usize::from(level).min(self.bullets.len().saturating_sub(1));
        self.bullets.get(i).map_or("•", String::as_str)
    }
}

/// A last resort that keeps the program running if a built-in theme file
/// were broken; tests load every built-in theme, so this is never reached.
fn unreachable_theme() -> Theme {
    let black = Color(0, 0, 0);
    let white = Color(0xFF, 0xFF, 0xFF);
    Theme {
        name: "fallback".into(),
        description: String::new(),
        background: white,
        text: black,
        heading: black,
        muted: Color(0x55, 0x55, 0x55),
        accent: black,
        link: Color(0, 0, 0xEE),
        callout_fill: white,
        callout_border: black,
        callout_text: black,
        badge_fill: black,
        badge_text: white,
        band: black,
        band_text: white,
        margin: 40.0,
        heading_size: 26.0,
        subheading_size: 15.0,
        body_size: 20.0,
        min_body_size: 14.0,
        callout_size: 17.0,
        caption_size: 12.0,
        footer_size: 10.0,
        line_spacing: 1.3,
        bold_body: false,
        bullets: vec!["•".into()],
        slide_number: true,
        footer_text: true,
        footer_date: false,
        logo: None,
        commentary: Commentary::Below,
        figures: Figures::Right,
        authors: Authors::Short,
        latin_font: None,
        fallback_fonts: Vec::new(),
        strictness: Strictness::default(),
        body_phrases: false,
        print_qr: false,
        link_underline: true,
    }
}

/// A theme file as written.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeFile {
    /// One line saying what the theme is for (shown by `surveydeck themes`).
    #[serde(default)]
    pub description: Option<String>,
    /// A built-in theme (or a theme file) this one starts from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub colors: Colors,
    #[serde(default)]
    pub sizes: Sizes,
    #[serde(default)]
    pub spacing: Spacing,
    /// Bullet marks per nesting level.
    #[serde(default)]
    pub bullets: Option<Vec<String>>,
    #[serde(default)]
    pub footer: Footer,
    #[serde(default)]
    pub paper: PaperSlide,
    #[serde(default)]
    pub fonts: Fonts,
    #[serde(default)]
    pub typography: Typography,
    #[serde(default)]
    pub print: Print,
    #[serde(default)]
    pub links: Links,
}

/// How text links look, the same in the PDF, the PPTX and the pictures.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Underline links (default `true`; PowerPoint underlines links whatever
    /// the file says, so `false` only holds in the PDF, pictures and LibreOffice).
    #[serde(default)]
    pub underline: Option<bool>,
}

/// Printed pages: handouts and notes pages.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Print {
    /// A QR code of each paper's link beside its slide (as `--qr` asks).
    #[serde(default)]
    pub qr: Option<bool>,
}

/// Line breaking.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Typography {
    /// How strictly JLREQ keeps marks from starting a line: `very-loose`,
    /// `loose`, `strict` (the default) or `very-strict`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub line_break: Option<Spanned<String>>,
    /// Break body text only between phrases (文節), as titles, ranking
    /// entries and captions always do.
    #[serde(default)]
    pub phrases_in_body: Option<bool>,
}

/// Colours as "#RRGGBB".
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub background: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub text: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub heading: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub muted: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub accent: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub link: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub callout_fill: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub callout_border: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub callout_text: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub badge_fill: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub badge_text: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub band: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub band_text: Option<Spanned<String>>,
}

/// Font sizes in points.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sizes {
    #[serde(default)]
    pub heading: Option<f32>,
    #[serde(default)]
    pub subheading: Option<f32>,
    #[serde(default)]
    pub body: Option<f32>,
    /// The smallest body size auto-fit may shrink to before splitting a slide.
    #[serde(default)]
    pub min_body: Option<f32>,
    #[serde(default)]
    pub callout: Option<f32>,
    #[serde(default)]
    pub caption: Option<f32>,
    #[serde(default)]
    pub footer: Option<f32>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spacing {
    /// Slide margin in points.
    #[serde(default)]
    pub margin: Option<f32>,
    /// Baseline distance as a multiple of the font size.
    #[serde(default)]
    pub line_spacing: Option<f32>,
    /// Body text in bold (heavier text for printing).
    #[serde(default)]
    pub bold_body: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    #[serde(default)]
    pub slide_number: Option<bool>,
    /// Show the deck's `footer` text.
    #[serde(default)]
    pub text: Option<bool>,
    /// Show the deck's date.
    #[serde(default)]
    pub date: Option<bool>,
    /// A logo image (PNG or JPEG, relative to the theme file).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub logo: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperSlide {
    /// Where the commentary box goes: `below` the summary or `beside` it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub commentary: Option<Spanned<String>>,
    /// Where figures go when a slide also has text: `right` of it or `below` it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub figures: Option<Spanned<String>>,
    /// Which authors the paper slide shows under the link: `short` (the first three, then
    /// "et al."), `all` or `none`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub authors: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    /// A Latin TrueType face (regular), relative to the theme file; Japanese
    /// text always falls back to the bundled BIZ UDPGothic.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub latin: Option<Spanned<String>>,
    /// Its bold face.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub latin_bold: Option<Spanned<String>>,
    /// Faces for characters the bundled ones lack (Hangul, Chinese, emoji…),
    /// tried in order after BIZ UDPGothic: font files (.ttf, .otf, .ttc,
    /// relative to the theme file) or installed family names.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub fallback: Option<Vec<Spanned<String>>>,
}

/// Loads a built-in theme by name or a theme file by path (relative to `base`).
pub fn load(name: &str, base: &Path) -> Result<Theme, Diagnostics> {
    load_depth(name, base, 0)
}

fn load_depth(name: &str, base: &Path, depth: usize) -> Result<Theme, Diagnostics> {
    let one = |d: Diagnostic| Diagnostics { items: vec![d] };
    if depth > 8 {
        return Err(one(Diagnostic::error(format!(
            "theme `{name}` extends itself (a cycle)"
        ))
        .help("remove the `extends` loop")));
    }
    let (source, dir) = if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
        (
            Source {
                path: PathBuf::from(format!("templates/{name}.yaml")),
                text: (*text).to_owned(),
            },
            PathBuf::from("."),
        )
    } else {
        let path = base.join(name);
        if !path.is_file() {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            let help = match suggest(name, names.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? (built-in themes: {})",
                    names.join(", ")
                ),
                None => format!(
                    "use a built-in theme ({}) or the path of a theme file",
                    names.join(", ")
                ),
            };
            return Err(one(
                Diagnostic::error(format!("no theme `{name}`")).help(help)
            ));
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            one(
                Diagnostic::error(format!("cannot read theme {}: {e}", path.display()))
                    .in_file(&path),
            )
        })?;
        let text = decode(&bytes).map_err(|d| one(d.in_file(&path)))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (Source { path, text }, dir)
    };
    let opts = serde_saphyr::options! { with_snippet: false };
    let file: ThemeFile = serde_saphyr::from_str_with_options(&source.text, opts).map_err(|e| {
        let pos = e.location().map(Pos::from).unwrap_or_default();
        let raw = e.to_string();
        let msg = raw
            .rsplit_once(" at line ")
            .map_or(raw.as_str(), |(m, _)| m)
            .to_owned();
        let d = if let Some(rest) = msg.strip_prefix("unknown field `")
            && let Some((field, expected)) = rest.split_once("`, expected one of ")
        {
            let cands: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
            Diagnostic::error(format!("unknown theme field `{field}`")).help(
                match suggest(field, cands.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the fields allowed here are: {}", cands.join(", ")),
                },
            )
        } else {
            Diagnostic::error(format!("invalid theme: {msg}")).help("see docs/themes.md")
        };
        one(d.at(&source.path, pos))
    })?;
    let mut theme = match &file.extends {
        Some(parent) => load_depth(&parent.value, &dir, depth + 1).map_err(|mut d| {
            d.push(
                Diagnostic::note(format!(
                    "while loading `{}`, which `{}` extends",
                    parent.value, name
                ))
                .at(&source.path, Pos::from(parent.referenced)),
            );
            d
        })?,
        None => unreachable_theme(),
    };
    theme.name = name.to_owned();
    let mut diags = Diagnostics::default();
    apply(&mut theme, &file, &source.path, &dir, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(theme)
    }
}

fn apply(t: &mut Theme, f: &ThemeFile, path: &Path, dir: &Path, diags: &mut Diagnostics) {
    if let Some(d) = &f.description {
        t.description.clone_from(d);
    }
    let c = &f.colors;
    let mut color = |field: &mut Color, v: &Option<Spanned<String>>| {
        if let Some(v) = v {
            match parse_color(&v.value) {
                Some(col) => *field = col,
                None => diags.push(
                    Diagnostic::error(format!("`{}` is not a colour", v.value))
                        .at(path, Pos::from(v.referenced))
                        .help("write colours as \"#RRGGBB\" (quoted), e.g. \"#1F3A5F\""),
                ),
            }
        }
    };
    color(&mut t.background, &c.background);
    color(&mut t.text, &c.text);
    color(&mut t.heading, &c.heading);
    color(&mut t.muted, &c.muted);
    color(&mut t.accent, &c.accent);
    color(&mut t.link, &c.link);
    color(&mut t.callout_fill, &c.callout_fill);
    color(&mut t.callout_border, &c.callout_border);
    color(&mut t.callout_text, &c.callout_text);
    color(&mut t.badge_fill, &c.badge_fill);
    color(&mut t.badge_text, &c.badge_text);
    color(&mut t.band, &c.band);
    color(&mut t.band_text, &c.band_text);
    let s = &f.sizes;
    for (field, v) in [
        (&mut t.heading_size, s.heading),
        (&mut t.subheading_size, s.subheading),
        (&mut t.body_size, s.body),
        (&mut t.min_body_size, s.min_body),
        (&mut t.callout_size, s.callout),
        (&mut t.caption_size, s.caption),
        (&mut t.footer_size, s.footer),
    ] {
        if let Some(v) = v {
            if (4.0..=200.0).contains(&v) {
                *field = v;
            } else {
                diags.push(
                    Diagnostic::error(format!("font size {v} is out of range"))
                        .in_file(path)
                        .help("use a size between 4 and 200 points"),
                );
            }
        }
    }
    if let Some(m) = f.spacing.margin {
        t.margin = m.clamp(0.0, 200.0);
    }
    if let Some(l) = f.spacing.line_spacing {
        t.line_spacing = l.clamp(0.8, 3.0);
    }
    if let Some(b) = f.spacing.bold_body {
        t.bold_body = b;
    }
    if let Some(b) = &f.bullets
        && !b.is_empty()
    {
        t.bullets.clone_from(b);
    }
    if let Some(v) = f.footer.slide_number {
        t.slide_number = v;
    }
    if let Some(v) = f.footer.text {
        t.footer_text = v;
    }
    if let Some(v) = f.footer.date {
        t.footer_date = v;
    }
    if let Some(v) = f.print.qr {
        t.print_qr = v;
    }
    if let Some(v) = f.links.underline {
        t.link_underline = v;
    }
    if let Some(l) = &f.footer.logo {
        let p = dir.join(&l.value);
        if p.is_file() {
            t.logo = Some(p);
        } else {
            diags.push(
                Diagnostic::error(format!("logo `{}` not found", l.value))
                    .at(path, Pos::from(l.referenced))
                    .help("paths in a theme are relative to the theme file"),
            );
        }
    }
    if let Some(cm) = &f.paper.commentary {
        match cm.value.as_str() {
            "below" => t.commentary = Commentary::Below,
            "beside" => t.commentary = Commentary::Beside,
            other => diags.push(
                Diagnostic::error(format!("unknown commentary placement `{other}`"))
                    .at(path, Pos::from(cm.referenced))
                    .help("use `below` or `beside`"),
            ),
        }
    }
    if let Some(a) = &f.paper.authors {
        match a.value.as_str() {
            "short" => t.authors = Authors::Short,
            "all" => t.authors = Authors::All,
            "none" => t.authors = Authors::None,
            other => diags.push(
                Diagnostic::error(format!("unknown authors setting `{other}`"))
                    .at(path, Pos::from(a.referenced))
                    .help("use `short`, `all` or `none`"),
            ),
        }
    }
    if let Some(fg) = &f.paper.figures {
        match fg.value.as_str() {
            "right" => t.figures = Figures::Right,
            "below" => t.figures = Figures::Below,
            other => diags.push(
                Diagnostic::error(format!("unknown figure placement `{other}`"))
                    .at(path, Pos::from(fg.referenced))
                    .help("use `right` or `below`"),
            ),
        }
    }
    if let Some(lb) = &f.typography.line_break {
        match Strictness::parse(&lb.value) {
            Some(level) => t.strictness = level,
            None => diags.push(
                Diagnostic::error(format!("unknown line-break strictness `{}`", lb.value))
                    .at(path, Pos::from(lb.referenced))
                    .help("use `very-loose`, `loose`, `strict` or `very-strict`"),
            ),
        }
    }
    if let Some(b) = f.typography.phrases_in_body {
        t.body_phrases = b;
    }
    if let Some(l) = &f.fonts.latin {
        let regular = dir.join(&l.value);
        let bold = f.fonts.latin_bold.as_ref().map(|b| dir.join(&b.value));
        for (p, at) in [
            (Some(&regular), l),
            (bold.as_ref(), f.fonts.latin_bold.as_ref().unwrap_or(l)),
        ] {
            if let Some(p) = p
                && !p.is_file()
            {
                diags.push(
                    Diagnostic::error(format!("font file `{}` not found", p.display()))
                        .at(path, Pos::from(at.referenced))
                        .help("paths in a theme are relative to the theme file"),
                );
            }
        }
        t.latin_font = Some((regular, bold));
    }
    if let Some(list) = &f.fonts.fallback {
        t.fallback_fonts.clear();
        for entry in list {
            let v = entry.value.trim();
            let lower = v.to_ascii_lowercase();
            let is_file = v.contains('/')
                || v.contains('\\')
                || [".ttf", ".otf", ".ttc", ".otc"]
                    .iter()
                    .any(|e| lower.ends_with(e));
            if !is_file {
                t.fallback_fonts.push(FallbackFont::Family(v.to_owned()));
                continue;
            }
            let p = dir.join(v);
            if !p.is_file() {
                diags.push(
                    Diagnostic::error(format!("font file `{}` not found", p.display()))
                        .at(path, Pos::from(entry.referenced))
                        .help("paths in a theme are relative to the theme file"),
                );
            }
            t.fallback_fonts.push(FallbackFont::File(p));
        }
    }
}

/// "#RRGGBB" (or "RRGGBB") → colour.
pub fn parse_color(s: &str) -> Option<Color> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some(Color((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// WCAG 2 contrast ratio between two colours (1 to 21).
pub fn contrast(a: Color, b: Color) -> f32 {
    fn lum(c: Color) -> f32 {
        let ch = |v: u8| {
            let s = f32::from(v) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
    }
    let (la, lb) = (lum(a), lum(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The JSON Schema of theme files.
pub fn json_schema() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(ThemeFile)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_load_and_read_well() {
        for (name, _) in BUILTIN {
            let t = load(name, Path::new(".")).unwrap_or_else(|d| panic!("{name}: {:?}", d.items));
            assert!(!t.description.is_empty(), "{name} has no description");
            for (what, fg, bg) in [
                ("body text", t.text, t.background),
                ("heading", t.heading, t.background),
                ("muted text", t.muted, t.background),
                ("links", t.link, t.background),
                ("title band", t.band_text, t.band),
                ("badge", t.badge_text, t.badge_fill),
                ("callout", t.callout_text, t.callout_fill),
            ] {
                let c = contrast(fg, bg);
                assert!(c >= 4.5, "{name}: {what} contrast {c:.2} is below 4.5:1");
            }
        }
    }

    #[test]
    fn colours_parse_and_contrast() {
        assert_eq!(parse_color("#1F3A5F"), Some(Color(0x1F, 0x3A, 0x5F)));
        assert_eq!(parse_color("blue"), None);
        assert!((contrast(Color(0, 0, 0), Color(255, 255, 255)) - 21.0).abs() < 0.01);
    }
}
