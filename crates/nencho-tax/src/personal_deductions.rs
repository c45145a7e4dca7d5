//! Deductions for the employee's person and family (人的控除): 基礎, 配偶者, 配偶者特別, 扶養,
//! 特定親族特別, 障害者, 寡婦, ひとり親, 勤労学生.

use nencho_kernel::Yen;

use crate::relatives::{RelativeClass, age_at_end_of};
use crate::request::{Disability, Spouse, Taxpayer};
use crate::rules::{TaxYearRules, band_amount};

/// 基礎控除 by the employee's 合計所得金額 (見積額).
/// 2025: 95万 (≤ 132万) / 88万 (≤ 336万) / 68万 (≤ 489万) / 63万 (≤ 655万) / 58万 (≤ 2,350万);
/// 2026: 104万 (≤ 489万) / 67万 (≤ 655万) / 62万 (≤ 2,350万); both: 48万 / 32万 / 16万 up to
/// 2,500万, then 0.
/// Source: 所得税法86条, 租税特別措置法41条の16の2;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1199.htm>
pub fn basic_deduction(rules: &TaxYearRules, employee_total_income: Yen) -> Yen {
    band_amount(rules.basic_deduction, employee_total_income)
}

/// Whether the spouse is a 同一生計配偶者: 合計所得金額 at most 58万 (2025) / 62万 (2026)
/// (所得税法2条①33号).
pub fn is_same_livelihood_spouse(rules: &TaxYearRules, spouse: &Spouse) -> bool {
    spouse.total_income <= rules.dependent_income_limit
}

/// Whether the spouse is 70 or older at the year end: a 同一生計配偶者 of that age is a
/// 老人控除対象配偶者 (所得税法2条①33号の3).
pub fn is_elderly_spouse(rules: &TaxYearRules, spouse: &Spouse) -> bool {
    age_at_end_of(spouse.birth_date, rules.year) >= rules.ages.elderly_from
}

/// 配偶者控除 (所得税法83条) or 配偶者特別控除 (83条の2), whichever applies; zero when the
/// employee's 合計所得金額 exceeds 1,000万 or the spouse's exceeds 133万.
///
/// 配偶者控除 for a 同一生計配偶者: 38万 / 26万 / 13万 by the employee's column (≤ 900万 /
/// ≤ 950万 / ≤ 1,000万), 48万 / 32万 / 16万 if the spouse is 70 or older (老人控除対象配偶者).
/// 配偶者特別控除 above the 同一生計配偶者 limit, by the spouse's income band up to 133万.
/// Source: <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1191.htm> ,
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1195.htm> ; NTA 115.pdf p.55.
pub fn spouse_deduction(rules: &TaxYearRules, employee_total_income: Yen, spouse: &Spouse) -> Yen {
    let spouse_rules = &rules.spouse;
    let Some(column) = spouse_rules
        .employee_income_columns
        .iter()
        .position(|&column_limit| employee_total_income <= column_limit)
    else {
        return Yen::ZERO;
    };
    let amount_in_column = |amounts: &[Yen; 3]| amounts.get(column).copied().unwrap_or(Yen::ZERO);
    if is_same_livelihood_spouse(rules, spouse) {
        if is_elderly_spouse(rules, spouse) {
            amount_in_column(&spouse_rules.elderly_spouse_deduction)
        } else {
            amount_in_column(&spouse_rules.spouse_deduction)
        }
    } else {
        spouse_rules
            .special_deduction_bands
            .iter()
            .find(|band| spouse.total_income <= band.spouse_income_up_to)
            .map_or(Yen::ZERO, |band| amount_in_column(&band.amounts))
    }
}

