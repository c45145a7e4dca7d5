//! The employee import use case: preview by (company, employee number), atomic and idempotent
//! apply, ids and linked user IDs kept on update, only administrators.

use nencho_app::AppError;
use nencho_app::import::{ImportedEmployee, apply_import, preview_import};
use nencho_kernel::{Clock, CompanyId};
use nencho_ports::{CompanyStore, EmployeeStore};
use nencho_tenancy::{
    Company, CompanyName, EmployeeNumber, EmploymentType, PersonName, PostalCode,
};
use time::macros::date;

use crate::support::{acme, logged_in, world};

fn row(number: usize, department: &str) -> ImportedEmployee {
    ImportedEmployee {
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
