#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod encodings;
mod files;
mod rows;
mod template;
mod validation;

use nencho_csv::{CsvEncoding, EmployeeCsvReader, EmployeeRow, ImportOptions, RowErrors};

/// The header of every test file, in the template's order.
pub const HEADER: &str = "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日";

/// A valid row with the given employee number.
pub fn valid_row(number: &str) -> String {
    format!(
        "{number},山田,太郎,ヤマダ,タロウ,1990/4/1,100-0005,東京都千代田区丸の内1-1-1,taro@example.jp,総務部,正社員,2015/4/1,"
    )
}

/// A file of the header and the given rows, CRLF-terminated as Excel writes it.
pub fn file(rows: &[&str]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text
}

pub fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!had_errors, "the test text must be representable in CP932");
    bytes.into_owned()
}

pub fn utf8_bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// Every item of a file read with the default options.
pub fn read(bytes: &[u8]) -> Vec<Result<EmployeeRow, RowErrors>> {
    EmployeeCsvReader::new(bytes, &ImportOptions::default())
        .unwrap()
        .collect()
}

pub fn read_with(bytes: &[u8], encoding: CsvEncoding) -> Vec<Result<EmployeeRow, RowErrors>> {
    let options = ImportOptions {
        encoding: Some(encoding),
        ..ImportOptions::default()
    };
    EmployeeCsvReader::new(bytes, &options).unwrap().collect()
}

/// The errors of the only row of a one-row file, as (row, column, message) triples.
pub fn errors_of(row: &str) -> Vec<(u64, &'static str, String)> {
    let items = read(file(&[row]).as_bytes());
    assert_eq!(items.len(), 1);
    let errors = items.into_iter().next().unwrap().unwrap_err();
    assert!(!errors.errors.is_empty());
    errors
        .errors
        .into_iter()
        .map(|error| (error.row, error.column_name(), error.message))
        .collect()
}
