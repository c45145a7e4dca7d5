//! The parameters of each tax year, as data. One module per year (`year_2025`, `year_2026`)
//! lists every figure of that year; figures that have not changed for many years live in
//! [`common`] under names that say since when they apply, and the year modules point to them.
//!
//! Adding a year means adding one module with its [`TaxYearRules`] static, listing it in
//! [`ALL_YEARS`], and adding its tests.

pub(crate) mod common;
mod year_2025;
mod year_2026;

use nencho_kernel::{TaxYear, Yen};

use crate::TaxError;

/// Every year the engine can compute, oldest first.
static ALL_YEARS: [&TaxYearRules; 2] = [&year_2025::RULES, &year_2026::RULES];

/// The rules of one calendar tax year (暦年), e.g. 2026 = 令和8年分.
///
/// Obtained from [`rules_for`]; every calculation function of this crate takes one.
#[derive(Debug, Clone, Copy)]
pub struct TaxYearRules {
    pub(crate) year: i32,
    /// 給与所得控除後の給与等の金額の表 (所得税法別表第五) and the formula above it.
    pub(crate) employment_income: EmploymentIncomeTable,
    /// 所得金額調整控除 (租税特別措置法41条の3の11①).
    pub(crate) income_adjustment: IncomeAdjustmentRule,
    /// 基礎控除 by the employee's 合計所得金額 (所得税法86条, 租税特別措置法41条の16の2).
    pub(crate) basic_deduction: &'static [IncomeBand],
    /// The 合計所得金額 at or below which a relative can be a 扶養親族 and a spouse a
    /// 同一生計配偶者 (所得税法2条①33号・34号).
    pub(crate) dependent_income_limit: Yen,
    pub(crate) ages: AgeBoundaries,
    pub(crate) spouse: SpouseDeductionRules,
    pub(crate) dependents: DependentDeductionAmounts,
    /// 特定親族特別控除 (所得税法84条の2); the bands start above `dependent_income_limit`.
    pub(crate) specific_relative: &'static [IncomeBand],
    pub(crate) disability: DisabilityDeductionAmounts,
    pub(crate) personal_status: PersonalStatusRules,
    pub(crate) life_insurance: LifeInsuranceRules,
    pub(crate) earthquake_insurance: EarthquakeInsuranceRules,
    /// 年末調整用の算出所得税額の速算表.
    pub(crate) income_tax_rates: &'static [RateBand],
    /// 年調年税額 = 年調所得税額 × this / 1,000 (102.1% = 所得税 + 復興特別所得税 2.1%).
    pub(crate) tax_with_surtax_per_mille: i64,
    /// 年末調整 is done only when 給与等の金額 is at most this (所得税法190条).
    pub(crate) salary_eligibility_limit: Yen,
    /// A 定額減税 (special tax reduction) per qualifying person, taken off 年調所得税額; zero
    /// when the year has none. See the year modules for why it is a parameter.
    pub(crate) flat_rate_tax_reduction_per_person: Yen,
}

impl TaxYearRules {
    /// The calendar year these rules are for (2026 = 令和8年分).
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The 合計所得金額 limit for a 扶養親族 or 同一生計配偶者 (58万 in 2025, 62万 in 2026).
    pub fn dependent_income_limit(&self) -> Yen {
        self.dependent_income_limit
    }
}

/// The rules of `year`, or [`TaxError::UnsupportedYear`].
pub fn rules_for(year: TaxYear) -> Result<&'static TaxYearRules, TaxError> {
    ALL_YEARS
        .iter()
        .copied()
        .find(|rules| rules.year == year.year())
        .ok_or(TaxError::UnsupportedYear(year.year()))
}

/// The tax years the engine can compute, oldest first.
pub fn supported_years() -> Vec<TaxYear> {
    ALL_YEARS
        .iter()
        .filter_map(|rules| TaxYear::new(rules.year).ok())
        .collect()
}

/// One band of a table keyed by an income: the band applies when the income is at most
/// `up_to` and above the previous band's `up_to`. Above the last band the amount is zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IncomeBand {
    pub up_to: Yen,
    pub amount: Yen,
}

/// The amount of the first band whose `up_to` is at least `income`; zero above all bands.
pub(crate) fn band_amount(bands: &[IncomeBand], income: Yen) -> Yen {
    bands
        .iter()
        .find(|band| income <= band.up_to)
        .map_or(Yen::ZERO, |band| band.amount)
}

