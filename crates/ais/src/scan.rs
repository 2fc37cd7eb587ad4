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

/// Index of the first byte of `h` equal to `a` or `b`.
#[inline]
pub fn find_either(h: &[u8], a: u8, b: u8) -> Option<usize> {
    let (ra, rb) = (LO * u64::from(a), LO * u64::from(b));
    let mut chunks = h.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let w = word(c);
        let (wa, wb) = (w ^ ra, w ^ rb);
        // Each test's lowest set bit is exact, so the lowest bit of their union is too.
        let t = ((wa.wrapping_sub(LO) & !wa) | (wb.wrapping_sub(LO) & !wb)) & HI;
        if t != 0 {
            return Some(base + (t.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&x| x == a || x == b).map(|p| base + p)
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
    fn find_either_matches_naive() {
        let hay: Vec<u8> = (0..300u32).map(|i| (i * 53 % 253) as u8).collect();
        for (a, b) in [(b'\n', b'\r'), (0u8, 0xff), (7, 7), (42, 200)] {
            for start in 0..24 {
                let h = &hay[start..];
                assert_eq!(find_either(h, a, b), h.iter().position(|&x| x == a || x == b));
            }
        }
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
