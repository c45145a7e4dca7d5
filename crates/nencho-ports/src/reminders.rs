use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, OffsetDateTime, TaxYear, TenantId};

use crate::{OutboxMessage, StoreError};

/// What the automatic reminders before the filing deadline (YEA-4) remember: which reminder day
/// was sent for a company and tax year, so that each is sent once however many workers run.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// The latest reminder day claimed for the company and year, if any.
    async fn last_reminder(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Option<Date>, StoreError>;
    /// Claims the reminder `day` of the company and year at `at` and queues `mails` (the
    /// reminders, all of `tenant_id`) in the same transaction. Answers `true` when this call
    /// claimed it; `false` when the day was claimed before (by this or another worker): then
    /// nothing is written and no mail queued. A mail of another tenant is an error and nothing is
    /// written.
    async fn claim_reminder(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        day: Date,
        at: OffsetDateTime,
        mails: &[OutboxMessage],
    ) -> Result<bool, StoreError>;
}
