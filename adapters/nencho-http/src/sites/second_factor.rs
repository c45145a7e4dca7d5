//! 2段階認証 pages: the code step of a login, the user's own settings (set up with a QR code,
//! recovery codes shown once, new codes, turn off), and the administrators' reset and staff rule
//! on the users list.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::second_factor::{
    Enrolment, disable, enable, enrolment_for, new_enrolment, replace_recovery_codes,
    reset_for_user, set_staff_requirement, staff_requirement, status, verify_login,
};
use nencho_app::sign_in::CurrentUser;
use nencho_identity::{RecoveryCode, SessionStage, TotpSecret};
use nencho_kernel::{UserId, format_japan_datetime};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::{Site, see_other};
use super::i18n::Lang;
use super::layout::Layout;
use super::render::{page, plain_not_found, rejected_form};
use crate::HttpServices;

pub const CODE_PAGE: &str = "/login/two-factor";
pub const SETTINGS_PAGE: &str = "/account/two-factor";

pub struct SecondFactorWords {
    pub title: &'static str,
    code_title: &'static str,
    code_lead: &'static str,
    code_label: &'static str,
    code_hint: &'static str,
    code_wrong: &'static str,
    verify: &'static str,
    cancel: &'static str,
    on: &'static str,
    off: &'static str,
    enabled_since: &'static str,
    codes_left: &'static str,
    required: &'static str,
    required_now: &'static str,
    setup_title: &'static str,
    setup_step1: &'static str,
    setup_step2: &'static str,
    setup_step3: &'static str,
    key_label: &'static str,
    open_in_app: &'static str,
    password_label: &'static str,
    password_wrong: &'static str,
    enable: &'static str,
    codes_title: &'static str,
    codes_lead: &'static str,
    codes_done: &'static str,
    new_codes_title: &'static str,
    new_codes_lead: &'static str,
    new_codes: &'static str,
    disable_title: &'static str,
    disable_lead: &'static str,
    disable_code_label: &'static str,
    disable: &'static str,
    disabled: &'static str,
    pub users_column: &'static str,
    pub users_reset: &'static str,
    pub users_reset_done: &'static str,
    pub staff_rule_title: &'static str,
    pub staff_rule_lead: &'static str,
    pub staff_rule_on: &'static str,
    pub staff_rule_off: &'static str,
    pub staff_rule_enable: &'static str,
    pub staff_rule_disable: &'static str,
    pub adoption: &'static str,
}

const JA: SecondFactorWords = SecondFactorWords {
    title: "2段階認証",
    code_title: "確認コードの入力",
    code_lead: "スマートフォンの認証アプリ(Google Authenticator、Microsoft Authenticator など)に表示されている6桁の確認コードを入力してください。",
    code_label: "確認コード",
    code_hint: "スマートフォンを紛失したときは、確認コードの代わりにリカバリーコード(XXXX-XXXX-XXXX)を入力できます。",
    code_wrong: "確認コードが正しくありません。最新のコードを入力してください(同じコードは2回使えません)。",
    verify: "確認する",
    cancel: "ログインをやめる",
    on: "2段階認証は有効です。",
    off: "2段階認証は設定されていません。",
    enabled_since: "設定日時",
    codes_left: "未使用のリカバリーコード",
    required: "この契約では、管理者・担当者などの2段階認証が必須です。",
    required_now: "この契約では、管理者・担当者などの2段階認証が必須です。設定が終わるまで他の画面は使えません。",
    setup_title: "2段階認証を設定する",
    setup_step1: "1. スマートフォンに認証アプリ(Google Authenticator、Microsoft Authenticator、IIJ SmartKey など)を入れます。",
    setup_step2: "2. アプリでこのQRコードを読み取ります。読み取れないときは、下のキーを手入力してください。",
    setup_step3: "3. アプリに表示された6桁のコードと、現在のパスワードを入力して設定します。",
    key_label: "キー(手入力用)",
    open_in_app: "このスマートフォンの認証アプリで開く",
    password_label: "現在のパスワード",
    password_wrong: "パスワードが正しくありません。",
    enable: "設定する",
    codes_title: "リカバリーコード",
    codes_lead: "スマートフォンを紛失したときに、確認コードの代わりに使えるコードです。各コードは1回だけ使えます。この画面を閉じると二度と表示されません。印刷するか、安全な場所に保管してください。",
    codes_done: "保管しました",
    new_codes_title: "リカバリーコードの再発行",
    new_codes_lead: "新しいリカバリーコードを発行します。これまでのコードは使えなくなります。",
    new_codes: "再発行する",
    disable_title: "2段階認証を解除する",
    disable_lead: "解除すると、パスワードだけでログインできるようになります。",
    disable_code_label: "確認コードまたはリカバリーコード",
    disable: "解除する",
    disabled: "2段階認証を解除しました。",
    users_column: "2段階認証",
    users_reset: "2段階認証をリセット",
    users_reset_done: "2段階認証をリセットしました。本人のログインはすべて終了しました。",
    staff_rule_title: "管理者・担当者の2段階認証",
    staff_rule_lead: "必須にすると、ADMIN・管理者と、会社ごとの権限(承認者・担当者・参照者)を持つIDは、次回のログイン時に2段階認証を設定するまで他の画面を使えません。一般ユーザーは任意です。",
    staff_rule_on: "現在: 必須",
    staff_rule_off: "現在: 任意",
    staff_rule_enable: "必須にする",
    staff_rule_disable: "任意に戻す",
    adoption: "2段階認証を設定済みの有効なID",
};

