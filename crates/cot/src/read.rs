//! Reading one CoT event from XML: refuses document types, bounds the size, never panics.

use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::{Reader, XmlVersion};

use crate::detail::DetailElement;
use crate::error::CotError;
use crate::event::{Detail, Event, Point, known};
use crate::time::parse_time;

/// The default bound on one XML event or protobuf frame: 1 MiB, sixteen times ATAK's own.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1 << 20;

/// Bounds on what a reader accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest XML event or protobuf message, in bytes.
    pub max_event_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_event_bytes: DEFAULT_MAX_EVENT_BYTES }
    }
}

impl Event {
    /// Reads one event with the default [`Limits`].
    pub fn from_xml(xml: &[u8]) -> Result<Event, CotError> {
        parse_event(xml, Limits::default())
    }
}

/// Reads one `<event>` (an optional `<?xml?>` prologue and comments may precede it).
pub fn parse_event(xml: &[u8], limits: Limits) -> Result<Event, CotError> {
    if xml.len() > limits.max_event_bytes {
        return Err(CotError::TooLarge { size: xml.len(), limit: limits.max_event_bytes });
    }
    let text = std::str::from_utf8(xml).map_err(|_| CotError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    loop {
        match next(&mut reader)? {
            XmlEvent::Start(e) if e.name().as_ref() == b"event" => {
                let event = event_attributes(&e)?;
                return event_body(&mut reader, text, event);
            }
            XmlEvent::Empty(e) if e.name().as_ref() == b"event" => {
                let _ = event_attributes(&e)?;
                return Err(CotError::MissingPoint);
            }
            XmlEvent::Start(e) | XmlEvent::Empty(e) => {
                return Err(CotError::UnexpectedRoot(element_name(&e)?));
            }
            XmlEvent::Eof => return Err(CotError::NoEvent),
            _ => {}
        }
    }
}

/// The next XML event, with document types refused: they are how entity bombs are declared.
fn next<'a>(reader: &mut Reader<&'a [u8]>) -> Result<XmlEvent<'a>, CotError> {
    match reader.read_event() {
        Ok(XmlEvent::DocType(_)) => Err(CotError::DocType),
        Ok(event) => Ok(event),
        Err(error) => Err(xml_error(reader, &error)),
    }
}

fn xml_error(reader: &Reader<&[u8]>, error: &dyn std::fmt::Display) -> CotError {
    CotError::Xml { position: reader.error_position(), message: error.to_string() }
}

/// The element's name as text.
pub(crate) fn element_name(start: &BytesStart<'_>) -> Result<String, CotError> {
    std::str::from_utf8(start.name().as_ref()).map(str::to_owned).map_err(|_| CotError::NotUtf8)
}

/// The element's attributes in document order, unescaped.
pub(crate) fn attributes(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, CotError> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| CotError::Attribute(e.to_string()))?;
        let key = std::str::from_utf8(attr.key.as_ref()).map_err(|_| CotError::NotUtf8)?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| CotError::Attribute(e.to_string()))?;
        out.push((key.to_owned(), value.into_owned()));
    }
    Ok(out)
}

/// The text of the element just opened, up to its end; `None` if it holds elements or an
/// entity that is not one of XML's five.
pub(crate) fn text_of(reader: &mut Reader<&[u8]>) -> Option<String> {
    let mut text = String::new();
    loop {
        match reader.read_event().ok()? {
            XmlEvent::Text(t) => text.push_str(&t.xml_content(XmlVersion::Implicit1_0).ok()?),
            XmlEvent::CData(c) => text.push_str(&c.decode().ok()?),
            XmlEvent::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().ok()? {
                    text.push(c);
                } else {
                    let name = r.decode().ok()?;
                    text.push_str(quick_xml::escape::resolve_predefined_entity(&name)?);
                }
            }
            XmlEvent::Comment(_) => {}
            XmlEvent::End(_) => return Some(text),
            _ => return None,
        }
    }
}

