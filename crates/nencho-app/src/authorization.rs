//! The one check every use case makes: the actor's grants (tenant role plus per-company roles,
//! loaded from the store) allow exactly one permission, in the company concerned.

use nencho_identity::{Grants, Permission, Scope};
use nencho_kernel::CompanyId;

use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

pub async fn grants_of(context: &AppContext, actor: &CurrentUser) -> Result<Grants, AppError> {
    let assignments = if actor.user.role.manages_users() {
        Vec::new()
    } else {
        context
            .store
            .roles_of(actor.tenant.id, actor.user.id)
            .await?
    };
    Ok(Grants {
        role: actor.user.role,
        assignments,
    })
}

/// `Ok` with the grants when `permission` reaches `company` (or, for `None`, anywhere at all);
/// [`AppError::Forbidden`] otherwise.
pub async fn require(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
    company: Option<CompanyId>,
) -> Result<Grants, AppError> {
    let grants = grants_of(context, actor).await?;
    let allowed = match company {
        Some(company) => {
            matches!(grants.scope(permission), Scope::Tenant)
                || matches!(grants.scope(permission), Scope::Companies(companies) if companies.iter().any(|(id, _)| *id == company))
        }
        None => !matches!(grants.scope(permission), Scope::Nothing),
    };
    if allowed {
        Ok(grants)
    } else {
        Err(AppError::Forbidden)
    }
}
