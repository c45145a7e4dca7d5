use nencho_identity::{CompanyRole, Role, RoleAssignment};
use nencho_kernel::{Clock, CompanyId, EmailAddress, EmployeeId, FixedClock, UserId};
use nencho_ports::{EmployeeQuery, Store, StoreError};
use nencho_tenancy::{
    Company, CompanyName, Employee, EmployeeNumber, EmploymentType, PersonName, PostalCode, Tenant,
};
use time::macros::date;

use super::support::{clock, tenant, user};

/// A tenant (opened with its ADMIN) and one company of it.
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
    let company = another_company(store, &tenant, "本社", clock).await;
    (tenant, company)
}

async fn another_company(
    store: &dyn Store,
    tenant: &Tenant,
    name: &str,
    clock: &FixedClock,
) -> Company {
    clock.advance(time::Duration::milliseconds(1));
    let company = Company::register(tenant.id, CompanyName::parse(name).unwrap(), clock);
    store.insert_company(tenant.id, &company).await.unwrap();
    company
}

/// A minimal employee: no optional field set.
fn employee(company: &Company, number: &str, clock: &FixedClock) -> Employee {
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
        email: None,
        department: None,
        employment_type: EmploymentType::Regular,
        hire_date: None,
        leave_date: None,
        user_id: None,
        updated_at: clock.now(),
    }
}

fn named(
    mut employee: Employee,
    family: &str,
    given: &str,
    family_kana: &str,
    given_kana: &str,
) -> Employee {
    employee.name = PersonName {
        family: family.into(),
        given: given.into(),
        family_kana: family_kana.into(),
        given_kana: given_kana.into(),
    };
    employee
}

fn numbers(employees: &[Employee]) -> Vec<&str> {
    employees
        .iter()
        .map(|employee| employee.number.as_str())
        .collect()
}

async fn search(store: &dyn Store, company: &Company, text: &str) -> Vec<String> {
    let mut query = EmployeeQuery::first_page(company.id, 100);
    query.search = Some(text.to_owned());
    let page = store
        .list_employees(company.tenant_id, &query)
        .await
        .unwrap();
    numbers(&page.employees)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

pub async fn employees_round_trip_with_every_field(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let linked = user(&acme, "000123", Role::General, &clock);
    store.insert_user(acme.id, &linked).await.unwrap();

    let mut full = named(
        employee(&honsha, "000123", &clock),
        "髙橋",
        "花子",
        "タカハシ",
        "ハナコ",
    );
    full.postal_code = Some(PostalCode::parse("100-0013").unwrap());
    full.email = Some(EmailAddress::parse("hanako@acme.example").unwrap());
    full.department = Some("営業部".into());
    full.employment_type = EmploymentType::PartTime;
    full.hire_date = Some(date!(2015 - 04 - 01));
    full.leave_date = Some(date!(2026 - 12 - 31));
    full.user_id = Some(linked.id);
    store.insert_employee(acme.id, &full).await.unwrap();
    let bare = employee(&honsha, "123", &clock);
    store.insert_employee(acme.id, &bare).await.unwrap();

    assert_eq!(
        store.find_employee(acme.id, full.id).await.unwrap(),
        Some(full.clone()),
        "every field, the kana, postal code, dates and timestamp included, survives"
    );
    assert_eq!(
        store.find_employee(acme.id, bare.id).await.unwrap(),
        Some(bare.clone()),
        "absent optional fields stay absent"
    );
    assert_eq!(
        store
            .find_employee_by_number(acme.id, honsha.id, &full.number)
            .await
            .unwrap(),
        Some(full.clone()),
        "000123 and 123 are different employees"
    );
    assert_eq!(
        store
            .find_employee_by_user(acme.id, linked.id)
            .await
            .unwrap(),
        Some(full.clone())
    );
    assert_eq!(
        store
            .find_employee_by_user(acme.id, UserId::generate(&clock))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_employee(acme.id, EmployeeId::generate(&clock))
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.count_employees(acme.id, honsha.id).await.unwrap(), 2);
}

pub async fn employee_numbers_are_unique_within_a_company_only(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let branch = another_company(store, &acme, "支社", &clock).await;
    let (beta, beta_company) = tenant_with_company(store, "beta", &clock).await;

    store
        .insert_employee(acme.id, &employee(&honsha, "1001", &clock))
        .await
        .unwrap();
    let duplicate = store
        .insert_employee(acme.id, &employee(&honsha, "1001", &clock))
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "got {duplicate:?}"
    );
    store
        .insert_employee(acme.id, &employee(&branch, "1001", &clock))
        .await
        .expect("the same number in another company");
    store
        .insert_employee(beta.id, &employee(&beta_company, "1001", &clock))
        .await
        .expect("the same number in another tenant");
    assert_eq!(store.count_employees(acme.id, honsha.id).await.unwrap(), 1);
    assert_eq!(store.count_employees(acme.id, branch.id).await.unwrap(), 1);

    // An employee of another tenant is refused.
    let smuggled = employee(&beta_company, "2002", &clock);
    assert!(store.insert_employee(acme.id, &smuggled).await.is_err());
    assert_eq!(
        store.find_employee(beta.id, smuggled.id).await.unwrap(),
        None
    );
}

