//! The employee import use case: preview by (company, employee number), atomic and idempotent
//! apply, ids and linked user IDs kept on update, only administrators.

use nencho_app::AppError;
use nencho_app::change_requests::decide_change;
use nencho_app::import::{
    AppliedChanges, IMPORT_CHUNK, ImportChoices, ImportedEmployee, LoginIdProblem, RowsInMemory,
    apply_import, apply_import_streamed, preview_import, preview_import_streamed,
};
use nencho_app::password::{accept_invitation, check_invitation, check_reset_link};
use nencho_app::sign_in::login;
use nencho_identity::{LoginId, PasswordState, Role, UserStatus};
use nencho_kernel::{ChangeRequestId, Clock, CompanyId, EmailAddress};
use nencho_ports::{ChangeRequestStore, CompanyStore, EmployeeStore, OutboxStore, UserStore};
use nencho_tenancy::{
    ChangeRequest, ChangeStatus, Company, CompanyName, EmployeeNumber, EmploymentType,
    LoginIdScheme, MasterChange, PersonName, PostalCode,
};
use time::macros::date;

use crate::support::{acme, link_mailed_to, logged_in, request, world};

fn row(number: usize, department: &str) -> ImportedEmployee {
    ImportedEmployee {
        row: number as u64 + 1,
        number: EmployeeNumber::parse(&format!("{number:05}")).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: "太郎".into(),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: date!(1990 - 04 - 01),
        postal_code: PostalCode::parse("100-0005").unwrap(),
        address: "東京都千代田区丸の内1-1-1".into(),
        email: None,
        department: Some(department.into()),
        employment_type: EmploymentType::Regular,
        hire_date: Some(date!(2015 - 04 - 01)),
        leave_date: None,
    }
}

#[tokio::test]
async fn the_preview_counts_new_updated_and_unchanged_and_the_apply_is_idempotent() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = Company::register(
        tenant,
        CompanyName::parse("株式会社エー").unwrap(),
        world.clock.as_ref(),
    );
    world.store.insert_company(tenant, &company).await.unwrap();

    // More than one page of the store (5,000) so that matching reads every page.
    let rows: Vec<ImportedEmployee> = (1..=5_003).map(|n| row(n, "総務部")).collect();
    let preview = preview_import(&world.context, &admin, company.id, rows.clone())
        .await
        .unwrap();
    assert_eq!(
        (preview.new.len(), preview.updated.len(), preview.unchanged),
        (5_003, 0, 0)
    );
    assert_eq!(
        world
            .store
            .count_employees(tenant, company.id)
            .await
            .unwrap(),
        0,
        "a preview writes nothing"
    );

    let outcome = apply_import(&world.context, &admin, company.id, rows.clone())
        .await
        .unwrap();
    assert_eq!(
        (outcome.inserted, outcome.updated, outcome.unchanged),
        (5_003, 0, 0)
    );
    assert_eq!(
        world
            .store
            .count_employees(tenant, company.id)
            .await
            .unwrap(),
        5_003
    );

    let again = apply_import(&world.context, &admin, company.id, rows.clone())
        .await
        .unwrap();
    assert_eq!(
        (again.inserted, again.updated, again.unchanged),
        (0, 0, 5_003)
    );

    // The last employee (on the second page of the store) moves department: an update that
    // keeps the id and the linked user ID.
    let number = EmployeeNumber::parse("05003").unwrap();
    let before = world
        .store
        .find_employee_by_number(tenant, company.id, &number)
        .await
        .unwrap()
        .unwrap();
    let mut linked = before.clone();
    linked.user_id = Some(admin.user.id);
    world.store.update_employee(tenant, &linked).await.unwrap();
    world.clock.advance(time::Duration::minutes(5));
    let mut changed = rows;
    changed[5_002].department = Some("営業部".into());
    let preview = preview_import(&world.context, &admin, company.id, changed.clone())
        .await
        .unwrap();
    assert_eq!(
        (preview.new.len(), preview.updated.len(), preview.unchanged),
        (0, 1, 5_002)
    );
    apply_import(&world.context, &admin, company.id, changed)
        .await
        .unwrap();
    let after = world
        .store
        .find_employee_by_number(tenant, company.id, &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.user_id, Some(admin.user.id));
    assert_eq!(after.department.as_deref(), Some("営業部"));
    assert_eq!(after.updated_at, world.clock.now());
}

