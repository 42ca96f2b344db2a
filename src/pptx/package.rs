//! The OPC package: parts in a fixed order, their relationships and content
//! types, zipped deterministically.
//!
//! The zip container is written here, not with the `zip` crate: that crate
//! compresses entries one after another with a fresh deflate state each, and
//! takes no entry compressed elsewhere, so it cannot deflate the ~200 parts
//! on all cores while the PDF is written. Measured with callgrind, that and
//! the reused per-thread deflate state saved 8 % of a PDF + PPTX build
//! (BENCHMARKS.md). The container itself is small: local headers, a
//! central directory and, past 65,535 parts, zip64 end records; the tests
//! read it back with the `zip` crate.

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

use super::PptxError;
use super::xml::{Xml, at};

/// Relationship types (ECMA-376 Part 1 and OPC). Office-document types are
/// stored by their last segment and expanded by [`rel_uri`].
pub mod rel {
    pub const OFFICE_DOCUMENT: &str = "officeDocument";
    pub const CORE: &str =
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
    pub const APP: &str = "extended-properties";
    pub const SLIDE: &str = "slide";
    pub const SLIDE_LAYOUT: &str = "slideLayout";
    pub const SLIDE_MASTER: &str = "slideMaster";
    pub const NOTES_SLIDE: &str = "notesSlide";
    pub const NOTES_MASTER: &str = "notesMaster";
    pub const THEME: &str = "theme";
    pub const PRES_PROPS: &str = "presProps";
    pub const VIEW_PROPS: &str = "viewProps";
    pub const TABLE_STYLES: &str = "tableStyles";
    pub const IMAGE: &str = "image";
    pub const HYPERLINK: &str = "hyperlink";
    pub const FONT: &str = "font";
}

/// Expands a short relationship name (as stored in [`rel`]) to its URI.
fn rel_uri(kind: &str) -> String {
    if kind.starts_with("http") {
        kind.to_owned()
    } else {
        format!("http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}")
    }
}

/// Content types of the parts we write.
pub mod ct {
    const PML: &str = "application/vnd.openxmlformats-officedocument.presentationml.";
    pub const PRESENTATION: &str = "presentation.main+xml";
    pub const SLIDE: &str = "slide+xml";
    pub const SLIDE_LAYOUT: &str = "slideLayout+xml";
    pub const SLIDE_MASTER: &str = "slideMaster+xml";
    pub const NOTES_SLIDE: &str = "notesSlide+xml";
    pub const NOTES_MASTER: &str = "notesMaster+xml";
    pub const PRES_PROPS: &str = "presProps+xml";
    pub const VIEW_PROPS: &str = "viewProps+xml";
    pub const TABLE_STYLES: &str = "tableStyles+xml";
    pub const THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
    pub const CORE: &str = "application/vnd.openxmlformats-package.core-properties+xml";
    pub const APP: &str = "application/vnd.openxmlformats-officedocument.extended-properties+xml";
    pub const RELS: &str = "application/vnd.openxmlformats-package.relationships+xml";
    pub const PNG: &str = "image/png";
    pub const JPEG: &str = "image/jpeg";
    /// PowerPoint's embedded fonts (an Embedded OpenType wrapper).
    pub const FONTDATA: &str = "application/x-fontdata";

    /// The full content type of a part: PresentationML names are stored short.
    pub fn full(short: &str) -> String {
        if short.contains('/') {
            short.to_owned()
        } else {
            format!("{PML}{short}")
        }
    }
}

/// One relationship of a part.
#[derive(Debug, Clone)]
pub struct Rel {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub external: bool,
}

/// Relationships of one source part. Internal targets are package paths
/// (without a leading slash); they are made relative when written.
#[derive(Debug, Clone, Default)]
pub struct Rels {
    pub items: Vec<Rel>,
}

impl Rels {
    /// Adds a relationship to a part and returns its id (`rId1`, `rId2`…).
    pub fn add(&mut self, kind: &'static str, target: &str) -> String {
        self.push(kind, target, false)
    }

    /// Adds a relationship to an external URI.
    pub fn add_external(&mut self, kind: &'static str, uri: &str) -> String {
        self.push(kind, uri, true)
    }

    fn push(&mut self, kind: &'static str, target: &str, external: bool) -> String {
        // Reuse an identical relationship (the same link twice on a slide).
        if let Some(r) = self
            .items
            .iter()
            .find(|r| r.kind == kind && r.target == target && r.external == external)
        {
            return r.id.clone();
        }
        let id = format!("rId{}", self.items.len() + 1);
        self.items.push(Rel {
            id: id.clone(),
            kind,
            target: target.to_owned(),
            external,
        });
        id
    }

