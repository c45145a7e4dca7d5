use async_trait::async_trait;
use nencho_identity::PasswordHash;

/// Hashing is slow on purpose; implementations run it off the async threads with bounded
/// concurrency.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Failed(String),
}

#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes with the current policy.
    async fn hash(&self, password: &str) -> Result<PasswordHash, HashError>;
    /// True when `password` matches. A malformed stored hash is simply no match.
    async fn verify(&self, password: &str, hash: &PasswordHash) -> Result<bool, HashError>;
    /// Spends the same time as a real verification, for IDs that do not exist, so that timing
    /// does not reveal which IDs do.
    async fn verify_nothing(&self, password: &str) -> Result<(), HashError>;
}

/// Cryptographically secure random bytes (the OS generator).
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait RandomSource: Send + Sync {
    fn fill(&self, bytes: &mut [u8]);
}

/// Why a sealed secret does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Sealed by a deployment whose secret key differs (`NENCHO_SECRET_KEY`, or the data
    /// directory's `secret.key`): every server of a deployment must use the same one.
    #[error(
        "the secret was sealed with another secret key (fingerprint {0}): every server must use \
         the same secret_key (NENCHO_SECRET_KEY or DATA_DIR/secret.key)"
    )]
    OtherKey(String),
    /// Not a sealed secret, altered, or copied from another row.
    #[error("the sealed secret is damaged or belongs to another row")]
    Damaged,
}

/// Authenticated encryption of small secrets that must be read back, with a key of the
/// deployment. `bound_to` names the row the secret belongs to (tenant and user): a sealed value
/// copied to another row does not open.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait SecretSealer: Send + Sync {
    fn seal(&self, plain: &[u8], bound_to: &[u8]) -> nencho_identity::SealedSecret;
    fn open(
        &self,
        sealed: &nencho_identity::SealedSecret,
        bound_to: &[u8],
    ) -> Result<Vec<u8>, SealError>;
    /// Names the key without revealing it (hex), for the store's record of the deployment's key.
    fn key_fingerprint(&self) -> String;
    /// The key being replaced, during a rotation: it still opens, it no longer seals.
    fn previous_key_fingerprint(&self) -> Option<String>;
    /// Whether `sealed` is sealed with the current key (not with the previous one, nor a key in
    /// clear, nor damaged).
    fn is_sealed_with_current_key(&self, sealed: &nencho_identity::SealedSecret) -> bool;
}
