//! A company's periods for one tax year: when employees may enter and submit, when a reopened
//! declaration may be re-filed, and whether change filings are open all year.

use nencho_kernel::{CompanyId, Date, TaxYear};

use crate::filing::Filing;

/// The tax year whose adjustment is under way on `today` (a Japan date): this year's, except in
/// January, when last year's adjustment is still being settled.
pub fn adjustment_year(today: Date) -> i32 {
    if today.month() == time::Month::January {
        today.year() - 1
    } else {
        today.year()
    }
}

/// Both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    pub fn new(start: Date, end: Date) -> Result<Self, PeriodError> {
        if end < start {
            return Err(PeriodError::EndsBeforeItStarts);
        }
        Ok(Self { start, end })
    }

    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("終了日が開始日より前です。")]
    EndsBeforeItStarts,
    #[error("提出期間は年末調整期間の中に収めてください。")]
    FilingOutsideAdjustment,
    #[error("再提出期間は提出期間の開始後にしてください。")]
    RefilingBeforeFiling,
}

/// The periods an administrator sets when opening a tax year for a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingPeriods {
    pub company_id: CompanyId,
    pub tax_year: TaxYear,
    /// 年末調整期間: the whole adjustment, from the request to the settlement.
    pub adjustment: DateRange,
    /// 提出期間: employees may enter and submit; afterwards they can only view.
    pub filing: DateRange,
    /// 再提出期間 (再年調): a reopened declaration may be re-submitted, dependants and insurance
    /// sections only.
    pub refiling: Option<DateRange>,
    /// 通年申告: a 扶養控除等(異動)申告書 may be filed whenever the family changes.
    pub year_round_changes: bool,
}

/// What the employee may change on their own declaration on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditScope {
    /// Every section.
    Everything,
    /// Only the dependants and insurance sections (a reopened declaration in the re-filing
    /// period, or a year-round change filing of the family).
    DependantsAndInsurance,
    /// Nothing: only viewing.
    ViewOnly,
}

/// Where a company's 提出期間 stands on a given day, in whole days (Japan dates): what the
/// overview of the companies shows a 社労士 chasing many deadlines at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilingWindow {
    /// Opens in this many days (at least 1).
    NotYetOpen { opens_in: i64 },
    /// Open; `days_left` after today (0: today is the last day).
    Open { days_left: i64 },
    /// Closed this many days ago (at least 1).
    Closed { days_ago: i64 },
}

impl FilingPeriods {
    pub fn new(
        company_id: CompanyId,
        tax_year: TaxYear,
        adjustment: DateRange,
        filing: DateRange,
        refiling: Option<DateRange>,
        year_round_changes: bool,
    ) -> Result<Self, PeriodError> {
        if !adjustment.contains(filing.start) || !adjustment.contains(filing.end) {
            return Err(PeriodError::FilingOutsideAdjustment);
        }
        if let Some(refiling) = refiling
            && refiling.start < filing.start
        {
            return Err(PeriodError::RefilingBeforeFiling);
        }
        Ok(Self {
            company_id,
            tax_year,
            adjustment,
            filing,
            refiling,
            year_round_changes,
        })
    }

    /// Where the 提出期間 stands on `today` (a Japan date).
    pub fn filing_window(&self, today: Date) -> FilingWindow {
        if today < self.filing.start {
            FilingWindow::NotYetOpen {
                opens_in: (self.filing.start - today).whole_days(),
            }
        } else if today <= self.filing.end {
            FilingWindow::Open {
                days_left: (self.filing.end - today).whole_days(),
            }
        } else {
            FilingWindow::Closed {
                days_ago: (today - self.filing.end).whole_days(),
            }
        }
    }

    /// What the employee may change on `today` (Japan date) on `filing`: the company's periods
    /// ([`Self::employee_scope`]), and until the day of their own staff gave them (個別の提出期限)
    /// what the 提出期間 allows — or, on a reopened declaration, what the 再提出期間 allows.
    pub fn scope_of(&self, today: Date, filing: &Filing) -> EditScope {
        let extended = filing
            .own_deadline
            .is_some_and(|until| self.filing.start <= today && today <= until);
        match (extended, filing.reopened) {
            (false, reopened) => self.employee_scope(today, reopened),
            (true, false) => EditScope::Everything,
            (true, true) => EditScope::DependantsAndInsurance,
        }
    }

    /// The last day the employee may hand in `filing`: the company's 提出期間's, or their own
    /// when staff gave them a later one.
    pub fn deadline_for(&self, filing: &Filing) -> Date {
        self.deadline_with(filing.own_deadline)
    }

