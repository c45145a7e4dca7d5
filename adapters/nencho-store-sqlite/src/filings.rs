//! Declarations: the company's periods, each employee's declaration with its history, and the
//! progress dashboard's counts and list.

mod writes;

use async_trait::async_trait;
use nencho_filings::{Filing, FilingPeriods, FilingStatus, GuidanceText, StaffMemo};
use nencho_kernel::{CompanyId, EmployeeId, FilingId, TaxYear, TenantId};
use nencho_ports::{
    DepartmentCounts, FilingHistory, FilingMark, FilingPage, FilingQuery, FilingRow, FilingStore,
    FilingWrite, PeriodChange, StatusCounts, StoreError,
};
use nencho_tenancy::EmployeeNumber;

use crate::claims::replace_claims_in;
use crate::store::SqliteStore;
use nencho_store_sql::columns::employee_search_patterns;
use nencho_store_sql::filings as filing_rows;
use nencho_store_sql::store_error;

/// `SELECT <every filing column, named as `filing_rows::filing` reads them> FROM filings f
/// <rest>`.
macro_rules! select_filings {
    ($($rest:expr),+ $(,)?) => {
        concat!(
            "SELECT f.id AS filing_id, f.tenant_id AS filing_tenant_id, \
             f.company_id AS filing_company_id, f.employee_id, f.tax_year, f.status, \
             f.schema_version, f.document, f.proxy_entered, f.reopened, f.last_comment, \
             f.requested_at, f.submitted_at, f.approved_at, f.own_deadline, f.checked_at, f.checked_by, f.updated_at AS filing_updated_at, \
             f.version FROM filings f ",
            $($rest),+
        )
    };
}

/// The progress list: current employees of `$2` with their filing for the year `$3`, after the
/// number `$4` ('' = the first page), `$5`–`$7` the search patterns (NULL = no search), `$8` the
/// status code (NULL = any; 'not_requested' also matches no filing), `$9` the row limit, `$10`
/// whether departed employees are listed too, `$11` the department (when one is asked: else the
/// parameter is bound and unused), `$12` whether only declarations waiting for certificates,
/// `$13` whether only declarations claiming someone another declaration claims too (重複の疑い),
/// `$14` whether only declarations awaiting the employee with a deadline of their own, `$15` only
/// 提出済 declarations with (true) or without (false) the 一次確認 (NULL: any).
macro_rules! list_filings {
    // Every employee in number order, each with the year's filing if any.
    (employees, $department:literal) => {
        list_filings!(@ "FROM employees e LEFT JOIN filings f \
          ON f.tenant_id = e.tenant_id AND f.company_id = e.company_id AND f.employee_id = e.id \
          AND f.tax_year = $3 WHERE ", $department)
    };
    // Only the filings of one status (`$8`, never 'not_requested'), read from
    // `filings_by_status` with each employee looked up by key (CROSS JOIN keeps the filings as
    // the outer loop), so a rare status does not walk the whole company.
    (by_status, $department:literal) => {
        list_filings!(@ "FROM filings f CROSS JOIN employees e \
          WHERE f.tenant_id = $1 AND f.company_id = $2 AND f.tax_year = $3 AND f.status = $8 \
          AND e.tenant_id = f.tenant_id AND e.id = f.employee_id AND ", $department)
    };
    // Only the declarations waiting for certificates (`$12`), read from the partial index
    // `filings_awaiting_originals` the same way.
    (awaiting, $department:literal) => {
        list_filings!(@ "FROM filings f CROSS JOIN employees e \
          WHERE f.tenant_id = $1 AND f.company_id = $2 AND f.tax_year = $3 \
          AND f.originals_pending > 0 AND f.status IN ('submitted', 'returned', 'approved') \
          AND e.tenant_id = f.tenant_id AND e.id = f.employee_id AND ", $department)
    };
    // Only the declarations sharing a claimed person (`$13`): few, read from the partial index
    // `filings_sharing_claims` the same way.
    (shared, $department:literal) => {
        list_filings!(@ "FROM filings f CROSS JOIN employees e \
          WHERE f.tenant_id = $1 AND f.company_id = $2 AND f.tax_year = $3 AND f.shares_claims \
          AND e.tenant_id = f.tenant_id AND e.id = f.employee_id AND ", $department)
    };
    // Only the declarations awaiting the employee with a deadline of their own (`$14`): few,
    // read from the partial index `filings_with_own_deadline` the same way.
    // The index is named: without statistics the planner prefers `filings_by_status` and walks
    // every 依頼中 declaration (see `filing_rows::marked_count`).
    (own, $department:literal) => {
        list_filings!(@ "FROM filings f INDEXED BY filings_with_own_deadline CROSS JOIN employees e \
          WHERE f.tenant_id = $1 AND f.company_id = $2 AND f.tax_year = $3 \
          AND f.own_deadline IS NOT NULL AND f.status IN ('requested', 'draft', 'returned') \
          AND e.tenant_id = f.tenant_id AND e.id = f.employee_id AND ", $department)
    };
    (@ $from:literal, $department:literal) => {
        concat!(
            "SELECT e.tenant_id, e.id, e.company_id, e.employee_number, e.family_name, \
             e.given_name, e.family_name_kana, e.given_name_kana, e.birth_date, e.postal_code, \
             e.address, e.email, e.department, e.employment_type, e.hire_date, e.leave_date, \
             e.user_id, e.updated_at, \
             f.id AS filing_id, f.tenant_id AS filing_tenant_id, \
             f.company_id AS filing_company_id, f.employee_id, f.tax_year, f.status, \
             f.schema_version, f.document, f.proxy_entered, f.reopened, f.last_comment, \
             f.requested_at, f.submitted_at, f.approved_at, f.own_deadline, f.checked_at, f.checked_by, f.updated_at AS filing_updated_at, \
             f.version, coalesce(f.originals_pending, 0) AS originals_pending, \
             coalesce(f.shares_claims, 0) AS shares_claims ",
            $from,
            "e.tenant_id = $1 AND e.company_id = $2 AND e.employee_number > $4 \
             AND ($10 OR e.leave_date IS NULL) \
             AND ($5 IS NULL OR e.employee_number LIKE $5 ESCAPE '\\' \
                  OR e.family_name || e.given_name LIKE $6 ESCAPE '\\' \
                  OR e.family_name_kana || e.given_name_kana LIKE $7 ESCAPE '\\') \
             AND ($8 IS NULL OR coalesce(f.status, 'not_requested') = $8) \
             AND (NOT $12 OR (f.originals_pending > 0 \
                  AND f.status IN ('submitted', 'returned', 'approved'))) \
             AND (NOT $13 OR f.shares_claims) \
             AND (NOT $14 OR (f.own_deadline IS NOT NULL \
                  AND f.status IN ('requested', 'draft', 'returned'))) \
             AND ($15 IS NULL OR (f.status = 'submitted' \
                  AND (f.checked_at IS NOT NULL) = $15)) ",
            $department,
            "ORDER BY e.employee_number LIMIT $9"
        )
    };
}

