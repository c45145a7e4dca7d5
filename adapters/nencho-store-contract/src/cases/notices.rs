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
