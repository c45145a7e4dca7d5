//! The declarations' rows and columns (`filing_periods`, `filing_period_changes`, `filings`,
//! `filing_events`, `filing_changes`), read and written the same way by both stores.
//!
//! A filing's columns are read under names that never clash with the `employees` columns, so the
//! progress list can select an employee and their (left-joined, maybe absent) filing in one row:
//! see [`filing`].

use nencho_filings::{
    CheckMark, DateRange, Declaration, FieldChange, Filing, FilingEvent, FilingPeriods,
    FilingStatus, GuidanceText, MemoText, StaffMemo, ValueChange,
};
use nencho_kernel::{CompanyId, EmployeeId, FilingId, TaxYear, TenantId, UserId};
use nencho_ports::{FilingMark, PeriodChange, StoreError};

use crate::{RowReader, corrupt};

/// `(schema_version, document)` of the `filings` table: the declaration as JSON text and its
/// schema version in its own column, so a later version can find and convert older documents.
pub fn document_columns(document: &Declaration) -> Result<(i32, String), StoreError> {
    let schema_version = i32::try_from(document.schema_version)
        .map_err(|_| StoreError::Backend("declaration schema version out of range".into()))?;
    let json = serde_json::to_string(document)
        .map_err(|error| StoreError::Backend(format!("declaration to JSON: {error}")))?;
    Ok((schema_version, json))
}

fn tax_year(row: &impl RowReader) -> Result<TaxYear, StoreError> {
    let year = row.integer("tax_year")?;
    i32::try_from(year)
        .ok()
        .and_then(|year| TaxYear::new(year).ok())
        .ok_or_else(|| corrupt(format!("tax year {year}")))
}

fn status(row: &impl RowReader, column: &str) -> Result<FilingStatus, StoreError> {
    let code = row.text(column)?;
    FilingStatus::from_code(&code).ok_or_else(|| corrupt(format!("filing status {code:?}")))
}

fn range(row: &impl RowReader, start: &str, end: &str) -> Result<DateRange, StoreError> {
    DateRange::new(row.date(start)?, row.date(end)?)
        .map_err(|error| corrupt(format!("{start}…{end}: {error}")))
}

/// The `guidance` column of a `filing_periods` row (会社からのご案内), `None` when empty.
pub fn guidance(row: &impl RowReader) -> Result<Option<GuidanceText>, StoreError> {
    match row.optional_text("guidance")? {
        None => Ok(None),
        Some(text) => GuidanceText::parse(&text)
            .map_err(|error| corrupt(format!("filing_periods.guidance: {error}"))),
    }
}

/// A `(tax_year, guidance)` row of a company's guidance list.
pub fn year_guidance(row: &impl RowReader) -> Result<Option<(TaxYear, GuidanceText)>, StoreError> {
    let Some(text) = guidance(row)? else {
        return Ok(None);
    };
    Ok(Some((tax_year(row)?, text)))
}

/// A `filing_memos` row: `at, actor_id, actor_name, body`.
pub fn memo(row: &impl RowReader) -> Result<StaffMemo, StoreError> {
    Ok(StaffMemo {
        at: row.timestamp("at")?,
        actor: UserId::from_uuid(row.uuid("actor_id")?),
        actor_name: row.text("actor_name")?,
        text: MemoText::parse(&row.text("body")?)
            .map_err(|error| corrupt(format!("filing_memos.body: {error}")))?,
    })
}

/// Inserts a memo only where the tenant has the declaration (`$1` tenant, `$2` filing).
pub const INSERT_MEMO: &str = "INSERT INTO filing_memos (tenant_id, filing_id, at, actor_id, \
     actor_name, body) SELECT $1, $2, $3, $4, $5, $6 \
     WHERE EXISTS (SELECT 1 FROM filings WHERE tenant_id = $1 AND id = $2)";

/// A declaration's memos, oldest first.
pub const SELECT_MEMOS: &str = "SELECT at, actor_id, actor_name, body FROM filing_memos \
     WHERE tenant_id = $1 AND filing_id = $2 ORDER BY at, id";

/// A `filing_periods` row (every column).
pub fn periods(row: &impl RowReader) -> Result<FilingPeriods, StoreError> {
    let refiling = match (
        row.optional_date("refiling_start")?,
        row.optional_date("refiling_end")?,
    ) {
        (None, None) => None,
        (Some(_), Some(_)) => Some(range(row, "refiling_start", "refiling_end")?),
        _ => return Err(corrupt("refiling period with one end only")),
    };
    // Built field by field, not through `FilingPeriods::new`: what was valid when it was set
    // stays readable even if the rules for new periods change.
    Ok(FilingPeriods {
        company_id: CompanyId::from_uuid(row.uuid("company_id")?),
        tax_year: tax_year(row)?,
        adjustment: range(row, "adjustment_start", "adjustment_end")?,
        filing: range(row, "filing_start", "filing_end")?,
        refiling,
        year_round_changes: row.boolean("year_round_changes")?,
    })
}

