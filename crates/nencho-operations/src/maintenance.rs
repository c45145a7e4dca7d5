//! Maintenance (SVC-5, SVC-6): the regular window, and the rule for announcing other maintenance.
//!
//! **SVC-5, the regular window**: every weekday, 02:00–02:30 JST (start included, end
//! excluded). "Weekday" is read literally: Monday to Friday, **national holidays and 12/29–1/3
//! included** — the window is a technical slot (low traffic at night), not a business matter,
//! and keeping it on fixed weekdays makes it predictable for users and operators. It needs no
//! notice.
//!
//! **SVC-6, the notice rule**: maintenance that affects users must be announced at least
//! [`NOTICE_BUSINESS_DAYS`] (5) Japanese business days before it starts, emergencies excepted.
//! Precisely: between the announcement's JST date and the maintenance's JST start date, both
//! **excluded**, there must be at least 5 business days
//! ([`nencho_kernel::business_days_between`]). Announced on Monday 2026-11-30, the earliest
//! start is Tuesday 2026-12-08 (12/1, 2, 3, 4, 7 lie between). Both ends are excluded so that the
//! hour of the announcement and of the start never matter: users always get five whole
//! business days, which also satisfies the looser reading "announced by the 5th business day
//! before" (初日不算入) at the cost of at most one day.

use std::fmt;

use nencho_kernel::{
    JAPAN_STANDARD_TIME, NoticeId, OffsetDateTime, add_business_days, business_days_between,
};
use time::{Date, Time, Weekday};

fn weekday_ja(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "月",
        Weekday::Tuesday => "火",
        Weekday::Wednesday => "水",
        Weekday::Thursday => "木",
        Weekday::Friday => "金",
        Weekday::Saturday => "土",
        Weekday::Sunday => "日",
    }
}

/// `12月10日(木) 22:00` in JST: how a notice names its times on the sites and in its mails.
pub fn japan_time_ja(at: OffsetDateTime) -> String {
    let at = at.to_offset(JAPAN_STANDARD_TIME);
    format!(
        "{}月{}日({}) {:02}:{:02}",
        u8::from(at.month()),
        at.day(),
        weekday_ja(at.weekday()),
        at.hour(),
        at.minute()
    )
}

/// `Thu, December 10, 22:00` in JST.
pub fn japan_time_en(at: OffsetDateTime) -> String {
    let at = at.to_offset(JAPAN_STANDARD_TIME);
    let weekday = at.weekday().to_string();
    format!(
        "{}, {} {}, {:02}:{:02}",
        weekday.get(..3).unwrap_or(&weekday),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// SVC-6: the business days that must lie between an announcement and the maintenance.
pub const NOTICE_BUSINESS_DAYS: u32 = 5;

/// SVC-5: the regular window's start (JST, included).
pub const REGULAR_WINDOW_START: Time = time::macros::time!(02:00);
/// SVC-5: the regular window's end (JST, excluded).
pub const REGULAR_WINDOW_END: Time = time::macros::time!(02:30);

/// The longest title and body of a notice, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_BODY_CHARS: usize = 2000;

/// SVC-5: whether `now` is inside the regular maintenance window (Monday–Friday, holidays
/// included, 02:00 ≤ JST time < 02:30).
pub fn is_in_regular_window(now: OffsetDateTime) -> bool {
    let japan = now.to_offset(JAPAN_STANDARD_TIME);
    let weekday = !matches!(japan.weekday(), Weekday::Saturday | Weekday::Sunday);
    let time = japan.time();
    weekday && time >= REGULAR_WINDOW_START && time < REGULAR_WINDOW_END
}

/// SVC-6: the earliest JST date a planned maintenance announced at `announced_at` may start on:
/// the day after the 5th business day after the announcement's JST date.
pub fn earliest_planned_start(announced_at: OffsetDateTime) -> Date {
    let announced_on = announced_at.to_offset(JAPAN_STANDARD_TIME).date();
    let fifth = add_business_days(announced_on, NOTICE_BUSINESS_DAYS);
    fifth.next_day().unwrap_or(fifth)
}

/// A maintenance as the operator describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMaintenance {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub title: String,
    pub body: String,
    /// Whether users are affected (the service is unavailable or degraded). Only then does the
    /// notice rule apply; a notice is still shown either way.
    pub affects_users: bool,
}

/// Why a maintenance cannot be announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeError {
    /// The end is not after the start.
    EndNotAfterStart,
    /// The maintenance is already over at the announcement.
    AlreadyOver,
    /// The title is empty or longer than [`MAX_TITLE_CHARS`].
    BadTitle,
    /// The body is longer than [`MAX_BODY_CHARS`].
    BodyTooLong,
    /// SVC-6: fewer than 5 business days lie between the announcement and the start.
    TooSoon {
        /// The earliest start date (JST) the announcement would allow.
        earliest_start: Date,
        /// The business days that lie between the announcement and the requested start.
        business_days: u32,
    },
}

