//! The staff's side of the declarations (YEA-3, YEA-4): the companies they work on, the
//! progress dashboard with requests and reminders, and a company's periods.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::authorization::{grants_of, reaches, require};
use nencho_app::filings::japan_today;
use nencho_app::filings::originals::remind_originals;

use nencho_app::filings::requests::{Recipients, remind, request_filings};
use nencho_app::filings::review::{DashboardRequest, approve_many, dashboard, progress_page};
use nencho_app::sign_in::CurrentUser;
use nencho_csv::CsvEncoding;
use nencho_filings::{FilingStatus, awaits_originals};
use nencho_identity::Permission;
use nencho_kernel::{
    CompanyId, EmployeeId, FilingId, OffsetDateTime, TaxYear, format_japan_datetime,
};
use nencho_ports::FilingRow;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::views::when;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::csv_download::stream_csv;
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found, rejected_form};

/// The tax year the pages open by default: the one whose adjustment is under way in Japan.
pub fn default_year(services: &HttpServices) -> i32 {
    nencho_filings::adjustment_year(japan_today(&services.app))
}

struct CountView {
    code: &'static str,
    label: &'static str,
    count: u64,
    selected: bool,
}

struct RowView {
    number: String,
    name: String,
    department: String,
    status: &'static str,
    status_code: &'static str,
    updated: String,
    proxy: bool,
    review_link: Option<String>,
    employee_id: String,
    requestable: bool,
    /// Requested but not submitted: a reminder may go to this one employee.
    remindable: bool,
    /// 提出済: `{filing_id}:{version}` for the 一括承認 checkbox.
    approvable: Option<String>,
    /// Handed in with certificates not yet received (原本未着): how many.
    originals_pending: u32,
    /// 重複の疑い.
    shares_claims: bool,
    /// 対象外: the reason staff gave.
    exclusion: Option<String>,
    /// May still be set aside as 対象外 (not approved, not excluded).
    excludable: bool,
    /// 個別の提出期限 of a declaration still to hand in, as `12/4`.
    own_deadline: Option<String>,
    /// 提出済 with the 一次確認.
    checked: bool,
}

#[derive(Template)]
#[template(path = "site/filing_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    company_id: String,
    company_name: String,
    year: i32,
    year_label: String,
    periods: Option<String>,
    /// 会社からのご案内 as the employees see it (text only here).
    guidance: Option<String>,
    counts: Vec<CountView>,
    total: u64,
    status: String,
    /// 原本未着: declarations handed in whose certificates have not all arrived.
    awaiting_originals: u64,
    /// `pending` when the list shows only those.
    originals: &'static str,
    /// 重複の疑い: declarations claiming someone another declaration claims too.
    shared_claims: u64,
    /// `shared` when the list shows only those.
    claims: &'static str,
    /// 個別の期限: declarations awaiting the employee with a deadline of their own.
    own_deadlines: u64,
    /// `own` when the list shows only those.
    deadline: &'static str,
    /// 提出済 with (確認済) and without (未確認) the 一次確認.
    checked_count: u64,
    unchecked_count: u64,
    /// `yes` or `no` when the list shows only those.
    check: &'static str,
    search: String,
    /// The department asked for (empty: all the user may see).
    department: String,
    rows: Vec<RowView>,
    next_after: Option<String>,
    /// What the user may do beyond looking, so the page offers only that.
    may_set_periods: bool,
    may_request: bool,
    may_proxy: bool,
    may_export: bool,
    may_approve: bool,
    /// May record certificates' originals (原本の受付).
    may_receive: bool,
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    status: Option<String>,
    /// `pending`: only declarations waiting for certificates (原本未着).
    originals: Option<String>,
    /// `shared`: only declarations claiming someone another declaration claims too.
    claims: Option<String>,
    /// `own`: only declarations awaiting the employee with a deadline of their own.
    deadline: Option<String>,
    /// `yes` / `no`: only 提出済 declarations with / without the 一次確認.
    checked: Option<String>,
    /// One department only (the 部署別の進捗 page links here).
    department: Option<String>,
    q: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

