//! `POST /api/v1/tax/{year}/year-end-adjustment` in-process: the contract's example, errors of
//! every class, the rate limit, and the OpenAPI document (with its committed snapshot).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use nencho_http::{CALCULATOR_BURST, CALCULATOR_PER_MINUTE, endpoint_with_clock};
use nencho_kernel::{FixedClock, OffsetDateTime};
use nencho_store_sqlite::SqliteStore;
use poem::endpoint::BoxEndpoint;
use poem::http::uri::Scheme;
use poem::http::{HeaderMap, Method, StatusCode};
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Body, Endpoint, EndpointExt, Request, RequestParts, Response};
use serde_json::{Value, json};

use crate::store;

/// The web surface with a fixed clock, and a way to send a request from a chosen client IP.
pub struct Calculator {
    endpoint: BoxEndpoint<'static, Response>,
    pub clock: Arc<FixedClock>,
    _directory: tempfile::TempDir,
    _store: SqliteStore,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Calculator {
    pub async fn new() -> Self {
        let (directory, store) = store().await;
        let services = crate::services(&store);
        let clock = Arc::new(FixedClock::at(
            OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000),
        ));
        let endpoint = endpoint_with_clock(services, clock.clone())
            .map_to_response()
            .boxed();
        Self {
            endpoint,
            clock,
            _directory: directory,
            _store: store,
        }
    }

    /// POSTs `body` to `path` from `client` (the socket's remote address).
    pub async fn post_from(&self, client: IpAddr, path: &str, body: impl Into<Body>) -> Answer {
        let (parts, ()) = poem::http::Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("content-type", "application/json")
            .body(())
            .unwrap()
            .into_parts();
        let parts = RequestParts::from((
            parts,
            LocalAddr(Addr::SocketAddr("127.0.0.1:8080".parse().unwrap())),
            RemoteAddr(Addr::SocketAddr(SocketAddr::new(client, 40_000))),
            Scheme::HTTP,
        ));
        let response = self
            .endpoint
            .get_response(Request::from_parts(parts, body.into()))
            .await;
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.into_body().into_string().await.unwrap();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{status}: the answer is not JSON: {text}"));
        Answer {
            status,
            headers,
            body,
        }
    }

    /// POSTs a JSON request for `year` from a client of its own (so rate limits never interfere).
    pub async fn compute(&self, year: impl std::fmt::Display, request: &Value) -> Answer {
        self.post(year, request.to_string()).await
    }

    pub async fn post(&self, year: impl std::fmt::Display, body: impl Into<Body>) -> Answer {
        // Each call moves the clock a minute on, so that one client never runs out.
        self.clock.advance(time::Duration::minutes(1));
        self.post_from(
            IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
            &format!("/api/v1/tax/{year}/year-end-adjustment"),
            body,
        )
        .await
    }
}

/// The request of calculator-api.md (without its optional zero fields).
pub fn contract_example_request() -> Value {
    json!({
        "salary_total": 5_000_000,
        "tax_withheld": 120_000,
        "last_salary_tax_unwithheld": 0,
        "social_insurance": 720_000,
        "small_business_mutual_aid": 0,
        "other_income": 0,
        "life_insurance": {
            "new_general": 0, "old_general": 0, "care_medical": 0,
            "new_pension": 0, "old_pension": 0
        },
        "earthquake_insurance": { "earthquake": 0, "old_long_term": 0 },
        "taxpayer": {
            "disability": "none",
            "widow": false, "single_parent": false, "working_student": false,
            "non_employment_income_for_student": 0
        },
        "relatives": [],
        "housing_loan_credit": 0
    })
}

