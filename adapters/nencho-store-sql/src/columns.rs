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

/// Separates the departments of a role assignment in its one `departments` text column (U+001F,
/// the ASCII unit separator, which no department name typed by a person contains). One encoding
/// for both stores keeps one row mapping; an empty column is the whole company.
pub const DEPARTMENT_SEPARATOR: char = '\u{1F}';

/// The `departments` column of `role_assignments`. Refuses names that could not be read back: an
/// empty name, or one containing the separator.
pub fn departments_column(departments: &[String]) -> Result<String, nencho_ports::StoreError> {
    if let Some(bad) = departments
        .iter()
        .find(|name| name.is_empty() || name.contains(DEPARTMENT_SEPARATOR))
    {
        return Err(nencho_ports::StoreError::Backend(format!(
            "department name {bad:?} cannot be stored"
        )));
    }
    Ok(departments.join(&DEPARTMENT_SEPARATOR.to_string()))
}

/// The departments a `departments` column holds.
pub fn departments_from_column(column: &str) -> Vec<String> {
    if column.is_empty() {
        Vec::new()
    } else {
        column
            .split(DEPARTMENT_SEPARATOR)
            .map(str::to_owned)
            .collect()
    }
}

/// `text` for a `LIKE … ESCAPE '\'` pattern: `%`, `_` and `\` match only themselves.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The three `LIKE` patterns of the employee search: `(number prefix, name part, kana part)`.
/// The text is width-folded and its spaces dropped (names are matched written together, so
/// `山田 太郎` finds 山田太郎); the kana pattern is in katakana, as kana are stored.
pub fn employee_search_patterns(search: &str) -> Option<(String, String, String)> {
    use nencho_kernel::text::{fold_width, to_katakana};
    let folded: String = fold_width(search)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if folded.is_empty() {
        return None;
    }
    let number = format!("{}%", escape_like(&folded));
    let name = format!("%{}%", escape_like(&folded));
    let kana = format!("%{}%", escape_like(&to_katakana(&folded)));
    Some((number, name, kana))
}
