use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::{Timestamp, Uuid};

use crate::Clock;

/// A malformed id in text form (from a URL, a form or a CSV file).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a valid id: {0}")]
pub struct IdParseError(String);

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// A UUIDv7: time-ordered, so new rows land at the end of B-tree indexes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new id whose time part comes from `clock`.
            pub fn generate(clock: &dyn Clock) -> Self {
                let now = clock.now();
                let seconds = u64::try_from(now.unix_timestamp()).unwrap_or(0);
                let timestamp = Timestamp::from_unix(uuid::NoContext, seconds, now.nanosecond());
                Self(Uuid::new_v7(timestamp))
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self).map_err(|_| IdParseError(text.to_owned()))
            }
        }
    };
}

uuid_id!(
    /// One contract = one tenant = one site URL.
    TenantId
);
uuid_id!(
    /// A company inside a tenant (a 社労士 office runs many).
    CompanyId
);
uuid_id!(
    /// A login identity (ADMIN, staff or employee).
    UserId
);
uuid_id!(
    /// An employee record of a company.
    EmployeeId
);
uuid_id!(
    /// One employee's declarations for one tax year.
    FilingId
);
uuid_id!(
    /// A document attached to a declaration (控除証明書の画像, …).
    AttachmentId
);
uuid_id!(
    /// A maintenance notice (SVC-6): platform data, not owned by a tenant.
    NoticeId
);
uuid_id!(
    /// An employee's request to correct their master data (登録内容の変更届).
    ChangeRequestId
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixedClock;
    use time::macros::datetime;

    #[test]
    fn generated_ids_are_ordered_by_time_and_round_trip_as_text() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let first = TenantId::generate(&clock);
        clock.advance(time::Duration::milliseconds(1));
        let second = TenantId::generate(&clock);
        assert!(first < second);
        assert_eq!(first.to_string().parse::<TenantId>(), Ok(first));
        assert_eq!(first.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        assert!("not-an-id".parse::<CompanyId>().is_err());
    }
}
