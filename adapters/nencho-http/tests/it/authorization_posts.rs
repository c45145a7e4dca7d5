//! Every state-changing POST route of a tenant site against every role, in and out of company
//! scope, anonymously, with another tenant's session and without a valid CSRF token, asserting
//! the table of docs/authorization.md (ID-4) as `authorization_matrix` (sites.rs) does for the
//! pages. On SQLite and on PostgreSQL.
//!
//! No allowed request changes what a later row expects: each body passes the authorization and
//! then fails (a form error, 422; a stale or impossible transition, 409; a selection that is
//! skipped), or changes nothing (enabling an active ID, revoking a role nobody holds, a new
//! initial password for an ID nobody uses). The end of the test checks that nothing changed.

use std::sync::Arc;

use nencho_filings::FilingStatus;
use nencho_identity::{CompanyRole, LoginId, Role, UserStatus};
use nencho_kernel::{Clock, SystemClock, UserId};
use nencho_ports::Store;
use poem::test::{TestForm, TestFormField};

use crate::sites::{Browser, browser, csrf_token, log_in_as_admin, new_person, open_site};

on_both_stores!(every_post_route_answers_every_role_as_the_table_says);

const HOST: &str = "acme.localhost:8080";

/// Allowed and done (a redirect elsewhere than the login page).
const SO: u16 = 303;
/// Allowed; the answer page (an ID's new initial password, 一括承認's result, a public form).
const OK: u16 = 200;
/// Allowed, then refused by the rules: the form again with its errors.
const UE: u16 = 422;
/// Allowed, then refused by the workflow (no periods, not submitted, stale version).
const CF: u16 = 409;
/// Allowed, then a malformed value (一括承認's selection).
const BR: u16 = 400;
/// Not allowed.
const NO: u16 = 403;
/// Not found: another tenant's ID, or one's own declaration without an employee record.
const NF: u16 = 404;

const ROLES: [&str; 6] = [
    "ADMIN",
    "管理者",
    "承認者",
    "担当者",
    "参照者",
    "一般ユーザー",
];

