//! The mail outbox.

use async_trait::async_trait;
use nencho_kernel::{EmailAddress, OffsetDateTime, TenantId};
use nencho_ports::{DeliveryResult, OutboxMessage, OutboxStore, StoreError};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};
use uuid::Uuid;

use crate::error::{corrupt, store_error};
use crate::store::{timestamp_of, uuid_of, PgStore};

/// (sent_at, next_attempt_at, failed_at, last_error) for one delivery result.
pub(crate) fn delivery_columns(
    result: &DeliveryResult,
) -> (Option<OffsetDateTime>, Option<OffsetDateTime>, Option<OffsetDateTime>, Option<String>) {
    match result {
        DeliveryResult::Sent { at } => (Some(*at), None, None, None),
        DeliveryResult::Deferred { error, retry_at } => (None, Some(*retry_at), None, Some(error.clone())),
        DeliveryResult::Failed { error, at } => (None, None, Some(*at), Some(error.clone())),
    }
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

fn message_from_row(row: &PgRow) -> Result<OutboxMessage, StoreError> {
    let to: String = row.try_get("to_address").map_err(store_error)?;
    let attempts: i32 = row.try_get("attempts").map_err(store_error)?;
    Ok(OutboxMessage {
        id: uuid_of(row, "id")?,
        tenant_id: TenantId::from_uuid(uuid_of(row, "tenant_id")?),
        to: EmailAddress::parse(&to).map_err(|e| corrupt(format!("outbox address: {e}")))?,
        subject: row.try_get("subject").map_err(store_error)?,
        body: row.try_get("body").map_err(store_error)?,
        created_at: timestamp_of(row, "created_at")?,
        attempts: u32::try_from(attempts).map_err(|_| corrupt("outbox attempts"))?,
        next_attempt_at: timestamp_of(row, "next_attempt_at")?,
        sent_at: row.try_get("sent_at").map_err(store_error)?,
        failed_at: row.try_get("failed_at").map_err(store_error)?,
        last_error: row.try_get("last_error").map_err(store_error)?,
    })
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn enqueue_mail(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(message.tenant_id).await?;
        enqueue_in(&mut transaction, message).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn due_mail(
        &self,
        tenant_id: TenantId,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.fetch_all_scoped(tenant_id, sqlx::query(
            "SELECT * FROM outbox WHERE tenant_id = $1 AND sent_at IS NULL AND failed_at IS NULL \
             AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3",
        )
        .bind(tenant_id.as_uuid())
        .bind(now)
        .bind(i64::from(limit))
        )
        .await?
        .iter()
        .map(message_from_row)
        .collect()
    }

    async fn record_delivery(
        &self,
        tenant_id: TenantId,
        message_id: Uuid,
        result: &DeliveryResult,
    ) -> Result<(), StoreError> {
        let (sent_at, retry_at, failed_at, error) = delivery_columns(result);
        self.execute_scoped(tenant_id, sqlx::query(
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
        )
        .await?;
        Ok(())
    }

    async fn list_mail(&self, tenant_id: TenantId, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.fetch_all_scoped(tenant_id, sqlx::query("SELECT * FROM outbox WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
            .bind(tenant_id.as_uuid())
            .bind(i64::from(limit))
            )
            .await?
            .iter()
            .map(message_from_row)
            .collect()
    }
}
