//! The 操作ログ.

use async_trait::async_trait;
use nencho_identity::{AuditAction, AuditEntry, AuditRecord};
use nencho_kernel::TenantId;
use nencho_ports::{AuditLogStore, StoreError};
use nencho_store_sql::rows;

use nencho_store_sql::second_factor::{AUDIT_PAGE, INSERT_AUDIT};

use crate::store::PgStore;

#[async_trait]
impl AuditLogStore for PgStore {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.execute_scoped(entry.tenant_id, insert_audit(entry))
            .await?;
        Ok(())
    }

    async fn audit_records(
        &self,
        tenant_id: TenantId,
        action: Option<AuditAction>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let query = sqlx::query(AUDIT_PAGE)
            .bind(tenant_id.as_uuid())
            .bind(before)
            .bind(i64::from(limit))
            .bind(action.map(AuditAction::code));
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(rows::audit_record)
            .collect()
    }
}

/// The 操作ログ entry written inside a transaction already open (an import's).
pub(crate) async fn insert_audit_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    entry: &AuditEntry,
) -> Result<(), StoreError> {
    insert_audit(entry)
        .execute(&mut **transaction)
        .await
        .map_err(nencho_store_sql::store_error)?;
    Ok(())
}

/// The 操作ログ's insert with `entry` bound, for the pool or a transaction.
fn insert_audit(
    entry: &AuditEntry,
) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(INSERT_AUDIT)
        .bind(entry.tenant_id.as_uuid())
        .bind(entry.at)
        .bind(entry.actor_id.as_uuid())
        .bind(&entry.actor_login_id)
        .bind(&entry.actor_name)
        .bind(entry.action.code())
        .bind(&entry.target)
        .bind(&entry.detail)
}
