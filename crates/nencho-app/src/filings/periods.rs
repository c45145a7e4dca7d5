//! Opening a tax year for a company and setting its periods; each change is recorded with who
//! and when.

use nencho_filings::{DateRange, FilingPeriods};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, Date, TaxYear};
use nencho_ports::PeriodChange;

use super::actor_name;
use crate::authorization::require;
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
    let periods = FilingPeriods::new(
        company_id,
        tax_year,
        DateRange::new(input.adjustment_start, input.adjustment_end).map_err(invalid)?,
        DateRange::new(input.filing_start, input.filing_end).map_err(invalid)?,
        refiling,
        input.year_round_changes,
    )
    .map_err(invalid)?;
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
