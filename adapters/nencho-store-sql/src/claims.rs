//! The rows of `filing_claims` (重複扶養チェック): what a declaration's write stores, and the
//! record a search by person reads back.

use nencho_filings::{ClaimRecord, ClaimRole, Filing, FilingStatus, PersonKey, all_claims_of};
use nencho_kernel::{EmployeeId, FilingId, Yen};

/// A `SELECT id` row's filing id.
pub fn filing_id(row: &impl RowReader) -> Result<FilingId, StoreError> {
    Ok(FilingId::from_uuid(row.uuid("id")?))
}
use nencho_ports::StoreError;

use crate::{RowReader, corrupt};
use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

/// One row to insert: a claimed person under one of their keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub ordinal: i32,
    pub person_key: String,
    pub role: &'static str,
    pub person_name: String,
    pub declared_income: i64,
}

/// The rows of `filing`'s claims, this year's and the 翌年分's (under their own keys),
/// computed from its document and year: none while it is
/// 対象外 ([`FilingStatus::Excluded`]) — an employee outside the year-end adjustment claims
/// no one with this employer, so their relatives raise no 重複の疑い. Every write rewrites the
/// claims, so excluding a declaration removes them (and recounts the others' `shares_claims`)
/// and including it back restores them.
pub fn claim_rows(filing: &Filing) -> Vec<ClaimRow> {
    if filing.status == FilingStatus::Excluded {
        return Vec::new();
    }
    all_claims_of(&filing.document, filing.tax_year)
        .into_iter()
        .flat_map(|claim| {
            let ordinal = i32::try_from(claim.ordinal).unwrap_or(i32::MAX);
            claim.keys.into_iter().map(move |key| ClaimRow {
                ordinal,
                person_key: key.as_str().to_owned(),
                role: claim.role.code(),
                person_name: claim.name.clone(),
                declared_income: claim.declared_income.amount(),
            })
        })
        .collect()
}

/// Reads `filing_id, employee_id, ordinal, role, person_name, declared_income, person_key`.
pub fn claim_record(row: &impl RowReader) -> Result<ClaimRecord, StoreError> {
    let role = row.text("role")?;
    Ok(ClaimRecord {
        filing_id: FilingId::from_uuid(row.uuid("filing_id")?),
        employee_id: EmployeeId::from_uuid(row.uuid("employee_id")?),
        ordinal: u32::try_from(row.integer("ordinal")?)
            .map_err(|_| corrupt("filing_claims.ordinal is negative"))?,
        role: ClaimRole::from_code(&role)
            .ok_or_else(|| corrupt(format!("unknown claim role {role:?}")))?,
        person_name: row.text("person_name")?,
        declared_income: Yen::new(row.integer("declared_income")?),
        key: PersonKey::from_stored(row.text("person_key")?),
    })
}

/// Removes a declaration's claims (`$1` tenant, `$2` filing) before they are written again,
/// answering the key of each row removed (a key may come more than once).
pub const DELETE_CLAIMS: &str =
    "DELETE FROM filing_claims WHERE tenant_id = $1 AND filing_id = $2 RETURNING person_key";

/// One claim row: tenant, filing, ordinal, key, company, year, employee, role, name, income.
pub const INSERT_CLAIM: &str = "INSERT INTO filing_claims (tenant_id, filing_id, ordinal, \
     person_key, company_id, tax_year, employee_id, role, person_name, declared_income) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The search by person: the claims of the company (every company, for `None`) and year under
/// any of `keys` (not empty), one `SELECT` per key: each is then an index lookup on
/// `filing_claims_by_person` whatever the statistics say (PostgreSQL read an `IN` list as a
/// filter over every claim of the company, the statistics stale after a bulk import). No
/// `ORDER BY`: SQLite would then walk the primary key; the adapters sort with [`sort_records`].
pub fn claims_under_query<DB>(
    tenant_id: Uuid,
    company_id: Option<Uuid>,
    tax_year: i32,
    keys: &[PersonKey],
) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
{
    let mut query = QueryBuilder::new("");
    for (index, key) in keys.iter().enumerate() {
        if index > 0 {
            query.push(" UNION ALL ");
        }
        query
            .push(
                "SELECT filing_id, employee_id, ordinal, role, person_name, declared_income, \
                 person_key FROM filing_claims WHERE tenant_id = ",
            )
            .push_bind(tenant_id);
        if let Some(company_id) = company_id {
            query.push(" AND company_id = ").push_bind(company_id);
        }
        query
            .push(" AND tax_year = ")
            .push_bind(tax_year)
            .push(" AND person_key = ")
            .push_bind(key.as_str().to_owned());
    }
    query
}

/// The tenant's employees born on any of `dates` (not empty), by the birth-date index: the
/// company is not in the query (an index led by the company would be read instead, over every
/// employee of it) — the adapters keep the company's with [`employees_of_company`].
pub fn employees_born_on_query<DB>(
    tenant_id: Uuid,
    dates: &[nencho_kernel::Date],
) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> nencho_kernel::Date: Encode<'q, DB> + Type<DB>,
{
    let mut query = QueryBuilder::new(crate::rows::SELECT_EMPLOYEES);
    query
        .push("WHERE tenant_id = ")
        .push_bind(tenant_id)
        .push(" AND birth_date IN (");
    let mut list = query.separated(", ");
    for date in dates {
        list.push_bind(*date);
    }
    query.push(")");
    query
}

