//! Tenant sites through the HTTP surface: host dispatch, CSRF, sessions, the forced password
//! change, reset links and the login history, on a real SQLite store; the authorisation matrix on
//! SQLite and on PostgreSQL.

use std::collections::BTreeMap;
use std::sync::Arc;

use nencho_app::tenancy::{ActivationNotice, OpenTenantRequest, open_tenant};
use nencho_http::{HttpServices, endpoint};
use nencho_ports::Store;
use nencho_store_contract::StoreFixture;
use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};

use crate::{AsStore, Backend, open_store, services};

const NEW_PASSWORD: &str = "kumo-no-ue-de-odoru-pengin";

/// A browser on one host: keeps cookies, reads the CSRF token of the last page.
pub(crate) struct Browser<E> {
    pub(crate) client: TestClient<E>,
    pub(crate) host: String,
    pub(crate) cookies: BTreeMap<String, String>,
    pub(crate) last_page: String,
}

impl<E: poem::Endpoint> Browser<E> {
    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, response: &TestResponse) -> Vec<String> {
        let set: Vec<String> = response
            .0
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        for line in &set {
            let pair = line.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || line.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        set
    }

    pub(crate) async fn get(&mut self, path: &str) -> (StatusCode, String, Option<String>) {
        let response = self
            .client
            .get(path)
            .header("host", &self.host)
            .header("cookie", self.cookie_header())
            .send()
            .await;
        self.finish(response).await
    }

    pub(crate) async fn post(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let token = csrf_token(&self.last_page);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(name, _)| *name == "csrf_token") {
            form.push(("csrf_token", token.as_str()));
        }
        let response = self
            .client
            .post(path)
            .header("host", &self.host)
            .header("cookie", self.cookie_header())
            .form(&form)
            .send()
            .await;
        self.finish(response).await
    }

    /// Posts a `multipart/form-data` form as a browser does: `fields` (the last page's CSRF
    /// token added unless given) and one file in the field `file`. Returns the status, the body
    /// as bytes and the redirect target.
    pub(crate) async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        content: &[u8],
        content_type: &str,
    ) -> (StatusCode, Vec<u8>, Option<String>) {
        let token = csrf_token(&self.last_page);
        let mut form = poem::test::TestForm::new();
        if !fields.iter().any(|(name, _)| *name == "csrf_token") {
            form = form.text("csrf_token", token);
        }
        for (name, value) in fields {
            form = form.text(*name, *value);
        }
        let form = form.field(
            poem::test::TestFormField::bytes(content.to_vec())
                .name("file")
                .filename(file_name)
                .content_type(content_type),
        );
        let response = self
            .client
            .post(path)
            .header("host", &self.host)
            .header("cookie", self.cookie_header())
            .multipart(form)
            .send()
            .await;
        self.remember(&response);
        let status = response.0.status();
        let location = response
            .0
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (
            status,
            response.0.into_body().into_vec().await.unwrap(),
            location,
        )
    }

    /// GETs a file: the status, the headers and the exact bytes.
    pub(crate) async fn get_file(
        &mut self,
        path: &str,
    ) -> (StatusCode, poem::http::HeaderMap, Vec<u8>) {
        let response = self
            .client
            .get(path)
            .header("host", &self.host)
            .header("cookie", self.cookie_header())
            .send()
            .await;
        let status = response.0.status();
        let headers = response.0.headers().clone();
        (
            status,
            headers,
            response.0.into_body().into_vec().await.unwrap(),
        )
    }

    async fn finish(&mut self, response: TestResponse) -> (StatusCode, String, Option<String>) {
        self.remember(&response);
        let status = response.0.status();
        let location = response
            .0
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Lossy: a PDF or a ZIP is a body too.
        let body =
            String::from_utf8_lossy(&response.0.into_body().into_vec().await.unwrap()).into_owned();
        if !body.is_empty() {
            self.last_page = body.clone();
        }
        (status, body, location)
    }
}

/// The signed-in user behind `browser`'s session on `tenant`'s site, to call use cases as them.
pub(crate) async fn session_user<E>(
    app: &nencho_app::AppContext,
    tenant: &nencho_tenancy::Tenant,
    browser: &Browser<E>,
) -> nencho_app::sign_in::CurrentUser {
    nencho_app::sign_in::authenticate(app, tenant, &browser.cookies["nencho_session"])
        .await
        .unwrap()
        .expect("the browser is signed in")
}

