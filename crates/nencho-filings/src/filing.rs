//! One employee's declaration for one tax year, with where it stands in the workflow.

use nencho_kernel::{CompanyId, EmployeeId, FilingId, OffsetDateTime, TaxYear, TenantId};

use crate::document::Declaration;
use crate::workflow::FilingStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub id: FilingId,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub employee_id: EmployeeId,
    pub tax_year: TaxYear,
    pub status: FilingStatus,
    pub document: Declaration,
    /// Some of the content was entered by staff for the employee (代理入力, a paper filing).
    pub proxy_entered: bool,
    /// Reopened after approval (再年調): the employee may change only the dependants and
    /// insurance sections, within the re-filing period.
    pub reopened: bool,
    /// The latest return comment (差戻しコメント) or reopen reason, shown to the employee.
    pub last_comment: Option<String>,
    pub requested_at: Option<OffsetDateTime>,
    pub submitted_at: Option<OffsetDateTime>,
    pub approved_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    /// Optimistic concurrency: a write names the version it read; a stale one is refused, so two
    /// people editing at once never overwrite each other silently.
    pub version: i64,
}

impl Filing {
    /// A filing that does not exist yet (未依頼), with an empty document.
    pub fn new(
        id: FilingId,
        tenant_id: TenantId,
        company_id: CompanyId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            tenant_id,
            company_id,
            employee_id,
            tax_year,
            status: FilingStatus::NotRequested,
            document: Declaration::default(),
            proxy_entered: false,
            reopened: false,
            last_comment: None,
            requested_at: None,
            submitted_at: None,
            approved_at: None,
            updated_at: now,
            version: 0,
        }
    }
}
