//! Line → message: the sentence layer, reassembly and payload decoding put together, with
//! every rejected line counted by reason. No I/O, no clock: time comes from the caller.

use crate::bits::Payload;
use crate::decode::{PayloadError, decode_into};
use crate::messages::Message;
use crate::nmea::{SentenceError, TagBlock, parse_line, parse_tag_body};
use crate::reassembly::{
    Fed, FragmentError, GroupKey, Reassembler, ReassemblyConfig, ReassemblyStats, fnv1a,
};

/// Why a line produced no message. Sentence-, fragment- and payload-level causes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error(transparent)]
    Sentence(#[from] SentenceError),
    #[error(transparent)]
    Fragment(#[from] FragmentError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
}

/// Counting key for rejected lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    MissingChecksum,
    BadChecksum,
    BadTagBlock,
    BadTagBlockChecksum,
    FieldCount,
    BadFragment,
    BadSequenceId,
    BadFill,
    OrphanFragment,
    OutOfOrderFragment,
    InvalidSixbit,
    PayloadTooLong,
    EmptyPayload,
    UnknownType,
    BadLength,
    BadType24Part,
}

impl RejectReason {
    /// Every reason, in display order.
    pub const ALL: [RejectReason; 16] = [
        Self::MissingChecksum,
        Self::BadChecksum,
        Self::BadTagBlock,
        Self::BadTagBlockChecksum,
        Self::FieldCount,
        Self::BadFragment,
        Self::BadSequenceId,
        Self::BadFill,
        Self::OrphanFragment,
        Self::OutOfOrderFragment,
        Self::InvalidSixbit,
        Self::PayloadTooLong,
        Self::EmptyPayload,
        Self::UnknownType,
        Self::BadLength,
        Self::BadType24Part,
    ];

    /// A stable snake_case name for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingChecksum => "missing_checksum",
            Self::BadChecksum => "bad_checksum",
            Self::BadTagBlock => "bad_tag_block",
            Self::BadTagBlockChecksum => "bad_tag_block_checksum",
            Self::FieldCount => "field_count",
            Self::BadFragment => "bad_fragment",
            Self::BadSequenceId => "bad_sequence_id",
            Self::BadFill => "bad_fill",
            Self::OrphanFragment => "orphan_fragment",
            Self::OutOfOrderFragment => "out_of_order_fragment",
            Self::InvalidSixbit => "invalid_sixbit",
            Self::PayloadTooLong => "payload_too_long",
            Self::EmptyPayload => "empty_payload",
            Self::UnknownType => "unknown_type",
            Self::BadLength => "bad_length",
            Self::BadType24Part => "bad_type24_part",
        }
    }
}

impl LineError {
    /// The counting key, or `None` for lines that are simply not AIS (skipped, not rejected).
    pub fn reason(&self) -> Option<RejectReason> {
        use RejectReason as R;
        Some(match self {
            Self::Sentence(e) => match e {
                SentenceError::NotAis => return None,
                SentenceError::MissingChecksum => R::MissingChecksum,
                SentenceError::BadChecksum { .. } => R::BadChecksum,
                SentenceError::BadTagBlock => R::BadTagBlock,
                SentenceError::BadTagBlockChecksum { .. } => R::BadTagBlockChecksum,
                SentenceError::FieldCount(_) => R::FieldCount,
                SentenceError::BadFragment { .. } => R::BadFragment,
                SentenceError::BadSequenceId => R::BadSequenceId,
                SentenceError::BadFill => R::BadFill,
            },
            Self::Fragment(e) => match e {
                FragmentError::Orphan { .. } => R::OrphanFragment,
                FragmentError::OutOfOrder { .. } => R::OutOfOrderFragment,
                FragmentError::InvalidSixbit(_) => R::InvalidSixbit,
                FragmentError::TooLong => R::PayloadTooLong,
            },
            Self::Payload(e) => match e {
                PayloadError::Empty => R::EmptyPayload,
                PayloadError::UnknownType(_) => R::UnknownType,
                PayloadError::BadLength { .. } => R::BadLength,
                PayloadError::BadPart(_) => R::BadType24Part,
            },
        })
    }
}

/// A decoded message with what the sentence layer knew about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<'a> {
    /// The message, held by the decoder until the next line.
    pub message: &'a Message,
    /// Tag block of the first fragment (or of the last one if the first had none).
    pub tag_block: Option<TagBlock<'a>>,
    pub talker: [u8; 2],
    /// From `!xxVDO`: our own ship.
    pub own_ship: bool,
    pub channel: Option<u8>,
    /// Receiver metadata after the last fragment's checksum (`,raishub,…`, USCG `,s…,d…,T…`).
    pub trailer: &'a [u8],
}

/// Running counts kept by a [`Decoder`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Lines offered.
    pub lines: u64,
    /// Lines that were AIS sentences (accepted or rejected).
    pub sentences: u64,
    /// Lines that were not AIS and were skipped.
    pub skipped: u64,
    /// Messages decoded, indexed by type (0 unused).
    pub by_type: [u64; 28],
    /// Rejections, indexed like [`RejectReason::ALL`].
    pub rejected: [u64; 16],
    /// Messages decoded from a payload shorter than their type requires.
    pub truncated: u64,
}

