//! The full export (SVC-3) through the HTTP surface: the ADMIN downloads the ZIP in UTF-8 and in
//! CP932 and finds every employee in it, and every declaration with its periods, values and
//! history, and its attached documents (`attachments.csv` and each file as uploaded, not another
//! tenant's), the consents to receive the 源泉徴収票 electronically and the issued slips (not
//! another tenant's), the certificates' originals received (`filing_originals.csv`: the recorded
//! ones, not a withdrawn one nor another tenant's; just the header without any); a 参照者 and a
//! general user are refused; after the contract has ended nothing is exported. On SQLite and on
//! PostgreSQL.

use std::io::{Cursor, Read};
use std::sync::Arc;

use nencho_app::tenancy::ActivationNotice;
use nencho_filings::{
    Attachment, AttachmentFormat, AttachmentKind, DateRange, Declaration, FieldChange, Filing,
    FilingEvent, FilingPeriods, FilingStatus, IssuedSlip, LifeContractAge, LifePolicy,
    LifePolicyKind, SlipParties, ValueChange, WithholdingSlip, compute, flatten,
};
use nencho_http::HttpServices;
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordState, Role, RoleAssignment, User, UserStatus,
};
use nencho_kernel::{
    AttachmentId, Clock, EmployeeId, FilingId, SystemClock, TaxYear, TenantId, UserId, Yen,
};
use nencho_ports::{EmployeeQuery, FilingWrite, PeriodChange, Store};
use nencho_tenancy::{
    Company, ContractStatus, Employee, EmployeeNumber, EmploymentType, PersonName, PostalCode,
};
use poem::http::StatusCode;
use time::macros::{date, datetime};

use crate::AsStore;
use crate::import::{Browser, NEW_PASSWORD, browser, site};

