//! A company's periods of a tax year (年末調整期間, 提出期間, 再提出期間, 通年申告) with their change
//! log, and the company's guidance to its employees (会社からのご案内), on one settings page.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::filings::guidance::{GuidanceDraft, guidance_draft, set_guidance};
use nencho_app::filings::periods::{PeriodsInput, periods_of, set_periods};
use nencho_app::sign_in::CurrentUser;
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, Date, TaxYear, parse_japanese_date};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::staff::{company_and_year, permitted, urlencode};
use super::views::when;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found, rejected_form};

#[derive(Template)]
#[template(path = "site/filing_periods.html")]
struct PeriodsPage {
    layout: Layout,
    company_id: String,
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
    changes: Vec<(String, String, String)>,
    guidance: GuidanceView,
}

/// The guidance form of the page.
#[derive(Debug, Default)]
struct GuidanceView {
    /// Whether the year is opened: the guidance is set once the periods are.
    opened: bool,
    /// The text in the box: the current guidance, an earlier year's to start from, or what was
    /// just typed.
    text: String,
    /// `令和7年分` when the box holds that year's guidance, not yet saved for this year.
    earlier_year: Option<String>,
    error: String,
}

impl GuidanceView {
    fn of(opened: bool, draft: GuidanceDraft) -> Self {
        let (text, earlier_year) = match (draft.current, draft.earlier) {
            (Some(current), _) => (current.as_str().to_owned(), None),
            (None, Some((year, earlier))) => (
                earlier.as_str().to_owned(),
                Some(format!("令和{}年分", year.reiwa())),
            ),
            (None, None) => (String::new(), None),
        };
        GuidanceView {
            opened,
            text,
            earlier_year,
            error: String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct PeriodsForm {
    pub(super) csrf_token: String,
    pub(super) adjustment_start: String,
    pub(super) adjustment_end: String,
    pub(super) filing_start: String,
    pub(super) filing_end: String,
    #[serde(default)]
    pub(super) refiling_start: String,
    #[serde(default)]
    pub(super) refiling_end: String,
    pub(super) year_round_changes: Option<String>,
}

impl PeriodsForm {
    /// The form showing `periods`, or, for a year not opened yet, the usual dates: November to
    /// January, filing in November.
    pub(super) fn of(periods: Option<&nencho_filings::FilingPeriods>, year: i32) -> Self {
        let date = |date: Date| date.to_string();
        match periods {
            Some(periods) => PeriodsForm {
                adjustment_start: date(periods.adjustment.start),
                adjustment_end: date(periods.adjustment.end),
                filing_start: date(periods.filing.start),
                filing_end: date(periods.filing.end),
                refiling_start: periods
                    .refiling
                    .map(|range| date(range.start))
                    .unwrap_or_default(),
                refiling_end: periods
                    .refiling
                    .map(|range| date(range.end))
                    .unwrap_or_default(),
                year_round_changes: periods.year_round_changes.then(|| "1".to_owned()),
                ..PeriodsForm::default()
            },
            None => PeriodsForm {
                adjustment_start: format!("{year}-11-01"),
                adjustment_end: format!("{}-01-31", year + 1),
                filing_start: format!("{year}-11-01"),
                filing_end: format!("{year}-11-30"),
                ..PeriodsForm::default()
            },
        }
    }

    /// The form's fields out of a form that also carries others (`company`, repeated).
    pub(super) fn from_fields(fields: &[(String, String)]) -> Self {
        let field = |wanted: &str| super::form_field(fields, wanted).to_owned();
        PeriodsForm {
            csrf_token: field("csrf_token"),
            adjustment_start: field("adjustment_start"),
            adjustment_end: field("adjustment_end"),
            filing_start: field("filing_start"),
            filing_end: field("filing_end"),
            refiling_start: field("refiling_start"),
            refiling_end: field("refiling_end"),
            year_round_changes: Some(field("year_round_changes")).filter(|on| !on.is_empty()),
        }
    }
}

#[handler]
pub async fn periods_form(
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
    // The page is where the periods are set (docs/declarations.md): ManagePeriods, though the
    // use case lets every ViewFilings role read them (the dashboard shows their summary).
    if let Err(refused) = permitted(
        &site,
        &services,
        &current,
        Permission::ManagePeriods,
        company_id,
    )
    .await
    {
        return refused;
    }
    settings_page(
        &site,
        &services,
        &current,
        (company_id, tax_year),
        Typed::Nothing,
        StatusCode::OK,
    )
    .await
}

/// What the page shows of what was just posted and refused.
enum Typed {
    Nothing,
    /// The periods form as typed, with why it was refused.
    Periods(PeriodsForm, String),
    /// The guidance as typed, with why it was refused.
    Guidance(String, String),
}

/// The settings page: the stored periods, their changes and the guidance, or what was typed.
async fn settings_page(
    site: &Site<'_>,
    services: &HttpServices,
    current: &CurrentUser,
    (company_id, tax_year): (CompanyId, TaxYear),
    typed: Typed,
    status: StatusCode,
) -> Response {
    let (periods, changes) = match periods_of(&services.app, current, company_id, tax_year).await {
        Ok(found) => found,
        Err(error) => return failure(site, &error).await,
    };
    let mut guidance = match guidance_draft(&services.app, current, company_id, tax_year).await {
        Ok(draft) => GuidanceView::of(periods.is_some(), draft),
        Err(error) => return failure(site, &error).await,
    };
    let stored = || PeriodsForm::of(periods.as_ref(), tax_year.year());
    let (form, error) = match typed {
        Typed::Nothing => (stored(), String::new()),
        Typed::Periods(form, error) => (form, error),
        Typed::Guidance(text, error) => {
            guidance.text = text;
            guidance.earlier_year = None;
            guidance.error = error;
            (stored(), String::new())
        }
    };
    page(
        &PeriodsPage {
            layout: site.layout().with_user(current),
            company_id: company_id.to_string(),
            year: tax_year.year(),
            year_label: format!("令和{}年分({}年分)", tax_year.reiwa(), tax_year.year()),
            adjustment_start: form.adjustment_start,
            adjustment_end: form.adjustment_end,
            filing_start: form.filing_start,
            filing_end: form.filing_end,
            refiling_start: form.refiling_start,
            refiling_end: form.refiling_end,
            year_round_changes: form.year_round_changes.is_some(),
            error,
            changes: changes_view(&changes),
            guidance,
        },
        status,
    )
}

fn changes_view(changes: &[nencho_ports::PeriodChange]) -> Vec<(String, String, String)> {
    changes
        .iter()
        .map(|change| {
            (
                when(change.at),
                change.actor_name.clone(),
                change.summary.clone(),
            )
        })
        .collect()
}

#[handler]
pub async fn save_periods(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Form(form): Form<PeriodsForm>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    // ManagePeriods before the dates are read: an unreadable date would otherwise show the form
    // again (422) to every ViewFilings role, which may read the periods but not set them.
    if let Err(refused) = permitted(
        &site,
        &services,
        &current,
        Permission::ManagePeriods,
        company_id,
    )
    .await
    {
        return refused;
    }
    let parsed = parse_periods(&form);
    let result = match parsed {
        Ok(input) => set_periods(&services.app, &current, company_id, tax_year, input).await,
        Err(message) => Err(AppError::Invalid {
            field: "periods",
            message,
        }),
    };
    match result {
        Ok(_) => see_other(&format!(
            "/admin/companies/{company_id}/filings/{}?notice={}",
            tax_year.year(),
            urlencode("期間を保存しました。")
        )),
        Err(AppError::Invalid { message, .. }) => {
            settings_page(
                &site,
                &services,
                &current,
                (company_id, tax_year),
                Typed::Periods(form, message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => failure(&site, &error).await,
    }
}

pub(super) fn parse_periods(form: &PeriodsForm) -> Result<PeriodsInput, String> {
    let date = |label: &str, text: &str| {
        parse_japanese_date(text)
            .map_err(|_| format!("{label}の日付を 2026-11-01 の形で入力してください。"))
    };
    let refiling = match (form.refiling_start.trim(), form.refiling_end.trim()) {
        ("", "") => None,
        (start, end) => Some((
            date("再提出期間の開始", start)?,
            date("再提出期間の終了", end)?,
        )),
    };
    Ok(PeriodsInput {
        adjustment_start: date("年末調整期間の開始", &form.adjustment_start)?,
        adjustment_end: date("年末調整期間の終了", &form.adjustment_end)?,
        filing_start: date("提出期間の開始", &form.filing_start)?,
        filing_end: date("提出期間の終了", &form.filing_end)?,
        refiling,
        year_round_changes: form.year_round_changes.is_some(),
    })
}

#[derive(Deserialize)]
pub struct GuidanceForm {
    csrf_token: String,
    #[serde(default)]
    guidance: String,
}

/// 会社からのご案内 saved from the periods page; too long shows the page again with the text
/// kept (422).
#[handler]
pub async fn save_guidance(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Form(form): Form<GuidanceForm>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    match set_guidance(
        &services.app,
        &current,
        company_id,
        tax_year,
        &form.guidance,
    )
    .await
    {
        Ok(saved) => see_other(&format!(
            "/admin/companies/{company_id}/filings/{}?notice={}",
            tax_year.year(),
            urlencode(if saved.is_some() {
                "会社からのご案内を保存しました。"
            } else {
                "会社からのご案内を削除しました。"
            })
        )),
        Err(AppError::Invalid { message, .. }) => {
            settings_page(
                &site,
                &services,
                &current,
                (company_id, tax_year),
                Typed::Guidance(form.guidance, message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => failure(&site, &error).await,
    }
}
