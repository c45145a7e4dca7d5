//! Automatic reminders (督促) before the filing deadline (YEA-4): when the maintenance worker
//! mails everyone who has not submitted yet.
//!
//! The schedule: at [`REMINDER_HOUR`]:00 Japan time on each day [`REMINDER_DAYS_BEFORE`] days
//! before the last day of a window, and on the last day itself — only those days that fall
//! inside the window, and only while it is open. The window is the company's 提出期間, or for an
//! employee staff gave a later deadline of their own (個別の提出期限), the 提出期間 stretched to
//! that day ([`FilingPeriods::own_reminder_window`]). The deadline is the deadline: a last day
//! on a weekend or a holiday is reminded as any other day.
//!
//! [`due_reminder`] is pure and idempotent: given the last reminder day already sent it answers
//! the same reminder (or none) however often it is asked, so a worker may run it every minute.
//! A reminder missed (the worker was down, the period was set late) is sent once when noticed,
//! and only the latest one due: never a burst of old reminders.

use nencho_kernel::{Date, JAPAN_STANDARD_TIME, OffsetDateTime};

use crate::DateRange;
#[cfg(doc)]
use crate::FilingPeriods;

/// How many days before the filing period's last day a reminder goes out (besides the last day
/// itself), earliest first.
pub const REMINDER_DAYS_BEFORE: [u8; 3] = [7, 3, 1];

/// The hour (Japan time) from which a reminder day's reminder is due.
pub const REMINDER_HOUR: u8 = 9;

/// One day of the reminder schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReminderDay {
    /// The Japan date the reminder is scheduled for (what is remembered as sent).
    pub day: Date,
    /// Days from `day` to the deadline: 7, 3, 1, or 0 on the last day.
    pub days_before: u8,
}

impl ReminderDay {
    /// On the filing period's last day.
    pub const fn is_last_day(&self) -> bool {
        self.days_before == 0
    }
}

/// The reminder days of `window`, earliest first: those of the schedule that fall inside it (a
/// short window has fewer).
pub fn reminder_schedule(window: DateRange) -> Vec<ReminderDay> {
    let last_day = window.end;
    REMINDER_DAYS_BEFORE
        .iter()
        .copied()
        .chain(std::iter::once(0))
        .filter_map(|days_before| {
            let day = last_day.checked_sub(time::Duration::days(i64::from(days_before)))?;
            Some(ReminderDay { day, days_before })
        })
        .filter(|reminder| window.contains(reminder.day))
        .collect()
}

