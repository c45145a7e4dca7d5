//! The administrators' side of 2段階認証 on the users list: a user's reset and the contract's rule
//! for staff.

use std::sync::Arc;

use nencho_app::AppError;
use nencho_app::second_factor::{reset_for_user, set_staff_requirement, staff_requirement};
use nencho_kernel::UserId;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::super::account::failure;
use super::super::context::{Site, see_other};
use super::super::render::plain_not_found;
use crate::HttpServices;

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
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
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
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
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
