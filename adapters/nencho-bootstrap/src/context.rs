//! The application context every app builds the same way from its settings.

use std::sync::Arc;

use nencho_app::AppContext;
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_identity::LoginThrottlePolicy;
use nencho_kernel::SystemClock;
use nencho_ports::Store;

use crate::Settings;

/// The real clock, OS randomness, PBKDF2 with the current policy and the settings' policies.
pub fn app_context(settings: &Settings, store: Arc<dyn Store>) -> AppContext {
    AppContext {
        store,
        hasher: Arc::new(Pbkdf2Hasher::with_current_policy()),
        random: Arc::new(OsRandom),
        clock: Arc::new(SystemClock),
        site: settings.site.clone(),
        password_policy: settings.password_policy,
        session_policy: settings.session_policy,
        throttle: LoginThrottlePolicy::default(),
    }
}
