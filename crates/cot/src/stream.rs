//! The incremental decoder for one TCP (or TLS) stream: XML events split on `</event>`, TAK
//! protocol v1 frames, an `<auth>` element, in any order, fed in chunks of any size.

use std::fmt;

use crate::error::{CotError, FrameError};
use crate::event::Event;
use crate::frame::{MAGIC, get_varint};
use crate::proto::TakControl;
use crate::read::{Limits, attributes, parse_event};

const EVENT_END: &[u8] = b"</event>";
const AUTH_END: &[u8] = b"</auth>";
/// A UTF-8 byte order mark, which some writers put before each document.
const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// How an event arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TAK protocol version 0: XML.
    Xml,
    /// TAK protocol version 1: a protobuf stream frame.
    Protobuf,
}

/// `<auth><cot username password uid/></auth>`, sent first by clients using password
/// authentication on a plain stream.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Auth {
    pub username: String,
    pub password: String,
    pub uid: Option<String>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("uid", &self.uid)
            .finish()
    }
}

/// One unit read from a stream.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    Auth(Auth),
    Event {
        event: Box<Event>,
        format: Format,
        /// The control part of a protobuf frame that carried one.
        control: Option<TakControl>,
    },
    /// A protobuf frame with a control part and no event.
    Control(TakControl),
}

/// Splits a byte stream into [`Frame`]s. Feed it what the socket gives, then call
/// [`StreamDecoder::next_frame`] until it returns `Ok(None)`. Memory stays within the limit
/// plus one read: an event or frame that would exceed it is a fatal error.
#[derive(Debug)]
pub struct StreamDecoder {
    buf: Vec<u8>,
    /// Bytes before this offset are consumed.
    pos: usize,
    /// Where the search for `</event>` resumes.
    scan: usize,
    limits: Limits,
    poisoned: bool,
}

impl StreamDecoder {
    pub fn new(limits: Limits) -> StreamDecoder {
        StreamDecoder { buf: Vec::new(), pos: 0, scan: 0, limits, poisoned: false }
    }

    /// Appends what one read returned. After a fatal error the buffer stops growing past the
    /// limit, so a caller that keeps reading cannot be made to hold an unbounded stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.poisoned && self.buffered() + bytes.len() > self.limits.max_event_bytes {
            return;
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.scan = self.scan.saturating_sub(self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received and not yet consumed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Whether a fatal error has stopped the decoder.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed. A
    /// [`FrameError::Skipped`] frame was consumed and decoding can go on; any other error
    /// means the framing is lost and every later call fails until
    /// [`StreamDecoder::resynchronise`].
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        if self.poisoned {
            return Err(FrameError::Poisoned);
        }
        let result = self.read_frame();
        if let Err(error) = &result {
            self.poisoned = error.is_fatal();
        }
        result
    }

    /// Drops bytes up to the next plausible frame start (`0xBF` or `<`) after the current
    /// position and clears a fatal error. Returns how many bytes were dropped. Best effort: a
    /// server will usually rather close the connection.
    pub fn resynchronise(&mut self) -> usize {
        let from = (self.pos + 1).min(self.buf.len());
        let skip = self.buf[from..]
            .iter()
            .position(|&b| b == MAGIC || b == b'<')
            .unwrap_or(self.buf.len() - from);
        let dropped = from + skip - self.pos;
        self.pos = from + skip;
        self.scan = self.pos;
        self.poisoned = false;
        dropped
    }

    /// Checks the end of the stream: an error if it stopped inside a frame.
    pub fn finish(&self) -> Result<(), FrameError> {
        let rest = &self.buf[self.pos..];
        match rest.iter().filter(|b| !b.is_ascii_whitespace()).count() {
            0 => Ok(()),
            _ => Err(FrameError::Truncated(rest.len())),
        }
    }

