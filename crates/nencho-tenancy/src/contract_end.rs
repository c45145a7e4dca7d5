//! The contract's end (SVC-2, SVC-3, SVC-8): notice, end, purge.
//!
//! A contract moves `active → ending → ended → purged`:
//!
//! - **notice** (`active → ending`): the operator gives notice with the contract's **last day**
//!   (`ends_on`), which must be at least [`NOTICE_MONTHS`] calendar months after the day the
//!   notice is given (both JST dates). Users are told by e-mail and on every page (SVC-2).
//!   Notice may be withdrawn (`ending → active`) until the contract has ended.
//! - **end** (`ending → ended`): once the JST date is past `ends_on` (from 00:00 JST the next
//!   day), the worker ends the contract: no sign-in, no export (SVC-3).
//! - **purge** (`ended → purged`): from [`purge_date`] (`ends_on` + [`PURGE_DAYS_AFTER_END`]
//!   days) the worker deletes every row of the tenant (SVC-8). The tenant row stays as a
//!   tombstone: slug, contract name, contact, dates — the operator's own record of the
//!   contract, not data the customer registered — so the site name is never handed to another
//!   customer by accident (old bookmarks and mails keep pointing at it).
//!
//! "The end date is the last day" keeps the notice at least three full months: notice given on
//! 11-26 at 15:00 with `ends_on` 02-26 ends the service at 02-27 00:00 JST.

use nencho_kernel::{Date, JAPAN_STANDARD_TIME, Month, OffsetDateTime};

use crate::{ContractStatus, Tenant};

/// SVC-2: the end is announced at least this many calendar months before.
pub const NOTICE_MONTHS: u8 = 3;

/// SVC-8: every registered datum of an ended contract is gone, backups included, within this
/// many days of the end.
pub const DELETION_DEADLINE_DAYS: i64 = 65;

/// BAK-2: a backup is kept at most this many days.
pub const BACKUP_RETENTION_DAYS: i64 = 35;

/// How many days after the contract's last day its data is purged: **30**. A purged row
/// survives in backups for up to [`BACKUP_RETENTION_DAYS`] (35, BAK-2) more days, so purging no
/// later than 30 days after the end is what makes the data gone from backups too by day
/// [`DELETION_DEADLINE_DAYS`] (65, SVC-8): 30 + 35 = 65. The worker purges hourly from 00:00 JST
/// of the purge date, and the contract ended at 00:00 JST the day after its last day, which
/// leaves just under a day of margin.
pub const PURGE_DAYS_AFTER_END: i64 = DELETION_DEADLINE_DAYS - BACKUP_RETENTION_DAYS;

/// Why a change of the contract's end was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ContractEndError {
    /// SVC-2: the end date is less than three months away.
    #[error(
        "the contract may end on {earliest} at the earliest (notice of at least {NOTICE_MONTHS} months)"
    )]
    TooSoon { earliest: Date },
    /// Notice is given to an active contract only.
    #[error("notice can only be given to an active contract (this one is {0})")]
    NotActive(&'static str),
    /// Only an ending contract's notice can be withdrawn.
    #[error("only an ending contract's notice can be withdrawn (this one is {0})")]
    NotEnding(&'static str),
}

/// The calendar date in Japan at `at`.
pub fn japan_date(at: OffsetDateTime) -> Date {
    at.to_offset(JAPAN_STANDARD_TIME).date()
}

/// `date` plus `months` calendar months, clamped to the last day of a shorter month
/// (11-30 + 3 months = 02-28, or 02-29 in a leap year).
pub fn add_months_clamped(date: Date, months: u8) -> Date {
    let zero_based = i32::from(u8::from(date.month())) - 1 + i32::from(months);
    let year = date.year() + zero_based.div_euclid(12);
    let month_number = u8::try_from(zero_based.rem_euclid(12) + 1).unwrap_or(12);
    let month = Month::try_from(month_number).unwrap_or(Month::December);
    let last_day = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last_day)).unwrap_or(date)
}

