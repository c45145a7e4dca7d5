//! 個別の提出期限 through the HTTP surface, on SQLite and on PostgreSQL: after the company's
//! 提出期間 the employee can only view; the reviewer returns the declaration with a day of the
//! employee's own (offered a week ahead), which is mailed and lets the employee fix and submit
//! again until then; days in the past, before the company's deadline or unreadable are refused
//! with the reason; the day is taken back; the history keeps every change.

use std::sync::Arc;

use nencho_filings::{Filing, FilingStatus};
use nencho_kernel::{Clock, FilingId, JAPAN_STANDARD_TIME, SystemClock};
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{QUESTIONS, hidden, save_step, world};

on_both_stores!(a_declaration_returned_after_the_deadline_gets_a_day_of_its_own);

async fn a_declaration_returned_after_the_deadline_gets_a_day_of_its_own(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let tenant = world.company.tenant_id;
    let year = world.year.year();
    let company = world.company.id;
    let today = SystemClock.now().to_offset(JAPAN_STANDARD_TIME).date();
    let yesterday = today - time::Duration::days(1);
    let in_a_week = today + time::Duration::days(7);

    // The company's 提出期間 ends in three days.
    let settings = format!("/admin/companies/{company}/periods/{year}");
    let set_filing_end = async |admin: &mut crate::sites::Browser<_>, end: time::Date| {
        admin.get(&settings).await;
        let (status, page, _) = admin
            .post(
                &settings,
                &[
                    ("adjustment_start", &format!("{year}-01-01")),
                    ("adjustment_end", &format!("{}-01-31", year + 1)),
                    ("filing_start", &format!("{year}-01-01")),
                    ("filing_end", &end.to_string()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    };
    set_filing_end(&mut world.admin, today + time::Duration::days(3)).await;
    // The employee handed the declaration in before that.
    let mut submitted = Filing::new(
        FilingId::generate(&SystemClock),
        tenant,
        company,
        world.employee.id,
        world.year,
        SystemClock.now(),
    );
    submitted.status = FilingStatus::Submitted;
    submitted.version = 1;
    crate::filings::put_filing(store.as_ref(), &submitted, 0).await;
    let mut record = store
        .find_employee(tenant, world.employee.id)
        .await
        .unwrap()
        .unwrap();
    record.email = Some(nencho_kernel::EmailAddress::parse("taro@acme.example").unwrap());
    store.update_employee(tenant, &record).await.unwrap();

    // The reviewer's return form offers a week from today.
    let review = format!("/admin/filings/{}", submitted.id);
    let return_by = async |approver: &mut crate::sites::Browser<_>, day: &str| {
        approver.get(&review).await;
        approver
            .post(
                &format!("{review}/return"),
                &[
                    ("version", "1"),
                    ("comment", "生命保険料の証明書を添付してください"),
                    ("deadline", day),
                ],
            )
            .await
    };
    // While the company's period runs, a day of one's own must come after its end.
    let (status, page, _) = return_by(
        &mut world.staff[2],
        &(today + time::Duration::days(1)).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("会社の提出期限("), "{page}");
    // Then the company's 提出期間 ends, yesterday.
    set_filing_end(&mut world.admin, yesterday).await;
    let [employee, clerk, approver] = world.staff.as_mut_slice() else {
        panic!("the world has an employee, a 担当者 and a 承認者");
    };
    let (status, page, _) = approver.get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(&format!(
            r#"<input type="date" id="return-deadline" name="deadline" value="{in_a_week}">"#
        )),
        "{page}"
    );
    assert!(page.contains(r#"id="own-deadline""#));

    // A day before the company's deadline, in the past or unreadable is refused; nothing changes.
    for (day, reason) in [
        (yesterday.to_string(), "今日以降の日を指定してください"),
        ("12月の初め".to_owned(), "2026-12-07 の形で入力してください"),
        (format!("{}-02-01", year + 1), "年末調整期間の終了日("),
    ] {
        let (status, page, _) = return_by(approver, &day).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{day}: {page}");
        assert!(page.contains(reason), "{day}: {page}");
    }
    let stored = store
        .find_filing(tenant, submitted.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.status, stored.version),
        (FilingStatus::Submitted, 1)
    );

    // Returned with a week: mailed with the day, the employee may fix it until then.
    let (status, page, _) = return_by(approver, &in_a_week.to_string()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let stored = store
        .find_filing(tenant, submitted.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, FilingStatus::Returned);
    assert_eq!(stored.own_deadline, Some(in_a_week));
    let mails = store.list_mail(tenant, 100).await.unwrap();
    let returned = mails
        .iter()
        .find(|mail| mail.subject.contains("差し戻されました"))
        .expect("the return mail");
    assert!(
        returned.body.contains("再提出の期限: ")
            && returned.body.contains(&format!("({in_a_week})")),
        "{}",
        returned.body
    );
    let base = format!("/filings/{year}");
    let (_, page, _) = employee.get(&base).await;
    assert!(
        page.contains(r#"id="start-filing""#),
        "editable again: {page}"
    );
    assert!(page.contains("(個別の期限)"), "{page}");
    assert!(!page.contains(r#"id="scope-notice""#), "{page}");
    let (status, page, _) = save_step(employee, &base, "questions", &QUESTIONS).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the employee saves a step: {page}"
    );

    // The dashboard marks the employee with their day.
    let (_, page, _) = world
        .admin
        .get(&format!("/admin/companies/{company}/filings/{year}"))
        .await;
    assert!(
        page.contains(&format!(
            r#"<span class="badge own-deadline">期限 {}/{}まで</span>"#,
            u8::from(in_a_week.month()),
            in_a_week.day()
        )),
        "{page}"
    );
    // Counted and listed apart (個別の期限), and in the progress CSV with the day.
    assert!(
        page.contains(r#"<span id="own-deadlines-count">1</span>"#),
        "{page}"
    );
    let dashboard = format!("/admin/companies/{company}/filings/{year}");
    let (_, page, _) = world.admin.get(&format!("{dashboard}?deadline=own")).await;
    assert_eq!(page.matches(r#"<tr class="filing""#).count(), 1, "{page}");
    assert!(page.contains(&world.employee.number.to_string()), "{page}");
    assert!(
        page.contains(r#"<input type="hidden" name="deadline" value="own">"#),
        "the search keeps the filter: {page}"
    );
    let (status, _, csv) = world
        .admin
        .get_file(&format!("{dashboard}/progress.csv?deadline=own"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].ends_with(",個別の提出期限,確認済"), "{csv}");
    assert!(lines[1].ends_with(&format!(",{in_a_week},0")), "{csv}");
    // The reviewer sees the day and its history; the employee cannot give themselves one.
    let (_, page, _) = approver.get(&review).await;
    assert!(page.contains(r#"id="own-deadline-day""#), "{page}");
    assert!(page.contains("個別の提出期限"));
    let version = hidden(&page, "version");
    employee.get(&base).await;
    let (status, _, _) = employee
        .post(
            &format!("{review}/deadline"),
            &[("version", version.as_str()), ("deadline", "")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The 担当者 takes the day back: view only again, and the employee is told.
    clerk.get(&review).await;
    let (status, page, _) = clerk
        .post(
            &format!("{review}/deadline"),
            &[("version", version.as_str()), ("deadline", "")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let stored = store
        .find_filing(tenant, submitted.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.own_deadline, None);
    assert_eq!(
        stored.status,
        FilingStatus::Draft,
        "the saved step made it 入力中"
    );
    let history = store.filing_history(tenant, submitted.id).await.unwrap();
    let deadline_changes: Vec<_> = history
        .changes
        .iter()
        .filter(|change| change.change.path == nencho_filings::OWN_DEADLINE_PATH)
        .map(|change| (change.change.before.clone(), change.change.after.clone()))
        .collect();
    assert_eq!(
        deadline_changes,
        vec![
            (None, Some(in_a_week.to_string())),
            (Some(in_a_week.to_string()), None)
        ]
    );
    assert!(
        store
            .list_mail(tenant, 100)
            .await
            .unwrap()
            .iter()
            .any(|mail| mail.subject.contains("提出期限が変わりました")),
        "the employee is told"
    );
    let (_, page, _) = employee.get(&base).await;
    assert!(!page.contains(r#"id="start-filing""#), "{page}");
    assert!(page.contains(r#"id="scope-notice""#));
}
