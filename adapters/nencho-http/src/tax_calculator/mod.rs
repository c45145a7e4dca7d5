//! The year-end adjustment calculator of the public contract (docs/calculator.md): JSON in, JSON
//! out. Both `POST /api/v1/tax/{year}/year-end-adjustment` and `nencho-ops tax compute` call the
//! functions here, so their answers — results and error messages alike — cannot differ.
//!
//! Steps: the body as JSON → the first field that does not fit the request schema, named by its
//! path ([`schema_check`]) → poem-openapi's `ParseFromJSON` into the [`wire`] types → the
//! `nencho-tax` engine → the response rendered with poem-openapi's `ToJSON`.
//!
//! Entry points: [`compute_from_bytes`] (a request body as received), [`compute_from_json`] (an
//! already parsed JSON value), and their typed twins [`calculate_from_bytes`] (what the HTTP
//! route runs) and [`calculate`].

mod mapping;
mod schema_check;
pub mod wire;

use std::fmt;
use std::sync::LazyLock;

use nencho_kernel::TaxYear;
use nencho_tax::{InputProblem, TaxError};
use poem_openapi::registry::Registry;
use poem_openapi::types::{ParseFromJSON, ToJSON, Type};
use serde_json::Value;

/// Why a request was refused. Every case is the caller's: there is no internal failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculatorError {
    kind: ErrorKind,
    field: Option<String>,
    message: String,
}

/// The two classes of refusal, which the HTTP route answers with 400 and 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request cannot be read: not JSON, empty, a wrong type, an unknown field, a missing
    /// required field, a malformed date or enum value, or a non-numeric year (400).
    Malformed,
    /// The request is well-formed but unusable: a negative or absurd amount, a birth date after
    /// the tax year, an unsupported tax year (422).
    Unprocessable,
}

impl CalculatorError {
    fn malformed(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Malformed,
            field: Some(field.into()),
            message: message.into(),
        }
    }

    fn unprocessable(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Unprocessable,
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A year that is not a number (the route's path parameter).
    pub(crate) fn year_not_a_number() -> Self {
        Self::malformed(
            "year",
            "year: expected a calendar year such as 2026 (年分は 2026 のように西暦の数字で指定してください)",
        )
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status the route answers with.
    pub fn status(&self) -> u16 {
        match self.kind {
            ErrorKind::Malformed => 400,
            ErrorKind::Unprocessable => 422,
        }
    }

    /// The offending field's path in the request (`relatives[2].birth_date`), `year`, or `body`
    /// for the body as a whole.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error as the contract shows it: `{"error": "...", "field": "..."}`.
    pub fn body(&self) -> wire::ErrorBody {
        wire::ErrorBody {
            error: self.message.clone(),
            field: self.field.clone(),
        }
    }

    pub fn to_json(&self) -> Value {
        self.body().to_json().unwrap_or(Value::Null)
    }
}

impl fmt::Display for CalculatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CalculatorError {}

/// Computes the year-end adjustment for `year` from a request body as received (bytes of JSON),
/// returning the response JSON. What `nencho-ops tax compute` runs.
pub fn compute_from_bytes(year: i32, body: &[u8]) -> Result<Value, CalculatorError> {
    calculate_from_bytes(year, body).map(|response| render(&response))
}

/// [`compute_from_bytes`] with the typed response. What the HTTP route runs (poem-openapi then
/// renders it with the same `ToJSON` as [`render`]).
pub fn calculate_from_bytes(
    year: i32,
    body: &[u8],
) -> Result<wire::YearEndAdjustmentResponse, CalculatorError> {
    // The year first: a request for an unsupported year is refused as such whatever its body.
    let tax_year = supported_year(year)?;
    calculate_for(tax_year, parse_body(body)?)
}

/// Computes the year-end adjustment for `year` from a request already parsed as JSON, returning
/// the response JSON.
pub fn compute_from_json(year: i32, body: Value) -> Result<Value, CalculatorError> {
    calculate(year, body).map(|response| render(&response))
}

/// Computes the year-end adjustment for `year` from a JSON request; the typed response.
pub fn calculate(
    year: i32,
    body: Value,
) -> Result<wire::YearEndAdjustmentResponse, CalculatorError> {
    let tax_year = supported_year(year)?;
    calculate_for(tax_year, body)
}

/// Reads a request body as JSON. An empty body and a body that is not JSON are refused with the
/// field `body`.
fn parse_body(body: &[u8]) -> Result<Value, CalculatorError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(CalculatorError::malformed(
            "body",
            "the request body is empty: send the request as a JSON object \
             (リクエスト本文が空です。JSON で送ってください)",
        ));
    }
    serde_json::from_slice(body).map_err(|error| {
        CalculatorError::malformed(
            "body",
            format!(
                "the request body is not valid JSON: {error} (リクエスト本文を JSON として読めません)"
            ),
        )
    })
}

