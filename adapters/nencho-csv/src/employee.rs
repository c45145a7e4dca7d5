//! One row of the employee import, typed and validated, with every problem of the row reported.

use nencho_kernel::{
    Date, EmailAddress, EmailAddressError, JapaneseDateError, parse_japanese_date,
};

use crate::columns::Column;
use crate::errors::{CellError, RowErrors};
use nencho_kernel::text::{fold_width, is_name_kana, to_katakana, trim};
use nencho_tenancy::{EmployeeNumber, EmploymentType, PostalCode};

/// One employee as the import file states it: the import's wire shape, typed and validated but
/// not yet an employee of the domain (matching by (company, employee number), user ids and the
/// update preview belong to the application layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeRow {
    /// The row as Excel numbers it (the header is row 1), for messages about this employee.
    pub row: u64,
    /// 社員番号: half-width letters, digits, `-` and `_`, leading zeros kept.
    pub employee_number: String,
    pub family_name: String,
    pub given_name: String,
    /// Full-width katakana, whatever kana the file used.
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: Date,
    pub postal_code: PostalCode,
    /// As written, line breaks inside the cell kept as `\n`.
    pub address: String,
    pub email: Option<EmailAddress>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub hire_date: Option<Date>,
    pub leave_date: Option<Date>,
}

const NAME_MAX: usize = 50;
const ADDRESS_MAX: usize = 200;
const DEPARTMENT_MAX: usize = 100;

/// The cells of one record, one per column (`None` when the header has no such column).
pub(crate) type RowValues<'a> = [Option<&'a str>; Column::ALL.len()];

/// Validates every cell of a row and returns the employee or every problem found.
pub(crate) fn parse_row(row: u64, values: &RowValues<'_>) -> Result<EmployeeRow, RowErrors> {
    let mut cells = Cells {
        row,
        values,
        errors: Vec::new(),
    };
    let employee_number = cells.required(Column::EmployeeNumber, employee_number);
    let family_name = cells.required(Column::FamilyName, |text| plain_text(text, NAME_MAX));
    let given_name = cells.required(Column::GivenName, |text| plain_text(text, NAME_MAX));
    let family_name_kana = cells.required(Column::FamilyNameKana, kana);
    let given_name_kana = cells.required(Column::GivenNameKana, kana);
    let birth_date = cells.required(Column::BirthDate, date);
    let postal_code = cells.required(Column::PostalCode, postal_code);
    let address = cells.required(Column::Address, address);
    let email = cells.optional(Column::Email, email);
    let department = cells.optional(Column::Department, |text| plain_text(text, DEPARTMENT_MAX));
    let employment_type = cells.required(Column::EmploymentType, employment_type);
    let hire_date = cells.optional(Column::HireDate, date);
    let leave_date = cells.optional(Column::LeaveDate, date);

    if let (Some(birth), Some(Some(hire))) = (birth_date, hire_date)
        && hire < birth
    {
        cells.error(
            Column::HireDate,
            format!(
                "入社日（{}）が生年月日（{}）より前です",
                japanese(hire),
                japanese(birth)
            ),
        );
    }
    if let (Some(Some(hire)), Some(Some(leave))) = (hire_date, leave_date)
        && leave < hire
    {
        cells.error(
            Column::LeaveDate,
            format!(
                "退職日（{}）が入社日（{}）より前です",
                japanese(leave),
                japanese(hire)
            ),
        );
    }

    let Cells { errors, .. } = cells;
    match (
        employee_number.clone(),
        family_name,
        given_name,
        family_name_kana,
        given_name_kana,
        birth_date,
        postal_code,
        address,
        email,
        department,
        employment_type,
        hire_date,
        leave_date,
    ) {
        (
            Some(employee_number),
            Some(family_name),
            Some(given_name),
            Some(family_name_kana),
            Some(given_name_kana),
            Some(birth_date),
            Some(postal_code),
            Some(address),
            Some(email),
            Some(department),
            Some(employment_type),
            Some(hire_date),
            Some(leave_date),
        ) if errors.is_empty() => Ok(EmployeeRow {
            row,
            employee_number,
            family_name,
            given_name,
            family_name_kana,
            given_name_kana,
            birth_date,
            postal_code,
            address,
            email,
            department,
            employment_type,
            hire_date,
            leave_date,
        }),
        _ => Err(RowErrors {
            row,
            employee_number,
            errors,
        }),
    }
}

/// Collects the errors of one row while its cells are read.
struct Cells<'v, 'a> {
    row: u64,
    values: &'v RowValues<'a>,
    errors: Vec<CellError>,
}

impl Cells<'_, '_> {
    fn value(&self, column: Column) -> &str {
        let index = Column::ALL.iter().position(|&c| c == column).unwrap_or(0);
        self.values
            .get(index)
            .copied()
            .flatten()
            .map(trim)
            .unwrap_or("")
    }

    fn error(&mut self, column: Column, message: String) {
        self.errors.push(CellError {
            row: self.row,
            column: Some(column),
            message,
        });
    }

    /// `None` when the cell is empty or wrong (the error is recorded).
    fn required<T>(
        &mut self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.value(column);
        if value.is_empty() {
            self.error(column, format!("{column}が入力されていません"));
            return None;
        }
        match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(message) => {
                self.error(column, format!("{column}{message}"));
                None
            }
        }
    }

    /// `Some(None)` when the cell is empty, `None` when it is wrong (the error is recorded).
    fn optional<T>(
        &mut self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        if self.value(column).is_empty() {
            return Some(None);
        }
        self.required(column, parse).map(Some)
    }
}