pub async fn employees_are_updated(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let original = employee(&honsha, "1001", &clock);
    store.insert_employee(acme.id, &original).await.unwrap();
    let taken = employee(&honsha, "1002", &clock);
    store.insert_employee(acme.id, &taken).await.unwrap();

    let mut changed = named(original.clone(), "佐藤", "一郎", "サトウ", "イチロウ");
    changed.number = EmployeeNumber::parse("A-7").unwrap();
    changed.department = Some("経理部".into());
    changed.postal_code = Some(PostalCode::parse("5300001").unwrap());
    changed.leave_date = Some(date!(2026 - 03 - 31));
    clock.advance(time::Duration::minutes(5));
    changed.updated_at = clock.now();
    store.update_employee(acme.id, &changed).await.unwrap();
    assert_eq!(
        store.find_employee(acme.id, original.id).await.unwrap(),
        Some(changed.clone())
    );

    let mut clash = changed.clone();
    clash.number = taken.number.clone();
    let outcome = store.update_employee(acme.id, &clash).await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "got {outcome:?}"
    );

    let ghost = employee(&honsha, "9999", &clock);
    assert!(
        store.update_employee(acme.id, &ghost).await.is_err(),
        "updating an employee that does not exist fails"
    );
    assert_eq!(
        store.find_employee(acme.id, original.id).await.unwrap(),
        Some(changed)
    );
}

pub async fn employees_are_searched_by_name_kana_and_number_prefix(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let mut sales_yamada = named(
        employee(&honsha, "S-100", &clock),
        "山田",
        "太郎",
        "ヤマダ",
        "タロウ",
    );
    sales_yamada.department = Some("営業部".into());
    let mut sales_suzuki = named(
        employee(&honsha, "S-200", &clock),
        "鈴木",
        "花子",
        "スズキ",
        "ハナコ",
    );
    sales_suzuki.department = Some("営業部".into());
    let mut accounting_yamamoto = named(
        employee(&honsha, "K-100", &clock),
        "山本",
        "Ken",
        "ヤマモト",
        "ケン",
    );
    accounting_yamamoto.department = Some("経理部".into());
    let mut departed = named(
        employee(&honsha, "S-300", &clock),
        "山田",
        "次郎",
        "ヤマダ",
        "ジロウ",
    );
    departed.department = Some("営業部".into());
    departed.leave_date = Some(date!(2025 - 12 - 31));
    for employee in [
        &sales_yamada,
        &sales_suzuki,
        &accounting_yamamoto,
        &departed,
    ] {
        store.insert_employee(acme.id, employee).await.unwrap();
    }

    assert_eq!(
        search(store, &honsha, "山").await,
        ["K-100", "S-100"],
        "a part of the name"
    );
    assert_eq!(
        search(store, &honsha, "山田 太郎").await,
        ["S-100"],
        "the full name with a space"
    );
    assert_eq!(
        search(store, &honsha, "ハナ").await,
        ["S-200"],
        "a part of the kana"
    );
    assert_eq!(
        search(store, &honsha, "すずき").await,
        ["S-200"],
        "hiragana finds katakana"
    );
    assert_eq!(
        search(store, &honsha, "ken").await,
        ["K-100"],
        "Latin letters in any case"
    );
    assert_eq!(
        search(store, &honsha, "S-").await,
        ["S-100", "S-200"],
        "a number prefix"
    );
    assert_eq!(
        search(store, &honsha, "Ｓ－２").await,
        ["S-200"],
        "full-width typing"
    );
    assert!(
        search(store, &honsha, "100").await.is_empty(),
        "the number matches by prefix only"
    );

    let mut sales = EmployeeQuery::first_page(honsha.id, 100);
    sales.department = Some("営業部".into());
    let page = store.list_employees(acme.id, &sales).await.unwrap();
    assert_eq!(
        numbers(&page.employees),
        ["S-100", "S-200"],
        "departed left out by default"
    );
    assert_eq!(page.next, None);
    sales.include_departed = true;
    let page = store.list_employees(acme.id, &sales).await.unwrap();
    assert_eq!(numbers(&page.employees), ["S-100", "S-200", "S-300"]);
    sales.search = Some("ヤマダ".into());
    let page = store.list_employees(acme.id, &sales).await.unwrap();
    assert_eq!(
        numbers(&page.employees),
        ["S-100", "S-300"],
        "search and department together"
    );

    let everyone = store
        .list_employees(acme.id, &EmployeeQuery::first_page(honsha.id, 100))
        .await
        .unwrap();
    assert_eq!(numbers(&everyone.employees), ["K-100", "S-100", "S-200"]);
}

