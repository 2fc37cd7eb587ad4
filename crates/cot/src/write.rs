//! Writing events as XML, with the escaping that keeps every value intact on the way back in.

use crate::event::{Event, UNKNOWN_VALUE};
use crate::time::format_time;

/// The prologue TAK expects before each event on a stream.
pub const XML_PROLOGUE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

impl Event {
    /// The event as one line of XML, without a prologue.
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("<event");
        push_attr(&mut out, "version", &self.version);
        push_attr(&mut out, "uid", &self.uid);
        push_attr(&mut out, "type", &self.cot_type);
        if !self.how.is_empty() {
            push_attr(&mut out, "how", &self.how);
        }
        push_attr(&mut out, "time", &format_time(self.time));
        push_attr(&mut out, "start", &format_time(self.start));
        push_attr(&mut out, "stale", &format_time(self.stale));
        for (key, value) in [
            ("access", &self.access),
            ("qos", &self.qos),
            ("opex", &self.opex),
            ("caveat", &self.caveat),
            ("releasableTo", &self.releasable_to),
        ] {
            if let Some(value) = value {
                push_attr(&mut out, key, value);
            }
        }
        for (key, value) in &self.extra {
            push_attr(&mut out, key, value);
        }
        out.push_str("><point");
        let p = &self.point;
        push_attr(&mut out, "lat", &p.lat.to_string());
        push_attr(&mut out, "lon", &p.lon.to_string());
        for (key, value) in [("hae", p.hae), ("ce", p.ce), ("le", p.le)] {
            match value {
                Some(v) => push_attr(&mut out, key, &v.to_string()),
                None => push_attr(&mut out, key, &format!("{UNKNOWN_VALUE:.1}")),
            }
        }
        out.push_str("/>");
        if let Some(detail) = &self.detail {
            out.push_str("<detail>");
            for element in &detail.elements {
                element.write(&mut out);
            }
            out.push_str("</detail>");
        }
        out.push_str("</event>");
        out
    }

    /// The event as a stream message: prologue, newline, event.
    pub fn to_xml_document(&self) -> String {
        let mut out = String::from(XML_PROLOGUE);
        out.push_str(&self.to_xml());
        out
    }
}

/// Appends ` key="value"` with the value escaped, whitespace included, so that attribute
/// normalisation on reading gives the same string back.
pub(crate) fn push_attr(out: &mut String, key: &str, value: &str) {
    out.push(' ');
    out.push_str(key);
    out.push_str("=\"");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends text content escaped.
pub(crate) fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}
