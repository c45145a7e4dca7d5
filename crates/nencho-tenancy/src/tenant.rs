use nencho_kernel::{Clock, Date, EmailAddress, OffsetDateTime, TenantId};

use crate::Slug;

/// The contract holder's name as it appears on the activation notice (e.g. 株式会社アクメ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TenantNameError {
    #[error("the contract name must not be empty")]
    Empty,
    #[error("the contract name must be at most {max} characters")]
    TooLong { max: usize },
}

impl TenantName {
    pub const MAX_CHARACTERS: usize = 200;

    pub fn parse(text: &str) -> Result<Self, TenantNameError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TenantNameError::Empty);
        }
        if trimmed.chars().count() > Self::MAX_CHARACTERS {
            return Err(TenantNameError::TooLong {
                max: Self::MAX_CHARACTERS,
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a contract is in its life (SVC-2, SVC-3, SVC-8): users may log in and export while it
/// is active or ending; after it ends nothing but the purge touches it; once purged only the
/// tenant row remains, as a tombstone (see [`crate::contract_end`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractStatus {
    Active,
    /// Notice of the end is given; [`Tenant::ends_on`] is the last day.
    Ending,
    Ended,
    /// Every row of the tenant is deleted (SVC-8); the tenant row keeps the slug taken.
    Purged,
}

impl ContractStatus {
    pub const fn as_code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Ending => "ending",
            Self::Ended => "ended",
            Self::Purged => "purged",
        }
    }

    /// Ended or purged: no sign-in, no export, no site.
    pub const fn is_over(self) -> bool {
        matches!(self, Self::Ended | Self::Purged)
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "active" => Some(Self::Active),
            "ending" => Some(Self::Ending),
            "ended" => Some(Self::Ended),
            "purged" => Some(Self::Purged),
            _ => None,
        }
    }
}

/// One contract: one site URL, one tenant's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: Slug,
    pub name: TenantName,
    pub status: ContractStatus,
    /// The contract's main contact: support requests come from it (SVC-7) and an operator-assisted
    /// ADMIN reset is sent to it (ID-8).
    pub contact_email: EmailAddress,
    pub opened_at: OffsetDateTime,
    /// The contract's last day (JST), once notice of its end is given (SVC-2); `None` while no
    /// end is scheduled.
    pub ends_on: Option<Date>,
}

impl Tenant {
    /// A contract as it starts: active from now.
    pub fn open(
        slug: Slug,
        name: TenantName,
        contact_email: EmailAddress,
        clock: &dyn Clock,
    ) -> Self {
        Self {
            id: TenantId::generate(clock),
            slug,
            name,
            status: ContractStatus::Active,
            contact_email,
            opened_at: clock.now(),
            ends_on: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::FixedClock;
    use time::macros::datetime;

    #[test]
    fn a_new_contract_is_active_from_now() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let tenant = Tenant::open(
            Slug::parse("acme").unwrap(),
            TenantName::parse(" 株式会社アクメ ").unwrap(),
            EmailAddress::parse("hr@acme.example").unwrap(),
            &clock,
        );
        assert_eq!(tenant.status, ContractStatus::Active);
        assert_eq!(tenant.ends_on, None);
        assert_eq!(tenant.opened_at, clock.now());
        assert_eq!(tenant.name.as_str(), "株式会社アクメ");
    }

    #[test]
    fn names_are_not_blank_or_endless() {
        assert_eq!(TenantName::parse("  "), Err(TenantNameError::Empty));
        assert!(TenantName::parse(&"あ".repeat(201)).is_err());
        assert!(TenantName::parse(&"あ".repeat(200)).is_ok());
    }

    #[test]
    fn status_codes_round_trip() {
        for status in [
            ContractStatus::Active,
            ContractStatus::Ending,
            ContractStatus::Ended,
            ContractStatus::Purged,
        ] {
            assert_eq!(ContractStatus::from_code(status.as_code()), Some(status));
        }
        assert_eq!(ContractStatus::from_code("closed"), None);
        assert!(ContractStatus::Ended.is_over() && ContractStatus::Purged.is_over());
        assert!(!ContractStatus::Ending.is_over());
    }
}
