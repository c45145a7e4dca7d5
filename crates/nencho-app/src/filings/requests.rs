//! Requests (依頼) and reminders (督促) by e-mail, individually or in bulk for everyone who has
//! not submitted, with the deadline in the message (YEA-3).

use nencho_filings::{Actor, Filing, FilingAction};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, EmployeeId, FilingId, TaxYear};
use nencho_ports::{FilingQuery, FilingRow, FilingWrite, OutboxMessage};
use nencho_tenancy::{Company, Tenant};

use super::mails::{CompanyYear, RequestMail};
use super::{author, mails};
use crate::authorization::{list_department, require};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Rows written per transaction in a bulk request.
const BATCH: u32 = 500;

/// Whom to request or remind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipients {
    /// Everyone in the actor's scope whose declaration is due.
    Everyone,
    /// These employees only (those not due are skipped).
    Only(Vec<EmployeeId>),
}

impl Recipients {
    pub(crate) fn includes(&self, employee: EmployeeId) -> bool {
        match self {
            Recipients::Everyone => true,
            Recipients::Only(ids) => ids.contains(&employee),
        }
    }
}

/// What a request or reminder did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Declarations requested, or reminders sent.
    pub done: u64,
    /// Of those, employees without an e-mail address (to be told another way).
    pub without_email: u64,
}

