//! The JSON API under `/api/v1`, described by the OpenAPI document it serves at
//! `/api/v1/openapi.json`.

mod tax;

use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, OpenApiService};

/// Which nencho answers.
#[derive(Object)]
struct ServiceVersion {
    /// The service's name.
    service: String,
    /// The release, semantic versioning.
    version: String,
}

pub(crate) struct MetaApi;

#[OpenApi]
impl MetaApi {
    /// The service name and release.
    #[oai(path = "/version", method = "get")]
    async fn version(&self) -> Json<ServiceVersion> {
        Json(ServiceVersion {
            service: "nencho".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })
    }
}

pub(crate) fn service() -> OpenApiService<(MetaApi, tax::TaxApi), ()> {
    OpenApiService::new(
        (MetaApi, tax::TaxApi),
        "nencho API",
        env!("CARGO_PKG_VERSION"),
    )
    .server("/api/v1")
}

/// The OpenAPI document (JSON), for snapshot tests and publishing.
pub fn openapi_document() -> String {
    service().spec()
}
