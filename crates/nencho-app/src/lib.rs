//! The application layer: one use case per user action. A use case checks who may do it, asks
//! the domain crates what the rules say, and persists through the ports of `nencho-ports`.
//!
//! Must not depend on adapters (sqlx, poem, lettre) or read the clock other than through
//! [`nencho_kernel::Clock`]. Entry points: [`readiness::CheckReadiness`],
//! [`maintenance::ApplyMigrations`].

pub mod maintenance;
pub mod readiness;
