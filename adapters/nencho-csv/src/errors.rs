//! What is wrong with an import file, in Japanese, by row and column as Excel shows them.

use std::fmt;

use crate::columns::Column;
use crate::encoding::CsvEncoding;

/// One problem in one cell (or, with no column, in a whole row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The row as Excel numbers it: the header is row 1, and a cell with a line break does not
    /// start a new row.
    pub row: u64,
    /// `None` when the problem is the row as a whole (a wrong number of columns).
    pub column: Option<Column>,
    /// What is wrong and how to put it right, in Japanese.
    pub message: String,
}

impl CellError {
    /// The column's Japanese header, or `""` for a problem of the whole row.
    pub fn column_name(&self) -> &'static str {
        self.column.map_or("", Column::japanese_name)
    }
}

/// `3行目・生年月日: …`, or `3行目: …` for the whole row.
impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "{}行目・{column}: {}", self.row, self.message),
            None => write!(f, "{}行目: {}", self.row, self.message),
        }
    }
}

/// Every problem of one row, so that the administrator fixes the row once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowErrors {
    pub row: u64,
    /// The row's employee number when it could be read, to name the employee in the preview.
    pub employee_number: Option<String>,
    /// Never empty.
    pub errors: Vec<CellError>,
}

impl fmt::Display for RowErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.errors.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// A problem with the header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// A header this import does not know. `position` counts columns from 1 (A = 1).
    Unknown { name: String, position: usize },
    /// A required column is not in the header.
    Missing(Column),
    /// The same column twice.
    Duplicated {
        column: Column,
        first: usize,
        second: usize,
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::Unknown { name, position } => write!(
                f,
                "{position}列目の見出し「{name}」は使えない列名です（使える列名は取り込み用テンプレートをご覧ください）"
            ),
            HeaderError::Missing(column) => write!(f, "必須の列「{column}」が見出しにありません"),
            HeaderError::Duplicated {
                column,
                first,
                second,
            } => write!(f, "列「{column}」が{first}列目と{second}列目の2回あります"),
        }
    }
}

/// A problem that stops the whole file from being read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("ファイルが空です。1行目に見出し（社員番号、姓、名、…）が必要です")]
    Empty,
    #[error(
        "UTF-16 のファイルには対応していません。Excel の「名前を付けて保存」で「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」を選んでください"
    )]
    Utf16,
    /// Bytes that are not text in the encoding read, first met in `row`.
    #[error(
        "{row}行目に {encoding} として読めない文字があります。文字コード（UTF-8 または Shift_JIS）を確認するか、指定して読み込み直してください"
    )]
    Undecodable { encoding: CsvEncoding, row: u64 },
    #[error("見出し行（1行目）に問題があります: {}", join(.0))]
    Header(Vec<HeaderError>),
    #[error("ファイルを読み込めませんでした（{0}）")]
    Read(String),
}

impl FileError {
    /// The problem as cell errors (row 1 for the header), for a preview that lists everything
    /// the same way.
    pub fn to_cell_errors(&self) -> Vec<CellError> {
        match self {
            FileError::Header(problems) => problems
                .iter()
                .map(|problem| CellError {
                    row: 1,
                    column: match problem {
                        HeaderError::Unknown { .. } => None,
                        HeaderError::Missing(column) | HeaderError::Duplicated { column, .. } => {
                            Some(*column)
                        }
                    },
                    message: problem.to_string(),
                })
                .collect(),
            FileError::Undecodable { row, .. } => vec![CellError {
                row: *row,
                column: None,
                message: self.to_string(),
            }],
            _ => vec![CellError {
                row: 1,
                column: None,
                message: self.to_string(),
            }],
        }
    }
}

fn join(problems: &[HeaderError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("／")
}
