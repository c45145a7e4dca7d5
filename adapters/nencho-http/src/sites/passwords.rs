use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::password::{
    ChangePasswordRequest, accept_invitation, change_password, check_invitation, check_reset_link,
    request_password_reset, reset_password,
};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::context::{Site, see_other};
use super::i18n::{Words, password_rejection};
use super::layout::Layout;
use super::render::{message, page, rejected_form};
use crate::HttpServices;

#[derive(Template)]
#[template(path = "site/password.html")]
struct PasswordPage {
    layout: Layout,
    title: String,
    lead: Option<String>,
    action: String,
    ask_current: bool,
    login_id: String,
    minimum_length: usize,
    hint: String,
    form_error: Option<String>,
    current_error: Option<String>,
    new_error: Option<String>,
    confirmation_error: Option<String>,
}

#[derive(Clone, Copy)]
enum PasswordFormKind {
    Initial,
    Change,
    Reset,
    Invitation,
}

fn password_page(
    site: &Site<'_>,
    layout: Layout,
    kind: PasswordFormKind,
    action: &str,
    login_id: &str,
) -> PasswordPage {
    let t: &Words = site.lang.words();
    let minimum_length = site.services.app.password_policy.minimum_length;
    let (title, lead, ask_current) = match kind {
        PasswordFormKind::Initial => (t.initial_title, Some(t.initial_lead.to_owned()), false),
        PasswordFormKind::Change => (t.change_title, None, true),
        PasswordFormKind::Reset => (t.reset_title, None, false),
        PasswordFormKind::Invitation => (
            t.invitation_title,
            Some(t.invitation_lead.to_owned()),
            false,
        ),
    };
    PasswordPage {
        layout,
        title: title.into(),
        lead,
        action: action.into(),
        ask_current,
        login_id: login_id.into(),
        minimum_length,
        hint: t.password_hint.replace("15", &minimum_length.to_string()),
        form_error: None,
        current_error: None,
        new_error: None,
        confirmation_error: None,
    }
}

/// Shows the form again with the error tied to its field (422), or the failure page.
async fn with_error(site: &Site<'_>, mut form: PasswordPage, error: &AppError) -> Response {
    let t = site.lang.words();
    match error {
        AppError::WrongCurrentPassword => {
            form.current_error = Some(t.wrong_current_password.into())
        }
        AppError::PasswordRejected(rejection) => {
            form.new_error = Some(password_rejection(site.lang, rejection))
        }
        AppError::PasswordsDiffer => form.confirmation_error = Some(t.passwords_differ.into()),
        AppError::Invalid {
            field: "new_password",
            ..
        } => form.new_error = Some(t.same_password.into()),
        AppError::InvalidLink => {
            return message(
                site.layout(),
                StatusCode::GONE,
                t.reset_title,
                t.invalid_link,
                "/password/forgot",
                t.forgot_title,
            );
        }
        other => return super::account::failure(site, other).await,
    }
    form.form_error = Some(t.bad_form.into());
    page(&form, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: Option<String>,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn initial_form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    if !current.must_change_password() {
        return see_other("/");
    }
    let login_id = current.user.login_id.to_string();
    page(
        &password_page(
            &site,
            site.layout().with_user(&current),
            PasswordFormKind::Initial,
            "/password/initial",
            &login_id,
        ),
        StatusCode::OK,
    )
}

#[handler]
pub async fn initial_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<PasswordForm>,
) -> Response {
    submit_change(request, &services, form, PasswordFormKind::Initial).await
}

#[handler]
pub async fn change_form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let login_id = current.user.login_id.to_string();
    page(
        &password_page(
            &site,
            site.layout().with_user(&current),
            PasswordFormKind::Change,
            "/account/password",
            &login_id,
        ),
        StatusCode::OK,
    )
}

#[handler]
pub async fn change_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<PasswordForm>,
) -> Response {
    submit_change(request, &services, form, PasswordFormKind::Change).await
}

