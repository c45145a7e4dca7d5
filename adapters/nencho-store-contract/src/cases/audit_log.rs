//! The 操作ログ: recorded whole, paged newest first, never across tenants.

use nencho_identity::{AuditAction, AuditEntry, Role};
use nencho_kernel::{Clock, FixedClock, UserId};
use nencho_ports::Store;
use nencho_tenancy::Tenant;
use time::Duration;

use super::support::{clock, tenant, user};

fn entry(tenant: &Tenant, actor: UserId, n: usize, clock: &FixedClock) -> AuditEntry {
    AuditEntry {
        tenant_id: tenant.id,
        at: clock.now() + Duration::seconds(n as i64),
        actor_id: actor,
        actor_login_id: "admin".into(),
        actor_name: "管理者 一郎".into(),
        action: AuditAction::ALL[n % AuditAction::ALL.len()],
        target: format!("emp{n:03}"),
        detail: "一般ユーザー → 管理者\n2行目も、そのまま".into(),
    }
}

pub async fn the_audit_log_pages_newest_first_and_never_crosses_tenants(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let acme_admin = user(&acme, "admin", Role::Admin, &clock);
    let beta = tenant("beta", "ベータ", &clock);
    let beta_admin = user(&beta, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &acme_admin).await.unwrap();
    store.open_tenant(&beta, &beta_admin).await.unwrap();
    let written: Vec<AuditEntry> = (0..25)
        .map(|n| entry(&acme, acme_admin.id, n, &clock))
        .collect();
    for (n, one) in written.iter().enumerate() {
        store.record_audit(one).await.unwrap();
        if n % 10 == 0 {
            store
                .record_audit(&entry(&beta, beta_admin.id, n, &clock))
                .await
                .unwrap();
        }
    }

    let mut read = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .audit_records(acme.id, None, before, 10)
            .await
            .unwrap();
        assert!(page.len() <= 10);
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        read.extend(page);
    }
    assert!(
        read.windows(2).all(|pair| pair[0].id > pair[1].id),
        "newest first, no overlap"
    );
    let entries: Vec<AuditEntry> = read.into_iter().map(|record| record.entry).collect();
    let mut expected = written.clone();
    expected.reverse();
    assert_eq!(entries, expected, "every field reads back");

    let exports = store
        .audit_records(acme.id, Some(AuditAction::FullExport), None, 100)
        .await
        .unwrap();
    let expected_exports: Vec<AuditEntry> = written
        .iter()
        .rev()
        .filter(|one| one.action == AuditAction::FullExport)
        .cloned()
        .collect();
    assert!(!expected_exports.is_empty());
    assert_eq!(
        exports
            .into_iter()
            .map(|record| record.entry)
            .collect::<Vec<_>>(),
        expected_exports,
        "one action's entries only"
    );
    let beta_log = store.audit_records(beta.id, None, None, 100).await.unwrap();
    assert_eq!(beta_log.len(), 3);
    assert!(
        beta_log
            .iter()
            .all(|record| record.entry.tenant_id == beta.id)
    );
}
