//! 重複扶養チェック: each declaration's claims, rewritten with every write of it (and for
//! declarations written before the index existed, when the store connects: `filings.rs`), and
//! searched by person — all under the tenant's row-level security.

use async_trait::async_trait;
use nencho_filings::{ClaimRecord, Filing, PersonKey};
use nencho_kernel::{CompanyId, Date, FilingId, TaxYear, TenantId};
use nencho_ports::{ClaimStore, StoreError};
use nencho_store_sql::claims::{
    DELETE_CLAIMS, RECOUNT_SHARED_POSTGRES, SHARED_CLAIM_COUNT, SHARED_CLAIM_COUNT_IN_DEPARTMENT,
    claim_record, claim_rows, claims_under_query, employees_born_on_query, employees_of_company,
    filing_id, sharing_claims_query, sort_records,
};
use nencho_store_sql::rows::employee;
use nencho_store_sql::store_error;
use sqlx::{Postgres, Transaction};

use crate::PgStore;

/// Inserts the claims of `filings` (all of `tenant_id` and of one company and year, none
/// stored yet) in one statement, then sets `shares_claims` again wherever they may change it.
pub(crate) async fn insert_claims_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    filings: &[&Filing],
) -> Result<(), StoreError> {
    insert_rows_in(transaction, tenant_id, filings, Vec::new()).await
}

/// [`insert_claims_in`], with `removed` the keys the filings claimed before.
async fn insert_rows_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    filings: &[&Filing],
    removed: Vec<String>,
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
    let mut keys = removed;
    keys.extend(person_key.iter().cloned());
    if !filing_id.is_empty() {
        insert_all_in(
            transaction,
            tenant_id,
            ClaimColumns {
                filing_id,
                ordinal,
                person_key,
                company_id,
                tax_year,
                employee_id,
                role,
                person_name,
                declared_income,
            },
        )
        .await?;
    }
    keys.sort();
    keys.dedup();
    // Each (company, year) of the batch: a bulk request is of one company and year.
    let mut scopes: Vec<(CompanyId, TaxYear)> = filings
        .iter()
        .map(|filing| (filing.company_id, filing.tax_year))
        .collect();
    scopes.sort();
    scopes.dedup();
    if keys.is_empty() {
        return Ok(());
    }
    for (company, year) in scopes {
        let ids: Vec<uuid::Uuid> = filings
            .iter()
            .filter(|filing| filing.company_id == company && filing.tax_year == year)
            .map(|filing| filing.id.as_uuid())
            .collect();
        sqlx::query(RECOUNT_SHARED_POSTGRES)
            .bind(tenant_id.as_uuid())
            .bind(ids)
            .bind(company.as_uuid())
            .bind(year.year())
            .bind(&keys)
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

/// The columns of claim rows, one array each.
struct ClaimColumns {
    filing_id: Vec<uuid::Uuid>,
    ordinal: Vec<i32>,
    person_key: Vec<String>,
    company_id: Vec<uuid::Uuid>,
    tax_year: Vec<i32>,
    employee_id: Vec<uuid::Uuid>,
    role: Vec<&'static str>,
    person_name: Vec<String>,
    declared_income: Vec<i64>,
}

async fn insert_all_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    columns: ClaimColumns,
) -> Result<(), StoreError> {
    let ClaimColumns {
        filing_id,
        ordinal,
        person_key,
        company_id,
        tax_year,
        employee_id,
        role,
        person_name,
        declared_income,
    } = columns;
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

/// Replaces the stored claims of `filing` with those of its document ([`claim_rows`]: none
/// while it is excluded), inside the caller's transaction.
pub(crate) async fn replace_claims_in(
    transaction: &mut Transaction<'static, Postgres>,
    filing: &Filing,
) -> Result<(), StoreError> {
    let removed: Vec<String> = sqlx::query_scalar(DELETE_CLAIMS)
        .bind(filing.tenant_id.as_uuid())
        .bind(filing.id.as_uuid())
        .fetch_all(&mut **transaction)
        .await
        .map_err(store_error)?;
    insert_rows_in(transaction, filing.tenant_id, &[filing], removed).await
}

#[async_trait]
impl ClaimStore for PgStore {
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
        let mut query = claims_under_query::<Postgres>(
            tenant_id.as_uuid(),
            company_id.map(|id| id.as_uuid()),
            tax_year.year(),
            keys,
        );
        self.fetch_all_scoped(tenant_id, query.build())
            .await?
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
        let mut query = employees_born_on_query::<Postgres>(tenant_id.as_uuid(), dates);
        self.fetch_all_scoped(tenant_id, query.build())
            .await?
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
        let mut query = sharing_claims_query::<Postgres>(tenant_id.as_uuid(), filings);
        self.fetch_all_scoped(tenant_id, query.build())
            .await?
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
        let mut query = sqlx::query_scalar::<_, i64>(text)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year());
        if let Some(department) = department {
            query = query.bind(department);
        }
        let count = self.fetch_one_scoped(tenant_id, query).await?;
        u64::try_from(count).map_err(|_| StoreError::Corrupt("negative count".into()))
    }
}
