//! The streaming reader of the employee import and the whole-file validation of the preview.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Read;

use crate::columns::Column;
use crate::employee::{EmployeeRow, RowValues, parse_row};
use crate::encoding::{CsvEncoding, Detected, detect};
use crate::errors::{CellError, FileError, HeaderError, RowErrors};
use crate::records::Records;
use nencho_kernel::text::trim;

/// How to read an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// `None` detects it: a UTF-8 byte-order mark, else valid UTF-8, else Shift_JIS (CP932).
    pub encoding: Option<CsvEncoding>,
    /// How many errors [`validate_all`] keeps for the preview; it counts them all.
    pub max_errors: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            encoding: None,
            max_errors: 1_000,
        }
    }
}

/// Reads employees from CSV one row at a time, holding only the current record in memory.
///
/// Created by [`EmployeeCsvReader::new`], which reads the header; then iterate. Rows made only
/// of empty cells (Excel writes them for rows that were once used) are skipped. If the file
/// cannot be read further (bytes that are not text, an I/O error), the iterator yields one last
/// `Err` whose message says so and then ends; [`EmployeeCsvReader::failure`] returns the cause.
pub struct EmployeeCsvReader<R: Read> {
    records: Records<R>,
    /// The column of each position in the header, `None` for a blank header cell.
    header: Vec<Option<Column>>,
    /// The position of each column of [`Column::ALL`] in the header.
    positions: [Option<usize>; Column::ALL.len()],
    failure: Option<FileError>,
    done: bool,
}

impl<R: Read> std::fmt::Debug for EmployeeCsvReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmployeeCsvReader")
            .field("encoding", &self.records.encoding)
            .field("header", &self.header)
            .field("last_row", &self.records.last_row)
            .finish_non_exhaustive()
    }
}

impl<R: Read> EmployeeCsvReader<R> {
    /// Detects the encoding and reads the header line, refusing unknown, duplicated and missing
    /// columns (all of them listed at once).
    pub fn new(input: R, options: &ImportOptions) -> Result<Self, FileError> {
        let (encoding, decoded) = match detect(input, options.encoding) {
            Ok(Detected::Text { encoding, reader }) => (encoding, reader),
            Ok(Detected::Empty) => return Err(FileError::Empty),
            Ok(Detected::Utf16) => return Err(FileError::Utf16),
            Err(error) => return Err(FileError::Read(error.to_string())),
        };
        let mut reader = Self {
            records: Records::new(encoding, decoded),
            header: Vec::new(),
            positions: [None; Column::ALL.len()],
            failure: None,
            done: false,
        };
        loop {
            match reader.records.next_record()? {
                None => return Err(FileError::Empty),
                Some(_) if reader.records.is_blank() => continue,
                Some(_) => break,
            }
        }
        reader.read_header()?;
        Ok(reader)
    }

    /// The encoding read (detected or chosen).
    pub fn encoding(&self) -> CsvEncoding {
        self.records.encoding
    }

    /// The columns the header names, in the file's order.
    pub fn columns(&self) -> Vec<Column> {
        self.header.iter().flatten().copied().collect()
    }

    /// Why reading stopped early, if it did.
    pub fn failure(&self) -> Option<&FileError> {
        self.failure.as_ref()
    }

    fn read_header(&mut self) -> Result<(), FileError> {
        let mut problems = Vec::new();
        for (index, cell) in self.records.record.iter().enumerate() {
            let position = index + 1;
            let name = trim(cell);
            let column = if name.is_empty() {
                None
            } else if let Some(column) = Column::from_header(name) {
                let slot = Column::ALL.iter().position(|&c| c == column);
                match slot.and_then(|slot| self.positions.get_mut(slot)) {
                    Some(Some(first)) => {
                        problems.push(HeaderError::Duplicated {
                            column,
                            first: *first + 1,
                            second: position,
                        });
                        None
                    }
                    Some(empty) => {
                        *empty = Some(index);
                        Some(column)
                    }
                    None => None,
                }
            } else {
                problems.push(HeaderError::Unknown {
                    name: name.to_owned(),
                    position,
                });
                None
            };
            self.header.push(column);
        }
        for (column, position) in Column::ALL.iter().zip(self.positions) {
            if column.is_required() && position.is_none() {
                problems.push(HeaderError::Missing(*column));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(FileError::Header(problems))
        }
    }

    fn parse_record(&self, row: u64) -> Result<EmployeeRow, RowErrors> {
        let cell = |column: Column| {
            let slot = Column::ALL.iter().position(|&c| c == column)?;
            let position = (*self.positions.get(slot)?)?;
            self.records.record.get(position)
        };
        if self.records.record.len() != self.header.len() {
            return Err(RowErrors {
                row,
                employee_number: cell(Column::EmployeeNumber)
                    .map(|number| trim(number).to_owned())
                    .filter(|number| !number.is_empty()),
                errors: vec![CellError {
                    row,
                    column: None,
                    message: format!(
                        "列の数が見出し行と合いません（見出しは{}列、この行は{}列です）。値の中のコンマ（,）は値全体を \" で囲んでください",
                        self.header.len(),
                        self.records.record.len()
                    ),
                }],
            });
        }
        let values: RowValues<'_> = Column::ALL.map(cell);
        let mut result = parse_row(row, &values);
        let stray: Vec<CellError> = self
            .header
            .iter()
            .zip(self.records.record.iter())
            .enumerate()
            .filter(|(_, (column, cell))| column.is_none() && !trim(cell).is_empty())
            .map(|(index, _)| CellError {
                row,
                column: None,
                message: format!(
                    "{}列目は見出しが空ですが値があります。見出しを付けるか値を消してください",
                    index + 1
                ),
            })
            .collect();
        if !stray.is_empty() {
            result = match result {
                Ok(employee) => Err(RowErrors {
                    row,
                    employee_number: Some(employee.employee_number),
                    errors: stray,
                }),
                Err(mut errors) => {
                    errors.errors.extend(stray);
                    Err(errors)
                }
            };
        }
        result
    }
}

impl<R: Read> Iterator for EmployeeCsvReader<R> {
    type Item = Result<EmployeeRow, RowErrors>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            match self.records.next_record() {
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(_)) if self.records.is_blank() => continue,
                Ok(Some(row)) => return Some(self.parse_record(row)),
                Err(failure) => {
                    self.done = true;
                    let errors = failure.to_cell_errors();
                    let row = errors
                        .first()
                        .map_or(self.records.last_row + 1, |error| error.row);
                    self.failure = Some(failure);
                    return Some(Err(RowErrors {
                        row,
                        employee_number: None,
                        errors,
                    }));
                }
            }
        }
    }
}

