//! The certificates' receipts and each declaration's count of certificates still awaited.

use async_trait::async_trait;
use nencho_filings::{Declaration, FieldChange, OriginalReceipt};
use nencho_kernel::{CompanyId, FilingId, TaxYear, TenantId};
use nencho_ports::{OriginalReceiptWrite, OriginalStore, StoreError, TenantStore};
use nencho_store_sql::attachments::insert_error;
use nencho_store_sql::filings::document;
use nencho_store_sql::originals::{filed_receipt, pending_column, receipt};
use nencho_store_sql::{RowReader, store_error};
use sqlx::{Postgres, Row, Transaction};

use crate::PgStore;

/// The declarations of the company `$2` and year `$3` waiting for certificates, counted from
/// the partial index `filings_awaiting_originals` alone, minus those of employees who have left
/// (few; looked up one by one) — no join over every waiting declaration.
const AWAITING: &str = "SELECT \
     (SELECT count(*) FROM filings WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
      AND originals_pending > 0 AND status IN ('submitted', 'returned', 'approved')) \
     - (SELECT count(*) FROM employees e JOIN filings f \
        ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
        WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.leave_date IS NOT NULL \
        AND f.originals_pending > 0 AND f.status IN ('submitted', 'returned', 'approved'))";

/// [`AWAITING`] among the current employees of the department `$4`.
const AWAITING_IN_DEPARTMENT: &str = "SELECT count(*) FROM employees e JOIN filings f \
     ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
     WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.department = $4 \
     AND e.leave_date IS NULL AND f.originals_pending > 0 \
     AND f.status IN ('submitted', 'returned', 'approved')";

/// The name under which [`PgStore::count_unknown_originals`] records that it ran to the end.
const ORIGINALS_FIX: &str = "0015 originals_pending";

/// Declarations counted per transaction when the store opens (see [`PgStore::count_unknown_originals`]).
const COUNT_BATCH: i64 = 500;

