//! 重複扶養チェック through the HTTP surface, on SQLite and on PostgreSQL: two employees
//! declare the same child; the dashboard counts them as 重複の疑い and lists them under that
//! filter (page and CSV); the declaration's page names the other declaration and links it,
//! escaping what the employees typed, as does proxy entry's review; a 一括承認 names them on its
//! answer; the employee's own pages show nothing of the other.

use std::sync::Arc;

use nencho_filings::{Declaration, Filing, FilingStatus, PersonName, RelativeEntry};
use nencho_kernel::{Clock, FilingId, SystemClock, Yen};
use nencho_ports::{FilingWrite, Store};
use nencho_tenancy::Employee;
use poem::http::StatusCode;
use time::macros::date;

use crate::filings::{count_in, employee_of, world};

on_both_stores!(
    a_child_declared_by_two_employees_is_flagged_for_the_reviewers_only,
    a_child_both_declare_for_next_year_only_is_flagged_as_next_year_s,
);

/// A submitted declaration of `employee` claiming the child `child` (born 2015-04-01).
fn declaring(employee: &Employee, year: nencho_kernel::TaxYear, child: &str) -> Filing {
    let mut filing = Filing::new(
        FilingId::generate(&SystemClock),
        employee.tenant_id,
        employee.company_id,
        employee.id,
        year,
        SystemClock.now(),
    );
    // Every question answered, so that the declaration can be approved.
    let mut document = Declaration {
        answers: nencho_filings::Answers {
            has_spouse: Some(false),
            has_dependents: Some(true),
            paid_life_insurance: Some(false),
            paid_earthquake_insurance: Some(false),
            paid_social_insurance: Some(false),
            paid_mutual_aid: Some(false),
            has_housing_loan: Some(false),
            had_previous_employer: Some(false),
        },
        ..Declaration::default()
    };
    document.next_year.same_as_this_year = Some(true);
    document.taxpayer.estimated_salary = Yen::new(5_000_000);
    document.relatives.push(RelativeEntry {
        name: PersonName {
            name: child.into(),
            kana: "ヤマダ イチロウ".into(),
        },
        relationship: "長男".into(),
        birth_date: date!(2015 - 04 - 01),
        estimated_income: Yen::ZERO,
        lives_together: true,
        lineal_ascendant: false,
        disability: Default::default(),
        claimed_by_other_earner: false,
        non_resident: false,
    });
    filing.document = document;
    filing.status = FilingStatus::Submitted;
    filing.version = 1;
    filing
}

/// Stores new declarations as they are, nothing else.
async fn store_new(store: &Arc<dyn Store>, filings: &[&Filing]) {
    let writes: Vec<FilingWrite> = filings
        .iter()
        .map(|filing| FilingWrite {
            filing: (*filing).clone(),
            expected_version: 0,
            event: None,
            changes: Vec::new(),
            mail: None,
        })
        .collect();
    store
        .write_filings(filings[0].tenant_id, &writes)
        .await
        .unwrap();
}