/// `2026年11月25日`.
fn japanese(date: Date) -> String {
    format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// A cell's value for a message: quoted, and cut short if long.
fn quoted(text: &str) -> String {
    const SHOWN: usize = 20;
    if text.chars().count() > SHOWN {
        format!("「{}…」", text.chars().take(SHOWN).collect::<String>())
    } else {
        format!("「{text}」")
    }
}

fn employee_number(text: &str) -> Result<String, String> {
    EmployeeNumber::parse(text)
        .map(|number| number.as_str().to_owned())
        .map_err(|_| {
            format!(
                "{}は半角英数字・ハイフン（-）・アンダースコア（_）の{}文字以内で入力してください",
                quoted(text),
                EmployeeNumber::MAX_LENGTH
            )
        })
}

fn plain_text(text: &str, max: usize) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("に改行や制御文字は使えません".to_owned());
    }
    check_length(text, max)?;
    Ok(text.to_owned())
}

fn check_length(text: &str, max: usize) -> Result<(), String> {
    let length = text.chars().count();
    if length > max {
        return Err(format!(
            "は{max}文字以内で入力してください（{length}文字あります）"
        ));
    }
    Ok(())
}

fn kana(text: &str) -> Result<String, String> {
    let katakana = to_katakana(text);
    if let Some(bad) = katakana.chars().find(|&c| !is_name_kana(c)) {
        return Err(format!(
            "はカタカナで入力してください（ひらがな・半角カナも使えます）。使えない文字: 「{bad}」"
        ));
    }
    check_length(&katakana, NAME_MAX)?;
    Ok(katakana)
}

fn date(text: &str) -> Result<Date, String> {
    parse_japanese_date(text).map_err(|error| match error {
        JapaneseDateError::Empty | JapaneseDateError::Format => format!(
            "{}を日付として読めません。2026/11/25、2026-11-25、20261125、令和8年11月25日、R8.11.25 のように入力してください",
            quoted(text)
        ),
        JapaneseDateError::NoSuchDate { .. } => {
            format!("{}は存在しない日付です", quoted(text))
        }
        JapaneseDateError::OutsideEra { era, .. } => {
            let last = era
                .last_day()
                .and_then(nencho_kernel::format_wareki)
                .map(|last| format!("{last}まで"))
                .unwrap_or_else(|| "現在まで".to_owned());
            let first = nencho_kernel::format_wareki(era.first_day()).unwrap_or_default();
            format!(
                "{}は{era}の期間外です（{era}は{first}から{last}）",
                quoted(text)
            )
        }
    })
}

fn postal_code(text: &str) -> Result<PostalCode, String> {
    PostalCode::parse(text).ok_or_else(|| {
        format!(
            "{}は7桁の数字で入力してください（例: 100-0013）",
            quoted(text)
        )
    })
}

fn address(text: &str) -> Result<String, String> {
    let address = text.replace("\r\n", "\n").replace('\r', "\n");
    if address.chars().any(|c| c.is_control() && c != '\n') {
        return Err("に制御文字は使えません".to_owned());
    }
    check_length(&address, ADDRESS_MAX)?;
    Ok(address)
}

fn email(text: &str) -> Result<EmailAddress, String> {
    EmailAddress::parse(&fold_width(text)).map_err(|error| match error {
        EmailAddressError::TooLong => "は254文字以内で入力してください".to_owned(),
        EmailAddressError::Shape => format!(
            "{}の形式が正しくありません（例: taro.yamada@example.jp）",
            quoted(text)
        ),
    })
}

fn employment_type(text: &str) -> Result<EmploymentType, String> {
    EmploymentType::parse(text).ok_or_else(|| {
        format!(
            "{}は 正社員・契約社員・パート・アルバイト・役員・その他 のいずれかを入力してください",
            quoted(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_come_in_many_shapes() {
        for text in [
            "1000013",
            "100-0013",
            "〒100-0013",
            "１００－００１３",
            "100ー0013",
        ] {
            let code = PostalCode::parse(text).unwrap();
            assert_eq!(code.to_string(), "100-0013", "{text}");
            assert_eq!(code.digits(), "1000013");
        }
        for text in ["100-001", "10000133", "abc-defg", ""] {
            assert_eq!(PostalCode::parse(text), None, "{text}");
        }
    }

    #[test]
    fn employment_types_in_japanese_english_and_half_width_kana() {
        assert_eq!(
            EmploymentType::parse("正社員"),
            Some(EmploymentType::Regular)
        );
        assert_eq!(
            EmploymentType::parse("REGULAR"),
            Some(EmploymentType::Regular)
        );
        assert_eq!(EmploymentType::parse("ﾊﾟｰﾄ"), Some(EmploymentType::PartTime));
        assert_eq!(
            EmploymentType::parse("アルバイト"),
            Some(EmploymentType::PartTime)
        );
        assert_eq!(
            EmploymentType::parse("パート・アルバイト"),
            Some(EmploymentType::PartTime)
        );
        assert_eq!(
            EmploymentType::parse("part-time"),
            Some(EmploymentType::PartTime)
        );
        assert_eq!(EmploymentType::parse("役員"), Some(EmploymentType::Officer));
        assert_eq!(EmploymentType::parse("その他"), Some(EmploymentType::Other));
        assert_eq!(
            EmploymentType::parse("契約社員"),
            Some(EmploymentType::Contract)
        );
        for employment_type in EmploymentType::ALL {
            assert_eq!(
                EmploymentType::parse(employment_type.japanese_name()),
                Some(employment_type)
            );
            assert_eq!(
                EmploymentType::parse(employment_type.code()),
                Some(employment_type)
            );
        }
        assert_eq!(EmploymentType::parse("派遣"), None);
    }
}
