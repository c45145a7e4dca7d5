//! 令和7年分 (2025). The 令和7年度税制改正 (施行 2025-12-01, applying to the whole of 令和7年分)
//! raised the 給与所得控除 minimum to 65万, added the 基礎控除 special bands, raised the
//! 扶養親族 income limit to 58万 and created the 特定親族特別控除.
//! Sources: rules-2025-2026.md §1–§11; NTA 「令和7年分 年末調整のしかた」
//! <https://www.nta.go.jp/publication/pamph/gensen/nencho2025/01.htm>

use nencho_kernel::Yen;

use super::common::*;
use super::{
    EmploymentIncomeTable, IncomeBand, LifeInsuranceRules, PersonalStatusRules,
    SpouseDeductionRules, TaxYearRules,
};

const fn yen(amount: i64) -> Yen {
    Yen::new(amount)
}

/// 給与所得控除の最低額 65万 (所得税法28条③一 as amended by 令和7年度改正).
/// Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1410.htm>
const MINIMUM_EMPLOYMENT_INCOME_DEDUCTION: Yen = yen(650_000);

/// 基礎控除 by 合計所得金額: 本則 58万 (所得税法86条①) plus the 令和7・8年分 special
/// (租税特別措置法41条の16の2: +37万 ≤ 132万, +30万 ≤ 336万, +10万 ≤ 489万, +5万 ≤ 655万),
/// then 48万 / 32万 / 16万 / 0 above 2,350万.
/// Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1199.htm>
static BASIC_DEDUCTION: [IncomeBand; 8] = [
    IncomeBand {
        up_to: yen(1_320_000),
        amount: yen(950_000),
    },
    IncomeBand {
        up_to: yen(3_360_000),
        amount: yen(880_000),
    },
    IncomeBand {
        up_to: yen(4_890_000),
        amount: yen(680_000),
    },
    IncomeBand {
        up_to: yen(6_550_000),
        amount: yen(630_000),
    },
    IncomeBand {
        up_to: yen(23_500_000),
        amount: yen(580_000),
    },
    IncomeBand {
        up_to: yen(24_000_000),
        amount: yen(480_000),
    },
    IncomeBand {
        up_to: yen(24_500_000),
        amount: yen(320_000),
    },
    IncomeBand {
        up_to: yen(25_000_000),
        amount: yen(160_000),
    },
];

/// 扶養親族・同一生計配偶者の合計所得金額 limit 58万 (所得税法2条①33号・34号, 令和7年度改正;
/// 給与だけなら 123万). Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1180.htm>
const DEPENDENT_INCOME_LIMIT: Yen = yen(580_000);

/// 勤労学生: 合計所得金額 ≤ 85万 (所得税法2条①32号, 令和7年度改正; 給与だけなら 150万).
const WORKING_STUDENT_INCOME_LIMIT: Yen = yen(850_000);

/// ひとり親: the child's 総所得金額等 ≤ 58万 (所得税法2条①31号 with the 令和7年度改正 limit).
const SINGLE_PARENT_CHILD_INCOME_LIMIT: Yen = yen(580_000);

/// UNCONFIRMED: no 定額減税 in 令和7年分. The 令和6年分 特別控除 (3万円/人) was for 2024
/// only and the 令和7年分 procedure as transcribed has no 減税 step, but this was inferred, not
/// read on an NTA page (rules-2025-2026.md §11, §14.8). Change this one figure if that is wrong.
const FLAT_RATE_TAX_REDUCTION_PER_PERSON: Yen = Yen::ZERO;

/// The rules of 令和7年分.
pub(crate) static RULES: TaxYearRules = TaxYearRules {
    year: 2025,
    // 所得税法別表第五 as amended by 令和7年度改正: 0 below 651,000; X − 650,000 to the yen
    // below 1,900,000; 4,000-yen rows from 1,900,000. NTA 「年末調整のしかた」 114.pdf.
    employment_income: EmploymentIncomeTable {
        zero_below: yen(651_000),
        minimum_deduction: MINIMUM_EMPLOYMENT_INCOME_DEDUCTION,
        exact_band_end: yen(1_900_000),
        irregular_rows: &[],
        four_thousand_rows_start: yen(1_900_000),
        four_thousand_row_bands: &FOUR_THOUSAND_ROW_BANDS_FROM_2020,
        formula_from: EMPLOYMENT_INCOME_FORMULA_FROM,
        formula_bands: &EMPLOYMENT_INCOME_FORMULA_FROM_2020,
    },
    income_adjustment: INCOME_ADJUSTMENT_FROM_2020,
    basic_deduction: &BASIC_DEDUCTION,
    dependent_income_limit: DEPENDENT_INCOME_LIMIT,
    ages: AGES_FROM_2011,
    spouse: SpouseDeductionRules {
        employee_income_columns: SPOUSE_EMPLOYEE_INCOME_COLUMNS_FROM_2018,
        spouse_deduction: SPOUSE_DEDUCTION_FROM_2018,
        elderly_spouse_deduction: ELDERLY_SPOUSE_DEDUCTION_FROM_2018,
        special_deduction_bands: &SPOUSE_SPECIAL_BANDS_FROM_2018,
    },
    dependents: DEPENDENT_AMOUNTS_FROM_2011,
    specific_relative: &SPECIFIC_RELATIVE_BANDS_FROM_2025,
    disability: DISABILITY_AMOUNTS_FROM_2011,
    personal_status: PersonalStatusRules {
        widow: WIDOW_DEDUCTION_FROM_2020,
        widow_income_limit: WIDOW_AND_SINGLE_PARENT_INCOME_LIMIT_FROM_2020,
        single_parent: SINGLE_PARENT_DEDUCTION_FROM_2020,
        single_parent_income_limit: WIDOW_AND_SINGLE_PARENT_INCOME_LIMIT_FROM_2020,
        single_parent_child_income_limit: SINGLE_PARENT_CHILD_INCOME_LIMIT,
        working_student: WORKING_STUDENT_DEDUCTION_FROM_2011,
        working_student_income_limit: WORKING_STUDENT_INCOME_LIMIT,
        working_student_other_income_limit: WORKING_STUDENT_OTHER_INCOME_LIMIT_FROM_2011,
    },
    life_insurance: LifeInsuranceRules {
        new_contract: LIFE_INSURANCE_NEW_CONTRACT_FROM_2012,
        old_contract: LIFE_INSURANCE_OLD_CONTRACT_FROM_2012,
        new_and_old_combined_cap: LIFE_INSURANCE_NEW_AND_OLD_CAP_FROM_2012,
        total_cap: LIFE_INSURANCE_TOTAL_CAP_FROM_2012,
        // The 23歳未満 special is for 令和8年分 only.
        child_special: None,
    },
    earthquake_insurance: EARTHQUAKE_INSURANCE_FROM_2007,
    income_tax_rates: &INCOME_TAX_RATES_FROM_2015,
    tax_with_surtax_per_mille: TAX_WITH_RECONSTRUCTION_SURTAX_PER_MILLE_FROM_2013,
    salary_eligibility_limit: SALARY_ELIGIBILITY_LIMIT,
    flat_rate_tax_reduction_per_person: FLAT_RATE_TAX_REDUCTION_PER_PERSON,
};
