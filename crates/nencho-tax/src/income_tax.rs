//! 算出所得税額 and 年調年税額.

use nencho_kernel::Yen;

use crate::arithmetic::{saturating_sub, scale_floor};
use crate::rules::TaxYearRules;

/// 課税給与所得金額: employment income after 所得金額調整控除 less all deductions, 1,000円未満
/// 切捨て, never negative. Source: NTA 「年末調整のしかた」 109.pdf p.37 (㉒).
pub fn taxable_income(employment_income_after_adjustment: Yen, total_deductions: Yen) -> Yen {
    saturating_sub(employment_income_after_adjustment, total_deductions)
        .clamp_non_negative()
        .floor_to(1_000)
}

/// 算出所得税額 by the 年末調整用 速算表: ≤ 195万 5%; ≤ 330万 10% − 97,500; ≤ 695万 20% − 427,500;
/// ≤ 900万 23% − 636,000; ≤ 1,800万 33% − 1,536,000; ≤ 1,805万 40% − 2,796,000. The table
/// ends at 18,050,000 because 年末調整 stops at a salary of 2,000万; a larger amount is taxed by
/// the last row. Source: 所得税法89条; NTA 115.pdf p.55;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/2260.htm>
pub fn computed_income_tax(rules: &TaxYearRules, taxable_income: Yen) -> Yen {
    let taxable = taxable_income.clamp_non_negative();
    let rates = rules.income_tax_rates;
    rates
        .iter()
        .find(|band| taxable <= band.up_to)
        .or(rates.last())
        .map_or(Yen::ZERO, |band| {
            saturating_sub(scale_floor(taxable, band.percent, 100), band.minus)
        })
        .clamp_non_negative()
}

/// 年調年税額 = 年調所得税額 × 102.1% (所得税 + 復興特別所得税), 100円未満切捨て, computed in
/// integers as × 1,021 / 1,000. Source: 復興財源確保法13条; NTA 109.pdf p.39 (㉖).
pub fn annual_tax_with_surtax(rules: &TaxYearRules, annual_income_tax: Yen) -> Yen {
    scale_floor(
        annual_income_tax.clamp_non_negative(),
        rules.tax_with_surtax_per_mille,
        1_000,
    )
    .floor_to(100)
}