#[tokio::test]
async fn an_unknown_company_and_duplicate_numbers_are_refused() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let nowhere = CompanyId::generate(world.clock.as_ref());
    assert!(matches!(
        preview_import(&world.context, &admin, nowhere, vec![row(1, "総務部")]).await,
        Err(AppError::NotFound)
    ));
    let company = Company::register(
        notice.tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        world.clock.as_ref(),
    );
    world
        .store
        .insert_company(notice.tenant.id, &company)
        .await
        .unwrap();
    assert!(matches!(
        apply_import(
            &world.context,
            &admin,
            company.id,
            vec![row(1, "総務部"), row(1, "営業部")]
        )
        .await,
        Err(AppError::Invalid { .. })
    ));
}

async fn company_with_scheme(
    world: &crate::support::World,
    tenant: nencho_kernel::TenantId,
    name: &str,
    scheme: LoginIdScheme,
) -> Company {
    let mut company = Company::register(
        tenant,
        CompanyName::parse(name).unwrap(),
        world.clock.as_ref(),
    );
    company.profile.login_id_scheme = scheme;
    world.store.insert_company(tenant, &company).await.unwrap();
    company
}

fn with_email(mut imported: ImportedEmployee, email: &str) -> ImportedEmployee {
    imported.email = Some(EmailAddress::parse(email).unwrap());
    imported
}

const CHOSEN: &str = "kumo no ue ni sora ga hiroi 2026";

#[tokio::test]
async fn new_employees_get_ids_and_invitations_without_any_password_hashing() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_with_scheme(
        &world,
        tenant,
        "株式会社エー",
        LoginIdScheme::EmployeeNumber,
    )
    .await;
    let rows = vec![
        with_email(row(1, "総務部"), "hanako@acme.example"),
        with_email(row(2, "総務部"), "jiro@acme.example"),
        row(3, "営業部"),
    ];
    let preview = preview_import(&world.context, &admin, company.id, rows.clone())
        .await
        .unwrap();
    assert_eq!((preview.new_users.len(), preview.invitations()), (3, 2));
    assert!(world.store.list_mail(tenant, 10).await.unwrap().is_empty());

    let outcome = apply_import(&world.context, &admin, company.id, rows.clone())
        .await
        .unwrap();
    assert_eq!(
        (
            outcome.inserted,
            outcome.users_created,
            outcome.invitations_queued
        ),
        (3, 3, 2)
    );
    assert_eq!(
        outcome.without_email,
        vec![LoginId::parse("00003").unwrap()]
    );

    let users = world.store.list_users(tenant).await.unwrap();
    let login_ids: Vec<&str> = users.iter().map(|user| user.login_id.as_str()).collect();
    assert_eq!(login_ids, ["00001", "00002", "00003", "admin"]);
    for user in users.iter().filter(|user| user.role == Role::General) {
        assert_eq!(user.status, UserStatus::Active);
        assert_eq!(user.password, PasswordState::NotSet, "no PBKDF2 per row");
        assert_eq!(user.display_name.as_str(), "山田 太郎");
        let employee = world
            .store
            .find_employee_by_user(tenant, user.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(employee.number.as_str(), user.login_id.as_str());
        assert_eq!(employee.email, user.email);
    }
    let hashed = users
        .iter()
        .filter(|user| user.password.hash().is_some())
        .count();
    assert_eq!(hashed, 1, "only the ADMIN has a password hash");
    let mail = world.store.list_mail(tenant, 10).await.unwrap();
    assert_eq!(mail.len(), 2);
    assert!(mail.iter().all(|m| m.body.contains("/invitation/")
        && m.body.contains("http://acme.localhost:8080/invitation/")));

    // The same file again: nothing new, no second invitation.
    let again = apply_import(&world.context, &admin, company.id, rows)
        .await
        .unwrap();
    assert_eq!((again.users_created, again.invitations_queued), (0, 0));
    assert_eq!(world.store.list_mail(tenant, 10).await.unwrap().len(), 2);

    // Hanako follows her link, sets a password (hashed once, now) and logs in; the link works once.
    let token = link_mailed_to(&world, &notice, "hanako@acme.example", "/invitation/").await;
    let (_, invited) = check_invitation(&world.context, &notice.tenant, &token)
        .await
        .unwrap();
    assert_eq!(invited.login_id.as_str(), "00001");
    assert!(matches!(
        accept_invitation(&world.context, &notice.tenant, &token, "short", "short").await,
        Err(AppError::PasswordRejected(_))
    ));
    accept_invitation(&world.context, &notice.tenant, &token, CHOSEN, CHOSEN)
        .await
        .unwrap();
    let (_, hanako) = logged_in(&world, &notice, "00001", CHOSEN).await;
    assert_eq!(hanako.user.role, Role::General);
    assert!(!hanako.must_change_password());
    assert!(matches!(
        accept_invitation(&world.context, &notice.tenant, &token, CHOSEN, CHOSEN).await,
        Err(AppError::InvalidLink)
    ));
    // An invitation is no reset link, and expires after 7 days.
    let jiro = link_mailed_to(&world, &notice, "jiro@acme.example", "/invitation/").await;
    assert!(matches!(
        check_reset_link(&world.context, &notice.tenant, &jiro).await,
        Err(AppError::InvalidLink)
    ));
    world.clock.advance(time::Duration::days(7));
    assert!(matches!(
        accept_invitation(&world.context, &notice.tenant, &jiro, CHOSEN, CHOSEN).await,
        Err(AppError::InvalidLink)
    ));
}

