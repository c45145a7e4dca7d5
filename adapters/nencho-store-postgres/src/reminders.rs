//! The automatic reminders' record (YEA-4): which reminder day was sent for a company and year.

use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, FilingId, OffsetDateTime, TaxYear, TenantId};
use nencho_ports::{OutboxMessage, ReminderStore, StoreError};
use nencho_store_sql::reminders as sql;
use nencho_store_sql::store_error;
use sqlx::Row;

use crate::PgStore;
use crate::outbox::finish_claim;

#[async_trait]
impl ReminderStore for PgStore {
    async fn last_reminder(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<Date>, StoreError> {
        let query = sqlx::query(
            "SELECT reminder_day FROM filing_reminders \
             WHERE tenant_id = $1 AND company_id = $2 AND tax_year = $3 \
             ORDER BY reminder_day DESC LIMIT 1",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(tax_year.year());
        self.fetch_optional_scoped(tenant_id, query)
            .await?
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
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        // A concurrent claim of the same day waits for this one's commit, then inserts nothing.
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
        finish_claim(transaction, tenant_id, claimed, mails).await
    }

    async fn own_reminders_sent(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<(FilingId, Date)>, StoreError> {
        let query = sqlx::query(sql::OWN_REMINDERS_SENT)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid())
            .bind(tax_year.year());
        self.fetch_all_scoped(tenant_id, query)
            .await?
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
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        // Another tenant's declaration is not visible under this tenant's setting: the foreign
        // key fails. A concurrent claim of the same day waits for this one's commit, then
        // inserts nothing.
        let claimed = sqlx::query(sql::CLAIM_OWN_REMINDER)
            .bind(tenant_id.as_uuid())
            .bind(filing_id.as_uuid())
            .bind(day)
            .bind(at)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        finish_claim(transaction, tenant_id, claimed, mails).await
    }
}
