//! 重複扶養チェック: every write of a declaration stores the people it claims; a search by person
//! finds them in the company and year only; the dashboard counts and lists the declarations
//! that share a person; employees are found by birth date.

use nencho_filings::{
    ClaimRole, Declaration, Filing, FilingAction, FilingStatus, PersonKey, PersonName,
    RelativeEntry,
};
use nencho_kernel::{FixedClock, Yen};
use nencho_ports::{FilingQuery, Store};
use nencho_tenancy::{Company, Employee, Tenant};
use time::macros::date;

use super::filing_support::{
    acted, bare, company, employee, filing, insert, tenant_with_company, year,
};
use super::support::clock;

fn child(name: &str, kana: &str) -> RelativeEntry {
    RelativeEntry {
        name: PersonName {
            name: name.into(),
            kana: kana.into(),
        },
        relationship: "長男".into(),
        birth_date: date!(2015 - 04 - 01),
        estimated_income: Yen::ZERO,
        lives_together: true,
        lineal_ascendant: false,
        disability: Default::default(),
        claimed_by_other_earner: false,
        non_resident: false,
    }
}

/// A declaration claiming the child 山田一郎 (born 2015-04-01), its kana typed as given.
fn claiming_the_child(kana: &str) -> Declaration {
    let mut document = Declaration::default();
    document.answers.has_dependents = Some(true);
    document.taxpayer.estimated_salary = Yen::new(5_000_000);
    document.relatives.push(child("山田 一郎", kana));
    document
}

fn the_child_keys() -> Vec<PersonKey> {
    PersonKey::of("山田一郎", "ヤマダイチロウ", date!(2015 - 04 - 01))
}

fn shared(company: &Company) -> FilingQuery {
    FilingQuery {
        company_id: company.id,
        tax_year: year(2026),
        status: None,
        search: None,
        department: None,
        include_departed: false,
        awaiting_originals: false,
        shared_claims: true,
        own_deadlines: false,
        checked: None,
        after: None,
        limit: 50,
    }
}

/// The employee numbers of the progress list's first page for `query`.
async fn numbers_listed(store: &dyn Store, tenant: &Tenant, query: &FilingQuery) -> Vec<String> {
    store
        .list_filings(tenant.id, query)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|row| row.employee.number.to_string())
        .collect()
}

struct SharedChild {
    tenant: Tenant,
    honsha: Company,
    /// 0001 and 0002 (営業部) both claim the child; 0003 claims nobody.
    employees: Vec<Employee>,
    filings: Vec<Filing>,
}

