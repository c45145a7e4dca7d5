//! The payroll totals of the year-end settlement (年末調整の精算, YEA-5): one row per employee
//! with the year's salary, the tax withheld and what was withheld from salary, as the payroll
//! system writes them. Read with the employee import's conventions: UTF-8 (with or without BOM)
//! or Shift_JIS (CP932) detected, Japanese or English headers in any order, full-width digits
//! and `1,234,000円` amounts, and every problem of every row reported in Japanese by row and
//! column as Excel numbers them. Nothing is returned unless the whole file is right.
//!
//! Columns: docs/payroll-export.md, section 「年末調整の精算 (settlement)」.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::Read;

use nencho_kernel::Yen;
use nencho_kernel::text::{fold_width, to_katakana, trim};
use nencho_tenancy::EmployeeNumber;

use crate::encoding::{CsvEncoding, Detected, detect, encode};
use crate::errors::FileError;
use crate::records::Records;

/// A column of the payroll totals, in the template's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TotalsColumn {
    /// 社員番号.
    EmployeeNumber,
    /// 給与等の総額: the year's salaries and bonuses (non-taxable allowances excluded).
    SalaryTotal,
    /// 徴収税額: the tax withheld in the year, the last salary's included if computed.
    TaxWithheld,
    /// 社会保険料等: withheld from salary.
    SocialInsurance,
    /// 未徴収税額: the part of 徴収税額 not yet withheld (optional).
    LastSalaryTaxUnwithheld,
    /// 小規模企業共済等掛金: withheld from salary (optional).
    MutualAid,
    /// 徴収猶予税額: the tax not withheld under 災害減免法 (optional; only for an employee set
    /// aside for it).
    DeferredTax,
}

impl TotalsColumn {
    /// Every column, in the template's order.
    pub const ALL: [TotalsColumn; 7] = [
        TotalsColumn::EmployeeNumber,
        TotalsColumn::SalaryTotal,
        TotalsColumn::TaxWithheld,
        TotalsColumn::SocialInsurance,
        TotalsColumn::LastSalaryTaxUnwithheld,
        TotalsColumn::MutualAid,
        TotalsColumn::DeferredTax,
    ];

    /// The header payroll staff write, and the name every message uses.
    pub const fn japanese_name(self) -> &'static str {
        match self {
            TotalsColumn::EmployeeNumber => "社員番号",
            TotalsColumn::SalaryTotal => "給与等の総額",
            TotalsColumn::TaxWithheld => "徴収税額",
            TotalsColumn::SocialInsurance => "社会保険料等",
            TotalsColumn::LastSalaryTaxUnwithheld => "未徴収税額",
            TotalsColumn::MutualAid => "小規模企業共済等掛金",
            TotalsColumn::DeferredTax => "徴収猶予税額",
        }
    }

    /// The English key, accepted as a header too (the calculator API's field names).
    pub const fn key(self) -> &'static str {
        match self {
            TotalsColumn::EmployeeNumber => "employee_number",
            TotalsColumn::SalaryTotal => "salary_total",
            TotalsColumn::TaxWithheld => "tax_withheld",
            TotalsColumn::SocialInsurance => "social_insurance",
            TotalsColumn::LastSalaryTaxUnwithheld => "last_salary_tax_unwithheld",
            TotalsColumn::MutualAid => "small_business_mutual_aid",
            TotalsColumn::DeferredTax => "tax_deferred",
        }
    }

    /// Whether the header must name the column and every row fill it.
    pub const fn is_required(self) -> bool {
        !matches!(
            self,
            TotalsColumn::LastSalaryTaxUnwithheld
                | TotalsColumn::MutualAid
                | TotalsColumn::DeferredTax
        )
    }

    /// Recognises a header cell as the employee import does: the Japanese name or the English
    /// key, full-width letters, surrounding spaces and a required marker (`※`, `*`, `（必須）`)
    /// tolerated.
    pub fn from_header(text: &str) -> Option<TotalsColumn> {
        let folded = fold_width(trim(text));
        let mut name = trim(&folded);
        for marker in ["(必須)", "(任意)", "※", "*"] {
            name = trim(name.strip_suffix(marker).unwrap_or(name));
            name = trim(name.strip_prefix(marker).unwrap_or(name));
        }
        // Hiragana and half-width kana count as katakana (the names' の as well).
        let kana = to_katakana(name);
        let key = name.to_ascii_lowercase().replace([' ', '-'], "_");
        TotalsColumn::ALL
            .into_iter()
            .find(|column| to_katakana(column.japanese_name()) == kana || column.key() == key)
    }

    fn slot(self) -> usize {
        TotalsColumn::ALL
            .iter()
            .position(|&column| column == self)
            .unwrap_or(0)
    }
}