on_both_stores!(
    the_admin_downloads_every_table_in_utf8_and_in_cp932,
    a_viewer_and_a_general_user_may_not_export,
    nothing_is_exported_after_the_contract_has_ended,
    declarations_are_exported_with_their_periods_values_and_history,
    consents_and_issued_slips_are_exported,
    received_originals_are_exported,
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
    let other = crate::sites::registered_company(services, tenant, "株式会社ビー").await;
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
pub(crate) fn unzip(bytes: Vec<u8>) -> std::collections::BTreeMap<String, Vec<u8>> {
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

const FILES: [&str; 18] = [
    "README.txt",
    "attachments.csv",
    "audit_log.csv",
    "change_requests.csv",
    "companies.csv",
    "employees.csv",
    "filing_changes.csv",
    "filing_history.csv",
    "filing_memos.csv",
    "filing_originals.csv",
    "filing_periods.csv",
    "filing_values.csv",
    "filings.csv",
    "login_history.csv",
    "roles.csv",
    "slip_consents.csv",
    "users.csv",
    "withholding_slips.csv",
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
    let audits = text("audit_log.csv");
    assert!(
        audits.starts_with(
            "番号,日時,操作者ID,操作者ログインID,操作者,操作,操作コード,対象,内容\r\n"
        ),
        "{audits}"
    );
    assert!(
        audits
            .lines()
            .any(|line| line.contains(",admin,管理者,全データのエクスポート,full_export,")),
        "the export records itself in the 操作ログ it exports: {audits}"
    );
    assert!(text("roles.csv").starts_with("会社ID,会社名,ユーザーID,ログインID,役割,部署\r\n"));
    let readme = text("README.txt");
    assert!(readme.contains("employees.csv（従業員、4件"), "{readme}");
    assert_eq!(
        text("filing_originals.csv"),
        format!("{ORIGINAL_HEADER}\r\n"),
        "no original received: just the header"
    );
    assert!(
        readme.contains("filing_originals.csv（控除証明書等の原本の受領記録、0件）"),
        "{readme}"
    );

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
    assert_eq!(
        decode("filing_originals.csv"),
        format!("{ORIGINAL_HEADER}\r\n"),
        "just the header in CP932 too"
    );
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

/// The cells of each record of a CSV text as `push_line` writes it (quoted cells may hold
/// commas, quotes and line breaks).
fn records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        cell.is_empty() && record.is_empty(),
        "every record ends with CRLF"
    );
    records
}

const PERIOD_HEADER: &str = "会社ID,会社名,年分,年末調整期間の開始日,年末調整期間の終了日,提出期間の開始日,提出期間の終了日,再提出期間の開始日,再提出期間の終了日,通年申告,会社からのご案内";
const FILING_HEADER: &str = "申告書ID,会社ID,会社名,従業員ID,社員番号,氏名,年分,状態,状態コード,代理入力,再年調,最新のコメント,依頼日時,提出日時,承認日時,個別の提出期限,一次確認日時,一次確認者ID,更新日時,版,スキーマバージョン,給与所得控除後の給与等の金額,社会保険料控除,小規模企業共済等掛金控除,生命保険料控除,地震保険料控除,配偶者（特別）控除,特定親族特別控除,扶養控除・障害者控除等,基礎控除,所得控除の合計,住宅借入金等特別控除額,控除額を計算できない理由,申告内容（JSON）";
const VALUE_HEADER: &str = "申告書ID,会社ID,社員番号,氏名,年分,項目パス,項目名,値";
const EVENT_HEADER: &str = "申告書ID,会社ID,社員番号,年分,日時,操作者ID,操作者,操作,変更前の状態,変更後の状態,コメント,代理入力";
const CHANGE_HEADER: &str =
    "申告書ID,会社ID,社員番号,年分,日時,操作者ID,操作者,項目パス,項目名,変更前,変更後";
const ATTACHMENT_HEADER: &str = "添付書類ID,申告書ID,会社ID,社員番号,年分,種類,種類コード,ファイル名,形式,大きさ（バイト）,添付者ID,添付者のログインID,添付日時,ZIP内のファイル";

/// Stores a document on the declaration, as the upload does.
async fn attach(
    store: &Arc<dyn Store>,
    tenant: TenantId,
    filing: FilingId,
    uploaded_by: UserId,
    kind: AttachmentKind,
    file_name: &str,
    content: &[u8],
) -> Attachment {
    let attachment = Attachment {
        id: AttachmentId::generate(&SystemClock),
        tenant_id: tenant,
        filing_id: filing,
        kind,
        file_name: file_name.into(),
        format: AttachmentFormat::sniff(content).unwrap(),
        size: content.len() as u64,
        uploaded_by,
        uploaded_at: SystemClock.now(),
    };
    let line = nencho_filings::FieldChange {
        at: attachment.uploaded_at,
        actor: attachment.uploaded_by,
        actor_name: "admin".into(),
        change: attachment.history_change(true),
    };
    store
        .insert_attachment(tenant, &attachment, content, &line)
        .await
        .unwrap();
    attachment
}

/// Another contract, "beta", with a declaration and one document attached to it.
async fn another_tenant_with_a_document(services: &HttpServices) -> Attachment {
    let beta = crate::sites::open_beta(services).await;
    let tenant = beta.tenant.id;
    let company = crate::sites::registered_company(services, tenant, "株式会社ベータ工業").await;
    let store = &services.app.store;
    let member = employee(
        &company,
        "E0001",
        ["鈴木", "一郎", "スズキ", "イチロウ"],
        false,
    );
    store
        .apply_employees(tenant, company.id, std::slice::from_ref(&member), &[])
        .await
        .unwrap();
    let member = stored_employee(store, &company, "E0001").await;
    let mut filing = Filing::new(
        FilingId::generate(&SystemClock),
        tenant,
        company.id,
        member.id,
        TaxYear::new(2026).unwrap(),
        SystemClock.now(),
    );
    filing.status = FilingStatus::Draft;
    filing.version = 1;
    crate::filings::put_filing(store.as_ref(), &filing, 0).await;
    attach(
        store,
        tenant,
        filing.id,
        UserId::generate(&SystemClock),
        AttachmentKind::LifeInsurance,
        "beta.pdf",
        b"%PDF-1.7 beta's certificate",
    )
    .await
}

/// Opens `year` for the company, as the periods page does.
async fn open_year(
    store: &Arc<dyn Store>,
    company: &Company,
    year: i32,
    admin: &nencho_identity::User,
    refiling: bool,
) -> FilingPeriods {
    let periods = FilingPeriods::new(
        company.id,
        TaxYear::new(year).unwrap(),
        DateRange::new(
            time::Date::from_calendar_date(year, time::Month::November, 1).unwrap(),
            time::Date::from_calendar_date(year + 1, time::Month::January, 31).unwrap(),
        )
        .unwrap(),
        DateRange::new(
            time::Date::from_calendar_date(year, time::Month::November, 10).unwrap(),
            time::Date::from_calendar_date(year, time::Month::November, 30).unwrap(),
        )
        .unwrap(),
        refiling.then(|| {
            DateRange::new(
                time::Date::from_calendar_date(year + 1, time::Month::January, 5).unwrap(),
                time::Date::from_calendar_date(year + 1, time::Month::January, 20).unwrap(),
            )
            .unwrap()
        }),
        !refiling,
    )
    .unwrap();
    let change = PeriodChange {
        company_id: company.id,
        tax_year: periods.tax_year,
        at: SystemClock.now(),
        actor: admin.id,
        actor_name: "admin".into(),
        summary: format!("{year}年分を開始"),
    };
    store
        .put_periods(company.tenant_id, &periods, &change)
        .await
        .unwrap();
    periods
}

/// The stored employee of `company` with this number (departed ones included).
async fn stored_employee(store: &Arc<dyn Store>, company: &Company, number: &str) -> Employee {
    let query = EmployeeQuery {
        include_departed: true,
        ..EmployeeQuery::first_page(company.id, 100)
    };
    store
        .list_employees(company.tenant_id, &query)
        .await
        .unwrap()
        .employees
        .into_iter()
        .find(|employee| employee.number.as_str() == number)
        .unwrap()
}

async fn declarations_are_exported_with_their_periods_values_and_history(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let other = with_employees(&services, &company).await;
    let tenant = notice.tenant.id;
    let admin_user = store
        .list_users(tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|user| user.login_id.as_str() == "admin")
        .unwrap();
    let opened = open_year(&store, &company, 2026, &admin_user, true).await;
    open_year(&store, &other, 2024, &admin_user, false).await;
    let guidance = nencho_filings::GuidanceText::parse("原本は総務部へ,\n\"12月5日\"まで")
        .unwrap()
        .unwrap();
    let guidance_change = PeriodChange {
        company_id: company.id,
        tax_year: opened.tax_year,
        at: SystemClock.now(),
        actor: admin_user.id,
        actor_name: "admin".into(),
        summary: "ご案内".into(),
    };
    assert!(
        store
            .put_guidance(
                tenant,
                company.id,
                opened.tax_year,
                Some(&guidance),
                &guidance_change
            )
            .await
            .unwrap()
    );

    // 山田 (current) submitted 2026 by proxy, after a return; 佐藤 (departed) has 2024, a year
    // the calculator does not support.
    let yamada = stored_employee(&store, &company, "E0001").await;
    let sato = stored_employee(&store, &other, "B0001").await;
    let now = SystemClock.now();
    let mut submitted = Filing::new(
        FilingId::generate(&SystemClock),
        tenant,
        company.id,
        yamada.id,
        TaxYear::new(2026).unwrap(),
        now,
    );
    let mut document = Declaration::default();
    document.taxpayer.estimated_salary = Yen::new(5_000_000);
    document.life_policies.push(LifePolicy {
        insurer: "日本生命, 東京支社".into(),
        policy_type: "終身\"定期\"".into(),
        kind: LifePolicyKind::General,
        contract: LifeContractAge::New,
        period: "終身".into(),
        beneficiary: "妻".into(),
        premium: Yen::new(80_000),
    });
    submitted.document = document;
    submitted.status = FilingStatus::Submitted;
    submitted.proxy_entered = true;
    submitted.last_comment = Some("保険料を,確認して\nください".into());
    submitted.requested_at = Some(now);
    submitted.submitted_at = Some(now);
    submitted.checked = Some(nencho_filings::CheckMark {
        at: now,
        by: admin_user.id,
    });
    submitted.version = 1;
    let event = FilingEvent {
        at: now,
        actor: admin_user.id,
        actor_name: "admin".into(),
        from: FilingStatus::Returned,
        to: FilingStatus::Submitted,
        action: "提出".into(),
        comment: Some("紙の申告書から代理入力".into()),
        proxy: true,
    };
    let change = FieldChange {
        at: now,
        actor: admin_user.id,
        actor_name: "admin".into(),
        change: ValueChange {
            path: "life_policies[0].premium".into(),
            label: "生命保険1: 支払保険料".into(),
            before: Some("70,000".into()),
            after: Some("80,000".into()),
        },
    };
    let mut departed = Filing::new(
        FilingId::generate(&SystemClock),
        tenant,
        other.id,
        sato.id,
        TaxYear::new(2024).unwrap(),
        now,
    );
    departed.status = FilingStatus::Approved;
    departed.approved_at = Some(now);
    departed.version = 1;
    store
        .write_filings(
            tenant,
            &[
                FilingWrite {
                    filing: submitted.clone(),
                    expected_version: 0,
                    event: Some(event),
                    changes: vec![change],
                    mail: None,
                },
                FilingWrite {
                    filing: departed.clone(),
                    expected_version: 0,
                    event: None,
                    changes: Vec::new(),
                    mail: None,
                },
            ],
        )
        .await
        .unwrap();

    // Two documents on 山田's declaration (a name with a path and a comma in it), and one on
    // another contract's.
    let pdf: Vec<u8> = b"%PDF-1.7\n"
        .iter()
        .copied()
        .chain((0..=255u8).cycle().take(70_000))
        .collect();
    let jpeg: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0]
        .into_iter()
        .chain((0..50_000u32).map(|n| (n * 7 % 251) as u8))
        .collect();
    let certificate = attach(
        &store,
        tenant,
        submitted.id,
        admin_user.id,
        AttachmentKind::LifeInsurance,
        "../保険/証明書,2026.pdf",
        &pdf,
    )
    .await;
    let photo = attach(
        &store,
        tenant,
        submitted.id,
        admin_user.id,
        AttachmentKind::EarthquakeInsurance,
        "IMG_0001.jpeg",
        &jpeg,
    )
    .await;
    let foreign = another_tenant_with_a_document(&services).await;
    let documents = [
        (
            &certificate,
            format!("attachments/{}.pdf", certificate.id),
            &pdf,
        ),
        (&photo, format!("attachments/{}.jpg", photo.id), &jpeg),
    ];
    let mut expected_files: Vec<String> = FILES.map(str::to_owned).to_vec();
    expected_files.extend(documents.iter().map(|(_, path, _)| path.clone()));
    expected_files.sort();

    let mut admin = logged_in_admin(&store, &notice).await;
    let response = admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await;
    response.assert_status_is_ok();
    let zip_bytes = response.0.into_body().into_vec().await.unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes.clone())).unwrap();
    for (_, path, _) in &documents {
        assert_eq!(
            archive.by_name(path).unwrap().compression(),
            zip::CompressionMethod::Stored,
            "{path} is stored as it is"
        );
    }
    assert_eq!(
        archive.by_name("filings.csv").unwrap().compression(),
        zip::CompressionMethod::Deflated
    );
    let files = unzip(zip_bytes);
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected_files);
    for (_, path, content) in &documents {
        assert!(files[path] == **content, "{path} has the uploaded bytes");
    }
    for bytes in files.values() {
        let id = foreign.id.to_string();
        assert!(
            !bytes
                .windows(id.len())
                .any(|window| window == id.as_bytes()),
            "nothing of the other contract's document"
        );
        assert!(!bytes.windows(13).any(|w| w == b"beta's certif"));
    }
    assert!(
        !files
            .keys()
            .any(|name| name.contains(&foreign.id.to_string()))
    );
    let text = |name: &str| {
        assert!(files[name].starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
        String::from_utf8(files[name][3..].to_vec()).unwrap()
    };

    let periods = records(&text("filing_periods.csv"));
    assert_eq!(periods[0].join(","), PERIOD_HEADER);
    assert_eq!(periods.len(), 3, "the header and two opened years");
    assert!(
        periods.contains(
            &[
                company.id.to_string().as_str(),
                "株式会社エー",
                "2026",
                "2026-11-01",
                "2027-01-31",
                "2026-11-10",
                "2026-11-30",
                "2027-01-05",
                "2027-01-20",
                "いいえ",
                "原本は総務部へ,\n\"12月5日\"まで",
            ]
            .map(str::to_owned)
            .to_vec()
        )
    );
    assert!(periods.iter().any(|row| row[1] == "株式会社ビー"
        && row[2] == "2024"
        && row[7].is_empty()
        && row[9] == "はい"
        && row[10].is_empty()));

    let filings = records(&text("filings.csv"));
    assert_eq!(filings[0].join(","), FILING_HEADER);
    assert_eq!(filings.len(), 3, "the header and both declarations");
    let column = |name: &str| FILING_HEADER.split(',').position(|c| c == name).unwrap();
    let row = filings
        .iter()
        .find(|row| row[0] == submitted.id.to_string())
        .expect("山田's declaration");
    assert_eq!(row[column("会社ID")], company.id.to_string());
    assert_eq!(row[column("従業員ID")], yamada.id.to_string());
    assert_eq!(row[column("社員番号")], "E0001");
    assert_eq!(row[column("氏名")], "山田 太郎");
    assert_eq!(row[column("年分")], "2026");
    assert_eq!(row[column("状態")], "提出済");
    assert_eq!(row[column("状態コード")], "submitted");
    assert_eq!(row[column("代理入力")], "はい");
    assert_eq!(row[column("再年調")], "いいえ");
    assert_eq!(row[column("最新のコメント")], "保険料を,確認して\nください");
    assert!(row[column("依頼日時")].len() == "2026-11-25 09:30:00".len());
    assert!(row[column("承認日時")].is_empty());
    assert!(row[column("個別の提出期限")].is_empty());
    assert_eq!(
        row[column("一次確認日時")].len(),
        "2026-11-25 09:30:00".len()
    );
    assert_eq!(row[column("一次確認者ID")], admin_user.id.to_string());
    assert_eq!(row[column("版")], "1");
    assert_eq!(row[column("スキーマバージョン")], "1");
    let computed = compute(&submitted.document, submitted.tax_year).unwrap();
    assert_eq!(
        row[column("生命保険料控除")],
        computed.deductions.life_insurance.amount().to_string()
    );
    assert_eq!(
        row[column("基礎控除")],
        computed.deductions.basic.amount().to_string()
    );
    assert_eq!(
        row[column("所得控除の合計")],
        computed.deductions.total().amount().to_string()
    );
    assert_eq!(row[column("住宅借入金等特別控除額")], "0");
    assert!(row[column("控除額を計算できない理由")].is_empty());
    let document: Declaration = serde_json::from_str(&row[column("申告内容（JSON）")]).unwrap();
    assert_eq!(
        document, submitted.document,
        "the JSON reads back as the document"
    );

    let row = filings
        .iter()
        .find(|row| row[0] == departed.id.to_string())
        .expect("the departed employee's declaration too");
    assert_eq!(row[column("社員番号")], "B0001");
    assert_eq!(row[column("状態コード")], "approved");
    assert!(row[column("基礎控除")].is_empty(), "2024 is not computed");
    assert!(row[column("控除額を計算できない理由")].contains("2024"));

    let values = records(&text("filing_values.csv"));
    assert_eq!(values[0].join(","), VALUE_HEADER);
    let expected = flatten(&submitted.document).len() + flatten(&departed.document).len();
    assert_eq!(values.len(), 1 + expected, "one row per value");
    assert!(
        values.contains(
            &[
                submitted.id.to_string().as_str(),
                company.id.to_string().as_str(),
                "E0001",
                "山田 太郎",
                "2026",
                "life_policies[0].insurer",
                "生命保険1: 保険会社",
                "日本生命, 東京支社",
            ]
            .map(str::to_owned)
            .to_vec()
        )
    );

    let events = records(&text("filing_history.csv"));
    assert_eq!(events[0].join(","), EVENT_HEADER);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1][0], submitted.id.to_string());
    assert_eq!(
        events[1][5..],
        [
            admin_user.id.to_string().as_str(),
            "admin",
            "提出",
            "差戻し",
            "提出済",
            "紙の申告書から代理入力",
            "はい",
        ]
        .map(str::to_owned)
    );
    let changes = records(&text("filing_changes.csv"));
    assert_eq!(changes[0].join(","), CHANGE_HEADER);
    assert_eq!(
        changes.len(),
        4,
        "the header, the premium and the two documents attached: {changes:?}"
    );
    let premium = changes
        .iter()
        .find(|row| row[7] == "life_policies[0].premium")
        .expect("the premium's change");
    assert_eq!(
        premium[2..4],
        ["E0001", "2026"].map(str::to_owned),
        "{changes:?}"
    );
    assert_eq!(
        premium[7..],
        [
            "life_policies[0].premium",
            "生命保険1: 支払保険料",
            "70,000",
            "80,000",
        ]
        .map(str::to_owned)
    );
    for (document, _, _) in &documents {
        let attached = changes
            .iter()
            .find(|row| row[7] == format!("attachments.{}", document.id))
            .expect("each document's attaching is in the history");
        assert_eq!(attached[10], document.file_name, "{attached:?}");
    }

    let attachments = records(&text("attachments.csv"));
    assert_eq!(attachments[0].join(","), ATTACHMENT_HEADER);
    assert_eq!(attachments.len(), 3, "the header and the two documents");
    for (document, path, content) in &documents {
        let row = attachments
            .iter()
            .find(|row| row[0] == document.id.to_string())
            .expect("a row per document");
        let format = if document.format == AttachmentFormat::Pdf {
            "PDF"
        } else {
            "JPEG"
        };
        let uploaded_at = document
            .uploaded_at
            .to_offset(time::UtcOffset::from_hms(9, 0, 0).unwrap())
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]"
            ))
            .unwrap();
        assert_eq!(
            row[1..],
            [
                submitted.id.to_string().as_str(),
                company.id.to_string().as_str(),
                "E0001",
                "2026",
                document.kind.japanese_name(),
                document.kind.code(),
                document.file_name.as_str(),
                format,
                content.len().to_string().as_str(),
                admin_user.id.to_string().as_str(),
                "admin",
                uploaded_at.as_str(),
                path.as_str(),
            ]
            .map(str::to_owned)
        );
    }
    // In id order: the ids are time-ordered to the millisecond (two documents attached within
    // the same millisecond may come either way, so the order is taken from the ids).
    let mut by_id: Vec<String> = documents
        .iter()
        .map(|(document, _, _)| document.id.to_string())
        .collect();
    by_id.sort();
    let listed: Vec<String> = attachments[1..].iter().map(|row| row[0].clone()).collect();
    assert_eq!(listed, by_id, "in id order");
    assert!(by_id.contains(&certificate.id.to_string()));

    let readme = text("README.txt");
    for counted in [
        "attachments.csv（添付書類、2件）".to_owned(),
        "filing_periods.csv（年末調整の期間、2件）".to_owned(),
        "filings.csv（申告書、2件）".to_owned(),
        format!("filing_values.csv（申告書の項目、{expected}件）"),
        "filing_history.csv（申告書の操作履歴、1件）".to_owned(),
        "filing_changes.csv（申告書の変更履歴、3件）".to_owned(),
        "employees.csv（従業員、4件".to_owned(),
    ] {
        assert!(readme.contains(&counted), "{counted} in {readme}");
    }

    // CP932: the same files, Excel's way.
    let response = admin
        .get_bytes("/admin/export/download?encoding=sjis")
        .await;
    response.assert_status_is_ok();
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected_files);
    for (_, path, content) in &documents {
        assert!(
            files[path] == **content,
            "{path}: the same bytes in a CP932 export"
        );
    }
    let decode = |name: &str| {
        let bytes = &files[name];
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{name}: no BOM");
        let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(bytes);
        assert!(!malformed, "{name} is CP932");
        text.into_owned()
    };
    let attachments = records(&decode("attachments.csv"));
    assert_eq!(attachments.len(), 3);
    assert!(
        attachments
            .iter()
            .any(|row| row[0] == certificate.id.to_string()
                && row[7] == "../保険/証明書,2026.pdf"
                && row[5] == "生命保険料控除証明書")
    );
    for (name, header) in [
        ("attachments.csv", ATTACHMENT_HEADER),
        ("filing_periods.csv", PERIOD_HEADER),
        ("filings.csv", FILING_HEADER),
        ("filing_values.csv", VALUE_HEADER),
        ("filing_history.csv", EVENT_HEADER),
        ("filing_changes.csv", CHANGE_HEADER),
    ] {
        assert!(
            decode(name).starts_with(&format!("{header}\r\n")),
            "{name}'s header in CP932"
        );
    }
    let filings = records(&decode("filings.csv"));
    assert_eq!(filings.len(), 3);
    let row = filings
        .iter()
        .find(|row| row[0] == submitted.id.to_string())
        .unwrap();
    assert_eq!(row[column("氏名")], "山田 太郎");
    assert_eq!(row[column("状態")], "提出済");
    let document: Declaration = serde_json::from_str(&row[column("申告内容（JSON）")]).unwrap();
    assert_eq!(document, submitted.document, "nothing CP932 lacks here");
    let premium = flatten(&submitted.document)
        .into_iter()
        .find(|field| field.path == "life_policies[0].premium")
        .unwrap();
    let values = records(&decode("filing_values.csv"));
    assert_eq!(values.len(), 1 + expected);
    assert!(
        values.iter().any(|row| row[2..]
            == [
                "E0001",
                "山田 太郎",
                "2026",
                "life_policies[0].premium",
                "生命保険1: 支払保険料",
                premium.value.as_str(),
            ]),
        "{values:?}"
    );
}

