//! Figures that are the same in every supported year. Each name says from when it applies, so a
//! future year that changes one adds a new constant instead of editing this one.

use nencho_kernel::Yen;

use super::{
    AgeBoundaries, DependentDeductionAmounts, DisabilityDeductionAmounts, EarthquakeInsuranceRules,
    IncomeAdjustmentRule, IncomeBand, LinearBand, PremiumFormula, PremiumStep, RateBand,
    SpouseSpecialBand,
};

const fn yen(amount: i64) -> Yen {
    Yen::new(amount)
}

/// The 4,000-yen rows of the year-end table from 1,900,000 (2025) or 2,200,000 (2026) up to
/// 6,600,000: A × 70% − 80,000 below 3,600,000 and A × 80% − 440,000 from there, where A is the
/// row start. The NTA prints this as "÷4, 千円未満切捨て, ×2.8 − 80,000 (×3.2 − 440,000)",
/// which is the same number.
///
/// Source: 所得税法別表第五 (unchanged from 令和2年分); NTA 「年末調整のしかた」 令和7年分・令和8年分
/// 114.pdf; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1410.htm>
pub(crate) static FOUR_THOUSAND_ROW_BANDS_FROM_2020: [LinearBand; 2] = [
    LinearBand {
        below: yen(3_600_000),
        percent: 70,
        minus: yen(80_000),
    },
    LinearBand {
        below: yen(6_600_000),
        percent: 80,
        minus: yen(440_000),
    },
];

/// Where the year-end table ends and the statutory formula takes over.
pub(crate) const EMPLOYMENT_INCOME_FORMULA_FROM: Yen = yen(6_600_000);

/// 給与所得控除 above 6,600,000 (所得税法28条③): X × 10% + 1,100,000 up to 8,500,000, then the
/// 1,950,000 cap, so 給与所得 = floor(X × 90%) − 1,100,000, then X − 1,950,000.
/// Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1410.htm>
pub(crate) static EMPLOYMENT_INCOME_FORMULA_FROM_2020: [LinearBand; 2] = [
    LinearBand {
        below: yen(8_500_000),
        percent: 90,
        minus: yen(1_100_000),
    },
    LinearBand {
        below: yen(i64::MAX),
        percent: 100,
        minus: yen(1_950_000),
    },
];

/// 所得金額調整控除 (子ども・特別障害者等を有する者等): (min(X, 1,000万) − 850万) × 10%,
/// 1円未満切上げ (so at most 150,000), when the employee, a 同一生計配偶者 or a 扶養親族 is a
/// 特別障害者 or a 扶養親族 is under 23.
/// Source: 租税特別措置法41条の3の11①, 41条の3の12 (年末調整);
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1411.htm>
pub(crate) const INCOME_ADJUSTMENT_FROM_2020: IncomeAdjustmentRule = IncomeAdjustmentRule {
    salary_threshold: yen(8_500_000),
    salary_ceiling: yen(10_000_000),
    percent: 10,
    qualifying_dependent_age_below: 23,
};

/// Age classes at 31 December: 年少 < 16 ≤ 一般 < 19 ≤ 特定 < 23 ≤ 一般 < 70 ≤ 老人.
/// Source: 所得税法2条①33号の2〜34号の4, 84条の2;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1180.htm>
pub(crate) const AGES_FROM_2011: AgeBoundaries = AgeBoundaries {
    dependent_deduction_from: 16,
    specific_from: 19,
    specific_below: 23,
    elderly_from: 70,
};

/// The employee's 合計所得金額 columns of the 配偶者控除 and 配偶者特別控除 tables.
/// Source: 所得税法83条①, 83条の2①; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1191.htm>
pub(crate) const SPOUSE_EMPLOYEE_INCOME_COLUMNS_FROM_2018: [Yen; 3] =
    [yen(9_000_000), yen(9_500_000), yen(10_000_000)];

/// 配偶者控除: 一般の控除対象配偶者 38万 / 26万 / 13万.
pub(crate) const SPOUSE_DEDUCTION_FROM_2018: [Yen; 3] = [yen(380_000), yen(260_000), yen(130_000)];

/// 配偶者控除: 老人控除対象配偶者 (70歳以上) 48万 / 32万 / 16万.
pub(crate) const ELDERLY_SPOUSE_DEDUCTION_FROM_2018: [Yen; 3] =
    [yen(480_000), yen(320_000), yen(160_000)];

