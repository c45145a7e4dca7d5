use std::sync::Arc;

use askama::Template;
use nencho_app::password::issue_initial_password;
use nencho_app::second_factor::{staff_requirement, users_with_second_factor};
use nencho_app::sign_in::CurrentUser;
use nencho_app::users::{list_users, set_user_enabled};
use nencho_identity::{Role, UserStatus};
use nencho_kernel::UserId;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::{Site, see_other};
use super::layout::Layout;
use super::login_notices::{LoginNoticeCard, LoginNotices};
use super::render::{page, rejected_form};
use crate::HttpServices;

struct UserRow {
    id: String,
    login_id: String,
    name: String,
    role: &'static str,
    status: &'static str,
    active: bool,
    is_self: bool,
    second_factor: bool,
}

#[derive(Template)]
#[template(path = "site/users.html")]
struct UsersPage {
    layout: Layout,
    rows: Vec<UserRow>,
    issued: Option<(String, String)>,
    /// ログインのご案内 for the initial password just issued.
    notices: LoginNotices,
    w2: &'static super::second_factor::SecondFactorWords,
    staff_rule: bool,
    /// Enabled IDs with 2段階認証 on, and all enabled IDs.
    adoption: (usize, usize),
}

async fn users_page(
    site: &Site<'_>,
    current: &CurrentUser,
    issued: Option<LoginNoticeCard>,
    notice: Option<&str>,
) -> Response {
    let t = site.lang.words();
    let app = &site.services.app;
    let listed = async {
        Ok::<_, nencho_app::AppError>((
            list_users(app, current).await?,
            users_with_second_factor(app, current).await?,
            staff_requirement(app, current).await?,
        ))
    };
    match listed.await {
        Ok((listed, with_second_factor, staff_rule)) => {
            let rows = listed
                .into_iter()
                .map(|user| UserRow {
                    id: user.id.to_string(),
                    login_id: user.login_id.to_string(),
                    name: user.display_name.as_str().to_owned(),
                    role: match user.role {
                        Role::Admin => t.role_admin,
                        Role::Administrator => t.role_administrator,
                        Role::General => t.role_general,
                    },
                    status: if user.status == UserStatus::Active {
                        t.status_active
                    } else {
                        t.status_disabled
                    },
                    active: user.status == UserStatus::Active,
                    is_self: user.id == current.user.id,
                    second_factor: with_second_factor.contains(&user.id),
                })
                .collect::<Vec<UserRow>>();
            let active: Vec<&UserRow> = rows.iter().filter(|row| row.active).collect();
            let adoption = (
                active.iter().filter(|row| row.second_factor).count(),
                active.len(),
            );
            let mut layout = site.layout().with_user(current);
            if let Some(notice) = notice {
                layout = layout.with_notice(notice);
            }
            page(
                &UsersPage {
                    layout,
                    rows,
                    issued: issued
                        .as_ref()
                        .map(|card| (card.login_id.clone(), card.password.clone())),
                    notices: match issued {
                        Some(card) => LoginNotices::of(site, None, vec![card]),
                        None => LoginNotices::none(),
                    },
                    w2: super::second_factor::words(site.lang),
                    staff_rule,
                    adoption,
                },
                StatusCode::OK,
            )
        }
        Err(error) => failure(site, &error).await,
    }
}

/// ID-3, ID-5: administrators list IDs, disable and enable them, issue initial passwords.
#[derive(Deserialize)]
pub struct UsersQuery {
    notice: Option<String>,
}

#[handler]
pub async fn users(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<UsersQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return super::render::plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let notice = match query.notice.as_deref() {
        Some("second_factor_reset") => {
            Some(super::second_factor::words(site.lang).users_reset_done)
        }
        _ => None,
    };
    users_page(&site, &current, None, notice).await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn user_action(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
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
    let Ok(target) = id.parse::<UserId>() else {
        return super::render::plain_not_found();
    };
    let outcome = match action.as_str() {
        "disable" => set_user_enabled(&services.app, &current, target, false)
            .await
            .map(|_| None),
        "enable" => set_user_enabled(&services.app, &current, target, true)
            .await
            .map(|_| None),
        "initial-password" => issue_initial_password(&services.app, &current, target)
            .await
            .map(|(user, password)| {
                Some(LoginNoticeCard {
                    name: user.display_name.as_str().to_owned(),
                    login_id: user.login_id.to_string(),
                    password: password.expose().to_owned(),
                })
            }),
        _ => return super::render::plain_not_found(),
    };
    match outcome {
        Ok(None) => see_other("/admin/users"),
        Ok(Some(issued)) => users_page(&site, &current, Some(issued), None).await,
        Err(error) => failure(&site, &error).await,
    }
}