async fn a_child_declared_by_two_employees_is_flagged_for_the_reviewers_only(
    store: Arc<dyn Store>,
) {
    let mut world = world(&store).await;
    let year = world.year;
    world.open_periods().await;
    let tenant = world.company.tenant_id;
    let other_id = employee_of(&world.services, tenant, world.company.id).await;
    let other = store
        .find_employee(tenant, other_id)
        .await
        .unwrap()
        .unwrap();
    // The kana matches; the names differ in spacing and one carries markup.
    let mine = declaring(&world.employee, year, "山田 <b>一郎</b>");
    let theirs = declaring(&other, year, "山田　一郎");
    store_new(&store, &[&mine, &theirs]).await;

    let dashboard = format!(
        "/admin/companies/{}/filings/{}",
        world.company.id,
        year.year()
    );
    let (status, page, _) = world.admin.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(count_in(&page, "shared-claims-count"), 2, "{page}");
    let (_, page, _) = world.admin.get(&format!("{dashboard}?claims=shared")).await;
    assert!(page.contains(r#"<td class="number">E0001</td>"#), "{page}");
    assert!(page.contains(r#"<td class="number">E0002</td>"#), "{page}");
    assert!(page.contains(r#"<input type="hidden" name="claims" value="shared">"#));
    assert_eq!(
        page.matches(r#"<span class="badge shares-claims">重複の疑い</span>"#)
            .count(),
        2
    );
    let (status, _, csv) = world
        .admin
        .get_file(&format!("{dashboard}/progress.csv?claims=shared"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines().skip(1).all(|line| line.ends_with(",1,,,0")),
        "the 重複の疑い column before the empty comment, own deadline, and the 一次確認: {csv}"
    );

    // The declaration's page names the other one and links it; what was typed is escaped.
    let (status, page, _) = world
        .admin
        .get(&format!("/admin/filings/{}", mine.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="claim-checks""#), "{page}");
    assert!(
        page.contains("同じ方が他の従業員の申告書でも控除の対象になっています"),
        "{page}"
    );
    assert!(
        page.contains("社員番号 E0002 山田 太郎(提出済・総務部)"),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"href="/admin/filings/{}""#, theirs.id)),
        "{page}"
    );
    assert!(page.contains("山田 &#60;b&#62;一郎&#60;/b&#62;"), "{page}");
    assert!(!page.contains("<b>一郎"), "{page}");
    assert!(
        !page.contains("翌年分: 同じ方"),
        "next year's family is this year's: its finding is not repeated: {page}"
    );

    // The clerk's proxy-entry review page says the same; the employee's own review page never.
    let (status, page, _) = world
        .admin
        .get(&format!(
            "/admin/employees/{}/filings/{}/review",
            world.employee.id,
            year.year()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="claim-checks""#), "{page}");
    let (status, page, _) = world.staff[0]
        .get(&format!("/filings/{}/review", year.year()))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        !page.contains("claim-checks") && !page.contains("E0002"),
        "{page}"
    );

    // A 一括承認 of both approves them and names them for a second look.
    let approve = format!("{dashboard}/approve");
    let selected = |filing: &Filing| format!("{}:{}", filing.id, filing.version);
    let (status, page, _) = world
        .admin
        .post(
            &approve,
            &[
                ("selected", &selected(&mine)),
                ("selected", &selected(&theirs)),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("2件を承認しました"), "{page}");
    assert!(page.contains(r#"id="approved-sharing""#), "{page}");
    assert!(
        page.contains(&format!(
            r#"<li class="sharing"><a href="/admin/filings/{}">E0002 山田 太郎</a></li>"#,
            theirs.id
        )),
        "{page}"
    );
    let theirs = store.find_filing(tenant, theirs.id).await.unwrap().unwrap();
    assert_eq!(theirs.status, FilingStatus::Approved);

    // Once E0002 leaves the child to the other parent, nothing is flagged.
    let mut let_go = theirs.clone();
    let_go.document.relatives[0].claimed_by_other_earner = true;
    let_go.version = theirs.version + 1;
    crate::filings::put_filing(store.as_ref(), &let_go, theirs.version).await;
    let (_, page, _) = world.admin.get(&dashboard).await;
    assert_eq!(count_in(&page, "shared-claims-count"), 0, "{page}");
    let (_, page, _) = world
        .admin
        .get(&format!("/admin/filings/{}", mine.id))
        .await;
    assert!(!page.contains("claim-checks"), "{page}");

    // The employee's own pages never show another employee's declaration.
    let employee = &mut world.staff[0];
    let (status, page, _) = employee.get(&format!("/filings/{}", year.year())).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        !page.contains("claim-checks") && !page.contains("E0002"),
        "{page}"
    );
}

/// This year each declares a child of their own; next year (「来年は今年と違う」) both declare the
/// same newborn: 重複の疑い on the dashboard, and a 翌年分 finding on the review page.
async fn a_child_both_declare_for_next_year_only_is_flagged_as_next_year_s(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year;
    world.open_periods().await;
    let tenant = world.company.tenant_id;
    let other_id = employee_of(&world.services, tenant, world.company.id).await;
    let other = store
        .find_employee(tenant, other_id)
        .await
        .unwrap()
        .unwrap();
    let newborn = |filing: &mut Filing| {
        let mut baby = filing.document.relatives[0].clone();
        baby.name = PersonName {
            name: "山田 三郎".into(),
            kana: "ヤマダ サブロウ".into(),
        };
        baby.birth_date = date!(2026 - 12 - 01);
        filing.document.next_year.same_as_this_year = Some(false);
        filing.document.next_year.relatives = vec![baby];
    };
    let mut mine = declaring(&world.employee, year, "山田 一郎");
    newborn(&mut mine);
    let mut theirs = declaring(&other, year, "山田 次郎");
    theirs.document.relatives[0].name.kana = "ヤマダ ジロウ".into();
    newborn(&mut theirs);
    store_new(&store, &[&mine, &theirs]).await;

    let dashboard = format!(
        "/admin/companies/{}/filings/{}",
        world.company.id,
        year.year()
    );
    let (_, page, _) = world.admin.get(&dashboard).await;
    assert_eq!(count_in(&page, "shared-claims-count"), 2, "{page}");
    let (status, page, _) = world
        .admin
        .get(&format!("/admin/filings/{}", mine.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("翌年分: 同じ方が他の従業員の翌年分の申告書でも控除の対象になっています"),
        "{page}"
    );
    assert!(
        page.contains("山田 三郎(扶養親族、所得見積額 0円) は、社員番号 E0002"),
        "{page}"
    );
    assert!(
        !page.contains("同じ方が他の従業員の申告書でも控除の対象になっています"),
        "this year's children differ: {page}"
    );
}
