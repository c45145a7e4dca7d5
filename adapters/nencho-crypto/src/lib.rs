//! Cryptography behind three ports: [`Pbkdf2Hasher`] (`PasswordHasher`: PBKDF2-HMAC-SHA256 in PHC
//! strings, run on blocking threads with bounded concurrency), [`AesGcmSealer`] (`SecretSealer`)
//! and [`OsRandom`] (`RandomSource`: the operating system's CSPRNG through `rand`).

mod sealing;

pub use sealing::AesGcmSealer;

use std::sync::Arc;

use async_trait::async_trait;
use nencho_identity::{PasswordHash, PasswordHashPolicy};
use nencho_ports::{HashError, PasswordHasher, RandomSource};
use pbkdf2::password_hash::phc;
use pbkdf2::password_hash::{CustomizedPasswordHasher, PasswordVerifier};
use pbkdf2::{Algorithm, Params, Pbkdf2};
use tokio::sync::Semaphore;

/// Random bytes from the OS-seeded thread generator (ChaCha12, reseeded from `getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&self, bytes: &mut [u8]) {
        rand::fill(bytes);
    }
}

/// PBKDF2 hashing with the identity policy's parameters. Each hash costs ~0.3 s of one core, so
/// hashing runs on tokio's blocking threads, at most `concurrency` at a time: a burst of logins
/// queues instead of starving the async workers.
pub struct Pbkdf2Hasher {
    policy: PasswordHashPolicy,
    permits: Arc<Semaphore>,
    random: Arc<dyn RandomSource>,
}

impl Pbkdf2Hasher {
    pub fn new(
        policy: PasswordHashPolicy,
        concurrency: usize,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            policy,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            random,
        }
    }

    /// The current policy, as many hashes at once as the machine has cores.
    pub fn with_current_policy() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(PasswordHashPolicy::CURRENT, cores, Arc::new(OsRandom))
    }

    fn params(&self) -> Result<Params, HashError> {
        Params::new_with_output_len(self.policy.iterations, self.policy.output_bytes)
            .map_err(|error| HashError::Failed(error.to_string()))
    }

    async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| HashError::Failed(error.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| HashError::Failed(error.to_string()))?
    }
}

fn hash_with(password: &[u8], salt: &[u8], params: Params) -> Result<PasswordHash, HashError> {
    let hash = Pbkdf2::new(Algorithm::Pbkdf2Sha256, params)
        .hash_password_customized(password, salt, None, None, params)
        .map_err(|error| HashError::Failed(error.to_string()))?;
    Ok(PasswordHash::from_phc(hash.to_string()))
}

#[async_trait]
impl PasswordHasher for Pbkdf2Hasher {
    async fn hash(&self, password: &str) -> Result<PasswordHash, HashError> {
        let params = self.params()?;
        let mut salt = vec![0u8; self.policy.salt_bytes];
        self.random.fill(&mut salt);
        let password = password.as_bytes().to_vec();
        self.run_blocking(move || hash_with(&password, &salt, params))
            .await
    }

    async fn verify(&self, password: &str, hash: &PasswordHash) -> Result<bool, HashError> {
        let Ok(parsed) = phc::PasswordHash::new(hash.as_phc()) else {
            return Ok(false);
        };
        let password = password.as_bytes().to_vec();
        self.run_blocking(move || Ok(Pbkdf2::SHA256.verify_password(&password, &parsed).is_ok()))
            .await
    }

    async fn verify_nothing(&self, password: &str) -> Result<(), HashError> {
        let params = self.params()?;
        let salt = vec![0u8; self.policy.salt_bytes];
        let password = password.as_bytes().to_vec();
        self.run_blocking(move || hash_with(&password, &salt, params).map(|_| ()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast_hasher() -> Pbkdf2Hasher {
        // Fewer iterations keep the unit tests quick; the policy constant itself is tested below.
        let policy = PasswordHashPolicy {
            iterations: 1_000,
            ..PasswordHashPolicy::CURRENT
        };
        Pbkdf2Hasher::new(policy, 2, Arc::new(OsRandom))
    }

    #[tokio::test]
    async fn hashes_verify_and_carry_their_parameters() {
        let hasher = fast_hasher();
        let hash = hasher.hash("kumo-no-ue-de-odoru-pengin").await.unwrap();
        assert!(
            hash.as_phc().starts_with("$pbkdf2-sha256$i=1000,l=32$"),
            "{}",
            hash.as_phc()
        );
        assert_eq!(hash.iterations(), Some(1_000));
        assert!(
            hasher
                .verify("kumo-no-ue-de-odoru-pengin", &hash)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("kumo-no-ue-de-odoru-pengiN", &hash)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("anything", &PasswordHash::from_phc("not a phc string"))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn salts_are_random_and_16_bytes() {
        let hasher = fast_hasher();
        let first = hasher.hash("same password here").await.unwrap();
        let second = hasher.hash("same password here").await.unwrap();
        assert_ne!(first, second);
        let salt = first.as_phc().split('$').nth(3).unwrap();
        // 16 bytes in unpadded base64 are 22 characters.
        assert_eq!(salt.len(), 22);
    }

    #[tokio::test]
    async fn an_old_weaker_hash_still_verifies() {
        let weak = Pbkdf2Hasher::new(
            PasswordHashPolicy {
                iterations: 1_000,
                ..PasswordHashPolicy::CURRENT
            },
            1,
            Arc::new(OsRandom),
        );
        let old = weak.hash("an old password of mine").await.unwrap();
        let current = Pbkdf2Hasher::new(
            PasswordHashPolicy {
                iterations: 2_000,
                ..PasswordHashPolicy::CURRENT
            },
            1,
            Arc::new(OsRandom),
        );
        assert!(
            current
                .verify("an old password of mine", &old)
                .await
                .unwrap(),
            "parameters travel with the hash"
        );
        assert!(
            PasswordHashPolicy {
                iterations: 2_000,
                ..PasswordHashPolicy::CURRENT
            }
            .needs_rehash(&old)
        );
    }

    /// The commonly published PBKDF2-HMAC-SHA256 vector (RFC 6070's inputs with SHA-256:
    /// P="password", S="salt", c=1, dkLen=32 → 120fb6cf…e17b), so the primitive is the standard one.
    #[test]
    fn matches_the_published_pbkdf2_sha256_vector() {
        let params = Params::new_with_output_len(1_000, 32).unwrap();
        let ours = hash_with(b"password", b"saltsaltsaltsalt", params).unwrap();
        let parsed = phc::PasswordHash::new(ours.as_phc()).unwrap();
        assert!(Pbkdf2::SHA256.verify_password(b"password", &parsed).is_ok());
        let mut direct = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha256>(b"password", b"salt", 1, &mut direct);
        assert_eq!(
            direct,
            [
                0x12, 0x0f, 0xb6, 0xcf, 0xfc, 0xf8, 0xb3, 0x2c, 0x43, 0xe7, 0x22, 0x52, 0x56, 0xc4,
                0xf8, 0x37, 0xa8, 0x65, 0x48, 0xc9, 0x2c, 0xcc, 0x35, 0x48, 0x08, 0x05, 0x98, 0x7c,
                0xb7, 0x0b, 0xe1, 0x7b
            ]
        );
    }

    #[test]
    fn the_policy_is_pbkdf2_sha256_600000_16_byte_salt() {
        let policy = PasswordHashPolicy::CURRENT;
        assert_eq!(
            (policy.algorithm, policy.iterations, policy.salt_bytes),
            ("pbkdf2-sha256", 600_000, 16)
        );
    }
}
