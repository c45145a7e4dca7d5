//! The whole year-end adjustment (源泉徴収簿 ⑦〜㉗), from a validated request.

use nencho_kernel::{TaxYear, Yen};

use crate::employment_income::{employment_income, income_adjustment_deduction};
use crate::error::{InputProblem, TaxError};
use crate::income_tax::{annual_tax_with_surtax, computed_income_tax, taxable_income};
use crate::insurance::{earthquake_insurance_deduction, life_insurance_deduction};
use crate::personal_deductions::{
    basic_deduction, dependent_deduction, disability_deduction, is_same_livelihood_spouse,
    personal_status_deduction, specific_relative_deduction, spouse_deduction,
};
use crate::relatives::{RelativeClass, age_at_end_of, classify_relative};
use crate::request::{Disability, Relative, YearEndAdjustmentRequest};
use crate::result::{Deductions, IneligibilityReason, YearEndAdjustmentResult};
use crate::rules::{TaxYearRules, rules_for};

/// The largest amount any request field may hold (1兆円 − 1). Far above any payroll figure, and
/// small enough that sums and products of request amounts cannot overflow `i64`.
pub const MAXIMUM_AMOUNT: Yen = Yen::new(999_999_999_999);

/// Computes the year-end adjustment (年末調整) of one employee for `year`.
///
/// Order of the NTA's 源泉徴収簿 (「年末調整のしかた」 109.pdf pp.35–39): 給与所得控除後の給与等の
/// 金額 → 所得金額調整控除 → 所得控除 → 課税給与所得金額 (1,000円未満切捨て) → 算出所得税額 →
/// 住宅借入金等特別控除 → 年調所得税額 → 年調年税額 (× 102.1%, 100円未満切捨て) → 過不足額.
/// An employee whose salary exceeds 2,000万 is not adjusted (所得税法190条): the result then has
/// `eligible == false`.
///
/// Errors: [`TaxError::UnsupportedYear`], or [`TaxError::InvalidInput`] naming the field (as in
/// the calculator contract) of a negative or absurdly large amount, a birth date after the year
/// end, or an unwithheld last-salary tax larger than the tax withheld.
pub fn compute_year_end_adjustment(
    year: TaxYear,
    request: &YearEndAdjustmentRequest,
) -> Result<YearEndAdjustmentResult, TaxError> {
    let rules = rules_for(year)?;
    validate(rules, request)?;
    Ok(adjust(rules, year, request))
}

fn validate(rules: &TaxYearRules, request: &YearEndAdjustmentRequest) -> Result<(), TaxError> {
    let life = &request.life_insurance;
    let earthquake = &request.earthquake_insurance;
    let amounts = [
        ("salary_total", request.salary_total),
        ("tax_withheld", request.tax_withheld),
        (
            "last_salary_tax_unwithheld",
            request.last_salary_tax_unwithheld,
        ),
        ("social_insurance", request.social_insurance),
        (
            "small_business_mutual_aid",
            request.small_business_mutual_aid,
        ),
        ("other_income", request.other_income),
        ("life_insurance.new_general", life.new_general),
        ("life_insurance.old_general", life.old_general),
        ("life_insurance.care_medical", life.care_medical),
        ("life_insurance.new_pension", life.new_pension),
        ("life_insurance.old_pension", life.old_pension),
        ("earthquake_insurance.earthquake", earthquake.earthquake),
        (
            "earthquake_insurance.old_long_term",
            earthquake.old_long_term,
        ),
        (
            "taxpayer.non_employment_income_for_student",
            request.taxpayer.non_employment_income_for_student,
        ),
        ("housing_loan_credit", request.housing_loan_credit),
    ];
    for (field, amount) in amounts {
        check_amount(field, amount)?;
    }
    if request.last_salary_tax_unwithheld > request.tax_withheld {
        return Err(TaxError::invalid(
            "last_salary_tax_unwithheld",
            InputProblem::ExceedsTaxWithheld,
        ));
    }
    if let Some(spouse) = &request.spouse {
        check_amount("spouse.total_income", spouse.total_income)?;
        check_born_by_year_end(rules, "spouse.birth_date", spouse.birth_date)?;
    }
    for (index, relative) in request.relatives.iter().enumerate() {
        check_amount(
            &format!("relatives[{index}].total_income"),
            relative.total_income,
        )?;
        check_born_by_year_end(
            rules,
            &format!("relatives[{index}].birth_date"),
            relative.birth_date,
        )?;
    }
    Ok(())
}

