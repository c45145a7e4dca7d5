//! 年末調整の対象外 through the HTTP surface, on SQLite and on PostgreSQL: the dashboard links an
//! employee to the exclusions page; numbers pasted with a reason set them aside (an unknown one
//! is named, a refused form comes back as typed); the dashboard counts and marks them, escaping
//! the note; the employee is told and cannot file; the reviewer's page and the list take them
//! back.

use std::sync::Arc;

use nencho_filings::FilingStatus;
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{employee_of, world};

on_both_stores!(employees_are_set_aside_and_taken_back_from_the_pages);

async fn employees_are_set_aside_and_taken_back_from_the_pages(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let tenant = world.company.tenant_id;
    employee_of(&world.services, tenant, world.company.id).await;
    let dashboard = format!("/admin/companies/{}/filings/{year}", world.company.id);
    let exclusions = format!("{dashboard}/exclusions");

    let (status, page, _) = world.admin.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(&format!(r#"id="exclusions-link" href="{exclusions}""#)));
    assert!(
        page.contains(&format!(
            r#"<a class="exclude" href="{exclusions}?numbers=E0001">対象外にする</a>"#
        )),
        "{page}"
    );
    let (status, page, _) = world
        .admin
        .get(&format!("{exclusions}?numbers=E0001"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(">E0001</textarea>"), "{page}");
    assert!(page.contains(r#"id="no-exclusions""#), "{page}");

    // "その他" without a note: the form comes back as typed, nothing is stored.
    let (status, page, _) = world
        .admin
        .post(
            &exclusions,
            &[
                ("numbers", "E0001\nE0002"),
                ("reason", "other"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("「その他」を選んだときは理由を入力してください。"),
        "{page}"
    );
    assert!(page.contains(">E0001\nE0002</textarea>"), "{page}");
    assert!(
        page.contains(r#"<option value="other" selected>"#),
        "{page}"
    );
    let (status, page, _) = world
        .admin
        .post(&exclusions, &[("numbers", "E0001"), ("reason", "bogus")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("対象外の理由を選んでください。"), "{page}");
    let found = store
        .find_filing_of(tenant, world.employee.id, world.year)
        .await
        .unwrap();
    assert!(found.is_none(), "nothing stored: {found:?}");

    let (status, page, _) = world
        .admin
        .post(
            &exclusions,
            &[
                ("numbers", "Ｅ０００１\r\nE9999"),
                ("reason", "secondary_employer"),
                ("note", "本務先 <b>B社</b>"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("1人を対象外にしました。1件は対象外にしませんでした。"),
        "{page}"
    );
    assert!(
        page.contains("E9999: この会社にこの社員番号の従業員はいません。"),
        "{page}"
    );
    assert!(
        page.contains(r#"<tr class="excluded" data-employee="E0001">"#),
        "{page}"
    );
    assert!(page.contains("本務先 &#60;b&#62;B社&#60;/b&#62;"), "{page}");
    assert!(!page.contains("<b>B社"), "{page}");
    let excluded = world.filing().await;
    assert_eq!(excluded.status, FilingStatus::Excluded);

    let (_, page, _) = world.admin.get(&dashboard).await;
    assert!(
        page.contains(r#"<span data-status="excluded">1</span>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<span class="exclusion-reason">(乙欄"#),
        "{page}"
    );
    let (_, page, _) = world
        .admin
        .get(&format!("{dashboard}?status=excluded"))
        .await;
    assert!(page.contains(r#"<td class="number">E0001</td>"#), "{page}");
    assert!(!page.contains(r#"<td class="number">E0002</td>"#), "{page}");

    // The employee is told why, and has nothing to enter.
    let (status, page, _) = world.staff[0].get(&format!("/filings/{year}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="exclusion-notice""#), "{page}");
    assert!(page.contains("申告書の提出は不要です"), "{page}");
    assert!(!page.contains(r#"id="start-filing""#), "{page}");

    // The reviewer's page takes them back (never requested: 未依頼 again).
    let review = format!("/admin/filings/{}", excluded.id);
    let (status, page, _) = world.staff[1].get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="exclusion-notice""#), "{page}");
    assert!(page.contains(r#"id="include-filing""#), "{page}");
    assert!(!page.contains(r#"id="exclude-link""#), "{page}");
    let version = excluded.version.to_string();
    let (status, page, location) = world.staff[1]
        .post(&format!("{review}/include"), &[("version", &version)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location.as_deref(), Some(review.as_str()));
    let back = world.filing().await;
    assert_eq!(back.status, FilingStatus::NotRequested);
    let (_, page, _) = world.staff[1].get(&review).await;
    assert!(page.contains(r#"id="exclude-link""#), "{page}");

    // Set aside again by the 担当者, and taken back from the list.
    let (status, page, _) = world.staff[1].get(&exclusions).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (status, page, _) = world.staff[1]
        .post(
            &exclusions,
            &[
                ("numbers", "E0001"),
                ("reason", "non_resident"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let excluded = world.filing().await;
    assert_eq!(excluded.last_comment.as_deref(), Some("非居住者"));
    let filing = excluded.id.to_string();
    let version = excluded.version.to_string();
    let (status, page, location) = world.staff[1]
        .post(
            &format!("{exclusions}/include"),
            &[("filing", &filing), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(
        location
            .unwrap()
            .starts_with(&format!("{exclusions}?notice="))
    );
    assert_eq!(world.filing().await.status, FilingStatus::NotRequested);
    // A second take-back of the same (stale) version says why, with the way back.
    let (status, page, _) = world.staff[1].get(&exclusions).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (status, page, _) = world.staff[1]
        .post(
            &format!("{exclusions}/include"),
            &[("filing", &filing), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains(&format!(r#"href="{exclusions}""#)), "{page}");
}
