//! Property tests over random requests.

use nencho_kernel::{Date, Yen};
use nencho_tax::{
    Deductions, Disability, Relative, Spouse, Taxpayer, YearEndAdjustmentRequest,
    YearEndAdjustmentResult, employment_income,
};
use proptest::prelude::*;

use crate::support::{compute, rules, yen};

fn amount(max: i64) -> impl Strategy<Value = Yen> {
    (0..=max).prop_map(Yen::new)
}

/// Birth dates up to 2025 (valid for both years), as year and a day of the year up to 365.
fn birth_date(from_year: i32, to_year: i32) -> impl Strategy<Value = Date> {
    (from_year..=to_year, 1u16..=365)
        .prop_map(|(year, day)| Date::from_ordinal_date(year, day).unwrap())
}

fn disability() -> impl Strategy<Value = Disability> {
    prop_oneof![
        Just(Disability::None),
        Just(Disability::General),
        Just(Disability::Special)
    ]
}

/// Incomes of family members: often zero, often near the limits, sometimes large.
fn family_income() -> impl Strategy<Value = Yen> {
    prop_oneof![
        Just(Yen::ZERO),
        amount(700_000),
        amount(1_500_000),
        amount(5_000_000)
    ]
}

fn relative_strategy() -> impl Strategy<Value = Relative> {
    (
        birth_date(1925, 2025),
        family_income(),
        any::<bool>(),
        any::<bool>(),
        disability(),
        any::<bool>(),
    )
        .prop_map(
            |(
                birth_date,
                total_income,
                lineal_ascendant,
                lives_together,
                disability,
                claimed_by_other_earner,
            )| Relative {
                birth_date,
                total_income,
                lineal_ascendant,
                lives_together,
                disability,
                claimed_by_other_earner,
            },
        )
}

fn spouse_strategy() -> impl Strategy<Value = Spouse> {
    (
        birth_date(1935, 2005),
        family_income(),
        disability(),
        any::<bool>(),
    )
        .prop_map(
            |(birth_date, total_income, disability, lives_together)| Spouse {
                birth_date,
                total_income,
                disability,
                lives_together,
            },
        )
}

