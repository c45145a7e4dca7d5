use crate::CorporateNumber;
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
    pub profile: CompanyProfile,
    pub registered_at: OffsetDateTime,
}

/// How a company's new employees log in (a company setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoginIdScheme {
    /// The employee number is the login ID (works without e-mail addresses).
    #[default]
    EmployeeNumber,
    /// The e-mail address is the login ID.
    Email,
}

impl LoginIdScheme {
    pub const fn code(self) -> &'static str {
        match self {
            Self::EmployeeNumber => "employee_number",
            Self::Email => "email",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "employee_number" => Some(Self::EmployeeNumber),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

/// What the declaration forms print about the payer (給与の支払者), and company settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyProfile {
    /// 法人番号; `None` for a payer that is an individual (whose 個人番号 is not stored here).
    pub corporate_number: Option<CorporateNumber>,
    /// 所在地.
    pub address: String,
    /// 所轄税務署, e.g. `麹町`.
    pub tax_office: String,
    /// A telephone number or contact person for employees' questions.
    pub contact: String,
    pub login_id_scheme: LoginIdScheme,
    /// Whether the worker mails the automatic reminders before the filing deadline (YEA-4);
    /// on by default.
    pub auto_reminders: bool,
    /// Whether a declaration may be approved only once every certificate it calls for has
    /// arrived (原本の受領を承認の条件にする); off by default.
    pub originals_before_approval: bool,
    /// Whether a declaration may be approved only after someone else's 一次確認 (a 担当者
    /// checks, another person approves: 二人の目で確認); off by default.
    pub check_before_approval: bool,
}

impl Default for CompanyProfile {
    fn default() -> Self {
        Self {
            corporate_number: None,
            address: String::new(),
            tax_office: String::new(),
            contact: String::new(),
            login_id_scheme: LoginIdScheme::default(),
            auto_reminders: true,
            originals_before_approval: false,
            check_before_approval: false,
        }
    }
}

impl Company {
    pub fn register(tenant_id: TenantId, name: CompanyName, clock: &dyn Clock) -> Self {
        Self {
            id: CompanyId::generate(clock),
            tenant_id,
            name,
            profile: CompanyProfile::default(),
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

#[cfg(test)]
mod scheme_tests {
    use super::*;

    #[test]
    fn login_id_scheme_codes_round_trip() {
        for scheme in [LoginIdScheme::EmployeeNumber, LoginIdScheme::Email] {
            assert_eq!(LoginIdScheme::from_code(scheme.code()), Some(scheme));
        }
        assert_eq!(LoginIdScheme::default(), LoginIdScheme::EmployeeNumber);
    }

    #[test]
    fn automatic_reminders_are_on_by_default() {
        assert!(CompanyProfile::default().auto_reminders);
    }
}
