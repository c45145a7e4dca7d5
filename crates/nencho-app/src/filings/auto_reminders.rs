//! Automatic reminders before the filing deadline (YEA-4): the maintenance worker mails everyone
//! who has not submitted (依頼中, 入力中, 差戻し) on the schedule of
//! [`nencho_filings::due_reminder`] — 7, 3 and 1 days before the filing period's last day and on
//! the last day, from 09:00 Japan time — in every company of every contract that has not ended,
//! for the tax year whose adjustment is under way — except companies that turned them off
//! (`CompanyProfile::auto_reminders`).
//!
//! An employee staff gave a later deadline of their own (個別の提出期限) is left out of the
//! company's schedule and gets the same schedule counted down to their own last day instead
//! ([`nencho_filings::FilingPeriods::own_reminder_window`]), claimed per declaration
//! ([`nencho_ports::ReminderStore::claim_own_reminder`]).
//!
//! Each reminder day is sent once per company and year however many workers run and however
//! often: the store claims the day and queues the mails in one transaction
//! ([`nencho_ports::ReminderStore::claim_reminder`]), and only the claimer's mails exist. The
//! mails are those of the administrators' 督促 ([`super::requests::remind`]), marked as sent
//! automatically (自動送信).

use std::collections::HashMap;

use nencho_filings::{FilingPeriods, ReminderDay, adjustment_year, due_reminder};
use nencho_kernel::{CompanyId, FilingId, JAPAN_STANDARD_TIME, OffsetDateTime, TaxYear};
use nencho_tenancy::{Company, Slug, Tenant};

use super::mails::{self, CompanyYear, RequestMail};
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

/// One reminder toward a declaration's own deadline (個別の提出期限).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentOwnReminder {
    pub tenant: Slug,
    pub company_id: CompanyId,
    pub filing_id: FilingId,
    pub reminder: ReminderDay,
    /// `false`: the employee has no e-mail address (the day is claimed, no mail).
    pub mailed: bool,
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// The companies reminded in this run.
    pub sent: Vec<SentReminder>,
    /// The declarations reminded toward a deadline of their own in this run.
    pub own_deadlines: Vec<SentOwnReminder>,
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
            .sum::<u64>()
            + self.own_deadlines.iter().filter(|sent| sent.mailed).count() as u64
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
            if let Err(error) =
                remind_company(context, &tenant, &company, tax_year, now, &mut report).await
            {
                report
                    .failed
                    .push((tenant.slug.clone(), Some(company.id), error.to_string()));
            }
        }
    }
    Ok(report)
}

/// The company's reminder due at `now`, if any, then those toward its employees' own deadlines,
/// into `report`.
async fn remind_company(
    context: &AppContext,
    tenant: &Tenant,
    company: &Company,
    tax_year: TaxYear,
    now: OffsetDateTime,
    report: &mut ReminderReport,
) -> Result<(), AppError> {
    let Some(periods) = context
        .store
        .find_periods(tenant.id, company.id, tax_year)
        .await?
    else {
        return Ok(());
    };
    let mut year = YearOnDemand::new(company, periods);
    let last_sent = context
        .store
        .last_reminder(tenant.id, company.id, tax_year)
        .await?;
    if let Some(reminder) = due_reminder(year.periods.filing, last_sent, now) {
        let year = year.get(context, tenant).await?;
        let (mails, outcome) = reminders(context, tenant, year, reminder).await?;
        let claimed = context
            .store
            .claim_reminder(tenant.id, company.id, tax_year, reminder.day, now, &mails)
            .await?;
        if claimed {
            report.sent.push(SentReminder {
                tenant: tenant.slug.clone(),
                company_id: company.id,
                tax_year,
                reminder,
                outcome,
            });
        } else {
            report.already_sent += 1;
        }
    }
    remind_own_deadlines(context, tenant, &mut year, now, report).await
}

/// The reminders due at `now` toward the own deadlines of the company's declarations awaiting
/// their employees (few: read from the store's partial index), each claimed on its own.
async fn remind_own_deadlines(
    context: &AppContext,
    tenant: &Tenant,
    year: &mut YearOnDemand<'_>,
    now: OffsetDateTime,
    report: &mut ReminderReport,
) -> Result<(), AppError> {
    let (company_id, tax_year) = (year.company.id, year.periods.tax_year);
    let mut query = query(company_id, tax_year, None, None);
    query.own_deadlines = true;
    let mut page = context.store.list_filings(tenant.id, &query).await?;
    if page.rows.is_empty() {
        return Ok(());
    }
    let sent: HashMap<FilingId, nencho_kernel::Date> = context
        .store
        .own_reminders_sent(tenant.id, company_id, tax_year)
        .await?
        .into_iter()
        .collect();
    loop {
        for row in &page.rows {
            let Some(filing) = &row.filing else { continue };
            let Some(window) = year.periods.own_reminder_window(filing) else {
                continue;
            };
            let last_sent = sent.get(&filing.id).copied();
            let Some(reminder) = due_reminder(window, last_sent, now) else {
                continue;
            };
            let year = year.get(context, tenant).await?;
            let mail = mails::request(
                context,
                tenant,
                year,
                &row.employee,
                filing.own_deadline,
                RequestMail::AutomaticReminder(reminder),
            );
            let mailed = mail.is_some();
            let mails: Vec<_> = mail.into_iter().collect();
            if context
                .store
                .claim_own_reminder(tenant.id, filing.id, reminder.day, now, &mails)
                .await?
            {
                report.own_deadlines.push(SentOwnReminder {
                    tenant: tenant.slug.clone(),
                    company_id,
                    filing_id: filing.id,
                    reminder,
                    mailed,
                });
            } else {
                report.already_sent += 1;
            }
        }
        match page.next {
            Some(next) => {
                query.after = Some(next);
                page = context.store.list_filings(tenant.id, &query).await?;
            }
            None => return Ok(()),
        }
    }
}

/// The company's year, its guidance read only when a reminder is due (most runs send none).
struct YearOnDemand<'a> {
    company: &'a Company,
    periods: FilingPeriods,
    loaded: Option<CompanyYear>,
}

impl<'a> YearOnDemand<'a> {
    fn new(company: &'a Company, periods: FilingPeriods) -> Self {
        Self {
            company,
            periods,
            loaded: None,
        }
    }

    async fn get(
        &mut self,
        context: &AppContext,
        tenant: &Tenant,
    ) -> Result<&CompanyYear, AppError> {
        let loaded = match self.loaded.take() {
            Some(loaded) => loaded,
            None => CompanyYear {
                company: self.company.clone(),
                periods: self.periods.clone(),
                guidance: context
                    .store
                    .find_guidance(tenant.id, self.company.id, self.periods.tax_year)
                    .await?,
            },
        };
        Ok(self.loaded.insert(loaded))
    }
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
