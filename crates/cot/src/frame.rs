//! TAK protocol v1 framing: `0xBF <varint length> <TakMessage>` on streams and
//! `0xBF <version> 0xBF <TakMessage>` in mesh (UDP) datagrams.

use prost::Message;

use crate::error::{CotError, FrameError};
use crate::event::Event;
use crate::proto::TakMessage;
use crate::read::{Limits, parse_event};

/// The byte that opens every TAK protocol frame.
pub const MAGIC: u8 = 0xBF;

/// The one TAK protocol version this crate speaks besides XML (version 0).
pub const PROTOCOL_VERSION: u32 = 1;

/// A varint is at most ten bytes for 64 bits.
const MAX_VARINT_BYTES: usize = 10;

/// Appends `value` as a protobuf varint.
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint from the front of `bytes`: `Ok(None)` if more bytes are needed, the value
/// and its length otherwise. Longer than ten bytes, or over 64 bits, is an error.
pub fn get_varint(bytes: &[u8]) -> Result<Option<(u64, usize)>, FrameError> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(MAX_VARINT_BYTES) {
        let bits = u64::from(byte & 0x7f);
        if i == MAX_VARINT_BYTES - 1 && byte > 1 {
            return Err(FrameError::InvalidVarint);
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    if bytes.len() >= MAX_VARINT_BYTES {
        return Err(FrameError::InvalidVarint);
    }
    Ok(None)
}

/// One stream frame: magic, length, message.
pub fn encode_stream_frame(message: &TakMessage) -> Vec<u8> {
    let body = message.encode_to_vec();
    let mut out = Vec::with_capacity(body.len() + 6);
    out.push(MAGIC);
    put_varint(&mut out, body.len() as u64);
    out.extend_from_slice(&body);
    out
}

/// One mesh datagram: magic, version 1, magic, message.
pub fn encode_mesh(message: &TakMessage) -> Vec<u8> {
    let mut out = vec![MAGIC, PROTOCOL_VERSION as u8, MAGIC];
    out.extend_from_slice(&message.encode_to_vec());
    out
}

/// Reads a mesh datagram's message.
pub fn decode_mesh(datagram: &[u8], limits: Limits) -> Result<TakMessage, FrameError> {
    let Some((&MAGIC, rest)) = datagram.split_first() else {
        return Err(FrameError::MeshHeader);
    };
    let (version, used) = get_varint(rest)?.ok_or(FrameError::MeshHeader)?;
    if version != u64::from(PROTOCOL_VERSION) {
        return Err(FrameError::UnsupportedVersion(version));
    }
    let Some((&MAGIC, body)) = rest[used..].split_first() else {
        return Err(FrameError::MeshHeader);
    };
    if body.len() > limits.max_event_bytes {
        return Err(FrameError::FrameTooLarge {
            size: body.len() as u64,
            limit: limits.max_event_bytes,
        });
    }
    decode_message(body)
}

/// Reads a protobuf `TakMessage`; garbage is a skipped frame, never a panic.
pub fn decode_message(body: &[u8]) -> Result<TakMessage, FrameError> {
    TakMessage::decode(body).map_err(|e| FrameError::Skipped(CotError::Protobuf(e.to_string())))
}

/// Reads a UDP datagram holding either one XML event (version 0) or a mesh frame.
pub fn decode_datagram(datagram: &[u8], limits: Limits) -> Result<Event, FrameError> {
    match datagram.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(&MAGIC) => {
            let message = decode_mesh(datagram, limits)?;
            Event::from_tak_message(&message, limits).map_err(FrameError::Skipped)
        }
        Some(b'<') => parse_event(datagram, limits).map_err(FrameError::Skipped),
        Some(&other) => Err(FrameError::UnexpectedByte(other)),
        None => Err(FrameError::EmptyDatagram),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_bad_ones_are_refused() {
        for value in [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(get_varint(&out).unwrap(), Some((value, out.len())), "{value}");
            assert_eq!(get_varint(&out[..out.len() - 1]).unwrap(), None, "{value} truncated");
        }
        assert_eq!(get_varint(&[0xff; 10]), Err(FrameError::InvalidVarint));
        assert_eq!(get_varint(&[0xff; 11]), Err(FrameError::InvalidVarint));
        let mut over = vec![0xff; 9];
        over.push(0x02);
        assert_eq!(get_varint(&over), Err(FrameError::InvalidVarint), "over 64 bits");
    }

    #[test]
    fn mesh_headers_are_checked() {
        let limits = Limits::default();
        let message = TakMessage::default();
        let datagram = encode_mesh(&message);
        assert_eq!(&datagram[..3], &[0xbf, 0x01, 0xbf]);
        assert_eq!(decode_mesh(&datagram, limits).unwrap(), message);
        assert_eq!(
            decode_mesh(&[0xbf, 0x02, 0xbf], limits),
            Err(FrameError::UnsupportedVersion(2))
        );
        assert_eq!(decode_mesh(&[0xbf, 0x01, 0x00], limits), Err(FrameError::MeshHeader));
        assert_eq!(decode_mesh(&[0xbf], limits), Err(FrameError::MeshHeader));
        assert_eq!(decode_mesh(&[], limits), Err(FrameError::MeshHeader));
    }
}
