//! The same requests through the `nencho-tax` library, the shared calculator function and the
//! HTTP route give the same JSON. The library's result is turned into JSON here, by hand, field
//! by field as the contract names them, so the adapter's mapping is checked rather than reused.
//! (The operator CLI is compared with the HTTP server in nencho-ops' tests.)

use nencho_kernel::{Date, Month, TaxYear, Yen};
use nencho_tax::{
    Disability, EarthquakeInsurancePremiums, LifeInsurancePremiums, Relative, Spouse, Taxpayer,
    YearEndAdjustmentRequest, YearEndAdjustmentResult, compute_year_end_adjustment,
};
use poem::http::StatusCode;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

use crate::tax_api::{Calculator, contract_example_request, contract_example_response};

/// One generated case: the engine's request and the same request as contract JSON.
#[derive(Debug, Clone)]
struct Case {
    year: i32,
    request: YearEndAdjustmentRequest,
    json: Value,
}

fn disability_name(disability: Disability) -> &'static str {
    match disability {
        Disability::None => "none",
        Disability::General => "general",
        Disability::Special => "special",
    }
}

fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Inserts `value` unless it is the default and `omit` says to leave defaults out.
fn put(object: &mut Map<String, Value>, name: &str, value: Value, is_default: bool, omit: bool) {
    if !(is_default && omit) {
        object.insert(name.into(), value);
    }
}

fn amount(object: &mut Map<String, Value>, name: &str, value: Yen, omit: bool) {
    put(
        object,
        name,
        json!(value.amount()),
        value == Yen::ZERO,
        omit,
    );
}

fn flag(object: &mut Map<String, Value>, name: &str, value: bool, omit: bool) {
    put(object, name, json!(value), !value, omit);
}

fn disability(object: &mut Map<String, Value>, name: &str, value: Disability, omit: bool) {
    put(
        object,
        name,
        json!(disability_name(value)),
        value == Disability::None,
        omit,
    );
}

/// The contract JSON of `request`; defaults are written out or left out as `omit` says.
fn request_json(request: &YearEndAdjustmentRequest, omit: bool) -> Value {
    let mut object = Map::new();
    object.insert("salary_total".into(), json!(request.salary_total.amount()));
    object.insert("tax_withheld".into(), json!(request.tax_withheld.amount()));
    amount(
        &mut object,
        "last_salary_tax_unwithheld",
        request.last_salary_tax_unwithheld,
        omit,
    );
    amount(
        &mut object,
        "social_insurance",
        request.social_insurance,
        omit,
    );
    amount(
        &mut object,
        "small_business_mutual_aid",
        request.small_business_mutual_aid,
        omit,
    );
    amount(&mut object, "other_income", request.other_income, omit);

    let life = &request.life_insurance;
    let mut life_json = Map::new();
    amount(&mut life_json, "new_general", life.new_general, omit);
    amount(&mut life_json, "old_general", life.old_general, omit);
    amount(&mut life_json, "care_medical", life.care_medical, omit);
    amount(&mut life_json, "new_pension", life.new_pension, omit);
    amount(&mut life_json, "old_pension", life.old_pension, omit);
    object.insert("life_insurance".into(), Value::Object(life_json));

    let earthquake = &request.earthquake_insurance;
    let mut earthquake_json = Map::new();
    amount(
        &mut earthquake_json,
        "earthquake",
        earthquake.earthquake,
        omit,
    );
    amount(
        &mut earthquake_json,
        "old_long_term",
        earthquake.old_long_term,
        omit,
    );
    object.insert(
        "earthquake_insurance".into(),
        Value::Object(earthquake_json),
    );

    let taxpayer = &request.taxpayer;
    let mut taxpayer_json = Map::new();
    disability(&mut taxpayer_json, "disability", taxpayer.disability, omit);
    flag(&mut taxpayer_json, "widow", taxpayer.widow, omit);
    flag(
        &mut taxpayer_json,
        "single_parent",
        taxpayer.single_parent,
        omit,
    );
    flag(
        &mut taxpayer_json,
        "working_student",
        taxpayer.working_student,
        omit,
    );
    amount(
        &mut taxpayer_json,
        "non_employment_income_for_student",
        taxpayer.non_employment_income_for_student,
        omit,
    );
    put(
        &mut object,
        "taxpayer",
        Value::Object(taxpayer_json),
        *taxpayer == Taxpayer::default(),
        omit,
    );

    if let Some(spouse) = &request.spouse {
        let mut spouse_json = Map::new();
        spouse_json.insert("birth_date".into(), json!(date_text(spouse.birth_date)));
        spouse_json.insert("total_income".into(), json!(spouse.total_income.amount()));
        disability(&mut spouse_json, "disability", spouse.disability, omit);
        flag(
            &mut spouse_json,
            "lives_together",
            spouse.lives_together,
            omit,
        );
        object.insert("spouse".into(), Value::Object(spouse_json));
    }
    let relatives: Vec<Value> = request
        .relatives
        .iter()
        .map(|relative| {
            let mut relative_json = Map::new();
            relative_json.insert("birth_date".into(), json!(date_text(relative.birth_date)));
            relative_json.insert("total_income".into(), json!(relative.total_income.amount()));
            flag(
                &mut relative_json,
                "lineal_ascendant",
                relative.lineal_ascendant,
                omit,
            );
            flag(
                &mut relative_json,
                "lives_together",
                relative.lives_together,
                omit,
            );
            disability(&mut relative_json, "disability", relative.disability, omit);
            flag(
                &mut relative_json,
                "claimed_by_other_earner",
                relative.claimed_by_other_earner,
                omit,
            );
            Value::Object(relative_json)
        })
        .collect();
    put(
        &mut object,
        "relatives",
        Value::Array(relatives),
        request.relatives.is_empty(),
        omit,
    );
    amount(
        &mut object,
        "housing_loan_credit",
        request.housing_loan_credit,
        omit,
    );
    Value::Object(object)
}

