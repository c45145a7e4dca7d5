//! The full export (SVC-3) through the HTTP surface: the ADMIN downloads the ZIP in UTF-8 and in
//! CP932 and finds every employee in it; a 参照者 and a general user are refused; after the
//! contract has ended nothing is exported. On SQLite and on PostgreSQL.

use std::io::{Cursor, Read};
use std::sync::Arc;

use nencho_app::tenancy::ActivationNotice;
use nencho_http::HttpServices;
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordState, Role, RoleAssignment, User, UserStatus,
};
use nencho_kernel::{Clock, EmployeeId, SystemClock, UserId};
use nencho_ports::Store;
use nencho_tenancy::{
    Company, CompanyName, ContractStatus, Employee, EmployeeNumber, EmploymentType, PersonName,
    PostalCode,
};
use poem::http::StatusCode;
use time::macros::date;

use crate::AsStore;
use crate::import::{Browser, NEW_PASSWORD, browser, site};

on_both_stores!(
    the_admin_downloads_every_table_in_utf8_and_in_cp932,
    a_viewer_and_a_general_user_may_not_export,
    nothing_is_exported_after_the_contract_has_ended,
);

fn employee(company: &Company, number: &str, name: [&str; 4], leave: bool) -> Employee {
    Employee {
        id: EmployeeId::generate(&SystemClock),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: EmployeeNumber::parse(number).unwrap(),
        name: PersonName {
            family: name[0].into(),
            given: name[1].into(),
            family_kana: name[2].into(),
            given_kana: name[3].into(),
        },
        birth_date: date!(1990 - 04 - 01),
        postal_code: PostalCode::parse("100-0005"),
        address: "東京都千代田区丸の内1-1-1\n年調ビル5階".into(),
        email: None,
        department: Some("総務部".into()),
        employment_type: EmploymentType::Regular,
        hire_date: Some(date!(2015 - 04 - 01)),
        leave_date: leave.then_some(date!(2026 - 03 - 31)),
        user_id: None,
        updated_at: SystemClock.now(),
    }
}

/// Two companies: 株式会社エー with 山田 and 髙橋 (a CP932 extension), 株式会社ビー with 佐藤 (who
/// has left) and 𠮷田 (a character CP932 lacks).
async fn with_employees(services: &HttpServices, company: &Company) -> Company {
    let tenant = company.tenant_id;
    let other = Company::register(
        tenant,
        CompanyName::parse("株式会社ビー").unwrap(),
        &SystemClock,
    );
    services
        .app
        .store
        .insert_company(tenant, &other)
        .await
        .unwrap();
    let first = [
        employee(
            company,
            "E0001",
            ["山田", "太郎", "ヤマダ", "タロウ"],
            false,
        ),
        employee(
            company,
            "E0002",
            ["髙橋", "花子", "タカハシ", "ハナコ"],
            false,
        ),
    ];
    let second = [
        employee(&other, "B0001", ["佐藤", "次郎", "サトウ", "ジロウ"], true),
        employee(
            &other,
            "B0002",
            ["𠮷田", "三郎", "ヨシダ", "サブロウ"],
            false,
        ),
    ];
    let store = &services.app.store;
    store
        .apply_employees(tenant, company.id, &first, &[])
        .await
        .unwrap();
    store
        .apply_employees(tenant, other.id, &second, &[])
        .await
        .unwrap();
    other
}

async fn logged_in_admin(
    store: &impl AsStore,
    notice: &ActivationNotice,
) -> Browser<impl poem::Endpoint> {
    let mut admin = browser(store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    admin
}

/// Every file of the ZIP, by name.
fn unzip(bytes: Vec<u8>) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        files.insert(file.name().to_owned(), content);
    }
    files
}

const FILES: [&str; 6] = [
    "README.txt",
    "companies.csv",
    "employees.csv",
    "login_history.csv",
    "roles.csv",
    "users.csv",
];

