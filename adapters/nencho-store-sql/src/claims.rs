//! The rows of `filing_claims` (重複扶養チェック): what a declaration's write stores, and the
//! record a search by person reads back.

use nencho_filings::{ClaimRecord, ClaimRole, Filing, PersonKey, claims_of};
use nencho_kernel::{EmployeeId, FilingId, Yen};
use nencho_ports::StoreError;

use crate::{RowReader, corrupt};

/// One row to insert: a claimed person under one of their keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub ordinal: i32,
    pub person_key: String,
    pub role: &'static str,
    pub person_name: String,
    pub declared_income: i64,
}

/// The rows of `filing`'s claims, computed from its document and year.
pub fn claim_rows(filing: &Filing) -> Vec<ClaimRow> {
    claims_of(&filing.document, filing.tax_year)
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

/// Removes a declaration's claims (`$1` tenant, `$2` filing) before they are written again.
pub const DELETE_CLAIMS: &str = "DELETE FROM filing_claims WHERE tenant_id = $1 AND filing_id = $2";

/// One claim row: tenant, filing, ordinal, key, company, year, employee, role, name, income.
pub const INSERT_CLAIM: &str = "INSERT INTO filing_claims (tenant_id, filing_id, ordinal, \
     person_key, company_id, tax_year, employee_id, role, person_name, declared_income) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The start of a search by person, before the bound list of keys and `)`.
pub const CLAIMS_UNDER: &str = "SELECT filing_id, employee_id, ordinal, role, person_name, \
     declared_income, person_key FROM filing_claims WHERE tenant_id = ";

/// The order of a search by person's records.
pub const CLAIMS_UNDER_ORDER: &str = ") ORDER BY filing_id, ordinal, person_key";

/// The declarations of the company `$2` and year `$3` (tenant `$1`) whose employee has not left
/// (and is of the department `$4`, when not NULL) claiming a key another declaration claims too:
/// the shared keys come from the index `filing_claims_by_person` alone.
pub const SHARED_CLAIM_COUNT: &str = "SELECT count(DISTINCT c.filing_id) AS n FROM ( \
     SELECT person_key FROM filing_claims \
     WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
     GROUP BY person_key HAVING count(DISTINCT filing_id) > 1) shared \
     JOIN filing_claims c ON c.tenant_id = $1 AND c.company_id = $2 AND c.tax_year = $3 \
     AND c.person_key = shared.person_key \
     JOIN employees e ON e.tenant_id = c.tenant_id AND e.id = c.employee_id \
     WHERE e.leave_date IS NULL AND ($4 IS NULL OR e.department = $4)";
