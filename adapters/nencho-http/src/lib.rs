//! The web adapter: server-rendered pages (askama, auto-escaped, Japanese first), the JSON API
//! under `/api/v1` described by OpenAPI (poem-openapi), and the middleware every request passes.
//!
//! Wire formats (HTML, JSON) are known only here; handlers call use cases of `nencho-app` and
//! never touch a store directly. Entry points: [`endpoint`] (or [`endpoint_with_clock`], or
//! [`instrumented_endpoint`] recording into shared [`Metrics`] that [`metrics_endpoint`] serves
//! on a private listener), and [`tax_calculator`], the year-end adjustment calculator that the
//! API route and the operator CLI share.

mod access_log;
mod api;
mod client_ip;
mod health;
mod metrics;
mod pages;
mod rate_limit;
mod security_headers;
mod services;
mod sites;
pub mod tax_calculator;

use std::sync::Arc;

use nencho_kernel::{Clock, SystemClock};

use poem::middleware::{CatchPanic, CookieJarManager, RequestId, ReuseId, Tracing};
use poem::{Endpoint, EndpointExt, Route, get};

pub use access_log::{AccessLog, AccessLogWriter};
pub use api::openapi_document;
pub use client_ip::TrustedProxies;
pub use metrics::{Metrics, metrics_endpoint};
pub use rate_limit::{CALCULATOR_BURST, CALCULATOR_PER_MINUTE, SIGN_IN_BURST, SIGN_IN_PER_MINUTE};
pub use services::HttpServices;
pub use sites::csrf::CsrfKey;

/// The whole HTTP surface, with its middleware, ready to serve. Rate limits read the system
/// clock.
pub fn endpoint(services: HttpServices) -> impl Endpoint + 'static {
    endpoint_with_clock(services, Arc::new(SystemClock))
}

/// [`endpoint`] with the clock that rate limits measure time by (a fixed clock in tests).
pub fn endpoint_with_clock(
    services: HttpServices,
    clock: Arc<dyn Clock>,
) -> impl Endpoint + 'static {
    let metrics = Metrics::new(clock.as_ref());
    instrumented_endpoint(services, clock, metrics)
}

/// [`endpoint_with_clock`] recording into `metrics`, which [`metrics_endpoint`] serves (MON-2/3).
pub fn instrumented_endpoint(
    services: HttpServices,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
) -> impl Endpoint + 'static {
    logged_endpoint(services, clock, metrics, None)
}

/// [`instrumented_endpoint`] that also records every request to a tenant site in `access_log`
/// (LOG-1; see [`AccessLog`]).
pub fn logged_endpoint(
    services: HttpServices,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    access_log: Option<AccessLog>,
) -> impl Endpoint + 'static {
    let services = Arc::new(services);
    let trusted_proxies = services.trusted_proxies.clone();
    let https = services.app.site.is_secure();
    let calculator_limiter = rate_limit::CalculatorRateLimiter(Arc::new(
        rate_limit::ClientRateLimiter::for_calculator(clock.clone()),
    ));
    let sign_in_limiter = rate_limit::SignInRateLimiter(Arc::new(
        rate_limit::ClientRateLimiter::for_sign_in(clock.clone()),
    ));
    let platform = with_shared_routes(Route::new().at("/", get(pages::landing)));
    let site = with_shared_routes(sites::routes());
    sites::HostDispatch {
        site: access_log::AccessLogging {
            inner: sites::AllowListGate {
                inner: site.catch_error(pages::not_found),
            },
            log: access_log,
        },
        platform: platform.catch_error(pages::not_found),
        services: services.clone(),
    }
    .data(services)
    .data(calculator_limiter)
    .data(sign_in_limiter)
    .data(metrics.clone())
    .with(client_ip::ResolveClient(trusted_proxies))
    .with(CookieJarManager::new())
    .with(security_headers::middleware(https))
    .with(CatchPanic::new())
    .with(metrics::Instrument(metrics))
    .with(Tracing)
    .with(RequestId::default().reuse_id(ReuseId::Ignore))
}

/// What every host serves: health probes and the JSON API.
fn with_shared_routes(route: Route) -> Route {
    let api = api::service();
    route
        .at("/healthz", get(health::liveness))
        .at("/readyz", get(health::readiness))
        .nest("/api/v1/openapi.json", api.spec_endpoint())
        .nest("/api/v1", api)
}
