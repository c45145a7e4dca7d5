/// A password hash in PHC string format (`$pbkdf2-sha256$i=600000,l=32$salt$hash`): the
/// parameters travel with the hash, so they can be raised without breaking old hashes.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_phc(phc: impl Into<String>) -> Self {
        Self(phc.into())
    }

    pub fn as_phc(&self) -> &str {
        &self.0
    }

    /// The PHC algorithm identifier (`pbkdf2-sha256`).
    pub fn algorithm(&self) -> Option<&str> {
        self.0.split('$').nth(1)
    }

    /// The iteration count recorded in the hash's parameters (`i=…`).
    pub fn iterations(&self) -> Option<u32> {
        self.0
            .split('$')
            .nth(2)?
            .split(',')
            .find_map(|parameter| parameter.strip_prefix("i="))?
            .parse()
            .ok()
    }
}

/// Never print a hash, even in debug output.
impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

/// How passwords are hashed (ID-9): PBKDF2-HMAC-SHA256 (RFC 8018) with 600,000 iterations, the
/// OWASP Password Storage Cheat Sheet figure for PBKDF2-HMAC-SHA256, a 16-byte random salt and a
/// 32-byte output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordHashPolicy {
    pub algorithm: &'static str,
    pub iterations: u32,
    pub salt_bytes: usize,
    pub output_bytes: usize,
}

impl PasswordHashPolicy {
    pub const CURRENT: Self = Self {
        algorithm: "pbkdf2-sha256",
        iterations: 600_000,
        salt_bytes: 16,
        output_bytes: 32,
    };

    /// A hash made with another algorithm or fewer iterations is re-hashed at the next
    /// successful login, when the password is at hand.
    pub fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        hash.algorithm() != Some(self.algorithm)
            || hash
                .iterations()
                .is_none_or(|iterations| iterations < self.iterations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parameters_from_the_phc_string() {
        let hash = PasswordHash::from_phc("$pbkdf2-sha256$i=600000,l=32$c2FsdA$aGFzaA");
        assert_eq!(hash.algorithm(), Some("pbkdf2-sha256"));
        assert_eq!(hash.iterations(), Some(600_000));
        assert!(!PasswordHashPolicy::CURRENT.needs_rehash(&hash));
    }

    #[test]
    fn weaker_or_foreign_hashes_are_rehashed() {
        let policy = PasswordHashPolicy::CURRENT;
        assert!(policy.needs_rehash(&PasswordHash::from_phc(
            "$pbkdf2-sha256$i=100000,l=32$c2FsdA$aGFzaA"
        )));
        assert!(policy.needs_rehash(&PasswordHash::from_phc(
            "$pbkdf2-sha1$i=600000,l=20$c2FsdA$aGFzaA"
        )));
        assert!(policy.needs_rehash(&PasswordHash::from_phc("garbage")));
        assert!(!policy.needs_rehash(&PasswordHash::from_phc(
            "$pbkdf2-sha256$i=1000000,l=32$c2FsdA$aGFzaA"
        )));
    }

    #[test]
    fn debug_output_hides_the_hash() {
        let hash = PasswordHash::from_phc("$pbkdf2-sha256$i=600000,l=32$c2FsdA$aGFzaA");
        assert!(!format!("{hash:?}").contains("aGFzaA"));
    }
}