fn check_amount(field: &str, amount: Yen) -> Result<(), TaxError> {
    if amount < Yen::ZERO {
        Err(TaxError::invalid(field, InputProblem::Negative))
    } else if amount > MAXIMUM_AMOUNT {
        Err(TaxError::invalid(field, InputProblem::TooLarge))
    } else {
        Ok(())
    }
}

fn check_born_by_year_end(
    rules: &TaxYearRules,
    field: &str,
    birth_date: nencho_kernel::Date,
) -> Result<(), TaxError> {
    if birth_date.year() > rules.year {
        Err(TaxError::invalid(field, InputProblem::BornAfterYearEnd))
    } else {
        Ok(())
    }
}

/// One relative with its class, so each rule below reads the classification once.
struct ClassifiedRelative<'request> {
    relative: &'request Relative,
    class: RelativeClass,
    age: i32,
}

/// The computation proper, on a request that passed [`validate`].
pub(crate) fn adjust(
    rules: &TaxYearRules,
    year: TaxYear,
    request: &YearEndAdjustmentRequest,
) -> YearEndAdjustmentResult {
    if request.salary_total > rules.salary_eligibility_limit {
        return ineligible(year, IneligibilityReason::SalaryAbove20Million);
    }
    let relatives: Vec<ClassifiedRelative<'_>> = request
        .relatives
        .iter()
        .map(|relative| ClassifiedRelative {
            relative,
            class: classify_relative(rules, relative),
            age: age_at_end_of(relative.birth_date, rules.year),
        })
        .collect();
    let same_livelihood_spouse = request
        .spouse
        .filter(|spouse| is_same_livelihood_spouse(rules, spouse));

    // ⑨–⑪ 給与所得控除後の給与等の金額 and 所得金額調整控除. A 扶養親族 claimed by another earner
    // still counts here (租税特別措置法41条の3の11①; NTA 109.pdf p.37).
    let employment = employment_income(rules, request.salary_total);
    let adjustment_qualifies = request.taxpayer.disability == Disability::Special
        || same_livelihood_spouse.is_some_and(|spouse| spouse.disability == Disability::Special)
        || relatives.iter().any(|classified| {
            classified.class.is_dependent()
                && (classified.age < rules.income_adjustment.qualifying_dependent_age_below
                    || classified.relative.disability == Disability::Special)
        });
    let income_adjustment =
        income_adjustment_deduction(rules, request.salary_total, adjustment_qualifies);
    let employment_after_adjustment = employment - income_adjustment;

    // The employee's 合計所得金額 (見積額) decides the income tests of the deductions.
    let employee_total_income = employment_after_adjustment + request.other_income;

    let has_dependent_under_23_for_life_insurance =
        rules.life_insurance.child_special.is_some_and(|special| {
            relatives.iter().any(|classified| {
                classified.class.is_dependent()
                    && classified.age < special.qualifying_dependent_age_below
                    && (special.counts_dependents_claimed_by_other_earner
                        || !classified.relative.claimed_by_other_earner)
            })
        });

    let deductions = Deductions {
        social_insurance: request.social_insurance,
        small_business_mutual_aid: request.small_business_mutual_aid,
        life_insurance: life_insurance_deduction(
            rules,
            &request.life_insurance,
            has_dependent_under_23_for_life_insurance,
        ),
        earthquake_insurance: earthquake_insurance_deduction(rules, &request.earthquake_insurance),
        spouse: request.spouse.map_or(Yen::ZERO, |spouse| {
            spouse_deduction(rules, employee_total_income, &spouse)
        }),
        specific_relative: relatives
            .iter()
            .filter(|classified| {
                classified.class == RelativeClass::SpecificRelative
                    && !classified.relative.claimed_by_other_earner
            })
            .map(|classified| specific_relative_deduction(rules, classified.relative.total_income))
            .sum(),
        dependents_and_others: dependents_and_others(
            rules,
            request,
            &relatives,
            employee_total_income,
        ),
        basic: basic_deduction(rules, employee_total_income),
    };
    let total_deductions = deductions.total();

    // ㉒–㉖
    let taxable = taxable_income(employment_after_adjustment, total_deductions);
    let computed_tax = computed_income_tax(rules, taxable);
    let housing_loan_credit_applied = request.housing_loan_credit.min(computed_tax);
    let flat_rate_reduction = flat_rate_tax_reduction(rules, request, &relatives);
    let annual_income_tax =
        (computed_tax - housing_loan_credit_applied - flat_rate_reduction).clamp_non_negative();
    let annual_tax = annual_tax_with_surtax(rules, annual_income_tax);

    // ㉗ 過不足額. An over-withheld amount is first set against the last salary's tax that was
    // computed but not yet withheld; only the rest is refunded (NTA 109.pdf p.39).
    let difference = annual_tax - request.tax_withheld;
    let over_withheld = (-difference).clamp_non_negative();
    let applied_to_last_salary_tax = over_withheld.min(request.last_salary_tax_unwithheld);
    YearEndAdjustmentResult {
        tax_year: year,
        eligible: true,
        reason: None,
        employment_income: employment,
        income_adjustment_deduction: income_adjustment,
        deductions,
        total_deductions,
        taxable_income: taxable,
        computed_tax,
        housing_loan_credit_applied,
        annual_income_tax,
        annual_tax,
        difference,
        applied_to_last_salary_tax,
        refund: over_withheld - applied_to_last_salary_tax,
        additional_collection: difference.clamp_non_negative(),
    }
}

