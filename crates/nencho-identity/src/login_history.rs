use nencho_kernel::{OffsetDateTime, TenantId, UserId};

/// How one login attempt ended (LOG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Success,
    WrongPassword,
    Disabled,
    Locked,
    /// The ID has no password yet (invitation not used).
    NoPassword,
    /// The password was right; the login waits for the authenticator's code (2段階認証). Neither
    /// a success nor a failure: a row the user did not cause says their password is known.
    PasswordVerified,
    /// The authenticator's code (or recovery code) was wrong, used before, or too old.
    WrongCode,
    /// Logged in with a recovery code instead of the authenticator's code.
    RecoveryCode,
}

impl LoginOutcome {
    pub const fn as_code(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
            Self::NoPassword => "no_password",
            Self::PasswordVerified => "password_verified",
            Self::WrongCode => "wrong_code",
            Self::RecoveryCode => "recovery_code",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "success" => Some(Self::Success),
            "wrong_password" => Some(Self::WrongPassword),
            "disabled" => Some(Self::Disabled),
            "locked" => Some(Self::Locked),
            "no_password" => Some(Self::NoPassword),
            "password_verified" => Some(Self::PasswordVerified),
            "wrong_code" => Some(Self::WrongCode),
            "recovery_code" => Some(Self::RecoveryCode),
            _ => None,
        }
    }

    pub const fn is_success(self) -> bool {
        matches!(self, Self::Success | Self::RecoveryCode)
    }

    /// Whether the attempt counts towards the lock ([`crate::LoginThrottlePolicy`]); the stores'
    /// count of recent failures follows this (`password_verified` is not one).
    pub const fn is_failure(self) -> bool {
        !self.is_success() && !matches!(self, Self::PasswordVerified)
    }
}

/// One attempt on a user's account, as the user sees it in their login history. Kept as long as
/// the contract lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub at: OffsetDateTime,
    pub ip_address: String,
    pub user_agent: String,
    pub outcome: LoginOutcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes_round_trip() {
        for outcome in [
            LoginOutcome::Success,
            LoginOutcome::WrongPassword,
            LoginOutcome::Disabled,
            LoginOutcome::Locked,
            LoginOutcome::NoPassword,
            LoginOutcome::PasswordVerified,
            LoginOutcome::WrongCode,
            LoginOutcome::RecoveryCode,
        ] {
            assert_eq!(LoginOutcome::from_code(outcome.as_code()), Some(outcome));
        }
    }
}