impl fmt::Display for TotalsColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.japanese_name())
    }
}

/// One employee's payroll totals, typed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollTotalsRow {
    /// The row as Excel numbers it (the header is row 1).
    pub row: u64,
    pub employee_number: EmployeeNumber,
    pub salary_total: Yen,
    pub tax_withheld: Yen,
    pub social_insurance: Yen,
    /// 0 when the column is absent or the cell empty.
    pub last_salary_tax_unwithheld: Yen,
    /// 0 when the column is absent or the cell empty.
    pub small_business_mutual_aid: Yen,
    /// 0 when the column is absent or the cell empty.
    pub tax_deferred: Yen,
}

/// One problem in one cell (or, with no column, in a whole row or the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsError {
    /// The row as Excel numbers it; 1 for the header and the file as a whole.
    pub row: u64,
    pub column: Option<TotalsColumn>,
    /// What is wrong and how to put it right, in Japanese.
    pub message: String,
}

impl TotalsError {
    /// The column's Japanese header, or `""` for a problem of the whole row.
    pub fn column_name(&self) -> &'static str {
        self.column.map_or("", TotalsColumn::japanese_name)
    }
}

/// `3行目・徴収税額: …`, or `3行目: …` for the whole row.
impl fmt::Display for TotalsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "{}行目・{column}: {}", self.row, self.message),
            None => write!(f, "{}行目: {}", self.row, self.message),
        }
    }
}

/// A file read without a single problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollTotals {
    pub encoding: CsvEncoding,
    /// In file order; blank rows skipped.
    pub rows: Vec<PayrollTotalsRow>,
}

/// Every problem found (at most [`MAX_TOTALS_ERRORS`] kept) and how many there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsErrors {
    pub errors: Vec<TotalsError>,
    pub error_count: u64,
}

/// How many errors are kept for the page; all are counted.
pub const MAX_TOTALS_ERRORS: usize = 1_000;

/// The largest amount accepted, as the tax engine's.
const MAXIMUM_AMOUNT: i64 = 999_999_999_999;

/// Reads the payroll totals; `encoding` `None` detects it (a UTF-8 byte-order mark, else valid
/// UTF-8, else Shift_JIS). Returns the rows only when every row is right, else every problem of
/// every row (an employee number twice included).
pub fn read_payroll_totals<R: Read>(
    input: R,
    encoding: Option<CsvEncoding>,
) -> Result<PayrollTotals, TotalsErrors> {
    let file_failure = |error: FileError| TotalsErrors {
        errors: file_errors(&error),
        error_count: 1,
    };
    let (encoding, decoded) = match detect(input, encoding) {
        Ok(Detected::Text { encoding, reader }) => (encoding, reader),
        Ok(Detected::Empty) => return Err(empty()),
        Ok(Detected::Utf16) => return Err(file_failure(FileError::Utf16)),
        Err(error) => return Err(file_failure(FileError::Read(error.to_string()))),
    };
    let mut records = Records::new(encoding, decoded);
    let header = loop {
        match records.next_record() {
            Ok(None) => return Err(empty()),
            Ok(Some(_)) if records.is_blank() => continue,
            Ok(Some(_)) => break read_header(&records.record),
            Err(error) => return Err(file_failure(error)),
        }
    };
    let (positions, width) = header.map_err(|errors| TotalsErrors {
        error_count: u64::try_from(errors.len()).unwrap_or(u64::MAX),
        errors,
    })?;
    let mut rows = Vec::new();
    let mut failures = TotalsErrors {
        errors: Vec::new(),
        error_count: 0,
    };
    let mut first_rows: HashMap<String, u64> = HashMap::new();
    loop {
        let row = match records.next_record() {
            Ok(None) => break,
            Ok(Some(_)) if records.is_blank() => continue,
            Ok(Some(row)) => row,
            Err(error) => {
                push_errors(&mut failures, file_errors(&error));
                break;
            }
        };
        let mut errors = Vec::new();
        let parsed = parse_record(row, &records.record, &positions, width, &mut errors);
        if let Some(parsed) = &parsed {
            match first_rows.entry(parsed.employee_number.as_str().to_owned()) {
                Entry::Occupied(first) => errors.push(TotalsError {
                    row,
                    column: Some(TotalsColumn::EmployeeNumber),
                    message: format!(
                        "社員番号「{}」が{}行目と重複しています",
                        first.key(),
                        first.get()
                    ),
                }),
                Entry::Vacant(slot) => {
                    slot.insert(row);
                }
            }
        }
        match parsed {
            Some(parsed) if errors.is_empty() => rows.push(parsed),
            _ => push_errors(&mut failures, errors),
        }
    }
    if failures.error_count > 0 {
        Err(failures)
    } else {
        Ok(PayrollTotals { encoding, rows })
    }
}

