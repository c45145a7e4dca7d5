//! The web adapter: server-rendered pages (askama, auto-escaped, Japanese first), the JSON API
//! under `/api/v1` described by OpenAPI (poem-openapi), and the middleware every request passes.
//!
//! Wire formats (HTML, JSON) are known only here; handlers call use cases of `nencho-app` and
//! never touch a store directly. Entry point: [`endpoint`].

mod api;
mod health;
mod pages;
mod security_headers;
mod services;

use poem::middleware::{CatchPanic, RequestId, ReuseId, Tracing};
use poem::{Endpoint, EndpointExt, Route, get};

pub use api::openapi_document;
pub use services::HttpServices;

/// The whole HTTP surface, with its middleware, ready to serve.
pub fn endpoint(services: HttpServices) -> impl Endpoint + 'static {
    let api = api::service();
    Route::new()
        .at("/", get(pages::landing))
        .at("/healthz", get(health::liveness))
        .at("/readyz", get(health::readiness))
        .nest("/api/v1/openapi.json", api.spec_endpoint())
        .nest("/api/v1", api)
        .catch_error(pages::not_found)
        .data(std::sync::Arc::new(services))
        .with(security_headers::middleware())
        .with(CatchPanic::new())
        .with(Tracing)
        .with(RequestId::default().reuse_id(ReuseId::Ignore))
}