const SLIP_CONSENT_HEADER: &str =
    "社員番号,会社ID,同意日時,同意の方法,同意の方法コード,記録者ID,記録者";
const SLIP_HEADER: &str = "会社ID,従業員ID,社員番号,年分,交付日時,交付者ID,交付者のログインID,受給者番号,受給者の氏名,受給者のフリガナ,受給者の住所,支払者の名称,支払者の住所,支払者の電話番号,年末調整済,支払金額,給与所得控除後の金額,所得控除の額の合計額,源泉徴収税額,控除対象配偶者の有無,配偶者（特別）控除の額,特定扶養親族の数,老人扶養親族の数,うち同居老親等の数,その他の扶養親族の数,16歳未満扶養親族の数,特別障害者の数,うち同居の特別障害者の数,その他の障害者の数,非居住者である親族の数,社会保険料等の金額,生命保険料の控除額,地震保険料の控除額,住宅借入金等特別控除の額,基礎控除の額,摘要,交付内容（JSON）,訂正前,訂正された日時";

/// The 2026 slip of `employee`, every counted box distinct, issued at `issued_at` by `by`.
fn issued_slip(
    employee: &Employee,
    payer: &str,
    issued_at: nencho_kernel::OffsetDateTime,
    by: UserId,
) -> IssuedSlip {
    let tax_year = TaxYear::new(2026).unwrap();
    IssuedSlip {
        employee_id: employee.id,
        company_id: employee.company_id,
        tax_year,
        parties: SlipParties {
            recipient_number: employee.number.as_str().into(),
            recipient_name: format!("{} {}", employee.name.family, employee.name.given),
            recipient_kana: format!("{} {}", employee.name.family_kana, employee.name.given_kana),
            recipient_address: employee.address.clone(),
            payer_name: payer.into(),
            payer_address: "東京都千代田区大手町1-1-1".into(),
            payer_phone: "03-1234-5678".into(),
        },
        slip: WithholdingSlip {
            adjusted: true,
            payment: Yen::new(5_000_000),
            employment_income: Yen::new(3_560_000),
            total_deductions: Yen::new(2_155_000),
            tax: Yen::new(70_200),
            has_deductible_spouse: true,
            spouse_deduction: Yen::new(380_000),
            specific_dependents: 1,
            elderly_dependents: 2,
            elderly_living_together: 1,
            other_dependents: 3,
            young_dependents: 4,
            special_disabled: 5,
            special_disabled_living_together: 6,
            other_disabled: 7,
            non_resident_relatives: 8,
            social_insurance: Yen::new(720_000),
            mutual_aid: Yen::new(144_000),
            life_insurance_deduction: Yen::new(55_000),
            earthquake_insurance_deduction: Yen::new(25_000),
            housing_loan_credit: Yen::new(120_000),
            housing_loan_credit_available: Yen::new(210_000),
            housing_residence_start: Some(date!(2022 - 03 - 20)),
            housing_year_end_balance: Yen::new(30_000_000),
            new_life_premium: Yen::new(100_000),
            basic_deduction: Yen::new(580_000),
            remarks: vec![
                "前職分 支払金額1,200,000円".into(),
                "住宅借入金等特別控除の区分 \"住\"".into(),
            ],
            ..WithholdingSlip::empty(tax_year, employee.birth_date)
        },
        issued_at,
        issued_by: by,
    }
}

