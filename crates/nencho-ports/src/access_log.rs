use async_trait::async_trait;
use nencho_kernel::{OffsetDateTime, TenantId};
pub use nencho_operations::{AccessRecord, path_without_query, user_agent_of};
use uuid::Uuid;

use crate::StoreError;

/// Where an export page ended: the last record's time and its store-assigned id (time order,
/// ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessCursor {
    pub at: OffsetDateTime,
    pub id: Uuid,
}

/// One page of a tenant's access records, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessPage {
    pub records: Vec<AccessRecord>,
    /// The cursor after the last record of this page; `None` when the page was not full (the
    /// export is done).
    pub next: Option<AccessCursor>,
}

/// The access log of tenant sites (LOG-1, LOG-2). Kept 90 days by the retention purge
/// ([`crate::StoreMaintenance::purge_expired`]) and deleted with the contract's purge.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AccessLogStore: Send + Sync {
    /// Stores a batch of records (of any tenants) in one go: one statement per batch (per
    /// tenant of it on PostgreSQL, in one transaction). Empty: nothing happens.
    async fn record_access(&self, records: &[AccessRecord]) -> Result<(), StoreError>;
    /// The tenant's records with `from <= at < to`, in time order, after `after` (exclusive),
    /// at most `limit` of them.
    async fn access_records(
        &self,
        tenant_id: TenantId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<AccessCursor>,
        limit: u32,
    ) -> Result<AccessPage, StoreError>;
}