/// Logs the contract's ADMIN in with the initial password and sets [`NEW_PASSWORD`].
pub(crate) async fn log_in_as_admin<E: poem::Endpoint>(
    browser: &mut Browser<E>,
    notice: &ActivationNotice,
) {
    browser.get("/login").await;
    browser
        .post(
            "/login",
            &[
                ("login_id", "admin"),
                ("password", notice.initial_password.expose()),
            ],
        )
        .await;
    browser.get("/password/initial").await;
    let (status, _, _) = browser
        .post(
            "/password/initial",
            &[
                ("new_password", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the ADMIN set a password");
}

/// A new ID with `role` (and maybe a company role) that has logged in on `browser` and chosen
/// its password, as after an administrator handed it over.
pub(crate) async fn new_person<E: poem::Endpoint>(
    services: &Arc<HttpServices>,
    notice: &ActivationNotice,
    admin: &nencho_app::sign_in::CurrentUser,
    browser: &mut Browser<E>,
    login_id: &str,
    role: nencho_identity::Role,
    company_role: Option<(nencho_identity::CompanyRole, nencho_kernel::CompanyId)>,
) -> nencho_kernel::UserId {
    let user = nencho_identity::User {
        id: nencho_kernel::UserId::generate(&nencho_kernel::SystemClock),
        tenant_id: notice.tenant.id,
        login_id: nencho_identity::LoginId::parse(login_id).unwrap(),
        display_name: nencho_identity::DisplayName::parse(login_id).unwrap(),
        email: None,
        role,
        status: nencho_identity::UserStatus::Active,
        password: nencho_identity::PasswordState::NotSet,
        created_at: nencho_kernel::Clock::now(&nencho_kernel::SystemClock),
    };
    services
        .app
        .store
        .insert_user(notice.tenant.id, &user)
        .await
        .unwrap();
    if let Some((role, company_id)) = company_role {
        let assignment = nencho_identity::RoleAssignment {
            user_id: user.id,
            company_id,
            role,
            departments: vec![],
        };
        services
            .app
            .store
            .assign_role(notice.tenant.id, &assignment)
            .await
            .unwrap();
    }
    let (_, initial) = nencho_app::password::issue_initial_password(&services.app, admin, user.id)
        .await
        .unwrap();
    browser.get("/login").await;
    browser
        .post(
            "/login",
            &[("login_id", login_id), ("password", initial.expose())],
        )
        .await;
    browser.get("/password/initial").await;
    let (status, _, _) = browser
        .post(
            "/password/initial",
            &[
                ("new_password", "tsuki-no-hikari-ga-umi-ni-ochiru"),
                ("confirmation", "tsuki-no-hikari-ga-umi-ni-ochiru"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{login_id} set a password");
    user.id
}

pub(crate) fn csrf_token(page: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    page.find(marker)
        .map(|start| {
            page[start + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

/// acme's site over a fresh SQLite store, which the returned fixture keeps alive.
async fn site() -> (StoreFixture, Arc<HttpServices>, ActivationNotice) {
    let fixture = open_store(Backend::Sqlite, "sites").await.unwrap();
    let (services, notice) = open_site(&fixture.store).await;
    (fixture, services, notice)
}

/// acme's site over `store`.
pub(crate) async fn open_site(store: &Arc<dyn Store>) -> (Arc<HttpServices>, ActivationNotice) {
    let services = Arc::new(services(store));
    let notice = open_tenant(
        &services.app,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    (services, notice)
}

/// Opens the contract "beta": another tenant beside acme.
pub(crate) async fn open_beta(services: &HttpServices) -> ActivationNotice {
    open_tenant(
        &services.app,
        OpenTenantRequest {
            slug: "beta",
            name: "株式会社ベータ",
            contact_email: "hr@beta.example",
            admin_email: None,
        },
    )
    .await
    .unwrap()
}

/// beta's ADMIN, logged in with the initial password on beta's site (the forced change not
/// done yet).
pub(crate) async fn beta_admin(
    store: &impl AsStore,
    beta: &ActivationNotice,
) -> Browser<impl poem::Endpoint> {
    let mut admin = browser(store, "beta.localhost:8080");
    admin.get("/login").await;
    admin
        .post(
            "/login",
            &[
                ("login_id", "admin"),
                ("password", beta.initial_password.expose()),
            ],
        )
        .await;
    admin
}

/// Registers the company `name` in `tenant` straight in the store (no page involved).
pub(crate) async fn registered_company(
    services: &HttpServices,
    tenant: nencho_kernel::TenantId,
    name: &str,
) -> nencho_tenancy::Company {
    let company = nencho_tenancy::Company::register(
        tenant,
        nencho_tenancy::CompanyName::parse(name).unwrap(),
        &nencho_kernel::SystemClock,
    );
    services
        .app
        .store
        .insert_company(tenant, &company)
        .await
        .unwrap();
    company
}

pub(crate) fn browser(store: &impl AsStore, host: &str) -> Browser<impl poem::Endpoint> {
    Browser {
        client: TestClient::new(endpoint(services(store))),
        host: host.into(),
        cookies: BTreeMap::new(),
        last_page: String::new(),
    }
}

#[tokio::test]
async fn an_unknown_tenant_host_gets_a_plain_404_and_the_platform_host_the_landing_page() {
    let (store, _services, _notice) = site().await;
    let mut unknown = browser(&store, "nosuch.localhost:8080");
    let (status, body, _) = unknown.get("/login").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        !body.contains("nosuch") && !body.contains("acme"),
        "reveals nothing"
    );
    let mut platform = browser(&store, "localhost:8080");
    let (status, body, _) = platform.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("年末調整電子申請サービス"));
    assert_eq!(
        platform.get("/login").await.0,
        StatusCode::NOT_FOUND,
        "no login on the platform host"
    );
}

#[tokio::test]
async fn login_forces_the_initial_password_change_before_any_other_page() {
    let (store, _services, notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    let (status, page, _) = browser.get("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<html lang="ja">"#) && page.contains("ログイン"));
    assert!(browser.cookies.contains_key("nencho_csrf"));

    let (status, _, location) = browser
        .post(
            "/login",
            &[
                ("login_id", "admin"),
                ("password", notice.initial_password.expose()),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/password/initial"))
    );
    for path in ["/", "/account/logins", "/account/email", "/admin/users"] {
        let (status, _, location) = browser.get(path).await;
        assert_eq!(
            (status, location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/password/initial")),
            "{path}"
        );
    }
    browser.get("/password/initial").await;
    let (status, page, _) = browser
        .post(
            "/password/initial",
            &[
                ("new_password", "acme-acme-acme-acme"),
                ("confirmation", "acme-acme-acme-acme"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("ID・氏名・メールアドレス・会社名・サイト名を含むパスワードは使えません"),
        "the reason, in Japanese, tied to the field"
    );
    assert!(page.contains(r#"aria-describedby="new_password-hint new_password-error""#));

    let (status, _, location) = browser
        .post(
            "/password/initial",
            &[
                ("new_password", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?notice=password_changed"))
    );
    let (status, home, _) = browser.get("/?notice=password_changed").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("パスワードを変更しました。"));
    assert!(home.contains("管理者さん、ようこそ。"));
    assert!(home.contains(r#"href="/account/logins""#));
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_change_nothing() {
    let (store, _services, notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    browser.get("/login").await;
    let (status, _, _) = browser
        .post(
            "/login",
            &[
                ("login_id", "admin"),
                ("password", notice.initial_password.expose()),
                ("csrf_token", "00ff"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !browser.cookies.contains_key("nencho_session"),
        "no session from a forged form"
    );
    // A token from another browser (another CSRF cookie) does not work either.
    let mut other = crate::sites::browser(&store, "acme.localhost:8080");
    other.get("/login").await;
    let foreign = csrf_token(&other.last_page);
    let (status, _, _) = browser
        .post(
            "/login",
            &[
                ("login_id", "admin"),
                ("password", notice.initial_password.expose()),
                ("csrf_token", foreign.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_session_cookie_is_httponly_samesite_lax_and_new_at_every_login() {
    let (store, _services, notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    browser.get("/login").await;
    let response = browser
        .client
        .post("/login")
        .header("host", "acme.localhost:8080")
        .header("cookie", browser.cookie_header())
        .form(&[
            ("login_id", "admin"),
            ("password", notice.initial_password.expose()),
            ("csrf_token", &csrf_token(&browser.last_page)),
        ])
        .send()
        .await;
    let set = browser.remember(&response);
    let session = set
        .iter()
        .find(|line| line.starts_with("nencho_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/"),
        "{session}"
    );
    let first = browser.cookies["nencho_session"].clone();
    assert_eq!(first.len(), 32);
    browser.get("/password/initial").await;
    browser.post("/logout", &[]).await;
    assert!(!browser.cookies.contains_key("nencho_session"));
    browser.get("/login").await;
    browser
        .post(
            "/login",
            &[
                ("login_id", "admin"),
                ("password", notice.initial_password.expose()),
            ],
        )
        .await;
    assert_ne!(browser.cookies["nencho_session"], first);
}

#[tokio::test]
async fn a_failed_login_says_the_same_for_every_cause() {
    let (store, _services, _notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    browser.get("/login").await;
    let (status, wrong, _) = browser
        .post(
            "/login",
            &[("login_id", "admin"), ("password", "not the password")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    browser.get("/login").await;
    let (_, unknown, _) = browser
        .post(
            "/login",
            &[("login_id", "nobody"), ("password", "not the password")],
        )
        .await;
    let message = "IDまたはパスワードが正しくないか、現在ログインできない状態です。";
    assert!(wrong.contains(message) && unknown.contains(message));
}

#[tokio::test]
async fn a_reset_link_from_the_outbox_sets_a_new_password_once() {
    let (store, services, notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    browser.get("/password/forgot").await;
    let (status, page, _) = browser
        .post("/password/forgot", &[("login_id", "admin")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="reset-requested""#));
    browser.get("/password/forgot").await;
    let (_, unknown_page, _) = browser
        .post("/password/forgot", &[("login_id", "nobody")])
        .await;
    assert!(
        unknown_page.contains(r#"id="reset-requested""#),
        "the same answer for an unknown ID"
    );

    let mail = services
        .app
        .store
        .list_mail(notice.tenant.id, 5)
        .await
        .unwrap();
    assert_eq!(mail.len(), 1);
    let link_start = mail[0]
        .body
        .find("http://acme.localhost:8080/password/reset/")
        .unwrap();
    let path: String = mail[0].body[link_start + "http://acme.localhost:8080".len()..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();

    let (status, _, _) = browser.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, location) = browser
        .post(
            &path,
            &[
                ("new_password", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login?notice=reset_done"))
    );
    let (status, page, _) = browser.get(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("このリンクは無効か、有効期限が切れています"));

    browser.get("/login").await;
    let (_, _, location) = browser
        .post(
            "/login",
            &[("login_id", "admin"), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/"),
        "no forced change after a reset"
    );
    let (_, history, _) = browser.get("/account/logins").await;
    assert_eq!(history.matches(r#"<tr class="login-attempt">"#).count(), 1);
    assert!(history.contains(r#"<td class="outcome">成功</td>"#));
}

#[tokio::test]
async fn the_language_switch_turns_the_site_english_and_only_returns_to_local_paths() {
    let (store, _services, _notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    let (status, _, location) = browser.get("/lang/en?next=/login").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    let (_, page, _) = browser.get("/login").await;
    assert!(page.contains(r#"<html lang="en">"#) && page.contains("Log in"));
    let (_, _, location) = browser.get("/lang/ja?next=//evil.example/").await;
    assert_eq!(location.as_deref(), Some("/"), "no open redirect");
}

#[tokio::test]
async fn a_session_of_one_tenant_is_worthless_on_another() {
    let (store, services, notice) = site().await;
    open_beta(&services).await;
    let mut acme = browser(&store, "acme.localhost:8080");
    acme.get("/login").await;
    acme.post(
        "/login",
        &[
            ("login_id", "admin"),
            ("password", notice.initial_password.expose()),
        ],
    )
    .await;
    let mut beta = crate::sites::browser(&store, "beta.localhost:8080");
    beta.cookies = acme.cookies.clone();
    let (status, _, location) = beta.get("/password/initial").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login?notice=session_ended"))
    );
}

#[tokio::test]
async fn one_client_posting_sign_in_forms_too_fast_is_slowed_down() {
    let (store, _services, _notice) = site().await;
    let mut browser = browser(&store, "acme.localhost:8080");
    browser.get("/login").await;
    let token = csrf_token(&browser.last_page);
    for attempt in 0..nencho_http::SIGN_IN_BURST {
        let (status, _, _) = browser
            .post(
                "/login",
                &[
                    ("login_id", "admin"),
                    ("password", "a wrong guess here"),
                    ("csrf_token", token.as_str()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let response = browser
        .client
        .post("/login")
        .header("host", "acme.localhost:8080")
        .header("cookie", browser.cookie_header())
        .form(&[
            ("login_id", "admin"),
            ("password", "another guess"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await;
    response.assert_status(StatusCode::TOO_MANY_REQUESTS);
    response.assert_header_exist("retry-after");
}

#[tokio::test]
async fn an_administrator_disables_an_id_and_issues_it_a_new_initial_password_from_the_users_page()
{
    use nencho_identity::{DisplayName, LoginId, PasswordState, Role, User, UserStatus};
    use nencho_kernel::{Clock, SystemClock, UserId};

    let (store, services, notice) = site().await;
    let taro = User {
        id: UserId::generate(&SystemClock),
        tenant_id: notice.tenant.id,
        login_id: LoginId::parse("emp001").unwrap(),
        display_name: DisplayName::parse("山田 太郎").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: SystemClock.now(),
    };
    services
        .app
        .store
        .insert_user(notice.tenant.id, &taro)
        .await
        .unwrap();

    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;

    let (status, page, _) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-login-id="emp001""#) && page.contains("一般ユーザー"));
    let (status, page, _) = admin
        .post(&format!("/admin/users/{}/initial-password", taro.id), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let marker = "<code>";
    let start = page.find(marker).unwrap() + marker.len();
    let initial: String = page[start..].chars().take_while(|c| *c != '<').collect();
    assert_eq!(initial.len(), 20, "shown once on the page");
    // With its ログインのご案内 to print and hand over (the page's only sheet).
    assert_eq!(
        page.matches(r#"<article class="login-notice" lang="ja">"#)
            .count(),
        1
    );
    assert!(
        page.contains(r#"<p class="addressee">山田 太郎 様</p>"#)
            && page.contains(r#"<dd class="site-url">http://acme.localhost:8080</dd>"#)
            && page.contains(r#"<dd class="login-id">emp001</dd>"#)
            && page.contains(&format!(
                r#"<dd class="password"><code>{initial}</code></dd>"#
            ))
            && page.contains(r#"<script src="/static/print.js" defer></script>"#),
        "{page}"
    );
    let script = admin
        .client
        .get("/static/print.js")
        .header("host", "acme.localhost:8080")
        .send()
        .await;
    script.assert_status_is_ok();
    script.assert_content_type("application/javascript; charset=utf-8");

    let mut employee = crate::sites::browser(&store, "acme.localhost:8080");
    employee.get("/login").await;
    let (_, _, location) = employee
        .post(
            "/login",
            &[("login_id", "emp001"), ("password", initial.as_str())],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/password/initial"));

    admin.get("/admin/users").await;
    let (status, _, location) = admin
        .post(&format!("/admin/users/{}/disable", taro.id), &[])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin/users"))
    );
    let (_, _, location) = employee.get("/password/initial").await;
    assert_eq!(
        location.as_deref(),
        Some("/login?notice=session_ended"),
        "a disabled ID's session ends at once"
    );
    employee.get("/login").await;
    let (status, _, _) = employee
        .post(
            "/login",
            &[("login_id", "emp001"), ("password", initial.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A general user cannot reach the users page.
    admin.get("/admin/users").await;
    admin
        .post(&format!("/admin/users/{}/enable", taro.id), &[])
        .await;
    employee.get("/login").await;
    employee
        .post(
            "/login",
            &[("login_id", "emp001"), ("password", initial.as_str())],
        )
        .await;
    employee.get("/password/initial").await;
    employee
        .post(
            "/password/initial",
            &[
                ("new_password", "yama-no-ue-no-shiroi-kumo"),
                ("confirmation", "yama-no-ue-no-shiroi-kumo"),
            ],
        )
        .await;
    let (status, _, _) = employee.get("/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_admin_registers_a_company_and_every_wrong_field_is_named() {
    let (store, _services, notice) = site().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;

    admin.get("/admin/companies/new").await;
    let (status, page, _) = admin
        .post(
            "/admin/companies/new",
            &[
                ("name", ""),
                ("corporate_number", "7000012050003"),
                ("tax_office", "麹町"),
                ("login_id_scheme", "email"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("会社名を入力してください。"));
    assert!(page.contains("法人番号が正しくありません"));
    assert!(page.contains(r#"value="麹町""#), "what was typed is kept");

    let (status, _, location) = admin
        .post(
            "/admin/companies/new",
            &[
                ("name", "株式会社アクメ"),
                ("corporate_number", "７０００－０１２０５－０００２"),
                ("address", "東京都千代田区"),
                ("tax_office", "麹町"),
                ("contact", "人事部"),
                ("login_id_scheme", "email"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let (status, page, _) = admin.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"value="7000012050002""#),
        "the number is stored normalised"
    );
    assert!(page.contains("保存しました。"));
    let (_, list, _) = admin.get("/admin/companies").await;
    assert!(list.contains(r#"<td class="name">株式会社アクメ</td>"#));
}

#[tokio::test]
async fn automatic_reminders_are_on_for_a_new_company_and_an_unchecked_box_turns_them_off() {
    let (store, _services, notice) = site().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let checked = r#"name="auto_reminders" value="on" checked"#;

    let (_, page, _) = admin.get("/admin/companies/new").await;
    assert!(
        page.contains("提出期限前に自動で督促メールを送る"),
        "{page}"
    );
    assert!(page.contains(checked), "on by default: {page}");
    let (status, _, location) = admin
        .post(
            "/admin/companies/new",
            &[("name", "株式会社アクメ"), ("auto_reminders", "on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let (_, page, _) = admin.get(&location).await;
    assert!(page.contains(checked), "{page}");

    let action = location.trim_end_matches("?saved=1").to_owned();
    let (status, _, _) = admin.post(&action, &[("name", "株式会社アクメ")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = admin.get(&location).await;
    assert!(page.contains(r#"name="auto_reminders""#), "{page}");
    assert!(
        !page.contains(checked),
        "absent from the POST is off: {page}"
    );
}

#[tokio::test]
async fn approval_after_the_originals_is_off_for_a_new_company_and_a_checked_box_turns_it_on() {
    let (store, _services, notice) = site().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let checked = r#"name="originals_before_approval" value="on" checked"#;

    let (_, page, _) = admin.get("/admin/companies/new").await;
    assert!(
        page.contains(
            "控除証明書等の原本(または電子データ)がすべて届くまで申告書を承認できないようにする"
        ),
        "{page}"
    );
    assert!(!page.contains(checked), "off by default: {page}");
    let (status, _, location) = admin
        .post(
            "/admin/companies/new",
            &[
                ("name", "株式会社アクメ"),
                ("originals_before_approval", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = admin.get(&location.unwrap()).await;
    assert!(page.contains(checked), "{page}");
    let company = store
        .store
        .list_companies(notice.tenant.id)
        .await
        .unwrap()
        .remove(0);
    assert!(company.profile.originals_before_approval);
}

mod employee_list {
    use super::*;
    use nencho_identity::{CompanyRole, Role};
    use nencho_kernel::{Clock, EmployeeId, SystemClock};
    use nencho_tenancy::{Company, Employee, EmployeeNumber, EmploymentType, PersonName};
    use time::macros::date;

    fn employee(company: &Company, number: usize, family: &str) -> Employee {
        Employee {
            id: EmployeeId::generate(&SystemClock),
            tenant_id: company.tenant_id,
            company_id: company.id,
            number: EmployeeNumber::parse(&format!("{number:05}")).unwrap(),
            name: PersonName {
                family: family.into(),
                given: "太郎".into(),
                family_kana: "ヤマダ".into(),
                given_kana: "タロウ".into(),
            },
            birth_date: date!(1990 - 04 - 01),
            postal_code: None,
            address: "東京都".into(),
            email: None,
            department: Some("営業部".into()),
            employment_type: EmploymentType::Regular,
            hire_date: Some(date!(2015 - 04 - 01)),
            leave_date: None,
            user_id: None,
            updated_at: SystemClock.now(),
        }
    }

    #[tokio::test]
    async fn the_list_pages_by_fifty_searches_and_a_viewer_sees_only_their_company() {
        let (store, services, notice) = site().await;
        let tenant = notice.tenant.id;
        let company_a = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
        let company_b = crate::sites::registered_company(&services, tenant, "株式会社ビー").await;
        let mut staff: Vec<Employee> = (1..=120)
            .map(|n| employee(&company_a, n, if n == 77 { "佐藤" } else { "山田" }))
            .collect();
        staff[5].leave_date = Some(date!(2026 - 03 - 31));
        services
            .app
            .store
            .apply_employees(tenant, company_a.id, &staff, &[])
            .await
            .unwrap();

        let mut admin = browser(&store, "acme.localhost:8080");
        log_in_as_admin(&mut admin, &notice).await;
        let base = format!("/admin/companies/{}/employees", company_a.id);
        let (status, first, _) = admin.get(&base).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(first.matches(r#"<tr class="employee">"#).count(), 50);
        assert!(first.contains(r#"<td class="number">00001</td>"#));
        assert!(
            !first.contains(r#"<td class="number">00006</td>"#),
            "who has left is hidden by default"
        );
        let next = |page: &str| {
            let start = page
                .find(r#"id="next-page" href=""#)
                .map(|i| i + r#"id="next-page" href=""#.len())?;
            Some(
                page[start..]
                    .chars()
                    .take_while(|c| *c != '"')
                    .collect::<String>()
                    .replace("&#38;", "&")
                    .replace("&amp;", "&"),
            )
        };
        let (_, second, _) = admin.get(&next(&first).unwrap()).await;
        assert_eq!(second.matches(r#"<tr class="employee">"#).count(), 50);
        let (_, third, _) = admin.get(&next(&second).unwrap()).await;
        assert_eq!(third.matches(r#"<tr class="employee">"#).count(), 19);
        assert!(next(&third).is_none(), "the last page has no next link");

        let (_, found, _) = admin.get(&format!("{base}?q=%E4%BD%90%E8%97%A4")).await;
        assert_eq!(
            found.matches(r#"<tr class="employee">"#).count(),
            1,
            "search by name (佐藤)"
        );
        assert!(found.contains(r#"<td class="number">00077</td>"#));

        // A 参照者 of company A: sees A's list, not B's, and cannot change anything.
        let admin_current = nencho_app::sign_in::authenticate(
            &services.app,
            &notice.tenant,
            &admin.cookies["nencho_session"],
        )
        .await
        .unwrap()
        .unwrap();
        let mut reader = crate::sites::browser(&store, "acme.localhost:8080");
        new_person(
            &services,
            &notice,
            &admin_current,
            &mut reader,
            "sansho",
            Role::General,
            Some((CompanyRole::Viewer, company_a.id)),
        )
        .await;
        let (status, list, _) = reader.get(&base).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !list.contains(r#"id="import-link""#),
            "no import link for a viewer"
        );
        let (status, refused, _) = reader
            .get(&format!("/admin/companies/{}/employees", company_b.id))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(
            refused.contains(r#"action="/logout""#),
            "the refusal page keeps the user menu"
        );
        assert_eq!(
            reader
                .get(&format!("/admin/companies/{}/employees", company_b.id))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            reader
                .get(&format!("/admin/companies/{}", company_a.id))
                .await
                .0,
            StatusCode::FORBIDDEN,
            "settings are for administrators"
        );
        assert_eq!(
            reader.get("/admin/companies").await.0,
            StatusCode::FORBIDDEN
        );
    }
}

/// Every page against every role, in scope, out of scope and from another tenant, asserting the
/// table of docs/authorization.md (ID-4): allowed → 200, not allowed → 403, not logged in → the
/// login page. On SQLite and on PostgreSQL.
mod authorization_matrix {
    use super::*;
    use nencho_identity::{CompanyRole, LoginId, Role, UserStatus};

    const OK: u16 = 200;
    const NO: u16 = 403;
    const NF: u16 = 404;

    on_both_stores!(every_page_answers_every_role_as_the_table_says);

    async fn every_page_answers_every_role_as_the_table_says(store: Arc<dyn Store>) {
        let (services, notice) = open_site(&store).await;
        let tenant = notice.tenant.id;
        let a = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
        let b = crate::sites::registered_company(&services, tenant, "株式会社ビー").await;

        let mut admin = browser(&store, "acme.localhost:8080");
        log_in_as_admin(&mut admin, &notice).await;
        let admin_user = nencho_app::sign_in::authenticate(
            &services.app,
            &notice.tenant,
            &admin.cookies["nencho_session"],
        )
        .await
        .unwrap()
        .unwrap();

        let mut people = Vec::new();
        for (login_id, role, company_role) in [
            ("kanri", Role::Administrator, None),
            ("shonin", Role::General, Some((CompanyRole::Approver, a.id))),
            ("tanto", Role::General, Some((CompanyRole::Clerk, a.id))),
            ("sansho", Role::General, Some((CompanyRole::Viewer, a.id))),
            ("ippan", Role::General, None),
        ] {
            let mut person = crate::sites::browser(&store, "acme.localhost:8080");
            new_person(
                &services,
                &notice,
                &admin_user,
                &mut person,
                login_id,
                role,
                company_role,
            )
            .await;
            people.push(person);
        }
        let [
            mut administrator,
            mut approver,
            mut clerk,
            mut viewer,
            mut general,
        ] = <[_; 5]>::try_from(people).ok().unwrap();

        // Another tenant's ADMIN, with its session cookie presented on acme's site.
        let beta = open_beta(&services).await;
        let beta_admin = beta_admin(&store, &beta).await;
        let mut intruder = crate::sites::browser(&store, "acme.localhost:8080");
        intruder.cookies = beta_admin.cookies.clone();

        let (a, b) = (a.id, b.id);
        let someone = services
            .app
            .store
            .find_user_by_login_id(tenant, &LoginId::parse("ippan").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        // An employee of A (without an ID) with a declaration, entered by the ADMIN on paper.
        let year = crate::filings::this_year();
        let employee = crate::filings::employee_of(&services, tenant, a).await;
        let filing = nencho_app::filings::review::proxy_save(
            &services.app,
            &admin_user,
            employee,
            year,
            0,
            nencho_filings::Declaration::default(),
        )
        .await
        .unwrap()
        .id;
        // A document attached to it by the ADMIN.
        let attachment = nencho_app::filings::attachments::attach_proxy(
            &services.app,
            &admin_user,
            employee,
            year,
            nencho_app::filings::attachments::NewAttachment {
                kind: nencho_filings::AttachmentKind::Other,
                file_name: "scan.pdf".into(),
                content: b"%PDF-1.7\n".to_vec(),
            },
        )
        .await
        .unwrap()
        .id;
        let year = year.year();
        // (path, [ADMIN, 管理者, 承認者(A), 担当者(A), 参照者(A), 一般ユーザー])
        let table: Vec<(String, [u16; 6])> = vec![
            ("/".into(), [OK, OK, OK, OK, OK, OK]),
            ("/account/logins".into(), [OK, OK, OK, OK, OK, OK]),
            ("/account/two-factor".into(), [OK, OK, OK, OK, OK, OK]),
            ("/admin/users".into(), [OK, OK, NO, NO, NO, NO]),
            ("/admin/audit-log".into(), [OK, OK, NO, NO, NO, NO]),
            ("/profile".into(), [OK, OK, OK, OK, OK, OK]),
            (
                format!("/admin/companies/{a}/change-requests"),
                [OK, OK, NO, NO, NO, NO],
            ),
            ("/admin/audit-log.csv".into(), [OK, OK, NO, NO, NO, NO]),
            (
                format!("/admin/users/{someone}/roles"),
                [OK, OK, NO, NO, NO, NO],
            ),
            ("/admin/companies".into(), [OK, OK, NO, NO, NO, NO]),
            ("/admin/export".into(), [OK, OK, NO, NO, NO, NO]),
            // manage_site_access (SEC-2).
            ("/admin/site-access".into(), [OK, OK, NO, NO, NO, NO]),
            ("/admin/companies/new".into(), [OK, OK, NO, NO, NO, NO]),
            (format!("/admin/companies/{a}"), [OK, OK, NO, NO, NO, NO]),
            (
                format!("/admin/companies/{a}/employees"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{b}/employees"),
                [OK, OK, NO, NO, NO, NO],
            ),
            (
                format!("/admin/companies/{a}/import"),
                [OK, OK, NO, NO, NO, NO],
            ),
            (
                format!("/admin/companies/{a}/import/template?encoding=utf8"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // The declarations (docs/declarations.md): view_filings …
            ("/admin/filings".into(), [OK, OK, OK, OK, OK, NO]),
            (
                format!("/admin/filings/progress.csv?year={year}&encoding=sjis"),
                [OK, OK, OK, OK, OK, NO],
            ),
            // … 期間の一括設定 is manage_periods's.
            (
                format!("/admin/filings/periods?year={year}"),
                [OK, OK, NO, NO, NO, NO],
            ),
            (
                format!("/admin/companies/{a}/filings/{year}"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{b}/filings/{year}"),
                [OK, OK, NO, NO, NO, NO],
            ),
            (format!("/admin/filings/{filing}"), [OK, OK, OK, OK, OK, NO]),
            (
                format!("/admin/companies/{a}/filings/{year}/progress.csv"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{b}/filings/{year}/progress.csv?encoding=sjis"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // … 部署別の進捗 …
            (
                format!("/admin/companies/{a}/filings/{year}/departments"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{b}/filings/{year}/departments"),
                [OK, OK, NO, NO, NO, NO],
            ),
            (
                format!("/admin/companies/{a}/filings/{year}/departments.csv"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{b}/filings/{year}/departments.csv?encoding=sjis"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // … the 対象外 page (the list is view_filings's; its form shows only with
            // request_filings) …
            (
                format!("/admin/companies/{a}/filings/{year}/exclusions"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{b}/filings/{year}/exclusions?numbers=E0001"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // … return_filings: the intake of the certificates' originals (原本の受付) …
            (
                format!("/admin/companies/{a}/filings/{year}/originals"),
                [OK, OK, OK, OK, NO, NO],
            ),
            (
                format!("/admin/companies/{b}/filings/{year}/originals"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // Printing (YEA-6) follows viewing; the company's file is the payroll export's
            // (nothing is approved yet, so those who may print it hear "none to print").
            (
                format!("/admin/filings/{filing}/print.pdf"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/admin/companies/{a}/filings/{year}/print.pdf"),
                [NF, NF, NF, NO, NO, NO],
            ),
            // … manage_periods (the page sets them; the dashboard shows them to viewers) …
            (
                format!("/admin/companies/{a}/periods/{year}"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // … export_payroll …
            (
                format!("/admin/companies/{a}/filings/{year}/payroll.csv"),
                [OK, OK, OK, NO, NO, NO],
            ),
            // … and the consents to electronic 源泉徴収票 (ExportPayroll over the company).
            (
                format!("/admin/companies/{a}/slips/consents"),
                [OK, OK, OK, NO, NO, NO],
            ),
            (
                format!("/admin/companies/{b}/slips/consents"),
                [OK, OK, NO, NO, NO, NO],
            ),
            // … edit_filings (proxy entry, 代理入力) …
            (
                format!("/admin/employees/{employee}/filings/{year}"),
                [OK, OK, OK, OK, NO, NO],
            ),
            (
                format!("/admin/employees/{employee}/filings/{year}/step/questions"),
                [OK, OK, OK, OK, NO, NO],
            ),
            (
                format!("/admin/employees/{employee}/filings/{year}/review"),
                [OK, OK, OK, OK, NO, NO],
            ),
            // … and one's own declaration: nobody here has an employee record.
            (format!("/filings/{year}"), [NF, NF, NF, NF, NF, NF]),
            (
                format!("/filings/{year}/print.pdf"),
                [NF, NF, NF, NF, NF, NF],
            ),
            (
                format!("/filings/{year}/step/questions"),
                [NF, NF, NF, NF, NF, NF],
            ),
            // 添付書類: a reviewer's view follows view_filings; one's own is nobody's here.
            (
                format!("/admin/attachments/{attachment}"),
                [OK, OK, OK, OK, OK, NO],
            ),
            (
                format!("/filings/{year}/attachments/{attachment}"),
                [NF, NF, NF, NF, NF, NF],
            ),
            // 源泉徴収票 (電子交付): one's own only.
            ("/slips".into(), [NF, NF, NF, NF, NF, NF]),
            (format!("/slips/{year}/print.pdf"), [NF, NF, NF, NF, NF, NF]),
        ];
        let mut anonymous = crate::sites::browser(&store, "acme.localhost:8080");
        for (path, expected) in &table {
            let browsers = [
                &mut admin,
                &mut administrator,
                &mut approver,
                &mut clerk,
                &mut viewer,
                &mut general,
            ];
            let names = [
                "ADMIN",
                "管理者",
                "承認者",
                "担当者",
                "参照者",
                "一般ユーザー",
            ];
            for ((browser, name), want) in browsers.into_iter().zip(names).zip(expected) {
                let (status, _, _) = browser.get(path).await;
                assert_eq!(status.as_u16(), *want, "{name} GET {path}");
            }
            let (status, _, location) = anonymous.get(path).await;
            assert_eq!(
                (status, location.as_deref()),
                (StatusCode::SEE_OTHER, Some("/login")),
                "anonymous GET {path}"
            );
            let (status, _, location) = intruder.get(path).await;
            assert_eq!(
                status,
                StatusCode::SEE_OTHER,
                "another tenant's session GET {path}"
            );
            assert!(
                location.unwrap().starts_with("/login"),
                "another tenant's session is no session here"
            );
        }

        // A state change: only managers may disable an ID, and a guessed id of another tenant's
        // user is not found.
        let beta_admin_id = services
            .app
            .store
            .find_user_by_login_id(beta.tenant.id, &LoginId::parse("admin").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        let target = services
            .app
            .store
            .find_user_by_login_id(tenant, &LoginId::parse("ippan").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        clerk.get("/").await;
        assert_eq!(
            clerk
                .post(&format!("/admin/users/{target}/disable"), &[])
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        admin.get("/admin/users").await;
        assert_eq!(
            admin
                .post(&format!("/admin/users/{beta_admin_id}/disable"), &[])
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let beta_admin_user = services
            .app
            .store
            .find_user(beta.tenant.id, beta_admin_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            beta_admin_user.status,
            UserStatus::Active,
            "another tenant's ID is untouched"
        );
    }
}

#[tokio::test]
async fn roles_given_on_the_roles_page_open_exactly_that_company() {
    use nencho_identity::{DisplayName, LoginId, PasswordState, Role, User, UserStatus};
    use nencho_kernel::{Clock, SystemClock, UserId};

    let (store, services, notice) = site().await;
    let tenant = notice.tenant.id;
    let a = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
    let b = crate::sites::registered_company(&services, tenant, "株式会社ビー").await;
    let hanako = User {
        id: UserId::generate(&SystemClock),
        tenant_id: tenant,
        login_id: LoginId::parse("hanako").unwrap(),
        display_name: DisplayName::parse("鈴木 花子").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: SystemClock.now(),
    };
    services
        .app
        .store
        .insert_user(tenant, &hanako)
        .await
        .unwrap();

    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let roles_path = format!("/admin/users/{}/roles", hanako.id);
    let (status, page, _) = admin.get(&roles_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("会社ごとの権限はありません。"));
    let company_a = a.id.to_string();
    let (status, _, location) = admin
        .post(
            &roles_path,
            &[
                ("company_id", company_a.as_str()),
                ("role", "viewer"),
                ("departments", ""),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some(roles_path.as_str()))
    );
    let (_, page, _) = admin.get(&roles_path).await;
    assert!(page.contains(r#"<td class="role">参照者</td>"#));

    let admin_user = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    let (_, initial) =
        nencho_app::password::issue_initial_password(&services.app, &admin_user, hanako.id)
            .await
            .unwrap();
    let mut reader = crate::sites::browser(&store, "acme.localhost:8080");
    reader.get("/login").await;
    reader
        .post(
            "/login",
            &[("login_id", "hanako"), ("password", initial.expose())],
        )
        .await;
    reader.get("/password/initial").await;
    reader
        .post(
            "/password/initial",
            &[
                ("new_password", "hoshi-no-furu-oka-de-matsu"),
                ("confirmation", "hoshi-no-furu-oka-de-matsu"),
            ],
        )
        .await;
    assert_eq!(
        reader
            .get(&format!("/admin/companies/{}/employees", a.id))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        reader
            .get(&format!("/admin/companies/{}/employees", b.id))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reader.get(&roles_path).await.0,
        StatusCode::FORBIDDEN,
        "a viewer gives no roles"
    );

    admin.get(&roles_path).await;
    let (status, _, _) = admin
        .post(&format!("{roles_path}/{}/revoke", a.id), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        reader
            .get(&format!("/admin/companies/{}/employees", a.id))
            .await
            .0,
        StatusCode::FORBIDDEN,
        "revoked at once"
    );
}

#[tokio::test]
async fn the_admin_makes_a_general_user_an_administrator_and_back() {
    use nencho_identity::{CompanyRole, Role};

    let (store, services, notice) = site().await;
    let tenant = notice.tenant.id;
    let a = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    let mut taro = browser(&store, "acme.localhost:8080");
    let taro_id = new_person(
        &services,
        &notice,
        &admin_user,
        &mut taro,
        "taro",
        Role::General,
        None,
    )
    .await;
    let mut clerk = browser(&store, "acme.localhost:8080");
    new_person(
        &services,
        &notice,
        &admin_user,
        &mut clerk,
        "tanto",
        Role::General,
        Some((CompanyRole::Clerk, a.id)),
    )
    .await;
    let role_of = |id| {
        let services = services.clone();
        async move {
            services
                .app
                .store
                .find_user(tenant, id)
                .await
                .unwrap()
                .unwrap()
                .role
        }
    };
    assert_eq!(taro.get("/admin/users").await.0, StatusCode::FORBIDDEN);

    let roles_path = format!("/admin/users/{taro_id}/roles");
    let tenant_role_path = format!("/admin/users/{taro_id}/tenant-role");
    let (status, page, _) = admin.get(&roles_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"テナントの権限: <span class="tenant-role">一般ユーザー</span>"#));
    assert!(page.contains(&format!(r#"action="{tenant_role_path}""#)));

    // A forged CSRF token changes nothing.
    let (status, _, _) = admin
        .post(
            &tenant_role_path,
            &[("role", "administrator"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(role_of(taro_id).await, Role::General);

    // The ADMIN promotes taro: from his next request he manages users and companies.
    admin.get(&roles_path).await;
    let (status, _, location) = admin
        .post(&tenant_role_path, &[("role", "administrator")])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some(roles_path.as_str()))
    );
    assert_eq!(role_of(taro_id).await, Role::Administrator);
    let (_, page, _) = admin.get(&roles_path).await;
    assert!(page.contains(r#"<span class="tenant-role">管理者</span>"#));
    let (_, page, _) = admin.get("/admin/users").await;
    assert!(page.contains(r#"<td class="tenant-role">管理者</td>"#));
    assert!(page.contains(r#"<td class="tenant-role">ADMIN</td>"#));
    assert_eq!(taro.get("/admin/users").await.0, StatusCode::OK);
    assert_eq!(taro.get("/admin/companies").await.0, StatusCode::OK);

    // A clerk may not change it.
    clerk.get("/").await;
    let (status, _, _) = clerk.post(&tenant_role_path, &[("role", "general")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(role_of(taro_id).await, Role::Administrator);

    // taro cannot demote himself, nor the ADMIN: no form, and a post is refused.
    let (status, page, _) = taro.get(&roles_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(&format!(r#"action="{tenant_role_path}""#)));
    assert!(page.contains("ADMINの権限と、ご自身の権限は変更できません。"));
    let (status, page, _) = taro.post(&tenant_role_path, &[("role", "general")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("ADMINの権限と、ご自身の権限は変更できません。"));
    let (status, _, _) = taro
        .post(
            &format!("/admin/users/{}/tenant-role", admin_user.user.id),
            &[("role", "general")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(role_of(admin_user.user.id).await, Role::Admin);
    assert_eq!(role_of(taro_id).await, Role::Administrator);
    let (status, _, _) = admin.post(&tenant_role_path, &[("role", "admin")]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nobody becomes ADMIN"
    );

    // In English too.
    admin.cookies.insert("nencho_lang".into(), "en".into());
    let (_, page, _) = admin.get(&roles_path).await;
    assert!(page.contains(r#"Tenant role: <span class="tenant-role">Administrator</span>"#));
    admin.cookies.remove("nencho_lang");

    // Demoted again, taro is refused at once.
    admin.get(&roles_path).await;
    let (status, _, _) = admin.post(&tenant_role_path, &[("role", "general")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(role_of(taro_id).await, Role::General);
    assert_eq!(taro.get("/admin/users").await.0, StatusCode::FORBIDDEN);
    assert_eq!(taro.get("/admin/companies").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn administrators_see_the_support_address_and_whom_it_expects_mail_from() {
    let (store, services, notice) = site().await;
    let with_support = |store: &StoreFixture| Browser {
        client: TestClient::new(endpoint(HttpServices {
            support_email: Some(
                nencho_kernel::EmailAddress::parse("support@nencho.example").unwrap(),
            ),
            ..crate::services(store)
        })),
        host: "acme.localhost:8080".into(),
        cookies: BTreeMap::new(),
        last_page: String::new(),
    };
    let mut admin = with_support(&store);
    log_in_as_admin(&mut admin, &notice).await;
    let (status, home, _) = admin.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains(r#"id="support""#), "{home}");
    assert!(home.contains("support@nencho.example"));
    assert!(
        home.contains("hr@acme.example"),
        "the contract's contact writes"
    );

    let admin_current = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    let mut employee = with_support(&store);
    new_person(
        &services,
        &notice,
        &admin_current,
        &mut employee,
        "jugyoin",
        nencho_identity::Role::General,
        None,
    )
    .await;
    let (status, home, _) = employee.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !home.contains("support@nencho.example"),
        "employees ask their administrators, not the platform"
    );
    // Not configured: not shown.
    let mut plain = crate::sites::browser(&store, "acme.localhost:8080");
    plain.cookies = admin.cookies.clone();
    let (status, home, _) = plain.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains(r#"id="menu-site-access""#),
        "signed in as the ADMIN"
    );
    assert!(!plain.get("/").await.1.contains(r#"id="support""#));
}

#[tokio::test]
async fn logging_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one() {
    let (store, _services, notice) = site().await;
    let mut here = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut here, &notice).await;
    let mut phone = crate::sites::browser(&store, "acme.localhost:8080");
    phone.get("/login").await;
    phone
        .post(
            "/login",
            &[("login_id", "admin"), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(phone.get("/").await.0, StatusCode::OK);

    let (status, page, _) = here.get("/account/logins").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"action="/account/logins/end-others""#));
    let (status, _, location) = here.post("/account/logins/end-others", &[]).await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/account/logins?notice=others_ended")
        )
    );
    let (status, page, _) = here.get("/account/logins?notice=others_ended").await;
    assert_eq!(status, StatusCode::OK, "this session stays");
    assert!(page.contains("他の端末のログインをすべて終了しました。"));
    let (_, _, location) = phone.get("/").await;
    assert_eq!(
        location.as_deref(),
        Some("/login?notice=session_ended"),
        "the other one is over"
    );
}
