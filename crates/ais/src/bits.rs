//! Six-bit de-armouring and big-endian bit-field reads over an assembled AIS payload.
//!
//! Bits past the end of the payload read as whatever the armour carried (fill bits) and then
//! as zero, exactly like gpsd's zeroed bit buffer, so that a short payload never panics and
//! decodes to the same values gpsd prints.

/// Largest payload we assemble, in bytes (2048 bits, twice the 1008-bit AIS maximum).
pub const MAX_PAYLOAD_BYTES: usize = 256;
/// Largest number of armoured characters one message may carry.
pub const MAX_PAYLOAD_CHARS: usize = MAX_PAYLOAD_BYTES * 8 / 6;
const PAD: usize = 8;

/// An assembled, de-armoured AIS payload held inline (no heap).
#[derive(Clone)]
pub struct Payload {
    buf: [u8; MAX_PAYLOAD_BYTES + PAD],
    /// Bits written by de-armouring (6 per character), fill bits included.
    raw_bits: usize,
    /// Fill bits announced by the last fragment.
    fill: usize,
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payload")
            .field("bit_len", &self.bit_len())
            .field("fill", &self.fill)
            .finish()
    }
}

impl Default for Payload {
    fn default() -> Self {
        Self::new()
    }
}

/// Six-bit value of every byte, 0xFF where the byte is not payload armour.
static SIXBIT: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'W' => c as u8 - 48,
            b'`'..=b'w' => c as u8 - 56,
            _ => 0xFF,
        };
        c += 1;
    }
    t
};

/// Value of one armoured payload character, or `None` if it is not a six-bit character.
#[inline]
pub fn sixbit_value(c: u8) -> Option<u8> {
    let v = SIXBIT[usize::from(c)];
    (v != 0xFF).then_some(v)
}

impl Payload {
    /// An empty payload.
    pub const fn new() -> Self {
        Self { buf: [0; MAX_PAYLOAD_BYTES + PAD], raw_bits: 0, fill: 0 }
    }

    /// Forget everything, ready for a new message.
    pub fn clear(&mut self) {
        let used = self.raw_bits.div_ceil(8).min(MAX_PAYLOAD_BYTES);
        if let Some(s) = self.buf.get_mut(..used) {
            s.fill(0);
        }
        self.raw_bits = 0;
        self.fill = 0;
    }

    /// Append armoured characters. Returns the offending byte if one is not six-bit armour,
    /// or `Err(None)` when the payload would exceed [`MAX_PAYLOAD_BYTES`].
    pub fn push_armored(&mut self, chars: &[u8]) -> Result<(), Option<u8>> {
        if self.raw_bits + chars.len() * 6 > MAX_PAYLOAD_BYTES * 8 {
            return Err(None);
        }
        let mut pos = self.raw_bits;
        let mut rest = chars;
        if pos.is_multiple_of(8) {
            // Fast path (every first fragment): four characters make three whole bytes.
            let mut byte = pos / 8;
            // Eight characters make six bytes; the buffer's padding absorbs the two spare
            // bytes of the 8-byte store, overwritten by the next step.
            let mut wide = rest.chunks_exact(8);
            for chunk in &mut wide {
                let mut w = 0u64;
                let mut bad = 0u8;
                for &c in chunk {
                    let v = SIXBIT[usize::from(c)];
                    bad |= v;
                    w = (w << 6) | u64::from(v & 0x3F);
                }
                if bad & 0xC0 != 0 {
                    let bad = chunk.iter().copied().find(|&x| sixbit_value(x).is_none());
                    return Err(bad);
                }
                if let Some(dst) = self.buf.get_mut(byte..byte + 8) {
                    dst.copy_from_slice(&(w << 16).to_be_bytes());
                }
                byte += 6;
            }
            rest = wide.remainder();
            let mut chunks = rest.chunks_exact(4);
            for chunk in &mut chunks {
                let &[a, b, c, d] = chunk else { continue };
                let (a, b, c, d) = (
                    SIXBIT[usize::from(a)],
                    SIXBIT[usize::from(b)],
                    SIXBIT[usize::from(c)],
                    SIXBIT[usize::from(d)],
                );
                if (a | b | c | d) & 0xC0 != 0 {
                    let bad = chunk.iter().copied().find(|&x| sixbit_value(x).is_none());
                    return Err(bad);
                }
                let w = (u32::from(a) << 18)
                    | (u32::from(b) << 12)
                    | (u32::from(c) << 6)
                    | u32::from(d);
                let [_, b0, b1, b2] = w.to_be_bytes();
                if let Some(dst) = self.buf.get_mut(byte..byte + 3) {
                    dst.copy_from_slice(&[b0, b1, b2]);
                }
                byte += 3;
            }
            pos = byte * 8;
            rest = chunks.remainder();
        }
        for &c in rest {
            let v = sixbit_value(c).ok_or(Some(c))?;
            // Place the six bits into a 16-bit window starting at the current bit offset;
            // the buffer is zeroed by `clear`, so OR-ing is enough.
            let w = u16::from(v) << (10 - (pos % 8));
            let byte = pos / 8;
            if let Some(b) = self.buf.get_mut(byte) {
                *b |= (w >> 8) as u8;
            }
            if let Some(b) = self.buf.get_mut(byte + 1) {
                *b |= w as u8;
            }
            pos += 6;
        }
        self.raw_bits = pos;
        Ok(())
    }

