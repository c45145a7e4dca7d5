//! 令和8年分 (2026). The 令和8年度税制改正 (所得税法等の一部を改正する法律, 令和8年法律第12号,
//! 施行 2026-12-01, applying to 令和8年分以後) raised the 基礎控除 and the 給与所得控除 minimum
//! ("178万円の壁") and the income limits to 62万; monthly withholding was not changed, so the
//! whole effect is settled in this year-end adjustment. The 令和7年度改正 added the 生命保険料
//! special for employees with a 扶養親族 under 23 for 令和8年分 only.
//!
//! The enactment details (law number, 施行日) are second-hand (rules-2025-2026.md §14.2); the
//! figures are the NTA booklet's as transcribed by three independent sources.
//! Sources: rules-2025-2026.md §1–§11; NTA 「令和8年分 年末調整のしかた」
//! <https://www.nta.go.jp/publication/pamph/gensen/nencho2026/01.htm>

use nencho_kernel::Yen;

use super::common::*;
use super::{
    EmploymentIncomeTable, IncomeBand, LifeInsuranceChildSpecial, LifeInsuranceRules,
    PersonalStatusRules, PremiumFormula, PremiumStep, SpouseDeductionRules, TableRow, TaxYearRules,
};

const fn yen(amount: i64) -> Yen {
    Yen::new(amount)
}

/// 給与所得控除の最低額 74万 = 本則 69万 (所得税法28条③一 as amended by 令和8年度改正) + 令和8・9年分
/// special 5万 (租税特別措置法29条の4 「給与所得控除の最低控除額等の特例」). 740,000 is flat up to
/// 2,200,000 (= 2,200,000 × 30% + 80,000). The exact wording of the amended 本則 bands is
/// unconfirmed (rules §14.3) but does not matter while the special governs.
/// Source: NTA 「年末調整のしかた」 令和8年分 102.pdf p.3; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1410.htm>
const MINIMUM_EMPLOYMENT_INCOME_DEDUCTION: Yen = yen(690_000 + 50_000);

/// The three rows just below 2,200,000 that the 2026 table prints with their own values
/// (row start − 740,000): 2,191,000–2,192,999 → 1,451,000; 2,193,000–2,195,999 → 1,453,000;
/// 2,196,000–2,199,999 → 1,456,000. Source: 租税特別措置法29条の4②; NTA 114.pdf pp.47–54.
static IRREGULAR_ROWS: [TableRow; 3] = [
    TableRow {
        from: yen(2_191_000),
        value: yen(1_451_000),
    },
    TableRow {
        from: yen(2_193_000),
        value: yen(1_453_000),
    },
    TableRow {
        from: yen(2_196_000),
        value: yen(1_456_000),
    },
];

