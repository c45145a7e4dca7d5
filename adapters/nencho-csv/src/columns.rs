use std::fmt;

use nencho_kernel::text::{fold_width, to_katakana, trim};

/// A column of the employee import, in the template's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    EmployeeNumber,
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    BirthDate,
    PostalCode,
    Address,
    Email,
    Department,
    EmploymentType,
    HireDate,
    LeaveDate,
}

impl Column {
    /// Every column, in the template's order.
    pub const ALL: [Column; 13] = [
        Column::EmployeeNumber,
        Column::FamilyName,
        Column::GivenName,
        Column::FamilyNameKana,
        Column::GivenNameKana,
        Column::BirthDate,
        Column::PostalCode,
        Column::Address,
        Column::Email,
        Column::Department,
        Column::EmploymentType,
        Column::HireDate,
        Column::LeaveDate,
    ];

    /// The header HR staff write, and the name every error message uses: `社員番号`.
    pub const fn japanese_name(self) -> &'static str {
        match self {
            Column::EmployeeNumber => "社員番号",
            Column::FamilyName => "姓",
            Column::GivenName => "名",
            Column::FamilyNameKana => "姓カナ",
            Column::GivenNameKana => "名カナ",
            Column::BirthDate => "生年月日",
            Column::PostalCode => "郵便番号",
            Column::Address => "住所",
            Column::Email => "メールアドレス",
            Column::Department => "部署",
            Column::EmploymentType => "雇用区分",
            Column::HireDate => "入社日",
            Column::LeaveDate => "退職日",
        }
    }

    /// The English key, accepted as a header too: `employee_number`.
    pub const fn key(self) -> &'static str {
        match self {
            Column::EmployeeNumber => "employee_number",
            Column::FamilyName => "family_name",
            Column::GivenName => "given_name",
            Column::FamilyNameKana => "family_name_kana",
            Column::GivenNameKana => "given_name_kana",
            Column::BirthDate => "birth_date",
            Column::PostalCode => "postal_code",
            Column::Address => "address",
            Column::Email => "email",
            Column::Department => "department",
            Column::EmploymentType => "employment_type",
            Column::HireDate => "hire_date",
            Column::LeaveDate => "leave_date",
        }
    }

    /// Whether the header must name the column and every row fill it.
    pub const fn is_required(self) -> bool {
        !matches!(
            self,
            Column::Email | Column::Department | Column::HireDate | Column::LeaveDate
        )
    }

    /// Recognises a header cell: the Japanese name or the English key, with full-width letters,
    /// half-width kana, surrounding spaces and a required-marker (`※`, `*`, `（必須）`) tolerated.
    pub fn from_header(text: &str) -> Option<Column> {
        let folded = fold_width(trim(text));
        let mut name = trim(&folded);
        for marker in ["(必須)", "※", "*"] {
            name = trim(name.strip_suffix(marker).unwrap_or(name));
            name = trim(name.strip_prefix(marker).unwrap_or(name));
        }
        let kana = to_katakana(name);
        let key = name.to_ascii_lowercase().replace([' ', '-'], "_");
        Column::ALL
            .into_iter()
            .find(|column| column.japanese_name() == kana || column.key() == key)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.japanese_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_japanese_names_and_english_keys() {
        for column in Column::ALL {
            assert_eq!(Column::from_header(column.japanese_name()), Some(column));
            assert_eq!(Column::from_header(column.key()), Some(column));
        }
        assert_eq!(Column::from_header(" 姓ｶﾅ "), Some(Column::FamilyNameKana));
        assert_eq!(
            Column::from_header("社員番号（必須）"),
            Some(Column::EmployeeNumber)
        );
        assert_eq!(
            Column::from_header("※社員番号"),
            Some(Column::EmployeeNumber)
        );
        assert_eq!(
            Column::from_header("Employee Number"),
            Some(Column::EmployeeNumber)
        );
        assert_eq!(Column::from_header("ｅｍａｉｌ"), Some(Column::Email));
        assert_eq!(Column::from_header("電話番号"), None);
        assert_eq!(Column::from_header(""), None);
    }
}
