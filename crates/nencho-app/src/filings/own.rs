//! The employee's own declaration: open it (started from last year's when there is one), save
//! a step, submit, take it back before review. The company's periods decide what may change.

use nencho_filings::{
    Actor, Attachment, ComputedAmounts, Declaration, EditScope, Filing, FilingAction,
    FilingPeriods, Form, GuidanceText, OriginalLine, Problem, compute, forms_of,
    validate_for_employee,
};
use nencho_kernel::TaxYear;
use nencho_ports::FilingHistory;
use nencho_tenancy::{Company, Employee};

use super::{Change, filing_or_new, japan_today, persist};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Everything the employee's pages show.
#[derive(Debug)]
pub struct OwnFiling {
    pub employee: Employee,
    pub company: Company,
    /// `None` until the company opens the tax year.
    pub periods: Option<FilingPeriods>,
    /// 会社からのご案内 of the year, if the company wrote one.
    pub guidance: Option<GuidanceText>,
    /// Version 0 = not stored yet.
    pub filing: Filing,
    /// The live figures; an error text when the document cannot be computed yet.
    pub computed: Result<ComputedAmounts, String>,
    pub forms: Vec<Form>,
    /// What stops a submission now (empty = it can be submitted).
    pub problems: Vec<Problem>,
    /// What the employee may change today.
    pub scope: EditScope,
    pub history: FilingHistory,
    /// The documents attached, oldest first, and the certificates the declaration calls for
    /// with their receipts (原本).
    pub attachments: Vec<Attachment>,
    pub originals: Vec<OriginalLine>,
}

/// The actor's own declaration for `tax_year`. [`AppError::NotFound`] when the actor has no
/// employee record.
pub async fn own_filing(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
) -> Result<OwnFiling, AppError> {
    let tenant = actor.tenant.id;
    let employee = context
        .store
        .find_employee_by_user(tenant, actor.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let company = context
        .store
        .find_company(tenant, employee.company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let periods = context
        .store
        .find_periods(tenant, employee.company_id, tax_year)
        .await?;
    let guidance = match periods {
        Some(_) => {
            context
                .store
                .find_guidance(tenant, employee.company_id, tax_year)
                .await?
        }
        None => None,
    };
    let filing = filing_or_new(context, &employee, tax_year).await?;
    let scope = match &periods {
        Some(periods) => periods.scope_of(japan_today(context), &filing),
        None => EditScope::ViewOnly,
    };
    let history = if filing.version > 0 {
        context.store.filing_history(tenant, filing.id).await?
    } else {
        FilingHistory::default()
    };
    let computed = compute(&filing.document, tax_year).map_err(|error| error.to_string());
    let classes = computed
        .as_ref()
        .map(|amounts| amounts.relative_classes.clone())
        .unwrap_or_default();
    let attachments = super::attachments::attachments_of(context, &filing).await?;
    let originals = super::originals::originals_of(context, &filing).await?;
    Ok(OwnFiling {
        attachments,
        originals,
        forms: forms_of(&filing.document, &classes),
        problems: validate_for_employee(&filing.document, tax_year, employee.hire_date),
        employee,
        company,
        periods,
        guidance,
        computed,
        scope,
        history,
        filing,
    })
}

/// Saves a step of the flow. Refused outside the periods, on an approved declaration, or (in
/// the re-filing period and for year-round change filings) when anything but the dependants
/// and insurance sections changed.
pub async fn save_own_filing(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    expected_version: i64,
    document: Declaration,
) -> Result<Filing, AppError> {
    let own = own_filing(context, actor, tax_year).await?;
    check_scope(&own, &document)?;
    persist(
        context,
        actor,
        Change {
            filing: &own.filing,
            expected_version,
            document: Some(document),
            action: FilingAction::Save,
            actor_kind: Actor::Employee,
            mail: None,
        },
    )
    .await
}

/// Submits the declaration as saved, with the employee's `note` to the reviewers (担当者への
/// 連絡事項, may be blank); [`AppError::Incomplete`] lists what to fix first.
pub async fn submit_own_filing(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    expected_version: i64,
    note: &str,
) -> Result<Filing, AppError> {
    let note = super::submission_note(note)?;
    let own = own_filing(context, actor, tax_year).await?;
    if own.scope == EditScope::ViewOnly {
        return Err(closed());
    }
    if !own.problems.is_empty() {
        return Err(AppError::Incomplete(own.problems));
    }
    let originals_needed: Vec<_> = own
        .originals
        .iter()
        .filter(|line| line.receipt.is_none())
        .map(|line| line.expected.clone())
        .collect();
    let mail = super::mails::submitted(
        context,
        &actor.tenant,
        &own.company,
        &own.employee,
        tax_year,
        &originals_needed,
    );
    persist(
        context,
        actor,
        Change {
            filing: &own.filing,
            expected_version,
            document: None,
            action: FilingAction::Submit { note },
            actor_kind: Actor::Employee,
            mail,
        },
    )
    .await
}

/// Takes a submitted declaration back to edit it before anyone reviews it (取り下げ).
pub async fn withdraw_own_filing(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    expected_version: i64,
) -> Result<Filing, AppError> {
    let own = own_filing(context, actor, tax_year).await?;
    if own.scope == EditScope::ViewOnly {
        return Err(closed());
    }
    persist(
        context,
        actor,
        Change {
            filing: &own.filing,
            expected_version,
            document: None,
            action: FilingAction::Withdraw,
            actor_kind: Actor::Employee,
            mail: None,
        },
    )
    .await
}

fn closed() -> AppError {
    AppError::Refused("申告の受付期間外のため、変更・提出はできません(閲覧のみ)。".into())
}

fn check_scope(own: &OwnFiling, document: &Declaration) -> Result<(), AppError> {
    match own.scope {
        EditScope::Everything => Ok(()),
        EditScope::ViewOnly => Err(closed()),
        EditScope::DependantsAndInsurance => {
            let before = &own.filing.document;
            let untouched = before.taxpayer == document.taxpayer
                && before.housing_loan == document.housing_loan
                && before.previous_employments == document.previous_employments;
            if untouched {
                Ok(())
            } else {
                Err(AppError::Refused(
                    "現在は扶養親族と保険料の欄だけを変更できます。".into(),
                ))
            }
        }
    }
}
