use std::fmt;

/// An e-mail address as users type it, checked for the shape every mail system agrees on
/// (local@domain, no spaces, at most 254 octets — RFC 5321 §4.5.3.1.3). Deliverability is
/// proved by a confirmation link, not by parsing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailAddressError {
    #[error("the e-mail address must be at most 254 characters")]
    TooLong,
    #[error("the e-mail address must look like name@example.jp")]
    Shape,
}

impl EmailAddress {
    const MAX_OCTETS: usize = 254;

    pub fn parse(text: &str) -> Result<Self, EmailAddressError> {
        let text = text.trim();
        if text.len() > Self::MAX_OCTETS {
            return Err(EmailAddressError::TooLong);
        }
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err(EmailAddressError::Shape);
        };
        let domain_ok = !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@' || c == '<' || c == '>');
        if !(domain_ok && local_ok) {
            return Err(EmailAddressError::Shape);
        }
        // Domains are case-insensitive; the local part is kept as typed.
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain() {
        assert_eq!(
            EmailAddress::parse(" Taro.Yamada@Example.JP ")
                .unwrap()
                .as_str(),
            "Taro.Yamada@example.jp"
        );
        assert!(EmailAddress::parse("admin+nencho@acme.example").is_ok());
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for bad in [
            "",
            "taro",
            "@example.jp",
            "taro@",
            "taro@.jp",
            "taro@example..jp",
            "ta ro@example.jp",
            "a@b@c",
            "<x>@y.jp",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailAddressError::Shape),
                "{bad}"
            );
        }
        let long = format!("{}@example.jp", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }
}