pub async fn like_wildcards_in_the_search_are_literal(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let plain = named(
        employee(&honsha, "A_1", &clock),
        "田中",
        "一",
        "タナカ",
        "ハジメ",
    );
    let odd = named(
        employee(&honsha, "AB1", &clock),
        "100%",
        "商事\\",
        "ヒャク",
        "ショウジ",
    );
    store.insert_employee(acme.id, &plain).await.unwrap();
    store.insert_employee(acme.id, &odd).await.unwrap();

    assert!(
        search(store, &honsha, "%").await == ["AB1"],
        "% matches only a percent sign"
    );
    assert!(search(store, &honsha, "%%").await.is_empty());
    assert_eq!(
        search(store, &honsha, "A_").await,
        ["A_1"],
        "_ matches only an underscore"
    );
    assert_eq!(
        search(store, &honsha, "\\").await,
        ["AB1"],
        "a backslash matches itself"
    );
    assert!(search(store, &honsha, "田%").await.is_empty());
}

pub async fn the_employee_list_pages_by_number_without_overlap(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let staff: Vec<Employee> = (1..=25)
        .rev()
        .map(|n| employee(&honsha, &format!("E{n:03}"), &clock))
        .collect();
    store
        .apply_employees(acme.id, honsha.id, &staff, &[])
        .await
        .unwrap();

    let mut query = EmployeeQuery::first_page(honsha.id, 10);
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let page = store.list_employees(acme.id, &query).await.unwrap();
        sizes.push(page.employees.len());
        seen.extend(
            page.employees
                .iter()
                .map(|employee| employee.number.to_string()),
        );
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, [10, 10, 5]);
    let expected: Vec<String> = (1..=25).map(|n| format!("E{n:03}")).collect();
    assert_eq!(seen, expected, "in number order, each employee once");

    // A page that ends exactly at the last employee says there is no next page.
    let exact = store
        .list_employees(acme.id, &EmployeeQuery::first_page(honsha.id, 25))
        .await
        .unwrap();
    assert_eq!(exact.employees.len(), 25);
    assert_eq!(exact.next, None);
}

