//! The driven ports: async traits through which the application layer reaches storage, mail and
//! other infrastructure. They take and return domain types only, and their errors say nothing
//! about the backend. Every tenant-scoped method takes the [`TenantId`] explicitly, so no adapter
//! can forget the tenant.
//!
//! Must not depend on any adapter technology (sqlx, poem, lettre). With the `mocks` feature every
//! port has a mockall mock (`MockTenantStore`, …) for use-case unit tests.

mod mail;
mod store;

pub use mail::{MailError, Mailer, OutgoingMail};
#[cfg(feature = "mocks")]
pub use mail::MockMailer;

pub use store::{
    AppliedMigration, CompanyStore, Store, StoreError, StoreHealth, StoreMaintenance, TenantStore,
};

#[cfg(feature = "mocks")]
pub use store::{MockCompanyStore, MockStoreHealth, MockStoreMaintenance, MockTenantStore};

pub use nencho_kernel::TenantId;
