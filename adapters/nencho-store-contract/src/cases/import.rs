//! The CSV import's apply with user IDs and invitations (`EmployeeStore::apply_import`, and its
//! chunked form `EmployeeStore::begin_import`): one transaction for employees, users, invitation
//! tokens, their mails and disabled IDs, however many chunks it is written in.

use nencho_identity::{
    DisplayName, LoginId, OneTimeToken, PasswordHash, PasswordState, Role, SecretToken, Session,
    TokenPurpose, User, UserStatus,
};
use nencho_kernel::{Clock, CompanyId, EmailAddress, EmployeeId, FixedClock, UserId};
use nencho_ports::{ImportWrite, OutboxMessage, Store, StoreError};
use nencho_tenancy::{
    Company, CompanyName, Employee, EmployeeNumber, EmploymentType, PersonName, Tenant,
};
use time::macros::date;

use super::support::{clock, tenant, user};

async fn tenant_with_company(
    store: &dyn Store,
    slug: &str,
    clock: &FixedClock,
) -> (Tenant, Company) {
    let tenant = tenant(slug, "株式会社テスト", clock);
    store
        .open_tenant(&tenant, &user(&tenant, "admin", Role::Admin, clock))
        .await
        .unwrap();
    let company = Company::register(tenant.id, CompanyName::parse("本社").unwrap(), clock);
    store.insert_company(tenant.id, &company).await.unwrap();
    (tenant, company)
}

/// A new employee's ID as the import creates it: general, active, no password yet.
fn new_user(tenant: &Tenant, login_id: &str, email: Option<&str>, clock: &FixedClock) -> User {
    clock.advance(time::Duration::milliseconds(1));
    User {
        id: UserId::generate(clock),
        tenant_id: tenant.id,
        login_id: LoginId::parse(login_id).unwrap(),
        display_name: DisplayName::parse("山田 太郎").unwrap(),
        email: email.map(|text| EmailAddress::parse(text).unwrap()),
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: clock.now(),
    }
}

fn employee(company: &Company, number: &str, user: Option<&User>, clock: &FixedClock) -> Employee {
    clock.advance(time::Duration::milliseconds(1));
    Employee {
        id: EmployeeId::generate(clock),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: EmployeeNumber::parse(number).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: "太郎".into(),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: date!(1990 - 04 - 01),
        postal_code: None,
        address: "東京都千代田区千代田1-1".into(),
        email: user.and_then(|user| user.email.clone()),
        department: None,
        employment_type: EmploymentType::Regular,
        hire_date: None,
        leave_date: None,
        user_id: user.map(|user| user.id),
        updated_at: clock.now(),
    }
}

fn invitation(
    user: &User,
    byte: u8,
    clock: &FixedClock,
) -> (SecretToken, OneTimeToken, OutboxMessage) {
    let secret = SecretToken::from_random_bytes([byte; 16]);
    let token = OneTimeToken::issue(
        &secret,
        user.tenant_id,
        user.id,
        TokenPurpose::Invitation,
        None,
        clock.now(),
    );
    let mail = OutboxMessage::new(
        user.tenant_id,
        user.email.clone().unwrap(),
        "【nencho】ご招待".into(),
        format!("https://acme.example/invitation/{}", secret.expose()),
        clock,
    );
    (secret, token, mail)
}

/// An employee who has left, with an ID and a live session, for the import to disable.
async fn leaver(
    store: &dyn Store,
    tenant: &Tenant,
    company: &Company,
    clock: &FixedClock,
) -> (User, Employee, Session) {
    let user = new_user(tenant, "leaver", None, clock);
    store.insert_user(tenant.id, &user).await.unwrap();
    let existing = employee(company, "L0001", Some(&user), clock);
    store.insert_employee(tenant.id, &existing).await.unwrap();
    let session = Session {
        token_hash: SecretToken::from_random_bytes([0xee; 16]).hash(),
        tenant_id: tenant.id,
        user_id: user.id,
        created_at: clock.now(),
        last_seen_at: clock.now(),
        stage: nencho_identity::SessionStage::Complete,
    };
    store.insert_session(&session).await.unwrap();
    let mut left = existing.clone();
    left.leave_date = Some(date!(2026 - 10 - 31));
    (user, left, session)
}

