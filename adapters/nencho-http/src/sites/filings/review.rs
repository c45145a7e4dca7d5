//! A declaration as the reviewer sees it — declared values, computed deductions, the diff
//! against last year, the whole history — with return, approve and reopen (YEA-3, YEA-4).

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::authorization::{grants_of, reaches};
use nencho_app::filings::checks::set_checked;
use nencho_app::filings::deadlines::set_own_deadline;
use nencho_app::filings::exclusions::include_filing;
use nencho_app::filings::review::{
    approve_filing, reopen_filing, require_over_filing, return_filing, review,
};
use nencho_filings::{FilingStatus, Problem};
use nencho_identity::Permission;
use nencho_kernel::{FilingId, wareki_or_iso};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::attachments::{AttachmentsView, attachments_view};
use super::claim_checks::{ClaimCheckView, claim_check_views};
use super::views::{
    ChangeView, EventView, FormView, Line, amount_lines, change_views, event_views, form_views,
    submission_note_view,
};
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{message, page, plain_not_found, rejected_form};

struct DiffLine {
    label: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "site/filing_staff_review.html")]
struct StaffReviewPage {
    layout: Layout,
    filing_id: String,
    company_id: String,
    employee_id: String,
    employee_name: String,
    employee_number: String,
    year: i32,
    year_label: String,
    status: &'static str,
    status_code: &'static str,
    proxy: bool,
    reopened: bool,
    comment: String,
    version: i64,
    problems: Vec<Problem>,
    /// 重複扶養チェック.
    claim_checks: Vec<ClaimCheckView>,
    forms: Vec<FormView>,
    amounts: Vec<Line>,
    has_last_year: bool,
    last_year_changes: Vec<DiffLine>,
    events: Vec<EventView>,
    changes: Vec<ChangeView>,
    /// 担当者への連絡事項 handed in with the latest submission.
    submission_note: Option<EventView>,
    can_return: bool,
    can_approve: bool,
    can_reopen: bool,
    can_proxy: bool,
    /// 対象に戻す (an excluded declaration, RequestFilings).
    can_include: bool,
    /// The exclusions page with this employee's number filled in (RequestFilings, a
    /// declaration that may still be excluded).
    exclude_link: Option<String>,
    attachments: AttachmentsView,
    /// Certificates the declaration calls for whose originals have not arrived.
    originals_missing: usize,
    deadline: DeadlineView,
    /// 担当者メモ: (when, who, text), oldest first.
    memos: Vec<(String, String, String)>,
    /// May add a memo (ReturnFilings).
    can_memo: bool,
    /// A memo refused, with why, shown again in the form.
    memo_error: String,
    memo_text: String,
    check: CheckView,
}

/// 一次確認 on the review page.
struct CheckView {
    /// (when, who) of the mark, while it stands.
    mark: Option<(String, String)>,
    /// May mark or unmark (ReturnFilings, a 提出済 declaration).
    can_set: bool,
    /// The company approves only after someone else's check.
    required: bool,
    /// The viewer made the mark, and the company wants another person to approve.
    checked_by_viewer: bool,
}

fn check_view(
    found: &nencho_app::filings::review::FilingReview,
    viewer: nencho_kernel::UserId,
    can_set: bool,
) -> CheckView {
    let mark = found.filing.checked;
    let who = mark.map(|mark| {
        // The history's name of whoever made the mark (the event written with it).
        found
            .history
            .events
            .iter()
            .rev()
            .find(|event| {
                event.at == mark.at
                    && event.action == nencho_filings::FilingAction::Check.japanese_name()
            })
            .map_or_else(|| "—".to_owned(), |event| event.actor_name.clone())
    });
    CheckView {
        mark: mark
            .zip(who)
            .map(|(mark, who)| (super::views::when(mark.at), who)),
        can_set,
        required: found.check_required,
        checked_by_viewer: found.check_required && mark.is_some_and(|mark| mark.by == viewer),
    }
}

/// 個別の提出期限 on the review page: the company's deadline, the employee's own, and the day
/// the return form offers when the company's deadline is past or close.
#[derive(Default)]
struct DeadlineView {
    /// `令和8年11月30日`, when the periods are set.
    company: Option<String>,
    /// `令和8年12月7日`, when staff gave one.
    own: Option<String>,
    /// `2026-12-07` in the return form: a week from today when the deadline is within a week.
    suggested: String,
    /// Whether the 個別の提出期限 form is shown (RequestFilings, a declaration still to hand in).
    can_set: bool,
}

