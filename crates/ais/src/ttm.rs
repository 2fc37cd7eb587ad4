//! `$xxTTM` (tracked target message, NMEA 0183): what a radar's ARPA tracker says about one
//! target, as range and bearing from the radar. It shares the sentence layer with AIS (tag
//! blocks, checksum), so it lives beside the AIS codec rather than in a crate of its own.
//!
//! Fields: `$RATTM,nn,dist,brg,T|R,spd,crs,T|R,cpa,tcpa,K|N|S,name,L|Q|T,R,hhmmss.ss,A|M|R*hh`;
//! the last two came with NMEA 3.0 and are often absent. A coastal radar is north-up, so a
//! relative bearing or course cannot be placed without a heading the sentence does not carry:
//! those are refused rather than guessed.

use crate::nmea::{TagBlock, parse_tag_block};
use crate::scan::xor_all;

/// Metres in a nautical mile, kilometre and statute mile.
const NM: f64 = 1_852.0;
const KM: f64 = 1_000.0;
const SM: f64 = 1_609.344;
/// Mean Earth radius (IUGG), metres.
const EARTH_R: f64 = 6_371_008.8;

/// Why a line is not a usable TTM sentence. Every variant is counted by reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TtmError {
    /// Not a TTM sentence (other NMEA, comments, junk).
    #[error("not a ttm sentence")]
    NotTtm,
    #[error("missing nmea checksum")]
    MissingChecksum,
    #[error("invalid nmea checksum: got 0x{got:02x}, want 0x{want:02x}")]
    BadChecksum { got: u8, want: u8 },
    #[error("malformed tag block")]
    BadTagBlock,
    #[error("ttm sentence has {0} fields, want 13 to 15")]
    FieldCount(usize),
    /// A field that must be present and numeric is not.
    #[error("invalid ttm field {field}: {value:?}")]
    BadField { field: &'static str, value: String },
    /// Relative bearing or course: needs the radar's heading.
    #[error("ttm {field} is relative to the radar's heading, which is unknown")]
    Relative { field: &'static str },
}

/// The ARPA tracker's state of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetStatus {
    /// `L`: the tracker lost it; the last values are stale.
    Lost,
    /// `Q`: being acquired, not yet a stable track.
    Acquiring,
    /// `T`: tracked.
    Tracking,
}

/// One tracked target, in SI units, bearings true.
#[derive(Clone, Debug, PartialEq)]
pub struct Ttm<'a> {
    pub tag_block: Option<TagBlock<'a>>,
    /// Two-character talker (`RA` for radar, sometimes others).
    pub talker: [u8; 2],
    /// The tracker's target number (0–999 in practice).
    pub number: u32,
    pub range_m: f64,
    pub bearing_deg: f64,
    pub speed_mps: Option<f64>,
    pub course_deg: Option<f64>,
    pub cpa_m: Option<f64>,
    pub tcpa_min: Option<f64>,
    pub name: &'a str,
    pub status: Option<TargetStatus>,
    /// `hhmmss.ss` of the data, in milliseconds since midnight UTC, when given.
    pub utc_ms_of_day: Option<i64>,
    /// `true` for a reference target (`R`), used by the tracker to estimate set and drift.
    pub reference: bool,
}

impl Ttm<'_> {
    /// The target's position from the radar's (lon, lat), on a sphere.
    pub fn position(&self, site: [f64; 2]) -> [f64; 2] {
        destination(site, self.bearing_deg, self.range_m)
    }
}

/// The point `distance_m` from `from` along the initial bearing `bearing_deg` (great circle).
pub fn destination(from: [f64; 2], bearing_deg: f64, distance_m: f64) -> [f64; 2] {
    let (lon1, lat1) = (from[0].to_radians(), from[1].to_radians());
    let (brg, d) = (bearing_deg.to_radians(), distance_m / EARTH_R);
    let lat2 = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * brg.cos()).asin();
    let lon2 = lon1 + (brg.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat2.sin());
    let lon2 = (lon2.to_degrees() + 540.0) % 360.0 - 180.0;
    [lon2, lat2.to_degrees()]
}

