//! The access log (LOG-1, LOG-2): batches stored and read back whole, paged in time order by
//! cursor for the export, never across tenants, purged by its 90-day cut-off.

use std::net::IpAddr;

use nencho_identity::Role;
use nencho_kernel::{Clock, TenantId};
use nencho_operations::RetentionPolicy;
use nencho_ports::{AccessRecord, Store};
use time::{Duration, OffsetDateTime};

use super::support::{clock, tenant, user};

pub fn access(tenant_id: TenantId, at: OffsetDateTime, path: &str) -> AccessRecord {
    AccessRecord {
        tenant_id,
        at,
        client_ip: Some("203.0.113.7".parse::<IpAddr>().unwrap()),
        user_agent: "Mozilla/5.0 (Windows NT 10.0) 年末調整".into(),
        method: "GET".into(),
        path: path.into(),
        route: Some("/admin/companies/:id".into()),
        status: 200,
        duration_ms: 12,
        request_id: Some("0b7c0c4e-8a7e-4d7b-9c55-6f1f7c3a9d10".into()),
        user_id: None,
    }
}

async fn all_of(store: &dyn Store, tenant_id: TenantId, limit: u32) -> Vec<AccessRecord> {
    let from = OffsetDateTime::UNIX_EPOCH;
    let to = from + Duration::days(365 * 100);
    let mut found = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .access_records(tenant_id, from, to, after, limit)
            .await
            .unwrap();
        assert!(page.records.len() <= limit as usize);
        found.extend(page.records);
        match page.next {
            Some(next) => after = Some(next),
            None => return found,
        }
    }
}

pub async fn access_records_are_stored_in_batches_and_read_back_whole(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let now = clock.now();

    store.record_access(&[]).await.unwrap();
    let signed_in = AccessRecord {
        user_id: Some(admin.id),
        status: 303,
        method: "POST".into(),
        route: None,
        request_id: None,
        ..access(acme.id, now, "/login")
    };
    let unknown_client = AccessRecord {
        client_ip: Some("2001:db8::1".parse().unwrap()),
        user_agent: String::new(),
        ..access(acme.id, now + Duration::milliseconds(1), "/")
    };
    let no_client = AccessRecord {
        client_ip: None,
        ..access(acme.id, now + Duration::milliseconds(2), "/account/logins")
    };
    let batch = vec![signed_in, unknown_client, no_client];
    store.record_access(&batch).await.unwrap();

    assert_eq!(all_of(store, acme.id, 100).await, batch);
    // A window [from, to): the first record is at `from`, the last at `to` is left out.
    let page = store
        .access_records(acme.id, now, now + Duration::milliseconds(2), None, 10)
        .await
        .unwrap();
    assert_eq!(page.records, batch[..2].to_vec());
    assert_eq!(page.next, None, "a page that is not full is the last one");
}

pub async fn the_access_log_pages_in_time_order_by_cursor_without_overlap(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let now = clock.now();

    // Out of order, in two batches, five of them at the very same time (ties), and two within
    // the same second as others (a whole second must sort before the half after it).
    let mut records: Vec<AccessRecord> = (0..14)
        .map(|n| {
            let at = match n {
                0..5 => now,
                12 => now.replace_nanosecond(0).unwrap(),
                13 => now.replace_nanosecond(0).unwrap() + Duration::seconds(8),
                _ => now + Duration::seconds(20 - n),
            };
            access(acme.id, at, &format!("/page/{n}"))
        })
        .collect();
    store.record_access(&records[..7]).await.unwrap();
    store.record_access(&records[7..]).await.unwrap();

    let found = all_of(store, acme.id, 5).await;
    assert_eq!(found.len(), 14, "every record once: {found:?}");
    assert!(found.windows(2).all(|pair| pair[0].at <= pair[1].at));
    let mut paths: Vec<&str> = found.iter().map(|record| record.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 14, "no record twice");
    records.sort_by_key(|record| record.at);
    assert_eq!(
        found.iter().map(|record| record.at).collect::<Vec<_>>(),
        records.iter().map(|record| record.at).collect::<Vec<_>>()
    );
    // Pages of exactly the size: the last full page points on, the next one is empty.
    assert_eq!(all_of(store, acme.id, 7).await.len(), 14);
    assert_eq!(all_of(store, acme.id, 1).await.len(), 14);
}

pub async fn access_records_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    store
        .open_tenant(&acme, &user(&acme, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    store
        .open_tenant(&beta, &user(&beta, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    let now = clock.now();
    // One batch with both tenants' records, interleaved.
    let batch: Vec<AccessRecord> = (0..6)
        .map(|n| {
            let tenant_id = if n % 2 == 0 { acme.id } else { beta.id };
            access(tenant_id, now + Duration::seconds(n), &format!("/{n}"))
        })
        .collect();
    store.record_access(&batch).await.unwrap();

    let acme_paths: Vec<String> = all_of(store, acme.id, 10)
        .await
        .into_iter()
        .map(|record| record.path)
        .collect();
    let beta_paths: Vec<String> = all_of(store, beta.id, 10)
        .await
        .into_iter()
        .map(|record| record.path)
        .collect();
    assert_eq!(acme_paths, ["/0", "/2", "/4"]);
    assert_eq!(beta_paths, ["/1", "/3", "/5"]);
    assert!(
        all_of(store, TenantId::generate(&clock), 10)
            .await
            .is_empty()
    );
}

pub async fn the_purge_removes_access_records_older_than_ninety_days_in_every_tenant(
    store: &dyn Store,
) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    let acme_admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &acme_admin).await.unwrap();
    store
        .open_tenant(&beta, &user(&beta, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    let now = clock.now();
    let old = access(acme.id, now - Duration::days(91), "/old");
    let old_elsewhere = access(beta.id, now - Duration::days(95), "/old");
    let kept = AccessRecord {
        user_id: Some(acme_admin.id),
        ..access(acme.id, now - Duration::days(89), "/kept")
    };
    store
        .record_access(&[old, old_elsewhere, kept.clone()])
        .await
        .unwrap();

    let cutoffs =
        RetentionPolicy::STANDARD.cutoffs(now, Duration::minutes(30), Duration::hours(12));
    let report = store.purge_expired(&cutoffs).await.unwrap();
    assert_eq!(report.access_records, 2);
    assert_eq!(all_of(store, acme.id, 10).await, vec![kept]);
    assert!(all_of(store, beta.id, 10).await.is_empty());
    assert_eq!(
        store.purge_expired(&cutoffs).await.unwrap().access_records,
        0
    );
}
