//! 生命保険料控除 and 地震保険料控除.

use nencho_kernel::Yen;

use crate::arithmetic::scale_ceil;
use crate::request::{EarthquakeInsurancePremiums, LifeInsurancePremiums};
use crate::rules::{PremiumFormula, TaxYearRules};

/// Applies a premium formula: the first step covering the premium gives premium / divisor
/// (1円未満切上げ) + plus; above all steps, the maximum. Negative premiums count as zero.
fn apply_formula(formula: &PremiumFormula, premium: Yen) -> Yen {
    let premium = premium.clamp_non_negative();
    formula
        .steps
        .iter()
        .find(|step| premium <= step.up_to)
        .map_or(formula.maximum, |step| {
            scale_ceil(premium, 1, step.divisor) + step.plus
        })
}

/// One category where both new- and old-contract premiums may be claimed: if both are paid,
/// the larger of (new + old, capped) and old alone; otherwise the one that was paid.
/// Source: 所得税法76条①三・②三.
fn new_and_old_combined(
    new_part: Yen,
    old_part: Yen,
    new_paid: bool,
    old_paid: bool,
    combined_cap: Yen,
) -> Yen {
    match (new_paid, old_paid) {
        (true, true) => (new_part + old_part).min(combined_cap).max(old_part),
        (true, false) => new_part,
        (false, true) => old_part,
        (false, false) => Yen::ZERO,
    }
}

/// 生命保険料控除: 一般 (new and old), 介護医療 (new only) and 個人年金 (new and old), each by
/// its formula with 1円未満切上げ, combined per category (new + old capped at 40,000, or old
/// alone up to 50,000), the three categories capped at 120,000.
///
/// 2026 only: with a 扶養親族 under 23 (`has_dependent_under_23`), 新生命保険料 (一般) uses
/// the special formula (up to 60,000) and new + old in that category is capped at 60,000.
/// Source: 所得税法76条; 租税特別措置法41条の15の5 (令和8年分); NTA 107.pdf p.24;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1140.htm>
pub fn life_insurance_deduction(
    rules: &TaxYearRules,
    premiums: &LifeInsurancePremiums,
    has_dependent_under_23: bool,
) -> Yen {
    let life = &rules.life_insurance;
    let child_special = life
        .child_special
        .as_ref()
        .filter(|_| has_dependent_under_23);
    let (new_general_formula, general_cap) = match child_special {
        Some(special) => (&special.new_general, special.new_and_old_combined_cap),
        None => (&life.new_contract, life.new_and_old_combined_cap),
    };
    let paid = |premium: Yen| premium > Yen::ZERO;
    let general = new_and_old_combined(
        apply_formula(new_general_formula, premiums.new_general),
        apply_formula(&life.old_contract, premiums.old_general),
        paid(premiums.new_general),
        paid(premiums.old_general),
        general_cap,
    );
    let care_medical = apply_formula(&life.new_contract, premiums.care_medical);
    let pension = new_and_old_combined(
        apply_formula(&life.new_contract, premiums.new_pension),
        apply_formula(&life.old_contract, premiums.old_pension),
        paid(premiums.new_pension),
        paid(premiums.old_pension),
        life.new_and_old_combined_cap,
    );
    (general + care_medical + pension).min(life.total_cap)
}

/// 地震保険料控除: 地震保険料 in full up to 50,000, plus 旧長期損害保険料 (≤ 10,000 all;
/// ≤ 20,000 P/2 + 5,000, 1円未満切上げ; above 15,000), together at most 50,000.
/// Source: 所得税法77条; 平成18年法律第10号附則10条; NTA 107.pdf p.26;
/// <https://www.nta.go.jp/taxes/shiraberu/taxanswer/shotoku/1145.htm>
pub fn earthquake_insurance_deduction(
    rules: &TaxYearRules,
    premiums: &EarthquakeInsurancePremiums,
) -> Yen {
    let earthquake = &rules.earthquake_insurance;
    let earthquake_part = premiums
        .earthquake
        .clamp_non_negative()
        .min(earthquake.earthquake_maximum);
    let old_long_term_part = apply_formula(&earthquake.old_long_term, premiums.old_long_term);
    (earthquake_part + old_long_term_part).min(earthquake.total_cap)
}
