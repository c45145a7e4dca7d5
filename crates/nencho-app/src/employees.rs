//! The employee list of a company (`view_employees`), fast at 100,000 employees: keyset pages
//! in employee-number order, served by the store's (tenant, company, number) index.

use nencho_identity::Permission;
use nencho_kernel::CompanyId;
use nencho_ports::{EmployeePage, EmployeeQuery};
use nencho_tenancy::{Company, EmployeeNumber};

use crate::authorization::{list_department, require};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

pub const PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Default)]
pub struct EmployeeListRequest {
    pub search: Option<String>,
    pub department: Option<String>,
    pub include_departed: bool,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

#[derive(Debug)]
pub struct EmployeeList {
    pub company: Company,
    pub page: EmployeePage,
    pub total: u64,
}

pub async fn list_employees(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    request: EmployeeListRequest,
) -> Result<EmployeeList, AppError> {
    let grants = require(context, actor, Permission::ViewEmployees, Some(company_id)).await?;
    let tenant = actor.tenant.id;
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // A role narrowed to departments sees only those: the asked department must be one of them.
    let department = list_department(
        &grants,
        Permission::ViewEmployees,
        company_id,
        request.department.as_deref(),
    )?;
    let after = match request.after.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => Some(EmployeeNumber::parse(text).map_err(|e| AppError::Invalid {
            field: "after",
            message: e.to_string(),
        })?),
        None => None,
    };
    let query = EmployeeQuery {
        company_id,
        search: request.search.filter(|text| !text.trim().is_empty()),
        department,
        include_departed: request.include_departed,
        after,
        limit: PAGE_SIZE,
    };
    let page = context.store.list_employees(tenant, &query).await?;
    let total = context.store.count_employees(tenant, company_id).await?;
    Ok(EmployeeList {
        company,
        page,
        total,
    })
}
