//! Automatic reminders before the filing deadline (YEA-4): the maintenance worker mails everyone
//! who has not submitted (依頼中, 入力中, 差戻し) on the schedule of
//! [`nencho_filings::due_reminder`] — 7, 3 and 1 days before the filing period's last day and on
//! the last day, from 09:00 Japan time — in every company of every contract that has not ended,
//! for the tax year whose adjustment is under way — except companies that turned them off
//! (`CompanyProfile::auto_reminders`).
//!
//! Each reminder day is sent once per company and year however many workers run and however
//! often: the store claims the day and queues the mails in one transaction
//! ([`nencho_ports::ReminderStore::claim_reminder`]), and only the claimer's mails exist. The
//! mails are those of the administrators' 督促 ([`super::requests::remind`]), marked as sent
//! automatically (自動送信).

use nencho_filings::{ReminderDay, adjustment_year, due_reminder};
use nencho_kernel::{CompanyId, JAPAN_STANDARD_TIME, OffsetDateTime, TaxYear};
use nencho_tenancy::{Company, Slug, Tenant};

use super::mails::{CompanyYear, RequestMail};
use super::requests::{Outcome, Recipients, query, reminders_of};
use crate::{AppContext, AppError};

/// One reminder day sent to one company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReminder {
    pub tenant: Slug,
    pub company_id: CompanyId,
    pub tax_year: TaxYear,
    pub reminder: ReminderDay,
    /// Reminders sent (`done`), of them employees without an e-mail address (no mail).
    pub outcome: Outcome,
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// The companies reminded in this run.
    pub sent: Vec<SentReminder>,
    /// Companies whose reminder was due but already sent by another worker meanwhile.
    pub already_sent: u64,
    /// What failed (the contract, the company — `None` when its companies could not be
    /// listed —, the error); retried on the next run.
    pub failed: Vec<(Slug, Option<CompanyId>, String)>,
}

impl ReminderReport {
    /// Mails queued in this run.
    pub fn mails(&self) -> u64 {
        self.sent
            .iter()
            .map(|sent| sent.outcome.done - sent.outcome.without_email)
            .sum()
    }
}

/// Sends the reminders due at `now` in every company of every contract that has not ended (a
/// contract under notice of its end is still served) that has not turned them off. Safe to run as often as wanted and from
/// several workers at once. Fails only when the contracts cannot be listed; a company that fails
/// is reported and the others go on.
pub async fn send_due_reminders(
    context: &AppContext,
    now: OffsetDateTime,
) -> Result<ReminderReport, AppError> {
    let today = now.to_offset(JAPAN_STANDARD_TIME).date();
    let tax_year = TaxYear::new(adjustment_year(today)).map_err(|error| AppError::Invalid {
        field: "tax_year",
        message: error.to_string(),
    })?;
    let mut report = ReminderReport::default();
    for tenant in context.store.list_tenants().await? {
        if tenant.status.is_over() {
            continue;
        }
        let companies = match context.store.list_companies(tenant.id).await {
            Ok(companies) => companies,
            Err(error) => {
                report
                    .failed
                    .push((tenant.slug.clone(), None, error.to_string()));
                continue;
            }
        };
        for company in companies {
            if !company.profile.auto_reminders {
                continue;
            }
            match remind_company(context, &tenant, &company, tax_year, now).await {
                Ok(Some(Some(sent))) => report.sent.push(sent),
                Ok(Some(None)) => report.already_sent += 1,
                Ok(None) => {}
                Err(error) => {
                    report
                        .failed
                        .push((tenant.slug.clone(), Some(company.id), error.to_string()))
                }
            }
        }
    }
    Ok(report)
}

/// `None`: nothing due; `Some(None)`: due, but another worker claimed it first.
async fn remind_company(
    context: &AppContext,
    tenant: &Tenant,
    company: &Company,
    tax_year: TaxYear,
    now: OffsetDateTime,
) -> Result<Option<Option<SentReminder>>, AppError> {
    let Some(periods) = context
        .store
        .find_periods(tenant.id, company.id, tax_year)
        .await?
    else {
        return Ok(None);
    };
    let last_sent = context
        .store
        .last_reminder(tenant.id, company.id, tax_year)
        .await?;
    let Some(reminder) = due_reminder(&periods, last_sent, now) else {
        return Ok(None);
    };
    let guidance = context
        .store
        .find_guidance(tenant.id, company.id, tax_year)
        .await?;
    let year = CompanyYear {
        company: company.clone(),
        periods,
        guidance,
    };
    let (mails, outcome) = reminders(context, tenant, &year, reminder).await?;
    let claimed = context
        .store
        .claim_reminder(tenant.id, company.id, tax_year, reminder.day, now, &mails)
        .await?;
    Ok(Some(claimed.then(|| SentReminder {
        tenant: tenant.slug.clone(),
        company_id: company.id,
        tax_year,
        reminder,
        outcome,
    })))
}

/// Every reminder of the company (all departments, current employees), in memory: they are
/// queued in the claim's one transaction.
async fn reminders(
    context: &AppContext,
    tenant: &Tenant,
    year: &CompanyYear,
    reminder: ReminderDay,
) -> Result<(Vec<nencho_ports::OutboxMessage>, Outcome), AppError> {
    let mut outcome = Outcome::default();
    let mut mails = Vec::new();
    let mut query = query(year.company.id, year.periods.tax_year, None, None);
    loop {
        let page = context.store.list_filings(tenant.id, &query).await?;
        mails.extend(reminders_of(
            context,
            tenant,
            year,
            &page.rows,
            &Recipients::Everyone,
            RequestMail::AutomaticReminder(reminder),
            &mut outcome,
        ));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    Ok((mails, outcome))
}
