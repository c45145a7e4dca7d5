//! 2段階認証 (two-step verification): a user sets up an authenticator app for their own ID, logs in
//! with its code after the password, keeps recovery codes for a lost phone; an administrator
//! removes it for a user who lost both; the contract may require it of its staff.

use nencho_identity::{
    LoginAttempt, LoginOutcome, Permission, RecoveryCode, SealedSecret, SealingKeyRegistration,
    SecondFactor, SecondFactorInput, SecretToken, Session, SessionStage, TokenHash, TotpPolicy,
    TotpSecret, User,
};
use nencho_kernel::{OffsetDateTime, TenantId, UserId};
use nencho_ports::{OutboxMessage, SealError};

use crate::mail::{self, SecondFactorChange};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The apps group their entries by this name.
const ISSUER: &str = "nencho";

/// A key being set up: shown as a QR code and as text until the user confirms it with a code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: TotpSecret,
    /// The `otpauth://` URI the QR code carries.
    pub uri: String,
}

/// A fresh key for the current user.
pub fn new_enrolment(context: &AppContext, current: &CurrentUser) -> Enrolment {
    let mut bytes = [0u8; TotpSecret::BYTES];
    context.random.fill(&mut bytes);
    enrolment_for(current, TotpSecret::from_random_bytes(bytes))
}

/// The enrolment of a key already shown (the form came back with an error).
pub fn enrolment_for(current: &CurrentUser, secret: TotpSecret) -> Enrolment {
    let account = format!("{}/{}", current.tenant.slug.as_str(), current.user.login_id);
    let uri = secret.provisioning_uri(ISSUER, &account);
    Enrolment { secret, uri }
}

/// The user's own state, for the settings page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorStatus {
    pub enabled_at: Option<OffsetDateTime>,
    pub recovery_codes_left: u32,
    /// The contract requires it of this user (a staff member under the staff rule).
    pub required: bool,
}

pub async fn status(
    context: &AppContext,
    current: &CurrentUser,
) -> Result<SecondFactorStatus, AppError> {
    let tenant = current.tenant.id;
    let factor = context.store.second_factor(tenant, current.user.id).await?;
    let recovery_codes_left = if factor.is_some() {
        context
            .store
            .recovery_codes_left(tenant, current.user.id)
            .await?
    } else {
        0
    };
    Ok(SecondFactorStatus {
        enabled_at: factor.map(|factor| factor.enabled_at),
        recovery_codes_left,
        required: required_of(context, current).await?,
    })
}

/// Whether the contract's staff rule applies to this user.
async fn required_of(context: &AppContext, current: &CurrentUser) -> Result<bool, AppError> {
    required_for(context, current.tenant.id, &current.user).await
}

/// Whether the contract requires 2段階認証 of `user` (a staff member under the staff rule): at
/// login, and on the user's own settings.
pub(crate) async fn required_for(
    context: &AppContext,
    tenant_id: TenantId,
    user: &User,
) -> Result<bool, AppError> {
    Ok(context
        .store
        .staff_second_factor_required(tenant_id)
        .await?
        && crate::authorization::is_staff(context, tenant_id, user).await?)
}

/// What enabling gives back: the recovery codes (shown once), and a new session token when the
/// session was waiting for this set-up (the contract's rule) and is complete now.
#[derive(Debug)]
pub struct Enabled {
    pub recovery_codes: Vec<RecoveryCode>,
    pub new_session: Option<SecretToken>,
}

