//! The contract cases. Each takes a freshly migrated, empty store.

mod employees;
mod filing_progress;
mod filing_support;
mod filing_tenancy;
mod filings;
mod identity;
mod import;
mod outbox;
mod retention;
mod support;
mod tenancy;

pub use employees::*;
pub use filing_progress::*;
pub use filing_tenancy::*;
pub use filings::*;
pub use identity::*;
pub use import::*;
pub use outbox::*;
pub use retention::*;
pub use tenancy::*;
