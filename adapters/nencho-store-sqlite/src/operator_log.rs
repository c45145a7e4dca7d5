//! The operator activity log (LOG-4).

use async_trait::async_trait;
use nencho_kernel::OffsetDateTime;
use nencho_ports::{OperatorAction, OperatorLogStore, StoreError};
use sqlx::Row;

use crate::error::store_error;
use crate::store::{timestamp_of, SqliteStore};

#[async_trait]
impl OperatorLogStore for SqliteStore {
    async fn record_operator_action(&self, action: &OperatorAction) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO operator_actions (at, operator, command, tenant_slug, succeeded) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(action.at)
        .bind(&action.operator)
        .bind(&action.command)
        .bind(action.tenant_slug.as_deref())
        .bind(action.succeeded)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn list_operator_actions(&self, since: OffsetDateTime) -> Result<Vec<OperatorAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, operator, command, tenant_slug, succeeded FROM operator_actions \
             WHERE at >= $1 ORDER BY at DESC, id DESC",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|row| {
                Ok(OperatorAction {
                    at: timestamp_of(row, "at")?,
                    operator: row.try_get("operator").map_err(store_error)?,
                    command: row.try_get("command").map_err(store_error)?,
                    tenant_slug: row.try_get("tenant_slug").map_err(store_error)?,
                    succeeded: row.try_get("succeeded").map_err(store_error)?,
                })
            })
            .collect()
    }
}