pub async fn an_import_writes_employees_ids_invitations_and_mails_together(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let (other, _) = tenant_with_company(store, "other", &clock).await;
    let (gone, left, session) = leaver(store, &acme, &company, &clock).await;

    let hanako = new_user(&acme, "00001", Some("hanako@acme.example"), &clock);
    let jiro = new_user(&acme, "00002", None, &clock);
    let (secret, token, mail) = invitation(&hanako, 1, &clock);
    let write = ImportWrite {
        inserts: vec![
            employee(&company, "00001", Some(&hanako), &clock),
            employee(&company, "00002", Some(&jiro), &clock),
        ],
        updates: vec![left.clone()],
        new_users: vec![hanako.clone(), jiro.clone()],
        invitations: vec![(token.clone(), mail.clone())],
        disable_users: vec![gone.id],
    };
    store
        .apply_import(acme.id, company.id, &write)
        .await
        .unwrap();

    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 3);
    for user in [&hanako, &jiro] {
        assert_eq!(
            store.find_user(acme.id, user.id).await.unwrap().as_ref(),
            Some(user)
        );
        let linked = store
            .find_employee_by_user(acme.id, user.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(linked.user_id, Some(user.id));
    }
    assert_eq!(
        store.find_token(acme.id, &secret.hash()).await.unwrap(),
        Some(token.clone()),
        "only the hash is stored, and found by it"
    );
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap(), vec![mail]);
    let disabled = store.find_user(acme.id, gone.id).await.unwrap().unwrap();
    assert_eq!(disabled.status, UserStatus::Disabled);
    assert_eq!(
        store
            .find_session(acme.id, &session.token_hash)
            .await
            .unwrap(),
        None,
        "disabling ends the sessions"
    );
    assert_eq!(
        store
            .find_employee(acme.id, left.id)
            .await
            .unwrap()
            .unwrap()
            .leave_date,
        left.leave_date
    );

    // Another tenant sees nothing of it.
    assert!(store.list_mail(other.id, 10).await.unwrap().is_empty());
    assert_eq!(
        store.find_token(other.id, &secret.hash()).await.unwrap(),
        None
    );
    assert_eq!(store.find_user(other.id, hanako.id).await.unwrap(), None);
    assert_eq!(
        store
            .find_user_by_login_id(other.id, &hanako.login_id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_employee_by_user(other.id, hanako.id)
            .await
            .unwrap(),
        None
    );
}

pub async fn an_import_with_a_taken_login_id_writes_nothing(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let (gone, left, session) = leaver(store, &acme, &company, &clock).await;
    // The same employee number in another company of the tenant already is a login ID.
    let holder = new_user(&acme, "00002", None, &clock);
    store.insert_user(acme.id, &holder).await.unwrap();

    let hanako = new_user(&acme, "00001", Some("hanako@acme.example"), &clock);
    let clash = new_user(&acme, "00002", Some("jiro@acme.example"), &clock);
    let (first, first_token, first_mail) = invitation(&hanako, 1, &clock);
    let (second, second_token, second_mail) = invitation(&clash, 2, &clock);
    let write = ImportWrite {
        inserts: vec![
            employee(&company, "00001", Some(&hanako), &clock),
            employee(&company, "00002", Some(&clash), &clock),
        ],
        updates: vec![left.clone()],
        new_users: vec![hanako.clone(), clash.clone()],
        invitations: vec![(first_token, first_mail), (second_token, second_mail)],
        disable_users: vec![gone.id],
    };
    let refused = store.apply_import(acme.id, company.id, &write).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "a taken login ID is a conflict: {refused:?}"
    );

    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 1);
    assert_eq!(store.find_user(acme.id, hanako.id).await.unwrap(), None);
    assert_eq!(
        store.find_token(acme.id, &first.hash()).await.unwrap(),
        None
    );
    assert_eq!(
        store.find_token(acme.id, &second.hash()).await.unwrap(),
        None
    );
    assert!(store.list_mail(acme.id, 10).await.unwrap().is_empty());
    assert_eq!(
        store
            .find_user(acme.id, gone.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        UserStatus::Active
    );
    assert!(
        store
            .find_session(acme.id, &session.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .find_employee(acme.id, left.id)
            .await
            .unwrap()
            .unwrap()
            .leave_date,
        None
    );
}

pub async fn an_import_of_another_tenant_or_company_is_refused(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let (other, _) = tenant_with_company(store, "other", &clock).await;
    let stranger = new_user(&other, "00001", Some("x@other.example"), &clock);
    let (_, token, mail) = invitation(&stranger, 3, &clock);
    let write = ImportWrite {
        new_users: vec![stranger],
        invitations: vec![(token, mail)],
        ..ImportWrite::default()
    };
    assert!(
        store
            .apply_import(acme.id, company.id, &write)
            .await
            .is_err()
    );
    assert!(store.list_mail(other.id, 10).await.unwrap().is_empty());
    assert!(store.list_mail(acme.id, 10).await.unwrap().is_empty());

    let elsewhere = CompanyId::generate(&clock);
    let write = ImportWrite {
        inserts: vec![employee(&company, "00009", None, &clock)],
        ..ImportWrite::default()
    };
    assert!(
        store
            .apply_import(acme.id, elsewhere, &write)
            .await
            .is_err()
    );
    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 0);
}

