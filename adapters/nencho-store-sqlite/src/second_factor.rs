//! 2段階認証: authenticators, recovery codes and the contract's rule for staff.

use async_trait::async_trait;
use nencho_identity::{SealedSecret, SealingKeyRegistration, SecondFactor, TokenHash};
use nencho_kernel::{OffsetDateTime, TenantId, UserId};
use nencho_ports::{OutboxMessage, SecondFactorStore, StoreError};
use nencho_store_sql::second_factor as sql;
use nencho_store_sql::{corrupt, rows, store_error};
use sqlx::{Sqlite, Transaction};

use crate::identity::end_sessions_in;
use crate::outbox::enqueue_in;
use crate::store::SqliteStore;

async fn insert_recovery_codes_in(
    transaction: &mut Transaction<'static, Sqlite>,
    tenant_id: TenantId,
    user_id: UserId,
    codes: &[TokenHash],
) -> Result<(), StoreError> {
    sqlx::query(sql::DELETE_CODES)
        .bind(tenant_id.as_uuid())
        .bind(user_id.as_uuid())
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    for code in codes {
        sqlx::query(sql::INSERT_CODE)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .bind(code.as_hex())
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

#[async_trait]
impl SecondFactorStore for SqliteStore {
    async fn second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<SecondFactor>, StoreError> {
        sqlx::query(sql::SELECT_FACTOR)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .fetch_optional(self.pool())
            .await
            .map_err(store_error)?
            .as_ref()
            .map(rows::second_factor)
            .transpose()
    }

    async fn users_with_second_factor(
        &self,
        tenant_id: TenantId,
    ) -> Result<Vec<UserId>, StoreError> {
        let found: Vec<uuid::Uuid> = sqlx::query_scalar(sql::USERS_WITH_FACTOR)
            .bind(tenant_id.as_uuid())
            .fetch_all(self.pool())
            .await
            .map_err(store_error)?;
        Ok(found.into_iter().map(UserId::from_uuid).collect())
    }

    async fn enable_second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        factor: &SecondFactor,
        recovery_codes: &[TokenHash],
        keep_session: Option<TokenHash>,
        notice: Option<OutboxMessage>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_write().await?;
        sqlx::query(sql::UPSERT_FACTOR)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .bind(factor.secret.as_bytes())
            .bind(factor.enabled_at)
            .bind(factor.last_used_step)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        insert_recovery_codes_in(&mut transaction, tenant_id, user_id, recovery_codes).await?;
        end_sessions_in(&mut transaction, tenant_id, user_id, keep_session.as_ref()).await?;
        if let Some(notice) = &notice {
            enqueue_in(&mut transaction, notice).await?;
        }
        transaction.commit().await.map_err(store_error)
    }

    async fn disable_second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        keep_session: Option<TokenHash>,
        notice: Option<OutboxMessage>,
    ) -> Result<bool, StoreError> {
        let mut transaction = self.begin_write().await?;
        let removed = sqlx::query(sql::DELETE_FACTOR)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        if removed == 0 {
            return Ok(false);
        }
        insert_recovery_codes_in(&mut transaction, tenant_id, user_id, &[]).await?;
        end_sessions_in(&mut transaction, tenant_id, user_id, keep_session.as_ref()).await?;
        if let Some(notice) = &notice {
            enqueue_in(&mut transaction, notice).await?;
        }
        transaction.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn reseal_second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        previous: &SealedSecret,
        sealed: &SealedSecret,
    ) -> Result<bool, StoreError> {
        let replaced = sqlx::query(sql::RESEAL_FACTOR)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .bind(previous.as_bytes())
            .bind(sealed.as_bytes())
            .execute(self.pool())
            .await
            .map_err(store_error)?;
        Ok(replaced.rows_affected() == 1)
    }

    async fn register_sealing_key(
        &self,
        fingerprint: &str,
        at: OffsetDateTime,
    ) -> Result<SealingKeyRegistration, StoreError> {
        let inserted = sqlx::query(sql::REGISTER_SEALING_KEY)
            .bind(fingerprint)
            .bind(at)
            .execute(self.pool())
            .await
            .map_err(store_error)?
            .rows_affected()
            == 1;
        let recorded: Option<String> = sqlx::query_scalar(sql::SEALING_KEY)
            .fetch_optional(self.pool())
            .await
            .map_err(store_error)?;
        Ok(sql::sealing_key_registration(
            inserted,
            recorded,
            fingerprint,
        ))
    }

    async fn recorded_sealing_key(&self) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar(sql::SEALING_KEY)
            .fetch_optional(self.pool())
            .await
            .map_err(store_error)
    }

    async fn replace_sealing_key(
        &self,
        previous: &str,
        new: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let replaced = sqlx::query(sql::REPLACE_SEALING_KEY)
            .bind(previous)
            .bind(new)
            .bind(at)
            .execute(self.pool())
            .await
            .map_err(store_error)?
            .rows_affected();
        Ok(replaced == 1)
    }

    async fn claim_code_step(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        step: i64,
    ) -> Result<bool, StoreError> {
        let claimed = sqlx::query(sql::CLAIM_STEP)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .bind(step)
            .execute(self.pool())
            .await
            .map_err(store_error)?;
        Ok(claimed.rows_affected() == 1)
    }

    async fn use_recovery_code(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        code: &TokenHash,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let used = sqlx::query(sql::USE_CODE)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .bind(code.as_hex())
            .bind(at)
            .execute(self.pool())
            .await
            .map_err(store_error)?;
        Ok(used.rows_affected() == 1)
    }

    async fn replace_recovery_codes(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        recovery_codes: &[TokenHash],
        notice: Option<OutboxMessage>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_write().await?;
        insert_recovery_codes_in(&mut transaction, tenant_id, user_id, recovery_codes).await?;
        if let Some(notice) = &notice {
            enqueue_in(&mut transaction, notice).await?;
        }
        transaction.commit().await.map_err(store_error)
    }

    async fn recovery_codes_left(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<u32, StoreError> {
        let count: i64 = sqlx::query_scalar(sql::CODES_LEFT)
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .fetch_one(self.pool())
            .await
            .map_err(store_error)?;
        u32::try_from(count).map_err(|_| corrupt("recovery code count"))
    }

    async fn staff_second_factor_required(&self, tenant_id: TenantId) -> Result<bool, StoreError> {
        let required: Option<bool> =
            sqlx::query_scalar("SELECT staff_second_factor_required FROM tenants WHERE id = $1")
                .bind(tenant_id.as_uuid())
                .fetch_optional(self.pool())
                .await
                .map_err(store_error)?;
        Ok(required.unwrap_or(false))
    }

    async fn set_staff_second_factor_required(
        &self,
        tenant_id: TenantId,
        required: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(sql::SET_STAFF_RULE)
            .bind(tenant_id.as_uuid())
            .bind(required)
            .execute(self.pool())
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
