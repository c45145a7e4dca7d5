//! Users, sessions, one-time tokens and the login history.

use async_trait::async_trait;
use nencho_identity::{
    LoginAttempt, LoginId, OneTimeToken, PasswordState, Role, Session, TokenHash, User, UserStatus,
};
use nencho_kernel::{EmailAddress, OffsetDateTime, TenantId, UserId};
use nencho_ports::{
    LoginHistoryStore, OutboxMessage, SessionStore, StoreError, TokenStore, UserStore,
};
use nencho_tenancy::Tenant;
use sqlx::{Postgres, Transaction};

use crate::outbox::enqueue_in;
use crate::store::PgStore;
use nencho_store_sql::{corrupt, rows, store_error};

/// `SELECT <every user column> FROM users <rest>` as one static query text.
macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT tenant_id, id, login_id, display_name, email, role, status, password_kind, \
             password_hash, created_at FROM users ",
            $rest
        )
    };
}

pub(crate) async fn insert_user_in(
    transaction: &mut Transaction<'static, Postgres>,
    user: &User,
) -> Result<(), StoreError> {
    let (password_kind, password_hash) =
        nencho_store_sql::columns::password_columns(&user.password);
    sqlx::query(
        "INSERT INTO users (tenant_id, id, login_id, display_name, email, role, status, \
         password_kind, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(user.tenant_id.as_uuid())
    .bind(user.id.as_uuid())
    .bind(user.login_id.as_str())
    .bind(user.display_name.as_str())
    .bind(user.email.as_ref().map(EmailAddress::as_str))
    .bind(user.role.as_code())
    .bind(user.status.as_code())
    .bind(password_kind)
    .bind(password_hash)
    .bind(user.created_at)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

async fn write_password_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    user_id: UserId,
    password: &PasswordState,
) -> Result<(), StoreError> {
    let (password_kind, password_hash) = nencho_store_sql::columns::password_columns(password);
    let updated = sqlx::query(
        "UPDATE users SET password_kind = $3, password_hash = $4 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id.as_uuid())
    .bind(user_id.as_uuid())
    .bind(password_kind)
    .bind(password_hash)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Backend("no such user".into()));
    }
    Ok(())
}

pub(crate) async fn end_sessions_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    user_id: UserId,
    keep: Option<&TokenHash>,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 \
         AND ($3 IS NULL OR token_hash <> $3)",
    )
    .bind(tenant_id.as_uuid())
    .bind(user_id.as_uuid())
    .bind(keep.map(TokenHash::as_hex))
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn insert_token_in(
    transaction: &mut Transaction<'static, Postgres>,
    token: &OneTimeToken,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO one_time_tokens (tenant_id, token_hash, user_id, purpose, email, \
         created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token.tenant_id.as_uuid())
    .bind(token.hash.as_hex())
    .bind(token.user_id.as_uuid())
    .bind(token.purpose.as_code())
    .bind(token.email.as_ref().map(EmailAddress::as_str))
    .bind(token.created_at)
    .bind(token.expires_at)
    .bind(token.used_at)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Sets the status; disabling also ends every session of the user.
pub(crate) async fn set_status_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    user_id: UserId,
    status: UserStatus,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET status = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id.as_uuid())
        .bind(user_id.as_uuid())
        .bind(status.as_code())
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    if status == UserStatus::Disabled {
        end_sessions_in(transaction, tenant_id, user_id, None).await?;
    }
    Ok(())
}

/// Marks a token used only if it still is unused: two redemptions of one link cannot both win.
async fn consume_token_in(
    transaction: &mut Transaction<'static, Postgres>,
    token: &OneTimeToken,
    used_at: OffsetDateTime,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE one_time_tokens SET used_at = $3 \
         WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL",
    )
    .bind(token.tenant_id.as_uuid())
    .bind(token.hash.as_hex())
    .bind(used_at)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Conflict("the token was already used".into()));
    }
    Ok(())
}

