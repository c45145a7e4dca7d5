//! A filing's write: the filing itself (inserted, or updated only at the version the writer
//! read), its event, its changed values and its mail, inside the caller's transaction.

use nencho_filings::Filing;
use nencho_kernel::TenantId;
use nencho_ports::{FilingWrite, StoreError};
use sqlx::{Postgres, Transaction};

use crate::claims::{insert_claims_in, replace_claims_in};
use crate::originals::{insert_change_in, recount_originals_in};
use crate::outbox::{enqueue_all_in, enqueue_in};
use nencho_store_sql::filings::document_columns;
use nencho_store_sql::originals::pending_without_receipts;
use nencho_store_sql::store_error;

async fn insert_filing_in(
    transaction: &mut Transaction<'static, Postgres>,
    filing: &Filing,
) -> Result<(), StoreError> {
    let (schema_version, document) = document_columns(&filing.document)?;
    sqlx::query(
        "INSERT INTO filings (tenant_id, id, company_id, employee_id, tax_year, status, \
         schema_version, document, proxy_entered, reopened, last_comment, requested_at, \
         submitted_at, approved_at, updated_at, version, originals_pending, claims_indexed, \
         own_deadline, checked_at, checked_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, true, \
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
    transaction: &mut Transaction<'static, Postgres>,
    filing: &Filing,
    expected_version: i64,
) -> Result<(), StoreError> {
    let (schema_version, document) = document_columns(&filing.document)?;
    let updated = sqlx::query(
        "UPDATE filings SET status = $4, schema_version = $5, document = $6, \
         proxy_entered = $7, reopened = $8, last_comment = $9, requested_at = $10, \
         submitted_at = $11, approved_at = $12, updated_at = $13, version = $14, \
         originals_pending = $15, claims_indexed = true, own_deadline = $16, checked_at = $17, \
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
    transaction: &mut Transaction<'static, Postgres>,
    write: &FilingWrite,
) -> Result<(), StoreError> {
    let filing = &write.filing;
    if write.expected_version == 0 {
        insert_filing_in(transaction, filing).await?;
    } else {
        update_filing_in(transaction, filing, write.expected_version).await?;
    }
    replace_claims_in(transaction, filing).await?;
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
    changes_in(transaction, write).await?;
    if let Some(mail) = &write.mail {
        enqueue_in(transaction, mail).await?;
    }
    Ok(())
}

/// New filings (expected version 0) with their events and mails, a few statements for the whole
/// chunk instead of three per filing: a bulk request of 100,000 employees is 200 such chunks.
/// A filing that already exists fails the statement (a unique violation → Conflict), and the
/// caller's transaction rolls everything back.
pub(super) async fn insert_new_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    writes: &[&FilingWrite],
) -> Result<(), StoreError> {
    if writes.is_empty() {
        return Ok(());
    }
    let count = writes.len();
    let mut id = Vec::with_capacity(count);
    let mut company_id = Vec::with_capacity(count);
    let mut employee_id = Vec::with_capacity(count);
    let mut tax_year = Vec::with_capacity(count);
    let mut status = Vec::with_capacity(count);
    let mut schema_version = Vec::with_capacity(count);
    let mut document = Vec::with_capacity(count);
    let mut proxy_entered = Vec::with_capacity(count);
    let mut reopened = Vec::with_capacity(count);
    let mut last_comment = Vec::with_capacity(count);
    let mut requested_at = Vec::with_capacity(count);
    let mut submitted_at = Vec::with_capacity(count);
    let mut approved_at = Vec::with_capacity(count);
    let mut updated_at = Vec::with_capacity(count);
    let mut version = Vec::with_capacity(count);
    let mut originals_pending = Vec::with_capacity(count);
    let mut own_deadline = Vec::with_capacity(count);
    let mut checked_at = Vec::with_capacity(count);
    let mut checked_by = Vec::with_capacity(count);
    for write in writes {
        let filing = &write.filing;
        let (schema, text) = document_columns(&filing.document)?;
        id.push(filing.id.as_uuid());
        company_id.push(filing.company_id.as_uuid());
        employee_id.push(filing.employee_id.as_uuid());
        tax_year.push(filing.tax_year.year());
        status.push(filing.status.code());
        schema_version.push(schema);
        document.push(text);
        proxy_entered.push(filing.proxy_entered);
        reopened.push(filing.reopened);
        last_comment.push(filing.last_comment.as_deref());
        requested_at.push(filing.requested_at);
        submitted_at.push(filing.submitted_at);
        approved_at.push(filing.approved_at);
        updated_at.push(filing.updated_at);
        version.push(filing.version);
        originals_pending.push(pending_without_receipts(&filing.document));
        own_deadline.push(filing.own_deadline);
        checked_at.push(filing.checked.map(|mark| mark.at));
        checked_by.push(filing.checked.map(|mark| mark.by.as_uuid()));
    }
    sqlx::query(
        "INSERT INTO filings (tenant_id, id, company_id, employee_id, tax_year, status, \
         schema_version, document, proxy_entered, reopened, last_comment, requested_at, \
         submitted_at, approved_at, updated_at, version, originals_pending, own_deadline, \
         checked_at, checked_by, claims_indexed) \
         SELECT $1, v.*, true FROM UNNEST($2::uuid[], $3::uuid[], $4::uuid[], $5::int4[], $6::text[], \
         $7::int4[], $8::text[], $9::bool[], $10::bool[], $11::text[], $12::timestamptz[], \
         $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::int8[], $17::int8[], \
         $18::date[], $19::timestamptz[], $20::uuid[]) \
         AS v(id, company_id, employee_id, tax_year, status, schema_version, document, \
         proxy_entered, reopened, last_comment, requested_at, submitted_at, approved_at, \
         updated_at, version, originals_pending, own_deadline, checked_at, checked_by)",
    )
    .bind(tenant_id.as_uuid())
    .bind(id)
    .bind(company_id)
    .bind(employee_id)
    .bind(tax_year)
    .bind(status)
    .bind(schema_version)
    .bind(document)
    .bind(proxy_entered)
    .bind(reopened)
    .bind(last_comment)
    .bind(requested_at)
    .bind(submitted_at)
    .bind(approved_at)
    .bind(updated_at)
    .bind(version)
    .bind(originals_pending)
    .bind(own_deadline)
    .bind(checked_at)
    .bind(checked_by)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    let filings: Vec<&Filing> = writes.iter().map(|write| &write.filing).collect();
    insert_claims_in(transaction, tenant_id, &filings).await?;

    let events: Vec<_> = writes
        .iter()
        .filter_map(|write| write.event.as_ref().map(|event| (write.filing.id, event)))
        .collect();
    if !events.is_empty() {
        let mut filing_id = Vec::with_capacity(events.len());
        let mut at = Vec::with_capacity(events.len());
        let mut actor_id = Vec::with_capacity(events.len());
        let mut actor_name = Vec::with_capacity(events.len());
        let mut from_status = Vec::with_capacity(events.len());
        let mut to_status = Vec::with_capacity(events.len());
        let mut action = Vec::with_capacity(events.len());
        let mut comment = Vec::with_capacity(events.len());
        let mut proxy = Vec::with_capacity(events.len());
        for (id, event) in &events {
            filing_id.push(id.as_uuid());
            at.push(event.at);
            actor_id.push(event.actor.as_uuid());
            actor_name.push(event.actor_name.as_str());
            from_status.push(event.from.code());
            to_status.push(event.to.code());
            action.push(event.action.as_str());
            comment.push(event.comment.as_deref());
            proxy.push(event.proxy);
        }
        sqlx::query(
            "INSERT INTO filing_events (tenant_id, filing_id, at, actor_id, actor_name, \
             from_status, to_status, action, comment, proxy) \
             SELECT $1, v.* FROM UNNEST($2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::text[], $10::bool[]) \
             AS v(filing_id, at, actor_id, actor_name, from_status, to_status, action, comment, \
             proxy)",
        )
        .bind(tenant_id.as_uuid())
        .bind(filing_id)
        .bind(at)
        .bind(actor_id)
        .bind(actor_name)
        .bind(from_status)
        .bind(to_status)
        .bind(action)
        .bind(comment)
        .bind(proxy)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    }
    for write in writes {
        changes_in(transaction, write).await?;
    }
    enqueue_all_in(
        transaction,
        tenant_id,
        writes
            .iter()
            .filter_map(|write| write.mail.as_ref())
            .collect::<Vec<_>>()
            .into_iter(),
    )
    .await
}

/// The changed values of one write.
async fn changes_in(
    transaction: &mut Transaction<'static, Postgres>,
    write: &FilingWrite,
) -> Result<(), StoreError> {
    let filing = &write.filing;
    for change in &write.changes {
        insert_change_in(transaction, filing.tenant_id, filing.id, change).await?;
    }
    Ok(())
}