fn push_errors(failures: &mut TotalsErrors, errors: Vec<TotalsError>) {
    failures.error_count += u64::try_from(errors.len()).unwrap_or(0);
    let room = MAX_TOTALS_ERRORS.saturating_sub(failures.errors.len());
    failures.errors.extend(errors.into_iter().take(room));
}

fn empty() -> TotalsErrors {
    TotalsErrors {
        errors: vec![TotalsError {
            row: 1,
            column: None,
            message: "ファイルが空です。1行目に見出し（社員番号、給与等の総額、徴収税額、社会保険料等、…）が必要です".to_owned(),
        }],
        error_count: 1,
    }
}

/// A problem of the file as a whole, as one error at the row it was met.
fn file_errors(error: &FileError) -> Vec<TotalsError> {
    let row = match error {
        FileError::Undecodable { row, .. } => *row,
        _ => 1,
    };
    vec![TotalsError {
        row,
        column: None,
        message: error.to_string(),
    }]
}

/// The position of each column in the header, and the header's width; or every problem of the
/// header (row 1).
type Header = ([Option<usize>; TotalsColumn::ALL.len()], usize);

fn read_header(record: &csv::StringRecord) -> Result<Header, Vec<TotalsError>> {
    let mut positions = [None; TotalsColumn::ALL.len()];
    let mut errors = Vec::new();
    let header_error = |column: Option<TotalsColumn>, message: String| TotalsError {
        row: 1,
        column,
        message,
    };
    for (index, cell) in record.iter().enumerate() {
        let name = trim(cell);
        if name.is_empty() {
            continue;
        }
        match TotalsColumn::from_header(name) {
            Some(column) => match positions.get_mut(column.slot()) {
                Some(Some(first)) => errors.push(header_error(
                    Some(column),
                    format!(
                        "列「{column}」が{}列目と{}列目の2回あります",
                        *first + 1,
                        index + 1
                    ),
                )),
                Some(slot) => *slot = Some(index),
                None => {}
            },
            None => errors.push(header_error(
                None,
                format!(
                    "{}列目の見出し「{name}」は使えない列名です（使える列名: {}）",
                    index + 1,
                    TotalsColumn::ALL
                        .map(TotalsColumn::japanese_name)
                        .join("、")
                ),
            )),
        }
    }
    for column in TotalsColumn::ALL {
        if column.is_required() && positions.get(column.slot()).copied().flatten().is_none() {
            errors.push(header_error(
                Some(column),
                format!("必須の列「{column}」が見出しにありません"),
            ));
        }
    }
    if errors.is_empty() {
        Ok((positions, record.len()))
    } else {
        Err(errors)
    }
}

