//! The retention purge (LOG-4 and the upkeep of sessions, tokens and mail): what is past its
//! cut-off goes, in every tenant; nothing else does.

use nencho_identity::{OneTimeToken, Role, SecretToken, Session, TokenPurpose};
use nencho_kernel::{Clock, EmailAddress, TenantId, UserId};
use nencho_operations::RetentionPolicy;
use nencho_ports::{DeliveryResult, OperatorAction, OutboxMessage, PurgeReport, Store};
use time::{Duration, OffsetDateTime};

use super::support::{clock, tenant, user};

fn session(tenant_id: TenantId, user_id: UserId, byte: u8, seen: OffsetDateTime) -> Session {
    Session {
        token_hash: SecretToken::from_random_bytes([byte; 16]).hash(),
        tenant_id,
        user_id,
        created_at: seen,
        last_seen_at: seen,
        stage: nencho_identity::SessionStage::Complete,
    }
}

fn action(at: OffsetDateTime, command: &str) -> OperatorAction {
    OperatorAction {
        at,
        operator: "ops-suzuki".into(),
        command: command.into(),
        tenant_slug: None,
        succeeded: true,
    }
}

pub async fn the_purge_removes_what_is_past_its_retention_in_every_tenant_and_nothing_else(
    store: &dyn Store,
) {
    let clock = clock();
    let now = clock.now();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    let acme_admin = user(&acme, "admin", Role::Admin, &clock);
    let beta_admin = user(&beta, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &acme_admin).await.unwrap();
    store.open_tenant(&beta, &beta_admin).await.unwrap();

    // LOG-4: 91 days is past the 90; yesterday is not.
    store
        .record_operator_action(&action(now - Duration::days(91), "tenant open"))
        .await
        .unwrap();
    store
        .record_operator_action(&action(now - Duration::days(1), "migrate"))
        .await
        .unwrap();

    // Sessions idle for an hour end (30 minutes idle), in both tenants; a fresh one stays.
    let idle = session(acme.id, acme_admin.id, 1, now - Duration::hours(1));
    let fresh = session(acme.id, acme_admin.id, 2, now - Duration::minutes(5));
    let idle_elsewhere = session(beta.id, beta_admin.id, 3, now - Duration::hours(1));
    for kept in [&idle, &fresh, &idle_elsewhere] {
        store.insert_session(kept).await.unwrap();
    }

    // A reset link issued ten days ago expired nine days ago (past the 7-day grace); today's
    // link is live.
    let old_secret = SecretToken::from_random_bytes([4; 16]);
    let new_secret = SecretToken::from_random_bytes([5; 16]);
    for (secret, issued) in [(&old_secret, now - Duration::days(10)), (&new_secret, now)] {
        let token = OneTimeToken::issue(
            secret,
            acme.id,
            acme_admin.id,
            TokenPurpose::PasswordReset,
            None,
            issued,
        );
        let link = OutboxMessage::new(
            acme.id,
            EmailAddress::parse("admin@acme.example").unwrap(),
            "件名".into(),
            "本文".into(),
            &clock,
        );
        store.issue_token(&token, &link).await.unwrap();
        // The link's mail: the old one was sent 100 days ago, the new one is still queued.
        if issued < now {
            store
                .record_delivery(
                    acme.id,
                    link.id,
                    &DeliveryResult::Sent {
                        at: now - Duration::days(100),
                    },
                )
                .await
                .unwrap();
        }
    }

    let cutoffs =
        RetentionPolicy::STANDARD.cutoffs(now, Duration::minutes(30), Duration::hours(12));
    let report = store.purge_expired(&cutoffs).await.unwrap();
    assert_eq!(
        report,
        PurgeReport {
            operator_actions: 1,
            sessions: 2,
            tokens: 1,
            mails: 1,
            access_records: 0,
        }
    );
    let actions = store
        .list_operator_actions(now - Duration::days(365))
        .await
        .unwrap();
    assert_eq!(actions, vec![action(now - Duration::days(1), "migrate")]);
    assert!(
        store
            .find_session(acme.id, &fresh.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .find_session(acme.id, &idle.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_session(beta.id, &idle_elsewhere.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_token(acme.id, &old_secret.hash())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_token(acme.id, &new_secret.hash())
            .await
            .unwrap()
            .is_some()
    );
    let mail = store.list_mail(acme.id, 10).await.unwrap();
    assert_eq!(mail.len(), 1, "the queued mail stays: {mail:?}");
    assert!(mail[0].sent_at.is_none());
    // The login history and the users are untouched; a second purge finds nothing.
    assert!(
        store
            .find_user(acme.id, acme_admin.id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.purge_expired(&cutoffs).await.unwrap(),
        PurgeReport::default()
    );
}