/// The library's result as the contract's response JSON, written out field by field.
fn result_json(result: &YearEndAdjustmentResult) -> Value {
    let deductions = &result.deductions;
    let mut response = json!({
        "tax_year": result.tax_year.year(),
        "eligible": result.eligible,
        "employment_income": result.employment_income.amount(),
        "income_adjustment_deduction": result.income_adjustment_deduction.amount(),
        "deductions": {
            "social_insurance": deductions.social_insurance.amount(),
            "small_business_mutual_aid": deductions.small_business_mutual_aid.amount(),
            "life_insurance": deductions.life_insurance.amount(),
            "earthquake_insurance": deductions.earthquake_insurance.amount(),
            "spouse": deductions.spouse.amount(),
            "specific_relative": deductions.specific_relative.amount(),
            "dependents_and_others": deductions.dependents_and_others.amount(),
            "basic": deductions.basic.amount(),
        },
        "total_deductions": result.total_deductions.amount(),
        "taxable_income": result.taxable_income.amount(),
        "computed_tax": result.computed_tax.amount(),
        "housing_loan_credit_applied": result.housing_loan_credit_applied.amount(),
        "annual_income_tax": result.annual_income_tax.amount(),
        "annual_tax": result.annual_tax.amount(),
        "difference": result.difference.amount(),
        "applied_to_last_salary_tax": result.applied_to_last_salary_tax.amount(),
        "refund": result.refund.amount(),
        "additional_collection": result.additional_collection.amount(),
    });
    if let Some(reason) = result.reason {
        let name = match reason {
            nencho_tax::IneligibilityReason::SalaryAbove20Million => "salary_above_20_million",
        };
        response["reason"] = json!(name);
    }
    response
}

fn yen_up_to(most: i64) -> impl Strategy<Value = Yen> {
    prop_oneof![Just(0i64), 0..=most].prop_map(Yen::new)
}

fn disability_strategy() -> impl Strategy<Value = Disability> {
    prop_oneof![
        6 => Just(Disability::None),
        1 => Just(Disability::General),
        1 => Just(Disability::Special),
    ]
}

/// A birth date from 1920 to the end of `year` (day 1–28, so every month has it).
fn birth_date(year: i32) -> impl Strategy<Value = Date> {
    (1920..=year, 1u8..=12, 1u8..=28).prop_map(|(year, month, day)| {
        Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
    })
}

