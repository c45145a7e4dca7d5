//! Between the wire shapes and the engine's types. The two map one to one (same field names,
//! same meaning), so this is plain copying; the engine validates the values.

use nencho_kernel::Yen;
use nencho_tax as tax;

use super::wire;

pub(crate) fn request_to_domain(
    request: &wire::YearEndAdjustmentRequest,
) -> tax::YearEndAdjustmentRequest {
    let life = &request.life_insurance;
    let earthquake = &request.earthquake_insurance;
    let taxpayer = &request.taxpayer;
    tax::YearEndAdjustmentRequest {
        salary_total: Yen::new(request.salary_total),
        tax_withheld: Yen::new(request.tax_withheld),
        last_salary_tax_unwithheld: Yen::new(request.last_salary_tax_unwithheld),
        social_insurance: Yen::new(request.social_insurance),
        small_business_mutual_aid: Yen::new(request.small_business_mutual_aid),
        other_income: Yen::new(request.other_income),
        life_insurance: tax::LifeInsurancePremiums {
            new_general: Yen::new(life.new_general),
            old_general: Yen::new(life.old_general),
            care_medical: Yen::new(life.care_medical),
            new_pension: Yen::new(life.new_pension),
            old_pension: Yen::new(life.old_pension),
        },
        earthquake_insurance: tax::EarthquakeInsurancePremiums {
            earthquake: Yen::new(earthquake.earthquake),
            old_long_term: Yen::new(earthquake.old_long_term),
        },
        taxpayer: tax::Taxpayer {
            disability: disability_to_domain(taxpayer.disability),
            widow: taxpayer.widow,
            single_parent: taxpayer.single_parent,
            working_student: taxpayer.working_student,
            non_employment_income_for_student: Yen::new(taxpayer.non_employment_income_for_student),
        },
        spouse: request.spouse.as_ref().map(|spouse| tax::Spouse {
            birth_date: spouse.birth_date.0,
            total_income: Yen::new(spouse.total_income),
            disability: disability_to_domain(spouse.disability),
            lives_together: spouse.lives_together,
        }),
        relatives: request
            .relatives
            .iter()
            .map(|relative| tax::Relative {
                birth_date: relative.birth_date.0,
                total_income: Yen::new(relative.total_income),
                lineal_ascendant: relative.lineal_ascendant,
                lives_together: relative.lives_together,
                disability: disability_to_domain(relative.disability),
                claimed_by_other_earner: relative.claimed_by_other_earner,
            })
            .collect(),
        housing_loan_credit: Yen::new(request.housing_loan_credit),
    }
}

fn disability_to_domain(disability: wire::Disability) -> tax::Disability {
    match disability {
        wire::Disability::None => tax::Disability::None,
        wire::Disability::General => tax::Disability::General,
        wire::Disability::Special => tax::Disability::Special,
    }
}

pub(crate) fn result_to_wire(
    result: &tax::YearEndAdjustmentResult,
) -> wire::YearEndAdjustmentResponse {
    let deductions = &result.deductions;
    wire::YearEndAdjustmentResponse {
        tax_year: result.tax_year.year(),
        eligible: result.eligible,
        reason: result.reason.map(|reason| match reason {
            tax::IneligibilityReason::SalaryAbove20Million => {
                wire::IneligibilityReason::SalaryAbove20Million
            }
        }),
        employment_income: result.employment_income.amount(),
        income_adjustment_deduction: result.income_adjustment_deduction.amount(),
        deductions: wire::Deductions {
            social_insurance: deductions.social_insurance.amount(),
            small_business_mutual_aid: deductions.small_business_mutual_aid.amount(),
            life_insurance: deductions.life_insurance.amount(),
            earthquake_insurance: deductions.earthquake_insurance.amount(),
            spouse: deductions.spouse.amount(),
            specific_relative: deductions.specific_relative.amount(),
            dependents_and_others: deductions.dependents_and_others.amount(),
            basic: deductions.basic.amount(),
        },
        total_deductions: result.total_deductions.amount(),
        taxable_income: result.taxable_income.amount(),
        computed_tax: result.computed_tax.amount(),
        housing_loan_credit_applied: result.housing_loan_credit_applied.amount(),
        annual_income_tax: result.annual_income_tax.amount(),
        annual_tax: result.annual_tax.amount(),
        difference: result.difference.amount(),
        applied_to_last_salary_tax: result.applied_to_last_salary_tax.amount(),
        refund: result.refund.amount(),
        additional_collection: result.additional_collection.amount(),
    }
}
