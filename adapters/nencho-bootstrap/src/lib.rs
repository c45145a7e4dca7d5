//! What every nencho app (web, worker, ops) does at start, done one way for all three so that
//! `nencho-ops --data-dir D …` works on the store that `nencho-web --data-dir D` serves:
//! [`settings`] layered from flags, `NENCHO_*` variables, `nencho.toml` and defaults;
//! [`telemetry`] (structured logs); [`store`] (SQLite or PostgreSQL from the settings);
//! [`shutdown`] (SIGTERM / Ctrl-C).

pub mod context;
pub mod mail;
pub mod outbox;
pub mod secret;
pub mod settings;
pub mod shutdown;
pub mod store;
pub mod telemetry;

pub use settings::{DatabaseSettings, Settings, SettingsArgs, SettingsError};
