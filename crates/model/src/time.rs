//! Time as UTC milliseconds since the Unix epoch, carried in the data and never read from a clock,
//! and the one UTC calendar every crate labels days and instants with (proleptic Gregorian,
//! Howard Hinnant's `days_from_civil` and `civil_from_days`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A UTC instant in milliseconds since 1970-01-01T00:00:00Z.
///
/// The core never asks the operating system what time it is; the edges stamp events with a
/// `Time` and everything downstream uses that stamp.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub i64);

impl Time {
    pub const MS_PER_SECOND: i64 = 1_000;
    pub const MS_PER_MINUTE: i64 = 60_000;
    pub const MS_PER_HOUR: i64 = 3_600_000;
    pub const MS_PER_DAY: i64 = 86_400_000;

    pub const fn from_millis(ms: i64) -> Time {
        Time(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Milliseconds from `earlier` to `self`, negative when `self` is earlier.
    pub const fn since(self, earlier: Time) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    pub const fn plus_millis(self, ms: i64) -> Time {
        Time(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// A day of the proleptic Gregorian calendar, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to the month's length.
    pub day: u32,
}

impl Date {
    /// The date, if `month` and `day` name a real day of `year`.
    pub fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        let real = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        real.then_some(Date { year, month, day })
    }

    /// The UTC day `time` falls on.
    pub fn of(time: Time) -> Date {
        civil_from_days(time.0.div_euclid(Time::MS_PER_DAY))
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// Midnight UTC at the start of the day.
    pub fn start(self) -> Time {
        Time(self.days_since_epoch().saturating_mul(Time::MS_PER_DAY))
    }

    /// Parses `YYYY-MM-DD`; `None` unless it is exactly that form and a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b.get(r.clone())
                .filter(|d| d.iter().all(u8::is_ascii_digit))
                .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::new(i64::from(digits(0..4)?), digits(5..7)?, digits(8..10)?)
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1 to 12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Date { year: yoe + era * 400 + i64::from(month <= 2), month, day }
}

impl Time {
    /// The UTC day as `YYYY-MM-DD`.
    pub fn utc_date(self) -> String {
        Date::of(self).to_string()
    }

    /// `YYYY-MM-DD HH:MMZ`, the form SITREPs use.
    pub fn utc_minute(self) -> String {
        let (h, m, _, _) = self.time_of_day();
        format!("{} {h:02}:{m:02}Z", Date::of(self))
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (ISO 8601 / RFC 3339 in UTC, as ATAK writes it).
    pub fn iso8601(self) -> String {
        let (h, m, s, ms) = self.time_of_day();
        format!("{}T{h:02}:{m:02}:{s:02}.{ms:03}Z", Date::of(self))
    }

    /// Hours, minutes, seconds and milliseconds since the UTC day began.
    pub fn time_of_day(self) -> (i64, i64, i64, i64) {
        let of_day = self.0.rem_euclid(Time::MS_PER_DAY);
        (
            of_day / Time::MS_PER_HOUR,
            of_day / Time::MS_PER_MINUTE % 60,
            of_day / Time::MS_PER_SECOND % 60,
            of_day % Time::MS_PER_SECOND,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(Time(0).iso8601(), "1970-01-01T00:00:00.000Z");
        assert_eq!(Time(-1).iso8601(), "1969-12-31T23:59:59.999Z");
        // 2024-02-29T12:34:56.789Z = 1709210096789 ms.
        assert_eq!(Time(1_709_210_096_789).iso8601(), "2024-02-29T12:34:56.789Z");
        assert_eq!(Time(1_709_210_040_000).utc_minute(), "2024-02-29 12:34Z");
        assert_eq!(Time(1_772_496_000_000).utc_date(), "2026-03-03");
        // Far from the epoch both ways: 2400-02-29 (a leap day of a year divisible by 400).
        assert_eq!(Date::new(2400, 2, 29).map(Date::start), Some(Time(13_574_563_200_000)));
        assert_eq!(Date::of(Time(-62_135_596_800_000)), Date { year: 1, month: 1, day: 1 });
    }

    #[test]
    fn every_day_from_1900_to_2400_round_trips_and_follows_the_one_before() {
        let mut previous = Date::of(Date::new(1899, 12, 31).map(Date::start).unwrap_or_default());
        let first = Date::new(1900, 1, 1).map(Date::days_since_epoch).unwrap_or_default();
        let last = Date::new(2400, 12, 31).map(Date::days_since_epoch).unwrap_or_default();
        // 501 years, and the leap days from 1904 to 2400 but for 2100, 2200 and 2300.
        assert_eq!(last - first + 1, 501 * 365 + 125 - 3, "the days of 1900-2400");
        for days in first..=last {
            let date = civil_from_days(days);
            assert_eq!(date.days_since_epoch(), days);
            assert_eq!(Date::parse(&date.to_string()), Some(date));
            let next_day = if previous.day < days_in_month(previous.year, previous.month) {
                Date { day: previous.day + 1, ..previous }
            } else if previous.month < 12 {
                Date { month: previous.month + 1, day: 1, ..previous }
            } else {
                Date { year: previous.year + 1, month: 1, day: 1 }
            };
            assert_eq!(date, next_day);
            previous = date;
        }
    }

    #[test]
    fn only_real_dates_parse() {
        assert_eq!(Date::parse("2028-02-29"), Date::new(2028, 2, 29));
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-01-00",
            "2026-1-01",
            "2026-01-1",
            "20260101",
            "2026-01-01T00",
            "+026-01-01",
            "2026-01-0x",
            "",
            "２０２６-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(is_leap_year(2000) && !is_leap_year(1900) && is_leap_year(2028));
    }
}