/// A `filing_period_changes` row: `company_id, tax_year, at, actor_id, actor_name, summary`.
pub fn period_change(row: &impl RowReader) -> Result<PeriodChange, StoreError> {
    Ok(PeriodChange {
        company_id: CompanyId::from_uuid(row.uuid("company_id")?),
        tax_year: tax_year(row)?,
        at: row.timestamp("at")?,
        actor: UserId::from_uuid(row.uuid("actor_id")?),
        actor_name: row.text("actor_name")?,
        summary: row.text("summary")?,
    })
}

/// A filing selected as `f.id AS filing_id, f.tenant_id AS filing_tenant_id, f.company_id AS
/// filing_company_id, f.employee_id, f.tax_year, f.status, f.schema_version, f.document,
/// f.proxy_entered, f.reopened, f.last_comment, f.requested_at, f.submitted_at, f.approved_at,
/// f.updated_at AS filing_updated_at, f.version`.
/// The declaration of a `filings` row: its `document` and `schema_version` columns.
pub fn document(row: &impl RowReader) -> Result<Declaration, StoreError> {
    let schema_version = row.integer("schema_version")?;
    let document: Declaration = serde_json::from_str(&row.text("document")?)
        .map_err(|error| corrupt(format!("declaration document: {error}")))?;
    if i64::from(document.schema_version) != schema_version {
        return Err(corrupt(format!(
            "declaration of schema {} in a row of schema {schema_version}",
            document.schema_version
        )));
    }
    Ok(document)
}

pub fn filing(row: &impl RowReader) -> Result<Filing, StoreError> {
    let document = document(row)?;
    Ok(Filing {
        id: FilingId::from_uuid(row.uuid("filing_id")?),
        tenant_id: TenantId::from_uuid(row.uuid("filing_tenant_id")?),
        company_id: CompanyId::from_uuid(row.uuid("filing_company_id")?),
        employee_id: EmployeeId::from_uuid(row.uuid("employee_id")?),
        tax_year: tax_year(row)?,
        status: status(row, "status")?,
        document,
        proxy_entered: row.boolean("proxy_entered")?,
        reopened: row.boolean("reopened")?,
        last_comment: row.optional_text("last_comment")?,
        requested_at: row.optional_timestamp("requested_at")?,
        submitted_at: row.optional_timestamp("submitted_at")?,
        approved_at: row.optional_timestamp("approved_at")?,
        own_deadline: row.optional_date("own_deadline")?,
        checked: match (
            row.optional_timestamp("checked_at")?,
            row.optional_uuid("checked_by")?,
        ) {
            (Some(at), Some(by)) => Some(CheckMark {
                at,
                by: UserId::from_uuid(by),
            }),
            _ => None,
        },
        updated_at: row.timestamp("filing_updated_at")?,
        version: row.integer("version")?,
    })
}

/// A filing selected as for [`filing`] through a `LEFT JOIN`: `None` when there is none.
pub fn optional_filing(row: &impl RowReader) -> Result<Option<Filing>, StoreError> {
    match row.optional_uuid("filing_id")? {
        Some(_) => filing(row).map(Some),
        None => Ok(None),
    }
}

/// The progress list's `originals_pending` (0 without a declaration).
/// A row of the progress list: the employee, the year's declaration if any, and its counts.
pub fn filing_row(row: &impl RowReader) -> Result<nencho_ports::FilingRow, StoreError> {
    Ok(nencho_ports::FilingRow {
        employee: crate::rows::employee(row)?,
        filing: optional_filing(row)?,
        originals_pending: originals_pending(row)?,
        shares_claims: shares_claims(row)?,
    })
}

pub fn originals_pending(row: &impl RowReader) -> Result<u32, StoreError> {
    u32::try_from(row.integer("originals_pending")?)
        .map_err(|_| corrupt("originals_pending out of range"))
}

/// The progress list's `shares_claims` column (false without a filing).
pub fn shares_claims(row: &impl RowReader) -> Result<bool, StoreError> {
    row.boolean("shares_claims")
}

