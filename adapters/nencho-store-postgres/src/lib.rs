//! The production store: PostgreSQL. Implements every port of `nencho-ports` with runtime
//! queries and bound parameters only.
//!
//! Tenant isolation is enforced twice: every query names its `tenant_id`, and every tenant-owned
//! table has row-level security (enabled and forced) keyed on the `nencho.tenant_id` setting,
//! which [`PgStore`] sets per transaction. Application queries run as the role
//! [`APPLICATION_ROLE`], which owns nothing and cannot bypass RLS; migrations run as the role of
//! the configured URL. Entry point: [`PgStore::connect`].

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

pub use store::{APPLICATION_ROLE, PgStore, PgStoreOptions};
