//! `nencho-ops availability` (SVC-4) on SQLite and PostgreSQL: a whole past year's uptime, MTTR and
//! MTBF from recorded outages, with the regular window and planned (not emergency) maintenance
//! left out; a year not begun is the operator's input to correct.

use nencho_kernel::{FixedClock, NoticeId};
use nencho_operations::{MaintenanceNotice, Outage, OutageCause, PlannedMaintenance};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::site::{Site, assert_success, operator_actions, stderr, stdout};

fn notice(
    id: u8,
    start: OffsetDateTime,
    end: OffsetDateTime,
    emergency: bool,
) -> MaintenanceNotice {
    let clock =
        FixedClock::at(datetime!(2025-01-01 00:00 UTC) + time::Duration::seconds(id.into()));
    MaintenanceNotice {
        id: NoticeId::generate(&clock),
        maintenance: PlannedMaintenance {
            start,
            end,
            title: format!("メンテナンス{id}"),
            body: String::new(),
            affects_users: true,
        },
        emergency,
        announced_at: start - time::Duration::days(10),
        cancelled_at: None,
    }
}

fn outage(cause: OutageCause, started_at: OffsetDateTime, ended_at: OffsetDateTime) -> Outage {
    Outage {
        cause,
        started_at,
        ended_at,
    }
}

async fn availability(site: &Site) {
    let store = site.store().await;
    for recorded in [
        // Monday 3 March: the store and then the web down, overlapping: one failure of 45 min.
        outage(
            OutageCause::Store,
            datetime!(2025-03-03 10:00 +09:00),
            datetime!(2025-03-03 10:30 +09:00),
        ),
        outage(
            OutageCause::Web,
            datetime!(2025-03-03 10:15 +09:00),
            datetime!(2025-03-03 10:45 +09:00),
        ),
        // Within Wednesday's regular window (SVC-5): not downtime.
        outage(
            OutageCause::Web,
            datetime!(2025-06-04 02:10 +09:00),
            datetime!(2025-06-04 02:20 +09:00),
        ),
        // Within planned maintenance announced with notice: not downtime.
        outage(
            OutageCause::Store,
            datetime!(2025-09-06 22:00 +09:00),
            datetime!(2025-09-06 22:30 +09:00),
        ),
        // Within emergency maintenance (a Saturday, outside the window): downtime, 20 min.
        outage(
            OutageCause::Store,
            datetime!(2025-10-11 01:00 +09:00),
            datetime!(2025-10-11 01:20 +09:00),
        ),
    ] {
        store.record_outage(&recorded).await.unwrap();
    }
    store
        .insert_notice(&notice(
            1,
            datetime!(2025-09-06 22:00 +09:00),
            datetime!(2025-09-06 23:00 +09:00),
            false,
        ))
        .await
        .unwrap();
    store
        .insert_notice(&notice(
            2,
            datetime!(2025-10-11 01:00 +09:00),
            datetime!(2025-10-11 01:30 +09:00),
            true,
        ))
        .await
        .unwrap();

    let output = site
        .ops(&["availability", "--year", "2025", "--json"])
        .await;
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    // 2025 has 261 weekdays (1 January a Wednesday): 261 windows of 30 minutes, and the hour of
    // planned maintenance.
    let maintenance = 261 * 30 * 60 + 3600;
    let service = 365 * 86_400 - maintenance;
    let downtime = (45 + 20) * 60;
    assert_eq!(report["maintenance_seconds"], maintenance);
    assert_eq!(report["service_seconds"], service);
    assert_eq!(report["downtime_seconds"], downtime);
    assert_eq!(report["failures"], 2);
    assert_eq!(report["mttr_seconds"], downtime / 2);
    assert_eq!(report["mtbf_seconds"], (service - downtime) / 2);
    let uptime = report["uptime"].as_f64().unwrap();
    let expected = f64::from(service - downtime) / f64::from(service);
    assert!((uptime - expected).abs() < 1e-12, "{uptime} vs {expected}");
    assert_eq!(report["outages"].as_array().unwrap().len(), 5);
    assert_eq!(
        report["planned_maintenance"].as_array().unwrap().len(),
        1,
        "the emergency is not planned"
    );
    assert_eq!(report["from"], "2025-01-01T00:00:00+09:00");
    assert_eq!(report["to"], "2026-01-01T00:00:00+09:00");

    let output = site.ops(&["availability", "--year", "2025"]).await;
    assert_success(&output);
    let table = stdout(&output);
    assert!(table.contains("2 failure(s)"), "{table}");
    assert!(table.contains("uptime:        99.98"), "{table}");
    assert!(table.contains("MTTR:          32 min 30 s"), "{table}");

    assert_eq!(report["period"], "2025");

    // A month for a monthly SLA report: March holds the one overlapping failure of 45 minutes,
    // and 21 weekdays' windows (1 March 2025 is a Saturday).
    let output = site
        .ops(&["availability", "--month", "2025-03", "--json"])
        .await;
    assert_success(&output);
    let march: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(march["period"], "2025-03");
    assert_eq!(march["failures"], 1);
    assert_eq!(march["downtime_seconds"], 45 * 60);
    assert_eq!(march["maintenance_seconds"], 21 * 30 * 60);
    assert_eq!(march["to"], "2025-04-01T00:00:00+09:00");
    for wrong in ["2025-13", "March", "25-03"] {
        let output = site.ops(&["availability", "--month", wrong]).await;
        assert_eq!(output.status.code(), Some(2), "{wrong}");
        assert!(stderr(&output).contains("--month"), "{}", stderr(&output));
    }

    let output = site.ops(&["availability", "--year", "2099"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("has not begun"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        operator_actions(store.as_ref()).await[0].command,
        "availability"
    );
}

#[tokio::test]
async fn a_years_availability_on_sqlite() {
    availability(&Site::sqlite()).await;
}

#[tokio::test]
async fn a_years_availability_on_postgres() {
    let Some(site) = Site::postgres("ops_availability").await else {
        return;
    };
    availability(&site).await;
}
