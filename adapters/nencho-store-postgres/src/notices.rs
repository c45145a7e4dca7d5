//! Maintenance notices (SVC-6): platform data, no tenant scope.

use async_trait::async_trait;
use nencho_kernel::{NoticeId, OffsetDateTime};
use nencho_ports::{MaintenanceNotice, NoticeStore, StoreError};
use nencho_store_sql::notices::maintenance_notice;
use nencho_store_sql::store_error;

use crate::store::PgStore;

#[async_trait]
impl NoticeStore for PgStore {
    async fn insert_notice(&self, notice: &MaintenanceNotice) -> Result<(), StoreError> {
        let maintenance = &notice.maintenance;
        sqlx::query(
            "INSERT INTO maintenance_notices (id, starts_at, ends_at, title, body, affects_users, \
             emergency, announced_at, cancelled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(notice.id.as_uuid())
        .bind(maintenance.start)
        .bind(maintenance.end)
        .bind(&maintenance.title)
        .bind(&maintenance.body)
        .bind(maintenance.affects_users)
        .bind(notice.emergency)
        .bind(notice.announced_at)
        .bind(notice.cancelled_at)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn cancel_notice(
        &self,
        id: NoticeId,
        at: OffsetDateTime,
    ) -> Result<Option<MaintenanceNotice>, StoreError> {
        let found = sqlx::query(
            "UPDATE maintenance_notices SET cancelled_at = COALESCE(cancelled_at, $2) \
             WHERE id = $1 RETURNING id, starts_at, ends_at, title, body, affects_users, \
             emergency, announced_at, cancelled_at",
        )
        .bind(id.as_uuid())
        .bind(at)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        found.as_ref().map(maintenance_notice).transpose()
    }

    async fn list_notices_shown_at(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<MaintenanceNotice>, StoreError> {
        let found = sqlx::query(
            "SELECT id, starts_at, ends_at, title, body, affects_users, emergency, announced_at, \
             cancelled_at FROM maintenance_notices \
             WHERE cancelled_at IS NULL AND ends_at > $1 ORDER BY starts_at, id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        found.iter().map(maintenance_notice).collect()
    }

    async fn notices_overlapping(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<MaintenanceNotice>, StoreError> {
        let found = sqlx::query(nencho_store_sql::availability::NOTICES_OVERLAPPING)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        found.iter().map(maintenance_notice).collect()
    }
}