/// Parses one line: an optional `\…*hh\` tag block, then `$xxTTM,…*hh`, trailing whitespace
/// ignored.
pub fn parse_ttm(line: &[u8]) -> Result<Ttm<'_>, TtmError> {
    let line = line.trim_ascii();
    let (tag_block, sentence) = match line {
        [b'\\', rest @ ..] => {
            let end = rest.iter().position(|&c| c == b'\\').ok_or(TtmError::BadTagBlock)?;
            let tb = parse_tag_block(&rest[..end]).map_err(|_| TtmError::BadTagBlock)?;
            (Some(tb), &rest[end + 1..])
        }
        _ => (None, line),
    };
    let [b'$', t1, t2, b'T', b'T', b'M', b',', ..] = sentence else {
        return Err(TtmError::NotTtm);
    };
    let talker = [*t1, *t2];
    let star = sentence.iter().rposition(|&c| c == b'*').ok_or(TtmError::MissingChecksum)?;
    let body = &sentence[1..star];
    let want = hex2(&sentence[star + 1..]).ok_or(TtmError::MissingChecksum)?;
    let got = xor_all(body);
    if got != want {
        return Err(TtmError::BadChecksum { got, want });
    }
    let text = std::str::from_utf8(body).map_err(|_| TtmError::BadField {
        field: "sentence",
        value: String::from_utf8_lossy(body).into_owned(),
    })?;
    let f: Vec<&str> = text.split(',').collect();
    // f[0] is `xxTTM`; 13 data fields before NMEA 3.0, 15 after (some senders give 14).
    if !(14..=16).contains(&f.len()) {
        return Err(TtmError::FieldCount(f.len() - 1));
    }
    let unit = match f[10] {
        "N" | "" => NM,
        "K" => KM,
        "S" => SM,
        other => return Err(bad("units", other)),
    };
    if f[4] == "R" {
        return Err(TtmError::Relative { field: "bearing" });
    }
    if f[7] == "R" && !f[6].is_empty() {
        return Err(TtmError::Relative { field: "course" });
    }
    let number = f[1].parse::<u32>().map_err(|_| bad("target number", f[1]))?;
    let range_m = required(f[2], "distance")? * unit;
    let bearing_deg = required(f[3], "bearing")?;
    if range_m < 0.0 || !(0.0..=360.0).contains(&bearing_deg) {
        return Err(bad("distance or bearing", &format!("{},{}", f[2], f[3])));
    }
    let speed_mps = optional(f[5], "speed")?.map(|s| s * unit / 3_600.0);
    let course_deg = optional(f[6], "course")?.map(|c| c.rem_euclid(360.0));
    let cpa_m = optional(f[8], "cpa")?.map(|c| c * unit);
    // `-` or a negative value is the common way of saying the range is opening.
    let tcpa_min = if f[9] == "-" { None } else { optional(f[9], "tcpa")? };
    let status = match f[12] {
        "L" => Some(TargetStatus::Lost),
        "Q" => Some(TargetStatus::Acquiring),
        "T" => Some(TargetStatus::Tracking),
        "" => None,
        other => return Err(bad("status", other)),
    };
    let reference = f[13] == "R";
    let utc_ms_of_day = match f.get(14) {
        Some(t) if !t.is_empty() => Some(utc_of_day(t).ok_or_else(|| bad("utc", t))?),
        _ => None,
    };
    Ok(Ttm {
        tag_block,
        talker,
        number,
        range_m,
        bearing_deg: bearing_deg % 360.0,
        speed_mps,
        course_deg,
        cpa_m,
        tcpa_min,
        name: f[11],
        status,
        utc_ms_of_day,
        reference,
    })
}

fn bad(field: &'static str, value: &str) -> TtmError {
    TtmError::BadField { field, value: value.to_string() }
}

fn optional(s: &str, field: &'static str) -> Result<Option<f64>, TtmError> {
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(bad(field, s)),
    }
}

fn required(s: &str, field: &'static str) -> Result<f64, TtmError> {
    optional(s, field)?.ok_or_else(|| bad(field, s))
}

/// `hhmmss` or `hhmmss.ss` → milliseconds since midnight.
fn utc_of_day(s: &str) -> Option<i64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.len() != 6 || !whole.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| whole[r].parse::<i64>().ok();
    let (h, m, sec) = (n(0..2)?, n(2..4)?, n(4..6)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let ms = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().chain("000".chars()).take(3).collect();
        digits.parse::<i64>().ok()?
    };
    Some(((h * 60 + m) * 60 + sec) * 1_000 + ms)
}

fn hex2(s: &[u8]) -> Option<u8> {
    let v = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    match s {
        [a, b, ..] => Some(v(*a)? << 4 | v(*b)?),
        _ => None,
    }
}

