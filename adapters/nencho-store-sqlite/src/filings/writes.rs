//! A filing's write: the filing itself (inserted, or updated only at the version the writer
//! read), its event, its changed values and its mail, inside the caller's transaction.

use nencho_filings::Filing;
use nencho_ports::{FilingWrite, StoreError};
use sqlx::{Sqlite, Transaction};

use crate::claims::replace_claims_in;
use crate::originals::{insert_change_in, recount_originals_in};
use crate::outbox::enqueue_in;
use nencho_store_sql::filings::document_columns;
use nencho_store_sql::originals::pending_without_receipts;
use nencho_store_sql::store_error;

async fn insert_filing_in(
    transaction: &mut Transaction<'static, Sqlite>,
    filing: &Filing,
) -> Result<(), StoreError> {
    let (schema_version, document) = document_columns(&filing.document)?;
    sqlx::query(
        "INSERT INTO filings (tenant_id, id, company_id, employee_id, tax_year, status, \
         schema_version, document, proxy_entered, reopened, last_comment, requested_at, \
         submitted_at, approved_at, updated_at, version, originals_pending, claims_indexed, \
         own_deadline, checked_at, checked_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, \
         $18, $19, $20)",
    )
    .bind(filing.tenant_id.as_uuid())
    .bind(filing.id.as_uuid())
    .bind(filing.company_id.as_uuid())
    .bind(filing.employee_id.as_uuid())
    .bind(filing.tax_year.year())
    .bind(filing.status.code())
    .bind(schema_version)
    .bind(document)
    .bind(filing.proxy_entered)
    .bind(filing.reopened)
    .bind(filing.last_comment.as_deref())
    .bind(filing.requested_at)
    .bind(filing.submitted_at)
    .bind(filing.approved_at)
    .bind(filing.updated_at)
    .bind(filing.version)
    // A new declaration has no receipts yet.
    .bind(pending_without_receipts(&filing.document))
    .bind(filing.own_deadline)
    .bind(filing.checked.map(|mark| mark.at))
    .bind(filing.checked.map(|mark| mark.by.as_uuid()))
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Updates the filing only if it still has the version the writer read.
async fn update_filing_in(
    transaction: &mut Transaction<'static, Sqlite>,
    filing: &Filing,
    expected_version: i64,
) -> Result<(), StoreError> {
    let (schema_version, document) = document_columns(&filing.document)?;
    let updated = sqlx::query(
        "UPDATE filings SET status = $4, schema_version = $5, document = $6, \
         proxy_entered = $7, reopened = $8, last_comment = $9, requested_at = $10, \
         submitted_at = $11, approved_at = $12, updated_at = $13, version = $14, \
         originals_pending = $15, claims_indexed = 1, own_deadline = $16, checked_at = $17, \
         checked_by = $18 \
         WHERE tenant_id = $1 AND id = $2 AND version = $3",
    )
    .bind(filing.tenant_id.as_uuid())
    .bind(filing.id.as_uuid())
    .bind(expected_version)
    .bind(filing.status.code())
    .bind(schema_version)
    .bind(document)
    .bind(filing.proxy_entered)
    .bind(filing.reopened)
    .bind(filing.last_comment.as_deref())
    .bind(filing.requested_at)
    .bind(filing.submitted_at)
    .bind(filing.approved_at)
    .bind(filing.updated_at)
    .bind(filing.version)
    .bind(pending_without_receipts(&filing.document))
    .bind(filing.own_deadline)
    .bind(filing.checked.map(|mark| mark.at))
    .bind(filing.checked.map(|mark| mark.by.as_uuid()))
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "filing {} is no longer at version {expected_version}",
            filing.id
        )));
    }
    // The row is ours now: count again with the receipts already recorded.
    if pending_without_receipts(&filing.document) > 0 {
        recount_originals_in(transaction, filing.tenant_id, filing.id, &filing.document).await?;
    }
    Ok(())
}

/// The filing, its event, its changed values and its mail, inside the caller's transaction.
pub(super) async fn write_in(
    transaction: &mut Transaction<'static, Sqlite>,
    write: &FilingWrite,
) -> Result<(), StoreError> {
    let filing = &write.filing;
    if write.expected_version == 0 {
        insert_filing_in(transaction, filing).await?;
    } else {
        update_filing_in(transaction, filing, write.expected_version).await?;
    }
    replace_claims_in(transaction, filing, write.expected_version == 0).await?;
    if let Some(event) = &write.event {
        sqlx::query(
            "INSERT INTO filing_events (tenant_id, filing_id, at, actor_id, actor_name, \
             from_status, to_status, action, comment, proxy) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(filing.tenant_id.as_uuid())
        .bind(filing.id.as_uuid())
        .bind(event.at)
        .bind(event.actor.as_uuid())
        .bind(event.actor_name.as_str())
        .bind(event.from.code())
        .bind(event.to.code())
        .bind(event.action.as_str())
        .bind(event.comment.as_deref())
        .bind(event.proxy)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    }
    for change in &write.changes {
        insert_change_in(transaction, filing.tenant_id, filing.id, change).await?;
    }
    if let Some(mail) = &write.mail {
        enqueue_in(transaction, mail).await?;
    }
    Ok(())
}
