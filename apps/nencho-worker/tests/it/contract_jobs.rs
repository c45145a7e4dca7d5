//! The contract jobs (SVC-3, SVC-8): the worker ends a contract after its last day and purges it
//! 30 days later, on the same store the web server and the operator CLI use.

use std::sync::Arc;

use nencho_app::contract_end::{ContractEndJobs, give_notice};
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_kernel::{Clock, FixedClock};
use nencho_tenancy::ContractStatus;
use nencho_testkit::{RunningProcess, command};
use time::macros::{date, datetime};

use super::BINARY;

#[tokio::test]
async fn an_ended_contract_is_ended_then_purged_thirty_days_after_its_last_day() {
    let working_dir = tempfile::tempdir().unwrap();
    let settings = Settings::load(&SettingsArgs {
        data_dir: Some(working_dir.path().join("state")),
        ..SettingsArgs::default()
    })
    .unwrap();
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .unwrap();
    let clock = Arc::new(FixedClock::at(datetime!(2026-11-26 01:00 UTC)));
    let mut context = nencho_bootstrap::context::app_context(&settings, store.clone()).unwrap();
    context.clock = clock.clone();
    let acme = open_tenant(
        &context,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap()
    .tenant;
    let beta = open_tenant(
        &context,
        OpenTenantRequest {
            slug: "beta",
            name: "ベータ",
            contact_email: "hr@beta.example",
            admin_email: None,
        },
    )
    .await
    .unwrap()
    .tenant;
    give_notice(&context, "acme", date!(2027 - 02 - 26))
        .await
        .unwrap();
    let jobs = ContractEndJobs {
        store: store.clone(),
        clock: clock.clone(),
    };
    let status = |id| {
        let store = store.clone();
        async move { store.find_tenant(id).await.unwrap().unwrap().status }
    };

    let report = nencho_worker::run_contract_jobs(&jobs).await.unwrap();
    assert!(report.ended.is_empty() && report.purged.is_empty());

    // 02-27 00:00 JST: the last day is over.
    clock.advance(datetime!(2027-02-26 15:00 UTC) - clock.now());
    let report = nencho_worker::run_contract_jobs(&jobs).await.unwrap();
    assert_eq!(report.ended.len(), 1);
    assert_eq!(status(acme.id).await, ContractStatus::Ended);
    assert!(
        nencho_app::tenancy::resolve_tenant(&context, "acme.localhost")
            .await
            .unwrap()
            .is_none(),
        "an ended contract has no site"
    );

    // 03-28 00:00 JST = last day + 30: purged.
    clock.advance(datetime!(2027-03-27 15:00 UTC) - clock.now());
    let report = nencho_worker::run_contract_jobs(&jobs).await.unwrap();
    assert_eq!(report.purged.len(), 1, "{report:?}");
    assert!(report.purged[0].1.iter().any(|table| table.rows > 0));
    assert_eq!(status(acme.id).await, ContractStatus::Purged);
    let left = store.count_tenant_rows(acme.id).await.unwrap();
    assert!(left.iter().all(|table| table.rows == 0), "{left:?}");
    assert_eq!(status(beta.id).await, ContractStatus::Active);
    assert!(!store.list_users(beta.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_worker_runs_the_contract_jobs_at_start() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut worker = command(BINARY, working_dir.path());
    worker.args(["--data-dir", "state"]);
    let mut worker = RunningProcess::spawn(worker);
    let done = worker.wait_for_log("contract jobs done").await;
    assert_eq!(done["ended"], 0, "{done}");
    assert_eq!(done["purged"], 0, "{done}");
    let (status, log) = worker.terminate().await;
    assert!(status.success(), "{log:?}");
}
