//! 全社の進捗 (`/admin/filings`): one line per company the user may watch for a tax year, with
//! its counts, shares, certificates awaited, suspected double claims and where its 提出期間
//! stands; sortable by the least handed in or the nearest deadline; the same table as CSV.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::authorization::{grants_of, reaches};
use nencho_app::filings::overview::{
    CompanyProgress, ProgressOrder, progress_by_company, total_of,
};
use nencho_app::filings::requests::{CompaniesAction, for_companies};
use nencho_app::sign_in::CurrentUser;
use nencho_csv::CsvEncoding;
use nencho_filings::{FilingStatus, FilingWindow};
use nencho_identity::{Grants, Permission};
use nencho_kernel::{Date, TaxYear, japanese_weekday};
use nencho_ports::StatusCounts;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::staff::{default_year, urlencode};
use super::views::share;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::csv_download::csv_of_rows;
use crate::sites::layout::Layout;
use crate::sites::render::{message, page, plain_not_found, rejected_form};

#[derive(Deserialize)]
pub struct OverviewQuery {
    year: Option<String>,
    order: Option<String>,
    encoding: Option<String>,
    notice: Option<String>,
}

/// The asked year and order; an unreadable one is refused with the reason.
fn asked(
    services: &HttpServices,
    query: &OverviewQuery,
) -> Result<(TaxYear, ProgressOrder), AppError> {
    let invalid = |field: &'static str, message: &str| AppError::Invalid {
        field,
        message: message.to_owned(),
    };
    let year = match query.year.as_deref().filter(|text| !text.is_empty()) {
        None => nencho_app::filings::parse_tax_year(default_year(services))?,
        Some(text) => super::year_of(text)
            .ok_or_else(|| invalid("year", "年分は2019以降の西暦4桁で指定してください。"))?,
    };
    let order = match query.order.as_deref().filter(|text| !text.is_empty()) {
        None => ProgressOrder::default(),
        Some(code) => ProgressOrder::from_code(code)
            .ok_or_else(|| invalid("order", "並べ替えの指定を読めません。"))?,
    };
    Ok((year, order))
}

/// `2026年11月30日(月)`.
fn deadline(end: Date) -> String {
    format!(
        "{}年{}月{}日({})",
        end.year(),
        u8::from(end.month()),
        end.day(),
        japanese_weekday(end)
    )
}

/// Where the 提出期間 stands, in words, and a class for its colour: `overdue` only while someone
/// due has not handed in.
fn window_words(window: Option<FilingWindow>, counts: &StatusCounts) -> (String, &'static str) {
    match window {
        None => ("期間未設定".to_owned(), "unset"),
        Some(FilingWindow::NotYetOpen { opens_in }) => {
            (format!("{opens_in}日後に開始"), "upcoming")
        }
        Some(FilingWindow::Open { days_left: 0 }) => ("本日締切".to_owned(), "due-today"),
        Some(FilingWindow::Open { days_left }) => (format!("あと{days_left}日"), "open"),
        Some(FilingWindow::Closed { days_ago }) if counts.handed_in() < counts.due() => {
            (format!("締切から{days_ago}日経過・未提出あり"), "overdue")
        }
        Some(FilingWindow::Closed { days_ago }) => (format!("締切から{days_ago}日経過"), "closed"),
    }
}

struct CompanyLine {
    name: String,
    dashboard: Option<String>,
    /// The departments a narrowed role's figures cover (empty: the whole company).
    departments: String,
    total: u64,
    counts: Vec<u64>,
    handed_in: String,
    approved: String,
    awaiting_originals: u64,
    shared_claims: u64,
    deadline: String,
    window: String,
    window_class: &'static str,
    /// The periods page, for a company without periods and a user who may set them.
    periods_link: Option<String>,
    /// The company's id, when the user may request and remind in it (its periods set) and
    /// someone is not requested yet or awaited.
    remindable: Option<String>,
}

fn line(year: TaxYear, grants: &Grants, progress: &CompanyProgress) -> CompanyLine {
    let company = progress.company.id;
    let (window, window_class) = window_words(progress.window, &progress.counts);
    CompanyLine {
        name: progress.company.name.as_str().to_owned(),
        dashboard: Some(format!(
            "/admin/companies/{company}/filings/{}",
            year.year()
        )),
        departments: progress.departments.join("、"),
        total: progress.counts.total(),
        counts: progress
            .counts
            .counts
            .iter()
            .map(|(_, count)| *count)
            .collect(),
        handed_in: share(progress.counts.handed_in(), progress.counts.due()),
        approved: share(
            progress.counts.of(FilingStatus::Approved),
            progress.counts.due(),
        ),
        awaiting_originals: progress.awaiting_originals,
        shared_claims: progress.shared_claims,
        deadline: progress
            .periods
            .as_ref()
            .map(|periods| deadline(periods.filing.end))
            .unwrap_or_default(),
        window,
        window_class,
        periods_link: (progress.periods.is_none()
            && reaches(grants, Permission::ManagePeriods, Some(company)))
        .then(|| format!("/admin/companies/{company}/periods/{}", year.year())),
        remindable: (progress.periods.is_some()
            && (progress.counts.awaited() > 0
                || progress.counts.of(FilingStatus::NotRequested) > 0)
            && reaches(grants, Permission::RequestFilings, Some(company)))
        .then(|| company.to_string()),
    }
}