    /// Record the fill-bit count of the final fragment.
    pub fn set_fill(&mut self, fill: usize) {
        self.fill = fill.min(self.raw_bits);
    }

    /// Payload length in bits: armoured bits less fill bits.
    pub fn bit_len(&self) -> usize {
        self.raw_bits - self.fill
    }

    /// A reader over this payload.
    pub fn bits(&self) -> Bits<'_> {
        Bits { buf: &self.buf, len: self.bit_len() }
    }
}

/// Bit-field reader over a payload; reads past the end yield zero bits.
#[derive(Clone, Copy, Debug)]
pub struct Bits<'a> {
    buf: &'a [u8],
    len: usize,
}

impl<'a> Bits<'a> {
    /// A reader over raw bytes holding `len` meaningful bits.
    pub fn from_bytes(buf: &'a [u8], len: usize) -> Self {
        Self { buf, len }
    }

    /// Number of meaningful bits.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if there are no bits at all.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn word(&self, byte: usize) -> u64 {
        match self.buf.get(byte..byte + 8) {
            Some(s) => {
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                u64::from_be_bytes(a)
            }
            None => {
                let mut a = [0u8; 8];
                for (i, slot) in a.iter_mut().enumerate() {
                    *slot = self.buf.get(byte + i).copied().unwrap_or(0);
                }
                u64::from_be_bytes(a)
            }
        }
    }

    /// Unsigned field of `width` (≤ 56) bits starting at bit `start`.
    #[inline]
    pub fn u64(&self, start: usize, width: u32) -> u64 {
        if width == 0 {
            return 0;
        }
        let w = self.word(start / 8);
        let shift = 64 - (start % 8) as u32 - width;
        (w >> shift) & ((1u64 << width) - 1)
    }

    /// Unsigned field of `width` (≤ 32) bits.
    #[inline]
    pub fn u(&self, start: usize, width: u32) -> u32 {
        self.u64(start, width) as u32
    }

    /// Two's-complement signed field of `width` (≤ 32) bits.
    #[inline]
    pub fn s(&self, start: usize, width: u32) -> i32 {
        if width == 0 {
            return 0;
        }
        let v = self.u64(start, width) as i64;
        let sign = 1i64 << (width - 1);
        ((v ^ sign) - sign) as i32
    }

    /// One bit as a boolean.
    #[inline]
    pub fn flag(&self, start: usize) -> bool {
        self.u64(start, 1) == 1
    }

    /// The byte at index `i` of the underlying buffer (zero past the end).
    #[inline]
    pub fn byte(&self, i: usize) -> u8 {
        self.buf.get(i).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dearmor_matches_bit_by_bit() {
        let mut p = Payload::new();
        assert!(p.push_armored(b"15RTgt0PAso;90TKcjM8h6g208CQ").is_ok());
        p.set_fill(0);
        assert_eq!(p.bit_len(), 168);
        let b = p.bits();
        assert_eq!(b.u(0, 6), 1);
        assert_eq!(b.u(8, 30), 371798000);
        assert_eq!(b.s(61, 28), -74037230);
    }

    #[test]
    fn fragments_concatenate_unaligned() {
        let whole = b"55R3Vn82=ILTQ3KKS>1<D60Dq@E918U<F222221J1`?164vc03S1CCAD`88888888888880";
        let mut a = Payload::new();
        assert!(a.push_armored(whole).is_ok());
        let mut b = Payload::new();
        assert!(b.push_armored(&whole[..5]).is_ok());
        assert!(b.push_armored(&whole[5..7]).is_ok());
        assert!(b.push_armored(&whole[7..]).is_ok());
        assert_eq!(a.raw_bits, b.raw_bits);
        assert_eq!(a.buf[..], b.buf[..]);
    }

    #[test]
    fn invalid_char_is_reported() {
        let mut p = Payload::new();
        assert_eq!(p.push_armored(b"15X"), Err(Some(b'X')));
    }

    #[test]
    fn reads_past_end_are_zero() {
        let p = Payload::new();
        assert_eq!(p.bits().u(4000, 30), 0);
        assert_eq!(p.bits().s(2040, 28), 0);
    }
}
