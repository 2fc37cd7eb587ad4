//! The sentence layer: NMEA 4.0 tag blocks and `!xxVDM` / `!xxVDO` sentences, borrowed from the
//! input line, checksums verified, receiver metadata after the checksum tolerated.

use crate::scan::{xor_all, xor_until};

/// Why a line was not accepted as an AIS sentence. Every variant is counted by reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SentenceError {
    /// Not an AIVDM/AIVDO sentence at all (other NMEA, comments, junk): skipped, not an error.
    #[error("not an ais sentence")]
    NotAis,
    /// No `*hh` after the sentence body.
    #[error("missing nmea checksum")]
    MissingChecksum,
    /// The checksum does not match.
    #[error("invalid nmea checksum: got 0x{got:02x}, want 0x{want:02x}")]
    BadChecksum { got: u8, want: u8 },
    /// A tag block without its closing backslash or `*hh`, or with a malformed field.
    #[error("malformed tag block")]
    BadTagBlock,
    /// The tag block checksum does not match.
    #[error("invalid tag block checksum: got 0x{got:02x}, want 0x{want:02x}")]
    BadTagBlockChecksum { got: u8, want: u8 },
    /// Wrong number of comma-separated fields.
    #[error("ais sentence has {0} fields, want 7")]
    FieldCount(usize),
    /// Fragment count/number not digits 1–9 with number ≤ count.
    #[error("impossible fragment {number} of {count}")]
    BadFragment { number: u8, count: u8 },
    /// Sequential message id not a digit.
    #[error("invalid sequential message id")]
    BadSequenceId,
    /// Fill-bit field not 0–5.
    #[error("invalid fill bits")]
    BadFill,
}

/// A `c:` timestamp: seconds or (13 digits) milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagTime {
    /// The number as written.
    pub raw: i64,
    /// Milliseconds since the Unix epoch.
    pub unix_ms: i64,
}

/// A `g:` sentence-grouping parameter `n-m-id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    pub sentence: u8,
    pub count: u8,
    pub id: u32,
}

/// An NMEA 4.0 tag block, borrowed from the line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TagBlock<'a> {
    /// `s:` source station.
    pub source: Option<&'a str>,
    /// `c:` receive time.
    pub time: Option<TagTime>,
    /// `g:` group.
    pub group: Option<Group>,
    /// `d:` destination.
    pub destination: Option<&'a str>,
    /// `n:` line count.
    pub line_count: Option<i64>,
    /// `r:` relative time.
    pub relative_time: Option<i64>,
    /// `t:` text.
    pub text: Option<&'a str>,
    /// The whole tag block between the backslashes, checksum excluded.
    pub raw: &'a str,
}

/// One `!xxVDM`/`!xxVDO` sentence, borrowed from the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence<'a> {
    pub tag_block: Option<TagBlock<'a>>,
    /// Two-character talker (`AI`, `AB`, `BS`, …).
    pub talker: [u8; 2],
    /// `VDO`: our own ship's report.
    pub own_ship: bool,
    pub fragment_count: u8,
    pub fragment_number: u8,
    pub sequence_id: Option<u8>,
    /// Radio channel (`A`, `B`, `1`, `2`), if given.
    pub channel: Option<u8>,
    /// Armoured payload characters (not yet validated as six-bit).
    pub payload: &'a [u8],
    pub fill_bits: u8,
    /// Receiver metadata after the checksum (`,raishub,…`, USCG `,s…,d…,T…`), if any.
    pub trailer: &'a [u8],
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex2(s: &[u8]) -> Option<u8> {
    match s {
        [a, b, ..] => Some(hex_val(*a)? << 4 | hex_val(*b)?),
        _ => None,
    }
}

fn xor(s: &[u8]) -> u8 {
    xor_all(s)
}

fn parse_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 18 {
        return None;
    }
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(if neg { -v } else { v })
}

fn as_str(s: &[u8]) -> Option<&str> {
    std::str::from_utf8(s).ok()
}

/// Parse the inside of a tag block (between the backslashes), checking its checksum.
pub fn parse_tag_block(inner: &[u8]) -> Result<TagBlock<'_>, SentenceError> {
    let star = inner.iter().rposition(|&c| c == b'*').ok_or(SentenceError::BadTagBlock)?;
    let (body, rest) = inner.split_at(star);
    let want = hex2(rest.get(1..).unwrap_or(&[])).ok_or(SentenceError::BadTagBlock)?;
    let got = xor(body);
    if got != want {
        return Err(SentenceError::BadTagBlockChecksum { got, want });
    }
    parse_tag_body(body)
}

