//! `nencho-ops backup list|run` (BAK-1..3): the backups that exist, and taking what the backup
//! plan says is due now — the same plan the worker runs every 5 minutes, for an operator who
//! wants a backup before a risky change or to check the schedule. SQLite: snapshots under
//! `{data_dir}/backups/`; PostgreSQL: pgBackRest, with `pgbackrest_stanza` set.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use nencho_backup::{PgBackRestRunner, SqliteSnapshotRunner};
use nencho_bootstrap::{DatabaseSettings, Settings};
use nencho_kernel::Clock;
use nencho_operations::BackupPolicy;
use nencho_ports::BackupRunner;

use crate::{UsageError, japan};

#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// The backups that exist, oldest first, with their age.
    List,
    /// Take the backup the plan says is due now (if any) and expire those past 35 days.
    Run,
}

impl BackupCommand {
    pub fn name(&self) -> &'static str {
        match self {
            Self::List => "backup list",
            Self::Run => "backup run",
        }
    }
}

/// The runner of the configured store (as the worker builds it).
async fn runner(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<dyn BackupRunner>> {
    match &settings.database {
        DatabaseSettings::Sqlite { path } => Ok(Arc::new(
            SqliteSnapshotRunner::open(path, settings.data_dir.join("backups"), clock)
                .await
                .context("cannot open the database for backups")?,
        )),
        DatabaseSettings::Postgres { .. } => match &settings.pgbackrest_stanza {
            Some(stanza) => Ok(Arc::new(PgBackRestRunner::new(stanza))),
            None => Err(UsageError(
                "PostgreSQL backups are pgBackRest's: set pgbackrest_stanza (--pgbackrest-stanza)"
                    .into(),
            )
            .into()),
        },
    }
}

pub async fn run(
    command: &BackupCommand,
    settings: &Settings,
    clock: Arc<dyn Clock>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let runner = runner(settings, clock.clone()).await?;
    match command {
        BackupCommand::List => {
            let now = clock.now();
            let inventory = runner
                .inventory()
                .await
                .context("cannot list the backups")?;
            writeln!(out, "backups: {}", runner.describe())?;
            for backup in inventory.backups() {
                let age = now - backup.taken_at;
                writeln!(
                    out,
                    "{}  {:<4}  {:>3}d{:>3}h  {}",
                    japan::timestamp(backup.taken_at),
                    backup.kind.as_str(),
                    age.whole_days(),
                    age.whole_hours() % 24,
                    backup.id
                )?;
            }
            writeln!(out, "{} backups", inventory.backups().len())?;
        }
        BackupCommand::Run => {
            let report =
                nencho_backup::run_plan(runner.as_ref(), &BackupPolicy::STANDARD, clock.now())
                    .await
                    .context("cannot read the backups")?;
            match (report.planned, report.taken) {
                (None, _) => writeln!(out, "no backup due")?,
                (Some(_), Some(taken)) => writeln!(out, "took a {} backup", taken.as_str())?,
                (Some(planned), None) => writeln!(out, "the {} backup failed", planned.as_str())?,
            }
            for id in &report.expired {
                writeln!(out, "expired {id}")?;
            }
            if !report.failed.is_empty() {
                anyhow::bail!("backup run incomplete: {}", report.failed.join("; "));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_bootstrap::SettingsArgs;
    use nencho_kernel::FixedClock;
    use time::macros::datetime;

    #[tokio::test]
    async fn run_takes_the_due_snapshot_and_list_shows_it() {
        let working_dir = tempfile::tempdir().unwrap();
        let settings = Settings::load(&SettingsArgs {
            data_dir: Some(working_dir.path().join("state")),
            ..SettingsArgs::default()
        })
        .unwrap();
        // The CLI opens the store (creating the data directory) before any command.
        let _store = nencho_bootstrap::store::open(&settings.database)
            .await
            .unwrap();
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(datetime!(2026-11-26 02:00 UTC)));
        let mut out = Vec::new();
        run(&BackupCommand::Run, &settings, clock.clone(), &mut out)
            .await
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "took a full backup\n");
        let mut out = Vec::new();
        run(&BackupCommand::Run, &settings, clock.clone(), &mut out)
            .await
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "no backup due\n");
        let mut out = Vec::new();
        run(&BackupCommand::List, &settings, clock, &mut out)
            .await
            .unwrap();
        let listing = String::from_utf8(out).unwrap();
        assert!(
            listing.contains(
                "2026-11-26T11:00:00+09:00  full    0d  0h  nencho-20261126T020000Z-full.sqlite3"
            ),
            "{listing}"
        );
        assert!(listing.ends_with("1 backups\n"), "{listing}");
    }
}
