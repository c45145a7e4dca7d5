//! Administrators managing IDs (ID-3, ID-5).

use nencho_identity::{User, UserStatus};
use nencho_kernel::UserId;

use nencho_identity::AuditAction;

use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError, audit};

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
    // Enabling an enabled ID changes nothing, and records nothing.
    if user.status != status {
        let action = if enabled {
            AuditAction::UserEnabled
        } else {
            AuditAction::UserDisabled
        };
        audit::record(context, actor, action, user.login_id.to_string(), "").await?;
    }
    user.status = status;
    Ok(user)
}

/// Makes `target` an administrator (管理者) or a general user again (ID-4). Only ADMIN and
/// administrators may (`ManageUsers`). The ADMIN ID of the contract keeps its role forever and
/// nobody else can become ADMIN, so only General ⇄ Administrator changes are possible; an
/// administrator cannot demote themselves (the ADMIN always remains, so a tenant never loses
/// every manager). Sessions stay: the role is read from the store on every request, so the change
/// takes effect at the user's next request. Company roles the user holds are kept but give
/// nothing more while they are an administrator.
pub async fn set_tenant_role(
    context: &AppContext,
    actor: &CurrentUser,
    target: UserId,
    role: nencho_identity::Role,
) -> Result<User, AppError> {
    use nencho_identity::Role;
    crate::authorization::require(
        context,
        actor,
        nencho_identity::Permission::ManageUsers,
        None,
    )
    .await?;
    if role == Role::Admin {
        return Err(AppError::Invalid {
            field: "role",
            message: "only the contract's own ID is ADMIN".into(),
        });
    }
    let tenant = actor.tenant.id;
    let mut user = context
        .store
        .find_user(tenant, target)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.role == Role::Admin {
        return Err(AppError::Invalid {
            field: "user",
            message: "the ADMIN ID's role cannot be changed".into(),
        });
    }
    if target == actor.user.id && role != user.role {
        return Err(AppError::Invalid {
            field: "user",
            message: "you cannot change your own role".into(),
        });
    }
    if user.role != role {
        context.store.set_user_role(tenant, target, role).await?;
        audit::record(
            context,
            actor,
            AuditAction::TenantRoleChanged,
            user.login_id.to_string(),
            format!(
                "{} → {}",
                audit::role_name(user.role),
                audit::role_name(role)
            ),
        )
        .await?;
        user.role = role;
    }
    Ok(user)
}

/// One user's company roles, with the companies to choose from (`manage_users`).
pub struct UserRoles {
    pub user: User,
    pub assignments: Vec<nencho_identity::RoleAssignment>,
    pub companies: Vec<nencho_tenancy::Company>,
}

pub async fn user_roles(
    context: &AppContext,
    actor: &CurrentUser,
    user_id: UserId,
) -> Result<UserRoles, AppError> {
    crate::authorization::require(
        context,
        actor,
        nencho_identity::Permission::ManageUsers,
        None,
    )
    .await?;
    let tenant = actor.tenant.id;
    let user = context
        .store
        .find_user(tenant, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let assignments = context.store.roles_of(tenant, user_id).await?;
    let companies = context.store.list_companies(tenant).await?;
    Ok(UserRoles {
        user,
        assignments,
        companies,
    })
}

/// Gives `user_id` a limited role in one company (replacing any role it had there), optionally
/// narrowed to departments (ID-4). ADMIN and administrators need none: they may do everything.
pub async fn assign_company_role(
    context: &AppContext,
    actor: &CurrentUser,
    user_id: UserId,
    company_id: nencho_kernel::CompanyId,
    role: nencho_identity::CompanyRole,
    departments: Vec<String>,
) -> Result<(), AppError> {
    crate::authorization::require(
        context,
        actor,
        nencho_identity::Permission::ManageUsers,
        None,
    )
    .await?;
    let tenant = actor.tenant.id;
    let user = context
        .store
        .find_user(tenant, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.role.manages_users() {
        return Err(AppError::Invalid {
            field: "user",
            message: "ADMIN and administrators already have every power".into(),
        });
    }
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let departments: Vec<String> = departments
        .into_iter()
        .map(|department| department.trim().to_owned())
        .filter(|department| !department.is_empty())
        .collect();
    if departments
        .iter()
        .any(|department| department.chars().count() > 100 || department.contains('\u{1F}'))
    {
        return Err(AppError::Invalid {
            field: "departments",
            message: "a department name is too long or not printable".into(),
        });
    }
    let assignment = nencho_identity::RoleAssignment {
        user_id,
        company_id,
        role,
        departments,
    };
    context.store.assign_role(tenant, &assignment).await?;
    let scope = if assignment.departments.is_empty() {
        "全部門".to_owned()
    } else {
        assignment.departments.join("、")
    };
    audit::record(
        context,
        actor,
        AuditAction::CompanyRoleAssigned,
        user.login_id.to_string(),
        format!(
            "{}: {}({scope})",
            company.name.as_str(),
            audit::company_role_name(role)
        ),
    )
    .await?;
    Ok(())
}

pub async fn revoke_company_role(
    context: &AppContext,
    actor: &CurrentUser,
    user_id: UserId,
    company_id: nencho_kernel::CompanyId,
) -> Result<(), AppError> {
    crate::authorization::require(
        context,
        actor,
        nencho_identity::Permission::ManageUsers,
        None,
    )
    .await?;
    let tenant = actor.tenant.id;
    let held = context
        .store
        .roles_of(tenant, user_id)
        .await?
        .into_iter()
        .find(|assignment| assignment.company_id == company_id);
    context
        .store
        .revoke_role(tenant, user_id, company_id)
        .await?;
    // Revoking a role nobody holds changes nothing, and records nothing.
    if let Some(held) = held {
        let user = context.store.find_user(tenant, user_id).await?;
        let company = context.store.find_company(tenant, company_id).await?;
        audit::record(
            context,
            actor,
            AuditAction::CompanyRoleRevoked,
            user.map(|user| user.login_id.to_string())
                .unwrap_or_default(),
            format!(
                "{}: {}",
                company
                    .map(|company| company.name.as_str().to_owned())
                    .unwrap_or_default(),
                audit::company_role_name(held.role)
            ),
        )
        .await?;
    }
    Ok(())
}
