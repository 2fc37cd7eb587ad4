//! Segments: how the records of one append are framed in one stored value.
//!
//! A segment is the records of one group commit, back to back, each framed as
//! `[body length: u32 LE][predecessor hash: 32 bytes][body: the encoded event]`. Storing a
//! commit as one value instead of one value per record makes a durable append of 1,000 events
//! one B-tree insert instead of a thousand, and a replay one read per thousand events.

use crate::{Hash, StoreError};

const FRAME_HEADER: usize = 4 + 32;

/// Appends one framed record to `segment`; `write_body` writes the body into the buffer.
pub fn push_record<E>(
    segment: &mut Vec<u8>,
    prev_hash: &Hash,
    write_body: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
) -> Result<std::ops::Range<usize>, E> {
    let start = segment.len();
    segment.extend_from_slice(&[0; 4]);
    segment.extend_from_slice(prev_hash);
    let body_start = segment.len();
    write_body(segment)?;
    let len = (segment.len() - body_start) as u32;
    segment[start..start + 4].copy_from_slice(&len.to_le_bytes());
    Ok(body_start..segment.len())
}

/// One record read from a segment.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub seq: u64,
    pub prev_hash: Hash,
    pub body: &'a [u8],
}

/// Iterates the records of the segment whose first record is `first_seq`.
#[derive(Debug)]
pub struct Frames<'a> {
    rest: &'a [u8],
    next_seq: u64,
}

impl<'a> Frames<'a> {
    pub fn new(first_seq: u64, segment: &'a [u8]) -> Frames<'a> {
        Frames { rest: segment, next_seq: first_seq }
    }

    /// The sequence number the next frame would have.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let seq = self.next_seq;
        let broken = |message: &str| StoreError::Broken { seq, message: message.to_string() };
        let Some((header, rest)) = self.rest.split_at_checked(FRAME_HEADER) else {
            self.rest = &[];
            return Some(Err(broken("the record's frame is cut short")));
        };
        let mut len = [0u8; 4];
        len.copy_from_slice(&header[..4]);
        let len = u32::from_le_bytes(len) as usize;
        let mut prev_hash = [0u8; 32];
        prev_hash.copy_from_slice(&header[4..]);
        let Some((body, rest)) = rest.split_at_checked(len) else {
            self.rest = &[];
            return Some(Err(broken("the record's body is cut short")));
        };
        self.rest = rest;
        self.next_seq += 1;
        Some(Ok(Frame { seq, prev_hash, body }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_truncation_is_an_error() {
        let mut segment = Vec::new();
        for (i, body) in [&b"alpha"[..], b"", b"gamma"].iter().enumerate() {
            push_record::<()>(&mut segment, &[i as u8; 32], |buf| {
                buf.extend_from_slice(body);
                Ok(())
            })
            .expect("push");
        }
        let frames: Vec<_> = Frames::new(10, &segment).map(|f| f.expect("frame")).collect();
        assert_eq!(frames.len(), 3);
        assert_eq!((frames[2].seq, frames[2].body, frames[2].prev_hash[0]), (12, &b"gamma"[..], 2));
        let boundaries = [41, 77];
        for cut in 1..segment.len() {
            let outcome: Result<Vec<_>, _> = Frames::new(0, &segment[..cut]).collect();
            assert_eq!(outcome.is_ok(), boundaries.contains(&cut), "cut at {cut}");
        }
    }
}