impl fmt::Display for NoticeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoticeError::EndNotAfterStart => f.write_str("the end must be after the start"),
            NoticeError::AlreadyOver => f.write_str("the maintenance would already be over"),
            NoticeError::BadTitle => {
                write!(f, "the title must be 1 to {MAX_TITLE_CHARS} characters")
            }
            NoticeError::BodyTooLong => {
                write!(f, "the body must be at most {MAX_BODY_CHARS} characters")
            }
            NoticeError::TooSoon {
                earliest_start,
                business_days,
            } => write!(
                f,
                "maintenance that affects users must be announced at least \
                 {NOTICE_BUSINESS_DAYS} business days before (SVC-6): only {business_days} \
                 business days lie between today and the start; the earliest start date is \
                 {earliest_start} (JST), or announce it as an emergency"
            ),
        }
    }
}

impl std::error::Error for NoticeError {}

/// A maintenance notice: announced, shown on every site until the maintenance ends, unless
/// cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceNotice {
    pub id: NoticeId,
    pub maintenance: PlannedMaintenance,
    /// Announced as an emergency: the notice rule was waived.
    pub emergency: bool,
    pub announced_at: OffsetDateTime,
    pub cancelled_at: Option<OffsetDateTime>,
}

impl MaintenanceNotice {
    /// Announces `maintenance` at `now`, checking the notice rule unless `emergency`.
    pub fn announce(
        id: NoticeId,
        maintenance: PlannedMaintenance,
        now: OffsetDateTime,
        emergency: bool,
    ) -> Result<Self, NoticeError> {
        check_announcement(&maintenance, now, emergency)?;
        Ok(Self {
            id,
            maintenance: PlannedMaintenance {
                title: maintenance.title.trim().to_owned(),
                body: maintenance.body.trim().to_owned(),
                ..maintenance
            },
            emergency,
            announced_at: now,
            cancelled_at: None,
        })
    }

    /// Shown at `now`: not cancelled and not yet over (upcoming or current).
    pub fn is_shown_at(&self, now: OffsetDateTime) -> bool {
        self.cancelled_at.is_none() && self.maintenance.end > now
    }

    /// Under way at `now`.
    pub fn is_current_at(&self, now: OffsetDateTime) -> bool {
        self.is_shown_at(now) && self.maintenance.start <= now
    }
}

