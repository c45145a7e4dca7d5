use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, OffsetDateTime, TaxYear, TenantId, UserId};

use crate::{OutboxMessage, StoreError};

/// The declarations of one company and department waiting for review (提出済) by current
/// employees, and how many of them were submitted after a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingReview {
    pub company_id: CompanyId,
    /// `None`: employees without a department.
    pub department: Option<String>,
    /// 提出済 now.
    pub awaiting: u64,
    /// Of them, submitted in the window asked about.
    pub new: u64,
    /// Of them, with the 一次確認 (確認済, waiting for the 承認者).
    pub checked: u64,
}

/// The last 提出状況のお知らせ sent for a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentReviewDigest {
    pub day: Date,
    pub at: OffsetDateTime,
}

/// What the reviewers' morning digest (提出状況のお知らせ) needs: the waiting declarations, which
/// day was sent (so that each is sent once however many workers run) and who asked not to get it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ReviewDigestStore: Send + Sync {
    /// 提出済 declarations of the year of current employees, by company and department (in
    /// company, then department order, no department last); `new` counts those submitted after
    /// `since` (any time, for `None`) and at or before `until` — the digest's own time, so that a
    /// declaration submitted while it is being put together is new in the next one, not in both.
    /// Groups with nothing waiting are left out.
    async fn awaiting_review(
        &self,
        tenant_id: TenantId,
        tax_year: TaxYear,
        since: Option<OffsetDateTime>,
        until: OffsetDateTime,
    ) -> Result<Vec<AwaitingReview>, StoreError>;
    /// The latest digest claimed for the contract, if any.
    async fn last_review_digest(
        &self,
        tenant_id: TenantId,
    ) -> Result<Option<SentReviewDigest>, StoreError>;
    /// Claims the digest of `day` at `at` and queues `mails` (all of `tenant_id`) in the same
    /// transaction. `true` when this call claimed it; `false` when the day was claimed before:
    /// then nothing is written and no mail queued. A mail of another tenant is an error and
    /// nothing is written.
    async fn claim_review_digest(
        &self,
        tenant_id: TenantId,
        day: Date,
        tax_year: TaxYear,
        at: OffsetDateTime,
        mails: &[OutboxMessage],
    ) -> Result<bool, StoreError>;
    /// The users who turned the digest off, in id order.
    async fn review_digest_opt_outs(&self, tenant_id: TenantId) -> Result<Vec<UserId>, StoreError>;
    /// Turns the digest off (`receive == false`, remembering `at`) or back on for the user.
    /// Setting what is already set is not an error.
    async fn set_review_digest(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        receive: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
}
