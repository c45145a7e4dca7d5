//! 2段階認証 through the site: set-up with the app's key, the code step of every login (codes
//! work once, wrong ones lock the ID), recovery codes, turning it off, the administrators' reset
//! and the contract's rule for staff. Codes are computed here from the key the page shows, as an
//! authenticator app does (RFC 6238), at the server's clock.

use std::sync::Arc;

use nencho_app::sign_in::CurrentUser;
use nencho_identity::{CompanyRole, Role, TotpPolicy, TotpSecret};
use nencho_kernel::{Clock, EmailAddress, SystemClock};
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::sites::{Browser, browser, log_in_as_admin, new_person, open_site, registered_company};
use crate::{Backend, open_store};

const NEW_PASSWORD: &str = "kumo-no-ue-de-odoru-pengin";
const PERSON_PASSWORD: &str = "tsuki-no-hikari-ga-umi-ni-ochiru";

/// An authenticator app holding one key: each code it gives is for a later time step than the
/// last one, as the server accepts each step once (within one step of its clock).
struct App {
    secret: TotpSecret,
    last_step: i64,
}

impl App {
    fn from_page(page: &str) -> Self {
        let key = attribute(page, "data-key").expect("the set-up page shows the key");
        Self {
            secret: TotpSecret::from_base32(&key).expect("a base32 key"),
            last_step: i64::MIN,
        }
    }

    fn key(&self) -> String {
        self.secret.to_base32()
    }

    fn next_code(&mut self) -> String {
        let policy = TotpPolicy::STANDARD;
        let now = policy.step_at(SystemClock.now());
        let step = (self.last_step + 1).max(now - 1);
        assert!(step <= now + 1, "at most three codes per 30 seconds");
        self.last_step = step;
        policy.code_for_step(&self.secret, step)
    }

    /// A code the server refuses: well-formed, but for a step far away.
    fn far_code(&self) -> String {
        let policy = TotpPolicy::STANDARD;
        policy.code_for_step(&self.secret, policy.step_at(SystemClock.now()) + 40)
    }
}

fn attribute(page: &str, name: &str) -> Option<String> {
    let marker = format!(r#"{name}=""#);
    let start = page.find(&marker)? + marker.len();
    Some(page[start..].chars().take_while(|c| *c != '"').collect())
}

fn recovery_codes(page: &str) -> Vec<String> {
    let list = &page[page
        .find(r#"id="recovery-codes""#)
        .expect("the codes are listed")..];
    list.split("<li><code>")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| *c != '<').collect())
        .collect()
}

