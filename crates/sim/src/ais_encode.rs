//! An AIS encoder for the messages the simulator sends: position reports (types 1 and 18) and
//! static and voyage data (type 5), armoured into `!AIVDM` sentences with NMEA 4.0 tag blocks.
//! Its output is checked by decoding it with Tansiq's own decoder in the tests.

/// Bits, most significant first.
#[derive(Default)]
struct Bits {
    bits: Vec<bool>,
}

impl Bits {
    fn put(&mut self, value: u64, width: u32) {
        for i in (0..width).rev() {
            self.bits.push((value >> i) & 1 == 1);
        }
    }

    fn put_signed(&mut self, value: i64, width: u32) {
        let mask = if width >= 64 { u64::MAX } else { (1u64 << width) - 1 };
        self.put((value as u64) & mask, width);
    }

    /// Six-bit ASCII, padded with `@` to `chars`.
    fn put_text(&mut self, text: &str, chars: usize) {
        let mut n = 0;
        for c in text.chars().take(chars) {
            let c = c.to_ascii_uppercase();
            let code = match c {
                '@'..='_' => c as u32 - 64,
                ' '..='?' => c as u32,
                _ => 32,
            };
            self.put(u64::from(code), 6);
            n += 1;
        }
        for _ in n..chars {
            self.put(0, 6);
        }
    }

    /// The armoured payload and its fill bits.
    fn armour(&self) -> (String, u8) {
        let fill = (6 - self.bits.len() % 6) % 6;
        let mut out = String::with_capacity(self.bits.len() / 6 + 1);
        for chunk in self.bits.chunks(6) {
            let mut v = 0u8;
            for i in 0..6 {
                v = (v << 1) | u8::from(chunk.get(i).copied().unwrap_or(false));
            }
            out.push(char::from(if v < 40 { v + 48 } else { v + 56 }));
        }
        (out, fill as u8)
    }
}

/// A position report's content, in physical units.
#[derive(Clone, Copy, Debug)]
pub struct Position {
    pub mmsi: u32,
    pub lon: f64,
    pub lat: f64,
    pub speed_kn: f64,
    pub course_deg: f64,
    pub heading_deg: Option<f64>,
    /// Navigational status (0 under way, 1 at anchor, 7 fishing, 14 AIS-SART active …).
    pub status: u8,
    pub second: u8,
}

fn lonlat(p: &Position) -> (i64, i64) {
    ((p.lon * 600_000.0).round() as i64, (p.lat * 600_000.0).round() as i64)
}

fn speed(p: &Position) -> u64 {
    ((p.speed_kn * 10.0).round() as u64).min(1022)
}

fn course(p: &Position) -> u64 {
    ((p.course_deg.rem_euclid(360.0) * 10.0).round() as u64).min(3599)
}

fn heading(p: &Position) -> u64 {
    p.heading_deg.map(|h| h.rem_euclid(360.0).round() as u64 % 360).unwrap_or(511)
}

/// Type 1 (class A) payload.
pub fn class_a(p: &Position) -> (String, u8) {
    let mut b = Bits::default();
    let (lon, lat) = lonlat(p);
    b.put(1, 6);
    b.put(0, 2);
    b.put(u64::from(p.mmsi), 30);
    b.put(u64::from(p.status & 0x0f), 4);
    b.put_signed(-128, 8);
    b.put(speed(p), 10);
    b.put(0, 1);
    b.put_signed(lon, 28);
    b.put_signed(lat, 27);
    b.put(course(p), 12);
    b.put(heading(p), 9);
    b.put(u64::from(p.second.min(63)), 6);
    b.put(0, 2);
    b.put(0, 3);
    b.put(0, 1);
    b.put(0, 19);
    b.armour()
}

/// Type 18 (class B) payload.
pub fn class_b(p: &Position) -> (String, u8) {
    let mut b = Bits::default();
    let (lon, lat) = lonlat(p);
    b.put(18, 6);
    b.put(0, 2);
    b.put(u64::from(p.mmsi), 30);
    b.put(0, 8);
    b.put(speed(p), 10);
    b.put(0, 1);
    b.put_signed(lon, 28);
    b.put_signed(lat, 27);
    b.put(course(p), 12);
    b.put(heading(p), 9);
    b.put(u64::from(p.second.min(63)), 6);
    b.put(0, 2);
    b.put(1, 1); // CS unit
    b.put(0, 1);
    b.put(0, 1);
    b.put(1, 1); // band
    b.put(0, 1);
    b.put(0, 1);
    b.put(0, 1);
    b.put(0, 20);
    b.armour()
}

/// What a type 5 message says about a vessel.
#[derive(Clone, Debug)]
pub struct Static {
    pub mmsi: u32,
    pub imo: u32,
    pub callsign: String,
    pub name: String,
    pub ship_type: u8,
    pub length_m: u16,
    pub beam_m: u16,
    pub destination: String,
}

/// Type 5 payload (two sentences' worth).
pub fn static_voyage(s: &Static) -> (String, u8) {
    let mut b = Bits::default();
    b.put(5, 6);
    b.put(0, 2);
    b.put(u64::from(s.mmsi), 30);
    b.put(0, 2);
    b.put(u64::from(s.imo), 30);
    b.put_text(&s.callsign, 7);
    b.put_text(&s.name, 20);
    b.put(u64::from(s.ship_type), 8);
    let bow = u64::from(s.length_m / 2).min(511);
    let stern = u64::from(s.length_m - s.length_m / 2).min(511);
    let side = u64::from(s.beam_m / 2).min(63);
    b.put(bow, 9);
    b.put(stern, 9);
    b.put(side, 6);
    b.put(side, 6);
    b.put(1, 4);
    b.put(0, 4);
    b.put(0, 5);
    b.put(24, 5);
    b.put(60, 6);
    b.put(80, 8);
    b.put_text(&s.destination, 20);
    b.put(0, 1);
    b.put(0, 1);
    b.armour()
}

fn checksum(text: &str) -> u8 {
    text.bytes().fold(0, |acc, b| acc ^ b)
}

/// The `!AIVDM` sentences for a payload, each with a tag block naming the receiver and the
/// time (UNIX seconds), and a group tag when the message spans sentences.
pub fn sentences(
    payload: &str,
    fill: u8,
    receiver: &str,
    unix_s: i64,
    seq_id: u8,
    channel: char,
) -> Vec<String> {
    const CHUNK: usize = 60;
    let chunks: Vec<&str> = if payload.is_empty() {
        vec![""]
    } else {
        payload.as_bytes().chunks(CHUNK).map(|c| std::str::from_utf8(c).unwrap_or("")).collect()
    };
    let total = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let last = i + 1 == total;
            let seq = if total > 1 { format!("{}", seq_id % 10) } else { String::new() };
            let body = format!(
                "AIVDM,{total},{},{seq},{channel},{chunk},{}",
                i + 1,
                if last { fill } else { 0 }
            );
            let tag = if total > 1 {
                format!(
                    "g:{}-{total}-{},s:{receiver},c:{unix_s}",
                    i + 1,
                    u32::from(seq_id) * 7 + 1000
                )
            } else {
                format!("s:{receiver},c:{unix_s}")
            };
            format!("\\{tag}*{:02X}\\!{body}*{:02X}", checksum(&tag), checksum(&body))
        })
        .collect()
}