/// Up to this many filings of a status are read directly when the list is filtered by it.
const FEW_FILINGS: i64 = 5_000;

/// `SELECT <every filing_periods column but tenant_id> FROM filing_periods <rest>`.
macro_rules! select_periods {
    ($rest:literal) => {
        concat!(
            "SELECT company_id, tax_year, adjustment_start, adjustment_end, filing_start, \
             filing_end, refiling_start, refiling_end, year_round_changes FROM filing_periods ",
            $rest
        )
    };
}

/// The dashboard's counts for the company `$2` and year `$3`, as signed parts that
/// [`filing_rows::status_counts`] turns into counts: the year's filings by status (from
/// `filings_by_status` alone), minus those of employees who have left, and the number of
/// current employees as 'not_requested' — no join over the whole company.
const STATUS_COUNTS: &str = "SELECT status, sum(n) AS count FROM ( \
     SELECT status, count(*) AS n FROM filings \
     WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 AND status <> 'not_requested' \
     GROUP BY status \
     UNION ALL \
     SELECT f.status, -count(*) AS n FROM employees e JOIN filings f \
     ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
     WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.leave_date IS NOT NULL \
     AND f.status <> 'not_requested' GROUP BY f.status \
     UNION ALL \
     SELECT 'not_requested' AS status, count(*) AS n FROM employees \
     WHERE tenant_id = $1 AND company_id = $2 AND leave_date IS NULL \
     ) GROUP BY status";