/// A `filing_events` row: `at, actor_id, actor_name, from_status, to_status, action, comment,
/// proxy`.
pub fn event(row: &impl RowReader) -> Result<FilingEvent, StoreError> {
    Ok(FilingEvent {
        at: row.timestamp("at")?,
        actor: UserId::from_uuid(row.uuid("actor_id")?),
        actor_name: row.text("actor_name")?,
        from: status(row, "from_status")?,
        to: status(row, "to_status")?,
        action: row.text("action")?,
        comment: row.optional_text("comment")?,
        proxy: row.boolean("proxy")?,
    })
}

/// A `filing_changes` row: `at, actor_id, actor_name, path, label, before_value, after_value`.
pub fn field_change(row: &impl RowReader) -> Result<FieldChange, StoreError> {
    Ok(FieldChange {
        at: row.timestamp("at")?,
        actor: UserId::from_uuid(row.uuid("actor_id")?),
        actor_name: row.text("actor_name")?,
        change: ValueChange {
            path: row.text("path")?,
            label: row.text("label")?,
            before: row.optional_text("before_value")?,
            after: row.optional_text("after_value")?,
        },
    })
}

/// The dashboard's counts from rows of `(status, count)` where 'not_requested' carries the
/// number of current employees and every other status the filings of current employees: every
/// status in [`FilingStatus::ALL`] order, zeros included, 未依頼 being the employees left over.
/// The employees of company `company_id` numbered `numbers` with their declaration of
/// `tax_year`, if any (the columns of the progress list, so that its row readers apply), in
/// number order: one statement for a pasted list. The join names exactly the key of
/// `filings_one_per_employee_and_year`: with the company in it too, PostgreSQL without fresh
/// statistics (after a bulk import) walked `filings_by_status` for every employee instead —
/// 8.4 s instead of 14 ms for 500 numbers of a 100,000-employee company.
pub fn filing_rows_of_numbers_query<DB>(
    tenant_id: uuid::Uuid,
    company_id: uuid::Uuid,
    tax_year: i32,
    numbers: &[nencho_tenancy::EmployeeNumber],
) -> sqlx::QueryBuilder<DB>
where
    DB: sqlx::Database,
    for<'q> uuid::Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i32: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::QueryBuilder::new(
        "SELECT e.tenant_id, e.id, e.company_id, e.employee_number, e.family_name, \
         e.given_name, e.family_name_kana, e.given_name_kana, e.birth_date, e.postal_code, \
         e.address, e.email, e.department, e.employment_type, e.hire_date, e.leave_date, \
         e.user_id, e.updated_at, \
         f.id AS filing_id, f.tenant_id AS filing_tenant_id, \
         f.company_id AS filing_company_id, f.employee_id, f.tax_year, f.status, \
         f.schema_version, f.document, f.proxy_entered, f.reopened, f.last_comment, \
         f.requested_at, f.submitted_at, f.approved_at, f.own_deadline, f.checked_at, f.checked_by, f.updated_at AS filing_updated_at, \
         f.version, coalesce(f.originals_pending, 0) AS originals_pending, \
         f.shares_claims IS TRUE AS shares_claims \
         FROM employees e LEFT JOIN filings f \
         ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = ",
    );
    query
        .push_bind(tax_year)
        .push(" WHERE e.tenant_id = ")
        .push_bind(tenant_id)
        .push(" AND e.company_id = ")
        .push_bind(company_id)
        .push(" AND e.employee_number IN (");
    let mut separated = query.separated(", ");
    for number in numbers {
        separated.push_bind(number.as_str().to_owned());
    }
    query.push(") ORDER BY e.employee_number");
    query
}

/// 部署別の進捗: the current employees of company `$2` by department and by the status of their
/// declaration of year `$3` (none: 未依頼), one grouped pass over the company's employees.
pub const STATUS_COUNTS_BY_DEPARTMENT: &str = "SELECT e.department, \
     coalesce(f.status, 'not_requested') AS status, count(*) AS count \
     FROM employees e LEFT JOIN filings f \
     ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
     WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.leave_date IS NULL \
     GROUP BY e.department, coalesce(f.status, 'not_requested')";

