//! Prometheus metrics (MON-1..3, SVC-4): request latency per route, request counts by status
//! class, requests in flight, whether the store answers, process start time and build; and, once
//! [`Metrics::observe_access_log`] is called, the access log's (LOG-1) written, dropped and
//! failed counts, read from the [`AccessLog`] at scrape time.
//!
//! Routes are labelled by the **pattern** poem matched (`/admin/companies/:id`), never by the
//! raw path, so ids and tokens never reach a metric; nothing is labelled by tenant (cardinality).
//! The registry is shared through [`Metrics`] (a cheap clone): the app creates one, hands it to
//! [`crate::instrumented_endpoint`] and serves it with [`metrics_endpoint`] on a private listener
//! (SEC-3: only the site is public). docs/monitoring.md lists every metric.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use nencho_app::readiness::{CheckReadiness, NotReady};
use nencho_kernel::Clock;
use poem::http::{Method, StatusCode};
use poem::{
    Endpoint, EndpointExt, IntoResponse, Middleware, PathPattern, Request, Response, Route, get,
    handler,
};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::access_log::{AccessLog, Counters};

/// The route label of requests no route matched (unknown paths and hosts).
pub const UNMATCHED: &str = "unmatched";

/// What the OpenMetrics text exposition is served as (Prometheus reads it natively).
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Request latency buckets in seconds: Prometheus' defaults, which cover pages (tens of ms) up
/// to exports and imports (seconds).
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Store ping buckets in seconds: a healthy ping takes about a millisecond.
const PING_BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
    status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

/// The metrics of one process and the registry they are exposed from. Clones share them.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    request_duration: Family<RouteLabels, Histogram>,
    requests: Family<StatusLabels, Counter>,
    in_flight: Gauge,
    store_up: Gauge,
    store_ping: Histogram,
    /// The access log's counters, once [`Metrics::observe_access_log`] was called.
    access_log: Arc<OnceLock<Arc<Counters>>>,
}

/// Reports the access log's counters at scrape time (nothing before an access log is observed,
/// so a process without one shows no misleading zeros).
#[derive(Debug)]
struct AccessLogCollector(Arc<OnceLock<Arc<Counters>>>);

