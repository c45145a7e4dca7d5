use std::sync::Mutex;

use time::OffsetDateTime;

/// The only way the service learns the current time. Passing it in keeps the domain pure and
/// lets tests fix the time (no test sleeps or reads the wall clock).
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// Reads the operating system's wall clock. The single place where clippy's
/// `disallowed-methods` rule is allowed to be broken.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<OffsetDateTime>,
}

impl FixedClock {
    pub fn at(now: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    /// Moves the clock forward (or backward, with a negative duration).
    pub fn advance(&self, by: time::Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_clock_moves_only_when_advanced() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-11-25 09:00 UTC));
        clock.advance(time::Duration::minutes(30));
        assert_eq!(clock.now(), datetime!(2026-11-25 09:30 UTC));
    }
}

/// Japan Standard Time (UTC+9, no daylight saving): how every time is shown to users.
pub const JAPAN_STANDARD_TIME: time::UtcOffset = match time::UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => time::UtcOffset::UTC,
};

/// `2026年11月25日 18:05` in Japan time, the way Japanese users read a date and time.
pub fn format_japan_datetime(at: OffsetDateTime) -> String {
    let japan = at.to_offset(JAPAN_STANDARD_TIME);
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        japan.year(),
        u8::from(japan.month()),
        japan.day(),
        japan.hour(),
        japan.minute()
    )
}

#[cfg(test)]
mod japan_time_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_shown_in_japan_time() {
        assert_eq!(
            format_japan_datetime(datetime!(2026-11-25 09:05 UTC)),
            "2026年11月25日 18:05"
        );
        assert_eq!(
            format_japan_datetime(datetime!(2026-12-31 15:00 UTC)),
            "2027年1月1日 00:00"
        );
    }
}