/// Turns 2段階認証 on (or moves it to a new phone): the password, and a code from the app proving
/// it holds `secret`. Every other session ends; a notice is mailed.
pub async fn enable(
    context: &AppContext,
    current: &CurrentUser,
    secret: &str,
    code: &str,
    password: &str,
) -> Result<Enabled, AppError> {
    crate::password::verify_current(context, &current.user, password).await?;
    let secret = TotpSecret::from_base32(secret).ok_or(AppError::Invalid {
        field: "secret",
        message: "not an authenticator key".into(),
    })?;
    let now = context.clock.now();
    let step = TotpPolicy::STANDARD
        .verify(&secret, code, now, None)
        .ok_or(AppError::WrongCode)?;
    let recovery_codes = new_recovery_codes(context);
    let hashes = hashes_of(&recovery_codes, current.user.id);
    context
        .store
        .enable_second_factor(
            current.tenant.id,
            current.user.id,
            &SecondFactor {
                secret: seal(context, current.tenant.id, current.user.id, &secret),
                enabled_at: now,
                last_used_step: Some(step),
            },
            &hashes,
            Some(current.session.clone()),
            notice(context, current, SecondFactorChange::Enabled, now),
        )
        .await?;
    let new_session = if current.stage == SessionStage::Complete {
        None
    } else {
        Some(complete_session(context, current, now).await?)
    };
    Ok(Enabled {
        recovery_codes,
        new_session,
    })
}

/// Turns 2段階認証 off: the password and a current code (or a recovery code). Refused while the
/// contract requires it of this user. Every other session ends; a notice is mailed.
pub async fn disable(
    context: &AppContext,
    current: &CurrentUser,
    password: &str,
    code: &str,
) -> Result<(), AppError> {
    crate::password::verify_current(context, &current.user, password).await?;
    if required_of(context, current).await? {
        return Err(AppError::Refused(
            "この契約では管理者・担当者の2段階認証が必須のため、解除できません。".into(),
        ));
    }
    let now = context.clock.now();
    if accept_code(context, current.tenant.id, &current.user, code, now)
        .await?
        .is_none()
    {
        return Err(AppError::WrongCode);
    }
    context
        .store
        .disable_second_factor(
            current.tenant.id,
            current.user.id,
            Some(current.session.clone()),
            notice(context, current, SecondFactorChange::Disabled, now),
        )
        .await?;
    Ok(())
}

