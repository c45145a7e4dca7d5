//! The declarations issue's "done when" journey, in a real headless Chromium: the ADMIN opens the
//! filing period and requests the declarations, then sets the 承認者 aside as 年末調整の対象外
//! (乙欄) from his dashboard row — he is told by mail; the employee answers the questions (a spouse, a
//! child of 20, two life insurance policies), sees the deductions computed — live while typing a
//! premium —, attaches a photo of a certificate the checklist asks for, and submits; the 担当者
//! — the employee's spouse, who works here too, which the review page points out (重複扶養チェック) —
//! sees the certificate, leaves a memo for the 承認者 (担当者メモ, never shown to the employee) and
//! returns the declaration with a comment, which reaches the
//! employee by mail and on the page; the employee fixes a premium and submits again; the 承認者
//! sees the history and the changed value, records the certificates' paper originals as received
//! (the dashboard's 原本未着 count goes from 1 to 0), marks it 確認済み and approves it from the
//! dashboard filtered on 確認済 with the select-all box; the payroll export holds the employee's
//! row with the deductions this test computes on its own from the NTA rules; the employee
//! consents to electronic delivery, the ADMIN issues the 源泉徴収票 from the payroll totals, and
//! the employee is told by mail and finds it on their page.
//!
//! Once on SQLite and once on PostgreSQL, through one function.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};

use crate::browser::Browser;
use crate::journey::{
    HEADER, Http, accept_invitation, cp932, create_company, expect_text, invitation_of,
    invitations, log_out, texts, upload,
};
use crate::server::{RunningServer, open_contract};
use crate::smtp_sink::SmtpSink;
use crate::{MAIL_PATIENCE, choose_new_password, log_in, server_settings};