/// The response as JSON, rendered by poem-openapi exactly as the route renders it.
pub fn render(response: &wire::YearEndAdjustmentResponse) -> Value {
    response.to_json().unwrap_or(Value::Null)
}

fn supported_year(year: i32) -> Result<TaxYear, CalculatorError> {
    let supported = nencho_tax::supported_years();
    match TaxYear::new(year) {
        Ok(tax_year) if supported.contains(&tax_year) => Ok(tax_year),
        _ => Err(unsupported_year(year, &supported)),
    }
}

fn unsupported_year(year: i32, supported: &[TaxYear]) -> CalculatorError {
    let names: Vec<String> = supported
        .iter()
        .map(|year| format!("{} ({year})", year.year()))
        .collect();
    CalculatorError::unprocessable(
        "year",
        format!(
            "year: tax year {year} is not supported; supported years: {} (対応していない年分です)",
            names.join(", ")
        ),
    )
}

fn calculate_for(
    tax_year: TaxYear,
    body: Value,
) -> Result<wire::YearEndAdjustmentResponse, CalculatorError> {
    let registry = request_registry();
    let schema = wire::YearEndAdjustmentRequest::schema_ref();
    if let Some(problem) = schema_check::first_problem(registry, &schema, &body) {
        return Err(CalculatorError::malformed(problem.field, problem.message));
    }
    // The schema check passed, so this parse succeeds in practice; should the two ever disagree,
    // the request is still refused as malformed rather than failing.
    let request = wire::YearEndAdjustmentRequest::parse_from_json(Some(body)).map_err(|error| {
        CalculatorError::malformed(
            "body",
            format!(
                "the request does not fit the calculator's request schema: {} \
                 (リクエストの形式が正しくありません)",
                error.into_message()
            ),
        )
    })?;
    let domain_request = mapping::request_to_domain(&request);
    nencho_tax::compute_year_end_adjustment(tax_year, &domain_request)
        .map(|result| mapping::result_to_wire(&result))
        .map_err(|error| from_tax_error(&error))
}

fn from_tax_error(error: &TaxError) -> CalculatorError {
    match error {
        TaxError::UnsupportedYear(year) => unsupported_year(*year, &nencho_tax::supported_years()),
        TaxError::InvalidInput { field, reason } => {
            let japanese = match reason {
                InputProblem::Negative => "マイナスの金額は指定できません",
                InputProblem::TooLarge => "金額が大きすぎます",
                InputProblem::BornAfterYearEnd => "生年月日が年分の12月31日より後です",
                InputProblem::ExceedsTaxWithheld => "徴収税額の合計を超えています",
            };
            CalculatorError::unprocessable(field.clone(), format!("{field}: {reason} ({japanese})"))
        }
    }
}

/// The request schema and everything it references, registered once.
fn request_registry() -> &'static Registry {
    static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
        let mut registry = Registry::new();
        wire::YearEndAdjustmentRequest::register(&mut registry);
        registry
    });
    &REGISTRY
}
