use std::fmt;

/// The site name of a contract: the `acme` of `acme.example.jp`. It becomes a DNS label, so it
/// follows the DNS rules (RFC 1035 letters-digits-hyphen, at most 63 octets) restricted to
/// lowercase so that one tenant has exactly one spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlugError {
    #[error("the site name must be 3 to 63 characters long")]
    Length,
    #[error("the site name may contain only lowercase letters a-z, digits and hyphens")]
    Characters,
    #[error("the site name must start with a letter and must not end with a hyphen")]
    Edges,
    #[error("the site name must not contain two hyphens in a row")]
    DoubleHyphen,
    #[error("the site name \"{0}\" is reserved")]
    Reserved(String),
}

impl Slug {
    const MIN_LENGTH: usize = 3;
    const MAX_LENGTH: usize = 63;

    /// Names that would collide with the platform's own hosts or mislead users.
    pub const RESERVED: &'static [&'static str] = &[
        "www",
        "api",
        "app",
        "admin",
        "administrator",
        "ops",
        "operator",
        "root",
        "mail",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "ssh",
        "status",
        "health",
        "metrics",
        "support",
        "help",
        "docs",
        "static",
        "assets",
        "cdn",
        "login",
        "auth",
        "sso",
        "account",
        "accounts",
        "billing",
        "security",
        "system",
        "internal",
        "test",
        "staging",
        "dev",
        "localhost",
        "nencho",
    ];

    pub fn parse(text: &str) -> Result<Self, SlugError> {
        if !(Self::MIN_LENGTH..=Self::MAX_LENGTH).contains(&text.len()) {
            return Err(SlugError::Length);
        }
        if !text
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        {
            return Err(SlugError::Characters);
        }
        // "xn--" labels are IDN punycode; refusing "--" also refuses look-alike IDN names.
        if text.contains("--") {
            return Err(SlugError::DoubleHyphen);
        }
        let starts_with_letter = text
            .bytes()
            .next()
            .is_some_and(|byte| byte.is_ascii_lowercase());
        if !starts_with_letter || text.ends_with('-') {
            return Err(SlugError::Edges);
        }
        if Self::RESERVED.contains(&text) {
            return Err(SlugError::Reserved(text.to_owned()));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_plain_dns_labels() {
        assert_eq!(Slug::parse("acme").unwrap().as_str(), "acme");
        assert!(Slug::parse("acme-2026").is_ok());
        assert!(Slug::parse(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn refuses_what_would_break_or_mislead_a_host_name() {
        assert_eq!(Slug::parse("ab"), Err(SlugError::Length));
        assert_eq!(Slug::parse(&"a".repeat(64)), Err(SlugError::Length));
        assert_eq!(Slug::parse("Acme"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("acme.co"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("アクメ"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("1acme"), Err(SlugError::Edges));
        assert_eq!(Slug::parse("acme-"), Err(SlugError::Edges));
        assert_eq!(Slug::parse("xn--acme"), Err(SlugError::DoubleHyphen));
        assert_eq!(Slug::parse("www"), Err(SlugError::Reserved("www".into())));
    }

    proptest! {
        #[test]
        fn whatever_parses_is_a_lowercase_dns_label(text in "\\PC{0,70}") {
            if let Ok(slug) = Slug::parse(&text) {
                prop_assert!(slug.as_str().len() <= 63);
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }
}
