use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::sign_in::{CurrentUser, LoginRequest, login};
use nencho_app::tenancy::{ActivationNotice, OpenTenantRequest, open_tenant};
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_identity::{LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy};
use nencho_kernel::FixedClock;
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::SiteAddress;
use time::macros::datetime;

pub struct World {
    pub context: AppContext,
    pub clock: Arc<FixedClock>,
    pub store: SqliteStore,
    _directory: tempfile::TempDir,
}

pub async fn world() -> World {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    let clock = Arc::new(FixedClock::at(datetime!(2026-11-25 00:00 UTC)));
    let fast = PasswordHashPolicy {
        iterations: 1_000,
        ..PasswordHashPolicy::CURRENT
    };
    let context = AppContext {
        store: Arc::new(store.clone()),
        hasher: Arc::new(Pbkdf2Hasher::new(fast, 2, Arc::new(OsRandom))),
        random: Arc::new(OsRandom),
        clock: clock.clone(),
        site: SiteAddress {
            scheme: "http".into(),
            base_domain: "localhost".into(),
            port: Some(8080),
        },
        password_policy: PasswordPolicy::default(),
        session_policy: SessionPolicy::default(),
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
            &[7; 32],
        )),
    };
    World {
        context,
        clock,
        store,
        _directory: directory,
    }
}

pub async fn acme(world: &World) -> ActivationNotice {
    open_tenant(
        &world.context,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap()
}

pub fn request<'a>(
    notice: &'a ActivationNotice,
    login_id: &'a str,
    password: &'a str,
) -> LoginRequest<'a> {
    LoginRequest {
        tenant: &notice.tenant,
        login_id,
        password,
        ip_address: "203.0.113.9".into(),
        user_agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)".into(),
    }
}

/// Logs in and returns the session's user, as the web adapter would after reading the cookie.
pub async fn logged_in(
    world: &World,
    notice: &ActivationNotice,
    login_id: &str,
    password: &str,
) -> (String, CurrentUser) {
    let session = login(&world.context, request(notice, login_id, password))
        .await
        .unwrap();
    let cookie = session.token.expose().to_owned();
    let current = nencho_app::sign_in::authenticate(&world.context, &notice.tenant, &cookie)
        .await
        .unwrap()
        .unwrap();
    (cookie, current)
}

/// The link in the newest queued mail to `to`.
pub async fn link_mailed_to(
    world: &World,
    notice: &ActivationNotice,
    to: &str,
    path: &str,
) -> String {
    use nencho_ports::OutboxStore;
    let mail = world.store.list_mail(notice.tenant.id, 20).await.unwrap();
    let message = mail
        .iter()
        .find(|m| m.to.as_str() == to)
        .unwrap_or_else(|| panic!("no mail to {to}: {mail:?}"));
    let start = message
        .body
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in {}", message.body));
    let token: String = message.body[start + path.len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 32, "a 128-bit token in the link");
    token
}