fn deadline_view(
    services: &HttpServices,
    found: &nencho_app::filings::review::FilingReview,
    can_set: bool,
) -> DeadlineView {
    let Some(periods) = &found.periods else {
        return DeadlineView::default();
    };
    let today = nencho_app::filings::japan_today(&services.app);
    let in_a_week = (today + time::Duration::days(7)).min(periods.adjustment.end);
    let effective = periods.deadline_for(&found.filing);
    DeadlineView {
        company: Some(wareki_or_iso(periods.filing.end)),
        own: found.filing.own_deadline.map(wareki_or_iso),
        // A reopened declaration's own day comes after the 再提出期間: staff choose it.
        suggested: if !found.filing.reopened
            && effective < in_a_week
            && in_a_week > periods.filing.end
        {
            in_a_week.to_string()
        } else {
            String::new()
        },
        can_set,
    }
}

#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(filing_id) = id.parse::<FilingId>() else {
        return plain_not_found();
    };
    review_page(&site, &services, &current, filing_id, None, StatusCode::OK).await
}

/// The review page; `refused_memo` is a memo just refused (why, what was typed).
async fn review_page(
    site: &Site<'_>,
    services: &HttpServices,
    current: &nencho_app::sign_in::CurrentUser,
    filing_id: FilingId,
    refused_memo: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let found = match review(&services.app, current, filing_id).await {
        Ok(found) => found,
        Err(error) => return failure(site, &error).await,
    };
    let grants = match grants_of(&services.app, current).await {
        Ok(grants) => grants,
        Err(error) => return failure(site, &error).await,
    };
    let filing = &found.filing;
    let company = filing.company_id;
    let may = |permission: Permission| reaches(&grants, permission, Some(company));
    let submitted = filing.status == FilingStatus::Submitted;
    let awaited = matches!(
        filing.status,
        FilingStatus::Requested
            | FilingStatus::Draft
            | FilingStatus::Returned
            | FilingStatus::Submitted
    );
    let deadline = deadline_view(services, &found, awaited && may(Permission::RequestFilings));
    let check = check_view(
        &found,
        current.user.id,
        submitted && may(Permission::ReturnFilings),
    );
    page(
        &StaffReviewPage {
            layout: site.layout().with_user(current),
            filing_id: filing.id.to_string(),
            company_id: company.to_string(),
            employee_id: found.employee.id.to_string(),
            employee_name: found.employee.name.full(),
            employee_number: found.employee.number.to_string(),
            year: filing.tax_year.year(),
            year_label: format!("令和{}年分", filing.tax_year.reiwa()),
            status: filing.status.japanese_name(),
            status_code: filing.status.code(),
            proxy: filing.proxy_entered,
            reopened: filing.reopened,
            comment: filing.last_comment.clone().unwrap_or_default(),
            version: filing.version,
            problems: found.problems.clone(),
            claim_checks: claim_check_views(&found.claim_checks),
            forms: form_views(&filing.document, &found.forms, found.computed.as_ref().ok()),
            amounts: found
                .computed
                .as_ref()
                .map(amount_lines)
                .unwrap_or_default(),
            has_last_year: found.last_year.is_some(),
            last_year_changes: found
                .changes_since_last_year
                .iter()
                .map(|change| DiffLine {
                    label: change.label.clone(),
                    before: change.before.clone().unwrap_or_else(|| "—".into()),
                    after: change.after.clone().unwrap_or_else(|| "—".into()),
                })
                .collect(),
            events: event_views(&found.history),
            submission_note: submission_note_view(&found.history),
            changes: change_views(&found.history),
            can_return: submitted && may(Permission::ReturnFilings),
            can_approve: submitted && may(Permission::ApproveFilings),
            can_reopen: filing.status == FilingStatus::Approved && may(Permission::ApproveFilings),
            can_proxy: may(Permission::EditFilings),
            can_include: filing.status == FilingStatus::Excluded && may(Permission::RequestFilings),
            exclude_link: (filing.status.may_be_excluded() && may(Permission::RequestFilings))
                .then(|| {
                    format!(
                        "/admin/companies/{company}/filings/{}/exclusions?numbers={}",
                        filing.tax_year.year(),
                        super::staff::urlencode(found.employee.number.as_str())
                    )
                }),
            originals_missing: found
                .originals
                .iter()
                .filter(|line| line.receipt.is_none())
                .count(),
            attachments: attachments_view(
                &found.attachments,
                &found.originals,
                |id| format!("/admin/attachments/{id}"),
                None,
                may(Permission::ReturnFilings)
                    .then(|| format!("/admin/filings/{}/originals", filing.id)),
            ),
            deadline,
            memos: found
                .memos
                .iter()
                .map(|memo| {
                    (
                        super::views::when(memo.at),
                        memo.actor_name.clone(),
                        memo.text.as_str().to_owned(),
                    )
                })
                .collect(),
            can_memo: may(Permission::ReturnFilings),
            memo_error: refused_memo
                .as_ref()
                .map(|(error, _)| error.clone())
                .unwrap_or_default(),
            memo_text: refused_memo.map(|(_, text)| text).unwrap_or_default(),
            check,
        },
        status,
    )
}