/// Counts the declaration's pending certificates again from `document` and its stored receipts.
pub(crate) async fn recount_originals_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    filing_id: FilingId,
    document: &Declaration,
) -> Result<(), StoreError> {
    let received: Vec<String> = sqlx::query(
        "SELECT original_key FROM filing_originals WHERE tenant_id = $1 AND filing_id = $2",
    )
    .bind(tenant_id.as_uuid())
    .bind(filing_id.as_uuid())
    .fetch_all(&mut **transaction)
    .await
    .map_err(store_error)?
    .iter()
    .map(|row| row.try_get("original_key"))
    .collect::<Result<_, _>>()
    .map_err(store_error)?;
    sqlx::query("UPDATE filings SET originals_pending = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id.as_uuid())
        .bind(filing_id.as_uuid())
        .bind(pending_column(document, &received))
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    Ok(())
}

/// Appends one changed value to the declaration's history.
pub(crate) async fn insert_change_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    filing_id: FilingId,
    change: &FieldChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO filing_changes (tenant_id, filing_id, at, actor_id, actor_name, path, \
         label, before_value, after_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant_id.as_uuid())
    .bind(filing_id.as_uuid())
    .bind(change.at)
    .bind(change.actor.as_uuid())
    .bind(change.actor_name.as_str())
    .bind(change.change.path.as_str())
    .bind(change.change.label.as_str())
    .bind(change.change.before.as_deref())
    .bind(change.change.after.as_deref())
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

impl PgStore {
    /// Counts the pending certificates of declarations written before the count existed
    /// (`originals_pending` NULL), tenant by tenant, a batch per transaction, and records in
    /// `nencho_data_fixes` that it is done, so later connects cost one query, not one per tenant.
    pub(crate) async fn count_unknown_originals(&self) -> Result<(), StoreError> {
        if self.data_fix_done(ORIGINALS_FIX).await? {
            return Ok(());
        }
        for tenant in self.list_tenants().await? {
            loop {
                let mut transaction = self.begin_for_tenant(tenant.id).await?;
                let found = sqlx::query(
                    "SELECT id, schema_version, document FROM filings \
                     WHERE tenant_id = $1 AND originals_pending IS NULL LIMIT $2 \
                     FOR NO KEY UPDATE",
                )
                .bind(tenant.id.as_uuid())
                .bind(COUNT_BATCH)
                .fetch_all(&mut *transaction)
                .await
                .map_err(store_error)?;
                if found.is_empty() {
                    break;
                }
                for row in &found {
                    let filing_id = FilingId::from_uuid(row.uuid("id")?);
                    recount_originals_in(&mut transaction, tenant.id, filing_id, &document(row)?)
                        .await?;
                }
                transaction.commit().await.map_err(store_error)?;
            }
        }
        self.mark_data_fix_done(ORIGINALS_FIX).await
    }
}

#[async_trait]
impl OriginalStore for PgStore {
    async fn original_receipts(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Vec<OriginalReceipt>, StoreError> {
        let query = sqlx::query(
            "SELECT original_key, method, at, actor_id, actor_name FROM filing_originals \
             WHERE tenant_id = $1 AND filing_id = $2 ORDER BY original_key",
        )
        .bind(tenant_id.as_uuid())
        .bind(filing_id.as_uuid());
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(receipt)
            .collect()
    }

    async fn write_original_receipt(
        &self,
        tenant_id: TenantId,
        write: &OriginalReceiptWrite,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        match &write.receipt {
            Some(receipt) => {
                sqlx::query(
                    "INSERT INTO filing_originals (tenant_id, filing_id, original_key, method, \
                     at, actor_id, actor_name) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (tenant_id, filing_id, original_key) DO UPDATE SET \
                     method = excluded.method, at = excluded.at, actor_id = excluded.actor_id, \
                     actor_name = excluded.actor_name",
                )
                .bind(tenant_id.as_uuid())
                .bind(write.filing_id.as_uuid())
                .bind(write.key.as_str())
                .bind(receipt.method.code())
                .bind(receipt.at)
                .bind(receipt.actor.as_uuid())
                .bind(receipt.actor_name.as_str())
                .execute(&mut *transaction)
                .await
                .map_err(insert_error)?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM filing_originals \
                     WHERE tenant_id = $1 AND filing_id = $2 AND original_key = $3",
                )
                .bind(tenant_id.as_uuid())
                .bind(write.filing_id.as_uuid())
                .bind(write.key.as_str())
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
            }
        }
        // Locked: a concurrent write of the document waits, then counts with this receipt.
        let row = sqlx::query(
            "SELECT schema_version, document FROM filings WHERE tenant_id = $1 AND id = $2 \
             FOR NO KEY UPDATE",
        )
        .bind(tenant_id.as_uuid())
        .bind(write.filing_id.as_uuid())
        .fetch_optional(&mut *transaction)
        .await
        .map_err(store_error)?
        .ok_or_else(|| StoreError::Conflict("no such declaration in the tenant".into()))?;
        recount_originals_in(
            &mut transaction,
            tenant_id,
            write.filing_id,
            &document(&row)?,
        )
        .await?;
        insert_change_in(&mut transaction, tenant_id, write.filing_id, &write.change).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn awaiting_originals_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<u64, StoreError> {
        let text = if department.is_some() {
            AWAITING_IN_DEPARTMENT
        } else {
            AWAITING
        };
        let mut query = sqlx::query_scalar(text)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year());
        if let Some(department) = department {
            query = query.bind(department);
        }
        let count: i64 = self.fetch_one_scoped(tenant_id, query).await?;
        u64::try_from(count).map_err(|_| StoreError::Corrupt("negative count".into()))
    }

    async fn original_receipts_after(
        &self,
        tenant_id: TenantId,
        after: Option<(FilingId, String)>,
        limit: u32,
    ) -> Result<Vec<(FilingId, OriginalReceipt)>, StoreError> {
        let (after_filing, after_key) = match &after {
            Some((filing_id, key)) => (Some(filing_id.as_uuid()), key.as_str()),
            None => (None, ""),
        };
        let query = sqlx::query(
            "SELECT filing_id, original_key, method, at, actor_id, actor_name \
             FROM filing_originals WHERE tenant_id = $1 \
             AND ($2::uuid IS NULL OR (filing_id, original_key) > ($2, $3)) \
             ORDER BY filing_id, original_key LIMIT $4",
        )
        .bind(tenant_id.as_uuid())
        .bind(after_filing)
        .bind(after_key)
        .bind(i64::from(limit));
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(filed_receipt)
            .collect()
    }
}