    /// [`Self::deadline_for`] a declaration whose own deadline is `own_deadline`.
    pub fn deadline_with(&self, own_deadline: Option<Date>) -> Date {
        own_deadline
            .filter(|own| *own > self.filing.end)
            .unwrap_or(self.filing.end)
    }

    /// The window the automatic reminders count down for `filing` when staff gave it a deadline
    /// of its own later than the company's: the 提出期間 stretched to that day (the company's
    /// schedule, [`Self::filing`], leaves such an employee out). `None` without a later one.
    pub fn own_reminder_window(&self, filing: &Filing) -> Option<DateRange> {
        filing
            .own_deadline
            .filter(|own| *own > self.filing.end)
            .map(|own| DateRange {
                start: self.filing.start,
                end: own,
            })
    }

    /// What an employee may change on `today` (Japan date), for a declaration that was or was
    /// not reopened after approval.
    pub fn employee_scope(&self, today: Date, reopened: bool) -> EditScope {
        if reopened {
            return match self.refiling {
                Some(refiling) if refiling.contains(today) => EditScope::DependantsAndInsurance,
                _ => EditScope::ViewOnly,
            };
        }
        if self.filing.contains(today) {
            EditScope::Everything
        } else if self.year_round_changes {
            EditScope::DependantsAndInsurance
        } else {
            EditScope::ViewOnly
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn company() -> CompanyId {
        CompanyId::from_uuid(Default::default())
    }

    fn periods(refiling: Option<DateRange>, year_round: bool) -> FilingPeriods {
        FilingPeriods::new(
            company(),
            TaxYear::new(2026).unwrap(),
            DateRange::new(date!(2026 - 11 - 01), date!(2027 - 01 - 31)).unwrap(),
            DateRange::new(date!(2026 - 11 - 10), date!(2026 - 11 - 30)).unwrap(),
            refiling,
            year_round,
        )
        .unwrap()
    }

    #[test]
    fn january_still_belongs_to_last_year_s_adjustment() {
        assert_eq!(adjustment_year(date!(2027 - 01 - 31)), 2026);
        assert_eq!(adjustment_year(date!(2027 - 02 - 01)), 2027);
        assert_eq!(adjustment_year(date!(2026 - 11 - 26)), 2026);
    }

    #[test]
    fn employees_edit_only_inside_the_filing_period() {
        let periods = periods(None, false);
        assert_eq!(
            periods.employee_scope(date!(2026 - 11 - 09), false),
            EditScope::ViewOnly
        );
        assert_eq!(
            periods.employee_scope(date!(2026 - 11 - 10), false),
            EditScope::Everything
        );
        assert_eq!(
            periods.employee_scope(date!(2026 - 11 - 30), false),
            EditScope::Everything
        );
        assert_eq!(
            periods.employee_scope(date!(2026 - 12 - 01), false),
            EditScope::ViewOnly
        );
    }

    #[test]
    fn a_reopened_declaration_is_refiled_in_its_own_period_for_two_sections() {
        let refiling = DateRange::new(date!(2027 - 01 - 05), date!(2027 - 01 - 20)).unwrap();
        let periods = periods(Some(refiling), false);
        assert_eq!(
            periods.employee_scope(date!(2026 - 11 - 20), true),
            EditScope::ViewOnly
        );
        assert_eq!(
            periods.employee_scope(date!(2027 - 01 - 05), true),
            EditScope::DependantsAndInsurance
        );
    }

    #[test]
    fn the_filing_window_counts_whole_days_on_both_sides_of_the_period() {
        // 提出期間 2026-11-10〜2026-11-30, both ends included.
        let periods = periods(None, false);
        assert_eq!(
            periods.filing_window(date!(2026 - 11 - 09)),
            FilingWindow::NotYetOpen { opens_in: 1 }
        );
        assert_eq!(
            periods.filing_window(date!(2026 - 11 - 10)),
            FilingWindow::Open { days_left: 20 }
        );
        assert_eq!(
            periods.filing_window(date!(2026 - 11 - 30)),
            FilingWindow::Open { days_left: 0 }
        );
        assert_eq!(
            periods.filing_window(date!(2026 - 12 - 01)),
            FilingWindow::Closed { days_ago: 1 }
        );
        assert_eq!(
            periods.filing_window(date!(2027 - 01 - 01)),
            FilingWindow::Closed { days_ago: 32 }
        );
    }

    fn filing_with(own_deadline: Option<Date>, reopened: bool) -> Filing {
        let mut filing = Filing::new(
            nencho_kernel::FilingId::from_uuid(uuid::Uuid::from_u128(1)),
            nencho_kernel::TenantId::from_uuid(uuid::Uuid::from_u128(2)),
            company(),
            nencho_kernel::EmployeeId::from_uuid(uuid::Uuid::from_u128(3)),
            TaxYear::new(2026).unwrap(),
            time::macros::datetime!(2026-11-01 00:00 UTC),
        );
        filing.own_deadline = own_deadline;
        filing.reopened = reopened;
        filing
    }

    #[test]
    fn a_deadline_of_their_own_keeps_the_filing_period_s_rights_until_that_day() {
        // 提出期間 2026-11-10〜2026-11-30; this employee may hand in until 12-07.
        let periods = periods(None, false);
        let extended = filing_with(Some(date!(2026 - 12 - 07)), false);
        assert_eq!(
            periods.scope_of(date!(2026 - 12 - 07), &extended),
            EditScope::Everything
        );
        assert_eq!(
            periods.scope_of(date!(2026 - 12 - 08), &extended),
            EditScope::ViewOnly
        );
        assert_eq!(
            periods.scope_of(date!(2026 - 11 - 09), &extended),
            EditScope::ViewOnly,
            "not before the company's period opens"
        );
        assert_eq!(periods.deadline_for(&extended), date!(2026 - 12 - 07));
        // Without one, or with one before the company's end, the company's periods decide.
        let plain = filing_with(None, false);
        assert_eq!(
            periods.scope_of(date!(2026 - 12 - 01), &plain),
            EditScope::ViewOnly
        );
        assert_eq!(periods.deadline_for(&plain), date!(2026 - 11 - 30));
        let earlier = filing_with(Some(date!(2026 - 11 - 20)), false);
        assert_eq!(periods.deadline_for(&earlier), date!(2026 - 11 - 30));
        assert_eq!(
            periods.scope_of(date!(2026 - 11 - 25), &earlier),
            EditScope::Everything
        );
        // A reopened declaration gets the two sections the 再提出期間 allows, until that day.
        let reopened = filing_with(Some(date!(2026 - 12 - 20)), true);
        assert_eq!(
            periods.scope_of(date!(2026 - 12 - 15), &reopened),
            EditScope::DependantsAndInsurance
        );
        assert_eq!(
            periods.scope_of(date!(2026 - 12 - 21), &reopened),
            EditScope::ViewOnly
        );
    }

    #[test]
    fn the_reminders_of_a_later_deadline_of_their_own_count_down_to_that_day() {
        // 提出期間 2026-11-10〜2026-11-30.
        let periods = periods(None, false);
        assert_eq!(
            periods.own_reminder_window(&filing_with(Some(date!(2026 - 12 - 07)), false)),
            Some(DateRange::new(date!(2026 - 11 - 10), date!(2026 - 12 - 07)).unwrap())
        );
        assert_eq!(
            periods.own_reminder_window(&filing_with(Some(date!(2026 - 12 - 20)), true)),
            Some(DateRange::new(date!(2026 - 11 - 10), date!(2026 - 12 - 20)).unwrap()),
            "a reopened declaration's too"
        );
        // None, the company's own last day, or an earlier one: the company's schedule covers it.
        for own in [
            None,
            Some(date!(2026 - 11 - 30)),
            Some(date!(2026 - 11 - 20)),
        ] {
            assert_eq!(periods.own_reminder_window(&filing_with(own, false)), None);
        }
    }

    #[test]
    fn year_round_changes_open_the_family_section_outside_the_period() {
        let periods = periods(None, true);
        assert_eq!(
            periods.employee_scope(date!(2026 - 12 - 15), false),
            EditScope::DependantsAndInsurance
        );
    }

    #[test]
    fn inconsistent_periods_are_refused() {
        assert_eq!(
            DateRange::new(date!(2026 - 11 - 02), date!(2026 - 11 - 01)),
            Err(PeriodError::EndsBeforeItStarts)
        );
        let result = FilingPeriods::new(
            company(),
            TaxYear::new(2026).unwrap(),
            DateRange::new(date!(2026 - 11 - 01), date!(2026 - 11 - 30)).unwrap(),
            DateRange::new(date!(2026 - 11 - 10), date!(2026 - 12 - 10)).unwrap(),
            None,
            false,
        );
        assert_eq!(result, Err(PeriodError::FilingOutsideAdjustment));
    }
}
