//! 期間の一括設定 (`/admin/filings/periods`): the same periods for several companies at once — a
//! 社労士 office opening the year for its clients, or a group aligning its companies' deadlines.
//! Companies without periods for the year are ticked to begin with.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::authorization::require;
use nencho_app::filings::periods::{periods_of_companies, set_periods_of_companies, summary};
use nencho_app::sign_in::CurrentUser;
use nencho_filings::FilingPeriods;
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, TaxYear};
use nencho_tenancy::Company;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::periods::{PeriodsForm, parse_periods};
use super::staff::{default_year, urlencode};
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found, rejected_form};

struct CompanyChoice {
    id: String,
    name: String,
    /// Its periods of the year in words, or 未設定.
    current: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "site/filing_bulk_periods.html")]
struct BulkPeriodsPage {
    layout: Layout,
    year: i32,
    year_label: String,
    adjustment_start: String,
    adjustment_end: String,
    filing_start: String,
    filing_end: String,
    refiling_start: String,
    refiling_end: String,
    year_round_changes: bool,
    error: String,
    companies: Vec<CompanyChoice>,
    /// 会社からのご案内 for the ticked companies, set only when `set_guidance`.
    guidance: String,
    set_guidance: bool,
}

/// The guidance part of the form: the text, and whether to set it (unticked: left as it is).
#[derive(Debug, Default)]
struct GuidanceChoice {
    text: String,
    set: bool,
}

impl GuidanceChoice {
    fn from_fields(fields: &[(String, String)]) -> Self {
        GuidanceChoice {
            text: super::form_field(fields, "guidance").to_owned(),
            set: !super::form_field(fields, "set_guidance").is_empty(),
        }
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

/// The year asked for (none: the one under way).
fn year_asked(services: &HttpServices, year: Option<&str>) -> Option<TaxYear> {
    match year.filter(|text| !text.is_empty()) {
        None => TaxYear::new(default_year(services)).ok(),
        Some(text) => super::year_of(text),
    }
}

/// The page with `form` and `companies` (those the user may set periods of, with their periods),
/// ticked as `checked` says.
#[allow(clippy::too_many_arguments)]
fn bulk_page(
    site: &Site<'_>,
    current: &CurrentUser,
    year: TaxYear,
    (form, guidance): (&PeriodsForm, GuidanceChoice),
    companies: &[(Company, Option<FilingPeriods>)],
    checked: impl Fn(CompanyId, bool) -> bool,
    error: String,
    status: StatusCode,
) -> Response {
    page(
        &BulkPeriodsPage {
            layout: site.layout().with_user(current),
            year: year.year(),
            year_label: format!("令和{}年分({}年分)", year.reiwa(), year.year()),
            adjustment_start: form.adjustment_start.clone(),
            adjustment_end: form.adjustment_end.clone(),
            filing_start: form.filing_start.clone(),
            filing_end: form.filing_end.clone(),
            refiling_start: form.refiling_start.clone(),
            refiling_end: form.refiling_end.clone(),
            year_round_changes: form.year_round_changes.is_some(),
            error,
            companies: companies
                .iter()
                .map(|(company, periods)| CompanyChoice {
                    id: company.id.to_string(),
                    name: company.name.as_str().to_owned(),
                    current: periods
                        .as_ref()
                        .map_or_else(|| "未設定".to_owned(), summary),
                    checked: checked(company.id, periods.is_some()),
                })
                .collect(),
            guidance: guidance.text,
            set_guidance: guidance.set,
        },
        status,
    )
}

/// The form, filled with the periods of the first company that has them for the year (else the
/// usual dates), the companies without periods ticked.
#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<YearQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some(year) = year_asked(&services, query.year.as_deref()) else {
        return plain_not_found();
    };
    let companies = match periods_of_companies(&services.app, &current, year).await {
        Ok(companies) => companies,
        Err(error) => return failure(&site, &error).await,
    };
    let first = companies.iter().find_map(|(_, periods)| periods.as_ref());
    let form = PeriodsForm::of(first, year.year());
    bulk_page(
        &site,
        &current,
        year,
        (&form, GuidanceChoice::default()),
        &companies,
        |_, has_periods| !has_periods,
        String::new(),
        StatusCode::OK,
    )
}

/// Sets the periods of the ticked companies; back to 全社の進捗 with how many. A refusal (no
/// company ticked, dates out of order, a company out of reach) sets nothing and shows the form
/// again as it was sent.
#[handler]
pub async fn save(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let form = PeriodsForm::from_fields(&fields);
    let guidance = GuidanceChoice::from_fields(&fields);
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Some(year) = super::year_of(super::form_field(&fields, "year")) else {
        return plain_not_found();
    };
    let Some(companies) = super::ticked_companies(&fields) else {
        return plain_not_found();
    };
    // The permission before the dates are read: a role without it gets 403 whatever it posts.
    let reach = if companies.is_empty() {
        periods_of_companies(&services.app, &current, year)
            .await
            .map(|_| ())
    } else {
        let mut reach = Ok(());
        for company in &companies {
            if let Err(error) = require(
                &services.app,
                &current,
                Permission::ManagePeriods,
                Some(*company),
            )
            .await
            {
                reach = Err(error);
                break;
            }
        }
        reach
    };
    if let Err(error) = reach {
        return failure(&site, &error).await;
    }
    let result = match parse_periods(&form) {
        Ok(input) => {
            let guidance = guidance.set.then_some(guidance.text.as_str());
            set_periods_of_companies(&services.app, &current, year, &companies, input, guidance)
                .await
        }
        Err(message) => Err(AppError::Invalid {
            field: "periods",
            message,
        }),
    };
    match result {
        Ok(set) => see_other(&format!(
            "/admin/filings?year={}&notice={}",
            year.year(),
            urlencode(&format!(
                "{}社の期間{}を設定しました。",
                set.len(),
                if guidance.set { "とご案内" } else { "" }
            ))
        )),
        Err(AppError::Invalid { message, .. }) => {
            let choices = match periods_of_companies(&services.app, &current, year).await {
                Ok(choices) => choices,
                Err(error) => return failure(&site, &error).await,
            };
            bulk_page(
                &site,
                &current,
                year,
                (&form, guidance),
                &choices,
                |company, _| companies.contains(&company),
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}
