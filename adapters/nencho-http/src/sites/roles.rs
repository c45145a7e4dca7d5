//! Per-company roles of one user (承認者・担当者・参照者), given and revoked by ADMIN and
//! administrators, and the user's tenant role (管理者 ⇄ 一般ユーザー) (ID-4).

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::users::{assign_company_role, revoke_company_role, set_tenant_role, user_roles};
use nencho_identity::{CompanyRole, Role};
use nencho_kernel::{CompanyId, UserId};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::{Site, see_other};
use super::i18n::Words;
use super::layout::Layout;
use super::render::{page, plain_not_found, rejected_form};
use crate::HttpServices;

struct RoleRow {
    company_id: String,
    company: String,
    role: &'static str,
    departments: String,
}

#[derive(Template)]
#[template(path = "site/user_roles.html")]
struct RolesPage {
    layout: Layout,
    user_id: String,
    user_name: String,
    login_id: String,
    manages_all: bool,
    /// The user's tenant role, in words.
    tenant_role: &'static str,
    is_administrator: bool,
    /// False for the ADMIN and for oneself: those tenant roles cannot be changed.
    tenant_role_changeable: bool,
    rows: Vec<RoleRow>,
    companies: Vec<(String, String)>,
    error: Option<String>,
}

fn role_name(t: &Words, role: CompanyRole) -> &'static str {
    match role {
        CompanyRole::Approver => t.role_approver,
        CompanyRole::Clerk => t.role_clerk,
        CompanyRole::Viewer => t.role_viewer,
    }
}

async fn roles_page(
    site: &Site<'_>,
    user_id: UserId,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let t = site.lang.words();
    match user_roles(&site.services.app, &current, user_id).await {
        Ok(roles) => {
            let name_of = |id: CompanyId| {
                roles
                    .companies
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.name.as_str().to_owned())
                    .unwrap_or_default()
            };
            let rows = roles
                .assignments
                .iter()
                .map(|assignment| RoleRow {
                    company_id: assignment.company_id.to_string(),
                    company: name_of(assignment.company_id),
                    role: role_name(t, assignment.role),
                    departments: if assignment.departments.is_empty() {
                        t.roles_all_departments.to_owned()
                    } else {
                        assignment.departments.join("、")
                    },
                })
                .collect();
            page(
                &RolesPage {
                    layout: site.layout().with_user(&current),
                    user_id: roles.user.id.to_string(),
                    user_name: roles.user.display_name.as_str().to_owned(),
                    login_id: roles.user.login_id.to_string(),
                    manages_all: roles.user.role.manages_users(),
                    tenant_role: match roles.user.role {
                        Role::Admin => t.role_admin,
                        Role::Administrator => t.role_administrator,
                        Role::General => t.role_general,
                    },
                    is_administrator: roles.user.role == Role::Administrator,
                    tenant_role_changeable: roles.user.role != Role::Admin
                        && roles.user.id != current.user.id,
                    rows,
                    companies: roles
                        .companies
                        .iter()
                        .map(|c| (c.id.to_string(), c.name.as_str().to_owned()))
                        .collect(),
                    error,
                },
                status,
            )
        }
        Err(error) => failure(site, &error).await,
    }
}

#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let Ok(user_id) = id.parse::<UserId>() else {
        return plain_not_found();
    };
    roles_page(&site, user_id, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    company_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    departments: String,
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn assign(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let (Ok(user_id), Ok(company_id), Some(role)) = (
        id.parse::<UserId>(),
        form.company_id.parse::<CompanyId>(),
        CompanyRole::from_code(&form.role),
    ) else {
        return roles_page(
            &site,
            id.parse().unwrap_or(current.user.id),
            Some(site.lang.words().bad_form.into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let departments = form
        .departments
        .split(['、', ',', '，'])
        .map(str::to_owned)
        .collect();
    match assign_company_role(
        &services.app,
        &current,
        user_id,
        company_id,
        role,
        departments,
    )
    .await
    {
        Ok(()) => see_other(&format!("/admin/users/{user_id}/roles")),
        Err(AppError::Invalid { .. }) => {
            roles_page(
                &site,
                user_id,
                Some(site.lang.words().bad_form.into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

#[handler]
pub async fn revoke(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, company)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let (Ok(user_id), Ok(company_id)) = (id.parse::<UserId>(), company.parse::<CompanyId>()) else {
        return plain_not_found();
    };
    match revoke_company_role(&services.app, &current, user_id, company_id).await {
        Ok(()) => see_other(&format!("/admin/users/{user_id}/roles")),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct TenantRoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    csrf_token: String,
}

/// Makes the user an administrator (管理者) or a general user again.
#[handler]
pub async fn set_tenant(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<TenantRoleForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(user_id) = id.parse::<UserId>() else {
        return plain_not_found();
    };
    let role = match form.role.as_str() {
        "administrator" => Role::Administrator,
        "general" => Role::General,
        _ => {
            return roles_page(
                &site,
                user_id,
                Some(site.lang.words().bad_form.into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match set_tenant_role(&services.app, &current, user_id, role).await {
        Ok(_) => see_other(&format!("/admin/users/{user_id}/roles")),
        Err(AppError::Invalid { .. }) => {
            roles_page(
                &site,
                user_id,
                Some(site.lang.words().tenant_role_fixed.into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => failure(&site, &error).await,
    }
}
