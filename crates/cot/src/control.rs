//! Control events of a TAK stream: protocol negotiation (`t-x-takp-v`, `-q`, `-r`), ping and
//! pong (`t-x-c-t`, `t-x-c-t-r`) and the disconnect notice `t-x-d-d`. Builders take the time
//! as an argument; [`classify`] recognises what a client sent.

use model::Time;
use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;

use crate::detail::{Link, RawElement};
use crate::error::CotError;
use crate::event::{Event, Point};
use crate::frame::{PROTOCOL_VERSION, encode_stream_frame};
use crate::read::attributes;

pub const TYPE_VERSION_OFFER: &str = "t-x-takp-v";
pub const TYPE_VERSION_REQUEST: &str = "t-x-takp-q";
pub const TYPE_VERSION_RESPONSE: &str = "t-x-takp-r";
pub const TYPE_PING: &str = "t-x-c-t";
pub const TYPE_PONG: &str = "t-x-c-t-r";
pub const TYPE_DELETE: &str = "t-x-d-d";

/// How long control events stay fresh: TAK Server uses 60 s for the offer, 20 s for the rest.
const OFFER_STALE_MS: i64 = 60_000;
const CONTROL_STALE_MS: i64 = 20_000;

/// What a control event asks or says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control {
    /// The server can speak these protocol versions.
    VersionOffer(Vec<u32>),
    /// The client asks to switch to this version.
    VersionRequest(u32),
    /// The server's answer: switch (true) or stay on XML (false).
    VersionResponse(bool),
    Ping,
    Pong,
    /// `t-x-d-d`: the linked uid is gone. pytak's initial "takPing" is one with no link.
    Delete {
        uid: Option<String>,
    },
}

/// Recognises a control event; `None` for anything else (or a malformed negotiation).
pub fn classify(event: &Event) -> Option<Control> {
    let control_attr = |element: &str, attr: &str| -> Vec<String> {
        let Some(detail) = &event.detail else { return Vec::new() };
        detail.raw("TakControl").flat_map(|raw| child_attrs(&raw.xml, element, attr)).collect()
    };
    match event.cot_type.as_str() {
        TYPE_VERSION_OFFER => {
            let versions = control_attr("TakProtocolSupport", "version");
            Some(Control::VersionOffer(versions.iter().filter_map(|v| v.parse().ok()).collect()))
        }
        TYPE_VERSION_REQUEST => {
            control_attr("TakRequest", "version").first()?.parse().ok().map(Control::VersionRequest)
        }
        TYPE_VERSION_RESPONSE => {
            let status = control_attr("TakResponse", "status");
            Some(Control::VersionResponse(status.first()? == "true"))
        }
        TYPE_PING => Some(Control::Ping),
        TYPE_PONG => Some(Control::Pong),
        TYPE_DELETE => {
            let link = event.detail.as_ref().and_then(|d| d.links().next());
            Some(Control::Delete { uid: link.and_then(|l| l.uid.clone()) })
        }
        _ => None,
    }
}

/// Values of `attr` on every `element` inside a verbatim XML fragment.
fn child_attrs(xml: &str, element: &str, attr: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(XmlEvent::Start(e) | XmlEvent::Empty(e))
                if e.name().as_ref() == element.as_bytes() =>
            {
                let attrs = attributes(&e).unwrap_or_default();
                out.extend(attrs.into_iter().filter(|(k, _)| k == attr).map(|(_, v)| v));
            }
            Ok(XmlEvent::Eof) | Err(_) => return out,
            Ok(_) => {}
        }
    }
}

fn control_event(uid: &str, cot_type: &str, now: Time, stale_ms: i64, control: &str) -> Event {
    let mut event = Event::new(uid, cot_type, "m-g", now, now.plus_millis(stale_ms));
    event.point = Point { hae: Some(0.0), ..Point::new(0.0, 0.0) };
    event.detail_mut().push(RawElement {
        name: "TakControl".to_owned(),
        xml: format!("<TakControl>{control}</TakControl>"),
    });
    event
}