pub async fn an_invitation_sets_the_first_password_once(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let hanako = new_user(&acme, "00001", Some("hanako@acme.example"), &clock);
    let (secret, token, mail) = invitation(&hanako, 4, &clock);
    let write = ImportWrite {
        inserts: vec![employee(&company, "00001", Some(&hanako), &clock)],
        new_users: vec![hanako.clone()],
        invitations: vec![(token.clone(), mail)],
        ..ImportWrite::default()
    };
    store
        .apply_import(acme.id, company.id, &write)
        .await
        .unwrap();

    let chosen = PasswordState::Chosen(PasswordHash::from_phc(
        "$pbkdf2-sha256$i=600000,l=32$bmV3$bmV3",
    ));
    store
        .redeem_invitation(&token, clock.now(), &chosen)
        .await
        .unwrap();
    let user = store.find_user(acme.id, hanako.id).await.unwrap().unwrap();
    assert_eq!(user.password, chosen);
    let used = store
        .find_token(acme.id, &secret.hash())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.used_at, Some(clock.now()));

    let again = store
        .redeem_invitation(&token, clock.now(), &PasswordState::NotSet)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    assert_eq!(
        store
            .find_user(acme.id, hanako.id)
            .await
            .unwrap()
            .unwrap()
            .password,
        chosen,
        "a used link changes nothing"
    );
}

/// One chunk of an import: `count` new employees numbered from `first`, each with an ID and an
/// invitation; returns the chunk and the IDs.
fn chunk(
    tenant: &Tenant,
    company: &Company,
    first: usize,
    count: usize,
    clock: &FixedClock,
) -> (ImportWrite, Vec<User>) {
    let mut write = ImportWrite::default();
    let mut users = Vec::new();
    for n in first..first + count {
        let number = format!("{n:05}");
        let user = new_user(tenant, &number, Some(&format!("e{n}@acme.example")), clock);
        let (_, token, mail) = invitation(&user, u8::try_from(n % 251).unwrap(), clock);
        write
            .inserts
            .push(employee(company, &number, Some(&user), clock));
        write.invitations.push((token, mail));
        write.new_users.push(user.clone());
        users.push(user);
    }
    (write, users)
}

pub async fn import_chunks_dropped_without_commit_leave_nothing(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let (first, first_users) = chunk(&acme, &company, 1, 3, &clock);
    let (second, second_users) = chunk(&acme, &company, 4, 3, &clock);
    let mut transaction = store.begin_import(acme.id, company.id).await.unwrap();
    transaction.write(&first).await.unwrap();
    transaction.write(&second).await.unwrap();
    drop(transaction);

    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 0);
    for user in first_users.iter().chain(&second_users) {
        assert_eq!(store.find_user(acme.id, user.id).await.unwrap(), None);
    }
    assert!(store.list_mail(acme.id, 10).await.unwrap().is_empty());
    // The store is usable afterwards: the same import committed is all there.
    store
        .apply_import(acme.id, company.id, &first)
        .await
        .unwrap();
    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 3);
}

