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
