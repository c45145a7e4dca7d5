//! The per-request view of a tenant site: which tenant, which language, the CSRF cookie, the
//! session cookie and the logged-in user.

use std::sync::Arc;
use std::time::Duration;

use nencho_app::sign_in::{CurrentUser, authenticate};
use nencho_identity::{SecretToken, SessionStage};
use nencho_tenancy::Tenant;
use poem::web::Redirect;
use poem::web::cookie::{Cookie, SameSite};
use poem::{IntoResponse, Request, Response};

use super::csrf;
use super::i18n::Lang;
use super::layout::Layout;
use crate::HttpServices;

/// Cookie names get the `__Host-` prefix over HTTPS: the browser then refuses them from any other
/// host or path, or without `Secure`.
fn cookie_name(secure: bool, base: &str) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub const SESSION_COOKIE: &str = "nencho_session";

pub struct Site<'a> {
    pub services: &'a Arc<HttpServices>,
    pub request: &'a Request,
    pub tenant: Tenant,
    pub lang: Lang,
    csrf_cookie: String,
    secure: bool,
}

impl<'a> Site<'a> {
    /// `None` when the request did not come through the tenant dispatch (no tenant attached).
    pub fn of(request: &'a Request, services: &'a Arc<HttpServices>) -> Option<Self> {
        let tenant = request.extensions().get::<Tenant>()?.clone();
        let secure = services.app.site.is_secure();
        let jar = request.cookie();
        let lang = jar
            .get(Lang::COOKIE)
            .and_then(|cookie| Lang::from_code(cookie.value_str()))
            .unwrap_or(Lang::Ja);
        let csrf_name = cookie_name(secure, csrf::COOKIE);
        let csrf_cookie = match jar.get(&csrf_name) {
            Some(cookie) if !cookie.value_str().is_empty() => cookie.value_str().to_owned(),
            _ => {
                let value = services.app_token();
                jar.add(base_cookie(&csrf_name, &value, secure, None));
                value
            }
        };
        Some(Self {
            services,
            request,
            tenant,
            lang,
            csrf_cookie,
            secure,
        })
    }

    pub fn layout(&self) -> Layout {
        Layout {
            lang: self.lang,
            t: self.lang.words(),
            csrf: self.services.csrf_key.token_for(&self.csrf_cookie),
            user: None,
            notice: None,
            path: self.request.uri().path().to_owned(),
            tenant_name: self.tenant.name.as_str().to_owned(),
            contract_end: super::layout::contract_end_banner(self.lang, &self.tenant),
            maintenance: crate::pages::maintenance::banners(self.services, self.lang == Lang::Ja),
            regular_window: super::layout::regular_window_line(self.lang),
            support: super::layout::support_line(
                self.lang,
                self.services.support_email.as_ref(),
                &self.tenant,
            ),
        }
    }

    pub fn csrf_ok(&self, token: &str) -> bool {
        self.services.csrf_key.verify(&self.csrf_cookie, token)
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.request
            .cookie()
            .get(&cookie_name(self.secure, SESSION_COOKIE))
            .map(|cookie| cookie.value_str().to_owned())
    }

    /// A new session id at every login (no session fixation).
    pub fn set_session(&self, token: &SecretToken) {
        let lifetime = self.services.app.session_policy.absolute_lifetime;
        let max_age = Duration::from_secs(u64::try_from(lifetime.whole_seconds()).unwrap_or(0));
        self.request.cookie().add(base_cookie(
            &cookie_name(self.secure, SESSION_COOKIE),
            token.expose(),
            self.secure,
            Some(max_age),
        ));
    }

    pub fn clear_session(&self) {
        let mut cookie = base_cookie(
            &cookie_name(self.secure, SESSION_COOKIE),
            "",
            self.secure,
            None,
        );
        cookie.make_removal();
        self.request.cookie().add(cookie);
    }

    pub fn set_lang(&self, lang: Lang) {
        let mut cookie = base_cookie(
            Lang::COOKIE,
            lang.code(),
            self.secure,
            Some(Duration::from_secs(365 * 24 * 3600)),
        );
        cookie.set_http_only(false);
        self.request.cookie().add(cookie);
    }

