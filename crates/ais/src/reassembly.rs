//! Reassembly of multi-fragment messages, keyed so that interleaved stations on an aggregated
//! feed never mix: (connection, tag-block source, `g:` group id or sequential id, channel,
//! fragment count). Bounded: a fixed number of open groups allocated once, a timeout measured
//! in caller-supplied time (this crate never reads a clock).

use crate::bits::Payload;

/// Largest tag block we keep for a pending group.
const TAG_CAP: usize = 256;

/// Tunables of the reassembler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReassemblyConfig {
    /// Most groups open at once; the oldest is evicted (and counted) beyond this.
    pub max_open: usize,
    /// A group older than this (caller time, milliseconds) is dropped and counted.
    pub timeout_ms: i64,
}

impl Default for ReassemblyConfig {
    fn default() -> Self {
        Self { max_open: default_max_open(), timeout_ms: default_timeout_ms() }
    }
}

/// Default bound on open groups.
pub const fn default_max_open() -> usize {
    64
}

/// Default group timeout: 60 s.
pub const fn default_timeout_ms() -> i64 {
    60_000
}

/// Identity of one multi-fragment group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct GroupKey {
    /// Caller-given connection id.
    pub connection: u32,
    /// FNV-1a hash of the tag block `s:` source (0 when absent).
    pub source: u64,
    /// `g:` group id + 1, or sequential id + 1 with bit 31 set, or 0 when neither is given.
    pub sequence: u32,
    pub channel: u8,
    pub count: u8,
}

/// 64-bit FNV-1a, used to key groups by source without storing it.
pub fn fnv1a(s: &[u8]) -> u64 {
    s.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[derive(Clone)]
struct Slot {
    in_use: bool,
    key: GroupKey,
    next: u8,
    started_ms: i64,
    payload: Payload,
    tag: [u8; TAG_CAP],
    tag_len: usize,
}

impl Slot {
    fn empty() -> Self {
        Self {
            in_use: false,
            key: GroupKey::default(),
            next: 0,
            started_ms: 0,
            payload: Payload::new(),
            tag: [0; TAG_CAP],
            tag_len: 0,
        }
    }
}

/// What happened to one fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fed {
    /// Stored; waiting for more.
    Pending,
    /// The group is complete in slot `usize`.
    Complete(usize),
}

/// Why a fragment was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    /// A later fragment with no open group.
    #[error("fragment {number} of {count} has no open group")]
    Orphan { number: u8, count: u8 },
    /// A fragment that does not follow the previous one.
    #[error("fragment {number} out of order, want {want}")]
    OutOfOrder { number: u8, want: u8 },
    /// A character that is not six-bit armour.
    #[error("invalid six-bit character 0x{0:02x}")]
    InvalidSixbit(u8),
    /// More payload than any AIS message can carry.
    #[error("ais payload too long")]
    TooLong,
}

/// Counters of group-level events (not errors of any one sentence).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    pub timeouts: u64,
    pub evictions: u64,
    /// A new first fragment replaced an unfinished group with the same key.
    pub replaced: u64,
}

/// Bounded multi-fragment reassembler.
pub struct Reassembler {
    slots: Vec<Slot>,
    cfg: ReassemblyConfig,
    /// Group-level event counters.
    pub stats: ReassemblyStats,
}

impl std::fmt::Debug for Reassembler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reassembler")
            .field("open", &self.open())
            .field("cfg", &self.cfg)
            .field("stats", &self.stats)
            .finish()
    }
}

impl Reassembler {
    /// A reassembler with all its slots allocated up front.
    pub fn new(cfg: ReassemblyConfig) -> Self {
        let n = cfg.max_open.max(1);
        Self { slots: vec![Slot::empty(); n], cfg, stats: ReassemblyStats::default() }
    }

    /// Number of groups currently open.
    pub fn open(&self) -> usize {
        self.slots.iter().filter(|s| s.in_use).count()
    }

    /// Drop groups older than the timeout.
    pub fn expire(&mut self, now_ms: i64) {
        let timeout = self.cfg.timeout_ms;
        for s in self.slots.iter_mut().filter(|s| s.in_use) {
            if now_ms.saturating_sub(s.started_ms) > timeout {
                s.in_use = false;
                self.stats.timeouts += 1;
            }
        }
    }

    fn find(&self, key: &GroupKey) -> Option<usize> {
        self.slots.iter().position(|s| s.in_use && s.key == *key)
    }

