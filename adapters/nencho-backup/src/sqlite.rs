//! Online snapshots of the embedded SQLite store.
//!
//! `VACUUM INTO` copies the database as one read transaction sees it: consistent while the
//! server keeps writing (WAL mode lets writers go on), and compacted. The copy is written under
//! a hidden `.partial` name and renamed when complete, so the directory never lists a half-written
//! snapshot. Files are named `nencho-{UTC time}-{kind}.sqlite3`
//! (`nencho-20261126T020000Z-full.sqlite3`) and the inventory is the directory listing.
//!
//! SQLite has no differential or log backups: every backup is a full snapshot, and the planner's
//! differential (every 12 hours) is answered with one. The embedded store's recovery point is
//! therefore 12 hours; production uses PostgreSQL and pgBackRest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use nencho_kernel::{Clock, OffsetDateTime};
use nencho_operations::{Backup, BackupId, BackupKind, Inventory};
use nencho_ports::{BackupError, BackupRunner};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use sqlx::SqlitePool;
use time::PrimitiveDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

const PREFIX: &str = "nencho-";
const SUFFIX: &str = ".sqlite3";
const STAMP: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// Snapshots the database behind `pool` into `directory` (normally `{data_dir}/backups`).
pub struct SqliteSnapshotRunner {
    pool: SqlitePool,
    directory: PathBuf,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SqliteSnapshotRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteSnapshotRunner")
            .field("directory", &self.directory)
            .finish_non_exhaustive()
    }
}

impl SqliteSnapshotRunner {
    /// `pool`: a pool on the live database (the store's, or one opened on the same file).
    pub fn new(pool: SqlitePool, directory: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self {
            pool,
            directory: directory.into(),
            clock,
        }
    }

    /// A runner on the SQLite database file at `database` (opened as the store opens it: WAL,
    /// busy timeout; its migrations are already applied or applied now), snapshotting into
    /// `directory`. One connection is enough: snapshots run one at a time.
    pub async fn open(
        database: &Path,
        directory: impl Into<PathBuf>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BackupError> {
        let store = SqliteStore::open(&SqliteStoreOptions {
            max_connections: 1,
            ..SqliteStoreOptions::at(database)
        })
        .await
        .map_err(|error| BackupError::Failed(format!("cannot open the database: {error}")))?;
        Ok(Self::new(store.pool().clone(), directory, clock))
    }

    /// Where the snapshots are.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The snapshot file of a backup id (ids are file names).
    pub fn path_of(&self, id: &BackupId) -> Option<PathBuf> {
        parse_name(id.as_str()).map(|_| self.directory.join(id.as_str()))
    }
}

/// `nencho-20261126T020000Z-full.sqlite3` for a full snapshot taken at that second (UTC).
fn file_name(kind: BackupKind, taken_at: OffsetDateTime) -> Result<String, BackupError> {
    let stamp = taken_at
        .to_offset(time::UtcOffset::UTC)
        .format(STAMP)
        .map_err(|error| BackupError::Failed(error.to_string()))?;
    Ok(format!("{PREFIX}{stamp}-{}{SUFFIX}", kind.as_str()))
}

/// The kind and time a snapshot file's name says; `None` for any other file.
fn parse_name(name: &str) -> Option<(BackupKind, OffsetDateTime)> {
    let middle = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (stamp, kind) = middle.split_once('-')?;
    let kind = BackupKind::parse(kind)?;
    let taken_at = PrimitiveDateTime::parse(stamp, STAMP).ok()?.assume_utc();
    Some((kind, taken_at))
}

fn io_error(what: &str, path: &Path, error: std::io::Error) -> BackupError {
    BackupError::Failed(format!("{what} {}: {error}", path.display()))
}

#[async_trait]
impl BackupRunner for SqliteSnapshotRunner {
    async fn inventory(&self) -> Result<Inventory, BackupError> {
        let mut entries = match tokio::fs::read_dir(&self.directory).await {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Inventory::default());
            }
            Err(error) => return Err(io_error("cannot list", &self.directory, error)),
        };
        let mut backups = Vec::new();
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|error| io_error("cannot list", &self.directory, error))?
        {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some((kind, taken_at)) = parse_name(name) {
                backups.push(Backup {
                    id: BackupId(name.to_owned()),
                    kind,
                    taken_at,
                });
            }
        }
        Ok(Inventory::new(backups))
    }

    async fn take(&self, kind: BackupKind) -> Result<BackupKind, BackupError> {
        if kind == BackupKind::Log {
            return Err(BackupError::Unsupported("log"));
        }
        // A differential is answered with a full snapshot (see the module documentation).
        let kind = BackupKind::Full;
        tokio::fs::create_dir_all(&self.directory)
            .await
            .map_err(|error| io_error("cannot create", &self.directory, error))?;
        let now = self.clock.now();
        let name = file_name(kind, now)?;
        let target = self.directory.join(&name);
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            return Err(BackupError::Failed(format!(
                "{} exists already (one snapshot per second)",
                target.display()
            )));
        }
        let partial = self.directory.join(format!(".{name}.partial"));
        // VACUUM INTO refuses an existing file: a leftover of a crashed run goes first.
        match tokio::fs::remove_file(&partial).await {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error("cannot remove", &partial, error)),
        }
        let partial_text = partial
            .to_str()
            .ok_or_else(|| BackupError::Failed(format!("{} is not UTF-8", partial.display())))?;
        sqlx::query("VACUUM INTO ?1")
            .bind(partial_text)
            .execute(&self.pool)
            .await
            .map_err(|error| BackupError::Failed(format!("VACUUM INTO failed: {error}")))?;
        tokio::fs::rename(&partial, &target)
            .await
            .map_err(|error| io_error("cannot rename", &partial, error))?;
        tracing::info!(file = %target.display(), "sqlite snapshot taken");
        Ok(kind)
    }

    async fn expire(&self, id: &BackupId) -> Result<(), BackupError> {
        // Only names this runner writes, so an id can never reach outside the directory.
        let path = self
            .path_of(id)
            .ok_or_else(|| BackupError::NotFound(id.to_string()))?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(BackupError::NotFound(id.to_string()))
            }
            Err(error) => Err(io_error("cannot delete", &path, error)),
        }
    }

    fn describe(&self) -> String {
        format!("sqlite snapshots in {}", self.directory.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn file_names_carry_the_utc_time_and_kind_and_read_back() {
        let at = datetime!(2026-11-26 11:00:05 +09:00);
        let name = file_name(BackupKind::Full, at).unwrap();
        assert_eq!(name, "nencho-20261126T020005Z-full.sqlite3");
        assert_eq!(parse_name(&name), Some((BackupKind::Full, at)));
        assert_eq!(
            parse_name(".nencho-20261126T020005Z-full.sqlite3.partial"),
            None
        );
        assert_eq!(parse_name("nencho-../../etc-full.sqlite3"), None);
        assert_eq!(parse_name("nencho.sqlite3"), None);
    }
}
