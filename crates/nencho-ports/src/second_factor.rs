use async_trait::async_trait;
use nencho_identity::{SealedSecret, SealingKeyRegistration, SecondFactor, TokenHash};
use nencho_kernel::{OffsetDateTime, TenantId, UserId};

use crate::{OutboxMessage, StoreError};

/// 2段階認証: each user's authenticator and recovery codes, and the contract's rule for staff.
/// Changes that weaken or replace a factor end the user's other sessions in the same transaction
/// and queue the notice mail with it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SecondFactorStore: Send + Sync {
    async fn second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<SecondFactor>, StoreError>;
    /// The users of the tenant who have 2段階認証 on.
    async fn users_with_second_factor(
        &self,
        tenant_id: TenantId,
    ) -> Result<Vec<UserId>, StoreError>;
    /// Sets (or replaces) the authenticator and the recovery codes, ends every session of the
    /// user but `keep_session`, and queues `notice`, in one transaction.
    async fn enable_second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        factor: &SecondFactor,
        recovery_codes: &[TokenHash],
        keep_session: Option<TokenHash>,
        notice: Option<OutboxMessage>,
    ) -> Result<(), StoreError>;
    /// Removes the authenticator and the recovery codes, ends every session of the user but
    /// `keep_session`, and queues `notice`, in one transaction; `false` (and nothing queued) when
    /// the user had none.
    async fn disable_second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        keep_session: Option<TokenHash>,
        notice: Option<OutboxMessage>,
    ) -> Result<bool, StoreError>;
    /// Records `step` as the last one whose code was accepted, if it is later than the recorded
    /// one: `true` when this call claimed it (of two requests with one code, only one wins).
    async fn claim_code_step(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        step: i64,
    ) -> Result<bool, StoreError>;
    /// Marks the recovery code used if it is one of the user's unused ones: `true` when this call
    /// used it.
    async fn use_recovery_code(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        code: &TokenHash,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Replaces every recovery code of the user (used ones too) and queues `notice`.
    async fn replace_recovery_codes(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        recovery_codes: &[TokenHash],
        notice: Option<OutboxMessage>,
    ) -> Result<(), StoreError>;
    async fn recovery_codes_left(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<u32, StoreError>;
    /// Replaces the stored key by `sealed` if it is still `previous` (a key kept in clear by an
    /// earlier version, sealed now): `true` when this call replaced it.
    async fn reseal_second_factor(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        previous: &SealedSecret,
        sealed: &SealedSecret,
    ) -> Result<bool, StoreError>;
    /// Records `fingerprint` as the deployment's sealing key if none is recorded, and says how it
    /// compares with the recorded one. Not tenant data: one record for the deployment.
    async fn register_sealing_key(
        &self,
        fingerprint: &str,
        at: OffsetDateTime,
    ) -> Result<SealingKeyRegistration, StoreError>;
    /// The fingerprint of the deployment's recorded sealing key, without recording any.
    async fn recorded_sealing_key(&self) -> Result<Option<String>, StoreError>;
    /// Records `new` as the deployment's sealing key in place of `previous` (a rotation, once
    /// every key is re-sealed): `true` when `previous` was the recorded one and is replaced.
    async fn replace_sealing_key(
        &self,
        previous: &str,
        new: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Whether the contract requires 2段階認証 of its staff (ADMIN, 管理者 and every company role).
    async fn staff_second_factor_required(&self, tenant_id: TenantId) -> Result<bool, StoreError>;
    async fn set_staff_second_factor_required(
        &self,
        tenant_id: TenantId,
        required: bool,
    ) -> Result<(), StoreError>;
}
