//! The operator activity log (LOG-4).

use async_trait::async_trait;
use nencho_kernel::OffsetDateTime;
use nencho_ports::{OperatorAction, OperatorLogStore, StoreError};

use crate::store::SqliteStore;
use nencho_store_sql::{rows, store_error};

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

    async fn list_operator_actions(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<OperatorAction>, StoreError> {
        let found = sqlx::query(
            "SELECT at, operator, command, tenant_slug, succeeded FROM operator_actions \
             WHERE at >= $1 ORDER BY at DESC, id DESC",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        found.iter().map(rows::operator_action).collect()
    }
}
