//! The contract's IP allow-list (SEC-2).

use async_trait::async_trait;
use nencho_kernel::TenantId;
use nencho_ports::{IpAllowListStore, StoreError};
use nencho_store_sql::ip_allow_list::{ip_allow_entry, ip_allow_list};
use nencho_store_sql::store_error;
use nencho_tenancy::IpAllowList;

use crate::store::PgStore;

#[async_trait]
impl IpAllowListStore for PgStore {
    async fn ip_allow_list(&self, tenant_id: TenantId) -> Result<IpAllowList, StoreError> {
        let query = sqlx::query(
            "SELECT network, note FROM ip_allow_entries WHERE tenant_id = $1 ORDER BY network",
        )
        .bind(tenant_id.as_uuid());
        let entries = self
            .fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(ip_allow_entry)
            .collect::<Result<Vec<_>, _>>()?;
        ip_allow_list(entries)
    }

    async fn replace_ip_allow_list(
        &self,
        tenant_id: TenantId,
        list: &IpAllowList,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        sqlx::query("DELETE FROM ip_allow_entries WHERE tenant_id = $1")
            .bind(tenant_id.as_uuid())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        for entry in list.entries() {
            sqlx::query(
                "INSERT INTO ip_allow_entries (tenant_id, network, note) VALUES ($1, $2, $3)",
            )
            .bind(tenant_id.as_uuid())
            .bind(entry.network().to_string())
            .bind(entry.note())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        }
        transaction.commit().await.map_err(store_error)
    }
}
