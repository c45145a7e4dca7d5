//! The declaration's deductions, computed by `nencho-tax` from what the employee declared: the
//! live figures of the flow, the review page and the payroll export.

use nencho_kernel::{TaxYear, Yen};
use nencho_tax::{
    Deductions, Disability, EarthquakeInsurancePremiums, LifeInsurancePremiums, Relative,
    RelativeClass, Spouse, TaxError, Taxpayer, YearEndAdjustmentRequest,
    compute_year_end_adjustment, housing_loan_credit, rules_for,
};

use crate::document::{
    Declaration, DisabilityKind, EarthquakePolicyKind, LifeContractAge, LifePolicyKind,
    RelativeEntry, SpouseEntry,
};

/// What the declaration is worth: each deduction as the year-end adjustment will apply it, with
/// the declared salary estimate standing in for the year's salary (the payroll system does the
/// final settlement with the real figures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedAmounts {
    pub tax_year: TaxYear,
    /// 給与所得控除後の給与等の金額 of the declared salary estimate.
    pub employment_income: Yen,
    pub deductions: Deductions,
    /// 住宅借入金等特別控除額 (a tax credit, not a deduction from income).
    pub housing_loan_credit: Yen,
    /// Premiums as they enter the 生命保険料控除 (by category and contract age).
    pub life_premiums: LifeInsurancePremiums,
    pub earthquake_premiums: EarthquakeInsurancePremiums,
    /// Declared 社会保険料 paid by the employee (the withheld ones are added by payroll).
    pub declared_social_insurance: Yen,
    pub mutual_aid: Yen,
    /// The class of each relative, in document order.
    pub relative_classes: Vec<RelativeClass>,
    /// The class at next year's end of each relative of next year's family
    /// ([`Declaration::next_year_family`]), in its order: provisional while next year's rules
    /// are not supported ([`nencho_tax::PROVISIONAL_LIMITS_YEAR`]).
    pub next_year_relative_classes: Vec<RelativeClass>,
    /// Whether next year's spouse is a 源泉控除対象配偶者, judged with this year's declared
    /// incomes of the employee as the estimate for next year.
    pub next_year_withholding_spouse: bool,
}

/// The calculator request that the declaration stands for. The salary is the declared estimate
/// of the whole year (前職分 included); the 前職分's 社会保険料等 and 源泉徴収税額 are added to
/// the declared social insurance and the tax withheld, so that a settlement only adds this
/// employer's own totals ([`Declaration::previous_employment_totals`]).
pub fn tax_request(declaration: &Declaration) -> YearEndAdjustmentRequest {
    let taxpayer = &declaration.taxpayer;
    let previous = declaration.previous_employment_totals();
    let mut life = LifeInsurancePremiums::default();
    for policy in &declaration.life_policies {
        let slot = match (policy.kind, policy.contract) {
            (LifePolicyKind::General, LifeContractAge::New) => &mut life.new_general,
            (LifePolicyKind::General, LifeContractAge::Old) => &mut life.old_general,
            (LifePolicyKind::CareMedical, _) => &mut life.care_medical,
            (LifePolicyKind::Pension, LifeContractAge::New) => &mut life.new_pension,
            (LifePolicyKind::Pension, LifeContractAge::Old) => &mut life.old_pension,
        };
        *slot += policy.premium;
    }
    let mut earthquake = EarthquakeInsurancePremiums::default();
    for policy in &declaration.earthquake_policies {
        match policy.kind {
            EarthquakePolicyKind::Earthquake => earthquake.earthquake += policy.premium,
            EarthquakePolicyKind::OldLongTerm => earthquake.old_long_term += policy.premium,
        }
    }
    let housing = declaration.housing_loan.as_ref().map_or(Yen::ZERO, |loan| {
        housing_loan_credit(
            loan.year_end_balance,
            loan.residence_start,
            loan.credit_limit,
        )
    });
    YearEndAdjustmentRequest {
        salary_total: taxpayer.estimated_salary,
        tax_withheld: previous.tax_withheld,
        last_salary_tax_unwithheld: Yen::ZERO,
        social_insurance: declared_social_insurance(declaration) + previous.social_insurance,
        small_business_mutual_aid: declaration.mutual_aid.iter().map(|p| p.amount).sum(),
        other_income: taxpayer.other_income,
        life_insurance: life,
        earthquake_insurance: earthquake,
        taxpayer: Taxpayer {
            disability: disability(taxpayer.disability),
            widow: taxpayer.widow,
            single_parent: taxpayer.single_parent,
            working_student: taxpayer.working_student,
            non_employment_income_for_student: taxpayer.other_income,
        },
        // A non-resident spouse or relative still counts in Japanese law when remittance
        // documents are provided (国外居住親族); the review checks the documents.
        spouse: declaration.spouse.as_ref().map(tax_spouse),
        relatives: declaration.relatives.iter().map(tax_relative).collect(),
        housing_loan_credit: housing,
    }
}

/// Computes every amount of the declaration under `tax_year`'s rules. Errors only for a year the
/// engine does not support or input it refuses (a birth date after the year end, …), naming the
/// calculator field.
pub fn compute(declaration: &Declaration, tax_year: TaxYear) -> Result<ComputedAmounts, TaxError> {
    let request = tax_request(declaration);
    let rules = rules_for(tax_year)?;
    let result = compute_year_end_adjustment(tax_year, &request)?;
    let next_year = tax_year.year() + 1;
    let (next_spouse, next_relatives) = declaration.next_year_family();
    let employee_total_income = result.employment_income + declaration.taxpayer.other_income;
    Ok(ComputedAmounts {
        tax_year,
        employment_income: result.employment_income,
        deductions: result.deductions,
        housing_loan_credit: request.housing_loan_credit,
        life_premiums: request.life_insurance,
        earthquake_premiums: request.earthquake_insurance,
        declared_social_insurance: declared_social_insurance(declaration),
        mutual_aid: request.small_business_mutual_aid,
        relative_classes: request
            .relatives
            .iter()
            .map(|relative| nencho_tax::classify_relative(rules, relative))
            .collect(),
        next_year_relative_classes: next_relatives
            .iter()
            .map(|relative| nencho_tax::classify_relative_in(next_year, &tax_relative(relative)))
            .collect(),
        next_year_withholding_spouse: next_spouse.is_some_and(|spouse| {
            nencho_tax::is_withholding_spouse_in(
                next_year,
                employee_total_income,
                &tax_spouse(spouse),
            )
        }),
    })
}

/// 社会保険料 the employee paid themselves, as declared on the 保険料控除申告書.
fn declared_social_insurance(declaration: &Declaration) -> Yen {
    declaration.social_insurance.iter().map(|p| p.amount).sum()
}

pub(crate) fn tax_spouse(spouse: &SpouseEntry) -> Spouse {
    Spouse {
        birth_date: spouse.birth_date,
        total_income: spouse.estimated_income,
        disability: disability(spouse.disability),
        lives_together: spouse.lives_together,
    }
}

pub(crate) fn tax_relative(relative: &RelativeEntry) -> Relative {
    Relative {
        birth_date: relative.birth_date,
        total_income: relative.estimated_income,
        lineal_ascendant: relative.lineal_ascendant,
        lives_together: relative.lives_together,
        disability: disability(relative.disability),
        claimed_by_other_earner: relative.claimed_by_other_earner,
    }
}

fn disability(kind: DisabilityKind) -> Disability {
    match kind {
        DisabilityKind::None => Disability::None,
        DisabilityKind::General => Disability::General,
        DisabilityKind::Special => Disability::Special,
    }
}
