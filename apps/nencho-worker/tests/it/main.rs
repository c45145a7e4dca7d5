//! The worker as a real process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use nencho_testkit::{RunningProcess, command};

const BINARY: &str = env!("CARGO_BIN_EXE_nencho-worker");

mod backups;
mod contract_jobs;
mod health;
mod reminders;
mod review_digests;

#[tokio::test]
async fn it_connects_to_the_store_and_stops_cleanly_on_sigterm() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut worker = command(BINARY, working_dir.path());
    worker.args(["--data-dir", "state"]);
    let mut worker = RunningProcess::spawn(worker);
    let ready = worker.wait_for_log("worker ready").await;
    assert!(
        ready["store"].as_str().unwrap().starts_with("sqlite"),
        "{ready}"
    );
    assert!(
        ready["probe"].as_str().unwrap().starts_with("none"),
        "no probe_url, only the store is checked: {ready}"
    );
    assert!(working_dir.path().join("state/nencho.sqlite3").is_file());
    // The retention purge runs at start (then hourly): an empty store has nothing to remove.
    let purged = worker.wait_for_log("retention purge done").await;
    assert_eq!(purged["operator_actions"], 0, "{purged}");
    let (status, log) = worker.terminate().await;
    assert!(status.success(), "{log:?}");
    assert!(log.iter().any(|line| line.contains("worker stopped")));
}

/// A mail queued in the store (as any use case queues one) leaves through the worker: in the
/// default file mode it becomes an `.eml` file, once.
#[tokio::test]
async fn it_delivers_the_mail_outbox() {
    use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
    use nencho_bootstrap::{Settings, SettingsArgs};
    use nencho_kernel::{EmailAddress, SystemClock};
    use nencho_ports::OutboxMessage;

    let working_dir = tempfile::tempdir().unwrap();
    let state = working_dir.path().join("state");
    let mut worker = command(BINARY, working_dir.path());
    worker.args(["--data-dir", "state"]);
    let mut worker = RunningProcess::spawn(worker);
    let ready = worker.wait_for_log("worker ready").await;
    assert!(
        ready["mail"].as_str().unwrap().starts_with("file"),
        "{ready}"
    );

    // The same store, opened as the web server would.
    let settings = Settings::load(&SettingsArgs {
        data_dir: Some(state.clone()),
        ..SettingsArgs::default()
    })
    .unwrap();
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .unwrap();
    let context = nencho_bootstrap::context::app_context(&settings, store.clone()).unwrap();
    let notice = open_tenant(
        &context,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let mail = OutboxMessage::new(
        notice.tenant.id,
        EmailAddress::parse("taro@acme.example").unwrap(),
        "令和8年分 年末調整の申告のお願い".into(),
        "山田 太郎 様".into(),
        &SystemClock,
    );
    store.enqueue_mail(&mail).await.unwrap();

    let delivered = worker.wait_for_log("outbox delivered").await;
    assert_eq!(delivered["sent"], 1, "{delivered}");
    let sent = store.list_mail(notice.tenant.id, 10).await.unwrap();
    assert!(sent[0].sent_at.is_some(), "{sent:?}");
    let files: Vec<_> = std::fs::read_dir(state.join("mail"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let (status, log) = worker.terminate().await;
    assert!(status.success(), "{log:?}");
}
