//! Themes: colours, sizes and spacing shared by every slide kind.

use crate::pages::Color;

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub background: Color,
    pub text: Color,
    pub heading: Color,
    pub muted: Color,
    pub accent: Color,
    pub link: Color,
    pub callout_fill: Color,
    pub callout_border: Color,
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
    /// Bullet marks per nesting level (the last repeats for deeper levels).
    pub bullets: Vec<String>,
}

impl Theme {
    /// Clean and white, close to the reference deck's look.
    pub fn default_theme() -> Theme {
        Theme {
            name: "default".into(),
            background: Color(0xFF, 0xFF, 0xFF),
            text: Color(0x22, 0x22, 0x22),
            heading: Color(0x1F, 0x3A, 0x5F),
            muted: Color(0x59, 0x59, 0x59),
            accent: Color(0x2E, 0x6F, 0xB5),
            link: Color(0x1A, 0x5C, 0xB0),
            callout_fill: Color(0xEE, 0xF4, 0xFB),
            callout_border: Color(0x2E, 0x6F, 0xB5),
            badge_fill: Color(0xC0, 0x39, 0x2B),
            badge_text: Color(0xFF, 0xFF, 0xFF),
            band: Color(0x1F, 0x3A, 0x5F),
            band_text: Color(0xFF, 0xFF, 0xFF),
            margin: 40.0,
            heading_size: 26.0,
            subheading_size: 15.0,
            body_size: 20.0,
            min_body_size: 14.0,
            callout_size: 17.0,
            caption_size: 12.0,
            footer_size: 10.0,
            line_spacing: 1.3,
            bullets: vec!["•".into(), "–".into(), "◦".into()],
        }
    }

    pub fn bullet(&self, level: u8) -> &str {
        let i = usize::from(level).min(self.bullets.len().saturating_sub(1));
        self.bullets.get(i).map_or("•", String::as_str)
    }
}