    /// The `.rels` part for a source part at `source` ("" for the package).
    pub fn to_xml(&self, source: &str) -> Result<Vec<u8>, PptxError> {
        let mut x = Xml::new();
        x.open(
            "Relationships",
            &[at(
                "xmlns",
                "http://schemas.openxmlformats.org/package/2006/relationships",
            )],
        );
        for r in &self.items {
            let mut attrs = vec![at("Id", &r.id), at("Type", rel_uri(r.kind))];
            if r.external {
                attrs.push(at("Target", &r.target));
                attrs.push(at("TargetMode", "External"));
            } else {
                attrs.push(at("Target", relative(source, &r.target)));
            }
            x.empty("Relationship", &attrs);
        }
        x.close("Relationships");
        Ok(x.finish()?)
    }
}

/// The path of `target` relative to the folder of `source` (both package
/// paths without a leading slash), e.g. `ppt/slides/slide1.xml` →
/// `ppt/slideLayouts/slideLayout1.xml` gives `../slideLayouts/slideLayout1.xml`.
pub fn relative(source: &str, target: &str) -> String {
    let from: Vec<&str> = match source.rfind('/') {
        Some(i) => source[..i].split('/').collect(),
        None => Vec::new(),
    };
    let to: Vec<&str> = target.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// The `.rels` part name for a source part.
pub fn rels_name(source: &str) -> String {
    match source.rfind('/') {
        Some(i) => format!("{}/_rels/{}.rels", &source[..i], &source[i + 1..]),
        None => format!("_rels/{source}.rels"),
    }
}

struct Part {
    name: String,
    content_type: String,
    body: Body,
}

/// A part's bytes: as made, or already packed by the thread that made them.
enum Body {
    /// Deflated when the package is zipped (`true`), or stored (`false`:
    /// binary parts that are already compressed).
    Raw(Vec<u8>, bool),
    Packed(Packed),
}

/// The package being built. Parts are written in insertion order, after
/// `[Content_Types].xml`, so the same deck always gives the same bytes.
#[derive(Default)]
pub struct Package {
    parts: Vec<Part>,
    rels: Vec<(String, Rels)>,
}

impl Package {
    pub fn add(&mut self, name: &str, short_ct: &str, data: Vec<u8>) {
        self.push(name, short_ct, Body::Raw(data, deflates(short_ct)));
    }

    /// Adds a part packed with [`pack`] where it was made: a slide's XML is
    /// deflated on the thread that wrote it, so a large deck never holds
    /// every slide's XML at once (a tenth of the memory), and the bytes are
    /// those `add` would give.
    pub fn add_packed(&mut self, name: &str, short_ct: &str, packed: Packed) {
        self.push(name, short_ct, Body::Packed(packed));
    }

    fn push(&mut self, name: &str, short_ct: &str, body: Body) {
        self.parts.push(Part {
            name: name.to_owned(),
            content_type: ct::full(short_ct),
            body,
        });
    }

    /// Relationships of `source` ("" is the package itself), written as a
    /// `.rels` part right after the parts.
    pub fn set_rels(&mut self, source: &str, rels: Rels) {
        if !rels.items.is_empty() {
            self.rels.push((source.to_owned(), rels));
        }
    }

    fn content_types(&self) -> Result<Vec<u8>, PptxError> {
        let mut x = Xml::new();
        x.open(
            "Types",
            &[at(
                "xmlns",
                "http://schemas.openxmlformats.org/package/2006/content-types",
            )],
        );
        // Defaults for extensions whose parts all share one type; overrides
        // for every XML part (their types differ).
        let mut defaults: Vec<(&str, &str)> = vec![("rels", ct::RELS), ("xml", "application/xml")];
        for p in &self.parts {
            let ext = p.name.rsplit('.').next().unwrap_or("");
            let default = match p.content_type.as_str() {
                ct::PNG => Some(("png", ct::PNG)),
                ct::JPEG => Some(("jpeg", ct::JPEG)),
                ct::FONTDATA => Some(("fntdata", ct::FONTDATA)),
                _ => None,
            };
            if let Some(d) = default
                && ext == d.0
                && !defaults.contains(&d)
            {
                defaults.push(d);
            }
        }
        for (ext, t) in &defaults {
            x.empty("Default", &[at("Extension", ext), at("ContentType", t)]);
        }
        for p in &self.parts {
            let ext = p.name.rsplit('.').next().unwrap_or("");
            if defaults
                .iter()
                .any(|(e, t)| *e == ext && *t == p.content_type && ext != "xml")
            {
                continue;
            }
            x.empty(
                "Override",
                &[
                    at("PartName", format!("/{}", p.name)),
                    at("ContentType", &p.content_type),
                ],
            );
        }
        x.close("Types");
        Ok(x.finish()?)
    }

    /// Zips the package. `date` is (year, month, day) for every entry's
    /// timestamp: the deck's date, never the wall clock.
    pub fn finish(self, date: (u16, u8, u8)) -> Result<Vec<u8>, PptxError> {
        let mut entries: Vec<(String, Body)> = Vec::new();
        let xml = |data| Body::Raw(data, true);
        entries.push(("[Content_Types].xml".into(), xml(self.content_types()?)));
        // The package relationships first, as Office writes them.
        for (source, rels) in self.rels.iter().filter(|(s, _)| s.is_empty()) {
            entries.push((rels_name(source), xml(rels.to_xml(source)?)));
        }
        for p in self.parts {
            entries.push((p.name, p.body));
        }
        for (source, rels) in self.rels.iter().filter(|(s, _)| !s.is_empty()) {
            entries.push((rels_name(source), xml(rels.to_xml(source)?)));
        }
        zip_entries(entries, dos_date(date))
    }
}

/// Deflate level of the parts. On the reference deck, against level 6: the
/// whole build does 7.6 % fewer instructions for a 4 % larger PPTX; level 1
/// would save 14 % for 14 % (BENCHMARKS.md).
const LEVEL: u32 = 2;

/// A date as a zip entry's DOS date field; dates DOS cannot hold become
/// 1980-01-01, as the zip crate did.
fn dos_date((year, month, day): (u16, u8, u8)) -> u16 {
    if (1980..=2107).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day) {
        ((year - 1980) << 9) | (u16::from(month) << 5) | u16::from(day)
    } else {
        (1 << 5) | 1
    }
}

