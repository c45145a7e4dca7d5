//! Test fixtures shared by the crate's unit tests: the 2026 year, a relative, a declaration with
//! every question answered no, and the paths `validate` reports.

use nencho_kernel::{Date, TaxYear, Yen};

use crate::document::{
    Answers, Declaration, DisabilityKind, EarthquakePolicy, EarthquakePolicyKind, LifeContractAge,
    LifePolicy, LifePolicyKind, PersonName, RelativeEntry,
};
use crate::validation::validate;

pub(crate) fn year_2026() -> TaxYear {
    TaxYear::new(2026).unwrap()
}

/// A relative living with the employee, no income, no disability, claimed by nobody else.
pub(crate) fn relative(name: &str, relationship: &str, birth_date: Date) -> RelativeEntry {
    RelativeEntry {
        name: PersonName {
            name: name.into(),
            kana: String::new(),
        },
        relationship: relationship.into(),
        birth_date,
        estimated_income: Yen::ZERO,
        lives_together: true,
        lineal_ascendant: false,
        disability: DisabilityKind::None,
        claimed_by_other_earner: false,
        non_resident: false,
    }
}

/// Every required question answered "no" (the previous-employer question left unanswered),
/// salary estimate 5,000,000.
pub(crate) fn answered_no() -> Declaration {
    let mut document = Declaration {
        answers: Answers {
            has_spouse: Some(false),
            has_dependents: Some(false),
            paid_life_insurance: Some(false),
            paid_earthquake_insurance: Some(false),
            paid_social_insurance: Some(false),
            paid_mutual_aid: Some(false),
            has_housing_loan: Some(false),
            had_previous_employer: None,
        },
        ..Declaration::default()
    };
    document.taxpayer.estimated_salary = Yen::new(5_000_000);
    document
}

/// The field paths of every problem `validate` finds for 2026.
pub(crate) fn problem_paths(document: &Declaration) -> Vec<String> {
    validate(document, year_2026())
        .into_iter()
        .map(|problem| problem.path)
        .collect()
}

/// A new-contract general life policy of 80,000円 a year (a certificate is called for).
pub(crate) fn life_policy(insurer: &str) -> LifePolicy {
    LifePolicy {
        insurer: insurer.to_owned(),
        policy_type: String::new(),
        kind: LifePolicyKind::General,
        contract: LifeContractAge::New,
        period: String::new(),
        beneficiary: String::new(),
        premium: Yen::new(80_000),
    }
}

/// An earthquake policy of 30,000円 a year.
pub(crate) fn earthquake_policy(insurer: &str) -> EarthquakePolicy {
    EarthquakePolicy {
        insurer: insurer.to_owned(),
        kind: EarthquakePolicyKind::Earthquake,
        insured_object: String::new(),
        period: String::new(),
        premium: Yen::new(30_000),
    }
}
