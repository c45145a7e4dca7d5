use async_trait::async_trait;
use nencho_kernel::TenantId;
use nencho_tenancy::IpAllowList;

use crate::StoreError;

/// The contract's IP allow-list (SEC-2), read on every request to its site.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait IpAllowListStore: Send + Sync {
    /// The tenant's list; empty when it has none.
    async fn ip_allow_list(&self, tenant_id: TenantId) -> Result<IpAllowList, StoreError>;
    /// Replaces the whole list at once, so that a reader never sees half of a change.
    async fn replace_ip_allow_list(
        &self,
        tenant_id: TenantId,
        list: &IpAllowList,
    ) -> Result<(), StoreError>;
}
