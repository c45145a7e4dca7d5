//! 提出状況のお知らせ: the declarations waiting for review by company and department with those
//! new since a time; a digest day claimed once with its mails; the users who turned it off.

use nencho_filings::FilingStatus;
use nencho_identity::Role;
use nencho_kernel::{Clock, FixedClock, OffsetDateTime};
use nencho_ports::{AwaitingReview, SentReviewDigest, Store};
use nencho_tenancy::{Company, Employee};
use time::macros::date;

use super::filing_support::{company, employee, filing, insert, mail, tenant_with_company, year};
use super::support::{clock, user};

/// A declaration of `employee` for `tax_year` in `status`, submitted at `submitted_at`.
async fn filed(
    store: &dyn Store,
    employee: &Employee,
    tax_year: i32,
    status: FilingStatus,
    submitted_at: OffsetDateTime,
    clock: &FixedClock,
) {
    let mut declaration = filing(employee, year(tax_year), status, clock);
    declaration.submitted_at = Some(submitted_at);
    insert(store, &[declaration]).await;
}

async fn in_department(
    store: &dyn Store,
    company: &Company,
    number: &str,
    department: Option<&str>,
    clock: &FixedClock,
) -> Employee {
    let mut employee = employee(
        store,
        company,
        number,
        ("山田", number, "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    employee.department = department.map(str::to_owned);
    store
        .update_employee(company.tenant_id, &employee)
        .await
        .unwrap();
    employee
}

pub async fn declarations_awaiting_review_are_counted_by_company_and_department_with_the_new_ones(
    store: &dyn Store,
) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let shisha = company(store, &acme, "支社", &clock).await;
    let earlier = clock.now();
    clock.advance(time::Duration::hours(1));
    let since = clock.now();
    clock.advance(time::Duration::hours(1));
    let later = clock.now();

    let sales_1 = in_department(store, &honsha, "0001", Some("営業部"), &clock).await;
    let sales_2 = in_department(store, &honsha, "0002", Some("営業部"), &clock).await;
    let general = in_department(store, &honsha, "0003", Some("総務部"), &clock).await;
    let nowhere = in_department(store, &honsha, "0004", None, &clock).await;
    let drafting = in_department(store, &honsha, "0005", Some("営業部"), &clock).await;
    let mut departed = in_department(store, &honsha, "0006", Some("営業部"), &clock).await;
    departed.leave_date = Some(date!(2026 - 10 - 31));
    store.update_employee(acme.id, &departed).await.unwrap();
    let branch = in_department(store, &shisha, "0001", None, &clock).await;
    let submitted = FilingStatus::Submitted;
    filed(store, &sales_1, 2026, submitted, earlier, &clock).await;
    // 0002's is checked (一次確認).
    let mut checked = filing(&sales_2, year(2026), submitted, &clock);
    checked.submitted_at = Some(later);
    checked.checked = Some(nencho_filings::CheckMark {
        at: later,
        by: admin,
    });
    insert(store, &[checked]).await;
    filed(store, &general, 2026, submitted, later, &clock).await;
    filed(store, &nowhere, 2026, submitted, earlier, &clock).await;
    filed(
        store,
        &drafting,
        2026,
        FilingStatus::Approved,
        later,
        &clock,
    )
    .await;
    filed(store, &departed, 2026, submitted, later, &clock).await;
    filed(store, &branch, 2026, submitted, later, &clock).await;
    filed(store, &sales_1, 2025, submitted, later, &clock).await;
    // Another tenant's waiting declaration is never counted.
    let (_, _, beta_honsha) = tenant_with_company(store, "beta", &clock).await;
    let stranger = in_department(store, &beta_honsha, "0001", Some("営業部"), &clock).await;
    filed(store, &stranger, 2026, submitted, later, &clock).await;

    let now = clock.now();
    let group =
        |company: &Company, department: Option<&str>, awaiting, new, checked| AwaitingReview {
            company_id: company.id,
            department: department.map(str::to_owned),
            awaiting,
            new,
            checked,
        };
    let mut expected = vec![
        group(&honsha, Some("営業部"), 2, 1, 1),
        group(&honsha, Some("総務部"), 1, 1, 0),
        group(&honsha, None, 1, 0, 0),
        group(&shisha, None, 1, 1, 0),
    ];
    // Companies in id order (the order the store gives them), departments within each.
    expected.sort_by_key(|group| group.company_id != honsha.id.min(shisha.id));
    assert_eq!(
        store
            .awaiting_review(acme.id, year(2026), Some(since), now)
            .await
            .unwrap(),
        expected,
        "提出済 of current employees only; new = submitted after `since`; checked = with the 一次確認"
    );
    let everything: Vec<(u64, u64)> = store
        .awaiting_review(acme.id, year(2026), None, now)
        .await
        .unwrap()
        .iter()
        .map(|group| (group.awaiting, group.new))
        .collect();
    assert_eq!(
        everything,
        expected
            .iter()
            .map(|group| (group.awaiting, group.awaiting))
            .collect::<Vec<_>>(),
        "without a time every waiting declaration is new"
    );
    assert_eq!(
        store
            .awaiting_review(acme.id, year(2026), Some(later), now)
            .await
            .unwrap()
            .iter()
            .map(|group| group.new)
            .sum::<u64>(),
        0,
        "submitted at exactly `since` is not new"
    );
    let until_since: Vec<(u64, u64)> = store
        .awaiting_review(acme.id, year(2026), None, since)
        .await
        .unwrap()
        .iter()
        .map(|group| (group.awaiting, group.new))
        .collect();
    assert_eq!(
        until_since,
        expected
            .iter()
            .map(|group| (group.awaiting, group.awaiting - group.new))
            .collect::<Vec<_>>(),
        "submitted after `until` is not new yet (it will be in the next window)"
    );
    assert_eq!(
        store
            .awaiting_review(acme.id, year(2025), None, now)
            .await
            .unwrap(),
        [group(&honsha, Some("営業部"), 1, 1, 0)]
    );
}

pub async fn a_review_digest_day_is_claimed_once_with_its_mails_per_tenant(store: &dyn Store) {
    let clock = clock();
    let (acme, _, _) = tenant_with_company(store, "acme", &clock).await;
    let (beta, _, _) = tenant_with_company(store, "beta", &clock).await;
    let now = clock.now();
    let day = date!(2026 - 11 - 26);
    assert_eq!(store.last_review_digest(acme.id).await.unwrap(), None);

    let mails = [mail(&acme, &clock), mail(&acme, &clock)];
    assert!(
        store
            .claim_review_digest(acme.id, day, year(2026), now, &mails)
            .await
            .unwrap(),
        "the first claim of a day wins"
    );
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap().len(), 2);
    assert_eq!(
        store.last_review_digest(acme.id).await.unwrap(),
        Some(SentReviewDigest { day, at: now })
    );
    assert!(
        !store
            .claim_review_digest(acme.id, day, year(2026), now, &[mail(&acme, &clock)])
            .await
            .unwrap(),
        "a day already claimed is not claimed again"
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap().len(),
        2,
        "and the loser's mails are not queued"
    );

    assert!(
        store
            .claim_review_digest(acme.id, day, year(2026), now, &[mail(&beta, &clock)])
            .await
            .is_err(),
        "a mail of another tenant is refused"
    );
    assert_eq!(store.last_review_digest(beta.id).await.unwrap(), None);
    assert!(
        store
            .claim_review_digest(beta.id, day, year(2026), now, &[])
            .await
            .unwrap(),
        "each tenant has its own days"
    );

    clock.advance(time::Duration::days(1));
    let next_day = date!(2026 - 11 - 27);
    assert!(
        store
            .claim_review_digest(acme.id, next_day, year(2026), clock.now(), &[])
            .await
            .unwrap()
    );
    assert_eq!(
        store.last_review_digest(acme.id).await.unwrap(),
        Some(SentReviewDigest {
            day: next_day,
            at: clock.now()
        }),
        "the latest day is the last"
    );
}

