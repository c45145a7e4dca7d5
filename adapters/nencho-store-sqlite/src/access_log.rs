//! The access log of tenant sites (LOG-1, LOG-2).

use async_trait::async_trait;
use nencho_kernel::{OffsetDateTime, TenantId};
use nencho_ports::{AccessCursor, AccessLogStore, AccessPage, AccessRecord, StoreError};
use nencho_store_sql::access_log::{access_record, page};
use nencho_store_sql::store_error;
use sqlx::QueryBuilder;

use crate::store::SqliteStore;

/// SQLite allows 32,766 bound parameters per statement; a row binds 11.
const ROWS_PER_STATEMENT: usize = 2_000;

#[async_trait]
impl AccessLogStore for SqliteStore {
    async fn record_access(&self, records: &[AccessRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let times = records
            .iter()
            .map(|record| utc(record.at))
            .collect::<Result<Vec<_>, _>>()?;
        let mut transaction = self.begin_write().await?;
        for (chunk, times) in records
            .chunks(ROWS_PER_STATEMENT)
            .zip(times.chunks(ROWS_PER_STATEMENT))
        {
            let mut insert = QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO access_records (tenant_id, at, client_ip, user_agent, method, path, \
                 route, status, duration_ms, request_id, user_id) ",
            );
            insert.push_values(chunk.iter().zip(times), |mut row, (record, at)| {
                row.push_bind(record.tenant_id.as_uuid())
                    .push_bind(at.as_str())
                    .push_bind(record.client_ip.map(|ip| ip.to_string()))
                    .push_bind(record.user_agent.as_str())
                    .push_bind(record.method.as_str())
                    .push_bind(record.path.as_str())
                    .push_bind(record.route.as_deref())
                    .push_bind(i64::from(record.status))
                    .push_bind(i64::from(record.duration_ms))
                    .push_bind(record.request_id.as_deref())
                    .push_bind(record.user_id.map(|user| user.as_uuid()));
            });
            insert
                .build()
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
        }
        transaction.commit().await.map_err(store_error)
    }

    async fn access_records(
        &self,
        tenant_id: TenantId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<AccessCursor>,
        limit: u32,
    ) -> Result<AccessPage, StoreError> {
        let rows =
            match after {
                None => sqlx::query(
                    "SELECT tenant_id, at, id, client_ip, user_agent, method, path, route, status, \
                     duration_ms, request_id, user_id FROM access_records \
                     WHERE tenant_id = $1 AND at >= $2 AND at < $3 \
                     ORDER BY at, id LIMIT $4",
                )
                .bind(tenant_id.as_uuid())
                .bind(utc(from)?)
                .bind(utc(to)?)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await,
                Some(cursor) => sqlx::query(
                    "SELECT tenant_id, at, id, client_ip, user_agent, method, path, route, status, \
                     duration_ms, request_id, user_id FROM access_records \
                     WHERE tenant_id = $1 AND at >= $2 AND at < $3 \
                     AND (at > $4 OR (at = $4 AND id > $5)) \
                     ORDER BY at, id LIMIT $6",
                )
                .bind(tenant_id.as_uuid())
                .bind(utc(from)?)
                .bind(utc(to)?)
                .bind(utc(cursor.at)?)
                .bind(cursor.id)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await,
            }
            .map_err(store_error)?;
        page(rows.iter().map(access_record), limit)
    }
}

/// Times are stored and compared as text here, so they are written in UTC with a fixed width
/// (nine fractional digits): the order of the text is then the order of the times. sqlx's own
/// RFC 3339 encoding drops a zero fraction, which sorts `…:00Z` after `…:00.5Z`. sqlx reads
/// either form back.
const SORTABLE_TIME: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z"
);

pub(crate) fn utc(at: OffsetDateTime) -> Result<String, StoreError> {
    at.to_offset(nencho_kernel::UtcOffset::UTC)
        .format(SORTABLE_TIME)
        .map_err(|error| StoreError::Backend(format!("cannot write the time {at}: {error}")))
}
