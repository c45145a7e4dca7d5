//! 操作ログ: each administrative use case records what it did once it has done it, and ADMIN and
//! administrators read the log back (`ViewAuditLog`), newest first.

use nencho_identity::{AuditAction, AuditEntry, AuditRecord, CompanyRole, Permission, Role};

use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Entries on one page of the log.
pub const PAGE: u32 = 100;

/// Records `action` by `actor` on `target`, with what changed in `detail` (Japanese).
pub(crate) async fn record(
    context: &AppContext,
    actor: &CurrentUser,
    action: AuditAction,
    target: impl Into<String>,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    context
        .store
        .record_audit(&entry(context, actor, action, target, detail))
        .await?;
    Ok(())
}

/// The entry [`record`] writes, for a use case that writes it in its own transaction.
pub(crate) fn entry(
    context: &AppContext,
    actor: &CurrentUser,
    action: AuditAction,
    target: impl Into<String>,
    detail: impl Into<String>,
) -> AuditEntry {
    AuditEntry {
        tenant_id: actor.tenant.id,
        at: context.clock.now(),
        actor_id: actor.user.id,
        actor_login_id: actor.user.login_id.to_string(),
        actor_name: actor.user.display_name.as_str().to_owned(),
        action,
        target: target.into(),
        detail: detail.into(),
    }
}

/// One page of the log, newest first, and the id to ask for the next (older) page with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    pub next: Option<i64>,
}

/// One page of the log (of one action, when `action` is given).
pub async fn audit_log(
    context: &AppContext,
    actor: &CurrentUser,
    action: Option<AuditAction>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    crate::authorization::require(context, actor, Permission::ViewAuditLog, None).await?;
    let mut records = context
        .store
        .audit_records(actor.tenant.id, action, before, PAGE + 1)
        .await?;
    let next = if records.len() > PAGE as usize {
        records.truncate(PAGE as usize);
        records.last().map(|record| record.id)
    } else {
        None
    };
    Ok(AuditPage { records, next })
}

/// The tenant role's name as the pages show it.
pub(crate) const fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "ADMIN",
        Role::Administrator => "管理者",
        Role::General => "一般ユーザー",
    }
}

pub(crate) const fn company_role_name(role: CompanyRole) -> &'static str {
    match role {
        CompanyRole::Approver => "承認者",
        CompanyRole::Clerk => "担当者",
        CompanyRole::Viewer => "参照者",
    }
}