#[tokio::test]
async fn under_the_email_scheme_a_row_without_address_is_refused_and_nothing_is_written() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_with_scheme(&world, tenant, "株式会社エー", LoginIdScheme::Email).await;
    let rows = vec![
        with_email(row(1, "総務部"), "hanako@acme.example"),
        row(2, "総務部"),
    ];
    let refused = preview_import(&world.context, &admin, company.id, rows.clone()).await;
    let Err(AppError::ImportRows(errors)) = refused else {
        panic!("refused in the preview: {refused:?}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].row, 3, "the row of the file is named");
    assert_eq!(errors[0].problem, LoginIdProblem::NoEmail);
    assert!(matches!(
        apply_import(&world.context, &admin, company.id, rows.clone()).await,
        Err(AppError::ImportRows(_))
    ));
    assert_eq!(
        world
            .store
            .count_employees(tenant, company.id)
            .await
            .unwrap(),
        0
    );
    assert_eq!(world.store.list_users(tenant).await.unwrap().len(), 1);
    assert!(world.store.list_mail(tenant, 10).await.unwrap().is_empty());

    // With the address, the e-mail address is the login ID.
    let fixed = vec![
        rows[0].clone(),
        with_email(row(2, "総務部"), "Jiro@Acme.example"),
    ];
    apply_import(&world.context, &admin, company.id, fixed)
        .await
        .unwrap();
    let jiro = world
        .store
        .find_user_by_login_id(tenant, &LoginId::parse("jiro@acme.example").unwrap())
        .await
        .unwrap();
    assert!(jiro.is_some());
}

#[tokio::test]
async fn the_same_number_in_another_company_is_a_taken_login_id() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let first = company_with_scheme(
        &world,
        tenant,
        "株式会社エー",
        LoginIdScheme::EmployeeNumber,
    )
    .await;
    let second = company_with_scheme(
        &world,
        tenant,
        "株式会社ビー",
        LoginIdScheme::EmployeeNumber,
    )
    .await;
    apply_import(&world.context, &admin, first.id, vec![row(1, "総務部")])
        .await
        .unwrap();
    let refused = preview_import(&world.context, &admin, second.id, vec![row(1, "総務部")]).await;
    let Err(AppError::ImportRows(errors)) = refused else {
        panic!("refused in the preview: {refused:?}");
    };
    assert_eq!(
        errors[0].problem,
        LoginIdProblem::Taken(LoginId::parse("00001").unwrap())
    );
    assert_eq!(errors[0].scheme, LoginIdScheme::EmployeeNumber);
    assert_eq!(
        world
            .store
            .count_employees(tenant, second.id)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_leavers_id_is_disabled_and_a_new_leaver_is_not_invited() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_with_scheme(
        &world,
        tenant,
        "株式会社エー",
        LoginIdScheme::EmployeeNumber,
    )
    .await;
    let staying = with_email(row(1, "総務部"), "hanako@acme.example");
    apply_import(&world.context, &admin, company.id, vec![staying.clone()])
        .await
        .unwrap();
    let token = link_mailed_to(&world, &notice, "hanako@acme.example", "/invitation/").await;
    accept_invitation(&world.context, &notice.tenant, &token, CHOSEN, CHOSEN)
        .await
        .unwrap();
    let (cookie, _) = logged_in(&world, &notice, "00001", CHOSEN).await;

    // The clock says 2026-11-25 09:00 in Japan: a leave date of today counts as left.
    let mut leaving = staying;
    leaving.leave_date = Some(date!(2026 - 11 - 25));
    let mut new_leaver = with_email(row(2, "総務部"), "jiro@acme.example");
    new_leaver.leave_date = Some(date!(2026 - 10 - 31));
    let mut future = with_email(row(3, "総務部"), "saburo@acme.example");
    future.leave_date = Some(date!(2026 - 11 - 26));
    let outcome = apply_import(
        &world.context,
        &admin,
        company.id,
        vec![leaving, new_leaver, future],
    )
    .await
    .unwrap();
    assert_eq!(
        (
            outcome.updated,
            outcome.users_created,
            outcome.invitations_queued,
            outcome.users_disabled
        ),
        (1, 2, 1, 1)
    );
    let status = |login_id: &'static str| {
        let store = world.store.clone();
        async move {
            store
                .find_user_by_login_id(tenant, &LoginId::parse(login_id).unwrap())
                .await
                .unwrap()
                .unwrap()
                .status
        }
    };
    assert_eq!(status("00001").await, UserStatus::Disabled);
    assert_eq!(status("00002").await, UserStatus::Disabled);
    assert_eq!(status("00003").await, UserStatus::Active);
    assert!(
        nencho_app::sign_in::authenticate(&world.context, &notice.tenant, &cookie)
            .await
            .unwrap()
            .is_none(),
        "the leaver's session ended"
    );
    assert!(matches!(
        login(&world.context, request(&notice, "00001", CHOSEN)).await,
        Err(AppError::InvalidCredentials)
    ));
    let mail = world.store.list_mail(tenant, 10).await.unwrap();
    assert!(mail.iter().all(|m| m.to.as_str() != "jiro@acme.example"));
}

