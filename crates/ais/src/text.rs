//! Inline six-bit text and binary blobs, so decoded messages never touch the heap.

use crate::bits::Bits;

/// ITU-R M.1371 six-bit character set, indexed by six-bit value.
pub const SIXBIT_ASCII: &[u8; 64] =
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

/// Up to `N` characters of decoded six-bit text, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<const N: usize> {
    buf: [u8; N],
    len: u8,
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Self { buf: [0; N], len: 0 }
    }
}

impl<const N: usize> std::fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> std::fmt::Display for Text<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> Text<N> {
    /// The text; six-bit characters are all ASCII, so this is always the full content.
    pub fn as_str(&self) -> &str {
        let bytes = self.as_bytes();
        std::str::from_utf8(bytes).unwrap_or("")
    }

    /// The text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// True if there is no text.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Decode up to `count` (capped at `N`) six-bit characters from `start`, stopping at the
    /// first `@` (the AIS "no more text" mark) and trimming trailing spaces, as gpsd does.
    pub fn decode(bits: &Bits<'_>, start: usize, count: usize) -> Self {
        let mut t = Self::decode_untrimmed(bits, start, count);
        t.trim_end();
        t
    }

    /// Like [`Text::decode`] without trimming trailing spaces.
    pub fn decode_untrimmed(bits: &Bits<'_>, start: usize, count: usize) -> Self {
        let mut t = Self::default();
        let count = count.min(N).min(255);
        for i in 0..count {
            let v = bits.u(start + 6 * i, 6) as usize;
            let c = SIXBIT_ASCII.get(v).copied().unwrap_or(b'@');
            if c == b'@' {
                break;
            }
            t.push(c);
        }
        t
    }

    /// Append one byte if there is room.
    pub fn push(&mut self, c: u8) {
        if let Some(slot) = self.buf.get_mut(usize::from(self.len)) {
            *slot = c;
            self.len += 1;
        }
    }

    /// Drop trailing spaces and `@`.
    pub fn trim_end(&mut self) {
        while self.len > 0 {
            match self.buf.get(usize::from(self.len) - 1) {
                Some(b' ' | b'@') => self.len -= 1,
                _ => break,
            }
        }
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }
}

/// Largest binary blob carried by one message (1008 bits).
pub const MAX_DATA_BYTES: usize = 128;

/// Raw application data (`"data":"bitcount:hex"` in gpsd JSON), stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BitData {
    bytes: [u8; MAX_DATA_BYTES],
    bit_count: u16,
}

impl Default for BitData {
    fn default() -> Self {
        Self { bytes: [0; MAX_DATA_BYTES], bit_count: 0 }
    }
}

impl std::fmt::Debug for BitData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BitData({} bits)", self.bit_count)
    }
}

impl BitData {
    /// Copy `bit_count` bits starting at bit `start` (any alignment). When `mask_tail` is set
    /// the unused low bits of the last byte are cleared (gpsd does this for type 8 only; for
    /// other types it prints whatever the fill bits held).
    pub fn extract(bits: &Bits<'_>, start: usize, bit_count: usize, mask_tail: bool) -> Self {
        let mut d = Self::default();
        let bit_count = bit_count.min(MAX_DATA_BYTES * 8);
        d.bit_count = bit_count as u16;
        let nbytes = bit_count.div_ceil(8);
        for (i, slot) in d.bytes.iter_mut().take(nbytes).enumerate() {
            *slot = bits.u(start + 8 * i, 8) as u8;
        }
        let tail = bit_count % 8;
        if mask_tail
            && tail > 0
            && let Some(last) = d.bytes.get_mut(nbytes - 1)
        {
            *last &= 0xffu8 << (8 - tail);
        }
        d
    }

    /// Number of meaningful bits.
    pub fn bit_count(&self) -> usize {
        usize::from(self.bit_count)
    }

    /// The bytes covering [`BitData::bit_count`] bits.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.get(..self.bit_count().div_ceil(8)).unwrap_or(&[])
    }
}
