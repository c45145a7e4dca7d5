//! Ages at the year end and the classification of relatives (扶養親族の区分).

use nencho_kernel::{Date, TaxYear};

use crate::request::Relative;
use crate::rules::TaxYearRules;

/// What a relative is for the tax year, judged on 31 December (12月31日現況).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelativeClass {
    /// 年少扶養親族: a 扶養親族 under 16. No 扶養控除, but counts for 障害者控除, 所得金額調整控除
    /// and the 2026 生命保険料 special.
    YoungDependent,
    /// 一般の控除対象扶養親族: 16–18 or 23–69.
    GeneralDependent,
    /// 特定扶養親族: 19–22.
    SpecificDependent,
    /// 老人扶養親族: 70 or older, other than a 同居老親等.
    ElderlyDependent,
    /// 同居老親等: a 老人扶養親族 who is a 直系尊属 and always lives with the employee or spouse.
    ElderlyParentLivingTogether,
    /// 特定親族: 19–22 with a 合計所得金額 above the 扶養親族 limit and at most 123万. Not a
    /// 扶養親族.
    SpecificRelative,
    /// Neither a 扶養親族 nor a 特定親族 (income too high).
    NotDependent,
}

impl RelativeClass {
    /// Whether the relative is a 扶養親族 (including a 年少扶養親族).
    pub fn is_dependent(self) -> bool {
        !matches!(
            self,
            RelativeClass::SpecificRelative | RelativeClass::NotDependent
        )
    }
}

/// Age on 31 December of `tax_year` (年齢は12月31日現況). By 年齢計算ニ関スル法律 a person attains
/// an age at the end of the day before the birthday, so someone born on 1 January is a year
/// older on 31 December than the calendar difference suggests: for 2026 "16歳未満" is "born on
/// or after 2011-01-02" (NTA 「令和8年分 年末調整のしかた」 p.11). A person born after the year
/// end gets a negative age.
pub fn age_at_year_end(birth_date: Date, tax_year: TaxYear) -> i32 {
    age_at_end_of(birth_date, tax_year.year())
}

pub(crate) fn age_at_end_of(birth_date: Date, year: i32) -> i32 {
    // The age on 1 January of the next year by the everyday count.
    let born_on_first_of_january = birth_date.ordinal() == 1;
    let age_on_next_new_year = year + 1 - birth_date.year();
    if born_on_first_of_january {
        age_on_next_new_year
    } else {
        age_on_next_new_year - 1
    }
}

/// Classifies `relative` from its birth date, its 合計所得金額 and the year's limits:
/// 扶養親族 = income at most the year's limit (58万 in 2025, 62万 in 2026; 所得税法2条①34号);
/// 特定親族 = 19–22 with income above it and at most 123万 (所得税法84条の2).
/// Whether another earner claims the relative does not change its class.
/// Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1180.htm> ; rules §5.
pub fn classify_relative(rules: &TaxYearRules, relative: &Relative) -> RelativeClass {
    let ages = &rules.ages;
    let age = age_at_end_of(relative.birth_date, rules.year);
    let in_specific_age = (ages.specific_from..ages.specific_below).contains(&age);
    if relative.total_income > rules.dependent_income_limit {
        let specific_relative_income_limit = rules.specific_relative.last().map(|band| band.up_to);
        return match specific_relative_income_limit {
            Some(limit) if in_specific_age && relative.total_income <= limit => {
                RelativeClass::SpecificRelative
            }
            _ => RelativeClass::NotDependent,
        };
    }
    if age < ages.dependent_deduction_from {
        RelativeClass::YoungDependent
    } else if in_specific_age {
        RelativeClass::SpecificDependent
    } else if age >= ages.elderly_from {
        if relative.lineal_ascendant && relative.lives_together {
            RelativeClass::ElderlyParentLivingTogether
        } else {
            RelativeClass::ElderlyDependent
        }
    } else {
        RelativeClass::GeneralDependent
    }
}
