//! The declarations' use cases (YEA-1…5): the company's periods, requests and reminders, the
//! employee's own flow, review and approval, proxy entry, and the rows of the payroll export.
//!
//! Every write goes through [`persist`]: the filing, the transition, the changed values and the
//! mail that announces them land in one store transaction, with optimistic concurrency on the
//! filing's version.

pub mod attachments;
pub mod auto_reminders;
pub mod checks;
pub mod claims;
pub mod deadlines;
pub mod exclusions;
pub mod guidance;
mod mails;
pub mod memos;
pub mod originals;
pub mod overview;
pub mod own;
pub mod payroll;
pub mod periods;
pub mod print;
pub mod requests;
pub mod review;
pub mod review_digest;
pub mod settlement;
pub mod slips;

use nencho_filings::{Actor, Author, Declaration, Filing, FilingAction, FilingStatus};
use nencho_identity::{Grants, Permission};
use nencho_kernel::{Date, JAPAN_STANDARD_TIME};
use nencho_ports::{FilingWrite, OutboxMessage};
use nencho_tenancy::{Employee, EmployeeNumber};

use crate::authorization::{reaches, require, scoped_departments};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The `next` of a previous page of employees, as the page's link carries it (empty = the
/// first page).
pub(crate) fn page_after(after: Option<&str>) -> Result<Option<EmployeeNumber>, AppError> {
    after
        .filter(|text| !text.is_empty())
        .map(|text| {
            EmployeeNumber::parse(text).map_err(|error| AppError::Invalid {
                field: "after",
                message: error.to_string(),
            })
        })
        .transpose()
}

/// A submission's note (担当者への連絡事項) as typed: blank is none; too long is refused with
/// the reason, on the `note` field.
pub(crate) fn submission_note(
    text: &str,
) -> Result<Option<nencho_filings::SubmissionNote>, AppError> {
    nencho_filings::SubmissionNote::parse(text).map_err(|error| AppError::Invalid {
        field: "note",
        message: error.to_string(),
    })
}

/// The refusal of what needs the company's year opened first (its periods set).
pub(crate) fn not_opened(tax_year: nencho_kernel::TaxYear) -> AppError {
    AppError::Refused(format!(
        "{}年分の期間がまだ設定されていません。先に期間を設定してください。",
        tax_year.year()
    ))
}

/// The companies chosen for an action on several at once, each once in the order given;
/// none chosen is refused with `none_chosen`.
pub(crate) fn chosen_companies(
    companies: &[nencho_kernel::CompanyId],
    none_chosen: &str,
) -> Result<Vec<nencho_kernel::CompanyId>, AppError> {
    let mut chosen: Vec<nencho_kernel::CompanyId> = Vec::with_capacity(companies.len());
    for company in companies {
        if !chosen.contains(company) {
            chosen.push(*company);
        }
    }
    if chosen.is_empty() {
        return Err(AppError::Invalid {
            field: "company",
            message: none_chosen.to_owned(),
        });
    }
    Ok(chosen)
}

/// Today in Japan: periods are Japanese calendar days.
pub fn japan_today(context: &AppContext) -> Date {
    context.clock.now().to_offset(JAPAN_STANDARD_TIME).date()
}

/// Staff may act on this employee's declaration: `permission` in the employee's company, and in
/// their department when the role is narrowed to departments.
pub(crate) async fn require_for_employee(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
    employee: &Employee,
) -> Result<(), AppError> {
    let grants = require(context, actor, permission, Some(employee.company_id)).await?;
    if departments_reach(&grants, permission, employee) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether grants that reach the employee's company also reach their department (a role
/// narrowed to departments; any department otherwise).
fn departments_reach(grants: &Grants, permission: Permission, employee: &Employee) -> bool {
    let departments = scoped_departments(grants, permission, employee.company_id);
    departments.is_empty()
        || employee
            .department
            .as_ref()
            .is_some_and(|department| departments.contains(department))
}

/// Whether `grants` give `permission` over the employee: their company, and their department
/// for a role narrowed to departments. The check of [`require_for_employee`], for grants
/// already loaded.
pub(crate) fn grants_reach(grants: &Grants, permission: Permission, employee: &Employee) -> bool {
    reaches(grants, permission, Some(employee.company_id))
        && departments_reach(grants, permission, employee)
}

/// One change to a declaration: the new document (or the old one), the action taken, by whom.
pub(crate) struct Change<'a> {
    pub filing: &'a Filing,
    pub expected_version: i64,
    pub document: Option<Declaration>,
    pub action: FilingAction,
    pub actor_kind: Actor,
    pub mail: Option<OutboxMessage>,
}

