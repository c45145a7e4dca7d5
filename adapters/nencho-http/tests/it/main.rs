//! The HTTP surface against a real SQLite store, through poem's test client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::sync::Arc;

use nencho_app::readiness::CheckReadiness;
use nencho_http::{HttpServices, endpoint};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use poem::http::StatusCode;
use poem::test::TestClient;

mod tax_api;
mod tax_identical;

async fn store() -> (tempfile::TempDir, SqliteStore) {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    (directory, store)
}

fn client(store: &SqliteStore) -> TestClient<impl poem::Endpoint> {
    let services = HttpServices {
        readiness: CheckReadiness::new(Arc::new(store.clone())),
    };
    TestClient::new(endpoint(services))
}

#[tokio::test]
async fn liveness_and_readiness_answer_when_the_store_does() {
    let (_directory, store) = store().await;
    let client = client(&store);
    let live = client.get("/healthz").send().await;
    live.assert_status_is_ok();
    live.assert_json(serde_json::json!({ "status": "ok" }))
        .await;
    client.get("/readyz").send().await.assert_status_is_ok();
}

#[tokio::test]
async fn readiness_is_503_and_liveness_200_when_the_store_is_gone() {
    let (_directory, store) = store().await;
    let client = client(&store);
    store.close().await;
    let ready = client.get("/readyz").send().await;
    ready.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    ready
        .assert_json(serde_json::json!({ "status": "unavailable" }))
        .await;
    client.get("/healthz").send().await.assert_status_is_ok();
}

#[tokio::test]
async fn the_landing_page_is_japanese_and_carries_security_headers() {
    let (_directory, store) = store().await;
    let response = client(&store).get("/").send().await;
    response.assert_status_is_ok();
    response.assert_content_type("text/html; charset=utf-8");
    response.assert_header("X-Content-Type-Options", "nosniff");
    response.assert_header("X-Frame-Options", "DENY");
    response.assert_header_exist("Content-Security-Policy");
    let body = response.0.into_body().into_string().await.unwrap();
    assert!(body.contains(r#"<html lang="ja">"#));
    assert!(body.contains("年末調整電子申請サービス"));
    assert!(body.contains(r#"name="viewport""#), "usable on a phone");
}

#[tokio::test]
async fn unknown_paths_get_a_plain_404_page() {
    let (_directory, store) = store().await;
    let response = client(&store).get("/no/such/page").send().await;
    response.assert_status(StatusCode::NOT_FOUND);
    let body = response.0.into_body().into_string().await.unwrap();
    assert!(body.contains("ページが見つかりません"));
}

#[tokio::test]
async fn the_api_describes_itself_in_openapi() {
    let (_directory, store) = store().await;
    let client = client(&store);
    let spec = client.get("/api/v1/openapi.json").send().await;
    spec.assert_status_is_ok();
    let document: serde_json::Value = spec.0.into_body().into_json().await.unwrap();
    assert_eq!(document["info"]["title"], "nencho API");
    assert!(document["paths"]["/version"]["get"].is_object());

    let version = client.get("/api/v1/version").send().await;
    version.assert_status_is_ok();
    version
        .assert_json(
            serde_json::json!({ "service": "nencho", "version": env!("CARGO_PKG_VERSION") }),
        )
        .await;
}
