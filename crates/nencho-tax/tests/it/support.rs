//! Shared helpers: short constructors for amounts, years, dates and requests.

use nencho_kernel::{Date, Month, TaxYear, Yen};
use nencho_tax::{
    Relative, TaxYearRules, YearEndAdjustmentRequest, YearEndAdjustmentResult,
    compute_year_end_adjustment, rules_for,
};

pub fn yen(amount: i64) -> Yen {
    Yen::new(amount)
}

pub fn tax_year(year: i32) -> TaxYear {
    TaxYear::new(year).unwrap()
}

pub fn rules(year: i32) -> &'static TaxYearRules {
    rules_for(tax_year(year)).unwrap()
}

pub fn date(year: i32, month: u8, day: u8) -> Date {
    Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
}

pub fn compute(year: i32, request: &YearEndAdjustmentRequest) -> YearEndAdjustmentResult {
    compute_year_end_adjustment(tax_year(year), request).unwrap()
}

/// A request with only salary, social insurance and tax withheld.
pub fn salary_request(
    salary_total: i64,
    social_insurance: i64,
    tax_withheld: i64,
) -> YearEndAdjustmentRequest {
    YearEndAdjustmentRequest {
        salary_total: yen(salary_total),
        social_insurance: yen(social_insurance),
        tax_withheld: yen(tax_withheld),
        ..YearEndAdjustmentRequest::default()
    }
}

pub fn relative(birth_date: Date, total_income: i64) -> Relative {
    Relative::new(birth_date, yen(total_income))
}

pub const BOTH_YEARS: [i32; 2] = [2025, 2026];
