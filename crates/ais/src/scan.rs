//! Word-at-a-time byte scanning (SWAR) for the hot path: finding line ends and `*`, and the
//! NMEA XOR checksum, eight bytes per step without `unsafe` or SIMD intrinsics.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

#[inline]
fn word(c: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(c);
    u64::from_le_bytes(a)
}

/// Index of the first `needle` in `h`.
#[inline]
pub fn find_byte(h: &[u8], needle: u8) -> Option<usize> {
    let rep = LO * u64::from(needle);
    let mut chunks = h.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let w = word(c) ^ rep;
        // The lowest set high bit marks the first zero byte exactly (borrows only propagate
        // upwards, so false positives can only appear above a true match).
        let t = w.wrapping_sub(LO) & !w & HI;
        if t != 0 {
            return Some(base + (t.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| b == needle).map(|p| base + p)
}

/// Position of the first `needle` and the XOR of every byte before it, in one pass.
#[inline]
pub fn xor_until(h: &[u8], needle: u8) -> Option<(usize, u8)> {
    let rep = LO * u64::from(needle);
    let mut acc = 0u64;
    let mut chunks = h.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let raw = word(c);
        let w = raw ^ rep;
        let t = w.wrapping_sub(LO) & !w & HI;
        if t != 0 {
            let k = t.trailing_zeros() / 8;
            let mask = (1u64 << (8 * k)) - 1;
            acc ^= raw & mask;
            let x = acc.to_le_bytes().iter().fold(0u8, |a, &b| a ^ b);
            return Some((base + k as usize, x));
        }
        acc ^= raw;
        base += 8;
    }
    let mut x = acc.to_le_bytes().iter().fold(0u8, |a, &b| a ^ b);
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == needle {
            return Some((base + i, x));
        }
        x ^= b;
    }
    None
}

/// XOR of all bytes (the NMEA checksum).
#[inline]
pub fn xor_all(s: &[u8]) -> u8 {
    let mut acc = 0u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        acc ^= word(c);
    }
    let tail = chunks.remainder().iter().fold(0u8, |a, &b| a ^ b);
    acc.to_le_bytes().iter().fold(tail, |a, &b| a ^ b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_matches_naive() {
        let hay: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
        for n in [0u8, 1, 10, 42, 0x80, 0xff, b'\n', b'*'] {
            for start in 0..20 {
                let h = &hay[start..];
                assert_eq!(find_byte(h, n), h.iter().position(|&b| b == n), "{n} {start}");
            }
        }
        assert_eq!(find_byte(b"\x80\x81\n", b'\n'), Some(2));
        assert_eq!(find_byte(b"ab\x01\x00\ncdefgh", b'\n'), Some(4));
    }

    #[test]
    fn xor_until_matches_naive() {
        let s = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A,extra*";
        for start in 0..s.len() {
            let h = &s[start..];
            let want = h
                .iter()
                .position(|&b| b == b'*')
                .map(|p| (p, h[..p].iter().fold(0u8, |a, &b| a ^ b)));
            assert_eq!(xor_until(h, b'*'), want, "{start}");
        }
        assert_eq!(xor_until(b"abc", b'*'), None);
    }

    #[test]
    fn xor_matches_naive() {
        let s = b"AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0";
        for n in 0..s.len() {
            let naive = s[..n].iter().fold(0u8, |a, &b| a ^ b);
            assert_eq!(xor_all(&s[..n]), naive);
        }
    }
}
