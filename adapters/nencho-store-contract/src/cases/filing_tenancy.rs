//! Declarations and periods never cross tenants, whatever ids a caller names.

use nencho_filings::FilingStatus;
use nencho_kernel::FilingId;
use nencho_ports::{FilingHistory, FilingQuery, FilingWrite, Store};

use super::filing_support::*;
use super::support::clock;

pub async fn filings_and_periods_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let (beta, beta_admin, beta_company) = tenant_with_company(store, "beta", &clock).await;
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    employee(
        store,
        &beta_company,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    let acme_periods = periods(&honsha, year(2026), true);
    let opened = period_change(&acme_periods, admin, "開始", &clock);
    store
        .put_periods(acme.id, &acme_periods, &opened)
        .await
        .unwrap();
    let acme_filing = filing(&taro, year(2026), FilingStatus::Submitted, &clock);
    let write = FilingWrite {
        filing: acme_filing.clone(),
        expected_version: 0,
        event: Some(event(
            admin,
            FilingStatus::Draft,
            FilingStatus::Submitted,
            &clock,
        )),
        changes: vec![change(admin, "taxpayer.widow", None, Some("はい"), &clock)],
        mail: None,
    };
    store.write_filings(acme.id, &[write]).await.unwrap();

    assert_eq!(
        store
            .find_periods(beta.id, honsha.id, year(2026))
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .list_periods(beta.id, honsha.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .period_changes(beta.id, honsha.id, year(2026))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.find_filing(beta.id, acme_filing.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .find_filing_of(beta.id, taro.id, year(2026))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.filing_history(beta.id, acme_filing.id).await.unwrap(),
        FilingHistory::default()
    );
    let counts = store
        .status_counts(beta.id, honsha.id, year(2026), None)
        .await
        .unwrap();
    assert_eq!(counts.total(), 0);
    let listed = store
        .list_filings(
            beta.id,
            &FilingQuery {
                include_departed: false,
                awaiting_originals: false,
                shared_claims: false,
                own_deadlines: false,
                checked: None,
                company_id: honsha.id,
                tax_year: year(2026),
                status: None,
                search: None,
                department: None,
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(listed.rows.is_empty() && listed.next.is_none());

    // Writing as beta: acme's filing as it is, or claimed for beta, or beta's periods for acme's
    // company, all fail and change nothing.
    let mut claimed = acme_filing.clone();
    assert!(
        store
            .write_filings(beta.id, &[bare(&claimed, 1)])
            .await
            .is_err()
    );
    claimed.tenant_id = beta.id;
    claimed.version = 2;
    assert!(
        store
            .write_filings(beta.id, &[bare(&claimed, 1)])
            .await
            .is_err()
    );
    claimed.id = FilingId::generate(&clock);
    assert!(
        store
            .write_filings(beta.id, &[bare(&claimed, 0)])
            .await
            .is_err(),
        "acme's employee and company are unknown in beta"
    );
    let mut foreign_mail = bare(
        &filing(&taro, year(2027), FilingStatus::Requested, &clock),
        0,
    );
    foreign_mail.mail = Some(mail(&beta, &clock));
    assert!(store.write_filings(acme.id, &[foreign_mail]).await.is_err());
    let beta_change = period_change(&acme_periods, beta_admin, "乗っ取り", &clock);
    assert!(
        store
            .put_periods(beta.id, &acme_periods, &beta_change)
            .await
            .is_err()
    );

    assert_eq!(
        store.find_filing(acme.id, acme_filing.id).await.unwrap(),
        Some(acme_filing)
    );
    assert_eq!(
        store
            .period_changes(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        vec![opened]
    );
    assert!(
        store
            .list_periods(beta.id, beta_company.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.list_mail(beta.id, 10).await.unwrap().is_empty());
}
