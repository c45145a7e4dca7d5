//! The access log of tenant sites (LOG-1, LOG-2).

use std::collections::BTreeMap;

use async_trait::async_trait;
use nencho_kernel::{OffsetDateTime, TenantId};
use nencho_ports::{AccessCursor, AccessLogStore, AccessPage, AccessRecord, StoreError};
use nencho_store_sql::access_log::{access_record, page};
use nencho_store_sql::store_error;

use crate::store::PgStore;

#[async_trait]
impl AccessLogStore for PgStore {
    /// One transaction; per tenant of the batch, its setting (row-level security) and one
    /// `INSERT … SELECT FROM UNNEST(…)` of all its rows.
    async fn record_access(&self, records: &[AccessRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut by_tenant: BTreeMap<TenantId, Vec<&AccessRecord>> = BTreeMap::new();
        for record in records {
            by_tenant.entry(record.tenant_id).or_default().push(record);
        }
        let mut transaction = self.pool.begin().await.map_err(store_error)?;
        for (tenant_id, rows) in by_tenant {
            sqlx::query("SELECT set_config('nencho.tenant_id', $1, true)")
                .bind(tenant_id.to_string())
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
            let count = rows.len();
            let mut at = Vec::with_capacity(count);
            let mut client_ip = Vec::with_capacity(count);
            let mut user_agent = Vec::with_capacity(count);
            let mut method = Vec::with_capacity(count);
            let mut path = Vec::with_capacity(count);
            let mut route = Vec::with_capacity(count);
            let mut status = Vec::with_capacity(count);
            let mut duration_ms = Vec::with_capacity(count);
            let mut request_id = Vec::with_capacity(count);
            let mut user_id = Vec::with_capacity(count);
            for record in rows {
                at.push(record.at);
                client_ip.push(record.client_ip.map(|ip| ip.to_string()));
                user_agent.push(record.user_agent.as_str());
                method.push(record.method.as_str());
                path.push(record.path.as_str());
                route.push(record.route.as_deref());
                status.push(i32::from(record.status));
                duration_ms.push(i32::try_from(record.duration_ms).unwrap_or(i32::MAX));
                request_id.push(record.request_id.as_deref());
                user_id.push(record.user_id.map(|user| user.as_uuid()));
            }
            sqlx::query(
                "INSERT INTO access_records (tenant_id, at, client_ip, user_agent, method, path, \
                 route, status, duration_ms, request_id, user_id) \
                 SELECT $1, v.* FROM UNNEST($2::timestamptz[], $3::text[], $4::text[], \
                 $5::text[], $6::text[], $7::text[], $8::int4[], $9::int4[], $10::text[], \
                 $11::uuid[]) \
                 AS v(at, client_ip, user_agent, method, path, route, status, duration_ms, \
                 request_id, user_id)",
            )
            .bind(tenant_id.as_uuid())
            .bind(at)
            .bind(client_ip)
            .bind(user_agent)
            .bind(method)
            .bind(path)
            .bind(route)
            .bind(status)
            .bind(duration_ms)
            .bind(request_id)
            .bind(user_id)
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
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let rows = match after {
            None => {
                sqlx::query(
                    "SELECT tenant_id, at, id, client_ip, user_agent, method, path, route, \
                     status, duration_ms, request_id, user_id FROM access_records \
                     WHERE tenant_id = $1 AND at >= $2 AND at < $3 \
                     ORDER BY at, id LIMIT $4",
                )
                .bind(tenant_id.as_uuid())
                .bind(from)
                .bind(to)
                .bind(i64::from(limit))
                .fetch_all(&mut *transaction)
                .await
            }
            Some(cursor) => {
                sqlx::query(
                    "SELECT tenant_id, at, id, client_ip, user_agent, method, path, route, \
                     status, duration_ms, request_id, user_id FROM access_records \
                     WHERE tenant_id = $1 AND at >= $2 AND at < $3 \
                     AND (at, id) > ($4, $5) \
                     ORDER BY at, id LIMIT $6",
                )
                .bind(tenant_id.as_uuid())
                .bind(from)
                .bind(to)
                .bind(cursor.at)
                .bind(cursor.id)
                .bind(i64::from(limit))
                .fetch_all(&mut *transaction)
                .await
            }
        }
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        page(rows.iter().map(access_record), limit)
    }
}