/// Checks a maintenance announced at `now`: its shape, and SVC-6 for maintenance that affects
/// users unless `emergency`.
pub fn check_announcement(
    maintenance: &PlannedMaintenance,
    now: OffsetDateTime,
    emergency: bool,
) -> Result<(), NoticeError> {
    let title = maintenance.title.trim().chars().count();
    if title == 0 || title > MAX_TITLE_CHARS {
        return Err(NoticeError::BadTitle);
    }
    if maintenance.body.trim().chars().count() > MAX_BODY_CHARS {
        return Err(NoticeError::BodyTooLong);
    }
    if maintenance.end <= maintenance.start {
        return Err(NoticeError::EndNotAfterStart);
    }
    if maintenance.end <= now {
        return Err(NoticeError::AlreadyOver);
    }
    if maintenance.affects_users && !emergency {
        let announced_on = now.to_offset(JAPAN_STANDARD_TIME).date();
        let starts_on = maintenance.start.to_offset(JAPAN_STANDARD_TIME).date();
        let business_days = business_days_between(announced_on, starts_on);
        if business_days < NOTICE_BUSINESS_DAYS {
            return Err(NoticeError::TooSoon {
                earliest_start: earliest_planned_start(now),
                business_days,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::{date, datetime};

    fn maintenance(start: OffsetDateTime, end: OffsetDateTime) -> PlannedMaintenance {
        PlannedMaintenance {
            start,
            end,
            title: "サーバー更新".to_owned(),
            body: "サービスを停止します。".to_owned(),
            affects_users: true,
        }
    }

    fn starting(start: OffsetDateTime) -> PlannedMaintenance {
        maintenance(start, start + Duration::hours(3))
    }

    #[test]
    fn the_regular_window_is_weekdays_0200_to_0230_jst() {
        // Thursday 2026-11-26.
        assert!(!is_in_regular_window(datetime!(2026-11-26 01:59:59 +09:00)));
        assert!(is_in_regular_window(datetime!(2026-11-26 02:00 +09:00)));
        assert!(is_in_regular_window(datetime!(2026-11-26 02:29:59 +09:00)));
        assert!(!is_in_regular_window(datetime!(2026-11-26 02:30 +09:00)));
        // The same instant in UTC (17:10 the day before).
        assert!(is_in_regular_window(datetime!(2026-11-25 17:10 UTC)));
        // Saturday and Sunday: no window.
        assert!(!is_in_regular_window(datetime!(2026-11-28 02:10 +09:00)));
        assert!(!is_in_regular_window(datetime!(2026-11-29 02:10 +09:00)));
        // A holiday on a weekday (勤労感謝の日, Monday) and the year-end closure: window.
        assert!(is_in_regular_window(datetime!(2026-11-23 02:10 +09:00)));
        assert!(is_in_regular_window(datetime!(2026-12-30 02:10 +09:00)));
    }

    #[test]
    fn five_whole_business_days_must_lie_between_announcement_and_start() {
        // Announced Monday 2026-11-30 (any hour): 12/1, 2, 3, 4, 7 → earliest Tuesday 12/8.
        let now = datetime!(2026-11-30 23:59 +09:00);
        assert_eq!(earliest_planned_start(now), date!(2026 - 12 - 08));
        assert!(
            check_announcement(&starting(datetime!(2026-12-08 00:00 +09:00)), now, false).is_ok()
        );
        assert_eq!(
            check_announcement(&starting(datetime!(2026-12-07 22:00 +09:00)), now, false),
            Err(NoticeError::TooSoon {
                earliest_start: date!(2026 - 12 - 08),
                business_days: 4
            })
        );
        // The announcement's JST date counts, not its UTC date: 2026-11-30 15:30 UTC is
        // Tuesday 12/1 00:30 JST.
        let tuesday = datetime!(2026-11-30 15:30 UTC);
        assert_eq!(earliest_planned_start(tuesday), date!(2026 - 12 - 09));
        assert!(
            check_announcement(
                &starting(datetime!(2026-12-08 10:00 +09:00)),
                tuesday,
                false
            )
            .is_err()
        );
    }

    #[test]
    fn weekends_do_not_count() {
        // Announced Friday 12/4: 12/7, 8, 9, 10, 11 → earliest Saturday 12/12.
        assert_eq!(
            earliest_planned_start(datetime!(2026-12-04 10:00 +09:00)),
            date!(2026 - 12 - 12)
        );
        // Announced Saturday 12/5 or Sunday 12/6: the same five days → Saturday 12/12 too.
        assert_eq!(
            earliest_planned_start(datetime!(2026-12-05 10:00 +09:00)),
            date!(2026 - 12 - 12)
        );
        assert_eq!(
            earliest_planned_start(datetime!(2026-12-06 10:00 +09:00)),
            date!(2026 - 12 - 12)
        );
    }

    #[test]
    fn holidays_and_the_year_end_closure_do_not_count() {
        // Announced Wednesday 2026-11-18: 11/19, 20, (21, 22 weekend, 23 勤労感謝の日), 24, 25,
        // 26 → earliest Friday 11/27.
        assert_eq!(
            earliest_planned_start(datetime!(2026-11-18 09:00 +09:00)),
            date!(2026 - 11 - 27)
        );
        // Announced Tuesday 2026-12-22: 12/23, 24, 25, 28, (12/29–1/3 closed), 1/4 → earliest
        // Tuesday 2027-01-05.
        let now = datetime!(2026-12-22 09:00 +09:00);
        assert_eq!(earliest_planned_start(now), date!(2027 - 01 - 05));
        assert!(
            check_announcement(&starting(datetime!(2027-01-04 22:00 +09:00)), now, false).is_err()
        );
        assert!(
            check_announcement(&starting(datetime!(2027-01-05 01:00 +09:00)), now, false).is_ok()
        );
        // Golden week 2026: announced Thursday 4/30: 5/1, 7, 8, 11, 12 → earliest 5/13.
        assert_eq!(
            earliest_planned_start(datetime!(2026-04-30 09:00 +09:00)),
            date!(2026 - 05 - 13)
        );
    }

    #[test]
    fn emergencies_and_maintenance_without_user_impact_need_no_notice() {
        let now = datetime!(2026-11-30 10:00 +09:00);
        let tonight = starting(datetime!(2026-11-30 22:00 +09:00));
        assert!(check_announcement(&tonight, now, false).is_err());
        assert!(check_announcement(&tonight, now, true).is_ok());
        let harmless = PlannedMaintenance {
            affects_users: false,
            ..tonight.clone()
        };
        assert!(check_announcement(&harmless, now, false).is_ok());
        // An emergency already under way can be announced; one already over cannot.
        let under_way = maintenance(
            datetime!(2026-11-30 09:00 +09:00),
            datetime!(2026-11-30 11:00 +09:00),
        );
        assert!(check_announcement(&under_way, now, true).is_ok());
        let over = maintenance(
            datetime!(2026-11-30 08:00 +09:00),
            datetime!(2026-11-30 09:00 +09:00),
        );
        assert_eq!(
            check_announcement(&over, now, true),
            Err(NoticeError::AlreadyOver)
        );
    }

    #[test]
    fn malformed_announcements_are_refused() {
        let now = datetime!(2026-11-30 10:00 +09:00);
        let start = datetime!(2026-12-20 22:00 +09:00);
        assert_eq!(
            check_announcement(&maintenance(start, start), now, false),
            Err(NoticeError::EndNotAfterStart)
        );
        let untitled = PlannedMaintenance {
            title: "  ".to_owned(),
            ..starting(start)
        };
        assert_eq!(
            check_announcement(&untitled, now, false),
            Err(NoticeError::BadTitle)
        );
        let long = PlannedMaintenance {
            body: "あ".repeat(MAX_BODY_CHARS + 1),
            ..starting(start)
        };
        assert_eq!(
            check_announcement(&long, now, false),
            Err(NoticeError::BodyTooLong)
        );
    }

    #[test]
    fn a_notice_is_shown_until_the_maintenance_ends_unless_cancelled() {
        let now = datetime!(2026-11-30 10:00 +09:00);
        let clock = nencho_kernel::FixedClock::at(now);
        let mut notice = MaintenanceNotice::announce(
            NoticeId::generate(&clock),
            starting(datetime!(2026-12-10 22:00 +09:00)),
            now,
            false,
        )
        .unwrap();
        assert!(notice.is_shown_at(now));
        assert!(!notice.is_current_at(now));
        assert!(notice.is_current_at(datetime!(2026-12-10 23:00 +09:00)));
        assert!(!notice.is_shown_at(datetime!(2026-12-11 01:00 +09:00)));
        notice.cancelled_at = Some(now);
        assert!(!notice.is_shown_at(now));
    }
}
