use async_trait::async_trait;
use nencho_filings::{Attachment, FieldChange};
use nencho_kernel::{AttachmentId, FilingId, TenantId};

use crate::StoreError;

/// The documents attached to declarations (添付書類), their content kept beside them in the
/// store (so backups, the tenant's purge and row-level security cover them like the
/// declarations). Tenant-scoped like every other port: another tenant's id finds nothing.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Stores `attachment` with its `content` and appends `change` to its declaration's history
    /// ([`Attachment::history_change`]), in one transaction. The declaration must exist in the
    /// tenant (else [`StoreError::Conflict`]); an id already used is a conflict too.
    async fn insert_attachment(
        &self,
        tenant_id: TenantId,
        attachment: &Attachment,
        content: &[u8],
        change: &FieldChange,
    ) -> Result<(), StoreError>;
    /// The declaration's documents, oldest first.
    async fn list_attachments(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Vec<Attachment>, StoreError>;
    /// One document and its content.
    async fn attachment_content(
        &self,
        tenant_id: TenantId,
        attachment_id: AttachmentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>, StoreError>;
    /// Removes one document and appends `change` to its declaration's history, in one
    /// transaction; `false` (and no history) when there was none.
    async fn delete_attachment(
        &self,
        tenant_id: TenantId,
        attachment_id: AttachmentId,
        change: &FieldChange,
    ) -> Result<bool, StoreError>;
    /// The tenant's documents after `after` in id order (time order), at most `limit`, without
    /// content: the full export (SVC-3) pages through them and reads each content in turn.
    async fn attachments_after(
        &self,
        tenant_id: TenantId,
        after: Option<AttachmentId>,
        limit: u32,
    ) -> Result<Vec<Attachment>, StoreError>;
}