    fn read_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        loop {
            let skip = self.buf[self.pos..].iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.pos += skip;
            let rest = &self.buf[self.pos..];
            if rest.starts_with(BOM) {
                self.pos += BOM.len();
                continue;
            }
            if rest.len() < BOM.len() && BOM.starts_with(rest) {
                return Ok(None);
            }
            let Some(&first) = rest.first() else { return Ok(None) };
            if first == MAGIC {
                return self.protobuf_frame();
            }
            if first != b'<' {
                return Err(FrameError::UnexpectedByte(first));
            }
            if starts_with(rest, b"<?xml") {
                // A prologue before an event or an <auth>: step over it.
                let Some(end) = find(rest, b"?>", 0) else {
                    return self.need_more(rest.len());
                };
                self.pos += end + 2;
                self.scan = self.pos;
                continue;
            }
            if starts_with(rest, b"<auth") {
                return self.auth();
            }
            return self.xml_event();
        }
    }

    fn need_more(&self, have: usize) -> Result<Option<Frame>, FrameError> {
        if have > self.limits.max_event_bytes {
            return Err(FrameError::XmlTooLarge { size: have, limit: self.limits.max_event_bytes });
        }
        Ok(None)
    }

    fn xml_event(&mut self) -> Result<Option<Frame>, FrameError> {
        let from = self.scan.max(self.pos) - self.pos;
        let rest = &self.buf[self.pos..];
        let end = match (find(rest, EVENT_END, from), self_closed_event(rest)) {
            // `<event …/>` has no `</event>`; without this it would swallow the next event.
            (_, Some(end)) => end,
            (Some(at), None) => at + EVENT_END.len(),
            (None, None) => {
                self.scan = self.pos + rest.len().saturating_sub(EVENT_END.len() - 1);
                return self.need_more(rest.len());
            }
        };
        let chunk = &rest[..end];
        let parsed = parse_event(chunk, self.limits);
        self.pos += end;
        self.scan = self.pos;
        match parsed {
            Ok(event) => Ok(Some(Frame::Event {
                event: Box::new(event),
                format: Format::Xml,
                control: None,
            })),
            Err(error) => Err(FrameError::Skipped(error)),
        }
    }

    fn auth(&mut self) -> Result<Option<Frame>, FrameError> {
        let rest = &self.buf[self.pos..];
        let Some(at) = find(rest, AUTH_END, 0) else {
            return self.need_more(rest.len());
        };
        let end = at + AUTH_END.len();
        let parsed = parse_auth(&rest[..end]);
        self.pos += end;
        self.scan = self.pos;
        parsed.map(|auth| Some(Frame::Auth(auth))).map_err(FrameError::Skipped)
    }

    fn protobuf_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        let rest = &self.buf[self.pos..];
        let Some((length, used)) = get_varint(&rest[1..])? else { return Ok(None) };
        let limit = self.limits.max_event_bytes;
        let size = usize::try_from(length)
            .ok()
            .filter(|&n| n <= limit)
            .ok_or(FrameError::FrameTooLarge { size: length, limit })?;
        let header = 1 + used;
        if rest.len() < header + size {
            return Ok(None);
        }
        let message = crate::frame::decode_message(&rest[header..header + size]);
        self.pos += header + size;
        self.scan = self.pos;
        let message = message?;
        match (message.cot_event.is_some(), message.tak_control.clone()) {
            (true, control) => {
                let event =
                    Event::from_tak_message(&message, self.limits).map_err(FrameError::Skipped)?;
                Ok(Some(Frame::Event { event: Box::new(event), format: Format::Protobuf, control }))
            }
            (false, Some(control)) => Ok(Some(Frame::Control(control))),
            (false, None) => Err(FrameError::Skipped(CotError::NoCotEvent)),
        }
    }
}

/// The length of a leading `<event …/>` start tag that closes itself, if `rest` begins with
/// one. Quotes are honoured: `>` may appear inside attribute values.
fn self_closed_event(rest: &[u8]) -> Option<usize> {
    let tag = rest.strip_prefix(b"<event")?;
    if !tag.first().is_some_and(|b| b.is_ascii_whitespace() || *b == b'/') {
        return None;
    }
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => {
                let closes = i > 0 && tag[i - 1] == b'/';
                return closes.then_some(b"<event".len() + i + 1);
            }
            _ => {}
        }
    }
    None
}

fn starts_with(rest: &[u8], prefix: &[u8]) -> bool {
    let n = rest.len().min(prefix.len());
    rest[..n] == prefix[..n]
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

fn parse_auth(xml: &[u8]) -> Result<Auth, CotError> {
    use quick_xml::events::Event as XmlEvent;
    let text = std::str::from_utf8(xml).map_err(|_| CotError::NotUtf8)?;
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(XmlEvent::Empty(e) | XmlEvent::Start(e)) if e.name().as_ref() == b"cot" => {
                let mut auth = Auth::default();
                for (key, value) in attributes(&e)? {
                    match key.as_str() {
                        "username" => auth.username = value,
                        "password" => auth.password = value,
                        "uid" => auth.uid = Some(value),
                        _ => {}
                    }
                }
                return Ok(auth);
            }
            Ok(XmlEvent::DocType(_)) => return Err(CotError::DocType),
            Ok(XmlEvent::Eof) => return Err(CotError::MissingAttribute("cot")),
            Ok(_) => {}
            Err(e) => {
                return Err(CotError::Xml {
                    position: reader.error_position(),
                    message: e.to_string(),
                });
            }
        }
    }
}