#[async_trait]
impl UserStore for PgStore {
    async fn open_tenant(&self, tenant: &Tenant, admin: &User) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant.id).await?;
        sqlx::query(
            "INSERT INTO tenants (id, slug, name, status, contact_email, opened_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant.id.as_uuid())
        .bind(tenant.slug.as_str())
        .bind(tenant.name.as_str())
        .bind(tenant.status.as_code())
        .bind(tenant.contact_email.as_str())
        .bind(tenant.opened_at)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        insert_user_in(&mut transaction, admin).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn insert_user(&self, tenant_id: TenantId, user: &User) -> Result<(), StoreError> {
        if user.tenant_id != tenant_id {
            return Err(StoreError::Backend("user belongs to another tenant".into()));
        }
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        insert_user_in(&mut transaction, user).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_user(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<User>, StoreError> {
        self.fetch_optional_scoped(
            tenant_id,
            sqlx::query(select_users!("WHERE tenant_id = $1 AND id = $2"))
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid()),
        )
        .await?
        .as_ref()
        .map(rows::user)
        .transpose()
    }

    async fn find_user_by_login_id(
        &self,
        tenant_id: TenantId,
        login_id: &LoginId,
    ) -> Result<Option<User>, StoreError> {
        self.fetch_optional_scoped(
            tenant_id,
            sqlx::query(select_users!("WHERE tenant_id = $1 AND login_id = $2"))
                .bind(tenant_id.as_uuid())
                .bind(login_id.as_str()),
        )
        .await?
        .as_ref()
        .map(rows::user)
        .transpose()
    }

    async fn list_administrators(&self, tenant_id: TenantId) -> Result<Vec<User>, StoreError> {
        self.fetch_all_scoped(
            tenant_id,
            sqlx::query(select_users!(
                "WHERE tenant_id = $1 AND role IN ('admin', 'administrator') ORDER BY login_id"
            ))
            .bind(tenant_id.as_uuid()),
        )
        .await?
        .iter()
        .map(rows::user)
        .collect()
    }

    async fn list_users(&self, tenant_id: TenantId) -> Result<Vec<User>, StoreError> {
        self.fetch_all_scoped(
            tenant_id,
            sqlx::query(select_users!("WHERE tenant_id = $1 ORDER BY login_id"))
                .bind(tenant_id.as_uuid()),
        )
        .await?
        .iter()
        .map(rows::user)
        .collect()
    }

    async fn set_password(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        password: &PasswordState,
        keep_session: Option<TokenHash>,
        notice: Option<OutboxMessage>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        write_password_in(&mut transaction, tenant_id, user_id, password).await?;
        end_sessions_in(&mut transaction, tenant_id, user_id, keep_session.as_ref()).await?;
        if let Some(notice) = &notice {
            enqueue_in(&mut transaction, notice).await?;
        }
        transaction.commit().await.map_err(store_error)
    }

    async fn upgrade_password_hash(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        password: &PasswordState,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        write_password_in(&mut transaction, tenant_id, user_id, password).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn set_user_status(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        status: UserStatus,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        set_status_in(&mut transaction, tenant_id, user_id, status).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn set_user_email(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        email: Option<EmailAddress>,
    ) -> Result<(), StoreError> {
        self.execute_scoped(
            tenant_id,
            sqlx::query("UPDATE users SET email = $3 WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid())
                .bind(email.as_ref().map(EmailAddress::as_str)),
        )
        .await?;
        Ok(())
    }

    async fn set_user_role(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        role: Role,
    ) -> Result<(), StoreError> {
        let updated = self
            .execute_scoped(
                tenant_id,
                sqlx::query("UPDATE users SET role = $3 WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id.as_uuid())
                    .bind(user_id.as_uuid())
                    .bind(role.as_code()),
            )
            .await?;
        if updated == 0 {
            return Err(StoreError::Backend("no such user".into()));
        }
        Ok(())
    }
}

#[async_trait]
impl SessionStore for PgStore {
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError> {
        self.execute_scoped(
            session.tenant_id,
            sqlx::query(
                "INSERT INTO sessions (tenant_id, token_hash, user_id, created_at, last_seen_at, \
             stage) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(session.tenant_id.as_uuid())
            .bind(session.token_hash.as_hex())
            .bind(session.user_id.as_uuid())
            .bind(session.created_at)
            .bind(session.last_seen_at)
            .bind(session.stage.as_code()),
        )
        .await?;
        Ok(())
    }

    async fn find_session(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
    ) -> Result<Option<Session>, StoreError> {
        self.fetch_optional_scoped(
            tenant_id,
            sqlx::query(
                "SELECT tenant_id, token_hash, user_id, created_at, last_seen_at, stage FROM sessions \
             WHERE tenant_id = $1 AND token_hash = $2",
            )
            .bind(tenant_id.as_uuid())
            .bind(token_hash.as_hex()),
        )
        .await?
        .as_ref()
        .map(rows::session)
        .transpose()
    }

    async fn touch_session(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.execute_scoped(
            tenant_id,
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $3 WHERE tenant_id = $1 AND token_hash = $2",
            )
            .bind(tenant_id.as_uuid())
            .bind(token_hash.as_hex())
            .bind(at),
        )
        .await?;
        Ok(())
    }

    async fn delete_session(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
    ) -> Result<(), StoreError> {
        self.execute_scoped(
            tenant_id,
            sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND token_hash = $2")
                .bind(tenant_id.as_uuid())
                .bind(token_hash.as_hex()),
        )
        .await?;
        Ok(())
    }

    async fn end_other_sessions(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        keep: &TokenHash,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        end_sessions_in(&mut transaction, tenant_id, user_id, Some(keep)).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn complete_session(
        &self,
        tenant_id: TenantId,
        pending: &TokenHash,
        complete: &Session,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let removed = sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND token_hash = $2")
            .bind(tenant_id.as_uuid())
            .bind(pending.as_hex())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        if removed == 0 {
            return Err(StoreError::Conflict("the pending session is gone".into()));
        }
        sqlx::query(
            "INSERT INTO sessions (tenant_id, token_hash, user_id, created_at, last_seen_at, \
             stage) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(complete.tenant_id.as_uuid())
        .bind(complete.token_hash.as_hex())
        .bind(complete.user_id.as_uuid())
        .bind(complete.created_at)
        .bind(complete.last_seen_at)
        .bind(complete.stage.as_code())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }
}

#[async_trait]
impl TokenStore for PgStore {
    async fn issue_token(
        &self,
        token: &OneTimeToken,
        mail: &OutboxMessage,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(token.tenant_id).await?;
        insert_token_in(&mut transaction, token).await?;
        enqueue_in(&mut transaction, mail).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_token(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        self.fetch_optional_scoped(tenant_id, sqlx::query(
            "SELECT tenant_id, token_hash, user_id, purpose, email, created_at, expires_at, used_at \
             FROM one_time_tokens WHERE tenant_id = $1 AND token_hash = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(token_hash.as_hex())
        )
        .await?
        .as_ref()
        .map(rows::one_time_token)
        .transpose()
    }

    async fn redeem_password_reset(
        &self,
        token: &OneTimeToken,
        used_at: OffsetDateTime,
        password: &PasswordState,
        notice: &OutboxMessage,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(token.tenant_id).await?;
        consume_token_in(&mut transaction, token, used_at).await?;
        write_password_in(&mut transaction, token.tenant_id, token.user_id, password).await?;
        end_sessions_in(&mut transaction, token.tenant_id, token.user_id, None).await?;
        enqueue_in(&mut transaction, notice).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn redeem_invitation(
        &self,
        token: &OneTimeToken,
        used_at: OffsetDateTime,
        password: &PasswordState,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(token.tenant_id).await?;
        consume_token_in(&mut transaction, token, used_at).await?;
        write_password_in(&mut transaction, token.tenant_id, token.user_id, password).await?;
        end_sessions_in(&mut transaction, token.tenant_id, token.user_id, None).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn redeem_email_confirmation(
        &self,
        token: &OneTimeToken,
        used_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(token.tenant_id).await?;
        consume_token_in(&mut transaction, token, used_at).await?;
        sqlx::query("UPDATE users SET email = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(token.tenant_id.as_uuid())
            .bind(token.user_id.as_uuid())
            .bind(token.email.as_ref().map(EmailAddress::as_str))
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }
}

#[async_trait]
impl LoginHistoryStore for PgStore {
    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError> {
        self.execute_scoped(attempt.tenant_id, sqlx::query(
            "INSERT INTO login_attempts (tenant_id, user_id, at, ip_address, user_agent, outcome) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(attempt.tenant_id.as_uuid())
        .bind(attempt.user_id.as_uuid())
        .bind(attempt.at)
        .bind(&attempt.ip_address)
        .bind(&attempt.user_agent)
        .bind(attempt.outcome.as_code())
        )
        .await?;
        Ok(())
    }

    async fn list_login_attempts(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        limit: u32,
    ) -> Result<Vec<LoginAttempt>, StoreError> {
        let found = self.fetch_all_scoped(tenant_id, sqlx::query(
            "SELECT tenant_id, user_id, at, ip_address, user_agent, outcome FROM login_attempts \
             WHERE tenant_id = $1 AND user_id = $2 ORDER BY at DESC, id DESC LIMIT $3",
        )
        .bind(tenant_id.as_uuid())
        .bind(user_id.as_uuid())
        .bind(i64::from(limit))
        )
        .await?;
        found.iter().map(rows::login_attempt).collect()
    }

    async fn count_recent_failures(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        since: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let count: i64 = self
            .fetch_one_scoped(
                tenant_id,
                sqlx::query_scalar(
                    "SELECT count(*) FROM login_attempts AS failure \
             WHERE failure.tenant_id = $1 AND failure.user_id = $2 AND failure.at >= $3 \
             AND failure.outcome NOT IN ('success', 'recovery_code', 'password_verified') \
             AND NOT EXISTS (SELECT 1 FROM login_attempts AS success \
                 WHERE success.tenant_id = $1 AND success.user_id = $2 \
                 AND success.outcome IN ('success', 'recovery_code') AND success.at >= failure.at)",
                )
                .bind(tenant_id.as_uuid())
                .bind(user_id.as_uuid())
                .bind(since),
            )
            .await?;
        usize::try_from(count).map_err(|_| corrupt("negative count"))
    }
}
