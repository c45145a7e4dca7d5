use std::fmt;

/// The ID a user types to log in (the ADMIN ID, an employee number, an e-mail address). Unique
/// within a tenant and compared case-insensitively, so it is kept in lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoginId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoginIdError {
    #[error("the ID must be 1 to 100 characters")]
    Length,
    #[error("the ID may contain only letters, digits and . _ - @ +")]
    Characters,
}

impl LoginId {
    const MAX_LENGTH: usize = 100;

    /// Full-width letters and digits (as typed with a Japanese IME) are folded to ASCII first.
    pub fn parse(text: &str) -> Result<Self, LoginIdError> {
        let folded: String = text
            .trim()
            .chars()
            .map(nencho_kernel::text::fold_width_char)
            .collect::<String>()
            .to_lowercase();
        if folded.is_empty() || folded.len() > Self::MAX_LENGTH {
            return Err(LoginIdError::Length);
        }
        if !folded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'))
        {
            return Err(LoginIdError::Characters);
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LoginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_case_insensitive_and_fold_full_width() {
        assert_eq!(LoginId::parse("Admin").unwrap().as_str(), "admin");
        assert_eq!(
            LoginId::parse("ＥＭＰ００１２").unwrap().as_str(),
            "emp0012"
        );
        assert_eq!(
            LoginId::parse("taro@example.jp").unwrap().as_str(),
            "taro@example.jp"
        );
    }

    #[test]
    fn refuses_empty_long_and_odd_ids() {
        assert_eq!(LoginId::parse("  "), Err(LoginIdError::Length));
        assert_eq!(LoginId::parse(&"a".repeat(101)), Err(LoginIdError::Length));
        assert_eq!(LoginId::parse("山田"), Err(LoginIdError::Characters));
        assert_eq!(LoginId::parse("a b"), Err(LoginIdError::Characters));
    }
}