/// The rows of [`STATUS_COUNTS_BY_DEPARTMENT`], by department (in order, none last).
pub fn department_counts(
    found: &[impl RowReader],
) -> Result<Vec<nencho_ports::DepartmentCounts>, StoreError> {
    let mut departments: std::collections::BTreeMap<(bool, String), nencho_ports::StatusCounts> =
        std::collections::BTreeMap::new();
    for row in found {
        let department = row.optional_text("department")?;
        let status = status(row, "status")?;
        let count = u64::try_from(row.integer("count")?).map_err(|_| corrupt("negative count"))?;
        let counts = departments
            .entry((department.is_none(), department.unwrap_or_default()))
            .or_insert_with(nencho_ports::StatusCounts::zero);
        if let Some(slot) = counts.counts.iter_mut().find(|(known, _)| *known == status) {
            slot.1 += count;
        }
    }
    Ok(departments
        .into_iter()
        .map(|((none, name), counts)| nencho_ports::DepartmentCounts {
            department: (!none).then_some(name),
            counts,
        })
        .collect())
}

pub fn status_counts(found: &[impl RowReader]) -> Result<nencho_ports::StatusCounts, StoreError> {
    let mut counts = nencho_ports::StatusCounts::zero().counts;
    let mut current_employees = 0;
    for row in found {
        let status = status(row, "status")?;
        let count = u64::try_from(row.integer("count")?).map_err(|_| corrupt("negative count"))?;
        if status == FilingStatus::NotRequested {
            current_employees = count;
        } else if let Some(slot) = counts.iter_mut().find(|(known, _)| *known == status) {
            slot.1 = count;
        }
    }
    let filed: u64 = counts.iter().map(|(_, count)| count).sum();
    let not_requested = current_employees
        .checked_sub(filed)
        .ok_or_else(|| corrupt("more filings than current employees"))?;
    if let Some(slot) = counts
        .iter_mut()
        .find(|(known, _)| *known == FilingStatus::NotRequested)
    {
        slot.1 = not_requested;
    }
    Ok(nencho_ports::StatusCounts { counts })
}

/// Whether everything a batch of filing writes carries belongs to `tenant_id`.
pub fn check_writes(
    tenant_id: TenantId,
    writes: &[nencho_ports::FilingWrite],
) -> Result<(), StoreError> {
    let foreign = writes.iter().any(|write| {
        write.filing.tenant_id != tenant_id
            || write
                .mail
                .as_ref()
                .is_some_and(|mail| mail.tenant_id != tenant_id)
    });
    if foreign {
        return Err(StoreError::Backend(
            "a filing or mail belongs to another tenant".into(),
        ));
    }
    Ok(())
}

/// Whether a change record describes the periods it is written with.
pub fn check_period_change(
    periods: &FilingPeriods,
    change: &PeriodChange,
) -> Result<(), StoreError> {
    check_change_of(periods.company_id, periods.tax_year, change)
}

/// A change recorded with a write of the company's year must be of that company and year.
pub fn check_change_of(
    company_id: CompanyId,
    tax_year: TaxYear,
    change: &PeriodChange,
) -> Result<(), StoreError> {
    if change.company_id != company_id || change.tax_year != tax_year {
        return Err(StoreError::Backend(
            "the change describes other periods".into(),
        ));
    }
    Ok(())
}

/// [`nencho_ports::FilingStore::marked_count`]'s query: the company `$2`'s declarations of the
/// year `$3` bearing `mark` of current employees (of the department `$4` when `in_department`),
/// each read from the mark's partial index with its employee looked up by key. SQLite is told
/// the index (`sqlite`): without statistics its planner prefers `filings_by_status`, whose
/// status column the condition also names, and walks every 依頼中 declaration of the company.
pub fn marked_count(mark: FilingMark, in_department: bool, sqlite: bool) -> &'static str {
    macro_rules! count {
        ($index:literal, $mark:literal $(, $department:literal)?) => {
            concat!(
                "SELECT count(*) FROM filings f ",
                $index,
                " CROSS JOIN employees e \
                 WHERE f.tenant_id = $1 AND f.company_id = $2 AND f.tax_year = $3 AND ",
                $mark,
                " AND e.tenant_id = f.tenant_id AND e.id = f.employee_id AND e.leave_date IS NULL"
                $(, $department)?
            )
        };
    }
    macro_rules! variants {
        ($index:literal, $mark:literal) => {
            match (in_department, sqlite) {
                (false, false) => count!("", $mark),
                (true, false) => count!("", $mark, " AND e.department = $4"),
                (false, true) => count!($index, $mark),
                (true, true) => count!($index, $mark, " AND e.department = $4"),
            }
        };
    }
    match mark {
        FilingMark::OwnDeadline => variants!(
            "INDEXED BY filings_with_own_deadline",
            "f.own_deadline IS NOT NULL AND f.status IN ('requested', 'draft', 'returned')"
        ),
        FilingMark::Checked => variants!(
            "INDEXED BY filings_checked",
            "f.checked_at IS NOT NULL AND f.status = 'submitted'"
        ),
    }
}