fn relative_strategy(year: i32) -> impl Strategy<Value = Relative> {
    (
        birth_date(year),
        prop_oneof![Just(0i64), 0..=2_000_000i64],
        any::<bool>(),
        any::<bool>(),
        disability_strategy(),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(birth_date, income, lineal_ascendant, lives_together, disability, claimed)| {
                Relative {
                    birth_date,
                    total_income: Yen::new(income),
                    lineal_ascendant,
                    lives_together,
                    disability,
                    claimed_by_other_earner: claimed,
                }
            },
        )
}

fn case_strategy() -> impl Strategy<Value = Case> {
    prop_oneof![Just(2025), Just(2026)].prop_flat_map(|year| {
        let money = (
            prop_oneof![0..=25_000_000i64, 1_000_000..=10_000_000i64],
            yen_up_to(2_000_000),
            0.0..=1.0f64,
            yen_up_to(2_000_000),
            yen_up_to(300_000),
            yen_up_to(3_000_000),
            yen_up_to(400_000),
        );
        let insurance = (
            [
                yen_up_to(200_000),
                yen_up_to(200_000),
                yen_up_to(200_000),
                yen_up_to(200_000),
                yen_up_to(200_000),
            ],
            yen_up_to(100_000),
            yen_up_to(30_000),
        );
        let taxpayer = (
            disability_strategy(),
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
            yen_up_to(200_000),
        );
        let spouse = prop::option::weighted(
            0.5,
            (
                birth_date(year),
                prop_oneof![Just(0i64), 0..=1_500_000i64],
                disability_strategy(),
                any::<bool>(),
            ),
        );
        let relatives = prop::collection::vec(relative_strategy(year), 0..5);
        (money, insurance, taxpayer, spouse, relatives, any::<bool>()).prop_map(
            move |(money, insurance, taxpayer, spouse, relatives, omit_defaults)| {
                let (salary, withheld, unwithheld_share, social, mutual_aid, other, housing) =
                    money;
                // The unwithheld part is a share of the tax withheld (it cannot exceed it).
                let unwithheld =
                    Yen::new((withheld.amount() as f64 * unwithheld_share * 0.1) as i64);
                let (
                    [
                        new_general,
                        old_general,
                        care_medical,
                        new_pension,
                        old_pension,
                    ],
                    earthquake,
                    old_long_term,
                ) = insurance;
                let (disability, widow, single_parent, working_student, student_income) = taxpayer;
                let request = YearEndAdjustmentRequest {
                    salary_total: Yen::new(salary),
                    tax_withheld: withheld,
                    last_salary_tax_unwithheld: unwithheld,
                    social_insurance: social,
                    small_business_mutual_aid: mutual_aid,
                    other_income: other,
                    life_insurance: LifeInsurancePremiums {
                        new_general,
                        old_general,
                        care_medical,
                        new_pension,
                        old_pension,
                    },
                    earthquake_insurance: EarthquakeInsurancePremiums {
                        earthquake,
                        old_long_term,
                    },
                    taxpayer: Taxpayer {
                        disability,
                        widow,
                        single_parent,
                        working_student,
                        non_employment_income_for_student: student_income,
                    },
                    spouse: spouse.map(|(birth_date, income, disability, lives_together)| Spouse {
                        birth_date,
                        total_income: Yen::new(income),
                        disability,
                        lives_together,
                    }),
                    relatives,
                    housing_loan_credit: housing,
                };
                let json = request_json(&request, omit_defaults);
                Case {
                    year,
                    request,
                    json,
                }
            },
        )
    })
}

/// The library's answer, the shared function's and the route's for one case.
async fn assert_identical(calculator: &Calculator, case: &Case) {
    let library = compute_year_end_adjustment(TaxYear::new(case.year).unwrap(), &case.request)
        .unwrap_or_else(|error| panic!("a generated request is valid: {error}: {case:?}"));
    let expected = result_json(&library);

    let shared = nencho_http::tax_calculator::compute_from_json(case.year, case.json.clone())
        .unwrap_or_else(|error| panic!("{error}: {}", case.json));
    assert_eq!(
        shared, expected,
        "shared function vs library for {}",
        case.json
    );

    let answer = calculator.compute(case.year, &case.json).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.body, expected,
        "HTTP route vs library for {}",
        case.json
    );
}

