use nencho_kernel::{EmailAddress, OffsetDateTime, TenantId, UserId};

use crate::{LoginId, PasswordHash, Role};

/// A person's name as shown in the user menu and in mail greetings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DisplayNameError {
    #[error("the name must be 1 to 100 characters")]
    Length,
}

impl DisplayName {
    pub fn parse(text: &str) -> Result<Self, DisplayNameError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.chars().count() > 100 {
            return Err(DisplayNameError::Length);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ID can be disabled and enabled again (ID-3, ID-5); it is never deleted while the contract
/// lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub const fn as_code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// Where a user's password stands (ID-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordState {
    /// No password yet: the user sets one through an invitation link.
    NotSet,
    /// Handed out by the activation notice or an administrator: must be changed at first login.
    Initial(PasswordHash),
    /// Chosen by the user.
    Chosen(PasswordHash),
}

impl PasswordState {
    pub fn hash(&self) -> Option<&PasswordHash> {
        match self {
            Self::NotSet => None,
            Self::Initial(hash) | Self::Chosen(hash) => Some(hash),
        }
    }

    pub const fn must_change(&self) -> bool {
        matches!(self, Self::Initial(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub login_id: LoginId,
    pub display_name: DisplayName,
    pub email: Option<EmailAddress>,
    pub role: Role,
    pub status: UserStatus,
    pub password: PasswordState,
    pub created_at: OffsetDateTime,
}

impl User {
    pub fn can_log_in(&self) -> bool {
        self.status == UserStatus::Active && self.password.hash().is_some()
    }
}