/// A tiny PNG (1×1): the photo of a certificate the employee attaches.
/// What the employee tells the reviewers with the second submission.
const SUBMISSION_NOTE: &str = "介護医療保険料を証明額に直しました。";
/// What the 担当者 notes for the 承認者 (担当者メモ), never shown to the employee.
const STAFF_MEMO: &str = "介護医療保険料が証明書と違うため本人に確認中";
const CERTIFICATE_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa75\x81\x84\0\0\0\0IEND\xaeB`\x82";

/// The company's guidance for the year (会社からのご案内), with its manual's address.
const GUIDANCE: &str = "保険料控除証明書の原本は12月5日までに人事部へ提出してください。";
const MANUAL: &str = "https://intra.example.jp/nencho/manual";
const SLUG: &str = "nenchou";
const TENANT_NAME: &str = "年調サポート社労士法人";
const ADMIN_EMAIL: &str = "admin@nenchou.example";
const ADMIN_PASSWORD: &str = "hoshi-no-shita-de-hashiru-usagi";
const COMPANY: &str = "株式会社シー物産";
/// Where the employee moved (their 登録内容の変更届).
const NEW_ADDRESS: &str = "東京都港区芝公園4-2-8";

/// The employee who files, the 担当者 and the 承認者 (employees of the company too).
const EMPLOYEE_EMAIL: &str = "jiro.tanaka@example.jp";
const EMPLOYEE_NUMBER: &str = "E0001";
const EMPLOYEE_PASSWORD: &str = "midori-no-mori-ni-sumu-risu";
const CLERK_EMAIL: &str = "naoko.tanaka@example.jp";
const CLERK_PASSWORD: &str = "shiroi-kumo-ni-noru-kuma";
const APPROVER_EMAIL: &str = "ken.kato@example.jp";
const APPROVER_PASSWORD: &str = "kiiroi-hana-ni-tomaru-chou";

/// What the employee declares.
const SALARY: i64 = 5_000_000;
const GENERAL_PREMIUM: i64 = 80_000;
const CARE_PREMIUM_FIRST: i64 = 60_000;
const CARE_PREMIUM_FIXED: i64 = 100_000;
/// Why the 承認者 is 年末調整の対象外.
const EXCLUSION_NOTE: &str = "主たる給与は本社グループ会社で受給";
const RETURN_COMMENT: &str =
    "介護医療保険料の金額が控除証明書と違います。証明額を確認してください。";

fn employees_csv() -> String {
    format!(
        "{HEADER}\r\n\
         {EMPLOYEE_NUMBER},田中,次郎,タナカ,ジロウ,1985/7/7,100-0005,東京都千代田区丸の内1-1-1,{EMPLOYEE_EMAIL},営業部,正社員,2010/4/1,\r\n\
         E0002,田中,直子,タナカ,ナオコ,1988/3/3,150-0001,東京都渋谷区神宮前1-2-3,{CLERK_EMAIL},人事部,正社員,2012/4/1,\r\n\
         E0003,加藤,健,カトウ,ケン,1975/9/9,530-0001,大阪府大阪市北区梅田1-1,{APPROVER_EMAIL},人事部,正社員,2000/4/1,\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declarations_request_return_approve_and_export_on_sqlite() {
    let Some(browser) =
        Browser::start("declarations_request_return_approve_and_export_on_sqlite").await
    else {
        return;
    };
    journey(browser, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declarations_request_return_approve_and_export_on_postgresql() {
    let Some(browser) =
        Browser::start("declarations_request_return_approve_and_export_on_postgresql").await
    else {
        return;
    };
    let Some(database) = nencho_store_contract::postgres::TestDatabase::create(
        "e2e",
        "declarations",
        |_url| async {},
    )
    .await
    else {
        browser.close().await;
        return;
    };
    journey(browser, Some(&database.url)).await;
}

#[allow(clippy::too_many_lines)] // one story, told in order
async fn journey(browser: Browser, database_url: Option<&str>) {
    nencho_bootstrap::telemetry::init("warn");
    let data_dir = tempfile::tempdir().unwrap();
    let mut sink = SmtpSink::start().await;
    let server = RunningServer::start(&server_settings(data_dir.path(), database_url, &sink)).await;
    let port = server.port();
    let contract = open_contract(
        data_dir.path(),
        database_url,
        port,
        SLUG,
        TENANT_NAME,
        ADMIN_EMAIL,
    )
    .await;
    let site = contract.site_url.clone();
    let http = Http::new(&site, server.address);
    let today = japan_today();
    let (year, _, _) = civil_from_days(today);
    let expected = Expected::for_year(year);

    // 1. The ADMIN signs in, creates the company and imports its three employees.
    browser.goto(&format!("{site}/login")).await;
    log_in(
        &browser,
        &contract.admin_id,
        &contract.initial_password,
        "/password/initial",
    )
    .await;
    choose_new_password(&browser, ADMIN_PASSWORD, "/").await;
    let company = create_company(&browser, &site, COMPANY, "", true).await;
    let files = tempfile::tempdir().unwrap();
    let csv_path = files.path().join("従業員.csv");
    std::fs::write(&csv_path, cp932(&employees_csv())).unwrap();
    import(&browser, &site, &company, &csv_path).await;
    let mails = invitations(&mut sink, &[EMPLOYEE_EMAIL, CLERK_EMAIL, APPROVER_EMAIL]).await;
    let (employee_link, employee_id) = invitation_of(&mails[EMPLOYEE_EMAIL], &site);
    let (clerk_link, clerk_id) = invitation_of(&mails[CLERK_EMAIL], &site);
    let (approver_link, approver_id) = invitation_of(&mails[APPROVER_EMAIL], &site);

    // 2. The company roles: 担当者 and 承認者.
    assign_role(&browser, &site, &clerk_id, &company, "clerk", "担当者").await;
    assign_role(
        &browser,
        &site,
        &approver_id,
        &company,
        "approver",
        "承認者",
    )
    .await;

    // 3. The filing period, relative to today (Japan), then the request to everyone.
    let adjustment = (iso_date(today - 10), iso_date(today + 60));
    let filing = (iso_date(today - 1), iso_date(today + 30));
    browser
        .goto(&format!("{site}/admin/companies/{company}/periods/{year}"))
        .await;
    browser.wait_for("#save-periods").await;
    for (id, value) in [
        ("adjustment_start", &adjustment.0),
        ("adjustment_end", &adjustment.1),
        ("filing_start", &filing.0),
        ("filing_end", &filing.1),
    ] {
        set_value(&browser, id, value).await;
    }
    browser.click("#save-periods").await;
    let dashboard = format!("/admin/companies/{company}/filings/{year}");
    browser.wait_for_path(&dashboard).await;
    // … and the company's guidance, on the same page once the year is open.
    browser
        .goto(&format!("{site}/admin/companies/{company}/periods/{year}"))
        .await;
    browser
        .fill("#guidance", &format!("{GUIDANCE}\n手引き: {MANUAL}"))
        .await;
    browser.click("#save-guidance").await;
    browser.wait_for_path(&dashboard).await;
    expect_text(&browser, "会社からのご案内を保存しました").await;
    browser.wait_for("#periods-summary").await;
    browser.click("#request-all").await;
    expect_text(&browser, "依頼しました").await;
    let request = sink
        .wait_for_mail(EMPLOYEE_EMAIL, "年末調整の申告のお願い", MAIL_PATIENCE)
        .await;
    let filings_link = format!("{site}/filings/{year}");
    assert!(
        request.text_body.contains(&filings_link) && request.text_body.contains(&filing.1),
        "the request mail should give the deadline {} and the link {filings_link}: {request:#?}",
        filing.1
    );
    let body = request.text_body.replace("\r\n", "\n");
    assert!(
        body.contains(&format!(
            "■ {COMPANY}からのご案内\n{GUIDANCE}\n手引き: {MANUAL}"
        )),
        "the request mail should carry the company's guidance: {request:#?}"
    );
    // The 承認者 files his 扶養控除等申告書 with his main employer (乙欄): the ADMIN sets him
    // aside from his row of the dashboard; he is told by mail and counted apart.
    browser
        .click(r#"tr.filing a.exclude[href$="numbers=E0003"]"#)
        .await;
    browser
        .wait_for_path(&format!("{dashboard}/exclusions"))
        .await;
    set_value(&browser, "reason", "secondary_employer").await;
    browser.fill("#note", EXCLUSION_NOTE).await;
    browser.click("#exclude-submit").await;
    expect_text(&browser, "1人を対象外にしました").await;
    let listed = texts(&browser, "#exclusion-list tr.excluded").await;
    if !(listed.len() == 1 && listed[0].contains("E0003") && listed[0].contains(EXCLUSION_NOTE)) {
        browser
            .fail(&format!(
                "the list of 対象外 should hold E0003 with the note: {listed:#?}"
            ))
            .await;
    }
    let excluded = sink
        .wait_for_mail(
            APPROVER_EMAIL,
            "年末調整の対象外となりました",
            MAIL_PATIENCE,
        )
        .await;
    assert!(
        excluded.text_body.contains(EXCLUSION_NOTE),
        "the mail should give the reason: {excluded:#?}"
    );
    browser.click("#back-to-dashboard").await;
    browser.wait_for_path(&dashboard).await;
    let counted = browser.wait_for(r#"span[data-status="excluded"]"#).await;
    let counted = browser.text_of(&counted).await;
    if counted != "1" {
        browser
            .fail(&format!(
                "the dashboard should count one 対象外: {counted:?}"
            ))
            .await;
    }
    // 部署別の進捗: 人事部 (the 担当者 and the 承認者, one of them 対象外) and 営業部.
    browser.click("#departments-link").await;
    browser
        .wait_for_path(&format!("{dashboard}/departments"))
        .await;
    let departments = texts(&browser, "#department-progress tr.department").await;
    let personnel = departments.iter().find(|row| row.contains("人事部"));
    if departments.len() != 2 || !personnel.is_some_and(|row| row.contains("0.0%")) {
        browser
            .fail(&format!(
                "部署別の進捗 should list 人事部 and 営業部, nothing handed in yet: {departments:#?}"
            ))
            .await;
    }
    browser
        .click(r#"#department-progress a[href$="department=%E4%BA%BA%E4%BA%8B%E9%83%A8"]"#)
        .await;
    browser.wait_for("#department-filter").await;
    let listed = texts(&browser, "#filing-list tr.filing").await;
    if listed.len() != 2 || listed.iter().any(|row| row.contains(EMPLOYEE_NUMBER)) {
        browser
            .fail(&format!(
                "the dashboard filtered to 人事部 should list E0002 and E0003 only: {listed:#?}"
            ))
            .await;
    }
    log_out(&browser, &site).await;

    // 4. The employee answers the questions and the steps, then submits.
    accept_invitation(&browser, &employee_link, &employee_id, EMPLOYEE_PASSWORD).await;
    browser.goto(&filings_link).await;
    let deadline = browser.wait_for("#deadline").await;
    let deadline = browser.text_of(&deadline).await;
    if !deadline.contains(&filing.1) && !deadline.contains(&reiwa_of(&filing.1)) {
        browser
            .fail(&format!(
                "the overview's deadline {deadline:?} is not the filing end {}",
                filing.1
            ))
            .await;
    }
    // The company's guidance is on the overview, its manual a link.
    let guidance = browser.wait_for("#company-guidance").await;
    let guidance = browser.text_of(&guidance).await;
    let manual = browser
        .wait_for(&format!(r#"#company-guidance a[href="{MANUAL}"]"#))
        .await;
    if !guidance.contains(GUIDANCE)
        || browser.attribute(&manual, "target").await.as_deref() != Some("_blank")
    {
        browser
            .fail(&format!(
                "the overview should show the company's guidance with the manual as a link: {guidance:?}"
            ))
            .await;
    }
    browser.click("#start-filing").await;
    let base = format!("/filings/{year}");
    browser
        .wait_for_path(&format!("{base}/step/questions"))
        .await;
    for (question, answer) in [
        ("has_spouse", "yes"),
        ("has_dependents", "yes"),
        ("paid_life_insurance", "yes"),
        ("paid_earthquake_insurance", "no"),
        ("paid_social_insurance", "no"),
        ("paid_mutual_aid", "no"),
        ("has_housing_loan", "no"),
    ] {
        browser
            .click(&format!(
                r#"input[type="radio"][name="{question}"][value="{answer}"]"#
            ))
            .await;
    }
    browser.click("#next").await;
    browser.wait_for_path(&format!("{base}/step/self")).await;
    browser.fill("#estimated_salary", &SALARY.to_string()).await;
    browser.fill("#other_income", "0").await;
    browser.click("#next").await;
    browser.wait_for_path(&format!("{base}/step/spouse")).await;
    browser.fill("#spouse_name", "田中 直子").await;
    browser.fill("#spouse_kana", "タナカ ナオコ").await;
    browser.fill("#spouse_birth_date", "1988-03-03").await;
    browser.fill("#spouse_income", "0").await;
    browser
        .click(r#"input[name="spouse_lives_together"]"#)
        .await;
    browser.click("#next").await;
    browser
        .wait_for_path(&format!("{base}/step/relatives"))
        .await;
    browser.fill("#r0_name", "田中 一郎").await;
    browser.fill("#r0_kana", "タナカ イチロウ").await;
    browser.fill("#r0_relationship", "長男").await;
    browser
        .fill("#r0_birth_date", &format!("{}-06-01", year - 20))
        .await;
    browser.fill("#r0_income", "0").await;
    browser.click(r#"input[name="r0_lives_together"]"#).await;
    browser.click("#next").await;
    browser
        .wait_for_path(&format!("{base}/step/insurance"))
        .await;
    fill_policy(
        &browser,
        0,
        "ひまわり生命",
        "終身",
        "general",
        GENERAL_PREMIUM,
    )
    .await;
    browser.click("#add-row").await;
    // Saved with one policy: the second row is offered, the amounts show the first policy.
    browser.wait_for("#l1_insurer").await;
    wait_for_amount(
        &browser,
        "生命保険料控除",
        expected.life_insurance(GENERAL_PREMIUM, None),
    )
    .await;
    // The second policy: the amounts table follows the premium as it is typed (filing.js).
    fill_policy(
        &browser,
        1,
        "あおぞら生命",
        "医療",
        "care_medical",
        CARE_PREMIUM_FIRST,
    )
    .await;
    wait_for_amount(
        &browser,
        "生命保険料控除",
        expected.life_insurance(GENERAL_PREMIUM, Some(CARE_PREMIUM_FIRST)),
    )
    .await;
    browser.click("#next").await;
    // Next year's 扶養控除等申告書: the same family as this year.
    browser
        .wait_for_path(&format!("{base}/step/next_year"))
        .await;
    browser
        .click(r#"input[type="radio"][name="next_year_same"][value="yes"]"#)
        .await;
    browser.click("#next").await;
    browser.wait_for_path(&format!("{base}/review")).await;
    expect_amounts(&browser, &expected, CARE_PREMIUM_FIRST).await;
    if !browser.find_all("#problems").await.is_empty() {
        browser
            .fail("the review page lists problems for a complete declaration")
            .await;
    }
    let forms = texts(&browser, "section.form-print").await;
    for (form, content) in [
        ("扶養控除等(異動)申告書", "長男"),
        ("基礎控除申告書", "田中 直子"),
        ("保険料控除申告書", "あおぞら生命"),
        ("翌年分 扶養控除等(異動)申告書", "翌年末の区分(暫定)"),
    ] {
        if !forms
            .iter()
            .any(|text| text.contains(form) && text.contains(content))
        {
            browser
                .fail(&format!(
                    "the review page should show the form {form} with {content}: {forms:#?}"
                ))
                .await;
        }
    }
    // The checklist asks for the policy's certificate; a photo of it is attached.
    let wanted = texts(&browser, "#attachment-checklist li").await;
    if !wanted
        .iter()
        .any(|text| text.contains("□ 生命保険料控除証明書") && text.contains("あおぞら生命"))
    {
        browser
            .fail(&format!(
                "the checklist should ask for the certificate: {wanted:#?}"
            ))
            .await;
    }
    let photo = files.path().join("certificate.png");
    std::fs::write(&photo, CERTIFICATE_PNG).unwrap();
    browser
        .click(r#"#attachment-kind option[value="life_insurance"]"#)
        .await;
    browser.choose_file("#attachment-file", &photo).await;
    browser.click("#attach").await;
    browser.wait_for("#attachment-list tr.attachment").await;
    let wanted = texts(&browser, "#attachment-checklist li").await;
    if !wanted
        .iter()
        .any(|text| text.contains("✓ 生命保険料控除証明書"))
    {
        browser
            .fail(&format!(
                "the checklist should tick the certificate: {wanted:#?}"
            ))
            .await;
    }
    browser.click("#submit-filing").await;
    browser.wait_for_path(&base).await;
    wait_for_status(&browser, "submitted", "提出済").await;
    // 受付のお知らせ over SMTP, naming the certificate whose original is still to come.
    let receipt = sink
        .wait_for_mail(EMPLOYEE_EMAIL, "申告を受け付けました", MAIL_PATIENCE)
        .await;
    assert!(
        receipt.text_body.contains("・生命保険料控除証明書"),
        "the receipt should list the originals still needed: {receipt:#?}"
    );
    // The employee has moved: a 登録内容の変更届 for the address the forms print.
    browser.goto(&format!("{site}/profile")).await;
    browser.fill("#address", NEW_ADDRESS).await;
    browser.fill("#note", "2026年11月1日に転居").await;
    browser.submit_form_of("#address").await;
    browser.wait_for("#pending").await;
    // The ADMIN, who decides it, is told by mail that it waits.
    let announced = sink
        .wait_for_mail(
            ADMIN_EMAIL,
            "登録内容の変更届が提出されました",
            MAIL_PATIENCE,
        )
        .await;
    assert!(
        announced
            .text_body
            .contains(&format!("{site}/admin/companies/{company}/change-requests"))
            && !announced.text_body.contains(NEW_ADDRESS),
        "the announcement links the requests and keeps the address to the page: {announced:#?}"
    );
    log_out(&browser, &site).await;

    // 5. The 担当者 returns it with a comment.
    accept_invitation(&browser, &clerk_link, &clerk_id, CLERK_PASSWORD).await;
    browser.goto(&format!("{site}/admin/filings")).await;
    // 全社の進捗: the company's line tells how long is left of its 提出期間 (today + 30).
    let lines = texts(&browser, "#company-progress tr.company").await;
    if !lines.iter().any(|line| line.contains("あと30日")) {
        browser
            .fail(&format!(
                "the overview should say 30 days are left: {lines:#?}"
            ))
            .await;
    }
    browser
        .click(&format!(r#"#company-progress a[href="{dashboard}"]"#))
        .await;
    browser.wait_for_path(&dashboard).await;
    open_review(&browser, EMPLOYEE_NUMBER).await;
    wait_for_status(&browser, "submitted", "提出済").await;
    expect_amounts(&browser, &expected, CARE_PREMIUM_FIRST).await;
    // The declared spouse (田中 直子, 1988-03-03) is the 担当者 herself: the page says so.
    let checks = texts(&browser, "#claim-checks li.claim-check").await;
    if !checks.iter().any(|text| {
        text.contains("控除の対象の方が従業員として登録されています")
            && text.contains("社員番号 E0002 田中 直子")
    }) {
        browser
            .fail(&format!(
                "the review page should point out that the spouse is employee E0002: {checks:#?}"
            ))
            .await;
    }
    // The reviewer sees the attached certificate beside the amounts.
    let listed = texts(&browser, "#attachment-list tr.attachment").await;
    if !listed
        .iter()
        .any(|text| text.contains("生命保険料控除証明書") && text.contains("certificate.png"))
    {
        browser
            .fail(&format!(
                "the review page should list the certificate: {listed:#?}"
            ))
            .await;
    }
    if !browser.find_all("#approve-filing").await.is_empty() {
        browser
            .fail("a 担当者 is offered to approve (#approve-filing)")
            .await;
    }
    // A memo for the other reviewers first (the employee never sees it), then the return.
    let review_url = browser.current_url().await;
    browser.fill("#memo", STAFF_MEMO).await;
    browser.click("#add-memo").await;
    browser.wait_for("#memo-list tr.memo").await;
    let memos = texts(&browser, "#memo-list tr.memo").await;
    if !(memos.len() == 1 && memos[0].contains(STAFF_MEMO)) {
        browser
            .fail(&format!("the review page should list the memo: {memos:#?}"))
            .await;
    }
    browser.goto(&review_url).await;
    browser.fill("#comment", RETURN_COMMENT).await;
    browser.click("#return-filing").await;
    wait_for_status(&browser, "returned", "差戻し").await;
    log_out(&browser, &site).await;

    // The employee gets the comment by mail and on the page, fixes the premium, resubmits.
    let returned = sink
        .wait_for_mail(EMPLOYEE_EMAIL, "差し戻されました", MAIL_PATIENCE)
        .await;
    assert!(
        returned.text_body.contains(RETURN_COMMENT) && returned.text_body.contains(&filings_link),
        "the return mail should carry the comment and the link {filings_link}: {returned:#?}"
    );
    browser.goto(&format!("{site}/login")).await;
    log_in(&browser, &employee_id, EMPLOYEE_PASSWORD, "/").await;
    browser.goto(&filings_link).await;
    let comment = browser.wait_for("#return-comment").await;
    let comment = browser.text_of(&comment).await;
    if !comment.contains(RETURN_COMMENT) {
        browser
            .fail(&format!(
                "#return-comment should show the comment {RETURN_COMMENT:?}: {comment:?}"
            ))
            .await;
    }
    wait_for_status(&browser, "returned", "差戻し").await;
    if browser.body_text().await.contains(STAFF_MEMO) {
        browser
            .fail("the employee's page shows the reviewers' memo")
            .await;
    }
    browser.goto(&format!("{site}{base}/step/insurance")).await;
    browser
        .fill("#l1_premium", &CARE_PREMIUM_FIXED.to_string())
        .await;
    wait_for_amount(
        &browser,
        "生命保険料控除",
        expected.life_insurance(GENERAL_PREMIUM, Some(CARE_PREMIUM_FIXED)),
    )
    .await;
    browser.click("#next").await;
    // The next-year step keeps its saved answer.
    browser
        .wait_for_path(&format!("{base}/step/next_year"))
        .await;
    browser.click("#next").await;
    browser.wait_for_path(&format!("{base}/review")).await;
    expect_amounts(&browser, &expected, CARE_PREMIUM_FIXED).await;
    browser.fill("#note", SUBMISSION_NOTE).await;
    browser.click("#submit-filing").await;
    browser.wait_for_path(&base).await;
    wait_for_status(&browser, "submitted", "提出済").await;
    log_out(&browser, &site).await;

    // 6. The 承認者 reads the employee's note, sees the history and the changed value, and
    // approves.
    accept_invitation(&browser, &approver_link, &approver_id, APPROVER_PASSWORD).await;
    browser.goto(&format!("{site}{dashboard}")).await;
    expect_awaiting_originals(&browser, "1").await;
    open_review(&browser, EMPLOYEE_NUMBER).await;
    wait_for_status(&browser, "submitted", "提出済").await;
    let note = texts(&browser, "#submission-note .body").await;
    if note != [SUBMISSION_NOTE] {
        browser
            .fail(&format!("the reviewer should read the note: {note:#?}"))
            .await;
    }
    let history = texts(&browser, "#history tr.event").await;
    let submissions = history.iter().filter(|row| row.contains("提出:")).count();
    let returns = history
        .iter()
        .filter(|row| row.contains("差戻し:") && row.contains(RETURN_COMMENT))
        .count();
    if submissions < 2 || returns != 1 {
        browser
            .fail(&format!(
                "the history should list two 提出 and one 差戻し with the comment: {history:#?}"
            ))
            .await;
    }
    let changes = texts(&browser, "#changes tr.change").await;
    let changed = changes.iter().any(|row| {
        (row.contains(&yen_text(CARE_PREMIUM_FIRST))
            || row.contains(&CARE_PREMIUM_FIRST.to_string()))
            && (row.contains(&yen_text(CARE_PREMIUM_FIXED))
                || row.contains(&CARE_PREMIUM_FIXED.to_string()))
    });
    if !changed {
        browser
            .fail(&format!(
                "the changed values should show the premium going from {CARE_PREMIUM_FIRST} to \
                 {CARE_PREMIUM_FIXED}: {changes:#?}"
            ))
            .await;
    }
    // The paper certificates have reached the company: the 承認者 records each of them.
    let certificates = browser
        .find_all("#attachment-checklist .receive-paper")
        .await
        .len();
    if certificates != 2 {
        browser
            .fail(&format!(
                "each of the two policies' certificates should await its original: {certificates}"
            ))
            .await;
    }
    for received in 1..=certificates {
        browser.click("#attachment-checklist .receive-paper").await;
        browser
            .wait_until(
                &format!("{received} certificate(s) recorded as received"),
                async |client| {
                    let found = client
                        .find_all(Locator::Css(
                            r#"#attachment-checklist li[data-original="paper"]"#,
                        ))
                        .await
                        .ok()?;
                    (found.len() == received).then_some(())
                },
            )
            .await;
    }
    // Marked 確認済み (一次確認), then approved from the dashboard filtered on 確認済: the
    // header box selects the page (dashboard.js) and one click approves it.
    browser.click("#check-filing").await;
    browser.wait_for("#check-mark").await;
    browser
        .goto(&format!("{site}{dashboard}?checked=yes"))
        .await;
    let checked = browser.wait_for("#checked-count").await;
    let count = browser.text_of(&checked).await;
    if count != "1" {
        browser
            .fail(&format!("the dashboard should count one 確認済: {count}"))
            .await;
    }
    browser.click("#select-all").await;
    let selected = browser
        .find_all(r#"input[name="selected"]:checked"#)
        .await
        .len();
    if selected != 1 {
        browser
            .fail(&format!(
                "the header box should select the page's declaration: {selected}"
            ))
            .await;
    }
    browser.click("#approve-selected").await;
    let approved = browser.wait_for("#approved-count").await;
    let approved = browser.text_of(&approved).await;
    if !approved.contains("1件を承認しました") {
        browser
            .fail(&format!("the bulk approval should approve it: {approved}"))
            .await;
    }
    browser.goto(&format!("{site}{dashboard}")).await;
    expect_awaiting_originals(&browser, "0").await;
    open_review(&browser, EMPLOYEE_NUMBER).await;
    wait_for_status(&browser, "approved", "承認済").await;
    log_out(&browser, &site).await;

    // 7. The ADMIN applies the employee's change of address (the employee is told by mail),
    // then downloads the payroll CSV: the employee's row holds the expected figures.
    browser.goto(&format!("{site}/login")).await;
    log_in(&browser, &contract.admin_id, ADMIN_PASSWORD, "/").await;
    browser
        .goto(&format!("{site}/admin/companies/{company}/change-requests"))
        .await;
    browser.wait_for("section.change-request").await;
    if !browser.body_text().await.contains(NEW_ADDRESS) {
        browser
            .fail("the change request does not show the new address")
            .await;
    }
    browser
        .click(r#"section.change-request button[value="apply"]"#)
        .await;
    browser.wait_for("#none-pending").await;
    sink.wait_for_mail(
        EMPLOYEE_EMAIL,
        "登録内容の変更届を反映しました",
        MAIL_PATIENCE,
    )
    .await;
    browser.goto(&format!("{site}{dashboard}")).await;
    let link = browser.wait_for("#payroll-utf8").await;
    let path = browser.attribute(&link, "href").await.unwrap_or_default();
    assert_eq!(path, format!("{dashboard}/payroll.csv"));
    let (status, csv) = http.get_bytes(&path, &browser.cookie_header().await).await;
    assert_eq!(
        status,
        200,
        "the payroll CSV answers 200: {}",
        String::from_utf8_lossy(&csv)
    );
    let csv = csv
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the UTF-8 payroll CSV starts with a BOM");
    let csv = String::from_utf8(csv.to_vec()).expect("the payroll CSV is UTF-8");
    let records = parse_csv(&csv);
    let header = records.first().expect("the payroll CSV has a header");
    let rows: Vec<&Vec<String>> = records
        .iter()
        .skip(1)
        .filter(|record| record.first().map(String::as_str) == Some(EMPLOYEE_NUMBER))
        .collect();
    assert_eq!(
        rows.len(),
        1,
        "the payroll CSV should hold one row for {EMPLOYEE_NUMBER}:\n{csv}"
    );
    let row = rows[0];
    assert_eq!(
        records.len(),
        2,
        "only the approved declaration is exported:\n{csv}"
    );
    let column = |name: &str| -> &str {
        let index = header
            .iter()
            .position(|column| column == name)
            .unwrap_or_else(|| panic!("the payroll CSV has no column {name:?}: {header:?}"));
        row.get(index).map_or_else(
            || panic!("the row has no {name:?} cell: {row:?}"),
            String::as_str,
        )
    };
    assert!(
        !column("承認日時").is_empty(),
        "the payroll CSV gives the approval time: {row:?}"
    );
    let life = expected.life_insurance(GENERAL_PREMIUM, Some(CARE_PREMIUM_FIXED));
    let year_text = year.to_string();
    let salary_text = SALARY.to_string();
    let general_text = GENERAL_PREMIUM.to_string();
    let care_text = CARE_PREMIUM_FIXED.to_string();
    let life_text = life.to_string();
    let spouse_text = expected.spouse.to_string();
    let dependents_text = expected.dependents.to_string();
    let basic_text = expected.basic.to_string();
    for (name, value) in [
        ("年分", year_text.as_str()),
        ("状況", "承認済"),
        ("給与の収入金額(見積)", salary_text.as_str()),
        ("配偶者氏名", "田中 直子"),
        ("配偶者合計所得(見積)", "0"),
        ("特定扶養親族の数", "1"),
        ("一般の控除対象扶養親族の数", "0"),
        ("新生命保険料(一般)", general_text.as_str()),
        ("介護医療保険料", care_text.as_str()),
        ("生命保険料控除額", life_text.as_str()),
        ("地震保険料控除額", "0"),
        ("配偶者(特別)控除額", spouse_text.as_str()),
        ("特定親族特別控除額", "0"),
        ("扶養控除・障害者控除等の額", dependents_text.as_str()),
        ("基礎控除額", basic_text.as_str()),
        ("住宅借入金等特別控除額", "0"),
        ("親族1氏名", "田中 一郎"),
        ("親族1続柄", "長男"),
        ("親族1区分", "特定扶養親族"),
    ] {
        let found = column(name);
        assert!(
            found == value,
            "the payroll CSV's {name} for {EMPLOYEE_NUMBER} should be {value:?}, it is \
             {found:?}\nheader: {header:?}\nrow: {row:?}"
        );
    }
    log_out(&browser, &site).await;

    // 8. 源泉徴収票の電子交付: the employee consents on their 源泉徴収票 page; the ADMIN uploads
    // the payroll totals on the settlement page and issues; the employee is told by mail and
    // finds the slip on the page.
    log_in(&browser, &employee_id, EMPLOYEE_PASSWORD, "/").await;
    browser.click("#menu-slips").await;
    browser.wait_for_path("/slips").await;
    browser.wait_for(r#"#no-slips"#).await;
    browser.click("#give-consent").await;
    browser
        .wait_for(r#"#consent-status[data-consented="true"]"#)
        .await;
    log_out(&browser, &site).await;
    log_in(&browser, &contract.admin_id, ADMIN_PASSWORD, "/").await;
    browser.goto(&format!("{site}{dashboard}/settlement")).await;
    let totals = files.path().join("totals.csv");
    std::fs::write(
        &totals,
        format!("社員番号,給与等の総額,徴収税額,社会保険料等\r\n{EMPLOYEE_NUMBER},{SALARY},120000,720000\r\n"),
    )
    .unwrap();
    browser.choose_file("#file", &totals).await;
    browser.click("#issue-slips").await;
    let issued = browser.wait_for("#issued-count").await;
    let issued = browser.text_of(&issued).await;
    if !issued.contains("1人に電子交付しました") {
        browser
            .fail(&format!(
                "the slip should be issued to the employee: {issued:?}"
            ))
            .await;
    }
    log_out(&browser, &site).await;
    let notice = sink
        .wait_for_mail(EMPLOYEE_EMAIL, "源泉徴収票の交付のお知らせ", MAIL_PATIENCE)
        .await;
    assert!(
        notice.text_body.contains("/slips"),
        "the mail links the slips page: {}",
        notice.text_body
    );
    log_in(&browser, &employee_id, EMPLOYEE_PASSWORD, "/").await;
    browser.goto(&format!("{site}/slips")).await;
    let slip = browser.wait_for("a.slip-pdf").await;
    let href = browser.attribute(&slip, "href").await.unwrap_or_default();
    assert_eq!(href, format!("/slips/{year}/print.pdf"));

    browser.close().await;
    server.stop().await;
    drop(sink);
}

/// Imports `file` into `company` (preview, then confirm).
async fn import(browser: &Browser, site: &str, company: &str, file: &Path) {
    browser
        .goto(&format!("{site}/admin/companies/{company}/employees"))
        .await;
    browser.click("#import-link").await;
    browser
        .wait_for_path(&format!("/admin/companies/{company}/import"))
        .await;
    upload(browser, file).await;
    let preview = browser.wait_for("#import-preview").await;
    let preview = browser.text_of(&preview).await;
    if !preview.contains("新規 3件") {
        browser
            .fail(&format!("the preview should say 新規 3件: {preview:?}"))
            .await;
    }
    browser.click("#confirm").await;
    browser.wait_for("#import-result").await;
}

/// Gives the user `login_id` the company role `role` (its option value) on `/admin/users/{id}/roles`.
async fn assign_role(
    browser: &Browser,
    site: &str,
    login_id: &str,
    company: &str,
    role: &str,
    role_label: &str,
) {
    browser.goto(&format!("{site}/admin/users")).await;
    let roles_link = browser
        .wait_for(&format!(
            r#"tr.user[data-login-id="{login_id}"] a[href$="/roles"]"#
        ))
        .await;
    browser
        .check(
            roles_link.click().await,
            &format!("open {login_id}'s roles"),
        )
        .await;
    browser
        .wait_until(&format!("the roles page of {login_id}"), async |client| {
            let url = client.current_url().await.ok()?;
            url.path().ends_with("/roles").then_some(())
        })
        .await;
    browser
        .click(&format!(r#"#company_id option[value="{company}"]"#))
        .await;
    browser
        .click(&format!(r#"#role option[value="{role}"]"#))
        .await;
    browser.submit_form_of("#departments").await;
    browser
        .wait_until(
            &format!("{login_id} to have the role {role_label} of {COMPANY}"),
            async |client| {
                for row in client
                    .find_all(Locator::Css("tr.role-assignment"))
                    .await
                    .ok()?
                {
                    let text = row.text().await.ok()?;
                    if text.contains(COMPANY) && text.contains(role_label) {
                        return Some(());
                    }
                }
                None
            },
        )
        .await;
}

/// Sets the value of the input `#id` as a user picking a date would (date inputs take ISO
/// dates through `.value`), firing the input and change events.
async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser.wait_for(&format!("#{id}")).await;
    let script = "var field = document.getElementById(arguments[0]); field.value = arguments[1]; \
                  field.dispatchEvent(new Event('input', {bubbles: true})); \
                  field.dispatchEvent(new Event('change', {bubbles: true})); return field.value;";
    browser
        .wait_until(&format!("#{id} to take {value}"), async |client| {
            let set = client
                .execute(script, vec![id.into(), value.into()])
                .await
                .ok()?;
            (set.as_str() == Some(value)).then_some(())
        })
        .await;
}

