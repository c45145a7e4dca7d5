//! The embedded default store: one SQLite file under the data directory, in WAL mode with
//! foreign keys on, migrated at startup. Implements every port of `nencho-ports` with runtime
//! queries and bound parameters only.
//!
//! Tenant isolation here is by the explicit `tenant_id` in every query's `WHERE` clause (SQLite
//! has no row-level security); the shared contract suite checks it. Entry point:
//! [`SqliteStore::open`].

mod access_log;
mod attachments;
mod audit_log;
mod availability;
mod change_requests;
mod claims;
mod contract_end;
mod employees;
mod filings;
mod identity;
mod ip_allow_list;
mod notices;
mod operator_log;
mod originals;
mod outbox;
mod reminders;
mod review_digests;
mod roles;
mod second_factor;
mod slips;
mod store;

pub use store::{SqliteStore, SqliteStoreOptions};
