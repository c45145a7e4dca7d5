//! The automatic reminders' record (YEA-4): a reminder day is claimed once per company and year
//! (and once per declaration toward its own deadline), its mails queued with the claim; a second
//! claim queues nothing; tenants never mix. The declarations awaiting their employees with a
//! deadline of their own are listed and counted (the worker's and the dashboard's filter).

use nencho_filings::FilingStatus;
use nencho_kernel::Clock;
use nencho_ports::{FilingMark, FilingQuery, Store};
use time::macros::date;

use super::filing_support::{company, employee, filing, insert, mail, tenant_with_company, year};
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

pub async fn declarations_with_an_own_deadline_are_listed_counted_and_reminded_once_each(
    store: &dyn Store,
) {
    let clock = clock();
    let (acme, _, honsha) = tenant_with_company(store, "acme", &clock).await;
    let (beta, _, beta_honsha) = tenant_with_company(store, "beta", &clock).await;
    let names = ("山田", "太郎", "ヤマダ", "タロウ");
    let mut staff = Vec::new();
    for number in ["0001", "0002", "0003", "0004", "0005", "0006"] {
        staff.push(employee(store, &honsha, number, names, &clock).await);
    }
    // 0002 works in 営業部; 0006 has left.
    staff[1].department = Some("営業部".into());
    store.update_employee(acme.id, &staff[1]).await.unwrap();
    staff[5].leave_date = Some(date!(2026 - 11 - 15));
    store.update_employee(acme.id, &staff[5]).await.unwrap();
    let own = |index: usize, status: FilingStatus, day| {
        let mut this = filing(&staff[index], year(2026), status, &clock);
        this.own_deadline = day;
        this
    };
    let filings = [
        own(0, FilingStatus::Returned, Some(date!(2026 - 12 - 07))),
        own(1, FilingStatus::Draft, Some(date!(2026 - 12 - 10))),
        // Handed in: no longer awaited, whatever the day.
        own(2, FilingStatus::Submitted, Some(date!(2026 - 12 - 07))),
        own(3, FilingStatus::Requested, None),
        own(4, FilingStatus::Requested, Some(date!(2026 - 12 - 04))),
        own(5, FilingStatus::Draft, Some(date!(2026 - 12 - 04))),
    ];
    insert(store, &filings).await;
    let mut other = filing(
        &employee(store, &beta_honsha, "0001", names, &clock).await,
        year(2026),
        FilingStatus::Draft,
        &clock,
    );
    other.own_deadline = Some(date!(2026 - 12 - 07));
    insert(store, std::slice::from_ref(&other)).await;

    let query = |department: Option<&str>| FilingQuery {
        company_id: honsha.id,
        tax_year: year(2026),
        status: None,
        search: None,
        department: department.map(str::to_owned),
        include_departed: false,
        awaiting_originals: false,
        shared_claims: false,
        own_deadlines: true,
        checked: None,
        after: None,
        limit: 2,
    };
    // Current employees awaited with a day of their own, in number order, paged.
    let first = store.list_filings(acme.id, &query(None)).await.unwrap();
    let numbers = |page: &nencho_ports::FilingPage| -> Vec<String> {
        page.rows
            .iter()
            .map(|row| row.employee.number.to_string())
            .collect()
    };
    assert_eq!(numbers(&first), ["0001", "0002"]);
    let second = store
        .list_filings(
            acme.id,
            &FilingQuery {
                after: first.next.clone(),
                ..query(None)
            },
        )
        .await
        .unwrap();
    assert_eq!(numbers(&second), ["0005"]);
    assert_eq!(second.next, None);
    assert_eq!(
        second.rows[0].filing.as_ref().unwrap().own_deadline,
        Some(date!(2026 - 12 - 04))
    );
    assert_eq!(
        numbers(
            &store
                .list_filings(acme.id, &query(Some("営業部")))
                .await
                .unwrap()
        ),
        ["0002"]
    );
    // Combined with a status filter, both apply.
    let returned = store
        .list_filings(
            acme.id,
            &FilingQuery {
                status: Some(FilingStatus::Returned),
                limit: 50,
                ..query(None)
            },
        )
        .await
        .unwrap();
    assert_eq!(numbers(&returned), ["0001"]);
    assert_eq!(
        store
            .marked_count(
                acme.id,
                honsha.id,
                year(2026),
                None,
                FilingMark::OwnDeadline
            )
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .marked_count(
                acme.id,
                honsha.id,
                year(2026),
                Some("営業部"),
                FilingMark::OwnDeadline
            )
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .marked_count(
                acme.id,
                honsha.id,
                year(2025),
                None,
                FilingMark::OwnDeadline
            )
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .marked_count(
                beta.id,
                beta_honsha.id,
                year(2026),
                None,
                FilingMark::OwnDeadline
            )
            .await
            .unwrap(),
        1,
        "beta's own, none of acme's"
    );

    // Reminders toward the own deadline: claimed once per declaration and day.
    let now = clock.now();
    assert!(
        store
            .own_reminders_sent(acme.id, honsha.id, year(2026))
            .await
            .unwrap()
            .is_empty()
    );
    let reminder = [mail(&acme, &clock)];
    assert!(
        store
            .claim_own_reminder(
                acme.id,
                filings[0].id,
                date!(2026 - 12 - 04),
                now,
                &reminder
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_own_reminder(
                acme.id,
                filings[0].id,
                date!(2026 - 12 - 04),
                now,
                &[mail(&acme, &clock)]
            )
            .await
            .unwrap(),
        "a day already claimed is not claimed again"
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap().len(),
        1,
        "only the winning claim's mail is queued"
    );
    for (index, day) in [(0, date!(2026 - 12 - 06)), (1, date!(2026 - 12 - 03))] {
        assert!(
            store
                .claim_own_reminder(acme.id, filings[index].id, day, now, &[])
                .await
                .unwrap()
        );
    }
    let mut sent = store
        .own_reminders_sent(acme.id, honsha.id, year(2026))
        .await
        .unwrap();
    sent.sort();
    let mut expected = vec![
        (filings[0].id, date!(2026 - 12 - 06)),
        (filings[1].id, date!(2026 - 12 - 03)),
    ];
    expected.sort();
    assert_eq!(sent, expected, "the latest day per declaration");
    assert!(
        store
            .own_reminders_sent(beta.id, beta_honsha.id, year(2026))
            .await
            .unwrap()
            .is_empty(),
        "another tenant sees nothing of acme's"
    );
    assert!(
        store
            .claim_own_reminder(beta.id, filings[1].id, date!(2026 - 12 - 09), now, &[])
            .await
            .is_err(),
        "another tenant's declaration cannot be claimed"
    );
    assert!(
        store
            .claim_own_reminder(
                acme.id,
                filings[1].id,
                date!(2026 - 12 - 09),
                now,
                &[mail(&beta, &clock)]
            )
            .await
            .is_err(),
        "a mail of another tenant is refused"
    );
    assert_eq!(
        store
            .own_reminders_sent(acme.id, honsha.id, year(2026))
            .await
            .unwrap()
            .len(),
        2,
        "and nothing is claimed"
    );
}
