//! The full export (SVC-3): every table in order, employees of every company in keyset pages
//! (departed ones included), users without passwords, the certificates' originals received
//! (with their declaration's company, employee and year, and the kind their key names), and
//! nothing once the contract has ended.

use std::collections::BTreeSet;

use nencho_app::AppError;
use nencho_app::export::{
    EMPLOYEE_PAGE_SIZE, ExportPage, ExportTable, ExportedOriginal, OriginalOwner, start_export,
};
use nencho_app::filings::originals::record_original;
use nencho_filings::{
    AttachmentKind, DateRange, Declaration, Filing, FilingPeriods, FilingStatus, LifeContractAge,
    LifePolicy, LifePolicyKind, OriginalMethod, expected_attachments,
};
use nencho_kernel::{Clock, EmployeeId, FilingId, TaxYear, Yen};
use nencho_ports::{
    CompanyStore, EmployeeStore, FilingStore, FilingWrite, PeriodChange, TenantStore,
};
use nencho_tenancy::{
    Company, CompanyName, ContractStatus, Employee, EmployeeNumber, EmploymentType, PersonName,
};
use time::macros::{date, datetime};

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
            ExportPage::AuditLog(records) => {
                assert!(
                    records
                        .iter()
                        .any(|record| record.entry.action
                            == nencho_identity::AuditAction::FullExport),
                    "the export's own start is in the 操作ログ it exports"
                );
            }
            ExportPage::ChangeRequests(requests) => {
                panic!("nobody asked for a change: {requests:?}")
            }
            ExportPage::FilingPeriods { .. }
            | ExportPage::Filings { .. }
            | ExportPage::FilingValues { .. }
            | ExportPage::FilingHistory { .. }
            | ExportPage::FilingChanges { .. }
            | ExportPage::FilingMemos { .. }
            | ExportPage::SlipConsents { .. }
            | ExportPage::WithholdingSlips(_)
            | ExportPage::FilingOriginals(_)
            | ExportPage::Attachments(_)
            | ExportPage::AttachmentFile { .. } => panic!("no tax year is opened: {page:?}"),
        }
    }
    assert_eq!(
        tables,
        ExportTable::ALL[..6],
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

/// A handed-in 2026 declaration of `employee` with one new-contract life policy (premium
/// 60,000 from `insurer`), which calls for its certificate.
async fn declaration_with_a_policy(
    world: &crate::support::World,
    employee: &Employee,
    insurer: &str,
) -> Filing {
    let clock = world.clock.as_ref();
    let mut filing = Filing::new(
        FilingId::generate(clock),
        employee.tenant_id,
        employee.company_id,
        employee.id,
        TaxYear::new(2026).unwrap(),
        clock.now(),
    );
    filing.document = Declaration {
        life_policies: vec![LifePolicy {
            insurer: insurer.into(),
            policy_type: "終身".into(),
            kind: LifePolicyKind::General,
            contract: LifeContractAge::New,
            period: "終身".into(),
            beneficiary: "妻".into(),
            premium: Yen::new(60_000),
        }],
        ..Declaration::default()
    };
    filing.status = FilingStatus::Submitted;
    filing.submitted_at = Some(clock.now());
    filing.version = 1;
    world
        .store
        .write_filings(
            employee.tenant_id,
            &[FilingWrite {
                filing: filing.clone(),
                expected_version: 0,
                event: None,
                changes: Vec::new(),
                mail: None,
            }],
        )
        .await
        .unwrap();
    filing
}

/// The key of the only certificate `filing` calls for.
fn certificate_key(filing: &Filing) -> String {
    let expected = expected_attachments(&filing.document);
    assert_eq!(expected.len(), 1, "{expected:?}");
    expected[0].original_key()
}

#[tokio::test]
async fn received_originals_are_exported_with_their_declaration_and_kind() {
    let world = world().await;
    let notice = acme(&world).await;
    let tenant = notice.tenant.id;
    let clock = world.clock.as_ref();
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = Company::register(tenant, CompanyName::parse("株式会社エー").unwrap(), clock);
    world.store.insert_company(tenant, &company).await.unwrap();
    // 山田 is current, 佐藤 has left: both declarations' originals are exported.
    let staff = [
        employee(&company, "E0001".into(), clock, false),
        employee(&company, "E0002".into(), clock, true),
    ];
    world
        .store
        .apply_employees(tenant, company.id, &staff, &[])
        .await
        .unwrap();
    let periods = FilingPeriods::new(
        company.id,
        TaxYear::new(2026).unwrap(),
        DateRange::new(date!(2026 - 11 - 01), date!(2027 - 01 - 31)).unwrap(),
        DateRange::new(date!(2026 - 11 - 10), date!(2026 - 11 - 30)).unwrap(),
        None,
        false,
    )
    .unwrap();
    world
        .store
        .put_periods(
            tenant,
            &periods,
            &PeriodChange {
                company_id: company.id,
                tax_year: periods.tax_year,
                at: clock.now(),
                actor: admin.user.id,
                actor_name: "admin".into(),
                summary: "2026年分".into(),
            },
        )
        .await
        .unwrap();
    let current = declaration_with_a_policy(&world, &staff[0], "A生命").await;
    let departed = declaration_with_a_policy(&world, &staff[1], "B生命").await;

    // Nothing received yet: no page of originals.
    let mut export = start_export(&world.context, &admin).await.unwrap();
    while let Some(page) = export.next_page().await.unwrap() {
        assert!(
            !matches!(page, ExportPage::FilingOriginals(_)),
            "no receipt, no page: {page:?}"
        );
    }

    // Both arrive: 山田's on paper, 佐藤's as electronic data five minutes later.
    let current_key = certificate_key(&current);
    let departed_key = certificate_key(&departed);
    assert_eq!(current_key, "life_insurance:生命保険1 (A生命)");
    record_original(&world.context, &admin, current.id, &current_key, "paper")
        .await
        .unwrap();
    let paper_at = clock.now();
    world.clock.advance(time::Duration::minutes(5));
    record_original(
        &world.context,
        &admin,
        departed.id,
        &departed_key,
        "electronic",
    )
    .await
    .unwrap();
    let electronic_at = clock.now();
    assert_eq!(paper_at, datetime!(2026-11-25 00:00 UTC));

    let mut export = start_export(&world.context, &admin).await.unwrap();
    let mut tables = Vec::new();
    let mut exported = Vec::new();
    while let Some(page) = export.next_page().await.unwrap() {
        if tables.last() != Some(&page.table()) {
            tables.push(page.table());
        }
        if let ExportPage::FilingOriginals(page) = page {
            exported.extend(page);
        }
    }
    assert!(
        tables.ends_with(&[
            ExportTable::FilingChanges,
            ExportTable::FilingMemos,
            ExportTable::FilingOriginals
        ]),
        "after the declarations, no slip nor document here: {tables:?}"
    );
    let position = |table| tables.iter().position(|t| *t == table);
    assert!(position(ExportTable::Filings) < position(ExportTable::FilingOriginals));
    assert_eq!(
        ExportTable::ALL
            .iter()
            .position(|t| *t == ExportTable::FilingOriginals),
        Some(ExportTable::FilingOriginals.index())
    );
    assert_eq!(
        ExportTable::ALL[ExportTable::FilingOriginals.index() - 1..],
        [
            ExportTable::WithholdingSlips,
            ExportTable::FilingOriginals,
            ExportTable::Attachments
        ]
    );

    let actor_name = format!(
        "{} ({})",
        admin.user.display_name.as_str(),
        admin.user.login_id
    );
    let expected = |filing: &Filing,
                    employee: &Employee,
                    key: &str,
                    subject: &str,
                    method: OriginalMethod,
                    at| ExportedOriginal {
        filing_id: filing.id,
        owner: Some(OriginalOwner {
            company_id: company.id,
            employee_id: employee.id,
            employee_number: Some(employee.number.clone()),
            tax_year: TaxYear::new(2026).unwrap(),
        }),
        kind: Some(AttachmentKind::LifeInsurance),
        subject: subject.to_owned(),
        receipt: nencho_filings::OriginalReceipt {
            key: key.to_owned(),
            method,
            at,
            actor: admin.user.id,
            actor_name: actor_name.clone(),
        },
    };
    let mut wanted = vec![
        expected(
            &current,
            &staff[0],
            &current_key,
            "生命保険1 (A生命)",
            OriginalMethod::Paper,
            paper_at,
        ),
        expected(
            &departed,
            &staff[1],
            &departed_key,
            "生命保険1 (B生命)",
            OriginalMethod::Electronic,
            electronic_at,
        ),
    ];
    wanted.sort_by_key(|original| original.filing_id);
    assert_eq!(
        exported, wanted,
        "in declaration order, the departed one's too"
    );

    // Withdrawn, it is left out.
    record_original(&world.context, &admin, departed.id, &departed_key, "none")
        .await
        .unwrap();
    let mut export = start_export(&world.context, &admin).await.unwrap();
    let mut exported = Vec::new();
    while let Some(page) = export.next_page().await.unwrap() {
        if let ExportPage::FilingOriginals(page) = page {
            exported.extend(page);
        }
    }
    assert_eq!(
        exported
            .iter()
            .map(|original| original.filing_id)
            .collect::<Vec<_>>(),
        [current.id]
    );
}

#[test]
fn a_key_names_its_kind_before_the_first_colon() {
    assert_eq!(
        ExportedOriginal::split_key("earthquake_insurance:地震保険1 (C損保: 東京)"),
        (
            Some(AttachmentKind::EarthquakeInsurance),
            "地震保険1 (C損保: 東京)".to_owned()
        )
    );
    assert_eq!(
        ExportedOriginal::split_key("unknown:何か"),
        (None, "何か".to_owned())
    );
    assert_eq!(
        ExportedOriginal::split_key("コロンなし"),
        (None, "コロンなし".to_owned())
    );
}
