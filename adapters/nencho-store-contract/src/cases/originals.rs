//! The certificates' receipts (控除証明書等の原本): recorded, replaced and withdrawn with a history
//! line each; every write of the document or a receipt recounts the declaration's pending
//! certificates, which the dashboard counts and filters on; paged for the export; never across
//! tenants. (The contract's purge removing them is in `contract_end`.)

use nencho_filings::{
    Declaration, ExpectedAttachment, FieldChange, Filing, FilingStatus, OriginalMethod,
    OriginalReceipt, ValueChange, expected_attachments,
};
use nencho_kernel::{Clock, FixedClock, UserId};
use nencho_ports::{FilingQuery, OriginalReceiptWrite, Store, StoreError};
use nencho_tenancy::{Company, Employee, Tenant};

use super::filing_support::*;
use super::support::clock;

/// The certificates' keys of `document`, in form order.
fn keys(document: &Declaration) -> Vec<String> {
    expected_attachments(document)
        .iter()
        .map(ExpectedAttachment::original_key)
        .collect()
}

/// A receipt of `key` (or its withdrawal) by `actor` now, with its history line.
pub(super) fn receipt_write(
    filing: &Filing,
    key: &str,
    method: Option<OriginalMethod>,
    actor: UserId,
    clock: &FixedClock,
) -> OriginalReceiptWrite {
    clock.advance(time::Duration::milliseconds(1));
    let word = |method: Option<OriginalMethod>| {
        method
            .map_or("未受領", OriginalMethod::japanese_name)
            .to_owned()
    };
    OriginalReceiptWrite {
        filing_id: filing.id,
        key: key.into(),
        receipt: method.map(|method| OriginalReceipt {
            key: key.into(),
            method,
            at: clock.now(),
            actor,
            actor_name: "jimu".into(),
        }),
        change: FieldChange {
            at: clock.now(),
            actor,
            actor_name: "jimu".into(),
            change: ValueChange {
                path: format!("originals.{key}"),
                label: format!("原本: {key}"),
                before: None,
                after: Some(word(method)),
            },
        },
    }
}

/// The progress list of the company for 2026, every employee or only those awaiting
/// certificates.
fn progress(company: &Company, awaiting_originals: bool) -> FilingQuery {
    FilingQuery {
        company_id: company.id,
        tax_year: year(2026),
        status: None,
        search: None,
        department: None,
        include_departed: false,
        awaiting_originals,
        shared_claims: false,
        own_deadlines: false,
        checked: None,
        after: None,
        limit: 50,
    }
}

/// The pending count the progress list shows for `employee`.
async fn pending_of(store: &dyn Store, company: &Company, employee: &Employee) -> u32 {
    store
        .list_filings(company.tenant_id, &progress(company, false))
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|row| row.employee.id == employee.id)
        .map(|row| row.originals_pending)
        .unwrap()
}