pub async fn applying_employees_is_all_or_nothing(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let existing = employee(&honsha, "0001", &clock);
    store.insert_employee(acme.id, &existing).await.unwrap();

    let mut renamed = named(existing.clone(), "山田", "花子", "ヤマダ", "ハナコ");
    renamed.department = Some("総務部".into());
    let batch = vec![
        employee(&honsha, "0002", &clock),
        employee(&honsha, "0003", &clock),
        employee(&honsha, "0002", &clock),
    ];
    let outcome = store
        .apply_employees(acme.id, honsha.id, &batch, std::slice::from_ref(&renamed))
        .await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "got {outcome:?}"
    );
    assert_eq!(
        store.count_employees(acme.id, honsha.id).await.unwrap(),
        1,
        "a batch with a duplicate number inserts nothing"
    );
    assert_eq!(
        store.find_employee(acme.id, existing.id).await.unwrap(),
        Some(existing.clone()),
        "and updates nothing"
    );

    // A batch that updates an employee that does not exist writes nothing either.
    let ghost = employee(&honsha, "0009", &clock);
    assert!(
        store
            .apply_employees(acme.id, honsha.id, &batch[..2], &[ghost])
            .await
            .is_err()
    );
    assert_eq!(store.count_employees(acme.id, honsha.id).await.unwrap(), 1);

    store
        .apply_employees(
            acme.id,
            honsha.id,
            &batch[..2],
            std::slice::from_ref(&renamed),
        )
        .await
        .unwrap();
    assert_eq!(store.count_employees(acme.id, honsha.id).await.unwrap(), 3);
    assert_eq!(
        store.find_employee(acme.id, existing.id).await.unwrap(),
        Some(renamed)
    );
    assert_eq!(
        store.find_employee(acme.id, batch[1].id).await.unwrap(),
        Some(batch[1].clone())
    );
}

pub async fn two_thousand_employees_are_applied_at_once(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let staff: Vec<Employee> = (0..2_000)
        .map(|n| {
            let mut employee = employee(&honsha, &format!("{n:06}"), &clock);
            employee.department = Some(format!("部署{}", n % 7));
            employee.postal_code = PostalCode::parse("1000013");
            employee
        })
        .collect();
    // A duplicate number deep inside a large batch spoils the whole apply, the rows (and
    // statements) before it included.
    let mut spoiled = staff.clone();
    spoiled.insert(150, employee(&honsha, "000000", &clock));
    let outcome = store
        .apply_employees(acme.id, honsha.id, &spoiled, &[])
        .await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "got {outcome:?}"
    );
    assert_eq!(store.count_employees(acme.id, honsha.id).await.unwrap(), 0);

    store
        .apply_employees(acme.id, honsha.id, &staff, &[])
        .await
        .unwrap();
    assert_eq!(
        store.count_employees(acme.id, honsha.id).await.unwrap(),
        2_000
    );

    // Updating all of them again in one apply.
    let updates: Vec<Employee> = staff
        .iter()
        .map(|employee| {
            let mut employee = employee.clone();
            employee.address = "大阪府大阪市北区1-1".into();
            employee
        })
        .collect();
    // One update of an employee that does not exist spoils the whole apply.
    let mut spoiled = updates.clone();
    spoiled[10] = employee(&honsha, "999999", &clock);
    assert!(
        store
            .apply_employees(acme.id, honsha.id, &[], &spoiled)
            .await
            .is_err()
    );
    assert_eq!(
        store.find_employee(acme.id, staff[11].id).await.unwrap(),
        Some(staff[11].clone()),
        "nothing was updated"
    );

    store
        .apply_employees(acme.id, honsha.id, &[], &updates)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_employee(acme.id, updates[1_234].id)
            .await
            .unwrap(),
        Some(updates[1_234].clone())
    );
    assert_eq!(
        store.count_employees(acme.id, honsha.id).await.unwrap(),
        2_000
    );
}