/// Those of `filings` (not empty) flagged `shares_claims`, by key.
pub fn sharing_claims_query<DB>(tenant_id: Uuid, filings: &[FilingId]) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    let mut query = QueryBuilder::new("SELECT id FROM filings WHERE tenant_id = ");
    query
        .push_bind(tenant_id)
        .push(" AND shares_claims AND id IN (");
    let mut list = query.separated(", ");
    for filing in filings {
        list.push_bind(filing.as_uuid());
    }
    query.push(")");
    query
}

/// The employees of `company_id` (every one, for `None`) among `found`, by company and number.
pub fn employees_of_company(
    mut found: Vec<nencho_tenancy::Employee>,
    company_id: Option<nencho_kernel::CompanyId>,
) -> Vec<nencho_tenancy::Employee> {
    if let Some(company_id) = company_id {
        found.retain(|employee| employee.company_id == company_id);
    }
    found.sort_by(|a, b| (a.company_id, &a.number).cmp(&(b.company_id, &b.number)));
    found
}

/// A search by person's records by declaration, ordinal and key.
pub fn sort_records(records: &mut [ClaimRecord]) {
    records.sort_by(|a, b| {
        (a.filing_id, a.ordinal, a.key.as_str()).cmp(&(b.filing_id, b.ordinal, b.key.as_str()))
    });
}

/// Whether the filing `filings` (the row being updated) claims a key another declaration of its
/// company and year claims too: what `filings.shares_claims` holds. Nested so that the filing's
/// own claims are read by key first and each is then looked up by person (a join let SQLite's
/// planner start from every claim of the tenant).
///
/// `$fence` ends each subquery: PostgreSQL's ` OFFSET 0` keeps them correlated lookups (without
/// it, the statistics stale after a bulk import, it hashed every claim of the tenant for each
/// write); SQLite needs none.
macro_rules! shares_a_claim {
    ($fence:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM filing_claims a \
             WHERE a.tenant_id = filings.tenant_id AND a.filing_id = filings.id \
             AND EXISTS (SELECT 1 FROM filing_claims b WHERE b.tenant_id = a.tenant_id \
             AND b.company_id = a.company_id AND b.tax_year = a.tax_year \
             AND b.person_key = a.person_key AND b.filing_id <> a.filing_id",
            $fence,
            ")",
            $fence,
            ")"
        )
    };
}

/// SQLite: sets `shares_claims` again on the filing `$2` and on every declaration of the company
/// `$3` and year `$4` (tenant `$1`) claiming one of the keys in the JSON array `$5` — the keys
/// the write removed or added, so every flag the write may have changed. One `IN` list, so that
/// each is found by key (an `OR` of the two made SQLite scan every filing of the tenant).
pub const RECOUNT_SHARED_SQLITE: &str = concat!(
    "UPDATE filings SET shares_claims = ",
    shares_a_claim!(""),
    " WHERE tenant_id = $1 AND id IN (SELECT $2 UNION SELECT filing_id FROM filing_claims \
     WHERE tenant_id = $1 AND company_id = $3 AND tax_year = $4 \
     AND person_key IN (SELECT value FROM json_each($5)))"
);

/// PostgreSQL: [`RECOUNT_SHARED_SQLITE`] for the filings `$2` (an array), with the keys `$5` an
/// array; only the flags that change are written. Each key is looked up by itself (`OFFSET 0`
/// keeps the planner from flattening the lookup into a filter over every claim of the company,
/// as it did with `= ANY` while the statistics were stale after a bulk import).
pub const RECOUNT_SHARED_POSTGRES: &str = concat!(
    "UPDATE filings SET shares_claims = NOT shares_claims WHERE tenant_id = $1 \
     AND id IN (SELECT unnest($2::uuid[]) UNION SELECT c.filing_id \
     FROM unnest($5::text[]) AS k(person_key) CROSS JOIN LATERAL (SELECT filing_id \
     FROM filing_claims c WHERE c.tenant_id = $1 AND c.company_id = $3 AND c.tax_year = $4 \
     AND c.person_key = k.person_key OFFSET 0) c) AND shares_claims <> ",
    shares_a_claim!(" OFFSET 0")
);

/// PostgreSQL: every flag of a tenant (`$1`) set again, after the claims were indexed when the
/// store connected.
pub const RECOUNT_ALL_SHARED: &str = concat!(
    "UPDATE filings SET shares_claims = ",
    shares_a_claim!(" OFFSET 0"),
    " WHERE tenant_id = $1"
);

/// The declarations of the company `$2` and year `$3` (tenant `$1`) sharing a claimed person,
/// counted from the partial index `filings_sharing_claims` alone, minus those of employees who
/// have left (few; looked up one by one).
pub const SHARED_CLAIM_COUNT: &str = "SELECT \
     (SELECT count(*) FROM filings WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
      AND shares_claims) \
     - (SELECT count(*) FROM employees e JOIN filings f \
        ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
        WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.leave_date IS NOT NULL \
        AND f.shares_claims) AS n";

/// [`SHARED_CLAIM_COUNT`] among the current employees of the department `$4`.
pub const SHARED_CLAIM_COUNT_IN_DEPARTMENT: &str = "SELECT count(*) AS n FROM employees e \
     JOIN filings f ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
     WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.department = $4 \
     AND e.leave_date IS NULL AND f.shares_claims";