fn event_attributes(start: &BytesStart<'_>) -> Result<Event, CotError> {
    let mut event = Event::new("", "", "", model::Time(0), model::Time(0));
    let (mut uid, mut cot_type, mut time, mut start_time, mut stale) =
        (None, None, None, None, None);
    for (key, value) in attributes(start)? {
        match key.as_str() {
            "version" => event.version = value,
            "uid" => uid = Some(value),
            "type" => cot_type = Some(value),
            "how" => event.how = value,
            "time" => time = Some(parse_time(&value)?),
            "start" => start_time = Some(parse_time(&value)?),
            "stale" => stale = Some(parse_time(&value)?),
            "access" => event.access = Some(value),
            "qos" => event.qos = Some(value),
            "opex" => event.opex = Some(value),
            "caveat" => event.caveat = Some(value),
            "releasableTo" => event.releasable_to = Some(value),
            _ => event.extra.push((key, value)),
        }
    }
    event.uid = uid.ok_or(CotError::MissingAttribute("uid"))?;
    event.cot_type = cot_type.ok_or(CotError::MissingAttribute("type"))?;
    event.time = time.ok_or(CotError::MissingAttribute("time"))?;
    event.start = start_time.ok_or(CotError::MissingAttribute("start"))?;
    event.stale = stale.ok_or(CotError::MissingAttribute("stale"))?;
    Ok(event)
}

fn event_body(reader: &mut Reader<&[u8]>, text: &str, mut event: Event) -> Result<Event, CotError> {
    let mut point = None;
    loop {
        match next(reader)? {
            XmlEvent::Empty(e) if e.name().as_ref() == b"point" => point = Some(read_point(&e)?),
            XmlEvent::Start(e) if e.name().as_ref() == b"point" => {
                point = Some(read_point(&e)?);
                skip_to_end(reader, &e)?;
            }
            XmlEvent::Empty(e) if e.name().as_ref() == b"detail" => {
                event.detail = Some(Detail::default());
            }
            XmlEvent::Start(e) if e.name().as_ref() == b"detail" => {
                event.detail = Some(read_detail(reader, text)?);
            }
            // Other children of <event> are outside CoT's schema and not kept.
            XmlEvent::Start(e) => skip_to_end(reader, &e)?,
            XmlEvent::End(_) => break,
            XmlEvent::Eof => return Err(CotError::Unterminated),
            _ => {}
        }
    }
    event.point = point.ok_or(CotError::MissingPoint)?;
    Ok(event)
}

fn skip_to_end(reader: &mut Reader<&[u8]>, start: &BytesStart<'_>) -> Result<(), CotError> {
    let end = start.to_end().into_owned();
    match reader.read_to_end(end.name()) {
        Ok(_) => Ok(()),
        Err(quick_xml::Error::Syntax(_)) => Err(CotError::Unterminated),
        Err(error) => Err(xml_error(reader, &error)),
    }
}

fn read_point(start: &BytesStart<'_>) -> Result<Point, CotError> {
    let mut point = Point::default();
    let (mut lat, mut lon) = (None, None);
    for (key, value) in attributes(start)? {
        let field = match key.as_str() {
            "lat" => "lat",
            "lon" => "lon",
            "hae" => "hae",
            "ce" => "ce",
            "le" => "le",
            _ => continue,
        };
        let number = value
            .trim()
            .parse::<f64>()
            .map_err(|_| CotError::InvalidNumber { field, value: value.clone() })?;
        match field {
            "lat" | "lon" if !number.is_finite() => {
                return Err(CotError::InvalidNumber { field, value });
            }
            "lat" => lat = Some(number),
            "lon" => lon = Some(number),
            "hae" => point.hae = known(number),
            "ce" => point.ce = known(number),
            _ => point.le = known(number),
        }
    }
    point.lat = lat.ok_or(CotError::MissingAttribute("lat"))?;
    point.lon = lon.ok_or(CotError::MissingAttribute("lon"))?;
    Ok(point)
}

/// The children of `<detail>`, each cut verbatim from the input and then read.
fn read_detail(reader: &mut Reader<&[u8]>, text: &str) -> Result<Detail, CotError> {
    let mut detail = Detail::default();
    loop {
        let before = position(reader)?;
        match next(reader)? {
            XmlEvent::Empty(e) => {
                let xml = slice(text, before, position(reader)?)?;
                detail.elements.push(DetailElement::from_xml(&element_name(&e)?, xml));
            }
            XmlEvent::Start(e) => {
                skip_to_end(reader, &e)?;
                let xml = slice(text, before, position(reader)?)?;
                detail.elements.push(DetailElement::from_xml(&element_name(&e)?, xml));
            }
            XmlEvent::End(_) => return Ok(detail),
            XmlEvent::Eof => return Err(CotError::Unterminated),
            // Text, comments and processing instructions between children are not kept.
            _ => {}
        }
    }
}

fn position(reader: &Reader<&[u8]>) -> Result<usize, CotError> {
    usize::try_from(reader.buffer_position())
        .map_err(|_| CotError::Xml { position: reader.buffer_position(), message: "offset".into() })
}

fn slice(text: &str, from: usize, to: usize) -> Result<&str, CotError> {
    text.get(from..to).ok_or(CotError::Xml { position: from as u64, message: "offset".into() })
}
