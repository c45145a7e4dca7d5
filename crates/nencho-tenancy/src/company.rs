use nencho_kernel::{Clock, CompanyId, OffsetDateTime, TenantId};

/// A company's registered name (商号), as printed on the declaration forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompanyNameError {
    #[error("the company name must not be empty")]
    Empty,
    #[error("the company name must be at most {max} characters")]
    TooLong { max: usize },
}

impl CompanyName {
    pub const MAX_CHARACTERS: usize = 200;

    pub fn parse(text: &str) -> Result<Self, CompanyNameError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CompanyNameError::Empty);
        }
        if trimmed.chars().count() > Self::MAX_CHARACTERS {
            return Err(CompanyNameError::TooLong {
                max: Self::MAX_CHARACTERS,
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A company whose employees file their declarations through one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub id: CompanyId,
    pub tenant_id: TenantId,
    pub name: CompanyName,
    pub registered_at: OffsetDateTime,
}

impl Company {
    pub fn register(tenant_id: TenantId, name: CompanyName, clock: &dyn Clock) -> Self {
        Self {
            id: CompanyId::generate(clock),
            tenant_id,
            name,
            registered_at: clock.now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_names_are_trimmed_and_bounded() {
        assert_eq!(
            CompanyName::parse(" 株式会社アクメ ").unwrap().as_str(),
            "株式会社アクメ"
        );
        assert_eq!(CompanyName::parse(""), Err(CompanyNameError::Empty));
        assert!(CompanyName::parse(&"a".repeat(201)).is_err());
    }
}