/// The time of a target: the tag block's `c:` when given, else its `hhmmss` on the UTC day of
/// `received_ms` (the day before when that would be more than an hour in the future), else
/// `received_ms`.
pub fn target_time(ttm: &Ttm<'_>, received_ms: i64) -> i64 {
    if let Some(t) = ttm.tag_block.and_then(|tb| tb.time) {
        return t.unix_ms;
    }
    let Some(of_day) = ttm.utc_ms_of_day else { return received_ms };
    const DAY: i64 = 86_400_000;
    let midnight = received_ms.div_euclid(DAY) * DAY;
    let t = midnight + of_day;
    if t > received_ms + 3_600_000 { t - DAY } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_checksum(body: &str) -> String {
        format!("${body}*{:02X}", xor_all(body.as_bytes()))
    }

    #[test]
    fn a_tracked_target_in_nautical_miles() {
        let line =
            with_checksum("RATTM,07,3.50,045.0,T,12.0,090.0,T,0.8,15.2,N,FISHER,T,,101530.00,A");
        let t = parse_ttm(line.as_bytes()).unwrap();
        assert_eq!(t.talker, *b"RA");
        assert_eq!(t.number, 7);
        assert!((t.range_m - 6_482.0).abs() < 1e-9);
        assert_eq!(t.bearing_deg, 45.0);
        assert!((t.speed_mps.unwrap() - 12.0 * 1_852.0 / 3_600.0).abs() < 1e-12);
        assert_eq!(t.course_deg, Some(90.0));
        assert_eq!(t.name, "FISHER");
        assert_eq!(t.status, Some(TargetStatus::Tracking));
        assert_eq!(t.utc_ms_of_day, Some((10 * 3600 + 15 * 60 + 30) * 1000));
        assert!(!t.reference);
    }

    #[test]
    fn the_old_thirteen_field_form_and_kilometres() {
        let line = with_checksum("RATTM,11,10.0,180.0,T,20.0,000.0,T,,,K,,Q,R");
        let t = parse_ttm(line.as_bytes()).unwrap();
        assert_eq!(t.range_m, 10_000.0);
        assert!((t.speed_mps.unwrap() - 20.0 / 3.6).abs() < 1e-12);
        assert_eq!(t.status, Some(TargetStatus::Acquiring));
        assert!(t.reference);
        assert_eq!(t.utc_ms_of_day, None);
        assert_eq!(t.cpa_m, None);
    }

    #[test]
    fn position_is_range_and_bearing_from_the_site() {
        // 10 km due north of a site at 32.9 N is 10 km / 111.195 km per degree further north.
        let line = with_checksum("RATTM,01,10.0,000.0,T,0.0,0.0,T,,,K,,T,,,A");
        let t = parse_ttm(line.as_bytes()).unwrap();
        let p = t.position([12.0, 32.9]);
        assert!((p[0] - 12.0).abs() < 1e-9);
        assert!((p[1] - (32.9 + 10_000.0 / EARTH_R * 180.0 / std::f64::consts::PI)).abs() < 1e-9);
        // Due east, the longitude grows by more than the latitude would (cos 32.9°).
        let east = destination([12.0, 32.9], 90.0, 10_000.0);
        assert!(east[0] > 12.1 && east[0] < 12.11, "{east:?}");
    }

    #[test]
    fn tag_block_time_wins_then_utc_of_day_then_receipt() {
        let body = "c:1700000000000";
        let tb = format!("\\{body}*{:02X}\\", xor_all(body.as_bytes()));
        let line = format!("{tb}{}", with_checksum("RATTM,01,1.0,010.0,T,,,T,,,N,,T,,235959.50,A"));
        let t = parse_ttm(line.as_bytes()).unwrap();
        assert_eq!(target_time(&t, 5), 1_700_000_000_000);
        let line = with_checksum("RATTM,01,1.0,010.0,T,,,T,,,N,,T,,235959.50,A");
        let t = parse_ttm(line.as_bytes()).unwrap();
        // Received just after midnight: the data is from the day before.
        let received = 1_700_006_400_000 + 2_000; // 2023-11-15 00:00:02 UTC
        assert_eq!(received % 86_400_000, 2_000);
        assert_eq!(target_time(&t, received), received - 2_000 - 500);
        let line = with_checksum("RATTM,01,1.0,010.0,T,,,T,,,N,,T,,,A");
        let t = parse_ttm(line.as_bytes()).unwrap();
        assert_eq!(target_time(&t, received), received);
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert_eq!(
            parse_ttm(b"!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26"),
            Err(TtmError::NotTtm)
        );
        assert_eq!(parse_ttm(b""), Err(TtmError::NotTtm));
        assert_eq!(parse_ttm(b"$RATTM,01,1.0"), Err(TtmError::MissingChecksum));
        let good = with_checksum("RATTM,01,1.0,010.0,T,,,T,,,N,,T,,,A");
        let mut broken = good.clone().into_bytes();
        broken[8] = b'9';
        assert!(matches!(parse_ttm(&broken), Err(TtmError::BadChecksum { .. })));
        for (body, what) in [
            ("RATTM,01,1.0,010.0,R,,,T,,,N,,T,,,A", "relative bearing"),
            ("RATTM,01,1.0,010.0,T,5,090,R,,,N,,T,,,A", "relative course"),
            ("RATTM,xx,1.0,010.0,T,,,T,,,N,,T,,,A", "target number"),
            ("RATTM,01,,010.0,T,,,T,,,N,,T,,,A", "no distance"),
            ("RATTM,01,1.0,400.0,T,,,T,,,N,,T,,,A", "bearing out of range"),
            ("RATTM,01,-1.0,010.0,T,,,T,,,N,,T,,,A", "negative distance"),
            ("RATTM,01,NaN,010.0,T,,,T,,,N,,T,,,A", "nan"),
            ("RATTM,01,1.0,010.0,T,,,T,,,X,,T,,,A", "units"),
            ("RATTM,01,1.0,010.0,T,,,T,,,N,,Z,,,A", "status"),
            ("RATTM,01,1.0,010.0,T,,,T,,,N,,T,,256199,A", "utc"),
            ("RATTM,01,1.0", "field count"),
        ] {
            let line = with_checksum(body);
            assert!(parse_ttm(line.as_bytes()).is_err(), "{what}: {line}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..120)) {
            let mut line = b"$RATTM,".to_vec();
            line.extend_from_slice(&bytes);
            let _ = parse_ttm(&line);
            let _ = parse_ttm(&bytes);
        }
    }
}
