//! The automatic reminders' record (YEA-4): which reminder day was sent for a company and year,
//! and for a declaration with a deadline of its own.

use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, FilingId, OffsetDateTime, TaxYear, TenantId};
use nencho_ports::{OutboxMessage, ReminderStore, StoreError};
use nencho_store_sql::reminders as sql;
use nencho_store_sql::store_error;
use sqlx::Row;

use crate::SqliteStore;
use crate::outbox::finish_claim;

#[async_trait]
impl ReminderStore for SqliteStore {
    async fn last_reminder(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<Date>, StoreError> {
        let found = sqlx::query(
            "SELECT reminder_day FROM filing_reminders \
             WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
             ORDER BY reminder_day DESC LIMIT 1",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        found
            .map(|row| row.try_get::<Date, _>("reminder_day").map_err(store_error))
            .transpose()
    }

    async fn claim_reminder(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        day: Date,
        at: OffsetDateTime,
        mails: &[OutboxMessage],
    ) -> Result<bool, StoreError> {
        nencho_store_sql::outbox::all_of_tenant(tenant_id, mails)?;
        let mut transaction = self.begin_write().await?;
        let claimed = sqlx::query(
            "INSERT INTO filing_reminders (tenant_id, company_id, tax_year, reminder_day, sent_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year())
        .bind(day)
        .bind(at)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?
        .rows_affected();
        finish_claim(transaction, claimed, mails).await
    }

    async fn own_reminders_sent(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<(FilingId, Date)>, StoreError> {
        sqlx::query(sql::OWN_REMINDERS_SENT)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?
            .iter()
            .map(sql::own_reminder_sent)
            .collect()
    }

    async fn claim_own_reminder(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
        day: Date,
        at: OffsetDateTime,
        mails: &[OutboxMessage],
    ) -> Result<bool, StoreError> {
        nencho_store_sql::outbox::all_of_tenant(tenant_id, mails)?;
        let mut transaction = self.begin_write().await?;
        // The declaration's key includes the tenant: another tenant's id fails the foreign key.
        let claimed = sqlx::query(sql::CLAIM_OWN_REMINDER)
            .bind(tenant_id.as_uuid())
            .bind(filing_id.as_uuid())
            .bind(day)
            .bind(at)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        finish_claim(transaction, claimed, mails).await
    }
}