#[tokio::test]
async fn the_contract_example_is_identical_through_library_function_and_route() {
    let calculator = Calculator::new().await;
    let request = YearEndAdjustmentRequest {
        salary_total: Yen::new(5_000_000),
        tax_withheld: Yen::new(120_000),
        social_insurance: Yen::new(720_000),
        ..YearEndAdjustmentRequest::default()
    };
    let case = Case {
        year: 2026,
        json: contract_example_request(),
        request,
    };
    assert_identical(&calculator, &case).await;
    let library = compute_year_end_adjustment(TaxYear::new(2026).unwrap(), &case.request).unwrap();
    assert_eq!(result_json(&library), contract_example_response());
}

/// A batch of random valid requests (fixed seed, so a failure is reproducible), each through
/// the three ways. Run in one async test so that one in-process server serves them all.
#[tokio::test]
async fn random_valid_requests_are_identical_through_library_function_and_route() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = case_strategy();
    let calculator = Calculator::new().await;
    let mut with_family = 0;
    let mut ineligible = 0;
    for _ in 0..200 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        with_family +=
            usize::from(case.request.spouse.is_some() && !case.request.relatives.is_empty());
        ineligible += usize::from(case.request.salary_total > Yen::new(20_000_000));
        assert_identical(&calculator, &case).await;
    }
    assert!(with_family > 20, "the batch covers families: {with_family}");
    assert!(
        ineligible > 5,
        "the batch covers ineligible salaries: {ineligible}"
    );
}

/// Shrinking counterpart of the batch above: proptest's own runner, on fewer cases, so that a
/// failure is reduced to a minimal request.
#[test]
fn random_valid_requests_through_the_shared_function_match_the_library() {
    proptest!(Config::with_cases(200), |(case in case_strategy())| {
        let library = compute_year_end_adjustment(TaxYear::new(case.year).unwrap(), &case.request).unwrap();
        let shared = nencho_http::tax_calculator::compute_from_json(case.year, case.json.clone());
        prop_assert_eq!(shared, Ok(result_json(&library)));
    });
}

/// Any single field of a valid request replaced by a value of the wrong kind is refused as 400
/// naming exactly that field: the schema check is at least as strict as poem-openapi's parser
/// and never blames another field.
#[test]
fn a_wrong_kind_of_value_anywhere_is_refused_naming_that_field() {
    fn leaves(
        value: &Value,
        path: String,
        out: &mut Vec<(String, Vec<PathStep>)>,
        steps: Vec<PathStep>,
    ) {
        match value {
            Value::Object(members) => {
                for (name, member) in members {
                    let child = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    let mut child_steps = steps.clone();
                    child_steps.push(PathStep::Key(name.clone()));
                    leaves(member, child, out, child_steps);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let mut child_steps = steps.clone();
                    child_steps.push(PathStep::Index(index));
                    leaves(item, format!("{path}[{index}]"), out, child_steps);
                }
            }
            _ => out.push((path, steps)),
        }
    }
    proptest!(Config::with_cases(100), |(case in case_strategy(), pick in any::<prop::sample::Index>(), wrong in 0usize..4)| {
        let mut fields = Vec::new();
        leaves(&case.json, String::new(), &mut fields, Vec::new());
        let (field, steps) = pick.get(&fields).clone();
        let mut request = case.json.clone();
        let mut target = &mut request;
        for step in &steps {
            target = match step {
                PathStep::Key(name) => &mut target[name.as_str()],
                PathStep::Index(index) => &mut target[*index],
            };
        }
        // A value of another kind than any field of the request has at that place.
        let replacement = match (wrong, &*target) {
            (0, _) => json!({ "nested": true }),
            (1, _) => json!([1, 2]),
            (2, Value::String(_)) => json!(12),
            (2, _) => json!("text"),
            (_, Value::Bool(_)) => json!(0),
            (_, Value::Number(_)) => json!(true),
            (_, _) => json!(1.5),
        };
        *target = replacement;
        let error = nencho_http::tax_calculator::compute_from_json(case.year, request).unwrap_err();
        prop_assert_eq!(error.status(), 400, "{}", error);
        prop_assert_eq!(error.field(), Some(field.as_str()), "{}", error);
    });
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}
