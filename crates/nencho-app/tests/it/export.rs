//! The full export (SVC-3): every table in order, employees of every company in keyset pages
//! (departed ones included), users without passwords, and nothing once the contract has ended.

use std::collections::BTreeSet;

use nencho_app::AppError;
use nencho_app::export::{EMPLOYEE_PAGE_SIZE, ExportPage, ExportTable, start_export};
use nencho_kernel::{Clock, EmployeeId};
use nencho_ports::{CompanyStore, EmployeeStore, TenantStore};
use nencho_tenancy::{
    Company, CompanyName, ContractStatus, Employee, EmployeeNumber, EmploymentType, PersonName,
};
use time::macros::date;

use crate::support::{acme, logged_in, world};

fn employee(company: &Company, number: String, clock: &dyn Clock, left: bool) -> Employee {
    Employee {
        id: EmployeeId::generate(clock),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: EmployeeNumber::parse(&number).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: "太郎".into(),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: date!(1990 - 04 - 01),
        postal_code: None,
        address: "東京都千代田区丸の内1-1-1".into(),
        email: None,
        department: None,
        employment_type: EmploymentType::Regular,
        hire_date: None,
        leave_date: left.then_some(date!(2026 - 03 - 31)),
        user_id: None,
        updated_at: clock.now(),
    }
}

#[tokio::test]
async fn the_export_of_5003_employees_pages_through_every_company_and_table_in_order() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let clock = world.clock.as_ref();
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let first = Company::register(tenant, CompanyName::parse("株式会社エー").unwrap(), clock);
    let second = Company::register(tenant, CompanyName::parse("株式会社ビー").unwrap(), clock);
    world.store.insert_company(tenant, &first).await.unwrap();
    world.store.insert_company(tenant, &second).await.unwrap();
    let many: Vec<Employee> = (1..=5_003)
        .map(|n| employee(&first, format!("A{n:05}"), clock, n % 100 == 0))
        .collect();
    world
        .store
        .apply_employees(tenant, first.id, &many, &[])
        .await
        .unwrap();
    let few = [
        employee(&second, "B1".into(), clock, true),
        employee(&second, "B2".into(), clock, false),
    ];
    world
        .store
        .apply_employees(tenant, second.id, &few, &[])
        .await
        .unwrap();

    let mut export = start_export(&world.context, &admin).await.unwrap();
    let mut tables = Vec::new();
    let mut employee_pages = Vec::new();
    let mut numbers = BTreeSet::new();
    let mut exported = 0;
    let mut users = Vec::new();
    let mut logins = 0;
    while let Some(page) = export.next_page().await.unwrap() {
        if tables.last() != Some(&page.table()) {
            tables.push(page.table());
        }
        match page {
            ExportPage::Employees { company, employees } => {
                assert!(employees.len() <= EMPLOYEE_PAGE_SIZE as usize);
                assert!(employees.iter().all(|e| e.company_id == company.id));
                employee_pages.push((company.name.as_str().to_owned(), employees.len()));
                exported += employees.len();
                numbers.extend(employees.into_iter().map(|e| e.number.as_str().to_owned()));
            }
            ExportPage::Users(page) => users = page,
            ExportPage::LoginHistory { user, attempts } => {
                assert_eq!(user.login_id.as_str(), "admin");
                logins += attempts.len();
            }
            ExportPage::Companies(companies) => assert_eq!(companies.len(), 2),
            ExportPage::Roles(roles) => assert!(roles.is_empty()),
            ExportPage::FilingPeriods { .. }
            | ExportPage::Filings { .. }
            | ExportPage::FilingValues { .. }
            | ExportPage::FilingHistory { .. }
            | ExportPage::FilingChanges { .. }
            | ExportPage::SlipConsents { .. }
            | ExportPage::WithholdingSlips(_)
            | ExportPage::Attachments(_)
            | ExportPage::AttachmentFile { .. } => panic!("no tax year is opened: {page:?}"),
        }
    }
    assert_eq!(
        tables,
        ExportTable::ALL[..5],
        "each table once, in order; no declaration table without an opened tax year"
    );
    assert_eq!(
        employee_pages,
        [
            ("株式会社エー".to_owned(), 5_000),
            ("株式会社エー".to_owned(), 3),
            ("株式会社ビー".to_owned(), 2),
        ]
    );
    assert_eq!(exported, 5_005, "no employee twice, departed ones included");
    assert_eq!(numbers.len(), 5_005);
    assert_eq!(users.len(), 1);
    assert!(users[0].has_password);
    assert_eq!(logins, 1, "the ADMIN's login");
    assert!(export.next_page().await.unwrap().is_none(), "it stays done");
}

#[tokio::test]
async fn an_ended_contract_exports_nothing_but_an_ending_one_does() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    world
        .store
        .set_tenant_status(notice.tenant.id, ContractStatus::Ending)
        .await
        .unwrap();
    assert!(start_export(&world.context, &admin).await.is_ok());
    world
        .store
        .set_tenant_status(notice.tenant.id, ContractStatus::Ended)
        .await
        .unwrap();
    assert!(matches!(
        start_export(&world.context, &admin).await,
        Err(AppError::ContractEnded)
    ));
}
