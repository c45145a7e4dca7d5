//! 担当者メモ through the HTTP surface, on SQLite and on PostgreSQL: the 担当者 and the 承認者
//! leave memos on a declaration for each other (escaped, line breaks kept, oldest first with
//! who and when); too long is refused with the text kept; the employee never sees them; the
//! full export carries them.

use std::sync::Arc;

use nencho_filings::{Filing, FilingStatus};
use nencho_kernel::{Clock, FilingId, SystemClock};
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{put_filing, world};

on_both_stores!(staff_leave_memos_on_a_declaration_that_the_employee_never_sees);

async fn staff_leave_memos_on_a_declaration_that_the_employee_never_sees(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    world.open_periods().await;
    let tenant = world.company.tenant_id;
    let mut submitted = Filing::new(
        FilingId::generate(&SystemClock),
        tenant,
        world.company.id,
        world.employee.id,
        world.year,
        SystemClock.now(),
    );
    submitted.status = FilingStatus::Submitted;
    submitted.version = 1;
    put_filing(store.as_ref(), &submitted, 0).await;
    let review = format!("/admin/filings/{}", submitted.id);
    let memos = format!("{review}/memos");
    let [employee, clerk, approver] = world.staff.as_mut_slice() else {
        panic!("the world has an employee, a 担当者 and a 承認者");
    };

    let (status, page, _) = clerk.get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="no-memos""#), "{page}");
    let (status, _, location) = clerk
        .post(
            &memos,
            &[("memo", "12/1 本人に電話。\r\n証明書は<郵送>予定")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("{review}#memos").as_str())
    );
    approver.get(&review).await;
    let too_long = "メ".repeat(nencho_filings::MAX_MEMO_CHARS + 1);
    let (status, page, _) = approver.post(&memos, &[("memo", too_long.as_str())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("メモは1000文字以内にしてください"), "{page}");
    assert!(page.contains(&format!(">{too_long}</textarea>")));
    let (status, _, _) = approver
        .post(&memos, &[("memo", "12/3 証明書到着、確認済み")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, page, _) = approver.get(&review).await;
    let rows: Vec<&str> = page
        .split(r#"<tr class="memo">"#)
        .skip(1)
        .map(|row| row.split("</tr>").next().unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{page}");
    assert!(
        rows[0].contains("(tanto)")
            && rows[0].contains("12/1 本人に電話。\n証明書は&#60;郵送&#62;予定"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("(shonin)") && rows[1].contains("12/3 証明書到着"),
        "{}",
        rows[1]
    );

    // The employee sees neither the memos nor the route.
    let (_, page, _) = employee
        .get(&format!("/filings/{}", world.year.year()))
        .await;
    assert!(
        !page.contains("本人に電話") && !page.contains("証明書到着"),
        "{page}"
    );
    let (status, _, _) = employee.post(&memos, &[("memo", "見えますか")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(store.memos(tenant, submitted.id).await.unwrap().len(), 2);

    // The full export carries them.
    let (status, _, zip) = world
        .admin
        .get_file("/admin/export/download?encoding=utf8")
        .await;
    assert_eq!(status, StatusCode::OK);
    let files = crate::export::unzip(zip);
    let text = String::from_utf8(files["filing_memos.csv"].clone()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "申告書ID,会社ID,社員番号,年分,日時,記入者ID,記入者,メモ"
    );
    assert!(text.contains("12/3 証明書到着、確認済み"), "{text}");
    assert!(
        text.contains("\"12/1 本人に電話。\n証明書は<郵送>予定\""),
        "{text}"
    );
}
