//! How an event is encoded in the log: MessagePack with named fields.
//!
//! Named fields keep the log self-describing, so that an event written by an older Tansiq
//! still decodes after a field is added (serde defaults fill it), as JSON would; MessagePack
//! keeps numbers binary, which decodes about twice as fast as JSON text and round-trips every
//! float exactly.

use model::Event;

use crate::StoreError;

/// Appends the encoding of `event` to `buf`.
pub fn encode_event(buf: &mut Vec<u8>, event: &Event) -> Result<(), StoreError> {
    rmp_serde::encode::write_named(buf, event).map_err(|e| StoreError::Encode(e.to_string()))
}

/// Decodes the event stored as record `seq`.
pub fn decode_event(seq: u64, bytes: &[u8]) -> Result<Event, StoreError> {
    rmp_serde::from_slice(bytes).map_err(|e| StoreError::Decode { seq, message: e.to_string() })
}
