//! 源泉徴収票の電子交付: the employee consents (or withdraws) to receive the 給与所得の源泉徴収票
//! electronically (所得税法231条②, 同施行令356条: the employer may deliver it by electronic
//! means only with the employee's consent); staff issue the slips of a settlement to the
//! consenting employees — each is stored as issued, replacing that year's earlier one, and the
//! employee is told by e-mail — and the others are listed for paper delivery; the employee opens
//! their slips from their menu. Staff may also record a consent the employee gave in writing
//! (書面による同意: 同施行令356条 allows any means), and withdraw it on the employee's request.

use nencho_filings::{ConsentMethod, IssuedSlip, SlipConsent, SlipParties};
use nencho_kernel::{CompanyId, Date, EmployeeId, JAPAN_STANDARD_TIME, TaxYear};
use nencho_tenancy::{Company, Employee};
use time::Time;

use super::payroll::start_payroll_export;
use super::settlement::{
    SettlementLine, SettlementOutcome, SettlementRowError, TotalsLine, settle,
};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The particulars printed on a slip, as they are now.
pub fn slip_parties(employee: &Employee, company: &Company) -> SlipParties {
    let name = &employee.name;
    SlipParties {
        recipient_number: employee.number.to_string(),
        recipient_name: name.full(),
        recipient_kana: format!("{} {}", name.family_kana, name.given_kana)
            .trim()
            .to_owned(),
        recipient_address: employee.address.clone(),
        payer_name: company.name.as_str().to_owned(),
        payer_address: company.profile.address.clone(),
        payer_phone: company.profile.contact.clone(),
    }
}