/// 基礎控除 by 合計所得金額: 本則 62万 (所得税法86条① as amended) plus the 令和8・9年分 special
/// (租税特別措置法41条の16の2①: +42万 ≤ 489万, +5万 ≤ 655万), then 48万 / 32万 / 16万 / 0
/// above 2,350万. Source: NTA 「年末調整のしかた」 令和8年分 115.pdf p.56;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1199.htm>
static BASIC_DEDUCTION: [IncomeBand; 6] = [
    IncomeBand {
        up_to: yen(4_890_000),
        amount: yen(1_040_000),
    },
    IncomeBand {
        up_to: yen(6_550_000),
        amount: yen(670_000),
    },
    IncomeBand {
        up_to: yen(23_500_000),
        amount: yen(620_000),
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

/// 扶養親族・同一生計配偶者の合計所得金額 limit 62万 (所得税法2条①33号・34号 as amended by
/// 令和8年度改正; 給与だけなら 136万). Source: NTA 令和8年分 102.pdf p.4.
const DEPENDENT_INCOME_LIMIT: Yen = yen(620_000);

/// 勤労学生: 合計所得金額 ≤ 89万 (給与だけなら 163万). Source: NTA 令和8年分 115.pdf p.56;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1175.htm>
const WORKING_STUDENT_INCOME_LIMIT: Yen = yen(890_000);

/// UNCONFIRMED: ひとり親控除 — the 生計を一にする子's 総所得金額等 limit of 62万 from 令和8年分.
/// Taken from 令和8年度大綱 summaries and third-party implementations; not seen on an NTA page
/// (rules-2025-2026.md §6, §14.4). It follows the 扶養親族 limit, which is how the 58万 of
/// 2025 arose.
const SINGLE_PARENT_CHILD_INCOME_LIMIT: Yen = yen(620_000);

/// UNCONFIRMED: no 定額減税 in 令和8年分. Inferred from the transcribed procedure having no 減税
/// step, not read on an NTA page (rules-2025-2026.md §11, §14.8).
const FLAT_RATE_TAX_REDUCTION_PER_PERSON: Yen = Yen::ZERO;

/// UNCONFIRMED (not in the rules file; a choice of this crate): whether a child under 23 whom
/// another earner (e.g. the other parent) claims as a dependant still qualifies the employee for
/// the 令和8年分 生命保険料 special. The rules file says such a child counts for 所得金額調整控除,
/// where the statute says so explicitly; for the 生命保険料 special no such statement was found,
/// so the general rule that a person is the 扶養親族 of one earner only (所得税法85条④) is applied.
const LIFE_INSURANCE_SPECIAL_COUNTS_DEPENDENTS_CLAIMED_BY_OTHER_EARNER: bool = false;

/// 新生命保険料 (一般) with a 扶養親族 under 23 (令和8年分): ≤ 30,000 all; ≤ 60,000 P/2 + 15,000;
/// ≤ 120,000 P/4 + 30,000; above 60,000; new + old together capped at 60,000; the 12万 total
/// is unchanged. Source: 租税特別措置法41条の15の5 (令和7年度改正); NTA 令和8年分 107.pdf p.24.
const LIFE_INSURANCE_CHILD_SPECIAL: LifeInsuranceChildSpecial = LifeInsuranceChildSpecial {
    new_general: PremiumFormula {
        steps: &[
            PremiumStep {
                up_to: yen(30_000),
                divisor: 1,
                plus: yen(0),
            },
            PremiumStep {
                up_to: yen(60_000),
                divisor: 2,
                plus: yen(15_000),
            },
            PremiumStep {
                up_to: yen(120_000),
                divisor: 4,
                plus: yen(30_000),
            },
        ],
        maximum: yen(60_000),
    },
    new_and_old_combined_cap: yen(60_000),
    qualifying_dependent_age_below: 23,
    counts_dependents_claimed_by_other_earner:
        LIFE_INSURANCE_SPECIAL_COUNTS_DEPENDENTS_CLAIMED_BY_OTHER_EARNER,
};

/// The rules of 令和8年分.
pub(crate) static RULES: TaxYearRules = TaxYearRules {
    year: 2026,
    // 別表第五 with 措法29条の4②: 0 below 741,000; X − 740,000 to the yen below 2,191,000; three
    // irregular rows; 4,000-yen rows from 2,200,000 identical to 2025. NTA 114.pdf pp.47–54.
    employment_income: EmploymentIncomeTable {
        zero_below: yen(741_000),
        minimum_deduction: MINIMUM_EMPLOYMENT_INCOME_DEDUCTION,
        exact_band_end: yen(2_191_000),
        irregular_rows: &IRREGULAR_ROWS,
        four_thousand_rows_start: yen(2_200_000),
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
        // ひとり親控除 stays 35万 for 令和8年分 (38万 from 令和9年分).
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
        child_special: Some(LIFE_INSURANCE_CHILD_SPECIAL),
    },
    earthquake_insurance: EARTHQUAKE_INSURANCE_FROM_2007,
    income_tax_rates: &INCOME_TAX_RATES_FROM_2015,
    tax_with_surtax_per_mille: TAX_WITH_RECONSTRUCTION_SURTAX_PER_MILLE_FROM_2013,
    salary_eligibility_limit: SALARY_ELIGIBILITY_LIMIT,
    flat_rate_tax_reduction_per_person: FLAT_RATE_TAX_REDUCTION_PER_PERSON,
};