/// Sets up 2段階認証 on the logged-in `browser`: the app, and the recovery codes shown once.
async fn turn_on<E: poem::Endpoint>(
    browser: &mut Browser<E>,
    password: &str,
) -> (App, Vec<String>) {
    let (status, page, _) = browser.get("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut app = App::from_page(&page);
    let code = app.next_code();
    let key = app.key();
    let (status, page, _) = browser
        .post(
            "/account/two-factor/enable",
            &[
                ("secret", key.as_str()),
                ("code", code.as_str()),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    (app, recovery_codes(&page))
}

async fn log_in<E: poem::Endpoint>(
    browser: &mut Browser<E>,
    login_id: &str,
    password: &str,
) -> Option<String> {
    browser.get("/login").await;
    let (_, _, location) = browser
        .post("/login", &[("login_id", login_id), ("password", password)])
        .await;
    location
}

async fn log_out<E: poem::Endpoint>(browser: &mut Browser<E>) {
    browser.get("/account/logins").await;
    browser.post("/logout", &[]).await;
}

async fn enter_code<E: poem::Endpoint>(
    browser: &mut Browser<E>,
    code: &str,
) -> (StatusCode, String, Option<String>) {
    browser.get("/login/two-factor").await;
    browser.post("/login/two-factor", &[("code", code)]).await
}

async fn acme() -> (
    nencho_store_contract::StoreFixture,
    Arc<nencho_http::HttpServices>,
    nencho_app::tenancy::ActivationNotice,
) {
    let fixture = open_store(Backend::Sqlite, "second_factor").await.unwrap();
    let (services, notice) = open_site(&fixture.store).await;
    (fixture, services, notice)
}

async fn current<E: poem::Endpoint>(
    services: &nencho_http::HttpServices,
    notice: &nencho_app::tenancy::ActivationNotice,
    browser: &Browser<E>,
) -> CurrentUser {
    crate::sites::session_user(&services.app, &notice.tenant, browser).await
}

/// Registers `address` for the user logged in on `browser`, so the notices have somewhere to go.
async fn give_email<E: poem::Endpoint>(
    services: &nencho_http::HttpServices,
    notice: &nencho_app::tenancy::ActivationNotice,
    browser: &Browser<E>,
    address: &str,
) {
    let me = current(services, notice, browser).await;
    services
        .app
        .store
        .set_user_email(
            notice.tenant.id,
            me.user.id,
            Some(EmailAddress::parse(address).unwrap()),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn two_step_verification_is_set_up_with_the_app_and_asked_at_every_login() {
    let (store, _services, notice) = acme().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;

    let (status, headers, _) = admin.get_file("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "the key is never cached"
    );
    let (status, page, _) = admin.get("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-state="off""#));
    assert!(
        page.contains("<svg") && !page.contains("<?xml"),
        "an inline QR code"
    );
    assert!(page.contains("otpauth://totp/nencho:acme%2Fadmin?secret="));
    let mut app = App::from_page(&page);
    let key = app.key();
    let (status, page, _) = admin
        .post(
            "/account/two-factor/enable",
            &[
                ("secret", key.as_str()),
                ("code", app.far_code().as_str()),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("確認コードが正しくありません"));
    assert_eq!(
        attribute(&page, "data-key").as_deref(),
        Some(key.as_str()),
        "the same key again, so the app's entry stays good"
    );
    let code = app.next_code();
    let (status, page, _) = admin
        .post(
            "/account/two-factor/enable",
            &[
                ("secret", key.as_str()),
                ("code", code.as_str()),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("パスワードが正しくありません"));
    let (status, page, _) = admin
        .post(
            "/account/two-factor/enable",
            &[
                ("secret", key.as_str()),
                ("code", code.as_str()),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let codes = recovery_codes(&page);
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|code| code.len() == 14));
    let (_, page, _) = admin.get("/account/two-factor").await;
    assert!(page.contains(r#"data-state="on""#));
    assert!(page.contains(r#"<dd id="codes-left">10</dd>"#));
    let (status, _, zip) = admin.get_file("/admin/export/download?encoding=utf8").await;
    assert_eq!(status, StatusCode::OK);
    let files = crate::export::unzip(zip);
    let users = String::from_utf8_lossy(&files["users.csv"]).into_owned();
    assert!(
        users
            .lines()
            .any(|line| line.contains(",admin,") && line.ends_with(",はい")),
        "the export says who has it on: {users}"
    );
    assert!(!users.contains(&key), "and never the key");

    log_out(&mut admin).await;
    assert_eq!(
        log_in(&mut admin, "admin", NEW_PASSWORD).await.as_deref(),
        Some("/login/two-factor"),
        "the password alone does not log in"
    );
    let pending = admin.cookies["nencho_session"].clone();
    for path in [
        "/",
        "/admin/users",
        "/account/two-factor",
        "/password/initial",
    ] {
        let (status, _, location) = admin.get(path).await;
        assert_eq!(
            (status, location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/login/two-factor")),
            "{path}"
        );
    }
    let (status, _, location) = admin
        .post("/account/email", &[("email", "x@acme.example")])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login/two-factor")),
        "no form works on the password alone"
    );
    let (status, page, _) = enter_code(&mut admin, &code).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the set-up's code is spent"
    );
    assert!(page.contains("確認コードが正しくありません"));
    let (status, _, _) = enter_code(&mut admin, "12ab").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, location) = enter_code(&mut admin, &app.next_code()).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/"))
    );
    assert_ne!(
        admin.cookies["nencho_session"], pending,
        "a new session id once the login is complete"
    );
    let (status, page, _) = admin.get("/account/logins").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("パスワード確認済み(確認コード待ち)"),
        "{page}"
    );
    assert!(page.contains("失敗(確認コード誤り)"));

    let mut replay = browser(&store, "acme.localhost:8080");
    replay.cookies.insert("nencho_session".into(), pending);
    let (_, _, location) = replay.get("/").await;
    assert_eq!(
        location.as_deref(),
        Some("/login?notice=session_ended"),
        "the pending session is gone"
    );
}

#[tokio::test]
async fn a_recovery_code_logs_in_once_and_says_how_many_are_left() {
    let (store, services, notice) = acme().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    give_email(&services, &notice, &admin, "admin@acme.example").await;
    let (_, codes) = turn_on(&mut admin, NEW_PASSWORD).await;
    log_out(&mut admin).await;

    log_in(&mut admin, "admin", NEW_PASSWORD).await;
    let typed = codes[0].replace('-', " ").to_lowercase();
    let (status, _, location) = enter_code(&mut admin, &typed).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/")),
        "a recovery code however typed"
    );
    let mails = services
        .app
        .store
        .list_mail(notice.tenant.id, 10)
        .await
        .unwrap();
    assert!(
        mails
            .iter()
            .any(|mail| mail.subject.contains("2段階認証を設定しました")),
        "the set-up was mailed"
    );
    assert!(
        mails.iter().any(
            |mail| mail.subject.contains("リカバリーコードでログインしました")
                && mail.body.contains("残りのリカバリーコードは 9 個")
        ),
        "{mails:?}"
    );
    let (_, page, _) = admin.get("/account/logins").await;
    assert!(page.contains("成功(リカバリーコード)"));

    log_out(&mut admin).await;
    log_in(&mut admin, "admin", NEW_PASSWORD).await;
    let (status, _, _) = enter_code(&mut admin, &codes[0]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a recovery code works once"
    );
    let (status, _, _) = enter_code(&mut admin, &codes[1]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // New codes replace the old ones.
    admin.get("/account/two-factor").await;
    let (status, page, _) = admin
        .post(
            "/account/two-factor/recovery-codes",
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let fresh = recovery_codes(&page);
    assert_eq!(fresh.len(), 10);
    log_out(&mut admin).await;
    log_in(&mut admin, "admin", NEW_PASSWORD).await;
    let (status, _, _) = enter_code(&mut admin, &codes[2]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old codes are gone");
    let (status, _, _) = enter_code(&mut admin, &fresh[0]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn ten_wrong_codes_lock_the_id_and_then_the_right_code_is_refused_too() {
    let (store, services, notice) = acme().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    give_email(&services, &notice, &admin, "admin@acme.example").await;
    let (mut app, _) = turn_on(&mut admin, NEW_PASSWORD).await;
    log_out(&mut admin).await;
    log_in(&mut admin, "admin", NEW_PASSWORD).await;
    for _ in 0..10 {
        let (status, _, _) = enter_code(&mut admin, &app.far_code()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let warned = |mails: &[nencho_ports::OutboxMessage]| {
        mails
            .iter()
            .filter(|mail| {
                mail.subject
                    .contains("パスワードが他人に知られているおそれがあります")
            })
            .count()
    };
    let mails = services
        .app
        .store
        .list_mail(notice.tenant.id, 50)
        .await
        .unwrap();
    assert_eq!(
        warned(&mails),
        1,
        "the owner is told once, at the lock: {mails:?}"
    );
    let (status, _, _) = enter_code(&mut admin, &app.next_code()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "locked: even the right code"
    );
    let mails = services
        .app
        .store
        .list_mail(notice.tenant.id, 50)
        .await
        .unwrap();
    assert_eq!(warned(&mails), 1, "and not again while it is locked");
    let (_, _, location) = admin.get("/").await;
    assert_eq!(location.as_deref(), Some("/login/two-factor"));
    let mut other = browser(&store, "acme.localhost:8080");
    other.get("/login").await;
    let (status, _, _) = other
        .post(
            "/login",
            &[("login_id", "admin"), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the lock holds against the password too"
    );
}

#[tokio::test]
async fn turning_it_off_needs_the_password_and_a_code() {
    let (store, _services, notice) = acme().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let (app, codes) = turn_on(&mut admin, NEW_PASSWORD).await;
    admin.get("/account/two-factor").await;
    let (status, page, _) = admin
        .post(
            "/account/two-factor/disable",
            &[
                ("password", NEW_PASSWORD),
                ("code", app.far_code().as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("確認コードが正しくありません"));
    let (status, page, _) = admin
        .post(
            "/account/two-factor/disable",
            &[("password", "wrong"), ("code", codes[0].as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("パスワードが正しくありません"));
    let (status, _, location) = admin
        .post(
            "/account/two-factor/disable",
            &[("password", NEW_PASSWORD), ("code", codes[0].as_str())],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/account/two-factor?notice=disabled")
        )
    );
    let (_, page, _) = admin.get("/account/two-factor?notice=disabled").await;
    assert!(page.contains(r#"data-state="off""#) && page.contains("2段階認証を解除しました。"));
    log_out(&mut admin).await;
    assert_eq!(
        log_in(&mut admin, "admin", NEW_PASSWORD).await.as_deref(),
        Some("/")
    );
}

#[tokio::test]
async fn the_staff_rule_makes_every_role_holder_set_it_up_before_any_other_page() {
    let (store, services, notice) = acme().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = current(&services, &notice, &admin).await;
    let company = registered_company(&services, notice.tenant.id, "株式会社アクメ本社").await;

    admin.get("/admin/users").await;
    let (status, page, _) = admin
        .post("/admin/users/second-factor-rule", &[("required", "true")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not before the ADMIN has it");
    assert!(page.contains("ご自身の2段階認証を設定してください"));
    turn_on(&mut admin, NEW_PASSWORD).await;
    admin.get("/admin/users").await;
    let (status, _, _) = admin
        .post("/admin/users/second-factor-rule", &[("required", "yes")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, location) = admin
        .post("/admin/users/second-factor-rule", &[("required", "true")])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin/users"))
    );
    let (_, page, _) = admin.get("/admin/users").await;
    assert!(page.contains(r#"data-required="true""#));
    assert!(
        page.contains("2段階認証を設定済みの有効なID: 1 / 1"),
        "the ADMIN alone, with it on"
    );

    let mut clerk = browser(&store, "acme.localhost:8080");
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
    for path in ["/", "/admin/companies", "/account/logins"] {
        let (status, _, location) = clerk.get(path).await;
        assert_eq!(
            (status, location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/account/two-factor")),
            "{path}"
        );
    }
    let (status, page, _) = clerk.get("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("設定が終わるまで他の画面は使えません"));
    let before = clerk.cookies["nencho_session"].clone();
    let (_, codes) = turn_on(&mut clerk, PERSON_PASSWORD).await;
    assert_ne!(
        clerk.cookies["nencho_session"], before,
        "the session is complete now, under a new id"
    );
    let (status, _, _) = clerk.get("/").await;
    assert_eq!(status, StatusCode::OK);
    clerk.get("/account/two-factor").await;
    let (status, _, _) = clerk
        .post(
            "/account/two-factor/disable",
            &[("password", PERSON_PASSWORD), ("code", codes[0].as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "required: it stays on");

    let mut employee = browser(&store, "acme.localhost:8080");
    new_person(
        &services,
        &notice,
        &admin_user,
        &mut employee,
        "ippan",
        Role::General,
        None,
    )
    .await;
    let (status, _, _) = employee.get("/").await;
    assert_eq!(status, StatusCode::OK, "general users may choose");
}

#[tokio::test]
async fn an_administrator_resets_a_lost_second_factor_and_only_an_administrator() {
    let (store, services, notice) = acme().await;
    let mut admin = browser(&store, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = current(&services, &notice, &admin).await;
    let mut employee = browser(&store, "acme.localhost:8080");
    let employee_id = new_person(
        &services,
        &notice,
        &admin_user,
        &mut employee,
        "emp001",
        Role::General,
        None,
    )
    .await;
    turn_on(&mut employee, PERSON_PASSWORD).await;

    let reset = format!("/admin/users/{employee_id}/two-factor/reset");
    employee.get("/").await;
    let (status, _, _) = employee.post(&reset, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a general user cannot");
    let (_, page, _) = admin.get("/admin/users").await;
    assert!(page.contains(&format!(r#"action="{reset}""#)));
    let (status, _, _) = admin
        .post(
            &format!("/admin/users/{}/two-factor/reset", admin_user.user.id),
            &[],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one's own is changed on one's own page"
    );
    admin.get("/admin/users").await;
    let (status, _, location) = admin.post(&reset, &[]).await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/admin/users?notice=second_factor_reset")
        )
    );
    let (_, page, _) = admin.get("/admin/users?notice=second_factor_reset").await;
    assert!(page.contains("2段階認証をリセットしました"));
    assert!(!page.contains(&format!(r#"action="{reset}""#)));

    let (_, _, location) = employee.get("/").await;
    assert_eq!(
        location.as_deref(),
        Some("/login?notice=session_ended"),
        "the user's sessions ended"
    );
    assert_eq!(
        log_in(&mut employee, "emp001", PERSON_PASSWORD)
            .await
            .as_deref(),
        Some("/"),
        "the password alone logs in again"
    );
    let store: &Arc<dyn Store> = &store.store;
    assert!(
        store
            .second_factor(notice.tenant.id, employee_id)
            .await
            .unwrap()
            .is_none()
    );
}