async fn submit_change(
    request: &Request,
    services: &Arc<HttpServices>,
    form: PasswordForm,
    kind: PasswordFormKind,
) -> Response {
    let Some(site) = Site::of(request, services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let forced = current.must_change_password();
    let current_password = if forced {
        None
    } else {
        Some(form.current_password.as_deref().unwrap_or_default())
    };
    let outcome = change_password(
        &services.app,
        &current,
        ChangePasswordRequest {
            current_password,
            new_password: &form.new_password,
            confirmation: &form.confirmation,
        },
    )
    .await;
    let action = match kind {
        PasswordFormKind::Initial => "/password/initial",
        _ => "/account/password",
    };
    match outcome {
        // Post/redirect/get: a reload never resubmits the form; home says what happened.
        Ok(()) => see_other("/?notice=password_changed"),
        Err(error) => {
            let login_id = current.user.login_id.to_string();
            let form_kind = if forced {
                PasswordFormKind::Initial
            } else {
                kind
            };
            with_error(
                &site,
                password_page(
                    &site,
                    site.layout().with_user(&current),
                    form_kind,
                    action,
                    &login_id,
                ),
                &error,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "site/forgot.html")]
struct ForgotPage {
    layout: Layout,
    requested: bool,
}

#[handler]
pub async fn forgot_form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    page(
        &ForgotPage {
            layout: site.layout(),
            requested: false,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    login_id: String,
    #[serde(default)]
    csrf_token: String,
}

/// The answer is the same whether or not the ID exists or has an address (ID-8).
#[handler]
pub async fn forgot_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<ForgotForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    if let Err(error) = request_password_reset(&services.app, &site.tenant, &form.login_id).await {
        return super::account::failure(&site, &error).await;
    }
    page(
        &ForgotPage {
            layout: site.layout(),
            requested: true,
        },
        StatusCode::OK,
    )
}

#[handler]
pub async fn reset_form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(token): Path<String>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let form = password_page(
        &site,
        site.layout(),
        PasswordFormKind::Reset,
        &format!("/password/reset/{token}"),
        "",
    );
    match check_reset_link(&services.app, &site.tenant, &token).await {
        Ok(_) => page(&form, StatusCode::OK),
        Err(error) => with_error(&site, form, &error).await,
    }
}

#[handler]
pub async fn reset_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    match reset_password(
        &services.app,
        &site.tenant,
        &token,
        &form.new_password,
        &form.confirmation,
    )
    .await
    {
        Ok(()) => {
            site.clear_session();
            see_other("/login?notice=reset_done")
        }
        Err(error) => {
            let page_form = password_page(
                &site,
                site.layout(),
                PasswordFormKind::Reset,
                &format!("/password/reset/{token}"),
                "",
            );
            with_error(&site, page_form, &error).await
        }
    }
}

/// The invitation link mailed to an imported employee: the form to set the first password.
#[handler]
pub async fn invitation_form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(token): Path<String>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    match check_invitation(&services.app, &site.tenant, &token).await {
        Ok((_, user)) => page(
            &password_page(
                &site,
                site.layout(),
                PasswordFormKind::Invitation,
                &format!("/invitation/{token}"),
                user.login_id.as_str(),
            ),
            StatusCode::OK,
        ),
        Err(error) => {
            with_error(
                &site,
                password_page(
                    &site,
                    site.layout(),
                    PasswordFormKind::Invitation,
                    &format!("/invitation/{token}"),
                    "",
                ),
                &error,
            )
            .await
        }
    }
}

#[handler]
pub async fn invitation_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    match accept_invitation(
        &services.app,
        &site.tenant,
        &token,
        &form.new_password,
        &form.confirmation,
    )
    .await
    {
        Ok(()) => {
            site.clear_session();
            see_other("/login?notice=invitation_done")
        }
        Err(error) => {
            let login_id = match check_invitation(&services.app, &site.tenant, &token).await {
                Ok((_, user)) => user.login_id.to_string(),
                Err(_) => String::new(),
            };
            let page_form = password_page(
                &site,
                site.layout(),
                PasswordFormKind::Invitation,
                &format!("/invitation/{token}"),
                &login_id,
            );
            with_error(&site, page_form, &error).await
        }
    }
}
