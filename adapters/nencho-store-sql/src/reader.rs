use nencho_kernel::{Date, OffsetDateTime};
use nencho_ports::StoreError;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use crate::store_error;

/// Typed access to a row's columns, whichever database it came from.
pub trait RowReader {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn optional_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn uuid(&self, column: &str) -> Result<Uuid, StoreError>;
    fn optional_uuid(&self, column: &str) -> Result<Option<Uuid>, StoreError>;
    fn timestamp(&self, column: &str) -> Result<OffsetDateTime, StoreError>;
    fn optional_timestamp(&self, column: &str) -> Result<Option<OffsetDateTime>, StoreError>;
    /// A calendar date: `DATE` in PostgreSQL, ISO `YYYY-MM-DD` text in SQLite.
    fn date(&self, column: &str) -> Result<Date, StoreError>;
    fn optional_date(&self, column: &str) -> Result<Option<Date>, StoreError>;
    /// Any integer column, widened.
    fn integer(&self, column: &str) -> Result<i64, StoreError>;
    /// A nullable 64-bit integer column (`int8` in PostgreSQL).
    fn optional_integer(&self, column: &str) -> Result<Option<i64>, StoreError>;
    fn boolean(&self, column: &str) -> Result<bool, StoreError>;
    /// A binary column: `bytea` in PostgreSQL, `BLOB` in SQLite.
    fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError>;
}

macro_rules! row_reader {
    ($row:ty, |$this:ident, $column:ident| $integer:expr) => {
        impl RowReader for $row {
            fn text(&self, column: &str) -> Result<String, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn optional_text(&self, column: &str) -> Result<Option<String>, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn uuid(&self, column: &str) -> Result<Uuid, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn optional_uuid(&self, column: &str) -> Result<Option<Uuid>, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn timestamp(&self, column: &str) -> Result<OffsetDateTime, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn optional_timestamp(
                &self,
                column: &str,
            ) -> Result<Option<OffsetDateTime>, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn date(&self, column: &str) -> Result<Date, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn optional_date(&self, column: &str) -> Result<Option<Date>, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn integer(&self, $column: &str) -> Result<i64, StoreError> {
                let $this = self;
                $integer
            }
            fn optional_integer(&self, column: &str) -> Result<Option<i64>, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn boolean(&self, column: &str) -> Result<bool, StoreError> {
                self.try_get(column).map_err(store_error)
            }
            fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError> {
                self.try_get(column).map_err(store_error)
            }
        }
    };
}

// SQLite has one integer type.
row_reader!(SqliteRow, |row, column| row
    .try_get::<i64, _>(column)
    .map_err(store_error));

// PostgreSQL keeps integer and bigint apart; either reads as i64.
row_reader!(PgRow, |row, column| match row.try_get::<i64, _>(column) {
    Ok(value) => Ok(value),
    Err(_) => row
        .try_get::<i32, _>(column)
        .map(i64::from)
        .map_err(store_error),
});