/// A tenant with a company and an employee who handed in a declaration calling for three
/// certificates (two life policies, one earthquake policy).
async fn handed_in(
    store: &dyn Store,
    slug: &str,
    clock: &FixedClock,
) -> (Tenant, UserId, Company, Employee, Filing) {
    let (tenant, admin, company) = tenant_with_company(store, slug, clock).await;
    let taro = employee(
        store,
        &company,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    let mut declaration = filing(&taro, year(2026), FilingStatus::Submitted, clock);
    declaration.document = full_declaration();
    insert(store, std::slice::from_ref(&declaration)).await;
    (tenant, admin, company, taro, declaration)
}

pub async fn receipts_are_recorded_replaced_and_withdrawn_with_their_history(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, taro, declaration) = handed_in(store, "acme", &clock).await;
    let keys = keys(&declaration.document);
    assert!(
        keys.len() >= 2,
        "the full declaration calls for certificates"
    );
    let all = u32::try_from(keys.len()).unwrap();
    assert_eq!(pending_of(store, &honsha, &taro).await, all);
    assert!(
        store
            .original_receipts(acme.id, declaration.id)
            .await
            .unwrap()
            .is_empty()
    );

    let paper = receipt_write(
        &declaration,
        &keys[0],
        Some(OriginalMethod::Paper),
        admin,
        &clock,
    );
    store.write_original_receipt(acme.id, &paper).await.unwrap();
    assert_eq!(
        store
            .original_receipts(acme.id, declaration.id)
            .await
            .unwrap(),
        [paper.receipt.clone().unwrap()]
    );
    assert_eq!(pending_of(store, &honsha, &taro).await, all - 1);

    let electronic = receipt_write(
        &declaration,
        &keys[0],
        Some(OriginalMethod::Electronic),
        admin,
        &clock,
    );
    store
        .write_original_receipt(acme.id, &electronic)
        .await
        .unwrap();
    let on_record = store
        .original_receipts(acme.id, declaration.id)
        .await
        .unwrap();
    assert_eq!(on_record, [electronic.receipt.clone().unwrap()]);
    assert_eq!(pending_of(store, &honsha, &taro).await, all - 1);

    let withdrawn = receipt_write(&declaration, &keys[0], None, admin, &clock);
    store
        .write_original_receipt(acme.id, &withdrawn)
        .await
        .unwrap();
    assert!(
        store
            .original_receipts(acme.id, declaration.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(pending_of(store, &honsha, &taro).await, all);

    let history = store.filing_history(acme.id, declaration.id).await.unwrap();
    assert_eq!(
        history.changes,
        [paper.change, electronic.change, withdrawn.change]
    );
}

pub async fn every_certificate_received_leaves_nothing_awaited(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, taro, declaration) = handed_in(store, "acme", &clock).await;
    let hanako = employee(
        store,
        &honsha,
        "0002",
        ("山田", "花子", "ヤマダ", "ハナコ"),
        &clock,
    )
    .await;
    let mut hers = filing(&hanako, year(2026), FilingStatus::Approved, &clock);
    hers.document = full_declaration();
    insert(store, std::slice::from_ref(&hers)).await;
    assert_eq!(
        store
            .awaiting_originals_count(acme.id, honsha.id, year(2026), None)
            .await
            .unwrap(),
        2
    );

    for key in keys(&declaration.document) {
        let write = receipt_write(
            &declaration,
            &key,
            Some(OriginalMethod::Paper),
            admin,
            &clock,
        );
        store.write_original_receipt(acme.id, &write).await.unwrap();
    }
    assert_eq!(pending_of(store, &honsha, &taro).await, 0);
    assert_eq!(
        store
            .awaiting_originals_count(acme.id, honsha.id, year(2026), None)
            .await
            .unwrap(),
        1
    );
    let awaiting = store
        .list_filings(acme.id, &progress(&honsha, true))
        .await
        .unwrap();
    assert_eq!(
        awaiting
            .rows
            .iter()
            .map(|row| row.employee.id)
            .collect::<Vec<_>>(),
        [hanako.id]
    );
    assert!(awaiting.next.is_none());
}

pub async fn a_document_write_recounts_with_the_receipts_on_record(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, taro, declaration) = handed_in(store, "acme", &clock).await;
    let before = keys(&declaration.document);
    let last = before.last().unwrap().clone();
    let write = receipt_write(
        &declaration,
        &last,
        Some(OriginalMethod::Paper),
        admin,
        &clock,
    );
    store.write_original_receipt(acme.id, &write).await.unwrap();

    // Returned and edited: one more earthquake policy. The receipt on record still counts.
    let mut edited = declaration.clone();
    edited.status = FilingStatus::Returned;
    edited.version = 2;
    let mut policy = edited.document.earthquake_policies[0].clone();
    policy.insurer = "D損保".into();
    edited.document.earthquake_policies.push(policy);
    store
        .write_filings(acme.id, &[bare(&edited, 1)])
        .await
        .unwrap();
    let after = keys(&edited.document);
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&last));
    assert_eq!(
        pending_of(store, &honsha, &taro).await,
        u32::try_from(after.len() - 1).unwrap()
    );

    // Without any certificate called for, nothing is awaited, and the receipt stays on record.
    let mut emptied = edited.clone();
    emptied.version = 3;
    emptied.document = Declaration::default();
    store
        .write_filings(acme.id, &[bare(&emptied, 2)])
        .await
        .unwrap();
    assert_eq!(pending_of(store, &honsha, &taro).await, 0);
    assert_eq!(
        store
            .original_receipts(acme.id, declaration.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn only_handed_in_declarations_of_current_employees_are_awaited(store: &dyn Store) {
    let clock = clock();
    let (acme, _admin, honsha, taro, _declaration) = handed_in(store, "acme", &clock).await;
    let mut jiro = employee(
        store,
        &honsha,
        "0002",
        ("山田", "次郎", "ヤマダ", "ジロウ"),
        &clock,
    )
    .await;
    let mut draft = filing(&jiro, year(2026), FilingStatus::Draft, &clock);
    draft.document = full_declaration();
    let saburo = employee(
        store,
        &honsha,
        "0003",
        ("山田", "三郎", "ヤマダ", "サブロウ"),
        &clock,
    )
    .await;
    let mut departed = filing(&saburo, year(2026), FilingStatus::Submitted, &clock);
    departed.document = full_declaration();
    insert(store, &[draft, departed]).await;
    let mut saburo = saburo;
    saburo.leave_date = Some(time::macros::date!(2026 - 10 - 31));
    store.update_employee(acme.id, &saburo).await.unwrap();
    assert_eq!(
        store
            .awaiting_originals_count(acme.id, honsha.id, year(2026), None)
            .await
            .unwrap(),
        1,
        "the draft and the departed employee's declaration do not count"
    );

    jiro.department = Some("営業部".into());
    store.update_employee(acme.id, &jiro).await.unwrap();
    let mut taro = taro;
    taro.department = Some("総務部".into());
    store.update_employee(acme.id, &taro).await.unwrap();
    for (department, expected) in [("総務部", 1), ("営業部", 0)] {
        assert_eq!(
            store
                .awaiting_originals_count(acme.id, honsha.id, year(2026), Some(department))
                .await
                .unwrap(),
            expected,
            "{department}"
        );
    }
    let mut query = progress(&honsha, true);
    query.department = Some("営業部".into());
    assert!(
        store
            .list_filings(acme.id, &query)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    query.department = Some("総務部".into());
    assert_eq!(
        store
            .list_filings(acme.id, &query)
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
}

pub async fn receipts_page_in_declaration_and_key_order(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _honsha, _taro, declaration) = handed_in(store, "acme", &clock).await;
    let keys = keys(&declaration.document);
    for key in keys.iter().rev() {
        let write = receipt_write(
            &declaration,
            key,
            Some(OriginalMethod::Paper),
            admin,
            &clock,
        );
        store.write_original_receipt(acme.id, &write).await.unwrap();
    }
    let mut sorted = keys.clone();
    sorted.sort();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .original_receipts_after(acme.id, after.clone(), 2)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page
            .last()
            .map(|(filing_id, receipt)| (*filing_id, receipt.key.clone()));
        seen.extend(page.into_iter().map(|(filing_id, receipt)| {
            assert_eq!(filing_id, declaration.id);
            receipt.key
        }));
    }
    assert_eq!(seen, sorted);
}

pub async fn receipts_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _honsha, _taro, declaration) = handed_in(store, "acme", &clock).await;
    let (globex, globex_admin, globex_honsha, _jiro, _theirs) =
        handed_in(store, "globex", &clock).await;
    let key = keys(&declaration.document).remove(0);
    let write = receipt_write(
        &declaration,
        &key,
        Some(OriginalMethod::Paper),
        admin,
        &clock,
    );
    store.write_original_receipt(acme.id, &write).await.unwrap();

    // Another tenant can neither record on acme's declaration nor see its receipts.
    let guessed = receipt_write(
        &declaration,
        &key,
        Some(OriginalMethod::Electronic),
        globex_admin,
        &clock,
    );
    assert!(matches!(
        store.write_original_receipt(globex.id, &guessed).await,
        Err(StoreError::Conflict(_))
    ));
    let withdrawn = receipt_write(&declaration, &key, None, globex_admin, &clock);
    assert!(matches!(
        store.write_original_receipt(globex.id, &withdrawn).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .original_receipts(globex.id, declaration.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .original_receipts_after(globex.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .original_receipts(acme.id, declaration.id)
            .await
            .unwrap(),
        [write.receipt.unwrap()]
    );
    assert_eq!(
        store
            .awaiting_originals_count(globex.id, globex_honsha.id, year(2026), None)
            .await
            .unwrap(),
        1
    );
}

/// After [`every_certificate_received_leaves_nothing_awaited`], the counts a store must show
/// again once it recounted declarations whose count was lost (set to NULL as before the count
/// existed) when it opened: 山田太郎 has every certificate received, 山田花子 none.
pub async fn the_counts_of_every_certificate_received_are_back(store: &dyn Store) {
    let acme = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "acme")
        .unwrap();
    let honsha = store.list_companies(acme.id).await.unwrap().remove(0);
    let rows = store
        .list_filings(acme.id, &progress(&honsha, false))
        .await
        .unwrap()
        .rows;
    let all = u32::try_from(keys(&full_declaration()).len()).unwrap();
    assert_eq!(
        rows.iter()
            .map(|row| row.originals_pending)
            .collect::<Vec<_>>(),
        [0, all]
    );
    assert_eq!(
        store
            .awaiting_originals_count(acme.id, honsha.id, year(2026), None)
            .await
            .unwrap(),
        1
    );
}
