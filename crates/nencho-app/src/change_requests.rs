//! 登録内容の変更届: an employee asks for their name or address on record to be corrected (the
//! declarations print them from the record); ADMIN and administrators (`ManageEmployees` in the
//! company) apply the request to the record or decline it with a comment, and the employee is
//! told by mail.

use nencho_identity::{AuditAction, Permission};
use nencho_kernel::{ChangeRequestId, CompanyId};
use nencho_ports::ChangeDecision;
use nencho_tenancy::{
    ChangeRequest, ChangeStatus, Employee, MasterChange, MasterChangeError, MasterChangeForm,
};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError, audit, mail};

/// One's own record and requests, newest first.
#[derive(Debug, Clone)]
pub struct OwnRecord {
    pub employee: Employee,
    pub requests: Vec<ChangeRequest>,
}

async fn own_employee(context: &AppContext, current: &CurrentUser) -> Result<Employee, AppError> {
    context
        .store
        .find_employee_by_user(current.tenant.id, current.user.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The user's own employee record ([`AppError::NotFound`] for an ID without one).
pub async fn own_record(
    context: &AppContext,
    current: &CurrentUser,
) -> Result<OwnRecord, AppError> {
    let employee = own_employee(context, current).await?;
    let requests = context
        .store
        .change_requests_of(current.tenant.id, employee.id, 20)
        .await?;
    Ok(OwnRecord { employee, requests })
}

/// Sends (or replaces) the user's pending request; the form's errors come back by field, and a
/// form that changes nothing is refused.
pub async fn request_change(
    context: &AppContext,
    current: &CurrentUser,
    form: &MasterChangeForm,
) -> Result<Result<ChangeRequest, Vec<MasterChangeError>>, AppError> {
    let employee = own_employee(context, current).await?;
    let change = match MasterChange::parse(form) {
        Ok(change) => change,
        Err(errors) => return Ok(Err(errors)),
    };
    if change.differences(&employee).is_empty() {
        return Ok(Err(vec![MasterChangeError {
            field: "form",
            message: "登録内容から変わっていません。",
        }]));
    }
    let request = ChangeRequest {
        id: ChangeRequestId::generate(context.clock.as_ref()),
        tenant_id: current.tenant.id,
        company_id: employee.company_id,
        employee_id: employee.id,
        requested_at: context.clock.now(),
        requested_by: current.user.id,
        change,
        status: ChangeStatus::Pending,
        decided_at: None,
        decided_by_name: None,
        comment: String::new(),
    };
    context.store.insert_change_request(&request).await?;
    notify_administrators(context, current, &employee).await?;
    Ok(Ok(request))
}

/// Mails every active ADMIN and 管理者 with an address (those who decide requests), but the
/// sender, that a request waits.
async fn notify_administrators(
    context: &AppContext,
    current: &CurrentUser,
    employee: &Employee,
) -> Result<(), AppError> {
    let tenant = &current.tenant;
    let who = format!("社員番号 {} {}", employee.number, employee.name.full());
    for user in context.store.list_administrators(tenant.id).await? {
        let decides = user.role.manages_users() && user.can_log_in() && user.id != current.user.id;
        if let (true, Some(to)) = (decides, &user.email) {
            let message = mail::change_request_received(
                context,
                tenant,
                user.display_name.as_str(),
                to,
                &who,
                employee.company_id,
            );
            context.store.enqueue_mail(&message).await?;
        }
    }
    Ok(())
}

/// A pending request with the record it would change.
#[derive(Debug, Clone)]
pub struct PendingChange {
    pub request: ChangeRequest,
    pub employee: Employee,
}

/// How many of the company's requests wait for a decision (`ManageEmployees` there), for the
/// employee list's link.
pub async fn pending_count(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<usize, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    Ok(context
        .store
        .pending_change_requests(actor.tenant.id, company_id)
        .await?
        .len())
}

/// The company's pending requests, oldest first.
pub async fn pending_changes(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<Vec<PendingChange>, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    let tenant = actor.tenant.id;
    let mut pending = Vec::new();
    for request in context
        .store
        .pending_change_requests(tenant, company_id)
        .await?
    {
        if let Some(employee) = context
            .store
            .find_employee(tenant, request.employee_id)
            .await?
        {
            pending.push(PendingChange { request, employee });
        }
    }
    Ok(pending)
}

/// Applies (`Some(true)`) a pending request to the record, or declines it (`Some(false)`) with
/// `comment` (at most 500 characters); the employee is mailed either way. `None` (a form that
/// says neither) is [`AppError::Invalid`] once the permission is checked; [`AppError::Conflict`]
/// when the request was decided already.
pub async fn decide_change(
    context: &AppContext,
    actor: &CurrentUser,
    id: ChangeRequestId,
    apply: Option<bool>,
    comment: &str,
) -> Result<ChangeRequest, AppError> {
    // Who may decide none at all hears so before whether the request exists.
    require(context, actor, Permission::ManageEmployees, None).await?;
    let tenant = &actor.tenant;
    let request = context
        .store
        .find_change_request(tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(request.company_id),
    )
    .await?;
    let apply = apply.ok_or(AppError::Invalid {
        field: "action",
        message: "apply or decline".into(),
    })?;
    let comment = comment.trim();
    if comment.chars().count() > 500 {
        return Err(AppError::Invalid {
            field: "comment",
            message: "at most 500 characters".into(),
        });
    }
    let employee = context
        .store
        .find_employee(tenant.id, request.employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = context.clock.now();
    let differences = request.change.differences(&employee);
    let updated = apply.then(|| request.change.apply_to(&employee, now));
    let status = if apply {
        ChangeStatus::Applied
    } else {
        ChangeStatus::Declined
    };
    context
        .store
        .decide_change_request(
            tenant.id,
            id,
            &ChangeDecision {
                status,
                at: now,
                by: actor.user.id,
                by_name: actor.user.display_name.as_str().to_owned(),
                comment: comment.to_owned(),
            },
            updated.as_ref(),
        )
        .await?;
    let detail = differences
        .iter()
        .map(|(label, before, after)| format!("{label}: {before} → {after}"))
        .collect::<Vec<_>>()
        .join("\n");
    audit::record(
        context,
        actor,
        if apply {
            AuditAction::ChangeRequestApplied
        } else {
            AuditAction::ChangeRequestDeclined
        },
        format!("{} {}", employee.number, employee.name.full()),
        detail,
    )
    .await?;
    // Mail to the employee goes to the record's address, as every declaration mail does.
    if let Some(to) = &employee.email {
        let name = updated.as_ref().unwrap_or(&employee).name.full();
        let message = mail::change_request_decided(context, tenant, &name, to, apply, comment);
        context.store.enqueue_mail(&message).await?;
    }
    Ok(ChangeRequest {
        status,
        decided_at: Some(now),
        decided_by_name: Some(actor.user.display_name.as_str().to_owned()),
        comment: comment.to_owned(),
        ..request
    })
}
