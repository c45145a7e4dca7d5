//! The employee import (`ImportEmployees`, ID-1, ID-2): an administrator's file, already read and
//! validated by the CSV adapter, compared with the stored employees of one company (the preview)
//! and then applied in one transaction.
//!
//! Employees are matched by (company, employee number). A new number becomes a new employee; a
//! known one keeps its id and linked user ID and is updated only when a field differs, so that
//! applying the same file twice changes nothing the second time. This module knows nothing of
//! CSV: it receives [`ImportedEmployee`]s.

use std::collections::{HashMap, HashSet};

use nencho_identity::Permission;
use nencho_kernel::{CompanyId, Date, EmailAddress, EmployeeId};
use nencho_ports::EmployeeQuery;
use nencho_tenancy::{Employee, EmployeeNumber, EmploymentType, PersonName, PostalCode};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The stored employees are read in pages of this many (keyset paging on the number), not one
/// query per imported row.
const STORE_PAGE: u32 = 5_000;

/// One employee as an import file states it: every field the import sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedEmployee {
    pub number: EmployeeNumber,
    pub name: PersonName,
    pub birth_date: Date,
    pub postal_code: PostalCode,
    pub address: String,
    pub email: Option<EmailAddress>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub hire_date: Option<Date>,
    pub leave_date: Option<Date>,
}

impl ImportedEmployee {
    /// Sets the fields the import owns; ids, the company and the linked user stay.
    fn apply_to(&self, employee: &mut Employee) {
        employee.number = self.number.clone();
        employee.name = self.name.clone();
        employee.birth_date = self.birth_date;
        employee.postal_code = Some(self.postal_code);
        employee.address = self.address.clone();
        employee.email = self.email.clone();
        employee.department = self.department.clone();
        employee.employment_type = self.employment_type;
        employee.hire_date = self.hire_date;
        employee.leave_date = self.leave_date;
    }
}

/// What applying a file would do: "N new, M updated, K unchanged".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    pub new: Vec<Employee>,
    pub updated: Vec<Employee>,
    pub unchanged: usize,
}

/// What an apply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Compares `rows` with the company's stored employees; writes nothing.
pub async fn preview_import(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
) -> Result<ImportPreview, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    compare(context, actor, company_id, rows).await
}

/// Recomputes the preview and applies it atomically (one `apply_employees` call). The same rows
/// applied twice change nothing the second time.
pub async fn apply_import(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
) -> Result<ImportOutcome, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    let preview = compare(context, actor, company_id, rows).await?;
    if !preview.new.is_empty() || !preview.updated.is_empty() {
        context
            .store
            .apply_employees(actor.tenant.id, company_id, &preview.new, &preview.updated)
            .await?;
    }
    Ok(ImportOutcome {
        inserted: preview.new.len(),
        updated: preview.updated.len(),
        unchanged: preview.unchanged,
    })
}

async fn compare(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
) -> Result<ImportPreview, AppError> {
    let tenant = actor.tenant.id;
    // A guessed id of another tenant's company is not found here (the permission check alone
    // passes any id for a tenant-wide role).
    context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut seen = HashSet::with_capacity(rows.len());
    for row in &rows {
        if !seen.insert(&row.number) {
            return Err(AppError::Invalid {
                field: "employee_number",
                message: format!("the employee number {} appears twice", row.number),
            });
        }
    }
    drop(seen);
    let stored = stored_employees(context, tenant, company_id).await?;
    let now = context.clock.now();
    let mut preview = ImportPreview {
        new: Vec::new(),
        updated: Vec::new(),
        unchanged: 0,
    };
    for row in rows {
        match stored.get(&row.number) {
            Some(existing) => {
                let mut candidate = existing.clone();
                row.apply_to(&mut candidate);
                if candidate == *existing {
                    preview.unchanged += 1;
                } else {
                    candidate.updated_at = now;
                    preview.updated.push(candidate);
                }
            }
            None => {
                let mut employee = Employee {
                    id: EmployeeId::generate(context.clock.as_ref()),
                    tenant_id: tenant,
                    company_id,
                    number: row.number.clone(),
                    name: row.name.clone(),
                    birth_date: row.birth_date,
                    postal_code: None,
                    address: String::new(),
                    email: None,
                    department: None,
                    employment_type: row.employment_type,
                    hire_date: None,
                    leave_date: None,
                    user_id: None,
                    updated_at: now,
                };
                row.apply_to(&mut employee);
                preview.new.push(employee);
            }
        }
    }
    Ok(preview)
}

/// Every employee of the company, departed ones included, by number.
async fn stored_employees(
    context: &AppContext,
    tenant: nencho_kernel::TenantId,
    company_id: CompanyId,
) -> Result<HashMap<EmployeeNumber, Employee>, AppError> {
    let mut stored = HashMap::new();
    let mut query = EmployeeQuery {
        include_departed: true,
        ..EmployeeQuery::first_page(company_id, STORE_PAGE)
    };
    loop {
        let page = context.store.list_employees(tenant, &query).await?;
        stored.extend(
            page.employees
                .into_iter()
                .map(|employee| (employee.number.clone(), employee)),
        );
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(stored),
        }
    }
}

/// The company an import goes to, when the actor may import into it (for the upload form and the
/// template download, before any row is read).
pub async fn authorize_import(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<nencho_tenancy::Company, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    context
        .store
        .find_company(actor.tenant.id, company_id)
        .await?
        .ok_or(AppError::NotFound)
}