async fn the_admin_downloads_every_table_in_utf8_and_in_cp932(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let other = with_employees(&services, &company).await;
    let mut admin = logged_in_admin(&store, &notice).await;

    let (status, home) = admin.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains(r#"href="/admin/export""#),
        "the menu links to it"
    );
    let (status, form) = admin.get("/admin/export").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"action="/admin/export/download""#));
    assert!(form.contains(r#"value="sjis""#));

    // UTF-8 with a BOM.
    let response = admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await;
    response.assert_status_is_ok();
    response.assert_content_type("application/zip");
    let disposition = response.0.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let today = SystemClock
        .now()
        .to_offset(time::UtcOffset::from_hms(9, 0, 0).unwrap())
        .date();
    let stamp = format!(
        "{:04}{:02}{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    assert_eq!(
        disposition,
        format!("attachment; filename=\"nencho-export-acme-{stamp}.zip\"")
    );
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), FILES);
    for (name, bytes) in &files {
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
    }
    let text = |name: &str| String::from_utf8(files[name][3..].to_vec()).unwrap();

    let employees = text("employees.csv");
    let lines: Vec<&str> = employees.split("\r\n").collect();
    assert!(
        lines[0].starts_with(
            "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日,会社ID,会社名"
        ),
        "the import's columns first: {}",
        lines[0]
    );
    for expected in [
        "E0001,山田,太郎,ヤマダ,タロウ,1990-04-01,100-0005,\"東京都千代田区丸の内1-1-1\n年調ビル5階\",,総務部,正社員,2015-04-01,,",
        "E0002,髙橋,花子,タカハシ,ハナコ,",
        "B0001,佐藤,次郎,サトウ,ジロウ,",
        "B0002,𠮷田,三郎,ヨシダ,サブロウ,",
    ] {
        assert!(employees.contains(expected), "{expected} in {employees}");
    }
    assert!(employees.contains(",2026-03-31,"), "the departed one too");
    assert!(employees.contains(&format!(",{},株式会社ビー,", other.id)));
    assert_eq!(
        employees.matches("\r\n").count(),
        5,
        "the header and four employees"
    );

    let companies = text("companies.csv");
    assert!(companies.contains("株式会社エー") && companies.contains("株式会社ビー"));

    let users = text("users.csv");
    assert!(users.contains(",admin,"), "{users}");
    assert!(users.contains(",ADMIN,"), "{users}");
    for secret in ["pbkdf2", "$pbkdf2", NEW_PASSWORD] {
        assert!(!users.contains(secret), "no password in {users}");
        assert!(!files.values().any(|bytes| {
            bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes())
        }));
    }

    let logins = text("login_history.csv");
    assert!(
        logins
            .lines()
            .any(|line| line.contains(",admin,") && line.contains(",成功,")),
        "the ADMIN's login: {logins}"
    );
    assert!(text("roles.csv").starts_with("会社ID,会社名,ユーザーID,ログインID,役割,部署\r\n"));
    let readme = text("README.txt");
    assert!(readme.contains("employees.csv（従業員、4件"), "{readme}");

    // CP932, as Excel reads it.
    let response = admin
        .get_bytes("/admin/export/download?encoding=sjis")
        .await;
    response.assert_status_is_ok();
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), FILES);
    let decode = |name: &str| {
        let bytes = &files[name];
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{name}: no BOM");
        let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(bytes);
        assert!(!malformed, "{name} is CP932");
        text.into_owned()
    };
    let employees = decode("employees.csv");
    for expected in [
        "E0001,山田,太郎,ヤマダ,タロウ,",
        "E0002,髙橋,花子,タカハシ,ハナコ,",
        "B0001,佐藤,次郎,サトウ,ジロウ,",
        "B0002,?田,三郎,ヨシダ,サブロウ,",
    ] {
        assert!(employees.contains(expected), "{expected} in {employees}");
    }
    let readme = decode("README.txt");
    assert!(
        readme.contains("「?」に置き換えました: 1文字"),
        "the replaced character is counted: {readme}"
    );
}

async fn a_viewer_and_a_general_user_may_not_export(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let tenant = notice.tenant.id;
    let admin = logged_in_admin(&store, &notice).await;
    let admin_current = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    for (login, role) in [("general1", None), ("viewer1", Some(CompanyRole::Viewer))] {
        let user = User {
            id: UserId::generate(&SystemClock),
            tenant_id: tenant,
            login_id: LoginId::parse(login).unwrap(),
            display_name: DisplayName::parse("一般 花子").unwrap(),
            email: None,
            role: Role::General,
            status: UserStatus::Active,
            password: PasswordState::NotSet,
            created_at: SystemClock.now(),
        };
        services.app.store.insert_user(tenant, &user).await.unwrap();
        if let Some(role) = role {
            services
                .app
                .store
                .assign_role(
                    tenant,
                    &RoleAssignment {
                        user_id: user.id,
                        company_id: company.id,
                        role,
                        departments: vec![],
                    },
                )
                .await
                .unwrap();
        }
        let (_, initial) =
            nencho_app::password::issue_initial_password(&services.app, &admin_current, user.id)
                .await
                .unwrap();
        let mut other = browser(&store);
        other
            .log_in(login, initial.expose(), "yama-no-ue-no-shiroi-kumo")
            .await;
        assert_eq!(
            other.get("/admin/export").await.0,
            StatusCode::FORBIDDEN,
            "{login}"
        );
        let response = other
            .get_bytes("/admin/export/download?encoding=utf8")
            .await;
        response.assert_status(StatusCode::FORBIDDEN);
        let body = response.0.into_body().into_string().await.unwrap();
        assert!(!body.contains("PK"), "{login}: no ZIP");
        let (_, home) = other.get("/").await;
        assert!(!home.contains("/admin/export"), "{login}: no menu entry");
    }
}

async fn nothing_is_exported_after_the_contract_has_ended(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    with_employees(&services, &company).await;
    let mut admin = logged_in_admin(&store, &notice).await;
    admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await
        .assert_status_is_ok();

    services
        .app
        .store
        .set_tenant_status(notice.tenant.id, ContractStatus::Ending)
        .await
        .unwrap();
    admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await
        .assert_status_is_ok();

    services
        .app
        .store
        .set_tenant_status(notice.tenant.id, ContractStatus::Ended)
        .await
        .unwrap();
    let response = admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await;
    assert_ne!(response.0.status(), StatusCode::OK);
    assert_ne!(
        response
            .0
            .headers()
            .get("content-type")
            .map(|v| v.as_bytes()),
        Some(b"application/zip".as_slice())
    );
    assert_eq!(admin.get("/admin/export").await.0, StatusCode::NOT_FOUND);
}
