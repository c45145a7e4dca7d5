use nencho_identity::Role;
use nencho_kernel::{Clock, EmailAddress};
use nencho_ports::{DeliveryResult, OperatorAction, OutboxMessage, Store};
use time::Duration;

use super::support::{clock, tenant, user};

pub async fn the_outbox_hands_out_due_mail_once_until_it_is_sent_or_given_up(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    store
        .open_tenant(&acme, &user(&acme, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    let message = |n: u8| {
        clock.advance(Duration::seconds(1));
        OutboxMessage::new(
            acme.id,
            EmailAddress::parse(&format!("person{n}@acme.example")).unwrap(),
            format!("【nencho】件名{n}"),
            "本文".into(),
            &clock,
        )
    };
    let (first, second, third) = (message(1), message(2), message(3));
    for queued in [&first, &second, &third] {
        store.enqueue_mail(queued).await.unwrap();
    }
    let hold = |from: time::OffsetDateTime| from + Duration::minutes(10);
    let claimed: Vec<_> = store
        .claim_due_mail(acme.id, clock.now(), hold(clock.now()), 2)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(
        claimed,
        vec![first.id, second.id],
        "oldest first, the limit holds"
    );
    let rest: Vec<_> = store
        .claim_due_mail(acme.id, clock.now(), hold(clock.now()), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(
        rest,
        vec![third.id],
        "claimed mail is held: nobody else gets it"
    );
    assert!(
        store
            .claim_due_mail(acme.id, clock.now(), hold(clock.now()), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A sender that never reports back gives its mail back when the hold ends.
    let after_hold = hold(clock.now());
    let again: Vec<_> = store
        .claim_due_mail(acme.id, after_hold, hold(after_hold), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(again, vec![first.id, second.id, third.id]);

    let now = clock.now();
    store
        .record_delivery(acme.id, first.id, &DeliveryResult::Sent { at: now })
        .await
        .unwrap();
    store
        .record_delivery(
            acme.id,
            second.id,
            &DeliveryResult::Deferred {
                error: "421 busy".into(),
                retry_at: now + Duration::minutes(5),
            },
        )
        .await
        .unwrap();
    store
        .record_delivery(
            acme.id,
            third.id,
            &DeliveryResult::Failed {
                error: "550 no such user".into(),
                at: now,
            },
        )
        .await
        .unwrap();

    let far = now + Duration::hours(1);
    assert!(
        store
            .claim_due_mail(acme.id, now + Duration::minutes(4), far, 10)
            .await
            .unwrap()
            .is_empty(),
        "sent and failed mail is never due again; deferred mail not before its retry"
    );
    let later = store
        .claim_due_mail(acme.id, now + Duration::minutes(5), far, 10)
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].id, second.id);
    assert_eq!(later[0].attempts, 1);
    assert_eq!(later[0].last_error.as_deref(), Some("421 busy"));

    let all = store.list_mail(acme.id, 10).await.unwrap();
    let sent = all.iter().find(|m| m.id == first.id).unwrap();
    assert_eq!(sent.sent_at, Some(now));
    let failed = all.iter().find(|m| m.id == third.id).unwrap();
    assert_eq!(failed.failed_at, Some(now));
}

pub async fn mail_of_one_tenant_is_invisible_to_another(store: &dyn Store) {
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
    let message = OutboxMessage::new(
        acme.id,
        EmailAddress::parse("a@acme.example").unwrap(),
        "s".into(),
        "b".into(),
        &clock,
    );
    store.enqueue_mail(&message).await.unwrap();
    let held_until = clock.now() + Duration::minutes(10);
    assert!(
        store
            .claim_due_mail(beta.id, clock.now(), held_until, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.list_mail(beta.id, 10).await.unwrap().is_empty());
    assert_eq!(
        store
            .claim_due_mail(acme.id, clock.now(), held_until, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn operator_actions_are_recorded_newest_first(store: &dyn Store) {
    let clock = clock();
    let action = |minutes: i64, command: &str, slug: Option<&str>| OperatorAction {
        at: clock.now() + Duration::minutes(minutes),
        operator: "ops-suzuki".into(),
        command: command.into(),
        tenant_slug: slug.map(str::to_owned),
        succeeded: true,
    };
    store
        .record_operator_action(&action(0, "migrate", None))
        .await
        .unwrap();
    store
        .record_operator_action(&action(1, "tenant open", Some("acme")))
        .await
        .unwrap();
    let listed = store.list_operator_actions(clock.now()).await.unwrap();
    assert_eq!(
        listed,
        vec![
            action(1, "tenant open", Some("acme")),
            action(0, "migrate", None)
        ]
    );
    assert_eq!(
        store
            .list_operator_actions(clock.now() + Duration::minutes(1))
            .await
            .unwrap()
            .len(),
        1
    );
}
