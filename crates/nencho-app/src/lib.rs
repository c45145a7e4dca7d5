//! The application layer: one use case per user action. A use case checks who may do it, asks
//! the domain crates what the rules say, and persists through the ports of `nencho-ports`.
//!
//! Must not depend on adapters (sqlx, poem, lettre) or read the clock other than through
//! [`nencho_kernel::Clock`]. Entry points: [`AppContext`] (what the identity use cases share),
//! [`tenancy::open_tenant`], [`sign_in::login`], [`sign_in::authenticate`],
//! [`password::change_password`], [`password::request_password_reset`],
//! [`outbox::OutboxDelivery`], [`readiness::CheckReadiness`], [`maintenance::ApplyMigrations`].

pub mod account;
pub mod audit;
pub mod authorization;
pub mod availability;
pub mod change_requests;
pub mod companies;
mod context;
pub mod contract_end;
pub mod employees;
mod error;
pub mod export;
pub mod filings;
pub mod import;
mod mail;
pub mod maintenance;
pub mod notices;
pub mod outbox;
pub mod password;
pub mod readiness;
pub mod second_factor;
pub mod sign_in;
pub mod site_access;
pub mod tenancy;
pub mod users;

pub use context::AppContext;
pub use error::AppError;
