use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, FilingId, OffsetDateTime, TaxYear, TenantId};

use crate::{OutboxMessage, StoreError};

/// What the automatic reminders before the filing deadline (YEA-4) remember: which reminder day
/// was sent for a company and tax year — and for a declaration with a deadline of its own
/// (個別の提出期限) — so that each is sent once however many workers run.
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
    /// The latest reminder day claimed for each declaration of the company and year that had a
    /// reminder toward its own deadline, in no particular order.
    async fn own_reminders_sent(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
    ) -> Result<Vec<(FilingId, Date)>, StoreError>;
    /// [`Self::claim_reminder`] for one declaration's own deadline: claims its reminder `day`
    /// and queues `mails` in one transaction; `false` (nothing written) when claimed before. A
    /// declaration not of `tenant_id` is an error and nothing is written.
    async fn claim_own_reminder(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
        day: Date,
        at: OffsetDateTime,
        mails: &[OutboxMessage],
    ) -> Result<bool, StoreError>;
}