impl Collector for AccessLogCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(counters) = self.0.get() else {
            return Ok(());
        };
        // The text encoder adds `_total` to counters.
        for (name, help, value) in [
            (
                "nencho_access_log_records_written",
                "Access records (LOG-1) stored since the process started",
                counters.written(),
            ),
            (
                "nencho_access_log_records_dropped",
                "Access records dropped since the process started because the queue was full",
                counters.dropped(),
            ),
            (
                "nencho_access_log_batches_failed",
                "Batches of access records the store refused since the process started (not retried)",
                counters.batches_failed(),
            ),
        ] {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// A fresh registry; the process start time is read from `clock`.
    pub fn new(clock: &dyn Clock) -> Self {
        let mut registry = Registry::default();
        let request_duration =
            Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        registry.register_with_unit(
            "nencho_http_request_duration",
            "Time to answer a request, by method, matched route pattern and status class",
            Unit::Seconds,
            request_duration.clone(),
        );
        let requests = Family::<StatusLabels, Counter>::default();
        registry.register(
            "nencho_http_requests",
            "Requests answered, by status class",
            requests.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "nencho_http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        let store_up = Gauge::default();
        registry.register(
            "nencho_store_up",
            "1 when the store answered the last readiness check, 0 when it did not",
            store_up.clone(),
        );
        let store_ping = Histogram::new(PING_BUCKETS);
        registry.register_with_unit(
            "nencho_store_ping_duration",
            "Time the store took to answer (or fail) a readiness check",
            Unit::Seconds,
            store_ping.clone(),
        );
        let start_time: Gauge = Gauge::default();
        start_time.set(clock.now().unix_timestamp());
        registry.register_with_unit(
            "nencho_process_start_time",
            "When this process started, in seconds since the Unix epoch",
            Unit::Seconds,
            start_time,
        );
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
            })
            .set(1);
        registry.register(
            "nencho_build_info",
            "Always 1; the version of nencho this process runs is its label",
            build,
        );
        let access_log = Arc::new(OnceLock::new());
        registry.register_collector(Box::new(AccessLogCollector(access_log.clone())));
        Self {
            inner: Arc::new(Inner {
                registry,
                request_duration,
                requests,
                in_flight,
                store_up,
                store_ping,
                access_log,
            }),
        }
    }

    /// Exposes `log`'s counts (records written, records dropped, batches failed) from now on,
    /// read at every scrape. A process has one access log: only the first observed counts.
    pub fn observe_access_log(&self, log: &AccessLog) {
        if self.inner.access_log.set(log.counters()).is_err() {
            tracing::warn!("an access log is already observed; the metrics keep the first");
        }
    }

    /// The OpenMetrics text exposition of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Err(error) =
            prometheus_client::encoding::text::encode(&mut text, &self.inner.registry)
        {
            // Writing to a String does not fail; should an encoder ever, say so and serve what
            // was written.
            tracing::error!(%error, "metrics could not be encoded");
        }
        text
    }

    /// Runs the readiness check, recording whether the store answered and how fast.
    pub async fn check_readiness(&self, readiness: &CheckReadiness) -> Result<(), NotReady> {
        let started = stopwatch();
        let outcome = readiness.execute().await;
        self.inner
            .store_ping
            .observe(started.elapsed().as_secs_f64());
        self.inner.store_up.set(i64::from(outcome.is_ok()));
        outcome
    }

    fn record(&self, method: &Method, route: String, status: StatusCode, elapsed: Duration) {
        let status = status_class(status);
        self.inner
            .request_duration
            .get_or_create(&RouteLabels {
                method: method_label(method),
                route,
                status,
            })
            .observe(elapsed.as_secs_f64());
        self.inner
            .requests
            .get_or_create(&StatusLabels { status })
            .inc();
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Durations are measured on the monotonic clock; wall time still comes from `Clock`.
#[allow(clippy::disallowed_methods)]
fn stopwatch() -> Instant {
    Instant::now()
}

/// Known methods by name; anything else one label, so clients cannot invent label values.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The middleware that records every request into `Metrics`. Place it outside `CatchPanic` so
/// that panics count as the 500s they become.
pub struct Instrument(pub Metrics);

impl<E: Endpoint> Middleware<E> for Instrument {
    type Output = InstrumentEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        InstrumentEndpoint {
            inner,
            metrics: self.0.clone(),
        }
    }
}

/// See [`Instrument`].
pub struct InstrumentEndpoint<E> {
    inner: E,
    metrics: Metrics,
}

/// Counts a request in flight until dropped (also when the client goes away mid-request).
struct InFlight<'a>(&'a Gauge);

impl<'a> InFlight<'a> {
    fn enter(gauge: &'a Gauge) -> Self {
        gauge.inc();
        Self(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl<E: Endpoint> Endpoint for InstrumentEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let _in_flight = InFlight::enter(&self.metrics.inner.in_flight);
        let method = request.method().clone();
        let started = stopwatch();
        // Boxed: the whole application's future lives on the heap, not on the task's stack.
        let result = Box::pin(self.inner.call(request))
            .await
            .map(IntoResponse::into_response);
        let elapsed = started.elapsed();
        // poem's `Route` attaches the innermost matched pattern (with the prefixes of nested
        // routes) to the response, or to the error.
        let (pattern, status) = match &result {
            Ok(response) => (response.data::<PathPattern>(), response.status()),
            Err(error) => (error.data::<PathPattern>(), error.status()),
        };
        let route = pattern.map_or_else(|| UNMATCHED.to_owned(), |pattern| pattern.0.to_string());
        self.metrics.record(&method, route, status, elapsed);
        result
    }
}

/// `GET /metrics`: the exposition of `metrics`, for the private metrics listener only.
pub fn metrics_endpoint(metrics: Metrics) -> impl Endpoint + 'static {
    Route::new().at("/metrics", get(exposition)).data(metrics)
}

#[handler]
fn exposition(metrics: poem::web::Data<&Metrics>) -> Response {
    metrics
        .render()
        .with_content_type(CONTENT_TYPE)
        .into_response()
}