/// The reminder to send at `now`, if one is due: `window` is open today (Japan date), and the
/// latest reminder day of its schedule up to today is later than `last_sent` (the latest reminder
/// day already sent for this window: the company and year's, or the one declaration's) — on that
/// day itself only from [`REMINDER_HOUR`] on, and then nothing older either (a missed reminder is
/// never sent just before the next one). `None` outside the window, before the first reminder,
/// and once the latest due one was sent.
pub fn due_reminder(
    window: DateRange,
    last_sent: Option<Date>,
    now: OffsetDateTime,
) -> Option<ReminderDay> {
    let japan = now.to_offset(JAPAN_STANDARD_TIME);
    let today = japan.date();
    if !window.contains(today) {
        return None;
    }
    // The latest reminder day up to today; on that day itself, from the hour on. Before the hour
    // of a reminder day an older missed reminder is not sent either: today's comes at the hour.
    let latest = reminder_schedule(window)
        .into_iter()
        .filter(|reminder| reminder.day <= today)
        .max()?;
    if latest.day == today && japan.hour() < REMINDER_HOUR {
        return None;
    }
    match last_sent {
        Some(sent) if sent >= latest.day => None,
        _ => Some(latest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FilingPeriods;
    use nencho_kernel::{CompanyId, TaxYear};
    use time::macros::{date, datetime};

    /// Filing period `start`〜`end` inside an adjustment from 10/1 to 1/31.
    fn periods(start: Date, end: Date) -> FilingPeriods {
        FilingPeriods::new(
            CompanyId::from_uuid(Default::default()),
            TaxYear::new(2026).unwrap(),
            DateRange::new(date!(2026 - 10 - 01), date!(2027 - 01 - 31)).unwrap(),
            DateRange::new(start, end).unwrap(),
            None,
            false,
        )
        .unwrap()
    }

    /// 11/10〜11/30: reminders on 11/23, 11/27, 11/29 and 11/30.
    fn november() -> FilingPeriods {
        periods(date!(2026 - 11 - 10), date!(2026 - 11 - 30))
    }

    fn day(day: Date, days_before: u8) -> Option<ReminderDay> {
        Some(ReminderDay { day, days_before })
    }

    #[test]
    fn the_schedule_is_seven_three_and_one_days_before_and_the_last_day() {
        let days: Vec<_> = reminder_schedule(november().filing)
            .iter()
            .map(|reminder| (reminder.day, reminder.days_before))
            .collect();
        assert_eq!(
            days,
            [
                (date!(2026 - 11 - 23), 7),
                (date!(2026 - 11 - 27), 3),
                (date!(2026 - 11 - 29), 1),
                (date!(2026 - 11 - 30), 0),
            ]
        );
    }

    #[test]
    fn a_reminder_is_due_from_nine_in_japan_on_its_day() {
        let periods = november();
        // 11/23 08:59 JST = 11/22 23:59 UTC: not yet.
        assert_eq!(
            due_reminder(periods.filing, None, datetime!(2026-11-22 23:59 UTC)),
            None
        );
        // 11/23 09:00 JST.
        assert_eq!(
            due_reminder(periods.filing, None, datetime!(2026-11-23 00:00 UTC)),
            day(date!(2026 - 11 - 23), 7)
        );
        // Later that day, once sent: nothing more, however often asked.
        for at in [
            datetime!(2026-11-23 00:01 UTC),
            datetime!(2026-11-23 05:00 UTC),
            datetime!(2026-11-26 14:59 UTC),
        ] {
            assert_eq!(
                due_reminder(periods.filing, Some(date!(2026 - 11 - 23)), at),
                None
            );
        }
        // 11/27 09:00 JST: the next one.
        assert_eq!(
            due_reminder(
                periods.filing,
                Some(date!(2026 - 11 - 23)),
                datetime!(2026-11-27 00:00 UTC)
            ),
            day(date!(2026 - 11 - 27), 3)
        );
    }

    #[test]
    fn nothing_before_the_first_reminder_day() {
        assert_eq!(
            due_reminder(november().filing, None, datetime!(2026-11-20 03:00 UTC)),
            None
        );
    }

    #[test]
    fn a_last_day_on_a_weekend_or_holiday_is_reminded_anyway() {
        // 2026-11-23 (Mon) is 勤労感謝の日; 2026-11-29 is a Sunday.
        let on_holiday = periods(date!(2026 - 11 - 01), date!(2026 - 11 - 23));
        assert_eq!(
            due_reminder(
                on_holiday.filing,
                Some(date!(2026 - 11 - 22)),
                datetime!(2026-11-23 00:00 UTC)
            ),
            day(date!(2026 - 11 - 23), 0)
        );
        let on_sunday = periods(date!(2026 - 11 - 01), date!(2026 - 11 - 29));
        assert_eq!(
            due_reminder(on_sunday.filing, None, datetime!(2026-11-28 00:00 UTC)),
            day(date!(2026 - 11 - 28), 1)
        );
        assert_eq!(
            due_reminder(
                on_sunday.filing,
                Some(date!(2026 - 11 - 28)),
                datetime!(2026-11-29 00:00 UTC)
            ),
            day(date!(2026 - 11 - 29), 0)
        );
    }

    #[test]
    fn missed_reminders_are_not_sent_in_a_burst_only_the_latest_due() {
        let periods = november();
        // The worker first looks on 11/28 (the 7- and 3-day reminders passed unsent): only the
        // 3-day one goes, once.
        let at = datetime!(2026-11-28 02:00 UTC);
        assert_eq!(
            due_reminder(periods.filing, None, at),
            day(date!(2026 - 11 - 27), 3)
        );
        assert_eq!(
            due_reminder(periods.filing, Some(date!(2026 - 11 - 27)), at),
            None
        );
        // Unsent on 11/23, first looked at on 11/27 08:50: not the old one just before the new.
        assert_eq!(
            due_reminder(periods.filing, None, datetime!(2026-11-26 23:50 UTC)),
            None
        );
        assert_eq!(
            due_reminder(periods.filing, None, datetime!(2026-11-27 00:00 UTC)),
            day(date!(2026 - 11 - 27), 3)
        );
    }

    #[test]
    fn a_period_opened_late_has_only_the_reminders_inside_it() {
        // Filing from 11/28: the 7- and 3-day marks are before it.
        let late = periods(date!(2026 - 11 - 28), date!(2026 - 11 - 30));
        assert_eq!(
            reminder_schedule(late.filing)
                .iter()
                .map(|reminder| reminder.days_before)
                .collect::<Vec<_>>(),
            [1, 0]
        );
        assert_eq!(
            due_reminder(late.filing, None, datetime!(2026-11-28 03:00 UTC)),
            None
        );
        assert_eq!(
            due_reminder(late.filing, None, datetime!(2026-11-29 03:00 UTC)),
            day(date!(2026 - 11 - 29), 1)
        );
    }

    #[test]
    fn nothing_after_the_last_day_or_outside_the_period() {
        let periods = november();
        // 12/1 00:00 JST: the period is over, even though the last day's reminder was never sent.
        assert_eq!(
            due_reminder(periods.filing, None, datetime!(2026-11-30 15:00 UTC)),
            None
        );
        assert_eq!(
            due_reminder(
                periods.filing,
                Some(date!(2026 - 11 - 29)),
                datetime!(2026-12-05 03:00 UTC)
            ),
            None
        );
        // The last day, 23:59 JST, unsent: still due.
        assert_eq!(
            due_reminder(
                periods.filing,
                Some(date!(2026 - 11 - 29)),
                datetime!(2026-11-30 14:59 UTC)
            ),
            day(date!(2026 - 11 - 30), 0)
        );
    }

    #[test]
    fn a_deadline_moved_later_schedules_again_and_an_earlier_one_never_repeats() {
        // The 1-day reminder of 11/30 was sent on 11/29, then the deadline moved to 12/10.
        let moved = periods(date!(2026 - 11 - 10), date!(2026 - 12 - 10));
        assert_eq!(
            due_reminder(
                moved.filing,
                Some(date!(2026 - 11 - 29)),
                datetime!(2026-12-01 03:00 UTC)
            ),
            None
        );
        assert_eq!(
            due_reminder(
                moved.filing,
                Some(date!(2026 - 11 - 29)),
                datetime!(2026-12-03 03:00 UTC)
            ),
            day(date!(2026 - 12 - 03), 7)
        );
        // The 7-day reminder of 11/30 was sent on 11/23, then the deadline moved to 11/26: its
        // 7-day mark is 11/19, already passed, and nothing is due until 11/25.
        let earlier = periods(date!(2026 - 11 - 10), date!(2026 - 11 - 26));
        assert_eq!(
            due_reminder(
                earlier.filing,
                Some(date!(2026 - 11 - 23)),
                datetime!(2026-11-24 03:00 UTC)
            ),
            None
        );
        assert_eq!(
            due_reminder(
                earlier.filing,
                Some(date!(2026 - 11 - 23)),
                datetime!(2026-11-25 03:00 UTC)
            ),
            day(date!(2026 - 11 - 25), 1)
        );
    }
}
