//! Issue 5's journey, as a new user tries it in a real headless Chromium: the ADMIN of a freshly
//! opened contract creates two companies, imports a CP932 CSV into the first (a bad row is
//! refused and named, the fixed file is previewed and confirmed), an invited employee sets a
//! password through the link mailed over SMTP and sees only their own data, a 参照者 of company A
//! sees A's employees but neither company B nor anything they could change, and the ADMIN
//! downloads the full export and finds every imported employee in it.
//!
//! Once on SQLite and once on PostgreSQL, through one function.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;

use fantoccini::Locator;

use crate::browser::Browser;
use crate::server::{RunningServer, open_contract};
use crate::smtp_sink::{DecodedMail, SmtpSink};
use crate::{MAIL_PATIENCE, PATIENCE, choose_new_password, log_in, server_settings, within};

const SLUG: &str = "kaisha";
const TENANT_NAME: &str = "年調サポート社労士事務所";
const ADMIN_EMAIL: &str = "admin@kaisha.example";
const ADMIN_PASSWORD: &str = "kawa-no-soko-de-nemuru-kaeru";
const COMPANY_A: &str = "株式会社エー商事";
const COMPANY_B: &str = "株式会社ビー工業";

/// The header of the import file, as the import screen's template writes it.
pub(crate) const HEADER: &str = "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日";

/// The employee who is only a 一般ユーザ.
const TARO_EMAIL: &str = "taro.yamada@example.jp";
const TARO_PASSWORD: &str = "aoi-sora-ni-ukabu-shiroi-fune";
/// The employee who becomes 参照者 of company A.
const HANAKO_EMAIL: &str = "hanako.sato@sub.example.jp";
const HANAKO_PASSWORD: &str = "akai-yane-no-ue-no-kuroi-neko";

/// The names of the three employees, as the export's `姓,名` columns show them.
const EMPLOYEES: [(&str, &str, &str); 3] = [
    ("E0001", "山田", "太郎"),
    ("E0002", "佐藤", "花子"),
    ("E0003", "鈴木", "一郎"),
];

