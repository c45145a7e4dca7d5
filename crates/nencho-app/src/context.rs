use std::sync::Arc;

use nencho_identity::{LoginThrottlePolicy, PasswordPolicy, SecretToken, SessionPolicy};
use nencho_kernel::Clock;
use nencho_ports::{PasswordHasher, RandomSource, SecretSealer, Store};
use nencho_tenancy::SiteAddress;

/// Everything the identity use cases need, built once by the app at start.
pub struct AppContext {
    pub store: Arc<dyn Store>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub random: Arc<dyn RandomSource>,
    pub clock: Arc<dyn Clock>,
    pub site: SiteAddress,
    pub password_policy: PasswordPolicy,
    pub session_policy: SessionPolicy,
    pub throttle: LoginThrottlePolicy,
    /// Seals the secrets kept for reading back (authenticator keys) with the deployment's key.
    pub sealer: Arc<dyn SecretSealer>,
}

impl AppContext {
    pub(crate) fn new_token(&self) -> SecretToken {
        let mut bytes = [0u8; SecretToken::RANDOM_BYTES];
        self.random.fill(&mut bytes);
        SecretToken::from_random_bytes(bytes)
    }
}
