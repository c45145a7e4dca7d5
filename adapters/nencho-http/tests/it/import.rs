//! The employee import wizard through the HTTP surface: upload a CP932 file with a bad row, see
//! every error, upload the corrected file, confirm the preview, and import the same file again
//! without changing anything; on SQLite and on PostgreSQL.

use std::collections::BTreeMap;
use std::sync::Arc;

use nencho_app::tenancy::{ActivationNotice, OpenTenantRequest, open_tenant};
use nencho_http::{HttpServices, endpoint};
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordState, Role, RoleAssignment, User, UserStatus,
};
use nencho_kernel::{Clock, SystemClock, UserId};
use nencho_ports::Store;
use nencho_tenancy::{Company, CompanyName, EmployeeNumber, LoginIdScheme};
use poem::http::StatusCode;
use poem::test::{TestClient, TestForm, TestFormField, TestResponse};

use crate::{AsStore, services};

on_both_stores!(
    a_cp932_file_with_a_bad_row_is_refused_then_the_fixed_file_is_previewed_and_applied_once,
    a_forged_csrf_token_is_refused_and_writes_nothing,
    the_template_is_a_csv_with_the_japanese_header,
    a_general_user_and_a_viewer_may_not_import,
    imported_employees_get_ids_and_an_invited_one_sets_a_password_and_logs_in,
    under_the_email_scheme_a_row_without_an_address_is_named_in_the_preview,
    generated_initial_passwords_are_shown_once_and_must_be_changed_at_first_login,
    the_confirm_shows_the_progress_to_its_user_only_and_then_the_result_once,
    an_old_file_keeps_an_applied_change_request_unless_told_to_overwrite,
);

pub(crate) const NEW_PASSWORD: &str = "kumo-no-ue-de-odoru-pengin";
pub(crate) const HOST: &str = "acme.localhost:8080";

/// A browser on the tenant host: keeps cookies and reads the CSRF token of the last page.
pub(crate) struct Browser<E> {
    pub(crate) client: TestClient<E>,
    pub(crate) cookies: BTreeMap<String, String>,
    last_page: String,
}

impl<E: poem::Endpoint> Browser<E> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn csrf_token(&self) -> String {
        let marker = r#"name="csrf_token" value=""#;
        self.last_page
            .find(marker)
            .map(|start| {
                self.last_page[start + marker.len()..]
                    .chars()
                    .take_while(|c| *c != '"')
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(path)
            .header("host", HOST)
            .header("cookie", self.cookie_header())
            .send()
            .await;
        self.finish(response).await
    }

    pub(crate) async fn get_bytes(&mut self, path: &str) -> TestResponse {
        self.client
            .get(path)
            .header("host", HOST)
            .header("cookie", self.cookie_header())
            .send()
            .await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let token = self.csrf_token();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(name, _)| *name == "csrf_token") {
            form.push(("csrf_token", token.as_str()));
        }
        let response = self
            .client
            .post(path)
            .header("host", HOST)
            .header("cookie", self.cookie_header())
            .form(&form)
            .send()
            .await;
        self.finish(response).await
    }

    /// Posts the upload form as a browser does: `multipart/form-data` with the file.
    async fn upload(
        &mut self,
        path: &str,
        file: Vec<u8>,
        csrf: Option<&str>,
    ) -> (StatusCode, String) {
        let token = csrf.map_or_else(|| self.csrf_token(), str::to_owned);
        let form = TestForm::new()
            .text("csrf_token", token)
            .text("encoding", "auto")
            .field(
                TestFormField::bytes(file)
                    .name("file")
                    .filename("employees.csv")
                    .content_type("text/csv"),
            );
        let response = self
            .client
            .post(path)
            .header("host", HOST)
            .header("cookie", self.cookie_header())
            .multipart(form)
            .send()
            .await;
        self.finish(response).await
    }

