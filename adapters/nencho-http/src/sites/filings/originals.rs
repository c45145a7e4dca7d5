//! The certificates' originals (控除証明書等の原本) on the pages: each certificate of the
//! checklist says whether the company has received it; a reviewer with ReturnFilings records a
//! paper original or the electronic data as received, or withdraws the record, from the
//! declaration's page (`POST /admin/filings/{id}/originals`), or many at once on the intake
//! page (原本の受付, `/admin/companies/{id}/filings/{year}/originals`).

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::filings::originals::{intake, record_original, record_originals};
use nencho_filings::{NOT_RECEIVED, OriginalLine};
use nencho_kernel::{FilingId, format_japan_datetime};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::staff::{company_and_year, urlencode};
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{message, page, plain_not_found, rejected_form};

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

struct MissingItem {
    /// `{filing id}:{key}`, what the checkbox posts.
    value: String,
    kind: &'static str,
    subject: String,
}

struct AwaitingRowView {
    number: String,
    name: String,
    department: String,
    status: &'static str,
    review_link: String,
    missing: Vec<MissingItem>,
}

#[derive(Template)]
#[template(path = "site/filing_originals.html")]
struct IntakePage {
    layout: Layout,
    company_name: String,
    year_label: String,
    dashboard: String,
    intake: String,
    search: String,
    rows: Vec<AwaitingRowView>,
    next_after: Option<String>,
}

#[derive(Deserialize)]
pub struct IntakeQuery {
    q: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

/// 原本の受付: the declarations waiting for certificates, with a checkbox per missing one.
#[handler]
pub async fn intake_page(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<IntakeQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let found = intake(
        &services.app,
        &current,
        company_id,
        tax_year,
        query.q.clone(),
        query.after.clone(),
    )
    .await;
    let found = match found {
        Ok(found) => found,
        Err(error) => return failure(&site, &error).await,
    };
    let mut layout = site.layout().with_user(&current);
    if let Some(notice) = query.notice.filter(|notice| !notice.is_empty()) {
        layout = layout.with_notice(notice);
    }
    let dashboard = format!("/admin/companies/{company_id}/filings/{}", tax_year.year());
    page(
        &IntakePage {
            layout,
            company_name: found.company.name.as_str().to_owned(),
            year_label: format!("令和{}年分", tax_year.reiwa()),
            intake: format!("{dashboard}/originals"),
            dashboard,
            search: query.q.unwrap_or_default(),
            rows: found
                .rows
                .iter()
                .map(|row| AwaitingRowView {
                    number: row.employee.number.to_string(),
                    name: row.employee.name.full(),
                    department: row.employee.department.clone().unwrap_or_default(),
                    status: row.filing.status.japanese_name(),
                    review_link: format!("/admin/filings/{}", row.filing.id),
                    missing: row
                        .missing
                        .iter()
                        .map(|wanted| MissingItem {
                            value: format!("{}:{}", row.filing.id, wanted.original_key()),
                            kind: wanted.kind.japanese_name(),
                            subject: wanted.subject.clone(),
                        })
                        .collect(),
                })
                .collect(),
            next_after: found.next.map(|next| next.as_str().to_owned()),
        },
        StatusCode::OK,
    )
}

/// Records the certificates checked on the intake page (`receipt`, repeated) as received by
/// `method`, then shows the page again with what was recorded and what was skipped.
#[handler]
pub async fn intake_record(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let field = |wanted: &str| super::form_field(&fields, wanted);
    if !site.csrf_ok(field("csrf_token")) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let intake_path = format!(
        "/admin/companies/{company_id}/filings/{}/originals",
        tax_year.year()
    );
    // A selection that does not read is passed on as no declaration at all: the use case
    // checks the permission first, then refuses the empty or malformed selection.
    let mut selected = Vec::new();
    let mut malformed = false;
    for (_, value) in fields.iter().filter(|(name, _)| name == "receipt") {
        match value
            .split_once(':')
            .and_then(|(id, key)| Some((id.parse::<FilingId>().ok()?, key.to_owned())))
        {
            Some(one) => selected.push(one),
            None => malformed = true,
        }
    }
    if malformed {
        selected.clear();
    }
    let outcome = record_originals(
        &services.app,
        &current,
        company_id,
        tax_year,
        selected,
        field("method"),
    )
    .await;
    match outcome {
        Ok(outcome) => {
            let mut notice = format!("{}件の書類を受領として記録しました。", outcome.recorded);
            if !outcome.skipped.is_empty() {
                notice.push_str(&format!(
                    "記録しなかった書類: {}",
                    outcome.skipped.join(" / ")
                ));
            }
            see_other(&format!("{intake_path}?notice={}", urlencode(&notice)))
        }
        Err(error) => failure(&site, &error).await,
    }
}
