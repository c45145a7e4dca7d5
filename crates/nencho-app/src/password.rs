//! Passwords: changing one (ID-6, ID-7), the forgotten-password reset (ID-8), and an
//! administrator handing out a new initial password.

use nencho_identity::{
    InitialPassword, LoginId, OneTimeToken, PasswordContext, PasswordState, SecretToken,
    TokenPurpose, User, UserStatus,
};
use nencho_kernel::UserId;
use nencho_tenancy::Tenant;

use crate::sign_in::CurrentUser;
use crate::tenancy::generate_initial_password;
use crate::{AppContext, AppError, mail};

/// The words a user's password must not be built from.
pub fn password_context(tenant: &Tenant, user: &User) -> PasswordContext {
    let context = PasswordContext::new()
        .with(tenant.slug.as_str())
        .with(tenant.name.as_str())
        .with(user.login_id.as_str())
        .with(user.display_name.as_str());
    match &user.email {
        Some(email) => context.with(email.as_str()),
        None => context,
    }
}

async fn checked_hash(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
    new_password: &str,
    confirmation: &str,
) -> Result<nencho_identity::PasswordHash, AppError> {
    if new_password != confirmation {
        return Err(AppError::PasswordsDiffer);
    }
    context
        .password_policy
        .check(new_password, &password_context(tenant, user))
        .map_err(AppError::PasswordRejected)?;
    Ok(context.hasher.hash(new_password).await?)
}

pub struct ChangePasswordRequest<'a> {
    /// Not asked when an initial password is being replaced right after logging in with it.
    pub current_password: Option<&'a str>,
    pub new_password: &'a str,
    pub confirmation: &'a str,
}

/// The user's own password change. Other sessions of the user end; this one stays.
pub async fn change_password(
    context: &AppContext,
    current: &CurrentUser,
    request: ChangePasswordRequest<'_>,
) -> Result<(), AppError> {
    let user = &current.user;
    match (request.current_password, user.password.hash()) {
        (None, _) if user.password.must_change() => {}
        (Some(given), Some(hash)) if context.hasher.verify(given, hash).await? => {}
        _ => return Err(AppError::WrongCurrentPassword),
    }
    if let Some(hash) = user.password.hash()
        && context.hasher.verify(request.new_password, hash).await?
    {
        return Err(AppError::Invalid {
            field: "new_password",
            message: "the same as the current password".into(),
        });
    }
    let hash = checked_hash(
        context,
        &current.tenant,
        user,
        request.new_password,
        request.confirmation,
    )
    .await?;
    let notice = user.email.as_ref().map(|to| {
        mail::password_changed_notice(context, &current.tenant, user, to, context.clock.now())
    });
    context
        .store
        .set_password(
            current.tenant.id,
            user.id,
            &PasswordState::Chosen(hash),
            Some(current.session.clone()),
            notice,
        )
        .await?;
    Ok(())
}

/// What the forgotten-password page may say: the same whatever the ID (so it reveals nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetRequested;

/// Mails a single-use link valid for 24 hours if the ID exists, is enabled and has an e-mail
/// address. Answers the same in every case.
pub async fn request_password_reset(
    context: &AppContext,
    tenant: &Tenant,
    login_id: &str,
) -> Result<ResetRequested, AppError> {
    let Ok(login_id) = LoginId::parse(login_id) else {
        return Ok(ResetRequested);
    };
    let Some(user) = context
        .store
        .find_user_by_login_id(tenant.id, &login_id)
        .await?
    else {
        return Ok(ResetRequested);
    };
    let Some(to) = user
        .email
        .clone()
        .filter(|_| user.status == UserStatus::Active)
    else {
        return Ok(ResetRequested);
    };
    let secret = context.new_token();
    let token = OneTimeToken::issue(
        &secret,
        tenant.id,
        user.id,
        TokenPurpose::PasswordReset,
        None,
        context.clock.now(),
    );
    let link = format!(
        "{}/password/reset/{}",
        context.site.site_url(&tenant.slug),
        secret.expose()
    );
    let mail = mail::password_reset_link(context, tenant, &user, &to, &link, token.expires_at);
    context.store.issue_token(&token, &mail).await?;
    Ok(ResetRequested)
}

