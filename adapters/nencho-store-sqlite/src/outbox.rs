//! The mail outbox.

use async_trait::async_trait;
use nencho_kernel::{OffsetDateTime, TenantId};
use nencho_ports::{DeliveryResult, OutboxMessage, OutboxStore, StoreError};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use crate::store::SqliteStore;
use nencho_store_sql::{rows, store_error};

/// Ends the transaction of a claim (a reminder day, a digest day) that inserted `claimed` rows:
/// none — another worker claimed it first — rolls back and answers `false`; otherwise the
/// claim's `mails` are queued and all is committed.
pub(crate) async fn finish_claim(
    mut transaction: Transaction<'static, Sqlite>,
    claimed: u64,
    mails: &[OutboxMessage],
) -> Result<bool, StoreError> {
    if claimed == 0 {
        transaction.rollback().await.map_err(store_error)?;
        return Ok(false);
    }
    for mail in mails {
        enqueue_in(&mut transaction, mail).await?;
    }
    transaction.commit().await.map_err(store_error)?;
    Ok(true)
}

/// Queues a mail inside the caller's transaction, so it exists exactly when the change does.
pub(crate) async fn enqueue_in(
    transaction: &mut Transaction<'static, Sqlite>,
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
    .bind(i64::from(message.attempts))
    .bind(message.next_attempt_at)
    .bind(message.sent_at)
    .bind(message.failed_at)
    .bind(message.last_error.as_deref())
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn enqueue_mail(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        let mut transaction = self.begin_write().await?;
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
        // One statement in a write transaction: SQLite serialises writers, so two processes
        // never claim the same mail.
        let mut transaction = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $3 WHERE tenant_id = $1 AND id IN ( \
             SELECT id FROM outbox WHERE tenant_id = $1 AND sent_at IS NULL \
             AND failed_at IS NULL AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at, id LIMIT $4) RETURNING *",
        )
        .bind(tenant_id.as_uuid())
        .bind(now)
        .bind(held_until)
        .bind(i64::from(limit))
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
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
        .bind(error)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn list_mail(
        &self,
        tenant_id: TenantId,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        sqlx::query(
            "SELECT * FROM outbox WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(rows::outbox_message)
        .collect()
    }
}
