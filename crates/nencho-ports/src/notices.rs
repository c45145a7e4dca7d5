use async_trait::async_trait;
use nencho_kernel::{NoticeId, OffsetDateTime};
use nencho_operations::MaintenanceNotice;

use crate::StoreError;

/// Maintenance notices (SVC-6). Platform data, like the contracts and the operator log: one
/// notice is shown on every tenant's site and on the landing page, so no method has a tenant
/// scope.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Stores a new notice. An id already stored is [`StoreError::Conflict`].
    async fn insert_notice(&self, notice: &MaintenanceNotice) -> Result<(), StoreError>;
    /// Marks the notice cancelled at `at`. Answers the notice as it now is, `None` when no
    /// notice has that id. Cancelling a cancelled notice keeps its first cancellation time.
    async fn cancel_notice(
        &self,
        id: NoticeId,
        at: OffsetDateTime,
    ) -> Result<Option<MaintenanceNotice>, StoreError>;
    /// The notices shown at `now`: not cancelled and ending after `now` (current and upcoming),
    /// by start, then id.
    async fn list_notices_shown_at(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<MaintenanceNotice>, StoreError>;
    /// Every notice whose maintenance overlaps `[from, to)`, cancelled ones included, by start,
    /// then id (the availability report leaves planned maintenance out of the downtime).
    async fn notices_overlapping(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<MaintenanceNotice>, StoreError>;
}
