//! Maintenance notices (SVC-6): platform data, shown until they end unless cancelled.

use nencho_kernel::{Clock, NoticeId, OffsetDateTime};
use nencho_ports::{MaintenanceNotice, PlannedMaintenance, Store, StoreError};
use time::Duration;
use time::macros::datetime;

use super::support::clock;

fn notice(
    clock: &dyn Clock,
    title: &str,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> MaintenanceNotice {
    MaintenanceNotice {
        id: NoticeId::generate(clock),
        maintenance: PlannedMaintenance {
            start,
            end,
            title: title.to_owned(),
            body: "サービスを停止します。\nご不便をおかけします。".to_owned(),
            affects_users: true,
        },
        emergency: false,
        announced_at: clock.now(),
        cancelled_at: None,
    }
}

pub async fn maintenance_notices_are_listed_until_they_end_unless_cancelled(store: &dyn Store) {
    let clock = clock();
    let now = clock.now();
    // Times given in JST, as an operator types them; the store compares instants.
    let later = notice(
        &clock,
        "データベース更新",
        datetime!(2026-12-10 22:00 +09:00),
        datetime!(2026-12-11 01:00 +09:00),
    );
    let sooner = MaintenanceNotice {
        emergency: true,
        ..notice(
            &clock,
            "緊急メンテナンス",
            now - Duration::hours(1),
            now + Duration::hours(1),
        )
    };
    let past = notice(
        &clock,
        "終わったもの",
        now - Duration::hours(3),
        now - Duration::hours(2),
    );
    let cancelled = notice(
        &clock,
        "取り消すもの",
        now + Duration::days(30),
        now + Duration::days(31),
    );
    for each in [&later, &sooner, &past, &cancelled] {
        store.insert_notice(each).await.unwrap();
    }
    assert!(matches!(
        store.insert_notice(&later).await,
        Err(StoreError::Conflict(_))
    ));

    let cancelled_at = now + Duration::minutes(5);
    let answered = store
        .cancel_notice(cancelled.id, cancelled_at)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answered.cancelled_at, Some(cancelled_at));
    assert_eq!(answered.maintenance, cancelled.maintenance);
    // Cancelling again keeps the first time; an unknown id is None.
    let again = store
        .cancel_notice(cancelled.id, cancelled_at + Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.cancelled_at, Some(cancelled_at));
    assert_eq!(
        store
            .cancel_notice(NoticeId::generate(&clock), now)
            .await
            .unwrap(),
        None
    );

    // Every field survives (the clock's microseconds included), by start.
    let shown = store.list_notices_shown_at(now).await.unwrap();
    assert_eq!(shown, vec![sooner.clone(), later.clone()]);
    // A notice is gone from the instant its maintenance ends.
    let shown = store
        .list_notices_shown_at(datetime!(2026-12-11 01:00 +09:00))
        .await
        .unwrap();
    assert_eq!(shown, vec![]);
    let shown = store
        .list_notices_shown_at(datetime!(2026-12-11 00:59:59 +09:00))
        .await
        .unwrap();
    assert_eq!(shown, vec![later]);
}

pub async fn notices_and_outages_overlapping_a_period_are_found_by_instant(store: &dyn Store) {
    use nencho_operations::{Outage, OutageCause};
    let clock = clock();
    let before = notice(
        &clock,
        "前のメンテナンス",
        datetime!(2026-11-01 22:00 +09:00),
        datetime!(2026-11-02 01:00 +09:00),
    );
    clock.advance(Duration::milliseconds(1));
    let across_start = MaintenanceNotice {
        cancelled_at: Some(clock.now()),
        ..notice(
            &clock,
            "取り消したメンテナンス",
            datetime!(2026-11-30 23:00 +09:00),
            datetime!(2026-12-01 01:00 +09:00),
        )
    };
    for one in [&before, &across_start] {
        store.insert_notice(one).await.unwrap();
    }
    // December in JST: 2026-11-30T15:00Z to 2026-12-31T15:00Z.
    let from = datetime!(2026-12-01 00:00 +09:00);
    let to = datetime!(2027-01-01 00:00 +09:00);
    let found = store.notices_overlapping(from, to).await.unwrap();
    assert_eq!(found, vec![across_start.clone()], "cancelled ones too");

    let outages = [
        // Ends exactly where December starts: not in it.
        Outage {
            cause: OutageCause::Web,
            started_at: datetime!(2026-11-30 14:00 UTC),
            ended_at: datetime!(2026-11-30 15:00 UTC),
        },
        // Given in JST, across the start.
        Outage {
            cause: OutageCause::Store,
            started_at: datetime!(2026-11-30 23:50 +09:00),
            ended_at: datetime!(2026-12-01 00:10 +09:00),
        },
        Outage {
            cause: OutageCause::Web,
            started_at: datetime!(2026-12-24 10:00 UTC),
            ended_at: datetime!(2026-12-24 10:05 UTC),
        },
    ];
    for outage in &outages {
        store.record_outage(outage).await.unwrap();
    }
    store
        .record_outage(&outages[2])
        .await
        .expect("recording the same outage again is a no-op");
    let found = store.outages_overlapping(from, to).await.unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].cause, OutageCause::Store);
    assert_eq!(found[0].started_at, outages[1].started_at);
    assert_eq!(found[0].ended_at, outages[1].ended_at);
    assert_eq!(found[1], outages[2]);
    assert!(
        store
            .outages_overlapping(
                datetime!(2026-12-01 00:10 +09:00),
                datetime!(2026-12-24 10:00 UTC)
            )
            .await
            .unwrap()
            .is_empty(),
        "touching the ends is not overlapping"
    );
}
