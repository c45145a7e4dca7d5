//! The certificates' originals (控除証明書等の原本) on the pages: each certificate of the
//! checklist says whether the company has received it; a reviewer with ReturnFilings records a
//! paper original or the electronic data as received, or withdraws the record, from the
//! declaration's page (`POST /admin/filings/{id}/originals`).

use std::sync::Arc;

use nencho_app::AppError;
use nencho_app::filings::originals::record_original;
use nencho_filings::{NOT_RECEIVED, OriginalLine};
use nencho_kernel::{FilingId, format_japan_datetime};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::render::{message, plain_not_found, rejected_form};

/// Whether a certificate's original has arrived, as the checklist says it.
pub(super) struct OriginalView {
    /// The key the receipt forms post.
    pub key: String,
    /// `paper`, `electronic` or empty (not received): for the page's tests and styles.
    pub method: &'static str,
    /// 未受領, or 原本受領 (2026年11月26日 10:00 山田 太郎 (jimu)).
    pub text: String,
}

pub(super) fn original_view(line: &OriginalLine) -> OriginalView {
    OriginalView {
        key: line.expected.original_key(),
        method: line
            .receipt
            .as_ref()
            .map_or("", |receipt| receipt.method.code()),
        text: match &line.receipt {
            Some(receipt) => format!(
                "{} ({} {})",
                receipt.method.japanese_name(),
                format_japan_datetime(receipt.at),
                receipt.actor_name
            ),
            None => NOT_RECEIVED.to_owned(),
        },
    }
}

#[derive(Deserialize)]
pub struct ReceiptForm {
    csrf_token: String,
    key: String,
    /// `paper`, `electronic`, or `none` to withdraw the record (checked after the permission).
    method: String,
}

#[handler]
pub async fn record(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<ReceiptForm>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Ok(filing_id) = id.parse::<FilingId>() else {
        return plain_not_found();
    };
    let back = format!("/admin/filings/{filing_id}#attachments");
    match record_original(&services.app, &current, filing_id, &form.key, &form.method).await {
        Ok(()) => see_other(&back),
        Err(AppError::Refused(reason)) => message(
            site.layout().with_user(&current),
            StatusCode::CONFLICT,
            site.lang.words().error_title,
            &reason,
            &back,
            "申告書に戻る",
        ),
        Err(error) => failure(&site, &error).await,
    }
}