/// An asked department, if any (an empty field asks for none).
fn asked_department(department: Option<&str>) -> Option<String> {
    department
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
}

fn awaiting_originals(filter: Option<&str>) -> bool {
    filter == Some("pending")
}

fn shared_claims(filter: Option<&str>) -> bool {
    filter == Some("shared")
}

fn own_deadlines(filter: Option<&str>) -> bool {
    filter == Some("own")
}

/// The 一次確認 filter asked for, and its code for the links.
fn checked_filter(filter: Option<&str>) -> (Option<bool>, &'static str) {
    match filter {
        Some("yes") => (Some(true), "yes"),
        Some("no") => (Some(false), "no"),
        _ => (None, ""),
    }
}

pub(super) fn company_and_year(id: &str, year: &str) -> Option<(CompanyId, TaxYear)> {
    let company = id.parse().ok()?;
    let year = super::year_of(year)?;
    Some((company, year))
}

/// The progress dashboard: counts by status, a filterable list, requests and reminders.
#[handler]
pub async fn show_dashboard(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let status = query.status.as_deref().and_then(FilingStatus::from_code);
    let listed = dashboard(
        &services.app,
        &current,
        company_id,
        year,
        DashboardRequest {
            status,
            search: query.q.clone(),
            department: asked_department(query.department.as_deref()),
            awaiting_originals: awaiting_originals(query.originals.as_deref()),
            shared_claims: shared_claims(query.claims.as_deref()),
            own_deadlines: own_deadlines(query.deadline.as_deref()),
            checked: checked_filter(query.checked.as_deref()).0,
            after: query.after.clone(),
        },
    )
    .await;
    let board = match listed {
        Ok(board) => board,
        Err(error) => return failure(&site, &error).await,
    };
    let grants = match grants_of(&services.app, &current).await {
        Ok(grants) => grants,
        Err(error) => return failure(&site, &error).await,
    };
    let may = |permission: Permission| reaches(&grants, permission, Some(company_id));
    let mut layout = site.layout().with_user(&current);
    if let Some(notice) = query.notice.filter(|notice| !notice.is_empty()) {
        layout = layout.with_notice(notice);
    }
    let rows = board
        .page
        .rows
        .iter()
        .map(|row| RowView {
            number: row.employee.number.to_string(),
            name: row.employee.name.full(),
            department: row.employee.department.clone().unwrap_or_default(),
            status: row.status().japanese_name(),
            status_code: row.status().code(),
            updated: row
                .filing
                .as_ref()
                .map(|filing| when(filing.updated_at))
                .unwrap_or_default(),
            proxy: row
                .filing
                .as_ref()
                .is_some_and(|filing| filing.proxy_entered),
            review_link: row
                .filing
                .as_ref()
                .filter(|filing| filing.version > 0)
                .map(|filing| format!("/admin/filings/{}", filing.id)),
            employee_id: row.employee.id.to_string(),
            requestable: row.status() == FilingStatus::NotRequested,
            remindable: row.status() != FilingStatus::NotRequested
                && row.status().awaits_employee(),
            approvable: row
                .filing
                .as_ref()
                .filter(|filing| filing.status == FilingStatus::Submitted)
                .map(|filing| format!("{}:{}", filing.id, filing.version)),
            originals_pending: if awaits_originals(row.status()) {
                row.originals_pending
            } else {
                0
            },
            shares_claims: row.shares_claims,
            own_deadline: row
                .filing
                .as_ref()
                .filter(|filing| filing.status.awaits_employee())
                .and_then(|filing| filing.own_deadline)
                .map(|day| format!("{}/{}", u8::from(day.month()), day.day())),
            // The workflow keeps the mark on 提出済 declarations only.
            checked: row
                .filing
                .as_ref()
                .is_some_and(|filing| filing.checked.is_some()),
            exclusion: row
                .filing
                .as_ref()
                .filter(|filing| filing.status == FilingStatus::Excluded)
                .map(|filing| filing.last_comment.clone().unwrap_or_default()),
            excludable: row.status().may_be_excluded(),
        })
        .collect();
    page(
        &DashboardPage {
            layout,
            company_id: company_id.to_string(),
            company_name: board.company.name.as_str().to_owned(),
            year: year.year(),
            year_label: format!("令和{}年分({}年分)", year.reiwa(), year.year()),
            periods: board
                .periods
                .as_ref()
                .map(nencho_app::filings::periods::summary),
            guidance: board.guidance.as_ref().map(|text| text.as_str().to_owned()),
            total: board.counts.total(),
            counts: FilingStatus::ALL
                .into_iter()
                .map(|candidate| CountView {
                    code: candidate.code(),
                    label: candidate.japanese_name(),
                    count: board.counts.of(candidate),
                    selected: Some(candidate) == status,
                })
                .collect(),
            status: status
                .map(FilingStatus::code)
                .unwrap_or_default()
                .to_owned(),
            awaiting_originals: board.awaiting_originals,
            originals: if awaiting_originals(query.originals.as_deref()) {
                "pending"
            } else {
                ""
            },
            shared_claims: board.shared_claims,
            claims: if shared_claims(query.claims.as_deref()) {
                "shared"
            } else {
                ""
            },
            own_deadlines: board.own_deadlines,
            deadline: if own_deadlines(query.deadline.as_deref()) {
                "own"
            } else {
                ""
            },
            checked_count: board.checked,
            unchecked_count: board
                .counts
                .of(FilingStatus::Submitted)
                .saturating_sub(board.checked),
            check: checked_filter(query.checked.as_deref()).1,
            search: query.q.unwrap_or_default(),
            department: asked_department(query.department.as_deref()).unwrap_or_default(),
            rows,
            next_after: board.page.next.map(|next| next.as_str().to_owned()),
            may_set_periods: may(Permission::ManagePeriods),
            may_request: may(Permission::RequestFilings),
            may_proxy: may(Permission::EditFilings),
            may_export: may(Permission::ExportPayroll),
            may_approve: may(Permission::ApproveFilings),
            may_receive: may(Permission::ReturnFilings),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct RequestForm {
    csrf_token: String,
    /// One employee's id; absent = everyone due.
    employee: Option<String>,
}

/// 依頼 (`kind == "request"`), 督促 (`"remind"`) or 原本の督促 (`"remind-originals"`), for one
/// employee or everyone due.
#[handler]
pub async fn send_requests(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year, kind)): Path<(String, String, String)>,
    Form(form): Form<RequestForm>,
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
    let recipients = match form.employee.as_deref().filter(|text| !text.is_empty()) {
        None => Recipients::Everyone,
        Some(text) => match text.parse::<EmployeeId>() {
            Ok(employee) => Recipients::Only(vec![employee]),
            Err(_) => return plain_not_found(),
        },
    };
    let outcome = match kind.as_str() {
        "request" => {
            request_filings(&services.app, &current, company_id, tax_year, recipients).await
        }
        "remind" => remind(&services.app, &current, company_id, tax_year, recipients).await,
        "remind-originals" => {
            remind_originals(&services.app, &current, company_id, tax_year, recipients).await
        }
        _ => return plain_not_found(),
    };
    match outcome {
        Ok(outcome) => {
            let mut notice = match kind.as_str() {
                "request" => format!("{}件を依頼しました。", outcome.done),
                "remind" => format!("{}件を督促しました。", outcome.done),
                _ => format!("{}件に原本の提出を督促しました。", outcome.done),
            };
            if outcome.without_email > 0 {
                notice.push_str(&format!(
                    "うち{}件はメールアドレスがないため、別の方法でお知らせください。",
                    outcome.without_email
                ));
            }
            see_other(&format!(
                "/admin/companies/{company_id}/filings/{}?notice={}",
                tax_year.year(),
                urlencode(&notice)
            ))
        }
        Err(AppError::Refused(reason)) => crate::sites::render::message(
            site.layout().with_user(&current),
            StatusCode::CONFLICT,
            site.lang.words().error_title,
            &reason,
            &format!("/admin/companies/{company_id}/periods/{}", tax_year.year()),
            "期間を設定する",
        ),
        Err(error) => failure(&site, &error).await,
    }
}

struct SkippedView {
    number: String,
    name: String,
    reason: &'static str,
}

#[derive(Template)]
#[template(path = "site/filing_bulk_approval.html")]
struct BulkApprovalPage {
    layout: Layout,
    dashboard: String,
    approved: usize,
    skipped: Vec<SkippedView>,
    /// Approved with 重複の疑い: (number, name, the declaration's page).
    sharing: Vec<(String, String, String)>,
}

/// One `selected` value of the dashboard: `{filing_id}:{version}`.
fn parse_selected(value: &str) -> Option<(FilingId, i64)> {
    let (id, version) = value.split_once(':')?;
    Some((id.trim().parse().ok()?, version.trim().parse().ok()?))
}

/// 一括承認: approves the declarations checked on the dashboard (`selected`, repeated) and
/// says how many were approved and which were left, with why.
#[handler]
pub async fn approve_selected(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(super::form_field(&fields, "csrf_token")) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    // The permission before the selection is read: a role without it gets 403 whatever it posts.
    if let Err(refused) = permitted(
        &site,
        &services,
        &current,
        Permission::ApproveFilings,
        company_id,
    )
    .await
    {
        return refused;
    }
    let dashboard = format!("/admin/companies/{company_id}/filings/{}", tax_year.year());
    let refuse = |status: StatusCode, body: &str| {
        crate::sites::render::message(
            site.layout().with_user(&current),
            status,
            site.lang.words().error_title,
            body,
            &dashboard,
            "進捗に戻る",
        )
    };
    let mut selected = Vec::new();
    for (_, value) in fields.iter().filter(|(name, _)| name == "selected") {
        match parse_selected(value) {
            Some(one) => selected.push(one),
            None => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "選択された申告書の指定が正しくありません。画面を開き直してください。",
                );
            }
        }
    }
    if selected.is_empty() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "承認する申告書を選択してください。",
        );
    }
    match approve_many(&services.app, &current, company_id, tax_year, selected).await {
        Ok(done) => page(
            &BulkApprovalPage {
                layout: site.layout().with_user(&current),
                dashboard: dashboard.clone(),
                approved: done.approved,
                skipped: done
                    .skipped
                    .into_iter()
                    .map(|skip| SkippedView {
                        number: skip.employee_number,
                        name: skip.employee_name,
                        reason: skip.reason.japanese(),
                    })
                    .collect(),
                sharing: done
                    .sharing_claims
                    .into_iter()
                    .map(|approved| {
                        (
                            approved.employee_number,
                            approved.employee_name,
                            format!("/admin/filings/{}", approved.filing_id),
                        )
                    })
                    .collect(),
            },
            StatusCode::OK,
        ),
        Err(AppError::Invalid { message, .. }) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, &message)
        }
        Err(error) => failure(&site, &error).await,
    }
}