pub async fn employees_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let (acme, acme_company) = tenant_with_company(store, "acme", &clock).await;
    let (beta, beta_company) = tenant_with_company(store, "beta", &clock).await;
    let acme_employee = employee(&acme_company, "1", &clock);
    store
        .insert_employee(acme.id, &acme_employee)
        .await
        .unwrap();

    // A guessed id, number or company from another tenant finds nothing.
    assert_eq!(
        store
            .find_employee(beta.id, acme_employee.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_employee_by_number(beta.id, acme_company.id, &acme_employee.number)
            .await
            .unwrap(),
        None
    );
    let page = store
        .list_employees(beta.id, &EmployeeQuery::first_page(acme_company.id, 10))
        .await
        .unwrap();
    assert!(page.employees.is_empty());
    assert_eq!(
        store
            .count_employees(beta.id, acme_company.id)
            .await
            .unwrap(),
        0
    );

    // Nor can another tenant change it, or apply employees into a company it does not own.
    let mut hijacked = acme_employee.clone();
    hijacked.tenant_id = beta.id;
    hijacked.address = "乗っ取り".into();
    assert!(store.update_employee(beta.id, &hijacked).await.is_err());
    let stray = Employee {
        tenant_id: beta.id,
        ..employee(&acme_company, "2", &clock)
    };
    assert!(
        store
            .apply_employees(beta.id, acme_company.id, &[stray], &[])
            .await
            .is_err()
    );
    assert!(
        store
            .apply_employees(
                beta.id,
                beta_company.id,
                &[employee(&acme_company, "3", &clock)],
                &[]
            )
            .await
            .is_err(),
        "an employee of another company is refused"
    );
    assert_eq!(
        store
            .find_employee(acme.id, acme_employee.id)
            .await
            .unwrap(),
        Some(acme_employee)
    );
    assert_eq!(
        store
            .count_employees(acme.id, acme_company.id)
            .await
            .unwrap(),
        1
    );
}

pub async fn roles_are_assigned_replaced_and_revoked(store: &dyn Store) {
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "acme", &clock).await;
    let branch = another_company(store, &acme, "支社", &clock).await;
    let (beta, beta_company) = tenant_with_company(store, "beta", &clock).await;
    let clerk = user(&acme, "clerk", Role::General, &clock);
    let viewer = user(&acme, "viewer", Role::General, &clock);
    store.insert_user(acme.id, &clerk).await.unwrap();
    store.insert_user(acme.id, &viewer).await.unwrap();

    let assignment =
        |user_id: UserId, company_id: CompanyId, role, departments: &[&str]| RoleAssignment {
            user_id,
            company_id,
            role,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
        };
    let clerk_of_sales = assignment(
        clerk.id,
        honsha.id,
        CompanyRole::Clerk,
        &["営業部", "営業二部"],
    );
    let clerk_viewer_of_branch = assignment(clerk.id, branch.id, CompanyRole::Viewer, &[]);
    let viewer_of_honsha = assignment(viewer.id, honsha.id, CompanyRole::Viewer, &[]);
    for given in [&clerk_of_sales, &clerk_viewer_of_branch, &viewer_of_honsha] {
        store.assign_role(acme.id, given).await.unwrap();
    }

    let mut expected = vec![clerk_of_sales.clone(), clerk_viewer_of_branch.clone()];
    expected.sort_by_key(|a| a.company_id);
    assert_eq!(store.roles_of(acme.id, clerk.id).await.unwrap(), expected);
    let mut holders = vec![clerk_of_sales.clone(), viewer_of_honsha.clone()];
    holders.sort_by_key(|a| a.user_id);
    assert_eq!(
        store.role_holders(acme.id, honsha.id).await.unwrap(),
        holders
    );

    // Assigning again replaces the role (and its departments) in that company.
    let approver = assignment(clerk.id, honsha.id, CompanyRole::Approver, &[]);
    store.assign_role(acme.id, &approver).await.unwrap();
    let mut expected = vec![approver.clone(), clerk_viewer_of_branch.clone()];
    expected.sort_by_key(|a| a.company_id);
    assert_eq!(store.roles_of(acme.id, clerk.id).await.unwrap(), expected);

    store
        .revoke_role(acme.id, clerk.id, honsha.id)
        .await
        .unwrap();
    store
        .revoke_role(acme.id, clerk.id, honsha.id)
        .await
        .expect("revoking twice is harmless");
    assert_eq!(
        store.roles_of(acme.id, clerk.id).await.unwrap(),
        vec![clerk_viewer_of_branch]
    );
    assert_eq!(
        store.role_holders(acme.id, honsha.id).await.unwrap(),
        vec![viewer_of_honsha]
    );

    // Another tenant sees none of it and cannot assign into a company it does not own.
    assert!(store.roles_of(beta.id, clerk.id).await.unwrap().is_empty());
    assert!(
        store
            .role_holders(beta.id, honsha.id)
            .await
            .unwrap()
            .is_empty()
    );
    let beta_admin = store.list_users(beta.id).await.unwrap().remove(0);
    assert!(
        store
            .assign_role(
                beta.id,
                &assignment(beta_admin.id, honsha.id, CompanyRole::Viewer, &[])
            )
            .await
            .is_err()
    );
    store
        .assign_role(
            beta.id,
            &assignment(beta_admin.id, beta_company.id, CompanyRole::Viewer, &[]),
        )
        .await
        .unwrap();
    assert_eq!(
        store.role_holders(acme.id, beta_company.id).await.unwrap(),
        vec![]
    );
}