fn taxpayer_strategy() -> impl Strategy<Value = Taxpayer> {
    (
        disability(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        amount(200_000),
    )
        .prop_map(
            |(
                disability,
                widow,
                single_parent,
                working_student,
                non_employment_income_for_student,
            )| Taxpayer {
                disability,
                widow,
                single_parent,
                working_student,
                non_employment_income_for_student,
            },
        )
}

fn request_strategy() -> impl Strategy<Value = YearEndAdjustmentRequest> {
    let money = (
        prop_oneof![amount(3_000_000), amount(20_500_000)],
        amount(3_000_000),
        amount(3_000_000),
        amount(500_000),
        prop_oneof![
            Just(Yen::ZERO),
            amount(3_000_000),
            (23_000_000i64..=26_000_000).prop_map(Yen::new)
        ],
        amount(400_000),
    );
    let insurance = (
        amount(200_000),
        amount(200_000),
        amount(200_000),
        amount(200_000),
        amount(200_000),
        amount(80_000),
        amount(40_000),
    );
    let family = (
        taxpayer_strategy(),
        proptest::option::of(spouse_strategy()),
        proptest::collection::vec(relative_strategy(), 0..5),
    );
    (money, insurance, family, 0.0..=1.0f64).prop_map(
        |(
            (
                salary_total,
                social_insurance,
                tax_withheld,
                small_business_mutual_aid,
                other_income,
                housing_loan_credit,
            ),
            (
                new_general,
                old_general,
                care_medical,
                new_pension,
                old_pension,
                earthquake,
                old_long_term,
            ),
            (taxpayer, spouse, relatives),
            unwithheld_share,
        )| {
            // Some share of the tax withheld was not yet withheld (whole yen, at most all of it).
            let unwithheld = (tax_withheld.amount() as f64 * unwithheld_share) as i64;
            YearEndAdjustmentRequest {
                salary_total,
                tax_withheld,
                last_salary_tax_unwithheld: Yen::new(unwithheld.min(tax_withheld.amount())),
                social_insurance,
                small_business_mutual_aid,
                other_income,
                life_insurance: nencho_tax::LifeInsurancePremiums {
                    new_general,
                    old_general,
                    care_medical,
                    new_pension,
                    old_pension,
                },
                earthquake_insurance: nencho_tax::EarthquakeInsurancePremiums {
                    earthquake,
                    old_long_term,
                },
                taxpayer,
                spouse,
                relatives,
                housing_loan_credit,
            }
        },
    )
}

/// The same people one year later: every birth date moves one year on, so everyone has the
/// same age on 31 December 2026 as on 31 December 2025.
fn one_year_later(request: &YearEndAdjustmentRequest) -> YearEndAdjustmentRequest {
    let shift =
        |date: Date| Date::from_ordinal_date(date.year() + 1, date.ordinal().min(365)).unwrap();
    let mut later = request.clone();
    if let Some(spouse) = later.spouse.as_mut() {
        spouse.birth_date = shift(spouse.birth_date);
    }
    for relative in &mut later.relatives {
        relative.birth_date = shift(relative.birth_date);
    }
    later
}

fn assert_well_formed(
    result: &YearEndAdjustmentResult,
    request: &YearEndAdjustmentRequest,
) -> Result<(), TestCaseError> {
    let non_negative = [
        result.employment_income,
        result.income_adjustment_deduction,
        result.total_deductions,
        result.taxable_income,
        result.computed_tax,
        result.housing_loan_credit_applied,
        result.annual_income_tax,
        result.annual_tax,
        result.applied_to_last_salary_tax,
        result.refund,
        result.additional_collection,
    ];
    prop_assert!(
        non_negative.iter().all(|amount| *amount >= Yen::ZERO),
        "{result:?}"
    );
    prop_assert_eq!(result.taxable_income.amount() % 1_000, 0);
    prop_assert_eq!(result.annual_tax.amount() % 100, 0);
    if result.eligible {
        prop_assert_eq!(result.total_deductions, result.deductions.total());
        prop_assert_eq!(result.difference, result.annual_tax - request.tax_withheld);
        prop_assert_eq!(
            result.refund + result.applied_to_last_salary_tax - result.additional_collection,
            -result.difference
        );
        prop_assert!(result.refund == Yen::ZERO || result.additional_collection == Yen::ZERO);
        prop_assert!(result.applied_to_last_salary_tax <= request.last_salary_tax_unwithheld);
        prop_assert!(result.housing_loan_credit_applied <= request.housing_loan_credit);
    } else {
        prop_assert!(request.salary_total > yen(20_000_000));
    }
    Ok(())
}

proptest! {
    #[test]
    fn employment_income_never_decreases_as_salary_rises(salary in 0i64..=21_000_000, raise in 0i64..=50_000) {
        for year in [2025, 2026] {
            let rules = rules(year);
            prop_assert!(employment_income(rules, yen(salary)) <= employment_income(rules, yen(salary + raise)));
            prop_assert!(employment_income(rules, yen(salary)) <= employment_income(rules, yen(salary + 1)));
            prop_assert!(employment_income(rules, yen(salary)) <= yen(salary));
        }
    }

    #[test]
    fn results_are_well_formed(request in request_strategy()) {
        for year in [2025, 2026] {
            assert_well_formed(&compute(year, &request), &request)?;
        }
    }

    #[test]
    fn more_deductions_never_raise_the_tax(
        request in request_strategy(),
        extra in 1i64..=500_000,
        which in 0usize..6,
        added_relative in relative_strategy(),
    ) {
        let mut more = request.clone();
        match which {
            0 => more.social_insurance += yen(extra),
            1 => more.small_business_mutual_aid += yen(extra),
            2 => more.life_insurance.new_general += yen(extra),
            3 => more.life_insurance.old_pension += yen(extra),
            4 => more.earthquake_insurance.old_long_term += yen(extra),
            _ => more.relatives.push(added_relative),
        }
        for year in [2025, 2026] {
            let before = compute(year, &request);
            let after = compute(year, &more);
            prop_assert!(after.total_deductions + after.income_adjustment_deduction >= before.total_deductions + before.income_adjustment_deduction);
            prop_assert!(after.annual_tax <= before.annual_tax, "{year}: {:?} → {:?}", before, after);
        }
    }

    #[test]
    fn the_same_people_pay_no_more_in_2026_than_in_2025(request in request_strategy()) {
        // rules §13: every 2026 change raises a deduction or a limit, or lowers employment
        // income below 2,200,000.
        let in_2025 = compute(2025, &request);
        let in_2026 = compute(2026, &one_year_later(&request));
        prop_assert!(in_2026.employment_income <= in_2025.employment_income);
        prop_assert!(in_2026.total_deductions >= in_2025.total_deductions);
        prop_assert!(in_2026.annual_tax <= in_2025.annual_tax);
    }

    #[test]
    fn outside_the_changed_rules_2025_and_2026_agree(mut request in request_strategy()) {
        // rules §13: the changes are the table below 2,200,000, 基礎控除, the 58万→62万 limits,
        // 勤労学生 85万→89万 and the 生命保険料 special. Keep the request clear of all of them
        // except 基礎控除, which is then the only difference.
        request.salary_total = request.salary_total.max(yen(2_200_000));
        request.life_insurance.new_general = Yen::ZERO;
        request.taxpayer.working_student = false;
        let clear_of_the_limits = |income: Yen| if income > yen(580_000) && income <= yen(620_000) { yen(500_000) } else { income };
        if let Some(spouse) = request.spouse.as_mut() {
            spouse.total_income = clear_of_the_limits(spouse.total_income);
        }
        for relative in &mut request.relatives {
            relative.total_income = clear_of_the_limits(relative.total_income);
        }
        let in_2025 = compute(2025, &request);
        let in_2026 = compute(2026, &one_year_later(&request));
        prop_assert_eq!(in_2026.eligible, in_2025.eligible);
        prop_assert_eq!(in_2026.employment_income, in_2025.employment_income);
        prop_assert_eq!(in_2026.income_adjustment_deduction, in_2025.income_adjustment_deduction);
        prop_assert_eq!(in_2026.deductions, Deductions { basic: in_2026.deductions.basic, ..in_2025.deductions });
        // 基礎控除 by the (same) 合計所得金額, rules §3: equal above 2,350万, else 2026 higher.
        let employee_total_income = in_2025.employment_income - in_2025.income_adjustment_deduction + request.other_income;
        if !in_2025.eligible || employee_total_income > yen(23_500_000) {
            prop_assert_eq!(in_2026.deductions.basic, in_2025.deductions.basic);
            prop_assert_eq!(&YearEndAdjustmentResult { tax_year: in_2025.tax_year, ..in_2026.clone() }, &in_2025);
        } else {
            prop_assert!(in_2026.deductions.basic > in_2025.deductions.basic);
        }
    }
}