/// What a route receives: a urlencoded form or a `multipart/form-data` upload (with an empty
/// `file`). The CSRF token is added when sending.
enum Body {
    Form(Vec<(&'static str, String)>),
    Upload(Vec<(&'static str, String)>),
}

fn form(fields: &[(&'static str, &str)]) -> Body {
    Body::Form(
        fields
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect(),
    )
}

fn upload() -> Body {
    Body::Upload(vec![("encoding", "auto".to_owned())])
}

/// An attachment upload with an empty file: refused as empty (422) once the permission holds.
fn empty_attachment() -> Body {
    Body::Upload(vec![("kind", "other".to_owned())])
}

struct Row {
    /// `{self}` stands for the requesting user's own ID.
    path: String,
    body: Body,
    /// [ADMIN, 管理者, 承認者(A), 担当者(A), 参照者(A), 一般ユーザー]
    want: [u16; 6],
    /// The live preview (`/static/filing.js` posts it): JSON, 401 without a session instead of
    /// the login page.
    json: bool,
}

fn row(path: String, body: Body, want: [u16; 6]) -> Row {
    Row {
        path,
        body,
        want,
        json: false,
    }
}

/// POSTs `body` with `token` as the CSRF token, with the browser's cookies (which it keeps as
/// they are, so a session survives a refusal); returns the status and the `Location`.
async fn send<E: poem::Endpoint>(
    browser: &Browser<E>,
    path: &str,
    body: &Body,
    token: &str,
) -> (u16, Option<String>) {
    let request = browser
        .client
        .post(path)
        .header("host", HOST)
        .header("cookie", browser.cookie_header());
    let response = match body {
        Body::Form(fields) => {
            let mut fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            fields.push(("csrf_token", token));
            request.form(&fields).send().await
        }
        Body::Upload(fields) => {
            let mut multipart = TestForm::new().text("csrf_token", token);
            for (name, value) in fields {
                multipart = multipart.text(*name, value.clone());
            }
            let multipart = multipart.field(
                TestFormField::bytes(Vec::new())
                    .name("file")
                    .filename("empty.csv")
                    .content_type("text/csv"),
            );
            request.multipart(multipart).send().await
        }
    };
    let status = response.0.status().as_u16();
    let location = response
        .0
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (status, location)
}

/// The CSRF token of `browser`'s pages (it depends on the browser's CSRF cookie only).
async fn token_of<E: poem::Endpoint>(browser: &mut Browser<E>, page: &str) -> String {
    browser.get(page).await;
    let token = csrf_token(&browser.last_page);
    assert!(!token.is_empty(), "{page} carries a CSRF token");
    token
}

async fn every_post_route_answers_every_role_as_the_table_says(store: Arc<dyn Store>) {
    let (services, notice) = open_site(&store).await;
    let tenant = notice.tenant.id;
    let company_a = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
    let company_b = crate::sites::registered_company(&services, tenant, "株式会社ビー").await;
    let (a, b) = (company_a.id, company_b.id);

    let mut admin = browser(&store, HOST);
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = crate::sites::session_user(&services.app, &notice.tenant, &admin).await;

    let mut browsers = vec![admin];
    let mut ids = vec![admin_user.user.id];
    for (login_id, role, company_role) in [
        ("kanri", Role::Administrator, None),
        ("shonin", Role::General, Some((CompanyRole::Approver, a))),
        ("tanto", Role::General, Some((CompanyRole::Clerk, a))),
        ("sansho", Role::General, Some((CompanyRole::Viewer, a))),
        ("ippan", Role::General, None),
    ] {
        let mut person = browser(&store, HOST);
        let id = new_person(
            &services,
            &notice,
            &admin_user,
            &mut person,
            login_id,
            role,
            company_role,
        )
        .await;
        browsers.push(person);
        ids.push(id);
    }
    let someone = ids[5];
    let mut tokens = Vec::new();
    for person in &mut browsers {
        tokens.push(token_of(person, "/").await);
    }

    // An ID nobody uses: the target of enabling and of a new initial password.
    let unused = nencho_identity::User {
        id: UserId::generate(&SystemClock),
        tenant_id: tenant,
        login_id: LoginId::parse("taisho").unwrap(),
        display_name: nencho_identity::DisplayName::parse("対象 花子").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: nencho_identity::PasswordState::NotSet,
        created_at: SystemClock.now(),
    };
    services
        .app
        .store
        .insert_user(tenant, &unused)
        .await
        .unwrap();
    let unused = unused.id;

    // Another tenant's ADMIN, whose cookies (session and CSRF) are presented on acme's site.
    let beta = crate::sites::open_beta(&services).await;
    let mut beta_admin = crate::sites::beta_admin(&store, &beta).await;
    let beta_token = token_of(&mut beta_admin, "/password/initial").await;
    let beta_admin_id = services
        .app
        .store
        .find_user_by_login_id(beta.tenant.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    // `send` never drops a cookie, so the session is presented on every request.
    let mut intruder = browser(&store, HOST);
    intruder.cookies = beta_admin.cookies.clone();
    let mut anonymous = browser(&store, HOST);
    let anonymous_token = token_of(&mut anonymous, "/login").await;

    // An employee (without an ID) of A and one of B, each with a declaration in 入力中 (version
    // 1) entered by the ADMIN on paper.
    let tax_year = crate::filings::this_year();
    let year = tax_year.year();
    let employee = crate::filings::employee_of(&services, tenant, a).await;
    let employee_b = crate::filings::employee_of(&services, tenant, b).await;
    let mut filings = Vec::new();
    for of in [employee, employee_b] {
        let filing = nencho_app::filings::review::proxy_save(
            &services.app,
            &admin_user,
            of,
            tax_year,
            0,
            nencho_filings::Declaration::default(),
        )
        .await
        .unwrap();
        assert_eq!((filing.version, filing.status), (1, FilingStatus::Draft));
        filings.push(filing.id);
    }
    let (filing, filing_b) = (filings[0], filings[1]);
    let selected = format!("{filing}:1");
    let selected_b = format!("{filing_b}:1");
    let bad_password = [
        ("current_password", "not-the-current-password"),
        ("new_password", "yuki-no-hi-ni-neko-ga-nemuru"),
        ("confirmation", "yuki-no-hi-ni-neko-ga-nemuru"),
    ];
    let too_long_guidance = "案".repeat(nencho_filings::MAX_GUIDANCE_CHARS + 1);
    let bad_periods = [
        ("adjustment_start", "いつか"),
        ("adjustment_end", "いつか"),
        ("filing_start", "いつか"),
        ("filing_end", "いつか"),
        ("refiling_start", ""),
        ("refiling_end", ""),
    ];
    let nobody = nencho_kernel::EmployeeId::generate(&SystemClock).to_string();
    let (year_text, a_text) = (year.to_string(), a.to_string());
    // A paper consent dated the day after tomorrow: refused (422) once the permission holds.
    let future = (SystemClock
        .now()
        .to_offset(nencho_kernel::JAPAN_STANDARD_TIME)
        .date()
        + time::Duration::days(2))
    .to_string();
    let (employee_text, employee_b_text) = (employee.to_string(), employee_b.to_string());
    let no_document = nencho_kernel::AttachmentId::generate(&SystemClock);

    let table: Vec<Row> = vec![
        // The account (every role, own data): a wrong address, a wrong current password.
        row(
            "/account/email".into(),
            form(&[("email", "not-an-address")]),
            [UE, UE, UE, UE, UE, UE],
        ),
        row(
            "/account/password".into(),
            form(&bad_password),
            [UE, UE, UE, UE, UE, UE],
        ),
        row(
            "/password/initial".into(),
            form(&bad_password),
            [UE, UE, UE, UE, UE, UE],
        ),
        // 提出状況のお知らせ: for those who return declarations (ADMIN, 管理者, 承認者, 担当者); no
        // choice made.
        row(
            "/account/notifications".into(),
            form(&[("receive", "maybe")]),
            [UE, UE, UE, UE, NO, NO],
        ),
        // Ending one's own other sessions (every role; the test's own session stays).
        row(
            "/account/logins/end-others".into(),
            form(&[]),
            [SO, SO, SO, SO, SO, SO],
        ),
        // 2段階認証 of one's own ID (every role): a wrong current password.
        row(
            "/account/two-factor/enable".into(),
            form(&[
                ("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                ("code", "123456"),
                ("password", "not-the-password"),
            ]),
            [UE, UE, UE, UE, UE, UE],
        ),
        row(
            "/account/two-factor/disable".into(),
            form(&[("password", "not-the-password"), ("code", "123456")]),
            [UE, UE, UE, UE, UE, UE],
        ),
        row(
            "/account/two-factor/recovery-codes".into(),
            form(&[("password", "not-the-password")]),
            [UE, UE, UE, UE, UE, UE],
        ),
        // manage_users: one's own 2段階認証 is reset on one's own page; another tenant's ID is
        // not found; the staff rule is true or false.
        row(
            "/admin/users/{self}/two-factor/reset".into(),
            form(&[]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/users/{beta_admin_id}/two-factor/reset"),
            form(&[]),
            [NF, NF, NO, NO, NO, NO],
        ),
        row(
            "/admin/users/second-factor-rule".into(),
            form(&[("required", "maybe")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // manage_users: nobody disables their own ID; enabling an enabled ID changes nothing;
        // another tenant's ID is not found.
        row(
            "/admin/users/{self}/disable".into(),
            form(&[]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/users/{unused}/enable"),
            form(&[]),
            [SO, SO, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/users/{unused}/initial-password"),
            form(&[]),
            [OK, OK, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/users/{beta_admin_id}/disable"),
            form(&[]),
            [NF, NF, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/users/{someone}/roles"),
            form(&[("company_id", ""), ("role", "nosuch"), ("departments", "")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/users/{someone}/roles/{a}/revoke"),
            form(&[]),
            [SO, SO, NO, NO, NO, NO],
        ),
        // 管理者の任命・解除: the ADMIN's role and one's own never change.
        row(
            "/admin/users/{self}/tenant-role".into(),
            form(&[("role", "general")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // manage_companies: an empty name.
        row(
            "/admin/companies/new".into(),
            form(&[("name", "")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}"),
            form(&[("name", "")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}"),
            form(&[("name", "")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // manage_employees: the import without a file, a confirmation of no upload.
        row(
            format!("/admin/companies/{a}/import"),
            upload(),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/import"),
            upload(),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/import/confirm"),
            form(&[
                ("token", "0123456789abcdef0123456789abcdef"),
                ("encoding", "auto"),
                ("first_password", "invitation"),
            ]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // manage_site_access (SEC-2): not an address.
        row(
            "/admin/site-access".into(),
            form(&[("entries", "not-an-address")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // The declarations (docs/declarations.md): manage_periods, with dates that are none.
        row(
            format!("/admin/companies/{a}/periods/{year}"),
            form(&bad_periods),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/periods/{year}"),
            form(&bad_periods),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … 会社からのご案内 too, with more than the 2,000 characters it may have.
        row(
            format!("/admin/companies/{a}/guidance/{year}"),
            form(&[("guidance", too_long_guidance.as_str())]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/guidance/{year}"),
            form(&[("guidance", too_long_guidance.as_str())]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … and 期間の一括設定, manage_periods in every company chosen (none chosen: somewhere).
        row(
            "/admin/filings/periods".into(),
            form(
                &[
                    &bad_periods[..],
                    &[("year", year_text.as_str()), ("company", a_text.as_str())],
                ]
                .concat(),
            ),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            "/admin/filings/periods".into(),
            form(&[&bad_periods[..], &[("year", year_text.as_str())]].concat()),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … request_filings: the periods are not set, so nothing is requested or reminded.
        row(
            format!("/admin/companies/{a}/filings/{year}/request"),
            form(&[("employee", &nobody)]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/filings/{year}/remind"),
            form(&[]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/filings/{year}/request"),
            form(&[]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … and 全社の進捗's 督促, request_filings in every company chosen.
        row(
            "/admin/filings/send".into(),
            form(&[
                ("year", &year.to_string()),
                ("action", "request"),
                ("company", &a.to_string()),
            ]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            "/admin/filings/send".into(),
            form(&[
                ("year", &year.to_string()),
                ("action", "remind"),
                ("company", &a.to_string()),
                ("company", &b.to_string()),
            ]),
            [CF, CF, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/filings/{year}/remind-originals"),
            form(&[]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/filings/{year}/remind-originals"),
            form(&[("employee", &nobody)]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … 年末調整の対象外 (request_filings): no employee number is refused after the
        // permission; a declaration in 入力中 cannot be taken back (it is not excluded).
        row(
            format!("/admin/companies/{a}/filings/{year}/exclusions"),
            form(&[("numbers", " "), ("reason", "secondary_employer")]),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/filings/{year}/exclusions"),
            form(&[("numbers", "E0001"), ("reason", "other"), ("note", "")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/filings/{year}/exclusions/include"),
            form(&[("filing", &filing.to_string()), ("version", "1")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing}/include"),
            form(&[("version", "1")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing_b}/include"),
            form(&[("version", "1")]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … approve_filings, 一括承認: the declaration is 入力中, so it is skipped (未提出); an
        // empty or malformed selection is refused to those who may approve, and to nobody else
        // before the permission.
        row(
            format!("/admin/companies/{a}/filings/{year}/approve"),
            form(&[("selected", &selected)]),
            [OK, OK, OK, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/filings/{year}/approve"),
            form(&[]),
            [UE, UE, UE, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/filings/{year}/approve"),
            form(&[("selected", "not-a-selection")]),
            [BR, BR, BR, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/filings/{year}/approve"),
            form(&[("selected", &selected_b)]),
            [OK, OK, NO, NO, NO, NO],
        ),
        // … return, approve and reopen one declaration: none is possible from 入力中.
        row(
            format!("/admin/filings/{filing}/return"),
            form(&[("version", "1"), ("comment", "記入漏れがあります")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing}/approve"),
            form(&[("version", "1")]),
            [CF, CF, CF, NO, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing}/reopen"),
            form(&[("version", "1"), ("comment", "扶養の追加")]),
            [CF, CF, CF, NO, NO, NO],
        ),
        // … 担当者メモ, return_filings over the employee: an empty memo is refused (422) to those
        // who may write one.
        row(
            format!("/admin/filings/{filing}/memos"),
            form(&[("memo", " ")]),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing_b}/memos"),
            form(&[("memo", " ")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … 個別の提出期限, request_filings over the employee: the periods are not set (409); a day
        // that is none is told only to those who may give one.
        row(
            format!("/admin/filings/{filing}/deadline"),
            form(&[("version", "1"), ("deadline", "2026-12-20")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing}/deadline"),
            form(&[("version", "1"), ("deadline", "not-a-date")]),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing_b}/deadline"),
            form(&[("version", "1"), ("deadline", "2026-12-20")]),
            [CF, CF, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing_b}/return"),
            form(&[("version", "1"), ("comment", "記入漏れがあります")]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … 一次確認, return_filings over the employee: only a 提出済 declaration takes the mark,
        // and this one has none to take back (409 from the rules, after the permission).
        row(
            format!("/admin/filings/{filing}/check"),
            form(&[("version", "1")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing}/uncheck"),
            form(&[("version", "1")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing_b}/check"),
            form(&[("version", "1")]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … return_filings, the certificates' originals: the declaration calls for none, so a
        // receipt is refused by the rules; a malformed method only after the permission.
        row(
            format!("/admin/filings/{filing}/originals"),
            form(&[
                ("key", "life_insurance:生命保険1 (A生命)"),
                ("method", "paper"),
            ]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing}/originals"),
            form(&[
                ("key", "life_insurance:生命保険1 (A生命)"),
                ("method", "scan"),
            ]),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/filings/{filing_b}/originals"),
            form(&[
                ("key", "life_insurance:生命保険1 (A生命)"),
                ("method", "none"),
            ]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … and many at once on the intake: the declaration calls for none (skipped, the
        // page again); an empty or malformed selection only after the permission.
        row(
            format!("/admin/companies/{a}/filings/{year}/originals"),
            form(&[
                (
                    "receipt",
                    &format!("{filing}:life_insurance:生命保険1 (A生命)"),
                ),
                ("method", "paper"),
            ]),
            [SO, SO, SO, SO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/filings/{year}/originals"),
            form(&[("receipt", "not-a-receipt"), ("method", "paper")]),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/filings/{year}/originals"),
            form(&[("method", "paper")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … export_payroll: the settlement without a file.
        row(
            format!("/admin/companies/{a}/filings/{year}/settlement"),
            upload(),
            [UE, UE, UE, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/filings/{year}/settlement"),
            upload(),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … and the consents to 電子交付 given on paper (書面による同意): a date in the future;
        // an employee of another company, or none, is not found; a withdrawal of a consent
        // nobody gave changes nothing.
        row(
            format!("/admin/companies/{a}/slips/consents"),
            form(&[("employee", &employee_text), ("consented_on", &future)]),
            [UE, UE, UE, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/slips/consents"),
            form(&[
                ("employee", &employee_b_text),
                ("consented_on", "2026-11-02"),
            ]),
            [NF, NF, NF, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/slips/consents"),
            form(&[("employee", &nobody), ("action", "withdraw")]),
            [NF, NF, NF, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{a}/slips/consents"),
            form(&[("employee", &employee_text), ("action", "withdraw")]),
            [SO, SO, SO, NO, NO, NO],
        ),
        row(
            format!("/admin/companies/{b}/slips/consents"),
            form(&[("employee", &employee_b_text), ("consented_on", &future)]),
            [UE, UE, NO, NO, NO, NO],
        ),
        // … edit_filings (代理入力): a step without answers, a submission with problems.
        row(
            format!("/admin/employees/{employee}/filings/{year}/step/questions"),
            form(&[("version", "1")]),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/employees/{employee_b}/filings/{year}/step/questions"),
            form(&[("version", "1")]),
            [UE, UE, NO, NO, NO, NO],
        ),
        Row {
            json: true,
            ..row(
                format!("/admin/employees/{employee}/filings/{year}/preview/questions"),
                form(&[("has_spouse", "no")]),
                [OK, OK, OK, OK, NO, NO],
            )
        },
        row(
            format!("/admin/employees/{employee}/filings/{year}/submit"),
            form(&[("version", "1")]),
            [CF, CF, CF, CF, NO, NO],
        ),
        row(
            format!("/admin/employees/{employee_b}/filings/{year}/submit"),
            form(&[("version", "1")]),
            [CF, CF, NO, NO, NO, NO],
        ),
        // … 添付書類 by proxy: an empty file; a document the declaration does not have.
        row(
            format!("/admin/employees/{employee}/filings/{year}/attachments"),
            empty_attachment(),
            [UE, UE, UE, UE, NO, NO],
        ),
        row(
            format!("/admin/employees/{employee_b}/filings/{year}/attachments"),
            empty_attachment(),
            [UE, UE, NO, NO, NO, NO],
        ),
        row(
            format!("/admin/employees/{employee}/filings/{year}/attachments/{no_document}/delete"),
            form(&[]),
            [NF, NF, NF, NF, NO, NO],
        ),
        // 登録内容の変更届: nobody here has an employee record to change; deciding an unknown
        // request is manage_employees's, then not found.
        row(
            "/profile".into(),
            form(&[("family", "")]),
            [NF, NF, NF, NF, NF, NF],
        ),
        row(
            format!("/admin/change-requests/{nobody}"),
            form(&[("action", "apply")]),
            [NF, NF, NO, NO, NO, NO],
        ),
        // … and one's own declaration: nobody here has an employee record.
        row(
            format!("/filings/{year}/step/questions"),
            form(&[("version", "0"), ("has_spouse", "no")]),
            [NF, NF, NF, NF, NF, NF],
        ),
        Row {
            json: true,
            ..row(
                format!("/filings/{year}/preview/questions"),
                form(&[("has_spouse", "no")]),
                [NF, NF, NF, NF, NF, NF],
            )
        },
        row(
            format!("/filings/{year}/submit"),
            form(&[("version", "0")]),
            [NF, NF, NF, NF, NF, NF],
        ),
        row(
            format!("/filings/{year}/withdraw"),
            form(&[("version", "0")]),
            [NF, NF, NF, NF, NF, NF],
        ),
        row(
            format!("/filings/{year}/attachments"),
            empty_attachment(),
            [NF, NF, NF, NF, NF, NF],
        ),
        row(
            format!("/filings/{year}/attachments/{no_document}/delete"),
            form(&[]),
            [NF, NF, NF, NF, NF, NF],
        ),
        // 源泉徴収票の電子交付への同意: one's own, an employee record needed.
        row(
            "/slips/consent".into(),
            form(&[("consent", "yes")]),
            [NF, NF, NF, NF, NF, NF],
        ),
    ];

    // Every answer that differs from the table, so one run lists them all.
    let mut wrong = Vec::new();
    for Row {
        path,
        body,
        want,
        json,
    } in &table
    {
        for (index, name) in ROLES.iter().enumerate() {
            let path = path.replace("{self}", &ids[index].to_string());
            let (status, location) = send(&browsers[index], &path, body, &tokens[index]).await;
            if status != want[index] {
                wrong.push(format!("{name} POST {path}: {status}, not {}", want[index]));
            }
            if status == SO
                && location
                    .as_deref()
                    .unwrap_or("/login")
                    .starts_with("/login")
            {
                wrong.push(format!("{name} POST {path}: sent to {location:?}"));
            }
        }
        let path = path.replace("{self}", &ids[0].to_string());
        // Without a valid CSRF token nobody gets further, not even the ADMIN (the beta token is
        // valid only with beta's CSRF cookie).
        for forged in ["", "00ff", beta_token.as_str()] {
            let (status, _) = send(&browsers[0], &path, body, forged).await;
            if status != NO {
                wrong.push(format!(
                    "ADMIN POST {path} with CSRF token {forged:?}: {status}"
                ));
            }
        }
        let (logged_out, ended) = if *json {
            ((401, None), (401, None))
        } else {
            (
                (SO, Some("/login")),
                (SO, Some("/login?notice=session_ended")),
            )
        };
        let (status, location) = send(&anonymous, &path, body, &anonymous_token).await;
        if (status, location.as_deref()) != logged_out {
            wrong.push(format!("anonymous POST {path}: {status} {location:?}"));
        }
        let (status, location) = send(&intruder, &path, body, &beta_token).await;
        if (status, location.as_deref()) != ended {
            wrong.push(format!(
                "another tenant's session POST {path}: {status} {location:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that differ from docs/authorization.md:\n{}",
        wrong.join("\n")
    );

    // Nothing the allowed requests did changed anything.
    for of in [employee, employee_b] {
        assert_eq!(
            services.app.store.slip_consent(tenant, of).await.unwrap(),
            None,
            "no consent to 電子交付 was recorded"
        );
    }
    for (id, company) in [(filing, a), (filing_b, b)] {
        let stored = services
            .app
            .store
            .find_filing(tenant, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.version, stored.status, stored.company_id),
            (1, FilingStatus::Draft, company),
            "the declarations are as they were"
        );
        assert!(
            services
                .app
                .store
                .find_periods(tenant, company, tax_year)
                .await
                .unwrap()
                .is_none(),
            "no periods were set"
        );
    }
    assert_eq!(
        services
            .app
            .store
            .list_companies(tenant)
            .await
            .unwrap()
            .len(),
        2,
        "no company was registered"
    );
    assert!(
        services
            .app
            .store
            .ip_allow_list(tenant)
            .await
            .unwrap()
            .is_empty(),
        "no allow-list was saved"
    );
    for (login_id, role) in [
        ("admin", Role::Admin),
        ("kanri", Role::Administrator),
        ("ippan", Role::General),
        ("taisho", Role::General),
    ] {
        let user = services
            .app
            .store
            .find_user_by_login_id(tenant, &LoginId::parse(login_id).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (user.role, user.status),
            (role, UserStatus::Active),
            "{login_id} keeps its role and stays enabled"
        );
    }
    assert_eq!(
        services
            .app
            .store
            .find_user(beta.tenant.id, beta_admin_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        UserStatus::Active,
        "another tenant's ID is untouched"
    );

    // The public forms need no session: everyone (and no one) gets the same answer, and a
    // valid CSRF token is needed all the same.
    let bogus_link = "0".repeat(43);
    let public: [(String, Body, u16); 4] = [
        (
            "/login".into(),
            form(&[("login_id", "nobody"), ("password", "not the password")]),
            401,
        ),
        (
            "/password/forgot".into(),
            form(&[("login_id", "nobody")]),
            OK,
        ),
        (
            format!("/password/reset/{bogus_link}"),
            form(&bad_password[1..]),
            410,
        ),
        (
            format!("/invitation/{bogus_link}"),
            form(&bad_password[1..]),
            410,
        ),
    ];
    for (path, body, want) in &public {
        for (index, name) in ROLES.iter().enumerate() {
            let (status, _) = send(&browsers[index], path, body, &tokens[index]).await;
            assert_eq!(status, *want, "{name} POST {path}");
        }
        let (status, _) = send(&anonymous, path, body, &anonymous_token).await;
        assert_eq!(status, *want, "anonymous POST {path}");
        let (status, _) = send(&intruder, path, body, &beta_token).await;
        assert_eq!(status, *want, "another tenant's session POST {path}");
        let (status, _) = send(&anonymous, path, body, "00ff").await;
        assert_eq!(status, NO, "anonymous POST {path} with a forged CSRF token");
    }

    // Logging out: refused without the token, then for everyone, and the session is over.
    let (status, _) = send(&browsers[0], "/logout", &form(&[]), "00ff").await;
    assert_eq!(status, NO, "POST /logout with a forged CSRF token");
    for (index, name) in ROLES.iter().enumerate() {
        let (status, location) =
            send(&browsers[index], "/logout", &form(&[]), &tokens[index]).await;
        assert_eq!(
            (status, location.as_deref()),
            (SO, Some("/login?notice=logged_out")),
            "{name} POST /logout"
        );
        let (status, _, location) = browsers[index].get("/").await;
        assert_eq!(
            (status.as_u16(), location.as_deref()),
            (SO, Some("/login?notice=session_ended")),
            "{name}'s session ended"
        );
    }
    let (status, location) = send(&anonymous, "/logout", &form(&[]), &anonymous_token).await;
    assert_eq!(
        (status, location.as_deref()),
        (SO, Some("/login?notice=logged_out")),
        "anonymous POST /logout"
    );
}
