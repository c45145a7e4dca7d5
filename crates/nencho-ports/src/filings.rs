//! Declarations, their history and the company's periods (YEA-1…5).

use async_trait::async_trait;
use nencho_filings::{
    FieldChange, Filing, FilingEvent, FilingPeriods, FilingStatus, GuidanceText, StaffMemo,
};
use nencho_kernel::{CompanyId, EmployeeId, FilingId, OffsetDateTime, TaxYear, TenantId, UserId};
use nencho_tenancy::{Employee, EmployeeNumber};

use crate::{OutboxMessage, StoreError};

/// A change of a company's periods, kept with who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodChange {
    pub company_id: CompanyId,
    pub tax_year: TaxYear,
    pub at: OffsetDateTime,
    pub actor: UserId,
    pub actor_name: String,
    /// What the periods became, in words (提出期間 2026-11-10〜2026-11-30, …).
    pub summary: String,
}

/// One write of a declaration, applied atomically with its history and its mail: the filing
/// (already carrying its new `version`), the transition, the changed values, and the mail that
/// announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingWrite {
    pub filing: Filing,
    /// The version the writer read; `0` means the filing must not exist yet. A store holding
    /// another version refuses the write with [`StoreError::Conflict`] and writes nothing.
    pub expected_version: i64,
    pub event: Option<FilingEvent>,
    pub changes: Vec<FieldChange>,
    pub mail: Option<OutboxMessage>,
}

/// Everything that happened to a declaration, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilingHistory {
    pub events: Vec<FilingEvent>,
    pub changes: Vec<FieldChange>,
}

/// The progress dashboard's counts for a company and tax year: current employees (no leave
/// date) by the status of their declaration; an employee without one counts as 未依頼.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub counts: Vec<(FilingStatus, u64)>,
}

impl StatusCounts {
    pub fn of(&self, status: FilingStatus) -> u64 {
        self.counts
            .iter()
            .find(|(candidate, _)| *candidate == status)
            .map_or(0, |(_, count)| *count)
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, count)| count).sum()
    }

    /// Every status at zero.
    pub fn zero() -> Self {
        Self {
            counts: FilingStatus::ALL
                .into_iter()
                .map(|status| (status, 0))
                .collect(),
        }
    }

    /// Adds `other`'s counts to these (a 合計 row, or a role's several departments).
    pub fn add(&mut self, other: &StatusCounts) {
        for (status, count) in &other.counts {
            match self
                .counts
                .iter_mut()
                .find(|(candidate, _)| candidate == status)
            {
                Some(slot) => slot.1 += count,
                None => self.counts.push((*status, *count)),
            }
        }
    }

    /// Those the adjustment applies to: everyone but those set aside (対象外).
    pub fn due(&self) -> u64 {
        self.total() - self.of(FilingStatus::Excluded)
    }

    /// Requested and not handed in (依頼中, 入力中, 差戻し): those a reminder goes to.
    pub fn awaited(&self) -> u64 {
        self.counts
            .iter()
            .filter(|(status, _)| *status != FilingStatus::NotRequested && status.awaits_employee())
            .map(|(_, count)| count)
            .sum()
    }

    /// Handed in: 提出済 and 承認済 (a returned declaration is back with the employee).
    pub fn handed_in(&self) -> u64 {
        self.of(FilingStatus::Submitted) + self.of(FilingStatus::Approved)
    }
}

/// One department's progress: its current employees by the status of their declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepartmentCounts {
    /// `None`: employees without a department.
    pub department: Option<String>,
    pub counts: StatusCounts,
}

/// One page of the progress list: employees of a company (current ones unless asked) in
/// employee-number order with their declaration for the year, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingQuery {
    pub company_id: CompanyId,
    pub tax_year: TaxYear,
    /// Only this status; [`FilingStatus::NotRequested`] also matches employees without a filing.
    pub status: Option<FilingStatus>,
    /// As [`crate::EmployeeQuery::search`].
    pub search: Option<String>,
    pub department: Option<String>,
    /// Employees with a leave date are left out unless this is set (the dashboard shows the
    /// current staff; the full export every declaration).
    pub include_departed: bool,
    /// Only declarations waiting for certificates (see [`crate::OriginalStore`]).
    pub awaiting_originals: bool,
    /// Only declarations claiming a person whom another declaration of the company and year
    /// claims too (see [`crate::ClaimStore`]).
    pub shared_claims: bool,
    /// Only declarations awaiting the employee (依頼中, 入力中, 差戻し) that staff gave a
    /// deadline of their own (個別の提出期限): few, read directly.
    pub own_deadlines: bool,
    /// Only 提出済 declarations with (`true`) or without (`false`) the 一次確認
    /// ([`nencho_filings::CheckMark`]); ask for [`FilingStatus::Submitted`] too, so the store
    /// reads that status's filings.
    pub checked: Option<bool>,
    pub after: Option<EmployeeNumber>,
    pub limit: u32,
}