/// New recovery codes (the old ones stop working), shown once.
pub async fn replace_recovery_codes(
    context: &AppContext,
    current: &CurrentUser,
    password: &str,
) -> Result<Vec<RecoveryCode>, AppError> {
    crate::password::verify_current(context, &current.user, password).await?;
    let tenant = current.tenant.id;
    if context
        .store
        .second_factor(tenant, current.user.id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let codes = new_recovery_codes(context);
    let now = context.clock.now();
    context
        .store
        .replace_recovery_codes(
            tenant,
            current.user.id,
            &hashes_of(&codes, current.user.id),
            notice(
                context,
                current,
                SecondFactorChange::RecoveryCodesReplaced,
                now,
            ),
        )
        .await?;
    Ok(codes)
}

/// The second step of a login: the app's code or a recovery code for a session that has only its
/// password. Wrong codes count towards the ID's lock like wrong passwords, and a locked ID is
/// refused whatever it types. Success replaces the session with a complete one (a new token).
pub async fn verify_login(
    context: &AppContext,
    current: &CurrentUser,
    input: &str,
    ip_address: String,
    user_agent: String,
) -> Result<SecretToken, AppError> {
    if current.stage != SessionStage::SecondFactorPending {
        return Err(AppError::Forbidden);
    }
    let tenant = current.tenant.id;
    let user = &current.user;
    let now = context.clock.now();
    let recent_failures = context
        .store
        .count_recent_failures(tenant, user.id, context.throttle.window_start(now))
        .await?;
    let outcome = if context.throttle.is_locked(recent_failures) {
        LoginOutcome::Locked
    } else {
        accept_code(context, tenant, user, input, now)
            .await?
            .unwrap_or(LoginOutcome::WrongCode)
    };
    context
        .store
        .record_login_attempt(&LoginAttempt {
            tenant_id: tenant,
            user_id: user.id,
            at: now,
            ip_address,
            user_agent,
            outcome,
        })
        .await?;
    if !outcome.is_success() {
        // The failure that locks the ID tells its owner: the password itself was right.
        if outcome == LoginOutcome::WrongCode
            && context.throttle.is_locked(recent_failures + 1)
            && let Some(message) = notice(
                context,
                current,
                SecondFactorChange::LockedByWrongCodes,
                now,
            )
        {
            context.store.enqueue_mail(&message).await?;
        }
        return Err(AppError::WrongCode);
    }
    if outcome == LoginOutcome::RecoveryCode {
        let left = context.store.recovery_codes_left(tenant, user.id).await?;
        if let Some(message) = notice(
            context,
            current,
            SecondFactorChange::RecoveryCodeUsed { left },
            now,
        ) {
            context.store.enqueue_mail(&message).await?;
        }
    }
    complete_session(context, current, now).await
}

/// Removes a user's 2段階認証 (a lost phone and lost recovery codes): `ManageUsers`, not one's own
/// (that is the settings page). Every session of the user ends; a notice is mailed. `false` when
/// the user had none.
pub async fn reset_for_user(
    context: &AppContext,
    actor: &CurrentUser,
    target: UserId,
) -> Result<bool, AppError> {
    crate::authorization::require(context, actor, Permission::ManageUsers, None).await?;
    if target == actor.user.id {
        return Err(AppError::Invalid {
            field: "user",
            message: "use your own two-step verification settings".into(),
        });
    }
    let tenant = &actor.tenant;
    let user = context
        .store
        .find_user(tenant.id, target)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = context.clock.now();
    let notice = user.email.as_ref().map(|to| {
        mail::second_factor_notice(
            context,
            tenant,
            &user,
            to,
            SecondFactorChange::ResetByAdministrator,
            now,
        )
    });
    let removed = context
        .store
        .disable_second_factor(tenant.id, target, None, notice)
        .await?;
    if removed {
        crate::audit::record(
            context,
            actor,
            nencho_identity::AuditAction::SecondFactorReset,
            user.login_id.to_string(),
            "",
        )
        .await?;
    }
    Ok(removed)
}

/// The contract's rule: ADMIN, 管理者 and every company role must use 2段階認証 (they are made to
/// set it up at their next login). `ManageUsers`, like the IDs themselves.
pub async fn set_staff_requirement(
    context: &AppContext,
    actor: &CurrentUser,
    required: bool,
) -> Result<(), AppError> {
    crate::authorization::require(context, actor, Permission::ManageUsers, None).await?;
    if required
        && context
            .store
            .second_factor(actor.tenant.id, actor.user.id)
            .await?
            .is_none()
    {
        return Err(AppError::Refused(
            "必須にする前に、ご自身の2段階認証を設定してください。".into(),
        ));
    }
    if context
        .store
        .staff_second_factor_required(actor.tenant.id)
        .await?
        == required
    {
        return Ok(());
    }
    context
        .store
        .set_staff_second_factor_required(actor.tenant.id, required)
        .await?;
    crate::audit::record(
        context,
        actor,
        nencho_identity::AuditAction::StaffSecondFactorRule,
        "",
        if required {
            "任意 → 必須"
        } else {
            "必須 → 任意"
        },
    )
    .await?;
    Ok(())
}

pub async fn staff_requirement(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<bool, AppError> {
    crate::authorization::require(context, actor, Permission::ManageUsers, None).await?;
    Ok(context
        .store
        .staff_second_factor_required(actor.tenant.id)
        .await?)
}

/// Which IDs of the tenant have 2段階認証 on, for the users list (`ManageUsers`).
pub async fn users_with_second_factor(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<Vec<UserId>, AppError> {
    crate::authorization::require(context, actor, Permission::ManageUsers, None).await?;
    Ok(context
        .store
        .users_with_second_factor(actor.tenant.id)
        .await?)
}

/// The outcome of a good code (the app's, claimed so it works once, or an unused recovery code),
/// `None` for anything else, a user without 2段階認証 included.
async fn accept_code(
    context: &AppContext,
    tenant: TenantId,
    user: &User,
    input: &str,
    now: OffsetDateTime,
) -> Result<Option<LoginOutcome>, AppError> {
    let Some(factor) = context.store.second_factor(tenant, user.id).await? else {
        return Ok(None);
    };
    match SecondFactorInput::parse(input) {
        Some(SecondFactorInput::Code(code)) => {
            let secret = open(context, tenant, user.id, &factor.secret).await?;
            let Some(step) =
                TotpPolicy::STANDARD.verify(&secret, &code, now, factor.last_used_step)
            else {
                return Ok(None);
            };
            let claimed = context.store.claim_code_step(tenant, user.id, step).await?;
            Ok(claimed.then_some(LoginOutcome::Success))
        }
        Some(SecondFactorInput::Recovery(code)) => {
            let used = context
                .store
                .use_recovery_code(tenant, user.id, &code.hash(user.id), now)
                .await?;
            Ok(used.then_some(LoginOutcome::RecoveryCode))
        }
        None => Ok(None),
    }
}

async fn complete_session(
    context: &AppContext,
    current: &CurrentUser,
    now: OffsetDateTime,
) -> Result<SecretToken, AppError> {
    let token = context.new_token();
    context
        .store
        .complete_session(
            current.tenant.id,
            &current.session,
            &Session {
                token_hash: token.hash(),
                tenant_id: current.tenant.id,
                user_id: current.user.id,
                created_at: now,
                last_seen_at: now,
                stage: SessionStage::Complete,
            },
        )
        .await
        .map_err(|error| match error {
            nencho_ports::StoreError::Conflict(_) => AppError::WrongCode,
            other => AppError::from(other),
        })?;
    Ok(token)
}

fn new_recovery_codes(context: &AppContext) -> Vec<RecoveryCode> {
    (0..RecoveryCode::SET_SIZE)
        .map(|_| {
            let mut bytes = [0u8; RecoveryCode::RANDOM_BYTES];
            context.random.fill(&mut bytes);
            RecoveryCode::from_random_bytes(bytes)
        })
        .collect()
}

fn hashes_of(codes: &[RecoveryCode], user_id: UserId) -> Vec<TokenHash> {
    codes.iter().map(|code| code.hash(user_id)).collect()
}

fn notice(
    context: &AppContext,
    current: &CurrentUser,
    change: SecondFactorChange,
    at: OffsetDateTime,
) -> Option<OutboxMessage> {
    current.user.email.as_ref().map(|to| {
        mail::second_factor_notice(context, &current.tenant, &current.user, to, change, at)
    })
}

/// The row a user's authenticator key is sealed to: a sealed key copied to another user or
/// tenant does not open.
fn sealed_to(tenant: TenantId, user: UserId) -> Vec<u8> {
    [
        tenant.as_uuid().as_bytes().as_slice(),
        user.as_uuid().as_bytes().as_slice(),
    ]
    .concat()
}

fn seal(context: &AppContext, tenant: TenantId, user: UserId, secret: &TotpSecret) -> SealedSecret {
    context
        .sealer
        .seal(secret.as_bytes(), &sealed_to(tenant, user))
}

/// The user's key from the store, opened. A key kept in clear by a version before sealing, or
/// sealed with the key a rotation replaces, is re-sealed with the current key now: it stays that
/// way no longer than its next use.
async fn open(
    context: &AppContext,
    tenant: TenantId,
    user: UserId,
    stored: &SealedSecret,
) -> Result<TotpSecret, AppError> {
    let secret = open_any(context, tenant, user, stored)?;
    if !context.sealer.is_sealed_with_current_key(stored) {
        let sealed = seal(context, tenant, user, &secret);
        context
            .store
            .reseal_second_factor(tenant, user, stored, &sealed)
            .await?;
    }
    Ok(secret)
}

/// A stored key in clear (an earlier version's) or sealed with the current or previous key.
fn open_any(
    context: &AppContext,
    tenant: TenantId,
    user: UserId,
    stored: &SealedSecret,
) -> Result<TotpSecret, AppError> {
    if let Some(clear) = TotpSecret::from_bytes(stored.as_bytes()) {
        return Ok(clear);
    }
    let opened = context.sealer.open(stored, &sealed_to(tenant, user))?;
    TotpSecret::from_bytes(&opened).ok_or(AppError::Seal(SealError::Damaged))
}

/// What [`prepare_sealing`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealingReady {
    /// The key was recorded by this call (the deployment's first start with sealing).
    pub first_start: bool,
    /// The previous key was replaced by this call: everything it sealed is sealed with the
    /// current key now.
    pub rotated: bool,
    /// Keys (in clear, or sealed with the previous key) sealed with the current key by this call.
    pub sealed_now: usize,
    /// Keys found that open with neither key (damaged, or sealed to another row): left as they
    /// are, so one bad row does not stop the service; their users cannot log in with a code and
    /// need their 2段階認証 reset by an administrator.
    pub unreadable: usize,
}

/// What a pass over the stored keys did.
#[derive(Debug, Default)]
struct Resealed {
    sealed: usize,
    unreadable: usize,
}

/// Run by a server before it serves. Records the deployment's sealing key, or refuses a key
/// other than the recorded one (a server configured with another `secret_key`, a database
/// restored without its `secret.key`) before anything is sealed that the others cannot open. On
/// the first start with sealing, every key still in clear is sealed. When the recorded key is
/// the sealer's previous one (a rotation), every key is re-sealed with the current one and then
/// the current one is recorded; a rotation cut short is finished by the next start.
pub async fn prepare_sealing(context: &AppContext) -> Result<SealingReady, AppError> {
    let fingerprint = context.sealer.key_fingerprint();
    let now = context.clock.now();
    match context
        .store
        .register_sealing_key(&fingerprint, now)
        .await?
    {
        SealingKeyRegistration::Same => Ok(SealingReady {
            first_start: false,
            rotated: false,
            sealed_now: 0,
            unreadable: 0,
        }),
        SealingKeyRegistration::New => {
            let pass = reseal_stored_keys(context).await?;
            Ok(SealingReady {
                first_start: true,
                rotated: false,
                sealed_now: pass.sealed,
                unreadable: pass.unreadable,
            })
        }
        SealingKeyRegistration::Other(recorded)
            if context.sealer.previous_key_fingerprint().as_ref() == Some(&recorded) =>
        {
            let pass = reseal_stored_keys(context).await?;
            // Another server finishing the same rotation first is as good.
            context
                .store
                .replace_sealing_key(&recorded, &fingerprint, now)
                .await?;
            Ok(SealingReady {
                first_start: false,
                rotated: true,
                sealed_now: pass.sealed,
                unreadable: pass.unreadable,
            })
        }
        SealingKeyRegistration::Other(recorded) => {
            Err(AppError::Seal(SealError::OtherKey(recorded)))
        }
    }
}

/// Seals with the current key every stored key that is not (in clear, or sealed with the
/// previous key), in every contract.
async fn reseal_stored_keys(context: &AppContext) -> Result<Resealed, AppError> {
    let mut pass = Resealed::default();
    for tenant in context.store.list_tenants().await? {
        for user in context.store.users_with_second_factor(tenant.id).await? {
            let Some(factor) = context.store.second_factor(tenant.id, user).await? else {
                continue;
            };
            if context.sealer.is_sealed_with_current_key(&factor.secret) {
                continue;
            }
            let Ok(secret) = open_any(context, tenant.id, user, &factor.secret) else {
                pass.unreadable += 1;
                continue;
            };
            let new = seal(context, tenant.id, user, &secret);
            if context
                .store
                .reseal_second_factor(tenant.id, user, &factor.secret, &new)
                .await?
            {
                pass.sealed += 1;
            }
        }
    }
    Ok(pass)
}