/// Parse the fields of a tag block body (checksum already verified and removed).
pub fn parse_tag_body(body: &[u8]) -> Result<TagBlock<'_>, SentenceError> {
    let mut tb =
        TagBlock { raw: as_str(body).ok_or(SentenceError::BadTagBlock)?, ..TagBlock::default() };
    for field in body.split(|&c| c == b',') {
        if field.is_empty() {
            continue;
        }
        let (key, value) = match field {
            [k, b':', v @ ..] => (*k, v),
            _ => return Err(SentenceError::BadTagBlock),
        };
        match key {
            b'c' => {
                let raw = parse_int(value).ok_or(SentenceError::BadTagBlock)?;
                // 13 digits (or more) means milliseconds.
                let unix_ms = if raw.unsigned_abs() >= 1_000_000_000_000 {
                    raw
                } else {
                    raw.saturating_mul(1000)
                };
                tb.time = Some(TagTime { raw, unix_ms });
            }
            b's' => tb.source = Some(as_str(value).ok_or(SentenceError::BadTagBlock)?),
            b'd' => tb.destination = Some(as_str(value).ok_or(SentenceError::BadTagBlock)?),
            b't' => tb.text = Some(as_str(value).ok_or(SentenceError::BadTagBlock)?),
            b'n' => tb.line_count = parse_int(value),
            b'r' => tb.relative_time = parse_int(value),
            b'g' => {
                let mut parts = value.split(|&c| c == b'-');
                let mut next = || parts.next().and_then(parse_int);
                let (n, m, id) = (next(), next(), next());
                match (n, m, id) {
                    (Some(n), Some(m), Some(id))
                        if (1..=99).contains(&n) && (1..=99).contains(&m) && id >= 0 =>
                    {
                        tb.group = Some(Group {
                            sentence: n as u8,
                            count: m as u8,
                            id: id.min(i64::from(u32::MAX)) as u32,
                        });
                    }
                    _ => return Err(SentenceError::BadTagBlock),
                }
            }
            // Other keys (e.g. ORBCOMM `T:`, `q:`) are carried in `raw` only.
            _ => {}
        }
    }
    Ok(tb)
}

/// Trim trailing CR, LF and spaces.
fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b'\n' | b' ' | b'\t' | 0] = s {
        s = rest;
    }
    s
}

fn is_ais_address(s: &[u8]) -> Option<bool> {
    match s {
        [b'!' | b'$', t1, t2, b'V', b'D', b'M' | b'O', ..]
            if t1.is_ascii_alphanumeric() && t2.is_ascii_alphanumeric() =>
        {
            Some(s.get(5) == Some(&b'O'))
        }
        _ => None,
    }
}

