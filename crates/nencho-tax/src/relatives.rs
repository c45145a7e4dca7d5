//! Ages at the year end and the classification of relatives (扶養親族の区分).

use nencho_kernel::{Date, TaxYear, Yen};

use crate::request::{Relative, Spouse};
use crate::rules::{TaxYearRules, rules_for};

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
    classify_relative_at_end_of(rules, rules.year, relative)
}

/// UNCONFIRMED: next year's rules are not enacted/confirmed; the latest supported year's limits
/// are used for the provisional classification. The year whose limits (扶養親族 and 特定親族
/// income limits, age boundaries, 源泉控除対象配偶者 limits) classify the family for a year the
/// engine has no rules for — next year's 扶養控除等(異動)申告書, filed at this year's adjustment.
/// Keep it the latest supported year (a test checks); when next year's rules are added, they are
/// used instead.
pub const PROVISIONAL_LIMITS_YEAR: i32 = 2026;

/// The rules that classify the family at the end of `year`: that year's own, or provisionally
/// [`PROVISIONAL_LIMITS_YEAR`]'s for a year without rules.
fn rules_or_provisional(year: i32) -> &'static TaxYearRules {
    let own = TaxYear::new(year)
        .ok()
        .and_then(|year| rules_for(year).ok());
    own.or_else(|| {
        TaxYear::new(PROVISIONAL_LIMITS_YEAR)
            .ok()
            .and_then(|year| rules_for(year).ok())
    })
    .unwrap_or_else(|| unreachable!("PROVISIONAL_LIMITS_YEAR is a supported year (tested)"))
}

/// The class of `relative` at the end of `year` (12月31日現況 of that year), e.g. next year's
/// for the 翌年分 扶養控除等申告書: by `year`'s rules when the engine has them, otherwise
/// provisionally by [`PROVISIONAL_LIMITS_YEAR`]'s limits with `year`'s age test (a child
/// turning 16 in `year` is a 控除対象扶養親族 there).
pub fn classify_relative_in(year: i32, relative: &Relative) -> RelativeClass {
    classify_relative_at_end_of(rules_or_provisional(year), year, relative)
}

/// Whether `spouse` is a 源泉控除対象配偶者 at the end of `year` (所得税法2条①33号の4): the
/// employee's 合計所得金額 at most 900万 (the first column of the 配偶者控除 table) and the
/// spouse's at most 95万 (the first 配偶者特別控除 band, 38万). Limits as in
/// [`classify_relative_in`] (provisional for a year without rules).
pub fn is_withholding_spouse_in(year: i32, employee_total_income: Yen, spouse: &Spouse) -> bool {
    let spouse_rules = &rules_or_provisional(year).spouse;
    let employee_ok = spouse_rules
        .employee_income_columns
        .first()
        .is_some_and(|limit| employee_total_income <= *limit);
    let spouse_ok = spouse_rules
        .special_deduction_bands
        .first()
        .is_some_and(|band| spouse.total_income <= band.spouse_income_up_to);
    employee_ok && spouse_ok
}

fn classify_relative_at_end_of(
    rules: &TaxYearRules,
    year: i32,
    relative: &Relative,
) -> RelativeClass {
    let ages = &rules.ages;
    let age = age_at_end_of(relative.birth_date, year);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supported_years;
    use time::macros::date;

    #[test]
    fn the_provisional_limits_are_the_latest_supported_years() {
        assert_eq!(
            supported_years().last().map(|year| year.year()),
            Some(PROVISIONAL_LIMITS_YEAR)
        );
    }

    #[test]
    fn next_year_is_classified_with_next_years_age_and_the_latest_limits() {
        // Born 2011-06-01: 15 at the end of 2026 (年少), 16 at the end of 2027 (一般).
        let child = Relative::new(date!(2011 - 06 - 01), Yen::ZERO);
        let rules_2026 = rules_for(TaxYear::new(2026).unwrap()).unwrap();
        assert_eq!(
            classify_relative(rules_2026, &child),
            RelativeClass::YoungDependent
        );
        assert_eq!(
            classify_relative_in(2026, &child),
            RelativeClass::YoungDependent
        );
        assert_eq!(
            classify_relative_in(2027, &child),
            RelativeClass::GeneralDependent
        );
        // 2027 has no rules: 2026's 62万 limit applies (2025's was 58万).
        let earner = Relative::new(date!(1990 - 01 - 10), Yen::new(600_000));
        assert_eq!(
            classify_relative_in(2025, &earner),
            RelativeClass::NotDependent
        );
        assert_eq!(
            classify_relative_in(2027, &earner),
            RelativeClass::GeneralDependent
        );
        // A student turning 19 in 2027 becomes 特定扶養親族.
        let student = Relative::new(date!(2008 - 04 - 01), Yen::ZERO);
        assert_eq!(
            classify_relative_in(2027, &student),
            RelativeClass::SpecificDependent
        );
    }

    #[test]
    fn a_withholding_spouse_needs_both_incomes_within_the_limits() {
        let spouse = |income| Spouse::new(date!(1990 - 05 - 01), Yen::new(income));
        assert!(is_withholding_spouse_in(
            2027,
            Yen::new(9_000_000),
            &spouse(950_000)
        ));
        assert!(!is_withholding_spouse_in(
            2027,
            Yen::new(9_000_000),
            &spouse(950_001)
        ));
        assert!(!is_withholding_spouse_in(
            2027,
            Yen::new(9_000_001),
            &spouse(0)
        ));
    }
}