/// Checks every cell of a row, recording each problem; `None` when any cell is wrong.
fn parse_record(
    row: u64,
    record: &csv::StringRecord,
    positions: &[Option<usize>; TotalsColumn::ALL.len()],
    width: usize,
    errors: &mut Vec<TotalsError>,
) -> Option<PayrollTotalsRow> {
    let value = |column: TotalsColumn| -> &str {
        positions
            .get(column.slot())
            .copied()
            .flatten()
            .and_then(|position| record.get(position))
            .map_or("", trim)
    };
    if record.len() != width {
        errors.push(TotalsError {
            row,
            column: None,
            message: format!(
                "列の数が見出し行と合いません（見出しは{width}列、この行は{}列です）。値の中のコンマ（,）は値全体を \" で囲んでください",
                record.len()
            ),
        });
        return None;
    }
    let mut error = |column: TotalsColumn, message: String| {
        errors.push(TotalsError {
            row,
            column: Some(column),
            message: format!("{column}{message}"),
        });
    };
    let number_text = value(TotalsColumn::EmployeeNumber);
    let employee_number = if number_text.is_empty() {
        error(
            TotalsColumn::EmployeeNumber,
            "が入力されていません".to_owned(),
        );
        None
    } else {
        match EmployeeNumber::parse(number_text) {
            Ok(number) => Some(number),
            Err(_) => {
                error(
                    TotalsColumn::EmployeeNumber,
                    format!(
                        "{}は半角英数字・ハイフン（-）・アンダースコア（_）の{}文字以内で入力してください",
                        quoted(number_text),
                        EmployeeNumber::MAX_LENGTH
                    ),
                );
                None
            }
        }
    };
    let mut amount = |column: TotalsColumn| -> Option<Yen> {
        let text = value(column);
        if text.is_empty() {
            if column.is_required() {
                error(column, "が入力されていません".to_owned());
                return None;
            }
            return Some(Yen::ZERO);
        }
        match Yen::parse_typed(text) {
            Ok(yen) if yen.amount() > MAXIMUM_AMOUNT => {
                error(
                    column,
                    format!("{}が大きすぎます（999,999,999,999円まで）", quoted(text)),
                );
                None
            }
            Ok(yen) => Some(yen),
            Err(nencho_kernel::YenParseError::Negative) => {
                error(
                    column,
                    format!("{}は0円以上で入力してください", quoted(text)),
                );
                None
            }
            Err(_) => {
                error(
                    column,
                    format!(
                        "{}は円単位の数字で入力してください（例: 5000000、5,000,000）",
                        quoted(text)
                    ),
                );
                None
            }
        }
    };
    let salary_total = amount(TotalsColumn::SalaryTotal);
    let tax_withheld = amount(TotalsColumn::TaxWithheld);
    let social_insurance = amount(TotalsColumn::SocialInsurance);
    let unwithheld = amount(TotalsColumn::LastSalaryTaxUnwithheld);
    let mutual_aid = amount(TotalsColumn::MutualAid);
    let tax_deferred = amount(TotalsColumn::DeferredTax);
    if let (Some(withheld), Some(unwithheld)) = (tax_withheld, unwithheld)
        && unwithheld > withheld
    {
        error(
            TotalsColumn::LastSalaryTaxUnwithheld,
            format!(
                "（{}）が徴収税額（{}）を超えています。未徴収税額は徴収税額のうちまだ徴収していない額です",
                unwithheld, withheld
            ),
        );
        return None;
    }
    Some(PayrollTotalsRow {
        row,
        employee_number: employee_number?,
        salary_total: salary_total?,
        tax_withheld: tax_withheld?,
        social_insurance: social_insurance?,
        last_salary_tax_unwithheld: unwithheld?,
        small_business_mutual_aid: mutual_aid?,
        tax_deferred: tax_deferred?,
    })
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

/// The example row of the template, in [`TotalsColumn::ALL`]'s order.
const EXAMPLE: [&str; TotalsColumn::ALL.len()] =
    ["E0001", "5000000", "120000", "720000", "0", "0", "0"];

/// The downloadable template: the header and one example row, with Excel's CRLF line ends, in
/// UTF-8 with a byte-order mark or in Shift_JIS (CP932).
pub fn payroll_totals_template(encoding: CsvEncoding) -> Vec<u8> {
    let header = TotalsColumn::ALL.map(TotalsColumn::japanese_name).join(",");
    let text = format!("{header}\r\n{}\r\n", EXAMPLE.join(","));
    encode(&text, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "社員番号,給与等の総額,徴収税額,社会保険料等,未徴収税額,小規模企業共済等掛金";

    fn read(bytes: &[u8]) -> Result<PayrollTotals, TotalsErrors> {
        read_payroll_totals(bytes, None)
    }

    fn cp932(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_a_bom_is_read_with_optional_columns_defaulting_to_zero() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(
            "社員番号,給与等の総額,徴収税額,社会保険料等\r\nE0001,5000000,120000,720000\r\n\r\n0002,\"4,800,000\",98000,700000\r\n"
                .as_bytes(),
        );
        let totals = read(&bytes).unwrap();
        assert_eq!(totals.encoding, CsvEncoding::Utf8);
        assert_eq!(
            totals.rows,
            vec![
                PayrollTotalsRow {
                    row: 2,
                    employee_number: EmployeeNumber::parse("E0001").unwrap(),
                    salary_total: Yen::new(5_000_000),
                    tax_withheld: Yen::new(120_000),
                    social_insurance: Yen::new(720_000),
                    last_salary_tax_unwithheld: Yen::ZERO,
                    small_business_mutual_aid: Yen::ZERO,
                    tax_deferred: Yen::ZERO,
                },
                PayrollTotalsRow {
                    row: 4,
                    employee_number: EmployeeNumber::parse("0002").unwrap(),
                    salary_total: Yen::new(4_800_000),
                    tax_withheld: Yen::new(98_000),
                    social_insurance: Yen::new(700_000),
                    last_salary_tax_unwithheld: Yen::ZERO,
                    small_business_mutual_aid: Yen::ZERO,
                    tax_deferred: Yen::ZERO,
                },
            ]
        );
    }

    #[test]
    fn cp932_with_full_width_digits_and_english_headers_in_any_order() {
        let text = "徴収税額,社員番号,social_insurance,給与等の総額,未徴収税額,小規模企業共済等掛金,徴収猶予税額\r\n\
                    １２０，０００円,Ｅ０００１,７２００００,\"¥5,000,000\",１５０００,２３０００,８０００\r\n";
        let totals = read(&cp932(text)).unwrap();
        assert_eq!(totals.encoding, CsvEncoding::ShiftJis);
        let row = &totals.rows[0];
        assert_eq!(row.employee_number.as_str(), "E0001");
        assert_eq!(row.tax_withheld, Yen::new(120_000));
        assert_eq!(row.social_insurance, Yen::new(720_000));
        assert_eq!(row.salary_total, Yen::new(5_000_000));
        assert_eq!(row.last_salary_tax_unwithheld, Yen::new(15_000));
        assert_eq!(row.small_business_mutual_aid, Yen::new(23_000));
        assert_eq!(row.tax_deferred, Yen::new(8_000));
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column_and_no_row_is_returned() {
        let text = format!(
            "{HEADER}\r\nE0001,5000000,120000,720000,,\r\nE0002,五百万,-1,,200000,\r\nE0003,1,100,0,200,\r\nE0001,1,1,1,,\r\nE0004,1,2\r\n"
        );
        let errors = read(text.as_bytes()).unwrap_err();
        let shown: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "3行目・給与等の総額: 給与等の総額「五百万」は円単位の数字で入力してください（例: 5000000、5,000,000）",
                "3行目・徴収税額: 徴収税額「-1」は0円以上で入力してください",
                "3行目・社会保険料等: 社会保険料等が入力されていません",
                "4行目・未徴収税額: 未徴収税額（200円）が徴収税額（100円）を超えています。未徴収税額は徴収税額のうちまだ徴収していない額です",
                "5行目・社員番号: 社員番号「E0001」が2行目と重複しています",
                "6行目: 列の数が見出し行と合いません（見出しは6列、この行は3列です）。値の中のコンマ（,）は値全体を \" で囲んでください",
            ]
        );
        assert_eq!(errors.error_count, 6);
        assert_eq!(errors.errors[0].row, 3);
        assert_eq!(errors.errors[0].column_name(), "給与等の総額");
    }

    #[test]
    fn header_problems_are_listed_on_row_one() {
        let errors =
            read("社員番号,給与,徴収税額,徴収税額\r\nE0001,1,2,3\r\n".as_bytes()).unwrap_err();
        let shown: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert!(shown[0].starts_with("1行目: 2列目の見出し「給与」は使えない列名です"));
        assert_eq!(
            shown[1],
            "1行目・徴収税額: 列「徴収税額」が3列目と4列目の2回あります"
        );
        assert_eq!(
            shown[2],
            "1行目・給与等の総額: 必須の列「給与等の総額」が見出しにありません"
        );
        assert_eq!(
            shown[3],
            "1行目・社会保険料等: 必須の列「社会保険料等」が見出しにありません"
        );
        assert!(
            read(b"").unwrap_err().errors[0]
                .message
                .starts_with("ファイルが空です")
        );
    }

    #[test]
    fn bytes_that_are_not_the_chosen_encoding_are_named_by_row() {
        let mut bytes = format!("{HEADER}\r\nE0001,1,1,1,,\r\n").into_bytes();
        bytes.extend_from_slice(b"E0002,\xFF\xFE,1,1,,\r\n");
        let errors = read_payroll_totals(bytes.as_slice(), Some(CsvEncoding::Utf8)).unwrap_err();
        assert_eq!(errors.errors[0].row, 3);
        assert!(
            errors.errors[0]
                .message
                .contains("UTF-8 として読めない文字")
        );
    }

    #[test]
    fn the_template_reads_back_as_one_valid_row() {
        for encoding in [CsvEncoding::Utf8, CsvEncoding::ShiftJis] {
            let template = payroll_totals_template(encoding);
            let totals = read(&template).unwrap();
            assert_eq!(totals.encoding, encoding);
            assert_eq!(totals.rows.len(), 1);
            assert_eq!(totals.rows[0].tax_withheld, Yen::new(120_000));
        }
        assert!(payroll_totals_template(CsvEncoding::Utf8).starts_with(b"\xEF\xBB\xBF"));
    }
}
