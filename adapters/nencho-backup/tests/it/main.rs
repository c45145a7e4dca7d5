//! The backup runners against real files (SQLite) and captured output (pgBackRest).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

mod pgbackrest;
mod sqlite;