/// 扶養控除 for a relative of `class`: 一般 38万, 特定 63万, 老人 48万, 同居老親等 58万; 年少 and
/// non-dependants 0. Source: 所得税法84条, 租税特別措置法41条の16;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1180.htm>
pub fn dependent_deduction(rules: &TaxYearRules, class: RelativeClass) -> Yen {
    let amounts = &rules.dependents;
    match class {
        RelativeClass::GeneralDependent => amounts.general,
        RelativeClass::SpecificDependent => amounts.specific,
        RelativeClass::ElderlyDependent => amounts.elderly,
        RelativeClass::ElderlyParentLivingTogether => amounts.elderly_parent_living_together,
        RelativeClass::YoungDependent
        | RelativeClass::SpecificRelative
        | RelativeClass::NotDependent => Yen::ZERO,
    }
}

/// 特定親族特別控除 for a 特定親族 (19–22, see [`crate::classify_relative`]) with this
/// 合計所得金額: 63万 above the 扶養親族 limit up to 85万, then 61万 / 51万 / 41万 / 31万 / 21万 /
/// 11万 / 6万 by 5万 steps to 120万, 3万 to 123万, 0 above. At or below the limit it is 0 (the
/// relative is a 扶養親族 and gets 扶養控除 instead).
/// Source: 所得税法84条の2; NTA 「年末調整のしかた」 令和8年分 115.pdf p.56.
pub fn specific_relative_deduction(rules: &TaxYearRules, relative_total_income: Yen) -> Yen {
    if relative_total_income <= rules.dependent_income_limit {
        return Yen::ZERO;
    }
    band_amount(rules.specific_relative, relative_total_income)
}

/// 障害者控除 for one person: 障害者 27万, 特別障害者 40万, 同居特別障害者 75万 (a 特別障害者
/// who is a 同一生計配偶者 or 扶養親族 and lives with the employee, the spouse or another
/// relative in the same livelihood; pass `false` for the employee).
/// Source: 所得税法79条; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1160.htm>
pub fn disability_deduction(
    rules: &TaxYearRules,
    disability: Disability,
    dependent_living_together: bool,
) -> Yen {
    let amounts = &rules.disability;
    match disability {
        Disability::None => Yen::ZERO,
        Disability::General => amounts.general,
        Disability::Special if dependent_living_together => amounts.special_living_together,
        Disability::Special => amounts.special,
    }
}

/// 寡婦控除 (27万) or ひとり親控除 (35万), and 勤労学生控除 (27万), from the employee's
/// declarations and 合計所得金額:
/// - ひとり親: declared, own income ≤ 500万 and `has_qualifying_child` (a child in the same
///   livelihood with 総所得金額等 at most 58万 (2025) / 62万 (2026), not another earner's
///   dependant). Takes precedence over 寡婦 (a ひとり親 is not a 寡婦).
/// - 寡婦: declared, not a qualifying ひとり親, own income ≤ 500万.
/// - 勤労学生: declared, own income ≤ 85万 (2025) / 89万 (2026) and income other than from
///   work ≤ 10万.
///
/// Source: 所得税法80条・81条・82条; <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1170.htm> ,
/// 1171.htm, 1175.htm; NTA 105.pdf pp.8–15.
pub fn personal_status_deduction(
    rules: &TaxYearRules,
    taxpayer: &Taxpayer,
    employee_total_income: Yen,
    has_qualifying_child: bool,
) -> Yen {
    let status = &rules.personal_status;
    let single_parent = taxpayer.single_parent
        && has_qualifying_child
        && employee_total_income <= status.single_parent_income_limit;
    let widow_or_single_parent = if single_parent {
        status.single_parent
    } else if taxpayer.widow && employee_total_income <= status.widow_income_limit {
        status.widow
    } else {
        Yen::ZERO
    };
    let working_student = if taxpayer.working_student
        && employee_total_income <= status.working_student_income_limit
        && taxpayer.non_employment_income_for_student <= status.working_student_other_income_limit
    {
        status.working_student
    } else {
        Yen::ZERO
    };
    widow_or_single_parent + working_student
}

/// The child's income limit for ひとり親控除 in this year (see [`personal_status_deduction`]).
pub fn single_parent_child_income_limit(rules: &TaxYearRules) -> Yen {
    rules.personal_status.single_parent_child_income_limit
}
