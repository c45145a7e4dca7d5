//! The contract's end (SVC-2, SVC-8): notice with its mails, the due lists, and the purge of
//! every tenant-owned row.

use nencho_kernel::{Date, OffsetDateTime, TenantId};
use nencho_ports::{OutboxMessage, StoreError, TableRows};
use nencho_store_sql::{rows, store_error};
use nencho_tenancy::{ContractStatus, Tenant};
use sqlx::Row;

use crate::PgStore;
use crate::outbox::enqueue_in;

/// Every tenant-owned table with the statement that counts one tenant's rows. The purge itself is
/// the `nencho_purge_tenant` function (migration 0008, last replaced in 0033), which deletes in these tables. A table
/// with a `tenant_id` column missing here makes the purge refuse to run (and the contract test
/// fail): add it here, to that function, and to the SQLite store.
const TENANT_TABLES: &[(&str, &str)] = &[
    (
        "review_digests",
        "SELECT COUNT(*) AS n FROM review_digests WHERE tenant_id = $1",
    ),
    (
        "review_digest_opt_outs",
        "SELECT COUNT(*) AS n FROM review_digest_opt_outs WHERE tenant_id = $1",
    ),
    (
        "change_requests",
        "SELECT COUNT(*) AS n FROM change_requests WHERE tenant_id = $1",
    ),
    (
        "replaced_withholding_slips",
        "SELECT COUNT(*) AS n FROM replaced_withholding_slips WHERE tenant_id = $1",
    ),
    (
        "withholding_slips",
        "SELECT COUNT(*) AS n FROM withholding_slips WHERE tenant_id = $1",
    ),
    (
        "slip_consents",
        "SELECT COUNT(*) AS n FROM slip_consents WHERE tenant_id = $1",
    ),
    (
        "filing_originals",
        "SELECT COUNT(*) AS n FROM filing_originals WHERE tenant_id = $1",
    ),
    (
        "filing_claims",
        "SELECT COUNT(*) AS n FROM filing_claims WHERE tenant_id = $1",
    ),
    (
        "filing_attachments",
        "SELECT COUNT(*) AS n FROM filing_attachments WHERE tenant_id = $1",
    ),
    (
        "filing_reminders",
        "SELECT COUNT(*) AS n FROM filing_reminders WHERE tenant_id = $1",
    ),
    (
        "filing_changes",
        "SELECT COUNT(*) AS n FROM filing_changes WHERE tenant_id = $1",
    ),
    (
        "own_deadline_reminders",
        "SELECT COUNT(*) AS n FROM own_deadline_reminders WHERE tenant_id = $1",
    ),
    (
        "filing_memos",
        "SELECT COUNT(*) AS n FROM filing_memos WHERE tenant_id = $1",
    ),
    (
        "filing_events",
        "SELECT COUNT(*) AS n FROM filing_events WHERE tenant_id = $1",
    ),
    (
        "filings",
        "SELECT COUNT(*) AS n FROM filings WHERE tenant_id = $1",
    ),
    (
        "filing_period_changes",
        "SELECT COUNT(*) AS n FROM filing_period_changes WHERE tenant_id = $1",
    ),
    (
        "filing_periods",
        "SELECT COUNT(*) AS n FROM filing_periods WHERE tenant_id = $1",
    ),
    (
        "role_assignments",
        "SELECT COUNT(*) AS n FROM role_assignments WHERE tenant_id = $1",
    ),
    (
        "employees",
        "SELECT COUNT(*) AS n FROM employees WHERE tenant_id = $1",
    ),
    (
        "audit_log",
        "SELECT COUNT(*) AS n FROM audit_log WHERE tenant_id = $1",
    ),
    (
        "recovery_codes",
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE tenant_id = $1",
    ),
    (
        "second_factors",
        "SELECT COUNT(*) AS n FROM second_factors WHERE tenant_id = $1",
    ),
    (
        "login_attempts",
        "SELECT COUNT(*) AS n FROM login_attempts WHERE tenant_id = $1",
    ),
    (
        "one_time_tokens",
        "SELECT COUNT(*) AS n FROM one_time_tokens WHERE tenant_id = $1",
    ),
    (
        "sessions",
        "SELECT COUNT(*) AS n FROM sessions WHERE tenant_id = $1",
    ),
    (
        "outbox",
        "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = $1",
    ),
    (
        "ip_allow_entries",
        "SELECT COUNT(*) AS n FROM ip_allow_entries WHERE tenant_id = $1",
    ),
    (
        "access_records",
        "SELECT COUNT(*) AS n FROM access_records WHERE tenant_id = $1",
    ),
    (
        "users",
        "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1",
    ),
    (
        "companies",
        "SELECT COUNT(*) AS n FROM companies WHERE tenant_id = $1",
    ),
];

pub(crate) async fn save_contract_end(
    store: &PgStore,
    tenant: &Tenant,
    mails: &[OutboxMessage],
) -> Result<(), StoreError> {
    let mut transaction = store.begin_for_tenant(tenant.id).await?;
    let updated = sqlx::query(
        "UPDATE tenants SET status = $2, ends_on = $3 WHERE id = $1 AND purged_at IS NULL",
    )
    .bind(tenant.id.as_uuid())
    .bind(tenant.status.as_code())
    .bind(tenant.ends_on)
    .execute(&mut *transaction)
    .await
    .map_err(store_error)?
    .rows_affected();
    if updated == 0 {
        return Err(StoreError::Backend(format!("no tenant {}", tenant.id)));
    }
    for mail in mails {
        if mail.tenant_id != tenant.id {
            return Err(StoreError::Backend("mail of another tenant".into()));
        }
        enqueue_in(&mut transaction, mail).await?;
    }
    transaction.commit().await.map_err(store_error)
}