pub async fn the_review_digest_is_turned_off_and_on_per_user(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _) = tenant_with_company(store, "acme", &clock).await;
    let (beta, beta_admin, _) = tenant_with_company(store, "beta", &clock).await;
    let clerk = user(&acme, "clerk", Role::General, &clock);
    store.insert_user(acme.id, &clerk).await.unwrap();
    assert!(
        store
            .review_digest_opt_outs(acme.id)
            .await
            .unwrap()
            .is_empty()
    );

    let now = clock.now();
    store
        .set_review_digest(acme.id, clerk.id, false, now)
        .await
        .unwrap();
    store
        .set_review_digest(acme.id, admin, false, now)
        .await
        .unwrap();
    store
        .set_review_digest(acme.id, admin, false, now)
        .await
        .expect("turning off twice is not an error");
    let mut both = vec![admin, clerk.id];
    both.sort();
    assert_eq!(store.review_digest_opt_outs(acme.id).await.unwrap(), both);
    assert!(
        store
            .review_digest_opt_outs(beta.id)
            .await
            .unwrap()
            .is_empty(),
        "another tenant's users are not listed"
    );

    store
        .set_review_digest(acme.id, admin, true, now)
        .await
        .unwrap();
    store
        .set_review_digest(acme.id, beta_admin, true, now)
        .await
        .expect("turning on what is on is not an error");
    assert_eq!(
        store.review_digest_opt_outs(acme.id).await.unwrap(),
        [clerk.id]
    );
    assert!(
        store
            .set_review_digest(acme.id, beta_admin, false, now)
            .await
            .is_err(),
        "a user of another tenant cannot be turned off here"
    );
}
