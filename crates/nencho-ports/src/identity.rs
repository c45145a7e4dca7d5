use async_trait::async_trait;
use nencho_identity::{
    LoginAttempt, LoginId, OneTimeToken, PasswordState, Role, Session, TokenHash, User, UserStatus,
};
use nencho_kernel::{EmailAddress, OffsetDateTime, TenantId, UserId};
use nencho_tenancy::Tenant;

use crate::{OutboxMessage, StoreError};

/// Users (IDs) of a tenant. Methods that end sessions do so in the same transaction as the change
/// that requires it, so no window exists in which a disabled ID still has a live session.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Opens a contract: the tenant and its ADMIN ID together, or neither.
    async fn open_tenant(&self, tenant: &Tenant, admin: &User) -> Result<(), StoreError>;
    /// Fails with [`StoreError::Conflict`] when the login ID is taken in the tenant.
    async fn insert_user(&self, tenant_id: TenantId, user: &User) -> Result<(), StoreError>;
    async fn find_user(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<User>, StoreError>;
    async fn find_user_by_login_id(
        &self,
        tenant_id: TenantId,
        login_id: &LoginId,
    ) -> Result<Option<User>, StoreError>;
    /// Ordered by login ID.
    async fn list_users(&self, tenant_id: TenantId) -> Result<Vec<User>, StoreError>;
    /// The ADMIN and the administrators (those who manage users), whatever their status,
    /// ordered by login ID: the few a contract-wide notice goes to, without reading every
    /// employee's ID.
    async fn list_administrators(&self, tenant_id: TenantId) -> Result<Vec<User>, StoreError>;
    /// Sets the password and ends every session of the user except `keep_session` (the one the
    /// user changed it from, if any); queues `notice` (e.g. "your password was changed").
    async fn set_password(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        password: &PasswordState,
        keep_session: Option<TokenHash>,
        notice: Option<OutboxMessage>,
    ) -> Result<(), StoreError>;
    /// Replaces the hash only (re-hash at login with stronger parameters); sessions stay.
    async fn upgrade_password_hash(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        password: &PasswordState,
    ) -> Result<(), StoreError>;
    /// Disabling ends every session of the user.
    async fn set_user_status(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        status: UserStatus,
    ) -> Result<(), StoreError>;
    async fn set_user_email(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        email: Option<EmailAddress>,
    ) -> Result<(), StoreError>;
    /// Sets the user's tenant role (ADMIN, administrator, general user). Sessions stay: the role
    /// is read from the store on every request. Fails with [`StoreError::Backend`] when the
    /// tenant has no such user (a user of another tenant is never changed).
    async fn set_user_role(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        role: Role,
    ) -> Result<(), StoreError>;
}

/// Login sessions, by the hash of their secret token.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError>;
    async fn find_session(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
    ) -> Result<Option<Session>, StoreError>;
    async fn touch_session(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn delete_session(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
    ) -> Result<(), StoreError>;
    /// Ends every session of the user but `keep` (「他の端末からログアウト」).
    async fn end_other_sessions(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        keep: &TokenHash,
    ) -> Result<(), StoreError>;
    /// Replaces a session whose login was not complete with `complete` (a new token, so the id
    /// changes as the session gains its rights), in one transaction. Fails with
    /// [`StoreError::Conflict`] when `pending` is gone (used by a parallel request, or expired).
    async fn complete_session(
        &self,
        tenant_id: TenantId,
        pending: &TokenHash,
        complete: &Session,
    ) -> Result<(), StoreError>;
}

/// One-time tokens (password reset, e-mail confirmation), stored only as hashes.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores the token and queues the mail that carries it, atomically.
    async fn issue_token(
        &self,
        token: &OneTimeToken,
        mail: &OutboxMessage,
    ) -> Result<(), StoreError>;
    async fn find_token(
        &self,
        tenant_id: TenantId,
        token_hash: &TokenHash,
    ) -> Result<Option<OneTimeToken>, StoreError>;
    /// Uses a password-reset token: marks it used (only if still unused, else
    /// [`StoreError::Conflict`]), sets the password, ends every session of the user and queues the
    /// notice, all in one transaction.
    async fn redeem_password_reset(
        &self,
        token: &OneTimeToken,
        used_at: OffsetDateTime,
        password: &PasswordState,
        notice: &OutboxMessage,
    ) -> Result<(), StoreError>;
    /// Uses an invitation token: marks it used (only if still unused, else
    /// [`StoreError::Conflict`]), sets the user's first password and ends any session of the
    /// user, all in one transaction.
    async fn redeem_invitation(
        &self,
        token: &OneTimeToken,
        used_at: OffsetDateTime,
        password: &PasswordState,
    ) -> Result<(), StoreError>;
    /// Uses an e-mail confirmation token: marks it used and sets the user's address.
    async fn redeem_email_confirmation(
        &self,
        token: &OneTimeToken,
        used_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

/// The login history (LOG-3), kept for the life of the contract.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait LoginHistoryStore: Send + Sync {
    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError>;
    /// Newest first.
    async fn list_login_attempts(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        limit: u32,
    ) -> Result<Vec<LoginAttempt>, StoreError>;
    /// Failed attempts since `since` and after the user's latest successful login.
    async fn count_recent_failures(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        since: OffsetDateTime,
    ) -> Result<usize, StoreError>;
}
