//! 提出状況のお知らせ: the morning mail that tells reviewers (承認者, 担当者, 管理者) that
//! declarations were submitted since the last one, so nobody has to watch the dashboard.
//!
//! The schedule: once a Japanese business day (no weekends, holidays or 12/29–1/3: submissions
//! of those days come in the next business day's mail), from [`REVIEW_DIGEST_HOUR`]:00 Japan
//! time. [`due_review_digest`] is pure and idempotent like the reminders': given the last day
//! already sent it answers the same day (or none) however often it is asked, and a missed day
//! is never sent twice — the next one covers everything since the last sent.

use nencho_kernel::{Date, JAPAN_STANDARD_TIME, OffsetDateTime, is_business_day};

/// The hour (Japan time) from which a business day's digest is due: the start of the working
/// day, after the overnight submissions.
pub const REVIEW_DIGEST_HOUR: u8 = 8;

/// The digest day to send at `now`, if one is due: today (Japan date) when it is a business
/// day, it is [`REVIEW_DIGEST_HOUR`] or later, and `last_sent` (the latest digest day already
/// sent for the contract) is before today. `None` otherwise.
pub fn due_review_digest(last_sent: Option<Date>, now: OffsetDateTime) -> Option<Date> {
    let japan = now.to_offset(JAPAN_STANDARD_TIME);
    let today = japan.date();
    if !is_business_day(today) || japan.hour() < REVIEW_DIGEST_HOUR {
        return None;
    }
    match last_sent {
        Some(sent) if sent >= today => None,
        _ => Some(today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_business_day_s_digest_is_due_from_eight_in_japan() {
        // 2026-11-26 (Thu) 07:59 JST = 11-25 22:59 UTC.
        assert_eq!(
            due_review_digest(None, datetime!(2026-11-25 22:59 UTC)),
            None
        );
        assert_eq!(
            due_review_digest(None, datetime!(2026-11-25 23:00 UTC)),
            Some(date!(2026 - 11 - 26))
        );
        assert_eq!(
            due_review_digest(Some(date!(2026 - 11 - 25)), datetime!(2026-11-26 08:00 UTC)),
            Some(date!(2026 - 11 - 26)),
            "yesterday's was sent: today's is due"
        );
    }

    #[test]
    fn a_day_is_sent_once() {
        assert_eq!(
            due_review_digest(Some(date!(2026 - 11 - 26)), datetime!(2026-11-26 08:00 UTC)),
            None
        );
    }

    #[test]
    fn weekends_holidays_and_the_year_end_closure_have_none() {
        // 2026-11-28 is a Saturday, 11-29 a Sunday.
        assert_eq!(
            due_review_digest(None, datetime!(2026-11-28 03:00 UTC)),
            None
        );
        assert_eq!(
            due_review_digest(None, datetime!(2026-11-29 03:00 UTC)),
            None
        );
        // 2026-11-23 (Mon) is 勤労感謝の日.
        assert_eq!(
            due_review_digest(None, datetime!(2026-11-23 03:00 UTC)),
            None
        );
        // 2026-12-29 (Tue) and 2027-01-04 (Mon): the closure, then the first business day.
        assert_eq!(
            due_review_digest(None, datetime!(2026-12-29 03:00 UTC)),
            None
        );
        assert_eq!(
            due_review_digest(Some(date!(2026 - 12 - 28)), datetime!(2027-01-04 03:00 UTC)),
            Some(date!(2027 - 01 - 04))
        );
    }

    proptest! {
        /// Asking again after sending what was answered never answers again the same day.
        #[test]
        fn idempotent(minutes in 0i64..(366 * 24 * 60), later in 0i64..(24 * 60)) {
            let now = datetime!(2026-01-01 00:00 UTC) + time::Duration::minutes(minutes);
            if let Some(day) = due_review_digest(None, now) {
                let again = now + time::Duration::minutes(later);
                if again.to_offset(JAPAN_STANDARD_TIME).date() == day {
                    prop_assert_eq!(due_review_digest(Some(day), again), None);
                }
                prop_assert!(is_business_day(day));
            }
        }
    }
}
