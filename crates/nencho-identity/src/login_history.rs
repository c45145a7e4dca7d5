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
}

impl LoginOutcome {
    pub const fn as_code(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
            Self::NoPassword => "no_password",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "success" => Some(Self::Success),
            "wrong_password" => Some(Self::WrongPassword),
            "disabled" => Some(Self::Disabled),
            "locked" => Some(Self::Locked),
            "no_password" => Some(Self::NoPassword),
            _ => None,
        }
    }

    pub const fn is_success(self) -> bool {
        matches!(self, Self::Success)
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
        ] {
            assert_eq!(LoginOutcome::from_code(outcome.as_code()), Some(outcome));
        }
    }
}
