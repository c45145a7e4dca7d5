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
        self.execute_scoped(
            entry.tenant_id,
            sqlx::query(INSERT_AUDIT)
                .bind(entry.tenant_id.as_uuid())
                .bind(entry.at)
                .bind(entry.actor_id.as_uuid())
                .bind(&entry.actor_login_id)
                .bind(&entry.actor_name)
                .bind(entry.action.code())
                .bind(&entry.target)
                .bind(&entry.detail),
        )
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