/// [`STATUS_COUNTS`] for the current employees of the department `$4`, in the same signed form.
const STATUS_COUNTS_IN_DEPARTMENT: &str = "SELECT f.status, count(*) AS count \
     FROM employees e JOIN filings f \
     ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.tax_year = $3 \
     WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.department = $4 \
     AND e.leave_date IS NULL AND f.status <> 'not_requested' GROUP BY f.status \
     UNION ALL \
     SELECT 'not_requested' AS status, count(*) AS count FROM employees \
     WHERE tenant_id = $1 AND company_id = $2 AND department = $4 AND leave_date IS NULL";

/// Records a change of the company's year (periods or guidance) in the write's transaction.
async fn record_period_change(
    transaction: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    tenant_id: TenantId,
    change: &PeriodChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO filing_period_changes (tenant_id, company_id, tax_year, at, actor_id, \
         actor_name, summary) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant_id.as_uuid())
    .bind(change.company_id.as_uuid())
    .bind(change.tax_year.year())
    .bind(change.at)
    .bind(change.actor.as_uuid())
    .bind(change.actor_name.as_str())
    .bind(change.summary.as_str())
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl FilingStore for SqliteStore {
    async fn put_periods(
        &self,
        tenant_id: TenantId,
        periods: &FilingPeriods,
        change: &PeriodChange,
    ) -> Result<(), StoreError> {
        filing_rows::check_period_change(periods, change)?;
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO filing_periods (tenant_id, company_id, tax_year, adjustment_start, \
             adjustment_end, filing_start, filing_end, refiling_start, refiling_end, \
             year_round_changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (tenant_id, company_id, tax_year) DO UPDATE SET \
             adjustment_start = excluded.adjustment_start, \
             adjustment_end = excluded.adjustment_end, filing_start = excluded.filing_start, \
             filing_end = excluded.filing_end, refiling_start = excluded.refiling_start, \
             refiling_end = excluded.refiling_end, \
             year_round_changes = excluded.year_round_changes",
        )
        .bind(tenant_id.as_uuid())
        .bind(periods.company_id.as_uuid())
        .bind(periods.tax_year.year())
        .bind(periods.adjustment.start)
        .bind(periods.adjustment.end)
        .bind(periods.filing.start)
        .bind(periods.filing.end)
        .bind(periods.refiling.map(|range| range.start))
        .bind(periods.refiling.map(|range| range.end))
        .bind(periods.year_round_changes)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        record_period_change(&mut transaction, tenant_id, change).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_periods(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<FilingPeriods>, StoreError> {
        sqlx::query(select_periods!(
            "WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3"
        ))
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(filing_rows::periods)
        .transpose()
    }

    async fn list_periods(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<FilingPeriods>, StoreError> {
        sqlx::query(select_periods!(
            "WHERE tenant_id = $1 AND company_id = $2 ORDER BY tax_year DESC"
        ))
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(filing_rows::periods)
        .collect()
    }

    async fn period_changes(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<PeriodChange>, StoreError> {
        sqlx::query(
            "SELECT company_id, tax_year, at, actor_id, actor_name, summary \
             FROM filing_period_changes \
             WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 ORDER BY at, id",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(filing_rows::period_change)
        .collect()
    }

    async fn put_guidance<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        guidance: Option<&'a GuidanceText>,
        change: &PeriodChange,
    ) -> Result<bool, StoreError> {
        filing_rows::check_change_of(company_id, tax_year, change)?;
        let mut transaction = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE filing_periods SET guidance = $4 \
             WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .bind(guidance.map(GuidanceText::as_str))
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        record_period_change(&mut transaction, tenant_id, change).await?;
        transaction.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn find_guidance(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<GuidanceText>, StoreError> {
        sqlx::query(
            "SELECT guidance FROM filing_periods \
             WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(filing_rows::guidance)
        .transpose()
        .map(Option::flatten)
    }

    async fn list_guidance(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<(TaxYear, GuidanceText)>, StoreError> {
        sqlx::query(
            "SELECT tax_year, guidance FROM filing_periods \
             WHERE tenant_id = $1 AND company_id = $2 AND guidance IS NOT NULL \
             ORDER BY tax_year DESC",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .filter_map(|row| filing_rows::year_guidance(row).transpose())
        .collect()
    }

    async fn add_memo(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
        memo: &StaffMemo,
    ) -> Result<bool, StoreError> {
        let mut transaction = self.begin_write().await?;
        let added = sqlx::query(filing_rows::INSERT_MEMO)
            .bind(tenant_id.as_uuid())
            .bind(filing_id.as_uuid())
            .bind(memo.at)
            .bind(memo.actor.as_uuid())
            .bind(memo.actor_name.as_str())
            .bind(memo.text.as_str())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        transaction.commit().await.map_err(store_error)?;
        Ok(added == 1)
    }

    async fn memos(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Vec<StaffMemo>, StoreError> {
        sqlx::query(filing_rows::SELECT_MEMOS)
            .bind(tenant_id.as_uuid())
            .bind(filing_id.as_uuid())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?
            .iter()
            .map(filing_rows::memo)
            .collect()
    }

    async fn find_filing(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Option<Filing>, StoreError> {
        sqlx::query(select_filings!("WHERE f.tenant_id = $1 AND f.id = $2"))
            .bind(tenant_id.as_uuid())
            .bind(filing_id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?
            .as_ref()
            .map(filing_rows::filing)
            .transpose()
    }

    async fn find_filing_of(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
    ) -> Result<Option<Filing>, StoreError> {
        sqlx::query(select_filings!(
            "WHERE f.tenant_id = $1 AND f.employee_id = $2 AND f.tax_year = $3"
        ))
        .bind(tenant_id.as_uuid())
        .bind(employee_id.as_uuid())
        .bind(tax_year.year())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(filing_rows::filing)
        .transpose()
    }

    async fn write_filings(
        &self,
        tenant_id: TenantId,
        writes: &[FilingWrite],
    ) -> Result<(), StoreError> {
        filing_rows::check_writes(tenant_id, writes)?;
        // Dropping the transaction on an error (a stale version, say) rolls everything back.
        let mut transaction = self.begin_write().await?;
        for write in writes {
            writes::write_in(&mut transaction, write).await?;
        }
        transaction.commit().await.map_err(store_error)
    }

    async fn filing_history(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<FilingHistory, StoreError> {
        // One read transaction: the events and the changes of the same moment.
        let mut transaction = self.pool.begin().await.map_err(store_error)?;
        let events = sqlx::query(
            "SELECT at, actor_id, actor_name, from_status, to_status, action, comment, proxy \
             FROM filing_events WHERE tenant_id = $1 AND filing_id = $2 ORDER BY at, id",
        )
        .bind(tenant_id.as_uuid())
        .bind(filing_id.as_uuid())
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_error)?;
        let changes = sqlx::query(
            "SELECT at, actor_id, actor_name, path, label, before_value, after_value \
             FROM filing_changes WHERE tenant_id = $1 AND filing_id = $2 ORDER BY at, id",
        )
        .bind(tenant_id.as_uuid())
        .bind(filing_id.as_uuid())
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        Ok(FilingHistory {
            events: events
                .iter()
                .map(filing_rows::event)
                .collect::<Result<_, _>>()?,
            changes: changes
                .iter()
                .map(filing_rows::field_change)
                .collect::<Result<_, _>>()?,
        })
    }

    async fn status_counts<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<StatusCounts, StoreError> {
        let found = sqlx::query(if department.is_some() {
            STATUS_COUNTS_IN_DEPARTMENT
        } else {
            STATUS_COUNTS
        })
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .bind(department)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        filing_rows::status_counts(&found)
    }

    async fn marked_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
        mark: FilingMark,
    ) -> Result<u64, StoreError> {
        let text = filing_rows::marked_count(mark, department.is_some(), true);
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

    async fn filing_rows_of_numbers<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        numbers: &'a [EmployeeNumber],
    ) -> Result<Vec<FilingRow>, StoreError> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        filing_rows::filing_rows_of_numbers_query::<sqlx::Sqlite>(
            tenant_id.as_uuid(),
            company_id.as_uuid(),
            tax_year.year(),
            numbers,
        )
        .build()
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(filing_rows::filing_row)
        .collect()
    }

    async fn status_counts_by_department(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<DepartmentCounts>, StoreError> {
        let found = sqlx::query(filing_rows::STATUS_COUNTS_BY_DEPARTMENT)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        filing_rows::department_counts(&found)
    }

    async fn list_filings(
        &self,
        tenant_id: TenantId,
        query: &FilingQuery,
    ) -> Result<FilingPage, StoreError> {
        let patterns = query.search.as_deref().and_then(employee_search_patterns);
        let (number_pattern, name_pattern, kana_pattern) = match patterns {
            Some((number, name, kana)) => (Some(number), Some(name), Some(kana)),
            None => (None, None, None),
        };
        // A status filter reads the filings of that status when they are few (an index-only
        // count decides); for a common status, walking the employees in number order finds a
        // page sooner.
        let by_status = match query.status {
            Some(status) if status != FilingStatus::NotRequested => {
                let few: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM (SELECT 1 FROM filings \
                     WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
                     AND status = $4 LIMIT $5)",
                )
                .bind(tenant_id.as_uuid())
                .bind(query.company_id.as_uuid())
                .bind(query.tax_year.year())
                .bind(status.code())
                .bind(FEW_FILINGS + 1)
                .fetch_one(&self.pool)
                .await
                .map_err(store_error)?;
                few <= FEW_FILINGS
            }
            _ => false,
        };
        // Likewise the declarations waiting for certificates: read directly when they are few.
        let awaiting_few = query.awaiting_originals && {
            let few: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM (SELECT 1 FROM filings \
                 WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
                 AND originals_pending > 0 \
                 AND status IN ('submitted', 'returned', 'approved') LIMIT $4)",
            )
            .bind(tenant_id.as_uuid())
            .bind(query.company_id.as_uuid())
            .bind(query.tax_year.year())
            .bind(FEW_FILINGS + 1)
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
            few <= FEW_FILINGS
        };
        let text = match (awaiting_few, by_status, query.department.is_some()) {
            // Declarations sharing a claimed person are few: always read directly.
            _ if query.shared_claims && query.department.is_none() => {
                list_filings!(shared, "AND $11 IS NULL ")
            }
            _ if query.shared_claims => list_filings!(shared, "AND e.department = $11 "),
            // So are those with a deadline of their own.
            _ if query.own_deadlines && query.department.is_none() => {
                list_filings!(own, "AND $11 IS NULL ")
            }
            _ if query.own_deadlines => list_filings!(own, "AND e.department = $11 "),
            (true, _, false) => list_filings!(awaiting, "AND $11 IS NULL "),
            (true, _, true) => list_filings!(awaiting, "AND e.department = $11 "),
            (false, false, false) => list_filings!(employees, "AND $11 IS NULL "),
            (false, false, true) => list_filings!(employees, "AND e.department = $11 "),
            (false, true, false) => list_filings!(by_status, "AND $11 IS NULL "),
            (false, true, true) => list_filings!(by_status, "AND e.department = $11 "),
        };
        // One row more than asked tells whether another page follows.
        let mut statement = sqlx::query(text)
            .bind(tenant_id.as_uuid())
            .bind(query.company_id.as_uuid())
            .bind(query.tax_year.year())
            .bind(
                query
                    .after
                    .as_ref()
                    .map(|number| number.as_str().to_owned())
                    .unwrap_or_default(),
            )
            .bind(number_pattern)
            .bind(name_pattern)
            .bind(kana_pattern)
            .bind(query.status.map(|status| status.code()))
            .bind(i64::from(query.limit) + 1)
            .bind(query.include_departed);
        statement = statement
            .bind(query.department.clone())
            .bind(query.awaiting_originals)
            .bind(query.shared_claims)
            .bind(query.own_deadlines)
            .bind(query.checked);
        let mut found = statement
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?
            .iter()
            .map(filing_rows::filing_row)
            .collect::<Result<Vec<_>, StoreError>>()?;
        let next = if found.len() > query.limit as usize {
            found.truncate(query.limit as usize);
            found.last().map(|row| row.employee.number.clone())
        } else {
            None
        };
        Ok(FilingPage { rows: found, next })
    }
}

/// Declarations indexed per transaction when the store opens.
const INDEX_BATCH: i64 = 500;

impl SqliteStore {
    /// Indexes the claims of declarations written before the index existed
    /// (`claims_indexed` = 0), a batch per transaction; nothing to do on later opens.
    pub(crate) async fn index_unindexed_claims(&self) -> Result<(), StoreError> {
        loop {
            let mut transaction = self.begin_write().await?;
            let found = sqlx::query(select_filings!("WHERE f.claims_indexed = 0 LIMIT $1"))
                .bind(INDEX_BATCH)
                .fetch_all(&mut *transaction)
                .await
                .map_err(store_error)?;
            if found.is_empty() {
                return Ok(());
            }
            for row in &found {
                let filing = filing_rows::filing(row)?;
                replace_claims_in(&mut transaction, &filing, false).await?;
                sqlx::query(
                    "UPDATE filings SET claims_indexed = 1 WHERE tenant_id = $1 AND id = $2",
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
}
