//! Logging in and out, and recognising a session on every request (ID-6, LOG-3).

use nencho_identity::{
    LoginAttempt, LoginId, LoginOutcome, PasswordHashPolicy, PasswordState, SecretToken, Session,
    SessionStage, SessionState, TokenHash, User, UserStatus,
};
use nencho_tenancy::Tenant;

use crate::{AppContext, AppError};

/// A logged-in user, as every authenticated page sees them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub tenant: Tenant,
    pub user: User,
    pub session: TokenHash,
    /// How far the login got: only a complete session opens the site.
    pub stage: SessionStage,
}

impl CurrentUser {
    /// ID-6: with an initial password, no page but the password change is open.
    pub fn must_change_password(&self) -> bool {
        self.user.password.must_change()
    }
}

pub struct LoginRequest<'a> {
    pub tenant: &'a Tenant,
    pub login_id: &'a str,
    pub password: &'a str,
    pub ip_address: String,
    pub user_agent: String,
}

/// A new session: the token goes into the cookie and nowhere else.
#[derive(Debug)]
pub struct LoggedIn {
    pub token: SecretToken,
    pub must_change_password: bool,
    /// Not complete when the authenticator's code is still to come, or the contract requires
    /// 2段階認証 of this user who has none yet.
    pub stage: SessionStage,
}

/// Every failure answers [`AppError::InvalidCredentials`] after the same hashing work, so neither
/// the answer nor its timing tells whether an ID exists, is disabled or is locked.
pub async fn login(context: &AppContext, request: LoginRequest<'_>) -> Result<LoggedIn, AppError> {
    let tenant = request.tenant;
    let user = match LoginId::parse(request.login_id) {
        Ok(login_id) => {
            context
                .store
                .find_user_by_login_id(tenant.id, &login_id)
                .await?
        }
        Err(_) => None,
    };
    let Some(user) = user else {
        context.hasher.verify_nothing(request.password).await?;
        return Err(AppError::InvalidCredentials);
    };
    let now = context.clock.now();
    let recent_failures = context
        .store
        .count_recent_failures(tenant.id, user.id, context.throttle.window_start(now))
        .await?;
    let mut outcome = if context.throttle.is_locked(recent_failures) {
        context.hasher.verify_nothing(request.password).await?;
        LoginOutcome::Locked
    } else {
        match user.password.hash() {
            None => {
                context.hasher.verify_nothing(request.password).await?;
                LoginOutcome::NoPassword
            }
            Some(hash) if !context.hasher.verify(request.password, hash).await? => {
                LoginOutcome::WrongPassword
            }
            Some(_) if user.status == UserStatus::Disabled => LoginOutcome::Disabled,
            Some(_) => LoginOutcome::Success,
        }
    };
    let stage = if outcome.is_success() {
        stage_after_password(context, tenant, &user).await?
    } else {
        SessionStage::Complete
    };
    if stage == SessionStage::SecondFactorPending {
        outcome = LoginOutcome::PasswordVerified;
    }
    context
        .store
        .record_login_attempt(&LoginAttempt {
            tenant_id: tenant.id,
            user_id: user.id,
            at: now,
            ip_address: request.ip_address,
            user_agent: request.user_agent,
            outcome,
        })
        .await?;
    if !outcome.is_success() && outcome != LoginOutcome::PasswordVerified {
        return Err(AppError::InvalidCredentials);
    }
    upgrade_hash_if_weaker(context, &user, request.password).await?;

    let token = context.new_token();
    context
        .store
        .insert_session(&Session {
            token_hash: token.hash(),
            tenant_id: tenant.id,
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            stage,
        })
        .await?;
    Ok(LoggedIn {
        token,
        must_change_password: user.password.must_change(),
        stage,
    })
}

/// After a right password: the code is still to come for a user with 2段階認証; set-up is due for
/// staff without it when the contract requires it; otherwise the login is complete.
async fn stage_after_password(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
) -> Result<SessionStage, AppError> {
    if context
        .store
        .second_factor(tenant.id, user.id)
        .await?
        .is_some()
    {
        return Ok(SessionStage::SecondFactorPending);
    }
    if crate::second_factor::required_for(context, tenant.id, user).await? {
        return Ok(SessionStage::EnrolmentRequired);
    }
    Ok(SessionStage::Complete)
}

/// A hash below the current policy is replaced while the password is at hand.
async fn upgrade_hash_if_weaker(
    context: &AppContext,
    user: &User,
    password: &str,
) -> Result<(), AppError> {
    let Some(hash) = user.password.hash() else {
        return Ok(());
    };
    if !PasswordHashPolicy::CURRENT.needs_rehash(hash) {
        return Ok(());
    }
    let stronger = context.hasher.hash(password).await?;
    let state = match &user.password {
        PasswordState::Initial(_) => PasswordState::Initial(stronger),
        _ => PasswordState::Chosen(stronger),
    };
    context
        .store
        .upgrade_password_hash(user.tenant_id, user.id, &state)
        .await?;
    Ok(())
}

/// The user behind a session cookie, or `None` when the session is unknown, expired (idle or
/// absolute) or its ID was disabled. Expired sessions are deleted on sight.
pub async fn authenticate(
    context: &AppContext,
    tenant: &Tenant,
    cookie: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = SecretToken::parse(cookie) else {
        return Ok(None);
    };
    let hash = token.hash();
    let Some(session) = context.store.find_session(tenant.id, &hash).await? else {
        return Ok(None);
    };
    let now = context.clock.now();
    if context.session_policy.evaluate(&session, now) != SessionState::Active {
        context.store.delete_session(tenant.id, &hash).await?;
        return Ok(None);
    }
    let Some(user) = context.store.find_user(tenant.id, session.user_id).await? else {
        return Ok(None);
    };
    if user.status != UserStatus::Active {
        context.store.delete_session(tenant.id, &hash).await?;
        return Ok(None);
    }
    if context.session_policy.needs_touch(&session, now) {
        context.store.touch_session(tenant.id, &hash, now).await?;
    }
    Ok(Some(CurrentUser {
        tenant: tenant.clone(),
        user,
        session: hash,
        stage: session.stage,
    }))
}

pub async fn logout(context: &AppContext, current: &CurrentUser) -> Result<(), AppError> {
    context
        .store
        .delete_session(current.tenant.id, &current.session)
        .await?;
    Ok(())
}
