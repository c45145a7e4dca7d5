use async_trait::async_trait;
use nencho_operations::{BackupId, BackupKind, Inventory};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The runner cannot take this kind of backup (e.g. log backups, which PostgreSQL archives
    /// continuously).
    #[error("{0} backups are not taken by this runner")]
    Unsupported(&'static str),
    /// No backup by that id.
    #[error("no backup {0}")]
    NotFound(String),
    /// The backup tool or the file system failed.
    #[error("backup failed: {0}")]
    Failed(String),
}

/// Takes, lists and deletes the platform's backups (BAK-1..3). The worker and `nencho-ops backup`
/// carry out `nencho_operations::plan` through it: take first, then expire.
///
/// Not part of `Store`: backups are of the whole database, beside the store rather than through
/// it. A runner may satisfy a request with a stronger backup (a full snapshot for a
/// differential), and reports what it took.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait BackupRunner: Send + Sync {
    /// The backups that exist now.
    async fn inventory(&self) -> Result<Inventory, BackupError>;
    /// Takes one backup of `kind`; returns the kind actually taken.
    async fn take(&self, kind: BackupKind) -> Result<BackupKind, BackupError>;
    /// Deletes one backup (and what only it needs).
    async fn expire(&self, id: &BackupId) -> Result<(), BackupError>;
    /// For logs: which runner, where (no credentials).
    fn describe(&self) -> String;
}