/// A notice as a query value, so it survives the redirect.
pub(super) fn urlencode(text: &str) -> String {
    crate::sites::render::percent_encode(text.as_bytes())
}

/// The refusal page unless `current` holds `permission` in the company: checked before a form
/// is read, so that a role without it gets 403 whatever it posts.
pub(super) async fn permitted(
    site: &Site<'_>,
    services: &HttpServices,
    current: &CurrentUser,
    permission: Permission,
    company_id: CompanyId,
) -> Result<(), Response> {
    match require(&services.app, current, permission, Some(company_id)).await {
        Ok(_) => Ok(()),
        Err(error) => Err(failure(site, &error).await),
    }
}

/// The progress list's CSV columns, in order. Documented in docs/declarations.md.
const PROGRESS_HEADER: [&str; 18] = [
    "社員番号",
    "氏名",
    "フリガナ",
    "部署",
    "メールアドレス",
    "状況",
    "状況コード",
    "代理入力",
    "再年調",
    "依頼日時",
    "提出日時",
    "承認日時",
    "更新日時",
    "原本未着",
    "重複の疑い",
    "直近のコメント",
    "個別の提出期限",
    "確認済",
];

fn progress_cells(row: &FilingRow) -> Vec<String> {
    let employee = &row.employee;
    let filing = row.filing.as_ref();
    let time = |at: Option<OffsetDateTime>| at.map(format_japan_datetime).unwrap_or_default();
    let flag = |set: bool| if set { "1" } else { "0" }.to_owned();
    vec![
        employee.number.to_string(),
        employee.name.full(),
        format!("{} {}", employee.name.family_kana, employee.name.given_kana),
        employee.department.clone().unwrap_or_default(),
        employee
            .email
            .as_ref()
            .map(|email| email.as_str().to_owned())
            .unwrap_or_default(),
        row.status().japanese_name().to_owned(),
        row.status().code().to_owned(),
        flag(filing.is_some_and(|filing| filing.proxy_entered)),
        flag(filing.is_some_and(|filing| filing.reopened)),
        time(filing.and_then(|filing| filing.requested_at)),
        time(filing.and_then(|filing| filing.submitted_at)),
        time(filing.and_then(|filing| filing.approved_at)),
        time(filing.map(|filing| filing.updated_at)),
        if awaits_originals(row.status()) {
            row.originals_pending.to_string()
        } else {
            "0".to_owned()
        },
        flag(row.shares_claims),
        filing
            .and_then(|filing| filing.last_comment.clone())
            .unwrap_or_default(),
        filing
            .and_then(|filing| filing.own_deadline)
            .map(|day| day.to_string())
            .unwrap_or_default(),
        flag(filing.is_some_and(|filing| filing.checked.is_some())),
    ]
}