/// 扶養控除 + 障害者控除 + 寡婦/ひとり親控除 + 勤労学生控除 (源泉徴収簿 ⑱).
fn dependents_and_others(
    rules: &TaxYearRules,
    request: &YearEndAdjustmentRequest,
    relatives: &[ClassifiedRelative<'_>],
    employee_total_income: Yen,
) -> Yen {
    // Relatives whose deductions this employee takes: 扶養親族 not claimed by another earner.
    // A 特定親族 is not a 扶養親族, so it gets no 障害者控除 here.
    let for_relatives: Yen = relatives
        .iter()
        .filter(|classified| {
            classified.class.is_dependent() && !classified.relative.claimed_by_other_earner
        })
        .map(|classified| {
            dependent_deduction(rules, classified.class)
                + disability_deduction(
                    rules,
                    classified.relative.disability,
                    classified.relative.lives_together,
                )
        })
        .sum();
    // 障害者控除 for a 同一生計配偶者 is allowed whatever the employee's income (所得税法79条②).
    let for_spouse = request
        .spouse
        .filter(|spouse| is_same_livelihood_spouse(rules, spouse))
        .map_or(Yen::ZERO, |spouse| {
            disability_deduction(rules, spouse.disability, spouse.lives_together)
        });
    let for_employee = disability_deduction(rules, request.taxpayer.disability, false);
    // ひとり親 needs a child in the same livelihood within the income limit. The request does not
    // say which relatives are children, so a relative who is not a 直系尊属 and not another
    // earner's dependant stands for one; a declared ひとり親 with no such relative gets no
    // ひとり親控除 (but may still get 寡婦控除 if declared).
    let child_income_limit = rules.personal_status.single_parent_child_income_limit;
    let has_qualifying_child = relatives.iter().any(|classified| {
        let relative = classified.relative;
        !relative.lineal_ascendant
            && !relative.claimed_by_other_earner
            && relative.total_income <= child_income_limit
    });
    let for_status = personal_status_deduction(
        rules,
        &request.taxpayer,
        employee_total_income,
        has_qualifying_child,
    );
    for_relatives + for_spouse + for_employee + for_status
}

/// A 定額減税 (per person: the employee, a 同一生計配偶者 and each 扶養親族 this employee
/// claims), capped at the tax it reduces. Zero in every supported year; see the year modules.
fn flat_rate_tax_reduction(
    rules: &TaxYearRules,
    request: &YearEndAdjustmentRequest,
    relatives: &[ClassifiedRelative<'_>],
) -> Yen {
    let per_person = rules.flat_rate_tax_reduction_per_person;
    if per_person <= Yen::ZERO {
        return Yen::ZERO;
    }
    let spouse_count = usize::from(
        request
            .spouse
            .is_some_and(|spouse| is_same_livelihood_spouse(rules, &spouse)),
    );
    let dependent_count = relatives
        .iter()
        .filter(|classified| {
            classified.class.is_dependent() && !classified.relative.claimed_by_other_earner
        })
        .count();
    let persons = i64::try_from(1 + spouse_count + dependent_count).unwrap_or(i64::MAX);
    Yen::new(per_person.amount().saturating_mul(persons))
}

fn ineligible(year: TaxYear, reason: IneligibilityReason) -> YearEndAdjustmentResult {
    YearEndAdjustmentResult {
        tax_year: year,
        eligible: false,
        reason: Some(reason),
        employment_income: Yen::ZERO,
        income_adjustment_deduction: Yen::ZERO,
        deductions: Deductions::default(),
        total_deductions: Yen::ZERO,
        taxable_income: Yen::ZERO,
        computed_tax: Yen::ZERO,
        housing_loan_credit_applied: Yen::ZERO,
        annual_income_tax: Yen::ZERO,
        annual_tax: Yen::ZERO,
        difference: Yen::ZERO,
        applied_to_last_salary_tax: Yen::ZERO,
        refund: Yen::ZERO,
        additional_collection: Yen::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules_for;

    fn year_2026() -> TaxYear {
        TaxYear::new(2026).unwrap()
    }

    #[test]
    fn a_flat_rate_reduction_would_be_taken_per_person_after_the_housing_credit() {
        // No supported year has one (the constants are zero); this checks the step works if a
        // year's constant is changed. 2026, salary 5,000,000: 算出所得税額 90,000 (the contract
        // example). Employee + 同一生計配偶者 + one 扶養親族 = 3 persons × 30,000 = 90,000 → 0.
        let rules = TaxYearRules {
            flat_rate_tax_reduction_per_person: Yen::new(30_000),
            ..*rules_for(year_2026()).unwrap()
        };
        let mut request = YearEndAdjustmentRequest {
            salary_total: Yen::new(5_000_000),
            social_insurance: Yen::new(720_000),
            ..Default::default()
        };
        let without_family = adjust(&rules, year_2026(), &request);
        assert_eq!(without_family.computed_tax, Yen::new(90_000));
        assert_eq!(without_family.annual_income_tax, Yen::new(60_000));
        request.spouse = Some(crate::Spouse::new(
            time::macros::date!(1980 - 01 - 01),
            Yen::ZERO,
        ));
        request.relatives.push(Relative::new(
            time::macros::date!(2015 - 01 - 01),
            Yen::ZERO,
        ));
        let with_family = adjust(&rules, year_2026(), &request);
        assert!(with_family.computed_tax < Yen::new(90_000));
        assert_eq!(with_family.annual_income_tax, Yen::ZERO);
        // The supported years take nothing off.
        let supported = adjust(rules_for(year_2026()).unwrap(), year_2026(), &request);
        assert_eq!(supported.annual_income_tax, supported.computed_tax);
    }
}
