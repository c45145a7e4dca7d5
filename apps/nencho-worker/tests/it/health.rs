//! The worker's health checks against a real store and a real HTTP readiness endpoint: the web
//! answering 503 for two checks is one outage, recorded from the first failed check to the first
//! good one (SVC-4).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nencho_app::readiness::CheckReadiness;
use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_kernel::{Clock, FixedClock};
use nencho_operations::OutageCause;
use nencho_worker::health::HealthChecks;
use time::Duration;
use time::macros::datetime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `/readyz` that answers 200 or 503 as `ready` says, one connection per request.
async fn readiness_endpoint(ready: Arc<AtomicBool>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let status = if ready.load(Ordering::SeqCst) {
                "200 OK"
            } else {
                "503 Service Unavailable"
            };
            let response =
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_web_outage_is_recorded_from_the_first_failed_check_to_the_first_good_one() {
    let working_dir = tempfile::tempdir().unwrap();
    let settings = Settings::load(&SettingsArgs {
        data_dir: Some(working_dir.path().join("state")),
        ..SettingsArgs::default()
    })
    .unwrap();
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .unwrap();
    let ready = Arc::new(AtomicBool::new(true));
    let url = readiness_endpoint(ready.clone()).await;
    let start = datetime!(2026-11-26 12:00 +09:00);
    let clock = Arc::new(FixedClock::at(start));
    let mut checks = HealthChecks::new(
        CheckReadiness::new(store.clone()),
        store.clone(),
        Some(&url),
        clock.clone(),
    )
    .unwrap();

    checks.run_once().await;
    ready.store(false, Ordering::SeqCst);
    for _ in 0..3 {
        clock.advance(Duration::seconds(30));
        checks.run_once().await;
    }
    let first_failure = start + Duration::seconds(30);
    ready.store(true, Ordering::SeqCst);
    clock.advance(Duration::seconds(30));
    checks.run_once().await;

    let recorded = store
        .outages_overlapping(start, clock.now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].cause, OutageCause::Web);
    assert_eq!(recorded[0].started_at, first_failure);
    assert_eq!(recorded[0].ended_at, clock.now());

    // One failed check alone is not an outage.
    ready.store(false, Ordering::SeqCst);
    clock.advance(Duration::seconds(30));
    checks.run_once().await;
    ready.store(true, Ordering::SeqCst);
    clock.advance(Duration::seconds(30));
    checks.run_once().await;
    assert_eq!(
        store
            .outages_overlapping(start, clock.now() + Duration::hours(1))
            .await
            .unwrap()
            .len(),
        1
    );
}