#[derive(Deserialize)]
pub struct ProgressQuery {
    status: Option<String>,
    department: Option<String>,
    originals: Option<String>,
    claims: Option<String>,
    deadline: Option<String>,
    checked: Option<String>,
    q: Option<String>,
    encoding: Option<String>,
}

/// The progress list as CSV, filtered as the dashboard is (status, 原本未着, 重複の疑い, 個別の期限,
/// search): every
/// employee listed, not one page — for chasing the late ones from a spreadsheet.
#[handler]
pub async fn progress_csv(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<ProgressQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some((company_id, tax_year)) = company_and_year(&id, &year) else {
        return plain_not_found();
    };
    let filter = DashboardRequest {
        status: query.status.as_deref().and_then(FilingStatus::from_code),
        search: query.q.clone(),
        department: asked_department(query.department.as_deref()),
        awaiting_originals: awaiting_originals(query.originals.as_deref()),
        shared_claims: shared_claims(query.claims.as_deref()),
        own_deadlines: own_deadlines(query.deadline.as_deref()),
        checked: checked_filter(query.checked.as_deref()).0,
        after: None,
    };
    // The permission (and the department scope) before anything is streamed.
    if let Err(error) =
        progress_page(&services.app, &current, company_id, tax_year, &filter, None).await
    {
        return failure(&site, &error).await;
    }
    let header = PROGRESS_HEADER.map(str::to_owned).to_vec();
    let file_name = format!("progress-{}", tax_year.year());
    let services = Arc::clone(&services);
    stream_csv(
        CsvEncoding::asked(query.encoding.as_deref()),
        &file_name,
        header,
        move |after| {
            let services = Arc::clone(&services);
            let current = current.clone();
            let filter = filter.clone();
            Box::pin(async move {
                let page = progress_page(
                    &services.app,
                    &current,
                    company_id,
                    tax_year,
                    &filter,
                    after,
                )
                .await?;
                Ok((page.rows.iter().map(progress_cells).collect(), page.next))
            })
        },
    )
}
