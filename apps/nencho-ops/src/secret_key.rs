//! `nencho-ops secret-key status`: whether this machine's deployment secret is the one the
//! database's authenticator keys are sealed with — what a server with this configuration would
//! do at start. Fingerprints only, never a key; it creates no key file.

use std::io::Write;

use nencho_bootstrap::Settings;
use nencho_crypto::AesGcmSealer;
use nencho_ports::{SecretSealer, Store};

#[derive(Debug, clap::Subcommand)]
pub enum SecretKeyCommand {
    /// Compare this machine's secret (and previous secret) with the key the database records.
    Status {
        /// One JSON object instead of the lines
        #[arg(long)]
        json: bool,
    },
}

impl SecretKeyCommand {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Status { .. } => "secret-key status",
        }
    }
}

/// What a server started with this configuration would find.
fn state(recorded: Option<&str>, current: Option<&str>, previous: Option<&str>) -> &'static str {
    match (recorded, current) {
        (_, None) => "no secret here: a server would generate one (a new deployment only)",
        (None, Some(_)) => "nothing recorded: the next server to start records this key",
        (Some(recorded), Some(current)) if recorded == current => "same: servers start",
        (Some(recorded), Some(_)) if Some(recorded) == previous => {
            "rotation pending: the next server to start re-seals with this key"
        }
        (Some(_), Some(_)) => {
            "other: a server with this configuration stops at start (another secret key)"
        }
    }
}

pub async fn run(
    command: &SecretKeyCommand,
    settings: &Settings,
    store: &dyn Store,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let SecretKeyCommand::Status { json } = command;
    let found = nencho_bootstrap::secret::read_existing(settings)?;
    let fingerprint =
        |secret: &[u8; 32]| AesGcmSealer::from_deployment_secret(secret).key_fingerprint();
    let current = found.current.as_ref().map(fingerprint);
    let previous = found.previous.as_ref().map(fingerprint);
    let recorded = store.recorded_sealing_key().await?;
    let state = state(recorded.as_deref(), current.as_deref(), previous.as_deref());
    if *json {
        writeln!(
            out,
            "{}",
            serde_json::json!({
                "recorded": recorded,
                "this_machine": current,
                "previous": previous,
                "state": state,
            })
        )?;
    } else {
        let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "—".to_owned());
        writeln!(out, "recorded sealing key:   {}", shown(&recorded))?;
        writeln!(out, "this machine's key:     {}", shown(&current))?;
        writeln!(out, "previous key:           {}", shown(&previous))?;
        writeln!(out, "state: {state}")?;
    }
    Ok(())
}
