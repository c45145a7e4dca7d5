//! 部署別の進捗: one row per department with its counts by status and the share handed in and
//! approved, each department linking to the dashboard filtered to it — for chasing the late
//! departments of a large company.

use std::sync::Arc;

use askama::Template;
use nencho_app::filings::review::progress_by_department;
use nencho_csv::CsvEncoding;
use nencho_filings::FilingStatus;
use nencho_ports::StatusCounts;
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::staff::{company_and_year, urlencode};
use super::views::share;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::Site;
use crate::sites::csv_download::csv_of_rows;
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found};

struct DepartmentRow {
    name: String,
    /// The dashboard filtered to the department (`None` for employees without one: the
    /// dashboard cannot filter on "no department").
    link: Option<String>,
    total: u64,
    counts: Vec<u64>,
    handed_in: String,
    approved: String,
}

#[derive(Template)]
#[template(path = "site/filing_departments.html")]
struct DepartmentsPage {
    layout: Layout,
    company_name: String,
    year_label: String,
    dashboard: String,
    csv: String,
    statuses: Vec<&'static str>,
    rows: Vec<DepartmentRow>,
    all: Option<DepartmentRow>,
}

/// The row of `counts`: those set aside (対象外) are left out of the shares.
fn row(name: String, link: Option<String>, counts: &StatusCounts) -> DepartmentRow {
    DepartmentRow {
        name,
        link,
        total: counts.total(),
        counts: counts.counts.iter().map(|(_, count)| *count).collect(),
        handed_in: share(counts.handed_in(), counts.due()),
        approved: share(counts.of(FilingStatus::Approved), counts.due()),
    }
}

/// The company's departments (and the 合計 row when there are several) as the page and the CSV
/// show them.
fn rows_of(
    dashboard: &str,
    departments: &[nencho_ports::DepartmentCounts],
) -> (Vec<DepartmentRow>, Option<DepartmentRow>) {
    let mut all = StatusCounts::zero();
    for department in departments {
        all.add(&department.counts);
    }
    let rows = departments
        .iter()
        .map(|department| match &department.department {
            Some(name) => row(
                name.clone(),
                Some(format!("{dashboard}?department={}", urlencode(name))),
                &department.counts,
            ),
            None => row("(部署なし)".to_owned(), None, &department.counts),
        })
        .collect();
    (
        rows,
        (departments.len() > 1).then(|| row("合計".to_owned(), None, &all)),
    )
}

#[derive(Deserialize)]
pub struct DepartmentsCsvQuery {
    encoding: Option<String>,
}

/// The same table as CSV (UTF-8 with a BOM, or `?encoding=sjis` for Excel), to pass on to the
/// departments.
#[handler]
pub async fn csv(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<DepartmentsCsvQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let departments =
        match progress_by_department(&services.app, &current, company_id, tax_year).await {
            Ok((_, departments)) => departments,
            Err(error) => return failure(&site, &error).await,
        };
    let (rows, all) = rows_of("", &departments);
    let mut header = vec!["部署".to_owned(), "人数".to_owned()];
    header.extend(
        FilingStatus::ALL
            .into_iter()
            .map(|status| status.japanese_name().to_owned()),
    );
    header.extend(["提出率".to_owned(), "承認率".to_owned()]);
    let lines: Vec<Vec<String>> = rows
        .into_iter()
        .chain(all)
        .map(|row| {
            let mut cells = vec![row.name, row.total.to_string()];
            cells.extend(row.counts.iter().map(u64::to_string));
            cells.extend([row.handed_in, row.approved]);
            cells
        })
        .collect();
    csv_of_rows(
        CsvEncoding::asked(query.encoding.as_deref()),
        &format!("departments-{}", tax_year.year()),
        header,
        lines,
    )
}

#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let (company, departments) =
        match progress_by_department(&services.app, &current, company_id, tax_year).await {
            Ok(found) => found,
            Err(error) => return failure(&site, &error).await,
        };
    let dashboard = format!("/admin/companies/{company_id}/filings/{}", tax_year.year());
    let (rows, all) = rows_of(&dashboard, &departments);
    page(
        &DepartmentsPage {
            layout: site.layout().with_user(&current),
            company_name: company.name.as_str().to_owned(),
            year_label: format!("令和{}年分", tax_year.reiwa()),
            statuses: FilingStatus::ALL
                .into_iter()
                .map(FilingStatus::japanese_name)
                .collect(),
            csv: format!("{dashboard}/departments.csv"),
            all,
            rows,
            dashboard,
        },
        StatusCode::OK,
    )
}
