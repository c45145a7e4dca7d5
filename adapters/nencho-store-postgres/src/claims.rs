//! 重複扶養チェック: each declaration's claims, rewritten with every write of it, indexed for
//! declarations written before the index existed when the store connects, and searched by
//! person — all under the tenant's row-level security.

use async_trait::async_trait;
use nencho_filings::{ClaimRecord, Filing, PersonKey};
use nencho_kernel::{CompanyId, Date, TaxYear, TenantId};
use nencho_ports::{ClaimStore, StoreError, TenantStore};
use nencho_store_sql::claims::{
    CLAIMS_UNDER, CLAIMS_UNDER_ORDER, DELETE_CLAIMS, SHARED_CLAIM_COUNT, claim_record, claim_rows,
};
use nencho_store_sql::filings::filing;
use nencho_store_sql::rows::{SELECT_EMPLOYEES, employee};
use nencho_store_sql::store_error;
use sqlx::{Postgres, QueryBuilder, Transaction};

use crate::PgStore;

/// The name under which [`PgStore::index_unindexed_claims`] records that it ran to the end.
const CLAIMS_FIX: &str = "0024 filing_claims";

/// Declarations indexed per transaction when the store connects.
const INDEX_BATCH: i64 = 500;

/// Inserts the claims of `filings` (all of `tenant_id`, none stored yet) in one statement.
pub(crate) async fn insert_claims_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    filings: &[&Filing],
) -> Result<(), StoreError> {
    let mut filing_id = Vec::new();
    let mut ordinal = Vec::new();
    let mut person_key = Vec::new();
    let mut company_id = Vec::new();
    let mut tax_year = Vec::new();
    let mut employee_id = Vec::new();
    let mut role = Vec::new();
    let mut person_name = Vec::new();
    let mut declared_income = Vec::new();
    for filing in filings {
        for row in claim_rows(filing) {
            filing_id.push(filing.id.as_uuid());
            ordinal.push(row.ordinal);
            person_key.push(row.person_key);
            company_id.push(filing.company_id.as_uuid());
            tax_year.push(filing.tax_year.year());
            employee_id.push(filing.employee_id.as_uuid());
            role.push(row.role);
            person_name.push(row.person_name);
            declared_income.push(row.declared_income);
        }
    }
    if filing_id.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO filing_claims (tenant_id, filing_id, ordinal, person_key, company_id, \
         tax_year, employee_id, role, person_name, declared_income) \
         SELECT $1, v.* FROM UNNEST($2::uuid[], $3::int4[], $4::text[], $5::uuid[], \
         $6::int4[], $7::uuid[], $8::text[], $9::text[], $10::int8[]) \
         AS v(filing_id, ordinal, person_key, company_id, tax_year, employee_id, role, \
         person_name, declared_income)",
    )
    .bind(tenant_id.as_uuid())
    .bind(filing_id)
    .bind(ordinal)
    .bind(person_key)
    .bind(company_id)
    .bind(tax_year)
    .bind(employee_id)
    .bind(role)
    .bind(person_name)
    .bind(declared_income)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Replaces the stored claims of `filing` with those of its document, inside the caller's
/// transaction.
pub(crate) async fn replace_claims_in(
    transaction: &mut Transaction<'static, Postgres>,
    filing: &Filing,
) -> Result<(), StoreError> {
    sqlx::query(DELETE_CLAIMS)
        .bind(filing.tenant_id.as_uuid())
        .bind(filing.id.as_uuid())
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    insert_claims_in(transaction, filing.tenant_id, &[filing]).await
}

impl PgStore {
    /// Indexes the claims of declarations written before the index existed (`claims_indexed`
    /// false), tenant by tenant, a batch per transaction, and records in `nencho_data_fixes`
    /// that it is done, so later connects cost one query.
    pub(crate) async fn index_unindexed_claims(&self) -> Result<(), StoreError> {
        let done: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM nencho_data_fixes WHERE name = $1)")
                .bind(CLAIMS_FIX)
                .fetch_one(&self.pool)
                .await
                .map_err(store_error)?;
        if done {
            return Ok(());
        }
        for tenant in self.list_tenants().await? {
            loop {
                let mut transaction = self.begin_for_tenant(tenant.id).await?;
                let found = sqlx::query(
                    "SELECT id AS filing_id, tenant_id AS filing_tenant_id, \
                     company_id AS filing_company_id, employee_id, tax_year, status, \
                     schema_version, document, proxy_entered, reopened, last_comment, \
                     requested_at, submitted_at, approved_at, updated_at AS filing_updated_at, \
                     version FROM filings WHERE tenant_id = $1 AND NOT claims_indexed \
                     LIMIT $2 FOR NO KEY UPDATE",
                )
                .bind(tenant.id.as_uuid())
                .bind(INDEX_BATCH)
                .fetch_all(&mut *transaction)
                .await
                .map_err(store_error)?;
                if found.is_empty() {
                    break;
                }
                for row in &found {
                    let filing = filing(row)?;
                    replace_claims_in(&mut transaction, &filing).await?;
                    sqlx::query(
                        "UPDATE filings SET claims_indexed = true \
                         WHERE tenant_id = $1 AND id = $2",
                    )
                    .bind(filing.tenant_id.as_uuid())
                    .bind(filing.id.as_uuid())
                    .execute(&mut *transaction)
                    .await
                    .map_err(store_error)?;
                }
                transaction.commit().await.map_err(store_error)?;
            }
        }
        sqlx::query(
            "INSERT INTO nencho_data_fixes (name, done_at) VALUES ($1, now()) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(CLAIMS_FIX)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }
}

#[async_trait]
impl ClaimStore for PgStore {
    async fn claims_under(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        keys: &[PersonKey],
    ) -> Result<Vec<ClaimRecord>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Postgres>::new(CLAIMS_UNDER);
        query
            .push_bind(tenant_id.as_uuid())
            .push(" AND company_id = ")
            .push_bind(company_id.as_uuid())
            .push(" AND tax_year = ")
            .push_bind(tax_year.year())
            .push(" AND person_key IN (");
        let mut list = query.separated(", ");
        for key in keys {
            list.push_bind(key.as_str().to_owned());
        }
        query.push(CLAIMS_UNDER_ORDER);
        self.fetch_all_scoped(tenant_id, query.build())
            .await?
            .iter()
            .map(claim_record)
            .collect()
    }

    async fn employees_born_on(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        dates: &[Date],
    ) -> Result<Vec<nencho_tenancy::Employee>, StoreError> {
        if dates.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Postgres>::new(SELECT_EMPLOYEES);
        query
            .push("WHERE tenant_id = ")
            .push_bind(tenant_id.as_uuid())
            .push(" AND company_id = ")
            .push_bind(company_id.as_uuid())
            .push(" AND birth_date IN (");
        let mut list = query.separated(", ");
        for date in dates {
            list.push_bind(*date);
        }
        query.push(") ORDER BY employee_number");
        self.fetch_all_scoped(tenant_id, query.build())
            .await?
            .iter()
            .map(employee)
            .collect()
    }

    async fn shared_claim_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<u64, StoreError> {
        let query = sqlx::query_scalar::<_, i64>(SHARED_CLAIM_COUNT)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year())
            .bind(department);
        let count = self.fetch_one_scoped(tenant_id, query).await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
