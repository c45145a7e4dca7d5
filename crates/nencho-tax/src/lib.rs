//! The Japanese year-end tax adjustment (年末調整) engine: each supported tax year's rules as
//! data (one module per year under `rules`), and pure functions that apply them — the
//! employment-income table (給与所得控除後の給与等の金額), every deduction a year-end adjustment
//! handles, the classification of relatives, and the whole computation down to the refund or
//! additional collection.
//!
//! Pure domain: depends only on `nencho-kernel`, `thiserror` and `time`; no I/O, no clock, no
//! wire formats (the web adapter owns the JSON shape of the calculator contract, onto which
//! [`YearEndAdjustmentRequest`] and [`YearEndAdjustmentResult`] map one to one).
//!
//! Entry points: [`compute_year_end_adjustment`] for the whole computation, [`supported_years`],
//! and [`rules_for`] to get a year's [`TaxYearRules`] for the individual rule functions
//! ([`employment_income`], [`basic_deduction`], [`classify_relative`], …).
//!
//! Figures and sources: docs `rules-2025-2026.md`; each rule's doc comment cites its article or
//! NTA page. Rules the research could not confirm are each one constant marked `UNCONFIRMED`.

mod arithmetic;
mod computation;
mod employment_income;
mod error;
mod housing_loan;
mod income_tax;
mod insurance;
mod personal_deductions;
mod relatives;
mod request;
mod result;
mod rules;

pub use computation::{MAXIMUM_AMOUNT, compute_year_end_adjustment};
pub use employment_income::{employment_income, income_adjustment_deduction};
pub use error::{InputProblem, TaxError};
pub use housing_loan::housing_loan_credit;
pub use income_tax::{annual_tax_with_surtax, computed_income_tax, taxable_income};
pub use insurance::{earthquake_insurance_deduction, life_insurance_deduction};
pub use personal_deductions::{
    basic_deduction, dependent_deduction, disability_deduction, is_elderly_spouse,
    is_same_livelihood_spouse, personal_status_deduction, single_parent_child_income_limit,
    specific_relative_deduction, spouse_deduction,
};
pub use relatives::{
    PROVISIONAL_LIMITS_YEAR, RelativeClass, age_at_year_end, classify_relative,
    classify_relative_in, is_withholding_spouse_in,
};
pub use request::{
    Disability, EarthquakeInsurancePremiums, LifeInsurancePremiums, Relative, Spouse, Taxpayer,
    YearEndAdjustmentRequest,
};
pub use result::{Deductions, IneligibilityReason, YearEndAdjustmentResult};
pub use rules::{TaxYearRules, rules_for, supported_years};
