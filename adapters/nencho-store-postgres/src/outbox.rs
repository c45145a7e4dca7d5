//! The mail outbox.

use async_trait::async_trait;
use nencho_kernel::{OffsetDateTime, TenantId};
use nencho_ports::{DeliveryResult, OutboxMessage, OutboxStore, StoreError};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::store::PgStore;
use nencho_store_sql::{rows, store_error};

/// Ends the transaction of a claim (a reminder day, a digest day) that inserted `claimed` rows:
/// none — another worker claimed it first — rolls back and answers `false`; otherwise the
/// claim's `mails` (all of `tenant_id`) are queued and all is committed.
pub(crate) async fn finish_claim(
    mut transaction: Transaction<'static, Postgres>,
    tenant_id: TenantId,
    claimed: u64,
    mails: &[OutboxMessage],
) -> Result<bool, StoreError> {
    if claimed == 0 {
        transaction.rollback().await.map_err(store_error)?;
        return Ok(false);
    }
    enqueue_all_in(&mut transaction, tenant_id, mails.iter()).await?;
    transaction.commit().await.map_err(store_error)?;
    Ok(true)
}

/// Queues a mail inside the caller's transaction, so it exists exactly when the change does.
pub(crate) async fn enqueue_in(
    transaction: &mut Transaction<'static, Postgres>,
    message: &OutboxMessage,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (tenant_id, id, to_address, subject, body, created_at, attempts, \
         next_attempt_at, sent_at, failed_at, last_error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(message.tenant_id.as_uuid())
    .bind(message.id)
    .bind(message.to.as_str())
    .bind(&message.subject)
    .bind(&message.body)
    .bind(message.created_at)
    .bind(i32::try_from(message.attempts).unwrap_or(i32::MAX))
    .bind(message.next_attempt_at)
    .bind(message.sent_at)
    .bind(message.failed_at)
    .bind(message.last_error.as_deref())
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Many mails of one tenant in one statement (a bulk request, an import's invitations).
pub(crate) async fn enqueue_all_in<'a>(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    mails: impl ExactSizeIterator<Item = &'a OutboxMessage>,
) -> Result<(), StoreError> {
    let count = mails.len();
    if count == 0 {
        return Ok(());
    }
    let mut id = Vec::with_capacity(count);
    let mut to_address = Vec::with_capacity(count);
    let mut subject = Vec::with_capacity(count);
    let mut body = Vec::with_capacity(count);
    let mut created_at = Vec::with_capacity(count);
    let mut attempts = Vec::with_capacity(count);
    let mut next_attempt_at = Vec::with_capacity(count);
    let mut sent_at = Vec::with_capacity(count);
    let mut failed_at = Vec::with_capacity(count);
    let mut last_error = Vec::with_capacity(count);
    for mail in mails {
        id.push(mail.id);
        to_address.push(mail.to.as_str());
        subject.push(mail.subject.as_str());
        body.push(mail.body.as_str());
        created_at.push(mail.created_at);
        attempts.push(i32::try_from(mail.attempts).unwrap_or(i32::MAX));
        next_attempt_at.push(mail.next_attempt_at);
        sent_at.push(mail.sent_at);
        failed_at.push(mail.failed_at);
        last_error.push(mail.last_error.as_deref());
    }
    sqlx::query(
        "INSERT INTO outbox (tenant_id, id, to_address, subject, body, created_at, attempts, \
         next_attempt_at, sent_at, failed_at, last_error) \
         SELECT $1, v.* FROM UNNEST($2::uuid[], $3::text[], $4::text[], $5::text[], \
         $6::timestamptz[], $7::int4[], $8::timestamptz[], $9::timestamptz[], \
         $10::timestamptz[], $11::text[]) \
         AS v(id, to_address, subject, body, created_at, attempts, next_attempt_at, sent_at, \
         failed_at, last_error)",
    )
    .bind(tenant_id.as_uuid())
    .bind(id)
    .bind(to_address)
    .bind(subject)
    .bind(body)
    .bind(created_at)
    .bind(attempts)
    .bind(next_attempt_at)
    .bind(sent_at)
    .bind(failed_at)
    .bind(last_error)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn enqueue_mail(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(message.tenant_id).await?;
        enqueue_in(&mut transaction, message).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn claim_due_mail(
        &self,
        tenant_id: TenantId,
        now: OffsetDateTime,
        held_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        // SKIP LOCKED: a process claiming at the same moment passes over these rows instead of
        // waiting for them, and after the commit they are no longer due.
        let claimed = self
            .fetch_all_scoped(
                tenant_id,
                sqlx::query(
                    "UPDATE outbox o SET next_attempt_at = $3 FROM ( \
                     SELECT id FROM outbox WHERE tenant_id = $1 AND sent_at IS NULL \
                     AND failed_at IS NULL AND next_attempt_at <= $2 \
                     ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) due \
                     WHERE o.tenant_id = $1 AND o.id = due.id RETURNING o.*",
                )
                .bind(tenant_id.as_uuid())
                .bind(now)
                .bind(held_until)
                .bind(i64::from(limit)),
            )
            .await?;
        let mut messages = claimed
            .iter()
            .map(rows::outbox_message)
            .collect::<Result<Vec<_>, _>>()?;
        // UUIDv7 ids follow the time they were queued: oldest first.
        messages.sort_by_key(|message| message.id);
        Ok(messages)
    }

    async fn record_delivery(
        &self,
        tenant_id: TenantId,
        message_id: Uuid,
        result: &DeliveryResult,
    ) -> Result<(), StoreError> {
        let (sent_at, retry_at, failed_at, error) =
            nencho_store_sql::columns::delivery_columns(result);
        self.execute_scoped(
            tenant_id,
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, sent_at = COALESCE($3, sent_at), \
             next_attempt_at = COALESCE($4, next_attempt_at), \
             failed_at = COALESCE($5, failed_at), last_error = $6 \
             WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant_id.as_uuid())
            .bind(message_id)
            .bind(sent_at)
            .bind(retry_at)
            .bind(failed_at)
            .bind(error),
        )
        .await?;
        Ok(())
    }

    async fn list_mail(
        &self,
        tenant_id: TenantId,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.fetch_all_scoped(tenant_id, sqlx::query("SELECT * FROM outbox WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
            .bind(tenant_id.as_uuid())
            .bind(i64::from(limit))
            )
            .await?
            .iter()
            .map(rows::outbox_message)
            .collect()
    }
}
