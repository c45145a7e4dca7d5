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

/// Staff: ADMIN, 管理者, or anyone holding a company role (承認者, 担当者, 参照者) — the IDs that
/// see other people's data, which the contract may make use 2段階認証.
pub async fn is_staff(
    context: &AppContext,
    tenant_id: nencho_kernel::TenantId,
    user: &nencho_identity::User,
) -> Result<bool, AppError> {
    Ok(user.role.manages_users() || !context.store.roles_of(tenant_id, user.id).await?.is_empty())
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
    if reaches(&grants, permission, company) {
        Ok(grants)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether `grants` give `permission` in `company` (any department of it), or, for `None`,
/// anywhere at all: the check of [`require`], for grants already loaded.
pub fn reaches(grants: &Grants, permission: Permission, company: Option<CompanyId>) -> bool {
    match (grants.scope(permission), company) {
        (Scope::Tenant, _) => true,
        (Scope::Companies(companies), Some(company)) => {
            companies.iter().any(|(id, _)| *id == company)
        }
        (Scope::Companies(_), None) => true,
        (Scope::Nothing, _) => false,
    }
}

/// The departments a role narrowed to departments may see in `company`; empty = all of them.
pub fn scoped_departments(
    grants: &Grants,
    permission: Permission,
    company: CompanyId,
) -> Vec<String> {
    match grants.scope(permission) {
        Scope::Companies(companies) => companies
            .into_iter()
            .filter(|(id, _)| *id == company)
            .flat_map(|(_, departments)| departments)
            .collect(),
        Scope::Tenant | Scope::Nothing => Vec::new(),
    }
}

/// The department a list may show: the asked one if the scope allows it, else the scope's first
/// department for a role narrowed to departments; [`AppError::Forbidden`] for an asked department
/// outside the scope.
pub fn list_department(
    grants: &Grants,
    permission: Permission,
    company: CompanyId,
    asked: Option<&str>,
) -> Result<Option<String>, AppError> {
    let departments = scoped_departments(grants, permission, company);
    match (asked, departments.first()) {
        (asked, None) => Ok(asked.map(str::to_owned)),
        (Some(asked), Some(_)) if departments.iter().any(|department| department == asked) => {
            Ok(Some(asked.to_owned()))
        }
        (None, Some(first)) => Ok(Some(first.clone())),
        (Some(_), Some(_)) => Err(AppError::Forbidden),
    }
}