/// Another contract, "beta", whose employee consented and was issued a slip.
async fn another_tenant_with_a_slip(services: &HttpServices) -> IssuedSlip {
    let beta = crate::sites::open_beta(services).await;
    let tenant = beta.tenant.id;
    let company = crate::sites::registered_company(services, tenant, "株式会社ベータ工業").await;
    let store = &services.app.store;
    let member = employee(
        &company,
        "E0001",
        ["鈴木", "一郎", "スズキ", "イチロウ"],
        false,
    );
    store
        .apply_employees(tenant, company.id, std::slice::from_ref(&member), &[])
        .await
        .unwrap();
    let member = stored_employee(store, &company, "E0001").await;
    store
        .set_slip_consent(
            tenant,
            member.id,
            Some(&nencho_filings::SlipConsent::online(SystemClock.now())),
        )
        .await
        .unwrap();
    let slip = issued_slip(
        &member,
        "株式会社ベータ工業",
        SystemClock.now(),
        UserId::generate(&SystemClock),
    );
    store
        .issue_slips(tenant, std::slice::from_ref(&slip), &[])
        .await
        .unwrap();
    slip
}

async fn consents_and_issued_slips_are_exported(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let other = with_employees(&services, &company).await;
    let tenant = notice.tenant.id;
    let admin_user = store
        .list_users(tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|user| user.login_id.as_str() == "admin")
        .unwrap();
    // 山田 consented on paper (recorded by the administrator) and was issued his 2026 slip; 髙橋
    // consented on the site and withdrew; 佐藤 (departed) never consented.
    let yamada = stored_employee(&store, &company, "E0001").await;
    let takahashi = stored_employee(&store, &company, "E0002").await;
    stored_employee(&store, &other, "B0001").await;
    store
        .set_slip_consent(
            tenant,
            yamada.id,
            Some(&nencho_filings::SlipConsent {
                at: datetime!(2026-12-01 00:00:00 +9),
                method: nencho_filings::ConsentMethod::Paper,
                recorded_by: Some(admin_user.id),
                recorded_by_name: Some("管理者 (admin)".to_owned()),
            }),
        )
        .await
        .unwrap();
    store
        .set_slip_consent(
            tenant,
            takahashi.id,
            Some(&nencho_filings::SlipConsent::online(datetime!(
                2026-12-02 00:00:00 UTC
            ))),
        )
        .await
        .unwrap();
    store
        .set_slip_consent(tenant, takahashi.id, None)
        .await
        .unwrap();
    let slip = issued_slip(
        &yamada,
        "株式会社エー",
        datetime!(2027-01-20 00:30:00 UTC),
        admin_user.id,
    );
    store
        .issue_slips(tenant, std::slice::from_ref(&slip), &[])
        .await
        .unwrap();
    let foreign = another_tenant_with_a_slip(&services).await;

    let mut admin = logged_in_admin(&store, &notice).await;
    let response = admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await;
    response.assert_status_is_ok();
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), FILES);
    for bytes in files.values() {
        for marker in [foreign.employee_id.to_string(), "ベータ".to_owned()] {
            assert!(
                !bytes
                    .windows(marker.len())
                    .any(|window| window == marker.as_bytes()),
                "nothing of the other contract's slip: {marker}"
            );
        }
    }
    let text = |name: &str| {
        assert!(files[name].starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
        String::from_utf8(files[name][3..].to_vec()).unwrap()
    };

    let consents = records(&text("slip_consents.csv"));
    assert_eq!(consents[0].join(","), SLIP_CONSENT_HEADER);
    assert_eq!(
        consents[1..],
        [[
            "E0001",
            company.id.to_string().as_str(),
            "2026-12-01 00:00:00",
            "書面で同意",
            "paper",
            admin_user.id.to_string().as_str(),
            "管理者 (admin)"
        ]
        .map(str::to_owned)],
        "山田 only, at his consent's day in JST, on paper by the administrator: not the \
         withdrawn one nor beta's"
    );
    let employees = text("employees.csv");
    assert!(
        employees.starts_with(
            "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日,会社ID,会社名,従業員ID,ユーザーID,更新日時\r\n"
        ),
        "employees.csv keeps its columns: {employees}"
    );

    let slips = records(&text("withholding_slips.csv"));
    assert_eq!(slips[0].join(","), SLIP_HEADER);
    assert_eq!(slips.len(), 2, "the header and 山田's slip");
    let column = |name: &str| SLIP_HEADER.split(',').position(|c| c == name).unwrap();
    let row = &slips[1];
    assert_eq!(row.len(), SLIP_HEADER.split(',').count());
    let company_id = company.id.to_string();
    let yamada_id = yamada.id.to_string();
    let admin_id = admin_user.id.to_string();
    let expected = [
        ("会社ID", company_id.as_str()),
        ("従業員ID", yamada_id.as_str()),
        ("社員番号", "E0001"),
        ("年分", "2026"),
        ("交付日時", "2027-01-20 09:30:00"),
        ("交付者ID", admin_id.as_str()),
        ("交付者のログインID", "admin"),
        ("受給者番号", "E0001"),
        ("受給者の氏名", "山田 太郎"),
        ("受給者のフリガナ", "ヤマダ タロウ"),
        ("受給者の住所", "東京都千代田区丸の内1-1-1\n年調ビル5階"),
        ("支払者の名称", "株式会社エー"),
        ("支払者の住所", "東京都千代田区大手町1-1-1"),
        ("支払者の電話番号", "03-1234-5678"),
        ("年末調整済", "はい"),
        ("支払金額", "5000000"),
        ("給与所得控除後の金額", "3560000"),
        ("所得控除の額の合計額", "2155000"),
        ("源泉徴収税額", "70200"),
        ("控除対象配偶者の有無", "有"),
        ("配偶者（特別）控除の額", "380000"),
        ("特定扶養親族の数", "1"),
        ("老人扶養親族の数", "2"),
        ("うち同居老親等の数", "1"),
        ("その他の扶養親族の数", "3"),
        ("16歳未満扶養親族の数", "4"),
        ("特別障害者の数", "5"),
        ("うち同居の特別障害者の数", "6"),
        ("その他の障害者の数", "7"),
        ("非居住者である親族の数", "8"),
        ("社会保険料等の金額", "720000"),
        ("生命保険料の控除額", "55000"),
        ("地震保険料の控除額", "25000"),
        ("住宅借入金等特別控除の額", "120000"),
        ("基礎控除の額", "580000"),
        (
            "摘要",
            "前職分 支払金額1,200,000円 / 住宅借入金等特別控除の区分 \"住\"",
        ),
        ("訂正前", "いいえ"),
        ("訂正された日時", ""),
    ];
    for (name, value) in expected {
        assert_eq!(row[column(name)], value, "{name}");
    }
    let read_back: IssuedSlip = serde_json::from_str(&row[column("交付内容（JSON）")]).unwrap();
    assert_eq!(read_back, slip, "the JSON reads back as the issued slip");

    let readme = text("README.txt");
    for counted in [
        "slip_consents.csv（源泉徴収票の電子交付への同意、1件）",
        "withholding_slips.csv（交付した源泉徴収票、1件）",
        "employees.csv（従業員、4件",
    ] {
        assert!(readme.contains(counted), "{counted} in {readme}");
    }
    let (_, form) = admin.get("/admin/export").await;
    assert!(form.contains("withholding_slips.csv"), "the page lists it");

    // CP932: the same rows, Excel's way.
    let response = admin
        .get_bytes("/admin/export/download?encoding=sjis")
        .await;
    response.assert_status_is_ok();
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    let decode = |name: &str| {
        let bytes = &files[name];
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{name}: no BOM");
        let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(bytes);
        assert!(!malformed, "{name} is CP932");
        text.into_owned()
    };
    let consents = records(&decode("slip_consents.csv"));
    assert_eq!(consents[0].join(","), SLIP_CONSENT_HEADER);
    assert_eq!(consents.len(), 2);
    let slips = records(&decode("withholding_slips.csv"));
    assert_eq!(slips[0].join(","), SLIP_HEADER);
    assert_eq!(slips.len(), 2);
    assert_eq!(slips[1][column("受給者の氏名")], "山田 太郎");
    assert_eq!(slips[1][column("源泉徴収税額")], "70200");
    let read_back: IssuedSlip =
        serde_json::from_str(&slips[1][column("交付内容（JSON）")]).unwrap();
    assert_eq!(read_back, slip, "nothing CP932 lacks here");
}