/// What the site says to a signed-in user who may not do something.
const FORBIDDEN_TEXT: &str = "この操作を行う権限がありません。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companies_import_roles_and_export_on_sqlite() {
    let Some(browser) = Browser::start("companies_import_roles_and_export_on_sqlite").await else {
        return;
    };
    journey(browser, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companies_import_roles_and_export_on_postgresql() {
    let Some(browser) = Browser::start("companies_import_roles_and_export_on_postgresql").await
    else {
        return;
    };
    let Some(database) =
        nencho_store_contract::postgres::TestDatabase::create("e2e", "journey", |_url| async {})
            .await
    else {
        browser.close().await;
        return;
    };
    journey(browser, Some(&database.url)).await;
}

/// The three employees of company A; with `bad_birth_date`, 鈴木's (Excel row 4) is 2026-02-30.
fn employees_csv(bad_birth_date: bool) -> String {
    let suzuki_birth = if bad_birth_date {
        "2026-02-30"
    } else {
        "2000-01-15"
    };
    format!(
        "{HEADER}\r\n\
         E0001,山田,太郎,ヤマダ,タロウ,1990/4/1,100-0005,東京都千代田区丸の内1-1-1,{TARO_EMAIL},総務部,正社員,2015/4/1,\r\n\
         E0002,佐藤,花子,サトウ,ハナコ,昭和60年5月1日,〒１５０－０００１,東京都渋谷区神宮前1-2-3,{HANAKO_EMAIL},人事部,正社員,令和2年4月1日,\r\n\
         E0003,鈴木,一郎,ｽｽﾞｷ,ｲﾁﾛｳ,{suzuki_birth},5300001,大阪府大阪市北区梅田1-1,,開発部,契約社員,2022/10/1,\r\n"
    )
}

/// As Excel on Japanese Windows saves 「CSV（コンマ区切り）」: CP932.
pub(crate) fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "the test file is not CP932 text");
    bytes.into_owned()
}

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

    // 1. The ADMIN signs in and chooses a password of their own.
    browser.goto(&format!("{site}/login")).await;
    log_in(
        &browser,
        &contract.admin_id,
        &contract.initial_password,
        "/password/initial",
    )
    .await;
    choose_new_password(&browser, ADMIN_PASSWORD, "/").await;

    // 2. Two companies; A's login IDs are the employee numbers.
    let company_a = create_company(&browser, &site, COMPANY_A, "7000012050002", true).await;
    let company_b = create_company(&browser, &site, COMPANY_B, "", false).await;
    browser.goto(&format!("{site}/admin/companies")).await;
    let listed = texts(&browser, "tr.company td.name").await;
    for name in [COMPANY_A, COMPANY_B] {
        if !listed.iter().any(|listed| listed == name) {
            browser
                .fail(&format!(
                    "the company list does not show {name}: {listed:?}"
                ))
                .await;
        }
    }

    // 3. The import: a CP932 file with one bad row is refused, naming the row and the column.
    let files = tempfile::tempdir().unwrap();
    let csv_path = files.path().join("従業員.csv");
    std::fs::write(&csv_path, cp932(&employees_csv(true))).unwrap();
    browser
        .goto(&format!("{site}/admin/companies/{company_a}/employees"))
        .await;
    browser.click("#import-link").await;
    browser
        .wait_for_path(&format!("/admin/companies/{company_a}/import"))
        .await;
    upload(&browser, &csv_path).await;
    browser.wait_for("#import-errors").await;
    let errors = error_rows(&browser).await;
    if errors.len() != 1
        || errors[0].0 != "4"
        || errors[0].1 != "生年月日"
        || !errors[0].2.contains("2026-02-30")
    {
        browser
            .fail(&format!(
                "the error table should name row 4, column 生年月日 and the value 2026-02-30, \
                 and nothing else; it lists (row, column, message): {errors:?}"
            ))
            .await;
    }
    expect_text(&browser, "まだ何も登録していません").await;

    // The fixed file: the preview counts three new employees, then the confirmation imports.
    std::fs::write(&csv_path, cp932(&employees_csv(false))).unwrap();
    upload(&browser, &csv_path).await;
    let preview = browser.wait_for("#import-preview").await;
    let preview = browser.text_of(&preview).await;
    if !preview.contains("新規 3件") || !preview.contains("招待メール 2件") {
        browser
            .fail(&format!(
                "the preview should say 新規 3件 and 招待メール 2件: {preview:?}"
            ))
            .await;
    }
    browser.click("#confirm").await;
    let result = browser.wait_for("#import-result").await;
    let result = browser.text_of(&result).await;
    if !result.contains("新規 3件") {
        browser
            .fail(&format!("the result should say 新規 3件: {result:?}"))
            .await;
    }
    // 鈴木 has no address: the result names the ID to hand an initial password to.
    let without_email = texts(&browser, "#import-without-email li.login-id").await;
    if without_email != ["e0003"] {
        browser
            .fail(&format!(
                "the result should list e0003 (no e-mail address, no invitation): \
                 {without_email:?}"
            ))
            .await;
    }
    browser
        .goto(&format!("{site}/admin/companies/{company_a}/employees"))
        .await;
    expect_employee_rows(&browser, 3).await;

    // The invitations went out through SMTP (the outbox is delivered every few seconds).
    let mails = invitations(&mut sink, &[TARO_EMAIL, HANAKO_EMAIL]).await;
    let (taro_link, taro_id) = invitation_of(&mails[TARO_EMAIL], &site);
    let (hanako_link, hanako_id) = invitation_of(&mails[HANAKO_EMAIL], &site);
    assert_eq!(
        (taro_id.as_str(), hanako_id.as_str()),
        ("e0001", "e0002"),
        "under the 社員番号 scheme the login IDs are the employee numbers"
    );

    // 5 (first half). The ADMIN makes 佐藤 a 参照者 of company A.
    browser.goto(&format!("{site}/admin/users")).await;
    let roles_link = browser
        .wait_for(&format!(
            r#"tr.user[data-login-id="{hanako_id}"] a[href$="/roles"]"#
        ))
        .await;
    browser
        .check(roles_link.click().await, "open 佐藤's roles")
        .await;
    browser
        .wait_until("the roles page of 佐藤", async |client| {
            let url = client.current_url().await.ok()?;
            url.path().ends_with("/roles").then_some(())
        })
        .await;
    browser
        .click(&format!(r#"#company_id option[value="{company_a}"]"#))
        .await;
    browser.click(r#"#role option[value="viewer"]"#).await;
    browser.submit_form_of("#departments").await;
    browser.wait_for("tr.role-assignment").await;
    let roles = texts(&browser, "tr.role-assignment").await;
    if roles.len() != 1 || !roles[0].contains(COMPANY_A) || !roles[0].contains("参照者") {
        browser
            .fail(&format!(
                "佐藤 should have exactly the role 参照者 of {COMPANY_A}: {roles:?}"
            ))
            .await;
    }

    // 鈴木 (e0003) has no e-mail address: the ADMIN issues an initial password and gets a
    // ログインのご案内 to print. The print button appears (its script runs under the CSP);
    // the sheet itself is for paper only.
    browser.goto(&format!("{site}/admin/users")).await;
    browser
        .click(r#"tr.user[data-login-id="e0003"] form[action$="/initial-password"] button"#)
        .await;
    browser.wait_for("#issued-password").await;
    browser
        .wait_until("the print button to be shown", async |client| {
            let button = client
                .find(Locator::Css("#print-login-notices"))
                .await
                .ok()?;
            button.is_displayed().await.ok()?.then_some(())
        })
        .await;
    let sheet = browser.wait_for("article.login-notice").await;
    let on_screen = browser
        .check(sheet.is_displayed().await, "see whether the sheet shows")
        .await;
    let words = browser
        .wait_until("the sheet's words", async |client| {
            let read = client
                .execute(
                    "return document.querySelector('article.login-notice').textContent;",
                    vec![],
                )
                .await
                .ok()?;
            read.as_str().map(str::to_owned)
        })
        .await;
    if on_screen || !words.contains("鈴木 一郎 様") || !words.contains("e0003") {
        browser
            .fail(&format!(
                "a hidden sheet for 鈴木 (e0003) should be on the page: shown {on_screen}, {words}"
            ))
            .await;
    }
    log_out(&browser, &site).await;

    // 4. 山田 follows the link in his mail, sets a password and signs in.
    accept_invitation(&browser, &taro_link, &taro_id, TARO_PASSWORD).await;
    expect_text(&browser, "山田").await;
    let home = browser.body_text().await;
    for other in ["佐藤", "鈴木"] {
        if home.contains(other) {
            browser
                .fail(&format!(
                    "山田's home page shows another employee ({other})"
                ))
                .await;
        }
    }
    if !browser.find_all(r#"a[href^="/admin/"]"#).await.is_empty() {
        browser
            .fail("a 一般ユーザ's home page links to administration pages")
            .await;
    }
    for path in [
        "/admin/companies".to_owned(),
        format!("/admin/companies/{company_a}/employees"),
        "/admin/export".to_owned(),
    ] {
        expect_forbidden(&browser, &http, &site, &path).await;
    }
    log_out(&browser, &site).await;

    // 5 (second half). 佐藤, 参照者 of A, sees A's employees and nothing more.
    accept_invitation(&browser, &hanako_link, &hanako_id, HANAKO_PASSWORD).await;
    expect_text(&browser, "佐藤").await;
    browser
        .goto(&format!("{site}/admin/companies/{company_a}/employees"))
        .await;
    expect_employee_rows(&browser, 3).await;
    for path in [
        format!("/admin/companies/{company_b}/employees"),
        format!("/admin/companies/{company_a}"),
        format!("/admin/companies/{company_a}/import"),
        "/admin/companies".to_owned(),
        "/admin/users".to_owned(),
        "/admin/export".to_owned(),
    ] {
        expect_forbidden(&browser, &http, &site, &path).await;
    }
    // Nor by posting the settings form with a valid CSRF token of her own.
    browser.goto(&format!("{site}/")).await;
    let token = browser.wait_for(r#"input[name="csrf_token"]"#).await;
    let token = browser.attribute(&token, "value").await.unwrap_or_default();
    let (status, body) = http
        .post_form(
            &format!("/admin/companies/{company_a}"),
            &browser.cookie_header().await,
            &format!("csrf_token={token}&name=Changed&login_id_scheme=email"),
        )
        .await;
    assert!(
        status == 403 && body.contains(FORBIDDEN_TEXT),
        "a 参照者 posting company A's settings should get 403 「{FORBIDDEN_TEXT}」, got \
         {status}: {body}"
    );
    log_out(&browser, &site).await;

    // 6. The ADMIN downloads the export: every imported employee is in it.
    log_in(&browser, &contract.admin_id, ADMIN_PASSWORD, "/").await;
    browser
        .goto(&format!("{site}/admin/companies/{company_a}"))
        .await;
    let name = browser.wait_for("#name").await;
    let name = browser.attribute(&name, "value").await;
    if name.as_deref() != Some(COMPANY_A) {
        browser
            .fail(&format!(
                "company A's name changed after the 参照者's attempt: {name:?}"
            ))
            .await;
    }
    browser.goto(&format!("{site}/admin/export")).await;
    browser.wait_for("#download").await;
    let (status, zip) = http
        .get_bytes(
            "/admin/export/download?encoding=utf8",
            &browser.cookie_header().await,
        )
        .await;
    assert_eq!(status, 200, "the export download answers 200");
    let employees = file_in_zip(&zip, "employees.csv");
    let employees = employees
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the UTF-8 export starts with a BOM");
    let employees = String::from_utf8(employees.to_vec()).expect("employees.csv is UTF-8");
    for (number, family, given) in EMPLOYEES {
        let expected = format!("{number},{family},{given},");
        assert!(
            employees.contains(&expected),
            "employees.csv has no line starting {expected:?}:\n{employees}"
        );
        assert!(
            employees.contains(COMPANY_A),
            "employees.csv names the company"
        );
    }

    browser.close().await;
    server.stop().await;
    drop(sink);
}

/// Registers a company on `/admin/companies/new`; returns its id (from the settings page it
/// lands on).
pub(crate) async fn create_company(
    browser: &Browser,
    site: &str,
    name: &str,
    corporate_number: &str,
    employee_number_scheme: bool,
) -> String {
    browser.goto(&format!("{site}/admin/companies/new")).await;
    browser.fill("#name", name).await;
    browser.fill("#corporate_number", corporate_number).await;
    browser.fill("#address", "東京都千代田区霞が関3-1-1").await;
    browser.fill("#tax_office", "麹町").await;
    browser.fill("#contact", "人事部 03-0000-0000").await;
    let scheme = if employee_number_scheme {
        "employee_number"
    } else {
        "email"
    };
    browser
        .click(&format!(r#"#login_id_scheme option[value="{scheme}"]"#))
        .await;
    browser.submit_form_of("#name").await;
    let id = browser
        .wait_until(
            &format!("the settings page of the new company {name}"),
            async |client| {
                let url = client.current_url().await.ok()?;
                let id = url.path().strip_prefix("/admin/companies/")?;
                (!id.is_empty() && id != "new" && !id.contains('/')).then(|| id.to_owned())
            },
        )
        .await;
    expect_text(browser, "保存しました").await;
    id
}

/// Chooses `file` in the import form and sends it.
pub(crate) async fn upload(browser: &Browser, file: &Path) {
    browser.choose_file("#file", file).await;
    browser.click("#upload").await;
}

/// The import error table's (row, column, message) triples.
async fn error_rows(browser: &Browser) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    for row in browser.find_all("tr.import-error").await {
        let mut cells = Vec::new();
        for class in ["row", "column", "message"] {
            let cell = row
                .find(fantoccini::Locator::Css(&format!("td.{class}")))
                .await;
            let cell = browser
                .check(cell, &format!("find td.{class} in tr.import-error"))
                .await;
            cells.push(browser.text_of(&cell).await.trim().to_owned());
        }
        let [row, column, message]: [String; 3] = cells.try_into().unwrap();
        rows.push((row, column, message));
    }
    rows
}

/// The trimmed texts of every element matching `css`.
pub(crate) async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for element in browser.find_all(css).await {
        texts.push(browser.text_of(&element).await.trim().to_owned());
    }
    texts
}

/// Waits until the page's text contains `text`.
pub(crate) async fn expect_text(browser: &Browser, text: &str) {
    browser
        .wait_until(&format!("the page to show {text:?}"), async |client| {
            let body = client.find(fantoccini::Locator::Css("body")).await.ok()?;
            body.text().await.ok()?.contains(text).then_some(())
        })
        .await;
}

/// The employee list shows `count` rows, naming every imported employee.
async fn expect_employee_rows(browser: &Browser, count: usize) {
    browser.wait_for("tr.employee").await;
    let rows = texts(browser, "tr.employee").await;
    let all_named = EMPLOYEES.iter().all(|(number, family, _)| {
        rows.iter()
            .any(|row| row.contains(number) && row.contains(family))
    });
    if rows.len() != count || !all_named {
        browser
            .fail(&format!(
                "the employee list should have {count} rows naming {EMPLOYEES:?}: {rows:?}"
            ))
            .await;
    }
}

/// Logs out from the home page (the 403 page has no logout button: its header shows no user).
pub(crate) async fn log_out(browser: &Browser, site: &str) {
    browser.goto(&format!("{site}/")).await;
    browser.click(r#"form[action="/logout"] button"#).await;
    browser.wait_for_path("/login").await;
}

/// Opens the invitation link, chooses `password`, and signs in with `login_id`: the home page.
pub(crate) async fn accept_invitation(
    browser: &Browser,
    link: &str,
    login_id: &str,
    password: &str,
) {
    browser.goto(link).await;
    let username = browser.wait_for(r#"input[name="username"]"#).await;
    let shown = browser.attribute(&username, "value").await;
    if shown.as_deref() != Some(login_id) {
        browser
            .fail(&format!(
                "the invitation form should be for {login_id}, it is for {shown:?}"
            ))
            .await;
    }
    choose_new_password(browser, password, "/login").await;
    expect_text(browser, "パスワードを設定しました").await;
    log_in(browser, login_id, password, "/").await;
    browser.wait_for(r#"form[action="/logout"] button"#).await;
}

/// `path` is refused to the signed-in user: the browser shows the refusal, and the same request
/// with the browser's cookies answers 403.
async fn expect_forbidden(browser: &Browser, http: &Http, site: &str, path: &str) {
    browser.goto(&format!("{site}{path}")).await;
    expect_text(browser, FORBIDDEN_TEXT).await;
    let (status, _) = http.get_bytes(path, &browser.cookie_header().await).await;
    if status != 403 {
        browser
            .fail(&format!(
                "GET {path} should answer 403, it answered {status}"
            ))
            .await;
    }
}

/// Reads mails at the sink until one invitation reached each of `recipients`.
pub(crate) async fn invitations(
    sink: &mut SmtpSink,
    recipients: &[&str],
) -> BTreeMap<String, DecodedMail> {
    let mut found = BTreeMap::new();
    let mut passed_over = Vec::new();
    let search = async {
        while found.len() < recipients.len() {
            // The whole search is bounded below; one wait need not be.
            let Some(mail) = sink.next_mail(MAIL_PATIENCE).await else {
                return;
            };
            let mail = mail.decode();
            let recipient = recipients.iter().find(|recipient| {
                mail.rcpt_tos
                    .iter()
                    .any(|to| to.eq_ignore_ascii_case(recipient))
            });
            match recipient {
                Some(recipient) if mail.subject.contains("招待") => {
                    found.insert((*recipient).to_owned(), mail);
                }
                _ => passed_over.push(format!("{:?} {:?}", mail.rcpt_tos, mail.subject)),
            }
        }
    };
    let _ = tokio::time::timeout(MAIL_PATIENCE, search).await;
    assert!(
        found.len() == recipients.len(),
        "no invitation to each of {recipients:?} reached the SMTP sink within \
         {MAIL_PATIENCE:?}; got invitations to {:?} and passed over {passed_over:#?}",
        found.keys().collect::<Vec<_>>()
    );
    found
}

/// The invitation link (`{site}/invitation/<32 hex>`) and the login ID (`ID: …`) in a mail.
pub(crate) fn invitation_of(mail: &DecodedMail, site: &str) -> (String, String) {
    let body = &mail.text_body;
    let prefix = format!("{site}/invitation/");
    let link = body.find(&prefix).and_then(|start| {
        let token: String = body[start + prefix.len()..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        (token.len() == 32).then(|| format!("{prefix}{token}"))
    });
    let login_id = body.find("ID: ").map(|start| {
        body[start + 4..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect::<String>()
    });
    match (link, login_id) {
        (Some(link), Some(login_id)) if !login_id.is_empty() => (link, login_id),
        _ => panic!("no {prefix}<32 hex> link or no \"ID: …\" line in the invitation: {mail:#?}"),
    }
}

/// The bytes of `name` in a ZIP archive.
fn file_in_zip(archive: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive))
        .unwrap_or_else(|error| panic!("the export is not a ZIP archive: {error}"));
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut file = zip
        .by_name(name)
        .unwrap_or_else(|error| panic!("no {name} in the export ({error}); it holds {names:?}"));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    bytes
}

/// Plain HTTP to the tenant's site as the browser would send it (its host, its cookies), to see
/// status codes and download files, which WebDriver does not show.
pub(crate) struct Http {
    client: reqwest::Client,
    site: String,
}

impl Http {
    pub(crate) fn new(site: &str, address: SocketAddr) -> Self {
        let host = site
            .trim_start_matches("http://")
            .split([':', '/'])
            .next()
            .unwrap()
            .to_owned();
        let client = reqwest::Client::builder()
            .no_proxy()
            .resolve(&host, address)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            client,
            site: site.to_owned(),
        }
    }

    pub(crate) async fn get_bytes(&self, path: &str, cookies: &str) -> (u16, Vec<u8>) {
        let url = format!("{}{path}", self.site);
        let request = self.client.get(&url).header("cookie", cookies).send();
        let response = within(&format!("GET {url}"), PATIENCE, request)
            .await
            .unwrap_or_else(|error| panic!("GET {url}: {error}"));
        let status = response.status().as_u16();
        let body = within(
            &format!("the body of GET {url}"),
            PATIENCE,
            response.bytes(),
        )
        .await
        .unwrap_or_else(|error| panic!("GET {url}: {error}"));
        (status, body.to_vec())
    }

    /// Posts an `application/x-www-form-urlencoded` body (already encoded).
    async fn post_form(&self, path: &str, cookies: &str, body: &str) -> (u16, String) {
        let url = format!("{}{path}", self.site);
        let request = self
            .client
            .post(&url)
            .header("cookie", cookies)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send();
        let response = within(&format!("POST {url}"), PATIENCE, request)
            .await
            .unwrap_or_else(|error| panic!("POST {url}: {error}"));
        let status = response.status().as_u16();
        let text = within(
            &format!("the body of POST {url}"),
            PATIENCE,
            response.text(),
        )
        .await
        .unwrap_or_else(|error| panic!("POST {url}: {error}"));
        (status, text)
    }
}
