//! The identity use cases end to end over a real SQLite store and the real PBKDF2 hasher (with
//! fewer iterations, for speed), with a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

mod export;
mod filings;
mod identity;
mod import;
mod outbox;
mod sealing;
mod settlement;
mod support;
mod tenant_roles;
