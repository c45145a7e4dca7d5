//! 一次確認 through the HTTP surface, on SQLite and on PostgreSQL: in a company that requires
//! someone else's check before approval, the 承認者 cannot approve an unchecked declaration; the
//! 担当者 marks it 確認済み (named with the time on the page, counted and listed apart on the
//! dashboard, a badge on its row); marking twice is refused and an employee cannot mark; the
//! approver's own check does not let them approve (one by one or in bulk), another person's does;
//! the approval takes the mark off.

use std::sync::Arc;

use nencho_filings::FilingStatus;
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{QUESTIONS, count_in, hidden, save_step, world};

on_both_stores!(a_declaration_is_checked_by_one_person_and_approved_by_another);

async fn a_declaration_is_checked_by_one_person_and_approved_by_another(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let tenant = world.company.tenant_id;

    // The company requires the check, set on its settings page.
    let settings = format!("/admin/companies/{}", world.company.id);
    let (status, page, _) = world.admin.get(&settings).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"name="check_before_approval""#),
        "the setting is offered: {page}"
    );
    let (status, page, _) = world
        .admin
        .post(
            &settings,
            &[
                ("name", "株式会社エー"),
                ("login_id_scheme", "employee_number"),
                ("auto_reminders", "on"),
                ("check_before_approval", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let company = store
        .find_company(tenant, world.company.id)
        .await
        .unwrap()
        .unwrap();
    assert!(company.profile.check_before_approval);
    assert!(!company.profile.originals_before_approval);

    // The employee hands in a declaration.
    let base = format!("/filings/{year}");
    let [employee, clerk, approver] = world.staff.as_mut_slice() else {
        panic!("the world has an employee, a 担当者 and a 承認者");
    };
    let answers: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    let (status, page, _) = save_step(employee, &base, "questions", &answers).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = employee.get(&format!("{base}/review")).await;
    let version = hidden(&page, "version");
    let (status, page, _) = employee
        .post(&format!("{base}/submit"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let filing = store
        .find_filing_of(tenant, world.employee.id, world.year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(filing.status, FilingStatus::Submitted);
    let review = format!("/admin/filings/{}", filing.id);
    let dashboard = format!("/admin/companies/{}/filings/{year}", world.company.id);

    // Unchecked: the approver is told and refused.
    let (_, page, _) = approver.get(&review).await;
    assert!(page.contains(r#"id="check-missing""#), "{page}");
    assert!(
        page.contains("承認する人とは別の人の確認が必要です"),
        "{page}"
    );
    let version = hidden(&page, "version");
    let (status, page, _) = approver
        .post(
            &format!("{review}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(
        page.contains("担当者の確認(一次確認)が済んでいないため承認できません"),
        "{page}"
    );
    let (_, page, _) = approver.get(&format!("{dashboard}?checked=no")).await;
    assert_eq!(
        (
            count_in(&page, "checked-count"),
            count_in(&page, "unchecked-count")
        ),
        (0, 1),
        "{page}"
    );
    assert_eq!(page.matches(r#"<tr class="filing""#).count(), 1, "{page}");

    // An employee cannot mark; the 担当者 does, once.
    employee.get(&base).await;
    let (status, _, _) = employee
        .post(&format!("{review}/check"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page, _) = clerk.get(&review).await;
    assert!(page.contains(r#"id="check-filing""#), "{page}");
    let (status, page, _) = clerk
        .post(&format!("{review}/check"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = clerk.get(&review).await;
    assert!(page.contains(r#"id="check-mark""#), "{page}");
    assert!(page.contains("(tanto)"), "who checked: {page}");
    assert!(
        page.contains("確認済みにする: 提出済 → 提出済"),
        "in the history: {page}"
    );
    let checked_version = hidden(&page, "version");
    let (status, page, _) = clerk
        .post(
            &format!("{review}/check"),
            &[("version", checked_version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("すでに確認済みです"), "{page}");
    let (_, page, _) = approver.get(&format!("{dashboard}?checked=yes")).await;
    assert_eq!(
        (
            count_in(&page, "checked-count"),
            count_in(&page, "unchecked-count")
        ),
        (1, 0),
        "{page}"
    );
    assert!(
        page.contains(r#"<span class="badge checked">確認済</span>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<input type="hidden" name="checked" value="yes">"#),
        "{page}"
    );
    // The header box that selects the page for 一括承認 comes with its script (hidden without).
    assert!(
        page.contains(
            r#"id="select-all" aria-label="このページの承認できる申告書をすべて選択" hidden>"#
        ) && page.contains(r#"<script src="/static/dashboard.js" defer></script>"#),
        "{page}"
    );
    for (path, found) in [
        ("/static/dashboard.js", true),
        ("/static/nothing.js", false),
    ] {
        let answer = approver
            .client
            .get(path)
            .header("host", "acme.localhost:8080")
            .send()
            .await;
        if found {
            answer.assert_status_is_ok();
            answer.assert_content_type("application/javascript; charset=utf-8");
            assert!(
                answer
                    .0
                    .into_body()
                    .into_string()
                    .await
                    .unwrap()
                    .contains("select-all")
            );
        } else {
            answer.assert_status(StatusCode::NOT_FOUND);
        }
    }

    // The 担当者 takes it back and the 承認者 checks it: their own check lets them not approve.
    let (status, page, _) = clerk
        .post(
            &format!("{review}/uncheck"),
            &[("version", checked_version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = approver.get(&review).await;
    let version = hidden(&page, "version");
    let (status, page, _) = approver
        .post(&format!("{review}/check"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = approver.get(&review).await;
    assert!(page.contains(r#"id="self-check-warning""#), "{page}");
    let version = hidden(&page, "version");
    let (status, page, _) = approver
        .post(
            &format!("{review}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(
        page.contains("ご自身が確認(一次確認)した申告書は承認できません"),
        "{page}"
    );
    approver.get(&dashboard).await;
    let selected = format!("{}:{version}", filing.id);
    let (status, page, _) = approver
        .post(
            &format!("{dashboard}/approve"),
            &[("selected", selected.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("ご自身が確認した申告書です"), "{page}");
    let stored = store.find_filing(tenant, filing.id).await.unwrap().unwrap();
    assert_eq!(stored.status, FilingStatus::Submitted);

    // Another person (the ADMIN) approves; the mark goes with the approval.
    world.admin.get(&review).await;
    let (status, page, _) = world
        .admin
        .post(
            &format!("{review}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let stored = store.find_filing(tenant, filing.id).await.unwrap().unwrap();
    assert_eq!(stored.status, FilingStatus::Approved);
    assert_eq!(stored.checked, None);
}
