//! CoT timestamps (`2024-05-01T12:00:00.123Z`) to and from Tansiq's UTC milliseconds.
//!
//! Written by hand rather than through a date crate: CoT uses one narrow profile of ISO 8601
//! and the codec must not read a clock or pull in a time zone database. The calendar is
//! `model::time`'s.

use model::{Date, Time};

use crate::error::CotError;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Fractions beyond milliseconds are
/// truncated; a missing zone is read as UTC, as TAK clients do.
pub fn parse_time(text: &str) -> Result<Time, CotError> {
    let bad = || CotError::Time(text.chars().take(40).collect());
    let b = text.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64, CotError> {
        let mut v = 0i64;
        for &c in &b[from..to] {
            if !c.is_ascii_digit() {
                return Err(bad());
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Ok(v)
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let date = Date::new(year, month as u32, day as u32).ok_or_else(bad)?;
    // 60 is a leap second; it is folded into the next minute rather than refused.
    if hour > 23 || minute > 59 || second > 60 {
        return Err(bad());
    }
    let mut rest = &b[19..];
    let mut millis = 0i64;
    if let Some((&b'.', frac)) = rest.split_first() {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        for (i, &c) in frac[..digits].iter().take(3).enumerate() {
            millis += i64::from(c - b'0') * [100, 10, 1][i];
        }
        rest = &frac[digits..];
    }
    let offset_minutes = match rest {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            let v = |i: usize| i64::from(digits[i] - b'0');
            let minutes = (v(0) * 10 + v(1)) * 60 + v(2) * 10 + v(3);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return Err(bad()),
    };
    let days = date.days_since_epoch();
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Ok(Time(seconds * 1_000 + millis))
}

/// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form ATAK writes.
pub fn format_time(time: Time) -> String {
    time.iso8601()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_tak_clients_send() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z").unwrap(), Time(0));
        assert_eq!(parse_time("2024-02-29T12:34:56.789Z").unwrap(), Time(1_709_210_096_789));
        assert_eq!(parse_time("2024-02-29T12:34:56.7891234Z").unwrap(), Time(1_709_210_096_789));
        assert_eq!(parse_time("2024-02-29T14:34:56.789+02:00").unwrap(), Time(1_709_210_096_789));
        assert_eq!(parse_time("2024-02-29T12:34:56.789").unwrap(), Time(1_709_210_096_789));
        assert_eq!(parse_time("1969-12-31T23:59:59.999Z").unwrap(), Time(-1));
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in [
            "",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00Q",
            "2024-01-01T00:00:00+0x:00",
            "yesterday at noon please",
            "2024-01-01T00:00:00Z trailing",
        ] {
            assert!(parse_time(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn formats_round_trip_through_the_parser() {
        for ms in [0, -1, 1_709_210_096_789, 253_402_300_799_999, -62_135_596_800_000] {
            let text = format_time(Time(ms));
            assert_eq!(parse_time(&text).unwrap(), Time(ms), "{text}");
        }
        assert_eq!(format_time(Time(1_709_210_096_789)), "2024-02-29T12:34:56.789Z");
    }
}
