//! What the two store adapters share, so that a domain type is read from a row in one place:
//! [`RowReader`] (typed column access over SQLite and PostgreSQL rows), the row → domain mappings
//! in [`rows`], the column encodings in [`columns`], the declarations' rows and columns in
//! [`filings`], and [`store_error`], the one mapping of sqlx errors onto the port's `StoreError`.
//!
//! The SQL itself stays in each adapter: the dialects and PostgreSQL's tenant transactions differ.

pub mod access_log;
pub mod attachments;
pub mod availability;
pub mod change_requests;
pub mod claims;
pub mod columns;
mod error;
pub mod filings;
pub mod ip_allow_list;
pub mod notices;
pub mod originals;
pub mod outbox;
mod reader;
pub mod reminders;
pub mod review_digests;
pub mod rows;
pub mod second_factor;
pub mod slips;

pub use error::{corrupt, store_error};
pub use reader::RowReader;
