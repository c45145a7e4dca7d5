//! The rows of the payroll export (YEA-5): every approved declaration of a company and year,
//! one row per employee, with every computed deduction. The adapter writes them as CSV page by
//! page, so memory stays constant.

use nencho_filings::{ComputedAmounts, Filing, FilingStatus, compute};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, TaxYear};
use nencho_ports::FilingQuery;
use nencho_tenancy::{Company, Employee, EmployeeNumber};

use crate::authorization::{list_department, require};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

const PAGE: u32 = 500;

#[derive(Debug, Clone)]
pub struct PayrollRow {
    pub employee: Employee,
    pub filing: Filing,
    pub computed: ComputedAmounts,
}

/// Checks the actor may export the company's payroll rows, and returns the company.
pub async fn start_payroll_export(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<Company, AppError> {
    let grants = require(context, actor, Permission::ExportPayroll, Some(company_id)).await?;
    // A role narrowed to departments exports no whole-company file.
    if list_department(&grants, Permission::ExportPayroll, company_id, None)?.is_some() {
        return Err(AppError::Forbidden);
    }
    context
        .store
        .find_company(actor.tenant.id, company_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One page of approved declarations after `after` (employee-number order), and where the next
/// page starts. Call [`start_payroll_export`] first.
pub async fn payroll_page(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    after: Option<EmployeeNumber>,
) -> Result<(Vec<PayrollRow>, Option<EmployeeNumber>), AppError> {
    let grants = require(context, actor, Permission::ExportPayroll, Some(company_id)).await?;
    if list_department(&grants, Permission::ExportPayroll, company_id, None)?.is_some() {
        return Err(AppError::Forbidden);
    }
    // The first page starts a download.
    if after.is_none() {
        let company = context
            .store
            .find_company(actor.tenant.id, company_id)
            .await?;
        crate::audit::record(
            context,
            actor,
            nencho_identity::AuditAction::PayrollExport,
            company
                .map(|company| company.name.as_str().to_owned())
                .unwrap_or_default(),
            tax_year.to_string(),
        )
        .await?;
    }
    let query = FilingQuery {
        include_departed: false,
        awaiting_originals: false,
        shared_claims: false,
        own_deadlines: false,
        checked: None,
        company_id,
        tax_year,
        status: Some(FilingStatus::Approved),
        search: None,
        department: None,
        after,
        limit: PAGE,
    };
    let page = context.store.list_filings(actor.tenant.id, &query).await?;
    let mut rows = Vec::with_capacity(page.rows.len());
    for row in page.rows {
        let Some(filing) = row.filing else { continue };
        let computed = compute(&filing.document, tax_year).map_err(|error| AppError::Invalid {
            field: "document",
            message: error.to_string(),
        })?;
        rows.push(PayrollRow {
            employee: row.employee,
            filing,
            computed,
        });
    }
    Ok((rows, page.next))
}