pub(crate) async fn list_contracts_ending_by(
    store: &PgStore,
    status: ContractStatus,
    on_or_before: Date,
) -> Result<Vec<Tenant>, StoreError> {
    // A purged contract is stored as `ended` with a purge time.
    let (code, purged) = match status {
        ContractStatus::Purged => (ContractStatus::Ended.as_code(), true),
        other => (other.as_code(), false),
    };
    sqlx::query(
        "SELECT id, slug, name, status, contact_email, opened_at, ends_on, purged_at \
         FROM tenants WHERE status = $1 AND (purged_at IS NOT NULL) = $2 \
         AND ends_on IS NOT NULL AND ends_on <= $3 ORDER BY ends_on, slug",
    )
    .bind(code)
    .bind(purged)
    .bind(on_or_before)
    .fetch_all(&store.pool)
    .await
    .map_err(store_error)?
    .iter()
    .map(rows::tenant)
    .collect()
}

/// The tables of the schema with a `tenant_id` column, by name (from `pg_catalog`, which every
/// role may read, whatever its grants on the tables).
async fn catalogue_tenant_tables(
    connection: &mut sqlx::PgConnection,
) -> Result<Vec<String>, StoreError> {
    sqlx::query(
        "SELECT c.relname::text AS table_name FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE a.attname = 'tenant_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') \
         AND n.nspname = current_schema() ORDER BY 1",
    )
    .fetch_all(connection)
    .await
    .map_err(store_error)?
    .iter()
    .map(|row| row.try_get("table_name").map_err(store_error))
    .collect()
}

fn unknown_tables(catalogue: &[String]) -> Vec<&str> {
    catalogue
        .iter()
        .map(String::as_str)
        .filter(|table| !TENANT_TABLES.iter().any(|(known, _)| known == table))
        .collect()
}

pub(crate) async fn purge_tenant(
    store: &PgStore,
    tenant_id: TenantId,
    at: OffsetDateTime,
) -> Result<Vec<TableRows>, StoreError> {
    // Under the tenant's own setting: row-level security holds for the purge too.
    let mut transaction = store.begin_for_tenant(tenant_id).await?;
    let catalogue = catalogue_tenant_tables(&mut transaction).await?;
    let unknown = unknown_tables(&catalogue);
    if !unknown.is_empty() {
        return Err(StoreError::Backend(format!(
            "refusing to purge: tenant-owned tables unknown to the purge: {}",
            unknown.join(", ")
        )));
    }
    let marked = sqlx::query(
        "UPDATE tenants SET purged_at = COALESCE(purged_at, $2) \
         WHERE id = $1 AND status = 'ended'",
    )
    .bind(tenant_id.as_uuid())
    .bind(at)
    .execute(&mut *transaction)
    .await
    .map_err(store_error)?
    .rows_affected();
    if marked == 0 {
        return Err(StoreError::Backend(format!(
            "refusing to purge tenant {tenant_id}: unknown or its contract has not ended"
        )));
    }
    let mut report = sqlx::query("SELECT table_name, row_count FROM nencho_purge_tenant($1)")
        .bind(tenant_id.as_uuid())
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_error)?
        .iter()
        .map(|row| {
            let rows: i64 = row.try_get("row_count").map_err(store_error)?;
            Ok(TableRows {
                table: row.try_get("table_name").map_err(store_error)?,
                rows: u64::try_from(rows).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let missed: Vec<&str> = TENANT_TABLES
        .iter()
        .map(|(table, _)| *table)
        .filter(|table| !report.iter().any(|purged| purged.table == *table))
        .collect();
    if !missed.is_empty() {
        // Dropping the transaction rolls the purge back.
        return Err(StoreError::Backend(format!(
            "refusing to purge: nencho_purge_tenant does not purge {}",
            missed.join(", ")
        )));
    }
    transaction.commit().await.map_err(store_error)?;
    report.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(report)
}

pub(crate) async fn count_tenant_rows(
    store: &PgStore,
    tenant_id: TenantId,
) -> Result<Vec<TableRows>, StoreError> {
    let mut transaction = store.begin_for_tenant(tenant_id).await?;
    let catalogue = catalogue_tenant_tables(&mut transaction).await?;
    let unknown = unknown_tables(&catalogue);
    if !unknown.is_empty() {
        return Err(StoreError::Backend(format!(
            "tenant-owned tables unknown to the purge: {}",
            unknown.join(", ")
        )));
    }
    let mut counts = Vec::with_capacity(catalogue.len());
    for table in catalogue {
        let Some((_, count)) = TENANT_TABLES.iter().find(|(known, _)| *known == table) else {
            continue;
        };
        let rows: i64 = sqlx::query(*count)
            .bind(tenant_id.as_uuid())
            .fetch_one(&mut *transaction)
            .await
            .map_err(store_error)?
            .try_get("n")
            .map_err(store_error)?;
        counts.push(TableRows {
            table,
            rows: u64::try_from(rows).unwrap_or(0),
        });
    }
    transaction.commit().await.map_err(store_error)?;
    Ok(counts)
}