/// The 合計 line, when there are several companies.
fn total_line(lines: &[CompanyProgress]) -> Option<CompanyLine> {
    if lines.len() < 2 {
        return None;
    }
    let (counts, awaiting_originals, shared_claims) = total_of(lines);
    Some(CompanyLine {
        name: "合計".to_owned(),
        dashboard: None,
        departments: String::new(),
        total: counts.total(),
        counts: counts.counts.iter().map(|(_, count)| *count).collect(),
        handed_in: share(counts.handed_in(), counts.due()),
        approved: share(counts.of(FilingStatus::Approved), counts.due()),
        awaiting_originals,
        shared_claims,
        deadline: String::new(),
        window: String::new(),
        window_class: "",
        periods_link: None,
        remindable: None,
    })
}

struct OrderLink {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "site/filing_companies.html")]
struct OverviewPage {
    layout: Layout,
    year: i32,
    year_label: String,
    previous_year: Option<i32>,
    next_year: Option<i32>,
    order: &'static str,
    orders: Vec<OrderLink>,
    statuses: Vec<&'static str>,
    lines: Vec<CompanyLine>,
    total: Option<CompanyLine>,
    /// Some line may be reminded: the form and its checkboxes show.
    may_remind: bool,
    /// Periods may be set somewhere: the link to 期間の一括設定 shows.
    may_set_periods: bool,
}

/// A year or order that does not read is a 400 that says which; the rest as everywhere.
async fn refused(site: &Site<'_>, current: &CurrentUser, error: &AppError) -> Response {
    match error {
        AppError::Invalid {
            message: reason, ..
        } => message(
            site.layout().with_user(current),
            StatusCode::BAD_REQUEST,
            site.lang.words().error_title,
            reason,
            "/admin/filings",
            "全社の進捗に戻る",
        ),
        _ => failure(site, error).await,
    }
}

struct Overview {
    year: TaxYear,
    order: ProgressOrder,
    grants: Grants,
    progress: Vec<CompanyProgress>,
}

async fn overview_of(
    services: &HttpServices,
    current: &CurrentUser,
    query: &OverviewQuery,
) -> Result<Overview, AppError> {
    let (year, order) = asked(services, query)?;
    let progress = progress_by_company(&services.app, current, year, order).await?;
    let grants = grants_of(&services.app, current).await?;
    Ok(Overview {
        year,
        order,
        grants,
        progress,
    })
}

/// `/admin/filings`: the overview of the companies for a year (`?year=2026&order=deadline`).
#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<OverviewQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Overview {
        year,
        order,
        grants,
        progress,
    } = match overview_of(&services, &current, &query).await {
        Ok(found) => found,
        Err(error) => return refused(&site, &current, &error).await,
    };
    let lines: Vec<CompanyLine> = progress
        .iter()
        .map(|line_of| line(year, &grants, line_of))
        .collect();
    let mut layout = site.layout().with_user(&current);
    if let Some(notice) = query.notice.clone().filter(|notice| !notice.is_empty()) {
        layout = layout.with_notice(notice);
    }
    page(
        &OverviewPage {
            layout,
            year: year.year(),
            year_label: format!("令和{}年分({}年分)", year.reiwa(), year.year()),
            previous_year: TaxYear::new(year.year() - 1).ok().map(TaxYear::year),
            next_year: TaxYear::new(year.year() + 1).ok().map(TaxYear::year),
            order: order.code(),
            orders: [
                (ProgressOrder::Name, "会社名順"),
                (ProgressOrder::LeastHandedIn, "提出率の低い順"),
                (ProgressOrder::Deadline, "提出期限の近い順"),
            ]
            .into_iter()
            .map(|(candidate, label)| OrderLink {
                code: candidate.code(),
                label,
                selected: candidate == order,
            })
            .collect(),
            statuses: FilingStatus::ALL
                .into_iter()
                .map(FilingStatus::japanese_name)
                .collect(),
            total: total_line(&progress),
            may_remind: lines.iter().any(|line| line.remindable.is_some()),
            may_set_periods: progress
                .iter()
                .any(|line| reaches(&grants, Permission::ManagePeriods, Some(line.company.id))),
            lines,
        },
        StatusCode::OK,
    )
}

