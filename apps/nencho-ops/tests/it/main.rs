//! The operator CLI as a real process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

mod access_log;
mod availability;
mod migrate;
mod notice;
mod operator_log;
mod secret_key;
mod site;
mod tax_compute;
mod tenant;
mod termination;
