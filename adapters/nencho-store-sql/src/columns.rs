//! How domain values that span several columns are written.

use nencho_identity::PasswordState;
use nencho_kernel::OffsetDateTime;
use nencho_ports::DeliveryResult;

/// `(password_kind, password_hash)` of the users table.
pub fn password_columns(password: &PasswordState) -> (&'static str, Option<&str>) {
    match password {
        PasswordState::NotSet => ("not_set", None),
        PasswordState::Initial(hash) => ("initial", Some(hash.as_phc())),
        PasswordState::Chosen(hash) => ("chosen", Some(hash.as_phc())),
    }
}

/// `(sent_at, next_attempt_at, failed_at, last_error)` of the outbox for one delivery result;
/// `None` leaves a column as it was.
pub fn delivery_columns(
    result: &DeliveryResult,
) -> (
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<String>,
) {
    match result {
        DeliveryResult::Sent { at } => (Some(*at), None, None, None),
        DeliveryResult::Deferred { error, retry_at } => {
            (None, Some(*retry_at), None, Some(error.clone()))
        }
        DeliveryResult::Failed { error, at } => (None, None, Some(*at), Some(error.clone())),
    }
}
