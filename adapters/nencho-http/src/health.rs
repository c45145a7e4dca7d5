//! Probes for load balancers and orchestrators (MON-1, SVC-4).

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

use crate::HttpServices;
use crate::metrics::Metrics;

/// Liveness: the process answers. Touches nothing else, so a slow database never gets a live
/// server restarted.
#[handler]
pub async fn liveness() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: 200 only when the store answers; 503 otherwise, without internals in the body.
/// Each check also updates `nencho_store_up` and the store ping latency (MON-1).
#[handler]
pub async fn readiness(services: Data<&Arc<HttpServices>>, metrics: Data<&Metrics>) -> Response {
    match metrics.check_readiness(&services.readiness).await {
        Ok(()) => Json(json!({ "status": "ok" })).into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            Json(json!({ "status": "unavailable" }))
                .with_status(StatusCode::SERVICE_UNAVAILABLE)
                .into_response()
        }
    }
}