async fn own_employee(context: &AppContext, actor: &CurrentUser) -> Result<Employee, AppError> {
    context
        .store
        .find_employee_by_user(actor.tenant.id, actor.user.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The actor's consent to electronic delivery (when and how it was given), if they have one.
pub async fn own_slip_consent(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<Option<SlipConsent>, AppError> {
    let employee = own_employee(context, actor).await?;
    Ok(context
        .store
        .slip_consent(actor.tenant.id, employee.id)
        .await?)
}

/// The actor consents (`true`) or withdraws their consent (`false`). Slips issued before stay
/// readable; later ones are handed on paper.
pub async fn set_own_slip_consent(
    context: &AppContext,
    actor: &CurrentUser,
    consent: bool,
) -> Result<(), AppError> {
    let employee = own_employee(context, actor).await?;
    let consent = consent.then(|| SlipConsent::online(context.clock.now()));
    context
        .store
        .set_slip_consent(actor.tenant.id, employee.id, consent.as_ref())
        .await?;
    Ok(())
}

/// The employee of `company_id` that staff with ExportPayroll over the whole company (as for
/// issuing the slips) act on; [`AppError::NotFound`] for one of another company or tenant.
async fn company_employee(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    employee_id: EmployeeId,
) -> Result<Employee, AppError> {
    start_payroll_export(context, actor, company_id).await?;
    context
        .store
        .find_employee(actor.tenant.id, employee_id)
        .await?
        .filter(|employee| employee.company_id == company_id)
        .ok_or(AppError::NotFound)
}

/// Staff record the consent the employee gave in writing on `consented_on` (書面による同意,
/// 同施行令356条): method paper, at 00:00 JST of that day, recorded by the actor. It replaces
/// any earlier consent. A day after today (JST) is refused.
pub async fn record_slip_consent(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    employee_id: EmployeeId,
    consented_on: Date,
) -> Result<Employee, AppError> {
    let employee = company_employee(context, actor, company_id, employee_id).await?;
    if consented_on > super::japan_today(context) {
        return Err(AppError::Invalid {
            field: "consented_on",
            message: "同意日に未来の日付は指定できません".into(),
        });
    }
    let consent = SlipConsent {
        at: consented_on
            .with_time(Time::MIDNIGHT)
            .assume_offset(JAPAN_STANDARD_TIME),
        method: ConsentMethod::Paper,
        recorded_by: Some(actor.user.id),
        recorded_by_name: Some(super::actor_name(actor)),
    };
    context
        .store
        .set_slip_consent(actor.tenant.id, employee.id, Some(&consent))
        .await?;
    Ok(employee)
}

/// Staff withdraw the employee's consent on their (written) request, however it was given.
/// Slips issued before stay readable; later ones are handed on paper.
pub async fn withdraw_slip_consent(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    employee_id: EmployeeId,
) -> Result<Employee, AppError> {
    let employee = company_employee(context, actor, company_id, employee_id).await?;
    context
        .store
        .set_slip_consent(actor.tenant.id, employee.id, None)
        .await?;
    Ok(employee)
}

/// The years the actor has a slip of, newest first.
pub async fn own_slip_years(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<Vec<TaxYear>, AppError> {
    let employee = own_employee(context, actor).await?;
    Ok(context
        .store
        .issued_slip_years(actor.tenant.id, employee.id)
        .await?)
}

/// The actor's slips of the year that corrected ones replaced (訂正前), newest first, each with
/// when it was replaced.
pub async fn own_replaced_slips(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
) -> Result<Vec<(IssuedSlip, nencho_kernel::OffsetDateTime)>, AppError> {
    let employee = own_employee(context, actor).await?;
    Ok(context
        .store
        .replaced_slips(actor.tenant.id, employee.id, tax_year)
        .await?)
}

/// The actor's slip of the year.
pub async fn own_slip(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
) -> Result<IssuedSlip, AppError> {
    let employee = own_employee(context, actor).await?;
    context
        .store
        .find_issued_slip(actor.tenant.id, employee.id, tax_year)
        .await?
        .ok_or(AppError::NotFound)
}

/// What issuing did: every computed employee is either issued or listed for paper delivery.
#[derive(Debug, Default)]
pub struct IssueOutcome {
    /// Issued electronically (and told by e-mail when they have an address).
    pub issued: Vec<Employee>,
    /// Computed but without consent: hand them the slip on paper (the settlement's PDF).
    pub without_consent: Vec<Employee>,
    /// Without an approved declaration: no slip.
    pub not_approved: Vec<Employee>,
    /// Set aside as 対象外 for a reason that makes no 給与所得の源泉徴収票 (非居住者).
    pub without_slip: Vec<Employee>,
    /// The totals' row errors: nothing was issued.
    pub errors: Vec<SettlementRowError>,
}

/// Issues the slips of the settlement of `lines` to the consenting employees (ExportPayroll over
/// the whole company, as for the settlement). All or nothing: with any row error nothing is
/// issued.
pub async fn issue_slips(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    lines: Vec<TotalsLine>,
) -> Result<IssueOutcome, AppError> {
    let settlement = settle(context, actor, company_id, tax_year, lines).await?;
    if !settlement.errors.is_empty() {
        return Ok(IssueOutcome {
            errors: settlement.errors,
            ..IssueOutcome::default()
        });
    }
    let tenant = actor.tenant.id;
    let consented = context
        .store
        .consented_employees(tenant, company_id)
        .await?;
    let now = context.clock.now();
    let mut outcome = IssueOutcome::default();
    let mut slips = Vec::new();
    let mut mails = Vec::new();
    for SettlementLine {
        employee,
        slip,
        outcome: settled,
        ..
    } in settlement.lines
    {
        match slip {
            None if matches!(settled, SettlementOutcome::Excluded { .. }) => {
                outcome.without_slip.push(employee)
            }
            None => outcome.not_approved.push(employee),
            Some(_) if !consented.contains(&employee.id) => outcome.without_consent.push(employee),
            Some(slip) => {
                if let Some(mail) = super::mails::slip_issued(
                    context,
                    &actor.tenant,
                    &settlement.company,
                    &employee,
                    tax_year,
                ) {
                    mails.push(mail);
                }
                slips.push(IssuedSlip {
                    employee_id: employee.id,
                    company_id,
                    tax_year,
                    parties: slip_parties(&employee, &settlement.company),
                    slip: *slip,
                    issued_at: now,
                    issued_by: actor.user.id,
                });
                outcome.issued.push(employee);
            }
        }
    }
    context.store.issue_slips(tenant, &slips, &mails).await?;
    Ok(outcome)
}

/// Employees per page of the consents' page.
pub const CONSENT_PAGE_SIZE: u32 = 50;

/// One page of the company's current employees (by number, searchable as the employee list)
/// with their consent to electronic delivery, for staff who keep the consents given on paper.
#[derive(Debug)]
pub struct ConsentPage {
    pub company: Company,
    pub rows: Vec<(Employee, Option<SlipConsent>)>,
    pub next: Option<nencho_tenancy::EmployeeNumber>,
}

/// The consents' page: ExportPayroll over the whole company, as for issuing the slips.
pub async fn consent_page(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    search: Option<String>,
    after: Option<&str>,
) -> Result<ConsentPage, AppError> {
    let company = start_payroll_export(context, actor, company_id).await?;
    let tenant = actor.tenant.id;
    let query = nencho_ports::EmployeeQuery {
        search: search.filter(|text| !text.trim().is_empty()),
        after: super::page_after(after)?,
        ..nencho_ports::EmployeeQuery::first_page(company_id, CONSENT_PAGE_SIZE)
    };
    let page = context.store.list_employees(tenant, &query).await?;
    let mut rows = Vec::with_capacity(page.employees.len());
    for employee in page.employees {
        let consent = context.store.slip_consent(tenant, employee.id).await?;
        rows.push((employee, consent));
    }
    Ok(ConsentPage {
        company,
        rows,
        next: page.next,
    })
}
