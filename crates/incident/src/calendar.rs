//! UTC calendar arithmetic for labels (days, SITREP times), without reading any clock.

use model::Time;

/// `(year, month, day)` of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The UTC day of `time` as `YYYY-MM-DD`.
pub fn utc_date(time: Time) -> String {
    let (y, m, d) = civil_from_days(time.millis().div_euclid(Time::MS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `time` as `YYYY-MM-DD HH:MMZ`, the form SITREPs use.
pub fn utc_minute(time: Time) -> String {
    let ms_of_day = time.millis().rem_euclid(Time::MS_PER_DAY);
    let hours = ms_of_day / Time::MS_PER_HOUR;
    let minutes = (ms_of_day % Time::MS_PER_HOUR) / Time::MS_PER_MINUTE;
    format!("{} {hours:02}:{minutes:02}Z", utc_date(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(utc_date(Time(0)), "1970-01-01");
        // 2024-02-29T12:34:00Z = 1709210040 s.
        assert_eq!(utc_minute(Time(1_709_210_040_000)), "2024-02-29 12:34Z");
        assert_eq!(utc_date(Time(-1)), "1969-12-31");
    }
}
