//! Documents attached to a declaration (添付書類): the employee (or staff entering a paper
//! filing) attaches photos or PDFs of the 控除証明書 and the other papers the forms call for;
//! reviewers open them beside the declared amounts. Attaching and removing follow the same rule
//! as saving a step: the employee while they may change the declaration (not once it is
//! submitted or approved, nor outside the periods), staff with EditFilings until it is
//! approved. Reading follows viewing the declaration.

use nencho_filings::{
    Actor, Attachment, AttachmentKind, EditScope, FieldChange, Filing, FilingAction, FilingStatus,
    ValueChange, check_attachment, clean_file_name,
};
use nencho_identity::Permission;
use nencho_kernel::{AttachmentId, EmployeeId, TaxYear};
use nencho_tenancy::Employee;

use super::own::own_filing;
use super::review::filing_in_scope;
use super::{Change, actor_name, filing_or_new, persist, require_for_employee};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// A file as it was uploaded.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub kind: AttachmentKind,
    /// The name the browser sent (cleaned before it is kept).
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A stored document with its content, for download.
pub type AttachmentFile = (Attachment, Vec<u8>);

/// The documents of a declaration (none before it is first stored).
pub(crate) async fn attachments_of(
    context: &AppContext,
    filing: &Filing,
) -> Result<Vec<Attachment>, AppError> {
    if filing.version == 0 {
        return Ok(Vec::new());
    }
    Ok(context
        .store
        .list_attachments(filing.tenant_id, filing.id)
        .await?)
}

fn not_while(status: FilingStatus) -> Option<AppError> {
    match status {
        FilingStatus::Approved => Some(AppError::Refused(
            "承認済みの申告書には書類を追加・削除できません。".into(),
        )),
        FilingStatus::Excluded => Some(AppError::Refused(
            "年末調整の対象外の申告書には書類を追加・削除できません。".into(),
        )),
        _ => None,
    }
}

/// The employee's own declaration, if they may change its documents now.
async fn own_changeable(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
) -> Result<Filing, AppError> {
    let own = own_filing(context, actor, tax_year).await?;
    if own.scope == EditScope::ViewOnly {
        return Err(AppError::Refused(
            "申告の受付期間外のため、書類を追加・削除できません。".into(),
        ));
    }
    if let Some(refused) = not_while(own.filing.status) {
        return Err(refused);
    }
    if own.filing.status == FilingStatus::Submitted {
        return Err(AppError::Refused(
            "提出済みです。書類を追加・削除するには、提出を取り下げてください。".into(),
        ));
    }
    Ok(own.filing)
}

/// The employee's declaration for staff entering it (EditFilings in scope), if its documents
/// may change.
async fn proxy_changeable(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
    tax_year: TaxYear,
) -> Result<(Filing, Employee), AppError> {
    let employee = proxy_employee(context, actor, employee_id).await?;
    let filing = filing_or_new(context, &employee, tax_year).await?;
    if let Some(refused) = not_while(filing.status) {
        return Err(refused);
    }
    Ok((filing, employee))
}