/// `base × percent / 100 − minus` for `base` below `below` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinearBand {
    pub below: Yen,
    pub percent: i64,
    pub minus: Yen,
}

/// A row of the year-end table printed with its own value (the 2026 rows just below 2,200,000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TableRow {
    pub from: Yen,
    pub value: Yen,
}

/// 給与所得控除後の給与等の金額, as the year-end table (別表第五) states it below 6,600,000
/// and as the 所得税法28条 formula gives it above.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EmploymentIncomeTable {
    /// Salaries below this give 0 (the table's first row, "651,000円未満").
    pub zero_below: Yen,
    /// From `zero_below` to `exact_band_end` (exclusive) the value is salary − this, to the yen.
    pub minimum_deduction: Yen,
    pub exact_band_end: Yen,
    /// Rows printed with their own value between `exact_band_end` and
    /// `four_thousand_rows_start`; each runs to the next row's `from`.
    pub irregular_rows: &'static [TableRow],
    /// Where the 4,000-yen rows begin; they run to `formula_from`.
    pub four_thousand_rows_start: Yen,
    /// Applied to A = the row start (salary rounded down to a multiple of 4,000).
    pub four_thousand_row_bands: &'static [LinearBand],
    /// From here the table is not used and the formula applies to the salary itself.
    pub formula_from: Yen,
    /// Applied to the salary, 1円未満切捨て.
    pub formula_bands: &'static [LinearBand],
}

/// 所得金額調整控除: (min(salary, ceiling) − threshold) × percent, 1円未満切上げ, only when the
/// salary exceeds the threshold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IncomeAdjustmentRule {
    pub salary_threshold: Yen,
    pub salary_ceiling: Yen,
    pub percent: i64,
    /// The age below which a 扶養親族 qualifies the employee (年齢23歳未満).
    pub qualifying_dependent_age_below: i32,
}

/// Ages at 31 December of the tax year (年齢は12月31日現況) that separate the classes of
/// relatives (所得税法2条①33号の2・34号〜34号の4, 84条の2).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AgeBoundaries {
    /// Below this: 年少扶養親族 (no 扶養控除).
    pub dependent_deduction_from: i32,
    /// 特定扶養親族 and 特定親族: from this age …
    pub specific_from: i32,
    /// … to below this age.
    pub specific_below: i32,
    /// 老人扶養親族, 老人控除対象配偶者: from this age.
    pub elderly_from: i32,
}

/// 配偶者控除 (所得税法83条) and 配偶者特別控除 (83条の2), by the employee's 合計所得金額
/// column (at most 900万 / 950万 / 1,000万; above the last, nothing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpouseDeductionRules {
    pub employee_income_columns: [Yen; 3],
    pub spouse_deduction: [Yen; 3],
    pub elderly_spouse_deduction: [Yen; 3],
    /// By the spouse's 合計所得金額; the first band starts above `dependent_income_limit`.
    pub special_deduction_bands: &'static [SpouseSpecialBand],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpouseSpecialBand {
    pub spouse_income_up_to: Yen,
    pub amounts: [Yen; 3],
}

/// 扶養控除 (所得税法84条, 租税特別措置法41条の16).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DependentDeductionAmounts {
    pub general: Yen,
    pub specific: Yen,
    pub elderly: Yen,
    pub elderly_parent_living_together: Yen,
}

/// 障害者控除 (所得税法79条).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DisabilityDeductionAmounts {
    pub general: Yen,
    pub special: Yen,
    pub special_living_together: Yen,
}

/// 寡婦控除 (所得税法80条), ひとり親控除 (81条), 勤労学生控除 (82条).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PersonalStatusRules {
    pub widow: Yen,
    pub widow_income_limit: Yen,
    pub single_parent: Yen,
    pub single_parent_income_limit: Yen,
    /// The child's 総所得金額等 limit (生計を一にする子).
    pub single_parent_child_income_limit: Yen,
    pub working_student: Yen,
    pub working_student_income_limit: Yen,
    /// 給与所得等以外の所得 limit.
    pub working_student_other_income_limit: Yen,
}

/// A premium-to-deduction formula: the first step whose `up_to` covers the premium gives
/// premium / divisor (1円未満切上げ) + plus; above the last step the deduction is `maximum`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PremiumFormula {
    pub steps: &'static [PremiumStep],
    pub maximum: Yen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PremiumStep {
    pub up_to: Yen,
    pub divisor: i64,
    pub plus: Yen,
}

