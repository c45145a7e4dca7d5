//! The records of a decoded CSV file with their rows as Excel numbers them: a line break inside
//! a quoted cell does not start a row. Shared by every reader of this crate, so an error names
//! the same row in every import.

use std::io::Read;

use nencho_kernel::text::trim;

use crate::encoding::{CsvEncoding, DecodingReader, Source, Undecodable};
use crate::errors::FileError;

pub(crate) struct Records<R: Read> {
    csv: csv::Reader<DecodingReader<Source<R>>>,
    pub(crate) encoding: CsvEncoding,
    /// The record last read.
    pub(crate) record: csv::StringRecord,
    /// Line breaks inside quoted cells so far: physical lines Excel does not count as rows.
    breaks_in_cells: u64,
    /// The row of the record last read.
    pub(crate) last_row: u64,
}

impl<R: Read> Records<R> {
    pub(crate) fn new(encoding: CsvEncoding, decoded: DecodingReader<Source<R>>) -> Self {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            // LF alone ends a record; the CR of CRLF stays at the end of the last cell, where
            // trimming removes it. (With CRLF as terminator the crate's positions drift.)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(decoded);
        Self {
            csv,
            encoding,
            record: csv::StringRecord::new(),
            breaks_in_cells: 0,
            last_row: 0,
        }
    }

    /// Reads the next record into [`Records::record`] and returns its row.
    pub(crate) fn next_record(&mut self) -> Result<Option<u64>, FileError> {
        match self.csv.read_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let start = self.record.position().map_or(0, csv::Position::byte);
                let line_feeds = self.csv.get_mut().line_feeds_before(start);
                let row = (line_feeds + 1).saturating_sub(self.breaks_in_cells);
                let breaks: usize = self
                    .record
                    .iter()
                    .map(|cell| cell.bytes().filter(|&byte| byte == b'\n').count())
                    .sum();
                self.breaks_in_cells += u64::try_from(breaks).unwrap_or(0);
                self.last_row = row;
                Ok(Some(row))
            }
            Err(error) => Err(self.file_error(error)),
        }
    }

    fn file_error(&self, error: csv::Error) -> FileError {
        let undecodable = FileError::Undecodable {
            encoding: self.encoding,
            row: self.last_row + 1,
        };
        match error.into_kind() {
            csv::ErrorKind::Io(error) => {
                if error
                    .get_ref()
                    .is_some_and(|inner| inner.downcast_ref::<Undecodable>().is_some())
                {
                    undecodable
                } else {
                    FileError::Read(error.to_string())
                }
            }
            // Cannot happen after decoding, but means the same thing.
            csv::ErrorKind::Utf8 { .. } => undecodable,
            other => FileError::Read(format!("{other:?}")),
        }
    }

    /// Whether every cell of the record last read is blank (such rows are skipped).
    pub(crate) fn is_blank(&self) -> bool {
        self.record.iter().all(|cell| trim(cell).is_empty())
    }
}
