//! 提出状況のお知らせ: the waiting declarations, the day claimed, and who turned it off.

use async_trait::async_trait;
use nencho_kernel::{Date, OffsetDateTime, TaxYear, TenantId, UserId, UtcOffset};
use nencho_ports::{
    AwaitingReview, OutboxMessage, ReviewDigestStore, SentReviewDigest, StoreError,
};
use nencho_store_sql::review_digests as sql;
use nencho_store_sql::{RowReader, store_error};

use crate::SqliteStore;
use crate::outbox::finish_claim;

#[async_trait]
impl ReviewDigestStore for SqliteStore {
    async fn awaiting_review(
        &self,
        tenant_id: TenantId,
        tax_year: TaxYear,
        since: Option<OffsetDateTime>,
        until: OffsetDateTime,
    ) -> Result<Vec<AwaitingReview>, StoreError> {
        // Timestamps are compared as text: both sides in UTC.
        let found = sqlx::query(sql::AWAITING_REVIEW)
            .bind(tenant_id.as_uuid())
            .bind(tax_year.year())
            .bind(since.map(|since| since.to_offset(UtcOffset::UTC)))
            .bind(until.to_offset(UtcOffset::UTC))
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        found.iter().map(sql::awaiting_review).collect()
    }

    async fn last_review_digest(
        &self,
        tenant_id: TenantId,
    ) -> Result<Option<SentReviewDigest>, StoreError> {
        sqlx::query(sql::LAST_REVIEW_DIGEST)
            .bind(tenant_id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?
            .as_ref()
            .map(sql::sent_review_digest)
            .transpose()
    }

    async fn claim_review_digest(
        &self,
        tenant_id: TenantId,
        day: Date,
        tax_year: TaxYear,
        at: OffsetDateTime,
        mails: &[OutboxMessage],
    ) -> Result<bool, StoreError> {
        nencho_store_sql::outbox::all_of_tenant(tenant_id, mails)?;
        let mut transaction = self.begin_write().await?;
        let claimed = sqlx::query(sql::CLAIM_REVIEW_DIGEST)
            .bind(tenant_id.as_uuid())
            .bind(day)
            .bind(tax_year.year())
            .bind(at.to_offset(UtcOffset::UTC))
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        finish_claim(transaction, claimed, mails).await
    }

    async fn review_digest_opt_outs(&self, tenant_id: TenantId) -> Result<Vec<UserId>, StoreError> {
        let found = sqlx::query(sql::REVIEW_DIGEST_OPT_OUTS)
            .bind(tenant_id.as_uuid())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        found
            .iter()
            .map(|row| Ok(UserId::from_uuid(row.uuid("user_id")?)))
            .collect()
    }

    async fn set_review_digest(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        receive: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let statement = if receive {
            sqlx::query(sql::OPT_IN_TO_REVIEW_DIGEST)
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid())
        } else {
            sqlx::query(sql::OPT_OUT_OF_REVIEW_DIGEST)
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid())
                .bind(at.to_offset(UtcOffset::UTC))
        };
        let mut transaction = self.begin_write().await?;
        statement
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }
}
