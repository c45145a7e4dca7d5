//! CSRF protection for every form (OWASP ASVS V4.2.2): a signed double-submit token. The browser
//! holds a random value in an HttpOnly cookie; each form carries HMAC-SHA256(secret, value). A
//! foreign site can neither read the cookie nor compute the signature, and the secret is the
//! deployment's own (never a default key), so any server of the deployment can verify it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const COOKIE: &str = "nencho_csrf";

/// The deployment's CSRF secret (32 bytes).
#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn mac(&self, cookie_value: &str) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).ok()?;
        mac.update(b"nencho-csrf:");
        mac.update(cookie_value.as_bytes());
        Some(mac)
    }

    /// The token forms carry for a browser holding `cookie_value`.
    pub fn token_for(&self, cookie_value: &str) -> String {
        self.mac(cookie_value)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// Constant-time check of a submitted token.
    pub fn verify(&self, cookie_value: &str, token: &str) -> bool {
        let (Some(mac), Ok(given)) = (self.mac(cookie_value), hex::decode(token)) else {
            return false;
        };
        !cookie_value.is_empty() && mac.verify_slice(&given).is_ok()
    }
}

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_cookie_and_key() {
        let key = CsrfKey::new([7; 32]);
        let token = key.token_for("abc123");
        assert!(key.verify("abc123", &token));
        assert!(!key.verify("abc124", &token));
        assert!(!key.verify("abc123", "00"));
        assert!(!key.verify("abc123", "not hex"));
        assert!(!key.verify("", &key.token_for("")));
        assert!(
            !CsrfKey::new([8; 32]).verify("abc123", &token),
            "another deployment's key fails"
        );
    }
}
