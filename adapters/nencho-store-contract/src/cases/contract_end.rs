//! The contract's end (SVC-2, SVC-8): notice with its mails in one transaction, the worker's due
//! lists, and the purge that leaves nothing of a tenant in any tenant-owned table.

use nencho_filings::FilingStatus;
use nencho_identity::{
    CompanyRole, LoginAttempt, LoginOutcome, OneTimeToken, Role, RoleAssignment, SecretToken,
    Session, TokenPurpose,
};
use nencho_kernel::{Clock, EmailAddress, FixedClock, TenantId};
use nencho_ports::{FilingWrite, OutboxMessage, Store, TableRows};
use nencho_tenancy::{ContractStatus, IpAllowEntry, IpAllowList, Tenant};
use time::macros::date;

use super::filing_support::*;
use super::support::{clock, tenant, user};

fn notice_mail(tenant: &Tenant, to: &str, clock: &FixedClock) -> OutboxMessage {
    OutboxMessage::new(
        tenant.id,
        EmailAddress::parse(to).unwrap(),
        "【重要】サービス契約終了のお知らせ".into(),
        "本サービスのご契約は終了します。".into(),
        clock,
    )
}

pub async fn notice_of_the_end_is_saved_with_its_mails_and_withdrawn(store: &dyn Store) {
    let clock = clock();
    let mut acme = tenant("acme", "株式会社アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    store.insert_tenant(&acme).await.unwrap();
    store.insert_tenant(&beta).await.unwrap();

    acme.give_notice(date!(2027 - 03 - 31), clock.now())
        .unwrap();
    let mails = [
        notice_mail(&acme, "contact@acme.example", &clock),
        notice_mail(&acme, "admin@acme.example", &clock),
    ];
    store.save_contract_end(&acme, &mails).await.unwrap();
    let found = store.find_tenant(acme.id).await.unwrap().unwrap();
    assert_eq!(found, acme, "status and last day are stored");
    assert_eq!(found.ends_on, Some(date!(2027 - 03 - 31)));
    assert_eq!(
        store.find_tenant_by_slug(&acme.slug).await.unwrap(),
        Some(acme.clone())
    );
    let queued = store.list_mail(acme.id, 10).await.unwrap();
    assert_eq!(queued.len(), 2, "the notices are queued with the change");
    assert!(store.list_mail(beta.id, 10).await.unwrap().is_empty());
    assert_eq!(
        store.find_tenant(beta.id).await.unwrap().unwrap().status,
        ContractStatus::Active
    );

    acme.cancel_notice().unwrap();
    store.save_contract_end(&acme, &[]).await.unwrap();
    let found = store.find_tenant(acme.id).await.unwrap().unwrap();
    assert_eq!(found.status, ContractStatus::Active);
    assert_eq!(found.ends_on, None);

    // An unknown tenant: an error, and its mail is not queued either.
    let mut stranger = tenant("stranger", "ストレンジャー", &clock);
    stranger
        .give_notice(date!(2027 - 03 - 31), clock.now())
        .unwrap();
    let stray = notice_mail(&stranger, "contact@stranger.example", &clock);
    assert!(store.save_contract_end(&stranger, &[stray]).await.is_err());
    assert!(store.list_mail(stranger.id, 10).await.unwrap().is_empty());
}

pub async fn contracts_due_to_end_or_purge_are_listed_by_last_day(store: &dyn Store) {
    let clock = clock();
    let notice_at = clock.now();
    let mut ending = Vec::new();
    for (slug, last_day) in [
        ("march", date!(2027 - 03 - 31)),
        ("february", date!(2027 - 02 - 28)),
        ("april", date!(2027 - 04 - 30)),
    ] {
        let mut contract = tenant(slug, "契約", &clock);
        store.insert_tenant(&contract).await.unwrap();
        contract.give_notice(last_day, notice_at).unwrap();
        store.save_contract_end(&contract, &[]).await.unwrap();
        ending.push(contract);
    }
    let active = tenant("active", "継続", &clock);
    store.insert_tenant(&active).await.unwrap();

    let slugs = |tenants: Vec<Tenant>| {
        tenants
            .iter()
            .map(|tenant| tenant.slug.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        slugs(
            store
                .list_contracts_ending_by(ContractStatus::Ending, date!(2027 - 03 - 31))
                .await
                .unwrap()
        ),
        ["february", "march"],
        "by last day, the boundary included"
    );
    assert!(
        store
            .list_contracts_ending_by(ContractStatus::Ending, date!(2027 - 02 - 27))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_contracts_ending_by(ContractStatus::Ended, date!(2099 - 01 - 01))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .set_tenant_status(ending[1].id, ContractStatus::Ended)
        .await
        .unwrap();
    let ended = store
        .list_contracts_ending_by(ContractStatus::Ended, date!(2027 - 02 - 28))
        .await
        .unwrap();
    assert_eq!(slugs(ended.clone()), ["february"]);
    assert_eq!(ended[0].ends_on, Some(date!(2027 - 02 - 28)));

    store.purge_tenant(ending[1].id, clock.now()).await.unwrap();
    assert!(
        store
            .list_contracts_ending_by(ContractStatus::Ended, date!(2099 - 01 - 01))
            .await
            .unwrap()
            .is_empty(),
        "a purged contract is no longer due"
    );
    assert_eq!(
        slugs(
            store
                .list_contracts_ending_by(ContractStatus::Purged, date!(2099 - 01 - 01))
                .await
                .unwrap()
        ),
        ["february"]
    );
}

/// One row (at least) in every tenant-owned table, written through the store as the use cases
/// write them.
async fn fill_every_table(store: &dyn Store, slug: &str, clock: &FixedClock) -> Tenant {
    let (tenant, admin, honsha) = tenant_with_company(store, slug, clock).await;
    let now = clock.now();
    let clerk = user(&tenant, "clerk", Role::General, clock);
    store.insert_user(tenant.id, &clerk).await.unwrap();
    store
        .record_audit(&nencho_identity::AuditEntry {
            tenant_id: tenant.id,
            at: now,
            actor_id: admin,
            actor_login_id: "admin".into(),
            actor_name: "管理者".into(),
            action: nencho_identity::AuditAction::UserDisabled,
            target: "clerk".into(),
            detail: String::new(),
        })
        .await
        .unwrap();
    store
        .enable_second_factor(
            tenant.id,
            clerk.id,
            &nencho_identity::SecondFactor {
                secret: nencho_identity::SealedSecret::from_stored(vec![3; 57]),
                enabled_at: now,
                last_used_step: None,
            },
            &[nencho_identity::TokenHash::from_hex("ab".repeat(32))],
            None,
            None,
        )
        .await
        .unwrap();
    store
        .insert_session(&Session {
            token_hash: SecretToken::from_random_bytes([7; 16]).hash(),
            tenant_id: tenant.id,
            user_id: admin,
            created_at: now,
            last_seen_at: now,
            stage: nencho_identity::SessionStage::Complete,
        })
        .await
        .unwrap();
    let token = OneTimeToken::issue(
        &SecretToken::from_random_bytes([8; 16]),
        tenant.id,
        admin,
        TokenPurpose::PasswordReset,
        None,
        now,
    );
    store
        .issue_token(&token, &mail(&tenant, clock))
        .await
        .unwrap();
    store
        .record_login_attempt(&LoginAttempt {
            tenant_id: tenant.id,
            user_id: admin,
            at: now,
            ip_address: "203.0.113.7".into(),
            user_agent: "Mozilla/5.0".into(),
            outcome: LoginOutcome::Success,
        })
        .await
        .unwrap();
    store
        .assign_role(
            tenant.id,
            &RoleAssignment {
                user_id: clerk.id,
                company_id: honsha.id,
                role: CompanyRole::Clerk,
                departments: vec!["営業部".into()],
            },
        )
        .await
        .unwrap();
    let taro = employee(
        store,
        &honsha,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    store
        .insert_change_request(&super::change_requests::request(
            &taro,
            admin,
            "大阪府大阪市北区梅田1-1",
            clock,
        ))
        .await
        .unwrap();
    let periods = periods(&honsha, year(2026), true);
    let opened = period_change(&periods, admin, "開始", clock);
    store
        .put_periods(tenant.id, &periods, &opened)
        .await
        .unwrap();
    let mut declaration = filing(&taro, year(2026), FilingStatus::Submitted, clock);
    declaration.document = full_declaration();
    let write = FilingWrite {
        filing: declaration.clone(),
        expected_version: 0,
        event: Some(event(
            admin,
            FilingStatus::Draft,
            FilingStatus::Submitted,
            clock,
        )),
        changes: vec![change(admin, "taxpayer.widow", None, Some("はい"), clock)],
        mail: Some(mail(&tenant, clock)),
    };
    store.write_filings(tenant.id, &[write]).await.unwrap();
    let memo = nencho_filings::StaffMemo {
        at: clock.now(),
        actor: admin,
        actor_name: "admin".into(),
        text: nencho_filings::MemoText::parse("本人に電話済み").unwrap(),
    };
    assert!(
        store
            .add_memo(tenant.id, declaration.id, &memo)
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_own_reminder(
                tenant.id,
                declaration.id,
                time::macros::date!(2026 - 12 - 04),
                clock.now(),
                &[]
            )
            .await
            .unwrap()
    );
    let document = super::attachments::attachment(
        &declaration,
        nencho_filings::AttachmentKind::LifeInsurance,
        "生命保険料控除証明書.png",
        nencho_filings::AttachmentFormat::Png,
        super::attachments::TINY_PNG,
        admin,
        clock,
    );
    store
        .insert_attachment(
            tenant.id,
            &document,
            super::attachments::TINY_PNG,
            &super::attachments::line(&document, true),
        )
        .await
        .unwrap();
    let certificate = nencho_filings::expected_attachments(&declaration.document).remove(0);
    store
        .write_original_receipt(
            tenant.id,
            &super::originals::receipt_write(
                &declaration,
                &certificate.original_key(),
                Some(nencho_filings::OriginalMethod::Paper),
                admin,
                clock,
            ),
        )
        .await
        .unwrap();
    store
        .set_slip_consent(
            tenant.id,
            taro.id,
            Some(&nencho_filings::SlipConsent::online(now)),
        )
        .await
        .unwrap();
    store
        .issue_slips(
            tenant.id,
            &[super::slips::issued(
                &taro,
                year(2026),
                10_000,
                admin,
                clock,
            )],
            &[mail(&tenant, clock)],
        )
        .await
        .unwrap();
    // Corrected once: the first slip is kept as replaced (訂正前).
    store
        .issue_slips(
            tenant.id,
            &[super::slips::issued(
                &taro,
                year(2026),
                11_000,
                admin,
                clock,
            )],
            &[],
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_reminder(
                tenant.id,
                honsha.id,
                year(2026),
                date!(2026 - 11 - 23),
                now,
                &[mail(&tenant, clock)],
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_review_digest(
                tenant.id,
                date!(2026 - 11 - 26),
                year(2026),
                now,
                &[mail(&tenant, clock)],
            )
            .await
            .unwrap()
    );
    store
        .set_review_digest(tenant.id, admin, false, now)
        .await
        .unwrap();
    store
        .replace_ip_allow_list(
            tenant.id,
            &IpAllowList::new(vec![IpAllowEntry::parse("203.0.113.0/24", "本社").unwrap()])
                .unwrap(),
        )
        .await
        .unwrap();
    store
        .record_access(&[nencho_ports::AccessRecord {
            user_id: Some(admin),
            ..super::access_log::access(tenant.id, now, "/")
        }])
        .await
        .unwrap();
    tenant
}

fn rows_of(counts: &[TableRows]) -> Vec<(String, u64)> {
    counts
        .iter()
        .map(|count| (count.table.clone(), count.rows))
        .collect()
}

/// SVC-8. The table list comes from the schema's catalogue: a new tenant-owned table the purge
/// does not know makes both the count and the purge refuse, and one this fixture does not fill
/// fails the "every table has rows" check below — either way this test fails until the new
/// table is purged and covered here.
pub async fn purging_a_tenant_deletes_every_row_of_it_in_every_table_and_nothing_else(
    store: &dyn Store,
) {
    let clock = clock();
    let acme = fill_every_table(store, "acme", &clock).await;
    let beta = fill_every_table(store, "beta", &clock).await;
    let acme_before = store.count_tenant_rows(acme.id).await.unwrap();
    let beta_before = store.count_tenant_rows(beta.id).await.unwrap();
    let empty: Vec<&str> = acme_before
        .iter()
        .filter(|count| count.rows == 0)
        .map(|count| count.table.as_str())
        .collect();
    assert!(
        empty.is_empty(),
        "the fixture must put rows in every tenant-owned table; empty: {empty:?}"
    );
    assert!(
        acme_before.len() >= 19,
        "the catalogue lists every tenant table: {acme_before:?}"
    );

    assert!(
        store.purge_tenant(acme.id, clock.now()).await.is_err(),
        "an active contract is never purged"
    );
    assert_eq!(
        rows_of(&store.count_tenant_rows(acme.id).await.unwrap()),
        rows_of(&acme_before)
    );
    assert!(
        store
            .purge_tenant(TenantId::generate(&clock), clock.now())
            .await
            .is_err(),
        "an unknown tenant is an error"
    );

    store
        .set_tenant_status(acme.id, ContractStatus::Ended)
        .await
        .unwrap();
    let deleted = store.purge_tenant(acme.id, clock.now()).await.unwrap();
    assert_eq!(
        rows_of(&deleted),
        rows_of(&acme_before),
        "the report names every table and what it deleted there"
    );
    for table in ["slip_consents", "withholding_slips"] {
        assert!(
            acme_before
                .iter()
                .any(|count| count.table == table && count.rows == 1),
            "{table} is counted and purged: {acme_before:?}"
        );
    }
    let after = store.count_tenant_rows(acme.id).await.unwrap();
    assert_eq!(after.len(), acme_before.len());
    assert!(
        after.iter().all(|count| count.rows == 0),
        "nothing of the tenant is left: {after:?}"
    );
    assert_eq!(
        rows_of(&store.count_tenant_rows(beta.id).await.unwrap()),
        rows_of(&beta_before),
        "another tenant is untouched"
    );
    assert!(
        !store.list_companies(beta.id).await.unwrap().is_empty()
            && !store.list_users(beta.id).await.unwrap().is_empty()
    );
    assert!(
        store
            .attachments_after(acme.id, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "the documents attached to the declarations are gone with them"
    );
    assert_eq!(
        store
            .attachments_after(beta.id, None, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    assert!(
        store
            .issued_slips_after(acme.id, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "the slips issued to the employees are gone with them"
    );
    assert_eq!(
        store
            .issued_slips_after(beta.id, None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let beta_employees = store
        .issued_slips_after(beta.id, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|slip| slip.employee_id);
    for employee_id in beta_employees {
        assert!(
            store
                .slip_consent(beta.id, employee_id)
                .await
                .unwrap()
                .is_some(),
            "another tenant's consent is kept"
        );
    }

    // The tombstone: found by id and listed as purged, no site, the slug still taken.
    let tombstone = store.find_tenant(acme.id).await.unwrap().unwrap();
    assert_eq!(tombstone.status, ContractStatus::Purged);
    assert_eq!(store.find_tenant_by_slug(&acme.slug).await.unwrap(), None);
    assert!(
        store
            .list_tenants()
            .await
            .unwrap()
            .iter()
            .any(|tenant| tenant.id == acme.id && tenant.status == ContractStatus::Purged)
    );
    let again = tenant("acme", "別の会社", &clock);
    assert!(
        store.insert_tenant(&again).await.is_err(),
        "a purged contract's slug is not handed to another customer"
    );
    assert!(
        store
            .set_tenant_status(acme.id, ContractStatus::Active)
            .await
            .is_err(),
        "a purged contract does not come back"
    );

    // Repeating the purge deletes nothing more.
    let repeated = store.purge_tenant(acme.id, clock.now()).await.unwrap();
    assert!(repeated.iter().all(|count| count.rows == 0));
    assert_eq!(
        store.find_tenant(acme.id).await.unwrap().unwrap().status,
        ContractStatus::Purged
    );
}
