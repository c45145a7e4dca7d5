//! The HTTP surface against real stores, through poem's test client. Most tests use SQLite; the
//! authorisation matrix, the import wizard and the export run on SQLite and on PostgreSQL alike
//! (see [`on_both_stores!`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::readiness::CheckReadiness;
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_http::{CsrfKey, HttpServices, endpoint};
use nencho_identity::{LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy};
use nencho_kernel::SystemClock;
use nencho_ports::Store;
use nencho_store_contract::StoreFixture;
use nencho_store_contract::postgres::TestDatabase;
use nencho_store_postgres::{PgStore, PgStoreOptions};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::SiteAddress;
use poem::http::StatusCode;
use poem::test::TestClient;

/// Expands each named `async fn case(store: Arc<dyn Store>)` of the calling module into two
/// tests of the same name: one in a submodule `sqlite`, one in a submodule `postgres`. Each gets
/// a fresh, migrated store of its own. Without a reachable PostgreSQL the `postgres` tests print
/// a loud notice and pass, unless `CI=true`, when they fail (see [`TestDatabase::create`]).
macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let fixture = $crate::open_store(
                        $crate::Backend::Sqlite,
                        concat!(module_path!(), "::", stringify!($case)),
                    )
                    .await
                    .expect("SQLite is always there");
                    super::$case(fixture.store.clone()).await;
                    drop(fixture);
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(fixture) = $crate::open_store(
                        $crate::Backend::Postgres,
                        concat!(module_path!(), "::", stringify!($case)),
                    )
                    .await
                    else {
                        return;
                    };
                    super::$case(fixture.store.clone()).await;
                    drop(fixture);
                }
            )*
        }
    };
}

mod access_log;
mod attachments;
mod audit_log;
mod authorization_posts;
mod change_requests;
mod checks;
mod claims;
mod contract_end;
mod deadlines;
mod departments;
mod exclusions;
mod export;
mod filings;
mod guidance;
mod import;
mod maintenance;
mod memos;
mod metrics;
mod originals;
mod overview;
mod print;
mod review_digest;
mod second_factor;
mod settlement;
mod sites;
mod slips;
mod tax_api;
mod tax_identical;

/// The store adapters the tests can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, migrated, empty store of `backend`, with what keeps it alive (a temporary directory,
/// a database of its own). `None` only for PostgreSQL when the server is unreachable and CI is
/// not set; `test_name` is named in the notice.
pub async fn open_store(backend: Backend, test_name: &str) -> Option<StoreFixture> {
    match backend {
        Backend::Sqlite => {
            let (directory, store) = store().await;
            Some(StoreFixture {
                store: Arc::new(store),
                keep_alive: Box::new(directory),
            })
        }
        Backend::Postgres => {
            // As the PostgreSQL store's own tests do: a database cloned from a migrated template.
            let database = TestDatabase::create(
                test_name,
                &PgStore::schema_fingerprint(),
                |url| async move {
                    let store = PgStore::connect(&PgStoreOptions::from_url(&url).unwrap())
                        .await
                        .unwrap();
                    store.close().await;
                },
            )
            .await?;
            let store = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
                .await
                .unwrap();
            Some(StoreFixture {
                store: Arc::new(store),
                keep_alive: Box::new(database),
            })
        }
    }
}

/// A fresh SQLite store in a temporary directory.
pub async fn store() -> (tempfile::TempDir, SqliteStore) {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    (directory, store)
}

/// Anything the tests hold a store by: a concrete store, `Arc<dyn Store>` or a fixture.
pub trait AsStore {
    fn as_store(&self) -> Arc<dyn Store>;
}

impl AsStore for Arc<dyn Store> {
    fn as_store(&self) -> Arc<dyn Store> {
        self.clone()
    }
}

impl AsStore for StoreFixture {
    fn as_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }
}

impl AsStore for SqliteStore {
    fn as_store(&self) -> Arc<dyn Store> {
        Arc::new(self.clone())
    }
}

/// The services over `store`, with a fast password hasher and the system clock.
pub fn services(store: &impl AsStore) -> HttpServices {
    services_at(
        store,
        SiteAddress {
            scheme: "http".into(),
            base_domain: "localhost".into(),
            port: Some(8080),
        },
    )
}

/// [`services`] for sites at `site`.
fn services_at(store: &impl AsStore, site: SiteAddress) -> HttpServices {
    let store = store.as_store();
    let fast = PasswordHashPolicy {
        iterations: 1_000,
        ..PasswordHashPolicy::CURRENT
    };
    let app = AppContext {
        store: store.clone(),
        hasher: Arc::new(Pbkdf2Hasher::new(fast, 2, Arc::new(OsRandom))),
        random: Arc::new(OsRandom),
        clock: Arc::new(SystemClock),
        site,
        password_policy: PasswordPolicy::default(),
        session_policy: SessionPolicy::default(),
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
            &[7; 32],
        )),
    };
    let notices = Arc::new(nencho_app::notices::NoticeBoard::new(
        store.clone(),
        app.clock.clone(),
    ));
    HttpServices {
        readiness: CheckReadiness::new(store),
        app: Arc::new(app),
        csrf_key: CsrfKey::new([42; 32]),
        import_dir: std::env::temp_dir().join("nencho-http-test-imports"),
        trusted_proxies: nencho_http::TrustedProxies::default(),
        notices,
        support_email: None,
    }
}

fn client(store: &impl AsStore) -> TestClient<impl poem::Endpoint> {
    TestClient::new(endpoint(services(store)))
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
async fn sites_served_over_https_ask_browsers_to_keep_to_https() {
    let (_directory, store) = store().await;
    let response = client(&store).get("/").send().await;
    assert!(
        response
            .0
            .headers()
            .get("Strict-Transport-Security")
            .is_none(),
        "no HSTS over plain HTTP (a browser would ignore it, and a development site must stay reachable)"
    );
    for path in ["/", "/healthz"] {
        let secure = services_at(
            &store,
            SiteAddress {
                scheme: "https".into(),
                base_domain: "nencho.example".into(),
                port: None,
            },
        );
        let response = TestClient::new(endpoint(secure)).get(path).send().await;
        response.assert_header("Strict-Transport-Security", "max-age=31536000");
    }
}

#[tokio::test]
async fn the_landing_page_is_japanese_and_carries_security_headers() {
    let (_directory, store) = store().await;
    let response = client(&store).get("/").send().await;
    response.assert_status_is_ok();
    response.assert_content_type("text/html; charset=utf-8");
    response.assert_header("X-Content-Type-Options", "nosniff");
    response.assert_header("X-Frame-Options", "DENY");
    response.assert_header("Cache-Control", "no-store");
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