/// 依頼: every 未依頼 declaration among `recipients` becomes 依頼中, with a mail announcing it.
pub async fn request_filings(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    recipients: Recipients,
) -> Result<Outcome, AppError> {
    let (year, department) = prepare(context, actor, company_id, tax_year).await?;
    let mut outcome = Outcome::default();
    let mut query = query(
        company_id,
        tax_year,
        department,
        Some(nencho_filings::FilingStatus::NotRequested),
    );
    loop {
        let page = context.store.list_filings(actor.tenant.id, &query).await?;
        let writes: Vec<FilingWrite> = page
            .rows
            .iter()
            .filter(|row| recipients.includes(row.employee.id))
            .map(|row| request_write(context, actor, &year, row))
            .collect::<Result<_, _>>()?;
        outcome.done += writes.len() as u64;
        outcome.without_email += writes.iter().filter(|write| write.mail.is_none()).count() as u64;
        if !writes.is_empty() {
            context
                .store
                .write_filings(actor.tenant.id, &writes)
                .await?;
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    Ok(outcome)
}

/// 督促: a reminder to everyone among `recipients` whose declaration is requested but not
/// submitted (依頼中, 入力中, 差戻し). Changes no declaration.
pub async fn remind(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    recipients: Recipients,
) -> Result<Outcome, AppError> {
    let (year, department) = prepare(context, actor, company_id, tax_year).await?;
    let mut outcome = Outcome::default();
    let mut query = query(company_id, tax_year, department, None);
    loop {
        let page = context.store.list_filings(actor.tenant.id, &query).await?;
        let reminders = reminders_of(
            context,
            &actor.tenant,
            &year,
            &page.rows,
            &recipients,
            RequestMail::Reminder,
            &mut outcome,
        );
        for mail in &reminders {
            context.store.enqueue_mail(mail).await?;
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    Ok(outcome)
}

/// What is sent to several companies at once from 全社の進捗.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompaniesAction {
    /// 依頼 to everyone not yet requested (as [`request_filings`]).
    Request,
    /// 督促 to everyone awaited (as [`remind`]).
    Remind,
}

/// 依頼 or 督促 in several companies at once, from 全社の進捗, to everyone due in each. Every
/// company is checked first — RequestFilings in all of them, then their periods set — so that
/// one refusal sends nothing at all. Each company once, in the given order.
pub async fn for_companies(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    companies: &[CompanyId],
    action: CompaniesAction,
) -> Result<Vec<(Company, Outcome)>, AppError> {
    let none_chosen = match action {
        CompaniesAction::Request => "依頼する会社を選択してください。",
        CompaniesAction::Remind => "督促する会社を選択してください。",
    };
    let chosen = super::chosen_companies(companies, none_chosen)?;
    // The permission everywhere before any rule: a company out of reach is a 403 whatever the
    // others' periods.
    for company in &chosen {
        require(context, actor, Permission::RequestFilings, Some(*company)).await?;
    }
    let mut prepared = Vec::with_capacity(chosen.len());
    for company in &chosen {
        prepared.push(prepare(context, actor, *company, tax_year).await?.0.company);
    }
    let mut outcomes = Vec::with_capacity(prepared.len());
    for company in prepared {
        let everyone = Recipients::Everyone;
        let outcome = match action {
            CompaniesAction::Request => {
                request_filings(context, actor, company.id, tax_year, everyone).await?
            }
            CompaniesAction::Remind => {
                remind(context, actor, company.id, tax_year, everyone).await?
            }
        };
        outcomes.push((company, outcome));
    }
    Ok(outcomes)
}

/// Whether the reminders are for this declaration: requested but not submitted (依頼中, 入力中,
/// 差戻し).
fn awaits_reminder(row: &FilingRow) -> bool {
    row.filing.as_ref().is_some_and(|filing| {
        filing.status != nencho_filings::FilingStatus::NotRequested
            && filing.status.awaits_employee()
    })
}

/// The reminders (督促) of one page of the progress list, by staff or automatic (`kind`): one
/// mail per employee among `recipients` whose declaration awaits them, counted in `outcome`
/// (those without an e-mail address as `without_email`). Shared by [`remind`] and the automatic
/// reminders of the worker.
pub(crate) fn reminders_of(
    context: &AppContext,
    tenant: &Tenant,
    year: &CompanyYear,
    rows: &[FilingRow],
    recipients: &Recipients,
    kind: RequestMail,
    outcome: &mut Outcome,
) -> Vec<OutboxMessage> {
    let mut mails = Vec::new();
    for row in rows {
        if !awaits_reminder(row) || !recipients.includes(row.employee.id) {
            continue;
        }
        let own_deadline = row.filing.as_ref().and_then(|filing| filing.own_deadline);
        // The schedule counts down to the company's deadline: not to an employee who was
        // given a later one of their own.
        if matches!(kind, RequestMail::AutomaticReminder(_))
            && year.periods.deadline_with(own_deadline) > year.periods.filing.end
        {
            continue;
        }
        outcome.done += 1;
        match mails::request(context, tenant, year, &row.employee, own_deadline, kind) {
            Some(mail) => mails.push(mail),
            None => outcome.without_email += 1,
        }
    }
    mails
}

/// The company with its periods of the year (a reminder names the deadline) and its guidance,
/// and the department the actor's RequestFilings is narrowed to, if any.
pub(crate) async fn prepare(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
) -> Result<(CompanyYear, Option<String>), AppError> {
    let grants = require(context, actor, Permission::RequestFilings, Some(company_id)).await?;
    let department = list_department(&grants, Permission::RequestFilings, company_id, None)?;
    let tenant = actor.tenant.id;
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let periods = context
        .store
        .find_periods(tenant, company_id, tax_year)
        .await?
        .ok_or_else(|| super::not_opened(tax_year))?;
    let guidance = context
        .store
        .find_guidance(tenant, company_id, tax_year)
        .await?;
    Ok((
        CompanyYear {
            company,
            periods,
            guidance,
        },
        department,
    ))
}

pub(crate) fn query(
    company_id: CompanyId,
    tax_year: TaxYear,
    department: Option<String>,
    status: Option<nencho_filings::FilingStatus>,
) -> FilingQuery {
    FilingQuery {
        include_departed: false,
        awaiting_originals: false,
        shared_claims: false,
        own_deadlines: false,
        checked: None,
        company_id,
        tax_year,
        status,
        search: None,
        department,
        after: None,
        limit: BATCH,
    }
}

fn request_write(
    context: &AppContext,
    actor: &CurrentUser,
    year: &CompanyYear,
    row: &FilingRow,
) -> Result<FilingWrite, AppError> {
    let CompanyYear {
        company, periods, ..
    } = year;
    let now = context.clock.now();
    let before = row.filing.clone().unwrap_or_else(|| {
        Filing::new(
            FilingId::generate(context.clock.as_ref()),
            actor.tenant.id,
            company.id,
            row.employee.id,
            periods.tax_year,
            now,
        )
    });
    let applied = before
        .apply(
            &FilingAction::Request,
            &author(actor, Actor::Staff),
            None,
            now,
        )
        .map_err(|error| AppError::Refused(error.to_string()))?;
    Ok(FilingWrite {
        filing: applied.filing,
        expected_version: before.version,
        event: applied.event,
        changes: applied.changes,
        mail: mails::request(
            context,
            &actor.tenant,
            year,
            &row.employee,
            None,
            RequestMail::Request,
        ),
    })
}