/// `date` moved by `days` (negative: back), saturating at the ends of the calendar.
fn add_days(date: Date, days: i64) -> Date {
    let julian = i64::from(date.to_julian_day()) + days;
    i32::try_from(julian)
        .ok()
        .and_then(|julian| Date::from_julian_day(julian).ok())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The earliest last day a contract may have when notice is given on `notice_on` (SVC-2).
pub fn earliest_end_date(notice_on: Date) -> Date {
    add_months_clamped(notice_on, NOTICE_MONTHS)
}

/// The JST date from which a contract whose last day is `ends_on` is purged (SVC-8).
pub fn purge_date(ends_on: Date) -> Date {
    add_days(ends_on, PURGE_DAYS_AFTER_END)
}

/// Contracts whose last day is on or before this date have ended at `now` (the day after the
/// last day, JST).
pub fn last_day_of_ended_contracts(now: OffsetDateTime) -> Date {
    japan_date(now).previous_day().unwrap_or(Date::MIN)
}

/// Contracts whose last day is on or before this date are due for the purge at `now`.
pub fn last_day_of_purgeable_contracts(now: OffsetDateTime) -> Date {
    add_days(japan_date(now), -PURGE_DAYS_AFTER_END)
}

impl Tenant {
    /// SVC-2: notice, at `now`, that the contract's last day is `ends_on`.
    pub fn give_notice(
        &mut self,
        ends_on: Date,
        now: OffsetDateTime,
    ) -> Result<(), ContractEndError> {
        if self.status != ContractStatus::Active {
            return Err(ContractEndError::NotActive(self.status.as_code()));
        }
        let earliest = earliest_end_date(japan_date(now));
        if ends_on < earliest {
            return Err(ContractEndError::TooSoon { earliest });
        }
        self.status = ContractStatus::Ending;
        self.ends_on = Some(ends_on);
        Ok(())
    }

    /// Withdraws the notice: the contract goes on as before.
    pub fn cancel_notice(&mut self) -> Result<(), ContractEndError> {
        if self.status != ContractStatus::Ending {
            return Err(ContractEndError::NotEnding(self.status.as_code()));
        }
        self.status = ContractStatus::Active;
        self.ends_on = None;
        Ok(())
    }

    /// An ending contract whose last day is over at `now`.
    pub fn is_due_to_end(&self, now: OffsetDateTime) -> bool {
        self.status == ContractStatus::Ending
            && self
                .ends_on
                .is_some_and(|ends_on| ends_on <= last_day_of_ended_contracts(now))
    }

    /// An ended contract on or past its purge date at `now`.
    pub fn is_due_for_purge(&self, now: OffsetDateTime) -> bool {
        self.status == ContractStatus::Ended
            && self
                .ends_on
                .is_some_and(|ends_on| japan_date(now) >= purge_date(ends_on))
    }

    /// The JST date of the purge, once notice is given.
    pub fn purge_date(&self) -> Option<Date> {
        self.ends_on.map(purge_date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Slug, TenantName};
    use nencho_kernel::{EmailAddress, FixedClock};
    use time::macros::{date, datetime};

    fn tenant() -> Tenant {
        Tenant::open(
            Slug::parse("acme").unwrap(),
            TenantName::parse("株式会社アクメ").unwrap(),
            EmailAddress::parse("hr@acme.example").unwrap(),
            &FixedClock::at(datetime!(2026-04-01 00:00 UTC)),
        )
    }

    #[test]
    fn the_purge_rule_is_thirty_days_so_backups_are_clean_by_day_sixty_five() {
        assert_eq!(PURGE_DAYS_AFTER_END, 30);
        assert_eq!(
            PURGE_DAYS_AFTER_END + BACKUP_RETENTION_DAYS,
            DELETION_DEADLINE_DAYS
        );
        assert_eq!(purge_date(date!(2027 - 02 - 28)), date!(2027 - 03 - 30));
    }

    #[test]
    fn three_calendar_months_clamp_to_the_end_of_a_shorter_month() {
        assert_eq!(
            earliest_end_date(date!(2026 - 11 - 26)),
            date!(2027 - 02 - 26)
        );
        assert_eq!(
            earliest_end_date(date!(2026 - 11 - 30)),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            earliest_end_date(date!(2027 - 11 - 30)),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            earliest_end_date(date!(2026 - 11 - 28)),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            earliest_end_date(date!(2026 - 08 - 31)),
            date!(2026 - 11 - 30)
        );
        assert_eq!(
            earliest_end_date(date!(2026 - 10 - 31)),
            date!(2027 - 01 - 31)
        );
        assert_eq!(
            earliest_end_date(date!(2026 - 12 - 31)),
            date!(2027 - 03 - 31)
        );
        assert_eq!(
            add_months_clamped(date!(2026 - 01 - 31), 1),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            add_months_clamped(date!(2026 - 01 - 15), 24),
            date!(2028 - 01 - 15)
        );
    }

    #[test]
    fn notice_needs_three_months_counted_from_the_japan_date() {
        let mut acme = tenant();
        // 2026-11-29 16:00 UTC is already 11-30 in Japan: the earliest last day is 02-28.
        let now = datetime!(2026-11-29 16:00 UTC);
        assert_eq!(
            acme.give_notice(date!(2027 - 02 - 27), now),
            Err(ContractEndError::TooSoon {
                earliest: date!(2027 - 02 - 28)
            })
        );
        assert_eq!(acme.status, ContractStatus::Active);
        assert_eq!(acme.ends_on, None);
        acme.give_notice(date!(2027 - 02 - 28), now).unwrap();
        assert_eq!(acme.status, ContractStatus::Ending);
        assert_eq!(acme.ends_on, Some(date!(2027 - 02 - 28)));
        assert_eq!(acme.purge_date(), Some(date!(2027 - 03 - 30)));
        assert_eq!(
            acme.give_notice(date!(2027 - 06 - 30), now),
            Err(ContractEndError::NotActive("ending")),
            "notice is given once; withdraw it to change the date"
        );
    }

    #[test]
    fn notice_may_be_withdrawn_until_the_end() {
        let mut acme = tenant();
        assert_eq!(
            acme.cancel_notice(),
            Err(ContractEndError::NotEnding("active"))
        );
        acme.give_notice(date!(2027 - 03 - 31), datetime!(2026-11-26 03:00 UTC))
            .unwrap();
        acme.cancel_notice().unwrap();
        assert_eq!(acme.status, ContractStatus::Active);
        assert_eq!(acme.ends_on, None);
        acme.status = ContractStatus::Ended;
        assert!(acme.cancel_notice().is_err());
    }

    #[test]
    fn the_contract_ends_after_its_last_day_and_is_purged_thirty_days_later() {
        let mut acme = tenant();
        acme.give_notice(date!(2027 - 02 - 28), datetime!(2026-11-26 03:00 UTC))
            .unwrap();
        // The last day, 23:59 JST: still running.
        assert!(!acme.is_due_to_end(datetime!(2027-02-28 14:59 UTC)));
        // 03-01 00:00 JST: over.
        assert!(acme.is_due_to_end(datetime!(2027-02-28 15:00 UTC)));
        assert_eq!(
            last_day_of_ended_contracts(datetime!(2027-02-28 15:00 UTC)),
            date!(2027 - 02 - 28)
        );
        assert!(
            !acme.is_due_for_purge(datetime!(2027-04-01 00:00 UTC)),
            "not ended yet"
        );
        acme.status = ContractStatus::Ended;
        assert!(!acme.is_due_to_end(datetime!(2027-03-01 00:00 UTC)));
        // 03-29 23:59 JST: kept; 03-30 00:00 JST: purged.
        assert!(!acme.is_due_for_purge(datetime!(2027-03-29 14:59 UTC)));
        assert!(acme.is_due_for_purge(datetime!(2027-03-29 15:00 UTC)));
        assert_eq!(
            last_day_of_purgeable_contracts(datetime!(2027-03-29 15:00 UTC)),
            date!(2027 - 02 - 28)
        );
    }

    #[test]
    fn a_contract_without_an_end_date_is_never_due() {
        let mut acme = tenant();
        acme.status = ContractStatus::Ending;
        assert!(!acme.is_due_to_end(datetime!(2099-01-01 00:00 UTC)));
        acme.status = ContractStatus::Ended;
        assert!(!acme.is_due_for_purge(datetime!(2099-01-01 00:00 UTC)));
    }
}