const ORIGINAL_HEADER: &str = "申告書ID,会社ID,従業員ID,社員番号,年分,種類,種類コード,対象,書類キー,受領方法,受領方法コード,記録日時,操作者ID,操作者";

/// A handed-in 2026 declaration of `employee` with one new-contract life policy (premium 60,000
/// from `insurer`): it calls for that certificate.
async fn declaration_with_a_policy(
    store: &Arc<dyn Store>,
    employee: &Employee,
    insurer: &str,
) -> Filing {
    let now = SystemClock.now();
    let mut filing = Filing::new(
        FilingId::generate(&SystemClock),
        employee.tenant_id,
        employee.company_id,
        employee.id,
        TaxYear::new(2026).unwrap(),
        now,
    );
    filing.document.life_policies.push(LifePolicy {
        insurer: insurer.into(),
        policy_type: "終身".into(),
        kind: LifePolicyKind::General,
        contract: LifeContractAge::New,
        period: "終身".into(),
        beneficiary: "妻".into(),
        premium: Yen::new(60_000),
    });
    filing.status = FilingStatus::Submitted;
    filing.submitted_at = Some(now);
    filing.version = 1;
    crate::filings::put_filing(store.as_ref(), &filing, 0).await;
    filing
}

/// The key of the only certificate `filing` calls for.
fn certificate_key(filing: &Filing) -> String {
    let expected = nencho_filings::expected_attachments(&filing.document);
    assert_eq!(expected.len(), 1, "{expected:?}");
    expected[0].original_key()
}