/// The response of calculator-api.md, verbatim.
pub fn contract_example_response() -> Value {
    json!({
        "tax_year": 2026,
        "eligible": true,
        "employment_income": 3_560_000,
        "income_adjustment_deduction": 0,
        "deductions": {
            "social_insurance": 720_000, "small_business_mutual_aid": 0,
            "life_insurance": 0, "earthquake_insurance": 0,
            "spouse": 0,
            "specific_relative": 0,
            "dependents_and_others": 0,
            "basic": 1_040_000
        },
        "total_deductions": 1_760_000,
        "taxable_income": 1_800_000,
        "computed_tax": 90_000,
        "housing_loan_credit_applied": 0,
        "annual_income_tax": 90_000,
        "annual_tax": 91_800,
        "difference": -28_200,
        "applied_to_last_salary_tax": 0,
        "refund": 28_200,
        "additional_collection": 0
    })
}

#[tokio::test]
async fn the_contract_example_gives_exactly_the_documented_response() {
    let calculator = Calculator::new().await;
    let answer = calculator.compute(2026, &contract_example_request()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body, contract_example_response());
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "application/json; charset=utf-8"
    );

    // Optional fields may be left out: the minimal request gives the same answer.
    let minimal = json!({
        "salary_total": 5_000_000, "tax_withheld": 120_000, "social_insurance": 720_000
    });
    let answer = calculator.compute(2026, &minimal).await;
    assert_eq!(answer.body, contract_example_response());
    // Null stands for "not given" too.
    let with_nulls = json!({
        "salary_total": 5_000_000, "tax_withheld": 120_000, "social_insurance": 720_000,
        "spouse": null, "relatives": null, "life_insurance": null, "other_income": null
    });
    let answer = calculator.compute(2026, &with_nulls).await;
    assert_eq!(answer.body, contract_example_response());
}

#[tokio::test]
async fn a_family_with_spouse_parent_and_insurance_in_2026() {
    // The 2026 worked case of nencho-tax (spouse_special_deduction_life_insurance_mix_…) plus a
    // father of 76 living with the employee. Figures by hand from rules-2025-2026.md:
    // 給与所得控除後 6,000,000 × 80% − 440,000 = 4,360,000; 生命保険料控除 120,000; 地震
    // 43,000; 配偶者特別控除 360,000 (spouse 1,000,000); 同居老親等 580,000 (father ≥ 70,
    // 直系尊属, 同居); 基礎控除 1,040,000 (合計所得 ≤ 489万, 2026).
    let request = json!({
        "salary_total": 6_000_000,
        "tax_withheld": 150_000,
        "social_insurance": 900_000,
        "life_insurance": {
            "new_general": 100_000, "old_general": 30_000,
            "care_medical": 50_000, "old_pension": 120_000
        },
        "earthquake_insurance": { "earthquake": 30_000, "old_long_term": 16_000 },
        "spouse": { "birth_date": "1980-05-05", "total_income": 1_000_000 },
        "relatives": [{
            "birth_date": "1950-02-02", "total_income": 0,
            "lineal_ascendant": true, "lives_together": true
        }]
    });
    let answer = Calculator::new().await.compute(2026, &request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // 900,000 + 120,000 + 43,000 + 360,000 + 580,000 + 1,040,000 = 3,043,000.
    // 4,360,000 − 3,043,000 = 1,317,000 → × 5% = 65,850 → × 102.1% = 67,232.85 → 67,200.
    // 67,200 − 150,000 = −82,800: refund 82,800.
    assert_eq!(
        answer.body,
        json!({
            "tax_year": 2026,
            "eligible": true,
            "employment_income": 4_360_000,
            "income_adjustment_deduction": 0,
            "deductions": {
                "social_insurance": 900_000, "small_business_mutual_aid": 0,
                "life_insurance": 120_000, "earthquake_insurance": 43_000,
                "spouse": 360_000, "specific_relative": 0,
                "dependents_and_others": 580_000, "basic": 1_040_000
            },
            "total_deductions": 3_043_000,
            "taxable_income": 1_317_000,
            "computed_tax": 65_850,
            "housing_loan_credit_applied": 0,
            "annual_income_tax": 65_850,
            "annual_tax": 67_200,
            "difference": -82_800,
            "applied_to_last_salary_tax": 0,
            "refund": 82_800,
            "additional_collection": 0
        })
    );
}

#[tokio::test]
async fn a_salary_above_20_million_is_ineligible_with_a_reason() {
    let request = json!({ "salary_total": 20_000_001, "tax_withheld": 3_000_000 });
    let answer = Calculator::new().await.compute(2025, &request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["tax_year"], 2025);
    assert_eq!(answer.body["eligible"], false);
    assert_eq!(answer.body["reason"], "salary_above_20_million");
    assert_eq!(answer.body["refund"], 0);
}

/// Sends `body` for `year` and checks the status, the field named, and that the message names
/// the field too.
async fn assert_refused(
    calculator: &Calculator,
    year: &str,
    body: impl Into<Body>,
    status: StatusCode,
    field: &str,
) -> String {
    let answer = calculator.post(year, body).await;
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["field"], field, "{}", answer.body);
    let message = answer.body["error"].as_str().unwrap().to_owned();
    assert!(
        message.contains(field),
        "the message names {field}: {message}"
    );
    assert_eq!(
        answer.body.as_object().unwrap().len(),
        2,
        "only error and field: {}",
        answer.body
    );
    message
}

