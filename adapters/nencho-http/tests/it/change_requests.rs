//! 登録内容の変更届 through the site: an employee asks for a new address and name, the ADMIN sees
//! what would change and applies it (the record, the 操作ログ and a mail follow), a second
//! request is declined with a comment the employee reads; a clerk may do neither.

use nencho_identity::{CompanyRole, Role};
use nencho_kernel::{Clock, EmailAddress, EmployeeId, SystemClock};
use nencho_tenancy::{Employee, EmployeeNumber, EmploymentType, PersonName, PostalCode};
use poem::http::StatusCode;
use time::macros::date;

use crate::sites::{browser, log_in_as_admin, new_person, open_site, registered_company};
use crate::{Backend, open_store};

#[tokio::test]
async fn an_employee_asks_for_a_new_address_and_the_admin_applies_or_declines_it() {
    let fixture = open_store(Backend::Sqlite, "change_requests")
        .await
        .unwrap();
    let (services, notice) = open_site(&fixture.store).await;
    let tenant = notice.tenant.id;
    let company = registered_company(&services, tenant, "株式会社エー").await;
    let mut admin = browser(&fixture, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = crate::sites::session_user(&services.app, &notice.tenant, &admin).await;
    let mut hanako = browser(&fixture, "acme.localhost:8080");
    let (status, page, _) = {
        let user_id = new_person(
            &services,
            &notice,
            &admin_user,
            &mut hanako,
            "e0001",
            Role::General,
            None,
        )
        .await;
        // Before there is a record, the page says so.
        let seen = hanako.get("/profile").await;
        assert!(seen.1.contains(r#"id="no-record""#));
        let record = Employee {
            id: EmployeeId::generate(&SystemClock),
            tenant_id: tenant,
            company_id: company.id,
            number: EmployeeNumber::parse("E0001").unwrap(),
            name: PersonName {
                family: "山田".into(),
                given: "花子".into(),
                family_kana: "ヤマダ".into(),
                given_kana: "ハナコ".into(),
            },
            birth_date: date!(1990 - 04 - 01),
            postal_code: PostalCode::parse("100-0013"),
            address: "東京都千代田区霞が関1-1-1".into(),
            email: Some(EmailAddress::parse("hanako@example.jp").unwrap()),
            department: None,
            employment_type: EmploymentType::Regular,
            hire_date: None,
            leave_date: None,
            user_id: Some(user_id),
            updated_at: SystemClock.now(),
        };
        services
            .app
            .store
            .insert_employee(tenant, &record)
            .await
            .unwrap();
        hanako.get("/profile").await
    };
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<dd id="record-address">東京都千代田区霞が関1-1-1</dd>"#));
    assert!(
        page.contains(r#"value="ハナコ""#),
        "the form starts from the record"
    );

    let unchanged = [
        ("family", "山田"),
        ("given", "花子"),
        ("family_kana", "ヤマダ"),
        ("given_kana", "ハナコ"),
        ("postal_code", "100-0013"),
        ("address", "東京都千代田区霞が関1-1-1"),
    ];
    let (status, page, _) = hanako.post("/profile", &unchanged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("登録内容から変わっていません。"));
    let mut moved = unchanged.to_vec();
    moved[0] = ("family", "佐藤");
    moved[2] = ("family_kana", "さとう");
    moved[4] = ("postal_code", "5300");
    moved[5] = ("address", "大阪府大阪市北区梅田1-1");
    let (status, page, _) = hanako.post("/profile", &moved).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"id="postal_code-error""#) && page.contains("7桁の郵便番号"));
    assert!(
        page.contains(r#"value="大阪府大阪市北区梅田1-1""#),
        "what was typed stays"
    );
    moved[4] = ("postal_code", "〒530-0001");
    moved.push(("note", "2026年10月1日に結婚・転居"));
    // The ADMIN, who decides requests, has an address: the request is announced there.
    services
        .app
        .store
        .set_user_email(
            tenant,
            admin_user.user.id,
            Some(EmailAddress::parse("admin@acme.example").unwrap()),
        )
        .await
        .unwrap();
    let (status, _, location) = hanako.post("/profile", &moved).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/profile?notice=sent"))
    );
    let (_, page, _) = hanako.get("/profile?notice=sent").await;
    assert!(page.contains(r#"id="pending""#));
    let announced: Vec<_> = services
        .app
        .store
        .list_mail(tenant, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|mail| mail.subject.contains("登録内容の変更届が提出されました"))
        .collect();
    assert_eq!(announced.len(), 1, "{announced:?}");
    assert_eq!(announced[0].to.as_str(), "admin@acme.example");
    assert!(
        announced[0].body.contains("社員番号 E0001 山田 花子")
            && announced[0].body.contains(&format!(
                "http://acme.localhost:8080/admin/companies/{}/change-requests",
                company.id
            )),
        "{announced:?}"
    );
    assert!(
        !announced[0].body.contains("大阪"),
        "the mail does not carry the new address"
    );
    assert!(page.contains(r#"data-status="pending""#));

    // A clerk of the company may not decide it.
    let mut clerk = browser(&fixture, "acme.localhost:8080");
    new_person(
        &services,
        &notice,
        &admin_user,
        &mut clerk,
        "tanto",
        Role::General,
        Some((CompanyRole::Clerk, company.id)),
    )
    .await;
    let list = format!("/admin/companies/{}/change-requests", company.id);
    assert_eq!(clerk.get(&list).await.0, StatusCode::FORBIDDEN);

    let (_, employees, _) = admin
        .get(&format!("/admin/companies/{}/employees", company.id))
        .await;
    assert!(
        employees.contains(r#"<span class="badge" id="pending-changes">1</span>"#),
        "the employee list says one request waits"
    );
    let (status, page, _) = admin.get(&list).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("E0001 山田 花子"));
    assert!(
        page.contains("<td>氏(漢字)</td><td>山田</td><td>佐藤</td>"),
        "{page}"
    );
    assert!(page.contains("<td>氏(フリガナ)</td><td>ヤマダ</td><td>サトウ</td>"));
    assert!(page.contains("<td>郵便番号</td><td>100-0013</td><td>530-0001</td>"));
    assert!(page.contains("2026年10月1日に結婚・転居"));
    let marker = r#"action="/admin/change-requests/"#;
    let start = page.find(marker).unwrap() + marker.len();
    let id: String = page[start..].chars().take_while(|c| *c != '"').collect();
    let decide = format!("/admin/change-requests/{id}");
    clerk.get("/").await;
    assert_eq!(
        clerk.post(&decide, &[("action", "apply")]).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _, location) = admin
        .post(&decide, &[("action", "apply"), ("comment", "")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.unwrap(), format!("{list}?notice=applied"));
    let record = services
        .app
        .store
        .find_employee_by_user(
            tenant,
            services
                .app
                .store
                .find_user_by_login_id(tenant, &nencho_identity::LoginId::parse("e0001").unwrap())
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            record.name.family.as_str(),
            record.address.as_str(),
            record.postal_code
        ),
        (
            "佐藤",
            "大阪府大阪市北区梅田1-1",
            PostalCode::parse("5300001")
        )
    );
    admin.get(&list).await;
    let (status, _, _) = admin.post(&decide, &[("action", "decline")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    let (_, log, _) = admin.get("/admin/audit-log").await;
    assert!(log.contains(r#"data-action="change_request_applied""#));
    assert!(
        log.contains("住所: 東京都千代田区霞が関1-1-1 → 大阪府大阪市北区梅田1-1"),
        "{log}"
    );
    let mails = services.app.store.list_mail(tenant, 10).await.unwrap();
    assert!(
        mails
            .iter()
            .any(|mail| mail.to.as_str() == "hanako@example.jp"
                && mail.subject.contains("登録内容の変更届を反映しました")
                && mail.body.contains("佐藤 花子 様")),
        "{mails:?}"
    );

    // A second request, declined with a comment: the record stays, the employee reads why.
    hanako.get("/profile").await;
    let mut again = moved.clone();
    again[5] = ("address", "大阪府大阪市北区梅田9-9");
    let (status, _, _) = hanako.post("/profile", &again).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = admin.get(&list).await;
    let start = page.find(marker).unwrap() + marker.len();
    let second: String = page[start..].chars().take_while(|c| *c != '"').collect();
    let (status, _, _) = admin
        .post(
            &format!("/admin/change-requests/{second}"),
            &[
                ("action", "decline"),
                ("comment", "番地を住民票のとおりにしてください"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = hanako.get("/profile").await;
    assert!(page.contains(r#"<dd id="record-address">大阪府大阪市北区梅田1-1</dd>"#));
    assert!(
        page.contains(r#"data-status="declined""#)
            && page.contains("番地を住民票のとおりにしてください")
    );
    assert!(page.contains(r#"data-status="applied""#));

    // Both are in the full export, as asked and as decided.
    let (status, _, zip) = admin.get_file("/admin/export/download?encoding=utf8").await;
    assert_eq!(status, StatusCode::OK);
    let files = crate::export::unzip(zip);
    let exported = String::from_utf8_lossy(&files["change_requests.csv"]).into_owned();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines.len(), 3, "{exported}");
    assert!(
        lines[1].contains(",大阪府大阪市北区梅田1-1,2026年10月1日に結婚・転居,反映済み,applied,")
    );
    assert!(
        lines[2].contains(",差戻し,declined,")
            && lines[2].ends_with(",番地を住民票のとおりにしてください")
    );
}