pub async fn import_chunks_committed_are_all_there_and_invisible_before(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let (first, first_users) = chunk(&acme, &company, 1, 3, &clock);
    let (second, second_users) = chunk(&acme, &company, 4, 2, &clock);
    let (gone, left, session) = leaver(store, &acme, &company, &clock).await;
    let third = ImportWrite {
        updates: vec![left.clone()],
        disable_users: vec![gone.id],
        ..ImportWrite::default()
    };
    let mut transaction = store.begin_import(acme.id, company.id).await.unwrap();
    transaction.write(&first).await.unwrap();
    transaction.write(&second).await.unwrap();
    transaction.write(&third).await.unwrap();
    assert_eq!(
        store.find_user(acme.id, first_users[0].id).await.unwrap(),
        None,
        "nothing is visible before the commit"
    );
    transaction.commit().await.unwrap();

    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 6);
    for user in first_users.iter().chain(&second_users) {
        assert_eq!(
            store.find_user(acme.id, user.id).await.unwrap().as_ref(),
            Some(user)
        );
        assert!(
            store
                .find_employee_by_user(acme.id, user.id)
                .await
                .unwrap()
                .is_some()
        );
    }
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap().len(), 5);
    assert_eq!(
        store
            .find_user(acme.id, gone.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        UserStatus::Disabled
    );
    assert_eq!(
        store
            .find_session(acme.id, &session.token_hash)
            .await
            .unwrap(),
        None
    );
}

pub async fn a_conflict_in_the_second_import_chunk_leaves_nothing_of_the_first(store: &dyn Store) {
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    // The login ID of the second chunk's first employee is already taken in the tenant.
    let holder = new_user(&acme, "00004", None, &clock);
    store.insert_user(acme.id, &holder).await.unwrap();
    let (first, first_users) = chunk(&acme, &company, 1, 3, &clock);
    let (second, _) = chunk(&acme, &company, 4, 3, &clock);
    let mut transaction = store.begin_import(acme.id, company.id).await.unwrap();
    transaction.write(&first).await.unwrap();
    let refused = transaction.write(&second).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "a taken login ID is a conflict: {refused:?}"
    );
    assert!(
        transaction.commit().await.is_err(),
        "a failed import cannot be committed"
    );

    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 0);
    for user in &first_users {
        assert_eq!(store.find_user(acme.id, user.id).await.unwrap(), None);
    }
    assert!(store.list_mail(acme.id, 10).await.unwrap().is_empty());
    assert_eq!(
        store.find_user(acme.id, holder.id).await.unwrap(),
        Some(holder)
    );
}

/// The import's 操作ログ line is written in its transaction: dropped with it, committed with it,
/// and never for another tenant.
pub async fn an_imports_audit_line_stands_or_falls_with_the_import(store: &dyn Store) {
    use nencho_identity::{AuditAction, AuditEntry};
    let clock = clock();
    let (acme, company) = tenant_with_company(store, "acme", &clock).await;
    let (beta, _) = tenant_with_company(store, "beta", &clock).await;
    let admin = store
        .find_user_by_login_id(acme.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap();
    let entry = |tenant_id| AuditEntry {
        tenant_id,
        at: clock.now(),
        actor_id: admin.id,
        actor_login_id: "admin".into(),
        actor_name: "管理者".into(),
        action: AuditAction::EmployeesImported,
        target: "本社".into(),
        detail: "新規 3件".into(),
    };
    let logged = || async {
        store
            .audit_records(acme.id, Some(AuditAction::EmployeesImported), None, 10)
            .await
            .unwrap()
            .len()
    };

    let (first, _) = chunk(&acme, &company, 1, 3, &clock);
    let mut transaction = store.begin_import(acme.id, company.id).await.unwrap();
    transaction.write(&first).await.unwrap();
    transaction.record_audit(&entry(acme.id)).await.unwrap();
    drop(transaction);
    assert_eq!(logged().await, 0, "an import rolled back leaves no line");

    let mut transaction = store.begin_import(acme.id, company.id).await.unwrap();
    assert!(
        transaction.record_audit(&entry(beta.id)).await.is_err(),
        "another tenant's line is refused"
    );
    transaction.write(&first).await.unwrap();
    transaction.record_audit(&entry(acme.id)).await.unwrap();
    transaction.commit().await.unwrap();
    assert_eq!(logged().await, 1);
    assert_eq!(store.count_employees(acme.id, company.id).await.unwrap(), 3);
}
