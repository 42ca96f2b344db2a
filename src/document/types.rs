//! The survey document as written in YAML: one struct per mapping, every
//! field documented (the doc comments become the JSON Schema descriptions).
//!
//! Slides are a flat struct rather than a tagged enum: serde-saphyr keeps
//! source positions only outside buffered (tagged/untagged) enums, and a flat
//! struct also lets us say "a section needs exactly one of slide, ranking…"
//! with the position of the section.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A survey document: deck metadata, the papers (each defined once) and the
/// sections in presentation order.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "surveydeck survey document")]
pub struct Survey {
    /// Deck metadata: title, presenter, date, theme…
    pub deck: Deck,
    /// Papers keyed by arXiv id (`2009.05041`) or any id of your choosing.
    /// A ranking or a `paper` section refers to them by this key.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Paper>")]
    pub papers: BTreeMap<String, Spanned<Paper>>,
    /// The slides in order, after the title slide (which is always first).
    #[schemars(with = "Vec<Section>")]
    pub sections: Vec<Spanned<Section>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deck {
    /// The event or deck title, e.g. "AI 最新技術 Update 会 10月".
    pub title: String,
    /// A second line under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Presenter's name, e.g. "片山 豊".
    #[serde(default)]
    pub presenter: Option<String>,
    /// Reading of the presenter's name, e.g. "かたやま ゆたか".
    #[serde(default)]
    pub reading: Option<String>,
    /// Presenter's affiliation.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Date of the talk, `YYYY-MM-DD` (also `YYYY/MM/DD`, and one-digit months and days).
    /// Also the PDF/PPTX creation date.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^\d{4}(-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2})$")
    )]
    pub date: Option<Spanned<String>>,
    /// Document language (BCP 47), `ja` when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// Theme name (`default`) or path to a theme file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub theme: Option<Spanned<String>>,
    /// Slide aspect ratio: "16:9" (default) or "4:3".
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^(16:9|4:3)$"))]
    pub aspect: Option<Spanned<String>>,
    /// Text in every slide's footer, e.g. the event name.
    #[serde(default)]
    pub footer: Option<String>,
    /// Lines of the closing credits slide (translation tools, image sources…).
    /// The credits slide is added at the end unless a `credits` section places it.
    #[serde(default)]
    pub credits: Vec<String>,
    /// Subject for the PDF/PPTX metadata.
    #[serde(default)]
    pub subject: Option<String>,
    /// Keywords for the metadata; the paper titles are added automatically.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// A paper, defined once and shown wherever a ranking or `paper` section names it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    /// Original title, e.g. "Efficient Transformers: A Survey".
    pub title: String,
    /// Japanese title, e.g. "効率的な変圧器調査". Shown as the slide heading.
    #[serde(default)]
    pub title_ja: Option<String>,
    /// Link to the paper. Derived from the key when it is an arXiv id.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
    /// The authors, e.g. ["Yi Tay", "Mostafa Dehghani"]. The theme's `paper.authors` says
    /// how many the paper slide shows.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Who made it, e.g. "Google の研究".
    #[serde(default)]
    pub org: Option<String>,
    /// Translated summary, as nested bullets.
    #[serde(default)]
    pub summary: Vec<Bullet>,
    /// Commentary and takeaways, shown in a box.
    #[serde(default)]
    pub commentary: Vec<Bullet>,
    /// Figures shown beside the summary.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Tags; `picked` marks a paper the presenter found interesting (気になった論文).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Speaker notes for the paper slide.
    #[serde(default)]
    pub notes: Option<String>,
    /// Further slides shown right after the paper slide, the first time it is shown.
    #[serde(default)]
    #[schemars(with = "Vec<Section>")]
    pub slides: Vec<Spanned<Section>>,
    /// Written by `surveydeck import`: the fields it made, each with a hash of what it wrote,
    /// so a re-import refreshes only text nobody has edited. Not shown.
    #[serde(default)]
    pub imported: BTreeMap<String, String>,
}

