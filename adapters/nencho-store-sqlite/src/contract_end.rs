//! The contract's end (SVC-2, SVC-8): notice with its mails, the due lists, and the purge of
//! every tenant-owned row.

use nencho_kernel::{Date, OffsetDateTime, TenantId};
use nencho_ports::{OutboxMessage, StoreError, TableRows};
use nencho_store_sql::{rows, store_error};
use nencho_tenancy::{ContractStatus, Tenant};
use sqlx::Row;

use crate::SqliteStore;
use crate::outbox::enqueue_in;

/// Every tenant-owned table with the statements that delete and count one tenant's rows, children
/// before their parents (the foreign keys). A table with a `tenant_id` column missing here makes
/// the purge refuse to run (and the contract test fail): add it here, in both stores.
const TENANT_TABLES: &[(&str, &str, &str)] = &[
    (
        "review_digests",
        "DELETE FROM review_digests WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM review_digests WHERE tenant_id = $1",
    ),
    (
        "review_digest_opt_outs",
        "DELETE FROM review_digest_opt_outs WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM review_digest_opt_outs WHERE tenant_id = $1",
    ),
    (
        "change_requests",
        "DELETE FROM change_requests WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM change_requests WHERE tenant_id = $1",
    ),
    (
        "replaced_withholding_slips",
        "DELETE FROM replaced_withholding_slips WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM replaced_withholding_slips WHERE tenant_id = $1",
    ),
    (
        "withholding_slips",
        "DELETE FROM withholding_slips WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM withholding_slips WHERE tenant_id = $1",
    ),
    (
        "slip_consents",
        "DELETE FROM slip_consents WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM slip_consents WHERE tenant_id = $1",
    ),
    (
        "filing_originals",
        "DELETE FROM filing_originals WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_originals WHERE tenant_id = $1",
    ),
    (
        "filing_claims",
        "DELETE FROM filing_claims WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_claims WHERE tenant_id = $1",
    ),
    (
        "filing_attachments",
        "DELETE FROM filing_attachments WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_attachments WHERE tenant_id = $1",
    ),
    (
        "filing_reminders",
        "DELETE FROM filing_reminders WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_reminders WHERE tenant_id = $1",
    ),
    (
        "own_deadline_reminders",
        "DELETE FROM own_deadline_reminders WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM own_deadline_reminders WHERE tenant_id = $1",
    ),
    (
        "filing_memos",
        "DELETE FROM filing_memos WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_memos WHERE tenant_id = $1",
    ),
    (
        "filing_changes",
        "DELETE FROM filing_changes WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_changes WHERE tenant_id = $1",
    ),
    (
        "filing_events",
        "DELETE FROM filing_events WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_events WHERE tenant_id = $1",
    ),
    (
        "filings",
        "DELETE FROM filings WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filings WHERE tenant_id = $1",
    ),
    (
        "filing_period_changes",
        "DELETE FROM filing_period_changes WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_period_changes WHERE tenant_id = $1",
    ),
    (
        "filing_periods",
        "DELETE FROM filing_periods WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM filing_periods WHERE tenant_id = $1",
    ),
    (
        "role_assignments",
        "DELETE FROM role_assignments WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM role_assignments WHERE tenant_id = $1",
    ),
    (
        "employees",
        "DELETE FROM employees WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM employees WHERE tenant_id = $1",
    ),
    (
        "audit_log",
        "DELETE FROM audit_log WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM audit_log WHERE tenant_id = $1",
    ),
    (
        "recovery_codes",
        "DELETE FROM recovery_codes WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE tenant_id = $1",
    ),
    (
        "second_factors",
        "DELETE FROM second_factors WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM second_factors WHERE tenant_id = $1",
    ),
    (
        "login_attempts",
        "DELETE FROM login_attempts WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM login_attempts WHERE tenant_id = $1",
    ),
    (
        "one_time_tokens",
        "DELETE FROM one_time_tokens WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM one_time_tokens WHERE tenant_id = $1",
    ),
    (
        "sessions",
        "DELETE FROM sessions WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM sessions WHERE tenant_id = $1",
    ),
    (
        "outbox",
        "DELETE FROM outbox WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = $1",
    ),
    (
        "ip_allow_entries",
        "DELETE FROM ip_allow_entries WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM ip_allow_entries WHERE tenant_id = $1",
    ),
    (
        "access_records",
        "DELETE FROM access_records WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM access_records WHERE tenant_id = $1",
    ),
    (
        "users",
        "DELETE FROM users WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1",
    ),
    (
        "companies",
        "DELETE FROM companies WHERE tenant_id = $1",
        "SELECT COUNT(*) AS n FROM companies WHERE tenant_id = $1",
    ),
];

pub(crate) async fn save_contract_end(
    store: &SqliteStore,
    tenant: &Tenant,
    mails: &[OutboxMessage],
) -> Result<(), StoreError> {
    let mut transaction = store.begin_write().await?;
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
    store: &SqliteStore,
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

/// The tables of the schema with a `tenant_id` column, by name.
async fn catalogue_tenant_tables(
    connection: &mut sqlx::SqliteConnection,
) -> Result<Vec<String>, StoreError> {
    sqlx::query(
        "SELECT m.name AS table_name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY m.name",
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
        .filter(|table| !TENANT_TABLES.iter().any(|(known, _, _)| known == table))
        .collect()
}

pub(crate) async fn purge_tenant(
    store: &SqliteStore,
    tenant_id: TenantId,
    at: OffsetDateTime,
) -> Result<Vec<TableRows>, StoreError> {
    let mut transaction = store.begin_write().await?;
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
    let mut report = Vec::with_capacity(TENANT_TABLES.len());
    for (table, delete, _) in TENANT_TABLES {
        let rows = sqlx::query(*delete)
            .bind(tenant_id.as_uuid())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        report.push(TableRows {
            table: (*table).to_owned(),
            rows,
        });
    }
    transaction.commit().await.map_err(store_error)?;
    report.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(report)
}

pub(crate) async fn count_tenant_rows(
    store: &SqliteStore,
    tenant_id: TenantId,
) -> Result<Vec<TableRows>, StoreError> {
    let mut connection = store.pool.acquire().await.map_err(store_error)?;
    let catalogue = catalogue_tenant_tables(&mut connection).await?;
    let unknown = unknown_tables(&catalogue);
    if !unknown.is_empty() {
        return Err(StoreError::Backend(format!(
            "tenant-owned tables unknown to the purge: {}",
            unknown.join(", ")
        )));
    }
    let mut counts = Vec::with_capacity(catalogue.len());
    for table in catalogue {
        let Some((_, _, count)) = TENANT_TABLES.iter().find(|(known, _, _)| *known == table) else {
            continue;
        };
        let rows: i64 = sqlx::query(*count)
            .bind(tenant_id.as_uuid())
            .fetch_one(&mut *connection)
            .await
            .map_err(store_error)?
            .try_get("n")
            .map_err(store_error)?;
        counts.push(TableRows {
            table,
            rows: u64::try_from(rows).unwrap_or(0),
        });
    }
    Ok(counts)
}
