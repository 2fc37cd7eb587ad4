//! Cursor-on-Target and the TAK protocol, as a pure codec: bytes in, events out, and back.
//!
//! TAK clients (ATAK, WinTAK, iTAK, pytak) speak CoT: one XML `<event>` per thing said, with a
//! `<point>` and a free-form `<detail>`. TAK protocol version 1 carries the same events as
//! protobuf, framed `0xBF <varint length> <TakMessage>` on streams and
//! `0xBF 0x01 0xBF <TakMessage>` in mesh datagrams, after an XML negotiation
//! (`t-x-takp-v` → `t-x-takp-q` → `t-x-takp-r`). This crate reads and writes both.
//!
//! The shape follows from three pressures:
//!
//! - **Nothing may be lost.** A TAK server relays what it does not understand. [`Detail`] is
//!   therefore an ordered list of [`DetailElement`]s: the children Tansiq reads (`contact`,
//!   `__group`, `track`, `status`, `takv`, `precisionlocation`, `uid`, `remarks`, `link`,
//!   `marti`, `__chat`) are typed, each keeping unknown attributes in `extra`, and any child
//!   that does not fit — an unknown name, a stray child element, a number that does not read —
//!   stays a [`RawElement`] holding its exact XML. Writing an event back gives the same
//!   elements; converting to protobuf follows TAK's rule (a child goes to a typed field only if
//!   it occurs once and fits the message exactly, everything else goes to `xmlDetail`), so
//!   XML → protobuf → XML keeps every element too.
//! - **The input is hostile.** Document types are refused (entity bombs), sizes are bounded by
//!   [`Limits`], varints and lengths are checked before anything is allocated for them, and no
//!   input panics: the stream decoder is property-tested on arbitrary bytes.
//! - **No I/O, no clock.** [`StreamDecoder`] is fed bytes and yields [`Frame`]s; builders such
//!   as [`control::version_offer`] take the time as an argument. Sockets, TLS, routing and the
//!   access policy belong to `server`.
//!
//! A server's connection loop, in outline: keep a [`control::Negotiation`] and send its
//! [`offer`](control::Negotiation::offer); for each read, [`StreamDecoder::feed`] then drain
//! [`StreamDecoder::next_frame`]. A [`FrameError::Skipped`] is counted and ignored; any other
//! error closes the connection with [`FrameError::reason`] as the counted cause. For each
//! event, [`control::classify`] it: a `VersionRequest` gets
//! [`answer`](control::Negotiation::answer), after which the connection writes protobuf frames;
//! a `Ping` gets [`control::pong`], to the sender only; anything else is routed, written with
//! [`encode`](control::Negotiation::encode), and atoms become observations through
//! [`to_observation`]. A client that sends protobuf frames without negotiating is read the same
//! and, by [`protobuf_received`](control::Negotiation::protobuf_received), answered in kind.

mod cot_type;
mod detail;
mod error;
mod event;
mod note;
mod observation;
mod read;
mod stream;
mod time;
mod write;

pub mod control;
pub mod frame;
pub mod proto;

pub use cot_type::{Affiliation, Atom, CotType, Dimension, type_for};
pub use detail::{
    AttrValue, Chat, ChatAttrs, Contact, Dest, DetailElement, DroidUid, Group, Link, Marti,
    PrecisionLocation, RawElement, Remarks, RemarksAttrs, Status, Takv, Track,
};
pub use error::{CotError, FrameError};
pub use event::{Detail, Event, Point, UNKNOWN_THRESHOLD, UNKNOWN_VALUE, known};
pub use note::{IncidentNote, incident_note};
pub use observation::{NotAnObservation, SourceInfo, to_observation, track_to_event};
pub use read::{DEFAULT_MAX_EVENT_BYTES, Limits, parse_event};
pub use stream::{Auth, Format, Frame, StreamDecoder};
pub use time::{format_time, parse_time};
pub use write::XML_PROLOGUE;
