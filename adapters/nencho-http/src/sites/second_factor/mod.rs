//! 2段階認証 pages: the code step of a login, the user's own settings (set up with a QR code,
//! recovery codes shown once, new codes, turn off), and the administrators' reset and staff rule
//! on the users list.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::second_factor::{
    Enrolment, disable, enable, enrolment_for, new_enrolment, replace_recovery_codes, status,
    verify_login,
};
use nencho_app::sign_in::CurrentUser;
use nencho_identity::{RecoveryCode, SessionStage, TotpSecret};
use nencho_kernel::format_japan_datetime;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::{Site, see_other};
use super::layout::Layout;
use super::render::{page, plain_not_found, rejected_form};
use crate::HttpServices;

mod admin;
mod words;

pub use admin::{reset_submit, staff_rule_submit};
pub use words::{SecondFactorWords, words};

pub const CODE_PAGE: &str = "/login/two-factor";
pub const SETTINGS_PAGE: &str = "/account/two-factor";

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
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
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
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
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
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
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
