use async_trait::async_trait;
use nencho_identity::{AuditAction, AuditEntry, AuditRecord};
use nencho_kernel::TenantId;

use crate::StoreError;

/// The 操作ログ, kept for the life of the contract.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AuditLogStore: Send + Sync {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// Newest first: at most `limit` entries with an id below `before` (all, for `None`), only
    /// those of `action` when one is given.
    async fn audit_records(
        &self,
        tenant_id: TenantId,
        action: Option<AuditAction>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