    async fn finish(&mut self, response: TestResponse) -> (StatusCode, String) {
        for line in response
            .0
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
        {
            let pair = line.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || line.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let status = response.0.status();
        let body = response.0.into_body().into_string().await.unwrap();
        if !body.is_empty() {
            self.last_page = body.clone();
        }
        (status, body)
    }

    /// Posts the confirm step: a redirect to the import's progress page, followed (the page
    /// refreshes itself) until it shows the result. Anything but a redirect is returned as is.
    async fn confirm(&mut self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let response = self.post_raw(path, fields).await;
        if response.0.status() != StatusCode::SEE_OTHER {
            return self.finish(response).await;
        }
        let location = location(&response);
        self.finish(response).await;
        let done = self.follow_progress(&location).await;
        self.finish(done).await
    }

    async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf_token();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(name, _)| *name == "csrf_token") {
            form.push(("csrf_token", token.as_str()));
        }
        self.client
            .post(path)
            .header("host", HOST)
            .header("cookie", self.cookie_header())
            .form(&form)
            .send()
            .await
    }

    /// Gets the progress page until it no longer asks to be refreshed; returns the result.
    async fn follow_progress(&mut self, location: &str) -> TestResponse {
        assert!(location.contains("/import/progress/"), "{location}");
        for _ in 0..1_000 {
            let response = self.get_bytes(location).await;
            if response.0.status() != StatusCode::OK
                || !response.0.headers().contains_key("refresh")
            {
                return response;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the import did not finish");
    }

    pub(crate) async fn log_in(&mut self, login_id: &str, password: &str, new_password: &str) {
        self.get("/login").await;
        self.post("/login", &[("login_id", login_id), ("password", password)])
            .await;
        self.get("/password/initial").await;
        self.post(
            "/password/initial",
            &[
                ("new_password", new_password),
                ("confirmation", new_password),
            ],
        )
        .await;
    }
}

pub(crate) fn browser(store: &impl AsStore) -> Browser<impl poem::Endpoint> {
    Browser {
        client: TestClient::new(endpoint(services(store))),
        cookies: BTreeMap::new(),
        last_page: String::new(),
    }
}

/// acme's site over `store`, with one company.
pub(crate) async fn site(store: &Arc<dyn Store>) -> (Arc<HttpServices>, ActivationNotice, Company) {
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
    let company =
        crate::sites::registered_company(&services, notice.tenant.id, "株式会社エー").await;
    (services, notice, company)
}

const HEADER: &str = "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日";

/// Three employees; with `bad_birth_date` the second has an impossible birth date (row 3).
fn employees_csv(bad_birth_date: bool) -> String {
    let birth = if bad_birth_date {
        "1985/13/01"
    } else {
        "昭和60年5月1日"
    };
    format!(
        "{HEADER}\r\n\
         E0001,山田,太郎,ヤマダ,タロウ,1990/4/1,100-0005,\"東京都千代田区丸の内1-1-1\r\n年調ビル5階\",taro@example.jp,総務部,正社員,2015/4/1,\r\n\
         Ｅ0002,佐藤,花子,サトウ,ハナコ,{birth},〒１５０－０００１,東京都渋谷区神宮前1-2-3,,営業部,パート,令和2年4月1日,\r\n\
         E0003,鈴木,一郎,ｽｽﾞｷ,ｲﾁﾛｳ,2000-01-15,5300001,大阪府大阪市北区梅田1-1,ichiro@example.jp,開発部,契約社員,2022/10/1,\r\n"
    )
}

/// As Excel on Japanese Windows saves 「CSV」: CP932.
fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

async fn employee_count(
    services: &HttpServices,
    notice: &ActivationNotice,
    company: &Company,
) -> u64 {
    services
        .app
        .store
        .count_employees(notice.tenant.id, company.id)
        .await
        .unwrap()
}

async fn a_cp932_file_with_a_bad_row_is_refused_then_the_fixed_file_is_previewed_and_applied_once(
    store: Arc<dyn Store>,
) {
    let (services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);

    let (status, list) = admin
        .get(&format!("/admin/companies/{}/employees", company.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(&format!(r#"href="{base}""#)),
        "the list links to the import"
    );

    let (status, form) = admin.get(&base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"enctype="multipart/form-data""#));
    assert!(form.contains(r#"id="file""#));

    // One bad row: every error by row and column, nothing written.
    let (status, refused) = admin.upload(&base, cp932(&employees_csv(true)), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused.matches(r#"<tr class="import-error">"#).count(),
        1,
        "{refused}"
    );
    assert!(
        refused.contains(r#"<td class="row">3</td>"#),
        "Excel's row 3 (the header is row 1, a line break in a cell does not count)"
    );
    assert!(refused.contains(r#"<td class="column">生年月日</td>"#));
    assert!(
        refused.contains("存在しない日付です") && refused.contains("1985/13/01"),
        "the message in Japanese: {refused}"
    );
    assert!(refused.contains("まだ何も登録していません"));
    assert!(refused.contains(r#"id="file""#), "the upload form again");
    assert_eq!(employee_count(&services, &notice, &company).await, 0);

    // The corrected file: a preview, still nothing written.
    let fixed = cp932(&employees_csv(false));
    let (status, preview) = admin.upload(&base, fixed.clone(), None).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(
        preview.contains("新規 3件、更新 0件、変更なし 0件"),
        "{preview}"
    );
    assert_eq!(employee_count(&services, &notice, &company).await, 0);
    let token = hidden(&preview, "token");
    assert_eq!(token.len(), 32);

    // Confirm without choosing the file again.
    let (status, done) = admin
        .confirm(
            &format!("{base}/confirm"),
            &[
                ("token", &token),
                ("encoding", &hidden(&preview, "encoding")),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("新規 3件、更新 0件"), "{done}");
    assert_eq!(employee_count(&services, &notice, &company).await, 3);
    let hanako = services
        .app
        .store
        .find_employee_by_number(
            notice.tenant.id,
            company.id,
            &EmployeeNumber::parse("E0002").unwrap(),
        )
        .await
        .unwrap()
        .expect("full-width digits of the number are folded");
    assert_eq!(hanako.name.full(), "佐藤 花子");
    assert_eq!(hanako.birth_date.to_string(), "1985-05-01", "昭和60年");
    assert_eq!(hanako.postal_code.unwrap().to_string(), "150-0001");
    let taro = services
        .app
        .store
        .find_employee_by_number(
            notice.tenant.id,
            company.id,
            &EmployeeNumber::parse("E0001").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        taro.address.contains('\n'),
        "the line break inside the cell is kept"
    );

    // A confirm is used once.
    let (status, _) = admin
        .post(
            &format!("{base}/confirm"),
            &[("token", &token), ("encoding", "sjis")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Never a path from the form.
    admin.get(&base).await;
    let (status, _) = admin
        .post(
            &format!("{base}/confirm"),
            &[("token", "../../etc/passwd"), ("encoding", "sjis")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, list) = admin
        .get(&format!("/admin/companies/{}/employees", company.id))
        .await;
    assert_eq!(list.matches(r#"<tr class="employee">"#).count(), 3);
    assert!(list.contains(r#"<td class="number">E0003</td>"#));
    assert!(list.contains("鈴木"));

    // The same file again changes nothing.
    admin.get(&base).await;
    let (status, again) = admin.upload(&base, fixed, None).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert!(
        again.contains("新規 0件、更新 0件、変更なし 3件"),
        "{again}"
    );
    let (status, done) = admin
        .confirm(
            &format!("{base}/confirm"),
            &[("token", &hidden(&again, "token")), ("encoding", "sjis")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(done.contains("新規 0件、更新 0件"), "{done}");
    let unchanged = services
        .app
        .store
        .find_employee(notice.tenant.id, taro.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, taro, "not even the update time moves");

    // A changed department is an update, keeping the employee's id.
    let moved = employees_csv(false).replace("開発部", "研究部");
    admin.get(&base).await;
    let (_, preview) = admin.upload(&base, moved.into_bytes(), None).await;
    assert!(
        preview.contains("新規 0件、更新 1件、変更なし 2件"),
        "{preview}"
    );
}

async fn a_forged_csrf_token_is_refused_and_writes_nothing(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);
    admin.get(&base).await;
    let (status, _) = admin
        .upload(&base, employees_csv(false).into_bytes(), Some("forged"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    admin.get(&base).await;
    let (status, preview) = admin
        .upload(&base, employees_csv(false).into_bytes(), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let token = hidden(&preview, "token");
    let (status, _) = admin
        .post(
            &format!("{base}/confirm"),
            &[
                ("token", &token),
                ("encoding", "utf8"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(employee_count(&services, &notice, &company).await, 0);
}

async fn the_template_is_a_csv_with_the_japanese_header(store: Arc<dyn Store>) {
    let (_services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import/template", company.id);
    let response = admin.get_bytes(&format!("{base}?encoding=utf8")).await;
    response.assert_status_is_ok();
    response.assert_content_type("text/csv; charset=utf-8");
    let disposition = response.0.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let bytes = response.0.into_body().into_vec().await.unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with(&format!("\u{feff}{HEADER}\r\n")), "{text}");

    let response = admin.get_bytes(&format!("{base}?encoding=sjis")).await;
    response.assert_status_is_ok();
    let bytes = response.0.into_body().into_vec().await.unwrap();
    let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!malformed);
    assert!(text.starts_with(HEADER));
}

async fn a_general_user_and_a_viewer_may_not_import(store: Arc<dyn Store>) {
    let (services, notice, company) = site(&store).await;
    let tenant = notice.tenant.id;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let admin_current = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    let base = format!("/admin/companies/{}/import", company.id);
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
        assert_eq!(other.get(&base).await.0, StatusCode::FORBIDDEN, "{login}");
        assert_eq!(
            other.get(&format!("{base}/template?encoding=utf8")).await.0,
            StatusCode::FORBIDDEN,
            "{login}"
        );
        let (status, _) = other
            .upload(&base, employees_csv(false).into_bytes(), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
        let (status, _) = other
            .post(
                &format!("{base}/confirm"),
                &[("token", &"0".repeat(32)), ("encoding", "utf8")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
    }
    assert_eq!(employee_count(&services, &notice, &company).await, 0);
}

/// Where a redirect goes.
fn location(response: &TestResponse) -> String {
    response
        .0
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of a hidden field of a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    page.find(&marker)
        .map(|start| {
            page[start + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

/// The 32 hex digits after `path` in the newest queued mail to `to`.
async fn mailed_token(
    services: &HttpServices,
    notice: &ActivationNotice,
    to: &str,
    path: &str,
) -> String {
    let mail = services
        .app
        .store
        .list_mail(notice.tenant.id, 50)
        .await
        .unwrap();
    let message = mail
        .iter()
        .find(|m| m.to.as_str() == to)
        .unwrap_or_else(|| panic!("no mail to {to}"));
    let start = message.body.find(path).expect("the link in the mail") + path.len();
    let token: String = message.body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 32);
    token
}

async fn imported_employees_get_ids_and_an_invited_one_sets_a_password_and_logs_in(
    store: Arc<dyn Store>,
) {
    let (services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);
    admin.get(&base).await;
    let (status, preview) = admin
        .upload(&base, cp932(&employees_csv(false)), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview.contains("ID発行 3件、招待メール 2件"), "{preview}");
    let (status, done) = admin
        .confirm(
            &format!("{base}/confirm"),
            &[
                ("token", &hidden(&preview, "token")),
                ("encoding", &hidden(&preview, "encoding")),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("ID発行 3件、招待メール 2件"), "{done}");
    assert!(
        done.contains("メールアドレスがないため招待を送っていません。ユーザー管理から初期パスワードを発行してください。")
            && done.contains(r#"<li class="login-id">e0002</li>"#),
        "the employee without an address is listed: {done}"
    );
    assert!(!done.contains(r#"<li class="login-id">e0001</li>"#));

    // Taro follows the link in his mail, in a browser of his own.
    let token = mailed_token(&services, &notice, "taro@example.jp", "/invitation/").await;
    let mut taro = browser(&store);
    let (status, form) = taro.get(&format!("/invitation/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(
        form.contains("パスワードの設定") && form.contains(r#"value="e0001""#),
        "{form}"
    );
    let (status, weak) = taro
        .post(
            &format!("/invitation/{token}"),
            &[("new_password", "password"), ("confirmation", "password")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
    let chosen = "yama-no-ue-no-ookina-ki-2026";
    let (status, _) = taro
        .post(
            &format!("/invitation/{token}"),
            &[("new_password", chosen), ("confirmation", chosen)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, login) = taro.get("/login?notice=invitation_done").await;
    assert!(login.contains("パスワードを設定しました"), "{login}");
    let (status, _) = taro
        .post("/login", &[("login_id", "E0001"), ("password", chosen)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, home) = taro.get("/").await;
    assert_eq!(status, StatusCode::OK, "{home}");
    assert!(home.contains("山田"), "{home}");
    let (status, _) = taro.get("/admin/companies").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The link works once.
    let mut again = browser(&store);
    let (status, _) = again.get(&format!("/invitation/{token}")).await;
    assert_eq!(status, StatusCode::GONE);
}

async fn under_the_email_scheme_a_row_without_an_address_is_named_in_the_preview(
    store: Arc<dyn Store>,
) {
    let (services, notice, _) = site(&store).await;
    let mut company = Company::register(
        notice.tenant.id,
        CompanyName::parse("株式会社メール").unwrap(),
        &SystemClock,
    );
    company.profile.login_id_scheme = LoginIdScheme::Email;
    services
        .app
        .store
        .insert_company(notice.tenant.id, &company)
        .await
        .unwrap();
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);
    admin.get(&base).await;
    let (status, refused) = admin
        .upload(&base, cp932(&employees_csv(false)), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.contains(r#"<td class="row">3</td>"#), "{refused}");
    assert!(
        refused.contains("メールアドレスがありません")
            && refused.contains("まだ何も登録していません"),
        "{refused}"
    );
    assert_eq!(employee_count(&services, &notice, &company).await, 0);
}

/// The initial password the result page shows for `login_id`.
fn issued_password(page: &str, login_id: &str) -> String {
    let row = format!(r#"<td class="login-id">{login_id}</td>"#);
    let start = page
        .find(&row)
        .unwrap_or_else(|| panic!("no row of {login_id}: {page}"));
    let rest = &page[start..];
    let code = rest.find("<code>").expect("the password cell") + "<code>".len();
    rest[code..].chars().take_while(|c| *c != '<').collect()
}

async fn generated_initial_passwords_are_shown_once_and_must_be_changed_at_first_login(
    store: Arc<dyn Store>,
) {
    let (services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);
    admin.get(&base).await;
    let (status, preview) = admin
        .upload(&base, cp932(&employees_csv(false)), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(
        preview.contains(r#"name="first_password" value="generated""#),
        "the confirm step offers the option: {preview}"
    );
    let mails_before = services
        .app
        .store
        .list_mail(notice.tenant.id, 50)
        .await
        .unwrap()
        .len();
    let response = admin
        .client
        .post(format!("{base}/confirm"))
        .header("host", HOST)
        .header("cookie", admin.cookie_header())
        .form(&[
            ("csrf_token", admin.csrf_token().as_str()),
            ("token", hidden(&preview, "token").as_str()),
            ("encoding", hidden(&preview, "encoding").as_str()),
            ("first_password", "generated"),
        ])
        .send()
        .await;
    assert_eq!(response.0.status(), StatusCode::SEE_OTHER);
    let progress = location(&response);
    admin.finish(response).await;
    let response = admin.follow_progress(&progress).await;
    assert_eq!(
        response
            .0
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok()),
        Some("no-store"),
        "the page with the passwords is not kept"
    );
    let (status, done) = admin.finish(response).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (status, _) = admin.get(&progress).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the passwords are shown once"
    );
    assert!(
        done.contains("ID発行 3件、招待メール 0件")
            && done.contains("初期パスワード 3件を発行しました"),
        "{done}"
    );
    assert!(
        !done.contains("import-without-email"),
        "the employee without an address has a password too: {done}"
    );
    let password = issued_password(&done, "e0002");
    assert_eq!(password.len(), 20, "{done}");
    assert_ne!(password, issued_password(&done, "e0001"));
    // One ログインのご案内 per new ID, to print for those without an e-mail address: the
    // contract and company handing it out, the site, the ID and the same password.
    assert_eq!(
        done.matches(r#"<article class="login-notice" lang="ja">"#)
            .count(),
        3,
        "{done}"
    );
    let sheet = &done[done
        .find(r#"<dd class="login-id">e0002</dd>"#)
        .expect("e0002's sheet")..];
    assert!(
        sheet.starts_with(&format!(
            r#"<dd class="login-id">e0002</dd>
    <dt>初期パスワード</dt><dd class="password"><code>{password}</code></dd>"#
        )),
        "{sheet}"
    );
    assert!(
        done.contains("<p>株式会社アクメ 株式会社エー</p>")
            && done.contains(r#"<dd class="site-url">http://acme.localhost:8080</dd>"#),
        "{done}"
    );
    assert!(
        done.contains(r#"download="initial-passwords.csv""#)
            && done.contains("data:text/csv;charset=utf-8,")
            && done.contains(&format!("%22{password}%22")),
        "downloadable from the page as CSV: {done}"
    );
    assert_eq!(
        services
            .app
            .store
            .list_mail(notice.tenant.id, 50)
            .await
            .unwrap()
            .len(),
        mails_before,
        "no invitation is mailed"
    );
    let stored = services
        .app
        .store
        .find_user_by_login_id(notice.tenant.id, &LoginId::parse("e0002").unwrap())
        .await
        .unwrap()
        .unwrap();
    match &stored.password {
        PasswordState::Initial(hash) => assert!(!hash.as_phc().contains(&password)),
        other => panic!("expected an initial password, got {other:?}"),
    }

    // Hanako (no e-mail address) logs in with the password handed to her, in her own browser,
    // and can do nothing before she has chosen her own.
    let mut hanako = browser(&store);
    hanako.get("/login").await;
    let (status, _) = hanako
        .post("/login", &[("login_id", "E0002"), ("password", &password)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let home = hanako.get_bytes("/").await;
    assert_eq!(home.0.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        home.0
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok()),
        Some("/password/initial")
    );
    let (status, form) = hanako.get("/password/initial").await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let chosen = "sakura-no-hana-ga-saku-2026";
    let (status, _) = hanako
        .post(
            "/password/initial",
            &[("new_password", chosen), ("confirmation", chosen)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, home) = hanako.get("/").await;
    assert_eq!(status, StatusCode::OK, "{home}");
    assert!(home.contains("佐藤"), "{home}");
    let changed = services
        .app
        .store
        .find_user(notice.tenant.id, stored.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(changed.password, PasswordState::Chosen(_)),
        "the initial password is replaced"
    );
}

async fn the_confirm_shows_the_progress_to_its_user_only_and_then_the_result_once(
    store: Arc<dyn Store>,
) {
    let (services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);
    admin.get(&base).await;
    let (status, preview) = admin
        .upload(&base, cp932(&employees_csv(false)), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");

    // Another import's uncommitted ID "e0001" holds the apply back (SQLite: the write lock;
    // PostgreSQL: the unique login ID), so that its progress can be seen.
    let blocker = User {
        id: UserId::generate(&SystemClock),
        tenant_id: notice.tenant.id,
        login_id: LoginId::parse("e0001").unwrap(),
        display_name: DisplayName::parse("仮 太郎").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: SystemClock.now(),
    };
    let mut holding = services
        .app
        .store
        .begin_import(notice.tenant.id, company.id)
        .await
        .unwrap();
    holding
        .write(&nencho_ports::ImportWrite {
            new_users: vec![blocker],
            ..nencho_ports::ImportWrite::default()
        })
        .await
        .unwrap();

    let response = admin
        .post_raw(
            &format!("{base}/confirm"),
            &[
                ("token", &hidden(&preview, "token")),
                ("encoding", &hidden(&preview, "encoding")),
            ],
        )
        .await;
    assert_eq!(response.0.status(), StatusCode::SEE_OTHER);
    let progress = location(&response);
    admin.finish(response).await;
    assert!(
        progress.starts_with(&format!("{base}/progress/")),
        "{progress}"
    );
    let response = admin.get_bytes(&progress).await;
    assert_eq!(
        response
            .0
            .headers()
            .get("refresh")
            .and_then(|value| value.to_str().ok()),
        Some("1"),
        "the progress page refreshes itself"
    );
    let (status, running) = admin.finish(response).await;
    assert_eq!(status, StatusCode::OK, "{running}");
    assert!(
        running.contains(r#"<meta http-equiv="refresh" content="1">"#)
            && running.contains(r#"id="import-progress""#)
            && running.contains("0 / 3 件"),
        "{running}"
    );
    assert!(!running.contains("<script"), "no script: {running}");
    assert_eq!(employee_count(&services, &notice, &company).await, 0);
    // The apply goes on once the other transaction is rolled back.
    drop(holding);

    // Nobody else sees it: not another user of the tenant, not without the session.
    let admin_current = nencho_app::sign_in::authenticate(
        &services.app,
        &notice.tenant,
        &admin.cookies["nencho_session"],
    )
    .await
    .unwrap()
    .unwrap();
    let other_admin = User {
        id: UserId::generate(&SystemClock),
        tenant_id: notice.tenant.id,
        login_id: LoginId::parse("admin2").unwrap(),
        display_name: DisplayName::parse("管理 次郎").unwrap(),
        email: None,
        role: Role::Admin,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: SystemClock.now(),
    };
    services
        .app
        .store
        .insert_user(notice.tenant.id, &other_admin)
        .await
        .unwrap();
    let (_, initial) =
        nencho_app::password::issue_initial_password(&services.app, &admin_current, other_admin.id)
            .await
            .unwrap();
    let mut other = browser(&store);
    other
        .log_in("admin2", initial.expose(), "yama-no-ue-no-shiroi-kumo")
        .await;
    assert_eq!(other.get(&progress).await.0, StatusCode::NOT_FOUND);
    let mut anonymous = browser(&store);
    assert_ne!(anonymous.get(&progress).await.0, StatusCode::OK);

    // The result is shown once.
    let done = admin.follow_progress(&progress).await;
    let (status, done) = admin.finish(done).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(
        done.contains(r#"id="import-result""#) && done.contains("新規 3件、更新 0件"),
        "{done}"
    );
    assert_eq!(employee_count(&services, &notice, &company).await, 3);
    assert_eq!(admin.get(&progress).await.0, StatusCode::NOT_FOUND);
}

/// Applies, straight in the store, a 変更届 of employee `number` moving them to `address`.
async fn applied_move(store: &Arc<dyn Store>, company: &Company, number: &str, address: &str) {
    let tenant = company.tenant_id;
    let employee = store
        .find_employee_by_number(tenant, company.id, &EmployeeNumber::parse(number).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut change = nencho_tenancy::MasterChange::of(&employee);
    change.address = address.into();
    let now = nencho_kernel::SystemClock.now();
    let request = nencho_tenancy::ChangeRequest {
        id: nencho_kernel::ChangeRequestId::generate(&nencho_kernel::SystemClock),
        tenant_id: tenant,
        company_id: company.id,
        employee_id: employee.id,
        requested_at: now,
        requested_by: employee.user_id.unwrap(),
        change: change.clone(),
        status: nencho_tenancy::ChangeStatus::Pending,
        decided_at: None,
        decided_by_name: None,
        comment: String::new(),
    };
    store.insert_change_request(&request).await.unwrap();
    let decision = nencho_ports::ChangeDecision {
        status: nencho_tenancy::ChangeStatus::Applied,
        at: now,
        by: employee.user_id.unwrap(),
        by_name: "管理 者 (admin)".into(),
        comment: String::new(),
    };
    store
        .decide_change_request(
            tenant,
            request.id,
            &decision,
            Some(&change.apply_to(&employee, now)),
        )
        .await
        .unwrap();
}

async fn an_old_file_keeps_an_applied_change_request_unless_told_to_overwrite(
    store: Arc<dyn Store>,
) {
    let (_services, notice, company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let base = format!("/admin/companies/{}/import", company.id);
    let file = cp932(&employees_csv(false));
    let apply = async |admin: &mut Browser<_>, overwrite: bool| {
        admin.get(&base).await;
        let (status, preview) = admin.upload(&base, file.clone(), None).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        let token = hidden(&preview, "token");
        let encoding = hidden(&preview, "encoding");
        let mut fields = vec![("token", token.as_str()), ("encoding", encoding.as_str())];
        if overwrite {
            fields.push(("applied_changes", "overwrite"));
        }
        let (status, done) = admin.confirm(&format!("{base}/confirm"), &fields).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        (preview, done)
    };
    let (first, _) = apply(&mut admin, false).await;
    assert!(!first.contains("reverted-changes"), "{first}");
    let moved = "大阪府大阪市中央区本町1-1";
    applied_move(&store, &company, "E0003", moved).await;
    let address = async || {
        store
            .find_employee_by_number(
                company.tenant_id,
                company.id,
                &EmployeeNumber::parse("E0003").unwrap(),
            )
            .await
            .unwrap()
            .unwrap()
            .address
    };

    let (preview, done) = apply(&mut admin, false).await;
    assert!(preview.contains(r#"id="reverted-changes""#), "{preview}");
    assert!(
        preview.contains(&format!("住所: {moved} → 大阪府大阪市北区梅田1-1")),
        "{preview}"
    );
    assert!(
        preview.contains(r#"name="applied_changes" value="overwrite""#),
        "{preview}"
    );
    assert!(
        done.contains("変更届で反映した内容は1人ともそのまま残しました。"),
        "{done}"
    );
    assert_eq!(address().await, moved);

    let (_, done) = apply(&mut admin, true).await;
    assert!(
        done.contains("変更届で反映した内容を1人分ファイルの値で上書きしました。"),
        "{done}"
    );
    assert_eq!(address().await, "大阪府大阪市北区梅田1-1");
}
