//! The employee list of a company: search, departed filter, keyset pages of 50.

use std::sync::Arc;

use askama::Template;
use nencho_app::employees::{EmployeeListRequest, list_employees};
use nencho_kernel::CompanyId;
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::Site;
use super::layout::Layout;
use super::render::{page, plain_not_found};
use crate::HttpServices;

struct EmployeeRow {
    number: String,
    name: String,
    kana: String,
    department: String,
    employment: &'static str,
    hired: String,
}

#[derive(Template)]
#[template(path = "site/employees.html")]
struct EmployeesPage {
    layout: Layout,
    company_id: String,
    company_name: String,
    total: u64,
    search: String,
    include_departed: bool,
    rows: Vec<EmployeeRow>,
    /// Where the next page starts (its link is built, and encoded, in the template).
    next_after: Option<String>,
    /// Only who may import sees the link to the import wizard.
    can_import: bool,
    /// 登録内容の変更届 waiting for a decision (shown to those who decide them).
    pending_changes: usize,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    departed: Option<String>,
    after: Option<String>,
    department: Option<String>,
}

#[handler]
pub async fn list(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let include_departed = query.departed.is_some();
    let search = query.q.clone().unwrap_or_default();
    let listed = list_employees(
        &services.app,
        &current,
        company_id,
        EmployeeListRequest {
            search: query.q.clone(),
            department: query.department.clone().filter(|d| !d.is_empty()),
            include_departed,
            after: query.after.clone(),
        },
    )
    .await;
    match listed {
        Ok(list) => {
            let rows = list
                .page
                .employees
                .iter()
                .map(|employee| EmployeeRow {
                    number: employee.number.to_string(),
                    name: employee.name.full(),
                    kana: format!(
                        "{}\u{3000}{}",
                        employee.name.family_kana, employee.name.given_kana
                    ),
                    department: employee.department.clone().unwrap_or_default(),
                    employment: match site.lang {
                        super::i18n::Lang::Ja => employee.employment_type.japanese_name(),
                        super::i18n::Lang::En => employee.employment_type.code(),
                    },
                    hired: employee
                        .hire_date
                        .map(|date| {
                            format!(
                                "{}/{:02}/{:02}",
                                date.year(),
                                u8::from(date.month()),
                                date.day()
                            )
                        })
                        .unwrap_or_default(),
                })
                .collect();
            let next_after = list.page.next.map(|next| next.as_str().to_owned());
            let can_import = current.user.role.manages_users();
            let pending_changes = if can_import {
                match nencho_app::change_requests::pending_count(
                    &services.app,
                    &current,
                    company_id,
                )
                .await
                {
                    Ok(count) => count,
                    Err(error) => {
                        // The list still serves; only its badge is missing.
                        tracing::error!(%error, "counting change requests failed");
                        0
                    }
                }
            } else {
                0
            };
            page(
                &EmployeesPage {
                    layout: site.layout().with_user(&current),
                    company_id: company_id.to_string(),
                    company_name: list.company.name.as_str().to_owned(),
                    total: list.total,
                    search,
                    include_departed,
                    rows,
                    next_after,
                    can_import,
                    pending_changes,
                },
                StatusCode::OK,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}
