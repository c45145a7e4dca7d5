//! The documents attached to declarations (`filing_attachments`): one document per row, its
//! content beside it; kind and format by their codes, the size in bytes as a signed 64-bit
//! integer. Read and written the same way by both stores.

use nencho_filings::{Attachment, AttachmentFormat, AttachmentKind};
use nencho_kernel::{AttachmentId, FilingId, TenantId, UserId};
use nencho_ports::StoreError;

use crate::{RowReader, corrupt, store_error};

/// A `filing_attachments` row: `tenant_id, id, filing_id, kind, file_name, format, size,
/// uploaded_by, uploaded_at` (the content is read apart, only where it is wanted). An unknown kind or format code, or a
/// negative size, is [`StoreError::Corrupt`].
pub fn attachment(row: &impl RowReader) -> Result<Attachment, StoreError> {
    let kind = row.text("kind")?;
    let format = row.text("format")?;
    let size = row.integer("size")?;
    Ok(Attachment {
        id: AttachmentId::from_uuid(row.uuid("id")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        filing_id: FilingId::from_uuid(row.uuid("filing_id")?),
        kind: AttachmentKind::from_code(&kind)
            .ok_or_else(|| corrupt(format!("filing_attachments: kind {kind:?}")))?,
        file_name: row.text("file_name")?,
        format: AttachmentFormat::from_code(&format)
            .ok_or_else(|| corrupt(format!("filing_attachments: format {format:?}")))?,
        size: u64::try_from(size)
            .map_err(|_| corrupt(format!("filing_attachments: size {size}")))?,
        uploaded_by: UserId::from_uuid(row.uuid("uploaded_by")?),
        uploaded_at: row.timestamp("uploaded_at")?,
    })
}

/// The `size` column of an attachment about to be stored. Refuses an attachment of another
/// tenant (the port's callers name the tenant they act for).
pub fn size_column(tenant_id: TenantId, attachment: &Attachment) -> Result<i64, StoreError> {
    if attachment.tenant_id != tenant_id {
        return Err(StoreError::Backend(
            "attachment belongs to another tenant".into(),
        ));
    }
    i64::try_from(attachment.size)
        .map_err(|_| StoreError::Backend(format!("attachment size {} too large", attachment.size)))
}

/// The insert's error: a missing declaration (the foreign key to `filings`) is a conflict like
/// an id already used; everything else as [`store_error`] maps it.
pub fn insert_error(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(database_error) if database_error.is_foreign_key_violation() => {
            StoreError::Conflict(format!(
                "no such declaration in the tenant: {}",
                database_error.message()
            ))
        }
        _ => store_error(error),
    }
}
