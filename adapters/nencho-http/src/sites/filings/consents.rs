//! The consents to electronic delivery of the 源泉徴収票 (電子交付への同意) of a company's
//! employees, page by page with their method (on the site, or on paper as recorded by staff),
//! and the forms that record a paper consent or a withdrawal (posted to
//! `POST /admin/companies/{id}/slips/consents`, see `slips::record_consent`). ExportPayroll over
//! the whole company, as for issuing the slips.

use std::sync::Arc;

use askama::Template;
use nencho_app::filings::japan_today;
use nencho_app::filings::slips::consent_page;
use nencho_kernel::{CompanyId, format_japan_datetime};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::Site;
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found};

struct ConsentRow {
    id: String,
    number: String,
    name: String,
    /// `online`, `paper`, or empty without a consent.
    method: &'static str,
    state: String,
}

#[derive(Template)]
#[template(path = "site/slip_consents.html")]
struct ConsentsPage {
    layout: Layout,
    company_name: String,
    path: String,
    search: String,
    today: String,
    rows: Vec<ConsentRow>,
    next_after: Option<String>,
}

#[derive(Deserialize)]
pub struct ConsentsQuery {
    q: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Query(query): Query<ConsentsQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let found = consent_page(
        &services.app,
        &current,
        company_id,
        query.q.clone(),
        query.after.as_deref(),
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
    let today = japan_today(&services.app).to_string();
    page(
        &ConsentsPage {
            layout,
            company_name: found.company.name.as_str().to_owned(),
            path: format!("/admin/companies/{company_id}/slips/consents"),
            search: query.q.unwrap_or_default(),
            today,
            rows: found
                .rows
                .iter()
                .map(|(employee, consent)| ConsentRow {
                    id: employee.id.to_string(),
                    number: employee.number.to_string(),
                    name: employee.name.full(),
                    method: consent.as_ref().map_or("", |consent| consent.method.code()),
                    state: match consent {
                        None => "同意なし(書面で交付)".to_owned(),
                        Some(consent) => {
                            let recorder = consent
                                .recorded_by_name
                                .as_ref()
                                .map(|name| format!("、記録: {name}"))
                                .unwrap_or_default();
                            format!(
                                "{} ({}{recorder})",
                                consent.method.japanese_name(),
                                format_japan_datetime(consent.at)
                            )
                        }
                    },
                })
                .collect(),
            next_after: found.next.map(|next| next.as_str().to_owned()),
        },
        StatusCode::OK,
    )
}
