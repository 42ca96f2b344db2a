//! A small XML writer for the OOXML parts.
//!
//! Every part is small and written into memory; call sites stay a readable
//! list of elements.

use std::borrow::Cow;

/// Namespaces used by the PresentationML parts.
pub const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
pub const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub const NS_P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";

/// An attribute: name and already formatted value (quick-xml escapes it).
pub type Attr<'a> = (&'a str, Cow<'a, str>);

/// An attribute value: text is borrowed, anything else is formatted.
pub trait Value<'a> {
    fn value(self) -> Cow<'a, str>;
}

impl<'a> Value<'a> for &'a str {
    fn value(self) -> Cow<'a, str> {
        Cow::Borrowed(self)
    }
}

impl<'a> Value<'a> for &&'a str {
    fn value(self) -> Cow<'a, str> {
        Cow::Borrowed(self)
    }
}

impl<'a> Value<'a> for &'a String {
    fn value(self) -> Cow<'a, str> {
        Cow::Borrowed(self)
    }
}

impl<'a> Value<'a> for String {
    fn value(self) -> Cow<'a, str> {
        Cow::Owned(self)
    }
}

macro_rules! formatted {
    ($($t:ty),*) => {$(
        impl<'a> Value<'a> for $t {
            fn value(self) -> Cow<'a, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
formatted!(i32, i64, u8, u16, u32, u64, usize, f32, f64);

/// Shorthand for building an attribute from text or a number.
pub fn at<'a>(name: &'a str, value: impl Value<'a>) -> Attr<'a> {
    (name, value.value())
}

/// Writes straight into the part's bytes. The same bytes as quick-xml's
/// writer (escapes included; a test compares them), without building an
/// owned start tag per element: the slide parts have tens of thousands.
pub struct Xml {
    buf: Vec<u8>,
}

/// Appends `text` with XML's special characters escaped as quick-xml does
/// (`<>&'"` and CR; in attribute values also LF and tab).
fn escape_into(buf: &mut Vec<u8>, text: &str, attribute: bool) {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'&' => b"&amp;",
            b'\'' => b"&apos;",
            b'"' => b"&quot;",
            b'\r' => b"&#13;",
            b'\n' if attribute => b"&#10;",
            b'\t' if attribute => b"&#9;",
            _ => continue,
        };
        buf.extend_from_slice(&bytes[from..i]);
        buf.extend_from_slice(rep);
        from = i + 1;
    }
    buf.extend_from_slice(&bytes[from..]);
}

impl Xml {
    /// A new part starting with the standalone XML declaration Office writes.
    pub fn new() -> Xml {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n");
        Xml { buf }
    }

    fn start_tag(&mut self, name: &str, attrs: &[Attr<'_>]) {
        self.buf.push(b'<');
        self.buf.extend_from_slice(name.as_bytes());
        for (k, v) in attrs {
            self.buf.push(b' ');
            self.buf.extend_from_slice(k.as_bytes());
            self.buf.extend_from_slice(b"=\"");
            escape_into(&mut self.buf, v, true);
            self.buf.push(b'"');
        }
    }

    pub fn open(&mut self, name: &str, attrs: &[Attr<'_>]) {
        self.start_tag(name, attrs);
        self.buf.push(b'>');
    }

    pub fn close(&mut self, name: &str) {
        self.buf.extend_from_slice(b"</");
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(b'>');
    }

    pub fn empty(&mut self, name: &str, attrs: &[Attr<'_>]) {
        self.start_tag(name, attrs);
        self.buf.extend_from_slice(b"/>");
    }

    /// `<name attrs>text</name>`; characters XML 1.0 cannot carry are dropped.
    pub fn text_elem(&mut self, name: &str, attrs: &[Attr<'_>], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    pub fn text(&mut self, text: &str) {
        escape_into(&mut self.buf, &xml_safe(text), false);
    }

    /// `<a:srgbClr val=…/>` inside `<a:solidFill>`.
    pub fn solid_fill(&mut self, hex: &str) {
        self.open("a:solidFill", &[]);
        self.empty("a:srgbClr", &[at("val", hex)]);
        self.close("a:solidFill");
    }

    /// The part's bytes. Writing into memory cannot fail; the `Result`
    /// keeps the callers' error paths unchanged.
    pub fn finish(self) -> std::io::Result<Vec<u8>> {
        Ok(self.buf)
    }
}

/// Removes characters that are not allowed in XML 1.0 documents (C0 controls
/// other than tab/newline/carriage return, lone surrogates cannot occur in a
/// Rust string, U+FFFE/U+FFFF). Text from the survey can contain anything.
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && c != '\t' && c != '\n' && c != '\r') || c == '\u{FFFE}' || c == '\u{FFFF}'
    };
    if text.chars().any(bad) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !bad(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes_and_drops_control_characters() {
        let mut x = Xml::new();
        x.text_elem("a:t", &[at("descr", "a\"b<c>&\n")], "x<y&z\u{1}");
        let s = String::from_utf8(x.finish().expect("in-memory write")).expect("utf-8");
        assert!(s.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"));
        assert!(s.contains("descr=\"a&quot;b&lt;c&gt;&amp;&#10;\""), "{s}");
        assert!(s.contains(">x&lt;y&amp;z</a:t>"), "{s}");
    }

    /// The bytes quick-xml's writer gave before this writer replaced it.
    #[test]
    fn same_bytes_as_quick_xml() {
        use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
        let tricky = "a\"b'c<d>e&f\r\ng\th  i\u{3042}";
        let mut q = quick_xml::Writer::new(Vec::new());
        let decl = BytesDecl::new("1.0", Some("UTF-8"), Some("yes"));
        q.write_event(Event::Decl(decl)).expect("in memory");
        q.get_mut().extend_from_slice(b"\r\n");
        let mut start = BytesStart::new("p:sp");
        start.push_attribute(("name", tricky));
        start.push_attribute(("id", "7"));
        q.write_event(Event::Start(start)).expect("in memory");
        let empty = BytesStart::new("a:off");
        q.write_event(Event::Empty(empty)).expect("in memory");
        q.write_event(Event::Text(BytesText::new(tricky)))
            .expect("in memory");
        q.write_event(Event::End(BytesEnd::new("p:sp")))
            .expect("in memory");

        let mut x = Xml::new();
        x.open("p:sp", &[at("name", tricky), at("id", 7)]);
        x.empty("a:off", &[]);
        x.text(tricky);
        x.close("p:sp");
        let ours = x.finish().expect("in memory");
        assert_eq!(
            String::from_utf8(ours).expect("utf-8"),
            String::from_utf8(q.into_inner()).expect("utf-8")
        );
    }
}