/// One entry of `sections`. Exactly one of `slide`, `agenda`, `ranking`,
/// `paper`, `divider`, `credits` or `references` says what kind of slide it is.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// A free slide with this heading (may be empty: `slide: ""`).
    #[serde(default)]
    pub slide: Option<String>,
    /// The agenda slide, with this heading. Generated from the sections unless `bullets` is given.
    #[serde(default)]
    pub agenda: Option<String>,
    /// A ranked list, e.g. "top recent": numbers the `papers` ①…⑩, then shows each paper's slide.
    #[serde(default)]
    pub ranking: Option<String>,
    /// Feature one paper (by id) again, e.g. in a "気になった論文" section, followed by `slides`.
    #[serde(default)]
    #[schemars(with = "Option<Id>")]
    pub paper: Option<Spanned<String>>,
    /// A section divider slide with this title.
    #[serde(default)]
    pub divider: Option<String>,
    /// The closing credits slide, with this heading; lists `deck.credits` unless `bullets` is given.
    #[serde(default)]
    pub credits: Option<String>,
    /// A references slide, with this heading: every paper the deck presents, numbered,
    /// with its authors and arXiv link (continued over several slides as needed).
    #[serde(default)]
    pub references: Option<String>,

    /// A paragraph shown under the heading, before the bullets.
    #[serde(default)]
    pub lead: Option<String>,
    /// Nested bullets: a string is an item, a list right after an item holds its sub-items.
    /// An item starting with `1. ` is numbered.
    #[serde(default)]
    pub bullets: Vec<Bullet>,
    /// Figures (images with captions).
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Text in a highlighted box (a definition, a takeaway).
    #[serde(default)]
    pub callout: Vec<Bullet>,
    /// Speaker notes.
    #[serde(default)]
    pub notes: Option<String>,

    /// Ranking: the date the list was taken, `YYYY-MM-DD` (or `YYYY/MM/DD`), shown as "top recent (2020/09/25)".
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^\d{4}(-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2})$")
    )]
    pub date: Option<Spanned<String>>,
    /// Ranking: a short name used when a later list repeats a paper ("⇒ Recent #6"). Defaults to the
    /// ranking's last word, capitalised.
    #[serde(default)]
    pub short: Option<String>,
    /// Ranking: the paper ids, best first.
    #[serde(default)]
    #[schemars(with = "Vec<Id>")]
    pub papers: Vec<Spanned<String>>,
    /// `paper` section: a label above the heading, e.g. "気になった 1 本".
    #[serde(default)]
    pub label: Option<String>,
    /// `paper` section: slides that follow the paper slide (a deep dive).
    #[serde(default)]
    #[schemars(with = "Vec<Section>")]
    pub slides: Vec<Spanned<Section>>,
    /// Divider: a line under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
}

/// A figure: an image file (PNG, JPEG, GIF, WebP or BMP, relative to the survey file) with its caption.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Path to a PNG, JPEG, GIF, WebP or BMP file, relative to the survey file.
    #[schemars(with = "String")]
    pub image: Spanned<String>,
    /// Caption under the image.
    #[serde(default)]
    pub caption: Option<String>,
    /// Where the image comes from ("https://… より引用").
    #[serde(default)]
    pub credit: Option<String>,
    /// Alternative text for screen readers; the caption serves when absent.
    #[serde(default)]
    pub alt: Option<String>,
}

/// A paper id in the schema: text, or an unquoted arXiv id, which YAML reads
/// as a number but the survey keeps as written (`2009.10000` stays itself).
pub struct Id;

impl JsonSchema for Id {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PaperId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A paper id: an arXiv id such as 2009.06732 (quoted or not) or any name.",
            "type": ["string", "number"]
        })
    }
}

/// A bullet item: a string; a list holding the sub-items of the item before it;
/// or `text:` with its sub-items indented below.
#[derive(Debug, Clone, PartialEq)]
pub enum Bullet {
    Item(String),
    Sub(Vec<Bullet>),
    /// `- text:` followed by an indented list: an item with its sub-items.
    Tree(String, Vec<Bullet>),
}

impl<'de> Deserialize<'de> for Bullet {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Bullet;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a bullet text or a list of sub-bullets")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Bullet, E> {
                Ok(Bullet::Item(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Bullet, E> {
                Ok(Bullet::Item(v))
            }
            // Plain scalars such as `2020` or `true` are text in a bullet.
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Bullet, E> {
                Ok(Bullet::Item(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Bullet, E> {
                Ok(Bullet::Item(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Bullet, E> {
                Ok(Bullet::Item(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Bullet, E> {
                Ok(Bullet::Item(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Bullet, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Bullet::Sub(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Bullet, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Option<Vec<Bullet>>>()? {
                    out.push(Bullet::Tree(k, v.unwrap_or_default()));
                }
                Ok(if out.len() == 1 {
                    out.remove(0)
                } else {
                    Bullet::Sub(out)
                })
            }
        }
        de.deserialize_any(V)
    }
}

impl JsonSchema for Bullet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bullet".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let sub = generator.subschema_for::<Vec<Bullet>>();
        schemars::json_schema!({
            "description": "A bullet text (inline **bold**, *italic*, `code`, [links](https://…)), or a list of sub-bullets of the item before it.",
            "anyOf": [ { "type": ["string", "number", "boolean"] }, sub, { "type": "object", "additionalProperties": sub } ]
        })
    }
}