/// Fills life insurance row `index` (a 新 contract of category `kind`).
async fn fill_policy(
    browser: &Browser,
    index: usize,
    insurer: &str,
    kind_of_policy: &str,
    kind: &str,
    premium: i64,
) {
    browser.fill(&format!("#l{index}_insurer"), insurer).await;
    browser
        .fill(&format!("#l{index}_type"), kind_of_policy)
        .await;
    browser
        .click(&format!(r#"#l{index}_kind option[value="{kind}"]"#))
        .await;
    browser
        .click(&format!(r#"#l{index}_contract option[value="new"]"#))
        .await;
    browser.fill(&format!("#l{index}_period"), "終身").await;
    browser
        .fill(&format!("#l{index}_beneficiary"), "田中 直子")
        .await;
    browser
        .fill(&format!("#l{index}_premium"), &premium.to_string())
        .await;
}

/// The (label, value) rows of `#amounts-table` now, or `None` while it is being redrawn.
async fn amounts_now(client: &Client) -> Option<Vec<(String, String)>> {
    let mut lines = Vec::new();
    for row in client
        .find_all(Locator::Css("#amounts-table tr"))
        .await
        .ok()?
    {
        let label = row.find(Locator::Css("th")).await.ok()?.text().await.ok()?;
        let value = row.find(Locator::Css("td")).await.ok()?.text().await.ok()?;
        lines.push((label.trim().to_owned(), value.trim().to_owned()));
    }
    Some(lines)
}

/// Waits until `#amounts-table`'s row `label` shows `amount` yen.
async fn wait_for_amount(browser: &Browser, label: &str, amount: i64) {
    let wanted = yen_text(amount);
    browser
        .wait_until(
            &format!("#amounts-table to show {label} {wanted}"),
            async |client| {
                let lines = amounts_now(client).await?;
                lines
                    .iter()
                    .any(|(shown, value)| shown == label && *value == wanted)
                    .then_some(())
            },
        )
        .await;
}

/// Every computed figure of the declaration, with the 介護医療 premium `care_premium`.
async fn expect_amounts(browser: &Browser, expected: &Expected, care_premium: i64) {
    for (label, amount) in [
        (
            "給与所得控除後の給与等の金額(見積)",
            expected.employment_income,
        ),
        (
            "生命保険料控除",
            expected.life_insurance(GENERAL_PREMIUM, Some(care_premium)),
        ),
        ("地震保険料控除", 0),
        ("配偶者控除・配偶者特別控除", expected.spouse),
        ("特定親族特別控除", 0),
        ("扶養控除・障害者控除等", expected.dependents),
        ("基礎控除", expected.basic),
    ] {
        wait_for_amount(browser, label, amount).await;
    }
}

/// The dashboard's 原本未着 count reads `count`.
async fn expect_awaiting_originals(browser: &Browser, count: &str) {
    let shown = browser.wait_for("#originals-pending-count").await;
    let shown = browser.text_of(&shown).await;
    if shown.trim() != count {
        browser
            .fail(&format!(
                "the dashboard should count {count} declaration(s) awaiting originals: {shown:?}"
            ))
            .await;
    }
}

/// Waits until `#filing-status` says `code` (data-status) and shows `label`.
async fn wait_for_status(browser: &Browser, code: &str, label: &str) {
    browser
        .wait_until(
            &format!("#filing-status to be {label} ({code})"),
            async |client| {
                let status = client.find(Locator::Css("#filing-status")).await.ok()?;
                let shown = status.attr("data-status").await.ok()??;
                let text = status.text().await.ok()?;
                (shown == code && text.contains(label)).then_some(())
            },
        )
        .await;
}

/// On a company dashboard, opens the declaration of the employee `number` (its a.review link).
async fn open_review(browser: &Browser, number: &str) {
    browser.wait_for("#filing-list").await;
    let link = browser
        .wait_until(
            &format!("a review link in the row of {number}"),
            async |client| {
                for row in client.find_all(Locator::Css("tr.filing")).await.ok()? {
                    let cell = row.find(Locator::Css("td.number")).await.ok()?;
                    if cell.text().await.ok()?.trim() == number {
                        return row.find(Locator::Css("a.review")).await.ok();
                    }
                }
                None
            },
        )
        .await;
    browser
        .check(link.click().await, &format!("open {number}'s declaration"))
        .await;
    browser
        .wait_until("the declaration's review page", async |client| {
            let url = client.current_url().await.ok()?;
            let id = url.path().strip_prefix("/admin/filings/")?;
            (!id.is_empty() && !id.contains('/')).then_some(())
        })
        .await;
}

/// The deductions expected for this test's declaration, computed here from the NTA rules as
/// transcribed in /work/shared/tax/rules-2025-2026.md (section numbers below), not by nencho-tax.
struct Expected {
    year: i64,
    /// 給与所得控除後の給与等の金額 for [`SALARY`] (§1.2, 所得税法別表第五 / 措法29条の4②).
    employment_income: i64,
    /// 配偶者控除 (§4; 所得税法83条, NTA 年末調整のしかた 115.pdf p.55).
    spouse: i64,
    /// 扶養控除 for the one child of 20 (§5.1–5.2; 所得税法84条, NTA No.1180).
    dependents: i64,
    /// 基礎控除 (§3; 所得税法86条 + 措法41条の16の2, NTA No.1199).
    basic: i64,
}

impl Expected {
    fn for_year(year: i64) -> Self {
        assert!(
            year == 2025 || year == 2026,
            "this test's expected figures transcribe the 2025 and 2026 rules only; the current \
             Japan year is {year}"
        );
        // §1.2: 3,600,000 ≤ X < 6,600,000 → A×80% − 440,000 with A = floor(X/4,000)×4,000
        // (the same in 2025 and 2026).
        let rounded = SALARY / 4_000 * 4_000;
        let employment_income = rounded * 8 / 10 - 440_000;
        assert_eq!(
            employment_income, 3_560_000,
            "§1.3's spot value for 5,000,000"
        );
        // 合計所得金額 = the employment income (no other income declared).
        let total_income = employment_income;
        // §3: 2026 (令和8年分): ≤ 4,890,000 → 1,040,000 (62万 + 特例42万);
        // 2025 (令和7年分): 3,360,001 – 4,890,000 → 680,000.
        let basic = match (year, total_income) {
            (2026, ..=4_890_000) => 1_040_000,
            (2025, 3_360_001..=4_890_000) => 680_000,
            _ => panic!("§3's band for {total_income} in {year} is not transcribed here"),
        };
        // §4: a spouse with 合計所得金額 0 (≤ 58万/62万) is a 同一生計配偶者; under 70 and the
        // employee's 合計所得金額 ≤ 9,000,000 → 一般の控除対象配偶者 380,000.
        assert!(total_income <= 9_000_000);
        let spouse = 380_000;
        // §5.1–5.2: born (year−20)-06-01 → 20 at 12/31 → 特定扶養親族 (19–22) 630,000; income 0.
        let dependents = 630_000;
        Self {
            year,
            employment_income,
            spouse,
            dependents,
            basic,
        }
    }

    /// 生命保険料控除 (§8; 所得税法76条, NTA No.1140, 107.pdf p.24) for a 新 一般 policy of
    /// `general` and, if any, a 介護医療 policy of `care`; each partial result rounded up.
    fn life_insurance(&self, general: i64, care: Option<i64>) -> i64 {
        // 2026 only (措法41条の15の5): with a 扶養親族 under 23 — the child of 20 — the 新一般
        // premium uses 計算式Ⅱ (cap 60,000).
        let general = if self.year == 2026 {
            formula_ii(general)
        } else {
            formula_i(general)
        };
        // 介護医療 always uses 計算式Ⅰ (cap 40,000); the three categories together ≤ 120,000.
        (general + care.map_or(0, formula_i)).min(120_000)
    }
}

/// 計算式Ⅰ (新契約): ≤ 20,000 full; ≤ 40,000: P/2 + 10,000; ≤ 80,000: P/4 + 20,000; else 40,000.
fn formula_i(premium: i64) -> i64 {
    match premium {
        ..=20_000 => premium,
        20_001..=40_000 => ceil_div(premium, 2) + 10_000,
        40_001..=80_000 => ceil_div(premium, 4) + 20_000,
        _ => 40_000,
    }
}

/// 計算式Ⅱ (2026, 23歳未満の扶養親族あり): ≤ 30,000 full; ≤ 60,000: P/2 + 15,000;
/// ≤ 120,000: P/4 + 30,000; else 60,000.
fn formula_ii(premium: i64) -> i64 {
    match premium {
        ..=30_000 => premium,
        30_001..=60_000 => ceil_div(premium, 2) + 15_000,
        60_001..=120_000 => ceil_div(premium, 4) + 30_000,
        _ => 60_000,
    }
}

fn ceil_div(value: i64, divisor: i64) -> i64 {
    (value + divisor - 1) / divisor
}

/// An amount as the pages show it: `85,000円`.
fn yen_text(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    if amount < 0 {
        grouped.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped.push('円');
    grouped
}

/// Today in Japan (UTC+9, no daylight saving), as days since 1970-01-01.
#[allow(
    clippy::disallowed_methods,
    reason = "the periods must hold for the web server's SystemClock; this crate does not \
              depend on nencho-kernel"
)]
fn japan_today() -> i64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    (i64::try_from(seconds).unwrap() + 9 * 3600).div_euclid(86_400)
}

/// (year, month, day) of a day counted from 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn iso_date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `令和N年M月D日` for an ISO date of the Reiwa era (as the pages may show a deadline).
fn reiwa_of(iso: &str) -> String {
    let parts: Vec<i64> = iso.split('-').map(|part| part.parse().unwrap()).collect();
    format!("令和{}年{}月{}日", parts[0] - 2018, parts[1], parts[2])
}

/// The records of a CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            other => field.push(other),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[test]
fn the_expected_figures_follow_the_rules() {
    // §1.3 / §8's spot values.
    assert_eq!(formula_i(20_001), 20_001);
    assert_eq!(formula_i(100_000), 40_000);
    assert_eq!(formula_ii(30_001), 30_001);
    assert_eq!(formula_ii(100_000), 55_000);
    let expected = Expected::for_year(2026);
    assert_eq!(expected.employment_income, 3_560_000);
    assert_eq!(expected.basic, 1_040_000);
    // 80,000 → Ⅱ: 80,000/4 + 30,000 = 50,000; 60,000 → Ⅰ: 60,000/4 + 20,000 = 35,000.
    assert_eq!(expected.life_insurance(80_000, Some(60_000)), 85_000);
    // 100,000 → Ⅰ: 40,000.
    assert_eq!(expected.life_insurance(80_000, Some(100_000)), 90_000);
    assert_eq!(yen_text(1_040_000), "1,040,000円");
    assert_eq!(iso_date(0), "1970-01-01");
    assert_eq!(iso_date(20_783), "2026-11-26");
    assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    assert_eq!(reiwa_of("2026-12-25"), "令和8年12月25日");
    assert_eq!(
        parse_csv("a,\"b,\"\"c\"\"\nd\",e\r\n1,2,3\r\n"),
        vec![vec!["a", "b,\"c\"\nd", "e"], vec!["1", "2", "3"]]
    );
}