/// Applies `change` to its filing under the workflow's rules and stores it with its history.
/// Returns the filing as stored.
pub(crate) async fn persist(
    context: &AppContext,
    actor: &CurrentUser,
    change: Change<'_>,
) -> Result<Filing, AppError> {
    let before = change.filing;
    if before.version != change.expected_version {
        return Err(AppError::Conflict(
            "この申告書は他の人が先に更新しました。画面を開き直してください。".into(),
        ));
    }
    let applied = before
        .apply(
            &change.action,
            &author(actor, change.actor_kind),
            change.document,
            context.clock.now(),
        )
        .map_err(|error| AppError::Refused(error.to_string()))?;
    let write = FilingWrite {
        filing: applied.filing.clone(),
        expected_version: change.expected_version,
        event: applied.event,
        changes: applied.changes,
        mail: change.mail,
    };
    context
        .store
        .write_filings(actor.tenant.id, &[write])
        .await?;
    Ok(applied.filing)
}

/// How the history names the actor: `山田 太郎 (admin)`.
pub(crate) fn actor_name(actor: &CurrentUser) -> String {
    format!(
        "{} ({})",
        actor.user.display_name.as_str(),
        actor.user.login_id
    )
}

/// The actor as the workflow and the history see them.
pub(crate) fn author(actor: &CurrentUser, kind: Actor) -> Author {
    Author {
        id: actor.user.id,
        name: actor_name(actor),
        kind,
    }
}

/// The filing of `employee` for the year as stored, or a new one (not stored yet, version 0).
/// One nobody has written in yet starts from last year's approved declaration when there is
/// one (繰越), marked for the employee to confirm.
pub(crate) async fn filing_or_new(
    context: &AppContext,
    employee: &Employee,
    tax_year: nencho_kernel::TaxYear,
) -> Result<Filing, AppError> {
    let tenant = employee.tenant_id;
    let stored = context
        .store
        .find_filing_of(tenant, employee.id, tax_year)
        .await?;
    let mut filing = stored.unwrap_or_else(|| {
        Filing::new(
            nencho_kernel::FilingId::generate(context.clock.as_ref()),
            tenant,
            employee.company_id,
            employee.id,
            tax_year,
            context.clock.now(),
        )
    });
    let untouched = matches!(
        filing.status,
        FilingStatus::NotRequested | FilingStatus::Requested
    ) && filing.document == Declaration::default();
    if untouched && let Some(previous) = previous_approved(context, employee, tax_year).await? {
        filing.document = previous.document.carry_over();
    }
    Ok(filing)
}

/// Last year's approved declaration of the employee, if any.
pub(crate) async fn previous_approved(
    context: &AppContext,
    employee: &Employee,
    tax_year: nencho_kernel::TaxYear,
) -> Result<Option<Filing>, AppError> {
    let Ok(previous_year) = nencho_kernel::TaxYear::new(tax_year.year() - 1) else {
        return Ok(None);
    };
    Ok(context
        .store
        .find_filing_of(employee.tenant_id, employee.id, previous_year)
        .await?
        .filter(|filing| filing.status == FilingStatus::Approved))
}

/// A tax year from a URL or form, with a message naming the field when it is not a year.
pub fn parse_tax_year(year: i32) -> Result<nencho_kernel::TaxYear, AppError> {
    nencho_kernel::TaxYear::new(year).map_err(|error| AppError::Invalid {
        field: "tax_year",
        message: error.to_string(),
    })
}
