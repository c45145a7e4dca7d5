//! The automatic reminders' record (YEA-4): a reminder day is claimed once per company and year,
//! its mails queued with the claim; a second claim queues nothing; tenants never mix.

use nencho_kernel::Clock;
use nencho_ports::Store;
use time::macros::date;

use super::filing_support::{company, mail, tenant_with_company, year};
use super::support::clock;

pub async fn a_reminder_day_is_claimed_once_with_its_mails_per_company_and_tenant(
    store: &dyn Store,
) {
    let clock = clock();
    let (acme, _, honsha) = tenant_with_company(store, "acme", &clock).await;
    let shiten = company(store, &acme, "支店", &clock).await;
    let (beta, _, beta_honsha) = tenant_with_company(store, "beta", &clock).await;
    let now = clock.now();
    let day = date!(2026 - 11 - 23);
    assert_eq!(
        store
            .last_reminder(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        None
    );

    let mails = [mail(&acme, &clock), mail(&acme, &clock)];
    assert!(
        store
            .claim_reminder(acme.id, honsha.id, year(2026), day, now, &mails)
            .await
            .unwrap(),
        "the first claim of a day wins"
    );
    let queued = store.list_mail(acme.id, 10).await.unwrap();
    assert_eq!(queued.len(), 2, "the mails are queued with the claim");
    assert!(
        mails
            .iter()
            .all(|mail| queued.iter().any(|q| q.id == mail.id))
    );
    assert_eq!(
        store
            .last_reminder(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        Some(day)
    );

    let again = [mail(&acme, &clock)];
    assert!(
        !store
            .claim_reminder(acme.id, honsha.id, year(2026), day, now, &again)
            .await
            .unwrap(),
        "a day already claimed is not claimed again"
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap().len(),
        2,
        "a lost claim queues nothing"
    );

    // A later day, another company, another year, another tenant: each its own.
    let later = date!(2026 - 11 - 27);
    assert!(
        store
            .claim_reminder(acme.id, honsha.id, year(2026), later, now, &[])
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .last_reminder(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        Some(later),
        "the latest day claimed"
    );
    assert!(
        store
            .claim_reminder(acme.id, shiten.id, year(2026), day, now, &[])
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_reminder(acme.id, honsha.id, year(2025), day, now, &[])
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .last_reminder(beta.id, honsha.id, year(2026))
            .await
            .unwrap(),
        None,
        "another tenant sees nothing of acme's reminders"
    );
    assert!(
        store
            .claim_reminder(
                beta.id,
                beta_honsha.id,
                year(2026),
                day,
                now,
                &[mail(&beta, &clock)]
            )
            .await
            .unwrap()
    );
    assert_eq!(store.list_mail(beta.id, 10).await.unwrap().len(), 1);
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap().len(), 2);

    assert!(
        store
            .claim_reminder(
                acme.id,
                shiten.id,
                year(2026),
                later,
                now,
                &[mail(&beta, &clock)]
            )
            .await
            .is_err(),
        "a mail of another tenant is refused"
    );
    assert_eq!(
        store
            .last_reminder(acme.id, shiten.id, year(2026))
            .await
            .unwrap(),
        Some(day),
        "and nothing is claimed"
    );
}
