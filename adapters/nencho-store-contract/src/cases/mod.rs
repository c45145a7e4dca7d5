//! The contract cases. Each takes a freshly migrated, empty store.

mod access_log;
mod attachments;
mod contract_end;
mod employees;
mod filing_progress;
mod filing_support;
mod filing_tenancy;
mod filings;
mod identity;
mod import;
mod ip_allow_list;
mod notices;
mod originals;
mod outbox;
mod reminders;
mod retention;
mod slips;
mod support;
mod tenancy;

pub use access_log::*;
pub use attachments::*;
pub use contract_end::*;
pub use employees::*;
pub use filing_progress::*;
pub use filing_tenancy::*;
pub use filings::*;
pub use identity::*;
pub use import::*;
pub use ip_allow_list::*;
pub use notices::*;
pub use originals::*;
pub use outbox::*;
pub use reminders::*;
pub use retention::*;
pub use slips::*;
pub use tenancy::*;
