//! The backup job (BAK-1..3): every 5 minutes the worker reads what backups exist, asks
//! `nencho_operations::plan` what is due, takes it and expires what is past 35 days.
//!
//! - SQLite (the embedded store): online snapshots into `{data_dir}/backups/`, every one full,
//!   on the 12-hour cadence. SQLite runs on one machine, so the workers sharing it are on that
//!   machine too; two running the job at once take at most one extra snapshot (or fail the
//!   second on the same file name), and the plan sorts that out next run.
//! - PostgreSQL: pgBackRest, only when `pgbackrest_stanza` is set; without it the worker takes
//!   no PostgreSQL backups (they are then the platform's business, outside nencho). Several
//!   workers may run: pgBackRest allows one backup per stanza at a time, so a concurrent second
//!   one fails with a lock error, is logged and the plan is re-read 5 minutes later.

use std::sync::Arc;
use std::time::Duration;

use nencho_backup::{BackupReport, PgBackRestRunner, SqliteSnapshotRunner};
use nencho_bootstrap::{DatabaseSettings, Settings};
use nencho_kernel::Clock;
use nencho_operations::BackupPolicy;
use nencho_ports::{BackupError, BackupRunner};

/// How often the planner runs (first at start). The planner takes at most one backup a run;
/// 5 minutes is also how late past 35 days a backup can be deleted.
pub const BACKUP_INTERVAL: Duration = Duration::from_secs(300);

/// The runner for the configured store: SQLite snapshots, pgBackRest when a stanza is set for
/// PostgreSQL, else none.
pub async fn backup_runner(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> Result<Option<Arc<dyn BackupRunner>>, BackupError> {
    Ok(match &settings.database {
        DatabaseSettings::Sqlite { path } => Some(Arc::new(
            SqliteSnapshotRunner::open(path, settings.data_dir.join("backups"), clock).await?,
        )),
        DatabaseSettings::Postgres { .. } => settings
            .pgbackrest_stanza
            .as_ref()
            .map(|stanza| Arc::new(PgBackRestRunner::new(stanza)) as Arc<dyn BackupRunner>),
    })
}

/// One run of the backup plan, logged.
pub async fn run_backup_job(runner: &dyn BackupRunner, clock: &dyn Clock) -> Option<BackupReport> {
    match nencho_backup::run_plan(runner, &BackupPolicy::STANDARD, clock.now()).await {
        Ok(report) => {
            for failure in &report.failed {
                tracing::warn!(error = %failure, "backup step failed; will retry");
            }
            for id in &report.expired {
                tracing::info!(backup = %id, "backup expired");
            }
            tracing::info!(
                planned = report.planned.map(|kind| kind.as_str()),
                taken = report.taken.map(|kind| kind.as_str()),
                expired = report.expired.len(),
                failed = report.failed.len(),
                "backups done"
            );
            Some(report)
        }
        Err(error) => {
            tracing::warn!(%error, "backups failed; will retry");
            None
        }
    }
}

/// Runs the backup job every [`BACKUP_INTERVAL`] (first at once) until `stop` turns true. Runs in
/// its own task so a long backup holds up no other job; at shutdown the task is aborted: an
/// interrupted snapshot leaves only a hidden `.partial` file (replaced by the next one), an
/// interrupted pgBackRest backup is resumed or cleaned up by pgBackRest's next backup.
pub async fn run_until_stopped(
    runner: Arc<dyn BackupRunner>,
    clock: Arc<dyn Clock>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut runs = tokio::time::interval(BACKUP_INTERVAL);
    runs.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
            _ = runs.tick() => {
                run_backup_job(runner.as_ref(), clock.as_ref()).await;
            }
        }
    }
}
