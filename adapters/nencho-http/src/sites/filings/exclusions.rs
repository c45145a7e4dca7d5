//! 年末調整の対象外: the page that sets employees aside (numbers pasted from the payroll system,
//! a reason, a note) and lists those set aside, each with 「対象に戻す」.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::authorization::{grants_of, reaches};
use nencho_app::filings::exclusions::{
    ExclusionOutcome, ExclusionRequest, exclude_employees, excluded_employees, include_filing,
};
use nencho_filings::{ExclusionReason, MAX_EXCLUSION_NOTE};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, FilingId, TaxYear};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::staff::{company_and_year, urlencode};
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{message, page, plain_not_found};

struct ReasonOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

struct ExcludedRow {
    number: String,
    name: String,
    department: String,
    departed: bool,
    reason: String,
    review_link: String,
    filing_id: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "site/filing_exclusions.html")]
struct ExclusionsPage {
    layout: Layout,
    company_name: String,
    year_label: String,
    dashboard: String,
    action: String,
    may_change: bool,
    numbers: String,
    reasons: Vec<ReasonOption>,
    note: String,
    max_note: usize,
    error: Option<String>,
    outcome: Option<ExclusionOutcome>,
    rows: Vec<ExcludedRow>,
    next_after: Option<String>,
}

#[derive(Deserialize)]
pub struct ExclusionsQuery {
    numbers: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

/// What the form held, shown again after a refusal so nothing typed is lost.
#[derive(Default)]
struct Typed {
    numbers: String,
    reason: Option<ExclusionReason>,
    note: String,
}

struct Shown {
    typed: Typed,
    error: Option<String>,
    outcome: Option<ExclusionOutcome>,
    after: Option<String>,
    notice: Option<String>,
}

async fn show_page(
    site: &Site<'_>,
    current: &nencho_app::sign_in::CurrentUser,
    services: &HttpServices,
    company_id: CompanyId,
    tax_year: TaxYear,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let app = &services.app;
    let listed =
        excluded_employees(app, current, company_id, tax_year, shown.after.as_deref()).await;
    let (company, listed) = match listed {
        Ok(found) => found,
        Err(error) => return failure(site, &error).await,
    };
    let grants = match grants_of(app, current).await {
        Ok(grants) => grants,
        Err(error) => return failure(site, &error).await,
    };
    let mut layout = site.layout().with_user(current);
    if let Some(notice) = shown.notice.filter(|notice| !notice.is_empty()) {
        layout = layout.with_notice(notice);
    }
    let dashboard = format!("/admin/companies/{company_id}/filings/{}", tax_year.year());
    let chosen = shown
        .typed
        .reason
        .unwrap_or(ExclusionReason::SecondaryEmployer);
    page(
        &ExclusionsPage {
            layout,
            company_name: company.name.as_str().to_owned(),
            year_label: format!("令和{}年分", tax_year.reiwa()),
            action: format!("{dashboard}/exclusions"),
            dashboard,
            may_change: reaches(&grants, Permission::RequestFilings, Some(company_id)),
            numbers: shown.typed.numbers,
            reasons: ExclusionReason::ALL
                .into_iter()
                .map(|reason| ReasonOption {
                    code: reason.code(),
                    label: reason.japanese_name(),
                    selected: reason == chosen,
                })
                .collect(),
            note: shown.typed.note,
            max_note: MAX_EXCLUSION_NOTE,
            error: shown.error,
            outcome: shown.outcome,
            rows: listed
                .rows
                .iter()
                .filter_map(|row| {
                    let filing = row.filing.as_ref()?;
                    Some(ExcludedRow {
                        number: row.employee.number.to_string(),
                        name: row.employee.name.full(),
                        department: row.employee.department.clone().unwrap_or_default(),
                        departed: row.employee.leave_date.is_some(),
                        reason: filing.last_comment.clone().unwrap_or_default(),
                        review_link: format!("/admin/filings/{}", filing.id),
                        filing_id: filing.id.to_string(),
                        version: filing.version,
                    })
                })
                .collect(),
            next_after: listed.next.map(|next| next.as_str().to_owned()),
        },
        status,
    )
}

/// The form (prefilled with `?numbers=` from the dashboard's 「対象外にする」) and the list.
#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<ExclusionsQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let shown = Shown {
        typed: Typed {
            numbers: query.numbers.unwrap_or_default(),
            ..Typed::default()
        },
        error: None,
        outcome: None,
        after: query.after,
        notice: query.notice,
    };
    show_page(
        &site,
        &current,
        &services,
        company_id,
        tax_year,
        shown,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct ExcludeForm {
    csrf_token: String,
    #[serde(default)]
    numbers: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// Sets the numbers aside and shows the page again with who was excluded and who was skipped
/// (and why); a refused form comes back as typed with the reason (422).
#[handler]
pub async fn exclude(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Form(form): Form<ExcludeForm>,
) -> Response {
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let reason = ExclusionReason::from_code(&form.reason);
    let typed = Typed {
        numbers: form.numbers,
        reason,
        note: form.note,
    };
    // An unknown reason still goes through the use case as "その他" without a note, so the
    // permission is judged first and the form is refused after it.
    let request = ExclusionRequest {
        numbers: typed.numbers.clone(),
        reason: reason.unwrap_or(ExclusionReason::Other),
        note: if reason.is_some() {
            typed.note.clone()
        } else {
            String::new()
        },
    };
    let result = exclude_employees(&services.app, &current, company_id, tax_year, &request).await;
    let (shown, status) = match result {
        Ok(outcome) => (
            Shown {
                typed: Typed {
                    reason,
                    ..Typed::default()
                },
                error: None,
                outcome: Some(outcome),
                after: None,
                notice: None,
            },
            StatusCode::OK,
        ),
        Err(AppError::Invalid { message, .. }) => (
            Shown {
                error: Some(if reason.is_some() {
                    message
                } else {
                    "対象外の理由を選んでください。".into()
                }),
                typed,
                outcome: None,
                after: None,
                notice: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(error) => return failure(&site, &error).await,
    };
    show_page(
        &site, &current, &services, company_id, tax_year, shown, status,
    )
    .await
}

#[derive(Deserialize)]
pub struct IncludeForm {
    csrf_token: String,
    filing: String,
    version: i64,
}

/// 対象に戻す from the list; back to the list with a notice.
#[handler]
pub async fn include(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Form(form): Form<IncludeForm>,
) -> Response {
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let Ok(filing_id) = form.filing.parse::<FilingId>() else {
        return plain_not_found();
    };
    let back = format!(
        "/admin/companies/{company_id}/filings/{}/exclusions",
        tax_year.year()
    );
    match include_filing(&services.app, &current, filing_id, form.version).await {
        Ok(filing) => {
            let notice = format!(
                "年末調整の対象に戻しました(状況: {})。",
                filing.status.japanese_name()
            );
            see_other(&format!("{back}?notice={}", urlencode(&notice)))
        }
        // Not excluded (any more), or changed meanwhile: say so, with the way back.
        Err(AppError::Refused(reason) | AppError::Conflict(reason)) => message(
            site.layout().with_user(&current),
            StatusCode::CONFLICT,
            site.lang.words().error_title,
            &reason,
            &back,
            "対象外の一覧に戻る",
        ),
        Err(error) => failure(&site, &error).await,
    }
}