/// The employee whose declaration the actor enters by proxy: EditFilings over them (company and
/// departments). The web adapter asks this before it reads an uploaded file, so a role without
/// the permission is refused without the server reading its upload.
pub async fn proxy_employee(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
) -> Result<Employee, AppError> {
    let employee = context
        .store
        .find_employee(actor.tenant.id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_for_employee(context, actor, Permission::EditFilings, &employee).await?;
    Ok(employee)
}

/// Stores `new` on `filing`, saving the declaration first when it was never stored (the
/// document as it is: attaching starts the entry like saving a step does).
async fn attach(
    context: &AppContext,
    actor: &CurrentUser,
    filing: Filing,
    actor_kind: Actor,
    new: NewAttachment,
) -> Result<Attachment, AppError> {
    let existing = attachments_of(context, &filing).await?;
    let format =
        check_attachment(&new.content, existing.len()).map_err(|error| AppError::Invalid {
            field: "file",
            message: error.to_string(),
        })?;
    let filing = if filing.version == 0 {
        persist(
            context,
            actor,
            Change {
                document: Some(filing.document.clone()),
                filing: &filing,
                expected_version: 0,
                action: FilingAction::Save,
                actor_kind,
                mail: None,
            },
        )
        .await?
    } else {
        filing
    };
    let attachment = Attachment {
        id: AttachmentId::generate(context.clock.as_ref()),
        tenant_id: filing.tenant_id,
        filing_id: filing.id,
        kind: new.kind,
        file_name: clean_file_name(&new.file_name, format),
        format,
        size: new.content.len() as u64,
        uploaded_by: actor.user.id,
        uploaded_at: context.clock.now(),
    };
    let change = history_line(context, actor, attachment.history_change(true));
    context
        .store
        .insert_attachment(filing.tenant_id, &attachment, &new.content, &change)
        .await?;
    Ok(attachment)
}

/// `change` as the history keeps it: by the actor, now.
fn history_line(context: &AppContext, actor: &CurrentUser, change: ValueChange) -> FieldChange {
    FieldChange {
        at: context.clock.now(),
        actor: actor.user.id,
        actor_name: actor_name(actor),
        change,
    }
}

/// Removes a document of `filing`; [`AppError::NotFound`] when it is not one of its documents.
async fn remove(
    context: &AppContext,
    actor: &CurrentUser,
    filing: &Filing,
    attachment_id: AttachmentId,
) -> Result<(), AppError> {
    let removed = attachments_of(context, filing)
        .await?
        .into_iter()
        .find(|attachment| attachment.id == attachment_id)
        .ok_or(AppError::NotFound)?;
    let change = history_line(context, actor, removed.history_change(false));
    context
        .store
        .delete_attachment(filing.tenant_id, attachment_id, &change)
        .await?;
    Ok(())
}

/// The employee attaches a document to their own declaration.
pub async fn attach_own(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    new: NewAttachment,
) -> Result<Attachment, AppError> {
    let filing = own_changeable(context, actor, tax_year).await?;
    attach(context, actor, filing, Actor::Employee, new).await
}

/// The employee removes a document of their own declaration.
pub async fn remove_own(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    attachment_id: AttachmentId,
) -> Result<(), AppError> {
    let filing = own_changeable(context, actor, tax_year).await?;
    remove(context, actor, &filing, attachment_id).await
}

/// Staff attach a document to an employee's declaration (代理入力).
pub async fn attach_proxy(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
    tax_year: TaxYear,
    new: NewAttachment,
) -> Result<Attachment, AppError> {
    let (filing, _) = proxy_changeable(context, actor, employee_id, tax_year).await?;
    attach(context, actor, filing, Actor::Staff, new).await
}

/// Staff remove a document of an employee's declaration (代理入力).
pub async fn remove_proxy(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
    tax_year: TaxYear,
    attachment_id: AttachmentId,
) -> Result<(), AppError> {
    let (filing, _) = proxy_changeable(context, actor, employee_id, tax_year).await?;
    remove(context, actor, &filing, attachment_id).await
}

/// One document of the employee's own declaration, whatever its status.
pub async fn own_attachment(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    attachment_id: AttachmentId,
) -> Result<AttachmentFile, AppError> {
    let tenant = actor.tenant.id;
    let employee = context
        .store
        .find_employee_by_user(tenant, actor.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let filing = context
        .store
        .find_filing_of(tenant, employee.id, tax_year)
        .await?
        .ok_or(AppError::NotFound)?;
    context
        .store
        .attachment_content(tenant, attachment_id)
        .await?
        .filter(|(attachment, _)| attachment.filing_id == filing.id)
        .ok_or(AppError::NotFound)
}

/// One document for a reviewer: ViewFilings over the employee of its declaration (company and
/// departments); another company's or tenant's document is not found.
pub async fn reviewed_attachment(
    context: &AppContext,
    actor: &CurrentUser,
    attachment_id: AttachmentId,
) -> Result<AttachmentFile, AppError> {
    let tenant = actor.tenant.id;
    let (attachment, content) = context
        .store
        .attachment_content(tenant, attachment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    filing_in_scope(
        context,
        actor,
        Permission::ViewFilings,
        attachment.filing_id,
    )
    .await?;
    Ok((attachment, content))
}
