use std::collections::BTreeSet;

use async_trait::async_trait;
use nencho_filings::{IssuedSlip, SlipConsent};
use nencho_kernel::{CompanyId, EmployeeId, OffsetDateTime, TaxYear, TenantId};

use crate::{OutboxMessage, StoreError};

/// The 源泉徴収票 issued to employees electronically (電子交付) and the employees' consent to
/// receive them so (所得税法231条②, 同施行令356条). Tenant-scoped like every other port.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SlipStore: Send + Sync {
    /// Records the employee's consent (`Some`: its time, method and recorder, replacing an
    /// earlier one), or its withdrawal (`None`).
    async fn set_slip_consent<'a>(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        consent: Option<&'a SlipConsent>,
    ) -> Result<(), StoreError>;
    /// The employee's consent, if they have given it (and not withdrawn since).
    async fn slip_consent(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Option<SlipConsent>, StoreError>;
    /// The employees of the company who have consented.
    async fn consented_employees(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<BTreeSet<EmployeeId>, StoreError>;
    /// Issues `slips` (each replacing the employee's slip of that year, if any, which is kept
    /// among the [`SlipStore::replaced_slips`] with the new slip's issue time) and queues
    /// `mails` (all of `tenant_id`) in one transaction: all or nothing. A slip or a mail of
    /// another tenant, or an employee unknown in the tenant, is an error and nothing is written.
    async fn issue_slips(
        &self,
        tenant_id: TenantId,
        slips: &[IssuedSlip],
        mails: &[OutboxMessage],
    ) -> Result<(), StoreError>;
    /// The employee's slip of the year, if issued.
    async fn find_issued_slip(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
    ) -> Result<Option<IssuedSlip>, StoreError>;
    /// The slips of the employee and year that corrected ones replaced (訂正前), newest first,
    /// each with when it was replaced.
    async fn replaced_slips(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
    ) -> Result<Vec<(IssuedSlip, OffsetDateTime)>, StoreError>;
    /// The years the employee has a slip of, newest first.
    async fn issued_slip_years(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Vec<TaxYear>, StoreError>;
    /// The tenant's issued slips after `after` in (employee id, tax year) order, at most
    /// `limit`: the full export (SVC-3) pages through them.
    async fn issued_slips_after(
        &self,
        tenant_id: TenantId,
        after: Option<(EmployeeId, TaxYear)>,
        limit: u32,
    ) -> Result<Vec<IssuedSlip>, StoreError>;
}
