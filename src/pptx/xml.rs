//! A thin layer over quick-xml's writer for the OOXML parts.
//!
//! Every part is small and written into memory, so the writer records the
//! first I/O error (which a `Vec` never produces) and reports it once at
//! [`Xml::finish`]; call sites stay a readable list of elements.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

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

pub struct Xml {
    w: Writer<Vec<u8>>,
    error: Option<std::io::Error>,
}

impl Xml {
    /// A new part starting with the standalone XML declaration Office writes.
    pub fn new() -> Xml {
        let mut x = Xml {
            w: Writer::new(Vec::with_capacity(4096)),
            error: None,
        };
        let decl = BytesDecl::new("1.0", Some("UTF-8"), Some("yes"));
        x.event(Event::Decl(decl));
        x.w.get_mut().extend_from_slice(b"\r\n");
        x
    }

    fn event(&mut self, e: Event<'_>) {
        if self.error.is_none()
            && let Err(err) = self.w.write_event(e)
        {
            self.error = Some(err);
        }
    }

    fn start_tag<'a>(name: &'a str, attrs: &[Attr<'_>]) -> BytesStart<'a> {
        // Room for every attribute up front (escaping rarely adds any): one
        // allocation per element rather than one per attribute.
        let room = attrs
            .iter()
            .map(|(k, v)| k.len() + v.len() + 4)
            .sum::<usize>();
        let mut content = String::with_capacity(name.len() + room);
        content.push_str(name);
        let mut s = BytesStart::from_content(content, name.len());
        for (k, v) in attrs {
            s.push_attribute((*k, v.as_ref()));
        }
        s
    }

    pub fn open(&mut self, name: &str, attrs: &[Attr<'_>]) {
        self.event(Event::Start(Self::start_tag(name, attrs)));
    }

    pub fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    pub fn empty(&mut self, name: &str, attrs: &[Attr<'_>]) {
        self.event(Event::Empty(Self::start_tag(name, attrs)));
    }

    /// `<name attrs>text</name>`; characters XML 1.0 cannot carry are dropped.
    pub fn text_elem(&mut self, name: &str, attrs: &[Attr<'_>], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    pub fn text(&mut self, text: &str) {
        let clean = xml_safe(text);
        self.event(Event::Text(BytesText::new(&clean)));
    }

    /// `<a:srgbClr val=…/>` inside `<a:solidFill>`.
    pub fn solid_fill(&mut self, hex: &str) {
        self.open("a:solidFill", &[]);
        self.empty("a:srgbClr", &[at("val", hex)]);
        self.close("a:solidFill");
    }

    pub fn finish(self) -> std::io::Result<Vec<u8>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.w.into_inner()),
        }
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
}
