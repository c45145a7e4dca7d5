//! PostgreSQL backups with pgBackRest.
//!
//! - Full and differential backups: `pgbackrest --stanza=S backup --type=full|diff`, run by the
//!   planner (weekly, every 12 hours).
//! - The transaction log: pgBackRest's continuous WAL archiving, configured in postgresql.conf
//!   (`archive_mode = on`, `archive_command = 'pgbackrest --stanza=S archive-push %p'`,
//!   `archive_timeout = 300`, so a segment is shipped at least every 5 minutes) — not run from
//!   here.
//! - The inventory: `pgbackrest --stanza=S info --output=json` (its documented, stable JSON).
//! - Expiry: pgBackRest's own retention after every backup (`repo1-retention-full-type=time`,
//!   `repo1-retention-full=28`: it keeps one full older than 28 days, which with weekly fulls
//!   is at most 35 days old), and the planner's `pgbackrest --stanza=S expire --set=LABEL` as the
//!   hard stop at 35 days (pgBackRest's time retention alone may keep an old full longer when
//!   fulls stop). Expiring a full expires the backups based on it, and the WAL only they needed.
//!
//! Commands run with an argument vector, never through a shell.

use std::path::PathBuf;

use async_trait::async_trait;
use nencho_operations::{Backup, BackupId, BackupKind, Inventory};
use nencho_ports::{BackupError, BackupRunner};
use serde::Deserialize;

/// Runs pgBackRest for one configured stanza.
#[derive(Debug, Clone)]
pub struct PgBackRestRunner {
    program: PathBuf,
    stanza: String,
}

impl PgBackRestRunner {
    /// `pgbackrest` from the PATH, for `stanza` (the `[stanza]` section of pgbackrest.conf).
    pub fn new(stanza: impl Into<String>) -> Self {
        Self::with_program("pgbackrest", stanza)
    }

    pub fn with_program(program: impl Into<PathBuf>, stanza: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            stanza: stanza.into(),
        }
    }

    /// The arguments of one pgBackRest command for this stanza.
    pub fn arguments(&self, command: &str, options: &[String]) -> Vec<String> {
        let mut arguments = vec![format!("--stanza={}", self.stanza), command.to_owned()];
        arguments.extend(options.iter().cloned());
        arguments
    }

    async fn run(&self, command: &str, options: &[String]) -> Result<Vec<u8>, BackupError> {
        let arguments = self.arguments(command, options);
        let output = tokio::process::Command::new(&self.program)
            .args(&arguments)
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|error| {
                BackupError::Failed(format!("cannot run {}: {error}", self.program.display()))
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let message = if stderr.trim().is_empty() {
                stdout
            } else {
                stderr
            };
            return Err(BackupError::Failed(format!(
                "pgbackrest {} exited with {}: {}",
                arguments.join(" "),
                output.status,
                message.trim()
            )));
        }
        Ok(output.stdout)
    }
}

#[derive(Deserialize)]
struct StanzaInfo {
    name: String,
    #[serde(default)]
    backup: Vec<BackupInfo>,
}

#[derive(Deserialize)]
struct BackupInfo {
    label: String,
    #[serde(rename = "type")]
    kind: String,
    timestamp: Timestamps,
}

#[derive(Deserialize)]
struct Timestamps {
    /// Unix seconds.
    start: i64,
}

/// The backups of `stanza` in `pgbackrest info --output=json` output. A backup's time is its
/// start (so its age errs towards expiring early, never late). An incremental backup (pgBackRest
/// can take them; the planner never asks for one) counts as a differential: it is as recent, and
/// pgBackRest expires it with what it is based on.
pub fn parse_info(json: &[u8], stanza: &str) -> Result<Inventory, BackupError> {
    let stanzas: Vec<StanzaInfo> = serde_json::from_slice(json).map_err(|error| {
        BackupError::Failed(format!("pgbackrest info is not the expected JSON: {error}"))
    })?;
    let Some(info) = stanzas.into_iter().find(|info| info.name == stanza) else {
        return Err(BackupError::Failed(format!(
            "pgbackrest info does not list the stanza {stanza:?}"
        )));
    };
    let mut backups = Vec::with_capacity(info.backup.len());
    for backup in info.backup {
        let kind = match backup.kind.as_str() {
            "full" => BackupKind::Full,
            "diff" | "incr" => BackupKind::Differential,
            _ => continue,
        };
        let taken_at = time::OffsetDateTime::from_unix_timestamp(backup.timestamp.start)
            .map_err(|error| BackupError::Failed(format!("{}: {error}", backup.label)))?;
        backups.push(Backup {
            id: BackupId(backup.label),
            kind,
            taken_at,
        });
    }
    Ok(Inventory::new(backups))
}

#[async_trait]
impl BackupRunner for PgBackRestRunner {
    async fn inventory(&self) -> Result<Inventory, BackupError> {
        let json = self.run("info", &["--output=json".to_owned()]).await?;
        parse_info(&json, &self.stanza)
    }

    async fn take(&self, kind: BackupKind) -> Result<BackupKind, BackupError> {
        let kind_option = match kind {
            BackupKind::Full => "--type=full",
            BackupKind::Differential => "--type=diff",
            // WAL archiving runs continuously in PostgreSQL (archive_command).
            BackupKind::Log => return Err(BackupError::Unsupported("log")),
        };
        self.run("backup", &[kind_option.to_owned()]).await?;
        tracing::info!(stanza = %self.stanza, kind = kind.as_str(), "pgbackrest backup taken");
        Ok(kind)
    }

    async fn expire(&self, id: &BackupId) -> Result<(), BackupError> {
        // A label is digits, '-', '_' and a type letter; anything else is no label of ours.
        let label = id.as_str();
        if label.is_empty()
            || !label
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        {
            return Err(BackupError::NotFound(label.to_owned()));
        }
        self.run("expire", &[format!("--set={label}")]).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("pgbackrest stanza {}", self.stanza)
    }
}
