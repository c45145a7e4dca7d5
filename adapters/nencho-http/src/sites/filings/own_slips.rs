//! The employee's 源泉徴収票 (電子交付): `/slips` shows whether they consent to electronic
//! delivery and how it was given (on the site, or on paper as staff recorded it), with the form
//! to consent or withdraw, and the slips issued to them with those a correction replaced
//! (訂正前); `/slips/{year}/print.pdf` prints one as issued, `/slips/{year}/replaced/{n}/print.pdf`
//! the n-th replaced one (1 = the latest replaced).

use std::sync::Arc;

use askama::Template;
use nencho_app::filings::slips::{
    own_replaced_slips, own_slip, own_slip_consent, own_slip_years, set_own_slip_consent,
};
use nencho_filings::ConsentMethod;
use nencho_filings::IssuedSlip;
use nencho_kernel::{JAPAN_STANDARD_TIME, OffsetDateTime, format_japan_datetime};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::print::respond_pdf;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found, rejected_form};

struct SlipYear {
    year: i32,
    label: String,
    /// The slips of the year a correction replaced, newest first.
    replaced: Vec<ReplacedSlip>,
}

/// A replaced slip as listed: its place (1 = the latest replaced), when it was issued and when
/// the correction replaced it.
struct ReplacedSlip {
    number: usize,
    issued: String,
    replaced: String,
}

#[derive(Template)]
#[template(path = "site/slips.html")]
struct SlipsPage {
    layout: Layout,
    /// When the employee consented (`None`: not consenting).
    consented_at: Option<String>,
    /// How: `None` on the site, else the paper consent's line (書面で同意 (記録: 日付、記録者)).
    paper_record: Option<String>,
    years: Vec<SlipYear>,
}

/// The day of `at` in Japan: `2026年11月2日`.
fn japan_date(at: OffsetDateTime) -> String {
    let day = at.to_offset(JAPAN_STANDARD_TIME).date();
    format!("{}年{}月{}日", day.year(), u8::from(day.month()), day.day())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /slips`.
#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let consented = match own_slip_consent(&services.app, &current).await {
        Ok(consented) => consented,
        Err(nencho_app::AppError::NotFound) => {
            return crate::sites::render::message(
                site.layout().with_user(&current),
                StatusCode::NOT_FOUND,
                "源泉徴収票",
                "従業員として登録されていないため、源泉徴収票はありません。",
                "/",
                site.lang.words().back_home,
            );
        }
        Err(error) => return failure(&site, &error).await,
    };
    let years = match own_slip_years(&services.app, &current).await {
        Ok(years) => years,
        Err(error) => return failure(&site, &error).await,
    };
    let mut listed = Vec::with_capacity(years.len());
    for year in years {
        let replaced = match own_replaced_slips(&services.app, &current, year).await {
            Ok(replaced) => replaced,
            Err(error) => return failure(&site, &error).await,
        };
        listed.push(SlipYear {
            year: year.year(),
            label: format!("令和{}年分({}年分)", year.reiwa(), year.year()),
            replaced: replaced
                .iter()
                .enumerate()
                .map(|(index, (slip, replaced_at))| ReplacedSlip {
                    number: index + 1,
                    issued: format_japan_datetime(slip.issued_at),
                    replaced: format_japan_datetime(*replaced_at),
                })
                .collect(),
        });
    }
    let mut layout = site.layout().with_user(&current);
    match query.notice.as_deref() {
        Some("consented") => layout = layout.with_notice("電子交付に同意しました。"),
        Some("withdrawn") => layout = layout.with_notice("電子交付への同意を撤回しました。"),
        _ => {}
    }
    page(
        &SlipsPage {
            layout,
            consented_at: consented.as_ref().map(|given| match given.method {
                // A paper consent is given on a day (recorded at 00:00 JST).
                ConsentMethod::Paper => japan_date(given.at),
                ConsentMethod::Online => format_japan_datetime(given.at),
            }),
            paper_record: consented
                .as_ref()
                .filter(|given| given.method == ConsentMethod::Paper)
                .map(|given| {
                    format!(
                        "{} (記録: {}、{})",
                        ConsentMethod::Paper.japanese_name(),
                        japan_date(given.at),
                        given.recorded_by_name.as_deref().unwrap_or("不明")
                    )
                }),
            years: listed,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct ConsentForm {
    csrf_token: String,
    /// `yes` consents, `no` withdraws.
    consent: String,
}

/// `POST /slips/consent`.
#[handler]
pub async fn consent(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let consent = match form.consent.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return crate::sites::render::message(
                site.layout().with_user(&current),
                StatusCode::BAD_REQUEST,
                "源泉徴収票",
                "同意するかどうかを選んでください。",
                "/slips",
                "源泉徴収票",
            );
        }
    };
    match set_own_slip_consent(&services.app, &current, consent).await {
        Ok(()) => see_other(if consent {
            "/slips?notice=consented"
        } else {
            "/slips?notice=withdrawn"
        }),
        Err(error) => failure(&site, &error).await,
    }
}

/// `GET /slips/{year}/print.pdf`: the slip as issued.
#[handler]
pub async fn pdf(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some(year) = super::year_of(&year) else {
        return plain_not_found();
    };
    let issued = match own_slip(&services.app, &current, year).await {
        Ok(issued) => issued,
        Err(error) => return failure(&site, &error).await,
    };
    print_slip(&site, &current, &issued, None).await
}

/// `GET /slips/{year}/replaced/{n}/print.pdf`: the n-th slip of the year a correction replaced
/// (1 = the latest replaced), as it was issued.
#[handler]
pub async fn replaced_pdf(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((year, number)): Path<(String, String)>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let (Some(year), Ok(number)) = (super::year_of(&year), number.parse::<usize>()) else {
        return plain_not_found();
    };
    let replaced = match own_replaced_slips(&services.app, &current, year).await {
        Ok(replaced) => replaced,
        Err(error) => return failure(&site, &error).await,
    };
    let Some((issued, _)) = number.checked_sub(1).and_then(|index| replaced.get(index)) else {
        return plain_not_found();
    };
    print_slip(&site, &current, issued, Some(number)).await
}

/// The slip as a PDF download; `replaced` = its place among the replaced ones (訂正前).
async fn print_slip(
    site: &Site<'_>,
    current: &nencho_app::sign_in::CurrentUser,
    issued: &IssuedSlip,
    replaced: Option<usize>,
) -> Response {
    let sheet = super::slips::sheet(&issued.parties, &issued.slip);
    let year = issued.tax_year;
    let reiwa = year.reiwa();
    let (title, filename, fallback) = match replaced {
        None => (
            format!("令和{reiwa}年分 給与所得の源泉徴収票"),
            format!("源泉徴収票_令和{reiwa}年分.pdf"),
            format!("withholding-slip-{}.pdf", year.year()),
        ),
        Some(number) => (
            format!(
                "令和{reiwa}年分 給与所得の源泉徴収票(訂正前 {}交付)",
                japan_date(issued.issued_at)
            ),
            format!("源泉徴収票_令和{reiwa}年分_訂正前{number}.pdf"),
            format!("withholding-slip-{}-replaced-{number}.pdf", year.year()),
        ),
    };
    let render = move |font: &nencho_pdf::PrintFont| {
        nencho_pdf::render_withholding_slips(&title, &[sheet], font)
    };
    respond_pdf(site, current, render, &filename, &fallback, "/slips").await
}
