//! The employee-import CSV of nencho, as administrators upload it from Excel: encoding
//! detection (UTF-8 with or without BOM, Shift_JIS/CP932), Japanese or English headers in any
//! order, 西暦 and 和暦 dates, full-width digits, and every problem of every row reported in
//! Japanese by row and column as Excel numbers them. Files are streamed through fixed buffers,
//! so a 100,000-row file is never held whole.
//!
//! A wire-format adapter: it knows CSV and character encodings and nothing of storage or HTTP.
//! The use case (`ImportEmployees`) feeds it the uploaded bytes and turns the typed rows into
//! employees.
//!
//! Entry points: [`validate_all`] (the preview), [`EmployeeCsvReader`] (row by row),
//! [`template`] (the downloadable template). The columns are documented in
//! `docs/employee-csv.md`.
//!
//! The payroll totals of the year-end settlement are read the same way:
//! [`read_payroll_totals`], [`payroll_totals_template`] (columns: `docs/payroll-export.md`).

mod columns;
mod employee;
mod encoding;
mod errors;
mod payroll_totals;
mod reader;
mod records;
mod template;

pub use columns::Column;
pub use employee::EmployeeRow;
pub use encoding::CsvEncoding;
pub use errors::{CellError, FileError, HeaderError, RowErrors};
pub use payroll_totals::{
    MAX_TOTALS_ERRORS, PayrollTotals, PayrollTotalsRow, TotalsColumn, TotalsError, TotalsErrors,
    payroll_totals_template, read_payroll_totals,
};
pub use reader::{
    EmployeeCsvReader, ImportOptions, ImportPreview, validate_all, validate_all_with,
};
pub use template::template;
