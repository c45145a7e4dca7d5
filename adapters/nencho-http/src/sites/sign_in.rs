use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::sign_in::{LoginRequest, login, logout as end_session};
use nencho_identity::SessionStage;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::context::{Site, safe_return_path, see_other};
use super::i18n::Lang;
use super::layout::Layout;
use super::render::{page, rejected_form};
use crate::HttpServices;

#[derive(Template)]
#[template(path = "site/login.html")]
struct LoginPage {
    layout: Layout,
    login_id: String,
    failed: bool,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[handler]
pub async fn login_form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if site.current_user().await.is_some() {
        return see_other("/");
    }
    let t = site.lang.words();
    let mut layout = site.layout();
    layout.notice = match query.notice.as_deref() {
        Some("logged_out") => Some(t.logged_out.into()),
        Some("session_ended") => Some(t.session_ended.into()),
        Some("reset_done") => Some(t.reset_done.into()),
        Some("invitation_done") => Some(t.invitation_done.into()),
        _ => None,
    };
    page(
        &LoginPage {
            layout,
            login_id: String::new(),
            failed: false,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn login_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let outcome = login(
        &services.app,
        LoginRequest {
            tenant: &site.tenant,
            login_id: &form.login_id,
            password: &form.password,
            ip_address: site.client_ip(),
            user_agent: site.user_agent(),
        },
    )
    .await;
    match outcome {
        Ok(logged_in) => {
            site.set_session(&logged_in.token);
            see_other(match logged_in.stage {
                SessionStage::SecondFactorPending => super::second_factor::CODE_PAGE,
                _ if logged_in.must_change_password => "/password/initial",
                SessionStage::EnrolmentRequired => super::second_factor::SETTINGS_PAGE,
                SessionStage::Complete => "/",
            })
        }
        Err(AppError::InvalidCredentials) => page(
            &LoginPage {
                layout: site.layout(),
                login_id: form.login_id.chars().take(100).collect(),
                failed: true,
            },
            StatusCode::UNAUTHORIZED,
        ),
        Err(error) => super::account::failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn logout(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    if let Some(current) = site.session_user().await
        && let Err(error) = end_session(&services.app, &current).await
    {
        return super::account::failure(&site, &error).await;
    }
    site.clear_session();
    see_other("/login?notice=logged_out")
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `/lang/en?next=/account/logins`: remembers the language and goes back.
#[handler]
pub async fn switch_language(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if let Some(lang) = Lang::from_code(&code) {
        site.set_lang(lang);
    }
    see_other(safe_return_path(query.next.as_deref().unwrap_or("/")))
}
