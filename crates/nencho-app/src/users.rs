//! Administrators managing IDs (ID-3, ID-5).

use nencho_identity::{User, UserStatus};
use nencho_kernel::UserId;

use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

pub async fn list_users(context: &AppContext, actor: &CurrentUser) -> Result<Vec<User>, AppError> {
    if !actor.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    Ok(context.store.list_users(actor.tenant.id).await?)
}

/// Disable (lock) or enable an ID. A disabled ID cannot log in and its sessions end at once. No
/// one can disable their own ID (the tenant would risk having no administrator left).
pub async fn set_user_enabled(
    context: &AppContext,
    actor: &CurrentUser,
    target: UserId,
    enabled: bool,
) -> Result<User, AppError> {
    if !actor.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    if target == actor.user.id && !enabled {
        return Err(AppError::Invalid {
            field: "user",
            message: "you cannot disable your own ID".into(),
        });
    }
    let mut user = context
        .store
        .find_user(actor.tenant.id, target)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if enabled {
        UserStatus::Active
    } else {
        UserStatus::Disabled
    };
    context
        .store
        .set_user_status(actor.tenant.id, target, status)
        .await?;
    user.status = status;
    Ok(user)
}
