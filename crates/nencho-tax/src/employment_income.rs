//! 給与所得控除後の給与等の金額 and 所得金額調整控除.

use nencho_kernel::Yen;

use crate::arithmetic::{saturating_sub, scale_ceil, scale_floor};
use crate::rules::{LinearBand, TaxYearRules};

/// The width of the regular rows of the year-end table (別表第五).
const TABLE_ROW_WIDTH: i64 = 4_000;

/// 給与所得控除後の給与等の金額 for `salary_total` (給与等の金額), as 年末調整 computes it:
/// below 6,600,000 by the year-end table (所得税法別表第五; for 2026 also 租税特別措置法29条の4②),
/// from 6,600,000 by the 所得税法28条 formula (1円未満切捨て). A negative salary counts as zero.
///
/// 2025: 0 below 651,000; X − 650,000 below 1,900,000; 4,000-yen rows from 1,900,000.
/// 2026: 0 below 741,000; X − 740,000 below 2,191,000; three irregular rows; 4,000-yen rows
/// from 2,200,000. Both: A × 70% − 80,000 below 3,600,000, A × 80% − 440,000 below 6,600,000
/// (A = X rounded down to 4,000), then floor(X × 90%) − 1,100,000 below 8,500,000, then
/// X − 1,950,000.
/// Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1410.htm> ; NTA
/// 「年末調整のしかた」 114.pdf (令和7年分, 令和8年分).
pub fn employment_income(rules: &TaxYearRules, salary_total: Yen) -> Yen {
    let table = &rules.employment_income;
    let salary = salary_total.clamp_non_negative();
    let value = if salary < table.zero_below {
        Yen::ZERO
    } else if salary < table.exact_band_end {
        salary - table.minimum_deduction
    } else if salary < table.four_thousand_rows_start {
        // The printed rows between the exact band and the 4,000-yen rows; each runs to the next.
        table
            .irregular_rows
            .iter()
            .rev()
            .find(|row| row.from <= salary)
            .map_or(salary - table.minimum_deduction, |row| row.value)
    } else if salary < table.formula_from {
        let row_start = salary.floor_to(TABLE_ROW_WIDTH);
        apply_linear_bands(table.four_thousand_row_bands, salary, row_start)
    } else {
        apply_linear_bands(table.formula_bands, salary, salary)
    };
    value.clamp_non_negative()
}

/// The first band whose `below` exceeds `band_key` (the last band if none does), applied to
/// `base`: base × percent / 100 (1円未満切捨て) − minus.
fn apply_linear_bands(bands: &[LinearBand], band_key: Yen, base: Yen) -> Yen {
    bands
        .iter()
        .find(|band| band_key < band.below)
        .or(bands.last())
        .map_or(Yen::ZERO, |band| {
            saturating_sub(scale_floor(base, band.percent, 100), band.minus)
        })
}

/// 所得金額調整控除 (子ども・特別障害者等を有する者等の所得金額調整控除): when `qualifies` (the
/// employee, a 同一生計配偶者 or a 扶養親族 is a 特別障害者, or a 扶養親族 is under 23, whoever
/// claims that 扶養親族; [`crate::compute_year_end_adjustment`] decides this from the request) and
/// 給与等の収入金額 exceeds 8,500,000:
/// (min(X, 10,000,000) − 8,500,000) × 10%, 1円未満切上げ (hence at most 150,000).
/// Source: 租税特別措置法41条の3の11①, 41条の3の12;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1411.htm>
pub fn income_adjustment_deduction(
    rules: &TaxYearRules,
    salary_total: Yen,
    qualifies: bool,
) -> Yen {
    let rule = &rules.income_adjustment;
    if !qualifies || salary_total <= rule.salary_threshold {
        return Yen::ZERO;
    }
    let counted = salary_total.min(rule.salary_ceiling) - rule.salary_threshold;
    scale_ceil(counted, rule.percent, 100)
}