/// Parse one line into an AIS sentence.
pub fn parse_line(line: &[u8]) -> Result<Sentence<'_>, SentenceError> {
    let mut line = trim_end(line);
    // Leading whitespace.
    while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = line {
        line = rest;
    }
    // Comment lines (gpsd test files, logs) may quote sentences; they are not input.
    if line.first() == Some(&b'#') {
        return Err(SentenceError::NotAis);
    }
    let mut tag_block = None;
    if let [b'\\', rest @ ..] = line {
        let end = rest.iter().position(|&c| c == b'\\').ok_or(SentenceError::BadTagBlock)?;
        let (inner, after) = rest.split_at(end);
        tag_block = Some(parse_tag_block(inner)?);
        line = after.get(1..).unwrap_or(&[]);
    }
    // Tolerate a prefix before the sentence (timestamps, receiver ids): find the `!`.
    let start = if line.first() == Some(&b'!') {
        0
    } else {
        line.iter().position(|&c| c == b'!').ok_or(SentenceError::NotAis)?
    };
    let s = line.get(start..).unwrap_or(&[]);
    let own_ship = is_ais_address(s).ok_or(SentenceError::NotAis)?;
    let (star, got) = match s.get(1..).and_then(|b| xor_until(b, b'*')) {
        Some((i, x)) => (i + 1, x),
        None => return Err(SentenceError::MissingChecksum),
    };
    let body = s.get(1..star).unwrap_or(&[]);
    let after = s.get(star + 1..).unwrap_or(&[]);
    let want = hex2(after).ok_or(SentenceError::MissingChecksum)?;
    if got != want {
        return Err(SentenceError::BadChecksum { got, want });
    }
    let trailer = after.get(2..).unwrap_or(&[]);
    // The five short fields from the front, the fill bits from the back; the payload is what
    // lies between (a stray comma in it fails six-bit validation later).
    let mut f: [&[u8]; 7] = [&[]; 7];
    let mut commas = [0usize; 5];
    let mut found = 0;
    for (i, &c) in body.iter().enumerate() {
        if c == b',' {
            if let Some(slot) = commas.get_mut(found) {
                *slot = i;
            }
            found += 1;
            if found == 5 {
                break;
            }
        }
    }
    if found < 5 {
        return Err(SentenceError::FieldCount(found + 1));
    }
    let [c0, c1, c2, c3, c4] = commas;
    f[0] = body.get(..c0).unwrap_or(&[]);
    f[1] = body.get(c0 + 1..c1).unwrap_or(&[]);
    f[2] = body.get(c1 + 1..c2).unwrap_or(&[]);
    f[3] = body.get(c2 + 1..c3).unwrap_or(&[]);
    f[4] = body.get(c3 + 1..c4).unwrap_or(&[]);
    let rest = body.get(c4 + 1..).unwrap_or(&[]);
    let last = rest.iter().rposition(|&c| c == b',').ok_or(SentenceError::FieldCount(6))?;
    let (payload_field, fill_field) = rest.split_at(last);
    f[5] = payload_field;
    f[6] = fill_field.get(1..).unwrap_or(&[]);
    let [addr, count, number, seq, channel, payload, fill] = f;
    let digit = |s: &[u8]| match s {
        [d @ b'1'..=b'9'] => Some(d - b'0'),
        _ => None,
    };
    let (count, number) = match (digit(count), digit(number)) {
        (Some(c), Some(n)) if n <= c => (c, n),
        (c, n) => {
            return Err(SentenceError::BadFragment {
                number: n.unwrap_or(0),
                count: c.unwrap_or(0),
            });
        }
    };
    let sequence_id = match seq {
        [] => None,
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        _ => return Err(SentenceError::BadSequenceId),
    };
    let channel = channel.first().copied();
    let fill_bits = match fill {
        [] => 0,
        [d @ b'0'..=b'5'] => d - b'0',
        _ => return Err(SentenceError::BadFill),
    };
    let talker = match addr {
        [t1, t2, ..] => [*t1, *t2],
        _ => [0, 0],
    };
    Ok(Sentence {
        tag_block,
        talker,
        own_ship,
        fragment_count: count,
        fragment_number: number,
        sequence_id,
        channel,
        payload,
        fill_bits,
        trailer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_sentence() {
        let s = parse_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n");
        let s = s.ok();
        assert_eq!(
            s.map(|s| (s.talker, s.fragment_count, s.channel)),
            Some(([b'A', b'I'], 1, Some(b'A')))
        );
    }

    #[test]
    fn bad_checksum_rejected() {
        let e = parse_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B");
        assert_eq!(e, Err(SentenceError::BadChecksum { got: 0x4a, want: 0x4b }));
    }

    #[test]
    fn trailing_metadata_tolerated() {
        let l = b"!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28,d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001";
        let s = parse_line(l);
        assert!(s.is_ok());
        assert!(s.map(|s| s.trailer.starts_with(b",d-109")).unwrap_or(false));
    }

    #[test]
    fn tag_block_typed() {
        let l = b"\\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63";
        let s = parse_line(l).ok();
        let tb = s.and_then(|s| s.tag_block);
        assert_eq!(tb.and_then(|t| t.source), Some("rORBCOMM008"));
        assert_eq!(tb.and_then(|t| t.time).map(|t| t.unix_ms), Some(1_418_169_601_000));
        assert_eq!(tb.and_then(|t| t.group), Some(Group { sentence: 1, count: 2, id: 1604 }));
    }

    #[test]
    fn millisecond_tag_time() {
        let body = b"c:1707873398123";
        let mut l = Vec::new();
        l.extend_from_slice(b"\\");
        l.extend_from_slice(body);
        l.extend_from_slice(format!("*{:02X}\\", xor(body)).as_bytes());
        l.extend_from_slice(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
        let t = parse_line(&l).ok().and_then(|s| s.tag_block).and_then(|t| t.time);
        assert_eq!(t.map(|t| t.unix_ms), Some(1_707_873_398_123));
    }

    #[test]
    fn bad_tag_block_checksum() {
        let l = b"\\s:x*00\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
        assert!(matches!(parse_line(l), Err(SentenceError::BadTagBlockChecksum { .. })));
    }

    #[test]
    fn non_ais_skipped() {
        assert_eq!(parse_line(b"$GPRMC,213950.00,A*7D"), Err(SentenceError::NotAis));
        assert_eq!(parse_line(b"# comment"), Err(SentenceError::NotAis));
        assert_eq!(parse_line(b""), Err(SentenceError::NotAis));
    }

    #[test]
    fn impossible_fragments() {
        let body = b"AIVDM,2,3,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0";
        let l = format!("!{}*{:02X}", std::str::from_utf8(body).unwrap_or(""), xor(body));
        assert_eq!(
            parse_line(l.as_bytes()),
            Err(SentenceError::BadFragment { number: 3, count: 2 })
        );
        let body = b"AIVDM,0,0,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0";
        let l = format!("!{}*{:02X}", std::str::from_utf8(body).unwrap_or(""), xor(body));
        assert!(matches!(parse_line(l.as_bytes()), Err(SentenceError::BadFragment { .. })));
    }
}
