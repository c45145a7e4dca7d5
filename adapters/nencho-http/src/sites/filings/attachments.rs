//! The documents attached to a declaration (添付書類) on the pages: the checklist of what the
//! declaration calls for, the list with links, the upload and delete forms, and the downloads —
//! for the employee (`/filings/{year}/attachments…`), for staff entering a paper filing
//! (`/admin/employees/{id}/filings/{year}/attachments…`) and for reviewers
//! (`/admin/attachments/{id}`). A file is served as what its content is (PDF, JPEG, PNG —
//! checked when it was stored), inline, never cached, with `nosniff`.

use std::sync::Arc;

use nencho_app::AppError;
use nencho_app::filings::attachments::{
    AttachmentFile, NewAttachment, attach_own, attach_proxy, own_attachment, proxy_employee,
    remove_own, remove_proxy, reviewed_attachment,
};
use nencho_app::sign_in::CurrentUser;
use nencho_filings::{Attachment, AttachmentKind, MAX_ATTACHMENT_BYTES, OriginalLine};
use nencho_kernel::{AttachmentId, EmployeeId, TaxYear, format_japan_datetime};
use poem::http::{StatusCode, header};
use poem::web::{Data, Form, Multipart, Path};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;

use super::originals::{OriginalView, original_view};
use super::year_of;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::render::{inline_disposition, message, plain_not_found, rejected_form};
use crate::sites::upload::{UploadProblem, receive_upload};

/// One attached document as listed.
pub(super) struct AttachmentItem {
    pub id: String,
    pub kind: &'static str,
    pub file_name: String,
    pub size: String,
    pub uploaded_at: String,
    pub href: String,
    /// Where the delete form posts; `None` when the documents cannot change now.
    pub delete_action: Option<String>,
}

/// A document the declaration calls for, whether one of its kind is attached, and whether its
/// original has arrived.
pub(super) struct ChecklistItem {
    pub kind: &'static str,
    pub subject: String,
    pub provided: bool,
    pub original: OriginalView,
}

/// The attachments section of a page (the documents the declaration calls for are also where
/// their originals' receipts show: see [`original_view`]).
pub(super) struct AttachmentsView {
    pub items: Vec<AttachmentItem>,
    pub checklist: Vec<ChecklistItem>,
    /// Where the upload form posts; `None` when the documents cannot change now.
    pub upload_action: Option<String>,
    pub kinds: Vec<(&'static str, &'static str)>,
    /// Where the reviewer's receipt forms post; `None` for whoever may not record receipts.
    pub receipt_action: Option<String>,
}

/// `1.2MB`, `340KB`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1}MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

/// The section for `attachments` and the certificates of `originals`: documents link to
/// `href(id)`; with `changeable_base` (the declaration's base path) the page offers upload and
/// delete forms, with `receipt_action` the reviewer's receipt forms.
pub(super) fn attachments_view(
    attachments: &[Attachment],
    originals: &[OriginalLine],
    href: impl Fn(AttachmentId) -> String,
    changeable_base: Option<&str>,
    receipt_action: Option<String>,
) -> AttachmentsView {
    let items = attachments
        .iter()
        .map(|attachment| AttachmentItem {
            id: attachment.id.to_string(),
            kind: attachment.kind.japanese_name(),
            file_name: attachment.file_name.clone(),
            size: size_text(attachment.size),
            uploaded_at: format_japan_datetime(attachment.uploaded_at),
            href: href(attachment.id),
            delete_action: changeable_base
                .map(|base| format!("{base}/attachments/{}/delete", attachment.id)),
        })
        .collect();
    // The n-th expected document of a kind is provided when n documents of it are attached.
    let mut seen = std::collections::HashMap::<AttachmentKind, usize>::new();
    let checklist = originals
        .iter()
        .map(|line| {
            let wanted = &line.expected;
            let position = seen.entry(wanted.kind).or_default();
            *position += 1;
            let attached = attachments
                .iter()
                .filter(|attachment| attachment.kind == wanted.kind)
                .count();
            ChecklistItem {
                kind: wanted.kind.japanese_name(),
                subject: wanted.subject.clone(),
                provided: attached >= *position,
                original: original_view(line),
            }
        })
        .collect();
    AttachmentsView {
        items,
        checklist,
        upload_action: changeable_base.map(|base| format!("{base}/attachments")),
        kinds: AttachmentKind::ALL
            .into_iter()
            .map(|kind| (kind.code(), kind.japanese_name()))
            .collect(),
        receipt_action,
    }
}

/// The file as the response: its own content type, inline, never cached.
fn served((attachment, content): AttachmentFile) -> Response {
    content
        .with_content_type(attachment.format.content_type())
        .with_header(
            header::CONTENT_DISPOSITION,
            inline_disposition(
                &attachment.file_name,
                &format!("attachment.{}", attachment.format.extension()),
            ),
        )
        .with_header(header::CACHE_CONTROL, "private, no-store")
        .with_header("X-Content-Type-Options", "nosniff")
        .into_response()
}

/// Whose declaration: the actor's own, or an employee's for staff.
#[derive(Clone, Copy)]
enum Owner {
    Own,
    Employee(EmployeeId),
}

impl Owner {
    fn base(self, year: TaxYear) -> String {
        match self {
            Owner::Own => format!("/filings/{}", year.year()),
            Owner::Employee(employee) => {
                format!("/admin/employees/{employee}/filings/{}", year.year())
            }
        }
    }
}