impl Counts {
    /// Total messages decoded.
    pub fn messages(&self) -> u64 {
        self.by_type.iter().sum()
    }
    /// Rejections for one reason.
    pub fn rejected_for(&self, r: RejectReason) -> u64 {
        let i = RejectReason::ALL.iter().position(|x| *x == r).unwrap_or(0);
        self.rejected.get(i).copied().unwrap_or(0)
    }
}

/// Decodes AIS lines into messages: stateful only for reassembly and counts.
#[derive(Debug)]
pub struct Decoder {
    reassembler: Reassembler,
    single: Payload,
    message: Message,
    counts: Counts,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new(ReassemblyConfig::default())
    }
}

impl Decoder {
    /// A decoder; all reassembly memory is allocated here, none per message.
    pub fn new(cfg: ReassemblyConfig) -> Self {
        Self {
            reassembler: Reassembler::new(cfg),
            single: Payload::new(),
            message: Message::default(),
            counts: Counts::default(),
        }
    }

    /// Counts so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Reassembly event counts (timeouts, evictions, replaced groups).
    pub fn reassembly_stats(&self) -> ReassemblyStats {
        self.reassembler.stats
    }

    /// Decode one line. `connection` separates sources that carry no tag block; `now_ms` is the
    /// caller's notion of time for reassembly timeouts. `Ok(None)` means a fragment was stored.
    pub fn decode_line<'a>(
        &'a mut self,
        line: &'a [u8],
        connection: u32,
        now_ms: i64,
    ) -> Result<Option<Decoded<'a>>, LineError> {
        self.counts.lines += 1;
        let r = decode_inner(
            &mut self.reassembler,
            &mut self.single,
            &mut self.message,
            line,
            connection,
            now_ms,
        );
        match &r {
            Ok(Some(d)) => {
                self.counts.sentences += 1;
                if let Some(c) = self.counts.by_type.get_mut(usize::from(d.message.msg_type)) {
                    *c += 1;
                }
                self.counts.truncated += u64::from(d.message.truncated);
            }
            Ok(None) => self.counts.sentences += 1,
            Err(e) => match e.reason() {
                None => self.counts.skipped += 1,
                Some(reason) => {
                    self.counts.sentences += 1;
                    let i = RejectReason::ALL.iter().position(|x| *x == reason).unwrap_or(0);
                    if let Some(c) = self.counts.rejected.get_mut(i) {
                        *c += 1;
                    }
                }
            },
        }
        r
    }
}

fn decode_inner<'a>(
    reassembler: &'a mut Reassembler,
    single: &mut Payload,
    slot: &'a mut Message,
    line: &'a [u8],
    connection: u32,
    now_ms: i64,
) -> Result<Option<Decoded<'a>>, LineError> {
    let s = parse_line(line)?;
    if s.fragment_count == 1 {
        single.clear();
        single.push_armored(s.payload).map_err(|e| match e {
            Some(c) => FragmentError::InvalidSixbit(c),
            None => FragmentError::TooLong,
        })?;
        single.set_fill(usize::from(s.fill_bits));
        decode_into(&single.bits(), slot)?;
        return Ok(Some(Decoded {
            message: slot,
            tag_block: s.tag_block,
            talker: s.talker,
            own_ship: s.own_ship,
            channel: s.channel,
            trailer: s.trailer,
        }));
    }
    let tb = s.tag_block;
    // A sentence stamped by its tag block is judged by its own time: satellite feeds deliver
    // stamps out of order, and a group must not expire because another station's clock ran on.
    let now_ms = tb.and_then(|t| t.time).map_or(now_ms, |t| t.unix_ms);
    reassembler.expire(now_ms);
    let sequence = match (tb.and_then(|t| t.group), s.sequence_id) {
        (Some(g), _) => g.id.saturating_add(1) & 0x7fff_ffff,
        (None, Some(id)) => (u32::from(id) + 1) | 0x8000_0000,
        (None, None) => 0,
    };
    let key = GroupKey {
        connection,
        source: tb.and_then(|t| t.source).map_or(0, |s| fnv1a(s.as_bytes())),
        sequence,
        channel: s.channel.unwrap_or(0),
        count: s.fragment_count,
    };
    let raw_tag = tb.map_or(&[][..], |t| t.raw.as_bytes());
    let fed = reassembler.feed(key, s.fragment_number, s.payload, s.fill_bits, raw_tag, now_ms)?;
    let Fed::Complete(idx) = fed else {
        return Ok(None);
    };
    let Some((payload, stored_tag)) = reassembler.completed(idx) else {
        return Ok(None);
    };
    decode_into(&payload.bits(), slot)?;
    let tag_block = if stored_tag.is_empty() {
        tb
    } else {
        // The stored raw tag block was checksummed when it arrived; re-parse its fields.
        parse_stored_tag(stored_tag).or(tb)
    };
    Ok(Some(Decoded {
        message: slot,
        tag_block,
        talker: s.talker,
        own_ship: s.own_ship,
        channel: s.channel,
        trailer: s.trailer,
    }))
}

fn parse_stored_tag(raw: &[u8]) -> Option<TagBlock<'_>> {
    // The stored body was checksummed when it arrived; only its fields are parsed again.
    parse_tag_body(raw).ok()
}
