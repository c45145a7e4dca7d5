//! `nencho-ops tax compute` as a real process, against a real `nencho-web` server: the same
//! request gives the same JSON on stdout as the calculator route gives over HTTP, and bad input
//! gives the route's error JSON on stderr with exit code 2.

use std::net::SocketAddr;
use std::process::{Output, Stdio};

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_testkit::command;

const BINARY: &str = env!("CARGO_BIN_EXE_nencho-ops");

/// Settings as `nencho-web --data-dir DIR --listen 127.0.0.1:0` would resolve them.
fn web_settings(data_dir: &std::path::Path) -> Settings {
    Settings::load(&SettingsArgs {
        data_dir: Some(data_dir.to_owned()),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    })
    .unwrap()
}

/// Runs `nencho-ops tax compute --year YEAR` with `stdin` as its input.
async fn cli(year: &str, stdin: &str) -> Output {
    let working_dir = tempfile::tempdir().unwrap();
    let mut child = command(BINARY, working_dir.path())
        .args(["tax", "compute", "--year", year])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let output = tokio::time::timeout(nencho_testkit::PATIENCE, child.wait_with_output())
        .await
        .expect("the CLI finishes")
        .unwrap();
    // No store was opened (nor created) in the working directory.
    let left: Vec<_> = std::fs::read_dir(working_dir.path()).unwrap().collect();
    assert!(left.is_empty(), "the CLI created files: {left:?}");
    output
}

/// POSTs `body` to the running server's calculator route: status and JSON body.
async fn http(address: SocketAddr, year: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "http://{address}/api/v1/tax/{year}/year-end-adjustment"
        ))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn requests() -> Vec<(&'static str, Value)> {
    vec![
        // The example of calculator-api.md.
        (
            "2026",
            json!({
                "salary_total": 5_000_000, "tax_withheld": 120_000,
                "last_salary_tax_unwithheld": 0, "social_insurance": 720_000,
                "small_business_mutual_aid": 0, "other_income": 0,
                "life_insurance": { "new_general": 0, "old_general": 0, "care_medical": 0,
                                    "new_pension": 0, "old_pension": 0 },
                "earthquake_insurance": { "earthquake": 0, "old_long_term": 0 },
                "taxpayer": { "disability": "none", "widow": false, "single_parent": false,
                              "working_student": false, "non_employment_income_for_student": 0 },
                "relatives": [], "housing_loan_credit": 0
            }),
        ),
        // A family with insurance, 2025.
        (
            "2025",
            json!({
                "salary_total": 7_000_000, "tax_withheld": 200_000, "social_insurance": 1_050_000,
                "life_insurance": { "new_general": 90_000, "care_medical": 30_000 },
                "earthquake_insurance": { "earthquake": 20_000 },
                "spouse": { "birth_date": "1978-10-10", "total_income": 500_000,
                            "disability": "general", "lives_together": true },
                "relatives": [
                    { "birth_date": "2012-05-05", "total_income": 0, "disability": "general" },
                    { "birth_date": "2005-07-07", "total_income": 0 },
                    { "birth_date": "1950-02-02", "total_income": 0,
                      "lineal_ascendant": true, "lives_together": true }
                ],
                "housing_loan_credit": 100_000
            }),
        ),
        // Outside 年末調整.
        (
            "2026",
            json!({ "salary_total": 25_000_000, "tax_withheld": 4_000_000 }),
        ),
    ]
}

#[tokio::test]
async fn the_cli_answers_exactly_as_the_http_route_for_good_and_bad_input() {
    let working_dir = tempfile::tempdir().unwrap();
    let (address_tx, address_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(nencho_web::serve(
        web_settings(&working_dir.path().join("state")),
        async move {
            let _ = stop_rx.await;
        },
        move |address| {
            let _ = address_tx.send(address);
        },
    ));
    let address = address_rx.await.unwrap();

    for (year, request) in requests() {
        let body = request.to_string();
        let output = cli(year, &body).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.starts_with("{\n  \""), "pretty JSON: {stdout}");
        let from_cli: Value = serde_json::from_str(&stdout).unwrap();
        let (status, from_http) = http(address, year, &body).await;
        assert_eq!(status, 200, "{from_http}");
        assert_eq!(from_cli, from_http, "CLI and HTTP agree on {body}");
    }
    // The example's documented figures, through the CLI.
    let (year, example) = &requests()[0];
    let output = cli(year, &example.to_string()).await;
    let example_answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(example_answer["employment_income"], 3_560_000);
    assert_eq!(example_answer["taxable_income"], 1_800_000);
    assert_eq!(example_answer["annual_tax"], 91_800);
    assert_eq!(example_answer["refund"], 28_200);

    let bad_inputs = [
        (
            "2026",
            r#"{"salary_total": 1, "tax_withheld": 0, "bonus": 5}"#,
            400,
            "bonus",
        ),
        (
            "2026",
            r#"{"salary_total": 1, "tax_withheld": 0, "relatives": [{"birth_date": "2005-02-30", "total_income": 0}]}"#,
            400,
            "relatives[0].birth_date",
        ),
        (
            "2026",
            r#"{"salary_total": "many", "tax_withheld": 0}"#,
            400,
            "salary_total",
        ),
        (
            "2026",
            r#"{"salary_total": 1, "tax_withheld": -3}"#,
            422,
            "tax_withheld",
        ),
        ("2026", "this is not JSON", 400, "body"),
        ("2026", "", 400, "body"),
        (
            "2024",
            r#"{"salary_total": 1, "tax_withheld": 0}"#,
            422,
            "year",
        ),
        (
            "2030",
            r#"{"salary_total": 1, "tax_withheld": 0}"#,
            422,
            "year",
        ),
    ];
    for (year, body, status, field) in bad_inputs {
        let output = cli(year, body).await;
        assert_eq!(output.status.code(), Some(2), "{body}");
        assert!(output.stdout.is_empty(), "nothing on stdout for {body}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let from_cli: Value = serde_json::from_str(stderr.trim_end())
            .unwrap_or_else(|_| panic!("stderr is the error JSON: {stderr}"));
        assert_eq!(from_cli["field"], field, "{stderr}");
        assert!(
            from_cli["error"].as_str().unwrap().contains(field),
            "the message names {field}: {stderr}"
        );
        let (http_status, from_http) = http(address, year, body).await;
        assert_eq!(http_status, status, "{from_http}");
        assert_eq!(from_cli, from_http, "CLI and HTTP refuse {body} alike");
    }

    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_year_that_is_not_a_number_is_a_usage_error_naming_the_option() {
    let output = cli("twenty", "{}").await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--year"), "{stderr}");
}