/// `at` as the export writes times: JST, `YYYY-MM-DD HH:MM:SS`.
fn jst_text(at: nencho_kernel::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::from_hms(9, 0, 0).unwrap())
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap()
}

async fn received_originals_are_exported(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let other = with_employees(&services, &company).await;
    let tenant = notice.tenant.id;
    let admin_user = store
        .list_users(tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|user| user.login_id.as_str() == "admin")
        .unwrap();
    open_year(&store, &company, 2026, &admin_user, true).await;
    open_year(&store, &other, 2026, &admin_user, true).await;
    // 山田 (current) hands in a life policy of A生命, 佐藤 (departed) one of B生命, 髙橋 one of
    // C生命.
    let yamada = stored_employee(&store, &company, "E0001").await;
    let takahashi = stored_employee(&store, &company, "E0002").await;
    let sato = stored_employee(&store, &other, "B0001").await;
    let yamada_filing = declaration_with_a_policy(&store, &yamada, "A生命, 東京支社").await;
    let sato_filing = declaration_with_a_policy(&store, &sato, "B生命").await;
    let takahashi_filing = declaration_with_a_policy(&store, &takahashi, "C生命").await;

    // The ADMIN records 山田's paper original and 佐藤's electronic data; 髙橋's is recorded
    // and withdrawn.
    let mut admin = logged_in_admin(&store, &notice).await;
    let current = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    let yamada_key = certificate_key(&yamada_filing);
    assert_eq!(yamada_key, "life_insurance:生命保険1 (A生命, 東京支社)");
    let sato_key = certificate_key(&sato_filing);
    let takahashi_key = certificate_key(&takahashi_filing);
    for (filing, key, method) in [
        (&yamada_filing, &yamada_key, "paper"),
        (&sato_filing, &sato_key, "electronic"),
        (&takahashi_filing, &takahashi_key, "paper"),
        (&takahashi_filing, &takahashi_key, "none"),
    ] {
        nencho_app::filings::originals::record_original(
            &services.app,
            &current,
            filing.id,
            key,
            method,
        )
        .await
        .unwrap();
    }
    // Another contract's receipt on its own declaration.
    let foreign = another_tenant_with_a_document(&services).await;
    store
        .write_original_receipt(
            foreign.tenant_id,
            &nencho_ports::OriginalReceiptWrite {
                filing_id: foreign.filing_id,
                key: "life_insurance:生命保険1 (ベータ生命)".into(),
                receipt: Some(nencho_filings::OriginalReceipt {
                    key: "life_insurance:生命保険1 (ベータ生命)".into(),
                    method: nencho_filings::OriginalMethod::Paper,
                    at: SystemClock.now(),
                    actor: foreign.uploaded_by,
                    actor_name: "ベータ 管理".into(),
                }),
                change: FieldChange {
                    at: SystemClock.now(),
                    actor: foreign.uploaded_by,
                    actor_name: "ベータ 管理".into(),
                    change: ValueChange {
                        path: "originals.life_insurance:生命保険1 (ベータ生命)".into(),
                        label: "原本: 生命保険料控除証明書 生命保険1 (ベータ生命)".into(),
                        before: Some("未受領".into()),
                        after: Some("原本受領".into()),
                    },
                },
            },
        )
        .await
        .unwrap();
    let receipt_of = |filing: FilingId| {
        let store = store.clone();
        async move {
            let receipts = store.original_receipts(tenant, filing).await.unwrap();
            assert_eq!(receipts.len(), 1);
            receipts.into_iter().next().unwrap()
        }
    };
    let yamada_receipt = receipt_of(yamada_filing.id).await;
    let sato_receipt = receipt_of(sato_filing.id).await;
    let actor_name = format!("{} (admin)", admin_user.display_name.as_str());
    assert_eq!(yamada_receipt.actor_name, actor_name);

    let response = admin
        .get_bytes("/admin/export/download?encoding=utf8")
        .await;
    response.assert_status_is_ok();
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), FILES);
    let text = |name: &str| {
        assert!(files[name].starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
        String::from_utf8(files[name][3..].to_vec()).unwrap()
    };
    let originals = records(&text("filing_originals.csv"));
    assert_eq!(originals[0].join(","), ORIGINAL_HEADER);
    let row = |filing: &Filing,
               employee: &Employee,
               subject: &str,
               key: &str,
               method: [&str; 2],
               receipt: &nencho_filings::OriginalReceipt| {
        vec![
            filing.id.to_string(),
            employee.company_id.to_string(),
            employee.id.to_string(),
            employee.number.as_str().to_owned(),
            "2026".to_owned(),
            "生命保険料控除証明書".to_owned(),
            "life_insurance".to_owned(),
            subject.to_owned(),
            key.to_owned(),
            method[0].to_owned(),
            method[1].to_owned(),
            jst_text(receipt.at),
            admin_user.id.to_string(),
            actor_name.clone(),
        ]
    };
    let mut expected = vec![
        row(
            &yamada_filing,
            &yamada,
            "生命保険1 (A生命, 東京支社)",
            &yamada_key,
            ["原本受領", "paper"],
            &yamada_receipt,
        ),
        row(
            &sato_filing,
            &sato,
            "生命保険1 (B生命)",
            &sato_key,
            ["電子データで確認", "electronic"],
            &sato_receipt,
        ),
    ];
    expected.sort();
    assert_eq!(
        originals[1..],
        expected,
        "山田's and the departed 佐藤's, in declaration order; not 髙橋's withdrawn one nor beta's"
    );
    for bytes in files.values() {
        assert!(
            !bytes
                .windows("ベータ生命".len())
                .any(|w| w == "ベータ生命".as_bytes()),
            "nothing of the other contract's receipt"
        );
    }
    let readme = text("README.txt");
    assert!(
        readme.contains("filing_originals.csv（控除証明書等の原本の受領記録、2件）"),
        "{readme}"
    );
    let (_, form) = admin.get("/admin/export").await;
    assert!(form.contains("filing_originals.csv"), "the page lists it");

    // CP932: the same rows, Excel's way.
    let response = admin
        .get_bytes("/admin/export/download?encoding=sjis")
        .await;
    response.assert_status_is_ok();
    let files = unzip(response.0.into_body().into_vec().await.unwrap());
    let bytes = &files["filing_originals.csv"];
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let (decoded, _, malformed) = encoding_rs::SHIFT_JIS.decode(bytes);
    assert!(!malformed, "CP932");
    let originals = records(&decoded);
    assert_eq!(originals[0].join(","), ORIGINAL_HEADER);
    assert_eq!(originals[1..], expected, "nothing CP932 lacks here");
}
