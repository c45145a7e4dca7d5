//! The sign-in flows as a user meets them, in a real headless Chromium: an operator opens a
//! contract with `nencho-ops tenant open`, its administrator signs in with the initial password,
//! is made to choose a new one, signs out, forgets the password, resets it from the link in a
//! mail that really went through SMTP, signs in again and finds both sign-ins in the history.
//!
//! Once on SQLite and once on PostgreSQL; each test has its own server, SMTP sink,
//! chromedriver, Chromium and temporary directories, so they run in parallel.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

mod browser;
mod declarations;
mod journey;
mod server;
mod site_access;
mod smtp_sink;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use browser::Browser;
use nencho_bootstrap::SettingsArgs;
use nencho_bootstrap::mail::MailArgs;
use server::{RunningServer, open_contract};
use smtp_sink::SmtpSink;

/// How long one step (a page, a server start) may take.
pub const PATIENCE: Duration = Duration::from_secs(30);
/// How long a mail may take: the web server's outbox delivery loop runs every few seconds.
pub const MAIL_PATIENCE: Duration = Duration::from_secs(60);

const SLUG: &str = "acme";
const COMPANY_NAME: &str = "株式会社アクメ";
const ADMIN_EMAIL: &str = "admin@acme.example";
/// The administrator's display name, as `tenant open` creates the account.
const ADMIN_NAME: &str = "管理者";
const FIRST_PASSWORD: &str = "kumo-no-ue-de-odoru-pengin";
const SECOND_PASSWORD: &str = "yama-no-oku-de-utau-kitsune";

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// `future`'s output, or a panic naming `what` after `patience`.
pub async fn within<T>(what: &str, patience: Duration, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(patience, future)
        .await
        .unwrap_or_else(|_| panic!("gave up after {patience:?} waiting for {what}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_flows_on_sqlite() {
    let Some(browser) = Browser::start("sign_in_flows_on_sqlite").await else {
        return;
    };
    sign_in_flows(browser, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_flows_on_postgresql() {
    let Some(browser) = Browser::start("sign_in_flows_on_postgresql").await else {
        return;
    };
    // An empty database: the web server migrates it at start.
    let Some(database) =
        nencho_store_contract::postgres::TestDatabase::create("e2e", "empty", |_url| async {})
            .await
    else {
        browser.close().await;
        return;
    };
    sign_in_flows(browser, Some(&database.url)).await;
}

async fn sign_in_flows(browser: Browser, database_url: Option<&str>) {
    // Quiet unless something goes wrong; the global subscriber is installed once per process.
    nencho_bootstrap::telemetry::init("warn");
    let data_dir = tempfile::tempdir().unwrap();
    let mut sink = SmtpSink::start().await;
    let settings = server_settings(data_dir.path(), database_url, &sink);
    let server = RunningServer::start(&settings).await;
    let port = server.port();

    // The landing page on the bare address: Japanese, and the harness sees real pages.
    browser.goto(&format!("http://127.0.0.1:{port}/")).await;
    assert_html_lang_is_japanese(&browser).await;
    let landing = browser.body_text().await;
    if !landing.contains("年末調整電子申請サービス") {
        browser
            .fail("the landing page does not name the service (年末調整電子申請サービス)")
            .await;
    }

    let contract = open_contract(
        data_dir.path(),
        database_url,
        port,
        SLUG,
        COMPANY_NAME,
        ADMIN_EMAIL,
    )
    .await;
    let site = contract.site_url.as_str();
    assert_eq!(
        site,
        format!("http://{SLUG}.localhost:{port}"),
        "tenant open prints the tenant's site URL"
    );

    // Sign in with the initial password: the first thing asked is a new password (ID-6).
    browser.goto(&format!("{site}/login")).await;
    assert_html_lang_is_japanese(&browser).await;
    assert_every_form_has_a_csrf_token(&browser).await;
    log_in(
        &browser,
        &contract.admin_id,
        &contract.initial_password,
        "/password/initial",
    )
    .await;
    assert_every_form_has_a_csrf_token(&browser).await;
    choose_new_password(&browser, FIRST_PASSWORD, "/").await;
    expect_home_page(&browser).await;

    // The IP allow-list page (SEC-2): it shows the administrator's own address, saves a list
    // that keeps them in, and lifting the restriction again is one empty save.
    browser.click("#menu-site-access").await;
    browser.wait_for_path("/admin/site-access").await;
    assert_every_form_has_a_csrf_token(&browser).await;
    let shown = browser.wait_for("#client-address").await;
    let address = browser.text_of(&shown).await;
    if address != "127.0.0.1" {
        browser
            .fail(&format!(
                "the allow-list page shows {address:?}, not the browser's 127.0.0.1"
            ))
            .await;
    }
    browser.fill("#entries", "127.0.0.1 この端末").await;
    browser.submit_form_of("#entries").await;
    browser.wait_for("#saved").await;
    let state = browser.text_of(&browser.wait_for("#state").await).await;
    if !state.starts_with('1') {
        browser
            .fail(&format!("one entry should be in force: {state:?}"))
            .await;
    }
    browser.fill("#entries", "").await;
    browser.submit_form_of("#entries").await;
    browser
        .wait_until("the restriction to be lifted", async |client| {
            let state = client.find(fantoccini::Locator::Css("#state")).await.ok()?;
            let text = state.text().await.ok()?;
            (!text.starts_with('1')).then_some(())
        })
        .await;
    browser.goto(&format!("{site}/")).await;
    expect_home_page(&browser).await;

    browser.click(r#"form[action="/logout"] button"#).await;
    browser.wait_for_path("/login").await;

    // A forgotten password: the answer is the same whatever the ID, the link comes by mail.
    browser.goto(&format!("{site}/password/forgot")).await;
    assert_every_form_has_a_csrf_token(&browser).await;
    browser.fill("#login_id", &contract.admin_id).await;
    browser.submit_form_of("#login_id").await;
    browser.wait_for("#reset-requested").await;
    let mail = sink
        .wait_for_mail(ADMIN_EMAIL, "パスワード再設定", MAIL_PATIENCE)
        .await;
    let reset_link = reset_link_in(&mail.text_body, site)
        .unwrap_or_else(|| panic!("no {site}/password/reset/<32 hex> link in the mail: {mail:#?}"));

    browser.goto(&reset_link).await;
    assert_every_form_has_a_csrf_token(&browser).await;
    choose_new_password(&browser, SECOND_PASSWORD, "/login").await;
    log_in(&browser, &contract.admin_id, SECOND_PASSWORD, "/").await;
    expect_home_page(&browser).await;

    // The login history, newest first: the sign-in with the initial password and this one.
    if browser
        .find_all(r#"a[href="/account/logins"]"#)
        .await
        .is_empty()
    {
        browser
            .fail("the home page has no link to the login history (a[href=\"/account/logins\"])")
            .await;
    }
    browser.goto(&format!("{site}/account/logins")).await;
    browser.wait_for("tr.login-attempt").await;
    let mut outcomes = Vec::new();
    for row in browser.find_all("tr.login-attempt").await {
        let Some(outcome) = row.find(fantoccini::Locator::Css(".outcome")).await.ok() else {
            browser
                .fail("a tr.login-attempt has no .outcome cell")
                .await;
        };
        outcomes.push(browser.text_of(&outcome).await.trim().to_owned());
    }
    let successes = outcomes.iter().filter(|outcome| *outcome == "成功").count();
    if successes < 2 || outcomes.first().map(String::as_str) != Some("成功") {
        browser
            .fail(&format!(
                "the login history should list both successful sign-ins, the latest first; \
                 its outcomes: {outcomes:?}"
            ))
            .await;
    }

    submission_digest_setting(&browser, site).await;
    two_step_verification(&browser, site, &contract.admin_id, &mut sink).await;

    // The 操作ログ lists the IP restriction saved and lifted above, by the ADMIN.
    browser.click("#menu-audit-log").await;
    browser.wait_for_path("/admin/audit-log").await;
    let entries = browser
        .find_all(r#"tr.audit-entry[data-action="site_access_changed"]"#)
        .await;
    if entries.len() != 2 {
        browser
            .fail(&format!(
                "the 操作ログ should list the two changes of the IP restriction, not {}",
                entries.len()
            ))
            .await;
    }

    // A host that is no tenant's site is not found.
    assert_eq!(
        status_of(
            &format!("http://nosuch.localhost:{port}/login"),
            server.address
        )
        .await,
        404,
        "an unknown tenant host answers 404"
    );

    browser.close().await;
    server.stop().await;
    drop(sink);
}

/// 提出状況のお知らせ on the address page: the ADMIN (a reviewer) sees it on, turns it off with
/// the radio button, and the saved page says so with 受け取らない chosen.
async fn submission_digest_setting(browser: &Browser, site: &str) {
    browser.goto(&format!("{site}/account/email")).await;
    browser.wait_for("#review-digest").await;
    assert_every_form_has_a_csrf_token(browser).await;
    let on = browser
        .wait_for(r#"#review-digest input[value="on"]"#)
        .await;
    if browser.attribute(&on, "checked").await.is_none() {
        browser
            .fail("the digest should be on by default for a reviewer")
            .await;
    }
    browser.click(r#"#review-digest input[value="off"]"#).await;
    browser
        .click(r#"#review-digest button[type="submit"]"#)
        .await;
    browser.wait_for(".notice").await;
    let off = browser
        .wait_for(r#"#review-digest input[value="off"]"#)
        .await;
    if browser.attribute(&off, "checked").await.is_none() {
        browser.fail("受け取らない should be saved and shown").await;
    }
    let notice = browser.wait_for(".notice").await;
    let text = browser.text_of(&notice).await;
    if !text.contains("提出状況のお知らせ") {
        browser
            .fail(&format!("the saved notice says {text:?}"))
            .await;
    }
}

/// 2段階認証 from the user menu: the QR code is drawn, the key goes into an "app" (this test
/// computes its codes, RFC 6238), the ten recovery codes are shown once and the set-up is
/// mailed; the next login stops at the code step until the app's code is typed.
async fn two_step_verification(browser: &Browser, site: &str, admin_id: &str, sink: &mut SmtpSink) {
    use nencho_identity::{TotpPolicy, TotpSecret};
    use nencho_kernel::{Clock, SystemClock};

    browser.click(r#"a[href="/account/two-factor"]"#).await;
    browser.wait_for_path("/account/two-factor").await;
    assert_every_form_has_a_csrf_token(browser).await;
    let qr = browser.wait_for(".qr svg").await;
    let (_, _, width, height) = browser
        .check(qr.rectangle().await, "measure the QR code")
        .await;
    if width < 150.0 || height < 150.0 {
        browser
            .fail(&format!(
                "the QR code is drawn {width}×{height}, too small to scan"
            ))
            .await;
    }
    let key_element = browser.wait_for("#setup-key").await;
    let key = browser
        .attribute(&key_element, "data-key")
        .await
        .unwrap_or_default();
    let Some(secret) = TotpSecret::from_base32(&key) else {
        browser
            .fail(&format!("#setup-key holds no key: {key:?}"))
            .await;
    };
    let policy = TotpPolicy::STANDARD;
    let step = policy.step_at(SystemClock.now());
    browser
        .fill("#setup_code", &policy.code_for_step(&secret, step))
        .await;
    browser.fill("#setup_password", SECOND_PASSWORD).await;
    browser.submit_form_of("#setup_password").await;
    browser.wait_for("#recovery-codes li").await;
    let codes = browser.find_all("#recovery-codes li").await.len();
    if codes != 10 {
        browser
            .fail(&format!("{codes} recovery codes shown, not 10"))
            .await;
    }
    sink.wait_for_mail(ADMIN_EMAIL, "2段階認証を設定しました", MAIL_PATIENCE)
        .await;

    browser.goto(&format!("{site}/")).await;
    browser.click(r#"form[action="/logout"] button"#).await;
    browser.wait_for_path("/login").await;
    log_in(browser, admin_id, SECOND_PASSWORD, "/login/two-factor").await;
    // The app's next code (the set-up's own is spent).
    let next = policy.step_at(SystemClock.now()).max(step + 1);
    browser
        .fill("#code", &policy.code_for_step(&secret, next))
        .await;
    browser.submit_form_of("#code").await;
    browser.wait_for_path("/").await;
    expect_home_page(browser).await;
}

/// The web server's settings: its data under `data_dir`, the store at `database_url` (SQLite in
/// `data_dir` when `None`), mail through SMTP to `sink`, a free port of 127.0.0.1.
fn server_settings(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    sink: &SmtpSink,
) -> SettingsArgs {
    SettingsArgs {
        data_dir: Some(data_dir.to_owned()),
        database_url: database_url.map(str::to_owned),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        log: Some("warn".to_owned()),
        mail: MailArgs {
            mail_mode: Some("smtp".to_owned()),
            smtp_host: Some("127.0.0.1".to_owned()),
            smtp_port: Some(sink.port),
            smtp_security: Some("plain".to_owned()),
            mail_from: Some("nencho <no-reply@localhost>".to_owned()),
            ..MailArgs::default()
        },
        ..SettingsArgs::default()
    }
}

/// Fills the login form and submits it; the browser must land on `expected_path`.
async fn log_in(browser: &Browser, login_id: &str, password: &str, expected_path: &str) {
    browser.fill("#login_id", login_id).await;
    browser.fill("#password", password).await;
    browser.submit_form_of("#password").await;
    browser.wait_for_path(expected_path).await;
}

/// Fills a new-password form (the forced change or the reset) and submits it.
async fn choose_new_password(browser: &Browser, password: &str, expected_path: &str) {
    browser.fill("#new_password", password).await;
    browser.fill("#confirmation", password).await;
    browser.submit_form_of("#confirmation").await;
    browser.wait_for_path(expected_path).await;
}

/// The home page greets the administrator by name and offers to log out.
async fn expect_home_page(browser: &Browser) {
    browser.wait_for(r#"form[action="/logout"] button"#).await;
    if !browser.body_text().await.contains(ADMIN_NAME) {
        browser
            .fail(&format!(
                "the home page does not show the user's name {ADMIN_NAME}"
            ))
            .await;
    }
    assert_every_form_has_a_csrf_token(browser).await;
}

async fn assert_html_lang_is_japanese(browser: &Browser) {
    let html = browser.wait_for("html").await;
    let lang = browser.attribute(&html, "lang").await;
    if lang.as_deref() != Some("ja") {
        browser
            .fail(&format!("<html lang> is {lang:?}, not \"ja\""))
            .await;
    }
}

/// Every form on the page carries the hidden CSRF token (and it is not empty).
async fn assert_every_form_has_a_csrf_token(browser: &Browser) {
    let forms = browser.find_all("form").await;
    for (index, form) in forms.iter().enumerate() {
        let tokens = form
            .find_all(fantoccini::Locator::Css(
                r#"input[type="hidden"][name="csrf_token"]"#,
            ))
            .await;
        let tokens = browser.check(tokens, "look for csrf_token").await;
        let value = match tokens.first() {
            Some(token) => browser.attribute(token, "value").await,
            None => None,
        };
        if value.is_none_or(|value| value.is_empty()) {
            let action = browser.attribute(form, "action").await;
            browser
                .fail(&format!(
                    "form #{index} (action {action:?}) has no hidden csrf_token with a value"
                ))
                .await;
        }
    }
}

/// `{site}/password/reset/<32 hex digits>` as it appears in a mail body.
fn reset_link_in(body: &str, site: &str) -> Option<String> {
    let prefix = format!("{site}/password/reset/");
    let start = body.find(&prefix)? + prefix.len();
    let token: String = body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (token.len() == 32).then(|| format!("{prefix}{token}"))
}

/// The status of a GET of `url` (whose host need not resolve), sent to the server at `address`.
async fn status_of(url: &str, address: SocketAddr) -> u16 {
    let host = url
        .trim_start_matches("http://")
        .split([':', '/'])
        .next()
        .unwrap()
        .to_owned();
    let http = reqwest::Client::builder()
        .no_proxy()
        .resolve(&host, address)
        .build()
        .unwrap();
    let response = within(&format!("GET {url}"), PATIENCE, http.get(url).send())
        .await
        .unwrap_or_else(|error| panic!("GET {url}: {error}"));
    response.status().as_u16()
}

#[test]
fn the_reset_link_is_found_in_a_mail_body() {
    let site = "http://acme.localhost:8080";
    let token = "0123456789abcdef0123456789ABCDEF";
    let body =
        format!("パスワードを再設定するには\n{site}/password/reset/{token}\nを開いてください。");
    assert_eq!(
        reset_link_in(&body, site),
        Some(format!("{site}/password/reset/{token}"))
    );
    assert_eq!(reset_link_in("no link", site), None);
    assert_eq!(
        reset_link_in(&format!("{site}/password/reset/abc"), site),
        None
    );
}
