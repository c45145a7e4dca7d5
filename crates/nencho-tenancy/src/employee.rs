//! Value types of an employee record that every input path (forms, CSV import) shares.

use std::fmt;

use nencho_kernel::text::{fold_width, is_dash, to_katakana, trim};
use nencho_kernel::{CompanyId, Date, EmailAddress, EmployeeId, OffsetDateTime, TenantId, UserId};

/// A Japanese postal code (郵便番号): seven digits, shown as `100-0013`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostalCode([u8; 7]);

impl PostalCode {
    /// Reads `1000013`, `100-0013`, `〒100-0013` and their full-width forms.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = fold_width(trim(text));
        let digits: Vec<u8> = folded
            .trim_start_matches('〒')
            .chars()
            .filter(|&c| !is_dash(c) && !c.is_whitespace())
            .map(|c| c.to_digit(10).and_then(|digit| u8::try_from(digit).ok()))
            .collect::<Option<_>>()?;
        digits.try_into().ok().map(Self)
    }

    /// The seven digits without a hyphen: `1000013`.
    pub fn digits(&self) -> String {
        self.0
            .iter()
            .map(|digit| char::from(b'0' + digit))
            .collect()
    }
}

/// `100-0013`.
impl fmt::Display for PostalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits();
        write!(f, "{}-{}", &digits[..3], &digits[3..])
    }
}

/// 雇用区分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmploymentType {
    /// 正社員
    Regular,
    /// 契約社員
    Contract,
    /// パート・アルバイト
    PartTime,
    /// 役員
    Officer,
    /// その他
    Other,
}

impl EmploymentType {
    pub const ALL: [EmploymentType; 5] = [
        EmploymentType::Regular,
        EmploymentType::Contract,
        EmploymentType::PartTime,
        EmploymentType::Officer,
        EmploymentType::Other,
    ];

    pub const fn japanese_name(self) -> &'static str {
        match self {
            EmploymentType::Regular => "正社員",
            EmploymentType::Contract => "契約社員",
            EmploymentType::PartTime => "パート・アルバイト",
            EmploymentType::Officer => "役員",
            EmploymentType::Other => "その他",
        }
    }

    /// The English code, accepted in the file too: `regular`, `part_time`.
    pub const fn code(self) -> &'static str {
        match self {
            EmploymentType::Regular => "regular",
            EmploymentType::Contract => "contract",
            EmploymentType::PartTime => "part_time",
            EmploymentType::Officer => "officer",
            EmploymentType::Other => "other",
        }
    }

    /// The Japanese name or the English code; `パート`, `アルバイト` and half-width kana too.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = fold_width(trim(text));
        let kana = to_katakana(&folded);
        let code = folded.to_ascii_lowercase().replace(['-', ' '], "_");
        match kana.as_str() {
            "パート" | "アルバイト" | "パートアルバイト" | "パート/アルバイト" =>
            {
                return Some(EmploymentType::PartTime);
            }
            _ => {}
        }
        // Compared as katakana on both sides, so that その他 also matches ｿﾉ他.
        EmploymentType::ALL.into_iter().find(|employment_type| {
            to_katakana(employment_type.japanese_name()) == kana || employment_type.code() == code
        })
    }
}

impl fmt::Display for EmploymentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.japanese_name())
    }
}

/// 社員番号: unique within a company; half-width letters, digits, `-` and `_`, at most 20,
/// leading zeros kept (`000123` and `123` are different employees).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmployeeNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmployeeNumberError {
    #[error("the employee number is empty")]
    Empty,
    #[error("the employee number may contain only letters, digits, - and _, at most 20")]
    Shape,
}

impl EmployeeNumber {
    pub const MAX_LENGTH: usize = 20;

    /// Full-width characters and the dashes people type are folded first.
    pub fn parse(text: &str) -> Result<Self, EmployeeNumberError> {
        let number: String = trim(text)
            .chars()
            .map(nencho_kernel::text::to_ascii_char)
            .collect();
        if number.is_empty() {
            return Err(EmployeeNumberError::Empty);
        }
        let allowed = number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !allowed || number.chars().count() > Self::MAX_LENGTH {
            return Err(EmployeeNumberError::Shape);
        }
        Ok(Self(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmployeeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name as the declaration forms print it: family and given name in kanji and in full-width
/// katakana (フリガナ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub family: String,
    pub given: String,
    pub family_kana: String,
    pub given_kana: String,
}

impl PersonName {
    /// `山田 太郎`, as Japanese forms write a full name.
    pub fn full(&self) -> String {
        format!("{} {}", self.family, self.given)
    }
}

/// An employee of one company: the master data the declarations start from. Employees who have
/// left are kept (with a leave date) and their IDs disabled, never deleted (ID-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    pub id: EmployeeId,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub number: EmployeeNumber,
    pub name: PersonName,
    pub birth_date: Date,
    pub postal_code: Option<PostalCode>,
    pub address: String,
    pub email: Option<EmailAddress>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub hire_date: Option<Date>,
    pub leave_date: Option<Date>,
    /// The login ID that lets the employee file their own declarations.
    pub user_id: Option<UserId>,
    pub updated_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_numbers_keep_leading_zeros_and_fold_full_width() {
        assert_eq!(
            EmployeeNumber::parse("０００１２３").unwrap().as_str(),
            "000123"
        );
        assert_eq!(
            EmployeeNumber::parse(" A-12_3 ").unwrap().as_str(),
            "A-12_3"
        );
        assert_eq!(EmployeeNumber::parse("ＡＢ－１").unwrap().as_str(), "AB-1");
        assert_eq!(EmployeeNumber::parse(""), Err(EmployeeNumberError::Empty));
        assert_eq!(
            EmployeeNumber::parse("山田"),
            Err(EmployeeNumberError::Shape)
        );
        assert_eq!(
            EmployeeNumber::parse(&"1".repeat(21)),
            Err(EmployeeNumberError::Shape)
        );
        assert_ne!(
            EmployeeNumber::parse("000123"),
            EmployeeNumber::parse("123")
        );
    }

    #[test]
    fn postal_codes_and_employment_types_read_what_people_type() {
        assert_eq!(
            PostalCode::parse("〒１００－００１３").unwrap().to_string(),
            "100-0013"
        );
        assert_eq!(PostalCode::parse("1000013").unwrap().digits(), "1000013");
        assert!(PostalCode::parse("100-001").is_none());
        assert_eq!(
            EmploymentType::parse("パート"),
            Some(EmploymentType::PartTime)
        );
        assert_eq!(
            EmploymentType::parse("正社員"),
            Some(EmploymentType::Regular)
        );
    }
}
