//! 登録内容の変更届: one pending request per employee, decided once, applied to the record in the
//! same transaction, never across tenants.

use nencho_kernel::{ChangeRequestId, Clock, FixedClock, UserId};
use nencho_ports::{ChangeDecision, Store, StoreError};
use nencho_tenancy::{ChangeRequest, ChangeStatus, Employee, MasterChange, PersonName, PostalCode};
use time::Duration;

use super::filing_support::{employee, tenant_with_company};
use super::support::clock;

pub(super) fn request(
    employee: &Employee,
    by: UserId,
    address: &str,
    clock: &FixedClock,
) -> ChangeRequest {
    clock.advance(Duration::milliseconds(1));
    ChangeRequest {
        id: ChangeRequestId::generate(clock),
        tenant_id: employee.tenant_id,
        company_id: employee.company_id,
        employee_id: employee.id,
        requested_at: clock.now(),
        requested_by: by,
        change: MasterChange {
            name: PersonName {
                family: "佐藤".into(),
                given: employee.name.given.clone(),
                family_kana: "サトウ".into(),
                given_kana: employee.name.given_kana.clone(),
            },
            postal_code: PostalCode::parse("530-0001"),
            address: address.into(),
            note: "結婚と転居".into(),
        },
        status: ChangeStatus::Pending,
        decided_at: None,
        decided_by_name: None,
        comment: String::new(),
    }
}

fn decision(status: ChangeStatus, by: UserId, clock: &FixedClock) -> ChangeDecision {
    ChangeDecision {
        status,
        at: clock.now(),
        by,
        by_name: "管理者".into(),
        comment: "住所を確認しました".into(),
    }
}

pub async fn a_change_request_replaces_the_pending_one_and_is_applied_once(store: &dyn Store) {
    let clock = clock();
    let (tenant, admin, company) = tenant_with_company(store, "acme", &clock).await;
    let hanako = employee(
        store,
        &company,
        "0001",
        ("山田", "花子", "ヤマダ", "ハナコ"),
        &clock,
    )
    .await;
    let first = request(&hanako, admin, "大阪府大阪市北区梅田1-1", &clock);
    store.insert_change_request(&first).await.unwrap();
    assert_eq!(
        store
            .find_change_request(tenant.id, first.id)
            .await
            .unwrap(),
        Some(first.clone()),
        "every field reads back"
    );
    let second = request(&hanako, admin, "大阪府大阪市北区梅田2-2", &clock);
    store.insert_change_request(&second).await.unwrap();
    assert_eq!(
        store
            .pending_change_requests(tenant.id, company.id)
            .await
            .unwrap(),
        vec![second.clone()],
        "one pending request per employee: the newer replaces it"
    );
    assert_eq!(
        store
            .find_change_request(tenant.id, first.id)
            .await
            .unwrap(),
        None
    );

    let applied = second.change.apply_to(&hanako, clock.now());
    store
        .decide_change_request(
            tenant.id,
            second.id,
            &decision(ChangeStatus::Applied, admin, &clock),
            Some(&applied),
        )
        .await
        .unwrap();
    assert_eq!(
        store.find_employee(tenant.id, hanako.id).await.unwrap(),
        Some(applied.clone()),
        "the record carries the request"
    );
    let decided = store
        .find_change_request(tenant.id, second.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decided.status, ChangeStatus::Applied);
    assert_eq!(decided.decided_by_name.as_deref(), Some("管理者"));
    assert_eq!(decided.comment, "住所を確認しました");
    assert!(
        store
            .pending_change_requests(tenant.id, company.id)
            .await
            .unwrap()
            .is_empty()
    );

    // A second decision changes nothing, the record included.
    let other = Employee {
        address: "別の住所".into(),
        ..applied.clone()
    };
    assert!(matches!(
        store
            .decide_change_request(
                tenant.id,
                second.id,
                &decision(ChangeStatus::Declined, admin, &clock),
                Some(&other),
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.find_employee(tenant.id, hanako.id).await.unwrap(),
        Some(applied)
    );

    // A declined request leaves the record; the history lists both, newest first.
    let third = request(&hanako, admin, "京都府京都市", &clock);
    store.insert_change_request(&third).await.unwrap();
    store
        .decide_change_request(
            tenant.id,
            third.id,
            &decision(ChangeStatus::Declined, admin, &clock),
            None,
        )
        .await
        .unwrap();
    let history = store
        .change_requests_of(tenant.id, hanako.id, 10)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        [
            (third.id, ChangeStatus::Declined),
            (second.id, ChangeStatus::Applied)
        ]
    );

    // The export pages every request of the tenant in id order.
    let all = store
        .change_requests_after(tenant.id, None, 10)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|r| r.id).collect::<Vec<_>>(),
        [second.id, third.id],
        "the replaced first one is gone"
    );
    let page = store
        .change_requests_after(tenant.id, None, 1)
        .await
        .unwrap();
    assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [second.id]);
    let rest = store
        .change_requests_after(tenant.id, Some(second.id), 10)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|r| r.id).collect::<Vec<_>>(), [third.id]);
}

pub async fn change_requests_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let (acme, acme_admin, acme_company) = tenant_with_company(store, "acme", &clock).await;
    let (beta, beta_admin, _) = tenant_with_company(store, "beta", &clock).await;
    let hanako = employee(
        store,
        &acme_company,
        "0001",
        ("山田", "花子", "ヤマダ", "ハナコ"),
        &clock,
    )
    .await;
    let asked = request(&hanako, acme_admin, "大阪府", &clock);
    store.insert_change_request(&asked).await.unwrap();
    assert_eq!(
        store.find_change_request(beta.id, asked.id).await.unwrap(),
        None
    );
    assert!(
        store
            .change_requests_of(beta.id, hanako.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .change_requests_after(beta.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .pending_change_requests(beta.id, acme_company.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .decide_change_request(
                beta.id,
                asked.id,
                &decision(ChangeStatus::Applied, beta_admin, &clock),
                None,
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .find_change_request(acme.id, asked.id)
            .await
            .unwrap()
            .map(|r| r.status),
        Some(ChangeStatus::Pending)
    );
}
