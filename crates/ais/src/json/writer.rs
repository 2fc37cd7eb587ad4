//! The writer of gpsd JSON members: keys, numbers, strings, bit data and stamps appended to a
//! reused byte buffer, raw or scaled.

use std::io::Write as _;

use crate::text::BitData;

/// Appends JSON members to a byte buffer.
pub(crate) struct J<'a> {
    pub out: &'a mut Vec<u8>,
    pub scaled: bool,
}

impl J<'_> {
    /// A number printed as a JSON string (gpsd does this for VTS target ids).
    pub fn key_str_number(&mut self, k: &str, v: u64) {
        self.key(k);
        let _ = write!(self.out, "\"{v}\"");
    }

    pub fn key(&mut self, k: &str) {
        // Single-byte pushes and one copy: tiny `extend_from_slice` calls end up in libc
        // memmove, which dominated the JSON profile.
        self.out.push(b',');
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.push(b'"');
        self.out.push(b':');
    }

    pub fn raw_int(&mut self, v: i64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let neg = v < 0;
        let mut n = v.unsigned_abs();
        loop {
            i -= 1;
            if let Some(b) = buf.get_mut(i) {
                *b = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        if neg {
            self.out.push(b'-');
        }
        for &d in buf.get(i..).unwrap_or(&[]) {
            self.out.push(d);
        }
    }

    pub fn int(&mut self, k: &str, v: impl Into<i64>) {
        self.key(k);
        self.raw_int(v.into());
    }

    pub fn boolean(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
    }

    pub fn raw_str(&mut self, s: &str) {
        self.out.push(b'"');
        if !s.bytes().any(|c| c == b'"' || c == b'\\' || c < 0x20) {
            self.out.extend_from_slice(s.as_bytes());
            self.out.push(b'"');
            return;
        }
        for &c in s.as_bytes() {
            match c {
                b'"' | b'\\' => {
                    self.out.push(b'\\');
                    self.out.push(c);
                }
                0..=0x1f => {
                    let _ = write!(self.out, "\\u{c:04x}");
                }
                _ => self.out.push(c),
            }
        }
        self.out.push(b'"');
    }

    pub fn str(&mut self, k: &str, s: &str) {
        self.key(k);
        self.raw_str(s);
    }

    /// A number with a fixed count of decimals (scaled mode).
    pub fn fixed(&mut self, k: &str, v: f64, decimals: usize) {
        self.key(k);
        let _ = write!(self.out, "{v:.decimals$}");
    }

    /// A fixed-decimal number printed inside quotes (gpsd does this for types 22/23).
    pub fn quoted_fixed(&mut self, k: &str, v: f64, decimals: usize) {
        self.key(k);
        let _ = write!(self.out, "\"{v:.decimals$}\"");
    }

    /// A preformatted JSON value.
    pub fn literal(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.extend_from_slice(v.as_bytes());
    }

    pub fn data(&mut self, k: &str, d: &BitData) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.key(k);
        self.out.push(b'"');
        self.raw_int(d.bit_count() as i64);
        self.out.push(b':');
        for &b in d.bytes() {
            self.out.push(HEX[usize::from(b >> 4)]);
            self.out.push(HEX[usize::from(b & 15)]);
        }
        self.out.push(b'"');
    }

    /// `"key":"…"` built from numbers with a pattern of separators, e.g. ETA `MM-DDTHH:MMZ`.
    pub fn stamp(&mut self, k: &str, parts: &[(u32, usize, &str)]) {
        self.key(k);
        self.out.push(b'"');
        for &(v, width, sep) in parts {
            let _ = write!(self.out, "{v:0width$}");
            self.out.extend_from_slice(sep.as_bytes());
        }
        self.out.push(b'"');
    }

    /// Latitude/longitude pair in the unit of `div` (scaled) or raw.
    pub fn coord(&mut self, k: &str, v: i32, div: f64, decimals: usize) {
        if self.scaled {
            self.fixed(k, f64::from(v) / div, decimals);
        } else {
            self.int(k, v);
        }
    }
}
