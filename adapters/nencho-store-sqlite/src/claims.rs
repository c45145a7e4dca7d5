//! 重複扶養チェック: each declaration's claims, rewritten with every write of it (and for
//! declarations written before the index existed, when the store opens: `filings.rs`), and
//! searched by person.

use async_trait::async_trait;
use nencho_filings::{ClaimRecord, Filing, PersonKey};
use nencho_kernel::{CompanyId, Date, FilingId, TaxYear, TenantId};
use nencho_ports::{ClaimStore, StoreError};
use nencho_store_sql::claims::{
    DELETE_CLAIMS, INSERT_CLAIM, RECOUNT_SHARED_SQLITE, SHARED_CLAIM_COUNT,
    SHARED_CLAIM_COUNT_IN_DEPARTMENT, claim_record, claim_rows, claims_under_query,
    employees_born_on_query, employees_of_company, filing_id, sharing_claims_query, sort_records,
};
use nencho_store_sql::rows::employee;
use nencho_store_sql::store_error;
use sqlx::{Sqlite, Transaction};

use crate::store::SqliteStore;

/// Replaces the stored claims of `filing` with those of its document ([`claim_rows`]: none
/// while it is excluded; `new`: it has none yet) and sets `shares_claims` again wherever that
/// may have changed it, inside the caller's transaction.
pub(crate) async fn replace_claims_in(
    transaction: &mut Transaction<'static, Sqlite>,
    filing: &Filing,
    new: bool,
) -> Result<(), StoreError> {
    let mut keys: Vec<String> = Vec::new();
    if !new {
        keys = sqlx::query_scalar(DELETE_CLAIMS)
            .bind(filing.tenant_id.as_uuid())
            .bind(filing.id.as_uuid())
            .fetch_all(&mut **transaction)
            .await
            .map_err(store_error)?;
    }
    for row in claim_rows(filing) {
        sqlx::query(INSERT_CLAIM)
            .bind(filing.tenant_id.as_uuid())
            .bind(filing.id.as_uuid())
            .bind(row.ordinal)
            .bind(&row.person_key)
            .bind(filing.company_id.as_uuid())
            .bind(filing.tax_year.year())
            .bind(filing.employee_id.as_uuid())
            .bind(row.role)
            .bind(row.person_name)
            .bind(row.declared_income)
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
        keys.push(row.person_key);
    }
    if keys.is_empty() {
        // No claim before or after: no flag can change.
        return Ok(());
    }
    keys.sort();
    keys.dedup();
    let keys =
        serde_json::to_string(&keys).map_err(|error| StoreError::Backend(error.to_string()))?;
    sqlx::query(RECOUNT_SHARED_SQLITE)
        .bind(filing.tenant_id.as_uuid())
        .bind(filing.id.as_uuid())
        .bind(filing.company_id.as_uuid())
        .bind(filing.tax_year.year())
        .bind(keys)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl ClaimStore for SqliteStore {
    async fn claims_under(
        &self,
        tenant_id: TenantId,
        company_id: Option<CompanyId>,
        tax_year: TaxYear,
        keys: &[PersonKey],
    ) -> Result<Vec<ClaimRecord>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        claims_under_query::<Sqlite>(
            tenant_id.as_uuid(),
            company_id.map(|id| id.as_uuid()),
            tax_year.year(),
            keys,
        )
        .build()
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(claim_record)
        .collect::<Result<Vec<_>, _>>()
        .map(|mut records| {
            sort_records(&mut records);
            records
        })
    }

    async fn employees_born_on(
        &self,
        tenant_id: TenantId,
        company_id: Option<CompanyId>,
        dates: &[Date],
    ) -> Result<Vec<nencho_tenancy::Employee>, StoreError> {
        if dates.is_empty() {
            return Ok(Vec::new());
        }
        employees_born_on_query::<Sqlite>(tenant_id.as_uuid(), dates)
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?
            .iter()
            .map(employee)
            .collect::<Result<Vec<_>, _>>()
            .map(|found| employees_of_company(found, company_id))
    }

    async fn sharing_claims(
        &self,
        tenant_id: TenantId,
        filings: &[FilingId],
    ) -> Result<Vec<FilingId>, StoreError> {
        if filings.is_empty() {
            return Ok(Vec::new());
        }
        sharing_claims_query::<Sqlite>(tenant_id.as_uuid(), filings)
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?
            .iter()
            .map(filing_id)
            .collect()
    }

    async fn shared_claim_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<u64, StoreError> {
        let text = if department.is_some() {
            SHARED_CLAIM_COUNT_IN_DEPARTMENT
        } else {
            SHARED_CLAIM_COUNT
        };
        let mut query = sqlx::query_scalar(text)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year());
        if let Some(department) = department {
            query = query.bind(department);
        }
        let count: i64 = query.fetch_one(&self.pool).await.map_err(store_error)?;
        u64::try_from(count).map_err(|_| StoreError::Corrupt("negative count".into()))
    }
}
