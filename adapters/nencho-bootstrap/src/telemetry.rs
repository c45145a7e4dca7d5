//! Structured logs through `tracing`: human-readable on a terminal, JSON lines otherwise (for a
//! log collector).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once per process. An invalid filter falls back to `info`
/// (and says so) rather than silencing the logs.
pub fn init(filter: &str) {
    let (env_filter, filter_error) = match EnvFilter::try_new(filter) {
        Ok(env_filter) => (env_filter, None),
        Err(error) => (EnvFilter::new("info"), Some(error)),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr);
    let installed = if std::io::stderr().is_terminal() {
        builder.try_init()
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    };
    if let (Ok(()), Some(error)) = (installed, filter_error) {
        tracing::warn!(%error, filter, "invalid log filter; using \"info\"");
    }
}
