use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::account::{confirm_email_change, login_history, request_email_change};
use nencho_app::filings::review_digest::{review_digest_setting, set_review_digest};
use nencho_app::sign_in::CurrentUser;
use nencho_kernel::format_japan_datetime;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::context::Site;
use super::i18n::login_outcome;
use super::layout::Layout;
use super::render::{message, page, rejected_form};
use crate::HttpServices;

/// Any failure a page cannot explain to the user: logged with its cause, shown without it.
pub async fn failure(site: &Site<'_>, error: &AppError) -> Response {
    let t = site.lang.words();
    // The signed-in header (menu, log out) stays on error pages.
    let layout = match site.current_user().await {
        Some(current) => site.layout().with_user(&current),
        None => site.layout(),
    };
    let status = match error {
        AppError::Forbidden => {
            return message(
                layout,
                StatusCode::FORBIDDEN,
                t.error_title,
                t.forbidden,
                "/",
                t.back_home,
            );
        }
        AppError::NotFound => StatusCode::NOT_FOUND,
        // The rules' own reason, in Japanese, is what the user needs to read.
        AppError::Refused(reason) => {
            return message(
                layout,
                StatusCode::CONFLICT,
                t.error_title,
                reason,
                "/",
                t.back_home,
            );
        }
        AppError::Incomplete(_) | AppError::WrongCode | AppError::WrongCurrentPassword => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Invalid { .. } | AppError::Conflict(_) | AppError::ImportRows(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => {
            tracing::error!(%error, "request failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    message(
        layout,
        status,
        t.error_title,
        t.error_body,
        "/",
        t.back_home,
    )
}

#[derive(Template)]
#[template(path = "site/home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    manages_users: bool,
    /// Holds a role that sees declarations (ADMIN, administrators, company roles).
    reviews_filings: bool,
}

async fn reviews_filings(services: &HttpServices, current: &CurrentUser) -> bool {
    match nencho_app::authorization::grants_of(&services.app, current).await {
        Ok(grants) => !matches!(
            grants.scope(nencho_identity::Permission::ViewFilings),
            nencho_identity::Scope::Nothing
        ),
        Err(error) => {
            tracing::error!(%error, "role lookup failed");
            false
        }
    }
}

#[derive(Deserialize)]
pub struct HomeQuery {
    notice: Option<String>,
}

#[handler]
pub async fn home(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<HomeQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let mut layout = site.layout().with_user(&current);
    if query.notice.as_deref() == Some("password_changed") {
        layout = layout.with_notice(site.lang.words().password_changed);
    }
    page(
        &HomePage {
            layout,
            name: current.user.display_name.as_str().to_owned(),
            manages_users: current.user.role.manages_users(),
            reviews_filings: reviews_filings(&services, &current).await,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "site/email.html")]
struct EmailPage {
    layout: Layout,
    current: Option<String>,
    entered: String,
    error: Option<String>,
    /// 提出状況のお知らせ: `None` for a user who reviews nothing, else whether they receive it.
    digest: Option<bool>,
    digest_error: Option<&'static str>,
}

/// What the address page shows besides the form: the address and, for reviewers, the digest.
async fn email_page(
    site: &Site<'_>,
    services: &HttpServices,
    current: &CurrentUser,
    layout: Layout,
    (entered, error): (String, Option<String>),
    digest_error: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let digest = match review_digest_setting(&services.app, current).await {
        Ok(digest) => digest,
        Err(error) => return failure(site, &error).await,
    };
    page(
        &EmailPage {
            layout,
            current: current.user.email.as_ref().map(ToString::to_string),
            entered,
            error,
            digest,
            digest_error,
        },
        status,
    )
}

#[handler]
pub async fn email_form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<HomeQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let mut layout = site.layout().with_user(&current);
    if query.notice.as_deref() == Some("digest_saved") {
        layout = layout.with_notice(site.lang.words().digest_saved);
    }
    email_page(
        &site,
        &services,
        &current,
        layout,
        (String::new(), None),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct DigestForm {
    /// `on` or `off` (two radio buttons: a missing choice is an error, not "off").
    #[serde(default)]
    receive: String,
    #[serde(default)]
    csrf_token: String,
}

/// 提出状況のお知らせ on or off (`POST /account/notifications`): reviewers only.
#[handler]
pub async fn digest_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<DigestForm>,
) -> Response {
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    match review_digest_setting(&services.app, &current).await {
        Ok(Some(_)) => {}
        Ok(None) => return failure(&site, &AppError::Forbidden).await,
        Err(error) => return failure(&site, &error).await,
    }
    let receive = match form.receive.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return email_page(
                &site,
                &services,
                &current,
                site.layout().with_user(&current),
                (String::new(), None),
                Some(site.lang.words().digest_choose),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match set_review_digest(&services.app, &current, receive).await {
        Ok(()) => super::context::see_other("/account/email?notice=digest_saved"),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn email_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<EmailForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let t = site.lang.words();
    match request_email_change(&services.app, &current, &form.email).await {
        Ok(_) => message(
            site.layout().with_user(&current),
            StatusCode::OK,
            t.email_title,
            t.email_sent,
            "/",
            t.back_home,
        ),
        Err(AppError::Invalid { field: "email", .. }) => {
            email_page(
                &site,
                &services,
                &current,
                site.layout().with_user(&current),
                (
                    form.email.chars().take(254).collect(),
                    Some(t.email_invalid.into()),
                ),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[handler]
pub async fn email_confirm(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(token): Path<String>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let t = site.lang.words();
    match confirm_email_change(&services.app, &site.tenant, &token).await {
        Ok(_) => message(
            site.layout(),
            StatusCode::OK,
            t.email_title,
            t.email_confirmed,
            "/",
            t.back_home,
        ),
        Err(AppError::InvalidLink) => message(
            site.layout(),
            StatusCode::GONE,
            t.email_title,
            t.invalid_link,
            "/account/email",
            t.email_title,
        ),
        Err(error) => failure(&site, &error).await,
    }
}

struct AttemptRow {
    time: String,
    outcome: &'static str,
    ip: String,
    browser: String,
}

#[derive(Template)]
#[template(path = "site/logins.html")]
struct LoginsPage {
    layout: Layout,
    rows: Vec<AttemptRow>,
}

/// LOG-3: the user's own login history, from the user menu.
#[handler]
pub async fn logins(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<HomeQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let mut layout = site.layout().with_user(&current);
    if query.notice.as_deref() == Some("others_ended") {
        layout = layout.with_notice(site.lang.words().logins_others_ended);
    }
    match login_history(&services.app, &current, 200).await {
        Ok(attempts) => {
            let rows = attempts
                .into_iter()
                .map(|attempt| AttemptRow {
                    time: format_japan_datetime(attempt.at),
                    outcome: login_outcome(site.lang, attempt.outcome),
                    ip: attempt.ip_address,
                    browser: attempt.user_agent,
                })
                .collect();
            page(&LoginsPage { layout, rows }, StatusCode::OK)
        }
        Err(error) => failure(&site, &error).await,
    }
}

/// 「他の端末からログアウト」 (`POST /account/logins/end-others`): every other session of one's own
/// ID ends.
#[handler]
pub async fn end_others(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    match nencho_app::account::end_other_sessions(&services.app, &current).await {
        Ok(()) => super::context::see_other("/account/logins?notice=others_ended"),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}
