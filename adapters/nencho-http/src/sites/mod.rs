//! Tenant sites (`{slug}.{base domain}`): sign-in, password and account pages, user management.
//! A request is dispatched here when its `Host` names an open contract; any other `{x}.{base
//! domain}` host gets a plain 404 that reveals nothing.

mod account;
mod admin;
mod audit_log;
mod change_requests;
mod companies;
mod context;
pub mod csrf;
mod csv_download;
mod employees;
mod export;
mod filings;
mod i18n;
mod import;
mod layout;
mod login_notices;
mod passwords;
mod render;
mod roles;
mod scripts;
mod second_factor;
mod sign_in;
mod site_access;
mod upload;

pub use site_access::AllowListGate;

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response, Route, get, post};

use crate::HttpServices;

/// The routes of a tenant site (the shared routes — health, API — are added by the caller).
pub fn routes() -> Route {
    filings::routes(Route::new())
        .at("/", get(account::home))
        .at(
            "/login",
            get(sign_in::login_form).post(limited(sign_in::login_submit)),
        )
        .at("/logout", post(sign_in::logout))
        .at("/lang/:code", get(sign_in::switch_language))
        .at(
            "/password/initial",
            get(passwords::initial_form).post(passwords::initial_submit),
        )
        .at(
            "/account/password",
            get(passwords::change_form).post(passwords::change_submit),
        )
        .at(
            "/password/forgot",
            get(passwords::forgot_form).post(limited(passwords::forgot_submit)),
        )
        .at(
            "/password/reset/:token",
            get(passwords::reset_form).post(passwords::reset_submit),
        )
        .at(
            "/invitation/:token",
            get(passwords::invitation_form).post(passwords::invitation_submit),
        )
        .at(
            "/account/email",
            get(account::email_form).post(account::email_submit),
        )
        .at("/account/notifications", post(account::digest_submit))
        .at("/email/confirm/:token", get(account::email_confirm))
        .at("/account/logins", get(account::logins))
        .at("/account/logins/end-others", post(account::end_others))
        .at(
            second_factor::CODE_PAGE,
            get(second_factor::code_form).post(limited(second_factor::code_submit)),
        )
        .at(second_factor::SETTINGS_PAGE, get(second_factor::settings))
        .at(
            "/account/two-factor/enable",
            post(second_factor::enable_submit),
        )
        .at(
            "/account/two-factor/disable",
            post(second_factor::disable_submit),
        )
        .at(
            "/account/two-factor/recovery-codes",
            post(second_factor::recovery_codes_submit),
        )
        .at(
            "/profile",
            get(change_requests::profile_form).post(change_requests::send_change),
        )
        .at(
            "/admin/companies/:id/change-requests",
            get(change_requests::pending_list),
        )
        .at(
            "/admin/change-requests/:id",
            post(change_requests::decide_submit),
        )
        .at("/admin/companies", get(companies::list))
        .at(
            "/admin/companies/new",
            get(companies::new_form).post(companies::create),
        )
        .at(
            "/admin/companies/:id",
            get(companies::edit_form).post(companies::update),
        )
        .at("/admin/companies/:id/employees", get(employees::list))
        .at(
            "/admin/companies/:id/import",
            get(import::form).post(import::upload),
        )
        .at("/admin/companies/:id/import/confirm", post(import::confirm))
        .at(
            "/admin/companies/:id/import/progress/:import",
            get(import::progress_page),
        )
        .at(
            "/admin/companies/:id/import/template",
            get(import::template),
        )
        .at("/admin/export", get(export::form))
        .at("/admin/export/download", get(export::download))
        .at(
            "/admin/site-access",
            get(site_access::form).post(site_access::save),
        )
        .at("/admin/users", get(admin::users))
        .at("/static/:name", get(scripts::script))
        .at("/admin/audit-log", get(audit_log::show))
        .at("/admin/audit-log.csv", get(audit_log::download))
        .at(
            "/admin/users/:id/roles",
            get(roles::show).post(roles::assign),
        )
        .at("/admin/users/:id/tenant-role", post(roles::set_tenant))
        .at(
            "/admin/users/second-factor-rule",
            post(second_factor::staff_rule_submit),
        )
        .at(
            "/admin/users/:id/two-factor/reset",
            post(second_factor::reset_submit),
        )
        .at(
            "/admin/users/:id/roles/:company/revoke",
            post(roles::revoke),
        )
        .at("/admin/users/:id/:action", post(admin::user_action))
}

/// The sign-in forms go through the per-client limit before anything else.
fn limited<E: Endpoint + 'static>(form: E) -> impl Endpoint<Output = Response> {
    crate::rate_limit::rate_limited::<E, crate::rate_limit::SignInRateLimiter>(
        form,
        render::too_many_attempts,
    )
}

/// Sends tenant hosts to `site` (with the tenant attached to the request) and everything else to
/// `platform`.
pub struct HostDispatch<S, P> {
    pub site: S,
    pub platform: P,
    pub services: Arc<HttpServices>,
}

impl<S: Endpoint, P: Endpoint> Endpoint for HostDispatch<S, P> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let host = request
            .header("host")
            .map(str::to_owned)
            .or_else(|| request.uri().host().map(str::to_owned))
            .unwrap_or_default();
        if self.services.app.site.slug_of_host(&host).is_none() {
            return self
                .platform
                .call(request)
                .await
                .map(IntoResponse::into_response);
        }
        match nencho_app::tenancy::resolve_tenant(&self.services.app, &host).await {
            Ok(Some(tenant)) => {
                request.extensions_mut().insert(tenant);
                self.site
                    .call(request)
                    .await
                    .map(IntoResponse::into_response)
            }
            Ok(None) => Ok(render::plain_not_found()),
            Err(error) => {
                tracing::error!(%error, "tenant lookup failed");
                Ok(StatusCode::SERVICE_UNAVAILABLE.into_response())
            }
        }
    }
}
