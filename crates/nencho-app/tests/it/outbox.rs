use std::sync::Arc;

use nencho_app::outbox::{MAX_ATTEMPTS, OutboxDelivery, retry_delay};
use nencho_kernel::{Clock, EmailAddress};
use nencho_ports::{MailError, MockMailer, OutboxMessage, OutboxStore};

use crate::support::{acme, world};

#[tokio::test]
async fn mail_is_sent_retried_with_backoff_or_given_up() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant_id = notice.tenant.id;
    for to in [
        "ok@acme.example",
        "later@acme.example",
        "never@acme.example",
    ] {
        let message = OutboxMessage::new(
            tenant_id,
            EmailAddress::parse(to).unwrap(),
            "件名".into(),
            "本文".into(),
            world.clock.as_ref(),
        );
        world.store.enqueue_mail(&message).await.unwrap();
    }
    let mut mailer = MockMailer::new();
    mailer
        .expect_send()
        .returning(|mail| match mail.to.as_str() {
            "ok@acme.example" => Ok(()),
            "later@acme.example" => Err(MailError::Transient("421 try again".into())),
            _ => Err(MailError::Permanent("550 no such user".into())),
        });
    let delivery = OutboxDelivery {
        store: Arc::new(world.store.clone()),
        mailer: Arc::new(mailer),
        clock: world.clock.clone(),
    };

    let report = delivery.deliver_due(10).await.unwrap();
    assert_eq!((report.sent, report.deferred, report.failed), (1, 1, 1));
    assert_eq!(
        delivery.deliver_due(10).await.unwrap().sent
            + delivery.deliver_due(10).await.unwrap().deferred,
        0,
        "nothing due until the backoff passes"
    );

    world.clock.advance(retry_delay(1));
    let again = delivery.deliver_due(10).await.unwrap();
    assert_eq!(again.deferred, 1);

    // Keep failing: given up after MAX_ATTEMPTS.
    for _ in 0..MAX_ATTEMPTS {
        world.clock.advance(time::Duration::hours(6));
        delivery.deliver_due(10).await.unwrap();
    }
    let all = world.store.list_mail(tenant_id, 10).await.unwrap();
    let later = all
        .iter()
        .find(|m| m.to.as_str() == "later@acme.example")
        .unwrap();
    assert_eq!(later.attempts, MAX_ATTEMPTS);
    assert!(later.failed_at.is_some());
    assert_eq!(later.last_error.as_deref(), Some("421 try again"));
    let _ = world.clock.now();
}
