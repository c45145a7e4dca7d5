//! The progress dashboard: counts by status and the list of employees with their declaration.

use nencho_filings::{FilingAction, FilingStatus};
use nencho_kernel::FixedClock;
use nencho_ports::{FilingQuery, Store};
use nencho_tenancy::{Company, Employee, EmployeeNumber};
use time::macros::date;

use super::filing_support::{acted, company, employee, filing, insert, tenant_with_company, year};
use super::support::clock;

/// The company's current employees and their filings for 2026, and everything that must not
/// show: a departed employee, another company, another year, another tenant.
struct Progress {
    company: Company,
    /// 0001 none, 0002 requested, 0003 submitted (営業部), 0004 approved (営業部), 0005
    /// not_requested (a filing that exists), 0006 returned; 0007 departed (approved).
    employees: Vec<Employee>,
}

async fn progress(store: &dyn Store, clock: &FixedClock) -> Progress {
    let (acme, _, honsha) = tenant_with_company(store, "acme", clock).await;
    let names = [
        ("0001", ("山田", "太郎", "ヤマダ", "タロウ")),
        ("0002", ("鈴木", "花子", "スズキ", "ハナコ")),
        ("0003", ("佐藤", "一郎", "サトウ", "イチロウ")),
        ("0004", ("山本", "次郎", "ヤマモト", "ジロウ")),
        ("0005", ("田中", "三郎", "タナカ", "サブロウ")),
        ("0006", ("高橋", "四郎", "タカハシ", "シロウ")),
        ("0007", ("伊藤", "五郎", "イトウ", "ゴロウ")),
    ];
    let mut employees = Vec::new();
    for (number, name) in names {
        employees.push(employee(store, &honsha, number, name, clock).await);
    }
    for index in [2, 3] {
        employees[index].department = Some("営業部".into());
    }
    employees[6].leave_date = Some(date!(2026 - 10 - 31));
    for changed in [2, 3, 6] {
        store
            .update_employee(acme.id, &employees[changed])
            .await
            .unwrap();
    }
    let statuses = [
        (1, FilingStatus::Requested),
        (2, FilingStatus::Submitted),
        (3, FilingStatus::Approved),
        (4, FilingStatus::NotRequested),
        (5, FilingStatus::Returned),
        (6, FilingStatus::Approved),
    ];
    let this_year: Vec<_> = statuses
        .iter()
        .map(|(index, status)| filing(&employees[*index], year(2026), *status, clock))
        .collect();
    insert(store, &this_year).await;
    // Last year's declaration of 0001 and another company's employee count for nothing.
    insert(
        store,
        &[filing(
            &employees[0],
            year(2025),
            FilingStatus::Draft,
            clock,
        )],
    )
    .await;
    let branch = company(store, &acme, "支社", clock).await;
    let elsewhere = employee(
        store,
        &branch,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    insert(
        store,
        &[filing(
            &elsewhere,
            year(2026),
            FilingStatus::Submitted,
            clock,
        )],
    )
    .await;
    // Another tenant with the same numbers.
    let (_, _, beta_company) = tenant_with_company(store, "beta", clock).await;
    let stranger = employee(
        store,
        &beta_company,
        "0002",
        ("鈴木", "花子", "スズキ", "ハナコ"),
        clock,
    )
    .await;
    insert(
        store,
        &[filing(&stranger, year(2026), FilingStatus::Approved, clock)],
    )
    .await;
    Progress {
        company: honsha,
        employees,
    }
}

fn query(company: &Company) -> FilingQuery {
    FilingQuery {
        include_departed: false,
        awaiting_originals: false,
        shared_claims: false,
        own_deadlines: false,
        checked: None,
        company_id: company.id,
        tax_year: year(2026),
        status: None,
        search: None,
        department: None,
        after: None,
        limit: 100,
    }
}

/// `(number, status)` of every row of the page.
async fn listed(
    store: &dyn Store,
    company: &Company,
    query: &FilingQuery,
) -> Vec<(String, FilingStatus)> {
    let page = store.list_filings(company.tenant_id, query).await.unwrap();
    page.rows
        .iter()
        .map(|row| (row.employee.number.as_str().to_owned(), row.status()))
        .collect()
}

pub async fn status_counts_cover_the_current_employees_of_the_company_and_year(store: &dyn Store) {
    let clock = clock();
    let progress = progress(store, &clock).await;
    let counts = store
        .status_counts(
            progress.company.tenant_id,
            progress.company.id,
            year(2026),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        counts.counts,
        vec![
            (FilingStatus::NotRequested, 2),
            (FilingStatus::Requested, 1),
            (FilingStatus::Draft, 0),
            (FilingStatus::Submitted, 1),
            (FilingStatus::Returned, 1),
            (FilingStatus::Approved, 1),
            (FilingStatus::Excluded, 0),
        ],
        "every status in order, zeros included; no filing counts as 未依頼; the departed, \
         other companies, years and tenants not at all"
    );
    assert_eq!(counts.total(), 6);
    let next_year = store
        .status_counts(
            progress.company.tenant_id,
            progress.company.id,
            year(2027),
            None,
        )
        .await
        .unwrap();
    assert_eq!(next_year.of(FilingStatus::NotRequested), 6);
    assert_eq!(next_year.total(), 6);
    let sales = store
        .status_counts(
            progress.company.tenant_id,
            progress.company.id,
            year(2026),
            Some("営業部"),
        )
        .await
        .unwrap();
    assert_eq!(
        sales.counts,
        vec![
            (FilingStatus::NotRequested, 0),
            (FilingStatus::Requested, 0),
            (FilingStatus::Draft, 0),
            (FilingStatus::Submitted, 1),
            (FilingStatus::Returned, 0),
            (FilingStatus::Approved, 1),
            (FilingStatus::Excluded, 0),
        ],
        "only the department's two current employees"
    );
    let nobody = store
        .status_counts(
            progress.company.tenant_id,
            progress.company.id,
            year(2026),
            Some("経理部"),
        )
        .await
        .unwrap();
    assert_eq!(nobody.total(), 0);
}

pub async fn filing_rows_are_found_by_number_in_one_go(store: &dyn Store) {
    let clock = clock();
    let progress = progress(store, &clock).await;
    let (tenant, company) = (progress.company.tenant_id, progress.company.id);
    let numbers: Vec<EmployeeNumber> = ["0007", "0002", "9999", "0001"]
        .into_iter()
        .map(|number| EmployeeNumber::parse(number).unwrap())
        .collect();
    let found = store
        .filing_rows_of_numbers(tenant, company, year(2026), &numbers)
        .await
        .unwrap();
    let shown: Vec<(&str, FilingStatus)> = found
        .iter()
        .map(|row| (row.employee.number.as_str(), row.status()))
        .collect();
    assert_eq!(
        shown,
        [
            ("0001", FilingStatus::NotRequested),
            ("0002", FilingStatus::Requested),
            ("0007", FilingStatus::Approved),
        ],
        "in number order, the departed included, the unknown, the other company's 0001 and \
         the other tenant's 0002 left out"
    );
    assert_eq!(found[0].employee.id, progress.employees[0].id);
    assert!(found[0].filing.is_none(), "0001 has no 2026 declaration");
    let last_year = store
        .filing_rows_of_numbers(tenant, company, year(2025), &numbers[3..])
        .await
        .unwrap();
    assert_eq!(
        last_year[0].filing.as_ref().map(|filing| filing.status),
        Some(FilingStatus::Draft)
    );
    let none = store
        .filing_rows_of_numbers(tenant, company, year(2026), &[])
        .await
        .unwrap();
    assert!(none.is_empty());
}

pub async fn counts_by_department_add_up_to_the_company_s(store: &dyn Store) {
    let clock = clock();
    let progress = progress(store, &clock).await;
    let (tenant, company) = (progress.company.tenant_id, progress.company.id);
    // 0006 (returned) moves to 経理部: three departments, one of them "none".
    let mut moved = progress.employees[5].clone();
    moved.department = Some("経理部".into());
    store.update_employee(tenant, &moved).await.unwrap();
    let by_department = store
        .status_counts_by_department(tenant, company, year(2026))
        .await
        .unwrap();
    let shown: Vec<(Option<&str>, Vec<u64>)> = by_department
        .iter()
        .map(|department| {
            (
                department.department.as_deref(),
                department
                    .counts
                    .counts
                    .iter()
                    .map(|(_, count)| *count)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            // 未依頼, 依頼中, 入力中, 提出済, 差戻し, 承認済, 対象外
            (Some("営業部"), vec![0, 0, 0, 1, 0, 1, 0]),
            (Some("経理部"), vec![0, 0, 0, 0, 1, 0, 0]),
            (None, vec![2, 1, 0, 0, 0, 0, 0]),
        ],
        "in department order, none last; the departed, other companies, years and tenants \
         not at all"
    );
    let whole = store
        .status_counts(tenant, company, year(2026), None)
        .await
        .unwrap();
    for status in FilingStatus::ALL {
        let summed: u64 = by_department
            .iter()
            .map(|department| department.counts.of(status))
            .sum();
        assert_eq!(summed, whole.of(status), "{status:?}");
    }
    let next_year = store
        .status_counts_by_department(tenant, company, year(2027))
        .await
        .unwrap();
    let totals: Vec<u64> = next_year
        .iter()
        .map(|department| department.counts.total())
        .collect();
    assert_eq!(totals, [2, 1, 3], "nobody has filed for 2027: all 未依頼");
}

pub async fn the_progress_list_filters_and_pages_by_employee_number(store: &dyn Store) {
    let clock = clock();
    let progress = progress(store, &clock).await;
    let honsha = &progress.company;
    let all = listed(store, honsha, &query(honsha)).await;
    assert_eq!(
        all,
        [
            ("0001", FilingStatus::NotRequested),
            ("0002", FilingStatus::Requested),
            ("0003", FilingStatus::Submitted),
            ("0004", FilingStatus::Approved),
            ("0005", FilingStatus::NotRequested),
            ("0006", FilingStatus::Returned),
        ]
        .map(|(number, status)| (number.to_owned(), status)),
        "current employees in number order, with this year's filing"
    );
    let mut everyone = query(honsha);
    everyone.include_departed = true;
    assert_eq!(
        listed(store, honsha, &everyone).await.last(),
        Some(&("0007".to_owned(), FilingStatus::Approved)),
        "asked for, the employee who left comes too, with the filing"
    );
    everyone.status = Some(FilingStatus::Approved);
    assert_eq!(
        listed(store, honsha, &everyone).await.len(),
        2,
        "and through a status filter (0004 and the departed 0007)"
    );
    let page = store
        .list_filings(honsha.tenant_id, &query(honsha))
        .await
        .unwrap();
    assert_eq!(page.next, None);
    assert_eq!(page.rows[0].employee, progress.employees[0]);
    assert_eq!(page.rows[0].filing, None);
    let with_filing = page.rows[1].filing.as_ref().unwrap();
    assert_eq!(with_filing.employee_id, progress.employees[1].id);
    assert_eq!(
        store
            .find_filing(honsha.tenant_id, with_filing.id)
            .await
            .unwrap()
            .as_ref(),
        Some(with_filing),
        "the listed filing is the whole filing"
    );

    let numbers = |rows: Vec<(String, FilingStatus)>| -> Vec<String> {
        rows.into_iter().map(|(number, _)| number).collect()
    };
    let mut filtered = query(honsha);
    filtered.status = Some(FilingStatus::NotRequested);
    assert_eq!(
        numbers(listed(store, honsha, &filtered).await),
        ["0001", "0005"]
    );
    filtered.status = Some(FilingStatus::Approved);
    assert_eq!(
        numbers(listed(store, honsha, &filtered).await),
        ["0004"],
        "not the departed 0007"
    );
    filtered.status = Some(FilingStatus::Draft);
    assert!(listed(store, honsha, &filtered).await.is_empty());
    filtered.status = None;
    filtered.department = Some("営業部".into());
    assert_eq!(
        numbers(listed(store, honsha, &filtered).await),
        ["0003", "0004"]
    );
    filtered.status = Some(FilingStatus::Submitted);
    assert_eq!(numbers(listed(store, honsha, &filtered).await), ["0003"]);

    for (search, expected) in [
        ("山本", vec!["0004"]),
        ("やまだ", vec!["0001"]),
        ("ヤマ", vec!["0001", "0004"]),
        ("000", vec!["0001", "0002", "0003", "0004", "0005", "0006"]),
        ("0006", vec!["0006"]),
        ("鈴木 花子", vec!["0002"]),
        ("%", vec![]),
        ("伊藤", vec![]),
    ] {
        let mut searched = query(honsha);
        searched.search = Some(search.into());
        assert_eq!(
            numbers(listed(store, honsha, &searched).await),
            expected,
            "search {search:?}"
        );
    }

    let mut paged = query(honsha);
    paged.limit = 4;
    let first = store.list_filings(honsha.tenant_id, &paged).await.unwrap();
    assert_eq!(first.rows.len(), 4);
    assert_eq!(first.next, Some(EmployeeNumber::parse("0004").unwrap()));
    paged.after = first.next;
    let second = store.list_filings(honsha.tenant_id, &paged).await.unwrap();
    let second_numbers: Vec<&str> = second
        .rows
        .iter()
        .map(|row| row.employee.number.as_str())
        .collect();
    assert_eq!(second_numbers, ["0005", "0006"]);
    assert_eq!(second.next, None);
    paged.limit = 2;
    paged.after = None;
    paged.status = Some(FilingStatus::NotRequested);
    let exact = store.list_filings(honsha.tenant_id, &paged).await.unwrap();
    assert_eq!(exact.rows.len(), 2);
    assert_eq!(exact.next, None, "no row beyond the two: no next page");
}

/// 対象外: kept with its reason, counted under its own status (not as 未依頼, whose count is
/// who has not been asked), listed by it and only by it; included back, it is counted as before.
pub async fn an_excluded_declaration_is_kept_counted_and_listed_as_excluded(store: &dyn Store) {
    let clock = clock();
    let progress = progress(store, &clock).await;
    let honsha = &progress.company;
    let tenant_id = honsha.tenant_id;
    let reason = "乙欄(扶養控除等申告書を他の勤務先に提出、または未提出): 本務先は 株式会社B";
    let exclude = FilingAction::Exclude {
        reason: reason.into(),
    };
    // 0002's requested declaration, and 0001, who has none yet: a new one, excluded at once.
    let requested = store
        .find_filing_of(tenant_id, progress.employees[1].id, year(2026))
        .await
        .unwrap()
        .unwrap();
    let mut unasked = filing(
        &progress.employees[0],
        year(2026),
        FilingStatus::NotRequested,
        &clock,
    );
    unasked.version = 0;
    let writes = [
        acted(&requested, &exclude, &clock),
        acted(&unasked, &exclude, &clock),
    ];
    store.write_filings(tenant_id, &writes).await.unwrap();
    for write in &writes {
        let found = store
            .find_filing(tenant_id, write.filing.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, write.filing, "the whole declaration");
        assert_eq!(found.status, FilingStatus::Excluded);
        assert_eq!(found.last_comment.as_deref(), Some(reason));
    }
    let history = store.filing_history(tenant_id, requested.id).await.unwrap();
    let last = history.events.last().unwrap();
    assert_eq!(
        (last.from, last.to, last.comment.as_deref()),
        (
            FilingStatus::Requested,
            FilingStatus::Excluded,
            Some(reason)
        )
    );

    let counts = store
        .status_counts(tenant_id, honsha.id, year(2026), None)
        .await
        .unwrap();
    assert_eq!(
        counts.counts,
        vec![
            (FilingStatus::NotRequested, 1),
            (FilingStatus::Requested, 0),
            (FilingStatus::Draft, 0),
            (FilingStatus::Submitted, 1),
            (FilingStatus::Returned, 1),
            (FilingStatus::Approved, 1),
            (FilingStatus::Excluded, 2),
        ],
        "0001 (a declaration now) and 0002 under 対象外; 0005 alone not requested"
    );
    assert_eq!(counts.total(), 6);
    let sales = store
        .status_counts(tenant_id, honsha.id, year(2026), Some("営業部"))
        .await
        .unwrap();
    assert_eq!(sales.of(FilingStatus::Excluded), 0);
    assert_eq!(sales.total(), 2);

    let mut filtered = query(honsha);
    filtered.status = Some(FilingStatus::Excluded);
    assert_eq!(
        listed(store, honsha, &filtered).await,
        [
            ("0001", FilingStatus::Excluded),
            ("0002", FilingStatus::Excluded)
        ]
        .map(|(number, status)| (number.to_owned(), status))
    );
    let page = store.list_filings(tenant_id, &filtered).await.unwrap();
    assert!(
        page.rows.iter().all(|row| row
            .filing
            .as_ref()
            .is_some_and(|filing| filing.last_comment.as_deref() == Some(reason))),
        "listed with the reason"
    );
    filtered.status = Some(FilingStatus::NotRequested);
    assert_eq!(
        listed(store, honsha, &filtered).await,
        [("0005".to_owned(), FilingStatus::NotRequested)],
        "an excluded declaration is not awaiting a request"
    );
    filtered.status = Some(FilingStatus::Requested);
    assert!(listed(store, honsha, &filtered).await.is_empty());
    let all = listed(store, honsha, &query(honsha)).await;
    assert_eq!(all.len(), 6);
    assert_eq!(all[1], ("0002".to_owned(), FilingStatus::Excluded));

    // 対象に戻す: 0002 back to 依頼中 with no comment.
    let excluded = store
        .find_filing(tenant_id, requested.id)
        .await
        .unwrap()
        .unwrap();
    let include = FilingAction::Include {
        restore: FilingStatus::Requested,
        comment: None,
    };
    let back = acted(&excluded, &include, &clock);
    store
        .write_filings(tenant_id, std::slice::from_ref(&back))
        .await
        .unwrap();
    let found = store
        .find_filing(tenant_id, requested.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.status, FilingStatus::Requested);
    assert_eq!(found.last_comment, None);
    let counts = store
        .status_counts(tenant_id, honsha.id, year(2026), None)
        .await
        .unwrap();
    assert_eq!(counts.of(FilingStatus::Requested), 1);
    assert_eq!(counts.of(FilingStatus::Excluded), 1);
    assert_eq!(counts.total(), 6);
    filtered.status = Some(FilingStatus::Excluded);
    assert_eq!(
        listed(store, honsha, &filtered).await,
        [("0001".to_owned(), FilingStatus::Excluded)]
    );
}

/// 一次確認: the mark round-trips (inserted in a batch, set and taken off by an update), and the
/// 提出済 declarations are listed and counted with or without it — current employees only,
/// by department, never another tenant's.
pub async fn checked_declarations_are_listed_and_counted_with_their_mark(store: &dyn Store) {
    use nencho_filings::CheckMark;
    use nencho_kernel::Clock;
    use nencho_ports::FilingMark;

    let clock = clock();
    let (acme, admin, honsha) = tenant_with_company(store, "acme", &clock).await;
    let (beta, _, beta_honsha) = tenant_with_company(store, "beta", &clock).await;
    let names = ("山田", "太郎", "ヤマダ", "タロウ");
    let mut staff = Vec::new();
    for number in ["0001", "0002", "0003", "0004", "0005"] {
        staff.push(employee(store, &honsha, number, names, &clock).await);
    }
    staff[2].department = Some("営業部".into());
    store.update_employee(acme.id, &staff[2]).await.unwrap();
    staff[4].leave_date = Some(date!(2026 - 11 - 15));
    store.update_employee(acme.id, &staff[4]).await.unwrap();
    let mark = CheckMark {
        at: clock.now(),
        by: admin,
    };
    let with = |index: usize, status: FilingStatus, checked: bool| {
        let mut this = filing(&staff[index], year(2026), status, &clock);
        this.checked = checked.then_some(mark);
        this
    };
    let filings = [
        with(0, FilingStatus::Submitted, true),
        with(1, FilingStatus::Submitted, false),
        with(2, FilingStatus::Submitted, true),
        with(3, FilingStatus::Draft, false),
        with(4, FilingStatus::Submitted, true),
    ];
    insert(store, &filings).await;
    let mut other = filing(
        &employee(store, &beta_honsha, "0001", names, &clock).await,
        year(2026),
        FilingStatus::Submitted,
        &clock,
    );
    other.checked = Some(mark);
    insert(store, std::slice::from_ref(&other)).await;
    assert_eq!(
        store
            .find_filing(acme.id, filings[0].id)
            .await
            .unwrap()
            .unwrap()
            .checked,
        Some(mark),
        "the mark round-trips"
    );

    let listed = |checked: bool, department: Option<&str>| {
        let query = FilingQuery {
            company_id: honsha.id,
            tax_year: year(2026),
            status: Some(FilingStatus::Submitted),
            search: None,
            department: department.map(str::to_owned),
            include_departed: false,
            awaiting_originals: false,
            shared_claims: false,
            own_deadlines: false,
            checked: Some(checked),
            after: None,
            limit: 50,
        };
        async move {
            store
                .list_filings(acme.id, &query)
                .await
                .unwrap()
                .rows
                .iter()
                .map(|row| row.employee.number.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(true, None).await, ["0001", "0003"]);
    assert_eq!(listed(false, None).await, ["0002"]);
    assert_eq!(listed(true, Some("営業部")).await, ["0003"]);
    let count = |tenant, company, department| async move {
        store
            .marked_count(tenant, company, year(2026), department, FilingMark::Checked)
            .await
            .unwrap()
    };
    assert_eq!(count(acme.id, honsha.id, None).await, 2);
    assert_eq!(count(acme.id, honsha.id, Some("営業部")).await, 1);
    assert_eq!(count(beta.id, beta_honsha.id, None).await, 1);

    // Checked by an update, and taken off by the next action.
    let checked = acted(&filings[1], &FilingAction::Check, &clock);
    let stored_mark = checked.filing.checked;
    assert!(stored_mark.is_some());
    store
        .write_filings(acme.id, std::slice::from_ref(&checked))
        .await
        .unwrap();
    let found = store
        .find_filing(acme.id, filings[1].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.checked, stored_mark);
    assert_eq!(listed(false, None).await, Vec::<String>::new());
    assert_eq!(count(acme.id, honsha.id, None).await, 3);
    let unchecked = acted(&found, &FilingAction::Uncheck, &clock);
    store.write_filings(acme.id, &[unchecked]).await.unwrap();
    assert_eq!(
        store
            .find_filing(acme.id, filings[1].id)
            .await
            .unwrap()
            .unwrap()
            .checked,
        None
    );
    assert_eq!(listed(false, None).await, ["0002"]);
}
