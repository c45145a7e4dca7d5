//! Validation, supported years and the error contract.

use nencho_tax::{
    InputProblem, MAXIMUM_AMOUNT, TaxError, YearEndAdjustmentRequest, compute_year_end_adjustment,
    rules_for, supported_years,
};

use crate::support::{date, relative, salary_request, tax_year, yen};

fn invalid(
    field: &str,
    reason: InputProblem,
) -> Result<nencho_tax::YearEndAdjustmentResult, TaxError> {
    Err(TaxError::InvalidInput {
        field: field.to_owned(),
        reason,
    })
}

#[test]
fn supports_2025_and_2026_only() {
    assert_eq!(supported_years(), vec![tax_year(2025), tax_year(2026)]);
    for year in supported_years() {
        assert_eq!(rules_for(year).unwrap().year(), year.year());
    }
    let request = salary_request(5_000_000, 0, 0);
    for year in [2019, 2024, 2027] {
        assert_eq!(
            compute_year_end_adjustment(tax_year(year), &request),
            Err(TaxError::UnsupportedYear(year))
        );
    }
}

#[test]
fn negative_amounts_name_their_field() {
    let year = tax_year(2026);
    let mut request = salary_request(5_000_000, 0, 0);
    request.life_insurance.old_pension = yen(-1);
    assert_eq!(
        compute_year_end_adjustment(year, &request),
        invalid("life_insurance.old_pension", InputProblem::Negative)
    );

    let mut request = salary_request(5_000_000, 0, 0);
    request.relatives = vec![
        relative(date(2000, 1, 1), 0),
        relative(date(2001, 1, 1), 0),
        relative(date(2002, 1, 1), -5),
    ];
    assert_eq!(
        compute_year_end_adjustment(year, &request),
        invalid("relatives[2].total_income", InputProblem::Negative)
    );

    let request = YearEndAdjustmentRequest {
        salary_total: yen(-1),
        ..Default::default()
    };
    assert_eq!(
        compute_year_end_adjustment(year, &request),
        invalid("salary_total", InputProblem::Negative)
    );

    let request = YearEndAdjustmentRequest {
        housing_loan_credit: MAXIMUM_AMOUNT + yen(1),
        ..Default::default()
    };
    assert_eq!(
        compute_year_end_adjustment(year, &request),
        invalid("housing_loan_credit", InputProblem::TooLarge)
    );
}

#[test]
fn people_born_after_the_year_end_are_refused() {
    let mut request = salary_request(5_000_000, 0, 0);
    request.relatives = vec![
        relative(date(2026, 12, 31), 0),
        relative(date(2027, 1, 1), 0),
    ];
    assert_eq!(
        compute_year_end_adjustment(tax_year(2026), &request),
        invalid("relatives[1].birth_date", InputProblem::BornAfterYearEnd)
    );
    request.relatives.pop();
    assert!(compute_year_end_adjustment(tax_year(2026), &request).is_ok());
    request.spouse = Some(nencho_tax::Spouse::new(date(2027, 1, 1), yen(0)));
    assert_eq!(
        compute_year_end_adjustment(tax_year(2026), &request),
        invalid("spouse.birth_date", InputProblem::BornAfterYearEnd)
    );
}

#[test]
fn unwithheld_last_salary_tax_is_part_of_the_tax_withheld() {
    let mut request = salary_request(5_000_000, 0, 10_000);
    request.last_salary_tax_unwithheld = yen(10_001);
    assert_eq!(
        compute_year_end_adjustment(tax_year(2026), &request),
        invalid(
            "last_salary_tax_unwithheld",
            InputProblem::ExceedsTaxWithheld
        )
    );
}

#[test]
fn the_largest_accepted_amounts_do_not_overflow() {
    let huge = MAXIMUM_AMOUNT;
    let mut request = salary_request(20_000_000, huge.amount(), huge.amount());
    request.other_income = huge;
    request.small_business_mutual_aid = huge;
    request.housing_loan_credit = huge;
    request.life_insurance.new_general = huge;
    request.earthquake_insurance.old_long_term = huge;
    request.spouse = Some(nencho_tax::Spouse::new(date(1970, 1, 1), huge));
    request.relatives = vec![relative(date(2000, 1, 1), huge.amount()); 3];
    let result = compute_year_end_adjustment(tax_year(2026), &request).unwrap();
    assert_eq!(result.annual_tax, yen(0));
    assert_eq!(result.refund, huge);
}

#[test]
fn errors_read_as_field_and_problem() {
    let error = TaxError::InvalidInput {
        field: "relatives[2].birth_date".into(),
        reason: InputProblem::BornAfterYearEnd,
    };
    assert_eq!(
        error.to_string(),
        "relatives[2].birth_date: is after the end of the tax year"
    );
    assert_eq!(
        TaxError::UnsupportedYear(2027).to_string(),
        "tax year 2027 is not supported"
    );
}