const EN: SecondFactorWords = SecondFactorWords {
    title: "Two-step verification",
    code_title: "Enter your verification code",
    code_lead: "Enter the 6-digit code shown in the authenticator app on your phone (Google Authenticator, Microsoft Authenticator, …).",
    code_label: "Verification code",
    code_hint: "If your phone is lost, enter a recovery code (XXXX-XXXX-XXXX) instead.",
    code_wrong: "The code is not correct. Enter the latest code (a code works only once).",
    verify: "Verify",
    cancel: "Cancel login",
    on: "Two-step verification is on.",
    off: "Two-step verification is not set up.",
    enabled_since: "Set up at",
    codes_left: "Unused recovery codes",
    required: "This contract requires two-step verification of administrators and staff.",
    required_now: "This contract requires two-step verification of administrators and staff. Set it up to continue.",
    setup_title: "Set up two-step verification",
    setup_step1: "1. Install an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, …).",
    setup_step2: "2. Scan this QR code with the app, or type the key below.",
    setup_step3: "3. Enter the 6-digit code the app shows and your current password.",
    key_label: "Key (to type in)",
    open_in_app: "Open in this phone's authenticator app",
    password_label: "Current password",
    password_wrong: "The password is not correct.",
    enable: "Turn on",
    codes_title: "Recovery codes",
    codes_lead: "Use one of these instead of the app's code if your phone is lost. Each works once. They are shown only now: print them or keep them somewhere safe.",
    codes_done: "I have kept them",
    new_codes_title: "New recovery codes",
    new_codes_lead: "Issue new recovery codes; the earlier ones stop working.",
    new_codes: "Issue new codes",
    disable_title: "Turn off two-step verification",
    disable_lead: "Logging in will then need only the password.",
    disable_code_label: "Verification code or recovery code",
    disable: "Turn off",
    disabled: "Two-step verification was turned off.",
    users_column: "2-step",
    users_reset: "Reset two-step verification",
    users_reset_done: "Two-step verification was reset and the user's sessions ended.",
    staff_rule_title: "Two-step verification for staff",
    staff_rule_lead: "When required, ADMIN, administrators and every ID with a company role (approver, clerk, viewer) must set it up at their next login before any other page. General users may choose.",
    staff_rule_on: "Now: required",
    staff_rule_off: "Now: optional",
    staff_rule_enable: "Require",
    staff_rule_disable: "Make optional",
    adoption: "Enabled IDs with two-step verification",
};

pub fn words(lang: Lang) -> &'static SecondFactorWords {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The key's QR code as inline SVG (black modules on white, quiet zone included). Built from the
/// URI by the `qrcode` crate, never from user text, so it is safe to embed unescaped.
fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build();
            // The XML prolog has no place inside HTML.
            svg.find("<svg")
                .map_or(svg.clone(), |start| svg[start..].to_owned())
        }
        Err(error) => {
            tracing::error!(%error, "QR code failed");
            String::new()
        }
    }
}

