//! Opening a tax year for a company and setting its periods; each change is recorded with who
//! and when.

use nencho_filings::{DateRange, FilingPeriods};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, Date, TaxYear};
use nencho_ports::PeriodChange;
use nencho_tenancy::Company;

use super::actor_name;
use super::guidance::{guidance_typed, set_guidance};
use crate::authorization::require;
use crate::companies::companies_with;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The periods as an administrator enters them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodsInput {
    pub adjustment_start: Date,
    pub adjustment_end: Date,
    pub filing_start: Date,
    pub filing_end: Date,
    pub refiling: Option<(Date, Date)>,
    pub year_round_changes: bool,
}

/// Opens `tax_year` for the company, or changes its periods.
pub async fn set_periods(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    input: PeriodsInput,
) -> Result<FilingPeriods, AppError> {
    require(context, actor, Permission::ManagePeriods, Some(company_id)).await?;
    let tenant = actor.tenant.id;
    context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let periods = periods_from(company_id, tax_year, &input)?;
    let change = PeriodChange {
        company_id,
        tax_year,
        at: context.clock.now(),
        actor: actor.user.id,
        actor_name: actor_name(actor),
        summary: summary(&periods),
    };
    context.store.put_periods(tenant, &periods, &change).await?;
    Ok(periods)
}

/// 期間の一括設定: the same periods for several companies at once (a 社労士 office opening the
/// year for its clients), and, when `guidance` is given, the same 会社からのご案内 (blank clears
/// it). ManagePeriods in every chosen company, the dates and the guidance are checked before
/// anything is written, so a refusal sets nothing; then each company's periods (and guidance)
/// are set and recorded as [`set_periods`] and [`super::guidance::set_guidance`] do. Each
/// company once, in the given order.
pub async fn set_periods_of_companies(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    companies: &[CompanyId],
    input: PeriodsInput,
    guidance: Option<&str>,
) -> Result<Vec<FilingPeriods>, AppError> {
    let chosen = super::chosen_companies(companies, "期間を設定する会社を選択してください。")?;
    for company in &chosen {
        require(context, actor, Permission::ManagePeriods, Some(*company)).await?;
    }
    if let Some(first) = chosen.first() {
        periods_from(*first, tax_year, &input)?;
    }
    if let Some(text) = guidance {
        guidance_typed(text)?;
    }
    let mut set = Vec::with_capacity(chosen.len());
    for company in chosen {
        set.push(set_periods(context, actor, company, tax_year, input.clone()).await?);
        if let Some(text) = guidance {
            set_guidance(context, actor, company, tax_year, text).await?;
        }
    }
    Ok(set)
}

/// The periods `input` describes for the company, or why they cannot be (an unsupported tax
/// year, dates out of order).
fn periods_from(
    company_id: CompanyId,
    tax_year: TaxYear,
    input: &PeriodsInput,
) -> Result<FilingPeriods, AppError> {
    if nencho_tax::rules_for(tax_year).is_err() {
        return Err(AppError::Invalid {
            field: "tax_year",
            message: format!("{}年分の税制にはまだ対応していません。", tax_year.year()),
        });
    }
    let invalid = |error: nencho_filings::PeriodError| AppError::Invalid {
        field: "periods",
        message: error.to_string(),
    };
    let refiling = input
        .refiling
        .map(|(start, end)| DateRange::new(start, end))
        .transpose()
        .map_err(invalid)?;
    FilingPeriods::new(
        company_id,
        tax_year,
        DateRange::new(input.adjustment_start, input.adjustment_end).map_err(invalid)?,
        DateRange::new(input.filing_start, input.filing_end).map_err(invalid)?,
        refiling,
        input.year_round_changes,
    )
    .map_err(invalid)
}

/// The companies whose periods the user may set (ManagePeriods), each with its periods of
/// `tax_year` if opened, for 期間の一括設定. [`AppError::Forbidden`] when there is none.
pub async fn periods_of_companies(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
) -> Result<Vec<(Company, Option<FilingPeriods>)>, AppError> {
    let companies = companies_with(context, actor, Permission::ManagePeriods).await?;
    if companies.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut found = Vec::with_capacity(companies.len());
    for company in companies {
        let periods = context
            .store
            .find_periods(actor.tenant.id, company.id, tax_year)
            .await?;
        found.push((company, periods));
    }
    Ok(found)
}

/// The periods and their change log, for the settings page.
pub async fn periods_of(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
) -> Result<(Option<FilingPeriods>, Vec<PeriodChange>), AppError> {
    require(context, actor, Permission::ViewFilings, Some(company_id)).await?;
    let tenant = actor.tenant.id;
    let periods = context
        .store
        .find_periods(tenant, company_id, tax_year)
        .await?;
    let changes = context
        .store
        .period_changes(tenant, company_id, tax_year)
        .await?;
    Ok((periods, changes))
}

/// `年末調整期間 2026-11-01〜2027-01-31 / 提出期間 … / 再提出期間 なし / 通年申告 受付しない`.
pub fn summary(periods: &FilingPeriods) -> String {
    let range = |range: &DateRange| format!("{}〜{}", range.start, range.end);
    format!(
        "年末調整期間 {} / 提出期間 {} / 再提出期間 {} / 通年申告 {}",
        range(&periods.adjustment),
        range(&periods.filing),
        periods.refiling.as_ref().map_or("なし".to_owned(), range),
        if periods.year_round_changes {
            "受付する"
        } else {
            "受付しない"
        },
    )
}