#[tokio::test]
async fn every_error_class_gets_its_status_and_names_the_field() {
    let calculator = Calculator::new().await;
    let valid = contract_example_request();
    let with = |path: &[&str], value: Value| {
        let mut request = valid.clone();
        let mut target = &mut request;
        for key in &path[..path.len() - 1] {
            target = &mut target[*key];
        }
        target[path[path.len() - 1]] = value;
        request.to_string()
    };
    let bad_request = StatusCode::BAD_REQUEST;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;

    // Unknown fields, at the top and nested.
    let message = assert_refused(
        &calculator,
        "2026",
        with(&["salary"], json!(1)),
        bad_request,
        "salary",
    )
    .await;
    assert!(message.contains("unknown field"), "{message}");
    assert!(
        message.contains("salary_total"),
        "lists the known fields: {message}"
    );
    assert_refused(
        &calculator,
        "2026",
        with(&["life_insurance", "new_generals"], json!(1)),
        bad_request,
        "life_insurance.new_generals",
    )
    .await;

    // Wrong types.
    let message = assert_refused(
        &calculator,
        "2026",
        with(&["salary_total"], json!("5000000")),
        bad_request,
        "salary_total",
    )
    .await;
    assert!(
        message.contains("\"5000000\""),
        "shows the value: {message}"
    );
    assert_refused(
        &calculator,
        "2026",
        with(&["salary_total"], json!(5_000_000.5)),
        bad_request,
        "salary_total",
    )
    .await;
    assert_refused(
        &calculator,
        "2026",
        with(&["taxpayer", "widow"], json!("yes")),
        bad_request,
        "taxpayer.widow",
    )
    .await;
    assert_refused(
        &calculator,
        "2026",
        with(&["taxpayer", "disability"], json!("severe")),
        bad_request,
        "taxpayer.disability",
    )
    .await;
    assert_refused(
        &calculator,
        "2026",
        with(&["relatives"], json!({ "birth_date": "2005-06-01" })),
        bad_request,
        "relatives",
    )
    .await;
    assert_refused(
        &calculator,
        "2026",
        with(&["salary_total"], json!(u64::MAX)),
        bad_request,
        "salary_total",
    )
    .await;

    // A missing required field.
    let message = assert_refused(
        &calculator,
        "2026",
        json!({ "salary_total": 1 }).to_string(),
        bad_request,
        "tax_withheld",
    )
    .await;
    assert!(message.contains("required"), "{message}");

    // Bad dates, deep in the request.
    let relatives = json!([
        { "birth_date": "2005-06-01", "total_income": 0 },
        { "birth_date": "2005-13-01", "total_income": 0 }
    ]);
    assert_refused(
        &calculator,
        "2026",
        with(&["relatives"], relatives),
        bad_request,
        "relatives[1].birth_date",
    )
    .await;
    for bad_date in [json!("1975/04/01"), json!("1975-02-30"), json!(19750401)] {
        assert_refused(
            &calculator,
            "2026",
            with(
                &["spouse"],
                json!({ "birth_date": bad_date, "total_income": 0 }),
            ),
            bad_request,
            "spouse.birth_date",
        )
        .await;
    }

    // Well-formed but unusable values: 422.
    let message = assert_refused(
        &calculator,
        "2026",
        with(&["social_insurance"], json!(-1)),
        unprocessable,
        "social_insurance",
    )
    .await;
    assert!(message.contains("negative"), "{message}");
    assert_refused(
        &calculator,
        "2026",
        with(
            &["relatives"],
            json!([{ "birth_date": "2027-01-01", "total_income": 0 }]),
        ),
        unprocessable,
        "relatives[0].birth_date",
    )
    .await;
    assert_refused(
        &calculator,
        "2026",
        with(&["last_salary_tax_unwithheld"], json!(120_001)),
        unprocessable,
        "last_salary_tax_unwithheld",
    )
    .await;

    // Years.
    for unsupported in ["2024", "2030", "1999", "0", "-5"] {
        let message = assert_refused(
            &calculator,
            unsupported,
            valid.to_string(),
            unprocessable,
            "year",
        )
        .await;
        assert!(
            message.contains("2025") && message.contains("2026"),
            "{message}"
        );
    }
    // The year is judged before the body.
    assert_refused(&calculator, "2030", "not json", unprocessable, "year").await;
    for not_a_year in ["twenty", "2026.0", "99999999999"] {
        assert_refused(
            &calculator,
            not_a_year,
            valid.to_string(),
            bad_request,
            "year",
        )
        .await;
    }

    // Bodies that are not a JSON object.
    for body in [
        "",
        "   ",
        "not json",
        "{\"salary_total\": ",
        "[1, 2]",
        "null",
        "42",
    ] {
        assert_refused(&calculator, "2026", body, bad_request, "body").await;
    }
    assert_refused(
        &calculator,
        "2026",
        vec![0xff, 0xfe, 0x00],
        bad_request,
        "body",
    )
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_in_the_error_shape() {
    let calculator = Calculator::new().await;
    let answer = calculator.post("2026", " ".repeat(100_000)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.body["field"], "body");
}

#[tokio::test]
async fn one_client_is_limited_after_the_burst_while_another_is_served() {
    let calculator = Calculator::new().await;
    let path = "/api/v1/tax/2026/year-end-adjustment";
    let request = contract_example_request().to_string();
    let busy = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));
    let other = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 8));

    for attempt in 0..CALCULATOR_BURST {
        let answer = calculator.post_from(busy, path, request.clone()).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "request {attempt} of the burst"
        );
    }
    let limited = calculator.post_from(busy, path, request.clone()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers.get("retry-after").unwrap(), "1");
    assert!(
        limited.body["error"]
            .as_str()
            .unwrap()
            .contains("too many requests"),
        "{}",
        limited.body
    );
    assert_eq!(limited.body["field"], Value::Null);
    // Bad requests count too: the limit is checked before anything is read.
    let limited = calculator.post_from(busy, path, "not json").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);

    // Another client is not affected.
    let served = calculator.post_from(other, path, request.clone()).await;
    assert_eq!(served.status, StatusCode::OK);

    // One request per second comes back (60 per minute).
    calculator.clock.advance(time::Duration::seconds(1));
    let again = calculator.post_from(busy, path, request.clone()).await;
    assert_eq!(again.status, StatusCode::OK);
    let limited = calculator.post_from(busy, path, request.clone()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);

    // Other routes are not limited.
    let version = calculator
        .endpoint
        .get_response(Request::builder().uri_str("/api/v1/version").finish())
        .await;
    assert_eq!(version.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_describes_the_calculator_and_its_fields() {
    let document: Value = serde_json::from_str(&nencho_http::openapi_document()).unwrap();
    let operation = &document["paths"]["/tax/{year}/year-end-adjustment"]["post"];
    assert!(operation.is_object(), "{}", document["paths"]);
    assert_eq!(operation["operationId"], "computeYearEndAdjustment");
    let description = operation["description"].as_str().unwrap();
    assert!(
        description.contains(&format!(
            "{CALCULATOR_BURST} requests at once, then {CALCULATOR_PER_MINUTE} per minute"
        )),
        "the documented limit is the enforced one: {description}"
    );
    assert_eq!(operation["parameters"][0]["name"], "year");
    assert_eq!(operation["parameters"][0]["in"], "path");
    assert_eq!(operation["parameters"][0]["schema"]["type"], "integer");
    for status in ["200", "400", "413", "422", "429"] {
        assert!(
            operation["responses"][status].is_object(),
            "documents {status}"
        );
    }
    // poem-openapi writes header names in capitals; HTTP header names are case-insensitive.
    assert!(operation["responses"]["429"]["headers"]["RETRY-AFTER"].is_object());
    assert_eq!(
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/YearEndAdjustmentRequest"
    );

    let schemas = &document["components"]["schemas"];
    let request = &schemas["YearEndAdjustmentRequest"];
    assert_eq!(request["required"], json!(["salary_total", "tax_withheld"]));
    // Every field of every calculator object has a description with its Japanese term.
    for name in [
        "YearEndAdjustmentRequest",
        "LifeInsurancePremiums",
        "EarthquakeInsurancePremiums",
        "Taxpayer",
        "Spouse",
        "Relative",
        "YearEndAdjustmentResponse",
        "Deductions",
        "CalculatorError",
    ] {
        let properties = schemas[name]["properties"].as_object().unwrap();
        assert!(!properties.is_empty(), "{name}");
        for (field, schema) in properties {
            let description = schema["description"].as_str().unwrap_or_default();
            assert!(
                description
                    .chars()
                    .any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)),
                "{name}.{field} is described in Japanese terms: {description:?}"
            );
        }
    }
    assert!(
        request["properties"]["salary_total"]["description"]
            .as_str()
            .unwrap()
            .contains("給与等の総額")
    );
    assert_eq!(
        schemas["Disability"]["enum"],
        json!(["none", "general", "special"])
    );
    assert_eq!(
        schemas["Spouse"]["properties"]["birth_date"]["format"],
        "date"
    );

    // The served document is the same one.
    let calculator = Calculator::new().await;
    let served = calculator
        .endpoint
        .get_response(Request::builder().uri_str("/api/v1/openapi.json").finish())
        .await;
    let served: Value = served.into_body().into_json().await.unwrap();
    assert_eq!(served, document);
}

/// The OpenAPI document is part of the public contract: any change to it shows up here as a
/// diff against the committed snapshot. `UPDATE_SNAPSHOTS=1 cargo test -p nencho-http` rewrites
/// the snapshot after a deliberate change.
#[test]
fn the_openapi_document_matches_its_snapshot() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/snapshots/openapi.json"
    );
    let document: Value = serde_json::from_str(&nencho_http::openapi_document()).unwrap();
    let rendered = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|value| value == "1") {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_else(|error| {
        panic!("cannot read {path} ({error}); run with UPDATE_SNAPSHOTS=1 to create it")
    });
    if committed != rendered {
        let first_difference = committed
            .lines()
            .zip(rendered.lines())
            .position(|(was, now)| was != now)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()));
        let context = |text: &str| {
            text.lines()
                .skip(first_difference.saturating_sub(3))
                .take(7)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "the OpenAPI document differs from {path} from line {}; if the change is \
             deliberate, run UPDATE_SNAPSHOTS=1 cargo test -p nencho-http and commit the \
             snapshot.\n--- committed\n{}\n--- now\n{}",
            first_difference + 1,
            context(&committed),
            context(&rendered)
        );
    }
}