#[derive(Template)]
#[template(path = "site/two_factor_code.html")]
struct CodePage {
    layout: Layout,
    w: &'static SecondFactorWords,
    wrong: bool,
}

/// The second step of a login: only for a session waiting for its code.
#[handler]
pub async fn code_form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    match site.session_user().await {
        Some(current) if current.stage == SessionStage::SecondFactorPending => {
            code_page(&site, false)
        }
        Some(_) => see_other("/"),
        None => see_other("/login?notice=session_ended"),
    }
}

fn code_page(site: &Site<'_>, wrong: bool) -> Response {
    page(
        &CodePage {
            layout: site.layout(),
            w: words(site.lang),
            wrong,
        },
        if wrong {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        },
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
}

#[handler]
pub async fn code_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.session_user().await {
        Some(current) if current.stage == SessionStage::SecondFactorPending => current,
        Some(_) => return see_other("/"),
        None => return see_other("/login?notice=session_ended"),
    };
    let code: String = form.code.chars().take(64).collect();
    match verify_login(
        &services.app,
        &current,
        &code,
        site.client_ip(),
        site.user_agent(),
    )
    .await
    {
        Ok(token) => {
            site.set_session(&token);
            see_other(if current.must_change_password() {
                "/password/initial"
            } else {
                "/"
            })
        }
        Err(AppError::WrongCode) => code_page(&site, true),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Template)]
#[template(path = "site/two_factor.html")]
struct SettingsPage {
    layout: Layout,
    w: &'static SecondFactorWords,
    enabled_at: Option<String>,
    codes_left: u32,
    required: bool,
    /// Only while it is off: the key to set up.
    setup: Option<Setup>,
    password_error: bool,
    code_error: bool,
    disable_error: Option<&'static str>,
}

struct Setup {
    key: String,
    /// The key in groups of four, for typing.
    key_grouped: String,
    uri: String,
    qr: String,
}

impl Setup {
    fn of(enrolment: &Enrolment) -> Self {
        let key = enrolment.secret.to_base32();
        let key_grouped = key
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            key,
            key_grouped,
            uri: enrolment.uri.clone(),
            qr: qr_svg(&enrolment.uri),
        }
    }
}

#[derive(Default)]
struct SettingsErrors {
    password: bool,
    code: bool,
    disable: Option<&'static str>,
}

async fn settings_page(
    site: &Site<'_>,
    current: &CurrentUser,
    enrolment: Option<Enrolment>,
    errors: SettingsErrors,
    notice: Option<&'static str>,
) -> Response {
    let w = words(site.lang);
    let state = match status(&site.services.app, current).await {
        Ok(state) => state,
        Err(error) => return failure(site, &error).await,
    };
    let setup = match (state.enabled_at, enrolment) {
        (Some(_), _) => None,
        (None, Some(enrolment)) => Some(Setup::of(&enrolment)),
        (None, None) => Some(Setup::of(&new_enrolment(&site.services.app, current))),
    };
    let failed = errors.password || errors.code || errors.disable.is_some();
    let mut layout = site.layout().with_user(current);
    if current.stage == SessionStage::EnrolmentRequired {
        layout = layout.with_notice(w.required_now);
    } else if let Some(notice) = notice {
        layout = layout.with_notice(notice);
    }
    page(
        &SettingsPage {
            layout,
            w,
            enabled_at: state.enabled_at.map(format_japan_datetime),
            codes_left: state.recovery_codes_left,
            required: state.required,
            setup,
            password_error: errors.password,
            code_error: errors.code,
            disable_error: errors.disable,
        },
        if failed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
    )
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    notice: Option<String>,
}

#[handler]
pub async fn settings(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<SettingsQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let w = words(site.lang);
    let notice = match query.notice.as_deref() {
        Some("disabled") => Some(w.disabled),
        _ => None,
    };
    settings_page(&site, &current, None, SettingsErrors::default(), notice).await
}

#[derive(Template)]
#[template(path = "site/recovery_codes.html")]
struct CodesPage {
    layout: Layout,
    w: &'static SecondFactorWords,
    codes: Vec<String>,
}