/// A refusal the user can act on (wrong file, too large …): its message, and the way back.
fn explained(
    site: &Site<'_>,
    current: &CurrentUser,
    status: StatusCode,
    body: &str,
    back: &str,
) -> Response {
    message(
        site.layout().with_user(current),
        status,
        "添付書類",
        body,
        back,
        "申告内容の確認に戻る",
    )
}

async fn upload(
    request: &Request,
    services: &Arc<HttpServices>,
    owner: Owner,
    year: &str,
    mut multipart: Multipart,
) -> Response {
    let (site, current) = match Site::enter(request, services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some(year) = year_of(year) else {
        return plain_not_found();
    };
    if let Owner::Employee(employee) = owner
        && let Err(error) = proxy_employee(&services.app, &current, employee).await
    {
        return failure(&site, &error).await;
    }
    let back = format!("{}/review", owner.base(year));
    let limit = u64::try_from(MAX_ATTACHMENT_BYTES).unwrap_or(u64::MAX);
    let posted = match receive_upload(&site, &mut multipart, "file", limit).await {
        Ok(posted) => posted,
        Err(UploadProblem::Forged) => return rejected_form(site.layout().with_user(&current)),
        Err(UploadProblem::TooLarge) => {
            return explained(
                &site,
                &current,
                StatusCode::PAYLOAD_TOO_LARGE,
                &nencho_filings::AttachmentError::TooLarge.to_string(),
                &back,
            );
        }
        Err(UploadProblem::Broken(error)) => {
            tracing::warn!(%error, "an attachment upload could not be read");
            return explained(
                &site,
                &current,
                StatusCode::BAD_REQUEST,
                "ファイルを読み取れませんでした。もう一度選んでください。",
                &back,
            );
        }
    };
    let Some(kind) = AttachmentKind::from_code(posted.field("kind")) else {
        return explained(
            &site,
            &current,
            StatusCode::UNPROCESSABLE_ENTITY,
            "書類の種類を選んでください。",
            &back,
        );
    };
    let new = NewAttachment {
        kind,
        file_name: posted.file_name.clone(),
        content: posted.file,
    };
    let stored = match owner {
        Owner::Own => attach_own(&services.app, &current, year, new).await,
        Owner::Employee(employee) => {
            attach_proxy(&services.app, &current, employee, year, new).await
        }
    };
    match stored {
        Ok(_) => see_other(&format!("{back}?notice=attached#attachments")),
        Err(AppError::Invalid { message, .. }) => explained(
            &site,
            &current,
            StatusCode::UNPROCESSABLE_ENTITY,
            &message,
            &back,
        ),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    csrf_token: String,
}

async fn delete(
    request: &Request,
    services: &Arc<HttpServices>,
    owner: Owner,
    year: &str,
    id: &str,
    form: DeleteForm,
) -> Response {
    let (site, current) = match Site::enter(request, services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let (Some(year), Ok(attachment)) = (year_of(year), id.parse::<AttachmentId>()) else {
        return plain_not_found();
    };
    let removed = match owner {
        Owner::Own => remove_own(&services.app, &current, year, attachment).await,
        Owner::Employee(employee) => {
            remove_proxy(&services.app, &current, employee, year, attachment).await
        }
    };
    match removed {
        Ok(()) => see_other(&format!(
            "{}/review?notice=detached#attachments",
            owner.base(year)
        )),
        Err(error) => failure(&site, &error).await,
    }
}

/// `POST /filings/{year}/attachments`.
#[handler]
pub async fn own_upload(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
    multipart: Multipart,
) -> Response {
    upload(request, &services, Owner::Own, &year, multipart).await
}

/// `POST /admin/employees/{id}/filings/{year}/attachments`.
#[handler]
pub async fn proxy_upload(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year)): Path<(String, String)>,
    multipart: Multipart,
) -> Response {
    let Ok(employee) = employee.parse::<EmployeeId>() else {
        return plain_not_found();
    };
    upload(
        request,
        &services,
        Owner::Employee(employee),
        &year,
        multipart,
    )
    .await
}

/// `POST /filings/{year}/attachments/{id}/delete`.
#[handler]
pub async fn own_delete(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((year, id)): Path<(String, String)>,
    Form(form): Form<DeleteForm>,
) -> Response {
    delete(request, &services, Owner::Own, &year, &id, form).await
}

/// `POST /admin/employees/{id}/filings/{year}/attachments/{attachment}/delete`.
#[handler]
pub async fn proxy_delete(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year, id)): Path<(String, String, String)>,
    Form(form): Form<DeleteForm>,
) -> Response {
    let Ok(employee) = employee.parse::<EmployeeId>() else {
        return plain_not_found();
    };
    delete(
        request,
        &services,
        Owner::Employee(employee),
        &year,
        &id,
        form,
    )
    .await
}

/// `GET /filings/{year}/attachments/{id}`: one of the employee's own documents.
#[handler]
pub async fn own_download(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((year, id)): Path<(String, String)>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let (Some(year), Ok(attachment)) = (year_of(&year), id.parse::<AttachmentId>()) else {
        return plain_not_found();
    };
    match own_attachment(&services.app, &current, year, attachment).await {
        Ok(file) => served(file),
        Err(error) => failure(&site, &error).await,
    }
}

/// `GET /admin/attachments/{id}`: a document for a reviewer of its declaration.
#[handler]
pub async fn staff_download(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(attachment) = id.parse::<AttachmentId>() else {
        return plain_not_found();
    };
    match reviewed_attachment(&services.app, &current, attachment).await {
        Ok(file) => served(file),
        Err(error) => failure(&site, &error).await,
    }
}
