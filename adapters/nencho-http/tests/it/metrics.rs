//! The metrics (MON-1..3) through the HTTP surface: routes are labelled by their pattern, never by
//! the ids and tokens in the path; readiness checks set `nencho_store_up`.

use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::readiness::CheckReadiness;
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_http::{
    CsrfKey, HttpServices, Metrics, TrustedProxies, instrumented_endpoint, metrics_endpoint,
};
use nencho_identity::{LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy};
use nencho_kernel::SystemClock;
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::SiteAddress;
use poem::http::StatusCode;
use poem::test::TestClient;

const SITE: &str = "acme.localhost:8080";
const PLATFORM: &str = "localhost:8080";

/// acme's site over a fresh SQLite store, recording into the returned metrics.
async fn instrumented_site() -> (
    tempfile::TempDir,
    SqliteStore,
    TestClient<impl poem::Endpoint>,
    Metrics,
) {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    let shared: Arc<dyn nencho_ports::Store> = Arc::new(store.clone());
    let fast = PasswordHashPolicy {
        iterations: 1_000,
        ..PasswordHashPolicy::CURRENT
    };
    let app = Arc::new(AppContext {
        store: shared.clone(),
        hasher: Arc::new(Pbkdf2Hasher::new(fast, 2, Arc::new(OsRandom))),
        random: Arc::new(OsRandom),
        clock: Arc::new(SystemClock),
        site: SiteAddress {
            scheme: "http".into(),
            base_domain: "localhost".into(),
            port: Some(8080),
        },
        password_policy: PasswordPolicy::default(),
        session_policy: SessionPolicy::default(),
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
            &[7; 32],
        )),
    });
    open_tenant(
        &app,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let services = HttpServices {
        readiness: CheckReadiness::new(shared),
        app: app.clone(),
        csrf_key: CsrfKey::new([42; 32]),
        import_dir: directory.path().join("imports"),
        trusted_proxies: TrustedProxies::default(),
        notices: Arc::new(nencho_app::notices::NoticeBoard::new(
            app.store.clone(),
            app.clock.clone(),
        )),
        support_email: None,
    };
    let metrics = Metrics::new(&SystemClock);
    let client = TestClient::new(instrumented_endpoint(
        services,
        Arc::new(SystemClock),
        metrics.clone(),
    ));
    (directory, store, client, metrics)
}

/// What a scrape of the metrics listener returns.
async fn scrape(metrics: &Metrics) -> String {
    let response = TestClient::new(metrics_endpoint(metrics.clone()))
        .get("/metrics")
        .send()
        .await;
    response.assert_status_is_ok();
    response.assert_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8");
    response.0.into_body().into_string().await.unwrap()
}

/// The value of the sample `name{labels}` in `text`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        line.strip_prefix(series)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|value| value.split(' ').next())
            .map(|value| value.parse().unwrap())
    })
}

#[tokio::test]
async fn requests_are_counted_by_route_pattern_never_by_the_ids_in_the_path() {
    let (_directory, _store, client, metrics) = instrumented_site().await;

    for token in ["SeCrEtToKeN-one", "SeCrEtToKeN-two"] {
        let response = client
            .get(format!("/password/reset/{token}"))
            .header("host", SITE)
            .send()
            .await;
        assert!(response.0.status().is_client_error(), "an unknown link");
    }
    let company = "0190c8a2-0000-7000-8000-00000000c0de";
    let response = client
        .get(format!("/admin/companies/{company}"))
        .header("host", SITE)
        .send()
        .await;
    assert!(
        response.0.status().is_redirection(),
        "signed out: to the login page"
    );
    // A route of the JSON API, nested under /api/v1 on the platform host.
    let response = client
        .post("/api/v1/tax/2031/year-end-adjustment")
        .header("host", PLATFORM)
        .content_type("application/json")
        .body("{}")
        .send()
        .await;
    assert!(response.0.status().is_client_error());
    let response = client
        .get("/no/such/page/0190c8a2")
        .header("host", SITE)
        .send()
        .await;
    response.assert_status(StatusCode::NOT_FOUND);
    let response = client
        .get("/login")
        .header("host", "nosuch.localhost:8080")
        .send()
        .await;
    response.assert_status(StatusCode::NOT_FOUND);
    client
        .get("/healthz")
        .header("host", PLATFORM)
        .send()
        .await
        .assert_status_is_ok();

    let text = scrape(&metrics).await;
    for secret in ["SeCrEtToKeN", company, "2031", "0190c8a2", "nosuch", "acme"] {
        assert!(!text.contains(secret), "{secret:?} leaked into\n{text}");
    }
    let count = |labels: &str| {
        sample(
            &text,
            &format!("nencho_http_request_duration_seconds_count{{{labels}}}"),
        )
    };
    assert_eq!(
        count(r#"method="GET",route="/password/reset/:token",status="4xx""#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="GET",route="/admin/companies/:id",status="3xx""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="POST",route="/api/v1/tax/:param0/year-end-adjustment",status="4xx""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="GET",route="unmatched",status="4xx""#),
        Some(2.0),
        "an unknown path and an unknown tenant: {text}"
    );
    assert_eq!(
        count(r#"method="GET",route="/healthz",status="2xx""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"nencho_http_requests_total{status="4xx"}"#),
        Some(5.0)
    );
    assert_eq!(
        sample(&text, r#"nencho_http_requests_total{status="3xx"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"nencho_http_requests_total{status="2xx"}"#),
        Some(1.0)
    );
    assert_eq!(sample(&text, "nencho_http_requests_in_flight"), Some(0.0));
    assert!(
        text.contains(r#"nencho_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz",status="2xx"}"#)
            || text.contains(r#"nencho_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="2xx",le="0.005"}"#),
        "a histogram with buckets: {text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(
                "nencho_build_info{{version=\"{}\"}}",
                env!("CARGO_PKG_VERSION")
            )
        ),
        Some(1.0)
    );
    assert!(sample(&text, "nencho_process_start_time_seconds").unwrap() > 1.7e9);
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn readiness_checks_set_store_up_and_time_the_ping() {
    let (_directory, store, client, metrics) = instrumented_site().await;

    client
        .get("/readyz")
        .header("host", PLATFORM)
        .send()
        .await
        .assert_status_is_ok();
    let text = scrape(&metrics).await;
    assert_eq!(sample(&text, "nencho_store_up"), Some(1.0), "{text}");
    assert_eq!(
        sample(&text, "nencho_store_ping_duration_seconds_count"),
        Some(1.0)
    );

    store.close().await;
    client
        .get("/readyz")
        .header("host", PLATFORM)
        .send()
        .await
        .assert_status(StatusCode::SERVICE_UNAVAILABLE);
    let text = scrape(&metrics).await;
    assert_eq!(sample(&text, "nencho_store_up"), Some(0.0), "{text}");
    assert_eq!(
        sample(&text, "nencho_store_ping_duration_seconds_count"),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"nencho_http_request_duration_seconds_count{method="GET",route="/readyz",status="5xx"}"#
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn the_metrics_endpoint_serves_only_metrics() {
    let metrics = Metrics::new(&SystemClock);
    let client = TestClient::new(metrics_endpoint(metrics));
    client
        .get("/")
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
    client
        .post("/metrics")
        .send()
        .await
        .assert_status(StatusCode::METHOD_NOT_ALLOWED);
}
