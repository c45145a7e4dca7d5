use nencho_kernel::{EmailAddress, OffsetDateTime, TenantId, UserId};
use sha2::{Digest, Sha256};
use time::Duration;

/// A secret given to one person once (in a cookie or a mailed link): 128 random bits as 32 hex
/// digits. Only its [`TokenHash`] is stored, so a leaked database opens no sessions or resets.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    pub const RANDOM_BYTES: usize = 16;

    pub fn from_random_bytes(bytes: [u8; Self::RANDOM_BYTES]) -> Self {
        Self(hex::encode(bytes))
    }

    /// A token as received back (cookie, URL). Anything but 32 hex digits is no token.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == Self::RANDOM_BYTES * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_ascii_lowercase()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(…)")
    }
}

/// SHA-256 of a [`SecretToken`] (hex). A fast hash suffices: the token has 128 bits of entropy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn from_hex(hex: impl Into<String>) -> Self {
        Self(hex.into())
    }

    pub fn as_hex(&self) -> &str {
        &self.0
    }
}

/// What a one-time token lets its holder do, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// ID-8: set a new password; at most 24 hours.
    PasswordReset,
    /// Confirm a (new) e-mail address.
    EmailConfirmation,
    /// A new ID (an imported employee) sets its first password; at most 7 days.
    Invitation,
}

impl TokenPurpose {
    pub const fn lifetime(self) -> Duration {
        match self {
            Self::PasswordReset => Duration::hours(24),
            Self::EmailConfirmation => Duration::hours(24),
            Self::Invitation => Duration::days(7),
        }
    }

    pub const fn as_code(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::EmailConfirmation => "email_confirmation",
            Self::Invitation => "invitation",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "password_reset" => Some(Self::PasswordReset),
            "email_confirmation" => Some(Self::EmailConfirmation),
            "invitation" => Some(Self::Invitation),
            _ => None,
        }
    }
}

/// A stored one-time token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    pub hash: TokenHash,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub purpose: TokenPurpose,
    /// For e-mail confirmation: the address being confirmed.
    pub email: Option<EmailAddress>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

impl OneTimeToken {
    pub fn issue(
        secret: &SecretToken,
        tenant_id: TenantId,
        user_id: UserId,
        purpose: TokenPurpose,
        email: Option<EmailAddress>,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            hash: secret.hash(),
            tenant_id,
            user_id,
            purpose,
            email,
            created_at: now,
            expires_at: now + purpose.lifetime(),
            used_at: None,
        }
    }

    /// Usable once, before it expires, for its own purpose only.
    pub fn is_usable(&self, purpose: TokenPurpose, now: OffsetDateTime) -> bool {
        self.purpose == purpose && self.used_at.is_none() && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::Clock;
    use nencho_kernel::FixedClock;
    use time::macros::datetime;

    #[test]
    fn tokens_are_32_hex_digits_and_stored_only_hashed() {
        let token = SecretToken::from_random_bytes([0xab; 16]);
        assert_eq!(token.expose(), "ab".repeat(16));
        assert_eq!(token.hash().as_hex().len(), 64);
        assert_ne!(token.hash().as_hex(), token.expose());
        assert_eq!(SecretToken::parse(&"AB".repeat(16)), Some(token));
        assert_eq!(SecretToken::parse("abc"), None);
        assert_eq!(SecretToken::parse(&"zz".repeat(16)), None);
    }

    #[test]
    fn a_reset_token_works_once_within_24_hours_for_its_purpose() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let ids = (TenantId::generate(&clock), UserId::generate(&clock));
        let mut token = OneTimeToken::issue(
            &SecretToken::from_random_bytes([1; 16]),
            ids.0,
            ids.1,
            TokenPurpose::PasswordReset,
            None,
            clock.now(),
        );
        assert!(token.is_usable(
            TokenPurpose::PasswordReset,
            clock.now() + Duration::hours(23)
        ));
        assert!(!token.is_usable(
            TokenPurpose::PasswordReset,
            clock.now() + Duration::hours(24)
        ));
        assert!(!token.is_usable(TokenPurpose::EmailConfirmation, clock.now()));
        token.used_at = Some(clock.now());
        assert!(!token.is_usable(TokenPurpose::PasswordReset, clock.now()));
    }

    #[test]
    fn an_invitation_lasts_seven_days_and_round_trips_its_code() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let token = OneTimeToken::issue(
            &SecretToken::from_random_bytes([2; 16]),
            TenantId::generate(&clock),
            UserId::generate(&clock),
            TokenPurpose::Invitation,
            None,
            clock.now(),
        );
        assert!(token.is_usable(TokenPurpose::Invitation, clock.now() + Duration::days(6)));
        assert!(!token.is_usable(TokenPurpose::Invitation, clock.now() + Duration::days(7)));
        assert!(!token.is_usable(TokenPurpose::PasswordReset, clock.now()));
        assert_eq!(
            TokenPurpose::from_code(TokenPurpose::Invitation.as_code()),
            Some(TokenPurpose::Invitation)
        );
    }
}