#[tokio::test]
async fn a_streamed_import_reports_progress_per_chunk_and_a_refused_last_row_writes_nothing() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = Company::register(
        tenant,
        CompanyName::parse("株式会社エー").unwrap(),
        world.clock.as_ref(),
    );
    world.store.insert_company(tenant, &company).await.unwrap();
    let count = 2 * IMPORT_CHUNK + 500;
    let rows: Vec<ImportedEmployee> = (1..=count).map(|n| row(n, "総務部")).collect();

    // The last row's login ID is the ADMIN's: every chunk before it was written into the
    // transaction, and none of it remains.
    let mut refused = rows.clone();
    refused.last_mut().unwrap().number = EmployeeNumber::parse("admin").unwrap();
    let failed = apply_import_streamed(
        &world.context,
        &admin,
        company.id,
        &mut RowsInMemory::new(refused),
        ImportChoices::default(),
        &|_| {},
    )
    .await;
    let Err(AppError::ImportRows(errors)) = failed else {
        panic!("the taken login ID is refused: {failed:?}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].row, count as u64 + 1);
    assert_eq!(
        world
            .store
            .count_employees(tenant, company.id)
            .await
            .unwrap(),
        0
    );
    assert_eq!(world.store.list_users(tenant).await.unwrap().len(), 1);

    let counts = preview_import_streamed(
        &world.context,
        &admin,
        company.id,
        &mut RowsInMemory::new(rows.clone()),
    )
    .await
    .unwrap();
    assert_eq!(
        (counts.new, counts.users, counts.unchanged),
        (count, count, 0)
    );

    let seen = std::sync::Mutex::new(Vec::new());
    let outcome = apply_import_streamed(
        &world.context,
        &admin,
        company.id,
        &mut RowsInMemory::new(rows.clone()),
        ImportChoices::default(),
        &|done| seen.lock().unwrap().push(done),
    )
    .await
    .unwrap();
    assert_eq!(outcome.inserted, count);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![IMPORT_CHUNK as u64, 2 * IMPORT_CHUNK as u64, count as u64]
    );
    assert_eq!(
        world
            .store
            .count_employees(tenant, company.id)
            .await
            .unwrap(),
        count as u64
    );

    // The same file again: nothing changes.
    let again = apply_import(&world.context, &admin, company.id, rows)
        .await
        .unwrap();
    assert_eq!(
        (
            again.inserted,
            again.updated,
            again.unchanged,
            again.users_created
        ),
        (0, 0, count, 0)
    );
}

