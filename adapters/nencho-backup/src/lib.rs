//! Runs the platform's backups (BAK-1..3): implementations of `nencho_ports::BackupRunner` and
//! the job that carries out `nencho_operations::plan` through one.
//!
//! - [`SqliteSnapshotRunner`]: online snapshots of the embedded SQLite store with `VACUUM INTO`,
//!   one file per backup under `{data_dir}/backups/`. SQLite has no differential or log backups,
//!   so every backup is a full snapshot, taken on the 12-hour cadence: the embedded store's
//!   recovery point is 12 hours. Production runs on PostgreSQL.
//! - [`PgBackRestRunner`]: full and differential backups with pgBackRest; the transaction log is
//!   pgBackRest's continuous WAL archiving (configured in postgresql.conf, not run from here).
//!
//! docs/operations.md ("Backups") has the schedule and the restore procedures.

mod job;
mod pgbackrest;
mod sqlite;

pub use job::{BackupReport, run_plan};
pub use pgbackrest::{PgBackRestRunner, parse_info};
pub use sqlite::SqliteSnapshotRunner;