/// The outcome of validating a whole file, for the preview screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    pub encoding: CsvEncoding,
    /// Data rows read (blank rows not counted).
    pub rows: u64,
    /// Rows without any error.
    pub valid_rows: u64,
    pub rows_with_errors: u64,
    /// The first [`ImportOptions::max_errors`] errors, in file order.
    pub errors: Vec<CellError>,
    /// Every error, including those beyond `errors`.
    pub error_count: u64,
}

impl ImportPreview {
    /// Whether the file can be applied as it is.
    pub fn is_valid(&self) -> bool {
        self.error_count == 0
    }

    /// Whether more errors were found than `errors` holds.
    pub fn errors_truncated(&self) -> bool {
        self.error_count > u64::try_from(self.errors.len()).unwrap_or(u64::MAX)
    }
}

/// Validates every row of a file, and that no employee number appears twice, in bounded memory
/// (the file is streamed; only the employee numbers seen and the kept errors are held).
pub fn validate_all<R: Read>(
    input: R,
    options: &ImportOptions,
) -> Result<ImportPreview, FileError> {
    validate_all_with(input, options, |_| {})
}

/// [`validate_all`], handing each valid row (not a duplicate of an earlier one) to `on_row`,
/// e.g. to stage it for the apply step.
pub fn validate_all_with<R: Read>(
    input: R,
    options: &ImportOptions,
    mut on_row: impl FnMut(EmployeeRow),
) -> Result<ImportPreview, FileError> {
    let mut reader = EmployeeCsvReader::new(input, options)?;
    let mut preview = ImportPreview {
        encoding: reader.encoding(),
        rows: 0,
        valid_rows: 0,
        rows_with_errors: 0,
        errors: Vec::new(),
        error_count: 0,
    };
    let mut first_rows: HashMap<Box<str>, u64> = HashMap::new();
    while let Some(item) = reader.next() {
        if let Some(failure) = reader.failure.take() {
            return Err(failure);
        }
        preview.rows += 1;
        let (employee_number, row) = match &item {
            Ok(employee) => (Some(&employee.employee_number), employee.row),
            Err(errors) => (errors.employee_number.as_ref(), errors.row),
        };
        let duplicate =
            employee_number.and_then(|number| match first_rows.entry(number.as_str().into()) {
                Entry::Occupied(first) => Some(CellError {
                    row,
                    column: Some(Column::EmployeeNumber),
                    message: format!(
                        "社員番号「{}」が{}行目と重複しています（{}行目と{row}行目）",
                        first.key(),
                        first.get(),
                        first.get()
                    ),
                }),
                Entry::Vacant(slot) => {
                    slot.insert(row);
                    None
                }
            });
        let errors = match (item, duplicate) {
            (Ok(employee), None) => {
                preview.valid_rows += 1;
                on_row(employee);
                continue;
            }
            (Ok(_), Some(duplicate)) => vec![duplicate],
            (Err(row_errors), duplicate) => {
                let mut errors = row_errors.errors;
                errors.extend(duplicate);
                errors
            }
        };
        preview.rows_with_errors += 1;
        preview.error_count += u64::try_from(errors.len()).unwrap_or(0);
        let room = options.max_errors.saturating_sub(preview.errors.len());
        preview.errors.extend(errors.into_iter().take(room));
    }
    Ok(preview)
}