/// The reset link's token, checked before the form is shown.
pub async fn check_reset_link(
    context: &AppContext,
    tenant: &Tenant,
    token: &str,
) -> Result<OneTimeToken, AppError> {
    let secret = SecretToken::parse(token).ok_or(AppError::InvalidLink)?;
    let stored = context
        .store
        .find_token(tenant.id, &secret.hash())
        .await?
        .ok_or(AppError::InvalidLink)?;
    if !stored.is_usable(TokenPurpose::PasswordReset, context.clock.now()) {
        return Err(AppError::InvalidLink);
    }
    Ok(stored)
}

/// Sets the new password from a reset link: every session ends (the user logs in again) and the
/// user is told by mail.
pub async fn reset_password(
    context: &AppContext,
    tenant: &Tenant,
    token: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let stored = check_reset_link(context, tenant, token).await?;
    let user = context
        .store
        .find_user(tenant.id, stored.user_id)
        .await?
        .ok_or(AppError::InvalidLink)?;
    if user.status != UserStatus::Active {
        return Err(AppError::InvalidLink);
    }
    let hash = checked_hash(context, tenant, &user, new_password, confirmation).await?;
    let now = context.clock.now();
    let to = user.email.clone().ok_or(AppError::InvalidLink)?;
    let notice = mail::password_changed_notice(context, tenant, &user, &to, now);
    context
        .store
        .redeem_password_reset(&stored, now, &PasswordState::Chosen(hash), &notice)
        .await
        .map_err(|error| match error {
            nencho_ports::StoreError::Conflict(_) => AppError::InvalidLink,
            other => AppError::from(other),
        })
}

/// The invitation link's token and the ID it invites, checked before the form is shown: the
/// token must be an unused, unexpired invitation and the ID still enabled.
pub async fn check_invitation(
    context: &AppContext,
    tenant: &Tenant,
    token: &str,
) -> Result<(OneTimeToken, User), AppError> {
    let secret = SecretToken::parse(token).ok_or(AppError::InvalidLink)?;
    let stored = context
        .store
        .find_token(tenant.id, &secret.hash())
        .await?
        .ok_or(AppError::InvalidLink)?;
    if !stored.is_usable(TokenPurpose::Invitation, context.clock.now()) {
        return Err(AppError::InvalidLink);
    }
    let user = context
        .store
        .find_user(tenant.id, stored.user_id)
        .await?
        .ok_or(AppError::InvalidLink)?;
    if user.status != UserStatus::Active {
        return Err(AppError::InvalidLink);
    }
    Ok((stored, user))
}

/// An invited ID (an imported employee) sets its first password from the mailed link: the
/// password policy applies, the password is hashed once, and setting it and using up the token
/// happen in one transaction (a second use of the link fails). The user then logs in.
pub async fn accept_invitation(
    context: &AppContext,
    tenant: &Tenant,
    token: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let (stored, user) = check_invitation(context, tenant, token).await?;
    let hash = checked_hash(context, tenant, &user, new_password, confirmation).await?;
    context
        .store
        .redeem_invitation(&stored, context.clock.now(), &PasswordState::Chosen(hash))
        .await
        .map_err(|error| match error {
            nencho_ports::StoreError::Conflict(_) => AppError::InvalidLink,
            other => AppError::from(other),
        })
}

/// An administrator sets a new initial password for an ID (ID-8 without e-mail, ID-6): shown once
/// to hand over, changed at the next login; the ID's sessions end.
pub async fn issue_initial_password(
    context: &AppContext,
    actor: &CurrentUser,
    target: UserId,
) -> Result<(User, InitialPassword), AppError> {
    if !actor.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    let user = context
        .store
        .find_user(actor.tenant.id, target)
        .await?
        .ok_or(AppError::NotFound)?;
    let password = generate_initial_password(context)?;
    let hash = context.hasher.hash(password.expose()).await?;
    context
        .store
        .set_password(
            actor.tenant.id,
            user.id,
            &PasswordState::Initial(hash),
            None,
            None,
        )
        .await?;
    crate::audit::record(
        context,
        actor,
        nencho_identity::AuditAction::InitialPasswordIssued,
        user.login_id.to_string(),
        "",
    )
    .await?;
    Ok((user, password))
}

/// The user's current password, checked before a change that could lock them out or weaken the
/// account (2段階認証 on or off, new recovery codes).
pub(crate) async fn verify_current(
    context: &AppContext,
    user: &nencho_identity::User,
    password: &str,
) -> Result<(), AppError> {
    match user.password.hash() {
        Some(hash) if context.hasher.verify(password, hash).await? => Ok(()),
        _ => Err(AppError::WrongCurrentPassword),
    }
}
