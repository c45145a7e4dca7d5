//! The user's own account: e-mail address (registered and confirmed by a link) and login history.

use nencho_identity::{LoginAttempt, OneTimeToken, SecretToken, TokenPurpose};
use nencho_kernel::EmailAddress;
use nencho_tenancy::Tenant;

use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError, mail};

/// Mails a confirmation link to the new address; the address is set only when the link is
/// opened, so a typo never locks the user out of password resets.
pub async fn request_email_change(
    context: &AppContext,
    current: &CurrentUser,
    new_address: &str,
) -> Result<EmailAddress, AppError> {
    let address = EmailAddress::parse(new_address).map_err(|e| AppError::Invalid {
        field: "email",
        message: e.to_string(),
    })?;
    let secret = context.new_token();
    let token = OneTimeToken::issue(
        &secret,
        current.tenant.id,
        current.user.id,
        TokenPurpose::EmailConfirmation,
        Some(address.clone()),
        context.clock.now(),
    );
    let link = format!(
        "{}/email/confirm/{}",
        context.site.site_url(&current.tenant.slug),
        secret.expose()
    );
    let mail = mail::email_confirmation_link(
        context,
        &current.tenant,
        &current.user,
        &address,
        &link,
        token.expires_at,
    );
    context.store.issue_token(&token, &mail).await?;
    Ok(address)
}

pub async fn confirm_email_change(
    context: &AppContext,
    tenant: &Tenant,
    token: &str,
) -> Result<EmailAddress, AppError> {
    let secret = SecretToken::parse(token).ok_or(AppError::InvalidLink)?;
    let stored = context
        .store
        .find_token(tenant.id, &secret.hash())
        .await?
        .ok_or(AppError::InvalidLink)?;
    let now = context.clock.now();
    if !stored.is_usable(TokenPurpose::EmailConfirmation, now) {
        return Err(AppError::InvalidLink);
    }
    let address = stored.email.clone().ok_or(AppError::InvalidLink)?;
    context
        .store
        .redeem_email_confirmation(&stored, now)
        .await
        .map_err(|error| match error {
            nencho_ports::StoreError::Conflict(_) => AppError::InvalidLink,
            other => AppError::from(other),
        })?;
    Ok(address)
}

/// LOG-3: the user's own attempts, newest first.
pub async fn login_history(
    context: &AppContext,
    current: &CurrentUser,
    limit: u32,
) -> Result<Vec<LoginAttempt>, AppError> {
    Ok(context
        .store
        .list_login_attempts(current.tenant.id, current.user.id, limit)
        .await?)
}

/// Ends every other session of the user's own ID, e.g. after spotting an unknown login in the
/// history (LOG-3): a browser left logged in elsewhere is logged out at its next request.
pub async fn end_other_sessions(
    context: &AppContext,
    current: &CurrentUser,
) -> Result<(), AppError> {
    Ok(context
        .store
        .end_other_sessions(current.tenant.id, current.user.id, &current.session)
        .await?)
}