/// Applies, as the ADMIN, a 変更届 of `employee` moving them to `address`.
async fn moved_by_change_request(
    world: &crate::support::World,
    admin: &nencho_app::sign_in::CurrentUser,
    employee: &nencho_tenancy::Employee,
    address: &str,
) {
    let mut change = MasterChange::of(employee);
    change.address = address.into();
    let request = ChangeRequest {
        id: ChangeRequestId::generate(world.clock.as_ref()),
        tenant_id: employee.tenant_id,
        company_id: employee.company_id,
        employee_id: employee.id,
        requested_at: world.clock.now(),
        requested_by: admin.user.id,
        change,
        status: ChangeStatus::Pending,
        decided_at: None,
        decided_by_name: None,
        comment: String::new(),
    };
    world.store.insert_change_request(&request).await.unwrap();
    decide_change(&world.context, admin, request.id, Some(true), "")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_file_older_than_an_applied_change_request_does_not_take_it_back_unless_chosen() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = Company::register(
        tenant,
        CompanyName::parse("株式会社エー").unwrap(),
        world.clock.as_ref(),
    );
    world.store.insert_company(tenant, &company).await.unwrap();
    let rows: Vec<ImportedEmployee> = (1..=3).map(|n| row(n, "総務部")).collect();
    apply_import(&world.context, &admin, company.id, rows.clone())
        .await
        .unwrap();
    let number = |n: usize| EmployeeNumber::parse(&format!("{n:05}")).unwrap();
    let stored = |n: usize| {
        let store = world.store.clone();
        let number = number(n);
        async move {
            store
                .find_employee_by_number(tenant, company.id, &number)
                .await
                .unwrap()
                .unwrap()
        }
    };
    // 00001 moved and told the company; the payroll system still has the old address.
    let moved = "東京都港区芝公園4-2-8";
    moved_by_change_request(&world, &admin, &stored(1).await, moved).await;
    // 00002's request was applied, then an administrator moved them again by hand: the request
    // is no longer what the record holds, so it guards nothing.
    moved_by_change_request(&world, &admin, &stored(2).await, "大阪府大阪市北区梅田1-1").await;
    let mut by_hand = stored(2).await;
    by_hand.address = "福岡県福岡市中央区天神1-1".into();
    world.store.update_employee(tenant, &by_hand).await.unwrap();

    // The same old file, with 00003 moving department: the preview lists 00001 only.
    let mut next = rows.clone();
    next[2].department = Some("経理部".into());
    let preview = preview_import(&world.context, &admin, company.id, next.clone())
        .await
        .unwrap();
    assert_eq!(preview.reverted.len(), 1, "{:?}", preview.reverted);
    let reverted = &preview.reverted[0];
    assert_eq!((reverted.row, reverted.number.as_str()), (2, "00001"));
    assert_eq!(
        reverted.fields,
        [(
            "住所",
            moved.to_owned(),
            "東京都千代田区丸の内1-1-1".to_owned()
        )]
    );
    // Kept: 00001 stays as the request set it (unchanged), 00002 takes the file, 00003 moves.
    let counts = (preview.updated.len(), preview.unchanged);
    assert_eq!(counts, (2, 1));
    let streamed = preview_import_streamed(
        &world.context,
        &admin,
        company.id,
        &mut RowsInMemory::new(next.clone()),
    )
    .await
    .unwrap();
    assert_eq!(streamed.reverted, preview.reverted);
    let outcome = apply_import(&world.context, &admin, company.id, next.clone())
        .await
        .unwrap();
    assert_eq!((outcome.updated, outcome.unchanged), (2, 1));
    assert_eq!(outcome.applied_changes, AppliedChanges::Keep);
    assert_eq!(stored(1).await.address, moved);
    assert_eq!(stored(2).await.address, "東京都千代田区丸の内1-1-1");
    assert_eq!(stored(3).await.department.as_deref(), Some("経理部"));

    // Chosen: the file overwrites it, and from then on the request guards nothing.
    let outcome = apply_import_streamed(
        &world.context,
        &admin,
        company.id,
        &mut RowsInMemory::new(next.clone()),
        ImportChoices {
            applied_changes: AppliedChanges::Overwrite,
            ..ImportChoices::default()
        },
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(outcome.reverted.len(), 1);
    assert_eq!(outcome.updated, 1);
    assert_eq!(stored(1).await.address, "東京都千代田区丸の内1-1-1");
    let again = preview_import(&world.context, &admin, company.id, next)
        .await
        .unwrap();
    assert!(again.reverted.is_empty());
    assert_eq!(again.unchanged, 3);
}