fn codes_page(site: &Site<'_>, current: &CurrentUser, codes: &[RecoveryCode]) -> Response {
    // The session is complete now, whatever it was when the form was sent.
    let mut shown = current.clone();
    shown.stage = SessionStage::Complete;
    let layout = site.layout().with_user(&shown);
    page(
        &CodesPage {
            layout,
            w: words(site.lang),
            codes: codes.iter().map(RecoveryCode::display).collect(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct EnableForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

#[handler]
pub async fn enable_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<EnableForm>,
) -> Response {
    let (site, current) = match entered_with_csrf(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some(secret) = TotpSecret::from_base32(&form.secret) else {
        return settings_page(&site, &current, None, SettingsErrors::default(), None).await;
    };
    let enrolment = enrolment_for(&current, secret);
    match enable(
        &services.app,
        &current,
        &form.secret,
        &form.code,
        &form.password,
    )
    .await
    {
        Ok(enabled) => {
            if let Some(token) = &enabled.new_session {
                site.set_session(token);
            }
            codes_page(&site, &current, &enabled.recovery_codes)
        }
        Err(AppError::WrongCurrentPassword) => {
            let errors = SettingsErrors {
                password: true,
                ..SettingsErrors::default()
            };
            settings_page(&site, &current, Some(enrolment), errors, None).await
        }
        Err(AppError::WrongCode) => {
            let errors = SettingsErrors {
                code: true,
                ..SettingsErrors::default()
            };
            settings_page(&site, &current, Some(enrolment), errors, None).await
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct PasswordCodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

#[handler]
pub async fn disable_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<PasswordCodeForm>,
) -> Response {
    let (site, current) = match entered_with_csrf(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let w = words(site.lang);
    match disable(&services.app, &current, &form.password, &form.code).await {
        Ok(()) => see_other(&format!("{SETTINGS_PAGE}?notice=disabled")),
        Err(AppError::WrongCurrentPassword) => {
            let errors = SettingsErrors {
                disable: Some(w.password_wrong),
                ..SettingsErrors::default()
            };
            settings_page(&site, &current, None, errors, None).await
        }
        Err(AppError::WrongCode) => {
            let errors = SettingsErrors {
                disable: Some(w.code_wrong),
                ..SettingsErrors::default()
            };
            settings_page(&site, &current, None, errors, None).await
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[handler]
pub async fn recovery_codes_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<PasswordCodeForm>,
) -> Response {
    let (site, current) = match entered_with_csrf(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    match replace_recovery_codes(&services.app, &current, &form.password).await {
        Ok(codes) => codes_page(&site, &current, &codes),
        Err(AppError::WrongCurrentPassword) => {
            let errors = SettingsErrors {
                password: true,
                ..SettingsErrors::default()
            };
            settings_page(&site, &current, None, errors, None).await
        }
        Err(error) => failure(&site, &error).await,
    }
}

/// The site and its user for a form post, after its CSRF token.
async fn entered_with_csrf<'a>(
    request: &'a Request,
    services: &'a Arc<HttpServices>,
    csrf_token: &str,
) -> Result<(Site<'a>, CurrentUser), Response> {
    let Some(site) = Site::of(request, services) else {
        return Err(plain_not_found());
    };
    if !site.csrf_ok(csrf_token) {
        return Err(rejected_form(site.layout()));
    }
    let current = site.require_user().await?;
    Ok((site, current))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

/// An administrator removes a user's 2段階認証 (`POST /admin/users/{id}/two-factor/reset`).
#[handler]
pub async fn reset_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let (site, current) = match entered_with_csrf(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(target) = id.parse::<UserId>() else {
        return plain_not_found();
    };
    match reset_for_user(&services.app, &current, target).await {
        Ok(_) => see_other("/admin/users?notice=second_factor_reset"),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct StaffRuleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    required: String,
}

/// The contract's staff rule (`POST /admin/users/second-factor-rule`).
#[handler]
pub async fn staff_rule_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<StaffRuleForm>,
) -> Response {
    let (site, current) = match entered_with_csrf(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let outcome = match form.required.as_str() {
        "true" => set_staff_requirement(&services.app, &current, true).await,
        "false" => set_staff_requirement(&services.app, &current, false).await,
        // Who may not change the rule hears that first.
        _ => staff_requirement(&services.app, &current)
            .await
            .and(Err(AppError::Invalid {
                field: "required",
                message: "true or false".into(),
            })),
    };
    match outcome {
        Ok(()) => see_other("/admin/users"),
        Err(error) => failure(&site, &error).await,
    }
}
