//! The documents attached to declarations (添付書類), their content beside them.

use async_trait::async_trait;
use nencho_filings::{Attachment, FieldChange};
use nencho_kernel::{AttachmentId, FilingId, TenantId};
use nencho_ports::{AttachmentStore, StoreError};
use nencho_store_sql::attachments::{attachment, insert_error, size_column};
use nencho_store_sql::{RowReader, store_error};

use crate::originals::insert_change_in;
use crate::store::SqliteStore;

#[async_trait]
impl AttachmentStore for SqliteStore {
    async fn insert_attachment(
        &self,
        tenant_id: TenantId,
        attachment: &Attachment,
        content: &[u8],
        change: &FieldChange,
    ) -> Result<(), StoreError> {
        let size = size_column(tenant_id, attachment)?;
        // The foreign key (tenant_id, filing_id) → filings refuses a declaration the tenant does
        // not have; the primary key an id already used. Both are conflicts.
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO filing_attachments (tenant_id, id, filing_id, kind, file_name, format, \
             size, uploaded_by, uploaded_at, content) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant_id.as_uuid())
        .bind(attachment.id.as_uuid())
        .bind(attachment.filing_id.as_uuid())
        .bind(attachment.kind.code())
        .bind(attachment.file_name.as_str())
        .bind(attachment.format.code())
        .bind(size)
        .bind(attachment.uploaded_by.as_uuid())
        .bind(attachment.uploaded_at)
        .bind(content)
        .execute(&mut *transaction)
        .await
        .map_err(insert_error)?;
        insert_change_in(&mut transaction, tenant_id, attachment.filing_id, change).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn list_attachments(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Vec<Attachment>, StoreError> {
        sqlx::query(
            "SELECT tenant_id, id, filing_id, kind, file_name, format, size, uploaded_by, \
             uploaded_at FROM filing_attachments \
             WHERE tenant_id = $1 AND filing_id = $2 ORDER BY id",
        )
        .bind(tenant_id.as_uuid())
        .bind(filing_id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(attachment)
        .collect()
    }

    async fn attachment_content(
        &self,
        tenant_id: TenantId,
        attachment_id: AttachmentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
        sqlx::query(
            "SELECT tenant_id, id, filing_id, kind, file_name, format, size, uploaded_by, \
             uploaded_at, content FROM filing_attachments WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(attachment_id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .map(|row| Ok((attachment(&row)?, row.bytes("content")?)))
        .transpose()
    }

    async fn delete_attachment(
        &self,
        tenant_id: TenantId,
        attachment_id: AttachmentId,
        change: &FieldChange,
    ) -> Result<bool, StoreError> {
        let mut transaction = self.begin_write().await?;
        let deleted = sqlx::query(
            "DELETE FROM filing_attachments WHERE tenant_id = $1 AND id = $2 RETURNING filing_id",
        )
        .bind(tenant_id.as_uuid())
        .bind(attachment_id.as_uuid())
        .fetch_optional(&mut *transaction)
        .await
        .map_err(store_error)?;
        let Some(row) = deleted else {
            return Ok(false);
        };
        let filing_id = FilingId::from_uuid(row.uuid("filing_id")?);
        insert_change_in(&mut transaction, tenant_id, filing_id, change).await?;
        transaction.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn attachments_after(
        &self,
        tenant_id: TenantId,
        after: Option<AttachmentId>,
        limit: u32,
    ) -> Result<Vec<Attachment>, StoreError> {
        let found = match after {
            None => {
                sqlx::query(
                    "SELECT tenant_id, id, filing_id, kind, file_name, format, size, \
                     uploaded_by, uploaded_at FROM filing_attachments \
                     WHERE tenant_id = $1 ORDER BY id LIMIT $2",
                )
                .bind(tenant_id.as_uuid())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
            Some(after) => {
                sqlx::query(
                    "SELECT tenant_id, id, filing_id, kind, file_name, format, size, \
                     uploaded_by, uploaded_at FROM filing_attachments \
                     WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                )
                .bind(tenant_id.as_uuid())
                .bind(after.as_uuid())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(store_error)?;
        found.iter().map(attachment).collect()
    }
}
