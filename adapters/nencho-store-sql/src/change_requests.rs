//! 登録内容の変更届: the statements and the row mapping both stores share.

use nencho_kernel::{ChangeRequestId, CompanyId, EmployeeId, TenantId, UserId};
use nencho_ports::StoreError;
use nencho_tenancy::{ChangeRequest, ChangeStatus, MasterChange, PersonName, PostalCode};

use crate::{RowReader, corrupt};

/// `SELECT <every column> FROM change_requests <rest>`.
macro_rules! select_change_requests {
    ($rest:literal) => {
        concat!(
            "SELECT tenant_id, id, company_id, employee_id, requested_at, requested_by, family, \
             given, family_kana, given_kana, postal_code, address, note, status, decided_at, \
             decided_by_name, comment FROM change_requests ",
            $rest
        )
    };
}

pub const DELETE_PENDING: &str =
    "DELETE FROM change_requests WHERE tenant_id = $1 AND employee_id = $2 AND status = 'pending'";

pub const INSERT: &str = "INSERT INTO change_requests (tenant_id, id, company_id, employee_id, \
     requested_at, requested_by, family, given, family_kana, given_kana, postal_code, address, \
     note, status, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
     'pending', '')";

pub const FIND: &str = select_change_requests!("WHERE tenant_id = $1 AND id = $2");

pub const OF_EMPLOYEE: &str =
    select_change_requests!("WHERE tenant_id = $1 AND employee_id = $2 ORDER BY id DESC LIMIT $3");

pub const AFTER: &str = select_change_requests!(
    "WHERE tenant_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
);

pub const PENDING: &str = select_change_requests!(
    "WHERE tenant_id = $1 AND company_id = $2 AND status = 'pending' ORDER BY id"
);

/// Decides only a pending request: a second decision updates no row.
pub const DECIDE: &str = "UPDATE change_requests SET status = $3, decided_at = $4, \
     decided_by = $5, decided_by_name = $6, comment = $7 \
     WHERE tenant_id = $1 AND id = $2 AND status = 'pending'";

pub fn change_request(row: &impl RowReader) -> Result<ChangeRequest, StoreError> {
    let status = row.text("status")?;
    let postal_code = row
        .optional_text("postal_code")?
        .map(|text| PostalCode::parse(&text).ok_or_else(|| corrupt("postal code")))
        .transpose()?;
    Ok(ChangeRequest {
        id: ChangeRequestId::from_uuid(row.uuid("id")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        company_id: CompanyId::from_uuid(row.uuid("company_id")?),
        employee_id: EmployeeId::from_uuid(row.uuid("employee_id")?),
        requested_at: row.timestamp("requested_at")?,
        requested_by: UserId::from_uuid(row.uuid("requested_by")?),
        change: MasterChange {
            name: PersonName {
                family: row.text("family")?,
                given: row.text("given")?,
                family_kana: row.text("family_kana")?,
                given_kana: row.text("given_kana")?,
            },
            postal_code,
            address: row.text("address")?,
            note: row.text("note")?,
        },
        status: ChangeStatus::from_code(&status)
            .ok_or_else(|| corrupt(format!("change request status {status:?}")))?,
        decided_at: row.optional_timestamp("decided_at")?,
        decided_by_name: row.optional_text("decided_by_name")?,
        comment: row.text("comment")?,
    })
}