/// Declarations the dashboard counts apart, each few enough to be read from its own index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilingMark {
    /// Awaiting the employee (依頼中, 入力中, 差戻し) with a deadline of their own
    /// ([`FilingQuery::own_deadlines`]).
    OwnDeadline,
    /// 提出済 with the 一次確認 ([`FilingQuery::checked`]).
    Checked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingRow {
    pub employee: Employee,
    pub filing: Option<Filing>,
    /// How many certificates the declaration calls for have not been received (0 without one).
    pub originals_pending: u32,
    /// The declaration claims someone another declaration of the company and year claims too
    /// (重複の疑い; see [`crate::ClaimStore`]).
    pub shares_claims: bool,
}

impl FilingRow {
    pub fn status(&self) -> FilingStatus {
        self.filing
            .as_ref()
            .map_or(FilingStatus::NotRequested, |filing| filing.status)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingPage {
    pub rows: Vec<FilingRow>,
    pub next: Option<EmployeeNumber>,
}

#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait FilingStore: Send + Sync {
    /// Sets a company's periods for a tax year (insert or replace) and records the change, in
    /// one transaction.
    async fn put_periods(
        &self,
        tenant_id: TenantId,
        periods: &FilingPeriods,
        change: &PeriodChange,
    ) -> Result<(), StoreError>;
    async fn find_periods(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<FilingPeriods>, StoreError>;
    /// Every tax year opened for the company, newest first.
    async fn list_periods(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<FilingPeriods>, StoreError>;
    /// Oldest first.
    async fn period_changes(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<PeriodChange>, StoreError>;

    /// Sets the company's 会社からのご案内 of an opened tax year (`None` clears it) and records
    /// the change with the periods' changes, in one transaction. `false`, writing nothing, when
    /// the year is not opened (no periods).
    async fn put_guidance<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        guidance: Option<&'a GuidanceText>,
        change: &PeriodChange,
    ) -> Result<bool, StoreError>;
    async fn find_guidance(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<GuidanceText>, StoreError>;
    /// The guidance of every tax year of the company that has one, newest first.
    async fn list_guidance(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<(TaxYear, GuidanceText)>, StoreError>;

    /// Adds a 担当者メモ to the declaration; `false`, writing nothing, when the tenant has no
    /// such declaration.
    async fn add_memo(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
        memo: &StaffMemo,
    ) -> Result<bool, StoreError>;
    /// The declaration's 担当者メモ, oldest first.
    async fn memos(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Vec<StaffMemo>, StoreError>;

    async fn find_filing(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Option<Filing>, StoreError>;
    /// The employee's declaration for the year (at most one exists).
    async fn find_filing_of(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
    ) -> Result<Option<Filing>, StoreError>;
    /// Applies every write in one transaction, or none: a stale `expected_version`, a second
    /// filing for the same employee and year, or a filing of another tenant fails the whole
    /// batch ([`StoreError::Conflict`] for the first two).
    async fn write_filings(
        &self,
        tenant_id: TenantId,
        writes: &[FilingWrite],
    ) -> Result<(), StoreError>;
    async fn filing_history(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<FilingHistory, StoreError>;
    /// Fast at 100,000 employees (grouped counts over indexes). With `department`, only the
    /// current employees of exactly that department count (a role narrowed to departments sees
    /// no figures of the others).
    async fn status_counts<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<StatusCounts, StoreError>;
    /// How many declarations of the company's current employees (of exactly `department`, when
    /// given) for the year bear `mark`.
    async fn marked_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
        mark: FilingMark,
    ) -> Result<u64, StoreError>;
    /// [`Self::status_counts`] for every department of the company at once (部署別の進捗), in
    /// department order, employees without a department last; departments with no current
    /// employee are left out.
    async fn status_counts_by_department(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<DepartmentCounts>, StoreError>;
    /// The employees of the company numbered `numbers` (those who have left too), each with
    /// their declaration for the year if any, in employee-number order; unknown numbers are
    /// left out. One query for a pasted list (at most a few hundred numbers), not two per
    /// number.
    async fn filing_rows_of_numbers<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        numbers: &'a [EmployeeNumber],
    ) -> Result<Vec<FilingRow>, StoreError>;
    /// Keyset paging on the employee number, as [`crate::EmployeeStore::list_employees`].
    async fn list_filings(
        &self,
        tenant_id: TenantId,
        query: &FilingQuery,
    ) -> Result<FilingPage, StoreError>;
}