/// 依頼 or 督促 (`action` = `request` or `remind`) in the companies checked on the overview
/// (`company`, repeated; `year`): everyone due in each, each company checked first so that one
/// refusal sends nothing; back to the overview with what was sent.
#[handler]
pub async fn send_to_selected(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
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
    let Some(year) = super::year_of(field("year")) else {
        return refused(
            &site,
            &current,
            &AppError::Invalid {
                field: "year",
                message: "年分は2019以降の西暦4桁で指定してください。".into(),
            },
        )
        .await;
    };
    let Some(companies) = super::ticked_companies(&fields) else {
        return plain_not_found();
    };
    let (action, verb) = match field("action") {
        "request" => (CompaniesAction::Request, "依頼"),
        "remind" => (CompaniesAction::Remind, "督促"),
        _ => return plain_not_found(),
    };
    let overview = format!("/admin/filings?year={}", year.year());
    match for_companies(&services.app, &current, year, &companies, action).await {
        Ok(outcomes) => {
            let sent: u64 = outcomes.iter().map(|(_, outcome)| outcome.done).sum();
            let without: u64 = outcomes
                .iter()
                .map(|(_, outcome)| outcome.without_email)
                .sum();
            let mut notice = format!("{}社の{sent}件を{verb}しました。", outcomes.len());
            if without > 0 {
                notice.push_str(&format!(
                    "うち{without}件はメールアドレスがないため、別の方法でお知らせください。"
                ));
            }
            see_other(&format!("{overview}&notice={}", urlencode(&notice)))
        }
        Err(AppError::Invalid {
            message: reason, ..
        }) => message(
            site.layout().with_user(&current),
            StatusCode::UNPROCESSABLE_ENTITY,
            site.lang.words().error_title,
            &reason,
            &overview,
            "全社の進捗に戻る",
        ),
        // A company without periods: nothing was sent.
        Err(AppError::Refused(reason)) => message(
            site.layout().with_user(&current),
            StatusCode::CONFLICT,
            site.lang.words().error_title,
            &format!("{reason}({verb}は送っていません。)"),
            &overview,
            "全社の進捗に戻る",
        ),
        Err(error) => failure(&site, &error).await,
    }
}

/// The same table as CSV (UTF-8 with a BOM, or `?encoding=sjis` for Excel), in the same order.
#[handler]
pub async fn csv(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<OverviewQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Overview {
        year,
        grants,
        progress,
        ..
    } = match overview_of(&services, &current, &query).await {
        Ok(found) => found,
        Err(error) => return refused(&site, &current, &error).await,
    };
    let mut header = vec!["会社".to_owned(), "範囲".to_owned(), "人数".to_owned()];
    header.extend(
        FilingStatus::ALL
            .into_iter()
            .map(|status| status.japanese_name().to_owned()),
    );
    header.extend(
        [
            "提出率",
            "承認率",
            "原本未着",
            "重複の疑い",
            "提出期限",
            "期限",
        ]
        .map(str::to_owned),
    );
    let total = total_line(&progress);
    let rows = progress
        .iter()
        .map(|line_of| line(year, &grants, line_of))
        .chain(total)
        .map(|line| {
            let scope = if line.departments.is_empty() {
                if line.dashboard.is_some() {
                    "全社".to_owned()
                } else {
                    String::new()
                }
            } else {
                line.departments
            };
            let mut cells = vec![line.name, scope, line.total.to_string()];
            cells.extend(line.counts.iter().map(u64::to_string));
            cells.extend([
                line.handed_in,
                line.approved,
                line.awaiting_originals.to_string(),
                line.shared_claims.to_string(),
                line.deadline,
                line.window,
            ]);
            cells
        })
        .collect();
    csv_of_rows(
        CsvEncoding::asked(query.encoding.as_deref()),
        &format!("companies-progress-{}", year.year()),
        header,
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn counts(handed_in: u64, waiting: u64) -> StatusCounts {
        let mut counts = StatusCounts::zero();
        counts.add(&StatusCounts {
            counts: vec![
                (FilingStatus::Submitted, handed_in),
                (FilingStatus::Draft, waiting),
            ],
        });
        counts
    }

    #[test]
    fn the_window_reads_as_a_deadline_and_warns_only_while_someone_is_missing() {
        let missing = counts(1, 1);
        let all_in = counts(2, 0);
        assert_eq!(window_words(None, &missing), ("期間未設定".into(), "unset"));
        assert_eq!(
            window_words(Some(FilingWindow::NotYetOpen { opens_in: 3 }), &missing),
            ("3日後に開始".into(), "upcoming")
        );
        assert_eq!(
            window_words(Some(FilingWindow::Open { days_left: 0 }), &missing),
            ("本日締切".into(), "due-today")
        );
        assert_eq!(
            window_words(Some(FilingWindow::Open { days_left: 4 }), &missing),
            ("あと4日".into(), "open")
        );
        assert_eq!(
            window_words(Some(FilingWindow::Closed { days_ago: 2 }), &missing),
            ("締切から2日経過・未提出あり".into(), "overdue")
        );
        assert_eq!(
            window_words(Some(FilingWindow::Closed { days_ago: 2 }), &all_in),
            ("締切から2日経過".into(), "closed")
        );
    }

    #[test]
    fn deadlines_carry_their_weekday() {
        assert_eq!(deadline(date!(2026 - 11 - 30)), "2026年11月30日(月)");
        assert_eq!(deadline(date!(2027 - 01 - 08)), "2027年1月8日(金)");
    }
}
