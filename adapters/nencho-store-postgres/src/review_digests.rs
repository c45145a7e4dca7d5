//! 提出状況のお知らせ: the waiting declarations, the day claimed, and who turned it off.

use async_trait::async_trait;
use nencho_kernel::{Date, OffsetDateTime, TaxYear, TenantId, UserId};
use nencho_ports::{
    AwaitingReview, OutboxMessage, ReviewDigestStore, SentReviewDigest, StoreError,
};
use nencho_store_sql::review_digests as sql;
use nencho_store_sql::{RowReader, store_error};

use crate::PgStore;
use crate::outbox::finish_claim;

#[async_trait]
impl ReviewDigestStore for PgStore {
    async fn awaiting_review(
        &self,
        tenant_id: TenantId,
        tax_year: TaxYear,
        since: Option<OffsetDateTime>,
        until: OffsetDateTime,
    ) -> Result<Vec<AwaitingReview>, StoreError> {
        let query = sqlx::query(sql::AWAITING_REVIEW)
            .bind(tenant_id.as_uuid())
            .bind(tax_year.year())
            .bind(since)
            .bind(until);
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(sql::awaiting_review)
            .collect()
    }

    async fn last_review_digest(
        &self,
        tenant_id: TenantId,
    ) -> Result<Option<SentReviewDigest>, StoreError> {
        let query = sqlx::query(sql::LAST_REVIEW_DIGEST).bind(tenant_id.as_uuid());
        self.fetch_optional_scoped(tenant_id, query)
            .await?
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
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        // A concurrent claim of the same day waits for this one's commit, then inserts nothing.
        let claimed = sqlx::query(sql::CLAIM_REVIEW_DIGEST)
            .bind(tenant_id.as_uuid())
            .bind(day)
            .bind(tax_year.year())
            .bind(at)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        finish_claim(transaction, tenant_id, claimed, mails).await
    }

    async fn review_digest_opt_outs(&self, tenant_id: TenantId) -> Result<Vec<UserId>, StoreError> {
        let query = sqlx::query(sql::REVIEW_DIGEST_OPT_OUTS).bind(tenant_id.as_uuid());
        self.fetch_all_scoped(tenant_id, query)
            .await?
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
        let query = if receive {
            sqlx::query(sql::OPT_IN_TO_REVIEW_DIGEST)
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid())
        } else {
            sqlx::query(sql::OPT_OUT_OF_REVIEW_DIGEST)
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid())
                .bind(at)
        };
        self.execute_scoped(tenant_id, query).await.map(|_| ())
    }
}
