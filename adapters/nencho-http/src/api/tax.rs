//! `POST /api/v1/tax/{year}/year-end-adjustment`: the public calculator (no login, nothing
//! stored, rate-limited per client IP). The work is [`crate::tax_calculator`]'s, shared with the
//! operator CLI; this module only speaks HTTP: the path parameter, the body, the status codes.

use poem::error::ReadBodyError;
use poem::{Endpoint, IntoResponse, Request, RequestBody, Response};
use poem_openapi::error::{ParseParamError, ParsePathError};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaMediaType, MetaRequest, Registry};
use poem_openapi::types::Type;
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions, OpenApi};

use crate::rate_limit::{
    CALCULATOR_BURST, CALCULATOR_PER_MINUTE, CalculatorRateLimiter, rate_limited,
};
use crate::tax_calculator::{self, CalculatorError, ErrorKind, wire};

/// The largest request body read. A request with a spouse and a dozen relatives is about 3 KiB.
const LARGEST_BODY: usize = 64 * 1024;

pub(crate) struct TaxApi;

#[OpenApi]
impl TaxApi {
    /// 年末調整の計算 (year-end tax adjustment calculator).
    ///
    /// Computes one employee's year-end adjustment (年末調整) for the calendar tax year `year`
    /// (2025 = 令和7年分, 2026 = 令和8年分) from the figures in the body, down to the refund
    /// (還付) or the additional collection (不足額). No login; nothing is stored. Rate-limited per
    /// client IP: 30 requests at once, then 60 per minute (429 with `Retry-After`). Errors are
    /// `{"error": "...", "field": "..."}` naming the offending field: 400 for a body that cannot
    /// be read (not JSON, wrong type, unknown field, bad date, non-numeric year), 422 for a
    /// value that cannot be used (negative amount, unsupported year).
    #[oai(
        path = "/tax/:year/year-end-adjustment",
        method = "post",
        operation_id = "computeYearEndAdjustment",
        transform = "calculator_rate_limit"
    )]
    async fn compute_year_end_adjustment(
        &self,
        /// 年分: the calendar tax year, e.g. 2026 (令和8年分).
        year: Path<i32>,
        body: CalculatorRequestBody,
    ) -> CalculatorResponse {
        match tax_calculator::calculate_from_bytes(year.0, &body.0) {
            Ok(response) => CalculatorResponse::Ok(Json(response)),
            Err(error) => CalculatorResponse::from(error),
        }
    }
}

/// The route's answers. Any error poem-openapi raises before the handler runs (a year that is
/// not a number, a body that cannot be read) is turned into the same JSON error shape by
/// [`bad_request`].
#[derive(ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub(crate) enum CalculatorResponse {
    /// 計算結果: the year-end adjustment.
    #[oai(status = 200)]
    Ok(Json<wire::YearEndAdjustmentResponse>),
    /// The request cannot be read: not JSON, empty, a wrong type, an unknown field, a missing
    /// required field, a malformed date or value, or a year that is not a number.
    #[oai(status = 400)]
    BadRequest(Json<wire::ErrorBody>),
    /// The body is larger than 64 KiB.
    #[oai(status = 413)]
    PayloadTooLarge(Json<wire::ErrorBody>),
    /// The request is well-formed but unusable: a negative or absurd amount, a birth date after
    /// the tax year, an unwithheld tax above the tax withheld, or an unsupported tax year.
    #[oai(status = 422)]
    UnprocessableEntity(Json<wire::ErrorBody>),
    /// Too many requests from this client IP; retry after the given number of seconds.
    #[oai(status = 429)]
    TooManyRequests(
        Json<wire::ErrorBody>,
        /// Seconds to wait before the next request is accepted.
        #[oai(header = "Retry-After")]
        u64,
    ),
}

impl From<CalculatorError> for CalculatorResponse {
    fn from(error: CalculatorError) -> Self {
        match error.kind() {
            ErrorKind::Malformed => CalculatorResponse::BadRequest(Json(error.body())),
            ErrorKind::Unprocessable => CalculatorResponse::UnprocessableEntity(Json(error.body())),
        }
    }
}

/// The operation's `transform`: the calculator's per-client-IP rate limit, checked before the
/// request is read.
fn calculator_rate_limit<E: Endpoint>(inner: E) -> impl Endpoint<Output = Response> {
    rate_limited::<E, CalculatorRateLimiter>(inner, too_many_requests)
}

fn too_many_requests(retry_after_seconds: u64) -> Response {
    CalculatorResponse::TooManyRequests(
        Json(wire::ErrorBody {
            error: format!(
                "too many requests from this address: at most {CALCULATOR_BURST} at once and \
                 {CALCULATOR_PER_MINUTE} per minute; retry after {retry_after_seconds} s \
                 (リクエストが多すぎます。{retry_after_seconds}秒後に再度お試しください)"
            ),
            field: None,
        }),
        retry_after_seconds,
    )
    .into_response()
}

/// poem-openapi's own extraction errors, in the contract's error shape.
fn bad_request(error: poem::Error) -> CalculatorResponse {
    if let Some(path_error) = error.downcast_ref::<ParsePathError>() {
        tracing::debug!(%path_error, "calculator: bad path parameter");
        return CalculatorError::year_not_a_number().into();
    }
    if error.downcast_ref::<ParseParamError>().is_some() {
        return CalculatorError::year_not_a_number().into();
    }
    if let Some(ReadBodyError::PayloadTooLarge) = error.downcast_ref::<ReadBodyError>() {
        return CalculatorResponse::PayloadTooLarge(Json(wire::ErrorBody {
            error: format!(
                "the request body is larger than {} KiB (リクエスト本文が大きすぎます)",
                LARGEST_BODY / 1024
            ),
            field: Some("body".into()),
        }));
    }
    let status = error.status();
    tracing::debug!(%error, %status, "calculator: request not readable");
    CalculatorResponse::BadRequest(Json(wire::ErrorBody {
        error: format!("the request body cannot be read (リクエスト本文を読めません): {error}"),
        field: Some("body".into()),
    }))
}

/// The request body: read whole (up to [`LARGEST_BODY`]) and handed to the calculator, which
/// parses it so that the route and the CLI report a bad body in the same words. Described in
/// the OpenAPI document as the `YearEndAdjustmentRequest` schema. The body is read as JSON
/// whatever its `Content-Type` says, so that `curl -d @request.json` works as is.
pub(crate) struct CalculatorRequestBody(Vec<u8>);

impl<'a> ApiExtractor<'a> for CalculatorRequestBody {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        wire::YearEndAdjustmentRequest::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: Some(
                "年末調整の計算の入力 (JSON). Amounts in integer yen; dates as YYYY-MM-DD; \
                 optional fields default to 0, false, empty or null; unknown fields are refused.",
            ),
            content: vec![MetaMediaType {
                content_type: "application/json",
                schema: wire::YearEndAdjustmentRequest::schema_ref(),
            }],
            required: true,
        })
    }

    async fn from_request(
        _request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let bytes = body.take()?.into_bytes_limit(LARGEST_BODY).await?;
        Ok(Self(bytes.to_vec()))
    }
}
