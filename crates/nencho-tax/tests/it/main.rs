//! Integration tests of the tax engine. Expected values are derived by hand from
//! rules-2025-2026.md (section numbers cited), never copied from the engine's output.

// Tests may unwrap (clippy.toml allows it inside #[test] functions; this extends it to the
// helpers of this test binary).
#![allow(clippy::unwrap_used)]

mod band_edges;
mod employment_income_table;
mod properties;
mod requests;
mod support;
mod worked_cases;