/// Tenant `acme`: 0001 (kana in katakana) and 0002 (営業部, kana in hiragana) claim the same
/// child in 2026; the child in 0001's 2025 declaration, in another company's and in another
/// tenant's count for nothing.
async fn shared_child(store: &dyn Store, clock: &FixedClock) -> SharedChild {
    let (tenant, _, honsha) = tenant_with_company(store, "acme", clock).await;
    let mut employees = Vec::new();
    for (number, name) in [
        ("0001", ("山田", "太郎", "ヤマダ", "タロウ")),
        ("0002", ("山田", "花子", "ヤマダ", "ハナコ")),
        ("0003", ("佐藤", "一郎", "サトウ", "イチロウ")),
    ] {
        employees.push(employee(store, &honsha, number, name, clock).await);
    }
    employees[1].department = Some("営業部".into());
    store
        .update_employee(tenant.id, &employees[1])
        .await
        .unwrap();
    let mut filings = Vec::new();
    for (index, kana) in [
        (0, Some("ヤマダ イチロウ")),
        (1, Some("やまだ いちろう")),
        (2, None),
    ] {
        let mut this_year = filing(&employees[index], year(2026), FilingStatus::Draft, clock);
        if let Some(kana) = kana {
            this_year.document = claiming_the_child(kana);
        }
        filings.push(this_year);
    }
    // One batch: the bulk path of a request.
    insert(store, &filings).await;
    let mut last_year = filing(&employees[0], year(2025), FilingStatus::Approved, clock);
    last_year.document = claiming_the_child("ヤマダイチロウ");
    insert(store, &[last_year]).await;
    let branch = company(store, &tenant, "支社", clock).await;
    let elsewhere = employee(
        store,
        &branch,
        "0001",
        ("山田", "次郎", "ヤマダ", "ジロウ"),
        clock,
    )
    .await;
    let mut there = filing(&elsewhere, year(2026), FilingStatus::Draft, clock);
    there.document = claiming_the_child("ヤマダイチロウ");
    insert(store, &[there]).await;
    let (other, _, other_company) = tenant_with_company(store, "beta", clock).await;
    let stranger = employee(
        store,
        &other_company,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    let mut theirs = filing(&stranger, year(2026), FilingStatus::Draft, clock);
    theirs.document = claiming_the_child("ヤマダイチロウ");
    insert(store, &[theirs]).await;
    assert_ne!(other.id, tenant.id);
    SharedChild {
        tenant,
        honsha,
        employees,
        filings,
    }
}

pub async fn a_person_claimed_twice_is_found_counted_and_listed(store: &dyn Store) {
    let clock = clock();
    let setup = shared_child(store, &clock).await;
    the_shared_child_is_found(store, &setup.tenant, &setup.honsha, &setup.employees).await;
    // The department's view counts 0002 only (0001 has none).
    assert_eq!(
        store
            .shared_claim_count(setup.tenant.id, setup.honsha.id, year(2026), Some("営業部"))
            .await
            .unwrap(),
        1
    );
    // Across the tenant's companies (a reviewer of the whole tenant): 支社's declaration too,
    // never beta's, and never 2025's.
    let everywhere = store
        .claims_under(setup.tenant.id, None, year(2026), &the_child_keys())
        .await
        .unwrap();
    assert_eq!(everywhere.len(), 6, "{everywhere:?}");
    let mut filings: Vec<_> = everywhere.iter().map(|record| record.filing_id).collect();
    filings.dedup();
    assert_eq!(filings.len(), 3);
    assert!(filings.contains(&setup.filings[0].id) && filings.contains(&setup.filings[1].id));
    let born: Vec<String> = store
        .employees_born_on(setup.tenant.id, None, &[date!(1990 - 04 - 01)])
        .await
        .unwrap()
        .iter()
        .map(|employee| format!("{}:{}", employee.name.given, employee.number))
        .collect();
    assert_eq!(born.len(), 4, "本社 0001–0003 and 支社 0001: {born:?}");
    assert!(born.contains(&"次郎:0001".to_owned()));
    // The flag of given declarations (a bulk approval's answer), empty for none asked.
    let ids: Vec<_> = setup.filings.iter().map(|filing| filing.id).collect();
    let mut sharing = store.sharing_claims(setup.tenant.id, &ids).await.unwrap();
    sharing.sort();
    let mut expected = vec![setup.filings[0].id, setup.filings[1].id];
    expected.sort();
    assert_eq!(sharing, expected);
    assert!(
        store
            .sharing_claims(setup.tenant.id, &[])
            .await
            .unwrap()
            .is_empty()
    );
    // 0001 leaves: the dashboard counts current employees only.
    let mut departed = setup.employees[0].clone();
    departed.leave_date = Some(date!(2026 - 10 - 31));
    store
        .update_employee(setup.tenant.id, &departed)
        .await
        .unwrap();
    assert_eq!(
        store
            .shared_claim_count(setup.tenant.id, setup.honsha.id, year(2026), None)
            .await
            .unwrap(),
        1
    );
}

/// What [`a_person_claimed_twice_is_found_counted_and_listed`] stores, checked: also after the
/// store indexed declarations written before the index existed.
async fn the_shared_child_is_found(
    store: &dyn Store,
    tenant: &Tenant,
    honsha: &Company,
    employees: &[Employee],
) {
    let records = store
        .claims_under(tenant.id, Some(honsha.id), year(2026), &the_child_keys())
        .await
        .unwrap();
    // Two declarations, each under the kana key and the name key.
    assert_eq!(records.len(), 4, "{records:?}");
    let mut claimers: Vec<_> = records.iter().map(|record| record.employee_id).collect();
    claimers.dedup();
    let mut expected = vec![employees[0].id, employees[1].id];
    expected.sort();
    claimers.sort();
    claimers.dedup();
    assert_eq!(claimers, expected);
    for record in &records {
        assert_eq!(record.role, ClaimRole::Dependent);
        assert_eq!(record.ordinal, 1);
        assert_eq!(record.person_name, "山田 一郎");
        assert_eq!(record.declared_income, Yen::ZERO);
        assert!(the_child_keys().contains(&record.key));
    }
    assert_eq!(
        store
            .shared_claim_count(tenant.id, honsha.id, year(2026), None)
            .await
            .unwrap(),
        2
    );
    let listed = numbers_listed(store, tenant, &shared(honsha)).await;
    assert_eq!(listed, ["0001", "0002"]);
    let in_sales = FilingQuery {
        department: Some("営業部".into()),
        ..shared(honsha)
    };
    let listed = numbers_listed(store, tenant, &in_sales).await;
    assert_eq!(listed, ["0002"]);
}

pub async fn a_rewritten_declaration_replaces_its_claims(store: &dyn Store) {
    let clock = clock();
    let setup = shared_child(store, &clock).await;
    // 0002 leaves the child to the other parent: marked 他の所得者が控除, no longer claimed.
    let mut changed = setup.filings[1].clone();
    changed.document.relatives[0].claimed_by_other_earner = true;
    changed.version = 2;
    store
        .write_filings(setup.tenant.id, &[bare(&changed, 1)])
        .await
        .unwrap();
    let records = store
        .claims_under(
            setup.tenant.id,
            Some(setup.honsha.id),
            year(2026),
            &the_child_keys(),
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    assert!(
        records
            .iter()
            .all(|record| record.employee_id == setup.employees[0].id)
    );
    assert_eq!(
        store
            .shared_claim_count(setup.tenant.id, setup.honsha.id, year(2026), None)
            .await
            .unwrap(),
        0
    );
    assert!(
        store
            .list_filings(setup.tenant.id, &shared(&setup.honsha))
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    // 0003 now claims a spouse: found under the spouse's keys with the declared income.
    let mut spouse_claim = setup.filings[2].clone();
    spouse_claim.document.answers.has_spouse = Some(true);
    spouse_claim.document.taxpayer.estimated_salary = Yen::new(5_000_000);
    spouse_claim.document.spouse = Some(nencho_filings::SpouseEntry {
        name: PersonName {
            name: "佐藤 花子".into(),
            kana: String::new(),
        },
        birth_date: date!(1991 - 01 - 01),
        estimated_income: Yen::new(400_000),
        disability: Default::default(),
        lives_together: true,
        non_resident: false,
    });
    spouse_claim.version = 2;
    store
        .write_filings(setup.tenant.id, &[bare(&spouse_claim, 1)])
        .await
        .unwrap();
    let keys = PersonKey::of("佐藤花子", "", date!(1991 - 01 - 01));
    let records = store
        .claims_under(setup.tenant.id, Some(setup.honsha.id), year(2026), &keys)
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].role, ClaimRole::Spouse);
    assert_eq!(records[0].ordinal, 0);
    assert_eq!(records[0].filing_id, spouse_claim.id);
    assert_eq!(records[0].declared_income, Yen::new(400_000));
}

/// The declarations of the fixture's company and year flagged as sharing a claimed person: the
/// dashboard's count, its filtered list (by number) and the flags of `asked`.
async fn sharing(
    store: &dyn Store,
    setup: &SharedChild,
    asked: &[&Filing],
) -> (u64, Vec<String>, Vec<nencho_kernel::FilingId>) {
    let count = store
        .shared_claim_count(setup.tenant.id, setup.honsha.id, year(2026), None)
        .await
        .unwrap();
    let listed = store
        .list_filings(setup.tenant.id, &shared(&setup.honsha))
        .await
        .unwrap()
        .rows
        .iter()
        .map(|row| row.employee.number.to_string())
        .collect();
    let ids: Vec<_> = asked.iter().map(|filing| filing.id).collect();
    let mut flagged = store.sharing_claims(setup.tenant.id, &ids).await.unwrap();
    flagged.sort();
    (count, listed, flagged)
}

/// The employees (by number) whose 2026 declarations in the fixture's company claim the child.
async fn claimers(store: &dyn Store, setup: &SharedChild) -> Vec<String> {
    let records = store
        .claims_under(
            setup.tenant.id,
            Some(setup.honsha.id),
            year(2026),
            &the_child_keys(),
        )
        .await
        .unwrap();
    let mut numbers: Vec<String> = records
        .iter()
        .map(|record| {
            let employee = setup
                .employees
                .iter()
                .find(|employee| employee.id == record.employee_id)
                .unwrap();
            employee.number.to_string()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    numbers
}

/// 対象外: an employee outside the year-end adjustment claims no one with this employer, so an
/// excluded declaration's relatives are not stored as claims and raise no 重複の疑い — not when
/// it is written excluded (a batch: PostgreSQL's bulk insert), and not once a declaration
/// sharing the child is excluded, which clears the other's flag; included back, it claims the
/// child again and both are flagged again.
pub async fn an_excluded_declaration_claims_no_one_until_it_is_included_back(store: &dyn Store) {
    let clock = clock();
    let mut setup = shared_child(store, &clock).await;
    let reason = "給与の収入金額が2,000万円を超える";
    let exclude = FilingAction::Exclude {
        reason: reason.into(),
    };
    // 0004 and 0005 join; 0004's new declaration claims the child but is excluded at once.
    for (number, name) in [
        ("0004", ("山田", "三郎", "ヤマダ", "サブロウ")),
        ("0005", ("鈴木", "四郎", "スズキ", "シロウ")),
    ] {
        setup
            .employees
            .push(employee(store, &setup.honsha, number, name, &clock).await);
    }
    let mut excluded_at_once = filing(
        &setup.employees[3],
        year(2026),
        FilingStatus::NotRequested,
        &clock,
    );
    excluded_at_once.document = claiming_the_child("ヤマダ イチロウ");
    excluded_at_once.version = 0;
    let excluded_at_once = acted(&excluded_at_once, &exclude, &clock);
    let mut neighbour = filing(&setup.employees[4], year(2026), FilingStatus::Draft, &clock);
    neighbour.version = 1;
    store
        .write_filings(
            setup.tenant.id,
            &[excluded_at_once.clone(), bare(&neighbour, 0)],
        )
        .await
        .unwrap();
    let fourth = &excluded_at_once.filing;
    assert_eq!(claimers(store, &setup).await, ["0001", "0002"]);
    let (first, second) = (&setup.filings[0], &setup.filings[1]);
    let mut both = vec![first.id, second.id];
    both.sort();
    assert_eq!(
        sharing(store, &setup, &[first, second, fourth]).await,
        (2, vec!["0001".to_owned(), "0002".to_owned()], both.clone())
    );

    // 0002 is excluded: 0001 no longer shares the child with anyone.
    let excluded = acted(second, &exclude, &clock);
    store
        .write_filings(setup.tenant.id, std::slice::from_ref(&excluded))
        .await
        .unwrap();
    assert_eq!(claimers(store, &setup).await, ["0001"]);
    assert_eq!(
        sharing(store, &setup, &[first, second, fourth]).await,
        (0, Vec::new(), Vec::new())
    );
    assert_eq!(
        store
            .shared_claim_count(setup.tenant.id, setup.honsha.id, year(2026), Some("営業部"))
            .await
            .unwrap(),
        0
    );
    let kept = store
        .find_filing(setup.tenant.id, second.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.status, FilingStatus::Excluded);
    assert_eq!(kept.last_comment.as_deref(), Some(reason));
    assert_eq!(kept.document, second.document, "the document is kept whole");

    // Included back to 入力中: both claim the child again.
    let include = FilingAction::Include {
        restore: FilingStatus::Draft,
        comment: None,
    };
    store
        .write_filings(setup.tenant.id, &[acted(&kept, &include, &clock)])
        .await
        .unwrap();
    assert_eq!(claimers(store, &setup).await, ["0001", "0002"]);
    assert_eq!(
        sharing(store, &setup, &[first, second, fourth]).await,
        (2, vec!["0001".to_owned(), "0002".to_owned()], both)
    );
    // And 0004 too, once included: three declarations share the child.
    store
        .write_filings(setup.tenant.id, &[acted(fourth, &include, &clock)])
        .await
        .unwrap();
    assert_eq!(claimers(store, &setup).await, ["0001", "0002", "0004"]);
    let (count, listed, flagged) = sharing(store, &setup, &[first, second, fourth]).await;
    assert_eq!(count, 3);
    assert_eq!(listed, ["0001", "0002", "0004"]);
    assert_eq!(flagged.len(), 3);
}

pub async fn employees_are_found_by_birth_date_in_their_company(store: &dyn Store) {
    let clock = clock();
    let setup = shared_child(store, &clock).await;
    let mut born = setup.employees[2].clone();
    born.birth_date = date!(2015 - 04 - 01);
    store.update_employee(setup.tenant.id, &born).await.unwrap();
    let found = store
        .employees_born_on(
            setup.tenant.id,
            Some(setup.honsha.id),
            &[date!(2015 - 04 - 01), date!(1800 - 01 - 01)],
        )
        .await
        .unwrap();
    assert_eq!(found, vec![born]);
    // The fixture's others are born 1990-04-01, in number order.
    let numbers: Vec<String> = store
        .employees_born_on(
            setup.tenant.id,
            Some(setup.honsha.id),
            &[date!(1990 - 04 - 01)],
        )
        .await
        .unwrap()
        .iter()
        .map(|employee| employee.number.to_string())
        .collect();
    assert_eq!(numbers, ["0001", "0002"]);
    assert!(
        store
            .employees_born_on(setup.tenant.id, Some(setup.honsha.id), &[])
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn claims_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let setup = shared_child(store, &clock).await;
    let beta = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "beta")
        .unwrap();
    // acme's company asked under beta's id, and beta's own company: one declaration each side.
    assert!(
        store
            .claims_under(
                beta.id,
                Some(setup.honsha.id),
                year(2026),
                &the_child_keys()
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .employees_born_on(beta.id, Some(setup.honsha.id), &[date!(1990 - 04 - 01)])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .shared_claim_count(beta.id, setup.honsha.id, year(2026), None)
            .await
            .unwrap(),
        0
    );
    // Across the whole tenant, beta's own declaration only.
    let everywhere = store
        .claims_under(beta.id, None, year(2026), &the_child_keys())
        .await
        .unwrap();
    assert_eq!(everywhere.len(), 2);
    assert!(setup.filings.iter().all(|filing| {
        everywhere
            .iter()
            .all(|record| record.filing_id != filing.id)
    }));
    let beta_company = store.list_companies(beta.id).await.unwrap().remove(0);
    assert_eq!(
        store
            .claims_under(
                beta.id,
                Some(beta_company.id),
                year(2026),
                &the_child_keys()
            )
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .shared_claim_count(beta.id, beta_company.id, year(2026), None)
            .await
            .unwrap(),
        0
    );
}

/// The state of [`a_person_claimed_twice_is_found_counted_and_listed`]'s fixture, stored by
/// [`store_a_shared_child`], checked again: for a store that indexed the claims on opening.
pub async fn the_shared_child_is_found_again(store: &dyn Store) {
    let (acme, honsha) = acme_honsha(store).await;
    let mut employees = Vec::new();
    for number in ["0001", "0002"] {
        employees.push(
            store
                .find_employee_by_number(
                    acme.id,
                    honsha.id,
                    &nencho_tenancy::EmployeeNumber::parse(number).unwrap(),
                )
                .await
                .unwrap()
                .unwrap(),
        );
    }
    the_shared_child_is_found(store, &acme, &honsha, &employees).await;
}

/// Stores the shared-child fixture (see [`the_shared_child_is_found_again`]).
pub async fn store_a_shared_child(store: &dyn Store) {
    let clock = clock();
    let setup = shared_child(store, &clock).await;
    the_shared_child_is_found(store, &setup.tenant, &setup.honsha, &setup.employees).await;
}

/// A declaration whose 翌年分 family differs from this year's: `this_year` claims the child
/// this year; `next_year` next year.
fn families(this_year: bool, next_year: bool) -> Declaration {
    let mut document = claiming_the_child("ヤマダイチロウ");
    if !this_year {
        document.answers.has_dependents = Some(false);
        document.relatives.clear();
    }
    document.next_year.same_as_this_year = Some(false);
    if next_year {
        document
            .next_year
            .relatives
            .push(child("山田 一郎", "ヤマダイチロウ"));
    }
    document
}

fn the_child_next_year_keys() -> Vec<PersonKey> {
    the_child_keys()
        .iter()
        .map(PersonKey::for_next_year)
        .collect()
}

/// Tenant `acme`, 本社 2026: 0001 claims the child next year only, 0002 this year only, 0003
/// next year only.
async fn next_year_children(store: &dyn Store, clock: &FixedClock) -> (Tenant, Company) {
    let (tenant, _, honsha) = tenant_with_company(store, "acme", clock).await;
    let mut filings = Vec::new();
    for (number, this_year, next_year) in [
        ("0001", false, true),
        ("0002", true, false),
        ("0003", false, true),
    ] {
        let someone = employee(
            store,
            &honsha,
            number,
            ("山田", number, "ヤマダ", "タロウ"),
            clock,
        )
        .await;
        let mut declaration = filing(&someone, year(2026), FilingStatus::Draft, clock);
        declaration.document = families(this_year, next_year);
        filings.push(declaration);
    }
    insert(store, &filings).await;
    (tenant, honsha)
}

/// What [`next_year_claims_meet_only_next_year_claims`] stores, checked.
async fn the_next_year_child_is_found(store: &dyn Store, tenant: &Tenant, honsha: &Company) {
    let number_of = |records: &[nencho_filings::ClaimRecord]| {
        let mut ordinals: Vec<(u32, bool)> = records
            .iter()
            .map(|record| (record.ordinal, record.key.is_next_year()))
            .collect();
        ordinals.sort();
        ordinals.dedup();
        ordinals
    };
    let next_year = store
        .claims_under(
            tenant.id,
            Some(honsha.id),
            year(2026),
            &the_child_next_year_keys(),
        )
        .await
        .unwrap();
    assert_eq!(
        next_year.len(),
        4,
        "0001 and 0003, two keys each: {next_year:?}"
    );
    assert_eq!(number_of(&next_year), [(1001, true)]);
    let this_year = store
        .claims_under(tenant.id, Some(honsha.id), year(2026), &the_child_keys())
        .await
        .unwrap();
    assert_eq!(this_year.len(), 2, "0002 only: {this_year:?}");
    assert_eq!(number_of(&this_year), [(1, false)]);
    let listed = numbers_listed(store, tenant, &shared(honsha)).await;
    assert_eq!(
        listed,
        ["0001", "0003"],
        "next year's claims share with next year's; this year's with nobody"
    );
    assert_eq!(
        store
            .shared_claim_count(tenant.id, honsha.id, year(2026), None)
            .await
            .unwrap(),
        2
    );
}

pub async fn next_year_claims_meet_only_next_year_claims(store: &dyn Store) {
    let clock = clock();
    let (tenant, honsha) = next_year_children(store, &clock).await;
    the_next_year_child_is_found(store, &tenant, &honsha).await;
    // 0002's next year matches this year: its 翌年分 now claims the child too.
    let claimant = store
        .find_employee_by_number(
            tenant.id,
            honsha.id,
            &nencho_tenancy::EmployeeNumber::parse("0002").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let mut second = store
        .find_filing_of(tenant.id, claimant.id, year(2026))
        .await
        .unwrap()
        .unwrap();
    let expected_version = second.version;
    second.document.next_year.same_as_this_year = Some(true);
    second.version += 1;
    store
        .write_filings(tenant.id, &[bare(&second, expected_version)])
        .await
        .unwrap();
    let listed = numbers_listed(store, &tenant, &shared(&honsha)).await;
    assert_eq!(listed, ["0001", "0002", "0003"]);
}

/// Stores the fixture of [`next_year_claims_meet_only_next_year_claims`] (for a store that
/// indexes the claims again on opening: [`the_next_year_child_is_found_again`]).
pub async fn store_next_year_children(store: &dyn Store) {
    let clock = clock();
    let (tenant, honsha) = next_year_children(store, &clock).await;
    the_next_year_child_is_found(store, &tenant, &honsha).await;
}

/// [`store_next_year_children`]'s state, checked again after the store reopened.
pub async fn the_next_year_child_is_found_again(store: &dyn Store) {
    let (tenant, honsha) = acme_honsha(store).await;
    the_next_year_child_is_found(store, &tenant, &honsha).await;
}

/// The fixtures' tenant `acme` and its company 本社, found again in a reopened store.
async fn acme_honsha(store: &dyn Store) -> (Tenant, Company) {
    let acme = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "acme")
        .unwrap();
    let honsha = store
        .list_companies(acme.id)
        .await
        .unwrap()
        .into_iter()
        .find(|company| company.name.as_str() == "本社")
        .unwrap();
    (acme, honsha)
}