/// The server's offer, sent once after connect: "I can speak TAK protocol version 1".
pub fn version_offer(uid: &str, now: Time) -> Event {
    let support = format!("<TakProtocolSupport version=\"{PROTOCOL_VERSION}\"/>");
    control_event(uid, TYPE_VERSION_OFFER, now, OFFER_STALE_MS, &support)
}

/// The client's request to switch to `version`.
pub fn version_request(uid: &str, version: u32, now: Time) -> Event {
    let request = format!("<TakRequest version=\"{version}\"/>");
    control_event(uid, TYPE_VERSION_REQUEST, now, CONTROL_STALE_MS, &request)
}

/// The server's answer; after an accepting answer both sides send protobuf frames only.
pub fn version_response(uid: &str, accepted: bool, now: Time) -> Event {
    let response = format!("<TakResponse status=\"{accepted}\"/>");
    control_event(uid, TYPE_VERSION_RESPONSE, now, CONTROL_STALE_MS, &response)
}

/// The answer to a version request: accept exactly the versions this crate speaks.
pub fn answer_request(uid: &str, requested: u32, now: Time) -> Event {
    version_response(uid, requested == PROTOCOL_VERSION, now)
}

/// A keep-alive as ATAK sends it: uid `<client uid>-ping`.
pub fn ping(client_uid: &str, now: Time) -> Event {
    let mut event = Event::new(
        format!("{client_uid}-ping"),
        TYPE_PING,
        "m-g",
        now,
        now.plus_millis(CONTROL_STALE_MS),
    );
    event.point.hae = Some(0.0);
    event
}

/// The answer to a ping, sent to the pinger only.
pub fn pong(now: Time) -> Event {
    let mut event =
        Event::new("takPong", TYPE_PONG, "h-g-i-g-o", now, now.plus_millis(CONTROL_STALE_MS));
    event.point.hae = Some(0.0);
    event
}

/// The notice sent to others when a client disconnects: its uid and the type of its last SA.
pub fn disconnect(client_uid: &str, last_type: &str, uid: &str, now: Time) -> Event {
    let mut event =
        Event::new(uid, TYPE_DELETE, "h-g-i-g-o", now, now.plus_millis(CONTROL_STALE_MS));
    event.point.hae = Some(0.0);
    event.detail_mut().push(Link {
        uid: Some(client_uid.to_owned()),
        cot_type: Some(last_type.to_owned()),
        relation: Some("p-p".to_owned()),
        extra: Vec::new(),
    });
    event
}

/// What a connection writes: XML until a negotiation switches it to protobuf frames.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    #[default]
    Xml,
    Protobuf,
}

/// One connection's side of the negotiation, played as a TAK server plays it: offer once,
/// answer a request in XML, then write protobuf frames only.
#[derive(Clone, Debug, Default)]
pub struct Negotiation {
    encoding: Encoding,
    offered: bool,
}

impl Negotiation {
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The offer, the first time only: TAK servers send it once per connection.
    pub fn offer(&mut self, uid: &str, now: Time) -> Option<Event> {
        (!std::mem::replace(&mut self.offered, true)).then(|| version_offer(uid, now))
    }

    /// Answers a client's request. The answer is encoded before the switch, so it goes out as
    /// the client still expects; everything after it uses the new encoding.
    pub fn answer(&mut self, requested: u32, uid: &str, now: Time) -> Result<Vec<u8>, CotError> {
        let response = answer_request(uid, requested, now);
        let bytes = self.encode(&response)?;
        if requested == PROTOCOL_VERSION {
            self.encoding = Encoding::Protobuf;
        }
        Ok(bytes)
    }

    /// A client that sends version 1 frames can read them (TAK's first ground rule), so it
    /// gets them without negotiating.
    pub fn protobuf_received(&mut self) {
        self.encoding = Encoding::Protobuf;
    }

    /// The event as bytes in the encoding in force.
    pub fn encode(&self, event: &Event) -> Result<Vec<u8>, CotError> {
        match self.encoding {
            Encoding::Xml => Ok(event.to_xml_document().into_bytes()),
            Encoding::Protobuf => Ok(encode_stream_frame(&event.to_tak_message()?)),
        }
    }
}