/// Not a contract case: a benchmark for the adapters' ignored tests. Applies `count` new
/// employees to a fresh company, then updates all of them, then reads list pages; returns how
/// long each step took.
pub async fn time_applying_employees(
    store: &dyn Store,
    count: usize,
) -> Vec<(&'static str, std::time::Duration)> {
    // A benchmark measures elapsed time; nothing else in the contract reads the clock.
    #[allow(clippy::disallowed_methods)]
    fn now() -> std::time::Instant {
        std::time::Instant::now()
    }
    let clock = clock();
    let (acme, honsha) = tenant_with_company(store, "bench", &clock).await;
    let staff: Vec<Employee> = (0..count)
        .map(|n| {
            let mut employee = named(
                employee(&honsha, &format!("{n:07}"), &clock),
                "山田",
                &format!("太郎{n}"),
                "ヤマダ",
                "タロウ",
            );
            employee.department = Some(format!("部署{}", n % 50));
            employee.postal_code = PostalCode::parse("1000013");
            employee.email = EmailAddress::parse(&format!("e{n}@bench.example")).ok();
            employee.hire_date = Some(date!(2020 - 04 - 01));
            employee
        })
        .collect();
    let mut timings = Vec::new();
    let started = now();
    store
        .apply_employees(acme.id, honsha.id, &staff, &[])
        .await
        .unwrap();
    timings.push(("apply: insert every employee", started.elapsed()));
    let updates: Vec<Employee> = staff
        .into_iter()
        .map(|mut employee| {
            employee.address = "大阪府大阪市北区1-1".into();
            employee
        })
        .collect();
    let started = now();
    store
        .apply_employees(acme.id, honsha.id, &[], &updates)
        .await
        .unwrap();
    timings.push(("apply: update every employee", started.elapsed()));
    assert_eq!(
        store.count_employees(acme.id, honsha.id).await.unwrap(),
        count as u64
    );

    let deep = EmployeeNumber::parse(&format!("{:07}", count * 9 / 10)).unwrap();
    let pages: [(&'static str, EmployeeQuery); 5] = [
        (
            "list: first page of 50",
            EmployeeQuery::first_page(honsha.id, 50),
        ),
        (
            "list: page of 50 at 90 %",
            EmployeeQuery {
                after: Some(deep),
                ..EmployeeQuery::first_page(honsha.id, 50)
            },
        ),
        (
            "list: department, first page of 50",
            EmployeeQuery {
                department: Some("部署7".into()),
                ..EmployeeQuery::first_page(honsha.id, 50)
            },
        ),
        (
            "list: search matching one (scans)",
            EmployeeQuery {
                search: Some(format!("太郎{}", count - 1)),
                ..EmployeeQuery::first_page(honsha.id, 50)
            },
        ),
        (
            "list: search matching none (scans all)",
            EmployeeQuery {
                search: Some("該当なし".into()),
                ..EmployeeQuery::first_page(honsha.id, 50)
            },
        ),
    ];
    for (what, query) in pages {
        // The second run, with warm caches and a prepared statement, is the one that counts.
        store.list_employees(acme.id, &query).await.unwrap();
        let started = now();
        store.list_employees(acme.id, &query).await.unwrap();
        timings.push((what, started.elapsed()));
    }
    let started = now();
    store.count_employees(acme.id, honsha.id).await.unwrap();
    timings.push(("count", started.elapsed()));
    timings
}
