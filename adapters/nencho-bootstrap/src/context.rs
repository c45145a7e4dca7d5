//! The application context every app builds the same way from its settings.

use std::sync::Arc;

use nencho_app::AppContext;
use nencho_crypto::{AesGcmSealer, OsRandom, Pbkdf2Hasher};
use nencho_identity::LoginThrottlePolicy;
use nencho_kernel::SystemClock;
use nencho_ports::Store;

use crate::Settings;
use crate::secret::DeploymentSecrets;

/// The real clock, OS randomness, PBKDF2 with the current policy, the settings' policies, and
/// sealing with the deployment secret (configured, or the data directory's `secret.key`) and,
/// during a rotation, opening with the previous one.
pub fn app_context(
    settings: &Settings,
    store: Arc<dyn Store>,
) -> Result<AppContext, crate::secret::SecretError> {
    let secrets = crate::secret::load_with_previous(settings, &OsRandom)?;
    Ok(app_context_with(settings, store, &secrets))
}

/// [`app_context`] with the secrets already loaded (the web server also signs CSRF tokens with
/// the current one).
pub fn app_context_with(
    settings: &Settings,
    store: Arc<dyn Store>,
    secrets: &DeploymentSecrets,
) -> AppContext {
    let mut sealer = AesGcmSealer::from_deployment_secret(&secrets.current);
    if let Some(previous) = &secrets.previous {
        sealer = sealer.with_previous_secret(previous);
    }
    AppContext {
        store,
        hasher: Arc::new(Pbkdf2Hasher::with_current_policy()),
        random: Arc::new(OsRandom),
        clock: Arc::new(SystemClock),
        site: settings.site.clone(),
        password_policy: settings.password_policy,
        session_policy: settings.session_policy,
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(sealer),
    }
}