/// One entry's bytes, compressed and checksummed, ready to be placed.
pub struct Packed {
    data: Vec<u8>,
    deflated: bool,
    crc: u32,
    size: usize,
}

thread_local! {
    /// Each thread's deflate state, reset between parts: a fresh state per
    /// part cost more than deflating most slide parts.
    static DEFLATE: std::cell::RefCell<Option<Compress>> = const { std::cell::RefCell::new(None) };
}

/// Whether parts of this type are deflated: images are already compressed
/// and are stored.
fn deflates(short_ct: &str) -> bool {
    !matches!(short_ct, ct::PNG | ct::JPEG)
}

/// A part of this type as it goes into the zip, for [`Package::add_packed`].
pub fn pack(short_ct: &str, data: Vec<u8>) -> Packed {
    pack_bytes(data, deflates(short_ct))
}

/// Bytes as they go into the zip: deflated (`deflate`) or stored, with their
/// checksum and size.
fn pack_bytes(data: Vec<u8>, deflate: bool) -> Packed {
    Packed {
        crc: crc32fast::hash(&data),
        size: data.len(),
        deflated: deflate,
        data: if deflate { deflate_part(&data) } else { data },
    }
}

fn deflate_part(data: &[u8]) -> Vec<u8> {
    DEFLATE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let c = cell.get_or_insert_with(|| Compress::new(Compression::new(LEVEL), false));
        c.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        let start = c.total_in();
        loop {
            let read = (c.total_in() - start) as usize;
            let status = c
                .compress_vec(&data[read..], &mut out, FlushCompress::Finish)
                .expect("deflating into memory cannot fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    })
}

/// A zip archive of the entries in order. Past 65,535 entries (about 30,000
/// slides) the count goes into zip64 end records; past 4 GiB, which would not
/// fit in memory anyway, it is an error. The parts are compressed on all cores, so the work fills
/// the core the PDF writer leaves idle; the bytes do not depend on the
/// thread count.
fn zip_entries(entries: Vec<(String, Body)>, date: u16) -> Result<Vec<u8>, PptxError> {
    let packed: Vec<(String, Packed)> = entries
        .into_par_iter()
        .map(|(name, body)| {
            let packed = match body {
                Body::Raw(data, deflated) => pack_bytes(data, deflated),
                Body::Packed(p) => p,
            };
            (name, packed)
        })
        .collect();
    let too_large = || {
        PptxError::Io(std::io::Error::other(
            "the package is over the zip limits (4 GiB or 65,535 parts)",
        ))
    };
    let u32_of = |n: usize| u32::try_from(n).map_err(|_| too_large());
    let entries = packed.len();
    let total: usize = packed
        .iter()
        .map(|(name, p)| 30 + 46 + 2 * name.len() + p.data.len())
        .sum();
    let mut out = Vec::with_capacity(total + 22);
    let mut central = Vec::with_capacity(packed.iter().map(|(name, _)| 46 + name.len()).sum());
    for (name, p) in &packed {
        let offset = u32_of(out.len())?;
        // Version needed 2.0, no flags (names are ASCII), time 00:00.
        let method: u16 = if p.deflated { 8 } else { 0 };
        let mut common = Vec::with_capacity(26);
        common.extend_from_slice(&20u16.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());
        common.extend_from_slice(&method.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());
        common.extend_from_slice(&date.to_le_bytes());
        common.extend_from_slice(&p.crc.to_le_bytes());
        common.extend_from_slice(&u32_of(p.data.len())?.to_le_bytes());
        common.extend_from_slice(&u32_of(p.size)?.to_le_bytes());
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        common.extend_from_slice(&name_len.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());

        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&p.data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        // Made by: MS-DOS, version 2.0.
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&common);
        // Comment length, disk, internal and external attributes.
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32_of(out.len())?;
    let cd_size = u32_of(central.len())?;
    out.extend_from_slice(&central);
    let count = match u16::try_from(entries) {
        Ok(n) if n < u16::MAX => n,
        _ => {
            // Zip64 end of central directory record, then its locator.
            let record = u64::try_from(out.len()).map_err(|_| too_large())?;
            out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
            out.extend_from_slice(&44u64.to_le_bytes());
            // Made by and needed: version 4.5 (zip64).
            out.extend_from_slice(&45u16.to_le_bytes());
            out.extend_from_slice(&45u16.to_le_bytes());
            out.extend_from_slice(&[0; 8]);
            out.extend_from_slice(&(entries as u64).to_le_bytes());
            out.extend_from_slice(&(entries as u64).to_le_bytes());
            out.extend_from_slice(&u64::from(cd_size).to_le_bytes());
            out.extend_from_slice(&u64::from(cd_offset).to_le_bytes());
            out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&record.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
            u16::MAX
        }
    };
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part packed where it was made zips to the bytes `add` gives.
    #[test]
    fn parts_packed_where_made_zip_to_the_same_bytes() {
        let parts = [
            ("ppt/slides/slide1.xml", ct::SLIDE, "<p:sld>one</p:sld>"),
            ("ppt/media/image1.png", ct::PNG, "not really a png"),
        ];
        let mut added = Package::default();
        let mut packed = Package::default();
        for (name, t, data) in parts {
            added.add(name, t, data.as_bytes().to_vec());
            packed.add_packed(name, t, pack(t, data.as_bytes().to_vec()));
        }
        let date = (2020, 10, 7);
        assert_eq!(
            added.finish(date).expect("zips"),
            packed.finish(date).expect("zips")
        );
    }

    /// Zip readers find every part, past 65,535 too (zip64 end records).
    #[test]
    fn zips_read_back() {
        for n in [3usize, 70_000] {
            // Deflated, stored, and packed before zipping.
            let entries: Vec<(String, Body)> = (0..n)
                .map(|i| {
                    let data = format!("<a>{i}</a>").into_bytes();
                    let body = match i % 3 {
                        0 => Body::Raw(data, true),
                        1 => Body::Raw(data, false),
                        _ => Body::Packed(pack(ct::SLIDE, data)),
                    };
                    (format!("p/{i}.xml"), body)
                })
                .collect();
            let bytes = zip_entries(entries, dos_date((2020, 10, 7))).expect("zips");
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("reads");
            assert_eq!(zip.len(), n);
            for i in [0, n / 2, n - 1] {
                let mut text = String::new();
                std::io::Read::read_to_string(
                    &mut zip.by_name(&format!("p/{i}.xml")).expect("part"),
                    &mut text,
                )
                .expect("inflates");
                assert_eq!(text, format!("<a>{i}</a>"));
            }
        }
    }

    #[test]
    fn relative_targets() {
        assert_eq!(
            relative("ppt/slides/slide1.xml", "ppt/slideLayouts/slideLayout1.xml"),
            "../slideLayouts/slideLayout1.xml"
        );
        assert_eq!(
            relative("ppt/presentation.xml", "ppt/slides/slide2.xml"),
            "slides/slide2.xml"
        );
        assert_eq!(relative("", "ppt/presentation.xml"), "ppt/presentation.xml");
        assert_eq!(
            relative("ppt/slides/slide1.xml", "ppt/slides/slide3.xml"),
            "slide3.xml"
        );
        assert_eq!(
            relative("ppt/notesSlides/notesSlide1.xml", "ppt/media/image1.png"),
            "../media/image1.png"
        );
    }

    #[test]
    fn rels_part_names() {
        assert_eq!(rels_name(""), "_rels/.rels");
        assert_eq!(
            rels_name("ppt/slides/slide1.xml"),
            "ppt/slides/_rels/slide1.xml.rels"
        );
    }

    #[test]
    fn same_relationship_is_reused() {
        let mut r = Rels::default();
        let a = r.add_external(rel::HYPERLINK, "https://example.org/");
        let b = r.add(rel::SLIDE, "ppt/slides/slide2.xml");
        let c = r.add_external(rel::HYPERLINK, "https://example.org/");
        assert_eq!((a.as_str(), b.as_str()), ("rId1", "rId2"));
        assert_eq!(a, c);
    }
}
