//! SVC-4's outages: platform data, no tenant scope.

use async_trait::async_trait;
use nencho_kernel::{OffsetDateTime, UtcOffset};
use nencho_operations::Outage;
use nencho_ports::{AvailabilityStore, StoreError};
use nencho_store_sql::availability as sql;
use nencho_store_sql::store_error;

use crate::store::SqliteStore;

#[async_trait]
impl AvailabilityStore for SqliteStore {
    async fn record_outage(&self, outage: &Outage) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_OUTAGE)
            .bind(outage.cause.code())
            .bind(outage.started_at.to_offset(UtcOffset::UTC))
            .bind(outage.ended_at.to_offset(UtcOffset::UTC))
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn outages_overlapping(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<Outage>, StoreError> {
        let found = sqlx::query(sql::OUTAGES_OVERLAPPING)
            .bind(from.to_offset(UtcOffset::UTC))
            .bind(to.to_offset(UtcOffset::UTC))
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        found.iter().map(sql::outage).collect()
    }
}
