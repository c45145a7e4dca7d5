//! The certificates' originals (控除証明書等の原本) through the HTTP surface, on SQLite and on
//! PostgreSQL: an employee hands in a declaration with a life policy; the dashboard counts it as
//! 原本未着 and lists it under that filter; a 承認者 records the paper original on the
//! declaration's page (a forged token and a second identical record change nothing), the
//! history says who and when, the employee sees it received, the count drops to zero; the record
//! is withdrawn and the declaration waits again.

use std::sync::Arc;

use nencho_kernel::EmailAddress;
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{
    QUESTIONS, borrowed, count_in, hidden, policies, redirected_to, save_step, world,
};

on_both_stores!(an_original_is_received_counted_and_withdrawn);

/// The dashboard's 原本未着 count on `page`.
fn awaiting(page: &str) -> u64 {
    count_in(page, "originals-pending-count")
}

async fn an_original_is_received_counted_and_withdrawn(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut employee = world.staff.remove(0);
    let base = format!("/filings/{year}");

    // The employee declares a life policy and hands the declaration in.
    let mut answers: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    answers[2] = ("paid_life_insurance", "yes");
    let answer = save_step(&mut employee, &base, "questions", &answers).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let policy = policies("60,000");
    let answer = save_step(&mut employee, &base, "insurance", &borrowed(&policy[..7])).await;
    assert_eq!(answer.0, StatusCode::SEE_OTHER, "{}", answer.1);
    let review = format!("{base}/review");
    let (_, page, _) = employee.get(&review).await;
    assert!(
        page.contains(r#"<span class="original">原本: 未受領</span>"#),
        "{page}"
    );
    assert!(
        !page.contains("receive-paper"),
        "the employee does not record receipts"
    );
    let version = hidden(&page, "version");
    let (status, page, _) = employee
        .post(&format!("{base}/submit"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");

    // The employee's page says what the company still waits for.
    let (_, page, _) = employee.get(&base).await;
    assert!(
        page.contains("<li>生命保険料控除証明書: 生命保険1 (A生命保険株式会社)</li>"),
        "{page}"
    );

    // The dashboard counts it and lists it under 原本未着.
    let mut approver = world.staff.remove(1);
    let dashboard = format!("/admin/companies/{}/filings/{year}", world.company.id);
    let (status, page, _) = approver.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(awaiting(&page), 1, "{page}");
    assert!(
        page.contains(r#"data-pending="1">原本未着 1</span>"#),
        "{page}"
    );
    let (_, page, _) = approver
        .get(&format!("{dashboard}?originals=pending"))
        .await;
    assert!(page.contains(r#"<td class="number">E0001</td>"#), "{page}");
    // The same list as CSV, for a spreadsheet: every row, the count of certificates awaited.
    let (status, headers, csv) = approver
        .get_file(&format!("{dashboard}/progress.csv?originals=pending"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "社員番号,氏名,フリガナ,部署,メールアドレス,状況,状況コード,代理入力,再年調,依頼日時,提出日時,承認日時,更新日時,原本未着,重複の疑い,直近のコメント,個別の提出期限,確認済"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        (cells[0], cells[1], cells[5], cells[6], cells[13]),
        ("E0001", "山田 太郎", "提出済", "submitted", "1"),
        "{csv}"
    );
    let (_, _, everyone) = approver
        .get_file(&format!(
            "{dashboard}/progress.csv?status=not_requested&encoding=sjis"
        ))
        .await;
    let (everyone, _, malformed) = encoding_rs::SHIFT_JIS.decode(&everyone);
    assert!(!malformed);
    assert!(everyone.starts_with("社員番号,"), "{everyone}");
    assert!(!everyone.contains("E0001"), "{everyone}");

    // A reminder names the certificate still missing (the employee now has an address).
    let mut employee_record = world.employee.clone();
    employee_record.email = Some(EmailAddress::parse("taro@acme.example").unwrap());
    store
        .update_employee(world.company.tenant_id, &employee_record)
        .await
        .unwrap();
    let (status, page, location) = approver
        .post(&format!("{dashboard}/remind-originals"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = approver.get(&location.unwrap()).await;
    assert!(page.contains("1件に原本の提出を督促しました。"), "{page}");
    let mails = store.list_mail(world.company.tenant_id, 10).await.unwrap();
    let reminder = mails
        .iter()
        .find(|mail| mail.subject.contains("控除証明書等の原本の提出のお願い"))
        .expect("the reminder is queued");
    assert_eq!(reminder.to.as_str(), "taro@acme.example");
    assert!(
        reminder
            .body
            .contains("・生命保険料控除証明書: 生命保険1 (A生命保険株式会社)"),
        "{}",
        reminder.body
    );

    // The 承認者 records the paper original on the declaration's page.
    let filing = world.filing().await;
    let declaration = format!("/admin/filings/{}", filing.id);
    let (status, page, _) = approver.get(&declaration).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"data-original="">"#), "{page}");
    assert!(
        page.contains("控除証明書等の原本(または電子データ)がまだ1件届いていません"),
        "the approver is told before approving: {page}"
    );
    let key = hidden(&page, "key");
    assert_eq!(key, "life_insurance:生命保険1 (A生命保険株式会社)");
    let receive = format!("{declaration}/originals");
    let (status, _, _) = approver
        .post(
            &receive,
            &[
                ("key", key.as_str()),
                ("method", "paper"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    approver.get(&declaration).await;
    let (status, page, location) = approver
        .post(&receive, &[("key", key.as_str()), ("method", "paper")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(
        location.as_deref(),
        Some(format!("{declaration}#attachments").as_str())
    );
    let (_, page, _) = approver.get(&declaration).await;
    assert!(page.contains(r#"data-original="paper">"#), "{page}");
    assert!(page.contains("原本: 原本受領 ("), "{page}");
    assert!(page.contains("withdraw-receipt"), "{page}");
    assert!(!page.contains(r#"id="originals-warning""#), "{page}");
    assert!(
        page.contains(
            "<td>原本: 生命保険料控除証明書 生命保険1 (A生命保険株式会社)</td><td>未受領</td><td>原本受領</td>"
        ),
        "the history says it: {page}"
    );
    let (status, page, _) = approver
        .post(&receive, &[("key", key.as_str()), ("method", "paper")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("すでにその状態です"), "{page}");
    let (_, page, _) = approver.get(&dashboard).await;
    assert_eq!(awaiting(&page), 0, "{page}");
    assert!(
        !page.contains(r#"id="remind-originals""#),
        "nothing to remind of"
    );
    approver
        .post(&format!("{dashboard}/remind-originals"), &[])
        .await;
    let mails = store.list_mail(world.company.tenant_id, 10).await.unwrap();
    assert_eq!(
        mails
            .iter()
            .filter(|mail| mail.subject.contains("原本の提出のお願い"))
            .count(),
        1,
        "no second reminder once everything arrived"
    );
    assert!(!page.contains("原本未着 1</span>"), "{page}");
    let (_, page, _) = approver
        .get(&format!("{dashboard}?originals=pending"))
        .await;
    assert!(page.contains("該当する従業員はいません。"), "{page}");
    let (_, page, _) = employee.get(&review).await;
    assert!(page.contains("原本: 原本受領 ("), "{page}");
    let (_, page, _) = employee.get(&base).await;
    assert!(
        !page.contains(r#"id="originals-missing""#),
        "nothing is awaited any more: {page}"
    );

    // Withdrawn: the declaration waits again.
    approver.get(&declaration).await;
    let (status, _, _) = approver
        .post(&receive, &[("key", key.as_str()), ("method", "none")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = approver.get(&dashboard).await;
    assert_eq!(awaiting(&page), 1, "{page}");

    // A company that approves only once the originals have all arrived refuses the approval,
    // one by one and in bulk, while one is missing.
    let mut company = store
        .find_company(world.company.tenant_id, world.company.id)
        .await
        .unwrap()
        .unwrap();
    company.profile.originals_before_approval = true;
    store
        .update_company(world.company.tenant_id, &company)
        .await
        .unwrap();
    let version = world.filing().await.version.to_string();
    approver.get(&declaration).await;
    let (status, page, _) = approver
        .post(
            &format!("{declaration}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(
        page.contains(
            "控除証明書等の原本(または電子データ)がまだ1件届いていないため承認できません"
        ),
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
    assert!(
        page.contains("控除証明書等の原本が届いていません"),
        "{page}"
    );
    assert_eq!(
        world.filing().await.status,
        nencho_filings::FilingStatus::Submitted
    );

    // The intake (原本の受付): found by number, checked, recorded; a second time is skipped.
    let (_, page, _) = approver.get(&dashboard).await;
    assert!(page.contains(r#"id="intake-link""#), "{page}");
    let intake = format!("{dashboard}/originals");
    let (status, page, _) = approver.get(&format!("{intake}?q=E0001")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let value = hidden_checkbox(&page);
    assert_eq!(value, format!("{}:{key}", filing.id));
    let (_, other, _) = approver.get(&format!("{intake}?q=E9999")).await;
    assert!(other.contains(r#"id="nothing-awaited""#), "{other}");
    let (status, page, location) = approver
        .post(&intake, &[("receipt", value.as_str()), ("method", "paper")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = approver.get(&location.unwrap()).await;
    assert!(
        page.contains("1件の書類を受領として記録しました。"),
        "{page}"
    );
    assert!(page.contains(r#"id="nothing-awaited""#), "{page}");
    let (_, page, location) = approver
        .post(&intake, &[("receipt", value.as_str()), ("method", "paper")])
        .await;
    let (_, page, _) = approver
        .get(&location.unwrap_or_else(|| panic!("{page}")))
        .await;
    assert!(
        page.contains("0件の書類を受領として記録しました。記録しなかった書類: 生命保険1 (A生命保険株式会社): その書類はすでにその状態です。"),
        "{page}"
    );
    let (_, page, _) = approver.get(&dashboard).await;
    assert_eq!(awaiting(&page), 0, "{page}");

    // Everything arrived: the approval goes through.
    approver.get(&declaration).await;
    let (status, page, _) = approver
        .post(
            &format!("{declaration}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(
        world.filing().await.status,
        nencho_filings::FilingStatus::Approved
    );
}

/// The value of the first certificate's checkbox on the intake page.
fn hidden_checkbox(page: &str) -> String {
    let marker = r#"<input type="checkbox" name="receipt" value=""#;
    let start = page.find(marker).expect("a certificate to check") + marker.len();
    page[start..].chars().take_while(|c| *c != '"').collect()
}