    fn free_slot(&mut self) -> usize {
        if let Some(i) = self.slots.iter().position(|s| !s.in_use) {
            return i;
        }
        // Evict the oldest group.
        let mut oldest = 0;
        let mut t = i64::MAX;
        for (i, s) in self.slots.iter().enumerate() {
            if s.started_ms < t {
                t = s.started_ms;
                oldest = i;
            }
        }
        self.stats.evictions += 1;
        oldest
    }

    /// Feed one fragment of a multi-fragment message. `tag` is the raw tag block (between
    /// the backslashes) of this sentence, kept from the first fragment.
    #[allow(clippy::too_many_arguments)]
    pub fn feed(
        &mut self,
        key: GroupKey,
        number: u8,
        payload: &[u8],
        fill: u8,
        tag: &[u8],
        now_ms: i64,
    ) -> Result<Fed, FragmentError> {
        let count = key.count;
        let idx = if number == 1 {
            let i = match self.find(&key) {
                Some(i) => {
                    self.stats.replaced += 1;
                    i
                }
                None => self.free_slot(),
            };
            let Some(s) = self.slots.get_mut(i) else {
                return Err(FragmentError::TooLong);
            };
            s.in_use = true;
            s.key = key;
            s.next = 1;
            s.started_ms = now_ms;
            s.payload.clear();
            s.tag_len = 0;
            if let Some(dst) = s.tag.get_mut(..tag.len()) {
                dst.copy_from_slice(tag);
                s.tag_len = tag.len();
            }
            i
        } else {
            self.find(&key).ok_or(FragmentError::Orphan { number, count })?
        };
        let Some(s) = self.slots.get_mut(idx) else {
            return Err(FragmentError::TooLong);
        };
        if s.next != number {
            s.in_use = false;
            return Err(FragmentError::OutOfOrder { number, want: s.next });
        }
        if let Err(e) = s.payload.push_armored(payload) {
            s.in_use = false;
            return Err(match e {
                Some(c) => FragmentError::InvalidSixbit(c),
                None => FragmentError::TooLong,
            });
        }
        if number == count {
            s.payload.set_fill(usize::from(fill));
            s.in_use = false;
            return Ok(Fed::Complete(idx));
        }
        s.next = number + 1;
        Ok(Fed::Pending)
    }

    /// The payload and stored tag block of a slot just reported [`Fed::Complete`].
    pub fn completed(&self, idx: usize) -> Option<(&Payload, &[u8])> {
        let s = self.slots.get(idx)?;
        Some((&s.payload, s.tag.get(..s.tag_len).unwrap_or(&[])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seq: u32, ch: u8) -> GroupKey {
        GroupKey { sequence: seq, channel: ch, count: 2, ..GroupKey::default() }
    }

    #[test]
    fn interleaved_groups_do_not_mix() {
        let mut r = Reassembler::new(ReassemblyConfig::default());
        assert_eq!(r.feed(key(1, b'A'), 1, b"55", 0, b"", 0), Ok(Fed::Pending));
        assert_eq!(r.feed(key(2, b'A'), 1, b"66", 0, b"", 0), Ok(Fed::Pending));
        assert!(matches!(r.feed(key(1, b'A'), 2, b"0", 2, b"", 0), Ok(Fed::Complete(_))));
        assert_eq!(r.open(), 1);
    }

    #[test]
    fn orphan_and_out_of_order() {
        let mut r = Reassembler::new(ReassemblyConfig::default());
        assert_eq!(
            r.feed(key(1, b'A'), 2, b"0", 0, b"", 0),
            Err(FragmentError::Orphan { number: 2, count: 2 })
        );
        let k = GroupKey { count: 3, ..key(1, b'A') };
        assert_eq!(r.feed(k, 1, b"5", 0, b"", 0), Ok(Fed::Pending));
        assert_eq!(
            r.feed(k, 3, b"5", 0, b"", 0),
            Err(FragmentError::OutOfOrder { number: 3, want: 2 })
        );
    }

    #[test]
    fn bounded_and_timed_out() {
        let mut r = Reassembler::new(ReassemblyConfig { max_open: 2, timeout_ms: 1000 });
        for seq in 0..5 {
            assert_eq!(r.feed(key(seq, b'A'), 1, b"5", 0, b"", i64::from(seq)), Ok(Fed::Pending));
        }
        assert_eq!(r.open(), 2);
        assert_eq!(r.stats.evictions, 3);
        r.expire(5000);
        assert_eq!(r.open(), 0);
        assert_eq!(r.stats.timeouts, 2);
    }
}