    /// The user of a session whose login is complete; a session still waiting for its second
    /// factor (or for the set-up the contract requires) is nobody here.
    pub async fn current_user(&self) -> Option<CurrentUser> {
        self.session_user()
            .await
            .filter(|current| current.stage == SessionStage::Complete)
    }

    /// The user behind the session cookie, whatever stage the login reached: only for the pages
    /// that complete a login (the code, the set-up) and for logout.
    pub async fn session_user(&self) -> Option<CurrentUser> {
        // Every site page asks for its user before it builds its (synchronous) layout, even the
        // login form: the one await where the maintenance notices are refreshed when their
        // 60-second cache is stale.
        crate::pages::maintenance::refresh(self.services).await;
        let cookie = self.session_cookie()?;
        match authenticate(&self.services.app, &self.tenant, &cookie).await {
            // The access log (LOG-1) records the session as its user, never as its token.
            Ok(user) => user.inspect(|current| {
                crate::access_log::note_user(self.request, current.user.id);
            }),
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                None
            }
        }
    }

    /// The logged-in user, or the response to send instead: the login page for no session, the
    /// code page while the second factor is due, the forced password change while the password
    /// is an initial one (ID-6), the 2段階認証 set-up the contract requires.
    pub async fn require_user(&self) -> Result<CurrentUser, Response> {
        let Some(current) = self.session_user().await else {
            let notice = if self.session_cookie().is_some() {
                "?notice=session_ended"
            } else {
                ""
            };
            if self.session_cookie().is_some() {
                self.clear_session();
            }
            return Err(see_other(&format!("/login{notice}")));
        };
        let path = self.request.uri().path();
        if current.stage == SessionStage::SecondFactorPending {
            return Err(see_other(super::second_factor::CODE_PAGE));
        }
        if current.must_change_password() && path != "/password/initial" {
            return Err(see_other("/password/initial"));
        }
        if current.stage == SessionStage::EnrolmentRequired
            && !current.must_change_password()
            && !path.starts_with(super::second_factor::SETTINGS_PAGE)
        {
            return Err(see_other(super::second_factor::SETTINGS_PAGE));
        }
        Ok(current)
    }

    /// The site and its logged-in user for a page handler, or the response to send instead
    /// (a plain 404 off a tenant host, the login page, the forced password change).
    pub async fn enter(
        request: &'a Request,
        services: &'a Arc<HttpServices>,
    ) -> Result<(Self, CurrentUser), Response> {
        let Some(site) = Self::of(request, services) else {
            return Err(super::render::plain_not_found());
        };
        let current = site.require_user().await?;
        Ok((site, current))
    }

    /// [`Self::enter`] for a form post: the CSRF token is checked first (a wrong one is a 403
    /// that changes nothing), then the user.
    pub async fn enter_form(
        request: &'a Request,
        services: &'a Arc<HttpServices>,
        csrf_token: &str,
    ) -> Result<(Self, CurrentUser), Response> {
        let Some(site) = Self::of(request, services) else {
            return Err(super::render::plain_not_found());
        };
        if !site.csrf_ok(csrf_token) {
            return Err(super::render::rejected_form(site.layout()));
        }
        let current = site.require_user().await?;
        Ok((site, current))
    }

    /// The client as resolved behind any trusted proxies.
    pub fn client_ip(&self) -> String {
        crate::client_ip::ClientAddress::of(self.request).text()
    }

    pub fn user_agent(&self) -> String {
        self.request
            .header("user-agent")
            .unwrap_or_default()
            .chars()
            .take(512)
            .collect()
    }
}

fn base_cookie(name: &str, value: &str, secure: bool, max_age: Option<Duration>) -> Cookie {
    let mut cookie = Cookie::new_with_str(name, value);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(secure);
    if let Some(max_age) = max_age {
        cookie.set_max_age(max_age);
    }
    cookie
}

/// 303: after a POST the browser fetches the target with GET.
pub fn see_other(location: &str) -> Response {
    Redirect::see_other(location).into_response()
}

/// A same-site path to return to, never an absolute or protocol-relative URL (no open redirect).
pub fn safe_return_path(path: &str) -> &str {
    if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') {
        path
    } else {
        "/"
    }
}