#[derive(Deserialize)]
pub struct MemoForm {
    csrf_token: String,
    #[serde(default)]
    memo: String,
}

/// 担当者メモ added from the review page; refused (empty, too long) shows the page again with
/// the reason and the text kept (422).
#[handler]
pub async fn add_memo(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<MemoForm>,
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
    match nencho_app::filings::memos::add_memo(&services.app, &current, filing_id, &form.memo).await
    {
        Ok(_) => see_other(&format!("/admin/filings/{filing_id}#memos")),
        Err(AppError::Invalid { message, .. }) => {
            review_page(
                &site,
                &services,
                &current,
                filing_id,
                Some((message, form.memo)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf_token: String,
    version: i64,
    #[serde(default)]
    comment: String,
    /// 個別の提出期限 (a return's, or `deadline`'s): empty = none.
    #[serde(default)]
    deadline: String,
}

/// The day typed (西暦 or 和暦), `None` when empty.
fn typed_day(text: &str) -> Result<Option<nencho_kernel::Date>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    nencho_kernel::parse_japanese_date(text)
        .map(Some)
        .map_err(|_| AppError::Invalid {
            field: "deadline",
            message: "提出期限の日付を 2026-12-07 の形で入力してください。".to_owned(),
        })
}

/// `return`, `approve`, `reopen` (with the comment or reason), `include` (対象に戻す), `deadline`
/// (個別の提出期限), `check` or `uncheck` (一次確認).
#[handler]
pub async fn decide(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, decision)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
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
    let app = &services.app;
    let day = typed_day(&form.deadline);
    // An unreadable day is told only to those who may give one.
    if day.is_err() {
        let permission = match decision.as_str() {
            "return" => Some(Permission::ReturnFilings),
            "deadline" => Some(Permission::RequestFilings),
            _ => None,
        };
        if let Some(permission) = permission
            && let Err(error) = require_over_filing(app, &current, permission, filing_id).await
        {
            return failure(&site, &error).await;
        }
    }
    let result = match (decision.as_str(), day) {
        ("return" | "deadline", Err(error)) => Err(error),
        ("return", Ok(day)) => {
            return_filing(app, &current, filing_id, form.version, form.comment, day).await
        }
        ("deadline", Ok(day)) => {
            set_own_deadline(app, &current, filing_id, form.version, day).await
        }
        ("approve", _) => approve_filing(app, &current, filing_id, form.version).await,
        ("reopen", _) => reopen_filing(app, &current, filing_id, form.version, form.comment).await,
        ("include", _) => include_filing(app, &current, filing_id, form.version).await,
        ("check", _) => set_checked(app, &current, filing_id, form.version, true).await,
        ("uncheck", _) => set_checked(app, &current, filing_id, form.version, false).await,
        _ => return plain_not_found(),
    };
    let back = format!("/admin/filings/{filing_id}");
    match result {
        Ok(_) => see_other(&back),
        Err(AppError::Refused(reason) | AppError::Conflict(reason)) => message(
            site.layout().with_user(&current),
            StatusCode::CONFLICT,
            site.lang.words().error_title,
            &reason,
            &back,
            "申告書に戻る",
        ),
        Err(AppError::Invalid {
            field: "deadline",
            message: reason,
        }) => message(
            site.layout().with_user(&current),
            StatusCode::UNPROCESSABLE_ENTITY,
            site.lang.words().error_title,
            &reason,
            &back,
            "申告書に戻る",
        ),
        Err(AppError::Incomplete(problems)) => {
            let reasons: Vec<String> = problems
                .into_iter()
                .map(|problem| problem.message)
                .collect();
            message(
                site.layout().with_user(&current),
                StatusCode::CONFLICT,
                site.lang.words().error_title,
                &format!("不備があるため承認できません: {}", reasons.join(" / ")),
                &back,
                "申告書に戻る",
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}
