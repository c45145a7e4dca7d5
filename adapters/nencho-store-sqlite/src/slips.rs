//! The 源泉徴収票 issued to employees electronically (電子交付) and their consent.

use std::collections::BTreeSet;

use async_trait::async_trait;
use nencho_filings::{IssuedSlip, SlipConsent};
use nencho_kernel::{CompanyId, EmployeeId, OffsetDateTime, TaxYear, TenantId};
use nencho_ports::{OutboxMessage, SlipStore, StoreError};
use nencho_store_sql::slips::{
    check_mails, issued_slip, replaced_slip, slip_consent, slip_content, tax_year, write_error,
};
use nencho_store_sql::{RowReader, store_error};

use crate::SqliteStore;
use crate::outbox::enqueue_in;

#[async_trait]
impl SlipStore for SqliteStore {
    async fn set_slip_consent<'a>(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        consent: Option<&'a SlipConsent>,
    ) -> Result<(), StoreError> {
        match consent {
            // The foreign key (tenant_id, employee_id) → employees refuses an employee the
            // tenant does not have.
            Some(consent) => sqlx::query(
                "INSERT INTO slip_consents \
                 (tenant_id, employee_id, consented_at, method, recorded_by, recorded_by_name) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, employee_id) \
                 DO UPDATE SET consented_at = excluded.consented_at, method = excluded.method, \
                 recorded_by = excluded.recorded_by, \
                 recorded_by_name = excluded.recorded_by_name",
            )
            .bind(tenant_id.as_uuid())
            .bind(employee_id.as_uuid())
            .bind(consent.at)
            .bind(consent.method.code())
            .bind(consent.recorded_by.map(|user| user.as_uuid()))
            .bind(consent.recorded_by_name.as_deref())
            .execute(&self.pool)
            .await
            .map_err(write_error)?,
            None => {
                sqlx::query("DELETE FROM slip_consents WHERE tenant_id = $1 AND employee_id = $2")
                    .bind(tenant_id.as_uuid())
                    .bind(employee_id.as_uuid())
                    .execute(&self.pool)
                    .await
                    .map_err(store_error)?
            }
        };
        Ok(())
    }

    async fn slip_consent(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Option<SlipConsent>, StoreError> {
        sqlx::query(
            "SELECT consented_at, method, recorded_by, recorded_by_name FROM slip_consents \
             WHERE tenant_id = $1 AND employee_id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(employee_id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .map(|row| slip_consent(&row))
        .transpose()
    }

    async fn consented_employees(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<BTreeSet<EmployeeId>, StoreError> {
        sqlx::query(
            "SELECT c.employee_id FROM slip_consents c \
             JOIN employees e ON e.tenant_id = c.tenant_id AND e.id = c.employee_id \
             WHERE c.tenant_id = $1 AND e.company_id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(|row| Ok(EmployeeId::from_uuid(row.uuid("employee_id")?)))
        .collect()
    }

    async fn issue_slips(
        &self,
        tenant_id: TenantId,
        slips: &[IssuedSlip],
        mails: &[OutboxMessage],
    ) -> Result<(), StoreError> {
        check_mails(tenant_id, mails)?;
        let contents = slips
            .iter()
            .map(slip_content)
            .collect::<Result<Vec<_>, _>>()?;
        // An error returns before the commit: dropping the transaction rolls everything back.
        let mut transaction = self.begin_write().await?;
        for (slip, content) in slips.iter().zip(contents) {
            // The slip being replaced, if any, is kept as it was (訂正前).
            sqlx::query(
                "INSERT INTO replaced_withholding_slips (tenant_id, employee_id, tax_year, \
                 issued_at, replaced_at, content) \
                 SELECT tenant_id, employee_id, tax_year, issued_at, $4, content \
                 FROM withholding_slips \
                 WHERE tenant_id = $1 AND employee_id = $2 AND tax_year = $3 \
                 ON CONFLICT (tenant_id, employee_id, tax_year, issued_at) DO NOTHING",
            )
            .bind(tenant_id.as_uuid())
            .bind(slip.employee_id.as_uuid())
            .bind(slip.tax_year.year())
            .bind(slip.issued_at)
            .execute(&mut *transaction)
            .await
            .map_err(write_error)?;
            // The foreign key (tenant_id, employee_id) → employees refuses an employee the
            // tenant does not have; the primary key makes a second issue of the year replace.
            sqlx::query(
                "INSERT INTO withholding_slips (tenant_id, employee_id, tax_year, company_id, \
                 issued_at, issued_by, content) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (tenant_id, employee_id, tax_year) DO UPDATE SET \
                 company_id = excluded.company_id, issued_at = excluded.issued_at, \
                 issued_by = excluded.issued_by, content = excluded.content",
            )
            .bind(tenant_id.as_uuid())
            .bind(slip.employee_id.as_uuid())
            .bind(slip.tax_year.year())
            .bind(slip.company_id.as_uuid())
            .bind(slip.issued_at)
            .bind(slip.issued_by.as_uuid())
            .bind(content)
            .execute(&mut *transaction)
            .await
            .map_err(write_error)?;
        }
        for mail in mails {
            enqueue_in(&mut transaction, mail).await?;
        }
        transaction.commit().await.map_err(store_error)
    }

    async fn replaced_slips(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
    ) -> Result<Vec<(IssuedSlip, OffsetDateTime)>, StoreError> {
        sqlx::query(
            "SELECT employee_id, tax_year, content, replaced_at FROM replaced_withholding_slips \
             WHERE tenant_id = $1 AND employee_id = $2 AND tax_year = $3 \
             ORDER BY issued_at DESC",
        )
        .bind(tenant_id.as_uuid())
        .bind(employee_id.as_uuid())
        .bind(tax_year.year())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(replaced_slip)
        .collect()
    }

    async fn find_issued_slip(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
    ) -> Result<Option<IssuedSlip>, StoreError> {
        sqlx::query(
            "SELECT employee_id, tax_year, content FROM withholding_slips \
             WHERE tenant_id = $1 AND employee_id = $2 AND tax_year = $3",
        )
        .bind(tenant_id.as_uuid())
        .bind(employee_id.as_uuid())
        .bind(tax_year.year())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .map(|row| issued_slip(&row))
        .transpose()
    }

    async fn issued_slip_years(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Vec<TaxYear>, StoreError> {
        sqlx::query(
            "SELECT tax_year FROM withholding_slips WHERE tenant_id = $1 AND employee_id = $2 \
             ORDER BY tax_year DESC",
        )
        .bind(tenant_id.as_uuid())
        .bind(employee_id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(tax_year)
        .collect()
    }

    async fn issued_slips_after(
        &self,
        tenant_id: TenantId,
        after: Option<(EmployeeId, TaxYear)>,
        limit: u32,
    ) -> Result<Vec<IssuedSlip>, StoreError> {
        let found = match after {
            None => {
                sqlx::query(
                    "SELECT employee_id, tax_year, content FROM withholding_slips \
                     WHERE tenant_id = $1 ORDER BY employee_id, tax_year LIMIT $2",
                )
                .bind(tenant_id.as_uuid())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
            Some((employee_id, tax_year)) => {
                sqlx::query(
                    "SELECT employee_id, tax_year, content FROM withholding_slips \
                     WHERE tenant_id = $1 \
                     AND (employee_id > $2 OR (employee_id = $2 AND tax_year > $3)) \
                     ORDER BY employee_id, tax_year LIMIT $4",
                )
                .bind(tenant_id.as_uuid())
                .bind(employee_id.as_uuid())
                .bind(tax_year.year())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(store_error)?;
        found.iter().map(issued_slip).collect()
    }
}