/// 生命保険料控除 (所得税法76条).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LifeInsuranceRules {
    /// 新契約 (2012年以後) formula, for 一般, 介護医療, 個人年金.
    pub new_contract: PremiumFormula,
    /// 旧契約 (2011年以前) formula, for 一般 and 個人年金.
    pub old_contract: PremiumFormula,
    /// Cap on new + old in one category when both are claimed.
    pub new_and_old_combined_cap: Yen,
    /// Cap on the three categories together.
    pub total_cap: Yen,
    /// The special for employees with a 扶養親族 under 23, if the year has it.
    pub child_special: Option<LifeInsuranceChildSpecial>,
}

/// The 令和8年分 special for 新生命保険料 (一般) when the employee has a 扶養親族 under 23.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LifeInsuranceChildSpecial {
    pub new_general: PremiumFormula,
    pub new_and_old_combined_cap: Yen,
    pub qualifying_dependent_age_below: i32,
    /// Whether a child whom another earner claims as a dependant still qualifies.
    pub counts_dependents_claimed_by_other_earner: bool,
}

/// 地震保険料控除 (所得税法77条, 平成18年改正法附則10条 for 旧長期損害保険料).
#[derive(Debug, Clone, Copy)]
pub(crate) struct EarthquakeInsuranceRules {
    pub earthquake_maximum: Yen,
    pub old_long_term: PremiumFormula,
    pub total_cap: Yen,
}

/// One row of the 速算表: for taxable income at most `up_to`, taxable × percent / 100 − minus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateBand {
    pub up_to: Yen,
    pub percent: i64,
    pub minus: Yen,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascending(values: impl IntoIterator<Item = Yen>) -> bool {
        let values: Vec<Yen> = values.into_iter().collect();
        values.windows(2).all(|pair| pair[0] < pair[1])
    }

    #[test]
    fn every_year_is_a_valid_tax_year_listed_once_in_order() {
        let years: Vec<i32> = ALL_YEARS.iter().map(|rules| rules.year).collect();
        assert!(years.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(supported_years().len(), ALL_YEARS.len());
    }

    #[test]
    fn every_table_is_in_ascending_band_order() {
        for rules in ALL_YEARS {
            let table = &rules.employment_income;
            // 0-row end < one-yen band end = first irregular row (if any) < … < 4,000-yen rows.
            let mut edges = vec![table.zero_below, table.exact_band_end];
            edges.extend(table.irregular_rows.iter().skip(1).map(|row| row.from));
            if table.exact_band_end < table.four_thousand_rows_start {
                assert_eq!(
                    table.irregular_rows.first().map(|row| row.from),
                    Some(table.exact_band_end)
                );
                edges.push(table.four_thousand_rows_start);
            } else {
                assert!(table.irregular_rows.is_empty());
            }
            assert!(ascending(edges), "{}", rules.year);
            assert!(ascending(
                table.four_thousand_row_bands.iter().map(|band| band.below)
            ));
            assert!(ascending(table.formula_bands.iter().map(|band| band.below)));
            assert!(ascending(
                rules.basic_deduction.iter().map(|band| band.up_to)
            ));
            assert!(ascending(
                rules.specific_relative.iter().map(|band| band.up_to)
            ));
            assert!(ascending(rules.spouse.employee_income_columns));
            assert!(ascending(
                rules
                    .spouse
                    .special_deduction_bands
                    .iter()
                    .map(|band| band.spouse_income_up_to)
            ));
            assert!(ascending(
                rules.income_tax_rates.iter().map(|band| band.up_to)
            ));
            // The first band of the 特定親族 and 配偶者特別控除 tables starts above the year's limit.
            assert!(
                rules
                    .specific_relative
                    .first()
                    .is_some_and(|band| band.up_to > rules.dependent_income_limit)
            );
            assert!(
                rules
                    .spouse
                    .special_deduction_bands
                    .first()
                    .is_some_and(|band| band.spouse_income_up_to > rules.dependent_income_limit)
            );
        }
    }

    #[test]
    fn the_table_rows_join_without_gaps() {
        // Where the one-yen band ends, the next row continues it: 2025 at 1,900,000
        // (1,900,000 × 70% − 80,000 = 1,250,000 = 1,900,000 − 650,000); 2026 at 2,191,000
        // (first irregular row 1,451,000 = 2,191,000 − 740,000).
        for rules in ALL_YEARS {
            let table = &rules.employment_income;
            let end = table.exact_band_end;
            let continued = crate::employment_income(rules, end);
            assert_eq!(continued, end - table.minimum_deduction, "{}", rules.year);
        }
    }
}
