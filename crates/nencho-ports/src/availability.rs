use async_trait::async_trait;
use nencho_kernel::OffsetDateTime;
use nencho_operations::Outage;

use crate::StoreError;

/// SVC-4: the outages the worker records, for the availability report. Platform data (no tenant
/// names anything here), like the maintenance notices.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AvailabilityStore: Send + Sync {
    /// Records an outage that has ended. The same cause and start recorded again (a retry after
    /// the store came back) changes nothing.
    async fn record_outage(&self, outage: &Outage) -> Result<(), StoreError>;
    /// The outages overlapping `[from, to)`, by start.
    async fn outages_overlapping(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<Outage>, StoreError>;
}
