//! Declarations: the company's periods, writes with optimistic concurrency, history. The
//! progress dashboard's counts and list are in `filing_progress`, tenancy in `filing_tenancy`.

use nencho_filings::{DateRange, FilingStatus, GuidanceText, MemoText, StaffMemo};
use nencho_kernel::{Clock, FilingId};
use nencho_ports::{FilingHistory, FilingWrite, Store, StoreError};
use time::macros::date;

use super::filing_support::*;
use super::support::clock;

pub async fn filing_periods_are_put_replaced_and_listed_newest_first(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let first = periods(&honsha, year(2026), true);
    let opened = period_change(&first, admin, "提出期間 2026-11-10〜2026-11-30", &clock);
    store.put_periods(acme.id, &first, &opened).await.unwrap();
    assert_eq!(
        store
            .find_periods(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        Some(first.clone()),
        "every field, the re-filing period included, survives"
    );

    let last_year = periods(&honsha, year(2025), false);
    let last_change = period_change(&last_year, admin, "2025年分", &clock);
    store
        .put_periods(acme.id, &last_year, &last_change)
        .await
        .unwrap();
    let mut replaced = periods(&honsha, year(2026), false);
    replaced.filing = DateRange::new(date!(2026 - 11 - 15), date!(2026 - 12 - 05)).unwrap();
    let changed = period_change(&replaced, admin, "提出期間 2026-11-15〜2026-12-05", &clock);
    store
        .put_periods(acme.id, &replaced, &changed)
        .await
        .unwrap();

    assert_eq!(
        store
            .find_periods(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        Some(replaced.clone()),
        "putting again replaces, the re-filing period too"
    );
    assert_eq!(
        store.list_periods(acme.id, honsha.id).await.unwrap(),
        vec![replaced, last_year],
        "newest year first"
    );
    assert_eq!(
        store
            .period_changes(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        vec![opened, changed],
        "oldest first, every field"
    );
    assert_eq!(
        store
            .period_changes(acme.id, honsha.id, year(2025))
            .await
            .unwrap(),
        vec![last_change]
    );
    assert_eq!(
        store
            .find_periods(acme.id, honsha.id, year(2024))
            .await
            .unwrap(),
        None
    );
    let other = company(store, &acme, "支社", &clock).await;
    assert!(
        store
            .list_periods(acme.id, other.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// 会社からのご案内 lives with the opened year: nothing is written for a year without periods,
/// putting the periods again keeps it, clearing removes it, and every change is logged with the
/// periods' changes; another contract never reads it.
pub async fn company_guidance_is_kept_with_the_opened_year(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let guidance = |text: &str| GuidanceText::parse(text).unwrap().unwrap();
    let instructions =
        guidance("証明書の原本は12月5日までに総務部へ。\n手引き: https://intra.example/nencho");
    let not_opened = periods(&honsha, year(2026), false);
    let early = period_change(&not_opened, admin, "ご案内を設定", &clock);
    assert!(
        !store
            .put_guidance(acme.id, honsha.id, year(2026), Some(&instructions), &early)
            .await
            .unwrap(),
        "a year without periods takes no guidance"
    );
    assert!(
        store
            .period_changes(acme.id, honsha.id, year(2026))
            .await
            .unwrap()
            .is_empty(),
        "and records no change"
    );

    let opened = period_change(&not_opened, admin, "期間を設定", &clock);
    store
        .put_periods(acme.id, &not_opened, &opened)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_guidance(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        None
    );
    let set = period_change(&not_opened, admin, "ご案内を設定", &clock);
    assert!(
        store
            .put_guidance(acme.id, honsha.id, year(2026), Some(&instructions), &set)
            .await
            .unwrap()
    );
    let last_year = periods(&honsha, year(2025), false);
    store
        .put_periods(
            acme.id,
            &last_year,
            &period_change(&last_year, admin, "2025", &clock),
        )
        .await
        .unwrap();
    let old = guidance("昨年のご案内");
    let set_last_year = period_change(&last_year, admin, "ご案内を設定", &clock);
    store
        .put_guidance(acme.id, honsha.id, year(2025), Some(&old), &set_last_year)
        .await
        .unwrap();
    let mut moved = not_opened.clone();
    moved.filing = DateRange::new(date!(2026 - 11 - 15), date!(2026 - 12 - 05)).unwrap();
    let moved_change = period_change(&moved, admin, "提出期間を延長", &clock);
    store
        .put_periods(acme.id, &moved, &moved_change)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_guidance(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        Some(instructions.clone()),
        "putting the periods again keeps the guidance, line break and all"
    );
    assert_eq!(
        store.list_guidance(acme.id, honsha.id).await.unwrap(),
        vec![
            (year(2026), instructions.clone()),
            (year(2025), old.clone())
        ],
        "newest year first"
    );
    assert_eq!(
        store
            .period_changes(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        vec![opened, set.clone(), moved_change],
        "the guidance's change is logged with the periods'"
    );

    let other = tenant_with_company(store, "other", &clock).await.0;
    assert_eq!(
        store
            .find_guidance(other.id, honsha.id, year(2026))
            .await
            .unwrap(),
        None,
        "another contract does not read it, even with the company's id"
    );
    assert!(
        store
            .list_guidance(other.id, honsha.id)
            .await
            .unwrap()
            .is_empty()
    );
    let intruding = period_change(&not_opened, admin, "ご案内を削除", &clock);
    assert!(
        !store
            .put_guidance(other.id, honsha.id, year(2026), None, &intruding)
            .await
            .unwrap(),
        "nor changes it"
    );

    let mismatched = period_change(&last_year, admin, "ご案内を削除", &clock);
    assert!(
        store
            .put_guidance(acme.id, honsha.id, year(2026), None, &mismatched)
            .await
            .is_err(),
        "a change of another year is refused"
    );
    let cleared = period_change(&not_opened, admin, "ご案内を削除", &clock);
    assert!(
        store
            .put_guidance(acme.id, honsha.id, year(2026), None, &cleared)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .find_guidance(acme.id, honsha.id, year(2026))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.list_guidance(acme.id, honsha.id).await.unwrap(),
        vec![(year(2025), old)]
    );
    assert_eq!(
        store
            .period_changes(acme.id, honsha.id, year(2026))
            .await
            .unwrap()
            .last(),
        Some(&cleared)
    );
}

pub async fn a_filing_round_trips_with_its_whole_declaration_history_and_mail(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    let mut full = filing(&taro, year(2026), FilingStatus::Submitted, &clock);
    full.document = full_declaration();
    full.proxy_entered = true;
    full.reopened = true;
    full.last_comment = Some("扶養親族を追加してください。".into());
    full.requested_at = Some(clock.now());
    full.submitted_at = Some(clock.now() + time::Duration::minutes(5));
    full.approved_at = Some(clock.now() + time::Duration::minutes(9));
    full.own_deadline = Some(date!(2026 - 12 - 07));
    let submitted = event(admin, FilingStatus::Draft, FilingStatus::Submitted, &clock);
    let changes = vec![
        change(admin, "spouse.name", None, Some("山田 花子"), &clock),
        change(admin, "taxpayer.widow", Some("はい"), None, &clock),
    ];
    let announcement = mail(&acme, &clock);
    let write = FilingWrite {
        filing: full.clone(),
        expected_version: 0,
        event: Some(submitted.clone()),
        changes: changes.clone(),
        mail: Some(announcement.clone()),
    };
    store.write_filings(acme.id, &[write]).await.unwrap();

    assert_eq!(
        store.find_filing(acme.id, full.id).await.unwrap(),
        Some(full.clone()),
        "every field and the whole declaration survive"
    );
    assert_eq!(
        store
            .find_filing_of(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(full.clone())
    );
    assert_eq!(
        store
            .find_filing_of(acme.id, taro.id, year(2025))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.filing_history(acme.id, full.id).await.unwrap(),
        FilingHistory {
            events: vec![submitted],
            changes,
        }
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap(),
        vec![announcement],
        "the mail is queued with the write"
    );
    // 個別の提出期限 changes, and is taken back, on later writes.
    let mut later = full.clone();
    later.version = full.version + 1;
    later.own_deadline = Some(date!(2026 - 12 - 14));
    let mut cleared = later.clone();
    cleared.version = later.version + 1;
    cleared.own_deadline = None;
    for (written, read) in [(&full, &later), (&later, &cleared)] {
        let write = FilingWrite {
            filing: read.clone(),
            expected_version: written.version,
            event: None,
            changes: Vec::new(),
            mail: None,
        };
        store.write_filings(acme.id, &[write]).await.unwrap();
        assert_eq!(
            store.find_filing(acme.id, full.id).await.unwrap().as_ref(),
            Some(read)
        );
    }
}

/// 担当者メモ are kept oldest first with who and when, on the tenant's own declarations only.
pub async fn staff_memos_are_kept_oldest_first_on_the_tenant_s_own_declarations(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    let submitted = filing(&taro, year(2026), FilingStatus::Submitted, &clock);
    let write = FilingWrite {
        filing: submitted.clone(),
        expected_version: 0,
        event: None,
        changes: Vec::new(),
        mail: None,
    };
    store.write_filings(acme.id, &[write]).await.unwrap();
    let memo = |text: &str| {
        clock.advance(time::Duration::minutes(1));
        StaffMemo {
            at: clock.now(),
            actor: admin,
            actor_name: "admin".into(),
            text: MemoText::parse(text).unwrap(),
        }
    };
    let first = memo("12/1 本人に電話。\n証明書は郵送予定");
    let second = memo("12/3 証明書到着");
    for written in [&first, &second] {
        assert!(
            store
                .add_memo(acme.id, submitted.id, written)
                .await
                .unwrap()
        );
    }
    assert_eq!(
        store.memos(acme.id, submitted.id).await.unwrap(),
        vec![first.clone(), second],
        "oldest first, every field"
    );
    assert!(
        !store
            .add_memo(acme.id, FilingId::generate(&clock), &first)
            .await
            .unwrap(),
        "no declaration, no memo"
    );
    let other = tenant_with_company(store, "other", &clock).await.0;
    assert!(
        !store
            .add_memo(other.id, submitted.id, &first)
            .await
            .unwrap(),
        "another contract cannot write on it"
    );
    assert!(
        store
            .memos(other.id, submitted.id)
            .await
            .unwrap()
            .is_empty(),
        "nor read it"
    );
    assert_eq!(store.memos(acme.id, submitted.id).await.unwrap().len(), 2);
}

pub async fn the_history_lists_events_and_changes_oldest_first(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    let mut current = filing(&taro, year(2026), FilingStatus::Requested, &clock);
    let mut expected = FilingHistory::default();
    for (index, (from, to)) in [
        (FilingStatus::NotRequested, FilingStatus::Requested),
        (FilingStatus::Requested, FilingStatus::Draft),
        (FilingStatus::Draft, FilingStatus::Draft),
    ]
    .into_iter()
    .enumerate()
    {
        let expected_version = i64::try_from(index).unwrap();
        let happened = event(admin, from, to, &clock);
        // Two changes of the same moment keep the order they were written in.
        let changed = vec![
            change(
                admin,
                &format!("relatives[{index}].name"),
                None,
                Some("二"),
                &clock,
            ),
            change(
                admin,
                &format!("relatives[{index}].kana"),
                Some("イチ"),
                None,
                &clock,
            ),
        ];
        current.status = to;
        current.version = expected_version + 1;
        let write = FilingWrite {
            filing: current.clone(),
            expected_version,
            event: Some(happened.clone()),
            changes: changed.clone(),
            mail: None,
        };
        store.write_filings(acme.id, &[write]).await.unwrap();
        expected.events.push(happened);
        expected.changes.extend(changed);
    }
    assert_eq!(
        store.filing_history(acme.id, current.id).await.unwrap(),
        expected
    );
    assert_eq!(
        store
            .find_filing(acme.id, current.id)
            .await
            .unwrap()
            .map(|found| found.version),
        Some(3)
    );
    let unknown = FilingId::generate(&clock);
    assert_eq!(
        store.filing_history(acme.id, unknown).await.unwrap(),
        FilingHistory::default()
    );
}

pub async fn a_filing_is_inserted_once_per_employee_and_year(store: &dyn Store) {
    let clock = clock();
    let (acme, _, honsha) = tenant_with_company(store, "acme", &clock).await;
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    let first = filing(&taro, year(2026), FilingStatus::Requested, &clock);
    insert(store, std::slice::from_ref(&first)).await;

    let again = store.write_filings(acme.id, &[bare(&first, 0)]).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let second = filing(&taro, year(2026), FilingStatus::Draft, &clock);
    let second_of_year = store.write_filings(acme.id, &[bare(&second, 0)]).await;
    assert!(
        matches!(second_of_year, Err(StoreError::Conflict(_))),
        "{second_of_year:?}"
    );
    assert_eq!(
        store
            .find_filing_of(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(first)
    );
    insert(
        store,
        &[filing(&taro, year(2027), FilingStatus::Draft, &clock)],
    )
    .await;
}

pub async fn a_stale_version_refuses_the_whole_batch(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        &clock,
    )
    .await;
    let hanako = employee(
        store,
        &honsha,
        "0002",
        ("鈴木", "花子", "スズキ", "ハナコ"),
        &clock,
    )
    .await;
    let first = filing(&taro, year(2026), FilingStatus::Requested, &clock);
    let second = filing(&hanako, year(2026), FilingStatus::Requested, &clock);
    insert(store, &[first.clone(), second.clone()]).await;

    let mut fresh = first.clone();
    fresh.status = FilingStatus::Submitted;
    fresh.version = 2;
    let fresh_write = FilingWrite {
        filing: fresh.clone(),
        expected_version: 1,
        event: Some(event(
            admin,
            FilingStatus::Requested,
            FilingStatus::Submitted,
            &clock,
        )),
        changes: vec![change(
            admin,
            "taxpayer.school",
            None,
            Some("夜間大学"),
            &clock,
        )],
        mail: Some(mail(&acme, &clock)),
    };
    let mut stale = second.clone();
    stale.status = FilingStatus::Draft;
    stale.version = 8;
    let outcome = store
        .write_filings(acme.id, &[fresh_write.clone(), bare(&stale, 7)])
        .await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "{outcome:?}"
    );
    assert_eq!(
        store.find_filing(acme.id, first.id).await.unwrap(),
        Some(first.clone()),
        "the batch's first write is not applied either"
    );
    assert_eq!(
        store.filing_history(acme.id, first.id).await.unwrap(),
        FilingHistory::default()
    );
    assert!(store.list_mail(acme.id, 10).await.unwrap().is_empty());
    assert_eq!(
        store.find_filing(acme.id, second.id).await.unwrap(),
        Some(second)
    );

    store
        .write_filings(acme.id, std::slice::from_ref(&fresh_write))
        .await
        .unwrap();
    assert_eq!(
        store.find_filing(acme.id, first.id).await.unwrap(),
        Some(fresh)
    );
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap().len(), 1);
    let replayed = store.write_filings(acme.id, &[bare(&first, 1)]).await;
    assert!(
        matches!(replayed, Err(StoreError::Conflict(_))),
        "version 1 was read before the write that made it 2: {replayed:?}"
    );
    let missing = filing(&taro, year(2025), FilingStatus::Draft, &clock);
    let unknown = store.write_filings(acme.id, &[bare(&missing, 1)]).await;
    assert!(
        matches!(unknown, Err(StoreError::Conflict(_))),
        "{unknown:?}"
    );
}
