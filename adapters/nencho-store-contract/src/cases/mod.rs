//! The contract cases. Each takes a freshly migrated, empty store.

mod employees;
mod identity;
mod outbox;
mod support;
mod tenancy;

pub use employees::*;
pub use identity::*;
pub use outbox::*;
pub use tenancy::*;
