//! The 源泉徴収票 issued to employees (`withholding_slips`) and their consent (`slip_consents`):
//! a slip is stored whole as serde_json text in `content`, beside the columns the queries select
//! and order by (employee, tax year, company, issue). Read and written the same way by both
//! stores.

use nencho_filings::{ConsentMethod, IssuedSlip, SlipConsent};
use nencho_kernel::{EmployeeId, OffsetDateTime, TaxYear, UserId};
use nencho_ports::{OutboxMessage, StoreError};

use crate::{RowReader, corrupt, store_error};

/// The `content` column of a slip about to be issued: the whole slip as JSON.
pub fn slip_content(slip: &IssuedSlip) -> Result<String, StoreError> {
    serde_json::to_string(slip)
        .map_err(|error| StoreError::Backend(format!("issued slip not serialisable: {error}")))
}

/// Refuses mails of another tenant than the one named (before anything is written).
pub fn check_mails(
    tenant_id: nencho_kernel::TenantId,
    mails: &[OutboxMessage],
) -> Result<(), StoreError> {
    if mails.iter().any(|mail| mail.tenant_id != tenant_id) {
        return Err(StoreError::Backend("mail of another tenant".into()));
    }
    Ok(())
}

/// A `withholding_slips` row: `employee_id, tax_year, content`. Content that is not an issued
/// slip, or one of another employee or year than its row's, is [`StoreError::Corrupt`].
pub fn issued_slip(row: &impl RowReader) -> Result<IssuedSlip, StoreError> {
    let employee_id = EmployeeId::from_uuid(row.uuid("employee_id")?);
    let year = row.integer("tax_year")?;
    let content = row.text("content")?;
    let slip: IssuedSlip = serde_json::from_str(&content)
        .map_err(|error| corrupt(format!("withholding_slips: content: {error}")))?;
    if slip.employee_id != employee_id || i64::from(slip.tax_year.year()) != year {
        return Err(corrupt(format!(
            "withholding_slips: the content of employee {employee_id}, year {year} is of \
             employee {}, year {}",
            slip.employee_id,
            slip.tax_year.year()
        )));
    }
    Ok(slip)
}

/// A `replaced_withholding_slips` row: the columns of [`issued_slip`] and `replaced_at`.
pub fn replaced_slip(row: &impl RowReader) -> Result<(IssuedSlip, OffsetDateTime), StoreError> {
    Ok((issued_slip(row)?, row.timestamp("replaced_at")?))
}

/// A `tax_year` column.
pub fn tax_year(row: &impl RowReader) -> Result<TaxYear, StoreError> {
    let year = row.integer("tax_year")?;
    i32::try_from(year)
        .ok()
        .and_then(|year| TaxYear::new(year).ok())
        .ok_or_else(|| corrupt(format!("withholding_slips: tax_year {year}")))
}

/// A write's error: an employee the tenant does not have (the foreign key to `employees`) is a
/// conflict; everything else as [`store_error`] maps it.
pub fn write_error(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(database_error) if database_error.is_foreign_key_violation() => {
            StoreError::Conflict(format!(
                "no such employee in the tenant: {}",
                database_error.message()
            ))
        }
        _ => store_error(error),
    }
}

/// A `slip_consents` row: `consented_at, method, recorded_by, recorded_by_name`. An unknown
/// method is [`StoreError::Corrupt`].
pub fn slip_consent(row: &impl RowReader) -> Result<SlipConsent, StoreError> {
    let method = row.text("method")?;
    Ok(SlipConsent {
        at: row.timestamp("consented_at")?,
        method: ConsentMethod::from_code(&method)
            .ok_or_else(|| corrupt(format!("slip_consents: unknown method {method:?}")))?,
        recorded_by: row.optional_uuid("recorded_by")?.map(UserId::from_uuid),
        recorded_by_name: row.optional_text("recorded_by_name")?,
    })
}
