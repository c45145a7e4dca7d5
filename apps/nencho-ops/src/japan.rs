//! Dates and times as operators in Japan read and type them: Japan Standard Time (UTC+9, no
//! daylight saving), whatever the server's time zone.

use nencho_kernel::{Date, OffsetDateTime};
use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{PrimitiveDateTime, Time, UtcOffset};

const JAPAN: UtcOffset = offset!(+9);

/// `2026-11-01` as a command-line value.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{text:?} is not a date like 2026-11-01"))
}

/// 00:00 JST on `date`.
pub fn start_of_day(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(JAPAN)
}

/// The JST calendar date of `at`, e.g. `2026-11-25`.
pub fn date_of(at: OffsetDateTime) -> String {
    let date = at.to_offset(JAPAN).date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `at` in RFC 3339 with the JST offset, to the second: `2026-11-25T18:00:05+09:00`.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(JAPAN);
    let to_second = at.replace_nanosecond(0).unwrap_or(at);
    to_second
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_day_starts_at_midnight_in_japan() {
        assert_eq!(
            start_of_day(date!(2026 - 11 - 01)),
            datetime!(2026-10-31 15:00 UTC)
        );
    }

    #[test]
    fn times_read_in_japan() {
        let at = datetime!(2026-11-25 15:30:05.25 UTC);
        assert_eq!(date_of(at), "2026-11-26");
        assert_eq!(timestamp(at), "2026-11-26T00:30:05+09:00");
    }

    #[test]
    fn only_iso_dates_parse() {
        assert_eq!(parse_date("2026-11-01"), Ok(date!(2026 - 11 - 01)));
        assert!(parse_date("2026/11/01").is_err());
        assert!(parse_date("2026-13-01").is_err());
    }
}