/// 配偶者特別控除 bands by the spouse's 合計所得金額. The first band (38万 / 26万 / 13万) starts
/// above the year's 同一生計配偶者 limit (58万 or 62万, supplied by the year) and ends at 95万, so
/// both years share the table.
/// Source: 所得税法83条の2①; NTA 「年末調整のしかた」 115.pdf p.55 (令和7年分・令和8年分, amounts
/// unchanged); <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1195.htm>
pub(crate) static SPOUSE_SPECIAL_BANDS_FROM_2018: [SpouseSpecialBand; 9] = [
    SpouseSpecialBand {
        spouse_income_up_to: yen(950_000),
        amounts: [yen(380_000), yen(260_000), yen(130_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_000_000),
        amounts: [yen(360_000), yen(240_000), yen(120_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_050_000),
        amounts: [yen(310_000), yen(210_000), yen(110_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_100_000),
        amounts: [yen(260_000), yen(180_000), yen(90_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_150_000),
        amounts: [yen(210_000), yen(140_000), yen(70_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_200_000),
        amounts: [yen(160_000), yen(110_000), yen(60_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_250_000),
        amounts: [yen(110_000), yen(80_000), yen(40_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_300_000),
        amounts: [yen(60_000), yen(40_000), yen(20_000)],
    },
    SpouseSpecialBand {
        spouse_income_up_to: yen(1_330_000),
        amounts: [yen(30_000), yen(20_000), yen(10_000)],
    },
];

/// 扶養控除: 一般 38万, 特定 63万, 老人 48万, 同居老親等 58万.
/// Source: 所得税法84条①, 租税特別措置法41条の16①;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1180.htm>
pub(crate) const DEPENDENT_AMOUNTS_FROM_2011: DependentDeductionAmounts =
    DependentDeductionAmounts {
        general: yen(380_000),
        specific: yen(630_000),
        elderly: yen(480_000),
        elderly_parent_living_together: yen(580_000),
    };

/// 特定親族特別控除 by the 特定親族's 合計所得金額, from 85万 upward (the first band starts above
/// the year's 扶養親族 limit, 58万 or 62万, and ends at 85万).
/// Source: 所得税法84条の2 (新設 by 令和7年度改正); NTA 「年末調整のしかた」 令和8年分 115.pdf p.56.
pub(crate) static SPECIFIC_RELATIVE_BANDS_FROM_2025: [IncomeBand; 9] = [
    IncomeBand {
        up_to: yen(850_000),
        amount: yen(630_000),
    },
    IncomeBand {
        up_to: yen(900_000),
        amount: yen(610_000),
    },
    IncomeBand {
        up_to: yen(950_000),
        amount: yen(510_000),
    },
    IncomeBand {
        up_to: yen(1_000_000),
        amount: yen(410_000),
    },
    IncomeBand {
        up_to: yen(1_050_000),
        amount: yen(310_000),
    },
    IncomeBand {
        up_to: yen(1_100_000),
        amount: yen(210_000),
    },
    IncomeBand {
        up_to: yen(1_150_000),
        amount: yen(110_000),
    },
    IncomeBand {
        up_to: yen(1_200_000),
        amount: yen(60_000),
    },
    IncomeBand {
        up_to: yen(1_230_000),
        amount: yen(30_000),
    },
];

/// 障害者控除 27万, 特別障害者 40万, 同居特別障害者 75万.
/// Source: 所得税法79条; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1160.htm>
pub(crate) const DISABILITY_AMOUNTS_FROM_2011: DisabilityDeductionAmounts =
    DisabilityDeductionAmounts {
        general: yen(270_000),
        special: yen(400_000),
        special_living_together: yen(750_000),
    };

/// 寡婦控除 27万 (所得税法80条; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1170.htm>).
pub(crate) const WIDOW_DEDUCTION_FROM_2020: Yen = yen(270_000);
/// ひとり親控除 35万 for 所得税 until 令和8年分 (38万 from 令和9年分 per the 令和8年度大綱)
/// (所得税法81条; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1171.htm>).
pub(crate) const SINGLE_PARENT_DEDUCTION_FROM_2020: Yen = yen(350_000);
/// 寡婦 and ひとり親: the employee's 合計所得金額 must be at most 500万.
pub(crate) const WIDOW_AND_SINGLE_PARENT_INCOME_LIMIT_FROM_2020: Yen = yen(5_000_000);
/// 勤労学生控除 27万 (所得税法82条; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1175.htm>).
pub(crate) const WORKING_STUDENT_DEDUCTION_FROM_2011: Yen = yen(270_000);
/// 勤労学生: 給与所得等以外の所得 at most 10万.
pub(crate) const WORKING_STUDENT_OTHER_INCOME_LIMIT_FROM_2011: Yen = yen(100_000);

/// 生命保険料控除, 新契約 (平成24年1月1日以後): ≤ 20,000 all; ≤ 40,000 P/2 + 10,000;
/// ≤ 80,000 P/4 + 20,000; above 40,000. Each result 1円未満切上げ.
/// Source: 所得税法76条①一・②・③; NTA 「年末調整のしかた」 107.pdf p.24;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1140.htm>
pub(crate) const LIFE_INSURANCE_NEW_CONTRACT_FROM_2012: PremiumFormula = PremiumFormula {
    steps: &[
        PremiumStep {
            up_to: yen(20_000),
            divisor: 1,
            plus: yen(0),
        },
        PremiumStep {
            up_to: yen(40_000),
            divisor: 2,
            plus: yen(10_000),
        },
        PremiumStep {
            up_to: yen(80_000),
            divisor: 4,
            plus: yen(20_000),
        },
    ],
    maximum: yen(40_000),
};

/// 生命保険料控除, 旧契約 (平成23年12月31日以前): ≤ 25,000 all; ≤ 50,000 P/2 + 12,500;
/// ≤ 100,000 P/4 + 25,000; above 50,000. Each result 1円未満切上げ.
/// Source: 所得税法76条①二・③二; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1140.htm>
pub(crate) const LIFE_INSURANCE_OLD_CONTRACT_FROM_2012: PremiumFormula = PremiumFormula {
    steps: &[
        PremiumStep {
            up_to: yen(25_000),
            divisor: 1,
            plus: yen(0),
        },
        PremiumStep {
            up_to: yen(50_000),
            divisor: 2,
            plus: yen(12_500),
        },
        PremiumStep {
            up_to: yen(100_000),
            divisor: 4,
            plus: yen(25_000),
        },
    ],
    maximum: yen(50_000),
};

/// When both new and old premiums are claimed in one category, their sum is capped at 40,000
/// (the old premiums alone, up to 50,000, may be used instead); the three categories together
/// are capped at 120,000. Source: 所得税法76条①三・②三・④.
pub(crate) const LIFE_INSURANCE_NEW_AND_OLD_CAP_FROM_2012: Yen = yen(40_000);
pub(crate) const LIFE_INSURANCE_TOTAL_CAP_FROM_2012: Yen = yen(120_000);

/// 地震保険料控除: 地震保険料 in full up to 50,000; 旧長期損害保険料 ≤ 10,000 all, ≤ 20,000
/// P/2 + 5,000 (1円未満切上げ), above 15,000; together at most 50,000.
/// Source: 所得税法77条; 所得税法等の一部を改正する法律 (平成18年法律第10号) 附則10条;
/// NTA 「年末調整のしかた」 107.pdf p.26; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1145.htm>
pub(crate) const EARTHQUAKE_INSURANCE_FROM_2007: EarthquakeInsuranceRules =
    EarthquakeInsuranceRules {
        earthquake_maximum: yen(50_000),
        old_long_term: PremiumFormula {
            steps: &[
                PremiumStep {
                    up_to: yen(10_000),
                    divisor: 1,
                    plus: yen(0),
                },
                PremiumStep {
                    up_to: yen(20_000),
                    divisor: 2,
                    plus: yen(5_000),
                },
            ],
            maximum: yen(15_000),
        },
        total_cap: yen(50_000),
    };

/// 年末調整用の算出所得税額の速算表 (所得税法89条 rates as the NTA states them for 年末調整;
/// 課税給与所得金額 cannot exceed 18,050,000 because 給与 ≤ 2,000万 − 195万).
/// Source: NTA 「年末調整のしかた」 115.pdf p.55; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/2260.htm>
pub(crate) static INCOME_TAX_RATES_FROM_2015: [RateBand; 6] = [
    RateBand {
        up_to: yen(1_950_000),
        percent: 5,
        minus: yen(0),
    },
    RateBand {
        up_to: yen(3_300_000),
        percent: 10,
        minus: yen(97_500),
    },
    RateBand {
        up_to: yen(6_950_000),
        percent: 20,
        minus: yen(427_500),
    },
    RateBand {
        up_to: yen(9_000_000),
        percent: 23,
        minus: yen(636_000),
    },
    RateBand {
        up_to: yen(18_000_000),
        percent: 33,
        minus: yen(1_536_000),
    },
    RateBand {
        up_to: yen(18_050_000),
        percent: 40,
        minus: yen(2_796_000),
    },
];

/// 年調年税額 = 年調所得税額 × 102.1% (復興特別所得税 2.1%, 東日本大震災からの復興のための
/// 施策を実施するために必要な財源の確保に関する特別措置法13条, 平成25年〜令和19年分), then
/// 100円未満切捨て. Source: NTA 「年末調整のしかた」 109.pdf p.39.
pub(crate) const TAX_WITH_RECONSTRUCTION_SURTAX_PER_MILLE_FROM_2013: i64 = 1_021;

/// 年末調整 is not done for an employee whose 給与等の金額 exceeds 2,000万 (所得税法190条:
/// 「二千万円以下」, so exactly 20,000,000 is eligible).
pub(crate) const SALARY_ELIGIBILITY_LIMIT: Yen = yen(20_000_000);
