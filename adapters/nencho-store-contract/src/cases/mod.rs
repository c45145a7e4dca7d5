//! The contract cases. Each takes a freshly migrated, empty store.

mod employees;
mod identity;
mod import;
mod outbox;
mod support;
mod tenancy;

pub use employees::*;
pub use identity::*;
pub use import::*;
pub use outbox::*;
pub use tenancy::*;
