//! The operator CLI as a real process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

mod migrate;
mod operator_log;
mod site;
mod tax_compute;
mod tenant;
mod termination;
